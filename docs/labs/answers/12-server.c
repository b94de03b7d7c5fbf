/* docs/labs/answers/12-server.c: lab 12's answer. The server answers each
 * call with the caller's own message and waits for the next in one system
 * call, reply_recv, so a client that calls again finds it waiting and takes
 * the fast path. Returns 0 when it served 20 calls, 1 when a call failed. */
#include <ipcemu.h>

int main(void)
{
    long svc = ipcemu_cap("svc");
    struct ipc_regs r;
    memset(&r, 0, sizeof r);
    long rc = u_recv_call(svc, &r, IPC_FOREVER);
    for (int served = 1; rc == 0; served++) {
        if (served == 20)
            return u_reply(r.aux, &r) == 0 ? 0 : 1;
        rc = u_reply_recv(r.aux, &r, svc);
    }
    u_printf("server: %s\n", u_strerror(rc));
    return 1;
}
