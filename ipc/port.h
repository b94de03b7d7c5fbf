/* ipc/port.h: ports: a bounded message queue, the processes waiting to
 * receive or to send, a message filter and a token-bucket rate limit.
 *
 * This is the data layer the kernel's system calls drive; it never blocks,
 * never allocates and never touches a scheduler. The kernel embeds a
 * struct ipc_waiter in each thread, parks it on a port with
 * ipc_port_wait() when a call must block, and wakes whoever these
 * functions hand back (a receiver to deliver to, a sender whose message
 * went into the queue, every waiter of a closed port). Waiter queues are
 * FIFO, so the order of wake-ups depends only on the order of calls. */
#ifndef IPCEMU_IPC_PORT_H
#define IPCEMU_IPC_PORT_H

#include "ipc/ipc.h"

#define IPC_INLINE_MAX 64    /* payload bytes in the message registers (fast path) */
#define IPC_MSG_MAX 256      /* largest payload a port queues; bulk data uses regions */
#define IPC_MSG_CAPS 4       /* capabilities one message carries */
#define IPC_PORT_DEPTH 1024u /* default queue capacity */

#define IPC_MSG_CALL 0x1u /* flags: a call, `reply` names its reply object */
#define IPC_MSG_MOVE 0x2u /* flags: region capabilities carried move */

struct ipc_msg {
    uint32_t opcode;              /* the message's type, what filters look at */
    uint32_t len;                 /* payload bytes in data */
    uint32_t sender;              /* pid of the sender, set by the kernel */
    uint16_t ncaps;               /* capabilities in caps */
    uint16_t flags;               /* IPC_MSG_* */
    ipc_cap_t caps[IPC_MSG_CAPS]; /* in flight (the kernel's transit tokens) */
    uint64_t reply;               /* IPC_MSG_CALL: the reply object */
    uint8_t data[IPC_MSG_MAX];
};

/* Copies the header of a message, the fields struct ipc_msg and the user's
 * struct ipc_umsg (ipc/uapi.h) both begin with: opcode, len, sender, ncaps,
 * flags, from *s to *d (either type; capabilities, reply and payload are
 * the caller's). The one header copy: queues, delivery and peek use it. */
#define IPC_MSG_HEAD_COPY(d, s)                                                                    \
    ((d)->opcode = (s)->opcode, (d)->len = (s)->len, (d)->sender = (s)->sender,                    \
     (d)->ncaps = (s)->ncaps, (d)->flags = (s)->flags)

/* A port's filter: which opcodes it takes and how large. */
struct ipc_filter {
    uint64_t types;   /* bit n: opcode n (< 64) is allowed; opcodes >= 64 only if
                         IPC_FILTER_ANY is set */
    uint32_t max_len; /* largest payload taken (<= IPC_MSG_MAX) */
    uint32_t flags;   /* IPC_FILTER_ANY: every opcode */
};
#define IPC_FILTER_ANY 0x1u

/* Token bucket: one token every `period` cycles, at most `burst` saved. */
struct ipc_bucket {
    uint64_t period; /* cycles per token; 0: no limit */
    uint64_t burst;  /* most tokens saved, >= 1 when limited */
    uint64_t tokens;
    uint64_t last; /* cycle the tokens were last counted at */
};

enum ipc_wait_kind { IPC_WAIT_NONE, IPC_WAIT_RECV, IPC_WAIT_SEND, IPC_WAIT_NOTIFY };

struct ipc_port;
struct ipc_notif;

/* Embedded in each kernel thread. Owned by the port while parked. */
struct ipc_waiter {
    struct ipc_waiter *next, *prev;
    struct ipc_port *port;   /* where it waits (NULL: nowhere) */
    struct ipc_notif *notif; /* or the notification it waits on */
    enum ipc_wait_kind kind;
    uint32_t pid;
    struct ipc_msg *msg; /* RECV: where the message goes; SEND: the message to queue */
    int status;          /* what the wake-up says (IPC_OK or an error) */
};

struct ipc_waitq {
    struct ipc_waiter *head, *tail;
    uint32_t count;
};

/* A queued message. Queued messages come from a pool all ports share, so
 * memory follows the messages in flight, not the ports' capacities. */
struct ipc_msgnode {
    struct ipc_msgnode *next;
    struct ipc_msg msg;
};

/* The free message nodes (the kernel fills it from its pages). */
struct ipc_msgpool {
    struct ipc_msgnode *free;
    uint32_t nfree;
};

struct ipc_port {
    uint32_t id;
    bool closed;
    struct ipc_msgpool *pool; /* where queued messages come from */
    struct ipc_msgnode *head, *tail;
    uint32_t capacity, count;
    struct ipc_waitq receivers, senders;
    struct ipc_filter filter;
    struct ipc_bucket bucket;
    uint64_t enqueued, dequeued, refused; /* counters */
};

/* Makes `pool` an empty pool. */
void ipc_msgpool_init(struct ipc_msgpool *pool);
/* Adds the `n` nodes at `nodes` to the pool. */
void ipc_msgpool_add(struct ipc_msgpool *pool, struct ipc_msgnode *nodes, uint32_t n);

/* Makes `p` an open, empty port queueing at most `capacity` (1..65536)
 * messages from `pool`, taking every opcode up to IPC_MSG_MAX bytes,
 * unlimited. Returns IPC_OK or IPC_ERR_INVALID_ARG. */
int ipc_port_init(struct ipc_port *p, uint32_t id, struct ipc_msgpool *pool, uint32_t capacity);

/* Sets the filter: allowed opcodes (bitmask for 0..63, or any) and the
 * largest payload. Returns IPC_OK or IPC_ERR_INVALID_ARG (max_len >
 * IPC_MSG_MAX). */
int ipc_port_set_filter(struct ipc_port *p, uint64_t types, uint32_t flags, uint32_t max_len);
/* Sets the rate limit: one message per `period` cycles with bursts of
 * `burst`, counting from cycle `now` (period 0 removes it). Returns IPC_OK or
 * IPC_ERR_INVALID_ARG (period set, burst 0). */
int ipc_port_set_rate(struct ipc_port *p, uint64_t period, uint64_t burst, uint64_t now);

/* Decides whether `m` may be sent to `p` at cycle `now`: IPC_ERR_PORT_CLOSED,
 * IPC_ERR_MSG_TOO_LARGE (over IPC_MSG_MAX or the filter's max_len),
 * IPC_ERR_FILTERED (opcode), IPC_ERR_RATE_LIMITED (no token: none taken),
 * else IPC_OK with one token taken. Counts refusals. */
int ipc_port_admit(struct ipc_port *p, const struct ipc_msg *m, uint64_t now);

/* Returns the first receiver parked on `p`, unparked (the caller delivers
 * to it and wakes it), or NULL when none waits. */
struct ipc_waiter *ipc_port_take_receiver(struct ipc_port *p);
/* Appends a copy of `m` to the queue. Returns IPC_OK, IPC_ERR_PORT_FULL,
 * IPC_ERR_PORT_CLOSED or IPC_ERR_NO_MEMORY (the pool is empty). */
int ipc_port_enqueue(struct ipc_port *p, const struct ipc_msg *m);
/* Returns the oldest queued message without taking it, or NULL. */
const struct ipc_msg *ipc_port_peek(const struct ipc_port *p);
/* Moves the oldest queued message into *out. If a sender was parked for
 * room, its message now goes into the queue and *woken is that sender (the
 * caller wakes it with status IPC_OK), else NULL. Returns IPC_OK,
 * IPC_ERR_WOULD_BLOCK (empty) or IPC_ERR_PORT_CLOSED (closed and empty). */
int ipc_port_dequeue(struct ipc_port *p, struct ipc_msg *out, struct ipc_waiter **woken);
/* Drops the oldest queued message (peek-then-discard); same results and
 * sender hand-over as ipc_port_dequeue. */
int ipc_port_discard(struct ipc_port *p, struct ipc_waiter **woken);

/* Parks `w` on `p` as a receiver (kind RECV, msg = where the message goes)
 * or as a sender waiting for room (SEND, msg = the message). Returns IPC_OK,
 * or IPC_ERR_PORT_CLOSED / IPC_ERR_INVALID_ARG (w already parked). */
int ipc_port_wait(struct ipc_port *p, struct ipc_waiter *w, enum ipc_wait_kind kind,
                  struct ipc_msg *msg);
/* Unparks `w` (a timeout, a killed thread); no effect if not parked. */
void ipc_port_cancel(struct ipc_waiter *w);
/* Removes every queued message that match(m, arg) accepts (the call of a
 * caller that gave up), then lets in as many parked senders'
 * messages as there is new room, passing each admitted sender's waiter to
 * admitted(ctx, w) (its status is IPC_OK). Returns how many it removed. */
unsigned ipc_port_remove(struct ipc_port *p,
                         bool (*match)(const struct ipc_msg *m, const void *arg), const void *arg,
                         void (*admitted)(void *ctx, struct ipc_waiter *w), void *ctx);
/* Closes `p`: drops the queue (its nodes go back to the pool) and unparks every waiter with status
 * IPC_ERR_PORT_CLOSED, calling wake(ctx, w) for each, receivers first, in
 * FIFO order. Returns how many were woken. */
unsigned ipc_port_close(struct ipc_port *p, void (*wake)(void *ctx, struct ipc_waiter *w),
                        void *ctx);

/* FIFO wait queues (ports, notifications): append / remove a waiter. */
void ipc_waitq_push(struct ipc_waitq *q, struct ipc_waiter *w);
void ipc_waitq_remove(struct ipc_waitq *q, struct ipc_waiter *w);

/* Takes a token from `b` at cycle `now` if it has one (refilling first);
 * returns true if taken. Always true when unlimited. */
bool ipc_bucket_take(struct ipc_bucket *b, uint64_t now);

#endif
