/* tracer/merge.c: the merged event stream of several cores (see
 * merge.h). */
#include "tracer/merge.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

/* Returns the queue of core `core` (the last one past the table). */
static struct trc_merge_queue *queue_of(struct trc_merge *mg, uint32_t core)
{
    return &mg->q[core < TRC_MERGE_MAX_CORES ? core : TRC_MERGE_MAX_CORES - 1];
}

enum trc_err trc_merge_push(struct trc_merge *mg, const struct trc_event *e)
{
    struct trc_merge_queue *q = queue_of(mg, e->core);
    if (q->head == q->n) { /* empty: start over at the front */
        q->head = q->n = 0;
    } else if (q->head > 0 && q->n == q->cap) { /* full: close the gap first */
        memmove(q->ev, q->ev + q->head, (q->n - q->head) * sizeof *q->ev);
        q->n -= q->head;
        q->head = 0;
    }
    if (!util_grow((void **)&q->ev, &q->cap, q->n + 1, sizeof *q->ev))
        return TRC_ERR_NOMEM;
    q->ev[q->n++] = *e;
    mg->pending++;
    return TRC_OK;
}

/* Whether (c1, k1) comes before (c2, k2). */
static bool before(uint64_t c1, uint32_t k1, uint64_t c2, uint32_t k2)
{
    return c1 < c2 || (c1 == c2 && k1 < k2);
}

bool trc_merge_next(struct trc_merge *mg, uint64_t cycle, uint32_t core, struct trc_event *out)
{
    struct trc_merge_queue *best = NULL;
    for (unsigned k = 0; k < TRC_MERGE_MAX_CORES; k++) {
        struct trc_merge_queue *q = &mg->q[k];
        if (q->head == q->n)
            continue;
        const struct trc_event *e = &q->ev[q->head];
        if (!best ||
            before(e->cycle, e->core, best->ev[best->head].cycle, best->ev[best->head].core))
            best = q;
    }
    if (!best)
        return false;
    const struct trc_event *e = &best->ev[best->head];
    bool all = cycle == UINT64_MAX && core == UINT32_MAX;
    if (!all && !before(e->cycle, e->core, cycle, core))
        return false;
    *out = *e;
    best->head++;
    mg->pending--;
    return true;
}

void trc_merge_free(struct trc_merge *mg)
{
    for (unsigned k = 0; k < TRC_MERGE_MAX_CORES; k++)
        free(mg->q[k].ev);
    memset(mg, 0, sizeof *mg);
}
