/* tests/ipc/test_notify.c: notifications: signal word, wait, poll. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ipc/notify.h"

static void bits_accumulate_until_polled(void **state)
{
    (void)state;
    struct ipc_notif n;
    ipc_notif_init(&n, 3);
    uint64_t taken = 99;
    assert_null(ipc_notif_signal(&n, 0x1, &taken));
    assert_null(ipc_notif_signal(&n, 0x4, &taken));
    assert_null(ipc_notif_signal(&n, 0x1, &taken));
    assert_int_equal(taken, 99); /* untouched: nobody waited */
    assert_int_equal(ipc_notif_poll(&n), 0x5);
    assert_int_equal(ipc_notif_poll(&n), 0);
    assert_int_equal(n.signals, 3);
    assert_int_equal(n.takes, 1);
    /* Bit 63 never shows: results stay non-negative. */
    assert_null(ipc_notif_signal(&n, ~0ULL, &taken));
    assert_int_equal(ipc_notif_poll(&n), IPC_NOTIFY_BITS);
}

static void a_waiter_takes_the_whole_word_in_fifo_order(void **state)
{
    (void)state;
    struct ipc_notif n;
    ipc_notif_init(&n, 1);
    struct ipc_waiter a = {.pid = 1}, b = {.pid = 2};
    assert_int_equal(ipc_notif_wait(&n, &a), IPC_OK);
    assert_int_equal(ipc_notif_wait(&n, &b), IPC_OK);
    assert_int_equal(ipc_notif_wait(&n, &a), IPC_ERR_INVALID_ARG);
    uint64_t taken = 0;
    assert_null(ipc_notif_signal(&n, 0, &taken)); /* no bits: nobody wakes */
    assert_ptr_equal(ipc_notif_signal(&n, 0x30, &taken), &a);
    assert_int_equal(taken, 0x30);
    assert_null(a.notif);
    assert_int_equal(n.word, 0);
    ipc_notif_cancel(&b); /* b times out */
    assert_null(b.notif);
    assert_int_equal(n.waiters.count, 0);
    assert_null(ipc_notif_signal(&n, 0x2, &taken));
    assert_int_equal(ipc_notif_poll(&n), 0x2);
    ipc_notif_cancel(&b); /* not parked: no effect */
}

static void a_waiter_on_a_port_cannot_wait_here(void **state)
{
    (void)state;
    struct ipc_notif n;
    ipc_notif_init(&n, 1);
    struct ipc_port p;
    struct ipc_waiter w = {.port = &p};
    assert_int_equal(ipc_notif_wait(&n, &w), IPC_ERR_INVALID_ARG);
    assert_int_equal(ipc_notif_wait(&n, NULL), IPC_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bits_accumulate_until_polled),
        cmocka_unit_test(a_waiter_takes_the_whole_word_in_fifo_order),
        cmocka_unit_test(a_waiter_on_a_port_cannot_wait_here),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
