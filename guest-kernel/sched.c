/* guest-kernel/sched.c: preemptive priority round-robin. One FIFO per
 * priority; the highest non-empty one runs; the timer ends a time slice and
 * sends the process to the back of its FIFO. */
#include "kernel.h"

struct runq {
    struct proc *head, *tail;
};

static struct runq runq[NPRIO];
uint32_t sched_ready_bits;          /* bit q: runq[q] is not empty */
static uint64_t slice_end;          /* cycle the running process's time slice ends */
static uint32_t (*all_ended)(void); /* sched_on_all_ended: the exit code */

void sched_on_all_ended(uint32_t (*verdict)(void))
{
    all_ended = verdict;
}

void sched_enqueue(struct proc *p)
{
    p->state = PROC_READY;
    p->next = NULL;
    struct runq *q = &runq[p->prio];
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    sched_ready_bits |= 1u << p->prio;
}

/* Returns the next ready process, off its queue, or NULL. */
static struct proc *sched_pick(void)
{
    for (int prio = NPRIO - 1; prio >= 0; prio--) {
        struct runq *q = &runq[prio];
        struct proc *p = q->head;
        if (p) {
            q->head = p->next;
            if (!q->head) {
                q->tail = NULL;
                sched_ready_bits &= ~(1u << prio);
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
    uint64_t when = slice_end, d = ktimeout_next();
    if (d && d < when)
        when = d;
    timer_arm(when);
}

bool sched_slice_over(uint64_t now)
{
    return now >= slice_end;
}

bool sched_ready_above(unsigned prio)
{
    return sched_ready_above_inline(prio);
}

KPROBE_ANCHOR void sched_next(enum trc_switch_reason why)
{
    KPROBE_KEEP("r"(why));
    struct proc *prev = kcpu_self()->current;
    struct proc *p;
    while ((p = sched_pick()) == NULL) {
        if (proc_live_count() == 0) {
            uint32_t code = all_ended ? all_ended() : 0;
            kprintf("[kernel] all processes ended; powering off (exit code %u)\n", code);
            power_off(code);
        }
        /* Only a timed-out wait can make a process ready now: wake up for
         * the first one. With none, nothing can: the machine sees a core
         * waiting with no timer armed (a deadlock). */
        uint64_t d = ktimeout_next();
        if (d)
            timer_arm(d);
        arch_wait();
        irq_idle(); /* through the controller, as from user mode: waits that
                       timed out end (their processes become ready) */
    }
    p->state = PROC_RUNNING;
    if (p != prev) {
        ktrace(TRC_EV_SCHED_SWITCH, p->pid, prev ? prev->pid : 0, why, 0, 0);
        sched_switch_aspace(p);
    }
    kcpu_self()->current = p;
    slice_end = timer_now() + kcfg.quantum;
    sched_arm_timer();
    arch_enter_user(&p->regs);
}
