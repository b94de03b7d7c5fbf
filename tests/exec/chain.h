/* tests/exec/chain.h: a timing micro-program for `ipcemu exec`: ITERS
 * iterations of LINKS dependent links (add, mul, div or load-use, the
 * including file's LINK_X86 / LINK_A64 / LINK_RV, each reading and writing
 * operand %0 with %2 as the other input), so that each iteration costs
 * LINKS times the link's latency in the CPU profile.
 * tests/integration/test_exec.c compares the 8- and 16-link versions. */
#define ITERS 1000
#define STR2(x) #x
#define STR(x) STR2(x)

static long slot; /* load-use links chase it: it points to itself */

long _start(void);
__attribute__((section(".text.boot"))) long _start(void)
{
    long b = 3, n = ITERS;
    slot = (long)&slot;
    long a = LOAD_CHAIN ? slot : 1;
#if defined(__x86_64__)
    __asm__ volatile("1:\n.rept " STR(LINKS) "\n" LINK_X86 "\n.endr\n"
                                             "dec %1\njnz 1b\n"
                     : "+a"(a), "+r"(n)
                     : "r"(b)
                     : "rdx", "cc", "memory");
#elif defined(__aarch64__)
    __asm__ volatile("1:\n.rept " STR(LINKS) "\n" LINK_A64 "\n.endr\n"
                                             "subs %1, %1, #1\nb.ne 1b\n"
                     : "+r"(a), "+r"(n)
                     : "r"(b)
                     : "cc", "memory");
#else
    __asm__ volatile("1:\n.rept " STR(LINKS) "\n" LINK_RV "\n.endr\n"
                                             "addi %1, %1, -1\nbnez %1, 1b\n"
                     : "+r"(a), "+r"(n)
                     : "r"(b)
                     : "memory");
#endif
    return a & 0xff;
}
