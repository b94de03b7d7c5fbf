/* guest-kernel/arch/riscv64/entry.S: the kernel starts here in M-mode
 * (Unicorn's reset state: mstatus = 0, paging off) with a0 = the boot-info
 * block. It gives S- and U-mode all of memory through PMP, delegates the
 * exceptions and the supervisor interrupts to S-mode, and mret's into
 * S-mode (interrupts masked, no translation) to call kmain(a0). */
#include "rv_csr.h"

    .section .text.boot, "ax"
    .globl _start
    .type _start, @function
_start:
    la      sp, __kstack_top
    /* Any trap into M-mode would be a bug: park it where the host sees it. */
    la      t0, rv_m_trap
    csrw    mtvec, t0
    /* PMP entry 0: NAPOT over the whole address space, R/W/X for S and U. */
    li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, RV_PMP_NAPOT_RWX
    csrw    pmpcfg0, t0
    li      t0, RV_MEDELEG_KERNEL
    csrw    medeleg, t0
    li      t0, RV_MIDELEG_S
    csrw    mideleg, t0
    csrw    mie, zero
    csrw    satp, zero
    /* mstatus.MPP = S, MPIE = 0: mret lands in S-mode with SIE = 0. */
    li      t0, RV_MSTATUS_MPP | RV_MSTATUS_MPIE
    csrc    mstatus, t0
    li      t0, RV_MSTATUS_MPP_S
    csrs    mstatus, t0
    la      t0, 1f
    csrw    mepc, t0
    mret
1:
    call    kmain
2:
    wfi
    j       2b
    .size _start, . - _start

    .balign 4
    .type rv_m_trap, @function
rv_m_trap:
    wfi
    j       rv_m_trap
    .size rv_m_trap, . - rv_m_trap
