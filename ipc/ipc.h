/* ipc/ipc.h: the kernel IPC's common vocabulary: error codes, rights,
 * object types and the 64-bit capability token. ipc/ is portable
 * freestanding C (stdint/stddef/stdbool only), compiled into the guest
 * kernel and into host unit tests. */
#ifndef IPCEMU_IPC_IPC_H
#define IPCEMU_IPC_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Errors users can act on. Negative, so system calls return them as is. */
enum ipc_err {
    IPC_OK = 0,
    IPC_ERR_PORT_FULL = -20,           /* the queue is at capacity */
    IPC_ERR_WOULD_BLOCK = -21,         /* a try_ call found nothing to do now */
    IPC_ERR_TIMEOUT = -22,             /* the timeout (in cycles) passed */
    IPC_ERR_INVALID_CAP = -23,         /* no such capability: forged, stale, wrong type */
    IPC_ERR_INSUFFICIENT_RIGHTS = -24, /* the capability lacks a right the call needs */
    IPC_ERR_MSG_TOO_LARGE = -25,       /* payload over the limit of the path or port */
    IPC_ERR_PORT_CLOSED = -26,         /* the port was closed (also wakes its waiters) */
    IPC_ERR_NO_SLOT = -27,             /* the capability space is full */
    IPC_ERR_NO_MEMORY = -28,           /* the kernel ran out of objects or memory */
    IPC_ERR_INVALID_ARG = -29,         /* an argument out of range */
    IPC_ERR_FILTERED = -30,            /* the port's filter refuses this message */
    IPC_ERR_RATE_LIMITED = -31,        /* the port's token bucket is empty */
    IPC_ERR_BAD_POINTER = -32,         /* a user pointer the caller may not use */
    IPC_ERR_NOT_FOUND = -33,           /* no such name */
    IPC_ERR_EXISTS = -34,              /* the name is taken */
};

/* Returns a short text for `e`: one per enum ipc_err value, "unknown error"
 * for anything else. Inline on purpose: the kernel and the user library
 * each need their own copy (user mode cannot call kernel code). */
static inline const char *ipc_strerror(int e)
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

/* Rights a capability grants. Derive may only drop rights. */
#define IPC_RIGHT_SEND 0x1u
#define IPC_RIGHT_RECEIVE 0x2u
#define IPC_RIGHT_MANAGE 0x4u /* close, set filters and limits, revoke */
#define IPC_RIGHT_GRANT 0x8u  /* may be transferred in a message */
#define IPC_RIGHTS_ALL 0xfu

/* Kinds of kernel object a capability names. */
enum ipc_obj_type {
    IPC_OBJ_NONE = 0, /* empty slot */
    IPC_OBJ_PORT = 1,
    IPC_OBJ_REPLY = 2, /* one-shot reply capability of a call */
    IPC_OBJ_NOTIFICATION = 3,
    IPC_OBJ_CHANNEL = 4,
    IPC_OBJ_REGION = 5,
    IPC_OBJ_TOPIC = 6,
    IPC_OBJ_CNODE = 7, /* a CNode of a capability space (ipc/cap.h): never in a token */
    IPC_OBJ_COUNT
};

/* A capability token: what user code holds and passes. Bits 0..23 the
 * slot's address in the holder's capability space (resolved level by level
 * through its CNodes, ipc/cap.h), 24..31 object type, 32..63 the slot's
 * generation when the token was made. A token is only a name: every use is
 * checked against the slot it names. The all-ones address,
 * IPC_TOK_INDEX_REPLY, is reserved for the kernel's fixed reply slot
 * (seL4's tcbCaller), which is no slot of any space: no lookup in a
 * capability space ever resolves it, so a token naming it never enters a
 * space's lookup or the capability cache. */
typedef uint64_t ipc_cap_t;

#define IPC_TOK_INDEX_BITS 24
#define IPC_TOK_INDEX_MASK ((1u << IPC_TOK_INDEX_BITS) - 1u)
#define IPC_TOK_INDEX_REPLY IPC_TOK_INDEX_MASK
#define IPC_TOK_TYPE_SHIFT 24
#define IPC_TOK_GEN_SHIFT 32
#define IPC_CAP_NULL ((ipc_cap_t)0)

_Static_assert(sizeof(ipc_cap_t) == 8, "capability tokens are 64-bit");
_Static_assert(IPC_TOK_TYPE_SHIFT == IPC_TOK_INDEX_BITS, "the type follows the address");

/* Returns the token for slot address `index` of type `type` at generation
 * `gen`. */
static inline ipc_cap_t ipc_tok_make(uint32_t index, uint32_t type, uint32_t gen)
{
    return (ipc_cap_t)(index & IPC_TOK_INDEX_MASK) |
           ((ipc_cap_t)(type & 0xffu) << IPC_TOK_TYPE_SHIFT) |
           ((ipc_cap_t)gen << IPC_TOK_GEN_SHIFT);
}
/* Returns the slot address of token `t`. */
static inline uint32_t ipc_tok_index(ipc_cap_t t)
{
    return (uint32_t)(t & IPC_TOK_INDEX_MASK);
}
/* Returns the object type of token `t`. */
static inline uint32_t ipc_tok_type(ipc_cap_t t)
{
    return (uint32_t)((t >> IPC_TOK_TYPE_SHIFT) & 0xffu);
}
/* Returns the generation of token `t`. */
static inline uint32_t ipc_tok_gen(ipc_cap_t t)
{
    return (uint32_t)(t >> IPC_TOK_GEN_SHIFT);
}
/* Returns true if `t` could name a slot of a capability space: a type a
 * capability can have and not the reserved reply address (a forged token
 * may fail this). */
static inline bool ipc_tok_well_formed(ipc_cap_t t)
{
    uint32_t type = ipc_tok_type(t);
    return type != 0 && type < IPC_OBJ_CNODE && ipc_tok_index(t) != IPC_TOK_INDEX_REPLY;
}

#endif
