/* tracer/merge.h: the trace's global order with several cores. The cores
 * run interleaved by quantum (the lowest clock first), so core 1 may
 * produce an event at cycle 5,000 after core 0 produced one at 9,000. Each
 * core's events wait in a queue of their own, in production order; an
 * event is released once no core can still produce an earlier one: the
 * merged stream is sorted by (cycle, core), production order within a
 * core. Nothing but cycles and core ids decides the order. */
#ifndef IPCEMU_TRACER_MERGE_H
#define IPCEMU_TRACER_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracer/trace.h"

/* Cores a merge keeps queues for (the machine's MACHINE_MAX_CORES). */
#define TRC_MERGE_MAX_CORES 8u

struct trc_merge_queue {
    struct trc_event *ev; /* owned: ev[head..n) wait, in production order */
    size_t head, n, cap;
};

struct trc_merge {
    struct trc_merge_queue q[TRC_MERGE_MAX_CORES];
    size_t pending; /* events waiting in all queues */
};

/* Queues event `e` behind its core's earlier ones (a core past
 * TRC_MERGE_MAX_CORES counts as the last one). Returns TRC_OK, or
 * TRC_ERR_NOMEM (the event is lost). */
enum trc_err trc_merge_push(struct trc_merge *mg, const struct trc_event *e);
/* Takes the next event of the merged stream into *out when it comes before
 * the frontier (cycle, core): the earliest (cycle, core) any core can still
 * produce an event at (its clock and id: a core produces its events at its
 * clock, which only grows). The next event is the queue head with the
 * lowest (cycle, core). Returns true with *out, false when none may go
 * yet (UINT64_MAX, UINT32_MAX releases everything). */
bool trc_merge_next(struct trc_merge *mg, uint64_t cycle, uint32_t core, struct trc_event *out);
/* Frees the queues (returns nothing). */
void trc_merge_free(struct trc_merge *mg);

#endif
