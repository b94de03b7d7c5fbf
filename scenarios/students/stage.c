/* scenarios/students/stage.c: a pipeline stage (pipeline.json). It takes
 * each message from its port "in", adds 1 to every payload byte and
 * passes it on to "out" with the next opcode, until `count` messages went
 * through; a message it cannot pass on ends it with exit code 1. */
#include <ipcemu.h>

int main(void)
{
    long in = ipcemu_cap("in"), out = ipcemu_cap("out");
    static struct ipc_umsg m; /* 320 bytes: kept off the stack */
    for (int count = 0; count < 20; count++) {
        long rc = u_recv(in, &m, IPC_FOREVER);
        if (rc == 0) {
            for (uint32_t i = 0; i < m.len; i++)
                m.data[i]++;
            m.opcode++;
            m.ncaps = 0;
            rc = u_send(out, &m, IPC_FOREVER);
        }
        if (rc != 0) {
            u_printf("stage: message %d: %s\n", count, u_strerror(rc));
            return 1;
        }
    }
    return 0;
}
