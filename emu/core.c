/* emu/core.c: architecture-neutral CPU core on Unicorn (see cpu.h). */
#include "emu/cpu.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_CACHE_INITIAL 4096u

const struct emu_arch *emu_arch_get(enum emu_arch_id id)
{
    static const struct emu_arch *const all[EMU_ARCH_COUNT] = {
        [EMU_ARCH_X86_64] = &emu_arch_x86_64,
        [EMU_ARCH_AARCH64] = &emu_arch_aarch64,
        [EMU_ARCH_RISCV64] = &emu_arch_riscv64,
    };
    return id < EMU_ARCH_COUNT ? all[id] : NULL;
}

const struct emu_arch *emu_arch_by_name(const char *name)
{
    for (unsigned i = 0; i < EMU_ARCH_COUNT; i++)
        if (strcmp(emu_arch_get((enum emu_arch_id)i)->name, name) == 0)
            return emu_arch_get((enum emu_arch_id)i);
    return NULL;
}

/* Returns the slot index for (addr, size): its own slot or the empty slot
 * where it belongs. The hash depends only on guest addresses, so the table's
 * behaviour is the same on every host. */
static size_t block_slot(const struct emu_block_cache *bc, uint64_t addr, uint32_t size)
{
    uint64_t h = (addr ^ ((uint64_t)size << 48)) * 0x9e3779b97f4a7c15ULL;
    size_t mask = bc->capacity - 1;
    size_t i = (size_t)(h >> 20) & mask;
    while (bc->slots[i].size != 0 && (bc->slots[i].addr != addr || bc->slots[i].size != size))
        i = (i + 1) & mask;
    return i;
}

/* Doubles the block cache; returns false when out of memory. */
static bool block_cache_grow(struct emu_block_cache *bc)
{
    struct emu_block_cache n = {.capacity = bc->capacity ? bc->capacity * 2 : BLOCK_CACHE_INITIAL};
    n.slots = calloc(n.capacity, sizeof *n.slots);
    if (!n.slots)
        return false;
    for (size_t i = 0; i < bc->capacity; i++) {
        if (bc->slots[i].size == 0)
            continue;
        n.slots[block_slot(&n, bc->slots[i].addr, bc->slots[i].size)] = bc->slots[i];
        n.used++;
    }
    free(bc->slots);
    *bc = n;
    return true;
}

/* Returns the cost entry of the block at addr, decoding it on first sight,
 * or NULL when memory ran out or its code cannot be read. */
static const struct emu_block *block_lookup(struct emu_core *c, uint64_t addr, uint32_t size)
{
    struct emu_block_cache *bc = &c->blocks;
    if ((bc->used + 1) * 4 > bc->capacity * 3 && !block_cache_grow(bc))
        return NULL;
    size_t i = block_slot(bc, addr, size);
    if (bc->slots[i].size != 0)
        return &bc->slots[i];
    uint8_t stack_buf[256];
    uint8_t *code = size <= sizeof stack_buf ? stack_buf : malloc(size);
    if (!code)
        return NULL;
    uint32_t insns;
    if (uc_mem_read(c->uc, addr, code, size) == UC_ERR_OK)
        insns = c->arch->count_insns(c, addr, code, size);
    else
        insns = (size + 3) / 4; /* code outside RAM (MMIO): count words */
    if (code != stack_buf)
        free(code);
    if (insns == 0)
        insns = 1;
    bc->slots[i] = (struct emu_block){addr, size, insns, insns * c->cycles_per_insn};
    bc->used++;
    return &bc->slots[i];
}

/* UC_HOOK_BLOCK: charges the block that starts now, or, once the clock
 * has reached the deadline, stops the core before it. (A stop requested
 * from this hook keeps the block from running: it runs, and is charged,
 * when the core is started again.) The stop is asked again at every block
 * past the deadline, because a PC write from another hook (quit_request)
 * cancels a pending stop in Unicorn 2.0.1. The timing model plugs in
 * here. */
static void block_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct emu_core *c = user;
    (void)uc;
    c->last_block = (struct emu_block){0};
    if (c->cycles >= c->deadline) {
        c->deadline_hit = true;
        uc_emu_stop(c->uc);
        return;
    }
    if (size == 0)
        size = 1;
    const struct emu_block *b = block_lookup(c, addr, size);
    struct emu_block charge = {addr, size, b ? b->insns : 1, b ? b->cycles : c->cycles_per_insn};
    c->instructions += charge.insns;
    c->cycles += charge.cycles;
    c->last_block = charge;
}

uc_err emu_core_open(struct emu_core *c, const struct emu_arch *arch, unsigned id, void *owner)
{
    memset(c, 0, sizeof *c);
    c->arch = arch;
    c->id = id;
    c->owner = owner;
    c->cycles_per_insn = 1;
    c->deadline = UINT64_MAX;
    uc_err err = uc_open(arch->uc_arch, arch->uc_mode, &c->uc);
    if (err != UC_ERR_OK) {
        c->uc = NULL;
        return err;
    }
    if (arch->uc_cpu_model >= 0 &&
        (err = uc_ctl_set_cpu_model(c->uc, arch->uc_cpu_model)) != UC_ERR_OK)
        goto fail;
    /* With exits enabled and none set, uc_emu_start(..., until = 0, ...)
     * does not stop when the guest jumps to address 0. */
    if ((err = uc_ctl_exits_enable(c->uc)) != UC_ERR_OK)
        goto fail;
    if (!block_cache_grow(&c->blocks)) {
        err = UC_ERR_NOMEM;
        goto fail;
    }
    if (arch->decoder_open && arch->decoder_open(c) != 0) {
        err = UC_ERR_NOMEM;
        goto fail;
    }
    err = uc_hook_add(c->uc, &c->block_hook, UC_HOOK_BLOCK, (void *)block_hook, c, 1, 0);
    if (err != UC_ERR_OK)
        goto fail;
    return UC_ERR_OK;
fail:
    emu_core_close(c);
    return err;
}

void emu_core_close(struct emu_core *c)
{
    if (c->arch && c->arch->decoder_close && c->decoder)
        c->arch->decoder_close(c);
    if (c->uc)
        uc_close(c->uc);
    free(c->blocks.slots);
    c->uc = NULL;
    c->blocks = (struct emu_block_cache){0};
}

enum emu_stop emu_core_run(struct emu_core *c)
{
    c->deadline_hit = false;
    c->stop_requested = false;
    c->exception_taken = false;
    if (c->cycles >= c->deadline)
        return EMU_STOP_DEADLINE;
    c->uc_error = uc_emu_start(c->uc, emu_pc(c), 0, 0, 0);
    if (c->uc_error == UC_ERR_EXCEPTION && c->exception_taken)
        c->uc_error = UC_ERR_OK;
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
    uc_emu_stop(c->uc);
}

void emu_core_block_not_run(struct emu_core *c, uint64_t addr)
{
    if (c->last_block.size == 0 || c->last_block.addr != addr)
        return;
    c->instructions -= c->last_block.insns;
    c->cycles -= c->last_block.cycles;
    c->last_block = (struct emu_block){0};
}

void emu_core_exception_taken(struct emu_core *c)
{
    c->exception_taken = true;
    emu_core_request_stop(c);
}

void emu_core_charge(struct emu_core *c, uint64_t cycles)
{
    c->cycles += cycles;
}

void emu_core_flush_blocks(struct emu_core *c)
{
    memset(c->blocks.slots, 0, c->blocks.capacity * sizeof *c->blocks.slots);
    c->blocks.used = 0;
}

uint64_t emu_reg_read(struct emu_core *c, int reg)
{
    uint64_t v = 0;
    if (uc_reg_read(c->uc, reg, &v) != UC_ERR_OK)
        return 0;
    return v;
}

uc_err emu_reg_write(struct emu_core *c, int reg, uint64_t value)
{
    return uc_reg_write(c->uc, reg, &value);
}

uint64_t emu_pc(struct emu_core *c)
{
    return emu_reg_read(c, c->arch->reg_pc);
}
