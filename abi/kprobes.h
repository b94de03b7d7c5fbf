/* abi/kprobes.h: the kernel functions the host probes (machine/probes.c),
 * one row each, so that a renamed or inlined anchor fails the build or a
 * test instead of silently losing events. Shared by host and guest:
 *   - machine/probes.c resolves each row's symbol in kernel.elf and runs
 *     the decoder of its ID (an entry probe with `nargs` arguments read,
 *     and with on_return 1 also a return probe, which sees the return
 *     value and those arguments);
 *   - the guest build links guest-kernel/kprobes_check.c, which
 *     references every EXTERN row (renaming one is an undefined symbol);
 *   - tests/integration/test_probe_events.c checks that every row
 *     resolves to a function symbol of each architecture's kernel.elf
 *     (STATIC rows too) and that the events decoded from the probes equal
 *     those the kernel's ktrace() writes.
 * Columns: X(ID, linkage EXTERN or STATIC, symbol, nargs, on_return). The
 * events each decoder writes: docs/machine.md, "Probes".
 * Anchors the kernel marks __attribute__((noinline, used)) for the probes
 * alone (a static the compiler would inline, or whose arguments it could
 * rewrite): kport_shut (kport.c), region_new, region_map, map_remove
 * (kregion.c), ktopic_trace_sub (ktopic.c). */
#ifndef IPCEMU_ABI_KPROBES_H
#define IPCEMU_ABI_KPROBES_H

#define KPROBES(X)                                                                                 \
    X(KMAIN, EXTERN, kmain, 1, 0)                                                                  \
    X(PROC_CREATE, EXTERN, proc_create, 0, 1)                                                      \
    X(PROC_EXIT, EXTERN, proc_exit, 2, 1)                                                          \
    X(PROC_KILL, EXTERN, proc_kill, 4, 1)                                                          \
    X(SCHED_NEXT, EXTERN, sched_next, 1, 0)                                                        \
    X(HANDOFF, STATIC, handoff, 2, 0)                                                              \
    X(PT_SWITCH, EXTERN, arch_pt_switch, 2, 0)                                                     \
    X(ENTER_USER, EXTERN, arch_enter_user, 1, 0)                                                   \
    X(SYSCALL, EXTERN, syscall_dispatch, 1, 0)                                                     \
    X(FASTPATH_CALL, EXTERN, fastpath_call, 2, 0)                                                  \
    X(FASTPATH_REPLY_RECV, EXTERN, fastpath_reply_recv, 2, 0)                                      \
    X(IRQ_TIMER, STATIC, irq_timer, 1, 0)                                                          \
    X(HALT, EXTERN, power_off, 1, 0)                                                               \
    X(CAP_EVENT, STATIC, cap_event, 5, 0)                                                          \
    X(PORT_CREATE, EXTERN, kport_create, 2, 1)                                                     \
    X(PORT_CREATE_RUN, EXTERN, kport_create_run, 2, 1)                                             \
    X(KIPC_WAKE, EXTERN, kipc_wake, 3, 0)                                                          \
    X(NOTIF_SIGNAL, EXTERN, ipc_notif_signal, 2, 1)                                                \
    X(CAP_LOOKUP_CACHED, EXTERN, ipc_cap_lookup_cached, 8, 1)                                      \
    X(CAP_LOOKUP, EXTERN, ipc_cap_lookup, 6, 1)                                                    \
    X(PORT_SHUT, STATIC, kport_shut, 2, 1)                                                         \
    X(OBJ_NEW, EXTERN, kipc_obj_new, 4, 1)                                                         \
    X(REGION_NEW, STATIC, region_new, 3, 1)                                                        \
    X(REGION_MAP, STATIC, region_map, 3, 1)                                                        \
    X(MAP_REMOVE, STATIC, map_remove, 2, 0)                                                        \
    X(REGION_MOVE, EXTERN, kregion_move, 3, 1)                                                     \
    X(TOPIC_SUB, STATIC, ktopic_trace_sub, 4, 0)                                                   \
    X(CALL_ABANDON, EXTERN, kipc_call_abandon, 1, 0)                                               \
    X(KPORT_LOOKUP, EXTERN, kport_lookup, 0, 1)                                                    \
    X(TAKE_RECEIVER, EXTERN, ipc_port_take_receiver, 1, 0)                                         \
    X(PORT_WAIT, EXTERN, ipc_port_wait, 1, 0)                                                      \
    X(PORT_DEQUEUE, EXTERN, ipc_port_dequeue, 3, 1)                                                \
    X(PORT_DISCARD, EXTERN, ipc_port_discard, 2, 1)                                                \
    X(NOTIF_WAIT, EXTERN, ipc_notif_wait, 2, 0)                                                    \
    X(KIPC_BLOCK, EXTERN, kipc_block, 3, 0)                                                        \
    X(HAND_OVER, EXTERN, kipc_hand_over, 4, 0)                                                     \
    X(POST, EXTERN, kipc_post, 4, 1)                                                               \
    X(DELIVER, EXTERN, kipc_deliver, 3, 1)                                                         \
    X(DELIVER_REGS, EXTERN, kipc_deliver_regs, 2, 1)                                               \
    X(RECV_REGS, EXTERN, kipc_recv_regs, 2, 1)                                                     \
    X(CALL_SLOW, STATIC, kipc_call_slow, 3, 1)                                                     \
    X(BLOCK_FOR_REPLY, STATIC, block_for_reply, 2, 0)                                              \
    X(REPLY_CHECK, STATIC, reply_check, 2, 1)                                                      \
    X(REPLY_GIVE, STATIC, reply_give, 2, 1)                                                        \
    X(REPLY_RECV_SLOW, STATIC, reply_recv_slow, 5, 0)                                              \
    X(CALL_RUN, EXTERN, kipc_call_run, 1, 1)                                                       \
    X(SEND_RUN, EXTERN, kipc_send_run, 1, 1)                                                       \
    X(TRY_SEND_RUN, EXTERN, kipc_try_send_run, 1, 1)                                               \
    X(RECV_RUN, EXTERN, kipc_recv_run, 1, 1)                                                       \
    X(TRY_RECV_RUN, EXTERN, kipc_try_recv_run, 1, 1)

enum kprobe_id {
#define KPROBE_ENUM(id, link, sym, nargs, ret) KPROBE_##id,
    KPROBES(KPROBE_ENUM)
#undef KPROBE_ENUM
        KPROBE_COUNT
};

#endif
