/* ui/window.c: the timeline app in a window or a headless frame, and
 * the phase view (see window.h). */
#include "ui/window.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/tracefile.h"
#include "ui/phases.h"
#include "ui/png.h"
#include "util/hostfile.h"

#define FONT_PX 13

static int load_event(void *arg, const struct trc_event *e)
{
    return tl_add(arg, e);
}

/* Starts SDL's video for a window a person can see: SDL falls back to its
 * "offscreen" or "dummy" driver when there is no display, and a window
 * there would wait for input that never comes. Returns 0, or -1 with
 * err[n]. */
static int init_video(char *err, size_t n)
{
    const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY"),
               *drv_env = getenv("SDL_VIDEODRIVER");
    if (!(x && *x) && !(wl && *wl) && !(drv_env && *drv_env)) {
        snprintf(err, n,
                 "no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not "
                 "set); --png FILE renders without one");
        return -1;
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        snprintf(err, n, "cannot open a window: %s (no display? --png FILE renders without one)",
                 SDL_GetError());
        return -1;
    }
    const char *drv = SDL_GetCurrentVideoDriver();
    if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy"))) {
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        snprintf(err, n,
                 "no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not "
                 "set); --png FILE renders without one");
        return -1;
    }
    return 0;
}

/* Loads the trace into the model and names the window after it. */
static int load(struct ui_app *a, const char *trace, char *err, size_t n)
{
    tl_init(&a->model);
    struct trc_file_meta meta;
    struct trc_file_sink sink = {load_event, NULL, &a->model};
    if (trc_file_scan(trace, &meta, &sink, err, n) != 0) {
        tl_free(&a->model);
        return -1;
    }
    if (tl_finish(&a->model, meta.cycles) != 0) {
        snprintf(err, n, "%s: out of memory", trace);
        trc_file_meta_free(&meta);
        tl_free(&a->model);
        return -1;
    }
    const char *what = meta.scenario_path[0] ? meta.scenario_path : trace;
    const char *slash = strrchr(what, '/');
    /* names from the trace may hold any byte: shown escaped, wherever the
     * title goes (window, picture, terminal) */
    char name[128], arch[48], cpu[96];
    hf_printable(slash ? slash + 1 : what, strlen(slash ? slash + 1 : what), name, sizeof name);
    hf_printable(meta.arch, strlen(meta.arch), arch, sizeof arch);
    hf_printable(meta.cpu[0] ? meta.cpu : "flat", strlen(meta.cpu[0] ? meta.cpu : "flat"), cpu,
                 sizeof cpu);
    snprintf(a->title, sizeof a->title, "%s on %s (%s)", name, arch, cpu);
    trc_file_meta_free(&meta);
    return 0;
}

/* (Re)opens the font for the view's scale and lays the view out. */
static int relayout(struct ui_app *a, char *err, size_t n)
{
    int px = (int)lroundf((float)a->font_px * a->view.scale);
    if (!a->font.atlas || a->font.px != px) {
        ui_font_close(&a->font);
        if (ui_font_open(&a->font, a->renderer, px, err, n) != 0)
            return -1;
    }
    double t0 = a->view.t0, t1 = a->view.t0 + a->view.cpp * a->view.plot_w;
    bool had = a->view.cpp > 0;
    ui_view_layout(&a->view, &a->font);
    if (had)
        ui_view_range(&a->view, t0, t1); /* the same cycles across the new width */
    a->dirty = true;
    return 0;
}

static int open_common(struct ui_app *a, int w, int h, float scale, char *err, size_t n)
{
    a->font_px = FONT_PX;
    if (ui_view_init(&a->view, &a->model, w, h, scale) != 0) {
        snprintf(err, n, "out of memory");
        return -1;
    }
    a->view.title = a->title;
    return relayout(a, err, n);
}

int ui_app_open_headless(struct ui_app *a, const char *trace, int w, int h, float scale, char *err,
                         size_t n)
{
    memset(a, 0, sizeof *a);
    if (load(a, trace, err, n) != 0)
        return -1;
    a->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    a->renderer = a->surface ? SDL_CreateSoftwareRenderer(a->surface) : NULL;
    if (!a->renderer) {
        snprintf(err, n, "SDL: %s", SDL_GetError());
        ui_app_close(a);
        return -1;
    }
    if (open_common(a, w, h, scale, err, n) != 0) {
        ui_app_close(a);
        return -1;
    }
    return 0;
}

/* The window's pixel size and its scale (pixels per window point). */
static void window_size(struct ui_app *a, int *w, int *h, float *scale)
{
    int ww, wh;
    SDL_GetWindowSize(a->window, &ww, &wh);
    if (SDL_GetRendererOutputSize(a->renderer, w, h) != 0 || *w <= 0) {
        *w = ww;
        *h = wh;
    }
    *scale = ww > 0 ? (float)*w / (float)ww : 1;
    if (!(*scale >= 1))
        *scale = 1;
    if (*scale > UI_SCALE_MAX)
        *scale = UI_SCALE_MAX;
}

int ui_app_open_window(struct ui_app *a, const char *trace, int w, int h, char *err, size_t n)
{
    memset(a, 0, sizeof *a);
    if (load(a, trace, err, n) != 0)
        return -1;
    if (init_video(err, n) != 0) {
        tl_free(&a->model);
        return -1;
    }
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    a->window = SDL_CreateWindow(a->title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                 SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (a->window)
        a->renderer =
            SDL_CreateRenderer(a->window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (a->window && !a->renderer)
        a->renderer = SDL_CreateRenderer(a->window, -1, SDL_RENDERER_SOFTWARE);
    if (!a->renderer) {
        snprintf(err, n, "cannot open a window: %s", SDL_GetError());
        ui_app_close(a);
        return -1;
    }
    int pw, ph;
    float scale;
    window_size(a, &pw, &ph, &scale);
    if (open_common(a, pw, ph, scale, err, n) != 0) {
        ui_app_close(a);
        return -1;
    }
    return 0;
}

void ui_app_close(struct ui_app *a)
{
    ui_font_close(&a->font);
    if (a->renderer)
        SDL_DestroyRenderer(a->renderer);
    if (a->surface)
        SDL_FreeSurface(a->surface);
    if (a->window) {
        SDL_DestroyWindow(a->window);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    }
    ui_view_free(&a->view);
    tl_free(&a->model);
    memset(a, 0, sizeof *a);
}

void ui_app_draw(struct ui_app *a)
{
    ui_draw(a->renderer, &a->font, &a->view);
    if (a->typing) {
        char line[48];
        snprintf(line, sizeof line, "opcode: %s_", a->search);
        ui_text(a->renderer, &a->font, a->view.w / 2, 4, (SDL_Color){0, 0, 0, 255}, line);
    }
    a->dirty = false;
}

/* Reads renderer r's w x h frame (0xAARRGGBB; NULL when out of memory or
 * SDL fails). */
static uint32_t *read_frame(SDL_Renderer *r, int w, int h)
{
    uint32_t *px = malloc((size_t)w * (size_t)h * 4);
    if (px && SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, px, w * 4) != 0) {
        free(px);
        return NULL;
    }
    return px;
}

/* Writes renderer r's w x h frame as a PNG. */
static int save_png(SDL_Renderer *r, int w, int h, const char *path, char *err, size_t n)
{
    uint32_t *px = read_frame(r, w, h);
    if (!px) {
        snprintf(err, n, "cannot read the frame: %s", SDL_GetError());
        return -1;
    }
    int rc = ui_png_write(path, px, w, h, (size_t)w * 4, err, n);
    free(px);
    return rc;
}

uint32_t *ui_app_pixels(struct ui_app *a, int *w, int *h)
{
    ui_app_draw(a);
    *w = a->view.w;
    *h = a->view.h;
    return read_frame(a->renderer, *w, *h);
}

int ui_app_png(struct ui_app *a, const char *path, char *err, size_t n)
{
    ui_app_draw(a);
    if (a->surface && SDL_RenderFlush(a->renderer) == 0 &&
        a->surface->format->format == SDL_PIXELFORMAT_ARGB8888 && !SDL_MUSTLOCK(a->surface))
        /* headless: the frame is the surface's pixels, no copy of them */
        return ui_png_write(path, a->surface->pixels, a->surface->w, a->surface->h,
                            (size_t)a->surface->pitch, err, n);
    return save_png(a->renderer, a->view.w, a->view.h, path, err, n);
}

void ui_app_filter_process(struct ui_app *a, uint32_t pid)
{
    ui_view_filter_process(&a->view, pid);
    char err[128];
    relayout(a, err, sizeof err);
}

/* The lane row under pixel y (SIZE_MAX: none). */

static void click(struct ui_app *a, int x, int y)
{
    struct ui_view *v = &a->view;
    if (x < v->plot_x) {
        /* a lane's name: show only that process (again: show all) */
        size_t row = ui_view_row_at(v, y);
        if (row == SIZE_MAX)
            return;
        const struct tl_lane *l = &v->m->lanes[v->rows[row]];
        bool alone = true;
        for (size_t i = 0; i < v->m->nlanes; i++)
            if (v->m->lanes[i].pid && v->m->lanes[i].pid != l->pid && !v->hidden[i])
                alone = false;
        ui_app_filter_process(a, alone || !l->pid ? 0 : l->pid);
        return;
    }
    v->selected = ui_pick(v, x, y);
    v->kselected = v->selected == SIZE_MAX ? ui_pick_kstretch(v, x, y) : SIZE_MAX;
}

static void key(struct ui_app *a, const SDL_KeyboardEvent *k)
{
    struct ui_view *v = &a->view;
    SDL_Keycode c = k->keysym.sym;
    if (a->typing) {
        size_t len = strlen(a->search);
        if (c >= SDLK_0 && c <= SDLK_9 && len + 1 < sizeof a->search) {
            a->search[len] = (char)('0' + (c - SDLK_0));
            a->search[len + 1] = '\0';
        } else if (c == SDLK_BACKSPACE && len) {
            a->search[len - 1] = '\0';
        } else if (c == SDLK_RETURN || c == SDLK_KP_ENTER) {
            v->opcode = a->search[0] ? strtol(a->search, NULL, 10) : -1;
            v->selected = SIZE_MAX;
            a->typing = false;
            ui_view_step(v, 1);
        } else if (c == SDLK_ESCAPE) {
            a->typing = false;
        }
        return;
    }
    bool shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    switch (c) {
    case SDLK_LEFT:
        ui_view_pan(v, -v->plot_w / 8.0, 0);
        break;
    case SDLK_RIGHT:
        ui_view_pan(v, v->plot_w / 8.0, 0);
        break;
    case SDLK_UP:
        ui_view_pan(v, 0, shift ? -10 : -1);
        break;
    case SDLK_DOWN:
        ui_view_pan(v, 0, shift ? 10 : 1);
        break;
    case SDLK_PAGEUP:
        ui_view_pan(v, 0, -(long)(v->plot_h / v->lane_h));
        break;
    case SDLK_PAGEDOWN:
        ui_view_pan(v, 0, (long)(v->plot_h / v->lane_h));
        break;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS:
        ui_view_zoom(v, 1.5, v->plot_x + v->plot_w / 2);
        break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        ui_view_zoom(v, 1 / 1.5, v->plot_x + v->plot_w / 2);
        break;
    case SDLK_HOME:
        v->t0 = 0;
        break;
    case SDLK_END:
        v->t0 = (double)v->m->end - v->cpp * v->plot_w * 0.95;
        break;
    case SDLK_f:
        ui_view_fit(v);
        break;
    case SDLK_n:
        ui_view_step(v, 1);
        break;
    case SDLK_p:
        ui_view_step(v, -1);
        break;
    case SDLK_l: {
        char err[128];
        v->legend = !v->legend;
        relayout(a, err, sizeof err);
        break;
    }
    case SDLK_SLASH:
        a->typing = true;
        a->search[0] = '\0';
        break;
    case SDLK_1:
    case SDLK_2:
    case SDLK_3:
    case SDLK_4:
    case SDLK_5:
        v->kinds ^= 1u << (c - SDLK_1); /* fast, slow, async, notification, region */
        break;
    case SDLK_a: /* every process, every kind, any opcode */
        ui_view_filter_process(v, 0);
        v->kinds = (1u << TL_KIND_COUNT) - 1;
        v->opcode = -1;
        {
            char err[128];
            relayout(a, err, sizeof err);
        }
        break;
    case SDLK_ESCAPE:
        if (v->selected != SIZE_MAX || v->kselected != SIZE_MAX)
            v->selected = v->kselected = SIZE_MAX;
        else
            a->quit = true;
        break;
    case SDLK_q:
        a->quit = true;
        break;
    default:
        return;
    }
    a->dirty = true;
}

void ui_app_event(struct ui_app *a, const SDL_Event *e)
{
    struct ui_view *v = &a->view;
    float s = v->scale;
    switch (e->type) {
    case SDL_QUIT:
        a->quit = true;
        break;
    case SDL_WINDOWEVENT:
        if (a->window && (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                          e->window.event == SDL_WINDOWEVENT_RESIZED)) {
            int w, h;
            float scale;
            window_size(a, &w, &h, &scale);
            v->w = w;
            v->h = h;
            v->scale = scale;
            char err[128];
            relayout(a, err, sizeof err);
        }
        a->dirty = true;
        break;
    case SDL_MOUSEWHEEL: {
        int x = (int)lroundf((float)e->wheel.mouseX * s);
        int dy = e->wheel.y * (e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -1 : 1);
        if (SDL_GetModState() & KMOD_SHIFT)
            ui_view_pan(v, 0, -3 * dy);
        else if (dy)
            ui_view_zoom(v, pow(1.25, dy), x);
        a->dirty = true;
        break;
    }
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT) {
            a->dragging = true;
            a->dragged = false;
            a->drag_x = (int)lroundf((float)e->button.x * s);
            a->drag_y = (int)lroundf((float)e->button.y * s);
            a->drag_rows = 0;
        }
        break;
    case SDL_MOUSEMOTION:
        if (a->dragging) {
            int x = (int)lroundf((float)e->motion.x * s), y = (int)lroundf((float)e->motion.y * s);
            if (abs(x - a->drag_x) + abs(y - a->drag_y) > 3)
                a->dragged = true;
            if (a->dragged) {
                ui_view_pan(v, a->drag_x - x, 0);
                a->drag_x = x;
                int rows = (a->drag_y - y) / v->lane_h;
                if (rows != a->drag_rows) {
                    ui_view_pan(v, 0, rows - a->drag_rows);
                    a->drag_rows = rows;
                }
                a->dirty = true;
            }
        }
        break;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_LEFT && a->dragging) {
            a->dragging = false;
            if (!a->dragged)
                click(a, (int)lroundf((float)e->button.x * s),
                      (int)lroundf((float)e->button.y * s));
            a->dirty = true;
        }
        break;
    case SDL_KEYDOWN:
        key(a, &e->key);
        a->dirty = true;
        break;
    default:
        break;
    }
}

void ui_app_pump(struct ui_app *a, int wait_ms)
{
    SDL_Event e;
    if (wait_ms > 0 ? SDL_WaitEventTimeout(&e, wait_ms) : SDL_PollEvent(&e)) {
        ui_app_event(a, &e);
        while (SDL_PollEvent(&e))
            ui_app_event(a, &e);
    }
    if (a->dirty) {
        ui_app_draw(a);
        SDL_RenderPresent(a->renderer);
    }
}

void ui_app_loop(struct ui_app *a)
{
    a->dirty = true;
    while (!a->quit)
        ui_app_pump(a, 100);
}

int ui_phases_png(const struct ui_phase_set *set, const char *png, int w, int h, float scale,
                  char *err, size_t n)
{
    struct ui_font font;
    int rc = -1, fpx = (int)lroundf(UI_PHASES_FONT_PX * scale);
    if (h <= 0) { /* the height the layout needs, measured with a scratch frame */
        SDL_Surface *s0 = SDL_CreateRGBSurfaceWithFormat(0, 8, 8, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_Renderer *r0 = s0 ? SDL_CreateSoftwareRenderer(s0) : NULL;
        struct ui_phase_layout L = {.height = 0};
        if (!r0)
            snprintf(err, n, "SDL: %s", SDL_GetError());
        else if (ui_font_open(&font, r0, fpx, err, n) == 0) {
            ui_phases_layout(set, &font, w, 0, scale, &L);
            ui_font_close(&font);
        }
        if (r0)
            SDL_DestroyRenderer(r0);
        if (s0)
            SDL_FreeSurface(s0);
        if (L.height <= 0)
            return -1;
        h = L.height < 150 ? 150 : L.height;
    }
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    if (!r)
        snprintf(err, n, "SDL: %s", SDL_GetError());
    else if (ui_font_open(&font, r, fpx, err, n) == 0) {
        ui_phases_draw(r, &font, set, w, h, scale);
        rc = save_png(r, w, h, png, err, n);
        ui_font_close(&font);
    }
    if (r)
        SDL_DestroyRenderer(r);
    if (s)
        SDL_FreeSurface(s);
    return rc;
}

int ui_phases_window(const struct ui_phase_set *set, int w, int h, char *err, size_t n)
{
    err[0] = '\0';
    if (init_video(err, n) != 0)
        return -1;
    SDL_Window *win =
        SDL_CreateWindow(set->paths[0], SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                         SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    SDL_Renderer *r = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED) : NULL;
    if (win && !r)
        r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    struct ui_font font;
    bool quit = false, have_font = false;
    int rc = -1;
    if (!r)
        snprintf(err, n, "cannot open a window: %s", SDL_GetError());
    while (r && !quit) {
        int ww, wh, pw, ph;
        SDL_GetWindowSize(win, &ww, &wh);
        if (SDL_GetRendererOutputSize(r, &pw, &ph) != 0)
            pw = ww, ph = wh;
        float sc = ww > 0 && pw > ww ? (float)pw / (float)ww : 1;
        int fpx = (int)lroundf(UI_PHASES_FONT_PX * sc);
        if (!have_font || font.px != fpx) {
            if (have_font)
                ui_font_close(&font);
            have_font = false;
            if (ui_font_open(&font, r, fpx, err, n) != 0)
                break;
            have_font = true;
        }
        ui_phases_draw(r, &font, set, pw, ph, sc);
        SDL_RenderPresent(r);
        SDL_Event e;
        if (SDL_WaitEvent(&e))
            quit = e.type == SDL_QUIT ||
                   (e.type == SDL_KEYDOWN &&
                    (e.key.keysym.sym == SDLK_q || e.key.keysym.sym == SDLK_ESCAPE));
        rc = 0;
    }
    if (have_font)
        ui_font_close(&font);
    if (r)
        SDL_DestroyRenderer(r);
    if (win)
        SDL_DestroyWindow(win);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return rc;
}
