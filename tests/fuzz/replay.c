/* tests/fuzz/replay.c: runs a fuzz target's entry point
 * (LLVMFuzzerTestOneInput) over every file in the directories (or files)
 * given, in name order, without libFuzzer: ctest's fuzz/replay/NAME tests
 * build each target from tests/fuzz/sources.txt with the project's own
 * compiler and flags (the sanitizers in a sanitizer build) and replay its
 * seed corpus and its regressions. A crash or an abort fails the test.
 *
 * usage: fuzz_replay_NAME DIR_OR_FILE... */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/hostfile.h"

/* The largest input replayed (the fuzzers' own -max_len is 64 KiB). */
#define REPLAY_MAX (64u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds the file at `path` to the target. Returns 0, or -1 when it cannot
 * be read (said on stderr). */
static int replay_file(const char *path)
{
    size_t n;
    char why[512];
    uint8_t *buf = hf_read_input(path, REPLAY_MAX, &n, why, sizeof why);
    if (!buf) {
        fprintf(stderr, "fuzz replay: %s\n", why);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

/* qsort order for directory entry names. */
static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays `path`: a file, or every regular file directly in a directory.
 * Returns the inputs replayed, or -1 on an error (printed). */
static long replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "fuzz replay: %s: cannot be read\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path) == 0 ? 1 : -1;
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "fuzz replay: %s: cannot be opened\n", path);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn)
                break;
            names = nn;
        }
        if (!(names[n] = malloc(strlen(path) + strlen(e->d_name) + 2)))
            break;
        sprintf(names[n++], "%s/%s", path, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    long count = 0;
    for (size_t i = 0; i < n; i++) {
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(names[i]) != 0) {
                count = -1;
            } else if (count >= 0) {
                count++;
            }
        }
        free(names[i]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    long total = 0;
    for (int i = 1; i < argc; i++) {
        long n = replay_path(argv[i]);
        if (n < 0)
            return 1;
        total += n;
    }
    printf("fuzz replay: %ld inputs, none crashed\n", total);
    return total > 0 ? 0 : 1;
}
