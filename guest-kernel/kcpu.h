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
#include "arch.h"      /* arch_tlb_flush */
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
    /* TLB shootdown (kcpu_tlb_shootdown): a request to flush translations
     * from this core's TLB. `tlb_req` is the generation asked (written by
     * the core that holds the kernel lock), `tlb_done` the one this core
     * served; `tlb_asid` what to flush (an address-space id, or
     * ARCH_TLB_ALL when an earlier request was still pending), `tlb_root`
     * that address space's page-table root; `tlb_parked` is 1 while this
     * core waits for the kernel lock (klock_contended), where it serves
     * whatever is pending before it does anything else. */
    uint32_t tlb_req, tlb_done;
    uint32_t tlb_asid, tlb_parked;
    uint64_t tlb_root;
    /* The address space this core loaded last, as the architecture
     * keeps it (x86_64: the CR3 value, PCID included; 0 before its first
     * load): a switch to the same one skips the load. */
    uint64_t as_loaded;
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
/* kcpu.c: the lock's slow path: ticket `t` did not come up at once. Serves
 * this core's pending TLB shootdown, parks (tlb_parked: the core holding
 * the lock need not wait for it), waits (klock_wait), then serves what
 * came in meanwhile. Returns nothing. */
void klock_contended(uint32_t t);

/* Takes the kernel lock: takes a ticket, and waits (klock_contended)
 * unless it comes up at once. Returns nothing. */
__attribute__((always_inline)) static inline void klock_acquire(void)
{
    if (kcpu_count <= 1)
        return;
    uint32_t t = __atomic_fetch_add(&klock_big.next, 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&klock_big.owner, __ATOMIC_ACQUIRE) != t)
        klock_contended(t);
}

/* Lets the next core's ticket in. Returns nothing. */
__attribute__((always_inline)) static inline void klock_release(void)
{
    if (kcpu_count <= 1)
        return;
    __atomic_store_n(&klock_big.owner, klock_big.owner + 1, __ATOMIC_RELEASE);
}

/* Serves this core's pending TLB shootdown (struct kcpu tlb_*): flushes
 * what was asked from its own TLB (arch_tlb_flush) and acknowledges each
 * generation (tlb_done). Called where the core may find a request: the
 * inter-processor interrupt's handler (irq_ipi) and the lock's slow path
 * (klock_contended, before it parks and after it gets the lock). Cheap
 * when nothing is pending: two loads. Returns nothing. */
__attribute__((always_inline)) static inline void kcpu_serve_remote(void)
{
    struct kcpu *c = kcpu_self();
    uint32_t g;
    while ((g = __atomic_load_n(&c->tlb_req, __ATOMIC_ACQUIRE)) != c->tlb_done) {
        uint32_t asid = __atomic_load_n(&c->tlb_asid, __ATOMIC_RELAXED);
        arch_tlb_flush(__atomic_load_n(&c->tlb_root, __ATOMIC_RELAXED), asid);
        __atomic_store_n(&c->tlb_done, g, __ATOMIC_SEQ_CST);
    }
}

/* Drops the stale translations of `p`'s address space after a change
 * of its page tables made on this core: on this core, when it is `p`'s,
 * by reloading the space if `p` runs (else nothing, as before several
 * cores: AArch64's and RISC-V's arch_pt_map flushed this core's TLB; on
 * x86 the engine keeps no translations across a CR3 load); on another (a revoke, a
 * move, an exit of whoever `p`'s capability came from) by asking it
 * (struct kcpu tlb_*, an inter-processor interrupt) and waiting, with the
 * kernel lock held, until it flushed or parked for the lock (it then
 * flushes before it leaves the kernel), as seL4 does for its TLB
 * invalidation across cores. Returns nothing. */
void kcpu_tlb_shootdown(struct proc *p);

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
