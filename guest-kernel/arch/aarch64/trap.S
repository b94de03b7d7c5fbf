/* guest-kernel/arch/aarch64/trap.S: the exception vector table (VBAR_EL1)
 * and the way back to user mode.
 *
 * An exception from EL0 lands on SP_EL1, which arch_enter_user left at the
 * end of the registers it restored (the running process's struct
 * proc.regs, 16-byte aligned), as seL4 does: the entry saves a struct
 * arch_regs (arch_regs.h) straight into the process's control block, moves
 * SP to the top of the kernel stack and calls arch_trap(frame, kind) in
 * arch.c, which never returns. The kernel runs
 * with DAIF masked, so the current-EL entries only catch what should never
 * happen; they call arch_kernel_exception(), which panics. */
#include "arch_regs.h"
#include "kfastpath.h"

/* A current-EL or AArch32 entry: the kernel itself got an exception. */
.macro KVEC offset
    .balign 0x80
    mov     x0, #\offset
    b       arch_kernel_exception
.endm

/* A lower-EL (EL0, AArch64) entry: save x0/x1, say which vector, save the
 * rest in a64_trap_save. */
.macro UVEC kind
    .balign 0x80
    sub     sp, sp, #ARCH_REGS_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\kind
    b       a64_trap_save
.endm

    .section .text, "ax"
    .balign 2048
    .globl a64_vectors
    .type a64_vectors, %function
a64_vectors:
    KVEC    0x000                   /* current EL, SP_EL0 */
    KVEC    0x080
    KVEC    0x100
    KVEC    0x180
    KVEC    0x200                   /* current EL, SP_EL1 */
    KVEC    0x280
    KVEC    0x300
    KVEC    0x380
    UVEC    A64_VEC_SYNC            /* 0x400: lower EL, AArch64 */
    UVEC    A64_VEC_IRQ             /* 0x480 */
    UVEC    A64_VEC_FIQ             /* 0x500 */
    UVEC    A64_VEC_SERROR          /* 0x580 */
    KVEC    0x600                   /* lower EL, AArch32: never entered */
    KVEC    0x680
    KVEC    0x700
    KVEC    0x780
    .size a64_vectors, . - a64_vectors

/* x0/x1 are saved, x1 = vector kind, sp = the frame (current->regs). */
    .type a64_trap_save, %function
a64_trap_save:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #ARCH_REGS_PC]
    mov     x0, sp
    mrs     x2, tpidr_el1           /* this core's struct kcpu */
    ldr     x2, [x2]                /* its kernel stack's top */
    mov     sp, x2
    mov     x29, xzr
    mov     x30, xzr
    /* The fast-path dispatch (seL4's lel_syscall): an svc with x8 =
     * SYS_CALL or SYS_REPLY_RECV goes to kfastpath.c with x0 and x1 (the
     * capability and the info word, reloaded: UVEC used them) as its
     * arguments; anything else to arch_trap(frame, kind). */
    cbnz    x1, 1f                  /* not A64_VEC_SYNC */
    mrs     x2, esr_el1
    lsr     x2, x2, #26
    cmp     x2, #A64_EC_SVC64
    b.ne    1f
    cmp     x8, #KFP_SYS_CALL
    b.eq    2f
    cmp     x8, #KFP_SYS_REPLY_RECV
    b.eq    3f
1:  bl      arch_trap
    b       arch_halt
2:  ldp     x0, x1, [x0]
    bl      fastpath_call
    b       arch_halt
3:  ldp     x0, x1, [x0]
    bl      fastpath_reply_recv
    b       arch_halt
    .size a64_trap_save, . - a64_trap_save

/* void arch_enter_user(const struct arch_regs *r): leaves SP_EL1 at the
 * end of r (the next exception from EL0 saves the registers into r; r must
 * be 16-byte aligned), restores every register of r and erets to EL0t with
 * DAIF clear (only the NZCV flags of r->pstate are kept, so a frame can
 * never return to EL1). */
    .globl arch_enter_user
    .type arch_enter_user, %function
arch_enter_user:
    add     x1, x0, #ARCH_REGS_SIZE
    mov     sp, x1
    ldp     x2, x3, [x0, #ARCH_REGS_SP]
    ldr     x4, [x0, #ARCH_REGS_PSTATE]
    and     x4, x4, #0xf0000000
    msr     sp_el0, x2
    msr     elr_el1, x3
    msr     spsr_el1, x4
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #240]
    ldp     x0, x1, [x0, #0]
    clrex
    eret
    .size arch_enter_user, . - arch_enter_user
