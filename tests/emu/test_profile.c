/* tests/emu/test_profile.c: the CPU-profile loader (emu/profile.c) against
 * the shipped profiles, the malformed corpus in tests/emu/profiles_bad (see
 * its README.md), every parameter's bounds, inputs that are not regular
 * files, and the in-memory entry points the fuzz target uses. */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "emu/timing.h"

/* The corpus beside this file (CMake compiles it by its absolute path). */
static char corpus[1024];
/* A temporary directory for FIFOs and copies. */
static char tmp[64];

static int setup(void **state)
{
    (void)state;
    const char *slash = strrchr(__FILE__, '/');
    snprintf(corpus, sizeof corpus, "%.*s/profiles_bad", slash ? (int)(slash - __FILE__) : 1,
             slash ? __FILE__ : ".");
    snprintf(tmp, sizeof tmp, "/tmp/ipcemu-profile-XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* Every malformed profile and its whole message, "{D}" standing for the
 * corpus directory. Keep in step with the files (the test fails on a file
 * it does not list). */
static const struct bad {
    const char *file, *message;
} bads[] = {
    {"01-top-level-array.json",
     "{D}/01-top-level-array.json: $: must be an object (a CPU profile), not an array"},
    {"02-top-level-string.json",
     "{D}/02-top-level-string.json: $: must be an object (a CPU profile), not a string"},
    {"03-top-level-null.json",
     "{D}/03-top-level-null.json: $: must be an object (a CPU profile), not null"},
    {"04-top-level-number.json",
     "{D}/04-top-level-number.json: $: must be an object (a CPU profile), not a number"},
    {"05-top-level-bool.json",
     "{D}/05-top-level-bool.json: $: must be an object (a CPU profile), not true or false"},
    {"06-empty-file.json", "{D}/06-empty-file.json:1:1: not valid JSON (it ends too early)"},
    {"07-truncated.json", "{D}/07-truncated.json:20:4: not valid JSON"},
    {"08-text-after.json", "{D}/08-text-after.json:41:1: not valid JSON (text after the profile)"},
    {"09-nul-byte.json", "{D}/09-nul-byte.json:3:3: a NUL byte"},
    {"10-nul-escape.json",
     "{D}/10-nul-escape.json:2:16: the escape \\u0000 (a NUL) inside a string"},
    {"11-control-in-string.json",
     "{D}/11-control-in-string.json:4:24: a control character inside a string (not valid JSON)"},
    {"12-deep-arrays.json", "{D}/12-deep-arrays.json:1:1001: not valid JSON"},
    {"13-unknown-field.json", "{D}/13-unknown-field.json: $.frequency_mhz: unknown field"},
    {"14-duplicate-field.json", "{D}/14-duplicate-field.json: $.name: appears twice"},
    {"15-missing-name.json", "{D}/15-missing-name.json: $.name: missing"},
    {"16-missing-parameters.json", "{D}/16-missing-parameters.json: $.parameters: missing"},
    {"17-name-not-string.json",
     "{D}/17-name-not-string.json: $.name: must be a string of 1 to 31 letters, digits, '.', "
     "'_', '+' or '-'"},
    {"18-name-escape-chars.json",
     "{D}/18-name-escape-chars.json: $.name: must be a string of 1 to 31 letters, digits, '.', "
     "'_', '+' or '-'"},
    {"19-name-too-long.json",
     "{D}/19-name-too-long.json: $.name: must be a string of 1 to 31 letters, digits, '.', '_', "
     "'+' or '-'"},
    {"20-arch-unknown.json",
     "{D}/20-arch-unknown.json: $.arch: must be \"x86_64\", \"aarch64\" or \"riscv64\""},
    {"21-arch-not-string.json",
     "{D}/21-arch-not-string.json: $.arch: must be \"x86_64\", \"aarch64\" or \"riscv64\""},
    {"22-description-not-string.json",
     "{D}/22-description-not-string.json: $.description: must be a string"},
    {"23-mcpu-not-string.json",
     "{D}/23-mcpu-not-string.json: $.llvm_mcpu: must be a string of 1 to 31 letters, digits, "
     "'.', '_', '+' or '-'"},
    {"24-sources-not-object.json",
     "{D}/24-sources-not-object.json: $.sources: must be an object of strings"},
    {"25-sources-member-not-string.json",
     "{D}/25-sources-member-not-string.json: $.sources.llvm: must be a non-empty string"},
    {"26-table-with-slash.json",
     "{D}/26-table-with-slash.json: $.instruction_table: must be the name of a file beside the "
     "profile (1 to 200 letters, digits, '.', '_', '+' or '-', not starting with '.')"},
    {"27-table-not-string.json",
     "{D}/27-table-not-string.json: $.instruction_table: must be the name of a file beside the "
     "profile (1 to 200 letters, digits, '.', '_', '+' or '-', not starting with '.')"},
    {"28-table-dot-name.json",
     "{D}/28-table-dot-name.json: $.instruction_table: must be the name of a file beside the "
     "profile (1 to 200 letters, digits, '.', '_', '+' or '-', not starting with '.')"},
    {"29-parameters-array.json", "{D}/29-parameters-array.json: $.parameters: must be an object"},
    {"30-parameter-unknown.json",
     "{D}/30-parameter-unknown.json: $.parameters.l3_size: unknown parameter"},
    {"31-parameter-duplicate.json",
     "{D}/31-parameter-duplicate.json: $.parameters.l1d_ways: appears twice"},
    {"32-parameter-missing.json",
     "{D}/32-parameter-missing.json: $.parameters.mmio_latency: missing"},
    {"33-parameter-not-object.json",
     "{D}/33-parameter-not-object.json: $.parameters.issue_width: must be {\"value\": ..., "
     "\"source\": \"...\"}"},
    {"34-parameter-array.json",
     "{D}/34-parameter-array.json: $.parameters.l2_ways: must be {\"value\": ..., \"source\": "
     "\"...\"}"},
    {"35-parameter-no-source.json",
     "{D}/35-parameter-no-source.json: $.parameters.tlb_walk.source: missing"},
    {"36-parameter-no-value.json",
     "{D}/36-parameter-no-value.json: $.parameters.tlb_walk.value: missing"},
    {"37-parameter-empty-source.json",
     "{D}/37-parameter-empty-source.json: $.parameters.ras_depth.source: must be a non-empty "
     "string naming where the value comes from"},
    {"38-parameter-extra-field.json",
     "{D}/38-parameter-extra-field.json: $.parameters.l1i_ways.unit: unknown field (a parameter "
     "has \"value\" and \"source\")"},
    {"39-parameter-value-twice.json",
     "{D}/39-parameter-value-twice.json: $.parameters.l1i_ways.value: appears twice"},
    {"40-value-string.json",
     "{D}/40-value-string.json: $.parameters.l1d_size.value: must be an integer from 1024 to "
     "4194304"},
    {"41-value-null.json",
     "{D}/41-value-null.json: $.parameters.l1d_line.value: must be an integer from 16 to 256"},
    {"42-value-negative.json",
     "{D}/42-value-negative.json: $.parameters.l1d_ways.value: must be an integer from 1 to 64"},
    {"43-value-2-pow-32.json",
     "{D}/43-value-2-pow-32.json: $.parameters.l2_size.value: must be an integer from 4096 to "
     "67108864"},
    {"44-value-2-pow-64.json",
     "{D}/44-value-2-pow-64.json: $.parameters.trap_entry.value: must be an integer from 0 to "
     "100000"},
    {"45-value-1e300.json",
     "{D}/45-value-1e300.json: $.parameters.mem_latency.value: must be an integer from 1 to "
     "100000"},
    {"46-value-1e400.json",
     "{D}/46-value-1e400.json: $.parameters.tlb_walk.value: must be an integer from 0 to 100000"},
    {"47-value--1e400.json",
     "{D}/47-value--1e400.json: $.parameters.mispredict.value: must be an integer from 0 to "
     "1000"},
    {"48-value-fractional.json",
     "{D}/48-value-fractional.json: $.parameters.issue_width.value: must be an integer from 1 to "
     "16"},
    {"49-value-tiny-fraction.json",
     "{D}/49-value-tiny-fraction.json: $.parameters.ras_depth.value: must be an integer from 1 "
     "to 1024"},
    {"50-value-above-max.json",
     "{D}/50-value-above-max.json: $.parameters.l1d_ways.value: must be an integer from 1 to 64"},
    {"51-value-zero-issue-width.json",
     "{D}/51-value-zero-issue-width.json: $.parameters.issue_width.value: must be an integer "
     "from 1 to 16"},
    {"52-value-zero-line.json",
     "{D}/52-value-zero-line.json: $.parameters.l1i_line.value: must be an integer from 16 to "
     "256"},
    {"53-value-true.json",
     "{D}/53-value-true.json: $.parameters.rob_size.value: must be an integer from 0 to 4096"},
    {"54-bool-string.json",
     "{D}/54-bool-string.json: $.parameters.out_of_order.value: must be true or false"},
    {"55-bool-number.json", "{D}/55-bool-number.json: $.parameters.asid.value: must be true or "
                            "false"},
    {"56-line-not-pow2.json",
     "{D}/56-line-not-pow2.json: $.parameters.l1d_line.value: must be a power of two"},
    {"57-sets-not-pow2.json",
     "{D}/57-sets-not-pow2.json: $.parameters.l2_size.value: l2_size / (l2_ways * l2_line) must "
     "be a power of two (the sets)"},
    {"58-sets-zero.json",
     "{D}/58-sets-zero.json: $.parameters.l1i_size.value: l1i_size / (l1i_ways * l1i_line) must "
     "be a power of two (the sets)"},
    {"59-tlb-ways-above-entries.json",
     "{D}/59-tlb-ways-above-entries.json: $.parameters.tlb_ways.value: must not be above "
     "tlb_entries (16)"},
    {"60-bp-entries-not-pow2.json",
     "{D}/60-bp-entries-not-pow2.json: $.parameters.bp_entries.value: must be a power of two"},
    {"61-rob-too-small.json",
     "{D}/61-rob-too-small.json: $.parameters.rob_size.value: an out-of-order core needs at "
     "least issue_width (4) entries"},
    {"62-escaped-key-out-of-range.json",
     "{D}/62-escaped-key-out-of-range.json: $.parameters.l1d_ways.value: must be an integer from "
     "1 to 64"},
    {"63-key-with-newline.json", "{D}/63-key-with-newline.json: $.note\\x0arm -rf: unknown field"},
    {"64-table-missing.json",
     "{D}/64-table-missing.json: $.instruction_table: cannot open {D}/64-absent.insns: No such "
     "file or directory"},
    {"65-table-empty.json", "{D}/65-table-empty.insns: no instruction rows"},
    {"66-table-negative-uops.json",
     "{D}/66-table-negative-uops.insns:4: uops: must be an integer from 0 to 10000"},
    {"67-table-huge-latency.json",
     "{D}/67-table-huge-latency.insns:4: latency: must be an integer from 0 to 10000"},
    {"68-table-exponent-latency.json",
     "{D}/68-table-exponent-latency.insns:4: latency: must be an integer from 0 to 10000"},
    {"69-table-nan-throughput.json",
     "{D}/69-table-nan-throughput.insns:4: rthroughput: must be a decimal number from 0 to "
     "10000"},
    {"70-table-empty-field.json",
     "{D}/70-table-empty-field.insns:4: latency: must be an integer from 0 to 10000"},
    {"71-table-six-fields.json",
     "{D}/71-table-six-fields.insns:4: 6 tab-separated fields, expected 7 (key, uops, latency, "
     "rthroughput, self, flags, port pressures)"},
    {"72-table-bad-flags.json", "{D}/72-table-bad-flags.insns:4: flags: must be -, L, S or LS"},
    {"73-table-few-pressures.json",
     "{D}/73-table-few-pressures.insns:4: port pressures: must be 2 decimal numbers from 0 to "
     "10000 (one per port)"},
    {"74-table-many-pressures.json",
     "{D}/74-table-many-pressures.insns:4: port pressures: must be 2 decimal numbers from 0 to "
     "10000 (one per port)"},
    {"75-table-duplicate-key.json",
     "{D}/75-table-duplicate-key.insns:5: key \"add r64,r64\" appears twice (first on line 3)"},
    {"76-table-long-key.json", "{D}/76-table-long-key.insns:4: key: must be 1 to 47 characters"},
    {"77-table-ports-after-rows.json",
     "{D}/77-table-ports-after-rows.insns:4: ports: one ports line, before the first row"},
    {"78-table-control-char.json",
     "{D}/78-table-control-char.insns:4: a control character (byte 0x1b)"},
    {"79-table-nul-byte.json", "{D}/79-table-nul-byte.insns:4: a control character (byte 0x00)"},
    {"80-table-too-many-ports.json",
     "{D}/80-table-too-many-ports.insns:1: ports: more than 16 ports"},
    {"81-arch-missing.json", "{D}/81-arch-missing.json: $.arch: missing"},
    {"82-mcpu-missing.json", "{D}/82-mcpu-missing.json: $.llvm_mcpu: missing"},
    {"83-table-field-missing.json",
     "{D}/83-table-field-missing.json: $.instruction_table: missing"},
    {"84-sources-duplicate.json", "{D}/84-sources-duplicate.json: $.sources.test: appears twice"},
    {"85-tlb-entries-not-pow2.json",
     "{D}/85-tlb-entries-not-pow2.json: $.parameters.tlb_entries.value: must be a power of two"},
    {"86-tlb-ways-not-pow2.json",
     "{D}/86-tlb-ways-not-pow2.json: $.parameters.tlb_ways.value: must be a power of two"},
    {"87-btb-entries-not-pow2.json",
     "{D}/87-btb-entries-not-pow2.json: $.parameters.btb_entries.value: must be a power of two"},
    {"88-l1i-line-not-pow2.json",
     "{D}/88-l1i-line-not-pow2.json: $.parameters.l1i_line.value: must be a power of two"},
    {"89-l2-line-not-pow2.json",
     "{D}/89-l2-line-not-pow2.json: $.parameters.l2_line.value: must be a power of two"},
    {"90-l1d-sets-not-pow2.json",
     "{D}/90-l1d-sets-not-pow2.json: $.parameters.l1d_size.value: l1d_size / (l1d_ways * "
     "l1d_line) must be a power of two (the sets)"},
    {"91-table-bad-self.json",
     "{D}/91-table-bad-self.insns:4: self: must be a decimal number from 0 to 10000"},
    {"92-table-port-name-space.json",
     "{D}/92-table-port-name-space.insns:2: ports: a port name is 1 to 31 characters without "
     "spaces"},
    {"93-table-empty-key.json", "{D}/93-table-empty-key.insns:4: key: must be 1 to 47 characters"},
};
#define NBADS (sizeof bads / sizeof bads[0])

/* Files of the corpus that are not a malformed profile of the table. */
static const char *const support[] = {"README.md", "00-valid-base.json", "00-good.insns"};

/* Writes `pattern` with every "{D}" replaced by `dir` into out[n]. */
static void expand(const char *pattern, const char *dir, char *out, size_t n)
{
    size_t k = 0;
    for (const char *s = pattern; *s && k + 1 < n;) {
        if (strncmp(s, "{D}", 3) == 0) {
            k += (size_t)snprintf(out + k, n - k, "%s", dir);
            s += 3;
        } else {
            out[k++] = *s++;
        }
    }
    out[k < n ? k : n - 1] = '\0';
}

/* Returns true when `name` is listed in the table, as a profile or as the
 * table of one (NN-x.insns beside NN-x.json), or is a support file. */
static bool listed(const char *name)
{
    for (size_t i = 0; i < sizeof support / sizeof support[0]; i++)
        if (strcmp(name, support[i]) == 0)
            return true;
    size_t n = strlen(name);
    for (size_t i = 0; i < NBADS; i++) {
        size_t m = strlen(bads[i].file) - 5; /* without ".json" */
        if (strcmp(name, bads[i].file) == 0 ||
            (n == m + 6 && strncmp(name, bads[i].file, m) == 0 && !strcmp(name + m, ".insns")))
            return true;
    }
    return false;
}

static void every_malformed_profile_is_refused_with_its_message(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < NBADS; i++) {
        char path[1200], want[2000], why[1024];
        snprintf(path, sizeof path, "%s/%s", corpus, bads[i].file);
        expand(bads[i].message, corpus, want, sizeof want);
        struct tm_profile p;
        memset(why, 0, sizeof why);
        int rc = tm_profile_load(&p, path, why, sizeof why);
        if (rc != -1 || strcmp(why, want) != 0 || p.rows != NULL) {
            print_error("%s: rc %d\n  got:  %s\n  want: %s\n", bads[i].file, rc, why, want);
            failed++;
        }
        if (rc == 0)
            tm_profile_free(&p);
    }
    /* every file of the corpus is in the table */
    DIR *d = opendir(corpus);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.' && !listed(e->d_name)) {
            print_error("%s/%s is not in the table\n", corpus, e->d_name);
            failed++;
        }
    closedir(d);
    assert_int_equal(failed, 0);
}

/* The base every malformed profile is a copy of loads: each one fails for
 * its own reason only. */
static void the_corpus_base_loads(void **state)
{
    (void)state;
    char path[1200], why[600];
    snprintf(path, sizeof path, "%s/00-valid-base.json", corpus);
    struct tm_profile p;
    if (tm_profile_load(&p, path, why, sizeof why) != 0)
        fail_msg("%s", why);
    assert_string_equal(p.name, "test-core");
    assert_int_equal(p.issue_width, 4);
    assert_int_equal(p.nports, 2);
    assert_int_equal(p.nrows, 3);
    assert_string_equal(p.rows[1].key, "mov m64,r64"); /* sorted */
    assert_true(p.rows[1].cost.store && !p.rows[1].cost.load);
    assert_true(p.rows[2].cost.latency == 5 && p.rows[2].cost.pressure[1] == 1.0f);
    bool exact;
    assert_ptr_equal(tm_lookup(&p, "mov r64,m64", &exact), &p.rows[2]);
    assert_true(exact);
    assert_ptr_equal(tm_lookup(&p, "mov r32,r32", &exact), &p.rows[1]); /* same mnemonic */
    assert_false(exact);
    assert_null(tm_lookup(&p, "movzx r32,r8", &exact));
    assert_true(p.fallback.uops == 1 && p.fallback.rthroughput == 0.25f);
    tm_profile_free(&p);
    assert_null(p.rows);
}

/* The shipped profiles load by name, each for its architecture. */
static void the_shipped_profiles_load(void **state)
{
    (void)state;
    static const char *const names[][2] = {
        {"skylake", "x86_64"}, {"cortex-a72", "aarch64"}, {"sifive-u74", "riscv64"}};
    for (size_t i = 0; i < 3; i++) {
        struct tm_profile p;
        char why[600];
        if (tm_profile_load(&p, names[i][0], why, sizeof why) != 0)
            fail_msg("%s", why);
        assert_string_equal(p.name, names[i][0]);
        assert_string_equal(p.arch, names[i][1]);
        assert_true(p.nrows > 50 && p.nports > 0);
        for (size_t k = 1; k < p.nrows; k++)
            assert_true(strcmp(p.rows[k - 1].key, p.rows[k].key) < 0);
        tm_profile_free(&p);
    }
}

/* Reads the corpus base into a new buffer; *n gets its length. */
static char *base_text(size_t *n)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/00-valid-base.json", corpus);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *n = fread(buf, 1, (1 << 16) - 1, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

/* Loads the base with parameter `name`'s value text replaced by `value`,
 * as the file {corpus}/mem.json. Returns what tm_profile_load_text
 * returned, with its message in why[wn]. */
static int load_with(const char *name, const char *value, char *why, size_t wn)
{
    size_t n;
    char *text = base_text(&n), key[64], out[1 << 16], path[1200];
    snprintf(key, sizeof key, "\"%s\": {\"value\": ", name);
    char *at = strstr(text, key);
    assert_non_null(at);
    at += strlen(key);
    size_t old = strcspn(at, ",");
    int k = snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, value, at + old);
    assert_true(k > 0 && (size_t)k < sizeof out);
    free(text);
    snprintf(path, sizeof path, "%s/mem.json", corpus);
    struct tm_profile p;
    int rc = tm_profile_load_text(&p, path, out, (size_t)k, why, wn);
    if (rc == 0)
        tm_profile_free(&p);
    return rc;
}

/* Each numeric parameter's bounds: one below the least and one above the
 * greatest are refused by name; `plain` ones (no geometry or power-of-two
 * rule) load at both bounds. */
static void every_parameter_has_its_bounds(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        unsigned long min, max;
        bool plain;
    } ps[] = {
        {"issue_width", 1, 16, true},         {"rob_size", 0, 4096, false},
        {"l1i_size", 1024, 1ul << 22, false}, {"l1i_ways", 1, 64, false},
        {"l1i_line", 16, 256, false},         {"l1i_latency", 0, 100, true},
        {"l1d_size", 1024, 1ul << 22, false}, {"l1d_ways", 1, 64, false},
        {"l1d_line", 16, 256, false},         {"l1d_latency", 0, 100, true},
        {"l2_size", 4096, 1ul << 26, false},  {"l2_ways", 1, 64, false},
        {"l2_line", 16, 256, false},          {"l2_latency", 1, 1000, true},
        {"mem_latency", 1, 100000, true},     {"tlb_entries", 1, 1ul << 16, false},
        {"tlb_ways", 1, 1024, false},         {"tlb_walk", 0, 100000, true},
        {"bp_entries", 2, 1ul << 24, true},   {"bp_history", 0, 24, true},
        {"btb_entries", 1, 1ul << 20, true},  {"ras_depth", 1, 1024, true},
        {"mispredict", 0, 1000, true},        {"trap_entry", 0, 100000, true},
        {"trap_return", 0, 100000, true},     {"as_switch", 0, 100000, true},
        {"as_switch_asid", 0, 100000, true},  {"mmio_latency", 0, 100000, true},
        {"core_transfer", 0, 100000, true},   {"ipi_latency", 0, 100000, true},
    };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        char why[600], want[1400], v[32];
        snprintf(want, sizeof want,
                 "%s/mem.json: $.parameters.%s.value: must be an integer from %lu to %lu", corpus,
                 ps[i].name, ps[i].min, ps[i].max);
        static const char *const junk[] = {"-1", "4294967296", "1e300", "0.5", "\"1\"", "[]"};
        for (int k = -1; k < (int)(sizeof junk / sizeof junk[0]); k++) {
            if (k < 0)
                snprintf(v, sizeof v, "%lu", ps[i].max + 1);
            assert_int_equal(load_with(ps[i].name, k < 0 ? v : junk[k], why, sizeof why), -1);
            if (strcmp(why, want) != 0)
                fail_msg("%s = %s:\n  got:  %s\n  want: %s", ps[i].name, k < 0 ? v : junk[k], why,
                         want);
        }
        if (ps[i].min > 0) {
            snprintf(v, sizeof v, "%lu", ps[i].min - 1);
            assert_int_equal(load_with(ps[i].name, v, why, sizeof why), -1);
            assert_string_equal(why, want);
        }
        for (int k = 0; ps[i].plain && k < 2; k++) {
            snprintf(v, sizeof v, "%lu", k ? ps[i].max : ps[i].min);
            if (load_with(ps[i].name, v, why, sizeof why) != 0)
                fail_msg("%s = %s: %s", ps[i].name, v, why);
        }
    }
}

/* A FIFO, a directory or a device as the profile or its table is refused
 * at once, naming it (an alarm ends a test that blocks). */
static void inputs_that_are_not_files_are_refused_without_blocking(void **state)
{
    (void)state;
    char fifo[128], table[128], json[128], why[800];
    alarm(20);
    snprintf(fifo, sizeof fifo, "%s/fifo.json", tmp);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    struct tm_profile p;
    assert_int_equal(tm_profile_load(&p, fifo, why, sizeof why), -1);
    assert_non_null(strstr(why, fifo));
    assert_non_null(strstr(why, "a FIFO"));
    assert_int_equal(tm_profile_load(&p, tmp, why, sizeof why), -1); /* a directory */
    assert_non_null(strstr(why, "a directory"));
    assert_int_equal(tm_profile_load(&p, "/dev/zero", why, sizeof why), -1);
    assert_non_null(strstr(why, "a device"));
    /* the table a FIFO: the base profile copied beside it */
    snprintf(table, sizeof table, "%s/00-good.insns", tmp);
    assert_int_equal(mkfifo(table, 0600), 0);
    size_t n;
    char *text = base_text(&n);
    snprintf(json, sizeof json, "%s/base.json", tmp);
    FILE *f = fopen(json, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
    free(text);
    assert_int_equal(tm_profile_load(&p, json, why, sizeof why), -1);
    char want[800];
    snprintf(want, sizeof want,
             "%s: $.instruction_table: %s: is a FIFO; ipcemu reads regular files only", json,
             table);
    assert_string_equal(why, want);
    alarm(0);
}

/* Names: an unknown one says so; one that is not a plain name is refused
 * before any file is looked at; a path too long is refused, not cut. */
static void profile_names_and_paths(void **state)
{
    (void)state;
    char why[800], want[1200], path[700];
    struct tm_profile p;
    assert_int_equal(tm_profile_load(&p, "no-such-core", why, sizeof why), -1);
    snprintf(want, sizeof want, "unknown CPU profile \"no-such-core\" (no %s/no-such-core.json)",
             tm_profile_dir());
    assert_string_equal(why, want);
    assert_int_equal(tm_profile_load(&p, "sky\x1b[2Jlake", why, sizeof why), -1);
    assert_non_null(strstr(why, "unknown CPU profile \"sky\\x1b[2Jlake\""));
    memset(path, 'a', sizeof path);
    memcpy(path, "/tmp/", 5);
    strcpy(path + sizeof path - 6, ".json");
    assert_int_equal(tm_profile_load(&p, path, why, sizeof why), -1);
    assert_non_null(strstr(why, "the path is longer than 511 bytes"));
    assert_null(strchr(why, '\n'));
}

/* IPCEMU_PROFILE_PATH names the directory profiles are looked up in by
 * name: a malformed one there is refused the same way (one of the ways a
 * top-level array used to crash ipcemu). */
static void the_profile_path_variable_is_used(void **state)
{
    (void)state;
    char why[800], want[1200];
    assert_int_equal(setenv("IPCEMU_PROFILE_PATH", corpus, 1), 0);
    struct tm_profile p;
    int rc = tm_profile_load(&p, "01-top-level-array", why, sizeof why);
    int rc2 = tm_profile_load(&p, "00-valid-base", why + 400, sizeof why - 400);
    unsetenv("IPCEMU_PROFILE_PATH");
    assert_int_equal(rc, -1);
    snprintf(want, sizeof want,
             "%s/01-top-level-array.json: $: must be an object (a CPU profile), not an array",
             corpus);
    assert_string_equal(why, want);
    if (rc2 != 0)
        fail_msg("%s", why + 400);
    tm_profile_free(&p);
}

/* The in-memory entry points read exactly `len` bytes (no NUL needed, one
 * inside is an error), and a table may have CRLF lines and no final
 * newline. */
static void the_text_entry_points_read_exactly_len_bytes(void **state)
{
    (void)state;
    char why[600], path[1200];
    size_t n;
    char *text = base_text(&n);
    snprintf(path, sizeof path, "%s/mem.json", corpus);
    /* not NUL-terminated: a copy with junk after the end */
    char *copy = malloc(n + 8);
    assert_non_null(copy);
    memcpy(copy, text, n);
    memcpy(copy + n, "}}}}}}}}", 8);
    struct tm_profile p;
    if (tm_profile_load_text(&p, path, copy, n, why, sizeof why) != 0)
        fail_msg("%s", why);
    tm_profile_free(&p);
    /* the same length with a NUL in it */
    copy[10] = '\0';
    assert_int_equal(tm_profile_load_text(&p, path, copy, n, why, sizeof why), -1);
    assert_non_null(strstr(why, "mem.json:2:"));
    assert_non_null(strstr(why, "a NUL byte"));
    /* larger than a profile may be */
    char *big = calloc(1, (1u << 20) + 2);
    assert_non_null(big);
    memset(big, ' ', (1u << 20) + 1);
    assert_int_equal(tm_profile_load_text(&p, path, big, (1u << 20) + 1, why, sizeof why), -1);
    assert_non_null(strstr(why, "larger than 1048576 bytes"));
    free(big);
    free(copy);
    free(text);

    static const char table[] = "ports\tA\r\n"
                                "b x\t1\t2\t0.50\t2.00\tLS\t1.00\r\n"
                                "a x\t1\t3\t0.50\t3.00\t-\t0.25   "; /* no newline */
    memset(&p, 0, sizeof p);
    if (tm_table_load_text(&p, "t.insns", table, sizeof table - 1, why, sizeof why) != 0)
        fail_msg("%s", why);
    assert_int_equal(p.nports, 1);
    assert_string_equal(p.ports[0], "A");
    assert_int_equal(p.nrows, 2);
    assert_string_equal(p.rows[0].key, "a x");
    assert_true(p.rows[0].cost.pressure[0] == 0.25f && p.rows[1].cost.load && p.rows[1].cost.store);
    /* only the first 12 bytes: the ports line, then a row cut short */
    assert_int_equal(tm_table_load_text(&p, "t.insns", table, 12, why, sizeof why), -1);
    assert_string_equal(why, "t.insns:2: 1 tab-separated fields, expected 7 (key, uops, latency, "
                             "rthroughput, self, flags, port pressures)");
    assert_null(p.rows);
    assert_int_equal(tm_table_load_text(&p, "t.insns", "", 0, why, sizeof why), -1);
    assert_string_equal(why, "t.insns: no instruction rows");
}

/* A message longer than the buffer is cut, never written past it. */
static void a_small_error_buffer_is_not_overrun(void **state)
{
    (void)state;
    char buf[32];
    char path[1200];
    snprintf(path, sizeof path, "%s/43-value-2-pow-32.json", corpus);
    for (size_t wn = 1; wn < 24; wn += 7) {
        memset(buf, 'Z', sizeof buf);
        struct tm_profile p;
        assert_int_equal(tm_profile_load(&p, path, buf, wn), -1);
        assert_int_equal(strlen(buf), wn - 1);
        for (size_t k = wn; k < sizeof buf; k++)
            assert_int_equal(buf[k], 'Z');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_malformed_profile_is_refused_with_its_message),
        cmocka_unit_test(the_corpus_base_loads),
        cmocka_unit_test(the_shipped_profiles_load),
        cmocka_unit_test(every_parameter_has_its_bounds),
        cmocka_unit_test(inputs_that_are_not_files_are_refused_without_blocking),
        cmocka_unit_test(profile_names_and_paths),
        cmocka_unit_test(the_profile_path_variable_is_used),
        cmocka_unit_test(the_text_entry_points_read_exactly_len_bytes),
        cmocka_unit_test(a_small_error_buffer_is_not_overrun),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
