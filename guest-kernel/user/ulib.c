/* guest-kernel/user/ulib.c: the user-mode library (see ulib.h). */
#include "user/ulib.h"

#include "fmt.h"

long u_print(const char *s, size_t n)
{
    return usys_call(SYS_PRINT, (long)s, (long)n, 0);
}

long u_getpid(void)
{
    return usys_call(SYS_GETPID, 0, 0, 0);
}

long u_cycles(void)
{
    return usys_call(SYS_CYCLES, 0, 0, 0);
}

long u_yield(void)
{
    return usys_call(SYS_YIELD, 0, 0, 0);
}

void u_exit(int code)
{
    for (;;)
        usys_call(SYS_EXIT, code, 0, 0);
}

size_t u_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

long u_port_create(uint32_t capacity)
{
    return usys_call(SYS_PORT_CREATE, capacity, 0, 0);
}

long u_port_close(ipc_cap_t port)
{
    return usys_call(SYS_PORT_CLOSE, (long)port, 0, 0);
}

long u_port_limit(ipc_cap_t port, uint64_t types, uint32_t max_len)
{
    return usys_call(SYS_PORT_LIMIT, (long)port, (long)types, max_len);
}

long u_port_rate(ipc_cap_t port, uint64_t period, uint64_t burst)
{
    return usys_call(SYS_PORT_RATE, (long)port, (long)period, (long)burst);
}

long u_send(ipc_cap_t port, const struct ipc_umsg *m, uint64_t timeout)
{
    return usys_call(SYS_SEND, (long)port, (long)m, (long)timeout);
}

long u_recv(ipc_cap_t port, struct ipc_umsg *m, uint64_t timeout)
{
    return usys_call(SYS_RECV, (long)port, (long)m, (long)timeout);
}

long u_try_send(ipc_cap_t port, const struct ipc_umsg *m)
{
    return usys_call(SYS_TRY_SEND, (long)port, (long)m, 0);
}

long u_try_recv(ipc_cap_t port, struct ipc_umsg *m)
{
    return usys_call(SYS_TRY_RECV, (long)port, (long)m, 0);
}

long u_cap_derive(ipc_cap_t cap, unsigned rights)
{
    return usys_call(SYS_CAP_DERIVE, (long)cap, rights, 0);
}

long u_cap_revoke(ipc_cap_t cap)
{
    return usys_call(SYS_CAP_REVOKE, (long)cap, 0, 0);
}

long u_cap_delete(ipc_cap_t cap)
{
    return usys_call(SYS_CAP_DELETE, (long)cap, 0, 0);
}

long u_call(ipc_cap_t port, struct ipc_regs *io, uint64_t timeout)
{
    io->cap = port;
    io->aux = timeout;
    return usys_ipc(SYS_CALL, io);
}

long u_recv_call(ipc_cap_t port, struct ipc_regs *io, uint64_t timeout)
{
    io->cap = port;
    io->aux = timeout;
    return usys_ipc(SYS_RECV_CALL, io);
}

long u_reply(ipc_cap_t reply, struct ipc_regs *io)
{
    io->cap = reply;
    return usys_ipc(SYS_REPLY, io);
}

long u_reply_recv(ipc_cap_t reply, struct ipc_regs *io, ipc_cap_t port)
{
    io->cap = reply;
    io->aux = port;
    return usys_ipc(SYS_REPLY_RECV, io);
}

long u_notif_create(void)
{
    return usys_call(SYS_NOTIF_CREATE, 0, 0, 0);
}

long u_notify(ipc_cap_t notif, uint64_t bits)
{
    return usys_call(SYS_NOTIFY, (long)notif, (long)bits, 0);
}

long u_wait(ipc_cap_t notif, uint64_t timeout)
{
    return usys_call(SYS_WAIT, (long)notif, (long)timeout, 0);
}

long u_poll(ipc_cap_t notif)
{
    return usys_call(SYS_POLL, (long)notif, 0, 0);
}

long u_peek(ipc_cap_t port, struct ipc_umsg *header)
{
    return usys_call(SYS_PEEK, (long)port, (long)header, 0);
}

long u_pull(ipc_cap_t port, void *buf, size_t size)
{
    return usys_call(SYS_PULL, (long)port, (long)buf, (long)size);
}

long u_discard(ipc_cap_t port)
{
    return usys_call(SYS_DISCARD, (long)port, 0, 0);
}

long u_name_bind(const char *name, ipc_cap_t port)
{
    return usys_call(SYS_NAME_BIND, (long)name, (long)u_strlen(name), (long)port);
}

long u_name_lookup(const char *name)
{
    return usys_call(SYS_NAME_LOOKUP, (long)name, (long)u_strlen(name), 0);
}

long u_name_unbind(const char *name)
{
    return usys_call(SYS_NAME_UNBIND, (long)name, (long)u_strlen(name), 0);
}

long u_region_create(size_t bytes)
{
    return usys_call(SYS_REGION_CREATE, (long)bytes, 0, 0);
}

long u_region_map(ipc_cap_t region)
{
    return usys_call(SYS_REGION_MAP, (long)region, 0, 0);
}

long u_region_unmap(ipc_cap_t region)
{
    return usys_call(SYS_REGION_UNMAP, (long)region, 0, 0);
}

long u_region_copy(ipc_cap_t region)
{
    return usys_call(SYS_REGION_COPY, (long)region, 0, 0);
}

long u_topic_create(void)
{
    return usys_call(SYS_TOPIC_CREATE, 0, 0, 0);
}

long u_topic_subscribe(ipc_cap_t topic, ipc_cap_t port)
{
    return usys_call(SYS_TOPIC_SUBSCRIBE, (long)topic, (long)port, 0);
}

long u_topic_unsubscribe(ipc_cap_t topic, ipc_cap_t port)
{
    return usys_call(SYS_TOPIC_UNSUBSCRIBE, (long)topic, (long)port, 0);
}

long u_publish(ipc_cap_t topic, const struct ipc_umsg *m)
{
    return usys_call(SYS_PUBLISH, (long)topic, (long)m, 0);
}

void u_msg_text(struct ipc_umsg *m, uint32_t opcode, const char *s)
{
    size_t n = u_strlen(s);
    m->opcode = opcode;
    m->len = (uint32_t)(n < IPC_MSG_MAX ? n : IPC_MSG_MAX);
    m->ncaps = 0;
    m->flags = 0;
    for (uint32_t i = 0; i < m->len; i++)
        m->data[i] = (uint8_t)s[i];
}

const char *u_strerror(long r)
{
    return r >= 0 ? "ok" : ipc_strerror((int)r);
}

void u_start(long fn, long arg)
{
    int (*f)(long) = (int (*)(long))fn;
    u_exit(f(arg));
}

long u_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_format(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return u_print(buf, n);
}
