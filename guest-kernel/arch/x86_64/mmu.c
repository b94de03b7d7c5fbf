/* guest-kernel/arch/x86_64/mmu.c: 4-level page tables (PML4, PDPT, PD, PT),
 * identity maps only (Unicorn forces PA == VA on x86). Leaves are 2 MiB
 * pages in the PD where possible, else 4 KiB pages; mapping a 4 KiB page
 * inside a 2 MiB page splits it. Table entries above the leaves allow
 * everything (present, writable, user); the leaf decides. */
#include "arch.h"
#include "kcpu.h"
#include "x86.h"

#define PTE_P 0x1ULL
#define PTE_W 0x2ULL
#define PTE_U 0x4ULL
#define PTE_PWT 0x8ULL
#define PTE_PCD 0x10ULL
#define PTE_A 0x20ULL
#define PTE_D 0x40ULL
#define PTE_PS 0x80ULL /* in a PD entry: a 2 MiB page */
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL
#define PTE_TABLE (PTE_P | PTE_W | PTE_U | PTE_A)

#define PAGE_4K 0x1000ULL
#define PAGE_2M 0x200000ULL
#define PT_ENTRIES 512

/* Returns the leaf bits for `flags` (0: not present). Accessed and dirty
 * are preset so the walk never writes them back. */
static uint64_t leaf_bits(unsigned flags)
{
    if (!(flags & (PT_R | PT_W | PT_X)))
        return 0;
    uint64_t e = PTE_P | PTE_A | PTE_D;
    if (flags & PT_W)
        e |= PTE_W;
    if (flags & PT_U)
        e |= PTE_U;
    if (flags & PT_DEV)
        e |= PTE_PCD | PTE_PWT;
    if (x86_nx_enabled && (!(flags & PT_X) || (flags & PT_DEV)))
        e |= PTE_NX;
    return e;
}

/* Returns the table entry `e` points to, creating an empty one when `e` is
 * not present; NULL when out of memory. */
static uint64_t *next_table(uint64_t *e)
{
    if (!(*e & PTE_P)) {
        uintptr_t t = kpage_alloc();
        if (!t)
            return NULL;
        *e = t | PTE_TABLE;
    }
    return (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
}

/* Returns the PD entry that maps `va` in `root`, creating the tables on
 * the way; NULL when out of memory. */
static uint64_t *pd_entry(uintptr_t root, uintptr_t va)
{
    uint64_t *pml4 = (uint64_t *)root;
    uint64_t *pdpt = next_table(&pml4[(va >> 39) & 511]);
    if (!pdpt)
        return NULL;
    uint64_t *pd = next_table(&pdpt[(va >> 30) & 511]);
    if (!pd)
        return NULL;
    return &pd[(va >> 21) & 511];
}

/* Returns the page table under PD entry `pde`, splitting a 2 MiB page into
 * 512 pages with the same bits; NULL when out of memory. */
static uint64_t *pt_of(uint64_t *pde)
{
    if ((*pde & PTE_P) && (*pde & PTE_PS)) {
        uintptr_t t = kpage_alloc();
        if (!t)
            return NULL;
        uint64_t *pt = (uint64_t *)t;
        uint64_t base = *pde & PTE_ADDR & ~(PAGE_2M - 1);
        uint64_t bits = *pde & ~PTE_ADDR & ~PTE_PS;
        for (unsigned i = 0; i < PT_ENTRIES; i++)
            pt[i] = (base + i * PAGE_4K) | bits;
        *pde = t | PTE_TABLE;
        return pt;
    }
    return next_table(pde);
}

uintptr_t arch_pt_create(void)
{
    return kpage_alloc();
}

int arch_pt_map(uintptr_t root, uintptr_t va, size_t len, unsigned flags)
{
    uint64_t leaf = leaf_bits(flags);
    uintptr_t end = va + len;
    while (va < end) {
        uint64_t *pde = pd_entry(root, va);
        if (!pde)
            return -1;
        if (!(flags & PT_U) && (va & (PAGE_2M - 1)) == 0 && end - va >= PAGE_2M) {
            /* A table that was here is dropped (its page is not reused). */
            *pde = leaf ? (va | leaf | PTE_PS) : 0;
            va += PAGE_2M;
            continue;
        }
        uint64_t *pt = pt_of(pde);
        if (!pt)
            return -1;
        pt[(va >> 12) & 511] = leaf ? (va | leaf) : 0;
        va += PAGE_4K;
    }
    return 0;
}

/* The CR3 value this core loaded last (PCID included) is its struct
 * kcpu's as_loaded: one per core, as each core has its own CR3. */

void arch_pt_activate(uintptr_t root, unsigned asid)
{
    struct kcpu *self = kcpu_self();
    if (!self->as_loaded && self->id == 0) {
        /* First activation: paging on, then PCIDs (CR4.PCIDE needs long
         * mode with paging and CR3[11:0] = 0; tests/emu/
         * test_unicorn_facts.c x86_pcid_can_be_enabled: the engine's CPU
         * model accepts it). */
        x86_write_cr3(root);
        x86_write_cr0(x86_read_cr0() | X86_CR0_PG | X86_CR0_WP);
        x86_write_cr4(x86_read_cr4() | X86_CR4_PCIDE);
    }
    /* Without the no-flush bit: the PCID's translations go (the caller
     * changed its tables, or borrows the space). */
    self->as_loaded = root | x86_pcid_of(asid);
    x86_write_cr3(self->as_loaded);
}

KPROBE_ANCHOR void arch_pt_switch(uintptr_t root, unsigned asid)
{
    KPROBE_KEEP("r"(root), "r"(asid));
    struct kcpu *self = kcpu_self();
    uint64_t cr3 = root | x86_pcid_of(asid);
    if (cr3 == self->as_loaded)
        return; /* the same address space (seL4 switchToThread_fp) */
    self->as_loaded = cr3;
    /* A process's PCID keeps its translations across switches; PCID 0
     * (shared beyond 4095 processes) is flushed on every load. */
    x86_write_cr3(cr3 | (x86_pcid_of(asid) ? X86_CR3_NOFLUSH : 0));
}
