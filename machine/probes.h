/* machine/probes.h: the kernel's trace events decoded by the host from
 * probes at kernel code addresses (emu_core_set_probes), not written by
 * the kernel: the anchors are abi/kprobes.h, the struct offsets the
 * kernel's layout record (abi/klayout.h). In shadow mode (this step) the
 * decoded events go to a log of their own, which is not the trace and is
 * not hashed; tests/integration/test_probe_events.c compares it with the
 * events the kernel's ktrace() writes. docs/machine.md, "Probes". */
#ifndef IPCEMU_MACHINE_PROBES_H
#define IPCEMU_MACHINE_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/events.h"
#include "abi/kprobes.h"
#include "tracer/trace.h"

struct machine;

/* The event types the decoders write, for every site of the kernel that
 * writes one with ktrace(): every type but the machine's own (TRAP, IRQ,
 * USER_ENTER). docs/machine.md, "Probes". */
#define MACHINE_PROBED_EVENTS(X)                                                                   \
    X(BOOT)                                                                                        \
    X(PROC_CREATE)                                                                                 \
    X(PROC_EXIT)                                                                                   \
    X(PROC_FAULT)                                                                                  \
    X(SCHED_SWITCH)                                                                                \
    X(ASPACE)                                                                                      \
    X(SYSCALL)                                                                                     \
    X(TIMER_IRQ)                                                                                   \
    X(HALT)                                                                                        \
    X(CAP_INVALIDATE)                                                                              \
    X(PORT_CREATE)                                                                                 \
    X(NOTIFY)                                                                                      \
    X(PORT_CLOSE)                                                                                  \
    X(REGION)                                                                                      \
    X(TOPIC_SUBSCRIBE)                                                                             \
    X(IPC_DROP)                                                                                    \
    X(CAP_LOOKUP)                                                                                  \
    X(IPC_SEND)                                                                                    \
    X(IPC_RECV)                                                                                    \
    X(IPC_BLOCK)                                                                                   \
    X(IPC_REPLY)                                                                                   \
    X(IPC_SLOW)                                                                                    \
    X(IPC_WAKE)

/* Returns true if the decoders write events of type `type`. */
bool machine_probes_cover(uint32_t type);

/* Installs the probes of abi/kprobes.h on the machine's core for kernel
 * image img[n] (its symbols and its .klayout section). Returns 0, or -1
 * with the reason in m->why (no layout record, a layout of another
 * version, out of memory). An anchor the image lacks is skipped and
 * named by machine_probes_missing. */
int machine_probes_install(struct machine *m, const uint8_t *img, size_t n);
/* Frees what machine_probes_install took (nothing when it was not
 * called). */
void machine_probes_free(struct machine *m);
/* Returns the decoded (shadow) events of the run so far, in order; *n
 * their number. */
const struct trc_event *machine_probes_events(const struct machine *m, size_t *n);
/* Compares, now and as at every arch_enter_user so far, the kernel's
 * capability-cache counters (hits, misses, invalidations of core 0's
 * cache, read from guest memory) with the CAP_LOOKUP hits and misses and
 * the CAP_INVALIDATE events decoded. Returns 0 when every comparison
 * held, else -1 with the count and the first difference in why[n]. */
int machine_probes_cache_check(struct machine *m, char *why, size_t n);
/* Returns the names of the abi/kprobes.h anchors the image lacks,
 * space-separated ("" when none). */
const char *machine_probes_missing(const struct machine *m);

#endif
