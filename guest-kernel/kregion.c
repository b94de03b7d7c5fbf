/* guest-kernel/kregion.c: shared regions: physically contiguous pages a
 * capability names. A process maps a region it holds into its own address
 * space (identity-mapped: at the pages' address), user-readable with
 * RECEIVE, writable with SEND too. Transfer goes through messages: a
 * region capability carried with IPC_UMSG_MOVE moves (the sender's
 * capability dies and its mapping goes: zero-copy, only page tables
 * change), without it the region is shared, and SYS_REGION_COPY makes a
 * copy to send. When a capability to a mapped region dies (delete, revoke,
 * move), the mapping goes with it. */
#include "kipc_int.h"
#include "ksys.h"

#define KIPC_REGIONS 1024
#define REGION_MAX_PAGES 16
/* Pages of regions one process may create in its life: the page allocator
 * never takes pages back, so without it one process could use up RAM. */
#define REGION_QUOTA_PAGES 256

struct region {
    uintptr_t base;
    uint32_t pages;
};
static struct region regions[KIPC_REGIONS];
static uint32_t region_owner[KIPC_REGIONS]; /* pid of the creator, 0: free */
static uint32_t region_gen[KIPC_REGIONS];
static struct kobj_table region_table = KOBJ_TABLE(region_owner, region_gen);

/* Returns the region `tok` of `p` names with `rights` (traced lookup), or
 * NULL with *err set. */
static struct region *region_lookup(struct proc *p, ipc_cap_t tok, unsigned rights, int *err)
{
    int i = kipc_obj_find(p, tok, IPC_OBJ_REGION, rights, &region_table, err);
    return i < 0 ? NULL : &regions[i];
}

static uint32_t region_refs[KIPC_REGIONS]; /* capabilities naming each region */

void kregion_obj_ref(uint32_t obj, int delta)
{
    uint32_t i = KOBJ_INDEX(obj);
    if (i >= KIPC_REGIONS || region_gen[i] != KOBJ_GEN(obj))
        return;
    region_refs[i] += (uint32_t)delta;
    /* the last capability is gone: so is the region (its pages stay with
     * the kernel: the page allocator does not take pages back) */
    if (region_refs[i] == 0 && region_owner[i])
        kipc_obj_free(&region_table, i);
}

/* Returns 0 if `p` may make a region of `pages` pages now (its quota, a
 * table entry, a capability slot, the pages), else NoMemory or NoSlot. */
static int region_room(struct proc *p, uint32_t pages)
{
    if (p->region_pages + pages > REGION_QUOTA_PAGES)
        return IPC_ERR_NO_MEMORY;
    int err = kipc_obj_room(p, &region_table);
    if (!err && kpage_free_count() < pages)
        err = IPC_ERR_NO_MEMORY;
    return err;
}

/* Makes a region of `pages` pages for `p` (a copy of *copy_of unless
 * NULL); returns its token or an error (none when region_room said yes). */
KPROBE_ANCHOR static long region_new(struct proc *p, uint32_t pages, const struct region *copy_of)
{
    KPROBE_KEEP("r"(p), "r"(pages), "r"(copy_of));
    /* The slot and the capability first: a caller whose space is full
     * must not cost the machine any pages (they are never given back). */
    if (p->region_pages + pages > REGION_QUOTA_PAGES)
        return IPC_ERR_NO_MEMORY;
    unsigned i;
    long tok = kipc_obj_new(p, IPC_OBJ_REGION, &region_table, &i);
    if (tok < 0)
        return tok; /* the table holds only regions some capability names */
    uintptr_t base = kpage_alloc_run(pages); /* all of them or none */
    if (!base) {
        ipc_cap_delete(&kipc_capsys, &p->cspace, (ipc_cap_t)tok); /* frees the entry */
        return IPC_ERR_NO_MEMORY;
    }
    if (copy_of)
        memcpy((void *)base, (const void *)copy_of->base, (size_t)pages * KPAGE_SIZE);
    p->region_pages += pages;
    regions[i] = (struct region){.base = base, .pages = pages};
    ktrace(TRC_EV_REGION, p->pid, i + 1, base, (uint64_t)pages * KPAGE_SIZE,
           copy_of ? TRC_REGION_COPY : TRC_REGION_CREATE);
    return tok;
}

/* Returns `p`'s mapping made through capability `tok`, or NULL. */
static struct kmap *map_of(struct proc *p, ipc_cap_t tok)
{
    for (unsigned i = 0; i < KIPC_MAPS; i++)
        if (p->maps[i].len && p->maps[i].tok == tok)
            return &p->maps[i];
    return NULL;
}

/* Removes mapping `m` of `p` from its page tables (the kernel keeps its
 * own view of the pages) and forgets it. */
KPROBE_ANCHOR static void map_remove(struct proc *p, struct kmap *m)
{
    KPROBE_KEEP("r"(p), "r"(m));
    arch_pt_map(p->pt_root, m->base, m->len, PT_R | PT_W | PT_X);
    kcpu_tlb_shootdown(p); /* drop stale translations, on p's core */
    ktrace(TRC_EV_REGION, p->pid, 0, m->base, m->len, TRC_REGION_UNMAP);
    m->len = 0;
}

/* Maps region `rg`, which `p`'s capability `tok` names, into `p`; returns
 * its address or NoMemory / Exists. */
KPROBE_ANCHOR static long region_map(struct proc *p, ipc_cap_t tok, struct region *rg)
{
    KPROBE_KEEP("r"(p), "r"(rg));
    struct ipc_slot *s;
    kipc_cap_find(p, tok, IPC_OBJ_REGION, 0, &s);
    bool writable = (s->rights & IPC_RIGHT_SEND) != 0;
    if (map_of(p, tok))
        return (long)rg->base;
    /* One mapping per region: a second one (through another capability)
     * would rewrite the first one's page-table entries behind its back. */
    for (unsigned i = 0; i < KIPC_MAPS; i++)
        if (p->maps[i].len && p->maps[i].base == rg->base)
            return IPC_ERR_EXISTS;
    struct kmap *m = NULL;
    for (unsigned i = 0; i < KIPC_MAPS && !m; i++)
        if (!p->maps[i].len)
            m = &p->maps[i];
    if (!m)
        return IPC_ERR_NO_MEMORY;
    size_t len = (size_t)rg->pages * KPAGE_SIZE;
    /* Splitting 2 MiB blocks may need page tables: a few pages at most. A
     * map that still fails part-way is undone, so no user page is left
     * behind without its bookkeeping. */
    if (kpage_free_count() < 4)
        return IPC_ERR_NO_MEMORY;
    if (arch_pt_map(p->pt_root, rg->base, len, PT_R | PT_U | (writable ? PT_W : 0)) != 0) {
        arch_pt_map(p->pt_root, rg->base, len, PT_R | PT_W | PT_X);
        arch_pt_activate(p->pt_root, p->asid);
        return IPC_ERR_NO_MEMORY;
    }
    *m = (struct kmap){.tok = tok, .base = rg->base, .len = len, .writable = writable};
    arch_pt_activate(p->pt_root, p->asid);
    ktrace(TRC_EV_REGION, p->pid, (uint64_t)(rg - regions) + 1, rg->base, len, TRC_REGION_MAP);
    return (long)rg->base;
}

/* SYS_REGION_CREATE: 1 byte .. REGION_MAX_PAGES pages, and room
 * (region_room). Returns 0 with a->a0 the pages, or the error. */
static int kregion_create_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    uintptr_t bytes = arch_syscall_arg(r, 0);
    if (bytes == 0 || bytes > REGION_MAX_PAGES * KPAGE_SIZE)
        return IPC_ERR_INVALID_ARG;
    a->a0 = (bytes + KPAGE_SIZE - 1) / KPAGE_SIZE;
    return region_room(p, (uint32_t)a->a0);
}

/* Returns the new region's token (every right). */
static long kregion_create_invoke(struct proc *p, struct ksys_args *a)
{
    return region_new(p, (uint32_t)a->a0, NULL);
}
KSYS_RUN(kregion_create)

/* Decodes the region capability (argument 0) with `rights`: a->obj the
 * region, a->a0 the token. Returns 0 or the lookup's error. */
static int region_decode_cap(struct proc *p, const struct arch_regs *r, struct ksys_args *a,
                             unsigned rights)
{
    int err;
    a->a0 = arch_syscall_arg(r, 0);
    a->obj = region_lookup(p, a->a0, rights, &err);
    return a->obj ? 0 : err;
}

/* SYS_REGION_MAP: RECEIVE on the region. Returns 0 or the error. */
static int kregion_map_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    return region_decode_cap(p, r, a, IPC_RIGHT_RECEIVE);
}

/* Returns the address the region is mapped at, or the outcome: Exists
 * (mapped through another capability), NoMemory (no mapping slot, no page
 * for the page tables). */
static long kregion_map_invoke(struct proc *p, struct ksys_args *a)
{
    return region_map(p, a->a0, a->obj);
}
KSYS_RUN(kregion_map)

/* SYS_REGION_UNMAP: a region capability. Returns 0 or the error. */
static int kregion_unmap_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    return region_decode_cap(p, r, a, 0);
}

/* Removes the mapping made through it, if any. Returns 0. */
static long kregion_unmap_invoke(struct proc *p, struct ksys_args *a)
{
    struct kmap *m = map_of(p, a->a0);
    if (m)
        map_remove(p, m);
    return IPC_OK;
}
KSYS_RUN(kregion_unmap)

/* SYS_REGION_COPY: RECEIVE on the region, room for a copy. Returns 0 or
 * the error. */
static int kregion_copy_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = region_decode_cap(p, r, a, IPC_RIGHT_RECEIVE);
    return err ? err : region_room(p, ((const struct region *)a->obj)->pages);
}

/* Returns the copy's token (every right). */
static long kregion_copy_invoke(struct proc *p, struct ksys_args *a)
{
    const struct region *rg = a->obj;
    return region_new(p, rg->pages, rg);
}
KSYS_RUN(kregion_copy)

void kregion_cap_died(uint16_t cspace, ipc_cap_t tok)
{
    if (ipc_tok_type(tok) != IPC_OBJ_REGION || cspace == 0 || cspace > NPROC)
        return;
    struct proc *p = proc_slot(cspace - 1u);
    struct kmap *m = map_of(p, tok);
    if (m)
        map_remove(p, m);
}

bool kregion_user_range_ok(const struct proc *p, uintptr_t addr, size_t len, bool write)
{
    for (unsigned i = 0; i < KIPC_MAPS; i++) {
        const struct kmap *m = &p->maps[i];
        if (m->len && addr >= m->base && addr + len <= m->base + m->len && (!write || m->writable))
            return true;
    }
    return false;
}

KPROBE_ANCHOR bool kregion_move(struct proc *from, ipc_cap_t tok, struct proc *to, ipc_cap_t *out)
{
    KPROBE_KEEP("r"(from), "r"(to));
    struct ipc_slot *s;
    if (ipc_cap_lookup(&kipc_capsys, &from->cspace, tok, IPC_OBJ_REGION, IPC_RIGHT_GRANT, &s) !=
        IPC_OK)
        return false;
    uint32_t obj = s->obj;
    /* The moved capability keeps its parent: whoever lent it can still
     * revoke it. The sender's (and what was derived from it) dies, and with
     * it its mappings (kregion_cap_died). */
    if (ipc_cap_move(&kipc_capsys, &from->cspace, tok, &to->cspace, out) != IPC_OK)
        return false;
    ktrace(TRC_EV_REGION, from->pid, KOBJ_INDEX(obj) + 1, regions[KOBJ_INDEX(obj)].base, to->pid,
           TRC_REGION_MOVE);
    return true;
}
