/* tests/ipc/test_port.c: ports: queue, waiters, close, filters, rate
 * limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ipc/port.h"

static struct ipc_msgnode nodes[IPC_PORT_DEPTH + 8];
static struct ipc_msgpool pool;

/* A fresh pool of n nodes for each test. */
static struct ipc_msgpool *pool_of(uint32_t n)
{
    ipc_msgpool_init(&pool);
    ipc_msgpool_add(&pool, nodes, n);
    return &pool;
}

static struct ipc_msg msg(uint32_t opcode, uint32_t len, uint8_t fill)
{
    struct ipc_msg m;
    memset(&m, 0, sizeof m);
    m.opcode = opcode;
    m.len = len;
    memset(m.data, fill, len <= IPC_MSG_MAX ? len : IPC_MSG_MAX);
    return m;
}

static void init_rejects_bad_arguments(void **state)
{
    (void)state;
    struct ipc_port p;
    assert_int_equal(ipc_port_init(&p, 1, pool_of(4), 0), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_port_init(&p, 1, NULL, 4), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_port_init(&p, 1, pool_of(4), 65537), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_port_init(NULL, 1, pool_of(4), 4), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_port_init(&p, 7, pool_of(4), 4), IPC_OK);
    assert_int_equal(p.id, 7);
    assert_false(p.closed);
    assert_null(ipc_port_peek(&p));
}

static void the_queue_is_fifo_bounded_and_wraps(void **state)
{
    (void)state;
    struct ipc_port p;
    assert_int_equal(ipc_port_init(&p, 1, pool_of(IPC_PORT_DEPTH + 8), 3), IPC_OK);
    struct ipc_msg out;
    struct ipc_waiter *woken = (void *)1;
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_ERR_WOULD_BLOCK);
    assert_null(woken);
    for (uint32_t round = 0; round < 5; round++) {
        for (uint32_t i = 0; i < 3; i++) {
            struct ipc_msg m = msg(round * 10 + i, 5, (uint8_t)i);
            assert_int_equal(ipc_port_enqueue(&p, &m), IPC_OK);
        }
        struct ipc_msg extra = msg(99, 1, 0);
        assert_int_equal(ipc_port_enqueue(&p, &extra), IPC_ERR_PORT_FULL);
        assert_int_equal(ipc_port_peek(&p)->opcode, round * 10);
        for (uint32_t i = 0; i < 3; i++) {
            assert_int_equal(ipc_port_dequeue(&p, &out, NULL), IPC_OK);
            assert_int_equal(out.opcode, round * 10 + i);
            assert_int_equal(out.len, 5);
            assert_int_equal(out.data[4], i);
        }
    }
    assert_int_equal(p.enqueued, 15);
    assert_int_equal(p.dequeued, 15);
}

static void the_default_depth_is_1024(void **state)
{
    (void)state;
    struct ipc_port p;
    assert_int_equal(ipc_port_init(&p, 1, pool_of(IPC_PORT_DEPTH + 8), IPC_PORT_DEPTH), IPC_OK);
    struct ipc_msg m = msg(1, IPC_MSG_MAX, 0xab);
    for (unsigned i = 0; i < 1024; i++) {
        m.opcode = i;
        assert_int_equal(ipc_port_enqueue(&p, &m), IPC_OK);
    }
    assert_int_equal(ipc_port_enqueue(&p, &m), IPC_ERR_PORT_FULL);
    struct ipc_msg out;
    assert_int_equal(ipc_port_dequeue(&p, &out, NULL), IPC_OK);
    assert_int_equal(out.opcode, 0);
    assert_int_equal(out.data[IPC_MSG_MAX - 1], 0xab);
    assert_int_equal(ipc_port_discard(&p, NULL), IPC_OK);
    assert_int_equal(ipc_port_peek(&p)->opcode, 2);
}

static void receivers_are_taken_in_fifo_order(void **state)
{
    (void)state;
    struct ipc_port p;
    struct ipc_waiter w[3];
    struct ipc_msg bufs[3];
    memset(w, 0, sizeof w);
    assert_int_equal(ipc_port_init(&p, 1, pool_of(IPC_PORT_DEPTH + 8), 4), IPC_OK);
    assert_null(ipc_port_take_receiver(&p));
    for (int i = 0; i < 3; i++) {
        w[i].pid = 10 + i;
        assert_int_equal(ipc_port_wait(&p, &w[i], IPC_WAIT_RECV, &bufs[i]), IPC_OK);
        assert_ptr_equal(w[i].port, &p);
    }
    assert_int_equal(ipc_port_wait(&p, &w[1], IPC_WAIT_RECV, &bufs[1]), IPC_ERR_INVALID_ARG);
    assert_int_equal(p.receivers.count, 3);
    ipc_port_cancel(&w[1]); /* from the middle: a timeout */
    ipc_port_cancel(&w[1]); /* twice: no effect */
    assert_null(w[1].port);
    assert_int_equal(p.receivers.count, 2);
    struct ipc_waiter *a = ipc_port_take_receiver(&p), *b = ipc_port_take_receiver(&p);
    assert_ptr_equal(a, &w[0]);
    assert_ptr_equal(b, &w[2]);
    assert_ptr_equal(a->msg, &bufs[0]);
    assert_null(a->port);
    assert_null(ipc_port_take_receiver(&p));
    assert_int_equal(ipc_port_wait(&p, &w[0], IPC_WAIT_NONE, &bufs[0]), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_port_wait(&p, &w[0], IPC_WAIT_RECV, NULL), IPC_ERR_INVALID_ARG);
}

/* A sender parked on a full queue gets its message in when room is made. */
static void a_parked_sender_enters_when_room_is_made(void **state)
{
    (void)state;
    struct ipc_port p;
    assert_int_equal(ipc_port_init(&p, 1, pool_of(IPC_PORT_DEPTH + 8), 2), IPC_OK);
    struct ipc_msg m1 = msg(1, 1, 1), m2 = msg(2, 1, 2), m3 = msg(3, 3, 3), m4 = msg(4, 1, 4);
    assert_int_equal(ipc_port_enqueue(&p, &m1), IPC_OK);
    assert_int_equal(ipc_port_enqueue(&p, &m2), IPC_OK);
    assert_int_equal(ipc_port_enqueue(&p, &m3), IPC_ERR_PORT_FULL);
    struct ipc_waiter s3 = {.pid = 3}, s4 = {.pid = 4};
    assert_int_equal(ipc_port_wait(&p, &s3, IPC_WAIT_SEND, &m3), IPC_OK);
    assert_int_equal(ipc_port_wait(&p, &s4, IPC_WAIT_SEND, &m4), IPC_OK);
    struct ipc_msg out;
    struct ipc_waiter *woken;
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_OK);
    assert_int_equal(out.opcode, 1);
    assert_ptr_equal(woken, &s3);
    assert_int_equal(s3.status, IPC_OK);
    assert_null(s3.port);
    assert_int_equal(ipc_port_discard(&p, &woken), IPC_OK); /* drops m2 */
    assert_ptr_equal(woken, &s4);
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_OK);
    assert_int_equal(out.opcode, 3);
    assert_int_equal(out.len, 3);
    assert_null(woken);
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_OK);
    assert_int_equal(out.opcode, 4);
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_ERR_WOULD_BLOCK);
}

static struct ipc_waiter *wake_order[8];
static int nwoken;

static void record_wake(void *ctx, struct ipc_waiter *w)
{
    (void)ctx;
    wake_order[nwoken++] = w;
}

static void closing_wakes_every_waiter_with_port_closed(void **state)
{
    (void)state;
    struct ipc_port p;
    assert_int_equal(ipc_port_init(&p, 1, pool_of(IPC_PORT_DEPTH + 8), 1), IPC_OK);
    struct ipc_msg m = msg(1, 1, 1), bufs[2];
    assert_int_equal(ipc_port_enqueue(&p, &m), IPC_OK);
    struct ipc_waiter s = {.pid = 1}, r1 = {.pid = 2}, r2 = {.pid = 3};
    assert_int_equal(ipc_port_wait(&p, &s, IPC_WAIT_SEND, &m), IPC_OK);
    assert_int_equal(ipc_port_wait(&p, &r1, IPC_WAIT_RECV, &bufs[0]), IPC_OK);
    assert_int_equal(ipc_port_wait(&p, &r2, IPC_WAIT_RECV, &bufs[1]), IPC_OK);
    nwoken = 0;
    assert_int_equal(ipc_port_close(&p, record_wake, NULL), 3);
    assert_int_equal(nwoken, 3);
    assert_ptr_equal(wake_order[0], &r1);
    assert_ptr_equal(wake_order[1], &r2);
    assert_ptr_equal(wake_order[2], &s);
    assert_int_equal(r1.status, IPC_ERR_PORT_CLOSED);
    assert_int_equal(s.status, IPC_ERR_PORT_CLOSED);
    assert_null(s.port);
    struct ipc_msg out;
    assert_int_equal(ipc_port_enqueue(&p, &m), IPC_ERR_PORT_CLOSED);
    assert_int_equal(ipc_port_dequeue(&p, &out, NULL), IPC_ERR_PORT_CLOSED);
    assert_int_equal(ipc_port_admit(&p, &m, 0), IPC_ERR_PORT_CLOSED);
    assert_int_equal(ipc_port_wait(&p, &r1, IPC_WAIT_RECV, &bufs[0]), IPC_ERR_PORT_CLOSED);
    assert_int_equal(ipc_port_close(&p, NULL, NULL), 0);
}

static void filters_refuse_types_and_sizes(void **state)
{
    (void)state;
    struct ipc_port p;
    assert_int_equal(ipc_port_init(&p, 1, pool_of(IPC_PORT_DEPTH + 8), 4), IPC_OK);
    struct ipc_msg big = msg(1, IPC_MSG_MAX + 1, 0), ok = msg(63, IPC_MSG_MAX, 0);
    assert_int_equal(ipc_port_admit(&p, &big, 0), IPC_ERR_MSG_TOO_LARGE);
    assert_int_equal(ipc_port_admit(&p, &ok, 0), IPC_OK);
    assert_int_equal(ipc_port_set_filter(&p, (1ULL << 3) | (1ULL << 63), 0, 16), IPC_OK);
    struct ipc_msg t3 = msg(3, 16, 0), t4 = msg(4, 1, 0), t63 = msg(63, 0, 0), t64 = msg(64, 0, 0),
                   t3big = msg(3, 17, 0);
    assert_int_equal(ipc_port_admit(&p, &t3, 0), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &t63, 0), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &t4, 0), IPC_ERR_FILTERED);
    assert_int_equal(ipc_port_admit(&p, &t64, 0), IPC_ERR_FILTERED);
    assert_int_equal(ipc_port_admit(&p, &t3big, 0), IPC_ERR_MSG_TOO_LARGE);
    assert_int_equal(p.refused, 4);
    struct ipc_msg caps = msg(3, 1, 0);
    caps.ncaps = IPC_MSG_CAPS + 1;
    assert_int_equal(ipc_port_admit(&p, &caps, 0), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_port_set_filter(&p, 0, 0, IPC_MSG_MAX + 1), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_port_set_filter(&p, 0, 0x80, 8), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_port_set_filter(&p, 0, IPC_FILTER_ANY, 8), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &t64, 0), IPC_OK);
}

/* One token per 100 cycles, bursts of 2. */
static void the_rate_limit_is_a_token_bucket_in_cycles(void **state)
{
    (void)state;
    struct ipc_port p;
    assert_int_equal(ipc_port_init(&p, 1, pool_of(IPC_PORT_DEPTH + 8), 4), IPC_OK);
    assert_int_equal(ipc_port_set_rate(&p, 100, 0, 0), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_port_set_rate(&p, 100, 2, 1000), IPC_OK);
    struct ipc_msg m = msg(1, 1, 0);
    assert_int_equal(ipc_port_admit(&p, &m, 1000), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &m, 1000), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &m, 1000), IPC_ERR_RATE_LIMITED);
    assert_int_equal(ipc_port_admit(&p, &m, 1099), IPC_ERR_RATE_LIMITED);
    assert_int_equal(ipc_port_admit(&p, &m, 1100), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &m, 1150), IPC_ERR_RATE_LIMITED);
    /* 1100 -> 1250: one token earned, the 50 cycles left over count on. */
    assert_int_equal(ipc_port_admit(&p, &m, 1250), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &m, 1250), IPC_ERR_RATE_LIMITED);
    assert_int_equal(ipc_port_admit(&p, &m, 1300), IPC_OK);
    /* The bucket is full (2) at 1500; time spent full earns nothing: after
     * taking both at 1550, the next token comes at 1650. */
    assert_int_equal(ipc_port_admit(&p, &m, 1550), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &m, 1550), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &m, 1550), IPC_ERR_RATE_LIMITED);
    assert_int_equal(ipc_port_admit(&p, &m, 1649), IPC_ERR_RATE_LIMITED);
    assert_int_equal(ipc_port_admit(&p, &m, 1650), IPC_OK);
    /* A long quiet spell saves no more than the burst. */
    assert_int_equal(ipc_port_admit(&p, &m, 1000000), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &m, 1000000), IPC_OK);
    assert_int_equal(ipc_port_admit(&p, &m, 1000000), IPC_ERR_RATE_LIMITED);
    /* A refused message does not take a token from a later one. */
    struct ipc_msg filtered = msg(1, IPC_MSG_MAX + 1, 0);
    assert_int_equal(ipc_port_admit(&p, &filtered, 1000100), IPC_ERR_MSG_TOO_LARGE);
    assert_int_equal(ipc_port_admit(&p, &m, 1000100), IPC_OK);
    assert_int_equal(ipc_port_set_rate(&p, 0, 0, 0), IPC_OK); /* unlimited again */
    for (int i = 0; i < 100; i++)
        assert_int_equal(ipc_port_admit(&p, &m, 1000100), IPC_OK);
}

/* Ports share the pool: a port below its capacity still gets NoMemory
 * when the pool is empty, and nodes come back on dequeue and close. */
static void ports_share_one_message_pool(void **state)
{
    (void)state;
    struct ipc_port a, b;
    struct ipc_msgpool *pl = pool_of(3);
    assert_int_equal(ipc_port_init(&a, 1, pl, 1024), IPC_OK);
    assert_int_equal(ipc_port_init(&b, 2, pl, 1024), IPC_OK);
    struct ipc_msg m = msg(1, 1, 0);
    assert_int_equal(ipc_port_enqueue(&a, &m), IPC_OK);
    assert_int_equal(ipc_port_enqueue(&a, &m), IPC_OK);
    assert_int_equal(ipc_port_enqueue(&b, &m), IPC_OK);
    assert_int_equal(pl->nfree, 0);
    assert_int_equal(ipc_port_enqueue(&b, &m), IPC_ERR_NO_MEMORY);
    assert_int_equal(ipc_port_dequeue(&a, NULL, NULL), IPC_OK);
    assert_int_equal(pl->nfree, 1);
    assert_int_equal(ipc_port_enqueue(&b, &m), IPC_OK);
    assert_int_equal(ipc_port_close(&b, NULL, NULL), 0);
    assert_int_equal(pl->nfree, 2);
    assert_int_equal(a.count, 1);
}

static bool from_sender(const struct ipc_msg *m, const void *arg)
{
    return m->sender == *(const uint32_t *)arg;
}

static void matching_messages_leave_and_let_parked_ones_in(void **state)
{
    (void)state;
    struct ipc_port p;
    assert_int_equal(ipc_port_init(&p, 1, pool_of(IPC_PORT_DEPTH + 8), 3), IPC_OK);
    struct ipc_msg a1 = msg(1, 1, 1), b = msg(2, 1, 2), a2 = msg(3, 1, 3), c = msg(4, 1, 4),
                   d = msg(5, 1, 5);
    a1.sender = a2.sender = 1;
    b.sender = 2;
    c.sender = 3;
    d.sender = 4;
    assert_int_equal(ipc_port_enqueue(&p, &a1), IPC_OK);
    assert_int_equal(ipc_port_enqueue(&p, &b), IPC_OK);
    assert_int_equal(ipc_port_enqueue(&p, &a2), IPC_OK);
    /* two senders park on the full queue */
    struct ipc_waiter sc = {.pid = 3}, sd = {.pid = 4};
    assert_int_equal(ipc_port_wait(&p, &sc, IPC_WAIT_SEND, &c), IPC_OK);
    assert_int_equal(ipc_port_wait(&p, &sd, IPC_WAIT_SEND, &d), IPC_OK);
    nwoken = 0;
    uint32_t who = 1;
    /* sender 1's messages go, and both parked senders come in */
    assert_int_equal(ipc_port_remove(&p, from_sender, &who, record_wake, NULL), 2);
    assert_int_equal(nwoken, 2);
    assert_ptr_equal(wake_order[0], &sc);
    assert_ptr_equal(wake_order[1], &sd);
    assert_int_equal(sc.status, IPC_OK);
    assert_null(sc.port);
    assert_int_equal(p.count, 3);
    /* the rest keep their order; the tail is right (a new message goes last) */
    struct ipc_msg e = msg(6, 1, 6), out;
    struct ipc_waiter *woken;
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_OK);
    assert_int_equal(out.opcode, 2);
    assert_int_equal(ipc_port_enqueue(&p, &e), IPC_OK);
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_OK);
    assert_int_equal(out.opcode, 4);
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_OK);
    assert_int_equal(out.opcode, 5);
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_OK);
    assert_int_equal(out.opcode, 6);
    /* removing the last message leaves an empty queue a message can enter */
    assert_int_equal(ipc_port_enqueue(&p, &e), IPC_OK);
    who = 0;
    assert_int_equal(ipc_port_remove(&p, from_sender, &who, NULL, NULL), 1);
    assert_null(ipc_port_peek(&p));
    assert_int_equal(ipc_port_enqueue(&p, &b), IPC_OK);
    assert_int_equal(ipc_port_dequeue(&p, &out, &woken), IPC_OK);
    assert_int_equal(out.opcode, 2);
    /* nothing matches: nothing moves */
    who = 7;
    assert_int_equal(ipc_port_remove(&p, from_sender, &who, record_wake, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_rejects_bad_arguments),
        cmocka_unit_test(the_queue_is_fifo_bounded_and_wraps),
        cmocka_unit_test(the_default_depth_is_1024),
        cmocka_unit_test(receivers_are_taken_in_fifo_order),
        cmocka_unit_test(a_parked_sender_enters_when_room_is_made),
        cmocka_unit_test(closing_wakes_every_waiter_with_port_closed),
        cmocka_unit_test(filters_refuse_types_and_sizes),
        cmocka_unit_test(the_rate_limit_is_a_token_bucket_in_cycles),
        cmocka_unit_test(ports_share_one_message_pool),
        cmocka_unit_test(matching_messages_leave_and_let_parked_ones_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
