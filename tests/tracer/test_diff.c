/* tests/tracer/test_diff.c: comparing two event logs (tracer/diff.c), as
 * `ipcemu diff` and `ipcemu replay` do: the same log is identical; an
 * event changed at index k is reported at k, with both events; a log that
 * ends first is reported where it ends; paths whose counts differ are
 * counted and shown side by side; equal events with another hash are the
 * console's difference. */
#define _GNU_SOURCE /* open_memstream on older C libraries */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "abi/syscall_nr.h"
#include "tracer/diff.h"

static void ev(struct trc_log *log, uint64_t cycle, uint32_t type, uint32_t pid, uint64_t a0,
               uint64_t a1, uint64_t a2)
{
    struct trc_event e = {.cycle = cycle, .type = type, .pid = pid, .arg = {a0, a1, a2, 0}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* A run of `pid` 1 ("ping") with `calls` system calls, each a trap entry
 * of 30 cycles (trap.entry spans). */
static void play(struct trc_log *log, unsigned calls)
{
    trc_log_init(log);
    ev(log, 1, TRC_EV_PROC_CREATE, 1, 1, 0x676e6970 /* "ping" */, 0);
    ev(log, 10, TRC_EV_SCHED_SWITCH, 1, 0, TRC_SWITCH_START, 0);
    for (unsigned i = 0; i < calls; i++) {
        ev(log, 100 + 100 * i, TRC_EV_TRAP, 0, 0, 0, 0);
        ev(log, 130 + 100 * i, TRC_EV_SYSCALL, 1, SYS_GETPID, 0, 0);
    }
}

/* Returns what trc_diff_print writes for logs a and b (malloc'd). */
static char *printed(const struct trc_log *a, const struct trc_log *b, const struct trc_diff *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    trc_diff_print(f, a, b, d);
    assert_int_equal(fclose(f), 0);
    return text;
}

static void the_same_log_is_identical(void **state)
{
    (void)state;
    struct trc_log a, b;
    play(&a, 3);
    play(&b, 3);
    struct trc_diff d;
    assert_true(trc_diff_logs(&a, a.hash, &b, b.hash, &d));
    assert_int_equal(d.first, SIZE_MAX);
    assert_true(d.same_hash);
    assert_int_equal(d.paths_differ, 0);
    assert_int_equal(trc_diff_first(&a, &a), SIZE_MAX);
    char *t = printed(&a, &b, &d);
    assert_string_equal(t, "identical\n"
                           "   path                   count A  count B  median A  median B   "
                           "change\n"
                           "   trap.entry                   3        3        30        30    "
                           "+0.0%\n");
    free(t);
    trc_log_free(&a);
    trc_log_free(&b);
}

/* Each field of an event, changed at index k, is found at k. */
static void an_event_changed_at_k_is_reported_at_k(void **state)
{
    (void)state;
    struct trc_log a;
    play(&a, 3);
    for (size_t k = 0; k < a.nev; k++)
        for (int field = 0; field < 4 + TRC_NARGS; field++) {
            struct trc_log b;
            play(&b, 3);
            struct trc_event *e = &b.ev[k];
            switch (field) {
            case 0:
                e->cycle++;
                break;
            case 1:
                e->core = 1;
                break;
            case 2:
                e->type ^= 1;
                break;
            case 3:
                e->pid = 9;
                break;
            default:
                e->arg[field - 4] += 5;
                break;
            }
            struct trc_diff d;
            assert_false(trc_diff_logs(&a, a.hash, &b, b.hash, &d));
            assert_int_equal(d.first, k);
            assert_int_equal(trc_diff_first(&b, &a), k);
            trc_log_free(&b);
        }
    /* and printed with both events */
    struct trc_log b;
    play(&b, 3);
    b.ev[4].arg[0] = 42;
    struct trc_diff d;
    assert_false(trc_diff_logs(&a, a.hash, &b, b.hash, &d));
    char *t = printed(&a, &b, &d);
    assert_non_null(strstr(t, "first difference at event 4\n"
                              "  A: cycle 200: trap pid 0 0 0 0 0\n"
                              "  B: cycle 200: trap pid 0 42 0 0 0\n"));
    free(t);
    trc_log_free(&b);
    /* the process is named, made printable */
    char line[200];
    trc_event_text(&a, &a.ev[3], line, sizeof line);
    assert_string_equal(line, "cycle 130: syscall pid 1 (ping) 4 0 0 0");
    trc_log_free(&a);
}

/* A log that ends first differs where it ends; paths whose counts differ
 * are counted and shown side by side. */
static void different_path_counts_are_reported(void **state)
{
    (void)state;
    struct trc_log a, b;
    play(&a, 2);
    play(&b, 5);
    struct trc_diff d;
    assert_false(trc_diff_logs(&a, a.hash, &b, b.hash, &d));
    assert_int_equal(d.first, a.nev);
    assert_int_equal(d.paths_differ, 1);
    char *t = printed(&a, &b, &d);
    char want[200];
    snprintf(want, sizeof want,
             "first difference at event %zu\n  A: (A ended)\n  B: cycle 300:", a.nev);
    assert_non_null(strstr(t, want));
    assert_non_null(
        strstr(t, "   trap.entry                   2        5        30        30    +0.0%\n"));
    free(t);
    /* the other way round: B ends first */
    assert_false(trc_diff_logs(&b, b.hash, &a, a.hash, &d));
    assert_int_equal(d.first, a.nev);
    t = printed(&b, &a, &d);
    assert_non_null(strstr(t, "  B: (B ended)\n"));
    free(t);
    /* a path only one log has is still shown, without a change */
    struct trc_log c;
    play(&c, 0);
    assert_false(trc_diff_logs(&c, c.hash, &a, a.hash, &d));
    assert_int_equal(d.paths_differ, 1);
    t = printed(&c, &a, &d);
    assert_non_null(
        strstr(t, "   trap.entry                   0        2         0        30         \n"));
    free(t);
    trc_log_free(&a);
    trc_log_free(&b);
    trc_log_free(&c);
}

/* The same events with another content hash: the console differs. */
static void the_same_events_with_another_hash_differ(void **state)
{
    (void)state;
    struct trc_log a, b;
    play(&a, 2);
    play(&b, 2);
    assert_int_equal(trc_log_console(&b, 'x'), TRC_OK);
    assert_true(a.hash != b.hash);
    struct trc_diff d;
    assert_false(trc_diff_logs(&a, a.hash, &b, b.hash, &d));
    assert_int_equal(d.first, SIZE_MAX);
    assert_false(d.same_hash);
    char *t = printed(&a, &b, &d);
    assert_non_null(strstr(t, "the same events; the console output differs\n"));
    free(t);
    trc_log_free(&a);
    trc_log_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_same_log_is_identical),
        cmocka_unit_test(an_event_changed_at_k_is_reported_at_k),
        cmocka_unit_test(different_path_counts_are_reported),
        cmocka_unit_test(the_same_events_with_another_hash_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
