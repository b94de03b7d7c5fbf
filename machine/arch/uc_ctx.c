/* machine/arch/uc_ctx.c: start-up checks of Unicorn's saved CPU state
 * (see uc_ctx.h). */
#include "machine/arch/uc_ctx.h"

#include "machine/arch.h"

/* The probe value of probe i: distinct, never a reset value. */
#define PROBE_VALUE(i) (0x5a5a000000000000ULL + 0x1000ULL * ((uint64_t)(i) + 1))

/* Returns as uc_ctx.h says. */
size_t uc_ctx_check_size(struct machine *m, struct emu_core *c, uc_context *ctx, size_t want)
{
    size_t size = uc_context_size(c->uc), hdr;
    memcpy(&hdr, ctx, sizeof hdr);
    if (size < UC_CTX_ALLOC_HEAD || hdr != size - UC_CTX_ALLOC_HEAD || (want && hdr != want)) {
        unsigned major, minor;
        uc_version(&major, &minor);
        machine_emu_failure(m, c,
                            "%s: uc_context is %zu bytes (its header says %zu of CPU state), "
                            "expected %zu + %zu: Unicorn %u.%u is not the 2.1.1 whose CPU state "
                            "this build knows",
                            c->arch->name, size, hdr, (size_t)UC_CTX_ALLOC_HEAD, want, major,
                            minor);
        return 0;
    }
    return hdr;
}

/* Returns as uc_ctx.h says. */
bool uc_ctx_check_probes(struct machine *m, struct emu_core *c, uc_context *ctx,
                         const struct uc_ctx_probe *probes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!emu_reg_write(c, probes[i].reg, PROBE_VALUE(i)))
            return false;
    EMU_UC(c, uc_context_save(c->uc, ctx), fail);
    for (size_t i = 0; i < n; i++) {
        uint64_t got = uc_ctx_get64(ctx, probes[i].off);
        if (got != PROBE_VALUE(i)) {
            machine_emu_failure(m, c,
                                "%s: CPU state layout check failed for %s at offset %zu (0x%llx, "
                                "expected 0x%llx): not the Unicorn 2.1.1 this was built for",
                                c->arch->name, probes[i].name, probes[i].off,
                                (unsigned long long)got, (unsigned long long)PROBE_VALUE(i));
            return false;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!emu_reg_write(c, probes[i].reg, 0))
            return false;
    return true;
fail:
    return false;
}
