/* tests/integration/test_cores.c: `ipcemu run` and `boot` with several
 * cores on one architecture: every scenario of scenarios/ ends with
 * --cores 4 as it does with one core (outcome, exit status, every
 * expectation held or not alike), its secondaries come online (the
 * kernel's console line), and two runs with --cores 4 give the same trace
 * hash; machine.cores
 * in a scenario starts its cores and --cores overrides it; --cores and
 * machine.cores outside 1..8 exit 2 with one line naming them; processes
 * on every core run past the timing model's first sampling window; a
 * mapping removed by the kernel on one core leaves another core's TLB
 * before the system call returns (unmap-shootdown.json).
 *   test_integration_cores IPCEMU ARCH SCENARIO_DIR */
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

/* The console line of a kernel that brought `n` cores online, each of the
 * n - 1 secondaries answering an IPI. */
static void want_online(const char *out, unsigned n, const char *what)
{
    char line[96];
    snprintf(line, sizeof line, "smp: %u of %u cores online, %u answered an IPI", n, n, n - 1);
    if (!strstr(out, line))
        fail_msg("%s: no \"%s\" on the console", what, line);
}

/* Fails unless reports `x` and `y` list the same expectations (path) with
 * the same verdict (held), in the same order. */
static void same_expectations(const cJSON *x, const cJSON *y, const char *what)
{
    const cJSON *ex = cJSON_GetObjectItem(x, "expectations");
    const cJSON *ey = cJSON_GetObjectItem(y, "expectations");
    int n = cJSON_GetArraySize(ex);
    if (n != cJSON_GetArraySize(ey))
        fail_msg("%s: %d expectations on one core, %d on four", what, n, cJSON_GetArraySize(ey));
    for (int i = 0; i < n; i++) {
        const cJSON *a = cJSON_GetArrayItem(ex, i), *b = cJSON_GetArrayItem(ey, i);
        if (strcmp(jstr(a, "path"), jstr(b, "path")) ||
            cJSON_IsTrue(cJSON_GetObjectItem(a, "held")) !=
                cJSON_IsTrue(cJSON_GetObjectItem(b, "held")))
            fail_msg("%s: expectation %s held differently on four cores", what, jstr(a, "path"));
    }
}

/* Returns whether the scenario at `path` has "runs" of which one sets
 * "cores". */
static bool runs_set_cores(const char *path)
{
    char *text = read_whole(path, NULL);
    assert_non_null(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    bool set = false;
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(root, "runs")) set |=
        cJSON_GetObjectItem(r, "cores") != NULL;
    cJSON_Delete(root);
    return set;
}

static void every_scenario_ends_the_same_on_four_cores(void **state)
{
    (void)state;
    char *names[128];
    size_t n = scenario_names(dir, names, 128);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct result one = run(1, "run", path, "--arch", arch, "--quiet", NULL);
        struct result a = run(1, "run", path, "--arch", arch, "--cores", "4", NULL);
        struct result b = run(1, "run", path, "--arch", arch, "--cores", "4", "--quiet", NULL);
        assert_non_null(one.report);
        assert_non_null(a.report);
        assert_non_null(b.report);
        /* a scenario whose runs choose their own core counts compares them
         * (lock-contention.json): --cores 4 makes every run the same, so
         * only its determinism is checked here */
        bool own_cores = runs_set_cores(path);
        if (!own_cores && (one.status != a.status ||
                           strcmp(jstr(one.report, "outcome"), jstr(a.report, "outcome"))))
            fail_msg("%s: one core exit %d %s, four cores exit %d %s", names[i], one.status,
                     jstr(one.report, "outcome"), a.status, jstr(a.report, "outcome"));
        if (strcmp(jstr(a.report, "trace_hash"), jstr(b.report, "trace_hash")))
            fail_msg("%s: two runs on four cores, trace hashes %s and %s", names[i],
                     jstr(a.report, "trace_hash"), jstr(b.report, "trace_hash"));
        assert_true(jnum(a.report, "cycles") == jnum(b.report, "cycles"));
        if (!own_cores)
            same_expectations(one.report, a.report, names[i]);
        want_online(a.out, 4, names[i]);
        assert_null(strstr(one.out, "smp:"));
        result_free(&one);
        result_free(&a);
        result_free(&b);
        free(names[i]);
    }
}

static void the_boot_demo_runs_on_eight_cores(void **state)
{
    (void)state;
    struct result r = run(1, "boot", "--arch", arch, "--cores", "8", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(jstr(r.report, "outcome"), "ok");
    want_online(r.out, 8, "boot --cores 8");
    result_free(&r);
}

#define SCN_CORES(n)                                                                               \
    "{\"name\": \"cores\", \"description\": \"cores\", \"machine\": {\"cores\": " n "},"           \
    " \"processes\": [{\"name\": \"a\", \"program\": [{\"op\": \"exit\", \"code\": 0}]}]}"

static void machine_cores_starts_them_and_the_option_overrides_it(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s", put_tmp("cores3.json", SCN_CORES("3")));
    struct result r = run(0, "run", path, "--arch", arch, NULL);
    assert_int_equal(r.status, 0);
    want_online(r.out, 3, "machine.cores 3");
    result_free(&r);
    r = run(0, "run", path, "--arch", arch, "--cores", "1", NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "smp:"));
    result_free(&r);
    r = run(0, "run", put_tmp("cores9.json", SCN_CORES("9")), "--arch", arch, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "machine.cores"));
    assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1); /* one line */
    result_free(&r);
}

/* Three processes on each of four cores, each computing 4,500,000 cycles
 * and then creating and deleting a region 180 times: every core runs its
 * processes (in their address spaces) for more than 11,000,000 cycles.
 * (The compute is what makes it that long: with the lock's spin-wait hint
 * the region loop alone takes 3.7 to 10 million cycles.) */
#define SCN_SPREAD_PROC(k)                                                                         \
    "{\"name\": \"p" #k "\", \"count\": 3, \"core\": " #k ", \"program\": [{\"op\": "              \
    "\"compute\", \"cycles\": 4500000}, {\"op\": \"repeat\", \"count\": 180, \"body\": [{\"op\": " \
    "\"region_create\", \"as\": \"r\", "                                                           \
    "\"bytes\": 4096, \"expect\": \"ok\"}, {\"op\": \"delete\", \"cap\": \"r\", \"expect\": "      \
    "\"ok\"}]}]}"
#define SCN_SPREAD                                                                                 \
    "{\"name\": \"spread\", \"description\": \"spread\", \"machine\": {\"cores\": 4},"             \
    " \"processes\": [" SCN_SPREAD_PROC(0) ", " SCN_SPREAD_PROC(1) ", " SCN_SPREAD_PROC(           \
        2) ", " SCN_SPREAD_PROC(3) "]}"

/* Past the timing model's exact window and its first measuring window
 * (emu/timing.c: TM_EXACT_CYCLES + TM_WARM + TM_MEASURE) the memory hooks
 * go and every core drops the translations of the pages it ran code from,
 * through its current address space. An x86_64 secondary had run the
 * start page (X86_AP_LOW_BASE), which no process maps: the drop raised a
 * #PF at 0x8000 in its kernel (machine/arch/x86_64.c
 * x86_left_start_page). Every core must run processes past that point and
 * the run end well. */
static void processes_on_every_core_run_past_the_first_sampling_window(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s", put_tmp("spread.json", SCN_SPREAD));
    struct result r = run(1, "run", path, "--arch", arch, NULL);
    assert_non_null(r.report);
    if (strcmp(jstr(r.report, "outcome"), "ok"))
        fail_msg("outcome %s: %s", jstr(r.report, "outcome"), jstr(r.report, "why"));
    assert_int_equal(r.status, 0);
    const cJSON *cores = cJSON_GetObjectItem(r.report, "cores");
    assert_int_equal(cJSON_GetArraySize(cores), 4);
    for (int k = 0; k < 4; k++) {
        const cJSON *c = cJSON_GetArrayItem(cores, k);
        if (jnum(c, "cycles") <= 11000000.0 || jnum(c, "user_cycles") <= 0.0)
            fail_msg("core %d ran %.0f cycles (%.0f user): not past the first window", k,
                     jnum(c, "cycles"), jnum(c, "user_cycles"));
    }
    want_online(r.out, 4, "spread");
    result_free(&r);
}

#define SCN_SLICED                                                                                 \
    "{\"name\": \"sliced\", \"description\": \"sliced\", \"machine\": {\"cores\": 4},"             \
    " \"processes\": [{\"name\": \"w\", \"count\": 8, \"core\": 0, \"program\": ["                 \
    "{\"op\": \"region_create\", \"as\": \"r\", \"bytes\": 4096}, {\"op\": \"map\", \"region\": "  \
    "\"r\"},"                                                                                      \
    " {\"op\": \"repeat\", \"count\": 2000, \"body\": [{\"op\": \"touch\", \"region\": \"r\","     \
    " \"bytes\": 4096}]}]}]}"

/* Two processes of equal priority on each of four cores, each reading
 * its own page in a loop (a fixed amount of user work: `compute`
 * calibrates its loop with reads of the clock, system calls that wait for
 * the kernel lock here, so its work varies from one build of the kernel to the next
 * by more than tenfold): each core's own timer ends their time slices
 * (20,000 cycles) while an
 * IPI may be up at the same target. A controller output held up by two
 * lines once reached a core only once (the board delivered rises only),
 * and the second line, and every timer interrupt after it, never came:
 * those cores ran on to --max-cycles. Every core must take its timer
 * interrupts and the run end well. */
static void every_core_slices_its_processes_by_its_own_timer(void **state)
{
    (void)state;
    char path[1024], csv[1100];
    snprintf(path, sizeof path, "%s", put_tmp("sliced.json", SCN_SLICED));
    snprintf(csv, sizeof csv, "%s/sliced.csv", tmpdir);
    struct result r = run(1, "run", path, "--arch", arch, "--quiet", "--csv", csv, NULL);
    assert_non_null(r.report);
    if (strcmp(jstr(r.report, "outcome"), "ok"))
        fail_msg("outcome %s: %s", jstr(r.report, "outcome"), jstr(r.report, "why"));
    assert_int_equal(r.status, 0);
    char *text = read_whole(csv, NULL);
    assert_non_null(text);
    unsigned irqs[4] = {0};
    for (char *l = strchr(text, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        unsigned long long cycle;
        unsigned core;
        char ev[32];
        if (sscanf(l + 1, "%llu,%u,%31[^,]", &cycle, &core, ev) == 3 && core < 4 &&
            !strcmp(ev, "timer.irq"))
            irqs[core]++;
    }
    free(text);
    for (unsigned k = 0; k < 4; k++)
        if (irqs[k] < 20) /* 41 to 510 on the three architectures */
            fail_msg("core %u took %u timer interrupts", k, irqs[k]);
    result_free(&r);
}

static void core_options_outside_their_range_exit_2(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s", put_tmp("ok.json", SCN_CORES("1")));
    const char *bad[][2] = {{"--cores", "0"},  {"--cores", "9"},        {"--cores", "junk"},
                            {"--cores", "-1"}, {"--core-quantum", "0"}, {"--core-quantum", "x"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct result r = run(0, "run", path, "--arch", arch, bad[i][0], bad[i][1], NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, bad[i][0]));
        assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1); /* one line */
        result_free(&r);
        r = run(0, "boot", "--arch", arch, bad[i][0], bad[i][1], NULL);
        assert_int_equal(r.status, 2);
        result_free(&r);
    }
    /* a trace of several cores records their number: test_trace_cores.c */
}

/* One row of a --csv trace: cycle, core, event, pid and the four
 * arguments. */
struct csv_row {
    unsigned long long cycle, a[4];
    unsigned core, pid;
    char event[32];
};

/* Returns the number of rows of the CSV `text` read into rows[max] (the
 * header skipped). */
static size_t csv_rows(const char *text, struct csv_row *rows, size_t max)
{
    size_t n = 0;
    const char *line = strchr(text, '\n');
    while (line && *++line && n < max) {
        struct csv_row *r = &rows[n];
        /* the process column may be empty: read around it */
        if (sscanf(line, "%llu,%u,%31[^,],%u,", &r->cycle, &r->core, r->event, &r->pid) == 4) {
            const char *c = line;
            for (int commas = 0; commas < 5 && c; commas++)
                c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL;
            if (c && sscanf(c, "%llu,%llu,%llu,%llu", &r->a[0], &r->a[1], &r->a[2], &r->a[3]) == 4)
                n++;
        }
        line = strchr(line, '\n');
    }
    return n;
}

/* scenarios/unmap-shootdown.json: the owner (core 0) revokes the region
 * the reader (core 1) reads in a loop. The kernel on core 0 removes the
 * reader's mapping, interrupts core 1, which enters the kernel before
 * the revoke returns to the owner; the reader then runs once more and
 * faults reading the region (it used to read it to the end of its loop).
 * On two cores (the scenario's) and on four. */
static void a_mapping_removed_from_another_core_leaves_its_tlb(void **state)
{
    (void)state;
    char path[1024], csv[1024];
    snprintf(path, sizeof path, "%s/unmap-shootdown.json", dir);
    snprintf(csv, sizeof csv, "%s", put_tmp("unmap.csv", ""));
    static struct csv_row rows[20000];
    const char *cores[] = {"2", "4"};
    for (unsigned k = 0; k < 2; k++) {
        struct result r =
            run(1, "run", path, "--arch", arch, "--cores", cores[k], "--csv", csv, "--quiet", NULL);
        assert_int_equal(r.status, 0);
        char *text = read_whole(csv, NULL);
        assert_non_null(text);
        size_t n = csv_rows(text, rows, sizeof rows / sizeof rows[0]);
        free(text);
        /* the reader is pid 2 on core 1, the owner pid 1 on core 0 */
        size_t unmap = n, irq = n, back = n, fault = n;
        unsigned enters = 0;
        for (size_t i = 0; i < n; i++) {
            const struct csv_row *w = &rows[i];
            if (unmap == n && !strcmp(w->event, "region") && w->pid == 2 && w->a[3] == 4)
                unmap = i;
            else if (unmap < n && irq == n && w->core == 1 && !strcmp(w->event, "irq"))
                irq = i;
            else if (unmap < n && back == n && w->core == 0 && !strcmp(w->event, "user.enter"))
                back = i;
            else if (unmap < n && fault == n && !strcmp(w->event, "user.enter") && w->pid == 2)
                enters++;
            else if (unmap < n && fault == n && !strcmp(w->event, "proc.fault") && w->pid == 2)
                fault = i;
        }
        if (unmap == n || irq == n || back == n || fault == n)
            fail_msg("--cores %s: unmap %zu, irq %zu, back %zu, fault %zu of %zu rows", cores[k],
                     unmap, irq, back, fault, n);
        assert_int_equal(rows[unmap].core, 0);
        /* core 1 was in the kernel before the owner's revoke returned */
        assert_true(rows[irq].cycle <= rows[back].cycle);
        /* a read of the region, at the reader's first run after it */
        assert_int_equal(rows[fault].a[0], 1);
        assert_true(rows[fault].a[2] >= rows[unmap].a[1] &&
                    rows[fault].a[2] < rows[unmap].a[1] + rows[unmap].a[2]);
        assert_int_equal(enters, 1);
        result_free(&r);
    }
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
        cmocka_unit_test(every_scenario_ends_the_same_on_four_cores),
        cmocka_unit_test(the_boot_demo_runs_on_eight_cores),
        cmocka_unit_test(machine_cores_starts_them_and_the_option_overrides_it),
        cmocka_unit_test(processes_on_every_core_run_past_the_first_sampling_window),
        cmocka_unit_test(every_core_slices_its_processes_by_its_own_timer),
        cmocka_unit_test(core_options_outside_their_range_exit_2),
        cmocka_unit_test(a_mapping_removed_from_another_core_leaves_its_tlb),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
