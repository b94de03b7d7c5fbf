/* tests/machine/test_scenario_load.c: the scenario loader
 * (machine/scenario_load.c, through scn_load_file) rejects every malformed
 * scenario of tests/machine/scenarios_bad/ (one file each, wrong in exactly
 * one way; see its README.md) with a one-line message
 * "FILE:LINE:COL: JSONPATH: message" that names the right JSON path; loads
 * valid ones, replicas expanded into the blob; and its copies of the
 * kernel's limits are the kernel's. The corpus directory is
 * IPCEMU_SCENARIOS_BAD, or argv[1]; the repository is three levels above
 * it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include <cmocka.h>

#include "ipc/ipc.h"
#include "machine/scenario.h"
#include "tests/machine/scenario_harness.h"

/* The longest error message the loader may write. */
#define MAX_MSG 300

/* Every malformed scenario and the JSON path its error names ("" for JSON
 * syntax errors, whose message has no path). Keep in step with the table in
 * scenarios_bad/README.md. */
static const struct bad {
    const char *file;
    const char *path;
} corpus[] = {
    {"01-empty-file.json", ""},
    {"02-truncated.json", ""},
    {"03-trailing-comma.json", ""},
    {"04-missing-colon.json", ""},
    {"05-bad-escape.json", ""},
    {"06-invalid-utf8.json", ""},
    {"07-overlong-utf8.json", ""},
    {"08-nul-byte.json", ""},
    {"09-just-array.json", ""},
    {"10-top-level-string.json", ""},
    {"11-deep-arrays-10000.json", ""},
    {"12-unterminated-string.json", ""},
    {"13-comment.json", ""},
    {"14-trailing-garbage.json", ""},
    {"15-leading-zero.json", ""},
    {"16-single-quotes.json", ""},
    {"17-nan.json", ""},
    {"18-newline-in-string.json", ""},
    {"19-string-for-number.json", "processes[0].priority"},
    {"20-number-for-string.json", "name"},
    {"21-object-for-array.json", "processes"},
    {"22-bool-for-integer.json", "objects[0].capacity"},
    {"23-float-for-integer.json", "processes[0].priority"},
    {"24-negative-seed.json", "seed"},
    {"25-null-description.json", "description"},
    {"26-array-for-object.json", "limits"},
    {"27-op-not-object.json", "processes[0].program[1]"},
    {"28-negative-timeout.json", "processes[1].program[0].timeout"},
    {"29-unknown-top-field.json", "author"},
    {"30-unknown-limits-field.json", "limits.max_cycle"},
    {"31-unknown-machine-field.json", "machine.memory"},
    {"32-unknown-object-field.json", "objects[0].size"},
    {"33-unknown-capability-field.json", "capabilities[0].badge"},
    {"34-unknown-process-field.json", "processes[0].stack"},
    {"35-unknown-op-field.json", "processes[0].program[0].color"},
    {"36-field-of-another-op.json", "processes[1].program[0].bytes"},
    {"37-unknown-expect-field.json", "expect.exit"},
    {"38-unknown-expect-process-field.json", "expect.processes.ping.exit_code"},
    {"39-unknown-expect-messages-field.json", "expect.messages.lost"},
    {"40-unknown-expect-cycles-field.json", "expect.cycles.avg"},
    {"41-capacity-on-notification.json", "objects[1].capacity"},
    {"42-missing-name.json", "name"},
    {"43-missing-description.json", "description"},
    {"44-missing-processes.json", "processes"},
    {"45-send-without-port.json", "processes[0].program[0].port"},
    {"46-op-without-op.json", "processes[0].program[0].op"},
    {"47-object-without-owner.json", "objects[1].owner"},
    {"48-capability-without-rights.json", "capabilities[0].rights"},
    {"49-process-without-name.json", "processes[2].name"},
    {"50-repeat-without-body.json", "processes[0].program[1].body"},
    {"51-unknown-op.json", "processes[0].program[0].op"},
    {"52-handle-before-defined.json", "processes[0].program[0].port"},
    {"53-undefined-cap-in-caps.json", "processes[0].program[0].caps[0]"},
    {"54-undefined-handle-in-repeat.json", "processes[1].program[0].body[0].port"},
    {"55-capability-to-unknown.json", "capabilities[0].to"},
    {"56-owner-unknown.json", "objects[0].owner"},
    {"57-capability-object-unknown.json", "capabilities[0].object"},
    {"58-capability-from-not-holder.json", "capabilities[0].from"},
    {"59-expect-unknown-process.json", "expect.processes.pang"},
    {"60-expect-unknown-path.json", "expect.paths.bogus"},
    {"61-duplicate-process.json", "processes[2].name"},
    {"62-duplicate-object.json", "objects[1].name"},
    {"63-priority-8.json", "processes[0].priority"},
    {"64-object-capacity-0.json", "objects[0].capacity"},
    {"65-port-create-capacity-65.json", "processes[0].program[0].capacity"},
    {"66-send-bytes-257.json", "processes[0].program[0].bytes"},
    {"67-call-bytes-65.json", "processes[0].program[0].bytes"},
    {"68-opcode-64.json", "processes[0].program[0].opcode"},
    {"69-max-cycles-0.json", "limits.max_cycles"},
    {"70-max-cycles-1e13.json", "limits.max_cycles"},
    {"71-repeat-count-0.json", "processes[0].program[0].count"},
    {"72-repeat-count-1e300.json", "processes[0].program[0].count"},
    {"73-number-400-digits.json", "processes[0].program[1].cycles"},
    {"74-seed-2-64.json", "seed"},
    {"75-cap-cache-3.json", "machine.cap_cache"},
    {"76-quantum-999.json", "machine.quantum"},
    {"77-unknown-arch.json", "machine.arch"},
    {"78-rights-empty.json", "capabilities[0].rights"},
    {"79-rights-unknown.json", "capabilities[0].rights[1]"},
    {"80-expect-unknown-error.json", "processes[0].program[0].expect"},
    {"81-expect-state-unknown.json", "expect.processes.ping.state"},
    {"82-object-type-unknown.json", "objects[0].type"},
    {"83-exit-code-256.json", "processes[0].program[1].code"},
    {"84-notify-bits-0.json", "processes[0].program[2].bits"},
    {"85-sleep-cycles-0.json", "processes[1].program[1].cycles"},
    {"86-limit-opcode-64.json", "processes[1].program[0].opcodes[1]"},
    {"87-rate-burst-2-32.json", "processes[1].program[0].burst"},
    {"88-bind-name-32.json", "processes[1].program[0].name"},
    {"89-five-caps.json", "processes[0].program[1].caps"},
    {"90-name-64-chars.json", "name"},
    {"91-name-empty.json", "name"},
    {"92-no-processes.json", "processes"},
    {"93-1001-processes.json", "processes[1].count"},
    {"94-257-handles.json", "processes[0].program[56].as"},
    {"95-repeat-nested-9.json", "processes[0].program[0].body[0].body[0].body[0].body[0].body[0]."
                                "body[0].body[0].body[0].body"},
    {"96-identifier-17-chars.json", "processes[0].program[0].as"},
    {"97-identifier-bad-char.json", "processes[2].name"},
    {"98-identifier-leading-digit.json", "processes[0].program[0].as"},
    {"99-count-zero.json", "processes[0].count"},
    {"100-count-name-too-long.json", "processes[0].name"},
    {"101-shift-without-replicas.json", "capabilities[0].shift"},
    {"102-replica-count-mismatch.json", "capabilities[0].to"},
    {"103-self-grant-no-shift.json", "capabilities[0].to"},
    {"104-self-grant-same-name.json", "capabilities[0].to"},
    {"105-shift-too-large.json", "capabilities[0].shift"},
    {"106-too-many-objects.json", "objects[16].owner"},
    {"107-expect-unknown-replica.json", "expect.processes.w.4"},
    {"108-replicas-grant-to-one.json", "capabilities[0].to"},
    {"109-exact-caches-not-bool.json", "machine.exact_caches"},
    {"110-escaped-key-priority.json", "processes[0].priority"},
    {"111-escaped-key-bytes.json", "processes[0].program[0].bytes"},
    {"112-escaped-key-opcode.json", "processes[0].program[0].opcode"},
    {"113-escaped-key-exit-code.json", "processes[0].program[1].code"},
    {"114-escaped-key-negative-seed.json", "seed"},
    {"115-escaped-key-float-timeout.json", "processes[1].program[0].timeout"},
    {"116-duplicate-expect-process.json", "expect.processes.ping"},
    {"117-duplicate-expect-path.json", "expect.paths.ipc.send.direct"},
    {"118-duplicate-escaped-key.json", "processes[0].name"},
    {"119-nul-in-process-name.json", "processes[1].name"},
    {"120-nul-in-key.json", "processes[0].priority"},
    {"121-nul-in-registry-name.json", "processes[1].program[0].name"},
    {"122-1040-notifications.json", "objects[1].owner"},
    {"123-limit-opcode-1e10.json", "processes[1].program[0].opcodes[0]"},
    {"124-opcode-1e10.json", "processes[0].program[0].opcode"},
    {"125-region-65537-bytes.json", "processes[0].program[0].bytes"},
    {"126-expect-on-repeat.json", "processes[0].program[0].expect"},
    {"127-grant-same-handle-twice.json", "capabilities[1].object"},
    {"128-notify-bits-2-63.json", "processes[0].program[1].bits"},
    {"129-recv-as-five.json", "processes[1].program[0].as"},
    {"130-recv-as-twice.json", "processes[1].program[0].as[1]"},
    {"131-right-twice.json", "capabilities[0].rights[1]"},
    {"132-duplicate-escaped-expect-process.json", "expect.processes.ping"},
    {"133-escaped-key-unknown-op-field.json", "processes[0].program[0].color"},
    {"134-unsubscribe-without-port.json", "processes[0].program[2].port"},
    {"135-caps-over-cap-slots.json", "processes[0].cap_slots"},
    {"136-cnode-pool.json", "processes[1].cap_slots"},
    {"137-cap-slots-range.json", "processes[0].cap_slots"},
    {"138-that-unknown-counter.json", "expect.that[1]"},
    {"139-that-unknown-path.json", "expect.that[0]"},
    {"140-that-run-without-runs.json", "expect.that[0]"},
    {"141-that-one-side-names-a-run.json", "expect.that[0]"},
    {"142-order-unknown-verb.json", "expect.order[0]"},
    {"143-run-cap-cache-not-pow2.json", "runs.hot.cap_cache"},
    {"144-that-process-with-replicas.json", "expect.that[0]"},
};

#define NCORPUS (sizeof corpus / sizeof corpus[0])

/* Parses the positive decimal number at *p (no sign, at most 9 digits) and
 * moves *p past it; 0 if there is none. */
static long positive(const char **p)
{
    long v = 0;
    int digits = 0;
    while (**p >= '0' && **p <= '9' && digits < 9) {
        v = v * 10 + (**p - '0');
        (*p)++;
        digits++;
    }
    if (digits == 0 || (**p >= '0' && **p <= '9'))
        return 0;
    return v;
}

/* The number of bytes of line `line` (1-based) of text[0..n), or -1 past the
 * end. A file of k newlines has k + 1 lines, the last one maybe empty. */
static long line_length(const char *text, size_t n, long line)
{
    size_t i = 0;
    for (long l = 1; l < line; l++) {
        const char *nl = memchr(text + i, '\n', n - i);
        if (!nl)
            return -1;
        i = (size_t)(nl - text) + 1;
    }
    const char *nl = memchr(text + i, '\n', n - i);
    return (long)((nl ? (size_t)(nl - text) : n) - i);
}

/* Loads the corpus file b->file and checks that it fails with the right
 * message; prints what is wrong and returns the number of failed checks. */
static int check_rejected(const struct bad *b)
{
    char full[4096], err[1024];
    int n = snprintf(full, sizeof full, "%s/%s", scn_test_corpus, b->file);
    assert_true(n > 0 && (size_t)n < sizeof full);
    size_t flen = (size_t)n;

    struct scn s;
    memset(&s, 0, sizeof s);
    memset(err, 0, sizeof err);
    int rc = scn_load_file(full, &s, err, sizeof err);
    if (rc != -1) {
        print_error("%s: scn_load_file returned %d, not -1\n", b->file, rc);
        if (rc == 0)
            scn_free(&s);
        return 1;
    }
    size_t len = strnlen(err, sizeof err);
    if (len == sizeof err) {
        print_error("%s: the message is not NUL-terminated\n", b->file);
        return 1;
    }
    int failed = 0;
    if (strchr(err, '\n')) {
        print_error("%s: the message has a newline: %s\n", b->file, err);
        failed++;
    }
    if (len > MAX_MSG) {
        print_error("%s: the message is %zu chars long (at most %d): %s\n", b->file, len, MAX_MSG,
                    err);
        failed++;
    }
    if (strncmp(err, full, flen) != 0 || err[flen] != ':') {
        print_error("%s: the message does not start with \"%s:\": %s\n", b->file, full, err);
        return failed + 1;
    }
    /* ":LINE:COL: " right after the file's path, both positive, and inside
     * the file (a position at the end of the file is inside). */
    const char *p = err + flen + 1;
    long line = positive(&p), col = 0;
    if (line >= 1 && *p == ':') {
        p++;
        col = positive(&p);
    }
    if (line < 1 || col < 1 || p[0] != ':' || p[1] != ' ') {
        print_error("%s: no \":LINE:COL: \" (positive) after the path: %s\n", b->file, err);
        return failed + 1;
    }
    p += 2;
    size_t tlen = 0;
    char *text = scn_test_slurp(full, &tlen);
    assert_non_null(text);
    long ll = line_length(text, tlen, line);
    free(text);
    if (ll < 0 || col > ll + 1) {
        print_error("%s: %ld:%ld is not a position in the file: %s\n", b->file, line, col, err);
        failed++;
    }
    /* Then "JSONPATH: message", or just the message after a syntax error. */
    size_t plen = strlen(b->path);
    if (plen > 0) {
        if (strncmp(p, b->path, plen) != 0 || p[plen] != ':' || p[plen + 1] != ' ') {
            print_error("%s: the message does not name \"%s: \" after the position: %s\n", b->file,
                        b->path, err);
            return failed + 1;
        }
        p += plen + 2;
    }
    if (*p == '\0') {
        print_error("%s: the message says nothing after the position: %s\n", b->file, err);
        failed++;
    }
    return failed;
}

static void every_malformed_scenario_is_rejected(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < NCORPUS; i++)
        failed += check_rejected(&corpus[i]) != 0;
    if (failed)
        print_error("%d of %zu malformed scenarios failed their checks\n", failed, NCORPUS);
    assert_int_equal(failed, 0);
}

/* The table and the directory list the same files. */
static void the_table_lists_every_corpus_file(void **state)
{
    (void)state;
    DIR *d = opendir(scn_test_corpus);
    if (!d)
        print_error("cannot open %s\n", scn_test_corpus);
    assert_non_null(d);
    size_t files = 0;
    int unlisted = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        files++;
        size_t i = 0;
        while (i < NCORPUS && strcmp(corpus[i].file, e->d_name) != 0)
            i++;
        if (i == NCORPUS) {
            print_error("%s/%s is not in the table\n", scn_test_corpus, e->d_name);
            unlisted++;
        }
    }
    closedir(d);
    assert_int_equal(unlisted, 0);
    assert_int_equal(files, NCORPUS); /* and no row names a missing file */
    for (size_t i = 0; i < NCORPUS; i++)
        for (size_t j = i + 1; j < NCORPUS; j++)
            assert_string_not_equal(corpus[i].file, corpus[j].file);
    assert_true(NCORPUS >= 45);
}

/* A file that cannot be read is an error that names it. */
static void a_missing_file_is_an_error(void **state)
{
    (void)state;
    char full[4096], err[1024];
    snprintf(full, sizeof full, "%s/no-such-scenario.json", scn_test_corpus);
    struct scn s;
    memset(&s, 0, sizeof s);
    err[0] = '\0';
    assert_int_equal(scn_load_file(full, &s, err, sizeof err), -1);
    assert_true(strncmp(err, full, strlen(full)) == 0 && err[strlen(full)] == ':');
    assert_null(strchr(err, '\n'));
}

static void a_minimal_scenario_loads(void **state)
{
    (void)state;
    scn_test_loads("{\n"
                   "  'name': 'minimal',\n"
                   "  'description': 'one process that yields once',\n"
                   "  'processes': [{'name': 'solo', 'program': [{'op': 'yield'}]}]\n"
                   "}\n");
}

/* Replicas: names, shared programs, one object per replica of the owner,
 * grants from one process to every replica and pairwise with a shift, and
 * expectations for all replicas or one. */
static void replicas_expand_into_the_blob(void **state)
{
    (void)state;
    struct scn s;
    scn_test_load(
        "{\n"
        "  'name': 'ring', 'description': 'replicas',\n"
        "  'objects': [{'name': 'in', 'type': 'port', 'owner': 'w', 'capacity': 2},\n"
        "              {'name': 'hub', 'type': 'port', 'owner': 'boss'}],\n"
        "  'capabilities': [\n"
        "    {'from': 'w', 'object': 'in', 'to': 'w', 'shift': 1, 'as': 'next', 'rights': "
        "['send']},\n"
        "    {'from': 'boss', 'object': 'hub', 'to': 'w', 'rights': ['send']}],\n"
        "  'processes': [\n"
        "    {'name': 'boss', 'priority': 2, 'program': [{'op': 'recv', 'port': 'hub'}]},\n"
        "    {'name': 'w', 'count': 12, 'priority': 3, 'program': [\n"
        "      {'op': 'send', 'port': 'next'}, {'op': 'recv', 'port': 'in'},\n"
        "      {'op': 'send', 'port': 'hub'}]}],\n"
        "  'expect': {'processes': {'w': {'state': 'exited', 'code': 3},\n"
        "                           'w.11': {'state': 'killed'}}}\n"
        "}\n",
        &s);
    assert_int_equal(s.nprocs, 13);
    assert_string_equal(s.proc_names[0], "boss");
    assert_string_equal(s.proc_names[1], "w.0");
    assert_string_equal(s.proc_names[12], "w.11");
    assert_int_equal(s.expect.procs[0].code, 0);
    assert_false(s.expect.procs[1].killed);
    assert_int_equal(s.expect.procs[11].code, 3);
    assert_true(s.expect.procs[12].killed);
    const struct scn_blob *b = s.blob;
    const char *base = (const char *)b;
    assert_int_equal(b->nprocs, 13);
    assert_int_equal(b->nobjects, 13);
    assert_int_equal(b->ncaps, 24);
    assert_int_equal(b->size, s.blob_size);
    const struct scn_proc *procs = (const struct scn_proc *)(base + b->proc_offset);
    const struct scn_object *objs = (const struct scn_object *)(base + b->object_offset);
    const struct scn_cap *caps = (const struct scn_cap *)(base + b->cap_offset);
    assert_memory_equal(procs[5].name, "w.4\0", 4);
    assert_int_equal(procs[5].priority, 3);
    assert_int_equal(procs[0].priority, 2);
    /* Replicas share one program. */
    assert_int_equal(procs[1].op_offset, procs[12].op_offset);
    assert_int_equal(procs[1].nops, 3);
    assert_int_not_equal(procs[0].op_offset, procs[1].op_offset);
    /* "in": one per replica, in the replica's own slot; "hub": boss's. */
    for (unsigned k = 0; k < 12; k++) {
        assert_int_equal(objs[k].owner, 1 + k);
        assert_int_equal(objs[k].owner_slot, objs[0].owner_slot);
        assert_int_equal(objs[k].capacity, 2);
    }
    assert_int_equal(objs[12].owner, 0);
    /* Replica k gives replica k + 1 (mod 12) its "in" as "next". */
    for (unsigned k = 0; k < 12; k++) {
        assert_int_equal(caps[k].to, 1 + k);
        assert_int_equal(caps[k].from, 1 + (k + 11) % 12);
        assert_int_equal(caps[k].from_slot, objs[0].owner_slot);
        assert_int_not_equal(caps[k].to_slot, objs[0].owner_slot);
        assert_int_equal(caps[k].rights, IPC_RIGHT_SEND);
    }
    /* boss gives every replica "hub". */
    for (unsigned k = 0; k < 12; k++) {
        assert_int_equal(caps[12 + k].from, 0);
        assert_int_equal(caps[12 + k].to, 1 + k);
        assert_int_equal(caps[12 + k].from_slot, objs[12].owner_slot);
    }
    scn_free(&s);
}

/* Returns the value of "#define NAME VALUE" in repository file `rel`, or
 * -1 when there is none. */
static long long define_in(const char *rel, const char *name)
{
    char path[4096], pat[80];
    size_t n;
    scn_test_repo_path(rel, path, sizeof path);
    char *text = scn_test_slurp(path, &n);
    assert_non_null(text);
    snprintf(pat, sizeof pat, "#define %s ", name);
    const char *p = strstr(text, pat);
    long long v = p ? strtoll(p + strlen(pat), NULL, 0) : -1;
    free(text);
    return v;
}

/* Fails unless "#define NAME" in repository file `rel`, times `scale`, is
 * `want` (abi/scenario.h's copy of it). */
static void same_limit(const char *rel, const char *name, long long scale, long long want)
{
    long long v = define_in(rel, name);
    if (v < 0 || v * scale != want)
        fail_msg("%s: %s is %lld (x %lld); abi/scenario.h says %lld: update its copy", rel, name, v,
                 scale, want);
}

/* abi/scenario.h's copies of the kernel's limits are the kernel's. */
static void the_kernel_limits_are_the_kernels(void **state)
{
    (void)state;
    same_limit("guest-kernel/kernel.h", "NPROC", 1, SCN_KERNEL_PROCS);
    same_limit("guest-kernel/kernel.h", "KIPC_SLOTS", 1, SCN_KERNEL_SLOTS);
    same_limit("guest-kernel/kipc.c", "KCNODE_SLOTS", 1, SCN_KERNEL_CNODE_SLOTS);
    same_limit("guest-kernel/kipc.c", "KCNODE_MAX_PAGES", 1, SCN_KERNEL_CNODE_PAGES);
    same_limit("guest-kernel/kport.c", "KIPC_PORTS", 1, SCN_KERNEL_PORTS);
    same_limit("guest-kernel/knotif.c", "KIPC_NOTIFS", 1, SCN_KERNEL_NOTIFS);
    same_limit("guest-kernel/kname.c", "KIPC_NAMES", 1, SCN_KERNEL_NAMES);
    same_limit("guest-kernel/ktopic.c", "KIPC_TOPICS", 1, SCN_KERNEL_TOPICS);
    same_limit("guest-kernel/kregion.c", "KIPC_REGIONS", 1, SCN_KERNEL_REGIONS);
    same_limit("guest-kernel/kregion.c", "REGION_MAX_PAGES", 4096, SCN_KERNEL_REGION_BYTES);
    same_limit("ipc/port.h", "IPC_MSG_CAPS", 1, SCN_MAX_MSG_CAPS);
}

int main(int argc, char **argv)
{
    scn_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_table_lists_every_corpus_file),
        cmocka_unit_test(every_malformed_scenario_is_rejected),
        cmocka_unit_test(a_missing_file_is_an_error),
        cmocka_unit_test(a_minimal_scenario_loads),
        cmocka_unit_test(replicas_expand_into_the_blob),
        cmocka_unit_test(the_kernel_limits_are_the_kernels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
