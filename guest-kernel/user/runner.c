/* guest-kernel/user/runner.c: the workload runner. Every process of a
 * scenario runs it on its own compiled program (abi/scenario.h),
 * which the kernel put at the top of the process's stack with the handles
 * it starts with. User code has no writable globals: all state is here
 * and in the image. */
#include "abi/scenario.h"
#include "ulib.h"

/* Every operation of abi/scenario_ops.h has its case in prog_scenario's
 * switch: one without a case does not compile. */
#pragma GCC diagnostic error "-Wswitch-enum"

/* A result that counts as "ok": 0, a token, a length or bits. */
static int32_t normalize(long r)
{
    return r >= 0 ? 0 : (int32_t)r;
}

/* Writes v in decimal at out[*k] (out has room for 20 more characters)
 * and moves *k past it. */
static void put_dec(char *out, unsigned *k, uint64_t v)
{
    char tmp[20];
    unsigned n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        out[(*k)++] = tmp[--n];
}

/* Reports operation `pc`, which returned `got` where `want` was expected
 * (`got` raw for a value expectation, normalized otherwise), with the iteration of each open repeat
 * (abi/scenario.h's SCN_FAIL_LINE), and exits with SCN_EXIT_EXPECT. Does not return. */
__attribute__((noreturn)) static void fail_op(const struct scn_op *ops, uint32_t pc, int32_t want,
                                              long got, const uint32_t *opened,
                                              const uint64_t *left, unsigned depth)
{
    char iters[SCN_MAX_DEPTH * 21 + 1];
    unsigned k = 0;
    for (unsigned d = 0; d < depth; d++) {
        iters[k++] = ' ';
        put_dec(iters, &k, ops[opened[d]].v - left[d] + 1);
    }
    iters[k] = '\0';
    u_printf(SCN_FAIL_LINE "%u: operation %u returned %ld, expected %d; iterations%s\n",
             (unsigned)u_getpid(), (unsigned)pc, got, (int)want, iters);
    u_exit(SCN_EXIT_EXPECT);
}

/* Returns whether operation `pc`'s expect is a value (SCN_EXPECT_VALUE:
 * its struct scn_value in the image's strings, after the ops) that raw
 * result `res` meets. Out of line, and asked only when the result is not
 * the one an expect of "ok" or an error name asks, so that operations
 * without a value cost what they did. */
__attribute__((noinline)) static int value_holds(const struct scn_op *ops, uint32_t pc, long res)
{
    const struct scn_image *img = (const struct scn_image *)ops - 1;
    int32_t want = ops[pc].expect;
    if (want <= 0)
        return 0;
    const struct scn_value *v =
        (const struct scn_value *)((const char *)(ops + img->nops) + (want - 1));
    return res >= 0 && (uint64_t)res >= v->lo && (uint64_t)res <= v->hi;
}

int prog_scenario(long image)
{
    struct scn_image *img = (struct scn_image *)image;
    const struct scn_op *ops = (const struct scn_op *)(img + 1);
    const char *strs = (const char *)(ops + img->nops);
    int64_t *h = img->handles;
    uint64_t left[SCN_MAX_DEPTH];   /* iterations left of each open repeat */
    uint32_t opened[SCN_MAX_DEPTH]; /* ... and its index */
    unsigned depth = 0;
    long sleeper = -1;                       /* a notification nobody signals, for sleep */
    uint64_t compute_cal = 0;                /* compute's loop cost (u_compute) */
    uintptr_t mapped[SCN_MAX_HANDLES];       /* where each mapped region handle is */
    struct px_socket socks[SCN_MAX_SOCKETS]; /* POSIX-shim sockets (their index is the handle) */
    struct chan chans[SCN_MAX_CHANS];        /* channels (likewise) */
    unsigned nsocks = 0, nchans = 0;
    struct ipc_umsg m;
    struct ipc_regs r;
    if (img->magic != SCN_IMAGE_MAGIC)
        u_exit(99);
    for (unsigned i = 0; i < SCN_MAX_HANDLES; i++)
        mapped[i] = 0;
    for (uint32_t pc = 0; pc < img->nops; pc++) {
        const struct scn_op *o = &ops[pc];
        ipc_cap_t a = o->a < SCN_MAX_HANDLES ? (ipc_cap_t)h[o->a] : 0;
        ipc_cap_t b = o->b < SCN_MAX_HANDLES ? (ipc_cap_t)h[o->b] : 0;
        long res = 0;
        switch ((enum scn_opcode)o->code) {
        case SCN_OP_PORT_CREATE:
            res = u_port_create(o->n);
            break;
        case SCN_OP_BIND:
            res = u_name_bind(strs + o->m, a);
            break;
        case SCN_OP_LOOKUP:
            res = u_name_lookup(strs + o->m);
            break;
        case SCN_OP_SEND:
        case SCN_OP_TRY_SEND:
            m.opcode = o->m;
            m.len = o->n;
            m.ncaps = 0;
            for (unsigned k = 0; k < SCN_MAX_MSG_CAPS && k < o->b; k++)
                m.caps[m.ncaps++] = (ipc_cap_t)h[(o->x >> (8 * k)) & 0xffu];
            m.flags = (uint16_t)o->w;
            for (uint32_t i = 0; i < o->n && i < sizeof m.data; i++)
                m.data[i] = (uint8_t)(pc + i);
            res = o->code == SCN_OP_SEND ? u_send(a, &m, o->v) : u_try_send(a, &m);
            break;
        case SCN_OP_RECV:
        case SCN_OP_TRY_RECV:
            m.ncaps = 0;
            res = o->code == SCN_OP_RECV ? u_recv(a, &m, o->v) : u_try_recv(a, &m);
            if (res >= 0 && o->c < SCN_MAX_HANDLES) {
                /* `as` names the capabilities it carries: it must carry them */
                unsigned named = o->b <= SCN_MAX_MSG_CAPS ? o->b : 1;
                for (unsigned k = 1; k < named && res >= 0; k++) {
                    unsigned slot = (o->x >> (8 * k)) & 0xffu;
                    if (k < m.ncaps)
                        h[slot] = (int64_t)m.caps[k];
                    else
                        res = IPC_ERR_INVALID_CAP;
                }
                if (res >= 0)
                    res = m.ncaps ? (long)m.caps[0] : IPC_ERR_INVALID_CAP;
            }
            break;
        case SCN_OP_CALL:
            r.info = IPC_INFO(o->m, o->n);
            for (int i = 0; i < 8; i++)
                r.mr[i] = pc + (uint64_t)i;
            res = u_call(a, &r, o->v);
            break;
        case SCN_OP_RECV_CALL:
            res = u_recv_call(a, &r, o->v);
            if (res >= 0)
                res = (long)r.aux; /* the reply capability goes to `as` */
            break;
        case SCN_OP_REPLY:
            r.info = IPC_INFO(0, o->n);
            res = u_reply(a, &r);
            break;
        case SCN_OP_REPLY_RECV:
            r.info = IPC_INFO(0, 8);
            res = u_reply_recv(a, &r, b); /* a = the reply, b = the port */
            if (res >= 0)
                res = (long)r.aux;
            break;
        case SCN_OP_NOTIF_CREATE:
            res = u_notif_create();
            break;
        case SCN_OP_NOTIFY:
            res = u_notify(a, o->v);
            break;
        case SCN_OP_WAIT:
            res = u_wait(a, o->v);
            break;
        case SCN_OP_POLL:
            res = u_poll(a);
            break;
        case SCN_OP_PEEK:
            res = u_peek(a, &m);
            break;
        case SCN_OP_PULL:
            res = u_pull(a, m.data, sizeof m.data);
            break;
        case SCN_OP_DISCARD:
            res = u_discard(a);
            break;
        case SCN_OP_DERIVE:
            res = u_cap_derive(a, o->n);
            break;
        case SCN_OP_REVOKE:
            res = u_cap_revoke(a);
            break;
        case SCN_OP_DELETE:
            res = u_cap_delete(a);
            break;
        case SCN_OP_LIMIT:
            res = u_port_limit(a, o->w, o->n);
            break;
        case SCN_OP_RATE:
            res = u_port_rate(a, o->v, o->w);
            break;
        case SCN_OP_PX_SOCKET:
            res = nsocks < SCN_MAX_SOCKETS ? px_socket(&socks[nsocks]) : IPC_ERR_NO_MEMORY;
            if (res == 0)
                res = nsocks++;
            break;
        case SCN_OP_PX_BIND:
        case SCN_OP_PX_CONNECT:
        case SCN_OP_PX_SEND:
        case SCN_OP_PX_RECV:
        case SCN_OP_PX_CLOSE: {
            if ((uint64_t)a >= nsocks) {
                res = IPC_ERR_INVALID_CAP;
                break;
            }
            struct px_socket *sk = &socks[a];
            if (o->code == SCN_OP_PX_BIND)
                res = px_bind(sk, strs + o->m);
            else if (o->code == SCN_OP_PX_CONNECT)
                res = px_connect(sk, strs + o->m);
            else if (o->code == SCN_OP_PX_SEND)
                res = px_send(sk, m.data, o->n);
            else if (o->code == SCN_OP_PX_RECV)
                res = px_recv(sk, m.data, sizeof m.data);
            else
                res = px_close(sk, o->m == UINT32_MAX ? NULL : strs + o->m);
            break;
        }
        case SCN_OP_CHAN_CREATE:
            res = nchans < SCN_MAX_CHANS ? chan_create(&chans[nchans], o->n, (uint32_t)o->w)
                                         : IPC_ERR_NO_MEMORY;
            if (res == 0)
                res = nchans++;
            break;
        case SCN_OP_CHAN_GIVE:
            res = (uint64_t)a < nchans ? chan_give(&chans[a], b) : IPC_ERR_INVALID_CAP;
            break;
        case SCN_OP_CHAN_ACCEPT:
            res = nchans < SCN_MAX_CHANS ? u_recv(a, &m, 0) : IPC_ERR_NO_MEMORY;
            if (res >= 0)
                res = chan_accept(&chans[nchans], &m);
            if (res >= 0)
                res = nchans++;
            break;
        case SCN_OP_CHAN_SEND: {
            /* a batch of n messages of w bytes each: one signal */
            const void *bufs[64];
            uint32_t lens[64];
            for (uint32_t i = 0; i < o->n && i < 64; i++) {
                bufs[i] = m.data;
                lens[i] = (uint32_t)o->w;
            }
            res = (uint64_t)a < nchans ? chan_send_batch(&chans[a], bufs, lens, o->n)
                                       : IPC_ERR_INVALID_CAP;
            if (res >= 0 && (uint32_t)res != o->n)
                res = IPC_ERR_PORT_FULL; /* not all of the batch fit */
            break;
        }
        case SCN_OP_CHAN_RECV:
            res = (uint64_t)a < nchans ? chan_recv(&chans[a], m.data, sizeof m.data)
                                       : IPC_ERR_INVALID_CAP;
            break;
        case SCN_OP_TOPIC_CREATE:
            res = u_topic_create();
            break;
        case SCN_OP_SUBSCRIBE:
            res = u_topic_subscribe(a, b);
            break;
        case SCN_OP_UNSUBSCRIBE:
            res = u_topic_unsubscribe(a, b);
            break;
        case SCN_OP_PUBLISH:
            m.opcode = o->m;
            m.len = o->n;
            m.ncaps = 0;
            m.flags = 0;
            res = u_publish(a, &m);
            break;
        case SCN_OP_REGION_CREATE:
            res = u_region_create(o->n);
            break;
        case SCN_OP_MAP:
            res = u_region_map(a);
            if (res >= 0 && o->a < SCN_MAX_HANDLES)
                mapped[o->a] = (uintptr_t)res;
            break;
        case SCN_OP_UNMAP:
            res = u_region_unmap(a);
            if (res >= 0 && o->a < SCN_MAX_HANDLES)
                mapped[o->a] = 0;
            break;
        case SCN_OP_REGION_COPY:
            res = u_region_copy(a);
            break;
        case SCN_OP_TOUCH:
            /* reads or writes a word in every 64 bytes of the mapping:
             * the bulk data's cost in the caches */
            if (o->a >= SCN_MAX_HANDLES || !mapped[o->a]) {
                res = IPC_ERR_BAD_POINTER;
                break;
            }
            for (uint32_t i = 0; i + 8 <= o->n; i += 64) {
                volatile uint64_t *w = (volatile uint64_t *)(mapped[o->a] + i);
                if (o->m)
                    *w = i;
                else
                    res += (long)(*w & 1);
            }
            res = 0;
            break;
        case SCN_OP_COMPUTE:
            (void)u_compute(o->v, &compute_cal);
            break;
        case SCN_OP_SLEEP:
            if (sleeper < 0)
                sleeper = u_notif_create();
            res = u_wait((ipc_cap_t)sleeper, o->v);
            if (res == IPC_ERR_TIMEOUT)
                res = 0; /* the sleep's normal end */
            break;
        case SCN_OP_YIELD:
            res = u_yield();
            break;
        case SCN_OP_EXIT:
            u_exit((int)o->n);
        case SCN_OP_REPEAT:
            if (depth == SCN_MAX_DEPTH)
                u_exit(98);
            opened[depth] = pc;
            left[depth++] = o->v;
            continue;
        case SCN_OP_LOOP_END:
            if (depth > 0 && --left[depth - 1] > 0)
                pc = o->m; /* back to its repeat: the next op is the body's first */
            else if (depth > 0)
                depth--;
            continue;
        default:
            u_exit(97);
        }
        if (o->c < SCN_MAX_HANDLES && res >= 0)
            h[o->c] = res;
        if (o->expect != SCN_EXPECT_ANY && normalize(res) != o->expect &&
            !value_holds(ops, pc, res))
            fail_op(ops, pc, o->expect, o->expect > 0 ? res : normalize(res), opened, left, depth);
    }
    return 0;
}
