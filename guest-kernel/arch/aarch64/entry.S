/* guest-kernel/arch/aarch64/entry.S: the kernel's first instructions. The
 * host starts the core at EL1h (SP_EL1) with interrupts masked, the MMU off
 * and x0 = the boot-info block. Masks everything again, moves onto the one
 * kernel stack and calls kmain(bi), which never returns. */
    .section .text.boot, "ax"
    .globl _start
    .type _start, %function
_start:
    msr     daifset, #0xf
    msr     spsel, #1
    adrp    x1, __kstack_top
    add     x1, x1, :lo12:__kstack_top
    mov     sp, x1
    mov     x29, xzr
    mov     x30, xzr
    bl      kmain
1:  wfi
    b       1b
    .size _start, . - _start
