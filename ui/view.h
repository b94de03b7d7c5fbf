/* ui/view.h: `ipcemu view`: the timeline in a window (SDL2) or rendered
 * headless to a PNG. The window's input handling is a function of SDL
 * events, so tests drive the real window with synthesized events. */
#ifndef IPCEMU_UI_VIEW_H
#define IPCEMU_UI_VIEW_H

#include <SDL.h>
#include <stdbool.h>

#include "ui/font.h"
#include "ui/render.h"
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

/* The `ipcemu view` command (argv[0] is "view"). Returns the exit status. */
int ui_view_main(int argc, char **argv);

#endif
