/* guest-kernel/ksys.h: how a system call runs. syscall.c's table holds
 * one run function per number (abi/syscall_nr.h); each is made by KSYS_RUN
 * in the file of its object from two static halves:
 *
 * decode(p, r, a) reads the arguments from the saved registers `r`,
 * checks them and the capabilities they name (lookups through the
 * capability cache, user pointers, rights, room for what the call makes)
 * and fills *a with what invoke needs. Returns 0 or the error, which is
 * the call's result; a refused IPC call is traced here. A call with
 * nothing to check has none (its invoke gets a NULL `a`).
 * invoke(p, a) performs the call on what decode checked. It cannot fail
 * on its arguments: its result is the call's value or the outcome of the
 * operation itself (a full queue for try_send, an empty one for try_recv,
 * a closed port). It may block (then it does not return: another process
 * runs, and p's result is set when it is woken). */
#ifndef IPCEMU_KERNEL_KSYS_H
#define IPCEMU_KERNEL_KSYS_H

#include "kernel.h"

/* What decode hands invoke. Fields are filled as each call needs them. */
struct ksys_args {
    uintptr_t a0, a1, a2;  /* the arguments, checked */
    uint64_t timeout;      /* cycles, IPC_FOREVER: no timeout */
    struct ipc_port *port; /* the port a capability names */
    void *obj;             /* the other object a capability names */
    struct proc *peer;     /* call: the receiver waiting, if any; reply: the caller */
    int status;            /* reply_recv: the reply's own decode result */
    char name[32];         /* a short string argument, copied in (name registry) */
};

/* Runs one system call for `p` from its saved registers `r`: decode, then
 * (if that held) invoke. Returns the call's result, or does not return
 * when `p` blocks. The table in syscall.c holds one per number: one
 * indirect call per system call (an indirect call site whose target
 * changes from call to call costs a misprediction). */
typedef long (*ksys_run_fn)(struct proc *p, const struct arch_regs *r);

/* KSYS_RUN(prefix), in the file that defines the static
 * prefix_decode and prefix_invoke, defines prefix_run (so both halves can
 * be inlined into it); KSYS_RUN_INVOKE_ONLY(prefix) the same for a call
 * with nothing to decode (its invoke gets a NULL `a`). */
#define KSYS_RUN(fn)                                                                               \
    long fn##_run(struct proc *p, const struct arch_regs *r)                                       \
    {                                                                                              \
        struct ksys_args a;                                                                        \
        int err = fn##_decode(p, r, &a);                                                           \
        return err ? err : fn##_invoke(p, &a);                                                     \
    }
#define KSYS_RUN_INVOKE_ONLY(fn)                                                                   \
    long fn##_run(struct proc *p, const struct arch_regs *r)                                       \
    {                                                                                              \
        (void)r;                                                                                   \
        return fn##_invoke(p, NULL);                                                               \
    }

/* Each system call's run, by file. */
#define KSYS_DECL(name) long name##_run(struct proc *p, const struct arch_regs *r);

/* syscall.c */
KSYS_DECL(syscall_print)
KSYS_DECL(syscall_exit)
KSYS_DECL(syscall_yield)
KSYS_DECL(syscall_getpid)
KSYS_DECL(syscall_cycles)
/* kipc.c: messages in memory, capabilities */
KSYS_DECL(kipc_send)
KSYS_DECL(kipc_try_send)
KSYS_DECL(kipc_recv)
KSYS_DECL(kipc_try_recv)
KSYS_DECL(kipc_cap_derive)
KSYS_DECL(kipc_cap_revoke)
KSYS_DECL(kipc_cap_delete)
/* kcall.c: call / reply in registers, the fast path */
KSYS_DECL(kipc_call)
KSYS_DECL(kipc_recv_call)
KSYS_DECL(kipc_reply)
KSYS_DECL(kipc_reply_recv)
/* kport.c: ports */
KSYS_DECL(kport_create)
KSYS_DECL(kport_close)
KSYS_DECL(kport_limit)
KSYS_DECL(kport_rate)
KSYS_DECL(kport_peek)
KSYS_DECL(kport_pull)
KSYS_DECL(kport_discard)
/* knotif.c: notifications */
KSYS_DECL(knotif_create)
KSYS_DECL(knotif_notify)
KSYS_DECL(knotif_wait)
KSYS_DECL(knotif_poll)
/* kname.c: the name registry */
KSYS_DECL(kname_bind)
KSYS_DECL(kname_lookup)
KSYS_DECL(kname_unbind)
/* kregion.c: shared regions */
KSYS_DECL(kregion_create)
KSYS_DECL(kregion_map)
KSYS_DECL(kregion_unmap)
KSYS_DECL(kregion_copy)
/* ktopic.c: topics */
KSYS_DECL(ktopic_create)
KSYS_DECL(ktopic_subscribe)
KSYS_DECL(ktopic_publish)
KSYS_DECL(ktopic_unsubscribe)

#undef KSYS_DECL

#endif
