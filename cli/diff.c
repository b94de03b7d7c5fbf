/* cli/diff.c: `ipcemu diff [--events] [--all] [--json FILE] TRACE_A
 * TRACE_B`: two recorded runs side by side (settings, outcome, counters,
 * paths, processes, events by type) and their events compared by meaning,
 * every figure recomputed from the traces (tracer/diff.c,
 * tracer/diff_table.c); nothing is run again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "tracer/diff.h"
#include "util/hostfile.h"

/* Context shown before the first event that differs. */
#define DIFF_CONTEXT 3

/* One side: a trace read, and what was derived from it. */
struct side {
    const char *path;
    struct trc_file_meta meta;
    struct trc_log log;
    char expectations[48];
    char scenario[64];
    const char *outcome;
};

/* "A: FILE: run SCENARIO on ARCH (CPU), N events, C cycles, hash H". */
static void trace_line(const char *label, const struct side *s)
{
    /* every text from a trace escaped: it cannot drive the terminal */
    const struct trc_file_meta *m = &s->meta;
    char p[300], what[sizeof m->scenario_path * 4], arch[sizeof m->arch * 4],
        cpu[sizeof m->cpu * 4];
    const char *w = m->scenario_path[0] ? m->scenario_path : "demo";
    printf("%s: %s: %s %s on %s (%s), %zu events, %llu cycles, hash %016llx\n", label,
           hf_printable(s->path, strlen(s->path), p, sizeof p), m->kind,
           hf_printable(w, strlen(w), what, sizeof what),
           hf_printable(m->arch, strlen(m->arch), arch, sizeof arch),
           hf_printable(m->cpu, strlen(m->cpu), cpu, sizeof cpu), s->log.nev,
           (unsigned long long)m->cycles, (unsigned long long)m->hash);
}

/* Derives the run's outcome from its trace, and for a scenario's run
 * checks its expectations against the recorded events as `run` did (an
 * expectation that failed in a run that ended well makes it
 * "expect_failed"). Returns nothing. */
static void derive(struct side *s)
{
    s->outcome = trc_diff_outcome(&s->meta, &s->log, MACHINE_TRACE_EVENTS_MAX);
    if (strcmp(s->meta.kind, "run") != 0 || !s->meta.scenario)
        return;
    struct scn scn;
    char err[600];
    if (scn_load_text(s->meta.scenario_path, s->meta.scenario, s->meta.scenario_len, &scn, err,
                      sizeof err) != 0) {
        /* a scenario this ipcemu no longer reads: its outcome stands */
        snprintf(s->expectations, sizeof s->expectations, "not checked");
        return;
    }
    snprintf(s->scenario, sizeof s->scenario, "%s", scn.name);
    struct scn_verdict v = {0};
    bool held = scn_check(&scn, &s->log, s->meta.cycles, s->outcome, &v, err, sizeof err) == 0;
    size_t n = 0;
    for (size_t i = 0; i < v.nchecks; i++)
        n += v.checks[i].held;
    snprintf(s->expectations, sizeof s->expectations, "%zu of %zu held", n, v.nchecks);
    if (v.nfailed_ops) {
        size_t k = strlen(s->expectations);
        snprintf(s->expectations + k, sizeof s->expectations - k, ", %zu ops failed",
                 v.nfailed_ops);
    }
    if (!held &&
        (!strcmp(s->outcome, "ok") || (!strcmp(s->outcome, "deadlock") && scn.expect.deadlock)))
        s->outcome = "expect_failed";
    scn_verdict_free(&v);
    scn_free(&scn);
}

static void usage(FILE *out)
{
    fputs("usage: ipcemu diff [--events] [--all] [--json FILE] TRACE_A TRACE_B\n"
          "\n"
          "Compares two recorded runs (`ipcemu run|boot --trace FILE`), every figure\n"
          "recomputed from the traces (nothing runs again):\n"
          "  - side by side: settings (arch, cpu, cap_cache, seed, quantum, ...), outcome,\n"
          "    expectations, cycles, instructions, messages (sent, fast_path, slow\n"
          "    reasons, ...), cap_cache (hits, misses, invalidations), paths (count,\n"
          "    median, mean), processes (state, cycles, system calls, messages) and the\n"
          "    number of events of each type; only the rows that differ (marked *);\n"
          "  - the events compared by what they mean, cycle stamps aside (and the\n"
          "    arguments that are cycles or addresses): the first event that differs in\n"
          "    meaning with the events around it in both runs, and how many events before\n"
          "    it differ only in stamps.\n"
          "\n"
          "  --events      compare only the sequence of IPC events (process create/exit,\n"
          "                send, recv, reply, block, wake, slow, drop, notify, ports,\n"
          "                regions, halt), stamps aside, and the counts per event type\n"
          "                that differ\n"
          "  --all         show every row of the table, the same ones too\n"
          "  --json FILE   also write the comparison as JSON to FILE\n"
          "\n"
          "Exit 0 when the runs are the same in the compared sense (by default: the same\n"
          "settings, figures, events with their stamps, and console; with --events: the\n"
          "same IPC events in the same order), 1 when they differ, 2 when a file is\n"
          "missing or not a trace.\n",
          out);
}

/* `ipcemu diff [--events] [--all] [--json FILE] TRACE_A TRACE_B`. Returns
 * the exit status. */
int cli_diff(int argc, char **argv)
{
    bool events_only = false, all = false;
    const char *json = NULL, *files[2] = {NULL, NULL};
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(o, "--events")) {
            events_only = true;
        } else if (!strcmp(o, "--all")) {
            all = true;
        } else if (!strcmp(o, "--json")) {
            if (!(json = cli_opt_value(argc, argv, &i)))
                return cli_bad_usage("diff", "%s", "--json needs a FILE");
        } else if (o[0] == '-' && o[1]) {
            return cli_bad_usage("diff", "unknown option %s", o);
        } else if (nfiles < 2) {
            files[nfiles++] = o;
        } else {
            return cli_bad_usage("diff", "%s", "two TRACE files, please");
        }
    }
    if (nfiles != 2)
        return cli_bad_usage("diff", "%s", "two TRACE files, please");
    for (int k = 0; json && k < 2; k++)
        if (hf_same_file(json, files[k])) {
            char p[300];
            fprintf(stderr, "ipcemu diff: --json %s is the input %s: refusing to overwrite it\n",
                    hf_printable(json, strlen(json), p, sizeof p), k ? "TRACE_B" : "TRACE_A");
            return EXIT_USAGE;
        }
    struct side s[2] = {{.path = files[0]}, {.path = files[1]}};
    int rc = EXIT_USAGE;
    char err[600];
    int read = 0;
    for (; read < 2; read++)
        if (trc_file_read(s[read].path, &s[read].meta, &s[read].log, err, sizeof err) != 0) {
            fprintf(stderr, "ipcemu diff: %s\n", err);
            trc_file_meta_free(&s[read].meta);
            trc_log_free(&s[read].log);
            goto out;
        }
    for (int k = 0; k < 2; k++) {
        /* the running process is charged to the end, as the run's summary did */
        trc_log_finish(&s[k].log, s[k].meta.cycles);
        derive(&s[k]);
    }
    trace_line("A", &s[0]);
    trace_line("B", &s[1]);
    struct trc_diff_run run[2];
    for (int k = 0; k < 2; k++)
        run[k] = (struct trc_diff_run){&s[k].meta, &s[k].log, s[k].outcome,
                                       s[k].scenario[0] ? s[k].scenario : NULL,
                                       s[k].expectations[0] ? s[k].expectations : NULL};
    struct trc_diff_table table = {0};
    size_t rows = trc_diff_table_build(&table, &run[0], &run[1]);
    struct trc_diff_events ev;
    bool same_meaning = trc_diff_events(&s[0].log, &s[1].log, events_only, &ev);
    bool same;
    if (events_only) {
        same = same_meaning;
        trc_diff_table_print(stdout, &table, all, "events");
        trc_diff_events_print(stdout, &s[0].log, &s[1].log, &ev, DIFF_CONTEXT);
        printf("%s\n", same ? "the same IPC events" : "the IPC events differ");
    } else {
        same = rows == 0 && ev.exact && ev.console && s[0].meta.hash == s[1].meta.hash;
        trc_diff_table_print(stdout, &table, all, NULL);
        trc_diff_events_print(stdout, &s[0].log, &s[1].log, &ev, DIFF_CONTEXT);
        if (ev.at != SIZE_MAX) {
            /* and whether the messages differ too, or only what timing moved */
            struct trc_diff_events ipc;
            if (trc_diff_events(&s[0].log, &s[1].log, true, &ipc))
                printf("the IPC events (--events) mean the same: %zu in the same order\n", ipc.na);
            else if (ipc.ia < s[0].log.nev && ipc.ib < s[1].log.nev)
                printf("the IPC events (--events) first differ at IPC event %zu (A's event %zu, "
                       "B's event %zu)\n",
                       ipc.at, ipc.ia, ipc.ib);
            else
                printf("the IPC events (--events): the first %zu mean the same, then one run "
                       "has more\n",
                       ipc.at);
        }
        printf("%s\n", same ? "identical" : "different");
    }
    rc = same ? EXIT_OK : EXIT_RAN_NOT_OK;
    if (json) {
        char *text = trc_diff_json(files[0], files[1], &run[0], &run[1], &table, &ev, same);
        if (hf_write_text(json, text, "the comparison", err, sizeof err) != 0) {
            char p[700];
            fprintf(stderr, "ipcemu diff: --json: %s\n",
                    hf_printable(err, strlen(err), p, sizeof p));
            rc = EXIT_USAGE;
        }
    }
    trc_diff_table_free(&table);
out:
    for (int k = 0; k < read; k++) {
        trc_file_meta_free(&s[k].meta);
        trc_log_free(&s[k].log);
    }
    return rc;
}
