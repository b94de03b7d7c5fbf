/* machine/arch/aarch64_uc.c: start-up and run-time checks of what the
 * AArch64 board relies on inside Unicorn 2.1.1 (see aarch64_uc.h). */
#include "machine/arch/aarch64_uc.h"

#include <unicorn/arm64.h>

#include "abi/memmap.h"
#include "emu/timing.h"
#include "machine/arch.h"

/* Calibration code, two instruction pairs in the unused tail of the
 * boot-info page, restored afterwards. */
#define A64_CAL_ADDR (MM_BOOTINFO + MM_BOOTINFO_SIZE - 0x100)
#define A64_CAL_SIZE 16u
#define A64_CAL_SVC_IMM 0x1234u
#define A64_INSN_SVC(imm) (0xd4000001u | ((uint32_t)(imm) << 5))
#define A64_INSN_LDXR_X1_X0 0xc85f7c01u

/* API registers and where CPUARMState keeps them. */
static const struct uc_ctx_probe a64_layout_probes[] = {
    {UC_ARM64_REG_X0, "x0", A64_OFF_XREGS},
    {UC_ARM64_REG_PC, "pc", A64_OFF_PC},
    {UC_ARM64_REG_ELR_EL1, "ELR_EL1", A64_OFF_ELR_EL + 8},
    {UC_ARM64_REG_SP_EL0, "SP_EL0", A64_OFF_SP_EL},
    {UC_ARM64_REG_ESR_EL1, "ESR_EL1", A64_OFF_ESR_EL + 8},
    {UC_ARM64_REG_FAR_EL1, "FAR_EL1", A64_OFF_FAR_EL + 8},
    {UC_ARM64_REG_VBAR_EL1, "VBAR_EL1", A64_OFF_VBAR_EL + 8},
};

/* Returns as aarch64_uc.h says. */
bool a64_uc_excp_consistent(uint32_t intno, uint32_t esr, uint32_t target_el)
{
    if (target_el != 1)
        return false;
    uint32_t ec = A64_ESR_EC(esr);
    switch (intno) {
    case A64_EXCP_SWI:
        return ec == A64_EC_SVC64;
    case A64_EXCP_DATA_ABORT:
        return ec == A64_EC_DABT_LOW || ec == A64_EC_DABT_CUR;
    case A64_EXCP_PREFETCH_ABORT:
        return ec == A64_EC_IABT_LOW || ec == A64_EC_IABT_CUR;
    default:
        return true;
    }
}

/* Returns as aarch64_uc.h says. */
bool a64_uc_verify_layout(struct machine *m, struct emu_core *c, uc_context *ctx, uint64_t hcr_el2)
{
    if (!uc_ctx_check_size(m, c, ctx, A64_CTX_DATA_SIZE) ||
        !uc_ctx_check_probes(m, c, ctx, a64_layout_probes,
                             sizeof a64_layout_probes / sizeof a64_layout_probes[0]))
        return false;
    uint64_t pstate;
    if (!emu_reg_get(c, UC_ARM64_REG_PSTATE, &pstate))
        return false;
    uint64_t hcr = uc_ctx_get64(ctx, A64_OFF_HCR_EL2);
    uint32_t mode = uc_ctx_get32(ctx, A64_OFF_PSTATE) & 0xf,
             aarch64 = uc_ctx_get32(ctx, A64_OFF_AARCH64);
    if (hcr != hcr_el2 || mode != (pstate & 0xf) || aarch64 != 1) {
        machine_emu_failure(m, c,
                            "aarch64: CPU state layout check failed for HCR_EL2/pstate/aarch64 "
                            "at offsets %u/%u/%u (0x%llx, M 0x%x, aarch64 %u; PSTATE reads "
                            "0x%llx): not the Unicorn 2.1.1 this was built for",
                            A64_OFF_HCR_EL2, A64_OFF_PSTATE, A64_OFF_AARCH64,
                            (unsigned long long)hcr, mode, aarch64, (unsigned long long)pstate);
        return false;
    }
    return true;
}

/* Runs the instruction `insn` at `addr` (x0 = `x0`, a nop after it) and
 * records the exception it raised. Returns false after
 * machine_emu_failure. */
static bool calibrate_one(struct machine *m, struct emu_core *c, struct a64_uc_cal *cal,
                          uint64_t addr, uint32_t insn, uint64_t x0)
{
    uint32_t code[2] = {insn, 0xd503201fu /* nop */};
    if (!emu_mem_write(c, addr, code, sizeof code) || !emu_reg_write(c, UC_ARM64_REG_X0, x0))
        return false;
    cal->seen = 0;
    cal->on = true;
    EMU_UC(c, uc_emu_start(c->uc, addr, addr + sizeof code, 0, 0), fail);
    cal->on = false;
    if (c->host_error != UC_ERR_OK)
        return false; /* the hook's own Unicorn call failed */
    if (cal->seen != 1) {
        machine_emu_failure(m, c, "aarch64: calibration run: %u exceptions", cal->seen);
        return false;
    }
    return true;
fail:
    cal->on = false;
    return false;
}

/* Returns as aarch64_uc.h says. */
bool a64_uc_calibrate(struct machine *m, struct emu_core *c, struct a64_uc_cal *cal)
{
    uint8_t saved_mem[A64_CAL_SIZE];
    uc_context *saved = NULL;
    if (!emu_mem_read(c, A64_CAL_ADDR, saved_mem, sizeof saved_mem))
        return false;
    EMU_UC(c, uc_context_alloc(c->uc, &saved), fail_saved);
    EMU_UC(c, uc_context_save(c->uc, saved), fail_saved);
    uint64_t cycles = c->cycles, insns = c->instructions, charged[EMU_CHARGE_COUNT];
    uint32_t frac = c->frac;
    memcpy(charged, c->charged, sizeof charged);
    /* The calibration is not the guest's: nothing of it is attributed. */
    uint64_t *attr = c->attr;
    uint32_t attr_slot = c->attr_slot, attr_default = c->attr_default;
    int32_t (*attr_of)(void *, uint64_t) = c->attr_of;
    c->attr = &c->attr_none;
    c->attr_slot = c->attr_default = 0;
    c->attr_of = NULL;
    bool ok = false;
    uint64_t bad = A64_CAL_ADDR + 0x81;
    if (!calibrate_one(m, c, cal, A64_CAL_ADDR, A64_INSN_SVC(A64_CAL_SVC_IMM), 0))
        goto out;
    if (cal->intno != A64_EXCP_SWI || cal->target_el != 1 ||
        cal->syndrome != ((A64_EC_SVC64 << 26) | (1u << 25) | A64_CAL_SVC_IMM)) {
        machine_emu_failure(m, c,
                            "aarch64: svc calibration: exception %u, syndrome 0x%x, target EL %u "
                            "(offset %u): not Unicorn 2.1.1's CPU state layout",
                            cal->intno, cal->syndrome, cal->target_el, A64_OFF_EXC_SYNDROME);
        goto out;
    }
    if (!calibrate_one(m, c, cal, A64_CAL_ADDR + 8, A64_INSN_LDXR_X1_X0, bad))
        goto out;
    if (cal->intno != A64_EXCP_DATA_ABORT || cal->target_el != 1 ||
        A64_ESR_EC(cal->syndrome) != A64_EC_DABT_CUR || cal->vaddress != bad) {
        machine_emu_failure(m, c,
                            "aarch64: abort calibration: exception %u, syndrome 0x%x, address "
                            "0x%llx (offset %u, expected 0x%llx): not Unicorn 2.1.1's layout",
                            cal->intno, cal->syndrome, (unsigned long long)cal->vaddress,
                            A64_OFF_EXC_VADDRESS, (unsigned long long)bad);
        goto out;
    }
    ok = true;
out:
    c->cycles = cycles;
    c->instructions = insns;
    c->frac = frac;
    memcpy(c->charged, charged, sizeof charged);
    c->attr = attr;
    c->attr_slot = attr_slot;
    c->attr_default = attr_default;
    c->attr_of = attr_of;
    if (c->timing)
        tm_break_flow(c->timing);
    EMU_UC(c, uc_context_restore(c->uc, saved), fail_saved);
    if (!emu_mem_write(c, A64_CAL_ADDR, saved_mem, sizeof saved_mem))
        goto fail_saved;
    EMU_UC(c, uc_ctl_remove_cache(c->uc, A64_CAL_ADDR, A64_CAL_ADDR + A64_CAL_SIZE), fail_saved);
    (void)uc_context_free(saved); /* frees memory: cannot fail */
    return ok;
fail_saved:
    if (saved)
        (void)uc_context_free(saved);
    return false;
}
