/* tests/ui/test_window.c: the real window (run under xvfb-run), driven by
 * synthesized SDL input through its event queue: the wheel zooms around
 * the pointer, a drag pans, a click on a message selects it (drawn in
 * black, with its detail panel), n steps to the next message, f fits the
 * run, a resize relays the view out; a screenshot of the window is read
 * back and checked, and saved as a PNG.
 *
 * usage: test_ui_window IPCEMU SCENARIOS_DIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/integration/harness.h"
#include "ui/window.h"

static const char *scenarios;
static struct ui_app app;

static void push(SDL_Event *e)
{
    e->common.timestamp = SDL_GetTicks();
    assert_int_equal(SDL_PushEvent(e), 1);
}

/* Window coordinates of a pixel position. */
static int pt(int px)
{
    return (int)((float)px / app.view.scale + 0.5f);
}

static void wheel(int px_x, int px_y, int dy)
{
    SDL_Event e = {0};
    e.type = SDL_MOUSEWHEEL;
    e.wheel.windowID = SDL_GetWindowID(app.window);
    e.wheel.y = dy;
    e.wheel.direction = SDL_MOUSEWHEEL_NORMAL;
    e.wheel.mouseX = pt(px_x);
    e.wheel.mouseY = pt(px_y);
    push(&e);
}

static void button(Uint32 type, int px_x, int px_y)
{
    SDL_Event e = {0};
    e.type = type;
    e.button.windowID = SDL_GetWindowID(app.window);
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    e.button.x = pt(px_x);
    e.button.y = pt(px_y);
    push(&e);
}

static void motion(int px_x, int px_y)
{
    SDL_Event e = {0};
    e.type = SDL_MOUSEMOTION;
    e.motion.windowID = SDL_GetWindowID(app.window);
    e.motion.state = SDL_BUTTON_LMASK;
    e.motion.x = pt(px_x);
    e.motion.y = pt(px_y);
    push(&e);
}

static void keypress(SDL_Keycode k)
{
    SDL_Event e = {0};
    e.type = SDL_KEYDOWN;
    e.key.windowID = SDL_GetWindowID(app.window);
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = k;
    push(&e);
}

static uint32_t *shot(int *w, int *h)
{
    uint32_t *px = ui_app_pixels(&app, w, h);
    assert_non_null(px);
    return px;
}

/* Pixels of colour c in the rectangle. */
static size_t count(const uint32_t *px, int w, int x0, int y0, int x1, int y1, uint32_t c)
{
    size_t n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += (px[(size_t)y * (size_t)w + (size_t)x] & 0xffffff) == c;
    return n;
}

static int open_window(void **state)
{
    if (setup(state) != 0)
        return -1;
    char scn[4096], trace[4096], err[512];
    snprintf(scn, sizeof scn, "%s/ping-pong.json", scenarios);
    snprintf(trace, sizeof trace, "%s/ping-pong.trace", tmpdir);
    struct result r = run(0, "run", scn, "--arch", "x86_64", "--quiet", "--trace", trace, NULL);
    result_free(&r);
    if (ui_app_open_window(&app, trace, 1100, 500, err, sizeof err) != 0) {
        fprintf(stderr, "cannot open the window: %s\n", err);
        return -1;
    }
    for (int i = 0; i < 20; i++) /* let the window map and settle */
        ui_app_pump(&app, 10);
    return 0;
}

static int close_window(void **state)
{
    ui_app_close(&app);
    return teardown(state);
}

static void the_wheel_zooms_around_the_pointer(void **state)
{
    (void)state;
    struct ui_view *v = &app.view;
    int x = v->plot_x + v->plot_w / 3, y = v->plot_y + v->lane_h;
    double cpp = v->cpp, under = ui_view_cycle_at(v, x);
    wheel(x, y, 3);
    ui_app_pump(&app, 50);
    assert_true(v->cpp < cpp / 1.9 && v->cpp > cpp / 2.0); /* 1.25^3 = 1.95 */
    assert_true(fabs(ui_view_cycle_at(v, x) - under) <= v->cpp);
    wheel(x, y, -1);
    ui_app_pump(&app, 50);
    assert_true(fabs(v->cpp - cpp / 1.953125 * 1.25) < cpp * 1e-6);
}

static void a_drag_pans(void **state)
{
    (void)state;
    struct ui_view *v = &app.view;
    double t0 = v->t0;
    int x = v->plot_x + v->plot_w / 2, y = v->plot_y + v->lane_h / 2;
    button(SDL_MOUSEBUTTONDOWN, x, y);
    motion(x - 100, y);
    motion(x - 200, y);
    button(SDL_MOUSEBUTTONUP, x - 200, y);
    ui_app_pump(&app, 50);
    assert_true(fabs(v->t0 - (t0 + 200 * v->cpp)) <= 2 * v->cpp);
    assert_int_equal(v->selected, SIZE_MAX); /* a drag is not a click */
}

static void a_click_selects_a_message_and_opens_its_details(void **state)
{
    (void)state;
    struct ui_view *v = &app.view;
    ui_view_range(v, 100000, 200000);
    app.dirty = true;
    int w, h;
    uint32_t *before = shot(&w, &h);
    /* an arrow of the frame: click half way along it */
    size_t pick = SIZE_MAX;
    int cx = 0, cy = 0;
    for (size_t i = 0; i < v->ndrawn && pick == SIZE_MAX; i++) {
        const struct ui_drawn *d = &v->drawn[i];
        if (abs(d->y1 - d->y0) >= v->lane_h / 2 && d->x0 > v->plot_x + 50 &&
            d->x0 < v->plot_x + v->plot_w / 2) {
            pick = d->msg;
            cx = (d->x0 + d->x1) / 2;
            cy = (d->y0 + d->y1) / 2;
        }
    }
    assert_int_not_equal(pick, SIZE_MAX);
    button(SDL_MOUSEBUTTONDOWN, cx, cy);
    button(SDL_MOUSEBUTTONUP, cx, cy);
    ui_app_pump(&app, 50);
    assert_int_equal(v->selected, pick);
    uint32_t *after = shot(&w, &h);
    /* the selected arrow is black, and the panel's frame (grey) is at the
     * top right of the plot, where there was none */
    assert_true(count(after, w, cx - 3, cy - 3, cx + 4, cy + 4, 0x000000) > 0);
    assert_int_equal(count(before, w, cx - 3, cy - 3, cx + 4, cy + 4, 0x000000), 0);
    int px0 = w / 2, py0 = v->plot_y + 2, py1 = v->plot_y + v->plot_h / 2;
    assert_int_equal(count(before, w, px0, py0, w, py1, 0x757575), 0);
    assert_true(count(after, w, px0, py0, w, py1, 0x757575) > 100);
    char png[4096], err[256];
    snprintf(png, sizeof png, "%s/window.png", tmpdir);
    assert_int_equal(ui_app_png(&app, png, err, sizeof err), 0);
    free(before);
    free(after);
    /* n: the next message */
    keypress(SDLK_n);
    ui_app_pump(&app, 50);
    assert_int_equal(v->selected, pick + 1);
    /* Escape deselects, f fits the run again */
    keypress(SDLK_ESCAPE);
    keypress(SDLK_f);
    ui_app_pump(&app, 50);
    assert_int_equal(v->selected, SIZE_MAX);
    assert_true(v->t0 == 0 && v->cpp * v->plot_w >= (double)app.model.end);
    assert_false(app.quit);
}

static void a_resize_relays_the_view_out(void **state)
{
    (void)state;
    SDL_SetWindowSize(app.window, 800, 420);
    for (int i = 0; i < 50 && app.view.w != (int)(800 * app.view.scale); i++)
        ui_app_pump(&app, 20);
    assert_int_equal(app.view.w, (int)(800 * app.view.scale));
    assert_int_equal(app.view.h, (int)(420 * app.view.scale));
    assert_int_equal(app.view.plot_w, app.view.w - app.view.plot_x);
    int w, h;
    uint32_t *px = shot(&w, &h);
    assert_int_equal(w, app.view.w);
    /* the lanes are still drawn: running green in the plot */
    assert_true(count(px, w, app.view.plot_x, app.view.plot_y, w, h, 0x43a047) > 100);
    free(px);
    keypress(SDLK_q);
    ui_app_pump(&app, 50);
    assert_true(app.quit);
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
        cmocka_unit_test(the_wheel_zooms_around_the_pointer),
        cmocka_unit_test(a_drag_pans),
        cmocka_unit_test(a_click_selects_a_message_and_opens_its_details),
        cmocka_unit_test(a_resize_relays_the_view_out),
    };
    return cmocka_run_group_tests(tests, open_window, close_window);
}
