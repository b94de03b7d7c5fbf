/* tests/exec/chain.h: a timing micro-program for `ipcemu exec`: ITERS
 * iterations of LINKS dependent instructions (add or mul, chosen by the
 * including file), so that each iteration costs LINKS times the form's
 * latency in the CPU profile. tests/integration/test_exec.c compares the
 * 8- and 16-link versions. */
#define ITERS 1000
#define STR2(x) #x
#define STR(x) STR2(x)

long _start(void);
__attribute__((section(".text.boot"))) long _start(void)
{
    long a = 1, b = 3, n = ITERS;
#if defined(__x86_64__)
    __asm__ volatile("1:\n.rept " STR(LINKS) "\n" OP_X86 " %2, %0\n.endr\n"
                                             "dec %1\njnz 1b\n"
                     : "+r"(a), "+r"(n)
                     : "r"(b));
#elif defined(__aarch64__)
    __asm__ volatile("1:\n.rept " STR(LINKS) "\n" OP_A64 " %0, %0, %2\n.endr\n"
                                             "subs %1, %1, #1\nb.ne 1b\n"
                     : "+r"(a), "+r"(n)
                     : "r"(b)
                     : "cc");
#else
    __asm__ volatile("1:\n.rept " STR(LINKS) "\n" OP_RV " %0, %0, %2\n.endr\n"
                                             "addi %1, %1, -1\nbnez %1, 1b\n"
                     : "+r"(a), "+r"(n)
                     : "r"(b));
#endif
    return a & 0xff;
}
