/* guest-kernel/user/posix.c: a POSIX-style socket shim over ports (see
 * ulib.h). What it adds over native IPC is the translation: a reply port
 * capability derived and carried in every message, the name registry for
 * bind/connect, and copies between the caller's buffer and the message.
 * Every message hands the peer a send capability derived from the socket's
 * own, so that deleting it (close) also takes the peer's copies away. */
#include "user/ulib.h"

int px_socket(struct px_socket *s)
{
    long port = u_port_create(16);
    if (port < 0)
        return (int)port;
    long back = u_cap_derive((ipc_cap_t)port, IPC_RIGHT_SEND | IPC_RIGHT_GRANT);
    if (back < 0)
        return (int)back;
    s->self = (ipc_cap_t)port;
    s->back = (ipc_cap_t)back;
    s->peer = IPC_CAP_NULL;
    return 0;
}

int px_bind(struct px_socket *s, const char *name)
{
    return (int)u_name_bind(name, s->self);
}

int px_connect(struct px_socket *s, const char *name)
{
    long peer = u_name_lookup(name);
    if (peer < 0)
        return (int)peer;
    s->peer = (ipc_cap_t)peer;
    return 0;
}

long px_send(struct px_socket *s, const void *buf, size_t len)
{
    if (len > IPC_MSG_MAX)
        return IPC_ERR_MSG_TOO_LARGE;
    struct ipc_umsg m;
    m.opcode = 0;
    m.len = (uint32_t)len;
    m.flags = 0;
    const uint8_t *src = buf;
    for (size_t i = 0; i < len; i++)
        m.data[i] = src[i];
    m.ncaps = 1;
    m.caps[0] = s->back; /* the peer's copy derives from it: keep it alive */
    long r = u_send(s->peer, &m, IPC_FOREVER);
    return r < 0 ? r : (long)len;
}

long px_recv(struct px_socket *s, void *buf, size_t len)
{
    struct ipc_umsg m;
    long r = u_recv(s->self, &m, IPC_FOREVER);
    if (r < 0)
        return r;
    if (m.ncaps >= 1 && m.caps[0] != IPC_CAP_NULL) {
        if (s->peer != IPC_CAP_NULL)
            u_cap_delete(s->peer);
        s->peer = m.caps[0]; /* answer whoever wrote last */
    }
    for (unsigned i = 1; i < m.ncaps && i < IPC_MSG_CAPS; i++)
        if (m.caps[i] != IPC_CAP_NULL)
            u_cap_delete(m.caps[i]); /* a socket carries no others: do not pile them up */
    size_t n = m.len < len ? m.len : len;
    uint8_t *dst = buf;
    for (size_t i = 0; i < n; i++)
        dst[i] = m.data[i];
    return (long)n;
}

int px_close(struct px_socket *s, const char *bound_name)
{
    if (bound_name)
        u_name_unbind(bound_name);
    return (int)u_port_close(s->self);
}
