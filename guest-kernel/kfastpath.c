/* guest-kernel/kfastpath.c: the IPC fast path, written as seL4 writes its
 * own (src/fastpath/fastpath.c). The entry stubs (arch/<arch>/trap.S) save
 * the user registers straight into the running process's control block
 * and, for SYS_CALL and SYS_REPLY_RECV, jump here on the kernel stack with
 * the capability and the info word as the two C arguments; every other
 * trap goes to the generic path (trap_from_user).
 *
 * Each entry is a flat list of checks, each of which falls to the slow
 * path: today's full system call (syscall_dispatch) re-run from the saved
 * registers, so every outcome, slow-path reason and trace event of a case
 * the fast path declines is the generic code's own. Nothing is written
 * before the POINT OF NO RETURN; after it come only stores that cannot
 * fail: the capability cache's count, the message registers the length
 * fills, the fixed reply slot, the queue link, the switch. All of it is
 * inlined but the capability lookup (fastpath_lookup, its walk on a miss
 * fastpath_lookup_walk), a function of its own so that the report charges
 * its cycles to the phase "lookup" (abi/kphases.h) as it does the generic
 * path's. What a case the fast path takes ends in (registers, states,
 * counters, trace events and their values) is exactly what the generic
 * code's fast handoff (kcall.c) makes of it. */
#include "ipc/uapi.h"
#include "kfastpath.h"
#include "kipc_int.h"

_Static_assert(KFP_SYS_CALL == SYS_CALL && KFP_SYS_REPLY_RECV == SYS_REPLY_RECV,
               "kfastpath.h: the numbers the entry stubs compare with");

/* The fast path's trace events (the same ktrace calls, in the same order
 * and with the same values, as the generic path's for the same call):
 * one macro, so that they go in one change once the host synthesises
 * them. */
#define FP_TRACE(...) ktrace(__VA_ARGS__)

/* cap.lookup's a1 (abi/events.h) for the fixed reply slot (kcall.c). */
#define FP_LOOKUP_FIXED 2

#define FP_INLINE static inline __attribute__((always_inline))

__attribute__((noreturn)) void fastpath_call(uintptr_t cap, uintptr_t info);
__attribute__((noreturn)) void fastpath_reply_recv(uintptr_t tok, uintptr_t info);

/* The slow path: the system call in `p`'s saved registers, run by the
 * generic code from its start (decode, checks, tracing), then back to
 * user mode (whoever runs next). Never returns. */
__attribute__((noreturn, noinline, cold)) static void fastpath_slow(struct proc *p)
{
    arch_syscall_set_ret(&p->regs, (uintptr_t)syscall_dispatch(&p->regs));
    kernel_exit(&p->regs);
}

/* Returns the trace's message word (kipc_msg_word) of a register message
 * with info word `info`: opcode and length, no capabilities. */
FP_INLINE uint64_t fp_msg_word(uint64_t info)
{
    return IPC_INFO_OPCODE(info) | (uint64_t)(IPC_INFO_LEN(info) & 0xffffu) << 32;
}

/* Returns the process whose waiter `w` is. */
FP_INLINE struct proc *fp_waiter_proc(struct ipc_waiter *w)
{
    return (struct proc *)((char *)w - offsetof(struct proc, waiter));
}

/* What fastpath_lookup found: the slot, or NULL where the slow path must
 * look up again, and the capability cache's line, its bit 0 set when the
 * line answered (a hit). Two words, so they come back in two registers. */
struct fp_cap {
    struct ipc_slot *slot;
    uintptr_t line;
};

/* Returns what fastpath_lookup answers for slot `s` (NULL: none) from
 * line `l`, which answered when `hit`: the slot with the line, or
 * {NULL, 0} unless `s` is a port capability holding `rights`. */
FP_INLINE struct fp_cap fp_cap_of(struct ipc_slot *s, unsigned rights, struct ipc_capcache_line *l,
                                  bool hit)
{
    if (!s || s->type != IPC_OBJ_PORT || (rights & ~(unsigned)s->rights) != 0)
        return (struct fp_cap){NULL, 0};
    return (struct fp_cap){s, (uintptr_t)l | hit};
}

/* fastpath_lookup's miss: the walk (ipc_cap_lookup_walk) of `tok` in
 * `cs`, out of the hit's line so that a hit saves no registers for it.
 * Returns as fastpath_lookup, with line `l`. */
__attribute__((noinline, cold)) static struct fp_cap
fastpath_lookup_walk(const struct ipc_cspace *cs, ipc_cap_t tok, unsigned rights,
                     struct ipc_capcache_line *l)
{
    return fp_cap_of(ipc_cap_lookup_walk(&kipc_capsys, cs, tok), rights, l, false);
}

/* The fast path's capability lookup (seL4's lookup_fp) of token `tok` in
 * `cs` through this core's cache, for a port capability holding `rights`:
 * what ipc_cap_lookup_cached answers with IPC_OK, changing nothing.
 * Returns the slot and its line (struct fp_cap), or {NULL, 0} where the
 * cached lookup would fail (the slow path then looks up again and reports
 * the error); the caller counts and fills with fp_commit once past its
 * last check. Not inlined, so that its cycles are the phase "lookup"; a
 * hit saves no registers and calls nothing. */
__attribute__((noinline)) static struct fp_cap fastpath_lookup(const struct ipc_cspace *cs,
                                                               ipc_cap_t tok, unsigned rights)
{
    const struct ipc_capcache *c = kcpu_self()->capcache;
    struct ipc_capcache_line *l = &c->lines[ipc_capcache_line_of(c, cs->id, tok)];
    if (l->cspace != cs->id || l->tok != tok)
        return fastpath_lookup_walk(cs, tok, rights, l);
    return fp_cap_of(l->slot, rights, l, true);
}

/* Counts the lookup `c` (fastpath_lookup of `tok` in `cs`) in this core's
 * cache and, on a miss, fills its line (ipc_cap_lookup_fast_commit).
 * Returns nothing. */
FP_INLINE void fp_commit(struct fp_cap c, const struct ipc_cspace *cs, ipc_cap_t tok)
{
    ipc_cap_lookup_fast_commit(kcpu_self()->capcache,
                               (struct ipc_capcache_line *)(c.line & ~(uintptr_t)1), cs, tok,
                               c.slot, c.line & 1);
}

/* The message from `s` to `d`: the info word `info`, the message
 * registers its length fills (kipc_copy_mrs) and the badge `badge`.
 * Inlined: out of line (its own function, phase "copy") it cost up to 23
 * cycles of a one-way fast path for a handful of loads and stores.
 * Returns nothing. */
FP_INLINE void fp_copy(struct arch_regs *d, const struct arch_regs *s, uintptr_t info,
                       uintptr_t badge)
{
    arch_set_ipc_reg(d, ARCH_IPC_INFO, info);
    kipc_copy_mrs(d, s, kipc_mr_count(IPC_INFO_LEN(info)));
    arch_set_ipc_reg(d, ARCH_IPC_BADGE, badge);
}

/* Switches straight from `from` to `to` (kcall.c handoff, inlined): `to`
 * runs the rest of the slice; the timer is re-armed only when `from` now
 * waits with a deadline. Never returns. */
FP_INLINE __attribute__((noreturn)) void fp_switch(struct proc *from, struct proc *to)
{
    to->state = PROC_RUNNING;
    ktimeout_set(to, 0);
    FP_TRACE(TRC_EV_SCHED_SWITCH, to->pid, from->pid, TRC_SWITCH_HANDOFF, 0, 0);
    FP_TRACE(TRC_EV_ASPACE, to->pid, to->pt_root, to->asid, 0, 0);
    arch_pt_switch(to->pt_root, to->asid);
    kcpu_self()->current = to;
    if (from->deadline)
        sched_arm_timer();
    kernel_exit(&to->regs);
}

/* SYS_CALL: the caller `current` sends the message in its registers on
 * port capability `cap` (info word `info`) to a receiver parked in its
 * registers, and waits for the reply. Never returns. */
__attribute__((noreturn)) void fastpath_call(uintptr_t cap, uintptr_t info)
{
    klock_acquire();
    struct proc *p = kcpu_self()->current;
    uint64_t len = IPC_INFO_LEN(info);
    if (len > IPC_INLINE_MAX)
        fastpath_slow(p);
    /* The port: SEND on it, open, a filter that takes anything this long,
     * no rate limit (admission, trivially true). */
    struct fp_cap found = fastpath_lookup(&p->cspace, cap, IPC_RIGHT_SEND);
    if (!found.slot)
        fastpath_slow(p);
    struct ipc_port *port = kport_deref(found.slot->obj);
    if (!port || port->closed || !(port->filter.flags & IPC_FILTER_ANY) ||
        len > port->filter.max_len || port->bucket.period)
        fastpath_slow(p);
    /* A receiver parked in its registers, not below the caller's
     * priority, its fixed reply slot free. */
    struct ipc_waiter *w = port->receivers.head;
    if (!w)
        fastpath_slow(p);
    struct proc *rp = fp_waiter_proc(w);
    if (!rp->recv_regs || rp->prio < p->prio || rp->caller || rp->core != p->core)
        fastpath_slow(p);

    /* POINT OF NO RETURN: only stores from here on. */
    fp_commit(found, &p->cspace, cap);
    FP_TRACE(TRC_EV_SYSCALL, p->pid, SYS_CALL, 0, 0, 0);
    FP_TRACE(TRC_EV_CAP_LOOKUP, p->pid, cap, found.line & 1, 0, 0);
    ipc_port_take_receiver(port);
    p->call_seq++;
    uint32_t obj = kipc_reply_obj(p);
    ipc_cap_t reply = kipc_fixed_tok(obj);
    p->reply_wait = true;
    p->state = PROC_BLOCKED;
    rp->caller = p; /* the reply capability: the fixed slot */
    rp->caller_obj = obj;
    p->reply_cspace = rp->cspace.id;
    p->reply_tok = reply;
    fp_copy(&rp->regs, &p->regs, info, p->pid);
    arch_set_ipc_reg(&rp->regs, ARCH_IPC_AUX, reply);
    arch_set_ret_inline(&rp->regs, IPC_OK);
    uint64_t word = fp_msg_word(info);
    FP_TRACE(TRC_EV_IPC_SEND, p->pid, port->id, word, TRC_IPC_FAST, 0);
    FP_TRACE(TRC_EV_IPC_RECV, rp->pid, port->id, word, TRC_IPC_FAST, (uint64_t)p->pid << 32);
    uint64_t timeout = arch_ipc_reg(&p->regs, ARCH_IPC_AUX);
    ktimeout_set(p, timeout ? ktimeout_deadline(timeout) : 0);
    FP_TRACE(TRC_EV_IPC_BLOCK, p->pid, port->id, 3, p->deadline, 0);
    fp_switch(p, rp);
}

/* SYS_REPLY_RECV: the server `current` answers the call whose reply
 * capability its fixed slot holds under token `tok` with the message in
 * its registers (info word `info`), parks on the port in AUX to receive
 * the next one into its registers, and the caller runs. Never returns. */
__attribute__((noreturn)) void fastpath_reply_recv(uintptr_t tok, uintptr_t info)
{
    klock_acquire();
    struct proc *s = kcpu_self()->current;
    uint64_t len = IPC_INFO_LEN(info);
    /* The fixed slot holds `tok`'s call and its caller still waits for
     * it; the server inherits no priority. */
    struct proc *c = kipc_fixed_caller(s, tok);
    if (len > IPC_INLINE_MAX || !c || s->prio != s->base_prio)
        fastpath_slow(s);
    /* The port to wait on: RECEIVE on it, open, nothing queued; the
     * server not parked anywhere yet. */
    ipc_cap_t ptok = arch_ipc_reg(&s->regs, ARCH_IPC_AUX);
    struct fp_cap found = fastpath_lookup(&s->cspace, ptok, IPC_RIGHT_RECEIVE);
    if (!found.slot)
        fastpath_slow(s);
    struct ipc_port *port = kport_deref(found.slot->obj);
    if (!port || port->closed || port->head || s->waiter.port || s->waiter.notif)
        fastpath_slow(s);
    /* The caller runs next: nothing ready above it. */
    if (c->prio < s->base_prio || sched_ready_above_inline(c->prio) || c->core != s->core)
        fastpath_slow(s);

    /* POINT OF NO RETURN: only stores from here on. */
    FP_TRACE(TRC_EV_SYSCALL, s->pid, SYS_REPLY_RECV, 0, 0, 0);
    FP_TRACE(TRC_EV_CAP_LOOKUP, s->pid, tok, FP_LOOKUP_FIXED, 0, 0);
    c->reply_tok = IPC_CAP_NULL; /* answered */
    c->reply_wait = false;
    s->caller = NULL; /* one-shot: the fixed slot empties */
    fp_copy(&c->regs, &s->regs, info, s->pid);
    arch_set_ret_inline(&c->regs, IPC_OK);
    ktimeout_set(c, 0);
    fp_commit(found, &s->cspace, ptok);
    FP_TRACE(TRC_EV_CAP_LOOKUP, s->pid, ptok, found.line & 1, 0, 0);
    FP_TRACE(TRC_EV_IPC_REPLY, s->pid, c->pid, info, TRC_IPC_FAST, 0);
    arch_set_ret_inline(&s->regs, IPC_OK);
    s->recv_regs = true;
    ipc_port_wait(port, &s->waiter, IPC_WAIT_RECV, &s->kbuf); /* checked: cannot fail */
    ktimeout_set(s, 0);
    s->state = PROC_BLOCKED;
    FP_TRACE(TRC_EV_IPC_BLOCK, s->pid, port->id, 1, 0, 0);
    fp_switch(s, c);
}
