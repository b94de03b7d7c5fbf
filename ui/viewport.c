/* ui/viewport.c: the timeline's viewport (what a frame shows: cycles,
 * lanes, filters, the selection) and its drawing (see viewport.h). */
#include "ui/viewport.h"
#include "ui/viewport_int.h"
#include "ui/phases.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const SDL_Color ui_background = {250, 250, 250, 255};
const SDL_Color ui_state_color[TL_STATE_COUNT] = {
    [TL_ABSENT] = {250, 250, 250, 255}, [TL_READY] = {188, 170, 164, 255},
    [TL_RUNNING] = {67, 160, 71, 255},  [TL_BLOCKED] = {229, 57, 53, 255},
    [TL_IDLE] = {176, 190, 197, 255},   [TL_BUSY] = {84, 110, 122, 255},
    [TL_KERNEL] = {27, 94, 32, 255},
};
const SDL_Color ui_inherit_color = {255, 179, 0, 255};
const SDL_Color ui_kind_color[TL_KIND_COUNT] = {
    [TL_FAST] = {30, 136, 229, 255},  [TL_SLOW] = {142, 36, 170, 255},
    [TL_ASYNC] = {244, 81, 30, 255},  [TL_NOTIFY] = {0, 172, 193, 255},
    [TL_REGION] = {109, 76, 65, 255}, [TL_IPI] = {255, 111, 0, 255},
};
const SDL_Color ui_mark_color[TL_MARK_COUNT] = {
    [TL_MARK_CAP_HIT] = {46, 125, 50, 255},     [TL_MARK_CAP_MISS] = {198, 40, 40, 255},
    [TL_MARK_HANDOFF] = {253, 216, 53, 255},    [TL_MARK_EXIT] = {33, 33, 33, 255},
    [TL_MARK_FAULT] = {183, 28, 28, 255},       [TL_MARK_TIMER] = {94, 53, 177, 255},
    [TL_MARK_TIMEOUT] = {255, 143, 0, 255},     [TL_MARK_DROP] = {0, 0, 0, 255},
    [TL_MARK_REFUSED] = {216, 27, 96, 255},     [TL_MARK_UNDELIVERED] = {96, 125, 139, 255},
    [TL_MARK_SIGNAL_KEPT] = {0, 131, 143, 255},
};
const SDL_Color ui_ink = {33, 33, 33, 255}, ui_faint = {117, 117, 117, 255};
static const SDL_Color rule = {224, 224, 224, 255}, select_ink = {0, 0, 0, 255};

/* Sets the drawing colour (returns nothing). */
static void color(SDL_Renderer *r, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

void ui_fill(SDL_Renderer *r, int x, int y, int w, int h, SDL_Color c)
{
    color(r, c);
    SDL_Rect rc = {x, y, w, h};
    SDL_RenderFillRect(r, &rc);
}

int ui_px(const struct ui_view *v, int n)
{
    int s = (int)lroundf((float)n * v->scale);
    return s > 0 ? s : 1;
}

/* 2^64 as a double: the first value no cycle count reaches. */
#define CYCLES_END 18446744073709551616.0

uint64_t ui_cycle(double t)
{
    if (!(t > 0)) /* negative, or NaN */
        return 0;
    if (t >= CYCLES_END)
        return UINT64_MAX;
    return (uint64_t)t;
}

/* The farthest a pixel coordinate goes from the frame before it is
 * clamped: far beyond any frame, well inside an int. */
#define FAR_PX 1e9

/* Returns x truncated to an int, clamped to +-FAR_PX (NaN: -FAR_PX). */
int ui_to_px(double x)
{
    if (!(x > -FAR_PX))
        return (int)-FAR_PX;
    return x < FAR_PX ? (int)x : (int)FAR_PX;
}

/* The legend: what every colour means, as a strip along the bottom. */
enum { LEG_BAR, LEG_ARROW, LEG_TICK, LEG_TEXT };
struct legend_entry {
    const char *label;
    SDL_Color c;
    int shape;
};

static int legend_entries(const struct tl_model *m, struct legend_entry *e)
{
    static const char *const state_label[TL_STATE_COUNT] = {
        NULL,        "ready",     "running (user)",  "blocked in IPC",
        "core idle", "core busy", "in kernel for it"};
    static const char *const kind_label[TL_KIND_COUNT] = {
        "fast path", "slow path", "asynchronous", "notification", "region transfer", "IPI"};
    static const char *const mark_label[TL_MARK_COUNT] = {
        "cap-cache hit", "cap-cache miss",  "handoff",    "exit",
        "killed",        "timer irq",       "timeout",    "dropped",
        "refused",       "never delivered", "signal kept"};
    int n = 0;
    for (int s = TL_READY; s < TL_STATE_COUNT; s++)
        e[n++] = (struct legend_entry){state_label[s], ui_state_color[s], LEG_BAR};
    e[n++] = (struct legend_entry){"inherited priority", ui_inherit_color, LEG_BAR};
    for (int k = 0; k < TL_KIND_COUNT; k++)
        if (k != TL_IPI || m->ipis) /* IPIs: with several cores only */
            e[n++] = (struct legend_entry){kind_label[k], ui_kind_color[k], LEG_ARROW};
    for (int k = 0; k < TL_MARK_COUNT; k++)
        e[n++] = (struct legend_entry){mark_label[k], ui_mark_color[k], LEG_TICK};
    if (!m->nkstretches)
        return n;
    /* the kernel lanes' phases at fine zoom (ui/overlay.c) */
    e[n++] = (struct legend_entry){"kernel phases:", ui_ink, LEG_TEXT};
    for (int i = 0; i < KPHASE_COUNT; i++)
        if (tl_kphase_draw_order[i] != KPHASE_USER)
            e[n++] = (struct legend_entry){ui_phase_names[tl_kphase_draw_order[i]],
                                           ui_phase_color[tl_kphase_draw_order[i]], LEG_BAR};
    return n;
}

/* Lays the legend out in rows; returns how many, and with `r` draws it
 * from y on. */
static int legend_flow(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v, int y)
{
    struct legend_entry e[TL_STATE_COUNT + TL_KIND_COUNT + TL_MARK_COUNT + 1 + KPHASE_COUNT];
    int n = legend_entries(v->m, e), rows = 1, x = ui_px(v, 8), sw = 2 * f->w, gap = 2 * f->w;
    for (int i = 0; i < n; i++) {
        int lead = e[i].shape == LEG_TEXT ? 0 : sw + ui_px(v, 4);
        int w = lead + ui_text_width(f, e[i].label);
        if (x + w > v->w - ui_px(v, 8) && x > ui_px(v, 8)) {
            rows++;
            x = ui_px(v, 8);
            y += f->h + ui_px(v, 4);
        }
        if (r) {
            int cy = y + f->h / 2;
            if (e[i].shape == LEG_BAR)
                ui_fill(r, x, y + f->h / 4, sw, f->h / 2, e[i].c);
            else if (e[i].shape == LEG_ARROW) {
                ui_fill(r, x, cy - ui_px(v, 1), sw, ui_px(v, 2), e[i].c);
                for (int k = 0; k < ui_px(v, 4); k++)
                    ui_fill(r, x + sw - 1 - k, cy - k, 1, 2 * k + 1, e[i].c);
            } else if (e[i].shape == LEG_TICK)
                ui_fill(r, x + sw / 2 - ui_px(v, 1), y + f->h / 6, ui_px(v, 3), f->h * 2 / 3,
                        e[i].c);
            ui_text(r, f, x + lead, y, ui_ink, e[i].label);
        }
        x += w + gap;
    }
    return rows;
}

static int legend_rows(const struct ui_view *v, const struct ui_font *f)
{
    return legend_flow(NULL, f, v, 0);
}

int ui_view_init(struct ui_view *v, const struct tl_model *m, int w, int h, float scale)
{
    memset(v, 0, sizeof *v);
    v->m = m;
    v->w = w;
    v->h = h;
    v->scale = scale > 0 ? scale : 1; /* NaN too */
    if (v->scale > UI_SCALE_MAX)
        v->scale = UI_SCALE_MAX;
    v->kinds = (1u << TL_KIND_COUNT) - 1;
    v->opcode = -1;
    v->selected = SIZE_MAX;
    v->kselected = SIZE_MAX;
    v->legend = true;
    v->hidden = calloc(m->nlanes ? m->nlanes : 1, 1);
    v->rows = calloc(m->nlanes ? m->nlanes : 1, sizeof *v->rows);
    if (!v->hidden || !v->rows) {
        ui_view_free(v);
        return -1;
    }
    return 0;
}

void ui_view_free(struct ui_view *v)
{
    free(v->hidden);
    free(v->rows);
    free(v->drawn);
    v->hidden = NULL;
    v->rows = NULL;
    v->drawn = NULL;
}

void ui_view_layout(struct ui_view *v, const struct ui_font *f)
{
    v->top = f->h + ui_px(v, 8);
    v->ruler_h = f->h + ui_px(v, 10);
    v->gutter = f->w * 24 + ui_px(v, 10);
    v->plot_x = v->gutter;
    v->plot_y = v->top + v->ruler_h;
    v->plot_w = v->w - v->plot_x > 1 ? v->w - v->plot_x : 1;
    v->legend_h = v->legend ? legend_rows(v, f) * (f->h + ui_px(v, 4)) + ui_px(v, 8) : 0;
    v->plot_h = v->h - v->plot_y - v->legend_h > 1 ? v->h - v->plot_y - v->legend_h : 1;
    v->nrows = 0;
    for (size_t i = 0; i < v->m->nlanes; i++) /* kernel lanes first, then processes */
        if (!v->m->lanes[i].pid && !v->hidden[i])
            v->rows[v->nrows++] = i;
    for (size_t i = 0; i < v->m->nlanes; i++)
        if (v->m->lanes[i].pid && !v->hidden[i])
            v->rows[v->nrows++] = i;
    /* the lanes share the plot's height: between one line of text (then
     * the lanes scroll) and UI_LANE_MAX layout pixels each */
    int lo = f->h + ui_px(v, 6), hi = ui_px(v, UI_LANE_MAX);
    if (lo < ui_px(v, 18))
        lo = ui_px(v, 18);
    if (hi < lo)
        hi = lo;
    int share = v->nrows ? (int)(v->plot_h / (long)v->nrows) : hi;
    v->lane_h = share < lo ? lo : share > hi ? hi : share;
    if (v->scroll >= v->nrows)
        v->scroll = v->nrows ? v->nrows - 1 : 0;
    if (v->cpp <= 0)
        ui_view_fit(v);
}

/* The smallest view: 64 pixels per cycle. */
#define MIN_CPP (1.0 / 64)

/* The widest view: 4 x 2^64 cycles (any run, with room around it); and
 * the farthest its left edge goes from cycle 0. */
#define MAX_SPAN (4 * CYCLES_END)

/* Keeps the view's numbers finite and in range whatever was asked:
 * MIN_CPP <= cpp <= MAX_SPAN across, |t0| <= MAX_SPAN (returns nothing). */
static void view_clamp(struct ui_view *v)
{
    double w = v->plot_w > 0 ? v->plot_w : 1;
    if (!(v->cpp >= MIN_CPP)) /* NaN too */
        v->cpp = MIN_CPP;
    if (v->cpp > MAX_SPAN / w)
        v->cpp = MAX_SPAN / w;
    if (!(v->t0 >= -MAX_SPAN))
        v->t0 = isnan(v->t0) ? 0 : -MAX_SPAN;
    if (v->t0 > MAX_SPAN)
        v->t0 = MAX_SPAN;
}

void ui_view_range(struct ui_view *v, double a, double b)
{
    if (!isfinite(a) || !isfinite(b)) {
        a = 0;
        b = (double)(v->m->end ? v->m->end : 1) * 1.02;
    }
    if (b <= a)
        b = a + 1;
    v->t0 = a;
    v->cpp = (b - a) / (v->plot_w > 0 ? v->plot_w : 1);
    view_clamp(v);
}

void ui_view_fit(struct ui_view *v)
{
    ui_view_range(v, 0, (double)(v->m->end ? v->m->end : 1) * 1.02);
}

double ui_view_cycle_at(const struct ui_view *v, int x)
{
    return v->t0 + (x - v->plot_x) * v->cpp;
}

void ui_view_zoom(struct ui_view *v, double factor, int x)
{
    if (!(factor > 0) || !isfinite(factor))
        return;
    double at = ui_view_cycle_at(v, x);
    /* out to four runs across at most (and never below the closest view) */
    double cpp = v->cpp / factor,
           max = ((double)v->m->end + 1) * 4 / (v->plot_w > 0 ? v->plot_w : 1);
    if (max < MIN_CPP)
        max = MIN_CPP;
    if (!(cpp >= MIN_CPP))
        cpp = MIN_CPP;
    if (cpp > max)
        cpp = max;
    v->cpp = cpp;
    v->t0 = at - (x - v->plot_x) * cpp;
    view_clamp(v);
}

void ui_view_pan(struct ui_view *v, double dx, long dy)
{
    if (isfinite(dx))
        v->t0 += dx * v->cpp;
    double lo = -(double)v->plot_w * v->cpp * 0.9, hi = (double)v->m->end;
    if (v->t0 < lo)
        v->t0 = lo;
    if (v->t0 > hi)
        v->t0 = hi;
    view_clamp(v);
    if (dy < 0)
        v->scroll = dy == LONG_MIN || (size_t)-dy > v->scroll ? 0 : v->scroll - (size_t)-dy;
    else
        v->scroll = (size_t)dy > SIZE_MAX - v->scroll ? SIZE_MAX : v->scroll + (size_t)dy;
    if (v->scroll >= v->nrows)
        v->scroll = v->nrows ? v->nrows - 1 : 0;
}

size_t ui_view_row_at(const struct ui_view *v, int y)
{
    if (y < v->plot_y || v->lane_h <= 0)
        return SIZE_MAX;
    size_t row = v->scroll + (size_t)((y - v->plot_y) / v->lane_h);
    return row < v->nrows ? row : SIZE_MAX;
}

void ui_view_filter_process(struct ui_view *v, uint32_t pid)
{
    for (size_t i = 0; i < v->m->nlanes; i++)
        v->hidden[i] = pid && v->m->lanes[i].pid && v->m->lanes[i].pid != pid;
    v->scroll = 0;
}

bool ui_view_shows(const struct ui_view *v, size_t i)
{
    const struct tl_msg *msg = &v->m->msgs[i];
    if (!(v->kinds & (1u << msg->kind)) || (v->opcode >= 0 && msg->opcode != (uint64_t)v->opcode))
        return false;
    /* a process filter keeps the messages that touch a shown process */
    return !v->hidden[msg->from] || !v->hidden[msg->to];
}

size_t ui_view_step(struct ui_view *v, int dir)
{
    const struct tl_model *m = v->m;
    if (!m->nmsgs)
        return SIZE_MAX;
    /* from the selected message, or from the middle of the view (a step
     * forward then lands on the first message there) */
    long i = v->selected < m->nmsgs
                 ? (long)v->selected
                 : (long)tl_msg_at(m, ui_cycle(v->t0 + v->cpp * v->plot_w / 2)) - (dir > 0);
    for (;;) {
        i += dir > 0 ? 1 : -1;
        if (i < 0 || (size_t)i >= m->nmsgs)
            return SIZE_MAX;
        if (ui_view_shows(v, (size_t)i)) {
            v->selected = (size_t)i;
            const struct tl_msg *msg = &m->msgs[i];
            double mid = ((double)msg->sent + (double)msg->received) / 2;
            v->t0 = mid - v->cpp * v->plot_w / 2;
            /* bring its lanes into view */
            for (size_t r = 0; r < v->nrows; r++)
                if (v->rows[r] == msg->from || v->rows[r] == msg->to) {
                    size_t shown = (size_t)(v->plot_h / v->lane_h);
                    if (r < v->scroll || r >= v->scroll + shown)
                        v->scroll = r > 1 ? r - 1 : 0;
                    break;
                }
            return (size_t)i;
        }
    }
}

void ui_fmt_cycles(double cycles, double step, char *out, size_t n)
{
    static const struct {
        double unit;
        const char *suffix;
    } units[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
    size_t u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && step < units[u].unit)
        u++;
    if (cycles == 0) {
        snprintf(out, n, "0");
        return;
    }
    double v = cycles / units[u].unit, s = step / units[u].unit;
    int dec = 0;
    while (dec < 3 && s < 1 && fabs(s * pow(10, dec) - round(s * pow(10, dec))) > 1e-6)
        dec++;
    if (s < 1 && dec == 0)
        dec = 1;
    snprintf(out, n, "%.*f%s", dec, v, units[u].suffix);
}

/* A step of 1, 2 or 5 times a power of ten, at least `min`. */
static double nice_step(double min)
{
    if (min <= 1)
        return 1;
    double p = pow(10, floor(log10(min)));
    for (double k = 1; k <= 10; k = k == 1 ? 2 : k == 2 ? 5 : 10)
        if (k * p >= min)
            return k * p;
    return 10 * p;
}

static void draw_ruler(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v)
{
    int y = v->top;
    ui_fill(r, 0, y, v->w, v->ruler_h, (SDL_Color){238, 238, 238, 255});
    double min = v->cpp * (ui_text_width(f, "000.000M") + ui_px(v, 16));
    double step = nice_step(min);
    double first = ceil(v->t0 / step) * step, end = v->t0 + v->cpp * v->plot_w;
    if (first < 0)
        first = 0;
    char label[32];
    /* counted, not summed: far from 0, t + step can round back to t */
    for (int k = 0; k <= v->plot_w; k++) {
        double t = first + k * step;
        if (!(t < end))
            break;
        int x = v->plot_x + ui_to_px(round((t - v->t0) / v->cpp));
        ui_fill(r, x, y + v->ruler_h - ui_px(v, 6), ui_px(v, 1), ui_px(v, 6), ui_faint);
        ui_fill(r, x, v->plot_y, 1, v->plot_h, rule);
        ui_fmt_cycles(t, step, label, sizeof label);
        ui_text(r, f, x + ui_px(v, 3), y + ui_px(v, 2), ui_ink, label);
    }
    const char *unit = "cycles";
    ui_text(r, f, ui_px(v, 6), y + ui_px(v, 2), ui_faint, unit);
}

/* The lane row's top pixel, exactly (a row far off the frame is far
 * off); false when the lane is not shown. */
static bool row_top(const struct ui_view *v, size_t lane, const size_t *row_of, double *y)
{
    size_t row = row_of[lane];
    if (row == SIZE_MAX)
        return false;
    *y = v->plot_y + ((double)row - (double)v->scroll) * v->lane_h;
    return true;
}

/* The lane row's top pixel (clamped to +-FAR_PX), or INT32_MIN when the
 * lane is not shown. */
int ui_row_y(const struct ui_view *v, size_t lane, const size_t *row_of)
{
    double y;
    return row_top(v, lane, row_of, &y) ? ui_to_px(y) : INT32_MIN;
}

static enum tl_state state_after(const struct tl_lane *l, size_t k)
{
    return k ? (enum tl_state)l->state[k - 1] : TL_ABSENT;
}

/* The dominant state of lane l over [a, b): exact when at most 8 changes
 * fall in it, else the state at its middle. *hint carries the search from
 * column to column. */
static enum tl_state column_state(const struct tl_lane *l, double a, double b, size_t *hint)
{
    uint64_t ua = ui_cycle(a), ub = ui_cycle(b);
    size_t k = tl_lane_seek(l, *hint, ua);
    *hint = k;
    if (k == l->n || l->at[k] >= ub)
        return state_after(l, k);
    uint64_t best_t = 0, t = ua;
    enum tl_state best = TL_ABSENT;
    for (int step = 0; step <= 8; step++, k++) {
        uint64_t end = k < l->n && l->at[k] < ub ? l->at[k] : ub;
        if (end - t > best_t) {
            best_t = end - t;
            best = state_after(l, k);
        }
        if (end == ub)
            return best;
        t = end;
    }
    return state_after(l, tl_lane_seek(l, k, ua + (ub - ua) / 2));
}

/* Draws lane l's label at row top y: its name, and for a process its pid
 * and priority (on a second line when the row has room). Returns
 * nothing. */
static void draw_label(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v,
                       const struct tl_lane *l, int y)
{
    char name[64], ids[48];
    if (!l->pid) {
        ui_text(r, f, ui_px(v, 4), y + (v->lane_h - f->h) / 2, ui_faint, l->name);
        return;
    }
    if (l->inherited)
        snprintf(ids, sizeof ids, "pid %u prio %u (inh. %u)", l->pid, l->prio, l->inherited);
    else
        snprintf(ids, sizeof ids, "pid %u  prio %u", l->pid, l->prio);
    if (v->m->ncores > 1) /* the cores that ran it */
        for (unsigned k = 0, first = 1; k < 32; k++)
            if (l->cores & (1u << k)) {
                size_t at = strlen(ids);
                snprintf(ids + at, sizeof ids - at, "%s%u", first ? " core " : ",", k);
                first = 0;
            }
    if (v->lane_h >= 2 * f->h + ui_px(v, 6)) {
        int y0 = y + (v->lane_h - 2 * f->h) / 2;
        snprintf(name, sizeof name, "%.23s", l->name);
        ui_text(r, f, ui_px(v, 4), y0, ui_ink, name);
        ui_text(r, f, ui_px(v, 4), y0 + f->h, ui_faint, ids);
        return;
    }
    snprintf(name, sizeof name, "%-8.8s %u prio %u%s", l->name, l->pid, l->prio,
             l->inherited ? "+" : "");
    ui_text(r, f, ui_px(v, 4), y + (v->lane_h - f->h) / 2, ui_ink, name);
}

/* When the lanes do not all fit, a scroll bar along the gutter's right
 * edge shows which rows are in view. Returns nothing. */
static void draw_scrollbar(SDL_Renderer *r, const struct ui_view *v)
{
    size_t shown = (size_t)(v->plot_h / (v->lane_h > 0 ? v->lane_h : 1));
    if (!v->nrows || (v->scroll == 0 && shown >= v->nrows))
        return;
    int x = v->plot_x - ui_px(v, 5), w = ui_px(v, 4);
    ui_fill(r, x, v->plot_y, w, v->plot_h, rule);
    double a = (double)v->scroll / (double)v->nrows,
           b = (double)(v->scroll + shown < v->nrows ? v->scroll + shown : v->nrows) /
               (double)v->nrows;
    int y0 = v->plot_y + (int)(a * v->plot_h), y1 = v->plot_y + (int)(b * v->plot_h);
    ui_fill(r, x, y0, w, y1 - y0 > ui_px(v, 8) ? y1 - y0 : ui_px(v, 8), ui_faint);
}

static void draw_lanes(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v,
                       const size_t *row_of)
{
    int bar = v->lane_h - ui_px(v, 6);
    for (size_t row = v->scroll; row < v->nrows; row++) {
        size_t lane = v->rows[row];
        int y = ui_row_y(v, lane, row_of);
        if (y >= v->h)
            break;
        const struct tl_lane *l = &v->m->lanes[lane];
        if ((row & 1) == 0)
            ui_fill(r, 0, y, v->w, v->lane_h, (SDL_Color){244, 244, 246, 255});
        draw_label(r, f, v, l, y);
        /* runs of columns in one state become one rectangle */
        int run_x = 0;
        enum tl_state run = TL_ABSENT;
        size_t hint = 0;
        for (int c = 0; c <= v->plot_w; c++) {
            enum tl_state s = TL_ABSENT;
            if (c < v->plot_w)
                s = column_state(l, v->t0 + c * v->cpp, v->t0 + (c + 1) * v->cpp, &hint);
            if (c == v->plot_w || s != run) {
                if (run != TL_ABSENT && c > run_x)
                    ui_fill(r, v->plot_x + run_x, y + ui_px(v, 3), c - run_x, bar,
                            ui_state_color[run]);
                run = s;
                run_x = c;
            }
        }
    }
}

/* Draws a mark of `kind` at cycle `at` on the lane row at y, if the row
 * is in the frame (returns nothing). */
static void draw_mark(SDL_Renderer *r, const struct ui_view *v, int y, uint64_t at, int kind)
{
    if (y == INT32_MIN || y < v->plot_y - v->lane_h || y >= v->h)
        return;
    int x = v->plot_x + ui_to_px(((double)at - v->t0) / v->cpp), w = ui_px(v, 2);
    int h = (v->lane_h - ui_px(v, 6)) / 2, full = v->lane_h - ui_px(v, 2);
    SDL_Color c = ui_mark_color[kind];
    if (kind == TL_MARK_CAP_HIT || kind == TL_MARK_CAP_MISS)
        ui_fill(r, x, y + ui_px(v, 3) + (kind == TL_MARK_CAP_MISS) * h, w, h, c);
    else if (kind == TL_MARK_HANDOFF)
        ui_fill(r, x, y + ui_px(v, 1), w, full, c);
    else if (kind == TL_MARK_TIMER) /* a notch down from the lane's top edge */
        ui_fill(r, x - w, y, 2 * w, h / 2 + ui_px(v, 3), c);
    else if (kind == TL_MARK_DROP || kind == TL_MARK_REFUSED || kind == TL_MARK_UNDELIVERED ||
             kind == TL_MARK_SIGNAL_KEPT) /* a square atop */
        ui_fill(r, x - ui_px(v, 4), y + ui_px(v, 1), ui_px(v, 8), ui_px(v, 8), c);
    else /* exits, kills, timeouts: full height */
        ui_fill(r, x - w, y + ui_px(v, 1), 2 * w, full, c);
}

/* Marks on the kernel lanes (capability-cache hits above, misses below,
 * handoffs as a full-height tick, timer interrupts as a notch) and on
 * process lanes (exits, kills, timeouts, drops, refusals). When too many
 * fall in view, the kernel lane shows per column whether it has hits,
 * misses or timer interrupts, and each process-lane kind is drawn one by
 * one if it alone is few enough. */
static void draw_marks(SDL_Renderer *r, const struct ui_view *v, const size_t *row_of)
{
    const struct tl_model *m = v->m;
    double t1 = v->t0 + v->cpp * v->plot_w;
    uint64_t u0 = ui_cycle(v->t0), u1 = ui_cycle(t1);
    size_t first = tl_mark_at(m, u0), last = tl_mark_at(m, u1), cap = (size_t)v->plot_w * 4;
    int h = (v->lane_h - ui_px(v, 6)) / 2;
    if (last - first <= cap) {
        for (size_t i = first; i < last; i++)
            draw_mark(r, v, ui_row_y(v, m->marks[i].lane, row_of), m->marks[i].at,
                      m->marks[i].kind);
        return;
    }
    static const int per_process[] = {TL_MARK_EXIT,       TL_MARK_FAULT,   TL_MARK_TIMEOUT,
                                      TL_MARK_DROP,       TL_MARK_REFUSED, TL_MARK_UNDELIVERED,
                                      TL_MARK_SIGNAL_KEPT};
    for (size_t k = 0; k < sizeof per_process / sizeof per_process[0]; k++) {
        int kind = per_process[k];
        size_t a = tl_mark_kind_at(m, kind, u0), b = tl_mark_kind_at(m, kind, u1);
        for (size_t j = a; b - a <= cap && j < b; j++)
            draw_mark(r, v, ui_row_y(v, m->mark_lane[kind][j], row_of), m->mark_at[kind][j], kind);
    }
    /* too many to draw one by one: per column and kind, whether any */
    for (size_t row = v->scroll; row < v->nrows; row++) {
        size_t lane = v->rows[row];
        int y = ui_row_y(v, lane, row_of);
        if (y >= v->h)
            break;
        if (v->m->lanes[lane].pid)
            continue;
        for (int c = 0; c < v->plot_w; c++) {
            double a = v->t0 + c * v->cpp, b = a + v->cpp;
            if (b <= 0)
                continue;
            uint64_t ua = ui_cycle(a), ub = ui_cycle(b);
            int x = v->plot_x + c;
            if (tl_mark_count(m, TL_MARK_CAP_HIT, ua, ub))
                ui_fill(r, x, y + ui_px(v, 3), 1, h, ui_mark_color[TL_MARK_CAP_HIT]);
            if (tl_mark_count(m, TL_MARK_CAP_MISS, ua, ub))
                ui_fill(r, x, y + ui_px(v, 3) + h, 1, h, ui_mark_color[TL_MARK_CAP_MISS]);
            if (tl_mark_count(m, TL_MARK_TIMER, ua, ub))
                ui_fill(r, x, y, 1, h / 2 + ui_px(v, 3), ui_mark_color[TL_MARK_TIMER]);
        }
        break; /* marks are kept per core only in counts: one kernel lane shows them */
    }
}

static void remember(struct ui_view *v, size_t msg, int x0, int y0, int x1, int y1)
{
    if (v->ndrawn == v->cap_drawn) {
        size_t cap = v->cap_drawn ? v->cap_drawn * 2 : 1024;
        if (cap > 1u << 20)
            return;
        struct ui_drawn *d = realloc(v->drawn, cap * sizeof *d);
        if (!d)
            return;
        v->drawn = d;
        v->cap_drawn = cap;
    }
    v->drawn[v->ndrawn++] = (struct ui_drawn){msg, x0, y0, x1, y1};
}

static void draw_arrow(SDL_Renderer *r, const struct ui_view *v, int x0, int y0, int x1, int y1,
                       SDL_Color c, int width)
{
    color(r, c);
    double dx = x1 - x0, dy = y1 - y0, len = sqrt(dx * dx + dy * dy);
    double nx = len > 0 ? -dy / len : 1, ny = len > 0 ? dx / len : 0;
    for (int k = 0; k < width; k++) {
        double o = k - (width - 1) / 2.0;
        SDL_RenderDrawLine(r, x0 + (int)lround(nx * o), y0 + (int)lround(ny * o),
                           x1 + (int)lround(nx * o), y1 + (int)lround(ny * o));
    }
    if (len < 1)
        return;
    /* the head, at the receiving end */
    double hl = ui_px(v, 7), ux = dx / len, uy = dy / len;
    for (int side = -1; side <= 1; side += 2) {
        double ax = x1 - hl * ux + side * hl * 0.5 * nx, ay = y1 - hl * uy + side * hl * 0.5 * ny;
        SDL_RenderDrawLine(r, x1, y1, (int)lround(ax), (int)lround(ay));
    }
}

/* Clips the segment (x0, y0)-(x1, y1) to [xl, xh] x [yl, yh], keeping
 * its slope. An end outside is moved to the edge and the other coordinate
 * interpolated from the other end, so that an end far away (a message
 * received a billion pixels to the right) costs no precision. Returns
 * false when no part of it is inside. */
static bool clip_segment(double *x0, double *y0, double *x1, double *y1, double xl, double xh,
                         double yl, double yh)
{
    for (int axis = 0; axis < 2; axis++) { /* x first: ends far off in time */
        double *a[2] = {axis ? y0 : x0, axis ? y1 : x1}, *b[2] = {axis ? x0 : y0, axis ? x1 : y1};
        double lo = axis ? yl : xl, hi = axis ? yh : xh;
        if ((*a[0] < lo && *a[1] < lo) || (*a[0] > hi && *a[1] > hi))
            return false;
        for (int e = 0; e < 2; e++) {
            double lim = *a[e] < lo ? lo : *a[e] > hi ? hi : *a[e];
            if (lim != *a[e]) {
                *b[e] = *b[!e] + (lim - *a[!e]) * ((*b[e] - *b[!e]) / (*a[e] - *a[!e]));
                *a[e] = lim;
            }
        }
    }
    return true;
}

/* Draws message i's arrow (clipped to the plot and a margin wider than an
 * arrow's head, so that no coordinate handed to SDL is far off the frame)
 * and remembers it for picking. Returns false when a lane it joins is not
 * shown (nothing drawn), else true (if only off the frame). */
static bool draw_msg(SDL_Renderer *r, struct ui_view *v, const size_t *row_of, size_t i)
{
    const struct tl_msg *msg = &v->m->msgs[i];
    double ya, yb;
    if (!row_top(v, msg->from, row_of, &ya) || !row_top(v, msg->to, row_of, &yb))
        return false;
    /* x relative to the plot's left edge, y absolute */
    double x0 = ((double)msg->sent - v->t0) / v->cpp, x1 = ((double)msg->received - v->t0) / v->cpp;
    double y0 = ya + v->lane_h / 2, y1 = yb + v->lane_h / 2;
    if (y0 == y1) { /* to itself: a small loop over its lane */
        y0 -= v->lane_h / 3;
    }
    double margin = ui_px(v, 64);
    if (!clip_segment(&x0, &y0, &x1, &y1, -margin, v->plot_w + margin, v->plot_y - margin,
                      v->plot_y + v->plot_h + margin))
        return true;
    int ix0 = v->plot_x + (int)lround(x0), ix1 = v->plot_x + (int)lround(x1);
    int iy0 = (int)lround(y0), iy1 = (int)lround(y1);
    bool sel = i == v->selected;
    draw_arrow(r, v, ix0, iy0, ix1, iy1, sel ? select_ink : ui_kind_color[msg->kind],
               sel ? ui_px(v, 4) : ui_px(v, 2));
    remember(v, i, ix0, iy0, ix1, iy1);
    return true;
}

/* Draws message i if the filters show it, and counts it as drawn (once a
 * frame: callers hand each message once). Sets *sel when it is the
 * selected one. Returns nothing. */
static void show_msg(SDL_Renderer *r, struct ui_view *v, const size_t *row_of, size_t i, bool *sel)
{
    if (!ui_view_shows(v, i) || !draw_msg(r, v, row_of, i))
        return;
    v->arrows_drawn++;
    if (i == v->selected)
        *sel = true;
}

/* Draws the arrows of the messages in view: those sent in it, and those
 * sent a little before it and received in it or after. arrows_in_view
 * counts them, arrows_drawn the ones the filters show (each once). */
static void draw_msgs(SDL_Renderer *r, struct ui_view *v, const size_t *row_of)
{
    const struct tl_model *m = v->m;
    double t1 = v->t0 + v->cpp * v->plot_w;
    size_t first = tl_msg_at(m, ui_cycle(v->t0)), last = tl_msg_at(m, ui_cycle(t1));
    bool sel = false;
    v->arrows_in_view = last - first;
    /* messages sent before the view and received in it (a few back) */
    for (size_t k = 0, i = first; k < 256 && i > 0; k++) {
        i--;
        if ((double)m->msgs[i].received >= v->t0) {
            v->arrows_in_view++;
            show_msg(r, v, row_of, i, &sel);
        }
    }
    if (last - first <= (size_t)v->plot_w * 2) {
        for (size_t i = first; i < last; i++)
            show_msg(r, v, row_of, i, &sel);
    } else {
        /* level of detail: per pixel column, its first and last shown
         * message (the columns share their edges: each message falls in
         * one) */
        size_t i = first;
        for (int c = 0; c < v->plot_w; c++) {
            size_t e = c + 1 == v->plot_w ? last : tl_msg_at(m, ui_cycle(v->t0 + (c + 1) * v->cpp));
            size_t firstshown = SIZE_MAX, lastshown = SIZE_MAX;
            for (size_t k = 0, j = i; j < e && k < 64; j++, k++)
                if (ui_view_shows(v, j)) {
                    if (firstshown == SIZE_MAX)
                        firstshown = j;
                    lastshown = j;
                }
            if (firstshown != SIZE_MAX)
                show_msg(r, v, row_of, firstshown, &sel);
            if (lastshown != firstshown)
                show_msg(r, v, row_of, lastshown, &sel);
            i = e > i ? e : i;
        }
    }
    /* the selected one on top; counted if in view but left out by the
     * level of detail */
    if (v->selected < m->nmsgs && ui_view_shows(v, v->selected) &&
        draw_msg(r, v, row_of, v->selected) && !sel && v->selected >= first && v->selected < last)
        v->arrows_drawn++;
}

/* Draws an arrow's label `text` at (x, y) in its kind's colour on a pale
 * panel (readable over any bar). Returns nothing. */
static void label(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v, int x, int y,
                  SDL_Color c, const char *text)
{
    ui_fill(r, x - ui_px(v, 2), y, ui_text_width(f, text) + ui_px(v, 4), f->h,
            (SDL_Color){255, 255, 255, 255});
    ui_text(r, f, x, y, c, text);
}

/* Draws where a server ran at a caller's inherited priority: a band along
 * the bottom of its bar, labelled with the priority and the caller where
 * the band is long enough. Returns nothing. */
static void draw_inherits(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v,
                          const size_t *row_of)
{
    const struct tl_model *m = v->m;
    double t1 = v->t0 + v->cpp * v->plot_w;
    size_t past = 0; /* stretches seen that end after the view (sorted by their end) */
    for (size_t i = tl_inherit_at(m, ui_cycle(v->t0)); i < m->ninherits && past < 256; i++) {
        const struct tl_inherit *in = &m->inherits[i];
        past += (double)in->to >= t1;
        int y = ui_row_y(v, in->lane, row_of);
        if ((double)in->from >= t1 || y == INT32_MIN || y < v->plot_y - v->lane_h || y >= v->h)
            continue;
        double a = ((double)in->from - v->t0) / v->cpp, b = ((double)in->to - v->t0) / v->cpp;
        a = a < 0 ? 0 : a;
        b = b > v->plot_w ? v->plot_w : b;
        int x0 = v->plot_x + (int)a, w = (int)b - (int)a > 1 ? (int)b - (int)a : 1;
        int bh = ui_px(v, 5), by = y + v->lane_h - ui_px(v, 3) - bh;
        ui_fill(r, x0, by, w, bh, ui_inherit_color);
        char text[64];
        snprintf(text, sizeof text, "prio %u from %s", in->prio, m->lanes[in->caller].name);
        if (w >= ui_text_width(f, text) + ui_px(v, 8) && by - f->h > y)
            label(r, f, v, x0 + ui_px(v, 4), by - f->h, (SDL_Color){130, 80, 0, 255}, text);
    }
}

/* Labels the arrows the last pass drew with their header (opcode and
 * bytes, a notification's bits, a moved region) where an arrow is long
 * enough for its label, and only when few arrows are drawn (at a call's
 * zoom, not at the run's). Returns nothing. */
static void draw_arrow_labels(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v)
{
    if (v->ndrawn > (size_t)(v->plot_w / ui_px(v, 24)))
        return;
    SDL_Rect placed[256];
    size_t nplaced = 0;
    for (size_t i = 0; i < v->ndrawn; i++) {
        const struct ui_drawn *d = &v->drawn[i];
        const struct tl_msg *msg = &v->m->msgs[d->msg];
        char text[48];
        if (msg->kind == TL_NOTIFY)
            snprintf(text, sizeof text, "bits 0x%x", msg->opcode);
        else if (msg->kind == TL_REGION)
            snprintf(text, sizeof text, "region %u", msg->port);
        else if (msg->kind == TL_IPI)
            snprintf(text, sizeof text, "IPI line %u", msg->opcode);
        else if (msg->to_core != UINT32_MAX && msg->from_core != msg->to_core)
            snprintf(text, sizeof text, "op %u, %u B, core %u>%u", msg->opcode, msg->len,
                     msg->from_core, msg->to_core); /* crossed cores */
        else
            snprintf(text, sizeof text, "op %u, %u B", msg->opcode, msg->len);
        int tw = ui_text_width(f, text), span = d->x1 > d->x0 ? d->x1 - d->x0 : d->x0 - d->x1;
        int mx = (d->x0 + d->x1) / 2, my = (d->y0 + d->y1) / 2;
        if (span >= tw + ui_px(v, 12)) { /* over a long arrow, clear of the labels so far */
            SDL_Rect box = {mx - tw / 2 - ui_px(v, 2), my - f->h - ui_px(v, 2), tw + ui_px(v, 4),
                            f->h};
            bool clear = true;
            for (size_t k = 0; k < nplaced && clear; k++)
                clear = !SDL_HasIntersection(&box, &placed[k]);
            if (clear && nplaced < sizeof placed / sizeof placed[0]) {
                placed[nplaced++] = box;
                label(r, f, v, mx - tw / 2, box.y, ui_kind_color[msg->kind], text);
            }
            continue;
        }
        /* beside a steep one, when the next arrow to the right is far enough */
        int gap = INT_MAX;
        for (size_t k = 0; k < v->ndrawn; k++) {
            int ox = (v->drawn[k].x0 + v->drawn[k].x1) / 2;
            if (k != i && ox >= mx && ox - mx < gap)
                gap = ox - mx;
        }
        if (gap >= tw + ui_px(v, 16) && span < ui_px(v, 8) &&
            mx + tw + ui_px(v, 8) < v->plot_x + v->plot_w)
            label(r, f, v, mx + ui_px(v, 5), my - f->h / 2, ui_kind_color[msg->kind], text);
    }
}

void ui_draw(SDL_Renderer *r, const struct ui_font *f, struct ui_view *v)
{
    const struct tl_model *m = v->m;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    color(r, ui_background);
    SDL_RenderClear(r);
    v->ndrawn = 0;
    v->arrows_drawn = 0;
    size_t *row_of = malloc((m->nlanes ? m->nlanes : 1) * sizeof *row_of);
    if (!row_of)
        return;
    for (size_t i = 0; i < m->nlanes; i++)
        row_of[i] = SIZE_MAX;
    for (size_t i = 0; i < v->nrows; i++)
        row_of[v->rows[i]] = i;
    /* the title */
    char title[768];
    snprintf(title, sizeof title, "%s   %zu lanes, %zu messages, %llu events, %llu cycles",
             v->title ? v->title : "ipcemu", m->nlanes, m->nmsgs, (unsigned long long)m->events,
             (unsigned long long)m->end);
    ui_text(r, f, ui_px(v, 6), ui_px(v, 4), ui_ink, title);
    draw_ruler(r, f, v);
    SDL_Rect clip = {0, v->plot_y, v->w, v->plot_h};
    SDL_RenderSetClipRect(r, &clip);
    draw_lanes(r, f, v, row_of);
    SDL_Rect plot = {v->plot_x, v->plot_y, v->plot_w, v->plot_h};
    SDL_RenderSetClipRect(r, &plot);
    ui_draw_kstretches(r, f, v, row_of);
    draw_inherits(r, f, v, row_of);
    draw_marks(r, v, row_of);
    draw_msgs(r, v, row_of);
    draw_arrow_labels(r, f, v);
    SDL_RenderSetClipRect(r, NULL);
    ui_fill(r, v->plot_x - 1, v->plot_y, 1, v->plot_h, rule);
    draw_scrollbar(r, v);
    if (v->legend) {
        int y = v->h - v->legend_h;
        ui_fill(r, 0, y, v->w, v->legend_h, (SDL_Color){238, 238, 238, 255});
        legend_flow(r, f, v, y + ui_px(v, 4));
    }
    if (v->selected < m->nmsgs)
        ui_draw_details(r, f, v);
    else if (v->kselected < m->nkstretches)
        ui_draw_kdetails(r, f, v);
    free(row_of);
}

/* The distance from (x, y) to the segment (x0, y0)-(x1, y1). */
static double seg_dist(int x, int y, int x0, int y0, int x1, int y1)
{
    double dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((x - x0) * dx + (y - y0) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double px_ = x0 + t * dx - x, py_ = y0 + t * dy - y;
    return sqrt(px_ * px_ + py_ * py_);
}

size_t ui_pick(const struct ui_view *v, int x, int y)
{
    size_t best = SIZE_MAX;
    double bd = 6.0 * v->scale;
    for (size_t i = 0; i < v->ndrawn; i++) {
        const struct ui_drawn *d = &v->drawn[i];
        double dist = seg_dist(x, y, d->x0, d->y0, d->x1, d->y1);
        if (dist <= bd) {
            bd = dist;
            best = d->msg;
        }
    }
    return best;
}
