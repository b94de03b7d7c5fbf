/* guest-kernel/kfastpath.h: what the entry stubs (arch/<arch>/trap.S)
 * need to send a system call to the fast path (kfastpath.c): the numbers
 * of the two calls it takes (abi/syscall_nr.h; checked in kfastpath.c).
 * Assembler-safe. */
#ifndef IPCEMU_KERNEL_KFASTPATH_H
#define IPCEMU_KERNEL_KFASTPATH_H

#define KFP_SYS_CALL 21       /* SYS_CALL: fastpath_call(cap, info) */
#define KFP_SYS_REPLY_RECV 24 /* SYS_REPLY_RECV: fastpath_reply_recv(reply, info) */

#ifndef __ASSEMBLER__
/* The self-tests (arch/<arch>/selftest.c) link the entry stubs but not
 * kfastpath.c: they define the two entries with this, as panics (they make
 * neither call, so reaching one is a failure). */
#define KFP_SELFTEST_STUBS                                                                         \
    __attribute__((noreturn)) void fastpath_call(uintptr_t cap, uintptr_t info);                   \
    __attribute__((noreturn)) void fastpath_reply_recv(uintptr_t tok, uintptr_t info);             \
    void fastpath_call(uintptr_t cap, uintptr_t info)                                              \
    {                                                                                              \
        (void)cap, (void)info;                                                                     \
        panic("selftest: the fast path was entered");                                              \
    }                                                                                              \
    void fastpath_reply_recv(uintptr_t tok, uintptr_t info)                                        \
    {                                                                                              \
        (void)tok, (void)info;                                                                     \
        panic("selftest: the fast path was entered");                                              \
    }
#endif

#endif
