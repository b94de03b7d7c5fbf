/* guest-kernel/user/ulib.c: the user-mode library (see ulib.h). */
#include "user/ulib.h"

#include "fmt.h"

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

long u_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_format(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return u_print(buf, n);
}
