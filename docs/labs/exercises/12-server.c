/* docs/labs/exercises/12-server.c: lab 12's exercise, a server a student
 * finishes. It takes 20 calls on its port "svc" but answers none, so its
 * client waits for ever and the run ends in a deadlock. Make it answer every
 * call (with the caller's own message) so that 12-server.json's expectations
 * hold: the server exits with 0 and at least 18 round trips take the fast
 * path. Returns 0 when it served 20 calls, 1 when a call failed. */
#include <ipcemu.h>

int main(void)
{
    long svc = ipcemu_cap("svc");
    struct ipc_regs r;
    memset(&r, 0, sizeof r);
    for (int served = 0; served < 20; served++) {
        long rc = u_recv_call(svc, &r, IPC_FOREVER);
        if (rc != 0) {
            u_printf("server: %s\n", u_strerror(rc));
            return 1;
        }
        /* TODO: answer the caller; its reply capability is r.aux */
    }
    return 0;
}
