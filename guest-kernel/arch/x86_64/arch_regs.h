/* guest-kernel/arch/x86_64/arch_regs.h: the user registers saved at trap
 * entry. The layout is the frame trap.S builds in the process's control
 * block (TSS.RSP0 points at its end while user code runs): the general
 * registers it pushes, the vector and error code the stubs push (a zero
 * error code where the CPU pushes none), then the frame the CPU pushes
 * (RIP, CS, RFLAGS, RSP, SS). trap.S and arch_enter_user depend on it. */
#ifndef IPCEMU_KERNEL_X86_64_ARCH_REGS_H
#define IPCEMU_KERNEL_X86_64_ARCH_REGS_H

#include <stdint.h>

struct arch_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;                   /* pushed by the entry stub */
    uint64_t error;                    /* CPU error code, or 0 */
    uint64_t rip, cs, rflags, rsp, ss; /* the CPU's interrupt frame */
};

_Static_assert(sizeof(struct arch_regs) == 22 * 8, "trap.S builds this frame");

/* The 64-bit word of struct arch_regs IPC register `which` (enum
 * arch_ipc_reg, arch.h; < ARCH_IPC_NREGS) lives in (usys.S: cap rdi, info
 * rsi, MR0..7 rdx r10 r8 r9 rbx rbp r12 r13, aux r14, badge r15). A
 * constant `which` folds to a constant offset. */
#define ARCH_IPC_WORD(which)                                                                       \
    ((unsigned)(unsigned char)"\x09\x0a\x0b\x05\x07\x06\x0d\x08\x03\x02\x01\x00"[(which)])
_Static_assert(__builtin_offsetof(struct arch_regs, rdi) == 9 * 8, "ARCH_IPC_WORD: cap");
_Static_assert(__builtin_offsetof(struct arch_regs, rdx) == 11 * 8, "ARCH_IPC_WORD: MR0");
_Static_assert(__builtin_offsetof(struct arch_regs, rbx) == 13 * 8, "ARCH_IPC_WORD: MR4");
/* The word of struct arch_regs the system-call result goes in (rax). */
#define ARCH_RET_WORD 14u
_Static_assert(__builtin_offsetof(struct arch_regs, rax) == ARCH_RET_WORD * 8, "ARCH_RET_WORD");
_Static_assert(sizeof(struct arch_regs) % 16 == 0, "the frame keeps RSP 16-byte aligned");

/* Returns this core's struct kcpu: its `self` word, at GS base + 8. In the
 * kernel GS base is the core's struct kcpu (arch_cpu_set_self); user code
 * runs with its own GS base, swapped in and out by `swapgs` at every
 * entry and exit (trap.S), so whatever it loads into GS never reaches the
 * kernel. */
static inline void *arch_cpu_self(void)
{
    void *p;
    __asm__("mov %%gs:8, %0" : "=r"(p));
    return p;
}
/* The architecture's spin-wait hint, for a turn of a spin loop: x86 pause.
 * The machine ends a spinning core's slice there (docs/machine.md,
 * "Spin-wait hints"). Returns nothing. */
static inline void arch_spin_hint(void)
{
    __asm__ volatile("pause" ::: "memory");
}

#endif
