/* tests/emu/test_rv64_decode.c: the RV64IMAC decoder on hand-assembled
 * encodings of every kind: text, operand fields, reserved encodings and
 * truncated input (the comparisons with LLVM 14 are in
 * test_rv64_decode_llvm.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emu/arch/rv64_decode.h"

/* ---- helpers -------------------------------------------------------------- */

/* Decodes `len` bytes of `bits` from a heap buffer of exactly `avail` bytes,
 * so AddressSanitizer catches any read past avail. */
static unsigned decode_bits(uint32_t bits, size_t avail, struct rv64_insn *in)
{
    uint8_t *buf = malloc(avail ? avail : 1);
    assert_non_null(buf);
    for (size_t i = 0; i < avail; i++)
        buf[i] = (uint8_t)(bits >> (8 * (i % 4)));
    unsigned len = rv64_decode(buf, avail, 0x80000000u, in);
    free(buf);
    return len;
}

static void assert_illegal(const struct rv64_insn *in)
{
    assert_int_equal(in->len, 0);
    assert_int_equal(in->kind, RV_ILLEGAL);
}

/* ---- hand-written encodings ----------------------------------------------- */

struct text_case {
    uint32_t bits;
    uint8_t len;
    enum rv64_kind kind;
    const char *text;
};

#define W(k, b, t)                                                                                 \
    {                                                                                              \
        b, 4, k, t                                                                                 \
    }
#define C(k, b, t)                                                                                 \
    {                                                                                              \
        b, 2, k, t                                                                                 \
    }

/* Encodings from llvm-mc --show-encoding (compressed ones from the c.*
 * mnemonic in the comment); the text is what the decoder must print. */
static const struct text_case text_cases[] = {
    W(RV_ALU, 0x00150513, "addi a0, a0, 1"), W(RV_ALU, 0x80000293, "addi t0, zero, -2048"),
    W(RV_ALU, 0xfff62593, "slti a1, a2, -1"), W(RV_ALU, 0x7ff63593, "sltiu a1, a2, 2047"),
    W(RV_ALU, 0xfff5c513, "xori a0, a1, -1"), W(RV_ALU, 0x0035e513, "ori a0, a1, 3"),
    W(RV_ALU, 0x0ff5f513, "andi a0, a1, 255"), W(RV_ALU, 0x03f51513, "slli a0, a0, 63"),
    W(RV_ALU, 0x0205d513, "srli a0, a1, 32"), W(RV_ALU, 0x4015d513, "srai a0, a1, 1"),
    W(RV_ALU, 0xfff5851b, "addiw a0, a1, -1"), W(RV_ALU, 0x01f5951b, "slliw a0, a1, 31"),
    W(RV_ALU, 0x0015d51b, "srliw a0, a1, 1"), W(RV_ALU, 0x41f5d51b, "sraiw a0, a1, 31"),
    W(RV_ALU, 0x40000537, "lui a0, 262144"), W(RV_ALU, 0xfffff537, "lui a0, 1048575"),
    W(RV_ALU, 0x0003d117, "auipc sp, 61"), W(RV_ALU, 0xfffff317, "auipc t1, 1048575"),
    W(RV_ALU, 0x00c58533, "add a0, a1, a2"), W(RV_ALU, 0x40c58533, "sub a0, a1, a2"),
    W(RV_ALU, 0x01499933, "sll s2, s3, s4"), W(RV_ALU, 0x007322b3, "slt t0, t1, t2"),
    W(RV_ALU, 0x00b03533, "sltu a0, zero, a1"), W(RV_ALU, 0x00c5c533, "xor a0, a1, a2"),
    W(RV_ALU, 0x00c5d533, "srl a0, a1, a2"), W(RV_ALU, 0x41eede33, "sra t3, t4, t5"),
    W(RV_ALU, 0x00c5e533, "or a0, a1, a2"), W(RV_ALU, 0x01fdfd33, "and s10, s11, t6"),
    W(RV_ALU, 0x00c5853b, "addw a0, a1, a2"), W(RV_ALU, 0x40c5853b, "subw a0, a1, a2"),
    W(RV_ALU, 0x00c5953b, "sllw a0, a1, a2"), W(RV_ALU, 0x00c5d53b, "srlw a0, a1, a2"),
    W(RV_ALU, 0x40c5d53b, "sraw a0, a1, a2"), W(RV_MUL, 0x02c58533, "mul a0, a1, a2"),
    W(RV_MUL, 0x02c59533, "mulh a0, a1, a2"), W(RV_MUL, 0x02c5a533, "mulhsu a0, a1, a2"),
    W(RV_MUL, 0x02c5b533, "mulhu a0, a1, a2"), W(RV_MUL, 0x02c5853b, "mulw a0, a1, a2"),
    W(RV_DIV, 0x02c5c533, "div a0, a1, a2"), W(RV_DIV, 0x02c5d533, "divu a0, a1, a2"),
    W(RV_DIV, 0x02c5e533, "rem a0, a1, a2"), W(RV_DIV, 0x02c5f533, "remu a0, a1, a2"),
    W(RV_DIV, 0x02c5c53b, "divw a0, a1, a2"), W(RV_DIV, 0x02c5d53b, "divuw a0, a1, a2"),
    W(RV_DIV, 0x02c5e53b, "remw a0, a1, a2"), W(RV_DIV, 0x02c5f53b, "remuw a0, a1, a2"),
    W(RV_LOAD, 0xfff58503, "lb a0, -1(a1)"), W(RV_LOAD, 0x00259503, "lh a0, 2(a1)"),
    W(RV_LOAD, 0x80042503, "lw a0, -2048(s0)"), W(RV_LOAD, 0x00813503, "ld a0, 8(sp)"),
    W(RV_LOAD, 0x7ff5c503, "lbu a0, 2047(a1)"), W(RV_LOAD, 0x0005d503, "lhu a0, 0(a1)"),
    W(RV_LOAD, 0x0041e503, "lwu a0, 4(gp)"), W(RV_STORE, 0xfea58fa3, "sb a0, -1(a1)"),
    W(RV_STORE, 0x00a59123, "sh a0, 2(a1)"), W(RV_STORE, 0x80a42023, "sw a0, -2048(s0)"),
    W(RV_STORE, 0x00113c23, "sd ra, 24(sp)"), W(RV_BRANCH, 0x00b50663, "beq a0, a1, 12"),
    W(RV_BRANCH, 0x80051063, "bne a0, zero, -4096"), W(RV_BRANCH, 0x7eb54fe3, "blt a0, a1, 4094"),
    W(RV_BRANCH, 0xfeb55fe3, "bge a0, a1, -2"), W(RV_BRANCH, 0x00b56463, "bltu a0, a1, 8"),
    W(RV_BRANCH, 0x00b57063, "bgeu a0, a1, 0"), W(RV_JAL, 0x001000ef, "jal ra, 2048"),
    W(RV_JAL, 0x8000006f, "jal zero, -1048576"), W(RV_JAL, 0x7ffff06f, "jal zero, 1048574"),
    W(RV_JALR, 0x000780e7, "jalr ra, 0(a5)"), W(RV_JALR, 0xfff30067, "jalr zero, -1(t1)"),
    W(RV_AMO, 0x1005a52f, "lr.w a0, (a1)"), W(RV_AMO, 0x1605b52f, "lr.d.aqrl a0, (a1)"),
    W(RV_AMO, 0x1ac5a52f, "sc.w.rl a0, a2, (a1)"), W(RV_AMO, 0x18c5b52f, "sc.d a0, a2, (a1)"),
    W(RV_AMO, 0x0cc5b52f, "amoswap.d.aq a0, a2, (a1)"),
    W(RV_AMO, 0x00c5a52f, "amoadd.w a0, a2, (a1)"), W(RV_AMO, 0x20c5a52f, "amoxor.w a0, a2, (a1)"),
    W(RV_AMO, 0x60c5b52f, "amoand.d a0, a2, (a1)"),
    W(RV_AMO, 0x46c5a52f, "amoor.w.aqrl a0, a2, (a1)"),
    W(RV_AMO, 0x80c5a52f, "amomin.w a0, a2, (a1)"), W(RV_AMO, 0xa0c5b52f, "amomax.d a0, a2, (a1)"),
    W(RV_AMO, 0xc7eebfaf, "amominu.d.aqrl t6, t5, (t4)"),
    W(RV_AMO, 0xe0c5a52f, "amomaxu.w a0, a2, (a1)"), W(RV_CSR, 0x18059573, "csrrw a0, satp, a1"),
    W(RV_CSR, 0x30002573, "csrrs a0, mstatus, zero"), W(RV_CSR, 0x1042b073, "csrrc zero, sie, t0"),
    W(RV_CSR, 0x340fd573, "csrrwi a0, mscratch, 31"),
    W(RV_CSR, 0x10016073, "csrrsi zero, sstatus, 2"),
    W(RV_CSR, 0xc8007573, "csrrci a0, 3200, 0"), /* cycleh: RV32 only */
    W(RV_CSR, 0x7c002573, "csrrs a0, 1984, zero"), W(RV_CSR, 0xc0002573, "csrrs a0, cycle, zero"),
    W(RV_CSR, 0x3a259573, "csrrw a0, pmpcfg2, a1"),
    W(RV_CSR, 0x3a159573, "csrrw a0, 929, a1"), /* pmpcfg1: RV32 only */
    W(RV_CSR, 0xc1f02573, "csrrs a0, hpmcounter31, zero"),
    W(RV_FENCE, 0x0ff0000f, "fence iorw, iorw"), W(RV_FENCE, 0x0310000f, "fence rw, w"),
    W(RV_FENCE, 0x0840000f, "fence i, o"),
    W(RV_FENCE, 0x0000000f, ".4byte 0x0000000f"), /* LLVM 14: "fence unknown, unknown" */
    W(RV_FENCE, 0x8330000f, "fence.tso"), W(RV_FENCE, 0x0000100f, "fence.i"),
    W(RV_SFENCE_VMA, 0x12000073, "sfence.vma zero, zero"),
    W(RV_SFENCE_VMA, 0x12b50073, "sfence.vma a0, a1"), W(RV_ECALL, 0x00000073, "ecall"),
    W(RV_EBREAK, 0x00100073, "ebreak"), W(RV_XRET, 0x10200073, "sret"),
    W(RV_XRET, 0x30200073, "mret"), W(RV_WFI, 0x10500073, "wfi"),
    W(RV_OTHER, 0x00813507, ".4byte 0x00813507"), /* fld fa0, 8(sp) */
    W(RV_OTHER, 0x00a13427, ".4byte 0x00a13427"), /* fsd fa0, 8(sp) */
    W(RV_OTHER, 0x02b57553, ".4byte 0x02b57553"), /* fadd.d fa0, fa0, fa1 */
    C(RV_ALU, 0x0001, "addi zero, zero, 0"),      /* c.nop */
    C(RV_ALU, 0x0505, "addi a0, a0, 1"),          /* c.addi a0, 1 */
    C(RV_ALU, 0x1101, "addi sp, sp, -32"),        /* c.addi sp, -32 */
    C(RV_ALU, 0x713d, "addi sp, sp, -32"),        /* c.addi16sp sp, -32 */
    C(RV_ALU, 0x617d, "addi sp, sp, 496"),        /* c.addi16sp sp, 496 */
    C(RV_ALU, 0x0808, "addi a0, sp, 16"),         /* c.addi4spn a0, sp, 16 */
    C(RV_ALU, 0x1fe4, "addi s1, sp, 1020"),       /* c.addi4spn s1, sp, 1020 */
    C(RV_ALU, 0x357d, "addiw a0, a0, -1"),        /* c.addiw a0, -1 */
    C(RV_ALU, 0x557d, "addi a0, zero, -1"),       /* c.li a0, -1 */
    C(RV_ALU, 0x42fd, "addi t0, zero, 31"),       /* c.li t0, 31 */
    C(RV_ALU, 0x62ad, "lui t0, 11"),              /* c.lui t0, 11 */
    C(RV_ALU, 0x757d, "lui a0, 1048575"),         /* c.lui a0, 1048575 */
    C(RV_ALU, 0x7d81, "lui s11, 1048544"),        /* c.lui s11, 1048544 */
    C(RV_ALU, 0x907d, "srli s0, s0, 63"),         /* c.srli s0, 63 */
    C(RV_ALU, 0x8785, "srai a5, a5, 1"),          /* c.srai a5, 1 */
    C(RV_ALU, 0x9901, "andi a0, a0, -32"),        /* c.andi a0, -32 */
    C(RV_ALU, 0x8d0d, "sub a0, a0, a1"),          /* c.sub a0, a1 */
    C(RV_ALU, 0x8d2d, "xor a0, a0, a1"),          /* c.xor a0, a1 */
    C(RV_ALU, 0x8d4d, "or a0, a0, a1"),           /* c.or a0, a1 */
    C(RV_ALU, 0x8d6d, "and a0, a0, a1"),          /* c.and a0, a1 */
    C(RV_ALU, 0x9d0d, "subw a0, a0, a1"),         /* c.subw a0, a1 */
    C(RV_ALU, 0x9d2d, "addw a0, a0, a1"),         /* c.addw a0, a1 */
    C(RV_ALU, 0x1502, "slli a0, a0, 32"),         /* c.slli a0, 32 */
    C(RV_ALU, 0x852e, "add a0, zero, a1"),        /* c.mv a0, a1 */
    C(RV_ALU, 0x952e, "add a0, a0, a1"),          /* c.add a0, a1 */
    C(RV_JALR, 0x8082, "jalr zero, 0(ra)"),       /* c.jr ra */
    C(RV_JALR, 0x9782, "jalr ra, 0(a5)"),         /* c.jalr a5 */
    C(RV_EBREAK, 0x9002, "ebreak"),               /* c.ebreak */
    C(RV_JAL, 0xb001, "jal zero, -2048"),         /* c.j -2048 */
    C(RV_JAL, 0xaffd, "jal zero, 2046"),          /* c.j 2046 */
    C(RV_BRANCH, 0xd101, "beq a0, zero, -256"),   /* c.beqz a0, -256 */
    C(RV_BRANCH, 0xecfd, "bne s1, zero, 254"),    /* c.bnez s1, 254 */
    C(RV_LOAD, 0x5de8, "lw a0, 124(a1)"),         /* c.lw a0, 124(a1) */
    C(RV_LOAD, 0x7de8, "ld a0, 248(a1)"),         /* c.ld a0, 248(a1) */
    C(RV_STORE, 0xc1c8, "sw a0, 4(a1)"),          /* c.sw a0, 4(a1) */
    C(RV_STORE, 0xe588, "sd a0, 8(a1)"),          /* c.sd a0, 8(a1) */
    C(RV_LOAD, 0x50fe, "lw ra, 252(sp)"),         /* c.lwsp ra, 252(sp) */
    C(RV_LOAD, 0x70fe, "ld ra, 504(sp)"),         /* c.ldsp ra, 504(sp) */
    C(RV_STORE, 0xdfaa, "sw a0, 252(sp)"),        /* c.swsp a0, 252(sp) */
    C(RV_STORE, 0xff86, "sd ra, 504(sp)"),        /* c.sdsp ra, 504(sp) */
    /* hints: valid, they execute as their expansion (a no-op) */
    C(RV_ALU, 0x0015, "addi zero, zero, 5"), /* c.nop 5 */
    C(RV_ALU, 0x0501, "addi a0, a0, 0"),     /* c.addi a0, 0 */
    C(RV_ALU, 0x4015, "addi zero, zero, 5"), /* c.li zero, 5 */
    C(RV_ALU, 0x6005, "lui zero, 1"),        /* c.lui zero, 1 */
    C(RV_ALU, 0x802e, "add zero, zero, a1"), /* c.mv zero, a1 */
    C(RV_ALU, 0x902e, "add zero, zero, a1"), /* c.add zero, a1 */
    C(RV_ALU, 0x0082, "slli ra, ra, 0"),     /* c.slli64 ra */
    C(RV_ALU, 0x8001, "srli s0, s0, 0"),     /* c.srli64 s0 */
    C(RV_OTHER, 0x2522, ".2byte 0x2522"),    /* c.fldsp fa0, 8(sp) */
    C(RV_OTHER, 0xa522, ".2byte 0xa522"),    /* c.fsdsp fs0, 136(sp) */
    C(RV_OTHER, 0x2588, ".2byte 0x2588"),    /* c.fld fa0, 8(a1) */
};

/* Every kind: length, kind, text, and a mnemonic that is the text's first
 * word. */
static void every_kind_decodes_to_llvm_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
        const struct text_case *c = &text_cases[i];
        struct rv64_insn in;
        unsigned len = decode_bits(c->bits, c->len, &in);
        if (len != c->len || in.kind != c->kind || strcmp(in.text, c->text) != 0)
            fail_msg("0x%0*x: len %u kind %d \"%s\", want %u %d \"%s\"", c->len * 2,
                     (unsigned)c->bits, len, in.kind, in.text, c->len, c->kind, c->text);
        assert_int_equal(in.len, len);
        size_t m = strlen(in.mnemonic);
        assert_true(m > 0);
        if (c->text[0] != '.') /* not raw data */
            assert_true(strncmp(in.text, in.mnemonic, m) == 0 &&
                        (in.text[m] == ' ' || in.text[m] == '\0'));
    }
}

struct field_case {
    uint32_t bits;
    uint8_t len;
    int8_t rd, rs1, rs2;
    int64_t imm;
    uint16_t csr;
};

/* Operand fields, where the text alone does not say what they hold. */
static const struct field_case field_cases[] = {
    {0x00150513, 4, 10, 10, -1, 1, 0},          /* addi a0, a0, 1 */
    {0x40000537, 4, 10, -1, -1, 0x40000000, 0}, /* lui a0, 262144 */
    {0xfffff537, 4, 10, -1, -1, -4096, 0},      /* lui a0, 1048575 */
    {0xfffff317, 4, 6, -1, -1, -4096, 0},       /* auipc t1, 1048575 */
    {0x4015d513, 4, 10, 11, -1, 1, 0},          /* srai a0, a1, 1 */
    {0x41f5d51b, 4, 10, 11, -1, 31, 0},         /* sraiw a0, a1, 31 */
    {0x01499933, 4, 18, 19, 20, 0, 0},          /* sll s2, s3, s4 */
    {0x80042503, 4, 10, 8, -1, -2048, 0},       /* lw a0, -2048(s0) */
    {0xfea58fa3, 4, -1, 11, 10, -1, 0},         /* sb a0, -1(a1) */
    {0x80051063, 4, -1, 10, 0, -4096, 0},       /* bne a0, zero, -4096 */
    {0x8000006f, 4, 0, -1, -1, -1048576, 0},    /* jal zero, -1048576 */
    {0xfff30067, 4, 0, 6, -1, -1, 0},           /* jalr zero, -1(t1) */
    {0x1605b52f, 4, 10, 11, -1, 0, 0},          /* lr.d.aqrl a0, (a1) */
    {0xc7eebfaf, 4, 31, 29, 30, 0, 0},          /* amominu.d.aqrl t6, t5, (t4) */
    {0x18059573, 4, 10, 11, -1, 0, 0x180},      /* csrrw a0, satp, a1 */
    {0x340fd573, 4, 10, -1, -1, 31, 0x340},     /* csrrwi a0, mscratch, 31 */
    {0x0ff0000f, 4, -1, -1, -1, 0xff, 0},       /* fence iorw, iorw */
    {0x12b50073, 4, -1, 10, 11, 0, 0},          /* sfence.vma a0, a1 */
    {0x10200073, 4, -1, -1, -1, 0, 0},          /* sret */
    {0x0001, 2, 0, 0, -1, 0, 0},                /* c.nop */
    {0x713d, 2, 2, 2, -1, -32, 0},              /* c.addi16sp sp, -32 */
    {0x1fe4, 2, 9, 2, -1, 1020, 0},             /* c.addi4spn s1, sp, 1020 */
    {0x557d, 2, 10, 0, -1, -1, 0},              /* c.li a0, -1 */
    {0x757d, 2, 10, -1, -1, -4096, 0},          /* c.lui a0, 1048575 */
    {0x907d, 2, 8, 8, -1, 63, 0},               /* c.srli s0, 63 */
    {0x852e, 2, 10, 0, 11, 0, 0},               /* c.mv a0, a1 */
    {0x952e, 2, 10, 10, 11, 0, 0},              /* c.add a0, a1 */
    {0x9d0d, 2, 10, 10, 11, 0, 0},              /* c.subw a0, a1 */
    {0x8082, 2, 0, 1, -1, 0, 0},                /* c.jr ra */
    {0x9782, 2, 1, 15, -1, 0, 0},               /* c.jalr a5 */
    {0x9002, 2, -1, -1, -1, 0, 0},              /* c.ebreak */
    {0xb001, 2, 0, -1, -1, -2048, 0},           /* c.j -2048 */
    {0xd101, 2, -1, 10, 0, -256, 0},            /* c.beqz a0, -256 */
    {0xff86, 2, -1, 2, 1, 504, 0},              /* c.sdsp ra, 504(sp) */
    {0x5de8, 2, 10, 11, -1, 124, 0},            /* c.lw a0, 124(a1) */
    {0x2522, 2, -1, 2, -1, 8, 0},               /* c.fldsp fa0, 8(sp) */
};

static void operand_fields_are_decoded(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof field_cases / sizeof field_cases[0]; i++) {
        const struct field_case *c = &field_cases[i];
        struct rv64_insn in;
        assert_int_equal(decode_bits(c->bits, c->len, &in), c->len);
        if (in.rd != c->rd || in.rs1 != c->rs1 || in.rs2 != c->rs2 || in.imm != c->imm ||
            in.csr != c->csr)
            fail_msg("0x%x (%s): rd %d rs1 %d rs2 %d imm %lld csr 0x%x", (unsigned)c->bits, in.text,
                     in.rd, in.rs1, in.rs2, (long long)in.imm, in.csr);
    }
}

/* Reserved and unknown encodings, 16 and 32 bits long. */
static const uint32_t illegal_16[] = {
    0x0000, /* c.unimp / c.addi4spn with nzuimm 0 */
    0x0010, /* c.addi4spn a2, sp, 0 */
    0x8000, /* quadrant 0 funct3 100 */
    0x2001, /* c.addiw zero, 0 */
    0x2015, /* c.addiw zero, 5 */
    0x6101, /* c.addi16sp sp, 0 */
    0x6501, /* c.lui a0, 0 */
    0x6001, /* c.lui zero, 0 */
    0x9c41, /* quadrant 1 funct6 100111, funct2 10 */
    0x9c61, /* quadrant 1 funct6 100111, funct2 11 */
    0x4002, /* c.lwsp zero, 0(sp) */
    0x6002, /* c.ldsp zero, 0(sp) */
    0x8002, /* c.jr zero */
};

static const uint32_t illegal_32[] = {
    0xffffffff,                                     /* 48-bit and longer prefixes */
    0x0000001f, 0x0000003f, 0x0000007f, 0x00007003, /* load funct3 7 */
    0x00004023,                                     /* store funct3 4 */
    0x00002063,                                     /* branch funct3 2 */
    0x00001067,                                     /* jalr funct3 1 */
    0x04c58533,                                     /* OP funct7 2 */
    0x02c5953b,                                     /* OP-32 funct7 1 funct3 1 */
    0x00c5a53b,                                     /* OP-32 funct3 2 */
    0x00c5c53b,                                     /* OP-32 funct3 4 */
    0x40c5953b,                                     /* sllw with funct7 0x20 */
    0x08151513,                                     /* slli with bit 27 set */
    0x8015d513,                                     /* srli with bit 31 set */
    0x0205951b,                                     /* slliw with shamt bit 5 */
    0x0000201b,                                     /* OP-IMM-32 funct3 2 */
    0x1015a52f,                                     /* lr.w with rs2 1 */
    0x0c05c52f,                                     /* amo funct3 4 */
    0x28c5a52f,                                     /* amo funct5 00101 */
    0x00004073,                                     /* SYSTEM funct3 4 */
    0x00200073,                                     /* uret */
    0x7b200073,                                     /* dret */
    0x10500573,                                     /* wfi with rd a0 */
    0x12000573,                                     /* sfence.vma with rd a0 */
    0x0000005b,                                     /* custom-2 */
    0x0000000b,                                     /* custom-0 */
    0x0000200f,                                     /* misc-mem funct3 2 */
    0x0ff0050f,                                     /* fence with rd a0 */
    0x1ff0000f,                                     /* fence with fm 0001 */
    0x0000110f,                                     /* fence.i with rd 2 */
    0x0010100f,                                     /* fence.i with imm 1 */
    0x04000553,                                     /* fp with fmt 10 (half) */
};

static void reserved_encodings_are_illegal(void **state)
{
    (void)state;
    struct rv64_insn in;
    for (size_t i = 0; i < sizeof illegal_16 / sizeof illegal_16[0]; i++) {
        if (decode_bits(illegal_16[i], 2, &in) != 0)
            fail_msg("0x%04x decoded as \"%s\"", (unsigned)illegal_16[i], in.text);
        assert_illegal(&in);
        assert_string_equal(in.mnemonic, "");
    }
    for (size_t i = 0; i < sizeof illegal_32 / sizeof illegal_32[0]; i++) {
        uint32_t w = illegal_32[i];
        if (decode_bits(w, 4, &in) != 0)
            fail_msg("0x%08x decoded as \"%s\"", (unsigned)w, in.text);
        assert_illegal(&in);
    }
}

/* Fewer bytes than the instruction needs: illegal, and nothing past avail is
 * read (the buffers are exactly avail bytes, for AddressSanitizer). */
static void truncated_input_is_illegal(void **state)
{
    (void)state;
    struct rv64_insn in;
    assert_int_equal(rv64_decode(NULL, 0, 0, &in), 0);
    assert_illegal(&in);
    for (size_t avail = 0; avail < 4; avail++) {
        assert_int_equal(decode_bits(0x00150513, avail, &in), 0); /* addi a0, a0, 1 */
        assert_illegal(&in);
    }
    assert_int_equal(decode_bits(0x0505, 1, &in), 0); /* c.addi, one byte */
    assert_illegal(&in);
    assert_int_equal(decode_bits(0x0505, 2, &in), 2);
    assert_int_equal(decode_bits(0x0505, 3, &in), 2);
    assert_int_equal(decode_bits(0x00150513, 4, &in), 4);
    /* a failed decode after a good one leaves no stale fields */
    assert_int_equal(decode_bits(0x0000, 2, &in), 0);
    assert_int_equal(in.rd, -1);
    assert_string_equal(in.text, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_decodes_to_llvm_text),
        cmocka_unit_test(operand_fields_are_decoded),
        cmocka_unit_test(reserved_encodings_are_illegal),
        cmocka_unit_test(truncated_input_is_illegal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
