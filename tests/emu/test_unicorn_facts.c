/* tests/emu/test_unicorn_facts.c: what the installed Unicorn (2.1.1) does
 * and does not do, measured with raw Unicorn calls on small hand-assembled
 * guest code. Each test asserts 2.1.1's actual behaviour and names the
 * code that relies on it, so an engine upgrade that changes a fact fails
 * here by name (docs/machine.md, "What the engine does and does not do",
 * lists them). Encodings are from llvm-mc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <unicorn/unicorn.h>

#define BASE 0x40000000ULL

/* What the hooks saw. */
struct probe {
    unsigned intr_calls, invalid_calls, block_calls, code_calls, mem_calls, insn_calls;
    uint32_t intno;
    uint64_t hook_pc; /* PC read inside the last UC_HOOK_INTR / UC_HOOK_INSN call */
    int pc_reg;       /* the architecture's PC register id */
    bool stop_in_intr;
    uint64_t block_at;                /* block hooks act at this address only */
    unsigned stop_at_block;           /* the block hook stops at the Nth block (0: never) */
    uint64_t redirect_to;             /* the block/syscall hook writes this PC (0: never) */
    uint64_t mem_addr[4], mem_off[4]; /* MMIO or memory hook: address and size */
    unsigned mem_size[4];
};

/* Returns an engine with 64 KiB of RAM at BASE holding `code`, the CPU
 * model set when model >= 0. */
static uc_engine *open_with(uc_arch arch, uc_mode mode, int model, const void *code, size_t n)
{
    uc_engine *uc = NULL;
    assert_int_equal(uc_open(arch, mode, &uc), UC_ERR_OK);
    if (model >= 0)
        assert_int_equal(uc_ctl_set_cpu_model(uc, model), UC_ERR_OK);
    assert_int_equal(uc_mem_map(uc, BASE, 0x10000, UC_PROT_ALL), UC_ERR_OK);
    assert_int_equal(uc_mem_write(uc, BASE, code, n), UC_ERR_OK);
    return uc;
}

static uc_engine *open_a64(const void *code, size_t n)
{
    return open_with(UC_ARCH_ARM64, UC_MODE_ARM, UC_CPU_ARM64_A72, code, n);
}

static uc_engine *open_rv(const void *code, size_t n)
{
    return open_with(UC_ARCH_RISCV, UC_MODE_RISCV64, -1, code, n);
}

static uc_engine *open_x86(const void *code, size_t n)
{
    return open_with(UC_ARCH_X86, UC_MODE_64, -1, code, n);
}

static uint64_t reg(uc_engine *uc, int id)
{
    uint64_t v = 0;
    assert_int_equal(uc_reg_read(uc, id, &v), UC_ERR_OK);
    return v;
}

static void set_reg(uc_engine *uc, int id, uint64_t v)
{
    assert_int_equal(uc_reg_write(uc, id, &v), UC_ERR_OK);
}

/* Returns AArch64 system register (op0, op1, crn, crm, op2). */
static uint64_t a64_sys(uc_engine *uc, uint32_t op0, uint32_t op1, uint32_t crn, uint32_t crm,
                        uint32_t op2)
{
    uc_arm64_cp_reg r = {.crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2};
    assert_int_equal(uc_reg_read(uc, UC_ARM64_REG_CP_REG, &r), UC_ERR_OK);
    return r.val;
}

static void a64_set_sys(uc_engine *uc, uint32_t op0, uint32_t op1, uint32_t crn, uint32_t crm,
                        uint32_t op2, uint64_t v)
{
    uc_arm64_cp_reg r = {.crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2, .val = v};
    assert_int_equal(uc_reg_write(uc, UC_ARM64_REG_CP_REG, &r), UC_ERR_OK);
}

#define A64_SCR_EL3 3, 6, 1, 1, 0
#define A64_HCR_EL2 3, 4, 1, 1, 0
#define A64_SPSR_EL1 3, 0, 4, 0, 0

static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct probe *p = user;
    p->intr_calls++;
    p->intno = intno;
    p->hook_pc = reg(uc, p->pc_reg);
    if (p->stop_in_intr)
        uc_emu_stop(uc);
}

static bool hook_invalid(uc_engine *uc, void *user)
{
    (void)uc;
    ((struct probe *)user)->invalid_calls++;
    return true;
}

static void hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct probe *p = user;
    (void)size;
    p->block_calls++;
    if (p->stop_at_block && p->block_calls == p->stop_at_block)
        uc_emu_stop(uc);
    if (p->block_at && addr == p->block_at) {
        if (p->stop_at_block == (unsigned)-1)
            uc_emu_stop(uc);
        if (p->redirect_to)
            set_reg(uc, p->pc_reg, p->redirect_to);
    }
}

static void hook_code(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    (void)uc;
    (void)addr;
    (void)size;
    ((struct probe *)user)->code_calls++;
}

static void hook_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                     void *user)
{
    struct probe *p = user;
    (void)uc;
    (void)type;
    (void)value;
    if (p->mem_calls < 4) {
        p->mem_addr[p->mem_calls] = addr;
        p->mem_size[p->mem_calls] = (unsigned)size;
    }
    p->mem_calls++;
}

static void add_hook(uc_engine *uc, int type, void *cb, struct probe *p)
{
    uc_hook h;
    assert_int_equal(uc_hook_add(uc, &h, type, cb, p, 1, 0), UC_ERR_OK);
}

/* ---- every architecture ---- */

/* emu/cpu.h (struct emu_arch.reg_end) and emu/core.c's checked wrappers
 * refuse register ids outside 1..*_REG_ENDING-1 because 2.0.1 accepted
 * them silently. 2.1.1 itself answers UC_ERR_ARG, for reads and writes
 * (2.1.1 reg_read/reg_write start from ret = UC_ERR_ARG). */
static void unknown_register_ids_are_refused(void **state)
{
    (void)state;
    static const uint8_t nop[4] = {0};
    const struct {
        uc_arch arch;
        uc_mode mode;
        int ending;
    } archs[] = {
        {UC_ARCH_X86, UC_MODE_64, UC_X86_REG_ENDING},
        {UC_ARCH_ARM64, UC_MODE_ARM, UC_ARM64_REG_ENDING},
        {UC_ARCH_RISCV, UC_MODE_RISCV64, UC_RISCV_REG_ENDING},
    };
    for (size_t i = 0; i < sizeof archs / sizeof archs[0]; i++) {
        uc_engine *uc = open_with(archs[i].arch, archs[i].mode, -1, nop, sizeof nop);
        uint64_t v = 0x1234;
        int ids[] = {0, archs[i].ending, archs[i].ending + 100};
        for (size_t j = 0; j < sizeof ids / sizeof ids[0]; j++) {
            assert_int_equal(uc_reg_read(uc, ids[j], &v), UC_ERR_ARG);
            assert_int_equal(uc_reg_write(uc, ids[j], &v), UC_ERR_ARG);
        }
        uc_close(uc);
    }
}

/* emu/core.c (emu_core_open) sets the CPU model before the first
 * uc_mem_map: afterwards the engine is initialised and refuses it. */
static void cpu_model_only_before_first_map(void **state)
{
    (void)state;
    static const uint8_t nop[4] = {0x1f, 0x20, 0x03, 0xd5};
    uc_engine *uc = open_a64(nop, sizeof nop);
    assert_int_not_equal(uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_A72), UC_ERR_OK);
    uc_close(uc);
}

/* abi/devregs.h and devices/: every device register is 32 bits wide
 * because an 8-byte guest access to uc_mmio_map memory reaches the
 * callbacks as two 4-byte ones, at offset and offset + 4. */
static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    struct probe *p = user;
    (void)uc;
    if (p->mem_calls < 4) {
        p->mem_off[p->mem_calls] = off;
        p->mem_size[p->mem_calls] = size;
    }
    p->mem_calls++;
    return 0x11111111u * (unsigned)(off / 4 + 1);
}

static void mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
    (void)value;
    mmio_read(uc, off, size, user);
}

static void mmio_splits_8_byte_accesses(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x10, /* movq 0x10000000, %rax */
        0x48, 0x89, 0x04, 0x25, 0x08, 0x00, 0x00, 0x10, /* movq %rax, 0x10000008 */
        0xf4,                                           /* hlt */
    };
    struct probe p = {0};
    uc_engine *uc = open_x86(code, sizeof code);
    assert_int_equal(uc_mmio_map(uc, 0x10000000, 0x1000, mmio_read, &p, mmio_write, &p), UC_ERR_OK);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.mem_calls, 4);
    assert_int_equal(p.mem_off[0], 0);
    assert_int_equal(p.mem_off[1], 4);
    assert_int_equal(p.mem_off[2], 8);
    assert_int_equal(p.mem_off[3], 12);
    for (int i = 0; i < 4; i++)
        assert_int_equal(p.mem_size[i], 4);
    assert_int_equal(reg(uc, UC_X86_REG_RAX), 0x2222222211111111ULL);
    uc_close(uc);
}

/* x86 code shared by the stop tests: BASE: inc rax; jmp BASE+0x10.
 * BASE+0x10: inc rbx; hlt. BASE+0x20: inc rcx; hlt. */
static const uint8_t x86_two_blocks[] = {
    0x48, 0xff, 0xc0, 0xeb, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* BASE */
    0x48, 0xff, 0xc3, 0xf4, 0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* +0x10 */
    0x48, 0xff, 0xc1, 0xf4,                                        /* +0x20 */
};

/* emu/core.c (block_hook): a stop requested from UC_HOOK_BLOCK keeps
 * that block from running; it runs, and its hook is called again, when
 * the engine is started again at the PC it stopped at. */
static void block_hook_stop_keeps_block_from_running(void **state)
{
    (void)state;
    struct probe p = {.pc_reg = UC_X86_REG_RIP, .block_at = BASE + 0x10, .stop_at_block = 2};
    uc_engine *uc = open_x86(x86_two_blocks, sizeof x86_two_blocks);
    add_hook(uc, UC_HOOK_BLOCK, hook_block, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(uc, UC_X86_REG_RAX), 1);
    assert_int_equal(reg(uc, UC_X86_REG_RBX), 0);
    assert_int_equal(reg(uc, UC_X86_REG_RIP), BASE + 0x10);
    assert_int_equal(uc_emu_start(uc, BASE + 0x10, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(uc, UC_X86_REG_RBX), 1);
    assert_int_equal(p.block_calls, 3);
    uc_close(uc);
}

/* emu/core.c (block_hook) asks for its stop again at every block past the
 * deadline because in 2.0.1 a PC write from a hook (quit_request) cancelled
 * a pending uc_emu_stop. 2.1.1 keeps the stop (softmmu/cpus.c resumes on
 * quit_request only when no stop is requested): the run ends at the PC
 * written, before it. */
static void pc_write_keeps_pending_stop(void **state)
{
    (void)state;
    struct probe p = {.pc_reg = UC_X86_REG_RIP,
                      .block_at = BASE + 0x10,
                      .stop_at_block = (unsigned)-1,
                      .redirect_to = BASE + 0x20};
    uc_engine *uc = open_x86(x86_two_blocks, sizeof x86_two_blocks);
    add_hook(uc, UC_HOOK_BLOCK, hook_block, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(uc, UC_X86_REG_RAX), 1);
    assert_int_equal(reg(uc, UC_X86_REG_RBX), 0);
    assert_int_equal(reg(uc, UC_X86_REG_RCX), 0);
    assert_int_equal(reg(uc, UC_X86_REG_RIP), BASE + 0x20);
    uc_close(uc);
}

/* machine/arch/aarch64.c (the vector hook): a PC written from UC_HOOK_BLOCK
 * takes effect before any instruction of that block runs. A64: BASE:
 * add x0, #1; wfi. BASE+0x10: add x1, #1; wfi. */
static void block_hook_pc_write_skips_block(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x00, 0x04, 0x00, 0x91, 0x7f, 0x20, 0x03, 0xd5, 0,    0,    0,    0,
        0,    0,    0,    0,    0x21, 0x04, 0x00, 0x91, 0x7f, 0x20, 0x03, 0xd5,
    };
    struct probe p = {.pc_reg = UC_ARM64_REG_PC, .block_at = BASE, .redirect_to = BASE + 0x10};
    uc_engine *uc = open_a64(code, sizeof code);
    add_hook(uc, UC_HOOK_BLOCK, hook_block, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(uc, UC_ARM64_REG_X0), 0);
    assert_int_equal(reg(uc, UC_ARM64_REG_X1), 1);
    assert_int_equal(reg(uc, UC_ARM64_REG_PC), BASE + 0x18);
    uc_close(uc);
}

/* A64 loop of two chained blocks: BASE: add x0, #1; b BASE+0x10.
 * BASE+0x10: add x1, #1; b BASE. */
static const uint8_t a64_loop[] = {
    0x00, 0x04, 0x00, 0x91, 0x03, 0x00, 0x00, 0x14, 0x1f, 0x20, 0x03, 0xd5,
    0x1f, 0x20, 0x03, 0xd5, 0x21, 0x04, 0x00, 0x91, 0xfb, 0xff, 0xff, 0x17,
};

/* Returns the PC after a block-hook stop at the 6th block (BASE+0x10) of
 * a64_loop, with a code hook on an address the loop never reaches when
 * `code_hook`. */
static uint64_t a64_pc_after_chain_stop(bool code_hook)
{
    struct probe p = {.pc_reg = UC_ARM64_REG_PC, .stop_at_block = 6};
    uc_engine *uc = open_a64(a64_loop, sizeof a64_loop);
    add_hook(uc, UC_HOOK_BLOCK, hook_block, &p);
    if (code_hook) {
        uc_hook h;
        assert_int_equal(
            uc_hook_add(uc, &h, UC_HOOK_CODE, hook_code, &p, BASE + 0x800, BASE + 0x800),
            UC_ERR_OK);
    }
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(uc, UC_ARM64_REG_X0), 3);
    assert_int_equal(reg(uc, UC_ARM64_REG_X1), 2);
    assert_int_equal(p.code_calls, 0);
    uint64_t pc = reg(uc, UC_ARM64_REG_PC);
    uc_close(uc);
    return pc;
}

/* machine/arch/aarch64.c ("No UC_HOOK_CODE is used on purpose") and
 * emu/core.c: while any UC_HOOK_CODE exists, a stop when leaving a chain
 * of translated blocks leaves the PC stale (cpu_tb_exec skips
 * synchronize_from_tb, unchanged in 2.1.1); without one the PC is the
 * block the run stopped before. */
static void code_hook_leaves_pc_stale_at_stop(void **state)
{
    (void)state;
    assert_int_equal(a64_pc_after_chain_stop(false), BASE + 0x10);
    assert_int_not_equal(a64_pc_after_chain_stop(true), BASE + 0x10);
}

/* machine/arch/aarch64.c (the vector hook is the core's block callback)
 * and emu/timing.c (set_hooked, drop_pages): a hook added after a block
 * was translated does not fire on it (unicorn issue #2200) until that
 * block's translation is dropped (uc_ctl_remove_cache). The same holds
 * for memory hooks: whether loads call them is decided at translation. */
static void hooks_added_after_translation_do_not_fire(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x48, 0x8b, 0x03, /* movq (%rbx), %rax */
        0xf4,             /* hlt */
    };
    struct probe p = {0};
    uc_engine *uc = open_x86(code, sizeof code);
    set_reg(uc, UC_X86_REG_RBX, BASE + 0x800);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    add_hook(uc, UC_HOOK_BLOCK, hook_block, &p);
    add_hook(uc, UC_HOOK_MEM_READ, hook_mem, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.block_calls, 0);
    assert_int_equal(p.mem_calls, 0);
    assert_int_equal(uc_ctl_remove_cache(uc, BASE, BASE + 0x1000), UC_ERR_OK);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.block_calls, 1);
    assert_int_equal(p.mem_calls, 1);
    uc_close(uc);
}

/* ---- AArch64 ---- */

/* machine/arch/aarch64.c (boot): reset state is EL1h with SCR_EL3 = 0, so
 * the board writes SCR_EL3 and HCR_EL2 itself. */
static void a64_reset_state(void **state)
{
    (void)state;
    static const uint8_t nop[4] = {0x1f, 0x20, 0x03, 0xd5};
    uc_engine *uc = open_a64(nop, sizeof nop);
    assert_int_equal(reg(uc, UC_ARM64_REG_PSTATE) & 0xf, 0x5); /* EL1h */
    assert_int_equal(a64_sys(uc, A64_SCR_EL3), 0);
    uc_close(uc);
}

/* VBAR_EL1 at BASE+0x1000; every vector entry: add x5, #1; wfi. */
static void a64_fill_vectors(uc_engine *uc)
{
    static const uint8_t entry[] = {0xa5, 0x04, 0x00, 0x91, 0x7f, 0x20, 0x03, 0xd5};
    for (uint64_t off = 0; off < 0x800; off += 0x80)
        assert_int_equal(uc_mem_write(uc, BASE + 0x1000 + off, entry, sizeof entry), UC_ERR_OK);
    set_reg(uc, UC_ARM64_REG_VBAR_EL1, BASE + 0x1000);
}

/* machine/arch/aarch64.c (a64_hook_intr, aarch64_uc.c): svc calls
 * UC_HOOK_INTR (EXCP_SWI) with the PC already after it; the vector is not
 * entered, ESR_EL1 is not written (the syndrome is only in the CPU state),
 * and the run goes on after the svc. */
static void a64_svc_calls_hook_not_vector(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x01, 0x00, 0x00, 0xd4, /* svc #0 */
        0x21, 0x04, 0x00, 0x91, /* add x1, x1, #1 */
        0x7f, 0x20, 0x03, 0xd5, /* wfi */
    };
    struct probe p = {.pc_reg = UC_ARM64_REG_PC};
    uc_engine *uc = open_a64(code, sizeof code);
    a64_fill_vectors(uc);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.intr_calls, 1);
    assert_int_equal(p.intno, 2); /* EXCP_SWI */
    assert_int_equal(p.hook_pc, BASE + 4);
    assert_int_equal(reg(uc, UC_ARM64_REG_X1), 1);
    assert_int_equal(reg(uc, UC_ARM64_REG_X5), 0);
    assert_int_equal(reg(uc, UC_ARM64_REG_ESR_EL1), 0);
    uc_close(uc);
}

/* machine/arch/aarch64.c: an undefined instruction calls UC_HOOK_INTR
 * (EXCP_UDEF) with the PC at the instruction. */
static void a64_undef_pc_at_instruction(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x1f, 0x20, 0x03, 0xd5, /* nop */
        0x00, 0x00, 0x00, 0x00, /* udf #0 */
    };
    struct probe p = {.pc_reg = UC_ARM64_REG_PC, .stop_in_intr = true};
    uc_engine *uc = open_a64(code, sizeof code);
    a64_fill_vectors(uc);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.intr_calls, 1);
    assert_int_equal(p.intno, 1); /* EXCP_UDEF */
    assert_int_equal(p.hook_pc, BASE + 4);
    assert_int_equal(reg(uc, UC_ARM64_REG_X5), 0);
    uc_close(uc);
}

/* Drops to EL0 natively: eret from EL1 to BASE+0x100, and stops there. */
static void a64_eret_to_el0(uc_engine *uc)
{
    static const uint8_t eret[] = {0xe0, 0x03, 0x9f, 0xd6};
    assert_int_equal(uc_mem_write(uc, BASE + 0x200, eret, sizeof eret), UC_ERR_OK);
    set_reg(uc, UC_ARM64_REG_ELR_EL1, BASE + 0x100);
    a64_set_sys(uc, A64_SPSR_EL1, 0); /* EL0t, DAIF clear */
    assert_int_equal(uc_emu_start(uc, BASE + 0x200, BASE + 0x100, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(uc, UC_ARM64_REG_PSTATE) & 0xf, 0); /* EL0t */
}

/* Runs `mrs x0, esr_el1` at EL1 entered by a host PSTATE write from EL0
 * (and, when `cp_write`, one UC_ARM64_REG_CP_REG write after it);
 * returns the exception number it raised, or 0 with x0 = ESR_EL1. */
static uint32_t a64_mrs_after_pstate_write(bool cp_write, uint64_t *x0)
{
    static const uint8_t code[] = {
        0x00, 0x52, 0x38, 0xd5, /* mrs x0, esr_el1 */
        0x1f, 0x20, 0x03, 0xd5, /* nop */
    };
    struct probe p = {.pc_reg = UC_ARM64_REG_PC, .stop_in_intr = true};
    uc_engine *uc = open_a64(code, sizeof code);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    set_reg(uc, UC_ARM64_REG_ESR_EL1, 0x5a5a);
    a64_eret_to_el0(uc);
    uint32_t pstate = 0x3c5; /* EL1h, DAIF masked */
    assert_int_equal(uc_reg_write(uc, UC_ARM64_REG_PSTATE, &pstate), UC_ERR_OK);
    if (cp_write)
        a64_set_sys(uc, A64_SCR_EL3, a64_sys(uc, A64_SCR_EL3));
    assert_int_equal(uc_emu_start(uc, BASE, BASE + 4, 0, 0), UC_ERR_OK);
    *x0 = reg(uc, UC_ARM64_REG_X0);
    uc_close(uc);
    return p.intr_calls ? p.intno : 0;
}

/* machine/arch/aarch64.c (trap entry through HCR_EL2.VI): a host write of
 * PSTATE does not rebuild QEMU's cached hflags, so code at the new EL
 * still runs with the old EL's permissions (pstate_write, unchanged in
 * 2.1.1). A UC_ARM64_REG_CP_REG write does rebuild them (2.1.1 calls
 * arm_rebuild_hflags after every CP_REG write; 2.0.1 did not). */
static void a64_pstate_write_leaves_hflags_stale(void **state)
{
    (void)state;
    uint64_t x0 = 0;
    assert_int_equal(a64_mrs_after_pstate_write(false, &x0), 1); /* EXCP_UDEF */
    assert_int_equal(a64_mrs_after_pstate_write(true, &x0), 0);
    assert_int_equal(x0, 0x5a5a);
}

/* UC_HOOK_BLOCK at the IRQ vector: lowers HCR_EL2.VI and stops, as the
 * board's vector hook does. */
static void a64_vector_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct probe *p = user;
    (void)size;
    if (addr != BASE + 0x1480)
        return;
    p->block_calls++;
    a64_set_sys(uc, A64_HCR_EL2, (1ULL << 31) | (1u << 4));
    uc_emu_stop(uc);
}

/* machine/arch/aarch64.c (boot, trap and interrupt entry): with SCR_EL3 =
 * NS|RW and HCR_EL2 = RW|IMO|VI, EL0 code with PSTATE.I clear takes a
 * virtual IRQ at VBAR_EL1+0x480 natively: ELR_EL1 = the interrupted PC,
 * SPSR_EL1 = its PSTATE, EL1h with DAIF masked. While VI stays raised the
 * engine does not return at an exit address or a wfi (the IRQ stays
 * pending), so the board's block hook lowers it as the vector's block
 * starts, like this test. */
static void a64_hcr_vi_enters_irq_vector(void **state)
{
    (void)state;
    static const uint8_t user[] = {
        0x63, 0x04, 0x00, 0x91, /* add x3, x3, #1 */
        0x00, 0x00, 0x00, 0x14, /* b . */
    };
    struct probe p = {0};
    uc_engine *uc = open_a64(user, sizeof user);
    assert_int_equal(uc_mem_write(uc, BASE + 0x100, user, sizeof user), UC_ERR_OK);
    a64_fill_vectors(uc);
    a64_set_sys(uc, A64_SCR_EL3, (1u << 10) | 1u);
    a64_set_sys(uc, A64_HCR_EL2, (1ULL << 31) | (1u << 4));
    a64_eret_to_el0(uc);
    add_hook(uc, UC_HOOK_BLOCK, a64_vector_hook, &p);
    a64_set_sys(uc, A64_HCR_EL2, (1ULL << 31) | (1u << 4) | (1u << 7));
    assert_int_equal(uc_emu_start(uc, BASE + 0x100, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.block_calls, 1);
    assert_int_equal(reg(uc, UC_ARM64_REG_PC), BASE + 0x1480);
    assert_int_equal(reg(uc, UC_ARM64_REG_X5), 0);
    assert_int_equal(reg(uc, UC_ARM64_REG_X3), 0);
    assert_int_equal(reg(uc, UC_ARM64_REG_ELR_EL1), BASE + 0x100);
    assert_int_equal(a64_sys(uc, A64_SPSR_EL1), 0);
    assert_int_equal(reg(uc, UC_ARM64_REG_PSTATE) & 0x3cf, 0x3c5);
    uc_close(uc);
}

/* ---- RISC-V ---- */

/* machine/arch/riscv64.c and riscv64_uc.c patch `priv` in a saved context
 * because there is no privilege register: in 2.1.1 the id after
 * UC_RISCV_REG_PC is UC_RISCV_REG_ENDING, not a register (2.1.2 puts
 * UC_RISCV_REG_PRIV there). */
static void rv_no_privilege_register(void **state)
{
    (void)state;
    static const uint8_t nop[4] = {0x13, 0, 0, 0};
    uc_engine *uc = open_rv(nop, sizeof nop);
    uint64_t v = 0;
    assert_int_equal(UC_RISCV_REG_ENDING, UC_RISCV_REG_PC + 1);
    assert_int_equal(uc_reg_read(uc, UC_RISCV_REG_PC + 1, &v), UC_ERR_ARG);
    uc_close(uc);
}

/* Runs the 4-byte instruction `insn`, then c.addi a1, 1; wfi, with
 * UC_HOOK_INTR (and UC_HOOK_INSN_INVALID returning true when `invalid`)
 * installed; checks that uc_emu_start returned `err`, that UC_HOOK_INTR
 * ran once with the PC 4 past `insn` and that the run went on there.
 * Returns the number UC_HOOK_INTR got; *invalid_calls = the
 * UC_HOOK_INSN_INVALID calls. */
static uint32_t rv_trap_and_go_on(uint32_t insn, bool invalid, uc_err err, unsigned *invalid_calls)
{
    uint8_t code[] = {
        0,    0,    0,    0,    /* insn */
        0x85, 0x05,             /* c.addi a1, 1 */
        0x73, 0x00, 0x50, 0x10, /* wfi */
    };
    memcpy(code, &insn, 4);
    struct probe p = {.pc_reg = UC_RISCV_REG_PC};
    uc_engine *uc = open_rv(code, sizeof code);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    if (invalid)
        add_hook(uc, UC_HOOK_INSN_INVALID, hook_invalid, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), err);
    assert_int_equal(p.intr_calls, 1);
    assert_int_equal(p.hook_pc, BASE + 4);
    assert_int_equal(reg(uc, UC_RISCV_REG_A1), 1);
    uc_close(uc);
    *invalid_calls = p.invalid_calls;
    return p.intno;
}

/* machine/arch/riscv64.c (rv_hook_intr): ecall calls UC_HOOK_INTR with
 * the PC 4 past the instruction and the run goes on there. The number is
 * 8 (RISCV_EXCP_U_ECALL) from every mode, M-mode here: the board adds
 * the mode to get the cause. */
static void rv_ecall_pc_plus_4_and_continues(void **state)
{
    (void)state;
    unsigned invalid_calls = 0;
    assert_int_equal(rv_trap_and_go_on(0x00000073 /* ecall */, false, UC_ERR_OK, &invalid_calls),
                     8);
}

/* machine/arch/riscv64.c (rv_hook_intr: trapping PC = PC - 4): 2.1.1 adds
 * 4 to the PC for every exception, whatever the instruction's length: a
 * 2-byte illegal instruction is reported 4 bytes on. */
static void rv_fault_pc_plus_4_whatever_length(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x01, 0x00, /* c.nop */
        0x00, 0x00, /* c.unimp */
        0x01, 0x00, /* c.nop */
        0x01, 0x00, /* c.nop */
    };
    struct probe p = {.pc_reg = UC_RISCV_REG_PC, .stop_in_intr = true};
    uc_engine *uc = open_rv(code, sizeof code);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.intr_calls, 1);
    assert_int_equal(p.intno, 2); /* illegal instruction */
    assert_int_equal(p.hook_pc, BASE + 2 + 4);
    uc_close(uc);
}

/* machine/arch/riscv64.c (rv_hook_invalid, rv_hook_intr): ebreak calls
 * UC_HOOK_INSN_INVALID; caught, it goes on to UC_HOOK_INTR (cause 3, PC
 * + 4 as for every exception) and the run goes on after it, but
 * uc_emu_start returns UC_ERR_EXCEPTION in the end (riscv_stop_interrupt
 * recorded it), so the board stops at once (emu_core_exception_taken). */
static void rv_ebreak_invalid_then_intr(void **state)
{
    (void)state;
    unsigned invalid_calls = 0;
    assert_int_equal(
        rv_trap_and_go_on(0x00100073 /* ebreak */, true, UC_ERR_EXCEPTION, &invalid_calls), 3);
    assert_int_equal(invalid_calls, 1);
}

/* machine/arch/riscv64.c (rv_enter_s: the mode is patched before the CSRs
 * are written): host CSR accesses are checked against the guest's current
 * mode. From U-mode (entered natively by mret) a write of sscratch
 * reports success and does not land, and a read reports success with an
 * undefined value. */
static void rv_csr_access_checked_against_mode(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x73, 0x00, 0x20, 0x30, /* mret */
    };
    uc_engine *uc = open_rv(code, sizeof code);
    set_reg(uc, UC_RISCV_REG_SSCRATCH, 0x77);
    assert_int_equal(reg(uc, UC_RISCV_REG_SSCRATCH), 0x77);
    assert_int_equal(reg(uc, UC_RISCV_REG_MSTATUS), 0); /* MPP = U */
    set_reg(uc, UC_RISCV_REG_MEPC, BASE + 0x100);
    assert_int_equal(uc_emu_start(uc, BASE, BASE + 0x100, 0, 0), UC_ERR_OK);
    set_reg(uc, UC_RISCV_REG_SSCRATCH, 0x1234);
    /* The write reported success but did not land. The read reports
     * success too, but its value is whatever Unicorn's own stack held (0 in
     * the RelWithDebInfo build, a heap address under ASan): never the CSR. */
    assert_int_not_equal(reg(uc, UC_RISCV_REG_SSCRATCH), 0x1234);
    uc_close(uc);
}

/* ---- x86_64 ---- */

/* machine/arch/x86_64.c (boot): reset state is CPL0 long mode with paging
 * off. */
static void x86_reset_state(void **state)
{
    (void)state;
    static const uint8_t nop[] = {0x90};
    uc_engine *uc = open_x86(nop, sizeof nop);
    uc_x86_msr efer = {.rid = 0xc0000080};
    assert_int_equal(uc_reg_read(uc, UC_X86_REG_MSR, &efer), UC_ERR_OK);
    assert_int_equal(efer.value & 0x500, 0x500); /* LME, LMA */
    assert_int_equal(reg(uc, UC_X86_REG_CR0) & 0x80000000u, 0);
    assert_int_equal(reg(uc, UC_X86_REG_CS) & 3, 0);
    uc_close(uc);
}

/* machine/arch/x86_64.c (x86_hook_intr): `int $0x80` calls UC_HOOK_INTR
 * (vector 0x80) with RIP after it; the IDT is not used and the run goes on
 * after the instruction. */
static void x86_int_calls_hook_rip_after(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0xcd, 0x80,       /* int $0x80 */
        0x48, 0xff, 0xc3, /* inc rbx */
        0xf4,             /* hlt */
    };
    struct probe p = {.pc_reg = UC_X86_REG_RIP};
    uc_engine *uc = open_x86(code, sizeof code);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.intr_calls, 1);
    assert_int_equal(p.intno, 0x80);
    assert_int_equal(p.hook_pc, BASE + 2);
    assert_int_equal(reg(uc, UC_X86_REG_RBX), 1);
    uc_close(uc);
}

/* machine/arch/x86_64.c (x86_invalid_hook): ud2 calls
 * UC_HOOK_INSN_INVALID; caught, it goes on to UC_HOOK_INTR (vector 6) with
 * RIP at the instruction. */
static void x86_ud_invalid_then_intr(void **state)
{
    (void)state;
    static const uint8_t code[] = {0x0f, 0x0b, 0xf4}; /* ud2; hlt */
    struct probe p = {.pc_reg = UC_X86_REG_RIP, .stop_in_intr = true};
    uc_engine *uc = open_x86(code, sizeof code);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    add_hook(uc, UC_HOOK_INSN_INVALID, hook_invalid, &p);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.invalid_calls, 1);
    assert_int_equal(p.intr_calls, 1);
    assert_int_equal(p.intno, 6);
    assert_int_equal(p.hook_pc, BASE);
    uc_close(uc);
}

static void hook_syscall(uc_engine *uc, void *user)
{
    struct probe *p = user;
    p->insn_calls++;
    p->hook_pc = reg(uc, UC_X86_REG_RIP);
    uc_x86_msr lstar = {.rid = 0xc0000082};
    p->mem_addr[0] = uc_reg_read(uc, UC_X86_REG_MSR, &lstar) == UC_ERR_OK ? lstar.value : 0;
    if (p->redirect_to)
        set_reg(uc, UC_X86_REG_RIP, p->redirect_to);
}

/* machine/arch/x86_64.c (x86_syscall_hook, x86_syscall_enter): `syscall`
 * calls UC_HOOK_INSN, RIP at it, LSTAR readable, then adds its length (2)
 * to RIP, even to one the hook wrote; with EFER.SCE clear or set alike it
 * never enters LSTAR, raises no #UD, leaves RCX, R11 and CS alone. */
static void x86_syscall_hook_rip_then_plus_2(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x0f, 0x05,       /* syscall */
        0x48, 0xff, 0xc3, /* inc rbx */
        0xf4,             /* hlt */
        0x48, 0xff, 0xc1, /* inc rcx (BASE+6) */
        0xf4,             /* hlt */
    };
    for (uint64_t sce = 0; sce <= 1; sce++) {
        struct probe p = {.redirect_to = BASE + 6 - 2};
        uc_engine *uc = open_x86(code, sizeof code);
        uc_hook h;
        uc_x86_msr efer = {.rid = 0xc0000080, .value = 0x500 | sce}, /* LME, LMA (reset) */
            lstar = {.rid = 0xc0000082, .value = BASE + 2};
        assert_int_equal(uc_reg_write(uc, UC_X86_REG_MSR, &efer), UC_ERR_OK);
        assert_int_equal(uc_reg_write(uc, UC_X86_REG_MSR, &lstar), UC_ERR_OK);
        set_reg(uc, UC_X86_REG_R11, 0x77);
        assert_int_equal(
            uc_hook_add(uc, &h, UC_HOOK_INSN, hook_syscall, &p, 1, 0, UC_X86_INS_SYSCALL),
            UC_ERR_OK);
        add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
        assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
        assert_true(p.insn_calls == 1 && p.intr_calls == 0 && p.hook_pc == BASE);
        assert_int_equal(p.mem_addr[0], BASE + 2);
        assert_true(reg(uc, UC_X86_REG_RBX) == 0 && reg(uc, UC_X86_REG_RCX) == 1);
        assert_true(reg(uc, UC_X86_REG_R11) == 0x77 && (reg(uc, UC_X86_REG_CS) & 3) == 0);
        uc_close(uc);
    }
}

/* machine/arch/x86_64.c (x86_state_store patches hflags and the CS/SS
 * caches): writing CS in 64-bit mode changes the selector only; the CPL
 * stays 0, so a privileged instruction still runs. */
static void x86_cs_write_keeps_cpl(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x0f, 0x20, 0xc0, /* mov rax, cr0 */
        0xf4,             /* hlt */
    };
    struct probe p = {.pc_reg = UC_X86_REG_RIP, .stop_in_intr = true};
    uc_engine *uc = open_x86(code, sizeof code);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    set_reg(uc, UC_X86_REG_CS, 0x33);
    assert_int_equal(reg(uc, UC_X86_REG_CS), 0x33);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.intr_calls, 0);
    assert_int_equal(reg(uc, UC_X86_REG_RAX), reg(uc, UC_X86_REG_CR0));
    uc_close(uc);
}

/* machine/arch/x86_64.c (x86_syscall_hook; guest-kernel leaves user
 * mode with iretq) was written for 2.0.1, where EFER.SCE could not be set
 * so `sysretq` raised #UD. 2.1.1 keeps SCE (helper_wrmsr: the default
 * CPU has CPUID SYSCALL) and `sysretq` returns to CPL3 natively: CS =
 * STAR[63:48] + 16 | 3, RIP = RCX, and a privileged instruction there
 * raises #GP. */
static void x86_efer_sce_can_be_set_sysret_works(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x48, 0x0f, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* sysretq */
        0x0f, 0x20, 0xc0,                                        /* mov rax, cr0 */
        0xf4,                                                    /* hlt */
    };
    struct probe p = {.pc_reg = UC_X86_REG_RIP, .stop_in_intr = true};
    uc_engine *uc = open_x86(code, sizeof code);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    add_hook(uc, UC_HOOK_INSN_INVALID, hook_invalid, &p);
    uc_x86_msr efer = {.rid = 0xc0000080};
    assert_int_equal(uc_reg_read(uc, UC_X86_REG_MSR, &efer), UC_ERR_OK);
    efer.value |= 1; /* SCE */
    assert_int_equal(uc_reg_write(uc, UC_X86_REG_MSR, &efer), UC_ERR_OK);
    efer.value = 0;
    assert_int_equal(uc_reg_read(uc, UC_X86_REG_MSR, &efer), UC_ERR_OK);
    assert_int_equal(efer.value & 1, 1);
    uc_x86_msr star = {.rid = 0xc0000081, .value = (0x10ULL << 48) | (0x08ULL << 32)};
    assert_int_equal(uc_reg_write(uc, UC_X86_REG_MSR, &star), UC_ERR_OK);
    set_reg(uc, UC_X86_REG_RCX, BASE + 0x10);
    set_reg(uc, UC_X86_REG_R11, 0x2);
    assert_int_equal(uc_emu_start(uc, BASE, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.invalid_calls, 0);
    assert_int_equal(p.intr_calls, 1);
    assert_int_equal(p.intno, 13);
    assert_int_equal(p.hook_pc, BASE + 0x10);
    assert_int_equal(reg(uc, UC_X86_REG_CS), 0x23);
    uc_close(uc);
}

/* Returns an x86_64 engine with RAM at [0, 8 MiB), `code` at 0x10000 and
 * paging on: VA [0, 2M) and [6M, 8M) identity-mapped, VA [2M, 4M) ->
 * PA [4M, 6M), VA [4M, 6M) and everything from 1 GiB not present.
 * PA 2M holds 0x1111, PA 4M holds 0x2222. */
static uc_engine *x86_paged(const void *code, size_t n)
{
    uc_engine *uc = NULL;
    assert_int_equal(uc_open(UC_ARCH_X86, UC_MODE_64, &uc), UC_ERR_OK);
    assert_int_equal(uc_mem_map(uc, 0, 0x800000, UC_PROT_ALL), UC_ERR_OK);
    assert_int_equal(uc_mem_write(uc, 0x10000, code, n), UC_ERR_OK);
    const uint64_t pml4 = 0x2000 | 3, pdpt = 0x3000 | 3;
    const uint64_t pd[4] = {0x000000 | 0x83, 0x400000 | 0x83, 0, 0x600000 | 0x83};
    const uint64_t a = 0x1111, b = 0x2222;
    assert_int_equal(uc_mem_write(uc, 0x1000, &pml4, 8), UC_ERR_OK);
    assert_int_equal(uc_mem_write(uc, 0x2000, &pdpt, 8), UC_ERR_OK);
    assert_int_equal(uc_mem_write(uc, 0x3000, pd, sizeof pd), UC_ERR_OK);
    assert_int_equal(uc_mem_write(uc, 0x200000, &a, 8), UC_ERR_OK);
    assert_int_equal(uc_mem_write(uc, 0x400000, &b, 8), UC_ERR_OK);
    set_reg(uc, UC_X86_REG_CR3, 0x1000);
    set_reg(uc, UC_X86_REG_CR4, reg(uc, UC_X86_REG_CR4) | 0x20);
    set_reg(uc, UC_X86_REG_CR0, reg(uc, UC_X86_REG_CR0) | 0x80000001u);
    set_reg(uc, UC_X86_REG_RSP, 0x8000);
    return uc;
}

/* Returns x86_paged(code, n) after running it from 0x10000 to its hlt or
 * to the first trap, which `p` records (and which stops the run). */
static uc_engine *x86_paged_run(const void *code, size_t n, struct probe *p)
{
    uc_engine *uc = x86_paged(code, n);
    add_hook(uc, UC_HOOK_INTR, hook_intr, p);
    assert_int_equal(uc_emu_start(uc, 0x10000, 0, 0, 0), UC_ERR_OK);
    return uc;
}

/* docs/machine.md ("the kernel identity-maps it, VA == PA") and
 * guest-kernel's x86 page tables: 2.0.1 forced PA = VA on x86, so only
 * identity maps worked. 2.1.1 uses the physical address the page walk
 * gives (commit 4b327baa, "make unicorn use the physical addresses").
 * Memory hooks report that physical address too. (The kernel maps VA ==
 * PA, so emu/timing.c's cache model sees the same addresses either way.) */
static void x86_page_walk_gives_physical_address(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00, /* mov rax, [0x200000] */
        0xf4,                                           /* hlt */
    };
    struct probe p = {0};
    uc_engine *uc = x86_paged(code, sizeof code);
    add_hook(uc, UC_HOOK_MEM_READ, hook_mem, &p);
    assert_int_equal(uc_emu_start(uc, 0x10000, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(reg(uc, UC_X86_REG_RAX), 0x2222);
    /* the memory hook reports the physical address (2.0.1: the virtual
     * one), and uc_mem_read takes a physical one */
    assert_int_equal(p.mem_calls, 1);
    assert_int_equal(p.mem_addr[0], 0x400000);
    uint64_t v = 0;
    assert_int_equal(uc_mem_read(uc, 0x200000, &v, 8), UC_ERR_OK);
    assert_int_equal(v, 0x1111);
    uc_close(uc);
}

/* guest-kernel/arch/x86_64/mmu.c (arch_pt_activate, arch_pt_switch): on
 * the CPU model the machine uses (the engine's default, qemu64), the guest
 * can set CR4.PCIDE with paging on (no #GP), and a CR3 write carrying a
 * PCID and the no-flush bit 63 is accepted and translation goes on. (The
 * engine flushes its own TLB on every CR3 write regardless; the timing
 * model's tagging is emu/arch/x86_64.c's x86_asid_of, which reads bit 63
 * back from CR3.) */
static void x86_pcid_can_be_enabled(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x0f, 0x20, 0xe0,                               /* mov rax, cr4 */
        0x48, 0x0d, 0x00, 0x00, 0x02, 0x00,             /* or rax, 0x20000 (PCIDE) */
        0x0f, 0x22, 0xe0,                               /* mov cr4, rax */
        0x0f, 0x20, 0xd8,                               /* mov rax, cr3 */
        0x48, 0x0f, 0xba, 0xe8, 0x3f,                   /* bts rax, 63 */
        0x48, 0x83, 0xc8, 0x01,                         /* or rax, 1 (PCID 1) */
        0x0f, 0x22, 0xd8,                               /* mov cr3, rax */
        0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00, /* mov rax, [0x200000] */
        0xf4,                                           /* hlt */
    };
    struct probe p = {.pc_reg = UC_X86_REG_RIP, .stop_in_intr = true};
    uc_engine *uc = x86_paged_run(code, sizeof code, &p);
    assert_int_equal(p.intr_calls, 0);
    assert_int_equal(reg(uc, UC_X86_REG_CR4) & 0x20000, 0x20000);
    assert_int_equal(reg(uc, UC_X86_REG_CR3) & 0xfff, 1);
    /* Bit 63 stays in CR3 (hardware reads it as 0): the timing model
     * (x86_asid_of) reads it to tell a no-flush switch from a flush. */
    assert_int_equal(reg(uc, UC_X86_REG_CR3) >> 63, 1);
    assert_int_equal(reg(uc, UC_X86_REG_RAX), 0x2222); /* VA 2M -> PA 4M still */
    uc_close(uc);
}

/* machine/arch/x86_64.c (#PF entry: "CR2 is already set by Unicorn's page
 * walk"): a page fault calls UC_HOOK_INTR (vector 14) with RIP at the
 * instruction and CR2 = the address. */
static void x86_page_fault_rip_at_instruction_cr2_set(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x90,                                           /* nop */
        0x48, 0x8b, 0x1c, 0x25, 0x08, 0x00, 0x40, 0x00, /* mov rbx, [0x400008] */
        0xf4,                                           /* hlt */
    };
    struct probe p = {.pc_reg = UC_X86_REG_RIP, .stop_in_intr = true};
    uc_engine *uc = x86_paged_run(code, sizeof code, &p);
    assert_int_equal(p.intr_calls, 1);
    assert_int_equal(p.intno, 14);
    assert_int_equal(p.hook_pc, 0x10001);
    assert_int_equal(reg(uc, UC_X86_REG_CR2), 0x400008);
    uc_close(uc);
}

/* machine/machine.c (unmapped_hook): 2.0.1 checked the VIRTUAL address
 * against uc_mem_map regions before the page walk, so a user access where
 * no memory exists stopped the engine instead of faulting, and the board
 * maps a stand-in page there. 2.1.1 walks the page tables first: a
 * virtual address that is not present raises the page fault, and the
 * unmapped-memory hook is not called. */
static void unmapped_virtual_address_faults_without_hook(void **state)
{
    (void)state;
    static const uint8_t code[] = {
        0x48, 0x8b, 0x1c, 0x25, 0x00, 0x00, 0x00, 0x40, /* mov rbx, [0x40000000] */
        0xf4,                                           /* hlt */
    };
    struct probe p = {.pc_reg = UC_X86_REG_RIP, .stop_in_intr = true};
    uc_engine *uc = x86_paged(code, sizeof code);
    add_hook(uc, UC_HOOK_INTR, hook_intr, &p);
    add_hook(uc, UC_HOOK_MEM_UNMAPPED, hook_mem, &p);
    assert_int_equal(uc_emu_start(uc, 0x10000, 0, 0, 0), UC_ERR_OK);
    assert_int_equal(p.mem_calls, 0);
    assert_int_equal(p.intr_calls, 1);
    assert_int_equal(p.intno, 14);
    assert_int_equal(reg(uc, UC_X86_REG_CR2), 0x40000000);
    uc_close(uc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown_register_ids_are_refused),
        cmocka_unit_test(cpu_model_only_before_first_map),
        cmocka_unit_test(mmio_splits_8_byte_accesses),
        cmocka_unit_test(block_hook_stop_keeps_block_from_running),
        cmocka_unit_test(pc_write_keeps_pending_stop),
        cmocka_unit_test(block_hook_pc_write_skips_block),
        cmocka_unit_test(code_hook_leaves_pc_stale_at_stop),
        cmocka_unit_test(hooks_added_after_translation_do_not_fire),
        cmocka_unit_test(a64_reset_state),
        cmocka_unit_test(a64_svc_calls_hook_not_vector),
        cmocka_unit_test(a64_undef_pc_at_instruction),
        cmocka_unit_test(a64_pstate_write_leaves_hflags_stale),
        cmocka_unit_test(a64_hcr_vi_enters_irq_vector),
        cmocka_unit_test(rv_no_privilege_register),
        cmocka_unit_test(rv_ecall_pc_plus_4_and_continues),
        cmocka_unit_test(rv_fault_pc_plus_4_whatever_length),
        cmocka_unit_test(rv_ebreak_invalid_then_intr),
        cmocka_unit_test(rv_csr_access_checked_against_mode),
        cmocka_unit_test(x86_reset_state),
        cmocka_unit_test(x86_pcid_can_be_enabled),
        cmocka_unit_test(x86_int_calls_hook_rip_after),
        cmocka_unit_test(x86_ud_invalid_then_intr),
        cmocka_unit_test(x86_syscall_hook_rip_then_plus_2),
        cmocka_unit_test(x86_cs_write_keeps_cpl),
        cmocka_unit_test(x86_efer_sce_can_be_set_sysret_works),
        cmocka_unit_test(x86_page_walk_gives_physical_address),
        cmocka_unit_test(x86_page_fault_rip_at_instruction_cr2_set),
        cmocka_unit_test(unmapped_virtual_address_faults_without_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
