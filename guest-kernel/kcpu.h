/* guest-kernel/kcpu.h: the kernel's per-core state. Core 0 boots the
 * kernel; with bootinfo.ncores > 1 it starts every other core through the
 * architecture's boot protocol (arch_cpu_start): each gets its own kernel
 * stack, its own trap vector and system registers (arch_cpu_init), its own
 * struct kcpu (arch_cpu_set_self), the kernel's page tables, answers one
 * inter-processor interrupt, then runs the scheduler on its own run
 * queues (sched.c) under the kernel lock (klock_big). A process runs on
 * the core its `core` names. */
#ifndef IPCEMU_KERNEL_KCPU_H
#define IPCEMU_KERNEL_KCPU_H

#include <stdint.h>

#include "abi/bootinfo.h"
#include "arch_regs.h" /* arch_cpu_self */

/* The most cores the kernel runs (the machine's MACHINE_MAX_CORES). */
#define KCPU_MAX 8u
/* Priorities (kernel.h NPRIO). */
#define KCPU_NPRIO 8u
/* Each secondary core's kernel stack: as core 0's (kernel.ld). */
#define KCPU_STACK_SIZE 16384u

/* One core. The first four words are read by the trap entry
 * (arch/<arch>/trap.S) at fixed offsets, so they stay where they are:
 * `stack_top` (offset 0; also where the secondary entries load their stack
 * pointer from), `self` (8: x86's kcpu_self reads %gs:8) and the
 * architecture's two words (16, 24: on x86 the user RSP between `syscall`
 * and the save, and this core's TSS). Written by core 0 before the start,
 * then by the core itself (`online`, `wakeups`: atomics). */
struct proc;
struct ipc_capcache;
struct kcpu {
    uint64_t stack_top;
    struct kcpu *self;
    uint64_t arch[2];
    struct proc *current;          /* the process it runs (or last ran) */
    uint32_t id;                   /* its core number (= its controller target) */
    uint32_t online;               /* 1 once it runs its idle loop */
    uint64_t wakeups;              /* inter-processor interrupts it claimed */
    struct ipc_capcache *capcache; /* its capability cache (kipc_init) */
    /* Its scheduler (sched.c), under the kernel lock: one FIFO of ready
     * processes per priority, the bitmap of the non-empty ones, the cycle
     * its running process's slice ends, the deadline its timer is armed
     * for (0: none). */
    struct kcpu_runq {
        struct proc *head, *tail;
    } runq[KCPU_NPRIO];
    uint32_t ready_bits; /* bit q: runq[q] is not empty */
    uint64_t slice_end;
    uint64_t timer_armed;
};
_Static_assert(__builtin_offsetof(struct kcpu, stack_top) == 0, "trap.S, entry.S read offset 0");
_Static_assert(__builtin_offsetof(struct kcpu, self) == 8, "x86 kcpu_self reads %gs:8");
_Static_assert(__builtin_offsetof(struct kcpu, arch) == 16, "x86 trap.S reads %gs:16, %gs:24");

extern struct kcpu kcpus[KCPU_MAX];
extern uint32_t kcpu_count;  /* cores the machine has (bootinfo.ncores, at most KCPU_MAX) */
extern uint32_t kcpu_online; /* cores in the kernel (core 0 included) */

/* Returns the core that runs this code: the pointer arch_cpu_set_self
 * gave the core (one read of a per-core register: TPIDR_EL1, tp, %gs). */
static inline struct kcpu *kcpu_self(void)
{
    return (struct kcpu *)arch_cpu_self();
}

/* The kernel lock (seL4's big kernel lock): a ticket lock every core
 * holds while it runs kernel code, from its entry from user mode (or its
 * idle wait) to its return to user mode (or its next idle wait). With one
 * core there is nobody to exclude and it is not taken (as seL4 builds
 * without it for one core). */
struct klock {
    uint32_t next;  /* the next ticket to hand out */
    uint32_t owner; /* the ticket that holds the lock */
};
extern struct klock klock_big;

/* kcpu.c: spins until ticket `t` holds the kernel lock (its loads are
 * what the spinning costs). Out of line, so that a report names the
 * waiting: the kernel function klock_wait. Returns nothing. */
void klock_wait(uint32_t t);

/* Takes the kernel lock: takes a ticket, and waits (klock_wait) unless it
 * comes up at once. Returns nothing. */
__attribute__((always_inline)) static inline void klock_acquire(void)
{
    if (kcpu_count <= 1)
        return;
    uint32_t t = __atomic_fetch_add(&klock_big.next, 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&klock_big.owner, __ATOMIC_ACQUIRE) != t)
        klock_wait(t);
}

/* Lets the next core's ticket in. Returns nothing. */
__attribute__((always_inline)) static inline void klock_release(void)
{
    if (kcpu_count <= 1)
        return;
    __atomic_store_n(&klock_big.owner, klock_big.owner + 1, __ATOMIC_RELEASE);
}

/* Interrupts core `c` on its wake-up line (INTC_LINE_IPI): a process of
 * its own became ready. Returns nothing. */
void kcpu_kick(struct kcpu *c);
/* Core 0, right after arch_init: makes kcpus[0] (the boot stack's top)
 * its own struct kcpu. Returns nothing. */
void kcpu_boot(void);
/* Core 0, after the kernel's page tables and its interrupt controller
 * are set up: starts every other core and waits (a bounded spin) until
 * each it started counts itself online; prints how many are. Nothing at
 * all with one core. Returns nothing. */
void kcpu_start_all(const struct bootinfo *bi);
/* A secondary core's first C code, on its own stack (entry.S): `hwid` is
 * the core number the hardware or the protocol gave it (MPIDR_EL1.Aff0,
 * the hart id, the APIC id). Sets the core up and parks it. Never
 * returns. */
__attribute__((noreturn)) void kcpu_main(struct kcpu *cpu, uint64_t hwid);

/* ---- provided by arch/<arch>/ ---- */

/* Makes `cpu` the core's own struct kcpu (what kcpu_self returns on it and
 * where its trap entry finds its kernel stack), once, first thing on each
 * core, after arch_init on core 0 (x86: its GDT holds every core's TSS
 * descriptor; this loads the core's own). Fills `cpu->self` and the
 * architecture's words. Returns nothing. */
void arch_cpu_set_self(struct kcpu *cpu);

/* Starts core `id` through the architecture's boot protocol at its
 * secondary entry with `arg` (the struct kcpu) for it. Returns 0 when the
 * protocol accepted, -1 otherwise. */
int arch_cpu_start(unsigned id, uintptr_t arg);
/* On a secondary core: installs its trap vector and the system registers
 * arch_init() sets on core 0. Returns nothing. */
void arch_cpu_init(void);

#endif
