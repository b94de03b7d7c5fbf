/* guest-kernel/arch/aarch64/smp.c: starting and setting up secondary
 * cores on AArch64: PSCI CPU_ON through SMC #0 (the SMC calling
 * convention; the firmware is the machine's, docs/machine.md). */
#include "arch.h"
#include "kcpu.h"

/* Where a core started by PSCI CPU_ON begins: EL1h, MMU off, x0 = the
 * context id, its struct kcpu (stack top at offset 0). Masks everything,
 * moves onto its stack and calls kcpu_main(cpu, MPIDR_EL1.Aff0). (Here,
 * not in entry.S, which the trap self-test links without the kernel.) */
extern char a64_secondary_entry[];
__asm__(".section .text\n"
        ".balign 4\n"
        ".globl a64_secondary_entry\n"
        ".type a64_secondary_entry, %function\n"
        "a64_secondary_entry:\n"
        "    msr daifset, #0xf\n"
        "    msr spsel, #1\n"
        "    ldr x1, [x0]\n"
        "    mov sp, x1\n"
        "    mrs x1, mpidr_el1\n"
        "    and x1, x1, #0xff\n"
        "    mov x29, xzr\n"
        "    mov x30, xzr\n"
        "    bl kcpu_main\n"
        "1:  wfi\n"
        "    b 1b\n"
        ".size a64_secondary_entry, . - a64_secondary_entry\n");

#define PSCI_CPU_ON_64 0xC4000003u

int arch_cpu_start(unsigned id, uintptr_t arg)
{
    register uint64_t x0 __asm__("x0") = PSCI_CPU_ON_64;
    register uint64_t x1 __asm__("x1") = id; /* MPIDR: Aff0 = id */
    register uint64_t x2 __asm__("x2") = (uintptr_t)a64_secondary_entry;
    register uint64_t x3 __asm__("x3") = arg;
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    return (int64_t)x0 == 0 ? 0 : -1;
}

void arch_cpu_init(void)
{
    arch_init(0); /* the vector table and the translation regime, as core 0's */
}

void arch_tlb_flush(uintptr_t root, unsigned asid)
{
    (void)root;
    if (asid == ARCH_TLB_ALL)
        __asm__ volatile("dsb nshst\n\ttlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
    else
        __asm__ volatile("dsb nshst\n\ttlbi aside1, %0\n\tdsb nsh\n\tisb"
                         :
                         : "r"((uint64_t)(asid & 0xffffu) << 48)
                         : "memory");
}
