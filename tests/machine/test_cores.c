/* tests/machine/test_cores.c: the board's several cores (machine/cores.c):
 * which core runs next (the lowest clock, ties to the lowest id, never a
 * core in reset or waiting), what a boot protocol's start request answers
 * (started, already on, no such core or entry), and a waiting core woken by
 * its controller target (its clock moves to the waker's, charged as idle).
 * Cores are opened but not run: their clocks and states are set by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abi/devregs.h"
#include "abi/memmap.h"
#include "emu/timing.h"
#include "machine/machine.h"
#include "machine/machine_int.h"

/* Opens a machine of `n` cores on the first architecture built in. */
static void open_machine(struct machine *m, unsigned n)
{
    struct machine_config cfg = {.ncores = n};
    for (int a = 0; a < EMU_ARCH_COUNT; a++)
        if (machine_arch_get((enum emu_arch_id)a)) {
            cfg.arch = (enum emu_arch_id)a;
            break;
        }
    assert_int_equal(machine_init(m, &cfg, NULL), 0);
}

static void the_lowest_clock_runs_ties_to_the_lowest_id(void **state)
{
    (void)state;
    static struct machine m;
    open_machine(&m, 4);
    assert_int_equal(m.cfg.core_quantum, MACHINE_CORE_QUANTUM_DEFAULT);
    /* cores 1..3 in reset: only core 0 runs */
    m.core.cycles = 500;
    assert_int_equal(machine_cores_pick(&m), 0);
    for (unsigned k = 1; k < 4; k++)
        m.core_state[k] = MACHINE_CORE_RUN;
    machine_core(&m, 1)->cycles = 300;
    machine_core(&m, 2)->cycles = 200;
    machine_core(&m, 3)->cycles = 200;
    assert_int_equal(machine_cores_pick(&m), 2); /* 2 and 3 tie: the lower id */
    m.core_state[2] = MACHINE_CORE_WFI;          /* waiting: skipped */
    assert_int_equal(machine_cores_pick(&m), 3);
    m.core_state[3] = MACHINE_CORE_RESET;
    assert_int_equal(machine_cores_pick(&m), 1);
    machine_core(&m, 1)->cycles = 500; /* ties with core 0: core 0 */
    assert_int_equal(machine_cores_pick(&m), 0);
    assert_null(machine_core(&m, 4));
    machine_destroy(&m);
}

static void a_start_request_answers_as_the_protocols_need(void **state)
{
    (void)state;
    static struct machine m;
    open_machine(&m, 2);
    uint64_t entry = MM_RAM_BASE + 0x1000;
    m.core.cycles = 1234;
    m.core.deadline = 99999;
    assert_int_equal(machine_request_start(&m, &m.core, 2, entry, 0, 0, NULL),
                     MACHINE_START_INVALID); /* no core 2 */
    assert_int_equal(machine_request_start(&m, &m.core, 1, 0x1000, 0, 0, NULL),
                     MACHINE_START_INVALID); /* not in RAM */
    assert_int_equal(machine_request_start(&m, &m.core, 0, entry, 0, 0, NULL),
                     MACHINE_START_ALREADY); /* core 0 runs */
    assert_int_equal(machine_request_start(&m, &m.core, 1, entry, 7, 8, NULL), MACHINE_START_OK);
    assert_int_equal(m.core_state[1], MACHINE_CORE_STARTING);
    assert_int_equal(m.core_start[1].cycle, 1234);
    assert_int_equal(m.core_start[1].arg0, 7);
    assert_int_equal(m.core.deadline, 1234); /* the caller's slice ends */
    assert_int_equal(machine_request_start(&m, &m.core, 1, entry, 0, 0, NULL),
                     MACHINE_START_ALREADY);
    machine_destroy(&m);
}

static void a_waiting_core_wakes_when_its_target_rises(void **state)
{
    (void)state;
    static struct machine m;
    open_machine(&m, 3);
    struct emu_core *c2 = machine_core(&m, 2);
    m.core_state[2] = MACHINE_CORE_WFI;
    c2->cycles = 100;
    m.core.cycles = 5000;
    m.core.deadline = 8000;
    /* an IPI to core 1 (in reset) wakes nobody; to core 2 (waiting) wakes it */
    m.intc.tgt[1].enable = m.intc.tgt[2].enable = 1u << INTC_LINE_IPI;
    assert_true(dev_intc_ipi(&m.intc, 1, INTC_LINE_IPI));
    assert_int_equal(m.core_state[1], MACHINE_CORE_RESET);
    assert_int_equal(m.core.deadline, 8000);
    assert_true(dev_intc_ipi(&m.intc, 2, INTC_LINE_IPI));
    assert_int_equal(m.core_state[2], MACHINE_CORE_RUN);
    assert_int_equal(c2->cycles, 5000);
    assert_int_equal(m.core_idle[2], 4900);
    assert_int_equal(c2->charged[EMU_CHARGE_IDLE], 4900);
    assert_int_equal(m.core.deadline, 5000);     /* the waker stops soon */
    assert_int_equal(machine_cores_pick(&m), 0); /* a tie at 5000: core 0 */
    machine_destroy(&m);
}

static void an_ipi_rises_ipi_latency_cycles_after_its_write(void **state)
{
    (void)state;
    static struct machine m;
    static struct tm_profile p = {.ipi_latency = 300};
    open_machine(&m, 3);
    m.cfg.profile = &p; /* only its ipi_latency is read here */
    struct emu_core *c2 = machine_core(&m, 2);
    m.intc.tgt[2].enable = 1u << INTC_LINE_IPI;
    m.core_state[2] = MACHINE_CORE_WFI;
    c2->cycles = 100;
    m.core.cycles = 5000;
    m.core.deadline = 8000;
    /* core 0 writes IPI at 5000: held, core 0's slice ends at the rise */
    assert_true(machine_cores_ipi_send(&m, INTC_IPI_VALUE(2, INTC_LINE_IPI)));
    assert_false(machine_cores_ipi_send(&m, INTC_IPI_VALUE(7, INTC_LINE_IPI))); /* no core 7 */
    assert_int_equal(m.core.deadline, 5300);
    assert_int_equal(machine_cores_ipi_next(&m, 2), 5300);
    assert_int_equal(machine_cores_ipi_next(&m, 1), UINT64_MAX);
    machine_cores_deliver(&m); /* core 0 is at 5000: not yet */
    assert_int_equal(m.core_state[2], MACHINE_CORE_WFI);
    assert_int_equal(m.intc.tgt[2].ipis, 0);
    m.core.cycles = 5310; /* core 0 ran past it: the line rose at 5300 */
    machine_cores_deliver(&m);
    assert_int_equal(m.intc.tgt[2].ipis, 1);
    assert_int_equal(m.core_state[2], MACHINE_CORE_RUN);
    assert_int_equal(c2->cycles, 5300);
    assert_int_equal(m.core_idle[2], 5200);
    assert_int_equal(machine_cores_ipi_next(&m, 2), UINT64_MAX);
    assert_int_equal(machine_cores_pick(&m), 2); /* it runs next, from the rise */
    /* with one core, or a latency of 0, the controller takes the write */
    p.ipi_latency = 0;
    assert_false(machine_cores_ipi_send(&m, INTC_IPI_VALUE(2, INTC_LINE_IPI)));
    m.cfg.profile = NULL;
    machine_destroy(&m);
}

static void core_counts_outside_1_to_8_are_refused(void **state)
{
    (void)state;
    static struct machine m;
    struct machine_config cfg = {.ncores = MACHINE_MAX_CORES + 1};
    for (int a = 0; a < EMU_ARCH_COUNT; a++)
        if (machine_arch_get((enum emu_arch_id)a)) {
            cfg.arch = (enum emu_arch_id)a;
            break;
        }
    assert_int_equal(machine_init(&m, &cfg, NULL), -1);
    assert_non_null(strstr(m.why, "1 to 8"));
    machine_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_lowest_clock_runs_ties_to_the_lowest_id),
        cmocka_unit_test(a_start_request_answers_as_the_protocols_need),
        cmocka_unit_test(a_waiting_core_wakes_when_its_target_rises),
        cmocka_unit_test(an_ipi_rises_ipi_latency_cycles_after_its_write),
        cmocka_unit_test(core_counts_outside_1_to_8_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
