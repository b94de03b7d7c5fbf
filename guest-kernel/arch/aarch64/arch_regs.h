/* guest-kernel/arch/aarch64/arch_regs.h: the user registers saved at trap
 * entry into the process's control block (trap.S writes exactly this
 * layout, arch_enter_user reads it), and
 * the architectural constants trap.S and arch.c share. Assembly-safe. */
#ifndef IPCEMU_AARCH64_ARCH_REGS_H
#define IPCEMU_AARCH64_ARCH_REGS_H

#define ARCH_REGS_SIZE 272
#define ARCH_REGS_SP 248
#define ARCH_REGS_PC 256
#define ARCH_REGS_PSTATE 264

#ifndef __ASSEMBLER__
#include <stdint.h>

struct arch_regs {
    uint64_t x[31];  /* x0 .. x30 (x30 = lr) */
    uint64_t sp;     /* SP_EL0 */
    uint64_t pc;     /* ELR_EL1: where eret resumes */
    uint64_t pstate; /* SPSR_EL1: NZCV; EL0t with DAIF clear on return */
};

_Static_assert(sizeof(struct arch_regs) == ARCH_REGS_SIZE, "trap.S saves this layout");
_Static_assert(__builtin_offsetof(struct arch_regs, sp) == ARCH_REGS_SP, "trap.S layout");
_Static_assert(__builtin_offsetof(struct arch_regs, pc) == ARCH_REGS_PC, "trap.S layout");
_Static_assert(__builtin_offsetof(struct arch_regs, pstate) == ARCH_REGS_PSTATE, "trap.S layout");

/* The 64-bit word of struct arch_regs IPC register `which` (enum
 * arch_ipc_reg, arch.h; < ARCH_IPC_NREGS) lives in: x[n] is word n
 * (usys.S: cap x0, info x1, MR0..7 x2..x7 x9 x10, aux x11, badge x12). A
 * constant `which` folds to a constant offset. */
/* The word of struct arch_regs the system-call result goes in (x0). */
#define ARCH_RET_WORD 0u
#define ARCH_IPC_WORD(which)                                                                       \
    ((unsigned)(unsigned char)"\x00\x01\x02\x03\x04\x05\x06\x07\x09\x0a\x0b\x0c"[(which)])
/* Returns this core's struct kcpu (TPIDR_EL1, which arch_cpu_set_self
 * writes: EL1 only, user code can neither read nor change it). */
static inline void *arch_cpu_self(void)
{
    void *p;
    __asm__("mrs %0, tpidr_el1" : "=r"(p));
    return p;
}
/* The architecture's spin-wait hint, for a turn of a spin loop: AArch64 yield.
 * The machine ends a spinning core's slice there (docs/machine.md,
 * "Spin-wait hints"). Returns nothing. */
static inline void arch_spin_hint(void)
{
    __asm__ volatile("yield" ::: "memory");
}
#endif

/* Vector kinds trap.S passes to arch_trap(). */
#define A64_VEC_SYNC 0
#define A64_VEC_IRQ 1
#define A64_VEC_FIQ 2
#define A64_VEC_SERROR 3

/* ESR_EL1 exception classes (ESR[31:26]) the kernel tells apart. */
#define A64_EC_UNKNOWN 0x00  /* undefined instruction */
#define A64_EC_WFX 0x01      /* wfi / wfe trapped (SCTLR.nTWI/nTWE = 0) */
#define A64_EC_FP 0x07       /* FP/SIMD access while CPACR disables it */
#define A64_EC_ILLEGAL 0x0e  /* illegal execution state */
#define A64_EC_SVC64 0x15    /* svc from AArch64 */
#define A64_EC_SYSREG 0x18   /* msr / mrs / sys trapped */
#define A64_EC_IABT_LOW 0x20 /* instruction abort from EL0 */
#define A64_EC_PC_ALIGN 0x22 /* misaligned PC */
#define A64_EC_DABT_LOW 0x24 /* data abort from EL0 */
#define A64_EC_SP_ALIGN 0x26 /* misaligned SP */
#define A64_EC_BRK 0x3c      /* brk instruction */
#define A64_ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define A64_ESR_WNR (1u << 6) /* data abort: the access was a write */
#define A64_ESR_FSC(esr) ((esr)&0x3f)

#endif
