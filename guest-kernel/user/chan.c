/* guest-kernel/user/chan.c: asynchronous channels in user space (see
 * ulib.h): the kernel gives the shared memory (a region) and the event (a
 * notification); the ring itself is plain loads and stores. */
#include "user/ulib.h"

#define CHAN_OP_GIVE 0x43 /* the message that hands over a channel */

/* Returns slot i's memory (with the geometry this end trusts). */
static uint8_t *slot_at(const struct chan *c, uint32_t i)
{
    return (uint8_t *)(c->ring + 1) + (size_t)(i & (c->slots - 1)) * c->slot_size;
}

long chan_create(struct chan *c, uint32_t slots, uint32_t slot_size)
{
    if (slots == 0 || (slots & (slots - 1)) || slot_size < 8 || slot_size % 4)
        return IPC_ERR_INVALID_ARG;
    long rg = u_region_create(sizeof(struct chan_ring) + (size_t)slots * slot_size);
    if (rg < 0)
        return rg;
    long va = u_region_map((ipc_cap_t)rg);
    long n = va < 0 ? va : u_notif_create();
    if (n < 0)
        return n;
    c->region = (ipc_cap_t)rg;
    c->notif = (ipc_cap_t)n;
    c->ring = (struct chan_ring *)va;
    c->ring->head = c->ring->tail = 0;
    c->ring->slots = c->slots = slots;
    c->ring->slot_size = c->slot_size = slot_size;
    return 0;
}

long chan_give(const struct chan *c, ipc_cap_t port)
{
    struct ipc_umsg m;
    u_msg_text(&m, CHAN_OP_GIVE, "");
    long w = u_cap_derive(c->region, IPC_RIGHT_SEND | IPC_RIGHT_RECEIVE | IPC_RIGHT_GRANT);
    long e = u_cap_derive(c->notif, IPC_RIGHT_SEND | IPC_RIGHT_GRANT);
    if (w < 0 || e < 0)
        return w < 0 ? w : e;
    m.ncaps = 2;
    m.caps[0] = (ipc_cap_t)w;
    m.caps[1] = (ipc_cap_t)e;
    return u_send(port, &m, IPC_FOREVER);
}

long chan_accept(struct chan *c, const struct ipc_umsg *m)
{
    if (m->opcode != CHAN_OP_GIVE || m->ncaps != 2)
        return IPC_ERR_INVALID_ARG;
    long va = u_region_map(m->caps[0]);
    if (va < 0)
        return va;
    struct chan_ring *r = (struct chan_ring *)va;
    if (r->slots == 0 || (r->slots & (r->slots - 1)) || r->slots > 4096 || r->slot_size < 8 ||
        r->slot_size % 4 || r->slot_size > 4096)
        return IPC_ERR_INVALID_ARG;
    c->region = m->caps[0];
    c->notif = m->caps[1];
    c->ring = r;
    c->slots = r->slots;
    c->slot_size = r->slot_size;
    return 0;
}

long chan_send_batch(struct chan *c, const void *const *msgs, const uint32_t *lens, uint32_t n)
{
    struct chan_ring *r = c->ring;
    uint32_t sent = 0;
    while (sent < n && r->tail - r->head < c->slots && lens[sent] <= c->slot_size - 4) {
        uint8_t *s = slot_at(c, r->tail);
        *(uint32_t *)s = lens[sent];
        const uint8_t *src = msgs[sent];
        for (uint32_t i = 0; i < lens[sent]; i++)
            s[4 + i] = src[i];
        r->tail++;
        sent++;
    }
    if (sent) {
        long e = u_notify(c->notif, 1);
        if (e < 0)
            return e;
    }
    return sent;
}

long chan_recv(struct chan *c, void *buf, uint32_t size)
{
    struct chan_ring *r = c->ring;
    while (r->head == r->tail) {
        long bits = u_wait(c->notif, IPC_FOREVER);
        if (bits < 0)
            return bits;
    }
    uint8_t *s = slot_at(c, r->head);
    uint32_t len = *(uint32_t *)s;
    if (len > c->slot_size - 4) { /* a producer wrote nonsense: drop the slot */
        r->head++;
        return IPC_ERR_INVALID_ARG;
    }
    if (len > size)
        return IPC_ERR_MSG_TOO_LARGE;
    uint8_t *dst = buf;
    for (uint32_t i = 0; i < len; i++)
        dst[i] = s[4 + i];
    r->head++;
    return len;
}
