/* guest-kernel/trap.c: what the kernel does with a trap from user mode:
 * system calls, interrupts (irq.c), and faults (the process is killed with a fault
 * record, the kernel goes on). */
#include "kernel.h"

/* Returns the fault cause for a trap. */
static enum trc_fault fault_of(const struct trap *t)
{
    if (t->kind == TRAP_UNDEF)
        return TRC_FAULT_UNDEF;
    if (t->kind != TRAP_PAGE_FAULT)
        return TRC_FAULT_OTHER;
    switch (t->access) {
    case TRAP_ACCESS_WRITE:
        return TRC_FAULT_WRITE;
    case TRAP_ACCESS_EXEC:
        return TRC_FAULT_EXEC;
    default:
        return TRC_FAULT_READ;
    }
}

void trap_from_user(struct arch_regs *frame, const struct trap *t)
{
    klock_acquire();
    struct proc *p = kcpu_self()->current;
    /* The entry stub saved the registers straight into current->regs, where
     * arch_enter_user pointed the save (TSS.RSP0, SP_EL1, sscratch). */
    if (!p || p->state != PROC_RUNNING || frame != &p->regs)
        panic("trap_from_user: no running process, or its registers not saved in it");
    switch (t->kind) {
    case TRAP_SYSCALL: /* syscall.c: one table by number */
        arch_syscall_set_ret(&p->regs, (uintptr_t)syscall_dispatch(&p->regs));
        kernel_exit(&p->regs);
    case TRAP_IRQ:
        irq_from_user(p); /* irq.c: claim, dispatch by line, complete */
    case TRAP_PAGE_FAULT:
    case TRAP_UNDEF:
    case TRAP_OTHER:
        break;
    }
    proc_kill(p, fault_of(t), t->pc, t->addr);
    sched_next(TRC_SWITCH_KILL);
}
