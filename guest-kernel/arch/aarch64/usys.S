/* guest-kernel/arch/aarch64/usys.S: user-mode system-call stubs (in
 * libuser.a, placed in user pages by kernel.ld). ABI: x8 = number, x0..x5 =
 * arguments, x0 = result; svc #0 returns to the next instruction. */
    .section .text, "ax"

/* long usys_call(long nr, long a0, long a1, long a2) */
    .globl usys_call
    .type usys_call, %function
usys_call:
    mov     x8, x0
    mov     x0, x1
    mov     x1, x2
    mov     x2, x3
    svc     #0
    ret
    .size usys_call, . - usys_call

/* udf #0 is permanently undefined. */
    .globl usys_undefined_insn
    .type usys_undefined_insn, %function
usys_undefined_insn:
    udf     #0
    ret
    .size usys_undefined_insn, . - usys_undefined_insn

/* SCTLR_EL1 is an EL1 register: reading it at EL0 is undefined. */
    .globl usys_privileged_insn
    .type usys_privileged_insn, %function
usys_privileged_insn:
    mrs     x0, sctlr_el1
    ret
    .size usys_privileged_insn, . - usys_privileged_insn

/* long usys_ipc(long nr, struct ipc_regs *io): an IPC call with the
 * message registers (ipc/uapi.h): cap x0, info x1, MR0..7 x2..x7 x9 x10,
 * aux x11, badge x12; the status comes back in x0 and the registers the
 * kernel filled in are stored back into *io. */
    .globl usys_ipc
    .type usys_ipc, %function
usys_ipc:
    mov     x8, x0
    mov     x13, x1
    ldp     x0, x1, [x13, #0]
    ldp     x2, x3, [x13, #16]
    ldp     x4, x5, [x13, #32]
    ldp     x6, x7, [x13, #48]
    ldp     x9, x10, [x13, #64]
    ldp     x11, x12, [x13, #80]
    svc     #0
    str     x1, [x13, #8]
    stp     x2, x3, [x13, #16]
    stp     x4, x5, [x13, #32]
    stp     x6, x7, [x13, #48]
    stp     x9, x10, [x13, #64]
    stp     x11, x12, [x13, #80]
    ret
    .size usys_ipc, . - usys_ipc
