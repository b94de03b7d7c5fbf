/* abi/events.h: the event types the guest kernel stores through the
 * trace port. Shared by host and guest. Numbers are an ABI: append only. */
#ifndef IPCEMU_ABI_EVENTS_H
#define IPCEMU_ABI_EVENTS_H

/* The events, one row each: X(ID, number, "name"). The row gives the
 * enum (TRC_EV_ID = number) and the name the tracer prints
 * (trc_event_name); tests/tracer/test_trace.c checks the numbers run
 * 1, 2, ... without a gap. Adding an event: docs/adding-things.md.
 *
 * The arguments of each (pid, a0..a3):
 * BOOT            a0 = kernel ABI version, a1 = ncores
 * PROC_CREATE     pid; a0 = priority; a1,a2 = name (16 bytes)
 * PROC_EXIT       pid; a0 = exit code
 * PROC_FAULT      pid; a0 = enum trc_fault; a1 = pc; a2 = addr
 * SCHED_SWITCH    pid = to (0 idle); a0 = from; a1 = enum trc_switch_reason
 * SYSCALL         pid; a0 = number
 * TIMER_IRQ       pid interrupted (0 idle)
 * HALT            a0 = exit code the kernel powers off with
 * IPC. `port` is the port's kernel id; `msg` packs opcode | len << 32 |
 * capabilities carried << 48 | 1 << 56 when a region moves with it.
 * IPC_SEND        pid (sender); a0 = port; a1 = msg; a2 = enum trc_ipc_path;
 *                 a3 = result (0 or a negative ipc_err)
 * IPC_RECV        pid (receiver); a0 = port; a1 = msg; a2 = enum trc_ipc_path;
 *                 a3 = result (low 32 bits, as int32) | sender pid << 32
 * CAP_LOOKUP      pid; a0 = token; a1 = 1 cache hit, 0 miss, 2 no cache (the
 *                 kernel's fixed reply slot); a2 = result
 * CAP_INVALIDATE  a0 = space id; a1 = token whose cache line died; a2 = the
 *                 core whose cache held the line (the event's core is the
 *                 one whose kernel code dropped it: another core's line
 *                 is a shootdown, tracer path cap.revoke.shootdown)
 * IPC_BLOCK       pid; a0 = port; a1 = 1 receive, 2 send (queue full);
 *                 a2 = deadline cycle (0: none)
 * IPC_WAKE        pid; a0 = port; a1 = status (0 or a negative ipc_err)
 * PORT_CREATE     pid (creator); a0 = port; a1 = capacity
 * PORT_CLOSE      pid; a0 = port; a1 = waiters woken
 * IPC_SLOW        pid; a0 = port; a1 = enum trc_slow_reason: why a call or
 *                 reply left the fast path
 * IPC_REPLY       pid (replier); a0 = caller pid; a1 = msg; a2 = path; a3 = result
 * TRAP            written by the machine, not the guest: the core enters the
 *                 kernel's vector (stamped before the trap entry's cycles
 *                 are charged); pid 0; a0 = 1 interrupt, 0 exception or
 *                 system call
 * NOTIFY          pid; a0 = notification; a1 = bits; a2 = pid woken (0)
 * REGION          pid; a0 = region (0 for unmap); a1 = base; a2 = bytes (move:
 *                 the receiving pid); a3 = enum trc_region_op
 * ASPACE          pid = the process whose address space is now active;
 *                 a0 = its page-table root; a1 = its ASID
 * IRQ             written by the machine, not the guest: the timer's line
 *                 (INTC_LINE_TIMER, the only line wired) reached the kernel;
 *                 pid 0; a0 = 0 taken as a trap from user mode, 1 woke the
 *                 idle core; a1 = cycle the line rose (the deadline, or the
 *                 write that armed a deadline already past); a2 = cycles the
 *                 line waited while the kernel ran with interrupts masked or
 *                 the controller held it; a3 = the deadline armed
 * IPC_DROP        pid (sender); a0 = port; a1 = msg; a2 = enum
 *                 trc_drop_reason: a queued message left its queue without
 *                 being received
 * TOPIC_SUBSCRIBE pid (the caller); a0 = topic (its kernel id); a1 = port;
 *                 a2 = 1 subscribed, 0 unsubscribed (a subscription that
 *                 ends with its capability or its process is not traced)
 * USER_ENTER      written by the machine, not the guest: the first block of
 *                 user code after the kernel ran (from a trap, or from boot)
 *                 starts now, its trap return charged, the block not yet;
 *                 pid = the process the kernel last switched to (its
 *                 sched.switch); a0 = the block's address
 * KERNEL_PHASES   written by the machine, not the guest, just before each
 *                 USER_ENTER, at its cycle: the cycles of the kernel stretch
 *                 it ends (from the trap that opened it, or from boot) by
 *                 phase (abi/kphases.h), the report's own attribution: pid 0;
 *                 a0..a3 read as one 256-bit little-endian number (a0 its
 *                 low 64 bits) hold phases TRAP..LOGIC in 23-bit fields
 *                 (phase k at bit 23 k); a field of 2^23 - 1 saturated
 *                 (the phase took at least that many). The stretch's other
 *                 cycles are idle (the core waited for an interrupt).
 *                 tracer/trace.h trc_kphases_unpack reads it.
 * IPI             written by the machine, not the guest: a core wrote the
 *                 interrupt controller's IPI register (several cores only);
 *                 core = the sender; pid 0; a0 = the sending core; a1 = the
 *                 target core; a2 = the software line raised
 */
#define TRC_EVENTS(X)                                                                              \
    X(BOOT, 1, "boot")                                                                             \
    X(PROC_CREATE, 2, "proc.create")                                                               \
    X(PROC_EXIT, 3, "proc.exit")                                                                   \
    X(PROC_FAULT, 4, "proc.fault")                                                                 \
    X(SCHED_SWITCH, 5, "sched.switch")                                                             \
    X(SYSCALL, 6, "syscall")                                                                       \
    X(TIMER_IRQ, 7, "timer.irq")                                                                   \
    X(HALT, 8, "halt")                                                                             \
    X(IPC_SEND, 9, "ipc.send")                                                                     \
    X(IPC_RECV, 10, "ipc.recv")                                                                    \
    X(CAP_LOOKUP, 11, "cap.lookup")                                                                \
    X(CAP_INVALIDATE, 12, "cap.invalidate")                                                        \
    X(IPC_BLOCK, 13, "ipc.block")                                                                  \
    X(IPC_WAKE, 14, "ipc.wake")                                                                    \
    X(PORT_CREATE, 15, "port.create")                                                              \
    X(PORT_CLOSE, 16, "port.close")                                                                \
    X(IPC_SLOW, 17, "ipc.slow")                                                                    \
    X(IPC_REPLY, 18, "ipc.reply")                                                                  \
    X(TRAP, 19, "trap")                                                                            \
    X(NOTIFY, 20, "notify")                                                                        \
    X(REGION, 21, "region")                                                                        \
    X(ASPACE, 22, "aspace.switch")                                                                 \
    X(IRQ, 23, "irq")                                                                              \
    X(IPC_DROP, 24, "ipc.drop")                                                                    \
    X(TOPIC_SUBSCRIBE, 25, "topic.subscribe")                                                      \
    X(USER_ENTER, 26, "user.enter")                                                                \
    X(KERNEL_PHASES, 27, "kernel.phases")                                                          \
    X(IPI, 28, "ipi")

enum trc_event_type {
#define TRC_EV_ENUM(id, n, name) TRC_EV_##id = n,
    TRC_EVENTS(TRC_EV_ENUM)
#undef TRC_EV_ENUM
        TRC_EV_COUNT
};

enum trc_fault {
    TRC_FAULT_READ = 1,  /* load from memory the process does not own */
    TRC_FAULT_WRITE = 2, /* store to memory the process does not own */
    TRC_FAULT_EXEC = 3,  /* instruction fetch from such memory */
    TRC_FAULT_UNDEF = 4, /* undefined or privileged instruction */
    TRC_FAULT_OTHER = 5, /* anything else (alignment, bad syscall use...) */
};

/* Why a queued message was dropped (TRC_EV_IPC_DROP). */
enum trc_drop_reason {
    TRC_DROP_CALLER_GAVE_UP = 1, /* a call whose caller timed out before it was received */
};

/* How a message travelled. */
enum trc_ipc_path {
    TRC_IPC_DIRECT = 1,     /* straight to a receiver that was waiting */
    TRC_IPC_QUEUED = 2,     /* into the port's queue */
    TRC_IPC_FROM_QUEUE = 3, /* receive: taken from the queue */
    TRC_IPC_REFUSED = 4,    /* not sent or received: see the result */
    TRC_IPC_FAST = 5,       /* the fast path: registers copied, straight switch to the
                               waiting receiver */
};

/* Why a call / reply took the slow path (TRC_EV_IPC_SLOW). */
enum trc_slow_reason {
    TRC_SLOW_NO_RECEIVER = 1,     /* nobody waits on the port: the message is queued */
    TRC_SLOW_NOT_REGISTERS = 2,   /* the receiver waits for a message in memory */
    TRC_SLOW_LOWER_PRIORITY = 3,  /* the receiver's priority is below the caller's */
    TRC_SLOW_NO_REPLY_SLOT = 4,   /* the receiver has no free slot for the reply capability */
    TRC_SLOW_QUEUE_NOT_EMPTY = 5, /* reply_recv: a message waits, the server keeps running */
    TRC_SLOW_CALLER_LOWER = 6,    /* reply: the caller's priority is below the server's */
    TRC_SLOW_PORT_CLOSED = 7,     /* reply_recv: the port to wait on is closed */
    TRC_SLOW_HIGHER_READY = 8,    /* reply_recv: a process above the caller is ready */
    TRC_SLOW_OTHER_CORE = 9,      /* the receiver (call) or the caller (reply) runs on another
                                     core: woken there by an inter-processor interrupt */
};

enum trc_region_op {
    TRC_REGION_CREATE = 1,
    TRC_REGION_COPY = 2,
    TRC_REGION_MAP = 3,
    TRC_REGION_UNMAP = 4,
    TRC_REGION_MOVE = 5, /* zero-copy transfer: only page tables change */
};

enum trc_switch_reason {
    TRC_SWITCH_START = 0,
    TRC_SWITCH_PREEMPT = 1,
    TRC_SWITCH_YIELD = 2,
    TRC_SWITCH_EXIT = 3,
    TRC_SWITCH_KILL = 4,
    TRC_SWITCH_BLOCK = 5,
    TRC_SWITCH_HANDOFF = 6, /* the IPC fast path switched straight to the receiver */
};

#endif
