/* tests/emu/test_uarch.c: the caches, TLB and branch predictor
 * (emu/uarch.c) of a small hand-made profile, access by access, against
 * the cycles and counters worked out in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emu/uarch.h"
#include "small_profile.h"

/* The small profile: tests/emu/small_profile.h. */

struct fixture {
    struct tm_profile p;
    struct tm_uarch u;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    small_profile(&f->p);
    if (tm_uarch_init(&f->u, &f->p) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    tm_uarch_free(&f->u);
    free(f);
    return 0;
}

#define LOAD(u, addr) tm_uarch_data(u, addr, 8, false)

/* L1D lines 0, 2, 4, 8 (addresses 0x000, 0x080, 0x100, 0x200) all map to
 * set 0 of the L1D, two ways. */
static void data_cache_lru(void **state)
{
    struct tm_uarch *u = &((struct fixture *)*state)->u;
    assert_int_equal(LOAD(u, 0x000), 96); /* cold: L1 and L2 miss */
    assert_int_equal(LOAD(u, 0x000), 0);  /* hit */
    assert_int_equal(LOAD(u, 0x080), 96); /* set 0 now {0, 2} */
    assert_int_equal(LOAD(u, 0x008), 0);  /* line 0 again: 2 is now the LRU */
    /* line 4: L1 miss, evicts line 2 (least recently used, though line 0
     * came in first); the L2 has not seen line 4 either: 96 */
    assert_int_equal(LOAD(u, 0x100), 96);
    assert_int_equal(LOAD(u, 0x000), 0);  /* line 0 stayed */
    assert_int_equal(LOAD(u, 0x080), 8);  /* line 2 went: L1 miss, L2 hit */
    assert_int_equal(LOAD(u, 0x040), 96); /* line 1, set 1: cold */
    /* 8 loads; L1 misses at 0x000, 0x080, 0x100, 0x080, 0x040; the L2
     * missed all but the second 0x080 */
    assert_int_equal(u->st.l1d_access, 8);
    assert_int_equal(u->st.l1d_miss, 5);
    assert_int_equal(u->st.l2_access, 5);
    assert_int_equal(u->st.l2_miss, 4);
}

/* A store miss allocates the line but costs nothing; an access across a
 * line boundary touches both lines. */
static void data_cache_stores_and_spans(void **state)
{
    struct tm_uarch *u = &((struct fixture *)*state)->u;
    assert_int_equal(tm_uarch_data(u, 0x200, 8, true), 0); /* store: miss, hidden */
    assert_int_equal(u->st.l1d_miss, 1);
    assert_int_equal(LOAD(u, 0x200), 0); /* the store brought the line in */
    /* 8 bytes at 0x23c: lines 8 (hit) and 9 (miss): 96 */
    assert_int_equal(tm_uarch_data(u, 0x23c, 8, false), 96);
    assert_int_equal(u->st.l1d_access, 4);
    assert_int_equal(u->st.l1d_miss, 2);
    /* size 0 counts as one byte: one line */
    assert_int_equal(tm_uarch_data(u, 0x27f, 0, false), 0);
    assert_int_equal(u->st.l1d_access, 5);
}

/* Instruction fetch goes through the L1I and the shared L2. */
static void instruction_fetch(void **state)
{
    struct tm_uarch *u = &((struct fixture *)*state)->u;
    assert_int_equal(tm_uarch_fetch(u, 0x1000, 16), 96); /* line 0x40: cold */
    assert_int_equal(tm_uarch_fetch(u, 0x1010, 16), 0);  /* same line */
    /* 0x1038..0x1047: lines 0x40 (hit) and 0x41 (miss) */
    assert_int_equal(tm_uarch_fetch(u, 0x1038, 16), 96);
    assert_int_equal(u->st.l1i_access, 4);
    assert_int_equal(u->st.l1i_miss, 2);
    /* the data side finds line 0x40 in the L2 the fetch filled: 8 */
    assert_int_equal(LOAD(u, 0x1000), 8);
}

/* The TLB: a miss walks, a hit is free; an address-space switch flushes
 * it, or tags it when the new space has an ASID. */
static void tlb_miss_then_hit(void **state)
{
    struct tm_uarch *u = &((struct fixture *)*state)->u;
    assert_int_equal(tm_uarch_tlb(u, 0x5000), 30); /* miss: walk */
    assert_int_equal(tm_uarch_tlb(u, 0x5ff8), 0);  /* same page: hit */
    assert_int_equal(u->st.tlb_access, 2);
    assert_int_equal(u->st.tlb_miss, 1);
    /* pages 0x5, 0x7, 0x9 share set 1 (two ways): 0x9 evicts 0x5 */
    assert_int_equal(tm_uarch_tlb(u, 0x7000), 30);
    assert_int_equal(tm_uarch_tlb(u, 0x9000), 30);
    assert_int_equal(tm_uarch_tlb(u, 0x5000), 30);
    /* tagged switch to ASID 3: 5 cycles, the entries stay but belong to
     * ASID 0, so 0x5000 misses in ASID 3 */
    assert_int_equal(tm_uarch_switch_as(u, 3), 5);
    assert_int_equal(tm_uarch_tlb(u, 0x5000), 30);
    assert_int_equal(tm_uarch_tlb(u, 0x5000), 0);
    /* ASID 0 (untagged): 50 cycles and a flush */
    assert_int_equal(tm_uarch_switch_as(u, 0), 50);
    assert_int_equal(tm_uarch_tlb(u, 0x9000), 30);
    tm_uarch_flush_tlb(u);
    assert_int_equal(tm_uarch_tlb(u, 0x9000), 30);
    assert_int_equal(u->st.as_switches, 2);
    /* misses: 0x5000, 0x7000, 0x9000, 0x5000, 0x5000 in ASID 3, 0x9000
     * after each flush */
    assert_int_equal(u->st.tlb_miss, 7);
}

/* A conditional branch ending at 0x2010 that jumps back to 0x2000 (no
 * history: its counter is 16 entries by (0x200f >> 1) & 15 = 7; counters
 * start at 1, weakly not taken). */
static void predictor_learns_taken_branch(void **state)
{
    struct tm_uarch *u = &((struct fixture *)*state)->u;
    /* 1: predicted not taken, taken: mispredict, counter 2 */
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_COND, 0x2010, 0x2000), 15);
    /* 2, 3: predicted taken: free; counter 3, then stays 3 */
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_COND, 0x2010, 0x2000), 0);
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_COND, 0x2010, 0x2000), 0);
    /* falls through once: mispredict, counter 2, still predicts taken */
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_COND, 0x2010, 0x2010), 15);
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_COND, 0x2010, 0x2000), 0);
    assert_int_equal(u->st.branches, 5);
    assert_int_equal(u->st.mispredicts, 2);
}

/* Calls, returns and indirect jumps. */
static void predictor_calls_returns_indirect(void **state)
{
    struct tm_uarch *u = &((struct fixture *)*state)->u;
    /* return with an empty stack: mispredict */
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_RET, 0x3004, 0x4000), 15);
    /* direct call (always predicted) pushes 0x3008; its return goes there */
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_CALL, 0x3008, 0x5000), 0);
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_RET, 0x5010, 0x3008), 0);
    /* a return elsewhere than the pushed address: mispredict */
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_CALL, 0x3008, 0x5000), 0);
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_RET, 0x5010, 0x3100), 15);
    /* indirect jump: the BTB is empty, then it knows the target, then the
     * target changes */
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_INDIRECT, 0x6004, 0x7000), 15);
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_INDIRECT, 0x6004, 0x7000), 0);
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_INDIRECT, 0x6004, 0x7100), 15);
    /* a direct jump always is */
    assert_int_equal(tm_uarch_branch(u, EMU_FLOW_JUMP, 0x6008, 0x9000), 0);
    assert_int_equal(u->st.branches, 9);
    assert_int_equal(u->st.mispredicts, 4);
}

/* The L1I epoch moves exactly when the L1I changes: a fetch of a line that
 * is not the last its set used. (The block hook skips a block's fetch
 * while the epoch stays what it was after that block's last fetch.) */
static void l1i_epoch_moves_on_changes_only(void **state)
{
    struct tm_uarch *u = &((struct fixture *)*state)->u;
    uint64_t e = u->l1i_epoch;
    assert_int_equal(tm_uarch_fetch_lines(u, 0x1030, 0x20), 96 + 96); /* lines 0x40, 0x41 */
    assert_true(u->l1i_epoch > e);
    e = u->l1i_epoch;
    /* both lines are now the last of their sets: hits that change nothing */
    assert_int_equal(tm_uarch_fetch_lines(u, 0x1030, 0x20), 0);
    assert_int_equal(tm_uarch_fetch(u, 0x1000, 4), 0);
    assert_true(u->l1i_epoch == e);
    assert_int_equal(u->st.l1i_access, 5);
    /* line 0x42 (set 0) replaces line 0x40 as set 0's last: a change */
    assert_int_equal(tm_uarch_fetch(u, 0x1080, 4), 96);
    assert_true(u->l1i_epoch > e);
    e = u->l1i_epoch;
    /* line 0x40 hits (two ways) but is not set 0's last: still a change */
    assert_int_equal(tm_uarch_fetch(u, 0x1000, 4), 0);
    assert_true(u->l1i_epoch > e);
    assert_int_equal(u->st.l1i_miss, 3);
}

/* tm_uarch_data_hit answers only for an access that tm_uarch_tlb and
 * tm_uarch_data would find a hit changing nothing, and counts it as they
 * would. */
static void data_hit_is_the_unchanging_hit(void **state)
{
    struct tm_uarch *u = &((struct fixture *)*state)->u;
    assert_false(tm_uarch_data_hit(u, 0x2000, 8)); /* cold */
    assert_int_equal(u->st.tlb_access + u->st.l1d_access, 0);
    assert_int_equal(tm_uarch_tlb(u, 0x2000), 30);
    assert_int_equal(LOAD(u, 0x2000), 96);
    assert_true(tm_uarch_data_hit(u, 0x2008, 8));
    assert_int_equal(u->st.tlb_access, 2);
    assert_int_equal(u->st.l1d_access, 2);
    assert_false(tm_uarch_data_hit(u, 0x203c, 8)); /* spans two lines */
    assert_false(tm_uarch_data_hit(u, 0x2040, 8)); /* another line */
    assert_false(tm_uarch_data_hit(u, 0x3000, 8)); /* another page */
    assert_int_equal(u->st.tlb_access, 2);
    /* another address space: the same page is another TLB key */
    assert_int_equal(tm_uarch_switch_as(u, 7), 5);
    assert_false(tm_uarch_data_hit(u, 0x2000, 8));
    assert_int_equal(u->st.l1d_access, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(data_cache_lru, setup, teardown),
        cmocka_unit_test_setup_teardown(data_cache_stores_and_spans, setup, teardown),
        cmocka_unit_test_setup_teardown(instruction_fetch, setup, teardown),
        cmocka_unit_test_setup_teardown(tlb_miss_then_hit, setup, teardown),
        cmocka_unit_test_setup_teardown(predictor_learns_taken_branch, setup, teardown),
        cmocka_unit_test_setup_teardown(predictor_calls_returns_indirect, setup, teardown),
        cmocka_unit_test_setup_teardown(l1i_epoch_moves_on_changes_only, setup, teardown),
        cmocka_unit_test_setup_teardown(data_hit_is_the_unchanging_hit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
