/* machine/machine.c: the board (see machine.h). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "machine/machine.h"

#include <elf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "emu/timing.h"
#include "abi/bootinfo.h"
#include "machine/elf.h"
#include "machine/machine_int.h"
#include "machine/probes.h"
#include "abi/memmap.h"
#include "abi/kphases.h"
#include "tracer/report.h"

/* Default scheduler quantum handed to the kernel. */
#define MACHINE_QUANTUM_DEFAULT 20000ULL

/* One device bound to its MMIO page. */
struct machine_dev {
    struct machine *m;
    const struct dev_ops *ops;
    void *dev;
    uint64_t base;
};

const char *machine_outcome_name(enum machine_outcome o)
{
    switch (o) {
    case MACHINE_OK:
        return "ok";
    case MACHINE_EXPECT_FAILED:
        return "expect_failed";
    case MACHINE_FAULT:
        return "fault";
    case MACHINE_DEADLOCK:
        return "deadlock";
    case MACHINE_MAX_CYCLES:
        return "max_cycles";
    case MACHINE_MAX_EVENTS:
        return "max_events";
    case MACHINE_RUNNING:
        return "running";
    }
    return "unknown";
}

/* The trace source a config without one gets. */
#ifdef IPCEMU_GUEST_KTRACE
#define MACHINE_TRACE_BUILD MACHINE_TRACE_KERNEL
#else
#define MACHINE_TRACE_BUILD MACHINE_TRACE_PROBES
#endif

const char *machine_trace_source_name(enum machine_trace_source s)
{
    switch (s == MACHINE_TRACE_DEFAULT ? MACHINE_TRACE_BUILD : s) {
    case MACHINE_TRACE_KERNEL:
        return "kernel";
    case MACHINE_TRACE_PROBES:
        return "probes";
    default:
        return "none";
    }
}

const struct machine_arch *machine_arch_get(enum emu_arch_id arch)
{
    /* The build may leave architectures out (cmake -DIPCEMU_ARCHES=...). */
    switch (arch) {
#ifdef IPCEMU_HAVE_x86_64
    case EMU_ARCH_X86_64:
        return &machine_arch_x86_64;
#endif
#ifdef IPCEMU_HAVE_aarch64
    case EMU_ARCH_AARCH64:
        return &machine_arch_aarch64;
#endif
#ifdef IPCEMU_HAVE_riscv64
    case EMU_ARCH_RISCV64:
        return &machine_arch_riscv64;
#endif
    default:
        return NULL;
    }
}

void machine_finish(struct machine *m, enum machine_outcome outcome, const char *fmt, ...)
{
    if (m->outcome != MACHINE_RUNNING)
        return;
    m->outcome = outcome;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m->why, sizeof m->why, fmt, ap);
        va_end(ap);
    }
}

_Static_assert(MACHINE_MAX_CORES <= TRC_MERGE_MAX_CORES, "a merge queue per core");

/* Ends the run (outcome "max_events") once its trace (the events waiting
 * for the merged order included) or its console is as large as a run may
 * make it. */
static void check_trace_bounds(struct machine *m)
{
    if (m->log->nev + m->merge.pending >= MACHINE_TRACE_EVENTS_MAX ||
        m->log->console_len >= MACHINE_CONSOLE_MAX) {
        machine_finish(
            m, MACHINE_MAX_EVENTS,
            "the run recorded %zu trace events and %zu console bytes: a run may record at "
            "most %u events and %u bytes",
            m->log->nev + m->merge.pending, m->log->console_len, MACHINE_TRACE_EVENTS_MAX,
            MACHINE_CONSOLE_MAX);
        emu_core_request_stop(m->cur);
    }
}

/* Records event `e` in the run's trace, within the run's bounds: with
 * one core at once, with several through the merge (merge_release). */
static void log_event(struct machine *m, const struct trc_event *e)
{
    if (m->outcome == MACHINE_MAX_EVENTS)
        return; /* ended on the bound: record nothing more */
    if (m->cfg.ncores <= 1) {
        trc_log_event(m->log, e);
    } else {
        if (e->core < MACHINE_MAX_CORES && e->type == TRC_EV_SCHED_SWITCH)
            m->core_pid[e->core] = e->pid;
        if (trc_merge_push(&m->merge, e) != TRC_OK)
            m->log->oom = true;
    }
    check_trace_bounds(m);
}

void machine_kernel_fault(struct machine *m, struct emu_core *c, const char *cause, uint64_t pc,
                          uint64_t addr)
{
    machine_finish(m, MACHINE_FAULT, "kernel fault on core %u: %s at pc 0x%llx (address 0x%llx)",
                   c->id, cause, (unsigned long long)pc, (unsigned long long)addr);
    emu_core_request_stop(c);
}

void machine_kernel_breakpoint(struct machine *m, struct emu_core *c, uint64_t pc)
{
    if (m->cfg.bare) {
        machine_finish(m, MACHINE_OK, NULL);
        emu_core_request_stop(c);
        return;
    }
    machine_kernel_fault(m, c, "breakpoint instruction", pc, 0);
}

/* Returns -1 after putting the failed Unicorn call core `c` recorded (see
 * emu/uc_check.h) into m->why, or `fallback` when none was recorded. */
static int core_failed(struct machine *m, struct emu_core *c, const char *fallback)
{
    if (c->host_error != UC_ERR_OK)
        snprintf(m->why, sizeof m->why, "emulation failure on core %u: %s", c->id,
                 c->host_error_why);
    else if (!m->why[0])
        snprintf(m->why, sizeof m->why, "%s", fallback);
    return -1;
}

void machine_emu_failure(struct machine *m, struct emu_core *c, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    machine_finish(m, MACHINE_FAULT, "emulation failure on core %u: %s", c->id, buf);
    emu_core_request_stop(c);
}

/* Returns core `c`'s own timer (the bank's timer of its id). */
struct dev_timer *machine_core_timer(struct machine *m, const struct emu_core *c)
{
    return &m->timers.t[c->id];
}

/* Records that an interrupt reached core `c`'s kernel (TRC_EV_IRQ): taken
 * as a trap (`idle` false) or by waking the waiting core; with when the
 * core's timer line rose and how long it waited masked, so that every
 * interrupt's latency is explained by the trace. Marks this rise of the
 * core's controller output as delivered. */
void machine_irq_reached(struct machine *m, struct emu_core *c, bool idle)
{
    const struct dev_timer *t = machine_core_timer(m, c);
    struct machine_core_irq *q = &m->irq[c->id];
    uint64_t masked = q->masked_rise == t->fired ? c->cycles - q->masked_at : 0;
    struct trc_event e = {.cycle = c->cycles,
                          .core = c->id,
                          .type = TRC_EV_IRQ,
                          .arg = {idle ? 1 : 0, t->rose_at, masked, t->cmp}};
    log_event(m, &e);
    q->rise = m->intc.tgt[c->id].rises;
    q->taken = m->intc.tgt[c->id].taken;
}

/* Returns true while the controller requests an interrupt from core
 * `id`'s target that has not been delivered yet: a rise of its output, or
 * an output that stayed up after the kernel claimed a line since the last
 * delivery (the output is a level: two lines up at once, the timer's and
 * an IPI, keep it up through the first one's claim, and the second must
 * still come; a delivered interrupt the kernel has not claimed yet is not
 * delivered again). */
bool machine_irq_requested(const struct machine *m, unsigned id)
{
    const struct dev_intc_target *g = &m->intc.tgt[id];
    return dev_intc_target_output(&m->intc, id) &&
           (g->rises != m->irq[id].rise || g->taken != m->irq[id].taken);
}

/* Notes the cycle the board first found this rise of core `c`'s timer
 * line up and could not deliver it (for TRC_EV_IRQ's masked wait). */
void machine_irq_note_masked(struct machine *m, struct emu_core *c)
{
    struct machine_core_irq *q = &m->irq[c->id];
    if (q->masked_rise != machine_core_timer(m, c)->fired) {
        q->masked_rise = machine_core_timer(m, c)->fired;
        q->masked_at = c->cycles;
    }
}

/* A kernel stretch of core c starts with its first trap after user code
 * ran (an interrupt taken while the kernel idles is inside one): notes
 * the core's attribution counters then (returns nothing). */
static void stretch_begin(struct machine *m, struct emu_core *c)
{
    if (c->id >= MACHINE_MAX_CORES || m->stretch_open[c->id] || !m->stretch_attr)
        return;
    m->stretch_open[c->id] = true;
    size_t n = MACHINE_SLOTS(m);
    memcpy(m->stretch_attr + c->id * n, m->attr + c->id * n, n * sizeof *m->attr);
}

/* At core c's first user block after its kernel ran: records
 * TRC_EV_KERNEL_PHASES, the stretch's cycles by phase (from core c's
 * attribution counters), as the report groups them (returns nothing). */
static void stretch_end(struct machine *m, struct emu_core *c)
{
    if (!m->stretch_attr || c->id >= MACHINE_MAX_CORES)
        return;
    uint64_t ph[KPHASE_COUNT] = {0};
    const uint64_t *now = m->attr + c->id * MACHINE_SLOTS(m);
    const uint64_t *then = m->stretch_attr + c->id * MACHINE_SLOTS(m);
    for (size_t i = 0; i < MACHINE_SLOTS(m); i++)
        ph[m->slot_phase[i]] += now[i] - then[i];
    m->stretch_open[c->id] = false;
    struct trc_event e = {.cycle = c->cycles, .core = c->id, .type = TRC_EV_KERNEL_PHASES};
    trc_kphases_pack(ph, e.arg);
    log_event(m, &e);
}

void machine_trap_entry(struct machine *m, struct emu_core *c, bool interrupt)
{
    if (interrupt)
        machine_irq_reached(m, c, false);
    /* stamped before the entry is charged: a span from here holds it */
    struct trc_event e = {
        .cycle = c->cycles, .core = c->id, .type = TRC_EV_TRAP, .arg = {interrupt ? 1 : 0}};
    log_event(m, &e);
    stretch_begin(m, c);
    emu_core_trap(c, MACHINE_TRAP_ENTRY_CYCLES);
    emu_core_probes_reset(c); /* the kernel's stack starts over */
    if (c->user_lo < c->user_hi)
        c->note_due = 1u << MACHINE_CLASS_USER; /* user_entered at the way back */
}

/* core->note_cb: the first block of user code after the kernel ran starts
 * now (its trap return charged, the block not yet): records
 * TRC_EV_USER_ENTER, the end of the tracer's user-to-user spans. */
static void user_entered(struct emu_core *c, uint64_t addr)
{
    struct machine *m = c->owner;
    stretch_end(m, c);
    struct trc_event e = {.cycle = c->cycles,
                          .core = c->id,
                          .type = TRC_EV_USER_ENTER,
                          .pid = m->cfg.ncores <= 1 ? m->log->running : m->core_pid[c->id],
                          .arg = {addr}};
    log_event(m, &e);
}

/* MMIO read: 32-bit registers; narrower reads take their bytes of it. */
/* A device register access costs the profile's MMIO latency; the trace
 * port models a non-intrusive hardware trace unit and costs nothing beyond
 * the instructions. */
static void mmio_cost(struct machine_dev *d)
{
    if (d->m->cur->timing && d->base != MM_TRACE)
        tm_mmio(d->m->cur);
}

static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    struct machine_dev *d = user;
    (void)uc;
    mmio_cost(d);
    uint32_t v = d->ops->read(d->dev, off & ~3ULL);
    v >>= 8 * (off & 3);
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void ipi_sent(void *ctx, unsigned t, unsigned line);

/* MMIO write: a narrower write stores its bytes into the register's low
 * bits (the UART takes byte stores). */
static void mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
    struct machine_dev *d = user;
    (void)uc;
    mmio_cost(d);
    uint32_t v = (uint32_t)value;
    if (size < 4)
        v &= (1u << (8 * size)) - 1;
    if (d->dev == &d->m->intc && (off & ~3ULL) == INTC_IPI && machine_cores_ipi_send(d->m, v)) {
        ipi_sent(d->m, v & 0xffu, (v >> 8) & 0xffu); /* sent now, */
        return;                                      /* it rises ipi_latency cycles later */
    }
    d->ops->write(d->dev, off & ~3ULL, v);
    /* The guest may have armed its core's timer earlier than the core's
     * deadline, or in the past (the line is up now): the core then stops at
     * the end of this block and the run loop delivers the interrupt as soon
     * as the guest can take it. */
    struct emu_core *c = d->m->cur;
    uint64_t t = dev_timer_deadline(machine_core_timer(d->m, c));
    if (t < c->deadline)
        c->deadline = t;
    /* A write to the controller (ENABLE, COMPLETE) may have raised the
     * core's output: the same, the core stops at the end of this block. */
    if (machine_irq_requested(d->m, c->id) && c->cycles < c->deadline)
        c->deadline = c->cycles;
}

/* A timer's clock: its core's cycle clock (ctx is the core). */
static uint64_t clock_now(void *ctx)
{
    const struct emu_core *c = ctx;
    return c->cycles;
}

/* The timer bank's accessor: the core running now. */
static unsigned timer_who(void *ctx)
{
    const struct machine *m = ctx;
    return m->cur->id;
}

/* UART sink: into the trace, and echoed to the console file. */
static void console_byte(void *ctx, uint8_t byte)
{
    struct machine *m = ctx;
    if (m->outcome == MACHINE_MAX_EVENTS)
        return; /* the rest of a block that printed past the bound */
    trc_log_console(m->log, byte);
    if (m->cfg.console)
        fputc(byte, m->cfg.console);
    check_trace_bounds(m);
}

/* The controller's on_ipi: the running core wrote INTC_IPI, raising
 * software line `line` of target `t`: TRC_EV_IPI (sender, target, line),
 * stamped with the sender's clock. Returns nothing. */
static void ipi_sent(void *ctx, unsigned t, unsigned line)
{
    struct machine *m = ctx;
    struct emu_core *c = m->cur;
    struct trc_event e = {
        .cycle = c->cycles, .core = c->id, .type = TRC_EV_IPI, .arg = {c->id, t, line}};
    log_event(m, &e);
}

void machine_probe_event(struct machine *m, const struct trc_event *e)
{
    if (m->cfg.trace_source == MACHINE_TRACE_PROBES)
        log_event(m, e);
}

/* Trace port: stamp the record with the core's clock and log it; a
 * kernel's record is dropped (and counted) unless the kernel is the trace
 * source (a bare program's are its own: always logged). */
static void trace_emit(void *ctx, const struct dev_trace_record *r)
{
    struct machine *m = ctx;
    if (!m->cfg.bare && m->cfg.trace_source != MACHINE_TRACE_KERNEL) {
        m->port_dropped++;
        return;
    }
    struct trc_event e = {
        .cycle = m->cur->cycles, .core = m->cur->id, .type = r->type, .pid = r->pid};
    memcpy(e.arg, r->arg, sizeof e.arg);
    log_event(m, &e);
}

/* Trace port: copies the posted record at guest physical `addr` out of
 * RAM. Returns false, ending the run as a kernel fault, when it is not
 * there. */
static bool trace_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
    struct machine *m = ctx;
    if (addr >= MM_RAM_BASE && n <= m->cfg.ram_size && addr - MM_RAM_BASE <= m->cfg.ram_size - n) {
        memcpy(buf, m->ram + (addr - MM_RAM_BASE), n);
        return true;
    }
    machine_kernel_fault(m, m->cur, "trace port: record outside RAM", emu_pc(m->cur), addr);
    return false;
}

/* Power device: the guest is done. */
static void power_off(void *ctx, uint32_t code)
{
    struct machine *m = ctx;
    m->exit_code = code;
    if (code == 0)
        machine_finish(m, MACHINE_OK, NULL);
    else
        machine_finish(m, MACHINE_EXPECT_FAILED, "the kernel powered off with exit code %u", code);
    emu_core_request_stop(m->cur);
}

/* UC_HOOK_MEM_*_UNMAPPED: an access to a physical address where the
 * machine has nothing. Unicorn 2.1.1 walks the guest's page tables before
 * it checks its memory map (emu/unicorn-facts:
 * unmapped_virtual_address_faults_without_hook), so a user process
 * touching an address its tables do not map (NULL, far away) gets the page
 * fault a real machine gives without reaching this hook. (2.0.1 checked
 * the virtual address first: the board used to map a stand-in page here
 * for user accesses so that the walk could fault.) What reaches it is a
 * kernel or bare program touching nothing, or page tables that map a
 * user address to nothing: both a kernel fault. Returns false. */
static bool unmapped_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                          void *user)
{
    struct emu_core *c = user;
    struct machine *m = c->owner;
    (void)uc, (void)size, (void)value;
    const char *what = type == UC_MEM_FETCH_UNMAPPED   ? "instruction fetch"
                       : type == UC_MEM_WRITE_UNMAPPED ? "write"
                                                       : "read";
    char cause[96];
    snprintf(cause, sizeof cause, "%s of unmapped memory%s", what,
             m->arch->user_mode(c) ? " (a user access the page tables map to nothing)" : "");
    machine_kernel_fault(m, c, cause, emu_pc(c), addr);
    return false;
}

int machine_init(struct machine *m, const struct machine_config *cfg, struct trc_log *log)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    m->log = log;
    m->cur = &m->core;
    if (!m->cfg.ncores)
        m->cfg.ncores = 1;
    if (!m->cfg.core_quantum)
        m->cfg.core_quantum = MACHINE_CORE_QUANTUM_DEFAULT;
    if (m->cfg.ncores > MACHINE_MAX_CORES) {
        snprintf(m->why, sizeof m->why, "%u cores: a machine has 1 to %u", m->cfg.ncores,
                 MACHINE_MAX_CORES);
        return -1;
    }
    m->core_state[0] = MACHINE_CORE_RUN;
    m->outcome = MACHINE_RUNNING;
    if (!m->cfg.ram_size)
        m->cfg.ram_size = MM_RAM_SIZE_DEFAULT;
    if (!m->cfg.quantum)
        m->cfg.quantum = MACHINE_QUANTUM_DEFAULT;
    m->arch = machine_arch_get(cfg->arch);
    if (!m->arch) {
        snprintf(m->why, sizeof m->why, "no such architecture (%d)", (int)cfg->arch);
        return -1;
    }
    if (m->cfg.ram_size < MM_RAM_SIZE_MIN || m->cfg.ram_size > MM_RAM_SIZE_MAX ||
        m->cfg.ram_size % MM_DEV_PAGE) {
        snprintf(m->why, sizeof m->why, "RAM size %llu outside %llu..%llu or not page-aligned",
                 (unsigned long long)m->cfg.ram_size, (unsigned long long)MM_RAM_SIZE_MIN,
                 (unsigned long long)MM_RAM_SIZE_MAX);
        return -1;
    }
    if (!emu_engine_supported(m->why, sizeof m->why))
        return -1;
    uc_err err = emu_core_open(&m->core, m->arch->cpu, 0, m);
    if (err != UC_ERR_OK) {
        snprintf(m->why, sizeof m->why, "cannot open the %s core: %s", m->arch->cpu->name,
                 m->core.host_error ? m->core.host_error_why : uc_strerror(err));
        return -1;
    }
    if (m->cfg.profile) {
        if (emu_core_set_profile(&m->core, m->cfg.profile) != 0) {
            snprintf(m->why, sizeof m->why, "cannot set up the timing model: out of memory");
            return -1;
        }
        tm_set_mmio(m->core.timing, MM_DEV_BASE, MM_DEV_SIZE);
        tm_set_exact(m->core.timing, m->cfg.exact_caches);
    }
    struct emu_core *c = &m->core;
    /* RAM is host memory the board reads directly (trace records). */
    void *ram =
        mmap(NULL, m->cfg.ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ram == MAP_FAILED) {
        snprintf(m->why, sizeof m->why, "cannot allocate %llu bytes of RAM",
                 (unsigned long long)m->cfg.ram_size);
        return -1;
    }
    m->ram = ram;
    dev_uart_init(&m->uart, console_byte, m);
    dev_timer_bank_init(&m->timers, m->cfg.ncores, timer_who, m);
    dev_power_init(&m->power, power_off, m);
    dev_traceport_init(&m->trace, trace_emit, trace_read, m);
    dev_intc_init(&m->intc);
    dev_intc_set_targets(&m->intc, m->cfg.ncores);
    m->intc.on_rise = machine_cores_rise;
    m->intc.on_rise_ctx = m;
    m->intc.on_ipi = ipi_sent;
    m->intc.on_ipi_ctx = m;
    const struct machine_dev devs[] = {
        {m, &dev_uart_ops, &m->uart, MM_UART},    {m, &dev_timer_bank_ops, &m->timers, MM_TIMER},
        {m, &dev_power_ops, &m->power, MM_POWER}, {m, &dev_traceport_ops, &m->trace, MM_TRACE},
        {m, &dev_intc_ops, &m->intc, MM_INTC},
    };
    size_t ndev = sizeof devs / sizeof devs[0];
    m->mmio = malloc(sizeof devs);
    if (!m->mmio) {
        snprintf(m->why, sizeof m->why, "out of memory");
        return -1;
    }
    memcpy(m->mmio, devs, sizeof devs);
    m->nmmio = ndev;
    if (machine_map_core(m, c) != 0 || machine_cores_open(m) != 0)
        return -1;
    /* each core's own timer on its clock, its line at its own target */
    for (unsigned k = 0; k < m->cfg.ncores; k++) {
        dev_timer_init(&m->timers.t[k], clock_now, machine_core(m, k));
        m->timers.t[k].irq = dev_intc_target_irq(&m->intc, k, INTC_LINE_TIMER);
    }
    return 0;
}

int machine_map_core(struct machine *m, struct emu_core *c)
{
    EMU_UC(c, uc_mem_map_ptr(c->uc, MM_RAM_BASE, m->cfg.ram_size, UC_PROT_ALL, m->ram), fail);
    uc_hook unmapped;
    EMU_UC(c, uc_hook_add(c->uc, &unmapped, UC_HOOK_MEM_UNMAPPED, (void *)unmapped_hook, c, 1, 0),
           fail);
    for (size_t i = 0; i < m->nmmio; i++)
        EMU_UC(c,
               uc_mmio_map(c->uc, m->mmio[i].base, MM_DEV_PAGE, mmio_read, &m->mmio[i], mmio_write,
                           &m->mmio[i]),
               fail);
    if (m->arch->map_core && m->arch->map_core(m, c) != 0)
        return -1;
    return 0;
fail:
    return core_failed(m, c, "cannot set up the machine");
}

void machine_destroy(struct machine *m)
{
    if (m->arch && m->arch->shutdown && m->core.uc)
        m->arch->shutdown(m, &m->core);
    machine_probes_free(m);
    machine_cores_close(m);
    emu_core_close(&m->core);
    if (m->ram)
        munmap(m->ram, m->cfg.ram_size);
    m->ram = NULL;
    if (m->low)
        munmap(m->low, m->low_size);
    m->low = NULL;
    free(m->mmio);
    m->mmio = NULL;
    trc_merge_free(&m->merge);
    for (size_t i = 0; m->attr_names && i < MACHINE_SLOTS(m); i++)
        free(m->attr_names[i]);
    free(m->attr_names);
    free(m->attr);
    free(m->slot_phase);
    free(m->stretch_attr);
    free(m->funcs);
    m->attr_names = NULL;
    m->attr = NULL;
    m->slot_phase = NULL;
    m->stretch_attr = NULL;
    m->funcs = NULL;
}

/* core->attr_of: the slot of the kernel function holding addr, or -1
 * (the core's default slot, "user"). */
static int32_t attr_of(void *arg, uint64_t addr)
{
    const struct machine *m = arg;
    size_t lo = 0, hi = m->nfuncs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->funcs[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->nfuncs && m->funcs[lo].addr <= addr ? (int32_t)lo : -1;
}

/* Readies TRC_EV_KERNEL_PHASES: each slot's phase, and the first stretch
 * open from boot. Returns 0 or -1 (out of memory). */
static int stretch_init(struct machine *m)
{
    struct trc_run_info run = {.arch = m->arch->cpu->name,
                               .attr_names = (const char *const *)m->attr_names,
                               .nattr = MACHINE_SLOTS(m),
                               .nkernel = m->nfuncs};
    m->slot_phase = malloc(MACHINE_SLOTS(m));
    m->stretch_attr = calloc(MACHINE_SLOTS(m) * m->cfg.ncores, sizeof *m->stretch_attr);
    if (!m->slot_phase || !m->stretch_attr)
        return -1;
    for (size_t i = 0; i < MACHINE_SLOTS(m); i++)
        m->slot_phase[i] = (uint8_t)trc_slot_phase(&run, i);
    for (unsigned k = 0; k < m->cfg.ncores; k++) /* each core's first one from its start */
        m->stretch_open[k] = true;
    return 0;
}

/* Builds the attribution slots from the image's function symbols outside
 * its user pages [__user_start, __user_end) and points the core at them.
 * An image without symbols gets only "user" and "idle". Returns 0 or -1
 * (out of memory). */
static int attribution_init(struct machine *m, const uint8_t *img, size_t n)
{
    struct elf_sym *syms;
    size_t nsyms = elf_symbols(img, n, &syms), k = 0;
    uint64_t user_lo = 0, user_hi = 0;
    for (size_t i = 0; i < nsyms; i++) {
        if (!strcmp(syms[i].name, "__user_start"))
            user_lo = syms[i].addr;
        if (!strcmp(syms[i].name, "__user_end"))
            user_hi = syms[i].addr;
    }
    /* students' programs run right above the user library (kernel.ld) */
    for (size_t i = 0; i < nsyms; i++)
        if (!strcmp(syms[i].name, "__student_end") && user_hi && user_hi < syms[i].addr)
            for (size_t k = 0; k < nsyms; k++)
                if (!strcmp(syms[k].name, "__student_start") && syms[k].addr == user_hi)
                    user_hi = syms[i].addr;
    for (unsigned id = 0; id < m->cfg.ncores; id++) {
        machine_core(m, id)->user_lo = user_lo; /* the timing model drops translations */
        machine_core(m, id)->user_hi = user_hi; /* per class */
    }
    m->funcs = calloc(nsyms + 1, sizeof *m->funcs);
    m->attr_names = calloc(nsyms + 4, sizeof *m->attr_names);
    if (!m->funcs || !m->attr_names)
        goto nomem;
    for (size_t i = 0; i < nsyms; i++) {
        const struct elf_sym *f = &syms[i];
        if (!f->func || f->size == 0 || (f->addr >= user_lo && f->addr < user_hi))
            continue;
        if (k > 0 && f->addr < m->funcs[k - 1].end)
            continue; /* an alias or an overlap: the first one owns it */
        m->funcs[k] = (struct machine_func){f->addr, f->addr + f->size};
        if (!(m->attr_names[k] = strdup(f->name)))
            goto nomem;
        k++;
    }
    m->nfuncs = k;
    m->attr = calloc(MACHINE_SLOTS(m) * m->cfg.ncores, sizeof *m->attr);
    if (!m->attr || !(m->attr_names[k] = strdup("user")) ||
        !(m->attr_names[k + 1] = strdup("idle")) ||
        !(m->attr_names[k + 2] = strdup("trap_entry")) ||
        !(m->attr_names[k + 3] = strdup("trap_return")))
        goto nomem;
    free(syms);
    if (m->log && k > 0 && stretch_init(m) != 0)
        goto nomem;
    /* the paths' split by function reads live counters: one core's (with
     * several, the merged events reach the log after their cores moved on) */
    if (m->log && m->cfg.ncores <= 1 &&
        trc_log_attach_attribution(m->log, m->attr, MACHINE_SLOTS(m)) != TRC_OK)
        return -1;
    for (unsigned id = 0; id < m->cfg.ncores; id++) { /* each core its own counters */
        struct emu_core *c = machine_core(m, id);
        c->attr = m->attr + id * MACHINE_SLOTS(m);
        c->attr_slot = c->attr_default = (uint32_t)MACHINE_SLOT_USER(m);
        c->attr_trap_entry = (uint32_t)MACHINE_SLOT_TRAP_ENTRY(m);
        c->attr_trap_return = (uint32_t)MACHINE_SLOT_TRAP_RETURN(m);
        c->attr_of = attr_of;
        c->attr_arg = m;
    }
    return 0;
nomem:
    free(syms);
    m->nfuncs = k;
    snprintf(m->why, sizeof m->why, "out of memory");
    return -1;
}

/* The kernel function whose cycles are the kernel lock's spinning
 * (guest-kernel/kcpu.c). */
#define MACHINE_LOCK_WAIT_FN "klock_wait"

/* Returns the attribution slot of kernel function `name`, or -1 when the
 * image has no such function. */
static int32_t func_slot(const struct machine *m, const char *name)
{
    for (size_t i = 0; m->attr_names && i < m->nfuncs; i++)
        if (!strcmp(m->attr_names[i], name))
            return (int32_t)i;
    return -1;
}

/* Returns how many blocks starting at `addr` core c ran: the entries into
 * a function starting there whose first block no branch inside it comes
 * back to (klock_wait's loop starts after its first block on every
 * architecture). Counted from the core's block cache, which keeps every
 * block of the run with its count (it never evicts). */
static uint64_t block_starts(const struct emu_core *c, uint64_t addr)
{
    uint64_t n = 0;
    for (size_t i = 0; i < c->blocks.used; i++)
        if (c->blocks.blocks[i].addr == addr)
            n += c->blocks.blocks[i].execs;
    return n;
}

void machine_core_figures(struct machine *m, unsigned k, struct trc_core_info *ci)
{
    struct emu_core *c = machine_core(m, k);
    if (!c)
        return;
    int32_t slot = m->attr ? func_slot(m, MACHINE_LOCK_WAIT_FN) : -1;
    ci->lock_known = slot >= 0;
    if (slot >= 0) {
        ci->lock_wait_cycles = m->attr[k * MACHINE_SLOTS(m) + (size_t)slot];
        ci->lock_waits = block_starts(c, m->funcs[slot].addr);
    }
    ci->coherence = m->coh && c->timing;
    if (ci->coherence) {
        const struct tm_stats *st = tm_state_stats(c->timing);
        ci->transfers = st->transfers;
        ci->invalidations_sent = st->invalidations;
    }
}

/* ELF loader writer: guest physical memory through Unicorn. */
static int elf_write(void *ctx, uint64_t addr, const void *data, size_t len)
{
    struct machine *m = ctx;
    if (data)
        return emu_mem_write(&m->core, addr, data, len) ? 0 : -1;
    static const uint8_t zero[4096];
    while (len > 0) {
        size_t k = len < sizeof zero ? len : sizeof zero;
        if (!emu_mem_write(&m->core, addr, zero, k))
            return -1;
        addr += k;
        len -= k;
    }
    return 0;
}

int machine_bare_start_core(struct machine *m, unsigned id, uint64_t entry, uint64_t sp)
{
    struct emu_core *c = machine_core(m, id);
    const struct machine_arch *a = m->arch;
    if (!c || (id != 0 && m->core_state[id] != MACHINE_CORE_RESET)) {
        snprintf(m->why, sizeof m->why, "core %u cannot start a program", id);
        return -1;
    }
    if (!emu_mem_write(c, MM_EXIT_STUB, a->breakpoint_insn, a->breakpoint_len))
        return core_failed(m, c, "cannot write the exit stub");
    if (a->reg_return < 0) { /* pushed, as a call would */
        uint64_t ret = MM_EXIT_STUB;
        sp -= 8;
        if (!emu_mem_write(c, sp, &ret, sizeof ret))
            return core_failed(m, c, "cannot push the return address");
    }
    if (a->boot(m, c, entry, sp, 0) != 0)
        return core_failed(m, c, "boot failed");
    if (a->reg_return >= 0 && !emu_reg_write(c, a->reg_return, MM_EXIT_STUB))
        return core_failed(m, c, "cannot set the return address");
    if (id != 0) {
        m->core_state[id] = MACHINE_CORE_RUN;
        m->cores_started++;
    }
    return m->outcome == MACHINE_RUNNING ? 0 : -1;
}

int machine_check_elf(enum emu_arch_id arch, const uint8_t *img, size_t n, uint64_t ram_size,
                      char *why, size_t wn)
{
    char detail[200];
    const struct machine_arch *a = machine_arch_get(arch);
    if (!a) { /* left out of this build, or not an architecture */
        snprintf(why, wn, "no such architecture (%d) in this build", (int)arch);
        return -1;
    }
    enum elf_err e = elf_load(img, n, a->elf_machine, MM_LOAD_MIN,
                              MM_RAM_BASE + (ram_size ? ram_size : MM_RAM_SIZE_DEFAULT), NULL, NULL,
                              NULL, detail, sizeof detail);
    if (e != ELF_OK) {
        snprintf(why, wn, "%s: %s", elf_strerror(e), detail);
        return -1;
    }
    return 0;
}

int machine_boot_elf(struct machine *m, const uint8_t *img, size_t n)
{
    struct elf_info info;
    char detail[200];
    enum elf_err e =
        elf_load(img, n, m->arch->elf_machine, MM_LOAD_MIN, MM_RAM_BASE + m->cfg.ram_size,
                 elf_write, m, &info, detail, sizeof detail);
    if (e != ELF_OK) {
        snprintf(m->why, sizeof m->why, "%s: %s", elf_strerror(e), detail);
        return -1;
    }
    for (size_t i = 0; i < m->cfg.nuser_images; i++) {
        const struct machine_user_image *u = &m->cfg.user_images[i];
        struct elf_info ui;
        e = elf_load(u->elf, u->n, m->arch->elf_machine, u->lo, u->hi, elf_write, m, &ui, detail,
                     sizeof detail);
        if (e != ELF_OK) {
            snprintf(m->why, sizeof m->why, "a student's program: %s: %s", elf_strerror(e), detail);
            return -1;
        }
    }
    if (attribution_init(m, img, n) != 0)
        return -1;
    uint64_t sp = MM_RAM_BASE + m->cfg.ram_size;
    if (m->cfg.bare)
        return machine_bare_start_core(m, 0, info.entry, sp);
    /* the build's source; an image the probes cannot decode (no layout
     * record: the trap self-test, a test's own kernel) keeps its records */
    const uint8_t *lay;
    size_t nlay;
    if (m->cfg.trace_source == MACHINE_TRACE_DEFAULT)
        m->cfg.trace_source = MACHINE_TRACE_BUILD == MACHINE_TRACE_PROBES &&
                                      !elf_section(img, n, ".klayout", &lay, &nlay)
                                  ? MACHINE_TRACE_KERNEL
                                  : MACHINE_TRACE_BUILD;
    if ((m->cfg.shadow_probes || m->cfg.trace_source == MACHINE_TRACE_PROBES) &&
        machine_probes_install(m, img, n) != 0)
        return -1;
    struct bootinfo bi = {
        .magic = BOOTINFO_MAGIC,
        .version = BOOTINFO_VERSION,
        .size = sizeof bi,
        .ram_base = MM_RAM_BASE,
        .ram_size = m->cfg.ram_size,
        .uart_base = MM_UART,
        .timer_base = MM_TIMER,
        .power_base = MM_POWER,
        .trace_base = MM_TRACE,
        .intc_base = MM_INTC,
        .quantum = m->cfg.quantum,
        .seed = m->cfg.seed,
        .ncores = m->cfg.ncores,
        .demo = m->cfg.demo,
        .cap_cache_lines =
            m->cfg.cap_cache_lines ? m->cfg.cap_cache_lines : MACHINE_CAP_CACHE_DEFAULT,
        .scenario = m->cfg.scenario ? MM_SCENARIO : 0,
        .scenario_size = m->cfg.scenario ? m->cfg.scenario_size : 0,
    };
    if (m->cfg.scenario && m->cfg.scenario_size > MM_SCENARIO_SIZE) {
        snprintf(m->why, sizeof m->why, "the scenario does not fit into RAM");
        return -1;
    }
    if (m->cfg.scenario &&
        !emu_mem_write(&m->core, MM_SCENARIO, m->cfg.scenario, m->cfg.scenario_size))
        return core_failed(m, &m->core, "cannot write the scenario into RAM");
    if (!emu_mem_write(&m->core, MM_BOOTINFO, &bi, sizeof bi))
        return core_failed(m, &m->core, "cannot write the boot-info block");
    if (m->arch->boot(m, &m->core, info.entry, sp, MM_BOOTINFO) != 0)
        return core_failed(m, &m->core, "boot failed");
    /* each core's first entry into user code ends its boot stretch */
    for (unsigned id = 0; id < m->cfg.ncores; id++) {
        struct emu_core *k = machine_core(m, id);
        k->note_cb = user_entered;
        if (k->user_lo < k->user_hi)
            k->note_due = 1u << MACHINE_CLASS_USER;
    }
    return m->outcome == MACHINE_RUNNING ? 0 : -1;
}
