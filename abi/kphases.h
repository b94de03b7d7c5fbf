/* abi/kphases.h: the phases an IPC path's cycles are split into, and the
 * kernel functions that belong to each, in one table. Shared by host and
 * guest:
 *   - tracer/report.c groups a path's per-function cycles by phase with it
 *     (an exact name lookup; the report's "phases" object, in this order);
 *   - ui/phases.c draws the phases in this order (its colours are indexed
 *     by enum kphase);
 *   - the guest build links guest-kernel/kphases_check.c, which references
 *     every EXTERN function listed here for its architecture (a separate,
 *     check-only link: renaming one is an undefined symbol there);
 *   - tests/tracer/test_kphases.c checks that every function listed here
 *     is a sized function symbol of that architecture's kernel.elf, of the
 *     linkage given, and that every kernel function hot on an IPC path
 *     (1% or more of its kernel cycles) is listed.
 * A kernel function not listed is "unassigned"; the report counts it as
 * "logic" (docs/scenarios.md, "Phases of a path").
 *
 * To move a function to another phase, change its row's phase. To add a
 * function, add a row: phase, architectures (ALL, X86_64, AARCH64 or
 * RISCV64; one row per architecture when it exists on two), linkage
 * (EXTERN for a global symbol, STATIC for a file-local one, which only
 * the test can check) and its exact ELF symbol name. To add a phase, add
 * it to KPHASES and a colour to ui/phases.c. */
#ifndef IPCEMU_ABI_KPHASES_H
#define IPCEMU_ABI_KPHASES_H

/* KPHASES(X): X(ID, "name"), in the report's order. */
#define KPHASES(X)                                                                                 \
    X(TRAP, "trap")                                                                                \
    X(DECODE, "decode")                                                                            \
    X(LOOKUP, "lookup")                                                                            \
    X(COPY, "copy")                                                                                \
    X(HANDOFF, "handoff")                                                                          \
    X(SWITCH, "switch")                                                                            \
    X(RETURN, "return")                                                                            \
    X(TIMER, "timer")                                                                              \
    X(TRACE, "trace")                                                                              \
    X(LOCK, "lock")                                                                                \
    X(LOGIC, "logic")                                                                              \
    X(USER, "user")                                                                                \
    X(IDLE, "idle")

/* enum kphase: KPHASE_TRAP, ..., KPHASE_IDLE, then KPHASE_COUNT. */
#define KPHASE_ENUM_(id, name) KPHASE_##id,
enum kphase { KPHASES(KPHASE_ENUM_) KPHASE_COUNT };
#undef KPHASE_ENUM_

/* The architectures a row applies to (KPHASE_ARCH_<column>), as a mask. */
#define KPHASE_ARCH_X86_64 1u
#define KPHASE_ARCH_AARCH64 2u
#define KPHASE_ARCH_RISCV64 4u
#define KPHASE_ARCH_ALL 7u

/* KPHASE_FUNCS(X): X(PHASE, ARCH, LINKAGE, symbol), one row per kernel
 * function. USER and IDLE hold none: they are the cycles of user code and
 * of the core waiting for an interrupt. TRAP also holds the hardware's
 * trap entry and RETURN its trap return (the machine charges both to slots
 * of their own, tracer/report.h enum trc_slot). */
/* The kernel's own tracepoints exist only in a kernel built with them
 * (guest-kernel/kernel.h: IPCEMU_KTRACE; the host is told by
 * IPCEMU_GUEST_KTRACE, cmake/Guest.cmake). */
#if defined(IPCEMU_KTRACE) || defined(IPCEMU_GUEST_KTRACE)
#define KPHASE_KTRACE_ROWS(X) X(TRACE, ALL, EXTERN, ktrace)
#else
#define KPHASE_KTRACE_ROWS(X)
#endif

// clang-format off
#define KPHASE_FUNCS(X)                                                     \
    /* trap: from the trapping user instruction to the system call's        \
       dispatch (the hardware's trap entry, the vectors and entry stubs,    \
       the register save, the arch trap handlers; an interrupt's too) */    \
    X(TRAP,    X86_64,  EXTERN, x86_syscall_entry)                          \
    X(TRAP,    X86_64,  STATIC, x86_stub_128)                               \
    X(TRAP,    X86_64,  STATIC, trap_common)                                \
    X(TRAP,    X86_64,  EXTERN, x86_trap)                                   \
    X(TRAP,    AARCH64, EXTERN, a64_vectors)                                \
    X(TRAP,    AARCH64, STATIC, a64_trap_save)                              \
    X(TRAP,    AARCH64, EXTERN, arch_trap)                                  \
    X(TRAP,    RISCV64, EXTERN, rv_trap_entry)                              \
    X(TRAP,    RISCV64, EXTERN, rv_trap)                                    \
    X(TRAP,    ALL,     EXTERN, trap_from_user)                             \
    X(TRAP,    ALL,     EXTERN, irq_from_user)                              \
    X(TRAP,    ALL,     EXTERN, syscall_dispatch)                           \
    /* decode: the system call's number and arguments */                    \
    X(DECODE,  ALL,     EXTERN, arch_syscall_nr)                            \
    X(DECODE,  ALL,     EXTERN, arch_syscall_arg)                           \
    X(DECODE,  ALL,     STATIC, reply_check)                                \
    /* lookup: finding what a capability token names (cache, capability     \
       space, the observer every lookup reports to) and the object behind   \
       it */                                                                \
    X(LOOKUP,  ALL,     EXTERN, ipc_cap_lookup)                             \
    X(LOOKUP,  ALL,     EXTERN, ipc_cap_lookup_cached)                      \
    X(LOOKUP,  ALL,     STATIC, cap_find)                                   \
    X(LOOKUP,  ALL,     STATIC, cap_event)                                  \
    X(LOOKUP,  ALL,     EXTERN, kport_lookup)                               \
    X(LOOKUP,  ALL,     EXTERN, kipc_obj_decode)                            \
    X(LOOKUP,  ALL,     STATIC, fastpath_lookup)                            \
    X(LOOKUP,  ALL,     STATIC, fastpath_lookup_walk)                       \
    /* copy: the message registers and buffers */                           \
    X(COPY,    ALL,     EXTERN, memcpy)                                     \
    X(COPY,    ALL,     EXTERN, memset)                                     \
    X(COPY,    ALL,     STATIC, regs_copy)                                  \
    X(COPY,    ALL,     EXTERN, kipc_copy_in)                               \
    X(COPY,    ALL,     EXTERN, kipc_deliver)                               \
    X(COPY,    ALL,     EXTERN, kipc_deliver_regs)                          \
    X(COPY,    ALL,     EXTERN, kipc_msg_word)                              \
    X(COPY,    ALL,     EXTERN, kipc_recv_regs)                             \
    /* handoff: waking, blocking (parking on a port) and picking who runs   \
       next, and the fast path's direct switch to the receiver */           \
    X(HANDOFF, ALL,     STATIC, handoff)                                    \
    X(HANDOFF, ALL,     EXTERN, sched_enqueue)                              \
    X(HANDOFF, ALL,     EXTERN, sched_next)                                 \
    X(HANDOFF, ALL,     EXTERN, sched_ready_above)                          \
    X(HANDOFF, ALL,     EXTERN, sched_slice_over)                           \
    X(HANDOFF, ALL,     EXTERN, kipc_hand_over)                             \
    X(HANDOFF, ALL,     EXTERN, kipc_wake)                                  \
    X(HANDOFF, ALL,     EXTERN, kipc_wake_waiter)                           \
    X(HANDOFF, ALL,     EXTERN, kipc_block)                                 \
    X(HANDOFF, ALL,     STATIC, block_for_reply)                            \
    X(HANDOFF, ALL,     EXTERN, kipc_waiter_proc)                           \
    X(HANDOFF, ALL,     EXTERN, kipc_yield_to_higher)                       \
    X(HANDOFF, ALL,     EXTERN, ipc_port_take_receiver)                     \
    X(HANDOFF, ALL,     EXTERN, ipc_port_wait)                              \
    X(HANDOFF, ALL,     EXTERN, ipc_port_cancel)                            \
    X(HANDOFF, ALL,     EXTERN, ipc_waitq_push)                             \
    X(HANDOFF, ALL,     EXTERN, ipc_waitq_remove)                           \
    /* switch: the address-space switch */                                  \
    X(SWITCH,  ALL,     EXTERN, sched_switch_aspace)                        \
    X(SWITCH,  ALL,     EXTERN, arch_pt_activate)                           \
    X(SWITCH,  ALL,     EXTERN, arch_pt_switch)                             \
    /* return: the result and the way back to user mode (the hardware's     \
       trap return included) */                                             \
    X(RETURN,  ALL,     EXTERN, arch_syscall_set_ret)                       \
    X(RETURN,  ALL,     EXTERN, arch_enter_user)                            \
    /* timer: clock reads, timer programming and timeouts (deadlines, the   \
       list of timed waits) */                                              \
    X(TIMER,   ALL,     EXTERN, timer_now)                                  \
    X(TIMER,   ALL,     EXTERN, timer_arm)                                  \
    X(TIMER,   ALL,     EXTERN, timer_ack)                                  \
    X(TIMER,   ALL,     EXTERN, sched_arm_timer)                            \
    X(TIMER,   ALL,     EXTERN, kport_admit_clock)                          \
    X(TIMER,   ALL,     EXTERN, ktimeout_deadline)                          \
    X(TIMER,   ALL,     STATIC, ktimeout_set)                               \
    X(TIMER,   ALL,     EXTERN, ktimeout_update)                            \
    X(TIMER,   ALL,     EXTERN, ktimeout_next)                              \
    X(TIMER,   ALL,     EXTERN, ktimeout_expire)                            \
    X(TIMER,   ALL,     STATIC, irq_timer)                                  \
    /* trace: the kernel's own tracepoints */                               \
    KPHASE_KTRACE_ROWS(X)                                                   \
    /* lock: spinning for the big kernel lock (several cores; with one      \
       core it is never taken); taking it when free is inlined into the     \
       entry and counts there */                                            \
    X(LOCK,    ALL,     EXTERN, klock_wait)                                 \
    /* logic: the IPC operations' own work: queues and admission, the       \
       system calls' bodies, region moves, and every change to a            \
       capability space (there is no capability-management phase): the      \
       call's one-shot reply capability, made by the call and deleted by    \
       the reply, capabilities that travel with a message, derive and       \
       revoke */                                                            \
    /* the fast path (kfastpath.c): its checks, register copy, commit and   \
       direct switch, inlined into one function per call (its capability    \
       lookup is a function of its own, under lookup above); its slow-path  \
       exit re-runs the generic system call */                              \
    X(LOGIC,   ALL,     EXTERN, fastpath_call)                              \
    X(LOGIC,   ALL,     EXTERN, fastpath_reply_recv)                        \
    X(TRAP,    ALL,     STATIC, fastpath_slow)                              \
    X(LOGIC,   ALL,     EXTERN, kipc_send_run)                              \
    X(LOGIC,   ALL,     EXTERN, kipc_try_send_run)                          \
    X(LOGIC,   ALL,     EXTERN, kipc_recv_run)                              \
    X(LOGIC,   ALL,     EXTERN, kipc_try_recv_run)                          \
    X(LOGIC,   ALL,     EXTERN, kipc_call_run)                              \
    X(LOGIC,   ALL,     STATIC, kipc_call_slow)                             \
    X(LOGIC,   ALL,     STATIC, reply_recv_slow)                            \
    X(LOGIC,   ALL,     EXTERN, kipc_reply_run)                             \
    X(LOGIC,   ALL,     EXTERN, kipc_reply_recv_run)                        \
    X(LOGIC,   ALL,     EXTERN, kipc_recv_call_run)                         \
    X(LOGIC,   ALL,     EXTERN, knotif_notify_run)                          \
    X(LOGIC,   ALL,     EXTERN, ipc_notif_signal)                           \
    X(LOGIC,   ALL,     STATIC, reply_give)                                 \
    X(LOGIC,   ALL,     EXTERN, kipc_call_received)                         \
    X(LOGIC,   ALL,     STATIC, make_reply_cap)                             \
    X(LOGIC,   ALL,     EXTERN, kipc_reply_cap_died)                        \
    X(LOGIC,   ALL,     EXTERN, ipc_cap_create)                             \
    X(LOGIC,   ALL,     EXTERN, ipc_cap_delete)                             \
    X(LOGIC,   ALL,     EXTERN, ipc_cap_derive)                             \
    X(LOGIC,   ALL,     EXTERN, ipc_cap_descendants)                        \
    X(LOGIC,   ALL,     EXTERN, ipc_cap_grant)                              \
    X(LOGIC,   ALL,     EXTERN, ipc_cap_move)                               \
    X(LOGIC,   ALL,     EXTERN, ipc_cap_revoke)                             \
    X(LOGIC,   ALL,     EXTERN, ipc_cspace_attach)                          \
    X(LOGIC,   ALL,     EXTERN, ipc_cspace_detach)                          \
    X(LOGIC,   ALL,     STATIC, cap_child)                                  \
    X(LOGIC,   ALL,     STATIC, cap_empty)                                  \
    X(LOGIC,   ALL,     STATIC, cap_fill)                                   \
    X(LOGIC,   ALL,     EXTERN, kipc_post)                                  \
    X(LOGIC,   ALL,     EXTERN, kipc_pool_grow)                             \
    X(LOGIC,   ALL,     STATIC, obj_ref)                                    \
    X(LOGIC,   ALL,     EXTERN, kregion_cap_died)                           \
    X(LOGIC,   ALL,     EXTERN, kcpu_tlb_shootdown)                         \
    X(LOGIC,   ALL,     EXTERN, kregion_move)                               \
    X(LOGIC,   ALL,     EXTERN, kregion_obj_ref)                            \
    X(LOGIC,   ALL,     EXTERN, arch_pt_map)                                \
    X(LOGIC,   ALL,     EXTERN, kpage_alloc)                                \
    X(LOGIC,   ALL,     EXTERN, kpage_alloc_run)                            \
    X(LOGIC,   ALL,     EXTERN, ipc_port_admit)                             \
    X(LOGIC,   ALL,     EXTERN, ipc_port_enqueue)                           \
    X(LOGIC,   ALL,     EXTERN, ipc_port_dequeue)                           \
    X(LOGIC,   ALL,     EXTERN, ipc_port_peek)                              \
    X(LOGIC,   ALL,     STATIC, take_head)                                  \
    X(LOGIC,   ALL,     EXTERN, ipc_msgpool_add)                            \
    X(LOGIC,   ALL,     EXTERN, proc_by_pid)                                \
    X(LOGIC,   ALL,     EXTERN, proc_slot)                                  \
    X(LOGIC,   ALL,     EXTERN, proc_user_range_ok)
// clang-format on

#endif
