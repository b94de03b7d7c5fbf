/* tests/exec/pingpong.c: two cores hand one cache line back and forth
 * (docs/timing-model.md, "Several cores"). Run with --cores 2 on aarch64:
 * core 0 starts core 1 by PSCI CPU_ON, then the two take turns ROUNDS
 * times each: a core spins (loads of `turn`) until the turn is its own,
 * then stores to the shared line and passes the turn. Each pass is a store
 * to a line the other core holds, so the waiting core's next load misses
 * and takes the line from the writer's cache (the profile's core_transfer).
 * Elsewhere (other architectures, whose secondaries need a trampoline or
 * S-mode, or one core) it returns at once. */
#define ROUNDS 200

/* turn and count share one 64-byte line */
static volatile unsigned long line[8] __attribute__((aligned(64)));
#define TURN line[0]
#define COUNT line[1]

/* Plays `me`'s part: ROUNDS times, waits for the turn, counts, passes it. */
static void play(unsigned long me)
{
    for (int r = 0; r < ROUNDS; r++) {
        while (TURN != me)
            ;
        COUNT = COUNT + 1;
        TURN = !me;
    }
}

#if defined(__aarch64__)
static unsigned char stack1[4096] __attribute__((aligned(16)));

void pp_secondary(void);
void pp_secondary(void)
{
    play(1);
    for (;;)
        __asm__ volatile("wfi");
}

/* Core 1 starts here (EL1h, MMU off, x0 = the context id: its stack top). */
extern char pp_entry[];
__asm__(".section .text\n"
        ".balign 4\n"
        ".globl pp_entry\n"
        ".type pp_entry, %function\n"
        "pp_entry:\n"
        "    mov sp, x0\n"
        "    bl pp_secondary\n"
        ".size pp_entry, . - pp_entry\n");

/* Starts core 1 by PSCI CPU_ON. Returns whether it started. */
static int start_core1(void)
{
    register unsigned long x0 __asm__("x0") = 0xC4000003u; /* CPU_ON, 64-bit */
    register unsigned long x1 __asm__("x1") = 1;           /* MPIDR Aff0 */
    register unsigned long x2 __asm__("x2") = (unsigned long)pp_entry;
    register unsigned long x3 __asm__("x3") = (unsigned long)(stack1 + sizeof stack1);
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    return x0 == 0;
}
#else
/* Returns 0: this program starts no core here. */
static int start_core1(void)
{
    return 0;
}
#endif

void _start(void);
__attribute__((section(".text.boot"))) void _start(void)
{
    if (!start_core1())
        return; /* one core, or an architecture this program does not start cores on */
    play(0);
}
