/* guest-kernel/arch/x86_64/trap.S: the IDT entry stubs, the common trap
 * entry and the return to user mode.
 *
 * The registers are saved straight into the running process's control
 * block, as seL4 does: while user code runs, TSS.RSP0 points at the end of
 * the struct arch_regs that arch_enter_user restored (current->regs). The
 * CPU (emulated by machine/arch/x86_64.c, which aligns RSP0 down to 16:
 * struct proc is 16-aligned and struct arch_regs 176 bytes) enters a stub
 * at CPL 0 with SS, RSP, RFLAGS, CS, RIP and, for some vectors, an error
 * code pushed there. Each stub pushes a zero error code where the CPU
 * pushes none, then its vector; trap_common pushes the general registers,
 * so the pushes fill the whole struct arch_regs (arch_regs.h), then moves
 * to the top of the kernel stack and calls x86_trap(frame), which never
 * returns. */
#include "kfastpath.h"

    .text
    .code64

/* sizeof(struct arch_regs) (arch_regs.h) and the offset of RSP0 in the
 * TSS (arch.c); both checked in arch.c. */
    .set X86_REGS_SIZE, 176
    .set X86_TSS_RSP0, 4
/* struct kcpu (kcpu.h, which checks them): the kernel stack's top, and the
 * architecture's words: the user's RSP between `syscall` and the save,
 * this core's TSS. In the kernel GS base is the core's struct kcpu; user
 * code runs with its own, exchanged by `swapgs` on every entry from user
 * mode and every return to it. */
    .set KCPU_STACK_TOP, 0
    .set KCPU_ARCH0, 16
    .set KCPU_ARCH1, 24
/* The user selectors (x86.h), the offsets of error and rip in
 * struct arch_regs (RFLAGS and RSP follow RIP at +16, +24; the sysretq
 * path reads them relative to the vector, at 120), and the error
 * code that marks a `syscall` frame
 * (arch_regs.h); checked in arch.c. */
    .set X86_SEL_UDATA_, 0x1b
    .set X86_SEL_UCODE_, 0x23
    .set X86_REGS_ERROR, 128
    .set X86_REGS_RIP, 136
    .set X86_ERROR_SYSRET, -1

/* STUB v: the entry of vector v (an error code is pushed by the CPU for
 * 8, 10-14, 17, 21, 29 and 30), a sized function so that the emulator
 * attributes its cycles to the kernel (x86_stub_128 is the system call's). */
.macro STUB v
    .balign 16
    .type x86_stub_\v, @function
x86_stub_\v:
    .if (\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
    .else
    pushq $0
    .endif
    pushq $\v
    jmp trap_common
    .size x86_stub_\v, . - x86_stub_\v
.endm

/* POPQ r, ...: pops the registers named, in order. */
.macro POPQ regs:vararg
    .irp r, \regs
    popq %\r
    .endr
.endm

/* SAVE_GPRS: the general registers, in struct arch_regs order (reversed). */
.macro SAVE_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32
    STUB \v
.endr

/* x86_syscall_entry (LSTAR), the system call: `syscall` (EFER.SCE, STAR,
 * LSTAR and FMASK set by arch_init) left RCX = the user's RIP after it,
 * R11 = its RFLAGS, CS/SS the kernel's and IF, TF, DF, AC clear, but did
 * not switch stacks (seL4's handle_fastsyscall): the user's RSP goes to a
 * scratch word, RSP to the end of the registers arch_enter_user restored
 * (TSS.RSP0, as for an interrupt), and the pushes build the same struct
 * arch_regs an `int $0x80` frame is (vector 0x80), with error code -1:
 * the mark that arch_enter_user may return with sysretq. Then the
 * fast-path dispatch (x86_syscall_common). */
    .balign 16
    .globl x86_syscall_entry
    .type x86_syscall_entry, @function
x86_syscall_entry:
    swapgs                  /* GS base: this core's struct kcpu */
    mov %rsp, %gs:KCPU_ARCH0
    mov %gs:KCPU_ARCH1, %rsp    /* this core's TSS */
    mov X86_TSS_RSP0(%rsp), %rsp
    pushq $X86_SEL_UDATA_
    pushq %gs:KCPU_ARCH0
    pushq %r11              /* RFLAGS */
    pushq $X86_SEL_UCODE_
    pushq %rcx              /* RIP */
    pushq $X86_ERROR_SYSRET
    pushq $128
    SAVE_GPRS
    jmp x86_syscall_common
    .size x86_syscall_entry, . - x86_syscall_entry

/* x86_stub_128, `int $0x80` (kept for programs that use it; it returns with
 * iretq): the CPU frame, a zero error code, the vector, the registers; then
 * the fast-path dispatch (seL4's c_handle_syscall): SYS_CALL and
 * SYS_REPLY_RECV go to kfastpath.c with the capability (rdi) and the info
 * word (rsi) still in the first two argument registers; anything else to
 * x86_trap(frame). `call`, not `jmp`: the C entries see the stack
 * alignment of a call (they never return). */
    .balign 16
    .globl x86_stub_syscall
    .type x86_stub_128, @function
x86_stub_128:
    swapgs                  /* from user mode only (DPL 3 gate) */
    pushq $0
    pushq $128
    SAVE_GPRS
x86_syscall_common:
    cld                     /* user code may have left DF set */
    xor %ebp, %ebp
    mov %rsp, %rbx          /* struct arch_regs * (current->regs) */
    mov %gs:KCPU_STACK_TOP, %rsp
    cmp $KFP_SYS_CALL, %rax
    jne 1f
    call fastpath_call
1:  cmp $KFP_SYS_REPLY_RECV, %rax
    jne 2f
    call fastpath_reply_recv
2:  mov %rbx, %rdi
    call x86_trap
    ud2                     /* none of them returns */
    .size x86_stub_128, . - x86_stub_128
    .set x86_stub_syscall, x86_stub_128

    .type trap_common, @function
trap_common:
    testb $3, 24(%rsp)      /* the saved CS: from user mode? */
    jz 1f
    swapgs
1:  SAVE_GPRS
    cld                     /* user code may have left DF set */
    xor %ebp, %ebp
    mov %rsp, %rdi          /* struct arch_regs * (current->regs) */
    mov %gs:KCPU_STACK_TOP, %rsp
    call x86_trap
    ud2                     /* x86_trap never returns */
    .size trap_common, . - trap_common

/* void arch_enter_user(const struct arch_regs *r): points TSS.RSP0 at the
 * end of r (the next trap saves the registers into r) and returns to user
 * mode with r's registers: with sysretq when r was saved by `syscall`
 * (error code X86_ERROR_SYSRET) and its RIP is canonical (sysretq to a
 * non-canonical RIP faults in ring 0), which takes RIP from RCX and RFLAGS
 * from R11, so those two come back with the values `syscall` gave them;
 * else with iretq (interrupts, faults, `int $0x80`, a new process).
 * r must be 16-byte aligned (a struct proc's regs). */
    .globl arch_enter_user
    .type arch_enter_user, @function
arch_enter_user:
    lea X86_REGS_SIZE(%rdi), %rax
    mov %gs:KCPU_ARCH1, %rcx    /* this core's TSS */
    mov %rax, X86_TSS_RSP0(%rcx)
    mov %rdi, %rsp
    cmpq $X86_ERROR_SYSRET, X86_REGS_ERROR(%rdi)
    jne 2f
    mov X86_REGS_RIP(%rdi), %rax
    sar $47, %rax
    inc %rax
    cmp $1, %rax            /* canonical: bits 63..47 all 0 or all 1 */
    ja 2f
    POPQ r15, r14, r13, r12
    add $8, %rsp            /* r11: RFLAGS below */
    POPQ r10, r9, r8, rbp, rdi, rsi, rdx
    add $8, %rsp            /* rcx: RIP below */
    POPQ rbx, rax
    mov 16(%rsp), %rcx      /* RIP (past vector, error code) */
    mov 32(%rsp), %r11      /* RFLAGS */
    mov 40(%rsp), %rsp      /* RSP */
    swapgs                  /* the user's GS base back */
    sysretq
2:  POPQ r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax
    add $16, %rsp           /* vector, error code */
    swapgs                  /* the user's GS base back */
    iretq
    .size arch_enter_user, . - arch_enter_user

/* The stub addresses by vector, for the IDT (arch.c). */
    .section .rodata
    .balign 8
    .globl x86_stub_table
x86_stub_table:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32
    .quad x86_stub_\v
.endr

    .section .note.GNU-stack, "", @progbits
