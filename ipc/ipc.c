/* ipc/ipc.c: texts for the IPC error codes (see ipc.h). Freestanding. */
#include "ipc/ipc.h"

/* Returns a short text for `e`: one per enum ipc_err value, "unknown error"
 * for anything else. */
const char *ipc_strerror(int e)
{
    switch (e) {
    case IPC_OK:
        return "ok";
    case IPC_ERR_PORT_FULL:
        return "port full";
    case IPC_ERR_WOULD_BLOCK:
        return "would block";
    case IPC_ERR_TIMEOUT:
        return "timed out";
    case IPC_ERR_INVALID_CAP:
        return "invalid capability";
    case IPC_ERR_INSUFFICIENT_RIGHTS:
        return "insufficient rights";
    case IPC_ERR_MSG_TOO_LARGE:
        return "message too large";
    case IPC_ERR_PORT_CLOSED:
        return "port closed";
    case IPC_ERR_NO_SLOT:
        return "capability space full";
    case IPC_ERR_NO_MEMORY:
        return "out of memory";
    case IPC_ERR_INVALID_ARG:
        return "invalid argument";
    case IPC_ERR_FILTERED:
        return "refused by the port's filter";
    case IPC_ERR_RATE_LIMITED:
        return "rate limited";
    case IPC_ERR_BAD_POINTER:
        return "bad pointer";
    case IPC_ERR_NOT_FOUND:
        return "not found";
    case IPC_ERR_EXISTS:
        return "name exists";
    default:
        return "unknown error";
    }
}
