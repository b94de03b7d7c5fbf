/* tests/devices/test_traceport.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abi/devregs.h"
#include "devices/traceport.h"

static struct dev_trace_record got[4];
static int ngot;

static void emit(void *ctx, const struct dev_trace_record *r)
{
    (void)ctx;
    got[ngot++] = *r;
}

static void commit_hands_over_the_staged_record(void **state)
{
    (void)state;
    struct dev_traceport t;
    ngot = 0;
    dev_traceport_init(&t, emit, NULL, NULL);
    dev_traceport_ops.write(&t, TRACE_TYPE, 5);
    dev_traceport_ops.write(&t, TRACE_PID, 42);
    dev_traceport_ops.write(&t, TRACE_ARG_LO(0), 0xdeadbeef);
    dev_traceport_ops.write(&t, TRACE_ARG_HI(0), 0x01234567);
    dev_traceport_ops.write(&t, TRACE_ARG_LO(3), 7);
    assert_int_equal(dev_traceport_ops.read(&t, TRACE_ARG_HI(0)), 0x01234567);
    assert_int_equal(dev_traceport_ops.read(&t, TRACE_ARG_LO(0)), 0xdeadbeef);
    dev_traceport_ops.write(&t, TRACE_COMMIT, 1);
    assert_int_equal(ngot, 1);
    assert_int_equal(got[0].type, 5);
    assert_int_equal(got[0].pid, 42);
    assert_true(got[0].arg[0] == 0x01234567deadbeefULL);
    assert_true(got[0].arg[1] == 0 && got[0].arg[2] == 0);
    assert_true(got[0].arg[3] == 7);
    assert_int_equal(dev_traceport_ops.read(&t, TRACE_COMMIT), 1);
}

static void commit_clears_the_staging_area(void **state)
{
    (void)state;
    struct dev_traceport t;
    ngot = 0;
    dev_traceport_init(&t, emit, NULL, NULL);
    dev_traceport_ops.write(&t, TRACE_TYPE, 9);
    dev_traceport_ops.write(&t, TRACE_ARG_HI(2), 1);
    dev_traceport_ops.write(&t, TRACE_COMMIT, 0);
    dev_traceport_ops.write(&t, TRACE_COMMIT, 0);
    assert_int_equal(ngot, 2);
    assert_int_equal(got[1].type, 0);
    assert_true(got[1].arg[2] == 0);
    assert_true(got[0].arg[2] == (1ULL << 32));
}

static void odd_offsets_are_ignored(void **state)
{
    (void)state;
    struct dev_traceport t;
    ngot = 0;
    dev_traceport_init(&t, emit, NULL, NULL);
    dev_traceport_ops.write(&t, TRACE_ARG_LO(0) + 2, 0xffff);
    dev_traceport_ops.write(&t, 0x800, 1);
    assert_int_equal(dev_traceport_ops.read(&t, TRACE_ARG_LO(0)), 0);
    assert_int_equal(ngot, 0);
}

/* A guest RAM of one record at address 0x1000 for TRACE_POST. */
static struct trace_rec ram_rec;
static uint64_t last_read;

static bool read_mem(void *ctx, uint64_t addr, void *buf, size_t n)
{
    (void)ctx;
    last_read = addr;
    if (addr != 0x100001000ULL || n != sizeof ram_rec)
        return false;
    memcpy(buf, &ram_rec, n);
    return true;
}

static void post_hands_over_the_record_in_ram(void **state)
{
    (void)state;
    struct dev_traceport t;
    ngot = 0;
    dev_traceport_init(&t, emit, read_mem, NULL);
    dev_traceport_ops.write(&t, TRACE_REC_LO, 0x1000);
    dev_traceport_ops.write(&t, TRACE_REC_HI, 1);
    assert_int_equal(dev_traceport_ops.read(&t, TRACE_REC_LO), 0x1000);
    assert_int_equal(dev_traceport_ops.read(&t, TRACE_REC_HI), 1);
    ram_rec = (struct trace_rec){.type = 5, .pid = 42, .arg = {0x0123456789abcdefULL, 2, 3, 4}};
    dev_traceport_ops.write(&t, TRACE_POST, 1);
    ram_rec.type = 6; /* the record is read at the POST, not later */
    assert_int_equal(ngot, 1);
    assert_int_equal(got[0].type, 5);
    assert_int_equal(got[0].pid, 42);
    assert_true(got[0].arg[0] == 0x0123456789abcdefULL);
    assert_true(got[0].arg[3] == 4);
    dev_traceport_ops.write(&t, TRACE_POST, 0);
    assert_int_equal(ngot, 2);
    assert_int_equal(got[1].type, 6);
    assert_int_equal(dev_traceport_ops.read(&t, TRACE_COMMIT), 2);
}

static void post_outside_ram_emits_nothing(void **state)
{
    (void)state;
    struct dev_traceport t;
    ngot = 0;
    dev_traceport_init(&t, emit, read_mem, NULL);
    dev_traceport_ops.write(&t, TRACE_REC_LO, 0x2000);
    dev_traceport_ops.write(&t, TRACE_POST, 1);
    assert_true(last_read == 0x2000);
    assert_int_equal(ngot, 0);
    dev_traceport_init(&t, emit, NULL, NULL); /* no memory: nothing either */
    dev_traceport_ops.write(&t, TRACE_POST, 1);
    assert_int_equal(ngot, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commit_hands_over_the_staged_record),
        cmocka_unit_test(commit_clears_the_staging_area),
        cmocka_unit_test(odd_offsets_are_ignored),
        cmocka_unit_test(post_hands_over_the_record_in_ram),
        cmocka_unit_test(post_outside_ram_emits_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
