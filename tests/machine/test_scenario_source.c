/* tests/machine/test_scenario_source.c: a process's "program" or
 * "source" (machine/scenario_source.c): the C files resolved against the
 * scenario's directory, the handle names in the process's strings, and the
 * errors. Nothing is compiled here (tests/integration/test_students.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "machine/scenario.h"

/* Loads `json` as the file `path`; returns scn_load_text's result, the
 * error in err[1024]. */
static int load(const char *path, const char *json, struct scn *s, char *err)
{
    return scn_load_text(path, json, strlen(json), s, err, 1024);
}

#define HEAD                                                                                       \
    "{\"name\": \"s\", \"description\": \"d\", \"objects\": [{\"name\": \"svc\", \"type\": "       \
    "\"port\", \"owner\": \"server\"}, {\"name\": \"ev\", \"type\": \"notification\", "            \
    "\"owner\": \"server\"}], \"processes\": [{\"name\": \"server\", "

/* A path is resolved against the scenario's directory, an absolute one
 * stays, and the process's strings are its handles' names in slot order. */
static void sources_resolve_against_the_scenario(void **state)
{
    (void)state;
    struct scn s;
    char err[1024];
    assert_int_equal(load("labs/x.json", HEAD "\"source\": [\"a.c\", \"/abs/b.c\"]}]}", &s, err),
                     0);
    assert_int_equal(s.nentries, 1);
    assert_int_equal(s.entries[0].nsources, 2);
    assert_string_equal(s.entries[0].sources[0], "labs/a.c");
    assert_string_equal(s.entries[0].sources[1], "/abs/b.c");
    assert_int_equal(s.entries[0].nops, 0);
    const struct scn_proc *p =
        (const struct scn_proc *)((const char *)s.blob + s.blob->proc_offset);
    assert_int_equal(p->nstr, 7);
    assert_memory_equal((const char *)s.blob + p->str_offset, "svc\0ev\0", 7);
    assert_int_equal(p->image_base, 0); /* until machine/student.c links it */
    scn_free(&s);
    assert_int_equal(load("x.json", HEAD "\"source\": \"echo.c\"}]}", &s, err), 0);
    assert_string_equal(s.entries[0].sources[0], "echo.c");
    scn_free(&s);
}

/* Each wrong "source" is refused with its path. */
static void bad_sources_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *json, *err;
    } bad[] = {
        {HEAD "\"source\": \"a.c\", \"program\": []}]}",
         "processes[0].source: a process has a \"program\" or a \"source\", not both"},
        {HEAD "\"priority\": 1}]}", "processes[0]: needs a \"program\" or a \"source\""},
        {HEAD "\"source\": \"a.cc\"}]}", "processes[0].source: must be the path of a C file"},
        {HEAD "\"source\": [\"a.c\", 3]}]}",
         "processes[0].source[1]: must be the path of a C file"},
        {HEAD "\"source\": []}]}", "processes[0].source: must be a C file's path or an array"},
        {HEAD "\"source\": 7}]}", "processes[0].source: must be a C file's path or an array"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct scn s;
        char err[1024];
        assert_int_equal(load("x.json", bad[i].json, &s, err), -1);
        if (!strstr(err, bad[i].err))
            fprintf(stderr, "case %zu: %s\n", i, err);
        assert_non_null(strstr(err, bad[i].err));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sources_resolve_against_the_scenario),
        cmocka_unit_test(bad_sources_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
