/* tests/machine/scenario_harness.c: see scenario_harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <cmocka.h>

#include "tests/machine/scenario_harness.h"
#include "util/hostfile.h"

#ifndef IPCEMU_SCENARIOS_BAD
#define IPCEMU_SCENARIOS_BAD "tests/machine/scenarios_bad"
#endif

const char *scn_test_corpus = IPCEMU_SCENARIOS_BAD;

void scn_test_args(int argc, char **argv)
{
    if (argc > 1)
        scn_test_corpus = argv[1];
}

void scn_test_repo_path(const char *rel, char *out, size_t n)
{
    snprintf(out, n, "%s/../../../%s", scn_test_corpus, rel);
}

char *scn_test_slurp(const char *path, size_t *n)
{
    char why[256];
    return (char *)hf_read_input(path, 64u << 20, n, why, sizeof why);
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

void scn_test_load(const char *json, struct scn *s)
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

void scn_test_loads(const char *json)
{
    struct scn s;
    scn_test_load(json, &s);
    scn_free(&s);
}
