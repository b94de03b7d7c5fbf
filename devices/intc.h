/* devices/intc.h: the interrupt controller. INTC_NLINES numbered input
 * lines, level-triggered: a device drives its line with dev_irq_set() (the
 * machine wires the device's struct dev_irq to dev_intc_set_line). The
 * controller holds, for its one target (core 0):
 *   - an enable mask (bit n: line n may interrupt the target),
 *   - the lines in service (claimed, not yet completed),
 * and asserts its output ("interrupt requested", which the machine polls
 * and delivers to the core) while some line is up, enabled and not in
 * service. Reading CLAIM returns the lowest such line and puts it in
 * service (INTC_CLAIM_NONE when there is none); writing the line number to
 * COMPLETE ends its service, so a line still up asserts the output again.
 * A line that drops before it is claimed is simply no longer pending.
 *
 * SMP later: the per-target registers already sit in a block per target
 * (INTC_TGT_* in abi/devregs.h); more cores mean an array of struct
 * dev_intc_target (enable, in service, output) and an inter-processor
 * interrupt register per target that raises a software line. Only target 0
 * exists today. No Unicorn here: the machine polls the output. */
#ifndef IPCEMU_DEVICES_INTC_H
#define IPCEMU_DEVICES_INTC_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/devregs.h"
#include "devices/device.h"

_Static_assert(INTC_NLINES <= 32, "the controller keeps its lines in 32-bit masks");

struct dev_intc {
    uint32_t level;   /* input lines as the devices drive them */
    uint32_t enable;  /* target 0: lines that may interrupt it (reset: none) */
    uint32_t service; /* target 0: lines claimed and not yet completed */
    bool output;      /* target 0: interrupt requested */
    uint64_t rises;   /* times the output went from low to high */
    uint64_t claims;  /* CLAIM reads (the NONE answers included) */
};

extern const struct dev_ops dev_intc_ops;

/* Initialises a controller with every line low and disabled. */
void dev_intc_init(struct dev_intc *ic);
/* Drives input `line` to `level` (lines at or past INTC_NLINES are
 * ignored). Returns nothing; the output follows at once. */
void dev_intc_set_line(struct dev_intc *ic, unsigned line, bool level);
/* Returns whether the controller requests an interrupt from target 0. */
bool dev_intc_output(const struct dev_intc *ic);
/* Returns the lowest line that is up, enabled and not in service, after
 * putting it in service; INTC_CLAIM_NONE when there is none. What a read of
 * the CLAIM register does. */
uint32_t dev_intc_claim(struct dev_intc *ic);
/* Ends the service of `line` (the COMPLETE register); a line not in service
 * or out of range changes nothing. */
void dev_intc_complete(struct dev_intc *ic, uint32_t line);
/* Returns a struct dev_irq that drives `line` of `ic` (for wiring a device's
 * irq to the controller). */
struct dev_irq dev_intc_irq(struct dev_intc *ic, unsigned line);

#endif
