/* guest-kernel/user/programs.c: the programs the built-in demos run in user
 * mode. They own nothing but their stack; what they are told comes in their
 * argument. */
#include "user/ulib.h"

/* Burns about `n` loop iterations of compute (a few instructions each), so
 * the timer preempts the process in the middle. */
static long busy(long n)
{
    volatile long sink = 0;
    for (long i = 0; i < n; i++)
        sink += i;
    return sink;
}

int prog_printer(long which)
{
    static const char *const names[] = {"alpha", "beta", "gamma", "delta"};
    const char *me = names[which & 3];
    long pid = u_getpid();
    for (int i = 1; i <= 5; i++) {
        u_printf("%s: line %d of 5 (pid %ld)\n", me, i, pid);
        busy(4000);
    }
    return 0;
}

int prog_intruder(long kernel_addr)
{
    u_printf("intruder: reading kernel memory at %p\n", (void *)kernel_addr);
    volatile const uint64_t *p = (volatile const uint64_t *)kernel_addr;
    uint64_t v = *p;
    u_printf("intruder: read %lx: isolation is broken\n", (unsigned long)v);
    return 1;
}

int prog_spinner(long unused)
{
    (void)unused;
    u_printf("spinner: looping forever\n");
    for (volatile long i = 0;; i++)
        ;
}

int prog_syscall_storm(long calls)
{
    long pid = u_getpid();
    for (long i = 0; i < calls; i++)
        if (u_getpid() != pid)
            return 1;
    u_printf("storm: %ld system calls returned pid %ld\n", calls, pid);
    return 0;
}

int prog_yield_storm(long yields)
{
    for (long i = 0; i < yields; i++)
        if (u_yield() != 0)
            return 1;
    u_printf("yielder: %ld yields done\n", yields);
    return 0;
}

/* Recurses `limit` levels deep, 512 bytes a level: far past the end of the
 * stack's pages for any limit above a few dozen. */
static long deep(long n, long limit)
{
    volatile char frame[512];
    frame[0] = (char)n;
    if (n >= limit)
        return frame[0];
    return deep(n + 1, limit) + frame[0];
}

int prog_wild(long how)
{
    volatile uint64_t *p;
    switch (how) {
    case WILD_NULL_READ:
        p = (volatile uint64_t *)0;
        return (int)*p;
    case WILD_KERNEL_WRITE:
        p = (volatile uint64_t *)0x40100000UL; /* the kernel's first page */
        *p = 0xbad;
        return 1;
    case WILD_KERNEL_EXEC:
        ((void (*)(void))0x40100000UL)();
        return 1;
    case WILD_DEVICE_WRITE:
        p = (volatile uint64_t *)0x10002000UL; /* the power device */
        *p = 7;
        return 1;
    case WILD_FAR_READ:
        p = (volatile uint64_t *)0x7f0000000000UL;
        return (int)*p;
    case WILD_UNDEFINED:
        usys_undefined_insn();
        return 1;
    case WILD_PRIVILEGED:
        usys_privileged_insn();
        return 1;
    case WILD_BREAKPOINT:
        __builtin_debugtrap(); /* int3 / brk / ebreak */
        return 1;
    case WILD_NULL_CALL: {
        void (*volatile fn)(void) = 0;
        fn();
        return 1;
    }
    case WILD_STACK_OVERFLOW:
        return (int)deep(0, 1L << 40);
    case WILD_BAD_PRINT: {
        long r = u_print((const char *)0x40100000UL, 16);
        u_printf("badprint: printing kernel memory returned %ld\n", r);
        return r == KERR_FAULT ? 0 : 1;
    }
    default:
        return 1;
    }
}

/* ---- the ipc demo ---- */

/* Prints what `what` returned and whether that is `want`; returns 1 when
 * it is not (the programs add these up into their exit code). */
int demo_expect(const char *who, const char *what, long got, long want)
{
    u_printf("%s: %s -> %s%s\n", who, what, u_strerror(got),
             (got == want || (want == 0 && got >= 0)) ? "" : "  (UNEXPECTED)");
    return (got == want || (want == 0 && got >= 0)) ? 0 : 1;
}

/* Receives the client's messages, one of them carrying a capability, then
 * waits with a timeout that expires. */
int prog_ipc_server(long port)
{
    struct ipc_umsg m;
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        long r = u_recv((ipc_cap_t)port, &m, IPC_FOREVER);
        bad += demo_expect("server", "recv", r, 0);
        char text[IPC_MSG_MAX + 1];
        for (uint32_t k = 0; k < m.len && k < IPC_MSG_MAX; k++)
            text[k] = (char)m.data[k];
        text[m.len < IPC_MSG_MAX ? m.len : IPC_MSG_MAX] = '\0';
        u_printf("server: message %u from pid %u: \"%s\" (%u caps)\n", m.opcode, m.sender, text,
                 m.ncaps);
        if (m.ncaps == 1) {
            /* A send capability to the client's own port: answer there. */
            struct ipc_umsg ans;
            u_msg_text(&ans, 9, "thanks");
            bad += demo_expect("server", "send on the granted capability",
                               u_send(m.caps[0], &ans, 0), 0);
        }
    }
    bad += demo_expect("server", "recv with a 5000-cycle timeout",
                       u_recv((ipc_cap_t)port, &m, 5000), IPC_ERR_TIMEOUT);
    return bad;
}

/* Sends to the server on a send-only capability and tries what it may
 * not do. */
int prog_ipc_client(long send_only)
{
    ipc_cap_t port = (ipc_cap_t)send_only;
    struct ipc_umsg m;
    int bad = 0;
    u_msg_text(&m, 1, "hello over a port");
    bad += demo_expect("client", "send", u_send(port, &m, IPC_FOREVER), 0);
    u_msg_text(&m, 2, "second message");
    bad += demo_expect("client", "send", u_send(port, &m, IPC_FOREVER), 0);
    bad += demo_expect("client", "recv on a send-only capability", u_try_recv(port, &m),
                       IPC_ERR_INSUFFICIENT_RIGHTS);
    bad += demo_expect("client", "send on a forged token", u_send(port ^ 0x7, &m, 0),
                       IPC_ERR_INVALID_CAP);
    bad += demo_expect("client", "derive adding RECEIVE", u_cap_derive(port, IPC_RIGHTS_ALL),
                       IPC_ERR_INSUFFICIENT_RIGHTS);
    bad += demo_expect("client", "revoke without MANAGE", u_cap_revoke(port),
                       IPC_ERR_INSUFFICIENT_RIGHTS);
    m.len = IPC_MSG_MAX + 1;
    bad += demo_expect("client", "send 257 bytes", u_send(port, &m, 0), IPC_ERR_MSG_TOO_LARGE);
    bad += demo_expect("client", "send from a kernel pointer",
                       u_send(port, (const struct ipc_umsg *)0x40100000UL, 0), IPC_ERR_BAD_POINTER);
    /* A port of its own, and a send capability to it travels to the
     * server, which answers there. */
    long mine = u_port_create(4);
    bad += demo_expect("client", "port_create", mine, 0);
    u_msg_text(&m, 3, "a capability without GRANT");
    m.ncaps = 1;
    m.caps[0] = port; /* send-only: it may not travel */
    bad += demo_expect("client", "send a capability without GRANT", u_send(port, &m, 0),
                       IPC_ERR_INSUFFICIENT_RIGHTS);
    long give = u_cap_derive((ipc_cap_t)mine, IPC_RIGHT_SEND | IPC_RIGHT_GRANT);
    u_msg_text(&m, 3, "here is a reply capability");
    m.ncaps = 1;
    m.caps[0] = (ipc_cap_t)give;
    bad += demo_expect("client", "send with a capability", u_send(port, &m, IPC_FOREVER), 0);
    u_msg_text(&m, 4, "last one");
    bad += demo_expect("client", "send", u_send(port, &m, IPC_FOREVER), 0);
    struct ipc_umsg ans;
    bad += demo_expect("client", "recv the answer", u_recv((ipc_cap_t)mine, &ans, IPC_FOREVER), 0);
    return bad;
}

/* One port, every limit: full queue, empty queue, filter, rate limit,
 * revocation (also of a cached capability), close. */
int prog_ipc_owner(long unused)
{
    (void)unused;
    struct ipc_umsg m;
    int bad = 0;
    ipc_cap_t port = (ipc_cap_t)u_port_create(2);
    bad += demo_expect("owner", "port_create(2)", (long)port, 0);
    u_msg_text(&m, 5, "x");
    bad += demo_expect("owner", "try_send 1", u_try_send(port, &m), 0);
    bad += demo_expect("owner", "try_send 2", u_try_send(port, &m), 0);
    bad += demo_expect("owner", "try_send 3", u_try_send(port, &m), IPC_ERR_PORT_FULL);
    bad += demo_expect("owner", "try_recv 1", u_try_recv(port, &m), 0);
    bad += demo_expect("owner", "try_recv 2", u_try_recv(port, &m), 0);
    bad += demo_expect("owner", "try_recv 3", u_try_recv(port, &m), IPC_ERR_WOULD_BLOCK);
    long child = u_cap_derive(port, IPC_RIGHT_SEND);
    bad += demo_expect("owner", "derive send-only", child, 0);
    bad +=
        demo_expect("owner", "send on the derived capability", u_try_send((ipc_cap_t)child, &m), 0);
    bad += demo_expect("owner", "revoke", u_cap_revoke(port), 0);
    bad += demo_expect("owner", "send on it after revoke (it was cached)",
                       u_try_send((ipc_cap_t)child, &m), IPC_ERR_INVALID_CAP);
    long child2 = u_cap_derive(port, IPC_RIGHT_SEND);
    bad += demo_expect("owner", "delete a derived capability", u_cap_delete((ipc_cap_t)child2), 0);
    bad += demo_expect("owner", "send on the deleted one", u_try_send((ipc_cap_t)child2, &m),
                       IPC_ERR_INVALID_CAP);
    bad +=
        demo_expect("owner", "filter: only opcode 5, 8 bytes", u_port_limit(port, 1u << 5, 8), 0);
    u_msg_text(&m, 6, "y");
    bad += demo_expect("owner", "send opcode 6", u_try_send(port, &m), IPC_ERR_FILTERED);
    u_msg_text(&m, 5, "123456789");
    bad += demo_expect("owner", "send 9 bytes", u_try_send(port, &m), IPC_ERR_MSG_TOO_LARGE);
    bad += demo_expect("owner", "drain", u_try_recv(port, &m), 0);
    /* A window far longer than anything that can come between the two
     * sends (preemption, console output), whatever the CPU profile. */
    bad += demo_expect("owner", "rate: 1 per 50000000 cycles", u_port_rate(port, 50000000, 1), 0);
    u_msg_text(&m, 5, "z");
    bad += demo_expect("owner", "send", u_try_send(port, &m), 0);
    bad += demo_expect("owner", "send again at once", u_try_send(port, &m), IPC_ERR_RATE_LIMITED);
    bad += demo_expect("owner", "close", u_port_close(port), 0);
    bad += demo_expect("owner", "send after close", u_try_send(port, &m), IPC_ERR_PORT_CLOSED);
    return bad;
}

/* Waits on a port another process closes. */
int prog_ipc_waiter(long recv_only)
{
    struct ipc_umsg m;
    u_msg_text(&m, 1, "x");
    int bad = demo_expect("waiter", "send on a receive-only capability",
                          u_try_send((ipc_cap_t)recv_only, &m), IPC_ERR_INSUFFICIENT_RIGHTS);
    return bad + demo_expect("waiter", "recv until the port closes",
                             u_recv((ipc_cap_t)recv_only, &m, 0), IPC_ERR_PORT_CLOSED);
}

/* Lets the waiter block, then closes the port under it. */
int prog_ipc_closer(long port)
{
    for (int i = 0; i < 3; i++)
        u_yield();
    return demo_expect("closer", "close the port", u_port_close((ipc_cap_t)port), 0);
}

/* ---- call / reply (message registers, the fast path) ---- */

#define RPC_CALLS 6

/* Zeroes *io field by field: user code has no memset (an aggregate
 * initialiser would call the kernel's, which user mode cannot run). */
static void regs_clear(struct ipc_regs *io)
{
    io->cap = io->info = io->aux = io->badge = 0;
    for (int k = 0; k < 8; k++)
        io->mr[k] = 0;
}

/* Answers calls: each reply carries the request's words plus one, with
 * opcode + 100. The first call comes from the queue (the client called
 * before the server waited); the rest arrive while it waits in
 * reply_recv. */
int prog_rpc_server(long port)
{
    struct ipc_regs io;
    int bad = 0;
    regs_clear(&io);
    long r = u_recv_call((ipc_cap_t)port, &io, IPC_FOREVER);
    for (int i = 0; i < RPC_CALLS && r == 0; i++) {
        if (io.aux == IPC_CAP_NULL)
            bad++;
        ipc_cap_t reply = io.aux;
        uint32_t op = IPC_INFO_OPCODE(io.info);
        for (int k = 0; k < 8; k++)
            io.mr[k] += 1;
        io.info = IPC_INFO(op + 100, IPC_INFO_LEN(io.info));
        if (i + 1 < RPC_CALLS) {
            r = u_reply_recv(reply, &io, (ipc_cap_t)port);
        } else {
            r = u_reply(reply, &io);
            bad += demo_expect("rpcserver", "reply to the last call", r, 0);
        }
    }
    bad += demo_expect("rpcserver", "served every call", r, 0);
    /* Stay alive, not serving, while the client's next call times out:
     * a receive with a timeout on a port of its own is a sleep. */
    struct ipc_umsg m;
    long own = u_port_create(1);
    bad += demo_expect("rpcserver", "sleep 2000000 cycles", u_recv((ipc_cap_t)own, &m, 2000000),
                       IPC_ERR_TIMEOUT);
    return bad;
}

/* Calls the server RPC_CALLS times with 64 bytes in the registers and
 * checks every reply; then tries what a call may not do. */
int prog_rpc_client(long send_only)
{
    ipc_cap_t port = (ipc_cap_t)send_only;
    int bad = 0;
    for (int i = 0; i < RPC_CALLS; i++) {
        struct ipc_regs io;
        regs_clear(&io);
        io.info = IPC_INFO(i, IPC_INLINE_MAX);
        for (int k = 0; k < 8; k++)
            io.mr[k] = (uint64_t)(i * 8 + k);
        long r = u_call(port, &io, IPC_FOREVER);
        int ok = r == 0 && IPC_INFO_OPCODE(io.info) == (uint32_t)(100 + i);
        for (int k = 0; k < 8; k++)
            ok = ok && io.mr[k] == (uint64_t)(i * 8 + k + 1);
        u_printf("rpcclient: call %d -> %s%s\n", i, u_strerror(r), ok ? "" : "  (UNEXPECTED)");
        bad += !ok;
    }
    struct ipc_regs io;
    regs_clear(&io);
    io.info = IPC_INFO(1, IPC_INLINE_MAX + 1);
    bad += demo_expect("rpcclient", "call with 65 bytes in registers", u_call(port, &io, 0),
                       IPC_ERR_MSG_TOO_LARGE);
    io.info = IPC_INFO(1, 8);
    bad += demo_expect("rpcclient", "reply on a port capability", u_reply(port, &io),
                       IPC_ERR_INVALID_CAP);
    bad += demo_expect("rpcclient", "call on a forged capability",
                       u_call(port + (1ULL << 32), &io, 0), IPC_ERR_INVALID_CAP);
    /* Nobody serves any more: the call times out. */
    bad += demo_expect("rpcclient", "call with a 20000-cycle timeout", u_call(port, &io, 20000),
                       IPC_ERR_TIMEOUT);
    return bad;
}

/* ---- notify-then-pull, peek-then-receive, the name registry ---- */

#define PULL_ROUNDS 3
#define PULL_PER_ROUND 4

/* Binds the port "sink", then sleeps on the notification; each time it
 * wakes it drains the queue: peeks at each message's header, pulls the
 * body into a buffer of the right size, and discards opcode 99. */
int prog_pull_consumer(long notif)
{
    int bad = 0;
    ipc_cap_t port = (ipc_cap_t)u_port_create(64);
    bad += demo_expect("consumer", "bind \"sink\"", u_name_bind("sink", port), 0);
    bad +=
        demo_expect("consumer", "bind \"sink\" again", u_name_bind("sink", port), IPC_ERR_EXISTS);
    bad +=
        demo_expect("consumer", "look up \"nobody\"", u_name_lookup("nobody"), IPC_ERR_NOT_FOUND);
    int pulled = 0, discarded = 0, wakeups = 0;
    while (pulled + discarded < PULL_ROUNDS * PULL_PER_ROUND) {
        long bits = u_wait((ipc_cap_t)notif, IPC_FOREVER);
        if (bits <= 0)
            return bad + demo_expect("consumer", "wait", bits, 1);
        wakeups++;
        struct ipc_umsg h;
        long len;
        while ((len = u_peek(port, &h)) >= 0) {
            if (h.opcode == 99) {
                bad += demo_expect("consumer", "discard opcode 99", u_discard(port), 0);
                discarded++;
                continue;
            }
            uint8_t small[64], big[IPC_MSG_MAX];
            if (len > 64) /* too large for the small buffer: it stays queued */
                bad += demo_expect("consumer", "pull 200 bytes into 64", u_pull(port, small, 64),
                                   IPC_ERR_MSG_TOO_LARGE);
            long got =
                len <= 64 ? u_pull(port, small, sizeof small) : u_pull(port, big, sizeof big);
            if (got != len || (len == 200 && big[199] != 199))
                bad += demo_expect("consumer", "pull", got, len);
            pulled++;
        }
        bad += demo_expect("consumer", "peek an empty queue", len, IPC_ERR_WOULD_BLOCK);
    }
    u_printf("consumer: %d pulled, %d discarded, in %d wake-ups\n", pulled, discarded, wakeups);
    bad += demo_expect("consumer", "poll with nothing pending", u_poll((ipc_cap_t)notif), 0);
    return bad + (pulled == PULL_ROUNDS * (PULL_PER_ROUND - 1) ? 0 : 1);
}

/* Finds "sink" by name, then in rounds queues messages (one large, one
 * to be discarded) and notifies once per round. */
int prog_pull_producer(long notif_send)
{
    int bad = 0;
    long sink;
    while ((sink = u_name_lookup("sink")) == IPC_ERR_NOT_FOUND)
        u_yield();
    bad += demo_expect("producer", "look up \"sink\"", sink, 0);
    bad += demo_expect("producer", "unbind a name it did not bind", u_name_unbind("sink"),
                       IPC_ERR_NOT_FOUND);
    struct ipc_umsg m;
    for (int round = 0; round < PULL_ROUNDS; round++) {
        u_msg_text(&m, 1, "small");
        bad += demo_expect("producer", "queue a small message", u_try_send((ipc_cap_t)sink, &m), 0);
        u_msg_text(&m, 99, "junk");
        bad += demo_expect("producer", "queue opcode 99", u_try_send((ipc_cap_t)sink, &m), 0);
        u_msg_text(&m, 2, "");
        m.len = 200;
        for (int i = 0; i < 200; i++)
            m.data[i] = (uint8_t)i;
        bad +=
            demo_expect("producer", "queue a 200-byte message", u_try_send((ipc_cap_t)sink, &m), 0);
        u_msg_text(&m, 3, "tail");
        bad += demo_expect("producer", "queue another", u_try_send((ipc_cap_t)sink, &m), 0);
        bad += demo_expect("producer", "notify", u_notify((ipc_cap_t)notif_send, 1u << round), 0);
        u_yield();
    }
    return bad;
}

/* ---- bulk data by region transfer ---- */

#define BULK_BYTES 16384

/* Returns a checksum of n bytes at p. */
static uint64_t sum_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

/* Sends 16 KiB twice without copying it through the kernel: a region
 * moved (zero-copy: it loses the region), then a copy of a second one
 * (which it keeps and changes afterwards). The checksum goes in the
 * message. */
int prog_bulk_sender(long unused)
{
    (void)unused;
    int bad = 0;
    long to;
    while ((to = u_name_lookup("bulk")) == IPC_ERR_NOT_FOUND)
        u_yield();
    long rg = u_region_create(BULK_BYTES);
    bad += demo_expect("bulksender", "region_create 16 KiB", rg, 0);
    long va = u_region_map((ipc_cap_t)rg);
    bad += demo_expect("bulksender", "region_map", va, 0);
    if (va <= 0)
        return bad + 1;
    uint8_t *p = (uint8_t *)va;
    for (int i = 0; i < BULK_BYTES; i++)
        p[i] = (uint8_t)(i * 7);
    struct ipc_umsg m;
    u_msg_text(&m, 7, "moved");
    uint64_t sum = sum_bytes(p, BULK_BYTES);
    m.len = 8;
    for (int k = 0; k < 8; k++)
        m.data[k] = (uint8_t)(sum >> (8 * k));
    m.ncaps = 1;
    m.caps[0] = (ipc_cap_t)rg;
    m.flags = IPC_UMSG_MOVE;
    bad += demo_expect("bulksender", "send the region (move)", u_send((ipc_cap_t)to, &m, 0), 0);
    /* Moved: its capability is gone (its mapping went with it). */
    bad += demo_expect("bulksender", "map the moved region", u_region_map((ipc_cap_t)rg),
                       IPC_ERR_INVALID_CAP);
    /* A copy: the receiver gets the contents as they are now. */
    long keep = u_region_create(BULK_BYTES);
    uint8_t *q = (uint8_t *)u_region_map((ipc_cap_t)keep);
    for (int i = 0; i < BULK_BYTES; i++)
        q[i] = (uint8_t)(i * 3);
    sum = sum_bytes(q, BULK_BYTES);
    long copy = u_region_copy((ipc_cap_t)keep);
    bad += demo_expect("bulksender", "region_copy", copy, 0);
    q[0] ^= 0xff; /* after the copy: the receiver must not see this */
    bad += demo_expect("bulksender", "unmap its own region", u_region_unmap((ipc_cap_t)keep), 0);
    bad += demo_expect("bulksender", "map it again", u_region_map((ipc_cap_t)keep),
                       (long)(uintptr_t)q);
    bad += demo_expect("bulksender", "map it a second time through a read-only copy",
                       u_region_map((ipc_cap_t)u_cap_derive((ipc_cap_t)keep, IPC_RIGHT_RECEIVE)),
                       IPC_ERR_EXISTS);
    u_msg_text(&m, 8, "copied");
    m.len = 8;
    for (int k = 0; k < 8; k++)
        m.data[k] = (uint8_t)(sum >> (8 * k));
    m.ncaps = 1;
    m.caps[0] = (ipc_cap_t)copy;
    m.flags = IPC_UMSG_MOVE;
    bad += demo_expect("bulksender", "send the copy", u_send((ipc_cap_t)to, &m, 0), 0);
    return bad;
}

/* Receives both regions, maps them and checks their contents. */
int prog_bulk_receiver(long unused)
{
    (void)unused;
    int bad = 0;
    ipc_cap_t port = (ipc_cap_t)u_port_create(4);
    bad += demo_expect("bulkreceiver", "bind \"bulk\"", u_name_bind("bulk", port), 0);
    for (int n = 0; n < 2; n++) {
        struct ipc_umsg m;
        bad += demo_expect("bulkreceiver", "recv", u_recv(port, &m, IPC_FOREVER), 0);
        uint64_t want = 0;
        for (int k = 0; k < 8; k++)
            want |= (uint64_t)m.data[k] << (8 * k);
        long va = m.ncaps == 1 ? u_region_map(m.caps[0]) : IPC_ERR_INVALID_CAP;
        bad += demo_expect("bulkreceiver", "map the region it got", va, 0);
        if (va <= 0)
            return bad + 1;
        uint64_t got = sum_bytes((const uint8_t *)va, BULK_BYTES);
        u_printf("bulkreceiver: %s region of %d bytes, checksum %s\n",
                 m.opcode == 7 ? "moved" : "copied", BULK_BYTES,
                 got == want ? "matches" : "DIFFERS (UNEXPECTED)");
        bad += got != want;
    }
    return bad;
}

/* Moves a mapped region to itself through a port, then reads it where it
 * was mapped before: the move took the mapping away, so this faults (the
 * kernel kills it for a read fault). */
int prog_region_mover(long unused)
{
    (void)unused;
    ipc_cap_t port = (ipc_cap_t)u_port_create(1);
    long rg = u_region_create(4096);
    volatile uint8_t *p = (volatile uint8_t *)u_region_map((ipc_cap_t)rg);
    p[0] = 42;
    struct ipc_umsg m;
    u_msg_text(&m, 1, "");
    m.ncaps = 1;
    m.caps[0] = (ipc_cap_t)rg;
    m.flags = IPC_UMSG_MOVE;
    demo_expect("mover", "send the region to itself (move)", u_send(port, &m, 0), 0);
    demo_expect("mover", "receive it", u_recv(port, &m, 0), 0);
    u_printf("mover: reading the region where it was mapped before the move\n");
    return p[0] == 42 ? 1 : 2; /* not reached: the read faults */
}
