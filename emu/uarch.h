/* emu/uarch.h: the micro-architecture state of one core, inside emu/ (the
 * public interface is timing.h). Set-associative caches and a TLB with LRU
 * replacement, and the branch predictor (gshare counters, a BTB for
 * indirect jumps and calls, a return stack), sized by a CPU profile.
 *
 * Pure C, no Unicorn and no emu_core: each function takes an access (or a
 * branch) and returns the cycles it costs beyond the block's static cost,
 * counting it in the statistics. emu/timing.c (the engine hooks) owns one
 * struct tm_uarch per core, feeds it and charges what it returns; the unit
 * tests (tests/emu/test_uarch.c) drive it directly. What the block hook
 * calls for every block (the cache's last-line check, the fetch of a line
 * just used, the branch predictor) is inline here; the rest is in
 * emu/uarch.c. */
#ifndef IPCEMU_EMU_UARCH_H
#define IPCEMU_EMU_UARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/timing.h"

/* A set-associative cache (or TLB) with LRU replacement, over keys that are
 * addresses already shifted to lines (or pages). Tags are stored plus one
 * so that zero means empty. All arrays are owned. */
struct tm_cache {
    uint64_t *mru; /* per set: the key it used last, plus one (0: none) */
    uint32_t sets, ways, shift;
    uint64_t *tag;   /* sets * ways */
    uint64_t *stamp; /* when each way was last used */
    uint64_t clock;
};

/* Sets up an empty cache of `entries` entries in sets of `ways`, with
 * `unit`-byte lines (1 for a TLB keyed by page). Returns 0, or -1 when
 * memory ran out (then tm_cache_free frees what was allocated). */
int tm_cache_init(struct tm_cache *c, uint32_t entries, uint32_t ways, uint32_t unit);
/* Frees the arrays (safe on a zeroed cache). */
void tm_cache_free(struct tm_cache *c);
/* Empties the cache. */
void tm_cache_flush(struct tm_cache *c);
/* A lookup of `want` (key plus one) in `set` that is not the set's last
 * one: scans the ways and on a miss fills an empty way, else the least
 * recently used one. Returns whether it hit. */
bool tm_cache_lookup(struct tm_cache *c, uint32_t set, uint64_t want);

/* Looks `key` up, filling it on a miss. Returns whether it hit. Inline:
 * the hooks call it for every access. */
static inline bool tm_cache_access(struct tm_cache *c, uint64_t key)
{
    uint32_t set = (uint32_t)(key & (c->sets - 1));
    /* The line its set used last is a hit that changes nothing: its stamp
     * is already the newest of the set. */
    return c->mru[set] == key + 1 || tm_cache_lookup(c, set, key + 1);
}

/* One core's caches, TLB and branch predictor. */
struct tm_uarch {
    const struct tm_profile *p;        /* not owned; outlives the state */
    struct tm_stats st;                /* cache, TLB, branch and address-space counters
                                          (the hooks add mmio and windows) */
    struct tm_cache l1i, l1d, l2, tlb; /* the TLB's keys: page number | asid << 48 */
    struct tm_cache *l2p;              /* the L2 it uses: &l2, or the cores' shared one */
    struct tm_coh *coh;                /* not owned; NULL with one core (coherence off) */
    uint64_t *excl;                    /* owned with coh: lines it holds modified alone, plus one */
    uint32_t excl_mask;                /* entries of excl - 1 */
    uint8_t id;                        /* its core number in coh */
    uint8_t *bp;                       /* owned: bp_entries 2-bit counters (0 to 3) */
    uint32_t bp_mask, bp_hist_mask;    /* bp_entries - 1, 2^bp_history - 1 */
    uint32_t history;                  /* global branch history */
    uint64_t *btb;                     /* owned: btb_entries pairs (branch address + 1, target) */
    uint64_t *ras;                     /* owned: the return address stack, ras_depth deep */
    uint32_t ras_top, ras_count;
    uint16_t asid; /* the address space the TLB looks up */
    /* Bumped whenever the L1I changes: a fetch of a line that is not the
     * last used of its set (the L1I is never flushed). Starts at 1. */
    uint64_t l1i_epoch;
};

/* Sets up the empty caches, TLB and predictor of profile `p` (counters
 * weakly not taken). Returns 0, or -1 when memory ran out (nothing stays
 * allocated). */
int tm_uarch_init(struct tm_uarch *u, const struct tm_profile *p);
/* Frees what tm_uarch_init allocated (safe on a zeroed state). */
void tm_uarch_free(struct tm_uarch *u);

/* Returns whether `key` is in the cache, changing nothing. */
bool tm_cache_holds(const struct tm_cache *c, uint64_t key);
/* Removes `key` from the cache if it is there. Returns whether it was. */
bool tm_cache_invalidate(struct tm_cache *c, uint64_t key);

/* Coherence between the private caches of several cores (emu/coherence.c,
 * docs/timing-model.md "Several cores"). Joins core `id`'s state u to h
 * (its L2 becomes h's shared one when the profile's L2 is shared). Returns
 * 0, or -1 when id is out of range or memory ran out. */
int tm_coh_attach_uarch(struct tm_coh *h, struct tm_uarch *u, unsigned id);
/* u's private data caches just missed L1D line `line` (address >> l1d
 * shift) and filled it: records u as a holder, takes the line from the
 * core that held it modified, and for a store (`write`) invalidates every
 * other core's copy. Returns whether another core held it modified and
 * still had it (the miss is then served by a core-to-core transfer). */
bool tm_coh_fill(struct tm_uarch *u, uint64_t line, bool write);
/* u stores to L1D line `line`, which its L1D holds but maybe not alone:
 * invalidates the other cores' copies and makes u the line's owner.
 * Returns nothing (an upgrade costs nothing: the store buffer hides it). */
void tm_coh_upgrade(struct tm_uarch *u, uint64_t line);
/* u's L1I missed the line at `addr`, which its private L2 now holds:
 * records u as a holder (only with a private L2). Returns nothing. */
void tm_coh_note_fetch(struct tm_uarch *u, uint64_t addr);

/* Returns whether a store by u to L1D line `line` needs the coherence's
 * work: with several cores, unless u already holds it modified alone. */
static inline bool tm_uarch_store_shared(const struct tm_uarch *u, uint64_t line)
{
    return u->coh && u->excl[line & u->excl_mask] != line + 1;
}

/* Returns whether L1I line number `line` (address >> l1i.shift) is the
 * last its set used: fetching it is a hit that changes nothing. */
static inline bool tm_uarch_l1i_is_last(const struct tm_uarch *u, uint64_t line)
{
    return u->l1i.mru[line & (u->l1i.sets - 1)] == line + 1;
}

/* Fetches the instruction lines of [addr, addr + size) (size >= 1) through
 * the L1I and L2. Returns the miss cycles (0 when every line hit). */
uint64_t tm_uarch_fetch_lines(struct tm_uarch *u, uint64_t addr, uint32_t size);
/* The same, with the common case inline: one line, its set's last one. */
static inline uint64_t tm_uarch_fetch(struct tm_uarch *u, uint64_t addr, uint32_t size)
{
    uint64_t first = addr >> u->l1i.shift;
    if (first == (addr + size - 1) >> u->l1i.shift && tm_uarch_l1i_is_last(u, first)) {
        u->st.l1i_access++;
        return 0;
    }
    return tm_uarch_fetch_lines(u, addr, size);
}

/* Translates the page of `addr` in the current address space. Returns the
 * walk cycles of a TLB miss, 0 on a hit. */
uint32_t tm_uarch_tlb(struct tm_uarch *u, uint64_t addr);
/* A data access of `size` bytes (0 counts as 1) at `addr` through the L1D
 * and L2 (not the TLB: tm_uarch_tlb). Returns the miss cycles of a load;
 * a store's misses allocate lines but cost nothing (the store buffer hides
 * them), so a store returns 0. */
uint64_t tm_uarch_data(struct tm_uarch *u, uint64_t addr, uint32_t size, bool write);
/* The common data access, inline: when the page of `addr` is the one its
 * TLB set used last and [addr, addr + size) (size >= 1) is one line that
 * its L1D set used last, counts the TLB and L1D accesses (hits that
 * change nothing, as tm_uarch_tlb and tm_uarch_data would find) and
 * returns true; else returns false and changes nothing. */
static inline bool tm_uarch_data_hit(struct tm_uarch *u, uint64_t addr, uint32_t size)
{
    uint64_t page = (addr >> 12) | ((uint64_t)u->asid << 48); /* as tm_uarch_tlb */
    uint64_t line = addr >> u->l1d.shift;
    if (line != (addr + size - 1) >> u->l1d.shift ||
        u->tlb.mru[page & (u->tlb.sets - 1)] != page + 1 ||
        u->l1d.mru[line & (u->l1d.sets - 1)] != line + 1)
        return false;
    u->st.tlb_access++;
    u->st.l1d_access++;
    return true;
}
/* The translation root now selects address space `asid` (0: untagged).
 * Keeps the TLB when the profile tags entries and asid != 0, else flushes
 * it. Returns the switch's cycles (as_switch_asid or as_switch). */
uint32_t tm_uarch_switch_as(struct tm_uarch *u, uint16_t asid);
/* Empties the TLB (invlpg, tlbi, sfence.vma). */
void tm_uarch_flush_tlb(struct tm_uarch *u);

/* Returns whether the branch ending at `fall` that went to `next` was
 * predicted, updating the predictor either way. */
static inline __attribute__((always_inline)) bool
tm_uarch_predicted(struct tm_uarch *u, enum emu_flow flow, uint64_t fall, uint64_t next)
{
    const struct tm_profile *p = u->p;
    /* any address inside the last instruction identifies the branch */
    uint64_t pc = fall - 1;
    uint64_t *btb = &u->btb[((pc >> 1) & (p->btb_entries - 1)) * 2];
    switch (flow) {
    case EMU_FLOW_COND: {
        /* Without host branches on the outcome: the guest's branches are
         * what the host would mispredict here. */
        static const uint8_t next_ctr[8] = {0, 1, 0, 2, 1, 3, 2, 3}; /* [ctr * 2 + taken] */
        unsigned taken = next != fall;
        uint32_t history = u->history; /* read once: the byte store below may alias it */
        uint8_t *ctr = &u->bp[((uint32_t)(pc >> 1) ^ (history & u->bp_hist_mask)) & u->bp_mask];
        u->history = (history << 1) | taken;
        unsigned v = *ctr;
        *ctr = next_ctr[v * 2 + taken];
        return (v >> 1) == taken;
    }
    case EMU_FLOW_CALL:
    case EMU_FLOW_CALL_INDIRECT:
        u->ras[u->ras_top] = fall;
        u->ras_top = (u->ras_top + 1) % p->ras_depth;
        u->ras_count += u->ras_count < p->ras_depth;
        if (flow == EMU_FLOW_CALL)
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
        if (u->ras_count == 0)
            return false;
        u->ras_top = (u->ras_top + p->ras_depth - 1) % p->ras_depth;
        u->ras_count--;
        return u->ras[u->ras_top] == next;
    }
    default:
        return true; /* direct jumps: the target is in the instruction */
    }
}

/* The branch that ended at `fall` (the address after its last byte), of
 * kind `flow` (COND, JUMP, INDIRECT, CALL, CALL_INDIRECT or RET), went to
 * `next`. Counts it, checks it against the predictor and updates the
 * predictor. Returns the mispredict penalty, or 0 when it was predicted
 * (direct jumps and calls always are). Inline, with the predictor: the
 * block hook calls it for nearly every block. */
static inline __attribute__((always_inline)) uint32_t
tm_uarch_branch(struct tm_uarch *u, enum emu_flow flow, uint64_t fall, uint64_t next)
{
    u->st.branches++;
    unsigned missed = !tm_uarch_predicted(u, flow, fall, next);
    u->st.mispredicts += missed;
    return u->p->mispredict & -(uint32_t)missed;
}

#endif
