/* devices/timer.h: a one-shot timer on the core's cycle clock. The guest
 * writes a deadline (CMP_LO then CMP_HI, which arms it); the irq line rises
 * once the clock reaches the deadline and stays up until the guest writes
 * TIMER_CTRL_ACK; the device drives `irq` (wired by the machine to the
 * interrupt controller's INTC_LINE_TIMER) with it. The clock is read through a callback, so the
 * device is testable without a CPU. */
#ifndef IPCEMU_DEVICES_TIMER_H
#define IPCEMU_DEVICES_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

#define DEV_TIMER_NEVER UINT64_MAX

struct dev_timer {
    uint64_t (*now)(void *ctx); /* the cycle clock */
    void *ctx;
    uint64_t cmp;    /* deadline in cycles */
    uint32_t cmp_lo; /* latched low half until CMP_HI is written */
    bool armed;
    bool pending;       /* the irq line */
    struct dev_irq irq; /* where the line goes; unwired after init */
    uint64_t fired;     /* how many times the line rose */
    uint64_t armed_at;  /* the clock when the deadline was last written */
    uint64_t rose_at;   /* the cycle the line last rose: the deadline, or the
                           write that armed a deadline already past */
};

extern const struct dev_ops dev_timer_ops;

/* The timer window with several cores (abi/devregs.h, "Timer"): banked,
 * as a core's private timer is on hardware. Each core's accesses reach a
 * timer of its own, t[k] for core k (its own CMP and CTRL; its `now` reads
 * that core's clock; its irq goes to INTC_LINE_TIMER at target k only,
 * as the machine wires it). who(who_ctx) names the core accessing the
 * window now; an access by a core past `n` reads 0 and writes nothing. */
#define DEV_TIMER_BANKS 8
struct dev_timer_bank {
    struct dev_timer t[DEV_TIMER_BANKS];
    unsigned n;                 /* timers in use, 1..DEV_TIMER_BANKS */
    unsigned (*who)(void *ctx); /* the accessing core */
    void *who_ctx;
};

extern const struct dev_ops dev_timer_bank_ops;

/* Initialises a disarmed timer reading the clock through now(ctx). */
void dev_timer_init(struct dev_timer *t, uint64_t (*now)(void *ctx), void *ctx);
/* Raises the line if the timer is armed and `now` reached the deadline.
 * Returns the line's state. */
bool dev_timer_update(struct dev_timer *t, uint64_t now);
/* Returns the cycle at which the line rises or rose (it stays up until the
 * guest acknowledges it), or DEV_TIMER_NEVER when the timer is not armed.
 * A deadline at or before the clock means: deliver the interrupt now. */
uint64_t dev_timer_deadline(const struct dev_timer *t);
/* Initialises a bank of `n` disarmed timers (1..DEV_TIMER_BANKS; others
 * give 1) whose window answers the core who(who_ctx) names; each timer's
 * clock and irq are then set by the caller (dev_timer_init, .irq). */
void dev_timer_bank_init(struct dev_timer_bank *b, unsigned n, unsigned (*who)(void *ctx),
                         void *who_ctx);

#endif
