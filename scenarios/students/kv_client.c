/* scenarios/students/kv_client.c: puts 16 pairs into the key-value server
 * on "kv", reads them back and one key it never put, then tells the server
 * it is done. Exits with 0 when every answer was right. */
#include <ipcemu.h>

#include "kv.h"

/* Calls the server with `op`, key and value; returns the reply's status
 * (KV_OK, KV_MISSING) with the value in *out, or a negative error. */
static long kv_call(long kv, uint32_t op, uint64_t key, uint64_t value, uint64_t *out)
{
    struct ipc_regs r;
    memset(&r, 0, sizeof r);
    r.info = IPC_INFO(op, 16);
    r.mr[0] = key;
    r.mr[1] = value;
    long rc = u_call(kv, &r, IPC_FOREVER);
    if (rc < 0)
        return rc;
    *out = r.mr[0];
    return IPC_INFO_OPCODE(r.info);
}

int main(void)
{
    long kv = ipcemu_cap("kv");
    uint64_t v;
    int wrong = 0;
    for (uint64_t k = 1; k <= 16; k++)
        wrong += kv_call(kv, KV_PUT, k * 7, k * k, &v) != KV_OK;
    for (uint64_t k = 1; k <= 16; k++)
        wrong += kv_call(kv, KV_GET, k * 7, 0, &v) != KV_OK || v != k * k;
    wrong += kv_call(kv, KV_GET, 5, 0, &v) != KV_MISSING;
    wrong += kv_call(kv, KV_DONE, 0, 0, &v) != KV_OK;
    u_printf("kv_client: %d wrong answers\n", wrong);
    return wrong ? 1 : 0;
}
