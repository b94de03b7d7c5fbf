/* machine/arch/aarch64_uc.h: what the AArch64 board knows of Unicorn
 * 2.1.1's insides: the CPUARMState offsets inside a saved uc_context,
 * QEMU's exception numbers as UC_HOOK_INTR reports them, and the start-up
 * checks of both (aarch64_uc.c). With machine/arch/uc_ctx.h, the only
 * places an engine upgrade changes for AArch64. */
#ifndef IPCEMU_MACHINE_ARCH_AARCH64_UC_H
#define IPCEMU_MACHINE_ARCH_AARCH64_UC_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/arch/uc_ctx.h"

struct machine;

/* CPUARMState layout of Unicorn 2.1.1 (aarch64-softmmu). After the
 * uc_context header (UC_CTX_HEADER), the context holds
 * offsetof(CPUARMState, cpu_watchpoint) bytes of the CPU state. Verified at
 * boot: the size by uc_ctx_check_size, the register fields by
 * a64_layout_probes (uc_ctx_check_probes) in a64_uc_verify_layout, the
 * exception fields by a64_uc_calibrate and at every trap
 * (a64_uc_excp_consistent). */
#define A64_CTX_DATA_SIZE 12600u
#define A64_OFF_XREGS 64u           /* uint64_t xregs[32] */
#define A64_OFF_PC 320u             /* uint64_t pc */
#define A64_OFF_PSTATE 328u         /* uint32_t pstate (M bits etc.) */
#define A64_OFF_AARCH64 332u        /* uint32_t aarch64 */
#define A64_OFF_ELR_EL 568u         /* uint64_t elr_el[4] */
#define A64_OFF_SP_EL 600u          /* uint64_t sp_el[4] */
#define A64_OFF_HCR_EL2 952u        /* cp15.hcr_el2 */
#define A64_OFF_ESR_EL 984u         /* cp15.esr_el[4] */
#define A64_OFF_FAR_EL 1048u        /* cp15.far_el[4] */
#define A64_OFF_VBAR_EL 1216u       /* cp15.vbar_el[4] */
#define A64_OFF_EXC_SYNDROME 3024u  /* exception.syndrome (uint32_t) */
#define A64_OFF_EXC_VADDRESS 3032u  /* exception.vaddress (uint64_t) */
#define A64_OFF_EXC_TARGET_EL 3040u /* exception.target_el (uint32_t) */

/* QEMU's exception numbers (target/arm/cpu.h) as UC_HOOK_INTR reports them. */
#define A64_EXCP_UDEF 1
#define A64_EXCP_SWI 2
#define A64_EXCP_PREFETCH_ABORT 3
#define A64_EXCP_DATA_ABORT 4
#define A64_EXCP_BKPT 7
#define A64_EXCP_HVC 11
#define A64_EXCP_SMC 13

/* ESR exception classes the host checks. */
#define A64_EC_SVC64 0x15u
#define A64_EC_IABT_LOW 0x20u
#define A64_EC_IABT_CUR 0x21u
#define A64_EC_DABT_LOW 0x24u
#define A64_EC_DABT_CUR 0x25u
#define A64_ESR_EC(esr) (((esr) >> 26) & 0x3fu)
#define A64_ESR_WNR (1u << 6)

/* What boot's calibration run saw; the board's UC_HOOK_INTR fills it
 * (seen, intno and the exception fields) and stops while `on`. */
struct a64_uc_cal {
    bool on;       /* the calibration run is in progress */
    unsigned seen; /* exceptions it saw */
    uint32_t intno;
    uint32_t syndrome;
    uint64_t vaddress;
    uint32_t target_el;
};

/* Returns true if the uc_context size and the register offsets above hold
 * on core c (ctx, allocated on it, is the scratch): values written through
 * the API appear at their offsets, HCR_EL2 (set by the board before) reads
 * `hcr_el2`, PSTATE.M and the aarch64 flag are where they belong. Returns
 * false after machine_emu_failure or a recorded Unicorn failure. */
bool a64_uc_verify_layout(struct machine *m, struct emu_core *c, uc_context *ctx, uint64_t hcr_el2);
/* Verifies the exception-field offsets by raising two exceptions whose
 * syndrome and address are known: svc #0x1234 and a misaligned ldxr
 * (alignment fault at EL1), at two addresses so neither runs a stale
 * translation; the board's UC_HOOK_INTR records them into *cal. Restores
 * memory, CPU state and clock and drops the two translations. Returns
 * true, or false after machine_emu_failure or a recorded Unicorn
 * failure. */
bool a64_uc_calibrate(struct machine *m, struct emu_core *c, struct a64_uc_cal *cal);
/* Returns true if `intno`'s syndrome `esr` and target EL are what QEMU
 * gives for that exception: the run-time check of A64_OFF_EXC_*. */
bool a64_uc_excp_consistent(uint32_t intno, uint32_t esr, uint32_t target_el);

#endif
