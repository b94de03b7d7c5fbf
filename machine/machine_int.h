/* machine/machine_int.h: what machine.c and cores.c (the secondary cores)
 * share inside the board. Not for other modules. */
#ifndef IPCEMU_MACHINE_MACHINE_INT_H
#define IPCEMU_MACHINE_MACHINE_INT_H

#include "machine/machine.h"

/* Largest slice the core runs without the board looking at its devices. */
#define MACHINE_SLICE_CYCLES 1000000ULL
/* While the interrupt line is up but the core has it masked (the kernel
 * runs), the core stops before the first block of user code (the return to
 * user mode starts a new block; the image's user code is the class-1 code of
 * emu/cpu.h, which runs only in user mode), so the interrupt is taken there.
 * Where that cannot tell (an image without user code, or user-range code the
 * core reached in kernel mode), the board looks again after every block. */
#define MACHINE_IRQ_RECHECK_CYCLES 1ULL
/* Several cores, spin-wait hints (docs/machine.md, "Several cores"): a
 * core that runs a hint ends its slice there once its clock is this many
 * cycles past every other core's next cycle (machine_cores_spin_after),
 * and while it spins (its last slice ended so, c->spun) every other
 * core's slice ends at most this many cycles past its clock
 * (machine_cores_spin_cap): the cores take turns in steps of about this
 * size, so a spinner sees another core's store within about a step of
 * the cycle it was made, either side. */
#define MACHINE_SPIN_STEP 200ULL
/* The code class of user code (emu/cpu.h: c->stop_due). */
#define MACHINE_CLASS_USER 1u

/* Every cycle a core's clock moves by is charged through emu_core_charge
 * to the core's attr_slot: the block that runs (or idle, or the trap's
 * entry and return). A charge for code the board does not run (a spinning
 * core's wait skipped ahead) keeps the slot the code left, so that the
 * report's per-core figures (machine_core_figures: the cycles of
 * klock_wait) stay whole. */

/* Ends the run with `outcome` unless it already ended, recording why
 * (fmt NULL: no reason). Returns nothing. */
void machine_finish(struct machine *m, enum machine_outcome outcome, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Maps RAM, the devices and the unmapped-memory hook (and the arch's
 * map_core) on core `c`'s engine. Returns 0, or -1 with m->why. */
int machine_map_core(struct machine *m, struct emu_core *c);

/* cores.c: opens cores 1..ncores-1 (held in reset), each with its own
 * engine over the same RAM and devices. Returns 0, or -1 with m->why. */
int machine_cores_open(struct machine *m);
/* cores.c: releases what machine_cores_open and the starts took. */
void machine_cores_close(struct machine *m);
/* cores.c: carries out the start requests of the boot protocols (between
 * slices, no engine running). Returns 0, or -1 when the run ended. */
int machine_cores_start_pending(struct machine *m);
/* cores.c: returns the cycle at which core `id` can run next: its clock
 * while it runs; while it waits (hlt / wfi), its own timer's deadline if
 * the timer is armed and its line enabled at the core's target and not in
 * service (no earlier than its clock); UINT64_MAX otherwise (in reset,
 * starting, a wait nothing but a rise of its target's output ends). */
uint64_t machine_cores_ready_at(const struct machine *m, unsigned id);
/* cores.c: returns the core that runs (or wakes) next: the lowest
 * machine_cores_ready_at, ties to the lowest id; MACHINE_MAX_CORES when no
 * core can. */
unsigned machine_cores_pick(const struct machine *m);
/* cores.c: moves waiting core `c`'s clock to `now` (nothing if it is
 * there already), charging the wait as idle (core 0's also to
 * m->idle_cycles and its "idle" slot). Returns nothing. */
void machine_cores_idle_until(struct machine *m, struct emu_core *c, uint64_t now);
/* cores.c, the controller's on_rise: target `t`'s output rose; wakes core
 * t if it waits (its clock moves to the running core's), and ends the
 * running core's slice at its next block so that the woken core runs
 * soon. Returns nothing. */
void machine_cores_rise(void *ctx, unsigned t);
/* cores.c: the running core writes `value` to the controller's IPI
 * register. With several cores and a profile whose ipi_latency is not 0
 * the IPI is held: the target's line rises ipi_latency cycles after the
 * write, in the clocks' order (machine_cores_deliver), and the writer's
 * slice ends there. Returns whether it was held (else the controller takes
 * the write now). */
bool machine_cores_ipi_send(struct machine *m, uint32_t value);
/* cores.c: delivers every held IPI whose cycle no core that runs is
 * still before, earliest first (ties: lower target, then lower line); a
 * waiting target's clock moves to that cycle. Returns nothing. */
void machine_cores_deliver(struct machine *m);
/* cores.c: returns the cycle of the earliest IPI held for core `id`, or
 * UINT64_MAX when none is. */
uint64_t machine_cores_ipi_next(const struct machine *m, unsigned id);
/* cores.c: returns MACHINE_SPIN_STEP past the earliest cycle at which a
 * core other than `id` can next act (runs; starts; waiting, wakes at its
 * timer or at an IPI on its way); UINT64_MAX when none can. Core `id`, spinning, goes on
 * to there before it yields at a spin-wait hint (c->spin_after). */
uint64_t machine_cores_spin_after(const struct machine *m, unsigned id);
/* cores.c: returns the cycle at which core `id`'s slice ends for the
 * other cores that spin (their last slice ended at a spin-wait hint): the
 * lowest of their clocks plus MACHINE_SPIN_STEP; UINT64_MAX when none
 * spins. */
uint64_t machine_cores_spin_cap(const struct machine *m, unsigned id);

/* machine.c: core `c`'s own timer (the bank's timer of its id). */
struct dev_timer *machine_core_timer(struct machine *m, const struct emu_core *c);
/* machine.c: records that an interrupt reached core `c`'s kernel
 * (TRC_EV_IRQ), taken as a trap (`idle` false) or by waking the waiting
 * core, and marks this rise of its controller output delivered. */
void machine_irq_reached(struct machine *m, struct emu_core *c, bool idle);
/* machine.c: returns true while the controller requests an interrupt from
 * core `id`'s target whose rise has not been delivered yet. */
bool machine_irq_requested(const struct machine *m, unsigned id);
/* machine.c: notes the cycle the board first found this rise of core
 * `c`'s timer line up and could not deliver it. Returns nothing. */
void machine_irq_note_masked(struct machine *m, struct emu_core *c);

#endif
