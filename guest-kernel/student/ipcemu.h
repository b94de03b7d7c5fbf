/* guest-kernel/student/ipcemu.h: the header of a student's program.
 *
 * A scenario process may be a C program instead of a list of operations
 * (docs/scenarios.md, "Students' programs"): `ipcemu run` compiles it for
 * the architecture it runs (clang-14, freestanding C11: no C library, no
 * floating point), links it with the user library (libipcemu.a) and runs
 * it unprivileged in its own pages. Include this header and nothing else:
 *
 *     #include <ipcemu.h>
 *     int main(void)
 *     {
 *         long port = ipcemu_cap("svc");     // a handle the scenario gave it
 *         struct ipc_regs r = {0};
 *         long rc = u_recv_call(port, &r, IPC_FOREVER);
 *         ...
 *         return 0;                           // the process exits with 0
 *     }
 *
 * Conventions: every call returns 0, a non-negative value (a token, a
 * length, bits) or a negative ipc_err (IPC_ERR_TIMEOUT, ...; u_strerror
 * names it). Capabilities are 64-bit tokens (ipc_cap_t) that only mean
 * something to the process holding them. Timeouts are in cycles,
 * IPC_FOREVER (0) waits for ever. Globals and the stack (16 KiB, less the
 * scenario's handle table) are the process's own. Each function below is
 * declared by the user library's header (user/ulib.h) too. */
#ifndef IPCEMU_STUDENT_IPCEMU_H
#define IPCEMU_STUDENT_IPCEMU_H

#include "user/ulib.h"

/* ---- your program ------------------------------------------------------- */

/* You write it: the process's code. Its result is the exit code (0..255:
 * `expect.processes` checks it; 0 is what an unnamed process must end with). */
int main(void);

/* Returns the capability token of the handle `name` the scenario gave this
 * process at start (an object it owns, or a capability granted to it:
 * docs/scenarios.md, "Objects" and "Capabilities granted at start"), or
 * IPC_ERR_NOT_FOUND when it has no handle of that name. */
long ipcemu_cap(const char *name);

/* ---- the process ------------------------------------------------------- */

/* Prints n bytes of s on the console (one system call); returns 0 or an error. */
long u_print(const char *s, size_t n);
/* Prints like printf (%s %c %d %u %x %ld %lu %lx %p; at most 256 bytes a
 * call, one system call); returns 0 or an error. */
long u_printf(const char *fmt, ...);
/* Returns this process's pid. */
long u_getpid(void);
/* Gives up the rest of the time slice; returns 0. */
long u_yield(void);
/* Returns the core's cycle clock (a system call: it costs a trap). */
long u_cycles(void);
/* Ends the process with exit code `code`; does not return. */
__attribute__((noreturn)) void u_exit(int code);
/* Returns the text of a result: "ok" for >= 0, else the error's name. */
const char *u_strerror(long r);

/* ---- ports: send and receive (struct ipc_umsg, up to IPC_MSG_MAX bytes) -- */

/* Creates a port with a queue of `capacity` messages (1..64); returns its
 * token (every right) or an error. */
long u_port_create(uint32_t capacity);
/* Closes a port this process created (its waiters get IPC_ERR_PORT_CLOSED). */
long u_port_close(ipc_cap_t port);
/* Sends *m (opcode, len, data, up to IPC_MSG_CAPS caps) on `port`, waiting
 * up to `timeout` cycles while the queue is full; returns 0 or an error. */
long u_send(ipc_cap_t port, const struct ipc_umsg *m, uint64_t timeout);
/* Receives the next message into *m, waiting up to `timeout` cycles;
 * m->sender is the sender's pid. Returns 0 or an error. */
long u_recv(ipc_cap_t port, struct ipc_umsg *m, uint64_t timeout);
/* u_send that never waits: IPC_ERR_PORT_FULL instead. */
long u_try_send(ipc_cap_t port, const struct ipc_umsg *m);
/* u_recv that never waits: IPC_ERR_WOULD_BLOCK when the queue is empty. */
long u_try_recv(ipc_cap_t port, struct ipc_umsg *m);
/* Fills *m with `opcode` and the text s as its payload (no NUL). */
void u_msg_text(struct ipc_umsg *m, uint32_t opcode, const char *s);

/* ---- call / reply in the message registers (struct ipc_regs) ------------ */
/* io->info is IPC_INFO(opcode, length), length <= IPC_INLINE_MAX (64);
 * the payload is io->mr (8 words). A call to a server already waiting in
 * u_recv_call / u_reply_recv takes the fast path. */

/* Calls `port` with io's message and waits up to `timeout` cycles for the
 * reply, which replaces *io. Returns 0 or an error. */
long u_call(ipc_cap_t port, struct ipc_regs *io, uint64_t timeout);
/* Waits up to `timeout` cycles for a call on `port`: the request in *io,
 * io->badge the caller's pid, io->aux the one-shot reply capability.
 * Returns 0 or an error. */
long u_recv_call(ipc_cap_t port, struct ipc_regs *io, uint64_t timeout);
/* Answers the call of reply capability `reply` with io's message; returns
 * 0 or an error. */
long u_reply(ipc_cap_t reply, struct ipc_regs *io);
/* Replies with io's message and waits for the next call on `port` in one
 * system call (the server loop's fast way): *io then holds it as
 * u_recv_call gives it. Returns 0 or an error. */
long u_reply_recv(ipc_cap_t reply, struct ipc_regs *io, ipc_cap_t port);

/* ---- capabilities ------------------------------------------------------ */

/* Returns a new token for the same object with `rights` (IPC_RIGHT_SEND,
 * _RECEIVE, _GRANT, _MANAGE; only fewer than `cap` has), or an error. */
long u_cap_derive(ipc_cap_t cap, unsigned rights);
/* Revokes every capability derived from `cap` (their generation is bumped). */
long u_cap_revoke(ipc_cap_t cap);
/* Deletes `cap` from this process's space. */
long u_cap_delete(ipc_cap_t cap);

/* ---- notifications and peek-then-pull ----------------------------------- */

/* Creates a notification; returns its token or an error. */
long u_notif_create(void);
/* Sets `bits` in the notification's word (never waits); returns 0 or an error. */
long u_notify(ipc_cap_t notif, uint64_t bits);
/* Waits up to `timeout` cycles for a bit; returns the bits (and clears
 * them) or an error. */
long u_wait(ipc_cap_t notif, uint64_t timeout);
/* Returns the bits set now (clearing them), 0 when none; never waits. */
long u_poll(ipc_cap_t notif);
/* Copies the header of the next queued message into *header without
 * taking it; IPC_ERR_WOULD_BLOCK when the queue is empty. */
long u_peek(ipc_cap_t port, struct ipc_umsg *header);
/* Takes the next message's payload into buf (size bytes); returns its length. */
long u_pull(ipc_cap_t port, void *buf, size_t size);
/* Drops the next message; returns 0 or an error. */
long u_discard(ipc_cap_t port);

/* ---- the name registry -------------------------------------------------- */

/* Binds `name` to `port` (names are unique across owners); returns 0,
 * IPC_ERR_EXISTS or another error. */
long u_name_bind(const char *name, ipc_cap_t port);
/* Returns a send capability to the port bound to `name`, or IPC_ERR_NOT_FOUND. */
long u_name_lookup(const char *name);
/* Removes a binding this process made. */
long u_name_unbind(const char *name);

/* ---- shared regions ----------------------------------------------------- */

/* Creates a region of `bytes` (a whole number of pages, up to 64 KiB);
 * returns its token or an error. */
long u_region_create(size_t bytes);
/* Maps the region into this process; returns the address or an error. */
long u_region_map(ipc_cap_t region);
/* Unmaps it; returns 0 or an error. */
long u_region_unmap(ipc_cap_t region);
/* Returns a new region holding a copy of it (token), or an error. */
long u_region_copy(ipc_cap_t region);

/* ---- channels (user/chan.c): a ring in a shared region plus a notification */

/* Creates a channel of `slots` (a power of two) slots of `slot_size` bytes;
 * the consumer does this. Returns 0 or an error. */
long chan_create(struct chan *c, uint32_t slots, uint32_t slot_size);
/* Sends the producer its end on `port`; returns 0 or an error. */
long chan_give(const struct chan *c, ipc_cap_t port);
/* Makes *c the producer's end from the message chan_give sent. */
long chan_accept(struct chan *c, const struct ipc_umsg *m);
/* Writes up to n messages and signals once; returns how many fit. */
long chan_send_batch(struct chan *c, const void *const *msgs, const uint32_t *lens, uint32_t n);
/* Takes the next message into buf, waiting when the ring is empty;
 * returns its length or an error. */
long chan_recv(struct chan *c, void *buf, uint32_t size);

/* ---- the POSIX-style shim (user/posix.c): sockets over ports ------------ */

/* Opens a socket (its own port); returns 0 or an error. */
int px_socket(struct px_socket *s);
/* Binds the socket under `name` in the registry. */
int px_bind(struct px_socket *s, const char *name);
/* Points the socket's sends at the socket bound under `name`. */
int px_connect(struct px_socket *s, const char *name);
/* Sends len bytes (up to IPC_MSG_MAX) to the peer; returns 0 or an error. */
long px_send(struct px_socket *s, const void *buf, size_t len);
/* Receives a message (its sender becomes the peer); returns its length. */
long px_recv(struct px_socket *s, void *buf, size_t len);
/* Closes it (unbinding `bound_name` when not NULL). */
int px_close(struct px_socket *s, const char *bound_name);

/* ---- what the compiler may call (no C library) -------------------------- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* Returns the length of s. */
size_t strlen(const char *s);
/* Returns <0, 0 or >0 as a sorts before, equals or after b. */
int strcmp(const char *a, const char *b);

#endif
