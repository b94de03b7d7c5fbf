/* guest-kernel/arch/riscv64/arch_regs.h: the user registers the RV64 trap
 * entry (trap.S) saves into the process's control block and
 * arch_enter_user restores.
 * Shared with the assembly through the ARCH_REGS_* offsets below. */
#ifndef IPCEMU_KERNEL_RISCV64_ARCH_REGS_H
#define IPCEMU_KERNEL_RISCV64_ARCH_REGS_H

/* Byte offsets, for trap.S: x[i] is at 8 * i, the PC after the 32 slots. */
#define ARCH_REGS_PC 256
#define ARCH_REGS_SIZE 264

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Register numbers of the ABI names the kernel uses. */
enum rv_reg {
    RV_REG_RA = 1,
    RV_REG_SP = 2,
    RV_REG_A0 = 10,
    RV_REG_A7 = 17,
};

/* A process's saved state (struct proc.regs), written by trap entry and
 * by the kernel while the process does not run. */
struct arch_regs {
    uintptr_t x[32]; /* x[i] = register xi; x[0]: the kernel's tp (trap.S) */
    uintptr_t pc;    /* where user mode resumes (sepc) */
};

_Static_assert(sizeof(struct arch_regs) == ARCH_REGS_SIZE, "trap.S depends on this layout");
_Static_assert(__builtin_offsetof(struct arch_regs, pc) == ARCH_REGS_PC, "trap.S offset");

/* The 64-bit word of struct arch_regs IPC register `which` (enum
 * arch_ipc_reg, arch.h; < ARCH_IPC_NREGS) lives in: x[n] is word n
 * (usys.S: cap a0, info a1, MR0..7 a2..a6 t0 t1 t2, aux t3, badge t4). A
 * constant `which` folds to a constant offset. */
/* The word of struct arch_regs the system-call result goes in (a0). */
#define ARCH_RET_WORD 10u
#define ARCH_IPC_WORD(which)                                                                       \
    ((unsigned)(unsigned char)"\x0a\x0b\x0c\x0d\x0e\x0f\x10\x05\x06\x07\x1c\x1d"[(which)])
/* Returns this core's struct kcpu: the kernel's tp (the ABI's thread
 * pointer, which the compiler never allocates). User code may change tp:
 * arch_enter_user keeps the kernel's in the frame's x[0] (x0 has no slot
 * of its own to save) and the trap entry loads it back. */
static inline void *arch_cpu_self(void)
{
    void *p;
    __asm__("mv %0, tp" : "=r"(p));
    return p;
}
/* The architecture's spin-wait hint, for a turn of a spin loop:
 * Zihintpause pause, the fence with pred = W and succ = 0 (0x0100000f;
 * clang 14 has no mnemonic for it at rv64imac; an older core runs it as
 * that fence). The machine ends a spinning core's slice there
 * (docs/machine.md, "Spin-wait hints"). Returns nothing. */
static inline void arch_spin_hint(void)
{
    __asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory");
}
#endif

#endif
