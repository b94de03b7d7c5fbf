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
    uint8_t data[IPC_MSG_MAX];
};

/* Bytes of struct ipc_umsg before the payload. */
#define IPC_UMSG_HEADER 48
_Static_assert(sizeof(struct ipc_umsg) == IPC_UMSG_HEADER + IPC_MSG_MAX, "user ABI");

/* Timeouts are in cycles; this one waits for ever. */
#define IPC_FOREVER 0

#endif
