/* cli/main.c: the `ipcemu` program: its commands, `help` and `version`;
 * exit status 0 ran and every expectation held, 1 ran but the outcome was
 * not ok, 2 bad usage or bad input. A command is a function in its own
 * file (cli.h) and a row of `commands` below. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "emu/cpu.h"

/* A command: its name (and other spellings), the line `ipcemu --help`
 * gives it, and the function that runs it (argv[0] is its name; returns
 * the exit status). */
struct command {
    const char *name, *alias[2];
    const char *summary;
    int (*main)(int argc, char **argv);
    bool engine; /* it runs the emulator: needs the supported Unicorn */
};

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

/* Every command, in the order `ipcemu --help` lists them. */
static const struct command commands[] = {
    {"run",
     {NULL},
     "run a JSON scenario (docs/scenarios.md) and check its expectations",
     cli_run,
     true},
    {"replay",
     {NULL},
     "re-run a recorded trace: its outcome, and whether it gives the same events",
     cli_replay,
     true},
    {"diff",
     {NULL},
     "compare two traces: figures side by side, events by meaning",
     cli_diff,
     false},
    {"view", {NULL}, "show a trace as a timeline (a window, or a PNG with --png)", cli_view, false},
    {"boot", {NULL}, "boot the kernel and run a built-in demo workload", cli_boot, true},
    {"exec", {NULL}, "run a bare-metal program on the machine, no kernel", cli_exec, true},
    {"selftest",
     {NULL},
     "check that trap entry and return work on the installed Unicorn",
     cli_selftest,
     true},
    {"help", {"--help", "-h"}, "show this help (or `ipcemu COMMAND --help`)", cmd_help, false},
    {"version", {"--version"}, "print the version", cmd_version, false},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

/* The usage of `ipcemu` alone: a few lines, pointing at --help. */
static void usage_short(FILE *out)
{
    fputs("usage: ipcemu COMMAND [OPTIONS]\ncommands: ", out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "%s%s", i ? ", " : "", commands[i].name);
    fputs("\n`ipcemu --help` describes them; `ipcemu COMMAND --help` gives a command's options.\n",
          out);
}

/* `ipcemu help`: what ipcemu is, its commands, numbers, outputs and exit
 * status. Returns EXIT_OK. */
static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("usage: ipcemu COMMAND [OPTIONS]\n"
          "\n"
          "A deterministic, cycle-counting emulator that runs ipcemu's own microkernel\n"
          "on emulated x86_64, AArch64 and RISC-V cores.\n"
          "\n"
          "commands:\n",
          stdout);
    for (size_t i = 0; i < NCOMMANDS; i++)
        printf("  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Numbers (N) are decimal: digits only, no sign, no leading zero, no 0x.\n"
          "An output (--report, --trace, ...) is written whole or not at all, and never\n"
          "over an input or another output.\n"
          "\n"
          "exit status: 0 ran and every expectation held (a scenario may expect its\n"
          "deadlock); 1 ran but something did not hold: a failed expectation or operation,\n"
          "a fault, a deadlock nobody expected, max_cycles or max_events; 2 bad usage or\n"
          "input, or a Unicorn other than the 2.1.1 ipcemu supports.\n",
          stdout);
    return EXIT_OK;
}

/* `ipcemu version`: ipcemu's version and those of the Unicorn and
 * Capstone libraries it runs on. Returns EXIT_OK. */
static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char uc[32], cs[32];
    emu_engine_version_text(uc, sizeof uc);
    emu_decoder_version_text(cs, sizeof cs);
    printf("ipcemu %s\nunicorn %s\ncapstone %s\n", IPCEMU_VERSION, uc, cs);
    return EXIT_OK;
}

/* Runs the command argv[1] names. Returns its exit status, or EXIT_USAGE
 * when there is none or it is unknown. */
int main(int argc, char **argv)
{
    if (argc < 2) {
        usage_short(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const struct command *c = &commands[i];
        if (!strcmp(cmd, c->name) || (c->alias[0] && !strcmp(cmd, c->alias[0])) ||
            (c->alias[1] && !strcmp(cmd, c->alias[1]))) {
            char why[240];
            if (c->engine && !emu_engine_supported(why, sizeof why)) {
                fprintf(stderr, "ipcemu %s: %s\n", c->name, why);
                return EXIT_USAGE;
            }
            return c->main(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "ipcemu: unknown command '%s' (see `ipcemu --help`)\n", cmd);
    return EXIT_USAGE;
}
