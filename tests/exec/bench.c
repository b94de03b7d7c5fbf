/* tests/exec/bench.c: the workload of the timing-model benchmark
 * (tools/bench.c): loads, stores, arithmetic and data-dependent branches
 * over a 512 KiB array, about 100 million instructions. */
#define N (64 * 1024)
static unsigned long a[N];

long _start(void);
__attribute__((section(".text.boot"))) long _start(void)
{
    unsigned long x = 12345, sum = 0;
    for (unsigned long i = 0; i < N; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        a[i] = x >> 17;
    }
    for (int pass = 0; pass < 100; pass++)
        for (unsigned long i = 0; i < N; i++) {
            unsigned long v = a[i] ^ a[(i * 7 + pass) & (N - 1)];
            if (v & 1)
                sum += v >> 3;
            else
                a[i] = v + sum;
        }
    return (long)(sum & 0xff);
}
