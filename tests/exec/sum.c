/* tests/exec/sum.c: a bare-metal program for `ipcemu exec` (no kernel):
 * sums 1..1000, prints the result on the UART and returns it. */
#define UART_DATA 0x10000000UL

static void put(char c)
{
    *(volatile unsigned *)UART_DATA = (unsigned char)c;
}

static void put_num(long v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put(buf[--n]);
}

long _start(void);
__attribute__((section(".text.boot"))) long _start(void)
{
    volatile long s = 0;
    for (long i = 1; i <= 1000; i++)
        s += i;
    const char *msg = "sum ";
    while (*msg)
        put(*msg++);
    put_num(s);
    put('\n');
    return s;
}
