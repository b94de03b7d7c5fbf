/* tests/integration/test_boot.c: runs the ipcemu program as a user would.
 *   test_integration_boot IPCEMU ARCH   boots every demo on ARCH and checks
 *                                       output, report, determinism, limits
 *   test_integration_boot IPCEMU cli    checks usage errors and exit codes */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"

static const char *arch;

/* Returns the report's process called `name`. */
static const cJSON *proc_named(const cJSON *report, const char *name)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(report, "processes"))
    {
        if (strcmp(jstr(p, "name"), name) == 0)
            return p;
    }
    fail_msg("no process %s in the report", name);
    return NULL;
}

/* The demo: interleaved lines under preemption, the intruder killed, exit
 * 0, and the same trace hash and cycles on a second run. */
static void hello_demo_runs_and_is_deterministic(void **state)
{
    (void)state;
    struct result r = run(1, "boot", "--arch", arch, NULL);
    if (r.status != 0)
        fail_msg("exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
    assert_non_null(r.report);
    for (const char *const *s =
             (const char *const[]){"alpha: line 1 of 5", "alpha: line 5 of 5", "beta: line 5 of 5",
                                   "gamma: line 5 of 5", "intruder: reading kernel memory", NULL};
         *s; s++)
        if (!strstr(r.out, *s))
            fail_msg("'%s' missing from the output:\n%s", *s, r.out);
    assert_non_null(strstr(r.out, "[kernel] killed pid 4 (intruder): page fault (read)"));
    assert_null(strstr(r.out, "isolation is broken"));
    /* The intruder has the higher priority: it runs first. */
    assert_true(strstr(r.out, "intruder: reading") < strstr(r.out, "alpha: line 1 of 5"));
    assert_int_equal(jnum(proc_named(r.report, "intruder"), "priority"), 2);
    /* The IPC part: a first call queued (slow path), then call / reply on
     * the fast path; a forged and a revoked capability refused. */
    for (const char *const *s =
             (const char *const[]){"rpcclient: call 0 -> ok", "rpcclient: call 5 -> ok",
                                   "rpcclient: call on a forged capability -> "
                                   "invalid capability",
                                   "owner: send on it after revoke (it was "
                                   "cached) -> invalid capability",
                                   NULL};
         *s; s++)
        if (!strstr(r.out, *s))
            fail_msg("'%s' missing from the output:\n%s", *s, r.out);
    const cJSON *hm = cJSON_GetObjectItem(r.report, "messages");
    assert_int_equal(jnum(hm, "fast_path"), 10);
    assert_true(jnum(cJSON_GetObjectItem(hm, "slow_path_why"), "no_receiver") >= 1);
    assert_true(jnum(cJSON_GetObjectItem(r.report, "cap_cache"), "hits") > 0);
    assert_int_equal(
        jnum(cJSON_GetObjectItem(cJSON_GetObjectItem(r.report, "paths"), "ipc.call.fast"), "count"),
        5);
    /* Preemption interleaves them: beta and gamma start before alpha ends. */
    assert_true(strstr(r.out, "beta: line 1 of 5") < strstr(r.out, "alpha: line 5 of 5"));
    assert_true(strstr(r.out, "gamma: line 1 of 5") < strstr(r.out, "alpha: line 5 of 5"));
    assert_string_equal(jstr(r.report, "arch"), arch);
    assert_string_equal(jstr(r.report, "outcome"), "ok");
    assert_true(jnum(r.report, "cycles") > 0);
    assert_true(jnum(r.report, "instructions") > 0);
    assert_true(jnum(r.report, "interrupts") > 0);
    assert_int_equal(strlen(jstr(r.report, "trace_hash")), 16);
    const cJSON *in = proc_named(r.report, "intruder");
    assert_string_equal(jstr(in, "state"), "killed");
    const cJSON *f = cJSON_GetObjectItem(in, "fault");
    assert_string_equal(jstr(f, "cause"), "read");
    for (const char *const *n = (const char *const[]){"alpha", "beta", "gamma", NULL}; *n; n++) {
        const cJSON *p = proc_named(r.report, *n);
        assert_string_equal(jstr(p, "state"), "exited");
        assert_int_equal(jnum(p, "exit_code"), 0);
        assert_true(jnum(p, "cycles") > 0);
    }
    struct result again = run(1, "boot", "--arch", arch, "--quiet", NULL);
    assert_int_equal(again.status, 0);
    assert_string_equal(again.out, ""); /* --quiet prints nothing */
    assert_string_equal(jstr(again.report, "trace_hash"), jstr(r.report, "trace_hash"));
    assert_true(jnum(again.report, "cycles") == jnum(r.report, "cycles"));
    assert_true(jnum(again.report, "instructions") == jnum(r.report, "instructions"));
    /* A different quantum changes the interleaving, hence the hash. */
    struct result other = run(1, "boot", "--arch", arch, "--quiet", "--quantum", "7000", NULL);
    assert_int_equal(other.status, 0);
    assert_string_not_equal(jstr(other.report, "trace_hash"), jstr(r.report, "trace_hash"));
    result_free(&r);
    result_free(&again);
    result_free(&other);
}

/* A guest in an endless loop stops at --max-cycles: outcome max_cycles,
 * exit status 1. */
static void endless_loop_stops_at_max_cycles(void **state)
{
    (void)state;
    struct result r = run(1, "boot", "--arch", arch, "--demo", "spin", "--max-cycles", "3000000",
                          "--quiet", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(r.report);
    assert_string_equal(jstr(r.report, "outcome"), "max_cycles");
    double cycles = jnum(r.report, "cycles");
    assert_true(cycles >= 3000000 && cycles < 3000000 + 1000);
    assert_string_equal(jstr(proc_named(r.report, "alpha"), "state"), "exited");
    result_free(&r);
}

/* Storms of system calls and of faulting processes: every crasher is
 * killed, the others finish, the kernel goes on. */
static void syscall_and_fault_storms_end_cleanly(void **state)
{
    (void)state;
    struct result r = run(1, "boot", "--arch", arch, "--demo", "storm", "--quiet", NULL);
    if (r.status != 0)
        fail_msg("exit %d, stderr: %s", r.status, r.err);
    assert_string_equal(jstr(r.report, "outcome"), "ok");
    assert_true(jnum(proc_named(r.report, "caller"), "syscalls") >= 20000);
    assert_true(jnum(proc_named(r.report, "yielder"), "syscalls") >= 3000);
    int killed = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(r.report, "processes"))
    {
        if (!strcmp(jstr(p, "state"), "killed"))
            killed++;
    }
    assert_int_equal(killed, 10);
    result_free(&r);
}

/* Wild pointers and bad instructions: each process is killed for the right
 * cause at the right address; a kernel pointer passed to a system call gets
 * an error code instead. */
static void wild_processes_are_killed_for_the_right_cause(void **state)
{
    (void)state;
    struct result r = run(1, "boot", "--arch", arch, "--demo", "wild", NULL);
    if (r.status != 0)
        fail_msg("exit %d\nstdout:\n%s\nstderr: %s", r.status, r.out, r.err);
    static const struct {
        const char *name, *cause, *addr;
    } want[] = {
        {"nullread", "read", "0x0"},           {"kwrite", "write", "0x40100000"},
        {"kexec", "exec", "0x40100000"},       {"devpoke", "write", "0x10002000"},
        {"farread", "read", "0x7f0000000000"}, {"undef", "undefined-instruction", NULL},
        {"overflow", "write", NULL},           {"breakpoint", "other", NULL},
        {"nullcall", "exec", "0x0"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const cJSON *p = proc_named(r.report, want[i].name);
        assert_string_equal(jstr(p, "state"), "killed");
        const cJSON *f = cJSON_GetObjectItem(p, "fault");
        if (strcmp(jstr(f, "cause"), want[i].cause) != 0)
            fail_msg("%s: cause %s, want %s", want[i].name, jstr(f, "cause"), want[i].cause);
        if (want[i].addr && strcmp(jstr(f, "addr"), want[i].addr) != 0)
            fail_msg("%s: address %s, want %s", want[i].name, jstr(f, "addr"), want[i].addr);
    }
    assert_string_equal(jstr(proc_named(r.report, "priv"), "state"), "killed");
    assert_string_equal(jstr(proc_named(r.report, "badprint"), "state"), "exited");
    assert_non_null(strstr(r.out, "badprint: printing kernel memory returned -2"));
    result_free(&r);
}

/* Ports and capabilities on the real kernel: messages delivered directly
 * and through the queue, every refusal with its own error, revocation
 * seen through the capability cache, a timeout, a close waking a waiter;
 * the report counts it all, and a second run is identical. The exact
 * counts below depend on how processes interleave, that is on cycles: they
 * are those of the flat model (one cycle per instruction); the run with
 * the architecture's CPU profile must come out "ok" as well. */
static void ipc_demo_exercises_ports_and_capabilities(void **state)
{
    (void)state;
    struct result timed = run(1, "boot", "--arch", arch, "--demo", "ipc", "--quiet", NULL);
    if (timed.status != 0)
        fail_msg("with the default CPU profile: exit %d\nstderr: %s", timed.status, timed.err);
    assert_true(jnum(cJSON_GetObjectItem(timed.report, "messages"), "fast_path") > 0);
    /* Every cycle has an owner: kernel functions, user code, idle. */
    const cJSON *at = cJSON_GetObjectItem(timed.report, "attribution");
    assert_true(jnum(at, "kernel") + jnum(at, "user") + jnum(at, "idle") ==
                jnum(timed.report, "cycles"));
    assert_true(jnum(at, "kernel") > 0 && jnum(at, "user") > 0);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(at, "kernel_functions")) > 5);
    /* The fast call spends its cycles in the kernel's call handler, among
     * others; the per-span shares add up to at most the median span. */
    const cJSON *fast =
        cJSON_GetObjectItem(cJSON_GetObjectItem(timed.report, "paths"), "ipc.call.fast");
    const cJSON *fn, *funcs = cJSON_GetObjectItem(fast, "functions");
    bool handler = false;
    double sum = 0;
    cJSON_ArrayForEach(fn, funcs)
    {
        handler |= strcmp(jstr(fn, "name"), "kipc_sys_call") == 0;
        sum += jnum(fn, "cycles");
    }
    assert_true(handler);
    assert_true(sum > 0 && sum <= jnum(fast, "cycles_max"));
    result_free(&timed);
    struct result r = run(1, "boot", "--arch", arch, "--demo", "ipc", "--cpu", "flat", NULL);
    if (r.status != 0 || strstr(r.out, "UNEXPECTED"))
        fail_msg("exit %d\nstdout:\n%s\nstderr: %s", r.status, r.out, r.err);
    static const char *const lines[] = {
        "server: message 1 from pid 2: \"hello over a port\" (0 caps)",
        "server: message 3 from pid 2: \"here is a reply capability\" (1 caps)",
        "server: send on the granted capability -> ok",
        "client: recv the answer -> ok",
        "client: recv on a send-only capability -> insufficient rights",
        "client: send on a forged token -> invalid capability",
        "client: derive adding RECEIVE -> insufficient rights",
        "client: send 257 bytes -> message too large",
        "client: send a capability without GRANT -> insufficient rights",
        "client: send from a kernel pointer -> bad pointer",
        "owner: try_send 3 -> port full",
        "owner: try_recv 3 -> would block",
        "owner: send on the deleted one -> invalid capability",
        "bulksender: unmap its own region -> ok",
        "bulksender: map it again -> ok",
        "bulksender: map it a second time through a read-only copy -> name exists",
        "owner: send on it after revoke (it was cached) -> invalid capability",
        "owner: send opcode 6 -> refused by the port's filter",
        "owner: send again at once -> rate limited",
        "owner: send after close -> port closed",
        "server: recv with a 5000-cycle timeout -> timed out",
        "waiter: recv until the port closes -> port closed",
        "waiter: send on a receive-only capability -> insufficient rights",
        "rpcclient: call 0 -> ok",
        "rpcclient: call 5 -> ok",
        "rpcserver: served every call -> ok",
        "rpcclient: call with 65 bytes in registers -> message too large",
        "rpcclient: reply on a port capability -> invalid capability",
        "rpcclient: call on a forged capability -> invalid capability",
        "rpcclient: call with a 20000-cycle timeout -> timed out",
        "consumer: bind \"sink\" again -> name exists",
        "consumer: look up \"nobody\" -> not found",
        "producer: look up \"sink\" -> ok",
        "producer: unbind a name it did not bind -> not found",
        "consumer: pull 200 bytes into 64 -> message too large",
        "consumer: discard opcode 99 -> ok",
        "consumer: 9 pulled, 3 discarded, in 3 wake-ups",
        "consumer: poll with nothing pending -> ok",
        "bulksender: send the region (move) -> ok",
        "bulksender: map the moved region -> invalid capability",
        "bulkreceiver: moved region of 16384 bytes, checksum matches",
        "bulkreceiver: copied region of 16384 bytes, checksum matches",
        "mover: reading the region where it was mapped before the move",
        "publisher: item 0 reached 3 subscribers",
        "publisher: item 2 reached 3 subscribers",
        "publisher: publish a capability -> invalid argument",
        "publisher: subscribe without RECEIVE on the port -> insufficient rights",
        "subscriber: publish without SEND -> insufficient rights",
        "chanproducer: 24 messages in 3 batches (one system call each)",
        "chanconsumer: 24 messages in order, sum 276",
        "pxclient: \"one\" came back intact",
        "pxclient: \"three\" came back intact",
        "pxserver: close -> ok",
        "rudeserver: reply_recv on the closed port -> port closed",
        "rudeserver: pull a call -> invalid argument",
        "rudeclient: call b (discarded) -> port closed",
        "rudeserver: derive a reply capability -> invalid argument",
        "rudeclient: call c (reply capability deleted) -> port closed",
        "rgowner: map it read-only -> ok",
        "parker: message in the region -> ok",
        "rgowner: send into it (moving a region) -> ok",
        "parker: the moved region came with it -> ok",
        "parker: recv into the revoked region -> bad pointer",
        "parker: the message is still queued -> ok",
        "borrower: move the loan to itself -> ok",
        "borrower: subscribe a receive-only port to its topic -> insufficient rights",
        "borrower: subscribe it twice -> name exists",
        "borrower: map the moved loan after the revoke -> invalid capability",
        "borrower: 80 of 80 regions created and deleted",
        "borrower: 11 more 64 KiB regions, then out of memory",
        "lowsrv: reply to a higher-priority caller -> ok",
        "hicaller: call a lower-priority server -> ok",
        "ladder: the next call is the middle caller's -> ok",
        "ladder: then the low caller's -> ok",
        "ladderhi: its answer -> ok",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!strstr(r.out, lines[i]))
            fail_msg("'%s' missing from the output:\n%s", lines[i], r.out);
    const cJSON *m = cJSON_GetObjectItem(r.report, "messages");
    /* 9 port messages, 6 calls and 6 replies, the timed-out call (queued,
     * never received), 12 queued for the consumer of which 3 discarded,
     * 2 regions sent in bulk, 1 moved to itself, 3 "ready" and 3 x 3
     * published items, 2 channel set-up messages, 6 through the shim, and
     * the rude server / region parker scenarios' 9, the lender and
     * borrower's 4, the low server's call and reply, the ladder's 5 calls
     * and 5 replies. */
    assert_int_equal(jnum(m, "sent"), 82);
    assert_int_equal(jnum(m, "received"), 66 + 10);
    /* The rpc pair: the first call finds no server waiting (slow path,
     * queued); the other five and the five reply_recv that answer them
     * take the fast path with a direct switch. The rude server's calls a
     * and c arrive while it waits in its registers: fast too, and so do
     * three of the ladder's calls (its server waits in its registers). */
    assert_int_equal(jnum(m, "fast_path"), 15);
    assert_true(jnum(m, "direct") >= 1 && jnum(m, "queued") >= 1);
    assert_int_equal(jnum(m, "direct") + jnum(m, "queued") + jnum(m, "fast_path"), 82);
    assert_int_equal(jnum(m, "refused"), 18);
    const cJSON *why = cJSON_GetObjectItem(m, "slow_path_why");
    assert_true(jnum(why, "no_receiver") >= 2);
    assert_int_equal(jnum(why, "port_closed"), 1); /* reply_recv on a closed port */
    /* The ladder's reply_recv to its low caller, the middle one ready. */
    assert_int_equal(jnum(why, "higher_priority_ready"), 1);
    const cJSON *c = cJSON_GetObjectItem(r.report, "cap_cache");
    assert_true(jnum(c, "hits") > 0 && jnum(c, "misses") > 0 && jnum(c, "invalidations") > 0);
    assert_int_equal(jnum(proc_named(r.report, "server"), "messages_received"), 4);
    assert_int_equal(jnum(proc_named(r.report, "rpcserver"), "messages_received"), 6);
    /* After moving a region away, its old mapping faults. */
    const cJSON *mover = proc_named(r.report, "mover");
    assert_string_equal(jstr(mover, "state"), "killed");
    assert_string_equal(jstr(cJSON_GetObjectItem(mover, "fault"), "cause"), "read");
    /* Measured paths: the rpc pair's five fast calls, the rude server's
     * two and the ladder's three, and the rpc pair's five fast replies,
     * each with its cycle statistics. */
    const cJSON *paths = cJSON_GetObjectItem(r.report, "paths");
    const cJSON *cf = cJSON_GetObjectItem(paths, "ipc.call.fast");
    assert_int_equal(jnum(cf, "count"), 10);
    assert_true(jnum(cf, "cycles_min") > 0 && jnum(cf, "cycles_min") <= jnum(cf, "cycles_median"));
    assert_true(jnum(cf, "cycles_median") <= jnum(cf, "cycles_p99"));
    assert_true(jnum(cf, "cycles_p99") <= jnum(cf, "cycles_max"));
    assert_int_equal(jnum(cJSON_GetObjectItem(paths, "ipc.reply.fast"), "count"), 5);
    assert_true(jnum(cJSON_GetObjectItem(paths, "trap.entry"), "count") > 100);
    assert_non_null(cJSON_GetObjectItem(paths, "ipc.call.slow"));
    assert_int_equal(jnum(proc_named(r.report, "rpcclient"), "messages_received"), 6);
    assert_int_equal(jnum(proc_named(r.report, "client"), "messages_sent"), 4);
    struct result again =
        run(1, "boot", "--arch", arch, "--demo", "ipc", "--quiet", "--cpu", "flat", NULL);
    assert_string_equal(jstr(again.report, "trace_hash"), jstr(r.report, "trace_hash"));
    /* A one-line capability cache still gives the same outcome. */
    struct result tiny = run(1, "boot", "--arch", arch, "--demo", "ipc", "--quiet", "--cpu", "flat",
                             "--cap-cache", "1", NULL);
    assert_int_equal(tiny.status, 0);
    assert_true(jnum(cJSON_GetObjectItem(tiny.report, "cap_cache"), "hits") < jnum(c, "hits"));
    result_free(&r);
    result_free(&again);
    result_free(&tiny);
}

/* Bad usage: one clear message naming the problem, exit status 2. */
static void bad_usage_exits_2_with_one_message(void **state)
{
    (void)state;
    static const struct {
        const char *args[4];
        const char *says;
    } cases[] = {
        {{"boot", "--arch", "mips", NULL}, "unknown architecture 'mips'"},
        {{"boot", "--max-cycles", "12abc", NULL}, "--max-cycles '12abc'"},
        {{"boot", "--max-cycles", "-5", NULL}, "--max-cycles '-5'"},
        {{"boot", "--max-cycles", NULL, NULL}, "--max-cycles needs a value"},
        {{"boot", "--frobnicate", "1", NULL}, "unknown option '--frobnicate'"},
        {{"boot", "--demo", "nope", NULL}, "unknown demo 'nope'"},
        {{"boot", "--ram-mib", "4", NULL}, "--ram-mib '4'"},
        {{"boot", "--cap-cache", "3", NULL}, "--cap-cache '3'"},
        {{"boot", "stray", NULL, NULL}, "unexpected argument 'stray'"},
        {{"selftest", "--arch", "vax", NULL}, "unknown architecture 'vax'"},
        {{"launch", NULL, NULL, NULL}, "unknown command 'launch'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct result r =
            run(0, cases[i].args[0], cases[i].args[1], cases[i].args[2], cases[i].args[3], NULL);
        if (r.status != 2 || !strstr(r.err, cases[i].says))
            fail_msg("case %zu: exit %d, stderr '%s', want 2 and '%s'", i, r.status, r.err,
                     cases[i].says);
        assert_string_equal(r.out, "");
        result_free(&r);
    }
    struct result r = run(0, NULL);
    assert_int_equal(r.status, 2);
    result_free(&r);
    r = run(0, "boot", "--quiet", "--report", "/nonexistent-dir/x.json", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/nonexistent-dir/x.json"));
    result_free(&r);
    for (const char *const *cmd = (const char *const[]){"boot", "selftest", NULL}; *cmd; cmd++) {
        r = run(0, *cmd, "--help", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "usage: ipcemu"));
        result_free(&r);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IPCEMU ARCH|cli\n", argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    if (!strcmp(arch, "cli")) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(bad_usage_exits_2_with_one_message)};
        return cmocka_run_group_tests(tests, setup, teardown);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hello_demo_runs_and_is_deterministic),
        cmocka_unit_test(endless_loop_stops_at_max_cycles),
        cmocka_unit_test(syscall_and_fault_storms_end_cleanly),
        cmocka_unit_test(wild_processes_are_killed_for_the_right_cause),
        cmocka_unit_test(ipc_demo_exercises_ports_and_capabilities),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
