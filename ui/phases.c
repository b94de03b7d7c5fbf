/* ui/phases.c: the phase view (see phases.h). */
#include "ui/phases.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hostfile.h"

/* The largest cycle count a report may give: 2^64. */
#define PHASE_MAX 18446744073709551616.0

/* The report's phases, in its order (abi/kphases.h). */
const char *const ui_phase_names[UI_PHASE_COUNT] = {
#define UI_PHASE_NAME(id, name) [KPHASE_##id] = name,
    KPHASES(UI_PHASE_NAME)
#undef UI_PHASE_NAME
};
/* One colour per phase, by enum kphase: trap, decode, lookup, copy,
 * handoff, switch, return, timer, trace, lock, logic, user, idle. */
const SDL_Color ui_phase_color[] = {
    {31, 119, 180, 255},  {255, 127, 14, 255},  {44, 160, 44, 255},   {214, 39, 40, 255},
    {148, 103, 189, 255}, {140, 86, 75, 255},   {227, 119, 194, 255}, {127, 127, 127, 255},
    {188, 189, 34, 255},  {255, 152, 150, 255}, {23, 190, 207, 255},  {57, 59, 121, 255},
    {199, 199, 199, 255},
};
_Static_assert(sizeof ui_phase_color / sizeof ui_phase_color[0] == KPHASE_COUNT,
               "ui/phases.c: one colour per phase of abi/kphases.h");
const SDL_Color ui_phase_median_color = {0, 0, 0, 255};

static const SDL_Color ink = {33, 33, 33, 255}, faint = {97, 97, 97, 255},
                       grid = {222, 222, 222, 255}, paper = {250, 250, 250, 255};

SDL_Color ui_phase_text_color(int k)
{
    SDL_Color c = ui_phase_color[k];
    bool light = 299 * c.r + 587 * c.g + 114 * c.b > 150000;
    return light ? ink : (SDL_Color){255, 255, 255, 255};
}

/* Returns the last part of a file's path. */
static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

/* Returns a report's number at `key` of `obj`, 0 when absent, clamped to
 * 0 .. 2^64 (so that the bars' arithmetic stays finite). */
static double number(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    double x = cJSON_IsNumber(v) && v->valuedouble > 0 ? v->valuedouble : 0;
    return x < PHASE_MAX ? x : PHASE_MAX;
}

/* Fills bar b from path object p of a report. Returns 0, or -1 with
 * err[n] when its phases do not add up to its cycles_mean. */
static int read_bar(struct ui_phase_bar *b, const cJSON *p, const cJSON *ph, const char *file,
                    char *err, size_t n)
{
    b->count = number(p, "count");
    b->median = number(p, "cycles_median");
    for (int k = 0; k < UI_PHASE_COUNT; k++) {
        b->cycles[k] = number(ph, ui_phase_names[k]);
        b->mean += b->cycles[k];
    }
    const cJSON *cm = cJSON_GetObjectItemCaseSensitive(p, "cycles_mean");
    if (cJSON_IsNumber(cm) && !(fabs(cm->valuedouble - b->mean) <= 0.01 + 1e-9 * b->mean)) {
        snprintf(err, n, "%s: paths.%s: its phases add up to %.2f cycles, not its cycles_mean %.2f",
                 file, b->path, b->mean, cm->valuedouble);
        return -1;
    }
    return 0;
}

/* What ui_phases_load gathers before it orders the bars by group. */
struct gather {
    struct ui_phase_bar bars[UI_PHASES_MAX_BARS];
    char key[UI_PHASES_MAX_BARS][96]; /* each bar's group heading */
    size_t file[UI_PHASES_MAX_BARS];  /* the report it came from */
    size_t n;
};

/* Reads the paths of report `rep` (a run's report, or the whole file's)
 * into bars of g headed `key`. Returns 0, or -1 with err[n]. */
static int load_report(struct gather *g, const struct ui_phase_set *s, const cJSON *rep,
                       const char *key, size_t fi, const char *file, char *err, size_t n)
{
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(rep, "paths");
    const cJSON *arch = cJSON_GetObjectItemCaseSensitive(rep, "arch");
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(rep, "cpu");
    if (!cJSON_IsString(arch)) {
        snprintf(err, n, "%s: not an ipcemu report (JSON with \"arch\" and \"paths\")", file);
        return -1;
    }
    for (size_t k = 0; k < s->npaths; k++) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(paths, s->paths[k]);
        const cJSON *ph = cJSON_GetObjectItemCaseSensitive(p, "phases");
        if (!cJSON_IsObject(ph)) {
            snprintf(err, n, "%s: paths.%s has no phases (the run never took that path)", file,
                     s->paths[k]);
            return -1;
        }
        if (g->n == UI_PHASES_MAX_BARS) {
            snprintf(err, n, "%s: more than %d bars (reports and their runs, times paths)", file,
                     UI_PHASES_MAX_BARS);
            return -1;
        }
        struct ui_phase_bar *b = &g->bars[g->n];
        memset(b, 0, sizeof *b);
        snprintf(b->label, sizeof b->label, "%.40s (%.40s)", arch->valuestring,
                 cJSON_IsString(cpu) ? cpu->valuestring : "?");
        snprintf(b->path, sizeof b->path, "%s", s->paths[k]);
        snprintf(g->key[g->n], sizeof g->key[0], "%s", key);
        g->file[g->n++] = fi;
        if (read_bar(b, p, ph, file, err, n) != 0)
            return -1;
    }
    return 0;
}

/* Reads report file `fi` into g: its own paths, or with named runs
 * ("runs": docs/scenarios.md "Named runs") each run's, headed by its
 * name. Returns 0, or -1 with err[n]. */
static int load_file(struct gather *g, const struct ui_phase_set *s, const cJSON *root,
                     const struct ui_phase_report *r, size_t fi, char *err, size_t n)
{
    const cJSON *scn = cJSON_GetObjectItemCaseSensitive(root, "scenario");
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(root, "runs");
    const char *sn = cJSON_IsString(scn) ? scn->valuestring : "";
    char key[96];
    if (r->group)
        snprintf(key, sizeof key, "%.95s", r->group);
    else if (*sn)
        snprintf(key, sizeof key, "scenario %.80s", sn);
    else
        snprintf(key, sizeof key, "%.95s", base_name(r->file));
    if (!cJSON_IsArray(runs) || cJSON_GetArraySize(runs) == 0)
        return load_report(g, s, root, key, fi, r->file, err, n);
    const cJSON *one;
    cJSON_ArrayForEach(one, runs)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(one, "run");
        char rk[96];
        snprintf(rk, sizeof rk, "%.58s, run %.30s", key,
                 cJSON_IsString(name) ? name->valuestring : "?");
        if (load_report(g, s, one, rk, fi, r->file, err, n) != 0)
            return -1;
    }
    return 0;
}

int ui_phases_load(struct ui_phase_set *s, const char *const *paths, size_t npaths,
                   const struct ui_phase_report *reports, size_t nreports, char *err, size_t n)
{
    memset(s, 0, sizeof *s);
    if (npaths == 0 || npaths > UI_PHASES_MAX_PATHS) {
        snprintf(err, n, "give 1 to %d paths", UI_PHASES_MAX_PATHS);
        return -1;
    }
    if (nreports == 0 || nreports > UI_PHASES_MAX_REPORTS) {
        snprintf(err, n, "give 1 to %d reports (`ipcemu run ... --report FILE`)",
                 UI_PHASES_MAX_REPORTS);
        return -1;
    }
    for (size_t k = 0; k < npaths; k++) {
        if (strlen(paths[k]) >= sizeof s->paths[k]) {
            snprintf(err, n, "path %.40s...: no report has a path that long", paths[k]);
            return -1;
        }
        snprintf(s->paths[k], sizeof s->paths[k], "%s", paths[k]);
    }
    s->npaths = npaths;
    struct gather g;
    g.n = 0;
    for (size_t i = 0; i < nreports; i++) {
        /* a regular file only (a FIFO would block), of a report's size */
        size_t len;
        char *text = (char *)hf_read_input(reports[i].file, 64u << 20, &len, err, n);
        if (!text)
            return -1;
        cJSON *root = cJSON_ParseWithLength(text, len);
        free(text);
        int rc = -1;
        if (!cJSON_IsObject(root))
            snprintf(err, n, "%s: not an ipcemu report (JSON with \"arch\" and \"paths\")",
                     reports[i].file);
        else
            rc = load_file(&g, s, root, &reports[i], i, err, n);
        cJSON_Delete(root);
        if (rc != 0)
            return -1;
    }
    /* the groups in the order they first appear, each with all its bars */
    size_t file_of[UI_PHASES_MAX_BARS];
    for (size_t b = 0; b < g.n; b++) {
        size_t k = 0;
        while (k < s->ngroups && strcmp(s->groups[k], g.key[b]) != 0)
            k++;
        if (k == s->ngroups)
            snprintf(s->groups[s->ngroups++], sizeof s->groups[0], "%s", g.key[b]);
        g.bars[b].group = k;
    }
    for (size_t k = 0; k < s->ngroups; k++)
        for (size_t b = 0; b < g.n; b++)
            if (g.bars[b].group == k) {
                file_of[s->nbars] = g.file[b];
                s->bars[s->nbars++] = g.bars[b];
            }
    /* two bars of a group that would read the same get their files' names */
    bool same[UI_PHASES_MAX_BARS] = {false};
    for (size_t a = 0; a < s->nbars; a++)
        for (size_t b = a + 1; b < s->nbars; b++)
            if (s->bars[a].group == s->bars[b].group && file_of[a] != file_of[b] &&
                !strcmp(s->bars[a].path, s->bars[b].path) &&
                !strcmp(s->bars[a].label, s->bars[b].label))
                same[a] = same[b] = true;
    for (size_t b = 0; b < s->nbars; b++)
        if (same[b]) {
            size_t l = strlen(s->bars[b].label);
            snprintf(s->bars[b].label + l, sizeof s->bars[b].label - l, " %.40s",
                     base_name(reports[file_of[b]].file));
        }
    return 0;
}

static int px(float scale, int n)
{
    int v = (int)lroundf((float)n * scale);
    return v > 0 ? v : 1;
}

const char *ui_phases_mean_label(const struct ui_phase_bar *b, char *buf, size_t n)
{
    snprintf(buf, n, "mean %.0f cycles", b->mean);
    return buf;
}

/* Writes the line under bar b's label into buf[n]. Returns buf. */
static const char *sub_label(const struct ui_phase_set *s, const struct ui_phase_bar *b, char *buf,
                             size_t n)
{
    snprintf(buf, n, "%s%s%.0f spans, median %.0f", s->npaths > 1 ? b->path : "",
             s->npaths > 1 ? "   " : "", b->count, b->median);
    return buf;
}

/* Writes cycle count v as an axis label ("500", "1.5k", "2M") into b[n]. */
static void axis_label(char *b, size_t n, double v)
{
    if (v >= 1e9)
        snprintf(b, n, "%gG", v / 1e9);
    else if (v >= 1e6)
        snprintf(b, n, "%gM", v / 1e6);
    else if (v >= 1e3)
        snprintf(b, n, "%gk", v / 1e3);
    else
        snprintf(b, n, "%g", v);
}

/* Returns the step of 1, 2 or 5 times a power of ten at or above x (at
 * least 1 cycle). */
static double nice_step(double x)
{
    if (!(x > 1))
        return 1;
    double p = pow(10, floor(log10(x))), m = x / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void fill(SDL_Renderer *r, int x, int y, int w, int h, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_Rect rc = {x, y, w, h};
    SDL_RenderFillRect(r, &rc);
}

/* Lays out (and with a renderer, draws) the legend from (x0, y) in a
 * frame w wide: a swatch per phase that some bar has, then the median's
 * tick. Returns the number of lines it takes. */
static int legend(SDL_Renderer *r, const struct ui_font *f, const struct ui_phase_set *s, int y,
                  int w, float scale)
{
    int x0 = px(scale, 12), x = x0, lines = 1, sw = 2 * f->w, lh = f->h + px(scale, 6);
    for (int k = 0; k <= UI_PHASE_COUNT; k++) {
        bool used = k == UI_PHASE_COUNT;
        for (size_t b = 0; b < s->nbars && !used; b++)
            used = s->bars[b].cycles[k] > 0;
        if (!used)
            continue;
        const char *name = k < UI_PHASE_COUNT ? ui_phase_names[k] : "median (one span)";
        int tw = sw + px(scale, 6) + ui_text_width(f, name);
        if (x > x0 && x + tw > w - x0) {
            x = x0;
            lines++;
        }
        int ly = y + (lines - 1) * lh;
        if (r && k < UI_PHASE_COUNT)
            fill(r, x, ly + f->h / 6, sw, f->h * 2 / 3, ui_phase_color[k]);
        else if (r)
            fill(r, x + sw / 2 - px(scale, 3) / 2, ly, px(scale, 3), f->h, ui_phase_median_color);
        if (r)
            ui_text(r, f, x + sw + px(scale, 6), ly, ink, name);
        x += tw + 2 * f->w;
    }
    return lines;
}

/* Lays out (and with a renderer, draws) the subtitle from (x, y) in a
 * frame w wide: what the bar, the tick and the axis (`axis` cycles) are,
 * wrapped between its parts. Returns the number of lines it takes. */
static int subtitle(SDL_Renderer *r, const struct ui_font *f, const struct ui_phase_set *s,
                    double axis, int x, int y, int w)
{
    char end[32], last[96];
    axis_label(end, sizeof end, axis);
    snprintf(last, sizeof last, "one axis for every bar, 0 to %s cycles%s", end,
             s->axis > 0 ? " (fixed)" : "");
    const char *part[] = {"bar: the mean span (cycles_mean), split into phases",
                          "tick: the median span", last};
    int lines = 1, at = x;
    for (size_t i = 0; i < sizeof part / sizeof part[0]; i++) {
        const char *sep = i ? "; " : "";
        if (i && at + ui_text_width(f, sep) + ui_text_width(f, part[i]) > w - x) {
            lines++;
            at = x;
            sep = "";
        }
        if (r) {
            at += ui_text(r, f, at, y + (lines - 1) * f->h, faint, sep);
            at += ui_text(r, f, at, y + (lines - 1) * f->h, faint, part[i]);
        } else
            at += ui_text_width(f, sep) + ui_text_width(f, part[i]);
    }
    return lines;
}

void ui_phases_layout(const struct ui_phase_set *s, const struct ui_font *f, int w, int h,
                      float scale, struct ui_phase_layout *o)
{
    memset(o, 0, sizeof *o);
    /* across: the bars from one indent to a margin that holds the label
     * at their end; both depend on the frame and the font only, so that
     * pictures of one size and axis compare pixel for pixel */
    int m = px(scale, 12), indent = 2 * f->w;
    o->bar_x = m + indent;
    o->bar_w = w - o->bar_x - ui_text_width(f, "> mean 0000000000 cycles") - m;
    if (o->bar_w < 50)
        o->bar_w = 50;
    double top = 0;
    for (size_t b = 0; b < s->nbars; b++) {
        top = s->bars[b].mean > top ? s->bars[b].mean : top;
        top = s->bars[b].median > top ? s->bars[b].median : top;
    }
    int ticks = o->bar_w / (ui_text_width(f, "00.5k") + px(scale, 48));
    ticks = ticks < 2 ? 2 : ticks > 10 ? 10 : ticks;
    if (s->axis > 0) {
        o->axis = s->axis;
        o->step = nice_step(s->axis / ticks);
    } else {
        o->step = nice_step((top > 1 ? top : 1) / ticks);
        o->axis = ceil((top > 1 ? top : 1) / o->step) * o->step;
    }
    /* down: title and subtitle, the axis's labels, then per group a
     * heading and its bars (each under its label line, with room for the
     * median's notches), the legend */
    int notch = px(scale, 7), gh = f->h + px(scale, 10);
    int above = f->h + px(scale, 2) + notch, below = notch + px(scale, 10);
    int legend_h = legend(NULL, f, s, 0, w, scale) * (f->h + px(scale, 6));
    o->bar_h = f->h * 3 / 2;
    int y0 = m + (1 + subtitle(NULL, f, s, o->axis, m, 0, w)) * f->h + px(scale, 12);
    int need = y0 + f->h + px(scale, 4) + (int)s->ngroups * gh +
               (int)s->nbars * (above + o->bar_h + below) + legend_h + m;
    if (h > need && s->nbars) {
        int more = (h - need) / (int)s->nbars, most = f->h * 3 / 2;
        o->bar_h += more < most ? more : most;
    }
    o->axis_y = y0;
    int y = y0 + f->h + px(scale, 4);
    size_t g = SIZE_MAX;
    for (size_t b = 0; b < s->nbars; b++) {
        if (s->bars[b].group != g) {
            g = s->bars[b].group;
            o->group_y[g] = y + px(scale, 4);
            y += gh;
        }
        o->label_y[b] = y;
        o->bar_y[b] = y + above;
        double len = s->bars[b].mean / o->axis * o->bar_w;
        int end = o->bar_x + (len < o->bar_w ? (int)lround(len) : o->bar_w);
        o->mean_x[b] = end + px(scale, 8) + (len > o->bar_w ? ui_text_width(f, "> ") : 0);
        y = o->bar_y[b] + o->bar_h + below;
    }
    o->legend_y = y;
    o->height = y + legend_h + m;
}

/* Draws the axis: a label and a gridline per step, from `top` down to
 * `bottom`. */
static void draw_axis(SDL_Renderer *r, const struct ui_font *f, const struct ui_phase_layout *L,
                      int bottom, int w, float scale)
{
    char buf[32];
    for (long k = 0; k * L->step <= L->axis * (1 + 1e-9) && k <= 100; k++) {
        double v = (double)k * L->step;
        int x = L->bar_x + (int)lround(v / L->axis * L->bar_w);
        fill(r, x, L->axis_y + f->h + px(scale, 4), 1, bottom - L->axis_y - f->h - px(scale, 4),
             grid);
        axis_label(buf, sizeof buf, v);
        int tx = x - ui_text_width(f, buf) / 2;
        if (tx + ui_text_width(f, buf) > w)
            tx = w - ui_text_width(f, buf);
        ui_text(r, f, tx, L->axis_y, faint, buf);
    }
}

/* Draws bar b's segments from its top y: each phase in its colour, named
 * (with its cycles where they fit) in text that stands out from it. */
static void draw_segments(SDL_Renderer *r, const struct ui_font *f, const struct ui_phase_bar *b,
                          const struct ui_phase_layout *L, int y, float scale)
{
    char buf[64];
    double acc = 0;
    for (int k = 0; k < UI_PHASE_COUNT; k++) {
        /* cut at the axis's end before converting (a bar may pass it by 2^64) */
        int x0 = L->bar_x + (int)lround(fmin(acc / L->axis, 1) * L->bar_w);
        acc += b->cycles[k];
        int x1 = L->bar_x + (int)lround(fmin(acc / L->axis, 1) * L->bar_w);
        if (x1 <= x0)
            continue;
        fill(r, x0, y, x1 - x0, L->bar_h, ui_phase_color[k]);
        SDL_Color tc = ui_phase_text_color(k);
        snprintf(buf, sizeof buf, "%s %.0f", ui_phase_names[k], b->cycles[k]);
        if (x1 - x0 <= ui_text_width(f, buf) + px(scale, 8))
            snprintf(buf, sizeof buf, "%s", ui_phase_names[k]);
        if (x1 - x0 > ui_text_width(f, buf) + px(scale, 8))
            ui_text(r, f, x0 + px(scale, 4), y + (L->bar_h - f->h) / 2, tc, buf);
    }
}

void ui_phases_draw(SDL_Renderer *r, const struct ui_font *f, const struct ui_phase_set *s, int w,
                    int h, float scale)
{
    fill(r, 0, 0, w, h, paper);
    struct ui_phase_layout L;
    ui_phases_layout(s, f, w, h, scale, &L);
    char line[512], buf[192];
    int m = px(scale, 12), at = 0;
    for (size_t k = 0; k < s->npaths; k++)
        at += snprintf(line + at, sizeof line - (size_t)at, "%s%s",
                       k == 0               ? ""
                       : k + 1 == s->npaths ? " and "
                                            : ", ",
                       s->paths[k]);
    snprintf(line + at, sizeof line - (size_t)at, ": where the cycles of a span go, by phase");
    ui_text(r, f, m, m, ink, line);
    subtitle(r, f, s, L.axis, m, m + f->h, w);
    int bottom = s->nbars ? L.bar_y[s->nbars - 1] + L.bar_h : L.axis_y + f->h;
    draw_axis(r, f, &L, bottom, w, scale);
    for (size_t g = 0; g < s->ngroups; g++) {
        if (g)
            fill(r, m, L.group_y[g] - px(scale, 6), w - 2 * m, 1, faint);
        ui_text(r, f, m, L.group_y[g], ink, s->groups[g]);
    }
    int tick = px(scale, 3), notch = px(scale, 7);
    for (size_t i = 0; i < s->nbars; i++) {
        const struct ui_phase_bar *b = &s->bars[i];
        int y = L.bar_y[i];
        int x = L.bar_x + ui_text(r, f, L.bar_x, L.label_y[i], ink, b->label);
        ui_text(r, f, x + 2 * f->w, L.label_y[i], faint, sub_label(s, b, line, sizeof line));
        draw_segments(r, f, b, &L, y, scale);
        int ty = y + (L.bar_h - f->h) / 2;
        if (b->mean > L.axis) /* past a fixed axis: cut, and marked */
            ui_text(r, f, L.bar_x + L.bar_w + px(scale, 4), ty, ink, ">");
        ui_text(r, f, L.mean_x[i], ty, ink, ui_phases_mean_label(b, buf, sizeof buf));
        if (b->median <= L.axis) { /* the median: a notch above and below */
            x = L.bar_x + (int)lround(b->median / L.axis * L.bar_w) - tick / 2;
            fill(r, x, y - notch, tick, notch, ui_phase_median_color);
            fill(r, x, y + L.bar_h, tick, notch, ui_phase_median_color);
        }
    }
    legend(r, f, s, L.legend_y, w, scale);
}
