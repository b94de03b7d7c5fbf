/* machine/arch/riscv64_uc.h: what the RV64 board knows of Unicorn 2.1.1's
 * insides: the CPURISCVState offsets inside a saved uc_context, and the
 * start-up checks of them (riscv64_uc.c). With machine/arch/uc_ctx.h, the
 * only places an engine upgrade changes for RISC-V. */
#ifndef IPCEMU_MACHINE_ARCH_RISCV64_UC_H
#define IPCEMU_MACHINE_ARCH_RISCV64_UC_H

#include <stdbool.h>

#include "machine/arch/uc_ctx.h"

struct machine;

/* Offsets into CPURISCVState (RV64: target_ulong is 8 bytes), after the
 * uc_context header. Verified at boot by rv_uc_verify_layout (size, reset
 * values, API registers, the mode) and rv_uc_probe_traps (a real trap on a
 * scratch engine). */
#define OFF_GPR 0u  /* target_ulong gpr[32] */
#define OFF_PC 512u /* after uint64_t fpr[32] */
#define OFF_LOAD_RES 520u
#define OFF_BADADDR 544u /* fault address of the last trap */
#define OFF_PRIV_VER 560u
#define OFF_MISA 568u
#define OFF_PRIV 592u /* after uint32_t features (+4 padding) */
#define OFF_VIRT 600u
#define OFF_MSTATUS 624u
#define OFF_MIE 648u /* after uint32_t miclaim (+4 padding) */
#define OFF_MIDELEG 656u
#define OFF_SBADADDR 680u /* stval */
#define OFF_MEDELEG 696u
#define OFF_STVEC 704u
#define OFF_SEPC 712u
#define OFF_SCAUSE 720u
#define OFF_SSCRATCH 968u
#define OFF_MSCRATCH 976u
/* offsetof(CPURISCVState, rdtime_fn): what uc_context_save copies. */
#define STATE_SIZE 1528u

/* Architectural values the checks and the board share (the board's own
 * are in riscv64.c). */
#define PRV_U 0u
#define PRV_S 1u
#define PRV_M 3u
#define PRIV_VERSION_1_11_0 0x00011100u

#define MSTATUS_SPIE 0x20ULL
#define MSTATUS_SPP 0x100ULL
#define MIP_STIP 0x20ULL /* a value mie accepts, for the layout check */
#define EXC_ECALL_U 8u   /* QEMU raises every ecall as 8, translated by mode */

/* Returns true if the saved-context layout is the one this file assumes,
 * checked on core c's engine in its reset state (M-mode, nothing run yet)
 * with `ctx` (allocated on it) as scratch: the context size; reset values
 * (mode M, load_res -1, privilege spec, misa and pc as the API reads
 * them); CSRs written through the API appear at their offsets; with
 * `priv` patched to S an M-mode CSR write is refused and an S-mode one
 * lands, with U both are refused. Leaves the state as it found it.
 * Returns false after machine_emu_failure or a recorded Unicorn failure. */
bool rv_uc_verify_layout(struct machine *m, struct emu_core *c, uc_context *ctx);
/* Returns true if a real U-mode page fault on a scratch engine shows what
 * the trap hook relies on: cause 13 then 8 (ecall), PC reported =
 * trapping instruction + 4 for a 4-byte and a 2-byte load alike, mode U at
 * OFF_PRIV, the fault address at OFF_BADADDR. Returns false after
 * machine_emu_failure, or with a failed Unicorn call recorded on c. */
bool rv_uc_probe_traps(struct machine *m, struct emu_core *c);

#endif
