/* guest-kernel/arch/x86_64/usys.S: user-mode system-call stub and the two
 * instructions the fault demos execute. Linked into libuser.a (user pages).
 *
 * ABI: rax = number, rdi, rsi, rdx, r10, r8, r9 = arguments, result in rax;
 * the system-call instruction is `syscall` (it clobbers rcx and r11, which
 * carry neither arguments nor IPC registers). */
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
    syscall
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

/* long usys_ipc(long nr, struct ipc_regs *io): an IPC call with the
 * message registers (ipc/uapi.h): cap rdi, info rsi, MR0..7 rdx r10 r8 r9
 * rbx rbp r12 r13, aux r14, badge r15; the status comes back in rax and
 * the registers the kernel filled in are stored back into *io. */
    .globl usys_ipc
    .type usys_ipc, @function
usys_ipc:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    push    %rsi
    mov     %rdi, %rax
    mov     %rsi, %r11
    mov     0(%r11), %rdi
    mov     8(%r11), %rsi
    mov     16(%r11), %rdx
    mov     24(%r11), %r10
    mov     32(%r11), %r8
    mov     40(%r11), %r9
    mov     48(%r11), %rbx
    mov     56(%r11), %rbp
    mov     64(%r11), %r12
    mov     72(%r11), %r13
    mov     80(%r11), %r14
    mov     88(%r11), %r15
    syscall
    pop     %r11
    mov     %rdi, 0(%r11)
    mov     %rsi, 8(%r11)
    mov     %rdx, 16(%r11)
    mov     %r10, 24(%r11)
    mov     %r8, 32(%r11)
    mov     %r9, 40(%r11)
    mov     %rbx, 48(%r11)
    mov     %rbp, 56(%r11)
    mov     %r12, 64(%r11)
    mov     %r13, 72(%r11)
    mov     %r14, 80(%r11)
    mov     %r15, 88(%r11)
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret
    .size usys_ipc, . - usys_ipc

    .section .note.GNU-stack, "", @progbits
