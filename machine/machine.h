/* machine/machine.h: the board. 1 to MACHINE_MAX_CORES emulated cores
 * (struct emu_core each; cores 1.. in machine/cores.c, docs/machine.md
 * "Several cores"), RAM at MM_RAM_BASE, the devices of devices/ on MMIO, the
 * boot-info block, the ELF loader, and the run loop: the core runs until the
 * next deadline (timer, end of slice, --max-cycles), then the board updates
 * its devices (the timer drives its line of the interrupt controller) and,
 * while the controller's output is up, delivers an interrupt through the
 * architecture's trap emulation (machine/arch.h). Emulated time is the core's cycle clock
 * and nothing else. */
#ifndef IPCEMU_MACHINE_MACHINE_H
#define IPCEMU_MACHINE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/intc.h"
#include "devices/power.h"
#include "devices/timer.h"
#include "devices/traceport.h"
#include "devices/uart.h"
#include "emu/cpu.h"
#include "machine/arch.h"
#include "tracer/merge.h"
#include "tracer/trace.h"

enum machine_outcome {
    MACHINE_OK,            /* the kernel powered off with exit code 0 */
    MACHINE_EXPECT_FAILED, /* the kernel powered off with another code */
    MACHINE_FAULT,         /* the kernel faulted or the emulation failed */
    MACHINE_DEADLOCK,      /* every core idles with nothing left to wake it */
    MACHINE_MAX_CYCLES,    /* the clock reached --max-cycles */
    MACHINE_MAX_EVENTS,    /* the trace reached MACHINE_TRACE_EVENTS_MAX events or the
                              console MACHINE_CONSOLE_MAX bytes */
    MACHINE_RUNNING,       /* not finished yet */
};

/* What one run may record: a guest writes trace events and console bytes
 * for a few instructions each (the trace port costs nothing beyond them),
 * so without a bound a guest could fill the host's memory long before
 * --max-cycles. A run that reaches either ends with outcome "max_events".
 * 20 million events is twice the largest trace the timeline is measured
 * on (tests/bench/timeline-10m.json), about 1.1 GB of host memory. */
#define MACHINE_TRACE_EVENTS_MAX 20000000u
#define MACHINE_CONSOLE_MAX (64u << 20)
/* The capability cache's lines when nothing says (a trace records the
 * number in effect). */
#define MACHINE_CAP_CACHE_DEFAULT 64u

/* Cores a machine may have (docs/machine.md, "Several cores"). */
#define MACHINE_MAX_CORES 8u
/* Cycles a core runs, with several, before the board picks the core with
 * the lowest clock again (docs/machine.md: measured). */
#define MACHINE_CORE_QUANTUM_DEFAULT 10000ULL

/* What a core does (struct machine.core_state). Core 0 is never in
 * reset. */
enum machine_core_state {
    MACHINE_CORE_RESET,    /* held in reset: not started by its boot protocol yet */
    MACHINE_CORE_STARTING, /* started by a protocol call; the board sets it up
                              between slices (no engine runs then) */
    MACHINE_CORE_RUN,      /* runs */
    MACHINE_CORE_WFI,      /* waits (hlt / wfi) for its interrupt-controller target
                              or its own timer's deadline */
};

/* A protocol's request to start a core (PSCI CPU_ON, SBI HSM hart_start,
 * INIT/SIPI), kept until the board carries it out between slices. */
struct machine_core_start {
    uint64_t entry;
    uint64_t arg0, arg1;
    uint64_t cycle; /* the caller's clock at the request: the core starts then */
    void *ctx;      /* arch: what it saved from the caller (owned by the arch) */
};

struct machine;

/* Where a kernel boot's trace events come from (docs/machine.md, "Trace
 * sources"). The machine's own events (TRAP, IRQ, USER_ENTER) are recorded
 * with every source; the guest's cycles are the same with every one. */
enum machine_trace_source {
    MACHINE_TRACE_DEFAULT, /* the build's: KERNEL while the kernel has ktrace
                              (IPCEMU_GUEST_KTRACE), else PROBES (KERNEL for an
                              image without a layout record, which no probe
                              decodes) */
    MACHINE_TRACE_KERNEL,  /* the kernel's ktrace() records, through the trace port */
    MACHINE_TRACE_PROBES,  /* decoded from probes (machine/probes.h); trace-port
                              records dropped (counted: port_dropped) */
    MACHINE_TRACE_NONE,    /* none: no probes, trace-port records dropped */
};

/* Returns "kernel", "probes" or "none" (the build's for DEFAULT). */
const char *machine_trace_source_name(enum machine_trace_source s);

/* A student's program, linked for [lo, hi) of the kernel's student area
 * (machine/student.h): the machine loads it after the kernel image. */
struct machine_user_image {
    const uint8_t *elf; /* not owned */
    size_t n;
    uint64_t lo, hi;
};

struct machine_config {
    enum emu_arch_id arch;
    uint64_t ram_size;   /* bytes, MM_RAM_SIZE_MIN..MM_RAM_SIZE_MAX */
    uint64_t max_cycles; /* 0: no limit */
    uint64_t quantum;    /* scheduler time slice handed to the kernel */
    uint64_t seed;
    uint32_t demo;                    /* enum bootinfo_demo */
    uint32_t cap_cache_lines;         /* per-core capability cache (power of two), 0:
                                         MACHINE_CAP_CACHE_DEFAULT */
    FILE *console;                    /* guest console echo, NULL for none */
    const struct tm_profile *profile; /* the CPU timing model; NULL: 1 cycle per instruction */
    bool exact_caches;     /* feed the data caches every access of the whole run (no sampling) */
    uint32_t ncores;       /* cores, 1..MACHINE_MAX_CORES (0: 1) */
    uint64_t core_quantum; /* several cores: cycles a core runs before the board
                              looks at the others (0: MACHINE_CORE_QUANTUM_DEFAULT) */
    /* Called between slices of the run (never inside one): for progress
     * output on a terminal; it must not change the machine. */
    void (*progress)(void *arg, const struct machine *m);
    void *progress_arg;
    const void *scenario; /* BOOT_DEMO_SCENARIO: the compiled scenario (not owned) */
    size_t scenario_size;
    const struct machine_user_image *user_images; /* not owned */
    size_t nuser_images;
    bool bare;          /* `ipcemu exec`: a bare-metal program without boot-info; it ends at a
                           breakpoint or by returning from its entry */
    bool shadow_probes; /* decode the kernel's events from probes too, into a log of
                           their own (machine/probes.h); changes no cycle */
    enum machine_trace_source trace_source; /* for a kernel boot (not `bare`);
                                               machine_boot_elf resolves DEFAULT */
};

/* What the run loop knows of one core's interrupts (owned by machine.c). */
struct machine_core_irq {
    uint64_t rise;        /* intc.tgt[core].rises of the output's rise last delivered
                             (as a trap or by waking the waiting core) */
    uint64_t taken;       /* intc.tgt[core].taken at that delivery */
    uint64_t masked_at;   /* cycle the board first found the core's timer line up
                             and could not deliver it (the kernel ran with
                             interrupts masked, or the controller held the
                             line: in service or disabled) ... */
    uint64_t masked_rise; /* ... for this rise of it (its timer's fired) */
    bool stop_asked;      /* the core's last slice asked it to stop before user
                             code (emu_core.stop_due) */
};

struct machine_dev;    /* an MMIO binding, machine.c */
struct machine_probes; /* machine/probes.c */
struct machine_func {
    uint64_t addr, end;
};

/* The slots after the kernel functions, in this order (tracer/report.h). */
#define MACHINE_SLOT_USER(m) ((m)->nfuncs)
#define MACHINE_SLOT_IDLE(m) ((m)->nfuncs + 1)
#define MACHINE_SLOT_TRAP_ENTRY(m) ((m)->nfuncs + 2)
#define MACHINE_SLOT_TRAP_RETURN(m) ((m)->nfuncs + 3)
#define MACHINE_SLOTS(m) ((m)->nfuncs + 4)

struct machine {
    struct machine_config cfg;
    const struct machine_arch *arch;
    struct emu_core core; /* core 0: every single-core path uses it */
    struct emu_core *aps; /* owned: cores 1..ncores-1 (aps[k - 1] is core k) */
    struct emu_core *cur; /* the core running now (&core between slices) */
    struct tm_coh *coh;   /* owned, with several cores and a profile: their caches' coherence */
    /* IPIs sent and not yet delivered (several cores, the profile's
     * ipi_latency > 0): the cycle each target's software line rises
     * (index line - INTC_LINE_SOFT0), 0 when none is under way. */
    uint64_t ipi_due[MACHINE_MAX_CORES][8];
    uint64_t rise_at; /* != 0 while an IPI is delivered: the cycle of its rise */
    uint8_t core_state[MACHINE_MAX_CORES]; /* enum machine_core_state */
    uint64_t core_idle[MACHINE_MAX_CORES]; /* cores >= 1: cycles spent waiting */
    struct machine_core_start core_start[MACHINE_MAX_CORES];
    uint32_t cores_started; /* secondaries a protocol started */
    uint8_t *low;           /* owned (mmap): RAM outside [MM_RAM_BASE, ...) an arch maps on every
                               core (x86_64 with several cores: the real-mode start page) */
    uint64_t low_base, low_size;
    uint32_t lapic_icr_hi[MACHINE_MAX_CORES]; /* x86_64: each core's ICR_HI */
    uint8_t lapic_init[MACHINE_MAX_CORES];    /* x86_64: got INIT, waits for STARTUP */
    struct dev_uart uart;
    struct dev_timer_bank timers; /* t[k]: core k's own timer (its line: INTC_LINE_TIMER
                                     at target k) */
    struct dev_power power;
    struct dev_traceport trace;
    struct dev_intc intc;     /* each core's timer is its line INTC_LINE_TIMER */
    struct machine_dev *mmio; /* owned, one per device */
    size_t nmmio;
    uint8_t *ram;        /* owned: the host memory behind guest RAM */
    struct trc_log *log; /* not owned */
    enum machine_outcome outcome;
    uint32_t exit_code;   /* what the guest wrote to the power device */
    char why[512];        /* for MACHINE_FAULT / DEADLOCK: what happened */
    uint64_t idle_cycles; /* cycles core 0 spent waiting */
    uint64_t interrupts;  /* interrupts delivered as traps, every core's */
    struct machine_core_irq irq[MACHINE_MAX_CORES]; /* each core's delivery state */
    /* Attribution slots (core->attr): the image's kernel functions by
     * address, then "user" (code outside them: user pages, no symbol),
     * "idle", "trap_entry" and "trap_return" (the hardware's trap entry
     * and return, whatever code runs around them). */
    struct machine_func *funcs; /* owned, sorted by address */
    size_t nfuncs;
    char **attr_names;      /* owned: MACHINE_SLOTS names */
    uint64_t *attr;         /* owned: MACHINE_SLOTS cycle counters per core, core k's at
                               attr + k * MACHINE_SLOTS (core 0's first) */
    uint8_t *slot_phase;    /* owned: per slot, its phase (abi/kphases.h), as
                               the report groups them (trc_slot_phase) */
    uint64_t *stretch_attr; /* owned: per core as attr, its counters when its open
                               kernel stretch began (TRC_EV_KERNEL_PHASES) */
    bool stretch_open[MACHINE_MAX_CORES]; /* core k is in the kernel since a trap (or
                                             boot) and has not returned to user code yet */
    /* Several cores: the events wait here until the merged order lets them
     * into the trace (tracer/merge.h); with one core they go straight in. */
    struct trc_merge merge;
    uint32_t core_pid[MACHINE_MAX_CORES]; /* several cores: the pid each core last
                                             switched to (its sched.switch), for
                                             its user.enter */
    struct machine_probes *probes;        /* owned, NULL unless cfg.shadow_probes or the
                                             trace source is PROBES */
    uint64_t port_dropped;                /* trace-port records dropped: the trace source
                                             is not KERNEL */
};

/* Opens the core and maps RAM and devices. Returns 0, or -1 with the reason
 * in m->why. machine_destroy is needed either way. */
int machine_init(struct machine *m, const struct machine_config *cfg, struct trc_log *log);
/* Loads the ELF image and boots the core at its entry (writes the boot-info
 * block, then the architecture's boot). Returns 0, or -1 with m->why. */
int machine_boot_elf(struct machine *m, const uint8_t *elf, size_t n);
/* Checks an ELF image for `arch` and a RAM of `ram_size` bytes (0: the
 * default) without loading it. Returns 0, or -1 with the reason in why[wn]. */
int machine_check_elf(enum emu_arch_id arch, const uint8_t *img, size_t n, uint64_t ram_size,
                      char *why, size_t wn);
/* Records decoded kernel event `e` (stamped with its probe's clock) in the
 * run's trace as the trace port's records are, when the trace source is
 * PROBES (machine/probes.c, probes_emit); nothing otherwise. */
void machine_probe_event(struct machine *m, const struct trc_event *e);
/* Runs until the outcome is known and returns it. */
enum machine_outcome machine_run(struct machine *m);
/* Returns core `id` (0..ncores-1), or NULL. */
struct emu_core *machine_core(struct machine *m, unsigned id);
/* Starts a bare-metal program on core `id` (0, or a secondary still in
 * reset: tools/bench.c runs one program per core) at `entry` with the stack
 * pointer at `sp`: the kernel's privileged mode, no boot-info; returning
 * from the entry function lands on the breakpoint at MM_EXIT_STUB, which
 * ends the run. Returns 0, or -1 with m->why. */
int machine_bare_start_core(struct machine *m, unsigned id, uint64_t entry, uint64_t sp);
/* What a boot protocol asks (machine/arch): start core `id` at `entry`
 * with the two arguments the protocol passes, at the clock of `from`.
 * Returns MACHINE_START_OK (the board starts it before the next slice),
 * MACHINE_START_ALREADY (it is not in reset) or MACHINE_START_INVALID (no
 * such core, or the entry is outside RAM). `ctx` goes to the arch's start
 * hook (owned by the request once OK; the arch frees it otherwise). */
enum machine_start_rc { MACHINE_START_OK, MACHINE_START_ALREADY, MACHINE_START_INVALID };
enum machine_start_rc machine_request_start(struct machine *m, struct emu_core *from, unsigned id,
                                            uint64_t entry, uint64_t arg0, uint64_t arg1,
                                            void *ctx);
struct trc_core_info; /* tracer/report.h */
/* After the run: sets core k's kernel-lock figures in *ci (lock_known, and
 * when the image has klock_wait the cycles charged to it and the number of
 * entries into it) and its coherence counters (coherence, and with several
 * cores and a timing model its transfers and invalidations_sent); the other
 * fields stay as they are. Returns nothing (nothing for no such core). */
void machine_core_figures(struct machine *m, unsigned k, struct trc_core_info *ci);
/* Frees everything machine_init took. */
void machine_destroy(struct machine *m);

/* Returns "ok", "expect_failed", "fault", "deadlock", "max_cycles" or
 * "running". */
const char *machine_outcome_name(enum machine_outcome o);

/* The guest images built with this program (build/guest/<arch>/). */
enum machine_image { MACHINE_IMAGE_KERNEL, MACHINE_IMAGE_SELFTEST };
/* Returns the embedded ELF for `arch`, or NULL with *n = 0. */
const uint8_t *machine_image(enum emu_arch_id arch, enum machine_image which, size_t *n);

/* Runs the architecture's trap self-test (its selftest.elf) on a fresh
 * machine. Returns 0 when every step passed; else -1 with the reason (the
 * self-test's own console line where it gave one) in why[n]. */
int machine_selftest(enum emu_arch_id arch, char *why, size_t n);

#endif
