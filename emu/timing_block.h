/* emu/timing_block.h: the timing model's per-block work, inline in the
 * core's block hook (emu/core.c), and the dynamic state of a core it works
 * on. Inside emu/ only: the public interface is timing.h.
 *
 * The block hook runs for every guest block, so what it does here is what
 * the model costs (docs/timing-model.md, "Performance"): the common case
 * touches the block's first host cache line and the state's hot fields,
 * and calls nothing; the rare cases (an address-space switch, a block
 * never measured, an L1I set that changed) are out of line in
 * emu/timing.c. The results are those of the plain sequence: switch the
 * root if the last block wrote it, check the last block's branch against
 * the predictor, charge or measure the data side, fetch the block's lines,
 * flush the TLB if it flushes it. */
#ifndef IPCEMU_EMU_TIMING_BLOCK_H
#define IPCEMU_EMU_TIMING_BLOCK_H

#include "emu/cpu.h"
#include "emu/timing.h"
#include "emu/uarch.h"

enum tm_mode { TM_OFF, TM_WARMING, TM_MEASURING };

/* tm_state.prev: the flags of the block that ran last (its flow in
 * EMU_BLOCK_FLOW_MASK, whether it wrote the root) and whether a trap came
 * since, in one byte (one store per block). */
#define TM_PREV_ROOT EMU_BLOCK_ROOT_WRITE /* it wrote the root: switch at the next block */
#define TM_PREV_BROKEN 0x80u              /* a trap came: no prediction applies */
_Static_assert(!((EMU_BLOCK_FLOW_MASK | EMU_BLOCK_ROOT_WRITE | EMU_BLOCK_TLB_FLUSH |
                  EMU_BLOCK_SPIN) &
                 TM_PREV_BROKEN),
               "TM_PREV_BROKEN is not a block flag");

/* The dynamic state of one core, owned by the core (emu_core.timing). */
struct tm_state {
    /* Read or written for every block. */
    uint8_t prev;               /* TM_PREV_* | the last block's flow (0: none) */
    uint8_t mode;               /* enum tm_mode */
    uint64_t prev_fall;         /* the address after the last block (0: none) */
    struct emu_block *cur;      /* the block running now (valid until the next block) */
    uint64_t est_cache_frac;    /* estimates owed, 1/EMU_FRAC cycles */
    const struct tm_profile *p; /* not owned; outlives the state */
    uint64_t est_tlb_frac;      /* ... (apart from est_cache_frac: paired, GCC makes them one
                                   vector, whose loads cannot take the stores before) */
    struct tm_uarch u;          /* caches, TLB, predictor and their counters */
    /* The rest. */
    uint64_t mmio_base, mmio_size;
    uint64_t *code_pages; /* bitmap: pages holding decoded code (aliased mod 1 GiB) */
    bool exact;           /* no sampling */
    bool hooked;
    bool drop_pending; /* the hooks went: drop the code translated with them */
    uc_hook hook;
    uint64_t meas_loads;                   /* loads run in measured windows */
    uint64_t meas_cache, meas_tlb;         /* and what they cost, in cycles */
    uint64_t per_load_cache, per_load_tlb; /* their average, 1/EMU_FRAC cycles */
    uint64_t period_start;                 /* the cycle the current period began */
    uint64_t unmeasured_loads;             /* loads of unmeasured blocks since the window */
};

/* Out of line, in emu/timing.c. Each does one rare case of tm_on_block:
 * switches the TLB to the address space the root now selects (charging
 * the switch); charges a block never measured what an average load cost
 * (enough such loads start a new sampling period early); charges the
 * whole cycles of the estimates owed; counts a measured run of b; fetches
 * b's lines through the L1I (and records them in b when they are then the
 * last used of their sets). */
void tm_switch_root(struct emu_core *c, struct tm_state *s);
void tm_charge_unmeasured(struct emu_core *c, struct tm_state *s, const struct emu_block *b);
void tm_charge_owed(struct emu_core *c, struct tm_state *s);
void tm_measure_block(struct tm_state *s, struct emu_block *b);
void tm_fetch_block(struct emu_core *c, struct tm_state *s, struct emu_block *b);

/* Charges what the last block's control flow costs now that the next one
 * starts at `next`: the return from a trap, or a mispredicted branch. */
static inline __attribute__((always_inline)) uint32_t
tm_flow_cost(struct emu_core *c, struct tm_state *s, uint64_t next)
{
    /* The common kinds are spelled out so that the predictor's own switch
     * folds away. */
    enum emu_flow flow = (enum emu_flow)(s->prev & EMU_BLOCK_FLOW_MASK);
    switch (flow) {
    case EMU_FLOW_NONE:
    case EMU_FLOW_TRAP:
        return 0;
    case EMU_FLOW_XRET:
        emu_core_charge(c, EMU_CHARGE_TRAP, s->p->trap_return);
        return 0;
    case EMU_FLOW_COND:
        return tm_uarch_branch(&s->u, EMU_FLOW_COND, s->prev_fall, next);
    case EMU_FLOW_JUMP:
        s->u.st.branches++; /* a direct jump is always predicted */
        return 0;
    case EMU_FLOW_CALL:
        return tm_uarch_branch(&s->u, EMU_FLOW_CALL, s->prev_fall, next);
    case EMU_FLOW_CALL_INDIRECT:
        return tm_uarch_branch(&s->u, EMU_FLOW_CALL_INDIRECT, s->prev_fall, next);
    case EMU_FLOW_INDIRECT:
        return tm_uarch_branch(&s->u, EMU_FLOW_INDIRECT, s->prev_fall, next);
    case EMU_FLOW_RET:
        return tm_uarch_branch(&s->u, EMU_FLOW_RET, s->prev_fall, next);
    default: /* no other kind ends a block */
        return tm_uarch_branch(&s->u, flow, s->prev_fall, next);
    }
}

/* Returns whether fetching block b now changes nothing in the L1I: every
 * line it spans is the last used of its set (a hit that moves nothing).
 * True at once while no L1I set changed since b's last fetch (the epoch);
 * otherwise each of its lines (at most 4, known after a first fetch) is
 * checked against its set's last line, as tm_uarch_fetch_lines would. */
static inline bool tm_l1i_quiet(const struct tm_state *s, const struct emu_block *b)
{
    if (b->l1i_epoch == s->u.l1i_epoch)
        return true;
    uint32_t n = b->l1i_lines;
    if (n == 0 || n > 4)
        return false;
    uint64_t line = b->addr >> s->u.l1i.shift;
    for (uint32_t i = 0; i < n; i++)
        if (!tm_uarch_l1i_is_last(&s->u, line + i))
            return false;
    return true;
}

/* Returns whether block b, starting now, is plain: it needs none of the
 * out-of-line cases of tm_on_block (the last block wrote the root; an
 * estimate for a block never measured; a measured run of a block whose
 * loads missed, whose estimates follow; an L1I line of it not the last
 * used of its set; it flushes the TLB). */
static inline bool tm_block_is_plain(const struct tm_state *s, const struct emu_block *b)
{
    return !(s->prev & TM_PREV_ROOT) && tm_l1i_quiet(s, b) && !(b->flags & EMU_BLOCK_TLB_FLUSH) &&
           (s->mode == TM_OFF       ? b->dexecs != 0
            : s->mode == TM_WARMING ? true
                                    : !(b->dcache | b->dtlb));
}

/* Called by the core's block hook for block `b`, which starts now: charges
 * `base` (its static cost, whole cycles) and what the model adds. `plain`
 * (a constant at each call) is tm_block_is_plain(s, b): the block hook's
 * common path then calls nothing, and needs no registers saved. The
 * static cost, a mispredict penalty and the data side's estimates reach
 * the clock and the attribution in one addition (each is a chain from
 * block to block through memory; stores are what the hook is bound by),
 * the penalty even when it is 0 (no host branch on the guest's outcome). */
static inline __attribute__((always_inline)) void
tm_on_block(struct emu_core *c, struct emu_block *b, uint64_t base, bool plain)
{
    struct tm_state *s = c->timing;
    uint8_t prev = s->prev;
    if (!plain && (prev & TM_PREV_ROOT))
        tm_switch_root(c, s);
    uint32_t penalty = 0;
    if (__builtin_expect(!(prev & TM_PREV_BROKEN), 1))
        penalty = tm_flow_cost(c, s, b->addr);
    /* base, penalty and the estimates owed reach the clock and the
     * attribution in one addition each */
    uint64_t add = base + penalty;
    c->charged[EMU_CHARGE_BASE] += base;
    c->charged[EMU_CHARGE_BRANCH] += penalty;
    s->cur = b;
    if (s->mode == TM_OFF) {
        /* hooks off: what this block's loads cost when it was measured
         * (adding nothing when that was nothing) */
        if (plain || b->dexecs != 0) {
            if (b->est_cache | b->est_tlb) {
                uint64_t ec = s->est_cache_frac + b->est_cache;
                uint64_t et = s->est_tlb_frac + b->est_tlb;
                if ((ec | et) >= EMU_FRAC) {
                    c->charged[EMU_CHARGE_CACHE] += ec >> EMU_FRAC_BITS;
                    c->charged[EMU_CHARGE_TLB] += et >> EMU_FRAC_BITS;
                    add += (ec >> EMU_FRAC_BITS) + (et >> EMU_FRAC_BITS);
                    ec &= EMU_FRAC - 1;
                    et &= EMU_FRAC - 1;
                }
                s->est_cache_frac = ec;
                s->est_tlb_frac = et;
            }
        } else {
            /* reads the clock: bring it up to date first */
            c->cycles += add;
            c->attr[c->attr_slot] += add;
            add = 0;
            tm_charge_unmeasured(c, s, b);
            if ((s->est_cache_frac | s->est_tlb_frac) >= EMU_FRAC)
                tm_charge_owed(c, s);
        }
    } else if (s->mode == TM_MEASURING) {
        if (plain) {
            /* its loads never missed: its estimates stay 0 */
            b->dexecs++;
            s->meas_loads += b->loads;
        } else {
            tm_measure_block(s, b);
        }
    }
    c->cycles += add;
    c->attr[c->attr_slot] += add;
    /* b's lines are the last used of their sets: each is a hit that
     * changes nothing. */
    if (plain || tm_l1i_quiet(s, b))
        s->u.st.l1i_access += b->l1i_lines;
    else
        tm_fetch_block(c, s, b);
    uint8_t flags = b->flags;
    if (!plain && (flags & EMU_BLOCK_TLB_FLUSH))
        tm_uarch_flush_tlb(&s->u);
    s->prev = flags & (EMU_BLOCK_FLOW_MASK | TM_PREV_ROOT);
    s->prev_fall = b->addr + b->size;
}

#endif
