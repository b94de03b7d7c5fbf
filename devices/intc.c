/* devices/intc.c: the interrupt controller (see intc.h). */
#include "devices/intc.h"

/* Returns the lines up, enabled and not in service for target `g`. */
static uint32_t intc_ready(const struct dev_intc *ic, const struct dev_intc_target *g)
{
    return ((ic->level & ~(INTC_SOFT_MASK | INTC_BANKED_MASK)) | g->soft | g->banked) & g->enable &
           ~g->service;
}

/* Recomputes every target's output, counting rises (and telling
 * on_rise). Returns nothing. */
static void intc_update(struct dev_intc *ic)
{
    for (unsigned t = 0; t < ic->ntargets; t++) {
        struct dev_intc_target *g = &ic->tgt[t];
        bool out = intc_ready(ic, g) != 0, rose = out && !g->output;
        g->output = out;
        if (rose) {
            g->rises++;
            if (ic->on_rise)
                ic->on_rise(ic->on_rise_ctx, t);
        }
    }
}

void dev_intc_init(struct dev_intc *ic)
{
    *ic = (struct dev_intc){.ntargets = 1};
}

void dev_intc_set_targets(struct dev_intc *ic, unsigned n)
{
    if (n >= 1 && n <= INTC_MAX_TARGETS)
        ic->ntargets = n;
}

void dev_intc_set_line(struct dev_intc *ic, unsigned line, bool level)
{
    dev_intc_set_target_line(ic, 0, line, level);
}

void dev_intc_set_target_line(struct dev_intc *ic, unsigned t, unsigned line, bool level)
{
    if (line >= INTC_NLINES || t >= ic->ntargets)
        return;
    uint32_t bit = 1u << line;
    uint32_t *lv = bit & INTC_BANKED_MASK ? &ic->tgt[t].banked : &ic->level;
    *lv = level ? *lv | bit : *lv & ~bit;
    intc_update(ic);
}

bool dev_intc_output(const struct dev_intc *ic)
{
    return ic->tgt[0].output;
}

bool dev_intc_target_output(const struct dev_intc *ic, unsigned t)
{
    return t < ic->ntargets && ic->tgt[t].output;
}

uint32_t dev_intc_target_claim(struct dev_intc *ic, unsigned t)
{
    ic->claims++;
    if (t >= ic->ntargets)
        return INTC_CLAIM_NONE;
    struct dev_intc_target *g = &ic->tgt[t];
    uint32_t ready = intc_ready(ic, g);
    if (!ready)
        return INTC_CLAIM_NONE;
    uint32_t line = (uint32_t)__builtin_ctz(ready);
    g->taken++;
    g->service |= 1u << line;
    g->soft &= ~(1u << line); /* a software line's acknowledge */
    intc_update(ic);
    return line;
}

uint32_t dev_intc_claim(struct dev_intc *ic)
{
    return dev_intc_target_claim(ic, 0);
}

/* Ends the service of `line` at target t (nothing for a bad t or line). */
static void intc_complete(struct dev_intc *ic, unsigned t, uint32_t line)
{
    if (line >= INTC_NLINES || t >= ic->ntargets)
        return;
    ic->tgt[t].service &= ~(1u << line);
    intc_update(ic);
}

void dev_intc_complete(struct dev_intc *ic, uint32_t line)
{
    intc_complete(ic, 0, line);
}

bool dev_intc_ipi(struct dev_intc *ic, unsigned t, unsigned line)
{
    if (t >= ic->ntargets || line < INTC_LINE_SOFT0 || line >= INTC_NLINES)
        return false;
    ic->tgt[t].soft |= 1u << line;
    ic->tgt[t].ipis++;
    intc_update(ic);
    return true;
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

/* dev_irq callback of a target's line: `tl` is target * INTC_NLINES +
 * line (dev_intc_target_irq). */
static void intc_target_irq_set(void *ctx, unsigned tl, bool level)
{
    dev_intc_set_target_line(ctx, tl / INTC_NLINES, tl % INTC_NLINES, level);
}

struct dev_irq dev_intc_target_irq(struct dev_intc *ic, unsigned t, unsigned line)
{
    return (struct dev_irq){.set = intc_target_irq_set, .ctx = ic, .line = t * INTC_NLINES + line};
}

/* Returns the target whose block holds register `off` into *t and the
 * register's offset inside the block; false outside every target block. */
static bool intc_target_reg(const struct dev_intc *ic, uint64_t off, unsigned *t, uint64_t *reg)
{
    if (off < INTC_TGT_BASE)
        return false;
    uint64_t k = (off - INTC_TGT_BASE) / INTC_TGT_STRIDE;
    if (k >= ic->ntargets)
        return false;
    *t = (unsigned)k;
    *reg = (off - INTC_TGT_BASE) % INTC_TGT_STRIDE;
    return true;
}

/* Returns PENDING (the device lines up, at any target), SERVICE (every target's lines in
 * service), NLINES, NTARGETS, a target's ENABLE, or a target's CLAIM
 * (which puts the line it returns in service). */
static uint32_t intc_read(void *dev, uint64_t off)
{
    struct dev_intc *ic = dev;
    unsigned t;
    uint64_t reg;
    switch (off) {
    case INTC_PENDING: {
        uint32_t up = ic->level; /* a banked line: up at some target */
        for (unsigned k = 0; k < ic->ntargets; k++)
            up |= ic->tgt[k].banked;
        return up;
    }
    case INTC_SERVICE: {
        uint32_t s = 0;
        for (unsigned k = 0; k < ic->ntargets; k++)
            s |= ic->tgt[k].service;
        return s;
    }
    case INTC_NLINES_REG:
        return INTC_NLINES;
    case INTC_NTARGETS:
        return ic->ntargets;
    default:
        break;
    }
    if (!intc_target_reg(ic, off, &t, &reg))
        return 0;
    if (reg == INTC_TGT_ENABLE(0) - INTC_TGT_BASE)
        return ic->tgt[t].enable;
    if (reg == INTC_TGT_CLAIM(0) - INTC_TGT_BASE)
        return dev_intc_target_claim(ic, t);
    return 0;
}

/* Sets a target's ENABLE mask, ends the service of the line written to a
 * target's COMPLETE, or raises a software line (IPI). */
static void intc_write(void *dev, uint64_t off, uint32_t value)
{
    struct dev_intc *ic = dev;
    unsigned t;
    uint64_t reg;
    if (off == INTC_IPI) {
        unsigned t = value & 0xffu, line = (value >> 8) & 0xffu;
        if (ic->on_ipi && t < ic->ntargets && line >= INTC_LINE_SOFT0 && line < INTC_NLINES)
            ic->on_ipi(ic->on_ipi_ctx, t, line);
        (void)dev_intc_ipi(ic, t, line);
        return;
    }
    if (!intc_target_reg(ic, off, &t, &reg))
        return;
    if (reg == INTC_TGT_ENABLE(0) - INTC_TGT_BASE) {
        ic->tgt[t].enable = value;
        intc_update(ic);
    } else if (reg == INTC_TGT_COMPLETE(0) - INTC_TGT_BASE) {
        intc_complete(ic, t, value);
    }
}

const struct dev_ops dev_intc_ops = {"intc", intc_read, intc_write};
