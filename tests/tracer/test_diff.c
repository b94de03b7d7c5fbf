/* tests/tracer/test_diff.c: comparing two event logs (tracer/diff.c), as
 * `ipcemu diff` and `ipcemu replay` do: the same log is the same, stamps
 * included; an event changed at index k in a field that carries meaning
 * is the first difference in meaning at k, one changed only in a stamp
 * (its cycle, a deadline, an interrupt's times, an address) is counted as
 * a stamp-only difference and the comparison goes on; a log that ends
 * first differs where it ends; --events compares only the IPC events; the
 * first difference is printed with context from both runs; events are
 * described by what their arguments mean. */
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
               uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct trc_event e = {.cycle = cycle, .type = type, .pid = pid, .arg = {a0, a1, a2, a3}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* op 7, 16 bytes */
#define MSG (7ull | 16ull << 32)

/* A run of "ping" (pid 1) calling "pong" (pid 2) `calls` times on port
 * 3, each call a system call (trap, syscall), a fast send and receive,
 * then a reply; `slow` cycles added to every stamp after the first two
 * events (another timing model). */
static void play(struct trc_log *log, unsigned calls, uint64_t slow)
{
    trc_log_init(log);
    ev(log, 1, TRC_EV_PROC_CREATE, 1, 1, 0x676e6970 /* "ping" */, 0, 0);
    ev(log, 2, TRC_EV_PROC_CREATE, 2, 1, 0x676e6f70 /* "pong" */, 0, 0);
    ev(log, 10 + slow, TRC_EV_SCHED_SWITCH, 1, 0, TRC_SWITCH_START, 0, 0);
    for (unsigned i = 0; i < calls; i++) {
        uint64_t t = 100 + (100 + slow) * i + slow;
        ev(log, t, TRC_EV_TRAP, 0, 0, 0, 0, 0);
        ev(log, t + 30, TRC_EV_SYSCALL, 1, SYS_GETPID, 0, 0, 0);
        ev(log, t + 40, TRC_EV_IPC_SEND, 1, 3, MSG, TRC_IPC_FAST, 0);
        ev(log, t + 40, TRC_EV_IPC_RECV, 2, 3, MSG, TRC_IPC_FAST, 1ull << 32);
        ev(log, t + 50, TRC_EV_IPC_BLOCK, 1, 3, 3, t + 1000, 0);
        ev(log, t + 60, TRC_EV_IPC_REPLY, 2, 1, MSG, TRC_IPC_FAST, 0);
        ev(log, t + 70, TRC_EV_USER_ENTER, 1, 0x40001000 + slow, 0, 0, 0);
    }
}

/* Returns what trc_diff_events_print writes (malloc'd). */
static char *printed(const struct trc_log *a, const struct trc_log *b,
                     const struct trc_diff_events *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    trc_diff_events_print(f, a, b, d, 3);
    assert_int_equal(fclose(f), 0);
    return text;
}

static void the_same_log_is_the_same(void **state)
{
    (void)state;
    struct trc_log a, b;
    play(&a, 3, 0);
    play(&b, 3, 0);
    struct trc_diff_events d;
    assert_true(trc_diff_events(&a, &b, false, &d));
    assert_int_equal(d.at, SIZE_MAX);
    assert_true(d.exact);
    assert_true(d.console);
    assert_int_equal(d.stamps, 0);
    assert_int_equal(d.na, a.nev);
    assert_int_equal(trc_diff_first(&a, &b), SIZE_MAX);
    char *t = printed(&a, &b, &d);
    char want[120];
    snprintf(want, sizeof want, "the same %zu events, stamps included\n", a.nev);
    assert_non_null(strstr(t, want));
    free(t);
    trc_log_free(&a);
    trc_log_free(&b);
}

/* Each field that carries meaning, changed at index k, is the first
 * difference in meaning at k; trc_diff_first finds every field. */
static void a_meaning_changed_at_k_is_found_at_k(void **state)
{
    (void)state;
    struct trc_log a;
    play(&a, 2, 0);
    for (size_t k = 0; k < a.nev; k++)
        for (int field = 0; field < 3 + TRC_NARGS; field++) {
            struct trc_log b;
            play(&b, 2, 0);
            struct trc_event *e = &b.ev[k];
            bool meaning = true;
            switch (field) {
            case 0:
                e->core = 1;
                break;
            case 1:
                e->type = e->type == TRC_EV_HALT ? TRC_EV_BOOT : TRC_EV_HALT;
                break;
            case 2:
                e->pid = 9;
                break;
            default:
                e->arg[field - 3] += 5;
                /* the block's deadline and the user block's address are stamps */
                meaning = !(e->type == TRC_EV_IPC_BLOCK && field - 3 == 2) &&
                          !(e->type == TRC_EV_USER_ENTER && field - 3 == 0);
                break;
            }
            struct trc_diff_events d;
            assert_int_equal(trc_diff_first(&a, &b), k);
            assert_int_equal(trc_diff_events(&a, &b, false, &d), !meaning);
            assert_false(d.exact);
            if (meaning) {
                assert_int_equal(d.at, k);
                assert_int_equal(d.ia, k);
                assert_int_equal(d.ib, k);
                assert_int_equal(d.stamps, 0);
            } else {
                assert_int_equal(d.at, SIZE_MAX);
                assert_int_equal(d.stamps, 1);
            }
            trc_log_free(&b);
        }
    trc_log_free(&a);
}

/* Another timing model: every stamp moves, nothing means otherwise; the
 * comparison does not stop at a stamp, and counts them. */
static void stamps_alone_do_not_differ(void **state)
{
    (void)state;
    struct trc_log a, b;
    play(&a, 3, 0);
    play(&b, 3, 25);
    struct trc_diff_events d;
    assert_int_equal(trc_diff_first(&a, &b), 2);
    assert_true(trc_diff_events(&a, &b, false, &d));
    assert_false(d.exact);
    assert_int_equal(d.at, SIZE_MAX);
    assert_int_equal(d.stamps, a.nev - 2);
    char *t = printed(&a, &b, &d);
    char want[160];
    snprintf(want, sizeof want,
             "the same %zu events in the same order; %zu of them differ only in stamps\n", a.nev,
             a.nev - 2);
    assert_non_null(strstr(t, want));
    free(t);
    /* an interrupt's times are stamps; its kind is not */
    ev(&a, 900, TRC_EV_IRQ, 0, 0, 800, 10, 800);
    ev(&b, 950, TRC_EV_IRQ, 0, 0, 850, 12, 850);
    assert_true(trc_diff_events(&a, &b, false, &d));
    ev(&a, 1000, TRC_EV_IRQ, 0, 0, 0, 0, 0);
    ev(&b, 1000, TRC_EV_IRQ, 0, 1, 0, 0, 0);
    assert_false(trc_diff_events(&a, &b, false, &d));
    assert_int_equal(d.at, a.nev - 1);
    trc_log_free(&a);
    trc_log_free(&b);
}

/* A log that ends first differs where it ends, printed as such. */
static void a_log_that_ends_first_differs_there(void **state)
{
    (void)state;
    struct trc_log a, b;
    play(&a, 2, 0);
    play(&b, 3, 0);
    struct trc_diff_events d;
    assert_false(trc_diff_events(&a, &b, false, &d));
    assert_int_equal(d.at, a.nev);
    assert_int_equal(d.ia, a.nev);
    assert_int_equal(d.ib, a.nev);
    assert_int_equal(trc_diff_first(&a, &b), a.nev);
    char *t = printed(&a, &b, &d);
    char want[160];
    snprintf(want, sizeof want, "the first %zu events mean the same; then B has 7 more\n", a.nev);
    assert_non_null(strstr(t, want));
    snprintf(want, sizeof want, "   > (ended after %zu events)\n", a.nev);
    assert_non_null(strstr(t, want));
    free(t);
    assert_false(trc_diff_events(&b, &a, false, &d));
    t = printed(&b, &a, &d);
    assert_non_null(strstr(t, "then A has 7 more\n"));
    free(t);
    trc_log_free(&a);
    trc_log_free(&b);
}

/* --events: only the IPC events count; a difference is found at its
 * place among them, with each log's own index. */
static void events_mode_compares_ipc_events_only(void **state)
{
    (void)state;
    struct trc_log a, b;
    play(&a, 3, 0);
    play(&b, 3, 0);
    b.ev[3].arg[0] = 1; /* the first trap: an interrupt */
    struct trc_diff_events d;
    assert_false(trc_diff_events(&a, &b, false, &d));
    assert_int_equal(d.at, 3);
    assert_true(trc_diff_events(&a, &b, true, &d));
    assert_true(d.ipc_only);
    /* proc.create x2, then send, recv, block, reply per call */
    assert_int_equal(d.na, 2 + 4 * 3);
    assert_true(d.exact);
    /* the second call's receive comes from the queue in b */
    size_t k = 3 + 7 + 3; /* its index: the second call's recv */
    assert_int_equal(b.ev[k].type, TRC_EV_IPC_RECV);
    b.ev[k].arg[2] = TRC_IPC_FROM_QUEUE;
    assert_false(trc_diff_events(&a, &b, true, &d));
    assert_int_equal(d.at, 2 + 4 + 1);
    assert_int_equal(d.ia, k);
    assert_int_equal(d.ib, k);
    char *t = printed(&a, &b, &d);
    assert_non_null(strstr(t, "IPC events compared, stamps aside: A 14 (of 24), B 14 (of 24)\n"));
    assert_non_null(
        strstr(t, "first difference in meaning: IPC event 7 (A's event 13, B's event 13)\n"));
    /* context: three IPC events before it, marked, two after */
    assert_non_null(strstr(t, "  A:\n"
                              "            7  cycle 150        ipc.block pid 1 (ping) port 3 call "
                              "until cycle 1100\n"));
    assert_non_null(strstr(t, "           12  cycle 240        ipc.send pid 1 (ping) port 3 op 7 "
                              "len 16 fast ok\n"));
    assert_non_null(strstr(t, "   >       13  cycle 240        ipc.recv pid 2 (pong) port 3 op 7 "
                              "len 16 from-queue ok from pid 1\n"));
    assert_non_null(strstr(t, "           15  cycle 260        ipc.reply pid 2 (pong) to pid 1 "
                              "op 7 len 16 fast ok\n"));
    free(t);
    trc_log_free(&a);
    trc_log_free(&b);
}

/* Events are described by their arguments' meaning; trc_event_text gives
 * them raw, with the cycle. */
static void events_are_described(void **state)
{
    (void)state;
    struct trc_log a;
    play(&a, 1, 0);
    ev(&a, 400, TRC_EV_IPC_SEND, 1, 3, 2ull | 64ull << 32 | 1ull << 48 | 1ull << 56, TRC_IPC_QUEUED,
       (uint32_t)-5);
    ev(&a, 410, TRC_EV_CAP_LOOKUP, 1, 0x1001, 0, 0, 0);
    ev(&a, 420, TRC_EV_IPC_SLOW, 1, 3, TRC_SLOW_NO_RECEIVER, 0, 0);
    ev(&a, 430, TRC_EV_PROC_EXIT, 1, 0, 0, 0, 0);
    const char *const want[] = {
        "proc.create pid 1 (ping) priority 1",
        "proc.create pid 2 (pong) priority 1",
        "sched.switch pid 1 (ping) from pid 0 start",
        "trap pid 0 exception or system call",
        "syscall pid 1 (ping) nr 4",
        "ipc.send pid 1 (ping) port 3 op 7 len 16 fast ok",
        "ipc.recv pid 2 (pong) port 3 op 7 len 16 fast ok from pid 1",
        "ipc.block pid 1 (ping) port 3 call until cycle 1100",
        "ipc.reply pid 2 (pong) to pid 1 op 7 len 16 fast ok",
        "user.enter pid 1 (ping) at 0x40001000",
        "ipc.send pid 1 (ping) port 3 op 2 len 64 caps 1 region queued error -5",
        "cap.lookup pid 1 (ping) token 0x1001 miss ok",
        "ipc.slow pid 1 (ping) port 3 slow: no_receiver",
        "proc.exit pid 1 (ping) code 0",
    };
    assert_int_equal(a.nev, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < a.nev; i++) {
        char line[300];
        trc_event_describe(&a, &a.ev[i], line, sizeof line);
        assert_string_equal(line, want[i]);
    }
    char line[200];
    trc_event_text(&a, &a.ev[4], line, sizeof line);
    assert_string_equal(line, "cycle 130: syscall pid 1 (ping) 4 0 0 0");
    assert_true(trc_event_is_ipc(TRC_EV_IPC_DROP));
    assert_true(trc_event_is_ipc(TRC_EV_NOTIFY));
    assert_false(trc_event_is_ipc(TRC_EV_TRAP));
    assert_false(trc_event_is_ipc(TRC_EV_CAP_LOOKUP));
    trc_log_free(&a);
}

/* The same events with other console output: the console differs. */
static void another_console_is_reported(void **state)
{
    (void)state;
    struct trc_log a, b;
    play(&a, 2, 0);
    play(&b, 2, 0);
    assert_int_equal(trc_log_console(&b, 'x'), TRC_OK);
    struct trc_diff_events d;
    assert_true(trc_diff_events(&a, &b, false, &d));
    assert_true(d.exact);
    assert_false(d.console);
    char *t = printed(&a, &b, &d);
    assert_non_null(strstr(t, "the console output differs (A 0 bytes, B 1 bytes)\n"));
    free(t);
    trc_log_free(&a);
    trc_log_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_same_log_is_the_same),
        cmocka_unit_test(a_meaning_changed_at_k_is_found_at_k),
        cmocka_unit_test(stamps_alone_do_not_differ),
        cmocka_unit_test(a_log_that_ends_first_differs_there),
        cmocka_unit_test(events_mode_compares_ipc_events_only),
        cmocka_unit_test(events_are_described),
        cmocka_unit_test(another_console_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
