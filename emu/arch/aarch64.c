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
 * dependency (returns 0). */
static uint16_t a64_canon(unsigned reg)
{
    if (reg >= ARM64_REG_W0 && reg <= ARM64_REG_W30)
        return (uint16_t)(ARM64_REG_X0 + (reg - ARM64_REG_W0));
    if (reg == ARM64_REG_WSP)
        return ARM64_REG_SP;
    if (reg == ARM64_REG_WZR || reg == ARM64_REG_XZR)
        return 0;
    return (uint16_t)reg;
}

/* The operand kind in a table key: x, w, v, m, m!, i, sys, ... */
static void operand_kind(const struct a64_decoder *d, const cs_arm64_op *op, bool wb, char *out,
                         size_t n)
{
    switch (op->type) {
    case ARM64_OP_REG: {
        const char *name = cs_reg_name(d->cs.h, op->reg);
        char k = name ? name[0] : '?';
        if (name && strncmp(name, "sp", 2) == 0)
            k = 'x';
        snprintf(out, n, "%c%s", k, op->shift.type || op->ext ? "s" : "");
        break;
    }
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
    int k = snprintf(out->key, sizeof out->key, "%s", insn->mnemonic);
    for (uint8_t i = 0; i < x->op_count && k > 0 && (size_t)k < sizeof out->key; i++) {
        char kind[16];
        operand_kind(d, &x->operands[i], x->writeback, kind, sizeof kind);
        k += snprintf(out->key + k, sizeof out->key - (size_t)k, "%s%s", i ? "," : " ", kind);
        if (x->operands[i].type == ARM64_OP_MEM) {
            out->load |= (x->operands[i].access & CS_AC_READ) != 0;
            out->store |= (x->operands[i].access & CS_AC_WRITE) != 0;
        }
    }
    emu_cs_text_and_regs(&d->cs, insn, out);
    if (x->update_flags)
        emu_insn_writes(out, ARM64_REG_NZCV);
    if (x->cc != ARM64_CC_INVALID && x->cc != ARM64_CC_AL)
        emu_insn_reads(out, ARM64_REG_NZCV);
    a64_flow(insn, out);
    if (strcmp(insn->mnemonic, "msr") == 0 && strncasecmp(insn->op_str, "ttbr0_el1", 9) == 0)
        out->special = EMU_SPECIAL_ROOT;
    if (strcmp(insn->mnemonic, "tlbi") == 0)
        out->special = EMU_SPECIAL_TLB_FLUSH;
    return out->len;
}

/* TTBR0_EL1[63:48] is the ASID. */
static uint16_t a64_asid_of(uint64_t root)
{
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
    .default_cpu = "cortex-a72",
    .llvm_triple = "aarch64-unknown-none-elf",
};
