/* guest-kernel/kcpu.h: the kernel's per-core state. Core 0 boots the
 * kernel and runs everything (processes, IPC, the scheduler); with
 * bootinfo.ncores > 1 it starts every other core through the
 * architecture's boot protocol (arch_cpu_start): each gets its own stack,
 * its own trap vector and system registers (arch_cpu_init), the kernel's
 * page tables, and parks in its idle loop, where the only interrupt it
 * takes is its inter-processor line (INTC_LINE_IPI at its own controller
 * target). Later slices of issue 16 give the other cores run queues. */
#ifndef IPCEMU_KERNEL_KCPU_H
#define IPCEMU_KERNEL_KCPU_H

#include <stdint.h>

#include "abi/bootinfo.h"
#include "arch_regs.h" /* arch_cpu_self */

/* The most cores the kernel runs (the machine's MACHINE_MAX_CORES). */
#define KCPU_MAX 8u
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
struct kcpu {
    uint64_t stack_top;
    struct kcpu *self;
    uint64_t arch[2];
    struct proc *current; /* the process it runs (or last ran) */
    uint32_t id;          /* its core number (= its controller target) */
    uint32_t online;      /* 1 once it runs its idle loop */
    uint64_t wakeups;     /* inter-processor interrupts it claimed */
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
