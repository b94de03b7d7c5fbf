/* guest-kernel/arch/riscv64/smp.c: starting and setting up secondary
 * harts on RISC-V: SBI HSM hart_start by ecall from S-mode (the firmware
 * is the machine's, docs/machine.md). */
#include "arch.h"
#include "kcpu.h"
#include "rv_csr.h"

/* Where a hart started by SBI hart_start begins: S-mode, satp = 0, SIE =
 * 0, a0 = hartid, a1 = opaque, its struct kcpu (stack top at offset 0).
 * Moves onto its stack and calls kcpu_main(cpu, hartid). (Here, not in
 * entry.S, which the trap self-test links without the kernel.) */
void rv_secondary_entry(void);
__asm__(".section .text\n"
        ".balign 4\n"
        ".globl rv_secondary_entry\n"
        ".type rv_secondary_entry, @function\n"
        "rv_secondary_entry:\n"
        "    ld sp, 0(a1)\n"
        "    mv t0, a0\n"
        "    mv a0, a1\n"
        "    mv a1, t0\n"
        "    call kcpu_main\n"
        "1:  wfi\n"
        "    j 1b\n"
        ".size rv_secondary_entry, . - rv_secondary_entry\n");

#define SBI_EXT_HSM 0x48534dul
#define SBI_HSM_HART_START 0ul

int arch_cpu_start(unsigned id, uintptr_t arg)
{
    register uintptr_t a0 __asm__("a0") = id;
    register uintptr_t a1 __asm__("a1") = (uintptr_t)rv_secondary_entry;
    register uintptr_t a2 __asm__("a2") = arg;
    register uintptr_t a6 __asm__("a6") = SBI_HSM_HART_START;
    register uintptr_t a7 __asm__("a7") = SBI_EXT_HSM;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
    return (long)a0 == 0 ? 0 : -1;
}

void arch_cpu_init(void)
{
    arch_init(0); /* stvec, SUM, sie.SEIE, as hart 0's */
}

void arch_tlb_flush(uintptr_t root, unsigned asid)
{
    (void)root;
    if (asid == ARCH_TLB_ALL)
        __asm__ volatile("sfence.vma zero, zero" ::: "memory");
    else
        __asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)asid & RV_SATP_ASID_MASK)
                         : "memory");
}
