/* ui/phases.h: the phase view: for one or more kernel paths
 * (ipc.call.fast, say), a stacked bar per run of where the cycles of its
 * mean span go (trap, decode, lookup, copy, handoff, switch, return, ...),
 * read from the runs' reports (`ipcemu run --report`). The bars of a
 * picture share one axis (fixed with an explicit axis, so that separate
 * pictures compare), the number written at a bar's end is the statistic
 * the bar draws (the mean), and the median is a separate tick. Runs are
 * grouped (by scenario, or by a name given per group): the three
 * architectures of one scenario, or two configurations, side by side. */
#ifndef IPCEMU_UI_PHASES_H
#define IPCEMU_UI_PHASES_H

#include <SDL.h>
#include <stddef.h>

#include "abi/kphases.h"
#include "ui/font.h"

#define UI_PHASES_MAX_REPORTS 12
#define UI_PHASES_MAX_PATHS 4
#define UI_PHASES_MAX_BARS 24 /* reports x paths */
#define UI_PHASE_COUNT KPHASE_COUNT
/* The phase view's text size at layout scale 1: large enough for a
 * projector (the timeline's is 13). */
#define UI_PHASES_FONT_PX 18

/* The phases' names and colours, by enum kphase (abi/kphases.h). */
extern const char *const ui_phase_names[UI_PHASE_COUNT];
extern const SDL_Color ui_phase_color[]; /* UI_PHASE_COUNT of them */
/* The median's tick (black: no phase has it). */
extern const SDL_Color ui_phase_median_color;
/* The colour of text written on phase k's colour: dark ink on a light
 * colour, white on a dark one (the phase view's bars and the timeline's
 * kernel-lane segments both use it). */
SDL_Color ui_phase_text_color(int k);

/* One report to read, and the group it belongs to. */
struct ui_phase_report {
    const char *file;  /* `ipcemu run ... --report FILE` */
    const char *group; /* a group's name (`--group`), or NULL: group by scenario */
};

/* One bar: one path of one report. */
struct ui_phase_bar {
    char label[128]; /* "x86_64 (skylake)", plus the file's name when two bars
                        of a group would read the same */
    char path[32];   /* the path it measures */
    double count, median;
    double cycles[UI_PHASE_COUNT]; /* the mean span's cycles per phase */
    double mean;                   /* their sum: the path's cycles_mean */
    size_t group;                  /* index into groups */
};

struct ui_phase_set {
    char paths[UI_PHASES_MAX_PATHS][32];
    size_t npaths;
    struct ui_phase_bar bars[UI_PHASES_MAX_BARS]; /* by group, report, path */
    size_t nbars;
    char groups[UI_PHASES_MAX_BARS][96]; /* each group's heading */
    size_t ngroups;
    double axis; /* the cycles the axis spans; 0: the largest bar's, rounded up */
};

/* Reads paths `paths` (npaths of them) of each report into s: a bar per
 * report (or per named run of a report that has "runs") and path, in
 * that order within a group. A report's group is its group name, else
 * its scenario, and a named run's that and the run's name; the groups
 * come in the order they first appear. Returns 0, or -1 with one line
 * naming the file and what is wrong in err[n]. */
int ui_phases_load(struct ui_phase_set *s, const char *const *paths, size_t npaths,
                   const struct ui_phase_report *reports, size_t nreports, char *err, size_t n);

/* Where things lie in a frame of w x h (for drawing and the tests). The
 * axis runs from 0 cycles at bar_x to `axis` cycles at bar_x + bar_w. */
struct ui_phase_layout {
    int bar_x, bar_w, bar_h;
    int label_y[UI_PHASES_MAX_BARS]; /* the top of the line above each bar */
    int bar_y[UI_PHASES_MAX_BARS];   /* each bar's top */
    int mean_x[UI_PHASES_MAX_BARS];  /* where its "mean N cycles" label starts */
    int group_y[UI_PHASES_MAX_BARS]; /* each group heading's top */
    int axis_y;                      /* the axis labels' top */
    int legend_y;                    /* the legend's top */
    int height;                      /* the height everything needs */
    double axis, step;               /* the axis's cycles, and its ticks' */
};
/* Lays out set s in a w x h frame with font f at layout scale `scale`;
 * h = 0 gives the natural layout (L.height is then the picture's height
 * to ask for). */
void ui_phases_layout(const struct ui_phase_set *s, const struct ui_font *f, int w, int h,
                      float scale, struct ui_phase_layout *out);
/* Writes the label drawn at bar b's end into buf[n]: "mean N cycles", N
 * the bar's drawn length in cycles. Returns buf. */
const char *ui_phases_mean_label(const struct ui_phase_bar *b, char *buf, size_t n);
void ui_phases_draw(SDL_Renderer *r, const struct ui_font *f, const struct ui_phase_set *s, int w,
                    int h, float scale);

#endif
