/* devices/traceport.h: the trace port. The guest stages an event record
 * (type, pid, four 64-bit arguments, as 32-bit halves) and writes
 * TRACE_COMMIT, or fills a struct trace_rec in RAM whose address it gave
 * the port once (TRACE_REC_LO/HI) and writes TRACE_POST; the device hands
 * the record to the emit callback, which stamps it with the cycle clock
 * (the machine does that). */
#ifndef IPCEMU_DEVICES_TRACEPORT_H
#define IPCEMU_DEVICES_TRACEPORT_H

#include <stdbool.h>
#include <stddef.h>
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
    /* Copies n bytes of guest RAM at addr into buf for TRACE_POST; false
     * when they are not RAM (it reports that itself). May be NULL: POST
     * then emits nothing. */
    bool (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t n);
    void *ctx;
    struct dev_trace_record staged;
    uint64_t rec; /* TRACE_REC_LO/HI: where TRACE_POST reads its record */
    uint64_t committed;
};

extern const struct dev_ops dev_traceport_ops;

/* Initialises an empty port that hands committed records to emit(ctx, r)
 * and reads posted ones with read_mem(ctx, ...). */
void dev_traceport_init(struct dev_traceport *t,
                        void (*emit)(void *ctx, const struct dev_trace_record *r),
                        bool (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t n), void *ctx);

#endif
