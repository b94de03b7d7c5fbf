/* emu/cpu.h: architecture-neutral CPU cores on Unicorn.
 *
 * A core owns one Unicorn engine, a deterministic cycle clock and a
 * per-block cost cache. A UC_HOOK_BLOCK hook charges each basic block when
 * it starts and stops the core once its clock reaches the deadline; that
 * hook is where the timing model (a later issue) plugs in. Everything a core
 * needs is in struct emu_core, so a machine can run several of them in
 * deterministic slices. One struct emu_arch per architecture, one file per
 * variant in emu/arch/. */
#ifndef IPCEMU_EMU_CPU_H
#define IPCEMU_EMU_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "emu/uc_check.h"

enum emu_arch_id { EMU_ARCH_X86_64, EMU_ARCH_AARCH64, EMU_ARCH_RISCV64, EMU_ARCH_COUNT };

struct emu_core;
struct tm_profile;
struct tm_state;

/* What an instruction does to control flow (for the branch predictor). */
enum emu_flow {
    EMU_FLOW_NONE,
    EMU_FLOW_COND,          /* conditional direct branch */
    EMU_FLOW_JUMP,          /* unconditional direct jump */
    EMU_FLOW_INDIRECT,      /* jump through a register or memory */
    EMU_FLOW_CALL,          /* direct call */
    EMU_FLOW_CALL_INDIRECT, /* call through a register or memory */
    EMU_FLOW_RET,           /* return */
    EMU_FLOW_TRAP,          /* system call, breakpoint, software interrupt */
    EMU_FLOW_XRET,          /* return from a trap (iretq, eret, sret/mret) */
};

/* Instructions the dynamic model treats specially. */
enum emu_special {
    EMU_SPECIAL_NONE,
    EMU_SPECIAL_ROOT,      /* writes the translation root (CR3, TTBR0_EL1, satp) */
    EMU_SPECIAL_TLB_FLUSH, /* invlpg, tlbi, sfence.vma */
    EMU_SPECIAL_SPIN,      /* a spin-wait hint: x86 pause, AArch64 yield, RISC-V pause */
};

#define EMU_INSN_MAX_SRC 12
#define EMU_INSN_MAX_DST 6
#define EMU_REG_LIMIT 512 /* canonical register ids are below this */

/* One decoded guest instruction, as the timing model needs it. */
struct emu_insn {
    uint64_t addr;
    uint64_t target; /* direct branch target, 0 when none */
    uint8_t len;     /* bytes; 0: the bytes did not decode */
    uint8_t flow;    /* enum emu_flow */
    uint8_t special; /* enum emu_special */
    bool load, store;
    bool zero_idiom; /* xor r, r and friends: no input dependency */
    uint8_t nsrc, ndst;
    uint16_t src[EMU_INSN_MAX_SRC]; /* canonical registers read */
    uint16_t dst[EMU_INSN_MAX_DST]; /* canonical registers written */
    char key[48];                   /* "mnemonic operand-kinds": the profile table key */
    char text[200];                 /* assembly llvm-mca reads for this instruction */
};

/* What varies per architecture in the CPU adapter. */
struct emu_arch {
    enum emu_arch_id id;
    const char *name; /* "x86_64", "aarch64", "riscv64" */
    uc_arch uc_arch;
    uc_mode uc_mode;
    int uc_cpu_model;                       /* for uc_ctl_set_cpu_model, -1 for Unicorn's default */
    int reg_pc, reg_sp, reg_arg0, reg_arg1; /* Unicorn register ids */
    int reg_end; /* Unicorn's register ids are 1..reg_end-1 (its *_REG_ENDING):
                    the checked wrappers refuse any other id with the call
                    site (Unicorn 2.1.1 answers UC_ERR_ARG too; 2.0.1 did not) */
    /* Open per-core decoder state; returns 0 or -1. May be NULL. */
    int (*decoder_open)(struct emu_core *c);
    void (*decoder_close)(struct emu_core *c);
    /* Decodes one instruction of `code` (`size` bytes readable) at guest
     * address `addr` into *out; returns its length, 0 when the bytes do not
     * decode (the CPU will trap on them). */
    unsigned (*decode)(struct emu_core *c, uint64_t addr, const uint8_t *code, size_t size,
                       struct emu_insn *out);
    int reg_root; /* the translation-root register (Unicorn id) */
    /* The address-space id that root value `root`, just written on core `c`,
     * selects; 0: untagged (the write flushes the TLB). */
    uint16_t (*asid_of)(struct emu_core *c, uint64_t root);
    /* Adds the arch's own engine hooks to core `c` (emu_core_open), NULL:
     * none. Returns 0, or -1 with c->host_error set. */
    int (*hooks_open)(struct emu_core *c);
    const char *default_cpu; /* the CPU profile used without --cpu */
    const char *llvm_triple; /* for llvm-mca */
    /* The C calling convention, for probes (emu_core_set_probes): the
     * return-value register, the register holding the return address at a
     * function's first instruction (0: it is in memory at the stack
     * pointer, x86), the integer argument registers (0: that argument is
     * on the stack, the first such at sp + stack_arg_off at entry), and
     * the bytes the return pops (the stack pointer after the return is
     * the one at entry plus this). */
    int reg_ret, reg_link;
    int reg_args[8];
    uint8_t stack_arg_off, ret_pop;
};

extern const struct emu_arch emu_arch_x86_64;
extern const struct emu_arch emu_arch_aarch64;
extern const struct emu_arch emu_arch_riscv64;

/* Returns the architecture called `name`, or NULL. */
const struct emu_arch *emu_arch_by_name(const char *name);
/* Returns the architecture with id `id` (id < EMU_ARCH_COUNT). */
const struct emu_arch *emu_arch_get(enum emu_arch_id id);

/* What a block does besides its cost (struct emu_block.flags, above its
 * flow in the low bits). */
#define EMU_BLOCK_FLOW_MASK 0x0fu
#define EMU_BLOCK_ROOT_WRITE 0x10u /* writes the translation root */
#define EMU_BLOCK_TLB_FLUSH 0x20u  /* flushes the TLB */
#define EMU_BLOCK_SPIN 0x40u       /* runs a spin-wait hint (EMU_SPECIAL_SPIN) */

/* One cached block cost. Open addressing, keyed by address and size. */
struct emu_block {
    /* What the block hook reads every time, in the first 64 bytes (the
     * block array is 64-byte aligned and blocks are 128 bytes long: one
     * host cache line). */
    uint64_t addr;
    uint64_t cost;      /* static cost, in 1/EMU_FRAC cycles */
    uint64_t execs;     /* times it started */
    uint64_t l1i_epoch; /* the timing model's L1I epoch at its last fetch, when
                           its lines were all the last used of their sets */
    uint32_t size;
    uint32_t insns;
    uint32_t gen; /* core->code_gen when its bytes were last checked */
    int32_t func; /* its attribution slot (core->attr_of), -1: the default */
    /* Sampled data-side costs (docs/timing-model.md, "Sampling"): the
     * estimate per run charged outside measured windows, in 1/EMU_FRAC
     * cycles, and how many runs were measured. */
    uint32_t est_cache, est_tlb;
    uint32_t dexecs;
    uint16_t loads;    /* instructions that load */
    uint8_t flags;     /* enum emu_flow of the last instruction | EMU_BLOCK_* */
    uint8_t l1i_lines; /* L1I lines it spans (0: not known yet, or too many) */
    /* The rest. */
    uint64_t target;       /* direct target of the last instruction, 0 if none */
    uint64_t hash;         /* of its code bytes, to tell a rewrite from a data store */
    uint64_t dcache, dtlb; /* what its loads cost in measured windows, cycles */
    uint32_t probe;        /* 1 + its index in core->probes.tab, 0: not probed */
    uint8_t pad[28];
};

#define EMU_FRAC_BITS 8
#define EMU_FRAC (1u << EMU_FRAC_BITS)

/* Where cycles go. Every cycle of a core's clock is charged to one. */
enum emu_charge {
    EMU_CHARGE_BASE,   /* the static cost of the blocks that ran */
    EMU_CHARGE_CACHE,  /* instruction and data cache misses */
    EMU_CHARGE_TLB,    /* TLB misses (page walks) */
    EMU_CHARGE_BRANCH, /* mispredicted branches */
    EMU_CHARGE_TRAP,   /* trap entry and return, address-space switches */
    EMU_CHARGE_MMIO,   /* device register accesses */
    EMU_CHARGE_IDLE,   /* waiting for an interrupt */
    EMU_CHARGE_COUNT
};

/* Adds `reg` to the registers `in` reads / writes, once; 0 stands for no
 * register (zero registers, the program counter) and is skipped. */
void emu_insn_reads(struct emu_insn *in, uint16_t reg);
void emu_insn_writes(struct emu_insn *in, uint16_t reg);

/* Returns "base", "cache", ... for a charge kind. */
const char *emu_charge_name(enum emu_charge k);

/* The block cache: an open-addressing index of compact keys over a dense
 * array of blocks in the order they were first seen, and in front of it a
 * direct-mapped table of the blocks seen last (by address), which the
 * block hook reads first: one load and a tag check per block. */
struct emu_block_key {
    uint64_t addr;
    uint32_t size;  /* 0: empty */
    uint32_t index; /* into blocks */
};

#define EMU_BLOCK_DM_BITS 12
#define EMU_BLOCK_DM (1u << EMU_BLOCK_DM_BITS)

struct emu_block_cache {
    struct emu_block_key *keys; /* owned; capacity is a power of two */
    size_t capacity;
    struct emu_block *blocks; /* owned; `used` of them, room for `room` */
    size_t used, room;
    /* owned: EMU_BLOCK_DM entries, each a block of `blocks` or a stand-in
     * that matches no address (emptied when `blocks` moves or is flushed) */
    struct emu_block **dm;
};

/* Why emu_core_run returned. */
/* Probes: host callbacks at kernel code addresses, which read registers
 * and guest memory but never change guest state or the clock
 * (docs/machine.md, "Probes"). An entry probe fires when a block starting
 * at its address runs (after the deadline check and the machine's block
 * callback, before the block is charged: the stamp is the clock at the
 * block's start). A return probe fires when a block starts at the return
 * address recorded at entry with the stack pointer back where the return
 * puts it. Probed blocks and pending return addresses never enter the
 * direct-mapped table, so every other block keeps the hook's fast path. */
#define EMU_PROBE_ARGS 8
#define EMU_PROBE_PENDING 64

struct emu_probe {
    uint64_t addr;  /* a function's first instruction */
    uint32_t id;    /* the caller's, handed back in each hit */
    uint8_t nargs;  /* arguments read at entry, at most EMU_PROBE_ARGS */
    bool on_return; /* also a return probe */
};

enum emu_probe_kind { EMU_PROBE_ENTRY, EMU_PROBE_RETURN };

/* What a probe saw. */
struct emu_probe_hit {
    uint32_t id;
    uint8_t kind;                  /* enum emu_probe_kind */
    uint64_t cycle;                /* the clock at the block's start */
    uint64_t entry_cycle;          /* the clock at the function's entry */
    uint64_t sp;                   /* the stack pointer at entry */
    uint64_t args[EMU_PROBE_ARGS]; /* read at entry (a return hands back the entry's) */
    uint64_t ret;                  /* EMU_PROBE_RETURN: the return-value register */
};

typedef void (*emu_probe_fn)(struct emu_core *c, const struct emu_probe_hit *h, void *arg);

/* A return probe waiting for its function to return. */
struct emu_probe_frame {
    uint64_t ret_addr, sp_back; /* where and with which stack pointer it returns */
    struct emu_probe_hit hit;   /* as seen at entry */
};

struct emu_probes {
    const struct emu_probe *tab; /* not owned, sorted by address, addresses unique */
    size_t n;
    emu_probe_fn cb;
    void *arg;
    struct emu_probe_frame pending[EMU_PROBE_PENDING]; /* a stack, innermost last */
    size_t npending;
    uint64_t hits;      /* probes fired */
    uint64_t abandoned; /* pending returns whose function never returned (a noreturn path) */
    uint64_t dropped;   /* pending returns lost to overflow: their return events are missing */
};

enum emu_stop {
    EMU_STOP_DEADLINE, /* the clock reached core->deadline */
    EMU_STOP_REQUEST,  /* emu_core_request_stop (a device, a trap hook) */
    EMU_STOP_IDLE,     /* the guest executed hlt / wfi */
    EMU_STOP_ERROR,    /* Unicorn reported an error, see core->uc_error */
};

struct emu_core {
    uc_engine *uc; /* owned */
    const struct emu_arch *arch;
    unsigned id;
    uint64_t cycles;                    /* the core's clock: cycles since reset */
    uint64_t instructions;              /* guest instructions started */
    uint64_t deadline;                  /* stop once cycles >= deadline */
    uint64_t cycles_per_insn;           /* flat cost per instruction when no profile is set */
    uint64_t charged[EMU_CHARGE_COUNT]; /* sums to cycles */
    uint32_t frac;                      /* fraction of a cycle owed, in 1/EMU_FRAC */
    struct tm_state *timing;            /* owned; NULL: the flat model */
    bool deadline_hit;                  /* set by the block hook */
    bool stop_requested;                /* set by emu_core_request_stop */
    bool exception_taken;               /* an arch hook took the trap Unicorn ends the run for */
    uc_err uc_error;                    /* last error of emu_core_run */
    uc_err host_error;                  /* a Unicorn call failed (the run stops), see uc_check.h */
    char host_error_why[240];           /*   "site: call failed: uc_strerror", for the report */
    struct emu_block_cache blocks;
    struct emu_block spare; /* stands in for a block when memory ran out */
    /* Attribution: every charge also goes to attr[attr_slot]. The block
     * hook sets the slot from the block's owner, which attr_of (set by the
     * machine: kernel functions, user code) tells once per decoded block;
     * code it does not know goes to attr_default. */
    uint64_t *attr; /* not owned; &attr_none until the machine sets one */
    uint64_t attr_none;
    uint32_t attr_slot, attr_default;
    /* The slots a trap's entry (emu_core_trap) and its return (at the
     * first block of the note_due class after it, see tm_charge_return)
     * are charged to, whatever block runs around them; 0 until the
     * machine sets them. */
    uint32_t attr_trap_entry, attr_trap_return;
    int32_t (*attr_of)(void *arg, uint64_t addr);
    void *attr_arg;
    uint32_t code_gen; /* bumped when a store may have changed decoded code:
                          cached blocks then compare their bytes again */
    /* Code classes: blocks in [user_lo, user_hi) (user code, set by the
     * machine) are class 1, the rest class 0. Code of one class runs in one
     * privilege mode, the only mode in which Unicorn can find its pages. */
    uint64_t user_lo, user_hi;
    uint8_t drop_due; /* classes whose translations the timing model must drop
                         (tm_drop_class) at the next block of that class */
    uint8_t stop_due; /* classes before whose next block the core stops, as at
                         its deadline (the machine waits for user code to
                         deliver an interrupt); cleared when it stops */
    uint8_t note_due; /* classes at whose next block that runs the core charges
                         a pending trap return (to attr_trap_return) and calls
                         note_cb, before it charges the block; cleared then
                         (the machine: the first user block after the kernel) */
    /* Spin-wait hints (docs/machine.md, "Several cores"): a block that
     * runs one (EMU_BLOCK_SPIN) ends the slice after it, the way the
     * deadline does, once the clock is at or past spin_after (set by the
     * machine before each slice; UINT64_MAX: never, the default). spun
     * says the last emu_core_run stopped so; spin_resume is the address
     * after the last spin block charged (the AArch64 adapter's yield hook
     * resumes there), 0 once used. */
    uint64_t spin_after;
    uint64_t spin_resume;
    bool spun;
    uc_hook block_hook;
    uc_hook arch_hook; /* the arch's own (emu_arch.hooks_open), 0: none */
    void *decoder;     /* per-arch decoder state (capstone handle) */
    void *board;       /* machine/arch/<arch>.c per-core state */
    /* Called by the block hook before it charges each block (and when it
     * stops at the deadline before one): one Unicorn hook per core instead
     * of one per user, since Unicorn's dispatch costs per hook and block. */
    /* Returns true when it moved the PC away so that the block never runs:
     * then nothing is charged for it. */
    bool (*block_cb)(struct emu_core *c, uint64_t addr, uint32_t size, void *arg);
    void *block_cb_arg;
    /* Called for the block at `addr` that note_due asked for, before it is
     * charged (the clock then holds every cycle before the block). */
    void (*note_cb)(struct emu_core *c, uint64_t addr);
    void *owner;              /* the machine that drives this core */
    struct emu_probes probes; /* none until emu_core_set_probes */
};

/* Opens the engine, selects the CPU model and installs the block hook.
 * Memory is mapped by the caller afterwards. Returns UC_ERR_OK or the
 * Unicorn error (c->host_error_why then names the failed call and its
 * site); on error nothing stays allocated. */
uc_err emu_core_open(struct emu_core *c, const struct emu_arch *arch, unsigned id, void *owner);
/* Releases everything emu_core_open allocated. Safe on a zeroed core. */
void emu_core_close(struct emu_core *c);
/* Runs from the current PC until the deadline, a stop request, an idle
 * instruction or an error; returns why it stopped. */
enum emu_stop emu_core_run(struct emu_core *c);
/* Asks the running core to stop after the current instruction. */
void emu_core_request_stop(struct emu_core *c);
/* Records that `what` (a Unicorn call, named without a call site) failed
 * with `err` and stops the core, as emu_core_uc_failed does: emu_core_run
 * then returns EMU_STOP_ERROR with uc_error = err (the first failure is
 * kept). */
void emu_core_host_error(struct emu_core *c, uc_err err, const char *what);
/* For arch hooks on Unicorn's "stop" exceptions (UC_HOOK_INSN_INVALID):
 * the hook has delivered the trap into the guest, so the UC_ERR_EXCEPTION
 * the running uc_emu_start returns is not an error; the core stops and
 * goes on from the state the hook set. */
void emu_core_exception_taken(struct emu_core *c);
/* Adds `cycles` of kind `k` to the core's clock (inline: the block hook
 * and the timing model call it for every block). */
static inline void emu_core_charge(struct emu_core *c, enum emu_charge k, uint64_t cycles)
{
    c->cycles += cycles;
    c->charged[k] += cycles;
    c->attr[c->attr_slot] += cycles;
}
/* A trap (exception or interrupt) enters the kernel: charges the profile's
 * trap entry (or `flat` cycles without a profile) to the slot
 * attr_trap_entry and tells the branch predictor that control flow did not
 * follow the code. */
void emu_core_trap(struct emu_core *c, uint64_t flat);
/* Selects the timing model of `profile` for the core (NULL: flat). The
 * core owns the dynamic state; the profile must outlive the core. Returns
 * 0, or -1 when memory ran out. Drops cached block costs. */
int emu_core_set_profile(struct emu_core *c, const struct tm_profile *profile);
/* Drops every cached block cost (code changed). */
void emu_core_flush_blocks(struct emu_core *c);
/* Installs probe table `tab` (n entries sorted by address, unique
 * addresses, kept by the caller while installed; n = 0: none) with the
 * callback cb(c, hit, arg), and forgets pending returns. Returns 0, or -1
 * when the table is not sorted or an entry asks for too many arguments.
 * Changes no cycle: cached blocks are marked again, not dropped. */
int emu_core_set_probes(struct emu_core *c, const struct emu_probe *tab, size_t n, emu_probe_fn cb,
                        void *arg);
/* Forgets every pending return probe (the machine: the kernel's stack
 * starts over at each trap). */
void emu_core_probes_reset(struct emu_core *c);

/* Checked register and memory access (see uc_check.h). Each returns true,
 * or false after recording the failure on the core with the caller's call
 * site (emu_core_uc_failed: the core stops, the run ends with that
 * message). A register id outside the core's architecture (1..reg_end-1)
 * fails with UC_ERR_ARG before Unicorn is called (2.1.1 would refuse it
 * too, tests/emu/test_unicorn_facts.c).
 * emu_reg_get reads 64 bits (zero-extended: *v is 0 before the read);
 * the _raw forms take what Unicorn reads or writes for `reg`, a struct for
 * some ids (uc_x86_mmr, uc_x86_msr, uc_arm64_cp_reg). */
bool emu_reg_get_at(struct emu_core *c, int reg, uint64_t *v, const char *site);
bool emu_reg_get_raw_at(struct emu_core *c, int reg, void *v, const char *site);
bool emu_reg_set_raw_at(struct emu_core *c, int reg, const void *v, const char *site);
bool emu_reg_write_at(struct emu_core *c, int reg, uint64_t value, const char *site);
bool emu_mem_read_at(struct emu_core *c, uint64_t addr, void *buf, size_t n, const char *site);
bool emu_mem_write_at(struct emu_core *c, uint64_t addr, const void *buf, size_t n,
                      const char *site);
/* Returns true after reading n bytes at physical `addr`, false when there
 * is no RAM there (UC_ERR_READ_UNMAPPED: an answer, not an error); any
 * other failure is recorded as above (and returns false too). */
bool emu_mem_peek_at(struct emu_core *c, uint64_t addr, void *buf, size_t n, const char *site);
/* Returns true after writing n bytes at physical `addr`, false when there
 * is no RAM there (UC_ERR_WRITE_UNMAPPED); other failures as above. */
bool emu_mem_poke_at(struct emu_core *c, uint64_t addr, const void *buf, size_t n,
                     const char *site);
/* Returns register `reg` (64 bits), or 0 after recording the failure as
 * above: a caller that goes on after a failed read must not act on the 0
 * (the core is stopping and the run ends with the error). */
uint64_t emu_reg_read_at(struct emu_core *c, int reg, const char *site);

#define emu_reg_get(c, reg, v) emu_reg_get_at((c), (reg), (v), EMU_UC_SITE)
#define emu_reg_get_raw(c, reg, v) emu_reg_get_raw_at((c), (reg), (v), EMU_UC_SITE)
#define emu_reg_set_raw(c, reg, v) emu_reg_set_raw_at((c), (reg), (v), EMU_UC_SITE)
#define emu_reg_write(c, reg, value) emu_reg_write_at((c), (reg), (value), EMU_UC_SITE)
#define emu_reg_read(c, reg) emu_reg_read_at((c), (reg), EMU_UC_SITE)
#define emu_mem_read(c, addr, buf, n) emu_mem_read_at((c), (addr), (buf), (n), EMU_UC_SITE)
#define emu_mem_write(c, addr, buf, n) emu_mem_write_at((c), (addr), (buf), (n), EMU_UC_SITE)
#define emu_mem_peek(c, addr, buf, n) emu_mem_peek_at((c), (addr), (buf), (n), EMU_UC_SITE)
#define emu_mem_poke(c, addr, buf, n) emu_mem_poke_at((c), (addr), (buf), (n), EMU_UC_SITE)
/* The program counter (emu_reg_read of the arch's PC register). */
#define emu_pc(c) emu_reg_read_at((c), (c)->arch->reg_pc, EMU_UC_SITE)

/* Writes the version of the Unicorn library in use (its run-time
 * version, not the one built against) into out[n], as "2.1.1". */
void emu_engine_version_text(char *out, size_t n);
/* Writes the version of the Capstone library in use into out[n], as
 * "5.0" (Capstone reports no patch level). */
void emu_decoder_version_text(char *out, size_t n);
/* Returns true if the Unicorn in use is the one version ipcemu supports
 * (2.1.1: machine/arch/ knows its CPU-state layout); otherwise false with
 * one sentence naming the version found and the one needed in why[n]. */
bool emu_engine_supported(char *why, size_t n);

#endif
