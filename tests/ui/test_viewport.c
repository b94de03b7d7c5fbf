/* tests/ui/test_viewport.c: the timeline rendered headless from real traces
 * (ipcemu run --trace on scenarios/), checked by what the picture shows,
 * not by a pixel hash: each lane's bar has the colour of the state the
 * model gives for those cycles, a message's arrow joins its sender's lane
 * at its send cycle to its receiver's lane at its receive cycle in its
 * kind's colour (every kind, from the scenarios that have it), the legend
 * shows every colour (the phase view is tests/ui/test_phases.c); and
 * `ipcemu view --png` writes a PNG
 * and refuses bad input with exit status 2: a --range outside the run, a
 * --png that is its own input; a PNG it cannot write leaves no partial
 * file and an earlier one intact. Views at any zoom, pan and range draw
 * without a float-to-int overflow (the sanitizer build stops on one) or
 * an endless loop, even on a run that ends near cycle 2^64.
 *
 * usage: test_ui_viewport IPCEMU ARCH SCENARIOS_DIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/syscall_nr.h"
#include "tests/integration/harness.h"
#include "ui/phases.h"
#include "tracer/tracefile.h"
#include "ui/window.h"

static const char *arch, *scenarios;

/* Runs scenario `name` with --trace into tmpdir; returns the trace path
 * (static buffer). A name "NAME@N" runs NAME with --cores N. */
static const char *trace_of(const char *name)
{
    static char trace[4096];
    char scn[4096], base[256];
    const char *at = strchr(name, '@');
    snprintf(base, sizeof base, "%.*s", at ? (int)(at - name) : (int)strlen(name), name);
    snprintf(scn, sizeof scn, "%s/%s.json", scenarios, base);
    snprintf(trace, sizeof trace, "%s/%s.trace", tmpdir, name);
    struct result r = run(0, "run", scn, "--arch", arch, "--quiet", "--trace", trace, "--cores",
                          at ? at + 1 : "1", NULL);
    if (r.status > 1)
        print_error("%s: %s\n", name, r.err);
    assert_true(r.status <= 1);
    result_free(&r);
    return trace;
}

struct frame {
    uint32_t *px;
    int w, h;
};

static uint32_t at(const struct frame *f, int x, int y)
{
    if (x < 0 || y < 0 || x >= f->w || y >= f->h)
        return 0;
    return f->px[(size_t)y * (size_t)f->w + (size_t)x] & 0xffffff;
}

static uint32_t rgb(SDL_Color c)
{
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

/* Whether colour c is within `r` pixels of (x, y). */
static bool near(const struct frame *f, int x, int y, int r, uint32_t c)
{
    for (int dy = -r; dy <= r; dy++)
        for (int dx = -r; dx <= r; dx++)
            if (at(f, x + dx, y + dy) == c)
                return true;
    return false;
}

static struct frame grab(struct ui_app *a)
{
    struct frame f;
    f.px = ui_app_pixels(a, &f.w, &f.h);
    assert_non_null(f.px);
    return f;
}

/* The row centre of lane `lane` in the view (INT32_MIN: not shown). */
static int lane_y(const struct ui_view *v, size_t lane)
{
    for (size_t r = 0; r < v->nrows; r++)
        if (v->rows[r] == lane)
            return v->plot_y + (int)((long)r - (long)v->scroll) * v->lane_h + v->lane_h / 2;
    return INT32_MIN;
}

static int cycle_x(const struct ui_view *v, double cycle)
{
    return v->plot_x + (int)((cycle - v->t0) / v->cpp + 0.5);
}

/* Lanes share the plot's height: few lanes grow to UI_LANE_MAX, more
 * split the height between them (the rows fill it), and when even the
 * smallest row does not fit them all, a scroll bar along the gutter shows
 * the rows in view. A process's priority comes from its proc.create, and a
 * server's inherited priority is drawn where it holds its caller's. */
static void lanes_share_the_height(void **state)
{
    (void)state;
    const char *trace = trace_of("rpc-clients");
    const int sizes[][2] = {{1200, 900}, {1200, 400}, {800, 200}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        struct ui_app a;
        char err[512];
        assert_int_equal(
            ui_app_open_headless(&a, trace, sizes[k][0], sizes[k][1], 1, err, sizeof err), 0);
        struct frame f = grab(&a);
        const struct ui_view *v = &a.view;
        assert_int_equal(v->nrows, 5); /* the kernel, the server and three clients */
        long rows = (long)v->nrows * v->lane_h;
        if (k == 0)
            assert_int_equal(v->lane_h, UI_LANE_MAX);
        else if (k == 1)
            assert_true(rows <= v->plot_h && rows > v->plot_h - (long)v->nrows);
        else /* too small: the lanes scroll, and the bar says so */
            assert_true(rows > v->plot_h && at(&f, v->plot_x - 4, v->plot_y + 1) ==
                                                rgb((SDL_Color){117, 117, 117, 255}));
        free(f.px);
        size_t server = SIZE_MAX;
        for (size_t i = 0; i < a.model.nlanes; i++)
            if (!strcmp(a.model.lanes[i].name, "server"))
                server = i;
        assert_true(server != SIZE_MAX);
        assert_int_equal(a.model.lanes[server].prio, 1);
        ui_app_close(&a);
    }
    /* the slow server (priority 2) runs at its client's 3 while it holds a
     * call: a band along the bottom of its bar */
    struct ui_app a;
    char err[512];
    assert_int_equal(
        ui_app_open_headless(&a, trace_of("lesson-fast-vs-slow"), 1600, 900, 1, err, sizeof err),
        0);
    a.view.kinds = 0;
    assert_true(a.model.ninherits > 0);
    const struct tl_inherit *in = &a.model.inherits[a.model.ninherits / 2];
    assert_string_equal(a.model.lanes[in->lane].name, "slow_server");
    assert_int_equal(a.model.lanes[in->lane].inherited, 3);
    assert_int_equal(in->prio, 3);
    ui_view_range(&a.view, (double)in->from - 200, (double)in->to + 200);
    struct frame f = grab(&a);
    int y = lane_y(&a.view, in->lane) + a.view.lane_h / 2 - 6;
    assert_true(near(&f, cycle_x(&a.view, ((double)in->from + (double)in->to) / 2), y, 3,
                     rgb(ui_inherit_color)));
    free(f.px);
    ui_app_close(&a);
}

/* Timer interrupts (kernel lane), timeouts and dropped messages (the
 * process's lane) are drawn where the model has them, in their colours;
 * at a call's zoom a fast-path arrow is labelled with its header beside
 * it. */
static void marks_and_labels_appear_where_the_trace_says(void **state)
{
    (void)state;
    struct ui_app a;
    char err[512];
    assert_int_equal(
        ui_app_open_headless(&a, trace_of("call-timeout"), 1600, 900, 1, err, sizeof err), 0);
    a.view.kinds = 0;
    struct frame f = grab(&a);
    const struct ui_view *v = &a.view;
    size_t seen[TL_MARK_COUNT] = {0};
    for (size_t i = 0; i < a.model.nmarks; i++) {
        const struct tl_mark *mk = &a.model.marks[i];
        if (mk->kind != TL_MARK_TIMER && mk->kind != TL_MARK_TIMEOUT && mk->kind != TL_MARK_DROP)
            continue;
        int y = lane_y(v, mk->lane) - v->lane_h / 2;
        assert_true(near(&f, cycle_x(v, (double)mk->at), y + 3, 3, rgb(ui_mark_color[mk->kind])));
        seen[mk->kind]++;
    }
    assert_true(seen[TL_MARK_TIMER] > 0 && seen[TL_MARK_TIMEOUT] > 0 && seen[TL_MARK_DROP] > 0);
    free(f.px);
    ui_app_close(&a);
    /* ping-pong at a few calls' zoom: each fast-path arrow is steep, with
     * its label (on a white panel) to its right */
    struct tl_model m;
    const char *trace = trace_of("ping-pong");
    assert_int_equal(tl_load(trace, &m, err, sizeof err), 0);
    size_t k = m.nmsgs / 2; /* mid-run, in the steady ping-pong */
    while (k < m.nmsgs && m.msgs[k].kind != TL_FAST)
        k++;
    assert_true(k + 2 < m.nmsgs);
    double t = (double)m.msgs[k].sent;
    tl_free(&m);
    assert_int_equal(ui_app_open_headless(&a, trace, 1600, 600, 1, err, sizeof err), 0);
    ui_view_range(&a.view, t - 500, t + 2500);
    f = grab(&a);
    size_t labelled = 0;
    for (size_t i = 0; i < a.view.ndrawn; i++) {
        const struct ui_drawn *d = &a.view.drawn[i];
        if (a.model.msgs[d->msg].kind != TL_FAST || abs(d->x1 - d->x0) >= 8)
            continue;
        int mx = (d->x0 + d->x1) / 2, my = (d->y0 + d->y1) / 2, ink = 0;
        for (int y = my - 6; y <= my + 6; y++)
            for (int x = mx + 6; x < mx + 60; x++)
                ink += at(&f, x, y) == 0xffffff; /* the label's panel */
        labelled += ink > 100;
    }
    if (labelled < 2)
        print_error("labelled %zu of %zu drawn, range %f\n", labelled, a.view.ndrawn, t);
    assert_true(labelled >= 2);
    free(f.px);
    ui_app_close(&a);
}

/* Every process lane's bar shows, column by column, the colour of the
 * state the model has there (arrows hidden so that they cover nothing). */
static void lanes_show_the_states_of_the_model(void **state)
{
    (void)state;
    const char *names[] = {"ping-pong", "rpc-clients", "deadlock-fixed"};
    for (size_t s = 0; s < sizeof names / sizeof names[0]; s++) {
        struct ui_app a;
        char err[512];
        assert_int_equal(
            ui_app_open_headless(&a, trace_of(names[s]), 1200, 500, 1, err, sizeof err), 0);
        a.view.kinds = 0;
        struct frame f = grab(&a);
        const struct ui_view *v = &a.view;
        size_t checked = 0, lanes = 0;
        for (size_t lane = 0; lane < a.model.nlanes; lane++) {
            const struct tl_lane *l = &a.model.lanes[lane];
            int y = lane_y(v, lane);
            if (!l->pid || y == INT32_MIN || y >= v->plot_y + v->plot_h)
                continue;
            lanes++;
            /* its name is written in the gutter */
            size_t ink = 0;
            for (int x = 0; x < v->plot_x - 2; x++)
                for (int dy = -v->lane_h / 3; dy <= v->lane_h / 3; dy++)
                    ink += at(&f, x, y + dy) != rgb(ui_background) && at(&f, x, y + dy) != 0xf4f4f6;
            assert_true(ink > 20);
            for (int c = 0; c < v->plot_w; c += 7) {
                double a0 = v->t0 + c * v->cpp, a1 = a0 + v->cpp;
                if (a0 < 0)
                    continue;
                uint64_t next;
                enum tl_state st = tl_state_at(l, (uint64_t)a0, &next);
                if (next < (uint64_t)a1 + 1 || st == TL_ABSENT)
                    continue;      /* a change inside the column: either colour is fair */
                bool mark = false; /* an exit mark drawn over the bar */
                for (size_t k = 0; k < a.model.nmarks; k++)
                    mark |= a.model.marks[k].lane == lane &&
                            abs(cycle_x(v, (double)a.model.marks[k].at) - (v->plot_x + c)) <= 4;
                if (mark)
                    continue;
                uint32_t got = at(&f, v->plot_x + c, y);
                if (got != rgb(ui_state_color[st]))
                    print_error("%s lane %s column %d (cycle %.0f): 0x%06x, %s is 0x%06x\n",
                                names[s], l->name, c, a0, got, tl_state_name(st),
                                rgb(ui_state_color[st]));
                assert_int_equal(got, rgb(ui_state_color[st]));
                checked++;
            }
        }
        assert_true(lanes >= 2);
        assert_true(checked > 50);
        free(f.px);
        ui_app_close(&a);
    }
}

/* For each kind of message, from a scenario that has it: zoomed in on one
 * such message, its colour is at the sender's lane at the send cycle, at
 * the receiver's lane at the receive cycle and half way between, and the
 * lanes above and below both ends do not have it there. */
static void arrows_join_the_right_lanes_in_their_kind_colour(void **state)
{
    (void)state;
    const char *names[] = {"ping-pong",         "pipeline",       "notify-pull",
                           "zero-copy-vs-copy", "fan-out-fan-in", "ping-pong@4"}; /* IPIs */
    bool seen[TL_KIND_COUNT] = {false};
    for (size_t s = 0; s < sizeof names / sizeof names[0]; s++) {
        struct ui_app a;
        char err[512];
        assert_int_equal(
            ui_app_open_headless(&a, trace_of(names[s]), 1200, 600, 1, err, sizeof err), 0);
        for (int kind = 0; kind < TL_KIND_COUNT; kind++) {
            size_t i = 0;
            while (i < a.model.nmsgs &&
                   (a.model.msgs[i].kind != kind || a.model.msgs[i].from == a.model.msgs[i].to))
                i++;
            if (i == a.model.nmsgs)
                continue;
            const struct tl_msg *m = &a.model.msgs[i];
            a.view.kinds = 1u << kind; /* only this kind: nothing else of its colour */
            double d = (double)(m->received - m->sent) / 2 + 300;
            ui_view_range(&a.view, (double)m->sent - d, (double)m->received + d);
            struct frame f = grab(&a);
            const struct ui_view *v = &a.view;
            uint32_t c = rgb(ui_kind_color[kind]);
            int x0 = cycle_x(v, (double)m->sent), x1 = cycle_x(v, (double)m->received);
            int y0 = lane_y(v, m->from), y1 = lane_y(v, m->to);
            assert_true(y0 != INT32_MIN && y1 != INT32_MIN);
            if (!near(&f, x0, y0, 3, c) || !near(&f, x1, y1, 3, c) ||
                !near(&f, (x0 + x1) / 2, (y0 + y1) / 2, 3, c))
                print_error("%s: %s message %zu (%s -> %s) not drawn from (%d,%d) to (%d,%d)\n",
                            names[s], tl_kind_name(kind), i, a.model.lanes[m->from].name,
                            a.model.lanes[m->to].name, x0, y0, x1, y1);
            assert_true(near(&f, x0, y0, 3, c));
            assert_true(near(&f, x1, y1, 3, c));
            assert_true(near(&f, (x0 + x1) / 2, (y0 + y1) / 2, 3, c));
            /* not to a neighbouring lane instead */
            int lo = y0 < y1 ? y0 : y1, hi = y0 < y1 ? y1 : y0;
            assert_false(near(&f, x1, hi + v->lane_h, 2, c) && near(&f, x0, hi + v->lane_h, 2, c));
            assert_false(near(&f, x0, lo - v->lane_h, 2, c) && near(&f, x1, lo - v->lane_h, 2, c));
            seen[kind] = true;
            free(f.px);
        }
        ui_app_close(&a);
    }
    for (int kind = 0; kind < TL_KIND_COUNT; kind++) {
        if (!seen[kind])
            print_error("no scenario showed a %s message\n", tl_kind_name(kind));
        assert_true(seen[kind]);
    }
}

/* High DPI: at scale 2 (a display with twice the pixels per point) the
 * font and the layout double, and the picture still shows the same
 * states at the same cycles. */
static void scale_two_doubles_the_layout(void **state)
{
    (void)state;
    const char *trace = trace_of("ping-pong");
    struct ui_app a, b;
    char err[512];
    assert_int_equal(ui_app_open_headless(&a, trace, 1000, 400, 1, err, sizeof err), 0);
    assert_int_equal(ui_app_open_headless(&b, trace, 2000, 800, 2, err, sizeof err), 0);
    assert_int_equal(b.font.px, 2 * a.font.px);
    /* the font at twice the size may be a pixel shorter or taller than
     * twice the font: each text row (the header, the legend's rows) moves
     * the lanes by that much */
    int rows = 2 + b.view.legend_h / b.font.h;
    assert_true(abs(b.view.lane_h - 2 * a.view.lane_h) <= 2 + rows * abs(b.font.h - 2 * a.font.h));
    assert_true(abs(b.view.plot_x - 2 * a.view.plot_x) <= 4);
    assert_true(abs(b.view.plot_y - 2 * a.view.plot_y) <= 4);
    /* the same span of cycles across twice the pixels */
    assert_true(fabs(b.view.cpp * b.view.plot_w - a.view.cpp * a.view.plot_w) <
                a.view.cpp * a.view.plot_w * 0.01);
    b.view.kinds = 0;
    struct frame f = grab(&b);
    size_t lane = tl_lane_of(&b.model, 1);
    int y = lane_y(&b.view, lane);
    size_t ok = 0;
    for (int c = 0; c < b.view.plot_w; c += 11) {
        double a0 = b.view.t0 + c * b.view.cpp;
        uint64_t next;
        enum tl_state st = tl_state_at(&b.model.lanes[lane], (uint64_t)a0, &next);
        if (st == TL_ABSENT || next <= (uint64_t)(a0 + b.view.cpp) + 1)
            continue;
        ok += at(&f, b.view.plot_x + c, y) == rgb(ui_state_color[st]);
    }
    assert_true(ok > 20);
    free(f.px);
    ui_app_close(&a);
    ui_app_close(&b);
}

/* The legend strip shows every state, kind and mark colour (IPIs in a
 * trace that has some). */
static void the_legend_shows_every_colour(void **state)
{
    (void)state;
    struct ui_app a;
    char err[512];
    assert_int_equal(
        ui_app_open_headless(&a, trace_of("ping-pong@4"), 1000, 400, 1, err, sizeof err), 0);
    struct frame f = grab(&a);
    int top = a.view.h - a.view.legend_h;
    assert_true(a.view.legend_h > 0);
    SDL_Color want[TL_STATE_COUNT - 1 + TL_KIND_COUNT + TL_MARK_COUNT];
    int n = 0;
    for (int s = TL_READY; s < TL_STATE_COUNT; s++)
        want[n++] = ui_state_color[s];
    for (int k = 0; k < TL_KIND_COUNT; k++)
        want[n++] = ui_kind_color[k];
    for (int k = 0; k < TL_MARK_COUNT; k++)
        want[n++] = ui_mark_color[k];
    for (int i = 0; i < n; i++) {
        bool found = false;
        for (int y = top; y < f.h && !found; y++)
            for (int x = 0; x < f.w && !found; x++)
                found = at(&f, x, y) == rgb(want[i]);
        assert_true(found);
    }
    free(f.px);
    ui_app_close(&a);
}

/* The command: a PNG at the size asked; bad input exits 2 with one line. */
static void view_writes_a_png_and_refuses_bad_input(void **state)
{
    (void)state;
    const char *trace = trace_of("ping-pong");
    char png[4096], bad[4096];
    snprintf(png, sizeof png, "%s/view.png", tmpdir);
    struct result r =
        run(0, "view", trace, "--png", png, "--size", "900x300", "--range", "10k:200k", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    FILE *fp = fopen(png, "rb");
    assert_non_null(fp);
    unsigned char hdr[24];
    assert_int_equal(fread(hdr, 1, sizeof hdr, fp), sizeof hdr);
    fclose(fp);
    assert_memory_equal(hdr, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal((hdr[16] << 24 | hdr[17] << 16 | hdr[18] << 8 | hdr[19]), 900);
    assert_int_equal((hdr[20] << 24 | hdr[21] << 16 | hdr[22] << 8 | hdr[23]), 300);
    snprintf(bad, sizeof bad, "%s/bad.trace", tmpdir);
    fp = fopen(bad, "wb");
    assert_non_null(fp);
    fputs("IPCEMUTR not really a trace", fp);
    fclose(fp);
    const char *cases[][8] = {
        {"view", NULL},
        {"view", trace, "--png", png, "--size", "9x9", NULL},
        {"view", trace, "--png", png, "--range", "5:3", NULL},
        {"view", trace, "--png", png, "--range", "abc", NULL},
        {"view", trace, "--png", png, "--scale", "9", NULL},
        {"view", trace, "--png", png, "--process", "nobody", NULL},
        {"view", trace, "--png", NULL},
        {"view", trace, "--bogus", NULL},
        {"view", trace, "--png", png, "--select", "0", NULL},
        {"view", trace, "--png", png, "--select", "100000", NULL},
        {"view", "--phases", trace, "--png", png, NULL},
        {"view", "/nonexistent/x.trace", "--png", png, NULL},
        {"view", bad, "--png", png, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *c = cases[i];
        r = run(0, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], NULL);
        if (r.status != 2 || !strstr(r.err, "ipcemu view") ||
            strchr(r.err, '\n') != strrchr(r.err, '\n'))
            print_error("case %zu: exit %d, stderr '%s'\n", i, r.status, r.err);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "ipcemu view"));
        result_free(&r);
    }
    /* --select draws the message selected: black, with its details */
    r = run(0, "view", trace, "--png", png, "--select", "5", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    /* without a display, the window (view, run --view) is one clear error,
     * and run --view leaves no temporary trace behind */
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    unsetenv("SDL_VIDEODRIVER");
    r = run(0, "view", trace, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no display"));
    assert_int_equal(strchr(r.err, '\n'), strrchr(r.err, '\n'));
    result_free(&r);
    char scn[4096];
    snprintf(scn, sizeof scn, "%s/ping-pong.json", scenarios);
    setenv("TMPDIR", tmpdir, 1);
    r = run(0, "run", scn, "--arch", arch, "--quiet", "--view", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no display"));
    result_free(&r);
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        assert_null(strstr(de->d_name, "ipcemu-view-"));
    closedir(d);
}

/* Returns the whole file at `path` (NULL if absent) and its size. */
static char *file_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, k;
    char chunk[65536];
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf = realloc(buf, len + k + 1);
        assert_non_null(buf);
        memcpy(buf + len, chunk, k);
        len += k;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    *n = len;
    return buf;
}

/* Checks that the file at `path` still holds bytes[n]. */
static void assert_file_is(const char *path, const char *bytes, size_t n)
{
    size_t m;
    char *now = file_bytes(path, &m);
    assert_non_null(now);
    assert_int_equal(m, n);
    assert_memory_equal(now, bytes, n);
    free(now);
}

/* Checks that r failed with exit status 2 and one line on stderr that
 * names `what`. */
static void assert_refused(const struct result *r, const char *what)
{
    if (r->status != 2 || !strstr(r->err, what) || strchr(r->err, '\n') != strrchr(r->err, '\n'))
        print_error("exit %d, stderr '%s' (wanted '%s')\n", r->status, r->err, what);
    assert_int_equal(r->status, 2);
    assert_non_null(strstr(r->err, "ipcemu view: "));
    assert_non_null(strstr(r->err, what));
    assert_int_equal(strchr(r->err, '\n'), strrchr(r->err, '\n'));
}

/* A --range outside the run (past its end, or squeezing it out of sight
 * like 0:1e25) is bad input: exit 2, naming the range and the run's
 * extent. A range the run fills stays fine, and the status line never
 * draws more messages than are in view. */
static void view_refuses_a_range_outside_the_run(void **state)
{
    (void)state;
    const char *trace = trace_of("ping-pong");
    struct tl_model m;
    char err[512], png[4096], extent[64];
    assert_int_equal(tl_load(trace, &m, err, sizeof err), 0);
    uint64_t end = m.end;
    size_t nmsgs = m.nmsgs;
    tl_free(&m);
    snprintf(png, sizeof png, "%s/range.png", tmpdir);
    snprintf(extent, sizeof extent, "spans cycles 0 to %llu", (unsigned long long)end);
    char past[64], far[64], near_end[64];
    snprintf(past, sizeof past, "%llu:%llu", (unsigned long long)end + 1000,
             (unsigned long long)end * 3);
    snprintf(far, sizeof far, "0:%llu", (unsigned long long)end * 3);
    const char *bad[] = {"0:1e25", past, far, "1e19:2e19", "18446744073709551615:1e300"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct result r = run(0, "view", trace, "--png", png, "--range", bad[i], NULL);
        char what[128];
        snprintf(what, sizeof what, "--range %s", bad[i]);
        assert_refused(&r, what);
        assert_non_null(strstr(r.err, extent));
        result_free(&r);
    }
    /* a range that ends a little past the run is fine */
    snprintf(near_end, sizeof near_end, "%llu:%llu", (unsigned long long)end / 2,
             (unsigned long long)end + end / 4);
    const char *good[][4] = {{"--range", near_end, NULL, NULL},
                             {"--select", "5", NULL, NULL},
                             {"--select", "100", NULL, NULL},
                             {"--select", "100", "--range", "0:1k"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!strcmp(good[i][1], "100") && nmsgs < 100)
            continue;
        struct result r = run(0, "view", trace, "--png", png, good[i][0], good[i][1], good[i][2],
                              good[i][3], NULL);
        assert_int_equal(r.status, 0);
        const char *at = strstr(r.out, "cycles ");
        size_t drawn = 0, in_view = 0;
        assert_non_null(at);
        assert_int_equal(sscanf(at, "cycles %*f to %*f, %zu of %zu", &drawn, &in_view), 2);
        if (drawn > in_view)
            print_error("%s %s: '%s'\n", good[i][0], good[i][1], r.out);
        assert_true(drawn <= in_view);
        result_free(&r);
    }
}

/* `view T --png T` (or any spelling of T: a symbolic link) would replace
 * the trace with its picture: refused, the trace untouched; the phase
 * view likewise for its reports. */
static void view_never_overwrites_its_input(void **state)
{
    (void)state;
    const char *trace = trace_of("ping-pong");
    size_t n;
    char *before = file_bytes(trace, &n);
    assert_non_null(before);
    char link[4096];
    snprintf(link, sizeof link, "%s/link-to-trace.png", tmpdir);
    unlink(link);
    assert_int_equal(symlink(trace, link), 0);
    const char *outs[] = {trace, link};
    for (size_t i = 0; i < 2; i++) {
        struct result r = run(0, "view", trace, "--png", outs[i], NULL);
        assert_refused(&r, "same file");
        assert_non_null(strstr(r.err, outs[i]));
        result_free(&r);
        assert_file_is(trace, before, n);
    }
    free(before);
    char report[4096], scn[4096];
    snprintf(scn, sizeof scn, "%s/ping-pong.json", scenarios);
    snprintf(report, sizeof report, "%s/self-report.json", tmpdir);
    struct result r = run(0, "run", scn, "--arch", arch, "--quiet", "--report", report, NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    before = file_bytes(report, &n);
    assert_non_null(before);
    r = run(0, "view", "--phases", report, "--png", report, NULL);
    assert_refused(&r, "same file");
    result_free(&r);
    assert_file_is(report, before, n);
    free(before);
}

/* A PNG that cannot be written: /dev/full fails with one line; a full
 * disk (here a file-size limit of 4 KiB) leaves the earlier file as it
 * was and no temporary file behind. */
static void a_failed_png_leaves_no_partial_file(void **state)
{
    (void)state;
    const char *trace = trace_of("ping-pong");
    struct result r = run(0, "view", trace, "--png", "/dev/full", NULL);
    assert_refused(&r, "/dev/full");
    result_free(&r);
    char dir[2048], png[4096];
    snprintf(dir, sizeof dir, "%s/full", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(png, sizeof png, "%s/picture.png", dir);
    FILE *f = fopen(png, "wb");
    assert_non_null(f);
    const char earlier[] = "the earlier picture";
    fputs(earlier, f);
    fclose(f);
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 4096;                         /* the picture is some 40 KiB */
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN); /* a write past it fails with EFBIG */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    r = run(0, "view", trace, "--png", png, NULL);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, was);
    assert_refused(&r, png);
    result_free(&r);
    assert_file_is(png, earlier, strlen(earlier));
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        files += de->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 1); /* no temporary file left */
    /* with room, the picture replaces the earlier file */
    r = run(0, "view", trace, "--png", png, NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    size_t n;
    char *now = file_bytes(png, &n);
    assert_true(n > 4096);
    assert_memory_equal(now, "\x89PNG", 4);
    free(now);
}

/* Writes a `boot` trace at `path` (the tracer's own writer) of a run that
 * ends near cycle 2^64: two processes and a message, late. */
static void write_late_trace(const char *path)
{
    const uint64_t t = UINT64_MAX - 100000;
    struct trc_event e[] = {
        {t, 0, TRC_EV_BOOT, 0, {1, 1, 0, 0}},
        {t + 10, 0, TRC_EV_PROC_CREATE, 1, {1, 'a', 0, 0}},
        {t + 20, 0, TRC_EV_PROC_CREATE, 2, {1, 'b', 0, 0}},
        {t + 30, 0, TRC_EV_SCHED_SWITCH, 1, {0, TRC_SWITCH_START, 0, 0}},
        {t + 40, 0, TRC_EV_CAP_LOOKUP, 1, {1, 1, 0, 0}},
        {t + 50, 0, TRC_EV_IPC_SEND, 1, {5, 1, TRC_IPC_QUEUED, 0}},
        {t + 60, 0, TRC_EV_SCHED_SWITCH, 2, {1, TRC_SWITCH_BLOCK, 0, 0}},
        {t + 70000, 0, TRC_EV_IPC_RECV, 2, {5, 1, TRC_IPC_FROM_QUEUE, 1ull << 32}},
        {t + 90000, 0, TRC_EV_PROC_EXIT, 2, {0, 0, 0, 0}},
    };
    struct trc_file_meta meta;
    memset(&meta, 0, sizeof meta);
    snprintf(meta.kind, sizeof meta.kind, "boot");
    snprintf(meta.arch, sizeof meta.arch, "x86_64");
    snprintf(meta.cpu, sizeof meta.cpu, "skylake");
    snprintf(meta.build, sizeof meta.build, "test_viewport");
    meta.max_cycles = 1000000000;
    meta.seed = 1;
    meta.quantum = 20000;
    meta.cap_cache = 64;
    meta.ram = 64u << 20;
    meta.cycles = t + 90000;
    static char no_console[1];
    struct trc_log log;
    trc_log_init(&log);
    log.ev = e; /* borrowed */
    log.nev = sizeof e / sizeof e[0];
    log.console = no_console;
    char err[512];
    assert_int_equal(trc_file_write(path, &meta, &log, err, sizeof err), 0);
}

/* Views far outside any run, zoomed and panned to the limits, on a real
 * trace and on one that ends near cycle 2^64 (where the ruler's t + step
 * rounds back to t): each frame is drawn, with no float-to-int overflow
 * (the sanitizer build stops on one) and no endless loop (an alarm stops
 * the test after a minute). */
static void extreme_views_draw_safely(void **state)
{
    (void)state;
    char late[4096];
    snprintf(late, sizeof late, "%s/late.trace", tmpdir);
    write_late_trace(late);
    const char *traces[] = {trace_of("ping-pong"), late};
    alarm(60);
    for (size_t k = 0; k < 2; k++) {
        struct ui_app a;
        char err[512];
        assert_int_equal(ui_app_open_headless(&a, traces[k], 800, 300, 1, err, sizeof err), 0);
        struct ui_view *v = &a.view;
        double end = (double)a.model.end;
        const double ranges[][2] = {
            {0, 1e25},      {-1e300, 1e300},  {1e19, 1e19 + 1}, {NAN, 5},         {0, INFINITY},
            {end - 1, end}, {end - 100, end}, {-1e25, -1e24},   {1.8e19, 1.9e19}, {0, 1}};
        for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
            ui_view_range(v, ranges[i][0], ranges[i][1]);
            assert_true(isfinite(v->t0) && isfinite(v->cpp) && v->cpp > 0);
            v->selected = a.model.nmsgs ? a.model.nmsgs - 1 : SIZE_MAX;
            struct frame f = grab(&a);
            free(f.px);
            assert_true(v->arrows_drawn <= v->arrows_in_view + 1);
        }
        /* zoom all the way in at the end, and out, and pan far */
        ui_view_range(v, end - 10, end);
        for (int i = 0; i < 200; i++)
            ui_view_zoom(v, 1e300, v->plot_x + v->plot_w / 2);
        struct frame f = grab(&a);
        free(f.px);
        ui_view_zoom(v, 0, 0);
        ui_view_zoom(v, NAN, 0);
        ui_view_zoom(v, INFINITY, 0);
        for (int i = 0; i < 200; i++)
            ui_view_zoom(v, 1e-300, v->plot_x);
        f = grab(&a);
        free(f.px);
        ui_view_pan(v, 0, 1);
        ui_view_pan(v, 1e300, LONG_MAX);
        ui_view_pan(v, NAN, LONG_MAX);
        ui_view_pan(v, -1e300, LONG_MIN);
        assert_true(isfinite(v->t0) && isfinite(v->cpp));
        f = grab(&a);
        free(f.px);
        ui_view_step(v, 1);
        ui_view_step(v, -1);
        f = grab(&a);
        free(f.px);
        ui_app_close(&a);
    }
    alarm(0);
    /* the same trace through the command, at the extreme sizes and scales */
    char png[4096];
    snprintf(png, sizeof png, "%s/late.png", tmpdir);
    const char *cases[][6] = {{"--size", "200x150", "--scale", "4", NULL, NULL},
                              {"--size", "16384x150", "--scale", "1", NULL, NULL},
                              {"--size", "200x16384", "--scale", "4", NULL, NULL},
                              {"--select", "1", "--size", "200x150", NULL, NULL}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct result r = run(0, "view", late, "--png", png, cases[i][0], cases[i][1], cases[i][2],
                              cases[i][3], NULL);
        if (r.status != 0)
            print_error("case %zu: exit %d, '%s'\n", i, r.status, r.err);
        assert_int_equal(r.status, 0);
        result_free(&r);
    }
    struct result r = run(0, "view", late, "--png", png, "--size", "16384x16384", NULL);
    assert_refused(&r, "--size 16384x16384");
    result_free(&r);
}

/* At a single call's zoom the kernel lane draws the call's kernel stretch
 * as its phases, each in its colour and as wide as its cycles; and those
 * cycles are the report's: over every fast call, slow call and fast
 * reply of the run, the stretches' cycles by phase add up to the report's
 * phases of that path (its mean times its count), phase by phase. */
static void kernel_lane_shows_the_phases_the_report_has(void **state)
{
    (void)state;
    char scn[4096], trace[4096];
    snprintf(scn, sizeof scn, "%s/lesson-fast-vs-slow.json", scenarios);
    snprintf(trace, sizeof trace, "%s/phases.trace", tmpdir);
    struct result r = run(1, "run", scn, "--arch", arch, "--quiet", "--trace", trace, NULL);
    assert_int_equal(r.status, 0);
    struct ui_app a;
    char err[512];
    assert_int_equal(ui_app_open_headless(&a, trace, 1600, 900, 1, err, sizeof err), 0);
    const struct tl_model *m = &a.model;
    const struct {
        const char *path;
        uint32_t nr;
        bool fast, reply;
    } paths[] = {{"ipc.call.fast", SYS_CALL, true, false},
                 {"ipc.call.slow", SYS_CALL, false, false},
                 {"ipc.reply.fast", SYS_REPLY_RECV, true, true}};
    const struct tl_kstretch *first_fast = NULL;
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        double sum[KPHASE_COUNT] = {0};
        size_t n = 0;
        for (size_t i = 0; i < m->nkstretches; i++) {
            const struct tl_kstretch *s = &m->kstretches[i];
            if (!s->phased || s->nr != paths[p].nr || s->reply != paths[p].reply || !s->path ||
                s->path == TRC_IPC_REFUSED || (s->path == TRC_IPC_FAST) != paths[p].fast)
                continue;
            n++;
            for (int k = 0; k < KPHASE_COUNT; k++)
                sum[k] += s->ph[k];
            if (p == 0 && !first_fast)
                first_fast = s;
        }
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(r.report, "paths"), paths[p].path);
        assert_non_null(path);
        double count = jnum(path, "count");
        assert_true(count > 0);
        assert_int_equal(n, (size_t)count);
        const cJSON *ph = cJSON_GetObjectItemCaseSensitive(path, "phases");
        for (int k = 0; k < KPHASE_COUNT; k++) {
            double want = jnum(ph, ui_phase_names[k]) * count;
            if (fabs(sum[k] - want) > 1e-6 * (want > 1 ? want : 1))
                fail_msg("%s: phase %s: the kernel lane's stretches have %.0f cycles, the "
                         "report %.3f",
                         paths[p].path, ui_phase_names[k], sum[k], want);
        }
    }
    /* one fast call at its own zoom: its phases left to right, in their
     * colours, each as wide as its cycles */
    assert_non_null(first_fast);
    const struct tl_kstretch *s = first_fast;
    double len = (double)(s->to - s->from);
    ui_view_range(&a.view, (double)s->from - len / 10, (double)s->to + len / 10);
    struct frame f = grab(&a);
    const struct ui_view *v = &a.view;
    int y = lane_y(v, s->lane) + v->lane_h / 2 - 8; /* low in the bar: below the caption */
    double done = (double)s->from;                  /* the cycles of the phases drawn so far */
    size_t seen = 0;
    for (int i = 0; i < KPHASE_COUNT; i++) {
        int k = tl_kphase_draw_order[i];
        if (!s->ph[k])
            continue;
        double mid = done + s->ph[k] / 2.0;
        done += s->ph[k];
        if (s->ph[k] / v->cpp < 6)
            continue; /* too narrow to hit for sure */
        if (!near(&f, cycle_x(v, mid), y, 1, rgb(ui_phase_color[k])))
            fail_msg("phase %s (%u cycles) is not drawn at x %d", ui_phase_names[k], s->ph[k],
                     cycle_x(v, mid));
        seen++;
    }
    assert_true(seen >= 3); /* at least trap, switch, return */
    /* outside the stretch, no phase colour */
    assert_false(
        near(&f, cycle_x(v, (double)s->from - len / 20), y, 0, rgb(ui_phase_color[KPHASE_TRAP])));
    free(f.px);
    /* a click on it selects it (not beside it, nor on a process's lane),
     * and the picture then lists its phases in a box with their colours */
    int mid_x = cycle_x(v, (double)s->from + len / 2);
    assert_int_equal(ui_pick_kstretch(v, mid_x, y), (size_t)(s - m->kstretches));
    assert_int_equal(ui_pick_kstretch(v, cycle_x(v, (double)s->from - len / 20), y), SIZE_MAX);
    for (size_t i = 0; i < m->nlanes; i++)
        if (m->lanes[i].pid && lane_y(v, i) != INT32_MIN)
            assert_int_equal(ui_pick_kstretch(v, mid_x, lane_y(v, i)), SIZE_MAX);
    a.view.kselected = (size_t)(s - m->kstretches);
    f = grab(&a);
    bool swatch = false; /* the box's swatch, below the kernel lane's row */
    for (int x = v->w / 2; x < v->w && !swatch; x++)
        for (int yy = v->plot_y + v->lane_h; yy < v->plot_y + v->plot_h && !swatch; yy++)
            swatch = at(&f, x, yy) == rgb(ui_phase_color[KPHASE_SWITCH]);
    assert_true(swatch);
    free(f.px);
    ui_app_close(&a);
    result_free(&r);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s IPCEMU ARCH SCENARIOS_DIR\n", argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    scenarios = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lanes_show_the_states_of_the_model),
        cmocka_unit_test(lanes_share_the_height),
        cmocka_unit_test(marks_and_labels_appear_where_the_trace_says),
        cmocka_unit_test(arrows_join_the_right_lanes_in_their_kind_colour),
        cmocka_unit_test(the_legend_shows_every_colour),
        cmocka_unit_test(kernel_lane_shows_the_phases_the_report_has),
        cmocka_unit_test(scale_two_doubles_the_layout),
        cmocka_unit_test(view_writes_a_png_and_refuses_bad_input),
        cmocka_unit_test(view_refuses_a_range_outside_the_run),
        cmocka_unit_test(view_never_overwrites_its_input),
        cmocka_unit_test(a_failed_png_leaves_no_partial_file),
        cmocka_unit_test(extreme_views_draw_safely),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
