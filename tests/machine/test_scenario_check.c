/* tests/machine/test_scenario_check.c: a finished run against its
 * scenario (machine/scenario_check.c): compiled operations map back to
 * their places, the runner's failure lines to failed operations, and every
 * expectation is checked whatever the outcome. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/scenario.h"
#include "tracer/trace.h"
#include "tests/machine/scenario_harness.h"

/* Compiled operations map back to their places, inside repeats too, for
 * every replica; a place that does not exist gives NULL. */
static void compiled_slots_map_back_to_places(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load("{'name': 'places', 'description': 'slots and places',\n"
                  " 'processes': [\n"
                  "  {'name': 'a', 'program': [{'op': 'yield'}]},\n"
                  "  {'name': 'w', 'count': 3, 'program': [\n"
                  "    {'op': 'port_create', 'as': 'p'},\n"
                  "    {'op': 'repeat', 'count': 5, 'body': [\n"
                  "      {'op': 'yield'},\n"
                  "      {'op': 'repeat', 'count': 2, 'body': [{'op': 'yield'}]},\n"
                  "      {'op': 'try_recv', 'port': 'p', 'expect': 'ok'}]},\n"
                  "    {'op': 'exit', 'code': 3}]}]}\n",
                  &s);
    static const struct {
        size_t proc;
        uint32_t slot;
        const char *place, *op;
    } want[] = {
        {0, 0, "processes[0].program[0]", "yield"},
        {1, 0, "processes[1].program[0]", "port_create"},
        {2, 1, "processes[1].program[1]", "repeat"},
        {2, 2, "processes[1].program[1].body[0]", "yield"},
        {3, 3, "processes[1].program[1].body[1]", "repeat"},
        {3, 4, "processes[1].program[1].body[1].body[0]", "yield"},
        {3, 5, "processes[1].program[1].body[1]", "repeat"}, /* its loop end */
        {2, 6, "processes[1].program[1].body[2]", "try_recv"},
        {1, 7, "processes[1].program[1]", "repeat"},
        {1, 8, "processes[1].program[2]", "exit"},
    };
    char place[160];
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *op = scn_place_text(&s, want[i].proc, want[i].slot, place, sizeof place);
        assert_non_null(op);
        assert_string_equal(op, want[i].op);
        assert_string_equal(place, want[i].place);
    }
    assert_null(scn_place_text(&s, 1, 9, place, sizeof place));
    assert_string_equal(place, "");
    assert_null(scn_place_text(&s, 4, 0, place, sizeof place));
    /* a small buffer is cut, not overrun */
    char tiny[8];
    memset(tiny, 0x5a, sizeof tiny);
    assert_non_null(scn_place_text(&s, 2, 6, tiny, 5));
    assert_string_equal(tiny, "proc");
    assert_int_equal((unsigned char)tiny[5], 0x5a);
    scn_free(&s);
}

/* Adds process `pid` named `name` to log (a proc.create event). */
static void log_proc(struct trc_log *log, uint32_t pid, const char *name)
{
    struct trc_event e = {.cycle = pid, .type = TRC_EV_PROC_CREATE, .pid = pid};
    char words[16] = {0};
    memcpy(words, name, strlen(name) < 16 ? strlen(name) : 16);
    memcpy(&e.arg[1], words, 8);
    memcpy(&e.arg[2], words + 8, 8);
    e.arg[0] = 1;
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* Ends process `pid` of log with exit code `code`. */
static void log_exit(struct trc_log *log, uint32_t pid, int code)
{
    struct trc_event e = {.cycle = 100 + pid, .type = TRC_EV_PROC_EXIT, .pid = pid};
    e.arg[0] = (uint64_t)(int64_t)code;
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* Appends `text` to log's console, as the guest would print it. */
static void log_print(struct trc_log *log, const char *text)
{
    for (; *text; text++)
        assert_int_equal(trc_log_console(log, (uint8_t)*text), TRC_OK);
}

/* Returns the check whose path is `path` in v, or NULL. */
static const struct trc_check *check_at(const struct scn_verdict *v, const char *path)
{
    for (size_t i = 0; i < v->nchecks; i++)
        if (strcmp(v->checks[i].path, path) == 0)
            return &v->checks[i];
    return NULL;
}

/* The runner's failure line names a compiled slot; scn_check gives its
 * place, name, process, iteration, expected and returned results, and
 * checks every expectation whatever the outcome. */
static void a_failed_operation_is_named_by_its_place(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load("{'name': 'places', 'description': 'a failure in a repeat',\n"
                  " 'processes': [\n"
                  "  {'name': 'a', 'program': [{'op': 'yield'}]},\n"
                  "  {'name': 'w', 'count': 3, 'program': [\n"
                  "    {'op': 'port_create', 'as': 'p'},\n"
                  "    {'op': 'repeat', 'count': 5, 'body': [\n"
                  "      {'op': 'yield'},\n"
                  "      {'op': 'repeat', 'count': 2, 'body': [{'op': 'yield'}]},\n"
                  "      {'op': 'try_recv', 'port': 'p', 'expect': 'ok'}]}]}],\n"
                  " 'expect': {'messages': {'sent': 99}}}\n",
                  &s);
    struct trc_log log;
    trc_log_init(&log);
    static const char *const names[] = {"a", "w.0", "w.1", "w.2"};
    for (uint32_t i = 0; i < 4; i++)
        log_proc(&log, i + 1, names[i]);
    log_print(&log, "[kernel] hello\n[runner] pid 3: operation 6 returned -21, expected 0; "
                    "iterations 4\n[runner] pid 9: operation 1 returned 0, expected 0; "
                    "iterations\n");
    log_exit(&log, 1, 0);
    log_exit(&log, 2, 0);
    log_exit(&log, 3, SCN_EXIT_EXPECT);
    log_exit(&log, 4, 0);
    struct scn_verdict v;
    char why[400];
    assert_int_equal(scn_check(&s, &log, 1000, "ok", &v, why, sizeof why), -1);
    assert_int_equal(v.nfailed_ops, 1); /* pid 9 is no process of the scenario */
    const struct trc_check *f = &v.failed_ops[0];
    assert_string_equal(f->path, "processes[1].program[1].body[2]");
    assert_string_equal(f->op, "try_recv");
    assert_string_equal(f->process, "w.1");
    assert_string_equal(f->expected, "ok");
    assert_string_equal(f->got, "would_block");
    assert_int_equal(f->niterations, 1);
    assert_int_equal(f->iteration[0], 4);
    assert_int_equal(f->of[0], 5);
    assert_non_null(strstr(why, "processes[1].program[1].body[2] (try_recv) in w.1, iteration 4 "
                                "of 5: expected ok, returned would_block"));
    const struct trc_check *c = check_at(&v, "expect.outcome");
    assert_non_null(c);
    assert_true(c->held);
    c = check_at(&v, "expect.messages.sent");
    assert_non_null(c);
    assert_false(c->held);
    assert_string_equal(c->expected, "99");
    assert_string_equal(c->got, "0");
    c = check_at(&v, "expect.processes");
    assert_non_null(c);
    assert_false(c->held);
    assert_non_null(strstr(c->got, "w.1 exited with code 100"));
    scn_verdict_free(&v);
    trc_log_free(&log);
    scn_free(&s);
}

/* An expected deadlock is an expectation like the others: it holds with
 * outcome "deadlock", fails with any other, and the rest are checked too. */
static void an_expected_deadlock_checks_every_expectation(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load("{'name': 'dl', 'description': 'a deadlock expected',\n"
                  " 'processes': [{'name': 'a', 'program': [{'op': 'yield'}]},\n"
                  "               {'name': 'b', 'program': [{'op': 'yield'}]}],\n"
                  " 'expect': {'outcome': 'deadlock', 'processes': {'b': {'state': 'blocked'}},\n"
                  "            'messages': {'sent': 0}}}\n",
                  &s);
    struct trc_log log;
    trc_log_init(&log);
    log_proc(&log, 1, "a");
    log_proc(&log, 2, "b");
    struct trc_event blk = {.cycle = 50, .type = TRC_EV_IPC_BLOCK, .pid = 2, .arg = {1, 1, 0, 0}};
    assert_int_equal(trc_log_event(&log, &blk), TRC_OK);
    struct scn_verdict v;
    char why[400];
    /* a never ends: processes not named are not checked in a deadlock */
    assert_int_equal(scn_check(&s, &log, 1000, "deadlock", &v, why, sizeof why), 0);
    assert_int_equal(v.nchecks, 3);
    scn_verdict_free(&v);
    assert_int_equal(scn_check(&s, &log, 1000, "ok", &v, why, sizeof why), -1);
    assert_non_null(strstr(why, "expect.outcome: expected deadlock, got ok"));
    scn_verdict_free(&v);
    scn_free(&s);
    /* the same deadlock with a wrong count fails */
    scn_test_load("{'name': 'dl', 'description': 'a deadlock expected, a count wrong',\n"
                  " 'processes': [{'name': 'a', 'program': [{'op': 'yield'}]},\n"
                  "               {'name': 'b', 'program': [{'op': 'yield'}]}],\n"
                  " 'expect': {'outcome': 'deadlock', 'messages': {'sent': 99}}}\n",
                  &s);
    assert_int_equal(scn_check(&s, &log, 1000, "deadlock", &v, why, sizeof why), -1);
    assert_non_null(strstr(why, "expect.messages.sent: expected 99, got 0"));
    assert_true(check_at(&v, "expect.outcome")->held);
    scn_verdict_free(&v);
    trc_log_free(&log);
    scn_free(&s);
}

/* A value expectation's line gives the raw result and the value's place in
 * the strings: the check says what the scenario asked ("3", "at least 1",
 * ...) and what came back (a value, or an error's name); a line naming
 * no value of the program is not a failed operation. */
static void a_failed_value_says_what_was_asked(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load("{'name': 'vals', 'description': 'values that fail',\n"
                  " 'processes': [\n"
                  "  {'name': 'a', 'program': [{'op': 'yield', 'expect': 3}]},\n"
                  "  {'name': 'b', 'program': [{'op': 'yield', 'expect': {'at_least': 1}}]},\n"
                  "  {'name': 'c', 'program': [{'op': 'yield', 'expect': {'at_most': 5}}]},\n"
                  "  {'name': 'd', 'program': [{'op': 'lookup', 'name': 'n', 'as': 'x'},\n"
                  "    {'op': 'yield', 'expect': {'at_least': 1, 'at_most': 5}}]},\n"
                  "  {'name': 'e', 'program': [{'op': 'yield', 'expect': 3}]}]}\n",
                  &s);
    struct trc_log log;
    trc_log_init(&log);
    static const char *const names[] = {"a", "b", "c", "d", "e"};
    for (uint32_t i = 0; i < 5; i++)
        log_proc(&log, i + 1, names[i]);
    log_print(&log, "[runner] pid 1: operation 0 returned 5, expected 1; iterations\n"
                    "[runner] pid 2: operation 0 returned -21, expected 1; iterations\n"
                    "[runner] pid 3: operation 0 returned 9223372036854775807, expected 1; "
                    "iterations\n"
                    "[runner] pid 4: operation 1 returned 0, expected 9; iterations\n"
                    "[runner] pid 5: operation 0 returned 0, expected 9; iterations\n"
                    "[runner] pid 5: operation 0 returned 0, expected 17; iterations\n");
    for (uint32_t i = 0; i < 5; i++)
        log_exit(&log, i + 1, SCN_EXIT_EXPECT);
    struct scn_verdict v;
    char why[400];
    assert_int_equal(scn_check(&s, &log, 1000, "ok", &v, why, sizeof why), -1);
    assert_int_equal(v.nfailed_ops, 4); /* e's lines name no value of its program */
    static const char *const want[][3] = {
        {"processes[0].program[0]", "3", "5"},
        {"processes[1].program[0]", "at least 1", "would_block"},
        {"processes[2].program[0]", "at most 5", "9223372036854775807"},
        {"processes[3].program[1]", "from 1 to 5", "0"},
    };
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(v.failed_ops[i].path, want[i][0]);
        assert_string_equal(v.failed_ops[i].expected, want[i][1]);
        assert_string_equal(v.failed_ops[i].got, want[i][2]);
    }
    assert_non_null(strstr(why, "processes[0].program[0] (yield) in a: expected 3, returned 5"));
    scn_verdict_free(&v);
    trc_log_free(&log);
    scn_free(&s);
}

int main(int argc, char **argv)
{
    scn_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compiled_slots_map_back_to_places),
        cmocka_unit_test(a_failed_operation_is_named_by_its_place),
        cmocka_unit_test(an_expected_deadlock_checks_every_expectation),
        cmocka_unit_test(a_failed_value_says_what_was_asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
