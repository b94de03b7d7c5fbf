/* tests/devices/test_uart.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abi/devregs.h"
#include "devices/uart.h"

struct sink {
    char buf[64];
    size_t n;
};

static void collect(void *ctx, uint8_t b)
{
    struct sink *s = ctx;
    s->buf[s->n++] = (char)b;
}

static void data_writes_reach_the_sink_in_order(void **state)
{
    (void)state;
    struct sink s = {0};
    struct dev_uart u;
    dev_uart_init(&u, collect, &s);
    const char *msg = "hi\n";
    for (size_t i = 0; i < strlen(msg); i++)
        dev_uart_ops.write(&u, UART_DATA, (uint8_t)msg[i] | 0xabcd00u);
    assert_int_equal(s.n, 3);
    assert_memory_equal(s.buf, "hi\n", 3);
    assert_int_equal(u.bytes, 3);
}

static void other_offsets_do_not_print(void **state)
{
    (void)state;
    struct sink s = {0};
    struct dev_uart u;
    dev_uart_init(&u, collect, &s);
    dev_uart_ops.write(&u, UART_STATUS, 'x');
    dev_uart_ops.write(&u, 0x800, 'y');
    assert_int_equal(s.n, 0);
    assert_int_equal(u.bytes, 0);
}

static void status_says_ready_and_unknown_reads_zero(void **state)
{
    (void)state;
    struct dev_uart u;
    dev_uart_init(&u, NULL, NULL);
    assert_int_equal(dev_uart_ops.read(&u, UART_STATUS), UART_STATUS_TX_READY);
    assert_int_equal(dev_uart_ops.read(&u, UART_DATA), 0);
    assert_int_equal(dev_uart_ops.read(&u, 0xffc), 0);
    dev_uart_ops.write(&u, UART_DATA, 'z'); /* no sink: dropped, counted */
    assert_int_equal(u.bytes, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(data_writes_reach_the_sink_in_order),
        cmocka_unit_test(other_offsets_do_not_print),
        cmocka_unit_test(status_says_ready_and_unknown_reads_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
