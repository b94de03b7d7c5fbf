/* tests/emu/test_timing_golden.c: the timing model's results do not move.
 *
 *   test_emu_timing_golden IPCEMU ARCH GUEST_DIR SCENARIO_DIR GOLDEN.json
 *   test_emu_timing_golden --record IPCEMU GUEST_DIR SCENARIO_DIR > GOLDEN.json
 *
 * Runs bare-metal programs (`ipcemu exec`) and scenarios (`ipcemu run`) on
 * one architecture and compares what the timing model decided (cycles,
 * instructions, where the cycles went, every cache / TLB / predictor
 * counter, the attribution to kernel functions, the trace hash) with the
 * values recorded in GOLDEN.json (tests/emu/timing-golden.json) before the
 * model was made faster. A change meant only to make the model faster must
 * leave all of them as they are; a change to the model itself, or to what
 * runs (guest code, the machine, the scenarios), records the file again
 * (--record, every architecture, with a build whose model is unchanged)
 * and says why in its commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "../integration/harness.h"

static const char *arch, *guest, *scenarios;
static cJSON *golden; /* the whole file */

/* One run: `ipcemu exec` of tests/exec/<what>.c or `ipcemu run` of
 * scenarios/<what>.json, with `opt` (may be NULL). The programs cover the
 * sampled data side (mix, bench: past the exact start), the exact one
 * (ring-64k with --exact-caches), the branch predictor (branch-random);
 * the scenarios traps, address-space switches and TLB flushes. */
struct golden_case {
    const char *name; /* key in the golden file */
    bool scenario;
    const char *what, *opt;
};

static const struct golden_case cases[] = {
    {"exec mix", false, "mix", NULL},
    {"exec bench", false, "bench", NULL},
    {"exec ring-64k exact", false, "ring-64k", "--exact-caches"},
    {"exec branch-random", false, "branch-random", NULL},
    {"run ping-pong", true, "ping-pong", NULL},
    {"run region-churn", true, "region-churn", NULL},
    {"run fan-out-fan-in", true, "fan-out-fan-in", NULL},
};
#define NCASES (sizeof cases / sizeof cases[0])

/* The report members the timing model decides. */
static const char *const members[] = {"outcome",    "cycles",      "instructions",
                                      "breakdown",  "timing",      "attribution",
                                      "trace_hash", "idle_cycles", "interrupts"};

/* Runs case k on architecture `a`; returns the report's members above in
 * a new object (NULL when the run wrote no report). */
static cJSON *run_case(const struct golden_case *k, const char *a)
{
    char path[600];
    struct result r;
    if (k->scenario) {
        snprintf(path, sizeof path, "%s/%s.json", scenarios, k->what);
        r = run(1, "run", path, "--arch", a, "--quiet", k->opt, NULL);
    } else {
        snprintf(path, sizeof path, "%s/%s/exec-%s.elf", guest, a, k->what);
        r = run(1, "exec", "--arch", a, path, "--quiet", k->opt, NULL);
    }
    cJSON *out = NULL;
    if (r.report) {
        out = cJSON_CreateObject();
        for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(r.report, members[i]);
            if (m)
                cJSON_AddItemToObject(out, members[i], cJSON_Duplicate(m, 1));
        }
    }
    result_free(&r);
    return out;
}

/* Each case's figures equal the recorded ones, member by member. */
static void figures_match_the_recorded_ones(void **state)
{
    (void)state;
    const cJSON *mine = cJSON_GetObjectItemCaseSensitive(golden, arch);
    if (!mine)
        fail_msg("the golden file has no figures for %s", arch);
    int bad = 0;
    for (size_t i = 0; i < NCASES; i++) {
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(mine, cases[i].name);
        cJSON *got = run_case(&cases[i], arch);
        if (!want || !got) {
            fprintf(stderr, "%s %s: %s\n", arch, cases[i].name,
                    !want ? "not in the golden file" : "no report");
            bad++;
            cJSON_Delete(got);
            continue;
        }
        for (size_t m = 0; m < sizeof members / sizeof members[0]; m++) {
            const cJSON *w = cJSON_GetObjectItemCaseSensitive(want, members[m]);
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, members[m]);
            if ((!w && !g) || (w && g && cJSON_Compare(w, g, 1)))
                continue;
            char *ws = w ? cJSON_PrintUnformatted(w) : NULL;
            char *gs = g ? cJSON_PrintUnformatted(g) : NULL;
            fprintf(stderr, "%s %s: %s changed\n  recorded %s\n  now      %s\n", arch,
                    cases[i].name, members[m], ws ? ws : "(none)", gs ? gs : "(none)");
            free(ws);
            free(gs);
            bad++;
        }
        cJSON_Delete(got);
    }
    assert_int_equal(bad, 0);
}

/* --record: prints the golden file of every architecture. Returns the
 * exit status. */
static int record(void)
{
    static const char *const arches[] = {"x86_64", "aarch64", "riscv64"};
    cJSON *all = cJSON_CreateObject();
    int rc = 0;
    if (setup(NULL) != 0)
        return 1;
    for (size_t a = 0; a < 3; a++) {
        cJSON *one = cJSON_AddObjectToObject(all, arches[a]);
        for (size_t i = 0; i < NCASES; i++) {
            cJSON *got = run_case(&cases[i], arches[a]);
            if (!got) {
                fprintf(stderr, "%s %s: no report\n", arches[a], cases[i].name);
                rc = 1;
                continue;
            }
            cJSON_AddItemToObject(one, cases[i].name, got);
        }
    }
    char *text = cJSON_Print(all);
    if (text)
        printf("%s\n", text);
    free(text);
    cJSON_Delete(all);
    teardown(NULL);
    return text ? rc : 1;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "--record")) {
        ipcemu = argv[2];
        guest = argv[3];
        scenarios = argv[4];
        return record();
    }
    if (argc != 6) {
        fprintf(stderr,
                "usage: %s IPCEMU ARCH GUEST_DIR SCENARIO_DIR GOLDEN.json\n"
                "       %s --record IPCEMU GUEST_DIR SCENARIO_DIR > GOLDEN.json\n",
                argv[0], argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    guest = argv[3];
    scenarios = argv[4];
    char *text = read_whole(argv[5], NULL);
    golden = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!golden) {
        fprintf(stderr, "%s: cannot read %s as JSON\n", argv[0], argv[5]);
        return 2;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(figures_match_the_recorded_ones)};
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    cJSON_Delete(golden);
    return rc;
}
