/* machine/arch/x86_64.c: x86_64 trap and interrupt entry.
 *
 * Unicorn 2.1.1 never delivers an exception into the guest's IDT: `int n`,
 * #PF, #UD, #GP... call UC_HOOK_INTR instead, and `syscall` calls
 * UC_HOOK_INSN. This file does what the CPU's long-mode delivery does (Intel
 * SDM vol. 3A 6.14; QEMU's do_interrupt64 in qemu/target/i386/seg_helper.c):
 * look the vector up in the IDT (IDTR), check the gate, read the target
 * code-segment descriptor from the GDT, take RSP0 from the TSS (TR), push
 * SS, RSP, RFLAGS, CS, RIP and the error code where the CPU pushes one onto
 * that stack, clear IF (interrupt gate), TF, NT, RF, and enter the handler
 * at CPL0. CR2 is already set by Unicorn's page walk.
 *
 * The privilege switch cannot be done through the register API (writing CS
 * or SS changes only the selector; the CPL lives in QEMU's hflags), so the
 * CPU state is saved with uc_context_save, patched (hflags, CS/SS segment
 * caches, RIP, RSP, RFLAGS, old_exception) and restored. The layout of that
 * state (CPUX86State of unicorn 2.1.1, qemu/target/i386/cpu.h) is mirrored
 * in x86_64_uc.h and checked when the core boots (x86_64_uc.c: against
 * registers read and written through the API) and at every trap (fields
 * QEMU has just set). */
#include <elf.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>
#include <unicorn/x86.h>

#include "machine/arch.h"
#include "machine/arch/x86_64_smp.h"
#include "machine/arch/x86_64_uc.h"
#include "machine/machine.h"

#define X86_VEC_BP 3
#define X86_VEC_UD 6
#define X86_VEC_NP 11
#define X86_VEC_GP 13
#define X86_VEC_PF 14
#define X86_VEC_INTC 32 /* the interrupt controller's output */

/* How a vector is raised. */
enum x86_src {
    X86_SRC_INT, /* `int n`: gate DPL checked, RIP after the instruction */
    X86_SRC_EXC, /* an exception: RIP of the faulting instruction */
    X86_SRC_HW,  /* an external interrupt */
};

/* Per-core state (c->board). */
struct x86_board {
    uc_context *ctx;   /* scratch context, patched at each trap entry */
    size_t tail_off;   /* offset of struct x86q_tail in the state */
    uc_hook intr_hook; /* UC_HOOK_INTR */
    uc_hook sys_hook;  /* UC_HOOK_INSN, UC_X86_INS_SYSCALL */
    uc_hook ud_hook;   /* UC_HOOK_INSN_INVALID */
    bool hooks_added;
    struct x86q_head head; /* the saved state of the current trap */
    struct x86q_tail tail;
};

/* Returns the CPU state inside the context. */
static uint8_t *ctx_data(struct x86_board *b)
{
    return uc_ctx_state(b->ctx);
}

/* Saves the CPU state into b->head / b->tail; returns false (after
 * machine_emu_failure) when Unicorn refuses. */
static bool x86_state_load(struct machine *m, struct emu_core *c, struct x86_board *b)
{
    (void)m;
    EMU_UC(c, uc_context_save(c->uc, b->ctx), fail);
    memcpy(&b->head, ctx_data(b), sizeof b->head);
    memcpy(&b->tail, ctx_data(b) + b->tail_off, X86_TAIL_LEN);
    return true;
fail:
    return false;
}

/* Writes b->head / b->tail back into the CPU; returns false on failure. */
static bool x86_state_store(struct machine *m, struct emu_core *c, struct x86_board *b)
{
    memcpy(ctx_data(b), &b->head, sizeof b->head);
    memcpy(ctx_data(b) + b->tail_off, &b->tail, X86_TAIL_LEN);
    (void)m;
    EMU_UC(c, uc_context_restore(c->uc, b->ctx), fail);
    return true;
fail:
    return false;
}

/* Reads a register through the API into *v / writes it: the checked
 * wrappers of emu/cpu.h, with the caller's call site; false after the
 * failure was recorded on the core. Never write RIP inside a hook with
 * x86_write (that would drop a pending stop request). */
#define x86_read(m, c, reg, v) ((void)(m), emu_reg_get_raw((c), (reg), (v)))
#define x86_write(m, c, reg, v) ((void)(m), emu_reg_set_raw((c), (reg), (v)))

/* Returns true if QEMU pushes an error code for exception `vec`
 * (exception_has_error_code in seg_helper.c). */
static bool x86_has_error_code(unsigned vec)
{
    return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17;
}

/* Returns the mnemonic of exception vector `vec` ("#PF"...), or NULL. */
static const char *x86_vector_name(unsigned vec)
{
    static const char *const names[] = {
        "#DE divide error",
        "#DB debug",
        "NMI",
        "#BP breakpoint",
        "#OF overflow",
        "#BR bound range",
        "#UD invalid opcode",
        "#NM device not available",
        "#DF double fault",
        "coprocessor segment overrun",
        "#TS invalid TSS",
        "#NP segment not present",
        "#SS stack fault",
        "#GP general protection",
        "#PF page fault",
        "reserved 15",
        "#MF x87 error",
        "#AC alignment check",
        "#MC machine check",
        "#XM SIMD error",
    };
    return vec < sizeof names / sizeof names[0] ? names[vec] : NULL;
}

/* Reports a trap the kernel took itself: the run ends with "fault". */
static void x86_kernel_trap(struct machine *m, struct emu_core *c, unsigned vec, bool is_int,
                            uint64_t pc, uint64_t addr, uint32_t err)
{
    char cause[96];
    const char *name = x86_vector_name(vec);
    if (vec == X86_VEC_BP) {
        machine_kernel_breakpoint(m, c, pc);
        return;
    }
    if (is_int)
        snprintf(cause, sizeof cause, "int $0x%x in kernel mode", vec);
    else if (name)
        snprintf(cause, sizeof cause, "%s (vector %u, error code 0x%x)", name, vec, err);
    else
        snprintf(cause, sizeof cause, "vector %u", vec);
    machine_kernel_fault(m, c, cause, pc, addr);
}

/* The guest's tables are unusable for delivering a vector: a kernel bug the
 * CPU would turn into a double or triple fault. */
static void x86_bad_tables(struct machine *m, struct emu_core *c, uint64_t pc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void x86_bad_tables(struct machine *m, struct emu_core *c, uint64_t pc, const char *fmt, ...)
{
    char cause[160];
    if (c->host_error != UC_ERR_OK)
        return; /* a Unicorn call failed, not the guest: already recorded */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cause, sizeof cause, fmt, ap);
    va_end(ap);
    machine_kernel_fault(m, c, cause, pc, 0);
}

/* Reads guest memory (identity-mapped: VA == PA); false if it is not RAM
 * (or after a recorded Unicorn failure). */
#define x86_mem_read(c, addr, buf, n) emu_mem_peek((c), (addr), (buf), (n))

/* One delivery attempt's verdict. */
enum x86_gate_result {
    X86_GATE_OK,
    X86_GATE_GP, /* #GP(vector << 3 | 2): gate beyond the IDT limit, bad type, DPL */
    X86_GATE_NP, /* #NP(vector << 3 | 2): gate not present */
    X86_GATE_BAD /* the kernel's own tables are broken (already reported) */
};

/* Delivers vector `vec` into the IDT handler as do_interrupt64 does, on the
 * state saved in b->head (CPL 3); the caller stores it back. `ret_rip` is
 * the RIP pushed, `err` the error code (pushed when has_err). Returns the
 * verdict; on X86_GATE_OK b->head is the handler's entry state. */
static enum x86_gate_result x86_gate(struct machine *m, struct emu_core *c, struct x86_board *b,
                                     unsigned vec, enum x86_src src, bool has_err, uint32_t err,
                                     uint64_t ret_rip, uint64_t rflags)
{
    struct x86q_head *h = &b->head;
    unsigned cpl = h->hflags & HF_CPL_MASK;
    uc_x86_mmr idtr, gdtr, tr;
    if (!x86_read(m, c, UC_X86_REG_IDTR, &idtr) || !x86_read(m, c, UC_X86_REG_GDTR, &gdtr) ||
        !x86_read(m, c, UC_X86_REG_TR, &tr))
        return X86_GATE_BAD;
    if (vec * 16 + 15 > idtr.limit)
        return X86_GATE_GP;
    uint32_t g[4];
    if (!x86_mem_read(c, idtr.base + vec * 16, g, sizeof g)) {
        x86_bad_tables(m, c, ret_rip, "x86_64: IDT entry %u at 0x%llx is not in RAM", vec,
                       (unsigned long long)(idtr.base + vec * 16));
        return X86_GATE_BAD;
    }
    unsigned type = (g[1] >> DESC_TYPE_SHIFT) & 0x1f, dpl = (g[1] >> DESC_DPL_SHIFT) & 3;
    if (type != 14 && type != 15)
        return X86_GATE_GP;
    if (src == X86_SRC_INT && dpl < cpl)
        return X86_GATE_GP;
    if (!(g[1] & DESC_P_MASK))
        return X86_GATE_NP;
    uint32_t sel = g[0] >> 16, ist = g[1] & 7;
    uint64_t offset = ((uint64_t)g[2] << 32) | (g[1] & 0xffff0000u) | (g[0] & 0xffffu);
    /* The target code segment: a present 64-bit code descriptor of the
     * GDT, DPL 0 (the kernel). Anything else is a broken kernel. */
    uint32_t d[2];
    if ((sel & 0xfffc) == 0 || (sel & 4) || (sel | 7) > gdtr.limit ||
        !x86_mem_read(c, gdtr.base + (sel & ~7u), d, sizeof d)) {
        x86_bad_tables(m, c, ret_rip,
                       "x86_64: IDT gate %u selects code segment 0x%x, not in the GDT", vec, sel);
        return X86_GATE_BAD;
    }
    uint32_t e1 = d[0], e2 = d[1];
    unsigned cs_dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (!(e2 & DESC_S_MASK) || !(e2 & DESC_CS_MASK) || !(e2 & DESC_P_MASK) || !(e2 & DESC_L_MASK) ||
        (e2 & DESC_B_MASK) || (e2 & DESC_C_MASK) || cs_dpl != 0) {
        x86_bad_tables(
            m, c, ret_rip,
            "x86_64: IDT gate %u: segment 0x%x is not a present DPL-0 64-bit code segment", vec,
            sel);
        return X86_GATE_BAD;
    }
    /* To the inner privilege level: the stack comes from the TSS (RSP0, or
     * IST n), 16-byte aligned. */
    unsigned tss_index = ist ? ist + 3 : cs_dpl;
    unsigned tr_type = (tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    uint64_t rsp = 0;
    if (!(tr.flags & DESC_P_MASK) || (tr_type != 9 && tr_type != 11) ||
        8 * tss_index + 4 + 7 > tr.limit ||
        !x86_mem_read(c, tr.base + 8 * tss_index + 4, &rsp, 8)) {
        x86_bad_tables(m, c, ret_rip, "x86_64: no usable 64-bit TSS (TR base 0x%llx limit 0x%x)",
                       (unsigned long long)tr.base, tr.limit);
        return X86_GATE_BAD;
    }
    rsp &= ~0xfULL;
    uint64_t frame[6];
    unsigned n = 0;
    if (has_err)
        frame[n++] = err;
    frame[n++] = ret_rip;
    frame[n++] = h->segs[X86_CS].selector;
    frame[n++] = rflags;
    frame[n++] = h->regs[X86_RSP];
    frame[n++] = h->segs[X86_SS].selector;
    rsp -= 8 * n;
    if (!emu_mem_poke(c, rsp, frame, 8 * n)) {
        if (c->host_error != UC_ERR_OK)
            return X86_GATE_BAD; /* not the guest's fault: recorded */
        x86_bad_tables(m, c, ret_rip, "x86_64: kernel stack 0x%llx (TSS RSP%u) is not in RAM",
                       (unsigned long long)rsp, tss_index);
        return X86_GATE_BAD;
    }
    if (type == 14)
        h->eflags &= ~(uint64_t)FL_IF;
    h->eflags &= ~(uint64_t)(FL_TF | FL_VM | FL_RF | FL_NT);
    x86_uc_load_seg_cache(h, X86_SS, cs_dpl, 0, 0, cs_dpl << DESC_DPL_SHIFT);
    h->regs[X86_RSP] = rsp;
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000);
    if (e2 & DESC_G_MASK)
        limit = (limit << 12) | 0xfff;
    uint64_t base = (e1 >> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000);
    x86_uc_load_seg_cache(h, X86_CS, (sel & ~3u) | cs_dpl, base, limit, e2);
    h->eip = offset;
    return X86_GATE_OK;
}

/* Returns the address of the `int3` / `int n` instruction that ends just
 * before `next` (the RIP Unicorn left after it), for the #GP / #NP that a
 * refused gate raises: a fault reports the instruction itself. */
static uint64_t x86_int_start(struct emu_core *c, unsigned vec, uint64_t next)
{
    uint8_t b[2];
    if (next >= 2 && x86_mem_read(c, next - 2, b, 2) && b[0] == 0xcd && b[1] == vec)
        return next - 2;
    if (vec == 3 && next >= 1 && x86_mem_read(c, next - 1, b, 1) && b[0] == 0xcc)
        return next - 1;
    return next - 2;
}

/* Enters the kernel for vector `vec` from user mode, state in b->head
 * (saved by the caller); stores the state back. A gate that refuses an
 * `int n` or is absent raises #GP / #NP as the CPU does. `eip_bias` is
 * subtracted from the handler address (helper_syscall adds the instruction
 * length after its hook returns). Returns true when the kernel was entered. */
static bool x86_enter(struct machine *m, struct emu_core *c, struct x86_board *b, unsigned vec,
                      enum x86_src src, uint32_t err, uint64_t ret_rip, int64_t eip_bias)
{
    uint64_t rflags;
    if (!x86_read(m, c, UC_X86_REG_RFLAGS, &rflags))
        return false;
    if ((b->head.hflags & HF_MPX_EN_MASK) || (b->head.eflags & FL_VM)) {
        machine_emu_failure(m, c, "x86_64: MPX or virtual-8086 state is not emulated");
        return false;
    }
    bool has_err = src == X86_SRC_EXC && x86_has_error_code(vec);
    enum x86_gate_result r = x86_gate(m, c, b, vec, src, has_err, err, ret_rip, rflags);
    if (r == X86_GATE_GP || r == X86_GATE_NP) {
        /* The refused vector becomes #GP / #NP with the IDT selector error
         * code (EXT set unless a software `int` caused it). */
        uint32_t code = (vec << 3) | 2 | (src == X86_SRC_INT ? 0 : 1);
        unsigned nested = r == X86_GATE_GP ? X86_VEC_GP : X86_VEC_NP;
        if (src == X86_SRC_INT)
            ret_rip = x86_int_start(c, vec, ret_rip);
        r = x86_gate(m, c, b, nested, X86_SRC_EXC, true, code, ret_rip, rflags);
        if (r != X86_GATE_OK && r != X86_GATE_BAD)
            x86_bad_tables(m, c, ret_rip,
                           "x86_64: double fault: vector %u refused and its #GP/#NP gate too", vec);
    }
    if (r != X86_GATE_OK)
        return false;
    b->head.eip = (uint64_t)((int64_t)b->head.eip - eip_bias);
    b->tail.old_exception = -1; /* delivered (x86_cpu_do_interrupt) */
    if (!x86_state_store(m, c, b))
        return false;
    machine_trap_entry(m, c, src == X86_SRC_HW);
    return true;
}

/* Returns true if `vec` raised as an exception leaves old_exception == vec
 * (check_exception: contributory exceptions, #PF, #DF). */
static bool x86_sets_old_exception(unsigned vec)
{
    return vec == 0 || (vec >= 10 && vec <= 14) || vec == 8;
}

/* UC_HOOK_INTR: an exception or `int n`. From user mode it enters the
 * kernel's handler; from kernel mode it ends the run as a kernel fault. */
static void x86_intr_hook(uc_engine *uc, uint32_t intno, void *user)
{
    struct emu_core *c = user;
    struct machine *m = c->owner;
    struct x86_board *b = c->board;
    (void)uc;
    if (!x86_state_load(m, c, b))
        return;
    const struct x86q_head *h = &b->head;
    const struct x86q_tail *t = &b->tail;
    bool is_int = t->exception_is_int != 0;
    /* Fields QEMU has just set: if they do not read back, the layout of
     * the saved state is not the one this file was written for. */
    bool layout_ok = is_int ? t->exception_next_eip == h->eip
                            : t->old_exception == (x86_sets_old_exception(intno) ? (int)intno : -1);
    if (t->exception_is_int != 0 && t->exception_is_int != 1)
        layout_ok = false;
    if (intno == X86_VEC_PF && !is_int && (t->error_code & ~0x3f))
        layout_ok = false;
    if (!layout_ok || (h->hflags & HF_CPL_MASK) != (h->segs[X86_CS].selector & 3)) {
        machine_emu_failure(
            m, c,
            "x86_64: the saved CPU state does not match unicorn 2.1.1's CPUX86State "
            "(vector %u, is_int %d, old_exception %d, hflags 0x%x)",
            intno, t->exception_is_int, t->old_exception, h->hflags);
        return;
    }
    uint64_t cr2 = 0;
    if (intno == X86_VEC_PF && !is_int && !x86_read(m, c, UC_X86_REG_CR2, &cr2))
        return;
    if ((h->hflags & HF_CPL_MASK) != 3) {
        x86_kernel_trap(m, c, intno, is_int, h->eip, cr2, (uint32_t)t->error_code);
        return;
    }
    if (intno == X86_VEC_PF && !is_int && !(t->error_code & 4)) {
        machine_emu_failure(m, c, "x86_64: user page fault without the U bit (error 0x%x)",
                            t->error_code);
        return;
    }
    x86_enter(m, c, b, intno, is_int ? X86_SRC_INT : X86_SRC_EXC, (uint32_t)t->error_code, h->eip,
              0);
}

/* UC_HOOK_INSN_INVALID: #UD. Without a hook that returns true Unicorn
 * 2.1.1 stops with UC_ERR_INSN_INVALID; with one, it goes on to raise the
 * exception (vector 6) through UC_HOOK_INTR, which enters the handler like
 * any other exception. (2.0.1 stopped here instead, so this hook used to
 * enter the handler itself.) Returns true: let the exception be raised. */
static bool x86_invalid_hook(uc_engine *uc, void *user)
{
    (void)uc;
    (void)user;
    return true;
}

/* Returns the length of the `syscall` instruction at `rip` (prefixes
 * included), or 0 if the bytes there are not one. */
static unsigned x86_syscall_length(struct emu_core *c, uint64_t rip)
{
    uint8_t code[15];
    if (!x86_mem_read(c, rip, code, sizeof code) && !x86_mem_read(c, rip, code, 2))
        return 0;
    for (unsigned i = 0; i + 1 < sizeof code; i++) {
        uint8_t p = code[i];
        if (p == 0x0f)
            return code[i + 1] == 0x05 ? i + 2 : 0;
        bool prefix = (p >= 0x40 && p <= 0x4f) || p == 0x66 || p == 0x67 || p == 0xf0 ||
                      p == 0xf2 || p == 0xf3 || p == 0x2e || p == 0x36 || p == 0x3e || p == 0x26 ||
                      p == 0x64 || p == 0x65;
        if (!prefix)
            return 0;
    }
    return 0;
}

/* The MSRs `syscall` reads, and the RFLAGS bits it may clear here. */
#define X86_MSR_STAR 0xc0000081u
#define X86_MSR_LSTAR 0xc0000082u
#define X86_MSR_FMASK 0xc0000084u
#define FL_DF 0x400u
#define FL_ARITH 0x8d5u /* CF PF AF ZF SF OF: QEMU keeps them in cc_src */
/* Segment-descriptor type bits QEMU's helper_syscall sets (cpu.h). */
#define DESC_A_MASK (1u << 8)
#define DESC_R_MASK (1u << 9) /* code: readable */
#define DESC_W_MASK (1u << 9) /* data: writable */

/* Does what the CPU does for a `syscall` of `len` bytes at b->head.eip
 * from CPL 3 in 64-bit mode with EFER.SCE set (Intel SDM vol. 2B SYSCALL;
 * QEMU's helper_syscall, which Unicorn 2.1.1 replaces by the hook): RCX =
 * the next RIP, R11 = RFLAGS (RF clear), RFLAGS &= ~(FMASK | RF), CS =
 * STAR[47:32] & ~3 and SS = that + 8, both flat with DPL 0 (so CPL 0),
 * RIP = LSTAR. No descriptor table, no stack switch, nothing in memory.
 * Stores the state back and reports the trap entry; returns nothing (a
 * failure is recorded on the core). */
static void x86_syscall_enter(struct machine *m, struct emu_core *c, struct x86_board *b,
                              unsigned len)
{
    struct x86q_head *h = &b->head;
    uc_x86_msr star = {.rid = X86_MSR_STAR}, lstar = {.rid = X86_MSR_LSTAR},
               fmask = {.rid = X86_MSR_FMASK};
    uint64_t rflags;
    if (!x86_read(m, c, UC_X86_REG_MSR, &star) || !x86_read(m, c, UC_X86_REG_MSR, &lstar) ||
        !x86_read(m, c, UC_X86_REG_MSR, &fmask) || !x86_read(m, c, UC_X86_REG_RFLAGS, &rflags))
        return;
    if (!(h->hflags & HF_CS64_MASK) || (h->hflags & HF_MPX_EN_MASK)) {
        machine_emu_failure(m, c, "x86_64: `syscall` outside 64-bit mode is not emulated");
        return;
    }
    if (fmask.value & FL_ARITH) {
        machine_emu_failure(m, c, "x86_64: an FMASK that clears arithmetic flags is not emulated");
        return;
    }
    h->regs[X86_RCX] = h->eip + len;
    h->regs[11] = rflags & ~(uint64_t)FL_RF; /* R11 */
    h->eflags &= ~(fmask.value | FL_RF);
    if (fmask.value & FL_DF)
        h->df = 1; /* QEMU keeps DF apart: +1 is clear */
    uint32_t sel = (uint32_t)(star.value >> 32) & 0xfffcu;
    const uint32_t flat = DESC_G_MASK | DESC_P_MASK | DESC_S_MASK | DESC_A_MASK;
    x86_uc_load_seg_cache(h, X86_CS, sel, 0, 0xffffffffu,
                          flat | DESC_CS_MASK | DESC_R_MASK | DESC_L_MASK);
    x86_uc_load_seg_cache(h, X86_SS, (sel + 8) & 0xfffcu, 0, 0xffffffffu,
                          flat | DESC_B_MASK | DESC_W_MASK);
    /* Unicorn adds the instruction's length to RIP after the hook. */
    h->eip = lstar.value - len;
    if (!x86_state_store(m, c, b))
        return;
    machine_trap_entry(m, c, false);
}

/* UC_HOOK_INSN for `syscall`: Unicorn 2.1.1 calls only the hook (never
 * LSTAR, never #UD) and adds the instruction's length to RIP after it
 * (tests/emu/test_unicorn_facts.c). As the CPU: from CPL 3 with EFER.SCE
 * set, enter the kernel at LSTAR (x86_syscall_enter); with SCE clear, #UD
 * (bare programs of `ipcemu exec`, and a kernel that does not use it);
 * from the kernel, a kernel fault (the kernel never makes one). */
static void x86_syscall_hook(uc_engine *uc, void *user)
{
    struct emu_core *c = user;
    struct machine *m = c->owner;
    struct x86_board *b = c->board;
    (void)uc;
    if (!x86_state_load(m, c, b))
        return;
    const struct x86q_head *h = &b->head;
    if ((h->hflags & HF_CPL_MASK) != 3) {
        x86_kernel_trap(m, c, X86_VEC_UD, false, h->eip, 0, 0);
        return;
    }
    unsigned len = x86_syscall_length(c, h->eip);
    if (len == 0) {
        machine_emu_failure(m, c, "x86_64: syscall hook at 0x%llx: no syscall instruction there",
                            (unsigned long long)h->eip);
        return;
    }
    if (h->efer & EFER_SCE)
        x86_syscall_enter(m, c, b, len);
    else
        x86_enter(m, c, b, X86_VEC_UD, X86_SRC_EXC, 0, h->eip, len);
}

/* Releases the board of core c (hooks, context). */
static void x86_shutdown(struct machine *m, struct emu_core *c)
{
    struct x86_board *b = c->board;
    (void)m;
    if (!b)
        return;
    /* Tearing down: a failure has nowhere to go, the engine closes next. */
    if (b->hooks_added) {
        if (b->intr_hook)
            (void)uc_hook_del(c->uc, b->intr_hook);
        if (b->sys_hook)
            (void)uc_hook_del(c->uc, b->sys_hook);
        if (b->ud_hook)
            (void)uc_hook_del(c->uc, b->ud_hook);
    }
    if (b->ctx)
        (void)uc_context_free(b->ctx);
    free(b);
    c->board = NULL;
}

/* Reset state is what the kernel expects (CPL 0, long mode, paging off):
 * set RIP, RSP and RDI, verify the saved-state layout, install the trap
 * hooks. Returns 0, or -1 after machine_emu_failure. */
static int x86_boot(struct machine *m, struct emu_core *c, uint64_t entry, uint64_t sp,
                    uint64_t arg0)
{
    struct x86_board *b = calloc(1, sizeof *b);
    if (!b) {
        machine_emu_failure(m, c, "x86_64: out of memory");
        return -1;
    }
    c->board = b;
    EMU_UC(c, uc_context_alloc(c->uc, &b->ctx), fail);
    if (!x86_uc_verify_layout(m, c, b->ctx, &b->tail_off))
        return -1;
    if (!x86_write(m, c, UC_X86_REG_RIP, &entry) || !x86_write(m, c, UC_X86_REG_RSP, &sp) ||
        !x86_write(m, c, UC_X86_REG_RDI, &arg0))
        return -1;
    b->hooks_added = true;
    EMU_UC(c, uc_hook_add(c->uc, &b->intr_hook, UC_HOOK_INTR, (void *)x86_intr_hook, c, 1, 0),
           fail);
    EMU_UC(c,
           uc_hook_add(c->uc, &b->sys_hook, UC_HOOK_INSN, (void *)x86_syscall_hook, c, 1, 0,
                       UC_X86_INS_SYSCALL),
           fail);
    EMU_UC(c,
           uc_hook_add(c->uc, &b->ud_hook, UC_HOOK_INSN_INVALID, (void *)x86_invalid_hook, c, 1, 0),
           fail);
    return 0;
fail:
    return -1;
}

/* Returns true if core c runs at CPL 3 (CS.RPL is the CPL in long mode). */
static bool x86_user_mode(struct emu_core *c)
{
    uint64_t cs;
    if (!emu_reg_get(c, UC_X86_REG_CS, &cs))
        return false; /* recorded: the run ends with the error */
    return (cs & 3) == 3;
}

/* Delivers the interrupt controller's interrupt (vector 32: the kernel
 * claims the line from the controller) if the core runs user code with
 * IF set and no interrupt shadow; returns true when delivered, false (no
 * change) otherwise. */
static bool x86_interrupt(struct machine *m, struct emu_core *c)
{
    struct x86_board *b = c->board;
    uint64_t rflags = 0;
    if (!b || !x86_user_mode(c) || !x86_read(m, c, UC_X86_REG_RFLAGS, &rflags) || !(rflags & FL_IF))
        return false;
    if (!x86_state_load(m, c, b))
        return false;
    if ((b->head.hflags & HF_CPL_MASK) != 3) {
        machine_emu_failure(m, c, "x86_64: CS.RPL 3 but CPL %u", b->head.hflags & HF_CPL_MASK);
        return false;
    }
    if (b->head.hflags & HF_INHIBIT_IRQ_MASK)
        return false;
    return x86_enter(m, c, b, X86_VEC_INTC, X86_SRC_HW, 0, b->head.eip, 0);
}

/* The block callback of a core that a STARTUP started (x86_start), armed
 * until the core leaves the start page: at its first block outside it
 * (the kernel's x86_secondary_entry, paging on) the core forgets the
 * blocks it ran there (emu_core_flush_blocks) and the callback disarms
 * itself. Those blocks lie at X86_AP_LOW_BASE, which only the kernel's
 * own page tables map, not those of the processes the core runs later;
 * the timing model drops the translations of every page holding a block
 * the core has seen, through its current MMU context (emu/timing.c
 * drop_pages), and on x86 Unicorn 2.1.1 does not skip a page it cannot
 * translate there: uc_ctl_remove_cache raises #PF for it (CR2 = the
 * page, error code 0x10), which the kernel then took as its own fault
 * wherever it ran. Returns false: the block runs. */
static bool x86_left_start_page(struct emu_core *c, uint64_t addr, uint32_t size, void *arg)
{
    struct machine *m = arg;
    (void)size;
    if (addr >= m->low_base && addr < m->low_base + m->low_size)
        return false;
    emu_core_flush_blocks(c);
    c->block_cb = NULL;
    c->block_cb_arg = NULL;
    return false;
}

/* Starts core `c` as a STARTUP IPI does (Intel SDM vol. 3A 8.4.4 and
 * 9.1.1): real mode (CR0 = ET, EFER = CR4 = 0), CS = vector << 8 with base
 * vector << 12, IP = 0, the data segments and SP 0, after the boot
 * checks and hooks every core gets (x86_boot). Verifies in the CPU state
 * that QEMU took it as real mode (no PE, LMA, CS64 or CS32 in hflags),
 * and arms x86_left_start_page. Returns 0, or -1 after
 * machine_emu_failure. */
static int x86_start(struct machine *m, struct emu_core *c, const struct machine_core_start *r)
{
    if (x86_boot(m, c, 0, 0, 0) != 0)
        return -1;
    struct x86_board *b = c->board;
    /* The register API changes selectors only (the file comment): the
     * real-mode state is written into the saved CPU state, as
     * x86_cpu_reset and a real-mode segment load leave it. */
    uint64_t cs = r->entry >> 4;
    if (!x86_state_load(m, c, b))
        return -1;
    struct x86q_head *h = &b->head;
    h->efer = 0;
    h->cr[0] = 0x60000010u; /* CD, NW, ET: the reset value */
    h->cr[3] = h->cr[4] = 0;
    h->hflags &=
        ~(HF_PE_MASK | HF_LMA_MASK | HF_CS64_MASK | HF_CS32_MASK | HF_SS32_MASK | HF_CPL_MASK);
    h->eip = 0;
    h->eflags = 0x2;
    h->regs[X86_RSP] = 0;
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | (1u << 9) | (1u << 8); /* W, A */
    for (int seg = X86_ES; seg <= X86_GS; seg++) {
        uint32_t sel = seg == X86_CS ? (uint32_t)cs : 0;
        uint32_t flags = seg == X86_CS ? data | DESC_CS_MASK : data; /* code: R, A */
        x86_uc_load_seg_cache(h, seg, sel, (uint64_t)sel << 4, 0xffff, flags);
    }
    if (!x86_state_store(m, c, b) || !x86_state_load(m, c, b))
        return -1;
    uint32_t bad = HF_PE_MASK | HF_LMA_MASK | HF_CS64_MASK | HF_CS32_MASK;
    if ((b->head.hflags & bad) || (r->entry & 0xfff) || r->entry >= 0x100000) {
        machine_emu_failure(m, c,
                            "x86_64: core %u is not in real mode at 0x%llx after STARTUP "
                            "(hflags 0x%x)",
                            c->id, (unsigned long long)r->entry, b->head.hflags);
        return -1;
    }
    c->block_cb = x86_left_start_page;
    c->block_cb_arg = m;
    return 0;
}

const struct machine_arch machine_arch_x86_64 = {
    .start = x86_start,
    .map_core = x86_smp_map_core,
    .cpu = &emu_arch_x86_64,
    .elf_machine = EM_X86_64,
    .boot = x86_boot,
    .interrupt = x86_interrupt,
    .user_mode = x86_user_mode,
    .shutdown = x86_shutdown,
    .breakpoint_insn = (const uint8_t[]){0xcc},
    .breakpoint_len = 1,
    .reg_return = -1,
};
