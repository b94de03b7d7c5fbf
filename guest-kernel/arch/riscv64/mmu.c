/* guest-kernel/arch/riscv64/mmu.c: Sv39 page tables (three levels of 512
 * entries: 1 GiB, 2 MiB, 4 KiB), identity maps only. Leaves have A and D
 * preset, so the hardware never has to update them. */
#include "arch.h"
#include "rv_csr.h"

#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)
#define PTE_FLAGS 0x3ffULL
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)
#define PAGE_SIZE 4096ULL
#define MEGA_SIZE (2ULL << 20)
#define GIGA_SIZE (1ULL << 30)
#define PT_ENTRIES 512u

/* Returns the PTE for physical address pa with the low flag bits `bits`. */
static uint64_t pte_make(uint64_t pa, uint64_t bits)
{
    return (pa >> 12) << 10 | bits;
}

/* Returns the physical address a PTE points to. */
static uint64_t pte_pa(uint64_t pte)
{
    return (pte >> 10) << 12;
}

/* Returns the leaf flag bits for arch.h `flags`. Writable implies
 * readable (W without R is reserved); device memory is never executable
 * (Sv39 has no memory types: PT_DEV only drops X). */
static uint64_t pte_leaf_bits(unsigned flags)
{
    uint64_t b = PTE_V | PTE_A | PTE_D;
    if (flags & (PT_R | PT_W))
        b |= PTE_R;
    if (flags & PT_W)
        b |= PTE_W;
    if ((flags & PT_X) && !(flags & PT_DEV))
        b |= PTE_X;
    if (flags & PT_U)
        b |= PTE_U;
    return b;
}

/* Returns a new empty root table, or 0 when out of memory. */
uintptr_t arch_pt_create(void)
{
    return kpage_alloc();
}

/* Returns the table below entry *e (which maps `span` bytes), creating it
 * when *e is invalid, or splitting the leaf there into PT_ENTRIES smaller
 * leaves with its flags; NULL when out of memory. */
static uint64_t *pt_next(uint64_t *e, uint64_t span)
{
    if ((*e & PTE_V) && !(*e & PTE_LEAF))
        return (uint64_t *)(uintptr_t)pte_pa(*e);
    uintptr_t page = kpage_alloc();
    if (!page)
        return 0;
    uint64_t *t = (uint64_t *)page;
    if (*e & PTE_V) {
        uint64_t base = pte_pa(*e), bits = *e & PTE_FLAGS;
        for (unsigned i = 0; i < PT_ENTRIES; i++)
            t[i] = pte_make(base + i * (span / PT_ENTRIES), bits);
    }
    *e = pte_make(page, PTE_V);
    return t;
}

/* Returns 0 once [va, va + len) is identity-mapped in root with `flags`
 * (2 MiB leaves where aligned and not PT_U, else 4 KiB ones), -1 when out
 * of memory. */
int arch_pt_map(uintptr_t root, uintptr_t va, size_t len, unsigned flags)
{
    uint64_t bits = pte_leaf_bits(flags);
    uint64_t a = va & ~(PAGE_SIZE - 1), end = (uint64_t)va + len;
    int rc = 0;
    while (a < end) {
        uint64_t *l1 = pt_next(&((uint64_t *)root)[(a >> 30) % PT_ENTRIES], GIGA_SIZE);
        if (!l1) {
            rc = -1;
            break;
        }
        uint64_t *e1 = &l1[(a >> 21) % PT_ENTRIES];
        if (!(flags & PT_U) && a % MEGA_SIZE == 0 && end - a >= MEGA_SIZE) {
            *e1 = pte_make(a, bits);
            a += MEGA_SIZE;
            continue;
        }
        uint64_t *l0 = pt_next(e1, MEGA_SIZE);
        if (!l0) {
            rc = -1;
            break;
        }
        l0[(a >> 12) % PT_ENTRIES] = pte_make(a, bits);
        a += PAGE_SIZE;
    }
    /* root may be the active address space: drop stale translations. */
    __asm__ volatile("sfence.vma zero, zero" ::: "memory");
    return rc;
}

/* Returns nothing: root becomes the active address space (tagged asid). */
void arch_pt_activate(uintptr_t root, unsigned asid)
{
    uint64_t satp = RV_SATP_SV39 | ((uint64_t)asid & RV_SATP_ASID_MASK) << RV_SATP_ASID_SHIFT |
                    (uint64_t)root >> 12;
    __asm__ volatile("csrw satp, %0\n\tsfence.vma zero, zero" ::"r"(satp) : "memory");
}

/* Returns nothing: root becomes the active address space, its ASID (the
 * pid, never reused) keeping its translations. No sfence.vma: every
 * page-table change (arch_pt_map) ends with a global one, so no TLB entry
 * of any ASID can be stale here. */
KPROBE_ANCHOR void arch_pt_switch(uintptr_t root, unsigned asid)
{
    KPROBE_KEEP("r"(root), "r"(asid));
    uint64_t satp = RV_SATP_SV39 | ((uint64_t)asid & RV_SATP_ASID_MASK) << RV_SATP_ASID_SHIFT |
                    (uint64_t)root >> 12;
    __asm__ volatile("csrw satp, %0" ::"r"(satp) : "memory");
}
