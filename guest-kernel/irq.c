/* guest-kernel/irq.c: the kernel's interrupt-controller driver (register
 * layout in abi/devregs.h). The architectures' trap code reports "an
 * interrupt from the controller happened" as TRAP_IRQ; trap_from_user()
 * calls irq_from_user(), which claims the line, dispatches it through the
 * table below and completes it.
 *
 * A claim that finds no line (INTC_CLAIM_NONE: the line dropped between
 * delivery and claim) is a spurious interrupt: counted in irq_spurious and
 * the process resumes. A claimed line without a handler is a broken
 * invariant (the kernel enables only lines it handles): a panic naming the
 * line. The idle loop claims the same way (irq_idle). Adding a device's interrupt: a line constant
 * in abi/devregs.h, a handler here, its bit in irq_init(). */
#include "abi/devregs.h"
#include "kernel.h"

uint64_t irq_spurious;

/* The timer's line: lower it at the device, expire IPC timeouts. Returns
 * true when the interrupted process `p` must give up the CPU (its slice is
 * over or a higher priority is ready); else re-arms the timer for the rest
 * of the slice (an IPC deadline came first) and returns false. While idle
 * (`p` NULL) returns false and arms nothing: the scheduler's idle loop
 * does. */
KPROBE_ANCHOR static bool irq_timer(struct proc *p)
{
    KPROBE_KEEP("r"(p));
    timer_ack();
    uint64_t now = timer_now();
    ktrace(TRC_EV_TIMER_IRQ, p ? p->pid : 0, 0, 0, 0, 0);
    ktimeout_expire(now);
    if (!p)
        return false;
    if (sched_slice_over(now) || sched_ready_above(p->prio))
        return true;
    sched_arm_timer();
    return false;
}

/* The wake-up line another core raises (kcpu_kick) after it made a
 * process of this core ready, or asks it to flush its TLB (served here
 * too, kcpu_serve_remote). Returns true when the interrupted `p` must
 * give up the CPU for it (a higher priority is ready here); idle (`p`
 * NULL) false: the idle loop picks it. */
static bool irq_ipi(struct proc *p)
{
    /* atomic: core 0 reads it while this core answers its first IPI
     * without the lock (kcpu_main) */
    __atomic_fetch_add(&kcpu_self()->wakeups, 1, __ATOMIC_RELEASE);
    kcpu_serve_remote();
    return p && sched_ready_above(p->prio);
}

/* One handler per line that interrupts; NULL: the line is never enabled. */
static bool (*const irq_handlers[INTC_NLINES])(struct proc *p) = {
    [INTC_LINE_TIMER] = irq_timer,
    [INTC_LINE_IPI] = irq_ipi,
};

void irq_init(void)
{
    uint32_t enable = 0;
    for (unsigned line = 0; line < INTC_NLINES; line++)
        if (irq_handlers[line])
            enable |= 1u << line;
    mmio_write32(kcfg.intc + INTC_TGT_ENABLE(kcpu_self()->id), enable);
}

/* Runs the handler of a claimed `line` for `p` (NULL: idle) and completes
 * the line. Returns the handler's answer: whether `p` must give up the CPU.
 * A line without a handler is a broken invariant: a panic naming it. */
static bool irq_handle(uint32_t line, struct proc *p)
{
    if (line >= INTC_NLINES || !irq_handlers[line]) {
        kprintf("[kernel] interrupt on line %u, which has no handler\n", line);
        panic("irq_handle: interrupt on a line without a handler");
    }
    bool preempt = irq_handlers[line](p);
    mmio_write32(kcfg.intc + INTC_TGT_COMPLETE(kcpu_self()->id), line);
    return preempt;
}

void irq_idle(void)
{
    uint32_t line;
    while ((line = mmio_read32(kcfg.intc + INTC_TGT_CLAIM(kcpu_self()->id))) != INTC_CLAIM_NONE)
        irq_handle(line, NULL);
}

void irq_from_user(struct proc *p)
{
    uint32_t line = mmio_read32(kcfg.intc + INTC_TGT_CLAIM(kcpu_self()->id));
    if (line == INTC_CLAIM_NONE) {
        irq_spurious++;
        kernel_exit(&p->regs);
    }
    bool preempt = irq_handle(line, p);
    if (preempt) {
        sched_enqueue(p);
        sched_next(TRC_SWITCH_PREEMPT);
    }
    kernel_exit(&p->regs);
}
