/* guest-kernel/ktimeout.c: timed waits. A process that blocks with a
 * timeout gets a deadline (a cycle of the core's clock); the scheduler arms
 * the timer for the earliest one, and the timer interrupt (or the idle
 * loop) expires the waits that are due: their owner (IPC) ends each with
 * Timeout. The processes with a deadline are kept on a list, so finding the
 * earliest costs the number of timed waits, not of processes. */
#include "kernel.h"

static struct proc *timed_head; /* processes with a deadline, unordered */

uint64_t ktimeout_deadline(uint64_t timeout)
{
    if (!timeout)
        return 0;
    uint64_t now = timer_now();
    return timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout;
}

void ktimeout_update(struct proc *p, uint64_t deadline)
{
    bool listed = p->deadline != 0;
    p->deadline = deadline;
    if (deadline && !listed) {
        p->tprev = NULL;
        p->tnext = timed_head;
        if (timed_head)
            timed_head->tprev = p;
        timed_head = p;
    } else if (!deadline && listed) {
        if (p->tprev)
            p->tprev->tnext = p->tnext;
        else
            timed_head = p->tnext;
        if (p->tnext)
            p->tnext->tprev = p->tprev;
        p->tprev = p->tnext = NULL;
    }
}

/* Returns the blocked process whose deadline is the earliest (the lowest
 * pid among equals), or NULL. */
static struct proc *ktimeout_first(void)
{
    struct proc *best = NULL;
    for (struct proc *p = timed_head; p; p = p->tnext)
        if (p->state == PROC_BLOCKED && (!best || p->deadline < best->deadline ||
                                         (p->deadline == best->deadline && p->pid < best->pid)))
            best = p;
    return best;
}

void ktimeout_expire(uint64_t now)
{
    /* Earliest first; waking one may change the others, so look again. */
    struct proc *p;
    while ((p = ktimeout_first()) != NULL && p->deadline <= now)
        kipc_wait_expired(p);
}

uint64_t ktimeout_next(void)
{
    struct proc *p = ktimeout_first();
    return p ? p->deadline : 0;
}
