/* guest-kernel/kfastpath.h: what the entry stubs (arch/<arch>/trap.S)
 * need to send a system call to the fast path (kfastpath.c): the numbers
 * of the two calls it takes (abi/syscall_nr.h; checked in kfastpath.c).
 * Assembler-safe. */
#ifndef IPCEMU_KERNEL_KFASTPATH_H
#define IPCEMU_KERNEL_KFASTPATH_H

#define KFP_SYS_CALL 21       /* SYS_CALL: fastpath_call(cap, info) */
#define KFP_SYS_REPLY_RECV 24 /* SYS_REPLY_RECV: fastpath_reply_recv(reply, info) */

#endif
