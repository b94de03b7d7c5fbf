/* tracer/report.h: the report of a run, as JSON (ARCHITECTURE.md's keys
 * that apply so far) and as a text summary. */
#ifndef IPCEMU_TRACER_REPORT_H
#define IPCEMU_TRACER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tracer/trace.h"

/* A named figure of the run (cycle breakdown, timing-model counters). */
struct trc_kv {
    const char *name;
    uint64_t value;
};

#define TRC_CHECK_TEXT 192
#define TRC_CHECK_DEPTH 8

/* `ipcemu run`: an expectation of the scenario checked at the end of the
 * run, or an operation whose result was not the one it expected. */
struct trc_check {
    char path[TRC_CHECK_TEXT];     /* where the scenario says it ("expect.messages.sent"), or
                                      the operation's place ("processes[1].program[2].body[0]") */
    char expected[TRC_CHECK_TEXT]; /* what it asked ("99", "ok", "exited with code 0") */
    char got[TRC_CHECK_TEXT];      /* what the run gave */
    bool held;
    /* A failed operation: */
    char process[TRC_NAME_MAX + 1];      /* the process (replica) that ran it */
    char op[24];                         /* its name ("recv") */
    unsigned niterations;                /* the repeats around it, outermost first: */
    uint64_t iteration[TRC_CHECK_DEPTH]; /* the iteration it failed in, from 1 */
    uint64_t of[TRC_CHECK_DEPTH];        /* the repeat's count */
};

/* One core of a run (trc_run_info.cores). */
struct trc_core_info {
    uint64_t cycles;       /* its clock at the end */
    uint64_t idle;         /* cycles it waited (for an interrupt, or in reset) */
    bool split;            /* user and kernel below are known (attribution) */
    uint64_t user, kernel; /* cycles in user code, in the kernel (trap entry and
                              return included) */
    /* The kernel lock (the image's kernel function klock_wait, the spinning
     * for klock_big; docs/machine.md "Several cores"): */
    bool lock_known;           /* the image has klock_wait: the two below are measured */
    uint64_t lock_wait_cycles; /* every cycle charged to klock_wait (part of kernel) */
    uint64_t lock_waits;       /* how many times the core entered klock_wait */
    /* The coherence of the cores' private caches (emu/coherence.c): */
    bool coherence;              /* a timing model with several cores: the two below count */
    uint64_t transfers;          /* this core's data-cache misses served from the line
                                    another core held modified (each costs the profile's
                                    core_transfer) */
    uint64_t invalidations_sent; /* copies in other cores' private caches that this
                                    core's stores invalidated */
};

struct trc_run_info {
    const char *arch;
    const char *cpu;      /* CPU profile name */
    const char *unicorn;  /* the engine's version ("2.1.1"), or NULL */
    const char *capstone; /* the decoder's version ("5.0"), or NULL */
    const char *outcome;  /* "ok", "expect_failed", "fault", "deadlock", "max_cycles" */
    const char *why;      /* what ended the run when not ok, or "" */
    uint64_t cycles;
    uint64_t instructions;
    uint64_t idle_cycles;
    uint64_t interrupts;
    uint32_t kernel_exit_code;      /* what the guest kernel powered off with (0: it ended well) */
    int exit_status;                /* what ipcemu exits with for this run: 0 it ran and every
                                       expectation held, 1 not (writing an output can still
                                       make it 2) */
    const struct trc_check *checks; /* `ipcemu run`: the scenario's expectations */
    size_t nchecks;
    const struct trc_check *failed_ops; /* ... and the operations that failed */
    size_t nfailed_ops;
    const char *program;            /* `ipcemu exec`: the program's path, else NULL */
    const char *scenario;           /* `ipcemu run`: the scenario's name, else NULL */
    const struct trc_kv *breakdown; /* where the cycles went; sums to cycles */
    unsigned nbreakdown;
    const struct trc_kv *counters; /* cache, TLB, branch counters of the timing model */
    unsigned ncounters;
    /* Attribution slots (the log's attribution counters): nattr names and
     * cycles, of which the first nkernel are kernel functions, then those
     * of enum trc_slot ("user", "idle", "trap_entry", "trap_return"; a run
     * may have fewer). nattr 0: none. */
    const char *const *attr_names;
    const uint64_t *attr;
    size_t nattr, nkernel;
    /* A kernel boot: where its events came from ("kernel", "probes",
     * "none"; machine/machine.h enum machine_trace_source), NULL for a
     * bare program (no "trace_source" key). With none the trace holds no
     * kernel event (`--no-probes`): the report then has no "paths",
     * "processes", "messages" nor "cap_cache" (they would be made up). */
    const char *trace_source;
    bool no_kernel_events;
    /* The cores (ncores of them; the report has a "cores" section with
     * more than one): each one's clock and how it spent it. */
    const struct trc_core_info *cores;
    unsigned ncores;
};

/* The attribution slots after the kernel functions, at nkernel + these
 * (machine/machine.h). */
enum trc_slot {
    TRC_SLOT_USER,        /* user code */
    TRC_SLOT_IDLE,        /* the core waited for an interrupt */
    TRC_SLOT_TRAP_ENTRY,  /* the hardware's trap entry */
    TRC_SLOT_TRAP_RETURN, /* the hardware's return from a trap */
    TRC_SLOT_COUNT
};

/* Returns the phase (enum kphase) the cycles of attribution slot `i` of
 * `run` belong to: a kernel function's from abi/kphases.h (logic when it
 * lists it nowhere), then user, idle, trap (the trap entry) and return
 * (the trap return). */
int trc_slot_phase(const struct trc_run_info *run, size_t i);

/* Returns the phase (enum kphase) abi/kphases.h gives kernel function `fn`
 * on architecture `arch` ("x86_64", "aarch64", "riscv64"; any row for NULL
 * or another name), or -1 when the table lists it nowhere there
 * (unassigned; the report counts it as "logic"). */
int trc_kphase_of(const char *arch, const char *fn);
/* Returns the name of phase `phase` ("trap", ...), "unassigned" for -1 or
 * any other number. */
const char *trc_kphase_name(int phase);

/* Returns the report as a JSON string (caller frees with free()), or NULL
 * when out of memory. It has "messages" (sent, received, fast_path,
 * slow_path, direct, queued, refused) and "cap_cache" (hits, misses, invalidations), zeros
 * when no IPC happened, unless run->no_kernel_events. */
char *trc_report_json(const struct trc_run_info *run, const struct trc_log *log);
/* Writes the report JSON to `path` through a temporary file renamed over
 * it (a failed write leaves no new file and `path` as it was). Returns 0,
 * or -1 with the reason in err[n]. */
int trc_report_write(const char *path, const struct trc_run_info *run, const struct trc_log *log,
                     char *err, size_t n);
/* Writes the report JSON to the open stream `f` (not closed). Returns 0,
 * or -1 with the reason in err[n]. */
int trc_report_fwrite(FILE *f, const struct trc_run_info *run, const struct trc_log *log, char *err,
                      size_t n);
/* Prints the text summary to `out` (returns nothing): outcome, clock, a
 * messages line and a cap-cache line when any IPC event was traced, and
 * the processes with their cycles, system calls, messages sent and
 * received, and state. */
void trc_report_print(FILE *out, const struct trc_run_info *run, const struct trc_log *log);

#endif
