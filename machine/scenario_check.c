/* machine/scenario_check.c: a finished run against its scenario. Maps
 * compiled operations back to their places in the scenario, reads the
 * runner's lines about operations that failed (abi/scenario.h
 * SCN_FAIL_LINE) and checks every expectation against the trace. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/scenario_int.h"
#include "tracer/trace.h"

_Static_assert(TRC_CHECK_DEPTH >= SCN_MAX_DEPTH, "a failed operation's repeats fit a check");

/* ---- places of compiled operations --------------------------------------- */

/* The element of "processes" process `proc` belongs to, or NULL. */
static const struct scn_entry *entry_of(const struct scn *s, size_t proc)
{
    for (size_t i = 0; i < s->nentries; i++)
        if (proc >= s->entries[i].first && proc < s->entries[i].first + s->entries[i].count)
            return &s->entries[i];
    return NULL;
}

/* Returns the name of operation code `code`, or NULL. */
static const char *op_name(uint16_t code)
{
    size_t n;
    const struct scn_op_spec *specs = scn_op_specs(&n);
    if (code == SCN_OP_LOOP_END)
        code = SCN_OP_REPEAT;
    for (size_t k = 0; k < n; k++)
        if (specs[k].code == code)
            return specs[k].name;
    return NULL;
}

const char *scn_place_text(const struct scn *s, size_t proc, uint32_t slot, char *out, size_t n)
{
    const struct scn_entry *e = entry_of(s, proc);
    if (n)
        out[0] = '\0';
    if (!e || slot >= e->nops)
        return NULL;
    const struct scn_place *pl = &e->places[slot];
    int w = snprintf(out, n, "processes[%zu].program[%u]", (size_t)(e - s->entries), pl->idx[0]);
    size_t k = w > 0 ? (size_t)w : 0;
    for (unsigned d = 1; d < pl->depth && k < n; d++) {
        w = snprintf(out + k, n - k, ".body[%u]", pl->idx[d]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    return op_name(pl->code);
}

/* ---- checking a run ------------------------------------------------------ */

struct trc_check *scn_checks_add(struct scn_checks *cs)
{
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 16;
        struct trc_check *v = realloc(cs->v, cap * sizeof *v);
        if (!v) {
            cs->oom = true;
            return NULL;
        }
        cs->v = v;
        cs->cap = cap;
    }
    struct trc_check *c = &cs->v[cs->n++];
    memset(c, 0, sizeof *c);
    return c;
}

void scn_checks_row(struct scn_checks *cs, bool held, const char *path, const char *expected,
                    const char *got_fmt, ...)
{
    struct trc_check *c = scn_checks_add(cs);
    if (!c)
        return;
    c->held = held;
    snprintf(c->path, sizeof c->path, "%s", path);
    snprintf(c->expected, sizeof c->expected, "%s", expected);
    va_list ap;
    va_start(ap, got_fmt);
    vsnprintf(c->got, sizeof c->got, got_fmt, ap);
    va_end(ap);
}

/* Writes the name of result r ("ok", "timeout", or "error -5") to out[n]. */
static void result_text(int32_t r, char *out, size_t n)
{
    const char *name = scn_error_name(r);
    if (name)
        snprintf(out, n, "%s", name);
    else
        snprintf(out, n, "error %d", (int)r);
}

/* Describes value expectation `expect` (abi/scenario.h SCN_EXPECT_VALUE)
 * of process `proc`'s program in out[n] ("3", "at least 1", "at most 5",
 * "from 1 to 5"); false when it is not in the program's strings. */
static bool value_text(const struct scn *s, size_t proc, int32_t expect, char *out, size_t n)
{
    const struct scn_proc *sp =
        (const struct scn_proc *)((const char *)s->blob + s->blob->proc_offset) + proc;
    uint32_t at = (uint32_t)expect - 1;
    struct scn_value v;
    if (proc >= s->blob->nprocs || at % 8 || (uint64_t)at + sizeof v > sp->nstr)
        return false;
    memcpy(&v, (const char *)s->blob + sp->str_offset + at, sizeof v);
    if (v.lo == v.hi)
        snprintf(out, n, "%llu", (unsigned long long)v.lo);
    else if (v.hi == INT64_MAX)
        snprintf(out, n, "at least %llu", (unsigned long long)v.lo);
    else if (v.lo == 0)
        snprintf(out, n, "at most %llu", (unsigned long long)v.hi);
    else
        snprintf(out, n, "from %llu to %llu", (unsigned long long)v.lo, (unsigned long long)v.hi);
    return true;
}

/* Parses the unsigned decimal at *p (moving past it) into *v; false when
 * there is none. */
static bool parse_dec(const char **p, const char *end, uint64_t *v)
{
    const char *q = *p;
    *v = 0;
    while (q < end && *q >= '0' && *q <= '9' && *v <= UINT64_MAX / 10)
        *v = *v * 10 + (uint64_t)(*q++ - '0');
    if (q == *p)
        return false;
    *p = q;
    return true;
}

/* Parses a signed decimal of at most `max` in magnitude (see parse_dec). */
static bool parse_int(const char **p, const char *end, uint64_t max, int64_t *v)
{
    bool neg = *p < end && **p == '-';
    uint64_t u;
    if (neg)
        (*p)++;
    if (!parse_dec(p, end, &u) || u > max)
        return false;
    *v = neg ? -(int64_t)u : (int64_t)u;
    return true;
}

/* Returns true when text [*p, end) starts with `lit` (moving past it). */
static bool eat(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

/* The index of the scenario process the log's process `pid` is, or
 * SIZE_MAX. */
static size_t proc_of_pid(const struct scn *s, const struct trc_log *log, uint32_t pid)
{
    const struct trc_proc *tp = trc_log_proc(log, pid);
    for (size_t i = 0; tp && i < s->nprocs; i++)
        if (strcmp(s->proc_names[i], tp->name) == 0)
            return i;
    return SIZE_MAX;
}

/* Reads one runner line (abi/scenario.h SCN_FAIL_LINE, without its
 * prefix: [p, end)) into a failed-operation check; false when it is not
 * one. */
static bool failed_op(const struct scn *s, const struct trc_log *log, const char *p,
                      const char *end, struct trc_check *fc, size_t *proc)
{
    uint64_t pid, slot, it;
    int64_t got, want;
    if (!parse_dec(&p, end, &pid) || !eat(&p, end, ": operation ") || !parse_dec(&p, end, &slot) ||
        !eat(&p, end, " returned ") || !parse_int(&p, end, INT64_MAX, &got) ||
        !eat(&p, end, ", expected ") || !parse_int(&p, end, INT32_MAX, &want) ||
        !eat(&p, end, "; iterations"))
        return false;
    *proc = proc_of_pid(s, log, (uint32_t)pid);
    const struct scn_entry *e = *proc == SIZE_MAX ? NULL : entry_of(s, *proc);
    if (!e || slot >= e->nops)
        return false;
    memset(fc, 0, sizeof *fc);
    const char *name = scn_place_text(s, *proc, (uint32_t)slot, fc->path, sizeof fc->path);
    snprintf(fc->op, sizeof fc->op, "%s", name ? name : "?");
    snprintf(fc->process, sizeof fc->process, "%s", s->proc_names[*proc]);
    if (want > 0) { /* a value expectation: the raw result */
        if (!value_text(s, *proc, (int32_t)want, fc->expected, sizeof fc->expected))
            return false;
        if (got >= 0)
            snprintf(fc->got, sizeof fc->got, "%lld", (long long)got);
        else
            result_text(got < INT32_MIN ? INT32_MIN : (int32_t)got, fc->got, sizeof fc->got);
    } else {
        result_text((int32_t)want, fc->expected, sizeof fc->expected);
        result_text((int32_t)got, fc->got, sizeof fc->got);
    }
    /* the repeats around it: each REPEAT up to it whose LOOP_END is after it */
    for (uint32_t k = 0; k < slot && fc->niterations < TRC_CHECK_DEPTH; k++)
        if (e->ops[k].code == SCN_OP_REPEAT && e->ops[k].m > slot)
            fc->of[fc->niterations++] = e->ops[k].v;
    for (unsigned d = 0; d < fc->niterations; d++) {
        if (!eat(&p, end, " ") || !parse_dec(&p, end, &it))
            break;
        fc->iteration[d] = it;
    }
    return true;
}

/* Describes how process i of the run ended ("exited with code 3", ...) in
 * out[n]; returns whether that is what the scenario expects of it. */
static bool proc_ended(const struct scn *s, const struct trc_proc *p, size_t i,
                       const struct scn_checks *ops, char *out, size_t n)
{
    const struct scn_expect_proc *ep = &s->expect.procs[i];
    if (!p) {
        snprintf(out, n, "never ran");
        return false;
    }
    switch (p->state) {
    case TRC_PROC_EXITED: {
        int k = snprintf(out, n, "exited with code %lld", (long long)p->exit_code);
        for (size_t f = 0; f < ops->n && k >= 0 && (size_t)k < n; f++) {
            if (strcmp(ops->v[f].process, s->proc_names[i]) != 0)
                continue;
            /* the first failed operation; a long path is cut at the end */
            char tail[sizeof ops->v[f].path + 32];
            snprintf(tail, sizeof tail, " (its operation %s failed)", ops->v[f].path);
            size_t len = strlen(tail), room = n - (size_t)k - 1;
            memcpy(out + k, tail, len < room ? len : room);
            out[(size_t)k + (len < room ? len : room)] = '\0';
            break;
        }
        return !ep->killed && !ep->blocked && p->exit_code == ep->code;
    }
    case TRC_PROC_KILLED:
        snprintf(out, n, "was killed (%s fault)", trc_fault_name(p->fault));
        return ep->killed;
    case TRC_PROC_BLOCKED:
        snprintf(out, n, "blocked");
        return ep->blocked;
    default:
        snprintf(out, n, "still running");
        return false;
    }
}

/* Adds the rows of expect.processes: one per key, then one for the
 * processes no key names (unless the run is meant to deadlock). */
static void check_procs(const struct scn *s, const struct trc_log *log,
                        const struct scn_checks *ops, struct scn_checks *cs)
{
    const struct scn_expect *e = &s->expect;
    const struct trc_proc **found = calloc(s->nprocs ? s->nprocs : 1, sizeof *found);
    if (!found) {
        cs->oom = true;
        return;
    }
    /* the log's processes by name, once */
    for (size_t k = 0; k < log->nprocs; k++)
        for (size_t i = 0; i < s->nprocs; i++)
            if (!found[i] && strcmp(log->procs[k].name, s->proc_names[i]) == 0) {
                found[i] = &log->procs[k];
                break;
            }
    for (size_t r = 0; r <= e->nkeys; r++) {
        long key = r < e->nkeys ? (long)r : -1; /* the processes not named last */
        size_t covered = 0, bad = 0;
        char first[TRC_CHECK_TEXT] = "", first_bad[TRC_CHECK_TEXT] = "", text[TRC_CHECK_TEXT];
        for (size_t i = 0; i < s->nprocs; i++) {
            if (e->procs[i].key != key)
                continue;
            bool ok = proc_ended(s, found[i], i, ops, text, sizeof text);
            if (!covered++)
                snprintf(first, sizeof first, "%s", text);
            if (!ok && bad++ == 0)
                snprintf(first_bad, sizeof first_bad, "%.16s %.170s", s->proc_names[i], text);
        }
        if (!covered || (key < 0 && e->deadlock))
            continue;
        char path[64], expected[TRC_CHECK_TEXT];
        const struct scn_expect_key *k = key >= 0 ? &e->keys[key] : NULL;
        snprintf(path, sizeof path, "expect.processes%s%s", k ? "." : "", k ? k->name : "");
        if (!k)
            snprintf(expected, sizeof expected, "exited with code 0 (every process not named)");
        else if (k->killed || k->blocked)
            snprintf(expected, sizeof expected, "%s", k->killed ? "killed" : "blocked");
        else
            snprintf(expected, sizeof expected, "exited with code %d", k->code);
        if (!bad && covered > 1)
            scn_checks_row(cs, true, path, expected, "all %zu %s", covered, first);
        else if (!bad)
            scn_checks_row(cs, true, path, expected, "%s", first);
        else if (bad > 1)
            scn_checks_row(cs, false, path, expected, "%s, and %zu more did not", first_bad,
                           bad - 1);
        else
            scn_checks_row(cs, false, path, expected, "%s", first_bad);
    }
    free(found);
}

size_t scn_checks_failures(const struct scn_checks *cs, size_t failed,
                           const struct trc_check **first, char *more, size_t mn)
{
    *first = NULL;
    for (size_t i = 0; i < cs->n; i++)
        if (!cs->v[i].held && failed++ == 0)
            *first = &cs->v[i];
    more[0] = '\0';
    if (failed > 1)
        snprintf(more, mn, " (and %zu more)", failed - 1);
    return failed;
}

/* scn_check, or with `events` false scn_check_no_events. */
static int check_run(const struct scn *s, const struct trc_log *log, bool events, uint64_t cycles,
                     const char *outcome, struct scn_verdict *v, char *why, size_t n)
{
    const struct scn_expect *e = &s->expect;
    struct scn_checks cs = {0}, ops = {0};
    memset(v, 0, sizeof *v);
    /* the operations the runner reported (abi/scenario.h SCN_FAIL_LINE) */
    const char *con = log->console, *cend = con ? con + log->console_len : NULL;
    size_t plen = strlen(SCN_FAIL_LINE);
    for (const char *line = con; con && line < cend;) {
        const char *nl = memchr(line, '\n', (size_t)(cend - line));
        const char *lend = nl ? nl : cend;
        struct trc_check fc;
        size_t proc;
        if ((size_t)(lend - line) > plen && memcmp(line, SCN_FAIL_LINE, plen) == 0 &&
            failed_op(s, log, line + plen, lend, &fc, &proc)) {
            struct trc_check *c = scn_checks_add(&ops);
            if (c)
                *c = fc;
        }
        line = nl ? nl + 1 : cend;
    }
    scn_checks_row(&cs, strcmp(outcome, e->deadlock ? "deadlock" : "ok") == 0, "expect.outcome",
                   e->deadlock ? "deadlock" : "ok", "%s", outcome);
    if (events)
        check_procs(s, log, &ops, &cs);
    const uint64_t got[SCN_MSG_COUNT] = {log->messages.sent,      log->messages.received,
                                         log->messages.fast_path, log->messages.slow_path,
                                         log->messages.refused,   log->messages.dropped};
    for (int f = 0; f < SCN_MSG_COUNT; f++)
        if (events && e->has_msg[f]) {
            char path[64], expected[32];
            snprintf(path, sizeof path, "expect.messages.%s",
                     scn_msg_field_name((enum scn_msg_field)f));
            snprintf(expected, sizeof expected, "%llu", (unsigned long long)e->msg[f]);
            scn_checks_row(&cs, got[f] == e->msg[f], path, expected, "%llu",
                           (unsigned long long)got[f]);
        }
    for (size_t i = 0; events && i < e->npaths; i++) {
        const struct scn_expect_path *pe = &e->paths[i];
        unsigned id = 0;
        while (id < TRC_PATH_COUNT && strcmp(trc_path_name(id), pe->name) != 0)
            id++;
        uint64_t count = id < TRC_PATH_COUNT ? log->paths[id].n : 0;
        char path[64], expected[96];
        int k = 0;
        snprintf(path, sizeof path, "expect.paths.%s", pe->name);
        expected[0] = '\0';
        if (pe->has_count)
            k += snprintf(expected + k, sizeof expected - (size_t)k, "count %llu",
                          (unsigned long long)pe->count);
        if (pe->has_min)
            k += snprintf(expected + k, sizeof expected - (size_t)k, "%smin_count %llu",
                          k ? ", " : "", (unsigned long long)pe->min);
        if (pe->has_max)
            snprintf(expected + k, sizeof expected - (size_t)k, "%smax_count %llu", k ? ", " : "",
                     (unsigned long long)pe->max);
        bool held = !((pe->has_count && count != pe->count) || (pe->has_min && count < pe->min) ||
                      (pe->has_max && count > pe->max));
        scn_checks_row(&cs, held, path, expected[0] ? expected : "any count", "%llu",
                       (unsigned long long)count);
    }
    scn_check_thats(s, log, events, cycles, &cs);
    if (events)
        scn_check_orders(s, log, &cs);
    if (e->has_cycles_min || e->has_cycles_max) {
        char expected[96];
        if (e->has_cycles_min && e->has_cycles_max)
            snprintf(expected, sizeof expected, "min %llu, max %llu",
                     (unsigned long long)e->cycles_min, (unsigned long long)e->cycles_max);
        else
            snprintf(expected, sizeof expected, "%s %llu", e->has_cycles_min ? "min" : "max",
                     (unsigned long long)(e->has_cycles_min ? e->cycles_min : e->cycles_max));
        bool held = !((e->has_cycles_min && cycles < e->cycles_min) ||
                      (e->has_cycles_max && cycles > e->cycles_max));
        scn_checks_row(&cs, held, "expect.cycles", expected, "%llu", (unsigned long long)cycles);
    }
    v->checks = cs.v;
    v->nchecks = cs.n;
    v->failed_ops = ops.v;
    v->nfailed_ops = ops.n;
    if (cs.oom || ops.oom) {
        snprintf(why, n, "out of memory checking the expectations");
        return -1;
    }
    const struct trc_check *first;
    char more[48];
    if (!scn_checks_failures(&cs, ops.n, &first, more, sizeof more))
        return 0;
    if (ops.n) {
        const struct trc_check *f = &ops.v[0];
        char iters[160] = "";
        size_t k = 0;
        for (unsigned d = 0; d < f->niterations && k < sizeof iters; d++) {
            int w =
                snprintf(iters + k, sizeof iters - k, "%s%llu of %llu", d ? ", " : ", iteration ",
                         (unsigned long long)f->iteration[d], (unsigned long long)f->of[d]);
            if (w < 0)
                break;
            k += (size_t)w;
        }
        snprintf(why, n, "operation failed: %s (%s) in %s%s: expected %s, returned %s%s", f->path,
                 f->op, f->process, iters, f->expected, f->got, more);
    } else {
        snprintf(why, n, "expectation failed: %s: expected %s, got %s%s", first->path,
                 first->expected, first->got, more);
    }
    return -1;
}

int scn_check(const struct scn *s, const struct trc_log *log, uint64_t cycles, const char *outcome,
              struct scn_verdict *v, char *why, size_t n)
{
    return check_run(s, log, true, cycles, outcome, v, why, n);
}

int scn_check_no_events(const struct scn *s, const struct trc_log *log, uint64_t cycles,
                        const char *outcome, struct scn_verdict *v, char *why, size_t n)
{
    return check_run(s, log, false, cycles, outcome, v, why, n);
}

void scn_verdict_free(struct scn_verdict *v)
{
    free(v->checks);
    free(v->failed_ops);
    memset(v, 0, sizeof *v);
}
