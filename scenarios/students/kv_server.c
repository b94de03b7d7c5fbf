/* scenarios/students/kv_server.c: a key-value server (kv.json). It keeps
 * up to 64 pairs in a table of its own (globals are the process's own) and
 * serves KV_PUT and KV_GET calls on its port "kv" until a KV_DONE call. */
#include <ipcemu.h>

#include "kv.h"

#define KV_MAX 64

static uint64_t keys[KV_MAX], values[KV_MAX];
static unsigned used;

/* Returns the index of `key` in the table, or -1. */
static int find(uint64_t key)
{
    for (unsigned i = 0; i < used; i++)
        if (keys[i] == key)
            return (int)i;
    return -1;
}

/* Does what request *r asks and writes the answer into *r; returns false
 * for KV_DONE. */
static bool serve(struct ipc_regs *r)
{
    uint32_t op = IPC_INFO_OPCODE(r->info);
    int at = find(r->mr[0]);
    uint32_t status = KV_OK;
    if (op == KV_PUT) {
        if (at < 0 && used < KV_MAX) {
            at = (int)used++;
            keys[at] = r->mr[0];
        }
        if (at >= 0)
            values[at] = r->mr[1];
        else
            status = KV_MISSING; /* full */
    } else if (op == KV_GET) {
        status = at >= 0 ? KV_OK : KV_MISSING;
        r->mr[0] = at >= 0 ? values[at] : 0;
    }
    r->info = IPC_INFO(status, 8);
    return op != KV_DONE;
}

int main(void)
{
    long kv = ipcemu_cap("kv");
    struct ipc_regs r;
    memset(&r, 0, sizeof r);
    long rc = u_recv_call(kv, &r, IPC_FOREVER);
    while (rc == 0) {
        if (!serve(&r))
            return u_reply(r.aux, &r) == 0 ? 0 : 2;
        rc = u_reply_recv(r.aux, &r, kv);
    }
    u_printf("kv_server: %s\n", u_strerror(rc));
    return 1;
}
