/* machine/run.c: the board's run loop (machine_run): which core runs
 * next (machine/cores.c picks by clock), one core's slice with its
 * interrupt delivery and its wait (core_step), the wake of a waiting core
 * at its timer, the deadlock check, and the release of the cores' merged
 * events into the trace (tracer/merge.h). */
#include <stdio.h>

#include "abi/devregs.h"
#include "machine/machine.h"
#include "machine/machine_int.h"
#include "tracer/merge.h"

/* Several cores: moves into the trace every waiting event no core can
 * still precede (tracer/merge.h): the frontier is the lowest (clock, id)
 * of the cores that run or are about to start and of the waiting cores'
 * timer deadlines (a waiting core wakes there at the earliest; one woken
 * by another core, or a reset core started, resumes at that core's
 * clock, which is behind the frontier); `all` moves every one (the run
 * ended). Returns nothing. */
static void merge_release(struct machine *m, bool all)
{
    if (m->cfg.ncores <= 1)
        return;
    uint64_t fc = UINT64_MAX;
    uint32_t fk = UINT32_MAX;
    for (unsigned k = 0; k < m->cfg.ncores && !all; k++) {
        /* a running core's clock, a waiting core's timer (it wakes there) */
        uint64_t at = m->core_state[k] == MACHINE_CORE_STARTING ? m->core_start[k].cycle
                                                                : machine_cores_ready_at(m, k);
        if (at < fc) {
            fc = at;
            fk = k;
        }
    }
    struct trc_event e;
    while (trc_merge_next(&m->merge, fc, fk, &e))
        trc_log_event(m->log, &e);
}

/* Returns the smaller of a and b. */
static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Returns the earliest timer deadline at which a waiting core other than
 * `id` wakes (UINT64_MAX: none will): core `id`'s slice ends there, so
 * the woken core runs from its own deadline on and sees memory as it was
 * then, not as `id` left it a quantum later. */
static uint64_t other_wakes_at(const struct machine *m, unsigned id)
{
    uint64_t at = UINT64_MAX;
    for (unsigned k = 0; k < m->cfg.ncores; k++)
        if (k != id && m->core_state[k] == MACHINE_CORE_WFI)
            at = min_u64(at, machine_cores_ready_at(m, k));
    return at;
}

/* Ends the run as a deadlock when every core waits (hlt / wfi) and
 * nothing can wake any of them: no core runs or starts, and no waiting
 * core's timer is armed with its line able to reach the core. `c` is the
 * core that waits last (the report names it and why its timer cannot wake
 * it). Returns true when it ended the run. */
static bool deadlock_check(struct machine *m, struct emu_core *c)
{
    if (machine_cores_pick(m) < m->cfg.ncores)
        return false;
    for (unsigned k = 0; k < m->cfg.ncores; k++)
        if (m->core_state[k] == MACHINE_CORE_STARTING || machine_cores_ipi_next(m, k) != UINT64_MAX)
            return false; /* a core starts, or an IPI on its way wakes one */
    const struct dev_intc_target *g = &m->intc.tgt[c->id];
    const char *others = m->cfg.ncores > 1 ? " (every other core waits or is held in reset)" : "";
    if (dev_timer_deadline(machine_core_timer(m, c)) == DEV_TIMER_NEVER) {
        machine_finish(m, MACHINE_DEADLOCK,
                       "core %u waits for an interrupt at pc 0x%llx and no timer is armed%s", c->id,
                       (unsigned long long)emu_pc(c), others);
        return true;
    }
    const char *held = !(g->enable & (1u << INTC_LINE_TIMER)) ? "disabled"
                       : g->service & (1u << INTC_LINE_TIMER) ? "in service"
                                                              : "held";
    machine_finish(m, MACHINE_DEADLOCK,
                   "core %u waits for an interrupt at pc 0x%llx and the timer's line is %s at the "
                   "interrupt controller%s",
                   c->id, (unsigned long long)emu_pc(c), held, others);
    return true;
}

/* Wakes waiting core `id` at cycle `at` (its timer's deadline, or the
 * run's limit when that comes first): its clock moves there, charged as
 * idle; its timer is updated and a rise of its output that it brings is
 * delivered by the wake (TRC_EV_IRQ). Returns nothing. */
static void core_wake(struct machine *m, unsigned id, uint64_t at)
{
    struct emu_core *c = machine_core(m, id);
    machine_cores_idle_until(m, c, at);
    m->core_state[id] = MACHINE_CORE_RUN;
    dev_timer_update(machine_core_timer(m, c), c->cycles);
    if (machine_irq_requested(m, id))
        machine_irq_reached(m, c, true);
}

/* Runs core `id` (started, not waiting) for one slice: up to the next
 * deadline (its own timer, end of slice, --max-cycles, and with several
 * cores the core quantum, a held IPI's rise, MACHINE_SPIN_STEP past a
 * spinning core's clock, or a spin-wait hint once it is MACHINE_SPIN_STEP
 * past the other cores: c->spin_after), with its controller target's interrupt
 * delivered first when it can be (user mode, interrupts enabled), and
 * marked waiting when it waits. Returns false when the run ended. */
static bool core_step(struct machine *m, unsigned id, uint64_t limit)
{
    struct emu_core *c = machine_core(m, id);
    struct dev_timer *tm = machine_core_timer(m, c);
    struct machine_core_irq *q = &m->irq[id];
    bool stop_asked = q->stop_asked;
    uint64_t deadline = min_u64(limit, c->cycles + MACHINE_SLICE_CYCLES);
    if (m->cfg.ncores > 1) {
        deadline = min_u64(deadline, c->cycles + m->cfg.core_quantum);
        deadline = min_u64(deadline, machine_cores_ipi_next(m, id)); /* an IPI's rise */
        deadline = min_u64(deadline, other_wakes_at(m, id));         /* a waiting core's timer */
        deadline = min_u64(deadline, machine_cores_spin_cap(m, id)); /* another core spins */
        c->spin_after = machine_cores_spin_after(m, id);
    }
    m->cur = c;
    dev_timer_update(tm, c->cycles);                 /* drives its controller line */
    bool user_stop = c->stop_due == 0 && stop_asked; /* stopped before user code */
    c->stop_due = 0;
    q->stop_asked = false;
    if (machine_irq_requested(m, id)) {
        if (m->arch->interrupt(m, c)) {
            m->interrupts++;
        } else if (!user_stop && c->user_lo < c->user_hi) {
            /* masked: the kernel runs. Stop before the first block of
             * user code and look again there. */
            machine_irq_note_masked(m, c);
            c->stop_due = 1u << MACHINE_CLASS_USER;
            q->stop_asked = true;
        } else {
            /* masked where user code starts, or no user code is known:
             * look again after every block. */
            machine_irq_note_masked(m, c);
            deadline = min_u64(deadline, c->cycles + MACHINE_IRQ_RECHECK_CYCLES);
        }
        if (m->outcome != MACHINE_RUNNING) {
            m->cur = &m->core;
            return false;
        }
    } else if (tm->pending) {
        /* Held by the controller (in service, or disabled), or behind
         * another line's interrupt the kernel has not claimed yet (an IPI
         * delivered while the timer rose): the guest's next write to the
         * controller or the timer changes that and stops the core
         * (mmio_write). Its wait counts as masked from here. (The timer's
         * own delivered, unclaimed rise was noted, if at all, before it
         * was delivered: a note now names a rise already delivered.) */
        machine_irq_note_masked(m, c);
    } else {
        deadline = min_u64(deadline, dev_timer_deadline(tm));
    }
    c->deadline = deadline > c->cycles ? deadline : c->cycles + 1;
    enum emu_stop why = emu_core_run(c);
    if (m->outcome == MACHINE_RUNNING) {
        switch (why) {
        case EMU_STOP_ERROR:
            machine_finish(m, MACHINE_FAULT, "the %s core %u stopped at pc 0x%llx: %s",
                           c->arch->name, id, (unsigned long long)emu_pc(c),
                           c->host_error ? c->host_error_why : uc_strerror(c->uc_error));
            break;
        case EMU_STOP_IDLE:
            /* hlt / wfi: it waits until its controller target requests an
             * interrupt (a rise wakes it: machine_cores_rise) or its timer's
             * deadline comes (the run loop wakes it then), if either ever
             * will. The kernel polls the controller after its wait (it runs
             * masked). */
            dev_timer_update(tm, c->cycles);
            if (dev_intc_target_output(&m->intc, id)) {
                if (machine_irq_requested(m, id))
                    machine_irq_reached(m, c, true);
                break;
            }
            m->core_state[id] = MACHINE_CORE_WFI;
            (void)deadlock_check(m, c);
            break;
        case EMU_STOP_DEADLINE:
        case EMU_STOP_REQUEST:
            break;
        }
    }
    m->cur = &m->core;
    return m->outcome == MACHINE_RUNNING;
}

/* Several cores: the run ends at the highest clock any core reached; a
 * core waiting then (hlt / wfi) waited until that end, so its clock moves
 * there, charged as idle. Without this, core 0 idling from boot on while
 * core 1 did the work gave a run's `cycles` (core 0's clock) a fraction
 * of the run. A core that was running keeps its clock. Returns nothing. */
static void run_end(struct machine *m)
{
    if (m->cfg.ncores <= 1)
        return;
    uint64_t end = 0;
    for (unsigned k = 0; k < m->cfg.ncores; k++)
        if (machine_core(m, k)->cycles > end)
            end = machine_core(m, k)->cycles;
    for (unsigned k = 0; k < m->cfg.ncores; k++)
        if (m->core_state[k] == MACHINE_CORE_WFI)
            machine_cores_idle_until(m, machine_core(m, k), end);
}

enum machine_outcome machine_run(struct machine *m)
{
    struct emu_core *c = &m->core;
    uint64_t limit = m->cfg.max_cycles ? m->cfg.max_cycles : UINT64_MAX;
    while (m->outcome == MACHINE_RUNNING) {
        if (m->cfg.progress)
            m->cfg.progress(m->cfg.progress_arg, m);
        if (m->cfg.ncores > 1) {
            if (machine_cores_start_pending(m) != 0)
                break;
            machine_cores_deliver(m); /* the IPIs whose rise is due */
        }
        /* the core with the lowest clock (a waiting one: its timer's
         * deadline) runs, ties to the lowest id */
        unsigned k = machine_cores_pick(m);
        if (k >= m->cfg.ncores) {
            (void)deadlock_check(m, c); /* a wait the last slice left */
            break;
        }
        uint64_t at = machine_cores_ready_at(m, k);
        if (m->core_state[k] == MACHINE_CORE_WFI) {
            core_wake(m, k, min_u64(at, limit));
            continue;
        }
        if (at >= limit) {
            machine_finish(m, MACHINE_MAX_CYCLES, "the clock reached --max-cycles %llu",
                           (unsigned long long)limit);
            break;
        }
        bool more = core_step(m, k, limit);
        merge_release(m, false);
        if (!more)
            break;
    }
    merge_release(m, true);
    run_end(m);
    trc_log_finish(m->log, c->cycles);
    if (m->log->oom && m->outcome == MACHINE_OK) {
        m->outcome = MACHINE_FAULT;
        snprintf(m->why, sizeof m->why, "out of memory while recording the trace");
    }
    return m->outcome;
}
