/* tests/ui/test_phases.c: the phase view (ui/phases.c, `ipcemu view
 * --phases`) rendered headless from real reports (ipcemu run --report on
 * scenarios/, the three architectures), checked by what the picture
 * shows: each bar is as long as its mean on the picture's one axis, its
 * phases in their colours and order; the text at its end is "mean N
 * cycles" with that same N (compared with the text rendered alone); the
 * median is a separate tick; with a fixed axis two pictures draw equal
 * cycles with equal pixels, and a bar past the axis is cut and marked;
 * groups (by scenario, --group, or a report's named runs) put two
 * configurations side by side;
 * bad input is refused with one line and exit status 2.
 *
 * usage: test_ui_phases IPCEMU SCENARIOS_DIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "tests/integration/harness.h"
#include "ui/phases.h"
#include "util/hostfile.h"

static const char *scenarios;
static const char *const arches[3] = {"x86_64", "aarch64", "riscv64"};

/* Runs scenario `name` on `arch` with --report once; returns the
 * report's path (a static buffer per call site's use: copy it). */
static const char *report_of(const char *name, const char *arch)
{
    static char rep[4096];
    char scn[4096];
    snprintf(scn, sizeof scn, "%s/%s.json", scenarios, name);
    snprintf(rep, sizeof rep, "%s/%s-%s.json", tmpdir, name, arch);
    if (access(rep, R_OK) != 0) {
        struct result r = run(0, "run", scn, "--arch", arch, "--quiet", "--report", rep, NULL);
        assert_int_equal(r.status, 0);
        result_free(&r);
    }
    return rep;
}

/* The report's paths.<path>.<key>, read independently of ui/phases.c. */
static double report_number(const char *rep, const char *path, const char *key)
{
    char *text = read_whole(rep, NULL);
    assert_non_null(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *p =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "paths"), path);
    double v = jnum(p, key);
    cJSON_Delete(root);
    return v;
}

struct pic {
    SDL_Surface *s;
    SDL_Renderer *r;
    struct ui_font font;
    struct ui_phase_layout L;
    uint32_t *px;
    int w, h;
};

/* Renders set s at w x h (h 0: its natural height) with the view's font. */
static void render(struct pic *p, const struct ui_phase_set *s, int w, int h)
{
    char err[512];
    p->s = SDL_CreateRGBSurfaceWithFormat(0, w, h > 0 ? h : 2000, 32, SDL_PIXELFORMAT_ARGB8888);
    p->r = SDL_CreateSoftwareRenderer(p->s);
    assert_non_null(p->r);
    assert_int_equal(ui_font_open(&p->font, p->r, UI_PHASES_FONT_PX, err, sizeof err), 0);
    if (h <= 0) {
        ui_phases_layout(s, &p->font, w, 0, 1, &p->L);
        h = p->L.height;
        assert_true(h > 0 && h <= 2000);
    }
    p->w = w;
    p->h = h;
    ui_phases_draw(p->r, &p->font, s, w, h, 1);
    ui_phases_layout(s, &p->font, w, h, 1, &p->L);
    p->px = malloc((size_t)w * (size_t)h * 4);
    SDL_Rect all = {0, 0, w, h};
    assert_int_equal(SDL_RenderReadPixels(p->r, &all, SDL_PIXELFORMAT_ARGB8888, p->px, w * 4), 0);
}

static void pic_free(struct pic *p)
{
    free(p->px);
    ui_font_close(&p->font);
    SDL_DestroyRenderer(p->r);
    SDL_FreeSurface(p->s);
}

static uint32_t at(const struct pic *p, int x, int y)
{
    if (x < 0 || y < 0 || x >= p->w || y >= p->h)
        return 0;
    return p->px[(size_t)y * (size_t)p->w + (size_t)x] & 0xffffff;
}

static uint32_t rgb(SDL_Color c)
{
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

/* The phase whose colour pixel (x, y) has, or -1. */
static int phase_at(const struct pic *p, int x, int y)
{
    for (int k = 0; k < UI_PHASE_COUNT; k++)
        if (at(p, x, y) == rgb(ui_phase_color[k]))
            return k;
    return -1;
}

/* The pixels of bar b's row (just below its top edge, above any text)
 * that have a phase's colour: all of them, or phase k's. */
static int bar_pixels(const struct pic *p, size_t b, int k)
{
    int n = 0, y = p->L.bar_y[b] + 1;
    for (int x = 0; x < p->w; x++) {
        int got = phase_at(p, x, y);
        n += k < 0 ? got >= 0 : got == k;
    }
    return n;
}

static bool dark(uint32_t c)
{
    return (c >> 16 & 255) * 299 + (c >> 8 & 255) * 587 + (c & 255) * 114 < 128000;
}

/* Whether the picture shows text `s` at (x, y): its dark pixels match
 * those of `s` rendered alone with the same font (a few antialiased ones
 * may differ over a gridline). */
static bool shows_text(const struct pic *p, int x, int y, const char *s)
{
    int tw = ui_text_width(&p->font, s), th = p->font.h;
    SDL_Surface *s2 = SDL_CreateRGBSurfaceWithFormat(0, tw, th, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r2 = SDL_CreateSoftwareRenderer(s2);
    struct ui_font f2;
    char err[256];
    assert_int_equal(ui_font_open(&f2, r2, UI_PHASES_FONT_PX, err, sizeof err), 0);
    SDL_SetRenderDrawColor(r2, 250, 250, 250, 255);
    SDL_RenderClear(r2);
    ui_text(r2, &f2, 0, 0, (SDL_Color){33, 33, 33, 255}, s);
    uint32_t *ref = malloc((size_t)tw * (size_t)th * 4);
    SDL_Rect all = {0, 0, tw, th};
    assert_int_equal(SDL_RenderReadPixels(r2, &all, SDL_PIXELFORMAT_ARGB8888, ref, tw * 4), 0);
    int differ = 0, inked = 0;
    for (int yy = 0; yy < th; yy++)
        for (int xx = 0; xx < tw; xx++) {
            bool want = dark(ref[(size_t)yy * (size_t)tw + (size_t)xx]);
            inked += want;
            differ += want != dark(at(p, x + xx, y + yy));
        }
    free(ref);
    ui_font_close(&f2);
    SDL_DestroyRenderer(r2);
    SDL_FreeSurface(s2);
    return inked > 0 && differ <= 3 + inked / 50;
}

/* Loads path `path` of the reports into s (no groups named). */
static void load(struct ui_phase_set *s, const char *path, char reps[][4096], size_t n)
{
    struct ui_phase_report r[UI_PHASES_MAX_REPORTS];
    for (size_t i = 0; i < n; i++)
        r[i] = (struct ui_phase_report){reps[i], NULL};
    const char *paths[] = {path};
    char err[512];
    if (ui_phases_load(s, paths, 1, r, n, err, sizeof err) != 0)
        print_error("%s\n", err);
    assert_int_equal(s->nbars, n);
}

/* ping-pong's ipc.call.fast on the three architectures: each bar is as
 * long as its mean (the report's cycles_mean) on one axis that holds the
 * largest, its phases in order and to scale; the text at its end is
 * "mean N cycles" for that mean, not the median; the median is a tick
 * above and below the bar. */
static void bars_draw_the_mean_they_are_labelled_with(void **state)
{
    (void)state;
    char reps[3][4096];
    for (int i = 0; i < 3; i++)
        snprintf(reps[i], sizeof reps[i], "%s", report_of("ping-pong", arches[i]));
    struct ui_phase_set set;
    load(&set, "ipc.call.fast", reps, 3);
    struct pic p;
    render(&p, &set, 1400, 0);
    double top = 0;
    for (size_t b = 0; b < set.nbars; b++) {
        top = fmax(top, fmax(set.bars[b].mean, set.bars[b].median));
        assert_non_null(strstr(set.bars[b].label, arches[b]));
    }
    assert_true(p.L.axis >= top && p.L.axis - p.L.step < top);
    double px_per_cycle = p.L.bar_w / p.L.axis;
    for (size_t b = 0; b < set.nbars; b++) {
        const struct ui_phase_bar *bar = &set.bars[b];
        double mean = report_number(reps[b], "ipc.call.fast", "cycles_mean");
        double median = report_number(reps[b], "ipc.call.fast", "cycles_median");
        assert_true(fabs(bar->mean - mean) < 1e-6 && bar->median == median);
        assert_true(fabs(mean - median) >= 1); /* so that the label tells them apart */
        /* the bar: the mean on the shared axis, each phase to scale, in order */
        int len = bar_pixels(&p, b, -1);
        if (abs(len - (int)lround(mean * px_per_cycle)) > 2)
            print_error("%s: %d pixels for mean %.1f, %.1f expected\n", bar->label, len, mean,
                        mean * px_per_cycle);
        assert_true(abs(len - (int)lround(mean * px_per_cycle)) <= 2);
        int last = -1;
        for (int k = 0; k < UI_PHASE_COUNT; k++) {
            double want = bar->cycles[k] * px_per_cycle;
            assert_true(abs(bar_pixels(&p, b, k) - (int)lround(want)) <= 2);
            if (want >= 3) {
                int first = p.L.bar_x;
                while (phase_at(&p, first, p.L.bar_y[b] + 1) != k)
                    first++;
                assert_true(first > last);
                last = first;
            }
        }
        /* the label: the statistic drawn */
        char want[64], buf[64];
        snprintf(want, sizeof want, "mean %.0f cycles", mean);
        assert_string_equal(ui_phases_mean_label(bar, buf, sizeof buf), want);
        int ty = p.L.bar_y[b] + (p.L.bar_h - p.font.h) / 2;
        assert_true(p.L.mean_x[b] > p.L.bar_x + len);
        assert_true(shows_text(&p, p.L.mean_x[b], ty, want));
        snprintf(buf, sizeof buf, "mean %.0f cycles", median);
        assert_false(shows_text(&p, p.L.mean_x[b], ty, buf));
        /* the median: a black notch above and below the bar */
        int mx = p.L.bar_x + (int)lround(median * px_per_cycle);
        uint32_t black = rgb(ui_phase_median_color);
        assert_true(at(&p, mx, p.L.bar_y[b] - 2) == black ||
                    at(&p, mx - 1, p.L.bar_y[b] - 2) == black);
        assert_true(at(&p, mx, p.L.bar_y[b] + p.L.bar_h + 1) == black ||
                    at(&p, mx - 1, p.L.bar_y[b] + p.L.bar_h + 1) == black);
        /* its label line names the run and the median */
        assert_true(shows_text(&p, p.L.bar_x, p.L.label_y[b], bar->label));
    }
    /* the legend: a swatch per phase some bar has, and the median's tick */
    for (int k = 0; k < UI_PHASE_COUNT; k++) {
        bool used = false, shown = false;
        for (size_t b = 0; b < set.nbars; b++)
            used |= set.bars[b].cycles[k] > 0;
        for (int y = p.L.legend_y; y < p.h && !shown; y++)
            for (int x = 0, run = 0; x < p.w && !shown; x++) { /* a swatch, not a text pixel */
                run = phase_at(&p, x, y) == k ? run + 1 : 0;
                shown = run >= p.font.w;
            }
        assert_int_equal(used, shown);
    }
    pic_free(&p);
}

/* Two pictures of different runs on one fixed axis draw equal cycles
 * with equal pixels (on their own axes they do not); a bar past the axis
 * fills it, is marked ">", and still says its real mean. */
static void a_fixed_axis_makes_separate_pictures_compare(void **state)
{
    (void)state;
    char reps[3][4096];
    for (int i = 0; i < 3; i++)
        snprintf(reps[i], sizeof reps[i], "%s", report_of("ping-pong", arches[i]));
    struct ui_phase_set all, one;
    load(&all, "ipc.call.fast", reps, 3);
    size_t low = 0; /* the run with the shortest bar, alone in the other picture */
    for (size_t b = 1; b < 3; b++)
        if (all.bars[b].mean < all.bars[low].mean)
            low = b;
    load(&one, "ipc.call.fast", &reps[low], 1);
    struct pic a, b;
    render(&a, &all, 1400, 500);
    render(&b, &one, 1400, 300);
    assert_true(b.L.axis < a.L.axis); /* each on its own axis: not comparable */
    assert_true(bar_pixels(&b, 0, -1) > bar_pixels(&a, low, -1) + 10);
    pic_free(&a);
    pic_free(&b);
    all.axis = one.axis = 1000;
    render(&a, &all, 1400, 500);
    render(&b, &one, 1400, 300);
    assert_int_equal(a.L.bar_x, b.L.bar_x);
    assert_int_equal(a.L.bar_w, b.L.bar_w);
    assert_true(a.L.axis == 1000 && b.L.axis == 1000);
    int la = bar_pixels(&a, low, -1), lb = bar_pixels(&b, 0, -1);
    assert_true(abs(la - lb) <= 1);
    assert_true(abs(la - (int)lround(one.bars[0].mean / 1000 * b.L.bar_w)) <= 2);
    for (int k = 0; k < UI_PHASE_COUNT; k++)
        assert_true(abs(bar_pixels(&a, low, k) - bar_pixels(&b, 0, k)) <= 1);
    pic_free(&a);
    pic_free(&b);
    /* past the axis: cut at its end and marked, the label unchanged */
    one.axis = floor(one.bars[0].mean / 2);
    render(&b, &one, 1400, 300);
    assert_true(abs(bar_pixels(&b, 0, -1) - b.L.bar_w) <= 1);
    char label[64];
    int ty = b.L.bar_y[0] + (b.L.bar_h - b.font.h) / 2;
    assert_true(shows_text(&b, b.L.bar_x + b.L.bar_w + 4, ty, ">"));
    assert_true(
        shows_text(&b, b.L.mean_x[0], ty, ui_phases_mean_label(&one.bars[0], label, sizeof label)));
    pic_free(&b);
}

/* A hot and a thrashing capability cache on the three architectures:
 * two groups headed by their scenarios, one axis, the thrashing run's
 * bar the longer on each architecture. Named groups, two paths, and two
 * runs that would read the same (told apart by their files). */
static void groups_put_configurations_side_by_side(void **state)
{
    (void)state;
    char reps[6][4096];
    for (int i = 0; i < 6; i++)
        snprintf(reps[i], sizeof reps[i], "%s",
                 report_of(i < 3 ? "cap-cache-fit" : "cap-cache-thrash", arches[i % 3]));
    struct ui_phase_set set;
    load(&set, "ipc.call.fast", reps, 6);
    assert_int_equal(set.ngroups, 2);
    assert_string_equal(set.groups[0], "scenario cap-cache-fit");
    assert_string_equal(set.groups[1], "scenario cap-cache-thrash");
    struct pic p;
    render(&p, &set, 1600, 0);
    for (size_t g = 0; g < 2; g++)
        assert_true(shows_text(&p, 12, p.L.group_y[g], set.groups[g]));
    for (size_t b = 0; b < 6; b++) {
        assert_int_equal(set.bars[b].group, b / 3);
        int want = (int)lround(set.bars[b].mean / p.L.axis * p.L.bar_w);
        assert_true(abs(bar_pixels(&p, b, -1) - want) <= 2);
        if (b >= 3) /* the lesson shows: thrashing costs more on every arch */
            assert_true(bar_pixels(&p, b, -1) > bar_pixels(&p, b - 3, -1));
        if (b)
            assert_true(p.L.bar_y[b] > p.L.bar_y[b - 1] + p.L.bar_h);
    }
    pic_free(&p);
    /* named groups, two paths per report, and twins told apart */
    struct ui_phase_report r[3] = {{reps[0], "hot"}, {reps[3], "thrash"}, {reps[3], "thrash"}};
    const char *paths[] = {"ipc.call.fast", "ipc.roundtrip.slow"};
    char err[512];
    assert_int_equal(ui_phases_load(&set, paths, 2, r, 3, err, sizeof err), 0);
    assert_int_equal(set.ngroups, 2);
    assert_int_equal(set.nbars, 6);
    assert_string_equal(set.groups[0], "hot");
    assert_string_equal(set.groups[1], "thrash");
    assert_string_equal(set.bars[0].path, "ipc.call.fast");
    assert_string_equal(set.bars[1].path, "ipc.roundtrip.slow");
    assert_string_equal(set.bars[0].label, "x86_64 (skylake)");
    assert_non_null(strstr(set.bars[2].label, "cap-cache-thrash-x86_64.json"));
    assert_int_equal(set.bars[4].group, 1);
}

/* Writes `text` to tmpdir/name; returns the path (static buffer). */
static const char *write_tmp(const char *name, const char *text)
{
    static char path[4096];
    char why[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    assert_int_equal(hf_write_file(path, text, strlen(text), why, sizeof why), 0);
    return path;
}

/* Returns report file `path` parsed (the caller deletes it). */
static cJSON *parse_file(const char *path)
{
    char *text = read_whole(path, NULL);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    return j;
}

/* A report with named runs (docs/scenarios.md "Named runs": the first
 * run's report plus "run" and "runs", each run's report with its "run")
 * gives a bar per run, grouped by run name across the architectures'
 * files; a group named twice, not in a row, is one group. */
static void named_runs_are_configurations_side_by_side(void **state)
{
    (void)state;
    char files[2][4096];
    for (int a = 0; a < 2; a++) {
        cJSON *fit = parse_file(report_of("cap-cache-fit", arches[a]));
        cJSON *thrash = parse_file(report_of("cap-cache-thrash", arches[a]));
        cJSON *top = cJSON_Duplicate(fit, 1);
        cJSON_AddStringToObject(top, "run", "fit");
        cJSON_AddStringToObject(fit, "run", "fit");
        cJSON_AddStringToObject(thrash, "run", "thrash");
        cJSON *runs = cJSON_AddArrayToObject(top, "runs");
        cJSON_AddItemToArray(runs, fit);
        cJSON_AddItemToArray(runs, thrash);
        char *text = cJSON_Print(top);
        char name[64];
        snprintf(name, sizeof name, "runs-%s.json", arches[a]);
        snprintf(files[a], sizeof files[a], "%s", write_tmp(name, text));
        free(text);
        cJSON_Delete(top);
    }
    struct ui_phase_report r[2] = {{files[0], NULL}, {files[1], NULL}};
    const char *paths[] = {"ipc.call.fast"};
    struct ui_phase_set set;
    char err[512];
    assert_int_equal(ui_phases_load(&set, paths, 1, r, 2, err, sizeof err), 0);
    assert_int_equal(set.ngroups, 2);
    assert_int_equal(set.nbars, 4);
    assert_string_equal(set.groups[0], "scenario cap-cache-fit, run fit");
    assert_string_equal(set.groups[1], "scenario cap-cache-fit, run thrash");
    const char *want[4] = {"x86_64", "aarch64", "x86_64", "aarch64"};
    for (size_t b = 0; b < 4; b++) {
        assert_int_equal(set.bars[b].group, b / 2);
        assert_non_null(strstr(set.bars[b].label, want[b]));
        double mean =
            report_number(report_of(b < 2 ? "cap-cache-fit" : "cap-cache-thrash", arches[b % 2]),
                          "ipc.call.fast", "cycles_mean");
        assert_true(fabs(set.bars[b].mean - mean) < 1e-6);
    }
    /* --group a X --group b Y --group a Z: a holds X and Z */
    char reps[3][4096];
    for (int a = 0; a < 3; a++)
        snprintf(reps[a], sizeof reps[a], "%s", report_of("ping-pong", arches[a]));
    struct ui_phase_report g[3] = {{reps[0], "a"}, {reps[1], "b"}, {reps[2], "a"}};
    assert_int_equal(ui_phases_load(&set, paths, 1, g, 3, err, sizeof err), 0);
    assert_int_equal(set.ngroups, 2);
    assert_non_null(strstr(set.bars[1].label, "riscv64"));
    assert_int_equal(set.bars[1].group, 0);
    assert_int_equal(set.bars[2].group, 1);
}

/* The PNG's height from its IHDR chunk. */
static long png_height(const char *path)
{
    size_t len;
    unsigned char *b = (unsigned char *)read_whole(path, &len);
    assert_true(b && len > 24);
    long h = (long)b[20] << 24 | b[21] << 16 | b[22] << 8 | b[23];
    free(b);
    return h;
}

static void assert_refused(struct result *r, const char *what)
{
    if (r->status != 2 || !strstr(r->err, what))
        print_error("status %d, stderr: %s (wanted %s)\n", r->status, r->err, what);
    assert_int_equal(r->status, 2);
    assert_non_null(strstr(r->err, what));
    assert_ptr_equal(strchr(r->err, '\n'), r->err + strlen(r->err) - 1); /* one line */
}

/* The command: a picture as high as it needs without --size; one line
 * and exit status 2 on bad input. */
static void the_command_draws_and_refuses_bad_input(void **state)
{
    (void)state;
    char reps[3][4096], png[4096];
    for (int i = 0; i < 3; i++)
        snprintf(reps[i], sizeof reps[i], "%s", report_of("ping-pong", arches[i]));
    snprintf(png, sizeof png, "%s/phases.png", tmpdir);
    struct result r =
        run(0, "view", "--phases", reps[0], reps[1], reps[2], "--axis", "1k", "--png", png, NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    struct ui_phase_set set;
    load(&set, "ipc.call.fast", reps, 3);
    set.axis = 1000;
    struct pic p;
    render(&p, &set, 1600, 0);
    assert_int_equal(png_height(png), p.L.height);
    pic_free(&p);
    r = run(0, "view", "--phases", "--path", "ipc.call.fast", "--path", "ipc.reply.fast", "--group",
            "a", reps[0], "--group", "b", reps[1], "--png", png, "--size", "900x700", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(png_height(png), 700);
    result_free(&r);
    r = run(0, "view", "--phases", reps[0], "--axis", "0", "--png", png, NULL);
    assert_refused(&r, "--axis 0");
    result_free(&r);
    r = run(0, "view", reps[0], "--axis", "500", "--png", png, NULL);
    assert_refused(&r, "are for --phases");
    result_free(&r);
    r = run(0, "view", "--phases", "--path", "a", "--path", "b", "--path", "c", "--path", "d",
            "--path", "e", reps[0], NULL);
    assert_refused(&r, "at most 4 paths");
    result_free(&r);
    r = run(0, "view", "--phases", "--path", "ipc.no.such", reps[0], "--png", png, NULL);
    assert_refused(&r, "paths.ipc.no.such has no phases");
    result_free(&r);
    /* a report whose phases do not add up to its mean, and one that is none */
    const char *bad = write_tmp(
        "bad.json", "{\"arch\":\"x86_64\",\"cpu\":\"skylake\",\"paths\":{\"ipc.call.fast\":"
                    "{\"count\":2,\"cycles_median\":5,\"cycles_mean\":99,"
                    "\"phases\":{\"trap\":3,\"copy\":4}}}}");
    r = run(0, "view", "--phases", bad, "--png", png, NULL);
    assert_refused(&r, "add up to 7.00 cycles, not its cycles_mean 99.00");
    result_free(&r);
    char scn[4096];
    snprintf(scn, sizeof scn, "%s/ping-pong.json", scenarios);
    r = run(0, "view", "--phases", scn, "--png", png, NULL);
    assert_refused(&r, "not an ipcemu report");
    result_free(&r);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IPCEMU SCENARIOS_DIR\n", argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    scenarios = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bars_draw_the_mean_they_are_labelled_with),
        cmocka_unit_test(a_fixed_axis_makes_separate_pictures_compare),
        cmocka_unit_test(groups_put_configurations_side_by_side),
        cmocka_unit_test(named_runs_are_configurations_side_by_side),
        cmocka_unit_test(the_command_draws_and_refuses_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
