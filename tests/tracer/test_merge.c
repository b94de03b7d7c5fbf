/* tests/tracer/test_merge.c: the merged event stream of several cores
 * (tracer/merge.c): released in (cycle, core) order, production order
 * within a core, and only once the frontier has passed them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tracer/merge.h"

/* Queues an event of `core` at `cycle`, tagged `tag` (its pid). */
static void push(struct trc_merge *mg, uint32_t core, uint64_t cycle, uint32_t tag)
{
    struct trc_event e = {.cycle = cycle, .core = core, .type = TRC_EV_SYSCALL, .pid = tag};
    assert_int_equal(trc_merge_push(mg, &e), TRC_OK);
}

/* Releases what the frontier (cycle, core) lets go into tags[] (their
 * pids); returns how many. */
static size_t drain(struct trc_merge *mg, uint64_t cycle, uint32_t core, uint32_t *tags, size_t max)
{
    size_t n = 0;
    struct trc_event e;
    while (n < max && trc_merge_next(mg, cycle, core, &e))
        tags[n++] = e.pid;
    return n;
}

/* Core 0 ran a quantum ahead of core 1: core 1's earlier events come
 * first once both have passed them; ties go to the lower core. */
static void the_stream_is_sorted_by_cycle_then_core(void **state)
{
    (void)state;
    struct trc_merge mg = {0};
    push(&mg, 0, 100, 1);
    push(&mg, 0, 5000, 2);
    push(&mg, 0, 9000, 3);
    push(&mg, 1, 50, 4);
    push(&mg, 1, 5000, 5);
    push(&mg, 1, 6000, 6);
    uint32_t t[8];
    /* core 1 is at 5,000: what lies before (5000, core 1) goes */
    size_t n = drain(&mg, 5000, 1, t, 8);
    assert_int_equal(n, 3);
    assert_int_equal(t[0], 4); /* 50 on core 1 */
    assert_int_equal(t[1], 1); /* 100 on core 0 */
    assert_int_equal(t[2], 2); /* 5000 on core 0, before 5000 on core 1 */
    assert_int_equal(mg.pending, 3);
    /* the run ended: everything, in order */
    n = drain(&mg, UINT64_MAX, UINT32_MAX, t, 8);
    assert_int_equal(n, 3);
    assert_int_equal(t[0], 5);
    assert_int_equal(t[1], 6);
    assert_int_equal(t[2], 3);
    assert_int_equal(mg.pending, 0);
    trc_merge_free(&mg);
}

/* Events of one core at one cycle keep the order they came in, and
 * nothing at or after the frontier leaves. */
static void production_order_holds_within_a_core(void **state)
{
    (void)state;
    struct trc_merge mg = {0};
    for (uint32_t i = 0; i < 5; i++)
        push(&mg, 2, 700, 10 + i);
    push(&mg, 0, 700, 1);
    uint32_t t[8];
    assert_int_equal(drain(&mg, 700, 0, t, 8), 0); /* core 0 may still write at 700 */
    assert_int_equal(drain(&mg, 700, 1, t, 8), 1); /* core 1 at 700: core 0's goes */
    assert_int_equal(t[0], 1);
    assert_int_equal(drain(&mg, 700, 2, t, 8), 0); /* core 2 itself may still write */
    assert_int_equal(drain(&mg, 701, 0, t, 8), 5);
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(t[i], 10 + i);
    trc_merge_free(&mg);
}

/* A queue emptied and filled again many times (the machine releases
 * between quanta) loses and reorders nothing. */
static void queues_refill_without_loss(void **state)
{
    (void)state;
    struct trc_merge mg = {0};
    uint64_t next = 0, got = 0;
    for (uint64_t round = 0; round < 200; round++) {
        for (uint32_t k = 0; k < 3; k++)
            for (int i = 0; i < 7; i++)
                push(&mg, k, round * 100 + (uint64_t)i * 10 + k, (uint32_t)next++);
        struct trc_event e;
        uint64_t last = 0;
        while (trc_merge_next(&mg, round * 100 + 35, 0, &e)) {
            assert_true(e.cycle >= last);
            last = e.cycle;
            got++;
        }
    }
    struct trc_event e;
    while (trc_merge_next(&mg, UINT64_MAX, UINT32_MAX, &e))
        got++;
    assert_true(got == next);
    trc_merge_free(&mg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_stream_is_sorted_by_cycle_then_core),
        cmocka_unit_test(production_order_holds_within_a_core),
        cmocka_unit_test(queues_refill_without_loss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
