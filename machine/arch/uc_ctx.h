/* machine/arch/uc_ctx.h: Unicorn's saved CPU state, shared by the arch files.
 *
 * Unicorn has no API for some of what trap entry needs (the privilege mode,
 * an exception's syndrome, segment caches), so the arch files read and patch
 * the CPU state inside a uc_context (uc_context_save / uc_context_restore).
 * That layout belongs to one build of Unicorn. What is common to every arch
 * is here: the context header (defined once) and the start-up checks; each
 * arch file keeps its own CPU-state offsets in one section at its top
 * ("Unicorn 2.1.1 internals"), each offset verified at boot through
 * uc_ctx_check_size / uc_ctx_check_probes or an arch-specific probe. An
 * engine upgrade changes this header and those sections (docs/machine.md,
 * "Where Unicorn's internals live"). */
#ifndef IPCEMU_MACHINE_ARCH_UC_CTX_H
#define IPCEMU_MACHINE_ARCH_UC_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "emu/cpu.h"

struct machine;

/* struct uc_context of Unicorn 2.1.1 (include/uc_priv.h): size_t
 * context_size (the bytes of CPU state that follow); uc_mode mode; uc_arch
 * arch; int snapshot_level; char data[] (the CPU state, copied from
 * CPUArchState, at offset 20: a char array is not padded to 8). The
 * allocation is sizeof (24 bytes, padded) + context_size. 2.0.1 had no
 * snapshot_level: its state began at 16. */
struct uc_ctx_head {
    size_t context_size;
    uc_mode mode;
    uc_arch arch;
    int snapshot_level;
    char data[];
};
#define UC_CTX_HEADER offsetof(struct uc_ctx_head, data)
#define UC_CTX_ALLOC_HEAD sizeof(struct uc_ctx_head)
_Static_assert(offsetof(struct uc_ctx_head, data) == 20 && sizeof(struct uc_ctx_head) == 24,
               "the uc_context header of Unicorn 2.1.1 is 20 bytes (24 allocated) on this host");

/* Returns the CPU state inside a saved context. */
static inline uint8_t *uc_ctx_state(uc_context *ctx)
{
    return (uint8_t *)ctx + UC_CTX_HEADER;
}

/* Returns the 64-bit field at byte `off` of the saved CPU state. */
static inline uint64_t uc_ctx_get64(const uc_context *ctx, size_t off)
{
    uint64_t v;
    memcpy(&v, (const uint8_t *)ctx + UC_CTX_HEADER + off, sizeof v);
    return v;
}

/* Returns the 32-bit field at byte `off` of the saved CPU state. */
static inline uint32_t uc_ctx_get32(const uc_context *ctx, size_t off)
{
    uint32_t v;
    memcpy(&v, (const uint8_t *)ctx + UC_CTX_HEADER + off, sizeof v);
    return v;
}

/* Stores the 64-bit `v` at byte `off` of the saved CPU state. */
static inline void uc_ctx_put64(uc_context *ctx, size_t off, uint64_t v)
{
    memcpy((uint8_t *)ctx + UC_CTX_HEADER + off, &v, sizeof v);
}

/* One verified offset: a value written through register `reg` of the API
 * must appear as 64 bits at byte `off` of the saved state. */
struct uc_ctx_probe {
    int reg;
    const char *name;
    size_t off;
};

/* Returns the bytes of CPU state a context of core c holds (from
 * uc_context_size), after checking that the header of `ctx` (saved on c)
 * agrees and, when `want` is not 0, that it is `want` bytes: the size of
 * the state the arch file's offsets describe. Returns 0 after
 * machine_emu_failure naming the installed Unicorn version otherwise. */
size_t uc_ctx_check_size(struct machine *m, struct emu_core *c, uc_context *ctx, size_t want);

/* Returns true if every probe holds: writes a distinct value through each
 * probe's register, saves the state into ctx and finds each value at its
 * offset; writes 0 to the registers afterwards. Returns false after
 * machine_emu_failure (a mismatch) or a recorded Unicorn failure. */
bool uc_ctx_check_probes(struct machine *m, struct emu_core *c, uc_context *ctx,
                         const struct uc_ctx_probe *probes, size_t n);

#endif
