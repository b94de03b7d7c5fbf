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

/* A program that floods the trace port ends on the run's trace bound
 * (outcome max_events, exit 1) with the host's memory bounded, long before
 * --max-cycles. */
static void a_trace_flood_ends_on_the_trace_bound(void **state)
{
    (void)state;
    struct result r = run_exec(prog("flood"), NULL, NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(jstr(r.report, "outcome"), "max_events");
    assert_non_null(strstr(jstr(r.report, "why"), "20000000 events"));
    assert_true(jnum(r.report, "cycles") < 10000000000.0);
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
    static const char *const keys[][4] = {
        /* add, mul, div, load */
        {"add r64,r64", "imul r64,r64", "div r64", "mov r64,m64"},
        {"add x,x,x", "mul x,x,x", "udiv x,x,x", "ldr x,m"},
        {"add", "mul", "divu", "ld"},
    };
    int a = !strcmp(arch, "x86_64") ? 0 : !strcmp(arch, "aarch64") ? 1 : 2;
    int o = !strcmp(op, "add") ? 0 : !strcmp(op, "mul") ? 1 : !strcmp(op, "div") ? 2 : 3;
    return keys[a][o];
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

/* Eight more dependent links per iteration (add, mul, div, or load-use:
 * a load whose address the previous load returned) cost 1000 x 8 x the
 * form's latency in the profile (within 0.5%: the loop's own overhead
 * overlaps). */
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
    static const char *const ops[] = {"add", "mul", "div", "load"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        check_chain(ops[i], arch_profile(), table_latency(table, chain_key(ops[i])));
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

/* A value of this architecture's profile ("parameters.NAME.value"). */
static double profile_value(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s.json", profiles, arch_profile());
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    const cJSON *v = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "parameters"), name), "value");
    assert_true(cJSON_IsNumber(v));
    double d = v->valuedouble;
    cJSON_Delete(root);
    return d;
}

/* Runs a micro-program with every access simulated; returns its report. */
static struct result run_exact(const char *name)
{
    struct result r = run(1, "exec", "--arch", arch, prog(name), "--quiet", "--exact-caches", NULL);
    if (r.status != 0)
        fail_msg("%s: exit %d: %s", name, r.status, r.err);
    return r;
}

static double counter(const struct result *r, const char *name)
{
    return jnum(cJSON_GetObjectItem(r->report, "timing"), name);
}

/* What `big`'s extra data misses cost over `small`'s, by the profile. */
static double miss_cost(const struct result *big, const struct result *small)
{
    double l1 = profile_value("l1d_latency"), l2 = profile_value("l2_latency");
    double mem = profile_value("mem_latency"), walk = profile_value("tlb_walk");
    double d_l1 = counter(big, "l1d_misses") - counter(small, "l1d_misses");
    double d_l2 = counter(big, "l2_misses") - counter(small, "l2_misses");
    double d_tlb = counter(big, "tlb_misses") - counter(small, "tlb_misses");
    return (d_l1 - d_l2) * (l2 - l1) + d_l2 * (mem - l1) + d_tlb * walk;
}

/* 65,536 dependent loads around rings of 16 KiB (fits every profile's
 * L1D), 64 KiB (misses the L1D, fits the L2 and the TLB) and 4 MiB (fits
 * no L2): the same instructions, so the differences are the misses, each
 * costing what the profile says (L2 hit: l2 - l1 latency; memory: mem - l1;
 * a TLB miss: the walk). */
static void cache_levels_cost_what_the_profile_says(void **state)
{
    (void)state;
    struct result s = run_exact("ring-16k"), m = run_exact("ring-64k"), b = run_exact("ring-4m");
    /* after the first lap, every load of the 64 KiB ring misses the L1D
     * and hits the L2; every load of the 4 MiB ring misses both */
    assert_true(counter(&m, "l1d_misses") - counter(&s, "l1d_misses") >= 0.95 * 65536);
    assert_true(counter(&m, "l2_misses") - counter(&s, "l2_misses") <= 1024 + 64);
    assert_true(counter(&b, "l2_misses") - counter(&s, "l2_misses") >= 0.95 * 65536);
    double dm = jnum(m.report, "cycles") - jnum(s.report, "cycles");
    double db = jnum(b.report, "cycles") - jnum(s.report, "cycles");
    if (dm != miss_cost(&m, &s) || db != miss_cost(&b, &s))
        fail_msg("64 KiB ring: %.0f extra cycles, the profile implies %.0f; 4 MiB: %.0f vs %.0f",
                 dm, miss_cost(&m, &s), db, miss_cost(&b, &s));
    result_free(&s);
    result_free(&m);
    result_free(&b);
}

/* 65,536 branches on pseudo-random bytes against the same branches on
 * zeros: the predictor learns the zeros and misses about half of the
 * random ones; each miss costs the profile's penalty, and nothing else
 * differs. */
static void mispredicted_branches_cost_the_penalty(void **state)
{
    (void)state;
    struct result r = run_exact("branch-random"), f = run_exact("branch-fixed");
    double extra = counter(&r, "mispredicts") - counter(&f, "mispredicts");
    assert_true(counter(&f, "mispredicts") < 100);
    assert_true(extra > 0.3 * 65536 && extra < 0.7 * 65536);
    double d = jnum(r.report, "cycles") - jnum(f.report, "cycles");
    if (d != extra * profile_value("mispredict"))
        fail_msg("%.0f extra cycles for %.0f extra mispredicts of %.0f cycles", d, extra,
                 profile_value("mispredict"));
    result_free(&r);
    result_free(&f);
}

/* Past its first 10M cycles, a run simulates the data caches in sampled
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
        cmocka_unit_test(a_trace_flood_ends_on_the_trace_bound),
        cmocka_unit_test(bad_programs_exit_2),
        cmocka_unit_test(dependent_chains_cost_their_latency),
        cmocka_unit_test(a_changed_profile_changes_the_cycles),
        cmocka_unit_test(cache_levels_cost_what_the_profile_says),
        cmocka_unit_test(mispredicted_branches_cost_the_penalty),
        cmocka_unit_test(sampled_caches_stay_close_to_exact),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
