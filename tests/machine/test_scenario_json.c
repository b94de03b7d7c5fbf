/* tests/machine/test_scenario_json.c: the scenario's JSON text
 * (machine/scenario_json.c): an error message that does not fit is cut,
 * never overrun; escaped keys are the keys they spell, a repeated one is
 * refused at the second one's line and column; a large scenario's integers
 * are found in one walk of the text (linear time). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "machine/scenario.h"
#include "tests/machine/scenario_harness.h"

/* A message that does not fit is cut, NUL-terminated, within errn bytes. */
static void a_small_error_buffer_is_not_overrun(void **state)
{
    (void)state;
    static const char *const files[] = {"01-empty-file.json", "45-send-without-port.json",
                                        "95-repeat-nested-9.json"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char full[4096], err[64];
        snprintf(full, sizeof full, "%s/%s", scn_test_corpus, files[f]);
        for (size_t errn = 1; errn <= 16; errn += 15) {
            struct scn s;
            memset(&s, 0, sizeof s);
            memset(err, 0x5a, sizeof err);
            assert_int_equal(scn_load_file(full, &s, err, errn), -1);
            assert_true(strnlen(err, errn) < errn);
            for (size_t i = errn; i < sizeof err; i++)
                assert_int_equal((unsigned char)err[i], 0x5a);
        }
    }
}

/* Escaped keys are the keys they spell: their ranges are checked; repeated
 * ones (escaped or not) are refused, with the second one's position. */
static void escaped_keys_are_checked_like_plain_ones(void **state)
{
    (void)state;
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{'name': 'e', 'description': 'd', 'processes': [{'name': 'p', 'pri\\u006frity': 99, "
         "'program': []}]}",
         "processes[0].priority: out of range [0, 7]"},
        {"{'name': 'e', 'description': 'd', 'processes': [{'name': 'p', 'program': [{'op': "
         "'exit', '\\u0063ode': 300}]}]}",
         "processes[0].program[0].code: out of range [0, 255]"},
        {"{'name': 'e', 'description': 'd', 's\\u0065ed': -1, 'processes': [{'name': 'p', "
         "'program': []}]}",
         "seed: must not be negative"},
        {"{'name': 'e', 'description': 'd', 'processes': [{'name': 'p', 'program': [{'op': "
         "'sleep', 'cycle\\u0073': 1.5}]}]}",
         "processes[0].program[0].cycles: must be an integer (written without a fraction or "
         "exponent)"},
        {"{'name': 'e', 'description': 'd', 'processes': [{'name': 'p', 'name': 'q', "
         "'program': []}]}",
         "processes[0].name: appears twice"},
        {"{'name': 'e', 'description': 'd', 'processes': [{'name': 'p', 'n\\u0061me': 'q', "
         "'program': []}]}",
         "processes[0].name: appears twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = strdup(cases[i].json);
        for (char *c = text; *c; c++)
            if (*c == '\'')
                *c = '"';
        struct scn s;
        char err[400];
        assert_int_equal(scn_load_text("t.json", text, strlen(text), &s, err, sizeof err), -1);
        if (!strstr(err, cases[i].want))
            fail_msg("case %zu: '%s' does not say '%s'", i, err, cases[i].want);
        free(text);
    }
    /* the position of a repeated key is the second one's */
    const char *dup = "{\"name\": \"e\", \"name\": \"f\"}";
    struct scn s;
    char err[400];
    assert_int_equal(scn_load_text("t.json", dup, strlen(dup), &s, err, sizeof err), -1);
    assert_string_equal(err, "t.json:1:15: name: appears twice");
}

/* A large scenario (1,000 processes, 16,000 objects, 36,000 integers, about
 * 1.5 MB) loads in time linear in its size: its integers are read where a
 * single walk of the text found them, not by searching the text for each
 * one (which took minutes). */
static void a_large_scenario_loads_in_linear_time(void **state)
{
    (void)state;
    size_t cap = 4u << 20, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    n += (size_t)snprintf(text + n, cap - n,
                          "{\"name\": \"large\", \"description\": \"d\", "
                          "\"objects\": [");
    for (int i = 0; i < 1000; i++)
        for (int k = 0; k < 16; k++)
            n += (size_t)snprintf(text + n, cap - n,
                                  "%s{\"name\": \"o%d_%d\", \"type\": \"port\", \"owner\": "
                                  "\"p%d\", \"capacity\": %d}",
                                  i || k ? ", " : "", i, k, i, 1 + k);
    n += (size_t)snprintf(text + n, cap - n, "], \"processes\": [");
    for (int i = 0; i < 1000; i++) {
        n += (size_t)snprintf(text + n, cap - n, "%s{\"name\": \"p%d\", \"program\": [",
                              i ? ", " : "", i);
        for (int k = 0; k < 16; k++)
            n += (size_t)snprintf(text + n, cap - n, "%s{\"op\": \"compute\", \"cycles\": %d}",
                                  k ? ", " : "", 1 + k);
        n += (size_t)snprintf(text + n, cap - n, "]}");
    }
    n += (size_t)snprintf(text + n, cap - n, "]}");
    assert_true(n < cap);
    struct scn s;
    char err[400];
    clock_t t0 = clock();
    int rc = scn_load_text("large.json", text, n, &s, err, sizeof err);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (rc != 0)
        fail_msg("%s", err);
    assert_int_equal(s.nprocs, 1000);
    assert_int_equal(s.blob->nobjects, 16000);
    assert_int_equal(s.entries[999].ops[15].v, 16);
    const struct scn_object *objs =
        (const struct scn_object *)((const char *)s.blob + s.blob->object_offset);
    assert_int_equal(objs[15999].capacity, 16);
    scn_free(&s);
    free(text);
    if (secs > 10)
        fail_msg("loading took %.1f s", secs);
}

int main(int argc, char **argv)
{
    scn_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_small_error_buffer_is_not_overrun),
        cmocka_unit_test(escaped_keys_are_checked_like_plain_ones),
        cmocka_unit_test(a_large_scenario_loads_in_linear_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
