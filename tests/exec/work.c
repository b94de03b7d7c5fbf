/* tests/exec/work.c: a workload that touches nothing but its own stack (an
 * insertion sort, a bitwise CRC-32 and a small matrix product on local
 * arrays, over and over, never ending: --max-cycles stops it). Several
 * cores can run it at once, each on its own stack, without sharing a line:
 * the independent work of `ipcemu-bench --cores N` (tools/bench.c). */
#define SORT 256
#define BYTES 2048
#define DIM 12

/* Returns x scrambled (xorshift). */
static unsigned long next(unsigned long x)
{
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

/* One round on local arrays seeded by `seed`. Returns a checksum. */
static unsigned long round_once(unsigned long seed)
{
    long keys[SORT];
    unsigned char bytes[BYTES];
    long a[DIM][DIM], b[DIM][DIM];
    for (int i = 0; i < SORT; i++)
        keys[i] = (long)((seed = next(seed)) & 0xffff);
    for (int i = 1; i < SORT; i++) { /* insertion sort */
        long k = keys[i];
        int j = i - 1;
        while (j >= 0 && keys[j] > k) {
            keys[j + 1] = keys[j];
            j--;
        }
        keys[j + 1] = k;
    }
    for (int i = 0; i < BYTES; i++)
        bytes[i] = (unsigned char)(seed = next(seed));
    unsigned crc = 0xffffffffu;
    for (int i = 0; i < BYTES; i++) {
        crc ^= bytes[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
    }
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            a[i][j] = (long)((seed = next(seed)) & 15);
            b[i][j] = (long)(i + j);
        }
    long sum = 0;
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            long s = 0;
            for (int k = 0; k < DIM; k++)
                s += a[i][k] * b[k][j];
            sum += s;
        }
    return (unsigned long)keys[SORT / 2] ^ crc ^ (unsigned long)sum;
}

void _start(void);
__attribute__((section(".text.boot"))) void _start(void)
{
    volatile unsigned long sink;
    unsigned long seed = 88172645463325252UL;
    for (;;) {
        seed = next(seed) | 1;
        sink = round_once(seed);
        (void)sink;
    }
}
