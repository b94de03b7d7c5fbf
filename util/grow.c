/* util/grow.c: a growing array of fixed-size items (see grow.h). */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool util_grow_to(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    if (size == 0)
        return false;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return false;
        n *= 2;
    }
    if (n > SIZE_MAX / size)
        return false;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    memset((char *)q + *cap * size, 0, (n - *cap) * size);
    *p = q;
    *cap = n;
    return true;
}
