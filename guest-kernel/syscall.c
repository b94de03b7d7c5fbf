/* guest-kernel/syscall.c: the system-call table, one entry per number of
 * abi/syscall_nr.h, each a decode and an invoke half (ksys.h), and the
 * calls that belong to no object: print, yield, exit, getpid, cycles. */
#include "ksys.h"

/* Every system call's number and the prefix of its run (ksys.h, defined
 * with KSYS_RUN in the file of its object): X(number, prefix). */
#define SYSCALL_HANDLERS(X)                                                                        \
    X(SYS_PRINT, syscall_print)                                                                    \
    X(SYS_YIELD, syscall_yield)                                                                    \
    X(SYS_EXIT, syscall_exit)                                                                      \
    X(SYS_GETPID, syscall_getpid)                                                                  \
    X(SYS_CYCLES, syscall_cycles)                                                                  \
    X(SYS_PORT_CREATE, kport_create)                                                               \
    X(SYS_PORT_CLOSE, kport_close)                                                                 \
    X(SYS_SEND, kipc_send)                                                                         \
    X(SYS_RECV, kipc_recv)                                                                         \
    X(SYS_TRY_SEND, kipc_try_send)                                                                 \
    X(SYS_TRY_RECV, kipc_try_recv)                                                                 \
    X(SYS_CAP_DERIVE, kipc_cap_derive)                                                             \
    X(SYS_CAP_REVOKE, kipc_cap_revoke)                                                             \
    X(SYS_CAP_DELETE, kipc_cap_delete)                                                             \
    X(SYS_PORT_LIMIT, kport_limit)                                                                 \
    X(SYS_PORT_RATE, kport_rate)                                                                   \
    X(SYS_CALL, kipc_call)                                                                         \
    X(SYS_RECV_CALL, kipc_recv_call)                                                               \
    X(SYS_REPLY, kipc_reply)                                                                       \
    X(SYS_REPLY_RECV, kipc_reply_recv)                                                             \
    X(SYS_NOTIF_CREATE, knotif_create)                                                             \
    X(SYS_NOTIFY, knotif_notify)                                                                   \
    X(SYS_WAIT, knotif_wait)                                                                       \
    X(SYS_POLL, knotif_poll)                                                                       \
    X(SYS_PEEK, kport_peek)                                                                        \
    X(SYS_PULL, kport_pull)                                                                        \
    X(SYS_DISCARD, kport_discard)                                                                  \
    X(SYS_NAME_BIND, kname_bind)                                                                   \
    X(SYS_NAME_LOOKUP, kname_lookup)                                                               \
    X(SYS_NAME_UNBIND, kname_unbind)                                                               \
    X(SYS_REGION_CREATE, kregion_create)                                                           \
    X(SYS_REGION_MAP, kregion_map)                                                                 \
    X(SYS_REGION_UNMAP, kregion_unmap)                                                             \
    X(SYS_REGION_COPY, kregion_copy)                                                               \
    X(SYS_TOPIC_CREATE, ktopic_create)                                                             \
    X(SYS_TOPIC_SUBSCRIBE, ktopic_subscribe)                                                       \
    X(SYS_PUBLISH, ktopic_publish)                                                                 \
    X(SYS_TOPIC_UNSUBSCRIBE, ktopic_unsubscribe)

/* Checked when compiled: each number is in SYSCALL_HANDLERS once (a
 * duplicate case does not compile), and it has as many entries as
 * abi/syscall_nr.h lists numbers; so every listed number has its entry. */
#define SYSCALL_CASE_(nr, fn)                                                                      \
    case nr:                                                                                       \
        break;
__attribute__((unused)) static void syscall_numbers_unique(unsigned nr)
{
    switch (nr) {
        SYSCALL_HANDLERS(SYSCALL_CASE_)
    default:
        break;
    }
}
#undef SYSCALL_CASE_
#define SYSCALL_ONE_(...) +1
_Static_assert(0 SYSCALL_HANDLERS(SYSCALL_ONE_) == 0 SYS_LIST(SYSCALL_ONE_),
               "a system call of abi/syscall_nr.h has no entry in SYSCALL_HANDLERS");
#undef SYSCALL_ONE_

/* The table: one entry per number abi/syscall_nr.h lists, NULL for the
 * numbers it does not (KERR_NOSYS). */
#define SYSCALL_SLOT_(nr, fn) [nr] = fn##_run,
static const ksys_run_fn syscall_table[SYS_COUNT] = {SYSCALL_HANDLERS(SYSCALL_SLOT_)};
#undef SYSCALL_SLOT_

KPROBE_ANCHOR long syscall_dispatch(struct arch_regs *r)
{
    KPROBE_KEEP("r"(r));
    uintptr_t nr = arch_syscall_nr(r);
    struct proc *p = kcpu_self()->current;
    ktrace(TRC_EV_SYSCALL, p->pid, nr, 0, 0, 0);
    if (nr >= SYS_COUNT || !syscall_table[nr])
        return KERR_NOSYS;
    return syscall_table[nr](p, r);
}

/* SYS_PRINT: the buffer must be the caller's memory, at most PRINT_MAX
 * bytes. Returns 0 or KERR_INVALID / KERR_FAULT. */
static int syscall_print_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    a->a0 = arch_syscall_arg(r, 0);
    a->a1 = arch_syscall_arg(r, 1);
    if (a->a1 > PRINT_MAX)
        return KERR_INVALID;
    if (!proc_user_range_ok(p, a->a0, a->a1, false))
        return KERR_FAULT;
    return 0;
}

/* Copies the user's bytes to the console; returns how many. */
static long syscall_print_invoke(struct proc *p, struct ksys_args *a)
{
    (void)p;
    kwrite((const char *)a->a0, a->a1);
    return (long)a->a1;
}
KSYS_RUN(syscall_print)

/* SYS_EXIT: any code will do. Returns 0. */
static int syscall_exit_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    (void)p;
    a->a0 = arch_syscall_arg(r, 0);
    return 0;
}

/* Ends the caller; does not return. */
static long syscall_exit_invoke(struct proc *p, struct ksys_args *a)
{
    proc_exit(p, (int)a->a0);
    sched_next(TRC_SWITCH_EXIT);
}
KSYS_RUN(syscall_exit)

/* SYS_YIELD: to the back of its run queue; does not return (0 when the
 * caller runs again). */
static long syscall_yield_invoke(struct proc *p, struct ksys_args *a)
{
    (void)a;
    arch_syscall_set_ret(&p->regs, 0);
    sched_enqueue(p);
    sched_next(TRC_SWITCH_YIELD);
}
KSYS_RUN_INVOKE_ONLY(syscall_yield)

/* SYS_GETPID: returns the caller's pid. */
static long syscall_getpid_invoke(struct proc *p, struct ksys_args *a)
{
    (void)a;
    return p->pid;
}
KSYS_RUN_INVOKE_ONLY(syscall_getpid)

/* SYS_CYCLES: returns the core's cycle clock. */
static long syscall_cycles_invoke(struct proc *p, struct ksys_args *a)
{
    (void)p, (void)a;
    return (long)timer_now();
}
KSYS_RUN_INVOKE_ONLY(syscall_cycles)
