/* guest-kernel/kernel.h: the neutral kernel's internal interfaces. */
#ifndef IPCEMU_KERNEL_KERNEL_H
#define IPCEMU_KERNEL_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "kcpu.h"
#include "ipc/cap.h"
#include "ipc/port.h"
#include "abi/syscall_nr.h"
#include "abi/events.h"

#define KPAGE_SIZE 4096u
#define NPROC 1024 /* process table slots */
#define NPRIO 8    /* priorities 0 (lowest) .. NPRIO-1 (highest) */
#define PROC_NAME_MAX 16
#define USTACK_PAGES 4 /* user stack: 16 KiB per process */
#define PRINT_MAX 1024 /* longest SYS_PRINT */
#define KIPC_SLOTS 64  /* capability slots per process */

/* Linker symbols (kernel.ld). */
extern char __kernel_start[], __kernel_end[], __user_start[], __user_end[];
extern char __student_start[], __student_end[]; /* students' images (scn_proc) */

enum proc_state { PROC_FREE, PROC_READY, PROC_RUNNING, PROC_BLOCKED, PROC_EXITED, PROC_KILLED };

#define KIPC_MAPS 8 /* regions a process may have mapped at once */

/* A region mapped into a process (kregion.c). */
struct kmap {
    ipc_cap_t tok; /* the capability it was mapped through */
    uintptr_t base;
    size_t len; /* 0: slot free */
    bool writable;
};

/* A user process. The kernel runs with interrupts masked and, with
 * several cores, under the kernel lock (klock_big), so no field needs a
 * lock of its own. `regs` comes first and is 16-byte
 * aligned: the trap entry stubs save the user registers straight into it
 * (arch_enter_user points TSS.RSP0 / SP_EL1 at its end, sscratch at it). */
struct proc {
    struct arch_regs regs __attribute__((aligned(16))); /* user registers, saved at trap entry */
    uint32_t pid;                                       /* 1.. ; 0 is "none / idle" */
    char name[PROC_NAME_MAX + 1];
    unsigned prio;
    unsigned core; /* the core it runs on (its affinity; kcpus[core]) */
    enum proc_state state;
    uintptr_t pt_root; /* its address space */
    unsigned asid;
    uintptr_t stack_lo, stack_hi; /* its user stack, [lo, hi) */
    uintptr_t entry;              /* the user function it runs */
    /* A student's image mapped for it alone (proc_map_image): code below
     * img_data, writable data from it to img_hi; all 0: none. */
    uintptr_t img_lo, img_data, img_hi;
    int exit_code;
    enum trc_fault fault; /* PROC_KILLED: why */
    struct proc *next;    /* run-queue link */
    /* IPC (kipc.c). */
    struct ipc_cspace cspace; /* its capabilities */
    struct ipc_slot slots[KIPC_SLOTS];
    struct ipc_waiter waiter;    /* parked on a port while PROC_BLOCKED */
    struct ipc_msg kbuf;         /* a parked sender's message / delivery buffer */
    uintptr_t ubuf;              /* a parked receiver's user buffer */
    bool recv_regs;              /* parked to receive into its registers */
    bool reply_wait;             /* blocked in a call, waiting for the reply */
    uint32_t call_seq;           /* numbers its calls: a reply names one */
    uint16_t reply_cspace;       /* where its call's reply capability is */
    ipc_cap_t reply_tok;         /*   and its token (IPC_CAP_NULL: none yet) */
    unsigned base_prio;          /* its own priority (prio may be inherited) */
    uint64_t deadline;           /* cycle its wait times out, 0: never (ktimeout.c) */
    struct proc *tprev, *tnext;  /* the list of processes with a deadline (ktimeout.c) */
    struct kmap maps[KIPC_MAPS]; /* regions it has mapped */
    uint32_t region_pages;       /* pages of regions it has created */
    uint32_t ports_owned;        /* the first port it created + 1 (kipc.c), 0: none */
    struct ipc_port *call_port;  /* where its call waits queued (NULL: not queued) */
    /* Its fixed reply slot (seL4 tcbCaller, kcall.c): the reply capability
     * of a call it received, without a capability-space slot; NULL: empty. */
    struct proc *caller;
    uint32_t caller_obj; /* that call's reply object (the token's generation) */
};

/* Machine facts from the boot-info block. */
struct kconfig {
    uintptr_t ram_base, ram_end;
    uintptr_t uart, timer, power, trace, intc;
    uint64_t quantum;
    uint64_t seed;
    uint32_t demo;
    uint32_t cap_cache_lines;
    uintptr_t scenario; /* BOOT_DEMO_SCENARIO: the compiled scenario */
    uint64_t scenario_size;
};
extern struct kconfig kcfg;
extern uintptr_t kernel_root; /* the kernel-only address space */

/* lib.c */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}
static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

/* console.c */
void kputc(char c);
void kputs(const char *s);
void kwrite(const char *s, size_t n);
/* Prints like fmt_format (fmt.h), at most 256 bytes per call. */
void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list ap);

/* kpage.c */
void kpage_init(uintptr_t start, uintptr_t end);
size_t kpage_free_count(void);
/* Allocates `n` consecutive zeroed pages; returns the first, or 0 (and
 * takes none) when fewer are left or `n` is 0. */
uintptr_t kpage_alloc_run(size_t n);

/* ktrace.c: the kernel's own tracepoints, built in only with IPCEMU_KTRACE
 * (cmake/Guest.cmake: kernel-ktrace.elf always, kernel.elf while
 * IPCEMU_GUEST_KTRACE is ON). ktrace_init gives the trace port the
 * kernel's record (before the first ktrace), then each ktrace posts one
 * trace-port record. Without IPCEMU_KTRACE the kernel neither maps nor
 * touches the trace port (KTRACE_ON 0), and `ktrace(...)` is no code at
 * all: its arguments are only type-checked (sizeof, never evaluated), which
 * also keeps a variable used only by a tracepoint "used". The host decodes
 * the same events from probes (docs/machine.md, "Trace sources"). */
#ifdef IPCEMU_KTRACE
#define KTRACE_ON 1
void ktrace_init(void);
void ktrace(uint32_t type, uint32_t pid, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
#else
#define KTRACE_ON 0
/* Does nothing: there is no trace port to set up. */
static inline void ktrace_init(void)
{
}
/* Declared only, never defined nor called: ktrace's signature for sizeof. */
int ktrace_unbuilt(uint32_t type, uint32_t pid, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
#define ktrace(...) ((void)sizeof(ktrace_unbuilt(__VA_ARGS__)))
#endif
/* The timer device. */
uint64_t timer_now(void);
/* Arms the timer for cycle `deadline` (not 0); costs no device write when
 * it is already armed for it. */
void timer_arm(uint64_t deadline);
/* Lowers the timer's line and disarms it. */
void timer_ack(void);
/* Powers the machine off with `code`. */
__attribute__((noreturn)) void power_off(uint32_t code);

/* irq.c: the interrupt controller. */
/* Enables the controller lines the kernel has handlers for, at this
 * core's target (each core, once). */
void irq_init(void);
/* Handles an interrupt taken from user mode while `p` ran: claims the line,
 * runs its handler, completes it; never returns (leaves to `p` or, when
 * the handler preempts it, to the next process). */
__attribute__((noreturn)) void irq_from_user(struct proc *p);
/* Handles what woke the idle core (interrupts masked): claims, handles and
 * completes every pending line. */
void irq_idle(void);
extern uint64_t irq_spurious; /* claims that found no line */

/* proc.c */
/* Creates a ready process that runs the user function entry(arg) (through
 * u_start, which exits with its result) at priority `prio`; returns it, or
 * NULL when the table or memory is full. */
struct proc *proc_create(const char *name, unsigned prio, uintptr_t entry, uintptr_t arg);
/* Replaces the argument a process that has not run yet starts with. */
void proc_set_arg(struct proc *p, uintptr_t arg);
/* The same with the user stack pointer starting at `sp` (below data the
 * kernel put at the top of the stack). */
void proc_set_arg_sp(struct proc *p, uintptr_t arg, uintptr_t sp);
/* Maps the student's image [lo, hi) into `p` (which has not run yet):
 * [lo, data) user-readable and executable, [data, hi) user-writable.
 * Returns 0, or -1 when the range is not page-aligned inside the student
 * area (kernel.ld) or there is no memory for the page tables. */
int proc_map_image(struct proc *p, uintptr_t lo, uintptr_t data, uintptr_t hi);
/* scenario.c: creates the scenario's objects and processes; returns 0 or
 * -1 after printing why. */
int scenario_start(uintptr_t blob, uint64_t size);
/* Ends `p` with exit code `code` (it no longer runs). */
void proc_exit(struct proc *p, int code);
/* Kills `p` for a fault and prints the fault record. */
void proc_kill(struct proc *p, enum trc_fault cause, uintptr_t pc, uintptr_t addr);
/* Returns true if [addr, addr + len) is user memory `p` may read (or
 * write, if `write`). */
bool proc_user_range_ok(const struct proc *p, uintptr_t addr, size_t len, bool write);
/* kregion.c: true if [addr, addr + len) lies in a region `p` has mapped
 * (writable, if `write`). */
bool kregion_user_range_ok(const struct proc *p, uintptr_t addr, size_t len, bool write);
/* The process table (proc.c); proc_slot(i) is &proc_table[i]. */
extern struct proc proc_table[NPROC];
/* Returns the process table slot i (0..NPROC-1). */
struct proc *proc_slot(unsigned i);
/* Returns how many slots were ever used: every process is in a slot below
 * it (loops over processes stop there). */
unsigned proc_slots_used(void);
/* Returns the process with `pid` that has not ended, or NULL. */
struct proc *proc_by_pid(uint32_t pid);
/* Returns how many processes exist and have not ended. */
unsigned proc_live_count(void);

/* kipc.c */
/* Sets up the capability system (a cache of `cache_lines` lines, a power of
 * two) and the port table. */
void kipc_init(uint32_t cache_lines);
/* Gives `p` an empty capability space. Returns 0 or a negative ipc_err. */
int kipc_proc_init(struct proc *p);
/* Makes the empty space of `p` hold at least `nslots` capabilities (up to
 * 2^20): more than KIPC_SLOTS takes CNodes of the kernel's pool (2 or 3
 * levels). Returns 0, InvalidArg (too many, or the space is not empty) or
 * NoMemory (the pool or memory is used up). */
int kipc_cspace_size(struct proc *p, uint32_t nslots);
/* Takes `p` out of IPC for good: stops its wait, closes the ports it
 * created, deletes its capabilities (and what was derived from them). */
void kipc_proc_exit(struct proc *p);
/* The timed wait of blocked `p` is over (ktimeout.c): it stops waiting
 * (port, notification, call) and becomes runnable with Timeout. */
void kipc_wait_expired(struct proc *p);
/* kport.c: creates a port for `owner` with `capacity`; puts a capability
 * with every right in its space. Returns the token, or a negative ipc_err. */
long kport_create(struct proc *owner, uint32_t capacity);
/* ktopic.c: creates a topic for `owner`; returns the token (every right)
 * or a negative ipc_err. */
long ktopic_create(struct proc *owner);
/* knotif.c: creates a notification for `owner`; returns the token (every
 * right) or a negative ipc_err. */
long knotif_create(struct proc *owner);
/* Grants `to` a child of `owner`'s capability `tok` with `rights`. Returns
 * the new token in `to`'s space, or a negative ipc_err. */
long kipc_grant(struct proc *owner, ipc_cap_t tok, struct proc *to, unsigned rights);

/* ktimeout.c: timed waits. */
/* Returns the cycle a wait of `timeout` cycles ends (0: never),
 * saturating. */
uint64_t ktimeout_deadline(uint64_t timeout);
/* Sets p->deadline (0: none), keeping the list of timed waits. */
void ktimeout_update(struct proc *p, uint64_t deadline);
/* The same, at no cost when p had and gets no deadline (the fast path). */
static inline void ktimeout_set(struct proc *p, uint64_t deadline)
{
    if (deadline || p->deadline)
        ktimeout_update(p, deadline);
}
/* Ends every wait whose deadline is at or before cycle `now`, earliest
 * first (kipc_wait_expired). */
void ktimeout_expire(uint64_t now);
/* Returns the earliest deadline of a blocked process, or 0 when no wait
 * can time out. */
uint64_t ktimeout_next(void);

/* sched.c */
/* Sets what the scheduler calls once every process has ended: it returns
 * the exit code the machine powers off with (none set: 0). */
void sched_on_all_ended(uint32_t (*verdict)(void));
void sched_enqueue(struct proc *p);
/* Makes `core` (below kcpu_count) the core `p` runs on; a ready `p` moves
 * to that core's queue. Returns nothing. */
void sched_set_core(struct proc *p, unsigned core);
/* Arms the timer for the end of the running slice or the earliest wait
 * deadline, whichever comes first. */
void sched_arm_timer(void);
/* Makes `p`'s address space the active one (traced). */
void sched_switch_aspace(struct proc *p);
/* Returns true once the running process's time slice is over. */
bool sched_slice_over(uint64_t now);
/* Returns true if a process of priority above `prio` is ready. */
bool sched_ready_above(unsigned prio);
/* The same as sched_ready_above, inline (the fast path): this core's
 * ready bitmap (seL4's), one shift. */
static inline bool sched_ready_above_inline(unsigned prio)
{
    return (kcpu_self()->ready_bits >> prio >> 1) != 0;
}
/* Leaves the kernel for user mode with `r` (arch_enter_user), the kernel
 * lock released first. Never returns. */
__attribute__((noreturn, always_inline)) static inline void kernel_exit(const struct arch_regs *r)
{
    klock_release();
    arch_enter_user(r);
}
/* Picks the next process (or idles until one is ready, or powers off when
 * none is left) and enters it. */
__attribute__((noreturn)) void sched_next(enum trc_switch_reason why);

/* syscall.c */
/* Runs the system call in `r` (current's saved registers) for `current`:
 * its decode, then its invoke. Returns its result (KERR_NOSYS for an
 * unknown number), or does not return when the caller blocks. */
long syscall_dispatch(struct arch_regs *r);

/* demo.c */
/* Creates the processes of the built-in demo `demo`. */
void demo_start(uint32_t demo);
/* Returns the exit code to power off with once every process ended: 0 when
 * the demo went as it should. */
uint32_t demo_verdict(void);

#endif
