/* tracer/diff.h: comparing two runs' event logs (`ipcemu diff`, `ipcemu
 * replay`): the first event that differs, whether the content hashes
 * agree, and the paths side by side (counts and median cycles). */
#ifndef IPCEMU_TRACER_DIFF_H
#define IPCEMU_TRACER_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tracer/trace.h"

/* What two logs' comparison found. */
struct trc_diff {
    size_t first;          /* the index of the first event that differs (SIZE_MAX: none) */
    bool same_hash;        /* the content hashes (events and console) agree */
    unsigned paths_differ; /* paths whose span counts differ */
};

/* Returns the index of the first event where logs a and b differ (an
 * event compared field by field, or one log ending first), or SIZE_MAX
 * when their events are the same. */
size_t trc_diff_first(const struct trc_log *a, const struct trc_log *b);

/* Compares logs a and b, whose content hashes are hash_a and hash_b (a
 * trace file's recorded hash, or the log's own), into *d. Returns true
 * when they are identical: the same events and the same hash. */
bool trc_diff_logs(const struct trc_log *a, uint64_t hash_a, const struct trc_log *b,
                   uint64_t hash_b, struct trc_diff *d);

/* Writes event e of `log` as one line (no newline) to out[n]: "cycle
 * 1234: ipc.send pid 2 (ping) 3 7 0 0", the process name made printable
 * (returns nothing). */
void trc_event_text(const struct trc_log *log, const struct trc_event *e, char *out, size_t n);

/* Prints, path by path, the counts and median cycles of logs a and b and
 * the median's change (returns nothing). */
void trc_diff_paths(FILE *out, const struct trc_log *a, const struct trc_log *b);

/* Prints comparison d of logs a and b as `ipcemu diff` does: "identical",
 * the first event that differs in each, or that only the console differs;
 * then the paths side by side (returns nothing). */
void trc_diff_print(FILE *out, const struct trc_log *a, const struct trc_log *b,
                    const struct trc_diff *d);

#endif
