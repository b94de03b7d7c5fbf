/* tests/integration/harness.h: runs the ipcemu binary as a user would and
 * reads back what it printed and reported; shared by the integration
 * drivers. */
#ifndef IPCEMU_TESTS_INTEGRATION_HARNESS_H
#define IPCEMU_TESTS_INTEGRATION_HARNESS_H

#include <stddef.h>

#include <cjson/cJSON.h>

extern const char *ipcemu; /* the binary under test */
extern char tmpdir[];      /* a scratch directory, made by setup */

struct result {
    int status;    /* exit status */
    char *out;     /* stdout */
    char *err;     /* stderr */
    cJSON *report; /* --report, when asked and written */
};

/* Runs ipcemu with the NULL-terminated argument list; with_report adds
 * --report FILE and parses it. Fails the test if ipcemu crashes. */
struct result run(int with_report, ...);
/* Like run, with limits on ipcemu: it is killed after `seconds` (so a
 * hang fails the test instead of stalling the suite), and any file it
 * writes may grow to at most `file_bytes` (0: no limit); a write past it
 * fails with EFBIG, as on a full disk. */
struct result run_limited(unsigned seconds, long file_bytes, int with_report, ...);
void result_free(struct result *r);

/* Returns the whole file at `path` in a new buffer with a NUL after its
 * *len bytes (len may be NULL), or NULL when it cannot be opened. */
char *read_whole(const char *path, size_t *len);

/* The report member `key` of `o`, which must be a string / a number. */
const char *jstr(const cJSON *o, const char *key);
double jnum(const cJSON *o, const char *key);

/* Fills names[max] with the names of the *.json files in directory
 * `dir`, sorted (new strings: the caller frees each). Returns their
 * number; fails the test when the directory cannot be read or has none. */
size_t scenario_names(const char *dir, char **names, size_t max);

/* Writes `text` to tmpdir/name; returns its path (a static buffer, valid
 * until the next call). Fails the test when it cannot. */
const char *put_tmp(const char *name, const char *text);

/* cmocka group set-up and tear-down: make and remove tmpdir. */
int setup(void **state);
int teardown(void **state);

#endif
