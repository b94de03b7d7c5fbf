/* emu/timing.h: the timing model (see docs/timing-model.md).
 *
 * A CPU profile (profiles/<name>.json plus the instruction table generated
 * from LLVM's scheduling model, profiles/<name>.insns) says what each
 * instruction costs and how the core's caches, TLB and branch predictor are
 * built. The static part schedules each basic block once (dependencies,
 * issue width, ports, latencies) into a cost in 1/EMU_FRAC cycles; the
 * dynamic part feeds the guest's real fetches, loads, stores and branches
 * through set-associative caches, a TLB and a predictor and charges what
 * they miss.
 *
 * The public interface of the model (machine/, tools/, cli/ and emu/core.c
 * use this header only). Who implements what:
 *   emu/profile.c     reading profiles and instruction tables (tm_profile_*,
 *                     tm_table_load_text, tm_lookup); the profile owns its rows.
 *   emu/block_cost.c  the static block scheduler (tm_block_cost): pure, no
 *                     state, no Unicorn.
 *   emu/uarch.c       caches, TLB and branch predictor (emu/uarch.h, inside
 *                     emu/ only): pure, no Unicorn; they return cycles.
 *   emu/timing.c      the dynamic state of a core (struct tm_state, owned by
 *                     emu_core.timing): the engine hooks that feed uarch.c and
 *                     charge its cycles to the core, and the data side's
 *                     sampling schedule (tm_state_*, tm_mmio, ...).
 *   emu/timing_block.h  its per-block part (tm_on_block), inline in the
 *                     core's block hook (emu/ only). */
#ifndef IPCEMU_EMU_TIMING_H
#define IPCEMU_EMU_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/cpu.h"

#define TM_MAX_PORTS 16

/* What one instruction form costs (a row of the instruction table). */
struct tm_cost {
    uint16_t uops;
    uint16_t latency;
    float rthroughput;
    float self; /* cycles per iteration of the form alone: the latency of a
                   register it both reads and writes (rsp of push/pop) */
    bool load, store;
    float pressure[TM_MAX_PORTS]; /* cycles on each port, per execution */
};

struct tm_row {
    char key[48];
    struct tm_cost cost;
};

struct tm_cache_geom {
    uint32_t size, ways, line; /* bytes, associativity, line bytes */
    uint32_t latency;          /* load-to-use cycles on a hit */
};

struct tm_profile {
    char name[32];
    char arch[16];
    char llvm_mcpu[32];
    char path[512]; /* the file it was read from */
    uint32_t issue_width;
    bool out_of_order;
    uint32_t rob_size; /* reorder buffer, micro-ops (out of order only) */
    struct tm_cache_geom l1i, l1d, l2;
    uint32_t mem_latency;
    uint32_t tlb_entries, tlb_ways, tlb_walk;
    uint32_t bp_entries, bp_history, btb_entries, ras_depth, mispredict;
    uint32_t trap_entry, trap_return;
    uint32_t as_switch;      /* address-space switch that flushes the TLB */
    uint32_t as_switch_asid; /* ... that keeps it (ASID/PCID tagged) */
    bool asid;               /* the core tags TLB entries with an address-space id */
    uint32_t mmio_latency;
    /* Several cores (docs/timing-model.md, "Several cores"): */
    uint32_t core_transfer; /* a miss served from another core's modified copy, load to use */
    uint32_t ipi_latency;   /* an IPI write to the target's line rising, cycles */
    bool l2_shared;         /* one L2 for all cores (else one per core) */
    unsigned nports;
    char ports[TM_MAX_PORTS][32];
    struct tm_row *rows; /* owned, sorted by key */
    size_t nrows;
    struct tm_cost fallback; /* for forms the table does not know */
};

/* Reads a profile: `name_or_path` is a profile name (looked up in the
 * directory IPCEMU_PROFILE_PATH names, else the built-in one) or a path to a
 * .json file. Inputs that are not regular files (a FIFO, a directory, a
 * device) are refused without blocking. Returns 0, or -1 with one line
 * naming the file and the JSON path of the bad value ("FILE: $.parameters.
 * l1d_ways.value: must be an integer from 1 to 64"), or the table file and
 * its line, in why[wn]; *p then holds nothing to free. */
int tm_profile_load(struct tm_profile *p, const char *name_or_path, char *why, size_t wn);
/* The same for a profile already in memory: `text` (`len` bytes, any
 * content, no NUL needed) read as the file `path`, whose directory holds
 * the instruction table. Returns 0 or -1 as tm_profile_load. */
int tm_profile_load_text(struct tm_profile *p, const char *path, const char *text, size_t len,
                         char *why, size_t wn);
/* Reads an instruction table (`text`, `len` bytes, as the file `path`) into
 * p's ports and rows, replacing those it had. Returns 0, or -1 with
 * "PATH:LINE: why" (or "PATH: why") in why[wn] and no rows in *p. */
int tm_table_load_text(struct tm_profile *p, const char *path, const char *text, size_t len,
                       char *why, size_t wn);
/* Frees the rows of a loaded profile (nothing else is allocated). */
void tm_profile_free(struct tm_profile *p);
/* The directory profiles are looked up in. */
const char *tm_profile_dir(void);

/* Returns the table row for `key`, else the first row of the same
 * mnemonic, else NULL (then the profile's fallback applies). *exact tells
 * which. */
const struct tm_row *tm_lookup(const struct tm_profile *p, const char *key, bool *exact);

/* The static cost of a block of `n` instructions: steady-state cycles per
 * execution, in 1/EMU_FRAC cycles. `unknown` (may be NULL) receives how
 * many instructions the table did not know exactly. */
uint64_t tm_block_cost(const struct tm_profile *p, const struct emu_insn *insns, size_t n,
                       unsigned *unknown);

/* Dynamic statistics of one core. */
struct tm_stats {
    uint64_t l1i_access, l1i_miss, l1d_access, l1d_miss, l2_access, l2_miss;
    uint64_t tlb_access, tlb_miss;
    uint64_t branches, mispredicts;
    uint64_t as_switches, mmio;
    uint64_t windows; /* sampling windows measured after the exact start */
    /* Several cores: L1D misses served from another core's modified copy,
     * and other cores' copies this core's stores invalidated. */
    uint64_t transfers, invalidations;
};

/* The most cores the coherence of the timing model keeps together. */
#define TM_MAX_CORES 8

/* The coherence of several cores' private caches (emu/coherence.c;
 * docs/timing-model.md, "Several cores"): a directory of the lines the
 * cores' private data caches hold and which core holds each modified,
 * and the cores' shared L2 when the profile's L2 is shared. */
struct tm_coh;
/* Creates it for `ncores` (2 to TM_MAX_CORES) cores of profile p, which
 * outlives it. Returns NULL when ncores is out of range or memory ran
 * out. */
struct tm_coh *tm_coh_new(const struct tm_profile *p, unsigned ncores);
/* Frees it (NULL: nothing); the states attached must not run again. */
void tm_coh_free(struct tm_coh *h);

/* Creates/destroys the dynamic state for a core. */
struct tm_state *tm_state_new(const struct tm_profile *p);
void tm_state_free(struct tm_state *s);
const struct tm_profile *tm_state_profile(const struct tm_state *s);
const struct tm_stats *tm_state_stats(const struct tm_state *s);
/* Joins core `id`'s state s to the coherence h, before the core runs (its
 * L2 becomes h's shared one when the profile's L2 is shared). Returns 0,
 * or -1 when id is out of range or memory ran out. */
int tm_coh_attach(struct tm_coh *h, struct tm_state *s, unsigned id);

/* Marks the pages of [addr, addr + size) as holding decoded code: a guest
 * store there bumps the core's code_gen. */
void tm_mark_code(struct tm_state *s, uint64_t addr, uint32_t size);
/* Control flow left the code (trap, interrupt): no prediction applies. */
void tm_break_flow(struct tm_state *s);
/* Called before the block that starts now is charged: if the last block
 * returned from a trap (and no trap came since), charges the profile's
 * trap return now, to the slot c->attr_trap_return, instead of with the
 * block (the clock adds the same cycles). Returns nothing. */
void tm_charge_return(struct emu_core *c);
/* Called before each run of the core: follows the sampling schedule of
 * the data side (hooks on: exact; off: per-block estimates), adding or
 * removing the memory hooks (and dropping translated code, which Unicorn
 * builds with or without them). Returns 0, or -1 when a hook cannot be
 * added. */
int tm_before_run(struct emu_core *c);
/* Removes the memory hooks (before the engine or the state goes). */
void tm_unhook(struct emu_core *c);
/* Drops Unicorn's translations of the pages of every block of code class
 * `cls` (emu_core's user_lo / user_hi), which must be the class of the
 * code running now, and clears its bit in c->drop_due. */
void tm_drop_class(struct emu_core *c, unsigned cls);
/* exact: feed the data caches and TLB with every access of the whole run
 * (no sampling; slower). */
void tm_set_exact(struct tm_state *s, bool exact);

/* The device-register range: accesses there are not cached; each costs
 * the profile's MMIO latency through tm_mmio (the machine's device
 * callbacks call it). */
void tm_set_mmio(struct tm_state *s, uint64_t base, uint64_t size);
void tm_mmio(struct emu_core *c);

#endif
