/* tests/integration/test_probe_events.c: the events the host decodes from
 * probes (machine/probes.c, shadow mode) equal those the kernel's ktrace()
 * writes, for every scenario of scenarios/ and the boot demos ipc, wild and
 * hello, on one architecture: as sequences of (type, pid, a0..a3) over the
 * event types the decoders cover (machine_probes_cover; the others are
 * listed in docs/machine.md, "Probes"). Also, at every
 * arch_enter_user and at the end, the capability cache's own counters
 * equal the decoded lookups and invalidations. Stamps are not compared: an
 * entry probe fires before the kernel's ktrace() call, a return probe
 * after it. Also: every anchor of abi/kprobes.h is a function
 * of the kernel, and the shadow log changes no cycle.
 * Usage: test_integration_probe_events ARCH SCENARIOS_DIR. */
#include <dirent.h>
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

static const char *arch_name, *scenarios_dir;

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
        else if (ev[i].type != TRC_EV_TRAP && ev[i].type != TRC_EV_IRQ &&
                 ev[i].type != TRC_EV_USER_ENTER)
            fail_msg("event type %s is written by the kernel but not decoded",
                     trc_event_name(ev[i].type));
    }
}

/* Runs the kernel with `demo` (and the compiled scenario `s`, or NULL)
 * on the test's architecture, with shadow probes when `shadow`. */
static void run_kernel(uint32_t demo, const struct scn *s, bool shadow, struct run *r)
{
    const struct emu_arch *a = emu_arch_by_name(arch_name);
    assert_non_null(a);
    static struct tm_profile prof;
    char why[600];
    const char *cpu = s && s->cpu[0] ? s->cpu : a->default_cpu;
    if (tm_profile_load(&prof, cpu, why, sizeof why) != 0)
        fail_msg("%s", why);
    struct machine_config cfg = {.arch = a->id,
                                 .demo = demo,
                                 .profile = &prof,
                                 .max_cycles = 2000000000ULL,
                                 .shadow_probes = shadow};
    if (s) {
        cfg.max_cycles = s->max_cycles ? s->max_cycles : cfg.max_cycles;
        cfg.seed = s->seed;
        cfg.quantum = s->quantum;
        cfg.cap_cache_lines = s->cap_cache;
        cfg.exact_caches = s->exact_caches;
        cfg.scenario = s->blob;
        cfg.scenario_size = s->blob_size;
    }
    size_t n;
    const uint8_t *img = machine_image(a->id, MACHINE_IMAGE_KERNEL, &n);
    assert_non_null(img);
    struct trc_log log;
    trc_log_init(&log);
    struct machine m;
    if (machine_init(&m, &cfg, &log) != 0 || machine_boot_elf(&m, img, n) != 0)
        fail_msg("boot: %s", m.why);
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

/* Runs one case with and without shadow probes: same outcome and cycles,
 * same kernel events, and the shadow sequence equal to them. Returns the
 * number of failures (0 or 1). */
static int check_case(const char *what, uint32_t demo, const struct scn *s)
{
    struct run off, on;
    run_kernel(demo, s, false, &off);
    run_kernel(demo, s, true, &on);
    int bad = 0;
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

/* qsort order of names. */
static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void shadow_events_equal_kernel_events_in_every_scenario(void **state)
{
    (void)state;
    DIR *d = opendir(scenarios_dir);
    assert_non_null(d);
    char *names[256];
    size_t nn = 0;
    for (struct dirent *e; (e = readdir(d)) && nn < 256;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".json"))
            names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof names[0], name_cmp);
    assert_true(nn > 0);
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

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s ARCH SCENARIOS_DIR\n", argv[0]);
        return 2;
    }
    arch_name = argv[1];
    scenarios_dir = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shadow_events_equal_kernel_events_in_the_demos),
        cmocka_unit_test(shadow_events_equal_kernel_events_in_every_scenario),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
