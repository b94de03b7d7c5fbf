/* devices/timer.c: one-shot cycle timer (see timer.h). */
#include "devices/timer.h"

#include <stddef.h>

#include "abi/devregs.h"

void dev_timer_init(struct dev_timer *t, uint64_t (*now)(void *ctx), void *ctx)
{
    *t = (struct dev_timer){.now = now, .ctx = ctx};
}

bool dev_timer_update(struct dev_timer *t, uint64_t now)
{
    if (t->armed && !t->pending && now >= t->cmp) {
        t->pending = true;
        t->fired++;
        /* a deadline armed in the past rises when it is written */
        t->rose_at = t->cmp > t->armed_at ? t->cmp : t->armed_at;
        dev_irq_set(&t->irq, true);
    }
    return t->pending;
}

uint64_t dev_timer_deadline(const struct dev_timer *t)
{
    /* A pending line keeps its deadline (now in the past): whoever runs the
     * core must stop it at once to deliver the interrupt. */
    return t->armed ? t->cmp : DEV_TIMER_NEVER;
}

/* Lowers the irq line if it is up. */
static void timer_lower(struct dev_timer *t)
{
    if (t->pending) {
        t->pending = false;
        dev_irq_set(&t->irq, false);
    }
}

/* Returns the clock halves, the deadline halves, or the CTRL bits. */
static uint32_t timer_read(void *dev, uint64_t off)
{
    struct dev_timer *t = dev;
    uint64_t now = t->now ? t->now(t->ctx) : 0;
    dev_timer_update(t, now);
    switch (off) {
    case TIMER_NOW_LO:
        return (uint32_t)now;
    case TIMER_NOW_HI:
        return (uint32_t)(now >> 32);
    case TIMER_CMP_LO:
        return (uint32_t)t->cmp;
    case TIMER_CMP_HI:
        return (uint32_t)(t->cmp >> 32);
    case TIMER_CTRL:
        return (t->armed ? TIMER_CTRL_ARMED : 0) | (t->pending ? TIMER_CTRL_PENDING : 0);
    default:
        return 0;
    }
}

/* CMP_LO latches, CMP_HI sets the deadline and arms, CTRL_ACK lowers the
 * line and disarms. */
static void timer_write(void *dev, uint64_t off, uint32_t value)
{
    struct dev_timer *t = dev;
    switch (off) {
    case TIMER_CMP_LO:
        t->cmp_lo = value;
        break;
    case TIMER_CMP_HI:
        t->cmp = ((uint64_t)value << 32) | t->cmp_lo;
        t->armed = true;
        timer_lower(t);
        t->armed_at = t->now ? t->now(t->ctx) : 0;
        dev_timer_update(t, t->armed_at);
        break;
    case TIMER_CTRL:
        if (value & TIMER_CTRL_ACK) {
            t->armed = false;
            timer_lower(t);
        }
        break;
    default:
        break;
    }
}

const struct dev_ops dev_timer_ops = {"timer", timer_read, timer_write};

void dev_timer_bank_init(struct dev_timer_bank *b, unsigned n, unsigned (*who)(void *ctx),
                         void *who_ctx)
{
    *b = (struct dev_timer_bank){
        .n = n >= 1 && n <= DEV_TIMER_BANKS ? n : 1, .who = who, .who_ctx = who_ctx};
}

/* Returns the timer of the core accessing the window, or NULL for a core
 * the bank has no timer for. */
static struct dev_timer *bank_timer(struct dev_timer_bank *b)
{
    unsigned k = b->who ? b->who(b->who_ctx) : 0;
    return k < b->n ? &b->t[k] : NULL;
}

/* Returns the accessing core's timer register at `off` (0 for a core
 * without a timer). */
static uint32_t bank_read(void *dev, uint64_t off)
{
    struct dev_timer *t = bank_timer(dev);
    return t ? timer_read(t, off) : 0;
}

/* Writes the accessing core's timer register at `off` (nothing for a
 * core without a timer). */
static void bank_write(void *dev, uint64_t off, uint32_t value)
{
    struct dev_timer *t = bank_timer(dev);
    if (t)
        timer_write(t, off, value);
}

const struct dev_ops dev_timer_bank_ops = {"timer", bank_read, bank_write};
