/* guest-kernel/user/ulib.c: the user-mode library (see ulib.h). */
#include "user/ulib.h"

#include <stdbool.h>

long u_print(const char *s, size_t n)
{
    return usys_call(SYS_PRINT, (long)s, (long)n, 0);
}

long u_getpid(void)
{
    return usys_call(SYS_GETPID, 0, 0, 0);
}

long u_yield(void)
{
    return usys_call(SYS_YIELD, 0, 0, 0);
}

void u_exit(int code)
{
    for (;;)
        usys_call(SYS_EXIT, code, 0, 0);
}

size_t u_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

void u_start(long fn, long arg)
{
    int (*f)(long) = (int (*)(long))fn;
    u_exit(f(arg));
}

/* A line being formatted on the stack. */
struct ubuf {
    char b[256];
    size_t n;
};

static void ub_putc(struct ubuf *u, char c)
{
    if (u->n < sizeof u->b)
        u->b[u->n++] = c;
}

/* Appends v in `base`, at least `width` digits, minus sign if neg. */
static void ub_num(struct ubuf *u, uint64_t v, unsigned base, bool neg, int width, char pad)
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
        ub_putc(u, tmp[--n]);
}

long u_printf(const char *fmt, ...)
{
    struct ubuf u;
    u.n = 0;
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            ub_putc(&u, *fmt);
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
            for (; s && *s; s++)
                ub_putc(&u, *s);
            break;
        }
        case 'c':
            ub_putc(&u, (char)va_arg(ap, int));
            break;
        case 'd': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            ub_num(&u, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            ub_num(&u, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, false, width,
                   pad);
            break;
        case 'x':
            ub_num(&u, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, false, width,
                   pad);
            break;
        case 'p':
            ub_putc(&u, '0');
            ub_putc(&u, 'x');
            ub_num(&u, (uintptr_t)va_arg(ap, void *), 16, false, width, pad);
            break;
        default:
            ub_putc(&u, '%');
            if (*fmt)
                ub_putc(&u, *fmt);
            else
                fmt--;
            break;
        }
    }
    va_end(ap);
    return u_print(u.b, u.n);
}
