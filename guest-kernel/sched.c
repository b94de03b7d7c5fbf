/* guest-kernel/sched.c: preemptive priority round-robin, per core. Each
 * core (struct kcpu) has one FIFO per priority; the highest non-empty one
 * runs; the timer ends a time slice and sends the process to the back of
 * its FIFO. A process runs on its own core only (proc.core); making it
 * ready from another core queues it there and interrupts that core
 * (kcpu_kick). */
#include "kernel.h"

_Static_assert(NPRIO == KCPU_NPRIO, "struct kcpu's run queues");

static uint32_t (*all_ended)(void); /* sched_on_all_ended: the exit code */

void sched_on_all_ended(uint32_t (*verdict)(void))
{
    all_ended = verdict;
}

void sched_enqueue(struct proc *p)
{
    struct kcpu *c = &kcpus[p->core];
    p->state = PROC_READY;
    p->next = NULL;
    struct kcpu_runq *q = &c->runq[p->prio];
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    c->ready_bits |= 1u << p->prio;
    if (c != kcpu_self())
        kcpu_kick(c);
}

void sched_set_core(struct proc *p, unsigned core)
{
    if (core == p->core)
        return;
    if (p->state == PROC_READY) { /* off its queue, onto the new core's */
        struct kcpu *c = &kcpus[p->core];
        struct kcpu_runq *q = &c->runq[p->prio];
        struct proc *prev = NULL;
        for (struct proc *x = q->head; x; prev = x, x = x->next) {
            if (x != p)
                continue;
            if (prev)
                prev->next = p->next;
            else
                q->head = p->next;
            if (q->tail == p)
                q->tail = prev;
            break;
        }
        if (!q->head)
            c->ready_bits &= ~(1u << p->prio);
        p->core = core;
        sched_enqueue(p);
        return;
    }
    p->core = core;
}

/* Returns the next ready process of core `c`, off its queue, or NULL. */
static struct proc *sched_pick(struct kcpu *c)
{
    for (int prio = NPRIO - 1; prio >= 0; prio--) {
        struct kcpu_runq *q = &c->runq[prio];
        struct proc *p = q->head;
        if (p) {
            q->head = p->next;
            if (!q->head) {
                q->tail = NULL;
                c->ready_bits &= ~(1u << prio);
            }
            p->next = NULL;
            return p;
        }
    }
    return NULL;
}

void sched_switch_aspace(struct proc *p)
{
    ktrace(TRC_EV_ASPACE, p->pid, p->pt_root, p->asid, 0, 0);
    arch_pt_switch(p->pt_root, p->asid);
}

void sched_arm_timer(void)
{
    uint64_t when = kcpu_self()->slice_end, d = ktimeout_next();
    if (d && d < when)
        when = d;
    timer_arm(when);
}

bool sched_slice_over(uint64_t now)
{
    return now >= kcpu_self()->slice_end;
}

bool sched_ready_above(unsigned prio)
{
    return sched_ready_above_inline(prio);
}

KPROBE_ANCHOR void sched_next(enum trc_switch_reason why)
{
    KPROBE_KEEP("r"(why));
    struct kcpu *c = kcpu_self();
    struct proc *prev = c->current;
    struct proc *p;
    while ((p = sched_pick(c)) == NULL) {
        if (proc_live_count() == 0) {
            uint32_t code = all_ended ? all_ended() : 0;
            kprintf("[kernel] all processes ended; powering off (exit code %u)\n", code);
            power_off(code);
        }
        /* Only a timed-out wait, or another core (through an
         * inter-processor interrupt), can make a process ready now: wake
         * up for the first deadline. With none, nothing can: the machine
         * sees a core waiting with no timer armed (a deadlock, when every
         * core waits so). */
        uint64_t d = ktimeout_next();
        if (d)
            timer_arm(d);
        klock_release();
        arch_wait();
        klock_acquire();
        irq_idle(); /* through the controller, as from user mode: waits that
                       timed out end (their processes become ready) */
    }
    p->state = PROC_RUNNING;
    if (p != prev) {
        ktrace(TRC_EV_SCHED_SWITCH, p->pid, prev ? prev->pid : 0, why, 0, 0);
        sched_switch_aspace(p);
    }
    c->current = p;
    c->slice_end = timer_now() + kcfg.quantum;
    sched_arm_timer();
    kernel_exit(&p->regs);
}
