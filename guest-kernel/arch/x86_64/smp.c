/* guest-kernel/arch/x86_64/smp.c: starting and setting up secondary cores
 * on x86_64: INIT then STARTUP through the local APIC (Intel SDM vol. 3A
 * 8.4.4; the machine's APIC, abi/devregs.h LAPIC_*). A started core begins
 * in real mode at X86_AP_LOW_BASE, where core 0 has copied the trampoline
 * below: it loads a GDT of its own, enters protected mode, turns on PAE,
 * the kernel's page tables and EFER (LME, NXE as core 0 has them) and
 * paging, jumps into a 64-bit segment and on to x86_secondary_entry at
 * its kernel address, which moves onto the core's stack. arch_cpu_init
 * then loads the kernel's GDT and IDT and CR4 as core 0 has them. One
 * core is started at a time: the trampoline's data is shared, so core 0
 * waits until the core has read it. */
#include "abi/devregs.h"
#include "arch.h"
#include "kcpu.h"
#include "kernel.h"
#include "x86.h"

/* The trampoline, assembled here and run at X86_AP_LOW_BASE: every
 * address in it is its offset from x86_ap_tramp plus that base (T()). */
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

#define T(sym) "(" #sym " - x86_ap_tramp + 0x8000)"
_Static_assert(X86_AP_LOW_BASE == 0x8000, "T() assumes the start page");

__asm__(
    ".section .rodata.x86_ap, \"a\"\n"
    ".balign 16\n"
    ".globl x86_ap_tramp, x86_ap_tramp_end, x86_ap_data\n"
    "x86_ap_tramp:\n"
    ".code16\n"
    "    cli\n"
    "    cld\n"
    "    xorw %ax, %ax\n"
    "    movw %ax, %ds\n"
    "    lgdtl " T(
        x86_ap_gdtr) "\n"
                     "    movl %cr0, %eax\n"
                     "    orl $1, %eax\n"
                     "    movl %eax, %cr0\n"
                     "    ljmpl $0x08, $" T(x86_ap_pm32) "\n"
                                                         ".code32\n"
                                                         "x86_ap_pm32:\n"
                                                         "    movw $0x10, %ax\n"
                                                         "    movw %ax, %ds\n"
                                                         "    movw %ax, %es\n"
                                                         "    movw %ax, %ss\n"
                                                         "    movl " T(
                                                             x86_ap_data) "+8, %eax\n" /* cr4 */
                                                                          "    movl %eax, %cr4\n"
                                                                          "    movl " T(
                                                                              x86_ap_data) "+4, "
                                                                                           "%eax\n" /* cr3 */
                                                                                           "    "
                                                                                           "movl "
                                                                                           "%eax, "
                                                                                           "%cr3\n"
                                                                                           "    "
                                                                                           "movl "
                                                                                           "$0xc000"
                                                                                           "0080, "
                                                                                           "%ecx\n"
                                                                                           "    "
                                                                                           "movl"
                                                                                           " " T(
                                                                                               x86_ap_data) "+12, %eax\n" /* efer */
                                                                                                            "    xorl %edx, %edx\n"
                                                                                                            "    wrmsr\n"
                                                                                                            "    movl " T(
                                                                                                                x86_ap_data) "+0, %eax\n" /* cr0: paging on */
                                                                                                                             "    movl %eax, %cr0\n"
                                                                                                                             "    ljmpl $0x18, $" T(x86_ap_lm64) "\n"
                                                                                                                                                                 ".code64\n"
                                                                                                                                                                 "x86_ap_lm64:\n"
                                                                                                                                                                 "    movq " T(x86_ap_data) "+24, %rdi\n" /* arg */
                                                                                                                                                                                            "    movq " T(x86_ap_data) "+16, %rax\n" /* entry */
                                                                                                                                                                                                                       "    movl $1, " T(x86_ap_data) "+32\n" /* done: core 0 may reuse the page */
                                                                                                                                                                                                                                                      "    jmpq *%rax\n"
                                                                                                                                                                                                                                                      ".balign 8\n"
                                                                                                                                                                                                                                                      "x86_ap_gdt:\n"
                                                                                                                                                                                                                                                      "    .quad 0\n"
                                                                                                                                                                                                                                                      "    .quad 0x00cf9a000000ffff\n" /* 0x08: 32-bit code */
                                                                                                                                                                                                                                                      "    .quad 0x00cf92000000ffff\n" /* 0x10: data */
                                                                                                                                                                                                                                                      "    .quad 0x00af9a000000ffff\n" /* 0x18: 64-bit code */
                                                                                                                                                                                                                                                      "x86_ap_gdtr:\n"
                                                                                                                                                                                                                                                      "    .word 31\n"
                                                                                                                                                                                                                                                      "    .long " T(
                                                                                                                                                                                                                                                          x86_ap_gdt) "\n"
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
                                                                                                                                                                                                                                                                      "    movabsq $0xfee00020, %rax\n" /* LAPIC ID */
                                                                                                                                                                                                                                                                      "    movl (%rax), %esi\n"
                                                                                                                                                                                                                                                                      "    shrl $24, %esi\n"
                                                                                                                                                                                                                                                                      "    call kcpu_main\n"
                                                                                                                                                                                                                                                                      "1:  hlt\n"
                                                                                                                                                                                                                                                                      "    jmp 1b\n"
                                                                                                                                                                                                                                                                      ".size x86_secondary_entry, . - x86_secondary_entry\n");

/* The GDT, IDT and CR4 core 0 runs with, for arch_cpu_init. */
struct x86_dtr64 {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));
static struct x86_dtr64 ap_gdtr, ap_idtr;
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
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    ap_cr4 = x86_read_cr4();
    *d = (struct x86_ap_data){.cr0 = (uint32_t)x86_read_cr0(),
                              .cr3 = (uint32_t)(kernel_root & ~0xfffULL),
                              .cr4 = (uint32_t)(ap_cr4 & ~X86_CR4_PCIDE),
                              .efer = (uint32_t)x86_rdmsr(X86_MSR_EFER),
                              .entry = (uintptr_t)x86_secondary_entry,
                              .arg = arg};
    __asm__ volatile("sgdt %0\n\tsidt %1" : "=m"(ap_gdtr), "=m"(ap_idtr) : : "memory");
    (void)cr3;
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
    /* the kernel's GDT (a far return reloads CS), data segments, IDT, CR4
     * as core 0's (PCIDE now that long mode and CR3[11:0] = 0 allow it).
     * No TSS: a secondary takes no trap from user mode yet. */
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %2, %%ss\n\t"
                     "mov %2, %%ds\n\t"
                     "mov %2, %%es\n\t"
                     "lidt %3"
                     :
                     : "m"(ap_gdtr), "i"(X86_SEL_KCODE), "r"((uint16_t)X86_SEL_KDATA), "m"(ap_idtr)
                     : "rax", "memory");
    x86_write_cr4(ap_cr4);
}
