/* emu/timing.c: the static block scheduler and the dynamic models (caches,
 * TLB, branch predictor, traps, MMIO). See timing.h and
 * docs/timing-model.md. */
#include "emu/timing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- static part: one block, scheduled once ---------------------------- */

/* Iterations the scheduler simulates to find the steady state. */
#define SCHED_ITERS 8

static const struct tm_cost *insn_cost(const struct tm_profile *p, const struct emu_insn *in,
                                       unsigned *unknown)
{
    bool exact = false;
    const struct tm_row *r = tm_lookup(p, in->key, &exact);
    if (!exact && unknown)
        (*unknown)++;
    return r ? &r->cost : &p->fallback;
}

/* The busiest port's cycles per execution of the block: the resource bound.
 * A form's pressure vector is what llvm-mca measured for it alone, spread
 * evenly over the ports that can take it; ports with the same share form
 * one group (one kind of micro-op). In a block, each group's cycles may go
 * to any port of the group: they are poured onto the least loaded ones
 * (water filling), the most constrained groups first. */
struct pgroup {
    uint32_t ports; /* bit mask */
    unsigned nports;
    double total;
};

static int pgroup_cmp(const void *a, const void *b)
{
    const struct pgroup *x = a, *y = b;
    return x->nports != y->nports ? (x->nports < y->nports ? -1 : 1)
                                  : (x->ports < y->ports ? -1 : x->ports > y->ports);
}

static void pour(double *load, const struct pgroup *g, unsigned nports)
{
    double left = g->total;
    while (left > 1e-9) {
        /* raise the lowest ports of the group to the next level */
        double low = INFINITY, next = INFINITY;
        unsigned at_low = 0;
        for (unsigned k = 0; k < nports; k++)
            if (g->ports & (1u << k))
                low = load[k] < low ? load[k] : low;
        for (unsigned k = 0; k < nports; k++) {
            if (!(g->ports & (1u << k)))
                continue;
            if (load[k] <= low + 1e-9)
                at_low++;
            else if (load[k] < next)
                next = load[k];
        }
        double step = left / at_low;
        if (next - low < step)
            step = next - low;
        for (unsigned k = 0; k < nports; k++)
            if ((g->ports & (1u << k)) && load[k] <= low + 1e-9)
                load[k] += step;
        left -= step * at_low;
    }
}

static double port_bound(const struct tm_profile *p, const struct tm_cost *const *cost, size_t n)
{
    struct pgroup *g = malloc(n * TM_MAX_PORTS * sizeof *g);
    double load[TM_MAX_PORTS] = {0}, max = 0;
    size_t ng = 0;
    if (!g)
        return 0;
    for (size_t i = 0; i < n; i++) {
        bool used[TM_MAX_PORTS] = {false};
        for (unsigned k = 0; k < p->nports; k++) {
            float v = cost[i]->pressure[k];
            if (used[k] || v <= 0)
                continue;
            struct pgroup grp = {0};
            for (unsigned j = k; j < p->nports; j++)
                if (!used[j] && fabsf(cost[i]->pressure[j] - v) <= 0.02f) {
                    used[j] = true;
                    grp.ports |= 1u << j;
                    grp.nports++;
                    grp.total += cost[i]->pressure[j];
                }
            g[ng++] = grp;
        }
    }
    qsort(g, ng, sizeof *g, pgroup_cmp);
    for (size_t i = 0; i < ng; i++)
        pour(load, &g[i], p->nports);
    free(g);
    for (unsigned k = 0; k < p->nports; k++)
        max = load[k] > max ? load[k] : max;
    return max;
}

static double src_ready(const struct emu_insn *in, const double *ready)
{
    double t = 0;
    if (in->zero_idiom)
        return 0;
    for (unsigned k = 0; k < in->nsrc; k++)
        t = ready[in->src[k]] > t ? ready[in->src[k]] : t;
    return t;
}

/* The instruction started at `start`: its outputs are ready `latency`
 * later, except registers it also reads (rsp of push, pop, call, ret; the
 * accumulator of add), whose loop-carried latency llvm-mca measured as the
 * form's self cycles. */
static void write_dsts(const struct emu_insn *in, const struct tm_cost *c, double *ready,
                       double start)
{
    for (unsigned k = 0; k < in->ndst; k++) {
        double lat = c->latency;
        for (unsigned j = 0; j < in->nsrc && !in->zero_idiom; j++)
            if (in->src[j] == in->dst[k] && c->self < lat)
                lat = c->self;
        ready[in->dst[k]] = start + lat;
    }
}

/* Out of order: instructions dispatch in order, issue_width micro-ops a
 * cycle, into a reorder buffer of rob_size micro-ops; each starts when its
 * inputs are ready and retires in order. Returns the steady-state cycles
 * per iteration of the block run back to back. */
static double sched_ooo(const struct tm_profile *p, const struct emu_insn *insns,
                        const struct tm_cost *const *cost, size_t n, double *ready)
{
    size_t total = n * SCHED_ITERS;
    double *retire = malloc(total * sizeof *retire);
    double *uops_before = malloc(total * sizeof *uops_before);
    if (!retire || !uops_before) {
        free(retire);
        free(uops_before);
        return 0;
    }
    double dispatch = 0, last_retire = 0, uops = 0;
    double mark[SCHED_ITERS];
    size_t oldest = 0; /* first instruction still holding ROB entries */
    for (size_t j = 0; j < total; j++) {
        const struct emu_insn *in = &insns[j % n];
        const struct tm_cost *c = cost[j % n];
        double u = c->uops ? c->uops : 1;
        /* Wait for ROB space: retire older instructions until this one fits. */
        while (oldest < j && uops + u - uops_before[oldest] > p->rob_size) {
            dispatch = retire[oldest] > dispatch ? retire[oldest] : dispatch;
            oldest++;
        }
        uops_before[j] = uops;
        double start = src_ready(in, ready);
        start = start > dispatch ? start : dispatch;
        double end = start + c->latency;
        write_dsts(in, c, ready, start);
        last_retire = end > last_retire ? end : last_retire;
        retire[j] = last_retire;
        dispatch += u / p->issue_width;
        uops += u;
        if (j % n == n - 1)
            mark[j / n] = last_retire;
    }
    free(retire);
    free(uops_before);
    return (mark[SCHED_ITERS - 1] - mark[SCHED_ITERS / 2 - 1]) / (SCHED_ITERS - SCHED_ITERS / 2);
}

/* In order: each instruction issues after the one before it (up to
 * issue_width in a cycle), when its inputs are ready and its pipes free.
 * Pressure >= 1 on a port means the form needs that port for that many
 * cycles; fractions are alternatives (one of them, for their sum). */
static double sched_inorder(const struct tm_profile *p, const struct emu_insn *insns,
                            const struct tm_cost *const *cost, size_t n, double *ready)
{
    double free_at[TM_MAX_PORTS] = {0};
    double cycle = 0, mark[SCHED_ITERS];
    unsigned slots = 0;
    for (size_t j = 0; j < n * SCHED_ITERS; j++) {
        const struct emu_insn *in = &insns[j % n];
        const struct tm_cost *c = cost[j % n];
        double t = src_ready(in, ready);
        t = t > cycle ? t : cycle;
        double alt_sum = 0, alt_free = INFINITY;
        int alt = -1;
        for (unsigned k = 0; k < p->nports; k++) {
            float pr = c->pressure[k];
            if (pr >= 0.95f)
                t = free_at[k] > t ? free_at[k] : t;
            else if (pr > 0) {
                alt_sum += pr;
                if (free_at[k] < alt_free)
                    alt_free = free_at[k], alt = (int)k;
            }
        }
        if (alt >= 0)
            t = alt_free > t ? alt_free : t;
        t = ceil(t);
        if (t == cycle && slots >= p->issue_width)
            t += 1;
        slots = t == cycle ? slots + 1 : 1;
        cycle = t;
        for (unsigned k = 0; k < p->nports; k++)
            if (c->pressure[k] >= 0.95f)
                free_at[k] = t + c->pressure[k];
        if (alt >= 0)
            free_at[alt] = t + alt_sum;
        write_dsts(in, c, ready, t);
        if (j % n == 0)
            mark[j / n] = t;
    }
    return (mark[SCHED_ITERS - 1] - mark[SCHED_ITERS / 2 - 1]) / (SCHED_ITERS - SCHED_ITERS / 2);
}

uint64_t tm_block_cost(const struct tm_profile *p, const struct emu_insn *insns, size_t n,
                       unsigned *unknown)
{
    if (n == 0)
        return 0;
    const struct tm_cost **cost = malloc(n * sizeof *cost);
    double *ready = calloc(EMU_REG_LIMIT, sizeof *ready);
    if (!cost || !ready) {
        free(cost);
        free(ready);
        return (uint64_t)n * EMU_FRAC;
    }
    double uops = 0;
    for (size_t i = 0; i < n; i++) {
        cost[i] = insn_cost(p, &insns[i], unknown);
        uops += cost[i]->uops ? cost[i]->uops : 1;
    }
    double cycles;
    if (p->out_of_order) {
        cycles = sched_ooo(p, insns, cost, n, ready);
        double bound = port_bound(p, cost, n);
        cycles = bound > cycles ? bound : cycles;
        bound = uops / p->issue_width;
        cycles = bound > cycles ? bound : cycles;
    } else {
        cycles = sched_inorder(p, insns, cost, n, ready);
    }
    free(cost);
    free(ready);
    uint64_t fp = (uint64_t)llround(cycles * EMU_FRAC);
    return fp ? fp : 1;
}

/* ---- dynamic part ------------------------------------------------------- */

/* A set-associative cache (or TLB) with LRU replacement. Tags are stored
 * plus one so that zero means empty. */
struct cache {
    uint64_t *mru; /* per set: the key it used last, plus one (0: none) */
    uint32_t sets, ways, shift;
    uint64_t *tag;
    uint64_t *stamp; /* when each way was last used */
    uint64_t clock;
};

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

enum tm_mode { TM_OFF, TM_WARMING, TM_MEASURING };

struct tm_state {
    const struct tm_profile *p;
    struct tm_stats st;
    struct cache l1i, l1d, l2, tlb;
    uint8_t *bp;      /* 2-bit counters */
    uint32_t history; /* global branch history */
    uint64_t *btb;    /* pairs: branch address, target */
    uint64_t *ras;    /* return address stack */
    uint32_t ras_top, ras_count;
    uint16_t asid;                 /* the address space the TLB looks up */
    bool root_pending;             /* a block wrote the root: read it at the next one */
    bool flow_broken;              /* a trap came between the last block and the next */
    uint64_t prev_addr, prev_size; /* the block that ran last (size 0: none) */
    uint8_t prev_flow;
    uint64_t mmio_base, mmio_size;
    uint64_t *code_pages; /* bitmap: pages holding decoded code (aliased mod 1 GiB) */
    bool exact;           /* no sampling */
    bool hooked;
    bool drop_pending; /* the hooks went: drop the code translated with them */
    uc_hook hook;
    enum tm_mode mode;
    struct emu_block *cur;                 /* the block running now (valid until the next block) */
    uint64_t meas_loads;                   /* loads run in measured windows */
    uint64_t meas_cache, meas_tlb;         /* and what they cost, in cycles */
    uint64_t per_load_cache, per_load_tlb; /* their average, 1/EMU_FRAC cycles */
    uint64_t est_cache_frac, est_tlb_frac; /* estimates owed, 1/EMU_FRAC cycles */
    uint64_t period_start;                 /* the cycle the current period began */
    uint64_t unmeasured_loads;             /* loads of unmeasured blocks since the window */
};

static int log2u(uint32_t v)
{
    int s = 0;
    while ((1u << s) < v)
        s++;
    return s;
}

static int cache_init(struct cache *c, uint32_t entries, uint32_t ways, uint32_t unit)
{
    c->sets = entries / ways;
    c->ways = ways;
    c->shift = (uint32_t)log2u(unit);
    c->tag = calloc((size_t)entries, sizeof *c->tag);
    c->stamp = calloc((size_t)entries, sizeof *c->stamp);
    c->mru = calloc((size_t)c->sets, sizeof *c->mru);
    return c->tag && c->stamp && c->mru ? 0 : -1;
}

static void cache_free(struct cache *c)
{
    free(c->tag);
    free(c->stamp);
    free(c->mru);
}

static void cache_flush(struct cache *c)
{
    memset(c->tag, 0, (size_t)c->sets * c->ways * sizeof *c->tag);
    memset(c->mru, 0, (size_t)c->sets * sizeof *c->mru);
}

/* Looks `key` (already shifted) up; on a miss fills the LRU way. Returns
 * whether it hit. */
/* A lookup that is not its set's last one: scan the ways, fill on a miss. */
static __attribute__((noinline)) bool cache_lookup(struct cache *c, uint32_t set, uint64_t want)
{
    c->mru[set] = want;
    uint64_t *tag = &c->tag[(size_t)set * c->ways];
    uint64_t *stamp = &c->stamp[(size_t)set * c->ways];
    for (uint32_t w = 0; w < c->ways; w++)
        if (tag[w] == want) {
            stamp[w] = ++c->clock;
            return true;
        }
    /* a miss: fill an empty way, else the least recently used one */
    uint32_t victim = 0;
    for (uint32_t w = 0; w < c->ways; w++) {
        if (tag[w] == 0) {
            victim = w;
            break;
        }
        if (stamp[w] < stamp[victim])
            victim = w;
    }
    tag[victim] = want;
    stamp[victim] = ++c->clock;
    return false;
}

static inline bool cache_access(struct cache *c, uint64_t key)
{
    uint32_t set = (uint32_t)(key & (c->sets - 1));
    /* The line its set used last is a hit that changes nothing: its stamp
     * is already the newest of the set. */
    return c->mru[set] == key + 1 || cache_lookup(c, set, key + 1);
}

struct tm_state *tm_state_new(const struct tm_profile *p)
{
    struct tm_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->p = p;
    int rc = cache_init(&s->l1i, p->l1i.size / p->l1i.line, p->l1i.ways, p->l1i.line);
    rc |= cache_init(&s->l1d, p->l1d.size / p->l1d.line, p->l1d.ways, p->l1d.line);
    rc |= cache_init(&s->l2, p->l2.size / p->l2.line, p->l2.ways, p->l2.line);
    rc |= cache_init(&s->tlb, p->tlb_entries, p->tlb_ways, 1);
    s->bp = malloc(p->bp_entries);
    s->btb = calloc((size_t)p->btb_entries * 2, sizeof *s->btb);
    s->ras = calloc(p->ras_depth, sizeof *s->ras);
    s->code_pages = calloc(((size_t)1 << PAGE_GEN_BITS) / 64, sizeof *s->code_pages);
    if (rc || !s->bp || !s->btb || !s->ras || !s->code_pages) {
        tm_state_free(s);
        return NULL;
    }
    memset(s->bp, 1, p->bp_entries); /* weakly not taken */
    return s;
}

void tm_state_free(struct tm_state *s)
{
    if (!s)
        return;
    cache_free(&s->l1i);
    cache_free(&s->l1d);
    cache_free(&s->l2);
    cache_free(&s->tlb);
    free(s->bp);
    free(s->btb);
    free(s->ras);
    free(s->code_pages);
    free(s);
}

const struct tm_profile *tm_state_profile(const struct tm_state *s)
{
    return s->p;
}

const struct tm_stats *tm_state_stats(const struct tm_state *s)
{
    return &s->st;
}

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
    s->st.mmio++;
    emu_core_charge(c, EMU_CHARGE_MMIO, s->p->mmio_latency);
}

void tm_set_exact(struct tm_state *s, bool exact)
{
    s->exact = exact;
}

void tm_break_flow(struct tm_state *s)
{
    s->flow_broken = true;
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

/* Returns the penalty of a miss in the first-level cache `l1` at `line`
 * (a line of l1's size), looking in L2 and memory. */
static uint32_t miss_penalty(struct tm_state *s, const struct tm_cache_geom *l1, uint64_t addr)
{
    s->st.l2_access++;
    if (cache_access(&s->l2, addr >> s->l2.shift))
        return s->p->l2.latency - (l1->latency < s->p->l2.latency ? l1->latency : s->p->l2.latency);
    s->st.l2_miss++;
    return s->p->mem_latency - (l1->latency < s->p->mem_latency ? l1->latency : s->p->mem_latency);
}

static void tlb_access(struct emu_core *c, struct tm_state *s, uint64_t addr)
{
    s->st.tlb_access++;
    /* the set index comes from the page number's low bits; the ASID tags
     * it from above */
    if (!cache_access(&s->tlb, (addr >> 12) | ((uint64_t)s->asid << 48))) {
        s->st.tlb_miss++;
        emu_core_charge(c, EMU_CHARGE_TLB, s->p->tlb_walk);
        if (s->mode == TM_MEASURING && s->cur) {
            s->cur->dtlb += s->p->tlb_walk;
            s->meas_tlb += s->p->tlb_walk;
            block_estimate(s->cur);
        }
    }
}

/* Fetches the block's lines through the L1 instruction cache. */
static void fetch_block(struct emu_core *c, struct tm_state *s, uint64_t addr, uint32_t size)
{
    uint64_t first = addr >> s->l1i.shift, last = (addr + size - 1) >> s->l1i.shift;
    if (first == last && s->l1i.mru[first & (s->l1i.sets - 1)] == first + 1) {
        s->st.l1i_access++; /* the common case: its set's last line */
        return;
    }
    uint64_t penalty = 0;
    for (uint64_t line = first; line <= last; line++) {
        s->st.l1i_access++;
        if (!cache_access(&s->l1i, line)) {
            s->st.l1i_miss++;
            penalty += miss_penalty(s, &s->p->l1i, line << s->l1i.shift);
        }
    }
    if (penalty)
        emu_core_charge(c, EMU_CHARGE_CACHE, penalty);
}

/* Was the branch that ended the previous block predicted? `next` is the
 * address control went to. Updates the predictor either way. */
static bool predicted(struct tm_state *s, uint64_t next)
{
    /* any address inside the last instruction identifies the branch */
    uint64_t fall = s->prev_addr + s->prev_size, pc = fall - 1;
    uint32_t n = s->p->btb_entries;
    uint64_t *btb = &s->btb[((pc >> 1) & (n - 1)) * 2];
    switch (s->prev_flow) {
    case EMU_FLOW_COND: {
        bool taken = next != fall;
        uint32_t mask = s->p->bp_entries - 1;
        uint32_t hist = s->history & ((1u << s->p->bp_history) - 1);
        uint8_t *ctr = &s->bp[((uint32_t)(pc >> 1) ^ hist) & mask];
        bool guess = *ctr >= 2;
        if (taken && *ctr < 3)
            (*ctr)++;
        if (!taken && *ctr > 0)
            (*ctr)--;
        s->history = (s->history << 1) | taken;
        return guess == taken;
    }
    case EMU_FLOW_CALL:
    case EMU_FLOW_CALL_INDIRECT:
        s->ras[s->ras_top] = fall;
        s->ras_top = (s->ras_top + 1) % s->p->ras_depth;
        s->ras_count += s->ras_count < s->p->ras_depth;
        if (s->prev_flow == EMU_FLOW_CALL)
            return true;
        /* an indirect call predicts its target like an indirect jump */
        __attribute__((fallthrough));
    case EMU_FLOW_INDIRECT: {
        bool hit = btb[0] == pc + 1 && btb[1] == next;
        btb[0] = pc + 1;
        btb[1] = next;
        return hit;
    }
    case EMU_FLOW_RET: {
        if (s->ras_count == 0)
            return false;
        s->ras_top = (s->ras_top + s->p->ras_depth - 1) % s->p->ras_depth;
        s->ras_count--;
        return s->ras[s->ras_top] == next;
    }
    default:
        return true; /* direct jumps: the target is in the instruction */
    }
}

/* The previous block wrote the translation root: switch the TLB to the
 * new address space (tagged) or flush it. */
static void switch_root(struct emu_core *c, struct tm_state *s)
{
    uint16_t asid = c->arch->asid_of ? c->arch->asid_of(emu_reg_read(c, c->arch->reg_root)) : 0;
    s->st.as_switches++;
    if (s->p->asid && asid != 0) {
        emu_core_charge(c, EMU_CHARGE_TRAP, s->p->as_switch_asid);
    } else {
        cache_flush(&s->tlb);
        emu_core_charge(c, EMU_CHARGE_TRAP, s->p->as_switch);
    }
    s->asid = asid;
    s->root_pending = false;
}

/* Hooks off: charges what this block's loads cost when it was measured,
 * else what an average load cost (and counts those loads: enough of them
 * start a new period early). */
static void charge_estimate(struct emu_core *c, struct tm_state *s, const struct emu_block *b)
{
    if (__builtin_expect(b->dexecs != 0, 1)) {
        s->est_cache_frac += b->est_cache;
        s->est_tlb_frac += b->est_tlb;
    } else {
        s->est_cache_frac += b->loads * s->per_load_cache;
        s->est_tlb_frac += b->loads * s->per_load_tlb;
        s->unmeasured_loads += b->loads;
        if (s->unmeasured_loads >= TM_UNMEASURED_LOADS && c->deadline > c->cycles) {
            s->period_start = c->cycles; /* warm up and measure from here */
            c->deadline = c->cycles;
        }
    }
    if (__builtin_expect((s->est_cache_frac | s->est_tlb_frac) < EMU_FRAC, 0))
        return;
    emu_core_charge(c, EMU_CHARGE_CACHE, s->est_cache_frac >> EMU_FRAC_BITS);
    emu_core_charge(c, EMU_CHARGE_TLB, s->est_tlb_frac >> EMU_FRAC_BITS);
    s->est_cache_frac &= EMU_FRAC - 1;
    s->est_tlb_frac &= EMU_FRAC - 1;
}

/* Measuring: one more run of this block (its misses are added to its
 * dcache / dtlb as they happen, and its estimates follow). */
static void measure_block(struct tm_state *s, struct emu_block *b)
{
    b->dexecs++;
    block_estimate(b);
    s->meas_loads += b->loads;
}

void tm_on_block(struct emu_core *c, struct emu_block *b)
{
    struct tm_state *s = c->timing;
    if (s->root_pending)
        switch_root(c, s);
    if (!s->flow_broken) {
        switch (s->prev_flow) {
        case EMU_FLOW_NONE:
        case EMU_FLOW_TRAP:
            break;
        case EMU_FLOW_XRET:
            emu_core_charge(c, EMU_CHARGE_TRAP, s->p->trap_return);
            break;
        default:
            s->st.branches++;
            if (!predicted(s, b->addr)) {
                s->st.mispredicts++;
                emu_core_charge(c, EMU_CHARGE_BRANCH, s->p->mispredict);
            }
        }
    }
    s->flow_broken = false;
    s->cur = b;
    if (s->mode == TM_OFF)
        charge_estimate(c, s, b);
    else if (s->mode == TM_MEASURING)
        measure_block(s, b);
    fetch_block(c, s, b->addr, b->size);
    if (b->tlb_flush)
        cache_flush(&s->tlb);
    s->root_pending = b->root_write;
    s->prev_addr = b->addr;
    s->prev_size = b->size;
    s->prev_flow = b->flow;
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
    tlb_access(c, s, addr);
    uint64_t first = addr >> s->l1d.shift,
             last = (addr + (uint64_t)(size > 0 ? size : 1) - 1) >> s->l1d.shift;
    for (uint64_t line = first; line <= last; line++) {
        s->st.l1d_access++;
        if (cache_access(&s->l1d, line))
            continue;
        s->st.l1d_miss++;
        uint32_t penalty = miss_penalty(s, &s->p->l1d, line << s->l1d.shift);
        /* Stores retire into the store buffer: their misses are hidden. */
        if (!write) {
            emu_core_charge(c, EMU_CHARGE_CACHE, penalty);
            if (s->mode == TM_MEASURING && s->cur) {
                s->cur->dcache += penalty;
                s->meas_cache += penalty;
                block_estimate(s->cur);
            }
        }
    }
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Drops Unicorn's translations of every page holding a block of class
 * `cls` the core has seen, one call per page. (A full tb flush would do,
 * but costs about 0.1 s in Unicorn 2.0.1.) uc_ctl_remove_cache finds a
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
        uc_err err = uc_ctl_remove_cache(c->uc, pages[i] << 12, (pages[i] + 1) << 12);
        if (err != UC_ERR_OK) {
            emu_core_host_error(c, err, "uc_ctl_remove_cache");
            break;
        }
    }
    free(pages);
}

void tm_drop_class(struct emu_core *c, unsigned cls)
{
    drop_pages(c, cls);
    c->drop_due &= (uint8_t) ~(1u << cls);
}

/* Adds or removes the memory hooks. Unicorn 2.0.1 decides at translation
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
    uc_err err;
    if (on && (err = uc_hook_add(c->uc, &s->hook, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                                 (void *)mem_hook, c, 1, 0)) != UC_ERR_OK) {
        emu_core_host_error(c, err, "uc_hook_add");
        return -1;
    }
    s->hooked = on;
    c->code_gen++; /* stores went unseen (or will): blocks re-check their code */
    if (on) {
        c->drop_due = 3; /* each class at its next block */
        return 0;
    }
    /* Unicorn 2.0.1 only forgets a deleted hook when uc_emu_start returns:
     * code translated before then still calls it. So this run ends after
     * its first block and the next one drops the translations. */
    if ((err = uc_hook_del(c->uc, s->hook)) != UC_ERR_OK) {
        emu_core_host_error(c, err, "uc_hook_del");
        return -1;
    }
    s->drop_pending = true;
    c->deadline = c->cycles + 1;
    return 0;
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
            s->st.windows++;
            s->unmeasured_loads = 0;
        }
        s->mode = mode;
    }
    return set_hooked(c, mode != TM_OFF);
}
