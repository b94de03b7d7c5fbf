/* guest-kernel/console.c: kernel console on the UART. */
#include "abi/devregs.h"
#include "fmt.h"
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

void kvprintf(const char *fmt, va_list ap)
{
    char buf[256];
    kwrite(buf, fmt_format(buf, sizeof buf, fmt, ap));
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
