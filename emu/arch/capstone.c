/* emu/arch/capstone.c: see capstone.h. */
#include "emu/arch/capstone.h"

int emu_cs_open(struct emu_cs *d, cs_arch arch, cs_mode mode)
{
    if (cs_open(arch, mode, &d->h) != CS_ERR_OK)
        return -1;
    cs_option(d->h, CS_OPT_DETAIL, CS_OPT_ON);
    if (!(d->insn = cs_malloc(d->h))) {
        cs_close(&d->h);
        return -1;
    }
    return 0;
}

void emu_cs_close(struct emu_cs *d)
{
    cs_free(d->insn, 1);
    cs_close(&d->h);
}
