/* guest-kernel/kcall.c: call / reply with the message registers, the
 * generic path (kfastpath.c is the fast path proper, which declines to
 * here): a call copies the info word and the message registers its length
 * fills from the caller's saved registers into a server that waits in its
 * registers, gives it the one-shot reply capability and switches straight
 * to it (no run-queue round trip); reply_recv answers the same way and
 * parks the server. Each check that sends a call or reply down the slow
 * path says why in the trace (TRC_EV_IPC_SLOW). The server inherits the
 * caller's priority until it replies. */
#include "ipc/uapi.h"
#include "kipc_int.h"
#include "ksys.h"

/* cap.lookup's a1 (abi/events.h) for a lookup of the fixed reply slot,
 * which has no cache: neither a hit (1) nor a miss (0). */
#define KCALL_LOOKUP_FIXED 2

/* Returns the caller a reply object names, if it still waits for that
 * very call, else NULL (it timed out, or ended). */
struct proc *kipc_reply_caller(uint32_t obj)
{
    unsigned i = KOBJ_INDEX(obj);
    if (i >= NPROC)
        return NULL;
    struct proc *c = proc_slot(i);
    return c->state == PROC_BLOCKED && c->reply_wait && kipc_reply_obj(c) == obj ? c : NULL;
}

int kipc_reply_fixed_lookup(const struct proc *s, ipc_cap_t tok, enum ipc_obj_type type,
                            unsigned rights)
{
    if (!kipc_fixed_caller(s, tok) || (type != IPC_OBJ_NONE && type != IPC_OBJ_REPLY))
        return IPC_ERR_INVALID_CAP;
    return rights & ~(unsigned)IPC_RIGHT_SEND ? IPC_ERR_INSUFFICIENT_RIGHTS : IPC_OK;
}

/* Returns true if `s` can take a call's reply capability: its fixed slot
 * is free (or holds a call that is over), or its space has a free slot. */
static bool reply_room(const struct proc *s)
{
    return !s->caller || !kipc_reply_caller(s->caller_obj) || s->cspace.used < s->cspace.nslots;
}

/* Returns the server holding the reply capability of `c`'s pending call,
 * or NULL (not in a call, or not received yet). */
static struct proc *server_of(const struct proc *c)
{
    if (!c->reply_wait || c->reply_tok == IPC_CAP_NULL || c->reply_cspace == 0 ||
        c->reply_cspace > NPROC)
        return NULL;
    return proc_slot(c->reply_cspace - 1u);
}

/* Gives server `s` the priority of the highest caller whose reply
 * capability it holds, or its own (priority inheritance lasts exactly as
 * long as the server holds a call's reply capability), and carries a
 * change on down the chain: if `s` itself waits in a call, its server's
 * priority follows. Call chains cannot loop (a process waiting in a call
 * receives none), so the walk ends within NPROC steps. */
static void server_prio_update(struct proc *s)
{
    for (unsigned depth = 0; s && depth < NPROC; depth++) {
        unsigned prio = s->base_prio;
        for (unsigned i = 0, n = proc_slots_used(); i < n; i++) {
            struct proc *c = proc_slot(i);
            if (c->state == PROC_BLOCKED && server_of(c) == s && c->prio > prio)
                prio = c->prio;
        }
        if (prio == s->prio)
            return;
        s->prio = prio;
        s = server_of(s);
    }
}

/* A caller of priority `gone` no longer waits on server `s`: only if it
 * was the one lending s its priority can s's priority change (the scan
 * stays off the common path). */
static void server_prio_drop(struct proc *s, unsigned gone)
{
    if (s->prio > s->base_prio && gone >= s->prio)
        server_prio_update(s);
}

/* Gives server `s` the one-shot reply capability for caller `c`'s call
 * (with c's priority, if higher): in its fixed reply slot (two stores, no
 * capability space, no cache) when that is free, else (s holds another
 * unanswered call) in a slot of its space. Returns the token, or
 * IPC_CAP_NULL when `s` has no room (reply_room). */
static ipc_cap_t make_reply_cap(struct proc *s, struct proc *c)
{
    ipc_cap_t tok;
    uint32_t obj = kipc_reply_obj(c);
    if (!s->caller || !kipc_reply_caller(s->caller_obj)) {
        s->caller = c;
        s->caller_obj = obj;
        tok = kipc_fixed_tok(obj);
    } else if (ipc_cap_create(&kipc_capsys, &s->cspace, IPC_OBJ_REPLY, obj, IPC_RIGHT_SEND,
                              IPC_SLOT_ONESHOT, &tok) != IPC_OK) {
        return IPC_CAP_NULL;
    }
    c->reply_cspace = s->cspace.id;
    c->reply_tok = tok;
    if (c->prio > s->prio) { /* one more caller: the maximum can only rise */
        s->prio = c->prio;
        if (server_of(s)) /* s waits in a call itself: pass it on */
            server_prio_update(server_of(s));
    }
    return tok;
}

/* Ends caller `c`'s call with `status` (it no longer waits for a reply)
 * and gives the server holding its reply capability, if any, its own
 * priority back. */
static void call_end(struct proc *c, int status)
{
    c->call_port = NULL;
    uint16_t cs = c->reply_tok != IPC_CAP_NULL ? c->reply_cspace : 0;
    c->reply_wait = false;
    c->reply_tok = IPC_CAP_NULL;
    if (cs && cs <= NPROC)
        server_prio_drop(proc_slot(cs - 1u), c->prio);
    kipc_wake(c, 0, status);
}

ipc_cap_t kipc_call_received(struct proc *s, const struct ipc_msg *m)
{
    struct proc *c = kipc_reply_caller((uint32_t)m->reply);
    if (!c)
        return IPC_CAP_NULL; /* cannot happen: a call leaves the queue with its caller */
    c->call_port = NULL;
    ipc_cap_t tok = make_reply_cap(s, c);
    if (tok == IPC_CAP_NULL)
        call_end(c, IPC_ERR_NO_SLOT); /* nobody could ever answer it */
    return tok;
}

void kipc_call_dropped(const struct ipc_msg *m, int status)
{
    struct proc *c;
    if ((m->flags & IPC_MSG_CALL) && (c = kipc_reply_caller((uint32_t)m->reply)) != NULL)
        call_end(c, status);
}

void kipc_reply_fixed_drop(struct proc *s, ipc_cap_t tok)
{
    if (!s->caller)
        return;
    if (tok == IPC_CAP_NULL)
        tok = kipc_fixed_tok(s->caller_obj);
    else if (tok != kipc_fixed_tok(s->caller_obj))
        return; /* names an older call: nothing to drop */
    struct proc *c = kipc_fixed_caller(s, tok);
    s->caller = NULL;
    if (c)
        call_end(c, IPC_ERR_PORT_CLOSED); /* the server dropped the call */
}

void kipc_reply_cap_died(uint16_t cspace, ipc_cap_t tok, uint32_t obj)
{
    if (ipc_tok_type(tok) != IPC_OBJ_REPLY || cspace == 0 || cspace > NPROC)
        return;
    struct proc *c = kipc_reply_caller(obj);
    if (c && c->reply_tok == tok && c->reply_cspace == cspace)
        call_end(c, IPC_ERR_PORT_CLOSED); /* the server dropped the call */
}

/* Copies the info word and the message registers its length fills (it
 * was checked to be at most IPC_INLINE_MAX). */
static void regs_copy(struct arch_regs *to, const struct arch_regs *from)
{
    uint64_t info = arch_ipc_reg(from, ARCH_IPC_INFO);
    arch_set_ipc_reg(to, ARCH_IPC_INFO, info);
    kipc_copy_mrs(to, from, kipc_mr_count(IPC_INFO_LEN(info)));
}

/* Fills the header of a queueable message (what admission checks: opcode,
 * length, no capabilities) from info word `info`; the payload comes later,
 * on the slow path only (msg_payload_from_regs). */
static void msg_head_from_info(struct ipc_msg *m, uint64_t info, uint32_t sender)
{
    m->opcode = IPC_INFO_OPCODE(info);
    m->len = IPC_INFO_LEN(info);
    m->sender = sender;
    m->ncaps = 0;
    m->flags = 0;
    m->reply = 0;
}

/* Packs the payload of *m (m->len bytes, at most IPC_INLINE_MAX) from the
 * message registers of `r`. */
static void msg_payload_from_regs(struct ipc_msg *m, const struct arch_regs *r)
{
    for (unsigned i = 0, n = kipc_mr_count(m->len); i < n; i++) {
        uint64_t w = arch_ipc_reg(r, ARCH_IPC_MR0 + i);
        for (unsigned b = 0; b < 8; b++)
            m->data[8 * i + b] = (uint8_t)(w >> (8 * b));
    }
}

/* Puts message *m (at most IPC_INLINE_MAX bytes) into the message
 * registers of receiver `rp` (those its length fills; the others keep rp's
 * values), with the sender as badge and, for a call whose caller still
 * waits, a reply capability in AUX. */
KPROBE_ANCHOR void kipc_deliver_regs(struct proc *rp, const struct ipc_msg *m)
{
    KPROBE_KEEP("r"(m));
    struct arch_regs *r = &rp->regs;
    arch_set_ipc_reg(r, ARCH_IPC_INFO, IPC_INFO(m->opcode, m->len));
    for (unsigned i = 0, n = kipc_mr_count(m->len); i < n; i++) {
        uint64_t w = 0;
        for (unsigned b = 0; b < 8 && 8 * i + b < m->len; b++)
            w |= (uint64_t)m->data[8 * i + b] << (8 * b);
        arch_set_ipc_reg(r, ARCH_IPC_MR0 + i, w);
    }
    arch_set_ipc_reg(r, ARCH_IPC_BADGE, m->sender);
    arch_set_ipc_reg(r, ARCH_IPC_AUX,
                     m->flags & IPC_MSG_CALL ? kipc_call_received(rp, m) : IPC_CAP_NULL);
}

/* Switches straight from `from` to `to` (the fast path's direct handoff:
 * no run-queue round trip); `to` runs the rest of the time slice. The timer
 * is re-armed only when `from` now waits with a deadline (the earliest one
 * may have come closer); a deadline that ended (`to`'s) leaves it armed
 * early, which costs at most one interrupt that finds nothing due (an
 * early timer interrupt is harmless, a late one would not be). */
KPROBE_ANCHOR __attribute__((noreturn)) static void handoff(struct proc *from, struct proc *to)
{
    KPROBE_KEEP("r"(from), "r"(to));
    to->state = PROC_RUNNING;
    ktimeout_set(to, 0);
    ktrace(TRC_EV_SCHED_SWITCH, to->pid, from->pid, TRC_SWITCH_HANDOFF, 0, 0);
    sched_switch_aspace(to);
    kcpu_self()->current = to;
    if (from->deadline)
        sched_arm_timer();
    kernel_exit(&to->regs);
}

/* Blocks caller `p` until the reply to its call comes (or `timeout`). */
KPROBE_ANCHOR __attribute__((noreturn)) static void
block_for_reply(struct proc *p, uint32_t port_id, uint64_t timeout)
{
    KPROBE_KEEP("r"(p), "r"(port_id));
    ktimeout_set(p, ktimeout_deadline(timeout));
    p->state = PROC_BLOCKED;
    ktrace(TRC_EV_IPC_BLOCK, p->pid, port_id, 3, p->deadline, 0);
    sched_next(TRC_SWITCH_BLOCK);
}

/* Receives the next message of `port` into `p`'s registers (SYS_RECV_CALL
 * and the second half of SYS_REPLY_RECV): from the queue, or by parking
 * until one comes. Returns the status, or does not return. */
KPROBE_ANCHOR long kipc_recv_regs(struct proc *p, struct ipc_port *port, uint64_t timeout)
{
    KPROBE_KEEP("r"(p), "r"(port));
    const struct ipc_msg *head = ipc_port_peek(port);
    int r;
    if (head && head->len > IPC_INLINE_MAX) {
        r = IPC_ERR_MSG_TOO_LARGE; /* it stays queued for a receive into memory */
    } else {
        struct ipc_waiter *woken;
        r = ipc_port_dequeue(port, &p->kbuf, &woken);
        if (r == IPC_OK) {
            kipc_deliver_regs(p, &p->kbuf);
            ktrace(TRC_EV_IPC_RECV, p->pid, port->id, kipc_msg_word(&p->kbuf), TRC_IPC_FROM_QUEUE,
                   (uint64_t)p->kbuf.sender << 32);
            if (woken) {
                struct proc *sp = kipc_waiter_proc(woken);
                ktrace(TRC_EV_IPC_SEND, sp->pid, port->id, kipc_msg_word(&sp->kbuf), TRC_IPC_QUEUED,
                       0);
                kipc_wake(sp, port->id, IPC_OK);
            }
            return IPC_OK;
        }
        if (r == IPC_ERR_WOULD_BLOCK) {
            p->recv_regs = true;
            kipc_block(p, port, IPC_WAIT_RECV, timeout);
        }
    }
    ktrace(TRC_EV_IPC_RECV, p->pid, port->id, 0, TRC_IPC_REFUSED, (uint64_t)(uint32_t)r);
    return r;
}

/* SYS_CALL decode: a payload that fits the registers, SEND on the port,
 * the message (its header built in p->kbuf) admitted by its filter and rate limit,
 * and a receiver already waiting, if any, with a free slot for the reply
 * capability (else it could take the call but never answer it). Returns 0
 * with a->port, a->peer (the first receiver, or NULL) and a->timeout, or
 * the error, traced as a refused send. */
static int kipc_call_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    struct ipc_msg *m = &p->kbuf;
    int err = IPC_OK;
    struct ipc_port *port = NULL;
    uint64_t info = arch_ipc_reg(r, ARCH_IPC_INFO);
    if (IPC_INFO_LEN(info) > IPC_INLINE_MAX)
        err = IPC_ERR_MSG_TOO_LARGE;
    else if ((port = kport_lookup(p, arch_ipc_reg(r, ARCH_IPC_CAP), IPC_RIGHT_SEND, &err)) !=
             NULL) {
        msg_head_from_info(m, info, p->pid);
        err = ipc_port_admit(port, m, kport_admit_clock(port));
    }
    if (err != IPC_OK) {
        ktrace(TRC_EV_IPC_SEND, p->pid, port ? port->id : 0, 0, TRC_IPC_REFUSED,
               (uint64_t)(int64_t)err);
        return err;
    }
    struct ipc_waiter *w = port->receivers.head;
    struct proc *rp = w ? kipc_waiter_proc(w) : NULL;
    if (rp && !reply_room(rp)) {
        ktrace(TRC_EV_IPC_SEND, p->pid, port->id, kipc_msg_word(m), TRC_IPC_REFUSED,
               (uint64_t)(int64_t)IPC_ERR_NO_SLOT);
        return IPC_ERR_NO_SLOT;
    }
    a->port = port;
    a->peer = rp;
    a->timeout = arch_ipc_reg(r, ARCH_IPC_AUX);
    return IPC_OK;
}

/* SYS_CALL invoke: sends the call and waits for the reply. The fast path,
 * seL4 style: a flat list of checks, each of which sends the call down the
 * slow path (and says why in the trace), then a point of no return after
 * which nothing can fail: registers copied, reply capability made,
 * straight switch to the server. Does not return, except with the outcome
 * of a slow-path call the queue could not take (PortFull, NoMemory: a
 * call does not wait for room). */
static long kipc_call_slow(struct proc *p, struct ipc_port *port, enum trc_slow_reason why,
                           uint64_t timeout);
static long kipc_call_invoke(struct proc *p, struct ksys_args *a)
{
    struct ipc_port *port = a->port;
    struct proc *rp = a->peer;
    struct ipc_msg *m = &p->kbuf;
    p->call_seq++;
    p->reply_tok = IPC_CAP_NULL;
    m->flags = IPC_MSG_CALL;
    m->reply = kipc_reply_obj(p);
    enum trc_slow_reason why = 0;
    if (!rp)
        why = TRC_SLOW_NO_RECEIVER;
    else if (!rp->recv_regs)
        why = TRC_SLOW_NOT_REGISTERS;
    else if (rp->prio < p->prio)
        why = TRC_SLOW_LOWER_PRIORITY;
    else if (rp->core != p->core)
        why = TRC_SLOW_OTHER_CORE;
    p->reply_wait = true;
    p->state = PROC_BLOCKED; /* so that kipc_reply_caller() finds it */
    if (!why) {
        /* Point of no return. */
        ipc_port_take_receiver(port);
        regs_copy(&rp->regs, &p->regs);
        arch_set_ipc_reg(&rp->regs, ARCH_IPC_BADGE, p->pid);
        arch_set_ipc_reg(&rp->regs, ARCH_IPC_AUX, make_reply_cap(rp, p)); /* slot checked */
        arch_syscall_set_ret(&rp->regs, IPC_OK);
        ktrace(TRC_EV_IPC_SEND, p->pid, port->id, kipc_msg_word(m), TRC_IPC_FAST, 0);
        ktrace(TRC_EV_IPC_RECV, rp->pid, port->id, kipc_msg_word(m), TRC_IPC_FAST,
               (uint64_t)p->pid << 32);
        ktimeout_set(p, ktimeout_deadline(a->timeout));
        ktrace(TRC_EV_IPC_BLOCK, p->pid, port->id, 3, p->deadline, 0);
        handoff(p, rp);
    }
    return kipc_call_slow(p, port, why, a->timeout);
}

/* SYS_CALL's slow path, for reason `why` (the first check the fast
 * branch failed): the message goes to the first parked receiver that can
 * take it (one whose buffer has gone is woken with BadPointer on the way),
 * else into the queue, and the caller waits for the reply. Does not
 * return, except with the outcome of a call the queue could not take. */
KPROBE_ANCHOR static long kipc_call_slow(struct proc *p, struct ipc_port *port,
                                         enum trc_slow_reason why, uint64_t timeout)
{
    KPROBE_KEEP("r"(p), "r"(port), "r"(why));
    struct ipc_msg *m = &p->kbuf;
    struct ipc_waiter *w;
    struct proc *rp;
    ktrace(TRC_EV_IPC_SLOW, p->pid, port->id, why, 0, 0);
    msg_payload_from_regs(m, &p->regs); /* the slow path queues or hands over *m */
    bool handed = false;
    while (!handed && (w = port->receivers.head) != NULL) {
        rp = kipc_waiter_proc(w);
        if (!reply_room(rp))
            break; /* could not answer: leave it for another receiver */
        handed = kipc_hand_over(p, port, rp, m);
    }
    if (!handed) {
        int q = ipc_port_enqueue(port, m);
        if (q == IPC_ERR_NO_MEMORY && kipc_pool_grow())
            q = ipc_port_enqueue(port, m);
        ktrace(TRC_EV_IPC_SEND, p->pid, port->id, kipc_msg_word(m),
               q == IPC_OK ? TRC_IPC_QUEUED : TRC_IPC_REFUSED, (uint64_t)(int64_t)q);
        if (q != IPC_OK) { /* a call does not wait for room */
            p->reply_wait = false;
            p->state = PROC_RUNNING;
            return q;
        }
        p->call_port = port;
    }
    block_for_reply(p, port->id, timeout);
}
KSYS_RUN(kipc_call)

/* SYS_RECV_CALL decode: RECEIVE on the port. Returns 0 with a->port and
 * a->timeout, or the lookup's error. */
static int kipc_recv_call_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err;
    a->port = kport_lookup(p, arch_ipc_reg(r, ARCH_IPC_CAP), IPC_RIGHT_RECEIVE, &err);
    a->timeout = arch_ipc_reg(r, ARCH_IPC_AUX);
    return a->port ? IPC_OK : err;
}

/* SYS_RECV_CALL invoke: returns as kipc_recv_regs, or blocks. */
static long kipc_recv_call_invoke(struct proc *p, struct ksys_args *a)
{
    return kipc_recv_regs(p, a->port, a->timeout);
}
KSYS_RUN(kipc_recv_call)

/* The reply's checks (SYS_REPLY and the first half of SYS_REPLY_RECV): a
 * payload that fits the registers, a reply capability, its caller still
 * waiting for that call. Returns 0 with a->peer = the caller (a->a0 the
 * reply capability, a->a1 the info word), or the error (a->peer NULL),
 * traced as a refused reply. */
KPROBE_ANCHOR static int reply_check(struct proc *s, const struct arch_regs *r, struct ksys_args *a)
{
    KPROBE_KEEP("r"(s), "r"(r));
    struct ipc_slot *slot;
    a->a0 = arch_ipc_reg(r, ARCH_IPC_CAP);
    a->a1 = arch_ipc_reg(r, ARCH_IPC_INFO);
    int err;
    a->peer = NULL;
    if (IPC_INFO_LEN(a->a1) > IPC_INLINE_MAX) {
        err = IPC_ERR_MSG_TOO_LARGE;
    } else if (kipc_tok_is_fixed_reply(a->a0)) {
        /* The fixed slot: no capability space, no cache (the lookup is
         * traced as neither hit nor miss). Stale or forged: InvalidCap. */
        a->peer = kipc_fixed_caller(s, a->a0);
        err = a->peer ? IPC_OK : IPC_ERR_INVALID_CAP;
        ktrace(TRC_EV_CAP_LOOKUP, s->pid, a->a0, KCALL_LOOKUP_FIXED, (uint64_t)(int64_t)err, 0);
    } else {
        err = kipc_cap_find(s, a->a0, IPC_OBJ_REPLY, IPC_RIGHT_SEND, &slot);
        a->peer = err == IPC_OK ? kipc_reply_caller(slot->obj) : NULL;
        if (err == IPC_OK && !a->peer)
            err = IPC_ERR_INVALID_CAP; /* the caller gave up */
    }
    if (err != IPC_OK)
        ktrace(TRC_EV_IPC_REPLY, s->pid, 0, 0, TRC_IPC_REFUSED, (uint64_t)(int64_t)err);
    return err;
}

/* Answers caller `c` (checked by reply_check) from server `s`'s message
 * registers: the reply capability `tok` is used up, the priority `s` inherited
 * ends, the caller gets the reply in its registers (not yet runnable). */
KPROBE_ANCHOR static void reply_give(struct proc *s, struct proc *c, ipc_cap_t tok)
{
    KPROBE_KEEP("r"(s), "r"(c));
    c->reply_tok = IPC_CAP_NULL; /* answered: its death below ends nothing */
    c->reply_wait = false;
    if (kipc_tok_is_fixed_reply(tok))
        s->caller = NULL; /* one-shot: the fixed slot empties */
    else
        ipc_cap_delete(&kipc_capsys, &s->cspace, tok); /* one-shot */
    server_prio_drop(s, c->prio);
    regs_copy(&c->regs, &s->regs);
    arch_set_ipc_reg(&c->regs, ARCH_IPC_BADGE, s->pid);
    arch_syscall_set_ret(&c->regs, IPC_OK);
    ktimeout_set(c, 0);
}

/* SYS_REPLY decode: as reply_check. */
static int kipc_reply_decode(struct proc *s, const struct arch_regs *r, struct ksys_args *a)
{
    return reply_check(s, r, a);
}

/* SYS_REPLY invoke: answers the call; the caller runs first if its
 * priority is higher. Returns 0. */
static long kipc_reply_invoke(struct proc *s, struct ksys_args *a)
{
    struct proc *c = a->peer;
    reply_give(s, c, a->a0);
    ktrace(TRC_EV_IPC_REPLY, s->pid, c->pid, a->a1, TRC_IPC_DIRECT, 0);
    ktrace(TRC_EV_IPC_WAKE, c->pid, 0, 0, 0, 0);
    sched_enqueue(c);
    kipc_yield_to_higher(s, c, IPC_OK);
    return IPC_OK;
}
KSYS_RUN(kipc_reply)

/* SYS_REPLY_RECV decode: the reply's checks (reply_check); their failure
 * does not fail the call (the receive still happens), so this returns 0
 * with a->status the reply's result and a->peer the caller or NULL. */
static int kipc_reply_recv_decode(struct proc *s, const struct arch_regs *r, struct ksys_args *a)
{
    a->status = reply_check(s, r, a);
    return IPC_OK;
}

/* SYS_REPLY_RECV's slow path, for reason `why` (0: there is no port to
 * receive on): the caller `c`, answered with info word `info`, is made
 * runnable; the receive follows. */
KPROBE_ANCHOR static void reply_recv_slow(struct proc *s, struct proc *c, struct ipc_port *next,
                                          enum trc_slow_reason why, uint64_t info)
{
    KPROBE_KEEP("r"(s), "r"(c), "r"(next), "r"(why), "r"(info));
    if (why)
        ktrace(TRC_EV_IPC_SLOW, s->pid, next->id, why, 0, 0);
    ktrace(TRC_EV_IPC_REPLY, s->pid, c->pid, info, TRC_IPC_DIRECT, 0);
    ktrace(TRC_EV_IPC_WAKE, c->pid, 0, 0, 0, 0);
    sched_enqueue(c);
}

/* SYS_REPLY_RECV invoke: the reply (if its checks held), then the receive
 * on the port in AUX: its own decode (RECEIVE on the port: else the
 * lookup's error, or the reply's) and invoke. The fast path parks the
 * server and switches straight back to the caller. Returns as
 * kipc_recv_regs, or does not return. */
static long kipc_reply_recv_invoke(struct proc *s, struct ksys_args *a)
{
    struct proc *c = a->peer;
    if (c)
        reply_give(s, c, a->a0);
    int nerr;
    struct ipc_port *next =
        kport_lookup(s, arch_ipc_reg(&s->regs, ARCH_IPC_AUX), IPC_RIGHT_RECEIVE, &nerr);
    if (!c)
        return next ? kipc_recv_regs(s, next, 0) : a->status;
    uint64_t info = a->a1;
    enum trc_slow_reason why = 0;
    if (!next)
        why = 0;
    else if (next->closed)
        why = TRC_SLOW_PORT_CLOSED;
    else if (ipc_port_peek(next))
        why = TRC_SLOW_QUEUE_NOT_EMPTY;
    else if (c->prio < s->base_prio)
        why = TRC_SLOW_CALLER_LOWER;
    else if (sched_ready_above(c->prio))
        why = TRC_SLOW_HIGHER_READY;
    else if (c->core != s->core)
        why = TRC_SLOW_OTHER_CORE;
    if (next && !why) {
        /* Fast path: park the server, straight back to the caller. */
        ktrace(TRC_EV_IPC_REPLY, s->pid, c->pid, info, TRC_IPC_FAST, 0);
        arch_syscall_set_ret(&s->regs, IPC_OK);
        s->recv_regs = true;
        if (ipc_port_wait(next, &s->waiter, IPC_WAIT_RECV, &s->kbuf) != IPC_OK)
            panic("kipc_reply_recv_invoke: the server is already parked");
        ktimeout_set(s, 0);
        s->state = PROC_BLOCKED;
        ktrace(TRC_EV_IPC_BLOCK, s->pid, next->id, 1, 0, 0);
        handoff(s, c);
    }
    reply_recv_slow(s, c, next, why, info);
    return next ? kipc_recv_regs(s, next, 0) : nerr;
}
KSYS_RUN(kipc_reply_recv)

/* Ends `c`'s wait for a reply, if it waits for one: the server's reply
 * capability dies and it gets its own priority back. */
/* Whether queued message m is the call *arg names (a reply object). */
static bool is_call(const struct ipc_msg *m, const void *arg)
{
    return (m->flags & IPC_MSG_CALL) && m->reply == *(const uint64_t *)arg;
}

KPROBE_ANCHOR void kipc_call_abandon(struct proc *c)
{
    KPROBE_KEEP("r"(c));
    if (!c->reply_wait)
        return;
    if (c->call_port) {
        /* Not received yet: the call leaves the queue with its caller. */
        struct ipc_port *port = c->call_port;
        uint64_t obj = kipc_reply_obj(c);
        for (struct ipc_msgnode *q = port->head; q; q = q->next)
            if (is_call(&q->msg, &obj))
                ktrace(TRC_EV_IPC_DROP, c->pid, port->id, kipc_msg_word(&q->msg),
                       TRC_DROP_CALLER_GAVE_UP, 0);
        ipc_port_remove(port, is_call, &obj, kipc_wake_waiter, port);
        c->call_port = NULL;
    }
    c->reply_wait = false; /* first: the deletion below must not end it again */
    ipc_cap_t tok = c->reply_tok;
    c->reply_tok = IPC_CAP_NULL;
    if (tok != IPC_CAP_NULL && c->reply_cspace >= 1 && c->reply_cspace <= NPROC) {
        struct proc *s = proc_slot(c->reply_cspace - 1u);
        struct ipc_cspace *cs = kipc_capsys.spaces[c->reply_cspace];
        if (kipc_tok_is_fixed_reply(tok)) {
            if (s->caller == c && kipc_fixed_tok(s->caller_obj) == tok)
                s->caller = NULL;
        } else if (cs) {
            ipc_cap_delete(&kipc_capsys, cs, tok);
        }
        server_prio_drop(s, c->prio);
    }
}
