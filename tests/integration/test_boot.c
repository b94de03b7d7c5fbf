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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"
#include "util/hostfile.h"

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
    /* Every cycle has an owner: kernel functions, user code, idle, the
     * hardware's trap entry and return. */
    const cJSON *at = cJSON_GetObjectItem(timed.report, "attribution");
    assert_true(jnum(at, "kernel") + jnum(at, "user") + jnum(at, "idle") + jnum(at, "trap_entry") +
                    jnum(at, "trap_return") ==
                jnum(timed.report, "cycles"));
    assert_true(jnum(at, "kernel") > 0 && jnum(at, "user") > 0);
    assert_true(jnum(at, "trap_entry") > 0 && jnum(at, "trap_return") > 0);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(at, "kernel_functions")) > 5);
    /* The fast call (its trap to the server's first instruction) spends
     * its cycles in the kernel's call handler, among others; the per-span
     * shares of its top functions add up to at most its longest span. */
    const cJSON *fast =
        cJSON_GetObjectItem(cJSON_GetObjectItem(timed.report, "paths"), "ipc.call.fast");
    const cJSON *fn, *funcs = cJSON_GetObjectItem(fast, "functions");
    bool handler = false;
    double sum = 0;
    cJSON_ArrayForEach(fn, funcs)
    {
        handler |= strcmp(jstr(fn, "name"), "fastpath_call") == 0; /* kfastpath.c */
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
        "rudeserver: reply with a forged reply capability -> invalid capability",
        "rudeserver: reply with the answered call's -> invalid capability",
        "rudeserver: derive a reply capability -> invalid argument",
        "rudeserver: reply with it after the delete -> invalid capability",
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
    /* (3 of them the rude server's replies on a forged, a stale and a
     * deleted fixed-slot reply capability) */
    assert_int_equal(jnum(m, "refused"), 21);
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

/* ---- files: traces, inputs and outputs ------------------------------------ */

/* Returns tmpdir/name in a static buffer (one of eight). */
static const char *tmp(const char *name)
{
    static char path[8][256];
    static int k;
    char *p = path[k++ % 8];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    return p;
}

/* Writes `text` to `path`. */
static void put_file(const char *path, const void *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Returns true when the file at `path` holds exactly `text`. */
static bool file_is(const char *path, const char *text)
{
    size_t n;
    uint8_t *b = (uint8_t *)read_whole(path, &n);
    bool same = b && n == strlen(text) && !memcmp(b, text, n);
    free(b);
    return same;
}

/* Returns how many entries of tmpdir have `part` in their name. */
static int files_named(const char *part)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c -F -- '%s'", tmpdir, part);
    FILE *p = popen(cmd, "r");
    int k = -1;
    if (p) {
        if (fscanf(p, "%d", &k) != 1)
            k = -1;
        pclose(p);
    }
    return k;
}

/* Returns the number of lines of `s`. */
static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Copies the trace `src` to `dst` with its setting `key` replaced by the
 * line `line` (removed when ""), and the checksum made to match: a trace
 * whose only fault is that setting. */
static void edit_trace(const char *src, const char *dst, const char *key, const char *line)
{
    size_t n;
    uint8_t *b = (uint8_t *)read_whole(src, &n);
    assert_non_null(b);
    size_t at = 12, len = 0;
    for (int shift = 0;; shift += 7) {
        len |= (size_t)(b[at] & 0x7f) << shift;
        if (!(b[at++] & 0x80))
            break;
    }
    char settings[4096] = "";
    const char *s = (const char *)b + at, *end = s + len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        assert_non_null(nl);
        if (!strncmp(s, key, strlen(key)) && s[strlen(key)] == '=') {
            if (*line) {
                strcat(settings, line);
                strcat(settings, "\n");
            }
        } else {
            strncat(settings, s, (size_t)(nl - s + 1));
        }
        s = nl + 1;
    }
    size_t sl = strlen(settings), rest = n - 8 - (at + len), k = 12;
    uint8_t *o = malloc(n + sizeof settings + 16);
    memcpy(o, b, 12);
    size_t v = sl;
    do {
        o[k++] = (uint8_t)((v & 0x7f) | (v >> 7 ? 0x80 : 0));
        v >>= 7;
    } while (v);
    memcpy(o + k, settings, sl);
    k += sl;
    memcpy(o + k, b + at + len, rest);
    k += rest;
    uint64_t h = hf_fnv1a(o, k, HF_FNV_INIT);
    for (int i = 0; i < 8; i++)
        o[k++] = (uint8_t)(h >> (8 * i));
    put_file(dst, o, k);
    free(o);
    free(b);
}

/* A trace records the engine it ran on; replaying it on another engine
 * version says so in one line after the run's summary (stdout, exit 1)
 * instead of "diverged", and a run that comes out the same on it is still
 * "identical". */
static void replay_names_another_engine(void **state)
{
    (void)state;
    const char *t = tmp("engine.trace"), *other = tmp("engine-other.trace");
    struct result r = run_limited(120, 0, 0, "boot", "--demo", "spin", "--max-cycles", "3000000",
                                  "--quiet", "--trace", t, NULL);
    assert_int_equal(r.status, 1); /* max_cycles */
    result_free(&r);
    r = run_limited(60, 0, 0, "version", NULL);
    const char *v = strstr(r.out, "unicorn ");
    assert_non_null(v);
    char engine[32];
    snprintf(engine, sizeof engine, "%.*s", (int)strcspn(v + 8, "\n"), v + 8);
    result_free(&r);
    /* the same run recorded on "2.0.1": identical all the same */
    edit_trace(t, other, "build", "build=ipcemu 0.1.0 unicorn 2.0.1 kernel 0000000000000000");
    r = run_limited(120, 0, 0, "replay", other, NULL);
    if (r.status != 0 || !strstr(r.out, "replay: identical") || r.err[0])
        fail_msg("same run, other engine: exit %d\n%s%s", r.status, r.out, r.err);
    result_free(&r);
    /* a run that differs (it was cut at another cycle): one line, naming both */
    static const char *const builds[] = {
        "build=ipcemu 0.1.0 unicorn 2.0.1 kernel 0000000000000000",
        "build=ipcemu 0.1.0 kernel 0000000000000000", /* before traces named it */
    };
    for (size_t i = 0; i < 2; i++) {
        const char *mid = tmp("engine-mid.trace");
        edit_trace(t, mid, "max_cycles", "max_cycles=2000000");
        edit_trace(mid, other, "build", builds[i]);
        r = run_limited(120, 0, 0, "replay", other, NULL);
        char want[120];
        snprintf(want, sizeof want, "recorded on Unicorn %s, replayed on Unicorn %s",
                 i == 0 ? "2.0.1" : "an unnamed version (2.0.1 or older)", engine);
        /* the run's summary, then one verdict line */
        const char *verdict = strstr(r.out, "\nreplay: ");
        if (r.status != 1 || !strstr(r.out, want) || !verdict || lines(verdict + 1) != 1 ||
            strstr(verdict + 1, "\nreplay: ") || r.err[0] || strstr(r.out, "diverged"))
            fail_msg("%s: exit %d\nstdout '%s'\nstderr '%s'\nwant exit 1 and one line '%s'",
                     builds[i], r.status, r.out, r.err, want);
        result_free(&r);
    }
}

/* A small scenario: one process that yields and exits. */
static const char scenario_text[] =
    "{\"name\": \"tiny\", \"description\": \"one process that yields and exits\",\n"
    " \"processes\": [{\"name\": \"solo\", \"program\": ["
    "{\"op\": \"yield\"}]}]}\n";

/* `replay` takes no setting from a trace that the command line would
 * refuse: each gets exit 2 and one line naming the trace and the setting
 * (before: a replay that never ended, or exit 1 "diverged" or a kernel
 * panic). */
static void bad_trace_settings_exit_2_naming_them(void **state)
{
    (void)state;
    const char *t = tmp("spin.trace");
    struct result r = run_limited(120, 0, 0, "boot", "--demo", "spin", "--max-cycles", "3000000",
                                  "--quiet", "--trace", t, NULL);
    assert_int_equal(r.status, 1); /* max_cycles */
    result_free(&r);
    r = run_limited(120, 0, 0, "replay", t, NULL);
    if (r.status != 0 || !strstr(r.out, "replay: identical"))
        fail_msg("replay of a good trace: exit %d\n%s%s", r.status, r.out, r.err);
    result_free(&r);
    /* `read`: the reader refuses it (diff too); else replay does, when it
     * sets the machine up */
    static const struct {
        const char *key, *line;
        bool read;
    } cases[] = {
        {"max_cycles", "max_cycles=0", true},
        {"max_cycles", "max_cycles=18446744073709551615", true},
        {"max_cycles", "max_cycles=010", true},
        {"ram", "ram=1", true},
        {"cap_cache", "cap_cache=3", true},
        {"cap_cache", "cap_cache=4294967295", true},
        {"quantum", "quantum=1", true},
        {"seed", "seed=-1", true},
        {"exact_caches", "exact_caches=7", true},
        {"kind", "kind=exec", true},
        {"kind", "kind=run", true},
        {"seed", "", true},
        {"demo", "demo=99", false},
        {"arch", "arch=mips", false},
        {"cpu", "cpu=no-such-profile", false},
    };
    const char *bad = tmp("bad.trace");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        edit_trace(t, bad, cases[i].key, cases[i].line);
        r = run_limited(60, 0, 0, "replay", bad, NULL);
        char want[80];
        snprintf(want, sizeof want, "setting %s", cases[i].key);
        if (r.status != 2 || !strstr(r.err, bad) || !strstr(r.err, want) || lines(r.err) != 1)
            fail_msg("%s: exit %d, stderr '%s'; want 2 and one line naming %s and '%s'",
                     cases[i].line, r.status, r.err, bad, want);
        result_free(&r);
        if (!cases[i].read)
            continue;
        r = run_limited(60, 0, 0, "diff", t, bad, NULL);
        if (r.status != 2 || !strstr(r.err, want))
            fail_msg("diff with %s: exit %d, stderr '%s'", cases[i].line, r.status, r.err);
        result_free(&r);
    }
    /* bytes 9..11 are part of the version: not "version 1" */
    size_t n;
    uint8_t *b = (uint8_t *)read_whole(t, &n);
    b[11] = 1;
    put_file(bad, b, n);
    free(b);
    r = run_limited(60, 0, 0, "replay", bad, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "version 16777217"));
    assert_null(strstr(r.err, "version 1;"));
    result_free(&r);
}

/* Text from a trace never reaches the terminal raw: a control character in
 * a setting is refused (ipcemu writes none), and what is printed has every
 * byte outside printable ASCII as \xHH (an 8-bit CSI, 0x9b, included). */
static void trace_text_is_printed_escaped(void **state)
{
    (void)state;
    const char *t = tmp("spin.trace"), *esc = tmp("esc.trace");
    struct result r = run_limited(120, 0, 0, "boot", "--demo", "spin", "--max-cycles", "3000000",
                                  "--quiet", "--trace", t, NULL);
    result_free(&r);
    edit_trace(t, esc, "scenario_path",
               "scenario_path=\233"
               "2J\303\251t\303\251.json");
    r = run_limited(60, 0, 0, "diff", t, esc, NULL);
    assert_int_equal(r.status, 0);
    assert_null(strchr(r.out, '\233'));
    assert_non_null(strstr(r.out, "\\x9b2J\\xc3\\xa9t\\xc3\\xa9.json"));
    result_free(&r);
    edit_trace(t, esc, "scenario_path", "scenario_path=\033]0;owned\007\033[2J");
    r = run_limited(60, 0, 0, "diff", t, esc, NULL);
    assert_int_equal(r.status, 2);
    assert_null(strchr(r.err, '\033'));
    assert_non_null(strstr(r.err, "\\x1b]0;owned\\x07\\x1b[2J"));
    assert_non_null(strstr(r.err, "control character"));
    result_free(&r);
    edit_trace(t, esc, "cpu", "cpu=\033[31mred");
    r = run_limited(60, 0, 0, "replay", esc, NULL);
    assert_int_equal(r.status, 2);
    assert_null(strchr(r.err, '\033'));
    assert_non_null(strstr(r.err, "\\x1b[31mred"));
    result_free(&r);
}

/* Numbers are decimal: 010 is not 8 (nor 10: a leading zero is refused),
 * and no sign, space or 0x. */
static void numbers_are_decimal(void **state)
{
    (void)state;
    static const char *const bad[] = {"010", "0x10", "+5", " 5", "5 ", "1e6", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct result r = run(0, "boot", "--quiet", "--max-cycles", bad[i], NULL);
        char want[40];
        snprintf(want, sizeof want, "--max-cycles '%s'", bad[i]);
        if (r.status != 2 || !strstr(r.err, want))
            fail_msg("--max-cycles '%s': exit %d, stderr '%s'", bad[i], r.status, r.err);
        result_free(&r);
    }
    struct result r = run(0, "boot", "--quiet", "--max-cycles", "010", NULL);
    assert_non_null(strstr(r.err, "leading zero"));
    result_free(&r);
    r = run(0, "boot", "--quiet", "--quantum", "01000", NULL);
    assert_int_equal(r.status, 2);
    result_free(&r);
    r = run(0, "boot", "--quiet", "--seed", "0x1", NULL);
    assert_int_equal(r.status, 2);
    result_free(&r);
}

/* `ipcemu` alone: a short usage on stderr and exit 2; --help: all of it
 * on stdout and exit 0. */
static void short_usage_and_full_help(void **state)
{
    (void)state;
    struct result r = run(0, NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_true(lines(r.err) >= 1 && lines(r.err) <= 4);
    assert_non_null(strstr(r.err, "ipcemu --help"));
    result_free(&r);
    r = run(0, "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_true(lines(r.out) > 10);
    assert_non_null(strstr(r.out, "exit status"));
    result_free(&r);
}

/* A FIFO or a directory given as scenario, trace or program is refused at
 * once (before: blocked forever on the FIFO). */
static void fifos_and_directories_are_refused_at_once(void **state)
{
    (void)state;
    const char *fifo = tmp("fifo");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const char *const *cmds[] = {
        (const char *const[]){"run", fifo, NULL},      (const char *const[]){"exec", fifo, NULL},
        (const char *const[]){"replay", fifo, NULL},   (const char *const[]){"diff", fifo, fifo},
        (const char *const[]){"run", tmpdir, NULL},    (const char *const[]){"exec", tmpdir, NULL},
        (const char *const[]){"replay", tmpdir, NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        struct result r = run_limited(20, 0, 0, cmds[i][0], cmds[i][1], cmds[i][2], NULL);
        const char *kind = cmds[i][1] == fifo ? "FIFO" : "directory";
        if (r.status != 2 || !strstr(r.err, kind) || !strstr(r.err, cmds[i][1]))
            fail_msg("%s %s: exit %d, stderr '%s'", cmds[i][0], cmds[i][1], r.status, r.err);
        result_free(&r);
    }
    unlink(fifo);
}

/* No output overwrites an input or another output: exit 2, every file as
 * it was (before: the scenario replaced by its report, one of two outputs
 * to one file lost). */
static void outputs_never_replace_inputs_or_each_other(void **state)
{
    (void)state;
    const char *x = tmp("x.json"), *f = tmp("F"), *link = tmp("link.json");
    put_file(x, scenario_text, strlen(scenario_text));
    struct result r = run(0, "run", x, "--quiet", NULL);
    if (r.status != 0)
        fail_msg("the small scenario: exit %d: %s", r.status, r.err);
    result_free(&r);
    unlink(link);
    assert_int_equal(symlink(x, link), 0);
    char dotted[300];
    snprintf(dotted, sizeof dotted, "%s/./F", tmpdir);
    const char *const *cases[] = {
        (const char *const[]){"--report", x, NULL, NULL},
        (const char *const[]){"--trace", x, NULL, NULL},
        (const char *const[]){"--csv", link, NULL, NULL},
        (const char *const[]){"--trace", f, "--report", f},
        (const char *const[]){"--perfetto", f, "--csv", dotted},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unlink(f);
        r = run(0, "run", x, "--quiet", cases[i][0], cases[i][1], cases[i][2], cases[i][3], NULL);
        if (r.status != 2 || lines(r.err) != 1)
            fail_msg("case %zu: exit %d, stderr '%s'", i, r.status, r.err);
        assert_true(file_is(x, scenario_text));
        assert_int_equal(access(f, F_OK), -1); /* nothing written */
        result_free(&r);
    }
    /* two outputs to /dev/null are fine */
    r = run(0, "run", x, "--quiet", "--report", "/dev/null", "--csv", "/dev/null", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
}

/* A write that fails (a full disk) leaves no new file and the earlier one
 * intact, and exits 2 naming it (before: a cut CSV, report or trace). */
static void a_failed_write_leaves_no_half_file(void **state)
{
    (void)state;
    static const char *const opts[] = {"--report", "--perfetto", "--csv", "--trace"};
    const char *x = tmp("x.json");
    put_file(x, scenario_text, strlen(scenario_text));
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        struct result r = run(0, "run", x, "--quiet", opts[i], "/dev/full", NULL);
        if (r.status != 2 || !strstr(r.err, "/dev/full") || !strstr(r.err, opts[i]))
            fail_msg("%s /dev/full: exit %d, stderr '%s'", opts[i], r.status, r.err);
        result_free(&r);
    }
    /* regular files, with 4 KiB as all the room there is */
    const char *rep = tmp("r.json"), *csv = tmp("c.csv"), *tr = tmp("t.trace"), *pf = tmp("p.json");
    put_file(rep, "old", 3);
    put_file(csv, "old", 3);
    put_file(tr, "old", 3);
    unlink(pf);
    struct result r = run_limited(120, 4096, 0, "boot", "--quiet", "--report", rep, "--csv", csv,
                                  "--trace", tr, "--perfetto", pf, NULL);
    if (r.status != 2)
        fail_msg("exit %d, stderr '%s'", r.status, r.err);
    assert_true(file_is(rep, "old") && file_is(csv, "old") && file_is(tr, "old"));
    assert_int_equal(access(pf, F_OK), -1);
    assert_int_equal(files_named(".tmp."), 0);
    assert_non_null(strstr(r.err, csv));
    result_free(&r);
    /* a directory that cannot be written: refused before the run (root
     * writes anywhere: then there is nothing to check) */
    if (geteuid() != 0) {
        const char *ro = tmp("ro");
        mkdir(ro, 0555);
        char out[300];
        snprintf(out, sizeof out, "%s/r.json", ro);
        r = run(0, "boot", "--quiet", "--report", out, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, out));
        assert_int_equal(access(out, F_OK), -1);
        result_free(&r);
    }
}

/* `exec --trace` records the program: its replay runs it again (before:
 * the kernel's demo, "diverged at event 0"). A program that prints
 * nothing records an empty console. */
static void exec_traces_replay_the_program(void **state)
{
    (void)state;
    char dir[512], sum[600], spin[600];
    snprintf(dir, sizeof dir, "%s", ipcemu);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    snprintf(sum, sizeof sum, "%s/guest/%s/exec-sum.elf", dir, arch);
    snprintf(spin, sizeof spin, "%s/guest/%s/exec-spin.elf", dir, arch);
    const char *t = tmp("exec.trace");
    struct result r = run(0, "exec", "--arch", arch, sum, "--quiet", "--trace", t, NULL);
    if (r.status != 0)
        fail_msg("exec %s: exit %d: %s", sum, r.status, r.err);
    result_free(&r);
    r = run(0, "replay", t, NULL);
    if (r.status != 0 || !strstr(r.out, "replay: identical"))
        fail_msg("replay of an exec trace: exit %d\n%s%s", r.status, r.out, r.err);
    result_free(&r);
    r = run(0, "exec", "--arch", arch, spin, "--quiet", "--max-cycles", "200000", "--trace", t,
            NULL);
    assert_int_equal(r.status, 1); /* max_cycles */
    result_free(&r);
    r = run(0, "replay", t, NULL);
    if (r.status != 0 || !strstr(r.out, "replay: identical"))
        fail_msg("replay of an exec trace: exit %d\n%s%s", r.status, r.out, r.err);
    result_free(&r);
    /* the program's trace holds the program: a boot trace's settings
     * with it are refused */
    edit_trace(t, tmp("k.trace"), "kind", "kind=boot");
    r = run(0, "replay", tmp("k.trace"), NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "setting kind=boot"));
    result_free(&r);
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
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(bad_usage_exits_2_with_one_message),
            cmocka_unit_test(numbers_are_decimal),
            cmocka_unit_test(short_usage_and_full_help),
            cmocka_unit_test(fifos_and_directories_are_refused_at_once),
            cmocka_unit_test(outputs_never_replace_inputs_or_each_other),
            cmocka_unit_test(a_failed_write_leaves_no_half_file),
            cmocka_unit_test(bad_trace_settings_exit_2_naming_them),
            cmocka_unit_test(trace_text_is_printed_escaped),
            cmocka_unit_test(replay_names_another_engine),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hello_demo_runs_and_is_deterministic),
        cmocka_unit_test(endless_loop_stops_at_max_cycles),
        cmocka_unit_test(syscall_and_fault_storms_end_cleanly),
        cmocka_unit_test(wild_processes_are_killed_for_the_right_cause),
        cmocka_unit_test(ipc_demo_exercises_ports_and_capabilities),
        cmocka_unit_test(exec_traces_replay_the_program),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
