/* abi/syscall_nr.h: system-call numbers, shared by the kernel, the user
 * library and the tracer. Results are >= 0 on success, a negative enum
 * kerr (or enum ipc_err for IPC calls).
 *
 * SYS_LIST is the one list of system calls: X(NAME, number, "name") per
 * call. It gives the SYS_<NAME> numbers, sys_name() and the checks below;
 * the kernel's table (guest-kernel/syscall.c) has one entry per SYS_<NAME>
 * and checks at boot that none is missing. A number absent from the list
 * is "no such system call" (KERR_NOSYS). */
#ifndef IPCEMU_ABI_SYSCALL_NR_H
#define IPCEMU_ABI_SYSCALL_NR_H

/* IPC calls (ipc/uapi.h): tokens come back as results: a token is never in
 * the error range (-1 .. -99). `timeout` is in cycles, IPC_FOREVER (0)
 * waits for ever.
 *
 * Call / reply use the message registers (struct ipc_regs, usys_ipc):
 * payloads of up to IPC_INLINE_MAX bytes, the fast path's territory.
 *
 * Shared regions: pages a capability names. Mapping needs RECEIVE (read)
 * and gives write access with SEND too. A region capability sent with
 * IPC_UMSG_MOVE in the message's flags moves: the sender's capability is
 * deleted and its mapping removed at delivery (zero-copy); without it the
 * region is shared; SYS_REGION_COPY makes a copy to send.
 *
 * Topics: publish once, every subscribed port receives a copy. */
#define SYS_LIST(X)                                                                                \
    X(PRINT, 1, "print")                /* (const char *buf, size_t len) -> bytes printed */       \
    X(YIELD, 2, "yield")                /* () -> 0 */                                              \
    X(EXIT, 3, "exit")                  /* (int code) -> does not return */                        \
    X(GETPID, 4, "getpid")              /* () -> pid */                                            \
    X(CYCLES, 5, "cycles")              /* () -> the core's cycle clock */                         \
    X(PORT_CREATE, 10, "port_create")   /* (capacity) -> token with every right */                 \
    X(PORT_CLOSE, 11, "port_close")     /* (token) -> 0; needs MANAGE; wakes every waiter */       \
    X(SEND, 12, "send")                 /* (token, const struct ipc_umsg *, timeout) -> 0 */       \
    X(RECV, 13, "recv")                 /* (token, struct ipc_umsg *, timeout) -> 0 */             \
    X(TRY_SEND, 14, "try_send")         /* (token, const struct ipc_umsg *) -> 0 or PortFull */    \
    X(TRY_RECV, 15, "try_recv")         /* (token, struct ipc_umsg *) -> 0 or WouldBlock */        \
    X(CAP_DERIVE, 16, "cap_derive")     /* (token, rights) -> new token with those rights */       \
    X(CAP_REVOKE, 17, "cap_revoke")     /* (token) -> 0; needs MANAGE; every derived copy dies */  \
    X(CAP_DELETE, 18, "cap_delete")     /* (token) -> 0 */                                         \
    X(PORT_LIMIT, 19, "port_limit")     /* (token, types, max_len) -> 0; needs MANAGE */           \
    X(PORT_RATE, 20, "port_rate")       /* (token, period, burst) -> 0; needs MANAGE */            \
    X(CALL, 21, "call")                 /* cap = port, info, mr, aux = timeout -> reply */         \
    X(RECV_CALL, 22, "recv_call")       /* cap = port, aux = timeout -> info, mr, aux, badge */    \
    X(REPLY, 23, "reply")               /* cap = reply cap, info, mr -> 0 */                       \
    X(REPLY_RECV, 24, "reply_recv")     /* cap = reply cap, info, mr, aux = port */                \
    X(NOTIF_CREATE, 25, "notif_create") /* () -> token with every right */                         \
    X(NOTIFY, 26, "notify")             /* (token, bits) -> 0; needs SEND; never blocks */         \
    X(WAIT, 27, "wait")                 /* (token, timeout) -> the bits (> 0); needs RECEIVE */    \
    X(POLL, 28, "poll")                 /* (token) -> the bits, 0 when none; needs RECEIVE */      \
    X(PEEK, 29, "peek")                 /* (port, struct ipc_umsg *header) -> payload length */    \
    X(PULL, 30, "pull")                 /* (port, void *buf, size) -> length: the head's body */   \
    X(DISCARD, 31, "discard")           /* (port) -> 0: drops the head */                          \
    X(NAME_BIND, 32, "name_bind")       /* (const char *name, len, port) -> 0; needs MANAGE */     \
    X(NAME_LOOKUP, 33, "name_lookup")   /* (const char *name, len) -> a send-only token */         \
    X(NAME_UNBIND, 34, "name_unbind")   /* (const char *name, len) -> 0; only its binder */        \
    X(REGION_CREATE, 35, "region_create")     /* (bytes) -> token with every right */              \
    X(REGION_MAP, 36, "region_map")           /* (token) -> the address it is mapped at */         \
    X(REGION_UNMAP, 37, "region_unmap")       /* (token) -> 0 */                                   \
    X(REGION_COPY, 38, "region_copy")         /* (token) -> a new region's token, same contents */ \
    X(TOPIC_CREATE, 39, "topic_create")       /* () -> token with every right */                   \
    X(TOPIC_SUBSCRIBE, 40, "topic_subscribe") /* (topic, port) -> 0; RECEIVE; port SEND too */     \
    X(PUBLISH, 41, "publish") /* (topic, const struct ipc_umsg *) -> copies delivered; SEND */     \
    X(TOPIC_UNSUBSCRIBE, 42, "topic_unsubscribe") /* (topic, port) -> 0 or NotFound; RECEIVE */

/* One above the highest number: tables indexed by number have this size.
 * Numbers are appended in increasing order, so it is the last row's number
 * plus one: `0 * 0 + 1 * 0 + ... + last` leaves only the last (a row out
 * of order fails the range check below). */
#define SYS_LAST_(name, nr, text) *0 + (nr)
enum { SYS_COUNT = (0 SYS_LIST(SYS_LAST_)) + 1 };
#undef SYS_LAST_

#define SYS_ENUM_(name, nr, text) SYS_##name = (nr),
enum sys_nr { SYS_LIST(SYS_ENUM_) };
#undef SYS_ENUM_

#define SYS_RANGE_(name, nr, text)                                                                 \
    _Static_assert((nr) > 0 && (nr) < SYS_COUNT, "SYS_" #name ": number outside 1..SYS_COUNT-1");
SYS_LIST(SYS_RANGE_)
#undef SYS_RANGE_

/* Returns the name of system call `nr` ("send"), or NULL when there is no
 * such call. (A number listed twice does not compile: duplicate case.) */
static inline const char *sys_name(unsigned long nr)
{
#define SYS_NAME_(name, nr, text)                                                                  \
    case (nr):                                                                                     \
        return text;
    switch (nr) {
        SYS_LIST(SYS_NAME_)
    default:
        return (const char *)0;
    }
#undef SYS_NAME_
}

enum kerr {
    KERR_OK = 0,
    KERR_NOSYS = -1,   /* no such system call */
    KERR_FAULT = -2,   /* a pointer the process may not use */
    KERR_INVALID = -3, /* an argument out of range */
    KERR_NOMEM = -4,   /* the kernel ran out of memory */
    /* IPC calls return the ipc_err codes of ipc/ipc.h (-20 .. -39). */
};

#endif
