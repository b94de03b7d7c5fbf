/* guest-kernel/kport.c: ports, the kernel's side: the port table, port
 * capabilities, create / close / filter / rate limit, and peek-then-pull
 * (read a queued message's header, then pull its body into a buffer of
 * the receiver's choice, or discard it). Sending and receiving messages
 * are in kipc.c (memory) and kcall.c (registers). */
#include "ipc/uapi.h"
#include "kipc_int.h"
#include "ksys.h"

#define KIPC_PORTS 16384 /* 10,000 and more for scale scenarios */
_Static_assert(KIPC_PORTS == KPORT_SLOTS, "kipc_int.h declares the port table");

struct ipc_port kport_ports[KIPC_PORTS];
uint32_t kport_gen[KIPC_PORTS];
uint32_t kport_owner[KIPC_PORTS];
static struct kobj_table port_table = KOBJ_TABLE(kport_owner, kport_gen);
static uint32_t port_next_owned[KIPC_PORTS]; /* the owner's next port + 1, 0: none */

/* Returns the port capability `tok` of `p` names with `rights`, looked up
 * through the cache (traced), or NULL with *err set. */
KPROBE_ANCHOR struct ipc_port *kport_lookup(struct proc *p, ipc_cap_t tok, unsigned rights,
                                            int *err)
{
    int i = kipc_obj_find(p, tok, IPC_OBJ_PORT, rights, &port_table, err);
    return i < 0 ? NULL : &kport_ports[i];
}

uint64_t kport_admit_clock(const struct ipc_port *port)
{
    /* Only a rate limit needs the time: reading the timer is three device
     * register reads (hi, lo, hi again), more than the rest of a fast call
     * costs in some profiles. */
    return port->bucket.period ? timer_now() : 0;
}

KPROBE_ANCHOR long kport_create(struct proc *owner, uint32_t capacity)
{
    KPROBE_KEEP("r"(owner), "r"(capacity));
    if (capacity == 0)
        capacity = IPC_PORT_DEPTH;
    if (capacity > 65536u)
        return IPC_ERR_INVALID_ARG;
    unsigned i;
    long tok = kipc_obj_new(owner, IPC_OBJ_PORT, &port_table, &i);
    if (tok < 0)
        return tok;
    port_next_owned[i] = owner->ports_owned; /* its ports close when it ends */
    owner->ports_owned = i + 1;
    ipc_port_init(&kport_ports[i], i + 1, &kipc_pool,
                  capacity); /* cannot fail: arguments checked */
    ktrace(TRC_EV_PORT_CREATE, owner->pid, i + 1, capacity, 0, 0);
    return tok;
}

/* Closes port `i` (waking its waiters with PortClosed) and, when `free`,
 * gives the slot back: capabilities naming it go stale. Returns how many
 * waiters were woken. */
KPROBE_ANCHOR static unsigned kport_shut(uint32_t pid, unsigned i, bool free)
{
    KPROBE_KEEP("r"(pid), "r"(i));
    for (struct ipc_msgnode *q = kport_ports[i].head; q; q = q->next)
        kipc_call_dropped(&q->msg, IPC_ERR_PORT_CLOSED);
    unsigned n = kport_ports[i].closed
                     ? 0
                     : ipc_port_close(&kport_ports[i], kipc_wake_waiter, &kport_ports[i]);
    ktrace(TRC_EV_PORT_CLOSE, pid, i + 1, n, 0, 0);
    if (free)
        kipc_obj_free(&port_table, i);
    return n;
}

void kport_proc_exit(struct proc *p)
{
    while (p->ports_owned) {
        unsigned i = p->ports_owned - 1;
        p->ports_owned = port_next_owned[i];
        kport_shut(p->pid, i, true);
    }
}

/* Decodes a call whose first argument is a port capability that needs
 * `rights`: a->port, and the other two arguments in a1, a2. Returns 0 or
 * the lookup's error. */
static int kport_decode_cap(struct proc *p, const struct arch_regs *r, struct ksys_args *a,
                            unsigned rights)
{
    int err;
    a->port = kport_lookup(p, arch_syscall_arg(r, 0), rights, &err);
    if (!a->port)
        return err;
    a->a1 = arch_syscall_arg(r, 1);
    a->a2 = arch_syscall_arg(r, 2);
    return 0;
}

/* SYS_PORT_CREATE: a capacity up to 65536 (0: the default) and room for
 * the port and its capability. Returns 0 or InvalidArg / NoMemory /
 * NoSlot. */
static int kport_create_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    a->a0 = arch_syscall_arg(r, 0);
    if (a->a0 > 65536u)
        return IPC_ERR_INVALID_ARG;
    return kipc_obj_room(p, &port_table);
}

/* Returns the new port's token (every right). */
static long kport_create_invoke(struct proc *p, struct ksys_args *a)
{
    return kport_create(p, (uint32_t)a->a0);
}
KSYS_RUN(kport_create)

/* SYS_PORT_CLOSE: a port capability with MANAGE. Returns 0 or the error. */
static int kport_close_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    return kport_decode_cap(p, r, a, IPC_RIGHT_MANAGE);
}

/* Closes the port: every waiter wakes with PortClosed. Returns 0. */
static long kport_close_invoke(struct proc *p, struct ksys_args *a)
{
    kport_shut(p->pid, a->port->id - 1, false);
    return IPC_OK;
}
KSYS_RUN(kport_close)

/* SYS_PORT_LIMIT: MANAGE, and a filter ipc_port_set_filter takes (types,
 * ~0 for any; max_len <= IPC_MSG_MAX). Returns 0 or the error. */
static int kport_limit_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = kport_decode_cap(p, r, a, IPC_RIGHT_MANAGE);
    if (!err && (uint32_t)a->a2 > IPC_MSG_MAX)
        err = IPC_ERR_INVALID_ARG;
    return err;
}

/* Sets the port's filter. Returns 0. */
static long kport_limit_invoke(struct proc *p, struct ksys_args *a)
{
    (void)p;
    return ipc_port_set_filter(a->port, a->a1, a->a1 == ~(uintptr_t)0 ? IPC_FILTER_ANY : 0,
                               (uint32_t)a->a2);
}
KSYS_RUN(kport_limit)

/* SYS_PORT_RATE: MANAGE, and a burst of at least 1 when there is a
 * period. Returns 0 or the error. */
static int kport_rate_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = kport_decode_cap(p, r, a, IPC_RIGHT_MANAGE);
    if (!err && a->a1 && a->a2 == 0)
        err = IPC_ERR_INVALID_ARG;
    return err;
}

/* Sets the port's token bucket (full). Returns 0. */
static long kport_rate_invoke(struct proc *p, struct ksys_args *a)
{
    (void)p;
    return ipc_port_set_rate(a->port, a->a1, a->a2, timer_now());
}
KSYS_RUN(kport_rate)

/* SYS_PEEK: RECEIVE on the port, a header buffer the caller may write.
 * Returns 0 or the error. */
static int kport_peek_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = kport_decode_cap(p, r, a, IPC_RIGHT_RECEIVE);
    if (!err && !proc_user_range_ok(p, a->a1, IPC_UMSG_HEADER, true))
        err = IPC_ERR_BAD_POINTER;
    return err;
}

/* Writes the head message's header (no capabilities) without taking it.
 * Returns its payload length, or WouldBlock / PortClosed when the queue is
 * empty. */
static long kport_peek_invoke(struct proc *p, struct ksys_args *a)
{
    (void)p;
    const struct ipc_msg *m = ipc_port_peek(a->port);
    if (!m)
        return a->port->closed ? IPC_ERR_PORT_CLOSED : IPC_ERR_WOULD_BLOCK;
    ipc_umsg_put_head((struct ipc_umsg *)a->a1, m, NULL, IPC_CAP_NULL);
    return (long)m->len;
}
KSYS_RUN(kport_peek)

/* Takes the head message off `port` (its body into p->kbuf unless
 * `discard`) and lets a sender parked on the full queue in. */
static void kport_take(struct proc *p, struct ipc_port *port, bool discard)
{
    struct ipc_waiter *woken;
    if (discard) {
        kipc_call_dropped(ipc_port_peek(port), IPC_ERR_PORT_CLOSED);
        ipc_port_discard(port, &woken);
    } else {
        ipc_port_dequeue(port, &p->kbuf, &woken);
        ktrace(TRC_EV_IPC_RECV, p->pid, port->id, kipc_msg_word(&p->kbuf), TRC_IPC_FROM_QUEUE,
               (uint64_t)p->kbuf.sender << 32);
    }
    if (woken) { /* a sender parked on the full queue got in, as in kipc_recv_do */
        struct proc *sp = kipc_waiter_proc(woken);
        ktrace(TRC_EV_IPC_SEND, sp->pid, port->id, kipc_msg_word(&sp->kbuf), TRC_IPC_QUEUED, 0);
        kipc_wake(sp, port->id, IPC_OK);
    }
}

/* SYS_PULL: RECEIVE on the port; a head message without capabilities and
 * not a call (those are received with recv / recv_call) whose body fits
 * buf[size], which the caller may write. Returns 0, or WouldBlock /
 * PortClosed on an empty queue, or the error (the message stays). */
static int kport_pull_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = kport_decode_cap(p, r, a, IPC_RIGHT_RECEIVE);
    if (err)
        return err;
    const struct ipc_msg *head = ipc_port_peek(a->port);
    if (!head)
        return a->port->closed ? IPC_ERR_PORT_CLOSED : IPC_ERR_WOULD_BLOCK;
    if (head->ncaps || (head->flags & IPC_MSG_CALL))
        return IPC_ERR_INVALID_ARG;
    if (head->len > a->a2)
        return IPC_ERR_MSG_TOO_LARGE;
    if (!proc_user_range_ok(p, a->a1, head->len, true))
        return IPC_ERR_BAD_POINTER;
    return 0;
}

/* Takes the head message, its body into the buffer. Returns its length. */
static long kport_pull_invoke(struct proc *p, struct ksys_args *a)
{
    kport_take(p, a->port, false);
    memcpy((void *)a->a1, p->kbuf.data, p->kbuf.len);
    return (long)p->kbuf.len;
}
KSYS_RUN(kport_pull)

/* SYS_DISCARD: RECEIVE on the port and a head message. Returns 0, or
 * WouldBlock / PortClosed on an empty queue, or the lookup's error. */
static int kport_discard_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = kport_decode_cap(p, r, a, IPC_RIGHT_RECEIVE);
    if (!err && !ipc_port_peek(a->port))
        err = a->port->closed ? IPC_ERR_PORT_CLOSED : IPC_ERR_WOULD_BLOCK;
    return err;
}

/* Drops the head message (a call in it ends with PortClosed). Returns 0. */
static long kport_discard_invoke(struct proc *p, struct ksys_args *a)
{
    kport_take(p, a->port, true);
    return IPC_OK;
}
KSYS_RUN(kport_discard)
