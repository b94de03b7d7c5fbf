/* machine/arch/x86_64_smp.c: what x86_64 adds with several cores: a local
 * APIC per core, enough of one for INIT/SIPI (abi/devregs.h, LAPIC_*), and
 * the page of RAM below 1 MiB where a started core begins in real mode
 * (X86_AP_LOW_BASE, the same host page on every core's engine). With one
 * core nothing of this is mapped, so a single-core machine is what it was.
 * x86_64.c's start hook puts a core into the real-mode state a STARTUP
 * gives. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdio.h>
#include <sys/mman.h>

#include "abi/devregs.h"
#include "emu/timing.h"
#include "machine/arch/x86_64_smp.h"
#include "machine/machine.h"

/* LAPIC read by core `user` (its own APIC): ID is its number << 24.
 * Returns the register's value (0 for every other). */
static uint64_t lapic_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    struct emu_core *c = user;
    (void)uc, (void)size;
    if (c->timing)
        tm_mmio(c);
    return off == LAPIC_ID ? (uint64_t)c->id << 24 : 0;
}

/* LAPIC write by core `user`: ICR_HI keeps the destination, ICR_LO sends
 * INIT or STARTUP to it (no shorthand: a destination field only). A
 * STARTUP reaches a core that got INIT and is still in reset; others are
 * ignored, as the hardware ignores a SIPI outside wait-for-SIPI. Returns
 * nothing. */
static void lapic_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
    struct emu_core *c = user;
    struct machine *m = c->owner;
    (void)uc, (void)size;
    if (c->timing)
        tm_mmio(c);
    uint32_t v = (uint32_t)value;
    if (off == LAPIC_ICR_HI) {
        m->lapic_icr_hi[c->id] = v;
        return;
    }
    if (off != LAPIC_ICR_LO || LAPIC_ICR_SHORTHAND(v) != 0)
        return;
    unsigned dest = m->lapic_icr_hi[c->id] >> 24;
    if (dest >= m->cfg.ncores || dest == c->id)
        return;
    if (LAPIC_ICR_MODE(v) == LAPIC_ICR_MODE_INIT && (v & LAPIC_ICR_ASSERT)) {
        m->lapic_init[dest] = 1;
    } else if (LAPIC_ICR_MODE(v) == LAPIC_ICR_MODE_STARTUP && m->lapic_init[dest]) {
        uint64_t entry = (uint64_t)(v & 0xffu) << 12;
        if (machine_request_start(m, c, dest, entry, v & 0xffu, 0, NULL) == MACHINE_START_OK)
            m->lapic_init[dest] = 0;
    }
}

int x86_smp_map_core(struct machine *m, struct emu_core *c)
{
    if (m->cfg.ncores <= 1)
        return 0;
    if (!m->low) {
        void *p =
            mmap(NULL, X86_AP_LOW_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            machine_emu_failure(m, c, "x86_64: cannot allocate the real-mode start page");
            return -1;
        }
        m->low = p;
        m->low_base = X86_AP_LOW_BASE;
        m->low_size = X86_AP_LOW_SIZE;
    }
    EMU_UC(c, uc_mem_map_ptr(c->uc, m->low_base, m->low_size, UC_PROT_ALL, m->low), fail);
    EMU_UC(c, uc_mmio_map(c->uc, LAPIC_BASE, 0x1000, lapic_read, c, lapic_write, c), fail);
    return 0;
fail:
    return -1;
}
