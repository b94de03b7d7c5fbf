/* util/grow.h: a growing array of fixed-size items, for host code that
 * appends (the trace's event log, the timeline's model). The capacity
 * doubles from 16 items; new items are zeroed; a capacity whose byte size
 * would overflow size_t is refused, never wrapped. Plain C, no Unicorn. */
#ifndef UTIL_GROW_H
#define UTIL_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* Grows *p (of *cap items of `size` bytes) to hold at least `need` items:
 * the slow part of util_grow. Returns true, or false when out of memory or
 * when the byte size would overflow (*p and *cap are then unchanged). */
bool util_grow_to(void **p, size_t *cap, size_t need, size_t size);

/* Makes room for `need` items in *p (of *cap items of `size` bytes),
 * zeroing what is new. Returns true, or false when out of memory or when
 * need * size overflows (*p and *cap are then unchanged). Inline: the
 * trace calls it for every event and it rarely has to grow. */
static inline bool util_grow(void **p, size_t *cap, size_t need, size_t size)
{
    return need <= *cap || util_grow_to(p, cap, need, size);
}

#endif
