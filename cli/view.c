/* cli/view.c: `ipcemu view`: its options, then the timeline of a trace
 * in a window or a PNG, or the phase view of reports (ui/window.h). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ui/phases.h"
#include "ui/window.h"
#include "util/hostfile.h"

/* The largest picture --size allows: 2^26 pixels, a 256 MiB frame. */
#define MAX_PIXELS (1L << 26)

/* Reads a cycle count with an optional k, M or G suffix into *out.
 * Returns false when `s` is not one. */
static bool parse_cycles(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0 || !isfinite(v))
        return false;
    double mul = *end == 'k' ? 1e3 : *end == 'M' ? 1e6 : *end == 'G' ? 1e9 : 1;
    if (mul != 1)
        end++;
    if (*end || !isfinite(v * mul))
        return false;
    *out = v * mul;
    return true;
}

/* Prints one usage error of `ipcemu view`. Returns EXIT_USAGE. */
static int usage_error(const char *fmt, const char *what)
{
    fprintf(stderr, "ipcemu view: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, " (see `ipcemu view --help`)\n");
    return EXIT_USAGE;
}

/* `ipcemu view --phases REPORT...`: the phase view of paths[npaths], in a
 * window or to a PNG (h 0: as high as it needs), on an axis of `axis`
 * cycles (0: the largest bar's). Returns the exit status. */
static int phases_main(const char *const *paths, size_t npaths,
                       const struct ui_phase_report *reports, size_t nreports, double axis,
                       const char *png, int w, int h, float scale)
{
    struct ui_phase_set set;
    char err[512];
    if (ui_phases_load(&set, paths, npaths, reports, nreports, err, sizeof err) != 0) {
        fprintf(stderr, "ipcemu view: %s\n", err);
        return EXIT_USAGE;
    }
    set.axis = axis;
    if (png) {
        if (ui_phases_png(&set, png, w, h, scale, err, sizeof err) != 0) {
            fprintf(stderr, "ipcemu view: %s\n", err);
            return EXIT_USAGE;
        }
        printf("ipcemu view: wrote %s (%d wide, %zu bar%s in %zu group%s on one axis)\n", png, w,
               set.nbars, set.nbars == 1 ? "" : "s", set.ngroups, set.ngroups == 1 ? "" : "s");
        return EXIT_OK;
    }
    int rc = ui_phases_window(&set, w, h > 0 ? h : 900, err, sizeof err);
    if (err[0])
        fprintf(stderr, "ipcemu view: %s\n", err);
    return rc == 0 ? EXIT_OK : EXIT_USAGE;
}

/* `ipcemu view TRACE` or `ipcemu view --phases REPORT...`. Returns the
 * exit status. */
int cli_view(int argc, char **argv)
{
    const char *trace = NULL, *png = NULL, *process = NULL, *range = NULL, *group = NULL;
    const char *paths[UI_PHASES_MAX_PATHS] = {"ipc.call.fast"};
    size_t npaths = 0;
    long select = 0;
    struct ui_phase_report reports[UI_PHASES_MAX_REPORTS];
    size_t nreports = 0;
    bool phases = false, sized = false, grouped = false;
    int w = 1600, h = 900;
    double scale = 1, ra = -1, rb = -1, axis = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs("usage: ipcemu view TRACE [--png FILE] [--size WxH] [--range A:B] [--scale S]\n"
                  "                   [--process NAME|PID] [--select N]\n"
                  "       ipcemu view --phases [--path P]... [--axis N] [--group NAME] REPORT...\n"
                  "                   [--group NAME REPORT...]... [--png FILE] [--size WxH]\n"
                  "\n"
                  "Shows a trace (`ipcemu run|boot --trace TRACE`) as a timeline: a lane per\n"
                  "process (user, in the kernel for it, ready, blocked; its pid, priority and\n"
                  "any inherited priority) and a kernel lane per core, an arrow per message\n"
                  "coloured by kind and labelled with its header where there is room, marks\n"
                  "for capability-cache hits and misses, handoffs, timer interrupts, timeouts,\n"
                  "dropped and refused messages. With --png it renders the same view to a\n"
                  "PNG without a display.\n"
                  "\n"
                  "  --png FILE        render headless to FILE instead of opening a window\n"
                  "  --size WxH        the picture's (or window's) size (default 1600x900;\n"
                  "                    200x150 to 16384x16384, 2^26 pixels at most: 8192x8192)\n"
                  "  --range A:B       the cycles shown (k, M, G suffixes; default: the run);\n"
                  "                    A before the run's end, B at most twice the end\n"
                  "  --scale S         layout scale, 1 to 4 (2 for high-DPI pictures)\n"
                  "  --process P       show only this process's lane (and the kernel's)\n"
                  "  --select N        select message N (as the details panel numbers them)\n"
                  "                    and show it\n"
                  "  --phases          the phase view: a stacked bar per report (`ipcemu run\n"
                  "                    ... --report FILE`, up to 12) and path of where the\n"
                  "                    cycles of its mean span go, labelled with that mean;\n"
                  "                    a tick marks the median. All bars share one axis.\n"
                  "                    A PNG without --size is 1600 x S wide, as high as needed\n"
                  "  --path P          a path to draw (default ipc.call.fast); give up to 4\n"
                  "  --axis N          fix the axis at N cycles (k, M, G suffixes), so that\n"
                  "                    separate pictures compare; longer bars are cut, marked >\n"
                  "  --group NAME      the reports after it form a group headed NAME (a\n"
                  "                    configuration); without it, reports group by scenario\n"
                  "                    and a report's named runs (\"runs\") by run\n"
                  "\n"
                  "In the window: wheel zooms around the pointer (shift+wheel scrolls lanes),\n"
                  "drag pans, arrows pan and scroll, + and - zoom, Home and End jump, f fits\n"
                  "the run, click a message for its details, n and p step to the next and\n"
                  "previous message, click a lane's name to show only that process, 1-5 hide\n"
                  "or show a kind, / types an opcode to search for, a shows all, l the\n"
                  "legend, q quits.\n",
                  stdout);
            return EXIT_OK;
        }
        if (!strcmp(arg, "--phases")) {
            phases = true;
            continue;
        }
        if (!strcmp(arg, "--png") || !strcmp(arg, "--size") || !strcmp(arg, "--range") ||
            !strcmp(arg, "--scale") || !strcmp(arg, "--process") || !strcmp(arg, "--path") ||
            !strcmp(arg, "--select") || !strcmp(arg, "--axis") || !strcmp(arg, "--group")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", arg);
            const char *val = argv[++i];
            if (!strcmp(arg, "--png"))
                png = val;
            else if (!strcmp(arg, "--select")) {
                char *end;
                select = strtol(val, &end, 10);
                if (*end || select < 1)
                    return usage_error("--select %s: give a message number, 1 or more", val);
            } else if (!strcmp(arg, "--path")) {
                if (npaths == UI_PHASES_MAX_PATHS)
                    return usage_error("--path %s: at most 4 paths", val);
                paths[npaths++] = val;
            } else if (!strcmp(arg, "--axis")) {
                if (!parse_cycles(val, &axis) || axis < 1 || axis >= 18446744073709551616.0)
                    return usage_error("--axis %s: give the axis's cycles, 1 or more (k, M, G)",
                                       val);
            } else if (!strcmp(arg, "--group")) {
                group = val;
                grouped = true;
            } else if (!strcmp(arg, "--process"))
                process = val;
            else if (!strcmp(arg, "--size")) {
                char *x;
                long a = strtol(val, &x, 10), b = *x == 'x' ? strtol(x + 1, &x, 10) : 0;
                if (*x || a < 200 || b < 150 || a > 16384 || b > 16384 || a * b > MAX_PIXELS)
                    return usage_error("--size %s: give WxH, from 200x150 to 16384x16384 and at "
                                       "most 2^26 pixels (8192x8192)",
                                       val);
                w = (int)a;
                h = (int)b;
                sized = true;
            } else if (!strcmp(arg, "--scale")) {
                char *end;
                scale = strtod(val, &end);
                if (*end || !(scale >= 1 && scale <= 4))
                    return usage_error("--scale %s: give a number from 1 to 4", val);
            } else {
                const char *colon = strchr(val, ':');
                char a[64];
                if (!colon || (size_t)(colon - val) >= sizeof a)
                    return usage_error("--range %s: give A:B in cycles", val);
                memcpy(a, val, (size_t)(colon - val));
                a[colon - val] = '\0';
                if (!parse_cycles(a, &ra) || !parse_cycles(colon + 1, &rb) || rb <= ra)
                    return usage_error("--range %s: give A:B in cycles, A < B", val);
                range = val;
            }
            continue;
        }
        if (arg[0] == '-')
            return usage_error("unknown option %s", arg);
        if (nreports == UI_PHASES_MAX_REPORTS)
            return usage_error("too many files (%s): one TRACE, or up to 12 reports", arg);
        reports[nreports++] = (struct ui_phase_report){arg, group};
    }
    /* the picture must not replace what it is drawn from */
    for (size_t i = 0; png && i < nreports; i++)
        if (hf_same_file(png, reports[i].file)) {
            fprintf(stderr,
                    "ipcemu view: --png %s is the same file as %s, which it reads; give "
                    "another file\n",
                    png, reports[i].file);
            return EXIT_USAGE;
        }
    if (phases) {
        if (!nreports)
            return usage_error("%s", "--phases needs reports (`ipcemu run ... --report FILE`)");
        if (process || ra >= 0 || select)
            return usage_error("%s",
                               "--process, --range and --select are for traces, not --phases");
        /* a PNG without --size: as wide as the layout scale asks, as high as needed */
        return phases_main(paths, npaths ? npaths : 1, reports, nreports, axis, png,
                           png && !sized ? (int)lround(w * scale) : w, png && !sized ? 0 : h,
                           (float)scale);
    }
    if (npaths || axis > 0 || grouped)
        return usage_error("%s", "--path, --axis and --group are for --phases");
    if (nreports > 1)
        return usage_error("one TRACE, please (also got %s)", reports[1].file);
    trace = nreports ? reports[0].file : NULL;
    if (!trace)
        return usage_error("%s", "which TRACE? (`ipcemu run SCENARIO --trace TRACE` writes one)");
    struct ui_app a;
    char err[512];
    int rc = png ? ui_app_open_headless(&a, trace, w, h, (float)scale, err, sizeof err)
                 : ui_app_open_window(&a, trace, w, h, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "ipcemu view: %s\n", err);
        return EXIT_USAGE;
    }
    if (process) {
        char *end;
        unsigned long pid = strtoul(process, &end, 10);
        size_t lane = SIZE_MAX;
        for (size_t i = 0; i < a.model.nlanes && lane == SIZE_MAX; i++)
            if (a.model.lanes[i].pid &&
                (*end ? !strcmp(a.model.lanes[i].name, process) : a.model.lanes[i].pid == pid))
                lane = i;
        if (lane == SIZE_MAX) {
            fprintf(stderr, "ipcemu view: --process %s: no such process in %s\n", process, trace);
            ui_app_close(&a);
            return EXIT_USAGE;
        }
        ui_app_filter_process(&a, a.model.lanes[lane].pid);
    }
    if (select) {
        if ((size_t)select > a.model.nmsgs) {
            fprintf(stderr, "ipcemu view: --select %ld: %s has %zu messages\n", select, trace,
                    a.model.nmsgs);
            ui_app_close(&a);
            return EXIT_USAGE;
        }
        const struct tl_msg *m = &a.model.msgs[select - 1];
        double d = (double)(m->received - m->sent) * 2 + 2000;
        ui_view_range(&a.view, (double)m->sent - d, (double)m->received + d);
        a.view.selected = (size_t)select - 1;
    }
    if (ra >= 0) {
        /* a range must show the run: start before its end, and end at
         * most one run's length after it (0:1e25 would squeeze the run
         * out of sight) */
        double end = (double)a.model.end;
        if (!a.model.end) {
            fprintf(stderr, "ipcemu view: --range %s: the run in %s has no cycles to show\n", range,
                    trace);
            ui_app_close(&a);
            return EXIT_USAGE;
        }
        if (!(ra < end) || rb > 2 * end) {
            fprintf(stderr,
                    "ipcemu view: --range %s: outside the run, which spans cycles 0 to %llu "
                    "(give A below %llu and B at most %.0f)\n",
                    range, (unsigned long long)a.model.end, (unsigned long long)a.model.end,
                    2 * end);
            ui_app_close(&a);
            return EXIT_USAGE;
        }
        ui_view_range(&a.view, ra, rb);
    }
    if (png) {
        rc = ui_app_png(&a, png, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "ipcemu view: %s\n", err);
        else
            printf("ipcemu view: wrote %s (%dx%d, cycles %.0f to %.0f, %zu of %zu messages in "
                   "view drawn)\n",
                   png, a.view.w, a.view.h, a.view.t0, a.view.t0 + a.view.cpp * a.view.plot_w,
                   a.view.arrows_drawn, a.view.arrows_in_view);
        ui_app_close(&a);
        return rc == 0 ? EXIT_OK : EXIT_USAGE;
    }
    ui_app_loop(&a);
    ui_app_close(&a);
    return EXIT_OK;
}
