/* devices/device.h: the shape every device has (after TinyEMU): opaque
 * state plus 32-bit register read/write callbacks at byte offsets inside the
 * device's page. No Unicorn here: machine/ wires devices to MMIO. */
#ifndef IPCEMU_DEVICES_DEVICE_H
#define IPCEMU_DEVICES_DEVICE_H

#include <stdint.h>

struct dev_ops {
    const char *name;
    /* Returns the register at `off` (unknown offsets read as 0). */
    uint32_t (*read)(void *dev, uint64_t off);
    /* Writes the register at `off` (unknown offsets are ignored). */
    void (*write)(void *dev, uint64_t off, uint32_t value);
};

#endif
