/* tests/emu/test_x86_64.c: the x86_64 adapter's decoder on Capstone 5:
 * cmovcc reads its destination, push immediates keyed by size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <capstone/capstone.h>

#include "emu/cpu.h"

/* Decodes code[n] (one instruction) into *in; fails the test when it does
 * not decode to exactly n bytes. */
static void decode(const uint8_t *code, size_t n, struct emu_insn *in)
{
    const struct emu_arch *a = emu_arch_get(EMU_ARCH_X86_64);
    struct emu_core c;
    memset(&c, 0, sizeof c);
    c.arch = a;
    assert_int_equal(a->decoder_open(&c), 0);
    memset(in, 0, sizeof *in);
    assert_int_equal(a->decode(&c, 0x40000000, code, n, in), n);
    a->decoder_close(&c);
}

/* Returns true when `reg` is among regs[n]. */
static bool has(const uint16_t *regs, unsigned n, unsigned reg)
{
    for (unsigned i = 0; i < n; i++)
        if (regs[i] == reg)
            return true;
    return false;
}

/* cmove eax, ecx keeps eax when ZF is clear: it reads rax (Capstone 5.0.7
 * says it only writes it), ecx and the flags. */
static void cmov_reads_its_destination(void **state)
{
    (void)state;
    static const uint8_t cmove[] = {0x0f, 0x44, 0xc1};
    struct emu_insn in;
    decode(cmove, sizeof cmove, &in);
    assert_string_equal(in.key, "cmove r32,r32");
    assert_true(has(in.src, in.nsrc, X86_REG_RAX) && has(in.src, in.nsrc, X86_REG_RCX));
    assert_true(has(in.src, in.nsrc, X86_REG_EFLAGS));
    assert_true(has(in.dst, in.ndst, X86_REG_RAX));
    static const uint8_t mov[] = {0x89, 0xc8}; /* mov eax, ecx: writes only */
    decode(mov, sizeof mov, &in);
    assert_false(has(in.src, in.nsrc, X86_REG_RAX));
}

/* push imm8 and push imm32 are different instructions to LLVM's models. */
static void push_immediates_keyed_by_size(void **state)
{
    (void)state;
    static const uint8_t push8[] = {0x6a, 0x07};
    static const uint8_t push32[] = {0x68, 0x78, 0x56, 0x34, 0x12};
    struct emu_insn in;
    decode(push8, sizeof push8, &in);
    assert_string_equal(in.key, "push i8");
    decode(push32, sizeof push32, &in);
    assert_string_equal(in.key, "push i32");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cmov_reads_its_destination),
        cmocka_unit_test(push_immediates_keyed_by_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
