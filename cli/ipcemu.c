/* cli/ipcemu.c: the `ipcemu` program: subcommands, options, exit
 * status (0 ran and every expectation held; 1 ran but the outcome was not
 * ok; 2 bad usage or bad input). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "abi/bootinfo.h"
#include "emu/timing.h"
#include "machine/machine.h"
#include "abi/memmap.h"
#include "machine/scenario.h"
#include "tracer/export.h"
#include "tracer/report.h"
#include "tracer/tracefile.h"
#include "ui/view.h"
#include "util/hostfile.h"

#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>

#define EXIT_OK 0
#define EXIT_RAN_NOT_OK 1
#define EXIT_USAGE 2

#define IPCEMU_VERSION "0.1.0"

/* The largest input files read whole: a scenario (as machine/scenario.c
 * takes it) and a bare-metal program. */
#define SCENARIO_FILE_MAX (4u << 20)
#define PROGRAM_FILE_MAX (256u << 20)
/* The capability cache's lines when nothing says (as machine/machine.c);
 * a trace records the number in effect. */
#define CAP_CACHE_DEFAULT 64u

/* The command line and a trace's settings take RAM sizes the machine can
 * have. */
_Static_assert(TRC_RAM_MIB_MIN == MM_RAM_SIZE_MIN >> 20, "RAM minimum");
_Static_assert(TRC_RAM_MIB_MAX == MM_RAM_SIZE_MAX >> 20, "RAM maximum");

static const char *const demo_names[BOOT_DEMO_COUNT] = {
    [BOOT_DEMO_HELLO] = "hello", [BOOT_DEMO_SPIN] = "spin", [BOOT_DEMO_STORM] = "storm",
    [BOOT_DEMO_WILD] = "wild",   [BOOT_DEMO_IPC] = "ipc",
    /* BOOT_DEMO_SCENARIO has no name: `ipcemu run` selects it */
};

/* The usage of `ipcemu` alone: a few lines, pointing at --help. */
static void usage_short(FILE *out)
{
    fputs("usage: ipcemu COMMAND [OPTIONS]\n"
          "commands: run, replay, diff, view, boot, exec, selftest, help, version\n"
          "`ipcemu --help` describes them; `ipcemu COMMAND --help` gives a command's options.\n",
          out);
}

static void usage_main(FILE *out)
{
    fputs("usage: ipcemu COMMAND [OPTIONS]\n"
          "\n"
          "A deterministic, cycle-counting emulator that runs ipcemu's own microkernel\n"
          "on emulated x86_64, AArch64 and RISC-V cores.\n"
          "\n"
          "commands:\n"
          "  run        run a JSON scenario (docs/scenarios.md) and check its expectations\n"
          "  replay     re-run a recorded trace and check it gives the same events\n"
          "  diff       compare two traces: first difference, paths side by side\n"
          "  view       show a trace as a timeline (a window, or a PNG with --png)\n"
          "  boot       boot the kernel and run a built-in demo workload\n"
          "  exec       run a bare-metal program on the machine, no kernel\n"
          "  selftest   check that trap entry and return work on the installed Unicorn\n"
          "  help       show this help (or `ipcemu COMMAND --help`)\n"
          "  version    print the version\n"
          "\n"
          "Numbers (N) are decimal: digits only, no sign, no leading zero, no 0x.\n"
          "An output (--report, --trace, ...) is written whole or not at all, and never\n"
          "over an input or another output.\n"
          "\n"
          "exit status: 0 ran and every expectation held (a scenario may expect its\n"
          "deadlock); 1 ran but something did not hold: a failed expectation or operation,\n"
          "a fault, a deadlock nobody expected, max_cycles or max_events; 2 bad usage or\n"
          "input.\n",
          out);
}

static void usage_boot(FILE *out)
{
    fputs("usage: ipcemu boot [--arch A] [--cpu P] [--report FILE] [--max-cycles N] [--quiet]\n"
          "                   [--demo NAME] [--quantum N] [--ram-mib N] [--seed N]\n"
          "                   [--exact-caches]\n"
          "                   [--cap-cache N]\n"
          "\n"
          "Boots the kernel on architecture A (x86_64, aarch64 or riscv64; default\n"
          "x86_64) and runs a built-in demo: user processes printing interleaved lines\n"
          "under timer preemption, and one that reads kernel memory and is killed.\n"
          "\n"
          "  --arch A          x86_64 | aarch64 | riscv64\n"
          "  --cpu P           CPU profile: a name in the profile directory (skylake,\n"
          "                    cortex-a72, sifive-u74, ...), a path to a profile .json, or\n"
          "                    flat (one cycle per instruction); default: the arch's own\n"
          "  --report FILE     write the JSON report to FILE\n"
          "  --exact-caches    feed the data caches and TLB every access of the run; by\n"
          "                    default, after 10M cycles, 1M of every 40M are simulated\n"
          "                    and the rest charged per block from them (faster)\n"
          "  --max-cycles N    stop with outcome max_cycles when the clock reaches N\n"
          "                    (default 2000000000)\n"
          "  --quiet           print neither the guest console nor the summary\n"
          "  --demo NAME       hello (default) | spin (a process that never ends) |\n"
          "                    storm (system-call and fault storms) | wild (wild pointers\n"
          "                    and bad instructions) | ipc (ports and capabilities:\n"
          "                    queues, blocking, timeouts, revocation, refusals)\n"
          "  --cap-cache N     capability-cache lines per core, a power of two (default 64)\n"
          "  --quantum N       scheduler time slice in cycles (default 20000)\n"
          "  --ram-mib N       RAM size in MiB (16..1024, default 128)\n"
          "  --seed N          seed handed to the kernel (default 1)\n",
          out);
}

static void usage_selftest(FILE *out)
{
    fputs("usage: ipcemu selftest [--arch A|all]\n"
          "\n"
          "Runs the trap self-test of architecture A (default: all three): the guest drops\n"
          "to user mode and checks that a system call, a page fault, an undefined\n"
          "instruction and a timer interrupt enter its vector in kernel mode with the\n"
          "right cause and return address, and that returning resumes user mode.\n"
          "ipcemu boot runs it before every boot and refuses to run if it fails.\n",
          out);
}

/* Prints one usage error naming the option, returns EXIT_USAGE. */
static int bad_usage(const char *cmd, const char *fmt, const char *what)
{
    char p[400];
    fprintf(stderr, "ipcemu %s: ", cmd);
    fprintf(stderr, fmt, hf_printable(what, strlen(what), p, sizeof p));
    fprintf(stderr, " (see `ipcemu %s --help`)\n", cmd);
    return EXIT_USAGE;
}

/* Parses option `opt`'s value `val` as setting `s`, the way a trace's
 * settings are read (tracer/tracefile.h). Returns 0 with *v, or
 * EXIT_USAGE after printing why. */
static int option_number(const char *cmd, const char *opt, const char *val, enum trc_setting s,
                         uint64_t *v)
{
    char why[200], p[200];
    if (trc_setting_parse(s, val, v, why, sizeof why))
        return 0;
    fprintf(stderr, "ipcemu %s: %s '%s': %s (see `ipcemu %s --help`)\n", cmd, opt,
            hf_printable(val, strlen(val), p, sizeof p), why, cmd);
    return EXIT_USAGE;
}

/* Returns the option's value (argv[i+1]) and advances *i, or NULL. */
static const char *opt_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

/* Runs the self-test of `arch`; prints the failure. Returns true if it
 * passed. */
static bool selftest_one(enum emu_arch_id arch, bool verbose)
{
    char why[400];
    const char *name = emu_arch_get(arch)->name;
    if (machine_selftest(arch, why, sizeof why) != 0) {
        fprintf(stderr, "ipcemu: the %s trap self-test failed, refusing to run: %s\n", name, why);
        return false;
    }
    if (verbose)
        printf("%s: trap self-test passed\n", name);
    return true;
}

/* Runs image `img` on a machine configured by `cfg` (after the
 * architecture's trap self-test), prints the summary unless quiet and
 * writes the JSON report to `report` (opened first: a path that cannot be
 * written is bad input). `program` names a bare-metal program, NULL for
 * the kernel. Returns the exit status. */
/* Loads the CPU profile `cpu` (NULL: the architecture's default; "flat":
 * none, one cycle per instruction) into *p and points cfg at it; errors
 * name where the profile was asked for (`label`: "--cpu", "TRACE: setting
 * cpu"). Returns 0, or EXIT_USAGE after printing why. */
static int load_cpu_from(const char *cmd, const char *label, const char *cpu,
                         struct machine_config *cfg, struct tm_profile *p)
{
    const struct emu_arch *arch = emu_arch_get(cfg->arch);
    if (!cpu)
        cpu = arch->default_cpu;
    if (!strcmp(cpu, "flat")) {
        cfg->profile = NULL;
        return 0;
    }
    char why[600], text[800];
    if (tm_profile_load(p, cpu, why, sizeof why) != 0) {
        snprintf(text, sizeof text, "%s", why);
    } else if (strcmp(p->arch, arch->name) != 0) {
        snprintf(text, sizeof text, "%s: profile \"%s\" is for %s, not %s", p->path, p->name,
                 p->arch, arch->name);
        tm_profile_free(p);
    } else {
        cfg->profile = p;
        return 0;
    }
    /* a profile's name or text may come from a trace: no raw control bytes */
    char shown[1200];
    fprintf(stderr, "ipcemu %s: %s: %s\n", cmd, label,
            hf_printable(text, strlen(text), shown, sizeof shown));
    return EXIT_USAGE;
}

/* Loads the CPU profile given by --cpu (see load_cpu_from). */
static int load_cpu(const char *cmd, const char *cpu, struct machine_config *cfg,
                    struct tm_profile *p)
{
    return load_cpu_from(cmd, "--cpu", cpu, cfg, p);
}

/* Where a run writes what it saw besides the console; for `replay`, the
 * recorded run to compare it with. */
struct outputs {
    const char *report, *perfetto, *csv, *trace;
    bool view; /* run: open the timeline on the trace afterwards */
    const struct trc_file_meta *replay_meta;
    const struct trc_log *replay_log;
    /* the files the run reads (scenario or program, --cpu; NULL: none),
     * which no output may overwrite */
    const char *inputs[2];
};

/* Returns true when writing `a` and `b` would write one file: they are the
 * same file, or (when they do not exist yet) the same name in the same
 * directory, whatever the spelling of the directory. */
static bool same_target(const char *a, const char *b)
{
    if (hf_same_file(a, b))
        return true;
    char da[PATH_MAX], ba[PATH_MAX], db[PATH_MAX], bb[PATH_MAX];
    snprintf(da, sizeof da, "%s", a);
    snprintf(ba, sizeof ba, "%s", a);
    snprintf(db, sizeof db, "%s", b);
    snprintf(bb, sizeof bb, "%s", b);
    struct stat sa, sb;
    if (stat(dirname(da), &sa) != 0 || stat(dirname(db), &sb) != 0)
        return strcmp(a, b) == 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && !strcmp(basename(ba), basename(bb));
}

/* Returns true when `path` exists and is not a regular file (a device
 * such as /dev/null, a FIFO): written in place, shareable. */
static bool special_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* Checks a run's outputs before it starts: none may be an input or the
 * same file as another (by name, even when they do not exist yet), and
 * each must be writable (a temporary file is made beside it and removed).
 * Returns 0, or EXIT_USAGE after printing which output is wrong. */
static int check_outputs(const char *cmd, const struct outputs *outs)
{
    const char *const opt[] = {"--report", "--perfetto", "--csv", "--trace"};
    const char *const path[] = {outs->report, outs->perfetto, outs->csv, outs->trace};
    enum { N = sizeof path / sizeof path[0] };
    char p[300], q[300];
    for (int i = 0; i < N; i++) {
        if (!path[i])
            continue;
        hf_printable(path[i], strlen(path[i]), p, sizeof p);
        for (size_t k = 0; k < sizeof outs->inputs / sizeof outs->inputs[0]; k++)
            if (outs->inputs[k] && hf_same_file(path[i], outs->inputs[k])) {
                fprintf(stderr, "ipcemu %s: %s %s is the input %s: refusing to overwrite it\n", cmd,
                        opt[i], p,
                        hf_printable(outs->inputs[k], strlen(outs->inputs[k]), q, sizeof q));
                return EXIT_USAGE;
            }
        if (special_file(path[i]))
            continue;
        for (int j = 0; j < i; j++) {
            if (!path[j] || special_file(path[j]))
                continue;
            if (same_target(path[i], path[j])) {
                fprintf(stderr, "ipcemu %s: %s and %s are the same file %s: one would be lost\n",
                        cmd, opt[j], opt[i], p);
                return EXIT_USAGE;
            }
        }
        /* a path that cannot be written is bad input: say so now */
        struct hf_out o;
        char why[600];
        if (!hf_out_open(&o, path[i], why, sizeof why)) {
            fprintf(stderr, "ipcemu %s: %s: %s\n", cmd, opt[i],
                    hf_printable(why, strlen(why), q, sizeof q));
            return EXIT_USAGE;
        }
        hf_out_abort(&o);
    }
    return 0;
}

/* "cycle 1234: ipc.send pid 2 (ping) 3 7 0 0". */
static void event_text(const struct trc_log *log, const struct trc_event *e, char *out, size_t n)
{
    const struct trc_proc *p = trc_log_proc(log, e->pid);
    char name[4 * TRC_NAME_MAX + 1] = "";
    if (p)
        hf_printable(p->name, strlen(p->name), name, sizeof name);
    snprintf(out, n, "cycle %llu: %s pid %u%s%s%s %llu %llu %llu %llu",
             (unsigned long long)e->cycle, trc_event_name(e->type), e->pid, name[0] ? " (" : "",
             name, name[0] ? ")" : "", (unsigned long long)e->arg[0], (unsigned long long)e->arg[1],
             (unsigned long long)e->arg[2], (unsigned long long)e->arg[3]);
}

/* The index of the first event where two logs differ, or SIZE_MAX when
 * their events are the same. */
static size_t first_divergence(const struct trc_log *a, const struct trc_log *b)
{
    size_t n = a->nev < b->nev ? a->nev : b->nev;
    for (size_t i = 0; i < n; i++) {
        /* field by field: the padding of struct trc_event is no event's */
        const struct trc_event *x = &a->ev[i], *y = &b->ev[i];
        bool same =
            x->cycle == y->cycle && x->core == y->core && x->type == y->type && x->pid == y->pid;
        for (int k = 0; k < TRC_NARGS; k++)
            same = same && x->arg[k] == y->arg[k];
        if (!same)
            return i;
    }
    return a->nev == b->nev ? SIZE_MAX : n;
}

/* The build a trace records: ipcemu's version and the kernel's hash. */
static void build_id(enum emu_arch_id arch, char *out, size_t n)
{
    size_t len;
    const uint8_t *img = machine_image(arch, MACHINE_IMAGE_KERNEL, &len);
    uint64_t h = img ? hf_fnv1a(img, len, HF_FNV_INIT) : HF_FNV_INIT;
    snprintf(out, n, "ipcemu %s kernel %016llx", IPCEMU_VERSION, (unsigned long long)h);
}

/* Progress on a terminal for runs longer than a second: cycles, events,
 * messages, twice a second on stderr, erased at the end. Host time is read
 * for this display only; nothing of it reaches the guest or the trace. */
struct progress {
    struct timespec start, last;
    bool shown;
};

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void show_progress(void *arg, const struct machine *m)
{
    struct progress *p = arg;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (since(&p->start, &now) < 1.0 || (p->shown && since(&p->last, &now) < 0.5))
        return;
    p->last = now;
    p->shown = true;
    fprintf(stderr, "\r  %.1f s: %llu cycles, %zu events, %llu messages\033[K",
            since(&p->start, &now), (unsigned long long)m->core.cycles, m->log->nev,
            (unsigned long long)m->log->messages.sent);
    fflush(stderr);
}

static int run_image(const char *cmd, struct machine_config *cfg, const uint8_t *img, size_t n,
                     const struct outputs *outs, bool quiet, const char *program,
                     const struct scn *scn)
{
    if (check_outputs(cmd, outs) != 0)
        return EXIT_USAGE;
    int rc = EXIT_RAN_NOT_OK;
    if (!selftest_one(cfg->arch, false))
        return rc;
    struct trc_log log;
    trc_log_init(&log);
    struct machine m;
    cfg->console = quiet ? NULL : stdout;
    struct progress prog = {0};
    if (!quiet && isatty(STDERR_FILENO)) {
        clock_gettime(CLOCK_MONOTONIC, &prog.start);
        cfg->progress = show_progress;
        cfg->progress_arg = &prog;
    }
    if (machine_init(&m, cfg, &log) != 0 || machine_boot_elf(&m, img, n) != 0) {
        fprintf(stderr, "ipcemu %s: %s\n", cmd, m.why);
    } else {
        enum machine_outcome o = machine_run(&m);
        if (prog.shown)
            fputs("\r\033[K", stderr);
        fflush(stdout);
        if (o == MACHINE_DEADLOCK) {
            /* who waits for whom: the cycle, when there is one */
            char waits[240];
            size_t cycle = trc_wait_for(&log, waits, sizeof waits);
            if (waits[0]) {
                size_t k = strlen(m.why);
                snprintf(m.why + k, sizeof m.why - k, "; %s: %s",
                         cycle ? "wait-for cycle" : "blocked", waits);
            }
        }
        /* Every expectation is checked, whatever the end. A run that ended
         * as the scenario expects (ok, or the deadlock it asks for) but
         * broke another expectation ends "expect_failed"; a fault,
         * max_cycles or a deadlock nobody expected keeps its outcome (the
         * report's expectations then say which held). An expected
         * deadlock with every other expectation holding ends "deadlock"
         * with exit status 0. */
        struct scn_verdict verdict = {0};
        bool held = true;
        if (scn) {
            char cwhy[sizeof m.why];
            held = scn_check(scn, &log, m.core.cycles, machine_outcome_name(o), &verdict, cwhy,
                             sizeof cwhy) == 0;
            if (!held && (o == MACHINE_OK || (o == MACHINE_DEADLOCK && scn->expect.deadlock))) {
                char end[sizeof m.why];
                snprintf(end, sizeof end, "%s", o == MACHINE_DEADLOCK ? m.why : "");
                snprintf(m.why, sizeof m.why, "%.260s%s%.200s", cwhy,
                         end[0] ? "; it ended in the deadlock it expects: " : "", end);
                o = MACHINE_EXPECT_FAILED;
            }
        }
        int status =
            o == MACHINE_OK || (scn && o == MACHINE_DEADLOCK && scn->expect.deadlock && held)
                ? EXIT_OK
                : EXIT_RAN_NOT_OK;
        struct trc_kv breakdown[EMU_CHARGE_COUNT], counters[16];
        for (unsigned k = 0; k < EMU_CHARGE_COUNT; k++)
            breakdown[k] = (struct trc_kv){emu_charge_name((enum emu_charge)k), m.core.charged[k]};
        unsigned ncounters = 0;
        if (m.core.timing) {
            const struct tm_stats *st = tm_state_stats(m.core.timing);
            const struct trc_kv all[] = {
                {"l1i_accesses", st->l1i_access},  {"l1i_misses", st->l1i_miss},
                {"l1d_accesses", st->l1d_access},  {"l1d_misses", st->l1d_miss},
                {"l2_accesses", st->l2_access},    {"l2_misses", st->l2_miss},
                {"tlb_accesses", st->tlb_access},  {"tlb_misses", st->tlb_miss},
                {"branches", st->branches},        {"mispredicts", st->mispredicts},
                {"as_switches", st->as_switches},  {"mmio_accesses", st->mmio},
                {"sampling_windows", st->windows},
            };
            ncounters = sizeof all / sizeof all[0];
            memcpy(counters, all, sizeof all);
        }
        struct trc_run_info run = {
            .arch = m.arch->cpu->name,
            .cpu = cfg->profile ? cfg->profile->name : "flat",
            .breakdown = breakdown,
            .nbreakdown = EMU_CHARGE_COUNT,
            .counters = counters,
            .ncounters = ncounters,
            .attr_names = (const char *const *)m.attr_names,
            .attr = m.attr,
            .nattr = m.attr ? m.nfuncs + 2 : 0,
            .nkernel = m.nfuncs,
            .outcome = machine_outcome_name(o),
            .why = m.why,
            .cycles = m.core.cycles,
            .instructions = m.core.instructions,
            .idle_cycles = m.idle_cycles,
            .interrupts = m.interrupts,
            .kernel_exit_code = m.exit_code,
            .exit_status = status,
            .checks = verdict.checks,
            .nchecks = verdict.nchecks,
            .failed_ops = verdict.failed_ops,
            .nfailed_ops = verdict.nfailed_ops,
            .program = program,
            .scenario = scn ? scn->name : NULL,
        };
        if (!quiet)
            trc_report_print(stdout, &run, &log);
        rc = status;
        char err[600];
        if (outs->report && trc_report_write(outs->report, &run, &log, err, sizeof err) != 0) {
            fprintf(stderr, "ipcemu %s: --report: %s\n", cmd, err);
            rc = EXIT_USAGE;
        }
        scn_verdict_free(&verdict);
        if (outs->perfetto &&
            trc_perfetto_write(outs->perfetto, &log, m.core.cycles, err, sizeof err) != 0) {
            fprintf(stderr, "ipcemu %s: --perfetto: %s\n", cmd, err);
            rc = EXIT_USAGE;
        }
        if (outs->csv && trc_csv_write(outs->csv, &log, err, sizeof err) != 0) {
            fprintf(stderr, "ipcemu %s: --csv: %s\n", cmd, err);
            rc = EXIT_USAGE;
        }
        if (outs->trace) {
            struct trc_file_meta meta = {
                .exact_caches = cfg->exact_caches,
                .max_cycles = cfg->max_cycles,
                .seed = cfg->seed,
                .quantum = m.cfg.quantum,
                .ram = m.cfg.ram_size,
                .cap_cache = cfg->cap_cache_lines ? cfg->cap_cache_lines : CAP_CACHE_DEFAULT,
                .demo = cfg->demo,
                /* the run's input: the scenario, or the program's image */
                .scenario = scn       ? scn->source
                            : program ? (char *)img
                                      : NULL,
                .scenario_len = scn       ? scn->source_len
                                : program ? n
                                          : 0,
                .hash = log.hash,
                .cycles = m.core.cycles,
                .instructions = m.core.instructions,
            };
            snprintf(meta.kind, sizeof meta.kind, "%s", scn ? "run" : program ? "exec" : "boot");
            snprintf(meta.arch, sizeof meta.arch, "%s", m.arch->cpu->name);
            snprintf(meta.cpu, sizeof meta.cpu, "%s", run.cpu);
            snprintf(meta.scenario_path, sizeof meta.scenario_path, "%s",
                     scn       ? scn->path
                     : program ? program
                               : "");
            build_id(cfg->arch, meta.build, sizeof meta.build);
            if (trc_file_write(outs->trace, &meta, &log, err, sizeof err) != 0) {
                fprintf(stderr, "ipcemu %s: --trace: %s\n", cmd, err);
                rc = EXIT_USAGE;
            }
        }
        if (outs->replay_log) {
            /* `replay`: the same events, console and hash as recorded? */
            char hash[17], a[200], b[200];
            trc_log_hash_hex(&log, hash);
            size_t at = first_divergence(outs->replay_log, &log);
            const struct trc_file_meta *rm = outs->replay_meta;
            bool same_end = m.core.cycles == rm->cycles && m.core.instructions == rm->instructions;
            if (at == SIZE_MAX && log.hash == rm->hash && same_end) {
                printf("replay: identical: %zu events, %llu cycles, trace_hash %s\n", log.nev,
                       (unsigned long long)m.core.cycles, hash);
                /* a replay succeeds when it is the same run, whatever that
                 * run's outcome was (a deadlock scenario replays too) */
                if (rc != EXIT_USAGE)
                    rc = EXIT_OK;
            } else {
                if (at == SIZE_MAX && log.hash == rm->hash)
                    printf("replay: the events and the console are the same but the run ended "
                           "at cycle %llu after %llu instructions (recorded: %llu, %llu)\n",
                           (unsigned long long)m.core.cycles,
                           (unsigned long long)m.core.instructions, (unsigned long long)rm->cycles,
                           (unsigned long long)rm->instructions);
                else if (at == SIZE_MAX)
                    printf("replay: the events are the same but the console or hash differs "
                           "(recorded %016llx, now %s)\n",
                           (unsigned long long)rm->hash, hash);
                else {
                    if (at < outs->replay_log->nev)
                        event_text(outs->replay_log, &outs->replay_log->ev[at], a, sizeof a);
                    else
                        snprintf(a, sizeof a, "(the recorded run ended)");
                    if (at < log.nev)
                        event_text(&log, &log.ev[at], b, sizeof b);
                    else
                        snprintf(b, sizeof b, "(this run ended)");
                    printf("replay: diverged at event %zu\n  recorded: %s\n  now:      %s\n", at, a,
                           b);
                }
                rc = EXIT_RAN_NOT_OK;
            }
        }
    }
    machine_destroy(&m);
    trc_log_free(&log);
    return rc;
}

/* Handles the options `boot` and `exec` share (--arch, --report,
 * --max-cycles). Returns 1 when `o` is one of them (taken), 0 when it is
 * not, or EXIT_USAGE + 10 after printing a usage error. */
static int common_option(const char *cmd, const char *o, const char *val,
                         struct machine_config *cfg, struct outputs *out, const char **cpu)
{
    if (!strcmp(o, "--arch")) {
        const struct emu_arch *a = emu_arch_by_name(val);
        if (!a)
            return 10 + bad_usage(cmd, "unknown architecture '%s' (x86_64, aarch64, riscv64)", val);
        if (!machine_arch_get(a->id))
            return 10 + bad_usage(cmd, "architecture '%s' is not built into this ipcemu", val);
        cfg->arch = a->id;
    } else if (!strcmp(o, "--report")) {
        out->report = val;
    } else if (!strcmp(o, "--perfetto")) {
        out->perfetto = val;
    } else if (!strcmp(o, "--csv")) {
        out->csv = val;
    } else if (!strcmp(o, "--trace")) {
        out->trace = val;
    } else if (!strcmp(o, "--cpu")) {
        *cpu = val;
    } else if (!strcmp(o, "--max-cycles")) {
        if (option_number(cmd, o, val, TRC_SET_MAX_CYCLES, &cfg->max_cycles) != 0)
            return 10 + EXIT_USAGE;
    } else {
        return 0;
    }
    return 1;
}

/* Returns x86_64, or the first architecture this build has. */
static enum emu_arch_id default_arch(void)
{
    for (int a = 0; a < EMU_ARCH_COUNT; a++)
        if (machine_arch_get((enum emu_arch_id)a))
            return (enum emu_arch_id)a;
    return EMU_ARCH_X86_64;
}

static void usage_exec(FILE *out)
{
    fputs("usage: ipcemu exec --arch A [--cpu P] [--report FILE] [--max-cycles N] [--quiet]\n"
          "                   [--exact-caches] PROGRAM.elf\n"
          "\n"
          "Runs a bare-metal program on the machine with no kernel: loaded at its link\n"
          "addresses in RAM (0x40000000 up, docs/machine.md), started at its ELF entry in\n"
          "the kernel's privileged mode (ring 0 / EL1 / M-mode) with the stack pointer at\n"
          "the top of RAM. It ends when it executes the breakpoint instruction (int3,\n"
          "brk #0, ebreak) or returns from its entry function; writes to the UART\n"
          "(0x10000000) are its output. Prints cycles, instructions and where the\n"
          "cycles went (base, cache, TLB, branch, trap, MMIO).\n"
          "\n"
          "  --arch A          x86_64 | aarch64 | riscv64 (default x86_64)\n"
          "  --cpu P           CPU profile: a name in the profile directory (skylake,\n"
          "                    cortex-a72, sifive-u74, ...), a path to a profile .json, or\n"
          "                    flat (one cycle per instruction); default: the arch's own\n"
          "  --report FILE     write the JSON report to FILE\n"
          "  --exact-caches    feed the data caches and TLB every access of the run; by\n"
          "                    default, after 10M cycles, 1M of every 40M are simulated\n"
          "                    and the rest charged per block from them (faster)\n"
          "  --max-cycles N    stop with outcome max_cycles at N cycles (default 10000000000)\n"
          "  --quiet           print neither the program's output nor the summary\n",
          out);
}

/* The options of the commands that run one file (`exec PROGRAM`, `run
 * SCENARIO`): --help, --quiet, --exact-caches, the common ones, and the
 * file. Returns -1 to go on, or the exit status (after --help or a usage
 * error). given[0] / given[1] (when not NULL) say whether --arch /
 * --max-cycles were on the command line. */
static int parse_file_command(const char *cmd, const char *what, void (*usage)(FILE *), int argc,
                              char **argv, struct machine_config *cfg, struct outputs *outs,
                              const char **cpu, bool *quiet, const char **file, bool given[2])
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *val;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(o, "--quiet") || !strcmp(o, "-q")) {
            *quiet = true;
            continue;
        } else if (!strcmp(o, "--exact-caches")) {
            cfg->exact_caches = true;
            continue;
        } else if (!strcmp(o, "--view") && !strcmp(cmd, "run")) {
            outs->view = true;
            continue;
        } else if (strncmp(o, "--", 2) != 0) {
            if (*file) {
                char msg[80];
                snprintf(msg, sizeof msg, "unexpected argument '%%s' (one %s)", what);
                return bad_usage(cmd, msg, o);
            }
            *file = o;
            continue;
        }
        if (!(val = opt_value(argc, argv, &i)))
            return bad_usage(cmd, "%s needs a value", o);
        int c = common_option(cmd, o, val, cfg, outs, cpu);
        if (c == 0)
            return bad_usage(cmd, "unknown option '%s'", o);
        if (c > 1)
            return c - 10;
        if (given) {
            given[0] |= !strcmp(o, "--arch");
            given[1] |= !strcmp(o, "--max-cycles");
        }
    }
    return -1;
}

static int cmd_exec(int argc, char **argv)
{
    struct machine_config cfg = {
        .arch = default_arch(), .max_cycles = 10000000000ULL, .bare = true};
    const char *program = NULL, *cpu = NULL;
    struct outputs outs = {0};
    bool quiet = false;
    int prc = parse_file_command("exec", "program", usage_exec, argc, argv, &cfg, &outs, &cpu,
                                 &quiet, &program, NULL);
    if (prc >= 0)
        return prc;
    if (!program)
        return bad_usage("exec", "%s", "no PROGRAM.elf given");
    char why[400];
    size_t n;
    uint8_t *img = hf_read_input(program, PROGRAM_FILE_MAX, &n, why, sizeof why);
    if (!img) {
        fprintf(stderr, "ipcemu exec: %s\n", why);
        return EXIT_USAGE;
    }
    outs.inputs[0] = program;
    outs.inputs[1] = cpu;
    int rc;
    if (machine_check_elf(cfg.arch, img, n, cfg.ram_size, why, sizeof why) != 0) {
        fprintf(stderr, "ipcemu exec: %s: %s\n", program, why);
        rc = EXIT_USAGE;
    } else {
        struct tm_profile prof;
        rc = load_cpu("exec", cpu, &cfg, &prof);
        if (rc == 0) {
            rc = run_image("exec", &cfg, img, n, &outs, quiet, program, NULL);
            if (cfg.profile)
                tm_profile_free(&prof);
        }
    }
    free(img);
    return rc;
}

static int cmd_selftest(int argc, char **argv)
{
    int first = 0, last = EMU_ARCH_COUNT - 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage_selftest(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--arch")) {
            const char *v = opt_value(argc, argv, &i);
            if (!v)
                return bad_usage("selftest", "%s needs a value", "--arch");
            if (strcmp(v, "all") != 0) {
                const struct emu_arch *a = emu_arch_by_name(v);
                if (!a)
                    return bad_usage(
                        "selftest", "unknown architecture '%s' (x86_64, aarch64, riscv64, all)", v);
                if (!machine_arch_get(a->id))
                    return bad_usage("selftest", "architecture '%s' is not built into this ipcemu",
                                     v);
                first = last = (int)a->id;
            }
        } else {
            return bad_usage("selftest", "unknown argument '%s'", argv[i]);
        }
    }
    bool ok = true;
    for (int a = first; a <= last; a++)
        if (machine_arch_get((enum emu_arch_id)a))
            ok = selftest_one((enum emu_arch_id)a, true) && ok;
    return ok ? EXIT_OK : EXIT_RAN_NOT_OK;
}

static int cmd_boot(int argc, char **argv)
{
    struct machine_config cfg = {
        .arch = default_arch(), .max_cycles = 2000000000ULL, .seed = 1, .demo = BOOT_DEMO_HELLO};
    const char *cpu = NULL;
    struct outputs outs = {0};
    bool quiet = false;
    uint64_t v;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *val;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage_boot(stdout);
            return EXIT_OK;
        } else if (!strcmp(o, "--quiet") || !strcmp(o, "-q")) {
            quiet = true;
            continue;
        } else if (!strcmp(o, "--exact-caches")) {
            cfg.exact_caches = true;
            continue;
        }
        if (strncmp(o, "--", 2) != 0)
            return bad_usage("boot", "unexpected argument '%s'", o);
        if (!(val = opt_value(argc, argv, &i)))
            return bad_usage("boot", "%s needs a value", o);
        int c = common_option("boot", o, val, &cfg, &outs, &cpu);
        if (c > 1)
            return c - 10;
        if (c == 1)
            continue;
        if (!strcmp(o, "--quantum")) {
            if (option_number("boot", o, val, TRC_SET_QUANTUM, &cfg.quantum) != 0)
                return EXIT_USAGE;
        } else if (!strcmp(o, "--ram-mib")) {
            if (option_number("boot", o, val, TRC_SET_RAM_MIB, &v) != 0)
                return EXIT_USAGE;
            cfg.ram_size = v << 20;
        } else if (!strcmp(o, "--cap-cache")) {
            if (option_number("boot", o, val, TRC_SET_CAP_CACHE, &v) != 0)
                return EXIT_USAGE;
            cfg.cap_cache_lines = (uint32_t)v;
        } else if (!strcmp(o, "--seed")) {
            if (option_number("boot", o, val, TRC_SET_SEED, &cfg.seed) != 0)
                return EXIT_USAGE;
        } else if (!strcmp(o, "--demo")) {
            unsigned d = 0;
            while (d < BOOT_DEMO_COUNT && (!demo_names[d] || strcmp(demo_names[d], val) != 0))
                d++;
            if (d == BOOT_DEMO_COUNT)
                return bad_usage("boot", "unknown demo '%s' (hello, spin, storm, wild, ipc)", val);
            cfg.demo = d;
        } else {
            return bad_usage("boot", "unknown option '%s'", o);
        }
    }
    size_t n;
    const uint8_t *img = machine_image(cfg.arch, MACHINE_IMAGE_KERNEL, &n);
    if (!img) {
        fprintf(stderr, "ipcemu boot: no kernel image was built for %s\n",
                emu_arch_get(cfg.arch)->name);
        return EXIT_RAN_NOT_OK;
    }
    outs.inputs[0] = cpu;
    struct tm_profile prof;
    int rc = load_cpu("boot", cpu, &cfg, &prof);
    if (rc != 0)
        return rc;
    rc = run_image("boot", &cfg, img, n, &outs, quiet, NULL, NULL);
    if (cfg.profile)
        tm_profile_free(&prof);
    return rc;
}

static void usage_run(FILE *out)
{
    fputs("usage: ipcemu run SCENARIO [--arch A] [--cpu P] [--report FILE] [--perfetto FILE]\n"
          "                  [--csv FILE] [--trace FILE] [--view] [--max-cycles N] [--quiet]\n"
          "                  [--exact-caches]\n"
          "\n"
          "Runs a JSON scenario (docs/scenarios.md) on the kernel: its processes, their\n"
          "message workloads, the capabilities they start with; then checks its\n"
          "expectations. A scenario with an error gets one line naming the file, line,\n"
          "column and JSON path, and exit status 2.\n"
          "\n"
          "  --arch A          x86_64 | aarch64 | riscv64 (default: the scenario's, else\n"
          "                    x86_64)\n"
          "  --cpu P           CPU profile (default: the scenario's, else the arch's)\n"
          "  --report FILE     write the JSON report to FILE\n"
          "  --perfetto FILE   write a Chrome/Perfetto trace (ui.perfetto.dev): a track per\n"
          "                    process, running and blocked slices, an arrow per message\n"
          "  --csv FILE        write every event as CSV\n"
          "  --trace FILE      write the binary trace `ipcemu replay` and `ipcemu diff` read\n"
          "  --view            then show the run in the timeline window (`ipcemu view`)\n"
          "  --max-cycles N    stop with outcome max_cycles at N cycles (default: the\n"
          "                    scenario's limits.max_cycles, else 2000000000)\n"
          "  --quiet           print neither the guest console nor the summary\n"
          "  --exact-caches    simulate every data access (no sampling)\n",
          out);
}

static int cmd_run(int argc, char **argv)
{
    struct machine_config cfg = {.arch = default_arch(), .demo = BOOT_DEMO_SCENARIO};
    const char *cpu = NULL, *path = NULL;
    struct outputs outs = {0};
    bool quiet = false, given[2] = {false, false}; /* --arch, --max-cycles */
    int prc = parse_file_command("run", "scenario", usage_run, argc, argv, &cfg, &outs, &cpu,
                                 &quiet, &path, given);
    if (prc >= 0)
        return prc;
    bool arch_given = given[0], cycles_given = given[1];
    if (!path)
        return bad_usage("run", "%s", "no SCENARIO given");
    struct scn scn;
    char err[600];
    size_t len;
    /* a regular file only: a FIFO or a directory is refused at once */
    uint8_t *text = hf_read_input(path, SCENARIO_FILE_MAX, &len, err, sizeof err);
    if (!text) {
        fprintf(stderr, "ipcemu run: %s\n", err);
        return EXIT_USAGE;
    }
    int lrc = scn_load_text(path, (const char *)text, len, &scn, err, sizeof err);
    free(text);
    if (lrc != 0) {
        fprintf(stderr, "ipcemu run: %s\n", err);
        return EXIT_USAGE;
    }
    outs.inputs[0] = path;
    if (!arch_given && scn.arch[0]) {
        const struct emu_arch *a = emu_arch_by_name(scn.arch);
        if (!machine_arch_get(a->id)) {
            fprintf(stderr, "ipcemu run: %s: machine.arch: %s is not built into this ipcemu\n",
                    path, scn.arch);
            scn_free(&scn);
            return EXIT_USAGE;
        }
        cfg.arch = a->id;
    }
    if (!cpu && scn.cpu[0])
        cpu = scn.cpu;
    outs.inputs[1] = cpu;
    if (!cycles_given)
        cfg.max_cycles = scn.max_cycles ? scn.max_cycles : 2000000000ULL;
    cfg.seed = scn.seed;
    cfg.quantum = scn.quantum;
    cfg.cap_cache_lines = scn.cap_cache;
    cfg.exact_caches |= scn.exact_caches;
    cfg.scenario = scn.blob;
    cfg.scenario_size = scn.blob_size;
    size_t n;
    const uint8_t *img = machine_image(cfg.arch, MACHINE_IMAGE_KERNEL, &n);
    /* --view without --trace: a trace in a temporary file, for the viewer */
    char tmp[4096] = "";
    if (outs.view && !outs.trace) {
        const char *dir = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/ipcemu-view-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(tmp);
        if (fd < 0) {
            fprintf(stderr, "ipcemu run: --view: cannot make a temporary trace: %s\n",
                    strerror(errno));
            scn_free(&scn);
            return EXIT_USAGE;
        }
        close(fd);
        outs.trace = tmp;
    }
    struct tm_profile prof;
    int rc = load_cpu("run", cpu, &cfg, &prof);
    if (rc == 0) {
        rc = run_image("run", &cfg, img, n, &outs, quiet, NULL, &scn);
        if (cfg.profile)
            tm_profile_free(&prof);
    }
    scn_free(&scn);
    if (outs.view && rc != EXIT_USAGE) {
        /* the run's exit status stands unless the window cannot open */
        char *vargv[] = {"view", (char *)outs.trace, NULL};
        if (ui_view_main(2, vargv) != 0)
            rc = EXIT_USAGE;
    }
    if (tmp[0])
        unlink(tmp);
    return rc;
}

static int cmd_replay(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs("usage: ipcemu replay TRACE\n"
              "\n"
              "Re-runs the run a trace recorded (`ipcemu run|boot|exec --trace TRACE`): the\n"
              "same scenario or program (from the trace), architecture, CPU profile and\n"
              "settings. Prints \"identical\" when every event, the console and the content\n"
              "hash match (exit 0), else the first event that differs (exit 1). A bad trace\n"
              "file, or a setting in it the command line would refuse, exits 2.\n",
              stdout);
        return EXIT_OK;
    }
    if (argc != 2)
        return bad_usage("replay", "%s", "one TRACE file, please");
    struct trc_file_meta meta;
    struct trc_log rec;
    char err[600], name[300], shown[700], build[128];
    hf_printable(argv[1], strlen(argv[1]), name, sizeof name);
    if (trc_file_read(argv[1], &meta, &rec, err, sizeof err) != 0) {
        fprintf(stderr, "ipcemu replay: %s\n", err);
        return EXIT_USAGE;
    }
    int rc = EXIT_USAGE;
    const struct emu_arch *a = emu_arch_by_name(meta.arch);
    struct machine_config cfg = {.max_cycles = meta.max_cycles,
                                 .seed = meta.seed,
                                 .quantum = meta.quantum,
                                 .ram_size = meta.ram,
                                 .cap_cache_lines = meta.cap_cache,
                                 .demo = meta.demo,
                                 .exact_caches = meta.exact_caches};
    struct scn scn;
    bool have_scn = false, exec = !strcmp(meta.kind, "exec"), run = !strcmp(meta.kind, "run");
    struct tm_profile prof;
    /* what the trace says, made safe to print */
#define SHOWN(s) hf_printable((s), strlen(s), shown, sizeof shown)
    if (!a || !machine_arch_get(a->id)) {
        fprintf(stderr, "ipcemu replay: %s: setting arch=%s: not an architecture of this ipcemu\n",
                name, SHOWN(meta.arch));
        goto out;
    }
    cfg.arch = a->id;
    /* the demo a kind of run has: a scenario's, none for a program, else a
     * named one */
    if (run    ? meta.demo != BOOT_DEMO_SCENARIO
        : exec ? meta.demo != 0
               : meta.demo >= BOOT_DEMO_COUNT || !demo_names[meta.demo]) {
        fprintf(stderr, "ipcemu replay: %s: setting demo=%u: not %s\n", name, meta.demo,
                run    ? "the number of a scenario's run"
                : exec ? "0 (a program has no demo)"
                       : "the number of a demo (hello, spin, storm, wild, ipc)");
        goto out;
    }
    build_id(cfg.arch, build, sizeof build);
    if (strcmp(build, meta.build) != 0)
        fprintf(stderr, "ipcemu replay: warning: recorded by %s, this is %s\n", SHOWN(meta.build),
                build);
    char path[sizeof meta.scenario_path * 4];
    hf_printable(meta.scenario_path, strlen(meta.scenario_path), path, sizeof path);
    if (run) {
        if (scn_load_text(path, meta.scenario, meta.scenario_len, &scn, err, sizeof err) != 0) {
            fprintf(stderr, "ipcemu replay: %s: the recorded scenario: %s\n", name, SHOWN(err));
            goto out;
        }
        have_scn = true;
        cfg.scenario = scn.blob;
        cfg.scenario_size = scn.blob_size;
    } else if (exec) {
        cfg.bare = true;
        if (machine_check_elf(cfg.arch, (const uint8_t *)meta.scenario, meta.scenario_len,
                              cfg.ram_size, err, sizeof err) != 0) {
            fprintf(stderr, "ipcemu replay: %s: the recorded program %s: %s\n", name, path,
                    SHOWN(err));
            goto out;
        }
    }
    char label[sizeof name + 20];
    snprintf(label, sizeof label, "%s: setting cpu", name);
    if ((rc = load_cpu_from("replay", label, meta.cpu, &cfg, &prof)) != 0)
        goto out;
#undef SHOWN
    size_t n;
    const uint8_t *img = machine_image(cfg.arch, MACHINE_IMAGE_KERNEL, &n);
    if (exec) {
        img = (const uint8_t *)meta.scenario;
        n = meta.scenario_len;
    }
    struct outputs outs = {.replay_meta = &meta, .replay_log = &rec};
    rc = run_image("replay", &cfg, img, n, &outs, true, exec ? path : NULL, have_scn ? &scn : NULL);
    if (cfg.profile)
        tm_profile_free(&prof);
out:
    if (have_scn)
        scn_free(&scn);
    trc_file_meta_free(&meta);
    trc_log_free(&rec);
    return rc;
}

/* Prints the per-path comparison of two logs. */
static void diff_paths(const struct trc_log *a, const struct trc_log *b)
{
    printf("   path                   count A  count B  median A  median B   change\n");
    for (unsigned i = 0; i < TRC_PATH_COUNT; i++) {
        struct trc_path_stats x = {0}, y = {0};
        bool hx = trc_path_stats(a, i, &x), hy = trc_path_stats(b, i, &y);
        if (!hx && !hy)
            continue;
        char change[24] = "";
        if (hx && hy && x.median)
            snprintf(change, sizeof change, "%+.1f%%",
                     100.0 * ((double)y.median - (double)x.median) / (double)x.median);
        printf("   %-20s %9llu %8llu %9llu %9llu %8s\n", trc_path_name(i),
               (unsigned long long)x.count, (unsigned long long)y.count,
               (unsigned long long)x.median, (unsigned long long)y.median, change);
    }
}

/* "A: FILE: run SCENARIO on ARCH (CPU), N events, C cycles, hash H". */
static void trace_line(const char *label, const char *path, const struct trc_file_meta *m,
                       const struct trc_log *log)
{
    /* every text from a trace escaped: it cannot drive the terminal */
    char p[300], what[sizeof m->scenario_path * 4], arch[sizeof m->arch * 4],
        cpu[sizeof m->cpu * 4];
    const char *w = m->scenario_path[0] ? m->scenario_path : "demo";
    printf("%s: %s: %s %s on %s (%s), %zu events, %llu cycles, hash %016llx\n", label,
           hf_printable(path, strlen(path), p, sizeof p), m->kind,
           hf_printable(w, strlen(w), what, sizeof what),
           hf_printable(m->arch, strlen(m->arch), arch, sizeof arch),
           hf_printable(m->cpu, strlen(m->cpu), cpu, sizeof cpu), log->nev,
           (unsigned long long)m->cycles, (unsigned long long)m->hash);
}

static int cmd_diff(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs("usage: ipcemu diff TRACE_A TRACE_B\n"
              "\n"
              "Compares two traces: prints the first event that differs and, path by path,\n"
              "the counts and median cycles of both. Exit 0 when they are identical, 1 when\n"
              "they differ, 2 when a file is not a trace.\n",
              stdout);
        return EXIT_OK;
    }
    if (argc != 3)
        return bad_usage("diff", "%s", "two TRACE files, please");
    struct trc_file_meta ma, mb;
    struct trc_log la, lb;
    char err[600];
    if (trc_file_read(argv[1], &ma, &la, err, sizeof err) != 0) {
        fprintf(stderr, "ipcemu diff: %s\n", err);
        return EXIT_USAGE;
    }
    if (trc_file_read(argv[2], &mb, &lb, err, sizeof err) != 0) {
        fprintf(stderr, "ipcemu diff: %s\n", err);
        trc_file_meta_free(&ma);
        trc_log_free(&la);
        return EXIT_USAGE;
    }
    trace_line("A", argv[1], &ma, &la);
    trace_line("B", argv[2], &mb, &lb);
    size_t at = first_divergence(&la, &lb);
    int rc = EXIT_OK;
    if (at == SIZE_MAX && ma.hash == mb.hash) {
        printf("identical\n");
    } else {
        rc = EXIT_RAN_NOT_OK;
        char a[200] = "(A ended)", b[200] = "(B ended)";
        if (at == SIZE_MAX) {
            printf("the same events; the console output differs\n");
        } else {
            if (at < la.nev)
                event_text(&la, &la.ev[at], a, sizeof a);
            if (at < lb.nev)
                event_text(&lb, &lb.ev[at], b, sizeof b);
            printf("first difference at event %zu\n  A: %s\n  B: %s\n", at, a, b);
        }
    }
    diff_paths(&la, &lb);
    trc_file_meta_free(&ma);
    trc_file_meta_free(&mb);
    trc_log_free(&la);
    trc_log_free(&lb);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage_short(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "boot"))
        return cmd_boot(argc - 1, argv + 1);
    if (!strcmp(cmd, "selftest"))
        return cmd_selftest(argc - 1, argv + 1);
    if (!strcmp(cmd, "exec"))
        return cmd_exec(argc - 1, argv + 1);
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "replay"))
        return cmd_replay(argc - 1, argv + 1);
    if (!strcmp(cmd, "diff"))
        return cmd_diff(argc - 1, argv + 1);
    if (!strcmp(cmd, "view"))
        return ui_view_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage_main(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        unsigned major, minor;
        uc_version(&major, &minor);
        printf("ipcemu %s (unicorn %u.%u)\n", IPCEMU_VERSION, major, minor);
        return EXIT_OK;
    }
    fprintf(stderr, "ipcemu: unknown command '%s' (see `ipcemu --help`)\n", cmd);
    return EXIT_USAGE;
}
