/* ui/viewport.h: the timeline's viewport and its drawing (the same code
 * for the window and for headless PNGs). A view is a window onto the
 * model: the cycle at the plot's left edge and the cycles per pixel, the
 * first lane row shown, filters, the selected message. Drawing costs what
 * the screen shows, not what the trace holds: lane states are sampled per
 * pixel column by binary search, and when more messages fall in view than
 * columns can show, each column draws a few of its own (level of
 * detail). */
#ifndef IPCEMU_UI_VIEWPORT_H
#define IPCEMU_UI_VIEWPORT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/font.h"
#include "ui/timeline.h"

/* The colours, shared with the tests that look at rendered images. */
extern const SDL_Color ui_state_color[TL_STATE_COUNT];
extern const SDL_Color ui_kind_color[TL_KIND_COUNT];
extern const SDL_Color ui_mark_color[TL_MARK_COUNT];
extern const SDL_Color ui_background;
extern const SDL_Color ui_inherit_color; /* a server's inherited priority */

/* A message arrow the last frame drew (for picking). */
struct ui_drawn {
    size_t msg;
    int x0, y0, x1, y1;
};

struct ui_view {
    const struct tl_model *m;
    const char *title; /* shown in the top bar (not owned) */
    int w, h;          /* pixels */
    float scale;       /* layout scale (2 on a high-DPI display) */
    double t0, cpp;    /* the cycle at the plot's left edge; cycles per pixel */
    size_t scroll;     /* the first lane row shown */
    uint8_t *hidden;   /* owned: per lane, filtered out */
    unsigned kinds;    /* bit per enum tl_kind: shown */
    int64_t opcode;    /* only messages with this opcode (-1: any) */
    size_t selected;   /* the selected message (SIZE_MAX: none) */
    size_t kselected;  /* the selected kernel stretch (SIZE_MAX: none) */
    bool legend;
    /* the layout (ui_view_layout) */
    int top, ruler_h, lane_h, gutter, plot_x, plot_y, plot_w, plot_h, legend_h;
    size_t *rows; /* owned: lanes shown, in order */
    size_t nrows;
    /* what the last frame drew */
    struct ui_drawn *drawn; /* owned */
    size_t ndrawn, cap_drawn;
    /* messages drawn (shown by the filters; each counted once), and messages in the view */
    size_t arrows_drawn, arrows_in_view;
};

/* The tallest a lane row grows (layout pixels) when few lanes share the
 * plot's height. */
#define UI_LANE_MAX 120

/* The largest layout scale a view takes (a larger one is clamped). */
#define UI_SCALE_MAX 8

/* Returns cycle t as an integer cycle count: 0 for t below 0 (or NaN),
 * UINT64_MAX at or past 2^64. Every conversion of a view's double cycles
 * to an integer goes through it (a cast out of range is undefined). */
uint64_t ui_cycle(double t);

/* A view of the whole run at w x h pixels (a scale above UI_SCALE_MAX
 * counts as UI_SCALE_MAX, one that is not a positive number as 1).
 * Returns 0 or -1 (memory). */
int ui_view_init(struct ui_view *v, const struct tl_model *m, int w, int h, float scale);
void ui_view_free(struct ui_view *v);
/* Recomputes the layout after a resize, a scale change or a filter change. */
void ui_view_layout(struct ui_view *v, const struct ui_font *f);
/* Shows cycles [a, b): at most 64 pixels a cycle and 4 x 2^64 cycles
 * across; a or b not finite shows the whole run (returns nothing). */
void ui_view_range(struct ui_view *v, double a, double b);
/* Shows the whole run. */
void ui_view_fit(struct ui_view *v);
/* Zooms by `factor` (> 1: in) keeping the cycle under pixel x in place. */
void ui_view_zoom(struct ui_view *v, double factor, int x);
/* Pans by dx pixels (positive: later cycles come into view) and dy rows. */
void ui_view_pan(struct ui_view *v, double dx, long dy);
/* The cycle under pixel x. */
double ui_view_cycle_at(const struct ui_view *v, int x);
/* Shows only `pid`'s lane and the kernel lanes (pid 0: every lane). */
void ui_view_filter_process(struct ui_view *v, uint32_t pid);
/* Whether message i passes the filters (kinds, opcode, lanes). */
bool ui_view_shows(const struct ui_view *v, size_t i);
/* Selects the next (dir > 0) or previous shown message after the selected
 * one (or the view's middle), and centres the view on it. Returns it or
 * SIZE_MAX. */
size_t ui_view_step(struct ui_view *v, int dir);

/* Draws the view. */
void ui_draw(SDL_Renderer *r, const struct ui_font *f, struct ui_view *v);
/* The message whose arrow passes within a few pixels of (x, y) in the last
 * frame drawn (SIZE_MAX: none). */
size_t ui_pick(const struct ui_view *v, int x, int y);

/* The lane row under pixel row y (an index into v->rows), or SIZE_MAX
 * above the plot or below its last row. */
size_t ui_view_row_at(const struct ui_view *v, int y);
/* The kernel stretch drawn under (x, y) on a kernel lane, whatever its
 * width (SIZE_MAX: none): its index in the model's kstretches. */
size_t ui_pick_kstretch(const struct ui_view *v, int x, int y);

/* Formats `cycles` for a ruler whose ticks are `step` apart ("12.5k",
 * "3M", "123"). */
void ui_fmt_cycles(double cycles, double step, char *out, size_t n);

#endif
