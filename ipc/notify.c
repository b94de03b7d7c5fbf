/* ipc/notify.c: notifications (see notify.h). Freestanding. */
#include "ipc/notify.h"

void ipc_notif_init(struct ipc_notif *n, uint32_t id)
{
    *n = (struct ipc_notif){.id = id};
}

struct ipc_waiter *ipc_notif_signal(struct ipc_notif *n, uint64_t bits, uint64_t *taken)
{
    n->word |= bits & IPC_NOTIFY_BITS;
    n->signals++;
    struct ipc_waiter *w = n->waiters.head;
    if (!w || n->word == 0)
        return NULL;
    ipc_waitq_remove(&n->waiters, w);
    w->notif = NULL;
    w->kind = IPC_WAIT_NONE;
    w->status = IPC_OK;
    *taken = ipc_notif_poll(n);
    return w;
}

uint64_t ipc_notif_poll(struct ipc_notif *n)
{
    uint64_t w = n->word;
    n->word = 0;
    if (w)
        n->takes++;
    return w;
}

int ipc_notif_wait(struct ipc_notif *n, struct ipc_waiter *w)
{
    if (!w || w->port || w->notif)
        return IPC_ERR_INVALID_ARG;
    w->notif = n;
    w->kind = IPC_WAIT_NOTIFY;
    w->status = IPC_OK;
    ipc_waitq_push(&n->waiters, w);
    return IPC_OK;
}

void ipc_notif_cancel(struct ipc_waiter *w)
{
    if (!w || !w->notif)
        return;
    ipc_waitq_remove(&w->notif->waiters, w);
    w->notif = NULL;
    w->kind = IPC_WAIT_NONE;
}
