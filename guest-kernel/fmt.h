/* guest-kernel/fmt.h: printf-style formatting into a buffer, freestanding.
 * Defined here, static: the kernel (console.c, kprintf) and the user library
 * (ulib.c, u_printf) each get their own copy, in their own pages, since user
 * mode cannot run kernel code. */
#ifndef IPCEMU_KERNEL_FMT_H
#define IPCEMU_KERNEL_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The buffer being filled. */
struct fmt_out {
    char *buf;
    size_t size, n;
};

/* Stores c if there is room. */
static inline void fmt_out_c(struct fmt_out *o, char c)
{
    if (o->n < o->size)
        o->buf[o->n++] = c;
}

/* Stores v in `base` (10 or 16), at least `width` characters (padded with
 * `pad`), with a minus sign when neg. */
static inline void fmt_out_num(struct fmt_out *o, uint64_t v, unsigned base, bool neg, int width,
                               char pad)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    while (n < width && n < (int)sizeof tmp)
        tmp[n++] = pad;
    while (n)
        fmt_out_c(o, tmp[--n]);
}

/* Formats `fmt` with %s %c %d %u %x %p %% (optional 0 flag, width and l
 * length) into buf[size] (not NUL-terminated; output past `size` is
 * dropped). Returns the number of bytes stored. */
static inline size_t fmt_format(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            fmt_out_c(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        bool lng = false;
        if (*fmt == '0')
            pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == 'l') {
            lng = true;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = 0;
            while (s[len])
                len++;
            for (int i = len; i < width; i++)
                fmt_out_c(&o, ' ');
            while (*s)
                fmt_out_c(&o, *s++);
            break;
        }
        case 'c':
            fmt_out_c(&o, (char)va_arg(ap, int));
            break;
        case 'd': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            fmt_out_num(&o, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            fmt_out_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, false,
                        width, pad);
            break;
        case 'x':
            fmt_out_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, false,
                        width, pad);
            break;
        case 'p':
            fmt_out_c(&o, '0');
            fmt_out_c(&o, 'x');
            fmt_out_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, width, pad);
            break;
        case '%':
            fmt_out_c(&o, '%');
            break;
        default:
            fmt_out_c(&o, '%');
            if (*fmt)
                fmt_out_c(&o, *fmt);
            else
                fmt--;
            break;
        }
    }
    return o.n;
}

#endif
