/* tests/machine/test_machine.c: the board's run loop and outcomes, on tiny
 * hand-assembled RISC-V programs run as the kernel (M-mode, no kernel):
 * power-off codes, a kernel fault, an endless loop against --max-cycles, a
 * wait with nothing to wake it (deadlock), a timer that wakes a wait (and
 * one whose controller line is disabled, which cannot), and
 * trace-port records stamped with the clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "machine/machine.h"
#include "tests/machine/tiny_elf.h"

/* RV64 encodings used below. */
#define LUI_T0(imm20) (((uint32_t)(imm20) << 12) | (5u << 7) | 0x37u)
#define LI_T1(imm12) (((uint32_t)(imm12) << 20) | (6u << 7) | 0x13u)
#define SW_T1_T0(off)                                                                              \
    (((uint32_t)(off) >> 5 << 25) | (6u << 20) | (5u << 15) | (2u << 12) |                         \
     (((uint32_t)(off)&31) << 7) | 0x23u)
#define SW_ZERO_T0(off)                                                                            \
    (((uint32_t)(off) >> 5 << 25) | (5u << 15) | (2u << 12) | (((uint32_t)(off)&31) << 7) | 0x23u)
#define LD_A0_ZERO 0x00003503u /* ld a0, 0(zero) */
#define WFI 0x10500073u
#define J_SELF 0x0000006fu

#define ENTRY 0x40100000ULL

/* Runs `code` (n words) as the kernel; returns the outcome. */
static enum machine_outcome run(const uint32_t *code, size_t n, uint64_t max_cycles,
                                struct machine *m, struct trc_log *log)
{
    static struct tiny_elf p;
    size_t size = tiny_elf(&p, EM_RISCV, ENTRY, code, n);
    trc_log_init(log);
    struct machine_config cfg = {.arch = EMU_ARCH_RISCV64, .max_cycles = max_cycles};
    assert_int_equal(machine_init(m, &cfg, log), 0);
    assert_int_equal(machine_boot_elf(m, (const uint8_t *)&p, size), 0);
    return machine_run(m);
}

static void done(struct machine *m, struct trc_log *log)
{
    machine_destroy(m);
    trc_log_free(log);
}

static void power_off_codes_give_ok_and_expect_failed(void **state)
{
    (void)state;
    struct machine m;
    struct trc_log log;
    const uint32_t ok[] = {LUI_T0(0x10002), SW_ZERO_T0(0), J_SELF};
    assert_int_equal(run(ok, 3, 100000, &m, &log), MACHINE_OK);
    assert_int_equal(m.exit_code, 0);
    /* Blocks are charged when they start: the power-off store ends the run
     * inside the block, whose last instruction (j .) is counted too. */
    assert_int_equal(m.core.instructions, 3);
    done(&m, &log);
    const uint32_t three[] = {LUI_T0(0x10002), LI_T1(3), SW_T1_T0(0), J_SELF};
    assert_int_equal(run(three, 4, 100000, &m, &log), MACHINE_EXPECT_FAILED);
    assert_int_equal(m.exit_code, 3);
    assert_non_null(strstr(m.why, "exit code 3"));
    assert_string_equal(machine_outcome_name(MACHINE_EXPECT_FAILED), "expect_failed");
    done(&m, &log);
}

static void a_kernel_touching_nothing_is_a_fault(void **state)
{
    (void)state;
    struct machine m;
    struct trc_log log;
    const uint32_t bad[] = {LD_A0_ZERO, J_SELF};
    assert_int_equal(run(bad, 2, 100000, &m, &log), MACHINE_FAULT);
    assert_non_null(strstr(m.why, "kernel fault"));
    assert_non_null(strstr(m.why, "read of unmapped memory"));
    assert_non_null(strstr(m.why, "pc 0x40100000"));
    done(&m, &log);
}

static void an_endless_loop_ends_at_max_cycles(void **state)
{
    (void)state;
    struct machine m;
    struct trc_log log;
    const uint32_t loop[] = {J_SELF};
    assert_int_equal(run(loop, 1, 2500000, &m, &log), MACHINE_MAX_CYCLES);
    assert_true(m.core.cycles >= 2500000 && m.core.cycles <= 2500001);
    assert_string_equal(machine_outcome_name(m.outcome), "max_cycles");
    done(&m, &log);
}

static void waiting_with_nothing_armed_is_a_deadlock(void **state)
{
    (void)state;
    struct machine m;
    struct trc_log log;
    const uint32_t wait[] = {WFI, J_SELF};
    assert_int_equal(run(wait, 2, 100000, &m, &log), MACHINE_DEADLOCK);
    assert_non_null(strstr(m.why, "no timer is armed"));
    done(&m, &log);
}

/* Enables the timer's line at the interrupt controller, arms the timer for
 * cycle 500, waits, then powers off: the clock jumps to the deadline while
 * idle. */
static void the_timer_wakes_a_waiting_core(void **state)
{
    (void)state;
    struct machine m;
    struct trc_log log;
    const uint32_t prog[] = {LUI_T0(0x10004), LI_T1(1),      SW_T1_T0(0x100), LUI_T0(0x10001),
                             LI_T1(500),      SW_T1_T0(8),   SW_ZERO_T0(12),  WFI,
                             LUI_T0(0x10002), SW_ZERO_T0(0), J_SELF};
    assert_int_equal(run(prog, 11, 100000, &m, &log), MACHINE_OK);
    assert_true(m.core.cycles >= 500 && m.core.cycles < 520);
    assert_true(m.idle_cycles > 400);
    assert_int_equal(m.timers.t[0].fired, 1);
    done(&m, &log);
}

/* The same wait with the timer's line left disabled at the controller:
 * nothing can wake the core. */
static void a_wait_on_a_disabled_line_is_a_deadlock(void **state)
{
    (void)state;
    struct machine m;
    struct trc_log log;
    const uint32_t prog[] = {LUI_T0(0x10001), LI_T1(500), SW_T1_T0(8), SW_ZERO_T0(12), WFI, J_SELF};
    assert_int_equal(run(prog, 6, 100000, &m, &log), MACHINE_DEADLOCK);
    assert_non_null(strstr(m.why, "the timer's line is disabled at the interrupt controller"));
    assert_int_equal(m.timers.t[0].fired, 0);
    done(&m, &log);
}

/* Two trace records (type 7 then commit), stamped with the clock. */
static void trace_records_are_stamped_with_the_clock(void **state)
{
    (void)state;
    struct machine m;
    struct trc_log log;
    const uint32_t prog[] = {LUI_T0(0x10003), LI_T1(7),    SW_T1_T0(0),    SW_T1_T0(0x28),
                             LI_T1(42),       SW_T1_T0(4), SW_T1_T0(0x28), LUI_T0(0x10002),
                             SW_ZERO_T0(0),   J_SELF};
    assert_int_equal(run(prog, 10, 100000, &m, &log), MACHINE_OK);
    assert_int_equal(log.nev, 2);
    assert_int_equal(log.ev[0].type, 7);
    assert_int_equal(log.ev[1].type, 0); /* commit clears the staging area */
    assert_int_equal(log.ev[1].pid, 42);
    assert_true(log.ev[0].cycle > 0 && log.ev[0].cycle <= log.ev[1].cycle);
    done(&m, &log);
}

int main(void)
{
    if (!machine_arch_get(EMU_ARCH_RISCV64)) {
        print_message("riscv64 is not built (IPCEMU_ARCHES): skipped\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(power_off_codes_give_ok_and_expect_failed),
        cmocka_unit_test(a_kernel_touching_nothing_is_a_fault),
        cmocka_unit_test(an_endless_loop_ends_at_max_cycles),
        cmocka_unit_test(waiting_with_nothing_armed_is_a_deadlock),
        cmocka_unit_test(the_timer_wakes_a_waiting_core),
        cmocka_unit_test(a_wait_on_a_disabled_line_is_a_deadlock),
        cmocka_unit_test(trace_records_are_stamped_with_the_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
