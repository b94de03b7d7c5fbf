/* guest-kernel/kipc.c: the IPC system calls on top of ipc/ (capability
 * spaces, ports): decode (checks that may fail: capability lookup through
 * the cache, user pointers, admission), then invoke (deliver, queue or
 * block). Messages travel straight to a receiver that is already waiting,
 * else through the port's queue; a full queue parks the sender, an empty
 * one the receiver, each with an optional timeout in cycles.
 *
 * Capabilities carried by a message are checked (GRANT) when it is sent
 * and granted from the sender's own capability at delivery, so revoking
 * the sender's capability also kills the receiver's copy; one the sender
 * deleted in between arrives as IPC_CAP_NULL. */
#include "ipc/notify.h"
#include "ipc/uapi.h"
#include "kipc_int.h"
#include "ksys.h"

#define KIPC_POOL_MAX_PAGES 1024 /* 4 MiB of queued messages, about 12,000 */

struct ipc_capsys kipc_capsys;
struct ipc_msgpool kipc_pool;
static struct ipc_capcache caches[KCPU_MAX]; /* one per core */

/* Capability-system observer: traces cache invalidations. */
KPROBE_ANCHOR static void cap_event(void *ctx, enum ipc_cap_event ev, unsigned core,
                                    uint16_t cspace, ipc_cap_t tok, uint32_t obj)
{
    (void)ctx, (void)core;
    if (ev == IPC_CAP_EV_INVALIDATE)
        ktrace(TRC_EV_CAP_INVALIDATE, 0, cspace, tok, 0, 0);
    if (ev == IPC_CAP_EV_DELETE) {
        kregion_cap_died(cspace, tok);
        kipc_reply_cap_died(cspace, tok, obj);
    }
}

/* Capability-system observer of object references: regions go with
 * their last capability. */
static void obj_ref(void *ctx, unsigned type, uint32_t obj, int delta)
{
    (void)ctx;
    if (type == IPC_OBJ_REGION)
        kregion_obj_ref(obj, delta);
}

void kipc_init(uint32_t cache_lines)
{
    if (cache_lines == 0 || (cache_lines & (cache_lines - 1)) || cache_lines > 65536)
        panic("kipc_init: capability cache size must be a power of two up to 65536");
    size_t bytes = cache_lines * sizeof(struct ipc_capcache_line);
    for (uint32_t k = 0; k < kcpu_count; k++) { /* each core its own cache */
        uintptr_t first = kpage_alloc_run((bytes + KPAGE_SIZE - 1) / KPAGE_SIZE);
        if (!first)
            panic("kipc_init: no memory for the capability cache");
        if (ipc_capcache_init(&caches[k], (struct ipc_capcache_line *)first, cache_lines) != IPC_OK)
            panic("kipc_init: bad capability cache");
        kcpus[k].capcache = &caches[k];
    }
    /* a revocation or deletion drops the dead slot's line from every
     * core's cache at once (ipc/cap.c cap_invalidate), under the kernel
     * lock: no other core is in the kernel to hold the line meanwhile */
    ipc_capsys_init(&kipc_capsys, caches, kcpu_count);
    kipc_capsys.check_overlap = false; /* slots live in struct proc or own pages: disjoint */
    kipc_capsys.event = cap_event;
    kipc_capsys.obj_ref = obj_ref;
    ipc_msgpool_init(&kipc_pool);
}

int kipc_proc_init(struct proc *p)
{
    /* Space ids follow the process-table slot: unique among live ones. */
    uint16_t id = (uint16_t)(p - proc_slot(0) + 1);
    return ipc_cspace_attach(&kipc_capsys, &p->cspace, id, p->slots, KIPC_SLOTS);
}

/* Looks `tok` up in `p`'s space as ipc_cap_lookup() does (any type, with
 * `rights`), the fixed reply slot included (then *s is NULL). Returns
 * IPC_OK or the lookup's error. */
static int cap_lookup_any(const struct proc *p, ipc_cap_t tok, unsigned rights, struct ipc_slot **s)
{
    if (kipc_tok_is_fixed_reply(tok)) {
        *s = NULL;
        return kipc_reply_fixed_lookup(p, tok, IPC_OBJ_NONE, rights);
    }
    return ipc_cap_lookup(&kipc_capsys, &p->cspace, tok, IPC_OBJ_NONE, rights, s);
}

/* CNodes beyond each process's own root: one page each, KCNODE_SLOTS
 * slots and the descriptor, from at most KCNODE_MAX_PAGES pages in all
 * (pages are not given back: the page allocator frees nothing). */
#define KCNODE_RADIX 7
#define KCNODE_SLOTS 128
#define KCNODE_MAX_PAGES 4096
#define KIPC_ROOT_RADIX 6
_Static_assert(KIPC_SLOTS == 1u << KIPC_ROOT_RADIX, "the root CNode is a power of two");
_Static_assert(KCNODE_SLOTS == 1u << KCNODE_RADIX, "a CNode is a power of two");
_Static_assert(KCNODE_SLOTS * sizeof(struct ipc_slot) + sizeof(struct ipc_cnode) <= KPAGE_SIZE,
               "a CNode and its descriptor fit a page");

/* Returns a new unattached CNode of KCNODE_SLOTS slots on a fresh page, or
 * NULL when the pool or memory is used up. */
static struct ipc_cnode *kcnode_new(void)
{
    static unsigned pages;
    uintptr_t pg = pages < KCNODE_MAX_PAGES ? kpage_alloc() : 0;
    if (!pg)
        return NULL;
    pages++;
    struct ipc_cnode *cn = (struct ipc_cnode *)(pg + KCNODE_SLOTS * sizeof(struct ipc_slot));
    if (ipc_cnode_init(cn, (struct ipc_slot *)pg, KCNODE_SLOTS, KCNODE_RADIX, 0, 0) != IPC_OK)
        return NULL;
    return cn;
}

int kipc_cspace_size(struct proc *p, uint32_t nslots)
{
    if (nslots <= KIPC_SLOTS)
        return IPC_OK;
    /* Two levels (root, leaves) up to 64 x 128 slots, else three (root,
     * interior CNodes, leaves); the root's guard takes the bits left. */
    uint32_t leaves = (nslots + KCNODE_SLOTS - 1) / KCNODE_SLOTS;
    uint32_t mids = leaves > KIPC_SLOTS ? (leaves + KCNODE_SLOTS - 1) / KCNODE_SLOTS : 0;
    if (mids > KIPC_SLOTS || p->cspace.used != 0)
        return IPC_ERR_INVALID_ARG;
    unsigned levels = mids ? 3 : 2;
    uint16_t id = p->cspace.id;
    ipc_cspace_detach(&kipc_capsys, &p->cspace);
    struct ipc_cnode *root = &p->cspace.own;
    unsigned below = KCNODE_RADIX * (levels - 1);
    if (ipc_cnode_init(root, p->slots, KIPC_SLOTS, KIPC_ROOT_RADIX,
                       IPC_TOK_INDEX_BITS - KIPC_ROOT_RADIX - below, 0) != IPC_OK ||
        ipc_cspace_attach_root(&kipc_capsys, &p->cspace, id, root) != IPC_OK)
        panic("kipc_cspace_size: cannot re-root a space");
    for (uint32_t m = 0; m < (mids ? mids : 1); m++) {
        struct ipc_cnode *parent = root;
        if (mids) {
            if (!(parent = kcnode_new()) ||
                ipc_cnode_add(&kipc_capsys, &p->cspace, root, m, parent) != IPC_OK)
                return IPC_ERR_NO_MEMORY;
        }
        uint32_t n = mids ? leaves - m * KCNODE_SLOTS : leaves;
        for (uint32_t l = 0; l < n && l < (mids ? KCNODE_SLOTS : KIPC_SLOTS); l++) {
            struct ipc_cnode *leaf = kcnode_new();
            if (!leaf || ipc_cnode_add(&kipc_capsys, &p->cspace, parent, l, leaf) != IPC_OK)
                return IPC_ERR_NO_MEMORY;
        }
    }
    return IPC_OK;
}

/* Adds a page of message nodes to the pool; returns false when out of
 * memory. */
bool kipc_pool_grow(void)
{
    /* A bound on queued messages system-wide, so that one process filling
     * huge queues cannot take the memory every other one needs. */
    static unsigned pool_pages;
    if (pool_pages >= KIPC_POOL_MAX_PAGES)
        return false;
    uintptr_t pg = kpage_alloc();
    if (!pg)
        return false;
    pool_pages++;
    ipc_msgpool_add(&kipc_pool, (struct ipc_msgnode *)pg, KPAGE_SIZE / sizeof(struct ipc_msgnode));
    return true;
}

int kipc_obj_decode(struct proc *p, const struct arch_regs *r, enum ipc_obj_type type,
                    unsigned rights, const struct kobj_table *t, struct ksys_args *a)
{
    int err;
    int i = kipc_obj_find(p, arch_syscall_arg(r, 0), type, rights, t, &err);
    a->a1 = arch_syscall_arg(r, 1);
    return i < 0 ? err : i;
}

KPROBE_ANCHOR long kipc_obj_new(struct proc *p, enum ipc_obj_type type, struct kobj_table *t,
                                unsigned *index)
{
    KPROBE_KEEP("r"(index));
    unsigned i = t->hint;
    while (i < t->n && t->owner[i])
        i++;
    t->hint = i;
    if (i == t->n)
        return IPC_ERR_NO_MEMORY;
    ipc_cap_t tok;
    int r = ipc_cap_create(&kipc_capsys, &p->cspace, type, KOBJ_REF(t->gen[i], i), IPC_RIGHTS_ALL,
                           0, &tok);
    if (r != IPC_OK)
        return r;
    t->owner[i] = p->pid;
    t->hint = i + 1;
    if (i >= t->used)
        t->used = i + 1;
    *index = i;
    return (long)tok;
}

int kipc_obj_room(const struct proc *p, struct kobj_table *t)
{
    unsigned i = t->hint;
    while (i < t->n && t->owner[i])
        i++;
    t->hint = i; /* kipc_obj_new starts there */
    if (i == t->n)
        return IPC_ERR_NO_MEMORY;
    return p->cspace.used < p->cspace.nslots ? IPC_OK : IPC_ERR_NO_SLOT;
}

void kipc_obj_free(struct kobj_table *t, unsigned i)
{
    t->owner[i] = 0;
    t->gen[i] = (t->gen[i] + 1) & KOBJ_GEN_MASK;
    if (i < t->hint)
        t->hint = i;
}

long kipc_grant(struct proc *owner, ipc_cap_t tok, struct proc *to, unsigned rights)
{
    ipc_cap_t out;
    int r = ipc_cap_grant(&kipc_capsys, &owner->cspace, tok, &to->cspace, rights, &out);
    return r == IPC_OK ? (long)out : r;
}

/* Makes `p`, which waited on port `port_id`, runnable again with
 * system-call result `status`. */
KPROBE_ANCHOR void kipc_wake(struct proc *p, uint32_t port_id, int status)
{
    KPROBE_KEEP("r"(p), "r"(port_id), "r"(status));
    ktrace(TRC_EV_IPC_WAKE, p->pid, port_id, (uint64_t)(int64_t)status, 0, 0);
    ktimeout_set(p, 0);
    arch_syscall_set_ret(&p->regs, (uintptr_t)(intptr_t)status);
    sched_enqueue(p);
}

/* Parks `p` on `port` (RECV or SEND) until woken or `timeout` cycles pass,
 * and runs something else. */
KPROBE_ANCHOR __attribute__((noreturn)) void kipc_block(struct proc *p, struct ipc_port *port,
                                                        enum ipc_wait_kind kind, uint64_t timeout)
{
    KPROBE_KEEP("r"(p), "r"(port), "r"(kind));
    if (ipc_port_wait(port, &p->waiter, kind, &p->kbuf) != IPC_OK)
        panic("kipc block: the waiter is already parked");
    ktimeout_set(p, ktimeout_deadline(timeout));
    p->state = PROC_BLOCKED;
    ktrace(TRC_EV_IPC_BLOCK, p->pid, port->id, kind == IPC_WAIT_RECV ? 1 : 2, p->deadline, 0);
    sched_next(TRC_SWITCH_BLOCK);
}

/* Returns the packed opcode and length for the trace. */
uint64_t kipc_msg_word(const struct ipc_msg *m)
{
    return m->opcode | (uint64_t)(m->len & 0xffffu) << 32 | (uint64_t)(m->ncaps & 0xffu) << 48 |
           (uint64_t)((m->flags & IPC_MSG_MOVE) != 0) << 56;
}

/* Returns the process a parked waiter belongs to. */
struct proc *kipc_waiter_proc(struct ipc_waiter *w)
{
    return (struct proc *)((char *)w - __builtin_offsetof(struct proc, waiter));
}

/* Copies the user message at `u` into *m, checking the pointer, the size
 * and the capabilities it carries (they need GRANT). Returns IPC_OK or an
 * error. */
int kipc_copy_in(struct proc *p, uintptr_t u, struct ipc_msg *m)
{
    if (!proc_user_range_ok(p, u, IPC_UMSG_HEADER, false))
        return IPC_ERR_BAD_POINTER;
    const struct ipc_umsg *um = (const struct ipc_umsg *)u;
    uint32_t len = um->len, ncaps = um->ncaps;
    if (len > IPC_MSG_MAX)
        return IPC_ERR_MSG_TOO_LARGE;
    if (ncaps > IPC_MSG_CAPS)
        return IPC_ERR_INVALID_ARG;
    if (!proc_user_range_ok(p, u, IPC_UMSG_HEADER + len, false))
        return IPC_ERR_BAD_POINTER;
    m->opcode = um->opcode;
    m->len = len;
    m->sender = p->pid;
    m->ncaps = (uint16_t)ncaps;
    m->flags = (um->flags & IPC_UMSG_MOVE) ? IPC_MSG_MOVE : 0;
    m->reply = 0;
    for (unsigned i = 0; i < IPC_MSG_CAPS; i++) {
        m->caps[i] = i < ncaps ? um->caps[i] : IPC_CAP_NULL;
        struct ipc_slot *s;
        int r = i < ncaps ? cap_lookup_any(p, m->caps[i], IPC_RIGHT_GRANT, &s) : IPC_OK;
        if (r != IPC_OK)
            return r;
    }
    memcpy(m->data, um->data, len);
    return IPC_OK;
}

/* Writes *m into receiver `p`'s user buffer (checked when it asked),
 * granting the capabilities it carries from the sender's space into `p`'s. */
KPROBE_ANCHOR bool kipc_deliver(struct proc *p, uintptr_t u, const struct ipc_msg *m)
{
    KPROBE_KEEP("r"(m));
    /* First everything that touches capabilities: moving a region can
     * unmap memory (and reload page tables), so none of it may happen
     * while the receiver's tables are borrowed below. */
    ipc_cap_t caps[IPC_MSG_CAPS];
    struct proc *from = proc_by_pid(m->sender);
    for (unsigned i = 0; i < IPC_MSG_CAPS; i++) {
        struct ipc_slot *s;
        caps[i] = IPC_CAP_NULL;
        if (i >= m->ncaps || !from)
            continue;
        if ((m->flags & IPC_MSG_MOVE) && ipc_tok_type(m->caps[i]) == IPC_OBJ_REGION) {
            if (!kregion_move(from, m->caps[i], p, &caps[i]))
                caps[i] = IPC_CAP_NULL;
        } else if (ipc_cap_lookup(&kipc_capsys, &from->cspace, m->caps[i], IPC_OBJ_NONE,
                                  IPC_RIGHT_GRANT, &s) != IPC_OK ||
                   ipc_cap_grant(&kipc_capsys, &from->cspace, m->caps[i], &p->cspace, s->rights,
                                 &caps[i]) != IPC_OK) {
            caps[i] = IPC_CAP_NULL;
        }
    }
    ipc_cap_t reply = m->flags & IPC_MSG_CALL ? kipc_call_received(p, m) : IPC_CAP_NULL;
    /* The buffer may have gone with a capability just moved. */
    struct ipc_umsg *um = (struct ipc_umsg *)u;
    if (!proc_user_range_ok(p, u, sizeof *um, true))
        return false;
    /* Outside its stack, the buffer is in a region `p` mapped, which the
     * running process may map read-only or not at all: write it through
     * `p`'s own page tables. */
    struct proc *cur = kcpu_self()->current;
    bool borrow = cur && cur != p && !(u >= p->stack_lo && u + sizeof *um <= p->stack_hi);
    if (borrow)
        arch_pt_activate(p->pt_root, p->asid);
    ipc_umsg_put_head(um, m, caps, reply);
    memcpy(um->data, m->data, m->len);
    if (borrow)
        arch_pt_activate(cur->pt_root, cur->asid);
    return true;
}

/* Lets a woken process of higher priority run before `p`. */
void kipc_yield_to_higher(struct proc *p, struct proc *woken, long result)
{
    if (woken && woken->prio > p->prio) {
        arch_syscall_set_ret(&p->regs, (uintptr_t)result); /* it resumes later */
        sched_enqueue(p);
        sched_next(TRC_SWITCH_PREEMPT);
    }
}

KPROBE_ANCHOR bool kipc_hand_over(struct proc *p, struct ipc_port *port, struct proc *rp,
                                  const struct ipc_msg *m)
{
    KPROBE_KEEP("r"(p), "r"(port), "r"(rp), "r"(m));
    ipc_port_cancel(&rp->waiter); /* unpark it, wherever it is in the queue */
    /* Its buffer was checked when it parked; a region mapping may have gone
     * since (revoke, move, unmap): then it gets BadPointer, not the message. */
    if (!rp->recv_regs && !proc_user_range_ok(rp, rp->ubuf, sizeof(struct ipc_umsg), true)) {
        kipc_wake(rp, port->id, IPC_ERR_BAD_POINTER);
        return false;
    }
    if (rp->recv_regs) {
        kipc_deliver_regs(rp, m);
    } else if (!kipc_deliver(rp, rp->ubuf, m)) {
        kipc_wake(rp, port->id, IPC_ERR_BAD_POINTER);
        return false;
    }
    ktrace(TRC_EV_IPC_SEND, p->pid, port->id, kipc_msg_word(m), TRC_IPC_DIRECT, 0);
    ktrace(TRC_EV_IPC_RECV, rp->pid, port->id, kipc_msg_word(m), TRC_IPC_DIRECT,
           (uint64_t)p->pid << 32);
    kipc_wake(rp, port->id, IPC_OK);
    return true;
}

/* Returns the first receiver parked on `port` that can take *m, or NULL. */
static struct ipc_waiter *first_fit(struct ipc_port *port, const struct ipc_msg *m)
{
    struct ipc_waiter *w = port->receivers.head;
    while (w && kipc_waiter_proc(w)->recv_regs && m->len > IPC_INLINE_MAX)
        w = w->next;
    return w;
}

KPROBE_ANCHOR int kipc_post(struct proc *p, struct ipc_port *port, struct ipc_msg *m,
                            struct proc **woken)
{
    KPROBE_KEEP("r"(p), "r"(port), "r"(m), "r"(woken));
    *woken = NULL;
    int r = ipc_port_admit(port, m, kport_admit_clock(port));
    if (r != IPC_OK) {
        ktrace(TRC_EV_IPC_SEND, p->pid, port->id, kipc_msg_word(m), TRC_IPC_REFUSED,
               (uint64_t)(int64_t)r);
        return r;
    }
    /* Point of no return: the message is admitted. It goes to the first
     * receiver it fits (one waiting in its registers takes at most
     * IPC_INLINE_MAX bytes), else into the queue. */
    struct ipc_waiter *w = first_fit(port, m);
    while (w) {
        struct proc *rp = kipc_waiter_proc(w);
        if (kipc_hand_over(p, port, rp, m)) {
            *woken = rp;
            return IPC_OK;
        }
        w = first_fit(port, m); /* that one's buffer had gone: the next */
    }
    r = ipc_port_enqueue(port, m);
    if (r == IPC_ERR_NO_MEMORY && kipc_pool_grow())
        r = ipc_port_enqueue(port, m);
    if (r != IPC_ERR_PORT_FULL)
        ktrace(TRC_EV_IPC_SEND, p->pid, port->id, kipc_msg_word(m),
               r == IPC_OK ? TRC_IPC_QUEUED : TRC_IPC_REFUSED, (uint64_t)(int64_t)r);
    return r;
}

/* SYS_SEND / SYS_TRY_SEND: SEND on the port, a message the caller may
 * read (copied into p->kbuf, with the capabilities it carries checked).
 * Returns 0 or the error, traced as a refused send. */
static inline __attribute__((always_inline)) int
kipc_send_check(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err;
    a->port = kport_lookup(p, arch_syscall_arg(r, 0), IPC_RIGHT_SEND, &err);
    if (a->port && (err = kipc_copy_in(p, arch_syscall_arg(r, 1), &p->kbuf)) != IPC_OK)
        a->port = NULL;
    if (!a->port) {
        ktrace(TRC_EV_IPC_SEND, p->pid, 0, 0, TRC_IPC_REFUSED, (uint64_t)(int64_t)err);
        return err;
    }
    return IPC_OK;
}

/* Sends p->kbuf to a->port (kipc_post); a full queue parks a blocking
 * sender until there is room (or the timeout) and refuses a try. Returns
 * 0, or the outcome (PortFull for a try, or admission's refusal). */
static inline __attribute__((always_inline)) long kipc_send_do(struct proc *p, struct ksys_args *a,
                                                               bool try)
{
    struct ipc_port *port = a->port;
    struct ipc_msg *m = &p->kbuf;
    struct proc *woken;
    int r = kipc_post(p, port, m, &woken);
    if (woken) {
        kipc_yield_to_higher(p, woken, IPC_OK);
        return IPC_OK;
    }
    if (r != IPC_ERR_PORT_FULL)
        return r;
    if (try) {
        ktrace(TRC_EV_IPC_SEND, p->pid, port->id, kipc_msg_word(m), TRC_IPC_REFUSED,
               (uint64_t)(int64_t)r);
        return r;
    }
    kipc_block(p, port, IPC_WAIT_SEND, a->timeout);
}

/* SYS_SEND decode: as kipc_send_check, and the timeout. */
static int kipc_send_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    a->timeout = arch_syscall_arg(r, 2);
    return kipc_send_check(p, r, a);
}

/* SYS_SEND invoke: returns as kipc_send_do, or blocks. */
static long kipc_send_invoke(struct proc *p, struct ksys_args *a)
{
    return kipc_send_do(p, a, false);
}
KSYS_RUN(kipc_send)

/* SYS_TRY_SEND decode: as kipc_send_check. */
static int kipc_try_send_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    return kipc_send_check(p, r, a);
}

/* SYS_TRY_SEND invoke: returns as kipc_send_do; never blocks. */
static long kipc_try_send_invoke(struct proc *p, struct ksys_args *a)
{
    return kipc_send_do(p, a, true);
}
KSYS_RUN(kipc_try_send)

/* SYS_RECV / SYS_TRY_RECV: RECEIVE on the port, a message buffer the
 * caller may write (a->a1). Returns 0 or the error, traced as a refused
 * receive. */
static inline __attribute__((always_inline)) int
kipc_recv_check(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err;
    a->port = kport_lookup(p, arch_syscall_arg(r, 0), IPC_RIGHT_RECEIVE, &err);
    a->a1 = arch_syscall_arg(r, 1);
    if (a->port && !proc_user_range_ok(p, a->a1, sizeof(struct ipc_umsg), true))
        err = IPC_ERR_BAD_POINTER;
    else if (a->port)
        return IPC_OK;
    ktrace(TRC_EV_IPC_RECV, p->pid, a->port ? a->port->id : 0, 0, TRC_IPC_REFUSED,
           (uint64_t)(uint32_t)err);
    return err;
}

/* Receives the head of a->port's queue into the buffer at a->a1, or (a
 * blocking receive on an empty queue) parks until a message comes.
 * Returns 0, or the outcome: WouldBlock (try, empty), PortClosed, or
 * BadPointer when a region the message carried took the buffer away. */
static inline __attribute__((always_inline)) long kipc_recv_do(struct proc *p, struct ksys_args *a,
                                                               bool try)
{
    struct ipc_port *port = a->port;
    uintptr_t u = a->a1;
    struct ipc_waiter *woken;
    int r = ipc_port_dequeue(port, &p->kbuf, &woken);
    if (r == IPC_OK) {
        /* Its buffer can vanish only if a region it carries unmapped it:
         * then the message (its capabilities delivered) ends here. */
        r = kipc_deliver(p, u, &p->kbuf) ? IPC_OK : IPC_ERR_BAD_POINTER;
        ktrace(TRC_EV_IPC_RECV, p->pid, port->id, kipc_msg_word(&p->kbuf), TRC_IPC_FROM_QUEUE,
               (uint64_t)p->kbuf.sender << 32 | (uint32_t)r);
        if (woken) { /* a sender parked on the full queue got in */
            struct proc *sp = kipc_waiter_proc(woken);
            ktrace(TRC_EV_IPC_SEND, sp->pid, port->id, kipc_msg_word(&sp->kbuf), TRC_IPC_QUEUED, 0);
            kipc_wake(sp, port->id, IPC_OK);
            kipc_yield_to_higher(p, sp, r);
        }
        return r;
    }
    if (r == IPC_ERR_WOULD_BLOCK && !try) {
        p->ubuf = u;
        p->recv_regs = false;
        kipc_block(p, port, IPC_WAIT_RECV, a->timeout);
    }
    ktrace(TRC_EV_IPC_RECV, p->pid, port->id, 0, TRC_IPC_REFUSED, (uint64_t)(uint32_t)r);
    return r;
}

/* SYS_RECV decode: as kipc_recv_check, and the timeout. */
static int kipc_recv_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    a->timeout = arch_syscall_arg(r, 2);
    return kipc_recv_check(p, r, a);
}

/* SYS_RECV invoke: returns as kipc_recv_do, or blocks. */
static long kipc_recv_invoke(struct proc *p, struct ksys_args *a)
{
    return kipc_recv_do(p, a, false);
}
KSYS_RUN(kipc_recv)

/* SYS_TRY_RECV decode: as kipc_recv_check. */
static int kipc_try_recv_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    return kipc_recv_check(p, r, a);
}

/* SYS_TRY_RECV invoke: returns as kipc_recv_do; never blocks. */
static long kipc_try_recv_invoke(struct proc *p, struct ksys_args *a)
{
    return kipc_recv_do(p, a, true);
}
KSYS_RUN(kipc_try_recv)

void kipc_wake_waiter(void *ctx, struct ipc_waiter *w)
{
    const struct ipc_port *port = ctx;
    kipc_wake(kipc_waiter_proc(w), port->id, w->status);
}

/* SYS_CAP_DERIVE: a capability (not a reply capability: it answers one
 * call and has no copies), rights it holds, a free slot. Returns 0 or
 * InvalidCap / InvalidArg / InsufficientRights / NoSlot. */
static int kipc_cap_derive_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    struct ipc_slot *s;
    a->a0 = arch_syscall_arg(r, 0);
    a->a1 = (unsigned)arch_syscall_arg(r, 1);
    int err = cap_lookup_any(p, a->a0, 0, &s);
    if (err != IPC_OK)
        return err;
    if (!s || s->type == IPC_OBJ_REPLY) /* (!s: the fixed reply slot) */
        return IPC_ERR_INVALID_ARG;
    if (a->a1 & ~(unsigned)s->rights)
        return IPC_ERR_INSUFFICIENT_RIGHTS;
    return p->cspace.used < p->cspace.nslots ? IPC_OK : IPC_ERR_NO_SLOT;
}

/* Returns the derived capability's token. */
static long kipc_cap_derive_invoke(struct proc *p, struct ksys_args *a)
{
    ipc_cap_t out;
    int r = ipc_cap_derive(&kipc_capsys, &p->cspace, a->a0, (unsigned)a->a1, &out);
    return r == IPC_OK ? (long)out : r; /* (r: cannot happen, checked) */
}
KSYS_RUN(kipc_cap_derive)

/* SYS_CAP_REVOKE: a capability with MANAGE. Returns 0 or the error. */
static int kipc_cap_revoke_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    struct ipc_slot *s;
    a->a0 = arch_syscall_arg(r, 0);
    return cap_lookup_any(p, a->a0, IPC_RIGHT_MANAGE, &s);
}

/* Kills every capability derived from it. Returns 0. */
static long kipc_cap_revoke_invoke(struct proc *p, struct ksys_args *a)
{
    return ipc_cap_revoke(&kipc_capsys, &p->cspace, a->a0);
}
KSYS_RUN(kipc_cap_revoke)

/* SYS_CAP_DELETE: a capability. Returns 0 or InvalidCap. */
static int kipc_cap_delete_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    struct ipc_slot *s;
    a->a0 = arch_syscall_arg(r, 0);
    return cap_lookup_any(p, a->a0, 0, &s);
}

/* Deletes it and what was derived from it (the fixed reply slot: empties
 * it, the call ends with PortClosed). Returns 0. */
static long kipc_cap_delete_invoke(struct proc *p, struct ksys_args *a)
{
    if (kipc_tok_is_fixed_reply(a->a0)) {
        kipc_reply_fixed_drop(p, a->a0);
        return IPC_OK;
    }
    return ipc_cap_delete(&kipc_capsys, &p->cspace, a->a0);
}
KSYS_RUN(kipc_cap_delete)

void kipc_proc_exit(struct proc *p)
{
    ipc_port_cancel(&p->waiter);
    kipc_call_abandon(p); /* (a caller cannot end while it waits: defensive) */
    ktopic_proc_exit(p);
    knotif_proc_exit(p);
    kname_proc_exit(p);
    ktimeout_set(p, 0);
    /* Callers waiting for a reply only `p` could give get PortClosed: the
     * one in its fixed reply slot, the ones whose reply capabilities are in
     * p's space. */
    kipc_reply_fixed_drop(p, IPC_CAP_NULL);
    uint64_t at = 0;
    struct ipc_slot *s;
    while (ipc_cspace_next(&kipc_capsys, &p->cspace, &at, NULL, &s)) {
        struct proc *c = s->type == IPC_OBJ_REPLY ? kipc_reply_caller(s->obj) : NULL;
        if (c && c->reply_tok != IPC_CAP_NULL && c->reply_cspace == p->cspace.id) {
            c->reply_wait = false;
            c->reply_tok = IPC_CAP_NULL;
            kipc_wake(c, 0, IPC_ERR_PORT_CLOSED);
        }
    }
    kport_proc_exit(p);
    ipc_cspace_detach(&kipc_capsys, &p->cspace);
}

void kipc_wait_expired(struct proc *p)
{
    uint32_t port_id = p->waiter.port ? p->waiter.port->id : 0;
    ipc_port_cancel(&p->waiter);
    ipc_notif_cancel(&p->waiter);
    kipc_call_abandon(p);
    kipc_wake(p, port_id, IPC_ERR_TIMEOUT);
}
