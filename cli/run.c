/* cli/run.c: `ipcemu run` (a scenario), `ipcemu replay` (a recorded
 * trace, run again and compared) and what every command that runs an
 * image shares: the outputs checked before the run, progress on a
 * terminal, the summary, the report and trace files, the replay verdict. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "machine/student.h"
#include "tracer/diff.h"
#include "tracer/export.h"
#include "tracer/report.h"
#include "ui/window.h"
#include "util/hostfile.h"

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
static int check_outputs(const char *cmd, const struct cli_outputs *outs)
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

/* The build a trace records: ipcemu's version, the engine's and the
 * kernel's hash ("ipcemu 0.1.0 unicorn 2.1.1 kernel 0123..."). */
static void build_id(enum emu_arch_id arch, char *out, size_t n)
{
    size_t len;
    const uint8_t *img = machine_image(arch, MACHINE_IMAGE_KERNEL, &len);
    uint64_t h = img ? hf_fnv1a(img, len, HF_FNV_INIT) : HF_FNV_INIT;
    char uc[32];
    emu_engine_version_text(uc, sizeof uc);
    snprintf(out, n, "ipcemu %s unicorn %s kernel %016llx", IPCEMU_VERSION, uc,
             (unsigned long long)h);
}

/* Returns whether the build string `build` a trace recorded names the
 * Unicorn this ipcemu runs on. Writes the one it names into was[n] (the
 * word after "unicorn ", or "an unnamed version" for a trace recorded
 * before builds named it: they ran on Unicorn 2.0.1) and this one into
 * now[n]. */
static bool same_engine(const char *build, char *was, size_t wn, char *now, size_t nn)
{
    const char *p = strstr(build, " unicorn ");
    if (!p) {
        snprintf(was, wn, "an unnamed version (2.0.1 or older)");
    } else {
        p += strlen(" unicorn ");
        size_t len = strcspn(p, " ");
        snprintf(was, wn, "%.*s", (int)(len < 31 ? len : 31), p);
    }
    emu_engine_version_text(now, nn);
    return !strcmp(was, now);
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

/* Sets a kernel boot's trace source from the environment's
 * IPCEMU_TRACE_SOURCE (kernel, probes or none; for tests, docs/machine.md)
 * unless the command line chose one. Returns 0, or EXIT_USAGE after
 * printing why (a bad value; --trace or --view without kernel events). */
static int trace_source_from_env(const char *cmd, struct machine_config *cfg,
                                 const struct cli_outputs *outs)
{
    if (cfg->bare)
        return 0;
    const char *env = getenv("IPCEMU_TRACE_SOURCE");
    if (cfg->trace_source == MACHINE_TRACE_DEFAULT && env && *env) {
        static const enum machine_trace_source all[] = {MACHINE_TRACE_KERNEL, MACHINE_TRACE_PROBES,
                                                        MACHINE_TRACE_NONE};
        size_t i = 0;
        while (i < 3 && strcmp(env, machine_trace_source_name(all[i])) != 0)
            i++;
        if (i == 3) {
            char p[100];
            fprintf(stderr, "ipcemu %s: IPCEMU_TRACE_SOURCE '%s': not kernel, probes or none\n",
                    cmd, hf_printable(env, strlen(env), p, sizeof p));
            return EXIT_USAGE;
        }
        cfg->trace_source = all[i];
    }
    if (cfg->trace_source == MACHINE_TRACE_NONE && outs->trace && !outs->replay_log) {
        fprintf(stderr,
                "ipcemu %s: --no-probes records no kernel events: --trace and --view "
                "would have nothing to replay or show\n",
                cmd);
        return EXIT_USAGE;
    }
    return 0;
}

int cli_run_image(const char *cmd, struct machine_config *cfg, const uint8_t *img, size_t n,
                  const struct cli_outputs *outs, bool quiet, const char *program,
                  const struct scn *scn)
{
    if (check_outputs(cmd, outs) != 0 || trace_source_from_env(cmd, cfg, outs) != 0)
        return EXIT_USAGE;
    int rc = EXIT_RAN_NOT_OK;
    if (!cli_selftest_one(cfg->arch, false))
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
        bool no_events = !cfg->bare && m.cfg.trace_source == MACHINE_TRACE_NONE;
        if (scn) {
            char cwhy[sizeof m.why];
            held = (no_events ? scn_check_no_events : scn_check)(scn, &log, m.core.cycles,
                                                                 machine_outcome_name(o), &verdict,
                                                                 cwhy, sizeof cwhy) == 0;
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
        /* The machine's totals: with several cores, every core's charges,
         * timing counters and attribution added up (each core's own
         * figures are in the report's "cores") */
        struct trc_kv breakdown[EMU_CHARGE_COUNT], counters[16];
        for (unsigned k = 0; k < EMU_CHARGE_COUNT; k++)
            breakdown[k] = (struct trc_kv){emu_charge_name((enum emu_charge)k), 0};
        unsigned ncounters = 0;
        for (unsigned id = 0; id < m.cfg.ncores; id++) {
            const struct emu_core *c = machine_core(&m, id);
            for (unsigned k = 0; k < EMU_CHARGE_COUNT; k++)
                breakdown[k].value += c->charged[k];
            if (!c->timing)
                continue;
            const struct tm_stats *st = tm_state_stats(c->timing);
            const struct trc_kv all[] = {
                {"l1i_accesses", st->l1i_access},  {"l1i_misses", st->l1i_miss},
                {"l1d_accesses", st->l1d_access},  {"l1d_misses", st->l1d_miss},
                {"l2_accesses", st->l2_access},    {"l2_misses", st->l2_miss},
                {"tlb_accesses", st->tlb_access},  {"tlb_misses", st->tlb_miss},
                {"branches", st->branches},        {"mispredicts", st->mispredicts},
                {"as_switches", st->as_switches},  {"mmio_accesses", st->mmio},
                {"sampling_windows", st->windows},
            };
            _Static_assert(sizeof all / sizeof all[0] <= sizeof counters / sizeof counters[0],
                           "counters holds every timing counter");
            ncounters = sizeof all / sizeof all[0];
            for (unsigned i = 0; i < ncounters; i++)
                counters[i] =
                    (struct trc_kv){all[i].name, (id ? counters[i].value : 0) + all[i].value};
        }
        uint64_t *attr = m.attr;
        size_t nslots = m.attr ? MACHINE_SLOTS(&m) : 0;
        if (m.attr && m.cfg.ncores > 1 && (attr = calloc(nslots, sizeof *attr)) != NULL)
            for (unsigned id = 0; id < m.cfg.ncores; id++)
                for (size_t i = 0; i < nslots; i++)
                    attr[i] += m.attr[id * nslots + i];
        struct trc_core_info cores[MACHINE_MAX_CORES];
        for (unsigned k = 0; k < m.cfg.ncores; k++) {
            const struct emu_core *c = machine_core(&m, k);
            const uint64_t *at = m.attr ? m.attr + k * MACHINE_SLOTS(&m) : NULL;
            cores[k] = (struct trc_core_info){
                .cycles = c->cycles,
                .idle = c->charged[EMU_CHARGE_IDLE],
                .split = at != NULL,
                .user = at ? at[MACHINE_SLOT_USER(&m)] : 0,
                .kernel =
                    at ? c->cycles - at[MACHINE_SLOT_USER(&m)] - at[MACHINE_SLOT_IDLE(&m)] : 0,
            };
            machine_core_figures(&m, k, &cores[k]);
        }
        char uc_version[32], cs_version[32];
        emu_engine_version_text(uc_version, sizeof uc_version);
        emu_decoder_version_text(cs_version, sizeof cs_version);
        struct trc_run_info run = {
            .arch = m.arch->cpu->name,
            .cpu = cfg->profile ? cfg->profile->name : "flat",
            .unicorn = uc_version,
            .capstone = cs_version,
            .breakdown = breakdown,
            .nbreakdown = EMU_CHARGE_COUNT,
            .counters = counters,
            .ncounters = ncounters,
            .attr_names = (const char *const *)m.attr_names,
            .attr = attr,
            .nattr = attr ? nslots : 0,
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
            .trace_source = cfg->bare ? NULL : machine_trace_source_name(m.cfg.trace_source),
            .no_kernel_events = no_events,
            .cores = cores,
            .ncores = m.cfg.ncores,
        };
        /* `replay` prints the run's summary too, before its verdict */
        if (!quiet || outs->replay_log)
            trc_report_print(stdout, &run, &log);
        rc = status;
        char err[600];
        if (scn && outs->snap && !no_events)
            scn_snap_take(scn, outs->run_index, &log, m.core.cycles, outs->snap);
        if (outs->report_json)
            *outs->report_json = trc_report_json(&run, &log);
        else if (outs->report && trc_report_write(outs->report, &run, &log, err, sizeof err) != 0) {
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
                .cap_cache =
                    cfg->cap_cache_lines ? cfg->cap_cache_lines : MACHINE_CAP_CACHE_DEFAULT,
                .demo = cfg->demo,
                .cores = m.cfg.ncores,
                .core_quantum = m.cfg.core_quantum,
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
            if (outs->toolchain && outs->toolchain[0]) /* a replay compiles them again */
                snprintf(meta.build + strlen(meta.build), sizeof meta.build - strlen(meta.build),
                         " students %s", outs->toolchain);
            if (trc_file_write(outs->trace, &meta, &log, err, sizeof err) != 0) {
                fprintf(stderr, "ipcemu %s: --trace: %s\n", cmd, err);
                rc = EXIT_USAGE;
            }
        }
        if (outs->replay_log) {
            /* `replay`: the same events, console and hash as recorded? */
            char hash[17], a[200], b[200];
            trc_log_hash_hex(&log, hash);
            size_t at = trc_diff_first(outs->replay_log, &log);
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
                char was[40], now[40];
                if (!same_engine(rm->build, was, sizeof was, now, sizeof now))
                    printf("replay: not the same run: recorded on Unicorn %s, replayed on Unicorn "
                           "%s, and another engine version runs the guest differently\n",
                           was, now);
                else if (at == SIZE_MAX && log.hash == rm->hash)
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
                        trc_event_text(outs->replay_log, &outs->replay_log->ev[at], a, sizeof a);
                    else
                        snprintf(a, sizeof a, "(the recorded run ended)");
                    if (at < log.nev)
                        trc_event_text(&log, &log.ev[at], b, sizeof b);
                    else
                        snprintf(b, sizeof b, "(this run ended)");
                    printf("replay: diverged at event %zu\n  recorded: %s\n  now:      %s\n", at, a,
                           b);
                }
                rc = EXIT_RAN_NOT_OK;
            }
        }
        if (attr != m.attr)
            free(attr);
    }
    machine_destroy(&m);
    trc_log_free(&log);
    return rc;
}

static void usage_run(FILE *out)
{
    fputs(
        "usage: ipcemu run SCENARIO [--arch A] [--cpu P] [--report FILE] [--perfetto FILE]\n"
        "                  [--csv FILE] [--trace FILE] [--view] [--max-cycles N] [--quiet]\n"
        "                  [--exact-caches] [--no-probes] [--run NAME] [--cores N]\n"
        "                  [--core-quantum N]\n"
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
        "  --exact-caches    simulate every data access (no sampling)\n"
        "  --run NAME        a scenario with named runs: only that one (default: each in\n"
        "                    turn, then the comparisons between them; --trace, --perfetto,\n"
        "                    --csv and --view show the first)\n" CLI_HELP_NO_PROBES CLI_HELP_CORES,
        out);
}

/* Compiles the students' programs of `scn` (machine/student.h) into *sb
 * and hands them to cfg. Returns 0, or EXIT_USAGE after printing why
 * (the compiler's own messages come first). */
static int cli_students(const char *cmd, const char *path, struct scn *scn,
                        struct machine_config *cfg, const uint8_t *kernel, size_t kn,
                        struct student_build *sb)
{
    char err[1200];
    if (student_build(scn, cfg->arch, kernel, kn, sb, err, sizeof err) != STUDENT_OK) {
        fprintf(stderr, "ipcemu %s: %s: %s\n", cmd, path, err);
        return EXIT_USAGE;
    }
    cfg->user_images = sb->images;
    cfg->nuser_images = sb->n;
    return 0;
}

/* `ipcemu run SCENARIO`. Returns the exit status. */
int cli_run(int argc, char **argv)
{
    struct machine_config cfg = {.arch = cli_default_arch(), .demo = BOOT_DEMO_SCENARIO};
    const char *cpu = NULL, *path = NULL;
    struct cli_outputs outs = {0};
    bool quiet = false, given[2] = {false, false}; /* --arch, --max-cycles */
    /* --run NAME is run's own: taken out before the common options */
    const char *only = NULL;
    char **args = calloc((size_t)argc + 1, sizeof *args);
    int nargs = 0;
    if (!args)
        return EXIT_USAGE;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !strcmp(argv[i], "--run") && i + 1 < argc && !only)
            only = argv[++i];
        else if (i > 0 && !strcmp(argv[i], "--run")) {
            free(args);
            return cli_bad_usage("run", "%s", only ? "--run given twice" : "--run needs a value");
        } else
            args[nargs++] = argv[i];
    }
    int prc = cli_parse_file_command("run", "scenario", usage_run, nargs, args, &cfg, &outs, &cpu,
                                     &quiet, &path, given);
    free(args);
    if (prc >= 0)
        return prc;
    bool arch_given = given[0], cycles_given = given[1];
    if (!path)
        return cli_bad_usage("run", "%s", "no SCENARIO given");
    struct scn scn;
    char err[600];
    size_t len;
    /* a regular file only: a FIFO or a directory is refused at once */
    uint8_t *text = hf_read_input(path, SCN_FILE_MAX, &len, err, sizeof err);
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
    struct student_build sb = {0};
    int rc = 0;
    if (only && !scn.nruns) {
        char shown[200];
        fprintf(stderr, "ipcemu run: --run %s: %s has no \"runs\"\n",
                hf_printable(only, strlen(only), shown, sizeof shown), path);
        rc = EXIT_USAGE;
    } else if ((rc = cli_students("run", path, &scn, &cfg, img, n, &sb)) != 0) {
        /* the compiler's messages are out */
    } else if (scn.nruns) {
        outs.toolchain = sb.toolchain;
        rc = cli_run_runs(&scn, &cfg, cpu, only, &outs, quiet);
    } else if ((rc = cli_load_cpu("run", cpu, &cfg, &prof)) == 0) {
        outs.toolchain = sb.toolchain;
        if (!cfg.ncores) /* --cores overrides machine.cores */
            cfg.ncores = scn.cores;
        if (!cfg.core_quantum) /* and --core-quantum machine.core_quantum */
            cfg.core_quantum = scn.core_quantum;
        rc = cli_run_image("run", &cfg, img, n, &outs, quiet, NULL, &scn);
        if (cfg.profile)
            tm_profile_free(&prof);
    }
    student_build_free(&sb);
    scn_free(&scn);
    if (outs.view && rc != EXIT_USAGE) {
        /* the run's exit status stands unless the window cannot open */
        char *vargv[] = {"view", (char *)outs.trace, NULL};
        if (cli_view(2, vargv) != 0)
            rc = EXIT_USAGE;
    }
    if (tmp[0])
        unlink(tmp);
    return rc;
}

/* `ipcemu replay TRACE`. Returns the exit status. */
int cli_replay(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs("usage: ipcemu replay TRACE\n"
              "\n"
              "Re-runs the run a trace recorded (`ipcemu run|boot|exec --trace TRACE`): the\n"
              "same scenario or program (from the trace), architecture, CPU profile and\n"
              "settings. Prints the run's summary as `run` does (its outcome, expectations,\n"
              "cycles, messages, paths, processes; not the guest's console), then the\n"
              "verdict: \"identical\" when every event, the console and the content hash\n"
              "match (exit 0, whatever the run's outcome), else the first event that\n"
              "differs (exit 1). A bad trace file, or a setting in it the command line\n"
              "would refuse, exits 2.\n",
              stdout);
        return EXIT_OK;
    }
    if (argc != 2)
        return cli_bad_usage("replay", "%s", "one TRACE file, please");
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
                                 .exact_caches = meta.exact_caches,
                                 .ncores = meta.cores,
                                 .core_quantum = meta.core_quantum};
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
               : meta.demo >= BOOT_DEMO_COUNT || !cli_demo_names[meta.demo]) {
        fprintf(stderr, "ipcemu replay: %s: setting demo=%u: not %s\n", name, meta.demo,
                run    ? "the number of a scenario's run"
                : exec ? "0 (a program has no demo)"
                       : "the number of a demo (hello, spin, storm, wild, ipc)");
        goto out;
    }
    build_id(cfg.arch, build, sizeof build);
    char was[40], now[40];
    /* the students' toolchain, if any, is checked once they are compiled */
    const char *students = strstr(meta.build, " students ");
    size_t blen = students ? (size_t)(students - meta.build) : strlen(meta.build);
    if ((strlen(build) != blen || strncmp(build, meta.build, blen) != 0) &&
        same_engine(meta.build, was, sizeof was, now, sizeof now))
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
    if ((rc = cli_load_cpu_from("replay", label, meta.cpu, &cfg, &prof)) != 0)
        goto out;
    size_t n;
    const uint8_t *img = machine_image(cfg.arch, MACHINE_IMAGE_KERNEL, &n);
    if (exec) {
        img = (const uint8_t *)meta.scenario;
        n = meta.scenario_len;
    }
    struct cli_outputs outs = {.replay_meta = &meta, .replay_log = &rec};
    struct student_build sb = {0};
    if (have_scn && (rc = cli_students("replay", path, &scn, &cfg, img, n, &sb)) == 0)
        outs.toolchain = sb.toolchain;
    if (rc == 0 && students && strcmp(students + 10, sb.toolchain) != 0)
        fprintf(stderr,
                "ipcemu replay: warning: the students' programs were compiled by %s, now by %s\n",
                SHOWN(students + 10), sb.toolchain[0] ? sb.toolchain : "nothing");
#undef SHOWN
    if (rc == 0)
        rc = cli_run_image("replay", &cfg, img, n, &outs, true, exec ? path : NULL,
                           have_scn ? &scn : NULL);
    student_build_free(&sb);
    if (cfg.profile)
        tm_profile_free(&prof);
out:
    if (have_scn)
        scn_free(&scn);
    trc_file_meta_free(&meta);
    trc_log_free(&rec);
    return rc;
}
