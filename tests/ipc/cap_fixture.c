/* tests/ipc/cap_fixture.c: the capability-system fixture (see
 * cap_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include "cap_fixture.h"

void on_event(void *ctx, enum ipc_cap_event ev, unsigned core, uint16_t cspace, ipc_cap_t tok,
              uint32_t obj)
{
    struct fx *f = ctx;
    if (ev != IPC_CAP_EV_DELETE)
        assert_int_equal(obj, 0);
    assert_true((unsigned)ev < 4);
    f->nev[ev]++;
    if (f->nlog < NLOG)
        f->log[f->nlog++] = (struct evrec){ev, core, cspace, tok};
}

/* Returns a fresh fixture whose core caches have `l0` and `l1` lines. */
struct fx *fx_new(uint32_t l0, uint32_t l1)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    OK(ipc_capcache_init(&f->caches[0], f->lines[0], l0));
    OK(ipc_capcache_init(&f->caches[1], f->lines[1], l1));
    ipc_capsys_init(&f->sys, f->caches, NCORES);
    f->sys.event = on_event;
    f->sys.ctx = f;
    for (unsigned s = 0; s < NSPACES; s++)
        OK(ipc_cspace_attach(&f->sys, &f->cs[s], (uint16_t)(s + 1), f->slots[s], NSLOTS));
    return f;
}

int setup(void **state)
{
    *state = fx_new(NLINES, NLINES);
    return 0;
}

int teardown(void **state)
{
    free(*state);
    return 0;
}

/* Returns the slot reference `r` names, checking it names a leaf CNode
 * of an attached space. */
static const struct ipc_slot *ref_slot(const struct ipc_capsys *sys, ipc_slotref_t r)
{
    assert_int_not_equal(r, IPC_SLOT_NIL);
    unsigned id = r >> 16, index = r & 0xffffu;
    assert_true(id >= 1 && id < IPC_MAX_CNODES);
    const struct ipc_cnode *cn = sys->cnodes[id];
    assert_non_null(cn);
    assert_int_equal(cn->id, id);
    assert_false(cn->interior);
    assert_non_null(sys->spaces[cn->space]);
    assert_true(index < cn->nslots);
    return &cn->slots[index];
}

/* Checks slot `i` of leaf CNode `cn` (see check_space); returns 1 if it
 * holds a capability, else 0. */
static unsigned check_slot(const struct ipc_capsys *sys, const struct ipc_cnode *cn, unsigned i)
{
    {
        const struct ipc_slot *s = &cn->slots[i];
        ipc_slotref_t self = ((ipc_slotref_t)cn->id << 16) | i;
        assert_int_not_equal(s->gen, 0);
        if (s->type == IPC_OBJ_NONE) {
            assert_int_equal(s->parent, IPC_SLOT_NIL);
            assert_int_equal(s->first_child, IPC_SLOT_NIL);
            assert_int_equal(s->next_sibling, IPC_SLOT_NIL);
            assert_int_equal(s->prev_sibling, IPC_SLOT_NIL);
            return 0;
        }
        assert_true(s->type < IPC_OBJ_CNODE);
        assert_int_equal(s->rights & ~IPC_RIGHTS_ALL, 0);
        if (s->parent == IPC_SLOT_NIL) {
            assert_int_equal(s->prev_sibling, IPC_SLOT_NIL);
            assert_int_equal(s->next_sibling, IPC_SLOT_NIL);
        } else {
            const struct ipc_slot *p = ref_slot(sys, s->parent);
            assert_int_not_equal(p->type, IPC_OBJ_NONE);
            assert_int_equal(p->type, s->type);
            assert_int_equal(p->obj, s->obj);
            assert_int_equal(s->rights & ~p->rights, 0);
            if (s->prev_sibling == IPC_SLOT_NIL)
                assert_int_equal(p->first_child, self);
        }
        if (s->prev_sibling != IPC_SLOT_NIL) {
            const struct ipc_slot *q = ref_slot(sys, s->prev_sibling);
            assert_int_equal(q->next_sibling, self);
            assert_int_equal(q->parent, s->parent);
        }
        if (s->next_sibling != IPC_SLOT_NIL) {
            const struct ipc_slot *q = ref_slot(sys, s->next_sibling);
            assert_int_equal(q->prev_sibling, self);
            assert_int_equal(q->parent, s->parent);
        }
        if (s->first_child != IPC_SLOT_NIL) {
            const struct ipc_slot *c = ref_slot(sys, s->first_child);
            assert_int_equal(c->parent, self);
            assert_int_equal(c->prev_sibling, IPC_SLOT_NIL);
        }
    }
    return 1;
}

/* Checks every slot of `cs`: empty slots have no links; links of full slots
 * name full slots of attached spaces and agree with each other; `used` is
 * right. */
void check_space(const struct ipc_capsys *sys, const struct ipc_cspace *cs)
{
    unsigned used = 0, nslots = 0, ncnodes = 0;
    for (const struct ipc_cnode *cn = cs->root; cn != NULL; cn = cn->next) {
        ncnodes++;
        assert_int_equal(cn->space, cs->id);
        assert_ptr_equal(sys->cnodes[cn->id], cn);
        unsigned cused = 0;
        for (unsigned i = 0; i < cn->nslots; i++) {
            const struct ipc_slot *s = &cn->slots[i];
            cused += s->type != IPC_OBJ_NONE;
            if (cn->interior)
                assert_true(s->type == IPC_OBJ_NONE || s->type == IPC_OBJ_CNODE);
            else
                assert_int_not_equal(s->type, IPC_OBJ_CNODE);
        }
        assert_int_equal(cn->used, cused);
        if (!cn->interior)
            nslots += cn->nslots;
    }
    assert_int_equal(cs->cnodes, ncnodes);
    assert_int_equal(cs->nslots, nslots);
    for (const struct ipc_cnode *cn = cs->root; cn != NULL; cn = cn->next)
        for (unsigned i = 0; !cn->interior && i < cn->nslots; i++)
            used += check_slot(sys, cn, i);
    assert_int_equal(cs->used, used);
}

/* Checks every attached space of `sys` with check_space. */
void check_trees(const struct ipc_capsys *sys)
{
    for (unsigned id = 1; id < IPC_MAX_CSPACES; id++) {
        if (sys->spaces[id] == NULL)
            continue;
        assert_int_equal(sys->spaces[id]->id, id);
        check_space(sys, sys->spaces[id]);
    }
}

/* Returns a new root capability of `cs` (a port to object `obj`). */
ipc_cap_t mkroot(struct fx *f, struct ipc_cspace *cs, uint32_t obj, unsigned rights)
{
    ipc_cap_t t;
    OK(ipc_cap_create(&f->sys, cs, IPC_OBJ_PORT, obj, rights, 0, &t));
    return t;
}

/* The deterministic PRNG of the tests (splitmix64). */
uint64_t rng_state;

uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

unsigned rng_below(unsigned n)
{
    return (unsigned)(rng() % n);
}
