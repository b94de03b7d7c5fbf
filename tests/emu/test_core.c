/* tests/emu/test_core.c: the neutral core: block-hook instruction counts
 * and cycle clock, deadline stops, idle detection, on real Unicorn engines
 * running hand-assembled code; failed Unicorn calls through EMU_UC and the
 * checked wrappers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "emu/cpu.h"

#define BASE 0x40000000ULL

static void open_with_code(struct emu_core *c, enum emu_arch_id arch, const void *code, size_t n)
{
    assert_int_equal(emu_core_open(c, emu_arch_get(arch), 0, NULL), UC_ERR_OK);
    assert_int_equal(uc_mem_map(c->uc, BASE, 0x10000, UC_PROT_ALL), UC_ERR_OK);
    assert_int_equal(uc_mem_write(c->uc, BASE, code, n), UC_ERR_OK);
    assert_true(emu_reg_write(c, c->arch->reg_pc, BASE));
}

/* x86-64: 5 nops of different lengths then hlt: 6 instructions, idle. */
static void x86_counts_variable_length_instructions(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x90,                   /* nop */
        0x66, 0x90,             /* xchg ax, ax */
        0x0f, 0x1f, 0x00,       /* nop dword [rax] */
        0x0f, 0x1f, 0x40, 0x00, /* nop dword [rax+0] */
        0x48, 0x89, 0xc0,       /* mov rax, rax */
        0xf4,                   /* hlt */
    };
    struct emu_core c;
    open_with_code(&c, EMU_ARCH_X86_64, code, sizeof code);
    assert_int_equal(emu_core_run(&c), EMU_STOP_IDLE);
    assert_int_equal(c.instructions, 6);
    assert_int_equal(c.cycles, 6);
    assert_true(emu_pc(&c) == BASE + sizeof code);
    emu_core_close(&c);
}

/* RISC-V: compressed and full-size instructions, then wfi (4 bytes). */
static void riscv_counts_compressed_instructions(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x01, 0x00,             /* c.nop */
        0x13, 0x00, 0x00, 0x00, /* addi x0, x0, 0 */
        0x05, 0x05,             /* c.addi a0, 1 */
        0x73, 0x00, 0x50, 0x10, /* wfi */
    };
    struct emu_core c;
    open_with_code(&c, EMU_ARCH_RISCV64, code, sizeof code);
    assert_int_equal(emu_core_run(&c), EMU_STOP_IDLE);
    assert_int_equal(c.instructions, 4);
    assert_int_equal(emu_reg_read(&c, UC_RISCV_REG_A0), 1);
    emu_core_close(&c);
}

/* AArch64: two blocks that share an entry of the block hook's
 * direct-mapped table (BASE and BASE + 0x4004) jumping to each other: each
 * pushes the other out, and every block is still found and charged once. */
static void blocks_sharing_a_table_entry_are_both_charged(void **state)
{
    (void)state;
    static const uint8_t there[] = {0x01, 0x10, 0x00, 0x14}; /* b .+0x4004 */
    static const uint8_t back[] = {0xff, 0xef, 0xff, 0x17};  /* b .-0x4004 */
    struct emu_core c;
    open_with_code(&c, EMU_ARCH_AARCH64, there, sizeof there);
    assert_int_equal(uc_mem_write(c.uc, BASE + 0x4004, back, sizeof back), UC_ERR_OK);
    c.deadline = 10001;
    assert_int_equal(emu_core_run(&c), EMU_STOP_DEADLINE);
    assert_true(c.cycles == 10001 && c.instructions == 10001);
    assert_int_equal(c.blocks.used, 2);
    assert_true(c.blocks.blocks[0].execs == 5001 && c.blocks.blocks[1].execs == 5000);
    emu_core_close(&c);
}

/* AArch64: an endless loop `b .` stops at the deadline, deterministically. */
static void an_endless_loop_stops_at_the_deadline(void **state)
{
    (void)state;
    static const uint8_t code[] = {0x00, 0x00, 0x00, 0x14}; /* b . */
    uint64_t cycles[2];
    for (int run = 0; run < 2; run++) {
        struct emu_core c;
        open_with_code(&c, EMU_ARCH_AARCH64, code, sizeof code);
        c.deadline = 100000;
        assert_int_equal(emu_core_run(&c), EMU_STOP_DEADLINE);
        assert_true(c.cycles >= 100000 && c.cycles < 100000 + 2);
        assert_true(c.instructions == c.cycles);
        cycles[run] = c.cycles;
        /* A second run goes on from where it stopped. */
        c.deadline = 200000;
        assert_int_equal(emu_core_run(&c), EMU_STOP_DEADLINE);
        assert_true(c.cycles >= 200000);
        emu_core_close(&c);
    }
    assert_true(cycles[0] == cycles[1]);
}

/* What is charged is what ran: a RISC-V loop of two-instruction blocks
 * (addi a0, a0, 1; j .-4) counts its iterations in a0; after each stop,
 * a0 == instructions / 2, and the core stops at the first block boundary
 * at or after the deadline. */
static void charged_blocks_are_exactly_the_blocks_that_ran(void **state)
{
    (void)state;
    static const uint8_t code[] = {0x13, 0x05, 0x15, 0x00, 0xf5, 0xbf}; /* addi; c.j -4 */
    struct emu_core c;
    open_with_code(&c, EMU_ARCH_RISCV64, code, sizeof code);
    for (uint64_t deadline = 1; deadline < 5000; deadline += 777) {
        c.deadline = deadline;
        assert_int_equal(emu_core_run(&c), EMU_STOP_DEADLINE);
        assert_true(c.cycles >= deadline && c.cycles < deadline + 2);
        assert_int_equal(emu_reg_read(&c, UC_RISCV_REG_A0) * 2, c.instructions);
        assert_true(emu_pc(&c) == BASE);
    }
    emu_core_close(&c);
}

static void the_flat_cost_scales_the_clock(void **state)
{
    (void)state;
    static const uint8_t code[] = {0x90, 0x90, 0x90, 0xf4};
    struct emu_core c;
    open_with_code(&c, EMU_ARCH_X86_64, code, sizeof code);
    c.cycles_per_insn = 3;
    emu_core_charge(&c, EMU_CHARGE_TRAP, 10);
    assert_int_equal(emu_core_run(&c), EMU_STOP_IDLE);
    assert_int_equal(c.instructions, 4);
    assert_int_equal(c.cycles, 10 + 12);
    emu_core_close(&c);
}

/* A failed register access through the checked wrappers is an error,
 * never a silent 0: an id outside the architecture (which Unicorn 2.0.1
 * itself accepts) is refused with UC_ERR_ARG, recorded with the caller's
 * call site, and the core's next run ends with EMU_STOP_ERROR. */
static void a_failed_register_access_is_an_error_with_its_call_site(void **state)
{
    (void)state;
    static const uint8_t code[] = {0x90, 0xf4}; /* nop; hlt */
    struct emu_core c;
    open_with_code(&c, EMU_ARCH_X86_64, code, sizeof code);
    uint64_t v = 0x1234;
    int line = __LINE__ + 1;
    assert_false(emu_reg_get(&c, UC_X86_REG_ENDING, &v));
    assert_int_equal(v, 0);
    assert_int_equal(c.host_error, UC_ERR_ARG);
    char site[64];
    snprintf(site, sizeof site, "test_core.c:%d: ", line);
    assert_non_null(strstr(c.host_error_why, site));
    assert_non_null(strstr(c.host_error_why, "uc_reg_read"));
    assert_non_null(strstr(c.host_error_why, uc_strerror(UC_ERR_ARG)));
    /* The first failure is the one reported. */
    assert_false(emu_reg_write(&c, -1, 7));
    assert_non_null(strstr(c.host_error_why, site));
    assert_int_equal(emu_core_run(&c), EMU_STOP_ERROR);
    assert_int_equal(c.uc_error, UC_ERR_ARG);
    assert_int_equal(c.instructions, 0); /* nothing ran after the failure */
    emu_core_close(&c);

    /* emu_reg_read has no way to say "failed" but its record: 0 and the
     * error, here for register 0 (UC_*_REG_INVALID). */
    open_with_code(&c, EMU_ARCH_RISCV64, code, sizeof code);
    assert_int_equal(emu_reg_read(&c, 0), 0);
    assert_int_equal(c.host_error, UC_ERR_ARG);
    assert_non_null(strstr(c.host_error_why, "test_core.c:"));
    emu_core_close(&c);
}

/* Returns -1 after a Unicorn call that EMU_UC saw fail, 0 otherwise. */
static int write_through_emu_uc(struct emu_core *c, uint64_t addr, int *line)
{
    uint8_t byte = 1;
    *line = __LINE__ + 1;
    EMU_UC(c, uc_mem_write(c->uc, addr, &byte, 1), fail);
    return 0;
fail:
    return -1;
}

/* EMU_UC jumps to the cleanup label on a failed call and records it with
 * the call's text and site; memory outside RAM is an error for
 * emu_mem_write but an answer for emu_mem_peek. */
static void emu_uc_records_the_call_and_jumps_to_cleanup(void **state)
{
    (void)state;
    static const uint8_t code[] = {0x00, 0x00, 0x00, 0x14}; /* b . */
    struct emu_core c;
    open_with_code(&c, EMU_ARCH_AARCH64, code, sizeof code);
    int line;
    assert_int_equal(write_through_emu_uc(&c, BASE, &line), 0);
    assert_int_equal(c.host_error, UC_ERR_OK);
    uint8_t b;
    assert_false(emu_mem_peek(&c, 0x1000, &b, 1)); /* no RAM: not an error */
    assert_int_equal(c.host_error, UC_ERR_OK);
    assert_int_equal(write_through_emu_uc(&c, 0x1000, &line), -1);
    assert_int_equal(c.host_error, UC_ERR_WRITE_UNMAPPED);
    char site[96];
    snprintf(site, sizeof site, "test_core.c:%d: uc_mem_write(c->uc, addr, &byte, 1) failed", line);
    assert_non_null(strstr(c.host_error_why, site));
    assert_int_equal(emu_core_run(&c), EMU_STOP_ERROR);
    emu_core_close(&c);

    open_with_code(&c, EMU_ARCH_AARCH64, code, sizeof code);
    assert_false(emu_mem_write(&c, 0x1000, &b, 1));
    assert_int_equal(c.host_error, UC_ERR_WRITE_UNMAPPED);
    assert_non_null(strstr(c.host_error_why, "uc_mem_write(0x1000, 1 bytes)"));
    emu_core_close(&c);
}

/* A core whose engine cannot open says which call failed, where (a path
 * relative to the source tree), and why; nothing stays allocated. */
static void a_failed_open_names_its_call_site(void **state)
{
    (void)state;
    struct emu_arch bad = emu_arch_riscv64;
    bad.uc_arch = UC_ARCH_MAX;
    struct emu_core c;
    assert_int_equal(emu_core_open(&c, &bad, 0, NULL), UC_ERR_ARCH);
    assert_null(c.uc);
    assert_int_equal(strncmp(c.host_error_why, "emu/core.c:", 11), 0);
    assert_non_null(strstr(c.host_error_why, "uc_open("));
    assert_non_null(strstr(c.host_error_why, uc_strerror(UC_ERR_ARCH)));
    emu_core_close(&c);
}

static void architectures_are_found_by_name(void **state)
{
    (void)state;
    assert_ptr_equal(emu_arch_by_name("x86_64"), &emu_arch_x86_64);
    assert_ptr_equal(emu_arch_by_name("aarch64"), &emu_arch_aarch64);
    assert_ptr_equal(emu_arch_by_name("riscv64"), &emu_arch_riscv64);
    assert_null(emu_arch_by_name("mips"));
    assert_null(emu_arch_get(EMU_ARCH_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(x86_counts_variable_length_instructions),
        cmocka_unit_test(riscv_counts_compressed_instructions),
        cmocka_unit_test(an_endless_loop_stops_at_the_deadline),
        cmocka_unit_test(blocks_sharing_a_table_entry_are_both_charged),
        cmocka_unit_test(charged_blocks_are_exactly_the_blocks_that_ran),
        cmocka_unit_test(the_flat_cost_scales_the_clock),
        cmocka_unit_test(a_failed_register_access_is_an_error_with_its_call_site),
        cmocka_unit_test(emu_uc_records_the_call_and_jumps_to_cleanup),
        cmocka_unit_test(a_failed_open_names_its_call_site),
        cmocka_unit_test(architectures_are_found_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
