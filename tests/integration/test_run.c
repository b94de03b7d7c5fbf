/* tests/integration/test_run.c: `ipcemu run` on the scenarios of
 * scenarios/ for one architecture: each succeeds (exit 0: "ok", or the
 * deadlock it expects, with every expectation held) and gives the same
 * trace hash twice; the scenarios of tests/integration/scenarios_fail/ end
 * as their NAME.want says, and the summary and the report name what
 * failed; expectations that do not hold end the run with "expect_failed"
 * (exit 1); bad input exits 2 with one line.
 *   test_integration_run IPCEMU ARCH SCENARIO_DIR BAD_SCENARIO_DIR [FAIL_SCENARIO_DIR]
 * (FAIL_SCENARIO_DIR defaults to BAD_SCENARIO_DIR/../../integration/scenarios_fail) */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"

static const char *arch, *dir, *bad_dir;
static char fail_dir[1024];

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether the scenario at `path` expects to end in a deadlock. */
static bool expects_deadlock(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    const cJSON *o = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "expect"), "outcome");
    bool deadlock = cJSON_IsString(o) && strcmp(o->valuestring, "deadlock") == 0;
    cJSON_Delete(root);
    return deadlock;
}

struct slice_span {
    double pid, tid, ts, end;
};

static int span_cmp(const void *a, const void *b)
{
    const struct slice_span *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end; /* the longer (enclosing) first */
}

/* The structural check of a Perfetto (Chrome trace) file: valid JSON with
 * traceEvents; every event has ph, name, pid, tid, ts; X slices have a
 * dur >= 0 and nest on each track (no partial overlap); every flow start
 * has exactly one finish with its id and the other way round; some slices
 * and (when messages were delivered) some flows. */
static void check_perfetto(const char *path, bool want_flows)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root)
        fail_msg("%s is not valid JSON", path);
    const cJSON *evs = cJSON_GetObjectItem(root, "traceEvents");
    assert_true(cJSON_IsArray(evs));
    size_t n = (size_t)cJSON_GetArraySize(evs), nslices = 0, nflows = 0;
    struct slice_span *spans = calloc(n + 1, sizeof *spans);
    double *starts = calloc(n + 1, sizeof *starts), *ends = calloc(n + 1, sizeof *ends);
    size_t nstarts = 0, nends = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, evs)
    {
        const cJSON *ph = cJSON_GetObjectItem(e, "ph");
        assert_true(cJSON_IsString(ph) && cJSON_IsString(cJSON_GetObjectItem(e, "name")));
        assert_true(cJSON_IsNumber(cJSON_GetObjectItem(e, "pid")) &&
                    cJSON_IsNumber(cJSON_GetObjectItem(e, "tid")) &&
                    cJSON_IsNumber(cJSON_GetObjectItem(e, "ts")));
        double ts = jnum(e, "ts");
        if (!strcmp(ph->valuestring, "X")) {
            double dur = jnum(e, "dur");
            assert_true(dur >= 0);
            spans[nslices++] = (struct slice_span){jnum(e, "pid"), jnum(e, "tid"), ts, ts + dur};
        } else if (!strcmp(ph->valuestring, "s")) {
            starts[nstarts++] = jnum(e, "id");
        } else if (!strcmp(ph->valuestring, "f")) {
            ends[nends++] = jnum(e, "id");
            assert_string_equal(jstr(e, "bp"), "e");
        }
    }
    /* nesting: on each track a slice either ends before the next one
     * starts or encloses it */
    qsort(spans, nslices, sizeof *spans, span_cmp);
    for (size_t i = 0; i + 1 < nslices; i++) {
        const struct slice_span *a = &spans[i], *b = &spans[i + 1];
        if (a->pid == b->pid && a->tid == b->tid && b->ts < a->end - 1e-9 && b->end > a->end + 1e-9)
            fail_msg("%s: slices overlap on track %g/%g at %g", path, a->pid, a->tid, b->ts);
    }
    /* flows: the same ids start and finish, once each */
    assert_int_equal(nstarts, nends);
    for (size_t i = 0; i < nstarts; i++) {
        size_t k = 0;
        while (k < nends && ends[k] != starts[i])
            k++;
        if (k == nends)
            fail_msg("%s: flow %g starts but never finishes", path, starts[i]);
        ends[k] = -1; /* used */
        nflows++;
    }
    assert_true(nslices > 0);
    if (want_flows)
        assert_true(nflows > 0);
    free(spans);
    free(starts);
    free(ends);
    cJSON_Delete(root);
}

/* Checks what every report of `ipcemu run` must say about its end: an
 * exit_status equal to ipcemu's exit status, a kernel_exit_code, and the
 * expectations and failed operations (arrays). */
static void check_end(const char *name, const struct result *r)
{
    if (jnum(r->report, "exit_status") != r->status)
        fail_msg("%s: the report says exit_status %g, ipcemu exited %d", name,
                 jnum(r->report, "exit_status"), r->status);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(r->report, "kernel_exit_code")));
    assert_null(cJSON_GetObjectItem(r->report, "exit_code"));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(r->report, "expectations")));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(r->report, "failed_operations")));
}

/* Every scenario: it succeeds (exit 0) with every expectation held: "ok",
 * or, if it says so, "deadlock" with its wait-for cycle; twice the same
 * hash; its Perfetto trace passes the structural check. */
static void every_scenario_runs_ok_and_deterministically(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[64];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 64;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        bool deadlock = expects_deadlock(path);
        struct result a = run(1, "run", path, "--arch", arch, "--quiet", NULL);
        if (a.status != 0 || !a.report)
            fail_msg("%s on %s: exit %d (%s)\nstderr: %s", names[i], arch, a.status,
                     a.report ? jstr(a.report, "why") : "no report", a.err);
        assert_string_equal(jstr(a.report, "outcome"), deadlock ? "deadlock" : "ok");
        if (deadlock)
            assert_non_null(strstr(jstr(a.report, "why"), "wait-for cycle: "));
        check_end(names[i], &a);
        const cJSON *ex;
        cJSON_ArrayForEach(ex, cJSON_GetObjectItem(a.report, "expectations"))
        {
            assert_true(cJSON_IsTrue(cJSON_GetObjectItem(ex, "held")));
        }
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a.report, "failed_operations")), 0);
        /* every path's phases add up to its mean span, which lies between
         * its shortest and longest */
        const cJSON *pt;
        cJSON_ArrayForEach(pt, cJSON_GetObjectItem(a.report, "paths"))
        {
            const cJSON *ph = cJSON_GetObjectItem(pt, "phases"), *it;
            if (!ph) /* several cores: no split by function (docs/timeline.md) */
                continue;
            double sum = 0, mean = jnum(pt, "cycles_mean");
            cJSON_ArrayForEach(it, ph) sum += it->valuedouble;
            if (fabs(sum - mean) > 1e-9 * mean || mean < jnum(pt, "cycles_min") ||
                mean > jnum(pt, "cycles_max"))
                fail_msg("%s on %s: %s: phases sum to %.3f, cycles_mean %.3f, spans %.0f..%.0f",
                         names[i], arch, pt->string, sum, mean, jnum(pt, "cycles_min"),
                         jnum(pt, "cycles_max"));
            /* the fast path (kfastpath.c) inlines its lookup and its
             * copy into fastpath_call, a "logic" row of abi/kphases.h */
            if (!strcmp(pt->string, "ipc.call.fast"))
                assert_true(jnum(ph, "logic") > 0 && jnum(ph, "trap") > 0 &&
                            jnum(ph, "switch") > 0 && jnum(ph, "return") > 0);
        }
        char trace[1100], bin[1100];
        snprintf(trace, sizeof trace, "%s/%s.perfetto.json", tmpdir, names[i]);
        snprintf(bin, sizeof bin, "%s/%s.trace", tmpdir, names[i]);
        struct result b = run(1, "run", path, "--arch", arch, "--quiet", "--perfetto", trace,
                              "--trace", bin, NULL);
        assert_int_equal(b.status, a.status);
        check_perfetto(trace, jnum(cJSON_GetObjectItem(a.report, "messages"), "received") > 0);
        /* the binary trace replays to the same events and hash */
        struct result r = run(0, "replay", bin, NULL);
        if (r.status != 0 || !strstr(r.out, "replay: identical") ||
            !strstr(r.out, jstr(a.report, "trace_hash")))
            fail_msg("%s: replay exit %d: %s %s", names[i], r.status, r.out, r.err);
        result_free(&r);
        assert_string_equal(jstr(a.report, "trace_hash"), jstr(b.report, "trace_hash"));
        assert_true(jnum(a.report, "cycles") == jnum(b.report, "cycles"));
        result_free(&a);
        result_free(&b);
        free(names[i]);
    }
}

/* An expectation that does not hold: outcome expect_failed, exit 1, and
 * the report says which. */
static void a_failed_expectation_exits_1(void **state)
{
    (void)state;
    const char *path =
        put_tmp("wrong.json",
                "{\"name\": \"wrong\", \"description\": \"expects a message that never comes\",\n"
                " \"processes\": [{\"name\": \"solo\", \"program\": [{\"op\": \"yield\"}]}],\n"
                " \"expect\": {\"messages\": {\"sent\": 1}}}\n");
    struct result r = run(1, "run", path, "--arch", arch, "--quiet", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(jstr(r.report, "outcome"), "expect_failed");
    assert_non_null(strstr(jstr(r.report, "why"), "expect.messages.sent: expected 1, got 0"));
    check_end("wrong.json", &r);
    result_free(&r);
    /* an operation whose result is not the expected one: named by its place */
    path = put_tmp("opfail.json",
                   "{\"name\": \"opfail\", \"description\": \"a try_recv on an empty port\",\n"
                   " \"processes\": [{\"name\": \"solo\", \"program\": [\n"
                   "   {\"op\": \"port_create\", \"as\": \"p\"},\n"
                   "   {\"op\": \"try_recv\", \"port\": \"p\", \"expect\": \"ok\"}]}]}\n");
    r = run(1, "run", path, "--arch", arch, "--quiet", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(jstr(r.report, "why"),
                           "operation failed: processes[0].program[1] (try_recv) in solo: "
                           "expected ok, returned would_block"));
    check_end("opfail.json", &r);
    result_free(&r);
    /* a deadlock that does not happen */
    path = put_tmp("nodeadlock.json",
                   "{\"name\": \"nodeadlock\", \"description\": \"d\", \"expect\": {\"outcome\": "
                   "\"deadlock\"},\n \"processes\": [{\"name\": \"solo\", \"program\": []}]}\n");
    r = run(1, "run", path, "--arch", arch, "--quiet", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(jstr(r.report, "outcome"), "expect_failed");
    assert_non_null(strstr(jstr(r.report, "why"), "expect.outcome: expected deadlock, got ok"));
    check_end("nodeadlock.json", &r);
    result_free(&r);
}

/* Whether `got` (a report's value) equals `want` (from a .want file):
 * strings, numbers, booleans and arrays of numbers. */
static bool same_value(const cJSON *got, const cJSON *want)
{
    return got && cJSON_Compare(got, want, true);
}

/* Checks run r of fail scenario `name` against its .want file (its
 * summary too, unless the run was `quiet`). */
static void check_want(const char *name, const struct result *r, const cJSON *want, bool quiet)
{
    if (r->status != jnum(want, "exit") || !r->report)
        fail_msg("%s on %s: exit %d, want %g\nstderr: %s", name, arch, r->status,
                 jnum(want, "exit"), r->err);
    check_end(name, r);
    if (strcmp(jstr(r->report, "outcome"), jstr(want, "outcome")) != 0)
        fail_msg("%s on %s: outcome %s, want %s", name, arch, jstr(r->report, "outcome"),
                 jstr(want, "outcome"));
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItem(want, "why"))
    {
        if (!strstr(jstr(r->report, "why"), w->valuestring))
            fail_msg("%s on %s: why '%s' lacks '%s'", name, arch, jstr(r->report, "why"),
                     w->valuestring);
    }
    cJSON_ArrayForEach(w, cJSON_GetObjectItem(want, "summary"))
    {
        if (!quiet && !strstr(r->out, w->valuestring))
            fail_msg("%s on %s: the summary lacks '%s':\n%s", name, arch, w->valuestring, r->out);
    }
    /* the rows of the run's expectations, and of the comparisons between
     * named runs (docs/scenarios.md "Named runs") */
    for (int list = 0; list < 2; list++) {
        const char *key = list ? "comparisons" : "expectations";
        const cJSON *rows = cJSON_GetObjectItem(r->report, key);
        cJSON_ArrayForEach(w, cJSON_GetObjectItem(want, key))
        {
            const cJSON *row = NULL, *it;
            cJSON_ArrayForEach(it, rows)
            {
                if (!strcmp(jstr(it, "path"), jstr(w, "path")))
                    row = it;
            }
            if (!row)
                fail_msg("%s on %s: no %s row %s in the report", name, arch, key, jstr(w, "path"));
            cJSON_ArrayForEach(it, w)
            {
                if (!same_value(cJSON_GetObjectItem(row, it->string), it))
                    fail_msg("%s on %s: expectation %s: %s is not as wanted", name, arch,
                             jstr(w, "path"), it->string);
            }
        }
    }
    const cJSON *ops = cJSON_GetObjectItem(r->report, "failed_operations");
    const cJSON *wops = cJSON_GetObjectItem(want, "failed_operations");
    assert_int_equal(cJSON_GetArraySize(ops), cJSON_GetArraySize(wops));
    int k = 0;
    cJSON_ArrayForEach(w, wops)
    {
        const cJSON *op = cJSON_GetArrayItem(ops, k++), *it;
        cJSON_ArrayForEach(it, w)
        {
            if (!same_value(cJSON_GetObjectItem(op, it->string), it))
                fail_msg("%s on %s: failed operation %d: %s is not as wanted", name, arch, k - 1,
                         it->string);
        }
    }
}

/* Every scenario of tests/integration/scenarios_fail/ ends as its .want
 * says, twice with the same trace hash; its summary and report name the
 * failed expectation or operation: where, what was expected, what came. */
static void every_failing_scenario_fails_as_it_should(void **state)
{
    (void)state;
    DIR *d = opendir(fail_dir);
    if (!d)
        fail_msg("cannot open %s", fail_dir);
    unsigned n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char path[1400], wpath[1400];
        snprintf(path, sizeof path, "%s/%s", fail_dir, e->d_name);
        snprintf(wpath, sizeof wpath, "%s/%.*s.want", fail_dir, (int)(len - 5), e->d_name);
        FILE *f = fopen(wpath, "r");
        if (!f)
            fail_msg("%s has no %s", path, wpath);
        static char text[1 << 16];
        size_t k = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[k] = '\0';
        cJSON *want = cJSON_Parse(text);
        if (!want)
            fail_msg("%s is not JSON", wpath);
        struct result a = run(1, "run", path, "--arch", arch, NULL); /* with the summary */
        check_want(e->d_name, &a, want, false);
        struct result b = run(1, "run", path, "--arch", arch, "--quiet", NULL);
        check_want(e->d_name, &b, want, true);
        assert_string_equal(jstr(a.report, "trace_hash"), jstr(b.report, "trace_hash"));
        result_free(&a);
        result_free(&b);
        cJSON_Delete(want);
        n++;
    }
    closedir(d);
    assert_true(n >= 5);
}

/* Bad input: one line naming the problem, exit 2. */
static void bad_input_exits_2(void **state)
{
    (void)state;
    struct result r = run(0, "run", "/nonexistent/x.json", "--arch", arch, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/nonexistent/x.json"));
    result_free(&r);
    const char *path = put_tmp(
        "bad.json", "{\"name\": \"bad\", \"description\": \"d\",\n"
                    " \"processes\": [{\"name\": \"p\", \"program\": [{\"op\": \"send\"}]}]}\n");
    r = run(0, "run", path, "--arch", arch, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, ":2:"));
    assert_non_null(strstr(r.err, "processes[0].program[0].port: missing"));
    assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1); /* one line */
    result_free(&r);
}

/* Every malformed scenario of the corpus (tests/machine/scenarios_bad),
 * through the command line: exit 2, one line on stderr naming the file,
 * nothing on stdout. */
static void the_malformed_corpus_exits_2(void **state)
{
    (void)state;
    DIR *d = opendir(bad_dir);
    assert_non_null(d);
    unsigned n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", bad_dir, e->d_name);
        struct result r = run(0, "run", path, "--arch", arch, NULL);
        if (r.status != 2 || strchr(r.err, '\n') != r.err + strlen(r.err) - 1 ||
            !strstr(r.err, path) || r.out[0])
            fail_msg("%s: exit %d, stderr '%s'", e->d_name, r.status, r.err);
        result_free(&r);
        n++;
    }
    closedir(d);
    assert_true(n >= 40);
}

/* Copies file `from` to `to`, flipping the byte at `flip` (unless < 0)
 * and cutting it to `len` bytes (unless < 0). */
static void copy_file(const char *from, const char *to, long flip, long len)
{
    FILE *f = fopen(from, "rb");
    assert_non_null(f);
    static unsigned char buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (flip >= 0 && (size_t)flip < n)
        buf[flip] ^= 0x40;
    if (len >= 0 && (size_t)len < n)
        n = (size_t)len;
    f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
}

/* replay and diff: a boot trace replays, its outcome printed; two
 * different runs differ in settings, paths and at a named event; damaged
 * or foreign files exit 2. */
static void traces_replay_and_diff(void **state)
{
    (void)state;
    char a[1100], b[1100], bad[1100];
    snprintf(a, sizeof a, "%s/boot.trace", tmpdir);
    snprintf(b, sizeof b, "%s/boot-seed2.trace", tmpdir);
    snprintf(bad, sizeof bad, "%s/bad.trace", tmpdir);
    struct result r = run(0, "boot", "--arch", arch, "--quiet", "--trace", a, NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    r = run(0, "replay", a, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "replay: identical"));
    /* with the run's outcome, as `run` prints it, before the verdict */
    const char *o = strstr(r.out, "outcome ok\n");
    assert_non_null(o);
    assert_true(o < strstr(r.out, "replay: identical"));
    result_free(&r);
    r = run(0, "boot", "--arch", arch, "--quiet", "--demo", "ipc", "--trace", b, NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    r = run(0, "diff", a, b, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, " * demo "));
    assert_non_null(strstr(r.out, " * trap.entry count "));
    assert_non_null(strstr(r.out, "first difference in meaning: event "));
    assert_non_null(strstr(r.out, "\ndifferent\n"));
    result_free(&r);
    r = run(0, "diff", a, a, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "identical"));
    result_free(&r);
    /* a flipped byte, a cut file, not a trace at all: exit 2, one line */
    const long damage[][2] = {{200, -1}, {-1, 100}, {0, -1}};
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        copy_file(a, bad, damage[i][0], damage[i][1]);
        r = run(0, "replay", bad, NULL);
        if (r.status != 2 || strchr(r.err, '\n') != r.err + strlen(r.err) - 1)
            fail_msg("damage %zu: exit %d, stderr '%s'", i, r.status, r.err);
        result_free(&r);
        r = run(0, "diff", a, bad, NULL);
        assert_int_equal(r.status, 2);
        result_free(&r);
    }
}

/* scenarios/publish-unsubscribe.json: the trace shows each change of a
 * subscription as a topic.subscribe event of the process that made it
 * (a0 the topic, a1 the port, a2 1 subscribe / 0 unsubscribe): s1 and s2
 * subscribed, then s1 unsubscribed; the refused second unsubscribe is not
 * an event. */
static void subscription_changes_are_traced(void **state)
{
    (void)state;
    char path[1024], csv[1100];
    snprintf(path, sizeof path, "%s/publish-unsubscribe.json", dir);
    snprintf(csv, sizeof csv, "%s/publish-unsubscribe.csv", tmpdir);
    struct result r = run(0, "run", path, "--arch", arch, "--quiet", "--csv", csv, NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    char *text = read_whole(csv, NULL);
    assert_non_null(text);
    unsigned long long ev[4][4]; /* topic, port, on, a3 */
    int n = 0;
    for (char *line = strstr(text, ",topic.subscribe,"); line;
         line = strstr(line + 1, ",topic.subscribe,")) {
        char who[32];
        unsigned pid;
        if (n == 4)
            fail_msg("more than 3 topic.subscribe events");
        assert_int_equal(sscanf(line, ",topic.subscribe,%u,%31[^,],%llu,%llu,%llu,%llu", &pid, who,
                                &ev[n][0], &ev[n][1], &ev[n][2], &ev[n][3]),
                         6);
        assert_string_equal(who, "publisher");
        n++;
    }
    free(text);
    assert_int_equal(n, 3);
    assert_true(ev[0][0] != 0 && ev[1][0] == ev[0][0] && ev[2][0] == ev[0][0]);
    assert_true(ev[0][1] != ev[1][1] && ev[2][1] == ev[0][1]);
    assert_true(ev[0][2] == 1 && ev[1][2] == 1 && ev[2][2] == 0);
    assert_true(ev[0][3] == 0 && ev[1][3] == 0 && ev[2][3] == 0);
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: %s IPCEMU ARCH SCENARIO_DIR BAD_SCENARIO_DIR [FAIL_SCENARIO_DIR]\n",
                argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    dir = argv[3];
    bad_dir = argv[4];
    if (argc == 6)
        snprintf(fail_dir, sizeof fail_dir, "%s", argv[5]);
    else
        snprintf(fail_dir, sizeof fail_dir, "%s/../../integration/scenarios_fail", bad_dir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_scenario_runs_ok_and_deterministically),
        cmocka_unit_test(a_failed_expectation_exits_1),
        cmocka_unit_test(every_failing_scenario_fails_as_it_should),
        cmocka_unit_test(bad_input_exits_2),
        cmocka_unit_test(the_malformed_corpus_exits_2),
        cmocka_unit_test(traces_replay_and_diff),
        cmocka_unit_test(subscription_changes_are_traced),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
