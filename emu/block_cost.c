/* emu/block_cost.c: the static part of the timing model, a pure function of
 * a profile and a decoded block: its steady-state cycles per execution
 * (dependencies, issue width, ports, latencies). No Unicorn calls and no
 * state: emu/core.c calls it once per decoded block and caches the result.
 * See timing.h and docs/timing-model.md ("Static part"). */
#include "emu/timing.h"

#include <math.h>
#include <stdlib.h>

/* Iterations the scheduler simulates to find the steady state. */
#define SCHED_ITERS 8

/* Returns the cost of `in`'s form: its table row, else the profile's
 * fallback; counts the forms the table does not know exactly in *unknown
 * (when not NULL). */
static const struct tm_cost *insn_cost(const struct tm_profile *p, const struct emu_insn *in,
                                       unsigned *unknown)
{
    /* What the profile prices itself: the trap (trap_entry), the return
     * from it (trap_return) and the translation-root write (as_switch).
     * LLVM's tables give most of these a placeholder (x86 WriteSystem:
     * latency 100 for syscall's sysretq, mov to CR3) that would charge
     * them a second time; in a block they are one plain micro-op. */
    static const struct tm_cost priced = {.uops = 1, .latency = 1, .rthroughput = 1, .self = 1};
    if (in->flow == EMU_FLOW_TRAP || in->flow == EMU_FLOW_XRET || in->special == EMU_SPECIAL_ROOT)
        return &priced;
    bool exact = false;
    const struct tm_row *r = tm_lookup(p, in->key, &exact);
    if (!exact && unknown)
        (*unknown)++;
    return r ? &r->cost : &p->fallback;
}

/* The busiest port's cycles per execution of the block: the resource bound.
 * A form's pressure vector is what llvm-mca measured for it alone, spread
 * evenly over the ports that can take it; ports with the same share form
 * one group (one kind of micro-op). In a block, each group's cycles may go
 * to any port of the group: they are poured onto the least loaded ones
 * (water filling), the most constrained groups first. */
struct pgroup {
    uint32_t ports; /* bit mask */
    unsigned nports;
    double total;
};

/* qsort order of port groups: the fewest ports (the most constrained)
 * first, then by port mask. */
static int pgroup_cmp(const void *a, const void *b)
{
    const struct pgroup *x = a, *y = b;
    return x->nports != y->nports ? (x->nports < y->nports ? -1 : 1)
                                  : (x->ports < y->ports ? -1 : x->ports > y->ports);
}

/* Pours group g's cycles onto the least loaded of its ports in load[]. */
static void pour(double *load, const struct pgroup *g, unsigned nports)
{
    double left = g->total;
    while (left > 1e-9) {
        /* raise the lowest ports of the group to the next level */
        double low = INFINITY, next = INFINITY;
        unsigned at_low = 0;
        for (unsigned k = 0; k < nports; k++)
            if (g->ports & (1u << k))
                low = load[k] < low ? load[k] : low;
        for (unsigned k = 0; k < nports; k++) {
            if (!(g->ports & (1u << k)))
                continue;
            if (load[k] <= low + 1e-9)
                at_low++;
            else if (load[k] < next)
                next = load[k];
        }
        double step = left / at_low;
        if (next - low < step)
            step = next - low;
        for (unsigned k = 0; k < nports; k++)
            if ((g->ports & (1u << k)) && load[k] <= low + 1e-9)
                load[k] += step;
        left -= step * at_low;
    }
}

/* Returns the block's resource bound, as described above (0 when memory
 * runs out). */
static double port_bound(const struct tm_profile *p, const struct tm_cost *const *cost, size_t n)
{
    struct pgroup *g = malloc(n * TM_MAX_PORTS * sizeof *g);
    double load[TM_MAX_PORTS] = {0}, max = 0;
    size_t ng = 0;
    if (!g)
        return 0;
    for (size_t i = 0; i < n; i++) {
        bool used[TM_MAX_PORTS] = {false};
        for (unsigned k = 0; k < p->nports; k++) {
            float v = cost[i]->pressure[k];
            if (used[k] || v <= 0)
                continue;
            struct pgroup grp = {0};
            for (unsigned j = k; j < p->nports; j++)
                if (!used[j] && fabsf(cost[i]->pressure[j] - v) <= 0.02f) {
                    used[j] = true;
                    grp.ports |= 1u << j;
                    grp.nports++;
                    grp.total += cost[i]->pressure[j];
                }
            g[ng++] = grp;
        }
    }
    qsort(g, ng, sizeof *g, pgroup_cmp);
    for (size_t i = 0; i < ng; i++)
        pour(load, &g[i], p->nports);
    free(g);
    for (unsigned k = 0; k < p->nports; k++)
        max = load[k] > max ? load[k] : max;
    return max;
}

/* Returns the cycle at which all of `in`'s inputs are ready (0 for a zero
 * idiom, which depends on none). */
static double src_ready(const struct emu_insn *in, const double *ready)
{
    double t = 0;
    if (in->zero_idiom)
        return 0;
    for (unsigned k = 0; k < in->nsrc; k++)
        t = ready[in->src[k]] > t ? ready[in->src[k]] : t;
    return t;
}

/* The instruction started at `start`: its outputs are ready `latency`
 * later, except registers it also reads (rsp of push, pop, call, ret; the
 * accumulator of add), whose loop-carried latency llvm-mca measured as the
 * form's self cycles. */
static void write_dsts(const struct emu_insn *in, const struct tm_cost *c, double *ready,
                       double start)
{
    for (unsigned k = 0; k < in->ndst; k++) {
        double lat = c->latency;
        for (unsigned j = 0; j < in->nsrc && !in->zero_idiom; j++)
            if (in->src[j] == in->dst[k] && c->self < lat)
                lat = c->self;
        ready[in->dst[k]] = start + lat;
    }
}

/* Out of order: instructions dispatch in order, issue_width micro-ops a
 * cycle, into a reorder buffer of rob_size micro-ops; each starts when its
 * inputs are ready and retires in order. Returns the steady-state cycles
 * per iteration of the block run back to back. */
static double sched_ooo(const struct tm_profile *p, const struct emu_insn *insns,
                        const struct tm_cost *const *cost, size_t n, double *ready)
{
    size_t total = n * SCHED_ITERS;
    double *retire = malloc(total * sizeof *retire);
    double *uops_before = malloc(total * sizeof *uops_before);
    if (!retire || !uops_before) {
        free(retire);
        free(uops_before);
        return 0;
    }
    double dispatch = 0, last_retire = 0, uops = 0;
    double mark[SCHED_ITERS];
    size_t oldest = 0; /* first instruction still holding ROB entries */
    for (size_t j = 0; j < total; j++) {
        const struct emu_insn *in = &insns[j % n];
        const struct tm_cost *c = cost[j % n];
        double u = c->uops ? c->uops : 1;
        /* Wait for ROB space: retire older instructions until this one fits. */
        while (oldest < j && uops + u - uops_before[oldest] > p->rob_size) {
            dispatch = retire[oldest] > dispatch ? retire[oldest] : dispatch;
            oldest++;
        }
        uops_before[j] = uops;
        double start = src_ready(in, ready);
        start = start > dispatch ? start : dispatch;
        double end = start + c->latency;
        write_dsts(in, c, ready, start);
        last_retire = end > last_retire ? end : last_retire;
        retire[j] = last_retire;
        dispatch += u / p->issue_width;
        uops += u;
        if (j % n == n - 1)
            mark[j / n] = last_retire;
    }
    free(retire);
    free(uops_before);
    return (mark[SCHED_ITERS - 1] - mark[SCHED_ITERS / 2 - 1]) / (SCHED_ITERS - SCHED_ITERS / 2);
}

/* In order: each instruction issues after the one before it (up to
 * issue_width in a cycle), when its inputs are ready and its pipes free.
 * Pressure >= 1 on a port means the form needs that port for that many
 * cycles; fractions are alternatives (one of them, for their sum). */
static double sched_inorder(const struct tm_profile *p, const struct emu_insn *insns,
                            const struct tm_cost *const *cost, size_t n, double *ready)
{
    double free_at[TM_MAX_PORTS] = {0};
    double cycle = 0, mark[SCHED_ITERS];
    unsigned slots = 0;
    for (size_t j = 0; j < n * SCHED_ITERS; j++) {
        const struct emu_insn *in = &insns[j % n];
        const struct tm_cost *c = cost[j % n];
        double t = src_ready(in, ready);
        t = t > cycle ? t : cycle;
        double alt_sum = 0, alt_free = INFINITY;
        int alt = -1;
        for (unsigned k = 0; k < p->nports; k++) {
            float pr = c->pressure[k];
            if (pr >= 0.95f)
                t = free_at[k] > t ? free_at[k] : t;
            else if (pr > 0) {
                alt_sum += pr;
                if (free_at[k] < alt_free)
                    alt_free = free_at[k], alt = (int)k;
            }
        }
        if (alt >= 0)
            t = alt_free > t ? alt_free : t;
        t = ceil(t);
        if (t == cycle && slots >= p->issue_width)
            t += 1;
        slots = t == cycle ? slots + 1 : 1;
        cycle = t;
        for (unsigned k = 0; k < p->nports; k++)
            if (c->pressure[k] >= 0.95f)
                free_at[k] = t + c->pressure[k];
        if (alt >= 0)
            free_at[alt] = t + alt_sum;
        write_dsts(in, c, ready, t);
        if (j % n == 0)
            mark[j / n] = t;
    }
    return (mark[SCHED_ITERS - 1] - mark[SCHED_ITERS / 2 - 1]) / (SCHED_ITERS - SCHED_ITERS / 2);
}

/* Returns the block's cost in 1/EMU_FRAC cycles, at least 1 (timing.h); one
 * flat cycle per instruction when memory runs out. */
uint64_t tm_block_cost(const struct tm_profile *p, const struct emu_insn *insns, size_t n,
                       unsigned *unknown)
{
    if (n == 0)
        return 0;
    const struct tm_cost **cost = malloc(n * sizeof *cost);
    double *ready = calloc(EMU_REG_LIMIT, sizeof *ready);
    if (!cost || !ready) {
        free(cost);
        free(ready);
        return (uint64_t)n * EMU_FRAC;
    }
    double uops = 0;
    for (size_t i = 0; i < n; i++) {
        cost[i] = insn_cost(p, &insns[i], unknown);
        uops += cost[i]->uops ? cost[i]->uops : 1;
    }
    double cycles;
    if (p->out_of_order) {
        cycles = sched_ooo(p, insns, cost, n, ready);
        double bound = port_bound(p, cost, n);
        cycles = bound > cycles ? bound : cycles;
        bound = uops / p->issue_width;
        cycles = bound > cycles ? bound : cycles;
    } else {
        cycles = sched_inorder(p, insns, cost, n, ready);
    }
    free(cost);
    free(ready);
    uint64_t fp = (uint64_t)llround(cycles * EMU_FRAC);
    return fp ? fp : 1;
}
