/* guest-kernel/arch/x86_64/usys.S: user-mode system-call stub and the two
 * instructions the fault demos execute. Linked into libuser.a (user pages).
 *
 * ABI: rax = number, rdi, rsi, rdx, r10, r8, r9 = arguments, result in rax;
 * the system-call instruction is `int $0x80` (gate DPL 3). */
    .text
    .code64

/* long usys_call(long nr, long a0, long a1, long a2) */
    .globl usys_call
    .type usys_call, @function
usys_call:
    mov %rdi, %rax
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    .globl usys_call_trap
usys_call_trap:             /* the selftest checks the trap PC against this */
    int $0x80
    ret
    .size usys_call, . - usys_call

/* void usys_undefined_insn(void): #UD */
    .globl usys_undefined_insn
    .type usys_undefined_insn, @function
usys_undefined_insn:
    ud2
    ret
    .size usys_undefined_insn, . - usys_undefined_insn

/* void usys_privileged_insn(void): hlt at CPL 3 is #GP(0) */
    .globl usys_privileged_insn
    .type usys_privileged_insn, @function
usys_privileged_insn:
    hlt
    ret
    .size usys_privileged_insn, . - usys_privileged_insn

    .section .note.GNU-stack, "", @progbits
