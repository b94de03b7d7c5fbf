/* emu/arch/riscv64.c: the RV64 CPU adapter. The guest uses the C extension,
 * so instructions are 2 or 4 bytes: the low two bits say which. */

#include "emu/cpu.h"

#include <unicorn/riscv.h>

/* Returns the number of RV64GC instructions in the block: 16-bit when the
 * low two bits of the first halfword are not 0b11, else 32-bit. */
static uint32_t rv_count_insns(struct emu_core *c, uint64_t addr, const uint8_t *code, size_t size)
{
    (void)c, (void)addr;
    uint32_t n = 0;
    size_t i = 0;
    while (i < size) {
        i += (code[i] & 3) == 3 ? 4 : 2;
        n++;
    }
    return n;
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
    .count_insns = rv_count_insns,
};
