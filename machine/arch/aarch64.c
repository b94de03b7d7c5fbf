/* machine/arch/aarch64.c: AArch64 board support: boot state and trap entry.
 *
 * Unicorn 2.1.1 stops a synchronous exception (svc, abort, undefined
 * instruction) at UC_HOOK_INTR and never enters the guest's vector, and
 * writing PSTATE from the host leaves QEMU's cached hflags stale. So trap
 * entry is emulated the way ../shared/notes/unicorn-2.0.1.md measured:
 *
 *  - boot: SCR_EL3 = NS|RW and HCR_EL2 = RW|IMO (through UC_ARM64_REG_CP_REG),
 *    so EL1 is non-secure AArch64 and virtual IRQs (HCR_EL2.VI) reach EL1.
 *  - a synchronous exception from EL0 (UC_HOOK_INTR): the host records the
 *    syndrome and fault address QEMU computed (env->exception, read from the
 *    uc_context at offsets verified at boot) and raises HCR_EL2.VI. QEMU then
 *    takes a real IRQ exception itself: ELR_EL1 = the preferred return
 *    address (after svc, at the faulting instruction otherwise), SPSR_EL1 =
 *    the user PSTATE, EL1h, DAIF masked, hflags rebuilt, PC = VBAR_EL1+0x480.
 *    A UC_HOOK_BLOCK, acting on the block at VBAR_EL1+0x480 only, then writes
 *    ESR_EL1 (and FAR_EL1 for aborts), lowers VI and moves PC to
 *    VBAR_EL1+0x400, the synchronous lower-EL vector. Unicorn emits the block-hook call before
 *    the block's exit check, and a PC write stops the block (quit_request),
 *    so none of the IRQ vector's instructions run and the PC is not resynced
 *    from the block. What the kernel sees is exactly what hardware gives.
 *  - the interrupt controller's interrupt (interrupt(), core stopped, EL0
 *    with PSTATE.I clear): HCR_EL2.VI is raised and QEMU takes the IRQ at
 *    VBAR_EL1+0x480 on resume; the same block hook lowers VI as the vector
 *    is entered. So VI is one-shot per delivery and the kernel clears
 *    nothing but the controller and the device: while the controller's
 *    output stays up, the machine's run loop calls interrupt() again the
 *    next time the core is in user mode, which is exactly a level-triggered
 *    line.
 *
 * No UC_HOOK_CODE is used on purpose: while any code hook exists, Unicorn
 * 2.1.1 does not resynchronise the PC when it leaves a chain of translated
 * blocks at a block boundary (cpu_tb_exec skips synchronize_from_tb), so a
 * stop at a deadline resumes at a stale PC and re-executes guest code.
 *
 * The vector hook is the core's block callback (emu/cpu.h): it runs from
 * the core's own block hook, which exists before the kernel's first block
 * is translated (a hook added after a block was translated does not fire
 * on it, unicorn issue #2200; flushing the translation cache costs about
 * 0.25 s of host time in 2.0.1), and a second Unicorn block hook would
 * double Unicorn's per-block dispatch. The callback returns at once
 * unless an entry is pending and the block starts at the vector address
 * recorded with it (VBAR_EL1 + 0x480 at trap time).
 *
 * The exception fields are not in any API register when UC_HOOK_INTR runs
 * (ESR_EL1/FAR_EL1 are written only by QEMU's own exception entry, which
 * Unicorn skips), so they are read from the CPU state in a uc_context. The
 * offsets come from the 2.1.1 sources (CPUARMState, target/arm/cpu.h,
 * compiled with Unicorn's own aarch64 configuration); boot() verifies them
 * against API registers and by a calibration run of an svc and a misaligned
 * exclusive load, and fails loudly if they do not match. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "emu/timing.h"
#include "machine/arch.h"
#include "machine/arch/aarch64_uc.h"
#include "machine/machine.h"
#include "abi/memmap.h"

/* System registers written through UC_ARM64_REG_CP_REG. */
#define A64_SCR_NS (1ULL << 0)
#define A64_SCR_RW (1ULL << 10)
#define A64_HCR_IMO (1ULL << 4)
#define A64_HCR_VI (1ULL << 7)
#define A64_HCR_RW (1ULL << 31)
#define A64_HCR_BASE (A64_HCR_RW | A64_HCR_IMO)

#define A64_PSTATE_I (1u << 7)
#define A64_PSTATE_EL(p) (((p) >> 2) & 3u)
#define A64_PSTATE_EL1H 0x5u /* M[3:0] */

#define A64_VEC_SYNC_LOWER 0x400u
#define A64_VEC_IRQ_LOWER 0x480u

/* What the vector hook has to finish. */
enum a64_pending {
    A64_PENDING_NONE,
    A64_PENDING_SYNC, /* a synchronous exception travels through the IRQ entry */
    A64_PENDING_IRQ,  /* the interrupt controller's interrupt */
};

/* Per-core state, owned by the core (c->board); only the core's own hooks
 * and the machine's run loop (core stopped) touch it. */
struct a64_board {
    struct machine *m;
    struct emu_core *c;
    uc_context *ctx; /* scratch copy of the CPU state */
    uc_hook intr_hook;
    uint64_t vbar; /* VBAR_EL1 of the pending entry */
    enum a64_pending pending;
    uint64_t esr; /* for A64_PENDING_SYNC */
    uint64_t far;
    bool has_far;
    struct a64_uc_cal cal; /* boot's calibration run (aarch64_uc.c) */
};

static bool a64_vector_hook(struct emu_core *c, uint64_t addr, uint32_t size, void *user);

/* PSCI (Arm DEN 0022): the function ids and return codes the firmware the
 * board stands for answers through SMC #0 from EL1. */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_ON_32 0x84000003u
#define PSCI_CPU_ON_64 0xC4000003u
#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)
#define A64_MPIDR_U (1ULL << 31) /* RES1 in MPIDR_EL1 */

/* Returns the 64-bit field at `off` of the saved CPU state. */
static uint64_t ctx_u64(const struct a64_board *b, size_t off)
{
    return uc_ctx_get64(b->ctx, off);
}

/* Returns the 32-bit field at `off` of the saved CPU state. */
static uint32_t ctx_u32(const struct a64_board *b, size_t off)
{
    return uc_ctx_get32(b->ctx, off);
}

/* Reads register `reg` into *v / writes it: the checked wrappers of
 * emu/cpu.h, with the caller's call site. Return false after the failure
 * was recorded on the core. */
#define reg_get(b, reg, v) emu_reg_get((b)->c, (reg), (v))
#define reg_set(b, reg, v) emu_reg_write((b)->c, (reg), (v))

/* Writes a system register given by its encoding; returns false after
 * machine_emu_failure. */
static bool sysreg_set(struct a64_board *b, const char *name, uint32_t op0, uint32_t op1,
                       uint32_t crn, uint32_t crm, uint32_t op2, uint64_t v)
{
    uc_arm64_cp_reg r = {.crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2, .val = v};
    (void)name; /* the call site names it */
    return emu_reg_set_raw(b->c, UC_ARM64_REG_CP_REG, &r);
}

/* Reads a system register given by its encoding into *v; returns false
 * after machine_emu_failure. */
static bool sysreg_get(struct a64_board *b, const char *name, uint32_t op0, uint32_t op1,
                       uint32_t crn, uint32_t crm, uint32_t op2, uint64_t *v)
{
    uc_arm64_cp_reg r = {.crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2};
    (void)name; /* the call site names it */
    bool ok = emu_reg_get_raw(b->c, UC_ARM64_REG_CP_REG, &r);
    *v = r.val;
    return ok;
}

/* Sets HCR_EL2 to its base value, with VI raised if `vi`; returns false
 * after machine_emu_failure. */
static bool set_vi(struct a64_board *b, bool vi)
{
    return sysreg_set(b, "HCR_EL2", 3, 4, 1, 1, 0, A64_HCR_BASE | (vi ? A64_HCR_VI : 0));
}

/* Copies the CPU state into b->ctx; returns false after
 * machine_emu_failure. */
static bool ctx_save(struct a64_board *b)
{
    EMU_UC(b->c, uc_context_save(b->c->uc, b->ctx), fail);
    return true;
fail:
    return false;
}

/* Returns a name for exception `intno` with syndrome `esr`. */
static const char *excp_name(uint32_t intno, uint32_t esr)
{
    switch (intno) {
    case A64_EXCP_UDEF:
        return "undefined instruction";
    case A64_EXCP_SWI:
        return "svc in kernel mode";
    case A64_EXCP_PREFETCH_ABORT:
        return "instruction abort";
    case A64_EXCP_DATA_ABORT:
        return (esr & A64_ESR_WNR) ? "data abort (write)" : "data abort (read)";
    case A64_EXCP_BKPT:
        return "breakpoint";
    default:
        return "exception";
    }
}

/* Records VBAR_EL1 in b->vbar for the entry about to start (for a trap by
 * the instruction at `pc`); returns false after machine_kernel_fault (no
 * usable vector table) or machine_emu_failure. */
static bool read_vector(struct a64_board *b, uint64_t pc)
{
    uint64_t vbar;
    if (!reg_get(b, UC_ARM64_REG_VBAR_EL1, &vbar))
        return false;
    uint64_t ram_end = MM_RAM_BASE + b->m->cfg.ram_size;
    if ((vbar & 0x7ff) || vbar < MM_RAM_BASE || vbar + 0x800 > ram_end) {
        machine_kernel_fault(b->m, b->c, "trap with no vector table (VBAR_EL1 unset)", pc, vbar);
        return false;
    }
    b->vbar = vbar;
    return true;
}

/* The core's block callback, on every block before it is charged; acts on
 * the block at VBAR_EL1 + 0x480 while an entry is pending, before its first
 * instruction: QEMU has just taken the virtual IRQ. Finishes the entry the
 * host started. For a synchronous trap the IRQ-vector block does not run:
 * returns true, and the core charges nothing for it. */
static bool a64_vector_hook(struct emu_core *c, uint64_t addr, uint32_t size, void *user)
{
    struct a64_board *b = user;
    (void)size;
    enum a64_pending p = b->pending;
    if (p == A64_PENDING_NONE || addr != b->vbar + A64_VEC_IRQ_LOWER)
        return false;
    uint64_t pstate;
    if (!reg_get(b, UC_ARM64_REG_PSTATE, &pstate))
        return false;
    if ((pstate & 0xf) != A64_PSTATE_EL1H) {
        machine_emu_failure(b->m, b->c,
                            "aarch64: vector entry at 0x%llx not in EL1h (PSTATE 0x%llx)",
                            (unsigned long long)addr, (unsigned long long)pstate);
        return false;
    }
    b->pending = A64_PENDING_NONE;
    c->block_cb = NULL; /* nothing to finish until the next entry */
    if (!set_vi(b, false))
        return false;
    if (p == A64_PENDING_IRQ)
        return false;
    if (!reg_set(b, UC_ARM64_REG_ESR_EL1, b->esr) ||
        (b->has_far && !reg_set(b, UC_ARM64_REG_FAR_EL1, b->far)))
        return false;
    /* Writing PC stops this block before its first instruction and resumes
     * at the synchronous vector (Unicorn's quit_request): it never runs. */
    return reg_set(b, UC_ARM64_REG_PC, b->vbar + A64_VEC_SYNC_LOWER);
}

/* Answers the PSCI call of an SMC #0 at EL1 (the PC is already after it,
 * where the caller resumes): x0 = function id; CPU_ON takes x1 = the
 * target's MPIDR (Aff0 = core number, the other affinity fields 0), x2 =
 * the entry point, x3 = the context id the core gets in x0; the result
 * goes to x0. Returns nothing (a failed register access ends the run). */
static void a64_psci(struct a64_board *b)
{
    uint64_t fn, target, entry, context;
    if (!reg_get(b, UC_ARM64_REG_X0, &fn) || !reg_get(b, UC_ARM64_REG_X1, &target) ||
        !reg_get(b, UC_ARM64_REG_X2, &entry) || !reg_get(b, UC_ARM64_REG_X3, &context))
        return;
    int64_t rc = PSCI_NOT_SUPPORTED;
    if ((uint32_t)fn == PSCI_VERSION) {
        rc = 0x10000; /* 1.0 */
    } else if ((uint32_t)fn == PSCI_CPU_ON_64 || (uint32_t)fn == PSCI_CPU_ON_32) {
        if ((uint32_t)fn == PSCI_CPU_ON_32)
            entry &= 0xffffffffu, context &= 0xffffffffu;
        enum machine_start_rc r = (target & ~0xffULL) || (entry & 3)
                                      ? MACHINE_START_INVALID
                                      : machine_request_start(b->m, b->c, (unsigned)(target & 0xff),
                                                              entry, context, 0, NULL);
        rc = r == MACHINE_START_OK        ? PSCI_SUCCESS
             : r == MACHINE_START_ALREADY ? PSCI_ALREADY_ON
                                          : PSCI_INVALID_PARAMETERS;
    }
    (void)reg_set(b, UC_ARM64_REG_X0, (uint64_t)rc);
}

/* UC_HOOK_INTR: a synchronous exception QEMU raised (svc, abort, undefined
 * instruction); see the file comment. */
static void a64_intr_hook(uc_engine *uc, uint32_t intno, void *user)
{
    struct a64_board *b = user;
    (void)uc;
    if (!ctx_save(b))
        return;
    uint32_t syndrome = ctx_u32(b, A64_OFF_EXC_SYNDROME);
    uint64_t vaddress = ctx_u64(b, A64_OFF_EXC_VADDRESS);
    uint32_t target_el = ctx_u32(b, A64_OFF_EXC_TARGET_EL);
    if (b->cal.on) {
        b->cal.seen++;
        b->cal.intno = intno;
        b->cal.syndrome = syndrome;
        b->cal.vaddress = vaddress;
        b->cal.target_el = target_el;
        EMU_UC(b->c, uc_emu_stop(b->c->uc), out);
    out:
        return;
    }
    uint64_t pc, pstate;
    if (!reg_get(b, UC_ARM64_REG_PC, &pc) || !reg_get(b, UC_ARM64_REG_PSTATE, &pstate))
        return;
    if (intno == A64_EXCP_SMC && A64_PSTATE_EL(pstate) == 1) {
        a64_psci(b);
        return;
    }
    bool is_abort = intno == A64_EXCP_DATA_ABORT || intno == A64_EXCP_PREFETCH_ABORT;
    if (!a64_uc_excp_consistent(intno, syndrome, target_el) ||
        (intno == A64_EXCP_PREFETCH_ABORT && vaddress != pc)) {
        machine_emu_failure(b->m, b->c,
                            "aarch64: exception %u at pc 0x%llx has syndrome 0x%x, target EL %u, "
                            "address 0x%llx: the CPU state layout is not Unicorn 2.1.1's",
                            intno, (unsigned long long)pc, syndrome, target_el,
                            (unsigned long long)vaddress);
        return;
    }
    uint64_t insn_pc = intno == A64_EXCP_SWI ? pc - 4 : pc;
    if (A64_PSTATE_EL(pstate) != 0) {
        if (intno == A64_EXCP_BKPT)
            machine_kernel_breakpoint(b->m, b->c, insn_pc);
        else
            machine_kernel_fault(b->m, b->c, excp_name(intno, syndrome), insn_pc,
                                 is_abort ? vaddress : 0);
        return;
    }
    if (pstate & A64_PSTATE_I) {
        /* EL0 cannot mask IRQs (SCTLR_EL1.UMA = 0): VI would not be taken. */
        machine_emu_failure(b->m, b->c, "aarch64: trap from EL0 with PSTATE.I set at pc 0x%llx",
                            (unsigned long long)pc);
        return;
    }
    if (b->pending != A64_PENDING_NONE) {
        machine_emu_failure(b->m, b->c, "aarch64: trap at pc 0x%llx while an entry is pending",
                            (unsigned long long)pc);
        return;
    }
    if (!read_vector(b, insn_pc))
        return;
    b->esr = syndrome;
    b->far = vaddress;
    b->has_far = is_abort;
    b->pending = A64_PENDING_SYNC;
    b->c->block_cb = a64_vector_hook; /* armed for the vector block */
    if (!set_vi(b, true))
        return;
    machine_trap_entry(b->m, b->c, false);
}

/* Frees what a64_boot set up. */
static void a64_shutdown(struct machine *m, struct emu_core *c)
{
    struct a64_board *b = c->board;
    (void)m;
    if (!b)
        return;
    c->block_cb = NULL;
    /* Tearing down: a failure has nowhere to go, the engine closes next. */
    if (b->intr_hook)
        (void)uc_hook_del(c->uc, b->intr_hook);
    if (b->ctx)
        (void)uc_context_free(b->ctx);
    free(b);
    c->board = NULL;
}

/* Puts the core at EL1h, DAIF masked, non-secure AArch64 EL1 with virtual
 * IRQs routed to it, PC = entry, SP_EL1 = sp, x0 = arg0; verifies the CPU
 * state layout and installs the trap hook. Returns 0, or -1 after
 * machine_emu_failure. */
static int a64_boot(struct machine *m, struct emu_core *c, uint64_t entry, uint64_t sp,
                    uint64_t arg0)
{
    struct a64_board *b = calloc(1, sizeof *b);
    if (!b) {
        machine_emu_failure(m, c, "aarch64: out of memory");
        return -1;
    }
    b->m = m;
    b->c = c;
    c->board = b;
    EMU_UC(c, uc_context_alloc(c->uc, &b->ctx), fail);
    if (!sysreg_set(b, "SCR_EL3", 3, 6, 1, 1, 0, A64_SCR_NS | A64_SCR_RW) || !set_vi(b, false))
        return -1;
    uint64_t scr, pstate;
    if (!sysreg_get(b, "SCR_EL3", 3, 6, 1, 1, 0, &scr) || !reg_get(b, UC_ARM64_REG_PSTATE, &pstate))
        return -1;
    if ((scr & (A64_SCR_NS | A64_SCR_RW)) != (A64_SCR_NS | A64_SCR_RW) ||
        (pstate & 0xf) != A64_PSTATE_EL1H || (pstate & 0x3c0) != 0x3c0) {
        machine_emu_failure(m, c,
                            "aarch64: reset state is not EL1h with DAIF masked (PSTATE 0x%llx, "
                            "SCR_EL3 0x%llx)",
                            (unsigned long long)pstate, (unsigned long long)scr);
        return -1;
    }
    EMU_UC(c, uc_hook_add(c->uc, &b->intr_hook, UC_HOOK_INTR, (void *)a64_intr_hook, b, 1, 0),
           fail);
    /* Called from the core's block hook, which exists before anything is
     * translated (see the file comment). */
    c->block_cb_arg = b; /* c->block_cb is set while an entry is pending */
    if (!a64_uc_verify_layout(m, c, b->ctx, A64_HCR_BASE) || !a64_uc_calibrate(m, c, &b->cal))
        return -1;
    if (!reg_set(b, UC_ARM64_REG_PC, entry) || !reg_set(b, UC_ARM64_REG_SP, sp) ||
        !reg_set(b, UC_ARM64_REG_X0, arg0))
        return -1;
    return 0;
fail:
    return -1;
}

/* Returns true if the core runs at EL0. */
static bool a64_user_mode(struct emu_core *c)
{
    return A64_PSTATE_EL(emu_reg_read(c, UC_ARM64_REG_PSTATE)) == 0;
}

/* Delivers the controller's interrupt through HCR_EL2.VI when the core is at EL0
 * with PSTATE.I clear and no other entry is under way; returns whether it
 * did (false changes nothing). */
static bool a64_interrupt(struct machine *m, struct emu_core *c)
{
    struct a64_board *b = c->board;
    (void)m;
    if (!b || b->pending != A64_PENDING_NONE)
        return false;
    uint64_t pstate;
    if (!reg_get(b, UC_ARM64_REG_PSTATE, &pstate))
        return false;
    if (A64_PSTATE_EL(pstate) != 0 || (pstate & A64_PSTATE_I))
        return false;
    uint64_t pc;
    if (!reg_get(b, UC_ARM64_REG_PC, &pc) || !read_vector(b, pc))
        return false;
    if (!set_vi(b, true))
        return false;
    b->pending = A64_PENDING_IRQ;
    c->block_cb = a64_vector_hook; /* armed for the vector block */
    machine_trap_entry(m, c, true);
    return true;
}

/* Starts secondary core `c` as PSCI CPU_ON does: EL1h, DAIF masked, MMU
 * off, PC = the entry, x0 = the context id; its MPIDR_EL1 reads its
 * number in Aff0 (through VMPIDR_EL2, which EL1 reads as MPIDR_EL1 while
 * EL2 is enabled: SCR_EL3.NS). Returns 0, or -1 after
 * machine_emu_failure. */
static int a64_start(struct machine *m, struct emu_core *c, const struct machine_core_start *r)
{
    if (a64_boot(m, c, r->entry, 0, r->arg0) != 0)
        return -1;
    struct a64_board *b = c->board;
    return sysreg_set(b, "VMPIDR_EL2", 3, 4, 0, 0, 5, A64_MPIDR_U | c->id) ? 0 : -1;
}

const struct machine_arch machine_arch_aarch64 = {
    .start = a64_start,
    .cpu = &emu_arch_aarch64,
    .elf_machine = EM_AARCH64,
    .boot = a64_boot,
    .interrupt = a64_interrupt,
    .user_mode = a64_user_mode,
    .shutdown = a64_shutdown,
    .breakpoint_insn = (const uint8_t[]){0x00, 0x00, 0x20, 0xd4},
    .breakpoint_len = 4,
    .reg_return = UC_ARM64_REG_X30,
};
