/* devices/power.h: the power/exit device. A write to POWER_EXIT ends the
 * run with that exit code; the machine notices through the callback. */
#ifndef IPCEMU_DEVICES_POWER_H
#define IPCEMU_DEVICES_POWER_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

struct dev_power {
    void (*on_off)(void *ctx, uint32_t code); /* may be NULL */
    void *ctx;
    bool off;
    uint32_t code;
};

extern const struct dev_ops dev_power_ops;

/* Initialises a powered-on device that calls on_off(ctx, code) at exit. */
void dev_power_init(struct dev_power *p, void (*on_off)(void *ctx, uint32_t code), void *ctx);

#endif
