/* machine/arch/x86_64_uc.c: the x86_64 board's use of Unicorn 2.1.1's
 * CPUX86State (see x86_64_uc.h). */
#include "machine/arch/x86_64_uc.h"

#include <unicorn/x86.h>

#include "machine/arch.h"

/* Port of QEMU's cpu_x86_load_seg_cache: see x86_64_uc.h. */
void x86_uc_load_seg_cache(struct x86q_head *h, int seg, uint32_t selector, uint64_t base,
                           uint32_t limit, uint32_t flags)
{
    h->segs[seg] = (struct x86q_seg){selector, base, limit, flags};
    if (seg == X86_CS) {
        if ((h->hflags & HF_LMA_MASK) && (flags & DESC_L_MASK)) {
            h->hflags |= HF_CS32_MASK | HF_SS32_MASK | HF_CS64_MASK;
            h->hflags &= ~HF_ADDSEG_MASK;
        } else {
            uint32_t cs32 = (h->segs[X86_CS].flags & DESC_B_MASK) ? HF_CS32_MASK : 0;
            h->hflags = (h->hflags & ~(HF_CS32_MASK | HF_CS64_MASK)) | cs32;
        }
    }
    if (seg == X86_SS)
        h->hflags = (h->hflags & ~HF_CPL_MASK) | ((flags >> DESC_DPL_SHIFT) & 3);
    uint32_t nh = (h->segs[X86_SS].flags & DESC_B_MASK) ? HF_SS32_MASK : 0;
    if (h->hflags & HF_CS64_MASK) {
        /* zero base assumed for DS, ES and SS in long mode */
    } else if (!(h->cr[0] & CR0_PE) || (h->eflags & FL_VM) || !(h->hflags & HF_CS32_MASK)) {
        nh |= HF_ADDSEG_MASK;
    } else if ((h->segs[X86_DS].base | h->segs[X86_ES].base | h->segs[X86_SS].base) != 0) {
        nh |= HF_ADDSEG_MASK;
    }
    h->hflags = (h->hflags & ~(HF_SS32_MASK | HF_ADDSEG_MASK)) | nh;
}

/* Checks the mirrored layout against the register API on a stopped core:
 * writes known values through the API, saves the state into ctx and
 * compares. Returns true when every field matched; else says which in
 * *what (a failed Unicorn call is recorded on the core). The state is
 * restored afterwards. */
static bool verify_fields(struct emu_core *c, uc_context *ctx, size_t tail_off, const char **what)
{
    static const int gprs[16] = {
        UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
        UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,
        UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
        UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
    };
    uc_context *orig = NULL;
    bool ok = false;
    *what = "the saved state";
    EMU_UC(c, uc_context_alloc(c->uc, &orig), out);
    EMU_UC(c, uc_context_save(c->uc, orig), out);
    /* Reset state: CPL 0, protected long mode, nothing in flight. */
    struct x86q_head h0;
    struct x86q_tail t0;
    memcpy(&h0, uc_ctx_state(orig), sizeof h0);
    memcpy(&t0, uc_ctx_state(orig) + tail_off, X86_TAIL_LEN);
    uint32_t need = HF_PE_MASK | HF_LMA_MASK | HF_CS64_MASK | HF_CS32_MASK | HF_SS32_MASK;
    *what = "hflags at reset";
    if ((h0.hflags & need) != need || (h0.hflags & HF_CPL_MASK) != 0)
        goto out;
    *what = "error_code/exception_is_int/old_exception at reset";
    if (t0.old_exception != -1 || t0.exception_is_int != 0 || t0.error_code != 0)
        goto out;
    uc_x86_msr efer = {.rid = MSR_EFER};
    uint64_t cr0;
    if (!emu_reg_get_raw(c, UC_X86_REG_MSR, &efer) || !emu_reg_get(c, UC_X86_REG_CR0, &cr0))
        goto out;
    *what = "efer / cr0";
    if (efer.value != h0.efer || !(h0.efer & EFER_LMA) || !(h0.efer & EFER_LME) || cr0 != h0.cr[0])
        goto out;
    /* Known values through the API, read back from the saved state. */
    for (int i = 0; i < 16; i++)
        if (!emu_reg_write(c, gprs[i],
                           0x1000000000000001ULL * (uint64_t)(i + 1) + 0x10ULL * (uint64_t)i))
            goto out;
    uint64_t rip = 0x4012345678ULL, rflags = 0x2 | 0x1 | 0x40 | 0x800, cr2 = 0x7654321000ULL;
    uint16_t cs = 0x1234, ss = 0x2345;
    uc_x86_mmr idtr = {.base = 0x11223344556600ULL, .limit = 0xfff};
    uc_x86_mmr gdtr = {.base = 0x66554433221100ULL, .limit = 0x37};
    uc_x86_mmr tr = {.selector = 0x28, .base = 0x99887766554400ULL, .limit = 0x67, .flags = 0x8b00};
    if (!emu_reg_write(c, UC_X86_REG_RIP, rip) || !emu_reg_write(c, UC_X86_REG_RFLAGS, rflags) ||
        !emu_reg_write(c, UC_X86_REG_CR2, cr2) || !emu_reg_set_raw(c, UC_X86_REG_CS, &cs) ||
        !emu_reg_set_raw(c, UC_X86_REG_SS, &ss) || !emu_reg_set_raw(c, UC_X86_REG_IDTR, &idtr) ||
        !emu_reg_set_raw(c, UC_X86_REG_GDTR, &gdtr) || !emu_reg_set_raw(c, UC_X86_REG_TR, &tr))
        goto out;
    EMU_UC(c, uc_context_save(c->uc, ctx), out);
    struct x86q_head h;
    memcpy(&h, uc_ctx_state(ctx), sizeof h);
    *what = "general registers";
    for (int i = 0; i < 16; i++)
        if (h.regs[i] != 0x1000000000000001ULL * (uint64_t)(i + 1) + 0x10ULL * (uint64_t)i)
            goto out;
    *what = "rip / rflags / cr2";
    if (h.eip != rip || h.eflags != rflags || h.cr[2] != cr2)
        goto out;
    *what = "CS / SS selectors";
    if (h.segs[X86_CS].selector != cs || h.segs[X86_SS].selector != ss)
        goto out;
    *what = "IDTR / GDTR / TR";
    if (h.idt.base != idtr.base || h.idt.limit != idtr.limit || h.gdt.base != gdtr.base ||
        h.gdt.limit != gdtr.limit || h.tr.base != tr.base || h.tr.limit != tr.limit ||
        h.tr.selector != tr.selector || h.tr.flags != tr.flags)
        goto out;
    *what = "hflags after the writes";
    if (h.hflags != h0.hflags || h.efer != h0.efer)
        goto out;
    ok = true;
out:
    if (orig) {
        EMU_UC(c, uc_context_restore(c->uc, orig), restored);
    restored:
        (void)uc_context_free(orig); /* frees memory: cannot fail */
    }
    return ok && c->host_error == UC_ERR_OK;
}

/* Returns as x86_64_uc.h says. */
bool x86_uc_verify_layout(struct machine *m, struct emu_core *c, uc_context *ctx, size_t *tail_off)
{
    /* The size is not pinned: the tail is found from the end. */
    size_t size = uc_ctx_check_size(m, c, ctx, 0);
    if (!size)
        return false;
    if (size < sizeof(struct x86q_head) + X86_TAIL_LEN) {
        machine_emu_failure(m, c, "x86_64: saved CPU state of %zu bytes is too small", size);
        return false;
    }
    *tail_off = size - X86_TAIL_LEN;
    const char *why;
    if (verify_fields(c, ctx, *tail_off, &why))
        return true;
    if (c->host_error == UC_ERR_OK)
        machine_emu_failure(m, c,
                            "x86_64: the installed Unicorn's CPU state layout is not unicorn "
                            "2.1.1's (%s); trap entry cannot be emulated",
                            why);
    return false;
}
