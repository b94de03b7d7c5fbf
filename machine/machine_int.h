/* machine/machine_int.h: what machine.c and cores.c (the secondary cores)
 * share inside the board. Not for other modules. */
#ifndef IPCEMU_MACHINE_MACHINE_INT_H
#define IPCEMU_MACHINE_MACHINE_INT_H

#include "machine/machine.h"

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

#endif
