/* guest-kernel/syscall.c: system calls. Each is split into decode (checks
 * that may fail and return an error) and invoke (cannot fail). */
#include "kernel.h"

/* SYS_PRINT: copies the user's bytes to the console. */
static long sys_print(uintptr_t buf, uintptr_t len)
{
    if (len > PRINT_MAX)
        return KERR_INVALID;
    if (!proc_user_range_ok(current, buf, len, false))
        return KERR_FAULT;
    kwrite((const char *)buf, len);
    return (long)len;
}

long syscall_dispatch(struct arch_regs *r)
{
    uintptr_t nr = arch_syscall_nr(r);
    ktrace(TRC_EV_SYSCALL, current->pid, nr, 0, 0, 0);
    switch (nr) {
    case SYS_PRINT:
        return sys_print(arch_syscall_arg(r, 0), arch_syscall_arg(r, 1));
    case SYS_GETPID:
        return current->pid;
    case SYS_CYCLES:
        return (long)timer_now();
    default:
        if (nr >= SYS_PORT_CREATE && nr <= SYS_IPC_LAST)
            return kipc_syscall(current, nr, r);
        return KERR_NOSYS;
    }
}
