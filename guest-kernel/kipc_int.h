/* guest-kernel/kipc_int.h: what the IPC files share: kipc.c (capabilities,
 * object tables, messages in memory), kcall.c (call / reply in registers,
 * the fast path), kport.c (ports), knotif.c (notifications), ktopic.c
 * (topics), kname.c (the name registry), kregion.c (shared regions). */
#ifndef IPCEMU_KERNEL_KIPC_INT_H
#define IPCEMU_KERNEL_KIPC_INT_H

#include "ipc/uapi.h"
#include "kcpu.h"
#include "kernel.h"

extern struct ipc_capsys kipc_capsys;
extern struct ipc_msgpool kipc_pool; /* queued message nodes (kipc_pool_grow) */

/* A capability's object word for an object table entry: a 16-bit index
 * and a 16-bit generation (bumped when the entry is freed, so older
 * capabilities to it go stale; it wraps after 65,536 reuses of one entry). */
#define KOBJ_INDEX_BITS 16u
#define KOBJ_REF(gen, i) (((uint32_t)(gen) << KOBJ_INDEX_BITS) | (uint32_t)(i))
#define KOBJ_INDEX(ref) ((uint32_t)(ref) & ((1u << KOBJ_INDEX_BITS) - 1u))
#define KOBJ_GEN(ref) ((uint32_t)(ref) >> KOBJ_INDEX_BITS)
#define KOBJ_GEN_MASK 0xffffu

/* kipc.c */
/* Looks `tok` up in `p`'s space through the capability cache of the core
 * that runs it (traced as a hit or miss); returns IPC_OK with *s set, or
 * the error. (Inline: every system call's decode runs it.) */
static inline int kipc_cap_find(struct proc *p, ipc_cap_t tok, enum ipc_obj_type type,
                                unsigned rights, struct ipc_slot **s)
{
    bool hit = false;
    int r = ipc_cap_lookup_cached(&kipc_capsys, kcpu_self()->id, &p->cspace, tok, type, rights, s,
                                  &hit);
    ktrace(TRC_EV_CAP_LOOKUP, p->pid, tok, hit, (uint64_t)(int64_t)r, 0);
    return r;
}
/* Who owns the entries of an object table (ports, notifications, ...):
 * owner[i] is the creator's pid while entry i lives (0: free), gen[i] its
 * generation; capabilities name KOBJ_REF(gen[i], i). */
struct kobj_table {
    uint32_t *owner, *gen;
    unsigned n;    /* entries */
    unsigned hint; /* no entry below it is free */
    unsigned used; /* entries at or above it were never used: loops stop there */
};
#define KOBJ_TABLE(owner, gen)                                                                     \
    {                                                                                              \
        (owner), (gen), sizeof(owner) / sizeof((owner)[0]), 0, 0                                   \
    }
/* Takes a free entry i of table `t`, makes `p` its owner and gives `p` a
 * capability with every right to it. Returns the token with *index = i,
 * or an error (NoMemory: the table is full). */
long kipc_obj_new(struct proc *p, enum ipc_obj_type type, struct kobj_table *t, unsigned *index);
struct ksys_args;
/* Decodes a system call on an object of table `t` (ksys.h): argument 0 a
 * capability of `p` to one as `type` with `rights`, argument 1 into
 * a->a1. Returns the object's index, or the lookup's error (< 0). */
int kipc_obj_decode(struct proc *p, const struct arch_regs *r, enum ipc_obj_type type,
                    unsigned rights, const struct kobj_table *t, struct ksys_args *a);
/* Returns IPC_OK if kipc_obj_new(p, ..., t, ...) would succeed now (a free
 * entry: else NoMemory; a free slot in p's space: else NoSlot). */
int kipc_obj_room(const struct proc *p, struct kobj_table *t);
/* Frees entry i: capabilities naming it go stale. */
void kipc_obj_free(struct kobj_table *t, unsigned i);
/* Returns the index in `t` of the live object `tok` of `p` names as
 * `type` with `rights`, or -1 with *err set. */
static inline int kipc_obj_find(struct proc *p, ipc_cap_t tok, enum ipc_obj_type type,
                                unsigned rights, const struct kobj_table *t, int *err)
{
    struct ipc_slot *s;
    int r = kipc_cap_find(p, tok, type, rights, &s);
    if (r == IPC_OK) {
        uint32_t i = KOBJ_INDEX(s->obj);
        if (i < t->n && t->owner[i] && t->gen[i] == KOBJ_GEN(s->obj))
            return (int)i;
        r = IPC_ERR_INVALID_CAP; /* the object is gone */
    }
    *err = r;
    return -1;
}
/* Makes `p`, which waited on port `port_id`, runnable with result `status`. */
void kipc_wake(struct proc *p, uint32_t port_id, int status);
/* Parks `p` on `port` until woken or `timeout` cycles pass; runs another. */
__attribute__((noreturn)) void kipc_block(struct proc *p, struct ipc_port *port,
                                          enum ipc_wait_kind kind, uint64_t timeout);
/* Returns the message word of the trace (abi/events.h): opcode |
 * len << 32 | ncaps << 48 | moved << 56. */
uint64_t kipc_msg_word(const struct ipc_msg *m);
/* Returns the process a waiter is embedded in. */
struct proc *kipc_waiter_proc(struct ipc_waiter *w);
/* Adds a page of message nodes to the pool; false when out of memory. */
bool kipc_pool_grow(void);
/* Gives `p` the capabilities *m carries, then writes *m into its user
 * buffer at `u` (through p's page tables). Returns false, writing nothing,
 * when that buffer is no longer memory p may write. */
bool kipc_deliver(struct proc *p, uintptr_t u, const struct ipc_msg *m);
/* Gives *m from `p` to receiver `rp`, parked on `port` (slow path,
 * direct): into its registers or its buffer, traced, and wakes it.
 * Returns false (rp woken with BadPointer, *m not delivered) when rp's
 * buffer is no longer memory it may write. */
bool kipc_hand_over(struct proc *p, struct ipc_port *port, struct proc *rp,
                    const struct ipc_msg *m);
/* Sends *m from `p` to `port` without blocking: admission (filter, size,
 * rate), then straight to a waiting receiver (*woken, already made
 * runnable) or into the queue. Returns IPC_OK or the error (PortFull is
 * not traced: the caller may still park). */
int kipc_post(struct proc *p, struct ipc_port *port, struct ipc_msg *m, struct proc **woken);
/* Copies and checks the user message at `u` (see SYS_SEND). */
int kipc_copy_in(struct proc *p, uintptr_t u, struct ipc_msg *m);
/* Lets `woken` run first if its priority is above `p`'s: p's system call
 * then returns `result` when p runs again (this call does not return). */
void kipc_yield_to_higher(struct proc *p, struct proc *woken, long result);

/* Wakes the process parked as `w` on port *ctx with w->status: the waiters
 * a close wakes (ipc_port_close) and the senders let in when messages leave
 * a queue (ipc_port_remove). */
void kipc_wake_waiter(void *ctx, struct ipc_waiter *w);

/* kport.c */
/* Returns the port capability `tok` of `p` names with `rights` (looked up
 * through the cache, traced), or NULL with *err set. */
struct ipc_port *kport_lookup(struct proc *p, ipc_cap_t tok, unsigned rights, int *err);
#define KPORT_SLOTS 16384 /* kport.c KIPC_PORTS */
/* The port table: entry i, its generation and its owner's pid (0: free). */
extern struct ipc_port kport_ports[KPORT_SLOTS];
extern uint32_t kport_gen[KPORT_SLOTS], kport_owner[KPORT_SLOTS];
/* Returns the port a port capability's object word (KOBJ_REF) names, or
 * NULL when that port is gone. (Inline: the fast path runs it.) */
static inline struct ipc_port *kport_deref(uint32_t ref)
{
    uint32_t i = KOBJ_INDEX(ref);
    return i < KPORT_SLOTS && kport_owner[i] && kport_gen[i] == KOBJ_GEN(ref) ? &kport_ports[i]
                                                                              : NULL;
}
/* The `now` ipc_port_admit needs for `port`: the clock when the port has a
 * rate limit, else 0 (ignored). */
uint64_t kport_admit_clock(const struct ipc_port *port);
/* Closes the ports `p` created for good (their waiters get PortClosed). */
void kport_proc_exit(struct proc *p);

/* knotif.c: ends `p`'s wait on a notification, if any, and frees the
 * notifications it created (their waiters get PortClosed). */
void knotif_proc_exit(struct proc *p);
/* ktopic.c: frees the topics `p` created. */
void ktopic_proc_exit(struct proc *p);
/* kname.c: unbinds the names `p` bound. */
void kname_proc_exit(struct proc *p);

/* kregion.c */
/* A capability came to name region object `obj` (delta +1) or stopped
 * naming it (-1); the region goes with its last capability. */
void kregion_obj_ref(uint32_t obj, int delta);
/* A capability of space `cspace` died: its mapping, if any, goes. */
void kregion_cap_died(uint16_t cspace, ipc_cap_t tok);
/* Moves region capability `tok` of `from` to `to` (a new capability in
 * *out; `from`'s and its mappings die). Returns false when `tok` is not a
 * region `from` may grant, or `to` has no free slot. */
bool kregion_move(struct proc *from, ipc_cap_t tok, struct proc *to, ipc_cap_t *out);

/* kcall.c */
/* Returns the reply-capability object naming `c`'s current call. */
static inline uint32_t kipc_reply_obj(const struct proc *c)
{
    return KOBJ_REF(c->call_seq & KOBJ_GEN_MASK, c - proc_table);
}

/* Returns the token of the fixed reply slot holding reply object `obj`:
 * the reserved index no capability space has, so nothing but
 * kipc_reply_fixed_lookup() ever resolves it; the generation is the reply
 * object (the caller and its call number), so the token of an older call
 * (answered, timed out) never names a newer one. */
static inline ipc_cap_t kipc_fixed_tok(uint32_t obj)
{
    return ipc_tok_make(IPC_TOK_INDEX_REPLY, IPC_OBJ_REPLY, obj);
}

/* Returns the caller whose reply capability `s`'s fixed slot holds under
 * token `tok`, if that caller still waits for that very call (blocked in
 * it, its reply not given, the capability in `s`'s space), else NULL.
 * The one definition of a valid fixed reply: the generic reply's checks
 * (kcall.c) and the fast path's (kfastpath.c) both use it. */
static inline struct proc *kipc_fixed_caller(const struct proc *s, ipc_cap_t tok)
{
    struct proc *c = s->caller;
    uint32_t obj = s->caller_obj;
    return c && tok == kipc_fixed_tok(obj) && c->state == PROC_BLOCKED && c->reply_wait &&
                   kipc_reply_obj(c) == obj && c->reply_tok == tok &&
                   c->reply_cspace == s->cspace.id
               ? c
               : NULL;
}

/* Returns how many message registers a payload of `len` bytes (at most
 * IPC_INLINE_MAX) fills. */
static inline unsigned kipc_mr_count(uint64_t len)
{
    return (unsigned)((len + 7) / 8);
}

/* Copies the first `n` (0..8) message registers from `s` to `d`, each one
 * load and one store at constant offsets (seL4's fastpath_copy_mrs): the
 * registers beyond `n` keep `d`'s own values. */
static inline __attribute__((always_inline)) void
kipc_copy_mrs(struct arch_regs *d, const struct arch_regs *s, unsigned n)
{
#define KIPC_COPY_MR(i) arch_set_ipc_reg(d, ARCH_IPC_MR0 + (i), arch_ipc_reg(s, ARCH_IPC_MR0 + (i)))
    switch (n) {
    case 8:
        KIPC_COPY_MR(7);
        __attribute__((fallthrough));
    case 7:
        KIPC_COPY_MR(6);
        __attribute__((fallthrough));
    case 6:
        KIPC_COPY_MR(5);
        __attribute__((fallthrough));
    case 5:
        KIPC_COPY_MR(4);
        __attribute__((fallthrough));
    case 4:
        KIPC_COPY_MR(3);
        __attribute__((fallthrough));
    case 3:
        KIPC_COPY_MR(2);
        __attribute__((fallthrough));
    case 2:
        KIPC_COPY_MR(1);
        __attribute__((fallthrough));
    case 1:
        KIPC_COPY_MR(0);
        __attribute__((fallthrough));
    default:
        break;
    }
#undef KIPC_COPY_MR
}

/* Call message *m reached receiver `s`: returns the reply capability made
 * in s's space (priority inheritance included), or IPC_CAP_NULL when the
 * caller no longer waits or `s` has no free slot (then the caller's call
 * fails with NoSlot instead of waiting for ever). */
ipc_cap_t kipc_call_received(struct proc *s, const struct ipc_msg *m);
/* Call message *m will never be received (dropped, port closed): its
 * caller, if it still waits, gets `status`. Other messages: nothing. */
void kipc_call_dropped(const struct ipc_msg *m, int status);
/* Returns the caller a reply object names if it still waits for that very
 * call, else NULL. */
struct proc *kipc_reply_caller(uint32_t obj);
/* Puts *m (<= IPC_INLINE_MAX bytes) into receiver `rp`'s registers. */
void kipc_deliver_regs(struct proc *rp, const struct ipc_msg *m);
/* Receives from `port` into `p`'s registers, parking if nothing is queued. */
long kipc_recv_regs(struct proc *p, struct ipc_port *port, uint64_t timeout);
/* A capability of space `cspace` died: if it was a pending call's reply
 * capability, the call ends (its caller gets PortClosed). */
void kipc_reply_cap_died(uint16_t cspace, ipc_cap_t tok, uint32_t obj);
/* Returns true if `tok` names a fixed reply slot (index
 * IPC_TOK_INDEX_REPLY, ipc/ipc.h), which no capability space resolves. */
static inline bool kipc_tok_is_fixed_reply(ipc_cap_t tok)
{
    return ipc_tok_index(tok) == IPC_TOK_INDEX_REPLY;
}
/* Returns what ipc_cap_lookup() would return for a reply capability in a
 * slot of `s`'s space, for the fixed-slot token `tok`: IPC_OK while it
 * names the call `s` holds there (type REPLY, right SEND), else
 * InvalidCap (empty, stale, forged, another type) or InsufficientRights. */
int kipc_reply_fixed_lookup(const struct proc *s, ipc_cap_t tok, enum ipc_obj_type type,
                            unsigned rights);
/* Deletes `s`'s fixed-slot reply capability `tok` (SYS_CAP_DELETE; the
 * server ending: IPC_CAP_NULL, whatever it holds): if `tok` names what the
 * slot holds, the slot empties and the caller, if it still waits for that
 * call, gets PortClosed. */
void kipc_reply_fixed_drop(struct proc *s, ipc_cap_t tok);
/* Ends `c`'s wait for a reply, if any (timeout). */
void kipc_call_abandon(struct proc *c);

#endif
