/* ipc/uapi.h: the message as user code builds it for the IPC system
 * calls (shared by the kernel and the user library). */
#ifndef IPCEMU_IPC_UAPI_H
#define IPCEMU_IPC_UAPI_H

#include "ipc/port.h"

/* A message in user memory. On receive, `sender` is the sender's pid and
 * `caps` the capabilities it carried, as tokens in the receiver's space. */
struct ipc_umsg {
    uint32_t opcode;
    uint32_t len; /* payload bytes, <= IPC_MSG_MAX */
    uint32_t sender;
    uint16_t ncaps;
    uint16_t flags;
    ipc_cap_t caps[IPC_MSG_CAPS];
    ipc_cap_t reply; /* receive: the reply capability when the message is a call */
    uint8_t data[IPC_MSG_MAX];
};

/* ipc_umsg.flags: the region capabilities carried move (the sender loses
 * them and their mappings at delivery) instead of being shared. */
#define IPC_UMSG_MOVE 0x1u

/* Bytes of struct ipc_umsg before the payload. */
#define IPC_UMSG_HEADER 56
_Static_assert(sizeof(struct ipc_umsg) == IPC_UMSG_HEADER + IPC_MSG_MAX, "user ABI");

/* Writes the header of *m into the user's *um: the header fields, the
 * capabilities `caps` (IPC_MSG_CAPS of them, all IPC_CAP_NULL when `caps`
 * is NULL) and `reply`; not the payload. */
static inline void ipc_umsg_put_head(struct ipc_umsg *um, const struct ipc_msg *m,
                                     const ipc_cap_t *caps, ipc_cap_t reply)
{
    IPC_MSG_HEAD_COPY(um, m);
    for (unsigned i = 0; i < IPC_MSG_CAPS; i++)
        um->caps[i] = caps ? caps[i] : IPC_CAP_NULL;
    um->reply = reply;
}

/* The message registers of call / reply / receive-call (usys_ipc): what
 * the fast path copies from one process's registers to another's. */
struct ipc_regs {
    ipc_cap_t cap;  /* the port (call, recv_call) or reply capability */
    uint64_t info;  /* opcode | length << 32, length <= IPC_INLINE_MAX */
    uint64_t mr[8]; /* the payload, IPC_INLINE_MAX bytes */
    ipc_cap_t aux;  /* receive: the reply capability of a call;
                       reply_recv: the port to receive on next */
    uint64_t badge; /* receive: the sender's pid */
};
_Static_assert(sizeof(struct ipc_regs) == 96, "usys.S loads this layout");
#define IPC_INFO(opcode, len) ((uint64_t)(uint32_t)(opcode) | (uint64_t)(len) << 32)
#define IPC_INFO_OPCODE(info) ((uint32_t)(info))
#define IPC_INFO_LEN(info) ((uint32_t)((info) >> 32))

/* Timeouts are in cycles; this one waits for ever. */
#define IPC_FOREVER 0

#endif
