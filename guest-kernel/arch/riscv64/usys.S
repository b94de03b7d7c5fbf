/* guest-kernel/arch/riscv64/usys.S: user-mode stubs (linked into
 * libuser.a, which kernel.ld places in user pages). */
    .section .text, "ax"

/* long usys_call(long nr, long a0, long a1, long a2): ecall with a7 = nr,
 * a0..a2 = arguments; the result comes back in a0. usys_ecall labels the
 * ecall itself (the self-test checks sepc against it). */
    .globl usys_call
    .globl usys_ecall
    .type usys_call, @function
usys_call:
    mv      a7, a0
    mv      a0, a1
    mv      a1, a2
    mv      a2, a3
usys_ecall:
    ecall
    ret
    .size usys_call, . - usys_call

/* void usys_undefined_insn(void): the all-zero 16-bit parcel (c.unimp) is
 * defined to be illegal. */
    .globl usys_undefined_insn
    .type usys_undefined_insn, @function
usys_undefined_insn:
    .2byte  0
    ret
    .size usys_undefined_insn, . - usys_undefined_insn

/* void usys_privileged_insn(void): sstatus is a supervisor CSR, illegal in
 * U-mode. */
    .globl usys_privileged_insn
    .type usys_privileged_insn, @function
usys_privileged_insn:
    csrr    a0, sstatus
    ret
    .size usys_privileged_insn, . - usys_privileged_insn

/* long usys_ipc(long nr, struct ipc_regs *io): an IPC call with the
 * message registers (ipc/uapi.h): cap a0, info a1, MR0..7 a2..a6 t0 t1 t2,
 * aux t3, badge t4; the status comes back in a0 and the registers the
 * kernel filled in are stored back into *io. */
    .globl usys_ipc
    .type usys_ipc, @function
usys_ipc:
    mv      a7, a0
    mv      t5, a1
    ld      a0, 0(t5)
    ld      a1, 8(t5)
    ld      a2, 16(t5)
    ld      a3, 24(t5)
    ld      a4, 32(t5)
    ld      a5, 40(t5)
    ld      a6, 48(t5)
    ld      t0, 56(t5)
    ld      t1, 64(t5)
    ld      t2, 72(t5)
    ld      t3, 80(t5)
    ld      t4, 88(t5)
    ecall
    sd      a1, 8(t5)
    sd      a2, 16(t5)
    sd      a3, 24(t5)
    sd      a4, 32(t5)
    sd      a5, 40(t5)
    sd      a6, 48(t5)
    sd      t0, 56(t5)
    sd      t1, 64(t5)
    sd      t2, 72(t5)
    sd      t3, 80(t5)
    sd      t4, 88(t5)
    ret
    .size usys_ipc, . - usys_ipc
