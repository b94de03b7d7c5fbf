/* tests/machine/scenario_harness.h: what the scenario loader's tests
 * (tests/machine/test_scenario_*.c) share: where the malformed corpus and
 * the repository are, reading a file, and loading a scenario written with
 * single quotes. */
#ifndef TESTS_MACHINE_SCENARIO_HARNESS_H
#define TESTS_MACHINE_SCENARIO_HARNESS_H

#include <stddef.h>

#include "machine/scenario.h"

/* The malformed corpus: IPCEMU_SCENARIOS_BAD, or argv[1] when given (see
 * scn_test_args). The repository is three levels above it. */
extern const char *scn_test_corpus;

/* Takes the corpus directory from argv[1] when there is one. */
void scn_test_args(int argc, char **argv);

/* Writes the path of repository file `rel` to out[n]. */
void scn_test_repo_path(const char *rel, char *out, size_t n);

/* Reads a whole file into a NUL-terminated buffer (owned by the caller)
 * and its length into *n; NULL if it cannot. */
char *scn_test_slurp(const char *path, size_t *n);

/* Writes `json` to a temporary file, its single quotes turned into double
 * quotes (none of the tests' scenarios has an apostrophe), and loads it
 * into *s (the caller frees it with scn_free); fails the test when it does
 * not load. */
void scn_test_load(const char *json, struct scn *s);

/* Loads `json` (as scn_test_load) and frees it. */
void scn_test_loads(const char *json);

#endif
