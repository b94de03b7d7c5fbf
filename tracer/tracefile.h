/* tracer/tracefile.h: the compact binary trace of a run (`--trace FILE`),
 * which `ipcemu replay` re-runs and `ipcemu diff` compares.
 *
 * Layout (little-endian): "IPCEMUTR", u32 version, then LEB128 varints:
 * the settings (text "key=value\n" lines, each key once: kind, arch, cpu,
 * exact_caches, max_cycles, seed, quantum, cap_cache, ram, demo, build,
 * scenario_path; and, for a run of several cores only, cores and
 * core_quantum: a trace without them is of one core, as every trace
 * written before they existed), the run's input (`run`: the scenario's JSON source;
 * `exec`: the program's ELF image; empty for `boot`), the events (each:
 * cycle delta, core, type, pid, four arguments), the console bytes, the
 * run's content hash, final cycles and instructions, and last a u64 FNV-1a
 * of every byte before it.
 *
 * A reader trusts nothing in a trace: every setting is checked as the
 * command line checks the option it stands for (trc_setting_parse), and
 * memory is bounded by the file's size. */
#ifndef IPCEMU_TRACER_TRACEFILE_H
#define IPCEMU_TRACER_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracer/trace.h"

struct trc_file_meta {
    char kind[8]; /* "run", "boot" or "exec" */
    char arch[16];
    char cpu[64];
    bool exact_caches;
    uint64_t max_cycles, seed, quantum;
    uint64_t ram; /* bytes, a whole number of MiB */
    uint32_t cap_cache, demo;
    uint32_t cores;        /* 1..TRC_MAX_CORES (0 when written: 1) */
    uint64_t core_quantum; /* cores > 1: the cycles a core runs before the board
                              looks at the others (TRC_CORE_QUANTUM_MIN..MAX) */
    char build[128];       /* the ipcemu version and the kernel image's hash */
    /* run: where the scenario came from; exec: the program's path (both
     * for messages only) */
    char scenario_path[512];
    /* owned, NUL-terminated (NULL for boot): run: the scenario's JSON
     * source; exec: the program's ELF image */
    char *scenario;
    size_t scenario_len;
    uint64_t hash; /* the run's content hash */
    uint64_t cycles, instructions;
};

/* The numeric settings of a run, on the command line (--max-cycles,
 * --seed, --quantum, --ram-mib, --cap-cache, --exact-caches) and in a
 * trace (max_cycles, seed, quantum, ram in bytes, cap_cache, exact_caches). */
enum trc_setting {
    TRC_SET_MAX_CYCLES,   /* 1 .. 2^63 - 1 */
    TRC_SET_SEED,         /* 0 .. 2^64 - 1 */
    TRC_SET_QUANTUM,      /* 1000 .. 1000000000 */
    TRC_SET_RAM_MIB,      /* TRC_RAM_MIB_MIN .. TRC_RAM_MIB_MAX */
    TRC_SET_CAP_CACHE,    /* a power of two in 1 .. 65536 */
    TRC_SET_EXACT_CACHES, /* 0 or 1 */
    TRC_SET_COUNT
};
#define TRC_CORE_QUANTUM_MIN 100u
#define TRC_CORE_QUANTUM_MAX 100000000u
#define TRC_RAM_MIB_MIN 16u
#define TRC_RAM_MIB_MAX 1024u

/* Parses a decimal number: digits only (no sign, space or 0x), no leading
 * zero (but "0"), at most 2^64 - 1. Returns true with *v, else false. */
bool trc_parse_decimal(const char *s, uint64_t *v);
/* Checks that `v` is a valid value of setting `s`. Returns true, or false
 * with what a value must be in why[wn] ("not a decimal number in 1000..
 * 1000000000"). */
bool trc_setting_check(enum trc_setting s, uint64_t v, char *why, size_t wn);
/* Parses `text` as the value of setting `s` (trc_parse_decimal, then
 * trc_setting_check): the one check the command line and the trace
 * reader share. Returns true with *v, or false with why[wn]. */
bool trc_setting_parse(enum trc_setting s, const char *text, uint64_t *v, char *why, size_t wn);

/* Writes the trace of a finished run, through a temporary file renamed
 * over `path` (a failed write leaves no new file and `path` as it was).
 * Returns 0, or -1 with err[n]. */
int trc_file_write(const char *path, const struct trc_file_meta *m, const struct trc_log *log,
                   char *err, size_t n);
/* Encodes the trace of a finished run into a new buffer (*out, *len; the
 * caller frees it). Returns 0, or -1 with err[n] (out of memory). */
int trc_file_encode(const struct trc_file_meta *m, const struct trc_log *log, uint8_t **out,
                    size_t *len, char *err, size_t n);
/* Reads a trace into *m and a fresh *log (its events and console; the
 * recorded hash is in m->hash). Returns 0, or -1 with one line naming the
 * file and what is wrong in err[n] (a truncated or altered file, a file
 * that is not a trace or not a regular file, a bad setting). *m and *log
 * need trc_file_meta_free and trc_log_free either way. */
int trc_file_read(const char *path, struct trc_file_meta *m, struct trc_log *log, char *err,
                  size_t n);
/* The same for a trace in memory, buf[len]; `name` names it in errors. */
int trc_file_read_mem(const char *name, const uint8_t *buf, size_t len, struct trc_file_meta *m,
                      struct trc_log *log, char *err, size_t n);
/* Frees what *m owns (returns nothing). */
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
 * of keeping them (a viewer builds its own compact model). Returns 0, or
 * -1 with err[n]. */
int trc_file_scan(const char *path, struct trc_file_meta *m, const struct trc_file_sink *sink,
                  char *err, size_t n);
/* The same for a trace in memory, buf[len]; `name` names it in errors. */
int trc_file_parse(const char *name, const uint8_t *buf, size_t len, struct trc_file_meta *m,
                   const struct trc_file_sink *sink, char *err, size_t n);

#endif
