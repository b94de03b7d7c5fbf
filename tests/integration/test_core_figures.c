/* tests/integration/test_core_figures.c: the report's per-core figures
 * that say where several cores lose time, on one architecture:
 * scenarios/lock-contention.json on four cores (run c4) has every core
 * wait for the kernel lock (cycles charged to klock_wait and entries into
 * it, within that core's kernel cycles); on one core (run c1) nobody
 * waits; scenarios/ping-pong-cross-core.json moves lines between its two
 * cores (coherence transfers on both), the same in two runs; a run without
 * a timing model has no coherence figures.
 *   test_integration_core_figures IPCEMU ARCH SCENARIO_DIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"

static const char *arch, *dir;

/* Returns scenario `name`'s path (a static buffer). */
static const char *scenario(const char *name)
{
    static char path[1100];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    return path;
}

static void four_cores_contending_each_wait_for_the_lock(void **state)
{
    (void)state;
    struct result r =
        run(1, "run", scenario("lock-contention"), "--run", "c4", "--arch", arch, "--quiet", NULL);
    assert_int_equal(r.status, 0);
    const cJSON *cores = cJSON_GetObjectItem(r.report, "cores");
    assert_int_equal(cJSON_GetArraySize(cores), 4);
    for (int k = 0; k < 4; k++) {
        const cJSON *c = cJSON_GetArrayItem(cores, k);
        double wait = jnum(c, "lock_wait_cycles"), waits = jnum(c, "lock_waits");
        assert_true(wait > 0 && waits > 0);
        assert_true(waits <= wait);                    /* every entry costs a cycle at least */
        assert_true(wait <= jnum(c, "kernel_cycles")); /* the waiting is the kernel's */
        const cJSON *h = cJSON_GetObjectItem(c, "coherence");
        assert_true(cJSON_IsObject(h));
        assert_true(jnum(h, "transfers") > 0); /* the lock word moves between the cores */
        assert_true(jnum(h, "invalidations_sent") > 0);
    }
    result_free(&r);
}

static void one_core_never_waits_for_the_lock(void **state)
{
    (void)state;
    struct result r =
        run(1, "run", scenario("lock-contention"), "--run", "c1", "--arch", arch, "--quiet", NULL);
    assert_int_equal(r.status, 0);
    assert_null(cJSON_GetObjectItem(r.report, "cores")); /* one core: no per-core section */
    /* the image has klock_wait, and no cycle went there */
    const cJSON *fns =
        cJSON_GetObjectItem(cJSON_GetObjectItem(r.report, "attribution"), "kernel_functions");
    assert_true(cJSON_GetArraySize(fns) > 0);
    for (const cJSON *f = fns->child; f; f = f->next)
        assert_true(strcmp(jstr(f, "name"), "klock_wait") != 0 || jnum(f, "cycles") == 0);
    result_free(&r);
}

/* Returns the report's "cores" array of run `r` printed (caller frees). */
static char *cores_text(const struct result *r)
{
    char *s = cJSON_PrintUnformatted(cJSON_GetObjectItem(r->report, "cores"));
    assert_non_null(s);
    return s;
}

static void a_cross_core_call_moves_lines_both_ways(void **state)
{
    (void)state;
    struct result r = run(1, "run", scenario("ping-pong-cross-core"), "--arch", arch, NULL);
    assert_int_equal(r.status, 0);
    const cJSON *cores = cJSON_GetObjectItem(r.report, "cores");
    assert_int_equal(cJSON_GetArraySize(cores), 2);
    for (int k = 0; k < 2; k++) {
        const cJSON *c = cJSON_GetArrayItem(cores, k);
        /* the message and the lock word move between the cores */
        assert_true(jnum(cJSON_GetObjectItem(c, "coherence"), "transfers") > 0);
        assert_true(jnum(c, "lock_wait_cycles") <= jnum(c, "kernel_cycles"));
    }
    /* the summary's core table says it too */
    assert_non_null(strstr(r.out, "lock wait  waits  ipi>  ipi<  xfers   events\n"));
    /* a second run gives the same figures */
    struct result again =
        run(1, "run", scenario("ping-pong-cross-core"), "--arch", arch, "--quiet", NULL);
    assert_int_equal(again.status, 0);
    char *a = cores_text(&r), *b = cores_text(&again);
    assert_string_equal(a, b);
    free(a);
    free(b);
    result_free(&again);
    result_free(&r);
}

static void a_flat_run_has_no_coherence_figures(void **state)
{
    (void)state;
    struct result r = run(1, "run", scenario("ping-pong-cross-core"), "--arch", arch, "--cpu",
                          "flat", "--quiet", NULL);
    assert_int_equal(r.status, 0);
    const cJSON *cores = cJSON_GetObjectItem(r.report, "cores");
    assert_int_equal(cJSON_GetArraySize(cores), 2);
    for (int k = 0; k < 2; k++) {
        const cJSON *c = cJSON_GetArrayItem(cores, k);
        assert_null(cJSON_GetObjectItem(c, "coherence"));
        assert_true(cJSON_IsNumber(cJSON_GetObjectItem(c, "lock_waits")));
    }
    result_free(&r);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s IPCEMU ARCH SCENARIO_DIR\n", argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    dir = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(four_cores_contending_each_wait_for_the_lock),
        cmocka_unit_test(one_core_never_waits_for_the_lock),
        cmocka_unit_test(a_cross_core_call_moves_lines_both_ways),
        cmocka_unit_test(a_flat_run_has_no_coherence_figures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
