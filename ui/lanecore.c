/* ui/lanecore.c: which core ran a process's lane when (ui/timeline.h). */
#include <stdint.h>

#include "ui/timeline.h"
#include "util/grow.h"

/* Notes that core `core` runs the process of lane l from `at` on.
 * Returns 0, or -1 when out of memory. */
int tl_lane_note_core(struct tl_lane *l, uint64_t at, uint32_t core)
{
    if (core < 32)
        l->cores |= 1u << core;
    if (l->ncore && l->core_id[l->ncore - 1] == core)
        return 0;
    size_t cap = l->cap_core;
    if (!util_grow((void **)&l->core_at, &cap, l->ncore + 1, sizeof *l->core_at) ||
        !util_grow((void **)&l->core_id, &l->cap_core, l->ncore + 1, sizeof *l->core_id))
        return -1;
    l->core_at[l->ncore] = at;
    l->core_id[l->ncore++] = core;
    return 0;
}

int64_t tl_lane_core_at(const struct tl_lane *l, uint64_t cycle)
{
    size_t lo = 0, hi = l->ncore; /* the first change after `cycle` */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->core_at[mid] <= cycle)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? (int64_t)l->core_id[lo - 1] : -1;
}
