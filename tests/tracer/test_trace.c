/* tests/tracer/test_trace.c: the event log, its content hash and the
 * process tracking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tracer/trace.h"

static void ev(struct trc_log *log, uint64_t cycle, uint32_t type, uint32_t pid, uint64_t a0,
               uint64_t a1, uint64_t a2)
{
    struct trc_event e = {.cycle = cycle, .type = type, .pid = pid, .arg = {a0, a1, a2, 0}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* A short life: two processes, one exits, one is killed. */
static void play(struct trc_log *log)
{
    ev(log, 10, TRC_EV_PROC_CREATE, 1, 1, 0x6168706c61ULL /* "alpha" */, 0);
    ev(log, 11, TRC_EV_PROC_CREATE, 2, 3, 0x7265647572746e69ULL /* "intruder" */, 0x2141ULL);
    ev(log, 20, TRC_EV_SCHED_SWITCH, 1, 0, TRC_SWITCH_START, 0);
    ev(log, 25, TRC_EV_SYSCALL, 1, 1, 0, 0);
    ev(log, 120, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_PREEMPT, 0);
    ev(log, 150, TRC_EV_PROC_FAULT, 2, TRC_FAULT_READ, 0x40100abc, 0x40123000);
    ev(log, 160, TRC_EV_SCHED_SWITCH, 1, 2, TRC_SWITCH_KILL, 0);
    ev(log, 300, TRC_EV_PROC_EXIT, 1, 0, 0, 0);
}

static void processes_follow_the_events(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    play(&log);
    trc_log_finish(&log, 400);
    assert_int_equal(log.nprocs, 2);
    const struct trc_proc *a = trc_log_proc(&log, 1), *b = trc_log_proc(&log, 2);
    assert_string_equal(a->name, "alpha");
    assert_int_equal(a->priority, 1);
    assert_int_equal(a->state, TRC_PROC_EXITED);
    assert_int_equal(a->exit_code, 0);
    assert_int_equal(a->cycles, (120 - 20) + (300 - 160));
    assert_int_equal(a->syscalls, 1);
    assert_int_equal(b->state, TRC_PROC_KILLED);
    assert_int_equal(b->fault, TRC_FAULT_READ);
    assert_true(b->fault_pc == 0x40100abc && b->fault_addr == 0x40123000);
    assert_int_equal(b->cycles, 30);
    assert_string_equal(b->name, "intruderA!"); /* 16 bytes over two words */
    assert_null(trc_log_proc(&log, 3));
    assert_string_equal(trc_proc_state_name(b->state), "killed");
    assert_string_equal(trc_fault_name(b->fault), "read");
    assert_string_equal(trc_event_name(TRC_EV_SCHED_SWITCH), "sched.switch");
    assert_string_equal(trc_event_name(999), "unknown");
    trc_log_free(&log);
}

static void the_hash_is_a_function_of_content_and_order(void **state)
{
    (void)state;
    struct trc_log a, b;
    char ha[17], hb[17];
    trc_log_init(&a);
    trc_log_init(&b);
    play(&a);
    play(&b);
    trc_log_console(&a, 'x');
    trc_log_console(&b, 'x');
    trc_log_hash_hex(&a, ha);
    trc_log_hash_hex(&b, hb);
    assert_string_equal(ha, hb);
    assert_int_equal(strlen(ha), 16);
    /* One more console byte, or one cycle different, changes it. */
    trc_log_console(&b, 'y');
    trc_log_hash_hex(&b, hb);
    assert_string_not_equal(ha, hb);
    trc_log_free(&b);
    trc_log_init(&b);
    play(&b);
    ev(&b, 1, TRC_EV_BOOT, 0, 0, 0, 0);
    trc_log_console(&b, 'x');
    ev(&a, 1, TRC_EV_BOOT, 0, 0, 0, 0);
    trc_log_hash_hex(&a, ha);
    trc_log_hash_hex(&b, hb);
    assert_string_not_equal(ha, hb); /* same records, other order */
    assert_int_equal(a.console_len, 1);
    assert_string_equal(a.console, "x");
    trc_log_free(&a);
    trc_log_free(&b);
}

static void many_events_grow_the_log(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    for (uint64_t i = 0; i < 100000; i++)
        ev(&log, i, TRC_EV_SYSCALL, 7, i, 0, 0);
    assert_int_equal(log.nev, 100000);
    assert_true(log.ev[99999].arg[0] == 99999);
    assert_false(log.oom);
    trc_log_free(&log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(processes_follow_the_events),
        cmocka_unit_test(the_hash_is_a_function_of_content_and_order),
        cmocka_unit_test(many_events_grow_the_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
