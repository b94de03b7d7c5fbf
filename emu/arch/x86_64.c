/* emu/arch/x86_64.c: the x86_64 CPU adapter. Capstone counts instructions
 * (x86 encodings have variable length). */
#include <capstone/capstone.h>
#include <stdlib.h>

#include "emu/cpu.h"

#include <unicorn/x86.h>

/* Opens a Capstone x86-64 handle in c->decoder; returns 0 or -1. */
static int x86_decoder_open(struct emu_core *c)
{
    csh *h = malloc(sizeof *h);
    if (!h)
        return -1;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, h) != CS_ERR_OK) {
        free(h);
        return -1;
    }
    c->decoder = h;
    return 0;
}

static void x86_decoder_close(struct emu_core *c)
{
    cs_close(c->decoder);
    free(c->decoder);
    c->decoder = NULL;
}

/* Returns the number of instructions Capstone decodes in the block; bytes
 * it cannot decode count as one instruction (the CPU will trap on it). */
static uint32_t x86_count_insns(struct emu_core *c, uint64_t addr, const uint8_t *code, size_t size)
{
    csh h = *(csh *)c->decoder;
    cs_insn *insn = cs_malloc(h);
    uint32_t n = 0;
    if (!insn)
        return (uint32_t)(size / 4 + 1);
    const uint8_t *p = code;
    size_t left = size;
    uint64_t a = addr;
    while (left > 0) {
        if (!cs_disasm_iter(h, &p, &left, &a, insn)) {
            n++;
            break;
        }
        n++;
    }
    cs_free(insn, 1);
    return n;
}

const struct emu_arch emu_arch_x86_64 = {
    .id = EMU_ARCH_X86_64,
    .name = "x86_64",
    .uc_arch = UC_ARCH_X86,
    .uc_mode = UC_MODE_64,
    .uc_cpu_model = -1,
    .reg_pc = UC_X86_REG_RIP,
    .reg_sp = UC_X86_REG_RSP,
    .reg_arg0 = UC_X86_REG_RDI,
    .reg_arg1 = UC_X86_REG_RSI,
    .decoder_open = x86_decoder_open,
    .decoder_close = x86_decoder_close,
    .count_insns = x86_count_insns,
};
