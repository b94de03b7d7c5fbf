/* tests/integration/test_trace_cores.c: the trace, report, export and
 * timeline of a run with several cores, on one architecture:
 * scenarios/ping-pong.json with --cores 4 writes a trace that `ipcemu
 * replay` runs again on four cores, bit for bit; its events are in
 * (cycle, core) order; core 0's IPIs to each secondary are `ipi` events
 * (sender, target, line), counted in the report's "cores" section with
 * each core's cycles, idle, user and kernel cycles and events; the
 * Perfetto export has a track per core; `ipcemu view --png` draws it. A
 * run of one core has no "cores" section and its trace no core count.
 *   test_integration_trace_cores IPCEMU ARCH SCENARIO_DIR */
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

/* Returns whether buf[n] holds `s`. */
static bool holds(const char *buf, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(buf + i, s, k))
            return true;
    return false;
}

/* Fails unless the events of CSV export `text` are in (cycle, core)
 * order: the merge of the cores' events released none too early. */
static void assert_in_cycle_order(const char *text)
{
    unsigned long long prev_cycle = 0, prev_core = 0;
    for (const char *line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        unsigned long long cyc, core;
        assert_int_equal(sscanf(line + 1, "%llu,%llu,", &cyc, &core), 2);
        if (cyc < prev_cycle || (cyc == prev_cycle && core < prev_core))
            fail_msg("%s: event at cycle %llu core %llu after cycle %llu core %llu", arch, cyc,
                     core, prev_cycle, prev_core);
        prev_cycle = cyc;
        prev_core = core;
    }
}

static void a_four_core_trace_replays_with_its_ipis(void **state)
{
    (void)state;
    char scn[1024], trace[1100], csv[1100], pf[1100], png[1100];
    snprintf(scn, sizeof scn, "%s/ping-pong.json", dir);
    snprintf(trace, sizeof trace, "%s/pp4.trace", tmpdir);
    snprintf(csv, sizeof csv, "%s/pp4.csv", tmpdir);
    snprintf(pf, sizeof pf, "%s/pp4.json", tmpdir);
    snprintf(png, sizeof png, "%s/pp4.png", tmpdir);
    struct result r = run(1, "run", scn, "--arch", arch, "--cores", "4", "--quiet", "--trace",
                          trace, "--csv", csv, "--perfetto", pf, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(r.report);
    /* the report's cores */
    const cJSON *cores = cJSON_GetObjectItem(r.report, "cores");
    assert_int_equal(cJSON_GetArraySize(cores), 4);
    for (int k = 0; k < 4; k++) {
        const cJSON *c = cJSON_GetArrayItem(cores, k);
        assert_true(jnum(c, "core") == k);
        assert_true(jnum(c, "cycles") > 0);
        assert_true(jnum(c, "user_cycles") + jnum(c, "kernel_cycles") + jnum(c, "idle_cycles") ==
                    jnum(c, "cycles"));
        assert_true(jnum(c, "ipis_sent") == (k == 0 ? 3 : 0));
        assert_true(jnum(c, "ipis_received") == (k == 0 ? 0 : 1));
        /* today only core 0 runs processes; its secondaries idle */
        if (k > 0)
            assert_true(jnum(c, "idle_cycles") > 0);
    }
    assert_true(jnum(cJSON_GetArrayItem(cores, 0), "events") > 0);
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(r.report, "processes"), 0);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(p, "cores")));
    /* the events: in (cycle, core) order, an ipi to each secondary */
    size_t n;
    char *text = read_whole(csv, &n);
    assert_non_null(text);
    assert_in_cycle_order(text);
    unsigned ipis = 0;
    for (char *line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        unsigned long long cyc, core, a0, a1, a2;
        char name[32];
        assert_int_equal(sscanf(line + 1, "%llu,%llu,%31[^,]", &cyc, &core, name), 3);
        if (!strcmp(name, "ipi")) {
            assert_int_equal(sscanf(line + 1, "%*u,%*u,ipi,0,,%llu,%llu,%llu", &a0, &a1, &a2), 3);
            assert_true(a0 == core && a0 == 0 && a1 == ++ipis && a2 > 0);
        }
    }
    assert_int_equal(ipis, 3);
    free(text);
    /* a track per core in the export */
    text = read_whole(pf, &n);
    assert_non_null(text);
    assert_true(holds(text, n, "\"core 3\"") && holds(text, n, "IPI to core 2"));
    free(text);
    /* the trace says four cores; its replay runs four, identical */
    text = read_whole(trace, &n);
    assert_non_null(text);
    assert_true(holds(text, n, "\ncores=4\n"));
    free(text);
    struct result rp = run(0, "replay", trace, NULL);
    assert_int_equal(rp.status, 0);
    assert_non_null(strstr(rp.out, "replay: identical"));
    assert_non_null(strstr(rp.out, jstr(r.report, "trace_hash")));
    result_free(&rp);
    /* the timeline draws it */
    rp = run(0, "view", trace, "--png", png, "--size", "900x400", NULL);
    assert_int_equal(rp.status, 0);
    result_free(&rp);
    result_free(&r);
}

static void one_core_has_no_cores_section_nor_count(void **state)
{
    (void)state;
    char scn[1024], trace[1100];
    snprintf(scn, sizeof scn, "%s/ping-pong.json", dir);
    snprintf(trace, sizeof trace, "%s/pp1.trace", tmpdir);
    struct result r = run(1, "run", scn, "--arch", arch, "--quiet", "--trace", trace, NULL);
    assert_int_equal(r.status, 0);
    assert_null(cJSON_GetObjectItem(r.report, "cores"));
    assert_null(cJSON_GetObjectItem(
        cJSON_GetArrayItem(cJSON_GetObjectItem(r.report, "processes"), 0), "cores"));
    size_t n;
    char *text = read_whole(trace, &n);
    assert_non_null(text);
    assert_false(holds(text, n, "cores="));
    free(text);
    result_free(&r);
}

/* Returns the statistic `stat` ("count", "cycles_median", ...) of path
 * `path` in report r, failing when the path is missing. */
static double path_stat(const cJSON *r, const char *path, const char *stat)
{
    const cJSON *p = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "paths"), path);
    if (!p)
        fail_msg("%s: no path %s", arch, path);
    return jnum(p, stat);
}

/* Returns the count of path `path` in report r (0: it has none). */
static double path_count(const cJSON *r, const char *path)
{
    const cJSON *p = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "paths"), path);
    return p ? jnum(p, "count") : 0;
}

/* scenarios/ping-pong-cross-core.json: every call (but the first when it
 * is queued: pong was not waiting yet) is handed to pong on core 1, and every reply
 * to ping on core 0: each is measured to the woken process's first
 * instruction (ipc.call.cross_core, ipc.reply.cross_core), not to its own
 * core's next one (which, its core idle until the answer, would be the
 * whole round trip); the two together fit in a round trip. The names
 * work in expect.that. */
static void cross_core_calls_end_on_the_other_core(void **state)
{
    (void)state;
    char scn[1024], csv[1100];
    snprintf(scn, sizeof scn, "%s/ping-pong-cross-core.json", dir);
    snprintf(csv, sizeof csv, "%s/ppx.csv", tmpdir);
    struct result r = run(1, "run", scn, "--arch", arch, "--quiet", "--csv", csv, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(r.report);
    double call = path_stat(r.report, "ipc.call.cross_core", "cycles_median");
    double reply = path_stat(r.report, "ipc.reply.cross_core", "cycles_median");
    double round = path_stat(r.report, "ipc.roundtrip.slow", "cycles_median");
    fprintf(stderr,
            "%s: ipc.call.cross_core median %.0f, ipc.reply.cross_core %.0f, "
            "ipc.roundtrip.slow %.0f\n",
            arch, call, reply, round);
    /* a core woken by its timer ran from its deadline on, not behind the
     * core that ran ahead of it: the events are in order, and pong never
     * answers a call before it was made */
    size_t n;
    char *text = read_whole(csv, &n);
    assert_non_null(text);
    assert_in_cycle_order(text);
    free(text);
    double cross = path_count(r.report, "ipc.call.cross_core");
    assert_true(cross >= 99 && cross + path_count(r.report, "ipc.call.slow") == 100);
    assert_true(path_stat(r.report, "ipc.reply.cross_core", "count") == 100);
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(r.report, "paths"), "ipc.reply.slow"));
    assert_true(path_stat(r.report, "ipc.roundtrip.slow", "count") == 100);
    assert_true(call + reply < round && 2 * call < 1.2 * round);
    result_free(&r);
    /* the same with an expectation on the new names */
    text = read_whole(scn, &n);
    assert_non_null(text);
    char *at = strstr(text, "\"expect\": {");
    assert_non_null(at);
    char *mod = malloc(n + 200);
    assert_non_null(mod);
    at += strlen("\"expect\": {");
    snprintf(mod, n + 200,
             "%.*s\"that\": [\"ipc.call.cross_core.median < "
             "ipc.roundtrip.slow.median\", \"cap.revoke.shootdown.count == 0\"], %s",
             (int)(at - text), text, at);
    r = run(0, "run", put_tmp("ppx.json", mod), "--arch", arch, "--quiet", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    free(mod);
    free(text);
}

/* Returns `text` with every `from` replaced by `to` (the caller frees it). */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), n = 0;
    for (const char *p = strstr(text, from); p; p = strstr(p + nf, from))
        n++;
    char *out = malloc(strlen(text) + n * nt + 1), *o = out;
    assert_non_null(out);
    for (const char *p = text;;) {
        const char *q = strstr(p, from);
        if (!q) {
            strcpy(o, p);
            return out;
        }
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, nt);
        o += nt;
        p = q + nf;
    }
}

/* ping-pong.json with both processes on core 1 of two: core 0 idles from
 * boot on, and the run's cycles (core 0's clock) are still the run's
 * length, the highest clock of the cores, with core 0's tail wait idle. */
static void a_run_lasts_until_its_last_core(void **state)
{
    (void)state;
    char scn[1024];
    snprintf(scn, sizeof scn, "%s/ping-pong.json", dir);
    char *text = read_whole(scn, NULL);
    assert_non_null(text);
    char *mod = replace_all(text, "\"priority\": 1,", "\"priority\": 1, \"core\": 1,");
    struct result r = run(1, "run", put_tmp("pp-core1.json", mod), "--arch", arch, "--cores", "2",
                          "--quiet", NULL);
    assert_int_equal(r.status, 0);
    const cJSON *cores = cJSON_GetObjectItem(r.report, "cores");
    double c0 = jnum(cJSON_GetArrayItem(cores, 0), "cycles");
    double c1 = jnum(cJSON_GetArrayItem(cores, 1), "cycles");
    assert_true(jnum(r.report, "cycles") == c0 && c0 == c1);
    /* core 0 did nothing after boot: most of its time is idle */
    assert_true(jnum(cJSON_GetArrayItem(cores, 0), "idle_cycles") > c0 / 2);
    result_free(&r);
    free(mod);
    free(text);
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
        cmocka_unit_test(a_four_core_trace_replays_with_its_ipis),
        cmocka_unit_test(one_core_has_no_cores_section_nor_count),
        cmocka_unit_test(cross_core_calls_end_on_the_other_core),
        cmocka_unit_test(a_run_lasts_until_its_last_core),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
