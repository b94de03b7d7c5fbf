/* emu/arch/riscv64.c: the RV64 CPU adapter. Debian's Capstone 4 has no
 * RISC-V, so emu/arch/rv64_decode.c decodes (RV64IMAC, Zicsr, Zifencei;
 * compressed instructions are expanded to their base form). */
#include <stdio.h>
#include <string.h>

#include "emu/arch/rv64_decode.h"
#include "emu/cpu.h"

#include <unicorn/riscv.h>

#define RV_CSR_SATP 0x180

static void rv_flow(const struct rv64_insn *r, uint64_t addr, struct emu_insn *out)
{
    switch (r->kind) {
    case RV_BRANCH:
        out->flow = EMU_FLOW_COND;
        out->target = addr + (uint64_t)r->imm;
        break;
    case RV_JAL:
        out->flow = r->rd == 0 ? EMU_FLOW_JUMP : EMU_FLOW_CALL;
        out->target = addr + (uint64_t)r->imm;
        break;
    case RV_JALR:
        if (r->rd == 0 && (r->rs1 == 1 || r->rs1 == 5) && r->imm == 0)
            out->flow = EMU_FLOW_RET;
        else
            out->flow = r->rd == 0 ? EMU_FLOW_INDIRECT : EMU_FLOW_CALL_INDIRECT;
        break;
    case RV_ECALL:
    case RV_EBREAK:
        out->flow = EMU_FLOW_TRAP;
        break;
    case RV_XRET:
        out->flow = EMU_FLOW_XRET;
        break;
    default:
        break;
    }
}

static unsigned rv_decode(struct emu_core *c, uint64_t addr, const uint8_t *code, size_t size,
                          struct emu_insn *out)
{
    (void)c;
    struct rv64_insn r;
    out->addr = addr;
    if (rv64_decode(code, size, addr, &r) == 0)
        return 0;
    out->len = r.len;
    snprintf(out->key, sizeof out->key, "%s", r.mnemonic);
    snprintf(out->text, sizeof out->text, "%s", r.text);
    /* x0 is no dependency: registers <= 0 map to "none" */
    emu_insn_reads(out, (uint16_t)(r.rs1 > 0 ? r.rs1 : 0));
    emu_insn_reads(out, (uint16_t)(r.rs2 > 0 ? r.rs2 : 0));
    emu_insn_writes(out, (uint16_t)(r.rd > 0 ? r.rd : 0));
    out->load = r.kind == RV_LOAD || r.kind == RV_AMO;
    out->store = r.kind == RV_STORE || r.kind == RV_AMO;
    rv_flow(&r, addr, out);
    /* csrrw/csrrs/csrrc satp with a source other than x0 (or a non-zero
     * immediate) write the translation root. */
    if (r.kind == RV_CSR && r.csr == RV_CSR_SATP &&
        (strcmp(r.mnemonic, "csrrw") == 0 || strcmp(r.mnemonic, "csrrwi") == 0 || r.rs1 > 0 ||
         (r.rs1 < 0 && r.imm != 0)))
        out->special = EMU_SPECIAL_ROOT;
    if (r.kind == RV_SFENCE_VMA)
        out->special = EMU_SPECIAL_TLB_FLUSH;
    /* Zihintpause's pause: the fence with pred = W and succ = 0, every
     * other field zero (an older core runs it as that fence) */
    if (r.len == 4 && code[0] == 0x0f && code[1] == 0 && code[2] == 0 && code[3] == 0x01)
        out->special = EMU_SPECIAL_SPIN;
    return out->len;
}

/* satp[59:44] is the ASID. */
static uint16_t rv_asid_of(struct emu_core *c, uint64_t root)
{
    (void)c;
    return (uint16_t)(root >> 44);
}

const struct emu_arch emu_arch_riscv64 = {
    .id = EMU_ARCH_RISCV64,
    .name = "riscv64",
    .uc_arch = UC_ARCH_RISCV,
    .uc_mode = UC_MODE_RISCV64,
    .uc_cpu_model = -1,
    .reg_pc = UC_RISCV_REG_PC,
    .reg_sp = UC_RISCV_REG_SP,
    .reg_arg0 = UC_RISCV_REG_A0,
    .reg_arg1 = UC_RISCV_REG_A1,
    .reg_end = UC_RISCV_REG_ENDING,
    .decode = rv_decode,
    .reg_root = UC_RISCV_REG_SATP,
    .asid_of = rv_asid_of,
    .default_cpu = "sifive-u74",
    .llvm_triple = "riscv64-unknown-none-elf",
    .reg_ret = UC_RISCV_REG_A0,
    .reg_link = UC_RISCV_REG_RA,
    .reg_args = {UC_RISCV_REG_A0, UC_RISCV_REG_A1, UC_RISCV_REG_A2, UC_RISCV_REG_A3,
                 UC_RISCV_REG_A4, UC_RISCV_REG_A5, UC_RISCV_REG_A6, UC_RISCV_REG_A7},
};
