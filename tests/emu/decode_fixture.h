/* tests/emu/decode_fixture.h: what test_aarch64.c and test_x86_64.c share:
 * decoding one instruction with an adapter's decoder (no engine) and
 * looking a register up in what it reads or writes. */
#ifndef IPCEMU_TESTS_EMU_DECODE_FIXTURE_H
#define IPCEMU_TESTS_EMU_DECODE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/cpu.h"

/* Decodes code[n] with the decoder of `arch` into *in; fails the test
 * unless it decodes to exactly n bytes. */
void fixture_decode(enum emu_arch_id arch, const uint8_t *code, size_t n, struct emu_insn *in);
/* Returns true when `reg` is among regs[n]. */
bool fixture_has(const uint16_t *regs, unsigned n, unsigned reg);

#endif
