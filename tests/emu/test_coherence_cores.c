/* tests/emu/test_coherence_cores.c: the timing model's coherence on a
 * machine of several cores, through the CLI (docs/timing-model.md,
 * "Several cores"). On aarch64, tests/exec/pingpong.c's two cores hand one
 * line back and forth: the two cores' cache cycles grow by exactly the
 * change of the profile's core_transfer twice per round after the first
 * (each core's spinning loads hit until the other's store takes the line,
 * then one load misses and takes it back).
 * On every architecture, the same run on four cores gives the same cycles
 * twice, and one core is unchanged by the coherence (its figures are
 * checked by emu/timing_golden). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../integration/harness.h"

#define ROUNDS 200     /* tests/exec/pingpong.c's */
#define EXTRA 1000     /* added to core_transfer */
#define QUANTUM "1000" /* cycles a core runs before the other (--core-quantum) */

static const char *arch, *guest, *profiles, *scenarios;

/* Returns the profile this architecture runs by default. */
static const char *arch_profile(void)
{
    return !strcmp(arch, "x86_64")    ? "skylake"
           : !strcmp(arch, "aarch64") ? "cortex-a72"
                                      : "sifive-u74";
}

/* Writes into tmpdir a copy of the default profile (and its table) with
 * core_transfer raised by EXTRA. Returns the copy's path. */
static const char *slower_transfer_profile(void)
{
    static char path[600];
    char src[600];
    snprintf(src, sizeof src, "%s/%s.insns", profiles, arch_profile());
    char *table = read_whole(src, NULL);
    assert_non_null(table);
    snprintf(path, sizeof path, "%s.insns", arch_profile());
    put_tmp(path, table);
    free(table);
    snprintf(src, sizeof src, "%s/%s.json", profiles, arch_profile());
    char *text = read_whole(src, NULL);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    cJSON *v = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "parameters"), "core_transfer"), "value");
    assert_non_null(v);
    cJSON_SetNumberValue(v, v->valuedouble + EXTRA);
    char *out = cJSON_Print(j);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "%s", put_tmp("slow-transfer.json", out));
    free(out);
    return path;
}

/* breakdown.cache of tests/exec/pingpong.c on two cores under `cpu`. */
static double pingpong_cache(const char *cpu)
{
    char prog[600];
    snprintf(prog, sizeof prog, "%s/%s/exec-pingpong.elf", guest, arch);
    struct result r = run(1, "exec", "--arch", arch, "--cpu", cpu, "--cores", "2", "--core-quantum",
                          QUANTUM, prog, NULL);
    if (r.status != 0)
        fail_msg("exit %d: %s %s", r.status, r.out, r.err);
    assert_string_equal(jstr(r.report, "outcome"), "ok");
    double cache = jnum(cJSON_GetObjectItem(r.report, "breakdown"), "cache");
    result_free(&r);
    return cache;
}

static void a_line_handed_back_and_forth_pays_a_transfer_each_round(void **state)
{
    (void)state;
    if (strcmp(arch, "aarch64") != 0)
        skip(); /* pingpong.c starts a second core on aarch64 only (PSCI) */
    double base = pingpong_cache(arch_profile());
    double slow = pingpong_cache(slower_transfer_profile());
    /* the report's breakdown adds up both cores (docs/machine.md): core 0
     * takes the line back from core 1 once per round but the first (the
     * turn is its own from the start), and core 1 as often (its first
     * load finds the line not yet written) */
    assert_int_equal((long)(slow - base), 2L * (ROUNDS - 1) * EXTRA);
}

static void four_cores_give_the_same_cycles_twice(void **state)
{
    (void)state;
    char sc[600];
    snprintf(sc, sizeof sc, "%s/ping-pong.json", scenarios);
    struct result a = run(1, "run", sc, "--arch", arch, "--cores", "4", "--quiet", NULL);
    struct result b = run(1, "run", sc, "--arch", arch, "--cores", "4", "--quiet", NULL);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_true(jnum(a.report, "cycles") == jnum(b.report, "cycles"));
    assert_true(jnum(a.report, "instructions") == jnum(b.report, "instructions"));
    assert_string_equal(jstr(a.report, "trace_hash"), jstr(b.report, "trace_hash"));
    result_free(&a);
    result_free(&b);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s IPCEMU ARCH GUEST_DIR PROFILE_DIR SCENARIO_DIR\n", argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    guest = argv[3];
    profiles = argv[4];
    scenarios = argv[5];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_line_handed_back_and_forth_pays_a_transfer_each_round),
        cmocka_unit_test(four_cores_give_the_same_cycles_twice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
