/* tests/emu/test_coherence.c: the coherence of several cores' private
 * caches (emu/coherence.c) on hand-built access sequences, with the cycles
 * worked out in the comments. The profile is small_profile.h's:
 * L1D 256 bytes, 2 ways, 64-byte lines, latency 4; L2 1 KiB, 4 ways,
 * latency 12; memory 100; plus core_transfer 40. So a load that misses
 * L1D costs 12 - 4 = 8 (L2 hit), 100 - 4 = 96 (memory) or 40 - 4 = 36 (taken
 * from another core's modified copy); a store's miss costs nothing unless
 * it takes the line from another core (36). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emu/uarch.h"
#include "small_profile.h"

#define A 0x10000ULL /* L1D set 0 */
#define B 0x10040ULL /* L1D set 1 */

/* The small profile (small_profile.h), with the L2 per core or shared. */
static void coh_profile(struct tm_profile *p, bool l2_shared)
{
    small_profile(p);
    p->l2_shared = l2_shared;
}

/* Two (or more) cores joined by one coherence, or one core alone. */
struct fixture {
    struct tm_profile p;
    struct tm_coh *h;
    struct tm_uarch u[3];
    unsigned n;
};

/* Sets up `n` cores of the small profile; with n >= 2 joined. Returns f. */
static struct fixture *make(unsigned n, bool l2_shared)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    coh_profile(&f->p, l2_shared);
    f->n = n;
    for (unsigned k = 0; k < n; k++)
        assert_int_equal(tm_uarch_init(&f->u[k], &f->p), 0);
    if (n >= 2) {
        f->h = tm_coh_new(&f->p, n);
        assert_non_null(f->h);
        for (unsigned k = 0; k < n; k++)
            assert_int_equal(tm_coh_attach_uarch(f->h, &f->u[k], k), 0);
    }
    return f;
}

static void destroy(struct fixture *f)
{
    for (unsigned k = 0; k < f->n; k++)
        tm_uarch_free(&f->u[k]);
    tm_coh_free(f->h);
    free(f);
}

/* A load of 8 bytes at addr by core k: its miss cycles. */
static uint64_t ld(struct fixture *f, unsigned k, uint64_t addr)
{
    return tm_uarch_data(&f->u[k], addr, 8, false);
}

/* A store of 8 bytes at addr by core k, as the memory hook does it (the
 * inline hit first, then the full access): its miss cycles. */
static uint64_t st(struct fixture *f, unsigned k, uint64_t addr)
{
    struct tm_uarch *u = &f->u[k];
    (void)tm_uarch_tlb(u, addr); /* so that the inline hit can apply */
    if (tm_uarch_data_hit(u, addr, 8)) {
        if (tm_uarch_store_shared(u, addr >> u->l1d.shift))
            tm_coh_upgrade(u, addr >> u->l1d.shift);
        return 0;
    }
    return tm_uarch_data(u, addr, 8, true);
}

static void a_store_invalidates_the_other_copy_and_its_next_load_pays_the_transfer(void **state)
{
    (void)state;
    struct fixture *f = make(2, false);
    assert_int_equal(ld(f, 0, A), 96); /* memory */
    assert_int_equal(ld(f, 1, A), 96); /* the L2 is per core and no L3: memory */
    assert_int_equal(ld(f, 0, A), 0);
    assert_int_equal(st(f, 1, A), 0); /* an upgrade: hidden by the store buffer */
    assert_int_equal(f->u[1].st.invalidations, 1);
    assert_false(tm_cache_holds(&f->u[0].l1d, A >> 6));
    assert_false(tm_cache_holds(&f->u[0].l2, A >> 6)); /* a private L2's copy goes too */
    assert_int_equal(ld(f, 0, A), 36);                 /* taken from core 1's L1D */
    assert_int_equal(f->u[0].st.transfers, 1);
    /* both now hold it clean: hits, nothing more */
    assert_int_equal(ld(f, 1, A), 0);
    assert_int_equal(ld(f, 0, A), 0);
    assert_int_equal(f->u[0].st.transfers + f->u[1].st.transfers, 1);
    destroy(f);
}

static void a_read_shared_line_costs_nothing_extra(void **state)
{
    (void)state;
    struct fixture *f = make(3, false);
    struct fixture *one = make(1, false);
    /* three cores load the same two lines over and over: each pays what
     * one core alone pays for the same loads (a first miss each, then
     * hits) */
    for (int r = 0; r < 4; r++)
        for (unsigned k = 0; k < 3; k++) {
            uint64_t a = ld(f, k, A), b = ld(f, k, B);
            if (k == 0) {
                assert_int_equal(a, ld(one, 0, A));
                assert_int_equal(b, ld(one, 0, B));
            }
            assert_int_equal(a, r == 0 ? 96 : 0);
            assert_int_equal(b, r == 0 ? 96 : 0);
        }
    for (unsigned k = 0; k < 3; k++) {
        assert_int_equal(f->u[k].st.transfers, 0);
        assert_int_equal(f->u[k].st.invalidations, 0);
    }
    destroy(one);
    destroy(f);
}

static void stores_ping_ponging_one_line_pay_a_transfer_each(void **state)
{
    (void)state;
    struct fixture *f = make(2, false);
    assert_int_equal(st(f, 0, A), 0);  /* a store miss to memory: hidden */
    assert_int_equal(st(f, 0, A), 0);  /* it holds the line alone: no directory work */
    assert_int_equal(st(f, 1, A), 36); /* read for ownership from core 0 */
    assert_int_equal(f->u[1].st.invalidations, 1);
    for (int r = 0; r < 5; r++) {
        assert_int_equal(st(f, 0, A), 36);
        assert_int_equal(st(f, 1, A), 36);
    }
    assert_int_equal(f->u[0].st.transfers, 5);
    assert_int_equal(f->u[1].st.transfers, 6);
    /* a spinning core's loads hit until the other core stores */
    assert_int_equal(ld(f, 0, A), 36);
    assert_int_equal(ld(f, 0, A), 0);
    assert_int_equal(ld(f, 0, A), 0);
    assert_int_equal(st(f, 1, A), 0); /* core 1 kept a clean copy: an upgrade */
    assert_int_equal(ld(f, 0, A), 36);
    destroy(f);
}

static void a_shared_l2_serves_other_cores_lines_and_transfers_modified_ones(void **state)
{
    (void)state;
    struct fixture *f = make(2, true);
    assert_ptr_equal(f->u[0].l2p, f->u[1].l2p);
    assert_int_equal(ld(f, 0, B), 96);
    assert_int_equal(ld(f, 1, B), 8); /* core 0 brought it into the shared L2 */
    assert_int_equal(st(f, 0, A), 0);
    assert_int_equal(ld(f, 1, A), 36); /* modified in core 0's L1D */
    /* core 0 drops A from its L1D (two more lines of set 0): the modified
     * data went to the shared L2, and a load there is an L2 hit */
    assert_int_equal(st(f, 0, A), 0);
    assert_int_equal(ld(f, 0, A + 0x80), 96);
    assert_int_equal(ld(f, 0, A + 0x100), 96);
    assert_false(tm_cache_holds(&f->u[0].l1d, A >> 6));
    assert_int_equal(ld(f, 1, A), 8);
    assert_int_equal(f->u[1].st.transfers, 1);
    destroy(f);
}

static void a_line_the_owner_dropped_is_not_transferred(void **state)
{
    (void)state;
    struct fixture *f = make(2, false);
    assert_int_equal(st(f, 0, A), 0);
    /* push A out of core 0's L1D (set 0, 2 ways) and L2 (set 0, 4 ways) */
    for (uint64_t k = 1; k <= 4; k++)
        (void)ld(f, 0, A + k * 0x100);
    assert_false(tm_cache_holds(&f->u[0].l1d, A >> 6));
    assert_false(tm_cache_holds(&f->u[0].l2, A >> 6));
    assert_int_equal(ld(f, 1, A), 96); /* written back: from memory */
    assert_int_equal(f->u[1].st.transfers, 0);
    destroy(f);
}

static void a_line_the_directory_drops_leaves_every_private_cache(void **state)
{
    (void)state;
    /* the directory of two small cores has its least, 1024 entries: 128
     * sets of 8; lines 128 apart (8 KiB) share a set */
    struct fixture *f = make(2, false);
    assert_int_equal(ld(f, 0, A), 96);
    for (uint64_t k = 1; k <= 8; k++)
        (void)ld(f, 1, A + k * 0x2000);
    /* the ninth line took A's entry: core 0's copy went with it */
    assert_false(tm_cache_holds(&f->u[0].l1d, A >> 6));
    assert_int_equal(ld(f, 0, A), 96);
    destroy(f);
}

static void with_one_core_it_is_all_off(void **state)
{
    (void)state;
    struct fixture *f = make(1, true);
    struct tm_uarch *u = &f->u[0];
    assert_null(u->coh);
    assert_ptr_equal(u->l2p, &u->l2); /* its own L2, l2_shared or not */
    assert_false(tm_uarch_store_shared(u, A >> 6));
    assert_int_equal(st(f, 0, A), 0);
    assert_int_equal(ld(f, 0, A), 0);
    assert_int_equal(ld(f, 0, B), 96);
    assert_int_equal(u->st.transfers + u->st.invalidations, 0);
    destroy(f);
}

static void bad_core_counts_and_ids_are_refused(void **state)
{
    (void)state;
    struct tm_profile p;
    coh_profile(&p, false);
    assert_null(tm_coh_new(&p, 1));
    assert_null(tm_coh_new(&p, TM_MAX_CORES + 1));
    struct tm_coh *h = tm_coh_new(&p, 2);
    assert_non_null(h);
    struct tm_uarch u;
    assert_int_equal(tm_uarch_init(&u, &p), 0);
    assert_int_equal(tm_coh_attach_uarch(h, &u, 2), -1);
    tm_uarch_free(&u);
    tm_coh_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_store_invalidates_the_other_copy_and_its_next_load_pays_the_transfer),
        cmocka_unit_test(a_read_shared_line_costs_nothing_extra),
        cmocka_unit_test(stores_ping_ponging_one_line_pay_a_transfer_each),
        cmocka_unit_test(a_shared_l2_serves_other_cores_lines_and_transfers_modified_ones),
        cmocka_unit_test(a_line_the_owner_dropped_is_not_transferred),
        cmocka_unit_test(a_line_the_directory_drops_leaves_every_private_cache),
        cmocka_unit_test(with_one_core_it_is_all_off),
        cmocka_unit_test(bad_core_counts_and_ids_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
