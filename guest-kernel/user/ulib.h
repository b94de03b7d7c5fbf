/* guest-kernel/user/ulib.h: the user-mode library: system calls and a
 * small printf. Linked into libuser.a, which kernel.ld places in the pages
 * user mode may execute. User code has no writable globals: a process owns
 * only its stack. */
#ifndef IPCEMU_USER_ULIB_H
#define IPCEMU_USER_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/uapi.h"
#include "abi/syscall_nr.h"

/* arch/<arch>/usys.S: the system-call instruction with nr and three args. */
long usys_call(long nr, long a0, long a1, long a2);
/* arch/<arch>/usys.S: executes an undefined instruction. */
void usys_undefined_insn(void);
/* arch/<arch>/usys.S: executes an instruction only the kernel may run. */
void usys_privileged_insn(void);

long u_print(const char *s, size_t n);
long u_getpid(void);
long u_yield(void);
long u_cycles(void); /* the core's cycle clock */
/* user/compute.c: about `cycles` cycles of this process's own user-mode
 * work (a multiply-add chain in registers: no memory access, no system
 * call); returns the loop iterations it ran. *cal caches the loop's cost
 * per 64 iterations on this core (0: not measured yet): the first call
 * measures it with ten reads of the cycle clock, the only system calls it
 * makes, and counts that measurement's iterations as part of its work.
 * Time the process spends preempted or in interrupts is not work: it
 * makes the compute longer in wall-clock cycles. */
uint64_t u_compute(uint64_t cycles, uint64_t *cal);
__attribute__((noreturn)) void u_exit(int code);
size_t u_strlen(const char *s);

/* IPC (abi/syscall_nr.h): results are 0, a token, or a negative ipc_err. */
long u_port_create(uint32_t capacity);
long u_port_close(ipc_cap_t port);
long u_port_limit(ipc_cap_t port, uint64_t types, uint32_t max_len);
long u_port_rate(ipc_cap_t port, uint64_t period, uint64_t burst);
long u_send(ipc_cap_t port, const struct ipc_umsg *m, uint64_t timeout);
long u_recv(ipc_cap_t port, struct ipc_umsg *m, uint64_t timeout);
long u_try_send(ipc_cap_t port, const struct ipc_umsg *m);
long u_try_recv(ipc_cap_t port, struct ipc_umsg *m);
long u_cap_derive(ipc_cap_t cap, unsigned rights);
long u_cap_revoke(ipc_cap_t cap);
long u_cap_delete(ipc_cap_t cap);
/* Call / reply with the message registers (struct ipc_regs). */
long usys_ipc(long nr, struct ipc_regs *io);
long u_call(ipc_cap_t port, struct ipc_regs *io, uint64_t timeout);
long u_recv_call(ipc_cap_t port, struct ipc_regs *io, uint64_t timeout);
long u_reply(ipc_cap_t reply, struct ipc_regs *io);
long u_reply_recv(ipc_cap_t reply, struct ipc_regs *io, ipc_cap_t port);
/* Notifications, peek-then-pull, the name registry. */
long u_notif_create(void);
long u_notify(ipc_cap_t notif, uint64_t bits);
long u_wait(ipc_cap_t notif, uint64_t timeout);
long u_poll(ipc_cap_t notif);
long u_peek(ipc_cap_t port, struct ipc_umsg *header);
long u_pull(ipc_cap_t port, void *buf, size_t size);
long u_discard(ipc_cap_t port);
long u_name_bind(const char *name, ipc_cap_t port);
long u_name_lookup(const char *name);
long u_name_unbind(const char *name);
/* Shared regions. */
long u_region_create(size_t bytes);
long u_region_map(ipc_cap_t region);
long u_region_unmap(ipc_cap_t region);
long u_region_copy(ipc_cap_t region);
/* Topics. */
long u_topic_create(void);
long u_topic_subscribe(ipc_cap_t topic, ipc_cap_t port);
long u_topic_unsubscribe(ipc_cap_t topic, ipc_cap_t port);
long u_publish(ipc_cap_t topic, const struct ipc_umsg *m);

/* Asynchronous channels (user/chan.c): a ring of fixed-size slots in a
 * region both ends map, and a notification as the event: a batch of N
 * messages costs one system call (the notify), the consumer wakes once
 * and drains. One producer, one consumer. */
struct chan_ring {
    uint32_t head;      /* next slot the consumer reads (only it writes this) */
    uint32_t tail;      /* next slot the producer writes (only it writes this) */
    uint32_t slots;     /* a power of two */
    uint32_t slot_size; /* bytes per slot, the first 4 hold the length */
};
struct chan {
    ipc_cap_t region, notif;
    struct chan_ring *ring;    /* where the region is mapped */
    uint32_t slots, slot_size; /* the consumer's own copy: the producer may write the ring */
};
/* Creates a channel of `slots` slots of `slot_size` bytes (the consumer
 * does this: it waits on the event). Returns 0 or an error. */
long chan_create(struct chan *c, uint32_t slots, uint32_t slot_size);
/* Sends the producer its end (write access and the event) on `port`. */
long chan_give(const struct chan *c, ipc_cap_t port);
/* The producer's end from the message chan_give sent. */
long chan_accept(struct chan *c, const struct ipc_umsg *m);
/* Writes up to n messages (lens[i] bytes at msgs[i]) and signals once;
 * returns how many fit. */
long chan_send_batch(struct chan *c, const void *const *msgs, const uint32_t *lens, uint32_t n);
/* Takes the next message into buf (waiting for the event when empty);
 * returns its length or an error. */
long chan_recv(struct chan *c, void *buf, uint32_t size);

/* A POSIX-style shim over ports (user/posix.c): the translation layer
 * whose cost the demo shows next to native IPC. A socket is its own port;
 * every message carries a send capability to it so the peer can answer. */
struct px_socket {
    ipc_cap_t self; /* its port (every right) */
    ipc_cap_t back; /* a send capability to it, carried in every message */
    ipc_cap_t peer; /* where px_send goes (from px_connect or the last px_recv) */
};
int px_socket(struct px_socket *s);
int px_bind(struct px_socket *s, const char *name);
int px_connect(struct px_socket *s, const char *name);
long px_send(struct px_socket *s, const void *buf, size_t len);
long px_recv(struct px_socket *s, void *buf, size_t len);
int px_close(struct px_socket *s, const char *bound_name);

/* Fills *m with opcode and the text s as payload (no NUL). */
void u_msg_text(struct ipc_umsg *m, uint32_t opcode, const char *s);
/* Returns ipc_strerror's text for a result. */
const char *u_strerror(long r);
/* Formats like fmt_format (fmt.h: %s %c %d %u %x %ld %lu %lx %p) into one line of at
 * most 256 bytes and prints it with one system call; returns its result. */
long u_printf(const char *fmt, ...);

/* Entry of every process: calls fn(arg), then exits with its result. */
__attribute__((noreturn)) void u_start(long fn, long arg);

/* user/programs.c: prints "who: what -> result" and returns 1 when the
 * result is not `want` (0 also accepts any non-negative result). */
int demo_expect(const char *who, const char *what, long got, long want);

/* user/programs.c: the built-in programs processes run (arg as given). */
/* user/runner.c: runs a scenario process's compiled program (the struct
 * scn_image at `image`, on its own stack). */
int prog_scenario(long image);
int prog_printer(long which);
int prog_intruder(long kernel_addr);
int prog_spinner(long unused);
int prog_syscall_storm(long calls);
int prog_yield_storm(long yields);
int prog_wild(long how);
/* The ipc demo (arguments are capability tokens the kernel granted). */
int prog_ipc_server(long port);
int prog_ipc_client(long send_only);
int prog_ipc_owner(long unused);
int prog_ipc_waiter(long recv_only);
int prog_ipc_closer(long port);
int prog_rpc_server(long port);
int prog_rpc_client(long send_only);
int prog_pull_consumer(long notif);
int prog_pull_producer(long notif_send);
int prog_bulk_sender(long unused);
int prog_bulk_receiver(long unused);
int prog_region_mover(long unused);
int prog_publisher(long topic);
int prog_subscriber(long topic_recv);
int prog_chan_consumer(long unused);
int prog_chan_producer(long unused);
int prog_px_server(long unused);
int prog_px_client(long unused);
int prog_rude_server(long unused);
int prog_rude_client(long unused);
int prog_region_parker(long unused);
int prog_region_owner(long unused);
int prog_lender(long unused);
int prog_borrower(long unused);
int prog_low_server(long port);
int prog_high_caller(long send_only);
int prog_ladder_server(long port);
int prog_ladder_high(long send_only);
int prog_ladder_mid(long send_only);
int prog_ladder_low(long send_only);

/* prog_wild's `how`. */
enum wild_how {
    WILD_NULL_READ,
    WILD_KERNEL_WRITE,
    WILD_KERNEL_EXEC,
    WILD_DEVICE_WRITE,
    WILD_FAR_READ,
    WILD_UNDEFINED,
    WILD_PRIVILEGED,
    WILD_STACK_OVERFLOW,
    WILD_BREAKPOINT, /* the architecture's breakpoint instruction */
    WILD_NULL_CALL,  /* a call through a NULL function pointer */
    WILD_BAD_PRINT,  /* a kernel pointer to SYS_PRINT: gets KERR_FAULT, exits 0 */
    WILD_COUNT
};

#endif
