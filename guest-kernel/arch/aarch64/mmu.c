/* guest-kernel/arch/aarch64/mmu.c: identity-mapped stage 1 page tables
 * (arch_mmu.h gives the regime: 39-bit VA, 4 KiB granule, so a walk reads a
 * level 1 table (1 GiB per entry), a level 2 table (2 MiB blocks) and, where
 * a block was split, a level 3 table (4 KiB pages)). Every entry is non-
 * global (nG), so the TLB keeps address spaces apart by ASID. */
#include "arch.h"
#include "arch_mmu.h"

#define PT_ENTRIES 512
#define PT_PAGE 4096ULL
#define PT_BLOCK (2ULL << 20)

/* Descriptor bits (ARM ARM D5.3). */
#define D_VALID (1ULL << 0)
#define D_TABLE (1ULL << 1) /* level 1/2: next-level table; level 3: page */
#define D_ATTR(i) ((uint64_t)(i) << 2)
#define D_AP_EL0 (1ULL << 6) /* AP[1]: EL0 may access */
#define D_AP_RO (1ULL << 7)  /* AP[2]: read-only */
#define D_SH_INNER (3ULL << 8)
#define D_AF (1ULL << 10)
#define D_NG (1ULL << 11)
#define D_PXN (1ULL << 53)
#define D_UXN (1ULL << 54)
#define D_ADDR 0x0000fffffffff000ULL
#define D_ATTRS (~D_ADDR & ~(D_VALID | D_TABLE))

/* Returns the descriptor attribute bits for arch_pt_map flags, or 0 when
 * the flags grant no access at all (the entry is then left invalid). */
static uint64_t pt_attrs(unsigned flags)
{
    if (!(flags & (PT_R | PT_W | PT_X)))
        return 0;
    uint64_t d = D_AF | D_NG;
    if (flags & PT_DEV)
        d |= D_ATTR(A64_MAIR_DEVICE) | D_PXN | D_UXN;
    else
        d |= D_ATTR(A64_MAIR_NORMAL) | D_SH_INNER;
    if (flags & PT_U) {
        d |= D_AP_EL0 | D_PXN; /* the kernel never runs user code */
        if (!(flags & PT_X))
            d |= D_UXN;
    } else {
        d |= D_UXN;
        if (!(flags & PT_X))
            d |= D_PXN;
    }
    if (!(flags & PT_W))
        d |= D_AP_RO;
    return d;
}

/* Returns an empty level 1 table (kpage_alloc zeroes it), or 0. */
uintptr_t arch_pt_create(void)
{
    return kpage_alloc();
}

/* Returns the table the valid table descriptor `*e` points to, creating an
 * empty one if *e is invalid, or 0 when out of memory. A block in *e is
 * split into a table of pages with the block's attributes. */
static uint64_t *pt_next(uint64_t *e)
{
    if ((*e & (D_VALID | D_TABLE)) == (D_VALID | D_TABLE))
        return (uint64_t *)(uintptr_t)(*e & D_ADDR);
    uintptr_t t = kpage_alloc();
    if (!t)
        return 0;
    uint64_t *next = (uint64_t *)t;
    if (*e & D_VALID) {
        /* A 2 MiB block: the same addresses and attributes, page by page. */
        uint64_t base = *e & D_ADDR & ~(PT_BLOCK - 1);
        uint64_t attrs = *e & D_ATTRS;
        for (unsigned i = 0; i < PT_ENTRIES; i++)
            next[i] = (base + i * PT_PAGE) | attrs | D_VALID | D_TABLE;
    }
    /* Make the new table visible to the walker before linking it. */
    __asm__ volatile("dsb ishst" ::: "memory");
    *e = (uint64_t)t | D_VALID | D_TABLE;
    return next;
}

/* Invalidates every EL1&0 TLB entry of every ASID after table changes. */
static void pt_sync(void)
{
    __asm__ volatile("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb" ::: "memory");
}

/* Identity-maps [va, va + len) with `flags` (see arch.h): 2 MiB blocks
 * where possible without PT_U, 4 KiB pages otherwise, splitting blocks.
 * Returns 0, or -1 when out of memory or outside the 39-bit space. */
int arch_pt_map(uintptr_t root, uintptr_t va, size_t len, unsigned flags)
{
    uint64_t attrs = pt_attrs(flags);
    uint64_t end = (uint64_t)va + len;
    int rc = 0;
    if (end < va || end > (1ULL << A64_VA_BITS) || (va | len) & (PT_PAGE - 1))
        return -1;
    uint64_t *l1 = (uint64_t *)root;
    for (uint64_t a = va; a < end;) {
        uint64_t *l2 = pt_next(&l1[(a >> 30) & (PT_ENTRIES - 1)]);
        if (!l2) {
            rc = -1;
            break;
        }
        uint64_t *e2 = &l2[(a >> 21) & (PT_ENTRIES - 1)];
        if (!(flags & PT_U) && (a & (PT_BLOCK - 1)) == 0 && end - a >= PT_BLOCK) {
            /* A whole block (replacing a table there: its pages leak). */
            *e2 = attrs ? (a | attrs | D_VALID) : 0;
            a += PT_BLOCK;
            continue;
        }
        uint64_t *l3 = pt_next(e2);
        if (!l3) {
            rc = -1;
            break;
        }
        l3[(a >> 12) & (PT_ENTRIES - 1)] = attrs ? (a | attrs | D_VALID | D_TABLE) : 0;
        a += PT_PAGE;
    }
    pt_sync();
    return rc;
}

/* Switches TTBR0_EL1 to root with `asid` (16 bits); turns the MMU on at
 * the first call. */
void arch_pt_activate(uintptr_t root, unsigned asid)
{
    uint64_t ttbr = (uint64_t)root | ((uint64_t)(asid & 0xffffu) << 48);
    __asm__ volatile("dsb ishst\n\tmsr ttbr0_el1, %0\n\tisb" : : "r"(ttbr) : "memory");
    uint64_t sctlr;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    if (!(sctlr & A64_SCTLR_M)) {
        /* First activation: nothing cached can be stale yet. */
        __asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tmsr sctlr_el1, %0\n\tisb"
                         :
                         : "r"(A64_SCTLR)
                         : "memory");
    }
}

/* Switches TTBR0_EL1 to root with `asid`: the MMU is on (arch_pt_activate
 * at boot) and every page-table change ended with pt_sync() (its dsb
 * made the tables visible to the walker), so only the write and the isb
 * remain. */
KPROBE_ANCHOR void arch_pt_switch(uintptr_t root, unsigned asid)
{
    KPROBE_KEEP("r"(root), "r"(asid));
    uint64_t ttbr = (uint64_t)root | ((uint64_t)(asid & 0xffffu) << 48);
    __asm__ volatile("msr ttbr0_el1, %0\n\tisb" : : "r"(ttbr) : "memory");
}
