/* tests/machine/test_scenario_compile.c: the compiler of operations
 * (machine/scenario_compile.c): every operation loads with every range at
 * its bounds; capabilities and handles land in the slots of struct scn_op;
 * call and reply carry the 64 bytes of the message registers and no more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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

int main(int argc, char **argv)
{
    scn_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_operation_and_bound_loads),
        cmocka_unit_test(a_send_carries_four_capabilities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
