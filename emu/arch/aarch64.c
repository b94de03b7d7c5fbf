/* emu/arch/aarch64.c: the AArch64 CPU adapter (Cortex-A72 model). A64
 * instructions are 4 bytes each; Capstone (with detail) decodes them once
 * per block for the timing model. */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu/arch/capstone.h"
#include "emu/cpu.h"

#include <unicorn/arm64.h>

struct a64_decoder {
    struct emu_cs cs;
};

_Static_assert(ARM64_REG_ENDING <= EMU_REG_LIMIT, "register ids index emu_cs.canon");

static uint16_t a64_canon(unsigned reg);

static int a64_decoder_open(struct emu_core *c)
{
    struct a64_decoder *d = calloc(1, sizeof *d);
    if (!d || emu_cs_open(&d->cs, CS_ARCH_ARM64, CS_MODE_ARM) != 0) {
        free(d);
        return -1;
    }
    for (unsigned id = 0; id < ARM64_REG_ENDING; id++)
        d->cs.canon[id] = a64_canon(id);
    c->decoder = d;
    return 0;
}

/* Folds w<n> onto x<n> and wsp onto sp; the zero registers are no
 * dependency (returns 0). Capstone 5 numbers x29 and x30 apart from
 * x0-x28 (ARM64_REG_X29 is ARM64_REG_FP, ARM64_REG_X30 is ARM64_REG_LR), so
 * w29 and w30 fold onto those, not onto X0 + 29 and X0 + 30. */
static uint16_t a64_canon(unsigned reg)
{
    if (reg == ARM64_REG_W29)
        return ARM64_REG_X29;
    if (reg == ARM64_REG_W30)
        return ARM64_REG_X30;
    if (reg >= ARM64_REG_W0 && reg <= ARM64_REG_W28)
        return (uint16_t)(ARM64_REG_X0 + (reg - ARM64_REG_W0));
    if (reg == ARM64_REG_WSP)
        return ARM64_REG_SP;
    if (reg == ARM64_REG_WZR || reg == ARM64_REG_XZR)
        return 0;
    return (uint16_t)reg;
}

/* Returns the kind of register `reg` in a table key: 'x' for a 64-bit
 * general register (x0-x28, fp, lr, sp, xzr: Capstone 5 names x29 and x30
 * "fp" and "lr"), 'w' for a 32-bit one (w0-w30, wsp, wzr), else the first
 * letter of its name (b, h, s, d, q, v; z, p for SVE). */
static char a64_reg_kind(csh h, unsigned reg)
{
    if ((reg >= ARM64_REG_X0 && reg <= ARM64_REG_X28) || reg == ARM64_REG_X29 ||
        reg == ARM64_REG_X30 || reg == ARM64_REG_SP || reg == ARM64_REG_XZR)
        return 'x';
    if ((reg >= ARM64_REG_W0 && reg <= ARM64_REG_W30) || reg == ARM64_REG_WSP ||
        reg == ARM64_REG_WZR)
        return 'w';
    const char *name = cs_reg_name(h, reg);
    return name && name[0] ? name[0] : '?';
}

/* The operand kind in a table key: x, w, v, m, m!, i, sys, ... */
static void operand_kind(const struct a64_decoder *d, const cs_arm64_op *op, bool wb, char *out,
                         size_t n)
{
    switch (op->type) {
    case ARM64_OP_REG:
        snprintf(out, n, "%c%s", a64_reg_kind(d->cs.h, op->reg),
                 op->shift.type || op->ext ? "s" : "");
        break;
    case ARM64_OP_MEM:
        /* base + register offset (maybe scaled) costs more than base + imm */
        snprintf(out, n, "m%s%s%s", op->mem.index ? "r" : "",
                 op->mem.index && (op->shift.type || op->ext) ? "s" : "", wb ? "!" : "");
        break;
    case ARM64_OP_IMM:
    case ARM64_OP_CIMM:
    case ARM64_OP_FP:
        snprintf(out, n, "i");
        break;
    default:
        snprintf(out, n, "sys");
        break;
    }
}

/* The instruction a "mov" stands for. Capstone 5 prints the alias and
 * reports ARM64_INS_MOV for movz, movn, orr (immediate, register, vector),
 * add (to or from sp), umov, ins and dup alike, and has no option to turn
 * aliases off; their costs differ on some cores, so the table key names
 * the real instruction, told apart by its encoding. `extra` is the operand
 * the alias hides: 'z' the zero register after the destination, 'i' an
 * immediate #0 at the end, 'r' the source again (orr v, v, v), 0 none. */
struct a64_real {
    const char *mnemonic;
    char extra;
};

/* Returns the instruction the mov alias with encoding `w` stands for
 * ({NULL, 0} for an encoding not listed: the key keeps "mov"). */
static struct a64_real a64_mov_real(uint32_t w)
{
    static const struct {
        uint32_t mask, match;
        struct a64_real real;
    } forms[] = {
        {0x7f800000, 0x52800000, {"movz", 0}},  /* mov x, #imm (movz) */
        {0x7f800000, 0x12800000, {"movn", 0}},  /* mov x, #-imm (movn) */
        {0x7f800000, 0x32000000, {"orr", 'z'}}, /* mov x, #bitmask (orr x, xzr, #imm) */
        {0x7f200000, 0x2a000000, {"orr", 'z'}}, /* mov x, x (orr x, xzr, x) */
        {0x7f800000, 0x11000000, {"add", 'i'}}, /* mov x, sp (add x, sp, #0) */
        {0xbfe0fc00, 0x0ea01c00, {"orr", 'r'}}, /* mov v.16b, v.16b (orr v, v, v) */
        {0xbfe0fc00, 0x0e003c00, {"umov", 0}},  /* mov w, v.s[i] */
        {0xffe0fc00, 0x4e001c00, {"ins", 0}},   /* mov v.s[i], w */
        {0xffe08400, 0x6e000400, {"ins", 0}},   /* mov v.s[i], v.s[j] */
        {0xffe0fc00, 0x5e000400, {"dup", 0}},   /* mov s, v.s[i] */
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if ((w & forms[i].mask) == forms[i].match)
            return forms[i].real;
    return (struct a64_real){NULL, 0};
}

/* Writes the table key of `insn` into key[n]: the mnemonic of the real
 * instruction, then the kind of each operand. */
static void a64_key(const struct a64_decoder *d, const cs_insn *insn, char *key, size_t n)
{
    const cs_arm64 *x = &insn->detail->arm64;
    struct a64_real real = {insn->mnemonic, 0};
    if (insn->id == ARM64_INS_MOV) {
        uint32_t w = (uint32_t)insn->bytes[0] | (uint32_t)insn->bytes[1] << 8 |
                     (uint32_t)insn->bytes[2] << 16 | (uint32_t)insn->bytes[3] << 24;
        struct a64_real r = a64_mov_real(w);
        if (r.mnemonic)
            real = r;
    }
    int k = snprintf(key, n, "%s", real.mnemonic);
    char kind[16] = "", first[16] = "";
    for (uint8_t i = 0; i < x->op_count && k > 0 && (size_t)k < n; i++) {
        operand_kind(d, &x->operands[i], x->writeback, kind, sizeof kind);
        if (i == 0)
            snprintf(first, sizeof first, "%.1s", kind);
        k += snprintf(key + k, n - (size_t)k, "%s%s", i ? "," : " ", kind);
        if (i == 0 && real.extra == 'z' && k > 0 && (size_t)k < n)
            k += snprintf(key + k, n - (size_t)k, ",%s", first);
    }
    if ((real.extra == 'i' || real.extra == 'r') && k > 0 && (size_t)k < n)
        snprintf(key + k, n - (size_t)k, ",%s", real.extra == 'i' ? "i" : kind);
}

static void a64_flow(const cs_insn *insn, struct emu_insn *out)
{
    const cs_arm64 *a = &insn->detail->arm64;
    const cs_arm64_op *last = a->op_count ? &a->operands[a->op_count - 1] : NULL;
    bool imm = last && last->type == ARM64_OP_IMM;
    switch (insn->id) {
    case ARM64_INS_B:
        out->flow =
            a->cc != ARM64_CC_INVALID && a->cc != ARM64_CC_AL ? EMU_FLOW_COND : EMU_FLOW_JUMP;
        break;
    case ARM64_INS_CBZ:
    case ARM64_INS_CBNZ:
    case ARM64_INS_TBZ:
    case ARM64_INS_TBNZ:
        out->flow = EMU_FLOW_COND;
        break;
    case ARM64_INS_BR:
        out->flow = EMU_FLOW_INDIRECT;
        break;
    case ARM64_INS_BL:
        out->flow = EMU_FLOW_CALL;
        break;
    case ARM64_INS_BLR:
        out->flow = EMU_FLOW_CALL_INDIRECT;
        break;
    case ARM64_INS_RET:
        out->flow = EMU_FLOW_RET;
        break;
    case ARM64_INS_ERET:
        out->flow = EMU_FLOW_XRET;
        break;
    case ARM64_INS_SVC:
    case ARM64_INS_HVC:
    case ARM64_INS_SMC:
    case ARM64_INS_BRK:
        out->flow = EMU_FLOW_TRAP;
        break;
    default:
        break;
    }
    if (imm &&
        (out->flow == EMU_FLOW_COND || out->flow == EMU_FLOW_JUMP || out->flow == EMU_FLOW_CALL))
        out->target = (uint64_t)last->imm;
}

/* Removes `reg` from regs[*n] (when present). */
static void a64_drop(uint16_t *regs, uint8_t *n, uint16_t reg)
{
    uint8_t k = 0;
    for (uint8_t i = 0; i < *n; i++)
        if (regs[i] != reg)
            regs[k++] = regs[i];
    *n = k;
}

/* Corrects the registers Capstone's cs_regs_access reports wrongly for
 * A64 (4.0.2 and 5.0.7 alike unless said): cmp and tst (subs and ands
 * into the zero register) read their register operands, Capstone says the
 * first is written; cbz and cbnz do not read the flags (5.0.7 says they
 * do); ret reads its register (x30 when none is written), Capstone says
 * nothing; svc, hvc, smc and brk do not write x30. */
static void a64_fix_regs(const struct a64_decoder *d, const cs_insn *insn, struct emu_insn *out)
{
    const cs_arm64 *x = &insn->detail->arm64;
    switch (insn->id) {
    case ARM64_INS_CMP:
    case ARM64_INS_TST:
        for (uint8_t i = 0; i < x->op_count; i++)
            if (x->operands[i].type == ARM64_OP_REG) {
                uint16_t r = d->cs.canon[x->operands[i].reg];
                a64_drop(out->dst, &out->ndst, r);
                emu_insn_reads(out, r);
            }
        break;
    case ARM64_INS_CBZ:
    case ARM64_INS_CBNZ:
        a64_drop(out->src, &out->nsrc, ARM64_REG_NZCV);
        break;
    case ARM64_INS_RET:
        emu_insn_reads(out, x->op_count && x->operands[0].type == ARM64_OP_REG
                                ? d->cs.canon[x->operands[0].reg]
                                : ARM64_REG_X30);
        break;
    case ARM64_INS_SVC:
    case ARM64_INS_HVC:
    case ARM64_INS_SMC:
    case ARM64_INS_BRK:
        a64_drop(out->dst, &out->ndst, ARM64_REG_X30);
        break;
    default:
        break;
    }
}

static unsigned a64_decode(struct emu_core *c, uint64_t addr, const uint8_t *code, size_t size,
                           struct emu_insn *out)
{
    struct a64_decoder *d = c->decoder;
    cs_insn *insn = d->cs.insn;
    const uint8_t *p = code;
    size_t left = size < 4 ? size : 4;
    uint64_t a = addr;
    out->addr = addr;
    if (!cs_disasm_iter(d->cs.h, &p, &left, &a, insn))
        return 0;
    const cs_arm64 *x = &insn->detail->arm64;
    out->len = 4;
    a64_key(d, insn, out->key, sizeof out->key);
    for (uint8_t i = 0; i < x->op_count; i++)
        if (x->operands[i].type == ARM64_OP_MEM) {
            out->load |= (x->operands[i].access & CS_AC_READ) != 0;
            out->store |= (x->operands[i].access & CS_AC_WRITE) != 0;
        }
    emu_cs_text_and_regs(&d->cs, insn, out);
    if (x->update_flags)
        emu_insn_writes(out, ARM64_REG_NZCV);
    if (x->cc != ARM64_CC_INVALID && x->cc != ARM64_CC_AL)
        emu_insn_reads(out, ARM64_REG_NZCV);
    a64_fix_regs(d, insn, out);
    a64_flow(insn, out);
    if (strcmp(insn->mnemonic, "msr") == 0 && strncasecmp(insn->op_str, "ttbr0_el1", 9) == 0)
        out->special = EMU_SPECIAL_ROOT;
    if (strcmp(insn->mnemonic, "tlbi") == 0)
        out->special = EMU_SPECIAL_TLB_FLUSH;
    if (insn->id == ARM64_INS_YIELD || strcmp(insn->mnemonic, "yield") == 0)
        out->special = EMU_SPECIAL_SPIN;
    return out->len;
}

/* UC_HOOK_INSN_INVALID: Unicorn 2.1.1 ends a translation block at
 * `yield` and raises EXCP_YIELD, one of its "stop" exceptions: without a
 * hook that takes it the run stops with UC_ERR_INSN_INVALID. The yield
 * ran (the PC is after it, and it is the last instruction of its block)
 * when the PC is the end of the spin block just charged (c->spin_resume):
 * returns true (the core goes on after it). Anything else (an undefined
 * instruction: the PC is at it, the start of a block) is not this hook's:
 * returns false. */
static bool a64_yield_hook(uc_engine *uc, void *user)
{
    struct emu_core *c = user;
    (void)uc;
    uint64_t pc;
    if (c->spin_resume == 0 || !emu_reg_get(c, UC_ARM64_REG_PC, &pc) || pc != c->spin_resume)
        return false;
    c->spin_resume = 0;
    return true;
}

/* Adds the yield hook (a64_yield_hook). Returns 0, or -1 with
 * c->host_error set. */
static int a64_hooks_open(struct emu_core *c)
{
    EMU_UC(c,
           uc_hook_add(c->uc, &c->arch_hook, UC_HOOK_INSN_INVALID, (void *)a64_yield_hook, c, 1, 0),
           fail);
    return 0;
fail:
    return -1;
}

/* TTBR0_EL1[63:48] is the ASID. */
static uint16_t a64_asid_of(struct emu_core *c, uint64_t root)
{
    (void)c;
    return (uint16_t)(root >> 48);
}

const struct emu_arch emu_arch_aarch64 = {
    .id = EMU_ARCH_AARCH64,
    .name = "aarch64",
    .uc_arch = UC_ARCH_ARM64,
    .uc_mode = UC_MODE_ARM,
    .uc_cpu_model = UC_CPU_ARM64_A72,
    .reg_pc = UC_ARM64_REG_PC,
    .reg_sp = UC_ARM64_REG_SP,
    .reg_arg0 = UC_ARM64_REG_X0,
    .reg_arg1 = UC_ARM64_REG_X1,
    .reg_end = UC_ARM64_REG_ENDING,
    .decoder_open = a64_decoder_open,
    .decoder_close = emu_cs_decoder_close,
    .decode = a64_decode,
    .reg_root = UC_ARM64_REG_TTBR0_EL1,
    .asid_of = a64_asid_of,
    .hooks_open = a64_hooks_open,
    .default_cpu = "cortex-a72",
    .llvm_triple = "aarch64-unknown-none-elf",
    .reg_ret = UC_ARM64_REG_X0,
    .reg_link = UC_ARM64_REG_X30,
    .reg_args = {UC_ARM64_REG_X0, UC_ARM64_REG_X1, UC_ARM64_REG_X2, UC_ARM64_REG_X3,
                 UC_ARM64_REG_X4, UC_ARM64_REG_X5, UC_ARM64_REG_X6, UC_ARM64_REG_X7},
};
