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

/* The most cores the kernel runs (the machine's MACHINE_MAX_CORES). */
#define KCPU_MAX 8u
/* Each secondary core's kernel stack: one kpage. */
#define KCPU_STACK_SIZE 4096u

/* One core. `stack_top` is the first field: the architectures' secondary
 * entries (arch/<arch>/entry.S) load their stack pointer from offset 0 of
 * the struct handed to the protocol. Written by core 0 before the start,
 * then by the core itself (`online`, `wakeups`: atomics). */
struct proc;
struct kcpu {
    uint64_t stack_top;
    uint32_t id;          /* its core number (= its controller target) */
    uint32_t online;      /* 1 once it runs its idle loop */
    uint64_t wakeups;     /* inter-processor interrupts it claimed */
    struct proc *current; /* the process it runs (or last ran) */
};
_Static_assert(__builtin_offsetof(struct kcpu, stack_top) == 0, "entry.S reads offset 0");

extern struct kcpu kcpus[KCPU_MAX];
extern uint32_t kcpu_count;  /* cores the machine has (bootinfo.ncores, at most KCPU_MAX) */
extern uint32_t kcpu_online; /* cores in the kernel (core 0 included) */

/* Returns the core that runs this code. Only core 0 runs processes yet:
 * its kernel code is the only kernel code that reads it. */
static inline struct kcpu *kcpu_self(void)
{
    return &kcpus[0];
}

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

/* ---- provided by arch/<arch>/smp.c ---- */

/* Starts core `id` through the architecture's boot protocol at its
 * secondary entry with `arg` (the struct kcpu) for it. Returns 0 when the
 * protocol accepted, -1 otherwise. */
int arch_cpu_start(unsigned id, uintptr_t arg);
/* On a secondary core: installs its trap vector and the system registers
 * arch_init() sets on core 0. Returns nothing. */
void arch_cpu_init(void);

#endif
