/* machine/probes_int.h: what the decoder files of machine/probes*.c
 * share: the per-machine state and the helpers that read guest memory and
 * write events. Not part of the machine's interface (probes.h is). */
#ifndef IPCEMU_MACHINE_PROBES_INT_H
#define IPCEMU_MACHINE_PROBES_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/klayout.h"
#include "emu/cpu.h"
#include "machine/machine.h"
#include "machine/probes.h"
#include "tracer/trace.h"

struct machine;

/* What the decoders of the IPC events keep (machine/probes_ipc.c): the
 * system call under way, from its SYSCALL event to the next one. */
struct probe_ipc {
    uint32_t nr;          /* its number (0: none) */
    uint64_t info;        /* its IPC info word (ARCH_IPC_INFO at entry) */
    bool sent, received;  /* it wrote an IPC_SEND / IPC_RECV */
    bool handed;          /* a hand-over in it delivered */
    uint64_t looked_port; /* kport_lookup's last result in it (0: none, or refused) */
    uint64_t taken_port;  /* the port ipc_port_take_receiver took a receiver of */
    uint64_t wait_port;   /* the port ipc_port_wait parked on */
    struct {
        bool on;                 /* kipc_hand_over under way, */
        uint64_t p, port, rp, m; /*   its arguments */
    } ho;
    struct {
        bool on;                      /* a message dequeued, to be delivered: */
        uint64_t p, port, out, woken; /*   receiver, port, buffer, woken sender's waiter */
    } rv;
    struct {
        bool on;       /* a process about to block (written at sched_next): */
        uint64_t p;    /*   it, */
        uint32_t port; /*   the port id, */
        uint32_t kind; /*   the IPC_BLOCK kind */
    } blk;
};

/* What the decoders keep between probes (one per core: core k's kernel
 * code runs on core k's engine, and its probes decode with core k's). */
struct probe_ctx {
    uint32_t switch_from;  /* sched_next / handoff: the process switched away from */
    uint32_t switch_why;   /*   and why (enum trc_switch_reason) */
    bool switched;         /* arch_pt_switch ran since: the switch is written when */
    uint64_t root, asid;   /*   arch_enter_user names the process, with this root */
    uint64_t port_created; /* the clock at kport_create's last return (+1), 0: none */
    bool fastpath;         /* a fast-path entry wrote SYSCALL: its fallback's is the same */
    uint32_t fp_pid;       /*   and its CAP_LOOKUP, written if it commits: */
    uint64_t fp_proc;      /*   (the process, its struct proc) */
    uint64_t fp_reply_tok; /*   reply_recv: the fixed reply slot's token */
    uint64_t fp_tok;       /*   of this process and token, */
    bool fp_hit;           /*   a hit in this core's cache at the entry */
    uint64_t obj_new;      /* the clock at kipc_obj_new's last success (+1), 0: none */
    uint32_t obj_index;    /*   and the table entry it took */
    uint32_t maps_before;  /* region_map: p's mappings at its entry */
    bool in_move;          /* kregion_move under way: */
    bool move_found;       /*   its lookup (ipc_cap_lookup) returned, */
    uint32_t move_obj;     /*   with this object word */
    struct probe_ipc ipc;  /* the IPC events' (machine/probes_ipc.c) */
};

/* The kernel's capability-cache counters against the decoded events. */
struct probe_cache_check {
    uint64_t hits, misses, invalidations; /* decoded: CAP_LOOKUP hit / miss, CAP_INVALIDATE */
    uint64_t checks, bad;                 /* comparisons made, failed */
    char first_bad[160];                  /* the first failure */
};

/* A table of kernel objects private to one kernel file, found by symbol. */
struct probe_table {
    uint64_t addr, elem; /* its address and the size of one entry (0: not found) */
};

struct machine_probes {
    struct klayout lay;
    struct emu_probe tab[KPROBE_COUNT]; /* the anchors found, sorted by address */
    size_t ntab;
    struct probe_ctx ctx[MACHINE_MAX_CORES];           /* by core */
    struct probe_cache_check cache[MACHINE_MAX_CORES]; /* by core (its cache's counters) */
    unsigned core; /* the core whose probe is decoded now (its engine's id) */
    struct probe_table regions, topics;
    struct trc_event *ev; /* owned: the shadow log */
    size_t nev, cap;
    bool oom;
    char missing[256];
};

/* cap.lookup's a1 for a lookup of the fixed reply slot, which has no
 * cache (abi/events.h; kcall.c KCALL_LOOKUP_FIXED). */
#define PROBES_LOOKUP_FIXED 2

/* One decoder: what the probe of one anchor writes (at its entry, or at
 * its return when the row asks for one). */
typedef void (*probe_decoder)(struct machine *m, const struct emu_probe_hit *h);

/* Returns the guest RAM word of `bytes` (1..8) bytes at kernel address
 * `addr` (identity-mapped: VA == PA), or 0 outside RAM. */
uint64_t probes_rd(const struct machine *m, uint64_t addr, unsigned bytes);
/* Returns the pid of the struct proc at `p` (0 for NULL). */
uint32_t probes_pid_of(const struct machine *m, uint64_t p);
/* Returns the struct proc the decoding core runs (kcpus[core].current;
 * 0: none yet). */
uint64_t probes_current(const struct machine *m);
/* Returns the pid of probes_current (0: none yet). */
uint32_t probes_current_pid(const struct machine *m);
/* Returns the decoding core's context. */
static inline struct probe_ctx *probes_x(const struct machine *m)
{
    return &m->probes->ctx[m->probes->core];
}
/* Appends an event to the decoded log, stamped with the probe's clock. */
void probes_emit(struct machine *m, const struct emu_probe_hit *h, uint32_t type, uint32_t pid,
                 uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
/* Returns the trace's word for the message at msg (kipc_msg_word). */
uint64_t probes_msg_word(const struct machine *m, uint64_t msg);

/* machine/probes_ipc.c: the decoders of the IPC events, and the hooks the
 * generic ones call. */
/* A system call `nr` with info word `info` starts (its SYSCALL event). */
void probes_ipc_syscall(struct machine *m, uint32_t nr, uint64_t info);
/* sched_next's entry: the IPC_BLOCK of the process that blocks, if any. */
void probes_ipc_sched_next(struct machine *m, const struct emu_probe_hit *h);
/* handoff(from, to)'s entry: the events of the generic path's direct
 * switch (a fast call or reply_recv). */
void probes_ipc_handoff(struct machine *m, const struct emu_probe_hit *h, uint64_t from,
                        uint64_t to);
/* The fast path committed and enters process `to`: its IPC events. */
void probes_ipc_fast_commit(struct machine *m, const struct emu_probe_hit *h, uint64_t to);
/* kipc_wake(p, port_id, status)'s entry, before its IPC_WAKE: a hand-over's
 * events. */
void probes_ipc_wake(struct machine *m, const struct emu_probe_hit *h);
/* The decoders of the IPC anchors, by enum kprobe_id (entry and return;
 * NULL where none). */
extern const probe_decoder probes_ipc_entry[KPROBE_COUNT], probes_ipc_return[KPROBE_COUNT];

#endif
