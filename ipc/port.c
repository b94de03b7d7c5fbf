/* ipc/port.c: ports (see port.h). Freestanding: no libc. */
#include "ipc/port.h"

/* Copies a message; only the used part of the payload. */
static void msg_copy(struct ipc_msg *d, const struct ipc_msg *s)
{
    IPC_MSG_HEAD_COPY(d, s);
    for (unsigned i = 0; i < IPC_MSG_CAPS; i++)
        d->caps[i] = s->caps[i];
    d->reply = s->reply;
    uint32_t n = s->len <= IPC_MSG_MAX ? s->len : IPC_MSG_MAX;
    for (uint32_t i = 0; i < n; i++)
        d->data[i] = s->data[i];
}

/* Appends w to q. */
void ipc_waitq_push(struct ipc_waitq *q, struct ipc_waiter *w)
{
    w->next = NULL;
    w->prev = q->tail;
    if (q->tail)
        q->tail->next = w;
    else
        q->head = w;
    q->tail = w;
    q->count++;
}

/* Removes w from q. */
void ipc_waitq_remove(struct ipc_waitq *q, struct ipc_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        q->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        q->tail = w->prev;
    w->next = w->prev = NULL;
    q->count--;
}

/* Returns the queue a parked waiter of `kind` is on. */
static struct ipc_waitq *waitq_of(struct ipc_port *p, enum ipc_wait_kind kind)
{
    return kind == IPC_WAIT_RECV ? &p->receivers : &p->senders;
}

/* Unparks the first waiter of q and returns it, or NULL. */
static struct ipc_waiter *waitq_pop(struct ipc_port *p, struct ipc_waitq *q)
{
    struct ipc_waiter *w = q->head;
    if (!w)
        return NULL;
    (void)p;
    ipc_waitq_remove(q, w);
    w->port = NULL;
    w->kind = IPC_WAIT_NONE;
    return w;
}

void ipc_msgpool_init(struct ipc_msgpool *pool)
{
    pool->free = NULL;
    pool->nfree = 0;
}

void ipc_msgpool_add(struct ipc_msgpool *pool, struct ipc_msgnode *nodes, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        nodes[i].next = pool->free;
        pool->free = &nodes[i];
        pool->nfree++;
    }
}

/* Returns a node to the pool. */
static void pool_put(struct ipc_msgpool *pool, struct ipc_msgnode *n)
{
    n->next = pool->free;
    pool->free = n;
    pool->nfree++;
}

int ipc_port_init(struct ipc_port *p, uint32_t id, struct ipc_msgpool *pool, uint32_t capacity)
{
    if (!p || !pool || capacity == 0 || capacity > 65536u)
        return IPC_ERR_INVALID_ARG;
    *p = (struct ipc_port){.id = id, .pool = pool, .capacity = capacity};
    p->filter =
        (struct ipc_filter){.types = ~(uint64_t)0, .max_len = IPC_MSG_MAX, .flags = IPC_FILTER_ANY};
    return IPC_OK;
}

int ipc_port_set_filter(struct ipc_port *p, uint64_t types, uint32_t flags, uint32_t max_len)
{
    if (max_len > IPC_MSG_MAX || (flags & ~IPC_FILTER_ANY))
        return IPC_ERR_INVALID_ARG;
    p->filter = (struct ipc_filter){.types = types, .max_len = max_len, .flags = flags};
    return IPC_OK;
}

int ipc_port_set_rate(struct ipc_port *p, uint64_t period, uint64_t burst, uint64_t now)
{
    if (period && burst == 0)
        return IPC_ERR_INVALID_ARG;
    p->bucket = (struct ipc_bucket){.period = period, .burst = burst, .tokens = burst, .last = now};
    return IPC_OK;
}

bool ipc_bucket_take(struct ipc_bucket *b, uint64_t now)
{
    if (b->period == 0)
        return true;
    if (now > b->last) {
        uint64_t earned = (now - b->last) / b->period;
        if (earned >= b->burst - b->tokens) {
            b->tokens = b->burst;
            b->last = now; /* full: time spent full earns nothing */
        } else {
            b->tokens += earned;
            b->last += earned * b->period; /* keep the part of a period */
        }
    }
    if (b->tokens == 0)
        return false;
    b->tokens--;
    return true;
}

int ipc_port_admit(struct ipc_port *p, const struct ipc_msg *m, uint64_t now)
{
    int rc = IPC_OK;
    if (p->closed)
        rc = IPC_ERR_PORT_CLOSED;
    else if (m->len > IPC_MSG_MAX || m->len > p->filter.max_len || m->ncaps > IPC_MSG_CAPS)
        rc = m->ncaps > IPC_MSG_CAPS ? IPC_ERR_INVALID_ARG : IPC_ERR_MSG_TOO_LARGE;
    else if (!(p->filter.flags & IPC_FILTER_ANY) &&
             (m->opcode >= 64 || !((p->filter.types >> m->opcode) & 1)))
        rc = IPC_ERR_FILTERED;
    else if (!ipc_bucket_take(&p->bucket, now))
        rc = IPC_ERR_RATE_LIMITED;
    if (rc != IPC_OK)
        p->refused++;
    return rc;
}

struct ipc_waiter *ipc_port_take_receiver(struct ipc_port *p)
{
    return waitq_pop(p, &p->receivers);
}

int ipc_port_enqueue(struct ipc_port *p, const struct ipc_msg *m)
{
    if (p->closed)
        return IPC_ERR_PORT_CLOSED;
    if (p->count == p->capacity)
        return IPC_ERR_PORT_FULL;
    struct ipc_msgnode *n = p->pool->free;
    if (!n)
        return IPC_ERR_NO_MEMORY;
    p->pool->free = n->next;
    p->pool->nfree--;
    msg_copy(&n->msg, m);
    n->next = NULL;
    if (p->tail)
        p->tail->next = n;
    else
        p->head = n;
    p->tail = n;
    p->count++;
    p->enqueued++;
    return IPC_OK;
}

const struct ipc_msg *ipc_port_peek(const struct ipc_port *p)
{
    return p->head ? &p->head->msg : NULL;
}

/* Lets the first parked sender's message into the queue, which has room.
 * Returns that sender's waiter (status IPC_OK), or NULL when none waits. */
static struct ipc_waiter *admit_sender(struct ipc_port *p)
{
    struct ipc_waiter *s = waitq_pop(p, &p->senders);
    if (s) {
        ipc_port_enqueue(p, s->msg); /* room was just made */
        s->status = IPC_OK;
    }
    return s;
}

/* Takes the head of the queue (into out unless NULL) and lets the first
 * parked sender's message in. Returns as ipc_port_dequeue. */
static int take_head(struct ipc_port *p, struct ipc_msg *out, struct ipc_waiter **woken)
{
    if (woken)
        *woken = NULL;
    if (p->count == 0)
        return p->closed ? IPC_ERR_PORT_CLOSED : IPC_ERR_WOULD_BLOCK;
    struct ipc_msgnode *n = p->head;
    if (out)
        msg_copy(out, &n->msg);
    p->head = n->next;
    if (!p->head)
        p->tail = NULL;
    p->count--;
    pool_put(p->pool, n);
    p->dequeued++;
    struct ipc_waiter *s = admit_sender(p);
    if (s && woken)
        *woken = s;
    return IPC_OK;
}

int ipc_port_dequeue(struct ipc_port *p, struct ipc_msg *out, struct ipc_waiter **woken)
{
    return take_head(p, out, woken);
}

int ipc_port_discard(struct ipc_port *p, struct ipc_waiter **woken)
{
    return take_head(p, NULL, woken);
}

int ipc_port_wait(struct ipc_port *p, struct ipc_waiter *w, enum ipc_wait_kind kind,
                  struct ipc_msg *msg)
{
    if (!w || w->port || w->notif || (kind != IPC_WAIT_RECV && kind != IPC_WAIT_SEND) || !msg)
        return IPC_ERR_INVALID_ARG;
    if (p->closed)
        return IPC_ERR_PORT_CLOSED;
    w->port = p;
    w->kind = kind;
    w->msg = msg;
    w->status = IPC_OK;
    ipc_waitq_push(waitq_of(p, kind), w);
    return IPC_OK;
}

void ipc_port_cancel(struct ipc_waiter *w)
{
    if (!w || !w->port)
        return;
    ipc_waitq_remove(waitq_of(w->port, w->kind), w);
    w->port = NULL;
    w->kind = IPC_WAIT_NONE;
}

unsigned ipc_port_remove(struct ipc_port *p,
                         bool (*match)(const struct ipc_msg *m, const void *arg), const void *arg,
                         void (*admitted)(void *ctx, struct ipc_waiter *w), void *ctx)
{
    unsigned removed = 0;
    struct ipc_msgnode **link = &p->head, *last = NULL;
    while (*link) {
        struct ipc_msgnode *n = *link;
        if (match(&n->msg, arg)) {
            *link = n->next;
            p->count--;
            p->dequeued++;
            pool_put(p->pool, n);
            removed++;
        } else {
            last = n;
            link = &n->next;
        }
    }
    p->tail = last;
    struct ipc_waiter *s;
    for (unsigned k = 0; k < removed && (s = admit_sender(p)) != NULL; k++)
        if (admitted)
            admitted(ctx, s);
    return removed;
}

unsigned ipc_port_close(struct ipc_port *p, void (*wake)(void *ctx, struct ipc_waiter *w),
                        void *ctx)
{
    unsigned n = 0;
    p->closed = true;
    while (p->head) {
        struct ipc_msgnode *n = p->head;
        p->head = n->next;
        pool_put(p->pool, n);
    }
    p->tail = NULL;
    p->count = 0;
    struct ipc_waitq *queues[2] = {&p->receivers, &p->senders};
    for (unsigned q = 0; q < 2; q++) {
        struct ipc_waiter *w;
        while ((w = waitq_pop(p, queues[q])) != NULL) {
            w->status = IPC_ERR_PORT_CLOSED;
            n++;
            if (wake)
                wake(ctx, w);
        }
    }
    return n;
}
