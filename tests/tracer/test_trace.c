/* tests/tracer/test_trace.c: the event log, its content hash and the
 * process tracking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "abi/syscall_nr.h"
#include "tracer/trace.h"

static void ev(struct trc_log *log, uint64_t cycle, uint32_t type, uint32_t pid, uint64_t a0,
               uint64_t a1, uint64_t a2)
{
    struct trc_event e = {.cycle = cycle, .type = type, .pid = pid, .arg = {a0, a1, a2, 0}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* Logs an event with all four arguments. */
static void ev4(struct trc_log *log, uint64_t cycle, uint32_t type, uint32_t pid, uint64_t a0,
                uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct trc_event e = {.cycle = cycle, .type = type, .pid = pid, .arg = {a0, a1, a2, a3}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* Returns `err` as a trace argument, sign-extended to 64 bits. */
static uint64_t sx(int32_t err)
{
    return (uint64_t)(int64_t)err;
}

/* Returns `err` as a trace argument, zero-extended from 32 bits. */
static uint64_t zx(int32_t err)
{
    return (uint64_t)(uint32_t)err;
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

/* A client (pid 1) and a server (pid 2) on port 7: the server blocks to
 * receive, a direct send wakes it, a queued send and refused calls follow. */
static void play_ipc(struct trc_log *log)
{
    ev(log, 10, TRC_EV_PROC_CREATE, 1, 1, 0x746e65696c63ULL /* "client" */, 0);
    ev(log, 11, TRC_EV_PROC_CREATE, 2, 1, 0x726576726573ULL /* "server" */, 0);
    ev(log, 20, TRC_EV_SCHED_SWITCH, 2, 0, TRC_SWITCH_START, 0);
    ev(log, 22, TRC_EV_PORT_CREATE, 2, 7, 4, 0);
    ev(log, 30, TRC_EV_IPC_BLOCK, 2, 7, 1, 0);
    ev(log, 40, TRC_EV_SCHED_SWITCH, 1, 2, TRC_SWITCH_BLOCK, 0);
    ev(log, 45, TRC_EV_CAP_LOOKUP, 1, 0x101, 0, 0);
    ev4(log, 50, TRC_EV_IPC_SEND, 1, 7, 3 | 8ULL << 32, TRC_IPC_DIRECT, 0);
    ev(log, 50, TRC_EV_IPC_WAKE, 2, 7, 0, 0);
    ev4(log, 50, TRC_EV_IPC_RECV, 2, 7, 3 | 8ULL << 32, TRC_IPC_DIRECT, 1ULL << 32);
    ev(log, 55, TRC_EV_CAP_LOOKUP, 1, 0x101, 1, 0);
    ev4(log, 60, TRC_EV_IPC_SEND, 1, 7, 4 | 8ULL << 32, TRC_IPC_QUEUED, 0);
    ev4(log, 70, TRC_EV_IPC_SEND, 1, 7, 5, TRC_IPC_REFUSED, sx(-20)); /* port full */
    ev4(log, 75, TRC_EV_IPC_SEND, 1, 9, 5, TRC_IPC_REFUSED, zx(-23)); /* invalid cap */
    ev(log, 100, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_PREEMPT, 0);
    ev4(log, 110, TRC_EV_IPC_RECV, 2, 7, 4 | 8ULL << 32, TRC_IPC_FROM_QUEUE, 1ULL << 32);
    ev4(log, 115, TRC_EV_IPC_RECV, 2, 7, 0, TRC_IPC_REFUSED, zx(-21) | 0); /* would block */
    ev(log, 120, TRC_EV_CAP_INVALIDATE, 0, 1, 0x101, 0);
    ev(log, 125, TRC_EV_CAP_LOOKUP, 2, 0x202, 0, 0);
    ev(log, 130, TRC_EV_PORT_CLOSE, 2, 7, 0, 0);
}

static void ipc_events_are_counted(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    assert_int_equal(log.messages.sent + log.messages.refused + log.cap_cache.hits, 0);
    play_ipc(&log);
    trc_log_finish(&log, 200);
    assert_int_equal(log.messages.sent, 2);
    assert_int_equal(log.messages.received, 2);
    assert_int_equal(log.messages.fast_path, 0); /* no TRC_IPC_FAST send */
    assert_int_equal(log.messages.slow_path, 2);
    assert_int_equal(log.messages.direct, 1);
    assert_int_equal(log.messages.queued, 1);
    assert_int_equal(log.messages.refused, 3); /* two sends, one receive */
    /* A fast-path send counts as fast, neither direct nor queued. */
    ev4(&log, 210, TRC_EV_IPC_SEND, 1, 7, 6 | 8ULL << 32, TRC_IPC_FAST, 0);
    assert_int_equal(log.messages.fast_path, 1);
    assert_int_equal(log.messages.slow_path, 2);
    assert_int_equal(log.messages.direct + log.messages.queued, 2);
    assert_int_equal(log.messages.sent, 3);
    /* Why calls left the fast path. */
    ev(&log, 220, TRC_EV_IPC_SLOW, 1, 7, TRC_SLOW_NO_RECEIVER, 0);
    ev(&log, 221, TRC_EV_IPC_SLOW, 1, 7, TRC_SLOW_NO_RECEIVER, 0);
    ev(&log, 222, TRC_EV_IPC_SLOW, 1, 7, TRC_SLOW_LOWER_PRIORITY, 0);
    ev(&log, 223, TRC_EV_IPC_SLOW, 1, 7, 99, 0); /* unknown: not counted, no crash */
    assert_int_equal(log.messages.slow_why[TRC_SLOW_NO_RECEIVER], 2);
    assert_int_equal(log.messages.slow_why[TRC_SLOW_LOWER_PRIORITY], 1);
    assert_string_equal(trc_slow_reason_name(TRC_SLOW_NO_RECEIVER), "no_receiver");
    assert_null(trc_slow_reason_name(0));
    assert_null(trc_slow_reason_name(99));
    assert_int_equal(log.cap_cache.hits, 1);
    assert_int_equal(log.cap_cache.misses, 2);
    assert_int_equal(log.cap_cache.invalidations, 1);
    assert_int_equal(log.ipc_events, 20);
    const struct trc_proc *c = trc_log_proc(&log, 1), *s = trc_log_proc(&log, 2);
    assert_string_equal(c->name, "client");
    assert_int_equal(c->messages_sent, 3); /* with the fast-path one */
    assert_int_equal(c->messages_received, 0);
    assert_int_equal(s->messages_sent, 0);
    assert_int_equal(s->messages_received, 2);
    assert_int_equal(c->state, TRC_PROC_READY);
    assert_int_equal(s->state, TRC_PROC_RUNNING);
    assert_int_equal(c->cycles, 100 - 40);
    assert_int_equal(s->cycles, (40 - 20) + (200 - 100));
    assert_false(log.oom);
    trc_log_free(&log);
}

/* Plays play_ipc's first `n` events into a fresh log. */
static void play_ipc_prefix(struct trc_log *log, size_t n)
{
    struct trc_log full;
    trc_log_init(&full);
    play_ipc(&full);
    assert_true(n <= full.nev);
    trc_log_init(log);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(trc_log_event(log, &full.ev[i]), TRC_OK);
    trc_log_free(&full);
}

static void a_blocked_process_is_switched_out_and_woken(void **state)
{
    (void)state;
    struct trc_log log;
    /* Blocked at 30: still the running process, until the switch at 40. */
    play_ipc_prefix(&log, 5);
    const struct trc_proc *s = trc_log_proc(&log, 2);
    assert_int_equal(s->state, TRC_PROC_BLOCKED);
    assert_int_equal(log.running, 2);
    assert_string_equal(trc_proc_state_name(s->state), "blocked");
    trc_log_free(&log);
    /* The switch takes it off the processor, charged 20, still blocked. */
    play_ipc_prefix(&log, 6);
    s = trc_log_proc(&log, 2);
    assert_int_equal(s->state, TRC_PROC_BLOCKED);
    assert_int_equal(s->cycles, 40 - 20);
    assert_int_equal(log.running, 1);
    trc_log_finish(&log, 48); /* blocked time is not its own */
    assert_int_equal(s->cycles, 40 - 20);
    assert_int_equal(trc_log_proc(&log, 1)->cycles, 48 - 40);
    trc_log_free(&log);
    /* The wake at 50 makes it ready, not running; nothing charged. */
    play_ipc_prefix(&log, 10);
    s = trc_log_proc(&log, 2);
    assert_int_equal(s->state, TRC_PROC_READY);
    assert_int_equal(s->cycles, 40 - 20);
    assert_int_equal(trc_log_proc(&log, 1)->state, TRC_PROC_RUNNING);
    trc_log_free(&log);
}

static void block_and_wake_edge_cases(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    ev(&log, 1, TRC_EV_PROC_CREATE, 1, 1, 0x61, 0);
    ev(&log, 2, TRC_EV_PROC_CREATE, 2, 1, 0x62, 0);
    ev(&log, 3, TRC_EV_PROC_CREATE, 3, 1, 0x63, 0);
    ev(&log, 10, TRC_EV_SCHED_SWITCH, 1, 0, TRC_SWITCH_START, 0);
    /* Woken before any switch: it is still on the processor. */
    ev(&log, 12, TRC_EV_IPC_BLOCK, 1, 7, 2, 500);
    ev(&log, 14, TRC_EV_IPC_WAKE, 1, 7, 0, 0);
    assert_int_equal(trc_log_proc(&log, 1)->state, TRC_PROC_RUNNING);
    /* A wake for a process that is not blocked changes nothing. */
    ev(&log, 15, TRC_EV_IPC_WAKE, 2, 7, 0, 0);
    assert_int_equal(trc_log_proc(&log, 2)->state, TRC_PROC_READY);
    /* A timed-out wait wakes it ready, with a negative status. */
    ev(&log, 16, TRC_EV_IPC_BLOCK, 1, 7, 1, 40);
    ev(&log, 20, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_BLOCK, 0);
    ev(&log, 40, TRC_EV_IPC_WAKE, 1, 7, sx(-22), 0);
    assert_int_equal(trc_log_proc(&log, 1)->state, TRC_PROC_READY);
    assert_int_equal(trc_log_proc(&log, 1)->cycles, 20 - 10);
    /* Killed while blocked: killed it stays; an exited one does not block. */
    ev(&log, 41, TRC_EV_IPC_BLOCK, 3, 7, 1, 0);
    ev(&log, 42, TRC_EV_PROC_FAULT, 3, TRC_FAULT_OTHER, 0, 0);
    ev(&log, 43, TRC_EV_IPC_WAKE, 3, 7, sx(-26), 0);
    assert_int_equal(trc_log_proc(&log, 3)->state, TRC_PROC_KILLED);
    ev(&log, 50, TRC_EV_PROC_EXIT, 2, 0, 0, 0);
    ev(&log, 51, TRC_EV_IPC_BLOCK, 2, 7, 1, 0);
    assert_int_equal(trc_log_proc(&log, 2)->state, TRC_PROC_EXITED);
    assert_int_equal(trc_log_proc(&log, 2)->cycles, 50 - 20);
    /* Events for unknown processes are counted but follow no one. */
    ev4(&log, 60, TRC_EV_IPC_SEND, 9, 7, 0, TRC_IPC_QUEUED, 0);
    ev(&log, 61, TRC_EV_IPC_BLOCK, 9, 7, 1, 0);
    assert_int_equal(log.messages.sent, 1);
    assert_int_equal(log.messages.slow_path, 1);
    assert_int_equal(log.messages.refused, 0);
    assert_null(trc_log_proc(&log, 9));
    trc_log_free(&log);
}

/* Every event of abi/events.h's table has its own number, numbered from 1
 * without a gap (numbers are an ABI: append only), and its own name. */
static void every_event_has_a_number_and_a_name(void **state)
{
    (void)state;
    static const struct {
        uint32_t n;
        const char *name;
    } rows[] = {
#define ROW(id, n, name) {n, name},
        TRC_EVENTS(ROW)
#undef ROW
    };
    size_t count = sizeof rows / sizeof rows[0];
    assert_int_equal(count + 1, TRC_EV_COUNT);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(rows[i].n, i + 1);
        assert_string_equal(trc_event_name(rows[i].n), rows[i].name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(rows[i].name, rows[j].name) == 0)
                fail_msg("events %u and %u are both named %s", rows[j].n, rows[i].n, rows[i].name);
    }
}

static void ipc_events_have_names(void **state)
{
    (void)state;
    assert_string_equal(trc_event_name(TRC_EV_IPC_SEND), "ipc.send");
    assert_string_equal(trc_event_name(TRC_EV_IPC_RECV), "ipc.recv");
    assert_string_equal(trc_event_name(TRC_EV_CAP_LOOKUP), "cap.lookup");
    assert_string_equal(trc_event_name(TRC_EV_CAP_INVALIDATE), "cap.invalidate");
    assert_string_equal(trc_event_name(TRC_EV_IPC_BLOCK), "ipc.block");
    assert_string_equal(trc_event_name(TRC_EV_IPC_WAKE), "ipc.wake");
    assert_string_equal(trc_event_name(TRC_EV_PORT_CREATE), "port.create");
    assert_string_equal(trc_event_name(TRC_EV_PORT_CLOSE), "port.close");
    assert_string_equal(trc_event_name(TRC_EV_COUNT), "unknown");
    assert_string_equal(trc_event_name(0), "unknown");
    assert_string_equal(trc_proc_state_name(TRC_PROC_BLOCKED), "blocked");
    assert_string_equal(trc_proc_state_name(TRC_PROC_READY), "ready");
}

/* The hash is over the records alone: the values below were computed by
 * the tracer before it followed IPC, and must not change. */
static void the_hash_is_unchanged_by_ipc_tracking(void **state)
{
    (void)state;
    struct trc_log log;
    char h[17];
    trc_log_init(&log);
    trc_log_hash_hex(&log, h);
    assert_string_equal(h, "cbf29ce484222325");
    play(&log);
    trc_log_hash_hex(&log, h);
    assert_string_equal(h, "f90ba73b0ef889f4");
    trc_log_free(&log);
    trc_log_init(&log);
    play_ipc(&log);
    trc_log_console(&log, 'o');
    trc_log_console(&log, 'k');
    trc_log_hash_hex(&log, h);
    assert_string_equal(h, "b7b02bc317a6c7c6");
    trc_log_free(&log);
}

/* Returns path `id`'s statistics, failing when it has none. */
static struct trc_path_stats stats(const struct trc_log *log, unsigned id)
{
    struct trc_path_stats st;
    if (!trc_path_stats(log, id, &st))
        fail_msg("%s has no span", trc_path_name(id));
    return st;
}

/* Asserts that path `id` has exactly one span, of `cycles`. */
static void one_span(const struct trc_log *log, unsigned id, uint64_t cycles)
{
    struct trc_path_stats st = stats(log, id);
    if (st.count != 1 || st.min != cycles)
        fail_msg("%s: %llu spans, the first %llu cycles; expected one of %llu", trc_path_name(id),
                 (unsigned long long)st.count, (unsigned long long)st.min,
                 (unsigned long long)cycles);
}

/* The machine's events around a system call: its trap and the first user
 * instruction after it (pid: the process the kernel last switched to). */
static void trap(struct trc_log *log, uint64_t cycle, bool interrupt)
{
    ev(log, cycle, TRC_EV_TRAP, 0, interrupt ? 1 : 0, 0, 0);
}
static void user_enter(struct trc_log *log, uint64_t cycle, uint32_t pid)
{
    ev(log, cycle, TRC_EV_USER_ENTER, pid, 0x1000, 0, 0);
}

/* Client 1 and server 2, the client running. */
static void client_and_server(struct trc_log *log)
{
    ev(log, 1, TRC_EV_PROC_CREATE, 1, 1, 0x63, 0);
    ev(log, 2, TRC_EV_PROC_CREATE, 2, 1, 0x73, 0);
    ev(log, 3, TRC_EV_SCHED_SWITCH, 1, 0, TRC_SWITCH_START, 0);
}

/* Client 1 calls server 2 and gets its answer: a slow call (no receiver
 * yet), the server's receive from the queue and fast reply_recv, a fast
 * call with an interrupt before it and one on the way back to the caller,
 * a refused call, a notification. Each IPC span runs from the trap to the
 * first user instruction after it, whoever runs it; a round trip from the
 * call's trap to the caller's own return with the answer. */
static void paths_run_from_the_trap_to_the_next_user_instruction(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    client_and_server(&log);
    user_enter(&log, 5, 1); /* boot: no stretch open */
    /* call #1: slow (no receiver), queued; the server runs next at 600 */
    trap(&log, 100, false);
    ev(&log, 130, TRC_EV_SYSCALL, 1, SYS_CALL, 0, 0);
    ev(&log, 300, TRC_EV_IPC_SLOW, 1, 7, TRC_SLOW_NO_RECEIVER, 0);
    ev4(&log, 400, TRC_EV_IPC_SEND, 1, 7, 1, TRC_IPC_QUEUED, 0);
    ev(&log, 410, TRC_EV_IPC_BLOCK, 1, 7, 3, 0);
    ev(&log, 500, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_BLOCK, 0);
    user_enter(&log, 600, 2);
    /* the server takes it from the queue */
    trap(&log, 700, false);
    ev(&log, 720, TRC_EV_SYSCALL, 2, SYS_RECV_CALL, 0, 0);
    ev4(&log, 800, TRC_EV_IPC_RECV, 2, 7, 1, TRC_IPC_FROM_QUEUE, (uint64_t)1 << 32);
    user_enter(&log, 900, 2);
    /* ... and answers with a fast reply_recv: the caller runs at 1800 */
    trap(&log, 1000, false);
    ev(&log, 1040, TRC_EV_SYSCALL, 2, SYS_REPLY_RECV, 0, 0);
    ev4(&log, 1500, TRC_EV_IPC_REPLY, 2, 1, 1, TRC_IPC_FAST, 0);
    ev(&log, 1600, TRC_EV_IPC_BLOCK, 2, 7, 1, 0);
    ev(&log, 1700, TRC_EV_SCHED_SWITCH, 1, 2, TRC_SWITCH_HANDOFF, 0);
    user_enter(&log, 1800, 1);
    one_span(&log, TRC_PATH_CALL_SLOW, 500);
    one_span(&log, TRC_PATH_RECV_QUEUED, 200);
    one_span(&log, TRC_PATH_REPLY_FAST, 800);
    one_span(&log, TRC_PATH_ROUNDTRIP_SLOW, 1700); /* the call was slow */
    /* an interrupt opens no path, and its stretch ends at 1950 */
    trap(&log, 1900, true);
    ev(&log, 1910, TRC_EV_TIMER_IRQ, 1, 0, 0, 0);
    user_enter(&log, 1950, 1);
    /* call #2: fast, straight to the server (3000) */
    trap(&log, 2000, false);
    ev(&log, 2020, TRC_EV_SYSCALL, 1, SYS_CALL, 0, 0);
    ev4(&log, 2600, TRC_EV_IPC_SEND, 1, 7, 1, TRC_IPC_FAST, 0);
    ev4(&log, 2610, TRC_EV_IPC_RECV, 2, 7, 1, TRC_IPC_FAST, (uint64_t)1 << 32);
    ev(&log, 2900, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_HANDOFF, 0);
    user_enter(&log, 3000, 2);
    /* the fast reply; an interrupt taken on the way back to the caller
     * belongs to the stretch (the caller's first instruction is at 3600) */
    trap(&log, 3100, false);
    ev(&log, 3120, TRC_EV_SYSCALL, 2, SYS_REPLY_RECV, 0, 0);
    ev4(&log, 3300, TRC_EV_IPC_REPLY, 2, 1, 1, TRC_IPC_FAST, 0);
    ev(&log, 3400, TRC_EV_SCHED_SWITCH, 1, 2, TRC_SWITCH_HANDOFF, 0);
    trap(&log, 3450, true);
    user_enter(&log, 3600, 1);
    struct trc_path_stats st = stats(&log, TRC_PATH_CALL_FAST);
    assert_int_equal(st.count, 1);
    assert_int_equal(st.min, 1000);
    st = stats(&log, TRC_PATH_REPLY_FAST);
    assert_int_equal(st.count, 2);
    assert_int_equal(st.min, 500);
    assert_int_equal(st.sum, 1300);
    one_span(&log, TRC_PATH_ROUNDTRIP_FAST, 1600);
    /* a refused call: no path, no round trip */
    trap(&log, 3700, false);
    ev(&log, 3720, TRC_EV_SYSCALL, 1, SYS_CALL, 0, 0);
    ev4(&log, 3750, TRC_EV_IPC_SEND, 1, 9, 0, TRC_IPC_REFUSED, sx(-3));
    user_enter(&log, 3800, 1);
    /* a notification */
    trap(&log, 3900, false);
    ev(&log, 3910, TRC_EV_SYSCALL, 1, SYS_NOTIFY, 0, 0);
    ev(&log, 3950, TRC_EV_NOTIFY, 1, 4, 1, 0);
    user_enter(&log, 4000, 1);
    one_span(&log, TRC_PATH_NOTIFY, 100);
    one_span(&log, TRC_PATH_CALL_FAST, 1000);
    one_span(&log, TRC_PATH_ROUNDTRIP_FAST, 1600);
    one_span(&log, TRC_PATH_ROUNDTRIP_SLOW, 1700);
    assert_false(trc_path_stats(&log, TRC_PATH_SEND_DIRECT, &st));
    assert_false(trc_path_stats(&log, TRC_PATH_COUNT, &st));
    /* trap to dispatch, for each of the 7 system calls */
    st = stats(&log, TRC_PATH_TRAP_ENTRY);
    assert_int_equal(st.count, 7);
    assert_int_equal(st.min, 10);
    assert_int_equal(st.max, 40);
    assert_string_equal(trc_path_name(TRC_PATH_CALL_FAST), "ipc.call.fast");
    assert_string_equal(trc_path_name(TRC_PATH_ROUNDTRIP_FAST), "ipc.roundtrip.fast");
    assert_null(trc_path_name(TRC_PATH_COUNT));
    /* p99 and median by nearest rank over 1..100. */
    for (uint64_t v = 100; v >= 1; v--) {
        trap(&log, 5000 + 1000 * v, false);
        ev(&log, 5000 + 1000 * v + v, TRC_EV_SYSCALL, 2, SYS_GETPID, 0, 0);
        user_enter(&log, 5000 + 1000 * v + 500, 2);
    }
    st = stats(&log, TRC_PATH_TRAP_ENTRY);
    assert_int_equal(st.count, 107); /* 1..100 and the 7 above */
    assert_int_equal(st.min, 1);
    assert_int_equal(st.max, 100);
    assert_int_equal(st.median, 47); /* the 54th of 107 (7 of them at most 40) */
    assert_int_equal(st.p99, 99);    /* the 106th of 107 */
    trc_log_free(&log);
}

/* Resume spans end only when what the process waited for came: a call
 * whose caller timed out and a caller that exited record no round trip; a
 * send that waited for room in a full queue is measured to the sender's
 * return once a receive took it in. */
static void resume_spans_need_what_was_waited_for(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    client_and_server(&log);
    /* a call queued, then the caller times out */
    trap(&log, 100, false);
    ev(&log, 110, TRC_EV_SYSCALL, 1, SYS_CALL, 0, 0);
    ev4(&log, 150, TRC_EV_IPC_SEND, 1, 7, 1, TRC_IPC_QUEUED, 0);
    ev(&log, 160, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_BLOCK, 0);
    user_enter(&log, 200, 2);
    trap(&log, 300, true);
    ev(&log, 310, TRC_EV_IPC_WAKE, 1, 0, sx(-6), 0);
    ev(&log, 320, TRC_EV_SCHED_SWITCH, 1, 2, TRC_SWITCH_PREEMPT, 0);
    user_enter(&log, 400, 1);
    one_span(&log, TRC_PATH_CALL_SLOW, 100);
    struct trc_path_stats st;
    assert_false(trc_path_stats(&log, TRC_PATH_ROUNDTRIP_SLOW, &st));
    /* a send into a full queue blocks; the server's receive takes it in */
    trap(&log, 1000, false);
    ev(&log, 1010, TRC_EV_SYSCALL, 1, SYS_SEND, 0, 0);
    ev(&log, 1050, TRC_EV_IPC_BLOCK, 1, 7, 2, 0);
    ev(&log, 1060, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_BLOCK, 0);
    user_enter(&log, 1100, 2);
    trap(&log, 1200, false);
    ev(&log, 1210, TRC_EV_SYSCALL, 2, SYS_RECV, 0, 0);
    ev4(&log, 1250, TRC_EV_IPC_RECV, 2, 7, 1, TRC_IPC_FROM_QUEUE, (uint64_t)1 << 32);
    ev4(&log, 1260, TRC_EV_IPC_SEND, 1, 7, 1, TRC_IPC_QUEUED, 0); /* the woken sender's */
    ev(&log, 1270, TRC_EV_IPC_WAKE, 1, 7, 0, 0);
    user_enter(&log, 1300, 2);
    assert_false(trc_path_stats(&log, TRC_PATH_SEND_QUEUED, &st)); /* not the receiver's */
    assert_false(trc_path_stats(&log, TRC_PATH_SEND_BLOCKED, &st));
    trap(&log, 1400, false);
    ev(&log, 1410, TRC_EV_SYSCALL, 2, SYS_YIELD, 0, 0);
    ev(&log, 1450, TRC_EV_SCHED_SWITCH, 1, 2, TRC_SWITCH_YIELD, 0);
    user_enter(&log, 1500, 1);
    one_span(&log, TRC_PATH_SEND_BLOCKED, 500);
    one_span(&log, TRC_PATH_RECV_QUEUED, 100);
    /* a fast call whose caller exits before the answer */
    trap(&log, 2000, false);
    ev(&log, 2010, TRC_EV_SYSCALL, 1, SYS_CALL, 0, 0);
    ev4(&log, 2050, TRC_EV_IPC_SEND, 1, 7, 1, TRC_IPC_FAST, 0);
    ev(&log, 2060, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_HANDOFF, 0);
    user_enter(&log, 2100, 2);
    ev(&log, 2200, TRC_EV_PROC_EXIT, 1, 0, 0, 0);
    trap(&log, 2300, false);
    ev(&log, 2310, TRC_EV_SYSCALL, 2, SYS_REPLY, 0, 0);
    ev4(&log, 2350, TRC_EV_IPC_REPLY, 2, 1, 1, TRC_IPC_DIRECT, 0);
    user_enter(&log, 2400, 1);
    one_span(&log, TRC_PATH_CALL_FAST, 100);
    one_span(&log, TRC_PATH_REPLY_SLOW, 100);
    assert_false(trc_path_stats(&log, TRC_PATH_ROUNDTRIP_FAST, &st));
    assert_false(trc_path_stats(&log, TRC_PATH_ROUNDTRIP_SLOW, &st));
    trc_log_free(&log);
}

/* With attribution counters attached, each span adds what each counter
 * grew by over it: the counters' growth adds up to the span. */
static void spans_split_their_cycles_among_the_counters(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    uint64_t c[3] = {0, 0, 0}; /* kernel, user, trap return (say) */
    assert_int_equal(trc_log_attach_attribution(&log, c, 3), TRC_OK);
    client_and_server(&log);
    c[1] = 100; /* user code ran to cycle 100 */
    trap(&log, 100, false);
    c[0] += 30;
    ev(&log, 130, TRC_EV_SYSCALL, 1, SYS_CALL, 0, 0);
    ev4(&log, 130, TRC_EV_IPC_SEND, 1, 7, 1, TRC_IPC_FAST, 0);
    c[0] += 50, c[2] += 20;
    user_enter(&log, 200, 2);
    c[1] += 300; /* the server's user code */
    trap(&log, 500, false);
    c[0] += 10;
    ev(&log, 510, TRC_EV_SYSCALL, 2, SYS_REPLY_RECV, 0, 0);
    ev4(&log, 520, TRC_EV_IPC_REPLY, 2, 1, 1, TRC_IPC_FAST, 0);
    c[0] += 70, c[2] += 20;
    user_enter(&log, 600, 1);
    assert_int_equal(log.path_attr[TRC_PATH_CALL_FAST][0], 80);
    assert_int_equal(log.path_attr[TRC_PATH_CALL_FAST][1], 0);
    assert_int_equal(log.path_attr[TRC_PATH_CALL_FAST][2], 20);
    assert_int_equal(log.path_attr[TRC_PATH_REPLY_FAST][0], 80);
    assert_int_equal(log.path_attr[TRC_PATH_ROUNDTRIP_FAST][0], 160);
    assert_int_equal(log.path_attr[TRC_PATH_ROUNDTRIP_FAST][1], 300);
    assert_int_equal(log.path_attr[TRC_PATH_ROUNDTRIP_FAST][2], 40);
    assert_int_equal(stats(&log, TRC_PATH_ROUNDTRIP_FAST).sum, 500);
    assert_int_equal(log.path_attr[TRC_PATH_TRAP_ENTRY][0], 30 + 10);
    trc_log_free(&log);
}

/* The pid map against a plain array: keys chosen to share long prefixes
 * (a crit-bit tree's worst case) and spread ones, updates, absent keys. */
static void the_pid_map_finds_every_key(void **state)
{
    (void)state;
    struct trc_pidmap m = {0};
    enum { N = 5000 };
    static uint32_t keys[N];
    uint32_t v, x = 12345;
    for (uint32_t i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        keys[i] = i % 3 == 0 ? i : i % 3 == 1 ? 0xffffffffu - i : x;
        if (!trc_pidmap_get(&m, keys[i], &v))
            assert_true(trc_pidmap_put(&m, keys[i], i));
    }
    for (uint32_t i = 0; i < N; i++) {
        assert_true(trc_pidmap_get(&m, keys[i], &v));
        assert_int_equal(keys[v], keys[i]); /* the first index of that key */
    }
    assert_true(trc_pidmap_put(&m, keys[7], 4242));
    assert_true(trc_pidmap_get(&m, keys[7], &v) && v == 4242);
    assert_false(trc_pidmap_get(&m, 0x7fff0000u, &v));
    assert_true(m.nleaf <= N);
    trc_pidmap_free(&m);
    assert_false(trc_pidmap_get(&m, 1, &v));
}

/* Returns the CPU seconds since `t0`. */
static double cpu_since(clock_t t0)
{
    return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

/* A crafted trace with many processes (any pid up to 2^32 - 1) costs time
 * linear in its events: finding a process is not a search through all of
 * them (200,000 processes took minutes before). */
static void many_processes_cost_linear_time(void **state)
{
    (void)state;
    enum { N = 200000 };
    struct trc_log log;
    trc_log_init(&log);
    clock_t t0 = clock();
    uint32_t pid = 1;
    for (uint32_t i = 0; i < N; i++) {
        pid = pid * 2654435761u + 1; /* spread over 32 bits */
        ev(&log, i, TRC_EV_PROC_CREATE, pid | 1u, 1, 0x70, 0);
        ev(&log, i, TRC_EV_SYSCALL, pid | 1u, SYS_YIELD, 0, 0);
        ev(&log, i, TRC_EV_SCHED_SWITCH, pid | 1u, 0, TRC_SWITCH_START, 0);
    }
    trc_log_finish(&log, N);
    double took = cpu_since(t0);
    assert_true(log.nprocs <= N && log.nprocs > N - 100);
    const struct trc_proc *last = trc_log_proc(&log, pid | 1u);
    assert_non_null(last);
    assert_int_equal(last->syscalls, 1);
    assert_false(log.oom);
    if (took > 5.0)
        fail_msg("%d processes took %.1f s of CPU", N, took);
    trc_log_free(&log);
}

/* Logs process `pid` creating port `port` and then blocking in a call
 * (kind 3) on port `on`. */
static void calls(struct trc_log *log, uint32_t pid, uint64_t port, uint64_t on)
{
    ev(log, 1, TRC_EV_PORT_CREATE, pid, port, 8, 0);
    ev(log, 2, TRC_EV_IPC_BLOCK, pid, on, 3, 0);
}

/* The deadlock report: the wait-for cycle, found from the first process
 * that leads into it, named from where the walk lands. */
static void the_wait_for_cycle_is_named(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    ev(&log, 0, TRC_EV_PROC_CREATE, 1, 1, 0x61, 0); /* "a" */
    ev(&log, 0, TRC_EV_PROC_CREATE, 2, 1, 0x62, 0); /* "b" */
    ev(&log, 0, TRC_EV_PROC_CREATE, 3, 1, 0x63, 0); /* "c" */
    ev(&log, 0, TRC_EV_PROC_CREATE, 4, 1, 0x64, 0); /* "d" */
    calls(&log, 1, 10, 20);                         /* a -> b */
    calls(&log, 2, 20, 30);                         /* b -> c */
    calls(&log, 3, 30, 20);                         /* c -> b */
    calls(&log, 4, 40, 10);                         /* d -> a */
    char out[240];
    assert_int_equal(trc_wait_for(&log, out, sizeof out), 2);
    assert_string_equal(out, "c calls b's port 20, b calls c's port 30");
    trc_log_free(&log);
    /* no cycle: each blocked process and what it waits on */
    trc_log_init(&log);
    ev(&log, 0, TRC_EV_PROC_CREATE, 1, 1, 0x61, 0);
    ev(&log, 0, TRC_EV_PROC_CREATE, 2, 1, 0x62, 0);
    calls(&log, 1, 10, 20);
    ev(&log, 3, TRC_EV_PORT_CREATE, 2, 20, 8, 0);
    ev(&log, 3, TRC_EV_IPC_BLOCK, 2, 10, 1, 0); /* b receives on a's port */
    assert_int_equal(trc_wait_for(&log, out, sizeof out), 0);
    assert_string_equal(out, "a calls b's port 20, b receives on a's port 10");
    trc_log_free(&log);
}

/* Long chains of callers are followed in linear time: here one that ends
 * at a receiver, walked from each of its processes, before the cycle of
 * the last two (the walk from each process cost O(n^2) before). */
static void a_long_wait_for_chain_costs_linear_time(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct trc_log log;
    trc_log_init(&log);
    for (uint32_t i = 1; i <= N; i++)
        ev(&log, 0, TRC_EV_PROC_CREATE, i, 1, 0x70, 0);
    clock_t t0 = clock();
    /* process i calls the port of process i + 1 up to N - 2, which
     * receives; N - 1 and N call each other */
    for (uint32_t i = 1; i <= N - 3; i++)
        calls(&log, i, i, i + 1);
    ev(&log, 1, TRC_EV_PORT_CREATE, N - 2, N - 2, 8, 0);
    ev(&log, 2, TRC_EV_IPC_BLOCK, N - 2, N - 2, 1, 0);
    calls(&log, N - 1, N - 1, N);
    calls(&log, N, N, N - 1);
    char out[240];
    assert_int_equal(trc_wait_for(&log, out, sizeof out), 2);
    assert_string_equal(out, "p calls p's port 20000, p calls p's port 19999");
    double took = cpu_since(t0);
    if (took > 5.0)
        fail_msg("a chain of %d took %.1f s of CPU", N, took);
    trc_log_free(&log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_run_from_the_trap_to_the_next_user_instruction),
        cmocka_unit_test(resume_spans_need_what_was_waited_for),
        cmocka_unit_test(spans_split_their_cycles_among_the_counters),
        cmocka_unit_test(processes_follow_the_events),
        cmocka_unit_test(the_hash_is_a_function_of_content_and_order),
        cmocka_unit_test(many_events_grow_the_log),
        cmocka_unit_test(ipc_events_are_counted),
        cmocka_unit_test(a_blocked_process_is_switched_out_and_woken),
        cmocka_unit_test(block_and_wake_edge_cases),
        cmocka_unit_test(ipc_events_have_names),
        cmocka_unit_test(every_event_has_a_number_and_a_name),
        cmocka_unit_test(the_hash_is_unchanged_by_ipc_tracking),
        cmocka_unit_test(the_pid_map_finds_every_key),
        cmocka_unit_test(many_processes_cost_linear_time),
        cmocka_unit_test(the_wait_for_cycle_is_named),
        cmocka_unit_test(a_long_wait_for_chain_costs_linear_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
