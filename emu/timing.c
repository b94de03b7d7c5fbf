/* emu/timing.c: the timing model's glue to the engine. The block hook's
 * per-block work (branch outcome, instruction fetch, address-space
 * switches, the data side's estimates), the Unicorn memory hook that feeds
 * every load and store to the caches and TLB, and the sampling schedule
 * that adds and removes that hook. The static block cost is in
 * emu/block_cost.c, the caches, TLB and predictor in emu/uarch.c; this file
 * charges the cycles they return to the core. See timing.h and
 * docs/timing-model.md. */
#include "emu/timing.h"
#include "emu/uc_check.h"

#include <stdlib.h>
#include <string.h>

#include "emu/timing_block.h"
#include "emu/uarch.h"

/* code_pages has one bit per page of a 2^PAGE_GEN_BITS-page window (1 GiB). */
#define PAGE_GEN_BITS 18

/* The sampling schedule of the data side (docs/timing-model.md): every
 * access is simulated for the first TM_EXACT_CYCLES; after that, in each
 * period of TM_PERIOD cycles, TM_WARM cycles warm the caches and TLB and
 * TM_MEASURE cycles measure what each block's accesses cost; the rest of
 * the period charges those measurements per block run. */
#define TM_EXACT_CYCLES 10000000ULL
#define TM_PERIOD 40000000ULL
#define TM_WARM 500000ULL
#define TM_MEASURE 500000ULL
/* A period also starts early, at once, when blocks never measured have
 * run this many loads since the last window: the program entered a new
 * phase, which the old measurements (or their average) do not describe. */
#define TM_UNMEASURED_LOADS 20000ULL

struct tm_state *tm_state_new(const struct tm_profile *p)
{
    struct tm_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->p = p;
    s->code_pages = calloc(((size_t)1 << PAGE_GEN_BITS) / 64, sizeof *s->code_pages);
    if (!s->code_pages || tm_uarch_init(&s->u, p) != 0) {
        free(s->code_pages);
        free(s);
        return NULL;
    }
    return s;
}

void tm_state_free(struct tm_state *s)
{
    if (!s)
        return;
    tm_uarch_free(&s->u);
    free(s->code_pages);
    free(s);
}

const struct tm_profile *tm_state_profile(const struct tm_state *s)
{
    return s->p;
}

const struct tm_stats *tm_state_stats(const struct tm_state *s)
{
    return &s->u.st;
}

int tm_coh_attach(struct tm_coh *h, struct tm_state *s, unsigned id)
{
    return tm_coh_attach_uarch(h, &s->u, id);
}

/* Returns the bit of `addr`'s page in code_pages. */
static size_t page_bit(uint64_t addr)
{
    return (size_t)(addr >> 12) & (((size_t)1 << PAGE_GEN_BITS) - 1);
}

void tm_mark_code(struct tm_state *s, uint64_t addr, uint32_t size)
{
    for (uint64_t a = addr & ~0xfffULL; a < addr + size; a += 0x1000)
        s->code_pages[page_bit(a) / 64] |= 1ULL << (page_bit(a) % 64);
}

void tm_set_mmio(struct tm_state *s, uint64_t base, uint64_t size)
{
    s->mmio_base = base;
    s->mmio_size = size;
}

void tm_mmio(struct emu_core *c)
{
    struct tm_state *s = c->timing;
    s->u.st.mmio++;
    emu_core_charge(c, EMU_CHARGE_MMIO, s->p->mmio_latency);
}

void tm_set_exact(struct tm_state *s, bool exact)
{
    s->exact = exact;
}

void tm_break_flow(struct tm_state *s)
{
    s->prev |= TM_PREV_BROKEN;
}

/* The block's estimates: the averages of its measured runs so far. */
static void block_estimate(struct emu_block *b)
{
    if (!b->dexecs)
        return;
    uint64_t ec = b->dcache * EMU_FRAC / b->dexecs, et = b->dtlb * EMU_FRAC / b->dexecs;
    b->est_cache = ec < UINT32_MAX ? (uint32_t)ec : UINT32_MAX;
    b->est_tlb = et < UINT32_MAX ? (uint32_t)et : UINT32_MAX;
}

/* Charges `cycles` (0: none) of TLB walks (k = EMU_CHARGE_TLB) or load
 * misses (EMU_CHARGE_CACHE) and, in a measured window, adds them to the
 * running block's measurement. */
static void charge_data(struct emu_core *c, struct tm_state *s, enum emu_charge k, uint64_t cycles)
{
    if (!cycles)
        return;
    emu_core_charge(c, k, cycles);
    if (s->mode == TM_MEASURING && s->cur) {
        bool tlb = k == EMU_CHARGE_TLB;
        *(tlb ? &s->cur->dtlb : &s->cur->dcache) += cycles;
        *(tlb ? &s->meas_tlb : &s->meas_cache) += cycles;
        block_estimate(s->cur);
    }
}

void tm_charge_return(struct emu_core *c)
{
    struct tm_state *s = c->timing;
    /* what tm_flow_cost would charge at this block: the trap return of
     * an xret, unless a trap came since */
    if ((s->prev & (TM_PREV_BROKEN | EMU_BLOCK_FLOW_MASK)) != EMU_FLOW_XRET)
        return;
    uint32_t slot = c->attr_slot;
    c->attr_slot = c->attr_trap_return;
    emu_core_charge(c, EMU_CHARGE_TRAP, s->p->trap_return);
    c->attr_slot = slot;
    s->prev &= (uint8_t)~EMU_BLOCK_FLOW_MASK; /* charged: no flow left to charge */
}

void tm_switch_root(struct emu_core *c, struct tm_state *s)
{
    uint16_t asid = c->arch->asid_of ? c->arch->asid_of(c, emu_reg_read(c, c->arch->reg_root)) : 0;
    emu_core_charge(c, EMU_CHARGE_TRAP, tm_uarch_switch_as(&s->u, asid));
}

void tm_charge_unmeasured(struct emu_core *c, struct tm_state *s, const struct emu_block *b)
{
    s->est_cache_frac += b->loads * s->per_load_cache;
    s->est_tlb_frac += b->loads * s->per_load_tlb;
    s->unmeasured_loads += b->loads;
    if (s->unmeasured_loads >= TM_UNMEASURED_LOADS && c->deadline > c->cycles) {
        s->period_start = c->cycles; /* warm up and measure from here */
        c->deadline = c->cycles;
    }
}

void tm_charge_owed(struct emu_core *c, struct tm_state *s)
{
    emu_core_charge(c, EMU_CHARGE_CACHE, s->est_cache_frac >> EMU_FRAC_BITS);
    emu_core_charge(c, EMU_CHARGE_TLB, s->est_tlb_frac >> EMU_FRAC_BITS);
    s->est_cache_frac &= EMU_FRAC - 1;
    s->est_tlb_frac &= EMU_FRAC - 1;
}

void tm_measure_block(struct tm_state *s, struct emu_block *b)
{
    b->dexecs++;
    block_estimate(b);
    s->meas_loads += b->loads;
}

void tm_fetch_block(struct emu_core *c, struct tm_state *s, struct emu_block *b)
{
    uint64_t fetch = tm_uarch_fetch(&s->u, b->addr, b->size);
    if (fetch)
        emu_core_charge(c, EMU_CHARGE_CACHE, fetch);
    /* Its lines are now the last used of their sets (distinct sets: a
     * block spans fewer lines than the L1I has sets), until the epoch
     * moves. */
    uint64_t lines = ((b->addr + b->size - 1) >> s->u.l1i.shift) - (b->addr >> s->u.l1i.shift) + 1;
    if (lines <= s->u.l1i.sets && lines <= UINT8_MAX) {
        b->l1i_lines = (uint8_t)lines;
        b->l1i_epoch = s->u.l1i_epoch;
    }
}

/* UC_HOOK_MEM_READ / UC_HOOK_MEM_WRITE: every guest data access. */
static void mem_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                     void *user)
{
    struct emu_core *c = user;
    struct tm_state *s = c->timing;
    (void)uc, (void)value;
    if (!s)
        return;
    if (addr - s->mmio_base < s->mmio_size)
        return; /* devices: tm_mmio */
    bool write = type == UC_MEM_WRITE;
    if (write)
        if (s->code_pages[page_bit(addr) / 64] & (1ULL << (page_bit(addr) % 64)))
            c->code_gen++; /* maybe code: blocks compare their bytes again */
    uint32_t n = size > 0 ? (uint32_t)size : 1;
    if (tm_uarch_data_hit(&s->u, addr, n)) {
        /* nothing to charge; a store to a line other cores may hold
         * invalidates their copies */
        if (write && tm_uarch_store_shared(&s->u, addr >> s->u.l1d.shift))
            tm_coh_upgrade(&s->u, addr >> s->u.l1d.shift);
        return;
    }
    charge_data(c, s, EMU_CHARGE_TLB, tm_uarch_tlb(&s->u, addr));
    charge_data(c, s, EMU_CHARGE_CACHE, tm_uarch_data(&s->u, addr, n, write));
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Drops Unicorn's translations of every page holding a block of class
 * `cls` the core has seen, one call per page. (A full tb flush would do,
 * but cost about 0.1 s in Unicorn 2.0.1.) uc_ctl_remove_cache finds a
 * page through the CPU's current MMU context and silently does nothing
 * when it cannot fetch from it there: kernel pages from user mode, and on
 * AArch64 (PXN) and RISC-V user pages from the kernel. Translations it
 * missed kept calling (or not calling) the memory hook, and which ones it
 * missed depended on Unicorn's TLB state, so sampled runs differed with
 * the host's memory layout. Hence classes, dropped from a block of that
 * very class (tm_drop_class, called by the block hook). */
static void drop_pages(struct emu_core *c, unsigned cls)
{
    const struct emu_block_cache *bc = &c->blocks;
    uint64_t *pages = malloc((bc->used * 2 + 1) * sizeof *pages);
    size_t n = 0;
    if (!pages) {
        emu_core_host_error(c, UC_ERR_NOMEM, "dropping translations");
        return;
    }
    for (size_t i = 0; i < bc->used; i++) {
        uint64_t a = bc->blocks[i].addr;
        if ((unsigned)(a >= c->user_lo && a < c->user_hi) != cls)
            continue;
        pages[n++] = a >> 12;
        pages[n++] = (a + bc->blocks[i].size - 1) >> 12;
    }
    qsort(pages, n, sizeof *pages, u64_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && pages[i] == pages[i - 1])
            continue;
        /* a missed drop would make the run depend on Unicorn's state */
        EMU_UC(c, uc_ctl_remove_cache(c->uc, pages[i] << 12, (pages[i] + 1) << 12), out);
    }
out:
    free(pages);
}

void tm_drop_class(struct emu_core *c, unsigned cls)
{
    drop_pages(c, cls);
    c->drop_due &= (uint8_t) ~(1u << cls);
}

/* Adds or removes the memory hooks. Unicorn (2.0.1 and 2.1.1) decides at translation
 * time whether a block's loads and stores call hooks, so the translated
 * code is dropped either way. */
static int set_hooked(struct emu_core *c, bool on)
{
    struct tm_state *s = c->timing;
    if (s->drop_pending && !s->hooked) {
        c->drop_due = 3; /* Unicorn has forgotten the hook: translate without it */
        s->drop_pending = false;
    }
    if (on == s->hooked)
        return 0;
    if (on)
        EMU_UC(c,
               uc_hook_add(c->uc, &s->hook, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)mem_hook,
                           c, 1, 0),
               failed);
    s->hooked = on;
    c->code_gen++; /* stores went unseen (or will): blocks re-check their code */
    if (on) {
        c->drop_due = 3; /* each class at its next block */
        return 0;
    }
    /* Unicorn (2.1.1 too) only forgets a deleted hook when uc_emu_start returns:
     * code translated before then still calls it. So this run ends after
     * its first block and the next one drops the translations. */
    EMU_UC(c, uc_hook_del(c->uc, s->hook), failed);
    s->drop_pending = true;
    c->deadline = c->cycles + 1;
    return 0;
failed:
    return -1;
}

void tm_unhook(struct emu_core *c)
{
    /* Returns nothing: called on the way out, where a failure to delete
     * the hook changes nothing (the engine is closed next). */
    if (c->timing->hooked)
        (void)uc_hook_del(c->uc, c->timing->hook);
    c->timing->hooked = false;
}

int tm_before_run(struct emu_core *c)
{
    struct tm_state *s = c->timing;
    enum tm_mode mode = TM_MEASURING;
    uint64_t next = s->exact ? UINT64_MAX : TM_EXACT_CYCLES; /* where the mode changes */
    if (!s->exact && c->cycles >= TM_EXACT_CYCLES) {
        if (s->period_start < TM_EXACT_CYCLES)
            s->period_start = TM_EXACT_CYCLES;
        uint64_t at = (c->cycles - s->period_start) % TM_PERIOD, start = c->cycles - at;
        mode = at < TM_WARM ? TM_WARMING : at < TM_WARM + TM_MEASURE ? TM_MEASURING : TM_OFF;
        next = start + (mode == TM_WARMING     ? TM_WARM
                        : mode == TM_MEASURING ? TM_WARM + TM_MEASURE
                                               : TM_PERIOD);
    }
    /* end this run where the mode changes */
    if (next < c->deadline)
        c->deadline = next;
    if (mode != s->mode) {
        if (s->mode == TM_MEASURING && s->meas_loads) {
            /* for blocks never measured: the average cost of a load */
            s->per_load_cache = s->meas_cache * EMU_FRAC / s->meas_loads;
            s->per_load_tlb = s->meas_tlb * EMU_FRAC / s->meas_loads;
        }
        if (mode == TM_MEASURING && c->cycles >= TM_EXACT_CYCLES) {
            s->u.st.windows++;
            s->unmeasured_loads = 0;
        }
        s->mode = mode;
    }
    return set_hooked(c, mode != TM_OFF);
}
