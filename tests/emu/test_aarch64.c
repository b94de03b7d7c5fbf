/* tests/emu/test_aarch64.c: the AArch64 adapter's decoder on Capstone 5:
 * the table keys and the registers each instruction reads and writes, for
 * the forms Capstone 5 reports differently from Capstone 4 (x29/x30 as
 * fp/lr, the mov alias) or wrongly (cmp, tst, cbz, ret, svc). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <capstone/capstone.h>

#include "decode_fixture.h"

/* Decodes the A64 word `w` (stored little-endian) into *in. */
static void decode(uint32_t w, struct emu_insn *in)
{
    uint8_t code[4] = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24)};
    fixture_decode(EMU_ARCH_AARCH64, code, sizeof code, in);
}

/* stp x29, x30, [sp, #-16]!: Capstone 5 names x29 and x30 "fp" and "lr"
 * (their own register ids); the key has the shape Capstone 4 gave. */
static void frame_push_keys_as_x_registers(void **state)
{
    (void)state;
    struct emu_insn in;
    decode(0xa9bf7bfd, &in);
    assert_string_equal(in.key, "stp x,x,m!");
    assert_true(fixture_has(in.src, in.nsrc, ARM64_REG_X29) &&
                fixture_has(in.src, in.nsrc, ARM64_REG_X30));
    assert_true(fixture_has(in.src, in.nsrc, ARM64_REG_SP) &&
                fixture_has(in.dst, in.ndst, ARM64_REG_SP));
    assert_true(in.store);
    decode(0xa8c17bfd, &in); /* ldp x29, x30, [sp], #16 */
    assert_string_equal(in.key, "ldp x,x,m!,i");
    assert_true(fixture_has(in.dst, in.ndst, ARM64_REG_X29) &&
                fixture_has(in.dst, in.ndst, ARM64_REG_X30));
    decode(0xf94003fe, &in); /* ldr x30, [sp] */
    assert_string_equal(in.key, "ldr x,m");
    decode(0xd10043fd, &in); /* sub x29, sp, #16 */
    assert_string_equal(in.key, "sub x,x,i");
}

/* w29 and w30 are the low halves of x29 and x30: a write of w29 is a write
 * of the register x29 reads see. */
static void w29_folds_onto_x29(void **state)
{
    (void)state;
    struct emu_insn in;
    decode(0x2a0003fd, &in); /* mov w29, w0 (orr w29, wzr, w0) */
    assert_string_equal(in.key, "orr w,w,w");
    assert_int_equal(in.ndst, 1);
    assert_int_equal(in.dst[0], ARM64_REG_X29);
    assert_true(fixture_has(in.src, in.nsrc, ARM64_REG_X0));
    decode(0x0b1e03c0, &in); /* add w0, w30, w30 */
    assert_true(fixture_has(in.src, in.nsrc, ARM64_REG_X30));
}

/* Capstone 5 prints movz, movn, orr and add as "mov"; the key names the
 * instruction the encoding holds. */
static void mov_alias_keys_the_real_instruction(void **state)
{
    (void)state;
    static const struct {
        uint32_t w;
        const char *key;
    } cases[] = {
        {0xd2800020, "movz x,i"},  /* mov x0, #1 */
        {0x92800020, "movn x,i"},  /* mov x0, #-2 */
        {0x52800020, "movz w,i"},  /* mov w0, #1 */
        {0x32001fe0, "orr w,w,i"}, /* mov w0, #0xff */
        {0xaa0103e0, "orr x,x,x"}, /* mov x0, x1 */
        {0x910003fd, "add x,x,i"}, /* mov x29, sp */
        {0x9100001f, "add x,x,i"}, /* mov sp, x0 */
        {0x4ea11c20, "orr v,v,v"}, /* mov v0.16b, v1.16b */
        {0x0e0c3c20, "umov w,v"},  /* mov w0, v1.s[1] */
        {0xf2a00020, "movk x,i"},  /* movk x0, #1, lsl #16: not an alias */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct emu_insn in;
        decode(cases[i].w, &in);
        assert_string_equal(in.key, cases[i].key);
    }
    struct emu_insn in;
    decode(0xd2800020, &in); /* movz does not read its destination */
    assert_int_equal(in.nsrc, 0);
    assert_int_equal(in.ndst, 1);
}

/* cmp and tst read their operands and write only the flags; cbz does not
 * read the flags; ret reads x30; svc does not write x30. */
static void corrected_register_accesses(void **state)
{
    (void)state;
    struct emu_insn in;
    decode(0xf100003f, &in); /* cmp x1, #0 */
    assert_true(fixture_has(in.src, in.nsrc, ARM64_REG_X1));
    assert_int_equal(in.ndst, 1);
    assert_int_equal(in.dst[0], ARM64_REG_NZCV);
    decode(0x6a08003f, &in); /* tst w1, w8 */
    assert_true(fixture_has(in.src, in.nsrc, ARM64_REG_X1) &&
                fixture_has(in.src, in.nsrc, ARM64_REG_X8));
    assert_false(fixture_has(in.dst, in.ndst, ARM64_REG_X1));
    decode(0xb4000000, &in); /* cbz x0, . */
    assert_false(fixture_has(in.src, in.nsrc, ARM64_REG_NZCV));
    assert_true(fixture_has(in.src, in.nsrc, ARM64_REG_X0));
    decode(0x54000001, &in); /* b.ne . */
    assert_true(fixture_has(in.src, in.nsrc, ARM64_REG_NZCV));
    decode(0xd65f03c0, &in); /* ret */
    assert_true(fixture_has(in.src, in.nsrc, ARM64_REG_X30));
    assert_int_equal(in.flow, EMU_FLOW_RET);
    decode(0xd4000001, &in); /* svc #0 */
    assert_false(fixture_has(in.dst, in.ndst, ARM64_REG_X30));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frame_push_keys_as_x_registers),
        cmocka_unit_test(w29_folds_onto_x29),
        cmocka_unit_test(mov_alias_keys_the_real_instruction),
        cmocka_unit_test(corrected_register_accesses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
