/* cli/cli.h: what the `ipcemu` commands share (private to cli/): exit
 * statuses, option parsing and number checks, the CPU profile of a run,
 * and running an image with its outputs. One file per command or group of
 * commands: main.c (dispatch, help, version), run.c (run, replay, and
 * running an image), boot.c (boot, exec, selftest), diff.c, view.c;
 * options.c holds the shared option helpers. */
#ifndef IPCEMU_CLI_CLI_H
#define IPCEMU_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "abi/bootinfo.h"
#include "emu/timing.h"
#include "machine/machine.h"
#include "machine/scenario.h"
#include "tracer/tracefile.h"

/* Exit statuses: 0 ran and every expectation held; 1 ran but the outcome
 * was not ok; 2 bad usage or bad input. */
#define EXIT_OK 0
#define EXIT_RAN_NOT_OK 1
#define EXIT_USAGE 2

#define IPCEMU_VERSION "0.1.0"

/* The help lines of --cpu, --report and --exact-caches, as `boot` and
 * `exec` give them. */
#define CLI_HELP_CPU_REPORT_CACHES                                                                 \
    "  --cpu P           CPU profile: a name in the profile directory (skylake,\n"                 \
    "                    cortex-a72, sifive-u74, ...), a path to a profile .json, or\n"            \
    "                    flat (one cycle per instruction); default: the arch's own\n"              \
    "  --report FILE     write the JSON report to FILE\n"                                          \
    "  --exact-caches    feed the data caches and TLB every access of the run; by\n"               \
    "                    default, after 10M cycles, 1M of every 40M are simulated\n"               \
    "                    and the rest charged per block from them (faster)\n"

/* --core-quantum's range, in cycles. */
#define CLI_CORE_QUANTUM_MIN 100u
#define CLI_CORE_QUANTUM_MAX 100000000u
/* `--cores`, `--core-quantum` (run, boot, exec). */
#define CLI_HELP_CORES                                                                             \
    "  --cores N         cores the machine runs, 1 to 8 (default: the scenario's\n"                \
    "                    machine.cores, else 1); secondaries start through the\n"                  \
    "                    architecture's boot protocol (docs/machine.md)\n"                         \
    "  --core-quantum N  with several cores: cycles a core runs before the core\n"                 \
    "                    with the lowest clock is picked again (default 10000)\n"

/* `--no-probes` (run, boot): trace source none (machine/machine.h). */
#define CLI_HELP_NO_PROBES                                                                         \
    "  --no-probes       record no kernel events (no probes; the kernel's own trace\n"             \
    "                    records are dropped): the same run, cycle for cycle, but\n"               \
    "                    the report and summary have no event-derived figures (no\n"               \
    "                    paths, processes, messages, cap_cache keys), expectations\n"              \
    "                    on processes, messages and paths are not checked, and\n"                  \
    "                    --trace and --view are refused (nothing to replay or show)\n"

/* The largest bare-metal program read whole (a scenario: SCN_FILE_MAX). */
#define PROGRAM_FILE_MAX (256u << 20)

/* The demos `ipcemu boot --demo` names, by enum boot_demo (NULL: none). */
extern const char *const cli_demo_names[BOOT_DEMO_COUNT];

/* Where a run writes what it saw besides the console; for `replay`, the
 * recorded run to compare it with. */
struct cli_outputs {
    const char *report, *perfetto, *csv, *trace;
    bool view; /* run: open the timeline on the trace afterwards */
    const struct trc_file_meta *replay_meta;
    const struct trc_log *replay_log;
    /* the files the run reads (scenario or program, --cpu; NULL: none),
     * which no output may overwrite */
    const char *inputs[2];
    /* run, a scenario with named runs (cli/runs.c): the report's JSON goes
     * to *report_json (not to `report`), and the values of the comparisons
     * between runs to *snap, as run `run_index` */
    char **report_json;
    struct scn_snap *snap;
    size_t run_index;
    const char *toolchain; /* students' programs: what compiled them (the trace's build) */
};

/* `ipcemu run` on scenario s with named runs (cli/runs.c): each run (only
 * the one named `only` when not NULL) on `base` with its own settings
 * (`cpu`: the profile of runs that name neither a cpu nor an arch), its
 * summary, then the comparisons between runs; the report (outs->report)
 * holds them all, the other outputs the chosen run. Returns the exit
 * status. */
int cli_run_runs(const struct scn *s, const struct machine_config *base, const char *cpu,
                 const char *only, const struct cli_outputs *outs, bool quiet);

/* ---- options (options.c) ------------------------------------------------ */

/* Prints one usage error naming the option, returns EXIT_USAGE. */
int cli_bad_usage(const char *cmd, const char *fmt, const char *what);

/* Parses option `opt`'s value `val` as setting `s`, the way a trace's
 * settings are read (tracer/tracefile.h). Returns 0 with *v, or
 * EXIT_USAGE after printing why. */
int cli_option_number(const char *cmd, const char *opt, const char *val, enum trc_setting s,
                      uint64_t *v);

/* Returns the option's value (argv[i+1]) and advances *i, or NULL. */
const char *cli_opt_value(int argc, char **argv, int *i);

/* Returns x86_64, or the first architecture this build has. */
enum emu_arch_id cli_default_arch(void);

/* Handles the options `boot` and `exec` share (--arch, --report,
 * --max-cycles). Returns 1 when `o` is one of them (taken), 0 when it is
 * not, or EXIT_USAGE + 10 after printing a usage error. */
int cli_common_option(const char *cmd, const char *o, const char *val, struct machine_config *cfg,
                      struct cli_outputs *out, const char **cpu);

/* The options of the commands that run one file (`exec PROGRAM`, `run
 * SCENARIO`): --help, --quiet, --exact-caches, the common ones, and the
 * file. Returns -1 to go on, or the exit status (after --help or a usage
 * error). given[0] / given[1] (when not NULL) say whether --arch /
 * --max-cycles were on the command line. */
int cli_parse_file_command(const char *cmd, const char *what, void (*usage)(FILE *), int argc,
                           char **argv, struct machine_config *cfg, struct cli_outputs *outs,
                           const char **cpu, bool *quiet, const char **file, bool given[2]);

/* Loads the CPU profile `cpu` (NULL: the architecture's default; "flat":
 * none, one cycle per instruction) into *p and points cfg at it; errors
 * name where the profile was asked for (`label`: "--cpu", "TRACE: setting
 * cpu"). Returns 0, or EXIT_USAGE after printing why. */
int cli_load_cpu_from(const char *cmd, const char *label, const char *cpu,
                      struct machine_config *cfg, struct tm_profile *p);

/* Loads the CPU profile given by --cpu (see cli_load_cpu_from). */
int cli_load_cpu(const char *cmd, const char *cpu, struct machine_config *cfg,
                 struct tm_profile *p);

/* ---- running an image (run.c, boot.c) ------------------------------------ */

/* Runs the self-test of `arch`; prints the failure. Returns true if it
 * passed. */
bool cli_selftest_one(enum emu_arch_id arch, bool verbose);

/* Runs image `img` on a machine configured by `cfg` (after the
 * architecture's trap self-test), prints the summary unless quiet and
 * writes the outputs `outs` names (checked first: a path that cannot be
 * written is bad input). `program` names a bare-metal program, NULL for
 * the kernel; `scn` is the scenario run, or NULL. Returns the exit
 * status. */
int cli_run_image(const char *cmd, struct machine_config *cfg, const uint8_t *img, size_t n,
                  const struct cli_outputs *outs, bool quiet, const char *program,
                  const struct scn *scn);

/* ---- the commands: each returns the exit status (argv[0] is its name) -- */

int cli_run(int argc, char **argv);      /* run.c */
int cli_replay(int argc, char **argv);   /* run.c */
int cli_boot(int argc, char **argv);     /* boot.c */
int cli_exec(int argc, char **argv);     /* boot.c */
int cli_selftest(int argc, char **argv); /* boot.c */
int cli_diff(int argc, char **argv);     /* diff.c */
int cli_view(int argc, char **argv);     /* view.c */

#endif
