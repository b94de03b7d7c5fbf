/* guest-kernel/ktopic.c: topics: publish once, every subscribed port gets
 * a copy. A subscription is the subscriber's own capability to its port,
 * checked at every publication: deleting or revoking it ends the
 * subscription. */
#include "kipc_int.h"
#include "ksys.h"

#define KIPC_TOPICS 16
#define KTOPIC_SUBS 8

struct ktopic_sub {
    uint16_t cspace;
    ipc_cap_t tok;
};

struct ktopic {
    struct ktopic_sub subs[KTOPIC_SUBS];
    unsigned nsubs;
};
static struct ktopic topics[KIPC_TOPICS];
static uint32_t topic_owner[KIPC_TOPICS];
static uint32_t topic_gen[KIPC_TOPICS];
static struct kobj_table topic_table = KOBJ_TABLE(topic_owner, topic_gen);

long ktopic_create(struct proc *p)
{
    unsigned i;
    long tok = kipc_obj_new(p, IPC_OBJ_TOPIC, &topic_table, &i);
    if (tok >= 0)
        topics[i].nsubs = 0;
    return tok;
}

/* Returns the port subscription `sub` still names with SEND, or NULL. */
static struct ipc_port *ktopic_sub_port(const struct ktopic_sub *sub)
{
    struct ipc_cspace *cs = sub->cspace < IPC_MAX_CSPACES ? kipc_capsys.spaces[sub->cspace] : NULL;
    struct ipc_slot *s;
    if (!cs ||
        ipc_cap_lookup(&kipc_capsys, cs, sub->tok, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s) != IPC_OK)
        return NULL;
    return kport_deref(s->obj);
}

/* Decodes the topic capability (argument 0) with `rights`: a->obj the
 * topic, a->a1 argument 1. Returns 0 or the lookup's error. */
static int ktopic_decode_cap(struct proc *p, const struct arch_regs *r, struct ksys_args *a,
                             unsigned rights)
{
    int i = kipc_obj_decode(p, r, IPC_OBJ_TOPIC, rights, &topic_table, a);
    a->obj = i < 0 ? NULL : &topics[i];
    return i < 0 ? i : 0;
}

/* SYS_TOPIC_CREATE: room for it and its capability. Returns 0 or NoMemory
 * / NoSlot. */
static int ktopic_create_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    (void)r, (void)a;
    return kipc_obj_room(p, &topic_table);
}

/* Returns the new topic's token (every right). */
static long ktopic_create_invoke(struct proc *p, struct ksys_args *a)
{
    (void)a;
    return ktopic_create(p);
}
KSYS_RUN(ktopic_create)

/* SYS_TOPIC_SUBSCRIBE: RECEIVE on the topic, and on the port both RECEIVE
 * (it is its receiver) and SEND (publishing sends into it); a port not
 * subscribed yet and a free subscription. Returns 0 or the error (Exists,
 * NoMemory). */
static int ktopic_subscribe_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = ktopic_decode_cap(p, r, a, IPC_RIGHT_RECEIVE);
    if (err)
        return err;
    a->port = kport_lookup(p, a->a1, IPC_RIGHT_RECEIVE | IPC_RIGHT_SEND, &err);
    if (!a->port)
        return err;
    struct ktopic *t = a->obj;
    for (unsigned k = 0; k < t->nsubs; k++)
        if (ktopic_sub_port(&t->subs[k]) == a->port)
            return IPC_ERR_EXISTS;
    return t->nsubs == KTOPIC_SUBS ? IPC_ERR_NO_MEMORY : 0;
}

/* Traces that `p` subscribed (on = 1) or unsubscribed (on = 0) `port` to
 * topic `t` (TRC_EV_TOPIC_SUBSCRIBE). */
KPROBE_ANCHOR static void ktopic_trace_sub(const struct proc *p, const struct ktopic *t,
                                           const struct ipc_port *port, unsigned on)
{
    KPROBE_KEEP("r"(p), "r"(t), "r"(port), "r"(on));
    ktrace(TRC_EV_TOPIC_SUBSCRIBE, p->pid, (uint64_t)(t - topics) + 1, port->id, on, 0);
}

/* The port gets every later publication. Returns 0. */
static long ktopic_subscribe_invoke(struct proc *p, struct ksys_args *a)
{
    struct ktopic *t = a->obj;
    t->subs[t->nsubs++] = (struct ktopic_sub){.cspace = p->cspace.id, .tok = a->a1};
    ktopic_trace_sub(p, t, a->port, 1);
    return IPC_OK;
}
KSYS_RUN(ktopic_subscribe)

/* Ends subscription k of `t`: the last one takes its place (returns
 * nothing). */
static inline void ktopic_sub_remove(struct ktopic *t, unsigned k)
{
    t->subs[k] = t->subs[--t->nsubs];
}

/* SYS_TOPIC_UNSUBSCRIBE: RECEIVE on the topic and on the port (its
 * receiver may end what it agreed to, whoever subscribed it), and a
 * subscription of that port to the topic, whose index goes in a->a2.
 * Returns 0 or the error (NotFound: the port is not subscribed, or its
 * subscription already ended with its capability). */
static int ktopic_unsubscribe_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = ktopic_decode_cap(p, r, a, IPC_RIGHT_RECEIVE);
    if (err)
        return err;
    a->port = kport_lookup(p, a->a1, IPC_RIGHT_RECEIVE, &err);
    if (!a->port)
        return err;
    struct ktopic *t = a->obj;
    for (unsigned k = 0; k < t->nsubs; k++)
        if (ktopic_sub_port(&t->subs[k]) == a->port) {
            a->a2 = k;
            return 0;
        }
    return IPC_ERR_NOT_FOUND;
}

/* The port gets no later publication (messages already queued stay).
 * Returns 0. */
static long ktopic_unsubscribe_invoke(struct proc *p, struct ksys_args *a)
{
    struct ktopic *t = a->obj;
    ktopic_sub_remove(t, (unsigned)a->a2);
    ktopic_trace_sub(p, t, a->port, 0);
    return IPC_OK;
}
KSYS_RUN(ktopic_unsubscribe)

/* SYS_PUBLISH: SEND on the topic, a message the caller may read (copied
 * into p->kbuf) without capabilities (they are not multicast). Returns 0
 * or the error. */
static int ktopic_publish_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = ktopic_decode_cap(p, r, a, IPC_RIGHT_SEND);
    if (err)
        return err;
    if ((err = kipc_copy_in(p, a->a1, &p->kbuf)) != IPC_OK)
        return err;
    return p->kbuf.ncaps ? IPC_ERR_INVALID_ARG : 0;
}

/* One copy to every subscribed port still there (a full or refusing port
 * misses this one: the trace shows the refused copy, and the report counts
 * it in messages.refused). Returns how many got it. */
static long ktopic_publish_invoke(struct proc *p, struct ksys_args *a)
{
    long delivered = 0;
    struct proc *first_woken = NULL;
    struct ktopic *t = a->obj;
    for (unsigned k = 0; k < t->nsubs;) {
        struct ipc_port *port = ktopic_sub_port(&t->subs[k]);
        if (!port) { /* its capability is gone: so is the subscription */
            ktopic_sub_remove(t, k);
            continue;
        }
        struct proc *woken;
        int r = kipc_post(p, port, &p->kbuf, &woken);
        if (r == IPC_OK) {
            delivered++;
            if (woken && !first_woken)
                first_woken = woken;
        } else if (r == IPC_ERR_PORT_FULL) {
            /* publishing never waits for room: this copy is refused, and
             * counted and traced like every other refusal */
            port->refused++;
            ktrace(TRC_EV_IPC_SEND, p->pid, port->id, kipc_msg_word(&p->kbuf), TRC_IPC_REFUSED,
                   (uint64_t)(int64_t)r);
        }
        k++;
    }
    kipc_yield_to_higher(p, first_woken, delivered);
    return delivered;
}
KSYS_RUN(ktopic_publish)

void ktopic_proc_exit(struct proc *p)
{
    for (unsigned i = 0; i < topic_table.used; i++)
        if (topic_owner[i] == p->pid)
            kipc_obj_free(&topic_table, i);
}
