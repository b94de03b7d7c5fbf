/* tracer/trace.h: the event log of one run. Events come from the guest's
 * trace port (stamped with the cycle clock by the machine) and console bytes
 * from the UART; both feed one running content hash, so two runs with the
 * same hash saw the same events and output in the same order. The log also
 * follows the processes the kernel announces (create, switch, exit, fault,
 * IPC block and wake) to report their state, the cycles each one ran and the
 * messages it sent and received, and totals the run's IPC traffic and
 * capability-cache behaviour. */
#ifndef IPCEMU_TRACER_TRACE_H
#define IPCEMU_TRACER_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/events.h"

#define TRC_NARGS 4
#define TRC_NAME_MAX 16
/* Cores a log follows one by one (the machine's MACHINE_MAX_CORES); an
 * event of a core past them counts as core 0's. */
#define TRC_MAX_CORES 8u

struct trc_event {
    uint64_t cycle;
    uint32_t core;
    uint32_t type; /* enum trc_event_type */
    uint32_t pid;
    uint64_t arg[TRC_NARGS];
};

enum trc_proc_state {
    TRC_PROC_READY,
    TRC_PROC_RUNNING,
    TRC_PROC_EXITED,
    TRC_PROC_KILLED,
    TRC_PROC_BLOCKED, /* waiting in an IPC call: from TRC_EV_IPC_BLOCK to TRC_EV_IPC_WAKE */
};

struct trc_proc {
    uint32_t pid;
    char name[TRC_NAME_MAX + 1];
    uint32_t priority;
    enum trc_proc_state state;
    int64_t exit_code; /* TRC_PROC_EXITED */
    uint32_t fault;    /* TRC_PROC_KILLED: enum trc_fault */
    uint64_t fault_pc;
    uint64_t fault_addr;
    uint64_t cycles; /* cycles while it was the running process */
    uint64_t syscalls;
    uint64_t messages_sent;     /* TRC_EV_IPC_SEND with result 0 */
    uint64_t messages_received; /* TRC_EV_IPC_RECV with result 0 */
    uint64_t switched_in;       /* cycle of the last switch to it */
    uint32_t core;              /* the core it ran on last (its last switch to it) */
    uint32_t cores;             /* bit k: core k ran it */
    uint64_t wait_port;         /* TRC_PROC_BLOCKED: the port (0: a notification) */
    uint32_t wait_kind;         /* ... 1 receive, 2 send (queue full), 3 call, 4 notification */
};

/* The run's message traffic. A result is the low 32 bits of a3 read as
 * int32 (so a sign- or zero-extended ipc_err both count as negative). */
#define TRC_SLOW_REASONS 10

struct trc_msg_totals {
    uint64_t sent;                       /* sends with result 0 (a3 == 0) */
    uint64_t received;                   /* receives with result 0 */
    uint64_t fast_path;                  /* sends with result 0 on the fast path (TRC_IPC_FAST) */
    uint64_t slow_path;                  /* every other send with result 0: */
    uint64_t direct;                     /*   of those, handed to a receiver that was waiting */
    uint64_t queued;                     /*   of those, put in the port's queue */
    uint64_t refused;                    /* sends and receives with a negative result */
    uint64_t dropped;                    /* sent, then left their queue unreceived (ipc.drop) */
    uint64_t slow_why[TRC_SLOW_REASONS]; /* TRC_EV_IPC_SLOW by enum trc_slow_reason */
};

/* The run's capability-cache behaviour. */
struct trc_cap_totals {
    uint64_t hits;          /* TRC_EV_CAP_LOOKUP with a1 == 1 */
    uint64_t misses;        /* TRC_EV_CAP_LOOKUP with a1 == 0 */
    uint64_t invalidations; /* TRC_EV_CAP_INVALIDATE */
};

enum trc_err { TRC_OK, TRC_ERR_NOMEM };

/* The paths whose cycles the tracer measures (tracer/paths.c,
 * docs/ipc.md "What each path measures"). Every IPC path is measured user
 * to user, as sel4bench does: a one-way path from the machine's trap
 * event of the system call that took it (before the trap entry is
 * charged) to the first user instruction that runs after it, whoever runs
 * it (TRC_EV_USER_ENTER, after the trap return is charged), on its core;
 * a cross-core path (a call or reply handed to a process waiting on
 * another core) from that trap to the first user instruction of the
 * process it woke, on that process's core; a resume path from that trap
 * to the first user instruction of the process itself once what it
 * waited for came. A system call that took no IPC path, and an
 * interrupt, opens nothing. */
enum trc_path_id {
    TRC_PATH_TRAP_ENTRY,     /* "trap.entry": the trap to the system-call dispatch */
    TRC_PATH_SEND_DIRECT,    /* "ipc.send.direct": a send handed to a waiting receiver */
    TRC_PATH_SEND_QUEUED,    /* "ipc.send.queued": a send into the port's queue */
    TRC_PATH_RECV_QUEUED,    /* "ipc.recv.queued": a receive of a queued message */
    TRC_PATH_CALL_FAST,      /* "ipc.call.fast": a call on the fast path */
    TRC_PATH_CALL_SLOW,      /* "ipc.call.slow": a call on the slow path, on its core */
    TRC_PATH_CALL_CROSS,     /* "ipc.call.cross_core": a call handed to a receiver waiting
                                on another core, from its trap to the receiver's first user
                                instruction there */
    TRC_PATH_REPLY_FAST,     /* "ipc.reply.fast": a reply (reply_recv) on the fast path */
    TRC_PATH_REPLY_SLOW,     /* "ipc.reply.slow": a reply on the slow path, on its core */
    TRC_PATH_REPLY_CROSS,    /* "ipc.reply.cross_core": a reply to a caller on another core,
                                from its trap to the caller's first user instruction there */
    TRC_PATH_NOTIFY,         /* "ipc.notify": a notification signalled */
    TRC_PATH_ROUNDTRIP_FAST, /* "ipc.roundtrip.fast": resume: a call to the caller's
                                return with the answer, call and reply both fast */
    TRC_PATH_ROUNDTRIP_SLOW, /* "ipc.roundtrip.slow": ... either of them slow */
    TRC_PATH_SEND_BLOCKED,   /* "ipc.send.blocked": resume: a send that waited for room
                                in a full queue, to the sender's return once it went in */
    TRC_PATH_CAP_SHOOTDOWN,  /* "cap.revoke.shootdown": a cap_revoke or cap_delete that
                                dropped a line of another core's capability cache */
    TRC_PATH_COUNT
};

/* The kernel stretch open on the core: from a trap to the first user
 * instruction after it (tracer/paths.c). */
struct trc_stretch {
    bool open;
    bool sys;       /* a system call's (its SYSCALL event came); else an interrupt's
                       or an exception's: it takes no path */
    uint32_t pid;   /* the process whose system call it is */
    uint32_t nr;    /* the system call's number */
    uint32_t paths; /* 1 << id for each path it took */
    bool cross;     /* an IPC_SLOW with reason other_core came, not yet taken by the
                       call or reply it announced (the woken process's core, when the
                       log never saw it run) */
    uint64_t start; /* cycle of its trap event */
    uint64_t *attr; /* owned: the attribution counters at start */
};

/* The spans that end when one process runs again (tracer/paths.c): its
 * resume span, open from its call (or its send that blocked), and the
 * cross-core span of the call or reply from another core that woke it. */
struct trc_resume {
    uint32_t pid;
    uint8_t kind;    /* 0 none open, else TRC_PATH_ROUNDTRIP_FAST or TRC_PATH_SEND_BLOCKED */
    bool done;       /* the call was answered (result 0) / the send went in */
    bool fast;       /* a call: it and its reply took the fast path */
    uint64_t start;  /* cycle of the call's (send's) trap event */
    uint64_t *attr;  /* owned: the attribution counters then */
    uint8_t xkind;   /* 0 none open, else TRC_PATH_CALL_CROSS or TRC_PATH_REPLY_CROSS */
    uint64_t xstart; /* cycle of the trap of the call (reply) that woke it */
};

struct trc_samples {
    uint64_t *v; /* owned, in arrival order */
    size_t n, cap;
};

struct trc_path_stats {
    uint64_t count, min, median, p99, max;
    uint64_t sum; /* of all its spans: cycles_mean is sum / count */
};

/* A map from 32-bit keys (pids, port ids) to 32-bit values: a crit-bit
 * tree (a binary trie that branches only where keys differ), so a lookup
 * or an insertion takes at most 32 steps whatever the keys, and memory is
 * 20 bytes per key, whatever their values: an input cannot choose a table
 * size or a long probe sequence. Nothing depends on host addresses or
 * randomness. Zero it to start; free with trc_pidmap_free. */
struct trc_pidmap_node {
    uint32_t child[2]; /* a reference: index << 1, | 1 for a leaf */
    uint32_t bit;      /* the key bit this node tests */
};
struct trc_pidmap_leaf {
    uint32_t key, value;
};
struct trc_pidmap {
    struct trc_pidmap_node *node; /* owned: nleaf - 1 of them */
    struct trc_pidmap_leaf *leaf; /* owned, in insertion order */
    size_t nleaf, cap_node, cap_leaf;
    uint32_t root; /* a reference, when nleaf > 0 */
};

/* Returns true and sets *value when `key` is in the map, else false. */
bool trc_pidmap_get(const struct trc_pidmap *m, uint32_t key, uint32_t *value);
/* Sets the value of `key`, adding it when new. Returns false when out of
 * memory (the map is then unchanged). */
bool trc_pidmap_put(struct trc_pidmap *m, uint32_t key, uint32_t value);
/* Frees what the map owns and empties it (returns nothing). */
void trc_pidmap_free(struct trc_pidmap *m);

struct trc_log {
    struct trc_event *ev; /* owned, in arrival order */
    size_t nev, cap_ev;
    char *console; /* owned, every byte the guest printed */
    size_t console_len, cap_console;
    struct trc_proc *procs; /* owned, in creation order */
    size_t nprocs, cap_procs;
    struct trc_pidmap proc_index;         /* owned: pid -> index in procs */
    uint32_t running;                     /* pid running now on core 0 (0: none / idle) */
    uint32_t core_running[TRC_MAX_CORES]; /* pid running now on each core (0: none) */
    uint32_t ncores; /* the cores seen: 1 + the highest an event came from or an
                        IPI went to, or the boot's count (at most TRC_MAX_CORES) */
    struct trc_core_totals {
        uint64_t events;       /* events the core wrote (its code ran them) */
        uint64_t ipi_sent;     /* TRC_EV_IPI from it */
        uint64_t ipi_received; /* TRC_EV_IPI to it */
    } cores[TRC_MAX_CORES];
    uint64_t hash; /* FNV-1a 64 over events and console bytes */
    bool oom;      /* a record was lost for lack of memory */
    struct trc_msg_totals messages;
    struct trc_cap_totals cap_cache;
    uint64_t ipc_events; /* events of types TRC_EV_IPC_SEND..TRC_EV_IPC_REPLY */
    struct trc_samples paths[TRC_PATH_COUNT]; /* span lengths in cycles */
    struct trc_pidmap port_owner;             /* owned: port id (below 2^20) -> creator pid */
    /* Attribution (trc_log_attach_attribution): live counters of the
     * emulator, and what each path's spans added to each of them. */
    const uint64_t *attr; /* not owned */
    size_t nattr;
    uint64_t *path_attr[TRC_PATH_COUNT]; /* owned, nattr each */
    /* Path spans being measured (tracer/paths.c): a stretch per core. */
    struct trc_stretch stretch[TRC_MAX_CORES];
    struct trc_resume *resume; /* owned, one per process that ever called or was woken
                                  across cores */
    size_t nresume, cap_resume;
    struct trc_pidmap resume_index; /* owned: pid -> index in resume */
};

/* Lets the log read `n` live cycle counters (one per attribution slot:
 * kernel functions, user code, idle) at span boundaries, to split each
 * path's cycles among them (log->path_attr). Returns TRC_OK or
 * TRC_ERR_NOMEM. Call before the first event. */
enum trc_err trc_log_attach_attribution(struct trc_log *log, const uint64_t *counters, size_t n);

/* Describes who waits for whom among the blocked processes, for a run
 * that ended in a deadlock: the wait-for cycle if there is one ("alice
 * calls bob's port 2, bob calls alice's port 1"), else each blocked
 * process and what it waits on. Writes a line (no newline) to out[n];
 * returns the number of processes in the cycle (0: none found). */
size_t trc_wait_for(const struct trc_log *log, char *out, size_t n);

/* Initialises an empty log (returns nothing). */
void trc_log_init(struct trc_log *log);
/* Frees everything the log owns (returns nothing). */
void trc_log_free(struct trc_log *log);
/* Appends an event and follows what it tells of (processes, IPC totals);
 * returns TRC_OK, or TRC_ERR_NOMEM (and sets log->oom) on failure. */
enum trc_err trc_log_event(struct trc_log *log, const struct trc_event *e);
/* Appends one console byte; returns TRC_OK, or TRC_ERR_NOMEM (and sets
 * log->oom) on failure. */
enum trc_err trc_log_console(struct trc_log *log, uint8_t byte);
/* Closes the run at `cycle`: charges the running process up to it
 * (returns nothing). */
void trc_log_finish(struct trc_log *log, uint64_t cycle);
/* Returns the process with `pid`, or NULL. */
const struct trc_proc *trc_log_proc(const struct trc_log *log, uint32_t pid);
/* Writes the content hash as 16 lowercase hex digits plus NUL (returns
 * nothing). */
void trc_log_hash_hex(const struct trc_log *log, char out[17]);

/* Returns "ready", "running", "exited", "killed" or "blocked" ("unknown"
 * for a value outside the enum). */
const char *trc_proc_state_name(enum trc_proc_state s);
/* Returns the name of path `id` ("ipc.call.fast", ...), or NULL. */
const char *trc_path_name(unsigned id);
/* Fills *st with count, min, median, p99 and max of path `id` (nearest
 * rank) and the sum of its spans. Returns false when it has no sample or
 * memory ran out. */
bool trc_path_stats(const struct trc_log *log, unsigned id, struct trc_path_stats *st);
/* For trc_log_event (tracer/paths.c): opens, ends or records the path
 * spans event `e` marks. Returns nothing (out of memory sets log->oom). */
void trc_path_track(struct trc_log *log, const struct trc_event *e);
/* Frees what the path tracking owns (returns nothing). */
void trc_path_free(struct trc_log *log);
/* Returns the name of a slow-path reason ("no_receiver", ...), or NULL. */
const char *trc_slow_reason_name(uint32_t why);
/* Returns "read", "write", "exec", "undefined-instruction" or "other". */
const char *trc_fault_name(uint32_t fault);
/* Returns the event type's name ("proc.create", "ipc.send", ...), or
 * "unknown". */
const char *trc_event_name(uint32_t type);
/* Whether events of `type` are written by the machine itself, with every
 * trace source (trap, irq, user.enter, kernel.phases, ipi), not by the kernel
 * or its probes. */
bool trc_event_is_machine(uint32_t type);

/* kernel.phases (abi/events.h) stores the cycles of phases KPHASE_TRAP ..
 * KPHASE_LOGIC (abi/kphases.h), each at most TRC_KPHASE_FIELD_MAX. */
#define TRC_KPHASES_STORED 11
#define TRC_KPHASE_FIELD_BITS 23
#define TRC_KPHASE_FIELD_MAX 0x7fffffu
/* Packs a stretch's cycles by phase (TRAP..LOGIC; a value at or above
 * TRC_KPHASE_FIELD_MAX is stored as TRC_KPHASE_FIELD_MAX, which reads
 * back as saturated) into a kernel.phases event's arguments (returns
 * nothing). */
void trc_kphases_pack(const uint64_t ph[TRC_KPHASES_STORED], uint64_t arg[TRC_NARGS]);
/* Reads a kernel.phases event's arguments into ph; returns the saturated
 * fields, bit k for phase k (0: every value exact). */
unsigned trc_kphases_unpack(const uint64_t arg[TRC_NARGS], uint64_t ph[TRC_KPHASES_STORED]);

/* Returns "ok" for TRC_OK, else "out of memory". */
const char *trc_strerror(enum trc_err e);

#endif
