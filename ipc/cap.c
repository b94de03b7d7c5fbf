/* ipc/cap.c: capability spaces (CNode trees and their walk), derivation
 * trees, revocation and the per-core capability cache (see cap.h).
 *
 * Freestanding: no libc at all (the file is built into the guest with
 * -ffreestanding -nostdlib -fno-builtin), so clearing is done with loops.
 *
 * Tree links are slot references (CNode id << 16 | index). Invariant: a
 * link only ever names a non-empty slot of an attached CNode; emptying a
 * slot unlinks it, and only leaves are emptied (subtrees die leaves first,
 * by an iterative walk over the parent and sibling links, no recursion and
 * no extra memory). CNode capabilities are never part of a derivation
 * tree and never named by a token. */
#include "ipc/cap.h"

_Static_assert(IPC_MAX_CSPACES <= 0x10000u, "space ids fit 16 bits");
_Static_assert(IPC_MAX_CNODES <= 0x10000u, "CNode ids fit 16 bits");
_Static_assert((((IPC_MAX_CNODES - 1u) << 16) | 0xffffu) != IPC_SLOT_NIL,
               "no slot reference equals IPC_SLOT_NIL");
_Static_assert(IPC_CNODE_RADIX_MAX <= 16u, "a slot index fits a reference's 16 bits");
_Static_assert(IPC_OBJ_COUNT <= 0x100, "object types fit a slot's type byte");
_Static_assert(IPC_RIGHTS_ALL <= 0xffu, "rights fit a slot's rights byte");
_Static_assert(offsetof(struct ipc_cnode, base) <= 32, "a CNode's hot fields fit 32 bytes");
_Static_assert(offsetof(struct ipc_cspace, own) + offsetof(struct ipc_cnode, base) <= 64,
               "a space's header and its root's hot fields fit a cache line");

/* Returns the reference of slot `index` of CNode `cn`. */
static ipc_slotref_t cap_ref(const struct ipc_cnode *cn, uint32_t index)
{
    return ipc_cap_ref(cn, index);
}

/* Returns the CNode of reference `r`. */
static struct ipc_cnode *cap_ref_cnode(const struct ipc_capsys *sys, ipc_slotref_t r)
{
    return sys->cnodes[r >> 16];
}

/* Returns the slot `r` names; `r` must name a slot of an attached CNode
 * (every tree link does). */
static struct ipc_slot *cap_slot(const struct ipc_capsys *sys, ipc_slotref_t r)
{
    return &sys->cnodes[r >> 16]->slots[r & 0xffffu];
}

/* Returns the address of slot `index` of CNode `cn`. */
static uint32_t cap_addr(const struct ipc_cnode *cn, uint32_t index)
{
    return cn->base | index << cn->shift;
}

/* Returns a mask of the `bits` low bits (bits <= 24). */
static uint32_t cap_mask(unsigned bits)
{
    return ipc_cap_mask(bits);
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

/* Reports event `ev` to the observer, if there is one. */
static void cap_event(const struct ipc_capsys *sys, enum ipc_cap_event ev, unsigned core,
                      uint16_t id, ipc_cap_t tok, uint32_t obj)
{
    if (sys->event != NULL)
        sys->event(sys->ctx, ev, core, id, tok, obj);
}

/* The full lookup behind every public entry: returns IPC_OK with *out set
 * to the slot `tok` names in `cs` (attached) and *ref to its reference,
 * IPC_ERR_INVALID_CAP if the token is malformed (the reply address
 * included), its address does not resolve, or it names an empty slot,
 * carries another generation or type, or `type` (IPC_OBJ_NONE: any) does
 * not match, and IPC_ERR_INSUFFICIENT_RIGHTS if the slot lacks a right in
 * `rights`. */
static int cap_find(const struct ipc_capsys *sys, const struct ipc_cspace *cs, ipc_cap_t tok,
                    unsigned type, unsigned rights, struct ipc_slot **out, ipc_slotref_t *ref)
{
    if (!ipc_tok_well_formed(tok))
        return IPC_ERR_INVALID_CAP;
    struct ipc_slot *s = ipc_cap_walk(sys, cs->root, ipc_tok_index(tok), ref);
    if (!ipc_cap_slot_holds(s, tok))
        return IPC_ERR_INVALID_CAP;
    if (type != IPC_OBJ_NONE && type != s->type)
        return IPC_ERR_INVALID_CAP;
    if ((rights & ~(unsigned)s->rights) != 0)
        return IPC_ERR_INSUFFICIENT_RIGHTS;
    *out = s;
    return IPC_OK;
}

/* Finds a free slot in a leaf CNode of `cs`, starting at its hint CNode
 * and that CNode's hint. Returns IPC_OK with *cn and *index set, or
 * IPC_ERR_NO_SLOT when every slot is in use. */
static int cap_alloc(struct ipc_cspace *cs, struct ipc_cnode **cn, uint32_t *index)
{
    if (cs->used >= cs->nslots)
        return IPC_ERR_NO_SLOT;
    struct ipc_cnode *c = cs->hint != NULL ? cs->hint : cs->root;
    for (uint32_t k = 0; k <= cs->cnodes; k++) {
        if (!c->interior && c->used < c->nslots) {
            uint32_t i = c->hint < c->nslots ? c->hint : 0;
            for (uint32_t n = 0; n < c->nslots; n++) {
                if (c->slots[i].type == IPC_OBJ_NONE) {
                    *cn = c;
                    *index = i;
                    return IPC_OK;
                }
                i = i + 1u == c->nslots ? 0 : i + 1u;
            }
        }
        c = c->next != NULL ? c->next : cs->root;
    }
    return IPC_ERR_NO_SLOT; /* `used` disagrees with the slots: none free */
}

/* Fills free slot `index` of leaf CNode `cn` of `cs` and links it as the
 * first child of `parent` (IPC_SLOT_NIL: a root). Returns the new
 * capability's token. */
static ipc_cap_t cap_fill(const struct ipc_capsys *sys, struct ipc_cspace *cs, struct ipc_cnode *cn,
                          uint32_t index, unsigned type, uint32_t obj, unsigned rights,
                          unsigned flags, ipc_slotref_t parent)
{
    struct ipc_slot *s = &cn->slots[index];
    ipc_slotref_t self = cap_ref(cn, index);
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
    cn->used++;
    cn->hint = index + 1u == cn->nslots ? 0 : index + 1u;
    cs->hint = cn;
    if (sys->obj_ref)
        sys->obj_ref(sys->ctx, type, obj, +1);
    return ipc_tok_make(cap_addr(cn, index), type, s->gen);
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
        struct ipc_capcache_line *l = &c->lines[ipc_capcache_line_of(c, id, tok)];
        if (l->cspace != id || l->tok != tok)
            continue;
        l->cspace = 0;
        l->tok = IPC_CAP_NULL;
        l->slot = NULL;
        c->invalidations++;
        cap_event(sys, IPC_CAP_EV_INVALIDATE, i, id, tok, 0);
    }
}

/* Empties the slot `r` names, which must be a leaf (no children): unlinks
 * it from its parent and siblings, bumps its generation (skipping 0), and
 * invalidates the cache lines of its old token. Returns nothing. */
static void cap_empty(struct ipc_capsys *sys, ipc_slotref_t r)
{
    struct ipc_cnode *cn = cap_ref_cnode(sys, r);
    struct ipc_cspace *cs = sys->spaces[cn->space];
    uint32_t index = r & 0xffffu;
    struct ipc_slot *s = &cn->slots[index];
    ipc_cap_t old = ipc_tok_make(cap_addr(cn, index), s->type, s->gen);

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
    cn->used--;
    cn->hint = index;
    cs->hint = cn;

    cap_event(sys, IPC_CAP_EV_DELETE, 0, cs->id, old, obj);
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

/* Initialises `sys` with no spaces, no CNodes, no observer and the
 * `ncaches` caches at `caches` (none if `caches` is NULL). Returns nothing;
 * does nothing if `sys` is NULL. */
void ipc_capsys_init(struct ipc_capsys *sys, struct ipc_capcache *caches, unsigned ncaches)
{
    if (sys == NULL)
        return;
    for (unsigned i = 0; i < IPC_MAX_CSPACES; i++)
        sys->spaces[i] = NULL;
    /* cnodes[] is not cleared: entries above cnode_top are never read
     * (an id is taken from above it only once none below is free). */
    sys->cnodes[0] = NULL;
    sys->top = 0;
    sys->cnode_top = 0;
    sys->cnode_hint = 1;
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

/* Returns IPC_OK after making `cn` an unattached CNode over `slots` with
 * `radix` index bits and a guard of `guard_bits` bits holding `guard`,
 * every slot empty at generation 1; IPC_ERR_INVALID_ARG as cap.h says. */
int ipc_cnode_init(struct ipc_cnode *cn, struct ipc_slot *slots, uint32_t nslots, unsigned radix,
                   unsigned guard_bits, uint32_t guard)
{
    if (cn == NULL || slots == NULL || radix > IPC_CNODE_RADIX_MAX || nslots == 0 ||
        nslots > (1u << radix) || guard_bits + radix > IPC_TOK_INDEX_BITS ||
        (guard & ~cap_mask(guard_bits)) != 0)
        return IPC_ERR_INVALID_ARG;
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
    cn->slots = slots;
    cn->nslots = nslots;
    cn->used = 0;
    cn->hint = 0;
    cn->base = 0;
    cn->guard = guard;
    cn->id = 0;
    cn->space = 0;
    cn->radix = (uint8_t)radix;
    cn->guard_bits = (uint8_t)guard_bits;
    cn->shift = 0;
    cn->interior = false;
    cn->next = NULL;
    return IPC_OK;
}

/* Keeps the reserved address IPC_TOK_INDEX_REPLY out of CNode `cn`, now
 * placed (shift and base set): if its last slot has that address, the
 * slot is dropped (nslots - 1). Returns false if that was its only slot. */
static bool cap_reserve_reply(struct ipc_cnode *cn)
{
    if (cn->shift != 0 || cap_addr(cn, cn->nslots - 1u) != IPC_TOK_INDEX_REPLY)
        return true;
    if (cn->nslots == 1)
        return false;
    cn->nslots--;
    return true;
}

/* Returns a free CNode id of `sys`, or 0 when there is none: the first
 * free one from the hint up to cnode_top, else the one above cnode_top. */
static uint16_t cap_cnode_id(const struct ipc_capsys *sys)
{
    for (uint32_t i = sys->cnode_hint; i <= sys->cnode_top; i++)
        if (sys->cnodes[i] == NULL)
            return (uint16_t)i;
    return sys->cnode_top + 1u < IPC_MAX_CNODES ? (uint16_t)(sys->cnode_top + 1u) : 0;
}

/* Returns true if `cn` may join `sys` as a CNode of `cs`: not attached
 * to any space, and (with check_overlap) its slots overlap no attached
 * CNode's and `cs` is not attached under another id. */
static bool cap_cnode_free(const struct ipc_capsys *sys, const struct ipc_cspace *cs,
                           const struct ipc_cnode *cn)
{
    if (cn->id != 0 && cn->id <= sys->cnode_top && sys->cnodes[cn->id] == cn)
        return false;
    uintptr_t lo = (uintptr_t)cn->slots;
    uintptr_t hi = (uintptr_t)(cn->slots + cn->nslots);
    for (unsigned i = 1; cs != NULL && sys->check_overlap && i <= sys->top; i++)
        if (sys->spaces[i] == cs)
            return false;
    for (unsigned i = 1; sys->check_overlap && i <= sys->cnode_top; i++) {
        const struct ipc_cnode *o = sys->cnodes[i];
        if (o == NULL)
            continue;
        if (o == cn)
            return false;
        uintptr_t olo = (uintptr_t)o->slots;
        uintptr_t ohi = (uintptr_t)(o->slots + o->nslots);
        if (lo < ohi && olo < hi)
            return false;
    }
    return true;
}

/* Gives CNode `cn` of space `cs` the id `id` in `sys`. Returns nothing. */
static void cap_cnode_attach(struct ipc_capsys *sys, struct ipc_cspace *cs, struct ipc_cnode *cn,
                             uint16_t id)
{
    cn->id = id;
    cn->space = cs->id;
    sys->cnodes[id] = cn;
    if (id > sys->cnode_top)
        sys->cnode_top = id;
    sys->cnode_hint = (uint16_t)(id + 1u);
    cs->cnodes++;
}

/* Returns IPC_OK after making `cs` an empty space `id` rooted at `root`,
 * attached to `sys`; IPC_ERR_INVALID_ARG as cap.h says. */
int ipc_cspace_attach_root(struct ipc_capsys *sys, struct ipc_cspace *cs, uint16_t id,
                           struct ipc_cnode *root)
{
    if (sys == NULL || cs == NULL || root == NULL || root->slots == NULL || id == 0 ||
        id >= IPC_MAX_CSPACES || sys->spaces[id] != NULL || root->used != 0 ||
        !cap_cnode_free(sys, cs, root))
        return IPC_ERR_INVALID_ARG;
    uint16_t cid = cap_cnode_id(sys);
    if (cid == 0)
        return IPC_ERR_INVALID_ARG;
    root->shift = (uint8_t)(IPC_TOK_INDEX_BITS - root->guard_bits - root->radix);
    root->base = root->guard << (root->shift + root->radix);
    if (!cap_reserve_reply(root))
        return IPC_ERR_INVALID_ARG;
    root->next = NULL;
    root->interior = false;
    cs->id = id;
    cs->nslots = root->nslots;
    cs->used = 0;
    cs->cnodes = 0;
    cs->root = root;
    cs->hint = root;
    cs->tail = root;
    cs->slots = root->slots;
    cap_cnode_attach(sys, cs, root, cid);
    sys->spaces[id] = cs;
    if (id > sys->top)
        sys->top = id;
    return IPC_OK;
}

/* Returns IPC_OK after making `cs` a one-level space `id` over `slots`;
 * IPC_ERR_INVALID_ARG as cap.h says. */
int ipc_cspace_attach(struct ipc_capsys *sys, struct ipc_cspace *cs, uint16_t id,
                      struct ipc_slot *slots, uint32_t nslots)
{
    if (cs == NULL || nslots > (1u << IPC_CNODE_RADIX_MAX))
        return IPC_ERR_INVALID_ARG;
    unsigned radix = 0;
    while ((1u << radix) < nslots)
        radix++;
    struct ipc_cnode cn;
    if (ipc_cnode_init(&cn, slots, nslots == 0 ? 1 : nslots, radix, IPC_TOK_INDEX_BITS - radix,
                       0) != IPC_OK ||
        nslots == 0)
        return IPC_ERR_INVALID_ARG;
    cn.id = 0;
    if (sys == NULL || !cap_cnode_free(sys, cs, &cn))
        return IPC_ERR_INVALID_ARG;
    cs->own = cn;
    return ipc_cspace_attach_root(sys, cs, id, &cs->own);
}

/* Returns IPC_OK after putting `child` under slot `index` of `parent`;
 * IPC_ERR_INVALID_ARG as cap.h says. */
int ipc_cnode_add(struct ipc_capsys *sys, struct ipc_cspace *cs, struct ipc_cnode *parent,
                  uint32_t index, struct ipc_cnode *child)
{
    if (!cap_attached(sys, cs) || parent == NULL || child == NULL || child->slots == NULL ||
        parent->id == 0 || parent->id > sys->cnode_top || sys->cnodes[parent->id] != parent ||
        parent->space != cs->id || index >= parent->nslots ||
        parent->slots[index].type != IPC_OBJ_NONE || (!parent->interior && parent->used != 0) ||
        child->guard_bits + child->radix > parent->shift || child->used != 0 ||
        !cap_cnode_free(sys, NULL, child))
        return IPC_ERR_INVALID_ARG;
    uint16_t cid = cap_cnode_id(sys);
    if (cid == 0)
        return IPC_ERR_INVALID_ARG;
    child->shift = (uint8_t)(parent->shift - child->guard_bits - child->radix);
    child->base = cap_addr(parent, index) | child->guard << (child->shift + child->radix);
    if (!cap_reserve_reply(child))
        return IPC_ERR_INVALID_ARG;
    child->interior = false;
    child->next = NULL;
    cap_cnode_attach(sys, cs, child, cid);
    if (!parent->interior) {
        parent->interior = true;
        cs->nslots -= parent->nslots;
    }
    cs->nslots += child->nslots;
    struct ipc_slot *s = &parent->slots[index];
    s->type = IPC_OBJ_CNODE;
    s->obj = cid;
    parent->used++;
    cs->tail->next = child;
    cs->tail = child;
    return IPC_OK;
}

/* Returns the slot at `addr` of `cs` as cap.h says, or NULL. */
struct ipc_slot *ipc_cspace_slot(const struct ipc_capsys *sys, const struct ipc_cspace *cs,
                                 uint32_t addr, unsigned *levels)
{
    if (levels != NULL)
        *levels = 0;
    if (!cap_attached(sys, cs) || addr > IPC_TOK_INDEX_MASK || addr == IPC_TOK_INDEX_REPLY)
        return NULL;
    ipc_slotref_t ref;
    struct ipc_slot *s = ipc_cap_walk(sys, cs->root, addr, &ref);
    if (levels != NULL && s != NULL) {
        /* Count the CNodes from the root to the slot's, along the path. */
        const struct ipc_cnode *cn = cap_ref_cnode(sys, ref), *c = cs->root;
        unsigned n = 1;
        for (; c != cn; n++)
            c = sys->cnodes[c->slots[(addr >> c->shift) & cap_mask(c->radix)].obj];
        *levels = n;
    }
    return s != NULL && s->type != IPC_OBJ_NONE ? s : NULL;
}

/* Returns true with the next capability of `cs` after *cursor (0, or the
 * CNode id << 32 | the next slot index), as cap.h says; false after the
 * last. */
bool ipc_cspace_next(const struct ipc_capsys *sys, const struct ipc_cspace *cs, uint64_t *cursor,
                     ipc_cap_t *tok, struct ipc_slot **slot)
{
    if (!cap_attached(sys, cs) || cursor == NULL)
        return false;
    if (*cursor == UINT64_MAX)
        return false;
    uint32_t k = (uint32_t)(*cursor >> 32), i = (uint32_t)*cursor;
    const struct ipc_cnode *cn = k == 0 ? cs->root : k <= sys->cnode_top ? sys->cnodes[k] : NULL;
    if (cn == NULL || cn->space != cs->id)
        return false;
    for (; cn != NULL; cn = cn->next, i = 0) {
        for (; !cn->interior && cn->used != 0 && i < cn->nslots; i++) {
            struct ipc_slot *s = &cn->slots[i];
            if (s->type == IPC_OBJ_NONE)
                continue;
            if (tok != NULL)
                *tok = ipc_tok_make(cap_addr(cn, i), s->type, s->gen);
            if (slot != NULL)
                *slot = s;
            *cursor = (uint64_t)cn->id << 32 | (i + 1u);
            return true;
        }
    }
    *cursor = UINT64_MAX;
    return false;
}

/* Deletes every capability of `cs` with its descendants in any space
 * (which also unlinks the slots of `cs` that are children of capabilities
 * elsewhere), then detaches `cs` and its CNodes. Returns nothing; does
 * nothing if `cs` is not attached to `sys`. */
void ipc_cspace_detach(struct ipc_capsys *sys, struct ipc_cspace *cs)
{
    if (!cap_attached(sys, cs))
        return;
    for (struct ipc_cnode *cn = cs->root; cn != NULL; cn = cn->next) {
        for (uint32_t i = 0; !cn->interior && cn->used != 0 && i < cn->nslots; i++) {
            if (cn->slots[i].type == IPC_OBJ_NONE)
                continue;
            ipc_slotref_t r = cap_ref(cn, i);
            cap_kill_below(sys, r);
            cap_empty(sys, r);
        }
    }
    for (struct ipc_cnode *cn = cs->root; cn != NULL; cn = cn->next) {
        for (uint32_t i = 0; cn->interior && i < cn->nslots; i++) {
            cn->slots[i].type = IPC_OBJ_NONE;
            cn->slots[i].obj = 0;
        }
        cn->used = 0;
        cn->interior = false;
        sys->cnodes[cn->id] = NULL;
        if (cn->id < sys->cnode_hint)
            sys->cnode_hint = cn->id;
        cn->id = 0;
    }
    cs->cnodes = 0;
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
    if (t == IPC_OBJ_NONE || t >= IPC_OBJ_CNODE || (rights & ~IPC_RIGHTS_ALL) != 0 ||
        (flags & ~(unsigned)IPC_SLOT_ONESHOT) != 0)
        return IPC_ERR_INVALID_ARG;
    struct ipc_cnode *cn;
    uint32_t index;
    int r = cap_alloc(cs, &cn, &index);
    if (r != IPC_OK)
        return r;
    *out = cap_fill(sys, cs, cn, index, t, obj, rights, flags, IPC_SLOT_NIL);
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
    ipc_slotref_t ref;
    int r = cap_find(sys, cs, tok, (unsigned)type, rights, &s, &ref);
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
    struct ipc_capcache_line *l = &c->lines[ipc_capcache_line_of(c, cs->id, tok)];
    unsigned t = (unsigned)type;
    if (l->cspace == cs->id && l->tok == tok) {
        struct ipc_slot *s = l->slot;
        c->hits++;
        if (hit != NULL)
            *hit = true;
        cap_event(sys, IPC_CAP_EV_HIT, core, cs->id, tok, 0);
        if (t != IPC_OBJ_NONE && t != s->type)
            return IPC_ERR_INVALID_CAP;
        if ((rights & ~(unsigned)s->rights) != 0)
            return IPC_ERR_INSUFFICIENT_RIGHTS;
        if (out != NULL)
            *out = s;
        return IPC_OK;
    }
    c->misses++;
    cap_event(sys, IPC_CAP_EV_MISS, core, cs->id, tok, 0);
    struct ipc_slot *s;
    ipc_slotref_t ref;
    int r = cap_find(sys, cs, tok, t, rights, &s, &ref);
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
    ipc_slotref_t pref;
    int r = cap_find(sys, from, tok, IPC_OBJ_NONE, need, &p, &pref);
    if (r != IPC_OK)
        return r;
    if ((rights & ~(unsigned)p->rights) != 0)
        return IPC_ERR_INSUFFICIENT_RIGHTS;
    struct ipc_cnode *cn;
    uint32_t index;
    r = cap_alloc(to, &cn, &index);
    if (r != IPC_OK)
        return r;
    *out = cap_fill(sys, to, cn, index, p->type, p->obj, rights, p->flags, pref);
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
    ipc_slotref_t self;
    int r = cap_find(sys, from, tok, IPC_OBJ_NONE, IPC_RIGHT_GRANT, &s, &self);
    if (r != IPC_OK)
        return r;
    struct ipc_cnode *cn;
    uint32_t index;
    if ((r = cap_alloc(to, &cn, &index)) != IPC_OK)
        return r;
    *out = cap_fill(sys, to, cn, index, s->type, s->obj, s->rights, s->flags, s->parent);
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
    ipc_slotref_t ref;
    int r = cap_find(sys, cs, tok, IPC_OBJ_NONE, 0, &s, &ref);
    if (r != IPC_OK)
        return r;
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
    ipc_slotref_t ref;
    if (cap_find(sys, cs, tok, IPC_OBJ_NONE, 0, &s, &ref) != IPC_OK)
        return 0;
    return cap_count_below(sys, ref);
}
