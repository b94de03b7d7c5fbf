/* cli/diff.c: `ipcemu diff TRACE_A TRACE_B`: the two traces' runs, the
 * first event that differs and the paths side by side (tracer/diff.c). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "tracer/diff.h"
#include "util/hostfile.h"

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

/* `ipcemu diff TRACE_A TRACE_B`. Returns the exit status. */
int cli_diff(int argc, char **argv)
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
        return cli_bad_usage("diff", "%s", "two TRACE files, please");
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
    struct trc_diff diff;
    int rc = trc_diff_logs(&la, ma.hash, &lb, mb.hash, &diff) ? EXIT_OK : EXIT_RAN_NOT_OK;
    trc_diff_print(stdout, &la, &lb, &diff);
    trc_file_meta_free(&ma);
    trc_file_meta_free(&mb);
    trc_log_free(&la);
    trc_log_free(&lb);
    return rc;
}
