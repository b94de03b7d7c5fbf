/* tests/devices/test_timer.c: the one-shot timer (deadline, line, ack,
 * re-arming) and the banked window of several cores (each core's own
 * comparator, clock and line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "abi/devregs.h"
#include "devices/intc.h"
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

/* Two cores' clocks and which of them accesses the bank. */
static uint64_t core_clock[2];
static unsigned accessing;

static uint64_t core_now(void *ctx)
{
    return core_clock[*(const unsigned *)ctx];
}

static unsigned who(void *ctx)
{
    (void)ctx;
    return accessing;
}

/* Writes `v` to the bank's register `off` as core `k`. */
static void bank_wr(struct dev_timer_bank *b, unsigned k, uint64_t off, uint32_t v)
{
    accessing = k;
    dev_timer_bank_ops.write(b, off, v);
}

/* Reads the bank's register `off` as core `k`. */
static uint32_t bank_rd(struct dev_timer_bank *b, unsigned k, uint64_t off)
{
    accessing = k;
    return dev_timer_bank_ops.read(b, off);
}

static void each_core_has_its_own_comparator_clock_and_line(void **state)
{
    (void)state;
    static const unsigned ids[2] = {0, 1};
    struct dev_timer_bank b;
    struct dev_intc ic;
    dev_intc_init(&ic);
    dev_intc_set_targets(&ic, 2);
    dev_intc_ops.write(&ic, INTC_TGT_ENABLE(0), 1u << INTC_LINE_TIMER);
    dev_intc_ops.write(&ic, INTC_TGT_ENABLE(1), 1u << INTC_LINE_TIMER);
    dev_timer_bank_init(&b, 2, who, NULL);
    for (unsigned k = 0; k < 2; k++) {
        dev_timer_init(&b.t[k], core_now, (void *)&ids[k]);
        b.t[k].irq = dev_intc_target_irq(&ic, k, INTC_LINE_TIMER);
    }
    core_clock[0] = 1000;
    core_clock[1] = 0x200000007ULL;
    /* NOW reads the accessing core's own clock */
    assert_int_equal(bank_rd(&b, 0, TIMER_NOW_LO), 1000);
    assert_int_equal(bank_rd(&b, 1, TIMER_NOW_LO), 7);
    assert_int_equal(bank_rd(&b, 1, TIMER_NOW_HI), 2);
    /* two deadlines, each on its own core's comparator */
    bank_wr(&b, 0, TIMER_CMP_LO, 1500);
    bank_wr(&b, 0, TIMER_CMP_HI, 0);
    bank_wr(&b, 1, TIMER_CMP_LO, 500); /* core 1 latches its own low half */
    bank_wr(&b, 1, TIMER_CMP_HI, 3);
    assert_int_equal(dev_timer_deadline(&b.t[0]), 1500);
    assert_int_equal(dev_timer_deadline(&b.t[1]), 0x3000001f4ULL);
    assert_int_equal(bank_rd(&b, 0, TIMER_CMP_LO), 1500);
    assert_int_equal(bank_rd(&b, 1, TIMER_CMP_HI), 3);
    /* core 0's deadline: its line rises at target 0 only */
    core_clock[0] = 1500;
    assert_int_equal(bank_rd(&b, 0, TIMER_CTRL), TIMER_CTRL_ARMED | TIMER_CTRL_PENDING);
    assert_true(dev_intc_target_output(&ic, 0));
    assert_false(dev_intc_target_output(&ic, 1));
    assert_int_equal(bank_rd(&b, 1, TIMER_CTRL), TIMER_CTRL_ARMED);
    /* core 1's ack leaves core 0's line up; core 1's deadline raises target 1's */
    core_clock[1] = 0x3000001f4ULL;
    assert_true(dev_timer_update(&b.t[1], core_clock[1]));
    assert_true(dev_intc_target_output(&ic, 1));
    bank_wr(&b, 1, TIMER_CTRL, TIMER_CTRL_ACK);
    assert_false(dev_intc_target_output(&ic, 1));
    assert_true(dev_intc_target_output(&ic, 0));
    assert_int_equal(b.t[0].fired, 1);
    assert_int_equal(b.t[1].fired, 1);
    /* a core past the bank reads 0 and writes nothing */
    assert_int_equal(bank_rd(&b, 2, TIMER_NOW_LO), 0);
    bank_wr(&b, 2, TIMER_CTRL, TIMER_CTRL_ACK);
    assert_true(b.t[0].pending);
}

static void a_bank_has_1_to_8_timers(void **state)
{
    (void)state;
    struct dev_timer_bank b;
    dev_timer_bank_init(&b, 0, who, NULL);
    assert_int_equal(b.n, 1);
    dev_timer_bank_init(&b, DEV_TIMER_BANKS + 1, who, NULL);
    assert_int_equal(b.n, 1);
    dev_timer_bank_init(&b, DEV_TIMER_BANKS, NULL, NULL);
    assert_int_equal(b.n, DEV_TIMER_BANKS);
    /* without an accessor the window is core 0's */
    dev_timer_init(&b.t[0], now, NULL);
    fake_now = 42;
    assert_int_equal(dev_timer_bank_ops.read(&b, TIMER_NOW_LO), 42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_clock_in_halves),
        cmocka_unit_test(line_rises_at_the_deadline_and_stays_until_ack),
        cmocka_unit_test(a_deadline_in_the_past_fires_at_once),
        cmocka_unit_test(rearming_lowers_the_line),
        cmocka_unit_test(each_core_has_its_own_comparator_clock_and_line),
        cmocka_unit_test(a_bank_has_1_to_8_timers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
