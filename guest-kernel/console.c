/* guest-kernel/console.c: kernel console on the UART. */
#include "devices/regs.h"
#include "kernel.h"

void kputc(char c)
{
    mmio_write32(kcfg.uart + UART_DATA, (uint8_t)c);
}

void kwrite(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        kputc(s[i]);
}

void kputs(const char *s)
{
    kwrite(s, strlen(s));
}

/* Prints v in `base` (10 or 16), at least `width` digits wide (padded with
 * `pad`), with a minus sign when neg. */
static void put_num(uint64_t v, unsigned base, bool neg, int width, char pad)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        buf[n++] = '-';
    while (n < width && n < (int)sizeof buf)
        buf[n++] = pad;
    while (n)
        kputc(buf[--n]);
}

void kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            kputc(*fmt);
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
            size_t len = strlen(s ? s : "(null)");
            for (size_t i = len; (int)i < width; i++)
                kputc(' ');
            kputs(s ? s : "(null)");
            break;
        }
        case 'c':
            kputc((char)va_arg(ap, int));
            break;
        case 'd': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            put_num(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, false, width, pad);
            break;
        case 'x':
            put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, false, width, pad);
            break;
        case 'p':
            kputs("0x");
            put_num((uintptr_t)va_arg(ap, void *), 16, false, width, pad);
            break;
        case '%':
            kputc('%');
            break;
        default:
            kputc('%');
            if (*fmt)
                kputc(*fmt);
            else
                fmt--;
            break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void panic(const char *why)
{
    kprintf("[kernel] panic: %s\n", why);
    power_off(0xdead);
}
