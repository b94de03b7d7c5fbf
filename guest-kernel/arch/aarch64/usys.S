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
