/* ui/timeline.h: what the timeline shows, built from a run's events (no
 * SDL here): a lane per process and a kernel lane per core, each a sorted
 * list of state changes; messages paired from their send to their
 * receive, with a kind (fast path, slow path, asynchronous, notification,
 * region transfer, and an IPI from one kernel lane to another) and the
 * cores that ran either end; which core ran each process when; and marks (capability-cache hits and
 * misses, scheduler handoffs, exits, timer interrupts, timeouts, dropped, refused and undelivered
 * messages). Everything is sorted by cycle, so a view finds what lies in [t0, t1) by binary search,
 * whatever the size of the trace.
 *
 * A trace is untrusted input: the memory the model takes is linear in
 * the events (no table is sized by an id the trace names: pids, cores and
 * ports go through ordered maps of the ids seen), and building it costs
 * at most the log of the ids seen per event. */
#ifndef IPCEMU_UI_TIMELINE_H
#define IPCEMU_UI_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracer/trace.h"
#include "ui/kstretch.h"

/* What a lane is doing from a state change on. */
enum tl_state {
    TL_ABSENT,  /* a process not created yet, or ended */
    TL_READY,   /* ready to run */
    TL_RUNNING, /* running in user mode (or, without user.enter events, at all) */
    TL_BLOCKED, /* waiting in IPC */
    TL_IDLE,    /* kernel lane: the core waits for an interrupt */
    TL_BUSY,    /* kernel lane: the core runs some process */
    TL_KERNEL,  /* a process the kernel runs for: from its trap (or from being
                   switched to) to its next user.enter. A trace without
                   user.enter events shows it as TL_RUNNING throughout. */
    TL_STATE_COUNT
};

enum tl_kind {
    TL_FAST,   /* call / reply on the register fast path (direct switch) */
    TL_SLOW,   /* handed straight to a waiting receiver, off the fast path */
    TL_ASYNC,  /* queued in the port, received later */
    TL_NOTIFY, /* a notification that woke a waiter */
    TL_REGION, /* a region moved (zero-copy) to another process */
    TL_IPI,    /* an inter-processor interrupt: sender's kernel lane to the target's */
    TL_KIND_COUNT
};

enum tl_mark_kind {
    TL_MARK_CAP_HIT,     /* capability lookup that hit the cache */
    TL_MARK_CAP_MISS,    /* ... that missed */
    TL_MARK_HANDOFF,     /* scheduler handoff: the fast path switched straight */
    TL_MARK_EXIT,        /* a process exited */
    TL_MARK_FAULT,       /* a process was killed */
    TL_MARK_TIMER,       /* kernel lane: a timer interrupt (timer.irq) */
    TL_MARK_TIMEOUT,     /* a process's wait ended by its timeout (ipc.wake, status timeout) */
    TL_MARK_DROP,        /* a queued message of this sender left unreceived (ipc.drop) */
    TL_MARK_REFUSED,     /* a send or reply of this process refused (its result an error) */
    TL_MARK_UNDELIVERED, /* at its send: a message of this process never received (still
                            queued when the run ended, or its port closed), not dropped */
    TL_MARK_SIGNAL_KEPT, /* a notification this process signalled woke nobody: its bits
                            wait in the notification, or-ed with any already there */
    TL_MARK_COUNT
};

struct tl_lane {
    uint32_t pid;  /* 0: a kernel lane */
    uint32_t core; /* kernel lanes: the core's id in the trace */
    uint32_t prio; /* processes: the priority proc.create gave it */
    char name[TRC_NAME_MAX + 8];
    uint64_t *at;   /* owned: cycles of the state changes, ascending */
    uint8_t *state; /* owned: enum tl_state from at[i] on */
    size_t n, cap;
    uint64_t sent, received; /* messages */
    uint32_t inherited;      /* the highest priority it inherited (0: none) */
    uint32_t cores;          /* processes: bit k, core k (below 32) ran it */
    uint64_t *core_at;       /* owned, processes: cycles its core changed (a switch to
                                it on another core than the last), ascending */
    uint32_t *core_id;       /* owned: the core from core_at[i] on */
    size_t ncore, cap_core;
};

struct tl_msg {
    uint64_t sent, received; /* cycles: the send event, the receive (or wake) */
    uint32_t from, to;       /* lanes */
    uint32_t port;           /* port id (0: none) */
    uint32_t opcode, len;    /* the header */
    uint8_t ncaps;           /* capabilities carried */
    bool moved;              /* a region capability moved with it (zero-copy) */
    uint8_t kind;            /* enum tl_kind */
    bool reply;              /* a reply to a call */
    bool dropped;            /* left its queue unreceived (ipc.drop) */
    uint64_t ev;             /* index of the send event in the trace */
    uint32_t from_core;      /* the core that ran the send (an IPI: the sender) */
    uint32_t to_core;        /* ... the receive (an IPI: the target; UINT32_MAX: none yet) */
};

struct tl_mark {
    uint64_t at;
    uint32_t lane;
    uint8_t kind; /* enum tl_mark_kind */
};

/* A stretch in which a server ran at a caller's higher priority: from
 * its receive of that caller's call to its reply (priority inheritance,
 * docs/scenarios.md). Inferred from the events (the kernel traces no
 * priority change): a chain's second server, and a call that ends by a
 * timeout rather than a reply, are not shown. */
struct tl_inherit {
    uint64_t from, to; /* cycles */
    uint32_t lane;     /* the server's */
    uint32_t caller;   /* the caller's lane */
    uint32_t prio;     /* the caller's priority, above the server's own */
};

struct tl_model {
    struct tl_lane *lanes; /* kernel lanes (one per core) first, then processes */
    size_t nlanes, cap_lanes;
    struct tl_msg *msgs; /* sorted by `sent` */
    size_t nmsgs, cap_msgs;
    struct tl_inherit *inherits; /* sorted by `to` */
    size_t ninherits, cap_inherits;
    struct tl_mark *marks; /* sorted by `at` */
    size_t nmarks, cap_marks;
    /* per mark kind, the cycles alone (sorted): counts in a range are two
     * binary searches */
    uint64_t *mark_at[TL_MARK_COUNT];
    uint32_t *mark_lane[TL_MARK_COUNT]; /* and their lanes */
    size_t nmark_at[TL_MARK_COUNT];
    /* the kernel's stretches, every core's, ordered by their end (`to`);
     * the longest one's cycles, so that a view finds those overlapping a
     * range by one binary search (ui/kstretch.h) */
    struct tl_kstretch *kstretches;
    size_t nkstretches, cap_kstretches;
    uint64_t kstretch_max;
    uint64_t events; /* events read */
    uint64_t ipis;   /* messages of kind TL_IPI */
    size_t ncores;   /* kernel lanes */
    uint64_t end;    /* the last event's cycle (or the run's end) */
    uint64_t work;   /* steps the build took looking ids up and pairing
                        messages (map nodes visited, queue operations): the
                        tests check that it grows as n log n at most */
    bool oom;
    void *build; /* owned: pairing state while events arrive */
};

/* Starts an empty model. */
void tl_init(struct tl_model *m);
/* Adds the next event of the run (in order; an event whose cycle is
 * below the previous one's counts at the previous one's, so that the
 * model stays sorted whatever the trace says). Returns 0, or -1 when out
 * of memory. */
int tl_add(struct tl_model *m, const struct trc_event *e);
/* Ends the build: closes what is open at cycle `end` (at least the last
 * event's) and sorts what needs it. Returns 0 or -1 (out of memory). */
int tl_finish(struct tl_model *m, uint64_t end);
void tl_free(struct tl_model *m);

/* Reads a binary trace (`ipcemu run --trace`) into *m. Returns 0, or -1
 * with one line in err[n]. */
int tl_load(const char *path, struct tl_model *m, char *err, size_t n);

/* How many of lane l's changes are at or before `t`. `hint` is the count
 * for an earlier t (0 will do): searching forward from it by galloping
 * costs the log of the changes skipped, so a left-to-right sweep of pixel
 * columns does not pay the log of the whole lane per column. */
size_t tl_lane_seek(const struct tl_lane *l, size_t hint, uint64_t t);
/* For the build (ui/lanecore.c): notes that core `core` runs the process
 * of lane l from cycle `at` on (its cores, its core changes). Returns 0,
 * or -1 when out of memory. */
int tl_lane_note_core(struct tl_lane *l, uint64_t at, uint32_t core);
/* The core that ran process lane `l` last at or before `cycle` (its
 * latest switch to it on a core), or -1 when none did yet. */
int64_t tl_lane_core_at(const struct tl_lane *l, uint64_t cycle);
/* The state of lane `l` at `cycle`, and in *next the cycle it changes
 * (UINT64_MAX: never). */
enum tl_state tl_state_at(const struct tl_lane *l, uint64_t cycle, uint64_t *next);
/* The index of the first message sent at or after `cycle` (nmsgs: none). */
size_t tl_msg_at(const struct tl_model *m, uint64_t cycle);
/* How many marks of `kind` lie in [t0, t1). */
size_t tl_mark_count(const struct tl_model *m, enum tl_mark_kind kind, uint64_t t0, uint64_t t1);
/* The index of the first inheritance stretch that ends at or after `cycle`. */
size_t tl_inherit_at(const struct tl_model *m, uint64_t cycle);
/* The index into mark_at[kind] (and mark_lane[kind]) of the first mark of
 * `kind` at or after `cycle`. */
size_t tl_mark_kind_at(const struct tl_model *m, enum tl_mark_kind kind, uint64_t cycle);
/* The index of the first mark at or after `cycle`. */
size_t tl_mark_at(const struct tl_model *m, uint64_t cycle);
/* The lane of process `pid` (SIZE_MAX: none), by a search of the lanes
 * (for tests and single look-ups, not per event). */
size_t tl_lane_of(const struct tl_model *m, uint32_t pid);

const char *tl_state_name(enum tl_state s);
const char *tl_kind_name(enum tl_kind k);
const char *tl_mark_name(enum tl_mark_kind k);

#endif
