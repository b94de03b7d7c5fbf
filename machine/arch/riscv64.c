/* machine/arch/riscv64.c: RV64 board support: trap entry into S-mode.
 *
 * Unicorn 2.1.1 never takes a synchronous exception itself: it calls
 * UC_HOOK_INTR with the cause and then continues after the instruction
 * (ebreak too, after UC_HOOK_INSN_INVALID, but uc_emu_start then returns
 * UC_ERR_EXCEPTION: see rv_hook_intr and rv_hook_invalid). This file does what the
 * hardware (and QEMU's riscv_cpu_do_interrupt) does for a trap delegated
 * to S-mode: sepc = the trapping PC, scause, stval (the fault address for
 * access/page faults and misaligned accesses, else 0),
 * sstatus.SPP = previous mode, SPIE = SIE, SIE = 0, mode = S, PC = stvec,
 * load reservation dropped.
 *
 * Unicorn 2.1.1 has no register for the privilege mode, and it checks
 * host CSR accesses against the guest's current mode. So the mode is
 * switched by patching `priv` in a saved context (uc_context_save /
 * uc_context_restore), then the S-mode CSRs are written through the API.
 * The raw offsets into the context come from CPURISCVState in
 * qemu/target/riscv/cpu.h of 2.1.1; boot() verifies them before use, on
 * the machine's own engine (values written through the API, the mode
 * change refusing M-mode CSR writes) and on a small scratch engine (a
 * real page fault: cause, badaddr, mode, reported PC).
 *
 * (User accesses where no memory exists at all, e.g. NULL, become page
 * faults through machine.c's unmapped-memory hook, which maps a stand-in
 * page so that QEMU walks the page tables and raises the fault.)
 *
 * The interrupt controller's output is delivered the same way, as the
 * supervisor external interrupt (scause = interrupt bit | 9, as a PLIC
 * does), by the host, when the core is in U-mode with sie.SEIE set: in
 * U-mode supervisor interrupts are enabled whatever sstatus.SIE says; in
 * S-mode the kernel keeps SIE = 0, so they are masked there. Not through
 * mip.SEIP: the kernel acknowledges at the controller and the device, so
 * the host would have to mirror
 * the device line into mip by context patches that QEMU's interrupt
 * bookkeeping (cpu->interrupt_request) does not see; host delivery
 * happens exactly at the stop the board chose, as on the other
 * architectures. */
#include "machine/arch.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/riscv.h>

#include "machine/arch/riscv64_uc.h"
#include "machine/machine.h"

/* Architectural values only the board uses (riscv64_uc.h has the ones the
 * checks share). */
#define MSTATUS_SIE 0x2ULL
#define SSTATUS_MASK 0x80000000000de133ULL /* sstatus_v1_10_mask in csr.c */
#define MIP_SEIP 0x200ULL
#define CAUSE_INTERRUPT (1ULL << 63)
#define IRQ_S_EXTERNAL 9u
#define EXC_BREAKPOINT 3u
#define RISCV_EXCP_MAX 24u
#define EXC_ECALL_S 9u

/* SBI (RISC-V Supervisor Binary Interface 2.0): the Hart State Management
 * extension's hart_start, which the firmware the board stands for answers
 * to an ecall from S-mode: a7 = EID, a6 = FID, a0 = hartid, a1 =
 * start_addr, a2 = opaque; a0 = error, a1 = value. */
#define SBI_EXT_HSM 0x48534dULL
#define SBI_HSM_HART_START 0u
#define SBI_SUCCESS 0
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

/* Per-core state (c->board), owned by the core: boot() allocates it,
 * shutdown() frees it; used only from the thread that runs the core. */
struct rv_board {
    uc_context *ctx; /* scratch for the mode switch */
    uc_hook intr_hook;
    uc_hook invalid_hook;
};

/* Returns the 64-bit field at `off` of the CPU state in ctx. */
static uint64_t ctx_get(const uc_context *ctx, unsigned off)
{
    return uc_ctx_get64(ctx, off);
}

/* Returns nothing: stores v into the field at `off` of ctx. */
static void ctx_put(uc_context *ctx, unsigned off, uint64_t v)
{
    uc_ctx_put64(ctx, off, v);
}

/* Returns the name of exception `cause` (0..15), for fault reports. */
static const char *rv_cause_name(uint64_t cause)
{
    static const char *const names[] = {
        "instruction address misaligned",
        "instruction access fault",
        "illegal instruction",
        "breakpoint",
        "load address misaligned",
        "load access fault",
        "store/AMO address misaligned",
        "store/AMO access fault",
        "environment call from U-mode",
        "environment call from S-mode",
        "exception 10",
        "environment call from M-mode",
        "instruction page fault",
        "load page fault",
        "exception 14",
        "store/AMO page fault",
    };
    return cause < sizeof names / sizeof names[0] ? names[cause] : "unknown exception";
}

/* Returns true if exception `cause` reports its address in stval (the
 * list of riscv_cpu_do_interrupt in 2.1.1). */
static bool rv_cause_has_addr(uint64_t cause)
{
    switch (cause) {
    case 0: /* instruction address misaligned */
    case 1: /* instruction access fault */
    case 4: /* load address misaligned */
    case 5: /* load access fault */
    case 6: /* store/AMO address misaligned */
    case 7: /* store/AMO access fault */
    case 12:
    case 13:
    case 15:
        return true;
    default:
        return false;
    }
}

/* Returns the core's board state. */
static struct rv_board *rv_board(struct emu_core *c)
{
    return c->board;
}

/* Returns true after saving the CPU state into b->ctx; on failure reports
 * it and returns false. */
static bool rv_save(struct machine *m, struct emu_core *c)
{
    (void)m;
    EMU_UC(c, uc_context_save(c->uc, rv_board(c)->ctx), fail);
    return true;
fail:
    return false;
}

/* Returns true after taking the trap `cause` (interrupt bit included)
 * into S-mode as the hardware does: epc = the PC to resume, tval = stval.
 * b->ctx must hold the state saved just now (the trap's own mode). On a
 * failed Unicorn call reports it and returns false. */
static bool rv_enter_s(struct machine *m, struct emu_core *c, uint64_t cause, uint64_t epc,
                       uint64_t tval)
{
    uc_context *ctx = rv_board(c)->ctx;
    uint64_t prev = ctx_get(ctx, OFF_PRIV), mstatus = ctx_get(ctx, OFF_MSTATUS);
    uint64_t stvec = ctx_get(ctx, OFF_STVEC);
    bool async = (cause & CAUSE_INTERRUPT) != 0;
    uint64_t vector = (stvec & ~3ULL) + (async && (stvec & 3) == 1 ? 4 * (cause & 63) : 0);
    uint64_t sstatus = mstatus & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE);
    if (mstatus & MSTATUS_SIE)
        sstatus |= MSTATUS_SPIE;
    if (prev != PRV_U)
        sstatus |= MSTATUS_SPP;
    sstatus &= SSTATUS_MASK;

    ctx_put(ctx, OFF_PRIV, PRV_S);
    ctx_put(ctx, OFF_PC, vector);
    ctx_put(ctx, OFF_LOAD_RES, UINT64_MAX); /* riscv_cpu_set_mode drops it */
    EMU_UC(c, uc_context_restore(c->uc, ctx), fail);
    /* Now in S-mode, the CSR writes are allowed. */
    uint64_t back;
    if (!emu_reg_write(c, UC_RISCV_REG_SEPC, epc) ||
        !emu_reg_write(c, UC_RISCV_REG_SCAUSE, cause) ||
        !emu_reg_write(c, UC_RISCV_REG_STVAL, tval) ||
        !emu_reg_write(c, UC_RISCV_REG_SSTATUS, sstatus) ||
        !emu_reg_get(c, UC_RISCV_REG_SEPC, &back))
        return false;
    if (back != epc) { /* Unicorn refused the CSR write silently: not in S-mode */
        machine_emu_failure(m, c, "S-mode trap entry: sepc written 0x%llx, reads back 0x%llx",
                            (unsigned long long)epc, (unsigned long long)back);
        return false;
    }
    machine_trap_entry(m, c, (cause >> 63) != 0);
    return true;
fail:
    return false;
}

/* Returns true after taking exception `cause` raised at `pc` with fault
 * address `tval` into S-mode: it came from U-mode and is delegated.
 * Otherwise reports a kernel fault (or a failed Unicorn call) and returns
 * false. b->ctx holds the state at the trap. */
static bool rv_exception(struct machine *m, struct emu_core *c, uint64_t cause, uint64_t pc,
                         uint64_t tval)
{
    uc_context *ctx = rv_board(c)->ctx;
    uint64_t priv = ctx_get(ctx, OFF_PRIV);
    if (priv != PRV_U && cause == EXC_BREAKPOINT) {
        machine_kernel_breakpoint(m, c, pc);
        return false;
    }
    if (priv != PRV_U) {
        char what[96];
        snprintf(what, sizeof what, "%s in %s-mode", rv_cause_name(cause),
                 priv == PRV_S ? "S" : "M");
        machine_kernel_fault(m, c, what, pc, tval);
        return false;
    }
    if (!((ctx_get(ctx, OFF_MEDELEG) >> cause) & 1)) {
        char what[96];
        snprintf(what, sizeof what, "%s in U-mode not delegated to S-mode (medeleg)",
                 rv_cause_name(cause));
        machine_kernel_fault(m, c, what, pc, tval);
        return false;
    }
    return rv_enter_s(m, c, cause, pc, tval);
}

/* Answers the SBI call of an ecall from S-mode (the PC is already after
 * it): HSM hart_start asks the board to start hart a0 at a1 with opaque a2
 * (machine_request_start), handing it a copy of the caller's CPU state,
 * the machine-mode setup the firmware gave hart 0 (PMP, delegation);
 * anything else is SBI_ERR_NOT_SUPPORTED. Returns nothing (a failed
 * Unicorn call ends the run). */
static void rv_sbi(struct machine *m, struct emu_core *c)
{
    uint64_t eid, fid, hart, start, opaque;
    if (!emu_reg_get(c, UC_RISCV_REG_A7, &eid) || !emu_reg_get(c, UC_RISCV_REG_A6, &fid) ||
        !emu_reg_get(c, UC_RISCV_REG_A0, &hart) || !emu_reg_get(c, UC_RISCV_REG_A1, &start) ||
        !emu_reg_get(c, UC_RISCV_REG_A2, &opaque))
        return;
    int64_t err = SBI_ERR_NOT_SUPPORTED;
    if (eid == SBI_EXT_HSM && fid == SBI_HSM_HART_START) {
        uc_context *ctx = NULL;
        enum machine_start_rc r = MACHINE_START_INVALID;
        if (hart <= UINT32_MAX && !(start & 1)) {
            EMU_UC(c, uc_context_alloc(c->uc, &ctx), fail);
            EMU_UC(c, uc_context_save(c->uc, ctx), fail);
            r = machine_request_start(m, c, (unsigned)hart, start, hart, opaque, ctx);
        }
        if (r != MACHINE_START_OK && ctx)
            (void)uc_context_free(ctx);
        err = r == MACHINE_START_OK        ? SBI_SUCCESS
              : r == MACHINE_START_ALREADY ? SBI_ERR_ALREADY_AVAILABLE
                                           : SBI_ERR_INVALID_PARAM;
        goto answer;
    fail:
        if (ctx)
            (void)uc_context_free(ctx);
        return;
    }
answer:
    (void)emu_reg_write(c, UC_RISCV_REG_A0, (uint64_t)err);
    (void)emu_reg_write(c, UC_RISCV_REG_A1, 0);
}

/* UC_HOOK_INTR: a synchronous exception. Unicorn 2.1.1 has already added
 * 4 to env->pc (cpu-exec.c, for every RISC-V exception, whatever the
 * instruction's length), and QEMU had set env->pc to the trapping
 * instruction: that instruction is at PC - 4. An ebreak
 * (RISCV_EXCP_BREAKPOINT) comes here too, after rv_hook_invalid, but
 * Unicorn has recorded UC_ERR_EXCEPTION for it (riscv_stop_interrupt) and
 * ends the run with that error once the CPU loop exits:
 * emu_core_exception_taken says it was handled and stops at once. */
static void rv_hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct emu_core *c = user;
    struct machine *m = c->owner;
    (void)uc;
    if (!rv_save(m, c))
        return;
    uc_context *ctx = rv_board(c)->ctx;
    uint64_t pc = ctx_get(ctx, OFF_PC) - 4, priv = ctx_get(ctx, OFF_PRIV);
    uint64_t cause = intno;
    if (cause >= RISCV_EXCP_MAX) {
        machine_emu_failure(m, c, "unexpected exception number %u at pc 0x%llx", intno,
                            (unsigned long long)pc);
        return;
    }
    if (cause == EXC_ECALL_U)
        cause = EXC_ECALL_U + (priv == PRV_M ? 3 : priv);
    if (cause == EXC_ECALL_S) {
        rv_sbi(m, c); /* the firmware's call: execution goes on after the ecall */
        return;
    }
    uint64_t tval = rv_cause_has_addr(cause) ? ctx_get(ctx, OFF_BADADDR) : 0;
    if (rv_exception(m, c, cause, pc, tval) && cause == EXC_BREAKPOINT)
        emu_core_exception_taken(c);
}

/* UC_HOOK_INSN_INVALID: Unicorn's "stop" exceptions. With the exits
 * mechanism on and no exits set (boot), the only one left is ebreak.
 * Unicorn 2.1.1 raises it through UC_HOOK_INTR (rv_hook_intr) once this
 * hook returns true; without the hook it would end the run. (2.0.1 ended
 * the run whatever the hook did, so this hook used to take the trap.)
 * Returns true. */
static bool rv_hook_invalid(uc_engine *uc, void *user)
{
    (void)uc;
    (void)user;
    return true;
}

/* ---- struct machine_arch ---- */

/* Returns 0 once the core starts at `entry` in M-mode (reset state) with
 * sp and a0 = arg0, the context layout verified and the trap hooks
 * installed; -1 after machine_emu_failure() said why. */
static int rv_boot(struct machine *m, struct emu_core *c, uint64_t entry, uint64_t sp,
                   uint64_t arg0)
{
    struct rv_board *b = calloc(1, sizeof *b);
    if (!b) {
        machine_emu_failure(m, c, "out of memory");
        return -1;
    }
    c->board = b;
    EMU_UC(c, uc_context_alloc(c->uc, &b->ctx), fail);
    if (!rv_uc_verify_layout(m, c, b->ctx) || !rv_uc_probe_traps(m, c))
        return -1;
    /* No exit addresses at all: a jump to 0 is an ordinary fetch (a page
     * fault), not the end of uc_emu_start(..., until = 0, ...). */
    EMU_UC(c, uc_ctl_exits_enable(c->uc), fail);
    if (!emu_reg_write(c, UC_RISCV_REG_PC, entry) || !emu_reg_write(c, UC_RISCV_REG_SP, sp) ||
        !emu_reg_write(c, UC_RISCV_REG_A0, arg0))
        return -1;
    EMU_UC(c, uc_hook_add(c->uc, &b->intr_hook, UC_HOOK_INTR, (void *)rv_hook_intr, c, 1, 0), fail);
    EMU_UC(c,
           uc_hook_add(c->uc, &b->invalid_hook, UC_HOOK_INSN_INVALID, (void *)rv_hook_invalid, c, 1,
                       0),
           fail);
    return 0;
fail:
    return -1;
}

/* Returns true after delivering the supervisor external interrupt (the
 * interrupt controller's output) into stvec: only in U-mode with sie.SEIE
 * (mie & mideleg) set. Returns false, changing nothing, otherwise (S- or
 * M-mode: the kernel runs masked). */
static bool rv_interrupt(struct machine *m, struct emu_core *c)
{
    if (!c->board || !rv_save(m, c))
        return false;
    uc_context *ctx = rv_board(c)->ctx;
    uint64_t sie = ctx_get(ctx, OFF_MIE) & ctx_get(ctx, OFF_MIDELEG);
    if (ctx_get(ctx, OFF_PRIV) != PRV_U || !(sie & MIP_SEIP))
        return false;
    return rv_enter_s(m, c, CAUSE_INTERRUPT | IRQ_S_EXTERNAL, ctx_get(ctx, OFF_PC), 0);
}

/* Returns true if the core runs in U-mode. */
static bool rv_user_mode(struct emu_core *c)
{
    if (!c->board || !rv_save(c->owner, c))
        return false;
    return ctx_get(rv_board(c)->ctx, OFF_PRIV) == PRV_U;
}

/* Returns nothing: removes the hooks and frees the per-core state. */
static void rv_shutdown(struct machine *m, struct emu_core *c)
{
    struct rv_board *b = c->board;
    (void)m;
    if (!b)
        return;
    /* Tearing down: a failure has nowhere to go, the engine closes next. */
    if (b->intr_hook)
        (void)uc_hook_del(c->uc, b->intr_hook);
    if (b->invalid_hook)
        (void)uc_hook_del(c->uc, b->invalid_hook);
    if (b->ctx)
        (void)uc_context_free(b->ctx);
    free(b);
    c->board = NULL;
}

/* Starts hart `c` as SBI hart_start does: S-mode at the start address
 * with a0 = hartid, a1 = opaque, satp = 0, sstatus.SIE = 0. The machine
 * mode the firmware set up for hart 0 (PMP, delegation, mstatus) comes
 * from the caller's state saved at the call (r->ctx), restored into the
 * hart's engine after its own layout checks. Returns 0, or -1 after
 * machine_emu_failure. */
static int rv_start(struct machine *m, struct emu_core *c, const struct machine_core_start *r)
{
    if (!r->ctx) {
        machine_emu_failure(m, c, "riscv64: hart_start without the caller's state");
        return -1;
    }
    if (rv_boot(m, c, r->entry, 0, r->arg0) != 0)
        return -1;
    uc_context *ctx = rv_board(c)->ctx;
    EMU_UC(c, uc_context_restore(c->uc, r->ctx), fail);
    EMU_UC(c, uc_context_save(c->uc, ctx), fail);
    if (ctx_get(ctx, OFF_PRIV) != PRV_S) {
        machine_emu_failure(m, c, "riscv64: hart_start from mode %llu, not S",
                            (unsigned long long)ctx_get(ctx, OFF_PRIV));
        return -1;
    }
    for (unsigned i = 1; i < 32; i++)
        ctx_put(ctx, OFF_GPR + 8 * i, 0);
    ctx_put(ctx, OFF_GPR + 8 * 10, r->arg0); /* a0 = hartid */
    ctx_put(ctx, OFF_GPR + 8 * 11, r->arg1); /* a1 = opaque */
    ctx_put(ctx, OFF_PC, r->entry);
    ctx_put(ctx, OFF_LOAD_RES, UINT64_MAX);
    EMU_UC(c, uc_context_restore(c->uc, ctx), fail);
    if (!emu_reg_write(c, UC_RISCV_REG_SATP, 0) || !emu_reg_write(c, UC_RISCV_REG_SSTATUS, 0) ||
        !emu_reg_write(c, UC_RISCV_REG_SIE, 0))
        return -1;
    return 0;
fail:
    return -1;
}

/* Frees a hart_start request's saved state. */
static void rv_start_free(void *ctx)
{
    (void)uc_context_free(ctx);
}

const struct machine_arch machine_arch_riscv64 = {
    .start = rv_start,
    .start_free = rv_start_free,
    .cpu = &emu_arch_riscv64,
    .elf_machine = EM_RISCV,
    .boot = rv_boot,
    .interrupt = rv_interrupt,
    .user_mode = rv_user_mode,
    .shutdown = rv_shutdown,
    .breakpoint_insn = (const uint8_t[]){0x73, 0x00, 0x10, 0x00},
    .breakpoint_len = 4,
    .reg_return = UC_RISCV_REG_RA,
};
