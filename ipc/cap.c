/* ipc/cap.c: capability spaces, derivation trees, revocation and the
 * per-core capability cache (see cap.h).
 *
 * Freestanding: no libc at all (the file is built into the guest with
 * -ffreestanding -nostdlib -fno-builtin), so clearing is done with loops.
 *
 * Tree links are slot references (space id << 16 | index). Invariant: a
 * link only ever names a non-empty slot of an attached space; emptying a
 * slot unlinks it, and only leaves are emptied (subtrees die leaves first,
 * by an iterative walk over the parent and sibling links, no recursion and
 * no extra memory). */
#include "ipc/cap.h"

_Static_assert(IPC_MAX_CSPACES <= 0x10000u, "space ids fit 16 bits");
_Static_assert((((IPC_MAX_CSPACES - 1u) << 16) | 0xffffu) != IPC_SLOT_NIL,
               "no slot reference equals IPC_SLOT_NIL");
_Static_assert(IPC_OBJ_COUNT <= 0x100, "object types fit a slot's type byte");
_Static_assert(IPC_RIGHTS_ALL <= 0xffu, "rights fit a slot's rights byte");

/* Returns the reference of slot `index` of space `id`. */
static ipc_slotref_t cap_ref(uint16_t id, uint32_t index)
{
    return ((ipc_slotref_t)id << 16) | (index & 0xffffu);
}

/* Returns the space id part of reference `r`. */
static uint16_t cap_ref_space(ipc_slotref_t r)
{
    return (uint16_t)(r >> 16);
}

/* Returns the slot index part of reference `r`. */
static uint16_t cap_ref_index(ipc_slotref_t r)
{
    return (uint16_t)(r & 0xffffu);
}

/* Returns the slot `r` names; `r` must name a slot of an attached space
 * (every tree link does). */
static struct ipc_slot *cap_slot(const struct ipc_capsys *sys, ipc_slotref_t r)
{
    return &sys->spaces[cap_ref_space(r)]->slots[cap_ref_index(r)];
}

/* Returns true if `sys` and `cs` are non-NULL and `cs` is attached to
 * `sys` under its id. */
static bool cap_attached(const struct ipc_capsys *sys, const struct ipc_cspace *cs)
{
    return sys != NULL && cs != NULL && cs->id != 0 && cs->id < IPC_MAX_CSPACES &&
           sys->spaces[cs->id] == cs;
}

/* Returns true if cache `c` is usable: lines present, size a power of
 * two >= 1. */
static bool cap_cache_ok(const struct ipc_capcache *c)
{
    return c->lines != NULL && c->size != 0 && (c->size & (c->size - 1u)) == 0;
}

/* Returns the line of cache `c` that token `tok` of space `id` uses: a
 * fixed function of (id, tok) only. Consecutive slots of one space at one
 * generation land on consecutive lines, so a working set no larger than
 * the cache does not conflict with itself. */
static uint32_t cap_line(const struct ipc_capcache *c, uint16_t id, ipc_cap_t tok)
{
    uint32_t h = ipc_tok_index(tok);
    h += (uint32_t)id * 0x9e3779b1u;
    h += ipc_tok_gen(tok) * 0x85ebca6bu;
    return h & (c->size - 1u);
}

/* Reports event `ev` to the observer, if there is one. */
static void cap_event(const struct ipc_capsys *sys, enum ipc_cap_event ev, unsigned core,
                      uint16_t id, ipc_cap_t tok)
{
    if (sys->event != NULL)
        sys->event(sys->ctx, ev, core, id, tok);
}

/* The full lookup behind every public entry: returns IPC_OK with *out set
 * to the slot `tok` names in `cs` (attached), IPC_ERR_INVALID_CAP if the
 * token is malformed, out of range, names an empty slot, carries another
 * generation or type, or `type` (IPC_OBJ_NONE: any) does not match, and
 * IPC_ERR_INSUFFICIENT_RIGHTS if the slot lacks a right in `rights`. */
static int cap_find(const struct ipc_cspace *cs, ipc_cap_t tok, unsigned type, unsigned rights,
                    struct ipc_slot **out)
{
    if (!ipc_tok_well_formed(tok))
        return IPC_ERR_INVALID_CAP;
    uint32_t index = ipc_tok_index(tok);
    if (index >= cs->nslots)
        return IPC_ERR_INVALID_CAP;
    struct ipc_slot *s = &cs->slots[index];
    if (s->type == IPC_OBJ_NONE || s->gen != ipc_tok_gen(tok) || s->type != ipc_tok_type(tok))
        return IPC_ERR_INVALID_CAP;
    if (type != IPC_OBJ_NONE && type != s->type)
        return IPC_ERR_INVALID_CAP;
    if ((rights & ~(unsigned)s->rights) != 0)
        return IPC_ERR_INSUFFICIENT_RIGHTS;
    *out = s;
    return IPC_OK;
}

/* Finds a free slot of `cs`, starting at its hint. Returns IPC_OK with
 * *index set, or IPC_ERR_NO_SLOT when every slot is in use. */
static int cap_alloc(struct ipc_cspace *cs, uint16_t *index)
{
    if (cs->used >= cs->nslots)
        return IPC_ERR_NO_SLOT;
    uint32_t i = cs->hint < cs->nslots ? cs->hint : 0;
    for (uint32_t n = 0; n < cs->nslots; n++) {
        if (cs->slots[i].type == IPC_OBJ_NONE) {
            *index = (uint16_t)i;
            return IPC_OK;
        }
        i = i + 1u == cs->nslots ? 0 : i + 1u;
    }
    return IPC_ERR_NO_SLOT; /* `used` disagrees with the slots: none free */
}

/* Fills free slot `index` of `cs` and links it as the first child of
 * `parent` (IPC_SLOT_NIL: a root). Returns the new capability's token. */
static ipc_cap_t cap_fill(const struct ipc_capsys *sys, struct ipc_cspace *cs, uint16_t index,
                          unsigned type, uint32_t obj, unsigned rights, unsigned flags,
                          ipc_slotref_t parent)
{
    struct ipc_slot *s = &cs->slots[index];
    ipc_slotref_t self = cap_ref(cs->id, index);
    s->obj = obj;
    s->type = (uint8_t)type;
    s->rights = (uint8_t)rights;
    s->flags = (uint16_t)flags;
    s->parent = parent;
    s->first_child = IPC_SLOT_NIL;
    s->prev_sibling = IPC_SLOT_NIL;
    s->next_sibling = IPC_SLOT_NIL;
    if (parent != IPC_SLOT_NIL) {
        struct ipc_slot *p = cap_slot(sys, parent);
        s->next_sibling = p->first_child;
        if (p->first_child != IPC_SLOT_NIL)
            cap_slot(sys, p->first_child)->prev_sibling = self;
        p->first_child = self;
    }
    cs->used++;
    cs->hint = index + 1u == cs->nslots ? 0 : (uint16_t)(index + 1u);
    if (sys->obj_ref)
        sys->obj_ref(sys->ctx, type, obj, +1);
    return ipc_tok_make(index, type, s->gen);
}

/* Drops the line a token of space `id` would use in every cache, if it
 * holds exactly that token; counts and reports each drop. O(caches). */
static void cap_invalidate(struct ipc_capsys *sys, uint16_t id, ipc_cap_t tok)
{
    if (sys->caches == NULL)
        return;
    for (unsigned i = 0; i < sys->ncaches; i++) {
        struct ipc_capcache *c = &sys->caches[i];
        if (!cap_cache_ok(c))
            continue;
        struct ipc_capcache_line *l = &c->lines[cap_line(c, id, tok)];
        if (l->cspace != id || l->tok != tok)
            continue;
        l->cspace = 0;
        l->tok = IPC_CAP_NULL;
        l->slot = NULL;
        c->invalidations++;
        cap_event(sys, IPC_CAP_EV_INVALIDATE, i, id, tok);
    }
}

/* Empties the slot `r` names, which must be a leaf (no children): unlinks
 * it from its parent and siblings, bumps its generation (skipping 0), and
 * invalidates the cache lines of its old token. Returns nothing. */
static void cap_empty(struct ipc_capsys *sys, ipc_slotref_t r)
{
    struct ipc_cspace *cs = sys->spaces[cap_ref_space(r)];
    uint16_t index = cap_ref_index(r);
    struct ipc_slot *s = &cs->slots[index];
    ipc_cap_t old = ipc_tok_make(index, s->type, s->gen);

    if (s->prev_sibling != IPC_SLOT_NIL)
        cap_slot(sys, s->prev_sibling)->next_sibling = s->next_sibling;
    else if (s->parent != IPC_SLOT_NIL)
        cap_slot(sys, s->parent)->first_child = s->next_sibling;
    if (s->next_sibling != IPC_SLOT_NIL)
        cap_slot(sys, s->next_sibling)->prev_sibling = s->prev_sibling;
    s->parent = IPC_SLOT_NIL;
    s->first_child = IPC_SLOT_NIL;
    s->prev_sibling = IPC_SLOT_NIL;
    s->next_sibling = IPC_SLOT_NIL;

    unsigned type = s->type;
    uint32_t obj = s->obj;
    s->obj = 0;
    s->type = IPC_OBJ_NONE;
    s->rights = 0;
    s->flags = 0;
    s->gen = s->gen + 1u == 0 ? 1u : s->gen + 1u;
    cs->used--;
    cs->hint = index;

    cap_event(sys, IPC_CAP_EV_DELETE, 0, cs->id, old);
    cap_invalidate(sys, cs->id, old);
    if (sys->obj_ref)
        sys->obj_ref(sys->ctx, type, obj, -1);
}

/* Empties every descendant of `root` (which stays), leaves first, by an
 * iterative walk: O(descendants) steps, no recursion, no extra memory. */
static void cap_kill_below(struct ipc_capsys *sys, ipc_slotref_t root)
{
    ipc_slotref_t n = cap_slot(sys, root)->first_child;
    while (n != IPC_SLOT_NIL) {
        struct ipc_slot *s = cap_slot(sys, n);
        if (s->first_child != IPC_SLOT_NIL) {
            n = s->first_child;
            continue;
        }
        ipc_slotref_t p = s->parent;
        cap_empty(sys, n);
        n = p == root ? cap_slot(sys, root)->first_child : p;
    }
}

/* Returns how many descendants `root` has, by an iterative pre-order walk. */
static unsigned cap_count_below(const struct ipc_capsys *sys, ipc_slotref_t root)
{
    unsigned count = 0;
    ipc_slotref_t n = cap_slot(sys, root)->first_child;
    while (n != IPC_SLOT_NIL) {
        count++;
        const struct ipc_slot *s = cap_slot(sys, n);
        if (s->first_child != IPC_SLOT_NIL) {
            n = s->first_child;
            continue;
        }
        while (n != root && cap_slot(sys, n)->next_sibling == IPC_SLOT_NIL)
            n = cap_slot(sys, n)->parent;
        if (n == root)
            break;
        n = cap_slot(sys, n)->next_sibling;
    }
    return count;
}

/* Initialises `sys` with no spaces, no observer and the `ncaches` caches
 * at `caches` (none if `caches` is NULL). Returns nothing; does nothing
 * if `sys` is NULL. */
void ipc_capsys_init(struct ipc_capsys *sys, struct ipc_capcache *caches, unsigned ncaches)
{
    if (sys == NULL)
        return;
    for (unsigned i = 0; i < IPC_MAX_CSPACES; i++)
        sys->spaces[i] = NULL;
    sys->top = 0;
    sys->check_overlap = true;
    sys->caches = caches;
    sys->ncaches = caches != NULL ? ncaches : 0;
    sys->event = NULL;
    sys->ctx = NULL;
    sys->obj_ref = NULL;
}

/* Returns IPC_OK after emptying every line of `c` and zeroing its
 * counters, or IPC_ERR_INVALID_ARG if `c` or `lines` is NULL or `size` is
 * not a power of two >= 1. */
int ipc_capcache_init(struct ipc_capcache *c, struct ipc_capcache_line *lines, uint32_t size)
{
    if (c == NULL || lines == NULL || size == 0 || (size & (size - 1u)) != 0)
        return IPC_ERR_INVALID_ARG;
    for (uint32_t i = 0; i < size; i++) {
        lines[i].tok = IPC_CAP_NULL;
        lines[i].cspace = 0;
        lines[i].slot = NULL;
    }
    c->lines = lines;
    c->size = size;
    c->hits = 0;
    c->misses = 0;
    c->invalidations = 0;
    return IPC_OK;
}

/* Returns IPC_OK after making `cs` an empty space `id` over `slots` (all
 * empty, generation 1) attached to `sys`; IPC_ERR_INVALID_ARG if a pointer
 * is NULL, `nslots` is 0, `id` is 0, out of range or taken, `cs` is
 * already attached, or `slots` overlaps an attached space's slots. */
int ipc_cspace_attach(struct ipc_capsys *sys, struct ipc_cspace *cs, uint16_t id,
                      struct ipc_slot *slots, uint16_t nslots)
{
    if (sys == NULL || cs == NULL || slots == NULL || nslots == 0 || id == 0 ||
        id >= IPC_MAX_CSPACES || sys->spaces[id] != NULL)
        return IPC_ERR_INVALID_ARG;
    uintptr_t lo = (uintptr_t)slots;
    uintptr_t hi = (uintptr_t)(slots + nslots);
    for (unsigned i = 1; sys->check_overlap && i <= sys->top; i++) {
        const struct ipc_cspace *o = sys->spaces[i];
        if (o == NULL)
            continue;
        if (o == cs)
            return IPC_ERR_INVALID_ARG;
        uintptr_t olo = (uintptr_t)o->slots;
        uintptr_t ohi = (uintptr_t)(o->slots + o->nslots);
        if (lo < ohi && olo < hi)
            return IPC_ERR_INVALID_ARG;
    }
    for (uint32_t i = 0; i < nslots; i++) {
        struct ipc_slot *s = &slots[i];
        s->obj = 0;
        s->type = IPC_OBJ_NONE;
        s->rights = 0;
        s->flags = 0;
        s->gen = 1;
        s->parent = IPC_SLOT_NIL;
        s->first_child = IPC_SLOT_NIL;
        s->next_sibling = IPC_SLOT_NIL;
        s->prev_sibling = IPC_SLOT_NIL;
    }
    cs->id = id;
    cs->nslots = nslots;
    cs->used = 0;
    cs->hint = 0;
    cs->slots = slots;
    sys->spaces[id] = cs;
    if (id > sys->top)
        sys->top = id;
    return IPC_OK;
}

/* Deletes every capability of `cs` with its descendants in any space
 * (which also unlinks the slots of `cs` that are children of capabilities
 * elsewhere), then detaches `cs`. Returns nothing; does nothing if `cs`
 * is not attached to `sys`. */
void ipc_cspace_detach(struct ipc_capsys *sys, struct ipc_cspace *cs)
{
    if (!cap_attached(sys, cs))
        return;
    for (uint32_t i = 0; i < cs->nslots; i++) {
        if (cs->slots[i].type == IPC_OBJ_NONE)
            continue;
        ipc_slotref_t r = cap_ref(cs->id, i);
        cap_kill_below(sys, r);
        cap_empty(sys, r);
    }
    sys->spaces[cs->id] = NULL;
}

/* Returns IPC_OK with the new root capability's token in *out;
 * IPC_ERR_NO_SLOT if `cs` is full; IPC_ERR_INVALID_ARG if `cs` is not
 * attached, `out` is NULL, `type` is IPC_OBJ_NONE or unknown, or `rights`
 * or `flags` have unknown bits. *out is IPC_CAP_NULL on failure. */
int ipc_cap_create(struct ipc_capsys *sys, struct ipc_cspace *cs, enum ipc_obj_type type,
                   uint32_t obj, unsigned rights, unsigned flags, ipc_cap_t *out)
{
    if (out != NULL)
        *out = IPC_CAP_NULL;
    if (!cap_attached(sys, cs) || out == NULL)
        return IPC_ERR_INVALID_ARG;
    unsigned t = (unsigned)type;
    if (t == IPC_OBJ_NONE || t >= IPC_OBJ_COUNT || (rights & ~IPC_RIGHTS_ALL) != 0 ||
        (flags & ~(unsigned)IPC_SLOT_ONESHOT) != 0)
        return IPC_ERR_INVALID_ARG;
    uint16_t index;
    int r = cap_alloc(cs, &index);
    if (r != IPC_OK)
        return r;
    *out = cap_fill(sys, cs, index, t, obj, rights, flags, IPC_SLOT_NIL);
    return IPC_OK;
}

/* Returns IPC_OK with *out (may be NULL) set to the slot `tok` names;
 * IPC_ERR_INVALID_CAP or IPC_ERR_INSUFFICIENT_RIGHTS as cap.h says;
 * IPC_ERR_INVALID_ARG if `cs` is not attached to `sys`. *out is NULL on
 * failure. */
int ipc_cap_lookup(const struct ipc_capsys *sys, const struct ipc_cspace *cs, ipc_cap_t tok,
                   enum ipc_obj_type type, unsigned rights, struct ipc_slot **out)
{
    if (out != NULL)
        *out = NULL;
    if (!cap_attached(sys, cs))
        return IPC_ERR_INVALID_ARG;
    struct ipc_slot *s;
    int r = cap_find(cs, tok, (unsigned)type, rights, &s);
    if (r == IPC_OK && out != NULL)
        *out = s;
    return r;
}

/* Returns what ipc_cap_lookup returns for the same arguments, answering
 * from core `core`'s cache when the line for (space, tok) holds `tok`
 * (*hit true; the type and rights are still checked against the slot)
 * and otherwise by the full lookup, filling the line only on IPC_OK.
 * Returns IPC_ERR_INVALID_ARG if `cs` is not attached or `core` has no
 * usable cache. `hit` may be NULL. */
int ipc_cap_lookup_cached(struct ipc_capsys *sys, unsigned core, const struct ipc_cspace *cs,
                          ipc_cap_t tok, enum ipc_obj_type type, unsigned rights,
                          struct ipc_slot **out, bool *hit)
{
    if (out != NULL)
        *out = NULL;
    if (hit != NULL)
        *hit = false;
    if (!cap_attached(sys, cs) || sys->caches == NULL || core >= sys->ncaches ||
        !cap_cache_ok(&sys->caches[core]))
        return IPC_ERR_INVALID_ARG;
    struct ipc_capcache *c = &sys->caches[core];
    struct ipc_capcache_line *l = &c->lines[cap_line(c, cs->id, tok)];
    unsigned t = (unsigned)type;
    if (l->cspace == cs->id && l->tok == tok) {
        struct ipc_slot *s = l->slot;
        c->hits++;
        if (hit != NULL)
            *hit = true;
        cap_event(sys, IPC_CAP_EV_HIT, core, cs->id, tok);
        if (t != IPC_OBJ_NONE && t != s->type)
            return IPC_ERR_INVALID_CAP;
        if ((rights & ~(unsigned)s->rights) != 0)
            return IPC_ERR_INSUFFICIENT_RIGHTS;
        if (out != NULL)
            *out = s;
        return IPC_OK;
    }
    c->misses++;
    cap_event(sys, IPC_CAP_EV_MISS, core, cs->id, tok);
    struct ipc_slot *s;
    int r = cap_find(cs, tok, t, rights, &s);
    if (r != IPC_OK)
        return r;
    l->tok = tok;
    l->cspace = cs->id;
    l->slot = s;
    if (out != NULL)
        *out = s;
    return IPC_OK;
}

/* Makes a child of `tok` (in `from`, holding every right in `need`) in
 * space `to` with `rights`. Returns IPC_OK with its token in *out;
 * IPC_ERR_INVALID_CAP, IPC_ERR_INSUFFICIENT_RIGHTS (parent lacks `need`,
 * or `rights` is not a subset of the parent's), IPC_ERR_NO_SLOT, or
 * IPC_ERR_INVALID_ARG (a space not attached, `out` NULL). */
static int cap_child(struct ipc_capsys *sys, struct ipc_cspace *from, ipc_cap_t tok,
                     struct ipc_cspace *to, unsigned rights, unsigned need, ipc_cap_t *out)
{
    if (out != NULL)
        *out = IPC_CAP_NULL;
    if (!cap_attached(sys, from) || !cap_attached(sys, to) || out == NULL)
        return IPC_ERR_INVALID_ARG;
    struct ipc_slot *p;
    int r = cap_find(from, tok, IPC_OBJ_NONE, need, &p);
    if (r != IPC_OK)
        return r;
    if ((rights & ~(unsigned)p->rights) != 0)
        return IPC_ERR_INSUFFICIENT_RIGHTS;
    uint16_t index;
    r = cap_alloc(to, &index);
    if (r != IPC_OK)
        return r;
    *out = cap_fill(sys, to, index, p->type, p->obj, rights, p->flags,
                    cap_ref(from->id, ipc_tok_index(tok)));
    return IPC_OK;
}

/* Returns as cap_child: a child of `tok` in `cs` itself, no right needed.
 * The child keeps the parent's object, type and flags. */
int ipc_cap_derive(struct ipc_capsys *sys, struct ipc_cspace *cs, ipc_cap_t tok, unsigned rights,
                   ipc_cap_t *out)
{
    return cap_child(sys, cs, tok, cs, rights, 0, out);
}

/* Returns as cap_child: a child of `tok` (which must hold
 * IPC_RIGHT_GRANT) in space `to` (which may be `from`). */
int ipc_cap_grant(struct ipc_capsys *sys, struct ipc_cspace *from, ipc_cap_t tok,
                  struct ipc_cspace *to, unsigned rights, ipc_cap_t *out)
{
    return cap_child(sys, from, tok, to, rights, IPC_RIGHT_GRANT, out);
}

/* Returns IPC_OK after moving capability `tok` (which must hold
 * IPC_RIGHT_GRANT) from `from` to `to`: the new capability has the same
 * rights and flags and the same parent, so revoking an ancestor still
 * reaches it; `tok` and its descendants are deleted. Errors as
 * ipc_cap_grant (IPC_ERR_NO_SLOT leaves everything as it was). */
int ipc_cap_move(struct ipc_capsys *sys, struct ipc_cspace *from, ipc_cap_t tok,
                 struct ipc_cspace *to, ipc_cap_t *out)
{
    if (out != NULL)
        *out = IPC_CAP_NULL;
    if (!cap_attached(sys, from) || !cap_attached(sys, to) || out == NULL)
        return IPC_ERR_INVALID_ARG;
    struct ipc_slot *s;
    int r = cap_find(from, tok, IPC_OBJ_NONE, IPC_RIGHT_GRANT, &s);
    if (r != IPC_OK)
        return r;
    uint16_t index;
    if ((r = cap_alloc(to, &index)) != IPC_OK)
        return r;
    *out = cap_fill(sys, to, index, s->type, s->obj, s->rights, s->flags, s->parent);
    ipc_slotref_t self = cap_ref(from->id, ipc_tok_index(tok));
    cap_kill_below(sys, self);
    cap_empty(sys, self);
    return IPC_OK;
}

/* Deletes every descendant of `tok` and, with `self`, `tok` itself: the
 * common body of revoke and delete. */
static inline int cap_kill(struct ipc_capsys *sys, struct ipc_cspace *cs, ipc_cap_t tok, bool self)
{
    if (!cap_attached(sys, cs))
        return IPC_ERR_INVALID_ARG;
    struct ipc_slot *s;
    int r = cap_find(cs, tok, IPC_OBJ_NONE, 0, &s);
    if (r != IPC_OK)
        return r;
    ipc_slotref_t ref = cap_ref(cs->id, ipc_tok_index(tok));
    cap_kill_below(sys, ref);
    if (self)
        cap_empty(sys, ref);
    return IPC_OK;
}

/* Returns IPC_OK after deleting every descendant of `tok` (which stays),
 * IPC_ERR_INVALID_CAP if `tok` names nothing in `cs`, IPC_ERR_INVALID_ARG
 * if `cs` is not attached. No right is checked here: the caller checks
 * IPC_RIGHT_MANAGE where its policy needs it. */
int ipc_cap_revoke(struct ipc_capsys *sys, struct ipc_cspace *cs, ipc_cap_t tok)
{
    return cap_kill(sys, cs, tok, false);
}

/* Returns IPC_OK after deleting `tok` and every descendant of it,
 * IPC_ERR_INVALID_CAP if `tok` names nothing in `cs`, IPC_ERR_INVALID_ARG
 * if `cs` is not attached. */
int ipc_cap_delete(struct ipc_capsys *sys, struct ipc_cspace *cs, ipc_cap_t tok)
{
    return cap_kill(sys, cs, tok, true);
}

/* Returns how many descendants (any depth, any space) the capability
 * `tok` names in `cs` has; 0 if it has none or names nothing. */
unsigned ipc_cap_descendants(const struct ipc_capsys *sys, const struct ipc_cspace *cs,
                             ipc_cap_t tok)
{
    if (!cap_attached(sys, cs))
        return 0;
    struct ipc_slot *s;
    if (cap_find(cs, tok, IPC_OBJ_NONE, 0, &s) != IPC_OK)
        return 0;
    return cap_count_below(sys, cap_ref(cs->id, ipc_tok_index(tok)));
}
