/* ipc/cap.h: capability spaces, derivation and revocation, and the
 * per-core capability cache.
 *
 * Each process has a capability space: an array of slots the kernel gives
 * (no allocation here). A slot names a kernel object (its index in the
 * kernel's table for that type), the rights held, and a generation that is
 * bumped whenever the slot is emptied, so tokens naming the old contents
 * go stale. Capabilities form derivation trees across spaces: derive (same
 * space) and grant (another space, needs GRANT on the source) make
 * children whose rights may only shrink; revoke deletes every descendant;
 * delete removes a capability and its descendants.
 *
 * The cache (one per core, direct-mapped, size a power of two set at boot)
 * sits in front of the space lookup: a hit skips it; a miss does the full
 * lookup and fills the line only if that succeeded (nothing is ever
 * trusted on a miss); emptying a slot invalidates its line in every cache.
 * Hits, misses and invalidations are counted.
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
#define IPC_SLOT_NIL 0xffffffffu

/* Names a slot anywhere: space id << 16 | slot index. */
typedef uint32_t ipc_slotref_t;

/* A slot's flags. */
#define IPC_SLOT_ONESHOT 0x1u /* deleted by its first successful use (reply) */

struct ipc_slot {
    uint32_t obj;   /* the object's index in the kernel's table for `type` */
    uint8_t type;   /* enum ipc_obj_type; IPC_OBJ_NONE: the slot is empty */
    uint8_t rights; /* IPC_RIGHT_* */
    uint16_t flags; /* IPC_SLOT_* */
    uint32_t gen;   /* bumped whenever the slot is emptied; starts at 1 */
    /* Derivation tree, IPC_SLOT_NIL where there is none. */
    ipc_slotref_t parent, first_child, next_sibling, prev_sibling;
};

struct ipc_cspace {
    uint16_t id;            /* 1..IPC_MAX_CSPACES-1, unique while attached */
    uint16_t nslots;        /* 1..65535 */
    uint16_t used;          /* non-empty slots */
    uint16_t hint;          /* where the search for a free slot starts */
    struct ipc_slot *slots; /* nslots, owned by the caller */
};

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
    uint16_t top;                               /* no space has an id above it */
    /* Whether attach checks that a space's slots overlap no other space's
     * (true after ipc_capsys_init). The check scans every attached space;
     * a caller whose slot arrays are disjoint by construction (the
     * kernel's live in its process table) may turn it off, so that
     * attaching stays O(1) with a thousand spaces. */
    bool check_overlap;
    struct ipc_capcache *caches; /* ncaches, one per core */
    unsigned ncaches;
    /* Optional observer; `tok` names the slot concerned. */
    void (*event)(void *ctx, enum ipc_cap_event ev, unsigned core, uint16_t cspace, ipc_cap_t tok);
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

/* Makes `cs` an empty space with id `id` over `slots` and attaches it.
 * Returns IPC_OK, or IPC_ERR_INVALID_ARG (id out of range or taken,
 * nslots 0; with check_overlap, also `cs` already attached or slots that
 * overlap another space's). */
int ipc_cspace_attach(struct ipc_capsys *sys, struct ipc_cspace *cs, uint16_t id,
                      struct ipc_slot *slots, uint16_t nslots);
/* Deletes every capability of `cs` (and their descendants elsewhere) and
 * detaches it. */
void ipc_cspace_detach(struct ipc_capsys *sys, struct ipc_cspace *cs);

/* Puts a new root capability to object `obj` of `type` with `rights` and
 * `flags` in a free slot of `cs`; stores its token in *out. Returns IPC_OK,
 * IPC_ERR_NO_SLOT or IPC_ERR_INVALID_ARG (type or rights out of range). */
int ipc_cap_create(struct ipc_capsys *sys, struct ipc_cspace *cs, enum ipc_obj_type type,
                   uint32_t obj, unsigned rights, unsigned flags, ipc_cap_t *out);

/* The full lookup: the slot `tok` names in `cs`, if the token is well
 * formed, its index in range, the slot not empty, generation and type
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

#endif
