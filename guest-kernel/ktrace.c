/* guest-kernel/ktrace.c: the trace port, the timer and the power device as
 * the kernel drives them (register layouts in abi/devregs.h). */
#include "abi/devregs.h"
#include "kernel.h"

#ifdef IPCEMU_KTRACE /* kernel.h: without it, no tracepoints and no trace port */
/* The record the trace port reads at each TRACE_POST (one core). */
static struct trace_rec ktrace_rec;

void ktrace_init(void)
{
    uintptr_t r = (uintptr_t)&ktrace_rec; /* identity-mapped: VA == PA */
    mmio_write32(kcfg.trace + TRACE_REC_LO, (uint32_t)r);
    mmio_write32(kcfg.trace + TRACE_REC_HI, (uint32_t)((uint64_t)r >> 32));
}

void ktrace(uint32_t type, uint32_t pid, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    ktrace_rec.type = type;
    ktrace_rec.pid = pid;
    ktrace_rec.arg[0] = a0;
    ktrace_rec.arg[1] = a1;
    ktrace_rec.arg[2] = a2;
    ktrace_rec.arg[3] = a3;
    /* The port reads the record when the POST store reaches it: the
     * record's stores come first in program order (one core; the port is
     * the emulator's, which sees stores in that order). */
    __asm__ volatile("" ::: "memory");
    mmio_write32(kcfg.trace + TRACE_POST, 1);
}
#endif

uint64_t timer_now(void)
{
    uint32_t hi, lo;
    do {
        hi = mmio_read32(kcfg.timer + TIMER_NOW_HI);
        lo = mmio_read32(kcfg.timer + TIMER_NOW_LO);
    } while (hi != mmio_read32(kcfg.timer + TIMER_NOW_HI));
    return ((uint64_t)hi << 32) | lo;
}

/* The deadline the timer is armed for, 0: disarmed (at boot, and after
 * each acknowledgement, which disarms the device). */

void timer_arm(uint64_t deadline)
{
    /* Re-writing the same deadline would change nothing the kernel relies
     * on (a pending line would rise again at once): skip the two device
     * writes. */
    struct kcpu *c = kcpu_self(); /* the timer is banked: each core's own */
    if (deadline == c->timer_armed)
        return;
    c->timer_armed = deadline;
    mmio_write32(kcfg.timer + TIMER_CMP_LO, (uint32_t)deadline);
    mmio_write32(kcfg.timer + TIMER_CMP_HI, (uint32_t)(deadline >> 32));
}

void timer_ack(void)
{
    kcpu_self()->timer_armed = 0;
    mmio_write32(kcfg.timer + TIMER_CTRL, TIMER_CTRL_ACK);
}

KPROBE_ANCHOR void power_off(uint32_t code)
{
    KPROBE_KEEP("r"(code));
    ktrace(TRC_EV_HALT, 0, code, 0, 0, 0);
    mmio_write32(kcfg.power + POWER_EXIT, code);
    arch_halt();
}
