/* abi/syscall_nr.h: system-call numbers, shared by the kernel and
 * the user library. Results are >= 0 on success, a negative enum kerr. */
#ifndef IPCEMU_ABI_SYSCALL_NR_H
#define IPCEMU_ABI_SYSCALL_NR_H

#define SYS_PRINT 1  /* (const char *buf, size_t len) -> bytes printed */
#define SYS_YIELD 2  /* () -> 0 */
#define SYS_EXIT 3   /* (int code) -> does not return */
#define SYS_GETPID 4 /* () -> pid */
#define SYS_CYCLES 5 /* () -> the core's cycle clock */

/* IPC (ipc/uapi.h). Tokens come back as results: a token is never in the
 * error range (-1 .. -99). `timeout` is in cycles, IPC_FOREVER (0) waits for
 * ever. */
#define SYS_PORT_CREATE 10 /* (capacity) -> token with every right */
#define SYS_PORT_CLOSE 11  /* (token) -> 0; needs MANAGE; wakes every waiter */
#define SYS_SEND 12        /* (token, const struct ipc_umsg *, timeout) -> 0 */
#define SYS_RECV 13        /* (token, struct ipc_umsg *, timeout) -> 0 */
#define SYS_TRY_SEND 14    /* (token, const struct ipc_umsg *) -> 0 or PortFull */
#define SYS_TRY_RECV 15    /* (token, struct ipc_umsg *) -> 0 or WouldBlock */
#define SYS_CAP_DERIVE 16  /* (token, rights) -> new token with those rights */
#define SYS_CAP_REVOKE 17  /* (token) -> 0; needs MANAGE; every derived copy dies */
#define SYS_CAP_DELETE 18  /* (token) -> 0 */
#define SYS_PORT_LIMIT 19  /* (token, types, max_len) -> 0; needs MANAGE: the filter */
#define SYS_PORT_RATE 20   /* (token, period, burst) -> 0; needs MANAGE: the rate limit */
/* Call / reply with the message registers (struct ipc_regs, usys_ipc):
 * payloads of up to IPC_INLINE_MAX bytes, the fast path's territory. */
#define SYS_CALL 21       /* cap = port, info, mr, aux = timeout -> reply in info/mr */
#define SYS_RECV_CALL 22  /* cap = port, aux = timeout -> info, mr, aux = reply cap, badge */
#define SYS_REPLY 23      /* cap = reply cap, info, mr -> 0 */
#define SYS_REPLY_RECV 24 /* cap = reply cap, info, mr, aux = port -> as SYS_RECV_CALL */
/* Notifications (a signal word), peek-then-pull, the name registry. */
#define SYS_NOTIF_CREATE 25 /* () -> token with every right */
#define SYS_NOTIFY 26       /* (token, bits) -> 0; needs SEND; never blocks */
#define SYS_WAIT 27         /* (token, timeout) -> the bits (> 0); needs RECEIVE */
#define SYS_POLL 28         /* (token) -> the bits, 0 when none; needs RECEIVE */
#define SYS_PEEK 29         /* (port, struct ipc_umsg *header) -> payload length; no wait */
#define SYS_PULL 30         /* (port, void *buf, size) -> length: takes the head's body */
#define SYS_DISCARD 31      /* (port) -> 0: drops the head */
#define SYS_NAME_BIND 32    /* (const char *name, len, port token) -> 0; needs MANAGE */
#define SYS_NAME_LOOKUP 33  /* (const char *name, len) -> a send-only token */
#define SYS_NAME_UNBIND 34  /* (const char *name, len) -> 0; only its binder */
/* Shared regions: pages a capability names. Mapping needs RECEIVE (read)
 * and gives write access with SEND too. A region capability sent with
 * IPC_UMSG_MOVE in the message's flags moves: the sender's capability is
 * deleted and its mapping removed at delivery (zero-copy); without it the
 * region is shared; SYS_REGION_COPY makes a copy to send. */
#define SYS_REGION_CREATE 35 /* (bytes) -> token with every right */
#define SYS_REGION_MAP 36    /* (token) -> the address it is mapped at */
#define SYS_REGION_UNMAP 37  /* (token) -> 0 */
#define SYS_REGION_COPY 38   /* (token) -> a new region's token, same contents */
/* Topics: publish once, every subscribed port receives a copy. */
#define SYS_TOPIC_CREATE 39    /* () -> token with every right */
#define SYS_TOPIC_SUBSCRIBE 40 /* (topic, port) -> 0; needs RECEIVE on both */
#define SYS_PUBLISH 41         /* (topic, const struct ipc_umsg *) -> copies delivered; SEND */
#define SYS_IPC_LAST 41

enum kerr {
    KERR_OK = 0,
    KERR_NOSYS = -1,   /* no such system call */
    KERR_FAULT = -2,   /* a pointer the process may not use */
    KERR_INVALID = -3, /* an argument out of range */
    KERR_NOMEM = -4,   /* the kernel ran out of memory */
    /* IPC calls return the ipc_err codes of ipc/ipc.h (-20 .. -39). */
};

#endif
