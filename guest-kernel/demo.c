/* guest-kernel/demo.c: the built-in demos `ipcemu boot --demo` selects,
 * and the check of how they ended (the exit code the kernel powers off
 * with: 0 when every process ended as the demo expects). */
#include "kernel.h"
#include "user/ulib.h"

#define PRIO_DEFAULT 1

/* What a demo process is expected to do. */
struct expect {
    uint32_t pid;
    enum proc_state state; /* PROC_EXITED or PROC_KILLED */
    int exit_code;         /* PROC_EXITED */
    enum trc_fault fault;  /* PROC_KILLED: cause */
    enum trc_fault fault2; /* PROC_KILLED: an also acceptable cause, or 0 */
};

static struct expect expects[NPROC];
static unsigned nexpects;
static bool demo_broken; /* a process could not be created */

/* Creates a process and records what it should end with; returns it (or
 * NULL, which breaks the demo). */
static struct proc *spawn(const char *name, unsigned prio, int (*fn)(long), long arg,
                          enum proc_state state, int code, enum trc_fault fault,
                          enum trc_fault fault2)
{
    struct proc *p = proc_create(name, prio, (uintptr_t)fn, (uintptr_t)arg);
    if (!p) {
        kprintf("[kernel] cannot create process %s\n", name);
        demo_broken = true;
        return NULL;
    }
    expects[nexpects++] = (struct expect){p->pid, state, code, fault, fault2};
    return p;
}

/* Gives `p` the capability `tok` as its argument (before it first runs). */
static void hand(struct proc *p, long tok)
{
    if (!p || tok < 0) {
        kprintf("[kernel] demo: cannot hand over a capability (%ld)\n", tok);
        demo_broken = true;
        return;
    }
    proc_set_arg(p, (uintptr_t)tok);
}

/* Call / reply: the client starts first, so its first call is queued
 * (slow path); the server then waits in reply_recv (fast path). The kernel
 * creates the server's port and grants the client a send capability. */
static void spawn_rpc_pair(void)
{
    struct proc *rc = spawn("rpcclient", PRIO_DEFAULT, prog_rpc_client, 0, PROC_EXITED, 0, 0, 0);
    struct proc *rs = spawn("rpcserver", PRIO_DEFAULT, prog_rpc_server, 0, PROC_EXITED, 0, 0, 0);
    if (rc && rs) {
        long rpc = kport_create(rs, 8);
        hand(rs, rpc);
        hand(rc, kipc_grant(rs, (ipc_cap_t)rpc, rc, IPC_RIGHT_SEND));
    }
}

/* The ladder: a server of the default priority and callers one, two and
 * zero steps above it (see prog_ladder_server). */
static void spawn_ladder(void)
{
    struct proc *srv = spawn("ladder", PRIO_DEFAULT, prog_ladder_server, 0, PROC_EXITED, 0, 0, 0);
    struct proc *callers[3] = {
        spawn("ladderhi", PRIO_DEFAULT + 2, prog_ladder_high, 0, PROC_EXITED, 0, 0, 0),
        spawn("laddermid", PRIO_DEFAULT + 1, prog_ladder_mid, 0, PROC_EXITED, 0, 0, 0),
        spawn("ladderlo", PRIO_DEFAULT, prog_ladder_low, 0, PROC_EXITED, 0, 0, 0),
    };
    if (!srv)
        return;
    long port = kport_create(srv, 4);
    hand(srv, port);
    for (int i = 0; i < 3; i++)
        if (callers[i])
            hand(callers[i], kipc_grant(srv, (ipc_cap_t)port, callers[i], IPC_RIGHT_SEND));
}

/* The ipc demo: the kernel creates the ports and grants the capabilities
 * the processes start with. */
static void demo_ipc(void)
{
    struct proc *server = spawn("server", PRIO_DEFAULT, prog_ipc_server, 0, PROC_EXITED, 0, 0, 0);
    struct proc *client = spawn("client", PRIO_DEFAULT, prog_ipc_client, 0, PROC_EXITED, 0, 0, 0);
    spawn("owner", PRIO_DEFAULT, prog_ipc_owner, 0, PROC_EXITED, 0, 0, 0);
    struct proc *waiter = spawn("waiter", PRIO_DEFAULT, prog_ipc_waiter, 0, PROC_EXITED, 0, 0, 0);
    struct proc *closer = spawn("closer", PRIO_DEFAULT, prog_ipc_closer, 0, PROC_EXITED, 0, 0, 0);
    if (!server || !client || !waiter || !closer)
        return;
    long port = kport_create(server, 16);
    hand(server, port);
    hand(client, kipc_grant(server, (ipc_cap_t)port, client, IPC_RIGHT_SEND));
    spawn_rpc_pair();
    /* Notify-then-pull: the kernel gives the consumer a notification and
     * the producer a send-only capability to it; the port goes by name. */
    struct proc *cons =
        spawn("consumer", PRIO_DEFAULT, prog_pull_consumer, 0, PROC_EXITED, 0, 0, 0);
    struct proc *prod =
        spawn("producer", PRIO_DEFAULT, prog_pull_producer, 0, PROC_EXITED, 0, 0, 0);
    if (cons && prod) {
        long n = knotif_create(cons);
        hand(cons, n);
        hand(prod, kipc_grant(cons, (ipc_cap_t)n, prod, IPC_RIGHT_SEND));
    }
    spawn("bulkreceiver", PRIO_DEFAULT, prog_bulk_receiver, 0, PROC_EXITED, 0, 0, 0);
    spawn("bulksender", PRIO_DEFAULT, prog_bulk_sender, 0, PROC_EXITED, 0, 0, 0);
    spawn("mover", PRIO_DEFAULT, prog_region_mover, 0, PROC_KILLED, 0, TRC_FAULT_READ, 0);
    /* Topics: the publisher holds the topic; subscribers may only receive. */
    struct proc *pub = spawn("publisher", PRIO_DEFAULT, prog_publisher, 0, PROC_EXITED, 0, 0, 0);
    if (pub) {
        long topic = ktopic_create(pub);
        hand(pub, topic);
        for (int i = 0; i < 3; i++) {
            struct proc *sub =
                spawn("subscriber", PRIO_DEFAULT, prog_subscriber, 0, PROC_EXITED, 0, 0, 0);
            if (sub)
                hand(sub, kipc_grant(pub, (ipc_cap_t)topic, sub, IPC_RIGHT_RECEIVE));
        }
    }
    spawn("chanconsumer", PRIO_DEFAULT, prog_chan_consumer, 0, PROC_EXITED, 0, 0, 0);
    spawn("chanproducer", PRIO_DEFAULT, prog_chan_producer, 0, PROC_EXITED, 0, 0, 0);
    spawn("pxserver", PRIO_DEFAULT, prog_px_server, 0, PROC_EXITED, 0, 0, 0);
    spawn("pxclient", PRIO_DEFAULT, prog_px_client, 0, PROC_EXITED, 0, 0, 0);
    spawn("rudeserver", PRIO_DEFAULT, prog_rude_server, 0, PROC_EXITED, 0, 0, 0);
    spawn("rudeclient", PRIO_DEFAULT, prog_rude_client, 0, PROC_EXITED, 0, 0, 0);
    spawn("parker", PRIO_DEFAULT, prog_region_parker, 0, PROC_EXITED, 0, 0, 0);
    spawn("rgowner", PRIO_DEFAULT, prog_region_owner, 0, PROC_EXITED, 0, 0, 0);
    spawn("lender", PRIO_DEFAULT, prog_lender, 0, PROC_EXITED, 0, 0, 0);
    spawn("borrower", PRIO_DEFAULT, prog_borrower, 0, PROC_EXITED, 0, 0, 0);
    struct proc *low = spawn("lowsrv", PRIO_DEFAULT, prog_low_server, 0, PROC_EXITED, 0, 0, 0);
    struct proc *hi =
        spawn("hicaller", PRIO_DEFAULT + 1, prog_high_caller, 0, PROC_EXITED, 0, 0, 0);
    if (low && hi) {
        long lp = kport_create(low, 2);
        hand(low, lp);
        hand(hi, kipc_grant(low, (ipc_cap_t)lp, hi, IPC_RIGHT_SEND));
    }
    spawn_ladder();
    long shut = kport_create(closer, 4);
    hand(closer, shut);
    hand(waiter, kipc_grant(closer, (ipc_cap_t)shut, waiter, IPC_RIGHT_RECEIVE));
}

/* Spawns a process expected to exit with code 0. */
static void spawn_ok(const char *name, int (*fn)(long), long arg)
{
    spawn(name, PRIO_DEFAULT, fn, arg, PROC_EXITED, 0, 0, 0);
}

/* Spawns a process expected to be killed for `fault` (or `fault2`). */
static void spawn_bad(const char *name, int (*fn)(long), long arg, enum trc_fault fault,
                      enum trc_fault fault2)
{
    spawn(name, PRIO_DEFAULT, fn, arg, PROC_KILLED, 0, fault, fault2);
}

void demo_start(uint32_t demo)
{
    if (demo == BOOT_DEMO_SCENARIO) {
        /* The host checks a scenario's expectations; the kernel's verdict
         * only says whether it could set it up. */
        if (scenario_start(kcfg.scenario, kcfg.scenario_size) != 0)
            demo_broken = true;
        return;
    }
    switch (demo) {
    case BOOT_DEMO_SPIN:
        spawn_ok("alpha", prog_printer, 0);
        spawn_ok("spinner", prog_spinner, 0);
        break;
    case BOOT_DEMO_STORM:
        spawn_ok("caller", prog_syscall_storm, 20000);
        spawn_ok("yielder", prog_yield_storm, 3000);
        for (int i = 0; i < 6; i++)
            spawn_bad("crasher", prog_wild, WILD_NULL_READ, TRC_FAULT_READ, 0);
        for (int i = 0; i < 4; i++)
            spawn_bad("undef", prog_wild, WILD_UNDEFINED, TRC_FAULT_UNDEF, 0);
        break;
    case BOOT_DEMO_WILD:
        spawn_bad("nullread", prog_wild, WILD_NULL_READ, TRC_FAULT_READ, 0);
        spawn_bad("kwrite", prog_wild, WILD_KERNEL_WRITE, TRC_FAULT_WRITE, 0);
        spawn_bad("kexec", prog_wild, WILD_KERNEL_EXEC, TRC_FAULT_EXEC, 0);
        spawn_bad("devpoke", prog_wild, WILD_DEVICE_WRITE, TRC_FAULT_WRITE, 0);
        spawn_bad("farread", prog_wild, WILD_FAR_READ, TRC_FAULT_READ, 0);
        spawn_bad("undef", prog_wild, WILD_UNDEFINED, TRC_FAULT_UNDEF, 0);
        /* A privileged instruction is an undefined one at user level on
         * AArch64 and RISC-V, a general-protection fault on x86. */
        spawn_bad("priv", prog_wild, WILD_PRIVILEGED, TRC_FAULT_UNDEF, TRC_FAULT_OTHER);
        spawn_bad("overflow", prog_wild, WILD_STACK_OVERFLOW, TRC_FAULT_WRITE, 0);
        spawn_bad("breakpoint", prog_wild, WILD_BREAKPOINT, TRC_FAULT_OTHER, 0);
        spawn_bad("nullcall", prog_wild, WILD_NULL_CALL, TRC_FAULT_EXEC, 0);
        spawn_ok("badprint", prog_wild, WILD_BAD_PRINT);
        break;
    case BOOT_DEMO_IPC:
        demo_ipc();
        break;
    case BOOT_DEMO_HELLO:
    default:
        spawn_ok("alpha", prog_printer, 0);
        spawn_ok("beta", prog_printer, 1);
        spawn_ok("gamma", prog_printer, 2);
        /* Higher priority: it runs (and dies) before the printers start. */
        spawn("intruder", PRIO_DEFAULT + 1, prog_intruder, (long)(uintptr_t)&kcfg, PROC_KILLED, 0,
              TRC_FAULT_READ, 0);
        /* The IPC part: call / reply on the fast path after a first call
         * on the slow path (queued), a forged capability refused; a queue
         * filled and drained, a revoked capability refused though cached. */
        spawn_rpc_pair();
        spawn_ok("owner", prog_ipc_owner, 0);
        break;
    }
}

/* Returns the process with `pid`, or NULL. */
static const struct proc *find_pid(uint32_t pid)
{
    for (unsigned i = 0, n = proc_slots_used(); i < n; i++)
        if (proc_slot(i)->pid == pid && proc_slot(i)->state != PROC_FREE)
            return proc_slot(i);
    return NULL;
}

uint32_t demo_verdict(void)
{
    uint32_t failed = demo_broken ? 1 : 0;
    for (unsigned i = 0; i < nexpects; i++) {
        const struct expect *e = &expects[i];
        const struct proc *p = find_pid(e->pid);
        bool ok = p && p->state == e->state;
        if (ok && e->state == PROC_EXITED)
            ok = p->exit_code == e->exit_code;
        if (ok && e->state == PROC_KILLED)
            ok = p->fault == e->fault || (e->fault2 && p->fault == e->fault2);
        if (!ok) {
            kprintf("[kernel] demo: pid %u did not end as expected\n", e->pid);
            failed++;
        }
    }
    return failed;
}
