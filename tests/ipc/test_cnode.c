/* tests/ipc/test_cnode.c: multi-level capability spaces (ipc/cap.c):
 * CNode trees, guards, the walk, 2^16 slots and more, derivation, revoke,
 * delete and the cache across levels, the reserved reply address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include "cap_fixture.h"

/* A three-level space with a guard at every level, beside the fixture's
 * four one-level spaces (ids 1..4): root radix 2, guard 3 bits 0b101;
 * two interior CNodes (root slots 0 and 2) of radix 3, guard 1 bit 1;
 * leaves of radix 4, guard 2 bits 0b10, under interior slots 0 and 5.
 * 3 + 2 + 1 + 3 + 2 + 4 = 15 bits: 9 bits are left below the leaves. */
struct tree {
    struct ipc_cspace cs;
    struct ipc_cnode root, mid[2], leaf[4];
    struct ipc_slot rs[4], ms[2][8], ls[4][16];
};

/* Builds the tree as space 9 of `f`; returns it (free() it). */
static struct tree *tree_new(struct fx *f)
{
    struct tree *t = calloc(1, sizeof *t);
    assert_non_null(t);
    OK(ipc_cnode_init(&t->root, t->rs, 4, 2, 3, 0x5));
    OK(ipc_cspace_attach_root(&f->sys, &t->cs, 9, &t->root));
    for (unsigned m = 0; m < 2; m++) {
        OK(ipc_cnode_init(&t->mid[m], t->ms[m], 8, 3, 1, 1));
        OK(ipc_cnode_add(&f->sys, &t->cs, &t->root, m * 2, &t->mid[m]));
        for (unsigned l = 0; l < 2; l++) {
            struct ipc_cnode *leaf = &t->leaf[m * 2 + l];
            OK(ipc_cnode_init(leaf, t->ls[m * 2 + l], 16, 4, 2, 0x2));
            OK(ipc_cnode_add(&f->sys, &t->cs, &t->mid[m], l * 5, leaf));
        }
    }
    return t;
}

/* Returns the address of slot `i` of leaf `l` of the tree (by hand). */
static uint32_t tree_addr(unsigned l, unsigned i)
{
    unsigned m = l / 2, k = l % 2;
    uint32_t a = 0x5;   /* root guard, 3 bits */
    a = a << 2 | m * 2; /* root index */
    a = a << 1 | 1;     /* mid guard */
    a = a << 3 | k * 5; /* mid index */
    a = a << 2 | 0x2;   /* leaf guard */
    a = a << 4 | i;     /* leaf index */
    return a << 9;      /* the bits left below */
}

static void a_three_level_tree_resolves_level_by_level(void **state)
{
    struct fx *f = *state;
    struct tree *t = tree_new(f);
    assert_int_equal(t->cs.nslots, 4 * 16);
    assert_int_equal(t->cs.cnodes, 7);
    assert_true(t->root.interior && t->mid[0].interior && !t->leaf[0].interior);
    /* Capabilities fill the leaves in the order they were added. */
    for (unsigned l = 0; l < 4; l++)
        for (unsigned i = 0; i < 16; i++) {
            ipc_cap_t tok = mkroot(f, &t->cs, l * 16 + i, IPC_RIGHTS_ALL);
            assert_int_equal(ipc_tok_index(tok), tree_addr(l, i));
            unsigned levels = 0;
            struct ipc_slot *s = ipc_cspace_slot(&f->sys, &t->cs, ipc_tok_index(tok), &levels);
            assert_ptr_equal(s, &t->ls[l][i]);
            assert_int_equal(levels, 3);
            struct ipc_slot *s2;
            OK(ipc_cap_lookup(&f->sys, &t->cs, tok, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s2));
            assert_ptr_equal(s2, s);
        }
    ipc_cap_t tok;
    FAILS(ipc_cap_create(&f->sys, &t->cs, IPC_OBJ_PORT, 1, 0, 0, &tok), IPC_ERR_NO_SLOT);
    check_trees(&f->sys);
    ipc_cspace_detach(&f->sys, &t->cs);
    free(t);
}

static void every_guard_bit_and_stray_bit_is_checked(void **state)
{
    struct fx *f = *state;
    struct tree *t = tree_new(f);
    ipc_cap_t tok = mkroot(f, &t->cs, 1, IPC_RIGHTS_ALL);
    struct ipc_slot *s;
    OK(ipc_cap_lookup(&f->sys, &t->cs, tok, IPC_OBJ_NONE, 0, &s));
    /* Flipping any bit outside the leaf index (bits 9..12) breaks a guard,
     * picks an empty slot, or leaves stray bits below the leaf (0..8). */
    for (unsigned bit = 0; bit < 24; bit++) {
        if (bit >= 9 && bit < 13)
            continue; /* the leaf index: another (empty) slot */
        ipc_cap_t bad = tok ^ (1ull << bit);
        FAILS(ipc_cap_lookup(&f->sys, &t->cs, bad, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
        assert_null(ipc_cspace_slot(&f->sys, &t->cs, ipc_tok_index(bad), NULL));
    }
    /* A token that names an interior slot (a CNode capability) exactly, or
     * claims the CNode type, is refused. */
    FAILS(ipc_cap_lookup(&f->sys, &t->cs, ipc_tok_make(ipc_tok_index(tok), IPC_OBJ_CNODE, 1),
                         IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    /* Root slots 1 and 3 are empty: the walk stops there. */
    FAILS(ipc_cap_lookup(&f->sys, &t->cs, ipc_tok_make((0x5u << 21) | (1u << 19), 1, 1),
                         IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    ipc_cspace_detach(&f->sys, &t->cs);
    free(t);
}

static void cnode_add_refuses_what_does_not_fit(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace cs;
    struct ipc_cnode root, a, b, c;
    struct ipc_slot rs[4], as[4], bs[4], csl[4];
    FAILS(ipc_cnode_init(&root, rs, 5, 2, 0, 0), IPC_ERR_INVALID_ARG);  /* 5 > 2^2 */
    FAILS(ipc_cnode_init(&root, rs, 4, 2, 23, 0), IPC_ERR_INVALID_ARG); /* 25 bits */
    FAILS(ipc_cnode_init(&root, rs, 4, 2, 2, 4), IPC_ERR_INVALID_ARG);  /* guard too wide */
    FAILS(ipc_cnode_init(&root, rs, 4, 17, 0, 0), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cnode_init(&root, rs, 0, 2, 0, 0), IPC_ERR_INVALID_ARG);
    OK(ipc_cnode_init(&root, rs, 4, 2, 18, 0)); /* 4 bits left below */
    OK(ipc_cspace_attach_root(&f->sys, &cs, 10, &root));
    OK(ipc_cnode_init(&a, as, 4, 2, 3, 0)); /* 5 bits: too wide */
    FAILS(ipc_cnode_add(&f->sys, &cs, &root, 0, &a), IPC_ERR_INVALID_ARG);
    OK(ipc_cnode_init(&a, as, 4, 2, 2, 1));                                /* exactly 4 bits */
    FAILS(ipc_cnode_add(&f->sys, &cs, &root, 4, &a), IPC_ERR_INVALID_ARG); /* index */
    FAILS(ipc_cnode_add(&f->sys, &f->cs[0], &root, 0, &a), IPC_ERR_INVALID_ARG); /* space */
    OK(ipc_cnode_add(&f->sys, &cs, &root, 0, &a));
    FAILS(ipc_cnode_add(&f->sys, &cs, &root, 0, &a), IPC_ERR_INVALID_ARG); /* attached */
    OK(ipc_cnode_init(&b, bs, 4, 2, 2, 1));
    FAILS(ipc_cnode_add(&f->sys, &cs, &root, 0, &b), IPC_ERR_INVALID_ARG); /* slot in use */
    FAILS(ipc_cnode_add(&f->sys, &cs, &a, 0, &b), IPC_ERR_INVALID_ARG);    /* no bits left */
    /* A leaf that holds a capability takes no CNode. */
    ipc_cap_t tok = mkroot(f, &cs, 1, IPC_RIGHTS_ALL);
    assert_int_equal(ipc_tok_index(tok), (0u << 4) | (1u << 2) | 0u);
    OK(ipc_cnode_init(&c, csl, 1, 0, 0, 0));
    FAILS(ipc_cnode_add(&f->sys, &cs, &a, 1, &c), IPC_ERR_INVALID_ARG);
    OK(ipc_cnode_add(&f->sys, &cs, &root, 1, &b));
    check_trees(&f->sys);
    ipc_cspace_detach(&f->sys, &cs);
    /* Detaching frees the CNode ids: the same CNodes attach again. */
    OK(ipc_cnode_init(&root, rs, 4, 2, 18, 0));
    OK(ipc_cspace_attach_root(&f->sys, &cs, 10, &root));
    ipc_cspace_detach(&f->sys, &cs);
}

static void the_reply_address_never_resolves(void **state)
{
    struct fx *f = *state;
    /* A one-level space whose last slot would be the all-ones address. */
    struct ipc_cspace cs;
    struct ipc_cnode root;
    struct ipc_slot *slots = calloc(1u << 16, sizeof *slots);
    assert_non_null(slots);
    OK(ipc_cnode_init(&root, slots, 1u << 16, 16, 8, 0xff));
    OK(ipc_cspace_attach_root(&f->sys, &cs, 11, &root));
    assert_int_equal(cs.nslots, (1u << 16) - 1); /* the reserved slot is gone */
    for (uint32_t i = 0; i < (1u << 16) - 1; i++) {
        ipc_cap_t tok = mkroot(f, &cs, i, IPC_RIGHT_SEND);
        assert_int_not_equal(ipc_tok_index(tok), IPC_TOK_INDEX_REPLY);
    }
    ipc_cap_t tok;
    FAILS(ipc_cap_create(&f->sys, &cs, IPC_OBJ_PORT, 1, 0, 0, &tok), IPC_ERR_NO_SLOT);
    struct ipc_slot *s;
    bool hit = true;
    for (uint32_t gen = 0; gen < 3; gen++)
        for (unsigned type = 0; type < 256; type++) {
            ipc_cap_t r = ipc_tok_make(IPC_TOK_INDEX_REPLY, type, gen);
            assert_false(ipc_tok_well_formed(r));
            FAILS(ipc_cap_lookup(&f->sys, &cs, r, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
            FAILS(ipc_cap_lookup_cached(&f->sys, 0, &cs, r, IPC_OBJ_NONE, 0, &s, &hit),
                  IPC_ERR_INVALID_CAP);
            assert_false(hit);
        }
    assert_null(ipc_cspace_slot(&f->sys, &cs, IPC_TOK_INDEX_REPLY, NULL));
    ipc_cspace_detach(&f->sys, &cs);
    /* A CNode whose only slot is that address cannot be attached. */
    struct ipc_slot one;
    OK(ipc_cnode_init(&root, &one, 1, 0, 24, IPC_TOK_INDEX_MASK));
    FAILS(ipc_cspace_attach_root(&f->sys, &cs, 11, &root), IPC_ERR_INVALID_ARG);
    free(slots);
}

/* A space of 256 leaves of 256 slots under a 256-slot root: 2^16 slots. */
struct big {
    struct ipc_cspace cs;
    struct ipc_cnode root, leaf[256];
    struct ipc_slot rs[256];
    struct ipc_slot ls[256][256];
};

static void a_space_holds_two_to_the_sixteen_capabilities(void **state)
{
    struct fx *f = *state;
    struct big *b = calloc(1, sizeof *b);
    assert_non_null(b);
    OK(ipc_cnode_init(&b->root, b->rs, 256, 8, 8, 0));
    OK(ipc_cspace_attach_root(&f->sys, &b->cs, 12, &b->root));
    for (unsigned l = 0; l < 256; l++) {
        OK(ipc_cnode_init(&b->leaf[l], b->ls[l], 256, 8, 0, 0));
        OK(ipc_cnode_add(&f->sys, &b->cs, &b->root, l, &b->leaf[l]));
    }
    assert_int_equal(b->cs.nslots, 1u << 16);
    ipc_cap_t root = mkroot(f, &b->cs, 42, IPC_RIGHTS_ALL), tok;
    for (uint32_t i = 1; i < (1u << 16); i++) {
        OK(ipc_cap_derive(&f->sys, &b->cs, root, IPC_RIGHT_SEND, &tok));
        assert_int_equal(ipc_tok_index(tok), i);
    }
    FAILS(ipc_cap_derive(&f->sys, &b->cs, root, IPC_RIGHT_SEND, &tok), IPC_ERR_NO_SLOT);
    assert_int_equal(ipc_cap_descendants(&f->sys, &b->cs, root), (1u << 16) - 1);
    /* Every one resolves in two levels, through the cache too. */
    struct ipc_slot *s;
    for (uint32_t i = 0; i < (1u << 16); i += 257) {
        unsigned levels;
        assert_non_null(ipc_cspace_slot(&f->sys, &b->cs, i, &levels));
        assert_int_equal(levels, 2);
        OK(ipc_cap_lookup_cached(&f->sys, 0, &b->cs, ipc_tok_make(i, IPC_OBJ_PORT, 1), IPC_OBJ_PORT,
                                 IPC_RIGHT_SEND, &s, NULL));
        assert_ptr_equal(s, &b->ls[i >> 8][i & 0xff]);
    }
    /* Revoke kills the 65,535 children across every leaf. */
    OK(ipc_cap_revoke(&f->sys, &b->cs, root));
    assert_int_equal(b->cs.used, 1);
    FAILS(
        ipc_cap_lookup(&f->sys, &b->cs, ipc_tok_make(0xfffe, IPC_OBJ_PORT, 1), IPC_OBJ_NONE, 0, &s),
        IPC_ERR_INVALID_CAP);
    check_space(&f->sys, &b->cs);
    ipc_cspace_detach(&f->sys, &b->cs);
    free(b);
}

static void revoke_delete_and_staleness_cross_levels_and_spaces(void **state)
{
    struct fx *f = *state;
    struct tree *t = tree_new(f);
    /* The root capability deep in leaf 2; children in other leaves and
     * in one-level spaces; grandchildren back in the tree. */
    for (unsigned i = 0; i < 40; i++)
        mkroot(f, &t->cs, 900 + i, IPC_RIGHT_SEND); /* fill leaves 0, 1, half of 2 */
    ipc_cap_t top = mkroot(f, &t->cs, 7, IPC_RIGHTS_ALL), a, b, c;
    assert_int_equal(ipc_tok_index(top), tree_addr(2, 8));
    OK(ipc_cap_grant(&f->sys, &t->cs, top, &f->cs[0], IPC_RIGHT_SEND | IPC_RIGHT_GRANT, &a));
    OK(ipc_cap_grant(&f->sys, &f->cs[0], a, &t->cs, IPC_RIGHT_SEND, &b));
    OK(ipc_cap_derive(&f->sys, &t->cs, top, IPC_RIGHT_GRANT, &c));
    assert_int_equal(ipc_tok_index(b), tree_addr(2, 9));
    assert_int_equal(ipc_cap_descendants(&f->sys, &t->cs, top), 3);
    struct ipc_slot *s;
    bool hit;
    OK(ipc_cap_lookup_cached(&f->sys, 1, &t->cs, b, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s, &hit));
    OK(ipc_cap_lookup_cached(&f->sys, 1, &t->cs, b, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s, &hit));
    assert_true(hit);
    unsigned inv = f->nev[IPC_CAP_EV_INVALIDATE];
    /* Moving `c` to a one-level space keeps it under `top`. */
    ipc_cap_t moved;
    OK(ipc_cap_move(&f->sys, &t->cs, c, &f->cs[1], &moved));
    FAILS(ipc_cap_lookup(&f->sys, &t->cs, c, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    OK(ipc_cap_revoke(&f->sys, &t->cs, top));
    assert_int_equal(f->nev[IPC_CAP_EV_INVALIDATE], inv + 1); /* b's line, core 1 */
    FAILS(ipc_cap_lookup_cached(&f->sys, 1, &t->cs, b, IPC_OBJ_NONE, 0, &s, &hit),
          IPC_ERR_INVALID_CAP);
    assert_false(hit);
    FAILS(ipc_cap_lookup(&f->sys, &f->cs[0], a, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, &f->cs[1], moved, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    OK(ipc_cap_lookup(&f->sys, &t->cs, top, IPC_OBJ_PORT, IPC_RIGHTS_ALL, &s));
    /* The slot b had is reused with a new generation: b stays stale. */
    ipc_cap_t again = mkroot(f, &t->cs, 8, IPC_RIGHT_SEND);
    assert_int_equal(ipc_tok_index(again), ipc_tok_index(b));
    assert_int_equal(ipc_tok_gen(again), ipc_tok_gen(b) + 1);
    FAILS(ipc_cap_lookup(&f->sys, &t->cs, b, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    /* Delete reports the object to the observer. */
    OK(ipc_cap_delete(&f->sys, &t->cs, again));
    assert_int_equal(f->log[f->nlog - 1].ev, IPC_CAP_EV_DELETE);
    check_trees(&f->sys);
    /* Detaching the tree kills what other spaces derived from it. */
    OK(ipc_cap_grant(&f->sys, &t->cs, top, &f->cs[2], IPC_RIGHT_SEND, &a));
    ipc_cspace_detach(&f->sys, &t->cs);
    FAILS(ipc_cap_lookup(&f->sys, &f->cs[2], a, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    check_trees(&f->sys);
    free(t);
}

static void colliding_addresses_thrash_and_deletes_invalidate_deep_lines(void **state)
{
    (void)state;
    struct fx *f = fx_new(16, 16);
    struct tree *t = tree_new(f);
    ipc_cap_t tok[4];
    for (unsigned l = 0; l < 4; l++)
        for (unsigned i = 0; i < 16; i++) {
            ipc_cap_t x = mkroot(f, &t->cs, l * 16 + i, IPC_RIGHT_SEND);
            if (i == 3)
                tok[l] = x; /* slot 3 of each leaf: addresses differ by multiples of 2^13 */
        }
    struct ipc_slot *s;
    bool hit;
    /* Round robin over the four: one line, every lookup misses. */
    uint64_t m0 = f->caches[0].misses;
    for (unsigned r = 0; r < 5; r++)
        for (unsigned l = 0; l < 4; l++) {
            OK(ipc_cap_lookup_cached(&f->sys, 0, &t->cs, tok[l], IPC_OBJ_PORT, 0, &s, &hit));
            assert_false(hit);
            assert_ptr_equal(s, &t->ls[l][3]);
        }
    assert_int_equal(f->caches[0].misses - m0, 20);
    /* The same one again hits; deleting it drops the line. */
    OK(ipc_cap_lookup_cached(&f->sys, 0, &t->cs, tok[3], IPC_OBJ_PORT, 0, &s, &hit));
    assert_true(hit);
    uint64_t inv = f->caches[0].invalidations;
    OK(ipc_cap_delete(&f->sys, &t->cs, tok[3]));
    assert_int_equal(f->caches[0].invalidations, inv + 1);
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, &t->cs, tok[3], IPC_OBJ_PORT, 0, &s, &hit),
          IPC_ERR_INVALID_CAP);
    assert_false(hit);
    ipc_cspace_detach(&f->sys, &t->cs);
    free(t);
    free(f);
}

static void next_steps_through_the_leaves_in_order(void **state)
{
    struct fx *f = *state;
    struct tree *t = tree_new(f);
    ipc_cap_t made[64];
    for (unsigned i = 0; i < 64; i++)
        made[i] = mkroot(f, &t->cs, i, IPC_RIGHT_SEND);
    for (unsigned i = 0; i < 64; i += 3)
        OK(ipc_cap_delete(&f->sys, &t->cs, made[i]));
    uint64_t at = 0;
    ipc_cap_t tok;
    struct ipc_slot *s;
    unsigned n = 0;
    for (unsigned i = 0; i < 64; i++) {
        if (i % 3 == 0)
            continue;
        assert_true(ipc_cspace_next(&f->sys, &t->cs, &at, &tok, &s));
        assert_int_equal(tok, made[i]);
        assert_int_equal(s->obj, i);
        n++;
    }
    assert_false(ipc_cspace_next(&f->sys, &t->cs, &at, &tok, &s));
    assert_false(ipc_cspace_next(&f->sys, &t->cs, &at, &tok, &s));
    assert_int_equal(n, t->cs.used);
    ipc_cspace_detach(&f->sys, &t->cs);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_three_level_tree_resolves_level_by_level, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(every_guard_bit_and_stray_bit_is_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(cnode_add_refuses_what_does_not_fit, setup, teardown),
        cmocka_unit_test_setup_teardown(the_reply_address_never_resolves, setup, teardown),
        cmocka_unit_test_setup_teardown(a_space_holds_two_to_the_sixteen_capabilities, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(revoke_delete_and_staleness_cross_levels_and_spaces, setup,
                                        teardown),
        cmocka_unit_test(colliding_addresses_thrash_and_deletes_invalidate_deep_lines),
        cmocka_unit_test_setup_teardown(next_steps_through_the_leaves_in_order, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
