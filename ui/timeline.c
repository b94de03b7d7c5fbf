/* ui/timeline.c: the timeline's model, built from a run's events (see
 * timeline.h). One pass over the events, in order; the pairing state
 * (which sends wait for their receive, which replies for their caller)
 * lives in struct build until tl_finish.
 *
 * A trace is input: every id it names (a pid, a core, a port) is a value
 * the input chooses, so none of them indexes a table. Each distinct id
 * gets a node in an ordered map (struct idmap) and a dense index, so the
 * memory is linear in the ids actually seen, a lookup costs the log of
 * their number, and the result never depends on where the heap put
 * anything. */
#include "ui/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/tracefile.h"
#include "util/grow.h"

/* The status ipc.wake gives a wait that its timeout ended: IPC_ERR_TIMEOUT
 * of ipc/ipc.h (a kernel ABI value; ui/ may not include ipc/). */
#define TL_WAKE_TIMEOUT (-22)

/* ---- an ordered map of ids -------------------------------------------- */

/* A node of an AVL tree keyed by two words; its children by index into
 * the map's array (0: none). */
struct idnode {
    uint64_t k0, k1;
    size_t val;
    uint32_t kid[2];
    uint8_t height;
};

/* An insert-only AVL tree in one growing array (n[0] is unused, so index
 * 0 means "none"). */
struct idmap {
    struct idnode *n;
    size_t len, cap; /* nodes used (with n[0]), allocated */
    uint32_t root;
};

/* Returns <0, 0 or >0 as key (a0, a1) sorts before, with or after node x. */
static int key_cmp(uint64_t a0, uint64_t a1, const struct idnode *x)
{
    if (a0 != x->k0)
        return a0 < x->k0 ? -1 : 1;
    return a1 < x->k1 ? -1 : a1 > x->k1;
}

/* Returns the value stored under (k0, k1), or SIZE_MAX when there is
 * none; adds the nodes visited to *work. */
static size_t map_find(const struct idmap *t, uint64_t k0, uint64_t k1, uint64_t *work)
{
    uint32_t i = t->root;
    while (i) {
        ++*work;
        int c = key_cmp(k0, k1, &t->n[i]);
        if (c == 0)
            return t->n[i].val;
        i = t->n[i].kid[c > 0];
    }
    return SIZE_MAX;
}

/* Returns the height of the subtree at i (0: none). */
static int map_height(const struct idmap *t, uint32_t i)
{
    return i ? t->n[i].height : 0;
}

/* Recomputes node i's height from its children's (returns nothing). */
static void map_fix(struct idmap *t, uint32_t i)
{
    int a = map_height(t, t->n[i].kid[0]), b = map_height(t, t->n[i].kid[1]);
    t->n[i].height = (uint8_t)(1 + (a > b ? a : b));
}

/* Rotates the subtree at i (d = 1: its left child comes up; d = 0: its
 * right child). Returns the subtree's new root. */
static uint32_t map_rotate(struct idmap *t, uint32_t i, int d)
{
    uint32_t c = t->n[i].kid[!d];
    t->n[i].kid[!d] = t->n[c].kid[d];
    t->n[c].kid[d] = i;
    map_fix(t, i);
    map_fix(t, c);
    return c;
}

/* Restores the AVL balance at i after an insertion below it. Returns the
 * subtree's new root. */
static uint32_t map_balance(struct idmap *t, uint32_t i)
{
    map_fix(t, i);
    int l = map_height(t, t->n[i].kid[0]), r = map_height(t, t->n[i].kid[1]);
    if (l > r + 1) {
        uint32_t c = t->n[i].kid[0];
        if (map_height(t, t->n[c].kid[1]) > map_height(t, t->n[c].kid[0]))
            t->n[i].kid[0] = map_rotate(t, c, 0);
        return map_rotate(t, i, 1);
    }
    if (r > l + 1) {
        uint32_t c = t->n[i].kid[1];
        if (map_height(t, t->n[c].kid[0]) > map_height(t, t->n[c].kid[1]))
            t->n[i].kid[1] = map_rotate(t, c, 1);
        return map_rotate(t, i, 0);
    }
    return i;
}

/* Hangs node `x` (whose key is not in the map yet) into the subtree at i.
 * Returns the subtree's new root; adds the nodes visited to *work. */
static uint32_t map_insert(struct idmap *t, uint32_t i, uint32_t x, uint64_t *work)
{
    if (!i)
        return x;
    ++*work;
    int d = key_cmp(t->n[x].k0, t->n[x].k1, &t->n[i]) > 0;
    uint32_t kid = map_insert(t, t->n[i].kid[d], x, work);
    t->n[i].kid[d] = kid;
    return map_balance(t, i);
}

/* Stores `val` under (k0, k1), which must not be in the map yet. Returns
 * 0, or -1 when out of memory. */
static int map_add(struct idmap *t, uint64_t k0, uint64_t k1, size_t val, uint64_t *work)
{
    size_t i = t->len ? t->len : 1;
    if (i >= UINT32_MAX || !util_grow((void **)&t->n, &t->cap, i + 1, sizeof *t->n))
        return -1;
    t->n[i] = (struct idnode){k0, k1, val, {0, 0}, 1};
    t->len = i + 1;
    t->root = map_insert(t, t->root, (uint32_t)i, work);
    return 0;
}

/* ---- the build -------------------------------------------------------- */

/* A core: its kernel lane, the process it runs, and its open kernel
 * stretch. */
struct core_rec {
    size_t lane;
    uint64_t pid;               /* the process it last switched to (0: idle) */
    struct tl_kstretch stretch; /* the kernel stretch open on it, if kopen */
    bool kopen;
};

/* The messages one sender sent on one port and that are not received
 * yet, oldest first, linked through build.next. `gen` is the port's
 * generation they were queued in: a port closed (or made anew) since
 * drops them. */
struct queue {
    uint32_t head, tail; /* message indices; UINT32_MAX: empty */
    uint32_t gen;
    uint32_t before_tail; /* the message queued before the tail (UINT32_MAX: none or
                             not known), so that the tail can leave in O(1) */
};

/* The last pids looked up, by their low bits (a fixed-size cache: the
 * pid-to-lane map never changes an entry once made). */
#define PID_CACHE 256

struct build {
    struct idmap pids; /* pid -> its lane */
    struct {
        uint32_t pid, lane1; /* lane + 1 (0: empty) */
    } pid_cache[PID_CACHE];
    struct idmap cores; /* core id -> index into core[] */
    struct core_rec *core;
    size_t ncores, cap_cores;
    bool user_enter;     /* a user.enter was seen: kernel stretches are known */
    bool booted;         /* a boot record was seen: */
    uint64_t boot_at;    /* its cycle */
    uint64_t boot_cores; /* the cores it counts (ids below this) */
    struct idmap ports;  /* port id -> index into port_gen[] */
    uint32_t *port_gen;  /* per port: closed (or made anew) how many times */
    size_t nports, cap_ports;
    struct idmap queues; /* (port index, sender lane) -> index into queue[] */
    struct queue *queue;
    size_t nqueues, cap_queues;
    uint32_t *next; /* per message: the next one queued behind it (UINT32_MAX: none) */
    size_t cap_next;
    struct idmap recvs; /* (receiver lane, sender lane) -> index into recv_at[] */
    uint64_t *recv_at;  /* the last cycle the receiver took a message of the sender */
    size_t nrecvs, cap_recvs;
    size_t *reply; /* per lane: the reply waiting for it + 1 (0: none), delivered when it runs */
    size_t cap_reply;
};

void tl_init(struct tl_model *m)
{
    memset(m, 0, sizeof *m);
}

/* Frees the pairing state (returns nothing). */
static void build_free(struct build *b)
{
    if (!b)
        return;
    free(b->pids.n);
    free(b->cores.n);
    free(b->core);
    free(b->ports.n);
    free(b->port_gen);
    free(b->queues.n);
    free(b->queue);
    free(b->next);
    free(b->reply);
    free(b->recvs.n);
    free(b->recv_at);
    free(b);
}

void tl_free(struct tl_model *m)
{
    for (size_t i = 0; i < m->nlanes; i++) {
        free(m->lanes[i].at);
        free(m->lanes[i].state);
        free(m->lanes[i].core_at);
        free(m->lanes[i].core_id);
    }
    free(m->lanes);
    free(m->msgs);
    free(m->marks);
    free(m->inherits);
    free(m->kstretches);
    for (int k = 0; k < TL_MARK_COUNT; k++) {
        free(m->mark_at[k]);
        free(m->mark_lane[k]);
    }
    build_free(m->build);
    memset(m, 0, sizeof *m);
}

/* Sets lane l's state from `at` on. Returns 0, or -1 when out of memory. */
static int set_state(struct tl_lane *l, uint64_t at, enum tl_state s)
{
    if (l->n && l->state[l->n - 1] == s)
        return 0;
    if (l->n && l->at[l->n - 1] == at) { /* two changes in one cycle: the last counts */
        l->state[l->n - 1] = (uint8_t)s;
        if (l->n > 1 && l->state[l->n - 2] == s)
            l->n--;
        return 0;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        uint64_t *a = realloc(l->at, cap * sizeof *a);
        if (a)
            l->at = a;
        uint8_t *s2 = a ? realloc(l->state, cap) : NULL;
        if (!s2)
            return -1;
        l->state = s2;
        l->cap = cap;
    }
    l->at[l->n] = at;
    l->state[l->n] = (uint8_t)s;
    l->n++;
    return 0;
}

/* Returns lane l's state now (after its last change). */
static enum tl_state cur_state(const struct tl_lane *l)
{
    return l->n ? (enum tl_state)l->state[l->n - 1] : TL_ABSENT;
}

/* Appends a lane. Returns it (zeroed), or NULL when out of memory or when
 * lane indices no longer fit a message's 32-bit lane fields. */
static struct tl_lane *new_lane(struct tl_model *m)
{
    if (m->nlanes >= UINT32_MAX - 1 ||
        !util_grow((void **)&m->lanes, &m->cap_lanes, m->nlanes + 1, sizeof *m->lanes))
        return NULL;
    struct tl_lane *l = &m->lanes[m->nlanes++];
    memset(l, 0, sizeof *l);
    return l;
}

/* Returns core `core`'s record, made with its kernel lane when new (busy
 * from the boot on, if the boot record counted the core); NULL when out
 * of memory. */
static struct core_rec *core_of(struct tl_model *m, uint32_t core)
{
    struct build *b = m->build;
    if (b->ncores && b->core[0].lane < m->nlanes && m->lanes[b->core[0].lane].core == core)
        return &b->core[0]; /* the usual case: one core */
    size_t i = map_find(&b->cores, core, 0, &m->work);
    if (i != SIZE_MAX)
        return &b->core[i];
    if (!util_grow((void **)&b->core, &b->cap_cores, b->ncores + 1, sizeof *b->core) ||
        map_add(&b->cores, core, 0, b->ncores, &m->work) != 0)
        return NULL;
    struct tl_lane *l = new_lane(m);
    if (!l)
        return NULL;
    l->core = core;
    m->ncores++;
    snprintf(l->name, sizeof l->name, "kernel core %u", core);
    b->core[b->ncores] = (struct core_rec){.lane = m->nlanes - 1};
    if (b->booted && core < b->boot_cores && set_state(l, b->boot_at, TL_BUSY) != 0)
        return NULL;
    return &b->core[b->ncores++];
}

/* Returns the lane of process `pid` (NULL: none yet, or not a 32-bit
 * pid). */
static struct tl_lane *proc_lane(struct tl_model *m, uint64_t pid)
{
    struct build *b = m->build;
    if (pid > UINT32_MAX)
        return NULL;
    unsigned slot = (unsigned)pid % PID_CACHE;
    if (b->pid_cache[slot].lane1 && b->pid_cache[slot].pid == pid)
        return &m->lanes[b->pid_cache[slot].lane1 - 1];
    size_t lane = map_find(&b->pids, pid, 0, &m->work);
    if (lane == SIZE_MAX)
        return NULL;
    b->pid_cache[slot].pid = (uint32_t)pid;
    b->pid_cache[slot].lane1 = (uint32_t)lane + 1;
    return &m->lanes[lane];
}

/* Makes the lane of the process event e creates. Returns it, or NULL when
 * out of memory. */
static struct tl_lane *new_proc_lane(struct tl_model *m, const struct trc_event *e)
{
    struct build *b = m->build;
    if (map_add(&b->pids, e->pid, 0, m->nlanes, &m->work) != 0)
        return NULL;
    struct tl_lane *l = new_lane(m);
    if (!l)
        return NULL;
    l->pid = e->pid;
    l->prio = (uint32_t)e->arg[0];
    char name[TRC_NAME_MAX + 1] = {0};
    for (int i = 0; i < TRC_NAME_MAX; i++)
        name[i] = (char)(e->arg[1 + i / 8] >> (8 * (i % 8)));
    for (int i = 0; i < TRC_NAME_MAX; i++)
        if ((unsigned char)name[i] < 32 || (unsigned char)name[i] > 126)
            name[i] = name[i] ? '?' : '\0';
    snprintf(l->name, sizeof l->name, "%s", name[0] ? name : "?");
    return l;
}

/* Adds a mark. Returns 0, or -1 when out of memory. */
static int add_mark(struct tl_model *m, uint64_t at, size_t lane, enum tl_mark_kind kind)
{
    if (!util_grow((void **)&m->marks, &m->cap_marks, m->nmarks + 1, sizeof *m->marks))
        return -1;
    m->marks[m->nmarks++] = (struct tl_mark){at, (uint32_t)lane, (uint8_t)kind};
    return 0;
}

/* A new message from lane `from`, sent by event e; returns its
 * index or SIZE_MAX (out of memory). */
static size_t add_msg(struct tl_model *m, const struct trc_event *e, size_t from, enum tl_kind k)
{
    struct build *b = m->build;
    if (m->nmsgs >= UINT32_MAX - 1 || /* queues link messages by 32-bit index */
        !util_grow((void **)&m->msgs, &m->cap_msgs, m->nmsgs + 1, sizeof *m->msgs) ||
        !util_grow((void **)&b->next, &b->cap_next, m->nmsgs + 1, sizeof *b->next))
        return SIZE_MAX;
    m->msgs[m->nmsgs] = (struct tl_msg){.sent = e->cycle,
                                        .from = (uint32_t)from,
                                        .to = UINT32_MAX,
                                        .kind = (uint8_t)k,
                                        .ev = m->events,
                                        .from_core = e->core,
                                        .to_core = UINT32_MAX};
    b->next[m->nmsgs] = UINT32_MAX;
    return m->nmsgs++;
}

/* A message delivered at the cycle it was sent, from e->pid to the pid in
 * e->arg[2] (a notification that woke a waiter, a region moved); NULL
 * when either has no lane, or out of memory (m->oom). */
static struct tl_msg *instant_msg(struct tl_model *m, const struct trc_event *e, enum tl_kind k)
{
    struct tl_lane *from = proc_lane(m, e->pid), *to = proc_lane(m, e->arg[2]);
    if (!from || !to)
        return NULL;
    size_t i = add_msg(m, e, (size_t)(from - m->lanes), k);
    if (i == SIZE_MAX) {
        m->oom = true;
        return NULL;
    }
    m->msgs[i].to = (uint32_t)(to - m->lanes);
    m->msgs[i].received = e->cycle;
    m->msgs[i].to_core = e->core;
    from->sent++;
    to->received++;
    return &m->msgs[i];
}

/* The header the trace's message word packs (abi/events.h). */
static void msg_word(struct tl_msg *msg, uint64_t w)
{
    msg->opcode = (uint32_t)w;
    msg->len = (uint32_t)(w >> 32) & 0xffffu;
    msg->ncaps = (uint8_t)(w >> 48);
    msg->moved = (w >> 56) & 1;
}

/* Returns the queue of what lane `sender` sent on `port` and is not
 * received yet, emptied if the port was closed since; made when new and
 * `make`. NULL: none (or out of memory, with m->oom set). */
static struct queue *queue_of(struct tl_model *m, uint64_t port, size_t sender, bool make)
{
    struct build *b = m->build;
    size_t p = map_find(&b->ports, port, 0, &m->work);
    if (p == SIZE_MAX) {
        if (!make)
            return NULL;
        if (!util_grow((void **)&b->port_gen, &b->cap_ports, b->nports + 1, sizeof *b->port_gen) ||
            map_add(&b->ports, port, 0, b->nports, &m->work) != 0)
            return m->oom = true, NULL;
        p = b->nports++;
    }
    size_t q = map_find(&b->queues, p, sender, &m->work);
    if (q == SIZE_MAX) {
        if (!make)
            return NULL;
        if (!util_grow((void **)&b->queue, &b->cap_queues, b->nqueues + 1, sizeof *b->queue) ||
            map_add(&b->queues, p, sender, b->nqueues, &m->work) != 0)
            return m->oom = true, NULL;
        q = b->nqueues++;
        b->queue[q] = (struct queue){UINT32_MAX, UINT32_MAX, b->port_gen[p], UINT32_MAX};
    }
    struct queue *qu = &b->queue[q];
    if (qu->gen != b->port_gen[p]) /* the port was closed since: nothing is queued */
        *qu = (struct queue){UINT32_MAX, UINT32_MAX, b->port_gen[p], UINT32_MAX};
    return qu;
}

/* Queues message `msg` (from its lane) on `port` until its receive.
 * Returns 0, or -1 when out of memory. */
static int pend(struct tl_model *m, uint64_t port, size_t msg)
{
    struct build *b = m->build;
    struct queue *q = queue_of(m, port, m->msgs[msg].from, true);
    if (!q)
        return -1;
    m->work++;
    b->next[msg] = UINT32_MAX;
    if (q->tail == UINT32_MAX)
        q->head = (uint32_t)msg;
    else
        b->next[q->tail] = (uint32_t)msg;
    q->before_tail = q->tail;
    q->tail = (uint32_t)msg;
    return 0;
}

/* A queued message of lane `sender` on `port` left the queue unreceived
 * (TRC_EV_IPC_DROP: a call whose caller gave up, which is always the last
 * thing that caller queued there): takes it off the queue, so that a later
 * receive does not pair with it (never received, it gets no arrow). O(1);
 * a drop the model cannot place (not the tail, as no real kernel trace has
 * it) changes nothing. Returns nothing. */
static void unpend_dropped(struct tl_model *m, uint64_t port, size_t sender, uint64_t word)
{
    struct build *b = m->build;
    struct queue *q = queue_of(m, port, sender, false);
    if (!q || q->tail == UINT32_MAX)
        return;
    struct tl_msg *t = &m->msgs[q->tail];
    if (t->opcode != (uint32_t)word || t->len != ((uint32_t)(word >> 32) & 0xffffu))
        return;
    t->dropped = true;
    if (q->head == q->tail) {
        q->head = q->tail = UINT32_MAX;
    } else if (q->before_tail != UINT32_MAX) {
        b->next[q->before_tail] = UINT32_MAX;
        q->tail = q->before_tail;
    } else {
        return;
    }
    q->before_tail = UINT32_MAX;
    m->work++;
}

/* Pairs a receive from `port` of a message lane `sender` sent with the
 * oldest such send; returns it or NULL. */
static struct tl_msg *unpend(struct tl_model *m, uint64_t port, size_t sender)
{
    struct build *b = m->build;
    struct queue *q = queue_of(m, port, sender, false);
    if (!q || q->head == UINT32_MAX)
        return NULL;
    m->work++;
    uint32_t i = q->head;
    q->head = b->next[i];
    if (q->head == UINT32_MAX)
        q->tail = UINT32_MAX;
    if (q->before_tail == i)
        q->before_tail = UINT32_MAX;
    return &m->msgs[i];
}

/* Forgets what was queued on `port` (closed, or made anew with an id that
 * may be reused): it is never received. Returns nothing. */
static void port_reset(struct tl_model *m, uint64_t port)
{
    struct build *b = m->build;
    size_t p = map_find(&b->ports, port, 0, &m->work);
    if (p != SIZE_MAX)
        b->port_gen[p]++;
}

/* Delivers the reply waiting for the process of lane l, if any, at `at`
 * on core `core` (returns nothing). */
static void deliver_reply(struct tl_model *m, struct tl_lane *l, uint64_t at, uint32_t core)
{
    struct build *b = m->build;
    size_t lane = (size_t)(l - m->lanes);
    if (lane >= b->cap_reply || !b->reply[lane])
        return;
    struct tl_msg *msg = &m->msgs[b->reply[lane] - 1];
    msg->to = (uint32_t)lane;
    msg->received = at;
    msg->to_core = core;
    l->received++;
    b->reply[lane] = 0;
}

/* Notes that lane `to` took a message of lane `from` at `at` (for the
 * inheritance its reply may close). Returns 0, or -1 when out of memory. */
static int note_recv(struct tl_model *m, size_t to, size_t from, uint64_t at)
{
    struct build *b = m->build;
    size_t i = map_find(&b->recvs, to, from, &m->work);
    if (i == SIZE_MAX) {
        if (!util_grow((void **)&b->recv_at, &b->cap_recvs, b->nrecvs + 1, sizeof *b->recv_at) ||
            map_add(&b->recvs, to, from, b->nrecvs, &m->work) != 0)
            return -1;
        i = b->nrecvs++;
    }
    b->recv_at[i] = at;
    return 0;
}

/* Server lane `s` replies to caller lane `c` at `at`: if it took c's call
 * and c's priority is above its own, it ran at c's priority from that
 * receive to now. Returns 0, or -1 when out of memory. */
static int note_inherit(struct tl_model *m, size_t s, size_t c, uint64_t at)
{
    struct build *b = m->build;
    struct tl_lane *sl = &m->lanes[s], *cl = &m->lanes[c];
    size_t i = map_find(&b->recvs, s, c, &m->work);
    if (i == SIZE_MAX || cl->prio <= sl->prio)
        return 0;
    if (!util_grow((void **)&m->inherits, &m->cap_inherits, m->ninherits + 1, sizeof *m->inherits))
        return -1;
    m->inherits[m->ninherits++] =
        (struct tl_inherit){b->recv_at[i], at, (uint32_t)s, (uint32_t)c, cl->prio};
    if (cl->prio > sl->inherited)
        sl->inherited = cl->prio;
    return 0;
}

int tl_add(struct tl_model *m, const struct trc_event *ev)
{
    if (!m->build && !(m->build = calloc(1, sizeof(struct build))))
        return m->oom = true, -1;
    struct build *b = m->build;
    /* cycles never go back: the model's binary searches rely on it (a
     * trace's cycle deltas can wrap around 2^64) */
    struct trc_event ec = *ev;
    const struct trc_event *e = &ec;
    if (ec.cycle < m->end)
        ec.cycle = m->end;
    struct core_rec *c = core_of(m, e->core);
    if (!c)
        return m->oom = true, -1;
    size_t klane = c->lane;
    struct tl_lane *kl = &m->lanes[klane], *l;
    m->end = e->cycle;
    if (tl_kstretch_track(m, &c->stretch, &c->kopen, klane, e) != 0)
        m->oom = true;
    int rc = 0;
    switch (e->type) {
    case TRC_EV_BOOT:
        /* the cores it counts are busy from here on: those seen so far
         * now, the others when their first event makes their lane (a
         * count is not a table size) */
        b->booted = true;
        b->boot_at = e->cycle;
        b->boot_cores = e->arg[1] ? e->arg[1] : 1;
        for (size_t k = 0; rc == 0 && k < b->ncores; k++)
            if (m->lanes[b->core[k].lane].core < b->boot_cores)
                rc = set_state(&m->lanes[b->core[k].lane], e->cycle, TL_BUSY);
        break;
    case TRC_EV_TRAP: /* the process running on this core enters the kernel */
        if ((l = proc_lane(m, c->pid)) && cur_state(l) == TL_RUNNING)
            rc = set_state(l, e->cycle, TL_KERNEL);
        break;
    case TRC_EV_USER_ENTER: /* ... and leaves it */
        b->user_enter = true;
        /* the process runs on this core from here, whether or not a switch
         * came before: a core that idled waiting for it (its answer came
         * from another core) resumes it without one */
        if (e->pid)
            c->pid = e->pid;
        if ((l = proc_lane(m, e->pid)) && (cur_state(l) == TL_KERNEL || cur_state(l) == TL_READY)) {
            rc = set_state(l, e->cycle, TL_RUNNING);
            if (rc == 0)
                rc = tl_lane_note_core(l, e->cycle, e->core);
        }
        break;
    case TRC_EV_PROC_CREATE:
        if (e->pid && !proc_lane(m, e->pid)) {
            l = new_proc_lane(m, e);
            rc = l ? set_state(l, e->cycle, TL_READY) : -1;
        }
        break;
    case TRC_EV_PROC_EXIT:
    case TRC_EV_PROC_FAULT:
        if ((l = proc_lane(m, e->pid))) {
            rc = set_state(l, e->cycle, TL_ABSENT);
            if (rc == 0)
                rc = add_mark(m, e->cycle, (size_t)(l - m->lanes),
                              e->type == TRC_EV_PROC_EXIT ? TL_MARK_EXIT : TL_MARK_FAULT);
        }
        break;
    case TRC_EV_SCHED_SWITCH: {
        if ((l = proc_lane(m, e->arg[0])) &&
            (cur_state(l) == TL_RUNNING || cur_state(l) == TL_KERNEL))
            rc = set_state(l, e->cycle, TL_READY);
        c->pid = e->pid;
        /* switched to in the kernel: it runs in user mode from its user.enter */
        if (rc == 0 && (l = proc_lane(m, e->pid))) {
            rc = set_state(l, e->cycle, TL_KERNEL);
            if (rc == 0)
                rc = tl_lane_note_core(l, e->cycle, e->core);
            deliver_reply(m, l, e->cycle, e->core);
        }
        if (rc == 0)
            rc = set_state(kl, e->cycle, e->pid ? TL_BUSY : TL_IDLE);
        if (rc == 0 && e->arg[1] == TRC_SWITCH_HANDOFF)
            rc = add_mark(m, e->cycle, klane, TL_MARK_HANDOFF);
        break;
    }
    case TRC_EV_PORT_CREATE:
    case TRC_EV_PORT_CLOSE:
        /* what was still queued is never received; a new port may reuse
         * the id */
        port_reset(m, e->arg[0]);
        break;
    case TRC_EV_IPC_BLOCK:
        if ((l = proc_lane(m, e->pid)) && cur_state(l) != TL_ABSENT)
            rc = set_state(l, e->cycle, TL_BLOCKED);
        break;
    case TRC_EV_IPC_WAKE:
        if ((l = proc_lane(m, e->pid)) && cur_state(l) == TL_BLOCKED)
            rc = set_state(l, e->cycle, TL_READY);
        if (rc == 0 && l && (int32_t)e->arg[1] == TL_WAKE_TIMEOUT)
            rc = add_mark(m, e->cycle, (size_t)(l - m->lanes), TL_MARK_TIMEOUT);
        break;
    case TRC_EV_TIMER_IRQ:
        rc = add_mark(m, e->cycle, klane, TL_MARK_TIMER);
        break;
    case TRC_EV_CAP_LOOKUP:
        rc = add_mark(m, e->cycle, klane, e->arg[1] ? TL_MARK_CAP_HIT : TL_MARK_CAP_MISS);
        break;
    case TRC_EV_IPC_SEND:
        if ((int32_t)e->arg[3] != 0 && (l = proc_lane(m, e->pid)))
            rc = add_mark(m, e->cycle, (size_t)(l - m->lanes), TL_MARK_REFUSED);
        if ((int32_t)e->arg[3] == 0 && (l = proc_lane(m, e->pid))) {
            size_t from = (size_t)(l - m->lanes);
            enum tl_kind k = e->arg[2] == TRC_IPC_FAST     ? TL_FAST
                             : e->arg[2] == TRC_IPC_QUEUED ? TL_ASYNC
                                                           : TL_SLOW;
            size_t i = add_msg(m, e, from, k);
            if (i == SIZE_MAX)
                return m->oom = true, -1;
            m->msgs[i].port = (uint32_t)e->arg[0];
            msg_word(&m->msgs[i], e->arg[1]);
            l->sent++;
            rc = pend(m, e->arg[0], i);
        }
        break;
    case TRC_EV_IPC_DROP:
        if ((l = proc_lane(m, e->pid))) {
            unpend_dropped(m, e->arg[0], (size_t)(l - m->lanes), e->arg[1]);
            rc = add_mark(m, e->cycle, (size_t)(l - m->lanes), TL_MARK_DROP);
        }
        break;
    case TRC_EV_IPC_RECV:
        if ((int32_t)e->arg[3] == 0 && (l = proc_lane(m, e->pid))) {
            size_t to = (size_t)(l - m->lanes);
            struct tl_lane *sl = proc_lane(m, e->arg[3] >> 32);
            struct tl_msg *msg = sl ? unpend(m, e->arg[0], (size_t)(sl - m->lanes)) : NULL;
            if (msg) {
                msg->to = (uint32_t)to;
                msg->received = e->cycle;
                msg->to_core = e->core;
                m->lanes[to].received++;
            }
            if (sl)
                rc = note_recv(m, to, (size_t)(sl - m->lanes), e->cycle);
        }
        break;
    case TRC_EV_IPC_REPLY: {
        struct tl_lane *cl = proc_lane(m, e->arg[0]);
        if ((int32_t)e->arg[3] != 0 && (l = proc_lane(m, e->pid)))
            rc = add_mark(m, e->cycle, (size_t)(l - m->lanes), TL_MARK_REFUSED);
        if ((int32_t)e->arg[3] == 0 && (l = proc_lane(m, e->pid)) && cl) {
            size_t caller = (size_t)(cl - m->lanes);
            size_t i = add_msg(m, e, (size_t)(l - m->lanes),
                               e->arg[2] == TRC_IPC_FAST ? TL_FAST : TL_SLOW);
            if (i == SIZE_MAX ||
                !util_grow((void **)&b->reply, &b->cap_reply, caller + 1, sizeof *b->reply))
                return m->oom = true, -1;
            m->msgs[i].reply = true;
            msg_word(&m->msgs[i], e->arg[1]);
            l->sent++;
            b->reply[caller] = i + 1;
            rc = note_inherit(m, (size_t)(l - m->lanes), caller, e->cycle);
        }
        break;
    }
    case TRC_EV_NOTIFY: { /* a2: the waiter it woke (0: none, no arrow) */
        struct tl_msg *msg = e->arg[2] ? instant_msg(m, e, TL_NOTIFY) : NULL;
        if (msg)
            msg->opcode = (uint32_t)e->arg[1]; /* the bits */
        else if (!e->arg[2] && (l = proc_lane(m, e->pid)))
            rc = add_mark(m, e->cycle, (size_t)(l - m->lanes), TL_MARK_SIGNAL_KEPT);
        break;
    }
    case TRC_EV_IPI: { /* from this core's kernel lane to the target's */
        struct core_rec *t = e->arg[1] <= UINT32_MAX ? core_of(m, (uint32_t)e->arg[1]) : NULL;
        size_t i = t ? add_msg(m, e, klane, TL_IPI) : SIZE_MAX;
        if (t && i == SIZE_MAX)
            return m->oom = true, -1;
        if (t) {
            m->msgs[i].to = (uint32_t)t->lane;
            m->msgs[i].received = e->cycle;
            m->msgs[i].to_core = (uint32_t)e->arg[1];
            m->msgs[i].opcode = (uint32_t)e->arg[2]; /* the line */
            m->lanes[klane].sent++;
            m->lanes[t->lane].received++;
            m->ipis++;
        }
        break;
    }
    case TRC_EV_REGION: { /* a move: a2 is the receiving pid */
        struct tl_msg *msg = e->arg[3] == TRC_REGION_MOVE ? instant_msg(m, e, TL_REGION) : NULL;
        if (msg)
            msg->port = (uint32_t)e->arg[0]; /* the region */
        break;
    }
    default:
        break;
    }
    m->events++;
    if (rc != 0)
        m->oom = true;
    return m->oom ? -1 : 0;
}

/* A trace without user.enter events does not say when the kernel left:
 * its processes' kernel stretches become running (returns nothing). */
static void merge_kernel_into_running(struct tl_model *m)
{
    for (size_t i = 0; i < m->nlanes; i++) {
        struct tl_lane *l = &m->lanes[i];
        size_t k = 0;
        for (size_t j = 0; j < l->n; j++) {
            uint8_t s = l->state[j] == TL_KERNEL ? TL_RUNNING : l->state[j];
            if (k && l->state[k - 1] == s)
                continue;
            l->at[k] = l->at[j];
            l->state[k++] = s;
        }
        l->n = k;
    }
}

/* Adds a TL_MARK_UNDELIVERED at the send of each message never received
 * and not dropped, keeping the marks sorted (both lists are: a merge).
 * Returns 0 or -1 (out of memory). */
static int mark_undelivered(struct tl_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nmsgs; i++)
        n += m->msgs[i].to == UINT32_MAX && !m->msgs[i].dropped;
    if (!n)
        return 0;
    struct tl_mark *all = malloc((m->nmarks + n) * sizeof *all);
    if (!all)
        return -1;
    size_t a = 0, k = 0;
    for (size_t i = 0; i < m->nmsgs; i++) {
        const struct tl_msg *g = &m->msgs[i];
        if (g->to != UINT32_MAX || g->dropped)
            continue;
        while (a < m->nmarks && m->marks[a].at <= g->sent)
            all[k++] = m->marks[a++];
        all[k++] = (struct tl_mark){g->sent, g->from, TL_MARK_UNDELIVERED};
    }
    while (a < m->nmarks)
        all[k++] = m->marks[a++];
    free(m->marks);
    m->marks = all;
    m->nmarks = m->cap_marks = k;
    return 0;
}

int tl_finish(struct tl_model *m, uint64_t end)
{
    if (end > m->end)
        m->end = end;
    if (m->build && !((struct build *)m->build)->user_enter)
        merge_kernel_into_running(m);
    /* messages never received (still queued at the end, or their port
     * closed) have no arrow, and a mark at their send unless dropped */
    if (mark_undelivered(m) != 0)
        return m->oom = true, -1;
    size_t k = 0;
    for (size_t i = 0; i < m->nmsgs; i++)
        if (m->msgs[i].to != UINT32_MAX)
            m->msgs[k++] = m->msgs[i];
    m->nmsgs = k;
    for (int kind = 0; kind < TL_MARK_COUNT; kind++) {
        size_t n = 0;
        for (size_t i = 0; i < m->nmarks; i++)
            n += m->marks[i].kind == kind;
        free(m->mark_at[kind]);
        free(m->mark_lane[kind]);
        m->mark_at[kind] = malloc((n ? n : 1) * sizeof *m->mark_at[kind]);
        m->mark_lane[kind] = malloc((n ? n : 1) * sizeof *m->mark_lane[kind]);
        if (!m->mark_at[kind] || !m->mark_lane[kind])
            return m->oom = true, -1;
        m->nmark_at[kind] = 0;
    }
    for (size_t i = 0; i < m->nmarks; i++) {
        int kind = m->marks[i].kind;
        m->mark_lane[kind][m->nmark_at[kind]] = m->marks[i].lane;
        m->mark_at[kind][m->nmark_at[kind]++] = m->marks[i].at;
    }
    build_free(m->build);
    m->build = NULL;
    return m->oom ? -1 : 0;
}

static int load_event(void *arg, const struct trc_event *e)
{
    return tl_add(arg, e);
}

int tl_load(const char *path, struct tl_model *m, char *err, size_t n)
{
    tl_init(m);
    struct trc_file_meta meta;
    struct trc_file_sink sink = {load_event, NULL, m};
    if (trc_file_scan(path, &meta, &sink, err, n) != 0) {
        tl_free(m);
        return -1;
    }
    int rc = tl_finish(m, meta.cycles);
    trc_file_meta_free(&meta);
    if (rc != 0) {
        snprintf(err, n, "%s: out of memory", path);
        tl_free(m);
    }
    return rc;
}

size_t tl_lane_seek(const struct tl_lane *l, size_t hint, uint64_t t)
{
    size_t lo = 0, hi = l->n;
    if (hint <= l->n && (hint == 0 || l->at[hint - 1] <= t)) {
        /* gallop forward from the hint */
        lo = hint;
        size_t step = 1;
        hi = hint;
        while (hi < l->n && l->at[hi] <= t) {
            lo = hi + 1;
            hi += step;
            step *= 2;
        }
        if (hi > l->n)
            hi = l->n;
    }
    while (lo < hi) { /* the first change after t */
        size_t mid = lo + (hi - lo) / 2;
        if (l->at[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

enum tl_state tl_state_at(const struct tl_lane *l, uint64_t cycle, uint64_t *next)
{
    size_t k = tl_lane_seek(l, 0, cycle);
    if (next)
        *next = k < l->n ? l->at[k] : UINT64_MAX;
    return k ? (enum tl_state)l->state[k - 1] : TL_ABSENT;
}

/* The index of the first of n items, `stride` bytes apart and sorted by
 * the cycle `offset` bytes into each, whose cycle is at or after `cycle`. */
static size_t lower_bound(const void *items, size_t n, size_t stride, size_t offset, uint64_t cycle)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t at;
        memcpy(&at, (const char *)items + mid * stride + offset, sizeof at);
        if (at < cycle)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t tl_msg_at(const struct tl_model *m, uint64_t cycle)
{
    return lower_bound(m->msgs, m->nmsgs, sizeof *m->msgs, offsetof(struct tl_msg, sent), cycle);
}

size_t tl_mark_count(const struct tl_model *m, enum tl_mark_kind kind, uint64_t t0, uint64_t t1)
{
    if ((unsigned)kind >= TL_MARK_COUNT || t1 <= t0)
        return 0;
    const uint64_t *v = m->mark_at[kind];
    size_t n = m->nmark_at[kind];
    return lower_bound(v, n, sizeof *v, 0, t1) - lower_bound(v, n, sizeof *v, 0, t0);
}

size_t tl_mark_kind_at(const struct tl_model *m, enum tl_mark_kind kind, uint64_t cycle)
{
    if ((unsigned)kind >= TL_MARK_COUNT)
        return 0;
    return lower_bound(m->mark_at[kind], m->nmark_at[kind], sizeof(uint64_t), 0, cycle);
}

size_t tl_inherit_at(const struct tl_model *m, uint64_t cycle)
{
    return lower_bound(m->inherits, m->ninherits, sizeof *m->inherits,
                       offsetof(struct tl_inherit, to), cycle);
}

size_t tl_mark_at(const struct tl_model *m, uint64_t cycle)
{
    return lower_bound(m->marks, m->nmarks, sizeof *m->marks, offsetof(struct tl_mark, at), cycle);
}

size_t tl_lane_of(const struct tl_model *m, uint32_t pid)
{
    for (size_t i = 0; i < m->nlanes; i++)
        if (m->lanes[i].pid == pid && pid)
            return i;
    return SIZE_MAX;
}

const char *tl_state_name(enum tl_state s)
{
    static const char *const names[TL_STATE_COUNT] = {"absent", "ready", "running", "blocked",
                                                      "idle",   "busy",  "kernel"};
    return (unsigned)s < TL_STATE_COUNT ? names[s] : "?";
}

const char *tl_kind_name(enum tl_kind k)
{
    static const char *const names[TL_KIND_COUNT] = {
        "fast path", "slow path", "asynchronous", "notification", "region transfer", "IPI"};
    return (unsigned)k < TL_KIND_COUNT ? names[k] : "?";
}

const char *tl_mark_name(enum tl_mark_kind k)
{
    static const char *const names[TL_MARK_COUNT] = {"capability-cache hit",
                                                     "capability-cache miss",
                                                     "scheduler handoff",
                                                     "exit",
                                                     "killed",
                                                     "timer interrupt",
                                                     "timeout",
                                                     "message dropped",
                                                     "refused",
                                                     "never delivered",
                                                     "signal kept (no waiter)"};
    return (unsigned)k < TL_MARK_COUNT ? names[k] : "?";
}
