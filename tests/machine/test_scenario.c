/* tests/machine/test_scenario.c: the scenario loader (machine/scenario.c)
 * rejects every malformed scenario of tests/machine/scenarios_bad/ (one file
 * each, wrong in exactly one way; see its README.md) with a one-line message
 * "FILE:LINE:COL: JSONPATH: message" that names the right JSON path, and
 * loads valid scenarios; maps compiled operations back to their places and
 * the runner's failure lines to failed operations; and checks that
 * docs/scenario.schema.json, docs/scenarios.md and the kernel's limits say
 * what the loader's one table says. The corpus directory is
 * IPCEMU_SCENARIOS_BAD, or argv[1]; the repository is three levels above it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dirent.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "ipc/ipc.h"
#include "machine/scenario.h"
#include "tracer/trace.h"

#ifndef IPCEMU_SCENARIOS_BAD
#define IPCEMU_SCENARIOS_BAD "tests/machine/scenarios_bad"
#endif

/* The longest error message the loader may write. */
#define MAX_MSG 300

static const char *corpus_dir = IPCEMU_SCENARIOS_BAD;

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
    {"94-33-handles.json", "processes[0].program[32].as"},
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
};

#define NCORPUS (sizeof corpus / sizeof corpus[0])

/* Reads a whole file into a NUL-terminated buffer (owned by the caller);
 * NULL if it cannot. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - 1 - len, f);
        if (len < cap - 1)
            break;
        char *more = realloc(buf, cap * 2);
        if (!more) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = more;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[len] = '\0';
        *n = len;
    }
    return buf;
}

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
    int n = snprintf(full, sizeof full, "%s/%s", corpus_dir, b->file);
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
    char *text = slurp(full, &tlen);
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
    DIR *d = opendir(corpus_dir);
    if (!d)
        print_error("cannot open %s\n", corpus_dir);
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
            print_error("%s/%s is not in the table\n", corpus_dir, e->d_name);
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

/* A message that does not fit is cut, NUL-terminated, within errn bytes. */
static void a_small_error_buffer_is_not_overrun(void **state)
{
    (void)state;
    static const char *const files[] = {"01-empty-file.json", "45-send-without-port.json",
                                        "95-repeat-nested-9.json"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char full[4096], err[64];
        snprintf(full, sizeof full, "%s/%s", corpus_dir, files[f]);
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

/* A file that cannot be read is an error that names it. */
static void a_missing_file_is_an_error(void **state)
{
    (void)state;
    char full[4096], err[1024];
    snprintf(full, sizeof full, "%s/no-such-scenario.json", corpus_dir);
    struct scn s;
    memset(&s, 0, sizeof s);
    err[0] = '\0';
    assert_int_equal(scn_load_file(full, &s, err, sizeof err), -1);
    assert_true(strncmp(err, full, strlen(full)) == 0 && err[strlen(full)] == ':');
    assert_null(strchr(err, '\n'));
}

/* Writes `text` to a new temporary file whose name goes to path[n]. */
static void write_temp(const char *text, char *path, size_t n)
{
    const char *dir = getenv("TMPDIR");
    int len = snprintf(path, n, "%s/ipcemu-scenario-XXXXXX", dir && *dir ? dir : "/tmp");
    assert_true(len > 0 && (size_t)len < n);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Writes `json` to a temporary file, its single quotes turned into double
 * quotes (none of these scenarios has an apostrophe), and loads it into *s
 * (the caller frees it with scn_free). */
static void load_into(const char *json, struct scn *s)
{
    char *text = strdup(json);
    assert_non_null(text);
    for (char *c = text; *c; c++)
        if (*c == '\'')
            *c = '"';
    char path[4096], err[1024];
    write_temp(text, path, sizeof path);
    free(text);
    memset(s, 0, sizeof *s);
    err[0] = '\0';
    int rc = scn_load_file(path, s, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    unlink(path);
    assert_int_equal(rc, 0);
}

static void loads(const char *json)
{
    struct scn s;
    load_into(json, &s);
    scn_free(&s);
}

/* Replicas: names, shared programs, one object per replica of the owner,
 * grants from one process to every replica and pairwise with a shift, and
 * expectations for all replicas or one. */
static void replicas_expand_into_the_blob(void **state)
{
    (void)state;
    struct scn s;
    load_into("{\n"
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

static void a_minimal_scenario_loads(void **state)
{
    (void)state;
    loads("{\n"
          "  'name': 'minimal',\n"
          "  'description': 'one process that yields once',\n"
          "  'processes': [{'name': 'solo', 'program': [{'op': 'yield'}]}]\n"
          "}\n");
}

/* Every operation, and every range at the bounds it can take without another
 * error: 24 process entries, 32 handles, repeats nested 8 deep, 2^63 - 1 bits,
 * 64 bytes in the message registers, 4 capabilities in a message. */
static void every_operation_and_bound_loads(void **state)
{
    (void)state;
    loads("{\n"
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

/* ---- places and failed operations ---------------------------------------- */

/* Compiled operations map back to their places, inside repeats too, for
 * every replica; a place that does not exist gives NULL. */
static void compiled_slots_map_back_to_places(void **state)
{
    (void)state;
    struct scn s;
    load_into("{'name': 'places', 'description': 'slots and places',\n"
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
    load_into("{'name': 'places', 'description': 'a failure in a repeat',\n"
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
    load_into("{'name': 'dl', 'description': 'a deadlock expected',\n"
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
    load_into("{'name': 'dl', 'description': 'a deadlock expected, a count wrong',\n"
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

/* ---- the table against the schema, the docs and the kernel --------------- */

/* The repository's root: three levels above the corpus directory. */
static void repo_path(const char *rel, char *out, size_t n)
{
    snprintf(out, n, "%s/../../../%s", corpus_dir, rel);
}

/* Parses repository file `rel` (the caller deletes it); fails the test
 * when it cannot. */
static cJSON *load_json(const char *rel)
{
    char path[4096];
    size_t n;
    repo_path(rel, path, sizeof path);
    char *text = slurp(path, &n);
    if (!text)
        print_error("cannot read %s\n", path);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    return j;
}

/* The value at JSON pointer `ptr` ("/$defs/object") of root, or NULL. */
static const cJSON *pointer(const cJSON *root, const char *ptr)
{
    const cJSON *v = root;
    while (v && *ptr == '/') {
        char key[128];
        size_t k = 0;
        for (ptr++; *ptr && *ptr != '/' && k + 1 < sizeof key; ptr++)
            key[k++] = *ptr;
        key[k] = '\0';
        v = cJSON_GetObjectItemCaseSensitive(v, key);
    }
    return v;
}

/* v, or what its "$ref" (to "#/...") names, repeatedly. */
static const cJSON *deref(const cJSON *root, const cJSON *v)
{
    for (int i = 0; v && i < 8; i++) {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(v, "$ref");
        if (!cJSON_IsString(ref) || ref->valuestring[0] != '#')
            break;
        v = pointer(root, ref->valuestring + 1);
    }
    return v;
}

/* Returns v's "$ref", or "". */
static const char *ref_of(const cJSON *v)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(v, "$ref");
    return cJSON_IsString(ref) ? ref->valuestring : "";
}

/* Whether o[key] is the number `want`. */
static bool num_is(const cJSON *o, const char *key, uint64_t want)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble == (double)want;
}

/* Whether o[key] is the string `want`. */
static bool str_is(const cJSON *o, const char *key, const char *want)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && strcmp(v->valuestring, want) == 0;
}

/* Whether array `arr` holds exactly the strings of the NULL-terminated
 * `want` (any order, no repeats). */
static bool same_strings(const cJSON *arr, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, arr) found +=
            cJSON_IsString(it) && !strcmp(it->valuestring, want[i]);
        if (found != 1)
            return false;
    }
    return true;
}

static int schema_errors;

/* Reports a disagreement between the schema and the table. */
static void disagree(const char *where, const char *field, const char *what)
{
    print_error("docs/scenario.schema.json %s.%s: %s (machine/scenario.c's table says otherwise)\n",
                where, field, what);
    schema_errors++;
}

/* Checks the schema of field f (property `prop` of the object at `where`). */
static void check_field(const cJSON *root, const char *where, const struct scn_field *f,
                        const cJSON *prop)
{
    const cJSON *d = deref(root, prop);
    switch (f->kind) {
    case SCN_FIELD_HANDLE:
        if (strcmp(ref_of(prop), "#/$defs/handle") != 0)
            disagree(where, f->name, "not a $ref to #/$defs/handle");
        break;
    case SCN_FIELD_AS:
    case SCN_FIELD_IDENT:
        if (strcmp(ref_of(prop), "#/$defs/identifier") != 0)
            disagree(where, f->name, "not a $ref to #/$defs/identifier");
        break;
    case SCN_FIELD_AS_LIST: {
        const cJSON *one = cJSON_GetObjectItemCaseSensitive(prop, "oneOf");
        const cJSON *a = cJSON_GetArrayItem(one, 0), *b = cJSON_GetArrayItem(one, 1);
        if (cJSON_GetArraySize(one) != 2 || strcmp(ref_of(a), "#/$defs/identifier") != 0 ||
            !str_is(b, "type", "array") || !num_is(b, "minItems", 1) ||
            !num_is(b, "maxItems", f->max) ||
            strcmp(ref_of(cJSON_GetObjectItemCaseSensitive(b, "items")), "#/$defs/identifier"))
            disagree(where, f->name, "not oneOf an identifier or an array of 1..max of them");
        break;
    }
    case SCN_FIELD_UINT:
    case SCN_FIELD_POW2:
        if (!str_is(d, "type", "integer"))
            disagree(where, f->name, "not an integer");
        if (f->kind == SCN_FIELD_UINT &&
            (!num_is(d, "minimum", f->min) || !num_is(d, "maximum", f->max)))
            disagree(where, f->name, "another minimum or maximum");
        if (f->kind == SCN_FIELD_POW2) {
            const cJSON *e = cJSON_GetObjectItemCaseSensitive(d, "enum");
            int n = 0;
            bool ok = cJSON_IsArray(e);
            for (uint64_t v = 1; ok && v <= f->max; v *= 2) {
                if (v < f->min)
                    continue;
                const cJSON *x = cJSON_GetArrayItem(e, n++);
                ok = x && x->valuedouble == (double)v;
            }
            if (!ok || cJSON_GetArraySize(e) != n)
                disagree(where, f->name, "not an enum of the powers of two in its range");
        }
        if (f->has_def != (cJSON_GetObjectItemCaseSensitive(d, "default") != NULL) ||
            (f->has_def && !num_is(d, "default", f->def)))
            disagree(where, f->name, "another default (or one where there is none)");
        break;
    case SCN_FIELD_BOOL:
        if (!str_is(d, "type", "boolean"))
            disagree(where, f->name, "not a boolean");
        break;
    case SCN_FIELD_STRING:
        if (!str_is(d, "type", "string") || !num_is(d, "maxLength", f->max) ||
            (f->min ? !num_is(d, "minLength", f->min)
                    : cJSON_GetObjectItemCaseSensitive(d, "minLength") != NULL))
            disagree(where, f->name, "another type or length");
        break;
    case SCN_FIELD_ENUM:
        if (!same_strings(cJSON_GetObjectItemCaseSensitive(d, "enum"), f->values))
            disagree(where, f->name, "another enum");
        break;
    case SCN_FIELD_RIGHTS:
        if (strcmp(ref_of(prop), "#/$defs/rights") != 0)
            disagree(where, f->name, "not a $ref to #/$defs/rights");
        break;
    case SCN_FIELD_OPCODES: {
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(d, "items");
        if (!str_is(d, "type", "array") || !str_is(items, "type", "integer") ||
            !num_is(items, "minimum", 0) || !num_is(items, "maximum", 63))
            disagree(where, f->name, "not an array of opcodes 0..63");
        break;
    }
    case SCN_FIELD_CAPS:
        if (!str_is(d, "type", "array") || !num_is(d, "maxItems", f->max) ||
            strcmp(ref_of(cJSON_GetObjectItemCaseSensitive(d, "items")), "#/$defs/handle") != 0)
            disagree(where, f->name, "not an array of at most max handles");
        break;
    case SCN_FIELD_BODY:
        if (strncmp(ref_of(prop), "#/$defs/program_", 16) != 0 &&
            !cJSON_GetObjectItemCaseSensitive(prop, "not")) /* refused past the last nesting */
            disagree(where, f->name, "not a $ref to a program");
        break;
    case SCN_FIELD_ARRAY:
        if (!str_is(d, "type", "array") ||
            (f->min ? !num_is(d, "minItems", f->min)
                    : cJSON_GetObjectItemCaseSensitive(d, "minItems") != NULL) ||
            !num_is(d, "maxItems", f->max))
            disagree(where, f->name, "another type or number of items");
        break;
    case SCN_FIELD_OBJECT:
    case SCN_FIELD_MAP:
        if (!str_is(d, "type", "object"))
            disagree(where, f->name, "not an object");
        break;
    }
}

/* Checks that the object schema `obj` (at `where`) has exactly the table's
 * fields (plus `extra`, NULL-terminated), the table's required ones
 * (plus `extra_required`), no other properties, and each field's type. */
static void check_object_schema(const cJSON *root, const char *where, const cJSON *obj,
                                const struct scn_field *fields, const char *const *extra,
                                const char *const *extra_required)
{
    if (!obj) {
        disagree(where, "", "missing");
        return;
    }
    const char *names[16], *required[16];
    size_t n = 0, r = 0;
    for (size_t i = 0; extra && extra[i]; i++)
        names[n++] = extra[i];
    for (size_t i = 0; extra_required && extra_required[i]; i++)
        required[r++] = extra_required[i];
    for (const struct scn_field *f = fields; f->name; f++) {
        names[n++] = f->name;
        if (f->required)
            required[r++] = f->name;
    }
    names[n] = required[r] = NULL;
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(obj, "properties"), *it;
    int nprops = 0;
    cJSON_ArrayForEach(it, props)
    {
        nprops++;
        size_t k = 0;
        while (names[k] && strcmp(names[k], it->string) != 0)
            k++;
        if (!names[k])
            disagree(where, it->string, "a property the loader refuses");
    }
    for (size_t k = 0; names[k]; k++)
        if (!cJSON_GetObjectItemCaseSensitive(props, names[k]))
            disagree(where, names[k], "a field the loader takes is missing");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(obj, "required");
    if (r ? !same_strings(req, required) : req != NULL)
        disagree(where, "required", "another list of required fields");
    const cJSON *ap = cJSON_GetObjectItemCaseSensitive(obj, "additionalProperties");
    if (!cJSON_IsFalse(ap))
        disagree(where, "additionalProperties", "not false (the loader refuses unknown fields)");
    for (const struct scn_field *f = fields; f->name; f++) {
        const cJSON *prop = cJSON_GetObjectItemCaseSensitive(props, f->name);
        if (prop)
            check_field(root, where, f, prop);
    }
}

/* docs/scenario.schema.json says what the table says: every operation with
 * its fields, ranges, defaults and required ones; the error names; the
 * other objects of a scenario. */
static void the_schema_agrees_with_the_table(void **state)
{
    (void)state;
    cJSON *root = load_json("docs/scenario.schema.json");
    schema_errors = 0;
    size_t nops, nsec, nerr;
    const struct scn_op_spec *ops = scn_op_specs(&nops);
    const struct scn_section *secs = scn_sections(&nsec);
    const struct scn_error_name *errs = scn_error_names(&nerr);
    static const char *const op_expect[] = {"op", "expect", NULL}, *const op_only[] = {"op", NULL};
    const char *names[64];
    size_t nnames = 0;
    for (size_t i = 0; i < nops; i++) {
        char def[64];
        if (ops[i].code == SCN_OP_REPEAT) {
            for (int d = 0; d <= SCN_MAX_DEPTH; d++) {
                snprintf(def, sizeof def, "/$defs/repeat_%d", d);
                const cJSON *o = pointer(root, def);
                check_object_schema(root, def, o, ops[i].fields, op_only, op_only);
                const cJSON *body = pointer(root, strcat(def, "/properties/body"));
                char want[64];
                snprintf(want, sizeof want, "#/$defs/program_%d", d + 1);
                if (d < SCN_MAX_DEPTH ? strcmp(ref_of(body), want) != 0
                                      : !cJSON_GetObjectItemCaseSensitive(body, "not"))
                    disagree(def, "body", "not the next nesting (nor refused past the last)");
            }
            continue;
        }
        snprintf(def, sizeof def, "/$defs/op_%s", ops[i].name);
        const cJSON *o = pointer(root, def);
        check_object_schema(root, def, o, ops[i].fields, op_expect, op_only);
        if (!str_is(pointer(o, "/properties/op"), "const", ops[i].name))
            disagree(def, "op", "not the operation's name as a const");
        if (strcmp(ref_of(pointer(o, "/properties/expect")), "#/$defs/op_expect") != 0)
            disagree(def, "expect", "not a $ref to #/$defs/op_expect");
        names[nnames++] = ops[i].name;
    }
    names[nnames] = NULL;
    /* the dispatcher: every operation but repeat, each to its definition */
    const cJSON *disp = pointer(root, "/$defs/op");
    if (!same_strings(pointer(disp, "/properties/op/enum"), names))
        disagree("/$defs/op", "op", "another list of operations");
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(disp, "allOf"), *it;
    size_t seen = 0;
    cJSON_ArrayForEach(it, all)
    {
        const cJSON *c = pointer(it, "/if/properties/op/const");
        char want[64];
        snprintf(want, sizeof want, "#/$defs/op_%s", cJSON_IsString(c) ? c->valuestring : "?");
        if (!cJSON_IsString(c) || strcmp(ref_of(pointer(it, "/then")), want) != 0)
            disagree("/$defs/op", "allOf", "an entry that does not send an op to its definition");
        seen++;
    }
    if (seen != nnames)
        disagree("/$defs/op", "allOf", "not one entry per operation");
    /* the error names */
    const char *en[32];
    for (size_t i = 0; i < nerr; i++)
        en[i] = errs[i].name;
    en[nerr] = NULL;
    if (!same_strings(pointer(root, "/$defs/op_expect/enum"), en))
        disagree("/$defs/op_expect", "enum", "another list of error names");
    /* the other objects */
    for (size_t i = 0; i < nsec; i++) {
        const cJSON *o = secs[i].schema[0] ? pointer(root, secs[i].schema) : root;
        check_object_schema(root, secs[i].schema[0] ? secs[i].schema : "(top)", deref(root, o),
                            secs[i].fields, NULL, NULL);
    }
    cJSON_Delete(root);
    if (schema_errors)
        print_error("%d disagreements between docs/scenario.schema.json and the table\n",
                    schema_errors);
    assert_int_equal(schema_errors, 0);
}

/* How docs/scenarios.md writes a bound: 2^64-1, 10^12, 1 MiB, 256. */
static void fmt_num(uint64_t v, char *out, size_t n)
{
    uint64_t p = 1000000;
    int k = 6;
    while (p < v && p <= UINT64_MAX / 10)
        p *= 10, k++;
    if (v == UINT64_MAX)
        snprintf(out, n, "2^64-1");
    else if (v == INT64_MAX)
        snprintf(out, n, "2^63-1");
    else if (v == UINT32_MAX)
        snprintf(out, n, "2^32-1");
    else if (v == 1048576)
        snprintf(out, n, "1 MiB");
    else if (v == p)
        snprintf(out, n, "10^%d", k);
    else
        snprintf(out, n, "%llu", (unsigned long long)v);
}

/* The backticked words of `cell` (up to `end`), into words[] (at most 16,
 * each at most 31 characters); returns how many. */
static size_t backticked(const char *cell, const char *end, char words[][32], const char **at)
{
    size_t n = 0;
    for (const char *p = cell; p < end && n < 16;) {
        const char *a = memchr(p, '`', (size_t)(end - p));
        if (!a)
            break;
        const char *b = memchr(a + 1, '`', (size_t)(end - a - 1));
        if (!b)
            break;
        size_t len = (size_t)(b - a - 1) < 31 ? (size_t)(b - a - 1) : 31;
        memcpy(words[n], a + 1, len);
        words[n][len] = '\0';
        if (at)
            at[n] = b + 1;
        n++;
        p = b + 1;
    }
    return n;
}

/* docs/scenarios.md's table of operations lists every operation once with
 * exactly its fields, the integer fields with their ranges and defaults
 * written as the table has them; its error names are the table's. */
static void the_docs_agree_with_the_table(void **state)
{
    (void)state;
    char path[4096];
    size_t len;
    repo_path("docs/scenarios.md", path, sizeof path);
    char *md = slurp(path, &len);
    assert_non_null(md);
    size_t nops, nerr;
    const struct scn_op_spec *ops = scn_op_specs(&nops);
    const struct scn_error_name *errs = scn_error_names(&nerr);
    int errors = 0, *rows = calloc(nops, sizeof *rows);
    const char *table = strstr(md, "| op | fields | does |");
    assert_non_null(table);
    for (const char *line = strchr(table, '\n') + 1; strncmp(line, "|", 1) == 0;) {
        const char *eol = strchr(line, '\n');
        if (!eol)
            break;
        if (strncmp(line, "|---", 4) == 0) {
            line = eol + 1;
            continue;
        }
        /* | ops | fields | does |: no cell holds a '|' */
        const char *c1 = line + 1, *c2 = strchr(c1, '|'), *c3 = c2 ? strchr(c2 + 1, '|') : NULL;
        assert_true(c2 && c3 && c3 < eol);
        c2--; /* c2 + 3 is past "| " */
        char opw[16][32], fw[16][32];
        const char *after[16];
        size_t nop = backticked(c1, c2, opw, NULL), nf = backticked(c2 + 3, c3, fw, after);
        for (size_t k = 0; k < nop; k++) {
            size_t i = 0;
            while (i < nops && strcmp(ops[i].name, opw[k]) != 0)
                i++;
            if (i == nops) {
                print_error("docs/scenarios.md: operation `%s` is not in the table\n", opw[k]);
                errors++;
                continue;
            }
            rows[i]++;
            size_t nfields = 0;
            for (const struct scn_field *f = ops[i].fields; f->name; f++, nfields++) {
                size_t w = 0;
                while (w < nf && strcmp(fw[w], f->name) != 0)
                    w++;
                if (w == nf) {
                    print_error("docs/scenarios.md: `%s` lacks its field `%s`\n", ops[i].name,
                                f->name);
                    errors++;
                    continue;
                }
                const char *end = w + 1 < nf ? strchr(after[w], '`') : c3;
                char text[256], lo[32], hi[32], range[80], def[48];
                snprintf(text, sizeof text, "%.*s", (int)(end - after[w]), after[w]);
                if (f->kind == SCN_FIELD_UINT || f->kind == SCN_FIELD_POW2) {
                    fmt_num(f->min, lo, sizeof lo);
                    fmt_num(f->max, hi, sizeof hi);
                    snprintf(range, sizeof range, "%s..%s", lo, hi);
                    fmt_num(f->def, lo, sizeof lo);
                    snprintf(def, sizeof def, "default %s", lo);
                    if (!strstr(text, range) || (f->has_def && !strstr(text, def))) {
                        print_error("docs/scenarios.md: `%s`'s `%s` should say (%s%s%s): \"%s\"\n",
                                    ops[i].name, f->name, range, f->has_def ? ", " : "",
                                    f->has_def ? def : "", text);
                        errors++;
                    }
                }
                if (f->kind == SCN_FIELD_CAPS || f->kind == SCN_FIELD_AS_LIST) {
                    snprintf(range, sizeof range, "at most %llu", (unsigned long long)f->max);
                    if (!strstr(text, range)) {
                        print_error("docs/scenarios.md: `%s`'s `%s` should say \"%s\"\n",
                                    ops[i].name, f->name, range);
                        errors++;
                    }
                }
            }
            if (nf != nfields) {
                print_error("docs/scenarios.md: the row of `%s` names %zu fields, it has %zu\n",
                            ops[i].name, nf, nfields);
                errors++;
            }
        }
        line = eol + 1;
    }
    for (size_t i = 0; i < nops; i++)
        if (rows[i] != 1) {
            print_error("docs/scenarios.md: operation `%s` is in %d rows of the table\n",
                        ops[i].name, rows[i]);
            errors++;
        }
    /* Error names for `expect`: "a", "b", ... (up to the next blank line or "Without") */
    const char *en = strstr(md, "Error names for `expect`:");
    assert_non_null(en);
    const char *stop = strstr(en, "Without");
    assert_non_null(stop);
    size_t found = 0;
    for (const char *q = strchr(en, '"'); q && q < stop; q = strchr(q, '"')) {
        const char *e = strchr(q + 1, '"');
        assert_non_null(e);
        size_t i = 0;
        while (i < nerr && (strlen(errs[i].name) != (size_t)(e - q - 1) ||
                            strncmp(errs[i].name, q + 1, (size_t)(e - q - 1)) != 0))
            i++;
        if (i == nerr || i == 0) {
            print_error("docs/scenarios.md: error name %.*s is not in the table\n",
                        (int)(e - q + 1), q);
            errors++;
        }
        found++;
        q = e + 1;
    }
    if (found != nerr - 1) {
        print_error("docs/scenarios.md lists %zu error names, the table %zu\n", found, nerr - 1);
        errors++;
    }
    free(rows);
    free(md);
    assert_int_equal(errors, 0);
}

/* Returns the value of "#define NAME VALUE" in repository file `rel`, or
 * -1 when there is none. */
static long long define_in(const char *rel, const char *name)
{
    char path[4096], pat[80];
    size_t n;
    repo_path(rel, path, sizeof path);
    char *text = slurp(path, &n);
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
    same_limit("guest-kernel/kport.c", "KIPC_PORTS", 1, SCN_KERNEL_PORTS);
    same_limit("guest-kernel/knotif.c", "KIPC_NOTIFS", 1, SCN_KERNEL_NOTIFS);
    same_limit("guest-kernel/kname.c", "KIPC_NAMES", 1, SCN_KERNEL_NAMES);
    same_limit("guest-kernel/ktopic.c", "KIPC_TOPICS", 1, SCN_KERNEL_TOPICS);
    same_limit("guest-kernel/kregion.c", "KIPC_REGIONS", 1, SCN_KERNEL_REGIONS);
    same_limit("guest-kernel/kregion.c", "REGION_MAX_PAGES", 4096, SCN_KERNEL_REGION_BYTES);
    same_limit("ipc/port.h", "IPC_MSG_CAPS", 1, SCN_MAX_MSG_CAPS);
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

/* Four capabilities in a send and four names in a receive's "as"; 64 bytes
 * in a call and a reply: what the kernel carries. */
static void a_send_carries_four_capabilities(void **state)
{
    (void)state;
    struct scn s;
    load_into("{'name': 'caps', 'description': 'four capabilities',\n"
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
    if (argc > 1)
        corpus_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_table_lists_every_corpus_file),
        cmocka_unit_test(every_malformed_scenario_is_rejected),
        cmocka_unit_test(a_small_error_buffer_is_not_overrun),
        cmocka_unit_test(a_missing_file_is_an_error),
        cmocka_unit_test(a_minimal_scenario_loads),
        cmocka_unit_test(replicas_expand_into_the_blob),
        cmocka_unit_test(every_operation_and_bound_loads),
        cmocka_unit_test(compiled_slots_map_back_to_places),
        cmocka_unit_test(a_failed_operation_is_named_by_its_place),
        cmocka_unit_test(an_expected_deadlock_checks_every_expectation),
        cmocka_unit_test(escaped_keys_are_checked_like_plain_ones),
        cmocka_unit_test(a_send_carries_four_capabilities),
        cmocka_unit_test(the_kernel_limits_are_the_kernels),
        cmocka_unit_test(the_schema_agrees_with_the_table),
        cmocka_unit_test(the_docs_agree_with_the_table),
        cmocka_unit_test(a_large_scenario_loads_in_linear_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
