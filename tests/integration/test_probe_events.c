/* tests/integration/test_probe_events.c: the events the host decodes from
 * probes (machine/probes.c, shadow mode) equal those the kernel's ktrace()
 * writes, for every scenario of scenarios/ and the boot demos ipc, wild and
 * hello, on one architecture, booting kernel-ktrace.elf (the kernel built
 * with its tracepoints whatever IPCEMU_GUEST_KTRACE says, read from
 * GUEST_DIR/ARCH/): as sequences of (type, pid, a0..a3) over the
 * event types the decoders cover (machine_probes_cover; the others are
 * listed in docs/machine.md, "Probes"). Also, at every
 * arch_enter_user and at the end, the capability cache's own counters
 * equal the decoded lookups and invalidations. Stamps are not compared: an
 * entry probe fires before the kernel's ktrace() call, a return probe
 * after it. Also: every anchor of abi/kprobes.h is a function
 * of the kernel, and the shadow log changes no cycle; with the probes as
 * the trace source, the trace holds exactly the decoded events (at their
 * stamps, between the machine's own) and drops the kernel's trace-port
 * records, of which the embedded kernel posts none when it is built
 * without ktrace.
 * Usage: test_integration_probe_events ARCH SCENARIOS_DIR GUEST_DIR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "abi/bootinfo.h"
#include "emu/timing.h"
#include "machine/machine.h"
#include "machine/probes.h"
#include "machine/scenario.h"
#include "machine/student.h"
#include "util/hostfile.h"

#include "harness.h"

static const char *arch_name, *scenarios_dir;
static uint8_t *ktrace_img; /* GUEST_DIR/ARCH/kernel-ktrace.elf */
static size_t ktrace_len;

/* One run's outcome and its two event sequences, projected. */
struct run {
    enum machine_outcome outcome;
    uint64_t cycles;
    int cache_check;                   /* machine_probes_cache_check */
    char cache_why[300];               /*   its reason */
    struct trc_event *kernel, *shadow; /* owned */
    size_t nkernel, nshadow;
};

/* Appends the events of ev[n] the decoders cover to *out (*nout); fails
 * on an event of the kernel's of a type they do not (every type is
 * decoded but the machine's own). */
static void project(const struct trc_event *ev, size_t n, struct trc_event **out, size_t *nout)
{
    *out = malloc((n ? n : 1) * sizeof **out);
    assert_non_null(*out);
    *nout = 0;
    for (size_t i = 0; i < n; i++) {
        if (machine_probes_cover(ev[i].type))
            (*out)[(*nout)++] = ev[i];
        else if (!trc_event_is_machine(ev[i].type))
            fail_msg("event type %s is written by the kernel but not decoded",
                     trc_event_name(ev[i].type));
    }
}

/* Boots image img[n] with `demo` (and the compiled scenario `s`, or NULL)
 * on the test's architecture into *m (logging into *log, initialised
 * here) with trace source `source`, shadow probes when `shadow`, and CPU
 * profile *prof (loaded here: the caller frees it after machine_destroy). */
static void boot(struct machine *m, struct trc_log *log, struct tm_profile *prof, uint32_t demo,
                 struct scn *s, bool shadow, enum machine_trace_source source, const uint8_t *img,
                 size_t n, struct student_build *sb)
{
    const struct emu_arch *a = emu_arch_by_name(arch_name);
    assert_non_null(a);
    char why[600];
    const char *cpu = s && s->cpu[0] ? s->cpu : a->default_cpu;
    if (tm_profile_load(prof, cpu, why, sizeof why) != 0)
        fail_msg("%s", why);
    struct machine_config cfg = {.arch = a->id,
                                 .demo = demo,
                                 .profile = prof,
                                 .max_cycles = 2000000000ULL,
                                 .shadow_probes = shadow,
                                 .trace_source = source};
    if (s) {
        cfg.max_cycles = s->max_cycles ? s->max_cycles : cfg.max_cycles;
        cfg.seed = s->seed;
        cfg.quantum = s->quantum;
        cfg.cap_cache_lines = s->cap_cache;
        cfg.exact_caches = s->exact_caches;
        /* students' programs, linked for this kernel image */
        if (student_build(s, a->id, img, n, sb, why, sizeof why) != STUDENT_OK)
            fail_msg("%s", why);
        cfg.user_images = sb->images;
        cfg.nuser_images = sb->n;
        cfg.scenario = s->blob;
        cfg.scenario_size = s->blob_size;
    }
    trc_log_init(log);
    if (machine_init(m, &cfg, log) != 0 || machine_boot_elf(m, img, n) != 0)
        fail_msg("boot: %s", m->why);
}

/* Runs kernel-ktrace.elf with `demo` (and the compiled scenario `s`, or
 * NULL) on the test's architecture, its ktrace the trace's source, with
 * shadow probes when `shadow`. */
static void run_kernel(uint32_t demo, struct scn *s, bool shadow, struct run *r)
{
    static struct tm_profile prof;
    struct trc_log log;
    struct machine m;
    struct student_build sb = {0};
    boot(&m, &log, &prof, demo, s, shadow, MACHINE_TRACE_KERNEL, ktrace_img, ktrace_len, &sb);
    if (shadow && machine_probes_missing(&m)[0])
        fail_msg("abi/kprobes.h anchors missing from the %s kernel: %s", arch_name,
                 machine_probes_missing(&m));
    r->outcome = machine_run(&m);
    r->cycles = m.core.cycles;
    r->cache_check = machine_probes_cache_check(&m, r->cache_why, sizeof r->cache_why);
    project(log.ev, log.nev, &r->kernel, &r->nkernel);
    size_t ns;
    const struct trc_event *sev = machine_probes_events(&m, &ns);
    project(sev, ns, &r->shadow, &r->nshadow);
    assert_int_equal(m.core.probes.dropped == 0 || !shadow, true);
    machine_destroy(&m);
    student_build_free(&sb);
    trc_log_free(&log);
    tm_profile_free(&prof);
}

/* Prints event e as "#i cycle type pid a0..a3". */
static void print_event(const char *who, size_t i, const struct trc_event *e)
{
    fprintf(stderr, "  %s #%zu @%llu %s pid %u %llx %llx %llx %llx\n", who, i,
            (unsigned long long)e->cycle, trc_event_name(e->type), e->pid,
            (unsigned long long)e->arg[0], (unsigned long long)e->arg[1],
            (unsigned long long)e->arg[2], (unsigned long long)e->arg[3]);
}

/* Returns 0 when the shadow sequence of r equals the kernel's (stamps
 * aside: an entry probe fires before the kernel's ktrace, a return probe
 * after it); else prints the first difference for `what`
 * and returns 1. */
static int compare(const char *what, const struct run *r)
{
    size_t n = r->nkernel < r->nshadow ? r->nkernel : r->nshadow;
    for (size_t i = 0; i < n; i++) {
        const struct trc_event *k = &r->kernel[i], *s = &r->shadow[i];
        if (k->type == s->type && k->pid == s->pid && !memcmp(k->arg, s->arg, sizeof k->arg))
            continue;
        fprintf(stderr, "%s/%s: event %zu differs (of %zu kernel, %zu shadow)\n", arch_name, what,
                i, r->nkernel, r->nshadow);
        for (size_t j = i >= 2 ? i - 2 : 0; j <= i; j++) {
            print_event("kernel", j, &r->kernel[j]);
            print_event("shadow", j, &r->shadow[j]);
        }
        return 1;
    }
    if (r->nkernel != r->nshadow) {
        fprintf(stderr, "%s/%s: %zu kernel events, %zu shadow\n", arch_name, what, r->nkernel,
                r->nshadow);
        if (n < r->nkernel)
            print_event("kernel", n, &r->kernel[n]);
        if (n < r->nshadow)
            print_event("shadow", n, &r->shadow[n]);
        return 1;
    }
    return 0;
}

/* The event types whose number in a run does not depend on its timing,
 * and whether their pid always names a process. */
static const struct {
    uint32_t type;
    bool pid;
} counted[] = {
    {TRC_EV_BOOT, false},      {TRC_EV_HALT, false},      {TRC_EV_PROC_CREATE, true},
    {TRC_EV_PROC_EXIT, true},  {TRC_EV_PROC_FAULT, true}, {TRC_EV_PORT_CREATE, true},
    {TRC_EV_PORT_CLOSE, true}, {TRC_EV_REGION, true},     {TRC_EV_TOPIC_SUBSCRIBE, true},
    {TRC_EV_NOTIFY, true},     {TRC_EV_IPC_SEND, true},   {TRC_EV_IPC_RECV, true},
    {TRC_EV_IPC_REPLY, true},  {TRC_EV_IPC_DROP, true},
};

/* Runs the embedded kernel (kernel.elf: without ktrace once
 * IPCEMU_GUEST_KTRACE is OFF, so another image with other timing) on the
 * same case with the probes as the trace source: of each type of
 * `counted` the decoders cover, events where kernel-ktrace.elf's ktrace
 * wrote some (`k`, projected), between half and twice as many, each with
 * a process's pid where the type has one. This catches an anchor the kernel without ktrace lost (a
 * function whose only work was a ktrace, its calls deleted) or an
 * argument it no longer computes. Returns the number of failures (0, 1). */
static int check_embedded(const char *what, uint32_t demo, struct scn *s, const struct run *k)
{
    static struct tm_profile prof;
    size_t n;
    const uint8_t *img = machine_image(emu_arch_by_name(arch_name)->id, MACHINE_IMAGE_KERNEL, &n);
    assert_non_null(img);
    struct trc_log log;
    struct machine m;
    struct student_build sb = {0};
    boot(&m, &log, &prof, demo, s, false, MACHINE_TRACE_PROBES, img, n, &sb);
    machine_run(&m);
    int bad = 0;
    for (size_t t = 0; t < sizeof counted / sizeof counted[0] && !bad; t++) {
        if (!machine_probes_cover(counted[t].type))
            continue;
        size_t nk = 0, ne = 0;
        for (size_t i = 0; i < k->nkernel; i++)
            nk += k->kernel[i].type == counted[t].type;
        for (size_t i = 0; i < log.nev && !bad; i++) {
            const struct trc_event *e = &log.ev[i];
            if (e->type != counted[t].type)
                continue;
            ne++;
            if (counted[t].pid && e->pid == 0) {
                fprintf(stderr, "%s/%s: kernel.elf's decoded event %zu has no pid\n", arch_name,
                        what, i);
                print_event("kernel.elf", i, e);
                bad = 1;
            }
        }
        /* Counts that depend on timing may differ (a channel's batches,
         * docs/ipc.md, notify once per batch; a run-ahead receiver takes
         * what has arrived): the two images do not run in the same
         * cycles. A lost anchor loses all of its events, or every call
         * of a call site: at least half of them. */
        bool off = (nk == 0) != (ne == 0) || 2 * ne < nk || 2 * nk < ne;
        if (!bad && off) {
            fprintf(stderr,
                    "%s/%s: %zu %s events from kernel.elf's probes, %zu from "
                    "kernel-ktrace.elf's ktrace\n",
                    arch_name, what, ne, trc_event_name(counted[t].type), nk);
            bad = 1;
        }
    }
    machine_destroy(&m);
    student_build_free(&sb);
    trc_log_free(&log);
    tm_profile_free(&prof);
    return bad;
}

/* Runs one case with and without shadow probes: same outcome and cycles,
 * same kernel events, and the shadow sequence equal to them; and the
 * embedded kernel's decoded events as check_embedded says. Returns the
 * number of failures (0 or 1). */
static int check_case(const char *what, uint32_t demo, struct scn *s)
{
    struct run off, on;
    run_kernel(demo, s, false, &off);
    run_kernel(demo, s, true, &on);
    int bad = check_embedded(what, demo, s, &off);
    if (off.outcome != on.outcome || off.cycles != on.cycles || off.nkernel != on.nkernel) {
        fprintf(stderr, "%s/%s: shadow probes changed the run (cycles %llu -> %llu)\n", arch_name,
                what, (unsigned long long)off.cycles, (unsigned long long)on.cycles);
        bad = 1;
    }
    bad |= compare(what, &on);
    if (on.cache_check != 0) {
        fprintf(stderr, "%s/%s: capability-cache counters differ from the events: %s\n", arch_name,
                what, on.cache_why);
        bad = 1;
    }
    if (!bad)
        fprintf(stderr, "%s/%s: %zu events match\n", arch_name, what, on.nshadow);
    free(off.kernel);
    free(off.shadow);
    free(on.kernel);
    free(on.shadow);
    return bad;
}

static void shadow_events_equal_kernel_events_in_every_scenario(void **state)
{
    (void)state;
    char *names[256];
    size_t nn = scenario_names(scenarios_dir, names, 256);
    int bad = 0;
    for (size_t i = 0; i < nn; i++) {
        char path[1024], err[1024];
        snprintf(path, sizeof path, "%s/%s", scenarios_dir, names[i]);
        struct scn s;
        if (scn_load_file(path, &s, err, sizeof err) != 0)
            fail_msg("%s", err);
        if (!s.arch[0] || !strcmp(s.arch, arch_name))
            bad += check_case(names[i], BOOT_DEMO_SCENARIO, &s);
        scn_free(&s);
        free(names[i]);
    }
    assert_int_equal(bad, 0);
}

static void shadow_events_equal_kernel_events_in_the_demos(void **state)
{
    (void)state;
    int bad = check_case("demo-ipc", BOOT_DEMO_IPC, NULL);
    bad += check_case("demo-wild", BOOT_DEMO_WILD, NULL);
    bad += check_case("demo-hello", BOOT_DEMO_HELLO, NULL);
    assert_int_equal(bad, 0);
}

/* Runs image img[n] with `demo` on the test's architecture with the probes
 * as the trace source (and shadow probes): the trace's events other than
 * the machine's own are the shadow log, stamps included, in order, and
 * the stamps never go back. Returns the trace-port records the machine
 * dropped; the run's cycles in *cycles. */
static uint64_t run_probes_source(uint32_t demo, const uint8_t *img, size_t n, uint64_t *cycles)
{
    static struct tm_profile prof;
    struct trc_log log;
    struct machine m;
    struct student_build sb = {0};
    boot(&m, &log, &prof, demo, NULL, true, MACHINE_TRACE_PROBES, img, n, &sb);
    machine_run(&m);
    *cycles = m.core.cycles;
    size_t ns, k = 0;
    const struct trc_event *sev = machine_probes_events(&m, &ns);
    assert_true(ns > 0);
    for (size_t i = 0; i < log.nev; i++) {
        const struct trc_event *e = &log.ev[i];
        if (i > 0)
            assert_true(e->cycle >= log.ev[i - 1].cycle);
        if (trc_event_is_machine(e->type))
            continue;
        assert_true(k < ns);
        if (memcmp(e, &sev[k], sizeof *e) != 0) {
            print_event("trace", i, e);
            print_event("shadow", k, &sev[k]);
            fail_msg("%s: the trace's decoded event %zu is not the shadow log's", arch_name, k);
        }
        k++;
    }
    assert_int_equal(k, ns);
    uint64_t dropped = m.port_dropped;
    machine_destroy(&m);
    student_build_free(&sb);
    trc_log_free(&log);
    tm_profile_free(&prof);
    return dropped;
}

static void probes_source_writes_the_decoded_events_into_the_trace(void **state)
{
    (void)state;
    /* the kernel with ktrace: its records dropped, its cycles unchanged */
    struct run kernel;
    run_kernel(BOOT_DEMO_IPC, NULL, false, &kernel);
    uint64_t cycles;
    assert_true(run_probes_source(BOOT_DEMO_IPC, ktrace_img, ktrace_len, &cycles) > 0);
    assert_int_equal(cycles, kernel.cycles);
    free(kernel.kernel);
    free(kernel.shadow);
    /* the embedded kernel posts records only when built with ktrace */
    size_t n;
    const struct emu_arch *a = emu_arch_by_name(arch_name);
    const uint8_t *img = machine_image(a->id, MACHINE_IMAGE_KERNEL, &n);
    assert_non_null(img);
    uint64_t dropped = run_probes_source(BOOT_DEMO_IPC, img, n, &cycles);
#ifdef IPCEMU_GUEST_KTRACE
    assert_true(dropped > 0);
#else
    assert_int_equal(dropped, 0);
#endif
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s ARCH SCENARIOS_DIR GUEST_DIR\n", argv[0]);
        return 2;
    }
    arch_name = argv[1];
    scenarios_dir = argv[2];
    char path[4096], why[600];
    snprintf(path, sizeof path, "%s/%s/kernel-ktrace.elf", argv[3], arch_name);
    ktrace_img = hf_read_input(path, 64u << 20, &ktrace_len, why, sizeof why);
    if (!ktrace_img) {
        fprintf(stderr, "%s: %s\n", argv[0], why);
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probes_source_writes_the_decoded_events_into_the_trace),
        cmocka_unit_test(shadow_events_equal_kernel_events_in_the_demos),
        cmocka_unit_test(shadow_events_equal_kernel_events_in_every_scenario),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(ktrace_img);
    return rc;
}
