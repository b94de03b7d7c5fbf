/* tracer/diff.h: comparing two runs from their traces (`ipcemu diff`,
 * `ipcemu replay`). Two parts:
 *
 * - events (diff.c): the two event logs compared event by event, by what
 *   each event means: its type, core, process and the arguments that are
 *   neither cycle stamps nor addresses (a deadline, an interrupt's times,
 *   a code, page-table or region address are "stamps": they move with the
 *   timing model, the architecture or the build while the run means the
 *   same). The first event that differs in meaning, with context from both
 *   runs; how many events before it differ only in stamps. Over every
 *   event, or only the IPC events (sends, receives, replies, blocks,
 *   wakes, notifications, drops, ports, regions, processes: --events).
 * - a table (diff_table.c): the two runs side by side, every figure the
 *   report derives from the events recomputed from the logs: settings,
 *   outcome, cycles, messages, capability cache, paths (count, median,
 *   mean), processes, and the number of events of each type. */
#ifndef IPCEMU_TRACER_DIFF_H
#define IPCEMU_TRACER_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tracer/trace.h"
#include "tracer/tracefile.h"

/* ---- events (diff.c) --------------------------------------------------- */

/* Returns the index of the first event where logs a and b differ (an
 * event compared field by field, stamps included, or one log ending
 * first), or SIZE_MAX when their events are the same. */
size_t trc_diff_first(const struct trc_log *a, const struct trc_log *b);

/* Returns true when x and y are the same event, stamps included. */
bool trc_event_same(const struct trc_event *x, const struct trc_event *y);
/* Returns true when x and y mean the same: the same type, core, process
 * and arguments, stamps and addresses aside (see above). */
bool trc_event_same_meaning(const struct trc_event *x, const struct trc_event *y);
/* Returns true when events of `type` are IPC events (compared by
 * `ipcemu diff --events`): every known type but boot, sched.switch,
 * syscall, timer.irq, cap.lookup, cap.invalidate, trap, aspace.switch, irq
 * and user.enter (the sends, receives, replies, blocks, wakes, drops,
 * notifications, ports, regions, processes' lives, halt, ...). */
bool trc_event_is_ipc(uint32_t type);

/* Writes event e of `log` as one line (no newline) to out[n]: "cycle
 * 1234: ipc.send pid 2 (ping) 3 7 0 0", the process name made printable
 * (returns nothing). */
void trc_event_text(const struct trc_log *log, const struct trc_event *e, char *out, size_t n);
/* Writes event e of `log` decoded (no newline) to out[n]: its type, the
 * process by pid and name, and each argument by what it means ("ipc.send
 * pid 2 (client) port 3 op 7 len 16 fast ok"); raw arguments for a type
 * without a decoding (returns nothing). */
void trc_event_describe(const struct trc_log *log, const struct trc_event *e, char *out, size_t n);

/* What comparing two logs' events found. */
struct trc_diff_events {
    bool ipc_only; /* only the IPC events were compared (trc_event_is_ipc) */
    size_t na, nb; /* events compared in each log */
    size_t at;     /* position (among those compared) of the first event that
                      differs in meaning, or where the shorter one ended; SIZE_MAX:
                      none, the two sequences mean the same */
    size_t ia, ib; /* its index in each log's events (the log's nev: it ended) */
    size_t stamps; /* events before `at` (all, when none) that differ only in stamps */
    bool exact;    /* every compared event is the same, stamps included */
    bool console;  /* the console output is the same */
};

/* Compares the events of logs a and b (every event, or only the IPC
 * events) into *d. Returns true when they mean the same: no event differs
 * in meaning and neither sequence is longer. Returns false with d->at
 * SIZE_MAX and nothing else set when out of memory (d->na, d->nb 0). */
bool trc_diff_events(const struct trc_log *a, const struct trc_log *b, bool ipc_only,
                     struct trc_diff_events *d);
/* Prints what d found: "the same N events", the number that differ only
 * in stamps, or the first event that differs in meaning with `context`
 * events before it (and two after it) from each run (returns nothing). */
void trc_diff_events_print(FILE *out, const struct trc_log *a, const struct trc_log *b,
                           const struct trc_diff_events *d, unsigned context);

/* ---- the runs side by side (diff_table.c) ------------------------------ */

/* One run of a comparison: what its trace holds and what the caller
 * derived from it. */
struct trc_diff_run {
    const struct trc_file_meta *meta;
    const struct trc_log *log; /* finished (trc_log_finish at meta->cycles) */
    const char *outcome;       /* trc_diff_outcome, or the caller's (scenario checks) */
    const char *scenario;      /* the scenario's name, or NULL */
    const char *expectations;  /* "3 of 4 held", or NULL (not a scenario) */
};

/* Returns the outcome of the run trace (m, log) recorded, as `ipcemu run`
 * names it, from its events: the kernel's halt event gives "ok" (code 0)
 * or "expect_failed" (another code); else "max_cycles" when the clock
 * reached the trace's max_cycles, "max_events" when the log holds
 * max_events events, "deadlock" when a process was left blocked, "fault"
 * when none was. A bare program's trace (kind exec) records no halt: it
 * gives "max_cycles", "max_events" or "unknown". */
const char *trc_diff_outcome(const struct trc_file_meta *m, const struct trc_log *log,
                             size_t max_events);

/* A row of the table: one figure of both runs. */
struct trc_diff_row {
    const char *section; /* static: "settings", "run", "messages", "cap_cache",
                            "paths", "processes", "events" */
    char name[48];
    char a[48], b[48]; /* the figures as text ("-": that run has none) */
    bool numeric;      /* va, vb hold the figures (both present) */
    double va, vb;
    bool differ;
};

struct trc_diff_table {
    struct trc_diff_row *row; /* owned */
    size_t n, cap;
    bool oom; /* a row was lost for lack of memory */
};

/* Fills *t (zeroed or freed first) with runs a and b side by side. Returns
 * the number of rows that differ; t->oom says when rows were lost. */
size_t trc_diff_table_build(struct trc_diff_table *t, const struct trc_diff_run *a,
                            const struct trc_diff_run *b);
/* Prints the table's rows (only those that differ, unless `all`) under
 * section titles, with the change of each numeric row; then how many
 * rows were the same. Only rows of `section` when not NULL (returns
 * nothing). */
void trc_diff_table_print(FILE *out, const struct trc_diff_table *t, bool all, const char *section);
/* Frees what the table owns and empties it (returns nothing). */
void trc_diff_table_free(struct trc_diff_table *t);

/* Returns the comparison as a JSON string (caller frees), or NULL when out
 * of memory: {"a": {...}, "b": {...}, "same": bool, "rows": [{section,
 * name, a, b, differ}], "events": {compared, a_events, b_events, first,
 * stamps_only, exact, console_same}}. Files are named as given; every
 * row of the table is in it. */
char *trc_diff_json(const char *file_a, const char *file_b, const struct trc_diff_run *a,
                    const struct trc_diff_run *b, const struct trc_diff_table *t,
                    const struct trc_diff_events *d, bool same);

#endif
