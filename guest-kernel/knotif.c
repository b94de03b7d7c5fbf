/* guest-kernel/knotif.c: notifications, a signal word: notify ORs bits in
 * and never blocks, wait takes the bits or parks until some arrive, poll
 * takes them without waiting (the notify-then-pull pattern). */
#include "ipc/notify.h"
#include "kipc_int.h"
#include "ksys.h"

#define KIPC_NOTIFS 1024

static struct ipc_notif notifs[KIPC_NOTIFS];
static uint32_t notif_gen[KIPC_NOTIFS];
static uint32_t notif_owner[KIPC_NOTIFS];
static struct kobj_table notif_table = KOBJ_TABLE(notif_owner, notif_gen);

long knotif_create(struct proc *p)
{
    unsigned i;
    long tok = kipc_obj_new(p, IPC_OBJ_NOTIFICATION, &notif_table, &i);
    if (tok >= 0)
        ipc_notif_init(&notifs[i], i + 1);
    return tok;
}

/* Decodes a call on a notification capability with `rights` (argument
 * 0): a->obj the notification, a->a1 argument 1. Returns 0 or the lookup's
 * error. */
static int knotif_decode_cap(struct proc *p, const struct arch_regs *r, struct ksys_args *a,
                             unsigned rights)
{
    int i = kipc_obj_decode(p, r, IPC_OBJ_NOTIFICATION, rights, &notif_table, a);
    a->obj = i < 0 ? NULL : &notifs[i];
    return i < 0 ? i : 0;
}

/* SYS_NOTIF_CREATE: room for it and its capability. Returns 0 or NoMemory
 * / NoSlot. */
static int knotif_create_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    (void)r, (void)a;
    return kipc_obj_room(p, &notif_table);
}

/* Returns the new notification's token (every right). */
static long knotif_create_invoke(struct proc *p, struct ksys_args *a)
{
    (void)a;
    return knotif_create(p);
}
KSYS_RUN(knotif_create)

/* SYS_NOTIFY: SEND on the notification. Returns 0 or the error. */
static int knotif_notify_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    return knotif_decode_cap(p, r, a, IPC_RIGHT_SEND);
}

/* ORs the bits in; a waiter, if any, takes the word and wakes (and runs
 * first if its priority is higher). Returns 0. */
static long knotif_notify_invoke(struct proc *p, struct ksys_args *a)
{
    struct ipc_notif *n = a->obj;
    uint64_t taken = 0;
    struct ipc_waiter *w = ipc_notif_signal(n, a->a1, &taken);
    ktrace(TRC_EV_NOTIFY, p->pid, n->id, a->a1, w ? kipc_waiter_proc(w)->pid : 0, 0);
    if (w) {
        struct proc *wp = kipc_waiter_proc(w);
        ktrace(TRC_EV_IPC_WAKE, wp->pid, 0, 0, 0, 0);
        ktimeout_set(wp, 0);
        arch_syscall_set_ret(&wp->regs, (uintptr_t)taken);
        sched_enqueue(wp);
        kipc_yield_to_higher(p, wp, IPC_OK);
    }
    return IPC_OK;
}
KSYS_RUN(knotif_notify)

/* SYS_WAIT: RECEIVE on the notification; a->a1 the timeout. Returns 0 or
 * the error. */
static int knotif_wait_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    return knotif_decode_cap(p, r, a, IPC_RIGHT_RECEIVE);
}

/* Returns the pending bits, or parks until some arrive (or the timeout). */
static long knotif_wait_invoke(struct proc *p, struct ksys_args *a)
{
    struct ipc_notif *n = a->obj;
    uint64_t bits = ipc_notif_poll(n);
    if (bits)
        return (long)bits;
    if (ipc_notif_wait(n, &p->waiter) != IPC_OK)
        panic("knotif_wait_invoke: the waiter is already parked");
    ktimeout_set(p, ktimeout_deadline(a->a1));
    p->state = PROC_BLOCKED;
    ktrace(TRC_EV_IPC_BLOCK, p->pid, 0, 4, p->deadline, 0);
    sched_next(TRC_SWITCH_BLOCK);
}
KSYS_RUN(knotif_wait)

/* SYS_POLL: RECEIVE on the notification. Returns 0 or the error. */
static int knotif_poll_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    return knotif_decode_cap(p, r, a, IPC_RIGHT_RECEIVE);
}

/* Returns the pending bits (taken), 0 when none. */
static long knotif_poll_invoke(struct proc *p, struct ksys_args *a)
{
    (void)p;
    return (long)ipc_notif_poll(a->obj);
}
KSYS_RUN(knotif_poll)

void knotif_proc_exit(struct proc *p)
{
    ipc_notif_cancel(&p->waiter);
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
