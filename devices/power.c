/* devices/power.c: power/exit device (see power.h). */
#include "devices/power.h"

#include "abi/devregs.h"

void dev_power_init(struct dev_power *p, void (*on_off)(void *ctx, uint32_t code), void *ctx)
{
    *p = (struct dev_power){.on_off = on_off, .ctx = ctx};
}

/* Returns the exit code written (0 before power-off). */
static uint32_t power_read(void *dev, uint64_t off)
{
    struct dev_power *p = dev;
    return off == POWER_EXIT ? p->code : 0;
}

/* The first write to POWER_EXIT powers off; later writes are ignored. */
static void power_write(void *dev, uint64_t off, uint32_t value)
{
    struct dev_power *p = dev;
    if (off != POWER_EXIT || p->off)
        return;
    p->off = true;
    p->code = value;
    if (p->on_off)
        p->on_off(p->ctx, value);
}

const struct dev_ops dev_power_ops = {"power", power_read, power_write};
