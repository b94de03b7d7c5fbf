/* machine/cores.c: the secondary cores of a machine with several
 * (docs/machine.md, "Several cores").
 *
 * Core k >= 1 is an engine of its own (struct emu_core, aps[k - 1]) over
 * the same host RAM (uc_mem_map_ptr on m->ram) and the same MMIO devices.
 * It starts held in reset; a boot protocol call by a running core (PSCI
 * CPU_ON, SBI HSM hart_start, INIT/SIPI: machine/arch/) asks for it
 * (machine_request_start), and the board sets it up between slices, when
 * no engine runs (Unicorn's CPU loop keeps thread-local state: one engine
 * must never run inside another one's hook). The run loop (machine.c)
 * always runs the core with the lowest clock that can run, ties to the
 * lowest id, for at most cfg.core_quantum cycles; a core in reset or
 * waiting (hlt / wfi) with its controller target quiet does not run and
 * costs nothing until its target's output rises: its clock then moves to
 * the cycle of the rise (the running core's clock), charged as idle. No
 * host time or order reaches the guest: the order depends on clocks and
 * ids only. */
#include <stdlib.h>
#include <string.h>

#include "abi/memmap.h"
#include "emu/timing.h"
#include "machine/machine_int.h"

struct emu_core *machine_core(struct machine *m, unsigned id)
{
    if (id == 0)
        return &m->core;
    if (id >= m->cfg.ncores || !m->aps)
        return NULL;
    return &m->aps[id - 1];
}

int machine_cores_open(struct machine *m)
{
    unsigned n = m->cfg.ncores;
    if (n <= 1)
        return 0;
    m->aps = calloc(n - 1, sizeof *m->aps);
    if (!m->aps) {
        snprintf(m->why, sizeof m->why, "out of memory");
        return -1;
    }
    for (unsigned k = 1; k < n; k++) {
        struct emu_core *c = &m->aps[k - 1];
        m->core_state[k] = MACHINE_CORE_RESET;
        uc_err err = emu_core_open(c, m->arch->cpu, k, m);
        if (err != UC_ERR_OK) {
            snprintf(m->why, sizeof m->why, "cannot open the %s core %u: %s", m->arch->cpu->name, k,
                     c->host_error ? c->host_error_why : uc_strerror(err));
            return -1;
        }
        if (m->cfg.profile) {
            if (emu_core_set_profile(c, m->cfg.profile) != 0) {
                snprintf(m->why, sizeof m->why, "cannot set up the timing model: out of memory");
                return -1;
            }
            tm_set_mmio(c->timing, MM_DEV_BASE, MM_DEV_SIZE);
            tm_set_exact(c->timing, m->cfg.exact_caches);
        }
        if (machine_map_core(m, c) != 0)
            return -1;
    }
    return 0;
}

void machine_cores_close(struct machine *m)
{
    if (!m->aps)
        return;
    for (unsigned k = 1; k < m->cfg.ncores; k++) {
        struct emu_core *c = &m->aps[k - 1];
        if (m->core_start[k].ctx && m->arch->start_free)
            m->arch->start_free(m->core_start[k].ctx);
        m->core_start[k].ctx = NULL;
        if (m->arch->shutdown && c->uc && c->board)
            m->arch->shutdown(m, c);
        emu_core_close(c);
    }
    free(m->aps);
    m->aps = NULL;
}

enum machine_start_rc machine_request_start(struct machine *m, struct emu_core *from, unsigned id,
                                            uint64_t entry, uint64_t arg0, uint64_t arg1, void *ctx)
{
    if (id >= m->cfg.ncores)
        return MACHINE_START_INVALID;
    bool in_ram = entry >= MM_RAM_BASE && entry < MM_RAM_BASE + m->cfg.ram_size;
    bool in_low = m->low && entry >= m->low_base && entry < m->low_base + m->low_size;
    if (!in_ram && !in_low)
        return MACHINE_START_INVALID;
    if (id == 0 || m->core_state[id] != MACHINE_CORE_RESET)
        return MACHINE_START_ALREADY;
    m->core_state[id] = MACHINE_CORE_STARTING;
    m->core_start[id] = (struct machine_core_start){
        .entry = entry, .arg0 = arg0, .arg1 = arg1, .cycle = from->cycles, .ctx = ctx};
    /* the caller's slice ends at its next block: the new core starts now */
    if (from->cycles < from->deadline)
        from->deadline = from->cycles;
    return MACHINE_START_OK;
}

/* Moves waiting core `c`'s clock to `now`, charging the wait as idle.
 * Returns nothing. */
static void cores_idle_until(struct machine *m, struct emu_core *c, uint64_t now)
{
    if (now <= c->cycles)
        return;
    m->core_idle[c->id] += now - c->cycles;
    if (m->attr) /* its own counters: the wait is idle */
        c->attr_slot = (uint32_t)MACHINE_SLOT_IDLE(m);
    emu_core_charge(c, EMU_CHARGE_IDLE, now - c->cycles);
}

int machine_cores_start_pending(struct machine *m)
{
    for (unsigned k = 1; k < m->cfg.ncores; k++) {
        if (m->core_state[k] != MACHINE_CORE_STARTING)
            continue;
        struct emu_core *c = &m->aps[k - 1];
        struct machine_core_start *r = &m->core_start[k];
        if (!m->arch->start) {
            machine_finish(m, MACHINE_FAULT, "core %u: the %s board starts no secondary core", k,
                           m->arch->cpu->name);
            return -1;
        }
        int rc = m->arch->start(m, c, r);
        if (r->ctx && m->arch->start_free)
            m->arch->start_free(r->ctx);
        r->ctx = NULL;
        if (rc != 0 || m->outcome != MACHINE_RUNNING) {
            machine_finish(m, MACHINE_FAULT, "core %u could not start: %s", k,
                           c->host_error ? c->host_error_why : "its board refused");
            return -1;
        }
        cores_idle_until(m, c, r->cycle);
        m->core_state[k] = MACHINE_CORE_RUN;
        m->cores_started++;
    }
    return 0;
}

unsigned machine_cores_pick(const struct machine *m)
{
    unsigned best = 0;
    uint64_t low = m->core.cycles;
    for (unsigned k = 1; k < m->cfg.ncores; k++)
        if (m->core_state[k] == MACHINE_CORE_RUN && m->aps[k - 1].cycles < low) {
            best = k;
            low = m->aps[k - 1].cycles;
        }
    return best;
}

void machine_cores_step(struct machine *m, unsigned id)
{
    struct emu_core *c = &m->aps[id - 1];
    c->deadline = c->cycles + m->cfg.core_quantum;
    m->cur = c;
    enum emu_stop why = emu_core_run(c);
    m->cur = &m->core;
    if (m->outcome != MACHINE_RUNNING)
        return;
    switch (why) {
    case EMU_STOP_ERROR:
        machine_finish(m, MACHINE_FAULT, "the %s core %u stopped at pc 0x%llx: %s", c->arch->name,
                       id, (unsigned long long)emu_pc(c),
                       c->host_error ? c->host_error_why : uc_strerror(c->uc_error));
        break;
    case EMU_STOP_IDLE:
        /* hlt / wfi: it waits until its controller target asks */
        if (!dev_intc_target_output(&m->intc, id))
            m->core_state[id] = MACHINE_CORE_WFI;
        break;
    case EMU_STOP_DEADLINE:
    case EMU_STOP_REQUEST:
        break;
    }
}

void machine_cores_rise(void *ctx, unsigned t)
{
    struct machine *m = ctx;
    if (t == 0 || t >= m->cfg.ncores || m->core_state[t] != MACHINE_CORE_WFI)
        return;
    struct emu_core *c = &m->aps[t - 1];
    cores_idle_until(m, c, m->cur->cycles);
    m->core_state[t] = MACHINE_CORE_RUN;
    if (m->cur != c && m->cur->cycles < m->cur->deadline)
        m->cur->deadline = m->cur->cycles;
}
