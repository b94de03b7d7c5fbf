/* tracer/export.h: the run's events for other tools.
 *
 * Chrome/Perfetto trace JSON (open it in ui.perfetto.dev or
 * chrome://tracing): one process per guest process with two tracks,
 * "running" (a slice per time it ran, from scheduler switches) and
 * "blocked" (a slice per IPC wait, named by the port); a flow arrow per
 * delivered message from the sender's send to the receiver's receive;
 * instants for exits and kills. 1 cycle is shown as 1 ns.
 *
 * CSV: one line per event (cycle, core, event, pid, process, a0..a3). */
#ifndef IPCEMU_TRACER_EXPORT_H
#define IPCEMU_TRACER_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tracer/trace.h"

/* The Perfetto JSON (caller frees), or NULL when out of memory; slices
 * still open are closed at `end_cycle`. A trace of several cores also has
 * a track per core (the process it runs, the IPIs it sends, with a flow
 * to the target core's track). */
char *trc_perfetto_json(const struct trc_log *log, uint64_t end_cycle);
/* Writes it to `path` through a temporary file renamed over it (a failed
 * write leaves no new file and `path` as it was). Returns 0, or -1 with
 * the reason in err[n]. */
int trc_perfetto_write(const char *path, const struct trc_log *log, uint64_t end_cycle, char *err,
                       size_t n);
/* Writes the events as CSV to `path`, the same way (a process name with a
 * comma or a quote is quoted). Returns 0, or -1 with err[n]. */
int trc_csv_write(const char *path, const struct trc_log *log, char *err, size_t n);

#endif
