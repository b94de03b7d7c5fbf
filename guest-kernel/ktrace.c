/* guest-kernel/ktrace.c: the trace port, the timer and the power device as
 * the kernel drives them (register layouts in abi/devregs.h). */
#include "abi/devregs.h"
#include "kernel.h"

void ktrace(uint32_t type, uint32_t pid, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uintptr_t t = kcfg.trace;
    uint64_t a[TRACE_NARGS] = {a0, a1, a2, a3};
    mmio_write32(t + TRACE_TYPE, type);
    mmio_write32(t + TRACE_PID, pid);
    for (int i = 0; i < TRACE_NARGS; i++) {
        mmio_write32(t + TRACE_ARG_LO(i), (uint32_t)a[i]);
        mmio_write32(t + TRACE_ARG_HI(i), (uint32_t)(a[i] >> 32));
    }
    mmio_write32(t + TRACE_COMMIT, 1);
}

uint64_t timer_now(void)
{
    uint32_t hi, lo;
    do {
        hi = mmio_read32(kcfg.timer + TIMER_NOW_HI);
        lo = mmio_read32(kcfg.timer + TIMER_NOW_LO);
    } while (hi != mmio_read32(kcfg.timer + TIMER_NOW_HI));
    return ((uint64_t)hi << 32) | lo;
}

void timer_arm(uint64_t deadline)
{
    mmio_write32(kcfg.timer + TIMER_CMP_LO, (uint32_t)deadline);
    mmio_write32(kcfg.timer + TIMER_CMP_HI, (uint32_t)(deadline >> 32));
}

void timer_ack(void)
{
    mmio_write32(kcfg.timer + TIMER_CTRL, TIMER_CTRL_ACK);
}

void power_off(uint32_t code)
{
    ktrace(TRC_EV_HALT, 0, code, 0, 0, 0);
    mmio_write32(kcfg.power + POWER_EXIT, code);
    arch_halt();
}
