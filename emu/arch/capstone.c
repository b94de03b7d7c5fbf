/* emu/arch/capstone.c: see capstone.h. */
#include "emu/arch/capstone.h"

#include <stdio.h>
#include <stdlib.h>

int emu_cs_open(struct emu_cs *d, cs_arch arch, cs_mode mode)
{
    if (cs_open(arch, mode, &d->h) != CS_ERR_OK)
        return -1;
    cs_option(d->h, CS_OPT_DETAIL, CS_OPT_ON);
    if (!(d->insn = cs_malloc(d->h))) {
        cs_close(&d->h);
        return -1;
    }
    for (unsigned id = 0; id < EMU_REG_LIMIT; id++)
        d->canon[id] = (uint16_t)id;
    return 0;
}

void emu_cs_close(struct emu_cs *d)
{
    cs_free(d->insn, 1);
    cs_close(&d->h);
}

void emu_cs_text_and_regs(const struct emu_cs *d, const cs_insn *insn, struct emu_insn *out)
{
    snprintf(out->text, sizeof out->text, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "",
             insn->op_str);
    cs_regs rd, wr;
    uint8_t nrd = 0, nwr = 0;
    if (cs_regs_access(d->h, insn, rd, &nrd, wr, &nwr) != CS_ERR_OK)
        return;
    for (uint8_t i = 0; i < nrd; i++)
        emu_insn_reads(out, rd[i] < EMU_REG_LIMIT ? d->canon[rd[i]] : 0);
    for (uint8_t i = 0; i < nwr; i++)
        emu_insn_writes(out, wr[i] < EMU_REG_LIMIT ? d->canon[wr[i]] : 0);
}

void emu_cs_decoder_close(struct emu_core *c)
{
    emu_cs_close(c->decoder);
    free(c->decoder);
    c->decoder = NULL;
}
