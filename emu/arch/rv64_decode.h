/* emu/arch/rv64_decode.h: a self-contained RV64IMAC (+Zicsr, Zifencei)
 * instruction decoder. Debian 12's Capstone 4 has no RISC-V, so ipcemu decodes
 * RISC-V itself; names and assembly text follow LLVM 14 (llvm-objdump -M
 * no-aliases) so traces can be fed to llvm-mc and llvm-mca unchanged. */
#ifndef IPCEMU_EMU_ARCH_RV64_DECODE_H
#define IPCEMU_EMU_ARCH_RV64_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* What an instruction does, coarse enough for cost models and tracing. */
enum rv64_kind {
    RV_ILLEGAL,    /* not a valid RV64IMAC instruction, or truncated input */
    RV_ALU,        /* integer register/immediate arithmetic, lui, auipc */
    RV_MUL,        /* mul, mulh, mulhsu, mulhu, mulw */
    RV_DIV,        /* div, divu, rem, remu and their *w forms */
    RV_LOAD,       /* lb .. ld, lbu, lhu, lwu */
    RV_STORE,      /* sb, sh, sw, sd */
    RV_AMO,        /* lr/sc/amo* */
    RV_BRANCH,     /* beq, bne, blt, bge, bltu, bgeu */
    RV_JAL,        /* jal */
    RV_JALR,       /* jalr */
    RV_CSR,        /* csrrw, csrrs, csrrc and the i forms */
    RV_FENCE,      /* fence, fence.tso, fence.i */
    RV_SFENCE_VMA, /* sfence.vma */
    RV_ECALL,      /* ecall */
    RV_EBREAK,     /* ebreak */
    RV_XRET,       /* sret, mret */
    RV_WFI,        /* wfi */
    RV_OTHER       /* valid but outside RV64IMAC: F/D loads, stores and arithmetic */
};

/* One decoded instruction. Compressed instructions are described by the base
 * instruction they expand to; only len tells them apart. */
struct rv64_insn {
    uint8_t len; /* 2 or 4 bytes; 0 when the bytes are not a valid RV64IMAC instruction */
    enum rv64_kind kind;
    /* LLVM's non-alias name of the (expanded) instruction: "addi", "ld",
     * "c.addi" is reported as "addi", "c.j" as "jal", "c.jr" as "jalr", "c.mv"
     * as "add" ...; AMOs carry their ordering suffix ("amoadd.w.aqrl"). Empty
     * when illegal. */
    char mnemonic[16];
    /* Assembly that llvm-mc/llvm-mca accept with --triple=riscv64
     * -mattr=+m,+a,+c, using ABI register names and the non-alias form:
     * "addi a0, a0, 1", "ld a0, 8(sp)", "sd ra, 24(sp)", "beq a0, a1, 12"
     * (branch/jal offsets as signed decimal byte offsets relative to the
     * instruction), "jalr ra, 0(a5)", "lui a0, 262144", "csrrw a0, satp, a1"
     * or the numeric CSR when LLVM has no name, "lr.d.aqrl a0, (a1)",
     * "amoadd.w a0, a2, (a1)", "sfence.vma zero, zero", "fence iorw, iorw",
     * "ecall", "sret", "wfi". Encodings LLVM 14 cannot print in assemblable
     * form (RV_OTHER, fence with an empty predecessor or successor set) are
     * given as ".2byte 0x..." / ".4byte 0x...". Empty when illegal. */
    char text[64];
    /* x-register numbers, -1 when the instruction has no such operand (x0 is
     * 0); F/D registers are not reported (-1). */
    int8_t rd, rs1, rs2;
    /* The immediate, sign-extended (branch/jal: byte offset). lui/auipc: the
     * value added, imm20 << 12 sign-extended (text shows imm20); shifts: the
     * shift amount; csrr*i: the 5-bit zero-extended source; fence: the raw
     * fm/pred/succ field, bits 31:20; otherwise 0. */
    int64_t imm;
    uint16_t csr; /* for RV_CSR: the CSR number */
};

/* Decodes the instruction at `code` (`avail` bytes readable, little-endian)
 * located at guest address `addr`. Returns insn->len (0: illegal or
 * truncated; then kind is RV_ILLEGAL and len 0). Never reads past avail. */
unsigned rv64_decode(const uint8_t *code, size_t avail, uint64_t addr, struct rv64_insn *insn);

#endif
