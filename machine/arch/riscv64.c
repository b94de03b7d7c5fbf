/* machine/arch/riscv64.c: RV64 board support: trap entry into S-mode.
 *
 * Unicorn 2.0.1 never takes a synchronous exception itself: it calls
 * UC_HOOK_INTR with the cause and then continues after the instruction
 * (ebreak instead ends uc_emu_start with UC_ERR_EXCEPTION after calling
 * UC_HOOK_INSN_INVALID: see rv_hook_invalid). This file does what the
 * hardware (and QEMU's riscv_cpu_do_interrupt) does for a trap delegated
 * to S-mode: sepc = the trapping PC, scause, stval (the fault address for
 * access/page faults and misaligned accesses, else 0),
 * sstatus.SPP = previous mode, SPIE = SIE, SIE = 0, mode = S, PC = stvec,
 * load reservation dropped.
 *
 * Unicorn 2.0.1 has no register for the privilege mode, and it checks
 * host CSR accesses against the guest's current mode. So the mode is
 * switched by patching `priv` in a saved context (uc_context_save /
 * uc_context_restore), then the S-mode CSRs are written through the API.
 * The raw offsets into the context come from CPURISCVState in
 * qemu/target/riscv/cpu.h of 2.0.1; boot() verifies them before use, on
 * the machine's own engine (values written through the API, the mode
 * change refusing M-mode CSR writes) and on a small scratch engine (a
 * real page fault: cause, badaddr, mode, reported PC).
 *
 * (User accesses where no memory exists at all, e.g. NULL, become page
 * faults through machine.c's unmapped-memory hook, which maps a stand-in
 * page so that QEMU walks the page tables and raises the fault.)
 *
 * The timer interrupt is delivered the same way (scause = interrupt bit |
 * 5), by the host, when the core is in U-mode with sie.STIE set: in
 * U-mode supervisor interrupts are enabled whatever sstatus.SIE says; in
 * S-mode the kernel keeps SIE = 0, so they are masked there. Not through
 * mip.STIP: that bit is writable only at M-mode privilege and the kernel
 * acknowledges the timer at the device, so the host would have to mirror
 * the device line into mip by context patches that QEMU's interrupt
 * bookkeeping (cpu->interrupt_request) does not see; host delivery
 * happens exactly at the stop the board chose, as on the other
 * architectures. */
#include "machine/arch.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/riscv.h>

#include "machine/arch/uc_ctx.h"

/* ---- Unicorn 2.0.1 internals (see machine/arch/uc_ctx.h) ----
 * Offsets into CPURISCVState (RV64: target_ulong is 8 bytes), after the
 * uc_context header. Verified at boot by rv_verify_layout (size, reset
 * values, API registers, the mode) and rv_probe_traps (a real trap on a
 * scratch engine), both in the section "start-up verification" below. */
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
/* ---- end of Unicorn 2.0.1 internals ---- */

#define PRV_U 0u
#define PRV_S 1u
#define PRV_M 3u
#define PRIV_VERSION_1_11_0 0x00011100u

#define MSTATUS_SIE 0x2ULL
#define MSTATUS_SPIE 0x20ULL
#define MSTATUS_SPP 0x100ULL
#define SSTATUS_MASK 0x80000000000de133ULL /* sstatus_v1_10_mask in csr.c */
#define MIP_STIP 0x20ULL
#define CAUSE_INTERRUPT (1ULL << 63)
#define IRQ_S_TIMER 5u
#define EXC_BREAKPOINT 3u
#define EXC_ECALL_U 8u /* QEMU raises every ecall as 8, translated by mode */
#define RISCV_EXCP_MAX 24u

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
 * list of riscv_cpu_do_interrupt in 2.0.1). */
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

/* UC_HOOK_INTR: a synchronous exception. Unicorn 2.0.1 has already added
 * 4 to env->pc (cpu-exec.c, for every RISC-V exception, whatever the
 * instruction's length), and QEMU had set env->pc to the trapping
 * instruction: that instruction is at PC - 4. */
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
    uint64_t tval = rv_cause_has_addr(cause) ? ctx_get(ctx, OFF_BADADDR) : 0;
    (void)rv_exception(m, c, cause, pc, tval);
}

/* UC_HOOK_INSN_INVALID: Unicorn's "stop" exceptions. With the exits
 * mechanism on and no exits set (boot), the only one left is ebreak
 * (RISCV_EXCP_BREAKPOINT), with env->pc on it. Unicorn 2.0.1 has already
 * recorded UC_ERR_EXCEPTION for it (riscv_stop_interrupt) and stops the
 * CPU whatever this hook does: so the breakpoint trap is taken here, and
 * emu_core_exception_taken tells the core that error was handled. Returns
 * true. */
static bool rv_hook_invalid(uc_engine *uc, void *user)
{
    struct emu_core *c = user;
    struct machine *m = c->owner;
    (void)uc;
    if (!rv_save(m, c))
        return true;
    if (rv_exception(m, c, EXC_BREAKPOINT, ctx_get(rv_board(c)->ctx, OFF_PC), 0))
        emu_core_exception_taken(c);
    return true;
}

/* ---- start-up verification of the facts above ---- */

/* Returns true if every API register write/read of ids/vals succeeds
 * (reads go to vals); returns false after the failure was recorded on the
 * core (emu/cpu.h) otherwise. */
static bool rv_api(struct machine *m, struct emu_core *c, bool write, const int *ids,
                   uint64_t *vals, int n)
{
    (void)m;
    for (int i = 0; i < n; i++)
        if (!(write ? emu_reg_write(c, ids[i], vals[i]) : emu_reg_get(c, ids[i], &vals[i])))
            return false;
    return true;
}

/* Returns true if the saved-context layout is the one this file assumes,
 * checked on the machine's engine in its reset state (M-mode, nothing run
 * yet): the context size; reset values (mode M, load_res -1, privilege
 * spec, misa and pc as the API reads them); CSRs written through the API
 * appear at their offsets; with `priv` patched to S an M-mode CSR write is
 * refused and an S-mode one lands, with U both are refused. Leaves the
 * state as it found it. Reports a mismatch and returns false. */
static bool rv_verify_layout(struct machine *m, struct emu_core *c)
{
    uc_context *orig = NULL, *ctx = rv_board(c)->ctx;
    if (!uc_ctx_check_size(m, c, ctx, STATE_SIZE))
        return false;
    EMU_UC(c, uc_context_alloc(c->uc, &orig), fail_quiet);
    EMU_UC(c, uc_context_save(c->uc, orig), fail_quiet);
    const char *bad = NULL;
    uint64_t got = 0;
    int rd_ids[] = {UC_RISCV_REG_MISA, UC_RISCV_REG_PC};
    uint64_t rd[2];
    /* Distinct values, each accepted unchanged by its CSR's write. */
    int ids[] = {UC_RISCV_REG_T0,    UC_RISCV_REG_PC,       UC_RISCV_REG_MSTATUS,
                 UC_RISCV_REG_MIE,   UC_RISCV_REG_MIDELEG,  UC_RISCV_REG_MEDELEG,
                 UC_RISCV_REG_STVEC, UC_RISCV_REG_SEPC,     UC_RISCV_REG_SCAUSE,
                 UC_RISCV_REG_STVAL, UC_RISCV_REG_SSCRATCH, UC_RISCV_REG_MSCRATCH};
    unsigned offs[] = {OFF_GPR + 8 * 5, OFF_PC,       OFF_MSTATUS,  OFF_MIE,
                       OFF_MIDELEG,     OFF_MEDELEG,  OFF_STVEC,    OFF_SEPC,
                       OFF_SCAUSE,      OFF_SBADADDR, OFF_SSCRATCH, OFF_MSCRATCH};
    uint64_t vals[] = {0x1234567890abcdefULL,
                       0x40123458ULL,
                       MSTATUS_SPIE | MSTATUS_SPP,
                       MIP_STIP,
                       0x222,
                       0xb1ff,
                       0x40123400ULL,
                       0x40123404ULL,
                       13,
                       0x40127777ULL,
                       0x5c5c5c5cULL,
                       0x6d6d6d6dULL};
    const unsigned n_vals = sizeof vals / sizeof vals[0], i_mscratch = n_vals - 1;
    if (!rv_api(m, c, false, rd_ids, rd, 2))
        goto fail_quiet;
    const struct {
        const char *what;
        unsigned off;
        uint64_t want;
    } reset[] = {
        {"priv (reset mode M)", OFF_PRIV, PRV_M},
        {"virt", OFF_VIRT, 0},
        {"load_res (reset -1)", OFF_LOAD_RES, UINT64_MAX},
        {"priv_ver (1.11)", OFF_PRIV_VER, PRIV_VERSION_1_11_0},
        {"misa", OFF_MISA, rd[0]},
        {"pc", OFF_PC, rd[1]},
    };
    for (unsigned i = 0; i < sizeof reset / sizeof reset[0] && !bad; i++)
        if (ctx_get(orig, reset[i].off) != reset[i].want) {
            bad = reset[i].what;
            got = ctx_get(orig, reset[i].off);
        }
    if (bad)
        goto fail;
    if (!rv_api(m, c, true, ids, vals, (int)n_vals) || !rv_save(m, c))
        goto fail_quiet;
    for (unsigned i = 0; i < n_vals && !bad; i++)
        if (ctx_get(ctx, offs[i]) != vals[i]) {
            bad = "a register written through the API, at offset";
            got = offs[i];
        }
    if (bad)
        goto fail;
    /* The mode: as S, mscratch (M-only) is refused, sscratch lands. */
    int scr[] = {UC_RISCV_REG_MSCRATCH, UC_RISCV_REG_SSCRATCH};
    uint64_t s_vals[] = {0x11111111, 0x22222222}, u_vals[] = {0x33333333, 0x44444444};
    ctx_put(ctx, OFF_PRIV, PRV_S);
    EMU_UC(c, uc_context_restore(c->uc, ctx), fail_quiet);
    if (!rv_api(m, c, true, scr, s_vals, 2))
        goto fail_quiet;
    if (!rv_save(m, c))
        goto fail_quiet;
    if (ctx_get(ctx, OFF_MSCRATCH) != vals[i_mscratch] || ctx_get(ctx, OFF_SSCRATCH) != s_vals[1]) {
        bad = "priv (an S-mode context accepted an M-mode CSR write or refused an S-mode one)";
        got = ctx_get(ctx, OFF_SSCRATCH);
    }
    if (bad)
        goto fail;
    ctx_put(ctx, OFF_PRIV, PRV_U);
    EMU_UC(c, uc_context_restore(c->uc, ctx), fail_quiet);
    if (!rv_api(m, c, true, scr, u_vals, 2) || !rv_save(m, c))
        goto fail_quiet;
    if (ctx_get(ctx, OFF_MSCRATCH) != vals[i_mscratch] || ctx_get(ctx, OFF_SSCRATCH) != s_vals[1]) {
        bad = "priv (a U-mode context accepted a CSR write)";
        got = ctx_get(ctx, OFF_SSCRATCH);
    }
    if (bad)
        goto fail;
    EMU_UC(c, uc_context_restore(c->uc, orig), fail_quiet);
    (void)uc_context_free(orig); /* frees memory: cannot fail */
    return true;
fail:
    machine_emu_failure(m, c, "Unicorn's RISC-V context layout differs from 2.0.1's: %s (0x%llx)",
                        bad, (unsigned long long)got);
fail_quiet:
    if (orig)
        (void)uc_context_free(orig);
    return false;
}

/* The scratch engine's program, at PROBE_CODE (M-mode): PMP open, Sv39 with
 * the root at PROBE_ROOT mapping only the first GiB (user, RWX), mret to
 * U-mode (mstatus.MPP = 0 at reset), then three traps:
 *   +0x34 ld a0, 8(a1)   +0x38 c.ld a0, 16(a1)   +0x3a ecall
 * with a1 = PROBE_ADDR, outside the mapped GiB. */
#define PROBE_CODE 0x1000u
#define PROBE_ROOT 0x2000u
#define PROBE_ADDR 0x40000100u
static const uint8_t rv_probe_code[] = {
    0x93, 0x02, 0xf0, 0xff, /* li t0, -1 */
    0x73, 0x90, 0x02, 0x3b, /* csrw pmpaddr0, t0 */
    0x93, 0x02, 0xf0, 0x01, /* li t0, 0x1f */
    0x73, 0x90, 0x02, 0x3a, /* csrw pmpcfg0, t0 */
    0x93, 0x02, 0x80, 0x00, /* li t0, 8 */
    0x93, 0x92, 0xc2, 0x03, /* slli t0, t0, 60 */
    0x93, 0x82, 0x22, 0x00, /* addi t0, t0, 2 */
    0x73, 0x90, 0x02, 0x18, /* csrw satp, t0 */
    0x73, 0x00, 0x00, 0x12, /* sfence.vma */
    0x97, 0x02, 0x00, 0x00, /* auipc t0, 0 */
    0x93, 0x82, 0x02, 0x01, /* addi t0, t0, 16 */
    0x73, 0x90, 0x12, 0x34, /* csrw mepc, t0 */
    0x73, 0x00, 0x20, 0x30, /* mret */
    0x03, 0xb5, 0x85, 0x00, /* ld a0, 8(a1) */
    0x88, 0x69,             /* c.ld a0, 16(a1) */
    0x73, 0x00, 0x00, 0x00, /* ecall */
};

/* What the scratch engine's UC_HOOK_INTR saw. */
struct rv_probe {
    struct emu_core *c; /* where a failed Unicorn call is recorded */
    uc_context *ctx;
    unsigned n;
    uint64_t intno[3], pc[3], priv[3], badaddr[3];
};

/* UC_HOOK_INTR of the scratch engine: records the trap and stops. */
static void rv_probe_hook(uc_engine *uc, uint32_t intno, void *user)
{
    struct rv_probe *p = user;
    EMU_UC(p->c, uc_context_save(uc, p->ctx), stop);
    if (p->n < 3) {
        p->intno[p->n] = intno;
        p->pc[p->n] = ctx_get(p->ctx, OFF_PC);
        p->priv[p->n] = ctx_get(p->ctx, OFF_PRIV);
        p->badaddr[p->n] = ctx_get(p->ctx, OFF_BADADDR);
        p->n++;
    }
stop:
    EMU_UC(p->c, uc_emu_stop(uc), out);
out:
    return;
}

/* Returns true if a real U-mode page fault on a scratch engine shows what
 * rv_hook_intr relies on: cause 13 then 8 (ecall), PC reported = trapping
 * instruction + 4 for a 4-byte and a 2-byte load alike, mode U at
 * OFF_PRIV, the fault address at OFF_BADADDR. Reports otherwise. */
static bool rv_probe_traps(struct machine *m, struct emu_core *c)
{
    static const uint64_t starts[3] = {PROBE_CODE, PROBE_CODE + 0x38, PROBE_CODE + 0x3a};
    static const uint64_t insn[3] = {PROBE_CODE + 0x34, PROBE_CODE + 0x38, PROBE_CODE + 0x3a};
    static const uint64_t want_cause[3] = {13, 13, EXC_ECALL_U};
    static const uint64_t want_addr[3] = {PROBE_ADDR + 8, PROBE_ADDR + 16, 0};
    struct rv_probe p = {.c = c};
    uc_engine *uc = NULL;
    uc_hook h;
    uint64_t root_pte = 0xdf; /* V R W X U A D, PPN 0: the first GiB */
    uint64_t a1 = PROBE_ADDR;
    const char *bad = NULL;
    /* Unicorn calls on the scratch engine are recorded on the machine's
     * core c: a failure ends the boot with its call site. */
    EMU_UC(c, uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &uc), out);
    EMU_UC(c, uc_mem_map(uc, PROBE_CODE, 0x2000, UC_PROT_ALL), out);
    /* memory there, but not in the page tables */
    EMU_UC(c, uc_mem_map(uc, PROBE_ADDR & ~0xfffULL, 0x1000, UC_PROT_ALL), out);
    EMU_UC(c, uc_mem_write(uc, PROBE_CODE, rv_probe_code, sizeof rv_probe_code), out);
    EMU_UC(c, uc_mem_write(uc, PROBE_ROOT, &root_pte, sizeof root_pte), out);
    EMU_UC(c, uc_reg_write(uc, UC_RISCV_REG_A1, &a1), out);
    EMU_UC(c, uc_context_alloc(uc, &p.ctx), out);
    EMU_UC(c, uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)rv_probe_hook, &p, 1, 0), out);
    for (unsigned i = 0; i < 3 && !bad; i++) {
        /* Each run stops in the hook at trap i; nothing else may happen. */
        EMU_UC(c, uc_emu_start(uc, starts[i], PROBE_CODE + 0x1000, 0, 0), out);
        if (c->host_error != UC_ERR_OK)
            goto out; /* the hook's own call failed */
        if (p.n != i + 1)
            bad = "no trap where one was due";
        else if (p.intno[i] != want_cause[i])
            bad = "the exception number";
        else if (p.pc[i] != insn[i] + 4)
            bad = "the PC reported to UC_HOOK_INTR (expected trapping instruction + 4)";
        else if (p.priv[i] != PRV_U)
            bad = "priv (the mode at the trap, expected U)";
        else if (i < 2 && p.badaddr[i] != want_addr[i])
            bad = "badaddr (the fault address)";
    }
    if (bad)
        machine_emu_failure(m, c,
                            "RISC-V trap probe on this Unicorn: unexpected %s at trap %u "
                            "(cause %llu, pc 0x%llx, priv %llu, badaddr 0x%llx)",
                            bad, p.n, (unsigned long long)p.intno[p.n ? p.n - 1 : 0],
                            (unsigned long long)p.pc[p.n ? p.n - 1 : 0],
                            (unsigned long long)p.priv[p.n ? p.n - 1 : 0],
                            (unsigned long long)p.badaddr[p.n ? p.n - 1 : 0]);
out:
    /* Tearing down the scratch engine: nothing is left to report to. */
    if (p.ctx)
        (void)uc_context_free(p.ctx);
    if (uc)
        (void)uc_close(uc);
    return c->host_error == UC_ERR_OK && !bad;
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
    if (!rv_verify_layout(m, c) || !rv_probe_traps(m, c))
        return -1;
    /* No exit addresses at all: a jump to 0 is an ordinary fetch (a page
     * fault), not the end of uc_emu_start(..., until = 0, ...). */
    EMU_UC(c, uc_ctl_exits_enable(c->uc), fail);
    int ids[] = {UC_RISCV_REG_PC, UC_RISCV_REG_SP, UC_RISCV_REG_A0};
    uint64_t vals[] = {entry, sp, arg0};
    if (!rv_api(m, c, true, ids, vals, 3))
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

/* Returns true after delivering the supervisor timer interrupt into
 * stvec: only in U-mode with sie.STIE (mie & mideleg) set. Returns false,
 * changing nothing, otherwise (S- or M-mode: the kernel runs masked). */
static bool rv_interrupt(struct machine *m, struct emu_core *c)
{
    if (!c->board || !rv_save(m, c))
        return false;
    uc_context *ctx = rv_board(c)->ctx;
    uint64_t sie = ctx_get(ctx, OFF_MIE) & ctx_get(ctx, OFF_MIDELEG);
    if (ctx_get(ctx, OFF_PRIV) != PRV_U || !(sie & MIP_STIP))
        return false;
    return rv_enter_s(m, c, CAUSE_INTERRUPT | IRQ_S_TIMER, ctx_get(ctx, OFF_PC), 0);
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

const struct machine_arch machine_arch_riscv64 = {
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
