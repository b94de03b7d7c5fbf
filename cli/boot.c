/* cli/boot.c: `ipcemu boot` (the kernel's built-in demos), `ipcemu exec`
 * (a bare-metal program, no kernel) and `ipcemu selftest` (the trap
 * self-test per architecture). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/hostfile.h"

static void usage_boot(FILE *out)
{
    fputs("usage: ipcemu boot [--arch A] [--cpu P] [--report FILE] [--max-cycles N] [--quiet]\n"
          "                   [--demo NAME] [--quantum N] [--ram-mib N] [--seed N]\n"
          "                   [--exact-caches] [--no-probes]\n"
          "                   [--cap-cache N] [--cores N] [--core-quantum N]\n"
          "\n"
          "Boots the kernel on architecture A (x86_64, aarch64 or riscv64; default\n"
          "x86_64) and runs a built-in demo: user processes printing interleaved lines\n"
          "under timer preemption, and one that reads kernel memory and is killed.\n"
          "\n"
          "  --arch A          x86_64 | aarch64 | riscv64\n" CLI_HELP_CPU_REPORT_CACHES
          "  --max-cycles N    stop with outcome max_cycles when the clock reaches N\n"
          "                    (default 2000000000)\n"
          "  --quiet           print neither the guest console nor the summary\n" CLI_HELP_NO_PROBES
          "  --demo NAME       hello (default) | spin (a process that never ends) |\n"
          "                    storm (system-call and fault storms) | wild (wild pointers\n"
          "                    and bad instructions) | ipc (ports and capabilities:\n"
          "                    queues, blocking, timeouts, revocation, refusals)\n"
          "  --cap-cache N     capability-cache lines per core, a power of two (default 64)\n"
          "  --quantum N       scheduler time slice in cycles (default 20000)\n"
          "  --ram-mib N       RAM size in MiB (16..1024, default 128)\n"
          "  --seed N          seed handed to the kernel (default 1)\n" CLI_HELP_CORES,
          out);
}

static void usage_exec(FILE *out)
{
    fputs("usage: ipcemu exec --arch A [--cpu P] [--report FILE] [--max-cycles N] [--quiet]\n"
          "                   [--exact-caches] [--cores N] [--core-quantum N] PROGRAM.elf\n"
          "\n"
          "Runs a bare-metal program on the machine with no kernel: loaded at its link\n"
          "addresses in RAM (0x40000000 up, docs/machine.md), started at its ELF entry in\n"
          "the kernel's privileged mode (ring 0 / EL1 / M-mode) with the stack pointer at\n"
          "the top of RAM. It ends when it executes the breakpoint instruction (int3,\n"
          "brk #0, ebreak) or returns from its entry function; writes to the UART\n"
          "(0x10000000) are its output. Prints cycles, instructions and where the\n"
          "cycles went (base, cache, TLB, branch, trap, MMIO).\n"
          "\n"
          "  --arch A          x86_64 | aarch64 | riscv64 (default "
          "x86_64)\n" CLI_HELP_CPU_REPORT_CACHES
          "  --max-cycles N    stop with outcome max_cycles at N cycles (default 10000000000)\n"
          "  --quiet           print neither the program's output nor the summary\n" CLI_HELP_CORES
          "                    (secondaries stay in reset unless the program starts them)\n",
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

/* Runs the self-test of `arch`; prints the failure. Returns true if it
 * passed. */
bool cli_selftest_one(enum emu_arch_id arch, bool verbose)
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

/* `ipcemu selftest [--arch A|all]`. Returns the exit status. */
int cli_selftest(int argc, char **argv)
{
    int first = 0, last = EMU_ARCH_COUNT - 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage_selftest(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--arch")) {
            const char *v = cli_opt_value(argc, argv, &i);
            if (!v)
                return cli_bad_usage("selftest", "%s needs a value", "--arch");
            if (strcmp(v, "all") != 0) {
                const struct emu_arch *a = emu_arch_by_name(v);
                if (!a)
                    return cli_bad_usage(
                        "selftest", "unknown architecture '%s' (x86_64, aarch64, riscv64, all)", v);
                if (!machine_arch_get(a->id))
                    return cli_bad_usage("selftest",
                                         "architecture '%s' is not built into this ipcemu", v);
                first = last = (int)a->id;
            }
        } else {
            return cli_bad_usage("selftest", "unknown argument '%s'", argv[i]);
        }
    }
    bool ok = true;
    for (int a = first; a <= last; a++)
        if (machine_arch_get((enum emu_arch_id)a))
            ok = cli_selftest_one((enum emu_arch_id)a, true) && ok;
    return ok ? EXIT_OK : EXIT_RAN_NOT_OK;
}

/* `ipcemu exec PROGRAM.elf`. Returns the exit status. */
int cli_exec(int argc, char **argv)
{
    struct machine_config cfg = {
        .arch = cli_default_arch(), .max_cycles = 10000000000ULL, .bare = true};
    const char *program = NULL, *cpu = NULL;
    struct cli_outputs outs = {0};
    bool quiet = false;
    int prc = cli_parse_file_command("exec", "program", usage_exec, argc, argv, &cfg, &outs, &cpu,
                                     &quiet, &program, NULL);
    if (prc >= 0)
        return prc;
    if (!program)
        return cli_bad_usage("exec", "%s", "no PROGRAM.elf given");
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
        rc = cli_load_cpu("exec", cpu, &cfg, &prof);
        if (rc == 0) {
            rc = cli_run_image("exec", &cfg, img, n, &outs, quiet, program, NULL);
            if (cfg.profile)
                tm_profile_free(&prof);
        }
    }
    free(img);
    return rc;
}

/* `ipcemu boot`. Returns the exit status. */
int cli_boot(int argc, char **argv)
{
    struct machine_config cfg = {.arch = cli_default_arch(),
                                 .max_cycles = 2000000000ULL,
                                 .seed = 1,
                                 .demo = BOOT_DEMO_HELLO};
    const char *cpu = NULL;
    struct cli_outputs outs = {0};
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
        } else if (!strcmp(o, "--no-probes")) {
            cfg.trace_source = MACHINE_TRACE_NONE;
            continue;
        }
        if (strncmp(o, "--", 2) != 0)
            return cli_bad_usage("boot", "unexpected argument '%s'", o);
        if (!(val = cli_opt_value(argc, argv, &i)))
            return cli_bad_usage("boot", "%s needs a value", o);
        int c = cli_common_option("boot", o, val, &cfg, &outs, &cpu);
        if (c > 1)
            return c - 10;
        if (c == 1)
            continue;
        if (!strcmp(o, "--quantum")) {
            if (cli_option_number("boot", o, val, TRC_SET_QUANTUM, &cfg.quantum) != 0)
                return EXIT_USAGE;
        } else if (!strcmp(o, "--ram-mib")) {
            if (cli_option_number("boot", o, val, TRC_SET_RAM_MIB, &v) != 0)
                return EXIT_USAGE;
            cfg.ram_size = v << 20;
        } else if (!strcmp(o, "--cap-cache")) {
            if (cli_option_number("boot", o, val, TRC_SET_CAP_CACHE, &v) != 0)
                return EXIT_USAGE;
            cfg.cap_cache_lines = (uint32_t)v;
        } else if (!strcmp(o, "--seed")) {
            if (cli_option_number("boot", o, val, TRC_SET_SEED, &cfg.seed) != 0)
                return EXIT_USAGE;
        } else if (!strcmp(o, "--demo")) {
            unsigned d = 0;
            while (d < BOOT_DEMO_COUNT &&
                   (!cli_demo_names[d] || strcmp(cli_demo_names[d], val) != 0))
                d++;
            if (d == BOOT_DEMO_COUNT)
                return cli_bad_usage("boot", "unknown demo '%s' (hello, spin, storm, wild, ipc)",
                                     val);
            cfg.demo = d;
        } else {
            return cli_bad_usage("boot", "unknown option '%s'", o);
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
    int rc = cli_load_cpu("boot", cpu, &cfg, &prof);
    if (rc != 0)
        return rc;
    rc = cli_run_image("boot", &cfg, img, n, &outs, quiet, NULL, NULL);
    if (cfg.profile)
        tm_profile_free(&prof);
    return rc;
}
