/* guest-kernel/arch/riscv64/trap.S: trap entry from user mode and the way
 * back (seL4 style: one kernel stack, reset at every entry). While user
 * code runs, sscratch holds the top of the kernel stack; the kernel runs
 * with sstatus.SIE = 0 and never takes a trap itself. */
#include "arch_regs.h"
#include "rv_csr.h"

    .section .text, "ax"

/* stvec (direct mode): save every user register into a struct arch_regs
 * at the top of the kernel stack, then rv_trap(frame), which never
 * returns. */
    .balign 4
    .globl rv_trap_entry
    .type rv_trap_entry, @function
rv_trap_entry:
    csrrw   sp, sscratch, sp        /* sp = kernel stack top, sscratch = user sp */
    addi    sp, sp, -ARCH_REGS_FRAME
    sd      x1, 8(sp)
    sd      x3, 24(sp)
    sd      x4, 32(sp)
    sd      x5, 40(sp)
    sd      x6, 48(sp)
    sd      x7, 56(sp)
    sd      x8, 64(sp)
    sd      x9, 72(sp)
    sd      x10, 80(sp)
    sd      x11, 88(sp)
    sd      x12, 96(sp)
    sd      x13, 104(sp)
    sd      x14, 112(sp)
    sd      x15, 120(sp)
    sd      x16, 128(sp)
    sd      x17, 136(sp)
    sd      x18, 144(sp)
    sd      x19, 152(sp)
    sd      x20, 160(sp)
    sd      x21, 168(sp)
    sd      x22, 176(sp)
    sd      x23, 184(sp)
    sd      x24, 192(sp)
    sd      x25, 200(sp)
    sd      x26, 208(sp)
    sd      x27, 216(sp)
    sd      x28, 224(sp)
    sd      x29, 232(sp)
    sd      x30, 240(sp)
    sd      x31, 248(sp)
    csrr    t0, sscratch
    sd      t0, 16(sp)              /* the user's sp */
    csrr    t0, sepc
    sd      t0, ARCH_REGS_PC(sp)
    addi    t0, sp, ARCH_REGS_FRAME
    csrw    sscratch, t0            /* the kernel stack top again */
    mv      a0, sp
    call    rv_trap
1:
    wfi
    j       1b
    .size rv_trap_entry, . - rv_trap_entry

/* void arch_enter_user(const struct arch_regs *r): resets the kernel stack
 * (sscratch = its top), returns to U-mode at r->pc with every register of
 * r and interrupts enabled (SPP = U, SPIE = 1). */
    .globl arch_enter_user
    .type arch_enter_user, @function
arch_enter_user:
    la      t0, __kstack_top
    csrw    sscratch, t0
    ld      t0, ARCH_REGS_PC(a0)
    csrw    sepc, t0
    li      t0, RV_SSTATUS_SPP
    csrc    sstatus, t0
    li      t0, RV_SSTATUS_SPIE
    csrs    sstatus, t0
    ld      x1, 8(a0)
    ld      x2, 16(a0)
    ld      x3, 24(a0)
    ld      x4, 32(a0)
    ld      x5, 40(a0)
    ld      x6, 48(a0)
    ld      x7, 56(a0)
    ld      x8, 64(a0)
    ld      x9, 72(a0)
    ld      x11, 88(a0)
    ld      x12, 96(a0)
    ld      x13, 104(a0)
    ld      x14, 112(a0)
    ld      x15, 120(a0)
    ld      x16, 128(a0)
    ld      x17, 136(a0)
    ld      x18, 144(a0)
    ld      x19, 152(a0)
    ld      x20, 160(a0)
    ld      x21, 168(a0)
    ld      x22, 176(a0)
    ld      x23, 184(a0)
    ld      x24, 192(a0)
    ld      x25, 200(a0)
    ld      x26, 208(a0)
    ld      x27, 216(a0)
    ld      x28, 224(a0)
    ld      x29, 232(a0)
    ld      x30, 240(a0)
    ld      x31, 248(a0)
    ld      x10, 80(a0)
    sret
    .size arch_enter_user, . - arch_enter_user
