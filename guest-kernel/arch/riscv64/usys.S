/* guest-kernel/arch/riscv64/usys.S: user-mode stubs (linked into
 * libuser.a, which kernel.ld places in user pages). */
    .section .text, "ax"

/* long usys_call(long nr, long a0, long a1, long a2): ecall with a7 = nr,
 * a0..a2 = arguments; the result comes back in a0. usys_ecall labels the
 * ecall itself (the self-test checks sepc against it). */
    .globl usys_call
    .globl usys_ecall
usys_call:
    mv      a7, a0
    mv      a0, a1
    mv      a1, a2
    mv      a2, a3
usys_ecall:
    ecall
    ret

/* void usys_undefined_insn(void): the all-zero 16-bit parcel (c.unimp) is
 * defined to be illegal. */
    .globl usys_undefined_insn
usys_undefined_insn:
    .2byte  0
    ret

/* void usys_privileged_insn(void): sstatus is a supervisor CSR, illegal in
 * U-mode. */
    .globl usys_privileged_insn
usys_privileged_insn:
    csrr    a0, sstatus
    ret
