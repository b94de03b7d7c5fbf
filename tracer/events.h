/* tracer/events.h: the event types the guest kernel stores through the
 * trace port. Shared by host and guest. Numbers are an ABI: append only. */
#ifndef IPCEMU_TRACER_EVENTS_H
#define IPCEMU_TRACER_EVENTS_H

enum trc_event_type {
    TRC_EV_BOOT = 1,         /* a0 = kernel ABI version, a1 = ncores */
    TRC_EV_PROC_CREATE = 2,  /* pid; a0 = priority; a1,a2 = name (16 bytes) */
    TRC_EV_PROC_EXIT = 3,    /* pid; a0 = exit code */
    TRC_EV_PROC_FAULT = 4,   /* pid; a0 = enum trc_fault; a1 = pc; a2 = addr */
    TRC_EV_SCHED_SWITCH = 5, /* pid = to (0 idle); a0 = from; a1 = reason */
    TRC_EV_SYSCALL = 6,      /* pid; a0 = number */
    TRC_EV_TIMER_IRQ = 7,    /* pid interrupted (0 idle) */
    TRC_EV_HALT = 8,         /* a0 = exit code the kernel powers off with */
    TRC_EV_COUNT
};

enum trc_fault {
    TRC_FAULT_READ = 1,  /* load from memory the process does not own */
    TRC_FAULT_WRITE = 2, /* store to memory the process does not own */
    TRC_FAULT_EXEC = 3,  /* instruction fetch from such memory */
    TRC_FAULT_UNDEF = 4, /* undefined or privileged instruction */
    TRC_FAULT_OTHER = 5, /* anything else (alignment, bad syscall use...) */
};

enum trc_switch_reason {
    TRC_SWITCH_START = 0,
    TRC_SWITCH_PREEMPT = 1,
    TRC_SWITCH_YIELD = 2,
    TRC_SWITCH_EXIT = 3,
    TRC_SWITCH_KILL = 4,
    TRC_SWITCH_BLOCK = 5,
};

#endif
