/* machine/probes_ipc.c: the IPC events (IPC_SEND, IPC_RECV, IPC_BLOCK,
 * IPC_REPLY, IPC_SLOW and the IPC_WAKE of a hand-over or a reply) decoded
 * from probes. Most of them are written where the kernel's code reaches
 * an anchor after the event's values exist: a hand-over's send and
 * receive at the wake that ends it, a dequeued message's receive at the
 * return of its delivery, a block at sched_next (its deadline set), a
 * refusal at the return of the system call's run function when nothing
 * else said why. What each site of the kernel writes, and which anchor
 * writes it here: docs/machine.md, "Probes". */
#include <string.h>

#include "abi/events.h"
#include "abi/syscall_nr.h"
#include "ipc/cap.h"
#include "ipc/port.h"
#include "ipc/uapi.h"
#include "machine/machine.h"
#include "machine/probes_int.h"

/* Returns the decoders' IPC state of machine m. */
static struct probe_ipc *ipc_of(struct machine *m)
{
    return &probes_x(m)->ipc;
}

/* Returns the id of the port at `port` (0 for NULL). */
static uint32_t port_id(const struct machine *m, uint64_t port)
{
    return port ? (uint32_t)probes_rd(m, port + m->probes->lay.port_id, 4) : 0;
}

/* Returns the struct proc whose kernel message buffer is at `kbuf`. */
static uint64_t proc_of_kbuf(const struct machine *m, uint64_t kbuf)
{
    return kbuf - m->probes->lay.proc_kbuf;
}

/* Returns the message word of process p's kernel buffer. */
static uint64_t kbuf_word(const struct machine *m, uint64_t p)
{
    return probes_msg_word(m, p + m->probes->lay.proc_kbuf);
}

/* Returns process p's deadline. */
static uint64_t deadline_of(const struct machine *m, uint64_t p)
{
    return probes_rd(m, p + m->probes->lay.proc_deadline, 8);
}

/* Writes an IPC_SEND, and notes it. */
static void send_ev(struct machine *m, const struct emu_probe_hit *h, uint64_t p, uint32_t port,
                    uint64_t word, uint64_t how, int64_t result)
{
    probes_emit(m, h, TRC_EV_IPC_SEND, probes_pid_of(m, p), port, word, how, (uint64_t)result);
    ipc_of(m)->sent = true;
}

/* Writes an IPC_RECV, and notes it. */
static void recv_ev(struct machine *m, const struct emu_probe_hit *h, uint64_t p, uint32_t port,
                    uint64_t word, uint64_t how, uint64_t a3)
{
    probes_emit(m, h, TRC_EV_IPC_RECV, probes_pid_of(m, p), port, word, how, a3);
    ipc_of(m)->received = true;
}

void probes_ipc_syscall(struct machine *m, uint32_t nr, uint64_t info)
{
    struct probe_ipc *x = ipc_of(m);
    *x = (struct probe_ipc){.nr = nr, .info = info};
}

void probes_ipc_sched_next(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ipc *x = ipc_of(m);
    if (!x->blk.on)
        return;
    x->blk.on = false;
    probes_emit(m, h, TRC_EV_IPC_BLOCK, probes_pid_of(m, x->blk.p), x->blk.port, x->blk.kind,
                deadline_of(m, x->blk.p), 0);
}

/* The events of a direct switch from caller or server `from` to `to`:
 * a call's send, receive and the caller's block (the port the receiver
 * was taken from, message word `word`), or a reply_recv's reply and the
 * server's block on the port it parked on. */
static void direct_switch(struct machine *m, const struct emu_probe_hit *h, uint64_t from,
                          uint64_t to, uint64_t word)
{
    struct probe_ipc *x = ipc_of(m);
    if (x->nr == SYS_CALL) {
        uint32_t port = port_id(m, x->taken_port);
        send_ev(m, h, from, port, word, TRC_IPC_FAST, 0);
        recv_ev(m, h, to, port, word, TRC_IPC_FAST, (uint64_t)probes_pid_of(m, from) << 32);
        probes_emit(m, h, TRC_EV_IPC_BLOCK, probes_pid_of(m, from), port, 3, deadline_of(m, from),
                    0);
    } else if (x->nr == SYS_REPLY_RECV) {
        probes_emit(m, h, TRC_EV_IPC_REPLY, probes_pid_of(m, from), probes_pid_of(m, to), x->info,
                    TRC_IPC_FAST, 0);
        probes_emit(m, h, TRC_EV_IPC_BLOCK, probes_pid_of(m, from), port_id(m, x->wait_port), 1, 0,
                    0);
    }
}

void probes_ipc_handoff(struct machine *m, const struct emu_probe_hit *h, uint64_t from,
                        uint64_t to)
{
    direct_switch(m, h, from, to, kbuf_word(m, from));
}

void probes_ipc_fast_commit(struct machine *m, const struct emu_probe_hit *h, uint64_t to)
{
    const struct probe_ipc *x = ipc_of(m);
    /* The fast path's message word: opcode and length, no capabilities. */
    uint64_t word = IPC_INFO_OPCODE(x->info) | (uint64_t)(IPC_INFO_LEN(x->info) & 0xffffu) << 32;
    direct_switch(m, h, probes_x(m)->fp_proc, to, word);
}

void probes_ipc_wake(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ipc *x = ipc_of(m);
    if (!x->ho.on || h->args[0] != x->ho.rp)
        return;
    x->ho.on = false;
    if ((int32_t)h->args[2] != IPC_OK)
        return; /* the receiver's buffer had gone: woken with the error only */
    uint32_t port = port_id(m, x->ho.port);
    uint64_t word = probes_msg_word(m, x->ho.m);
    send_ev(m, h, x->ho.p, port, word, TRC_IPC_DIRECT, 0);
    recv_ev(m, h, x->ho.rp, port, word, TRC_IPC_DIRECT, (uint64_t)probes_pid_of(m, x->ho.p) << 32);
    x->handed = true;
}

/* R kport_lookup(p, tok, rights, &err) = port: the port a decode found. */
static void dec_kport_lookup(struct machine *m, const struct emu_probe_hit *h)
{
    ipc_of(m)->looked_port = h->ret;
}

/* E ipc_port_take_receiver(port): a call's port. */
static void dec_take_receiver(struct machine *m, const struct emu_probe_hit *h)
{
    ipc_of(m)->taken_port = h->args[0];
}

/* E ipc_port_wait(port, ...): the port a receiver parks on. */
static void dec_port_wait(struct machine *m, const struct emu_probe_hit *h)
{
    ipc_of(m)->wait_port = h->args[0];
}

/* The send of the sender whose waiter `w` (0: none) a receive let in: its
 * message went into port's queue. */
static void woken_sender(struct machine *m, const struct emu_probe_hit *h, uint64_t port,
                         uint64_t w)
{
    if (!w)
        return;
    uint64_t sp = w - m->probes->lay.proc_waiter;
    send_ev(m, h, sp, port_id(m, port), kbuf_word(m, sp), TRC_IPC_QUEUED, 0);
}

/* R ipc_port_discard(port, &woken) = r: SYS_DISCARD dropped the head; a
 * parked sender got in. */
static void dec_port_discard(struct machine *m, const struct emu_probe_hit *h)
{
    if ((int32_t)h->ret == IPC_OK)
        woken_sender(m, h, h->args[0], probes_rd(m, h->args[1], 8));
}

/* R ipc_port_dequeue(port, out, &woken) = r: a message taken off the
 * queue. SYS_PULL's receive is written now (kport_take); the others once
 * it is delivered (dec_delivered). */
static void dec_port_dequeue(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ipc *x = ipc_of(m);
    if ((int32_t)h->ret != IPC_OK)
        return;
    uint64_t out = h->args[1], p = proc_of_kbuf(m, out);
    uint64_t sender = probes_rd(m, out + m->probes->lay.msg_sender, 4);
    if (x->nr == SYS_PULL) {
        recv_ev(m, h, p, port_id(m, h->args[0]), probes_msg_word(m, out), TRC_IPC_FROM_QUEUE,
                sender << 32);
        woken_sender(m, h, h->args[0], probes_rd(m, h->args[2], 8));
        return;
    }
    x->rv.on = true;
    x->rv.p = p;
    x->rv.port = h->args[0];
    x->rv.out = out;
    x->rv.woken = probes_rd(m, h->args[2], 8);
}

/* The dequeued message at `msg` was delivered (ok) or its buffer had gone:
 * its receive, then the send of the sender the room let in. */
static void delivered(struct machine *m, const struct emu_probe_hit *h, uint64_t msg, bool ok)
{
    struct probe_ipc *x = ipc_of(m);
    if (!x->rv.on || msg != x->rv.out)
        return;
    x->rv.on = false;
    uint32_t port = port_id(m, x->rv.port);
    uint64_t sender = probes_rd(m, msg + m->probes->lay.msg_sender, 4);
    recv_ev(m, h, x->rv.p, port, probes_msg_word(m, msg), TRC_IPC_FROM_QUEUE,
            sender << 32 | (ok ? 0u : (uint32_t)IPC_ERR_BAD_POINTER));
    woken_sender(m, h, x->rv.port, x->rv.woken);
}

/* R kipc_deliver(p, u, m) = ok. */
static void dec_deliver(struct machine *m, const struct emu_probe_hit *h)
{
    delivered(m, h, h->args[2], (uint8_t)h->ret != 0);
}

/* R kipc_deliver_regs(rp, m). */
static void dec_deliver_regs(struct machine *m, const struct emu_probe_hit *h)
{
    delivered(m, h, h->args[1], true);
}

/* E kipc_hand_over(p, port, rp, m): its events are written at the wake
 * that ends it (probes_ipc_wake). */
static void dec_hand_over(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ipc *x = ipc_of(m);
    x->ho.on = true;
    x->ho.p = h->args[0];
    x->ho.port = h->args[1];
    x->ho.rp = h->args[2];
    x->ho.m = h->args[3];
}

/* R kipc_post(p, port, m, &woken) = r: a send that was not handed over:
 * queued, refused by admission or the queue, or (a try or a publication)
 * refused for a full queue. */
static void dec_post(struct machine *m, const struct emu_probe_hit *h)
{
    const struct probe_ipc *x = ipc_of(m);
    int32_t r = (int32_t)h->ret;
    if (probes_rd(m, h->args[3], 8))
        return; /* handed over */
    if (r == IPC_ERR_PORT_FULL && x->nr != SYS_TRY_SEND && x->nr != SYS_PUBLISH)
        return; /* a blocking send parks */
    send_ev(m, h, h->args[0], port_id(m, h->args[1]), probes_msg_word(m, h->args[2]),
            r == IPC_OK ? TRC_IPC_QUEUED : TRC_IPC_REFUSED, r);
}

/* E kipc_block(p, port, kind, timeout): the block, written at sched_next. */
static void dec_kipc_block(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ipc *x = ipc_of(m);
    x->blk.on = true;
    x->blk.p = h->args[0];
    x->blk.port = port_id(m, h->args[1]);
    x->blk.kind = (uint32_t)h->args[2] == IPC_WAIT_RECV ? 1 : 2;
}

/* E ipc_notif_wait(n, w): a wait on a notification blocks. */
static void dec_notif_wait(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ipc *x = ipc_of(m);
    x->blk.on = true;
    x->blk.p = h->args[1] - m->probes->lay.proc_waiter;
    x->blk.port = 0;
    x->blk.kind = 4;
}

/* R kipc_recv_regs(p, port, timeout) = r: a receive into registers that
 * got nothing. */
static void dec_recv_regs(struct machine *m, const struct emu_probe_hit *h)
{
    if ((int32_t)h->ret != IPC_OK && !ipc_of(m)->received)
        recv_ev(m, h, h->args[0], port_id(m, h->args[1]), 0, TRC_IPC_REFUSED, (uint32_t)h->ret);
}

/* E kipc_call_slow(p, port, why, timeout): the call's slow path. */
static void dec_call_slow(struct machine *m, const struct emu_probe_hit *h)
{
    probes_emit(m, h, TRC_EV_IPC_SLOW, probes_pid_of(m, h->args[0]), port_id(m, h->args[1]),
                (uint32_t)h->args[2], 0, 0);
}

/* R kipc_call_slow(p, port, ...) = q: the queue refused the call. */
static void dec_call_slow_ret(struct machine *m, const struct emu_probe_hit *h)
{
    send_ev(m, h, h->args[0], port_id(m, h->args[1]), kbuf_word(m, h->args[0]), TRC_IPC_REFUSED,
            (int32_t)h->ret);
}

/* E block_for_reply(p, port_id, timeout): a call the slow path queued
 * (not handed over), and the caller's block. */
static void dec_block_for_reply(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ipc *x = ipc_of(m);
    if (!x->handed)
        send_ev(m, h, h->args[0], (uint32_t)h->args[1], kbuf_word(m, h->args[0]), TRC_IPC_QUEUED,
                0);
    x->blk.on = true;
    x->blk.p = h->args[0];
    x->blk.port = (uint32_t)h->args[1];
    x->blk.kind = 3;
}

/* R reply_check(s, r, a) = err: a refused reply. */
static void dec_reply_check(struct machine *m, const struct emu_probe_hit *h)
{
    const struct klayout *l = &m->probes->lay;
    uint64_t tok = probes_rd(m, h->args[1] + l->regs_cap, 8);
    if (IPC_INFO_LEN(ipc_of(m)->info) <= IPC_INLINE_MAX &&
        ipc_tok_index(tok) == IPC_TOK_INDEX_REPLY) /* the fixed slot: no cache */
        probes_emit(m, h, TRC_EV_CAP_LOOKUP, probes_pid_of(m, h->args[0]), tok, PROBES_LOOKUP_FIXED,
                    (uint64_t)(int64_t)(int32_t)h->ret, 0);
    if ((int32_t)h->ret != IPC_OK)
        probes_emit(m, h, TRC_EV_IPC_REPLY, probes_pid_of(m, h->args[0]), 0, 0, TRC_IPC_REFUSED,
                    (uint64_t)(int64_t)(int32_t)h->ret);
}

/* The reply of server s to caller c (not the fast one) and c's wake. */
static void reply_direct(struct machine *m, const struct emu_probe_hit *h, uint64_t s, uint64_t c,
                         uint64_t info)
{
    probes_emit(m, h, TRC_EV_IPC_REPLY, probes_pid_of(m, s), probes_pid_of(m, c), info,
                TRC_IPC_DIRECT, 0);
    probes_emit(m, h, TRC_EV_IPC_WAKE, probes_pid_of(m, c), 0, 0, 0, 0);
}

/* R reply_give(s, c, tok): SYS_REPLY's reply (SYS_REPLY_RECV's is written
 * where it goes fast or slow). */
static void dec_reply_give(struct machine *m, const struct emu_probe_hit *h)
{
    if (ipc_of(m)->nr == SYS_REPLY)
        reply_direct(m, h, h->args[0], h->args[1], ipc_of(m)->info);
}

/* E reply_recv_slow(s, c, next, why, info): SYS_REPLY_RECV's slow path. */
static void dec_reply_recv_slow(struct machine *m, const struct emu_probe_hit *h)
{
    if ((uint32_t)h->args[3])
        probes_emit(m, h, TRC_EV_IPC_SLOW, probes_pid_of(m, h->args[0]), port_id(m, h->args[2]),
                    (uint32_t)h->args[3], 0, 0);
    reply_direct(m, h, h->args[0], h->args[1], h->args[4]);
}

/* R kipc_call_run(p, frame) = r: a call its decode refused (the port, if
 * the lookup found one; the message word for want of a reply slot). */
static void dec_call_run(struct machine *m, const struct emu_probe_hit *h)
{
    const struct probe_ipc *x = ipc_of(m);
    int32_t r = (int32_t)h->ret;
    if (r == IPC_OK || x->sent)
        return;
    send_ev(m, h, h->args[0], port_id(m, x->looked_port),
            r == IPC_ERR_NO_SLOT ? kbuf_word(m, h->args[0]) : 0, TRC_IPC_REFUSED, r);
}

/* R kipc_send_run / kipc_try_send_run(p, frame) = r: a send its decode
 * refused. */
static void dec_send_run(struct machine *m, const struct emu_probe_hit *h)
{
    int32_t r = (int32_t)h->ret;
    if (r != IPC_OK && !ipc_of(m)->sent)
        send_ev(m, h, h->args[0], 0, 0, TRC_IPC_REFUSED, r);
}

/* R kipc_recv_run / kipc_try_recv_run(p, frame) = r: a receive refused
 * by its decode or with nothing to take (the port, if the lookup found
 * one). */
static void dec_recv_run(struct machine *m, const struct emu_probe_hit *h)
{
    int32_t r = (int32_t)h->ret;
    if (r != IPC_OK && !ipc_of(m)->received)
        recv_ev(m, h, h->args[0], port_id(m, ipc_of(m)->looked_port), 0, TRC_IPC_REFUSED,
                (uint32_t)r);
}

const probe_decoder probes_ipc_entry[KPROBE_COUNT] = {
    [KPROBE_TAKE_RECEIVER] = dec_take_receiver,
    [KPROBE_PORT_WAIT] = dec_port_wait,
    [KPROBE_HAND_OVER] = dec_hand_over,
    [KPROBE_KIPC_BLOCK] = dec_kipc_block,
    [KPROBE_NOTIF_WAIT] = dec_notif_wait,
    [KPROBE_CALL_SLOW] = dec_call_slow,
    [KPROBE_BLOCK_FOR_REPLY] = dec_block_for_reply,
    [KPROBE_REPLY_RECV_SLOW] = dec_reply_recv_slow,
};

const probe_decoder probes_ipc_return[KPROBE_COUNT] = {
    [KPROBE_KPORT_LOOKUP] = dec_kport_lookup, [KPROBE_PORT_DEQUEUE] = dec_port_dequeue,
    [KPROBE_PORT_DISCARD] = dec_port_discard, [KPROBE_DELIVER] = dec_deliver,
    [KPROBE_DELIVER_REGS] = dec_deliver_regs, [KPROBE_POST] = dec_post,
    [KPROBE_RECV_REGS] = dec_recv_regs,       [KPROBE_CALL_SLOW] = dec_call_slow_ret,
    [KPROBE_REPLY_CHECK] = dec_reply_check,   [KPROBE_REPLY_GIVE] = dec_reply_give,
    [KPROBE_CALL_RUN] = dec_call_run,         [KPROBE_SEND_RUN] = dec_send_run,
    [KPROBE_TRY_SEND_RUN] = dec_send_run,     [KPROBE_RECV_RUN] = dec_recv_run,
    [KPROBE_TRY_RECV_RUN] = dec_recv_run,
};
