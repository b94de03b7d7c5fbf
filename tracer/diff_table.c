/* tracer/diff_table.c: two runs side by side, every figure recomputed from
 * their traces (see diff.h). */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/diff.h"
#include "util/hostfile.h"

const char *trc_diff_outcome(const struct trc_file_meta *m, const struct trc_log *log,
                             size_t max_events)
{
    for (size_t i = log->nev; i-- > 0;)
        if (log->ev[i].type == TRC_EV_HALT)
            return log->ev[i].arg[0] == 0 ? "ok" : "expect_failed";
    if (m->max_cycles && m->cycles >= m->max_cycles)
        return "max_cycles";
    if (max_events && log->nev >= max_events)
        return "max_events";
    if (!strcmp(m->kind, "exec"))
        return "unknown";
    for (size_t i = 0; i < log->nprocs; i++)
        if (log->procs[i].state == TRC_PROC_BLOCKED)
            return "deadlock";
    return "fault";
}

/* Appends a row (its figures as text, printable); returns it, or NULL
 * (t->oom set) when out of memory. */
static struct trc_diff_row *add_row(struct trc_diff_table *t, const char *section, const char *name,
                                    const char *a, const char *b)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        struct trc_diff_row *r = realloc(t->row, cap * sizeof *r);
        if (!r) {
            t->oom = true;
            return NULL;
        }
        t->row = r;
        t->cap = cap;
    }
    struct trc_diff_row *r = &t->row[t->n++];
    memset(r, 0, sizeof *r);
    r->section = section;
    hf_printable(name, strlen(name), r->name, sizeof r->name);
    hf_printable(a ? a : "-", strlen(a ? a : "-"), r->a, sizeof r->a);
    hf_printable(b ? b : "-", strlen(b ? b : "-"), r->b, sizeof r->b);
    r->differ = strcmp(r->a, r->b) != 0;
    return r;
}

/* A text row. */
static void text_row(struct trc_diff_table *t, const char *section, const char *name, const char *a,
                     const char *b)
{
    add_row(t, section, name, a, b);
}

/* A row of two counts. */
static void num_row(struct trc_diff_table *t, const char *section, const char *name, uint64_t a,
                    uint64_t b)
{
    char x[24], y[24];
    snprintf(x, sizeof x, "%llu", (unsigned long long)a);
    snprintf(y, sizeof y, "%llu", (unsigned long long)b);
    struct trc_diff_row *r = add_row(t, section, name, x, y);
    if (r) {
        r->numeric = true;
        r->va = (double)a;
        r->vb = (double)b;
    }
}

/* A row of two figures either of which may be missing (has_a, has_b),
 * printed with `decimals` digits after the point. */
static void opt_row(struct trc_diff_table *t, const char *section, const char *name, bool has_a,
                    double a, bool has_b, double b, int decimals)
{
    char x[32], y[32];
    snprintf(x, sizeof x, "%.*f", decimals, a);
    snprintf(y, sizeof y, "%.*f", decimals, b);
    struct trc_diff_row *r = add_row(t, section, name, has_a ? x : NULL, has_b ? y : NULL);
    if (r && has_a && has_b) {
        r->numeric = true;
        r->va = a;
        r->vb = b;
    }
}

/* Returns a name made of the printf format (a row's name). */
static const char *fmt_name(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return buf;
}

static void settings_rows(struct trc_diff_table *t, const struct trc_file_meta *a,
                          const struct trc_file_meta *b)
{
    const char *s = "settings";
    char x[48], y[48];
    text_row(t, s, "kind", a->kind, b->kind);
    text_row(t, s, "arch", a->arch, b->arch);
    text_row(t, s, "cpu", a->cpu, b->cpu);
    num_row(t, s, "cap_cache", a->cap_cache, b->cap_cache);
    snprintf(x, sizeof x, "%llu", (unsigned long long)a->seed);
    snprintf(y, sizeof y, "%llu", (unsigned long long)b->seed);
    text_row(t, s, "seed", x, y);
    num_row(t, s, "quantum", a->quantum, b->quantum);
    num_row(t, s, "max_cycles", a->max_cycles, b->max_cycles);
    num_row(t, s, "ram_mib", a->ram >> 20, b->ram >> 20);
    text_row(t, s, "exact_caches", a->exact_caches ? "yes" : "no", b->exact_caches ? "yes" : "no");
    if (a->demo || b->demo)
        num_row(t, s, "demo", a->demo, b->demo);
    /* the input (scenario source or program image), by content */
    snprintf(x, sizeof x, "%zu bytes %016llx", a->scenario_len,
             (unsigned long long)hf_fnv1a(a->scenario, a->scenario_len, HF_FNV_INIT));
    snprintf(y, sizeof y, "%zu bytes %016llx", b->scenario_len,
             (unsigned long long)hf_fnv1a(b->scenario, b->scenario_len, HF_FNV_INIT));
    text_row(t, s, "input", x, y);
}

static void run_rows(struct trc_diff_table *t, const struct trc_diff_run *a,
                     const struct trc_diff_run *b)
{
    const char *s = "run";
    if (a->scenario || b->scenario)
        text_row(t, s, "scenario", a->scenario, b->scenario);
    text_row(t, s, "outcome", a->outcome, b->outcome);
    if (a->expectations || b->expectations)
        text_row(t, s, "expectations", a->expectations, b->expectations);
    num_row(t, s, "cycles", a->meta->cycles, b->meta->cycles);
    num_row(t, s, "instructions", a->meta->instructions, b->meta->instructions);
    num_row(t, s, "events", a->log->nev, b->log->nev);
    num_row(t, s, "console_bytes", a->log->console_len, b->log->console_len);
    char x[17], y[17];
    snprintf(x, sizeof x, "%016llx", (unsigned long long)a->meta->hash);
    snprintf(y, sizeof y, "%016llx", (unsigned long long)b->meta->hash);
    text_row(t, s, "trace_hash", x, y);
}

static void counter_rows(struct trc_diff_table *t, const struct trc_log *a, const struct trc_log *b)
{
    const struct trc_msg_totals *x = &a->messages, *y = &b->messages;
    const char *s = "messages";
    num_row(t, s, "sent", x->sent, y->sent);
    num_row(t, s, "received", x->received, y->received);
    num_row(t, s, "fast_path", x->fast_path, y->fast_path);
    num_row(t, s, "slow_path", x->slow_path, y->slow_path);
    num_row(t, s, "direct", x->direct, y->direct);
    num_row(t, s, "queued", x->queued, y->queued);
    num_row(t, s, "refused", x->refused, y->refused);
    num_row(t, s, "dropped", x->dropped, y->dropped);
    for (uint32_t k = 0; k < TRC_SLOW_REASONS; k++) {
        const char *why = trc_slow_reason_name(k);
        char name[48];
        if (why && (x->slow_why[k] || y->slow_why[k]))
            num_row(t, s, fmt_name(name, sizeof name, "slow.%s", why), x->slow_why[k],
                    y->slow_why[k]);
    }
    s = "cap_cache";
    num_row(t, s, "hits", a->cap_cache.hits, b->cap_cache.hits);
    num_row(t, s, "misses", a->cap_cache.misses, b->cap_cache.misses);
    num_row(t, s, "invalidations", a->cap_cache.invalidations, b->cap_cache.invalidations);
}

static void path_rows(struct trc_diff_table *t, const struct trc_log *a, const struct trc_log *b)
{
    for (unsigned i = 0; i < TRC_PATH_COUNT; i++) {
        struct trc_path_stats x = {0}, y = {0};
        bool hx = trc_path_stats(a, i, &x), hy = trc_path_stats(b, i, &y);
        if (!hx && !hy)
            continue;
        char name[48];
        const char *p = trc_path_name(i);
        num_row(t, "paths", fmt_name(name, sizeof name, "%s count", p), x.count, y.count);
        opt_row(t, "paths", fmt_name(name, sizeof name, "%s median", p), hx, (double)x.median, hy,
                (double)y.median, 0);
        opt_row(t, "paths", fmt_name(name, sizeof name, "%s mean", p), hx,
                hx ? (double)x.sum / (double)x.count : 0, hy,
                hy ? (double)y.sum / (double)y.count : 0, 1);
    }
}

/* Writes process p's state as the summary does ("exited (code 0)") to
 * out[n]; "-" for no process (returns out). */
static const char *state_text(const struct trc_proc *p, char *out, size_t n)
{
    if (!p)
        snprintf(out, n, "-");
    else if (p->state == TRC_PROC_EXITED)
        snprintf(out, n, "exited (code %lld)", (long long)p->exit_code);
    else if (p->state == TRC_PROC_KILLED)
        snprintf(out, n, "killed (%s fault)", trc_fault_name(p->fault));
    else
        snprintf(out, n, "%s", trc_proc_state_name(p->state));
    return out;
}

/* The rows of the process with `pid` (x in a, y in b; either may be
 * NULL). */
static void proc_rows(struct trc_diff_table *t, uint32_t pid, const struct trc_proc *x,
                      const struct trc_proc *y)
{
    const char *s = "processes";
    char who[40], name[48], sx[48], sy[48];
    const struct trc_proc *p = x ? x : y;
    snprintf(who, sizeof who, "%u %s", pid, p->name);
    if (x && y && strcmp(x->name, y->name) != 0)
        text_row(t, s, fmt_name(name, sizeof name, "%s name", who), x->name, y->name);
    text_row(t, s, fmt_name(name, sizeof name, "%s state", who), state_text(x, sx, sizeof sx),
             state_text(y, sy, sizeof sy));
    opt_row(t, s, fmt_name(name, sizeof name, "%s cycles", who), x, x ? (double)x->cycles : 0, y,
            y ? (double)y->cycles : 0, 0);
    opt_row(t, s, fmt_name(name, sizeof name, "%s syscalls", who), x, x ? (double)x->syscalls : 0,
            y, y ? (double)y->syscalls : 0, 0);
    opt_row(t, s, fmt_name(name, sizeof name, "%s sent", who), x, x ? (double)x->messages_sent : 0,
            y, y ? (double)y->messages_sent : 0, 0);
    opt_row(t, s, fmt_name(name, sizeof name, "%s received", who), x,
            x ? (double)x->messages_received : 0, y, y ? (double)y->messages_received : 0, 0);
}

static void process_rows(struct trc_diff_table *t, const struct trc_log *a, const struct trc_log *b)
{
    /* a's processes in creation order, then those only b has */
    for (size_t i = 0; i < a->nprocs; i++)
        proc_rows(t, a->procs[i].pid, &a->procs[i], trc_log_proc(b, a->procs[i].pid));
    for (size_t i = 0; i < b->nprocs; i++)
        if (!trc_log_proc(a, b->procs[i].pid))
            proc_rows(t, b->procs[i].pid, NULL, &b->procs[i]);
}

static void event_rows(struct trc_diff_table *t, const struct trc_log *a, const struct trc_log *b)
{
    uint64_t ca[TRC_EV_COUNT + 1] = {0}, cb[TRC_EV_COUNT + 1] = {0};
    for (size_t i = 0; i < a->nev; i++)
        ca[a->ev[i].type < TRC_EV_COUNT ? a->ev[i].type : TRC_EV_COUNT]++;
    for (size_t i = 0; i < b->nev; i++)
        cb[b->ev[i].type < TRC_EV_COUNT ? b->ev[i].type : TRC_EV_COUNT]++;
    for (uint32_t k = 1; k <= TRC_EV_COUNT; k++)
        if (ca[k] || cb[k])
            num_row(t, "events", k < TRC_EV_COUNT ? trc_event_name(k) : "unknown", ca[k], cb[k]);
}

size_t trc_diff_table_build(struct trc_diff_table *t, const struct trc_diff_run *a,
                            const struct trc_diff_run *b)
{
    t->n = 0;
    t->oom = false;
    settings_rows(t, a->meta, b->meta);
    run_rows(t, a, b);
    counter_rows(t, a->log, b->log);
    path_rows(t, a->log, b->log);
    process_rows(t, a->log, b->log);
    event_rows(t, a->log, b->log);
    size_t differ = 0;
    for (size_t i = 0; i < t->n; i++)
        differ += t->row[i].differ;
    return differ;
}

/* Writes the change from a row's A to its B to out[n]: "+12 (+3.4%)",
 * "" when it has none (returns out). */
static const char *change_text(const struct trc_diff_row *r, char *out, size_t n)
{
    out[0] = '\0';
    if (!r->numeric || !r->differ)
        return out;
    double d = r->vb - r->va;
    bool whole = strchr(r->a, '.') == NULL;
    int k = whole ? snprintf(out, n, "%+.0f", d) : snprintf(out, n, "%+.1f", d);
    if (r->va != 0 && k > 0 && (size_t)k < n)
        snprintf(out + k, n - (size_t)k, " (%+.1f%%)", 100.0 * d / r->va);
    return out;
}

/* Returns true when row r is printed: of `section` (any when NULL), and
 * differing unless `all`. */
static bool row_shown(const struct trc_diff_row *r, bool all, const char *section)
{
    return (!section || !strcmp(section, r->section)) && (r->differ || all);
}

void trc_diff_table_print(FILE *out, const struct trc_diff_table *t, bool all, const char *section)
{
    /* columns as wide as what they show */
    int wn = 4, wa = 1, wb = 1;
    size_t same = 0, shown = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct trc_diff_row *r = &t->row[i];
        if (!row_shown(r, all, section)) {
            same += !section || !strcmp(section, r->section);
            continue;
        }
        int n = (int)strlen(r->name), a = (int)strlen(r->a), b = (int)strlen(r->b);
        wn = n > wn ? n : wn;
        wa = a > wa ? a : wa;
        wb = b > wb ? b : wb;
    }
    const char *last = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const struct trc_diff_row *r = &t->row[i];
        if (!row_shown(r, all, section))
            continue;
        if (!shown++)
            fprintf(out, "   %-*s  %*s  %*s  %s\n", wn, "", wa, "A", wb, "B", "change");
        if (r->section != last)
            fprintf(out, "%s\n", r->section);
        last = r->section;
        char change[48], line[256];
        /* numbers right-aligned, text left; no space at the end */
        int k = snprintf(line, sizeof line, " %s %-*s  %*s  %*s  %s", r->differ ? "*" : " ", wn,
                         r->name, r->numeric ? wa : -wa, r->a, r->numeric ? wb : -wb, r->b,
                         change_text(r, change, sizeof change));
        size_t len = k < 0 ? 0 : (size_t)k < sizeof line ? (size_t)k : sizeof line - 1;
        while (len > 0 && line[len - 1] == ' ')
            len--;
        fprintf(out, "%.*s\n", (int)len, line);
    }
    if (!all && same)
        fprintf(out, "(%zu row%s the same in both: --all shows them)\n", same,
                same == 1 ? "" : "s");
    if (t->oom)
        fprintf(out, "(out of memory: rows are missing)\n");
}

void trc_diff_table_free(struct trc_diff_table *t)
{
    free(t->row);
    memset(t, 0, sizeof *t);
}

/* Adds text s to object o as `key`, made printable; returns false when
 * out of memory. */
static bool json_text(cJSON *o, const char *key, const char *s)
{
    char p[2048];
    return cJSON_AddStringToObject(o, key, hf_printable(s, strlen(s), p, sizeof p)) != NULL;
}

/* Adds a run's description to `top` as `key`; returns false when out of
 * memory. */
static bool json_run(cJSON *top, const char *key, const char *file, const struct trc_diff_run *r)
{
    cJSON *o = cJSON_AddObjectToObject(top, key);
    return o && json_text(o, "file", file) && json_text(o, "kind", r->meta->kind) &&
           json_text(o, "arch", r->meta->arch) && json_text(o, "cpu", r->meta->cpu) &&
           json_text(o, "build", r->meta->build) && json_text(o, "outcome", r->outcome);
}

/* Returns a row's figure as JSON: a number, a string, or null ("-"). */
static cJSON *json_value(const struct trc_diff_row *r, const char *text, double v)
{
    if (!strcmp(text, "-"))
        return cJSON_CreateNull();
    return r->numeric ? cJSON_CreateNumber(v) : cJSON_CreateString(text);
}

char *trc_diff_json(const char *file_a, const char *file_b, const struct trc_diff_run *a,
                    const struct trc_diff_run *b, const struct trc_diff_table *t,
                    const struct trc_diff_events *d, bool same)
{
    cJSON *top = cJSON_CreateObject();
    bool ok = top && json_run(top, "a", file_a, a) && json_run(top, "b", file_b, b) &&
              cJSON_AddBoolToObject(top, "same", same);
    cJSON *rows = ok ? cJSON_AddArrayToObject(top, "rows") : NULL;
    ok = rows != NULL;
    for (size_t i = 0; ok && i < t->n; i++) {
        const struct trc_diff_row *r = &t->row[i];
        cJSON *o = cJSON_CreateObject();
        ok = o && cJSON_AddItemToArray(rows, o) &&
             cJSON_AddStringToObject(o, "section", r->section) &&
             cJSON_AddStringToObject(o, "name", r->name) &&
             cJSON_AddItemToObject(o, "a", json_value(r, r->a, r->va)) &&
             cJSON_AddItemToObject(o, "b", json_value(r, r->b, r->vb)) &&
             cJSON_AddBoolToObject(o, "differ", r->differ);
    }
    cJSON *ev = ok ? cJSON_AddObjectToObject(top, "events") : NULL;
    ok = ev && cJSON_AddStringToObject(ev, "compared", d->ipc_only ? "ipc" : "all") &&
         cJSON_AddNumberToObject(ev, "a_events", (double)d->na) &&
         cJSON_AddNumberToObject(ev, "b_events", (double)d->nb) &&
         cJSON_AddNumberToObject(ev, "stamps_only", (double)d->stamps) &&
         cJSON_AddBoolToObject(ev, "exact", d->exact) &&
         cJSON_AddBoolToObject(ev, "console_same", d->console);
    if (ok && d->at == SIZE_MAX) {
        ok = cJSON_AddNullToObject(ev, "first") != NULL;
    } else if (ok) {
        cJSON *f = cJSON_AddObjectToObject(ev, "first");
        char text[300];
        ok = f && cJSON_AddNumberToObject(f, "position", (double)d->at) &&
             cJSON_AddNumberToObject(f, "a_index", (double)d->ia) &&
             cJSON_AddNumberToObject(f, "b_index", (double)d->ib);
        const struct trc_log *logs[2] = {a->log, b->log};
        const size_t at[2] = {d->ia, d->ib};
        for (int k = 0; ok && k < 2; k++) {
            if (at[k] < logs[k]->nev) {
                trc_event_describe(logs[k], &logs[k]->ev[at[k]], text, sizeof text);
                ok = cJSON_AddStringToObject(f, k ? "b" : "a", text) != NULL;
            } else {
                ok = cJSON_AddNullToObject(f, k ? "b" : "a") != NULL;
            }
        }
    }
    char *s = ok ? cJSON_Print(top) : NULL;
    cJSON_Delete(top);
    return s;
}
