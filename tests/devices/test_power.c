/* tests/devices/test_power.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/power.h"
#include "abi/devregs.h"

static int calls;
static uint32_t last_code;

static void on_off(void *ctx, uint32_t code)
{
    (void)ctx;
    calls++;
    last_code = code;
}

static void exit_write_powers_off_once(void **state)
{
    (void)state;
    struct dev_power p;
    calls = 0;
    dev_power_init(&p, on_off, NULL);
    assert_false(p.off);
    dev_power_ops.write(&p, POWER_EXIT, 3);
    assert_true(p.off);
    assert_int_equal(p.code, 3);
    assert_int_equal(calls, 1);
    assert_int_equal(last_code, 3);
    dev_power_ops.write(&p, POWER_EXIT, 9); /* already off: ignored */
    assert_int_equal(calls, 1);
    assert_int_equal(dev_power_ops.read(&p, POWER_EXIT), 3);
}

static void other_offsets_are_ignored(void **state)
{
    (void)state;
    struct dev_power p;
    calls = 0;
    dev_power_init(&p, on_off, NULL);
    dev_power_ops.write(&p, 0x4, 1);
    dev_power_ops.write(&p, 0xffc, 1);
    assert_false(p.off);
    assert_int_equal(calls, 0);
    assert_int_equal(dev_power_ops.read(&p, 0x8), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_write_powers_off_once),
        cmocka_unit_test(other_offsets_are_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
