/* tests/emu/test_block_cost.c: the static block scheduler (emu/block_cost.c)
 * on hand-built blocks against cycles computed by hand from the profiles
 * below. The scheduler runs a block 8 times back to back and returns the
 * cycles per iteration of the last 4 (in 1/256 cycles, EMU_FRAC); an
 * out-of-order block costs at least its busiest port and its micro-ops over
 * the issue width. Every expected number is worked out in the comment above
 * its assertion: a change of the model must change a number here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emu/timing.h"

/* Canonical register ids (any below EMU_REG_LIMIT will do). */
enum { R1 = 1, R2, R3, R4, R5, R6 };

/* One table row: key, micro-ops, latency, self (the loop-carried latency
 * of a register read and written), and the pressure on ports 0..3. */
static struct tm_row row(const char *key, uint16_t uops, uint16_t latency, float self, float p0,
                         float p1, float p2, float p3)
{
    struct tm_row r = {.cost = {.uops = uops,
                                .latency = latency,
                                .rthroughput = 1,
                                .self = self,
                                .pressure = {p0, p1, p2, p3}}};
    strncpy(r.key, key, sizeof r.key - 1);
    return r;
}

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tm_row *)a)->key, ((const struct tm_row *)b)->key);
}

/* The instruction forms both profiles know. Ports: out of order p0 (ALU and
 * divider), p1 (ALU and multiplier), p2, p3 (ALU, load); in order alu0..
 * alu3 for the out-of-order p0..p3 (the in-order core reads shares below 1
 * as alternatives, one port for their sum, and 1 or more as a reservation
 * of that port for that many cycles). */
static struct tm_row ooo_rows[6], ino_rows[6];

static void fill(struct tm_profile *p, struct tm_row *rows, bool ooo)
{
    memset(p, 0, sizeof *p);
    strcpy(p->name, ooo ? "test-ooo" : "test-inorder");
    p->out_of_order = ooo;
    p->issue_width = 2;
    p->rob_size = 192;
    p->nports = 4;
    size_t n = 0;
    /* add: 1 micro-op, latency 1, on any of the four ports */
    rows[n++] = row("add r,r", 1, 1, 1, 0.25f, 0.25f, 0.25f, 0.25f);
    /* imul: latency 3, pipelined on p1 */
    rows[n++] = row("imul r,r", 1, 3, 3, 0, 1, 0, 0);
    /* load: latency 5 out of order, 3 in order, on p3 */
    rows[n++] = row("mov r,m", 1, ooo ? 5 : 3, ooo ? 5 : 3, 0, 0, 0, 1);
    /* div: latency 20; the divider on p0 is busy 6 cycles per divide */
    rows[n++] = row("div r,r", 1, 20, 20, 6, 0, 0, 0);
    /* sys: a placeholder as LLVM gives x86 system instructions (latency 100) */
    rows[n++] = row("sys", 1, 100, 100, 0.25f, 0.25f, 0.25f, 0.25f);
    qsort(rows, n, sizeof *rows, row_cmp);
    p->rows = rows;
    p->nrows = n;
    p->fallback = (struct tm_cost){.uops = 1, .latency = 1, .self = 1};
}

/* An instruction of form `key` reading up to two registers and writing
 * one (0: none). */
static struct emu_insn insn(const char *key, uint16_t dst, uint16_t src1, uint16_t src2)
{
    struct emu_insn in;
    memset(&in, 0, sizeof in);
    in.len = 4;
    strncpy(in.key, key, sizeof in.key - 1);
    emu_insn_reads(&in, src1);
    emu_insn_reads(&in, src2);
    emu_insn_writes(&in, dst);
    in.load = strcmp(key, "mov r,m") == 0;
    return in;
}

/* Returns the cost of the block and checks that the table knew every
 * instruction. */
static uint64_t cost(bool ooo, const struct emu_insn *insns, size_t n)
{
    struct tm_profile p;
    fill(&p, ooo ? ooo_rows : ino_rows, ooo);
    unsigned unknown = 0;
    uint64_t c = tm_block_cost(&p, insns, n, &unknown);
    assert_int_equal(unknown, 0);
    return c;
}

#define CYCLES(x) ((uint64_t)((x)*EMU_FRAC))

/* Four imuls on one register: each waits for the one before. */
static void dependency_chain(void **state)
{
    (void)state;
    struct emu_insn b[4];
    for (int i = 0; i < 4; i++)
        b[i] = insn("imul r,r", R1, R1, R2);
    /* Out of order: imul k of the whole run starts when imul k-1's result
     * is ready, 3k (dispatch, 0.5 cycles an instruction, is ahead); the
     * last of iteration i ends at 12i + 12: 12 cycles an iteration. Ports:
     * p1 4 x 1 = 4; issue 4 / 2 = 2. max(12, 4, 2) = 12. */
    assert_int_equal(cost(true, b, 4), CYCLES(12));
    /* In order: the same chain, imul k issues at 3k: 12. */
    assert_int_equal(cost(false, b, 4), CYCLES(12));
    /* One imul less: 9 (3 x 3). */
    assert_int_equal(cost(true, b, 3), CYCLES(9));
}

/* Independent adds (each on its own register): the issue width limits. */
static void independent_issue_width(void **state)
{
    (void)state;
    struct emu_insn b[8];
    for (int i = 0; i < 8; i++)
        b[i] = insn("add r,r", (uint16_t)(R1 + i), (uint16_t)(R1 + i), 0);
    /* Out of order, 8 adds: add j dispatches at j / 2 (issue width 2);
     * its register was ready at (j - 8) / 2 + 1, earlier, so it starts at
     * j / 2 and ends at j / 2 + 1. The last add of iteration i ends at
     * (8i + 7) / 2 + 1: 4 cycles an iteration. Ports: 8 x 1 cycle over
     * four ports = 2 each; issue 8 / 2 = 4. max(4, 2, 4) = 4. */
    assert_int_equal(cost(true, b, 8), CYCLES(4));
    /* In order, 4 adds: two issue in a cycle (each on a free one of the
     * four ALUs), so iteration i issues at 2i and 2i + 1: 2 cycles. */
    assert_int_equal(cost(false, b, 4), CYCLES(2));
    /* 5 adds in order: iteration 0 issues at 0, 0, 1, 1, 2; iteration 1's
     * first add shares cycle 2, so iterations start 2.5 cycles apart on
     * average: 0, 2, 5, 7, 10, 12, 15, 17; (17 - 7) / 4 = 2.5. */
    assert_int_equal(cost(false, b, 5), CYCLES(2.5));
}

/* A load and an add of the loaded value. */
static void load_then_use(void **state)
{
    (void)state;
    struct emu_insn b[2] = {insn("mov r,m", R1, R2, 0), insn("add r,r", R3, R3, R1)};
    /* In order (load latency 3): iteration i's load issues at 3i and the
     * add waits for it until 3i + 3, where the next load issues with it
     * (two a cycle): 3 cycles an iteration, the load-use stall. */
    assert_int_equal(cost(false, b, 2), CYCLES(3));
    /* Out of order (load latency 5): load i dispatches and starts at i
     * (two instructions a cycle), add i starts at i + 5 (its chain on r3
     * is 1 a cycle, never later) and ends at i + 6: 1 cycle an iteration,
     * the latency overlaps later iterations. Ports: p3 1; issue 2 / 2 =
     * 1. max(1, 1, 1) = 1. */
    assert_int_equal(cost(true, b, 2), CYCLES(1));
    /* A pointer chase (the load's address is the previous load's value)
     * exposes the latency: 5 out of order, 3 in order. */
    b[0] = insn("mov r,m", R1, R1, 0);
    assert_int_equal(cost(true, b, 2), CYCLES(5));
    assert_int_equal(cost(false, b, 2), CYCLES(3));
}

/* A divide among adds. */
static void mix_with_divide(void **state)
{
    (void)state;
    /* div r1 = r2 / r3; r4 += r1; r5 += 1; r6 += 1 */
    struct emu_insn b[4] = {insn("div r,r", R1, R2, R3), insn("add r,r", R4, R4, R1),
                            insn("add r,r", R5, R5, 0), insn("add r,r", R6, R6, 0)};
    /* Out of order: the divides are independent, so the schedule runs at
     * the issue width (4 / 2 = 2 cycles an iteration: div i starts at 2i,
     * its add at 2i + 20, ending at 2i + 21). Ports: the divider holds p0
     * 6 cycles per divide; the adds' 3 cycles go to the least loaded of
     * p0..p3, all away from p0 (1 each on p1, p2, p3). max(2, 6, 2) = 6. */
    assert_int_equal(cost(true, b, 4), CYCLES(6));
    /* In order: div i issues at t, its add waits for the quotient until
     * t + 20 and the next two adds follow in that cycle and the next
     * (width 2: add, add | add); the next div issues at t + 21 (p0 is
     * free since t + 6): 21 cycles an iteration. */
    assert_int_equal(cost(false, b, 4), CYCLES(21));
    /* Each divide divides the previous quotient (div r1 = r1 / r3): the
     * chain is the divide's latency, 20 cycles, out of order; in order
     * the next div issues at t + 21 as before (its input is ready at
     * t + 20, but issue has moved on to the adds). */
    b[0] = insn("div r,r", R1, R1, R3);
    assert_int_equal(cost(true, b, 4), CYCLES(20));
    assert_int_equal(cost(false, b, 4), CYCLES(21));
}

/* What the profile prices itself (a trap, the return from one, the
 * translation-root write) is one plain micro-op in a block, whatever
 * latency the table gives its form. */
static void profile_priced_forms_are_plain(void **state)
{
    (void)state;
    /* sys r1 = f(r1): as a table form, a chain of its latency, 100. */
    struct emu_insn b[1] = {insn("sys", R1, R1, 0)};
    assert_int_equal(cost(true, b, 1), CYCLES(100));
    assert_int_equal(cost(false, b, 1), CYCLES(100));
    /* As a trap return, a trap or a root write: 1 cycle an iteration. */
    b[0].flow = EMU_FLOW_XRET;
    assert_int_equal(cost(true, b, 1), CYCLES(1));
    assert_int_equal(cost(false, b, 1), CYCLES(1));
    b[0].flow = EMU_FLOW_TRAP;
    assert_int_equal(cost(true, b, 1), CYCLES(1));
    b[0].flow = 0;
    b[0].special = EMU_SPECIAL_ROOT;
    assert_int_equal(cost(false, b, 1), CYCLES(1));
}

/* A form the table does not know takes the fallback and is counted. */
static void unknown_form_is_counted(void **state)
{
    (void)state;
    struct tm_profile p;
    fill(&p, ooo_rows, true);
    struct emu_insn b[2] = {insn("add r,r", R1, R1, 0), insn("fsqrt r,r", R2, R2, 0)};
    unsigned unknown = 0;
    /* add and the fallback (1 micro-op, latency 1, no port): 2 micro-ops
     * over issue width 2, no chain longer than 1: 1 cycle. */
    assert_int_equal(tm_block_cost(&p, b, 2, &unknown), CYCLES(1));
    assert_int_equal(unknown, 1);
    assert_int_equal(tm_block_cost(&p, b, 0, &unknown), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dependency_chain),        cmocka_unit_test(independent_issue_width),
        cmocka_unit_test(load_then_use),           cmocka_unit_test(mix_with_divide),
        cmocka_unit_test(unknown_form_is_counted), cmocka_unit_test(profile_priced_forms_are_plain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
