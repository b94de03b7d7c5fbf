/* tests/exec/flood.c: a bare-metal program for `ipcemu exec` that writes
 * trace events to the trace port (a few instructions each, nothing else)
 * forever: the run must end on the trace bound (outcome max_events), not
 * grow the host's memory until --max-cycles. Registers: abi/devregs.h. */
#define TRACE_BASE 0x10003000UL
#define TRACE_TYPE 0x00
#define TRACE_PID 0x04
#define TRACE_COMMIT 0x28

static void reg(unsigned long off, unsigned v)
{
    *(volatile unsigned *)(TRACE_BASE + off) = v;
}

void _start(void);
__attribute__((section(".text.boot"))) void _start(void)
{
    for (unsigned i = 0;; i++) {
        reg(TRACE_TYPE, 6); /* a system call event */
        reg(TRACE_PID, i);  /* every pid a new one */
        reg(TRACE_COMMIT, 1);
    }
}
