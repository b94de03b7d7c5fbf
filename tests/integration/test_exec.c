/* tests/integration/test_exec.c: `ipcemu exec` on bare-metal programs.
 *   test_integration_exec IPCEMU ARCH GUEST_DIR PROFILE_DIR */
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

static const char *arch, *guest, *profiles;

/* Runs `ipcemu exec --arch ARCH PROGRAM [EXTRA1 [EXTRA2]] --report FILE`. */
static struct result run_exec(const char *program, const char *extra1, const char *extra2)
{
    return run(1, "exec", "--arch", arch, program, extra1, extra2, NULL);
}

static char *prog(const char *name)
{
    static char path[4][512];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 512, "%s/%s/exec-%s.elf", guest, arch, name);
    return p;
}

/* Returning from the entry function ends the program; its UART output is
 * the program's; the same run twice gives the same cycles. */
static void a_program_runs_to_its_return(void **state)
{
    (void)state;
    struct result b, a = run_exec(prog("sum"), NULL, NULL);
    if (a.status != 0)
        fail_msg("exit %d: %s %s", a.status, a.out, a.err);
    assert_non_null(strstr(a.out, "sum 500500\n"));
    assert_string_equal(jstr(a.report, "outcome"), "ok");
    assert_string_equal(jstr(a.report, "arch"), arch);
    double insns = jnum(a.report, "instructions");
    assert_true(insns > 3000 && insns < 20000); /* a 1000-iteration loop */
    /* Every cycle is charged to one cause. */
    double sum = 0;
    const cJSON *bd = cJSON_GetObjectItem(a.report, "breakdown");
    static const char *const causes[] = {"base", "cache", "tlb", "branch", "trap", "mmio", "idle"};
    for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++)
        sum += jnum(bd, causes[i]);
    assert_true(sum == jnum(a.report, "cycles"));
    assert_true(jnum(bd, "base") > 0);
    b = run_exec(prog("sum"), "--quiet", NULL);
    assert_int_equal(b.status, 0);
    assert_string_equal(b.out, "");
    assert_true(jnum(b.report, "cycles") == jnum(a.report, "cycles"));
    assert_string_equal(jstr(b.report, "trace_hash"), jstr(a.report, "trace_hash"));
    result_free(&a);
    result_free(&b);
}

/* The breakpoint instruction ends it: nothing after it runs. */
static void the_breakpoint_ends_a_program(void **state)
{
    (void)state;
    struct result r = run_exec(prog("bkpt"), NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "before the breakpoint"));
    assert_null(strstr(r.out, "after the breakpoint"));
    assert_true(jnum(r.report, "instructions") < 200);
    result_free(&r);
}

/* An endless program stops at --max-cycles: outcome max_cycles, exit 1. */
static void an_endless_program_stops_at_max_cycles(void **state)
{
    (void)state;
    struct result r = run_exec(prog("spin"), "--max-cycles", "200000");
    assert_int_equal(r.status, 1);
    assert_string_equal(jstr(r.report, "outcome"), "max_cycles");
    assert_true(jnum(r.report, "cycles") >= 200000 && jnum(r.report, "cycles") < 200010);
    result_free(&r);
}

/* Bad programs: one message naming the file, exit 2. */
static void bad_programs_exit_2(void **state)
{
    (void)state;
    struct result r = run_exec("/nonexistent/prog.elf", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/nonexistent/prog.elf"));
    char text[200];
    snprintf(text, sizeof text, "%s/text.elf", tmpdir);
    FILE *f = fopen(text, "w");
    assert_non_null(f);
    fputs("not an ELF file at all\n", f);
    fclose(f);
    result_free(&r);
    r = run_exec(text, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "not an ELF file"));
    assert_non_null(strstr(r.err, "text.elf"));
    /* A program built for another architecture. */
    const char *other = strcmp(arch, "x86_64") ? "x86_64" : "riscv64";
    char path[512];
    snprintf(path, sizeof path, "%s/%s/exec-sum.elf", guest, other);
    result_free(&r);
    r = run_exec(path, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "another architecture"));
    result_free(&r);
    r = run_exec(prog("sum"), "--max-cycles", "zero");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--max-cycles 'zero'"));
    result_free(&r);
}

/* The profile of this architecture and the table keys of the chain
 * programs' add and mul. */
static const char *arch_profile(void)
{
    return !strcmp(arch, "x86_64")    ? "skylake"
           : !strcmp(arch, "aarch64") ? "cortex-a72"
                                      : "sifive-u74";
}

static const char *chain_key(const char *op)
{
    bool add = !strcmp(op, "add");
    if (!strcmp(arch, "x86_64"))
        return add ? "add r64,r64" : "imul r64,r64";
    if (!strcmp(arch, "aarch64"))
        return add ? "add x,x,x" : "mul x,x,x";
    return add ? "add" : "mul";
}

/* The latency column of `key` in the table file `path`. */
static double table_latency(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    double lat = -1;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == '\t')
            lat = strtod(strchr(line + n + 1, '\t') + 1, NULL);
    fclose(f);
    if (lat < 0)
        fail_msg("%s: no row for \"%s\"", path, key);
    return lat;
}

/* breakdown.base of chain-<op><links> under profile `cpu`. */
static double chain_base(const char *op, int links, const char *cpu)
{
    char name[32];
    snprintf(name, sizeof name, "chain-%s%d", op, links);
    struct result r = run(1, "exec", "--arch", arch, prog(name), "--quiet", "--cpu", cpu, NULL);
    if (r.status != 0)
        fail_msg("%s: exit %d: %s", name, r.status, r.err);
    double base = jnum(cJSON_GetObjectItem(r.report, "breakdown"), "base");
    result_free(&r);
    return base;
}

/* Eight more dependent links per iteration cost 1000 x 8 x the form's
 * latency in the profile (within 0.5%: the loop's own overhead overlaps). */
static void check_chain(const char *op, const char *cpu, double latency)
{
    double extra = chain_base(op, 16, cpu) - chain_base(op, 8, cpu);
    double want = 1000 * 8 * latency;
    if (extra < want * 0.995 || extra > want * 1.005)
        fail_msg("%s chain on %s: 8 more links cost %.0f cycles, the profile implies %.0f", op, cpu,
                 extra, want);
}

static void dependent_chains_cost_their_latency(void **state)
{
    (void)state;
    char table[600];
    snprintf(table, sizeof table, "%s/%s.insns", profiles, arch_profile());
    check_chain("add", arch_profile(), table_latency(table, chain_key("add")));
    check_chain("mul", arch_profile(), table_latency(table, chain_key("mul")));
}

/* Copies the profile into the test's directory with the add row's
 * latency (and loop-carried latency) set to 7: the chain costs follow. */
static void a_changed_profile_changes_the_cycles(void **state)
{
    (void)state;
    char src[600], dst[600], line[1024];
    const char *name = arch_profile();
    for (int k = 0; k < 2; k++) {
        snprintf(src, sizeof src, "%s/%s.%s", profiles, name, k ? "insns" : "json");
        snprintf(dst, sizeof dst, "%s/%s.%s", tmpdir, name, k ? "insns" : "json");
        FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
        assert_non_null(in);
        assert_non_null(out);
        size_t n = strlen(chain_key("add"));
        while (fgets(line, sizeof line, in)) {
            if (k && !strncmp(line, chain_key("add"), n) && line[n] == '\t') {
                /* key uops latency rthroughput self flags pressure */
                char *f[7], *save = NULL;
                f[0] = strtok_r(line, "\t", &save);
                for (int i = 1; i < 7; i++)
                    f[i] = strtok_r(NULL, "\t", &save);
                fprintf(out, "%s\t%s\t7\t%s\t7.00\t%s\t%s", f[0], f[1], f[3], f[5], f[6]);
            } else {
                fputs(line, out);
            }
        }
        fclose(in);
        fclose(out);
    }
    snprintf(dst, sizeof dst, "%s/%s.json", tmpdir, name);
    check_chain("add", dst, 7);
    /* mul is untouched */
    snprintf(src, sizeof src, "%s/%s.insns", profiles, name);
    check_chain("mul", dst, table_latency(src, chain_key("mul")));
}

/* Past its first 20M cycles, a run simulates the data caches in sampled
 * windows and charges the rest per block from them: on the benchmark
 * workload (memory-bound, with phases) the total stays within 5% of the
 * run that simulates every access. */
static void sampled_caches_stay_close_to_exact(void **state)
{
    (void)state;
    struct result s = run(1, "exec", "--arch", arch, prog("bench"), "--quiet", NULL);
    struct result e =
        run(1, "exec", "--arch", arch, prog("bench"), "--quiet", "--exact-caches", NULL);
    if (s.status != 0 || e.status != 0)
        fail_msg("exit %d / %d: %s %s", s.status, e.status, s.err, e.err);
    double cs = jnum(s.report, "cycles"), ce = jnum(e.report, "cycles");
    if (cs < ce * 0.95 || cs > ce * 1.05)
        fail_msg("sampled %.0f cycles, exact %.0f", cs, ce);
    assert_true(jnum(cJSON_GetObjectItem(s.report, "timing"), "sampling_windows") > 0);
    assert_true(jnum(cJSON_GetObjectItem(e.report, "timing"), "sampling_windows") == 0);
    assert_true(jnum(s.report, "instructions") == jnum(e.report, "instructions"));
    /* the sampled run sees far fewer data accesses */
    assert_true(jnum(cJSON_GetObjectItem(s.report, "timing"), "l1d_accesses") <
                jnum(cJSON_GetObjectItem(e.report, "timing"), "l1d_accesses") / 2);
    result_free(&s);
    result_free(&e);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s IPCEMU ARCH GUEST_DIR PROFILE_DIR\n", argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    guest = argv[3];
    profiles = argv[4];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_program_runs_to_its_return),
        cmocka_unit_test(the_breakpoint_ends_a_program),
        cmocka_unit_test(an_endless_program_stops_at_max_cycles),
        cmocka_unit_test(bad_programs_exit_2),
        cmocka_unit_test(dependent_chains_cost_their_latency),
        cmocka_unit_test(a_changed_profile_changes_the_cycles),
        cmocka_unit_test(sampled_caches_stay_close_to_exact),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
