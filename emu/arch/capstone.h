/* emu/arch/capstone.h: the Capstone handle the x86_64 and AArch64 adapters
 * decode with: detail on, one instruction buffer. */
#ifndef IPCEMU_EMU_ARCH_CAPSTONE_H
#define IPCEMU_EMU_ARCH_CAPSTONE_H

#include <capstone/capstone.h>

#include "emu/cpu.h"

struct emu_cs {
    csh h;
    cs_insn *insn;
    /* Capstone register id -> the register the timing model tracks for it
     * (a sub-register's parent; 0: no dependency). Identity after open. */
    uint16_t canon[EMU_REG_LIMIT];
};

/* Opens a handle for `arch`/`mode` with detail on; returns 0, or -1 with
 * nothing left open. */
int emu_cs_open(struct emu_cs *d, cs_arch arch, cs_mode mode);
void emu_cs_close(struct emu_cs *d);
/* Fills out->text (mnemonic and operands, as llvm-mc reads them) and the
 * registers `insn` reads and writes, through d->canon. */
void emu_cs_text_and_regs(const struct emu_cs *d, const cs_insn *insn, struct emu_insn *out);
/* struct emu_arch.decoder_close for adapters whose decoder state (in
 * c->decoder, from calloc) starts with a struct emu_cs. */
void emu_cs_decoder_close(struct emu_core *c);

#endif
