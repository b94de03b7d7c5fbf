/* machine/ipcemu.c: the `ipcemu` program: subcommands, options, exit
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

#include "machine/bootinfo.h"
#include "emu/timing.h"
#include "machine/machine.h"
#include "machine/memmap.h"
#include "machine/scenario.h"
#include "tracer/export.h"
#include "tracer/report.h"
#include "tracer/tracefile.h"
#include "ui/view.h"

#define EXIT_OK 0
#define EXIT_RAN_NOT_OK 1
#define EXIT_USAGE 2

#define IPCEMU_VERSION "0.1.0"

static const char *const demo_names[BOOT_DEMO_COUNT] = {
    [BOOT_DEMO_HELLO] = "hello", [BOOT_DEMO_SPIN] = "spin", [BOOT_DEMO_STORM] = "storm",
    [BOOT_DEMO_WILD] = "wild",   [BOOT_DEMO_IPC] = "ipc",
    /* BOOT_DEMO_SCENARIO has no name: `ipcemu run` selects it */
};

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
          "exit status: 0 ran and every expectation held; 1 ran but the outcome was not\n"
          "\"ok\" (fault, deadlock, max_cycles, failed expectation); 2 bad usage or input.\n",
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

/* Parses an unsigned decimal or 0x-hex number; returns false unless all of
 * `s` is a number in [min, max]. */
static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Prints one usage error naming the option, returns EXIT_USAGE. */
static int bad_usage(const char *cmd, const char *fmt, const char *what)
{
    fprintf(stderr, "ipcemu %s: ", cmd);
    fprintf(stderr, fmt, what);
    fprintf(stderr, " (see `ipcemu %s --help`)\n", cmd);
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
 * none, one cycle per instruction) into *p and points cfg at it. Returns 0,
 * or EXIT_USAGE after printing why. */
static int load_cpu(const char *cmd, const char *cpu, struct machine_config *cfg,
                    struct tm_profile *p)
{
    const struct emu_arch *arch = emu_arch_get(cfg->arch);
    if (!cpu)
        cpu = arch->default_cpu;
    if (!strcmp(cpu, "flat")) {
        cfg->profile = NULL;
        return 0;
    }
    char why[600];
    if (tm_profile_load(p, cpu, why, sizeof why) != 0) {
        fprintf(stderr, "ipcemu %s: --cpu: %s\n", cmd, why);
        return EXIT_USAGE;
    }
    if (strcmp(p->arch, arch->name) != 0) {
        fprintf(stderr, "ipcemu %s: --cpu: %s: profile \"%s\" is for %s, not %s\n", cmd, p->path,
                p->name, p->arch, arch->name);
        tm_profile_free(p);
        return EXIT_USAGE;
    }
    cfg->profile = p;
    return 0;
}

/* Where a run writes what it saw besides the console; for `replay`, the
 * recorded run to compare it with. */
struct outputs {
    const char *report, *perfetto, *csv, *trace;
    bool view; /* run: open the timeline on the trace afterwards */
    const struct trc_file_meta *replay_meta;
    const struct trc_log *replay_log;
};

/* "cycle 1234: ipc.send pid 2 (ping) 3 7 0 0". */
static void event_text(const struct trc_log *log, const struct trc_event *e, char *out, size_t n)
{
    const char *name = "";
    for (size_t k = 0; k < log->nprocs; k++)
        if (log->procs[k].pid == e->pid)
            name = log->procs[k].name;
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
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a->ev[i], &b->ev[i], sizeof a->ev[i]) != 0)
            return i;
    return a->nev == b->nev ? SIZE_MAX : n;
}

/* The build a trace records: ipcemu's version and the kernel's hash. */
static void build_id(enum emu_arch_id arch, char *out, size_t n)
{
    size_t len;
    const uint8_t *img = machine_image(arch, MACHINE_IMAGE_KERNEL, &len);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; img && i < len; i++)
        h = (h ^ img[i]) * 0x100000001b3ULL;
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
    const char *report = outs->report;
    FILE *report_file = NULL;
    if (report && !(report_file = fopen(report, "w"))) {
        fprintf(stderr, "ipcemu %s: cannot write report %s: %s\n", cmd, report, strerror(errno));
        return EXIT_USAGE;
    }
    int rc = EXIT_RAN_NOT_OK;
    if (!selftest_one(cfg->arch, false)) {
        if (report_file)
            fclose(report_file);
        return rc;
    }
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
        if (scn && o == MACHINE_OK && scn_check(scn, &log, m.core.cycles, m.why, sizeof m.why))
            o = MACHINE_EXPECT_FAILED;
        /* A scenario that expects its deadlock still ends "deadlock" (exit
         * 1); one that ended otherwise failed its expectation. */
        if (scn && scn->expect.deadlock && o != MACHINE_DEADLOCK && o != MACHINE_EXPECT_FAILED) {
            snprintf(m.why, sizeof m.why,
                     "expectation failed: the run should end in a deadlock; it ended %s",
                     machine_outcome_name(o));
            o = MACHINE_EXPECT_FAILED;
        }
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
            .exit_code = m.exit_code,
            .program = program,
            .scenario = scn ? scn->name : NULL,
        };
        if (!quiet)
            trc_report_print(stdout, &run, &log);
        rc = o == MACHINE_OK ? EXIT_OK : EXIT_RAN_NOT_OK;
        char err[300];
        if (report_file && trc_report_fwrite(report_file, &run, &log, err, sizeof err) != 0) {
            fprintf(stderr, "ipcemu %s: %s: %s\n", cmd, report, err);
            rc = EXIT_USAGE;
        }
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
                .cap_cache = cfg->cap_cache_lines,
                .demo = cfg->demo,
                .scenario = scn ? scn->source : NULL,
                .scenario_len = scn ? scn->source_len : 0,
                .hash = log.hash,
                .cycles = m.core.cycles,
                .instructions = m.core.instructions,
            };
            snprintf(meta.kind, sizeof meta.kind, "%s", scn ? "run" : "boot");
            snprintf(meta.arch, sizeof meta.arch, "%s", m.arch->cpu->name);
            snprintf(meta.cpu, sizeof meta.cpu, "%s", run.cpu);
            snprintf(meta.scenario_path, sizeof meta.scenario_path, "%s", scn ? scn->path : "");
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
            if (at == SIZE_MAX && log.hash == outs->replay_meta->hash) {
                printf("replay: identical: %zu events, %llu cycles, trace_hash %s\n", log.nev,
                       (unsigned long long)m.core.cycles, hash);
                /* a replay succeeds when it is the same run, whatever that
                 * run's outcome was (a deadlock scenario replays too) */
                if (rc != EXIT_USAGE)
                    rc = EXIT_OK;
            } else {
                if (at == SIZE_MAX)
                    printf("replay: the events are the same but the console or hash differs "
                           "(recorded %016llx, now %s)\n",
                           (unsigned long long)outs->replay_meta->hash, hash);
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
    if (report_file && fclose(report_file) != 0) {
        fprintf(stderr, "ipcemu %s: cannot write report %s: %s\n", cmd, report, strerror(errno));
        rc = EXIT_USAGE;
    }
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
        if (!parse_u64(val, 1, UINT64_MAX / 2, &cfg->max_cycles))
            return 10 + bad_usage(cmd, "--max-cycles '%s' is not a number >= 1", val);
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

/* Reads the whole file at `path` (at most 256 MiB) into a new buffer;
 * returns it with *n set, or NULL with the reason in why[wn]. */
static uint8_t *read_file(const char *path, size_t *n, char *why, size_t wn)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, wn, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            if (cap >= (256u << 20)) {
                snprintf(why, wn, "%s: larger than 256 MiB", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (k == 0)
            break;
    }
    if (!buf || ferror(f)) {
        snprintf(why, wn, "cannot read %s%s", path, buf ? "" : ": out of memory");
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *n = len;
    return buf;
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
    uint8_t *img = read_file(program, &n, why, sizeof why);
    if (!img) {
        fprintf(stderr, "ipcemu exec: %s\n", why);
        return EXIT_USAGE;
    }
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
            if (!parse_u64(val, 1000, 1000000000ULL, &cfg.quantum))
                return bad_usage("boot", "--quantum '%s' is not a number in 1000..1000000000", val);
        } else if (!strcmp(o, "--ram-mib")) {
            if (!parse_u64(val, MM_RAM_SIZE_MIN >> 20, MM_RAM_SIZE_MAX >> 20, &v))
                return bad_usage("boot", "--ram-mib '%s' is not a number in 16..1024", val);
            cfg.ram_size = v << 20;
        } else if (!strcmp(o, "--cap-cache")) {
            if (!parse_u64(val, 1, 65536, &v) || (v & (v - 1)))
                return bad_usage("boot", "--cap-cache '%s' is not a power of two in 1..65536", val);
            cfg.cap_cache_lines = (uint32_t)v;
        } else if (!strcmp(o, "--seed")) {
            if (!parse_u64(val, 0, UINT64_MAX, &cfg.seed))
                return bad_usage("boot", "--seed '%s' is not a number", val);
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
    if (scn_load_file(path, &scn, err, sizeof err) != 0) {
        fprintf(stderr, "ipcemu run: %s\n", err);
        return EXIT_USAGE;
    }
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
              "Re-runs the run a trace recorded (`ipcemu run|boot --trace TRACE`): the same\n"
              "scenario (from the trace), architecture, CPU profile and settings. Prints\n"
              "\"identical\" when every event, the console and the content hash match (exit\n"
              "0), else the first event that differs (exit 1). A bad trace file exits 2.\n",
              stdout);
        return EXIT_OK;
    }
    if (argc != 2)
        return bad_usage("replay", "%s", "one TRACE file, please");
    struct trc_file_meta meta;
    struct trc_log rec;
    char err[600];
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
    bool have_scn = false;
    struct tm_profile prof;
    char build[128];
    if (!a || !machine_arch_get(a->id)) {
        fprintf(stderr, "ipcemu replay: %s: architecture \"%s\" is not in this ipcemu\n", argv[1],
                meta.arch);
        goto out;
    }
    cfg.arch = a->id;
    build_id(cfg.arch, build, sizeof build);
    if (strcmp(build, meta.build) != 0)
        fprintf(stderr, "ipcemu replay: warning: recorded by %s, this is %s\n", meta.build, build);
    if (!strcmp(meta.kind, "run")) {
        if (!meta.scenario || scn_load_text(meta.scenario_path, meta.scenario, meta.scenario_len,
                                            &scn, err, sizeof err) != 0) {
            fprintf(stderr, "ipcemu replay: %s: the recorded scenario: %s\n", argv[1],
                    meta.scenario ? err : "missing");
            goto out;
        }
        have_scn = true;
        cfg.scenario = scn.blob;
        cfg.scenario_size = scn.blob_size;
    } else if (meta.demo >= BOOT_DEMO_COUNT || meta.demo == BOOT_DEMO_SCENARIO) {
        fprintf(stderr, "ipcemu replay: %s: unknown demo %u\n", argv[1], meta.demo);
        goto out;
    }
    if ((rc = load_cpu("replay", meta.cpu, &cfg, &prof)) != 0)
        goto out;
    size_t n;
    const uint8_t *img = machine_image(cfg.arch, MACHINE_IMAGE_KERNEL, &n);
    struct outputs outs = {.replay_meta = &meta, .replay_log = &rec};
    rc = run_image("replay", &cfg, img, n, &outs, true, NULL, have_scn ? &scn : NULL);
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
    printf("%s: %s: %s %s on %s (%s), %zu events, %llu cycles, hash %016llx\n", label, path,
           m->kind, m->scenario_path[0] ? m->scenario_path : "demo", m->arch, m->cpu, log->nev,
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
        usage_main(stderr);
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
