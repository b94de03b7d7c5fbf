/* guest-kernel/arch/x86_64/arch_regs.h: the user registers saved at trap
 * entry. The layout is the kernel stack frame trap.S builds: the general
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
_Static_assert(sizeof(struct arch_regs) % 16 == 0, "the frame keeps RSP 16-byte aligned");

#endif
