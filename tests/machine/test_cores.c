/* tests/machine/test_cores.c: the board's several cores (machine/cores.c):
 * which core runs next (the lowest clock, ties to the lowest id, never a
 * core in reset or waiting), what a boot protocol's start request answers
 * (started, already on, no such core or entry), and a waiting core woken by
 * its controller target (its clock moves to the waker's, charged as idle).
 * a waiting core's own timer (it counts as ready at its deadline), and on
 * a hand-assembled RISC-V program run on two harts: core 1 arms its own
 * timer and takes its interrupt in user mode (or wakes from wfi at its
 * deadline) while core 0 waits with no timer of its own. The first tests
 * open cores without running them: clocks and states are set by hand. */
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
#include "tests/machine/tiny_elf.h"

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

static void a_waiting_core_is_ready_at_its_own_timer_deadline(void **state)
{
    (void)state;
    static struct machine m;
    open_machine(&m, 3);
    struct emu_core *c1 = machine_core(&m, 1);
    m.core.cycles = 1000;
    m.core_state[1] = MACHINE_CORE_WFI;
    c1->cycles = 200;
    /* core 1's timer, armed by core 1 for 700: only core 1's */
    m.cur = c1;
    dev_timer_bank_ops.write(&m.timers, TIMER_CMP_LO, 700);
    dev_timer_bank_ops.write(&m.timers, TIMER_CMP_HI, 0);
    m.cur = &m.core;
    assert_int_equal(dev_timer_deadline(&m.timers.t[1]), 700);
    assert_int_equal(dev_timer_deadline(&m.timers.t[0]), DEV_TIMER_NEVER);
    /* its line disabled at target 1: the timer cannot wake it */
    assert_int_equal(machine_cores_ready_at(&m, 1), UINT64_MAX);
    assert_int_equal(machine_cores_pick(&m), 0);
    m.intc.tgt[1].enable = 1u << INTC_LINE_TIMER;
    assert_int_equal(machine_cores_ready_at(&m, 1), 700);
    assert_int_equal(machine_cores_pick(&m), 1);   /* 700 before core 0's 1000 */
    m.intc.tgt[1].service = 1u << INTC_LINE_TIMER; /* in service: held */
    assert_int_equal(machine_cores_ready_at(&m, 1), UINT64_MAX);
    m.intc.tgt[1].service = 0;
    /* every core waits, and only core 1's timer can end a wait */
    m.core_state[0] = MACHINE_CORE_WFI;
    m.core.cycles = 500;
    assert_int_equal(machine_cores_pick(&m), 1);
    m.intc.tgt[1].enable = 0;
    assert_int_equal(machine_cores_pick(&m), MACHINE_MAX_CORES);
    /* the wait's end is charged as idle, to core 0 also as the board's */
    machine_cores_idle_until(&m, &m.core, 900);
    assert_int_equal(m.core.cycles, 900);
    assert_int_equal(m.idle_cycles, 400);
    assert_int_equal(m.core_idle[0], 400);
    machine_destroy(&m);
}

/* Hand-assembled two-core programs (clang + ld.lld at ENTRY; the
 * listings are beside the words). Core 0 starts core 1 by its boot
 * protocol and waits (wfi) for good, with no timer of its own. Core 1 sets
 * its vector, enables INTC_LINE_TIMER at its own target (1), arms its own
 * timer for NOW + 2000 and drops to a user-mode loop; its handler stores
 * what the trap says about where it came from (RESULT) and its CLAIM
 * (RESULT + 8), and powers off. */
#define ENTRY 0x40100000ULL
#define RESULT 0x40200000ULL
#define MAX_WORDS 0x4a4 / 4 + 1

/* RISC-V: hart 0 in M-mode opens PMP, delegates the supervisor
 * interrupts, mret's to S-mode and calls SBI HSM hart_start; hart 1 sets
 * stvec and sie.SEIE and sret's to U-mode. The handler stores scause. */
static const uint32_t rv_two_harts[] = {
    0xfff00293u, /* 000: li t0, -1 */
    0x3b029073u, /* 004: csrw pmpaddr0, t0 */
    0x01f00293u, /* 008: li t0, 31 */
    0x3a029073u, /* 00c: csrw pmpcfg0, t0 */
    0x22200293u, /* 010: li t0, 546 */
    0x30329073u, /* 014: csrw mideleg, t0 */
    0x000022b7u, /* 018: lui t0, 2 */
    0x8002829bu, /* 01c: addiw t0, t0, -2048 */
    0x3002b073u, /* 020: csrc mstatus, t0 */
    0x000012b7u, /* 024: lui t0, 1 */
    0x8002829bu, /* 028: addiw t0, t0, -2048 */
    0x3002a073u, /* 02c: csrs mstatus, t0 */
    0x00000297u, /* 030: auipc t0, 0 */
    0x01028293u, /* 034: addi t0, t0, 16 */
    0x34129073u, /* 038: csrw mepc, t0 */
    0x30200073u, /* 03c: mret */
    0x004858b7u, /* 040: lui a7, 1157 */
    0x34d8889bu, /* 044: addiw a7, a7, 845 */
    0x00000813u, /* 048: li a6, 0 */
    0x00100513u, /* 04c: li a0, 1 */
    0x00000597u, /* 050: auipc a1, 0 */
    0x01858593u, /* 054: addi a1, a1, 24 */
    0x00000613u, /* 058: li a2, 0 */
    0x00000073u, /* 05c: ecall */
    0x10500073u, /* 060: wfi */
    0xffdff06fu, /* 064: j 0x40100060 */
    0x00000297u, /* 068: auipc t0, 0 */
    0x05028293u, /* 06c: addi t0, t0, 80 */
    0x10529073u, /* 070: csrw stvec, t0 */
    0x20000293u, /* 074: li t0, 512 */
    0x1042a073u, /* 078: csrs sie, t0 */
    0x100042b7u, /* 07c: lui t0, 65540 */
    0x00100313u, /* 080: li t1, 1 */
    0x1062a823u, /* 084: sw t1, 272(t0) */
    0x100012b7u, /* 088: lui t0, 65537 */
    0x0002a303u, /* 08c: lw t1, 0(t0) */
    0x7d030313u, /* 090: addi t1, t1, 2000 */
    0x0062a423u, /* 094: sw t1, 8(t0) */
    0x0002a623u, /* 098: sw zero, 12(t0) */
    0x00000297u, /* 09c: auipc t0, 0 */
    0x01828293u, /* 0a0: addi t0, t0, 24 */
    0x14129073u, /* 0a4: csrw sepc, t0 */
    0x10000293u, /* 0a8: li t0, 256 */
    0x1002b073u, /* 0ac: csrc sstatus, t0 */
    0x10200073u, /* 0b0: sret */
    0x0000006fu, /* 0b4: j 0x401000b4 */
    0x14202373u, /* 0b8: csrr t1, scause */
    0x100042b7u, /* 0bc: lui t0, 65540 */
    0x1142a383u, /* 0c0: lw t2, 276(t0) */
    0x40200e37u, /* 0c4: lui t3, 262656 */
    0x006e3023u, /* 0c8: sd t1, 0(t3) */
    0x007e3423u, /* 0cc: sd t2, 8(t3) */
    0x100022b7u, /* 0d0: lui t0, 65538 */
    0x0002a023u, /* 0d4: sw zero, 0(t0) */
    0x0000006fu, /* 0d8: j 0x401000d8 */
};
#define RV_HART1_WAIT_AT (0x09c / 4) /* the wait variant: wfi here, ... */
#define RV_WFI 0x10500073u
#define RV_J_HANDLER 0x0180006fu /* ... then j handler (0x0b8) */

/* AArch64: core 0 (EL1) calls PSCI CPU_ON by smc; core 1 sets VBAR_EL1 to
 * ENTRY and eret's to EL0 with DAIF clear; the IRQ from a lower EL enters
 * at ENTRY + 0x480. The handler stores SPSR_EL1 (M[3:0] = 0: from EL0t). */
static const uint32_t a64_two_cores[MAX_WORDS] = {
    [0x000 / 4] = 0x14000001u, /* b 0x40100004 */
    [0x004 / 4] = 0xd2b88000u, /* mov x0, #3288334336 */
    [0x008 / 4] = 0xf2800060u, /* movk x0, #3 */
    [0x00c / 4] = 0xd2800021u, /* mov x1, #1 */
    [0x010 / 4] = 0x100000a2u, /* adr x2, #20 */
    [0x014 / 4] = 0xd2800003u, /* mov x3, #0 */
    [0x018 / 4] = 0xd4000003u, /* smc #0 */
    [0x01c / 4] = 0xd503207fu, /* wfi */
    [0x020 / 4] = 0x17ffffffu, /* b 0x4010001c */
    [0x024 / 4] = 0x10fffee0u, /* adr x0, #-36 */
    [0x028 / 4] = 0xd518c000u, /* msr VBAR_EL1, x0 */
    [0x02c / 4] = 0xd5033fdfu, /* isb */
    [0x030 / 4] = 0xd2a20004u, /* mov x4, #268435456 */
    [0x034 / 4] = 0xf2880004u, /* movk x4, #16384 */
    [0x038 / 4] = 0x52800021u, /* mov w1, #1 */
    [0x03c / 4] = 0xb9011081u, /* str w1, [x4, #272] */
    [0x040 / 4] = 0xd2a20005u, /* mov x5, #268435456 */
    [0x044 / 4] = 0xf2820005u, /* movk x5, #4096 */
    [0x048 / 4] = 0xb94000a1u, /* ldr w1, [x5] */
    [0x04c / 4] = 0x111f4021u, /* add w1, w1, #2000 */
    [0x050 / 4] = 0xb90008a1u, /* str w1, [x5, #8] */
    [0x054 / 4] = 0xb9000cbfu, /* str wzr, [x5, #12] */
    [0x058 / 4] = 0x10000080u, /* adr x0, #16 */
    [0x05c / 4] = 0xd5184020u, /* msr ELR_EL1, x0 */
    [0x060 / 4] = 0xd518401fu, /* msr SPSR_EL1, xzr */
    [0x064 / 4] = 0xd69f03e0u, /* eret */
    [0x068 / 4] = 0x14000000u, /* b 0x40100068 */
    [0x480 / 4] = 0xd5384001u, /* mrs x1, SPSR_EL1 */
    [0x484 / 4] = 0xb9411482u, /* ldr w2, [x4, #276] */
    [0x488 / 4] = 0xd2a80403u, /* mov x3, #1075838976 */
    [0x48c / 4] = 0xf9000061u, /* str x1, [x3] */
    [0x490 / 4] = 0xf9000462u, /* str x2, [x3, #8] */
    [0x494 / 4] = 0xd2a20000u, /* mov x0, #268435456 */
    [0x498 / 4] = 0xf2840000u, /* movk x0, #8192 */
    [0x49c / 4] = 0xb900001fu, /* str wzr, [x0] */
    [0x4a0 / 4] = 0x14000000u, /* b 0x401004a0 */
};

/* Runs `n` words of `code` as the kernel of a two-core machine of `arch`.
 * Returns the outcome. */
static enum machine_outcome run_two_cores(enum emu_arch_id arch, uint16_t e_machine,
                                          const uint32_t *code, size_t n, struct machine *m,
                                          struct trc_log *log)
{
    static struct tiny_elf p;
    size_t size = tiny_elf(&p, e_machine, ENTRY, code, n);
    assert_true(size > 0);
    trc_log_init(log);
    struct machine_config cfg = {.arch = arch, .max_cycles = 1000000, .ncores = 2};
    assert_int_equal(machine_init(m, &cfg, log), 0);
    assert_int_equal(machine_boot_elf(m, (const uint8_t *)&p, size), 0);
    return machine_run(m);
}

/* Returns the 64-bit word the program stored at RESULT + off. */
static uint64_t result(const struct machine *m, uint64_t off)
{
    uint64_t v;
    memcpy(&v, m->ram + (RESULT - MM_RAM_BASE) + off, sizeof v);
    return v;
}

/* Returns the first TRC_EV_IRQ of `log` (NULL: none). */
static const struct trc_event *first_irq(const struct trc_log *log)
{
    for (size_t i = 0; i < log->nev; i++)
        if (log->ev[i].type == TRC_EV_IRQ)
            return &log->ev[i];
    return NULL;
}

/* Runs `code` twice on `arch`: core 1 takes its own timer's interrupt in
 * user mode, once, at its deadline, core 0 untouched; the same cycles
 * both times. Returns what the handler stored at RESULT. */
static uint64_t user_mode_interrupt_on_core_1(enum emu_arch_id arch, uint16_t e_machine,
                                              const uint32_t *code, size_t n)
{
    static struct machine m;
    struct trc_log log;
    uint64_t cycles[2][2], stored = 0;
    for (int run = 0; run < 2; run++) {
        assert_int_equal(run_two_cores(arch, e_machine, code, n, &m, &log), MACHINE_OK);
        struct emu_core *c1 = machine_core(&m, 1);
        const struct dev_timer *t1 = &m.timers.t[1];
        assert_int_equal(result(&m, 8), INTC_LINE_TIMER); /* claimed at target 1 */
        assert_int_equal(m.interrupts, 1);
        assert_int_equal(t1->fired, 1);
        assert_int_equal(m.timers.t[0].fired, 0);
        assert_false(m.timers.t[0].armed);
        assert_int_equal(m.intc.tgt[0].rises, 0);
        assert_true(c1->cycles >= t1->cmp);
        assert_int_equal(m.core_state[0], MACHINE_CORE_WFI); /* woke nothing */
        const struct trc_event *e = first_irq(&log);
        assert_non_null(e);
        assert_int_equal(e->core, 1);
        assert_int_equal(e->arg[0], 0); /* taken as a trap */
        assert_int_equal(e->arg[3], t1->cmp);
        /* the slice stopped at the deadline: delivered within a block */
        assert_true(e->cycle >= t1->cmp && e->cycle - t1->cmp < 16);
        cycles[run][0] = m.core.cycles;
        cycles[run][1] = c1->cycles;
        stored = result(&m, 0);
        machine_destroy(&m);
        trc_log_free(&log);
    }
    assert_memory_equal(cycles[0], cycles[1], sizeof cycles[0]); /* deterministic */
    return stored;
}

static void core_1_takes_its_own_timer_interrupt_in_user_mode(void **state)
{
    (void)state;
    int ran = 0;
    if (machine_arch_get(EMU_ARCH_RISCV64)) {
        uint64_t scause = user_mode_interrupt_on_core_1(EMU_ARCH_RISCV64, EM_RISCV, rv_two_harts,
                                                        sizeof rv_two_harts / 4);
        assert_int_equal(scause, 0x8000000000000009ULL); /* S external interrupt */
        ran++;
    }
    if (machine_arch_get(EMU_ARCH_AARCH64)) {
        uint64_t spsr =
            user_mode_interrupt_on_core_1(EMU_ARCH_AARCH64, EM_AARCH64, a64_two_cores, MAX_WORDS);
        assert_int_equal(spsr & 0x3cf, 0); /* from EL0t with D, A, I, F clear */
        ran++;
    }
    if (!ran)
        skip();
}

static void a_waiting_core_wakes_at_its_own_timer_deadline(void **state)
{
    (void)state;
    if (!machine_arch_get(EMU_ARCH_RISCV64))
        skip();
    static struct machine m;
    struct trc_log log;
    uint32_t code[sizeof rv_two_harts / 4];
    memcpy(code, rv_two_harts, sizeof code);
    code[RV_HART1_WAIT_AT] = RV_WFI;
    code[RV_HART1_WAIT_AT + 1] = RV_J_HANDLER;
    assert_int_equal(run_two_cores(EMU_ARCH_RISCV64, EM_RISCV, code, sizeof code / 4, &m, &log),
                     MACHINE_OK);
    struct emu_core *c1 = machine_core(&m, 1);
    const struct dev_timer *t1 = &m.timers.t[1];
    assert_int_equal(result(&m, 8), INTC_LINE_TIMER);
    assert_int_equal(m.interrupts, 0); /* it ran masked: woken, not trapped */
    assert_int_equal(t1->fired, 1);
    assert_true(c1->cycles >= t1->cmp);
    assert_true(m.core_idle[1] > 1500); /* the wait for NOW + 2000, as idle */
    const struct trc_event *e = first_irq(&log);
    assert_non_null(e);
    assert_int_equal(e->core, 1);
    assert_int_equal(e->arg[0], 1); /* by waking the waiting core */
    assert_int_equal(e->cycle, t1->cmp);
    machine_destroy(&m);
    trc_log_free(&log);
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

static void a_spinning_core_and_the_others_take_turns_in_steps(void **state)
{
    (void)state;
    static struct machine m;
    open_machine(&m, 3);
    struct emu_core *c1 = machine_core(&m, 1), *c2 = machine_core(&m, 2);
    m.core_state[1] = m.core_state[2] = MACHINE_CORE_RUN;
    m.core.cycles = 1000;
    c1->cycles = 1500;
    c2->cycles = 3000;
    /* a spinner goes on to a step past the next other core */
    assert_int_equal(machine_cores_spin_after(&m, 0), 1500 + MACHINE_SPIN_STEP);
    assert_int_equal(machine_cores_spin_after(&m, 1), 1000 + MACHINE_SPIN_STEP);
    /* nobody spins: no cap */
    assert_true(machine_cores_spin_cap(&m, 0) == UINT64_MAX);
    c1->spun = true; /* core 1's slice ended at a hint */
    assert_int_equal(machine_cores_spin_cap(&m, 0), 1500 + MACHINE_SPIN_STEP);
    assert_true(machine_cores_spin_cap(&m, 1) == UINT64_MAX); /* not its own */
    m.core_state[1] = MACHINE_CORE_WFI;                       /* waiting, no timer: neither */
    assert_true(machine_cores_spin_cap(&m, 0) == UINT64_MAX);
    assert_int_equal(machine_cores_spin_after(&m, 0), 3000 + MACHINE_SPIN_STEP);
    m.core_state[2] = MACHINE_CORE_RESET; /* nobody else can act */
    assert_true(machine_cores_spin_after(&m, 0) == UINT64_MAX);
    m.ipi_due[1][0] = 2000; /* but an IPI on its way wakes core 1 */
    assert_int_equal(machine_cores_spin_after(&m, 0), 2000 + MACHINE_SPIN_STEP);
    m.ipi_due[1][0] = 0;
    machine_destroy(&m);
}

/* Spin-wait hints (docs/machine.md, "Several cores"): core 0 spins on a
 * flag at RESULT + 16 with the architecture's hint in its loop, then
 * stores the cycle it left (the timer's NOW) at RESULT + 8 and powers off;
 * core 1 (at ENTRY + SPIN_SETTER) counts down 600 turns, stores its
 * clock at RESULT and sets the flag, then waits. Core 0 runs first (a tie
 * at cycle 0): without the hint's yield it would spin a whole quantum
 * before core 1 runs at all. */
#define SPIN_SETTER 0x40

static const uint32_t a64_spin[] = {
    [0x000 / 4] = 0xd2a80403u, /* mov x3, #0x40200000 */
    [0x004 / 4] = 0xf9400864u, /* ldr x4, [x3, #16] */
    [0x008 / 4] = 0xb5000064u, /* cbnz x4, 0x14 */
    [0x00c / 4] = 0xd503203fu, /* yield */
    [0x010 / 4] = 0x17fffffdu, /* b 0x4 */
    [0x014 / 4] = 0xd2a20000u, /* mov x0, #0x10000000 */
    [0x018 / 4] = 0xf2820000u, /* movk x0, #0x1000 */
    [0x01c / 4] = 0xb9400002u, /* ldr w2, [x0] */
    [0x020 / 4] = 0xf9000462u, /* str x2, [x3, #8] */
    [0x024 / 4] = 0xd2a20000u, /* mov x0, #0x10000000 */
    [0x028 / 4] = 0xf2840000u, /* movk x0, #0x2000 */
    [0x02c / 4] = 0xb900001fu, /* str wzr, [x0] */
    [0x030 / 4] = 0x14000000u, /* b 0x30 */
    [0x040 / 4] = 0x52804b01u, /* mov w1, #600 */
    [0x044 / 4] = 0x71000421u, /* subs w1, w1, #1 */
    [0x048 / 4] = 0x54ffffe1u, /* b.ne 0x44 */
    [0x04c / 4] = 0xd2a20000u, /* mov x0, #0x10000000 */
    [0x050 / 4] = 0xf2820000u, /* movk x0, #0x1000 */
    [0x054 / 4] = 0xb9400002u, /* ldr w2, [x0] */
    [0x058 / 4] = 0xd2a80403u, /* mov x3, #0x40200000 */
    [0x05c / 4] = 0xf9000062u, /* str x2, [x3] */
    [0x060 / 4] = 0xd2800024u, /* mov x4, #1 */
    [0x064 / 4] = 0xf9000864u, /* str x4, [x3, #16] */
    [0x068 / 4] = 0xd503207fu, /* wfi */
    [0x06c / 4] = 0x17ffffffu, /* b 0x68 */
};

static const uint32_t rv_spin[] = {
    [0x000 / 4] = 0x40200e37u, /* lui t3, 0x40200 */
    [0x004 / 4] = 0x010e3e83u, /* ld t4, 16(t3) */
    [0x008 / 4] = 0x000e9663u, /* bnez t4, 0x14 */
    [0x00c / 4] = 0x0100000fu, /* pause (fence w, 0) */
    [0x010 / 4] = 0xff5ff06fu, /* j 0x4 */
    [0x014 / 4] = 0x100012b7u, /* lui t0, 0x10001 */
    [0x018 / 4] = 0x0002e383u, /* lwu t2, 0(t0) */
    [0x01c / 4] = 0x007e3423u, /* sd t2, 8(t3) */
    [0x020 / 4] = 0x100022b7u, /* lui t0, 0x10002 */
    [0x024 / 4] = 0x0002a023u, /* sw zero, 0(t0) */
    [0x028 / 4] = 0x0000006fu, /* j 0x28 */
    [0x040 / 4] = 0x25800313u, /* li t1, 600 */
    [0x044 / 4] = 0xfff30313u, /* addi t1, t1, -1 */
    [0x048 / 4] = 0xfe031ee3u, /* bnez t1, 0x44 */
    [0x04c / 4] = 0x100012b7u, /* lui t0, 0x10001 */
    [0x050 / 4] = 0x0002e383u, /* lwu t2, 0(t0) */
    [0x054 / 4] = 0x40200e37u, /* lui t3, 0x40200 */
    [0x058 / 4] = 0x007e3023u, /* sd t2, 0(t3) */
    [0x05c / 4] = 0x00100e93u, /* li t4, 1 */
    [0x060 / 4] = 0x01de3823u, /* sd t4, 16(t3) */
    [0x064 / 4] = 0x10500073u, /* wfi */
    [0x068 / 4] = 0xffdff06fu, /* j 0x64 */
};

static const uint8_t x86_spin[] = {
    0x48,          0xc7, 0xc3, 0x00, 0x00, 0x20, 0x40,       /* 000: mov rbx, 0x40200000 */
    0x48,          0x8b, 0x43, 0x10,                         /* 007: mov rax, [rbx + 16] */
    0x48,          0x85, 0xc0,                               /* 00b: test rax, rax */
    0x75,          0x04,                                     /* 00e: jne 0x14 */
    0xf3,          0x90,                                     /* 010: pause */
    0xeb,          0xf3,                                     /* 012: jmp 0x7 */
    0x48,          0xc7, 0xc0, 0x00, 0x10, 0x00, 0x10,       /* 014: mov rax, 0x10001000 */
    0x8b,          0x10,                                     /* 01b: mov edx, [rax] */
    0x48,          0x89, 0x53, 0x08,                         /* 01d: mov [rbx + 8], rdx */
    0x48,          0xc7, 0xc0, 0x00, 0x20, 0x00, 0x10,       /* 021: mov rax, 0x10002000 */
    0xc7,          0x00, 0x00, 0x00, 0x00, 0x00,             /* 028: mov dword [rax], 0 */
    0xeb,          0xfe,                                     /* 02e: jmp 0x2e */
    [0x40] = 0xb9, 0x58, 0x02, 0x00, 0x00,                   /* 040: mov ecx, 600 */
    0xff,          0xc9,                                     /* 045: dec ecx */
    0x75,          0xfc,                                     /* 047: jne 0x45 */
    0x48,          0xc7, 0xc0, 0x00, 0x10, 0x00, 0x10,       /* 049: mov rax, 0x10001000 */
    0x8b,          0x10,                                     /* 050: mov edx, [rax] */
    0x48,          0xc7, 0xc3, 0x00, 0x00, 0x20, 0x40,       /* 052: mov rbx, 0x40200000 */
    0x48,          0x89, 0x13,                               /* 059: mov [rbx], rdx */
    0x48,          0xc7, 0x43, 0x10, 0x01, 0x00, 0x00, 0x00, /* 05c: mov qword [rbx + 16], 1 */
    0xf4,                                                    /* 064: hlt */
    0xeb,          0xfd,                                     /* 065: jmp 0x64 */
};

/* Runs the spin program (`n` bytes of `code`) on two cores of `arch`,
 * bare, at the default quantum; checks that it ended "ok" with core 0
 * having yielded at its hint. Stores the setter's cycle in *set and the
 * cycle the spinner left in *left. Returns nothing. */
static void spin_on_two_cores(enum emu_arch_id arch, uint16_t e_machine, const void *code, size_t n,
                              uint64_t *set, uint64_t *left)
{
    static struct machine m;
    static struct tiny_elf p;
    struct trc_log log;
    uint32_t words[0x80 / 4] = {0};
    assert_true(n <= sizeof words);
    memcpy(words, code, n);
    size_t size = tiny_elf(&p, e_machine, ENTRY, words, sizeof words / 4);
    struct machine_config cfg = {.arch = arch, .max_cycles = 1000000, .ncores = 2, .bare = true};
    trc_log_init(&log);
    assert_int_equal(machine_init(&m, &cfg, &log), 0);
    assert_int_equal(m.cfg.core_quantum, MACHINE_CORE_QUANTUM_DEFAULT);
    assert_int_equal(machine_boot_elf(&m, (const uint8_t *)&p, size), 0);
    uint64_t top = MM_RAM_BASE + m.cfg.ram_size;
    assert_int_equal(machine_bare_start_core(&m, 1, ENTRY + SPIN_SETTER, top - (1u << 20)), 0);
    assert_int_equal(machine_run(&m), MACHINE_OK);
    assert_int_equal(m.core_state[1], MACHINE_CORE_WFI); /* the setter waits */
    *set = result(&m, 0);
    *left = result(&m, 8);
    assert_int_equal(result(&m, 16), 1);
    machine_destroy(&m);
    trc_log_free(&log);
}

static void a_core_spinning_with_the_hint_leaves_soon_after_the_store(void **state)
{
    (void)state;
    static const struct {
        enum emu_arch_id arch;
        uint16_t e_machine;
        const void *code;
        size_t n;
    } progs[] = {{EMU_ARCH_X86_64, EM_X86_64, x86_spin, sizeof x86_spin},
                 {EMU_ARCH_AARCH64, EM_AARCH64, a64_spin, sizeof a64_spin},
                 {EMU_ARCH_RISCV64, EM_RISCV, rv_spin, sizeof rv_spin}};
    int ran = 0;
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        if (!machine_arch_get(progs[i].arch))
            continue;
        uint64_t set[2], left[2];
        for (int run = 0; run < 2; run++)
            spin_on_two_cores(progs[i].arch, progs[i].e_machine, progs[i].code, progs[i].n,
                              &set[run], &left[run]);
        assert_int_equal(set[0], set[1]); /* deterministic */
        assert_int_equal(left[0], left[1]);
        print_message("%s: set at %llu, left at %llu\n", emu_arch_get(progs[i].arch)->name,
                      (unsigned long long)set[0], (unsigned long long)left[0]);
        assert_true(set[0] > 1000); /* the count-down ran: 1,200 instructions */
        /* it left within a spin step of the store (early: the setter's
         * slice ran up to a step past the spinner; late: the spinner ran
         * up to a step past the setter, and one more turn), where a spin
         * to the end of its slice would leave ~10,000 cycles late */
        assert_true(left[0] + MACHINE_SPIN_STEP >= set[0]);
        assert_true(left[0] < set[0] + 2 * MACHINE_SPIN_STEP);
        ran++;
    }
    if (!ran)
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_lowest_clock_runs_ties_to_the_lowest_id),
        cmocka_unit_test(a_start_request_answers_as_the_protocols_need),
        cmocka_unit_test(a_waiting_core_wakes_when_its_target_rises),
        cmocka_unit_test(an_ipi_rises_ipi_latency_cycles_after_its_write),
        cmocka_unit_test(a_waiting_core_is_ready_at_its_own_timer_deadline),
        cmocka_unit_test(core_1_takes_its_own_timer_interrupt_in_user_mode),
        cmocka_unit_test(a_waiting_core_wakes_at_its_own_timer_deadline),
        cmocka_unit_test(core_counts_outside_1_to_8_are_refused),
        cmocka_unit_test(a_spinning_core_and_the_others_take_turns_in_steps),
        cmocka_unit_test(a_core_spinning_with_the_hint_leaves_soon_after_the_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
