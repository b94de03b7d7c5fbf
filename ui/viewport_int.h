/* ui/viewport_int.h: what the viewport's drawing files share
 * (ui/viewport.c, ui/overlay.c); not for other modules. */
#ifndef IPCEMU_UI_VIEWPORT_INT_H
#define IPCEMU_UI_VIEWPORT_INT_H

#include "ui/viewport.h"

extern const SDL_Color ui_ink, ui_faint; /* text */

/* Fills a rectangle in colour c (returns nothing). */
void ui_fill(SDL_Renderer *r, int x, int y, int w, int h, SDL_Color c);
/* Returns n layout pixels at the view's scale (at least 1). */
int ui_px(const struct ui_view *v, int n);
/* Returns x truncated to an int, clamped to +-1e9 (NaN: -1e9). */
int ui_to_px(double x);
/* The top pixel of lane `lane`'s row (clamped), or INT32_MIN when the
 * lane is not shown; row_of maps lanes to rows (SIZE_MAX: hidden). */
int ui_row_y(const struct ui_view *v, size_t lane, const size_t *row_of);

/* Draws, over the kernel lanes, each kernel stretch wide enough to see:
 * its phases as coloured segments with their cycles, and a caption (the
 * system call, its path, its capability-cache hits and misses) where
 * there is room (ui/overlay.c). Returns the stretches drawn. */
size_t ui_draw_kstretches(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v,
                          const size_t *row_of);
/* Draws the selected message's details in a box clear of its arrow
 * (ui/overlay.c; returns nothing). */
void ui_draw_details(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v);

/* Draws the selected kernel stretch's details (its cycles by phase) in a
 * box (ui/overlay.c; returns nothing). */
void ui_draw_kdetails(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v);

#endif
