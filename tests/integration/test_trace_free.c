/* tests/integration/test_trace_free.c: tracing costs the guest nothing
 * (issue 14). Every scenario of scenarios/ runs on one architecture three
 * ways with `ipcemu run`:
 *   A  --report a.json                                 (the summary printed)
 *   B  --trace t.bin --perfetto p.json --report b.json (the summary printed)
 *   C  --no-probes --report c.json                     (the summary printed)
 * A, B and C must have the same cycles, instructions, breakdown, timing,
 * attribution, idle cycles, interrupts, outcome, exit status, kernel exit
 * code and guest console (the bytes it printed: stdout before the summary,
 * and "console_bytes"); A and B the same report, every key (paths
 * included: writing a trace and a Perfetto file changes nothing), and B's
 * trace and Perfetto files must be there. C's report has no event-derived
 * keys ("paths", "processes", "messages", "cap_cache": trace source none).
 * With the kernel as the trace source (IPCEMU_GUEST_KTRACE ON) the kernel
 * still runs its ktrace() under --no-probes (its trace-port records are
 * dropped), so the cycles agree already; with the probes as the source
 * this is the test: tracing on (A, B) or off (C), the same run.
 * Usage: test_integration_trace_free IPCEMU ARCH SCENARIO_DIR. */
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
#include <sys/stat.h>

#include "harness.h"

static const char *arch, *scenario_dir;

/* The report keys every way of running must agree on. */
static const char *const same_keys[] = {
    "cycles",      "instructions", "breakdown",     "timing",      "attribution",
    "idle_cycles", "interrupts",   "outcome",       "exit_status", "kernel_exit_code",
    "arch",        "cpu",          "console_bytes", "scenario",
};
/* The keys a run without kernel events leaves out. */
static const char *const event_keys[] = {"paths", "processes", "messages", "cap_cache"};

/* Returns the length of the guest console at the start of `out` (the
 * run's stdout): up to the summary's "\n== ipcemu " line. */
static size_t console_len(const char *out)
{
    const char *s = strstr(out, "\n== ipcemu ");
    assert_non_null(s);
    return (size_t)(s - out);
}

/* Returns 1 after printing what differs when report key `key` of `x` and
 * `y` (ways `xn`, `yn` of scenario `name`) differ, else 0. */
static int differs(const char *name, const char *key, const char *xn, const cJSON *x,
                   const char *yn, const cJSON *y)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(x, key);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(y, key);
    if (a && b && cJSON_Compare(a, b, true))
        return 0;
    char *as = a ? cJSON_PrintUnformatted(a) : NULL, *bs = b ? cJSON_PrintUnformatted(b) : NULL;
    fprintf(stderr, "%s/%s: \"%s\" differs: %s %.300s, %s %.300s\n", arch, name, key, xn,
            as ? as : "(none)", yn, bs ? bs : "(none)");
    free(as);
    free(bs);
    return 1;
}

/* Runs scenario `name` the three ways and compares them. Returns the
 * number of differences. */
static int check_scenario(const char *name)
{
    char path[1024], trace[256], perfetto[256];
    snprintf(path, sizeof path, "%s/%s", scenario_dir, name);
    snprintf(trace, sizeof trace, "%s/t.bin", tmpdir);
    snprintf(perfetto, sizeof perfetto, "%s/p.json", tmpdir);
    remove(trace);
    remove(perfetto);
    struct result a = run(1, "run", path, "--arch", arch, NULL);
    struct result b =
        run(1, "run", path, "--arch", arch, "--trace", trace, "--perfetto", perfetto, NULL);
    struct result c = run(1, "run", path, "--arch", arch, "--no-probes", NULL);
    if (!a.report || !b.report || !c.report)
        fail_msg("%s/%s: a report is missing (%s%s%s)", arch, name, a.err, b.err, c.err);
    int bad = 0;
    /* A and B: every key */
    if (!cJSON_Compare(a.report, b.report, true)) {
        const cJSON *k;
        cJSON_ArrayForEach(k, a.report) bad +=
            differs(name, k->string, "A", a.report, "B", b.report);
        bad += !bad; /* a key only B has */
    }
    struct stat st;
    if (stat(trace, &st) != 0 || st.st_size == 0 || stat(perfetto, &st) != 0 || st.st_size == 0) {
        fprintf(stderr, "%s/%s: B wrote no trace or no Perfetto file\n", arch, name);
        bad++;
    }
    /* A and C: what does not come from the kernel's events */
    for (size_t i = 0; i < sizeof same_keys / sizeof same_keys[0]; i++)
        bad += differs(name, same_keys[i], "A", a.report, "C", c.report);
    for (size_t i = 0; i < sizeof event_keys / sizeof event_keys[0]; i++)
        if (cJSON_GetObjectItemCaseSensitive(c.report, event_keys[i])) {
            fprintf(stderr, "%s/%s: C (--no-probes) has \"%s\"\n", arch, name, event_keys[i]);
            bad++;
        }
    if (strcmp(jstr(c.report, "trace_source"), "none") != 0) {
        fprintf(stderr, "%s/%s: C's trace_source is %s\n", arch, name,
                jstr(c.report, "trace_source"));
        bad++;
    }
    /* the guest console, byte for byte, and the exit status */
    size_t na = console_len(a.out), nb = console_len(b.out), nc = console_len(c.out);
    if (na != nb || na != nc || memcmp(a.out, b.out, na) != 0 || memcmp(a.out, c.out, na) != 0) {
        fprintf(stderr, "%s/%s: the guest console differs (%zu, %zu, %zu bytes)\n", arch, name, na,
                nb, nc);
        bad++;
    }
    if (a.status != b.status || a.status != c.status) {
        fprintf(stderr, "%s/%s: exit status %d, %d, %d\n", arch, name, a.status, b.status,
                c.status);
        bad++;
    }
    if (!bad)
        fprintf(stderr, "%s/%s: A, B, C agree: %.0f cycles, outcome %s\n", arch, name,
                jnum(a.report, "cycles"), jstr(a.report, "outcome"));
    result_free(&a);
    result_free(&b);
    result_free(&c);
    return bad;
}

static void tracing_changes_no_cycle_in_any_scenario(void **state)
{
    (void)state;
    char *names[256];
    size_t nn = scenario_names(scenario_dir, names, 256);
    int bad = 0;
    for (size_t i = 0; i < nn; i++) {
        bad += check_scenario(names[i]);
        free(names[i]);
    }
    assert_int_equal(bad, 0);
}

/* `boot` takes --no-probes too: the same demo run, no event-derived keys. */
static void boot_without_probes_is_the_same_run(void **state)
{
    (void)state;
    struct result a = run(1, "boot", "--arch", arch, "--demo", "ipc", NULL);
    struct result c = run(1, "boot", "--arch", arch, "--demo", "ipc", "--no-probes", NULL);
    assert_non_null(a.report);
    assert_non_null(c.report);
    int bad = 0;
    for (size_t i = 0; i < sizeof same_keys / sizeof same_keys[0]; i++)
        if (strcmp(same_keys[i], "scenario") != 0)
            bad += differs("demo-ipc", same_keys[i], "A", a.report, "C", c.report);
    assert_int_equal(bad, 0);
    assert_null(cJSON_GetObjectItemCaseSensitive(c.report, "paths"));
    assert_non_null(cJSON_GetObjectItemCaseSensitive(a.report, "paths"));
    result_free(&a);
    result_free(&c);
}

/* --no-probes with --trace (or --view) is refused: nothing to replay. */
static void no_probes_refuses_a_trace(void **state)
{
    (void)state;
    char path[1024], trace[256];
    snprintf(path, sizeof path, "%s/ping-pong.json", scenario_dir);
    snprintf(trace, sizeof trace, "%s/t.bin", tmpdir);
    struct result r = run(0, "run", path, "--arch", arch, "--no-probes", "--trace", trace, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--no-probes"));
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
    scenario_dir = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_probes_refuses_a_trace),
        cmocka_unit_test(boot_without_probes_is_the_same_run),
        cmocka_unit_test(tracing_changes_no_cycle_in_any_scenario),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
