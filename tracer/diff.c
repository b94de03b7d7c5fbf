/* tracer/diff.c: comparing two runs' events, by what each event means
 * (see diff.h). */
#include "tracer/diff.h"

#include <string.h>

#include "tracer/report.h"
#include "util/hostfile.h"

void trc_event_text(const struct trc_log *log, const struct trc_event *e, char *out, size_t n)
{
    const struct trc_proc *p = trc_log_proc(log, e->pid);
    char name[4 * TRC_NAME_MAX + 1] = "";
    if (p)
        hf_printable(p->name, strlen(p->name), name, sizeof name);
    snprintf(out, n, "cycle %llu: %s pid %u%s%s%s %llu %llu %llu %llu",
             (unsigned long long)e->cycle, trc_event_name(e->type), e->pid, name[0] ? " (" : "",
             name, name[0] ? ")" : "", (unsigned long long)e->arg[0], (unsigned long long)e->arg[1],
             (unsigned long long)e->arg[2], (unsigned long long)e->arg[3]);
}

bool trc_event_same(const struct trc_event *x, const struct trc_event *y)
{
    /* field by field: the padding of struct trc_event is no event's */
    bool same =
        x->cycle == y->cycle && x->core == y->core && x->type == y->type && x->pid == y->pid;
    for (int k = 0; k < TRC_NARGS; k++)
        same = same && x->arg[k] == y->arg[k];
    return same;
}

/* Returns the arguments of an event of `type` that carry its meaning, one
 * bit per argument (bit k: arg[k]); the others are cycle stamps or
 * addresses (abi/events.h). */
static unsigned meaning_args(uint32_t type)
{
    switch (type) {
    case TRC_EV_IPC_BLOCK:
        return 0xb; /* a2: the deadline, a cycle */
    case TRC_EV_IRQ:
        return 0x1; /* a1..a3: when the line rose, how long it waited, the deadline */
    case TRC_EV_USER_ENTER:
        return 0xe; /* a0: the block's address */
    case TRC_EV_KERNEL_PHASES:
        return 0; /* cycles */
    case TRC_EV_PROC_FAULT:
        return 0x9; /* a1, a2: pc and address */
    case TRC_EV_ASPACE:
        return 0xe; /* a0: the page-table root's address */
    case TRC_EV_REGION:
        return 0xd; /* a1: the region's base address */
    default:
        return 0xf;
    }
}

bool trc_event_same_meaning(const struct trc_event *x, const struct trc_event *y)
{
    if (x->type != y->type || x->core != y->core || x->pid != y->pid)
        return false;
    unsigned m = meaning_args(x->type);
    for (int k = 0; k < TRC_NARGS; k++)
        if ((m >> k & 1) && x->arg[k] != y->arg[k])
            return false;
    return true;
}

bool trc_event_is_ipc(uint32_t type)
{
    /* every event but the machine's, the scheduler's and the capability
     * cache's: an event added to abi/events.h is an IPC event unless
     * listed here */
    switch (type) {
    case TRC_EV_BOOT:
    case TRC_EV_SCHED_SWITCH:
    case TRC_EV_SYSCALL:
    case TRC_EV_TIMER_IRQ:
    case TRC_EV_CAP_LOOKUP:
    case TRC_EV_CAP_INVALIDATE:
    case TRC_EV_TRAP:
    case TRC_EV_ASPACE:
    case TRC_EV_IRQ:
    case TRC_EV_USER_ENTER:
    case TRC_EV_KERNEL_PHASES:
        return false;
    default:
        return type > 0 && type < TRC_EV_COUNT;
    }
}

/* Returns the name of an IPC path (enum trc_ipc_path), or "path N". */
static const char *ipc_path_name(uint64_t path, char *buf, size_t n)
{
    static const char *const names[] = {NULL, "direct", "queued", "from-queue", "refused", "fast"};
    if (path < sizeof names / sizeof names[0] && names[path])
        return names[path];
    snprintf(buf, n, "path %llu", (unsigned long long)path);
    return buf;
}

/* Writes a message word (opcode | len << 32 | caps << 48 | region << 56)
 * as "op 7 len 16 caps 1 region" to out[n] (returns nothing). */
static void msg_text(uint64_t msg, char *out, size_t n)
{
    unsigned caps = (unsigned)(msg >> 48 & 0xff);
    snprintf(out, n, "op %u len %u%s%.0u%s", (unsigned)(msg & 0xffffffffu),
             (unsigned)(msg >> 32 & 0xffff), caps ? " caps " : "", caps,
             msg >> 56 & 1 ? " region" : "");
}

/* Writes a result (the low 32 bits as int32) as "ok" or "error -N" to
 * out[n] (returns nothing). */
static void result_text(uint64_t a, char *out, size_t n)
{
    int32_t r = (int32_t)(uint32_t)(a & 0xffffffffu);
    if (r == 0)
        snprintf(out, n, "ok");
    else
        snprintf(out, n, "error %d", r);
}

void trc_event_describe(const struct trc_log *log, const struct trc_event *e, char *out, size_t n)
{
    const struct trc_proc *p = trc_log_proc(log, e->pid);
    char name[4 * TRC_NAME_MAX + 1] = "";
    if (p)
        hf_printable(p->name, strlen(p->name), name, sizeof name);
    char what[160], msg[64], res[24], pb[24];
    const uint64_t *a = e->arg;
    unsigned long long a0 = a[0], a1 = a[1], a2 = a[2];
    switch (e->type) {
    case TRC_EV_IPC_SEND:
    case TRC_EV_IPC_RECV:
        msg_text(a[1], msg, sizeof msg);
        result_text(a[3], res, sizeof res);
        snprintf(what, sizeof what, "port %llu %s %s %s", a0, msg,
                 ipc_path_name(a[2], pb, sizeof pb), res);
        if (e->type == TRC_EV_IPC_RECV && a[3] >> 32) {
            size_t k = strlen(what);
            snprintf(what + k, sizeof what - k, " from pid %llu", (unsigned long long)(a[3] >> 32));
        }
        break;
    case TRC_EV_IPC_REPLY:
        msg_text(a[1], msg, sizeof msg);
        result_text(a[3], res, sizeof res);
        snprintf(what, sizeof what, "to pid %llu %s %s %s", a0, msg,
                 ipc_path_name(a[2], pb, sizeof pb), res);
        break;
    case TRC_EV_IPC_BLOCK:
        snprintf(what, sizeof what, "port %llu %s%s%.0llu", a0,
                 a1 == 1   ? "receive"
                 : a1 == 2 ? "send (queue full)"
                 : a1 == 3 ? "call"
                 : a1 == 4 ? "notification"
                           : "wait",
                 a2 ? " until cycle " : "", a2);
        break;
    case TRC_EV_IPC_WAKE:
        result_text(a[1], res, sizeof res);
        snprintf(what, sizeof what, "port %llu %s", a0, res);
        break;
    case TRC_EV_IPC_SLOW: {
        const char *why = trc_slow_reason_name((uint32_t)a[1]);
        snprintf(what, sizeof what, "port %llu slow: %s", a0, why ? why : "?");
        break;
    }
    case TRC_EV_IPC_DROP:
        msg_text(a[1], msg, sizeof msg);
        snprintf(what, sizeof what, "port %llu %s %s", a0, msg,
                 a2 == TRC_DROP_CALLER_GAVE_UP ? "caller gave up" : "dropped");
        break;
    case TRC_EV_NOTIFY:
        snprintf(what, sizeof what, "notification %llu bits 0x%llx%s%.0llu", a0, a1,
                 a2 ? " woke pid " : "", a2);
        break;
    case TRC_EV_PORT_CREATE:
        snprintf(what, sizeof what, "port %llu capacity %llu", a0, a1);
        break;
    case TRC_EV_PORT_CLOSE:
        snprintf(what, sizeof what, "port %llu woke %llu", a0, a1);
        break;
    case TRC_EV_PROC_CREATE:
        snprintf(what, sizeof what, "priority %llu", a0);
        break;
    case TRC_EV_PROC_EXIT:
        snprintf(what, sizeof what, "code %lld", (long long)a[0]);
        break;
    case TRC_EV_PROC_FAULT:
        snprintf(what, sizeof what, "%s fault at pc 0x%llx address 0x%llx",
                 trc_fault_name((uint32_t)a[0]), a1, a2);
        break;
    case TRC_EV_SYSCALL:
        snprintf(what, sizeof what, "nr %llu", a0);
        break;
    case TRC_EV_CAP_LOOKUP:
        result_text(a[2], res, sizeof res);
        snprintf(what, sizeof what, "token 0x%llx %s %s", a0,
                 a1 == 1   ? "hit"
                 : a1 == 0 ? "miss"
                           : "no cache",
                 res);
        break;
    case TRC_EV_CAP_INVALIDATE:
        snprintf(what, sizeof what, "space %llu token 0x%llx", a0, a1);
        break;
    case TRC_EV_SCHED_SWITCH: {
        static const char *const why[] = {"start", "preempt", "yield",  "exit",
                                          "kill",  "block",   "handoff"};
        snprintf(what, sizeof what, "from pid %llu %s", a0,
                 a1 < sizeof why / sizeof why[0] ? why[a1] : "?");
        break;
    }
    case TRC_EV_HALT:
        snprintf(what, sizeof what, "code %llu", a0);
        break;
    case TRC_EV_TRAP:
        snprintf(what, sizeof what, "%s", a0 ? "interrupt" : "exception or system call");
        break;
    case TRC_EV_USER_ENTER:
        snprintf(what, sizeof what, "at 0x%llx", a0);
        break;
    case TRC_EV_ASPACE:
        snprintf(what, sizeof what, "root 0x%llx asid %llu", a0, a1);
        break;
    case TRC_EV_TIMER_IRQ:
        snprintf(what, sizeof what, "interrupted");
        break;
    case TRC_EV_BOOT:
        snprintf(what, sizeof what, "abi %llu cores %llu", a0, a1);
        break;
    case TRC_EV_IRQ:
        snprintf(what, sizeof what, "%s", a0 ? "woke the idle core" : "from user code");
        break;
    case TRC_EV_KERNEL_PHASES: {
        uint64_t ph[TRC_KPHASES_STORED];
        trc_kphases_unpack(a, ph);
        size_t k = 0;
        what[0] = '\0';
        for (unsigned i = 0; i < TRC_KPHASES_STORED && k < sizeof what; i++)
            if (ph[i]) {
                int w = snprintf(what + k, sizeof what - k, "%s%s %llu", k ? ", " : "",
                                 trc_kphase_name((int)i), (unsigned long long)ph[i]);
                k += w > 0 ? (size_t)w : 0;
            }
        break;
    }
    default:
        snprintf(what, sizeof what, "%llu %llu %llu %llu", a0, a1, a2, (unsigned long long)a[3]);
        break;
    }
    snprintf(out, n, "%s pid %u%s%s%s %s", trc_event_name(e->type), e->pid, name[0] ? " (" : "",
             name, name[0] ? ")" : "", what);
}

size_t trc_diff_first(const struct trc_log *a, const struct trc_log *b)
{
    size_t n = a->nev < b->nev ? a->nev : b->nev;
    for (size_t i = 0; i < n; i++)
        if (!trc_event_same(&a->ev[i], &b->ev[i]))
            return i;
    return a->nev == b->nev ? SIZE_MAX : n;
}

/* Returns the index of the first event of `log` from `i` on that is
 * compared (any, or an IPC event), or log->nev. */
static size_t next_compared(const struct trc_log *log, bool ipc_only, size_t i)
{
    while (i < log->nev && ipc_only && !trc_event_is_ipc(log->ev[i].type))
        i++;
    return i;
}

/* Returns how many events of `log` are compared. */
static size_t count_compared(const struct trc_log *log, bool ipc_only)
{
    size_t k = 0;
    for (size_t i = next_compared(log, ipc_only, 0); i < log->nev;
         i = next_compared(log, ipc_only, i + 1))
        k++;
    return k;
}

bool trc_diff_events(const struct trc_log *a, const struct trc_log *b, bool ipc_only,
                     struct trc_diff_events *d)
{
    memset(d, 0, sizeof *d);
    d->ipc_only = ipc_only;
    d->na = count_compared(a, ipc_only);
    d->nb = count_compared(b, ipc_only);
    d->at = SIZE_MAX;
    d->exact = d->na == d->nb;
    d->console = a->console_len == b->console_len &&
                 (a->console_len == 0 || !memcmp(a->console, b->console, a->console_len));
    size_t i = next_compared(a, ipc_only, 0), j = next_compared(b, ipc_only, 0), pos = 0;
    for (; i < a->nev && j < b->nev; pos++) {
        const struct trc_event *x = &a->ev[i], *y = &b->ev[j];
        if (!trc_event_same_meaning(x, y))
            break;
        if (!trc_event_same(x, y)) {
            d->stamps++;
            d->exact = false;
        }
        i = next_compared(a, ipc_only, i + 1);
        j = next_compared(b, ipc_only, j + 1);
    }
    if (i < a->nev || j < b->nev) {
        d->at = pos;
        d->ia = i;
        d->ib = j;
        d->exact = false;
        return false;
    }
    return true;
}

/* Prints compared events lo..hi-1 (positions) of `log`, marking position
 * `mark` (returns nothing). */
static void print_window(FILE *out, const struct trc_log *log, bool ipc_only, size_t lo, size_t hi,
                         size_t mark)
{
    size_t pos = 0;
    bool any = false;
    for (size_t i = next_compared(log, ipc_only, 0); i < log->nev && pos < hi;
         i = next_compared(log, ipc_only, i + 1), pos++) {
        if (pos < lo)
            continue;
        char text[300];
        trc_event_describe(log, &log->ev[i], text, sizeof text);
        fprintf(out, "   %s %8zu  cycle %-10llu %s\n", pos == mark ? ">" : " ", i,
                (unsigned long long)log->ev[i].cycle, text);
        any = true;
    }
    if (pos <= mark && mark < hi)
        fprintf(out, "   > (ended after %zu event%s)\n", log->nev, log->nev == 1 ? "" : "s");
    else if (!any)
        fprintf(out, "     (none)\n");
}

void trc_diff_events_print(FILE *out, const struct trc_log *a, const struct trc_log *b,
                           const struct trc_diff_events *d, unsigned context)
{
    const char *what = d->ipc_only ? "IPC events" : "events";
    if (d->ipc_only)
        fprintf(out, "IPC events compared, stamps aside: A %zu (of %zu), B %zu (of %zu)\n", d->na,
                a->nev, d->nb, b->nev);
    else
        fprintf(out, "events compared, stamps aside: A %zu, B %zu\n", d->na, d->nb);
    if (d->at == SIZE_MAX) {
        if (d->exact)
            fprintf(out, "the same %zu %s, stamps included\n", d->na, what);
        else
            fprintf(out, "the same %zu %s in the same order; %zu of them differ only in stamps\n",
                    d->na, what, d->stamps);
    } else {
        bool a_ended = d->ia >= a->nev, b_ended = d->ib >= b->nev;
        if (a_ended || b_ended)
            fprintf(out, "the first %zu %s mean the same; then %s has %zu more\n", d->at, what,
                    a_ended ? "B" : "A", (a_ended ? d->nb : d->na) - d->at);
        else
            fprintf(out, "first difference in meaning: %s %zu (A's event %zu, B's event %zu)\n",
                    d->ipc_only ? "IPC event" : "event", d->at, d->ia, d->ib);
        fprintf(out, "%zu %s before it mean the same, %zu of them differ only in stamps\n", d->at,
                what, d->stamps);
        size_t lo = d->at > context ? d->at - context : 0, hi = d->at + 3;
        fprintf(out, "  A:\n");
        print_window(out, a, d->ipc_only, lo, hi, d->at);
        fprintf(out, "  B:\n");
        print_window(out, b, d->ipc_only, lo, hi, d->at);
    }
    if (!d->console)
        fprintf(out, "the console output differs (A %zu bytes, B %zu bytes)\n", a->console_len,
                b->console_len);
}
