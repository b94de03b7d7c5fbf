/* tests/emu/test_x86_64.c: the x86_64 adapter's decoder on Capstone 5:
 * cmovcc reads its destination, push immediates keyed by size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <capstone/capstone.h>

#include "decode_fixture.h"

/* Decodes code[n] (one x86-64 instruction) into *in. */
static void decode(const uint8_t *code, size_t n, struct emu_insn *in)
{
    fixture_decode(EMU_ARCH_X86_64, code, n, in);
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
    assert_true(fixture_has(in.src, in.nsrc, X86_REG_RAX) &&
                fixture_has(in.src, in.nsrc, X86_REG_RCX));
    assert_true(fixture_has(in.src, in.nsrc, X86_REG_EFLAGS));
    assert_true(fixture_has(in.dst, in.ndst, X86_REG_RAX));
    static const uint8_t mov[] = {0x89, 0xc8}; /* mov eax, ecx: writes only */
    decode(mov, sizeof mov, &in);
    assert_false(fixture_has(in.src, in.nsrc, X86_REG_RAX));
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
