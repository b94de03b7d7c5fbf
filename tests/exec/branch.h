/* tests/exec/branch.h: a branch-prediction micro-program for `ipcemu
 * exec`: N conditional branches on bytes that are pseudo-random (MASK 1)
 * or all zero (MASK 0). The mask is data (a volatile global) and both
 * outcomes run blocks of the same instructions, so the two variants
 * differ only in what the predictor gets right. */
#define N 65536

static unsigned char bits[N];
static volatile unsigned mask = MASK;

long _start(void);
__attribute__((section(".text.boot"))) long _start(void)
{
    unsigned x = 1, m = mask;
    for (unsigned i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        bits[i] = (unsigned char)((x >> 16) & m);
    }
    long acc = 0;
    for (unsigned i = 0; i < N; i++) {
        long b = bits[i];
#if defined(__x86_64__)
        __asm__ volatile("test %1, %1\njz 1f\nadd $1, %0\njmp 2f\n1:\nadd $2, %0\njmp 2f\n2:\n"
                         : "+r"(acc)
                         : "r"(b)
                         : "cc");
#elif defined(__aarch64__)
        __asm__ volatile("cbz %1, 1f\nadd %0, %0, #1\nb 2f\n1:\nadd %0, %0, #2\nb 2f\n2:\n"
                         : "+r"(acc)
                         : "r"(b));
#else
        __asm__ volatile("beqz %1, 1f\naddi %0, %0, 1\nj 2f\n1:\naddi %0, %0, 2\nj 2f\n2:\n"
                         : "+r"(acc)
                         : "r"(b));
#endif
    }
    return acc & 0xff;
}
