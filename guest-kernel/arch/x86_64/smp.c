/* guest-kernel/arch/x86_64/smp.c: starting and setting up secondary cores
 * on x86_64: INIT then STARTUP through the local APIC (Intel SDM vol. 3A
 * 8.4.4; the machine's APIC, abi/devregs.h LAPIC_*). A started core begins
 * in real mode at X86_AP_LOW_BASE, where core 0 has copied the trampoline
 * below: it loads a GDT of its own, enters protected mode, turns on PAE,
 * the kernel's page tables and EFER (LME, NXE as core 0 has them) and
 * paging, jumps into a 64-bit segment and on to x86_secondary_entry at
 * its kernel address, which moves onto the core's stack and loads the
 * kernel's GDT and IDT; arch_cpu_init then sets CR4 as core 0 has it. One
 * core is started at a time: the trampoline's data is shared, so core 0
 * waits until the core has read it. */
#include "abi/devregs.h"
#include "arch.h"
#include "kcpu.h"
#include "kernel.h"
#include "x86.h"

/* The trampoline, assembled here and run at X86_AP_LOW_BASE: every
 * address in it is its offset from x86_ap_tramp plus that base. */
extern char x86_ap_tramp[], x86_ap_tramp_end[];
extern char x86_ap_data[]; /* struct x86_ap_data inside it */
void x86_secondary_entry(void);

/* What the trampoline reads (written by core 0 into the copy), and the
 * flag the started core sets once it has read everything. */
struct x86_ap_data {
    uint32_t cr0, cr3, cr4, efer;
    uint64_t entry, arg;
    uint32_t done;
    uint32_t pad;
};
_Static_assert(sizeof(struct x86_ap_data) == 40, "the trampoline's offsets below");

_Static_assert(X86_AP_LOW_BASE == 0x8000, "the trampoline's addresses: + 0x8000");

__asm__(".section .rodata.x86_ap, \"a\"\n"
        ".balign 16\n"
        ".globl x86_ap_tramp, x86_ap_tramp_end, x86_ap_data\n"
        "x86_ap_tramp:\n"
        ".code16\n"
        "    cli\n"
        "    cld\n"
        "    xorw %ax, %ax\n"
        "    movw %ax, %ds\n"
        "    lgdtl (x86_ap_gdtr - x86_ap_tramp + 0x8000)\n"
        "    movl %cr0, %eax\n"
        "    orl $1, %eax\n"
        "    movl %eax, %cr0\n"
        "    ljmpl $0x08, $(x86_ap_pm32 - x86_ap_tramp + 0x8000)\n"
        ".code32\n"
        "x86_ap_pm32:\n"
        "    movw $0x10, %ax\n"
        "    movw %ax, %ds\n"
        "    movw %ax, %es\n"
        "    movw %ax, %ss\n"
        "    movl (x86_ap_data - x86_ap_tramp + 0x8000 + 8), %eax\n" /* cr4 */
        "    movl %eax, %cr4\n"
        "    movl (x86_ap_data - x86_ap_tramp + 0x8000 + 4), %eax\n" /* cr3 */
        "    movl %eax, %cr3\n"
        "    movl $0xc0000080, %ecx\n"
        "    movl (x86_ap_data - x86_ap_tramp + 0x8000 + 12), %eax\n" /* efer */
        "    xorl %edx, %edx\n"
        "    wrmsr\n"
        "    movl (x86_ap_data - x86_ap_tramp + 0x8000), %eax\n" /* cr0: paging on */
        "    movl %eax, %cr0\n"
        "    ljmpl $0x18, $(x86_ap_lm64 - x86_ap_tramp + 0x8000)\n"
        ".code64\n"
        "x86_ap_lm64:\n"
        "    movq (x86_ap_data - x86_ap_tramp + 0x8000 + 24), %rdi\n" /* arg */
        "    movq (x86_ap_data - x86_ap_tramp + 0x8000 + 16), %rax\n" /* entry */
        "    movl $1, (x86_ap_data - x86_ap_tramp + 0x8000 + 32)\n"   /* done */
        "    jmpq *%rax\n"
        ".balign 8\n"
        "x86_ap_gdt:\n"
        "    .quad 0\n"
        "    .quad 0x00cf9a000000ffff\n" /* 0x08: 32-bit code */
        "    .quad 0x00cf92000000ffff\n" /* 0x10: data */
        "    .quad 0x00af9a000000ffff\n" /* 0x18: 64-bit code */
        "x86_ap_gdtr:\n"
        "    .word 31\n"
        "    .long (x86_ap_gdt - x86_ap_tramp + 0x8000)\n"
        ".balign 8\n"
        "x86_ap_data:\n"
        "    .fill 40, 1, 0\n"
        "x86_ap_tramp_end:\n"
        ".text\n"
        ".globl x86_secondary_entry\n"
        ".type x86_secondary_entry, @function\n"
        "x86_secondary_entry:\n" /* rdi: the struct kcpu */
        "    movq (%rdi), %rsp\n"
        "    xorl %ebp, %ebp\n"
        /* the kernel's GDT (a far return reloads CS) and IDT, as core 0's */
        "    lgdt x86_ap_kgdtr(%rip)\n"
        "    lidt x86_ap_kidtr(%rip)\n"
        "    pushq $0x08\n" /* X86_SEL_KCODE */
        "    leaq 2f(%rip), %rax\n"
        "    pushq %rax\n"
        "    lretq\n"
        "2:  movl $0x10, %eax\n" /* X86_SEL_KDATA */
        "    movl %eax, %ss\n"
        "    movl %eax, %ds\n"
        "    movl %eax, %es\n"
        "    movabsq $0xfee00020, %rax\n" /* LAPIC ID */
        "    movl (%rax), %esi\n"
        "    shrl $24, %esi\n"
        "    call kcpu_main\n"
        "1:  hlt\n"
        "    jmp 1b\n"
        ".size x86_secondary_entry, . - x86_secondary_entry\n");

/* The GDT and IDT core 0 runs with, for x86_secondary_entry, and its CR4,
 * for arch_cpu_init. */
struct x86_dtr64 {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));
_Static_assert(X86_SEL_KCODE == 0x08 && X86_SEL_KDATA == 0x10, "x86_secondary_entry");
extern struct x86_dtr64 x86_ap_kgdtr, x86_ap_kidtr;
struct x86_dtr64 x86_ap_kgdtr, x86_ap_kidtr;
static uint64_t ap_cr4;

/* How long core 0 waits for a started core to read the trampoline. */
#define X86_AP_WAIT_SPINS 10000000u

/* Writes local APIC register `reg` of this core. */
static void lapic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + reg) = v;
}

int arch_cpu_start(unsigned id, uintptr_t arg)
{
    static int mapped;
    if (!mapped) {
        if (arch_pt_map(kernel_root, X86_AP_LOW_BASE, X86_AP_LOW_SIZE, PT_R | PT_W | PT_X) ||
            arch_pt_map(kernel_root, LAPIC_BASE, KPAGE_SIZE, PT_R | PT_W | PT_DEV))
            return -1;
        mapped = 1;
    }
    size_t n = (size_t)(x86_ap_tramp_end - x86_ap_tramp);
    uint8_t *low = (uint8_t *)(uintptr_t)X86_AP_LOW_BASE;
    memcpy(low, x86_ap_tramp, n);
    struct x86_ap_data *d = (struct x86_ap_data *)(low + (x86_ap_data - x86_ap_tramp));
    ap_cr4 = x86_read_cr4();
    *d = (struct x86_ap_data){.cr0 = (uint32_t)x86_read_cr0(),
                              .cr3 = (uint32_t)(kernel_root & ~0xfffULL),
                              .cr4 = (uint32_t)(ap_cr4 & ~X86_CR4_PCIDE),
                              .efer = (uint32_t)x86_rdmsr(X86_MSR_EFER),
                              .entry = (uintptr_t)x86_secondary_entry,
                              .arg = arg};
    __asm__ volatile("sgdt %0\n\tsidt %1" : "=m"(x86_ap_kgdtr), "=m"(x86_ap_kidtr) : : "memory");
    lapic_write(LAPIC_ICR_HI, id << 24);
    lapic_write(LAPIC_ICR_LO, LAPIC_ICR_MODE_INIT << 8 | LAPIC_ICR_ASSERT);
    lapic_write(LAPIC_ICR_HI, id << 24);
    lapic_write(LAPIC_ICR_LO,
                LAPIC_ICR_MODE_STARTUP << 8 | LAPIC_ICR_ASSERT | (uint32_t)(X86_AP_LOW_BASE >> 12));
    for (uint32_t spins = 0; spins < X86_AP_WAIT_SPINS; spins++)
        if (__atomic_load_n(&d->done, __ATOMIC_ACQUIRE))
            return 0;
    return -1;
}

void arch_cpu_init(void)
{
    /* x86_secondary_entry loaded the kernel's GDT and IDT; CR4 as core 0's
     * (PCIDE now that long mode and CR3[11:0] = 0 allow it), the MSRs as
     * core 0's. Its TSS and GS base: arch_cpu_set_self. */
    x86_write_cr4(ap_cr4);
    x86_cpu_msrs();
}

void arch_tlb_flush(uintptr_t root, unsigned asid)
{
    if (asid == ARCH_TLB_ALL) {
        /* A change of CR4.PGE flushes every PCID's translations. */
        uint64_t cr4 = x86_read_cr4();
        x86_write_cr4(cr4 ^ X86_CR4_PGE);
        x86_write_cr4(cr4);
        return;
    }
    /* Loading the space without the no-flush bit drops its PCID's
     * translations; the active one comes back with them kept. */
    uint64_t cur = x86_read_cr3(), cr3 = root | x86_pcid_of(asid);
    x86_write_cr3(cr3);
    if (cur != cr3)
        x86_write_cr3(cur | ((cur & X86_PCID_MASK) ? X86_CR3_NOFLUSH : 0));
}
