/* machine/probes.c: the kernel's trace events decoded from probes (see
 * probes.h). One decoder per abi/kprobes.h row, in a table indexed by its
 * ID: an anchor renamed in the kernel is a one-line change there. */
#include "machine/probes.h"
#include "machine/probes_int.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "abi/bootinfo.h"
#include "abi/klayout.h"
#include "abi/memmap.h"
#include "abi/syscall_nr.h"
#include "ipc/cap.h"
#include "ipc/port.h"
#include "machine/elf.h"
#include "machine/machine.h"

/* Returns the guest RAM word of `bytes` (1..8) bytes at kernel address
 * `addr` (identity-mapped: VA == PA), or 0 outside RAM. */
uint64_t probes_rd(const struct machine *m, uint64_t addr, unsigned bytes)
{
    if (addr < MM_RAM_BASE || addr - MM_RAM_BASE > m->cfg.ram_size - bytes)
        return 0;
    uint64_t v = 0;
    memcpy(&v, m->ram + (addr - MM_RAM_BASE), bytes); /* little-endian host and guest */
    return v;
}

/* Returns the pid of the struct proc at `p` (0 for NULL). */
uint32_t probes_pid_of(const struct machine *m, uint64_t p)
{
    return p ? (uint32_t)probes_rd(m, p + m->probes->lay.proc_pid, 4) : 0;
}

/* Returns the struct proc the decoding core runs: kcpus[core].current
 * (core 0's is the layout's `current`); 0 when none yet. */
uint64_t probes_current(const struct machine *m)
{
    const struct klayout *l = &m->probes->lay;
    unsigned k = m->probes->core;
    if (k == 0 || !l->kcpus || k >= l->kcpu_max)
        return k == 0 ? probes_rd(m, l->current, 8) : 0;
    return probes_rd(m, l->kcpus + (uint64_t)k * l->kcpu_size + l->kcpu_current, 8);
}

/* Returns the pid of the decoding core's running process (0: none yet). */
uint32_t probes_current_pid(const struct machine *m)
{
    return probes_pid_of(m, probes_current(m));
}

/* Returns the address of core k's struct ipc_capcache (kipc_capsys.caches
 * + k; the struct's size and ncaches' offset are the host's: ipc/ is the
 * same code on both sides of an LP64 boundary), 0 when it has none. */
static uint64_t cache_of(const struct machine *m, unsigned k)
{
    const struct klayout *l = &m->probes->lay;
    uint64_t c = probes_rd(m, l->capsys + l->capsys_caches, 8);
    if (!c || k >= probes_rd(m, l->capsys + offsetof(struct ipc_capsys, ncaches), 4))
        return 0;
    return c + (uint64_t)k * sizeof(struct ipc_capcache);
}

/* Records an event, stamped with the probe's clock: in the trace when the
 * probes are its source (machine_probe_event), in the shadow log in shadow
 * mode. */
void probes_emit(struct machine *m, const struct emu_probe_hit *h, uint32_t type, uint32_t pid,
                 uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct machine_probes *p = m->probes;
    const struct trc_event ev = {
        .cycle = h->cycle, .core = p->core, .type = type, .pid = pid, .arg = {a0, a1, a2, a3}};
    machine_probe_event(m, &ev);
    if (!m->cfg.shadow_probes)
        return;
    if (p->nev == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4096;
        struct trc_event *ev = realloc(p->ev, cap * sizeof *ev);
        if (!ev) {
            p->oom = true;
            return;
        }
        p->ev = ev;
        p->cap = cap;
    }
    p->ev[p->nev++] = ev;
}

static void cache_check(struct machine *m, unsigned k, uint64_t cycle);

/* E kmain(bi): BOOT (kernel ABI version 1, cores from the boot block). */
static void dec_kmain(struct machine *m, const struct emu_probe_hit *h)
{
    probes_emit(m, h, TRC_EV_BOOT, 0, 1,
                probes_rd(m, h->args[0] + m->probes->lay.bootinfo_ncores, 4), 0, 0);
}

/* R proc_create(...) = p: PROC_CREATE when p is not NULL. */
static void dec_proc_create(struct machine *m, const struct emu_probe_hit *h)
{
    const struct klayout *l = &m->probes->lay;
    uint64_t p = h->ret;
    if (!p)
        return;
    uint64_t name = p + l->proc_name;
    probes_emit(m, h, TRC_EV_PROC_CREATE, probes_pid_of(m, p), probes_rd(m, p + l->proc_prio, 4),
                probes_rd(m, name, 8), probes_rd(m, name + 8, 8), 0);
}

/* R proc_exit(p, code): PROC_EXIT, after the events its clean-up wrote. */
static void dec_proc_exit(struct machine *m, const struct emu_probe_hit *h)
{
    probes_emit(m, h, TRC_EV_PROC_EXIT, probes_pid_of(m, h->args[0]),
                (uint64_t)(int64_t)(int32_t)h->args[1], 0, 0, 0);
}

/* R proc_kill(p, cause, pc, addr): PROC_FAULT. */
static void dec_proc_kill(struct machine *m, const struct emu_probe_hit *h)
{
    probes_emit(m, h, TRC_EV_PROC_FAULT, probes_pid_of(m, h->args[0]), (uint32_t)h->args[1],
                h->args[2], h->args[3], 0);
}

/* E sched_next(why): who is switched away from, and why (the switch
 * itself is written at sched_switch_aspace). */
static void dec_sched_next(struct machine *m, const struct emu_probe_hit *h)
{
    probes_ipc_sched_next(m, h);
    probes_x(m)->switch_from = probes_current_pid(m);
    probes_x(m)->switch_why = (uint32_t)h->args[0];
}

/* E handoff(from, to): the same for the fast path's direct switch. */
static void dec_handoff(struct machine *m, const struct emu_probe_hit *h)
{
    probes_ipc_handoff(m, h, h->args[0], h->args[1]);
    probes_x(m)->switch_from = probes_pid_of(m, h->args[0]);
    probes_x(m)->switch_why = TRC_SWITCH_HANDOFF;
}

/* E arch_pt_switch(root, asid): the address space of the switch under
 * way (sched_switch_aspace, inlined into sched_next on every
 * architecture, calls it for a switch only). */
static void dec_pt_switch(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ctx *x = probes_x(m);
    x->switched = true;
    x->root = h->args[0];
    x->asid = (uint32_t)h->args[1];
}

/* The fast path committed (arch_enter_user with no syscall_dispatch since
 * its entry): its CAP_LOOKUP of the port (kfastpath.c writes it after
 * SYSCALL, before the switch), counted as ipc_cap_lookup_fast_commit
 * counts it. (The reply's lookup of the fixed slot, a1 = 2, is not
 * decoded, as the generic path's is not.) */
static void fp_commit(struct machine *m, const struct emu_probe_hit *h)
{
    struct machine_probes *p = m->probes;
    const struct probe_ctx *x = probes_x(m);
    if (x->ipc.nr == SYS_REPLY_RECV) /* first the fixed slot's (no cache) */
        probes_emit(m, h, TRC_EV_CAP_LOOKUP, x->fp_pid, x->fp_reply_tok, PROBES_LOOKUP_FIXED, 0, 0);
    probes_emit(m, h, TRC_EV_CAP_LOOKUP, x->fp_pid, x->fp_tok, x->fp_hit, IPC_OK, 0);
    if (x->fp_hit)
        p->cache[p->core].hits++;
    else
        p->cache[p->core].misses++;
    probes_ipc_fast_commit(m, h, h->args[0] - p->lay.proc_regs);
}

/* E arch_enter_user(&p->regs): the capability-cache cross-check; after a
 * switch, SCHED_SWITCH to p, then
 * ASPACE (the kernel writes both before the root write; no event comes
 * between them and this). */
static void dec_enter_user(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ctx *x = probes_x(m);
    if (x->fastpath) /* the fast path committed (no syscall_dispatch since its entry) */
        fp_commit(m, h);
    x->fastpath = false; /* the system call is over */
    cache_check(m, m->probes->core, h->cycle);
    if (!x->switched)
        return;
    x->switched = false;
    uint32_t pid = probes_pid_of(m, h->args[0] - m->probes->lay.proc_regs);
    probes_emit(m, h, TRC_EV_SCHED_SWITCH, pid, x->switch_from, x->switch_why, 0, 0);
    probes_emit(m, h, TRC_EV_ASPACE, pid, x->root, x->asid, 0, 0);
}

/* E syscall_dispatch(frame): SYSCALL of `current` with the frame's
 * number, unless it is the fast path's fallback (fastpath_slow), whose
 * SYSCALL the fast path's entry wrote. */
static void dec_syscall(struct machine *m, const struct emu_probe_hit *h)
{
    if (probes_x(m)->fastpath) {
        probes_x(m)->fastpath = false;
        return;
    }
    const struct klayout *l = &m->probes->lay;
    uint64_t nr = probes_rd(m, h->args[0] + l->regs_nr, 8);
    probes_emit(m, h, TRC_EV_SYSCALL, probes_current_pid(m), nr, 0, 0, 0);
    probes_ipc_syscall(m, (uint32_t)nr, probes_rd(m, h->args[0] + l->regs_info, 8));
}

/* Returns whether the decoding core's capability cache holds token `tok` of process
 * p's space: what fastpath_lookup (guest-kernel/kfastpath.c) reads (the line ipc_capcache_line_of
 * picks names p's space and tok); false before the cache exists. */
static bool fp_cache_hit(const struct machine *m, uint64_t p, uint64_t tok)
{
    const struct klayout *l = &m->probes->lay;
    uint64_t c = cache_of(m, m->probes->core);
    if (!c)
        return false;
    struct ipc_capcache geo = {.size = (uint32_t)probes_rd(m, c + l->capcache_size, 4)};
    uint16_t id = (uint16_t)probes_rd(m, p + l->proc_cspace + l->cspace_id, 2);
    uint64_t line = probes_rd(m, c + l->capcache_lines, 8) +
                    (uint64_t)ipc_capcache_line_of(&geo, id, tok) * l->capline_size;
    return geo.size && probes_rd(m, line + l->capline_cspace, 2) == id &&
           probes_rd(m, line + l->capline_tok, 8) == tok;
}

/* E fastpath_call / fastpath_reply_recv: the SYSCALL (number `nr`) of
 * `current`, which the fast path writes after its checks and its fallback
 * (fastpath_slow -> syscall_dispatch) before anything else: no event comes
 * between the entry and either. Also the CAP_LOOKUP of port token `tok`
 * it writes if it commits, whether a hit read now: nothing changes the
 * cache before its commit (kfastpath.c writes nothing before the point of
 * no return). The switch it may make is a handoff from `current`
 * (kfastpath.c fp_switch, with handoff inlined); the fallback's own
 * sched_next / handoff overrides it. */
static void dec_fastpath(struct machine *m, const struct emu_probe_hit *h, uint64_t nr,
                         uint64_t tok, uint64_t info)
{
    struct probe_ctx *x = probes_x(m);
    uint64_t cur = probes_current(m);
    uint32_t pid = probes_pid_of(m, cur);
    probes_emit(m, h, TRC_EV_SYSCALL, pid, nr, 0, 0, 0);
    x->fastpath = true;
    x->fp_proc = cur;
    probes_ipc_syscall(m, (uint32_t)nr, info);
    x->fp_pid = pid;
    x->fp_tok = tok;
    x->fp_hit = fp_cache_hit(m, cur, tok);
    x->switch_from = pid;
    x->switch_why = TRC_SWITCH_HANDOFF;
}

/* E fastpath_call(cap, info): SYSCALL SYS_CALL, lookup of `cap`
 * (dec_fastpath). */
static void dec_fastpath_call(struct machine *m, const struct emu_probe_hit *h)
{
    dec_fastpath(m, h, SYS_CALL, h->args[0], h->args[1]);
}

/* E fastpath_reply_recv(tok, info): SYSCALL SYS_REPLY_RECV, lookup of the
 * port token in the server's AUX register (dec_fastpath). */
static void dec_fastpath_reply_recv(struct machine *m, const struct emu_probe_hit *h)
{
    probes_x(m)->fp_reply_tok = h->args[0];
    const struct klayout *l = &m->probes->lay;
    uint64_t cur = probes_current(m);
    dec_fastpath(m, h, SYS_REPLY_RECV, probes_rd(m, cur + l->proc_regs + l->regs_aux, 8),
                 h->args[1]);
}

/* E irq_timer(p): TIMER_IRQ of the interrupted process (0: idle). */
static void dec_irq_timer(struct machine *m, const struct emu_probe_hit *h)
{
    probes_emit(m, h, TRC_EV_TIMER_IRQ, probes_pid_of(m, h->args[0]), 0, 0, 0, 0);
}

/* E power_off(code): HALT. */
static void dec_halt(struct machine *m, const struct emu_probe_hit *h)
{
    probes_emit(m, h, TRC_EV_HALT, 0, (uint32_t)h->args[0], 0, 0, 0);
}

/* E cap_event(ctx, ev, core, cspace, tok): CAP_INVALIDATE for an
 * invalidation, a2 = the core whose cache dropped the line. */
static void dec_cap_event(struct machine *m, const struct emu_probe_hit *h)
{
    if ((uint32_t)h->args[1] != IPC_CAP_EV_INVALIDATE)
        return;
    probes_emit(m, h, TRC_EV_CAP_INVALIDATE, 0, (uint16_t)h->args[3], h->args[4],
                (uint32_t)h->args[2], 0);
    if ((unsigned)h->args[2] < MACHINE_MAX_CORES) /* the core whose cache dropped a line */
        m->probes->cache[(unsigned)h->args[2]].invalidations++;
}

/* R kport_create(owner, capacity) = token: PORT_CREATE when it made one
 * (the port is the owner's newest: ports_owned = its index + 1). */
static void dec_port_create(struct machine *m, const struct emu_probe_hit *h)
{
    if ((int64_t)h->ret < 0)
        return;
    uint32_t cap = (uint32_t)h->args[1];
    probes_emit(m, h, TRC_EV_PORT_CREATE, probes_pid_of(m, h->args[0]),
                probes_rd(m, h->args[0] + m->probes->lay.proc_ports_owned, 4),
                cap ? cap : IPC_PORT_DEPTH, 0, 0);
    probes_x(m)->port_created = h->cycle + 1;
}

/* R kport_create_run(p, frame) = token: the same where kport_create was
 * inlined into it (no return of kport_create since this entry); the
 * capacity is the system call's argument 0. */
static void dec_port_create_run(struct machine *m, const struct emu_probe_hit *h)
{
    if ((int64_t)h->ret < 0 || probes_x(m)->port_created > h->entry_cycle)
        return;
    struct emu_probe_hit inner = *h;
    inner.args[1] = (uint32_t)probes_rd(m, h->args[1] + m->probes->lay.regs_arg0, 8);
    dec_port_create(m, &inner);
}

/* Compares the kernel's capability-cache counters of core `core` (its
 * struct ipc_capcache, read through kipc_capsys.caches) with the lookups
 * and invalidations decoded for it so far; a difference is counted and
 * the first one described. Before the cache exists both are 0. */
static void cache_check(struct machine *m, unsigned core, uint64_t cycle)
{
    struct machine_probes *p = m->probes;
    const struct klayout *l = &p->lay;
    struct probe_cache_check *k = &p->cache[core];
    uint64_t c = cache_of(m, core);
    uint64_t hits = c ? probes_rd(m, c + l->capcache_hits, 8) : 0;
    uint64_t misses = c ? probes_rd(m, c + l->capcache_misses, 8) : 0;
    uint64_t inval = c ? probes_rd(m, c + l->capcache_invalidations, 8) : 0;
    k->checks++;
    if (hits == k->hits && misses == k->misses && inval == k->invalidations)
        return;
    if (k->bad++ == 0)
        snprintf(k->first_bad, sizeof k->first_bad,
                 "core %u at cycle %llu: cache counts hits %llu misses %llu invalidations %llu, "
                 "events %llu %llu %llu",
                 core, (unsigned long long)cycle, (unsigned long long)hits,
                 (unsigned long long)misses, (unsigned long long)inval, (unsigned long long)k->hits,
                 (unsigned long long)k->misses, (unsigned long long)k->invalidations);
}

/* E kipc_wake(p, port_id, status): IPC_WAKE. */
static void dec_kipc_wake(struct machine *m, const struct emu_probe_hit *h)
{
    probes_ipc_wake(m, h);
    probes_emit(m, h, TRC_EV_IPC_WAKE, probes_pid_of(m, h->args[0]), (uint32_t)h->args[1],
                (uint64_t)(int64_t)(int32_t)h->args[2], 0, 0);
}

/* R ipc_notif_signal(n, bits, &taken) = w: NOTIFY by `current` (the only
 * caller is its SYS_NOTIFY), and IPC_WAKE of the waiter w took. */
static void dec_notif_signal(struct machine *m, const struct emu_probe_hit *h)
{
    const struct klayout *l = &m->probes->lay;
    uint32_t woken = h->ret ? probes_pid_of(m, h->ret - l->proc_waiter) : 0;
    probes_emit(m, h, TRC_EV_NOTIFY, probes_current_pid(m),
                probes_rd(m, h->args[0] + l->notif_id, 4), h->args[1], woken, 0);
    if (h->ret)
        probes_emit(m, h, TRC_EV_IPC_WAKE, woken, 0, 0, 0, 0);
}

/* R ipc_cap_lookup_cached(sys, core, cs, tok, type, rights, &s, &hit) = r:
 * CAP_LOOKUP of the process whose space cs is, hit read from *hit. */
static void dec_cap_lookup_cached(struct machine *m, const struct emu_probe_hit *h)
{
    struct machine_probes *p = m->probes;
    uint32_t hit = h->args[7] ? (uint8_t)probes_rd(m, h->args[7], 1) : 0;
    probes_emit(m, h, TRC_EV_CAP_LOOKUP, probes_pid_of(m, h->args[2] - p->lay.proc_cspace),
                h->args[3], hit, (uint64_t)(int64_t)(int32_t)h->ret, 0);
    unsigned k = (unsigned)h->args[1] < MACHINE_MAX_CORES ? (unsigned)h->args[1] : p->core;
    if (hit)
        p->cache[k].hits++;
    else if ((int32_t)h->ret != IPC_ERR_INVALID_ARG) /* refused before the cache counts */
        p->cache[k].misses++;
}

/* R ipc_cap_lookup(sys, cs, tok, type, rights, &s) = r: inside
 * kregion_move, the object its capability names (the first lookup). */
static void dec_cap_lookup(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ctx *x = probes_x(m);
    if (!x->in_move || x->move_found || (int32_t)h->ret != IPC_OK)
        return;
    uint64_t slot = probes_rd(m, h->args[5], 8);
    x->move_obj = (uint32_t)probes_rd(m, slot + m->probes->lay.slot_obj, 4);
    x->move_found = true;
}

/* R kport_shut(pid, i, free) = woken: PORT_CLOSE, after the wakes. */
static void dec_port_shut(struct machine *m, const struct emu_probe_hit *h)
{
    probes_emit(m, h, TRC_EV_PORT_CLOSE, (uint32_t)h->args[0], (uint32_t)(h->args[1] + 1),
                (uint32_t)h->ret, 0, 0);
}

/* R kipc_obj_new(p, type, t, &i) = token: the entry a success took. */
static void dec_obj_new(struct machine *m, const struct emu_probe_hit *h)
{
    if ((int64_t)h->ret < 0)
        return;
    probes_x(m)->obj_index = (uint32_t)probes_rd(m, h->args[3], 4);
    probes_x(m)->obj_new = h->cycle + 1;
}

/* Returns the base address of region i (struct region's first member). */
static uint64_t region_base(const struct machine *m, uint64_t i)
{
    const struct probe_table *t = &m->probes->regions;
    return probes_rd(m, t->addr + i * t->elem, 8);
}

/* R region_new(p, pages, copy_of) = token: REGION CREATE or COPY, of the
 * entry kipc_obj_new took inside it. */
static void dec_region_new(struct machine *m, const struct emu_probe_hit *h)
{
    const struct probe_ctx *x = probes_x(m);
    if ((int64_t)h->ret < 0 || x->obj_new <= h->entry_cycle)
        return;
    probes_emit(m, h, TRC_EV_REGION, probes_pid_of(m, h->args[0]), x->obj_index + 1,
                region_base(m, x->obj_index),
                (uint64_t)(uint32_t)h->args[1] * m->probes->lay.page_size,
                h->args[2] ? TRC_REGION_COPY : TRC_REGION_CREATE);
}

/* Returns how many mappings process p has; *len_of_base the length of the
 * one at `base` (0: none). */
static uint32_t maps_of(const struct machine *m, uint64_t p, uint64_t base, uint64_t *len_of_base)
{
    const struct klayout *l = &m->probes->lay;
    uint32_t n = 0;
    *len_of_base = 0;
    for (uint32_t i = 0; i < l->proc_maps_max; i++) {
        uint64_t k = p + l->proc_maps + (uint64_t)i * l->kmap_size;
        uint64_t len = probes_rd(m, k + l->kmap_len, 8);
        if (!len)
            continue;
        n++;
        if (probes_rd(m, k + l->kmap_base, 8) == base)
            *len_of_base = len;
    }
    return n;
}

/* E region_map(p, tok, rg): p's mappings before. */
static void dec_region_map_entry(struct machine *m, const struct emu_probe_hit *h)
{
    uint64_t len;
    probes_x(m)->maps_before = maps_of(m, h->args[0], 0, &len);
}

/* R region_map(p, tok, rg) = base: REGION MAP when it made a mapping (it
 * also returns the base for one that existed). */
static void dec_region_map(struct machine *m, const struct emu_probe_hit *h)
{
    uint64_t len;
    if ((int64_t)h->ret < 0 || maps_of(m, h->args[0], h->ret, &len) <= probes_x(m)->maps_before ||
        !len)
        return;
    const struct probe_table *t = &m->probes->regions;
    probes_emit(m, h, TRC_EV_REGION, probes_pid_of(m, h->args[0]),
                (h->args[2] - t->addr) / t->elem + 1, h->ret, len, TRC_REGION_MAP);
}

/* E map_remove(p, map): REGION UNMAP of the mapping. */
static void dec_map_remove(struct machine *m, const struct emu_probe_hit *h)
{
    const struct klayout *l = &m->probes->lay;
    probes_emit(m, h, TRC_EV_REGION, probes_pid_of(m, h->args[0]), 0,
                probes_rd(m, h->args[1] + l->kmap_base, 8),
                probes_rd(m, h->args[1] + l->kmap_len, 8), TRC_REGION_UNMAP);
}

/* E kregion_move(from, tok, to, &out): its lookup is watched. */
static void dec_region_move_entry(struct machine *m, const struct emu_probe_hit *h)
{
    (void)h;
    probes_x(m)->in_move = true;
    probes_x(m)->move_found = false;
}

/* R kregion_move(from, tok, to, &out) = moved: REGION MOVE of the region
 * its lookup found. */
static void dec_region_move(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ctx *x = probes_x(m);
    x->in_move = false;
    if (!(uint8_t)h->ret || !x->move_found)
        return;
    uint32_t i = x->move_obj & ((1u << m->probes->lay.kobj_index_bits) - 1u);
    probes_emit(m, h, TRC_EV_REGION, probes_pid_of(m, h->args[0]), i + 1, region_base(m, i),
                probes_pid_of(m, h->args[2]), TRC_REGION_MOVE);
}

/* E ktopic_trace_sub(p, t, port, on): TOPIC_SUBSCRIBE. */
static void dec_topic_sub(struct machine *m, const struct emu_probe_hit *h)
{
    const struct probe_table *t = &m->probes->topics;
    probes_emit(m, h, TRC_EV_TOPIC_SUBSCRIBE, probes_pid_of(m, h->args[0]),
                (h->args[1] - t->addr) / t->elem + 1,
                probes_rd(m, h->args[2] + m->probes->lay.port_id, 4), (uint32_t)h->args[3], 0);
}

/* Returns the trace's word for the message at msg (kipc_msg_word). */
uint64_t probes_msg_word(const struct machine *m, uint64_t msg)
{
    const struct klayout *l = &m->probes->lay;
    uint64_t flags = probes_rd(m, msg + l->msg_flags, 2);
    return probes_rd(m, msg + l->msg_opcode, 4) |
           (probes_rd(m, msg + l->msg_len, 4) & 0xffffu) << 32 |
           (probes_rd(m, msg + l->msg_ncaps, 2) & 0xffu) << 48 |
           (uint64_t)((flags & IPC_MSG_MOVE) != 0) << 56;
}

/* E kipc_call_abandon(c): IPC_DROP of each queued call of c's that has
 * not been received: a call c sent whose reply object names c's current
 * call (its generation is c's call number; its index is c's slot, which
 * the sender's pid already says). */
static void dec_call_abandon(struct machine *m, const struct emu_probe_hit *h)
{
    const struct machine_probes *p = m->probes;
    const struct klayout *l = &p->lay;
    uint64_t c = h->args[0];
    uint64_t port = probes_rd(m, c + l->proc_call_port, 8);
    if (!probes_rd(m, c + l->proc_reply_wait, 1) || !port)
        return;
    uint32_t pid = probes_pid_of(m, c);
    uint64_t gen = probes_rd(m, c + l->proc_call_seq, 4) & 0xffffu;
    uint32_t port_id = (uint32_t)probes_rd(m, port + l->port_id, 4);
    uint64_t q = probes_rd(m, port + l->port_head, 8);
    for (uint32_t guard = 0; q && guard < (1u << 24); guard++) {
        uint64_t msg = q + l->msgnode_msg;
        if ((probes_rd(m, msg + l->msg_flags, 2) & IPC_MSG_CALL) &&
            probes_rd(m, msg + l->msg_sender, 4) == pid &&
            probes_rd(m, msg + l->msg_reply, 8) >> l->kobj_index_bits == gen)
            probes_emit(m, h, TRC_EV_IPC_DROP, pid, port_id, probes_msg_word(m, msg),
                        TRC_DROP_CALLER_GAVE_UP, 0);
        q = probes_rd(m, q + l->msgnode_next, 8);
    }
}

/* The decoders of each anchor, by enum kprobe_id: at its entry, and at
 * its return for a row with a return probe (either may be NULL). */
static const struct {
    probe_decoder entry, ret;
} decoders[KPROBE_COUNT] = {
    [KPROBE_KMAIN] = {dec_kmain, NULL},
    [KPROBE_PROC_CREATE] = {NULL, dec_proc_create},
    [KPROBE_PROC_EXIT] = {NULL, dec_proc_exit},
    [KPROBE_PROC_KILL] = {NULL, dec_proc_kill},
    [KPROBE_SCHED_NEXT] = {dec_sched_next, NULL},
    [KPROBE_HANDOFF] = {dec_handoff, NULL},
    [KPROBE_PT_SWITCH] = {dec_pt_switch, NULL},
    [KPROBE_ENTER_USER] = {dec_enter_user, NULL},
    [KPROBE_SYSCALL] = {dec_syscall, NULL},
    [KPROBE_FASTPATH_CALL] = {dec_fastpath_call, NULL},
    [KPROBE_FASTPATH_REPLY_RECV] = {dec_fastpath_reply_recv, NULL},
    [KPROBE_IRQ_TIMER] = {dec_irq_timer, NULL},
    [KPROBE_HALT] = {dec_halt, NULL},
    [KPROBE_CAP_EVENT] = {dec_cap_event, NULL},
    [KPROBE_PORT_CREATE] = {NULL, dec_port_create},
    [KPROBE_PORT_CREATE_RUN] = {NULL, dec_port_create_run},
    [KPROBE_KIPC_WAKE] = {dec_kipc_wake, NULL},
    [KPROBE_NOTIF_SIGNAL] = {NULL, dec_notif_signal},
    [KPROBE_CAP_LOOKUP_CACHED] = {NULL, dec_cap_lookup_cached},
    [KPROBE_CAP_LOOKUP] = {NULL, dec_cap_lookup},
    [KPROBE_PORT_SHUT] = {NULL, dec_port_shut},
    [KPROBE_OBJ_NEW] = {NULL, dec_obj_new},
    [KPROBE_REGION_NEW] = {NULL, dec_region_new},
    [KPROBE_REGION_MAP] = {dec_region_map_entry, dec_region_map},
    [KPROBE_MAP_REMOVE] = {dec_map_remove, NULL},
    [KPROBE_REGION_MOVE] = {dec_region_move_entry, dec_region_move},
    [KPROBE_TOPIC_SUB] = {dec_topic_sub, NULL},
    [KPROBE_CALL_ABANDON] = {dec_call_abandon, NULL},
};

/* The row of each anchor: symbol, arguments, return probe. */
static const struct {
    const char *sym;
    uint8_t nargs;
    bool on_return;
} rows[KPROBE_COUNT] = {
#define KPROBE_ROW(id, link, sym, nargs, ret) [KPROBE_##id] = {#sym, nargs, ret},
    KPROBES(KPROBE_ROW)
#undef KPROBE_ROW
};

/* core->probes.cb: runs the anchor's decoder for its entry or its
 * return. */
static void on_probe(struct emu_core *c, const struct emu_probe_hit *h, void *arg)
{
    struct machine *m = arg;
    m->probes->core = c->id;
    bool ret = h->kind == EMU_PROBE_RETURN;
    probe_decoder d = ret ? decoders[h->id].ret : decoders[h->id].entry;
    if (!d)
        d = ret ? probes_ipc_return[h->id] : probes_ipc_entry[h->id];
    if (d)
        d(m, h);
}

bool machine_probes_cover(uint32_t type)
{
#define PROBED_CASE(id) case TRC_EV_##id:
    switch (type) {
        MACHINE_PROBED_EVENTS(PROBED_CASE)
        return true;
    default:
        return false;
    }
#undef PROBED_CASE
}

/* qsort order of probes: by address. */
static int probe_cmp(const void *a, const void *b)
{
    const struct emu_probe *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Returns the size of the data object symbol `name` of kernel image
 * img[n] whose size satisfies `fits` (NULL: any), with its address in
 * *addr; 0 when there is none. (elf_symbols lists functions only.) */
static uint64_t object_symbol(const uint8_t *img, size_t n, const char *name,
                              bool (*fits)(uint64_t size, uint64_t arg), uint64_t arg,
                              uint64_t *addr)
{
    const uint8_t *sym, *str;
    size_t nsym, nstr;
    if (!elf_section(img, n, ".symtab", &sym, &nsym) ||
        !elf_section(img, n, ".strtab", &str, &nstr))
        return 0;
    size_t len = strlen(name);
    for (size_t i = 0; i + sizeof(Elf64_Sym) <= nsym; i += sizeof(Elf64_Sym)) {
        Elf64_Sym e;
        memcpy(&e, sym + i, sizeof e);
        if (ELF64_ST_TYPE(e.st_info) != STT_OBJECT || !e.st_size || e.st_name >= nstr ||
            nstr - e.st_name <= len || memcmp(str + e.st_name, name, len + 1) ||
            (fits && !fits(e.st_size, arg)))
            continue;
        *addr = e.st_value;
        return e.st_size;
    }
    return 0;
}

/* Whether an array of `size` bytes holds whole entries of `elem` bytes. */
static bool holds_entries_of(uint64_t size, uint64_t elem)
{
    return elem && size % elem == 0;
}

/* Returns the kernel's object table `name` (private to one kernel file),
 * its entry size the table's size over the entries of its uint32_t
 * generation array `gen` (of the same file); {0, 0} when either is not in
 * img[n]. */
static struct probe_table table_of(const uint8_t *img, size_t n, const char *name, const char *gen)
{
    uint64_t at, entries = object_symbol(img, n, gen, NULL, 0, &at) / sizeof(uint32_t);
    uint64_t size = entries ? object_symbol(img, n, name, holds_entries_of, entries, &at) : 0;
    return size ? (struct probe_table){at, size / entries} : (struct probe_table){0, 0};
}

int machine_probes_install(struct machine *m, const uint8_t *img, size_t n)
{
    const uint8_t *data;
    size_t size;
    struct klayout lay;
    if (!elf_section(img, n, ".klayout", &data, &size) || size < sizeof lay) {
        snprintf(m->why, sizeof m->why, "probes: the kernel image has no .klayout section");
        return -1;
    }
    memcpy(&lay, data, sizeof lay);
    if (lay.magic != KLAYOUT_MAGIC || lay.version != KLAYOUT_VERSION || lay.size != sizeof lay) {
        snprintf(m->why, sizeof m->why,
                 "probes: the kernel's layout record is version %u (%u bytes), not %u (%zu bytes)",
                 lay.version, lay.size, KLAYOUT_VERSION, sizeof lay);
        return -1;
    }
    struct machine_probes *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(m->why, sizeof m->why, "out of memory");
        return -1;
    }
    p->lay = lay;
    struct elf_sym *syms;
    size_t ns = elf_symbols(img, n, &syms);
    for (unsigned id = 0; id < KPROBE_COUNT; id++) {
        uint64_t addr = 0;
        for (size_t i = 0; i < ns && !addr; i++)
            if (!strcmp(syms[i].name, rows[id].sym))
                addr = syms[i].addr;
        if (!addr) {
            size_t k = strlen(p->missing);
            snprintf(p->missing + k, sizeof p->missing - k, "%s%s", k ? " " : "", rows[id].sym);
            continue;
        }
        p->tab[p->ntab++] = (struct emu_probe){
            .addr = addr, .id = id, .nargs = rows[id].nargs, .on_return = rows[id].on_return};
    }
    p->regions = table_of(img, n, "regions", "region_gen");
    p->topics = table_of(img, n, "topics", "topic_gen");
    free(syms);
    qsort(p->tab, p->ntab, sizeof p->tab[0], probe_cmp);
    m->probes = p;
    for (unsigned k = 0; k < m->cfg.ncores; k++) /* every core's kernel code */
        if (emu_core_set_probes(machine_core(m, k), p->tab, p->ntab, on_probe, m) != 0) {
            snprintf(m->why, sizeof m->why, "probes: two anchors share an address");
            return -1;
        }
    return 0;
}

void machine_probes_free(struct machine *m)
{
    if (!m->probes)
        return;
    for (unsigned k = 0; k < m->cfg.ncores; k++)
        if (machine_core(m, k) && machine_core(m, k)->uc)
            emu_core_set_probes(machine_core(m, k), NULL, 0, NULL, NULL);
    free(m->probes->ev);
    free(m->probes);
    m->probes = NULL;
}

const struct trc_event *machine_probes_events(const struct machine *m, size_t *n)
{
    *n = m->probes ? m->probes->nev : 0;
    return m->probes ? m->probes->ev : NULL;
}

int machine_probes_cache_check(struct machine *m, char *why, size_t n)
{
    if (!m->probes)
        return 0;
    uint64_t bad = 0, checks = 0;
    const char *first = "";
    for (unsigned c = 0; c < m->cfg.ncores; c++) {
        const struct probe_cache_check *k = &m->probes->cache[c];
        cache_check(m, c, machine_core(m, c)->cycles);
        if (k->bad && !bad)
            first = k->first_bad;
        bad += k->bad;
        checks += k->checks;
    }
    if (bad)
        snprintf(why, n, "%llu of %llu checks failed, first %s", (unsigned long long)bad,
                 (unsigned long long)checks, first);
    return bad ? -1 : 0;
}

const char *machine_probes_missing(const struct machine *m)
{
    return m->probes ? m->probes->missing : "";
}
