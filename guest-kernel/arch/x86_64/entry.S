/* guest-kernel/arch/x86_64/entry.S: the kernel's first instructions. The
 * host starts the core in Unicorn's reset state (CPL 0, long mode, paging
 * off) with RDI = the boot-info block; set up the one kernel stack and call
 * kmain(bi), which never returns. arch_init loads the kernel's own GDT,
 * TSS and IDT. */
    .section .text.boot, "ax", @progbits
    .code64
    .globl _start
    .type _start, @function
_start:
    cli
    cld
    mov $__kstack_top, %rsp
    xor %ebp, %ebp
    call kmain              /* rdi: const struct bootinfo * */
1:  hlt
    jmp 1b
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
