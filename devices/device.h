/* devices/device.h: the shape every device has (after TinyEMU): opaque
 * state plus 32-bit register read/write callbacks at byte offsets inside the
 * device's page, and an irq line for a device that interrupts. No Unicorn
 * here: machine/ wires devices to MMIO and irq lines to the controller. */
#ifndef IPCEMU_DEVICES_DEVICE_H
#define IPCEMU_DEVICES_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

struct dev_ops {
    const char *name;
    /* Returns the register at `off` (unknown offsets read as 0). */
    uint32_t (*read)(void *dev, uint64_t off);
    /* Writes the register at `off` (unknown offsets are ignored). */
    void (*write)(void *dev, uint64_t off, uint32_t value);
};

/* An interrupt line out of a device (TinyEMU's IRQSignal): the device
 * drives it with dev_irq_set(); the machine wires it to an input of the
 * interrupt controller (devices/intc.h). Unwired (set NULL): a no-op. */
struct dev_irq {
    void (*set)(void *ctx, unsigned line, bool level);
    void *ctx;
    unsigned line;
};

/* Drives `irq` to `level` (nothing when it is not wired). */
static inline void dev_irq_set(const struct dev_irq *irq, bool level)
{
    if (irq->set)
        irq->set(irq->ctx, irq->line, level);
}

#endif
