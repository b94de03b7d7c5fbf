/* emu/arch/rv64_decode.c: RV64IMAC + Zicsr + Zifencei decoder.
 *
 * A 16-bit instruction is expanded to the 32-bit encoding of the base
 * instruction it stands for (the RISC-V spec defines every RVC instruction
 * that way), so one 32-bit decoder names, classifies and prints everything;
 * only the length tells a compressed instruction apart. Names, operand order
 * and CSR names follow LLVM 14's printer without aliases, which is what the
 * unit test checks against llvm-objdump and llvm-mc. */
#include "emu/arch/rv64_decode.h"

#include <stdio.h>
#include <string.h>

/* How the operands of a decoded instruction are printed; FMT_ILLEGAL means
 * the decoder rejected the encoding. */
enum rv_fmt {
    FMT_ILLEGAL,
    FMT_NONE,  /* ecall */
    FMT_R,     /* add rd, rs1, rs2 */
    FMT_I,     /* addi rd, rs1, imm */
    FMT_MEM,   /* ld rd, imm(rs1); jalr rd, imm(rs1) */
    FMT_STORE, /* sd rs2, imm(rs1) */
    FMT_B,     /* beq rs1, rs2, imm */
    FMT_U,     /* lui rd, imm20 */
    FMT_J,     /* jal rd, imm */
    FMT_CSR,   /* csrrw rd, csr, rs1 */
    FMT_CSRI,  /* csrrwi rd, csr, uimm */
    FMT_AMO,   /* amoadd.w rd, rs2, (rs1) */
    FMT_LR,    /* lr.w rd, (rs1) */
    FMT_RS12,  /* sfence.vma rs1, rs2 */
    FMT_FENCE, /* fence pred, succ */
    FMT_RAW    /* .4byte 0x...: no LLVM text for it with +m,+a,+c */
};

/* ABI names, which is what LLVM prints by default. */
static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* ---- bit fields ---------------------------------------------------------- */

/* Returns bits hi..lo of w, shifted down. */
static uint32_t bits(uint32_t w, unsigned hi, unsigned lo)
{
    return (w >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* Returns the low `width` bits of v sign-extended, without signed shifts
 * (UBSan-clean for negative values). */
static int64_t sext(uint64_t v, unsigned width)
{
    uint64_t sign = 1ull << (width - 1);
    v &= (sign << 1) - 1;
    return (int64_t)((v ^ sign) - sign);
}

static uint32_t w_rd(uint32_t w)
{
    return bits(w, 11, 7);
}

static uint32_t w_rs1(uint32_t w)
{
    return bits(w, 19, 15);
}

static uint32_t w_rs2(uint32_t w)
{
    return bits(w, 24, 20);
}

static uint32_t w_f3(uint32_t w)
{
    return bits(w, 14, 12);
}

static uint32_t w_f7(uint32_t w)
{
    return bits(w, 31, 25);
}

static int64_t imm_i(uint32_t w)
{
    return sext(bits(w, 31, 20), 12);
}

static int64_t imm_s(uint32_t w)
{
    return sext(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12);
}

static int64_t imm_b(uint32_t w)
{
    return sext(bits(w, 31, 31) << 12 | bits(w, 7, 7) << 11 | bits(w, 30, 25) << 5 |
                    bits(w, 11, 8) << 1,
                13);
}

static int64_t imm_j(uint32_t w)
{
    return sext(bits(w, 31, 31) << 20 | bits(w, 19, 12) << 12 | bits(w, 20, 20) << 11 |
                    bits(w, 30, 21) << 1,
                21);
}

/* ---- result helpers ------------------------------------------------------- */

/* Fills the classification, name and operands; returns fmt so decoders can
 * end with `return set(...)`. */
static enum rv_fmt set(struct rv64_insn *in, enum rv_fmt fmt, enum rv64_kind kind, const char *name,
                       int rd, int rs1, int rs2, int64_t imm)
{
    in->kind = kind;
    snprintf(in->mnemonic, sizeof in->mnemonic, "%s", name);
    in->rd = (int8_t)rd;
    in->rs1 = (int8_t)rs1;
    in->rs2 = (int8_t)rs2;
    in->imm = imm;
    return fmt;
}

/* ---- 32-bit major opcodes ------------------------------------------------ */

static enum rv_fmt dec_load(uint32_t w, struct rv64_insn *in)
{
    static const char *const names[8] = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", NULL};
    const char *name = names[w_f3(w)];
    if (!name)
        return FMT_ILLEGAL;
    return set(in, FMT_MEM, RV_LOAD, name, (int)w_rd(w), (int)w_rs1(w), -1, imm_i(w));
}

static enum rv_fmt dec_store(uint32_t w, struct rv64_insn *in)
{
    static const char *const names[8] = {"sb", "sh", "sw", "sd"};
    const char *name = names[w_f3(w)];
    if (!name)
        return FMT_ILLEGAL;
    return set(in, FMT_STORE, RV_STORE, name, -1, (int)w_rs1(w), (int)w_rs2(w), imm_s(w));
}

/* F/D loads and stores (opcodes LOAD-FP, STORE-FP): only the width needs
 * checking, the guest never uses them. rs1 is the only x-register. */
static enum rv_fmt dec_fp_mem(uint32_t w, struct rv64_insn *in, int store)
{
    static const char *const names[2][2] = {{"flw", "fld"}, {"fsw", "fsd"}};
    uint32_t f3 = w_f3(w);
    if (f3 != 2 && f3 != 3)
        return FMT_ILLEGAL;
    return set(in, FMT_RAW, RV_OTHER, names[store][f3 - 2], -1, (int)w_rs1(w), -1,
               store ? imm_s(w) : imm_i(w));
}

/* F/D arithmetic (fused multiply-add and OP-FP): fmt 00 is S, 01 is D. */
static enum rv_fmt dec_fp_op(uint32_t w, struct rv64_insn *in, const char *name)
{
    if (bits(w, 26, 26) != 0)
        return FMT_ILLEGAL;
    return set(in, FMT_RAW, RV_OTHER, name, -1, -1, -1, 0);
}

/* Shifts by an immediate: RV64 shamt is 6 bits (5 for the *w forms); the
 * remaining high bits select logical (all zero) or arithmetic (0x10 << 6). */
static enum rv_fmt dec_shift_imm(uint32_t w, struct rv64_insn *in, int word)
{
    unsigned shamt_bits = word ? 5 : 6;
    uint32_t high = bits(w, 31, 20) >> shamt_bits;
    uint32_t arith = word ? 0x20 : 0x10;
    const char *name;
    if (w_f3(w) == 1)
        name = high == 0 ? (word ? "slliw" : "slli") : NULL;
    else if (high == 0)
        name = word ? "srliw" : "srli";
    else
        name = high == arith ? (word ? "sraiw" : "srai") : NULL;
    if (!name)
        return FMT_ILLEGAL;
    return set(in, FMT_I, RV_ALU, name, (int)w_rd(w), (int)w_rs1(w), -1,
               bits(w, 19 + shamt_bits, 20));
}

static enum rv_fmt dec_op_imm(uint32_t w, struct rv64_insn *in)
{
    static const char *const names[8] = {"addi", NULL, "slti", "sltiu",
                                         "xori", NULL, "ori",  "andi"};
    uint32_t f3 = w_f3(w);
    if (f3 == 1 || f3 == 5)
        return dec_shift_imm(w, in, 0);
    return set(in, FMT_I, RV_ALU, names[f3], (int)w_rd(w), (int)w_rs1(w), -1, imm_i(w));
}

static enum rv_fmt dec_op_imm32(uint32_t w, struct rv64_insn *in)
{
    uint32_t f3 = w_f3(w);
    if (f3 == 1 || f3 == 5)
        return dec_shift_imm(w, in, 1);
    if (f3 != 0)
        return FMT_ILLEGAL;
    return set(in, FMT_I, RV_ALU, "addiw", (int)w_rd(w), (int)w_rs1(w), -1, imm_i(w));
}

/* OP and OP-32: funct7 0 (base), 0x20 (sub/sra) or 1 (M extension). */
static enum rv_fmt dec_op(uint32_t w, struct rv64_insn *in, int word)
{
    static const char *const names[2][3][8] = {
        {{"add", "sll", "slt", "sltu", "xor", "srl", "or", "and"},
         {"sub", NULL, NULL, NULL, NULL, "sra", NULL, NULL},
         {"mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"}},
        {{"addw", "sllw", NULL, NULL, NULL, "srlw", NULL, NULL},
         {"subw", NULL, NULL, NULL, NULL, "sraw", NULL, NULL},
         {"mulw", NULL, NULL, NULL, "divw", "divuw", "remw", "remuw"}},
    };
    uint32_t f7 = w_f7(w), f3 = w_f3(w);
    int row = f7 == 0 ? 0 : f7 == 0x20 ? 1 : f7 == 1 ? 2 : -1;
    if (row < 0 || !names[word][row][f3])
        return FMT_ILLEGAL;
    enum rv64_kind kind = row < 2 ? RV_ALU : f3 < 4 ? RV_MUL : RV_DIV;
    return set(in, FMT_R, kind, names[word][row][f3], (int)w_rd(w), (int)w_rs1(w), (int)w_rs2(w),
               0);
}

/* A extension: .w/.d width, funct5 operation, aq/rl ordering suffix. */
static enum rv_fmt dec_amo(uint32_t w, struct rv64_insn *in)
{
    static const char *const ops[32] = {
        [0x00] = "amoadd", [0x01] = "amoswap", [0x02] = "lr",      [0x03] = "sc",
        [0x04] = "amoxor", [0x08] = "amoor",   [0x0c] = "amoand",  [0x10] = "amomin",
        [0x14] = "amomax", [0x18] = "amominu", [0x1c] = "amomaxu",
    };
    static const char *const order[4] = {"", ".rl", ".aq", ".aqrl"};
    uint32_t f3 = w_f3(w), f5 = bits(w, 31, 27);
    const char *op = ops[f5];
    if ((f3 != 2 && f3 != 3) || !op)
        return FMT_ILLEGAL;
    char name[sizeof in->mnemonic];
    snprintf(name, sizeof name, "%s.%c%s", op, f3 == 2 ? 'w' : 'd', order[bits(w, 26, 25)]);
    if (f5 == 0x02) {
        /* lr has no data source; a nonzero rs2 field is reserved. */
        if (w_rs2(w) != 0)
            return FMT_ILLEGAL;
        return set(in, FMT_LR, RV_AMO, name, (int)w_rd(w), (int)w_rs1(w), -1, 0);
    }
    return set(in, FMT_AMO, RV_AMO, name, (int)w_rd(w), (int)w_rs1(w), (int)w_rs2(w), 0);
}

static enum rv_fmt dec_branch(uint32_t w, struct rv64_insn *in)
{
    static const char *const names[8] = {"beq", "bne", NULL, NULL, "blt", "bge", "bltu", "bgeu"};
    const char *name = names[w_f3(w)];
    if (!name)
        return FMT_ILLEGAL;
    return set(in, FMT_B, RV_BRANCH, name, -1, (int)w_rs1(w), (int)w_rs2(w), imm_b(w));
}

/* MISC-MEM. LLVM 14 only knows fence with fm, rs1 and rd zero, fence.tso
 * (fm 1000, rw, rw) and fence.i with every other field zero; the other
 * encodings are reserved and rejected as LLVM does. */
static enum rv_fmt dec_misc_mem(uint32_t w, struct rv64_insn *in)
{
    if (w_rd(w) != 0 || w_rs1(w) != 0)
        return FMT_ILLEGAL;
    if (w == 0x0000100f)
        return set(in, FMT_NONE, RV_FENCE, "fence.i", -1, -1, -1, 0);
    if (w_f3(w) != 0)
        return FMT_ILLEGAL;
    if (w == 0x8330000f)
        return set(in, FMT_NONE, RV_FENCE, "fence.tso", -1, -1, -1, (int64_t)bits(w, 31, 20));
    if (bits(w, 31, 28) != 0)
        return FMT_ILLEGAL;
    return set(in, FMT_FENCE, RV_FENCE, "fence", -1, -1, -1, (int64_t)bits(w, 31, 20));
}

/* SYSTEM with funct3 0: the privileged instructions are single encodings
 * apart from sfence.vma's two registers. */
static enum rv_fmt dec_priv(uint32_t w, struct rv64_insn *in)
{
    switch (w) {
    case 0x00000073:
        return set(in, FMT_NONE, RV_ECALL, "ecall", -1, -1, -1, 0);
    case 0x00100073:
        return set(in, FMT_NONE, RV_EBREAK, "ebreak", -1, -1, -1, 0);
    case 0x10200073:
        return set(in, FMT_NONE, RV_XRET, "sret", -1, -1, -1, 0);
    case 0x30200073:
        return set(in, FMT_NONE, RV_XRET, "mret", -1, -1, -1, 0);
    case 0x10500073:
        return set(in, FMT_NONE, RV_WFI, "wfi", -1, -1, -1, 0);
    }
    if (w_f7(w) == 0x09 && w_rd(w) == 0)
        return set(in, FMT_RS12, RV_SFENCE_VMA, "sfence.vma", -1, (int)w_rs1(w), (int)w_rs2(w), 0);
    return FMT_ILLEGAL;
}

static enum rv_fmt dec_system(uint32_t w, struct rv64_insn *in)
{
    static const char *const names[8] = {NULL, "csrrw",  "csrrs",  "csrrc",
                                         NULL, "csrrwi", "csrrsi", "csrrci"};
    uint32_t f3 = w_f3(w);
    if (f3 == 0)
        return dec_priv(w, in);
    if (!names[f3])
        return FMT_ILLEGAL;
    in->csr = (uint16_t)bits(w, 31, 20);
    if (f3 < 4)
        return set(in, FMT_CSR, RV_CSR, names[f3], (int)w_rd(w), (int)w_rs1(w), -1, 0);
    return set(in, FMT_CSRI, RV_CSR, names[f3], (int)w_rd(w), -1, -1, w_rs1(w));
}

/* Decodes a 32-bit instruction word into `in` (everything but len and
 * text); returns how to print it, FMT_ILLEGAL when it is not valid. */
static enum rv_fmt decode32(uint32_t w, struct rv64_insn *in)
{
    switch (bits(w, 6, 0)) {
    case 0x03:
        return dec_load(w, in);
    case 0x07:
        return dec_fp_mem(w, in, 0);
    case 0x0f:
        return dec_misc_mem(w, in);
    case 0x13:
        return dec_op_imm(w, in);
    case 0x17:
        return set(in, FMT_U, RV_ALU, "auipc", (int)w_rd(w), -1, -1, sext(w & 0xfffff000u, 32));
    case 0x1b:
        return dec_op_imm32(w, in);
    case 0x23:
        return dec_store(w, in);
    case 0x27:
        return dec_fp_mem(w, in, 1);
    case 0x2f:
        return dec_amo(w, in);
    case 0x33:
        return dec_op(w, in, 0);
    case 0x37:
        return set(in, FMT_U, RV_ALU, "lui", (int)w_rd(w), -1, -1, sext(w & 0xfffff000u, 32));
    case 0x3b:
        return dec_op(w, in, 1);
    case 0x43:
        return dec_fp_op(w, in, "fmadd");
    case 0x47:
        return dec_fp_op(w, in, "fmsub");
    case 0x4b:
        return dec_fp_op(w, in, "fnmsub");
    case 0x4f:
        return dec_fp_op(w, in, "fnmadd");
    case 0x53:
        return dec_fp_op(w, in, "op-fp");
    case 0x63:
        return dec_branch(w, in);
    case 0x67:
        if (w_f3(w) != 0)
            return FMT_ILLEGAL;
        return set(in, FMT_MEM, RV_JALR, "jalr", (int)w_rd(w), (int)w_rs1(w), -1, imm_i(w));
    case 0x6f:
        return set(in, FMT_J, RV_JAL, "jal", (int)w_rd(w), -1, -1, imm_j(w));
    case 0x73:
        return dec_system(w, in);
    }
    return FMT_ILLEGAL;
}

/* ---- RVC expansion ------------------------------------------------------- */

/* Encoders for the base formats the RVC instructions expand to. Immediates
 * are masked to their field, so callers pass signed values. */
static uint32_t enc_r(uint32_t op, uint32_t f3, uint32_t f7, uint32_t rd, uint32_t rs1,
                      uint32_t rs2)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_i(uint32_t op, uint32_t f3, uint32_t rd, uint32_t rs1, int64_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int64_t imm)
{
    uint32_t u = (uint32_t)imm;
    return bits(u, 11, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | bits(u, 4, 0) << 7 | op;
}

static uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int64_t off)
{
    uint32_t u = (uint32_t)off;
    return bits(u, 12, 12) << 31 | bits(u, 10, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           bits(u, 4, 1) << 8 | bits(u, 11, 11) << 7 | 0x63;
}

static uint32_t enc_j(uint32_t rd, int64_t off)
{
    uint32_t u = (uint32_t)off;
    return bits(u, 20, 20) << 31 | bits(u, 10, 1) << 21 | bits(u, 11, 11) << 20 |
           bits(u, 19, 12) << 12 | rd << 7 | 0x6f;
}

/* Register fields: full 5-bit ones and the 3-bit x8..x15 ones (rd'/rs1'/rs2'). */
static uint32_t c_rd(uint32_t h)
{
    return bits(h, 11, 7);
}

static uint32_t c_rs2(uint32_t h)
{
    return bits(h, 6, 2);
}

static uint32_t c_rdp(uint32_t h)
{
    return 8 + bits(h, 4, 2);
}

static uint32_t c_rs1p(uint32_t h)
{
    return 8 + bits(h, 9, 7);
}

/* The 6-bit immediate of CI instructions: imm[5] at bit 12, imm[4:0] at 6:2. */
static int64_t c_imm6(uint32_t h)
{
    return sext(bits(h, 12, 12) << 5 | bits(h, 6, 2), 6);
}

static uint32_t c_shamt(uint32_t h)
{
    return bits(h, 12, 12) << 5 | bits(h, 6, 2);
}

/* Offsets of the CL/CS word and doubleword forms. */
static uint32_t c_lw_off(uint32_t h)
{
    return bits(h, 12, 10) << 3 | bits(h, 6, 6) << 2 | bits(h, 5, 5) << 6;
}

static uint32_t c_ld_off(uint32_t h)
{
    return bits(h, 12, 10) << 3 | bits(h, 6, 5) << 6;
}

/* Quadrant 0: stack-pointer based addi and the register-based loads/stores.
 * Returns the expansion, 0 (never a valid instruction) when reserved. */
static uint32_t expand_q0(uint32_t h)
{
    uint32_t nzuimm;
    switch (bits(h, 15, 13)) {
    case 0: /* c.addi4spn; nzuimm 0 (including the all-zero word) is reserved */
        nzuimm =
            bits(h, 12, 11) << 4 | bits(h, 10, 7) << 6 | bits(h, 6, 6) << 2 | bits(h, 5, 5) << 3;
        return nzuimm ? enc_i(0x13, 0, c_rdp(h), 2, nzuimm) : 0;
    case 1: /* c.fld */
        return enc_i(0x07, 3, c_rdp(h), c_rs1p(h), c_ld_off(h));
    case 2: /* c.lw */
        return enc_i(0x03, 2, c_rdp(h), c_rs1p(h), c_lw_off(h));
    case 3: /* c.ld */
        return enc_i(0x03, 3, c_rdp(h), c_rs1p(h), c_ld_off(h));
    case 5: /* c.fsd */
        return enc_s(0x27, 3, c_rs1p(h), c_rdp(h), c_ld_off(h));
    case 6: /* c.sw */
        return enc_s(0x23, 2, c_rs1p(h), c_rdp(h), c_lw_off(h));
    case 7: /* c.sd */
        return enc_s(0x23, 3, c_rs1p(h), c_rdp(h), c_ld_off(h));
    }
    return 0;
}

/* Quadrant 1, funct3 100: shifts, andi and register-register arithmetic on
 * x8..x15. */
static uint32_t expand_q1_alu(uint32_t h)
{
    static const uint32_t f3s[2][4] = {{0, 4, 6, 7}, {0, 0, 0, 0}};
    static const uint32_t f7s[2][4] = {{0x20, 0, 0, 0}, {0x20, 0, 0, 0}};
    uint32_t rd = c_rs1p(h), rs2 = c_rdp(h);
    uint32_t word = bits(h, 12, 12), sel = bits(h, 6, 5);
    switch (bits(h, 11, 10)) {
    case 0: /* c.srli */
        return enc_i(0x13, 5, rd, rd, c_shamt(h));
    case 1: /* c.srai */
        return enc_i(0x13, 5, rd, rd, 0x400 | c_shamt(h));
    case 2: /* c.andi */
        return enc_i(0x13, 7, rd, rd, c_imm6(h));
    }
    /* c.sub/xor/or/and (bit 12 clear), c.subw/addw (set; the rest reserved) */
    if (word && sel > 1)
        return 0;
    return enc_r(word ? 0x3b : 0x33, f3s[word][sel], f7s[word][sel], rd, rd, rs2);
}

/* The c.addi16sp (rd == sp) / c.lui pair; both reserve a zero immediate. */
static uint32_t expand_q1_lui(uint32_t h)
{
    uint32_t rd = c_rd(h);
    if (rd == 2) {
        int64_t nzimm = sext(bits(h, 12, 12) << 9 | bits(h, 6, 6) << 4 | bits(h, 5, 5) << 6 |
                                 bits(h, 4, 3) << 7 | bits(h, 2, 2) << 5,
                             10);
        return nzimm ? enc_i(0x13, 0, 2, 2, nzimm) : 0;
    }
    int64_t imm = c_imm6(h);
    return imm ? ((uint32_t)imm & 0xfffff) << 12 | rd << 7 | 0x37 : 0;
}

/* Quadrant 1: immediates, arithmetic, jumps and branches. Returns the
 * expansion or 0 when reserved. */
static uint32_t expand_q1(uint32_t h)
{
    uint32_t rd = c_rd(h);
    int64_t off;
    switch (bits(h, 15, 13)) {
    case 0: /* c.addi, c.nop */
        return enc_i(0x13, 0, rd, rd, c_imm6(h));
    case 1: /* c.addiw; rd 0 is reserved */
        return rd ? enc_i(0x1b, 0, rd, rd, c_imm6(h)) : 0;
    case 2: /* c.li */
        return enc_i(0x13, 0, rd, 0, c_imm6(h));
    case 3:
        return expand_q1_lui(h);
    case 4:
        return expand_q1_alu(h);
    case 5: /* c.j */
        off = sext(bits(h, 12, 12) << 11 | bits(h, 11, 11) << 4 | bits(h, 10, 9) << 8 |
                       bits(h, 8, 8) << 10 | bits(h, 7, 7) << 6 | bits(h, 6, 6) << 7 |
                       bits(h, 5, 3) << 1 | bits(h, 2, 2) << 5,
                   12);
        return enc_j(0, off);
    }
    /* c.beqz, c.bnez */
    off = sext(bits(h, 12, 12) << 8 | bits(h, 11, 10) << 3 | bits(h, 6, 5) << 6 |
                   bits(h, 4, 3) << 1 | bits(h, 2, 2) << 5,
               9);
    return enc_b(bits(h, 13, 13), c_rs1p(h), 0, off);
}

/* Quadrant 2, funct3 100: c.jr, c.mv, c.ebreak, c.jalr, c.add. */
static uint32_t expand_q2_jr(uint32_t h)
{
    uint32_t rd = c_rd(h), rs2 = c_rs2(h);
    if (!bits(h, 12, 12)) {
        if (rs2) /* c.mv */
            return enc_r(0x33, 0, 0, rd, 0, rs2);
        return rd ? enc_i(0x67, 0, 0, rd, 0) : 0; /* c.jr; rs1 0 is reserved */
    }
    if (rs2) /* c.add */
        return enc_r(0x33, 0, 0, rd, rd, rs2);
    return rd ? enc_i(0x67, 0, 1, rd, 0) : 0x00100073; /* c.jalr, c.ebreak */
}

/* Quadrant 2: slli and the stack-pointer based loads/stores. Returns the
 * expansion or 0 when reserved. */
static uint32_t expand_q2(uint32_t h)
{
    uint32_t rd = c_rd(h), rs2 = c_rs2(h);
    uint32_t ld_off = bits(h, 12, 12) << 5 | bits(h, 6, 5) << 3 | bits(h, 4, 2) << 6;
    uint32_t lw_off = bits(h, 12, 12) << 5 | bits(h, 6, 4) << 2 | bits(h, 3, 2) << 6;
    uint32_t sd_off = bits(h, 12, 10) << 3 | bits(h, 9, 7) << 6;
    uint32_t sw_off = bits(h, 12, 9) << 2 | bits(h, 8, 7) << 6;
    switch (bits(h, 15, 13)) {
    case 0: /* c.slli */
        return enc_i(0x13, 1, rd, rd, c_shamt(h));
    case 1: /* c.fldsp */
        return enc_i(0x07, 3, rd, 2, ld_off);
    case 2: /* c.lwsp; rd 0 is reserved */
        return rd ? enc_i(0x03, 2, rd, 2, lw_off) : 0;
    case 3: /* c.ldsp; rd 0 is reserved */
        return rd ? enc_i(0x03, 3, rd, 2, ld_off) : 0;
    case 4:
        return expand_q2_jr(h);
    case 5: /* c.fsdsp */
        return enc_s(0x27, 3, 2, rs2, sd_off);
    case 6: /* c.swsp */
        return enc_s(0x23, 2, 2, rs2, sw_off);
    }
    return enc_s(0x23, 3, 2, rs2, sd_off); /* c.sdsp */
}

/* Returns the 32-bit expansion of a 16-bit instruction, 0 when reserved. */
static uint32_t expand16(uint32_t h)
{
    switch (h & 3) {
    case 0:
        return expand_q0(h);
    case 1:
        return expand_q1(h);
    }
    return expand_q2(h);
}

/* ---- text ------------------------------------------------------------------ */

/* Writes LLVM's name for a CSR into buf: the numbered families first, then
 * the single ones; the decimal number when LLVM 14 (riscv64) has no name,
 * which includes the RV32-only *h counters and odd pmpcfg registers. The
 * table is LLVM 14's (read back from llvm-objdump for all 4096 numbers, and
 * checked so by the unit test); later LLVMs dropped some names (ustatus). */
static void csr_name(uint16_t csr, char *buf, size_t size)
{
    static const struct {
        uint16_t lo, hi, step, first;
        const char *prefix;
    } families[] = {
        {0x10c, 0x10f, 1, 0, "sstateen"},    {0x30c, 0x30f, 1, 0, "mstateen"},
        {0x60c, 0x60f, 1, 0, "hstateen"},    {0x323, 0x33f, 1, 3, "mhpmevent"},
        {0x3a0, 0x3ae, 2, 0, "pmpcfg"},      {0x3b0, 0x3ef, 1, 0, "pmpaddr"},
        {0xb03, 0xb1f, 1, 3, "mhpmcounter"}, {0xc03, 0xc1f, 1, 3, "hpmcounter"},
    };
    static const struct {
        uint16_t csr;
        const char *name;
    } single[] = {
        {0x000, "ustatus"},       {0x001, "fflags"},     {0x002, "frm"},
        {0x003, "fcsr"},          {0x004, "uie"},        {0x005, "utvec"},
        {0x008, "vstart"},        {0x009, "vxsat"},      {0x00a, "vxrm"},
        {0x00f, "vcsr"},          {0x015, "seed"},       {0x040, "uscratch"},
        {0x041, "uepc"},          {0x042, "ucause"},     {0x043, "utval"},
        {0x044, "uip"},           {0x100, "sstatus"},    {0x102, "sedeleg"},
        {0x103, "sideleg"},       {0x104, "sie"},        {0x105, "stvec"},
        {0x106, "scounteren"},    {0x10a, "senvcfg"},    {0x140, "sscratch"},
        {0x141, "sepc"},          {0x142, "scause"},     {0x143, "stval"},
        {0x144, "sip"},           {0x14d, "stimecmp"},   {0x180, "satp"},
        {0x200, "vsstatus"},      {0x204, "vsie"},       {0x205, "vstvec"},
        {0x240, "vsscratch"},     {0x241, "vsepc"},      {0x242, "vscause"},
        {0x243, "vstval"},        {0x244, "vsip"},       {0x24d, "vstimecmp"},
        {0x280, "vsatp"},         {0x300, "mstatus"},    {0x301, "misa"},
        {0x302, "medeleg"},       {0x303, "mideleg"},    {0x304, "mie"},
        {0x305, "mtvec"},         {0x306, "mcounteren"}, {0x30a, "menvcfg"},
        {0x320, "mcountinhibit"}, {0x340, "mscratch"},   {0x341, "mepc"},
        {0x342, "mcause"},        {0x343, "mtval"},      {0x344, "mip"},
        {0x34a, "mtinst"},        {0x34b, "mtval2"},     {0x5a8, "scontext"},
        {0x600, "hstatus"},       {0x602, "hedeleg"},    {0x603, "hideleg"},
        {0x604, "hie"},           {0x605, "htimedelta"}, {0x606, "hcounteren"},
        {0x607, "hgeie"},         {0x60a, "henvcfg"},    {0x643, "htval"},
        {0x644, "hip"},           {0x645, "hvip"},       {0x64a, "htinst"},
        {0x680, "hgatp"},         {0x6a8, "hcontext"},   {0x747, "mseccfg"},
        {0x7a0, "tselect"},       {0x7a1, "tdata1"},     {0x7a2, "tdata2"},
        {0x7a3, "tdata3"},        {0x7a8, "mcontext"},   {0x7b0, "dcsr"},
        {0x7b1, "dpc"},           {0x7b2, "dscratch0"},  {0x7b3, "dscratch1"},
        {0xb00, "mcycle"},        {0xb02, "minstret"},   {0xc00, "cycle"},
        {0xc01, "time"},          {0xc02, "instret"},    {0xc20, "vl"},
        {0xc21, "vtype"},         {0xc22, "vlenb"},      {0xda0, "scountovf"},
        {0xe12, "hgeip"},         {0xf11, "mvendorid"},  {0xf12, "marchid"},
        {0xf13, "mimpid"},        {0xf14, "mhartid"},    {0xf15, "mconfigptr"},
    };
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        unsigned off = (unsigned)csr - families[i].lo;
        if (csr >= families[i].lo && csr <= families[i].hi && off % families[i].step == 0) {
            snprintf(buf, size, "%s%u", families[i].prefix, families[i].first + off);
            return;
        }
    }
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
        if (single[i].csr == csr) {
            snprintf(buf, size, "%s", single[i].name);
            return;
        }
    }
    snprintf(buf, size, "%u", (unsigned)csr);
}

/* Writes a fence predecessor/successor set the way LLVM does ("iorw"). */
static void fence_set(uint32_t set, char *buf)
{
    static const char letters[4] = {'i', 'o', 'r', 'w'};
    for (unsigned i = 0; i < 4; i++)
        if (set & (8u >> i))
            *buf++ = letters[i];
    *buf = '\0';
}

/* Prints the operands after the mnemonic; `raw` are the instruction's bytes
 * for the forms LLVM cannot reassemble. */
static void format_text(struct rv64_insn *in, enum rv_fmt fmt, uint32_t raw)
{
    char *t = in->text;
    size_t n = sizeof in->text;
    const char *m = in->mnemonic;
    const char *rd = in->rd >= 0 ? reg_names[in->rd] : "";
    const char *rs1 = in->rs1 >= 0 ? reg_names[in->rs1] : "";
    const char *rs2 = in->rs2 >= 0 ? reg_names[in->rs2] : "";
    long long imm = (long long)in->imm;
    char a[16], b[16];

    switch (fmt) {
    case FMT_ILLEGAL:
    case FMT_NONE:
        snprintf(t, n, "%s", m);
        break;
    case FMT_R:
        snprintf(t, n, "%s %s, %s, %s", m, rd, rs1, rs2);
        break;
    case FMT_I:
        snprintf(t, n, "%s %s, %s, %lld", m, rd, rs1, imm);
        break;
    case FMT_MEM:
        snprintf(t, n, "%s %s, %lld(%s)", m, rd, imm, rs1);
        break;
    case FMT_STORE:
        snprintf(t, n, "%s %s, %lld(%s)", m, rs2, imm, rs1);
        break;
    case FMT_B:
        snprintf(t, n, "%s %s, %s, %lld", m, rs1, rs2, imm);
        break;
    case FMT_U:
        snprintf(t, n, "%s %s, %u", m, rd, (unsigned)(raw >> 12));
        break;
    case FMT_J:
        snprintf(t, n, "%s %s, %lld", m, rd, imm);
        break;
    case FMT_CSR:
        csr_name(in->csr, a, sizeof a);
        snprintf(t, n, "%s %s, %s, %s", m, rd, a, rs1);
        break;
    case FMT_CSRI:
        csr_name(in->csr, a, sizeof a);
        snprintf(t, n, "%s %s, %s, %lld", m, rd, a, imm);
        break;
    case FMT_AMO:
        snprintf(t, n, "%s %s, %s, (%s)", m, rd, rs2, rs1);
        break;
    case FMT_LR:
        snprintf(t, n, "%s %s, (%s)", m, rd, rs1);
        break;
    case FMT_RS12:
        snprintf(t, n, "%s %s, %s", m, rs1, rs2);
        break;
    case FMT_FENCE:
        fence_set(bits(raw, 27, 24), a);
        fence_set(bits(raw, 23, 20), b);
        /* LLVM 14 prints an empty set as "unknown" and cannot parse it back */
        if (a[0] && b[0])
            snprintf(t, n, "%s %s, %s", m, a, b);
        else
            snprintf(t, n, ".4byte 0x%08x", (unsigned)raw);
        break;
    case FMT_RAW: /* printed from the original bytes by the caller */
        break;
    }
}

/* ---- entry point ------------------------------------------------------------ */

static unsigned illegal(struct rv64_insn *in)
{
    memset(in, 0, sizeof *in);
    in->kind = RV_ILLEGAL;
    in->rd = in->rs1 = in->rs2 = -1;
    return 0;
}

unsigned rv64_decode(const uint8_t *code, size_t avail, uint64_t addr, struct rv64_insn *insn)
{
    /* Offsets are printed relative to the instruction, as llvm-mc reads
     * them, so the address does not enter the text. */
    (void)addr;
    illegal(insn);
    if (avail < 2)
        return 0;
    uint32_t lo = (uint32_t)code[0] | (uint32_t)code[1] << 8;
    uint32_t word;
    unsigned len;
    if ((lo & 3) != 3) {
        len = 2;
        word = expand16(lo);
        if (word == 0)
            return 0;
    } else {
        /* bits 4:2 all set announce 48-bit and longer encodings: none here */
        if ((lo & 0x1c) == 0x1c || avail < 4)
            return 0;
        len = 4;
        word = lo | (uint32_t)code[2] << 16 | (uint32_t)code[3] << 24;
    }
    enum rv_fmt fmt = decode32(word, insn);
    if (fmt == FMT_ILLEGAL)
        return illegal(insn);
    insn->len = (uint8_t)len;
    if (fmt == FMT_RAW)
        snprintf(insn->text, sizeof insn->text, len == 2 ? ".2byte 0x%04x" : ".4byte 0x%08x",
                 (unsigned)(len == 2 ? lo : word));
    else
        format_text(insn, fmt, word);
    return len;
}
