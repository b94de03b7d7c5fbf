/* guest-kernel/knotify.c: notifications (a signal word: notify never
 * blocks, wait parks until bits arrive, poll takes them), topics (publish
 * once, every subscribed port gets a copy), peek-then-pull
 * on ports (read a queued message's header, then pull its body into a
 * buffer of the receiver's choice, or discard it), and the name registry
 * (bind a service name to a port; a lookup gets a send-only capability). */
#include "ipc/notify.h"
#include "kipc_int.h"

#define KIPC_NOTIFS 1024
#define KIPC_NAMES 32
#define NAME_MAX_LEN 32

static struct ipc_notif notifs[KIPC_NOTIFS];
static uint32_t notif_gen[KIPC_NOTIFS];
static uint32_t notif_owner[KIPC_NOTIFS];
static struct kobj_table notif_table = KOBJ_TABLE(notif_owner, notif_gen);

struct name_entry {
    char name[NAME_MAX_LEN];
    uint32_t len;
    uint32_t pid;    /* the binder, 0: free */
    uint16_t cspace; /* the binder's space */
    ipc_cap_t tok;   /* its port capability there */
};
static struct name_entry names[KIPC_NAMES];

#define KIPC_TOPICS 16
#define TOPIC_SUBS 8

/* A subscription is the subscriber's own capability to its port, checked
 * at every publication: deleting or revoking it ends the subscription. */
struct topic_sub {
    uint16_t cspace;
    ipc_cap_t tok;
};

struct topic {
    struct topic_sub subs[TOPIC_SUBS];
    unsigned nsubs;
};
static struct topic topics[KIPC_TOPICS];
static uint32_t topic_owner[KIPC_TOPICS];
static uint32_t topic_gen[KIPC_TOPICS];
static struct kobj_table topic_table = KOBJ_TABLE(topic_owner, topic_gen);

/* Returns the notification `tok` of `p` names with `rights`, or NULL with
 * *err set; the lookup goes through the capability cache (traced). */
static struct ipc_notif *notif_lookup(struct proc *p, ipc_cap_t tok, unsigned rights, int *err)
{
    int i = kipc_obj_find(p, tok, IPC_OBJ_NOTIFICATION, rights, &notif_table, err);
    return i < 0 ? NULL : &notifs[i];
}

long kipc_notif_create(struct proc *p)
{
    unsigned i;
    long tok = kipc_obj_new(p, IPC_OBJ_NOTIFICATION, &notif_table, &i);
    if (tok >= 0)
        ipc_notif_init(&notifs[i], i + 1);
    return tok;
}

/* SYS_NOTIFY: ORs bits in; a waiter, if any, takes the word and wakes. */
static long notify(struct proc *p, ipc_cap_t tok, uint64_t bits)
{
    int err;
    struct ipc_notif *n = notif_lookup(p, tok, IPC_RIGHT_SEND, &err);
    if (!n)
        return err;
    uint64_t taken = 0;
    struct ipc_waiter *w = ipc_notif_signal(n, bits, &taken);
    ktrace(TRC_EV_NOTIFY, p->pid, n->id, bits, w ? kipc_waiter_proc(w)->pid : 0, 0);
    if (w) {
        struct proc *wp = kipc_waiter_proc(w);
        ktrace(TRC_EV_IPC_WAKE, wp->pid, 0, 0, 0, 0);
        kipc_set_deadline(wp, 0);
        arch_syscall_set_ret(&wp->regs, (uintptr_t)taken);
        sched_enqueue(wp);
        kipc_yield_to_higher(p, wp, IPC_OK);
    }
    return IPC_OK;
}

/* SYS_WAIT / SYS_POLL: takes the pending bits, or (wait) parks. */
static long wait_bits(struct proc *p, ipc_cap_t tok, uint64_t timeout, bool poll)
{
    int err;
    struct ipc_notif *n = notif_lookup(p, tok, IPC_RIGHT_RECEIVE, &err);
    if (!n)
        return err;
    uint64_t bits = ipc_notif_poll(n);
    if (bits || poll)
        return (long)bits;
    if (ipc_notif_wait(n, &p->waiter) != IPC_OK)
        panic("wait_bits: the waiter is already parked");
    kipc_set_deadline(p, kipc_deadline(timeout));
    p->state = PROC_BLOCKED;
    ktrace(TRC_EV_IPC_BLOCK, p->pid, 0, 4, p->deadline, 0);
    sched_next(TRC_SWITCH_BLOCK);
}

/* SYS_PEEK: the head message's header, without taking it. */
static long peek(struct proc *p, ipc_cap_t tok, uintptr_t u)
{
    int err;
    struct ipc_port *port = kipc_port_lookup(p, tok, IPC_RIGHT_RECEIVE, &err);
    if (!port)
        return err;
    if (!proc_user_range_ok(p, u, IPC_UMSG_HEADER, true))
        return IPC_ERR_BAD_POINTER;
    const struct ipc_msg *m = ipc_port_peek(port);
    if (!m)
        return port->closed ? IPC_ERR_PORT_CLOSED : IPC_ERR_WOULD_BLOCK;
    struct ipc_umsg *um = (struct ipc_umsg *)u;
    um->opcode = m->opcode;
    um->len = m->len;
    um->sender = m->sender;
    um->ncaps = m->ncaps;
    um->flags = m->flags;
    for (unsigned i = 0; i < IPC_MSG_CAPS; i++)
        um->caps[i] = IPC_CAP_NULL;
    um->reply = IPC_CAP_NULL;
    return (long)m->len;
}

/* SYS_PULL / SYS_DISCARD: takes the head message, its body into
 * buf[size] (which must hold it, else MessageTooLarge and it stays), or
 * drops it. Messages with capabilities are received with SYS_RECV. */
static long pull(struct proc *p, ipc_cap_t tok, uintptr_t buf, uintptr_t size, bool discard)
{
    int err;
    struct ipc_port *port = kipc_port_lookup(p, tok, IPC_RIGHT_RECEIVE, &err);
    if (!port)
        return err;
    const struct ipc_msg *head = ipc_port_peek(port);
    if (!head)
        return port->closed ? IPC_ERR_PORT_CLOSED : IPC_ERR_WOULD_BLOCK;
    if (!discard) {
        if (head->ncaps || (head->flags & IPC_MSG_CALL))
            return IPC_ERR_INVALID_ARG; /* received with recv / recv_call */
        if (head->len > size)
            return IPC_ERR_MSG_TOO_LARGE;
        if (!proc_user_range_ok(p, buf, head->len, true))
            return IPC_ERR_BAD_POINTER;
    }
    struct ipc_waiter *woken;
    uint32_t len = head->len;
    if (discard) {
        kipc_call_dropped(head, IPC_ERR_PORT_CLOSED);
        ipc_port_discard(port, &woken);
    } else {
        ipc_port_dequeue(port, &p->kbuf, &woken);
        memcpy((void *)buf, p->kbuf.data, len);
        ktrace(TRC_EV_IPC_RECV, p->pid, port->id, kipc_msg_word(&p->kbuf), TRC_IPC_FROM_QUEUE,
               (uint64_t)p->kbuf.sender << 32);
    }
    if (woken)
        kipc_wake(kipc_waiter_proc(woken), port->id, IPC_OK);
    return discard ? IPC_OK : (long)len;
}

/* Copies a user name into out[NAME_MAX_LEN]; returns its length or an
 * error. */
static long name_in(struct proc *p, uintptr_t u, uintptr_t len, char *out)
{
    if (len == 0 || len > NAME_MAX_LEN)
        return IPC_ERR_INVALID_ARG;
    if (!proc_user_range_ok(p, u, len, false))
        return IPC_ERR_BAD_POINTER;
    memcpy(out, (const void *)u, len);
    return (long)len;
}

/* Returns the registry entry for name[len], or NULL. */
static struct name_entry *name_find(const char *name, uint32_t len)
{
    for (unsigned i = 0; i < KIPC_NAMES; i++) {
        struct name_entry *e = &names[i];
        if (!e->pid || e->len != len)
            continue;
        uint32_t k = 0;
        while (k < len && e->name[k] == name[k])
            k++;
        if (k == len)
            return e;
    }
    return NULL;
}

/* SYS_NAME_BIND / LOOKUP / UNBIND. */
static long name_call(struct proc *p, uintptr_t nr, uintptr_t u, uintptr_t len, ipc_cap_t tok)
{
    char name[NAME_MAX_LEN];
    long n = name_in(p, u, len, name);
    if (n < 0)
        return n;
    struct name_entry *e = name_find(name, (uint32_t)n);
    int err;
    if (nr == SYS_NAME_LOOKUP) {
        struct proc *owner = e ? proc_slot(e->cspace - 1) : NULL;
        if (!owner)
            return IPC_ERR_NOT_FOUND;
        return kipc_grant(owner, e->tok, p, IPC_RIGHT_SEND);
    }
    if (nr == SYS_NAME_UNBIND) {
        if (!e || e->pid != p->pid)
            return IPC_ERR_NOT_FOUND;
        e->pid = 0;
        return IPC_OK;
    }
    if (e)
        return IPC_ERR_EXISTS;
    /* Bind: the binder must manage the port and be able to grant it. */
    if (!kipc_port_lookup(p, tok, IPC_RIGHT_MANAGE | IPC_RIGHT_GRANT, &err))
        return err;
    for (unsigned i = 0; i < KIPC_NAMES; i++) {
        if (names[i].pid)
            continue;
        memcpy(names[i].name, name, (size_t)n);
        names[i] = (struct name_entry){
            .len = (uint32_t)n, .pid = p->pid, .cspace = p->cspace.id, .tok = tok};
        memcpy(names[i].name, name, (size_t)n);
        return IPC_OK;
    }
    return IPC_ERR_NO_MEMORY;
}

long kipc_topic_create(struct proc *p)
{
    unsigned i;
    long tok = kipc_obj_new(p, IPC_OBJ_TOPIC, &topic_table, &i);
    if (tok >= 0)
        topics[i].nsubs = 0;
    return tok;
}

/* Returns the port subscription `sub` still names with SEND, or NULL. */
static struct ipc_port *sub_port(const struct topic_sub *sub)
{
    struct ipc_cspace *cs = sub->cspace < IPC_MAX_CSPACES ? kipc_capsys.spaces[sub->cspace] : NULL;
    struct ipc_slot *s;
    if (!cs ||
        ipc_cap_lookup(&kipc_capsys, cs, sub->tok, IPC_OBJ_PORT, IPC_RIGHT_SEND, &s) != IPC_OK)
        return NULL;
    return kipc_port_deref(s->obj);
}

/* SYS_TOPIC_SUBSCRIBE: the port gets every later publication. The caller
 * needs RECEIVE on the topic, and on the port both RECEIVE (it is its
 * receiver) and SEND (publishing sends into it); a port subscribes once. */
static long topic_subscribe(struct proc *p, ipc_cap_t tok, ipc_cap_t port_tok)
{
    int err;
    int i = kipc_obj_find(p, tok, IPC_OBJ_TOPIC, IPC_RIGHT_RECEIVE, &topic_table, &err);
    if (i < 0)
        return err;
    struct ipc_port *port = kipc_port_lookup(p, port_tok, IPC_RIGHT_RECEIVE | IPC_RIGHT_SEND, &err);
    if (!port)
        return err;
    struct topic *t = &topics[i];
    for (unsigned k = 0; k < t->nsubs; k++)
        if (sub_port(&t->subs[k]) == port)
            return IPC_ERR_EXISTS;
    if (t->nsubs == TOPIC_SUBS)
        return IPC_ERR_NO_MEMORY;
    t->subs[t->nsubs++] = (struct topic_sub){.cspace = p->cspace.id, .tok = port_tok};
    return IPC_OK;
}

/* SYS_PUBLISH: one copy to every subscribed port still there (a full or
 * refusing port misses this one: the trace shows the refused copy, and the
 * report counts it in messages.refused). Returns how many got it. */
static long publish(struct proc *p, ipc_cap_t tok, uintptr_t u)
{
    int err;
    int i = kipc_obj_find(p, tok, IPC_OBJ_TOPIC, IPC_RIGHT_SEND, &topic_table, &err);
    if (i < 0)
        return err;
    if ((err = kipc_copy_in(p, u, &p->kbuf)) != IPC_OK)
        return err;
    if (p->kbuf.ncaps)
        return IPC_ERR_INVALID_ARG; /* capabilities are not multicast */
    long delivered = 0;
    struct proc *first_woken = NULL;
    struct topic *t = &topics[i];
    for (unsigned k = 0; k < t->nsubs;) {
        struct ipc_port *port = sub_port(&t->subs[k]);
        if (!port) { /* its capability is gone: so is the subscription */
            t->subs[k] = t->subs[--t->nsubs];
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

long kobj_syscall(struct proc *p, uintptr_t nr, uintptr_t a0, uintptr_t a1, uintptr_t a2)
{
    switch (nr) {
    case SYS_TOPIC_CREATE:
        return kipc_topic_create(p);
    case SYS_TOPIC_SUBSCRIBE:
        return topic_subscribe(p, a0, a1);
    case SYS_PUBLISH:
        return publish(p, a0, a1);
    case SYS_NOTIF_CREATE:
        return kipc_notif_create(p);
    case SYS_NOTIFY:
        return notify(p, a0, a1);
    case SYS_WAIT:
        return wait_bits(p, a0, a1, false);
    case SYS_POLL:
        return wait_bits(p, a0, 0, true);
    case SYS_PEEK:
        return peek(p, a0, a1);
    case SYS_PULL:
        return pull(p, a0, a1, a2, false);
    case SYS_DISCARD:
        return pull(p, a0, 0, 0, true);
    case SYS_NAME_BIND:
    case SYS_NAME_LOOKUP:
    case SYS_NAME_UNBIND:
        return name_call(p, nr, a0, a1, a2);
    default:
        return KERR_NOSYS;
    }
}

void kobj_proc_exit(struct proc *p)
{
    for (unsigned i = 0; i < topic_table.used; i++)
        if (topic_owner[i] == p->pid)
            kipc_obj_free(&topic_table, i);
    ipc_notif_cancel(&p->waiter);
    for (unsigned i = 0; i < KIPC_NAMES; i++)
        if (names[i].pid == p->pid)
            names[i].pid = 0;
    for (unsigned i = 0; i < notif_table.used; i++) {
        if (notif_owner[i] != p->pid)
            continue;
        /* Its waiters get PortClosed, like a port's. */
        struct ipc_waiter *w;
        while ((w = notifs[i].waiters.head) != NULL) {
            ipc_notif_cancel(w);
            kipc_wake(kipc_waiter_proc(w), 0, IPC_ERR_PORT_CLOSED);
        }
        kipc_obj_free(&notif_table, i);
    }
}
