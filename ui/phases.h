/* ui/phases.h: the phase view: for one kernel path (ipc.call.fast, say),
 * a stacked bar per run of where its cycles go (trap, decode, lookup,
 * copy, handoff, switch, return, ...), read from the runs' reports
 * (`ipcemu run --report`), typically the three architectures side by
 * side. */
#ifndef IPCEMU_UI_PHASES_H
#define IPCEMU_UI_PHASES_H

#include <SDL.h>
#include <stddef.h>

#include "abi/kphases.h"
#include "ui/font.h"

#define UI_PHASES_MAX_RUNS 8
#define UI_PHASE_COUNT KPHASE_COUNT

/* The phases' names and colours, by enum kphase (abi/kphases.h). */
extern const char *const ui_phase_names[UI_PHASE_COUNT];
extern const SDL_Color ui_phase_color[]; /* UI_PHASE_COUNT of them */

struct ui_phase_run {
    char label[96];    /* "x86_64 (skylake)" */
    char scenario[64]; /* the report's scenario, if any */
    double count, median;
    double cycles[UI_PHASE_COUNT]; /* mean per span */
    double total;
};

struct ui_phase_set {
    char path[32];
    struct ui_phase_run runs[UI_PHASES_MAX_RUNS];
    size_t nruns;
};

/* Reads path `path`'s phases from each report. Returns 0, or -1 with one
 * line naming the file and what is wrong in err[n]. */
int ui_phases_load(struct ui_phase_set *s, const char *path, const char *const *reports,
                   size_t nreports, char *err, size_t n);

/* Where a run's bar lies in a frame of w x h (for the tests). */
struct ui_phase_layout {
    int bar_x, bar_w, row_h, first_y, bar_h;
    double scale_max; /* the cycles bar_w stands for */
};
void ui_phases_layout(const struct ui_phase_set *s, const struct ui_font *f, int w, int h,
                      float scale, struct ui_phase_layout *out);
void ui_phases_draw(SDL_Renderer *r, const struct ui_font *f, const struct ui_phase_set *s, int w,
                    int h, float scale);

#endif
