/* devices/intc.h: the interrupt controller. INTC_NLINES numbered input
 * lines, level-triggered: a device drives its line with dev_irq_set() (the
 * machine wires the device's struct dev_irq to dev_intc_set_line). The
 * controller has one target per core (ntargets, at most INTC_MAX_TARGETS).
 * Each target holds:
 *   - an enable mask (bit n: line n may interrupt the target),
 *   - the lines in service (claimed, not yet completed),
 *   - its software lines (INTC_LINE_SOFT0 and up), raised by an IPI write,
 * and asserts its output ("interrupt requested", which the machine polls
 * and delivers to the target's core) while some line is up for it (a
 * device line, or one of its own software lines), enabled and not in
 * service. A device line reaches every target that enables it, except the
 * banked lines (INTC_BANKED_MASK: the timer's line INTC_LINE_TIMER), which
 * a device drives per target: core k's timer is line 0 at target k only
 * (dev_intc_set_target_line, dev_intc_target_irq). Reading a target's CLAIM
 * returns the lowest such line and puts it in service, and lowers it if it
 * is a software line (INTC_CLAIM_NONE when there is none); writing the line
 * number to COMPLETE ends its service, so a line still up asserts the
 * output again. A line that drops before it is claimed is simply no longer
 * pending. No Unicorn here: the machine polls the outputs, and hears of
 * every rise through `on_rise` (to wake a waiting core). */
#ifndef IPCEMU_DEVICES_INTC_H
#define IPCEMU_DEVICES_INTC_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/devregs.h"
#include "devices/device.h"

_Static_assert(INTC_NLINES <= 32, "the controller keeps its lines in 32-bit masks");

/* Device lines driven per target (each core's own timer). */
#define INTC_BANKED_MASK (1u << INTC_LINE_TIMER)

/* One target's state (owned by the controller). */
struct dev_intc_target {
    uint32_t enable;  /* lines that may interrupt it (reset: none) */
    uint32_t service; /* lines claimed and not yet completed */
    uint32_t soft;    /* its software lines that are up */
    uint32_t banked;  /* its banked device lines that are up (INTC_BANKED_MASK) */
    bool output;      /* interrupt requested */
    uint64_t rises;   /* times the output went from low to high */
    uint64_t taken;   /* claims that returned a line (it went into service) */
    uint64_t ipis;    /* IPIs that raised one of its software lines */
};

struct dev_intc {
    uint32_t level;    /* device input lines as the devices drive them (the
                          banked ones are per target: tgt[].banked) */
    unsigned ntargets; /* 1..INTC_MAX_TARGETS */
    uint64_t claims;   /* CLAIM reads (the NONE answers included) */
    struct dev_intc_target tgt[INTC_MAX_TARGETS];
    /* Called when target t's output rises (NULL: nobody listens). */
    void (*on_rise)(void *ctx, unsigned t);
    void *on_rise_ctx;
    /* Called when an INTC_IPI write raises software line `line` of
     * target t, before the target hears of it (NULL: nobody listens). */
    void (*on_ipi)(void *ctx, unsigned t, unsigned line);
    void *on_ipi_ctx;
};

extern const struct dev_ops dev_intc_ops;

/* Initialises a controller with one target, every line low and disabled. */
void dev_intc_init(struct dev_intc *ic);
/* Sets the number of targets (1..INTC_MAX_TARGETS; others change
 * nothing). Returns nothing. */
void dev_intc_set_targets(struct dev_intc *ic, unsigned n);
/* Drives input `line` to `level` (lines at or past INTC_NLINES are
 * ignored; a banked line is target 0's). Returns nothing; the outputs
 * follow at once. */
void dev_intc_set_line(struct dev_intc *ic, unsigned line, bool level);
/* Drives banked line `line` of target t to `level`; for a line that is not
 * banked, the same as dev_intc_set_line (every target sees it); nothing
 * for a target that does not exist. Returns nothing. */
void dev_intc_set_target_line(struct dev_intc *ic, unsigned t, unsigned line, bool level);
/* Returns whether the controller requests an interrupt from target 0. */
bool dev_intc_output(const struct dev_intc *ic);
/* Returns whether the controller requests an interrupt from target t
 * (false for a target that does not exist). */
bool dev_intc_target_output(const struct dev_intc *ic, unsigned t);
/* Returns the lowest line that is up for target 0, enabled and not in
 * service, after putting it in service; INTC_CLAIM_NONE when there is
 * none. What a read of target 0's CLAIM register does. */
uint32_t dev_intc_claim(struct dev_intc *ic);
/* The same for target t (INTC_CLAIM_NONE for a target that does not
 * exist); a software line it returns is lowered. */
uint32_t dev_intc_target_claim(struct dev_intc *ic, unsigned t);
/* Ends the service of `line` at target 0 (the COMPLETE register); a line
 * not in service or out of range changes nothing. */
void dev_intc_complete(struct dev_intc *ic, uint32_t line);
/* Raises software line `line` on target t (an INTC_IPI write). Returns
 * false, changing nothing, when there is no such target or `line` is not a
 * software line. */
bool dev_intc_ipi(struct dev_intc *ic, unsigned t, unsigned line);
/* Returns a struct dev_irq that drives `line` of `ic` (for wiring a device's
 * irq to the controller). */
struct dev_irq dev_intc_irq(struct dev_intc *ic, unsigned line);
/* Returns a struct dev_irq that drives `line` of target t
 * (dev_intc_set_target_line: core t's own timer). */
struct dev_irq dev_intc_target_irq(struct dev_intc *ic, unsigned t, unsigned line);

#endif
