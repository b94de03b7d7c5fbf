/* ui/window.h: the timeline app: a trace's model and viewport in a window
 * (SDL2) or in a headless frame written as a PNG; and the phase view
 * shown the same two ways. The window's input handling is a function of
 * SDL events, so tests drive the real window with synthesized events.
 * The command line (`ipcemu view`) is cli/view.c's. */
#ifndef IPCEMU_UI_WINDOW_H
#define IPCEMU_UI_WINDOW_H

#include <SDL.h>
#include <stdbool.h>

#include "ui/font.h"
#include "ui/phases.h"
#include "ui/viewport.h"
#include "ui/timeline.h"

struct ui_app {
    struct tl_model model;
    struct ui_view view;
    struct ui_font font;
    SDL_Window *window;     /* NULL: headless */
    SDL_Renderer *renderer; /* the window's, or a software one over `surface` */
    SDL_Surface *surface;   /* headless: the frame */
    char title[640];
    int font_px; /* the font size at scale 1 */
    bool dirty;  /* the frame must be drawn again */
    bool quit;
    bool dragging, dragged;
    int drag_x, drag_y, drag_rows; /* where the drag is, and rows scrolled */
    char search[16];               /* typed opcode ('/' search) */
    bool typing;
};

/* Loads `trace` and prepares a headless frame of w x h pixels at layout
 * scale `scale`. Returns 0, or -1 with one line in err[n]. */
int ui_app_open_headless(struct ui_app *a, const char *trace, int w, int h, float scale, char *err,
                         size_t n);
/* Loads `trace` and opens a resizable, high-DPI-aware window. */
int ui_app_open_window(struct ui_app *a, const char *trace, int w, int h, char *err, size_t n);
void ui_app_close(struct ui_app *a);
/* Shows only `pid`'s lane and the kernel lanes (pid 0: every lane) and
 * lays the view out again (returns nothing). */
void ui_app_filter_process(struct ui_app *a, uint32_t pid);
/* Handles one input event (window: mouse, keys, resize). */
void ui_app_event(struct ui_app *a, const SDL_Event *e);
/* Draws the frame (and presents it in the window). */
void ui_app_draw(struct ui_app *a);
/* Writes the current frame as a PNG. Returns 0 or -1 with err[n]. */
int ui_app_png(struct ui_app *a, const char *path, char *err, size_t n);
/* Reads the current frame's pixels (0xAARRGGBB, w * h words, owned by the
 * caller) and its size. NULL when out of memory. */
uint32_t *ui_app_pixels(struct ui_app *a, int *w, int *h);
/* Handles the pending events (waiting up to wait_ms for the first) and
 * draws and presents the frame if anything changed. */
void ui_app_pump(struct ui_app *a, int wait_ms);
/* Runs the window until it is closed. */
void ui_app_loop(struct ui_app *a);

/* Draws phase set `s` in a headless w x h frame at layout scale `scale`
 * (h <= 0: as high as its layout needs) and writes it as a PNG to `png`.
 * Returns 0, or -1 with one line in err[n]. */
int ui_phases_png(const struct ui_phase_set *s, const char *png, int w, int h, float scale,
                  char *err, size_t n);
/* Shows phase set `s` in a resizable w x h window until it is closed (q,
 * Escape). Returns 0 when a frame was shown, else -1; err[n] holds one
 * line when something failed (also after frames were shown: a font that
 * could not be opened at a new scale), else "". */
int ui_phases_window(const struct ui_phase_set *s, int w, int h, char *err, size_t n);

#endif
