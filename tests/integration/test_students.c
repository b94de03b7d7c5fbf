/* tests/integration/test_students.c: students' programs (docs/scenarios.md,
 * "Students' programs") on one architecture: every scenario of
 * scenarios/students/ compiles its C files with `ipcemu run`, serves its
 * calls and holds its expectations, twice with the same trace hash (the
 * compiled images are the same bytes), and replays identically; a program
 * with a syntax error gets clang's message and exit status 2, and named
 * runs on another architecture are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static const char *arch, *dir, *bad_dir;

/* Every scenario of `dir` runs with exit status 0 and outcome "ok", the
 * same twice, and its trace replays identically. */
static void every_student_scenario_serves_its_calls(void **state)
{
    (void)state;
    char *names[32];
    size_t n = scenario_names(dir, names, 32);
    for (size_t i = 0; i < n; i++) {
        char path[1024], trace[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(trace, sizeof trace, "%s/student.trace", tmpdir);
        struct result a = run(1, "run", path, "--arch", arch, "--quiet", "--trace", trace, NULL);
        struct result b = run(1, "run", path, "--arch", arch, "--quiet", NULL);
        if (a.status != 0)
            fprintf(stderr, "%s on %s: exit %d\n%s", names[i], arch, a.status, a.err);
        assert_int_equal(a.status, 0);
        assert_string_equal(jstr(a.report, "outcome"), "ok");
        assert_string_equal(jstr(a.report, "trace_hash"), jstr(b.report, "trace_hash"));
        assert_true(jnum(cJSON_GetObjectItem(a.report, "messages"), "received") > 0);
        struct result r = run(0, "replay", trace, NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "identical"));
        assert_null(strstr(r.err, "warning"));
        result_free(&a);
        result_free(&b);
        result_free(&r);
        free(names[i]);
    }
}

/* A missing semicolon: clang's own message (file, line, column, what) on
 * stderr, ipcemu's line naming the process, exit status 2, no run. */
static void a_syntax_error_gets_the_compilers_message_and_exit_2(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/syntax-error.json", bad_dir);
    struct result r = run(0, "run", path, "--arch", arch, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "syntax-error.c:9:33: error: expected ';'"));
    assert_non_null(strstr(r.err, "processes[0].source:"));
    assert_non_null(strstr(r.err, "the compiler refused it"));
    assert_null(strstr(r.out, "[kernel]")); /* the machine never started */
    result_free(&r);
}

/* Named runs on another architecture than the one the students'
 * programs were compiled for: refused, exit 2, naming the run. */
static void a_run_on_another_architecture_is_refused(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/runs-other-arch.json", bad_dir);
    struct result r = run(0, "run", path, "--arch", arch, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, ".arch: a scenario with students' programs runs on one "
                                  "architecture"));
    result_free(&r);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s IPCEMU ARCH STUDENT_SCENARIO_DIR BAD_DIR\n", argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    dir = argv[3];
    bad_dir = argv[4];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_student_scenario_serves_its_calls),
        cmocka_unit_test(a_syntax_error_gets_the_compilers_message_and_exit_2),
        cmocka_unit_test(a_run_on_another_architecture_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
