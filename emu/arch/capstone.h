/* emu/arch/capstone.h: the Capstone handle the x86_64 and AArch64 adapters
 * decode with: detail on, one instruction buffer. */
#ifndef IPCEMU_EMU_ARCH_CAPSTONE_H
#define IPCEMU_EMU_ARCH_CAPSTONE_H

#include <capstone/capstone.h>

struct emu_cs {
    csh h;
    cs_insn *insn;
};

/* Opens a handle for `arch`/`mode` with detail on; returns 0, or -1 with
 * nothing left open. */
int emu_cs_open(struct emu_cs *d, cs_arch arch, cs_mode mode);
void emu_cs_close(struct emu_cs *d);

#endif
