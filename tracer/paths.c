/* tracer/paths.c: the path spans of a run (see trace.h, enum trc_path_id,
 * and docs/ipc.md, "What each path measures").
 *
 * The machine writes TRC_EV_TRAP when the core enters the kernel, stamped
 * before the trap entry is charged, and TRC_EV_USER_ENTER when the first
 * user block after the kernel starts, stamped after the trap return is
 * charged and before the block: between the two lies one kernel stretch,
 * and every cycle of it is charged to exactly one attribution slot. The
 * kernel's own events inside the stretch (SYSCALL, IPC_SEND, IPC_REPLY,
 * ...) say which path its system call took; the stretch ends every path
 * it took at USER_ENTER. A call also opens a resume span of the caller
 * (and a send that blocks for room one of the sender), which ends at the
 * USER_ENTER of that process once what it waited for came. Each span adds
 * the attribution counters' growth over it to its path, so a path's
 * phases add up to its spans.
 *
 * Across cores: a call or reply handed straight to a process waiting on
 * another core (the call's IPC_SEND direct, then the receiver's IPC_RECV
 * direct naming the caller; a slow IPC_REPLY, which names its caller)
 * leaves its core idle, or running someone else: the first user
 * instruction there is not the message's. Such a call (reply) opens a
 * cross-core span of the process it woke, from the stretch's trap to that
 * process's USER_ENTER on its own core, and its stretch takes no one-way
 * path. The woken process is on another core when it ran last on another
 * core than the stretch's (its last sched.switch); when it never ran, when
 * the kernel said so (IPC_SLOW with reason other_core: the call's and
 * reply_recv's slow paths write it; a plain reply writes no IPC_SLOW). A
 * message that went into a queue wakes nobody and is a slow path of its
 * core; so is one handed to a process of the stretch's own core. The
 * woken process's exit or fault before it runs drops its span; several
 * spans, one per woken process, may be open at once. The cross-core spans
 * add no attribution (a machine with several cores has none; it follows
 * one core).
 *
 * A cap_revoke or cap_delete whose stretch saw a CAP_INVALIDATE of
 * another core's cache (a2) took the shootdown path, user to user on its
 * core like the one-way IPC paths. */
#include "tracer/trace.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "abi/syscall_nr.h" /* system-call numbers are part of the kernel's ABI */
#include "util/grow.h"

void trc_path_free(struct trc_log *log)
{
    for (int i = 0; i < TRC_PATH_COUNT; i++) {
        free(log->paths[i].v);
        free(log->path_attr[i]);
    }
    for (unsigned k = 0; k < TRC_MAX_CORES; k++)
        free(log->stretch[k].attr);
    for (size_t i = 0; i < log->nresume; i++)
        free(log->resume[i].attr);
    free(log->resume);
    trc_pidmap_free(&log->resume_index);
}

/* Copies `from` (the live attribution counters when NULL) into *snap,
 * allocated on first use; on failure the log loses its attribution, not
 * its spans. */
static void attr_copy(struct trc_log *log, uint64_t **snap, const uint64_t *from)
{
    if (!log->attr)
        return;
    if (!*snap && !(*snap = malloc(log->nattr * sizeof **snap))) {
        log->oom = true;
        log->attr = NULL;
        return;
    }
    memcpy(*snap, from ? from : log->attr, log->nattr * sizeof **snap);
}

/* Records a span of path `id` from cycle `start` to `end`, whose
 * attribution counters were `snap` at start (NULL: not known): what it
 * added to each of them. */
static void path_add(struct trc_log *log, unsigned id, uint64_t start, uint64_t end,
                     const uint64_t *snap)
{
    struct trc_samples *sm = &log->paths[id];
    if (!util_grow((void **)&sm->v, &sm->cap, sm->n + 1, sizeof *sm->v)) {
        log->oom = true;
        return;
    }
    sm->v[sm->n++] = end - start;
    if (!log->attr || !snap)
        return;
    uint64_t sum = 0;
    for (size_t i = 0; i < log->nattr; i++) {
        log->path_attr[id][i] += log->attr[i] - snap[i];
        sum += log->attr[i] - snap[i];
    }
    /* every cycle of the span went to one slot (emu_core_charge) */
    assert(sum == end - start);
    (void)sum;
}

/* Returns the resume span of `pid`, added (closed) when new; NULL when out
 * of memory. */
static struct trc_resume *resume_of(struct trc_log *log, uint32_t pid)
{
    uint32_t i;
    if (trc_pidmap_get(&log->resume_index, pid, &i))
        return &log->resume[i];
    if (!util_grow((void **)&log->resume, &log->cap_resume, log->nresume + 1,
                   sizeof *log->resume) ||
        !trc_pidmap_put(&log->resume_index, pid, (uint32_t)log->nresume)) {
        log->oom = true;
        return NULL;
    }
    struct trc_resume *r = &log->resume[log->nresume++];
    memset(r, 0, sizeof *r);
    r->pid = pid;
    return r;
}

/* Returns the span record of `pid`, or NULL when it has none. */
static struct trc_resume *resume_find(struct trc_log *log, uint32_t pid)
{
    uint32_t i;
    return trc_pidmap_get(&log->resume_index, pid, &i) ? &log->resume[i] : NULL;
}

/* Returns the open resume span of `pid`, or NULL. */
static struct trc_resume *resume_open(struct trc_log *log, uint32_t pid)
{
    uint32_t i;
    if (!trc_pidmap_get(&log->resume_index, pid, &i) || !log->resume[i].kind)
        return NULL;
    return &log->resume[i];
}

/* Opens a resume span of kind `kind` for the stretch's process, from the
 * stretch's start. */
static void resume_start(struct trc_log *log, struct trc_stretch *s, uint8_t kind, bool fast)
{
    struct trc_resume *r = resume_of(log, s->pid);
    if (!r)
        return;
    r->kind = kind;
    r->done = false;
    r->fast = fast;
    r->start = s->start;
    if (s->attr)
        attr_copy(log, &r->attr, s->attr);
}

/* Returns the core event `e` comes from (0 for a core past
 * TRC_MAX_CORES). */
static uint32_t core_of(const struct trc_event *e)
{
    return e->core < TRC_MAX_CORES ? e->core : 0;
}

/* Returns the stretch of the core event `e` comes from. */
static struct trc_stretch *stretch_of(struct trc_log *log, const struct trc_event *e)
{
    return &log->stretch[core_of(e)];
}

/* Whether process `pid`, woken by the message of event `e`, runs on
 * another core than e's: it ran last on another core; when it never ran,
 * `said` (the kernel's IPC_SLOW reason was other_core). */
static bool other_core(const struct trc_log *log, uint32_t pid, const struct trc_event *e,
                       bool said)
{
    const struct trc_proc *p = trc_log_proc(log, pid);
    return p && p->cores ? p->core != core_of(e) : said;
}

/* Opens the cross-core span of path `id` of process `pid`, from stretch
 * s's start. */
static void cross_start(struct trc_log *log, const struct trc_stretch *s, uint32_t pid, uint8_t id)
{
    struct trc_resume *r = resume_of(log, pid);
    if (!r)
        return;
    r->xkind = id;
    r->xstart = s->start;
}

/* Whether event `e` comes from the system call of its core's open
 * stretch. */
static bool from_stretch(struct trc_log *log, const struct trc_event *e)
{
    const struct trc_stretch *s = stretch_of(log, e);
    return s->open && s->sys && e->pid == s->pid;
}

/* Stretch s took path `id`. */
static void took(struct trc_stretch *s, unsigned id)
{
    s->paths |= 1u << id;
}

/* USER_ENTER of process `pid` at cycle `at`: ends stretch s's paths,
 * pid's cross-core span, and its resume span if what it waited for
 * came. */
static void user_enter(struct trc_log *log, struct trc_stretch *s, uint32_t pid, uint64_t at)
{
    if (s->open)
        for (unsigned id = 0; id < TRC_PATH_COUNT; id++)
            if (s->paths & (1u << id))
                path_add(log, id, s->start, at, s->attr);
    s->open = false;
    struct trc_resume *r = resume_find(log, pid);
    if (r && r->xkind) {
        path_add(log, r->xkind, r->xstart, at, NULL);
        r->xkind = 0;
    }
    if (!r || !r->kind)
        return;
    if (r->done) {
        unsigned id = r->kind == TRC_PATH_SEND_BLOCKED ? TRC_PATH_SEND_BLOCKED
                      : r->fast                        ? TRC_PATH_ROUNDTRIP_FAST
                                                       : TRC_PATH_ROUNDTRIP_SLOW;
        path_add(log, id, r->start, at, r->attr);
    }
    r->kind = 0; /* it runs again: what did not come will not end the span */
}

/* IPC_RECV: a receive of the stretch's system call took a queued
 * message; or the stretch's slow call was handed straight to its
 * receiver, across cores when the receiver is on another core. */
static void on_recv(struct trc_log *log, const struct trc_event *e)
{
    struct trc_stretch *s = stretch_of(log, e);
    uint32_t nr = s->nr;
    if ((uint32_t)e->arg[3] != 0)
        return;
    if (e->arg[2] == TRC_IPC_FROM_QUEUE && from_stretch(log, e) &&
        (nr == SYS_RECV || nr == SYS_TRY_RECV || nr == SYS_RECV_CALL || nr == SYS_REPLY_RECV))
        took(s, TRC_PATH_RECV_QUEUED);
    if (e->arg[2] != TRC_IPC_DIRECT || !s->open || !s->sys || nr != SYS_CALL ||
        !(s->paths & (1u << TRC_PATH_CALL_SLOW)) || (uint32_t)(e->arg[3] >> 32) != s->pid)
        return;
    bool said = s->cross;
    s->cross = false;
    if (!other_core(log, e->pid, e, said))
        return;
    s->paths &= ~(1u << TRC_PATH_CALL_SLOW);
    cross_start(log, s, e->pid, TRC_PATH_CALL_CROSS);
}

/* IPC_REPLY: a reply of the stretch's system call (result 0) took a
 * path, across cores when the caller is on another core; the caller's
 * call was answered. */
static void on_reply(struct trc_log *log, const struct trc_event *e)
{
    if (e->arg[3] != 0)
        return;
    struct trc_stretch *s = stretch_of(log, e);
    uint32_t caller = (uint32_t)e->arg[0];
    if (from_stretch(log, e)) {
        if (e->arg[2] != TRC_IPC_FAST && other_core(log, caller, e, s->cross))
            cross_start(log, s, caller, TRC_PATH_REPLY_CROSS);
        else
            took(s, e->arg[2] == TRC_IPC_FAST ? TRC_PATH_REPLY_FAST : TRC_PATH_REPLY_SLOW);
        s->cross = false;
    }
    struct trc_resume *r = resume_open(log, caller);
    if (r && r->kind == TRC_PATH_ROUNDTRIP_FAST) {
        r->done = true;
        r->fast = r->fast && e->arg[2] == TRC_IPC_FAST;
    }
}

/* IPC_SEND: a call or send of the stretch's system call (result 0) took a
 * path; a blocked sender's message went in. */
static void on_send(struct trc_log *log, const struct trc_event *e)
{
    if (e->arg[3] != 0)
        return;
    struct trc_resume *r = resume_open(log, e->pid);
    if (r && r->kind == TRC_PATH_SEND_BLOCKED)
        r->done = true;
    if (!from_stretch(log, e))
        return;
    struct trc_stretch *s = stretch_of(log, e);
    uint32_t nr = s->nr;
    if (e->arg[2] != TRC_IPC_DIRECT)
        s->cross = false; /* queued: it woke nobody */
    if (nr == SYS_CALL) {
        took(s, e->arg[2] == TRC_IPC_FAST ? TRC_PATH_CALL_FAST : TRC_PATH_CALL_SLOW);
        resume_start(log, s, TRC_PATH_ROUNDTRIP_FAST, e->arg[2] == TRC_IPC_FAST);
    } else if ((nr == SYS_SEND || nr == SYS_TRY_SEND) && e->arg[2] == TRC_IPC_DIRECT) {
        took(s, TRC_PATH_SEND_DIRECT);
    } else if ((nr == SYS_SEND || nr == SYS_TRY_SEND) && e->arg[2] == TRC_IPC_QUEUED) {
        took(s, TRC_PATH_SEND_QUEUED);
    }
}

void trc_path_track(struct trc_log *log, const struct trc_event *e)
{
    struct trc_stretch *s = stretch_of(log, e);
    struct trc_resume *r;
    switch (e->type) {
    case TRC_EV_TRAP:
        /* A system call or exception opens a stretch; an interrupt opens
         * one only where none is open (it is taken at the way back to
         * user code of a stretch that then goes on). */
        if (s->open && e->arg[0] != 0)
            break;
        s->open = true;
        s->sys = false;
        s->pid = log->core_running[e->core < TRC_MAX_CORES ? e->core : 0];
        s->nr = 0;
        s->paths = 0;
        s->cross = false;
        s->start = e->cycle;
        attr_copy(log, &s->attr, NULL);
        break;
    case TRC_EV_SYSCALL:
        if (!s->open || s->sys)
            break;
        s->sys = true;
        s->pid = e->pid;
        s->nr = (uint32_t)e->arg[0];
        path_add(log, TRC_PATH_TRAP_ENTRY, s->start, e->cycle, s->attr);
        break;
    case TRC_EV_IPC_SEND:
        on_send(log, e);
        break;
    case TRC_EV_IPC_RECV:
        on_recv(log, e);
        break;
    case TRC_EV_IPC_SLOW:
        if (from_stretch(log, e))
            s->cross = e->arg[1] == TRC_SLOW_OTHER_CORE;
        break;
    case TRC_EV_IPC_REPLY:
        on_reply(log, e);
        break;
    case TRC_EV_CAP_INVALIDATE:
        /* a line of another core's cache died in a revoke or delete */
        if (s->open && s->sys && (s->nr == SYS_CAP_REVOKE || s->nr == SYS_CAP_DELETE) &&
            e->arg[2] != core_of(e))
            took(s, TRC_PATH_CAP_SHOOTDOWN);
        break;
    case TRC_EV_NOTIFY:
        if (from_stretch(log, e))
            took(s, TRC_PATH_NOTIFY);
        break;
    case TRC_EV_IPC_BLOCK:
        /* a send waiting for room in a full queue */
        if (e->arg[1] == 2 && from_stretch(log, e) && s->nr == SYS_SEND)
            resume_start(log, s, TRC_PATH_SEND_BLOCKED, false);
        break;
    case TRC_EV_IPC_WAKE:
        /* woken with an error (a timeout, a closed port): nothing came */
        if ((uint32_t)e->arg[1] != 0 && (r = resume_open(log, e->pid)))
            r->kind = 0;
        break;
    case TRC_EV_PROC_EXIT:
    case TRC_EV_PROC_FAULT:
        /* it will not run again: nothing of its own ends its spans */
        if ((r = resume_find(log, e->pid))) {
            r->kind = 0;
            r->xkind = 0;
        }
        break;
    case TRC_EV_USER_ENTER:
        user_enter(log, s, e->pid, e->cycle);
        break;
    default:
        break;
    }
}

const char *trc_path_name(unsigned id)
{
    static const char *const names[TRC_PATH_COUNT] = {
        [TRC_PATH_TRAP_ENTRY] = "trap.entry",
        [TRC_PATH_SEND_DIRECT] = "ipc.send.direct",
        [TRC_PATH_SEND_QUEUED] = "ipc.send.queued",
        [TRC_PATH_RECV_QUEUED] = "ipc.recv.queued",
        [TRC_PATH_CALL_FAST] = "ipc.call.fast",
        [TRC_PATH_CALL_SLOW] = "ipc.call.slow",
        [TRC_PATH_CALL_CROSS] = "ipc.call.cross_core",
        [TRC_PATH_REPLY_FAST] = "ipc.reply.fast",
        [TRC_PATH_REPLY_SLOW] = "ipc.reply.slow",
        [TRC_PATH_REPLY_CROSS] = "ipc.reply.cross_core",
        [TRC_PATH_NOTIFY] = "ipc.notify",
        [TRC_PATH_ROUNDTRIP_FAST] = "ipc.roundtrip.fast",
        [TRC_PATH_ROUNDTRIP_SLOW] = "ipc.roundtrip.slow",
        [TRC_PATH_SEND_BLOCKED] = "ipc.send.blocked",
        [TRC_PATH_CAP_SHOOTDOWN] = "cap.revoke.shootdown",
    };
    return id < TRC_PATH_COUNT ? names[id] : NULL;
}

/* qsort order for cycle counts. */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

bool trc_path_stats(const struct trc_log *log, unsigned id, struct trc_path_stats *st)
{
    if (id >= TRC_PATH_COUNT || log->paths[id].n == 0)
        return false;
    size_t n = log->paths[id].n;
    uint64_t *v = malloc(n * sizeof *v);
    if (!v)
        return false;
    memcpy(v, log->paths[id].v, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_u64);
    st->count = n;
    st->min = v[0];
    st->max = v[n - 1];
    st->median = v[(n - 1) / 2];
    st->p99 = v[(n * 99 + 99) / 100 - 1]; /* nearest rank: ceil(0.99 n) */
    st->sum = 0;
    for (size_t i = 0; i < n; i++)
        st->sum += v[i];
    free(v);
    return true;
}
