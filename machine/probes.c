/* machine/probes.c: the kernel's trace events decoded from probes (see
 * probes.h). One decoder per abi/kprobes.h row, in a table indexed by its
 * ID: an anchor renamed in the kernel is a one-line change there. */
#include "machine/probes.h"

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

/* What the decoders keep between probes (one core). */
struct probe_ctx {
    uint32_t switch_from;  /* sched_next / handoff: the process switched away from */
    uint32_t switch_why;   /*   and why (enum trc_switch_reason) */
    bool switched;         /* arch_pt_switch ran since: the switch is written when */
    uint64_t root, asid;   /*   arch_enter_user names the process, with this root */
    uint64_t port_created; /* the clock at kport_create's last return (+1), 0: none */
    bool fastpath;         /* a fast-path entry wrote SYSCALL: its fallback's is the same */
};

struct machine_probes {
    struct klayout lay;
    struct emu_probe tab[KPROBE_COUNT]; /* the anchors found, sorted by address */
    size_t ntab;
    struct probe_ctx ctx;
    struct trc_event *ev; /* owned: the shadow log */
    size_t nev, cap;
    bool oom;
    char missing[256];
};

/* Returns the guest RAM word of `bytes` (1..8) bytes at kernel address
 * `addr` (identity-mapped: VA == PA), or 0 outside RAM. */
static uint64_t rd(const struct machine *m, uint64_t addr, unsigned bytes)
{
    if (addr < MM_RAM_BASE || addr - MM_RAM_BASE > m->cfg.ram_size - bytes)
        return 0;
    uint64_t v = 0;
    memcpy(&v, m->ram + (addr - MM_RAM_BASE), bytes); /* little-endian host and guest */
    return v;
}

/* Returns the pid of the struct proc at `p` (0 for NULL). */
static uint32_t pid_of(const struct machine *m, uint64_t p)
{
    return p ? (uint32_t)rd(m, p + m->probes->lay.proc_pid, 4) : 0;
}

/* Returns the pid of the kernel's `current` (0: none yet). */
static uint32_t current_pid(const struct machine *m)
{
    return pid_of(m, rd(m, m->probes->lay.current, 8));
}

/* Appends an event to the shadow log, stamped with the probe's clock. */
static void emit(struct machine *m, const struct emu_probe_hit *h, uint32_t type, uint32_t pid,
                 uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct machine_probes *p = m->probes;
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
    p->ev[p->nev++] = (struct trc_event){
        .cycle = h->cycle, .core = m->core.id, .type = type, .pid = pid, .arg = {a0, a1, a2, a3}};
}

/* One decoder: what the probe of one anchor writes (at its entry, or at
 * its return when the row asks for one). */
typedef void (*probe_decoder)(struct machine *m, const struct emu_probe_hit *h);

/* E kmain(bi): BOOT (kernel ABI version 1, cores from the boot block). */
static void dec_kmain(struct machine *m, const struct emu_probe_hit *h)
{
    emit(m, h, TRC_EV_BOOT, 0, 1, rd(m, h->args[0] + m->probes->lay.bootinfo_ncores, 4), 0, 0);
}

/* R proc_create(...) = p: PROC_CREATE when p is not NULL. */
static void dec_proc_create(struct machine *m, const struct emu_probe_hit *h)
{
    const struct klayout *l = &m->probes->lay;
    uint64_t p = h->ret;
    if (!p)
        return;
    uint64_t name = p + l->proc_name;
    emit(m, h, TRC_EV_PROC_CREATE, pid_of(m, p), rd(m, p + l->proc_prio, 4), rd(m, name, 8),
         rd(m, name + 8, 8), 0);
}

/* R proc_exit(p, code): PROC_EXIT, after the events its clean-up wrote. */
static void dec_proc_exit(struct machine *m, const struct emu_probe_hit *h)
{
    emit(m, h, TRC_EV_PROC_EXIT, pid_of(m, h->args[0]), (uint64_t)(int64_t)(int32_t)h->args[1], 0,
         0, 0);
}

/* R proc_kill(p, cause, pc, addr): PROC_FAULT. */
static void dec_proc_kill(struct machine *m, const struct emu_probe_hit *h)
{
    emit(m, h, TRC_EV_PROC_FAULT, pid_of(m, h->args[0]), (uint32_t)h->args[1], h->args[2],
         h->args[3], 0);
}

/* E sched_next(why): who is switched away from, and why (the switch
 * itself is written at sched_switch_aspace). */
static void dec_sched_next(struct machine *m, const struct emu_probe_hit *h)
{
    m->probes->ctx.switch_from = current_pid(m);
    m->probes->ctx.switch_why = (uint32_t)h->args[0];
}

/* E handoff(from, to): the same for the fast path's direct switch. */
static void dec_handoff(struct machine *m, const struct emu_probe_hit *h)
{
    m->probes->ctx.switch_from = pid_of(m, h->args[0]);
    m->probes->ctx.switch_why = TRC_SWITCH_HANDOFF;
}

/* E arch_pt_switch(root, asid): the address space of the switch under
 * way (sched_switch_aspace, inlined into sched_next on every
 * architecture, calls it for a switch only). */
static void dec_pt_switch(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ctx *x = &m->probes->ctx;
    x->switched = true;
    x->root = h->args[0];
    x->asid = (uint32_t)h->args[1];
}

/* E arch_enter_user(&p->regs) after a switch: SCHED_SWITCH to p, then
 * ASPACE (the kernel writes both before the root write; no event comes
 * between them and this). */
static void dec_enter_user(struct machine *m, const struct emu_probe_hit *h)
{
    struct probe_ctx *x = &m->probes->ctx;
    x->fastpath = false; /* the system call is over */
    if (!x->switched)
        return;
    x->switched = false;
    uint32_t pid = pid_of(m, h->args[0] - m->probes->lay.proc_regs);
    emit(m, h, TRC_EV_SCHED_SWITCH, pid, x->switch_from, x->switch_why, 0, 0);
    emit(m, h, TRC_EV_ASPACE, pid, x->root, x->asid, 0, 0);
}

/* E syscall_dispatch(frame): SYSCALL of `current` with the frame's
 * number, unless it is the fast path's fallback (fastpath_slow), whose
 * SYSCALL the fast path's entry wrote. */
static void dec_syscall(struct machine *m, const struct emu_probe_hit *h)
{
    if (m->probes->ctx.fastpath) {
        m->probes->ctx.fastpath = false;
        return;
    }
    emit(m, h, TRC_EV_SYSCALL, current_pid(m), rd(m, h->args[0] + m->probes->lay.regs_nr, 8), 0, 0,
         0);
}

/* E fastpath_call / fastpath_reply_recv: the SYSCALL (number `nr`) of
 * `current`, which the fast path writes after its checks and its fallback
 * (fastpath_slow -> syscall_dispatch) before anything else: no event comes
 * between the entry and either. The switch it may make is a handoff from
 * `current` (kfastpath.c fp_switch, with handoff inlined); the fallback's
 * own sched_next / handoff overrides it. */
static void dec_fastpath(struct machine *m, const struct emu_probe_hit *h, uint64_t nr)
{
    struct probe_ctx *x = &m->probes->ctx;
    uint32_t pid = current_pid(m);
    emit(m, h, TRC_EV_SYSCALL, pid, nr, 0, 0, 0);
    x->fastpath = true;
    x->switch_from = pid;
    x->switch_why = TRC_SWITCH_HANDOFF;
}

/* E fastpath_call(cap, info): SYSCALL SYS_CALL (dec_fastpath). */
static void dec_fastpath_call(struct machine *m, const struct emu_probe_hit *h)
{
    dec_fastpath(m, h, SYS_CALL);
}

/* E fastpath_reply_recv(tok, info): SYSCALL SYS_REPLY_RECV (dec_fastpath). */
static void dec_fastpath_reply_recv(struct machine *m, const struct emu_probe_hit *h)
{
    dec_fastpath(m, h, SYS_REPLY_RECV);
}

/* E irq_timer(p): TIMER_IRQ of the interrupted process (0: idle). */
static void dec_irq_timer(struct machine *m, const struct emu_probe_hit *h)
{
    emit(m, h, TRC_EV_TIMER_IRQ, pid_of(m, h->args[0]), 0, 0, 0, 0);
}

/* E power_off(code): HALT. */
static void dec_halt(struct machine *m, const struct emu_probe_hit *h)
{
    emit(m, h, TRC_EV_HALT, 0, (uint32_t)h->args[0], 0, 0, 0);
}

/* E cap_event(ctx, ev, core, cspace, tok): CAP_INVALIDATE for an
 * invalidation. */
static void dec_cap_event(struct machine *m, const struct emu_probe_hit *h)
{
    if ((uint32_t)h->args[1] == IPC_CAP_EV_INVALIDATE)
        emit(m, h, TRC_EV_CAP_INVALIDATE, 0, (uint16_t)h->args[3], h->args[4], 0, 0);
}

/* R kport_create(owner, capacity) = token: PORT_CREATE when it made one
 * (the port is the owner's newest: ports_owned = its index + 1). */
static void dec_port_create(struct machine *m, const struct emu_probe_hit *h)
{
    if ((int64_t)h->ret < 0)
        return;
    uint32_t cap = (uint32_t)h->args[1];
    emit(m, h, TRC_EV_PORT_CREATE, pid_of(m, h->args[0]),
         rd(m, h->args[0] + m->probes->lay.proc_ports_owned, 4), cap ? cap : IPC_PORT_DEPTH, 0, 0);
    m->probes->ctx.port_created = h->cycle + 1;
}

/* R kport_create_run(p, frame) = token: the same where kport_create was
 * inlined into it (no return of kport_create since this entry); the
 * capacity is the system call's argument 0. */
static void dec_port_create_run(struct machine *m, const struct emu_probe_hit *h)
{
    if ((int64_t)h->ret < 0 || m->probes->ctx.port_created > h->entry_cycle)
        return;
    struct emu_probe_hit inner = *h;
    inner.args[1] = (uint32_t)rd(m, h->args[1] + m->probes->lay.regs_arg0, 8);
    dec_port_create(m, &inner);
}

/* The decoder of each anchor, by enum kprobe_id. */
static const probe_decoder decoders[KPROBE_COUNT] = {
    [KPROBE_KMAIN] = dec_kmain,
    [KPROBE_PROC_CREATE] = dec_proc_create,
    [KPROBE_PROC_EXIT] = dec_proc_exit,
    [KPROBE_PROC_KILL] = dec_proc_kill,
    [KPROBE_SCHED_NEXT] = dec_sched_next,
    [KPROBE_HANDOFF] = dec_handoff,
    [KPROBE_PT_SWITCH] = dec_pt_switch,
    [KPROBE_ENTER_USER] = dec_enter_user,
    [KPROBE_SYSCALL] = dec_syscall,
    [KPROBE_FASTPATH_CALL] = dec_fastpath_call,
    [KPROBE_FASTPATH_REPLY_RECV] = dec_fastpath_reply_recv,
    [KPROBE_IRQ_TIMER] = dec_irq_timer,
    [KPROBE_HALT] = dec_halt,
    [KPROBE_CAP_EVENT] = dec_cap_event,
    [KPROBE_PORT_CREATE] = dec_port_create,
    [KPROBE_PORT_CREATE_RUN] = dec_port_create_run,
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

/* core->probes.cb: runs the anchor's decoder, at its entry, or at its
 * return for a row with a return probe. */
static void on_probe(struct emu_core *c, const struct emu_probe_hit *h, void *arg)
{
    struct machine *m = arg;
    (void)c;
    if ((h->kind == EMU_PROBE_RETURN) == rows[h->id].on_return)
        decoders[h->id](m, h);
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
    free(syms);
    qsort(p->tab, p->ntab, sizeof p->tab[0], probe_cmp);
    m->probes = p;
    if (emu_core_set_probes(&m->core, p->tab, p->ntab, on_probe, m) != 0) {
        snprintf(m->why, sizeof m->why, "probes: two anchors share an address");
        return -1;
    }
    return 0;
}

void machine_probes_free(struct machine *m)
{
    if (!m->probes)
        return;
    emu_core_set_probes(&m->core, NULL, 0, NULL, NULL);
    free(m->probes->ev);
    free(m->probes);
    m->probes = NULL;
}

const struct trc_event *machine_probes_events(const struct machine *m, size_t *n)
{
    *n = m->probes ? m->probes->nev : 0;
    return m->probes ? m->probes->ev : NULL;
}

const char *machine_probes_missing(const struct machine *m)
{
    return m->probes ? m->probes->missing : "";
}
