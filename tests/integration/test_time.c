/* tests/integration/test_time.c: a property test for time. Random
 * scenarios (a fixed list of seeds, so every run checks the same ones) of
 * sleeps, receive / wait / call timeouts and computes across several
 * processes of equal and different priorities run with `ipcemu run --csv`;
 * the trace must then show that
 *   - every timer interrupt reached the kernel within one block of the
 *     cycle its line rose, plus the cycles it waited while the kernel ran
 *     with interrupts masked (the machine's `irq` event carries both);
 *   - every timed wait that timed out woke at or after its deadline, from an
 *     interrupt armed no later than that deadline, within the kernel's
 *     handling time of it;
 *   - a process never keeps the CPU more than a quantum (plus that slack)
 *     once a process of the same priority is ready, nor at all once a
 *     higher-priority one is;
 *   - every operation got what it expected (the run ends "ok").
 * The same checks then run on every scenario of scenarios/ that runs on
 * one core.
 *   test_integration_time IPCEMU ARCH SCENARIO_DIR [NSEEDS] */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <dirent.h>

#include "harness.h"

/* One block of guest code, at most (the interrupt is taken at the first
 * block boundary after its deadline): the longest straight-line block the
 * kernel and the runner have, with every access missing to memory. */
#define BLOCK_MAX_CYCLES 2500
/* The kernel's work between taking the interrupt and waking one timed-out
 * waiter (trap entry, acknowledging the timer, reading the clock, tracing,
 * dequeuing, removing a timed-out call from its queue), per waiter woken
 * by the same interrupt. */
#define KERNEL_WAKE_CYCLES 10000
/* The kernel's work from the interrupt to running the next process. */
#define KERNEL_SWITCH_CYCLES 8000

static const char *arch;
static unsigned nseeds = 8;
static const char *scenario_dir; /* its scenarios are checked too */
static char cur_run[64];         /* for the failure messages */

/* xorshift64*: the generator's own deterministic random numbers. */
static uint64_t rng;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}
static uint64_t between(uint64_t lo, uint64_t hi)
{
    return lo + rnd() % (hi - lo + 1);
}

#define MAXP 8

struct gen {
    unsigned nproc;      /* workers, then the sink */
    unsigned prio[MAXP]; /* per pid - 1 */
    uint64_t quantum;
};

/* Writes a random scenario for `seed` to `path`; returns its shape. */
static struct gen generate(uint64_t seed, const char *path)
{
    struct gen g = {0};
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    g.nproc = (unsigned)between(2, 5);
    static const uint64_t quanta[] = {5000, 20000, 50000};
    g.quantum = quanta[rnd() % 3];
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "{\"name\": \"time-%llu\", \"description\": \"generated\", \"seed\": %llu,\n",
            (unsigned long long)seed, (unsigned long long)seed);
    fprintf(f, "\"machine\": {\"quantum\": %llu},\n\"objects\": [\n",
            (unsigned long long)g.quantum);
    fprintf(f, "  {\"name\": \"sinkport\", \"type\": \"port\", \"owner\": \"sink\", "
               "\"capacity\": 8}");
    for (unsigned i = 0; i < g.nproc; i++)
        fprintf(f,
                ",\n  {\"name\": \"in%u\", \"type\": \"port\", \"owner\": \"w%u\"},"
                "\n  {\"name\": \"bell%u\", \"type\": \"notification\", \"owner\": "
                "\"w%u\"}",
                i, i, i, i);
    fprintf(f, "\n],\n\"capabilities\": [");
    for (unsigned i = 0; i < g.nproc; i++)
        fprintf(f,
                "%s\n  {\"from\": \"sink\", \"object\": \"sinkport\", \"to\": \"w%u\", "
                "\"rights\": [\"send\"]}",
                i ? "," : "", i);
    fprintf(f, "\n],\n\"processes\": [\n");
    uint64_t total = 0;
    for (unsigned i = 0; i < g.nproc; i++) {
        g.prio[i] = rnd() % 4 == 0 ? 2 : 1;
        fprintf(f, "  {\"name\": \"w%u\", \"priority\": %u, \"program\": [", i, g.prio[i]);
        unsigned nops = (unsigned)between(3, 8);
        for (unsigned k = 0; k < nops; k++) {
            uint64_t c = between(1000, 150000);
            total += c;
            const char *sep = k ? "," : "";
            switch (rnd() % 5) {
            case 0:
                fprintf(f, "%s\n    {\"op\": \"sleep\", \"cycles\": %llu}", sep,
                        (unsigned long long)c);
                break;
            case 1:
                fprintf(f,
                        "%s\n    {\"op\": \"recv\", \"port\": \"in%u\", \"timeout\": %llu, "
                        "\"expect\": \"timeout\"}",
                        sep, i, (unsigned long long)c);
                break;
            case 2:
                fprintf(f,
                        "%s\n    {\"op\": \"wait\", \"notif\": \"bell%u\", \"timeout\": %llu, "
                        "\"expect\": \"timeout\"}",
                        sep, i, (unsigned long long)c);
                break;
            case 3:
                fprintf(f,
                        "%s\n    {\"op\": \"call\", \"port\": \"sinkport\", \"bytes\": 8, "
                        "\"timeout\": %llu, \"expect\": \"timeout\"}",
                        sep, (unsigned long long)c);
                break;
            default:
                fprintf(f, "%s\n    {\"op\": \"compute\", \"cycles\": %llu}", sep,
                        (unsigned long long)c * 2);
                total += c;
                break;
            }
        }
        fprintf(f, "\n  ]},\n");
    }
    /* The sink never takes a call (so calls queue and time out) and
     * outlives every worker (so its port stays open). */
    g.prio[g.nproc] = 0;
    fprintf(f,
            "  {\"name\": \"sink\", \"priority\": 0, \"program\": [{\"op\": \"sleep\", "
            "\"cycles\": %llu}]}\n]}\n",
            (unsigned long long)(total * 4 + 1000000));
    fclose(f);
    return g;
}

struct ev {
    uint64_t cycle;
    char name[24];
    unsigned pid;
    uint64_t a[4];
};

/* Reads the --csv file: every event, in trace order. */
static struct ev *read_csv(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t cap = 1024, k = 0;
    struct ev *v = malloc(cap * sizeof *v);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f)); /* the header */
    while (fgets(line, sizeof line, f)) {
        if (k == cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        assert_non_null(v);
        struct ev *e = &v[k];
        char proc[64];
        unsigned long long c, a0, a1, a2, a3;
        unsigned core;
        /* cycle,core,event,pid,process,a0,a1,a2,a3 (process may be empty) */
        char *p = line;
        char *field[9] = {0};
        for (int i = 0; i < 9; i++) {
            field[i] = p;
            p = strchr(p, ',');
            if (!p) {
                assert_int_equal(i, 8);
                break;
            }
            *p++ = '\0';
        }
        assert_int_equal(sscanf(field[0], "%llu", &c), 1);
        assert_int_equal(sscanf(field[1], "%u", &core), 1);
        snprintf(e->name, sizeof e->name, "%s", field[2]);
        assert_int_equal(sscanf(field[3], "%u", &e->pid), 1);
        snprintf(proc, sizeof proc, "%s", field[4]);
        assert_int_equal(sscanf(field[5], "%llu", &a0), 1);
        assert_int_equal(sscanf(field[6], "%llu", &a1), 1);
        assert_int_equal(sscanf(field[7], "%llu", &a2), 1);
        assert_int_equal(sscanf(field[8], "%llu", &a3), 1);
        e->cycle = c;
        e->a[0] = a0;
        e->a[1] = a1;
        e->a[2] = a2;
        e->a[3] = a3;
        k++;
    }
    fclose(f);
    *n = k;
    return v;
}

#define IPC_ERR_TIMEOUT_WORD ((uint64_t)(int64_t)-22)

enum pstate { P_NONE, P_READY, P_RUNNING, P_BLOCKED, P_GONE };

/* The figures a run gave, for the message at the end. */
struct worst {
    uint64_t irq_late, wake_late, kernel_wake, run_over;
    unsigned irqs, masked, timeouts, checked_runs;
    uint64_t lates[4096]; /* each timeout's cycles after its deadline (the first 4096) */
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Checks the three properties on one run's events (`quantum`: the run's). */
static void check_run(uint64_t quantum, const struct ev *v, size_t n, struct worst *w)
{
    unsigned np = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].pid > np)
            np = v[i].pid;
    enum pstate *st = calloc(np + 1, sizeof *st);
    uint64_t *since = calloc(np + 1, sizeof *since);       /* when it became ready */
    uint64_t *deadline = calloc(np + 1, sizeof *deadline); /* its timed wait's, 0 none */
    unsigned *prio = calloc(np + 1, sizeof *prio);
    /* priority inheritance (docs/scenarios.md): a caller's message taken by
     * `holder` before the caller made another system call (a call: the
     * caller waits for the reply) lends the holder the caller's priority
     * while the caller is blocked, until the reply */
    unsigned *holder = calloc(np + 1, sizeof *holder);
    unsigned char *sent_last = calloc(np + 1, sizeof *sent_last);
    assert_true(st && since && deadline && prio && holder && sent_last);
    unsigned running = 0;
    uint64_t run_start = 0;
    const struct ev *last_irq = NULL;
    unsigned wakes_since_irq = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ev *e = &v[i];
        unsigned p = e->pid;
        if (strcmp(e->name, "irq") == 0) {
            /* a0 idle?, a1 = rose at, a2 = masked cycles, a3 = deadline armed */
            assert_true(e->a[1] <= e->cycle);
            uint64_t late = e->cycle - e->a[1];
            assert_true(e->a[2] <= late);
            if (late - e->a[2] > BLOCK_MAX_CYCLES)
                fail_msg("%s %s: interrupt for cycle %llu taken at %llu: %llu cycles late, "
                         "only %llu of them masked",
                         arch, cur_run, (unsigned long long)e->a[1], (unsigned long long)e->cycle,
                         (unsigned long long)late, (unsigned long long)e->a[2]);
            if (late - e->a[2] > w->irq_late)
                w->irq_late = late - e->a[2];
            w->irqs++;
            w->masked += e->a[2] != 0;
            last_irq = e;
            wakes_since_irq = 0;
            continue;
        }
        if (p == 0)
            continue;
        if (strcmp(e->name, "proc.create") == 0) {
            st[p] = P_READY;
            since[p] = e->cycle;
            prio[p] = (unsigned)e->a[0];
        } else if (strcmp(e->name, "sched.switch") == 0) {
            unsigned from = (unsigned)e->a[0];
            if (from && from <= np && st[from] == P_RUNNING) {
                st[from] = P_READY; /* preempted or yielded; a block comes first */
                since[from] = e->cycle;
            }
            st[p] = P_RUNNING;
            running = p;
            run_start = e->cycle;
        } else if (strcmp(e->name, "ipc.block") == 0) {
            st[p] = P_BLOCKED;
            deadline[p] = e->a[2];
            if (running == p)
                running = 0;
        } else if (strcmp(e->name, "ipc.wake") == 0) {
            if (e->a[1] == IPC_ERR_TIMEOUT_WORD) {
                uint64_t d = deadline[p];
                assert_true(d != 0);
                if (e->cycle < d)
                    fail_msg("%s %s: pid %u woke at %llu before its deadline %llu", arch, cur_run,
                             p, (unsigned long long)e->cycle, (unsigned long long)d);
                assert_non_null(last_irq);
                if (last_irq->a[3] > d)
                    fail_msg("%s %s: pid %u's deadline %llu was not armed (the interrupt that "
                             "woke it was for %llu)",
                             arch, cur_run, p, (unsigned long long)d,
                             (unsigned long long)last_irq->a[3]);
                wakes_since_irq++;
                uint64_t k = e->cycle - last_irq->cycle;
                if (k > KERNEL_WAKE_CYCLES * wakes_since_irq)
                    fail_msg("%s %s: pid %u woke %llu cycles after the interrupt", arch, cur_run, p,
                             (unsigned long long)k);
                if (k > w->kernel_wake)
                    w->kernel_wake = k;
                if (e->cycle - d > w->wake_late)
                    w->wake_late = e->cycle - d;
                if (w->timeouts < sizeof w->lates / sizeof w->lates[0])
                    w->lates[w->timeouts] = e->cycle - d;
                w->timeouts++;
            }
            deadline[p] = 0;
            st[p] = P_READY;
            since[p] = e->cycle;
        } else if (strcmp(e->name, "syscall") == 0) {
            sent_last[p] = 0;
            holder[p] = 0;
            continue;
        } else if (strcmp(e->name, "ipc.send") == 0) {
            sent_last[p] = e->a[3] == 0;
            continue;
        } else if (strcmp(e->name, "ipc.recv") == 0) {
            unsigned from = (unsigned)(e->a[3] >> 32);
            if ((uint32_t)e->a[3] == 0 && from && from <= np && sent_last[from])
                holder[from] = p;
            continue;
        } else if (strcmp(e->name, "ipc.reply") == 0) {
            if (e->a[0] <= np && holder[e->a[0]]) {
                holder[e->a[0]] = 0;
                if (p == running)
                    run_start = e->cycle; /* its rivals' wait starts at its own priority */
            }
            continue;
        } else if (strcmp(e->name, "proc.exit") == 0 || strcmp(e->name, "proc.fault") == 0) {
            st[p] = P_GONE;
            if (running == p)
                running = 0;
        } else {
            continue;
        }
        /* the running process against every ready rival */
        if (!running || st[running] != P_RUNNING)
            continue;
        for (unsigned q = 1; q <= np; q++) {
            if (q == running || st[q] != P_READY)
                continue;
            unsigned pq = prio[q], pr = prio[running];
            for (unsigned c = 1; c <= np; c++)
                if (holder[c] == running && st[c] == P_BLOCKED && prio[c] > pr)
                    pr = prio[c];
            if (pq < pr)
                continue;
            uint64_t from = since[q] > run_start ? since[q] : run_start;
            uint64_t allowed = (pq == pr ? quantum : 0) + BLOCK_MAX_CYCLES + KERNEL_SWITCH_CYCLES;
            if (e->cycle - from > allowed)
                fail_msg("%s %s: pid %u (priority %u) still ran at %llu while pid %u (priority "
                         "%u) was ready since %llu (quantum %llu)",
                         arch, cur_run, running, pr, (unsigned long long)e->cycle, q, pq,
                         (unsigned long long)from, (unsigned long long)quantum);
            if (e->cycle - from > w->run_over)
                w->run_over = e->cycle - from;
            w->checked_runs++;
        }
    }
    free(st);
    free(since);
    free(deadline);
    free(prio);
    free(holder);
    free(sent_last);
}

/* Prints the figures of a set of runs (ctest -V shows them). */
static void print_worst(const char *what, unsigned runs, struct worst *w)
{
    size_t n = w->timeouts < 4096 ? w->timeouts : 4096;
    qsort(w->lates, n, sizeof w->lates[0], cmp_u64);
    printf("%s %s: %u runs, %u interrupts (%u waited masked), worst unmasked lateness %llu "
           "cycles; %u timeouts woke a median %llu and at worst %llu cycles after the deadline, "
           "kernel handling up to %llu; %u ready-rival checks, longest wait %llu\n",
           arch, what, runs, w->irqs, w->masked, (unsigned long long)w->irq_late, w->timeouts,
           (unsigned long long)(n ? w->lates[n / 2] : 0), (unsigned long long)w->wake_late,
           (unsigned long long)w->kernel_wake, w->checked_runs, (unsigned long long)w->run_over);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The same checks on every scenario of scenarios/ (those that end "ok"). */
static void shipped_scenarios(void **state)
{
    (void)state;
    DIR *d = opendir(scenario_dir);
    assert_non_null(d);
    char *names[256];
    size_t k = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && k < 256) {
        size_t len = strlen(de->d_name);
        if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0)
            names[k++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, k, sizeof names[0], cmp_str);
    static struct worst w;
    memset(&w, 0, sizeof w);
    unsigned runs = 0;
    for (size_t i = 0; i < k; i++) {
        char scn[600], csv[300];
        snprintf(scn, sizeof scn, "%s/%s", scenario_dir, names[i]);
        snprintf(csv, sizeof csv, "%s/shipped.csv", tmpdir);
        snprintf(cur_run, sizeof cur_run, "%s", names[i]);
        struct result r = run(1, "run", scn, "--arch", arch, "--quiet", "--csv", csv, NULL);
        /* whatever the run's verdict (test_run checks it), its timing is checked */
        assert_true(r.status == 0 || r.status == 1);
        assert_non_null(r.report);
        /* the scenario's machine.quantum, else the default (docs/scenarios.md) */
        uint64_t quantum = 20000;
        char *text = read_whole(scn, NULL);
        assert_non_null(text);
        cJSON *root = cJSON_Parse(text);
        const cJSON *q = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "machine"), "quantum");
        if (cJSON_IsNumber(q))
            quantum = (uint64_t)q->valuedouble;
        /* the checks follow one run queue: a run on several cores
         * (machine.cores, or a named run's cores) is left out */
        const cJSON *nc = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "machine"), "cores");
        bool one_core = !cJSON_IsNumber(nc) || nc->valuedouble <= 1;
        const cJSON *run;
        cJSON_ArrayForEach(run, cJSON_GetObjectItem(root, "runs"))
        {
            const cJSON *rc = cJSON_GetObjectItem(run, "cores");
            one_core = one_core && (!cJSON_IsNumber(rc) || rc->valuedouble <= 1);
        }
        cJSON_Delete(root);
        free(text);
        if (one_core) {
            size_t n;
            struct ev *v = read_csv(csv, &n);
            check_run(quantum, v, n, &w);
            free(v);
            runs++;
        }
        result_free(&r);
        free(names[i]);
    }
    print_worst("scenarios/", runs, &w);
}

static void random_timeouts(void **state)
{
    (void)state;
    static struct worst w;
    memset(&w, 0, sizeof w);
    for (unsigned s = 1; s <= nseeds; s++) {
        char scn[300], csv[300];
        snprintf(scn, sizeof scn, "%s/time-%u.json", tmpdir, s);
        snprintf(csv, sizeof csv, "%s/time-%u.csv", tmpdir, s);
        snprintf(cur_run, sizeof cur_run, "seed %u", s);
        struct gen g = generate(s, scn);
        struct result r = run(1, "run", scn, "--arch", arch, "--quiet", "--csv", csv, NULL);
        if (r.status != 0)
            fail_msg("%s seed %u: exit %d: %s %s", arch, s, r.status, r.err,
                     r.report ? jstr(r.report, "why") : "");
        assert_string_equal(jstr(r.report, "outcome"), "ok");
        size_t n;
        struct ev *v = read_csv(csv, &n);
        check_run(g.quantum, v, n, &w);
        free(v);
        result_free(&r);
    }
    print_worst("random", nseeds, &w);
    /* the generator made timeouts and interrupts happen */
    if (w.timeouts <= nseeds || w.irqs <= nseeds)
        fail_msg("%s: only %u timeouts and %u interrupts in %u runs", arch, w.timeouts, w.irqs,
                 nseeds);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_integration_time IPCEMU ARCH SCENARIO_DIR [NSEEDS]\n");
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    scenario_dir = argv[3];
    if (argc > 4)
        nseeds = (unsigned)atoi(argv[4]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_timeouts),
        cmocka_unit_test(shipped_scenarios),
    };
    /* TIME_KEEP=1 keeps the scenarios and CSV files (the directory is
     * printed) for a failure to be looked at. */
    return cmocka_run_group_tests(tests, setup, getenv("TIME_KEEP") ? NULL : teardown);
}
