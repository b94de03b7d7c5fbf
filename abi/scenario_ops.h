/* abi/scenario_ops.h: the scenario operations, one table. Each line
 *   X(TOKEN, "json name", field, field, ...)
 * is one operation: SCN_OP_TOKEN of enum scn_opcode (abi/scenario.h,
 * numbered from 1 in this order: the compiled blob and the runner use the
 * numbers), its name in a scenario's "op", and its fields in the order the
 * loader reads them (besides "op" and "expect"; F_NONE: no field). The
 * host expands the fields (machine/scenario_int.h defines them); the guest
 * ignores them, so nothing but the enum reaches guest code.
 *
 * The fields say where each value goes in struct scn_op (the last
 * argument: A, B, C, N, M, V, W, X):
 *   F_HANDLE(name, to)       a handle the operation uses, its slot
 *   F_PORT                   F_HANDLE("port", A)
 *   F_AS                     "as": the handle it defines, its slot in c
 *   F_AS_LIST                "as": a name or up to SCN_MAX_MSG_CAPS of them (c the first;
 *                            an array: x every one, a byte each from the lowest, b how many)
 *   F_UINT(name, lo, hi, default, to), F_NEED(name, lo, hi, to) (required),
 *   F_POW2(name, lo, hi, default, to), F_BOOL(name, to), F_RIGHTS(to),
 *   F_OPCODES(to)            an opcode mask, all ones when absent
 *   F_NAME(required)         a registry name: its offset in the process's strings in m
 *                            (UINT32_MAX when absent)
 *   F_BYTES(hi)              "bytes" 0..hi (default 8) in n
 *   F_OPCODE, F_TIMEOUT      "opcode" 0..63 (default 1) in m, "timeout" in v (0: forever)
 *   F_CAPS                   up to SCN_MAX_MSG_CAPS handles, a byte each in x, b how many
 *   F_BODY                   a repeat's operations
 *
 * Adding an operation: a line here (its number follows), a case in
 * guest-kernel/user/runner.c (which does not compile without one), a row
 * in docs/scenarios.md and its definition in docs/scenario.schema.json
 * (tests/machine/test_scenario_table.c fails until both say what this
 * line says). */
#ifndef IPCEMU_ABI_SCENARIO_OPS_H
#define IPCEMU_ABI_SCENARIO_OPS_H

/* call and reply carry their payload in the message registers: up to
 * IPC_INLINE_MAX (64) bytes, the fast path's territory (ipc/port.h). */
#define SCN_OPS(X)                                                                                 \
    X(PORT_CREATE, "port_create", F_AS, F_UINT("capacity", 1, 64, 8, N))                           \
    X(BIND, "bind", F_PORT, F_NAME(true))                                                          \
    X(LOOKUP, "lookup", F_NAME(true), F_AS)                                                        \
    /* w: ipc_umsg flags (IPC_UMSG_MOVE) */                                                        \
    X(SEND, "send", F_PORT, F_BYTES(IPC_MSG_MAX), F_OPCODE, F_TIMEOUT, F_CAPS, F_BOOL("move", W))  \
    X(TRY_SEND, "try_send", F_PORT, F_BYTES(IPC_MSG_MAX), F_OPCODE, F_CAPS, F_BOOL("move", W))     \
    X(RECV, "recv", F_PORT, F_TIMEOUT, F_AS_LIST)                                                  \
    X(TRY_RECV, "try_recv", F_PORT, F_AS_LIST)                                                     \
    X(CALL, "call", F_PORT, F_BYTES(IPC_INLINE_MAX), F_OPCODE, F_TIMEOUT)                          \
    X(RECV_CALL, "recv_call", F_PORT, F_AS, F_TIMEOUT) /* as: the reply capability */              \
    X(REPLY, "reply", F_HANDLE("reply", A), F_BYTES(IPC_INLINE_MAX))                               \
    X(REPLY_RECV, "reply_recv", F_HANDLE("reply", A), F_HANDLE("port", B), F_AS)                   \
    X(NOTIF_CREATE, "notif_create", F_AS)                                                          \
    X(NOTIFY, "notify", F_HANDLE("notif", A), F_NEED("bits", 1, IPC_NOTIFY_BITS, V))               \
    X(WAIT, "wait", F_HANDLE("notif", A), F_TIMEOUT)                                               \
    X(POLL, "poll", F_HANDLE("notif", A))                                                          \
    X(PEEK, "peek", F_PORT)                                                                        \
    X(PULL, "pull", F_PORT)                                                                        \
    X(DISCARD, "discard", F_PORT)                                                                  \
    X(DERIVE, "derive", F_HANDLE("cap", A), F_RIGHTS(N), F_AS)                                     \
    X(REVOKE, "revoke", F_HANDLE("cap", A))                                                        \
    X(DELETE, "delete", F_HANDLE("cap", A))                                                        \
    X(LIMIT, "limit", F_PORT, F_OPCODES(W), F_UINT("max_bytes", 0, IPC_MSG_MAX, IPC_MSG_MAX, N))   \
    X(RATE, "rate", F_PORT, F_NEED("period", 1, SCN_CYCLES_MAX, V),                                \
      F_NEED("burst", 1, UINT32_MAX, W))                                                           \
    X(COMPUTE, "compute", F_NEED("cycles", 1, 10000000000ULL, V))                                  \
    X(SLEEP, "sleep", F_NEED("cycles", 1, SCN_CYCLES_MAX, V))                                      \
    X(YIELD, "yield", F_NONE)                                                                      \
    X(EXIT, "exit", F_UINT("code", 0, 255, 0, N))                                                  \
    /* the POSIX shim: the runner's socket index goes in the handle */                             \
    X(PX_SOCKET, "px_socket", F_AS)                                                                \
    X(PX_BIND, "px_bind", F_HANDLE("socket", A), F_NAME(true))                                     \
    X(PX_CONNECT, "px_connect", F_HANDLE("socket", A), F_NAME(true))                               \
    X(PX_SEND, "px_send", F_HANDLE("socket", A), F_BYTES(IPC_MSG_MAX))                             \
    X(PX_RECV, "px_recv", F_HANDLE("socket", A))                                                   \
    X(PX_CLOSE, "px_close", F_HANDLE("socket", A), F_NAME(false))                                  \
    /* channels: likewise, the runner's channel index */                                           \
    X(CHAN_CREATE, "chan_create", F_AS, F_POW2("slots", 2, 256, 16, N),                            \
      F_UINT("slot_size", 8, 1024, 64, W))                                                         \
    X(CHAN_GIVE, "chan_give", F_HANDLE("chan", A), F_HANDLE("port", B))                            \
    X(CHAN_ACCEPT, "chan_accept", F_PORT, F_AS) /* receives the end chan_give sent */              \
    X(CHAN_SEND, "chan_send", F_HANDLE("chan", A), F_UINT("count", 1, 64, 1, N),                   \
      F_UINT("bytes", 1, 252, 8, W))                                                               \
    X(CHAN_RECV, "chan_recv", F_HANDLE("chan", A))                                                 \
    X(TOPIC_CREATE, "topic_create", F_AS)                                                          \
    X(SUBSCRIBE, "subscribe", F_HANDLE("topic", A), F_HANDLE("port", B))                           \
    X(UNSUBSCRIBE, "unsubscribe", F_HANDLE("topic", A), F_HANDLE("port", B))                       \
    X(PUBLISH, "publish", F_HANDLE("topic", A), F_BYTES(IPC_MSG_MAX), F_OPCODE)                    \
    X(REGION_CREATE, "region_create", F_AS, F_NEED("bytes", 1, SCN_KERNEL_REGION_BYTES, N))        \
    X(MAP, "map", F_HANDLE("region", A)) /* the runner keeps the address */                        \
    X(UNMAP, "unmap", F_HANDLE("region", A))                                                       \
    X(REGION_COPY, "region_copy", F_HANDLE("region", A), F_AS) /* a new region, same contents */   \
    X(TOUCH, "touch", F_HANDLE("region", A), F_NEED("bytes", 1, SCN_KERNEL_REGION_BYTES, N),       \
      F_BOOL("write", M))                                                                          \
    /* compiled into a SCN_OP_REPEAT (m = the index of its SCN_OP_LOOP_END), the body, and a       \
       SCN_OP_LOOP_END (m = the index of its repeat) */                                            \
    X(REPEAT, "repeat", F_NEED("count", 1, 1000000000ULL, V), F_BODY)

#endif
