/* tests/integration/test_diff.c: `ipcemu diff` on traces recorded from the
 * scenarios on one architecture, as a course would use it:
 * - a thrashing and a hot capability cache (cap-cache-thrash, -fit): the
 *   cache's counts and the call path's cycles are rows that differ, with
 *   their change; the IPC events (--events) are the same ones;
 * - the same scenario (ping-pong) on two CPU profiles: the events do not
 *   differ at event 0: every event before the first that differs in
 *   meaning differs only in its stamps;
 * - the same scenario on another architecture: the arch row;
 * - a trace against itself: identical, exit 0; --json writes the
 *   comparison; a missing or damaged trace exits 2 naming the file.
 *   test_integration_diff IPCEMU ARCH SCENARIO_DIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"

static const char *arch, *dir;

/* Records scenario NAME on ARCH (with --cpu `cpu` when not NULL, on
 * `on_arch` when not NULL) into tmpdir/`trace`; returns its path (static
 * buffer of 4). */
static const char *record(const char *name, const char *on_arch, const char *cpu, const char *trace)
{
    static char paths[4][1100];
    static int k;
    char *out = paths[k++ % 4], scn[1100];
    snprintf(out, sizeof paths[0], "%s/%s", tmpdir, trace);
    snprintf(scn, sizeof scn, "%s/%s.json", dir, name);
    struct result r = cpu ? run(0, "run", scn, "--arch", on_arch ? on_arch : arch, "--cpu", cpu,
                                "--quiet", "--trace", out, NULL)
                          : run(0, "run", scn, "--arch", on_arch ? on_arch : arch, "--quiet",
                                "--trace", out, NULL);
    if (r.status != 0)
        fail_msg("run %s: exit %d\n%s", name, r.status, r.err);
    result_free(&r);
    return out;
}

/* Returns the JSON `ipcemu diff [--events] --json FILE a b` wrote, after
 * checking its exit status is `want` (-1: 0 or 1). */
static cJSON *diff_json(const char *a, const char *b, bool events, int want)
{
    char json[1100];
    snprintf(json, sizeof json, "%s/diff.json", tmpdir);
    struct result r = events ? run(0, "diff", "--events", "--json", json, a, b, NULL)
                             : run(0, "diff", "--json", json, a, b, NULL);
    if (want >= 0 ? r.status != want : r.status != 0 && r.status != 1)
        fail_msg("diff %s %s: exit %d, want %d\n%s%s", a, b, r.status, want, r.out, r.err);
    result_free(&r);
    char *text = read_whole(json, NULL);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    return j;
}

/* Returns row `name` of section `section` in the JSON's rows, or fails. */
static const cJSON *jrow(const cJSON *j, const char *section, const char *name)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "rows"))
    {
        if (!strcmp(jstr(r, "section"), section) && !strcmp(jstr(r, "name"), name))
            return r;
    }
    fail_msg("no row %s %s", section, name);
    return NULL;
}

/* A thrashing and a hot capability cache: the cache's counts differ, and
 * the fast call's median; the IPC events are the same. */
static void a_thrashing_cache_against_a_hot_one(void **state)
{
    (void)state;
    const char *a = record("cap-cache-thrash", NULL, NULL, "thrash.trace");
    const char *b = record("cap-cache-fit", NULL, NULL, "fit.trace");
    struct result r = run(0, "diff", a, b, NULL);
    assert_int_equal(r.status, 1);
    if (!strstr(r.out, "cap_cache\n * hits ") || !strstr(r.out, " * misses ") ||
        !strstr(r.out, " * ipc.call.fast median ") || !strstr(r.out, " * scenario ") ||
        !strstr(r.out, "rows the same in both: --all shows them") ||
        !strstr(r.out, "the IPC events (--events) mean the same: "))
        fail_msg("diff thrash fit:\n%s", r.out);
    /* settings that are the same are not shown */
    assert_null(strstr(r.out, " * cpu "));
    assert_null(strstr(r.out, "\n   cpu "));
    result_free(&r);
    cJSON *j = diff_json(a, b, false, 1);
    const cJSON *misses = jrow(j, "cap_cache", "misses"), *hits = jrow(j, "cap_cache", "hits");
    /* thrashing: every call misses; hot: only the first round */
    assert_true(jnum(misses, "a") >= 800 && jnum(misses, "b") < 50);
    assert_true(jnum(hits, "b") > jnum(hits, "a"));
    const cJSON *fast = jrow(j, "paths", "ipc.call.fast median");
    assert_true(jnum(fast, "a") > jnum(fast, "b"));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "same")));
    cJSON_Delete(j);
    /* --events: the same messages in the same order, only the stamps move */
    r = run(0, "diff", "--events", a, b, NULL);
    if (r.status != 0 || !strstr(r.out, "differ only in stamps\nthe same IPC events\n"))
        fail_msg("diff --events thrash fit: exit %d\n%s", r.status, r.out);
    result_free(&r);
    j = diff_json(a, b, true, 0);
    const cJSON *ev = cJSON_GetObjectItem(j, "events");
    assert_string_equal(jstr(ev, "compared"), "ipc");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(ev, "first")));
    assert_true(jnum(ev, "stamps_only") > 0);
    cJSON_Delete(j);
}

/* The same scenario on two CPU profiles: not "event 0": the events agree
 * in meaning up to the first that differs, each of them only in stamps. */
static void the_same_scenario_on_two_cpu_profiles(void **state)
{
    (void)state;
    const char *a = record("ping-pong", NULL, NULL, "pp.trace");
    const char *b = record("ping-pong", NULL, "flat", "pp-flat.trace");
    struct result r = run(0, "diff", a, b, NULL);
    assert_int_equal(r.status, 1);
    if (!strstr(r.out, "settings\n * cpu ") || !strstr(r.out, " * cycles ") ||
        !strstr(r.out, " * ipc.roundtrip.fast median ") ||
        !strstr(r.out, "of them differ only in stamps"))
        fail_msg("diff on two profiles:\n%s", r.out);
    result_free(&r);
    cJSON *j = diff_json(a, b, false, 1);
    const cJSON *ev = cJSON_GetObjectItem(j, "events");
    const cJSON *first = cJSON_GetObjectItem(ev, "first");
    assert_false(cJSON_IsNull(first));
    /* boot, processes, their first messages: the same, at other cycles */
    double at = jnum(first, "position");
    if (at < 10 || jnum(ev, "stamps_only") != at)
        fail_msg("first difference in meaning at %g, %g before it only in stamps", at,
                 jnum(ev, "stamps_only"));
    assert_string_equal(jstr(jrow(j, "run", "outcome"), "a"), "ok");
    assert_string_equal(jstr(jrow(j, "run", "outcome"), "b"), "ok");
    assert_string_equal(jstr(jrow(j, "run", "expectations"), "a"),
                        jstr(jrow(j, "run", "expectations"), "b"));
    cJSON_Delete(j);
}

/* The same scenario on another architecture. */
static void the_same_scenario_on_another_arch(void **state)
{
    (void)state;
    const char *other = strcmp(arch, "x86_64") ? "x86_64" : "aarch64";
    const char *a = record("ping-pong", NULL, NULL, "pp.trace");
    const char *b = record("ping-pong", other, NULL, "pp-other.trace");
    struct result r = run(0, "diff", a, b, NULL);
    assert_int_equal(r.status, 1);
    if (!strstr(r.out, "settings\n * arch ") || !strstr(r.out, other))
        fail_msg("diff %s %s:\n%s", arch, other, r.out);
    result_free(&r);
    /* --events: whatever the timing moved, the comparison says where */
    cJSON *j = diff_json(a, b, true, -1);
    const cJSON *row = jrow(j, "settings", "arch");
    assert_string_equal(jstr(row, "a"), arch);
    assert_string_equal(jstr(row, "b"), other);
    const cJSON *first = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "events"), "first");
    assert_true(cJSON_IsNull(first) || jnum(first, "position") > 10);
    cJSON_Delete(j);
}

/* A trace against itself; bad input. */
static void identical_and_bad_input(void **state)
{
    (void)state;
    const char *a = record("ping-pong", NULL, NULL, "pp.trace");
    struct result r = run(0, "diff", a, a, NULL);
    if (r.status != 0 || !strstr(r.out, "stamps included\nidentical\n"))
        fail_msg("diff a a: exit %d\n%s", r.status, r.out);
    result_free(&r);
    r = run(0, "diff", "--events", "--all", a, a, NULL);
    if (r.status != 0 || !strstr(r.out, "events\n   boot ") || !strstr(r.out, "\n   ipc.send ") ||
        !strstr(r.out, "the same IPC events\n"))
        fail_msg("diff --events --all a a: exit %d\n%s", r.status, r.out);
    result_free(&r);
    /* a missing file, a damaged one, a file that is no trace: exit 2, the
     * file named */
    char missing[1100], bad[1100];
    snprintf(missing, sizeof missing, "%s/no-such.trace", tmpdir);
    snprintf(bad, sizeof bad, "%s/cut.trace", tmpdir);
    size_t n;
    char *bytes = read_whole(a, &n);
    assert_non_null(bytes);
    FILE *f = fopen(bad, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n / 2, f), n / 2);
    fclose(f);
    free(bytes);
    char scn[1100];
    snprintf(scn, sizeof scn, "%s/ping-pong.json", dir);
    const char *const inputs[] = {missing, bad, scn};
    for (size_t i = 0; i < 3; i++) {
        r = run(0, "diff", a, inputs[i], NULL);
        if (r.status != 2 || !strstr(r.err, inputs[i]) ||
            strchr(r.err, '\n') != strrchr(r.err, '\n'))
            fail_msg("diff with %s: exit %d, stderr '%s'", inputs[i], r.status, r.err);
        result_free(&r);
    }
    /* usage: an unknown option, one file, --json over an input */
    r = run(0, "diff", "--bogus", a, a, NULL);
    assert_int_equal(r.status, 2);
    result_free(&r);
    r = run(0, "diff", a, NULL);
    assert_int_equal(r.status, 2);
    result_free(&r);
    r = run(0, "diff", "--json", a, a, a, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "refusing to overwrite"));
    result_free(&r);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s IPCEMU ARCH SCENARIO_DIR\n", argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    dir = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_thrashing_cache_against_a_hot_one),
        cmocka_unit_test(the_same_scenario_on_two_cpu_profiles),
        cmocka_unit_test(the_same_scenario_on_another_arch),
        cmocka_unit_test(identical_and_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
