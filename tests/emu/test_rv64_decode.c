/* tests/emu/test_rv64_decode.c: the RV64IMAC decoder, on hand-assembled
 * encodings of every kind, and against LLVM 14: llvm-objdump on the guest
 * images, llvm-mc --disassemble on every 16-bit encoding and on many 32-bit
 * ones, and llvm-mc/llvm-mca on the decoder's own text.
 *   test_emu_rv64_decode [GUEST_RISCV64_DIR LLVM_OBJDUMP LLVM_MC LLVM_MCA]
 * Without arguments (or with missing tools) the LLVM tests are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <elf.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "emu/arch/rv64_decode.h"

static const char *guest_dir, *llvm_objdump, *llvm_mc, *llvm_mca;

#define MC_FLAGS "--triple=riscv64 -mattr=+m,+a,+c"
#define MAX_REPORTED 20

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

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* Returns the x-register number of an ABI name, -1 if it is not one. */
static int reg_number(const char *name, size_t n)
{
    for (int i = 0; i < 32; i++)
        if (strlen(reg_names[i]) == n && strncmp(reg_names[i], name, n) == 0)
            return i;
    return -1;
}

/* Splits assembly operands into the registers and the decimal numbers they
 * mention, in order; CSR names, fence sets and "(" ")" are skipped. */
struct operands {
    int regs[4], nregs;
    long long nums[4];
    int nnums;
};

static void scan_operands(const char *ops, struct operands *o)
{
    memset(o, 0, sizeof *o);
    const char *p = ops;
    while (*p) {
        size_t n = strcspn(p, " ,()");
        if (n == 0) {
            p++;
            continue;
        }
        int r = reg_number(p, n);
        char *end;
        long long v = strtoll(p, &end, 10);
        if (r >= 0 && o->nregs < 4)
            o->regs[o->nregs++] = r;
        else if (end == p + n && o->nnums < 4)
            o->nums[o->nnums++] = v;
        p += n;
    }
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

/* ---- comparison with LLVM's printer ------------------------------------------ */

/* How a c.* instruction's LLVM operands map onto the expansion's registers. */
enum cpat {
    P_RI,
    P_LI,
    P_LUI,
    P_MV,
    P_RR,
    P_J,
    P_JR,
    P_JALR,
    P_BZ,
    P_LOAD,
    P_STORE,
    P_NOP,
    P_NONE
};

static const struct {
    const char *c, *base;
    enum cpat pat;
} cmap[] = {
    {"c.addi", "addi", P_RI},     {"c.addiw", "addiw", P_RI},     {"c.slli", "slli", P_RI},
    {"c.srli", "srli", P_RI},     {"c.srai", "srai", P_RI},       {"c.andi", "andi", P_RI},
    {"c.slli64", "slli", P_RI},   {"c.srli64", "srli", P_RI},     {"c.srai64", "srai", P_RI},
    {"c.addi16sp", "addi", P_RI}, {"c.addi4spn", "addi", P_LOAD}, {"c.li", "addi", P_LI},
    {"c.lui", "lui", P_LUI},      {"c.mv", "add", P_MV},          {"c.add", "add", P_RR},
    {"c.sub", "sub", P_RR},       {"c.xor", "xor", P_RR},         {"c.or", "or", P_RR},
    {"c.and", "and", P_RR},       {"c.subw", "subw", P_RR},       {"c.addw", "addw", P_RR},
    {"c.j", "jal", P_J},          {"c.jr", "jalr", P_JR},         {"c.jalr", "jalr", P_JALR},
    {"c.beqz", "beq", P_BZ},      {"c.bnez", "bne", P_BZ},        {"c.ld", "ld", P_LOAD},
    {"c.lw", "lw", P_LOAD},       {"c.ldsp", "ld", P_LOAD},       {"c.lwsp", "lw", P_LOAD},
    {"c.sd", "sd", P_STORE},      {"c.sw", "sw", P_STORE},        {"c.sdsp", "sd", P_STORE},
    {"c.swsp", "sw", P_STORE},    {"c.nop", "addi", P_NOP},       {"c.ebreak", "ebreak", P_NONE},
};

/* Expected registers of a compressed instruction from LLVM's operands. */
static bool expand_regs(enum cpat pat, const struct operands *o, int r[3])
{
    const int *g = o->regs;
    r[0] = r[1] = r[2] = -1;
    switch (pat) {
    case P_RI:
        r[0] = r[1] = g[0];
        return o->nregs == 1;
    case P_LI:
        r[0] = g[0], r[1] = 0;
        return o->nregs == 1;
    case P_LUI:
        r[0] = g[0];
        return o->nregs == 1;
    case P_MV:
        r[0] = g[0], r[1] = 0, r[2] = g[1];
        return o->nregs == 2;
    case P_RR:
        r[0] = r[1] = g[0], r[2] = g[1];
        return o->nregs == 2;
    case P_J:
        r[0] = 0;
        return o->nregs == 0;
    case P_JR:
    case P_JALR:
        r[0] = pat == P_JALR, r[1] = g[0];
        return o->nregs == 1;
    case P_BZ:
        r[1] = g[0], r[2] = 0;
        return o->nregs == 1;
    case P_LOAD:
        r[0] = g[0], r[1] = g[1];
        return o->nregs == 2;
    case P_STORE:
        r[2] = g[0], r[1] = g[1];
        return o->nregs == 2;
    case P_NOP:
        r[0] = r[1] = 0;
        return o->nregs == 0;
    case P_NONE:
        return o->nregs == 0;
    }
    return false;
}

/* Whether the expansion shows the compressed form's numbers, plus a 0
 * offset or shift that the compressed form leaves implicit (c.jr, c.slli64,
 * c.nop). LLVM 14 prints the imm20 of c.lui's rd-zero hint form as a
 * negative number, of the other forms as 20-bit unsigned: compare mod 2^20. */
static bool same_numbers(enum cpat pat, const struct operands *lo, const struct operands *mine)
{
    if (lo->nnums == 0)
        return mine->nnums == 0 || (mine->nnums == 1 && mine->nums[0] == 0);
    if (lo->nnums != mine->nnums)
        return false;
    for (int i = 0; i < lo->nnums; i++) {
        long long a = lo->nums[i], b = mine->nums[i];
        if (pat == P_LUI ? ((a ^ b) & 0xfffff) != 0 : a != b)
            return false;
    }
    return true;
}

/* Expected registers of a base instruction from LLVM's operand order. */
static void base_regs(const char *mnem, const struct operands *o, int r[3])
{
    static const char *const stores[] = {"sb", "sh", "sw", "sd"};
    static const char *const branches[] = {"beq", "bne", "blt", "bge", "bltu", "bgeu"};
    int order[3] = {0, 1, 2}; /* operand i holds field order[i]: rd, rs1, rs2 */
    for (size_t i = 0; i < 4; i++)
        if (strcmp(mnem, stores[i]) == 0)
            order[0] = 2, order[1] = 1;
    for (size_t i = 0; i < 6; i++)
        if (strcmp(mnem, branches[i]) == 0)
            order[0] = 1, order[1] = 2;
    if (strcmp(mnem, "sfence.vma") == 0)
        order[0] = 1, order[1] = 2;
    if (strncmp(mnem, "amo", 3) == 0 || strncmp(mnem, "sc.", 3) == 0)
        order[1] = 2, order[2] = 1;
    r[0] = r[1] = r[2] = -1;
    for (int i = 0; i < o->nregs && i < 3; i++)
        r[order[i]] = o->regs[i];
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Compares a decode with LLVM's "mnem ops" for the same bytes. Returns true
 * when they agree, up to the documented differences; writes why not. */
static bool agrees_with_llvm(const struct rv64_insn *in, unsigned llvm_len, const char *mnem,
                             const char *ops, char *why, size_t n)
{
    int want[3];
    struct operands lo, mine;
    /* Not valid instructions, whatever LLVM 14 prints: the all-zero parcel,
     * reserved c.lui with 0, uret (N extension) and dret (debug mode). */
    if (strcmp(mnem, "<unknown>") == 0 && in->kind == RV_OTHER)
        return true; /* F/D, which LLVM decodes only with +f/+d */
    if (strcmp(mnem, "<unknown>") == 0 || strcmp(mnem, "c.unimp") == 0 ||
        strcmp(mnem, "uret") == 0 || strcmp(mnem, "dret") == 0 ||
        (strcmp(mnem, "c.lui") == 0 && ends_with(ops, ", 0"))) {
        snprintf(why, n, "want illegal, got \"%s\"", in->text);
        return in->len == 0;
    }
    if (in->len != llvm_len) {
        snprintf(why, n, "len %u, want %u", in->len, llvm_len);
        return false;
    }
    /* LLVM names 0xc0001073 "unimp"; it is csrrw zero, cycle, zero. */
    if (strcmp(mnem, "unimp") == 0) {
        snprintf(why, n, "want csrrw zero, cycle, zero");
        return strcmp(in->text, "csrrw zero, cycle, zero") == 0;
    }
    scan_operands(ops, &lo);
    scan_operands(in->text + strlen(in->mnemonic), &mine);
    if (strncmp(mnem, "c.", 2) == 0) {
        size_t i = 0, count = sizeof cmap / sizeof cmap[0];
        while (i < count && strcmp(cmap[i].c, mnem) != 0)
            i++;
        snprintf(why, n, "unknown compressed mnemonic");
        if (i == count || !expand_regs(cmap[i].pat, &lo, want))
            return false;
        snprintf(why, n, "want %s with x%d x%d x%d", cmap[i].base, want[0], want[1], want[2]);
        if (strcmp(in->mnemonic, cmap[i].base) != 0)
            return false;
        if (!same_numbers(cmap[i].pat, &lo, &mine))
            return false;
    } else {
        char full[160];
        snprintf(full, sizeof full, "%s%s%s", mnem, ops[0] ? " " : "", ops);
        /* LLVM 14 prints an empty fence set as "unknown", which it cannot
         * assemble; the decoder prints those as data. */
        bool fence_unknown = strstr(ops, "unknown") && strncmp(in->text, ".4byte ", 7) == 0;
        snprintf(why, n, "want \"%s\"", full);
        if (!fence_unknown && strcmp(in->text, full) != 0)
            return false;
        if (strcmp(in->mnemonic, mnem) != 0)
            return false;
        base_regs(mnem, &lo, want);
    }
    snprintf(why, n, "registers x%d x%d x%d, want x%d x%d x%d", in->rd, in->rs1, in->rs2, want[0],
             want[1], want[2]);
    return in->rd == want[0] && in->rs1 == want[1] && in->rs2 == want[2];
}

/* ---- running LLVM --------------------------------------------------------------- */

static bool tool_ok(const char *path)
{
    return path && access(path, X_OK) == 0;
}

/* Skips the current test unless every given tool exists. */
#define NEED_TOOLS(...)                                                                            \
    do {                                                                                           \
        const char *tools_[] = {__VA_ARGS__};                                                      \
        for (size_t i_ = 0; i_ < sizeof tools_ / sizeof tools_[0]; i_++)                           \
            if (!tool_ok(tools_[i_]))                                                              \
                skip();                                                                            \
    } while (0)

/* Runs a shell command; returns its exit status, -1 when it did not exit. */
static int run(const char *cmd)
{
    int st = system(cmd);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Creates a temporary file; returns it open for writing, its name in path. */
static FILE *temp_file(char *path, size_t n)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, n, "%s/rv64_decode_XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    return f;
}

/* One line of llvm-mc --disassemble --show-encoding output:
 * "\tMNEM\tOPS   # encoding: [0x13,0x05,...]". Returns false for others. */
static bool parse_mc_line(char *line, char **mnem, char **ops, uint32_t *bits, unsigned *len)
{
    char *enc = strstr(line, "# encoding: [");
    if (line[0] != '\t' || !enc)
        return false;
    *bits = 0;
    *len = 0;
    for (char *p = enc + 13; *p && *p != ']' && *len < 4; (*len)++) {
        *bits |= (uint32_t)strtoul(p, &p, 16) << (8 * *len);
        if (*p == ',')
            p++;
    }
    for (char *e = enc; e > line && (e[-1] == ' ' || e[-1] == '\t'); e--)
        e[-1] = '\0';
    *mnem = line + 1;
    char *tab = strchr(*mnem, '\t');
    *ops = tab ? tab + 1 : *mnem + strlen(*mnem);
    if (tab)
        *tab = '\0';
    return true;
}

/* Feeds `count` encodings (one per line) to llvm-mc --disassemble and checks
 * the decoder on each; encodings LLVM rejects must be illegal or RV_OTHER
 * (LLVM runs without F/D). Returns the number of disagreements. */
static unsigned compare_with_llvm_mc(const uint32_t *words, const uint8_t *lens, size_t count)
{
    char in_path[256], cmd[1024];
    FILE *f = temp_file(in_path, sizeof in_path);
    for (size_t i = 0; i < count; i++) {
        for (unsigned b = 0; b < lens[i]; b++)
            fprintf(f, "0x%02x ", (unsigned)(words[i] >> (8 * b)) & 0xff);
        fputc('\n', f);
    }
    assert_int_equal(fclose(f), 0);
    snprintf(cmd, sizeof cmd,
             "'%s' --disassemble %s -M no-aliases --show-encoding '%s' 2>/dev/null", llvm_mc,
             MC_FLAGS, in_path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *line = NULL, *mnem = NULL, *ops = NULL, why[200];
    size_t cap = 0;
    unsigned bad = 0, llvm_len = 0;
    uint32_t llvm_bits = 0;
    bool have = false;
    size_t decoded = 0;
    for (size_t i = 0; i < count; i++) {
        while (!have && getline(&line, &cap, p) >= 0)
            have = parse_mc_line(line, &mnem, &ops, &llvm_bits, &llvm_len);
        struct rv64_insn in;
        uint8_t bytes[4];
        for (unsigned b = 0; b < 4; b++)
            bytes[b] = (uint8_t)(words[i] >> (8 * b));
        rv64_decode(bytes, lens[i], 0, &in);
        /* LLVM prints nothing for what it rejects: a line belongs to the
         * first word whose bytes it shows */
        bool mine = have && llvm_bits == words[i] && llvm_len == lens[i];
        bool ok;
        if (mine) {
            ok = agrees_with_llvm(&in, llvm_len, mnem, ops, why, sizeof why);
            have = false;
            decoded++;
        } else {
            ok = in.len == 0 || in.kind == RV_OTHER;
            snprintf(why, sizeof why, "LLVM rejects it, decoder \"%s\"", in.text);
        }
        if (!ok && bad++ < MAX_REPORTED)
            print_message("0x%0*x: llvm \"%s %s\": %s\n", lens[i] * 2, (unsigned)words[i],
                          mine ? mnem : "(invalid)", mine ? ops : "", why);
    }
    while (!have && getline(&line, &cap, p) >= 0)
        have = parse_mc_line(line, &mnem, &ops, &llvm_bits, &llvm_len);
    assert_false(have); /* every line LLVM printed was matched to a word */
    print_message("%zu of %zu encodings decoded by LLVM, %u disagreements\n", decoded, count, bad);
    free(line);
    pclose(p);
    unlink(in_path);
    return bad;
}

/* Every 16-bit encoding: compressed ones against LLVM's c.* form. */
static void every_16bit_encoding_matches_llvm_mc(void **state)
{
    (void)state;
    NEED_TOOLS(llvm_mc);
    uint32_t *words = calloc(0x10000, sizeof *words);
    uint8_t *lens = calloc(0x10000, 1);
    assert_true(words && lens);
    size_t count = 0;
    for (uint32_t h = 0; h < 0x10000; h++) {
        if ((h & 3) == 3)
            continue;
        words[count] = h;
        lens[count++] = 2;
    }
    unsigned bad = compare_with_llvm_mc(words, lens, count);
    free(words);
    free(lens);
    assert_int_equal(bad, 0);
}

/* xorshift64: a fixed sequence, so failures reproduce. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A 32-bit word near the valid encodings: a known major opcode, and a
 * funct7 that is often one the decoder knows. */
static uint32_t random_word(uint64_t *s)
{
    static const uint8_t opcodes[] = {0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27,
                                      0x2f, 0x33, 0x37, 0x3b, 0x43, 0x53, 0x63, 0x67,
                                      0x6f, 0x73, 0x0b, 0x2b, 0x57, 0x5b, 0x6b, 0x7b};
    static const uint8_t funct7s[] = {0x00, 0x20, 0x01, 0x09, 0x08, 0x18, 0x30};
    uint64_t r = next_random(s);
    uint32_t w = (uint32_t)(r >> 7) << 7 | opcodes[r % sizeof opcodes];
    switch ((r >> 40) % 4) {
    case 0:
        w = (w & 0x01ffffffu) | (uint32_t)funct7s[(r >> 44) % sizeof funct7s] << 25;
        break;
    case 1:
        w &= 0x83ffffffu; /* funct6/funct5 patterns with small values */
        break;
    }
    return w;
}

/* 32-bit encodings: every CSR number, every SYSTEM funct3-0 and MISC-MEM
 * immediate, and random words around the known opcodes; LLVM's text must
 * be the decoder's text. */
static void many_32bit_encodings_match_llvm_mc(void **state)
{
    (void)state;
    NEED_TOOLS(llvm_mc);
    enum { RANDOM = 300000, COUNT = 3 * 4096 + 4 * 32 + RANDOM };
    uint32_t *words = calloc(COUNT, sizeof *words);
    uint8_t *lens = calloc(COUNT, 1);
    assert_true(words && lens);
    size_t n = 0;
    for (uint32_t csr = 0; csr < 4096; csr++)
        words[n++] = csr << 20 | 11 << 15 | 2 << 12 | 10 << 7 | 0x73; /* csrrs a0, csr, a1 */
    for (uint32_t imm = 0; imm < 4096; imm++)
        words[n++] = imm << 20 | 0x73;
    for (uint32_t imm = 0; imm < 4096; imm++)
        words[n++] = imm << 20 | 0x0f;
    for (uint32_t r = 0; r < 32; r++) {
        words[n++] = 0x12000073 | r << 15 | (31 - r) << 20; /* sfence.vma */
        words[n++] = 0x100000ef | r << 7;                   /* jal */
        words[n++] = 0x0005a52f | r << 27;                  /* amo*.w funct5 r */
        words[n++] = 0x0205f53b | r << 25;                  /* OP-32 funct7 */
    }
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    while (n < COUNT)
        words[n++] = random_word(&seed);
    memset(lens, 4, COUNT);
    unsigned bad = compare_with_llvm_mc(words, lens, COUNT);
    free(words);
    free(lens);
    assert_int_equal(bad, 0);
}

/* ---- guest images --------------------------------------------------------------- */

struct section {
    uint64_t addr, size;
    const uint8_t *bytes;
};

struct image {
    uint8_t *data;
    struct section text[16];
    unsigned ntext;
};

/* Reads a RISC-V ELF64 file and finds its executable sections. */
static void load_image(const char *path, struct image *img)
{
    memset(img, 0, sizeof *img);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > (long)sizeof(Elf64_Ehdr));
    rewind(f);
    img->data = malloc((size_t)size);
    assert_non_null(img->data);
    assert_int_equal(fread(img->data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->data;
    assert_int_equal(memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
    assert_int_equal(eh->e_machine, EM_RISCV);
    assert_true(eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) <= (uint64_t)size);
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img->data + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum && img->ntext < 16; i++) {
        if (sh[i].sh_type != SHT_PROGBITS || !(sh[i].sh_flags & SHF_EXECINSTR))
            continue;
        assert_true(sh[i].sh_offset + sh[i].sh_size <= (uint64_t)size);
        img->text[img->ntext++] =
            (struct section){sh[i].sh_addr, sh[i].sh_size, img->data + sh[i].sh_offset};
    }
}

/* Returns the bytes at guest address addr and how many follow in the
 * section, NULL when addr is in no executable section. */
static const uint8_t *image_at(const struct image *img, uint64_t addr, size_t *avail)
{
    for (unsigned i = 0; i < img->ntext; i++) {
        const struct section *s = &img->text[i];
        if (addr >= s->addr && addr < s->addr + s->size) {
            *avail = (size_t)(s->addr + s->size - addr);
            return s->bytes + (addr - s->addr);
        }
    }
    return NULL;
}

/* One llvm-objdump instruction line, "ADDR:<spaces>\tMNEM\tOPS"; data dumps
 * ("ADDR: 00 11 ...") and labels are not. Copies the operands to ops,
 * where branch targets, printed as absolute "0x... <sym+off>", become
 * offsets from the instruction as llvm-mc prints them. */
static bool parse_objdump_line(char *line, uint64_t *addr, char **mnem, char *ops, size_t n)
{
    char *end;
    *addr = strtoull(line, &end, 16);
    if (end == line || *end != ':')
        return false;
    end++;
    while (*end == ' ')
        end++;
    if (*end != '\t')
        return false;
    *mnem = end + 1;
    line[strcspn(line, "\n")] = '\0';
    char *tab = strchr(*mnem, '\t');
    const char *src = tab ? tab + 1 : "";
    if (tab)
        *tab = '\0';
    snprintf(ops, n, "%.*s", (int)strcspn(src, "<"), src);
    for (size_t len = strlen(ops); len > 0 && ops[len - 1] == ' ';)
        ops[--len] = '\0';
    char *hex = strstr(ops, "0x");
    if (hex) {
        /* only branch and jump targets are printed in hex */
        long long off = (long long)(strtoull(hex, NULL, 16) - *addr);
        snprintf(hex, n - (size_t)(hex - ops), "%lld", off);
    }
    return true;
}

/* Calls visit() for every instruction llvm-objdump lists in every .elf of
 * the guest directory, with the decoder's result for the same bytes.
 * Returns the number of instructions. */
typedef void visit_fn(void *ctx, const struct rv64_insn *in, uint64_t addr, unsigned llvm_len,
                      const char *mnem, const char *ops);

static size_t for_each_guest_insn(visit_fn *visit, void *ctx)
{
    DIR *d = guest_dir ? opendir(guest_dir) : NULL;
    if (!d)
        skip(); /* riscv64 not among IPCEMU_ARCHES, or no arguments */
    size_t total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".elf") != 0)
            continue;
        char path[1024], cmd[2300];
        snprintf(path, sizeof path, "%s/%s", guest_dir, e->d_name);
        struct image img;
        load_image(path, &img);
        snprintf(cmd, sizeof cmd, "'%s' -d -M no-aliases --no-show-raw-insn '%s'", llvm_objdump,
                 path);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        char *line = NULL, *mnem, ops[160];
        size_t cap = 0;
        uint64_t addr;
        while (getline(&line, &cap, p) >= 0) {
            if (!parse_objdump_line(line, &addr, &mnem, ops, sizeof ops))
                continue;
            size_t avail = 0;
            const uint8_t *code = image_at(&img, addr, &avail);
            assert_non_null(code);
            struct rv64_insn in;
            rv64_decode(code, avail, addr, &in);
            /* LLVM, like the hardware, sizes by the low two bits */
            visit(ctx, &in, addr, (code[0] & 3) == 3 ? 4 : 2, mnem, ops);
            total++;
        }
        free(line);
        assert_int_equal(pclose(p), 0);
        free(img.data);
    }
    closedir(d);
    return total;
}

struct compare_ctx {
    unsigned bad;
};

static void compare_visit(void *ctx, const struct rv64_insn *in, uint64_t addr, unsigned llvm_len,
                          const char *mnem, const char *ops)
{
    struct compare_ctx *c = ctx;
    char why[200];
    if (!agrees_with_llvm(in, llvm_len, mnem, ops, why, sizeof why) && c->bad++ < MAX_REPORTED)
        print_message("0x%llx: llvm \"%s %s\", decoder \"%s\": %s\n", (unsigned long long)addr,
                      mnem, ops, in->text, why);
}

/* Every instruction of the riscv64 guest images, as llvm-objdump sees them. */
static void guest_images_match_llvm_objdump(void **state)
{
    (void)state;
    NEED_TOOLS(llvm_objdump);
    struct compare_ctx c = {0};
    size_t total = for_each_guest_insn(compare_visit, &c);
    print_message("%zu instructions compared\n", total);
    assert_true(total > 1000); /* the kernel alone has thousands */
    assert_int_equal(c.bad, 0);
}

struct text_files {
    FILE *mc, *mca;
};

/* llvm-mca 14's SiFive U74 model has no scheduling data for these ("found an
 * unsupported instruction"): they go to llvm-mc only. */
static bool mca_models(enum rv64_kind kind)
{
    return kind != RV_FENCE && kind != RV_SFENCE_VMA && kind != RV_EBREAK && kind != RV_XRET &&
           kind != RV_WFI;
}

static void write_visit(void *ctx, const struct rv64_insn *in, uint64_t addr, unsigned llvm_len,
                        const char *mnem, const char *ops)
{
    struct text_files *f = ctx;
    (void)addr, (void)llvm_len, (void)mnem, (void)ops;
    if (in->len)
        fprintf(f->mc, "%s\n", in->text);
    if (in->len && mca_models(in->kind))
        fprintf(f->mca, "%s\n", in->text);
}

/* The decoder's text of every guest instruction assembles with llvm-mc and,
 * where llvm-mca models the instruction, goes through its SiFive U74 model. */
static void guest_text_assembles_with_llvm_mc_and_mca(void **state)
{
    (void)state;
    NEED_TOOLS(llvm_objdump, llvm_mc, llvm_mca);
    char mc_path[256], mca_path[256], cmd[1024];
    struct text_files f = {temp_file(mc_path, sizeof mc_path),
                           temp_file(mca_path, sizeof mca_path)};
    size_t total = for_each_guest_insn(write_visit, &f);
    assert_int_equal(fclose(f.mc), 0);
    assert_int_equal(fclose(f.mca), 0);
    assert_true(total > 1000);
    snprintf(cmd, sizeof cmd, "'%s' %s -o /dev/null '%s'", llvm_mc, MC_FLAGS, mc_path);
    int mc = run(cmd);
    snprintf(cmd, sizeof cmd, "'%s' -mtriple=riscv64 -mcpu=sifive-u74 -o /dev/null '%s'", llvm_mca,
             mca_path);
    int mca = run(cmd);
    if (mc != 0 || mca != 0) {
        print_message("llvm-mc %d on %s, llvm-mca %d on %s (kept)\n", mc, mc_path, mca, mca_path);
    } else {
        unlink(mc_path);
        unlink(mca_path);
    }
    assert_int_equal(mc, 0);
    assert_int_equal(mca, 0);
}

int main(int argc, char **argv)
{
    if (argc != 1 && argc != 5) {
        fprintf(stderr, "usage: %s [GUEST_RISCV64_DIR LLVM_OBJDUMP LLVM_MC LLVM_MCA]\n", argv[0]);
        return 2;
    }
    if (argc == 5) {
        guest_dir = argv[1];
        llvm_objdump = argv[2];
        llvm_mc = argv[3];
        llvm_mca = argv[4];
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_decodes_to_llvm_text),
        cmocka_unit_test(operand_fields_are_decoded),
        cmocka_unit_test(reserved_encodings_are_illegal),
        cmocka_unit_test(truncated_input_is_illegal),
        cmocka_unit_test(every_16bit_encoding_matches_llvm_mc),
        cmocka_unit_test(many_32bit_encodings_match_llvm_mc),
        cmocka_unit_test(guest_images_match_llvm_objdump),
        cmocka_unit_test(guest_text_assembles_with_llvm_mc_and_mca),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
