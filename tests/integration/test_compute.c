/* tests/integration/test_compute.c: the scenario operation `compute`
 * (guest-kernel/user/compute.c) is user-mode work of about the cycles it
 * names, on every architecture: the report's user cycles match it, its
 * only system calls are the ten clock reads of the first compute's
 * calibration, and it is the process's own time (two processes that share
 * the CPU each get theirs, so the run takes longer than either).
 *   test_integration_compute IPCEMU ARCH */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"

/* The calibration's clock reads plus the exit. */
#define COMPUTE_SYSCALLS 11.0

static const char *arch;

/* Returns the report's user cycles (attribution.user). */
static double user_cycles(const struct result *r)
{
    return jnum(cJSON_GetObjectItem(r->report, "attribution"), "user");
}

/* Writes a scenario of `nprocs` processes (priority 1), each running
 * `reps` computes of `cycles`, to tmpdir/NAME.json and runs it; returns
 * the run's result (the caller frees it). Fails the test unless the run
 * ended "ok" with exit status 0, its user cycles are within 3% of all the
 * computes together, and each process made no system call but the
 * calibration's clock reads and its exit. */
static struct result run_compute(const char *name, unsigned nprocs, unsigned reps,
                                 unsigned long cycles)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "{\"name\": \"%s\", \"description\": \"compute\", \"processes\": [", name);
    for (unsigned i = 0; i < nprocs; i++)
        fprintf(f,
                "%s{\"name\": \"w%u\", \"program\": [{\"op\": \"repeat\", \"count\": %u, "
                "\"body\": [{\"op\": \"compute\", \"cycles\": %lu}]}]}",
                i ? ", " : "", i, reps, cycles);
    fprintf(f, "]}\n");
    fclose(f);
    struct result r = run(1, "run", path, "--arch", arch, "--quiet", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(r.report);
    assert_string_equal(jstr(r.report, "outcome"), "ok");
    double want = (double)nprocs * reps * (double)cycles, got = user_cycles(&r);
    if (got < want * 0.97 || got > want * 1.03)
        fail_msg("%s %s: %.0f user cycles, expected %.0f +- 3%%", arch, name, got, want);
    const cJSON *procs = cJSON_GetObjectItem(r.report, "processes");
    assert_int_equal(cJSON_GetArraySize(procs), nprocs);
    for (unsigned i = 0; i < nprocs; i++)
        assert_true(jnum(cJSON_GetArrayItem(procs, (int)i), "syscalls") <= COMPUTE_SYSCALLS);
    return r;
}

/* One compute of a million cycles: a million user cycles, and no system
 * call but the calibration's. */
static void one_compute(void **state)
{
    (void)state;
    struct result r = run_compute("one", 1, 1, 1000000);
    result_free(&r);
}

/* Ten computes of 100,000 cycles: the same work, and the same system
 * calls (only the first compute measures the loop). */
static void many_computes(void **state)
{
    (void)state;
    struct result r = run_compute("many", 1, 10, 100000);
    result_free(&r);
}

/* Two processes of one priority compute a million cycles each, taking
 * turns every quantum: two million user cycles in all, and the run is
 * longer than both together (the work is the process's own time, not
 * wall-clock time). */
static void shared_cpu(void **state)
{
    (void)state;
    struct result r = run_compute("shared", 2, 1, 1000000);
    assert_true(jnum(r.report, "cycles") > 2e6);
    result_free(&r);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_integration_compute IPCEMU ARCH\n");
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_compute),
        cmocka_unit_test(many_computes),
        cmocka_unit_test(shared_cpu),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
