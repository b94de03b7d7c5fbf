/* scenarios/students/echo.c: an echo server, a student's program
 * (echo.json runs it). It answers every call on its port "svc" with the
 * caller's own message, `calls` times, then exits with 0. */
#include <ipcemu.h>

int main(void)
{
    long svc = ipcemu_cap("svc");
    if (svc < 0) {
        u_printf("echo: no port svc: %s\n", u_strerror(svc));
        return 1;
    }
    struct ipc_regs r;
    memset(&r, 0, sizeof r);
    long rc = u_recv_call(svc, &r, IPC_FOREVER);
    for (int served = 1; rc == 0; served++) {
        /* r holds the request; answering with it unchanged is the echo */
        if (served == 30)
            return u_reply(r.aux, &r) == 0 ? 0 : 2;
        rc = u_reply_recv(r.aux, &r, svc);
    }
    u_printf("echo: %s\n", u_strerror(rc));
    return 3;
}
