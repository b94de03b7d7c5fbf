/* tests/emu/decode_fixture.c: see decode_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

#include <cmocka.h>

#include "decode_fixture.h"

void fixture_decode(enum emu_arch_id arch, const uint8_t *code, size_t n, struct emu_insn *in)
{
    const struct emu_arch *a = emu_arch_get(arch);
    struct emu_core c;
    memset(&c, 0, sizeof c);
    c.arch = a;
    assert_int_equal(a->decoder_open(&c), 0);
    memset(in, 0, sizeof *in);
    assert_int_equal(a->decode(&c, 0x40000000, code, n, in), n);
    a->decoder_close(&c);
}

bool fixture_has(const uint16_t *regs, unsigned n, unsigned reg)
{
    for (unsigned i = 0; i < n; i++)
        if (regs[i] == reg)
            return true;
    return false;
}
