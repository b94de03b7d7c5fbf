/* guest-kernel/arch/riscv64/trap.S: trap entry from user mode and the way
 * back (seL4 style: the registers go straight into the running process's
 * control block, then one kernel stack, reset at every entry). While user
 * code runs, sscratch holds the address of the struct arch_regs that
 * arch_enter_user restored (current->regs); while the kernel runs it holds
 * the same address (the kernel runs with sstatus.SIE = 0 and never takes a
 * trap itself; if it did, rv_trap would panic). */
#include "arch_regs.h"
#include "rv_csr.h"
#include "kfastpath.h"

    .section .text, "ax"

/* stvec (direct mode): save every user register into the struct arch_regs
 * sscratch points at, then rv_trap(frame) on the kernel stack, which never
 * returns. */
    .balign 4
    .globl rv_trap_entry
    .type rv_trap_entry, @function
rv_trap_entry:
    csrrw   t0, sscratch, t0        /* t0 = current->regs, sscratch = user t0 */
    sd      x1, 8(t0)
    sd      x2, 16(t0)
    sd      x3, 24(t0)
    sd      x4, 32(t0)
    sd      x6, 48(t0)
    sd      x7, 56(t0)
    sd      x8, 64(t0)
    sd      x9, 72(t0)
    sd      x10, 80(t0)
    sd      x11, 88(t0)
    sd      x12, 96(t0)
    sd      x13, 104(t0)
    sd      x14, 112(t0)
    sd      x15, 120(t0)
    sd      x16, 128(t0)
    sd      x17, 136(t0)
    sd      x18, 144(t0)
    sd      x19, 152(t0)
    sd      x20, 160(t0)
    sd      x21, 168(t0)
    sd      x22, 176(t0)
    sd      x23, 184(t0)
    sd      x24, 192(t0)
    sd      x25, 200(t0)
    sd      x26, 208(t0)
    sd      x27, 216(t0)
    sd      x28, 224(t0)
    sd      x29, 232(t0)
    sd      x30, 240(t0)
    sd      x31, 248(t0)
    csrr    t1, sscratch
    sd      t1, 40(t0)              /* the user's t0 (x5) */
    csrr    t1, sepc
    csrw    sscratch, t0            /* current->regs again */
    ld      tp, 0(t0)               /* the kernel's tp: this core's struct kcpu */
    ld      sp, 0(tp)               /* its kernel stack's top */
    /* The fast-path dispatch (seL4's handle_syscall): an ecall's return
     * address is past it (it has no compressed form); a7 = SYS_CALL or
     * SYS_REPLY_RECV goes to kfastpath.c with a0 and a1 (the capability
     * and the info word) untouched; anything else to rv_trap(frame). */
    csrr    t2, scause
    li      t3, RV_EXC_ECALL_U
    bne     t2, t3, 1f
    addi    t1, t1, 4
    sd      t1, ARCH_REGS_PC(t0)
    li      t3, KFP_SYS_CALL
    beq     a7, t3, 2f
    li      t3, KFP_SYS_REPLY_RECV
    beq     a7, t3, 3f
    j       4f
1:  sd      t1, ARCH_REGS_PC(t0)
4:  mv      a0, t0
    call    rv_trap
    j       5f
2:  call    fastpath_call
    j       5f
3:  call    fastpath_reply_recv
5:
    wfi
    j       5b
    .size rv_trap_entry, . - rv_trap_entry

/* void arch_enter_user(const struct arch_regs *r): sscratch = r (the next
 * trap saves the registers into r; r->x[0], which has no register to
 * hold, keeps the kernel's tp, this core's struct kcpu), returns to U-mode at r->pc with every
 * register of r and interrupts enabled (SPP = U, SPIE = 1). */
    .globl arch_enter_user
    .type arch_enter_user, @function
arch_enter_user:
    csrw    sscratch, a0
    sd      tp, 0(a0)               /* x[0]: the kernel's tp, for the trap entry */
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
