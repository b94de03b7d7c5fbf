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
