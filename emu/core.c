/* emu/core.c: architecture-neutral CPU core on Unicorn (see cpu.h). */
#include "emu/cpu.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/timing.h"
#include "emu/timing_block.h"
#include "util/hostfile.h"

#define BLOCK_CACHE_INITIAL 4096u

/* The block hook's fields fill one host cache line (see struct emu_block). */
_Static_assert(sizeof(struct emu_block) == 128 && offsetof(struct emu_block, target) == 64,
               "struct emu_block: hot fields in the first 64 of 128 bytes");
_Static_assert(EMU_FLOW_XRET <= EMU_BLOCK_FLOW_MASK, "enum emu_flow fits struct emu_block.flags");

/* What an empty entry of the direct-mapped table points to: a size no
 * block has (the hook's own size 0 is taken as 1), so no tag matches. It
 * is never written. */
static struct emu_block dm_absent = {.size = UINT32_MAX};

/* Returns the entry of the direct-mapped table for a block at addr. */
static inline size_t dm_slot(uint64_t addr)
{
    return (size_t)((addr >> 1) ^ (addr >> (EMU_BLOCK_DM_BITS + 1))) & (EMU_BLOCK_DM - 1);
}

/* Empties the direct-mapped table (the blocks moved or went). */
static void dm_clear(struct emu_block_cache *bc)
{
    for (size_t i = 0; i < EMU_BLOCK_DM; i++)
        bc->dm[i] = &dm_absent;
}

const struct emu_arch *emu_arch_get(enum emu_arch_id id)
{
    static const struct emu_arch *const all[EMU_ARCH_COUNT] = {
        [EMU_ARCH_X86_64] = &emu_arch_x86_64,
        [EMU_ARCH_AARCH64] = &emu_arch_aarch64,
        [EMU_ARCH_RISCV64] = &emu_arch_riscv64,
    };
    return id < EMU_ARCH_COUNT ? all[id] : NULL;
}

const char *emu_charge_name(enum emu_charge k)
{
    static const char *const names[EMU_CHARGE_COUNT] = {"base", "cache", "tlb", "branch",
                                                        "trap", "mmio",  "idle"};
    return k < EMU_CHARGE_COUNT ? names[k] : "?";
}

static void add_reg(uint16_t *list, uint8_t *count, unsigned max, uint16_t reg)
{
    if (reg == 0)
        return;
    for (unsigned i = 0; i < *count; i++)
        if (list[i] == reg)
            return;
    if (*count < max)
        list[(*count)++] = reg;
}

void emu_insn_reads(struct emu_insn *in, uint16_t reg)
{
    add_reg(in->src, &in->nsrc, EMU_INSN_MAX_SRC, reg);
}

void emu_insn_writes(struct emu_insn *in, uint16_t reg)
{
    add_reg(in->dst, &in->ndst, EMU_INSN_MAX_DST, reg);
}

const struct emu_arch *emu_arch_by_name(const char *name)
{
    for (unsigned i = 0; i < EMU_ARCH_COUNT; i++)
        if (strcmp(emu_arch_get((enum emu_arch_id)i)->name, name) == 0)
            return emu_arch_get((enum emu_arch_id)i);
    return NULL;
}

/* Returns the key index for (addr, size): its own or the empty one where
 * it belongs. The hash depends only on guest addresses, so the table's
 * behaviour is the same on every host. */
static size_t block_slot(const struct emu_block_cache *bc, uint64_t addr, uint32_t size)
{
    uint64_t h = (addr ^ ((uint64_t)size << 48)) * 0x9e3779b97f4a7c15ULL;
    size_t mask = bc->capacity - 1;
    size_t i = (size_t)(h >> 20) & mask;
    while (bc->keys[i].size != 0 && (bc->keys[i].addr != addr || bc->keys[i].size != size))
        i = (i + 1) & mask;
    return i;
}

/* Doubles the key index; returns false when out of memory. */
static bool block_index_grow(struct emu_block_cache *bc)
{
    struct emu_block_cache n = *bc;
    n.capacity = bc->capacity ? bc->capacity * 2 : BLOCK_CACHE_INITIAL;
    n.keys = calloc(n.capacity, sizeof *n.keys);
    if (!n.keys)
        return false;
    for (size_t i = 0; i < bc->capacity; i++)
        if (bc->keys[i].size != 0)
            n.keys[block_slot(&n, bc->keys[i].addr, bc->keys[i].size)] = bc->keys[i];
    free(bc->keys);
    *bc = n;
    return true;
}

/* Makes room for one more block; returns false when out of memory. */
static bool block_room(struct emu_block_cache *bc)
{
    if ((bc->used + 1) * 4 > bc->capacity * 3 && !block_index_grow(bc))
        return false;
    if (bc->used < bc->room)
        return true;
    size_t room = bc->room ? bc->room * 2 : BLOCK_CACHE_INITIAL / 2;
    struct emu_block *n = aligned_alloc(64, room * sizeof *n);
    if (!n)
        return false;
    if (bc->used)
        memcpy(n, bc->blocks, bc->used * sizeof *n);
    free(bc->blocks);
    bc->blocks = n;
    bc->room = room;
    dm_clear(bc); /* it pointed into the old array */
    return true;
}

/* Decodes and costs the block's code into *b. */
static void block_analyse(struct emu_core *c, struct emu_block *b, const uint8_t *code)
{
    size_t max = b->size;
    struct emu_insn *insns = c->timing ? malloc(max * sizeof *insns) : NULL;
    struct emu_insn one;
    uint32_t n = 0;
    bool spin = false;
    for (size_t off = 0; off < b->size; n++) {
        struct emu_insn *in = insns ? &insns[n] : &one;
        memset(in, 0, sizeof *in);
        unsigned len = c->arch->decode(c, b->addr + off, code + off, b->size - off, in);
        if (len == 0) {
            n++; /* undecodable: the CPU traps on it */
            break;
        }
        spin |= in->special == EMU_SPECIAL_SPIN; /* with or without a timing model */
        off += len;
    }
    b->insns = n ? n : 1;
    if (insns && n > 0) {
        const struct emu_insn *last = &insns[n - 1];
        b->cost = tm_block_cost(tm_state_profile(c->timing), insns, n, NULL);
        b->flags = last->flow & EMU_BLOCK_FLOW_MASK;
        b->target = last->target;
        for (uint32_t i = 0; i < n; i++) {
            b->loads += insns[i].load;
            if (insns[i].special == EMU_SPECIAL_ROOT)
                b->flags |= EMU_BLOCK_ROOT_WRITE;
            if (insns[i].special == EMU_SPECIAL_TLB_FLUSH)
                b->flags |= EMU_BLOCK_TLB_FLUSH;
        }
    } else {
        b->cost = (uint64_t)b->insns * c->cycles_per_insn * EMU_FRAC;
    }
    if (spin)
        b->flags |= EMU_BLOCK_SPIN;
    free(insns);
}

/* Returns 1 + the index of the probe at addr in the core's table, or 0. */
static uint32_t probe_index(const struct emu_probes *p, uint64_t addr)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->tab[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n && p->tab[lo].addr == addr ? (uint32_t)lo + 1 : 0;
}

/* Returns true if a pending return probe waits for a block at addr. */
static bool probe_return_due(const struct emu_probes *p, uint64_t addr)
{
    for (size_t i = 0; i < p->npending; i++)
        if (p->pending[i].ret_addr == addr)
            return true;
    return false;
}

/* Fires the entry probe `pr` for the block starting now and, for a return
 * probe, pushes the frame its return will match. Returns nothing; a failed
 * register or memory read stops the core (emu_core_uc_failed) and fires
 * nothing. */
static void probe_entry(struct emu_core *c, const struct emu_probe *pr)
{
    const struct emu_arch *a = c->arch;
    struct emu_probes *p = &c->probes;
    struct emu_probe_hit h = {
        .id = pr->id, .kind = EMU_PROBE_ENTRY, .cycle = c->cycles, .entry_cycle = c->cycles};
    if (!emu_reg_get(c, a->reg_sp, &h.sp))
        return;
    uint64_t on_stack = h.sp + a->stack_arg_off;
    for (unsigned i = 0; i < pr->nargs; i++) {
        bool ok = a->reg_args[i] ? emu_reg_get(c, a->reg_args[i], &h.args[i])
                                 : emu_mem_read(c, on_stack, &h.args[i], 8);
        if (!ok)
            return;
        on_stack += a->reg_args[i] ? 0 : 8;
    }
    if (pr->on_return) {
        uint64_t ret = 0;
        if (a->reg_link ? !emu_reg_get(c, a->reg_link, &ret) : !emu_mem_read(c, h.sp, &ret, 8))
            return;
        /* frames entered deeper than this one (a lower stack pointer)
         * never returned: their stack is gone */
        size_t keep = p->npending;
        while (keep > 0 && p->pending[keep - 1].hit.sp < h.sp)
            keep--;
        p->abandoned += p->npending - keep;
        p->npending = keep;
        if (p->npending == EMU_PROBE_PENDING) { /* the oldest gives way */
            memmove(&p->pending[0], &p->pending[1], (EMU_PROBE_PENDING - 1) * sizeof p->pending[0]);
            p->npending--;
            p->dropped++;
        }
        p->pending[p->npending++] =
            (struct emu_probe_frame){.ret_addr = ret, .sp_back = h.sp + a->ret_pop, .hit = h};
        /* the block at the return address must take the slow path */
        if (c->blocks.dm[dm_slot(ret)]->addr == ret)
            c->blocks.dm[dm_slot(ret)] = &dm_absent;
    }
    p->hits++;
    p->cb(c, &h, p->arg);
}

/* Fires the return probes whose function returns to the block at addr,
 * which starts now: the innermost pending frame for addr whose stack
 * pointer matches, then (a tail call: two frames returning at once) the
 * next. Frames above a matching one never returned and are abandoned. */
static void probe_returns(struct emu_core *c, uint64_t addr)
{
    struct emu_probes *p = &c->probes;
    uint64_t sp;
    if (!emu_reg_get(c, c->arch->reg_sp, &sp))
        return;
    for (;;) {
        size_t k = p->npending;
        while (k > 0 && !(p->pending[k - 1].ret_addr == addr && p->pending[k - 1].sp_back == sp))
            k--;
        if (k == 0)
            return;
        struct emu_probe_hit h = p->pending[k - 1].hit;
        p->abandoned += p->npending - k;
        p->npending = k - 1;
        h.kind = EMU_PROBE_RETURN;
        h.cycle = c->cycles;
        if (!emu_reg_get(c, c->arch->reg_ret, &h.ret))
            return;
        p->hits++;
        p->cb(c, &h, p->arg);
    }
}

int emu_core_set_probes(struct emu_core *c, const struct emu_probe *tab, size_t n, emu_probe_fn cb,
                        void *arg)
{
    for (size_t i = 0; i < n; i++)
        if ((i > 0 && tab[i].addr <= tab[i - 1].addr) || tab[i].nargs > EMU_PROBE_ARGS)
            return -1;
    c->probes.tab = n ? tab : NULL;
    c->probes.n = n;
    c->probes.cb = cb;
    c->probes.arg = arg;
    c->probes.npending = 0;
    for (size_t i = 0; i < c->blocks.used; i++)
        c->blocks.blocks[i].probe = probe_index(&c->probes, c->blocks.blocks[i].addr);
    if (c->blocks.dm)
        dm_clear(&c->blocks); /* a probed block may be in it */
    return 0;
}

void emu_core_probes_reset(struct emu_core *c)
{
    c->probes.abandoned += c->probes.npending;
    c->probes.npending = 0;
}

/* Returns the cost entry of the block at addr, decoding it on first sight
 * (and again when a store changed its code), or NULL when memory ran out. */
static struct emu_block *block_lookup(struct emu_core *c, uint64_t addr, uint32_t size)
{
    struct emu_block_cache *bc = &c->blocks;
    uint32_t gen = c->code_gen;
    size_t i = block_slot(bc, addr, size);
    struct emu_block *b = bc->keys[i].size ? &bc->blocks[bc->keys[i].index] : NULL;
    if (b && b->gen == gen)
        return b;
    uint8_t stack_buf[256];
    uint8_t *code = size <= sizeof stack_buf ? stack_buf : malloc(size);
    if (!code)
        return NULL;
    /* code outside RAM (an MMIO page) is not readable: counted flat below */
    bool readable = emu_mem_peek(c, addr, code, size);
    uint64_t hash = readable ? hf_fnv1a(code, size, HF_FNV_INIT) : 0;
    if (b && b->hash == hash) {
        b->gen = gen; /* a data store shared the page: the code is the same */
    } else {
        if (!b) {
            if (!block_room(bc)) {
                if (code != stack_buf)
                    free(code);
                return NULL;
            }
            i = block_slot(bc, addr, size); /* the index may have grown */
            bc->keys[i] = (struct emu_block_key){addr, size, (uint32_t)bc->used};
            b = &bc->blocks[bc->used++];
        }
        *b = (struct emu_block){.addr = addr,
                                .size = size,
                                .gen = gen,
                                .hash = hash,
                                .func = c->attr_of ? c->attr_of(c->attr_arg, addr) : -1,
                                .probe = probe_index(&c->probes, addr)};
        if (readable) {
            block_analyse(c, b, code);
            if (c->timing)
                tm_mark_code(c->timing, addr, size);
        } else {
            b->insns = (size + 3) / 4; /* code outside RAM (MMIO): count words */
            b->cost = (uint64_t)b->insns * c->cycles_per_insn * EMU_FRAC;
        }
    }
    if (code != stack_buf)
        free(code);
    return b;
}

/* Charges block b, which starts now: its instructions, its static cost
 * (to the block's attribution slot) and, with a timing model, its dynamic
 * part (tm_on_block; `plain` as there). */
static inline __attribute__((always_inline)) void block_charge(struct emu_core *c,
                                                               struct emu_block *b, bool plain)
{
    b->execs++;
    uint32_t slot = b->func >= 0 ? (uint32_t)b->func : c->attr_default;
    if (slot != c->attr_slot) /* mostly the same: spare the store */
        c->attr_slot = slot;
    c->instructions += b->insns;
    uint64_t owed = c->frac + b->cost;
    c->frac = (uint32_t)(owed & (EMU_FRAC - 1));
    if (c->timing)
        tm_on_block(c, b, owed >> EMU_FRAC_BITS, plain);
    else
        emu_core_charge(c, EMU_CHARGE_BASE, owed >> EMU_FRAC_BITS);
}

/* The block hook's way for everything but a block found in the
 * direct-mapped table with nothing else to do: translations to drop, the
 * deadline, the machine's block callback, a note due (note_due), a block
 * not seen lately (or whose code may have changed), a size of 0, a probed
 * block or a pending return probe's address. */
static __attribute__((noinline)) void block_hook_slow(struct emu_core *c, uint64_t addr,
                                                      uint32_t size)
{
    if ((c->drop_due | c->stop_due) && c->cycles < c->deadline) {
        unsigned cls = addr >= c->user_lo && addr < c->user_hi;
        if (c->drop_due & (1u << cls)) {
            /* In this block's privilege mode Unicorn can find its class's
             * pages: drop their translations, and stop before the block so
             * that it is translated again. */
            tm_drop_class(c, cls);
            c->deadline = c->cycles;
        }
        if (c->stop_due & (1u << cls)) {
            c->stop_due = 0; /* asked for: stop before this block */
            c->deadline = c->cycles;
        }
    }
    if (c->cycles >= c->deadline) {
        c->deadline_hit = true;
        EMU_UC(c, uc_emu_stop(c->uc), stopped);
    stopped:
        if (c->block_cb)
            c->block_cb(c, addr, size, c->block_cb_arg);
        return;
    }
    if (size == 0)
        size = 1;
    if (c->block_cb && c->block_cb(c, addr, size, c->block_cb_arg)) {
        if (c->timing)
            tm_break_flow(c->timing); /* control went elsewhere */
        return;
    }
    if (c->note_due & (1u << (addr >= c->user_lo && addr < c->user_hi))) {
        /* the block runs now: the trap return before it, then the note */
        c->note_due = 0;
        if (c->timing)
            tm_charge_return(c);
        if (c->note_cb)
            c->note_cb(c, addr);
    }
    struct emu_block *b = block_lookup(c, addr, size);
    struct emu_block none; /* out of memory: one flat instruction */
    if (!b) {
        none = (struct emu_block){.addr = addr,
                                  .size = size,
                                  .insns = 1,
                                  .func = -1,
                                  .cost = (uint64_t)c->cycles_per_insn * EMU_FRAC};
        b = &none;
    }
    if (c->probes.npending && probe_return_due(&c->probes, addr))
        probe_returns(c, addr);
    if (b->probe)
        probe_entry(c, &c->probes.tab[b->probe - 1]);
    /* probed blocks, those a return probe waits for and spin blocks stay
     * out of the table: they always come here */
    if (b != &none && !b->probe && !(b->flags & EMU_BLOCK_SPIN) &&
        !(c->probes.npending && probe_return_due(&c->probes, addr)))
        c->blocks.dm[dm_slot(addr)] = b;
    block_charge(c, b, false);
    if (b->flags & EMU_BLOCK_SPIN) {
        c->spin_resume = addr + size;
        if (c->cycles >= c->spin_after && c->cycles < c->deadline) {
            c->deadline = c->cycles; /* the slice ends before the next block */
            c->spun = true;
        }
    }
}

/* UC_HOOK_BLOCK: charges the block that starts now, or, once the clock
 * has reached the deadline, stops the core before it. (A stop requested
 * from this hook keeps the block from running: it runs, and is charged,
 * when the core is started again.) The stop is asked again at every block
 * past the deadline: a PC write from another hook (quit_request) cancelled
 * a pending stop in Unicorn 2.0.1; 2.1.1 keeps it (emu/unicorn-facts:
 * pc_write_keeps_pending_stop), and asking again is harmless. The timing model plugs in
 * here. Most blocks take the first branch: the block is in the
 * direct-mapped table with the same code, and nothing else is due. */
static void block_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct emu_core *c = user;
    (void)uc;
    struct emu_block *b = c->blocks.dm[dm_slot(addr)];
    if (__builtin_expect(b->addr == addr && b->size == size && b->gen == c->code_gen &&
                             c->cycles < c->deadline && !c->block_cb &&
                             (!(c->drop_due | c->stop_due | c->note_due) ||
                              !((c->drop_due | c->stop_due | c->note_due) &
                                (1u << (addr >= c->user_lo && addr < c->user_hi)))) &&
                             (!c->timing || tm_block_is_plain(c->timing, b)),
                         1))
        block_charge(c, b, true);
    else
        block_hook_slow(c, addr, size);
}

uc_err emu_core_open(struct emu_core *c, const struct emu_arch *arch, unsigned id, void *owner)
{
    memset(c, 0, sizeof *c);
    c->arch = arch;
    c->id = id;
    c->owner = owner;
    c->cycles_per_insn = 1;
    c->deadline = UINT64_MAX;
    c->spin_after = UINT64_MAX;
    c->attr = &c->attr_none;
    uc_err err;
    EMU_UC(c, uc_open(arch->uc_arch, arch->uc_mode, &c->uc), fail);
    if (arch->uc_cpu_model >= 0)
        EMU_UC(c, uc_ctl_set_cpu_model(c->uc, arch->uc_cpu_model), fail);
    /* With exits enabled and none set, uc_emu_start(..., until = 0, ...)
     * does not stop when the guest jumps to address 0. */
    EMU_UC(c, uc_ctl_exits_enable(c->uc), fail);
    c->blocks.dm = malloc(EMU_BLOCK_DM * sizeof *c->blocks.dm);
    if (!c->blocks.dm || !block_index_grow(&c->blocks)) {
        emu_core_host_error(c, UC_ERR_NOMEM, "allocating the block cache");
        goto fail;
    }
    dm_clear(&c->blocks);
    if (arch->decoder_open && arch->decoder_open(c) != 0) {
        emu_core_host_error(c, UC_ERR_NOMEM, "opening the decoder");
        goto fail;
    }
    EMU_UC(c, uc_hook_add(c->uc, &c->block_hook, UC_HOOK_BLOCK, (void *)block_hook, c, 1, 0), fail);
    if (arch->hooks_open && arch->hooks_open(c) != 0)
        goto fail;
    return UC_ERR_OK;
fail:
    err = c->host_error;
    emu_core_close(c);
    return err;
}

void emu_core_close(struct emu_core *c)
{
    if (c->arch && c->arch->decoder_close && c->decoder)
        c->arch->decoder_close(c);
    /* the hooks go before the engine: uc_hook_del on a closed engine
     * reads freed memory */
    if (c->timing && c->uc)
        tm_unhook(c);
    if (c->uc)
        (void)uc_close(c->uc); /* nothing is left to report a failure to */
    free(c->blocks.keys);
    free(c->blocks.blocks);
    free(c->blocks.dm);
    tm_state_free(c->timing);
    c->timing = NULL;
    c->uc = NULL;
    c->blocks = (struct emu_block_cache){0};
}

enum emu_stop emu_core_run(struct emu_core *c)
{
    c->deadline_hit = false;
    c->stop_requested = false;
    c->exception_taken = false;
    c->spun = false;
    if (c->host_error != UC_ERR_OK) { /* a checked call failed while it was stopped */
        c->uc_error = c->host_error;
        return EMU_STOP_ERROR;
    }
    if (c->cycles >= c->deadline)
        return EMU_STOP_DEADLINE;
    if (c->timing && tm_before_run(c) != 0) {
        c->uc_error = c->host_error;
        return EMU_STOP_ERROR;
    }
    uint64_t pc;
    if (!emu_reg_get(c, c->arch->reg_pc, &pc)) {
        c->uc_error = c->host_error;
        return EMU_STOP_ERROR;
    }
    /* Not EMU_UC: what uc_emu_start returns is the guest's outcome (an
     * unmapped fetch, an exception nobody took), reported by the caller. */
    c->uc_error = uc_emu_start(c->uc, pc, 0, 0, 0);
    if (c->uc_error == UC_ERR_EXCEPTION && c->exception_taken)
        c->uc_error = UC_ERR_OK;
    if (c->uc_error == UC_ERR_OK && c->host_error != UC_ERR_OK)
        c->uc_error = c->host_error;
    if (c->uc_error != UC_ERR_OK)
        return EMU_STOP_ERROR;
    if (c->stop_requested)
        return EMU_STOP_REQUEST;
    if (c->deadline_hit)
        return EMU_STOP_DEADLINE;
    return EMU_STOP_IDLE;
}

void emu_core_request_stop(struct emu_core *c)
{
    c->stop_requested = true;
    EMU_UC(c, uc_emu_stop(c->uc), out);
out:
    return;
}

void emu_core_exception_taken(struct emu_core *c)
{
    c->exception_taken = true;
    emu_core_request_stop(c);
}

void emu_core_trap(struct emu_core *c, uint64_t flat)
{
    uint32_t slot = c->attr_slot;
    c->attr_slot = c->attr_trap_entry;
    if (!c->timing) {
        emu_core_charge(c, EMU_CHARGE_TRAP, flat);
    } else {
        tm_break_flow(c->timing);
        emu_core_charge(c, EMU_CHARGE_TRAP, tm_state_profile(c->timing)->trap_entry);
    }
    c->attr_slot = slot;
}

int emu_core_set_profile(struct emu_core *c, const struct tm_profile *profile)
{
    struct tm_state *s = NULL;
    if (profile && !(s = tm_state_new(profile)))
        return -1;
    if (c->timing)
        tm_unhook(c);
    tm_state_free(c->timing);
    c->timing = s;
    emu_core_flush_blocks(c);
    return 0;
}

void emu_core_flush_blocks(struct emu_core *c)
{
    memset(c->blocks.keys, 0, c->blocks.capacity * sizeof *c->blocks.keys);
    c->blocks.used = 0;
    if (c->blocks.dm)
        dm_clear(&c->blocks);
}

void emu_core_uc_failed(struct emu_core *c, uc_err err, const char *site, const char *call)
{
    if (c->host_error == UC_ERR_OK) {
        c->host_error = err;
        snprintf(c->host_error_why, sizeof c->host_error_why, "%s%s%s failed: %s", site ? site : "",
                 site ? ": " : "", call, uc_strerror(err));
    }
    c->stop_requested = true;
    /* Not checked: this is the failure path already (and
     * emu_core_request_stop would come back here). */
    if (c->uc)
        (void)uc_emu_stop(c->uc);
}

void emu_core_host_error(struct emu_core *c, uc_err err, const char *what)
{
    emu_core_uc_failed(c, err, NULL, what);
}

/* Returns true if `err` (of the register access `what` to `reg`) is
 * UC_ERR_OK; else records it with `site` and returns false. */
static bool reg_checked(struct emu_core *c, uc_err err, const char *what, int reg, const char *site)
{
    if (!EMU_UC_UNLIKELY(err != UC_ERR_OK))
        return true;
    char call[48];
    snprintf(call, sizeof call, "%s(register %d)", what, reg);
    emu_core_uc_failed(c, err, site, call);
    return false;
}

/* Returns true if `reg` is one of the core's architecture's register ids. */
static bool reg_valid(const struct emu_core *c, int reg)
{
    return reg > 0 && reg < c->arch->reg_end;
}

bool emu_reg_get_raw_at(struct emu_core *c, int reg, void *v, const char *site)
{
    uc_err err = reg_valid(c, reg) ? uc_reg_read(c->uc, reg, v) : UC_ERR_ARG;
    return reg_checked(c, err, "uc_reg_read", reg, site);
}

bool emu_reg_set_raw_at(struct emu_core *c, int reg, const void *v, const char *site)
{
    uc_err err = reg_valid(c, reg) ? uc_reg_write(c->uc, reg, v) : UC_ERR_ARG;
    return reg_checked(c, err, "uc_reg_write", reg, site);
}

bool emu_reg_write_at(struct emu_core *c, int reg, uint64_t value, const char *site)
{
    return emu_reg_set_raw_at(c, reg, &value, site);
}

bool emu_reg_get_at(struct emu_core *c, int reg, uint64_t *v, const char *site)
{
    *v = 0;
    return emu_reg_get_raw_at(c, reg, v, site);
}

uint64_t emu_reg_read_at(struct emu_core *c, int reg, const char *site)
{
    uint64_t v;
    return emu_reg_get_at(c, reg, &v, site) ? v : 0;
}

/* Records a failed memory access `what` of n bytes at addr; returns false. */
static bool mem_failed(struct emu_core *c, uc_err err, const char *site, const char *what,
                       uint64_t addr, size_t n)
{
    char call[80];
    snprintf(call, sizeof call, "%s(0x%llx, %zu bytes)", what, (unsigned long long)addr, n);
    emu_core_uc_failed(c, err, site, call);
    return false;
}

bool emu_mem_read_at(struct emu_core *c, uint64_t addr, void *buf, size_t n, const char *site)
{
    uc_err err = uc_mem_read(c->uc, addr, buf, n);
    return EMU_UC_UNLIKELY(err != UC_ERR_OK) ? mem_failed(c, err, site, "uc_mem_read", addr, n)
                                             : true;
}

bool emu_mem_write_at(struct emu_core *c, uint64_t addr, const void *buf, size_t n,
                      const char *site)
{
    uc_err err = uc_mem_write(c->uc, addr, buf, n);
    return EMU_UC_UNLIKELY(err != UC_ERR_OK) ? mem_failed(c, err, site, "uc_mem_write", addr, n)
                                             : true;
}

bool emu_mem_peek_at(struct emu_core *c, uint64_t addr, void *buf, size_t n, const char *site)
{
    uc_err err = uc_mem_read(c->uc, addr, buf, n);
    if (!EMU_UC_UNLIKELY(err != UC_ERR_OK))
        return true;
    return err == UC_ERR_READ_UNMAPPED ? false : mem_failed(c, err, site, "uc_mem_read", addr, n);
}

bool emu_mem_poke_at(struct emu_core *c, uint64_t addr, const void *buf, size_t n, const char *site)
{
    uc_err err = uc_mem_write(c->uc, addr, buf, n);
    if (!EMU_UC_UNLIKELY(err != UC_ERR_OK))
        return true;
    return err == UC_ERR_WRITE_UNMAPPED ? false : mem_failed(c, err, site, "uc_mem_write", addr, n);
}
