/* tracer/report.c: JSON and text reports (see report.h). */
#include "tracer/report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "abi/kphases.h"
#include "util/hostfile.h"

/* Adds a 64-bit counter. cJSON stores doubles: exact up to 2^53, far beyond
 * any run's cycle count. */
static void add_u64(cJSON *o, const char *key, uint64_t v)
{
    cJSON_AddNumberToObject(o, key, (double)v);
}

/* Adds the "paths" object: for each measured path, its span statistics.
 * Returns false when out of memory. */
/* The `top` slots with the most cycles in v[0..n) (ties: lower index
 * first), as an array of {"name", "cycles"} divided by `per` (1: totals);
 * only kernel slots (< nkernel) when kernel_only. NULL when out of
 * memory. */
static cJSON *top_slots(const struct trc_run_info *run, const uint64_t *v, size_t n, size_t top,
                        uint64_t per, bool kernel_only)
{
    cJSON *a = cJSON_CreateArray();
    bool *taken = calloc(n ? n : 1, sizeof *taken);
    if (!a || !taken) {
        cJSON_Delete(a);
        free(taken);
        return NULL;
    }
    size_t lim = kernel_only ? run->nkernel : n;
    for (size_t k = 0; k < top; k++) {
        size_t best = lim;
        for (size_t i = 0; i < lim; i++)
            if (!taken[i] && v[i] && (best == lim || v[i] > v[best]))
                best = i;
        if (best == lim)
            break;
        taken[best] = true;
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(a, o))
            break;
        cJSON_AddStringToObject(o, "name", run->attr_names[best]);
        cJSON_AddNumberToObject(o, "cycles", (double)v[best] / (double)per);
    }
    free(taken);
    return a;
}

/* The phase names, by enum kphase (abi/kphases.h). */
static const char *const phase_names[KPHASE_COUNT] = {
#define PHASE_NAME(id, name) [KPHASE_##id] = name,
    KPHASES(PHASE_NAME)
#undef PHASE_NAME
};

/* The table's rows: which phase a kernel function belongs to, where. */
static const struct {
    enum kphase phase;
    unsigned arches; /* KPHASE_ARCH_* mask */
    const char *name;
} phase_funcs[] = {
#define PHASE_FUNC(ph, arch, link, name) {KPHASE_##ph, KPHASE_ARCH_##arch, #name},
    KPHASE_FUNCS(PHASE_FUNC)
#undef PHASE_FUNC
};

int trc_kphase_of(const char *arch, const char *fn)
{
    static const struct {
        const char *name;
        unsigned bit;
    } arches[] = {{"x86_64", KPHASE_ARCH_X86_64},
                  {"aarch64", KPHASE_ARCH_AARCH64},
                  {"riscv64", KPHASE_ARCH_RISCV64}};
    unsigned bit = KPHASE_ARCH_ALL;
    for (size_t i = 0; arch && i < sizeof arches / sizeof arches[0]; i++)
        if (!strcmp(arch, arches[i].name))
            bit = arches[i].bit;
    for (size_t i = 0; fn && i < sizeof phase_funcs / sizeof phase_funcs[0]; i++)
        if ((phase_funcs[i].arches & bit) && !strcmp(fn, phase_funcs[i].name))
            return (int)phase_funcs[i].phase;
    return -1;
}

const char *trc_kphase_name(int phase)
{
    return phase >= 0 && phase < KPHASE_COUNT ? phase_names[phase] : "unassigned";
}

int trc_slot_phase(const struct trc_run_info *run, size_t i)
{
    static const int after[TRC_SLOT_COUNT] = {
        [TRC_SLOT_USER] = KPHASE_USER,
        [TRC_SLOT_IDLE] = KPHASE_IDLE,
        [TRC_SLOT_TRAP_ENTRY] = KPHASE_TRAP,
        [TRC_SLOT_TRAP_RETURN] = KPHASE_RETURN,
    };
    if (i >= run->nkernel)
        return i - run->nkernel < TRC_SLOT_COUNT ? after[i - run->nkernel] : KPHASE_LOGIC;
    int ph = trc_kphase_of(run->arch, run->attr_names[i]);
    return ph < 0 ? KPHASE_LOGIC : ph;
}

/* A path's cycles per span by phase (abi/kphases.h): its slots' cycles
 * `v` over `per` spans, grouped by trc_slot_phase. They add up to the
 * path's cycles_mean. */
static void path_phases(const struct trc_run_info *run, const uint64_t *v, double per,
                        double out[KPHASE_COUNT])
{
    for (int k = 0; k < KPHASE_COUNT; k++)
        out[k] = 0;
    for (size_t i = 0; i < run->nattr; i++)
        out[trc_slot_phase(run, i)] += (double)v[i] / per;
}

/* Returns whether path `id` has phases: the run has attribution and
 * every cycle of its spans (st) was attributed (a cross-core span is not:
 * it spans two cores, and attribution follows one). */
static bool path_attributed(const struct trc_log *log, const struct trc_run_info *run, unsigned id,
                            const struct trc_path_stats *st)
{
    if (!run->nattr || !log->path_attr[id] || log->nattr != run->nattr)
        return false;
    uint64_t sum = 0;
    for (size_t i = 0; i < run->nattr; i++)
        sum += log->path_attr[id][i];
    return sum == st->sum;
}

static bool add_paths_json(cJSON *r, const struct trc_log *log, const struct trc_run_info *run)
{
    cJSON *paths = cJSON_AddObjectToObject(r, "paths");
    if (!paths)
        return false;
    for (unsigned i = 0; i < TRC_PATH_COUNT; i++) {
        struct trc_path_stats st;
        if (!trc_path_stats(log, i, &st))
            continue;
        cJSON *o = cJSON_AddObjectToObject(paths, trc_path_name(i));
        if (!o)
            return false;
        add_u64(o, "count", st.count);
        add_u64(o, "cycles_min", st.min);
        add_u64(o, "cycles_median", st.median);
        add_u64(o, "cycles_p99", st.p99);
        add_u64(o, "cycles_max", st.max);
        cJSON_AddNumberToObject(o, "cycles_mean", (double)st.sum / (double)st.count);
        /* where its cycles go: the slots (kernel functions, user code)
         * its spans added the most to, per span; the phases add up to
         * cycles_mean */
        if (path_attributed(log, run, i, &st)) {
            cJSON *f = top_slots(run, log->path_attr[i], run->nattr, 8, st.count, false);
            if (!f)
                return false;
            cJSON_AddItemToObject(o, "functions", f);
            double ph[KPHASE_COUNT];
            path_phases(run, log->path_attr[i], (double)st.count, ph);
            cJSON *po = cJSON_AddObjectToObject(o, "phases");
            for (int k = 0; po && k < KPHASE_COUNT; k++)
                cJSON_AddNumberToObject(po, phase_names[k], ph[k]);
        }
    }
    return true;
}

/* Adds "0x..." for an address. */
static void add_hex(cJSON *o, const char *key, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
    cJSON_AddStringToObject(o, key, buf);
}

/* Returns the cores (bits of `mask`) as a JSON array of numbers, or NULL
 * when out of memory. */
static cJSON *core_list_json(uint32_t mask)
{
    cJSON *a = cJSON_CreateArray();
    for (unsigned k = 0; a && k < 32; k++)
        if (mask & (1u << k))
            cJSON_AddItemToArray(a, cJSON_CreateNumber(k));
    return a;
}

/* Adds the "cores" array of a run of several cores: each core's clock,
 * idle, user and kernel cycles (when attributed), events, IPIs, its wait
 * for the kernel lock (when the image has klock_wait) and its coherence
 * counters (with a timing model). Returns false when out of memory. */
static bool add_cores_json(cJSON *r, const struct trc_run_info *run, const struct trc_log *log)
{
    cJSON *arr = cJSON_AddArrayToObject(r, "cores");
    for (unsigned k = 0; arr && k < run->ncores; k++) {
        const struct trc_core_info *c = &run->cores[k];
        const struct trc_core_totals *t = k < TRC_MAX_CORES ? &log->cores[k] : NULL;
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o))
            return false;
        add_u64(o, "core", k);
        add_u64(o, "cycles", c->cycles);
        add_u64(o, "idle_cycles", c->idle);
        if (c->split) {
            add_u64(o, "user_cycles", c->user);
            add_u64(o, "kernel_cycles", c->kernel);
        }
        add_u64(o, "events", t ? t->events : 0);
        add_u64(o, "ipis_sent", t ? t->ipi_sent : 0);
        add_u64(o, "ipis_received", t ? t->ipi_received : 0);
        if (c->lock_known) {
            add_u64(o, "lock_wait_cycles", c->lock_wait_cycles);
            add_u64(o, "lock_waits", c->lock_waits);
        }
        if (c->coherence) {
            cJSON *h = cJSON_AddObjectToObject(o, "coherence");
            if (!h)
                return false;
            add_u64(h, "transfers", c->transfers);
            add_u64(h, "invalidations_sent", c->invalidations_sent);
        }
    }
    return arr != NULL;
}

/* Returns the "processes" array, or NULL when out of memory; with
 * several cores each names the cores that ran it. */
static cJSON *processes_json(const struct trc_log *log, bool cores)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < log->nprocs; i++) {
        const struct trc_proc *p = &log->procs[i];
        cJSON *o = cJSON_CreateObject();
        if (!o) {
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddItemToArray(arr, o);
        add_u64(o, "pid", p->pid);
        cJSON_AddStringToObject(o, "name", p->name);
        add_u64(o, "priority", p->priority);
        add_u64(o, "cycles", p->cycles);
        add_u64(o, "syscalls", p->syscalls);
        add_u64(o, "messages_sent", p->messages_sent);
        add_u64(o, "messages_received", p->messages_received);
        cJSON_AddStringToObject(o, "state", trc_proc_state_name(p->state));
        if (cores)
            cJSON_AddItemToObject(o, "cores", core_list_json(p->cores));
        if (p->state == TRC_PROC_EXITED)
            cJSON_AddNumberToObject(o, "exit_code", (double)p->exit_code);
        if (p->state == TRC_PROC_KILLED) {
            cJSON *f = cJSON_AddObjectToObject(o, "fault");
            if (f) {
                cJSON_AddStringToObject(f, "cause", trc_fault_name(p->fault));
                add_hex(f, "pc", p->fault_pc);
                add_hex(f, "addr", p->fault_addr);
            }
        }
    }
    return arr;
}

/* Adds the "messages" and "cap_cache" objects (zeros when no IPC happened).
 * Returns false when out of memory. */
static bool add_ipc_json(cJSON *r, const struct trc_log *log)
{
    cJSON *m = cJSON_AddObjectToObject(r, "messages");
    cJSON *c = cJSON_AddObjectToObject(r, "cap_cache");
    if (!m || !c)
        return false;
    add_u64(m, "sent", log->messages.sent);
    add_u64(m, "received", log->messages.received);
    add_u64(m, "fast_path", log->messages.fast_path);
    add_u64(m, "slow_path", log->messages.slow_path);
    add_u64(m, "direct", log->messages.direct);
    add_u64(m, "queued", log->messages.queued);
    add_u64(m, "refused", log->messages.refused);
    add_u64(m, "dropped", log->messages.dropped);
    cJSON *why = cJSON_AddObjectToObject(m, "slow_path_why");
    if (!why)
        return false;
    for (uint32_t i = 0; i < TRC_SLOW_REASONS; i++)
        if (trc_slow_reason_name(i))
            add_u64(why, trc_slow_reason_name(i), log->messages.slow_why[i]);
    add_u64(c, "hits", log->cap_cache.hits);
    add_u64(c, "misses", log->cap_cache.misses);
    add_u64(c, "invalidations", log->cap_cache.invalidations);
    return true;
}

/* Returns a report's JSON for check c (an expectation, or with
 * `operation` a failed operation), or NULL when out of memory. */
static cJSON *check_json(const struct trc_check *c, bool operation)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, operation ? "place" : "path", c->path);
    if (operation) {
        cJSON_AddStringToObject(o, "op", c->op);
        cJSON_AddStringToObject(o, "process", c->process);
        cJSON *it = cJSON_AddArrayToObject(o, "iterations");
        cJSON *of = cJSON_AddArrayToObject(o, "repeat_counts");
        for (unsigned d = 0; it && of && d < c->niterations; d++) {
            cJSON_AddItemToArray(it, cJSON_CreateNumber((double)c->iteration[d]));
            cJSON_AddItemToArray(of, cJSON_CreateNumber((double)c->of[d]));
        }
    }
    cJSON_AddStringToObject(o, "expected", c->expected);
    cJSON_AddStringToObject(o, operation ? "returned" : "got", c->got);
    if (!operation)
        cJSON_AddBoolToObject(o, "held", c->held);
    return o;
}

/* Adds "expectations" and "failed_operations" (`ipcemu run`) to report r. */
static void add_checks_json(cJSON *r, const struct trc_run_info *run)
{
    cJSON *ex = cJSON_AddArrayToObject(r, "expectations");
    for (size_t i = 0; ex && i < run->nchecks; i++)
        cJSON_AddItemToArray(ex, check_json(&run->checks[i], false));
    cJSON *ops = cJSON_AddArrayToObject(r, "failed_operations");
    for (size_t i = 0; ops && i < run->nfailed_ops; i++)
        cJSON_AddItemToArray(ops, check_json(&run->failed_ops[i], true));
}

/* Prints failed operation c to `out` ("   operation failed: processes[1]..."). */
static void print_failed_op(FILE *out, const struct trc_check *c)
{
    fprintf(out, "   operation failed: %s (%s) in %s", c->path, c->op, c->process);
    for (unsigned d = 0; d < c->niterations; d++)
        fprintf(out, "%s%llu of %llu", d ? ", " : ", iteration ",
                (unsigned long long)c->iteration[d], (unsigned long long)c->of[d]);
    fprintf(out, ": expected %s, returned %s\n", c->expected, c->got);
}

char *trc_report_json(const struct trc_run_info *run, const struct trc_log *log)
{
    cJSON *r = cJSON_CreateObject();
    if (!r)
        return NULL;
    char hash[17];
    trc_log_hash_hex(log, hash);
    cJSON_AddStringToObject(r, "arch", run->arch);
    cJSON_AddStringToObject(r, "cpu", run->cpu);
    if (run->unicorn && run->capstone) {
        cJSON *e = cJSON_AddObjectToObject(r, "engine");
        if (e) {
            cJSON_AddStringToObject(e, "unicorn", run->unicorn);
            cJSON_AddStringToObject(e, "capstone", run->capstone);
        }
    }
    add_u64(r, "cycles", run->cycles);
    add_u64(r, "instructions", run->instructions);
    cJSON_AddStringToObject(r, "outcome", run->outcome);
    if (run->why && run->why[0])
        cJSON_AddStringToObject(r, "why", run->why);
    cJSON_AddNumberToObject(r, "exit_status", run->exit_status);
    add_u64(r, "kernel_exit_code", run->kernel_exit_code);
    if (run->scenario)
        add_checks_json(r, run);
    if (run->program)
        cJSON_AddStringToObject(r, "program", run->program);
    if (run->scenario)
        cJSON_AddStringToObject(r, "scenario", run->scenario);
    /* Where the cycles went (sums to cycles) and what the caches, TLB and
     * branch predictor did. */
    cJSON *b = cJSON_AddObjectToObject(r, "breakdown");
    for (unsigned i = 0; b && i < run->nbreakdown; i++)
        add_u64(b, run->breakdown[i].name, run->breakdown[i].value);
    cJSON *t = cJSON_AddObjectToObject(r, "timing");
    for (unsigned i = 0; t && i < run->ncounters; i++)
        add_u64(t, run->counters[i].name, run->counters[i].value);
    cJSON_AddStringToObject(r, "trace_hash", hash);
    add_u64(r, "events", log->nev);
    add_u64(r, "console_bytes", log->console_len);
    add_u64(r, "idle_cycles", run->idle_cycles);
    add_u64(r, "interrupts", run->interrupts);
    if (run->nattr) {
        uint64_t k = 0;
        for (size_t i = 0; i < run->nkernel; i++)
            k += run->attr[i];
        cJSON *a = cJSON_AddObjectToObject(r, "attribution");
        if (a) {
            add_u64(a, "kernel", k);
            add_u64(a, "user", run->attr[run->nkernel + TRC_SLOT_USER]);
            add_u64(a, "idle", run->attr[run->nkernel + TRC_SLOT_IDLE]);
            if (run->nattr >= run->nkernel + TRC_SLOT_COUNT) {
                add_u64(a, "trap_entry", run->attr[run->nkernel + TRC_SLOT_TRAP_ENTRY]);
                add_u64(a, "trap_return", run->attr[run->nkernel + TRC_SLOT_TRAP_RETURN]);
            }
            cJSON *f = top_slots(run, run->attr, run->nattr, 20, 1, true);
            if (f)
                cJSON_AddItemToObject(a, "kernel_functions", f);
        }
    }
    if (run->trace_source)
        cJSON_AddStringToObject(r, "trace_source", run->trace_source);
    bool ok = run->ncores <= 1 || add_cores_json(r, run, log);
    if (!run->no_kernel_events) { /* else no event-derived figures: none to give */
        ok = ok && add_ipc_json(r, log) && add_paths_json(r, log, run);
        cJSON *procs = processes_json(log, run->ncores > 1);
        if (procs)
            cJSON_AddItemToObject(r, "processes", procs);
        ok = ok && procs;
    }
    char *s = ok ? cJSON_Print(r) : NULL;
    cJSON_Delete(r);
    return s;
}

int trc_report_fwrite(FILE *f, const struct trc_run_info *run, const struct trc_log *log, char *err,
                      size_t n)
{
    char *s = trc_report_json(run, log);
    if (!s) {
        snprintf(err, n, "out of memory building the report");
        return -1;
    }
    int ok = fputs(s, f) >= 0 && fputc('\n', f) != EOF && fflush(f) == 0;
    free(s);
    if (!ok) {
        snprintf(err, n, "cannot write the report: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int trc_report_write(const char *path, const struct trc_run_info *run, const struct trc_log *log,
                     char *err, size_t n)
{
    return hf_write_text(path, trc_report_json(run, log), "the report", err, n);
}

/* Prints "   label: a 1, b 2\n", nothing when n is 0. */
static void print_kvs(FILE *out, const char *label, const struct trc_kv *kv, unsigned n)
{
    if (n == 0)
        return;
    fprintf(out, "   %s:", label);
    for (unsigned i = 0; i < n; i++)
        fprintf(out, "%s %s %llu", i ? "," : "", kv[i].name, (unsigned long long)kv[i].value);
    fputc('\n', out);
}

/* Replicas of a scenario process ("w.0", "w.1", ...) that ended the same
 * way are summed up in one row when there are at least this many. */
#define REPLICA_ROWS_MIN 5

/* If process p is named "BASE.K", returns the length of BASE (else 0)
 * and K in *k. */
static size_t replica_base(const struct trc_proc *p, unsigned long *k)
{
    const char *dot = strrchr(p->name, '.');
    if (!dot || dot == p->name || !dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1) ||
        (dot[1] == '0' && dot[2]))
        return 0;
    *k = strtoul(dot + 1, NULL, 10);
    return (size_t)(dot - p->name);
}

/* Returns how many processes from i on are replicas i.K, i.K+1, ... of one
 * base with the same priority that exited with the same code (1 when
 * process i is not a replica). */
static size_t replica_run(const struct trc_log *log, size_t i)
{
    const struct trc_proc *a = &log->procs[i];
    unsigned long k0 = 0, k = 0;
    size_t len = replica_base(a, &k0), n = 1;
    if (!len || a->state != TRC_PROC_EXITED)
        return 1;
    while (i + n < log->nprocs) {
        const struct trc_proc *b = &log->procs[i + n];
        if (replica_base(b, &k) != len || strncmp(a->name, b->name, len) != 0 || k != k0 + n ||
            b->priority != a->priority || b->state != TRC_PROC_EXITED ||
            b->exit_code != a->exit_code)
            break;
        n++;
    }
    return n;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* One row for n replicas from p on (summed), and their spread of cycles. */
static void print_replicas(FILE *out, const struct trc_proc *p, size_t n)
{
    unsigned long k0 = 0, k1 = 0;
    size_t len = replica_base(&p[0], &k0);
    replica_base(&p[n - 1], &k1);
    uint64_t cycles = 0, syscalls = 0, sent = 0, received = 0;
    uint64_t *c = malloc(n * sizeof *c);
    for (size_t i = 0; i < n; i++) {
        cycles += p[i].cycles;
        syscalls += p[i].syscalls;
        sent += p[i].messages_sent;
        received += p[i].messages_received;
        if (c)
            c[i] = p[i].cycles;
    }
    char who[64];
    snprintf(who, sizeof who, "%u-%u %.*s.%lu-%lu", p[0].pid, p[n - 1].pid, (int)len, p[0].name, k0,
             k1);
    fprintf(out, "   %-21s %-4u %12llu %8llu %8llu %8llu  %zu exited (code %lld)\n", who,
            p[0].priority, (unsigned long long)cycles, (unsigned long long)syscalls,
            (unsigned long long)sent, (unsigned long long)received, n, (long long)p[0].exit_code);
    if (c) {
        qsort(c, n, sizeof *c, cmp_u64);
        fprintf(out, "             each: cycles min %llu, median %llu, max %llu\n",
                (unsigned long long)c[0], (unsigned long long)c[n / 2],
                (unsigned long long)c[n - 1]);
        free(c);
    }
}

/* Writes `v` to buf[n] as a number, or "-" when `known` is false. Returns
 * buf. */
static const char *num_or_dash(char *buf, size_t n, bool known, uint64_t v)
{
    if (known)
        snprintf(buf, n, "%llu", (unsigned long long)v);
    else
        snprintf(buf, n, "-");
    return buf;
}

/* Prints the per-core table of a run of several cores (nothing with
 * one): each core's clock, its idle share, user and kernel cycles, the
 * kernel's wait for its lock (cycles and entries), IPIs sent and received,
 * coherence transfers and events; "-" where the run does not know. */
static void print_cores(FILE *out, const struct trc_run_info *run, const struct trc_log *log)
{
    if (run->ncores <= 1)
        return;
    fprintf(out, "   %-4s %12s %6s %10s %10s %10s %6s %5s %5s %6s %8s\n", "core", "cycles", "idle",
            "user", "kernel", "lock wait", "waits", "ipi>", "ipi<", "xfers", "events");
    for (unsigned k = 0; k < run->ncores; k++) {
        const struct trc_core_info *c = &run->cores[k];
        const struct trc_core_totals *t = &log->cores[k < TRC_MAX_CORES ? k : 0];
        char user[24], kernel[24], wait[24], waits[24], xfers[24];
        fprintf(out, "   %-4u %12llu %5.1f%% %10s %10s %10s %6s %5llu %5llu %6s %8llu\n", k,
                (unsigned long long)c->cycles,
                c->cycles ? 100.0 * (double)c->idle / (double)c->cycles : 0.0,
                num_or_dash(user, sizeof user, c->split, c->user),
                num_or_dash(kernel, sizeof kernel, c->split, c->kernel),
                num_or_dash(wait, sizeof wait, c->lock_known, c->lock_wait_cycles),
                num_or_dash(waits, sizeof waits, c->lock_known, c->lock_waits),
                (unsigned long long)t->ipi_sent, (unsigned long long)t->ipi_received,
                num_or_dash(xfers, sizeof xfers, c->coherence, c->transfers),
                (unsigned long long)t->events);
    }
}

void trc_report_print(FILE *out, const struct trc_run_info *run, const struct trc_log *log)
{
    char hash[17];
    trc_log_hash_hex(log, hash);
    fprintf(out, "\n== ipcemu %s (cpu %s): outcome %s\n", run->arch, run->cpu, run->outcome);
    if (run->why && run->why[0])
        fprintf(out, "   %s\n", run->why);
    if (run->scenario) {
        size_t held = 0;
        for (size_t i = 0; i < run->nchecks; i++)
            held += run->checks[i].held;
        fprintf(out, "   expectations: %zu of %zu held; %zu failed operation%s; exit status %d\n",
                held, run->nchecks, run->nfailed_ops, run->nfailed_ops == 1 ? "" : "s",
                run->exit_status);
        for (size_t i = 0; i < run->nfailed_ops && i < 20; i++)
            print_failed_op(out, &run->failed_ops[i]);
        if (run->nfailed_ops > 20)
            fprintf(out, "   (and %zu more failed operations: see the report)\n",
                    run->nfailed_ops - 20);
        for (size_t i = 0; i < run->nchecks; i++)
            if (!run->checks[i].held)
                fprintf(out, "   expectation failed: %s: expected %s, got %s\n",
                        run->checks[i].path, run->checks[i].expected, run->checks[i].got);
    }
    /* with several cores the clock, instructions and idle are core 0's
     * (each core's are in the core table below); interrupts are every
     * core's */
    if (run->ncores > 1)
        fprintf(
            out,
            "   core 0: cycles %llu, instructions %llu, idle %llu; every core: interrupts %llu; "
            "trace_hash %s\n",
            (unsigned long long)run->cycles, (unsigned long long)run->instructions,
            (unsigned long long)run->idle_cycles, (unsigned long long)run->interrupts, hash);
    else
        fprintf(out,
                "   cycles %llu, instructions %llu, idle %llu, interrupts %llu, trace_hash %s\n",
                (unsigned long long)run->cycles, (unsigned long long)run->instructions,
                (unsigned long long)run->idle_cycles, (unsigned long long)run->interrupts, hash);
    if (run->no_kernel_events)
        fprintf(out, "   trace source %s: no kernel events, so no messages, paths or processes\n",
                run->trace_source ? run->trace_source : "none");
    /* with several cores these are every core's added up */
    bool every = run->ncores > 1;
    print_kvs(out, every ? "every core's cycles by cause" : "cycles by cause", run->breakdown,
              run->nbreakdown);
    print_kvs(out, every ? "every core's timing model" : "timing model", run->counters,
              run->ncounters);
    if (run->nattr) {
        uint64_t k = 0;
        for (size_t i = 0; i < run->nkernel; i++)
            k += run->attr[i];
        /* `ipcemu exec`: the program runs in the kernel's mode; its
         * functions are the "kernel" slots */
        fprintf(out, "   %scycles by owner: %s %llu, %s %llu, idle %llu",
                every ? "every core's " : "", run->program ? "program functions" : "kernel",
                (unsigned long long)k, run->program ? "outside its functions" : "user",
                (unsigned long long)run->attr[run->nkernel + TRC_SLOT_USER],
                (unsigned long long)run->attr[run->nkernel + TRC_SLOT_IDLE]);
        if (run->nattr >= run->nkernel + TRC_SLOT_COUNT)
            fprintf(out, ", trap entry %llu, trap return %llu",
                    (unsigned long long)run->attr[run->nkernel + TRC_SLOT_TRAP_ENTRY],
                    (unsigned long long)run->attr[run->nkernel + TRC_SLOT_TRAP_RETURN]);
        fputc('\n', out);
        cJSON *top = top_slots(run, run->attr, run->nattr, 5, 1, true);
        if (top && cJSON_GetArraySize(top) > 0) {
            fprintf(out, "   %sbusiest %sfunctions:", every ? "every core's " : "",
                    run->program ? "" : "kernel ");
            const cJSON *f;
            cJSON_ArrayForEach(f, top)
            {
                fprintf(out, " %s %.0f", cJSON_GetObjectItem(f, "name")->valuestring,
                        cJSON_GetObjectItem(f, "cycles")->valuedouble);
            }
            fputc('\n', out);
        }
        cJSON_Delete(top);
    }
    if (log->ipc_events) {
        const struct trc_msg_totals *m = &log->messages;
        const struct trc_cap_totals *c = &log->cap_cache;
        fprintf(out,
                "   messages: sent %llu, received %llu, fast path %llu, slow path %llu "
                "(%llu direct, %llu queued), refused %llu, dropped %llu\n",
                (unsigned long long)m->sent, (unsigned long long)m->received,
                (unsigned long long)m->fast_path, (unsigned long long)m->slow_path,
                (unsigned long long)m->direct, (unsigned long long)m->queued,
                (unsigned long long)m->refused, (unsigned long long)m->dropped);
        fprintf(out, "   cap cache: hits %llu, misses %llu, invalidations %llu\n",
                (unsigned long long)c->hits, (unsigned long long)c->misses,
                (unsigned long long)c->invalidations);
    }
    bool header = false;
    for (unsigned i = 0; i < TRC_PATH_COUNT; i++) {
        struct trc_path_stats st;
        if (!trc_path_stats(log, i, &st))
            continue;
        if (!header)
            fprintf(out, "   %-20s %8s %8s %8s %8s %8s %8s  (cycles)\n", "path", "count", "min",
                    "median", "mean", "p99", "max");
        header = true;
        fprintf(out, "   %-20s %8llu %8llu %8llu %8.0f %8llu %8llu\n", trc_path_name(i),
                (unsigned long long)st.count, (unsigned long long)st.min,
                (unsigned long long)st.median, (double)st.sum / (double)st.count,
                (unsigned long long)st.p99, (unsigned long long)st.max);
        /* the fast paths' phases, per span (they add up to the mean):
         * where their cycles go */
        if ((i == TRC_PATH_CALL_FAST || i == TRC_PATH_REPLY_FAST) &&
            path_attributed(log, run, i, &st)) {
            double ph[KPHASE_COUNT];
            path_phases(run, log->path_attr[i], (double)st.count, ph);
            fprintf(out, "      phases (mean):");
            for (int k = 0; k < KPHASE_COUNT; k++)
                if (ph[k] >= 0.5)
                    fprintf(out, " %s %.0f", phase_names[k], ph[k]);
            fputc('\n', out);
        }
    }
    if (log->nprocs)
        fprintf(out, "   %-4s %-16s %-4s %12s %8s %8s %8s  %s\n", "pid", "process", "prio",
                "cycles", "syscalls", "sent", "received", "state");
    for (size_t i = 0; i < log->nprocs; i++) {
        const struct trc_proc *p = &log->procs[i];
        size_t n = replica_run(log, i);
        if (n >= REPLICA_ROWS_MIN) {
            print_replicas(out, &log->procs[i], n);
            i += n - 1;
            continue;
        }
        fprintf(out, "   %-4u %-16s %-4u %12llu %8llu %8llu %8llu  %s", p->pid, p->name,
                p->priority, (unsigned long long)p->cycles, (unsigned long long)p->syscalls,
                (unsigned long long)p->messages_sent, (unsigned long long)p->messages_received,
                trc_proc_state_name(p->state));
        if (p->state == TRC_PROC_EXITED)
            fprintf(out, " (code %lld)", (long long)p->exit_code);
        if (p->state == TRC_PROC_KILLED)
            fprintf(out, " (%s fault at pc 0x%llx, address 0x%llx)", trc_fault_name(p->fault),
                    (unsigned long long)p->fault_pc, (unsigned long long)p->fault_addr);
        if (run->ncores > 1 && p->cores) {
            fprintf(out, " [core");
            for (unsigned k = 0; k < 32; k++)
                if (p->cores & (1u << k))
                    fprintf(out, " %u", k);
            fputc(']', out);
        }
        fputc('\n', out);
    }
    print_cores(out, run, log);
}
