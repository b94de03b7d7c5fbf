/* tests/devices/test_intc.c: the interrupt controller: lines up and down,
 * the enable mask, claims in line order, complete, nothing pending, a
 * device irq wired to a line, software lines (IPIs), and the timer's line
 * banked per target. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "abi/devregs.h"
#include "devices/intc.h"
#include "devices/timer.h"

/* Register accessors, as the guest sees them. */
static uint32_t rd(struct dev_intc *ic, uint64_t off)
{
    return dev_intc_ops.read(ic, off);
}

static void wr(struct dev_intc *ic, uint64_t off, uint32_t v)
{
    dev_intc_ops.write(ic, off, v);
}

static void starts_with_every_line_low_and_disabled(void **state)
{
    (void)state;
    struct dev_intc ic;
    dev_intc_init(&ic);
    assert_int_equal(rd(&ic, INTC_PENDING), 0);
    assert_int_equal(rd(&ic, INTC_TGT_ENABLE(0)), 0);
    assert_int_equal(rd(&ic, INTC_NLINES_REG), INTC_NLINES);
    assert_false(dev_intc_output(&ic));
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), INTC_CLAIM_NONE);
    /* a disabled line is pending but requests nothing */
    dev_intc_set_line(&ic, 3, true);
    assert_int_equal(rd(&ic, INTC_PENDING), 1u << 3);
    assert_false(dev_intc_output(&ic));
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), INTC_CLAIM_NONE);
    assert_int_equal(ic.tgt[0].rises, 0);
}

static void a_level_line_requests_while_up_and_enabled(void **state)
{
    (void)state;
    struct dev_intc ic;
    dev_intc_init(&ic);
    wr(&ic, INTC_TGT_ENABLE(0), 1u << 5);
    assert_int_equal(rd(&ic, INTC_TGT_ENABLE(0)), 1u << 5);
    dev_intc_set_line(&ic, 5, true);
    assert_true(dev_intc_output(&ic));
    assert_int_equal(ic.tgt[0].rises, 1);
    dev_intc_set_line(&ic, 5, true); /* still up: no new rise */
    assert_int_equal(ic.tgt[0].rises, 1);
    /* lowered before anyone claimed it: nothing is pending any more */
    dev_intc_set_line(&ic, 5, false);
    assert_false(dev_intc_output(&ic));
    assert_int_equal(rd(&ic, INTC_PENDING), 0);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), INTC_CLAIM_NONE);
    /* masking and unmasking an up line drops and raises the output */
    dev_intc_set_line(&ic, 5, true);
    wr(&ic, INTC_TGT_ENABLE(0), 0);
    assert_false(dev_intc_output(&ic));
    wr(&ic, INTC_TGT_ENABLE(0), 1u << 5);
    assert_true(dev_intc_output(&ic));
    assert_int_equal(ic.tgt[0].rises, 3);
    /* lines past the last one are ignored */
    dev_intc_set_line(&ic, INTC_NLINES, true);
    assert_int_equal(rd(&ic, INTC_PENDING), 1u << 5);
}

static void claims_go_lowest_line_first(void **state)
{
    (void)state;
    struct dev_intc ic;
    dev_intc_init(&ic);
    wr(&ic, INTC_TGT_ENABLE(0), 0xffffffffu & ~(1u << 2));
    dev_intc_set_line(&ic, 23, true); /* the last device line */
    dev_intc_set_line(&ic, 7, true);
    dev_intc_set_line(&ic, 2, true); /* disabled: never claimed */
    dev_intc_set_line(&ic, INTC_LINE_TIMER, true);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), INTC_LINE_TIMER);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), 7);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), 23);
    /* all three in service: the output is down though the lines are up */
    assert_false(dev_intc_output(&ic));
    assert_int_equal(rd(&ic, INTC_SERVICE), (1u << 23) | (1u << 7) | 1u);
    assert_int_equal(rd(&ic, INTC_PENDING), (1u << 23) | (1u << 7) | (1u << 2) | 1u);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), INTC_CLAIM_NONE);
    assert_int_equal(ic.claims, 4);
}

static void complete_ends_the_service_of_a_line(void **state)
{
    (void)state;
    struct dev_intc ic;
    dev_intc_init(&ic);
    wr(&ic, INTC_TGT_ENABLE(0), (1u << 1) | (1u << 4));
    dev_intc_set_line(&ic, 4, true);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), 4);
    assert_false(dev_intc_output(&ic));
    /* acknowledged at the device, then completed: quiet */
    dev_intc_set_line(&ic, 4, false);
    wr(&ic, INTC_TGT_COMPLETE(0), 4);
    assert_false(dev_intc_output(&ic));
    assert_int_equal(rd(&ic, INTC_SERVICE), 0);
    /* completed while the line is still up: it requests again */
    dev_intc_set_line(&ic, 1, true);
    uint64_t rises = ic.tgt[0].rises;
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), 1);
    wr(&ic, INTC_TGT_COMPLETE(0), 1);
    assert_true(dev_intc_output(&ic));
    assert_int_equal(ic.tgt[0].rises, rises + 1);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), 1);
    /* completing a line not in service, or no line, changes nothing */
    wr(&ic, INTC_TGT_COMPLETE(0), 4);
    wr(&ic, INTC_TGT_COMPLETE(0), INTC_CLAIM_NONE);
    assert_int_equal(rd(&ic, INTC_SERVICE), 1u << 1);
}

static uint64_t fake_now;

static uint64_t now(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static void the_timer_drives_its_line(void **state)
{
    (void)state;
    struct dev_intc ic;
    struct dev_timer t;
    dev_intc_init(&ic);
    fake_now = 10;
    dev_timer_init(&t, now, NULL);
    t.irq = dev_intc_irq(&ic, INTC_LINE_TIMER);
    wr(&ic, INTC_TGT_ENABLE(0), 1u << INTC_LINE_TIMER);
    dev_timer_ops.write(&t, TIMER_CMP_LO, 100);
    dev_timer_ops.write(&t, TIMER_CMP_HI, 0);
    assert_false(dev_intc_output(&ic));
    dev_timer_update(&t, 100);
    assert_true(dev_intc_output(&ic));
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), INTC_LINE_TIMER);
    dev_timer_ops.write(&t, TIMER_CTRL, TIMER_CTRL_ACK);
    assert_int_equal(rd(&ic, INTC_PENDING), 0);
    /* re-armed in the past while in service: held until complete */
    fake_now = 200;
    dev_timer_ops.write(&t, TIMER_CMP_LO, 150);
    dev_timer_ops.write(&t, TIMER_CMP_HI, 0);
    assert_int_equal(rd(&ic, INTC_PENDING), 1u << INTC_LINE_TIMER);
    assert_false(dev_intc_output(&ic));
    wr(&ic, INTC_TGT_COMPLETE(0), INTC_LINE_TIMER);
    assert_true(dev_intc_output(&ic));
}

/* on_rise: records the targets whose output rose, in order. */
struct rise_log {
    unsigned t[16];
    unsigned n;
};

static void note_rise(void *ctx, unsigned t)
{
    struct rise_log *l = ctx;
    if (l->n < 16)
        l->t[l->n++] = t;
}

/* Initialises `ic` with `n` targets whose rises go to `log` (emptied). */
static void open_logged(struct dev_intc *ic, unsigned n, struct rise_log *log)
{
    *log = (struct rise_log){0};
    dev_intc_init(ic);
    dev_intc_set_targets(ic, n);
    ic->on_rise = note_rise;
    ic->on_rise_ctx = log;
}

static void an_ipi_raises_a_software_line_on_its_target_only(void **state)
{
    (void)state;
    struct dev_intc ic;
    struct rise_log log;
    open_logged(&ic, 4, &log);
    assert_int_equal(rd(&ic, INTC_NTARGETS), 4);
    for (unsigned t = 0; t < 4; t++)
        wr(&ic, INTC_TGT_ENABLE(t), 1u << INTC_LINE_IPI);
    wr(&ic, INTC_IPI, INTC_IPI_VALUE(2, INTC_LINE_IPI));
    assert_true(dev_intc_target_output(&ic, 2));
    assert_false(dev_intc_target_output(&ic, 0));
    assert_false(dev_intc_target_output(&ic, 1));
    assert_false(dev_intc_target_output(&ic, 3));
    assert_int_equal(log.n, 1);
    assert_int_equal(log.t[0], 2);
    assert_int_equal(ic.tgt[2].ipis, 1);
    /* the software line is not a device line: PENDING does not show it */
    assert_int_equal(rd(&ic, INTC_PENDING), 0);
    /* another target's claim finds nothing; the target's claim lowers it */
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(1)), INTC_CLAIM_NONE);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(2)), INTC_LINE_IPI);
    assert_false(dev_intc_target_output(&ic, 2));
    assert_int_equal(ic.tgt[2].soft, 0);
    assert_int_equal(rd(&ic, INTC_SERVICE), 1u << INTC_LINE_IPI);
    /* a second IPI while in service waits for COMPLETE */
    wr(&ic, INTC_IPI, INTC_IPI_VALUE(2, INTC_LINE_IPI));
    assert_false(dev_intc_target_output(&ic, 2));
    wr(&ic, INTC_TGT_COMPLETE(2), INTC_LINE_IPI);
    assert_true(dev_intc_target_output(&ic, 2));
    assert_int_equal(log.n, 2);
}

static void an_ipi_to_no_target_or_no_software_line_changes_nothing(void **state)
{
    (void)state;
    struct dev_intc ic;
    dev_intc_init(&ic);
    dev_intc_set_targets(&ic, 2);
    wr(&ic, INTC_TGT_ENABLE(0), 0xffffffffu);
    wr(&ic, INTC_TGT_ENABLE(1), 0xffffffffu);
    wr(&ic, INTC_IPI, INTC_IPI_VALUE(2, INTC_LINE_IPI));   /* no target 2 */
    wr(&ic, INTC_IPI, INTC_IPI_VALUE(1, INTC_LINE_TIMER)); /* a device line */
    wr(&ic, INTC_IPI, INTC_IPI_VALUE(1, 40));
    assert_false(dev_intc_target_output(&ic, 0));
    assert_false(dev_intc_target_output(&ic, 1));
    assert_false(dev_intc_ipi(&ic, 9, INTC_LINE_IPI));
    /* the registers of a target that does not exist read 0 */
    assert_int_equal(rd(&ic, INTC_TGT_ENABLE(2)), 0);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(5)), 0);
    dev_intc_set_targets(&ic, INTC_MAX_TARGETS + 1); /* refused */
    assert_int_equal(ic.ntargets, 2);
}

static void a_device_line_reaches_the_targets_that_enable_it(void **state)
{
    (void)state;
    struct dev_intc ic;
    dev_intc_init(&ic);
    dev_intc_set_targets(&ic, 3);
    wr(&ic, INTC_TGT_ENABLE(0), 1u << 3);
    wr(&ic, INTC_TGT_ENABLE(2), 1u << 3);
    dev_intc_set_line(&ic, 3, true);
    assert_true(dev_intc_target_output(&ic, 0));
    assert_false(dev_intc_target_output(&ic, 1));
    assert_true(dev_intc_target_output(&ic, 2));
    /* each target claims and completes for itself */
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(2)), 3);
    assert_false(dev_intc_target_output(&ic, 2));
    assert_true(dev_intc_output(&ic));
    wr(&ic, INTC_TGT_COMPLETE(2), 3);
    assert_true(dev_intc_target_output(&ic, 2));
    /* a line that is not banked: dev_intc_set_target_line drives it for all */
    dev_intc_set_target_line(&ic, 1, 3, false);
    assert_false(dev_intc_target_output(&ic, 0));
    assert_false(dev_intc_target_output(&ic, 2));
}

static void the_timer_line_is_banked_per_target(void **state)
{
    (void)state;
    struct dev_intc ic;
    struct rise_log log;
    open_logged(&ic, 3, &log);
    for (unsigned k = 0; k < 3; k++)
        wr(&ic, INTC_TGT_ENABLE(k), 1u << INTC_LINE_TIMER);
    /* core 1's timer: line 0 at target 1 only */
    struct dev_irq irq1 = dev_intc_target_irq(&ic, 1, INTC_LINE_TIMER);
    dev_irq_set(&irq1, true);
    assert_false(dev_intc_target_output(&ic, 0));
    assert_true(dev_intc_target_output(&ic, 1));
    assert_false(dev_intc_target_output(&ic, 2));
    assert_int_equal(log.n, 1);
    assert_int_equal(log.t[0], 1);
    assert_int_equal(rd(&ic, INTC_PENDING), 1u << INTC_LINE_TIMER); /* up somewhere */
    /* target 2's own line, then target 1 claims and its device lowers it */
    dev_intc_set_target_line(&ic, 2, INTC_LINE_TIMER, true);
    assert_true(dev_intc_target_output(&ic, 2));
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(1)), INTC_LINE_TIMER);
    assert_int_equal(rd(&ic, INTC_TGT_CLAIM(0)), INTC_CLAIM_NONE);
    dev_irq_set(&irq1, false);
    wr(&ic, INTC_TGT_COMPLETE(1), INTC_LINE_TIMER);
    assert_false(dev_intc_target_output(&ic, 1));
    assert_true(dev_intc_target_output(&ic, 2)); /* its own line stays up */
    /* the plain call drives target 0's; a target that does not exist: nothing */
    dev_intc_set_line(&ic, INTC_LINE_TIMER, true);
    assert_true(dev_intc_target_output(&ic, 0));
    assert_false(dev_intc_target_output(&ic, 1));
    dev_intc_set_target_line(&ic, 3, INTC_LINE_TIMER, true);
    assert_int_equal(ic.tgt[1].banked, 0);
    assert_int_equal(log.n, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starts_with_every_line_low_and_disabled),
        cmocka_unit_test(a_level_line_requests_while_up_and_enabled),
        cmocka_unit_test(claims_go_lowest_line_first),
        cmocka_unit_test(complete_ends_the_service_of_a_line),
        cmocka_unit_test(an_ipi_raises_a_software_line_on_its_target_only),
        cmocka_unit_test(an_ipi_to_no_target_or_no_software_line_changes_nothing),
        cmocka_unit_test(a_device_line_reaches_the_targets_that_enable_it),
        cmocka_unit_test(the_timer_line_is_banked_per_target),
        cmocka_unit_test(the_timer_drives_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
