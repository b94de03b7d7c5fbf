/* ui/phases.c: the phase view (see phases.h). */
#include "ui/phases.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hostfile.h"

/* The largest phase a report may give: 2^64 cycles. */
#define PHASE_MAX 18446744073709551616.0

/* The report's phases, in its order (abi/kphases.h). */
const char *const ui_phase_names[UI_PHASE_COUNT] = {
#define UI_PHASE_NAME(id, name) [KPHASE_##id] = name,
    KPHASES(UI_PHASE_NAME)
#undef UI_PHASE_NAME
};
/* One colour per phase, by enum kphase: trap, decode, lookup, copy,
 * handoff, switch, return, timer, trace, logic, user, idle. */
const SDL_Color ui_phase_color[] = {
    {31, 119, 180, 255},  {255, 127, 14, 255}, {44, 160, 44, 255},   {214, 39, 40, 255},
    {148, 103, 189, 255}, {140, 86, 75, 255},  {227, 119, 194, 255}, {127, 127, 127, 255},
    {188, 189, 34, 255},  {23, 190, 207, 255}, {57, 59, 121, 255},   {199, 199, 199, 255},
};
_Static_assert(sizeof ui_phase_color / sizeof ui_phase_color[0] == KPHASE_COUNT,
               "ui/phases.c: one colour per phase of abi/kphases.h");

int ui_phases_load(struct ui_phase_set *s, const char *path, const char *const *reports,
                   size_t nreports, char *err, size_t n)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    if (nreports == 0 || nreports > UI_PHASES_MAX_RUNS) {
        snprintf(err, n, "give 1 to %d reports (`ipcemu run ... --report FILE`)",
                 UI_PHASES_MAX_RUNS);
        return -1;
    }
    for (size_t i = 0; i < nreports; i++) {
        /* a regular file only (a FIFO would block), of a report's size */
        size_t len;
        char *text = (char *)hf_read_input(reports[i], 64u << 20, &len, err, n);
        if (!text)
            return -1;
        cJSON *root = cJSON_ParseWithLength(text, len);
        free(text);
        const cJSON *paths = cJSON_GetObjectItemCaseSensitive(root, "paths");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(paths, path);
        const cJSON *ph = cJSON_GetObjectItemCaseSensitive(p, "phases");
        const cJSON *arch = cJSON_GetObjectItemCaseSensitive(root, "arch");
        const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(root, "cpu");
        if (!root || !cJSON_IsObject(root) || !cJSON_IsString(arch)) {
            snprintf(err, n, "%s: not an ipcemu report (JSON with \"arch\" and \"paths\")",
                     reports[i]);
            cJSON_Delete(root);
            return -1;
        }
        if (!cJSON_IsObject(ph)) {
            snprintf(err, n, "%s: paths.%s has no phases (the run never took that path)",
                     reports[i], path);
            cJSON_Delete(root);
            return -1;
        }
        struct ui_phase_run *run = &s->runs[s->nruns++];
        snprintf(run->label, sizeof run->label, "%s (%s)", arch->valuestring,
                 cJSON_IsString(cpu) ? cpu->valuestring : "?");
        const cJSON *scn = cJSON_GetObjectItemCaseSensitive(root, "scenario");
        if (cJSON_IsString(scn))
            snprintf(run->scenario, sizeof run->scenario, "%s", scn->valuestring);
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "count");
        const cJSON *med = cJSON_GetObjectItemCaseSensitive(p, "cycles_median");
        run->count = cJSON_IsNumber(c) ? c->valuedouble : 0;
        run->median = cJSON_IsNumber(med) ? med->valuedouble : 0;
        for (int k = 0; k < UI_PHASE_COUNT; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(ph, ui_phase_names[k]);
            /* a cycle count: below 2^64 (the bars' arithmetic stays finite) */
            double x = cJSON_IsNumber(v) && v->valuedouble > 0 ? v->valuedouble : 0;
            if (!(x < PHASE_MAX))
                x = PHASE_MAX;
            run->cycles[k] = x;
            run->total += x;
        }
        cJSON_Delete(root);
    }
    return 0;
}

static int px(float scale, int n)
{
    int v = (int)lroundf((float)n * scale);
    return v > 0 ? v : 1;
}

void ui_phases_layout(const struct ui_phase_set *s, const struct ui_font *f, int w, int h,
                      float scale, struct ui_phase_layout *o)
{
    (void)h;
    o->bar_x = f->w * 22 + px(scale, 16);
    o->bar_w = w - o->bar_x - f->w * 12 - px(scale, 16);
    if (o->bar_w < 50)
        o->bar_w = 50;
    o->first_y = 3 * f->h + px(scale, 16);
    o->row_h = 2 * f->h + px(scale, 16);
    o->bar_h = f->h + px(scale, 8);
    o->scale_max = 1;
    for (size_t i = 0; i < s->nruns; i++)
        if (s->runs[i].total > o->scale_max)
            o->scale_max = s->runs[i].total;
}

static void fill(SDL_Renderer *r, int x, int y, int w, int h, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_Rect rc = {x, y, w, h};
    SDL_RenderFillRect(r, &rc);
}

void ui_phases_draw(SDL_Renderer *r, const struct ui_font *f, const struct ui_phase_set *s, int w,
                    int h, float scale)
{
    const SDL_Color ink = {33, 33, 33, 255}, faint = {117, 117, 117, 255};
    SDL_SetRenderDrawColor(r, 250, 250, 250, 255);
    SDL_RenderClear(r);
    struct ui_phase_layout L;
    ui_phases_layout(s, f, w, h, scale, &L);
    char line[256];
    snprintf(line, sizeof line, "%s: where its cycles go, mean per span%s%s", s->path,
             s->nruns && s->runs[0].scenario[0] ? ", scenario " : "",
             s->nruns ? s->runs[0].scenario : "");
    ui_text(r, f, px(scale, 8), px(scale, 8), ink, line);
    ui_text(r, f, px(scale, 8), px(scale, 8) + f->h, faint,
            "(from the runs' reports: the kernel functions each span ran, grouped by phase)");
    for (size_t i = 0; i < s->nruns; i++) {
        const struct ui_phase_run *run = &s->runs[i];
        int y = L.first_y + (int)i * L.row_h;
        ui_text(r, f, px(scale, 8), y + (L.bar_h - f->h) / 2, ink, run->label);
        /* the phases add up to the mean span (the report's cycles_mean) */
        snprintf(line, sizeof line, "%.0f spans, mean %.0f, median %.0f", run->count, run->total,
                 run->median);
        ui_text(r, f, px(scale, 8), y + L.bar_h, faint, line);
        double x = L.bar_x;
        for (int k = 0; k < UI_PHASE_COUNT; k++) {
            double seg = run->cycles[k] / L.scale_max * L.bar_w;
            int x0 = (int)lround(x), x1 = (int)lround(x + seg);
            if (x1 > x0)
                fill(r, x0, y, x1 - x0, L.bar_h, ui_phase_color[k]);
            snprintf(line, sizeof line, "%s %.0f", ui_phase_names[k], run->cycles[k]);
            if (x1 - x0 > ui_text_width(f, line) + px(scale, 6))
                ui_text(r, f, x0 + px(scale, 3), y + (L.bar_h - f->h) / 2,
                        (SDL_Color){255, 255, 255, 255}, line);
            x += seg;
        }
        snprintf(line, sizeof line, "%.0f", run->total);
        ui_text(r, f, (int)lround(x) + px(scale, 6), y + (L.bar_h - f->h) / 2, ink, line);
    }
    /* the legend */
    int lx = px(scale, 8), ly = L.first_y + (int)s->nruns * L.row_h + px(scale, 8);
    for (int k = 0; k < UI_PHASE_COUNT; k++) {
        int tw = 2 * f->w + px(scale, 4) + ui_text_width(f, ui_phase_names[k]);
        if (lx + tw > w - px(scale, 8)) {
            lx = px(scale, 8);
            ly += f->h + px(scale, 4);
        }
        fill(r, lx, ly + f->h / 4, 2 * f->w, f->h / 2, ui_phase_color[k]);
        ui_text(r, f, lx + 2 * f->w + px(scale, 4), ly, ink, ui_phase_names[k]);
        lx += tw + 2 * f->w;
    }
}
