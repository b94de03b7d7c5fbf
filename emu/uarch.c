/* emu/uarch.c: the caches, TLB and branch predictor of one core (see
 * uarch.h and docs/timing-model.md, "Dynamic part"). Pure C: the engine
 * hooks in emu/timing.c feed it and charge what it returns. */
#include "emu/uarch.h"

#include <stdlib.h>
#include <string.h>

/* Returns the smallest s with 2^s >= v. */
static int log2u(uint32_t v)
{
    int s = 0;
    while ((1u << s) < v)
        s++;
    return s;
}

int tm_cache_init(struct tm_cache *c, uint32_t entries, uint32_t ways, uint32_t unit)
{
    c->sets = entries / ways;
    c->ways = ways;
    c->shift = (uint32_t)log2u(unit);
    c->clock = 0;
    c->tag = calloc((size_t)entries, sizeof *c->tag);
    c->stamp = calloc((size_t)entries, sizeof *c->stamp);
    c->mru = calloc((size_t)c->sets, sizeof *c->mru);
    return c->tag && c->stamp && c->mru ? 0 : -1;
}

void tm_cache_free(struct tm_cache *c)
{
    free(c->tag);
    free(c->stamp);
    free(c->mru);
    c->tag = c->stamp = c->mru = NULL;
}

void tm_cache_flush(struct tm_cache *c)
{
    memset(c->tag, 0, (size_t)c->sets * c->ways * sizeof *c->tag);
    memset(c->mru, 0, (size_t)c->sets * sizeof *c->mru);
}

/* Out of line: the inline tm_cache_access handles the common case. */
__attribute__((noinline)) bool tm_cache_lookup(struct tm_cache *c, uint32_t set, uint64_t want)
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

bool tm_cache_holds(const struct tm_cache *c, uint64_t key)
{
    const uint64_t *tag = &c->tag[(size_t)(key & (c->sets - 1)) * c->ways];
    for (uint32_t w = 0; w < c->ways; w++)
        if (tag[w] == key + 1)
            return true;
    return false;
}

bool tm_cache_invalidate(struct tm_cache *c, uint64_t key)
{
    uint32_t set = (uint32_t)(key & (c->sets - 1));
    uint64_t *tag = &c->tag[(size_t)set * c->ways];
    if (c->mru[set] == key + 1)
        c->mru[set] = 0; /* no longer a hit that changes nothing */
    for (uint32_t w = 0; w < c->ways; w++)
        if (tag[w] == key + 1) {
            tag[w] = 0;
            return true;
        }
    return false;
}

int tm_uarch_init(struct tm_uarch *u, const struct tm_profile *p)
{
    memset(u, 0, sizeof *u);
    u->p = p;
    int rc = tm_cache_init(&u->l1i, p->l1i.size / p->l1i.line, p->l1i.ways, p->l1i.line);
    rc |= tm_cache_init(&u->l1d, p->l1d.size / p->l1d.line, p->l1d.ways, p->l1d.line);
    rc |= tm_cache_init(&u->l2, p->l2.size / p->l2.line, p->l2.ways, p->l2.line);
    rc |= tm_cache_init(&u->tlb, p->tlb_entries, p->tlb_ways, 1);
    u->bp = malloc(p->bp_entries);
    u->btb = calloc((size_t)p->btb_entries * 2, sizeof *u->btb);
    u->ras = calloc(p->ras_depth, sizeof *u->ras);
    if (rc || !u->bp || !u->btb || !u->ras) {
        tm_uarch_free(u);
        return -1;
    }
    memset(u->bp, 1, p->bp_entries); /* weakly not taken */
    u->l1i_epoch = 1;
    u->l2p = &u->l2;
    u->bp_mask = p->bp_entries - 1;
    u->bp_hist_mask = (1u << p->bp_history) - 1;
    return 0;
}

void tm_uarch_free(struct tm_uarch *u)
{
    tm_cache_free(&u->l1i);
    tm_cache_free(&u->l1d);
    tm_cache_free(&u->l2);
    tm_cache_free(&u->tlb);
    free(u->bp);
    free(u->btb);
    free(u->ras);
    free(u->excl);
    u->bp = NULL;
    u->btb = u->ras = u->excl = NULL;
}

/* Returns the penalty of a miss in the first-level cache `l1` at `addr`,
 * looking in L2 and memory: their latency beyond l1's own. */
static uint32_t miss_penalty(struct tm_uarch *u, const struct tm_cache_geom *l1, uint64_t addr)
{
    const struct tm_profile *p = u->p;
    u->st.l2_access++;
    if (tm_cache_access(u->l2p, addr >> u->l2p->shift))
        return p->l2.latency - (l1->latency < p->l2.latency ? l1->latency : p->l2.latency);
    u->st.l2_miss++;
    return p->mem_latency - (l1->latency < p->mem_latency ? l1->latency : p->mem_latency);
}

uint64_t tm_uarch_fetch_lines(struct tm_uarch *u, uint64_t addr, uint32_t size)
{
    uint64_t first = addr >> u->l1i.shift, last = (addr + size - 1) >> u->l1i.shift;
    uint64_t penalty = 0;
    for (uint64_t line = first; line <= last; line++) {
        u->st.l1i_access++;
        if (tm_uarch_l1i_is_last(u, line))
            continue; /* a hit that changes nothing */
        u->l1i_epoch++;
        if (!tm_cache_lookup(&u->l1i, (uint32_t)(line & (u->l1i.sets - 1)), line + 1)) {
            u->st.l1i_miss++;
            penalty += miss_penalty(u, &u->p->l1i, line << u->l1i.shift);
            if (u->coh)
                tm_coh_note_fetch(u, line << u->l1i.shift);
        }
    }
    return penalty;
}

uint32_t tm_uarch_tlb(struct tm_uarch *u, uint64_t addr)
{
    u->st.tlb_access++;
    /* the set index comes from the page number's low bits; the ASID tags
     * it from above */
    if (tm_cache_access(&u->tlb, (addr >> 12) | ((uint64_t)u->asid << 48)))
        return 0;
    u->st.tlb_miss++;
    return u->p->tlb_walk;
}

uint64_t tm_uarch_data(struct tm_uarch *u, uint64_t addr, uint32_t size, bool write)
{
    uint64_t first = addr >> u->l1d.shift, last = (addr + (size ? size : 1) - 1) >> u->l1d.shift;
    uint64_t penalty = 0;
    for (uint64_t line = first; line <= last; line++) {
        u->st.l1d_access++;
        if (tm_cache_access(&u->l1d, line)) {
            if (write && tm_uarch_store_shared(u, line))
                tm_coh_upgrade(u, line);
            continue;
        }
        u->st.l1d_miss++;
        uint32_t cycles = miss_penalty(u, &u->p->l1d, line << u->l1d.shift);
        if (u->coh && tm_coh_fill(u, line, write)) {
            /* another core's modified copy: a load, and a store's
             * read-for-ownership, wait for the transfer */
            uint32_t t = u->p->core_transfer, l1 = u->p->l1d.latency;
            penalty += t - (l1 < t ? l1 : t);
            continue;
        }
        if (!write)
            penalty += cycles;
    }
    return penalty;
}

uint32_t tm_uarch_switch_as(struct tm_uarch *u, uint16_t asid)
{
    u->st.as_switches++;
    bool keep = u->p->asid && asid != 0;
    if (!keep)
        tm_cache_flush(&u->tlb);
    u->asid = asid;
    return keep ? u->p->as_switch_asid : u->p->as_switch;
}

void tm_uarch_flush_tlb(struct tm_uarch *u)
{
    tm_cache_flush(&u->tlb);
}
