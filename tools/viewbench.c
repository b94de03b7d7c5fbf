/* tools/viewbench.c: the timeline's speed on a large trace. Loads the
 * trace (time and memory of the model), then renders frames headless at
 * the window's default size while panning, at zoom levels from the whole
 * run down to a few thousand cycles, and prints frames per second for
 * each and the slowest. Frames are drawn by the same code as the window
 * (a software renderer, as under Xvfb).
 *
 * usage: ipcemu-viewbench TRACE [--size WxH] [--frames N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ui/window.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long max_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    const char *trace = NULL;
    int w = 1600, h = 900, frames = 120;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--size") && i + 1 < argc) {
            if (sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w < 200 || h < 150) {
                fprintf(stderr, "ipcemu-viewbench: --size WxH\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--frames") && i + 1 < argc) {
            frames = atoi(argv[++i]);
            if (frames < 1) {
                fprintf(stderr, "ipcemu-viewbench: --frames N (N >= 1)\n");
                return 2;
            }
        } else if (argv[i][0] != '-' && !trace) {
            trace = argv[i];
        } else {
            fprintf(stderr, "usage: ipcemu-viewbench TRACE [--size WxH] [--frames N]\n");
            return 2;
        }
    }
    if (!trace) {
        fprintf(stderr, "usage: ipcemu-viewbench TRACE [--size WxH] [--frames N]\n");
        return 2;
    }
    long rss0 = max_rss_kib();
    double t = now();
    struct ui_app a;
    char err[512];
    if (ui_app_open_headless(&a, trace, w, h, 1, err, sizeof err) != 0) {
        fprintf(stderr, "ipcemu-viewbench: %s\n", err);
        return 2;
    }
    double load = now() - t;
    const struct tl_model *m = &a.model;
    size_t changes = 0;
    for (size_t i = 0; i < m->nlanes; i++)
        changes += m->lanes[i].n;
    printf("%s: %llu events, %zu lanes, %zu state changes, %zu messages, %zu marks, "
           "%llu cycles\n",
           trace, (unsigned long long)m->events, m->nlanes, changes, m->nmsgs, m->nmarks,
           (unsigned long long)m->end);
    printf("  opened in %.2f s (read, model built, font, first layout); max RSS %ld MiB "
           "(%ld before)\n",
           load, max_rss_kib() / 1024, rss0 / 1024);
    /* zoom levels: the whole run, then views of 1/100, 1/10^4 and 1/10^6
     * of it (at least 2,000 cycles), panning 8 pixels a frame */
    double span = (double)(m->end ? m->end : 1), worst = 1e9;
    double views[] = {span * 1.02, span / 100, span / 1e4, span / 1e6};
    for (size_t z = 0; z < sizeof views / sizeof views[0]; z++) {
        double width = views[z] < 2000 ? 2000 : views[z];
        ui_view_range(&a.view, span / 3, span / 3 + width);
        if (z == 0)
            ui_view_fit(&a.view);
        int wpx, hpx;
        uint32_t *px = ui_app_pixels(&a, &wpx, &hpx); /* one frame to warm up */
        free(px);
        size_t drawn = 0, inview = 0;
        double t0 = now(), slowest = 0;
        for (int f = 0; f < frames; f++) {
            double tf = now();
            ui_view_pan(&a.view, 8, 0);
            ui_app_draw(&a);
            SDL_RenderPresent(a.renderer);
            double dt = now() - tf;
            if (dt > slowest)
                slowest = dt;
            drawn += a.view.arrows_drawn;
            inview += a.view.arrows_in_view;
        }
        double el = now() - t0, fps = frames / el;
        if (fps < worst)
            worst = fps;
        printf("  view of %.0f cycles: %.1f frames/s (slowest frame %.1f ms), %zu arrows drawn "
               "a frame for %zu messages sent in view\n",
               a.view.cpp * a.view.plot_w, fps, slowest * 1000, drawn / (size_t)frames,
               inview / (size_t)frames);
    }
    printf("  slowest zoom level: %.1f frames/s at %dx%d (target 60: %s)\n", worst, w, h,
           worst >= 60 ? "met" : "NOT met");
    ui_app_close(&a);
    return 0;
}
