/* tests/machine/test_scenario_values.c: value expectations on operations
 * (machine/scenario_compile.c, docs/scenarios.md): each form compiles into
 * scn_op.expect and a struct scn_value in the process's strings, beside
 * its names; every malformed one is refused at its path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ipc/ipc.h"
#include "machine/scenario.h"
#include "tests/machine/scenario_harness.h"

/* Returns the value expectation of compiled operation `slot` of process
 * `proc` of s, read from the blob the kernel gets. */
static struct scn_value value_at(const struct scn *s, size_t proc, uint32_t slot)
{
    const struct scn_proc *sp =
        (const struct scn_proc *)((const char *)s->blob + s->blob->proc_offset) + proc;
    const struct scn_op *o = (const struct scn_op *)((const char *)s->blob + sp->op_offset) + slot;
    struct scn_value v;
    assert_true(o->expect > 0);
    uint32_t at = (uint32_t)o->expect - 1;
    assert_int_equal(at % 8, 0);
    assert_true(at + sizeof v <= sp->nstr);
    memcpy(&v, (const char *)s->blob + sp->str_offset + at, sizeof v);
    return v;
}

/* Every form: an integer and {"value"} are one value, at_least and
 * at_most a range (open at the top or from 0); names and "ok" beside them
 * keep their meaning, and the values are 8-aligned after the names. */
static void every_form_compiles(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load("{'name': 'values', 'description': 'value expectations',\n"
                  " 'processes': [{'name': 'a', 'count': 2, 'program': [\n"
                  "   {'op': 'notif_create', 'as': 'n'},\n"
                  "   {'op': 'poll', 'notif': 'n', 'expect': 3},\n"
                  "   {'op': 'lookup', 'name': 'abc', 'as': 'x', 'expect': 'not_found'},\n"
                  "   {'op': 'poll', 'notif': 'n', 'expect': {'value': 9223372036854775807}},\n"
                  "   {'op': 'repeat', 'count': 2, 'body': [\n"
                  "     {'op': 'poll', 'notif': 'n', 'expect': {'at_least': 1}}]},\n"
                  "   {'op': 'poll', 'notif': 'n', 'expect': {'at_most': 5}},\n"
                  "   {'op': 'poll', 'notif': 'n', 'expect': {'at_least': 2, 'at_most': 2}},\n"
                  "   {'op': 'poll', 'notif': 'n', 'expect': 'ok'}]}]}\n",
                  &s);
    const struct scn_op *ops = s.entries[0].ops;
    assert_int_equal(ops[0].expect, SCN_EXPECT_ANY);
    assert_int_equal(ops[1].expect, SCN_EXPECT_VALUE(0));
    assert_int_equal(ops[2].expect, IPC_ERR_NOT_FOUND);
    assert_int_equal(ops[2].m, 16); /* the name after the first value */
    assert_int_equal(ops[3].expect, SCN_EXPECT_VALUE(24));
    assert_int_equal(ops[5].expect, SCN_EXPECT_VALUE(40));
    assert_int_equal(ops[9].expect, 0);
    static const struct {
        uint32_t slot;
        uint64_t lo, hi;
    } want[] = {
        {1, 3, 3}, {3, INT64_MAX, INT64_MAX}, {5, 1, INT64_MAX}, {7, 0, 5}, {8, 2, 2},
    };
    for (size_t proc = 0; proc < 2; proc++) /* the replicas share the program */
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            struct scn_value v = value_at(&s, proc, want[i].slot);
            assert_int_equal(v.lo, want[i].lo);
            assert_int_equal(v.hi, want[i].hi);
        }
    const struct scn_proc *sp =
        (const struct scn_proc *)((const char *)s.blob + s.blob->proc_offset);
    assert_int_equal(sp->nstr, 88);
    assert_string_equal((const char *)s.blob + sp->str_offset + 16, "abc");
    scn_free(&s);
}

/* Loads `json` (single quotes for double) and returns the loader's error,
 * which must be there, in err[n]. */
static void refuse(const char *json, char *err, size_t n)
{
    char *text = strdup(json);
    assert_non_null(text);
    for (char *c = text; *c; c++)
        if (*c == '\'')
            *c = '"';
    struct scn s;
    memset(&s, 0, sizeof s);
    err[0] = '\0';
    assert_int_not_equal(scn_load_text("v.json", text, strlen(text), &s, err, n), 0);
    free(text);
}

/* Each malformed value expectation is refused at its path, saying what is
 * wrong; a program whose values overflow its strings too. */
static void malformed_values_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *expect, *message;
    } bad[] = {
        {"-1", "processes[0].program[0].expect: must not be negative"},
        {"1.5", "processes[0].program[0].expect: must be an integer (written without a fraction"},
        {"9223372036854775808", "processes[0].program[0].expect: out of range [0, "
                                "9223372036854775807]"},
        {"true", "processes[0].program[0].expect: must be \"ok\", an error name, a value"},
        {"[3]", "processes[0].program[0].expect: must be \"ok\", an error name, a value"},
        {"{}", "processes[0].program[0].expect: must have \"value\", or \"at_least\""},
        {"{'value': 1, 'at_most': 2}", "processes[0].program[0].expect: must have \"value\""},
        {"{'at_least': 3, 'at_most': 2}",
         "processes[0].program[0].expect: \"at_least\" is more than \"at_most\""},
        {"{'atleast': 3}", "processes[0].program[0].expect.atleast: unknown field \"atleast\""},
        {"{'value': -3}", "processes[0].program[0].expect.value: must not be negative"},
        {"{'at_most': 'x'}", "processes[0].program[0].expect.at_most: must be an integer"},
        {"'3'", "processes[0].program[0].expect: unknown result \"3\""},
    };
    char json[512], err[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(json, sizeof json,
                 "{'name': 'v', 'description': 'd', 'processes': [{'name': 'a', 'program': [\n"
                 "  {'op': 'yield', 'expect': %s}]}]}\n",
                 bad[i].expect);
        refuse(json, err, sizeof err);
        if (!strstr(err, bad[i].message))
            fail_msg("%s: got \"%s\", want \"%s\"", bad[i].expect, err, bad[i].message);
    }
    /* 64 values of 16 bytes fill the 1024 bytes of strings; the 65th does not fit */
    char big[8192];
    int k = snprintf(big, sizeof big,
                     "{'name': 'v', 'description': 'd', 'processes': [{'name': 'a', 'program': [");
    for (int i = 0; i < 65; i++)
        k += snprintf(big + k, sizeof big - (size_t)k, "%s{'op': 'yield', 'expect': %d}",
                      i ? ", " : "", i);
    snprintf(big + k, sizeof big - (size_t)k, "]}]}\n");
    refuse(big, err, sizeof err);
    assert_non_null(strstr(err, "processes[0].program[64].expect: more than 1024 bytes of names "
                                "and values in one process"));
}

int main(int argc, char **argv)
{
    scn_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_form_compiles),
        cmocka_unit_test(malformed_values_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
