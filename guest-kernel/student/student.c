/* guest-kernel/student/student.c: what a student's program gets besides
 * the user library (ipcemu.h): its entry, its handles by name, and the
 * C library functions guest-kernel/lib.c (memset, memcpy, strlen, also in
 * libipcemu.a) lacks. Linked into libipcemu.a, never into the kernel. */
#include "ipcemu.h"

#include "abi/scenario.h"

/* The process's image (abi/scenario.h), set at entry. */
static const struct scn_image *student_image;

/* The entry the kernel starts the process at (student.ld's ENTRY), through
 * u_start: `image` is the struct scn_image at the top of its stack.
 * Returns main's result, the exit code. */
int ipcemu_entry(long image);
int ipcemu_entry(long image)
{
    student_image = (const struct scn_image *)image;
    return main();
}

long ipcemu_cap(const char *name)
{
    const struct scn_image *img = student_image;
    if (!img || img->magic != SCN_IMAGE_MAGIC || !name)
        return IPC_ERR_NOT_FOUND;
    const char *s = (const char *)(img + 1) + img->nops * sizeof(struct scn_op);
    uint32_t at = 0;
    for (unsigned slot = 0; slot < SCN_MAX_HANDLES && at < img->nstr; slot++) {
        const char *h = s + at;
        if (strcmp(h, name) == 0)
            return img->handles[slot] >= 0 ? (long)img->handles[slot] : IPC_ERR_NOT_FOUND;
        at += (uint32_t)strlen(h) + 1;
    }
    return IPC_ERR_NOT_FOUND;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    if (p < q)
        return memcpy(d, s, n);
    while (n--)
        p[n] = q[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (size_t i = 0; i < n; i++)
        if (p[i] != q[i])
            return p[i] < q[i] ? -1 : 1;
    return 0;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}
