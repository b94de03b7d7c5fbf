/* guest-kernel/user/programs_async.c: demo programs for topics,
 * asynchronous channels and the POSIX shim. */
#include "user/ulib.h"

#define SUBSCRIBERS 3
#define NEWS 3

/* Waits until every subscriber said it is ready (a message each on the
 * port named "newsdesk"), then publishes NEWS items once each. */
int prog_publisher(long topic)
{
    int bad = 0;
    ipc_cap_t desk = (ipc_cap_t)u_port_create(8);
    bad += demo_expect("publisher", "bind \"newsdesk\"", u_name_bind("newsdesk", desk), 0);
    struct ipc_umsg m;
    for (int i = 0; i < SUBSCRIBERS; i++)
        bad += demo_expect("publisher", "a subscriber is ready", u_recv(desk, &m, IPC_FOREVER), 0);
    for (int i = 0; i < NEWS; i++) {
        u_msg_text(&m, (uint32_t)(10 + i), "news");
        long n = u_publish((ipc_cap_t)topic, &m);
        u_printf("publisher: item %d reached %ld subscribers\n", i, n);
        bad += n != SUBSCRIBERS;
    }
    m.ncaps = 1;
    m.caps[0] = desk;
    bad += demo_expect("publisher", "publish a capability", u_publish((ipc_cap_t)topic, &m),
                       IPC_ERR_INVALID_ARG);
    bad += demo_expect("publisher", "subscribe without RECEIVE on the port",
                       u_topic_subscribe((ipc_cap_t)topic, (ipc_cap_t)u_name_lookup("newsdesk")),
                       IPC_ERR_INSUFFICIENT_RIGHTS);
    return bad;
}

/* Subscribes a port of its own, says it is ready, and receives every
 * item. */
int prog_subscriber(long topic_recv)
{
    int bad = 0;
    ipc_cap_t port = (ipc_cap_t)u_port_create(8);
    bad +=
        demo_expect("subscriber", "subscribe", u_topic_subscribe((ipc_cap_t)topic_recv, port), 0);
    bad += demo_expect("subscriber", "publish without SEND", u_publish((ipc_cap_t)topic_recv, 0),
                       IPC_ERR_INSUFFICIENT_RIGHTS);
    long desk;
    while ((desk = u_name_lookup("newsdesk")) == IPC_ERR_NOT_FOUND)
        u_yield();
    struct ipc_umsg m;
    u_msg_text(&m, 1, "ready");
    bad += demo_expect("subscriber", "say ready", u_send((ipc_cap_t)desk, &m, IPC_FOREVER), 0);
    int got = 0;
    for (int i = 0; i < NEWS; i++)
        if (u_recv(port, &m, IPC_FOREVER) == 0 && m.opcode == (uint32_t)(10 + i))
            got++;
    u_printf("subscriber %ld: %d of %d items\n", u_getpid(), got, NEWS);
    return bad + (got != NEWS);
}

#define CHAN_MSGS 24
#define CHAN_BATCH 8

/* Creates a channel, gives the producer its end on a port named "chan",
 * then takes CHAN_MSGS messages, counting the wake-ups it needed. */
int prog_chan_consumer(long unused)
{
    (void)unused;
    int bad = 0;
    struct chan c;
    bad += demo_expect("chanconsumer", "chan_create(16 x 32)", chan_create(&c, 16, 32), 0);
    ipc_cap_t port = (ipc_cap_t)u_port_create(2);
    bad += demo_expect("chanconsumer", "bind \"chan\"", u_name_bind("chan", port), 0);
    struct ipc_umsg m;
    bad += demo_expect("chanconsumer", "recv the producer's hello", u_recv(port, &m, 0), 0);
    bad += demo_expect("chanconsumer", "give the producer its end", chan_give(&c, m.caps[0]), 0);
    uint32_t sum = 0;
    for (int i = 0; i < CHAN_MSGS; i++) {
        uint32_t v = 0;
        long n = chan_recv(&c, &v, sizeof v);
        if (n != (long)sizeof v || v != (uint32_t)i)
            bad++;
        sum += v;
    }
    u_printf("chanconsumer: %d messages in order, sum %u\n", CHAN_MSGS, sum);
    return bad;
}

/* Asks for a channel, then sends CHAN_MSGS messages in batches of
 * CHAN_BATCH: one system call (the notify) per batch. */
int prog_chan_producer(long unused)
{
    (void)unused;
    int bad = 0;
    long port;
    while ((port = u_name_lookup("chan")) == IPC_ERR_NOT_FOUND)
        u_yield();
    ipc_cap_t mine = (ipc_cap_t)u_port_create(2);
    struct ipc_umsg m;
    u_msg_text(&m, 1, "hello");
    m.ncaps = 1;
    m.caps[0] = (ipc_cap_t)u_cap_derive(mine, IPC_RIGHT_SEND | IPC_RIGHT_GRANT);
    bad += demo_expect("chanproducer", "ask for a channel", u_send((ipc_cap_t)port, &m, 0), 0);
    bad += demo_expect("chanproducer", "recv its end", u_recv(mine, &m, IPC_FOREVER), 0);
    struct chan c;
    bad += demo_expect("chanproducer", "chan_accept", chan_accept(&c, &m), 0);
    uint32_t vals[CHAN_BATCH];
    const void *ptrs[CHAN_BATCH];
    uint32_t lens[CHAN_BATCH];
    int batches = 0;
    for (int next = 0; next < CHAN_MSGS;) {
        uint32_t n = 0;
        for (; n < CHAN_BATCH && next + (int)n < CHAN_MSGS; n++) {
            vals[n] = (uint32_t)(next + (int)n);
            ptrs[n] = &vals[n];
            lens[n] = sizeof vals[n];
        }
        long sent = chan_send_batch(&c, ptrs, lens, n);
        if (sent <= 0) {
            u_yield(); /* full: let the consumer drain */
            continue;
        }
        next += (int)sent;
        batches++;
    }
    u_printf("chanproducer: %d messages in %d batches (one system call each)\n", CHAN_MSGS,
             batches);
    return bad;
}

/* An echo server on the POSIX shim. */
int prog_px_server(long unused)
{
    (void)unused;
    int bad = 0;
    struct px_socket s;
    bad += demo_expect("pxserver", "socket", px_socket(&s), 0);
    bad += demo_expect("pxserver", "bind \"echo\"", px_bind(&s, "echo"), 0);
    char buf[64];
    for (int i = 0; i < 3; i++) {
        long n = px_recv(&s, buf, sizeof buf);
        bad += demo_expect("pxserver", "recv", n, 0);
        if (n > 0)
            bad += demo_expect("pxserver", "send it back", px_send(&s, buf, (size_t)n), n);
    }
    bad += demo_expect("pxserver", "close", px_close(&s, "echo"), 0);
    return bad;
}

/* Talks to the echo server through the shim. */
int prog_px_client(long unused)
{
    (void)unused;
    int bad = 0;
    struct px_socket s;
    bad += demo_expect("pxclient", "socket", px_socket(&s), 0);
    int r;
    while ((r = px_connect(&s, "echo")) == IPC_ERR_NOT_FOUND)
        u_yield();
    bad += demo_expect("pxclient", "connect \"echo\"", r, 0);
    static const char *const words[3] = {"one", "two", "three"};
    for (int i = 0; i < 3; i++) {
        char back[64];
        long len = (long)u_strlen(words[i]);
        bad += demo_expect("pxclient", "send", px_send(&s, words[i], (size_t)len), len);
        long n = px_recv(&s, back, sizeof back);
        int same = n == len;
        for (long k = 0; same && k < n; k++)
            same = back[k] == words[i][k];
        u_printf("pxclient: \"%s\" came back %s\n", words[i],
                 same ? "intact" : "CHANGED (UNEXPECTED)");
        bad += !same;
    }
    bad += demo_expect("pxclient", "close", px_close(&s, 0), 0);
    return bad;
}

/* ---- regression scenarios: what a hostile or careless server does ---- */

/* Looks a name up until it is bound. */
static ipc_cap_t lookup_wait(const char *name)
{
    long t;
    while ((t = u_name_lookup(name)) == IPC_ERR_NOT_FOUND)
        u_yield();
    return (ipc_cap_t)t;
}

/* A server that closes its port before reply_recv, discards a queued
 * call, and deletes a reply capability instead of answering: none of that
 * may crash the kernel or leave the caller waiting for ever. */
int prog_rude_server(long unused)
{
    (void)unused;
    int bad = 0;
    ipc_cap_t a = (ipc_cap_t)u_port_create(4), b = (ipc_cap_t)u_port_create(4),
              c = (ipc_cap_t)u_port_create(4);
    u_name_bind("rude-a", a);
    u_name_bind("rude-b", b);
    u_name_bind("rude-c", c);
    struct ipc_regs io;
    io.info = 0;
    bad += demo_expect("rudeserver", "recv_call on a", u_recv_call(a, &io, IPC_FOREVER), 0);
    ipc_cap_t r1 = io.aux;
    bad += demo_expect("rudeserver", "close a", u_port_close(a), 0);
    io.info = IPC_INFO(1, 0);
    bad += demo_expect("rudeserver", "reply_recv on the closed port", u_reply_recv(r1, &io, a),
                       IPC_ERR_PORT_CLOSED);
    struct ipc_umsg h;
    while (u_peek(b, &h) == IPC_ERR_WOULD_BLOCK)
        u_yield();
    bad +=
        demo_expect("rudeserver", "pull a call", u_pull(b, &h, sizeof h.data), IPC_ERR_INVALID_ARG);
    bad += demo_expect("rudeserver", "discard a call", u_discard(b), 0);
    bad += demo_expect("rudeserver", "recv_call on c", u_recv_call(c, &io, IPC_FOREVER), 0);
    /* The kernel's fixed reply slot (kcall.c) refuses a token of another
     * generation (forged) and the one of the call already answered (stale). */
    ipc_cap_t r3 = io.aux;
    io.info = IPC_INFO(1, 0);
    bad += demo_expect("rudeserver", "reply with a forged reply capability",
                       u_reply(r3 + ((ipc_cap_t)1 << IPC_TOK_GEN_SHIFT), &io), IPC_ERR_INVALID_CAP);
    bad += demo_expect("rudeserver", "reply with the answered call's", u_reply(r1, &io),
                       IPC_ERR_INVALID_CAP);
    bad += demo_expect("rudeserver", "derive a reply capability", u_cap_derive(r3, 1),
                       IPC_ERR_INVALID_ARG);
    bad += demo_expect("rudeserver", "delete it unanswered", u_cap_delete(r3), 0);
    bad += demo_expect("rudeserver", "reply with it after the delete", u_reply(r3, &io),
                       IPC_ERR_INVALID_CAP);
    return bad;
}

/* Calls the rude server three times; every call ends. */
int prog_rude_client(long unused)
{
    (void)unused;
    int bad = 0;
    struct ipc_regs io;
    io.info = IPC_INFO(1, 0);
    bad += demo_expect("rudeclient", "call a (answered, then the port closes)",
                       u_call(lookup_wait("rude-a"), &io, IPC_FOREVER), 0);
    io.info = IPC_INFO(2, 0);
    bad += demo_expect("rudeclient", "call b (discarded)",
                       u_call(lookup_wait("rude-b"), &io, IPC_FOREVER), IPC_ERR_PORT_CLOSED);
    io.info = IPC_INFO(3, 0);
    bad += demo_expect("rudeclient", "call c (reply capability deleted)",
                       u_call(lookup_wait("rude-c"), &io, IPC_FOREVER), IPC_ERR_PORT_CLOSED);
    return bad;
}

/* Receives into a region it got from the owner: once while the sender
 * maps the region read-only (the kernel writes through the receiver's own
 * page tables), once after the owner revoked it (BadPointer: the message
 * stays queued and nothing is written). */
int prog_region_parker(long unused)
{
    (void)unused;
    int bad = 0;
    ipc_cap_t port = (ipc_cap_t)u_port_create(4);
    u_name_bind("parker", port);
    ipc_cap_t owner = lookup_wait("rgowner");
    struct ipc_umsg m;
    bad += demo_expect("parker", "recv the region", u_recv(port, &m, IPC_FOREVER), 0);
    long va = u_region_map(m.caps[0]);
    bad += demo_expect("parker", "map it", va, 0);
    if (va <= 0)
        return bad + 1;
    struct ipc_umsg *inside = (struct ipc_umsg *)va;
    for (int round = 0; round < 2; round++) {
        u_msg_text(&m, 1, "parking");
        u_send(owner, &m, IPC_FOREVER); /* then park at once */
        long r = u_recv(port, inside, IPC_FOREVER);
        if (round == 0)
            bad += demo_expect("parker", "recv into the region", r, 0) ||
                   demo_expect("parker", "message in the region", inside->opcode, 42) ||
                   demo_expect("parker", "the moved region came with it",
                               u_region_map(inside->caps[0]), 0);
        else
            bad += demo_expect("parker", "recv into the revoked region", r, IPC_ERR_BAD_POINTER);
    }
    bad += demo_expect("parker", "the message is still queued", u_try_recv(port, &m), 0);
    return bad;
}

/* Owns the region the parker receives into. */
int prog_region_owner(long unused)
{
    (void)unused;
    int bad = 0;
    ipc_cap_t port = (ipc_cap_t)u_port_create(4);
    u_name_bind("rgowner", port);
    ipc_cap_t parker = lookup_wait("parker");
    ipc_cap_t g = (ipc_cap_t)u_region_create(4096);
    struct ipc_umsg m;
    u_msg_text(&m, 1, "a region");
    m.ncaps = 1;
    m.caps[0] = (ipc_cap_t)u_cap_derive(g, IPC_RIGHT_SEND | IPC_RIGHT_RECEIVE | IPC_RIGHT_GRANT);
    bad += demo_expect("rgowner", "give the parker a region", u_send(parker, &m, IPC_FOREVER), 0);
    /* Map it read-only itself, through a receive-only copy. */
    bad += demo_expect("rgowner", "map it read-only",
                       u_region_map((ipc_cap_t)u_cap_derive(g, IPC_RIGHT_RECEIVE)), 0);
    bad += demo_expect("rgowner", "the parker parks", u_recv(port, &m, IPC_FOREVER), 0);
    u_msg_text(&m, 42, "into your region");
    /* Carrying a mapped region that moves: its unmapping (a page-table
     * reload) happens while the kernel delivers into the parker's region. */
    ipc_cap_t r1 = (ipc_cap_t)u_region_create(4096);
    bad += demo_expect("rgowner", "map a region to move", u_region_map(r1), 0);
    m.ncaps = 1;
    m.caps[0] = r1;
    m.flags = IPC_UMSG_MOVE;
    bad += demo_expect("rgowner", "send into it (moving a region)", u_send(parker, &m, IPC_FOREVER),
                       0);
    m.ncaps = 0;
    m.flags = 0;
    bad += demo_expect("rgowner", "the parker parks again", u_recv(port, &m, IPC_FOREVER), 0);
    bad += demo_expect("rgowner", "revoke the region", u_cap_revoke(g), 0);
    u_msg_text(&m, 43, "after the revoke");
    bad += demo_expect("rgowner", "send again", u_send(parker, &m, IPC_FOREVER), 0);
    return bad;
}

/* Lends a region (every right, a child of its own) and a receive-only
 * capability to its port; after the borrower moved the region to itself,
 * revokes it: the moved copy must die too. */
int prog_lender(long unused)
{
    (void)unused;
    int bad = 0;
    ipc_cap_t port = (ipc_cap_t)u_port_create(4);
    u_name_bind("lender", port);
    ipc_cap_t to = lookup_wait("borrower");
    ipc_cap_t g = (ipc_cap_t)u_region_create(4096);
    struct ipc_umsg m;
    u_msg_text(&m, 1, "a loan");
    m.ncaps = 2;
    m.caps[0] = (ipc_cap_t)u_cap_derive(g, IPC_RIGHTS_ALL);
    m.caps[1] = (ipc_cap_t)u_cap_derive(port, IPC_RIGHT_RECEIVE | IPC_RIGHT_GRANT);
    bad += demo_expect("lender", "lend a region", u_send(to, &m, IPC_FOREVER), 0);
    bad += demo_expect("lender", "wait for the move", u_recv(port, &m, IPC_FOREVER), 0);
    bad += demo_expect("lender", "revoke the loan", u_cap_revoke(g), 0);
    u_msg_text(&m, 2, "revoked");
    bad += demo_expect("lender", "say so", u_send(to, &m, IPC_FOREVER), 0);
    return bad;
}

/* Tries to keep a revoked loan by moving it to itself, to publish into a
 * port it may only receive from, and to use up the region table. */
int prog_borrower(long unused)
{
    (void)unused;
    int bad = 0;
    ipc_cap_t port = (ipc_cap_t)u_port_create(4);
    u_name_bind("borrower", port);
    ipc_cap_t lender = lookup_wait("lender");
    struct ipc_umsg m;
    bad += demo_expect("borrower", "get the loan", u_recv(port, &m, IPC_FOREVER), 0);
    ipc_cap_t loan = m.caps[0], ro = m.caps[1];
    u_msg_text(&m, 3, "to myself");
    m.ncaps = 1;
    m.caps[0] = loan;
    m.flags = IPC_UMSG_MOVE;
    bad += demo_expect("borrower", "move the loan to itself", u_send(port, &m, 0), 0);
    bad += demo_expect("borrower", "receive it back", u_recv(port, &m, 0), 0);
    ipc_cap_t mine = m.caps[0];
    long topic = u_topic_create();
    bad += demo_expect("borrower", "subscribe a receive-only port to its topic",
                       u_topic_subscribe((ipc_cap_t)topic, ro), IPC_ERR_INSUFFICIENT_RIGHTS);
    bad += demo_expect("borrower", "subscribe its own port", u_topic_subscribe(topic, port), 0);
    bad += demo_expect("borrower", "subscribe it twice", u_topic_subscribe(topic, port),
                       IPC_ERR_EXISTS);
    u_msg_text(&m, 4, "moved");
    m.ncaps = 0;
    m.flags = 0;
    bad += demo_expect("borrower", "tell the lender", u_send(lender, &m, IPC_FOREVER), 0);
    bad += demo_expect("borrower", "wait for the revoke", u_recv(port, &m, IPC_FOREVER), 0);
    bad += demo_expect("borrower", "map the moved loan after the revoke", u_region_map(mine),
                       IPC_ERR_INVALID_CAP);
    int made = 0;
    for (int i = 0; i < 80; i++) {
        long r = u_region_create(4096);
        if (r >= 0 && u_cap_delete((ipc_cap_t)r) == 0)
            made++;
    }
    u_printf("borrower: %d of 80 regions created and deleted\n", made);
    /* The kernel never takes pages back: a process has a quota of region
     * pages for its life (256), so it cannot eat everybody's RAM. */
    int big = 0;
    long r;
    while ((r = u_region_create(65536)) >= 0) {
        u_cap_delete((ipc_cap_t)r);
        big++;
    }
    u_printf("borrower: %d more 64 KiB regions, then %s\n", big, u_strerror(r));
    return bad + (made != 80) + (big != 11);
}

/* A low-priority server answering a higher-priority caller with a plain
 * reply: the caller runs first, and the server's reply still returns 0. */
int prog_low_server(long port)
{
    int bad = 0;
    struct ipc_regs io;
    io.info = 0;
    bad += demo_expect("lowsrv", "recv_call", u_recv_call((ipc_cap_t)port, &io, IPC_FOREVER), 0);
    io.info = IPC_INFO(7, 0);
    bad += demo_expect("lowsrv", "reply to a higher-priority caller", u_reply(io.aux, &io), 0);
    return bad;
}

/* `calls` calls on `port` with opcode `op`, each answered with opcode
 * `answer`. */
static int calls_answered(const char *who, const char *what, long port, uint32_t op, int calls,
                          long answer)
{
    int bad = 0;
    for (int i = 0; i < calls; i++) {
        struct ipc_regs io;
        io.info = IPC_INFO(op, 0);
        bad += demo_expect(who, what, u_call((ipc_cap_t)port, &io, IPC_FOREVER), 0);
        bad += demo_expect(who, "its answer", (long)IPC_INFO_OPCODE(io.info), answer);
    }
    return bad;
}

int prog_high_caller(long port)
{
    return calls_answered("hicaller", "call a lower-priority server", port, 1, 1, 7);
}

/* The ladder: callers at three priorities (high, middle, low) call one
 * server of low base priority. Holding the high caller's reply capability,
 * the server runs at the high priority; it answers the middle caller (now
 * ready, but below the server) and then the low one with reply_recv. The
 * reply must not hand the CPU straight to the low caller past the ready
 * middle one: the next call the server sees is the middle caller's second,
 * not the low caller's. Opcodes name the callers: 1 high, 2 middle, 3 low. */
int prog_ladder_server(long port)
{
    int bad = 0;
    ipc_cap_t reply[4] = {0};
    struct ipc_regs io;
    for (int i = 0; i < 3; i++) {
        io.info = 0;
        bad +=
            demo_expect("ladder", "recv_call", u_recv_call((ipc_cap_t)port, &io, IPC_FOREVER), 0);
        unsigned op = (unsigned)IPC_INFO_OPCODE(io.info);
        if (op >= 1 && op <= 3)
            reply[op] = io.aux;
    }
    io.info = IPC_INFO(10, 0);
    bad += demo_expect("ladder", "answer the middle caller", u_reply(reply[2], &io), 0);
    io.info = IPC_INFO(10, 0);
    bad += demo_expect("ladder", "answer the low caller, then wait",
                       u_reply_recv(reply[3], &io, (ipc_cap_t)port), 0);
    bad += demo_expect("ladder", "the next call is the middle caller's",
                       (long)IPC_INFO_OPCODE(io.info), 2);
    io.info = IPC_INFO(10, 0);
    bad += demo_expect("ladder", "answer it", u_reply(io.aux, &io), 0);
    io.info = 0;
    bad += demo_expect("ladder", "recv_call", u_recv_call((ipc_cap_t)port, &io, IPC_FOREVER), 0);
    bad += demo_expect("ladder", "then the low caller's", (long)IPC_INFO_OPCODE(io.info), 3);
    io.info = IPC_INFO(10, 0);
    bad += demo_expect("ladder", "answer it", u_reply(io.aux, &io), 0);
    io.info = IPC_INFO(10, 0);
    bad += demo_expect("ladder", "answer the high caller", u_reply(reply[1], &io), 0);
    return bad;
}

int prog_ladder_high(long port)
{
    return calls_answered("ladderhi", "call the ladder", port, 1, 1, 10);
}

int prog_ladder_mid(long port)
{
    return calls_answered("laddermid", "call the ladder", port, 2, 2, 10);
}

int prog_ladder_low(long port)
{
    return calls_answered("ladderlo", "call the ladder", port, 3, 2, 10);
}
