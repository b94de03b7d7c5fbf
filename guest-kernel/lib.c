/* guest-kernel/lib.c: the few C library functions the kernel needs (the
 * compiler may also call memset/memcpy for struct copies). */
#include "kernel.h"

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    if (((uintptr_t)p & 7) == 0) {
        uint64_t w = 0x0101010101010101ULL * (unsigned char)c;
        for (; n >= 8; n -= 8, p += 8)
            *(uint64_t *)p = w;
    }
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    if ((((uintptr_t)p | (uintptr_t)q) & 7) == 0)
        for (; n >= 8; n -= 8, p += 8, q += 8)
            *(uint64_t *)p = *(const uint64_t *)q;
    while (n--)
        *p++ = *q++;
    return d;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
