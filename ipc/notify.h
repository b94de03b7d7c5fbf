/* ipc/notify.h: notifications: a non-blocking signal word. notify ORs
 * bits into the word and never blocks; wait takes the whole word (and
 * clears it) or parks until a notify; poll takes it without waiting. The
 * pattern "notify, then the receiver pulls" (seL4, FTL): a producer leaves
 * messages in a queue and signals; the consumer wakes once and drains.
 * Like ports, this is a data layer: the kernel parks and wakes. */
#ifndef IPCEMU_IPC_NOTIFY_H
#define IPCEMU_IPC_NOTIFY_H

#include "ipc/port.h"

/* Bit 63 is never set: a word read as a system-call result stays >= 0. */
#define IPC_NOTIFY_BITS 0x7fffffffffffffffULL

struct ipc_notif {
    uint32_t id;
    uint64_t word;            /* pending bits */
    struct ipc_waitq waiters; /* FIFO */
    uint64_t signals, takes;  /* counters */
};

/* Makes `n` an empty notification. */
void ipc_notif_init(struct ipc_notif *n, uint32_t id);
/* ORs `bits` (masked to IPC_NOTIFY_BITS) into the word. If a waiter is
 * parked, it gets the whole word (which is cleared): that waiter is
 * returned, unparked, with the bits in *taken, for the caller to wake.
 * Returns NULL when nobody waited (the bits stay pending). */
struct ipc_waiter *ipc_notif_signal(struct ipc_notif *n, uint64_t bits, uint64_t *taken);
/* Returns the pending bits and clears them (0 when none). */
uint64_t ipc_notif_poll(struct ipc_notif *n);
/* Parks `w` on `n` (call only when the word is 0). Returns IPC_OK or
 * IPC_ERR_INVALID_ARG (already parked somewhere). */
int ipc_notif_wait(struct ipc_notif *n, struct ipc_waiter *w);
/* Unparks `w` from its notification (timeout); no effect if not parked. */
void ipc_notif_cancel(struct ipc_waiter *w);

#endif
