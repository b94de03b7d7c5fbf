/* guest-kernel/user/programs.c: the programs the built-in demos run in user
 * mode. They own nothing but their stack; what they are told comes in their
 * argument. */
#include "user/ulib.h"

/* Burns about `n` loop iterations of compute (a few instructions each), so
 * the timer preempts the process in the middle. */
static long busy(long n)
{
    volatile long sink = 0;
    for (long i = 0; i < n; i++)
        sink += i;
    return sink;
}

int prog_printer(long which)
{
    static const char *const names[] = {"alpha", "beta", "gamma", "delta"};
    const char *me = names[which & 3];
    long pid = u_getpid();
    for (int i = 1; i <= 5; i++) {
        u_printf("%s: line %d of 5 (pid %ld)\n", me, i, pid);
        busy(4000);
    }
    return 0;
}

int prog_intruder(long kernel_addr)
{
    u_printf("intruder: reading kernel memory at %p\n", (void *)kernel_addr);
    volatile const uint64_t *p = (volatile const uint64_t *)kernel_addr;
    uint64_t v = *p;
    u_printf("intruder: read %lx: isolation is broken\n", (unsigned long)v);
    return 1;
}

int prog_spinner(long unused)
{
    (void)unused;
    u_printf("spinner: looping forever\n");
    for (volatile long i = 0;; i++)
        ;
}

int prog_syscall_storm(long calls)
{
    long pid = u_getpid();
    for (long i = 0; i < calls; i++)
        if (u_getpid() != pid)
            return 1;
    u_printf("storm: %ld system calls returned pid %ld\n", calls, pid);
    return 0;
}

int prog_yield_storm(long yields)
{
    for (long i = 0; i < yields; i++)
        if (u_yield() != 0)
            return 1;
    u_printf("yielder: %ld yields done\n", yields);
    return 0;
}

/* Recurses `limit` levels deep, 512 bytes a level: far past the end of the
 * stack's pages for any limit above a few dozen. */
static long deep(long n, long limit)
{
    volatile char frame[512];
    frame[0] = (char)n;
    if (n >= limit)
        return frame[0];
    return deep(n + 1, limit) + frame[0];
}

int prog_wild(long how)
{
    volatile uint64_t *p;
    switch (how) {
    case WILD_NULL_READ:
        p = (volatile uint64_t *)0;
        return (int)*p;
    case WILD_KERNEL_WRITE:
        p = (volatile uint64_t *)0x40100000UL; /* the kernel's first page */
        *p = 0xbad;
        return 1;
    case WILD_KERNEL_EXEC:
        ((void (*)(void))0x40100000UL)();
        return 1;
    case WILD_DEVICE_WRITE:
        p = (volatile uint64_t *)0x10002000UL; /* the power device */
        *p = 7;
        return 1;
    case WILD_FAR_READ:
        p = (volatile uint64_t *)0x7f0000000000UL;
        return (int)*p;
    case WILD_UNDEFINED:
        usys_undefined_insn();
        return 1;
    case WILD_PRIVILEGED:
        usys_privileged_insn();
        return 1;
    case WILD_BREAKPOINT:
        __builtin_debugtrap(); /* int3 / brk / ebreak */
        return 1;
    case WILD_NULL_CALL: {
        void (*volatile fn)(void) = 0;
        fn();
        return 1;
    }
    case WILD_STACK_OVERFLOW:
        return (int)deep(0, 1L << 40);
    case WILD_BAD_PRINT: {
        long r = u_print((const char *)0x40100000UL, 16);
        u_printf("badprint: printing kernel memory returned %ld\n", r);
        return r == KERR_FAULT ? 0 : 1;
    }
    default:
        return 1;
    }
}
