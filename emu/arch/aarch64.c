/* emu/arch/aarch64.c: the AArch64 CPU adapter (Cortex-A72 model). A64
 * instructions are 4 bytes each. */
#include "emu/cpu.h"

#include <unicorn/arm64.h>

/* Returns size / 4: every A64 instruction is one 32-bit word. */
static uint32_t a64_count_insns(struct emu_core *c, uint64_t addr, const uint8_t *code, size_t size)
{
    (void)c, (void)addr, (void)code;
    return (uint32_t)(size / 4);
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
    .count_insns = a64_count_insns,
};
