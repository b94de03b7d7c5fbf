/* tracer/trace.c: the run's event log and content hash (see trace.h). */
#include "tracer/trace.h"
#include "abi/kphases.h"

#include "util/grow.h"
#include "util/hostfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Port ids at or above this are not followed (the kernel's are small). */
#define PORT_ID_LIMIT (1u << 20)

void trc_log_init(struct trc_log *log)
{
    memset(log, 0, sizeof *log);
    log->hash = HF_FNV_INIT;
}

void trc_log_free(struct trc_log *log)
{
    free(log->ev);
    free(log->console);
    free(log->procs);
    trc_pidmap_free(&log->proc_index);
    trc_pidmap_free(&log->port_owner);
    trc_path_free(log);
    memset(log, 0, sizeof *log);
}

enum trc_err trc_log_attach_attribution(struct trc_log *log, const uint64_t *counters, size_t n)
{
    for (int i = 0; i < TRC_PATH_COUNT; i++)
        if (!(log->path_attr[i] = calloc(n ? n : 1, sizeof *log->path_attr[i])))
            return TRC_ERR_NOMEM;
    log->attr = counters;
    log->nattr = n;
    return TRC_OK;
}

/* Folds `n` bytes into the running hash. */
static void hash_bytes(struct trc_log *log, const uint8_t *p, size_t n)
{
    log->hash = hf_fnv1a(p, n, log->hash);
}

/* Folds a 64-bit value into the hash, little-endian whatever the host. */
static void hash_u64(struct trc_log *log, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    hash_bytes(log, b, 8);
}

/* ---- the pid map (see trace.h) ------------------------------------------ */

#define REF_LEAF(i) (((uint32_t)(i) << 1) | 1u)
#define REF_NODE(i) ((uint32_t)(i) << 1)
#define REF_IS_LEAF(r) ((r)&1u)
#define REF_INDEX(r) ((r) >> 1)
/* References hold an index in 31 bits. */
#define PIDMAP_MAX ((size_t)1 << 31)

/* Returns the leaf the walk for `key` ends at (the only leaf that can hold
 * it); the map must not be empty. */
static const struct trc_pidmap_leaf *pidmap_walk(const struct trc_pidmap *m, uint32_t key)
{
    uint32_t r = m->root;
    while (!REF_IS_LEAF(r)) {
        const struct trc_pidmap_node *n = &m->node[REF_INDEX(r)];
        r = n->child[(key >> n->bit) & 1u];
    }
    return &m->leaf[REF_INDEX(r)];
}

bool trc_pidmap_get(const struct trc_pidmap *m, uint32_t key, uint32_t *value)
{
    if (m->nleaf == 0)
        return false;
    const struct trc_pidmap_leaf *l = pidmap_walk(m, key);
    if (l->key != key)
        return false;
    *value = l->value;
    return true;
}

/* Grows *p (element size `size`, capacity *cap) to hold at least `n`;
 * returns false when out of memory. */
static bool reserve(void **p, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < n)
        nc *= 2;
    void *q = realloc(*p, nc * size);
    if (!q)
        return false;
    *p = q;
    *cap = nc;
    return true;
}

bool trc_pidmap_put(struct trc_pidmap *m, uint32_t key, uint32_t value)
{
    if (m->nleaf == 0) {
        if (!reserve((void **)&m->leaf, &m->cap_leaf, 1, sizeof *m->leaf))
            return false;
        m->leaf[0] = (struct trc_pidmap_leaf){key, value};
        m->nleaf = 1;
        m->root = REF_LEAF(0);
        return true;
    }
    struct trc_pidmap_leaf *near = (struct trc_pidmap_leaf *)pidmap_walk(m, key);
    if (near->key == key) {
        near->value = value;
        return true;
    }
    /* the highest bit where the new key differs from its nearest one */
    uint32_t diff = near->key ^ key, bit = 31;
    while (!((diff >> bit) & 1u))
        bit--;
    if (m->nleaf >= PIDMAP_MAX ||
        !reserve((void **)&m->leaf, &m->cap_leaf, m->nleaf + 1, sizeof *m->leaf) ||
        !reserve((void **)&m->node, &m->cap_node, m->nleaf, sizeof *m->node))
        return false;
    size_t li = m->nleaf++, ni = li - 1; /* n leaves, n - 1 nodes */
    m->leaf[li] = (struct trc_pidmap_leaf){key, value};
    /* the new node goes above the first node testing a lower bit */
    uint32_t *at = &m->root;
    while (!REF_IS_LEAF(*at) && m->node[REF_INDEX(*at)].bit > bit) {
        struct trc_pidmap_node *n = &m->node[REF_INDEX(*at)];
        at = &n->child[(key >> n->bit) & 1u];
    }
    uint32_t side = (key >> bit) & 1u;
    m->node[ni].bit = bit;
    m->node[ni].child[side] = REF_LEAF(li);
    m->node[ni].child[!side] = *at;
    *at = REF_NODE(ni);
    return true;
}

void trc_pidmap_free(struct trc_pidmap *m)
{
    free(m->node);
    free(m->leaf);
    memset(m, 0, sizeof *m);
}

/* ---- processes ----------------------------------------------------------- */

/* Returns the process `pid`, or NULL. */
static struct trc_proc *proc_find(struct trc_log *log, uint32_t pid)
{
    uint32_t i;
    if (!trc_pidmap_get(&log->proc_index, pid, &i) || i >= log->nprocs)
        return NULL;
    return &log->procs[i];
}

/* Returns the core an event counts for (core 0 past TRC_MAX_CORES). */
static unsigned core_of(const struct trc_event *e)
{
    return e->core < TRC_MAX_CORES ? e->core : 0;
}

/* Sets the pid running on core k (log->running mirrors core 0's). */
static void set_running(struct trc_log *log, unsigned k, uint32_t pid)
{
    log->core_running[k] = pid;
    if (k == 0)
        log->running = pid;
}

/* Returns the core pid runs on now, or -1 when it runs on none. */
static int running_on(const struct trc_log *log, uint32_t pid)
{
    for (unsigned k = 0; pid && k < TRC_MAX_CORES; k++)
        if (log->core_running[k] == pid)
            return (int)k;
    return -1;
}

/* Charges the process running on core k up to `cycle` and marks it not
 * running; a blocked one stays blocked (returns nothing). */
static void proc_switch_out(struct trc_log *log, unsigned k, uint64_t cycle)
{
    struct trc_proc *p = proc_find(log, log->core_running[k]);
    if (p) {
        p->cycles += cycle - p->switched_in;
        if (p->state == TRC_PROC_RUNNING)
            p->state = TRC_PROC_READY;
    }
    set_running(log, k, 0);
}

/* Returns the result an IPC event carries in `a3`: its low 32 bits as int32
 * (0, or a negative ipc_err whether the kernel sign- or zero-extended it). */
static int32_t ipc_result(uint64_t a3)
{
    return (int32_t)(uint32_t)(a3 & 0xffffffffu);
}

/* Counts the IPC and capability-cache event `e` into the run's totals and
 * its process's message counts (returns nothing). */
static void ipc_track(struct trc_log *log, const struct trc_event *e)
{
    struct trc_proc *p = proc_find(log, e->pid);
    int32_t result = ipc_result(e->arg[3]);
    switch (e->type) {
    case TRC_EV_IPC_REPLY: /* a message from the replier (pid) to the caller (a0) */
        if (e->arg[3] == 0) {
            struct trc_proc *caller = proc_find(log, (uint32_t)e->arg[0]);
            log->messages.received++;
            if (caller)
                caller->messages_received++;
        }
        /* fall through */
    case TRC_EV_IPC_SEND:
        if (e->arg[3] == 0) {
            log->messages.sent++;
            if (e->arg[2] == TRC_IPC_FAST)
                log->messages.fast_path++;
            else
                log->messages.slow_path++;
            if (e->arg[2] == TRC_IPC_DIRECT)
                log->messages.direct++;
            else if (e->arg[2] == TRC_IPC_QUEUED)
                log->messages.queued++;
            if (p)
                p->messages_sent++;
        } else if (result < 0) {
            log->messages.refused++;
        }
        break;
    case TRC_EV_IPC_RECV:
        if (result == 0) {
            log->messages.received++;
            if (p)
                p->messages_received++;
        } else if (result < 0) {
            log->messages.refused++;
        }
        break;
    case TRC_EV_IPC_DROP:
        log->messages.dropped++;
        break;
    case TRC_EV_IPC_SLOW:
        if (e->arg[1] < TRC_SLOW_REASONS)
            log->messages.slow_why[e->arg[1]]++;
        break;
    case TRC_EV_CAP_LOOKUP:
        if (e->arg[1] == 1)
            log->cap_cache.hits++;
        else if (e->arg[1] == 0)
            log->cap_cache.misses++;
        break;
    case TRC_EV_CAP_INVALIDATE:
        log->cap_cache.invalidations++;
        break;
    default:
        break;
    }
}

/* Follows the process life cycle the event tells of (returns nothing). A
 * process that blocks stays the running one, charged as such, until the
 * next switch takes it off the processor; a wake makes it ready again (or
 * running, if no switch came between its block and its wake). */
static void proc_track(struct trc_log *log, const struct trc_event *e)
{
    struct trc_proc *p;
    switch (e->type) {
    case TRC_EV_PROC_CREATE:
        if (proc_find(log, e->pid))
            return; /* the first creation of a pid stands */
        if (log->nprocs >= PIDMAP_MAX ||
            !util_grow((void **)&log->procs, &log->cap_procs, log->nprocs + 1,
                       sizeof *log->procs) ||
            !trc_pidmap_put(&log->proc_index, e->pid, (uint32_t)log->nprocs)) {
            log->oom = true;
            return;
        }
        p = &log->procs[log->nprocs++];
        memset(p, 0, sizeof *p);
        p->pid = e->pid;
        p->priority = (uint32_t)e->arg[0];
        for (int i = 0; i < TRC_NAME_MAX; i++) {
            char ch = (char)(e->arg[1 + i / 8] >> (8 * (i % 8)));
            p->name[i] = (ch >= 0x20 && ch < 0x7f) ? ch : '\0';
            if (!ch)
                break;
        }
        p->state = TRC_PROC_READY;
        break;
    case TRC_EV_SCHED_SWITCH: {
        int was = running_on(log, e->pid); /* moved from another core */
        proc_switch_out(log, core_of(e), e->cycle);
        if (was >= 0 && (unsigned)was != core_of(e))
            proc_switch_out(log, (unsigned)was, e->cycle);
        if ((p = proc_find(log, e->pid)) != NULL) {
            p->state = TRC_PROC_RUNNING;
            p->switched_in = e->cycle;
            p->core = core_of(e);
            p->cores |= 1u << core_of(e);
            set_running(log, core_of(e), e->pid);
        }
        break;
    }
    case TRC_EV_PROC_EXIT:
    case TRC_EV_PROC_FAULT:
        if ((p = proc_find(log, e->pid)) == NULL)
            return;
        if (running_on(log, e->pid) >= 0)
            proc_switch_out(log, (unsigned)running_on(log, e->pid), e->cycle);
        if (e->type == TRC_EV_PROC_EXIT) {
            p->state = TRC_PROC_EXITED;
            p->exit_code = (int64_t)e->arg[0];
        } else {
            p->state = TRC_PROC_KILLED;
            p->fault = (uint32_t)e->arg[0];
            p->fault_pc = e->arg[1];
            p->fault_addr = e->arg[2];
        }
        break;
    case TRC_EV_SYSCALL:
        if ((p = proc_find(log, e->pid)) != NULL)
            p->syscalls++;
        break;
    case TRC_EV_IPC_BLOCK:
        p = proc_find(log, e->pid);
        if (p && (p->state == TRC_PROC_READY || p->state == TRC_PROC_RUNNING))
            p->state = TRC_PROC_BLOCKED;
        if (p) {
            p->wait_port = e->arg[0];
            p->wait_kind = (uint32_t)e->arg[1];
        }
        break;
    case TRC_EV_PORT_CREATE:
        /* remember each port's creator (the kernel's port ids are small) */
        if (e->arg[0] > 0 && e->arg[0] < PORT_ID_LIMIT &&
            !trc_pidmap_put(&log->port_owner, (uint32_t)e->arg[0], e->pid))
            log->oom = true;
        break;
    case TRC_EV_IPC_WAKE:
        p = proc_find(log, e->pid);
        if (p && p->state == TRC_PROC_BLOCKED)
            p->state = running_on(log, e->pid) >= 0 ? TRC_PROC_RUNNING : TRC_PROC_READY;
        break;
    default:
        break;
    }
}

enum trc_err trc_log_event(struct trc_log *log, const struct trc_event *e)
{
    if (!util_grow((void **)&log->ev, &log->cap_ev, log->nev + 1, sizeof *log->ev)) {
        log->oom = true;
        return TRC_ERR_NOMEM;
    }
    log->ev[log->nev++] = *e;
    uint8_t tag = 'E';
    hash_bytes(log, &tag, 1);
    hash_u64(log, e->cycle);
    hash_u64(log, ((uint64_t)e->core << 32) | e->type);
    hash_u64(log, e->pid);
    for (int i = 0; i < TRC_NARGS; i++)
        hash_u64(log, e->arg[i]);
    struct trc_core_totals *k = &log->cores[core_of(e)];
    k->events++;
    if (core_of(e) >= log->ncores)
        log->ncores = core_of(e) + 1;
    if (e->type == TRC_EV_IPI) {
        k->ipi_sent++;
        if (e->arg[1] < TRC_MAX_CORES)
            log->cores[e->arg[1]].ipi_received++;
    }
    /* the cores the boot counts, and those an IPI reaches */
    uint64_t seen = e->type == TRC_EV_BOOT ? e->arg[1] : e->type == TRC_EV_IPI ? e->arg[1] + 1 : 0;
    if (seen > log->ncores && seen <= TRC_MAX_CORES)
        log->ncores = (uint32_t)seen;
    trc_path_track(log, e);
    proc_track(log, e);
    if ((e->type >= TRC_EV_IPC_SEND && e->type <= TRC_EV_IPC_REPLY) || e->type == TRC_EV_IPC_DROP) {
        log->ipc_events++;
        ipc_track(log, e);
    }
    return TRC_OK;
}

enum trc_err trc_log_console(struct trc_log *log, uint8_t byte)
{
    if (!util_grow((void **)&log->console, &log->cap_console, log->console_len + 2, 1)) {
        log->oom = true;
        return TRC_ERR_NOMEM;
    }
    log->console[log->console_len++] = (char)byte;
    log->console[log->console_len] = '\0';
    uint8_t rec[2] = {'C', byte};
    hash_bytes(log, rec, 2);
    return TRC_OK;
}

void trc_log_finish(struct trc_log *log, uint64_t cycle)
{
    for (unsigned k = 0; k < TRC_MAX_CORES; k++) {
        struct trc_proc *p = proc_find(log, log->core_running[k]);
        if (p && cycle > p->switched_in) { /* a core's clock may stop short of core 0's */
            p->cycles += cycle - p->switched_in;
            p->switched_in = cycle;
        }
    }
}

const struct trc_proc *trc_log_proc(const struct trc_log *log, uint32_t pid)
{
    return proc_find((struct trc_log *)log, pid);
}

void trc_log_hash_hex(const struct trc_log *log, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++)
        out[i] = hex[(log->hash >> (60 - 4 * i)) & 0xf];
    out[16] = '\0';
}

const char *trc_proc_state_name(enum trc_proc_state s)
{
    switch (s) {
    case TRC_PROC_READY:
        return "ready";
    case TRC_PROC_RUNNING:
        return "running";
    case TRC_PROC_EXITED:
        return "exited";
    case TRC_PROC_KILLED:
        return "killed";
    case TRC_PROC_BLOCKED:
        return "blocked";
    }
    return "unknown";
}

const char *trc_fault_name(uint32_t fault)
{
    switch (fault) {
    case TRC_FAULT_READ:
        return "read";
    case TRC_FAULT_WRITE:
        return "write";
    case TRC_FAULT_EXEC:
        return "exec";
    case TRC_FAULT_UNDEF:
        return "undefined-instruction";
    default:
        return "other";
    }
}

const char *trc_slow_reason_name(uint32_t why)
{
    static const char *const names[TRC_SLOW_REASONS] = {
        [TRC_SLOW_NO_RECEIVER] = "no_receiver",
        [TRC_SLOW_NOT_REGISTERS] = "receiver_not_in_registers",
        [TRC_SLOW_LOWER_PRIORITY] = "receiver_lower_priority",
        [TRC_SLOW_NO_REPLY_SLOT] = "no_reply_slot",
        [TRC_SLOW_QUEUE_NOT_EMPTY] = "queue_not_empty",
        [TRC_SLOW_CALLER_LOWER] = "caller_lower_priority",
        [TRC_SLOW_PORT_CLOSED] = "port_closed",
        [TRC_SLOW_HIGHER_READY] = "higher_priority_ready",
        [TRC_SLOW_OTHER_CORE] = "other_core",
    };
    return why < TRC_SLOW_REASONS ? names[why] : NULL;
}

const char *trc_event_name(uint32_t type)
{
    static const char *const names[TRC_EV_COUNT] = {
#define TRC_EV_NAME(id, n, name) [TRC_EV_##id] = name,
        TRC_EVENTS(TRC_EV_NAME)
#undef TRC_EV_NAME
    };
    return type < TRC_EV_COUNT && names[type] ? names[type] : "unknown";
}

bool trc_event_is_machine(uint32_t type)
{
    return type == TRC_EV_TRAP || type == TRC_EV_IRQ || type == TRC_EV_USER_ENTER ||
           type == TRC_EV_KERNEL_PHASES || type == TRC_EV_IPI;
}

_Static_assert(KPHASE_LOGIC + 1 == TRC_KPHASES_STORED && KPHASE_USER == TRC_KPHASES_STORED &&
                   KPHASE_IDLE == TRC_KPHASES_STORED + 1 && KPHASE_COUNT == TRC_KPHASES_STORED + 2,
               "kernel.phases stores TRAP..LOGIC; USER and IDLE come after them");

/* Sets bits [at, at + w) of the 256-bit number arg (a0 lowest) to v. */
static void put_bits(uint64_t arg[TRC_NARGS], unsigned at, unsigned w, uint64_t v)
{
    for (unsigned i = 0; i < w; i++, at++)
        if (v >> i & 1)
            arg[at / 64] |= 1ull << (at % 64);
}

/* Returns bits [at, at + w) of the 256-bit number arg. */
static uint64_t get_bits(const uint64_t arg[TRC_NARGS], unsigned at, unsigned w)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < w; i++, at++)
        v |= (arg[at / 64] >> (at % 64) & 1) << i;
    return v;
}

void trc_kphases_pack(const uint64_t ph[TRC_KPHASES_STORED], uint64_t arg[TRC_NARGS])
{
    for (int k = 0; k < TRC_NARGS; k++)
        arg[k] = 0;
    for (unsigned k = 0; k < TRC_KPHASES_STORED; k++) {
        bool sat = ph[k] >= TRC_KPHASE_FIELD_MAX;
        put_bits(arg, TRC_KPHASE_FIELD_BITS * k, TRC_KPHASE_FIELD_BITS,
                 sat ? TRC_KPHASE_FIELD_MAX : ph[k]);
    }
}

unsigned trc_kphases_unpack(const uint64_t arg[TRC_NARGS], uint64_t ph[TRC_KPHASES_STORED])
{
    unsigned sat = 0;
    for (unsigned k = 0; k < TRC_KPHASES_STORED; k++) {
        ph[k] = get_bits(arg, TRC_KPHASE_FIELD_BITS * k, TRC_KPHASE_FIELD_BITS);
        sat |= (unsigned)(ph[k] == TRC_KPHASE_FIELD_MAX) << k;
    }
    return sat;
}

const char *trc_strerror(enum trc_err e)
{
    return e == TRC_OK ? "ok" : "out of memory";
}

/* The creator of port `port`, 0 when unknown. */
static uint32_t port_owner(const struct trc_log *log, uint64_t port)
{
    uint32_t owner = 0;
    if (port > 0 && port < PORT_ID_LIMIT &&
        !trc_pidmap_get(&log->port_owner, (uint32_t)port, &owner))
        owner = 0;
    return owner;
}

/* What `p` waits on, as words ("calls bob's port 2"). */
static void describe_wait(const struct trc_log *log, const struct trc_proc *p, char *out, size_t n)
{
    static const char *const verb[] = {"waits on", "receives on", "sends to", "calls", "waits on"};
    uint32_t kind = p->wait_kind < 5 ? p->wait_kind : 0;
    if (p->wait_port == 0 || kind == 4) {
        snprintf(out, n, "%s waits on a notification", p->name);
        return;
    }
    uint32_t owner = port_owner(log, p->wait_port);
    const struct trc_proc *o = owner ? trc_log_proc(log, owner) : NULL;
    if (o && o != p)
        snprintf(out, n, "%s %s %s's port %llu", p->name, verb[kind], o->name,
                 (unsigned long long)p->wait_port);
    else
        snprintf(out, n, "%s %s its port %llu", p->name, verb[kind],
                 (unsigned long long)p->wait_port);
}

/* The process `p` waits for: the owner of the port it sends to or calls,
 * or NULL. */
static const struct trc_proc *waits_for(const struct trc_log *log, const struct trc_proc *p)
{
    if (p->state != TRC_PROC_BLOCKED || (p->wait_kind != 2 && p->wait_kind != 3))
        return NULL;
    uint32_t owner = port_owner(log, p->wait_port);
    const struct trc_proc *o = owner ? trc_log_proc(log, owner) : NULL;
    return o && o->state == TRC_PROC_BLOCKED ? o : NULL;
}

/* Returns the index of the first process whose chain of wait-for edges
 * never ends (it leads into a cycle), or nprocs when there is none: each
 * process is visited once (edges have out-degree one). Returns SIZE_MAX
 * when out of memory. */
static size_t first_into_cycle(const struct trc_log *log)
{
    enum { UNKNOWN, ON_PATH, CYCLE, ENDS };
    size_t n = log->nprocs;
    uint8_t *mark = calloc(n ? n : 1, 1);
    size_t *path = malloc((n ? n : 1) * sizeof *path);
    if (!mark || !path) {
        free(mark);
        free(path);
        return SIZE_MAX;
    }
    size_t found = n;
    for (size_t i = 0; i < n && found == n; i++) {
        size_t len = 0;
        const struct trc_proc *p = &log->procs[i];
        uint8_t end = ENDS;
        while (p) {
            size_t k = (size_t)(p - log->procs);
            if (mark[k] == ON_PATH || mark[k] == CYCLE) {
                end = CYCLE;
                break;
            }
            if (mark[k] == ENDS)
                break;
            mark[k] = ON_PATH;
            path[len++] = k;
            p = waits_for(log, p);
        }
        while (len)
            mark[path[--len]] = end;
        if (end == CYCLE)
            found = i;
    }
    free(mark);
    free(path);
    return found;
}

size_t trc_wait_for(const struct trc_log *log, char *out, size_t n)
{
    out[0] = '\0';
    /* A walk of nprocs steps along the wait-for edges (out-degree one)
     * ends inside a cycle if it meets one: from the first process that
     * leads into one, it names that cycle. */
    size_t first = first_into_cycle(log);
    for (size_t i = first == SIZE_MAX ? 0 : first; i < log->nprocs; i++) {
        const struct trc_proc *p = &log->procs[i];
        for (size_t k = 0; p && k < log->nprocs; k++)
            p = waits_for(log, p);
        if (!p)
            continue; /* only without memory for first_into_cycle */
        size_t len = 0, members = 0;
        const struct trc_proc *q = p;
        do {
            char w[160];
            describe_wait(log, q, w, sizeof w);
            int wrote = snprintf(out + len, len < n ? n - len : 0, "%s%s", members ? ", " : "", w);
            len += wrote > 0 ? (size_t)wrote : 0;
            members++;
            q = waits_for(log, q);
        } while (q && q != p && members < log->nprocs);
        return members;
    }
    size_t len = 0;
    for (size_t i = 0; i < log->nprocs; i++) {
        const struct trc_proc *p = &log->procs[i];
        if (p->state != TRC_PROC_BLOCKED)
            continue;
        char w[160];
        describe_wait(log, p, w, sizeof w);
        int wrote = snprintf(out + len, len < n ? n - len : 0, "%s%s", len ? ", " : "", w);
        len += wrote > 0 ? (size_t)wrote : 0;
    }
    return 0;
}
