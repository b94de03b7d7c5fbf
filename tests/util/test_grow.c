/* tests/util/test_grow.c: the growing array (util/grow.c): it keeps what
 * it holds, zeroes what is new, grows by doubling, and refuses a size
 * whose bytes would overflow, leaving the array as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/grow.h"

/* Items are kept, new ones zeroed, capacity doubles from 16. */
static void grows_keeping_items_and_zeroing_new_ones(void **state)
{
    (void)state;
    uint64_t *v = NULL;
    size_t cap = 0;
    assert_true(util_grow((void **)&v, &cap, 1, sizeof *v));
    assert_non_null(v);
    assert_int_equal(cap, 16);
    for (size_t i = 0; i < cap; i++)
        assert_int_equal(v[i], 0);
    for (size_t i = 0; i < 16; i++)
        v[i] = 1000 + i;
    /* room already there: nothing moves */
    uint64_t *before = v;
    assert_true(util_grow((void **)&v, &cap, 16, sizeof *v));
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 16);
    /* one more than fits: doubled, not just enough */
    assert_true(util_grow((void **)&v, &cap, 17, sizeof *v));
    assert_int_equal(cap, 32);
    for (size_t i = 0; i < 16; i++)
        assert_int_equal(v[i], 1000 + i);
    for (size_t i = 16; i < cap; i++)
        assert_int_equal(v[i], 0);
    /* a jump: the first power-of-two multiple that holds it */
    assert_true(util_grow((void **)&v, &cap, 1000, sizeof *v));
    assert_int_equal(cap, 1024);
    assert_int_equal(v[15], 1015);
    assert_int_equal(v[999], 0);
    free(v);
}

/* need * size past SIZE_MAX is refused and the array is unchanged. */
static void an_overflowing_size_is_refused(void **state)
{
    (void)state;
    uint32_t *v = NULL;
    size_t cap = 0;
    assert_true(util_grow((void **)&v, &cap, 3, sizeof *v));
    v[2] = 7;
    uint32_t *before = v;
    /* count * size overflows, though the count alone fits */
    assert_false(util_grow((void **)&v, &cap, SIZE_MAX / sizeof *v + 1, sizeof *v));
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 16);
    assert_int_equal(v[2], 7);
    /* a count whose doubling would overflow */
    assert_false(util_grow((void **)&v, &cap, SIZE_MAX, 1));
    assert_false(util_grow((void **)&v, &cap, (SIZE_MAX / 2) + 2, 1));
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 16);
    /* items of 2^20 bytes: 2^44 of them overflow a 64-bit size */
    assert_false(util_grow((void **)&v, &cap, (size_t)1 << (sizeof(size_t) * 8 - 20), 1u << 20));
    assert_int_equal(cap, 16);
    free(v);
}

/* An array that starts empty and is refused stays empty. */
static void a_refused_first_growth_leaves_nothing(void **state)
{
    (void)state;
    char *v = NULL;
    size_t cap = 0;
    assert_false(util_grow((void **)&v, &cap, SIZE_MAX / 4 + 1, 8));
    assert_null(v);
    assert_int_equal(cap, 0);
    assert_false(util_grow((void **)&v, &cap, 1, 0)); /* items of no size */
    assert_null(v);
    assert_true(util_grow((void **)&v, &cap, 0, 1)); /* nothing needed */
    assert_null(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grows_keeping_items_and_zeroing_new_ones),
        cmocka_unit_test(an_overflowing_size_is_refused),
        cmocka_unit_test(a_refused_first_growth_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
