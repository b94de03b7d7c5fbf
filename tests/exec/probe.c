/* tests/exec/probe.c: a bare-metal program for the engine's probes
 * (tests/emu/test_probes.c): calls probe_f, a function of eight arguments
 * that is never inlined, directly, through a tail call (probe_tail) and
 * from a loop; returns the sum of what it returned. */
#define UART_DATA 0x10000000UL

long probe_f(long a, long b, long c, long d, long e, long f, long g, long h);
long probe_tail(long x);

/* Returns a weighted sum of its arguments (weights that compile to adds
 * and shifts on every architecture). */
__attribute__((noinline, used)) long probe_f(long a, long b, long c, long d, long e, long f, long g,
                                             long h)
{
    *(volatile unsigned *)UART_DATA = '.';
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 9 * f + 17 * g + 8 * h;
}

/* Returns probe_f(x, 1, 2, ..., 7), reached by a jump (a tail call). */
__attribute__((noinline, used)) long probe_tail(long x)
{
    return probe_f(x, 1, 2, 3, 4, 5, 6, 7);
}

long _start(void);
__attribute__((section(".text.boot"))) long _start(void)
{
    long s = probe_f(1, 2, 3, 4, 5, 6, 7, 8);
    s += probe_tail(100);
    for (volatile long i = 0; i < 3; i++)
        s += probe_f(i, i, i, i, i, i, i, 10 * i);
    *(volatile unsigned *)UART_DATA = '\n';
    return s;
}
