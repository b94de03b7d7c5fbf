/* tests/ipc/test_cap.c: capability spaces, derivation trees and revocation
 * (ipc/cap.c), plus ipc_strerror (ipc/ipc.h); the per-core cache and the
 * randomized differential test are in test_cap_cache.c. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cap_fixture.h"

/* ---- ipc_strerror ---------------------------------------------------- */

static void strerror_names_every_code(void **state)
{
    (void)state;
    /* The codes are 0 and -20 (PORT_FULL) down to -34 (EXISTS), no gaps. */
    int codes[16] = {IPC_OK};
    for (int k = 1; k < 16; k++)
        codes[k] = IPC_ERR_PORT_FULL - (k - 1);
    assert_int_equal(codes[15], IPC_ERR_EXISTS);
    assert_int_equal(codes[4], IPC_ERR_INVALID_CAP);
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *s = ipc_strerror(codes[i]);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, "unknown error");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s, ipc_strerror(codes[j]));
    }
    assert_string_equal(ipc_strerror(IPC_ERR_PORT_FULL), "port full");
    assert_string_equal(ipc_strerror(1), "unknown error");
    assert_string_equal(ipc_strerror(-1), "unknown error");
    assert_string_equal(ipc_strerror(-19), "unknown error");
    assert_string_equal(ipc_strerror(-35), "unknown error");
    assert_string_equal(ipc_strerror(INT32_MIN), "unknown error");
}

/* ---- init and attach -------------------------------------------------- */

static void capcache_init_checks_its_size(void **state)
{
    (void)state;
    struct ipc_capcache c;
    struct ipc_capcache_line lines[8];
    FAILS(ipc_capcache_init(NULL, lines, 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_capcache_init(&c, NULL, 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_capcache_init(&c, lines, 0), IPC_ERR_INVALID_ARG);
    FAILS(ipc_capcache_init(&c, lines, 3), IPC_ERR_INVALID_ARG);
    FAILS(ipc_capcache_init(&c, lines, 6), IPC_ERR_INVALID_ARG);
    FAILS(ipc_capcache_init(&c, lines, 0x80000001u), IPC_ERR_INVALID_ARG);
    memset(lines, 0xa5, sizeof lines);
    memset(&c, 0xa5, sizeof c);
    OK(ipc_capcache_init(&c, lines, 8));
    assert_ptr_equal(c.lines, lines);
    assert_int_equal(c.size, 8);
    assert_int_equal(c.hits, 0);
    assert_int_equal(c.misses, 0);
    assert_int_equal(c.invalidations, 0);
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(lines[i].cspace, 0);
        assert_int_equal(lines[i].tok, 0);
        assert_null(lines[i].slot);
    }
    OK(ipc_capcache_init(&c, lines, 1));
    assert_int_equal(c.size, 1);
}

static void capsys_init_starts_empty(void **state)
{
    (void)state;
    struct ipc_capsys *sys = malloc(sizeof *sys);
    assert_non_null(sys);
    memset(sys, 0xa5, sizeof *sys);
    struct ipc_capcache c[3];
    struct ipc_capcache_line lines[3][4];
    for (unsigned i = 0; i < 3; i++)
        OK(ipc_capcache_init(&c[i], lines[i], 4));
    ipc_capsys_init(sys, c, 3);
    for (unsigned i = 0; i < IPC_MAX_CSPACES; i++)
        assert_null(sys->spaces[i]);
    assert_ptr_equal(sys->caches, c);
    assert_int_equal(sys->ncaches, 3);
    assert_null(sys->event);
    assert_null(sys->ctx);
    ipc_capsys_init(sys, NULL, 3);
    assert_null(sys->caches);
    assert_int_equal(sys->ncaches, 0);
    ipc_capsys_init(NULL, c, 3); /* must not crash */
    free(sys);
}

static void attach_validates_and_initialises(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace cs, cs2;
    struct ipc_slot slots[8];
    memset(slots, 0xa5, sizeof slots);
    FAILS(ipc_cspace_attach(NULL, &cs, 9, slots, 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cspace_attach(&f->sys, NULL, 9, slots, 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cspace_attach(&f->sys, &cs, 9, NULL, 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cspace_attach(&f->sys, &cs, 9, slots, 0), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cspace_attach(&f->sys, &cs, 0, slots, 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cspace_attach(&f->sys, &cs, IPC_MAX_CSPACES, slots, 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cspace_attach(&f->sys, &cs, 0xffff, slots, 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cspace_attach(&f->sys, &cs, 1, slots, 8), IPC_ERR_INVALID_ARG); /* id taken */
    /* A space already attached, slots overlapping another space's. */
    FAILS(ipc_cspace_attach(&f->sys, &f->cs[0], 9, slots, 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cspace_attach(&f->sys, &cs, 9, &f->slots[1][NSLOTS - 1], 8), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cspace_attach(&f->sys, &cs, 9, f->slots[2], 1), IPC_ERR_INVALID_ARG);
    for (unsigned i = 1; i < IPC_MAX_CSPACES; i++)
        if (i > NSPACES)
            assert_null(f->sys.spaces[i]);
    assert_int_equal(f->sys.top, NSPACES);
    /* Without the overlap check (a caller whose slot arrays are disjoint
     * by construction) the scan is skipped: the caller's promise. */
    f->sys.check_overlap = false;
    OK(ipc_cspace_attach(&f->sys, &cs2, 10, f->slots[2], 1));
    assert_int_equal(f->sys.top, 10);
    ipc_cspace_detach(&f->sys, &cs2);
    f->sys.check_overlap = true; /* space 3's first slot was empty: attach left it so */

    OK(ipc_cspace_attach(&f->sys, &cs, IPC_MAX_CSPACES - 1, slots, 8));
    assert_ptr_equal(f->sys.spaces[IPC_MAX_CSPACES - 1], &cs);
    assert_int_equal(cs.id, IPC_MAX_CSPACES - 1);
    assert_int_equal(cs.nslots, 8);
    assert_int_equal(cs.used, 0);
    assert_ptr_equal(cs.slots, slots);
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(slots[i].type, IPC_OBJ_NONE);
        assert_int_equal(slots[i].gen, 1);
        assert_int_equal(slots[i].rights, 0);
        assert_int_equal(slots[i].flags, 0);
        assert_int_equal(slots[i].parent, IPC_SLOT_NIL);
        assert_int_equal(slots[i].first_child, IPC_SLOT_NIL);
        assert_int_equal(slots[i].next_sibling, IPC_SLOT_NIL);
        assert_int_equal(slots[i].prev_sibling, IPC_SLOT_NIL);
    }
    /* Adjacent (not overlapping) slot arrays are fine. */
    struct ipc_slot pair[4];
    struct ipc_cspace a, b;
    OK(ipc_cspace_attach(&f->sys, &a, 10, pair, 2));
    OK(ipc_cspace_attach(&f->sys, &b, 11, pair + 2, 2));
    check_trees(&f->sys);
    ipc_cspace_detach(&f->sys, &a);
    ipc_cspace_detach(&f->sys, &b);
    ipc_cspace_detach(&f->sys, &cs);
    assert_null(f->sys.spaces[IPC_MAX_CSPACES - 1]);
    /* Detached: the id and the slots can be used again. */
    OK(ipc_cspace_attach(&f->sys, &cs2, IPC_MAX_CSPACES - 1, slots, 8));
    ipc_cspace_detach(&f->sys, &cs2);
}

static void detach_of_nothing_does_nothing(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace never;
    memset(&never, 0, sizeof never);
    never.id = 1; /* claims the id of space 1 but is not it */
    ipc_cspace_detach(&f->sys, &never);
    ipc_cspace_detach(&f->sys, NULL);
    ipc_cspace_detach(NULL, &f->cs[0]);
    assert_ptr_equal(f->sys.spaces[1], &f->cs[0]);
    ipc_cspace_detach(&f->sys, &f->cs[0]);
    assert_null(f->sys.spaces[1]);
    ipc_cspace_detach(&f->sys, &f->cs[0]); /* twice: nothing */
    assert_null(f->sys.spaces[1]);
    check_trees(&f->sys);
}

/* ---- create and the full lookup --------------------------------------- */

static void create_validates_and_fills_a_slot(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *cs = &f->cs[0];
    ipc_cap_t t = 123;
    FAILS(ipc_cap_create(&f->sys, cs, IPC_OBJ_NONE, 1, IPC_RIGHT_SEND, 0, &t), IPC_ERR_INVALID_ARG);
    assert_int_equal(t, IPC_CAP_NULL);
    FAILS(ipc_cap_create(&f->sys, cs, IPC_OBJ_COUNT, 1, IPC_RIGHT_SEND, 0, &t),
          IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_create(&f->sys, cs, (enum ipc_obj_type)200, 1, 0, 0, &t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_create(&f->sys, cs, (enum ipc_obj_type) - 1, 1, 0, 0, &t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_create(&f->sys, cs, IPC_OBJ_PORT, 1, 0x10, 0, &t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_create(&f->sys, cs, IPC_OBJ_PORT, 1, ~0u, 0, &t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_create(&f->sys, cs, IPC_OBJ_PORT, 1, 0, 0x2, &t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_create(&f->sys, cs, IPC_OBJ_PORT, 1, 0, 0, NULL), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_create(NULL, cs, IPC_OBJ_PORT, 1, 0, 0, &t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_create(&f->sys, NULL, IPC_OBJ_PORT, 1, 0, 0, &t), IPC_ERR_INVALID_ARG);
    struct ipc_cspace loose = *cs; /* a copy that is not attached */
    FAILS(ipc_cap_create(&f->sys, &loose, IPC_OBJ_PORT, 1, 0, 0, &t), IPC_ERR_INVALID_ARG);
    assert_int_equal(cs->used, 0);

    FAILS(ipc_cap_create(&f->sys, cs, IPC_OBJ_CNODE, 1, 0, 0, &t), IPC_ERR_INVALID_ARG);
    for (unsigned type = IPC_OBJ_PORT; type < IPC_OBJ_CNODE; type++) {
        unsigned flags = type == IPC_OBJ_REPLY ? IPC_SLOT_ONESHOT : 0;
        OK(ipc_cap_create(&f->sys, cs, (enum ipc_obj_type)type, 1000 + type, type & 0xf, flags,
                          &t));
        assert_true(ipc_tok_well_formed(t));
        assert_int_equal(ipc_tok_type(t), type);
        assert_int_equal(ipc_tok_gen(t), 1);
        struct ipc_slot *s = NULL;
        OK(ipc_cap_lookup(&f->sys, cs, t, (enum ipc_obj_type)type, type & 0xf, &s));
        assert_ptr_equal(s, &cs->slots[ipc_tok_index(t)]);
        assert_int_equal(s->obj, 1000 + type);
        assert_int_equal(s->type, type);
        assert_int_equal(s->rights, type & 0xf);
        assert_int_equal(s->flags, flags);
        assert_int_equal(s->parent, IPC_SLOT_NIL);
    }
    assert_int_equal(cs->used, IPC_OBJ_CNODE - 1);
    OK(ipc_cap_create(&f->sys, cs, IPC_OBJ_PORT, UINT32_MAX, IPC_RIGHTS_ALL, 0, &t));
    assert_int_equal(cs->slots[ipc_tok_index(t)].obj, UINT32_MAX);
    check_trees(&f->sys);
    assert_int_equal(f->nev[IPC_CAP_EV_DELETE], 0);
}

static void lookup_rejects_forged_and_wrong_tokens(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *cs = &f->cs[0];
    ipc_cap_t t = mkroot(f, cs, 7, IPC_RIGHT_SEND | IPC_RIGHT_GRANT);
    uint32_t i = ipc_tok_index(t);
    struct ipc_slot *s = (struct ipc_slot *)1;

    OK(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s));
    assert_ptr_equal(s, &cs->slots[i]);
    OK(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_NONE, 0, NULL)); /* any type; out may be NULL */
    OK(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_PORT, IPC_RIGHT_SEND | IPC_RIGHT_GRANT, &s));

    FAILS(ipc_cap_lookup(&f->sys, cs, IPC_CAP_NULL, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    assert_null(s);
    for (unsigned bit = 5; bit < 24; bit++) /* the root's guard (32 slots: 19 bits of 0) */
        FAILS(ipc_cap_lookup(&f->sys, cs, t | (1ull << bit), IPC_OBJ_NONE, 0, &s),
              IPC_ERR_INVALID_CAP);
    for (unsigned bit = 25; bit < 32; bit++) /* other types */
        FAILS(ipc_cap_lookup(&f->sys, cs, t | (1ull << bit), IPC_OBJ_NONE, 0, &s),
              IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(IPC_TOK_INDEX_REPLY, IPC_OBJ_REPLY, 1),
                         IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(i, IPC_OBJ_CNODE, 1), IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(NSLOTS, IPC_OBJ_PORT, 1), IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(0xffff, IPC_OBJ_PORT, 1), IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    /* Token type differs from the slot's; requested type differs. */
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(i, IPC_OBJ_CHANNEL, 1), IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(i, IPC_OBJ_NONE, 1), IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_REPLY, 0, &s), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, t, (enum ipc_obj_type)99, 0, &s), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_COUNT, 0, &s), IPC_ERR_INVALID_CAP);
    /* Wrong generations, an empty slot. */
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(i, IPC_OBJ_PORT, 2), IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(i, IPC_OBJ_PORT, 0), IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(i + 1, IPC_OBJ_PORT, 1), IPC_OBJ_NONE, 0, &s),
          IPC_ERR_INVALID_CAP);
    /* Rights it lacks, rights no capability has. */
    FAILS(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_PORT, IPC_RIGHT_RECEIVE, &s),
          IPC_ERR_INSUFFICIENT_RIGHTS);
    assert_null(s);
    FAILS(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_PORT, IPC_RIGHTS_ALL, &s),
          IPC_ERR_INSUFFICIENT_RIGHTS);
    FAILS(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_PORT, 0x10, &s), IPC_ERR_INSUFFICIENT_RIGHTS);
    /* Validity comes before rights. */
    FAILS(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_REPLY, IPC_RIGHT_RECEIVE, &s),
          IPC_ERR_INVALID_CAP);
    /* Bad arguments. */
    FAILS(ipc_cap_lookup(NULL, cs, t, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_lookup(&f->sys, NULL, t, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_ARG);
    struct ipc_cspace loose = *cs;
    FAILS(ipc_cap_lookup(&f->sys, &loose, t, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_ARG);

    /* Random bits: only the one real token may pass, in both lookups. */
    rng_state = 42;
    for (unsigned n = 0; n < 100000; n++) {
        ipc_cap_t r = rng();
        if (n & 1)
            r &= 0xffffffff00ffffffull; /* well formed, random otherwise */
        if (n % 4 == 3)
            r = ipc_tok_make(rng_below(NSLOTS + 4), rng_below(8), rng_below(3));
        int want = r == t ? IPC_OK : IPC_ERR_INVALID_CAP;
        bool hit;
        FAILS(ipc_cap_lookup(&f->sys, cs, r, IPC_OBJ_NONE, 0, &s), want);
        FAILS(ipc_cap_lookup_cached(&f->sys, n & 1, cs, r, IPC_OBJ_NONE, 0, &s, &hit), want);
    }
}

/* ---- derive and grant ------------------------------------------------- */

static void derive_may_only_drop_rights(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *cs = &f->cs[0];
    ipc_cap_t root, c1, c2, t = 99;
    OK(ipc_cap_create(&f->sys, cs, IPC_OBJ_REPLY, 5, IPC_RIGHT_SEND | IPC_RIGHT_MANAGE,
                      IPC_SLOT_ONESHOT, &root));
    FAILS(ipc_cap_derive(&f->sys, cs, root, IPC_RIGHT_SEND | IPC_RIGHT_RECEIVE, &t),
          IPC_ERR_INSUFFICIENT_RIGHTS);
    assert_int_equal(t, IPC_CAP_NULL);
    FAILS(ipc_cap_derive(&f->sys, cs, root, IPC_RIGHTS_ALL, &t), IPC_ERR_INSUFFICIENT_RIGHTS);
    FAILS(ipc_cap_derive(&f->sys, cs, root, 0x10 | IPC_RIGHT_SEND, &t),
          IPC_ERR_INSUFFICIENT_RIGHTS);
    FAILS(ipc_cap_derive(&f->sys, cs, root | (1ull << 30), IPC_RIGHT_SEND, &t),
          IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_derive(&f->sys, cs, ipc_tok_make(ipc_tok_index(root), IPC_OBJ_REPLY, 2),
                         IPC_RIGHT_SEND, &t),
          IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_derive(&f->sys, cs, root, IPC_RIGHT_SEND, NULL), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_derive(NULL, cs, root, IPC_RIGHT_SEND, &t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_derive(&f->sys, NULL, root, IPC_RIGHT_SEND, &t), IPC_ERR_INVALID_ARG);
    assert_int_equal(cs->used, 1);
    assert_int_equal(ipc_cap_descendants(&f->sys, cs, root), 0);

    OK(ipc_cap_derive(&f->sys, cs, root, IPC_RIGHT_SEND | IPC_RIGHT_MANAGE, &c1)); /* same */
    OK(ipc_cap_derive(&f->sys, cs, c1, IPC_RIGHT_SEND, &c2));
    struct ipc_slot *s;
    OK(ipc_cap_lookup(&f->sys, cs, c2, IPC_OBJ_REPLY, IPC_RIGHT_SEND, &s));
    assert_int_equal(s->obj, 5);
    assert_int_equal(s->flags, IPC_SLOT_ONESHOT); /* a child keeps the flags */
    assert_int_equal(s->rights, IPC_RIGHT_SEND);
    assert_int_equal(s->parent, ((ipc_slotref_t)cs->root->id << 16) | ipc_tok_index(c1));
    FAILS(ipc_cap_lookup(&f->sys, cs, c2, IPC_OBJ_REPLY, IPC_RIGHT_MANAGE, &s),
          IPC_ERR_INSUFFICIENT_RIGHTS);
    FAILS(ipc_cap_derive(&f->sys, cs, c2, IPC_RIGHT_MANAGE, &t), IPC_ERR_INSUFFICIENT_RIGHTS);
    OK(ipc_cap_derive(&f->sys, cs, c2, 0, &t)); /* no rights at all is a subset */
    assert_int_equal(ipc_cap_descendants(&f->sys, cs, root), 3);
    assert_int_equal(ipc_cap_descendants(&f->sys, cs, c1), 2);
    assert_int_equal(ipc_cap_descendants(&f->sys, cs, t), 0);
    check_trees(&f->sys);
}

static void grant_needs_grant_and_drops_rights(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *a = &f->cs[0], *b = &f->cs[1];
    ipc_cap_t nogrant = mkroot(f, a, 1, IPC_RIGHT_SEND | IPC_RIGHT_RECEIVE);
    ipc_cap_t full = mkroot(f, a, 2, IPC_RIGHTS_ALL);
    ipc_cap_t t = 5, g;
    FAILS(ipc_cap_grant(&f->sys, a, nogrant, b, IPC_RIGHT_SEND, &t), IPC_ERR_INSUFFICIENT_RIGHTS);
    assert_int_equal(t, IPC_CAP_NULL);
    FAILS(ipc_cap_grant(&f->sys, a, nogrant, b, 0, &t), IPC_ERR_INSUFFICIENT_RIGHTS);
    FAILS(ipc_cap_grant(&f->sys, a, nogrant | (1ull << 23), b, 0, &t), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_grant(&f->sys, a, full, b, 0x1f, &t), IPC_ERR_INSUFFICIENT_RIGHTS);
    FAILS(ipc_cap_grant(&f->sys, a, full, NULL, IPC_RIGHT_SEND, &t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_grant(&f->sys, NULL, full, b, IPC_RIGHT_SEND, &t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_grant(&f->sys, a, full, b, IPC_RIGHT_SEND, NULL), IPC_ERR_INVALID_ARG);
    struct ipc_cspace loose = *b;
    FAILS(ipc_cap_grant(&f->sys, a, full, &loose, IPC_RIGHT_SEND, &t), IPC_ERR_INVALID_ARG);
    assert_int_equal(b->used, 0);

    /* Fewer rights, into another space; the token names a slot of `b`. */
    OK(ipc_cap_grant(&f->sys, a, full, b, IPC_RIGHT_SEND, &g));
    struct ipc_slot *s;
    OK(ipc_cap_lookup(&f->sys, b, g, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s));
    assert_ptr_equal(s, &b->slots[ipc_tok_index(g)]);
    assert_int_equal(s->obj, 2);
    assert_int_equal(s->rights, IPC_RIGHT_SEND);
    assert_int_equal(s->parent, ((ipc_slotref_t)a->root->id << 16) | ipc_tok_index(full));
    FAILS(ipc_cap_lookup(&f->sys, b, g, IPC_OBJ_PORT, IPC_RIGHT_RECEIVE, &s),
          IPC_ERR_INSUFFICIENT_RIGHTS);
    /* The granted copy lacks GRANT, so it cannot be passed on; derive works. */
    FAILS(ipc_cap_grant(&f->sys, b, g, &f->cs[2], IPC_RIGHT_SEND, &t), IPC_ERR_INSUFFICIENT_RIGHTS);
    OK(ipc_cap_derive(&f->sys, b, g, IPC_RIGHT_SEND, &t));
    /* Grant keeping GRANT, then onwards; grant into the same space. */
    ipc_cap_t g2, g3, same;
    OK(ipc_cap_grant(&f->sys, a, full, b, IPC_RIGHT_GRANT | IPC_RIGHT_RECEIVE, &g2));
    OK(ipc_cap_grant(&f->sys, b, g2, &f->cs[2], IPC_RIGHT_RECEIVE, &g3));
    OK(ipc_cap_grant(&f->sys, a, full, a, IPC_RIGHTS_ALL, &same));
    assert_int_equal(ipc_cap_descendants(&f->sys, a, full), 5);
    assert_int_equal(ipc_cap_descendants(&f->sys, b, g2), 1);
    assert_int_equal(ipc_cap_descendants(&f->sys, a, nogrant), 0);
    check_trees(&f->sys);
}

/* ---- delete and revoke ------------------------------------------------ */

static void delete_makes_tokens_stale_and_reuse_gives_new_generations(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *cs = &f->cs[0];
    ipc_cap_t t = mkroot(f, cs, 1, IPC_RIGHTS_ALL), child;
    uint32_t i = ipc_tok_index(t);
    OK(ipc_cap_derive(&f->sys, cs, t, IPC_RIGHT_SEND, &child));
    assert_int_equal(cs->used, 2);
    OK(ipc_cap_delete(&f->sys, cs, t));
    assert_int_equal(cs->used, 0);
    assert_int_equal(cs->slots[i].gen, 2);
    assert_int_equal(cs->slots[i].type, IPC_OBJ_NONE);
    FAILS(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, child, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_delete(&f->sys, cs, t), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_revoke(&f->sys, cs, t), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_derive(&f->sys, cs, t, 0, &child), IPC_ERR_INVALID_CAP);
    assert_int_equal(ipc_cap_descendants(&f->sys, cs, t), 0);
    assert_int_equal(f->nev[IPC_CAP_EV_DELETE], 2);

    /* Recreate in the same slot: a new generation, the old token stays dead. */
    ipc_cap_t prev = t;
    for (uint32_t gen = 2; gen < 6; gen++) {
        ipc_cap_t n = mkroot(f, cs, gen, IPC_RIGHT_SEND);
        assert_int_equal(ipc_tok_index(n), i);
        assert_int_equal(ipc_tok_gen(n), gen);
        FAILS(ipc_cap_lookup(&f->sys, cs, prev, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
        OK(ipc_cap_lookup(&f->sys, cs, n, IPC_OBJ_PORT, IPC_RIGHT_SEND, NULL));
        OK(ipc_cap_delete(&f->sys, cs, n));
        prev = n;
    }
    /* Bad arguments. */
    FAILS(ipc_cap_delete(NULL, cs, t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_delete(&f->sys, NULL, t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_revoke(NULL, cs, t), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_revoke(&f->sys, NULL, t), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_cap_descendants(NULL, cs, t), 0);
    assert_int_equal(ipc_cap_descendants(&f->sys, NULL, t), 0);
    FAILS(ipc_cap_delete(&f->sys, cs, t | (1ull << 25)), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_revoke(&f->sys, cs, ipc_tok_make(NSLOTS, 1, 1)), IPC_ERR_INVALID_CAP);
    check_trees(&f->sys);
}

static void generation_wraps_past_zero(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *cs = &f->cs[0];
    cs->slots[0].gen = UINT32_MAX; /* as if emptied 2^32 - 2 times */
    ipc_cap_t t = mkroot(f, cs, 1, IPC_RIGHT_SEND);
    assert_int_equal(ipc_tok_index(t), 0);
    assert_int_equal(ipc_tok_gen(t), UINT32_MAX);
    OK(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_PORT, 0, NULL));
    OK(ipc_cap_delete(&f->sys, cs, t));
    assert_int_equal(cs->slots[0].gen, 1);
    ipc_cap_t n = mkroot(f, cs, 1, IPC_RIGHT_SEND);
    assert_int_equal(ipc_tok_gen(n), 1);
    FAILS(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, cs, ipc_tok_make(0, IPC_OBJ_PORT, 0), IPC_OBJ_NONE, 0, NULL),
          IPC_ERR_INVALID_CAP);
}

static void revoke_of_a_mid_tree_node_kills_only_its_subtree(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *a = &f->cs[0], *b = &f->cs[1], *c = &f->cs[2];
    ipc_cap_t root = mkroot(f, a, 1, IPC_RIGHTS_ALL);
    ipc_cap_t left, mid, right, m1, m2, m2x, m2xx, r1;
    OK(ipc_cap_derive(&f->sys, a, root, IPC_RIGHTS_ALL, &left));
    OK(ipc_cap_grant(&f->sys, a, root, b, IPC_RIGHTS_ALL, &mid));
    OK(ipc_cap_derive(&f->sys, a, root, IPC_RIGHT_SEND, &right));
    OK(ipc_cap_derive(&f->sys, b, mid, IPC_RIGHT_SEND, &m1));
    OK(ipc_cap_grant(&f->sys, b, mid, c, IPC_RIGHTS_ALL, &m2));
    OK(ipc_cap_grant(&f->sys, c, m2, a, IPC_RIGHT_RECEIVE | IPC_RIGHT_GRANT, &m2x));
    OK(ipc_cap_grant(&f->sys, a, m2x, b, IPC_RIGHT_RECEIVE, &m2xx));
    OK(ipc_cap_derive(&f->sys, a, right, 0, &r1));
    assert_int_equal(ipc_cap_descendants(&f->sys, a, root), 8);
    assert_int_equal(ipc_cap_descendants(&f->sys, b, mid), 4);
    check_trees(&f->sys);

    /* Cache a doomed token and a surviving one on both cores. */
    bool hit;
    for (unsigned core = 0; core < NCORES; core++)
        for (unsigned k = 0; k < 2; k++) {
            OK(ipc_cap_lookup_cached(&f->sys, core, b, m2xx, IPC_OBJ_PORT, 0, NULL, &hit));
            assert_int_equal(hit, k == 1);
            OK(ipc_cap_lookup_cached(&f->sys, core, a, left, IPC_OBJ_PORT, 0, NULL, &hit));
            assert_int_equal(hit, k == 1);
        }

    OK(ipc_cap_revoke(&f->sys, b, mid));
    assert_int_equal(f->nev[IPC_CAP_EV_DELETE], 4);
    OK(ipc_cap_lookup(&f->sys, b, mid, IPC_OBJ_PORT, IPC_RIGHTS_ALL, NULL)); /* stays */
    assert_int_equal(ipc_cap_descendants(&f->sys, b, mid), 0);
    const ipc_cap_t dead[] = {m1, m2, m2x, m2xx};
    const struct ipc_cspace *where[] = {b, c, a, b};
    for (unsigned k = 0; k < 4; k++)
        FAILS(ipc_cap_lookup(&f->sys, where[k], dead[k], IPC_OBJ_NONE, 0, NULL),
              IPC_ERR_INVALID_CAP);
    for (unsigned core = 0; core < NCORES; core++) {
        FAILS(ipc_cap_lookup_cached(&f->sys, core, b, m2xx, IPC_OBJ_PORT, 0, NULL, &hit),
              IPC_ERR_INVALID_CAP);
        assert_false(hit);
        assert_int_equal(f->caches[core].invalidations, 1);
        OK(ipc_cap_lookup_cached(&f->sys, core, a, left, IPC_OBJ_PORT, 0, NULL, &hit));
        assert_true(hit);
    }
    const ipc_cap_t live[] = {root, left, right, r1};
    for (unsigned k = 0; k < 4; k++)
        OK(ipc_cap_lookup(&f->sys, a, live[k], IPC_OBJ_PORT, 0, NULL));
    assert_int_equal(ipc_cap_descendants(&f->sys, a, root), 4);
    assert_int_equal(a->used, 4);
    assert_int_equal(b->used, 1);
    assert_int_equal(c->used, 0);
    check_trees(&f->sys);

    /* The middle sibling goes; the first and last stay linked. */
    OK(ipc_cap_delete(&f->sys, b, mid));
    assert_int_equal(ipc_cap_descendants(&f->sys, a, root), 3);
    check_trees(&f->sys);
    OK(ipc_cap_delete(&f->sys, a, right)); /* head of the list (derived last) */
    check_trees(&f->sys);
    assert_int_equal(ipc_cap_descendants(&f->sys, a, root), 1);
    OK(ipc_cap_revoke(&f->sys, a, root));
    FAILS(ipc_cap_lookup(&f->sys, a, left, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    assert_int_equal(a->used, 1);
    OK(ipc_cap_revoke(&f->sys, a, root)); /* nothing left below: still fine */
    assert_int_equal(a->used, 1);
    check_trees(&f->sys);
}

static void delete_while_cached_invalidates_the_line(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *cs = &f->cs[0];
    ipc_cap_t t = mkroot(f, cs, 1, IPC_RIGHT_SEND);
    bool hit;
    OK(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_PORT, IPC_RIGHT_SEND, NULL, &hit));
    assert_false(hit);
    OK(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_PORT, IPC_RIGHT_SEND, NULL, &hit));
    assert_true(hit);
    OK(ipc_cap_delete(&f->sys, cs, t));
    assert_int_equal(f->caches[0].invalidations, 1);
    assert_int_equal(f->caches[1].invalidations, 0); /* core 1 never cached it */
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_PORT, 0, NULL, &hit),
          IPC_ERR_INVALID_CAP);
    assert_false(hit);
    /* The slot is reused: the new token works, the old one still fails. */
    ipc_cap_t n = mkroot(f, cs, 2, IPC_RIGHT_SEND);
    assert_int_equal(ipc_tok_index(n), ipc_tok_index(t));
    OK(ipc_cap_lookup_cached(&f->sys, 0, cs, n, IPC_OBJ_PORT, 0, NULL, &hit));
    OK(ipc_cap_lookup_cached(&f->sys, 0, cs, n, IPC_OBJ_PORT, 0, NULL, &hit));
    assert_true(hit);
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_PORT, 0, NULL, &hit),
          IPC_ERR_INVALID_CAP);
    assert_int_equal(f->caches[0].hits, 2);
    assert_int_equal(f->caches[0].misses, 4);
}

/* ---- space full ------------------------------------------------------- */

static void a_full_space_says_no_slot(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *a = &f->cs[0], *b = &f->cs[1];
    ipc_cap_t t[NSLOTS], x = 1;
    ipc_cap_t src = mkroot(f, b, 9, IPC_RIGHTS_ALL);
    for (unsigned k = 0; k < NSLOTS; k++)
        t[k] = mkroot(f, a, k, IPC_RIGHTS_ALL);
    assert_int_equal(a->used, NSLOTS);
    FAILS(ipc_cap_create(&f->sys, a, IPC_OBJ_PORT, 0, 0, 0, &x), IPC_ERR_NO_SLOT);
    assert_int_equal(x, IPC_CAP_NULL);
    FAILS(ipc_cap_derive(&f->sys, a, t[3], 0, &x), IPC_ERR_NO_SLOT);
    FAILS(ipc_cap_grant(&f->sys, b, src, a, 0, &x), IPC_ERR_NO_SLOT);
    /* Errors of the token come before a full space. */
    FAILS(ipc_cap_derive(&f->sys, a, t[3] ^ (1ull << 40), 0, &x), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_derive(&f->sys, a, t[3], 0x10, &x), IPC_ERR_INSUFFICIENT_RIGHTS);
    assert_int_equal(ipc_cap_descendants(&f->sys, b, src), 0);

    /* Free a slot in the middle: the next create, derive or grant reuses it. */
    unsigned idx = ipc_tok_index(t[17]);
    OK(ipc_cap_delete(&f->sys, a, t[17]));
    OK(ipc_cap_grant(&f->sys, b, src, a, IPC_RIGHT_SEND, &x));
    assert_int_equal(ipc_tok_index(x), idx);
    assert_int_equal(ipc_tok_gen(x), 2);
    FAILS(ipc_cap_lookup(&f->sys, a, t[17], IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    OK(ipc_cap_revoke(&f->sys, b, src));
    OK(ipc_cap_derive(&f->sys, a, t[0], 0, &x));
    assert_int_equal(ipc_tok_index(x), idx);
    assert_int_equal(ipc_tok_gen(x), 3);
    FAILS(ipc_cap_create(&f->sys, a, IPC_OBJ_PORT, 0, 0, 0, &x), IPC_ERR_NO_SLOT);
    check_trees(&f->sys);

    /* A space of one slot. */
    struct ipc_cspace one;
    struct ipc_slot slot1;
    OK(ipc_cspace_attach(&f->sys, &one, 77, &slot1, 1));
    ipc_cap_t o = mkroot(f, &one, 1, IPC_RIGHTS_ALL);
    FAILS(ipc_cap_derive(&f->sys, &one, o, 0, &x), IPC_ERR_NO_SLOT);
    OK(ipc_cap_delete(&f->sys, &one, o));
    ipc_cap_t o2 = mkroot(f, &one, 1, IPC_RIGHTS_ALL);
    assert_int_equal(ipc_tok_gen(o2), 2);
    ipc_cspace_detach(&f->sys, &one);
}

/* ---- big trees, deleted on a small stack ------------------------------ */

struct job {
    struct ipc_capsys *sys;
    struct ipc_cspace *cs;
    ipc_cap_t tok;
    bool revoke;
    int result;
};

static void *job_run(void *arg)
{
    struct job *j = arg;
    j->result =
        j->revoke ? ipc_cap_revoke(j->sys, j->cs, j->tok) : ipc_cap_delete(j->sys, j->cs, j->tok);
    return NULL;
}

/* Returns what revoke (or delete) of `tok` returns, run on a thread with a
 * 128 KiB stack, where a recursive walk of thousands of levels would not
 * fit. */
static int on_small_stack(struct fx *f, struct ipc_cspace *cs, ipc_cap_t tok, bool revoke)
{
    struct job j = {&f->sys, cs, tok, revoke, 12345};
    pthread_attr_t attr;
    pthread_t th;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, 128 * 1024), 0);
    assert_int_equal(pthread_create(&th, &attr, job_run, &j), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    pthread_attr_destroy(&attr);
    return j.result;
}

static void deep_chains_die_without_recursion(void **state)
{
    struct fx *f = *state;
    enum { DEPTH = 10000 };
    struct ipc_slot *slots = calloc(DEPTH + 1, sizeof *slots);
    ipc_cap_t *t = calloc(DEPTH + 1, sizeof *t);
    assert_non_null(slots);
    assert_non_null(t);
    struct ipc_cspace cs;
    OK(ipc_cspace_attach(&f->sys, &cs, 100, slots, DEPTH + 1));
    t[0] = mkroot(f, &cs, 1, IPC_RIGHTS_ALL);
    for (unsigned k = 1; k <= DEPTH; k++)
        OK(ipc_cap_derive(&f->sys, &cs, t[k - 1], IPC_RIGHTS_ALL, &t[k]));
    assert_int_equal(cs.used, DEPTH + 1);
    assert_int_equal(ipc_cap_descendants(&f->sys, &cs, t[0]), DEPTH);
    assert_int_equal(ipc_cap_descendants(&f->sys, &cs, t[DEPTH / 2]), DEPTH - DEPTH / 2);
    check_trees(&f->sys);
    bool hit;
    OK(ipc_cap_lookup_cached(&f->sys, 1, &cs, t[DEPTH], IPC_OBJ_PORT, 0, NULL, &hit));
    OK(ipc_cap_lookup_cached(&f->sys, 1, &cs, t[DEPTH], IPC_OBJ_PORT, 0, NULL, &hit));
    assert_true(hit);

    OK(on_small_stack(f, &cs, t[DEPTH / 2], true));
    assert_int_equal(cs.used, DEPTH / 2 + 1);
    assert_int_equal(ipc_cap_descendants(&f->sys, &cs, t[0]), DEPTH / 2);
    FAILS(ipc_cap_lookup_cached(&f->sys, 1, &cs, t[DEPTH], IPC_OBJ_PORT, 0, NULL, &hit),
          IPC_ERR_INVALID_CAP);
    assert_int_equal(f->caches[1].invalidations, 1);
    OK(ipc_cap_lookup(&f->sys, &cs, t[DEPTH / 2], IPC_OBJ_PORT, 0, NULL));
    check_trees(&f->sys);
    OK(on_small_stack(f, &cs, t[0], false));
    assert_int_equal(cs.used, 0);
    assert_int_equal(f->nev[IPC_CAP_EV_DELETE], DEPTH + 1);
    for (unsigned k = 0; k <= DEPTH; k += 997)
        FAILS(ipc_cap_lookup(&f->sys, &cs, t[k], IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    check_trees(&f->sys);

    /* A chain hopping over three spaces by grants, killed from the root. */
    struct ipc_cspace hop[3];
    struct ipc_slot *hs = calloc(3 * 4000, sizeof *hs);
    assert_non_null(hs);
    for (unsigned k = 0; k < 3; k++)
        OK(ipc_cspace_attach(&f->sys, &hop[k], (uint16_t)(200 + k), hs + 4000 * k, 4000));
    ipc_cap_t top = mkroot(f, &hop[0], 2, IPC_RIGHTS_ALL), cur = top;
    for (unsigned k = 1; k <= DEPTH; k++)
        OK(ipc_cap_grant(&f->sys, &hop[(k - 1) % 3], cur, &hop[k % 3], IPC_RIGHTS_ALL, &cur));
    assert_int_equal(ipc_cap_descendants(&f->sys, &hop[0], top), DEPTH);
    OK(on_small_stack(f, &hop[0], top, false));
    for (unsigned k = 0; k < 3; k++) {
        assert_int_equal(hop[k].used, 0);
        ipc_cspace_detach(&f->sys, &hop[k]);
    }
    check_trees(&f->sys);
    ipc_cspace_detach(&f->sys, &cs);
    free(hs);
    free(slots);
    free(t);
}

static void wide_trees_across_spaces_die_without_recursion(void **state)
{
    struct fx *f = *state;
    enum { PER = 1500, NS = 3 };
    struct ipc_cspace sp[NS];
    struct ipc_slot *slots = calloc(NS * 2 * PER, sizeof *slots);
    ipc_cap_t(*kid)[PER] = calloc(NS, sizeof *kid);
    assert_non_null(slots);
    assert_non_null(kid);
    for (unsigned k = 0; k < NS; k++)
        OK(ipc_cspace_attach(&f->sys, &sp[k], (uint16_t)(300 + k), slots + 2 * PER * k, 2 * PER));
    struct ipc_cspace *home = &f->cs[0];
    ipc_cap_t root = mkroot(f, home, 1, IPC_RIGHTS_ALL);
    for (unsigned n = 0; n < PER; n++)
        for (unsigned k = 0; k < NS; k++) {
            ipc_cap_t g;
            OK(ipc_cap_grant(&f->sys, home, root, &sp[k], IPC_RIGHTS_ALL, &kid[k][n]));
            OK(ipc_cap_derive(&f->sys, &sp[k], kid[k][n], IPC_RIGHT_SEND, &g));
        }
    assert_int_equal(ipc_cap_descendants(&f->sys, home, root), 2 * NS * PER);
    check_trees(&f->sys);

    /* Revoke one child in the middle of the sibling list. */
    OK(ipc_cap_revoke(&f->sys, &sp[1], kid[1][PER / 2]));
    assert_int_equal(ipc_cap_descendants(&f->sys, home, root), 2 * NS * PER - 1);
    OK(ipc_cap_delete(&f->sys, &sp[1], kid[1][PER / 2]));
    assert_int_equal(ipc_cap_descendants(&f->sys, home, root), 2 * NS * PER - 2);
    check_trees(&f->sys);

    OK(on_small_stack(f, home, root, true));
    OK(ipc_cap_lookup(&f->sys, home, root, IPC_OBJ_PORT, IPC_RIGHTS_ALL, NULL));
    assert_int_equal(ipc_cap_descendants(&f->sys, home, root), 0);
    for (unsigned k = 0; k < NS; k++) {
        assert_int_equal(sp[k].used, 0);
        FAILS(ipc_cap_lookup(&f->sys, &sp[k], kid[k][0], IPC_OBJ_NONE, 0, NULL),
              IPC_ERR_INVALID_CAP);
    }
    assert_int_equal(f->nev[IPC_CAP_EV_DELETE], 2 * NS * PER);
    check_trees(&f->sys);

    /* Again, killed by detaching the root's space. */
    for (unsigned n = 0; n < PER; n++)
        for (unsigned k = 0; k < NS; k++)
            OK(ipc_cap_grant(&f->sys, home, root, &sp[k], IPC_RIGHT_SEND, &kid[k][n]));
    ipc_cspace_detach(&f->sys, home);
    for (unsigned k = 0; k < NS; k++) {
        assert_int_equal(sp[k].used, 0);
        ipc_cspace_detach(&f->sys, &sp[k]);
    }
    check_trees(&f->sys);
    free(kid);
    free(slots);
}

/* ---- detach ----------------------------------------------------------- */

static void detach_kills_children_elsewhere_and_unlinks_its_own(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *a = &f->cs[0], *b = &f->cs[1], *c = &f->cs[2];
    ipc_cap_t a_root = mkroot(f, a, 1, IPC_RIGHTS_ALL);
    ipc_cap_t b_child, b_grand, c_gg;
    OK(ipc_cap_grant(&f->sys, a, a_root, b, IPC_RIGHTS_ALL, &b_child));
    OK(ipc_cap_derive(&f->sys, b, b_child, IPC_RIGHT_SEND, &b_grand));
    OK(ipc_cap_grant(&f->sys, b, b_child, c, IPC_RIGHT_SEND, &c_gg));
    /* `a` holds children of a capability of `b`: first, middle and last. */
    ipc_cap_t b_root = mkroot(f, b, 2, IPC_RIGHTS_ALL);
    ipc_cap_t a_kid1, c_sib, a_kid2, a_kid2_kid;
    OK(ipc_cap_grant(&f->sys, b, b_root, a, IPC_RIGHTS_ALL, &a_kid1));
    OK(ipc_cap_grant(&f->sys, b, b_root, c, IPC_RIGHT_SEND, &c_sib));
    OK(ipc_cap_grant(&f->sys, b, b_root, a, IPC_RIGHTS_ALL, &a_kid2));
    OK(ipc_cap_grant(&f->sys, a, a_kid2, c, IPC_RIGHT_SEND, &a_kid2_kid));
    assert_int_equal(ipc_cap_descendants(&f->sys, b, b_root), 4);
    check_trees(&f->sys);
    bool hit;
    OK(ipc_cap_lookup_cached(&f->sys, 0, a, a_root, IPC_OBJ_PORT, 0, NULL, &hit));
    OK(ipc_cap_lookup_cached(&f->sys, 1, b, b_grand, IPC_OBJ_PORT, 0, NULL, &hit));
    OK(ipc_cap_lookup_cached(&f->sys, 1, b, b_root, IPC_OBJ_PORT, 0, NULL, &hit));

    ipc_cspace_detach(&f->sys, a);
    assert_null(f->sys.spaces[1]);
    check_trees(&f->sys);
    assert_int_equal(a->used, 0);
    for (unsigned k = 0; k < NSLOTS; k++) {
        assert_int_equal(a->slots[k].type, IPC_OBJ_NONE);
        assert_int_equal(a->slots[k].parent, IPC_SLOT_NIL);
    }
    FAILS(ipc_cap_lookup(&f->sys, b, b_child, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, b, b_grand, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, c, c_gg, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, c, a_kid2_kid, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_CAP);
    FAILS(ipc_cap_lookup(&f->sys, a, a_root, IPC_OBJ_NONE, 0, NULL), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, a, a_root, IPC_OBJ_NONE, 0, NULL, &hit),
          IPC_ERR_INVALID_ARG);
    ipc_cap_t scratch;
    FAILS(ipc_cap_create(&f->sys, a, IPC_OBJ_PORT, 1, 0, 0, &scratch), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_grant(&f->sys, b, b_root, a, 0, &scratch), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_revoke(&f->sys, a, a_root), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_delete(&f->sys, a, a_root), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_cap_descendants(&f->sys, a, a_root), 0);
    assert_int_equal(f->caches[0].invalidations, 1);
    assert_int_equal(f->caches[1].invalidations, 1);
    FAILS(ipc_cap_lookup_cached(&f->sys, 1, b, b_grand, IPC_OBJ_PORT, 0, NULL, &hit),
          IPC_ERR_INVALID_CAP);
    assert_false(hit);
    OK(ipc_cap_lookup_cached(&f->sys, 1, b, b_root, IPC_OBJ_PORT, 0, NULL, &hit));
    assert_true(hit);

    /* b_root keeps its one remaining child, and its tree still works. */
    assert_int_equal(ipc_cap_descendants(&f->sys, b, b_root), 1);
    OK(ipc_cap_lookup(&f->sys, c, c_sib, IPC_OBJ_PORT, IPC_RIGHT_SEND, NULL));
    ipc_cap_t more;
    OK(ipc_cap_grant(&f->sys, b, b_root, c, IPC_RIGHT_SEND, &more));
    assert_int_equal(ipc_cap_descendants(&f->sys, b, b_root), 2);
    OK(ipc_cap_delete(&f->sys, b, b_root));
    assert_int_equal(b->used, 0);
    assert_int_equal(c->used, 0);
    check_trees(&f->sys);

    /* The id can be attached again; its slots start over. */
    OK(ipc_cspace_attach(&f->sys, a, 1, f->slots[0], NSLOTS));
    for (unsigned k = 0; k < NSLOTS; k++)
        assert_int_equal(a->slots[k].gen, 1);
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, a, a_root, IPC_OBJ_PORT, 0, NULL, &hit),
          IPC_ERR_INVALID_CAP);
    assert_false(hit);
}

/* A moved capability keeps its place in the derivation tree: revoking the
 * ancestor it came from still reaches it; what hung below it dies. */
static void a_moved_capability_stays_under_its_ancestor(void **state)
{
    (void)state;
    static struct ipc_slot sa[8], sb[8], sc[8];
    static struct ipc_capcache_line lines[4];
    struct ipc_capcache cache;
    struct ipc_capsys sys;
    struct ipc_cspace a, b, c;
    assert_int_equal(ipc_capcache_init(&cache, lines, 4), IPC_OK);
    ipc_capsys_init(&sys, &cache, 1);
    assert_int_equal(ipc_cspace_attach(&sys, &a, 1, sa, 8), IPC_OK);
    assert_int_equal(ipc_cspace_attach(&sys, &b, 2, sb, 8), IPC_OK);
    assert_int_equal(ipc_cspace_attach(&sys, &c, 3, sc, 8), IPC_OK);
    ipc_cap_t root, lent, kid, moved, moved2;
    assert_int_equal(ipc_cap_create(&sys, &a, IPC_OBJ_REGION, 5, IPC_RIGHTS_ALL, 0, &root), IPC_OK);
    assert_int_equal(ipc_cap_grant(&sys, &a, root, &b, IPC_RIGHTS_ALL, &lent), IPC_OK);
    assert_int_equal(ipc_cap_derive(&sys, &b, lent, IPC_RIGHT_RECEIVE, &kid), IPC_OK);
    /* b moves what it was lent to itself, then to c. */
    assert_int_equal(ipc_cap_move(&sys, &b, lent, &b, &moved), IPC_OK);
    struct ipc_slot *s;
    assert_int_equal(ipc_cap_lookup(&sys, &b, lent, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    assert_int_equal(ipc_cap_lookup(&sys, &b, kid, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    assert_int_equal(ipc_cap_move(&sys, &b, moved, &c, &moved2), IPC_OK);
    assert_int_equal(ipc_cap_lookup(&sys, &c, moved2, IPC_OBJ_REGION, IPC_RIGHTS_ALL, &s), IPC_OK);
    assert_int_equal(s->obj, 5);
    assert_int_equal(ipc_cap_descendants(&sys, &a, root), 1);
    /* The owner revokes: the moved copy dies too. */
    assert_int_equal(ipc_cap_revoke(&sys, &a, root), IPC_OK);
    assert_int_equal(ipc_cap_lookup(&sys, &c, moved2, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    /* Moving needs GRANT; a root moves as a root. */
    ipc_cap_t weak, root2;
    assert_int_equal(ipc_cap_derive(&sys, &a, root, IPC_RIGHT_SEND, &weak), IPC_OK);
    assert_int_equal(ipc_cap_move(&sys, &a, weak, &b, &moved), IPC_ERR_INSUFFICIENT_RIGHTS);
    assert_int_equal(ipc_cap_move(&sys, &a, root, &b, &root2), IPC_OK);
    assert_int_equal(ipc_cap_lookup(&sys, &a, weak, IPC_OBJ_NONE, 0, &s), IPC_ERR_INVALID_CAP);
    assert_int_equal(ipc_cap_lookup(&sys, &b, root2, IPC_OBJ_REGION, 0, &s), IPC_OK);
    assert_int_equal(s->parent, IPC_SLOT_NIL);
    assert_int_equal(ipc_cap_move(&sys, &a, root2, &b, NULL), IPC_ERR_INVALID_ARG);
}

static int obj_refs[8]; /* capabilities naming object n, as obj_ref counts them */

static void on_obj_ref(void *ctx, unsigned type, uint32_t obj, int delta)
{
    (void)ctx;
    assert_int_equal(type, IPC_OBJ_REGION);
    assert_true(obj < 8);
    obj_refs[obj] += delta;
    assert_true(obj_refs[obj] >= 0);
}

static void obj_ref_counts_every_capability_to_an_object(void **state)
{
    struct fx *f = *state;
    memset(obj_refs, 0, sizeof obj_refs);
    f->sys.obj_ref = on_obj_ref;
    ipc_cap_t root, d1, g1, m1, r2;
    OK(ipc_cap_create(&f->sys, &f->cs[0], IPC_OBJ_REGION, 3, IPC_RIGHTS_ALL, 0, &root));
    assert_int_equal(obj_refs[3], 1);
    OK(ipc_cap_derive(&f->sys, &f->cs[0], root, IPC_RIGHT_SEND | IPC_RIGHT_GRANT, &d1));
    OK(ipc_cap_grant(&f->sys, &f->cs[0], d1, &f->cs[1], IPC_RIGHT_SEND | IPC_RIGHT_GRANT, &g1));
    assert_int_equal(obj_refs[3], 3);
    /* a move is one new and one gone */
    OK(ipc_cap_move(&f->sys, &f->cs[1], g1, &f->cs[2], &m1));
    assert_int_equal(obj_refs[3], 3);
    OK(ipc_cap_create(&f->sys, &f->cs[1], IPC_OBJ_REGION, 5, IPC_RIGHTS_ALL, 0, &r2));
    assert_int_equal(obj_refs[5], 1);
    /* revoke takes every descendant, delete the root: back to none */
    OK(ipc_cap_revoke(&f->sys, &f->cs[0], root));
    assert_int_equal(obj_refs[3], 1);
    OK(ipc_cap_delete(&f->sys, &f->cs[0], root));
    assert_int_equal(obj_refs[3], 0);
    /* a space that goes takes its capabilities with it */
    ipc_cspace_detach(&f->sys, &f->cs[1]);
    assert_int_equal(obj_refs[5], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_moved_capability_stays_under_its_ancestor),
        cmocka_unit_test(strerror_names_every_code),
        cmocka_unit_test_setup_teardown(obj_ref_counts_every_capability_to_an_object, setup,
                                        teardown),
        cmocka_unit_test(capcache_init_checks_its_size),
        cmocka_unit_test(capsys_init_starts_empty),
        cmocka_unit_test_setup_teardown(attach_validates_and_initialises, setup, teardown),
        cmocka_unit_test_setup_teardown(detach_of_nothing_does_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(create_validates_and_fills_a_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(lookup_rejects_forged_and_wrong_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(derive_may_only_drop_rights, setup, teardown),
        cmocka_unit_test_setup_teardown(grant_needs_grant_and_drops_rights, setup, teardown),
        cmocka_unit_test_setup_teardown(delete_makes_tokens_stale_and_reuse_gives_new_generations,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(generation_wraps_past_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(revoke_of_a_mid_tree_node_kills_only_its_subtree, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(delete_while_cached_invalidates_the_line, setup, teardown),
        cmocka_unit_test_setup_teardown(a_full_space_says_no_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(deep_chains_die_without_recursion, setup, teardown),
        cmocka_unit_test_setup_teardown(wide_trees_across_spaces_die_without_recursion, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(detach_kills_children_elsewhere_and_unlinks_its_own, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
