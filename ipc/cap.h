/* ipc/cap.h: capability spaces (guarded radix trees of CNodes),
 * derivation and revocation, and the per-core capability cache.
 *
 * Each process has a capability space: a tree of CNodes, as seL4 builds
 * them. A CNode is an array of 2^radix slots (its `nslots` first exist)
 * with a guard: guard_bits bits that an address must hold at that level.
 * A token's 24 address bits (ipc/ipc.h) are resolved from the root, most
 * significant first: at each CNode the next guard_bits bits must equal
 * its guard, the next radix bits index a slot; a slot holding a CNode
 * capability continues the walk in that CNode with the bits left, any
 * other slot ends it (and the bits left must be zero: every slot has
 * exactly one address, so a token names one slot and one cache line).
 * The all-ones address (IPC_TOK_INDEX_REPLY) is never a slot: a CNode
 * whose last slot would have it loses that slot when it is attached.
 * A CNode holds either CNode capabilities (interior) or capabilities
 * (leaf); new capabilities go to the first free slot of a leaf CNode, in
 * the order the CNodes were added. The caller gives all memory (slots and
 * CNode descriptors); nothing here allocates.
 *
 * A slot names a kernel object (its index in the kernel's table for that
 * type), the rights held, and a generation that is bumped whenever the
 * slot is emptied, so tokens naming the old contents go stale.
 * Capabilities form derivation trees across spaces and levels: derive
 * (same space) and grant (another space, needs GRANT on the source) make
 * children whose rights may only shrink; revoke deletes every descendant;
 * delete removes a capability and its descendants.
 *
 * The cache (one per core, direct-mapped, size a power of two set at boot)
 * sits in front of the walk: a hit skips it; a miss walks and fills the
 * line only if that succeeded (nothing is ever trusted on a miss);
 * emptying a slot invalidates its line in every cache. Hits, misses and
 * invalidations are counted.
 *
 * Nothing here blocks or allocates; callers hold whatever lock protects
 * the capability system (the kernel runs it with interrupts masked).
 *
 * Rights are the caller's business except where a function says so:
 * revoke and delete check none (the system-call layer asks for MANAGE with
 * a lookup first), and a one-shot capability (IPC_SLOT_ONESHOT, inherited
 * by its children) is deleted by the caller after its first use. Every
 * function also returns IPC_ERR_INVALID_ARG for a NULL or unattached
 * space, a NULL result pointer, or a core without a cache. Events from
 * revoke and delete are reported as core 0. */
#ifndef IPCEMU_IPC_CAP_H
#define IPCEMU_IPC_CAP_H

#include "ipc/ipc.h"

#define IPC_MAX_CSPACES 4096u /* space ids 1..IPC_MAX_CSPACES-1 */
#define IPC_MAX_CNODES 8192u  /* CNode ids 1..IPC_MAX_CNODES-1, all spaces together */
#define IPC_CNODE_RADIX_MAX 16u
#define IPC_SLOT_NIL 0xffffffffu

/* Names a slot anywhere: CNode id << 16 | slot index in that CNode. */
typedef uint32_t ipc_slotref_t;

/* A slot's flags. */
#define IPC_SLOT_ONESHOT 0x1u /* deleted by its first successful use (reply) */

struct ipc_slot {
    uint32_t obj;   /* the object's index in the kernel's table for `type`;
                       IPC_OBJ_CNODE: the CNode's id */
    uint8_t type;   /* enum ipc_obj_type; IPC_OBJ_NONE: the slot is empty */
    uint8_t rights; /* IPC_RIGHT_* */
    uint16_t flags; /* IPC_SLOT_* */
    uint32_t gen;   /* bumped whenever the slot is emptied; starts at 1 */
    /* Derivation tree, IPC_SLOT_NIL where there is none. */
    ipc_slotref_t parent, first_child, next_sibling, prev_sibling;
};

/* One level of a space: set up with ipc_cnode_init, then made a space's
 * root (ipc_cspace_attach_root) or put under another CNode (ipc_cnode_add).
 * Owned by the caller; the fields are the capability system's. */
struct ipc_cnode {
    /* What a lookup and an allocation read: the first 32 bytes. */
    struct ipc_slot *slots; /* nslots, owned by the caller */
    uint32_t nslots;        /* 1..2^radix */
    uint32_t guard;         /* what the guard_bits bits above the index hold */
    uint32_t used;          /* non-empty slots */
    uint32_t hint;          /* where the search for a free slot starts */
    uint16_t id;            /* 1..IPC_MAX_CNODES-1 while attached, else 0 */
    uint8_t radix;          /* index bits, 0..IPC_CNODE_RADIX_MAX */
    uint8_t guard_bits;     /* 0..IPC_TOK_INDEX_BITS */
    uint8_t shift;          /* address bits below this level (set when attached) */
    bool interior;          /* holds CNode capabilities (and nothing else) */
    uint16_t space;         /* the space it belongs to */
    /* The rest. */
    uint32_t base;          /* the address of slot 0 (guard included) */
    struct ipc_cnode *next; /* the space's next CNode, in the order added */
};

/* A space. Its header and its own root's first 32 bytes fill one 64-byte
 * cache line, so a lookup or an allocation in a one-level space reads one
 * line besides the slot. */
struct ipc_cspace {
    struct ipc_cnode *root; /* the first CNode of the walk */
    struct ipc_cnode *hint; /* where the search for a free slot starts */
    uint32_t nslots;        /* capability slots: the leaf CNodes' */
    uint32_t used;          /* capabilities held */
    uint16_t id;            /* 1..IPC_MAX_CSPACES-1, unique while attached */
    uint16_t cnodes;        /* CNodes attached */
    struct ipc_cnode own;   /* the root ipc_cspace_attach makes */
    struct ipc_slot *slots; /* the root's slots */
    struct ipc_cnode *tail; /* the CNode added last */
} __attribute__((aligned(64)));

struct ipc_capcache_line {
    ipc_cap_t tok;   /* the token looked up */
    uint16_t cspace; /* in this space; 0: line empty */
    struct ipc_slot *slot;
};

struct ipc_capcache {
    struct ipc_capcache_line *lines; /* size lines, owned by the caller */
    uint32_t size;                   /* a power of two, >= 1 */
    uint64_t hits, misses, invalidations;
};

/* What the capability system tells an observer (the kernel's tracer). */
enum ipc_cap_event {
    IPC_CAP_EV_HIT,        /* cache hit on `core` */
    IPC_CAP_EV_MISS,       /* cache miss on `core` (full lookup followed) */
    IPC_CAP_EV_INVALIDATE, /* a line of `core`'s cache dropped a dead slot */
    IPC_CAP_EV_DELETE,     /* a slot was emptied (delete, revoke, one-shot use) */
};

struct ipc_capsys {
    struct ipc_cspace *spaces[IPC_MAX_CSPACES]; /* by id, NULL where none */
    struct ipc_cnode *cnodes[IPC_MAX_CNODES];   /* by id up to cnode_top, NULL where none */
    uint16_t top;                               /* no space has an id above it */
    uint16_t cnode_top;                         /* no CNode has an id above it */
    uint16_t cnode_hint;                        /* no CNode id below it is free */
    /* Whether attach checks that a CNode's slots overlap no other CNode's
     * (true after ipc_capsys_init). The check scans every attached CNode;
     * a caller whose slot arrays are disjoint by construction (the
     * kernel's live in its process table) may turn it off, so that
     * attaching stays O(1) with a thousand spaces. */
    bool check_overlap;
    struct ipc_capcache *caches; /* ncaches, one per core */
    unsigned ncaches;
    /* Optional observer; `tok` names the slot concerned, `obj` is the
     * object it named (IPC_CAP_EV_DELETE; 0 for the other events). */
    void (*event)(void *ctx, enum ipc_cap_event ev, unsigned core, uint16_t cspace, ipc_cap_t tok,
                  uint32_t obj);
    void *ctx;
    /* When set: told, with `ctx`, of every capability that comes to name
     * object `obj` of `type` (+1: create, derive, grant, move) or stops
     * naming it (-1), so an owner can free an object with its last
     * capability instead of searching every space for one. */
    void (*obj_ref)(void *ctx, unsigned type, uint32_t obj, int delta);
};

/* Initialises an empty capability system with `ncaches` caches (already
 * initialised with ipc_capcache_init). */
void ipc_capsys_init(struct ipc_capsys *sys, struct ipc_capcache *caches, unsigned ncaches);
/* Initialises cache `c` over `lines` (size a power of two >= 1). Returns
 * IPC_OK or IPC_ERR_INVALID_ARG. */
int ipc_capcache_init(struct ipc_capcache *c, struct ipc_capcache_line *lines, uint32_t size);

/* Makes `cs` an empty one-level space with id `id` over `slots`: a root
 * CNode of radix ceil(log2(nslots)) whose guard, all zeros, takes the
 * address bits above it (addresses are slot indices, as in a flat array).
 * Returns IPC_OK, or IPC_ERR_INVALID_ARG (id out of range or taken, nslots
 * 0 or above 2^IPC_CNODE_RADIX_MAX, no CNode id left; with check_overlap,
 * also `cs` already attached or slots that overlap another CNode's). */
int ipc_cspace_attach(struct ipc_capsys *sys, struct ipc_cspace *cs, uint16_t id,
                      struct ipc_slot *slots, uint32_t nslots);
/* Makes `cn` a CNode over `slots` (nslots of them, at most 2^radix) with
 * a guard of `guard_bits` bits holding `guard`, not attached yet.
 * Returns IPC_OK or IPC_ERR_INVALID_ARG (a NULL pointer, nslots 0 or
 * above 2^radix, radix above IPC_CNODE_RADIX_MAX, guard_bits + radix
 * above IPC_TOK_INDEX_BITS, a guard wider than guard_bits). */
int ipc_cnode_init(struct ipc_cnode *cn, struct ipc_slot *slots, uint32_t nslots, unsigned radix,
                   unsigned guard_bits, uint32_t guard);
/* Makes `cs` an empty space with id `id` whose root is CNode `root`
 * (ipc_cnode_init'ed; its guard and radix may leave address bits for
 * CNodes below it, ipc_cnode_add). Returns as ipc_cspace_attach. */
int ipc_cspace_attach_root(struct ipc_capsys *sys, struct ipc_cspace *cs, uint16_t id,
                           struct ipc_cnode *root);
/* Puts CNode `child` (ipc_cnode_init'ed, not attached) under slot `index`
 * of `parent`, a CNode of `cs` that holds no capability: the slot gets a
 * CNode capability and `parent` becomes interior. Returns IPC_OK, or
 * IPC_ERR_INVALID_ARG (`parent` not in `cs` or holding capabilities,
 * `index` out of range or in use, child's guard and radix wider than the
 * address bits below `parent`, child attached or overlapping, no CNode id
 * left). */
int ipc_cnode_add(struct ipc_capsys *sys, struct ipc_cspace *cs, struct ipc_cnode *parent,
                  uint32_t index, struct ipc_cnode *child);
/* Returns the slot at address `addr` of `cs` by the walk alone (no token
 * check, NULL where the walk fails or ends on an empty slot or a CNode
 * capability), with the number of CNodes visited in *levels (may be
 * NULL): for tests and tools. */
struct ipc_slot *ipc_cspace_slot(const struct ipc_capsys *sys, const struct ipc_cspace *cs,
                                 uint32_t addr, unsigned *levels);
/* Steps through the capabilities of `cs` in CNode order, then slot order:
 * start with *cursor 0; returns true with *tok and *slot set (either may be
 * NULL) and *cursor advanced, or false after the last one. The space must
 * not change during the walk. */
bool ipc_cspace_next(const struct ipc_capsys *sys, const struct ipc_cspace *cs, uint64_t *cursor,
                     ipc_cap_t *tok, struct ipc_slot **slot);
/* Deletes every capability of `cs` (and their descendants elsewhere) and
 * detaches it. */
void ipc_cspace_detach(struct ipc_capsys *sys, struct ipc_cspace *cs);

/* Puts a new root capability to object `obj` of `type` with `rights` and
 * `flags` in a free slot of `cs`; stores its token in *out. Returns IPC_OK,
 * IPC_ERR_NO_SLOT or IPC_ERR_INVALID_ARG (type or rights out of range). */
int ipc_cap_create(struct ipc_capsys *sys, struct ipc_cspace *cs, enum ipc_obj_type type,
                   uint32_t obj, unsigned rights, unsigned flags, ipc_cap_t *out);

/* The full lookup: the slot `tok` names in `cs`, if the token is well
 * formed, its address resolves (the walk), the slot not empty, generation and type
 * equal, `type` matches (IPC_OBJ_NONE: any) and the slot holds every right
 * in `rights`. Returns IPC_OK with *out set, IPC_ERR_INVALID_CAP or
 * IPC_ERR_INSUFFICIENT_RIGHTS. */
int ipc_cap_lookup(const struct ipc_capsys *sys, const struct ipc_cspace *cs, ipc_cap_t tok,
                   enum ipc_obj_type type, unsigned rights, struct ipc_slot **out);
/* The same through core `core`'s cache; *hit says whether the cache
 * answered (may be NULL). Same results as ipc_cap_lookup, always. */
int ipc_cap_lookup_cached(struct ipc_capsys *sys, unsigned core, const struct ipc_cspace *cs,
                          ipc_cap_t tok, enum ipc_obj_type type, unsigned rights,
                          struct ipc_slot **out, bool *hit);

/* Derives a child of `tok` in the same space with `rights` (a subset of
 * the parent's, else IPC_ERR_INSUFFICIENT_RIGHTS). Returns IPC_OK with the
 * child's token in *out, IPC_ERR_INVALID_CAP or IPC_ERR_NO_SLOT. */
int ipc_cap_derive(struct ipc_capsys *sys, struct ipc_cspace *cs, ipc_cap_t tok, unsigned rights,
                   ipc_cap_t *out);
/* Grants a child of `tok` (which must hold IPC_RIGHT_GRANT, else
 * IPC_ERR_INSUFFICIENT_RIGHTS) with `rights` (a subset) into space `to`.
 * Returns as ipc_cap_derive. */
int ipc_cap_grant(struct ipc_capsys *sys, struct ipc_cspace *from, ipc_cap_t tok,
                  struct ipc_cspace *to, unsigned rights, ipc_cap_t *out);
/* Moves `tok` (which must hold IPC_RIGHT_GRANT) to space `to`: a new
 * capability there with the same rights, flags and parent (so revoking an
 * ancestor still reaches it); `tok` and its descendants are deleted.
 * Returns IPC_OK with the new token in *out, or as ipc_cap_grant. */
int ipc_cap_move(struct ipc_capsys *sys, struct ipc_cspace *from, ipc_cap_t tok,
                 struct ipc_cspace *to, ipc_cap_t *out);
/* Deletes every descendant of `tok` (derived or granted, at any depth, in
 * any space); `tok` itself stays. Returns IPC_OK or IPC_ERR_INVALID_CAP. */
int ipc_cap_revoke(struct ipc_capsys *sys, struct ipc_cspace *cs, ipc_cap_t tok);
/* Deletes `tok` and its descendants. Returns IPC_OK or
 * IPC_ERR_INVALID_CAP. */
int ipc_cap_delete(struct ipc_capsys *sys, struct ipc_cspace *cs, ipc_cap_t tok);
/* Returns how many descendants the capability `tok` of `cs` has (0 when
 * the token is invalid), for tests and reports. */
unsigned ipc_cap_descendants(const struct ipc_capsys *sys, const struct ipc_cspace *cs,
                             ipc_cap_t tok);

/* ---- The walk and the cache's line, shared by the lookups in cap.c and
 * the kernel's fast path (ipc_cap_lookup_walk, inlined there). ---- */

/* Returns a mask of the `bits` low bits (bits <= 24). */
static inline uint32_t ipc_cap_mask(unsigned bits)
{
    return (1u << bits) - 1u;
}

/* Returns the reference of slot `index` of CNode `cn`. */
static inline ipc_slotref_t ipc_cap_ref(const struct ipc_cnode *cn, uint32_t index)
{
    return ((ipc_slotref_t)cn->id << 16) | (index & 0xffffu);
}

/* The walk (seL4's resolveAddressBits): resolves the 24-bit address
 * `addr` from `cn`, level by level: the guard bits must equal the CNode's
 * guard, the index bits pick a slot, a CNode capability continues with
 * the bits left. Returns the slot where it ends, with *ref set, or NULL
 * when a guard differs, an index is beyond a CNode's slots, the walk ends
 * on a CNode capability, or bits are left after a capability that are
 * not zero. Each CNode's place in the address (its `shift`, the bits
 * below its index) is fixed when it is attached, where its guard and
 * radix fit the bits its parent leaves, so a level costs two shifts, two
 * masks and three compares. */
static inline __attribute__((always_inline)) struct ipc_slot *
ipc_cap_walk(const struct ipc_capsys *sys, const struct ipc_cnode *cn, uint32_t addr,
             ipc_slotref_t *ref)
{
    for (;;) {
        unsigned n = cn->shift; /* the bits left below this level */
        if (((addr >> (n + cn->radix)) & ipc_cap_mask(cn->guard_bits)) != cn->guard)
            return NULL;
        uint32_t i = (addr >> n) & ipc_cap_mask(cn->radix);
        if (i >= cn->nslots)
            return NULL;
        struct ipc_slot *s = &cn->slots[i];
        if (s->type != IPC_OBJ_CNODE) {
            if ((addr & ipc_cap_mask(n)) != 0)
                return NULL;
            *ref = ipc_cap_ref(cn, i);
            return s;
        }
        if (n == 0)
            return NULL;
        cn = sys->cnodes[s->obj];
    }
}

/* Returns true if slot `s` (where the walk for `tok` ended, or NULL) holds
 * what `tok` names: not empty, the token's generation and type. */
static inline bool ipc_cap_slot_holds(const struct ipc_slot *s, ipc_cap_t tok)
{
    return s != NULL && s->type != IPC_OBJ_NONE && s->gen == ipc_tok_gen(tok) &&
           s->type == ipc_tok_type(tok);
}

/* Returns the line of cache `c` that token `tok` of space `id` uses: a
 * fixed function of (id, tok) only. Consecutive slots of one CNode at one
 * generation land on consecutive lines, so a working set no larger than
 * the cache does not conflict with itself; slots whose addresses differ
 * by a multiple of the cache size (the same index in two CNodes of 2^k
 * slots, k >= log2(size)) share a line. */
static inline uint32_t ipc_capcache_line_of(const struct ipc_capcache *c, uint16_t id,
                                            ipc_cap_t tok)
{
    uint32_t h = ipc_tok_index(tok);
    h += (uint32_t)id * 0x9e3779b1u;
    h += ipc_tok_gen(tok) * 0x85ebca6bu;
    return h & (c->size - 1u);
}

/* The miss side of the kernel fast path's lookup (seL4's lookup_fp, with
 * this kernel's cache in front: guest-kernel/kfastpath.c fastpath_lookup,
 * which answers what ipc_cap_lookup_cached answers with IPC_OK but changes
 * nothing, and leaves counting and filling to
 * ipc_cap_lookup_fast_commit). Returns the slot token `tok` names in the
 * attached space `cs` by the walk, or NULL where the token is not well
 * formed, the walk fails or the slot does not hold what `tok` names
 * (rights and type aside). Observers hear nothing. */
static inline __attribute__((always_inline)) struct ipc_slot *
ipc_cap_lookup_walk(const struct ipc_capsys *sys, const struct ipc_cspace *cs, ipc_cap_t tok)
{
    ipc_slotref_t ref;
    if (!ipc_tok_well_formed(tok))
        return NULL;
    struct ipc_slot *s = ipc_cap_walk(sys, cs->root, ipc_tok_index(tok), &ref);
    return ipc_cap_slot_holds(s, tok) ? s : NULL;
}

/* Counts the fast path's lookup that answered with slot `s` from line
 * `l` of cache `c` (hit or miss) and, on a miss, fills the line, exactly
 * as ipc_cap_lookup_cached does. Returns nothing. */
static inline void ipc_cap_lookup_fast_commit(struct ipc_capcache *c, struct ipc_capcache_line *l,
                                              const struct ipc_cspace *cs, ipc_cap_t tok,
                                              struct ipc_slot *s, bool hit)
{
    if (hit) {
        c->hits++;
        return;
    }
    c->misses++;
    l->tok = tok;
    l->cspace = cs->id;
    l->slot = s;
}

#endif
