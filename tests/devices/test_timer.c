/* tests/devices/test_timer.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "abi/devregs.h"
#include "devices/timer.h"

static uint64_t fake_now;

static uint64_t now(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static void arm(struct dev_timer *t, uint64_t deadline)
{
    dev_timer_ops.write(t, TIMER_CMP_LO, (uint32_t)deadline);
    dev_timer_ops.write(t, TIMER_CMP_HI, (uint32_t)(deadline >> 32));
}

static void reads_the_clock_in_halves(void **state)
{
    (void)state;
    struct dev_timer t;
    dev_timer_init(&t, now, NULL);
    fake_now = 0x123456789abcULL;
    assert_int_equal(dev_timer_ops.read(&t, TIMER_NOW_LO), 0x56789abcu);
    assert_int_equal(dev_timer_ops.read(&t, TIMER_NOW_HI), 0x1234u);
}

static void line_rises_at_the_deadline_and_stays_until_ack(void **state)
{
    (void)state;
    struct dev_timer t;
    fake_now = 100;
    dev_timer_init(&t, now, NULL);
    assert_int_equal(dev_timer_deadline(&t), DEV_TIMER_NEVER);
    arm(&t, 0x100000500ULL);
    assert_int_equal(dev_timer_deadline(&t), 0x100000500ULL);
    assert_int_equal(dev_timer_ops.read(&t, TIMER_CMP_HI), 1);
    assert_int_equal(dev_timer_ops.read(&t, TIMER_CMP_LO), 0x500);
    assert_false(dev_timer_update(&t, 0x1000004ffULL));
    assert_int_equal(dev_timer_ops.read(&t, TIMER_CTRL), TIMER_CTRL_ARMED);
    assert_true(dev_timer_update(&t, 0x100000500ULL));
    /* the line is up: its deadline stays, so the machine stops the core */
    assert_int_equal(dev_timer_deadline(&t), 0x100000500ULL);
    fake_now = 0x100000600ULL;
    assert_int_equal(dev_timer_ops.read(&t, TIMER_CTRL), TIMER_CTRL_ARMED | TIMER_CTRL_PENDING);
    assert_int_equal(t.fired, 1);
    dev_timer_ops.write(&t, TIMER_CTRL, TIMER_CTRL_ACK);
    assert_int_equal(dev_timer_ops.read(&t, TIMER_CTRL), 0);
    assert_int_equal(dev_timer_deadline(&t), DEV_TIMER_NEVER);
    assert_false(dev_timer_update(&t, UINT64_MAX)); /* disarmed: never again */
    assert_int_equal(t.fired, 1);
}

static void a_deadline_in_the_past_fires_at_once(void **state)
{
    (void)state;
    struct dev_timer t;
    fake_now = 5000;
    dev_timer_init(&t, now, NULL);
    arm(&t, 10);
    assert_true(t.pending);
    assert_int_equal(t.fired, 1);
    /* the machine lowers the core's deadline to this: deliver now (a
     * pending line that reported "never" let the interrupt wait for the
     * end of the board's slice, up to a million cycles) */
    assert_int_equal(dev_timer_deadline(&t), 10);
    assert_int_equal(t.rose_at, 5000); /* it rose when written, not at 10 */
}

static void rearming_lowers_the_line(void **state)
{
    (void)state;
    struct dev_timer t;
    fake_now = 50;
    dev_timer_init(&t, now, NULL);
    arm(&t, 40);
    assert_true(t.pending);
    arm(&t, 80);
    assert_false(t.pending);
    assert_false(dev_timer_update(&t, 79));
    assert_true(dev_timer_update(&t, 95)); /* noticed late: it rose at 80 */
    assert_int_equal(t.fired, 2);
    assert_int_equal(t.rose_at, 80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_clock_in_halves),
        cmocka_unit_test(line_rises_at_the_deadline_and_stays_until_ack),
        cmocka_unit_test(a_deadline_in_the_past_fires_at_once),
        cmocka_unit_test(rearming_lowers_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
