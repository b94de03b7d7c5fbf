/* guest-kernel/kpage.c: the kernel's page allocator, a bump allocator over
 * the RAM above the kernel image. Pages are zeroed when handed out. (No
 * free yet: processes of the demos live until the machine powers off.) */
#include "kernel.h"

static uintptr_t next_page, end_page;

void kpage_init(uintptr_t start, uintptr_t end)
{
    next_page = (start + KPAGE_SIZE - 1) & ~(uintptr_t)(KPAGE_SIZE - 1);
    end_page = end & ~(uintptr_t)(KPAGE_SIZE - 1);
}

uintptr_t kpage_alloc(void)
{
    if (next_page >= end_page)
        return 0;
    uintptr_t p = next_page;
    next_page += KPAGE_SIZE;
    memset((void *)p, 0, KPAGE_SIZE);
    return p;
}

uintptr_t kpage_alloc_run(size_t n)
{
    if (n == 0 || kpage_free_count() < n)
        return 0;
    uintptr_t first = next_page;
    next_page += n * KPAGE_SIZE;
    memset((void *)first, 0, n * KPAGE_SIZE);
    return first;
}

size_t kpage_free_count(void)
{
    return (end_page - next_page) / KPAGE_SIZE;
}
