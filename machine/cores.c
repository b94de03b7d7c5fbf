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
 * lowest id, for at most cfg.core_quantum cycles (or up to its own timer's
 * deadline); a core in reset or waiting (hlt / wfi) with its controller
 * target quiet does not run and costs nothing until its target's output
 * rises (its clock then moves to the cycle of the rise, the running
 * core's clock) or its own timer's deadline comes (a waiting core counts
 * as ready at that cycle; its clock moves there), charged as idle. A
 * core that runs a spin-wait hint a step (MACHINE_SPIN_STEP) past every
 * other core ends its slice there, and while it spins the others' slices
 * end a step past its clock (machine_cores_spin_after, _spin_cap). No host
 * time or order reaches the guest: the order depends on clocks and ids
 * only. */
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

/* Joins every core's timing state to one coherence (a directory of the
 * private caches' lines, and the shared L2 when the profile has one:
 * docs/timing-model.md, "Several cores"). Returns 0, or -1 with m->why. */
static int cores_join_timing(struct machine *m)
{
    if (!m->cfg.profile)
        return 0;
    m->coh = tm_coh_new(m->cfg.profile, m->cfg.ncores);
    bool ok = m->coh != NULL;
    for (unsigned k = 0; ok && k < m->cfg.ncores; k++)
        ok = tm_coh_attach(m->coh, machine_core(m, k)->timing, k) == 0;
    if (!ok)
        snprintf(m->why, sizeof m->why, "cannot set up the cores' coherence: out of memory");
    return ok ? 0 : -1;
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
    return cores_join_timing(m);
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
    tm_coh_free(m->coh); /* core 0 does not run again */
    m->coh = NULL;
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

void machine_cores_idle_until(struct machine *m, struct emu_core *c, uint64_t now)
{
    if (now <= c->cycles)
        return;
    m->core_idle[c->id] += now - c->cycles;
    if (c == &m->core)
        m->idle_cycles += now - c->cycles;
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
        machine_cores_idle_until(m, c, r->cycle);
        /* its code classes (emu/cpu.h) are core 0's: the same image */
        c->user_lo = m->core.user_lo;
        c->user_hi = m->core.user_hi;
        m->core_state[k] = MACHINE_CORE_RUN;
        m->cores_started++;
    }
    return 0;
}

uint64_t machine_cores_ready_at(const struct machine *m, unsigned id)
{
    const struct emu_core *c = id == 0 ? &m->core : &m->aps[id - 1];
    if (id >= m->cfg.ncores)
        return UINT64_MAX;
    if (m->core_state[id] == MACHINE_CORE_RUN)
        return c->cycles;
    if (m->core_state[id] != MACHINE_CORE_WFI)
        return UINT64_MAX;
    /* waiting: its timer wakes it if its line can reach it */
    const struct dev_intc_target *g = &m->intc.tgt[id];
    uint32_t bit = 1u << INTC_LINE_TIMER;
    uint64_t t = dev_timer_deadline(&m->timers.t[id]);
    if (t == DEV_TIMER_NEVER || !(g->enable & bit) || (g->service & bit))
        return UINT64_MAX;
    return t > c->cycles ? t : c->cycles;
}

unsigned machine_cores_pick(const struct machine *m)
{
    unsigned best = MACHINE_MAX_CORES;
    uint64_t low = UINT64_MAX;
    for (unsigned k = 0; k < m->cfg.ncores; k++) {
        uint64_t at = machine_cores_ready_at(m, k);
        if (at < low) { /* a tie keeps the lower id */
            best = k;
            low = at;
        }
    }
    return best;
}

void machine_cores_rise(void *ctx, unsigned t)
{
    struct machine *m = ctx;
    if (t >= m->cfg.ncores || m->core_state[t] != MACHINE_CORE_WFI)
        return;
    struct emu_core *c = machine_core(m, t);
    machine_cores_idle_until(m, c, m->rise_at ? m->rise_at : m->cur->cycles);
    m->core_state[t] = MACHINE_CORE_RUN;
    if (m->cur != c && m->cur->cycles < m->cur->deadline)
        m->cur->deadline = m->cur->cycles;
}

bool machine_cores_ipi_send(struct machine *m, uint32_t value)
{
    unsigned t = value & 0xffu, line = (value >> 8) & 0xffu;
    uint32_t lat = m->cfg.profile ? m->cfg.profile->ipi_latency : 0;
    if (m->cfg.ncores <= 1 || lat == 0 || t >= m->cfg.ncores || line < INTC_LINE_SOFT0 ||
        line >= INTC_NLINES)
        return false; /* the controller raises it now, or ignores it */
    uint64_t due = m->cur->cycles + lat;
    uint64_t *slot = &m->ipi_due[t][line - INTC_LINE_SOFT0];
    if (*slot == 0 || due < *slot)
        *slot = due; /* one line: a second IPI under way adds nothing */
    if (due < m->cur->deadline)
        m->cur->deadline = due; /* the target sees it in the clocks' order */
    return true;
}

uint64_t machine_cores_ipi_next(const struct machine *m, unsigned id)
{
    uint64_t next = UINT64_MAX;
    for (unsigned l = 0; l < 8; l++)
        if (m->ipi_due[id][l] != 0 && m->ipi_due[id][l] < next)
            next = m->ipi_due[id][l];
    return next;
}

void machine_cores_deliver(struct machine *m)
{
    /* the earliest cycle a core can go on at (a running core's clock, a
     * waiting core's timer deadline): nothing before it can still happen.
     * With every core waiting for good, the held IPIs are all there is. */
    uint64_t low = UINT64_MAX;
    for (unsigned k = 0; k < m->cfg.ncores; k++) {
        uint64_t at = machine_cores_ready_at(m, k);
        if (at < low)
            low = at;
    }
    for (;;) {
        unsigned bt = 0, bl = 0;
        uint64_t best = UINT64_MAX;
        for (unsigned t = 0; t < m->cfg.ncores; t++)
            for (unsigned l = 0; l < 8; l++)
                if (m->ipi_due[t][l] != 0 && m->ipi_due[t][l] < best) {
                    best = m->ipi_due[t][l];
                    bt = t;
                    bl = l;
                }
        if (best > low)
            return;
        m->ipi_due[bt][bl] = 0;
        m->rise_at = best; /* a waiting target wakes at the rise */
        (void)dev_intc_ipi(&m->intc, bt, INTC_LINE_SOFT0 + bl);
        m->rise_at = 0;
    }
}

uint64_t machine_cores_spin_after(const struct machine *m, unsigned id)
{
    uint64_t next = UINT64_MAX;
    for (unsigned k = 0; k < m->cfg.ncores; k++) {
        if (k == id)
            continue;
        uint64_t at = m->core_state[k] == MACHINE_CORE_STARTING ? m->core_start[k].cycle
                                                                : machine_cores_ready_at(m, k);
        uint64_t ipi = machine_cores_ipi_next(m, k);
        if (m->core_state[k] == MACHINE_CORE_WFI && ipi < at)
            at = ipi; /* an IPI on its way wakes it */
        if (at < next)
            next = at;
    }
    return next < UINT64_MAX - MACHINE_SPIN_STEP ? next + MACHINE_SPIN_STEP : UINT64_MAX;
}

uint64_t machine_cores_spin_cap(const struct machine *m, unsigned id)
{
    uint64_t cap = UINT64_MAX;
    for (unsigned k = 0; k < m->cfg.ncores; k++) {
        const struct emu_core *c = k == 0 ? &m->core : &m->aps[k - 1];
        if (k != id && m->core_state[k] == MACHINE_CORE_RUN && c->spun &&
            c->cycles + MACHINE_SPIN_STEP < cap)
            cap = c->cycles + MACHINE_SPIN_STEP;
    }
    return cap;
}
