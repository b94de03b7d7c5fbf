/* cli/options.c: the option helpers the `ipcemu` commands share (see
 * cli.h): usage errors, numbers, the common options, the CPU profile. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "abi/memmap.h"
#include "cli/cli.h"
#include "util/hostfile.h"

/* The command line and a trace's settings take RAM sizes the machine can
 * have. */
_Static_assert(TRC_RAM_MIB_MIN == MM_RAM_SIZE_MIN >> 20, "RAM minimum");
_Static_assert(TRC_RAM_MIB_MAX == MM_RAM_SIZE_MAX >> 20, "RAM maximum");

const char *const cli_demo_names[BOOT_DEMO_COUNT] = {
    [BOOT_DEMO_HELLO] = "hello", [BOOT_DEMO_SPIN] = "spin", [BOOT_DEMO_STORM] = "storm",
    [BOOT_DEMO_WILD] = "wild",   [BOOT_DEMO_IPC] = "ipc",
    /* BOOT_DEMO_SCENARIO has no name: `ipcemu run` selects it */
};

/* Prints one usage error naming the option, returns EXIT_USAGE. */
int cli_bad_usage(const char *cmd, const char *fmt, const char *what)
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
int cli_option_number(const char *cmd, const char *opt, const char *val, enum trc_setting s,
                      uint64_t *v)
{
    char why[200], p[200];
    if (trc_setting_parse(s, val, v, why, sizeof why))
        return 0;
    fprintf(stderr, "ipcemu %s: %s '%s': %s (see `ipcemu %s --help`)\n", cmd, opt,
            hf_printable(val, strlen(val), p, sizeof p), why, cmd);
    return EXIT_USAGE;
}

/* Returns true with *v when `s` is a decimal number (digits only, no
 * overflow); false otherwise. */
static bool cli_parse_u64(const char *s, uint64_t *v)
{
    uint64_t n = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > (UINT64_MAX - 9) / 10)
            return false;
        n = n * 10 + (uint64_t)(*s - '0');
    }
    *v = n;
    return true;
}

/* Returns the option's value (argv[i+1]) and advances *i, or NULL. */
const char *cli_opt_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

/* Returns x86_64, or the first architecture this build has. */
enum emu_arch_id cli_default_arch(void)
{
    for (int a = 0; a < EMU_ARCH_COUNT; a++)
        if (machine_arch_get((enum emu_arch_id)a))
            return (enum emu_arch_id)a;
    return EMU_ARCH_X86_64;
}

/* Handles the options `boot` and `exec` share (--arch, --report,
 * --max-cycles). Returns 1 when `o` is one of them (taken), 0 when it is
 * not, or EXIT_USAGE + 10 after printing a usage error. */
int cli_common_option(const char *cmd, const char *o, const char *val, struct machine_config *cfg,
                      struct cli_outputs *out, const char **cpu)
{
    if (!strcmp(o, "--arch")) {
        const struct emu_arch *a = emu_arch_by_name(val);
        if (!a)
            return 10 +
                   cli_bad_usage(cmd, "unknown architecture '%s' (x86_64, aarch64, riscv64)", val);
        if (!machine_arch_get(a->id))
            return 10 + cli_bad_usage(cmd, "architecture '%s' is not built into this ipcemu", val);
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
        if (cli_option_number(cmd, o, val, TRC_SET_MAX_CYCLES, &cfg->max_cycles) != 0)
            return 10 + EXIT_USAGE;
    } else if (!strcmp(o, "--cores")) {
        uint64_t n;
        if (!cli_parse_u64(val, &n) || n < 1 || n > MACHINE_MAX_CORES) {
            char p[200];
            fprintf(
                stderr,
                "ipcemu %s: --cores '%s': a machine has 1 to %u cores (see `ipcemu %s --help`)\n",
                cmd, hf_printable(val, strlen(val), p, sizeof p), MACHINE_MAX_CORES, cmd);
            return 10 + EXIT_USAGE;
        }
        cfg->ncores = (uint32_t)n;
    } else if (!strcmp(o, "--core-quantum")) {
        uint64_t n;
        if (!cli_parse_u64(val, &n) || n < CLI_CORE_QUANTUM_MIN || n > CLI_CORE_QUANTUM_MAX) {
            char p[200];
            fprintf(
                stderr,
                "ipcemu %s: --core-quantum '%s': cycles from %u to %u (see `ipcemu %s --help`)\n",
                cmd, hf_printable(val, strlen(val), p, sizeof p), CLI_CORE_QUANTUM_MIN,
                CLI_CORE_QUANTUM_MAX, cmd);
            return 10 + EXIT_USAGE;
        }
        cfg->core_quantum = n;
    } else {
        return 0;
    }
    return 1;
}

/* The options of the commands that run one file (`exec PROGRAM`, `run
 * SCENARIO`): --help, --quiet, --exact-caches, (run) --view and
 * --no-probes, the common ones, and the file. Returns -1 to go on, or the exit status (after --help
 * or a usage error). given[0] / given[1] (when not NULL) say whether --arch /
 * --max-cycles were on the command line. */
int cli_parse_file_command(const char *cmd, const char *what, void (*usage)(FILE *), int argc,
                           char **argv, struct machine_config *cfg, struct cli_outputs *outs,
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
        } else if (!strcmp(o, "--no-probes") && !strcmp(cmd, "run")) {
            cfg->trace_source = MACHINE_TRACE_NONE;
            continue;
        } else if (strncmp(o, "--", 2) != 0) {
            if (*file) {
                char msg[80];
                snprintf(msg, sizeof msg, "unexpected argument '%%s' (one %s)", what);
                return cli_bad_usage(cmd, msg, o);
            }
            *file = o;
            continue;
        }
        if (!(val = cli_opt_value(argc, argv, &i)))
            return cli_bad_usage(cmd, "%s needs a value", o);
        int c = cli_common_option(cmd, o, val, cfg, outs, cpu);
        if (c == 0)
            return cli_bad_usage(cmd, "unknown option '%s'", o);
        if (c > 1)
            return c - 10;
        if (given) {
            given[0] |= !strcmp(o, "--arch");
            given[1] |= !strcmp(o, "--max-cycles");
        }
    }
    return -1;
}

/* Loads the CPU profile `cpu` (NULL: the architecture's default; "flat":
 * none, one cycle per instruction) into *p and points cfg at it; errors
 * name where the profile was asked for (`label`: "--cpu", "TRACE: setting
 * cpu"). Returns 0, or EXIT_USAGE after printing why. */
int cli_load_cpu_from(const char *cmd, const char *label, const char *cpu,
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

/* Loads the CPU profile given by --cpu (see cli_load_cpu_from). */
int cli_load_cpu(const char *cmd, const char *cpu, struct machine_config *cfg, struct tm_profile *p)
{
    return cli_load_cpu_from(cmd, "--cpu", cpu, cfg, p);
}
