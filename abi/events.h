/* abi/events.h: the event types the guest kernel stores through the
 * trace port. Shared by host and guest. Numbers are an ABI: append only. */
#ifndef IPCEMU_ABI_EVENTS_H
#define IPCEMU_ABI_EVENTS_H

enum trc_event_type {
    TRC_EV_BOOT = 1,         /* a0 = kernel ABI version, a1 = ncores */
    TRC_EV_PROC_CREATE = 2,  /* pid; a0 = priority; a1,a2 = name (16 bytes) */
    TRC_EV_PROC_EXIT = 3,    /* pid; a0 = exit code */
    TRC_EV_PROC_FAULT = 4,   /* pid; a0 = enum trc_fault; a1 = pc; a2 = addr */
    TRC_EV_SCHED_SWITCH = 5, /* pid = to (0 idle); a0 = from; a1 = reason */
    TRC_EV_SYSCALL = 6,      /* pid; a0 = number */
    TRC_EV_TIMER_IRQ = 7,    /* pid interrupted (0 idle) */
    TRC_EV_HALT = 8,         /* a0 = exit code the kernel powers off with */
    /* IPC. `port` is the port's kernel id; `msg` packs opcode | len << 32 |
       capabilities carried << 48 | 1 << 56 when a region moves with it. */
    TRC_EV_IPC_SEND = 9,        /* pid (sender); a0 = port; a1 = msg; a2 = enum trc_ipc_path;
                                   a3 = result (0 or a negative ipc_err) */
    TRC_EV_IPC_RECV = 10,       /* pid (receiver); a0 = port; a1 = msg; a2 = enum trc_ipc_path;
                                   a3 = result (low 32 bits, as int32) | sender pid << 32 */
    TRC_EV_CAP_LOOKUP = 11,     /* pid; a0 = token; a1 = 1 cache hit, 0 miss; a2 = result */
    TRC_EV_CAP_INVALIDATE = 12, /* a0 = space id; a1 = token whose cache line died */
    TRC_EV_IPC_BLOCK = 13,      /* pid; a0 = port; a1 = 1 receive, 2 send (queue full);
                                   a2 = deadline cycle (0: none) */
    TRC_EV_IPC_WAKE = 14,       /* pid; a0 = port; a1 = status (0 or a negative ipc_err) */
    TRC_EV_PORT_CREATE = 15,    /* pid (creator); a0 = port; a1 = capacity */
    TRC_EV_PORT_CLOSE = 16,     /* pid; a0 = port; a1 = waiters woken */
    TRC_EV_IPC_SLOW = 17,       /* pid; a0 = port; a1 = enum trc_slow_reason: why a call or
                                   reply left the fast path */
    TRC_EV_IPC_REPLY = 18,      /* pid (replier); a0 = caller pid; a1 = msg; a2 = path;
                                   a3 = result */
    TRC_EV_TRAP = 19,           /* written by the machine, not the guest: the core entered
                                   the kernel's vector; pid 0; a0 = 1 interrupt, 0 exception
                                   or system call */
    TRC_EV_NOTIFY = 20,         /* pid; a0 = notification; a1 = bits; a2 = pid woken (0) */
    TRC_EV_REGION = 21,         /* pid; a0 = region (0 for unmap); a1 = base; a2 = bytes (move: the
                                   receiving pid); a3 = enum trc_region_op */
    TRC_EV_ASPACE = 22,         /* pid = the process whose address space is now active; a0 = its
                                   page-table root; a1 = its ASID */
    TRC_EV_IRQ = 23,            /* written by the machine, not the guest: the timer
                                   interrupt reached the kernel; pid 0; a0 = 0 taken as a
                                   trap from user mode, 1 woke the idle core; a1 = cycle the
                                   line rose (the deadline, or the write that armed a deadline
                                   already past); a2 = cycles the line waited while the kernel
                                   ran with interrupts masked; a3 = the deadline armed */
    TRC_EV_IPC_DROP = 24,       /* pid (sender); a0 = port; a1 = msg; a2 = enum
                                   trc_drop_reason: a queued message left its queue
                                   without being received */
    TRC_EV_COUNT
};

enum trc_fault {
    TRC_FAULT_READ = 1,  /* load from memory the process does not own */
    TRC_FAULT_WRITE = 2, /* store to memory the process does not own */
    TRC_FAULT_EXEC = 3,  /* instruction fetch from such memory */
    TRC_FAULT_UNDEF = 4, /* undefined or privileged instruction */
    TRC_FAULT_OTHER = 5, /* anything else (alignment, bad syscall use...) */
};

/* How a message travelled. */
/* Why a queued message was dropped (TRC_EV_IPC_DROP). */
enum trc_drop_reason {
    TRC_DROP_CALLER_GAVE_UP = 1, /* a call whose caller timed out before it was received */
};

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
