/* tests/exec/ring.h: a cache micro-program for `ipcemu exec`: LOADS
 * dependent loads around a ring of RING_BYTES / 64 nodes, one per 64-byte
 * line. Every variant runs the same instructions (the ring size is data:
 * a volatile global), so the difference between two variants is what
 * their loads cost in the caches and the TLB. tests/integration/
 * test_exec.c compares rings that fit the L1, fit the L2, and fit neither. */
#define LINE 64
#define LOADS 65536
#define BUF (4u << 20)

static char buf[BUF] __attribute__((aligned(4096)));
static volatile unsigned long ring_bytes = RING_BYTES;

long _start(void);
__attribute__((section(".text.boot"))) long _start(void)
{
    unsigned long n = ring_bytes / LINE; /* a power of two */
    /* Link the whole buffer (the same stores in every variant). */
    for (unsigned long i = 0; i < BUF / LINE; i++)
        *(char **)(buf + i * LINE) = buf + ((i + 1) & (n - 1)) * LINE;
    char *p = buf;
    for (unsigned long k = 0; k < LOADS; k++)
        p = *(char *volatile *)p;
    return (long)p & 0xff;
}
