/* emu/arch/x86_64.c: the x86_64 CPU adapter. Capstone (with detail)
 * decodes each instruction once per block for the timing model: its table
 * key, the registers it reads and writes (folded onto their 64-bit
 * parents), its control flow and its effect on the TLB. */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/arch/capstone.h"
#include "emu/cpu.h"

#include <unicorn/x86.h>

_Static_assert(X86_REG_ENDING <= EMU_REG_LIMIT, "register ids index emu_cs.canon");

struct x86_decoder {
    struct emu_cs cs;
};

/* The name of the 64-bit register `name` is part of, or `name` itself. */
static void x86_parent_name(const char *name, char *out, size_t n)
{
    static const char *const legacy[][5] = {
        {"al", "ah", "ax", "eax", "rax"}, {"bl", "bh", "bx", "ebx", "rbx"},
        {"cl", "ch", "cx", "ecx", "rcx"}, {"dl", "dh", "dx", "edx", "rdx"},
        {"sil", "si", "esi", "", "rsi"},  {"dil", "di", "edi", "", "rdi"},
        {"bpl", "bp", "ebp", "", "rbp"},  {"spl", "sp", "esp", "", "rsp"},
        {"ip", "eip", "", "", "rip"},
    };
    for (size_t i = 0; i < sizeof legacy / sizeof legacy[0]; i++)
        for (size_t k = 0; k < 4; k++)
            if (legacy[i][k][0] && strcmp(legacy[i][k], name) == 0) {
                snprintf(out, n, "%s", legacy[i][4]);
                return;
            }
    unsigned num;
    char suffix[4] = "";
    if (sscanf(name, "r%u%1[bwd]", &num, suffix) >= 1 && num >= 8 && num <= 15) {
        snprintf(out, n, "r%u", num);
        return;
    }
    snprintf(out, n, "%s", name);
}

/* Opens a Capstone x86-64 handle with detail; returns 0 or -1. */
static int x86_decoder_open(struct emu_core *c)
{
    struct x86_decoder *d = calloc(1, sizeof *d);
    if (!d || emu_cs_open(&d->cs, CS_ARCH_X86, CS_MODE_64) != 0) {
        free(d);
        return -1;
    }
    for (unsigned id = 0; id < X86_REG_ENDING; id++) {
        d->cs.canon[id] = (uint16_t)id;
        const char *name = id ? cs_reg_name(d->cs.h, id) : NULL;
        if (!name)
            continue;
        char parent[16];
        x86_parent_name(name, parent, sizeof parent);
        for (unsigned k = 1; k < X86_REG_ENDING; k++) {
            const char *kn = cs_reg_name(d->cs.h, k);
            if (kn && strcmp(kn, parent) == 0) {
                d->cs.canon[id] = (uint16_t)k;
                break;
            }
        }
    }
    /* rip-relative addressing is no dependency */
    for (unsigned id = 0; id < X86_REG_ENDING; id++)
        if (d->cs.canon[id] == X86_REG_RIP)
            d->cs.canon[id] = 0;
    c->decoder = d;
    return 0;
}

static bool is_gpr(uint16_t canon)
{
    switch (canon) {
    case X86_REG_RAX:
    case X86_REG_RBX:
    case X86_REG_RCX:
    case X86_REG_RDX:
    case X86_REG_RSI:
    case X86_REG_RDI:
    case X86_REG_RBP:
    case X86_REG_RSP:
    case X86_REG_R8:
    case X86_REG_R9:
    case X86_REG_R10:
    case X86_REG_R11:
    case X86_REG_R12:
    case X86_REG_R13:
    case X86_REG_R14:
    case X86_REG_R15:
        return true;
    default:
        return false;
    }
}

/* The operand kind in a table key: r64, m32, i, cr, sr, xmm, ... The
 * immediate of push carries its size (i8, i32): LLVM's scheduling models
 * cost push imm8 and push imm32 differently. */
static void operand_kind(const struct x86_decoder *d, const cs_insn *insn, const cs_x86_op *op,
                         char *out, size_t n)
{
    if (op->type == X86_OP_IMM && insn->id == X86_INS_PUSH) {
        snprintf(out, n, "i%u", insn->detail->x86.encoding.imm_size * 8u);
    } else if (op->type == X86_OP_IMM) {
        snprintf(out, n, "i");
    } else if (op->type == X86_OP_MEM) {
        snprintf(out, n, "m%u", op->size * 8u);
    } else if (op->type == X86_OP_REG && is_gpr(d->cs.canon[op->reg])) {
        snprintf(out, n, "r%u", op->size * 8u);
    } else if (op->type == X86_OP_REG) {
        const char *name = cs_reg_name(d->cs.h, op->reg);
        size_t k = 0;
        while (name && name[k] >= 'a' && name[k] <= 'z' && k + 1 < n)
            out[k] = name[k], k++;
        out[k] = '\0';
        if (strlen(out) == 2 && strchr("cdefgs", out[0]) && out[1] == 's')
            snprintf(out, n, "sr"); /* segment register */
    } else {
        snprintf(out, n, "?");
    }
}

static void x86_flow(const struct x86_decoder *d, const cs_insn *insn, struct emu_insn *out)
{
    const cs_x86 *x = &insn->detail->x86;
    bool imm = x->op_count == 1 && x->operands[0].type == X86_OP_IMM;
    if (cs_insn_group(d->cs.h, insn, CS_GRP_CALL)) {
        out->flow = imm ? EMU_FLOW_CALL : EMU_FLOW_CALL_INDIRECT;
    } else if (cs_insn_group(d->cs.h, insn, CS_GRP_RET)) {
        out->flow = EMU_FLOW_RET;
    } else if (cs_insn_group(d->cs.h, insn, CS_GRP_IRET) || insn->id == X86_INS_SYSRET ||
               insn->id == X86_INS_SYSEXIT) {
        out->flow = EMU_FLOW_XRET;
    } else if (cs_insn_group(d->cs.h, insn, CS_GRP_INT) || insn->id == X86_INS_SYSCALL ||
               insn->id == X86_INS_UD2 || insn->id == X86_INS_INT3) {
        out->flow = EMU_FLOW_TRAP;
    } else if (cs_insn_group(d->cs.h, insn, CS_GRP_JUMP)) {
        if (insn->id == X86_INS_JMP || insn->id == X86_INS_LJMP)
            out->flow = imm ? EMU_FLOW_JUMP : EMU_FLOW_INDIRECT;
        else
            out->flow = EMU_FLOW_COND;
    }
    if (imm && out->flow != EMU_FLOW_NONE && out->flow != EMU_FLOW_TRAP)
        out->target = (uint64_t)x->operands[0].imm;
}

/* Returns true when `id` is a cmovcc. */
static bool x86_is_cmov(unsigned id)
{
    switch (id) {
    case X86_INS_CMOVA:
    case X86_INS_CMOVAE:
    case X86_INS_CMOVB:
    case X86_INS_CMOVBE:
    case X86_INS_CMOVE:
    case X86_INS_CMOVG:
    case X86_INS_CMOVGE:
    case X86_INS_CMOVL:
    case X86_INS_CMOVLE:
    case X86_INS_CMOVNE:
    case X86_INS_CMOVNO:
    case X86_INS_CMOVNP:
    case X86_INS_CMOVNS:
    case X86_INS_CMOVO:
    case X86_INS_CMOVP:
    case X86_INS_CMOVS:
        return true;
    default:
        return false;
    }
}

static unsigned x86_decode(struct emu_core *c, uint64_t addr, const uint8_t *code, size_t size,
                           struct emu_insn *out)
{
    struct x86_decoder *d = c->decoder;
    cs_insn *insn = d->cs.insn;
    const uint8_t *p = code;
    size_t left = size;
    uint64_t a = addr;
    out->addr = addr;
    if (!cs_disasm_iter(d->cs.h, &p, &left, &a, insn))
        return 0;
    const cs_x86 *x = &insn->detail->x86;
    out->len = (uint8_t)insn->size;
    int k = snprintf(out->key, sizeof out->key, "%s", insn->mnemonic);
    for (uint8_t i = 0; i < x->op_count && k > 0 && (size_t)k < sizeof out->key; i++) {
        char kind[16];
        operand_kind(d, insn, &x->operands[i], kind, sizeof kind);
        k += snprintf(out->key + k, sizeof out->key - (size_t)k, "%s%s", i ? "," : " ", kind);
        if (x->operands[i].type == X86_OP_MEM) {
            out->load |= (x->operands[i].access & CS_AC_READ) != 0;
            out->store |= (x->operands[i].access & CS_AC_WRITE) != 0;
        }
    }
    emu_cs_text_and_regs(&d->cs, insn, out);
    /* cmovcc keeps its destination when the condition fails: it reads it
     * (Capstone 5.0.7 reports the destination written only). */
    if (x86_is_cmov(insn->id) && x->op_count && x->operands[0].type == X86_OP_REG)
        emu_insn_reads(out, d->cs.canon[x->operands[0].reg]);
    x86_flow(d, insn, out);
    if (insn->id == X86_INS_MOV && x->op_count == 2 && x->operands[0].type == X86_OP_REG &&
        x->operands[0].reg == X86_REG_CR3)
        out->special = EMU_SPECIAL_ROOT;
    if (insn->id == X86_INS_INVLPG || insn->id == X86_INS_INVPCID)
        out->special = EMU_SPECIAL_TLB_FLUSH;
    if (insn->id == X86_INS_PAUSE)
        out->special = EMU_SPECIAL_SPIN;
    bool same_regs = x->op_count == 2 && x->operands[0].type == X86_OP_REG &&
                     x->operands[1].type == X86_OP_REG && x->operands[0].reg == x->operands[1].reg;
    if (same_regs &&
        (insn->id == X86_INS_XOR || insn->id == X86_INS_SUB || insn->id == X86_INS_PXOR ||
         insn->id == X86_INS_XORPS || insn->id == X86_INS_XORPD))
        out->zero_idiom = true;
    return out->len;
}

#define X86_CR4_PCIDE (1ull << 17)
#define X86_CR3_NOFLUSH (1ull << 63)

/* x86: CR3[11:0], the PCID, when CR4.PCIDE is set and the write kept the
 * PCID's translations (bit 63, which the engine leaves in CR3 where
 * hardware would clear it: tests/emu/test_unicorn_facts.c
 * x86_pcid_can_be_enabled). Else 0: the write flushed the TLB (a write
 * without bit 63 flushes only its PCID's entries on hardware; the model
 * flushes all, which the kernel does only when its tables change). */
static uint16_t x86_asid_of(struct emu_core *c, uint64_t root)
{
    if (!(root & X86_CR3_NOFLUSH) || !(emu_reg_read(c, UC_X86_REG_CR4) & X86_CR4_PCIDE))
        return 0;
    return (uint16_t)(root & 0xfff);
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
    .reg_end = UC_X86_REG_ENDING,
    .decoder_open = x86_decoder_open,
    .decoder_close = emu_cs_decoder_close,
    .decode = x86_decode,
    .reg_root = UC_X86_REG_CR3,
    .asid_of = x86_asid_of,
    .default_cpu = "skylake",
    .llvm_triple = "x86_64-unknown-none-elf",
    .reg_ret = UC_X86_REG_RAX,
    .reg_link = 0, /* the call pushed it: [rsp] */
    .reg_args = {UC_X86_REG_RDI, UC_X86_REG_RSI, UC_X86_REG_RDX, UC_X86_REG_RCX, UC_X86_REG_R8,
                 UC_X86_REG_R9},
    .stack_arg_off = 8,
    .ret_pop = 8,
};
