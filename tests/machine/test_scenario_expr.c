/* tests/machine/test_scenario_expr.c: the expectations that state a
 * lesson (machine/scenario_expr.c): comparisons of a run's figures
 * (expect.that), orders of events (expect.order) and comparisons between
 * named runs, read and checked against made-up runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/scenario.h"
#include "tests/machine/scenario_harness.h"
#include "tracer/trace.h"

/* Appends event (type, pid, a0, a3) at `cycle` to log. */
static void ev(struct trc_log *log, uint64_t cycle, uint32_t type, uint32_t pid, uint64_t a0,
               uint64_t a3)
{
    struct trc_event e = {.cycle = cycle, .type = type, .pid = pid, .arg = {a0, 0, 0, a3}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* Adds process `pid` named `name` to log. */
static void proc(struct trc_log *log, uint32_t pid, const char *name)
{
    struct trc_event e = {.cycle = pid, .type = TRC_EV_PROC_CREATE, .pid = pid, .arg = {1}};
    char words[16] = {0};
    memcpy(words, name, strlen(name));
    memcpy(&e.arg[1], words, 8);
    memcpy(&e.arg[2], words + 8, 8);
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* Adds the processes of HEAD's scenario to log: server, spinner, w.0, w.1. */
static void procs(struct trc_log *log)
{
    proc(log, 1, "server");
    proc(log, 2, "spinner");
    proc(log, 3, "w.0");
    proc(log, 4, "w.1");
}

/* Gives path `id` of log the spans v[0..n). */
static void spans(struct trc_log *log, unsigned id, const uint64_t *v, size_t n)
{
    struct trc_samples *s = &log->paths[id];
    s->v = malloc(n * sizeof *s->v);
    assert_non_null(s->v);
    memcpy(s->v, v, n * sizeof *v);
    s->n = s->cap = n;
}

/* Returns the check at `path` of v (failing the test when there is none). */
static const struct trc_check *row(const struct scn_verdict *v, const char *path)
{
    for (size_t i = 0; i < v->nchecks; i++)
        if (strcmp(v->checks[i].path, path) == 0)
            return &v->checks[i];
    fail_msg("no check %s", path);
    return NULL;
}

#define HEAD                                                                                       \
    "{'name': 'x', 'description': 'd', 'processes': [{'name': 'server', 'program': [{'op': "       \
    "'yield'}]}, {'name': 'spinner', 'program': [{'op': 'yield'}]}, {'name': 'w', 'count': 2, "    \
    "'program': [{'op': 'yield'}]}],"

/* Comparisons read a path's statistics, the counters and a process's,
 * with a factor; a path without spans has no value; the row gives both
 * values and how they compare. */
static void comparisons_read_the_figures(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load(HEAD "'expect': {'that': ['ipc.call.fast.median < ipc.call.slow.median',"
                       " 'ipc.call.fast.count == 3', '2 * ipc.call.fast.max <= ipc.call.slow.min',"
                       " 'ipc.call.fast.mean > 100', 'cap_cache.misses >= 5', 'messages.sent == 0',"
                       " 'processes.w.1.exit_code == 0', 'processes.server.sent < 1',"
                       " 'ipc.roundtrip.fast.median < 1', 'ipc.roundtrip.fast.count == 0',"
                       " 'cycles>=1000']}}",
                  &s);
    assert_int_equal(s.expect.nthats, 11);
    struct trc_log log;
    trc_log_init(&log);
    procs(&log);
    ev(&log, 10, TRC_EV_PROC_EXIT, 4, 0, 0);
    const uint64_t fast[] = {100, 120, 300}, slow[] = {600, 700, 900};
    spans(&log, TRC_PATH_CALL_FAST, fast, 3);
    spans(&log, TRC_PATH_CALL_SLOW, slow, 3);
    log.cap_cache.misses = 4;
    struct scn_verdict v;
    char why[400];
    assert_int_equal(scn_check(&s, &log, 1000, "ok", &v, why, sizeof why), -1);
    assert_true(row(&v, "expect.that[0]")->held);
    assert_string_equal(row(&v, "expect.that[0]")->got, "120 < 700");
    assert_string_equal(row(&v, "expect.that[0]")->expected,
                        "ipc.call.fast.median < ipc.call.slow.median");
    assert_true(row(&v, "expect.that[1]")->held);
    assert_true(row(&v, "expect.that[2]")->held);
    assert_string_equal(row(&v, "expect.that[2]")->got, "600 == 600");
    assert_true(row(&v, "expect.that[3]")->held);
    assert_string_equal(row(&v, "expect.that[3]")->got, "173.33 > 100");
    assert_false(row(&v, "expect.that[4]")->held);
    assert_string_equal(row(&v, "expect.that[4]")->got, "4 < 5");
    assert_true(row(&v, "expect.that[5]")->held);
    assert_true(row(&v, "expect.that[6]")->held);
    assert_true(row(&v, "expect.that[7]")->held);
    assert_false(row(&v, "expect.that[8]")->held);
    assert_string_equal(row(&v, "expect.that[8]")->got, "ipc.roundtrip.fast has no spans");
    assert_true(row(&v, "expect.that[9]")->held);
    assert_true(row(&v, "expect.that[10]")->held);
    assert_non_null(strstr(why, "expectation failed: "));
    scn_verdict_free(&v);
    /* without kernel events only what needs none is checked */
    assert_int_equal(scn_check_no_events(&s, &log, 1000, "ok", &v, why, sizeof why), 0);
    assert_true(row(&v, "expect.that[10]")->held);
    for (size_t i = 0; i < v.nchecks; i++)
        assert_string_not_equal(v.checks[i].path, "expect.that[0]");
    scn_verdict_free(&v);
    trc_log_free(&log);
    scn_free(&s);
}

/* An order holds when the first event comes first, or when the second
 * never comes; it fails when the first never comes; a process name stands
 * for its replicas. */
static void orders_compare_first_events(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load(HEAD "'expect': {'order': ['server runs before spinner runs',"
                       " 'spinner exits before server exits', 'w runs before server sends',"
                       " 'server replies before spinner runs', 'w.1 runs before w.0 runs']}}",
                  &s);
    struct trc_log log;
    trc_log_init(&log);
    procs(&log);
    ev(&log, 100, TRC_EV_SCHED_SWITCH, 1, 0, 0);
    ev(&log, 200, TRC_EV_SCHED_SWITCH, 2, 1, 0);
    ev(&log, 250, TRC_EV_IPC_SEND, 1, 5, (uint64_t)-3); /* refused: not a send */
    ev(&log, 300, TRC_EV_SCHED_SWITCH, 4, 2, 0);
    ev(&log, 400, TRC_EV_PROC_EXIT, 1, 0, 0);
    ev(&log, 500, TRC_EV_SCHED_SWITCH, 3, 1, 0);
    ev(&log, 600, TRC_EV_PROC_EXIT, 2, 0, 0);
    struct scn_verdict v;
    char why[400];
    assert_int_equal(scn_check(&s, &log, 1000, "ok", &v, why, sizeof why), -1);
    assert_true(row(&v, "expect.order[0]")->held);
    assert_string_equal(row(&v, "expect.order[0]")->got,
                        "server runs at cycle 100, spinner runs at cycle 200");
    assert_false(row(&v, "expect.order[1]")->held);
    assert_true(row(&v, "expect.order[2]")->held); /* server never sends */
    assert_false(row(&v, "expect.order[3]")->held);
    assert_string_equal(row(&v, "expect.order[3]")->got, "server never replies");
    assert_true(row(&v, "expect.order[4]")->held);
    scn_verdict_free(&v);
    trc_log_free(&log);
    scn_free(&s);
}

/* Comparisons between named runs: each run leaves its side's values, and
 * they are checked when both ran; a run's settings are read. */
static void comparisons_between_runs(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load(HEAD "'machine': {'cap_cache': 8}, 'runs': {'hot': {'cap_cache': 64}, "
                       "'thrash': {'cap_cache': 1, 'cpu': 'flat'}}, "
                       "'expect': {'that': ['thrash:cap_cache.misses > hot:cap_cache.misses',"
                       " 'thrash:ipc.call.fast.median < 2 * hot:ipc.call.fast.median',"
                       " 'hot:cycles < 10', 'cycles > 0']}}",
                  &s);
    assert_int_equal(s.nruns, 2);
    assert_string_equal(s.runs[0].name, "hot");
    assert_int_equal(s.runs[0].cap_cache, 64);
    assert_string_equal(s.runs[1].cpu, "flat");
    assert_int_equal(s.cap_cache, 8);
    struct scn_snap snap;
    memset(&snap, 0, sizeof snap);
    struct trc_log a, b;
    trc_log_init(&a);
    trc_log_init(&b);
    a.cap_cache.misses = 2;
    b.cap_cache.misses = 90;
    const uint64_t fa[] = {100}, fb[] = {150};
    spans(&a, TRC_PATH_CALL_FAST, fa, 1);
    spans(&b, TRC_PATH_CALL_FAST, fb, 1);
    struct scn_verdict v;
    char why[400];
    /* one run alone: nothing between runs is checked */
    scn_snap_take(&s, 0, &a, 5, &snap);
    assert_int_equal(scn_check_runs(&s, &snap, &v, why, sizeof why), 0);
    assert_int_equal(v.nchecks, 1); /* hot:cycles < 10 names one run only */
    scn_verdict_free(&v);
    scn_snap_take(&s, 1, &b, 50, &snap);
    assert_int_equal(scn_check_runs(&s, &snap, &v, why, sizeof why), 0);
    assert_int_equal(v.nchecks, 3);
    assert_string_equal(row(&v, "expect.that[0]")->got, "90 > 2");
    assert_string_equal(row(&v, "expect.that[1]")->got, "150 < 200");
    scn_verdict_free(&v);
    /* a run's own check has only the comparison that names no run (its
     * processes never ran: expect.processes fails) */
    assert_int_equal(scn_check(&s, &a, 5, "ok", &v, why, sizeof why), -1);
    assert_true(row(&v, "expect.that[3]")->held);
    for (size_t i = 0; i < v.nchecks; i++)
        assert_string_not_equal(v.checks[i].path, "expect.that[0]");
    scn_verdict_free(&v);
    b.cap_cache.misses = 1;
    scn_snap_take(&s, 1, &b, 50, &snap);
    assert_int_equal(scn_check_runs(&s, &snap, &v, why, sizeof why), -1);
    assert_string_equal(why, "expectation failed: expect.that[0]: expected "
                             "thrash:cap_cache.misses > hot:cap_cache.misses, got 1 < 2");
    scn_verdict_free(&v);
    trc_log_free(&a);
    trc_log_free(&b);
    scn_free(&s);
}

int main(int argc, char **argv)
{
    scn_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(comparisons_read_the_figures),
        cmocka_unit_test(orders_compare_first_events),
        cmocka_unit_test(comparisons_between_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
