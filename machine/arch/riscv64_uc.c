/* machine/arch/riscv64_uc.c: start-up checks of what the RV64 board relies
 * on inside Unicorn 2.1.1 (see riscv64_uc.h). */
#include "machine/arch/riscv64_uc.h"

#include <unicorn/riscv.h>

#include "machine/arch.h"

/* Returns true after saving core c's CPU state into ctx; false after the
 * failure was recorded on the core. */
static bool rv_save(struct emu_core *c, uc_context *ctx)
{
    EMU_UC(c, uc_context_save(c->uc, ctx), fail);
    return true;
fail:
    return false;
}

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

/* Returns as riscv64_uc.h says. */
bool rv_uc_verify_layout(struct machine *m, struct emu_core *c, uc_context *ctx)
{
    uc_context *orig = NULL;
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
        if (uc_ctx_get64(orig, reset[i].off) != reset[i].want) {
            bad = reset[i].what;
            got = uc_ctx_get64(orig, reset[i].off);
        }
    if (bad)
        goto fail;
    if (!rv_api(m, c, true, ids, vals, (int)n_vals) || !rv_save(c, ctx))
        goto fail_quiet;
    for (unsigned i = 0; i < n_vals && !bad; i++)
        if (uc_ctx_get64(ctx, offs[i]) != vals[i]) {
            bad = "a register written through the API, at offset";
            got = offs[i];
        }
    if (bad)
        goto fail;
    /* The mode: as S, mscratch (M-only) is refused, sscratch lands; as U
     * both are refused. */
    static const struct {
        uint64_t priv, mscratch, sscratch;
        const char *bad;
    } modes[] = {
        {PRV_S, 0x11111111, 0x22222222,
         "priv (an S-mode context accepted an M-mode CSR write or refused an S-mode one)"},
        {PRV_U, 0x33333333, 0x44444444, "priv (a U-mode context accepted a CSR write)"},
    };
    int scr[] = {UC_RISCV_REG_MSCRATCH, UC_RISCV_REG_SSCRATCH};
    for (unsigned i = 0; i < 2; i++) {
        uint64_t w[] = {modes[i].mscratch, modes[i].sscratch};
        uc_ctx_put64(ctx, OFF_PRIV, modes[i].priv);
        EMU_UC(c, uc_context_restore(c->uc, ctx), fail_quiet);
        if (!rv_api(m, c, true, scr, w, 2) || !rv_save(c, ctx))
            goto fail_quiet;
        got = uc_ctx_get64(ctx, OFF_SSCRATCH);
        if (uc_ctx_get64(ctx, OFF_MSCRATCH) != vals[i_mscratch] || got != modes[0].sscratch) {
            bad = modes[i].bad;
            goto fail;
        }
    }
    EMU_UC(c, uc_context_restore(c->uc, orig), fail_quiet);
    (void)uc_context_free(orig); /* frees memory: cannot fail */
    return true;
fail:
    machine_emu_failure(m, c, "Unicorn's RISC-V context layout differs from 2.1.1's: %s (0x%llx)",
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
        p->pc[p->n] = uc_ctx_get64(p->ctx, OFF_PC);
        p->priv[p->n] = uc_ctx_get64(p->ctx, OFF_PRIV);
        p->badaddr[p->n] = uc_ctx_get64(p->ctx, OFF_BADADDR);
        p->n++;
    }
stop:
    EMU_UC(p->c, uc_emu_stop(uc), out);
out:
    return;
}

/* Returns as riscv64_uc.h says. */
bool rv_uc_probe_traps(struct machine *m, struct emu_core *c)
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
