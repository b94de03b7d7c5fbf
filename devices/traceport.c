/* devices/traceport.c: trace port (see traceport.h). */
#include "devices/traceport.h"

#include <string.h>

void dev_traceport_init(struct dev_traceport *t,
                        void (*emit)(void *ctx, const struct dev_trace_record *r),
                        bool (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t n), void *ctx)
{
    *t = (struct dev_traceport){.emit = emit, .read_mem = read_mem, .ctx = ctx};
}

/* Emits the struct trace_rec at t->rec in guest RAM (TRACE_POST); a record
 * that is not in RAM is emitted by nobody (read_mem reported it). */
static void traceport_post(struct dev_traceport *t)
{
    struct trace_rec rec;
    if (!t->read_mem || !t->read_mem(t->ctx, t->rec, &rec, sizeof rec))
        return;
    struct dev_trace_record r = {.type = rec.type, .pid = rec.pid};
    memcpy(r.arg, rec.arg, sizeof r.arg);
    t->committed++;
    if (t->emit)
        t->emit(t->ctx, &r);
}

/* Returns the staged field at `off`, the record address for TRACE_REC_*,
 * or the count of committed and posted records for TRACE_COMMIT. */
static uint32_t traceport_read(void *dev, uint64_t off)
{
    struct dev_traceport *t = dev;
    if (off == TRACE_TYPE)
        return t->staged.type;
    if (off == TRACE_PID)
        return t->staged.pid;
    if (off == TRACE_COMMIT)
        return (uint32_t)t->committed;
    if (off == TRACE_REC_LO || off == TRACE_REC_HI)
        return (uint32_t)(t->rec >> (off == TRACE_REC_HI ? 32 : 0));
    if (off >= TRACE_ARG_LO(0) && off < TRACE_ARG_LO(TRACE_NARGS) && off % 4 == 0) {
        unsigned i = (unsigned)((off - TRACE_ARG_LO(0)) / 8);
        return (uint32_t)(t->staged.arg[i] >> ((off - TRACE_ARG_LO(0)) % 8 * 8));
    }
    return 0;
}

/* Stages a field, or on TRACE_COMMIT emits the staged record and clears it. */
static void traceport_write(void *dev, uint64_t off, uint32_t value)
{
    struct dev_traceport *t = dev;
    if (off == TRACE_TYPE) {
        t->staged.type = value;
    } else if (off == TRACE_PID) {
        t->staged.pid = value;
    } else if (off == TRACE_POST) {
        traceport_post(t);
    } else if (off == TRACE_REC_LO) {
        t->rec = (t->rec & ~0xffffffffULL) | value;
    } else if (off == TRACE_REC_HI) {
        t->rec = (t->rec & 0xffffffffULL) | (uint64_t)value << 32;
    } else if (off == TRACE_COMMIT) {
        t->committed++;
        if (t->emit)
            t->emit(t->ctx, &t->staged);
        t->staged = (struct dev_trace_record){0};
    } else if (off >= TRACE_ARG_LO(0) && off < TRACE_ARG_LO(TRACE_NARGS) && off % 4 == 0) {
        unsigned i = (unsigned)((off - TRACE_ARG_LO(0)) / 8);
        unsigned shift = (unsigned)((off - TRACE_ARG_LO(0)) % 8 * 8);
        t->staged.arg[i] =
            (t->staged.arg[i] & ~((uint64_t)0xffffffffu << shift)) | ((uint64_t)value << shift);
    }
}

const struct dev_ops dev_traceport_ops = {"traceport", traceport_read, traceport_write};
