/* ui/timeline.c: the timeline's model, built from a run's events (see
 * timeline.h). One pass over the events, in order; the pairing state
 * (which sends wait for their receive, which replies for their caller)
 * lives in struct build until tl_finish. */
#include "ui/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/tracefile.h"

/* Messages sent on one port and not received yet, oldest first. */
struct pending {
    size_t *msg; /* indices into m->msgs */
    size_t n, cap;
};

struct build {
    size_t *lane_of_pid; /* pid -> lane + 1 (0: none) */
    size_t npids;
    struct pending *ports; /* by port id */
    size_t nports;
    size_t *reply_of_pid; /* caller pid -> its reply message + 1, delivered when it runs */
    size_t nreply;
    size_t *core_lane; /* per core: its kernel lane */
    uint64_t *trap_at; /* per core: the last trap entry */
    uint64_t *sys_at;  /* ... system-call dispatch */
    uint64_t *look_at; /* ... capability lookup */
    size_t ncores;
};

/* Grows *p (of *cap items of `size` bytes) to hold `need`; false when out
 * of memory. */
static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    memset((char *)q + *cap * size, 0, (n - *cap) * size);
    *p = q;
    *cap = n;
    return true;
}

void tl_init(struct tl_model *m)
{
    memset(m, 0, sizeof *m);
}

static void build_free(struct build *b)
{
    if (!b)
        return;
    free(b->lane_of_pid);
    for (size_t i = 0; i < b->nports; i++)
        free(b->ports[i].msg);
    free(b->ports);
    free(b->reply_of_pid);
    free(b->core_lane);
    free(b->trap_at);
    free(b->sys_at);
    free(b->look_at);
    free(b);
}

void tl_free(struct tl_model *m)
{
    for (size_t i = 0; i < m->nlanes; i++) {
        free(m->lanes[i].at);
        free(m->lanes[i].state);
    }
    free(m->lanes);
    free(m->msgs);
    free(m->marks);
    for (int k = 0; k < TL_MARK_COUNT; k++)
        free(m->mark_at[k]);
    build_free(m->build);
    memset(m, 0, sizeof *m);
}

/* Sets lane l's state from `at` on. */
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

static enum tl_state cur_state(const struct tl_lane *l)
{
    return l->n ? (enum tl_state)l->state[l->n - 1] : TL_ABSENT;
}

#define TL_MAX_CORES 64

/* The kernel lane of `core`, made (with those of the cores below it) when
 * new. A trace's first event is its boot record, which names every core,
 * so kernel lanes normally come first. */
static struct tl_lane *core_lane(struct tl_model *m, uint32_t core)
{
    struct build *b = m->build;
    if (core >= TL_MAX_CORES)
        core = TL_MAX_CORES - 1; /* a bad core number in a trace: one lane for the rest */
    if (!b->core_lane && (!(b->core_lane = calloc(TL_MAX_CORES, sizeof *b->core_lane)) ||
                          !(b->trap_at = calloc(TL_MAX_CORES, sizeof *b->trap_at)) ||
                          !(b->sys_at = calloc(TL_MAX_CORES, sizeof *b->sys_at)) ||
                          !(b->look_at = calloc(TL_MAX_CORES, sizeof *b->look_at))))
        return NULL;
    while (b->ncores <= core) {
        if (!grow((void **)&m->lanes, &m->cap_lanes, m->nlanes + 1, sizeof *m->lanes))
            return NULL;
        struct tl_lane *l = &m->lanes[m->nlanes];
        memset(l, 0, sizeof *l);
        l->core = (uint32_t)b->ncores;
        snprintf(l->name, sizeof l->name, "kernel core %zu", b->ncores);
        b->core_lane[b->ncores++] = m->nlanes++;
    }
    return &m->lanes[b->core_lane[core]];
}

/* The lane of process `pid` (NULL: none yet). */
static struct tl_lane *proc_lane(struct tl_model *m, uint32_t pid)
{
    struct build *b = m->build;
    return pid < b->npids && b->lane_of_pid[pid] ? &m->lanes[b->lane_of_pid[pid] - 1] : NULL;
}

static struct tl_lane *new_proc_lane(struct tl_model *m, const struct trc_event *e)
{
    struct build *b = m->build;
    if (!grow((void **)&b->lane_of_pid, &b->npids, (size_t)e->pid + 1, sizeof *b->lane_of_pid) ||
        !grow((void **)&m->lanes, &m->cap_lanes, m->nlanes + 1, sizeof *m->lanes))
        return NULL;
    struct tl_lane *l = &m->lanes[m->nlanes];
    memset(l, 0, sizeof *l);
    l->pid = e->pid;
    char name[TRC_NAME_MAX + 1] = {0};
    for (int i = 0; i < TRC_NAME_MAX; i++)
        name[i] = (char)(e->arg[1 + i / 8] >> (8 * (i % 8)));
    for (int i = 0; i < TRC_NAME_MAX; i++)
        if ((unsigned char)name[i] < 32 || (unsigned char)name[i] > 126)
            name[i] = name[i] ? '?' : '\0';
    snprintf(l->name, sizeof l->name, "%s", name[0] ? name : "?");
    b->lane_of_pid[e->pid] = ++m->nlanes;
    return l;
}

static int add_mark(struct tl_model *m, uint64_t at, size_t lane, enum tl_mark_kind kind)
{
    if (!grow((void **)&m->marks, &m->cap_marks, m->nmarks + 1, sizeof *m->marks))
        return -1;
    m->marks[m->nmarks++] = (struct tl_mark){at, (uint32_t)lane, (uint8_t)kind};
    return 0;
}

/* A new message from lane `from`; returns its index or SIZE_MAX. */
static size_t add_msg(struct tl_model *m, const struct trc_event *e, size_t from, enum tl_kind k)
{
    if (!grow((void **)&m->msgs, &m->cap_msgs, m->nmsgs + 1, sizeof *m->msgs))
        return SIZE_MAX;
    struct build *b = m->build;
    uint32_t core = e->core < TL_MAX_CORES ? e->core : TL_MAX_CORES - 1;
    m->msgs[m->nmsgs] = (struct tl_msg){.sent = e->cycle,
                                        .from = (uint32_t)from,
                                        .to = UINT32_MAX,
                                        .kind = (uint8_t)k,
                                        .ev = m->events,
                                        .span_from = b->trap_at[core]};
    /* the dispatch and lookup of this system call (after its trap) */
    struct tl_msg *msg = &m->msgs[m->nmsgs];
    if (b->sys_at[core] >= msg->span_from)
        msg->syscall_at = b->sys_at[core];
    if (b->look_at[core] >= msg->span_from && b->look_at[core] >= msg->syscall_at)
        msg->lookup_at = b->look_at[core];
    return m->nmsgs++;
}

/* A message delivered at the cycle it was sent, from e->pid to the pid in
 * e->arg[2] (a notification that woke a waiter, a region moved); NULL
 * when either has no lane, or out of memory (m->oom). */
static struct tl_msg *instant_msg(struct tl_model *m, const struct trc_event *e, enum tl_kind k)
{
    struct tl_lane *from = proc_lane(m, e->pid), *to = proc_lane(m, (uint32_t)e->arg[2]);
    if (!from || !to)
        return NULL;
    size_t i = add_msg(m, e, (size_t)(from - m->lanes), k);
    if (i == SIZE_MAX) {
        m->oom = true;
        return NULL;
    }
    m->msgs[i].to = (uint32_t)(to - m->lanes);
    m->msgs[i].received = e->cycle;
    from->sent++;
    to->received++;
    return &m->msgs[i];
}

/* The header the trace's message word packs (tracer/events.h). */
static void msg_word(struct tl_msg *msg, uint64_t w)
{
    msg->opcode = (uint32_t)w;
    msg->len = (uint32_t)(w >> 32) & 0xffffu;
    msg->ncaps = (uint8_t)(w >> 48);
    msg->moved = (w >> 56) & 1;
}

static int pend(struct tl_model *m, uint32_t port, size_t msg)
{
    struct build *b = m->build;
    if (port > (1u << 20))
        return 0; /* not a port id this kernel makes: not paired */
    if (!grow((void **)&b->ports, &b->nports, (size_t)port + 1, sizeof *b->ports))
        return -1;
    struct pending *p = &b->ports[port];
    if (!grow((void **)&p->msg, &p->cap, p->n + 1, sizeof *p->msg))
        return -1;
    p->msg[p->n++] = msg;
    return 0;
}

/* Pairs a receive from `port` of a message `sender` sent with the oldest
 * such send; returns it or NULL. */
static struct tl_msg *unpend(struct tl_model *m, uint32_t port, size_t sender_lane)
{
    struct build *b = m->build;
    if (port >= b->nports)
        return NULL;
    struct pending *p = &b->ports[port];
    for (size_t i = 0; i < p->n; i++) {
        struct tl_msg *msg = &m->msgs[p->msg[i]];
        if (msg->from != sender_lane)
            continue;
        memmove(&p->msg[i], &p->msg[i + 1], (p->n - i - 1) * sizeof *p->msg);
        p->n--;
        return msg;
    }
    return NULL;
}

/* Delivers the reply waiting for `pid`, if any, at `at`. */
static void deliver_reply(struct tl_model *m, uint32_t pid, uint64_t at)
{
    struct build *b = m->build;
    if (pid >= b->nreply || !b->reply_of_pid[pid])
        return;
    struct tl_msg *msg = &m->msgs[b->reply_of_pid[pid] - 1];
    size_t lane = b->lane_of_pid[pid] - 1;
    msg->to = (uint32_t)lane;
    msg->received = at;
    m->lanes[lane].received++;
    b->reply_of_pid[pid] = 0;
}

int tl_add(struct tl_model *m, const struct trc_event *e)
{
    if (!m->build && !(m->build = calloc(1, sizeof(struct build))))
        return m->oom = true, -1;
    struct build *b = m->build;
    struct tl_lane *kl = core_lane(m, e->core), *l;
    if (!kl)
        return m->oom = true, -1;
    size_t klane = (size_t)(kl - m->lanes);
    if (e->cycle > m->end)
        m->end = e->cycle;
    int rc = 0;
    switch (e->type) {
    case TRC_EV_BOOT:
        rc = core_lane(m, e->arg[1] ? (uint32_t)e->arg[1] - 1 : 0) ? 0 : -1;
        for (size_t c = 0; rc == 0 && c < b->ncores; c++)
            rc = set_state(&m->lanes[b->core_lane[c]], e->cycle, TL_BUSY);
        break;
    case TRC_EV_TRAP:
        b->trap_at[kl->core] = e->cycle;
        break;
    case TRC_EV_SYSCALL:
        b->sys_at[kl->core] = e->cycle;
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
        uint32_t from = (uint32_t)e->arg[0];
        if ((l = proc_lane(m, from)) && cur_state(l) == TL_RUNNING)
            rc = set_state(l, e->cycle, TL_READY);
        if (rc == 0 && (l = proc_lane(m, e->pid)))
            rc = set_state(l, e->cycle, TL_RUNNING);
        if (rc == 0)
            rc = set_state(kl, e->cycle, e->pid ? TL_BUSY : TL_IDLE);
        if (rc == 0 && e->arg[1] == TRC_SWITCH_HANDOFF)
            rc = add_mark(m, e->cycle, klane, TL_MARK_HANDOFF);
        if (e->pid)
            deliver_reply(m, e->pid, e->cycle);
        break;
    }
    case TRC_EV_PORT_CREATE:
    case TRC_EV_PORT_CLOSE:
        /* what was still queued is never received; a new port may reuse
         * the id */
        if (e->arg[0] < b->nports)
            b->ports[e->arg[0]].n = 0;
        break;
    case TRC_EV_IPC_BLOCK:
        if ((l = proc_lane(m, e->pid)) && cur_state(l) != TL_ABSENT)
            rc = set_state(l, e->cycle, TL_BLOCKED);
        break;
    case TRC_EV_IPC_WAKE:
        if ((l = proc_lane(m, e->pid)) && cur_state(l) == TL_BLOCKED)
            rc = set_state(l, e->cycle, TL_READY);
        break;
    case TRC_EV_CAP_LOOKUP:
        b->look_at[kl->core] = e->cycle;
        rc = add_mark(m, e->cycle, klane, e->arg[1] ? TL_MARK_CAP_HIT : TL_MARK_CAP_MISS);
        break;
    case TRC_EV_IPC_SEND:
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
            rc = pend(m, (uint32_t)e->arg[0], i);
        }
        break;
    case TRC_EV_IPC_RECV:
        if ((int32_t)e->arg[3] == 0 && (l = proc_lane(m, e->pid))) {
            struct tl_lane *sl = proc_lane(m, (uint32_t)(e->arg[3] >> 32));
            struct tl_msg *msg =
                sl ? unpend(m, (uint32_t)e->arg[0], (size_t)(sl - m->lanes)) : NULL;
            if (msg) {
                msg->to = (uint32_t)(l - m->lanes);
                msg->received = e->cycle;
                l->received++;
            }
        }
        break;
    case TRC_EV_IPC_REPLY:
        if ((int32_t)e->arg[3] == 0 && (l = proc_lane(m, e->pid)) &&
            proc_lane(m, (uint32_t)e->arg[0])) {
            uint32_t caller = (uint32_t)e->arg[0];
            size_t i = add_msg(m, e, (size_t)(l - m->lanes),
                               e->arg[2] == TRC_IPC_FAST ? TL_FAST : TL_SLOW);
            if (i == SIZE_MAX || !grow((void **)&b->reply_of_pid, &b->nreply, (size_t)caller + 1,
                                       sizeof *b->reply_of_pid))
                return m->oom = true, -1;
            m->msgs[i].reply = true;
            msg_word(&m->msgs[i], e->arg[1]);
            l->sent++;
            b->reply_of_pid[caller] = i + 1;
        }
        break;
    case TRC_EV_NOTIFY: { /* a2: the waiter it woke (0: none, no arrow) */
        struct tl_msg *msg = e->arg[2] ? instant_msg(m, e, TL_NOTIFY) : NULL;
        if (msg)
            msg->opcode = (uint32_t)e->arg[1]; /* the bits */
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

int tl_finish(struct tl_model *m, uint64_t end)
{
    if (end > m->end)
        m->end = end;
    /* messages never received (still queued at the end) have no arrow */
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
        m->mark_at[kind] = malloc((n ? n : 1) * sizeof *m->mark_at[kind]);
        if (!m->mark_at[kind])
            return m->oom = true, -1;
        m->nmark_at[kind] = 0;
    }
    for (size_t i = 0; i < m->nmarks; i++) {
        int kind = m->marks[i].kind;
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
    static const char *const names[TL_STATE_COUNT] = {"absent",  "ready", "running",
                                                      "blocked", "idle",  "busy"};
    return (unsigned)s < TL_STATE_COUNT ? names[s] : "?";
}

const char *tl_kind_name(enum tl_kind k)
{
    static const char *const names[TL_KIND_COUNT] = {"fast path", "slow path", "asynchronous",
                                                     "notification", "region transfer"};
    return (unsigned)k < TL_KIND_COUNT ? names[k] : "?";
}

const char *tl_mark_name(enum tl_mark_kind k)
{
    static const char *const names[TL_MARK_COUNT] = {
        "capability-cache hit", "capability-cache miss", "scheduler handoff", "exit", "killed"};
    return (unsigned)k < TL_MARK_COUNT ? names[k] : "?";
}
