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

enum emu_arch_id { EMU_ARCH_X86_64, EMU_ARCH_AARCH64, EMU_ARCH_RISCV64, EMU_ARCH_COUNT };

struct emu_core;

/* What varies per architecture in the CPU adapter. */
struct emu_arch {
    enum emu_arch_id id;
    const char *name; /* "x86_64", "aarch64", "riscv64" */
    uc_arch uc_arch;
    uc_mode uc_mode;
    int uc_cpu_model;                       /* for uc_ctl_set_cpu_model, -1 for Unicorn's default */
    int reg_pc, reg_sp, reg_arg0, reg_arg1; /* Unicorn register ids */
    /* Open per-core decoder state; returns 0 or -1. May be NULL. */
    int (*decoder_open)(struct emu_core *c);
    void (*decoder_close)(struct emu_core *c);
    /* Returns how many instructions the basic block `code` of `size` bytes
     * holds (at least 1 when size > 0). */
    uint32_t (*count_insns)(struct emu_core *c, uint64_t addr, const uint8_t *code, size_t size);
};

extern const struct emu_arch emu_arch_x86_64;
extern const struct emu_arch emu_arch_aarch64;
extern const struct emu_arch emu_arch_riscv64;

/* Returns the architecture called `name`, or NULL. */
const struct emu_arch *emu_arch_by_name(const char *name);
/* Returns the architecture with id `id` (id < EMU_ARCH_COUNT). */
const struct emu_arch *emu_arch_get(enum emu_arch_id id);

/* One cached block cost. Open addressing, keyed by address and size. */
struct emu_block {
    uint64_t addr;
    uint32_t size;
    uint32_t insns;
    uint64_t cycles;
};

struct emu_block_cache {
    struct emu_block *slots; /* owned; capacity is a power of two */
    size_t capacity;
    size_t used;
};

/* Why emu_core_run returned. */
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
    uint64_t cycles;          /* the core's clock: cycles since reset */
    uint64_t instructions;    /* guest instructions started */
    uint64_t deadline;        /* stop once cycles >= deadline */
    uint64_t cycles_per_insn; /* flat cost until the timing model lands */
    bool deadline_hit;        /* set by the block hook */
    bool stop_requested;      /* set by emu_core_request_stop */
    bool exception_taken;     /* an arch hook took the trap Unicorn ends the run for */
    uc_err uc_error;          /* last error of emu_core_run */
    struct emu_block_cache blocks;
    struct emu_block last_block; /* what the block hook charged last (size 0: none) */
    uc_hook block_hook;
    void *decoder; /* per-arch decoder state (capstone handle) */
    void *board;   /* machine/arch/<arch>.c per-core state */
    void *owner;   /* the machine that drives this core */
};

/* Opens the engine, selects the CPU model and installs the block hook.
 * Memory is mapped by the caller afterwards. Returns UC_ERR_OK or the
 * Unicorn error; on error nothing stays allocated. */
uc_err emu_core_open(struct emu_core *c, const struct emu_arch *arch, unsigned id, void *owner);
/* Releases everything emu_core_open allocated. Safe on a zeroed core. */
void emu_core_close(struct emu_core *c);
/* Runs from the current PC until the deadline, a stop request, an idle
 * instruction or an error; returns why it stopped. */
enum emu_stop emu_core_run(struct emu_core *c);
/* Asks the running core to stop after the current instruction. */
void emu_core_request_stop(struct emu_core *c);
/* For arch block hooks (which run after the core's) that move the PC away
 * from the block starting at `addr`, so it never runs: takes back what the
 * core charged for it, if it did. */
void emu_core_block_not_run(struct emu_core *c, uint64_t addr);
/* For arch hooks on Unicorn's "stop" exceptions (UC_HOOK_INSN_INVALID):
 * the hook has delivered the trap into the guest, so the UC_ERR_EXCEPTION
 * the running uc_emu_start returns is not an error; the core stops and
 * goes on from the state the hook set. */
void emu_core_exception_taken(struct emu_core *c);
/* Adds `cycles` to the core's clock (trap entry, interrupts). */
void emu_core_charge(struct emu_core *c, uint64_t cycles);
/* Drops every cached block cost (code changed). */
void emu_core_flush_blocks(struct emu_core *c);

/* Register helpers; return the value read (0 on error) / the uc_err. */
uint64_t emu_reg_read(struct emu_core *c, int reg);
uc_err emu_reg_write(struct emu_core *c, int reg, uint64_t value);
uint64_t emu_pc(struct emu_core *c);

#endif
