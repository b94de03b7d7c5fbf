/* guest-kernel/syscall_nr.h: system-call numbers, shared by the kernel and
 * the user library. Results are >= 0 on success, a negative enum kerr. */
#ifndef IPCEMU_KERNEL_SYSCALL_NR_H
#define IPCEMU_KERNEL_SYSCALL_NR_H

#define SYS_PRINT 1  /* (const char *buf, size_t len) -> bytes printed */
#define SYS_YIELD 2  /* () -> 0 */
#define SYS_EXIT 3   /* (int code) -> does not return */
#define SYS_GETPID 4 /* () -> pid */

enum kerr {
    KERR_OK = 0,
    KERR_NOSYS = -1,   /* no such system call */
    KERR_FAULT = -2,   /* a pointer the process may not use */
    KERR_INVALID = -3, /* an argument out of range */
    KERR_NOMEM = -4,   /* the kernel ran out of memory */
};

#endif
