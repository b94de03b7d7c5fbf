/* machine/scenario_expr.c: the expectations that state a lesson
 * (docs/scenarios.md "Comparisons" and "Order of events"):
 *   expect.that   "ipc.roundtrip.fast.median < ipc.roundtrip.slow.median",
 *                 "cap_cache.misses >= 100", "thrash:cap_cache.misses > hot:cap_cache.misses"
 *   expect.order  "server runs before spinner runs"
 * read from their strings (each refusal names its JSON path and says what
 * is wrong) and checked against a finished run, or, for comparisons between
 * named runs, against the values each run left in a struct scn_snap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/scenario_int.h"
#include "tracer/trace.h"

static const char *const stat_names[] = {"count", "min", "median", "p99", "max", "mean", NULL};
_Static_assert(sizeof stat_names / sizeof stat_names[0] == SCN_STAT_N + 1, "a name per stat");
static const char *const cache_names[] = {"hits", "misses", "invalidations", NULL};
static const char *const msg_names[] = {"sent",   "received", "fast_path", "slow_path", "direct",
                                        "queued", "refused",  "dropped",   NULL};
static const char *const proc_names[] = {"cycles",   "syscalls",  "sent",
                                         "received", "exit_code", NULL};
static const char *const verb_names[] = {"runs",     "sends",  "receives", "replies",
                                         "notifies", "blocks", "exits",    NULL};
_Static_assert(sizeof verb_names / sizeof verb_names[0] == SCN_VERB_N + 1, "a name per verb");
static const char *const cmp_names[] = {"<", "<=", ">", ">=", "=="};

const char *const *scn_stat_names(void)
{
    return stat_names;
}

const char *const *scn_msg_counter_names(void)
{
    return msg_names;
}

const char *const *scn_proc_counter_names(void)
{
    return proc_names;
}

const char *const *scn_verb_names(void)
{
    return verb_names;
}

/* Returns the index of `name` (len characters) in the NULL-terminated
 * `names`, or -1. */
static int name_index(const char *const *names, const char *name, size_t len)
{
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    return -1;
}

/* Writes the NULL-terminated `names` as "a, b, c" to out[n] (returns nothing). */
static void list_names(const char *const *names, char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; names[i] && k < n; i++) {
        int w = snprintf(out + k, n - k, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* Returns the index of the process (replicas counted) named exactly
 * `name`, or -1. */
static int proc_index(const struct scn *s, const char *name)
{
    for (size_t i = 0; i < s->nprocs; i++)
        if (strcmp(s->proc_names[i], name) == 0)
            return (int)i;
    return -1;
}

/* Returns true when `name` is a process of the scenario, every replica of
 * one, or one replica. */
static bool known_process(const struct scn_build *b, const char *name)
{
    for (size_t i = 0; i < b->nentries; i++)
        if (strcmp(b->entries[i].name, name) == 0)
            return true;
    return proc_index(b->s, name) >= 0;
}

/* ---- reading a comparison ------------------------------------------------ */

static bool term_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '.';
}

/* Reads a non-negative decimal (digits, at most one fraction) at *p into
 * *v, moving past it; false when there is none. */
static bool read_number(const char **p, double *v)
{
    const char *q = *p;
    double x = 0, scale = 0;
    size_t digits = 0;
    for (; (*q >= '0' && *q <= '9') || (*q == '.' && scale == 0); q++) {
        if (*q == '.') {
            scale = 1;
            continue;
        }
        x = x * 10 + (*q - '0');
        if (scale > 0)
            scale *= 10;
        digits++;
    }
    if (!digits || digits > 15 || q[-1] == '.')
        return false;
    *v = scale > 1 ? x / scale : x;
    *p = q;
    return true;
}

/* Reads what a name of a quantity (`t`, len characters, without its run)
 * is into *q; false with the error. */
static bool read_quantity(struct scn_ctx *c, const struct scn_build *b, const char *t, size_t len,
                          struct scn_qty *q)
{
    char names[200];
    if (len == 6 && memcmp(t, "cycles", 6) == 0) {
        q->kind = SCN_QTY_CYCLES;
        return true;
    }
    const char *dot = memchr(t, '.', len);
    size_t head = dot ? (size_t)(dot - t) : len;
    if (head == 9 && memcmp(t, "cap_cache", 9) == 0) {
        int i = dot ? name_index(cache_names, dot + 1, len - head - 1) : -1;
        list_names(cache_names, names, sizeof names);
        if (i < 0)
            return scn_fail(c, "\"%.*s\": cap_cache has %s", (int)len, t, names);
        q->kind = SCN_QTY_CACHE;
        q->id = (unsigned)i;
        return true;
    }
    if (head == 8 && memcmp(t, "messages", 8) == 0) {
        int i = dot ? name_index(msg_names, dot + 1, len - head - 1) : -1;
        list_names(msg_names, names, sizeof names);
        if (i < 0)
            return scn_fail(c, "\"%.*s\": messages has %s", (int)len, t, names);
        q->kind = SCN_QTY_MSG;
        q->id = (unsigned)i;
        return true;
    }
    const char *last = t + len;
    while (last > t && last[-1] != '.')
        last--;
    if (last == t) /* no dot at all */
        return scn_fail(c,
                        "\"%.*s\": not a quantity (a path's statistic such as "
                        "ipc.call.fast.median, cap_cache.*, messages.*, processes.NAME.*, cycles)",
                        (int)len, t);
    size_t field = (size_t)(t + len - last);
    if (head == 9 && memcmp(t, "processes", 9) == 0) {
        int i = name_index(proc_names, last, field);
        list_names(proc_names, names, sizeof names);
        char who[32];
        size_t wl = (size_t)(last - 1 - (dot + 1));
        if (last - 1 <= dot || wl >= sizeof who || i < 0)
            return scn_fail(c, "\"%.*s\": write processes.NAME.FIELD, FIELD one of %s", (int)len, t,
                            names);
        memcpy(who, dot + 1, wl);
        who[wl] = '\0';
        int p = proc_index(b->s, who);
        if (p < 0 && known_process(b, who))
            return scn_fail(c, "\"%.*s\": %s has replicas: name one (\"%s.0\")", (int)len, t, who,
                            who);
        if (p < 0)
            return scn_fail(c, "\"%.*s\": no process named \"%s\"", (int)len, t, who);
        q->kind = SCN_QTY_PROC;
        q->id = (unsigned)i;
        q->proc = (uint32_t)p;
        return true;
    }
    int st = name_index(stat_names, last, field);
    size_t plen = (size_t)(last - 1 - t);
    unsigned id = 0;
    while (id < TRC_PATH_COUNT &&
           (strlen(trc_path_name(id)) != plen || memcmp(trc_path_name(id), t, plen) != 0))
        id++;
    if (id == TRC_PATH_COUNT) {
        /* a path without its statistic, or no path at all */
        unsigned whole = 0;
        while (whole < TRC_PATH_COUNT &&
               (strlen(trc_path_name(whole)) != len || memcmp(trc_path_name(whole), t, len) != 0))
            whole++;
        list_names(stat_names, names, sizeof names);
        if (whole < TRC_PATH_COUNT)
            return scn_fail(c, "\"%.*s\": name a statistic of the path (%s)", (int)len, t, names);
        return scn_fail(c, "\"%.*s\": no path named \"%.*s\" (docs/ipc.md lists them)", (int)len, t,
                        (int)plen, t);
    }
    if (st < 0) {
        list_names(stat_names, names, sizeof names);
        return scn_fail(c, "\"%.*s\": a path's statistic is one of %s", (int)len, t, names);
    }
    q->kind = SCN_QTY_PATH;
    q->id = id;
    q->stat = (unsigned)st;
    return true;
}

/* Reads one side of a comparison at *p (moving past it) into *q: NUMBER,
 * [NUMBER *] [RUN:]QUANTITY. False with the error. */
static bool read_side(struct scn_ctx *c, const struct scn_build *b, const char **p,
                      struct scn_qty *q)
{
    const char *s = *p;
    memset(q, 0, sizeof *q);
    q->run = -1;
    q->factor = 1;
    while (*s == ' ')
        s++;
    if (*s >= '0' && *s <= '9') {
        if (!read_number(&s, &q->factor))
            return scn_fail(c, "\"%.15s\": not a number (digits, at most 15, and a fraction)", s);
        while (*s == ' ')
            s++;
        if (*s != '*') {
            q->kind = SCN_QTY_NUMBER;
            *p = s;
            return true;
        }
        s++;
        while (*s == ' ')
            s++;
    }
    const char *t = s;
    while (term_char(*s))
        s++;
    if (*s == ':') { /* a run's name */
        size_t rl = (size_t)(s - t);
        const struct scn *sc = b->s;
        size_t r = 0;
        while (r < sc->nruns && (strlen(sc->runs[r].name) != rl || memcmp(sc->runs[r].name, t, rl)))
            r++;
        if (r == sc->nruns)
            return scn_fail(c, "\"%.*s:\": no run named \"%.*s\"%s", (int)rl, t, (int)rl, t,
                            sc->nruns ? "" : " (the scenario has no \"runs\")");
        q->run = (int)r;
        t = ++s;
        while (term_char(*s))
            s++;
    }
    if (s == t)
        return scn_fail(c, "a side of the comparison is missing or starts with '%c'",
                        *s ? *s : ' ');
    if (!read_quantity(c, b, t, (size_t)(s - t), q))
        return false;
    *p = s;
    return true;
}

/* Reads one comparison (the string `text`, at the current path) into *t. */
static bool read_that(struct scn_ctx *c, const struct scn_build *b, const char *text,
                      struct scn_that *t)
{
    memset(t, 0, sizeof *t);
    if (strlen(text) > SCN_TEXT_MAX)
        return scn_fail(c, "longer than %d characters", SCN_TEXT_MAX);
    snprintf(t->text, sizeof t->text, "%s", text);
    const char *p = text;
    if (!read_side(c, b, &p, &t->q[0]))
        return false;
    while (*p == ' ')
        p++;
    int op = -1;
    for (int k = 4; k >= 0 && op < 0; k--) /* two-character operators first */
        if (strncmp(p, cmp_names[k], strlen(cmp_names[k])) == 0)
            op = k;
    if (op < 0)
        return scn_fail(c, "\"%s\": no comparison (<, <=, >, >=, ==) after \"%.*s\"", text,
                        (int)(p - text), text);
    t->cmp = (enum scn_cmp)op;
    p += strlen(cmp_names[op]);
    if (!read_side(c, b, &p, &t->q[1]))
        return false;
    while (*p == ' ')
        p++;
    if (*p)
        return scn_fail(c, "\"%s\": unexpected \"%s\" after the comparison", text, p);
    bool named[2], number[2];
    for (int k = 0; k < 2; k++) {
        named[k] = t->q[k].run >= 0;
        number[k] = t->q[k].kind == SCN_QTY_NUMBER;
        t->events |= !number[k] && t->q[k].kind != SCN_QTY_CYCLES;
    }
    if (number[0] && number[1])
        return scn_fail(c, "\"%s\": compares two numbers", text);
    t->cross = named[0] || named[1];
    if (t->cross && ((!named[0] && !number[0]) || (!named[1] && !number[1])))
        return scn_fail(c, "\"%s\": name the run of both sides (\"RUN:...\")", text);
    return true;
}

bool scn_load_thats(struct scn_ctx *c, struct scn_build *b, const cJSON *arr)
{
    struct scn_expect *e = &b->s->expect;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
        return scn_fail(c, "must be a non-empty array of comparisons");
    if (cJSON_GetArraySize(arr) > SCN_MAX_THATS)
        return scn_fail(c, "more than %d comparisons", SCN_MAX_THATS);
    if (!(e->thats = calloc((size_t)cJSON_GetArraySize(arr), sizeof *e->thats)))
        return scn_fail(c, "out of memory");
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        scn_push_index(c, i);
        if (!cJSON_IsString(it))
            return scn_fail(c, "must be a string (\"ipc.call.fast.median < 2000\")");
        if (!read_that(c, b, it->valuestring, &e->thats[e->nthats]))
            return false;
        e->nthats++;
        scn_pop(c);
    }
    return true;
}

/* ---- reading an order ---------------------------------------------------- */

/* Reads "WHO VERB" from the words at w[0], w[1] into who/verb; false with
 * the error. */
static bool read_event(struct scn_ctx *c, const struct scn_build *b, const char *text,
                       char *const *w, char who[24], enum scn_verb *verb)
{
    if (strlen(w[0]) >= 24 || !known_process(b, w[0]))
        return scn_fail(c, "\"%s\": no process named \"%s\"", text, w[0]);
    int v = name_index(verb_names, w[1], strlen(w[1]));
    if (v < 0) {
        char names[120];
        list_names(verb_names, names, sizeof names);
        return scn_fail(c, "\"%s\": \"%s\" is not one of %s", text, w[1], names);
    }
    snprintf(who, 24, "%s", w[0]);
    *verb = (enum scn_verb)v;
    return true;
}

bool scn_load_orders(struct scn_ctx *c, struct scn_build *b, const cJSON *arr)
{
    struct scn_expect *e = &b->s->expect;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
        return scn_fail(c, "must be a non-empty array of orders");
    if (cJSON_GetArraySize(arr) > SCN_MAX_ORDERS)
        return scn_fail(c, "more than %d orders", SCN_MAX_ORDERS);
    if (!(e->orders = calloc((size_t)cJSON_GetArraySize(arr), sizeof *e->orders)))
        return scn_fail(c, "out of memory");
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        scn_push_index(c, i);
        if (!cJSON_IsString(it))
            return scn_fail(c, "must be a string (\"server runs before spinner runs\")");
        const char *text = it->valuestring;
        if (strlen(text) > SCN_TEXT_MAX)
            return scn_fail(c, "longer than %d characters", SCN_TEXT_MAX);
        struct scn_order *o = &e->orders[e->norders];
        snprintf(o->text, sizeof o->text, "%s", text);
        char words[SCN_TEXT_MAX + 1], *w[6] = {0};
        snprintf(words, sizeof words, "%s", text);
        int nw = 0;
        for (char *save = NULL, *tok = strtok_r(words, " ", &save); tok;
             tok = strtok_r(NULL, " ", &save))
            if (nw < 6)
                w[nw++] = tok;
            else
                nw = 7;
        if (nw != 5 || strcmp(w[2], "before") != 0)
            return scn_fail(c, "\"%s\": write \"WHO VERB before WHO VERB\"", text);
        if (!read_event(c, b, text, &w[0], o->who[0], &o->verb[0]) ||
            !read_event(c, b, text, &w[3], o->who[1], &o->verb[1]))
            return false;
        e->norders++;
        scn_pop(c);
    }
    return true;
}

/* ---- checking ------------------------------------------------------------ */

/* Writes v as an integer when it is one, else with two decimals. */
static void fmt_value(double v, char *out, size_t n)
{
    if (v == (double)(long long)v && v < 1e18)
        snprintf(out, n, "%lld", (long long)v);
    else
        snprintf(out, n, "%.2f", v);
}

/* Returns the log's process named exactly `name`, or NULL. */
static const struct trc_proc *log_proc(const struct trc_log *log, const char *name)
{
    for (size_t k = 0; k < log->nprocs; k++)
        if (strcmp(log->procs[k].name, name) == 0)
            return &log->procs[k];
    return NULL;
}

/* Reads quantity q of a finished run into *v; false (with why it has none
 * in why[n]) when it has no value: a path without spans, a process that
 * never ran. */
static bool qty_value(const struct scn *s, const struct scn_qty *q, const struct trc_log *log,
                      uint64_t cycles, double *v, char *why, size_t n)
{
    uint64_t u = 0;
    switch (q->kind) {
    case SCN_QTY_NUMBER:
        *v = q->factor;
        return true;
    case SCN_QTY_CYCLES:
        u = cycles;
        break;
    case SCN_QTY_CACHE: {
        const uint64_t all[] = {log->cap_cache.hits, log->cap_cache.misses,
                                log->cap_cache.invalidations};
        u = all[q->id];
        break;
    }
    case SCN_QTY_MSG: {
        const struct trc_msg_totals *m = &log->messages;
        const uint64_t all[] = {m->sent,   m->received, m->fast_path, m->slow_path,
                                m->direct, m->queued,   m->refused,   m->dropped};
        u = all[q->id];
        break;
    }
    case SCN_QTY_PROC: {
        const struct trc_proc *p = log_proc(log, s->proc_names[q->proc]);
        if (!p) {
            snprintf(why, n, "%s never ran", s->proc_names[q->proc]);
            return false;
        }
        if (q->id == 4 && p->state != TRC_PROC_EXITED) {
            snprintf(why, n, "%s did not exit", p->name);
            return false;
        }
        const uint64_t all[] = {p->cycles, p->syscalls, p->messages_sent, p->messages_received,
                                (uint64_t)p->exit_code};
        u = all[q->id];
        break;
    }
    case SCN_QTY_PATH: {
        struct trc_path_stats st;
        if (!trc_path_stats(log, q->id, &st)) {
            if (q->stat == SCN_STAT_COUNT) {
                *v = 0;
                return true;
            }
            snprintf(why, n, "%s has no spans", trc_path_name(q->id));
            return false;
        }
        const uint64_t all[] = {st.count, st.min, st.median, st.p99, st.max};
        if (q->stat == SCN_STAT_MEAN) {
            *v = q->factor * ((double)st.sum / (double)st.count);
            return true;
        }
        u = all[q->stat];
        break;
    }
    }
    *v = q->factor * (double)u;
    return true;
}

/* Returns whether `a cmp b` holds. */
static bool compare(double a, enum scn_cmp cmp, double b)
{
    switch (cmp) {
    case SCN_CMP_LT:
        return a < b;
    case SCN_CMP_LE:
        return a <= b;
    case SCN_CMP_GT:
        return a > b;
    case SCN_CMP_GE:
        return a >= b;
    case SCN_CMP_EQ:
        return a == b;
    }
    return false;
}

/* Adds the row of comparison `i` given its sides' values (have[k] false:
 * side k has none, why[k] says so). */
static void that_row(struct scn_checks *cs, const struct scn_that *t, size_t i, const double *v,
                     const bool *have, char (*why)[96])
{
    char path[48], a[32], b[32];
    snprintf(path, sizeof path, "expect.that[%zu]", i);
    if (!have[0] || !have[1]) {
        scn_checks_row(cs, false, path, t->text, "%s", why[have[0] ? 1 : 0]);
        return;
    }
    fmt_value(v[0], a, sizeof a);
    fmt_value(v[1], b, sizeof b);
    const char *rel = v[0] < v[1] ? "<" : v[0] > v[1] ? ">" : "==";
    scn_checks_row(cs, compare(v[0], t->cmp, v[1]), path, t->text, "%s %s %s", a, rel, b);
}

void scn_check_thats(const struct scn *s, const struct trc_log *log, bool events, uint64_t cycles,
                     struct scn_checks *cs)
{
    for (size_t i = 0; i < s->expect.nthats; i++) {
        const struct scn_that *t = &s->expect.thats[i];
        if (t->cross || (!events && t->events))
            continue;
        double v[2];
        bool have[2];
        char why[2][96];
        for (int k = 0; k < 2; k++)
            have[k] = qty_value(s, &t->q[k], log, cycles, &v[k], why[k], sizeof why[k]);
        that_row(cs, t, i, v, have, why);
    }
}

void scn_snap_take(const struct scn *s, size_t run, const struct trc_log *log, uint64_t cycles,
                   struct scn_snap *snap)
{
    if (run < SCN_MAX_RUNS)
        snap->ran[run] = true;
    for (size_t i = 0; i < s->expect.nthats && i < SCN_MAX_THATS; i++)
        for (int k = 0; k < 2; k++) {
            const struct scn_qty *q = &s->expect.thats[i].q[k];
            if (!s->expect.thats[i].cross || (q->run != (int)run && q->kind != SCN_QTY_NUMBER))
                continue;
            char why[96];
            snap->have[i][k] = true;
            snap->undef[i][k] = !qty_value(s, q, log, cycles, &snap->v[i][k], why, sizeof why);
        }
}

int scn_check_runs(const struct scn *s, const struct scn_snap *snap, struct scn_verdict *v,
                   char *why, size_t n)
{
    struct scn_checks cs = {0};
    memset(v, 0, sizeof *v);
    for (size_t i = 0; i < s->expect.nthats; i++) {
        const struct scn_that *t = &s->expect.thats[i];
        if (!t->cross || !snap->have[i][0] || !snap->have[i][1])
            continue;
        bool have[2];
        char w[2][96];
        for (int k = 0; k < 2; k++) {
            have[k] = !snap->undef[i][k];
            const struct scn_qty *q = &t->q[k];
            if (q->kind == SCN_QTY_PATH)
                snprintf(w[k], sizeof w[k], "%s: %s has no spans", s->runs[q->run].name,
                         trc_path_name(q->id));
            else
                snprintf(w[k], sizeof w[k], "%s: no value",
                         q->run >= 0 ? s->runs[q->run].name : "");
        }
        that_row(&cs, t, i, snap->v[i], have, w);
    }
    v->checks = cs.v;
    v->nchecks = cs.n;
    if (cs.oom) {
        snprintf(why, n, "out of memory checking the comparisons");
        return -1;
    }
    const struct trc_check *first;
    char more[48];
    if (!scn_checks_failures(&cs, 0, &first, more, sizeof more))
        return 0;
    snprintf(why, n, "expectation failed: %s: expected %s, got %s%s", first->path, first->expected,
             first->got, more);
    return -1;
}

/* Returns whether event e is `verb` by a process named `who` (or a
 * replica of it). */
static bool is_event(const struct trc_log *log, const struct trc_event *e, enum scn_verb verb,
                     const char *who)
{
    static const uint32_t types[SCN_VERB_N] = {
        [SCN_VERB_RUNS] = TRC_EV_SCHED_SWITCH, [SCN_VERB_SENDS] = TRC_EV_IPC_SEND,
        [SCN_VERB_RECEIVES] = TRC_EV_IPC_RECV, [SCN_VERB_REPLIES] = TRC_EV_IPC_REPLY,
        [SCN_VERB_NOTIFIES] = TRC_EV_NOTIFY,   [SCN_VERB_BLOCKS] = TRC_EV_IPC_BLOCK,
        [SCN_VERB_EXITS] = TRC_EV_PROC_EXIT,
    };
    if (e->type != types[verb] || e->pid == 0)
        return false;
    if ((verb == SCN_VERB_SENDS || verb == SCN_VERB_RECEIVES || verb == SCN_VERB_REPLIES) &&
        (int32_t)(uint32_t)e->arg[3] != 0)
        return false; /* refused: nothing was sent, received or answered */
    const struct trc_proc *p = trc_log_proc(log, e->pid);
    if (!p)
        return false;
    size_t len = strlen(who);
    return strncmp(p->name, who, len) == 0 && (p->name[len] == '\0' || p->name[len] == '.');
}

void scn_check_orders(const struct scn *s, const struct trc_log *log, struct scn_checks *cs)
{
    for (size_t i = 0; i < s->expect.norders; i++) {
        const struct scn_order *o = &s->expect.orders[i];
        size_t at[2] = {SIZE_MAX, SIZE_MAX};
        for (size_t k = 0; k < log->nev && (at[0] == SIZE_MAX || at[1] == SIZE_MAX); k++)
            for (int side = 0; side < 2; side++)
                if (at[side] == SIZE_MAX && is_event(log, &log->ev[k], o->verb[side], o->who[side]))
                    at[side] = k;
        char path[48], got[2][80];
        snprintf(path, sizeof path, "expect.order[%zu]", i);
        for (int side = 0; side < 2; side++)
            if (at[side] == SIZE_MAX)
                snprintf(got[side], sizeof got[side], "%s never %s", o->who[side],
                         verb_names[o->verb[side]]);
            else
                snprintf(got[side], sizeof got[side], "%s %s at cycle %llu", o->who[side],
                         verb_names[o->verb[side]], (unsigned long long)log->ev[at[side]].cycle);
        if (at[0] == SIZE_MAX)
            scn_checks_row(cs, false, path, o->text, "%s", got[0]);
        else
            scn_checks_row(cs, at[0] < at[1], path, o->text, "%s, %s", got[0], got[1]);
    }
}
