/* tests/tracer/test_diff_table.c: two runs side by side
 * (tracer/diff_table.c), as `ipcemu diff` prints them: a run's outcome
 * derived from its trace; the same runs have no row that differs; the
 * capability cache's counts, a path's figures, a process only one run has
 * and the events of each type are rows that differ, printed with their
 * change, the same rows left out unless --all; one section alone; the
 * JSON has every row, numbers as numbers and a missing figure as null. */
#define _GNU_SOURCE /* open_memstream on older C libraries */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "tracer/diff.h"

static void ev(struct trc_log *log, uint64_t cycle, uint32_t type, uint32_t pid, uint64_t a0,
               uint64_t a1, uint64_t a2)
{
    struct trc_event e = {.cycle = cycle, .type = type, .pid = pid, .arg = {a0, a1, a2, 0}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* A client (pid 1) that calls 4 times through the capability cache,
 * `hits` of them hits, each call a trap.entry span of 30 cycles; then
 * the kernel halts with `code` unless code < 0. */
static void play(struct trc_log *log, unsigned hits, int code)
{
    trc_log_init(log);
    ev(log, 1, TRC_EV_PROC_CREATE, 1, 1, 0x746e65696c63 /* "client" */, 0);
    ev(log, 10, TRC_EV_SCHED_SWITCH, 1, 0, TRC_SWITCH_START, 0);
    for (unsigned i = 0; i < 4; i++) {
        ev(log, 100 + 100 * i, TRC_EV_TRAP, 0, 0, 0, 0);
        ev(log, 130 + 100 * i, TRC_EV_SYSCALL, 1, 4, 0, 0);
        ev(log, 140 + 100 * i, TRC_EV_CAP_LOOKUP, 1, 0x1001, i < hits, 0);
    }
    if (code >= 0) {
        ev(log, 900, TRC_EV_PROC_EXIT, 1, 0, 0, 0);
        ev(log, 950, TRC_EV_HALT, 0, (uint64_t)code, 0, 0);
    }
    trc_log_finish(log, 1000);
}

static struct trc_file_meta meta(const char *cpu)
{
    struct trc_file_meta m = {.max_cycles = 5000,
                              .quantum = 100000,
                              .ram = 64u << 20,
                              .cap_cache = 64,
                              .cycles = 1000,
                              .instructions = 700};
    snprintf(m.kind, sizeof m.kind, "run");
    snprintf(m.arch, sizeof m.arch, "x86_64");
    snprintf(m.cpu, sizeof m.cpu, "%s", cpu);
    return m;
}

/* Returns what trc_diff_table_print writes (malloc'd). */
static char *printed(const struct trc_diff_table *t, bool all, const char *section)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    trc_diff_table_print(f, t, all, section);
    assert_int_equal(fclose(f), 0);
    return text;
}

/* Returns the row named `name` of section `section`, or fails. */
static const struct trc_diff_row *row(const struct trc_diff_table *t, const char *section,
                                      const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->row[i].section, section) && !strcmp(t->row[i].name, name))
            return &t->row[i];
    fail_msg("no row %s %s", section, name);
    return NULL;
}

static void the_outcome_comes_from_the_events(void **state)
{
    (void)state;
    struct trc_file_meta m = meta("skylake");
    struct trc_log log;
    play(&log, 0, 0);
    assert_string_equal(trc_diff_outcome(&m, &log, 100), "ok");
    trc_log_free(&log);
    play(&log, 0, 3);
    assert_string_equal(trc_diff_outcome(&m, &log, 100), "expect_failed");
    trc_log_free(&log);
    /* no halt: the clock reached max_cycles; else the events' bound; else
     * a deadlock when a process waits, a fault when none does */
    play(&log, 0, -1);
    assert_string_equal(trc_diff_outcome(&m, &log, 100), "fault");
    assert_string_equal(trc_diff_outcome(&m, &log, log.nev), "max_events");
    m.max_cycles = 1000;
    assert_string_equal(trc_diff_outcome(&m, &log, 100), "max_cycles");
    m.max_cycles = 5000;
    ev(&log, 960, TRC_EV_IPC_BLOCK, 1, 3, 1, 0);
    assert_string_equal(trc_diff_outcome(&m, &log, 100), "deadlock");
    snprintf(m.kind, sizeof m.kind, "exec");
    assert_string_equal(trc_diff_outcome(&m, &log, 100), "unknown");
    trc_log_free(&log);
}

static void the_same_runs_have_no_row_that_differs(void **state)
{
    (void)state;
    struct trc_file_meta ma = meta("skylake"), mb = meta("skylake");
    struct trc_log a, b;
    play(&a, 2, 0);
    play(&b, 2, 0);
    struct trc_diff_run ra = {&ma, &a, "ok", "s", "1 of 1 held"},
                        rb = {&mb, &b, "ok", "s", "1 of 1 held"};
    struct trc_diff_table t = {0};
    assert_int_equal(trc_diff_table_build(&t, &ra, &rb), 0);
    assert_false(t.oom);
    char *text = printed(&t, false, NULL);
    char want[80];
    snprintf(want, sizeof want, "(%zu rows the same in both: --all shows them)\n", t.n);
    assert_string_equal(text, want);
    free(text);
    /* --all: every row, none marked */
    text = printed(&t, true, NULL);
    assert_non_null(strstr(text, "cap_cache\n   hits "));
    assert_null(strstr(text, " * "));
    assert_null(strstr(text, "rows the same"));
    free(text);
    trc_diff_table_free(&t);
    trc_log_free(&a);
    trc_log_free(&b);
}

/* A thrashing and a hot cache, on two CPU profiles: the cache's counts,
 * the settings and the outcome are rows that differ, with their change. */
static void differing_rows_are_printed_with_their_change(void **state)
{
    (void)state;
    struct trc_file_meta ma = meta("skylake"), mb = meta("flat");
    mb.cycles = 800;
    struct trc_log a, b;
    play(&a, 0, 0);
    play(&b, 3, 3);
    /* b: a process a does not have, a slow path */
    ev(&b, 960, TRC_EV_PROC_CREATE, 2, 1, 0x726576726573 /* "server" */, 0);
    struct trc_diff_run ra = {&ma, &a, "ok", NULL, NULL},
                        rb = {&mb, &b, "expect_failed", NULL, NULL};
    struct trc_diff_table t = {0};
    size_t n = trc_diff_table_build(&t, &ra, &rb);
    assert_true(n > 5);
    assert_true(row(&t, "settings", "cpu")->differ);
    assert_false(row(&t, "settings", "cpu")->numeric);
    assert_false(row(&t, "settings", "arch")->differ);
    assert_true(row(&t, "run", "outcome")->differ);
    const struct trc_diff_row *h = row(&t, "cap_cache", "hits");
    assert_true(h->differ && h->numeric);
    assert_true(h->va == 0 && h->vb == 3);
    assert_string_equal(row(&t, "cap_cache", "misses")->b, "1");
    assert_false(row(&t, "paths", "trap.entry count")->differ);
    assert_string_equal(row(&t, "paths", "trap.entry mean")->a, "30.0");
    const struct trc_diff_row *p = row(&t, "processes", "2 server state");
    assert_string_equal(p->a, "-");
    assert_string_equal(p->b, "ready");
    assert_false(row(&t, "processes", "2 server cycles")->numeric);
    assert_true(row(&t, "events", "halt")->differ == false);
    assert_true(row(&t, "events", "proc.create")->differ);
    char *text = printed(&t, false, NULL);
    assert_non_null(strstr(text, "settings\n * cpu"));
    assert_non_null(strstr(text, "cap_cache\n * hits "));
    assert_non_null(strstr(text, "+3\n"));          /* hits: from 0, no percentage */
    assert_non_null(strstr(text, "-3 (-75.0%)"));   /* misses 4 -> 1 */
    assert_non_null(strstr(text, "-200 (-20.0%)")); /* cycles 1000 -> 800 */
    assert_null(strstr(text, " arch "));
    assert_null(strstr(text, "trap.entry"));
    free(text);
    /* one section alone */
    text = printed(&t, false, "events");
    assert_non_null(strstr(text, "events\n * proc.create "));
    assert_null(strstr(text, "cap_cache"));
    assert_non_null(strstr(text, "rows the same in both"));
    free(text);
    trc_diff_table_free(&t);
    trc_log_free(&a);
    trc_log_free(&b);
}

/* The JSON has both runs, every row and what the events comparison found. */
static void the_json_has_every_row(void **state)
{
    (void)state;
    struct trc_file_meta ma = meta("skylake"), mb = meta("skylake");
    struct trc_log a, b;
    play(&a, 0, 0);
    play(&b, 4, 0);
    ev(&b, 990, TRC_EV_PROC_CREATE, 2, 1, 0x726576726573, 0);
    struct trc_diff_run ra = {&ma, &a, "ok", NULL, NULL}, rb = {&mb, &b, "ok", NULL, NULL};
    struct trc_diff_table t = {0};
    trc_diff_table_build(&t, &ra, &rb);
    struct trc_diff_events d;
    assert_false(trc_diff_events(&a, &b, false, &d));
    char *s = trc_diff_json("a.trace", "b.trace", &ra, &rb, &t, &d, false);
    assert_non_null(s);
    cJSON *j = cJSON_Parse(s);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "a"), "file")->valuestring,
                        "a.trace");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "same")));
    const cJSON *rows = cJSON_GetObjectItem(j, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), t.n);
    bool hits = false, missing = false;
    const cJSON *r;
    cJSON_ArrayForEach(r, rows)
    {
        const char *name = cJSON_GetObjectItem(r, "name")->valuestring;
        if (!strcmp(name, "hits")) {
            hits = true;
            assert_true(cJSON_GetObjectItem(r, "a")->valuedouble == 0);
            assert_true(cJSON_GetObjectItem(r, "b")->valuedouble == 4);
            assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r, "differ")));
        }
        if (!strcmp(name, "2 server cycles")) {
            missing = true;
            assert_true(cJSON_IsNull(cJSON_GetObjectItem(r, "a")));
        }
    }
    assert_true(hits && missing);
    const cJSON *e = cJSON_GetObjectItem(j, "events");
    assert_string_equal(cJSON_GetObjectItem(e, "compared")->valuestring, "all");
    const cJSON *f = cJSON_GetObjectItem(e, "first");
    assert_int_equal(cJSON_GetObjectItem(f, "a_index")->valuedouble, 4);
    assert_string_equal(cJSON_GetObjectItem(f, "a")->valuestring,
                        "cap.lookup pid 1 (client) token 0x1001 miss ok");
    assert_string_equal(cJSON_GetObjectItem(f, "b")->valuestring,
                        "cap.lookup pid 1 (client) token 0x1001 hit ok");
    cJSON_Delete(j);
    free(s);
    trc_diff_table_free(&t);
    trc_log_free(&a);
    trc_log_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_outcome_comes_from_the_events),
        cmocka_unit_test(the_same_runs_have_no_row_that_differs),
        cmocka_unit_test(differing_rows_are_printed_with_their_change),
        cmocka_unit_test(the_json_has_every_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
