/* tracer/export.c: the run's events as Chrome/Perfetto trace JSON and as
 * CSV (see export.h). */
#include "tracer/export.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/hostfile.h"

/* 1 cycle is shown as 1 ns (a 1 GHz clock): ts is in microseconds. */
static double us(uint64_t cycle)
{
    return (double)cycle / 1000.0;
}

static cJSON *event(cJSON *arr, const char *ph, const char *name, uint32_t pid, uint32_t tid,
                    uint64_t cycle)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddStringToObject(o, "ph", ph);
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddNumberToObject(o, "pid", pid);
    cJSON_AddNumberToObject(o, "tid", tid);
    cJSON_AddNumberToObject(o, "ts", us(cycle));
    return o;
}

static void metadata(cJSON *arr, const char *what, uint32_t pid, uint32_t tid, const char *value)
{
    cJSON *o = event(arr, "M", what, pid, tid, 0);
    cJSON *args = o ? cJSON_AddObjectToObject(o, "args") : NULL;
    if (args)
        cJSON_AddStringToObject(args, "name", value);
}

/* A complete slice [from, to) on (pid, tid). */
static void slice(cJSON *arr, const char *name, uint32_t pid, uint32_t tid, uint64_t from,
                  uint64_t to)
{
    cJSON *o = event(arr, "X", name, pid, tid, from);
    if (o)
        cJSON_AddNumberToObject(o, "dur", us(to - from));
}

enum { TID_RUN = 1, TID_BLOCKED = 2 };
/* Several cores: a track per core (thread TID_CORE + k) in a "cores"
 * process of its own, pid 0 (no process has it), showing the process
 * each core runs and the IPIs it sends. */
enum { PID_CORES = 0, TID_CORE = 1 };

/* What each core's track has open. */
struct core_track {
    uint32_t pid;  /* the process it runs (0: none) */
    uint64_t from; /* since this cycle */
};

/* Core track k's slice of the process it ran, up to `to` (returns
 * nothing). */
static void core_slice(cJSON *arr, const struct trc_log *log, const struct core_track *t,
                       unsigned k, uint64_t to)
{
    if (!t->pid)
        return;
    const struct trc_proc *p = trc_log_proc(log, t->pid);
    char name[48];
    snprintf(name, sizeof name, "%s (pid %u)", p ? p->name : "?", t->pid);
    slice(arr, name, PID_CORES, TID_CORE + k, t->from, to);
}

/* Follows event e on the core tracks: the switches of its core, and an
 * IPI as an instant on the sender's track with a flow to the target's
 * (flow ids from *flow_id). Returns nothing. */
static void core_track(cJSON *arr, const struct trc_log *log, struct core_track *t,
                       const struct trc_event *e, uint64_t *flow_id)
{
    unsigned k = e->core < TRC_MAX_CORES ? e->core : 0;
    if (e->type == TRC_EV_SCHED_SWITCH) {
        core_slice(arr, log, &t[k], k, e->cycle);
        t[k] = (struct core_track){e->pid, e->cycle};
    } else if (e->type == TRC_EV_IPI && e->arg[1] < TRC_MAX_CORES) {
        char name[40];
        snprintf(name, sizeof name, "IPI to core %llu", (unsigned long long)e->arg[1]);
        cJSON *fs = event(arr, "s", "IPI", PID_CORES, TID_CORE + k, e->cycle);
        cJSON *ff = event(arr, "f", "IPI", PID_CORES, TID_CORE + (uint32_t)e->arg[1], e->cycle);
        cJSON *o = event(arr, "i", name, PID_CORES, TID_CORE + k, e->cycle);
        if (o)
            cJSON_AddStringToObject(o, "s", "t");
        if (fs && ff) {
            cJSON_AddNumberToObject(fs, "id", (double)++*flow_id);
            cJSON_AddStringToObject(fs, "cat", "ipi");
            cJSON_AddNumberToObject(ff, "id", (double)*flow_id);
            cJSON_AddStringToObject(ff, "cat", "ipi");
            cJSON_AddStringToObject(ff, "bp", "e");
        }
    }
}

struct open_slices {
    uint32_t pid;
    uint64_t run_from, blocked_from;
    bool running, blocked;
    uint64_t blocked_port;
};

/* The open slices of `pid`: found through `index` (pid -> position in s),
 * else added at the end while fewer than `cap` are in use. Returns NULL
 * when there is no room (or no memory for the index). */
static struct open_slices *slot(struct open_slices *s, size_t *n, size_t cap,
                                struct trc_pidmap *index, uint32_t pid)
{
    uint32_t i;
    if (trc_pidmap_get(index, pid, &i))
        return &s[i];
    if (*n == cap || !trc_pidmap_put(index, pid, (uint32_t)*n))
        return NULL;
    s[*n] = (struct open_slices){.pid = pid};
    return &s[(*n)++];
}

/* A sent message waiting for its receive (a flow needs both ends). */
struct pending_send {
    uint64_t msg, cycle;
    uint32_t pid;
    bool fast;
    size_t next; /* the next pending send of the same message word + 1, 0: none */
};

/* The pending sends by message word: an open-addressing table keyed on the
 * word's value (never iterated, so no order leaks out of it), each slot
 * heading a FIFO of sends through pending_send.next. A receive pairs with
 * the oldest pending send of its word in O(1), whatever the trace holds. */
struct pending_index {
    struct pend_slot {
        uint64_t msg;
        size_t head, tail; /* indices + 1 into the sends; head 0: empty FIFO */
        bool used;
    } * slots;
    size_t cap, used; /* cap is a power of two */
    struct pending_send *sends;
    size_t nsends, cap_sends;
};

/* Returns the slot for `msg` (found or free) in a table of `cap` slots. */
static struct pend_slot *pend_find(struct pend_slot *slots, size_t cap, uint64_t msg)
{
    uint64_t h = msg * 0x9e3779b97f4a7c15ull;
    for (size_t i = (size_t)(h >> 20) & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!slots[i].used || slots[i].msg == msg)
            return &slots[i];
}

/* Appends a pending send. Returns false when out of memory. */
static bool pend_push(struct pending_index *x, struct pending_send ps)
{
    if ((x->used + 1) * 2 > x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        struct pend_slot *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < x->cap; i++)
            if (x->slots[i].used)
                *pend_find(slots, cap, x->slots[i].msg) = x->slots[i];
        free(x->slots);
        x->slots = slots;
        x->cap = cap;
    }
    if (x->nsends == x->cap_sends) {
        size_t cap = x->cap_sends ? x->cap_sends * 2 : 64;
        struct pending_send *n = realloc(x->sends, cap * sizeof *n);
        if (!n)
            return false;
        x->sends = n;
        x->cap_sends = cap;
    }
    ps.next = 0;
    x->sends[x->nsends++] = ps;
    struct pend_slot *sl = pend_find(x->slots, x->cap, ps.msg);
    if (!sl->used) {
        *sl = (struct pend_slot){.msg = ps.msg, .used = true};
        x->used++;
    }
    if (sl->head)
        x->sends[sl->tail - 1].next = x->nsends;
    else
        sl->head = x->nsends;
    sl->tail = x->nsends;
    return true;
}

/* Takes the oldest pending send of `msg`; returns it, or NULL. */
static const struct pending_send *pend_pop(struct pending_index *x, uint64_t msg)
{
    if (!x->cap)
        return NULL;
    struct pend_slot *sl = pend_find(x->slots, x->cap, msg);
    if (!sl->used || !sl->head)
        return NULL;
    const struct pending_send *ps = &x->sends[sl->head - 1];
    sl->head = ps->next;
    return ps;
}

char *trc_perfetto_json(const struct trc_log *log, uint64_t end_cycle)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = root ? cJSON_AddArrayToObject(root, "traceEvents") : NULL;
    size_t cap = log->nprocs + 1, nopen = 0;
    struct open_slices *open = calloc(cap, sizeof *open);
    struct pending_index pend = {0};
    struct trc_pidmap index = {0};
    char *out = NULL;
    if (!arr || !open)
        goto done;
    cJSON_AddStringToObject(root, "displayTimeUnit", "ns");
    for (size_t i = 0; i < log->nprocs; i++) {
        const struct trc_proc *p = &log->procs[i];
        char name[48];
        snprintf(name, sizeof name, "%s (pid %u)", p->name, p->pid);
        metadata(arr, "process_name", p->pid, 0, name);
        metadata(arr, "thread_name", p->pid, TID_RUN, "running");
        metadata(arr, "thread_name", p->pid, TID_BLOCKED, "blocked");
    }
    bool cores = log->ncores > 1; /* a track per core */
    struct core_track tracks[TRC_MAX_CORES] = {{0, 0}};
    if (cores)
        metadata(arr, "process_name", PID_CORES, 0, "cores");
    for (unsigned k = 0; cores && k < log->ncores; k++) {
        char name[16];
        snprintf(name, sizeof name, "core %u", k);
        metadata(arr, "thread_name", PID_CORES, TID_CORE + k, name);
    }
    uint64_t flow_id = 0;
    for (size_t i = 0; i < log->nev; i++) {
        const struct trc_event *e = &log->ev[i];
        struct open_slices *s;
        if (cores)
            core_track(arr, log, tracks, e, &flow_id);
        switch (e->type) {
        case TRC_EV_SCHED_SWITCH: {
            uint32_t from = (uint32_t)e->arg[0];
            if (from && (s = slot(open, &nopen, cap, &index, from)) && s->running) {
                slice(arr, "running", from, TID_RUN, s->run_from, e->cycle);
                s->running = false;
            }
            if (e->pid && (s = slot(open, &nopen, cap, &index, e->pid)) && !s->running) {
                s->running = true;
                s->run_from = e->cycle;
            }
            break;
        }
        case TRC_EV_IPC_BLOCK:
            if ((s = slot(open, &nopen, cap, &index, e->pid)) && !s->blocked) {
                s->blocked = true;
                s->blocked_from = e->cycle;
                s->blocked_port = e->arg[0];
            }
            break;
        case TRC_EV_IPC_WAKE:
            if ((s = slot(open, &nopen, cap, &index, e->pid)) && s->blocked) {
                char name[40];
                snprintf(name, sizeof name, "blocked on port %llu",
                         (unsigned long long)s->blocked_port);
                slice(arr, s->blocked_port ? name : "blocked on a notification", e->pid,
                      TID_BLOCKED, s->blocked_from, e->cycle);
                s->blocked = false;
            }
            break;
        case TRC_EV_IPC_SEND:
            if (e->arg[3] != 0)
                break;
            if (!pend_push(&pend, (struct pending_send){e->arg[1], e->cycle, e->pid,
                                                        e->arg[2] == TRC_IPC_FAST, 0}))
                goto done;
            break;
        case TRC_EV_IPC_RECV: {
            const struct pending_send *ps;
            if ((uint32_t)e->arg[3] != 0 || !(ps = pend_pop(&pend, e->arg[1])))
                break;
            const char *name = ps->fast ? "message (fast path)" : "message";
            cJSON *fs = event(arr, "s", name, ps->pid, TID_RUN, ps->cycle);
            cJSON *ff = event(arr, "f", name, e->pid, TID_RUN, e->cycle);
            if (fs && ff) {
                cJSON_AddNumberToObject(fs, "id", (double)++flow_id);
                cJSON_AddStringToObject(fs, "cat", "ipc");
                cJSON_AddNumberToObject(ff, "id", (double)flow_id);
                cJSON_AddStringToObject(ff, "cat", "ipc");
                cJSON_AddStringToObject(ff, "bp", "e");
            }
            break;
        }
        case TRC_EV_PROC_EXIT:
        case TRC_EV_PROC_FAULT: {
            cJSON *o = event(arr, "i", e->type == TRC_EV_PROC_EXIT ? "exit" : "killed", e->pid,
                             TID_RUN, e->cycle);
            if (o)
                cJSON_AddStringToObject(o, "s", "t");
            break;
        }
        default:
            break;
        }
    }
    /* close what is still open at the end of the run */
    for (unsigned k = 0; cores && k < log->ncores; k++)
        core_slice(arr, log, &tracks[k], k,
                   end_cycle > tracks[k].from ? end_cycle : tracks[k].from);
    for (size_t i = 0; i < nopen; i++) {
        if (open[i].running)
            slice(arr, "running", open[i].pid, TID_RUN, open[i].run_from, end_cycle);
        if (open[i].blocked)
            slice(arr, "blocked (at the end)", open[i].pid, TID_BLOCKED, open[i].blocked_from,
                  end_cycle);
    }
    out = cJSON_PrintUnformatted(root);
done:
    trc_pidmap_free(&index);
    free(open);
    free(pend.slots);
    free(pend.sends);
    cJSON_Delete(root);
    return out;
}

int trc_perfetto_write(const char *path, const struct trc_log *log, uint64_t end_cycle, char *err,
                       size_t n)
{
    return hf_write_text(path, trc_perfetto_json(log, end_cycle), "the Perfetto trace", err, n);
}

/* Writes `name` as a CSV field: as it is, or quoted when it holds a comma
 * or a quote (RFC 4180). */
static void csv_field(FILE *f, const char *name)
{
    if (!strpbrk(name, ",\"")) {
        fputs(name, f);
        return;
    }
    fputc('"', f);
    for (; *name; name++) {
        if (*name == '"')
            fputc('"', f);
        fputc(*name, f);
    }
    fputc('"', f);
}

int trc_csv_write(const char *path, const struct trc_log *log, char *err, size_t n)
{
    struct hf_out o;
    FILE *f = hf_out_open(&o, path, err, n);
    if (!f)
        return -1;
    fprintf(f, "cycle,core,event,pid,process,a0,a1,a2,a3\n");
    for (size_t i = 0; i < log->nev && !ferror(f); i++) {
        const struct trc_event *e = &log->ev[i];
        const struct trc_proc *p = trc_log_proc(log, e->pid);
        fprintf(f, "%llu,%u,%s,%u,", (unsigned long long)e->cycle, e->core, trc_event_name(e->type),
                e->pid);
        csv_field(f, p ? p->name : "");
        fprintf(f, ",%llu,%llu,%llu,%llu\n", (unsigned long long)e->arg[0],
                (unsigned long long)e->arg[1], (unsigned long long)e->arg[2],
                (unsigned long long)e->arg[3]);
    }
    return hf_out_commit(&o, err, n);
}
