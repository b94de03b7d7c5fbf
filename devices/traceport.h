/* devices/traceport.h: the trace port. The guest stages an event record
 * (type, pid, four 64-bit arguments, as 32-bit halves) and writes
 * TRACE_COMMIT; the device hands the record to the emit callback, which
 * stamps it with the cycle clock (the machine does that). */
#ifndef IPCEMU_DEVICES_TRACEPORT_H
#define IPCEMU_DEVICES_TRACEPORT_H

#include <stdint.h>

#include "devices/device.h"
#include "abi/devregs.h"

struct dev_trace_record {
    uint32_t type;
    uint32_t pid;
    uint64_t arg[TRACE_NARGS];
};

struct dev_traceport {
    void (*emit)(void *ctx, const struct dev_trace_record *r); /* may be NULL */
    void *ctx;
    struct dev_trace_record staged;
    uint64_t committed;
};

extern const struct dev_ops dev_traceport_ops;

/* Initialises an empty port that hands committed records to emit(ctx, r). */
void dev_traceport_init(struct dev_traceport *t,
                        void (*emit)(void *ctx, const struct dev_trace_record *r), void *ctx);

#endif
