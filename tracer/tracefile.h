/* tracer/tracefile.h: the compact binary trace of a run (`--trace FILE`),
 * which `ipcemu replay` re-runs and `ipcemu diff` compares.
 *
 * Layout (little-endian): "IPCEMUTR", u32 version, then LEB128 varints:
 * the settings (text "key=value\n" lines: kind, arch, cpu, exact_caches,
 * max_cycles, seed, quantum, cap_cache, ram, demo, build, scenario_path),
 * the scenario's JSON source (empty for `boot`), the events (each: cycle
 * delta, core, type, pid, four arguments), the console bytes, the run's
 * content hash, final cycles and instructions, and last a u64 FNV-1a of
 * every byte before it. */
#ifndef IPCEMU_TRACER_TRACEFILE_H
#define IPCEMU_TRACER_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracer/trace.h"

struct trc_file_meta {
    char kind[8]; /* "run" or "boot" */
    char arch[16];
    char cpu[64];
    bool exact_caches;
    uint64_t max_cycles, seed, quantum, ram;
    uint32_t cap_cache, demo;
    char build[128];         /* the ipcemu version and the kernel image's hash */
    char scenario_path[512]; /* where the scenario came from (for messages) */
    char *scenario;          /* owned: its JSON source, NUL-terminated; NULL for boot */
    size_t scenario_len;
    uint64_t hash; /* the run's content hash */
    uint64_t cycles, instructions;
};

/* Writes the trace of a finished run. Returns 0, or -1 with err[n]. */
int trc_file_write(const char *path, const struct trc_file_meta *m, const struct trc_log *log,
                   char *err, size_t n);
/* Reads a trace into *m and a fresh *log (its events and console; the
 * recorded hash is in m->hash). Returns 0, or -1 with one line naming the
 * file and what is wrong in err[n] (a truncated or altered file, a file
 * that is not a trace). */
int trc_file_read(const char *path, struct trc_file_meta *m, struct trc_log *log, char *err,
                  size_t n);
void trc_file_meta_free(struct trc_file_meta *m);

/* Where trc_file_scan hands what it reads: each event in order, then the
 * console bytes; a callback returning non-zero (out of memory) stops the
 * scan. Either may be NULL. */
struct trc_file_sink {
    int (*event)(void *arg, const struct trc_event *e);
    int (*console)(void *arg, const uint8_t *bytes, size_t len);
    void *arg;
};
/* Reads a trace like trc_file_read, handing its events to `sink` instead
 * of keeping them (a viewer builds its own compact model). */
int trc_file_scan(const char *path, struct trc_file_meta *m, const struct trc_file_sink *sink,
                  char *err, size_t n);

#endif
