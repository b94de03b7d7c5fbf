/* tests/ui/test_timeline.c: the timeline's model from hand-made event
 * streams: lane states from the scheduler's and IPC's events, messages
 * paired from send to receive with their kind, replies delivered when the
 * caller runs, notifications and region moves, marks, and the range
 * queries the drawing relies on. And hostile traces (written with the
 * tracer's own trc_file_write): ids of any size take memory for the ids
 * seen, not for their values; pairing many pending sends on one port
 * takes n log n steps, not n^2; cycles that go back keep the model
 * sorted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi/syscall_nr.h"
#include "tracer/tracefile.h"
#include "ui/timeline.h"

static struct tl_model model;

static void ev(uint64_t cycle, uint32_t type, uint32_t pid, uint64_t a0, uint64_t a1, uint64_t a2,
               uint64_t a3)
{
    struct trc_event e = {cycle, 0, type, pid, {a0, a1, a2, a3}};
    assert_int_equal(tl_add(&model, &e), 0);
}

static void create(uint64_t cycle, uint32_t pid, const char *name)
{
    uint64_t w[2] = {0, 0};
    for (size_t i = 0; i < strlen(name) && i < 16; i++)
        w[i / 8] |= (uint64_t)(uint8_t)name[i] << (8 * (i % 8));
    ev(cycle, TRC_EV_PROC_CREATE, pid, 1, w[0], w[1], 0);
}

/* ping (pid 1) calls pong (pid 2) twice: once queued (pong not waiting
 * yet), once on the fast path; pong replies; a notification and a region
 * move; then ping exits. */
static int setup(void **state)
{
    (void)state;
    tl_init(&model);
    ev(100, TRC_EV_BOOT, 0, 1, 1, 0, 0);
    create(200, 1, "ping");
    create(300, 2, "pong");
    ev(400, TRC_EV_SCHED_SWITCH, 1, 0, TRC_SWITCH_START, 0, 0);
    ev(450, TRC_EV_TRAP, 0, 0, 0, 0, 0);
    ev(455, TRC_EV_SYSCALL, 1, 3, 0, 0, 0);
    ev(460, TRC_EV_CAP_LOOKUP, 1, 7, 0, 0, 0); /* miss */
    /* queued: opcode 3, 16 bytes, one capability, a region moving, on port 5 */
    ev(500, TRC_EV_IPC_SEND, 1, 5, 3 | (16ull << 32) | (1ull << 48) | (1ull << 56), TRC_IPC_QUEUED,
       0);
    ev(510, TRC_EV_IPC_BLOCK, 1, 5, 3, 0, 0);
    ev(520, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_BLOCK, 0, 0);
    ev(600, TRC_EV_IPC_RECV, 2, 5, 3 | (16ull << 32), TRC_IPC_FROM_QUEUE, 1ull << 32);
    ev(700, TRC_EV_IPC_REPLY, 2, 1, 0, TRC_IPC_FAST, 0);
    ev(705, TRC_EV_IPC_WAKE, 1, 5, 0, 0, 0);
    ev(710, TRC_EV_IPC_BLOCK, 2, 5, 1, 0, 0);
    ev(720, TRC_EV_SCHED_SWITCH, 1, 2, TRC_SWITCH_HANDOFF, 0, 0);
    /* fast path: pong waits, so the call switches straight to it */
    ev(800, TRC_EV_TRAP, 0, 0, 0, 0, 0);
    ev(810, TRC_EV_CAP_LOOKUP, 1, 7, 1, 0, 0); /* hit */
    ev(850, TRC_EV_IPC_SEND, 1, 5, 4 | (8ull << 32), TRC_IPC_FAST, 0);
    ev(851, TRC_EV_IPC_RECV, 2, 5, 4 | (8ull << 32), TRC_IPC_FAST, 1ull << 32);
    ev(860, TRC_EV_IPC_BLOCK, 1, 5, 3, 0, 0);
    ev(870, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_HANDOFF, 0, 0);
    /* a refused send: no message */
    ev(880, TRC_EV_IPC_SEND, 2, 9, 1, TRC_IPC_REFUSED, (uint64_t)(int64_t)-3);
    ev(900, TRC_EV_NOTIFY, 2, 1, 0x10, 1, 0);
    ev(910, TRC_EV_REGION, 2, 3, 0x1000, 1, TRC_REGION_MOVE);
    ev(950, TRC_EV_IPC_REPLY, 2, 1, 0, TRC_IPC_DIRECT, 0);
    ev(960, TRC_EV_SCHED_SWITCH, 1, 2, TRC_SWITCH_PREEMPT, 0, 0);
    /* sent and never received: no arrow */
    ev(970, TRC_EV_IPC_SEND, 1, 6, 2, TRC_IPC_QUEUED, 0);
    /* a timer interrupt, a wait that timed out, the queued message dropped */
    ev(975, TRC_EV_TIMER_IRQ, 1, 0, 0, 0, 0);
    ev(980, TRC_EV_IPC_WAKE, 1, 6, (uint64_t)(int64_t)-22, 0, 0); /* IPC_ERR_TIMEOUT */
    ev(985, TRC_EV_IPC_DROP, 1, 6, 2, TRC_DROP_CALLER_GAVE_UP, 0);
    ev(990, TRC_EV_PROC_EXIT, 1, 0, 0, 0, 0);
    ev(995, TRC_EV_SCHED_SWITCH, 0, 1, TRC_SWITCH_EXIT, 0, 0);
    assert_int_equal(tl_finish(&model, 1000), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tl_free(&model);
    return 0;
}

static void lanes_follow_the_scheduler_and_ipc(void **state)
{
    (void)state;
    assert_int_equal(model.nlanes, 3);
    assert_int_equal(model.lanes[0].pid, 0);
    assert_string_equal(model.lanes[0].name, "kernel core 0");
    size_t ping = tl_lane_of(&model, 1), pong = tl_lane_of(&model, 2);
    assert_int_equal(ping, 1);
    assert_int_equal(pong, 2);
    assert_string_equal(model.lanes[ping].name, "ping");
    assert_int_equal(model.lanes[ping].prio, 1); /* proc.create's a0 */
    const struct tl_lane *p = &model.lanes[ping];
    uint64_t next;
    assert_int_equal(tl_state_at(p, 150, &next), TL_ABSENT);
    assert_int_equal(next, 200);
    assert_int_equal(tl_state_at(p, 200, NULL), TL_READY);
    assert_int_equal(tl_state_at(p, 400, NULL), TL_RUNNING);
    assert_int_equal(tl_state_at(p, 509, NULL), TL_RUNNING);
    assert_int_equal(tl_state_at(p, 510, &next), TL_BLOCKED);
    assert_int_equal(next, 705);
    assert_int_equal(tl_state_at(p, 705, NULL), TL_READY);
    assert_int_equal(tl_state_at(p, 720, NULL), TL_RUNNING);
    assert_int_equal(tl_state_at(p, 870, NULL), TL_BLOCKED);
    assert_int_equal(tl_state_at(p, 960, NULL), TL_RUNNING);
    assert_int_equal(tl_state_at(p, 990, &next), TL_ABSENT);
    assert_int_equal(next, UINT64_MAX);
    const struct tl_lane *q = &model.lanes[pong];
    assert_int_equal(tl_state_at(q, 520, NULL), TL_RUNNING);
    assert_int_equal(tl_state_at(q, 710, NULL), TL_BLOCKED);
    /* the handoff at 720 does not make a blocked pong ready */
    assert_int_equal(tl_state_at(q, 719, NULL), TL_BLOCKED);
    assert_int_equal(tl_state_at(q, 870, NULL), TL_RUNNING);
    assert_int_equal(tl_state_at(q, 960, NULL), TL_READY);
    const struct tl_lane *k = &model.lanes[0];
    assert_int_equal(tl_state_at(k, 100, NULL), TL_BUSY);
    assert_int_equal(tl_state_at(k, 995, NULL), TL_IDLE);
    /* changes are strictly increasing, and no two in a row are equal */
    for (size_t i = 0; i < model.nlanes; i++)
        for (size_t j = 1; j < model.lanes[i].n; j++) {
            assert_true(model.lanes[i].at[j] > model.lanes[i].at[j - 1]);
            assert_int_not_equal(model.lanes[i].state[j], model.lanes[i].state[j - 1]);
        }
    assert_int_equal(model.events, 32);
    assert_int_equal(model.end, 1000);
}

static void messages_pair_with_their_receive(void **state)
{
    (void)state;
    /* queued call, its fast reply, the fast call, notify, region, slow reply */
    assert_int_equal(model.nmsgs, 6);
    const struct tl_msg *m = model.msgs;
    assert_int_equal(m[0].kind, TL_ASYNC);
    assert_int_equal(m[0].sent, 500);
    assert_int_equal(m[0].received, 600);
    assert_int_equal(m[0].from, 1);
    assert_int_equal(m[0].to, 2);
    assert_int_equal(m[0].port, 5);
    assert_int_equal(m[0].opcode, 3);
    assert_int_equal(m[0].len, 16);
    assert_int_equal(m[0].ncaps, 1);
    assert_true(m[0].moved);
    assert_int_equal(m[2].ncaps, 0);
    assert_false(m[2].moved);
    assert_false(m[0].reply);
    /* the reply reaches ping when it runs again (the handoff at 720) */
    assert_int_equal(m[1].kind, TL_FAST);
    assert_true(m[1].reply);
    assert_int_equal(m[1].sent, 700);
    assert_int_equal(m[1].received, 720);
    assert_int_equal(m[1].from, 2);
    assert_int_equal(m[1].to, 1);
    assert_int_equal(m[2].kind, TL_FAST);
    assert_int_equal(m[2].sent, 850);
    assert_int_equal(m[2].received, 851);
    assert_int_equal(m[2].opcode, 4);
    assert_int_equal(m[2].len, 8);
    assert_int_equal(m[3].kind, TL_NOTIFY);
    assert_int_equal(m[3].from, 2);
    assert_int_equal(m[3].to, 1);
    assert_int_equal(m[3].opcode, 0x10);
    assert_int_equal(m[4].kind, TL_REGION);
    assert_int_equal(m[4].port, 3);
    assert_int_equal(m[5].kind, TL_SLOW);
    assert_true(m[5].reply);
    assert_int_equal(m[5].received, 960);
    for (size_t i = 1; i < model.nmsgs; i++)
        assert_true(m[i].sent >= m[i - 1].sent);
    assert_int_equal(model.lanes[1].sent, 3); /* the last one never arrived */
    assert_int_equal(model.lanes[2].received, 2);
    assert_int_equal(tl_msg_at(&model, 0), 0);
    assert_int_equal(tl_msg_at(&model, 701), 2);
    assert_int_equal(tl_msg_at(&model, 851), 3);
    assert_int_equal(tl_msg_at(&model, 2000), 6);
}

static void marks_count_in_ranges(void **state)
{
    (void)state;
    assert_int_equal(tl_mark_count(&model, TL_MARK_CAP_MISS, 0, 1000), 1);
    assert_int_equal(tl_mark_count(&model, TL_MARK_CAP_HIT, 0, 1000), 1);
    assert_int_equal(tl_mark_count(&model, TL_MARK_CAP_HIT, 810, 811), 1);
    assert_int_equal(tl_mark_count(&model, TL_MARK_CAP_HIT, 811, 1000), 0);
    assert_int_equal(tl_mark_count(&model, TL_MARK_HANDOFF, 0, 1000), 2);
    assert_int_equal(tl_mark_count(&model, TL_MARK_HANDOFF, 721, 870), 0);
    assert_int_equal(tl_mark_count(&model, TL_MARK_EXIT, 0, 1000), 1);
    assert_int_equal(tl_mark_count(&model, TL_MARK_FAULT, 0, 1000), 0);
    assert_int_equal(tl_mark_count(&model, TL_MARK_EXIT, 1000, 0), 0);
    /* timer interrupts on the kernel lane; timeouts, drops and refusals on
     * the process's */
    assert_int_equal(tl_mark_count(&model, TL_MARK_TIMER, 975, 976), 1);
    assert_int_equal(model.marks[tl_mark_at(&model, 975)].lane, 0);
    assert_int_equal(tl_mark_count(&model, TL_MARK_TIMEOUT, 0, 1000), 1);
    assert_int_equal(model.marks[tl_mark_at(&model, 980)].lane, 1);
    /* per kind, the cycles and lanes alone (what a crowded view draws from) */
    assert_int_equal(tl_mark_kind_at(&model, TL_MARK_TIMEOUT, 0), 0);
    assert_int_equal(tl_mark_kind_at(&model, TL_MARK_TIMEOUT, 981), 1);
    assert_int_equal(model.mark_at[TL_MARK_TIMEOUT][0], 980);
    assert_int_equal(model.mark_lane[TL_MARK_TIMEOUT][0], 1);
    assert_int_equal(model.mark_lane[TL_MARK_REFUSED][0], 2);
    assert_int_equal(tl_mark_count(&model, TL_MARK_DROP, 985, 986), 1);
    assert_int_equal(model.marks[tl_mark_at(&model, 985)].lane, 1);
    assert_int_equal(tl_mark_count(&model, TL_MARK_REFUSED, 880, 881), 1);
    assert_int_equal(model.marks[tl_mark_at(&model, 880)].lane, 2);
    for (size_t i = 1; i < model.nmarks; i++)
        assert_true(model.marks[i].at >= model.marks[i - 1].at);
    assert_int_equal(model.marks[tl_mark_at(&model, 990)].kind, TL_MARK_EXIT);
    assert_int_equal(model.marks[tl_mark_at(&model, 990)].lane, 1);
}

/* A port closed with a message queued, and its id reused by a new port:
 * a receive on the new port does not pair with the old port's message. */
static void a_reused_port_id_starts_empty(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    struct trc_event e[] = {
        {10, 0, TRC_EV_BOOT, 0, {1, 1, 0, 0}},
        {20, 0, TRC_EV_PROC_CREATE, 1, {1, 'a', 0, 0}},
        {30, 0, TRC_EV_PROC_CREATE, 2, {1, 'b', 0, 0}},
        {40, 0, TRC_EV_PORT_CREATE, 2, {4, 8, 0, 0}},
        {50, 0, TRC_EV_IPC_SEND, 1, {4, 1, TRC_IPC_QUEUED, 0}},
        {60, 0, TRC_EV_PORT_CLOSE, 2, {4, 0, 0, 0}},
        {70, 0, TRC_EV_PORT_CREATE, 2, {4, 8, 0, 0}},
        {80, 0, TRC_EV_IPC_SEND, 1, {4, 2, TRC_IPC_QUEUED, 0}},
        {90, 0, TRC_EV_IPC_RECV, 2, {4, 2, TRC_IPC_FROM_QUEUE, 1ull << 32}},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 100), 0);
    assert_int_equal(m.nmsgs, 1);
    assert_int_equal(m.msgs[0].sent, 80);
    assert_int_equal(m.msgs[0].opcode, 2);
    tl_free(&m);
}

/* With user.enter events a process lane splits user time (running) from
 * the kernel's time on its behalf: from being switched to, or from its
 * trap, to its next user.enter. Another process's trap does not touch it;
 * a trap on an idle core touches nobody. */
static void kernel_time_is_split_from_user_time(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    struct trc_event e[] = {
        {10, 0, TRC_EV_BOOT, 0, {1, 1, 0, 0}},
        {20, 0, TRC_EV_PROC_CREATE, 1, {3, 'a', 0, 0}},
        {30, 0, TRC_EV_PROC_CREATE, 2, {1, 'b', 0, 0}},
        {40, 0, TRC_EV_SCHED_SWITCH, 1, {0, TRC_SWITCH_START, 0, 0}},
        {60, 0, TRC_EV_USER_ENTER, 1, {0x1000, 0, 0, 0}},
        {100, 0, TRC_EV_TRAP, 0, {0, 0, 0, 0}},
        {130, 0, TRC_EV_USER_ENTER, 1, {0x1004, 0, 0, 0}},
        {200, 0, TRC_EV_TRAP, 0, {0, 0, 0, 0}},
        {220, 0, TRC_EV_IPC_BLOCK, 1, {4, 1, 0, 0}},
        {230, 0, TRC_EV_SCHED_SWITCH, 2, {1, TRC_SWITCH_BLOCK, 0, 0}},
        {250, 0, TRC_EV_USER_ENTER, 2, {0x2000, 0, 0, 0}},
        {300, 0, TRC_EV_TRAP, 0, {0, 0, 0, 0}},
        {320, 0, TRC_EV_SCHED_SWITCH, 0, {2, TRC_SWITCH_BLOCK, 0, 0}},
        {330, 0, TRC_EV_TRAP, 0, {1, 0, 0, 0}},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 400), 0);
    const struct tl_lane *a = &m.lanes[tl_lane_of(&m, 1)], *b = &m.lanes[tl_lane_of(&m, 2)];
    assert_int_equal(a->prio, 3);
    const struct {
        const struct tl_lane *l;
        uint64_t at;
        enum tl_state s;
    } want[] = {{a, 40, TL_KERNEL},   {a, 59, TL_KERNEL},   {a, 60, TL_RUNNING},
                {a, 100, TL_KERNEL},  {a, 130, TL_RUNNING}, {a, 200, TL_KERNEL},
                {a, 220, TL_BLOCKED}, {a, 350, TL_BLOCKED}, {b, 230, TL_KERNEL},
                {b, 250, TL_RUNNING}, {b, 300, TL_KERNEL},  {b, 320, TL_READY},
                {b, 350, TL_READY}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(tl_state_at(want[i].l, want[i].at, NULL), want[i].s);
    tl_free(&m);
}

/* A process whose answer came from another core: its own core idled in
 * the kernel, and resumes it with no sched.switch (it never switched
 * away). It is ready from its wake to its user.enter on its core, then
 * runs there, and its next trap is the kernel working for it. */
static void a_process_resumed_without_a_switch_runs(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    struct trc_event e[] = {
        {10, 0, TRC_EV_BOOT, 0, {1, 2, 0, 0}},
        {20, 0, TRC_EV_PROC_CREATE, 1, {3, 'a', 0, 0}},
        {30, 0, TRC_EV_SCHED_SWITCH, 1, {0, 0, 0, 0}},
        {100, 0, TRC_EV_USER_ENTER, 1, {0x1000, 0, 0, 0}},
        {200, 0, TRC_EV_TRAP, 0, {0, 0, 0, 0}},
        {210, 0, TRC_EV_SYSCALL, 1, {SYS_CALL, 0, 0, 0}},
        {250, 0, TRC_EV_IPC_BLOCK, 1, {5, 3, 0, 0}},
        {400, 1, TRC_EV_IPC_WAKE, 1, {5, 0, 0, 0}},
        {700, 0, TRC_EV_USER_ENTER, 1, {0x1004, 0, 0, 0}},
        {800, 0, TRC_EV_TRAP, 0, {0, 0, 0, 0}},
        {900, 0, TRC_EV_USER_ENTER, 1, {0x1008, 0, 0, 0}},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 1000), 0);
    const struct tl_lane *l = &m.lanes[tl_lane_of(&m, 1)];
    assert_int_equal(tl_state_at(l, 300, NULL), TL_BLOCKED);
    assert_int_equal(tl_state_at(l, 500, NULL), TL_READY);
    assert_int_equal(tl_state_at(l, 750, NULL), TL_RUNNING);
    assert_int_equal(tl_state_at(l, 850, NULL), TL_KERNEL);
    assert_int_equal(tl_state_at(l, 950, NULL), TL_RUNNING);
    tl_free(&m);
}

/* The kernel's stretches: from a trap (or boot) to the next user.enter,
 * with the cycles by phase its kernel.phases gives (idle: the rest), the
 * system call it served, its path and why it left the fast path, its
 * cache hits and misses; an interrupt that comes while the kernel runs
 * belongs to the stretch it came in. A stretch without kernel.phases (an
 * old trace) has no phases to draw. */
static void kernel_stretches_carry_their_phases(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    uint64_t boot[TRC_KPHASES_STORED] = {[KPHASE_COPY] = 30, [KPHASE_LOGIC] = 20};
    uint64_t call[TRC_KPHASES_STORED] = {
        [KPHASE_TRAP] = 50,   [KPHASE_LOOKUP] = 40, [KPHASE_LOCK] = 70,         [KPHASE_LOGIC] = 30,
        [KPHASE_SWITCH] = 60, [KPHASE_RETURN] = 30, [KPHASE_HANDOFF] = 1u << 23};
    struct trc_event e[] = {
        {10, 0, TRC_EV_BOOT, 0, {1, 1, 0, 0}},
        {20, 0, TRC_EV_PROC_CREATE, 1, {3, 'a', 0, 0}},
        {40, 0, TRC_EV_SCHED_SWITCH, 1, {0, TRC_SWITCH_START, 0, 0}},
        {50, 0, TRC_EV_KERNEL_PHASES, 0, {0}},
        {50, 0, TRC_EV_USER_ENTER, 1, {0x1000, 0, 0, 0}},
        {100, 0, TRC_EV_TRAP, 0, {0, 0, 0, 0}},
        {120, 0, TRC_EV_SYSCALL, 1, {SYS_CALL, 0, 0, 0}},
        {130, 0, TRC_EV_CAP_LOOKUP, 1, {7, 0, 0, 0}},
        {140, 0, TRC_EV_IPC_SLOW, 1, {5, TRC_SLOW_NO_RECEIVER, 0, 0}},
        {150, 0, TRC_EV_IPC_SEND, 1, {5, 0, TRC_IPC_QUEUED, 0}},
        {160, 0, TRC_EV_TRAP, 0, {1, 0, 0, 0}},
        {100 + 280 + 25 + (1u << 23), 0, TRC_EV_KERNEL_PHASES, 0, {0}},
        {100 + 280 + 25 + (1u << 23), 0, TRC_EV_USER_ENTER, 1, {0x1004, 0, 0, 0}},
        {20000000, 0, TRC_EV_TRAP, 0, {0, 0, 0, 0}},
        {20000100, 0, TRC_EV_USER_ENTER, 1, {0x1008, 0, 0, 0}},
    };
    trc_kphases_pack(boot, e[3].arg);
    trc_kphases_pack(call, e[11].arg);
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 20000200), 0);
    assert_int_equal(m.nkstretches, 3);
    const struct tl_kstretch *s = m.kstretches;
    char cap[128];
    /* boot's: no trap opened it; it began its phases' cycles before */
    assert_int_equal(s[0].from, 0);
    assert_int_equal(s[0].to, 50);
    assert_int_equal(s[0].ph[KPHASE_COPY], 30);
    assert_int_equal(s[0].ph[KPHASE_IDLE], 0);
    tl_kstretch_caption(&s[0], cap, sizeof cap);
    assert_string_equal(cap, "boot");
    /* the slow call: the handoff's count saturated at 2^23 - 1, and the
     * cycles no phase holds are idle (the interrupt's wait) */
    assert_int_equal(s[1].from, 100);
    assert_int_equal(s[1].pid, 1);
    assert_int_equal(s[1].nr, SYS_CALL);
    assert_int_equal(s[1].ph[KPHASE_TRAP], 50);
    assert_int_equal(s[1].ph[KPHASE_LOCK], 70);
    assert_int_equal(s[1].ph[KPHASE_HANDOFF], TRC_KPHASE_FIELD_MAX);
    assert_int_equal(s[1].saturated, 1u << KPHASE_HANDOFF);
    assert_int_equal(s[1].ph[KPHASE_IDLE], 25 + 1);
    assert_int_equal(s[1].misses, 1);
    assert_int_equal(s[1].hits, 0);
    assert_true(s[1].irq);
    tl_kstretch_caption(&s[1], cap, sizeof cap);
    assert_string_equal(cap, "call: slow path, queued (no_receiver), cap miss, timer irq");
    /* no kernel.phases: nothing to draw */
    assert_false(s[2].phased);
    assert_int_equal(s[2].to, 20000100);
    /* found by their end */
    assert_int_equal(tl_kstretch_after(&m, 49), 0);
    assert_int_equal(tl_kstretch_after(&m, 50), 1);
    assert_int_equal(tl_kstretch_after(&m, 20000100), 3);
    tl_free(&m);
}

/* A server that takes a call from a caller of higher priority runs at
 * that priority until it replies: one stretch on its lane, from the
 * receive to the reply. A caller of its own priority or lower lends it
 * nothing. */
static void a_server_inherits_its_callers_priority(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    struct trc_event e[] = {
        {10, 0, TRC_EV_BOOT, 0, {1, 1, 0, 0}},
        {20, 0, TRC_EV_PROC_CREATE, 1, {5, 'c', 0, 0}}, /* the caller, priority 5 */
        {30, 0, TRC_EV_PROC_CREATE, 2, {2, 's', 0, 0}}, /* the server, priority 2 */
        {35, 0, TRC_EV_PROC_CREATE, 3, {1, 'l', 0, 0}}, /* a caller below it */
        {40, 0, TRC_EV_IPC_SEND, 1, {4, 1, TRC_IPC_DIRECT, 0}},
        {40, 0, TRC_EV_IPC_RECV, 2, {4, 1, TRC_IPC_DIRECT, 1ull << 32}},
        {90, 0, TRC_EV_IPC_REPLY, 2, {1, 0, TRC_IPC_DIRECT, 0}},
        {100, 0, TRC_EV_IPC_SEND, 3, {4, 1, TRC_IPC_DIRECT, 0}},
        {100, 0, TRC_EV_IPC_RECV, 2, {4, 1, TRC_IPC_DIRECT, 3ull << 32}},
        {150, 0, TRC_EV_IPC_REPLY, 2, {3, 0, TRC_IPC_DIRECT, 0}},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 200), 0);
    assert_int_equal(m.ninherits, 1);
    size_t s = tl_lane_of(&m, 2);
    assert_int_equal(m.inherits[0].lane, s);
    assert_int_equal(m.inherits[0].caller, tl_lane_of(&m, 1));
    assert_int_equal(m.inherits[0].from, 40);
    assert_int_equal(m.inherits[0].to, 90);
    assert_int_equal(m.inherits[0].prio, 5);
    assert_int_equal(m.lanes[s].prio, 2);
    assert_int_equal(m.lanes[s].inherited, 5);
    assert_int_equal(tl_inherit_at(&m, 91), 1);
    tl_free(&m);
}

/* A call whose caller gave up leaves its port's queue (ipc.drop): like
 * every message never received it gets no arrow, and the caller's next
 * call pairs with the receive, not the dropped one. A plain send queued
 * before it keeps its place. */
static void a_dropped_call_is_never_received(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    struct trc_event e[] = {
        {10, 0, TRC_EV_BOOT, 0, {1, 1, 0, 0}},
        {20, 0, TRC_EV_PROC_CREATE, 1, {1, 'a', 0, 0}},
        {30, 0, TRC_EV_PROC_CREATE, 2, {1, 'b', 0, 0}},
        {40, 0, TRC_EV_PORT_CREATE, 2, {4, 8, 0, 0}},
        {45, 0, TRC_EV_IPC_SEND, 1, {4, 9, TRC_IPC_QUEUED, 0}},
        {50, 0, TRC_EV_IPC_SEND, 1, {4, 1, TRC_IPC_QUEUED, 0}},
        {60, 0, TRC_EV_IPC_DROP, 1, {4, 1, TRC_DROP_CALLER_GAVE_UP, 0}},
        {70, 0, TRC_EV_IPC_SEND, 1, {4, 2, TRC_IPC_QUEUED, 0}},
        {80, 0, TRC_EV_IPC_RECV, 2, {4, 9, TRC_IPC_FROM_QUEUE, 1ull << 32}},
        {90, 0, TRC_EV_IPC_RECV, 2, {4, 2, TRC_IPC_FROM_QUEUE, 1ull << 32}},
        /* a drop the model cannot place (nothing queued) changes nothing */
        {95, 0, TRC_EV_IPC_DROP, 1, {4, 7, TRC_DROP_CALLER_GAVE_UP, 0}},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 100), 0);
    /* the dropped call, never received, gets no arrow; the second call's
     * arrow starts at its own send (it started at the dropped one's) */
    assert_int_equal(m.nmsgs, 2);
    assert_int_equal(m.msgs[0].sent, 45);
    assert_int_equal(m.msgs[0].received, 80);
    assert_int_equal(m.msgs[1].sent, 70);
    assert_int_equal(m.msgs[1].received, 90);
    /* dropped is not "never delivered" */
    assert_int_equal(tl_mark_count(&m, TL_MARK_DROP, 0, 100), 2); /* each ipc.drop is marked */
    assert_int_equal(tl_mark_count(&m, TL_MARK_UNDELIVERED, 0, 100), 0);
    tl_free(&m);
}

/* Events of two cores: each core's go to its kernel lane; a process lane
 * knows which core ran it when; a message sent on core 0 and received on
 * core 1 joins the two processes' lanes and names both cores; an IPI is
 * an arrow from the sender's kernel lane to the target's. */
static void two_cores_have_their_lanes_and_cross_arrows(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    struct trc_event e[] = {
        {10, 0, TRC_EV_BOOT, 0, {1, 2, 0, 0}},
        {20, 0, TRC_EV_PROC_CREATE, 1, {1, 'a', 0, 0}},
        {30, 0, TRC_EV_PROC_CREATE, 2, {1, 'b', 0, 0}},
        {40, 0, TRC_EV_PORT_CREATE, 2, {4, 8, 0, 0}},
        {50, 0, TRC_EV_SCHED_SWITCH, 1, {0, TRC_SWITCH_START, 0, 0}},
        {55, 1, TRC_EV_SCHED_SWITCH, 2, {0, TRC_SWITCH_START, 0, 0}},
        {60, 1, TRC_EV_IPC_BLOCK, 2, {4, 1, 0, 0}},
        {60, 1, TRC_EV_SCHED_SWITCH, 0, {2, TRC_SWITCH_BLOCK, 0, 0}},
        {70, 0, TRC_EV_IPC_SEND, 1, {4, 5, TRC_IPC_DIRECT, 0}},
        {72, 0, TRC_EV_IPI, 0, {0, 1, 24, 0}},
        {75, 1, TRC_EV_IPC_WAKE, 2, {4, 0, 0, 0}},
        {80, 1, TRC_EV_SCHED_SWITCH, 2, {0, TRC_SWITCH_PREEMPT, 0, 0}},
        {80, 1, TRC_EV_IPC_RECV, 2, {4, 5, TRC_IPC_DIRECT, 1ull << 32}},
        {90, 0, TRC_EV_SCHED_SWITCH, 2, {1, TRC_SWITCH_YIELD, 0, 0}}, /* b moves to core 0 */
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 100), 0);
    assert_int_equal(m.ncores, 2);
    size_t k0 = SIZE_MAX, k1 = SIZE_MAX;
    for (size_t i = 0; i < m.nlanes; i++)
        if (!m.lanes[i].pid && m.lanes[i].core == 0)
            k0 = i;
        else if (!m.lanes[i].pid && m.lanes[i].core == 1)
            k1 = i;
    assert_true(k0 != SIZE_MAX && k1 != SIZE_MAX);
    uint64_t next;
    assert_int_equal(tl_state_at(&m.lanes[k1], 65, &next), TL_IDLE); /* core 1 waits */
    assert_int_equal(tl_state_at(&m.lanes[k1], 85, &next), TL_BUSY);
    const struct tl_lane *a = &m.lanes[tl_lane_of(&m, 1)], *b = &m.lanes[tl_lane_of(&m, 2)];
    assert_int_equal(a->cores, 1u);
    assert_int_equal(b->cores, 3u);
    assert_int_equal(tl_lane_core_at(b, 54), -1);
    assert_int_equal(tl_lane_core_at(b, 85), 1);
    assert_int_equal(tl_lane_core_at(b, 95), 0);
    assert_int_equal(m.nmsgs, 2);
    const struct tl_msg *msg = &m.msgs[0], *ipi = &m.msgs[1];
    assert_true(msg->kind == TL_SLOW && msg->from == tl_lane_of(&m, 1) &&
                msg->to == tl_lane_of(&m, 2));
    assert_true(msg->from_core == 0 && msg->to_core == 1 && msg->received == 80);
    assert_true(ipi->kind == TL_IPI && ipi->from == k0 && ipi->to == k1);
    assert_true(ipi->from_core == 0 && ipi->to_core == 1 && ipi->opcode == 24);
    assert_int_equal(m.ipis, 1);
    tl_free(&m);
}

/* A message still queued when the run ends (or whose port closed) is
 * never delivered: no arrow, and a mark at its send on the sender's lane,
 * in order among the other marks. A signal that woke nobody is marked on
 * the signaller's lane. */
static void undelivered_messages_are_marked_at_their_send(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    struct trc_event e[] = {
        {10, 0, TRC_EV_BOOT, 0, {1, 1, 0, 0}},
        {20, 0, TRC_EV_PROC_CREATE, 1, {1, 'a', 0, 0}},
        {30, 0, TRC_EV_PROC_CREATE, 2, {1, 'b', 0, 0}},
        {40, 0, TRC_EV_PORT_CREATE, 2, {4, 8, 0, 0}},
        {45, 0, TRC_EV_IPC_SEND, 1, {4, 9, TRC_IPC_QUEUED, 0}},
        {50, 0, TRC_EV_PROC_EXIT, 1, {0, 0, 0, 0}},
        {60, 0, TRC_EV_IPC_SEND, 2, {5, 3, TRC_IPC_QUEUED, 0}},
        {70, 0, TRC_EV_PORT_CLOSE, 2, {5, 0, 0, 0}},
        {75, 0, TRC_EV_NOTIFY, 2, {6, 1, 0, 0}}, /* woke nobody: its bits are kept */
        {80, 0, TRC_EV_PROC_EXIT, 2, {0, 0, 0, 0}},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 100), 0);
    assert_int_equal(m.nmsgs, 0);
    assert_int_equal(tl_mark_count(&m, TL_MARK_UNDELIVERED, 0, 100), 2);
    assert_int_equal(tl_mark_count(&m, TL_MARK_UNDELIVERED, 45, 46), 1);
    assert_int_equal(m.mark_lane[TL_MARK_UNDELIVERED][0], tl_lane_of(&m, 1));
    assert_int_equal(m.mark_lane[TL_MARK_UNDELIVERED][1], tl_lane_of(&m, 2));
    assert_int_equal(tl_mark_count(&m, TL_MARK_SIGNAL_KEPT, 75, 76), 1);
    assert_int_equal(m.mark_lane[TL_MARK_SIGNAL_KEPT][0], tl_lane_of(&m, 2));
    for (size_t i = 1; i < m.nmarks; i++)
        assert_true(m.marks[i - 1].at <= m.marks[i].at);
    tl_free(&m);
}

/* Garbage in a trace (unknown pids, huge port ids, cores out of range,
 * events before any process) is skipped without a crash. */
static void odd_events_are_survived(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    struct trc_event e[] = {
        {10, 999, TRC_EV_SCHED_SWITCH, 77, {3, 1, 0, 0}},
        {20, 0, TRC_EV_IPC_SEND, 5, {0xffffffffu, 0, TRC_IPC_QUEUED, 0}},
        {30, 0, TRC_EV_IPC_RECV, 5, {0xffffffffu, 0, TRC_IPC_FROM_QUEUE, 5ull << 32}},
        {40, 0, TRC_EV_IPC_REPLY, 6, {12345, 0, 0, 0}},
        {50, 0, TRC_EV_NOTIFY, 6, {1, 1, 4242, 0}},
        {60, 0, TRC_EV_PROC_CREATE, 3, {1, 0x01ff, 0, 0}}, /* unprintable name */
        {70, 0, 9999, 3, {0, 0, 0, 0}},
        {80, 0, TRC_EV_IPC_SEND, 3, {1u << 30, 0, TRC_IPC_QUEUED, 0}},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 0), 0);
    assert_int_equal(m.nmsgs, 0);
    size_t lane = tl_lane_of(&m, 3);
    assert_int_not_equal(lane, SIZE_MAX);
    assert_string_equal(m.lanes[lane].name, "??");
    assert_int_equal(m.end, 80);
    tl_free(&m);
}

/* Writes events e[n] as a `boot` trace at `path` with the tracer's own
 * writer (valid settings, so that only the events are hostile). */
static void write_trace(const char *path, const struct trc_event *e, size_t n)
{
    struct trc_file_meta meta;
    memset(&meta, 0, sizeof meta);
    snprintf(meta.kind, sizeof meta.kind, "boot");
    snprintf(meta.arch, sizeof meta.arch, "x86_64");
    snprintf(meta.cpu, sizeof meta.cpu, "skylake");
    snprintf(meta.build, sizeof meta.build, "test_timeline");
    meta.max_cycles = 1000000000;
    meta.seed = 1;
    meta.quantum = 20000;
    meta.cap_cache = 64;
    meta.ram = 64u << 20;
    meta.cycles = n ? e[n - 1].cycle : 0;
    static char no_console[1];
    struct trc_log log;
    trc_log_init(&log);
    log.ev = (struct trc_event *)e; /* borrowed: not freed */
    log.nev = n;
    log.console = no_console;
    char err[512];
    int rc = trc_file_write(path, &meta, &log, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
}

/* A scratch file name (static buffer) in a fresh directory. */
static const char *scratch(const char *name)
{
    static char dir[256], path[512];
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/test_timeline.XXXXXX", t && *t ? t : "/tmp");
        assert_non_null(mkdtemp(dir));
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

/* Loads the trace at `path` in a child process; returns the largest
 * resident set (KiB) of any child so far, after checking that the child
 * loaded it. */
static long load_in_child(const char *path)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct tl_model m;
        char err[512];
        int rc = tl_load(path, &m, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "child: %s\n", err);
        else
            tl_free(&m);
        _exit(rc == 0 ? 0 : 1);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        print_error("loading %s in a child: status 0x%x\n", path, st);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
    return ru.ru_maxrss;
}

/* The same little run twice: with small ids, and with pids, cores and
 * ports at the ends of their ranges (the pid 2^25 + 1 alone made the old
 * model reserve and clear 512 MiB; pid 2^32 - 1, 32 GiB). */
static void huge_ids_take_memory_for_the_ids_seen(void **state)
{
    (void)state;
    for (int huge = 0; huge < 2; huge++) {
        uint32_t a = huge ? (1u << 25) + 1 : 1, b = huge ? UINT32_MAX : 2,
                 c = huge ? UINT32_MAX - 1 : 3, core = huge ? UINT32_MAX : 1;
        uint64_t p1 = huge ? UINT64_MAX : 5, p2 = huge ? 1ull << 40 : 6;
        struct trc_event e[] = {
            {10, 0, TRC_EV_BOOT, 0, {1, huge ? UINT64_MAX : 2, 0, 0}},
            {20, core, TRC_EV_PROC_CREATE, a, {1, 'a', 0, 0}},
            {30, 0, TRC_EV_PROC_CREATE, b, {1, 'b', 0, 0}},
            {40, 0, TRC_EV_PROC_CREATE, c, {1, 'c', 0, 0}},
            {50, 0, TRC_EV_SCHED_SWITCH, a, {0, TRC_SWITCH_START, 0, 0}},
            {60, core, TRC_EV_IPC_SEND, a, {p1, 7, TRC_IPC_QUEUED, 0}},
            {70, 0, TRC_EV_IPC_SEND, a, {p2, 8, TRC_IPC_QUEUED, 0}},
            {80, 0, TRC_EV_SCHED_SWITCH, b, {a, TRC_SWITCH_BLOCK, 0, 0}},
            {90, 0, TRC_EV_IPC_RECV, b, {p1, 7, TRC_IPC_FROM_QUEUE, (uint64_t)a << 32}},
            {100, 0, TRC_EV_IPC_RECV, c, {p2, 8, TRC_IPC_FROM_QUEUE, (uint64_t)a << 32}},
            {110, 0, TRC_EV_IPC_REPLY, b, {a, 9, TRC_IPC_DIRECT, 0}},
            {120, core, TRC_EV_CAP_LOOKUP, b, {1, 1, 0, 0}},
            {130, 0, TRC_EV_NOTIFY, c, {1, 0x10, b, 0}},
            {140, 0, TRC_EV_PORT_CLOSE, b, {p2, 0, 0, 0}},
            {150, 0, TRC_EV_SCHED_SWITCH, a, {b, TRC_SWITCH_PREEMPT, 0, 0}},
        };
        const char *path = scratch(huge ? "huge.trace" : "small.trace");
        write_trace(path, e, sizeof e / sizeof e[0]);
        /* what the model holds: the same either way */
        struct tl_model m;
        char err[512];
        assert_int_equal(tl_load(path, &m, err, sizeof err), 0);
        assert_int_equal(m.nlanes, 5); /* two cores seen, three processes */
        size_t la = tl_lane_of(&m, a), lb = tl_lane_of(&m, b), lc = tl_lane_of(&m, c);
        assert_true(la != SIZE_MAX && lb != SIZE_MAX && lc != SIZE_MAX);
        assert_string_equal(m.lanes[lb].name, "b");
        char name[64];
        snprintf(name, sizeof name, "kernel core %u", core);
        assert_string_equal(m.lanes[1].name, name);
        assert_int_equal(tl_state_at(&m.lanes[1], 25, NULL), TL_BUSY); /* a core the boot counted */
        assert_int_equal(m.nmsgs, 4); /* two sends, the reply, the notification */
        assert_int_equal(m.msgs[0].to, lb);
        assert_int_equal(m.msgs[0].received, 90);
        assert_int_equal(m.msgs[1].to, lc);
        assert_int_equal(m.msgs[1].received, 100);
        assert_true(m.msgs[2].reply);
        assert_int_equal(m.msgs[2].to, la);
        assert_int_equal(m.msgs[2].received, 150);
        assert_int_equal(m.msgs[3].kind, TL_NOTIFY);
        tl_free(&m);
    }
    /* and the memory it took, in a child each: the huge ids cost nothing
     * more than the small ones (16 MiB is noise; the old model took 512
     * MiB for the first pid, then ran out of memory) */
    long small = load_in_child(scratch("small.trace"));
    long huge = load_in_child(scratch("huge.trace"));
    if (huge - small > 16 * 1024)
        print_error("peak RSS %ld KiB with huge ids, %ld KiB with small ones\n", huge, small);
    assert_true(huge - small <= 16 * 1024);
    unlink(scratch("small.trace"));
    unlink(scratch("huge.trace"));
    rmdir(scratch(""));
}

/* The model's work (map nodes visited, queue steps) for n queued sends
 * on one port and their receives: pattern 0, one sender, received in
 * order; pattern 1, n senders, received newest sender first (the old
 * model scanned and shifted the port's whole queue per receive). */
static uint64_t pairing_work(size_t n, int pattern)
{
    struct tl_model m;
    tl_init(&m);
    uint64_t t = 1;
    struct trc_event boot = {t++, 0, TRC_EV_BOOT, 0, {1, 1, 0, 0}};
    assert_int_equal(tl_add(&m, &boot), 0);
    size_t senders = pattern ? n : 1;
    for (size_t i = 0; i <= senders; i++) { /* pid 1 receives; 2.. send */
        struct trc_event e = {t++, 0, TRC_EV_PROC_CREATE, (uint32_t)(i + 1), {1, 'p', 0, 0}};
        assert_int_equal(tl_add(&m, &e), 0);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t pid = (uint32_t)(2 + (pattern ? i : 0));
        struct trc_event e = {t++, 0, TRC_EV_IPC_SEND, pid, {5, i, TRC_IPC_QUEUED, 0}};
        assert_int_equal(tl_add(&m, &e), 0);
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t pid = pattern ? 2 + (n - 1 - i) : 2;
        struct trc_event e = {t++, 0, TRC_EV_IPC_RECV, 1, {5, 0, TRC_IPC_FROM_QUEUE, pid << 32}};
        assert_int_equal(tl_add(&m, &e), 0);
    }
    assert_int_equal(tl_finish(&m, t), 0);
    assert_int_equal(m.nmsgs, n); /* every one paired */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(m.msgs[i].from, m.msgs[0].from + (pattern ? i : 0));
    if (pattern == 0) /* in order: the k-th receive gets the k-th send */
        for (size_t i = 1; i < n; i++)
            assert_true(m.msgs[i].received > m.msgs[i - 1].received);
    uint64_t work = m.work;
    tl_free(&m);
    return work;
}

/* Eight times the pending sends cost at most twice eight times the work
 * (n log n; n^2 would be 64 times). Counted, not timed. */
static void pairing_is_n_log_n(void **state)
{
    (void)state;
    for (int pattern = 0; pattern < 2; pattern++) {
        uint64_t w1 = pairing_work(2000, pattern), w8 = pairing_work(16000, pattern);
        if (w8 > 16 * w1)
            print_error("pattern %d: work %llu for 2000 sends, %llu for 16000\n", pattern,
                        (unsigned long long)w1, (unsigned long long)w8);
        assert_true(w1 > 0);
        assert_true(w8 <= 16 * w1);
    }
}

/* A trace whose cycles go back (a delta that wraps around 2^64): the
 * model stays sorted, the later event counted at the earlier's cycle. */
static void cycles_never_go_back(void **state)
{
    (void)state;
    struct tl_model m;
    tl_init(&m);
    struct trc_event e[] = {
        {10, 0, TRC_EV_BOOT, 0, {1, 1, 0, 0}},
        {20, 0, TRC_EV_PROC_CREATE, 1, {1, 'a', 0, 0}},
        {UINT64_MAX - 5, 0, TRC_EV_SCHED_SWITCH, 1, {0, TRC_SWITCH_START, 0, 0}},
        {30, 0, TRC_EV_CAP_LOOKUP, 1, {1, 1, 0, 0}},
        {40, 0, TRC_EV_IPC_SEND, 1, {5, 1, TRC_IPC_QUEUED, 0}},
        {50, 0, TRC_EV_IPC_RECV, 1, {5, 1, TRC_IPC_FROM_QUEUE, 1ull << 32}},
        {60, 0, TRC_EV_IPC_BLOCK, 1, {5, 0, 0, 0}},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        assert_int_equal(tl_add(&m, &e[i]), 0);
    assert_int_equal(tl_finish(&m, 0), 0);
    assert_int_equal(m.end, UINT64_MAX - 5);
    for (size_t i = 0; i < m.nlanes; i++)
        for (size_t j = 1; j < m.lanes[i].n; j++)
            assert_true(m.lanes[i].at[j] > m.lanes[i].at[j - 1]);
    for (size_t i = 1; i < m.nmarks; i++)
        assert_true(m.marks[i].at >= m.marks[i - 1].at);
    assert_int_equal(m.nmsgs, 1);
    assert_true(m.msgs[0].received >= m.msgs[0].sent);
    assert_int_equal(tl_state_at(&m.lanes[1], UINT64_MAX - 5, NULL), TL_BLOCKED);
    tl_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lanes_follow_the_scheduler_and_ipc),
        cmocka_unit_test(messages_pair_with_their_receive),
        cmocka_unit_test(marks_count_in_ranges),
        cmocka_unit_test(odd_events_are_survived),
        cmocka_unit_test(a_reused_port_id_starts_empty),
        cmocka_unit_test(kernel_time_is_split_from_user_time),
        cmocka_unit_test(kernel_stretches_carry_their_phases),
        cmocka_unit_test(a_process_resumed_without_a_switch_runs),
        cmocka_unit_test(a_server_inherits_its_callers_priority),
        cmocka_unit_test(a_dropped_call_is_never_received),
        cmocka_unit_test(two_cores_have_their_lanes_and_cross_arrows),
        cmocka_unit_test(undelivered_messages_are_marked_at_their_send),
        cmocka_unit_test(huge_ids_take_memory_for_the_ids_seen),
        cmocka_unit_test(pairing_is_n_log_n),
        cmocka_unit_test(cycles_never_go_back),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
