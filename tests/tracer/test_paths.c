/* tests/tracer/test_paths.c: the path spans of tracer/paths.c across
 * cores: a call or reply handed to a process waiting on another core is
 * measured to that process's first user instruction on its own core
 * (ipc.call.cross_core, ipc.reply.cross_core), not as a slow path of the
 * caller's core; a revoke or delete that dropped another core's cache
 * line took cap.revoke.shootdown. (tests/tracer/test_trace.c tests the
 * paths of one core.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "abi/syscall_nr.h"
#include "tracer/report.h"
#include "tracer/trace.h"

/* Logs an event of core `core`. */
static void ev(struct trc_log *log, uint64_t cycle, uint32_t core, uint32_t type, uint32_t pid,
               uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct trc_event e = {
        .cycle = cycle, .core = core, .type = type, .pid = pid, .arg = {a0, a1, a2, a3}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* The machine's trap (a system call's) and first user instruction after
 * the kernel on `core`. */
static void trap(struct trc_log *log, uint64_t cycle, uint32_t core)
{
    ev(log, cycle, core, TRC_EV_TRAP, 0, 0, 0, 0, 0);
}
static void user_enter(struct trc_log *log, uint64_t cycle, uint32_t core, uint32_t pid)
{
    ev(log, cycle, core, TRC_EV_SCHED_SWITCH, pid, 0, TRC_SWITCH_BLOCK, 0, 0);
    ev(log, cycle, core, TRC_EV_USER_ENTER, pid, 0x1000, 0, 0, 0);
}

/* Returns the number of spans of path `id` (0: none). */
static uint64_t spans(const struct trc_log *log, unsigned id)
{
    struct trc_path_stats st;
    return trc_path_stats(log, id, &st) ? st.count : 0;
}

/* Asserts that path `id` has exactly one span, of `cycles`. */
static void one_span(const struct trc_log *log, unsigned id, uint64_t cycles)
{
    struct trc_path_stats st;
    if (!trc_path_stats(log, id, &st) || st.count != 1 || st.min != cycles)
        fail_msg("%s: %llu spans, the first %llu cycles; expected one of %llu", trc_path_name(id),
                 (unsigned long long)(trc_path_stats(log, id, &st) ? st.count : 0),
                 (unsigned long long)(st.count ? st.min : 0), (unsigned long long)cycles);
}

/* Processes 1..n, process k running on core k - 1 (n <= 4); each has
 * entered user code once. */
static void one_per_core(struct trc_log *log, uint32_t n)
{
    for (uint32_t k = 1; k <= n; k++)
        ev(log, k, 0, TRC_EV_PROC_CREATE, k, 1, 0x70 + k, 0, 0);
    for (uint32_t k = 1; k <= n; k++)
        user_enter(log, 10 + k, k - 1, k);
}

/* Process `pid` on `core` waits in a receive on port 7 (its stretch
 * stays open: its core goes idle). */
static void waits(struct trc_log *log, uint64_t at, uint32_t core, uint32_t pid, uint32_t nr)
{
    trap(log, at, core);
    ev(log, at + 5, core, TRC_EV_SYSCALL, pid, nr, 0, 0, 0);
    ev(log, at + 10, core, TRC_EV_IPC_BLOCK, pid, 7, 1, 0, 0);
    ev(log, at + 20, core, TRC_EV_SCHED_SWITCH, 0, pid, TRC_SWITCH_BLOCK, 0, 0);
}

/* `caller` on `core` calls port 7 at `at`: the kernel says `why` and hands
 * the message to `receiver` (direct) or queues it (receiver 0); the
 * caller blocks and its core goes idle. */
static void call(struct trc_log *log, uint64_t at, uint32_t core, uint32_t caller,
                 uint32_t receiver, uint32_t why)
{
    trap(log, at, core);
    ev(log, at + 10, core, TRC_EV_SYSCALL, caller, SYS_CALL, 0, 0, 0);
    ev(log, at + 20, core, TRC_EV_IPC_SLOW, caller, 7, why, 0, 0);
    ev(log, at + 30, core, TRC_EV_IPC_SEND, caller, 7, 1,
       receiver ? TRC_IPC_DIRECT : TRC_IPC_QUEUED, 0);
    if (receiver) {
        ev(log, at + 30, core, TRC_EV_IPC_RECV, receiver, 7, 1, TRC_IPC_DIRECT,
           (uint64_t)caller << 32);
        ev(log, at + 30, core, TRC_EV_IPC_WAKE, receiver, 7, 0, 0, 0);
    }
    ev(log, at + 40, core, TRC_EV_IPC_BLOCK, caller, 7, 3, 0, 0);
    ev(log, at + 50, core, TRC_EV_SCHED_SWITCH, 0, caller, TRC_SWITCH_BLOCK, 0, 0);
}

/* `server` on `core` answers `caller` at `at` with system call `nr` (the
 * kernel saying `why` first, 0: nothing), then waits again. */
static void reply(struct trc_log *log, uint64_t at, uint32_t core, uint32_t server, uint32_t caller,
                  uint32_t nr, uint32_t why)
{
    trap(log, at, core);
    ev(log, at + 10, core, TRC_EV_SYSCALL, server, nr, 0, 0, 0);
    if (why)
        ev(log, at + 20, core, TRC_EV_IPC_SLOW, server, 7, why, 0, 0);
    ev(log, at + 30, core, TRC_EV_IPC_REPLY, server, caller, 1, TRC_IPC_DIRECT, 0);
    ev(log, at + 30, core, TRC_EV_IPC_WAKE, caller, 0, 0, 0, 0);
    ev(log, at + 40, core, TRC_EV_IPC_BLOCK, server, 7, 1, 0, 0);
    ev(log, at + 50, core, TRC_EV_SCHED_SWITCH, 0, server, TRC_SWITCH_BLOCK, 0, 0);
}

/* Ping (1, core 0) calls pong (2, core 1), waiting in recv_call: the call
 * runs from its trap to pong's first instruction on core 1; pong's
 * reply_recv from its trap to ping's on core 0; neither is a slow path of
 * its own core, whose stretch (idle until the answer) ends with no
 * one-way span. The round trip covers both. */
static void a_cross_core_call_and_reply_end_on_the_other_core(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    one_per_core(&log, 2);
    waits(&log, 50, 1, 2, SYS_RECV_CALL);
    call(&log, 100, 0, 1, 2, TRC_SLOW_OTHER_CORE);
    trap(&log, 700, 1); /* the IPI: core 1 wakes from idle */
    ev(&log, 700, 1, TRC_EV_IRQ, 0, 1, 0, 0, 0);
    user_enter(&log, 1000, 1, 2);
    one_span(&log, TRC_PATH_CALL_CROSS, 900);
    assert_int_equal(spans(&log, TRC_PATH_CALL_SLOW), 0);
    reply(&log, 1100, 1, 2, 1, SYS_REPLY_RECV, TRC_SLOW_OTHER_CORE);
    assert_int_equal(spans(&log, TRC_PATH_REPLY_CROSS), 0); /* ping has not run yet */
    user_enter(&log, 1600, 0, 1);
    one_span(&log, TRC_PATH_REPLY_CROSS, 500);
    one_span(&log, TRC_PATH_ROUNDTRIP_SLOW, 1500);
    one_span(&log, TRC_PATH_CALL_CROSS, 900);
    assert_int_equal(spans(&log, TRC_PATH_CALL_SLOW), 0);
    assert_int_equal(spans(&log, TRC_PATH_REPLY_SLOW), 0);
    /* A plain reply writes no IPC_SLOW: the caller's core decides. */
    call(&log, 1700, 0, 1, 2, TRC_SLOW_OTHER_CORE);
    user_enter(&log, 2000, 1, 2);
    reply(&log, 2100, 1, 2, 1, SYS_REPLY, 0);
    user_enter(&log, 2400, 0, 1);
    assert_int_equal(spans(&log, TRC_PATH_REPLY_CROSS), 2);
    assert_int_equal(spans(&log, TRC_PATH_REPLY_SLOW), 0);
    assert_int_equal(spans(&log, TRC_PATH_CALL_CROSS), 2);
    assert_int_equal(spans(&log, TRC_PATH_ROUNDTRIP_SLOW), 2);
    trc_log_free(&log);
}

/* A call into a queue wakes nobody: the slow path of the caller's core,
 * whatever the kernel said; so is a call to a receiver of the caller's
 * own core, and a reply to a caller there. */
static void queued_and_same_core_calls_stay_slow_paths(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    one_per_core(&log, 2);
    ev(&log, 20, 0, TRC_EV_PROC_CREATE, 3, 1, 0x73, 0, 0);
    user_enter(&log, 30, 0, 3); /* process 3 ran on core 0 */
    call(&log, 100, 0, 1, 0, TRC_SLOW_NO_RECEIVER);
    user_enter(&log, 400, 0, 3);
    one_span(&log, TRC_PATH_CALL_SLOW, 300);
    call(&log, 500, 0, 3, 0, TRC_SLOW_OTHER_CORE); /* queued all the same */
    user_enter(&log, 700, 1, 2);                   /* not the stretch's core */
    user_enter(&log, 800, 0, 1);
    assert_int_equal(spans(&log, TRC_PATH_CALL_SLOW), 2);
    /* 1 (core 0) calls 3, a receiver of core 0 (the kernel's reason aside) */
    waits(&log, 900, 0, 3, SYS_RECV_CALL);
    user_enter(&log, 950, 0, 1);
    call(&log, 1000, 0, 1, 3, TRC_SLOW_LOWER_PRIORITY);
    user_enter(&log, 1200, 0, 3);
    assert_int_equal(spans(&log, TRC_PATH_CALL_SLOW), 3);
    reply(&log, 1300, 0, 3, 1, SYS_REPLY_RECV, TRC_SLOW_CALLER_LOWER);
    user_enter(&log, 1450, 0, 1);
    one_span(&log, TRC_PATH_REPLY_SLOW, 150);
    assert_int_equal(spans(&log, TRC_PATH_CALL_CROSS), 0);
    assert_int_equal(spans(&log, TRC_PATH_REPLY_CROSS), 0);
    trc_log_free(&log);
}

/* Several cross-core spans open at once, one per woken process, each
 * ending at its own process's first instruction; a process that exits or
 * faults before it runs ends none; one that never ran is on another core
 * only when the kernel said so. */
static void cross_core_spans_follow_their_process(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    one_per_core(&log, 4);
    waits(&log, 50, 1, 2, SYS_RECV_CALL);
    waits(&log, 60, 3, 4, SYS_RECV_CALL);
    call(&log, 100, 0, 1, 2, TRC_SLOW_OTHER_CORE);
    call(&log, 200, 2, 3, 4, TRC_SLOW_OTHER_CORE);
    user_enter(&log, 700, 3, 4); /* 4 first: 500 */
    user_enter(&log, 900, 1, 2); /* then 2: 800 */
    struct trc_path_stats st;
    assert_true(trc_path_stats(&log, TRC_PATH_CALL_CROSS, &st));
    assert_int_equal(st.count, 2);
    assert_int_equal(st.min, 500);
    assert_int_equal(st.max, 800);
    /* 2 faults before it runs, after 1's next call woke it */
    waits(&log, 1000, 1, 2, SYS_RECV_CALL);
    call(&log, 1100, 0, 1, 2, TRC_SLOW_OTHER_CORE);
    ev(&log, 1200, 1, TRC_EV_PROC_FAULT, 2, TRC_FAULT_READ, 0, 0, 0);
    user_enter(&log, 1300, 1, 2); /* (it would not run; were it to, no span) */
    assert_int_equal(spans(&log, TRC_PATH_CALL_CROSS), 2);
    /* 5 never ran: the kernel's reason decides */
    ev(&log, 1400, 0, TRC_EV_PROC_CREATE, 5, 1, 0x75, 0, 0);
    call(&log, 1500, 2, 3, 5, TRC_SLOW_OTHER_CORE);
    user_enter(&log, 1800, 1, 5);
    assert_int_equal(spans(&log, TRC_PATH_CALL_CROSS), 3);
    ev(&log, 1900, 0, TRC_EV_PROC_CREATE, 6, 1, 0x76, 0, 0);
    user_enter(&log, 1950, 2, 4);
    call(&log, 2000, 2, 4, 6, TRC_SLOW_LOWER_PRIORITY);
    user_enter(&log, 2300, 2, 6);
    assert_int_equal(spans(&log, TRC_PATH_CALL_CROSS), 3);
    assert_int_equal(spans(&log, TRC_PATH_CALL_SLOW), 1);
    trc_log_free(&log);
}

/* A revoke (or delete) that dropped another core's line took the
 * shootdown path, from its trap to the next user instruction on its core;
 * one that dropped only its own core's line, or none, did not; nor did
 * another system call (an exit) that dropped a remote line. */
static void a_revoke_that_drops_a_remote_line_is_a_shootdown(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    one_per_core(&log, 2);
    trap(&log, 100, 1);
    ev(&log, 110, 1, TRC_EV_SYSCALL, 2, SYS_CAP_REVOKE, 0, 0, 0);
    ev(&log, 200, 1, TRC_EV_CAP_INVALIDATE, 0, 5, 0x101, 1, 0); /* its own core's */
    user_enter(&log, 300, 1, 2);
    assert_int_equal(spans(&log, TRC_PATH_CAP_SHOOTDOWN), 0);
    trap(&log, 400, 1);
    ev(&log, 410, 1, TRC_EV_SYSCALL, 2, SYS_CAP_REVOKE, 0, 0, 0);
    ev(&log, 500, 1, TRC_EV_CAP_INVALIDATE, 0, 5, 0x101, 1, 0);
    ev(&log, 520, 1, TRC_EV_CAP_INVALIDATE, 0, 5, 0x101, 0, 0); /* core 0's */
    user_enter(&log, 700, 1, 2);
    one_span(&log, TRC_PATH_CAP_SHOOTDOWN, 300);
    trap(&log, 800, 1);
    ev(&log, 810, 1, TRC_EV_SYSCALL, 2, SYS_CAP_REVOKE, 0, 0, 0);
    user_enter(&log, 900, 1, 2); /* nothing cached anywhere */
    trap(&log, 1000, 0);
    ev(&log, 1010, 0, TRC_EV_SYSCALL, 1, SYS_CAP_DELETE, 0, 0, 0);
    ev(&log, 1100, 0, TRC_EV_CAP_INVALIDATE, 0, 4, 0x202, 1, 0);
    user_enter(&log, 1150, 0, 1);
    trap(&log, 1200, 0);
    ev(&log, 1210, 0, TRC_EV_SYSCALL, 1, SYS_EXIT, 0, 0, 0);
    ev(&log, 1300, 0, TRC_EV_CAP_INVALIDATE, 0, 4, 0x303, 1, 0);
    user_enter(&log, 1400, 0, 2);
    struct trc_path_stats st;
    assert_true(trc_path_stats(&log, TRC_PATH_CAP_SHOOTDOWN, &st));
    assert_int_equal(st.count, 2);
    assert_int_equal(st.min, 150);
    assert_int_equal(st.max, 300);
    assert_string_equal(trc_path_name(TRC_PATH_CAP_SHOOTDOWN), "cap.revoke.shootdown");
    assert_string_equal(trc_path_name(TRC_PATH_CALL_CROSS), "ipc.call.cross_core");
    assert_string_equal(trc_path_name(TRC_PATH_REPLY_CROSS), "ipc.reply.cross_core");
    assert_int_equal(log.cap_cache.invalidations, 5);
    trc_log_free(&log);
}

/* With attribution (which follows one core), a cross-core span adds to no
 * counter: its path has no phases in the report, while the others' add
 * up to their means. */
static void a_cross_core_path_has_no_phases(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    uint64_t c[3] = {0, 0, 0}; /* a kernel function, user, idle */
    assert_int_equal(trc_log_attach_attribution(&log, c, 3), TRC_OK);
    one_per_core(&log, 2);
    /* each trap-to-dispatch span grows the counters by its length */
    trap(&log, 50, 1);
    c[0] += 5;
    ev(&log, 55, 1, TRC_EV_SYSCALL, 2, SYS_RECV_CALL, 0, 0, 0);
    ev(&log, 60, 1, TRC_EV_IPC_BLOCK, 2, 7, 1, 0, 0);
    c[1] = 100;
    trap(&log, 100, 0);
    c[0] += 10;
    ev(&log, 110, 0, TRC_EV_SYSCALL, 1, SYS_CALL, 0, 0, 0);
    ev(&log, 120, 0, TRC_EV_IPC_SLOW, 1, 7, TRC_SLOW_OTHER_CORE, 0, 0);
    ev(&log, 130, 0, TRC_EV_IPC_SEND, 1, 7, 1, TRC_IPC_DIRECT, 0);
    ev(&log, 130, 0, TRC_EV_IPC_RECV, 2, 7, 1, TRC_IPC_DIRECT, (uint64_t)1 << 32);
    c[0] += 300;
    user_enter(&log, 1000, 1, 2);
    one_span(&log, TRC_PATH_CALL_CROSS, 900);
    for (int i = 0; i < 3; i++)
        assert_int_equal(log.path_attr[TRC_PATH_CALL_CROSS][i], 0);
    const char *names[3] = {"k", "user", "idle"};
    struct trc_run_info run = {.arch = "x86_64",
                               .cpu = "c",
                               .outcome = "ok",
                               .why = "",
                               .attr_names = names,
                               .attr = c,
                               .nattr = 3,
                               .nkernel = 1};
    char *s = trc_report_json(&run, &log);
    assert_non_null(s);
    cJSON *r = cJSON_Parse(s);
    assert_non_null(r);
    cJSON *p = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "paths"), "ipc.call.cross_core");
    assert_non_null(p);
    assert_int_equal(cJSON_GetObjectItem(p, "count")->valuedouble, 1);
    assert_null(cJSON_GetObjectItem(p, "phases"));
    p = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "paths"), "trap.entry");
    assert_non_null(cJSON_GetObjectItem(p, "phases"));
    cJSON_Delete(r);
    free(s);
    trc_log_free(&log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_cross_core_call_and_reply_end_on_the_other_core),
        cmocka_unit_test(queued_and_same_core_calls_stay_slow_paths),
        cmocka_unit_test(cross_core_spans_follow_their_process),
        cmocka_unit_test(a_revoke_that_drops_a_remote_line_is_a_shootdown),
        cmocka_unit_test(a_cross_core_path_has_no_phases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
