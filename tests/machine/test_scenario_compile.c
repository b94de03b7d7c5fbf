/* tests/machine/test_scenario_compile.c: the compiler of operations
 * (machine/scenario_compile.c): every operation loads with every range at
 * its bounds; capabilities and handles land in the slots of struct scn_op;
 * call and reply carry the 64 bytes of the message registers and no more;
 * value expectations compile into scn_op.expect and a struct scn_value in
 * the process's strings, and malformed ones are refused at their path. */
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

/* Every operation, and every range at the bounds it can take without another
 * error: 24 process entries, 32 handles, repeats nested 8 deep, 2^63 - 1 bits,
 * 64 bytes in the message registers, 4 capabilities in a message. */
static void every_operation_and_bound_loads(void **state)
{
    (void)state;
    scn_test_loads(
        "{\n"
        "  'name': 'LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL',\n"
        "  'description': 'every operation, and every range at its bounds',\n"
        "  'seed': 9223372036854775807,\n"
        "  'limits': {'max_cycles': 1000000000000},\n"
        "  'machine': {'arch': 'riscv64', 'cap_cache': 65536, 'quantum': 1000000000},\n"
        "  'objects': [\n"
        "    {'name': 'svc', 'type': 'port', 'owner': 'server', 'capacity': 64},\n"
        "    {'name': 'bell', 'type': 'notification', 'owner': 'server'},\n"
        "    {'name': 'tiny', 'type': 'port', 'owner': 'server', 'capacity': 1}\n"
        "  ],\n"
        "  'capabilities': [\n"
        "    {'from': 'server', 'object': 'svc', 'to': 'client', 'rights': ['send']},\n"
        "    {'from': 'server', 'object': 'bell', 'to': 'client',\n"
        "     'rights': ['send', 'receive', 'grant', 'manage']}\n"
        "  ],\n"
        "  'processes': [\n"
        "    {'name': 'client', 'priority': 0, 'program': [\n"
        "      {'op': 'port_create', 'as': 'abcdefghijklmnop', 'capacity': 64},\n"
        "      {'op': 'port_create', 'as': '_0', 'capacity': 1},\n"
        "      {'op': 'send', 'port': 'svc', 'bytes': 256, 'opcode': 63, 'timeout': 0,\n"
        "       'caps': ['abcdefghijklmnop', '_0', 'svc', 'bell'], 'expect': 'ok'},\n"
        "      {'op': 'try_send', 'port': 'svc', 'bytes': 0, 'opcode': 0, 'caps': [],\n"
        "       'expect': 'port_full'},\n"
        "      {'op': 'call', 'port': 'svc', 'bytes': 64, 'opcode': 63, 'timeout': 1000000},\n"
        "      {'op': 'call', 'port': 'svc', 'bytes': 0, 'opcode': 0, 'timeout': 0},\n"
        "      {'op': 'notify', 'notif': 'bell', 'bits': 9223372036854775807},\n"
        "      {'op': 'notify', 'notif': 'bell', 'bits': 1},\n"
        "      {'op': 'derive', 'cap': 'svc', 'rights': ['send'], 'as': 'svc2'},\n"
        "      {'op': 'revoke', 'cap': 'svc2', 'expect': 'ok'},\n"
        "      {'op': 'delete', 'cap': 'svc2', 'expect': 'invalid_cap'},\n"
        "      {'op': 'repeat', 'count': 1000000000, 'body': [\n"
        "       {'op': 'repeat', 'count': 1, 'body': [\n"
        "        {'op': 'repeat', 'count': 1, 'body': [\n"
        "         {'op': 'repeat', 'count': 1, 'body': [\n"
        "          {'op': 'repeat', 'count': 1, 'body': [\n"
        "           {'op': 'repeat', 'count': 1, 'body': [\n"
        "            {'op': 'repeat', 'count': 1, 'body': [\n"
        "             {'op': 'repeat', 'count': 1, 'body': [\n"
        "              {'op': 'compute', 'cycles': 10000000000}\n"
        "      ]}]}]}]}]}]}]}]},\n"
        "      {'op': 'sleep', 'cycles': 1000000000000},\n"
        "      {'op': 'sleep', 'cycles': 1}, {'op': 'compute', 'cycles': 1}, {'op': 'yield'},\n"
        "      {'op': 'lookup', 'name': 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn', 'as': 'looked',\n"
        "       'expect': 'not_found'},\n"
        "      {'op': 'exit', 'code': 255}\n"
        "    ]},\n"
        "    {'name': 'server', 'priority': 7, 'program': [\n"
        "      {'op': 'bind', 'port': 'svc', 'name': 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn'},\n"
        "      {'op': 'bind', 'port': 'tiny', 'name': 't', 'expect': 'exists'},\n"
        "      {'op': 'limit', 'port': 'svc', 'opcodes': [0, 63], 'max_bytes': 256},\n"
        "      {'op': 'limit', 'port': 'tiny', 'opcodes': [5], 'max_bytes': 0},\n"
        "      {'op': 'rate', 'port': 'svc', 'period': 1000, 'burst': 4294967295},\n"
        "      {'op': 'recv', 'port': 'svc', 'timeout': 1000000000000, 'as': ['c1', 'c2', 'c3', "
        "'c4']},\n"
        "      {'op': 'try_recv', 'port': 'svc', 'expect': 'would_block'},\n"
        "      {'op': 'peek', 'port': 'svc'}, {'op': 'pull', 'port': 'svc'},\n"
        "      {'op': 'discard', 'port': 'svc'},\n"
        "      {'op': 'recv_call', 'port': 'svc', 'as': 'r1', 'timeout': 5},\n"
        "      {'op': 'reply', 'reply': 'r1', 'bytes': 64},\n"
        "      {'op': 'recv_call', 'port': 'svc', 'as': 'r2', 'timeout': 0},\n"
        "      {'op': 'reply_recv', 'reply': 'r2', 'port': 'svc', 'as': 'r3'},\n"
        "      {'op': 'reply', 'reply': 'r3', 'bytes': 0},\n"
        "      {'op': 'notif_create', 'as': 'n2'},\n"
        "      {'op': 'wait', 'notif': 'bell', 'timeout': 5},\n"
        "      {'op': 'poll', 'notif': 'n2'},\n"
        "      {'op': 'exit'}\n"
        "    ]},\n"
        "    {'name': 'handles32', 'program': [\n"
        "      {'op': 'port_create', 'as': 'h0'}, {'op': 'port_create', 'as': 'h1'},\n"
        "      {'op': 'port_create', 'as': 'h2'}, {'op': 'port_create', 'as': 'h3'},\n"
        "      {'op': 'port_create', 'as': 'h4'}, {'op': 'port_create', 'as': 'h5'},\n"
        "      {'op': 'port_create', 'as': 'h6'}, {'op': 'port_create', 'as': 'h7'},\n"
        "      {'op': 'port_create', 'as': 'h8'}, {'op': 'port_create', 'as': 'h9'},\n"
        "      {'op': 'port_create', 'as': 'h10'}, {'op': 'port_create', 'as': 'h11'},\n"
        "      {'op': 'port_create', 'as': 'h12'}, {'op': 'port_create', 'as': 'h13'},\n"
        "      {'op': 'port_create', 'as': 'h14'}, {'op': 'port_create', 'as': 'h15'},\n"
        "      {'op': 'port_create', 'as': 'h16'}, {'op': 'port_create', 'as': 'h17'},\n"
        "      {'op': 'port_create', 'as': 'h18'}, {'op': 'port_create', 'as': 'h19'},\n"
        "      {'op': 'port_create', 'as': 'h20'}, {'op': 'port_create', 'as': 'h21'},\n"
        "      {'op': 'port_create', 'as': 'h22'}, {'op': 'port_create', 'as': 'h23'},\n"
        "      {'op': 'port_create', 'as': 'h24'}, {'op': 'port_create', 'as': 'h25'},\n"
        "      {'op': 'port_create', 'as': 'h26'}, {'op': 'port_create', 'as': 'h27'},\n"
        "      {'op': 'port_create', 'as': 'h28'}, {'op': 'notif_create', 'as': 'h29'},\n"
        "      {'op': 'notif_create', 'as': 'h30'}, {'op': 'port_create', 'as': 'h31'}\n"
        "    ]},\n"
        "    {'name': 'p3', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p4', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p5', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p6', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p7', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p8', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p9', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p10', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p11', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p12', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p13', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p14', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p15', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p16', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p17', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p18', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p19', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p20', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p21', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'p22', 'program': [{'op': 'yield'}]},\n"
        "    {'name': 'Z', 'priority': 1, 'program': [{'op': 'exit'}]}\n"
        "  ],\n"
        "  'expect': {\n"
        "    'processes': {'client': {'state': 'exited', 'code': 255},\n"
        "                  'server': {'state': 'killed', 'code': 0},\n"
        "                  'Z': {'state': 'exited', 'code': 0}},\n"
        "    'messages': {'sent': 0, 'received': 1, 'fast_path': 2, 'slow_path': 3, 'refused': "
        "4},\n"
        "    'paths': {\n"
        "      'trap.entry': {'count': 1, 'min_count': 0, 'max_count': 1000000},\n"
        "      'ipc.send.direct': {'count': 1, 'min_count': 0, 'max_count': 1000000},\n"
        "      'ipc.send.queued': {'count': 1, 'min_count': 0, 'max_count': 1000000},\n"
        "      'ipc.recv.queued': {'count': 1, 'min_count': 0, 'max_count': 1000000},\n"
        "      'ipc.call.fast': {'count': 1, 'min_count': 0, 'max_count': 1000000},\n"
        "      'ipc.call.slow': {'count': 1, 'min_count': 0, 'max_count': 1000000},\n"
        "      'ipc.reply.fast': {'count': 1, 'min_count': 0, 'max_count': 1000000},\n"
        "      'ipc.reply.slow': {'count': 1, 'min_count': 0, 'max_count': 1000000}\n"
        "    },\n"
        "    'cycles': {'min': 0, 'max': 1000000000000}\n"
        "  }\n"
        "}\n");
}

/* Four capabilities in a send and four names in a receive's "as"; 64 bytes
 * in a call and a reply: what the kernel carries. */
static void a_send_carries_four_capabilities(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load("{'name': 'caps', 'description': 'four capabilities',\n"
                  " 'processes': [{'name': 'a', 'program': [\n"
                  "   {'op': 'port_create', 'as': 'p0'}, {'op': 'port_create', 'as': 'p1'},\n"
                  "   {'op': 'port_create', 'as': 'p2'}, {'op': 'port_create', 'as': 'p3'},\n"
                  "   {'op': 'send', 'port': 'p0', 'caps': ['p3', 'p2', 'p1', 'p0']},\n"
                  "   {'op': 'recv', 'port': 'p0', 'as': ['x', 'y', 'z', 'w']},\n"
                  "   {'op': 'recv', 'port': 'p0', 'as': 'v'},\n"
                  "   {'op': 'call', 'port': 'p1', 'bytes': 64},\n"
                  "   {'op': 'recv_call', 'port': 'p1', 'as': 'r'},\n"
                  "   {'op': 'reply', 'reply': 'r', 'bytes': 64}]}]}\n",
                  &s);
    const struct scn_op *ops = s.entries[0].ops;
    assert_int_equal(ops[4].code, SCN_OP_SEND);
    assert_int_equal(ops[4].x, 0x00010203u);
    assert_int_equal(ops[5].code, SCN_OP_RECV);
    assert_int_equal(ops[5].c, 4);
    assert_int_equal(ops[5].x, 0x07060504u);
    assert_int_equal(ops[6].x, SCN_NO_SLOTS);
    assert_int_equal(ops[7].n, 64);
    assert_int_equal(ops[9].n, 64);
    scn_free(&s);
}

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
        cmocka_unit_test(every_operation_and_bound_loads),
        cmocka_unit_test(a_send_carries_four_capabilities),
        cmocka_unit_test(every_form_compiles),
        cmocka_unit_test(malformed_values_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
