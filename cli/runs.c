/* cli/runs.c: `ipcemu run` on a scenario with named runs ("runs":
 * docs/scenarios.md "Named runs"): each configuration runs in turn with its
 * own summary, then the comparisons between runs are checked; the report
 * is the chosen run's with every run's report and the comparisons added. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "util/hostfile.h"

/* Prints the comparisons between runs (v) and, when one failed, why. */
static void print_comparisons(const struct scn_verdict *v, const char *why)
{
    size_t held = 0;
    for (size_t i = 0; i < v->nchecks; i++)
        held += v->checks[i].held;
    printf("== comparisons between runs: %zu of %zu held ==\n", held, v->nchecks);
    for (size_t i = 0; i < v->nchecks; i++)
        printf("   %s %s: %s (got %s)\n",
               v->checks[i].held ? "held:  " : "FAILED:", v->checks[i].path, v->checks[i].expected,
               v->checks[i].got);
    if (why[0])
        printf("   %s\n", why);
}

/* Builds the report of every run: the chosen run's (`jsons[chosen]`) with
 * "run", "runs" (each run's report, named) and "comparisons" added, and
 * its outcome, why and exit_status those of the whole. Returns the text
 * (the caller frees it), or NULL when out of memory or a report is missing. */
static char *combined_report(const struct scn *s, char **jsons, const bool *ran, size_t chosen,
                             const struct scn_verdict *v, const char *why, int status)
{
    cJSON *top = jsons[chosen] ? cJSON_Parse(jsons[chosen]) : NULL;
    if (!top)
        return NULL;
    cJSON_AddStringToObject(top, "run", s->runs[chosen].name);
    cJSON *runs = cJSON_AddArrayToObject(top, "runs");
    for (size_t r = 0; runs && r < s->nruns; r++) {
        cJSON *one = ran[r] && jsons[r] ? cJSON_Parse(jsons[r]) : NULL;
        if (!one)
            continue;
        cJSON_AddStringToObject(one, "run", s->runs[r].name);
        cJSON_AddItemToArray(runs, one);
    }
    cJSON *cmp = cJSON_AddArrayToObject(top, "comparisons");
    for (size_t i = 0; cmp && i < v->nchecks; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", v->checks[i].path);
        cJSON_AddStringToObject(o, "expected", v->checks[i].expected);
        cJSON_AddStringToObject(o, "got", v->checks[i].got);
        cJSON_AddBoolToObject(o, "held", v->checks[i].held);
        cJSON_AddItemToArray(cmp, o);
    }
    const cJSON *oc = cJSON_GetObjectItemCaseSensitive(top, "outcome");
    if (why[0] && cJSON_IsString(oc) &&
        (!strcmp(oc->valuestring, "ok") || !strcmp(oc->valuestring, "deadlock"))) {
        cJSON_ReplaceItemInObjectCaseSensitive(top, "outcome", cJSON_CreateString("expect_failed"));
        cJSON_DeleteItemFromObjectCaseSensitive(top, "why");
        cJSON_AddStringToObject(top, "why", why);
    }
    cJSON_ReplaceItemInObjectCaseSensitive(top, "exit_status", cJSON_CreateNumber(status));
    char *text = cJSON_Print(top);
    cJSON_Delete(top);
    return text;
}

int cli_run_runs(const struct scn *s, const struct machine_config *base, const char *cpu,
                 const char *only, const struct cli_outputs *outs, bool quiet)
{
    size_t chosen = 0;
    if (only) {
        while (chosen < s->nruns && strcmp(s->runs[chosen].name, only) != 0)
            chosen++;
        if (chosen == s->nruns) {
            char shown[200];
            fprintf(stderr, "ipcemu run: --run %s: %s has no run of that name\n",
                    hf_printable(only, strlen(only), shown, sizeof shown), s->path);
            return EXIT_USAGE;
        }
    }
    char *jsons[SCN_MAX_RUNS] = {0};
    bool ran[SCN_MAX_RUNS] = {false};
    struct scn_snap snap;
    memset(&snap, 0, sizeof snap);
    int status = EXIT_OK;
    for (size_t r = 0; r < s->nruns && status != EXIT_USAGE; r++) {
        if (only && r != chosen)
            continue;
        const struct scn_run *run = &s->runs[r];
        struct machine_config cfg = *base;
        const char *rcpu = run->cpu[0] ? run->cpu : run->arch[0] ? NULL : cpu;
        if (run->arch[0]) {
            const struct emu_arch *a = emu_arch_by_name(run->arch);
            if (!machine_arch_get(a->id)) {
                fprintf(stderr, "ipcemu run: %s: runs.%s.arch: %s is not built into this ipcemu\n",
                        s->path, run->name, run->arch);
                status = EXIT_USAGE;
                break;
            }
            if (base->nuser_images && a->id != base->arch) {
                /* students' programs were compiled for the base architecture */
                fprintf(stderr,
                        "ipcemu run: %s: runs.%s.arch: a scenario with students' programs runs "
                        "on one architecture (give it with --arch instead)\n",
                        s->path, run->name);
                status = EXIT_USAGE;
                break;
            }
            cfg.arch = a->id;
        }
        if (run->cap_cache)
            cfg.cap_cache_lines = run->cap_cache;
        if (run->quantum)
            cfg.quantum = run->quantum;
        cfg.exact_caches |= run->exact_caches;
        /* --cores, else the run's machine.cores, else the scenario's */
        if (!base->ncores)
            cfg.ncores = run->cores ? run->cores : s->cores;
        if (!base->core_quantum)
            cfg.core_quantum = run->core_quantum ? run->core_quantum : s->core_quantum;
        /* the files (trace, Perfetto, CSV) are the chosen run's */
        struct cli_outputs o = *outs;
        if (r != chosen)
            o.trace = o.perfetto = o.csv = NULL;
        o.report_json = &jsons[r];
        o.snap = &snap;
        o.run_index = r;
        struct tm_profile prof;
        int rc = cli_load_cpu_from("run", "--cpu", rcpu, &cfg, &prof);
        if (rc != 0) {
            status = rc;
            break;
        }
        if (!quiet)
            printf("== run %s (%zu of %zu): %s, cpu %s, cap_cache %u ==\n", run->name, r + 1,
                   s->nruns, emu_arch_get(cfg.arch)->name, cfg.profile ? cfg.profile->name : "flat",
                   cfg.cap_cache_lines ? cfg.cap_cache_lines : MACHINE_CAP_CACHE_DEFAULT);
        fflush(stdout);
        size_t n;
        const uint8_t *img = machine_image(cfg.arch, MACHINE_IMAGE_KERNEL, &n);
        rc = cli_run_image("run", &cfg, img, n, &o, quiet, NULL, s);
        if (cfg.profile)
            tm_profile_free(&prof);
        ran[r] = true;
        if (rc > status)
            status = rc;
    }
    struct scn_verdict v = {0};
    char why[600] = "";
    if (status != EXIT_USAGE) {
        if (scn_check_runs(s, &snap, &v, why, sizeof why) != 0 && status == EXIT_OK)
            status = EXIT_RAN_NOT_OK;
        if (!quiet && v.nchecks)
            print_comparisons(&v, why);
        if (outs->report) {
            char err[600];
            char *text = combined_report(s, jsons, ran, chosen, &v, why, status);
            if (hf_write_text(outs->report, text, "the report", err, sizeof err) != 0) {
                fprintf(stderr, "ipcemu run: --report: %s\n", err);
                status = EXIT_USAGE;
            }
        }
    }
    scn_verdict_free(&v);
    for (size_t r = 0; r < SCN_MAX_RUNS; r++)
        free(jsons[r]);
    return status;
}
