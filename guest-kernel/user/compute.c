/* guest-kernel/user/compute.c: user-mode work of a given number of cycles
 * (the scenario operation `compute`, see ulib.h). A loop of plain
 * arithmetic in registers: no memory access and no system call, so the
 * timing model charges it to the process as user time. Its cost per
 * iteration is measured once per process against the cycle clock. */
#include "user/ulib.h"

/* Iterations of the calibration's short window (its long one runs four
 * times as many). */
#define COMPUTE_CAL_ITERS 64u
/* Calibration rounds, each a short, a short and a long window... */
#define COMPUTE_CAL_ROUNDS 3
/* ... and at most this many while no long window came out longer than a
 * short one (every window of a kind lengthened by an interrupt: under a
 * short quantum with timeouts due, most are). */
#define COMPUTE_CAL_ROUNDS_MAX 12

/* Returns x after n steps of a 64-bit linear congruential generator, one
 * dependent multiply and add per iteration. Not inlined, not unrolled, so
 * the calibration and every compute run the same instructions. */
__attribute__((noinline)) static uint64_t compute_burn(uint64_t n, uint64_t x)
{
#pragma clang loop unroll(disable)
    for (uint64_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        __asm__ volatile("" : "+r"(x)); /* keeps every step, in a register */
    }
    return x;
}

/* Returns the cycles COMPUTE_CAL_ITERS iterations of compute_burn take on
 * this core (at least 1), measured between reads of the cycle clock, and
 * the iterations it ran in *ran. Each round runs a window of K iterations,
 * one of K and one of 4K; the second and third are alike in what came
 * before them (a short window, then a read), so their difference is 3K
 * iterations: the reads' own cost, and what they disturb in the caches and
 * the branch predictor, cancel. The shortest window of each kind counts,
 * as an interrupt can only lengthen one; rounds go on (up to
 * COMPUTE_CAL_ROUNDS_MAX) while the shortest long window is not longer
 * than the shortest short one. Makes 3 system calls a round, plus one. */
static uint64_t compute_calibrate(uint64_t *ran)
{
    uint64_t w[3] = {UINT64_MAX, UINT64_MAX, UINT64_MAX}, x = 1;
    uint64_t c0 = (uint64_t)u_cycles();
    int r = 0;
    *ran = 0;
    for (; r < 3 * COMPUTE_CAL_ROUNDS || (w[2] <= w[1] && r < 3 * COMPUTE_CAL_ROUNDS_MAX); r++) {
        uint64_t k = (r % 3 == 2 ? 4u : 1u) * COMPUTE_CAL_ITERS;
        x = compute_burn(k, x);
        *ran += k;
        uint64_t c1 = (uint64_t)u_cycles();
        if (c1 - c0 < w[r % 3])
            w[r % 3] = c1 - c0;
        c0 = c1;
    }
    return w[2] > w[1] ? (w[2] - w[1]) / 3 : 1;
}

/* Returns the iterations the work ran. */
uint64_t u_compute(uint64_t cycles, uint64_t *cal)
{
    uint64_t n;
    if (!*cal) {
        uint64_t ran;
        *cal = compute_calibrate(&ran);
        n = cycles * COMPUTE_CAL_ITERS / *cal;
        /* the calibration's own iterations are part of the work */
        n = n > ran ? n - ran : 0;
    } else {
        n = (cycles * COMPUTE_CAL_ITERS + *cal - 1) / *cal;
    }
    (void)compute_burn(n, cycles);
    return n;
}
