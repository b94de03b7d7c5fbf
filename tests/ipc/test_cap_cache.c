/* tests/ipc/test_cap_cache.c: the per-core capability cache (ipc/cap.c),
 * and a randomized differential test of lookups (full and cached), grants,
 * moves, deletes and revokes against a model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cap_fixture.h"

/* ---- the cache -------------------------------------------------------- */

static void cache_counts_hits_and_misses_and_agrees_with_lookup(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *cs = &f->cs[0];
    ipc_cap_t t = mkroot(f, cs, 1, IPC_RIGHT_SEND | IPC_RIGHT_GRANT);
    struct ipc_slot *s = NULL;
    bool hit = true;
    OK(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s, &hit));
    assert_false(hit);
    assert_ptr_equal(s, &cs->slots[ipc_tok_index(t)]);
    for (unsigned n = 0; n < 10; n++) {
        s = NULL;
        OK(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s, &hit));
        assert_true(hit);
        assert_ptr_equal(s, &cs->slots[ipc_tok_index(t)]);
    }
    assert_int_equal(f->caches[0].hits, 10);
    assert_int_equal(f->caches[0].misses, 1);
    assert_int_equal(f->caches[1].hits + f->caches[1].misses, 0);

    /* A hit still checks type and rights, exactly as the full lookup. */
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_PORT, IPC_RIGHT_RECEIVE, &s, &hit),
          IPC_ERR_INSUFFICIENT_RIGHTS);
    assert_true(hit);
    assert_null(s);
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_PORT, 0x10, &s, &hit),
          IPC_ERR_INSUFFICIENT_RIGHTS);
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_CHANNEL, 0, &s, &hit),
          IPC_ERR_INVALID_CAP);
    assert_true(hit);
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, cs, t, (enum ipc_obj_type)77, 0, &s, &hit),
          IPC_ERR_INVALID_CAP);
    assert_true(hit);
    OK(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_NONE, 0, NULL, NULL)); /* hit: NULL */
    assert_int_equal(f->caches[0].hits, 15);

    /* A failed full lookup does not fill the line: the next try misses too. */
    ipc_cap_t u = mkroot(f, cs, 2, IPC_RIGHT_SEND);
    for (unsigned n = 0; n < 3; n++) {
        FAILS(ipc_cap_lookup_cached(&f->sys, 1, cs, u, IPC_OBJ_PORT, IPC_RIGHT_MANAGE, &s, &hit),
              IPC_ERR_INSUFFICIENT_RIGHTS);
        assert_false(hit);
        FAILS(ipc_cap_lookup_cached(&f->sys, 1, cs, u, IPC_OBJ_REGION, 0, &s, &hit),
              IPC_ERR_INVALID_CAP);
        assert_false(hit);
        FAILS(ipc_cap_lookup_cached(&f->sys, 1, cs, u + (1ull << 32), IPC_OBJ_NONE, 0, &s, &hit),
              IPC_ERR_INVALID_CAP);
        assert_false(hit);
    }
    assert_int_equal(f->caches[1].misses, 9);
    assert_int_equal(f->caches[1].hits, 0);
    for (unsigned k = 0; k < NLINES; k++)
        assert_int_equal(f->lines[1][k].cspace, 0);
    OK(ipc_cap_lookup_cached(&f->sys, 1, cs, u, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s, &hit));
    assert_false(hit);
    OK(ipc_cap_lookup_cached(&f->sys, 1, cs, u, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s, &hit));
    assert_true(hit);

    /* The same token value in another space is another name. */
    ipc_cap_t v = mkroot(f, &f->cs[1], 3, IPC_RIGHT_SEND);
    assert_int_equal(v, t);
    OK(ipc_cap_lookup_cached(&f->sys, 0, &f->cs[1], v, IPC_OBJ_PORT, 0, &s, &hit));
    assert_false(hit);
    assert_ptr_equal(s, &f->cs[1].slots[ipc_tok_index(v)]);
    OK(ipc_cap_lookup_cached(&f->sys, 0, cs, t, IPC_OBJ_PORT, 0, &s, &hit));
    assert_ptr_equal(s, &cs->slots[ipc_tok_index(t)]);

    /* Bad arguments. */
    FAILS(ipc_cap_lookup_cached(&f->sys, NCORES, cs, t, IPC_OBJ_PORT, 0, &s, &hit),
          IPC_ERR_INVALID_ARG);
    assert_null(s);
    assert_false(hit);
    FAILS(ipc_cap_lookup_cached(NULL, 0, cs, t, IPC_OBJ_PORT, 0, &s, &hit), IPC_ERR_INVALID_ARG);
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, NULL, t, IPC_OBJ_PORT, 0, &s, &hit),
          IPC_ERR_INVALID_ARG);
    struct ipc_capsys *bare = malloc(sizeof *bare);
    assert_non_null(bare);
    ipc_capsys_init(bare, NULL, 0);
    struct ipc_cspace bcs;
    struct ipc_slot bslots[2];
    OK(ipc_cspace_attach(bare, &bcs, 1, bslots, 2));
    ipc_cap_t bt;
    OK(ipc_cap_create(bare, &bcs, IPC_OBJ_PORT, 1, 0, 0, &bt));
    FAILS(ipc_cap_lookup_cached(bare, 0, &bcs, bt, IPC_OBJ_PORT, 0, &s, &hit), IPC_ERR_INVALID_ARG);
    OK(ipc_cap_delete(bare, &bcs, bt)); /* no caches to invalidate */
    /* A cache that was never initialised is refused, not used. */
    struct ipc_capcache broken;
    memset(&broken, 0, sizeof broken);
    ipc_capsys_init(bare, &broken, 1);
    OK(ipc_cspace_attach(bare, &bcs, 1, bslots, 2));
    OK(ipc_cap_create(bare, &bcs, IPC_OBJ_PORT, 1, 0, 0, &bt));
    FAILS(ipc_cap_lookup_cached(bare, 0, &bcs, bt, IPC_OBJ_PORT, 0, &s, &hit), IPC_ERR_INVALID_ARG);
    OK(ipc_cap_delete(bare, &bcs, bt));
    assert_int_equal(broken.invalidations, 0);
    free(bare);
}

static void two_caches_are_both_invalidated(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *cs = &f->cs[2];
    ipc_cap_t root = mkroot(f, cs, 1, IPC_RIGHTS_ALL), kid;
    OK(ipc_cap_derive(&f->sys, cs, root, IPC_RIGHT_SEND, &kid));
    bool hit;
    for (unsigned core = 0; core < NCORES; core++) {
        OK(ipc_cap_lookup_cached(&f->sys, core, cs, kid, IPC_OBJ_PORT, 0, NULL, &hit));
        OK(ipc_cap_lookup_cached(&f->sys, core, cs, kid, IPC_OBJ_PORT, 0, NULL, &hit));
        assert_true(hit);
        OK(ipc_cap_lookup_cached(&f->sys, core, cs, root, IPC_OBJ_PORT, 0, NULL, &hit));
    }
    OK(ipc_cap_revoke(&f->sys, cs, root));
    assert_int_equal(f->nev[IPC_CAP_EV_INVALIDATE], 2);
    for (unsigned core = 0; core < NCORES; core++) {
        assert_int_equal(f->caches[core].invalidations, 1);
        FAILS(ipc_cap_lookup_cached(&f->sys, core, cs, kid, IPC_OBJ_PORT, 0, NULL, &hit),
              IPC_ERR_INVALID_CAP);
        assert_false(hit);
        OK(ipc_cap_lookup_cached(&f->sys, core, cs, root, IPC_OBJ_PORT, 0, NULL, &hit));
        assert_true(hit);
    }
    OK(ipc_cap_delete(&f->sys, cs, root));
    for (unsigned core = 0; core < NCORES; core++) {
        assert_int_equal(f->caches[core].invalidations, 2);
        FAILS(ipc_cap_lookup_cached(&f->sys, core, cs, root, IPC_OBJ_PORT, 0, NULL, &hit),
              IPC_ERR_INVALID_CAP);
    }
}

static void cache_of_one_line_is_still_correct(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 2);
    struct ipc_cspace *a = &f->cs[0], *b = &f->cs[1];
    ipc_cap_t t[8];
    for (unsigned k = 0; k < 8; k++)
        OK(ipc_cap_create(&f->sys, k & 1 ? b : a, IPC_OBJ_PORT, k, k & 0xf, 0, &t[k]));
    unsigned lookups = 0;
    for (unsigned round = 0; round < 50; round++) {
        for (unsigned k = 0; k < 8; k++) {
            struct ipc_cspace *cs = k & 1 ? b : a;
            struct ipc_slot *s, *want;
            bool hit;
            int r = ipc_cap_lookup(&f->sys, cs, t[k], IPC_OBJ_PORT, k & 0xf, &want);
            OK(r);
            for (unsigned core = 0; core < NCORES; core++) {
                OK(ipc_cap_lookup_cached(&f->sys, core, cs, t[k], IPC_OBJ_PORT, k & 0xf, &s, &hit));
                assert_ptr_equal(s, want);
                assert_int_equal(s->obj, k);
                /* The same token twice in a row always hits. */
                OK(ipc_cap_lookup_cached(&f->sys, core, cs, t[k], IPC_OBJ_PORT, 0, &s, &hit));
                assert_true(hit);
                FAILS(ipc_cap_lookup_cached(&f->sys, core, cs, t[k], IPC_OBJ_PORT, 0x10, &s, &hit),
                      IPC_ERR_INSUFFICIENT_RIGHTS);
                assert_true(hit);
            }
            lookups++;
        }
    }
    /* One line: eight tokens in turn always collide. */
    assert_int_equal(f->caches[0].misses, lookups);
    assert_int_equal(f->caches[0].hits, 2 * lookups);
    assert_int_equal(f->caches[1].hits + f->caches[1].misses, 3 * lookups);

    /* Deleting a token whose line holds another one drops nothing. */
    OK(ipc_cap_lookup_cached(&f->sys, 0, a, t[0], IPC_OBJ_PORT, 0, NULL, NULL));
    OK(ipc_cap_delete(&f->sys, a, t[2]));
    assert_int_equal(f->caches[0].invalidations, 0);
    OK(ipc_cap_delete(&f->sys, a, t[0]));
    assert_int_equal(f->caches[0].invalidations, 1);
    bool hit;
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, a, t[0], IPC_OBJ_PORT, 0, NULL, &hit),
          IPC_ERR_INVALID_CAP);
    assert_false(hit);
    FAILS(ipc_cap_lookup_cached(&f->sys, 0, a, t[2], IPC_OBJ_PORT, 0, NULL, &hit),
          IPC_ERR_INVALID_CAP);
    assert_false(hit);
    free(f);
}

static void observer_sees_hit_miss_invalidate_delete(void **state)
{
    struct fx *f = *state;
    struct ipc_cspace *cs = &f->cs[3];
    ipc_cap_t t = mkroot(f, cs, 1, IPC_RIGHT_SEND), kid;
    OK(ipc_cap_derive(&f->sys, cs, t, IPC_RIGHT_SEND, &kid));
    assert_int_equal(f->nlog, 0); /* create, derive and full lookups say nothing */
    OK(ipc_cap_lookup(&f->sys, cs, t, IPC_OBJ_PORT, 0, NULL));
    assert_int_equal(f->nlog, 0);
    OK(ipc_cap_lookup_cached(&f->sys, 1, cs, kid, IPC_OBJ_PORT, 0, NULL, NULL));
    OK(ipc_cap_lookup_cached(&f->sys, 1, cs, kid, IPC_OBJ_PORT, 0, NULL, NULL));
    OK(ipc_cap_delete(&f->sys, cs, t));
    const struct evrec want[] = {
        {IPC_CAP_EV_MISS, 1, 4, kid},   {IPC_CAP_EV_HIT, 1, 4, kid},
        {IPC_CAP_EV_DELETE, 0, 4, kid}, {IPC_CAP_EV_INVALIDATE, 1, 4, kid},
        {IPC_CAP_EV_DELETE, 0, 4, t},
    };
    assert_int_equal(f->nlog, 5);
    for (unsigned k = 0; k < 5; k++) {
        assert_int_equal(f->log[k].ev, want[k].ev);
        assert_int_equal(f->log[k].core, want[k].core);
        assert_int_equal(f->log[k].cspace, want[k].cspace);
        assert_int_equal(f->log[k].tok, want[k].tok);
    }
    /* Without an observer everything still works. */
    f->sys.event = NULL;
    ipc_cap_t u = mkroot(f, cs, 2, 0);
    OK(ipc_cap_lookup_cached(&f->sys, 0, cs, u, IPC_OBJ_PORT, 0, NULL, NULL));
    OK(ipc_cap_lookup_cached(&f->sys, 0, cs, u, IPC_OBJ_PORT, 0, NULL, NULL));
    OK(ipc_cap_delete(&f->sys, cs, u));
    assert_int_equal(f->nlog, 5);
    assert_int_equal(f->caches[0].invalidations, 1);
}

/* ---- randomized differential test -------------------------------------- */

#define RS 4  /* spaces */
#define RN 24 /* slots per space */
#define RPOOL 64

struct mslot {
    bool alive;
    uint8_t type, rights;
    uint16_t flags;
    uint32_t obj, gen;
    int psp, pix; /* parent: space and index, -1 for none */
};

struct model {
    struct mslot s[RS][RN];
    bool attached[RS];
    unsigned used[RS];
    unsigned kills;
    ipc_cap_t pool[RS][RPOOL];
    unsigned npool[RS];
};

static void m_attach(struct model *m, int sp)
{
    m->attached[sp] = true;
    m->used[sp] = 0;
    for (int i = 0; i < RN; i++)
        m->s[sp][i] = (struct mslot){.gen = 1, .psp = -1, .pix = -1};
}

/* Returns what the full lookup must return in the model. */
static int m_find(const struct model *m, int sp, ipc_cap_t tok, unsigned type, unsigned rights)
{
    if (!m->attached[sp])
        return IPC_ERR_INVALID_ARG;
    unsigned i = tok & 0xffffff; /* one level: a guard of 19 zero bits, 5 index bits */
    if (i >= RN)
        return IPC_ERR_INVALID_CAP;
    const struct mslot *s = &m->s[sp][i];
    if (!s->alive || s->gen != (uint32_t)(tok >> 32) || s->type != ((tok >> 24) & 0xff))
        return IPC_ERR_INVALID_CAP;
    if (type != 0 && type != s->type)
        return IPC_ERR_INVALID_CAP;
    if (rights & ~(unsigned)s->rights)
        return IPC_ERR_INSUFFICIENT_RIGHTS;
    return IPC_OK;
}

/* Returns true if (sp, i) lies strictly below (rsp, ri). */
static bool m_below(const struct model *m, int sp, int i, int rsp, int ri)
{
    const struct mslot *s = &m->s[sp][i];
    while (s->psp >= 0) {
        if (s->psp == rsp && s->pix == ri)
            return true;
        s = &m->s[s->psp][s->pix];
    }
    return false;
}

static unsigned m_count_below(const struct model *m, int rsp, int ri)
{
    unsigned n = 0;
    for (int sp = 0; sp < RS; sp++)
        for (int i = 0; i < RN; i++)
            if (m->s[sp][i].alive && m_below(m, sp, i, rsp, ri))
                n++;
    return n;
}

static void m_kill_below(struct model *m, int rsp, int ri, bool self)
{
    bool doomed[RS][RN] = {{false}};
    for (int sp = 0; sp < RS; sp++)
        for (int i = 0; i < RN; i++)
            doomed[sp][i] = m->s[sp][i].alive && m_below(m, sp, i, rsp, ri);
    doomed[rsp][ri] = doomed[rsp][ri] || self;
    for (int sp = 0; sp < RS; sp++)
        for (int i = 0; i < RN; i++) {
            if (!doomed[sp][i])
                continue;
            struct mslot *s = &m->s[sp][i];
            uint32_t gen = s->gen + 1 == 0 ? 1 : s->gen + 1;
            *s = (struct mslot){.gen = gen, .psp = -1, .pix = -1};
            m->used[sp]--;
            m->kills++;
        }
}

static void m_remember(struct model *m, int sp, ipc_cap_t t)
{
    m->pool[sp][m->npool[sp]++ % RPOOL] = t;
}

/* Returns a token to try in space `sp`: mostly one that was issued there
 * (often one of the last eight, so caches hit), sometimes one from another
 * space, a mutated one or random bits. */
static ipc_cap_t pick_tok(const struct model *m, int sp)
{
    unsigned r = rng_below(100);
    int from = r < 80 ? sp : (int)rng_below(RS);
    unsigned n = m->npool[from] < RPOOL ? m->npool[from] : RPOOL;
    if (n == 0 || r >= 95)
        return r & 1 ? rng() : ipc_tok_make(rng_below(RN + 2), rng_below(8), rng_below(4));
    unsigned k = r < 40 && n > 8 ? (m->npool[from] - 1 - rng_below(8)) % RPOOL : rng_below(n);
    ipc_cap_t t = m->pool[from][k];
    if (r >= 90)
        t ^= 1ull << rng_below(64);
    return t;
}

static unsigned pick_rights(void)
{
    unsigned r = rng_below(20);
    return r == 0 ? 0x10u | rng_below(16) : r < 6 ? IPC_RIGHTS_ALL : rng_below(16);
}

/* Records a capability the system made at `t` in space `sp`, checking the
 * slot was free in the model. */
static void m_made(struct model *m, int sp, ipc_cap_t t, unsigned type, uint32_t obj,
                   unsigned rights, unsigned flags, int psp, int pix)
{
    unsigned i = ipc_tok_index(t);
    assert_true(i < RN);
    struct mslot *s = &m->s[sp][i];
    assert_false(s->alive);
    assert_int_equal(ipc_tok_gen(t), s->gen);
    assert_int_equal(ipc_tok_type(t), type);
    *s = (struct mslot){true, (uint8_t)type, (uint8_t)rights, (uint16_t)flags, obj, s->gen, psp,
                        pix};
    m->used[sp]++;
    m_remember(m, sp, t);
}

/* Checks every slot of every attached space against the model. */
static void m_compare(const struct model *m, const struct fx *f)
{
    for (int sp = 0; sp < RS; sp++) {
        if (!m->attached[sp]) {
            assert_null(f->sys.spaces[sp + 1]);
            continue;
        }
        const struct ipc_cspace *cs = &f->cs[sp];
        assert_ptr_equal(f->sys.spaces[sp + 1], cs);
        assert_int_equal(cs->used, m->used[sp]);
        for (int i = 0; i < RN; i++) {
            const struct mslot *ms = &m->s[sp][i];
            const struct ipc_slot *s = &cs->slots[i];
            assert_int_equal(s->gen, ms->gen);
            assert_int_equal(s->type != IPC_OBJ_NONE, ms->alive);
            if (!ms->alive)
                continue;
            assert_int_equal(s->type, ms->type);
            assert_int_equal(s->rights, ms->rights);
            assert_int_equal(s->obj, ms->obj);
            assert_int_equal(s->flags, ms->flags);
            ipc_slotref_t p =
                ms->psp < 0 ? IPC_SLOT_NIL
                            : ((ipc_slotref_t)f->cs[ms->psp].root->id << 16) | (unsigned)ms->pix;
            assert_int_equal(s->parent, p);
        }
        check_space(&f->sys, cs);
    }
}

static void random_operations_agree_with_a_model(void **state)
{
    (void)state;
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    OK(ipc_capcache_init(&f->caches[0], f->lines[0], 64));
    OK(ipc_capcache_init(&f->caches[1], f->lines[1], 2));
    ipc_capsys_init(&f->sys, f->caches, NCORES);
    f->sys.event = on_event;
    f->sys.ctx = f;
    struct model *m = calloc(1, sizeof *m);
    assert_non_null(m);
    for (int sp = 0; sp < RS; sp++) {
        OK(ipc_cspace_attach(&f->sys, &f->cs[sp], (uint16_t)(sp + 1), f->slots[sp], RN));
        m_attach(m, sp);
    }
    rng_state = 0x1234abcdull;
    unsigned cached = 0, hits = 0, counts[9] = {0};
    for (unsigned step = 0; step < 400000; step++) {
        int sp = (int)rng_below(RS);
        struct ipc_cspace *cs = &f->cs[sp];
        unsigned op = rng_below(100);
        ipc_cap_t t = pick_tok(m, sp), out;
        if (op < 14) { /* create */
            unsigned type = rng_below(10) == 0 ? rng_below(256) : 1 + rng_below(6);
            unsigned rights = pick_rights(), flags = rng_below(10) == 0 ? rng_below(4) : 0;
            uint32_t obj = (uint32_t)rng();
            int want = !m->attached[sp] ? IPC_ERR_INVALID_ARG
                       : type == 0 || type >= IPC_OBJ_CNODE || rights > IPC_RIGHTS_ALL ||
                               flags > IPC_SLOT_ONESHOT
                           ? IPC_ERR_INVALID_ARG
                       : m->used[sp] == RN ? IPC_ERR_NO_SLOT
                                           : IPC_OK;
            FAILS(ipc_cap_create(&f->sys, cs, (enum ipc_obj_type)type, obj, rights, flags, &out),
                  want);
            if (want == IPC_OK)
                m_made(m, sp, out, type, obj, rights, flags, -1, -1);
            counts[0]++;
        } else if (op < 30) { /* derive or grant */
            bool grant = op >= 22;
            int to = grant ? (int)rng_below(RS) : sp;
            unsigned rights = pick_rights();
            int want =
                !m->attached[sp] || !m->attached[to] ? IPC_ERR_INVALID_ARG : m_find(m, sp, t, 0, 0);
            if (want == IPC_OK) {
                const struct mslot *p = &m->s[sp][t & 0xffffff];
                if ((grant && !(p->rights & IPC_RIGHT_GRANT)) || (rights & ~(unsigned)p->rights))
                    want = IPC_ERR_INSUFFICIENT_RIGHTS;
                else if (m->used[to] == RN)
                    want = IPC_ERR_NO_SLOT;
            }
            int r = grant ? ipc_cap_grant(&f->sys, cs, t, &f->cs[to], rights, &out)
                          : ipc_cap_derive(&f->sys, cs, t, rights, &out);
            FAILS(r, want);
            if (want == IPC_OK) {
                const struct mslot *p = &m->s[sp][t & 0xffffff];
                m_made(m, to, out, p->type, p->obj, rights, p->flags, sp, (int)(t & 0xffffff));
            } else {
                assert_int_equal(out, IPC_CAP_NULL);
            }
            counts[grant ? 2 : 1]++;
        } else if (op < 36) { /* revoke or delete */
            bool del = op >= 33;
            int want = m_find(m, sp, t, 0, 0);
            FAILS(del ? ipc_cap_delete(&f->sys, cs, t) : ipc_cap_revoke(&f->sys, cs, t), want);
            if (want == IPC_OK)
                m_kill_below(m, sp, (int)(t & 0xffffff), del);
            counts[del ? 4 : 3]++;
        } else if (op < 94) { /* lookup, full and cached */
            unsigned type = rng_below(4) == 0 ? rng_below(9) : 0;
            unsigned rights = rng_below(3) == 0 ? pick_rights() : 0;
            if (rng_below(3) == 0)
                type = ipc_tok_type(t);
            int want = m_find(m, sp, t, type, rights);
            struct ipc_slot *s1 = (struct ipc_slot *)1, *s2 = (struct ipc_slot *)1;
            FAILS(ipc_cap_lookup(&f->sys, cs, t, (enum ipc_obj_type)type, rights, &s1), want);
            unsigned core = rng_below(NCORES);
            bool hit = false;
            FAILS(ipc_cap_lookup_cached(&f->sys, core, cs, t, (enum ipc_obj_type)type, rights, &s2,
                                        &hit),
                  want);
            assert_ptr_equal(s1, s2);
            if (want == IPC_OK) {
                assert_ptr_equal(s1, &cs->slots[t & 0xffffff]);
            } else {
                assert_null(s1);
            }
            if (m->attached[sp]) {
                cached++;
                hits += hit;
            } else {
                assert_false(hit);
            }
            counts[5]++;
        } else if (op < 99) { /* descendants */
            unsigned want =
                m_find(m, sp, t, 0, 0) == IPC_OK ? m_count_below(m, sp, (int)(t & 0xffffff)) : 0;
            assert_int_equal(ipc_cap_descendants(&f->sys, cs, t), want);
            counts[6]++;
        } else if (m->attached[sp] && rng_below(8) == 0) { /* detach */
            for (int i = 0; i < RN; i++)
                if (m->s[sp][i].alive)
                    m_kill_below(m, sp, i, true);
            ipc_cspace_detach(&f->sys, cs);
            m->attached[sp] = false;
            counts[7]++;
        } else if (!m->attached[sp]) { /* attach again */
            OK(ipc_cspace_attach(&f->sys, cs, (uint16_t)(sp + 1), f->slots[sp], RN));
            m_attach(m, sp);
            counts[8]++;
        }
        m_compare(m, f);
    }
    /* Every kind of operation ran often, and the cache did real work. */
    for (unsigned k = 0; k < 9; k++)
        assert_true(counts[k] > 100);
    assert_int_equal(
        f->caches[0].hits + f->caches[0].misses + f->caches[1].hits + f->caches[1].misses, cached);
    assert_int_equal(f->caches[0].hits + f->caches[1].hits, hits);
    assert_true(hits > 10000);
    assert_true(cached - hits > 10000);
    assert_true(f->caches[0].invalidations > 100);
    assert_true(f->caches[1].invalidations > 10);
    assert_int_equal(f->nev[IPC_CAP_EV_HIT], hits);
    assert_int_equal(f->nev[IPC_CAP_EV_MISS], cached - hits);
    assert_int_equal(f->nev[IPC_CAP_EV_INVALIDATE],
                     f->caches[0].invalidations + f->caches[1].invalidations);
    assert_int_equal(f->nev[IPC_CAP_EV_DELETE], m->kills);
    free(m);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(cache_counts_hits_and_misses_and_agrees_with_lookup, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(two_caches_are_both_invalidated, setup, teardown),
        cmocka_unit_test(cache_of_one_line_is_still_correct),
        cmocka_unit_test_setup_teardown(observer_sees_hit_miss_invalidate_delete, setup, teardown),
        cmocka_unit_test(random_operations_agree_with_a_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
