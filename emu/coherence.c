/* emu/coherence.c: the coherence of several cores' private caches (see
 * uarch.h, timing.h and docs/timing-model.md, "Several cores").
 *
 * A directory (a snoop filter) records, per L1D line, which cores may hold
 * it in a private data cache (L1D, and the L2 when the profile's L2 is per
 * core) and which one holds it modified. It is looked up only on a private
 * miss and on a store to a line the storing core does not already hold
 * modified alone (each core's `excl` filter remembers those), never on a
 * load hit. Caches drop lines silently, so a holder the directory names may
 * no longer have the line: the owner's caches are probed before a transfer
 * is charged. The directory is set-associative with LRU; when a set is
 * full the line it drops is invalidated in every holder (as a snoop
 * filter's back-invalidation), so no copy escapes it. Pure C, no Unicorn:
 * the order of the calls (the machine's cores interleaved by clock and
 * number) is the only order there is, so the results are deterministic. */
#include <stdlib.h>
#include <string.h>

#include "emu/uarch.h"

#define COH_WAYS 8
#define COH_EXCL_ENTRIES 1024 /* per core, a power of two */

struct tm_coh {
    const struct tm_profile *p; /* not owned */
    unsigned ncores;
    uint32_t shift;                      /* the L1D line's: the directory's unit */
    struct tm_uarch *core[TM_MAX_CORES]; /* not owned; NULL until attached */
    uint32_t sets;                       /* a power of two */
    uint64_t *tag;                       /* owned, sets * COH_WAYS: line + 1 (0: empty) */
    uint64_t *stamp;                     /* owned: when each entry was last used */
    uint8_t *holders;                    /* owned: cores that may hold the line (bit per core) */
    uint8_t *owner; /* owned: the core holding it modified, plus one (0: none) */
    uint64_t clock;
    struct tm_cache l2; /* the cores' L2 when the profile's is shared */
};
_Static_assert(TM_MAX_CORES <= 8, "holders is one byte");

/* Returns the smallest power of two >= v (v >= 1). */
static uint32_t pow2_at_least(uint64_t v)
{
    uint32_t n = 1;
    while (n < v)
        n <<= 1;
    return n;
}

struct tm_coh *tm_coh_new(const struct tm_profile *p, unsigned ncores)
{
    if (ncores < 2 || ncores > TM_MAX_CORES)
        return NULL;
    struct tm_coh *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->p = p;
    h->ncores = ncores;
    h->shift = (uint32_t)__builtin_ctz(p->l1d.line);
    /* room for twice the lines every private data cache can hold, so that
     * back-invalidations stay rare */
    uint64_t lines = (uint64_t)p->l1d.size / p->l1d.line;
    if (!p->l2_shared)
        lines += (uint64_t)p->l2.size / p->l1d.line;
    uint32_t entries = pow2_at_least(2 * lines * ncores);
    if (entries < 1024)
        entries = 1024;
    h->sets = entries / COH_WAYS;
    h->tag = calloc(entries, sizeof *h->tag);
    h->stamp = calloc(entries, sizeof *h->stamp);
    h->holders = calloc(entries, 1);
    h->owner = calloc(entries, 1);
    int rc = 0;
    if (p->l2_shared)
        rc = tm_cache_init(&h->l2, p->l2.size / p->l2.line, p->l2.ways, p->l2.line);
    if (rc || !h->tag || !h->stamp || !h->holders || !h->owner) {
        tm_coh_free(h);
        return NULL;
    }
    return h;
}

void tm_coh_free(struct tm_coh *h)
{
    if (!h)
        return;
    tm_cache_free(&h->l2);
    free(h->tag);
    free(h->stamp);
    free(h->holders);
    free(h->owner);
    free(h);
}

int tm_coh_attach_uarch(struct tm_coh *h, struct tm_uarch *u, unsigned id)
{
    if (id >= h->ncores || u->p->l1d.line != h->p->l1d.line)
        return -1;
    free(u->excl);
    u->excl = calloc(COH_EXCL_ENTRIES, sizeof *u->excl);
    if (!u->excl)
        return -1;
    u->excl_mask = COH_EXCL_ENTRIES - 1;
    u->coh = h;
    u->id = (uint8_t)id;
    if (h->p->l2_shared)
        u->l2p = &h->l2;
    h->core[id] = u;
    return 0;
}

/* Forgets that core k holds `line` modified alone. */
static void excl_clear(struct tm_uarch *k, uint64_t line)
{
    if (k->excl[line & k->excl_mask] == line + 1)
        k->excl[line & k->excl_mask] = 0;
}

/* Removes `line` from core k's private data caches (L1D, and its L2 when
 * the L2 is per core). Returns whether it held it. */
static bool drop_copy(struct tm_coh *h, struct tm_uarch *k, uint64_t line)
{
    excl_clear(k, line);
    bool had = tm_cache_invalidate(&k->l1d, line);
    if (!h->p->l2_shared)
        had |= tm_cache_invalidate(&k->l2, (line << h->shift) >> k->l2.shift);
    return had;
}

/* Returns whether core k's private data caches hold `line`. */
static bool holds(const struct tm_coh *h, const struct tm_uarch *k, uint64_t line)
{
    return tm_cache_holds(&k->l1d, line) ||
           (!h->p->l2_shared && tm_cache_holds(&k->l2, (line << h->shift) >> k->l2.shift));
}

/* Invalidates `line` in every core of `mask` but u, counting each copy
 * dropped to u. Returns nothing. */
static void drop_others(struct tm_coh *h, struct tm_uarch *u, uint8_t mask, uint64_t line)
{
    for (unsigned k = 0; k < h->ncores; k++)
        if (k != u->id && (mask & (1u << k)) && h->core[k] && drop_copy(h, h->core[k], line))
            u->st.invalidations++;
}

/* Returns the directory entry of `line`, making one when there is none:
 * an empty way, else the least recently used one, whose line is first
 * invalidated in every core that may hold it. */
static size_t entry_of(struct tm_coh *h, uint64_t line)
{
    size_t base = (size_t)(line & (h->sets - 1)) * COH_WAYS, victim = base;
    for (size_t i = base; i < base + COH_WAYS; i++)
        if (h->tag[i] == line + 1) {
            h->stamp[i] = ++h->clock;
            return i;
        }
    for (size_t i = base; i < base + COH_WAYS; i++) {
        if (h->tag[i] == 0) {
            victim = i;
            break;
        }
        if (h->stamp[i] < h->stamp[victim])
            victim = i;
    }
    if (h->tag[victim] != 0) {
        uint64_t old = h->tag[victim] - 1;
        for (unsigned k = 0; k < h->ncores; k++)
            if ((h->holders[victim] & (1u << k)) && h->core[k])
                (void)drop_copy(h, h->core[k], old);
    }
    h->tag[victim] = line + 1;
    h->stamp[victim] = ++h->clock;
    h->holders[victim] = 0;
    h->owner[victim] = 0;
    return victim;
}

/* Makes u the only holder and the owner of the line of entry i,
 * invalidating the others' copies. */
static void take_alone(struct tm_coh *h, struct tm_uarch *u, size_t i, uint64_t line)
{
    drop_others(h, u, h->holders[i], line);
    h->holders[i] = (uint8_t)(1u << u->id);
    h->owner[i] = (uint8_t)(u->id + 1);
    u->excl[line & u->excl_mask] = line + 1;
}

bool tm_coh_fill(struct tm_uarch *u, uint64_t line, bool write)
{
    struct tm_coh *h = u->coh;
    size_t i = entry_of(h, line);
    bool transfer = false;
    unsigned owner = h->owner[i];
    if (owner != 0 && owner - 1 != u->id) {
        struct tm_uarch *k = h->core[owner - 1];
        transfer = k && holds(h, k, line);
        if (k)
            excl_clear(k, line);
        h->owner[i] = 0; /* it keeps a clean copy (a load) or none (a store) */
    }
    if (write)
        take_alone(h, u, i, line);
    else
        h->holders[i] |= (uint8_t)(1u << u->id);
    u->st.transfers += transfer;
    return transfer;
}

void tm_coh_upgrade(struct tm_uarch *u, uint64_t line)
{
    struct tm_coh *h = u->coh;
    take_alone(h, u, entry_of(h, line), line);
}

void tm_coh_note_fetch(struct tm_uarch *u, uint64_t addr)
{
    struct tm_coh *h = u->coh;
    if (h->p->l2_shared)
        return; /* the L1I is not kept coherent; the shared L2 needs nothing */
    uint64_t line = addr >> h->shift;
    h->holders[entry_of(h, line)] |= (uint8_t)(1u << u->id);
}
