/* devices/intc.c: the interrupt controller (see intc.h). */
#include "devices/intc.h"

/* Recomputes the output from the lines, the enable mask and the lines in
 * service, counting a rise. */
static void intc_update(struct dev_intc *ic)
{
    bool out = (ic->level & ic->enable & ~ic->service) != 0;
    if (out && !ic->output)
        ic->rises++;
    ic->output = out;
}

void dev_intc_init(struct dev_intc *ic)
{
    *ic = (struct dev_intc){0};
}

void dev_intc_set_line(struct dev_intc *ic, unsigned line, bool level)
{
    if (line >= INTC_NLINES)
        return;
    uint32_t bit = 1u << line;
    ic->level = level ? ic->level | bit : ic->level & ~bit;
    intc_update(ic);
}

bool dev_intc_output(const struct dev_intc *ic)
{
    return ic->output;
}

uint32_t dev_intc_claim(struct dev_intc *ic)
{
    ic->claims++;
    uint32_t ready = ic->level & ic->enable & ~ic->service;
    if (!ready)
        return INTC_CLAIM_NONE;
    uint32_t line = (uint32_t)__builtin_ctz(ready);
    ic->service |= 1u << line;
    intc_update(ic);
    return line;
}

void dev_intc_complete(struct dev_intc *ic, uint32_t line)
{
    if (line >= INTC_NLINES)
        return;
    ic->service &= ~(1u << line);
    intc_update(ic);
}

/* dev_irq callback: drives line `line` of the controller `ctx`. */
static void intc_irq_set(void *ctx, unsigned line, bool level)
{
    dev_intc_set_line(ctx, line, level);
}

struct dev_irq dev_intc_irq(struct dev_intc *ic, unsigned line)
{
    return (struct dev_irq){.set = intc_irq_set, .ctx = ic, .line = line};
}

/* Returns PENDING (the lines up), SERVICE, target 0's ENABLE, or a CLAIM
 * (which puts the line it returns in service). */
static uint32_t intc_read(void *dev, uint64_t off)
{
    struct dev_intc *ic = dev;
    switch (off) {
    case INTC_PENDING:
        return ic->level;
    case INTC_SERVICE:
        return ic->service;
    case INTC_NLINES_REG:
        return INTC_NLINES;
    case INTC_TGT_ENABLE(0):
        return ic->enable;
    case INTC_TGT_CLAIM(0):
        return dev_intc_claim(ic);
    default:
        return 0;
    }
}

/* Sets target 0's ENABLE mask, or ends the service of the line written to
 * COMPLETE. */
static void intc_write(void *dev, uint64_t off, uint32_t value)
{
    struct dev_intc *ic = dev;
    switch (off) {
    case INTC_TGT_ENABLE(0):
        ic->enable = value;
        intc_update(ic);
        break;
    case INTC_TGT_COMPLETE(0):
        dev_intc_complete(ic, value);
        break;
    default:
        break;
    }
}

const struct dev_ops dev_intc_ops = {"intc", intc_read, intc_write};
