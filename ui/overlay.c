/* ui/overlay.c: what the timeline draws over its lanes: each kernel
 * stretch's phases on the kernel lanes at fine zoom, and the selected
 * message's details (see viewport_int.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui/kstretch.h"
#include "ui/phases.h"
#include "ui/viewport_int.h"

static const SDL_Color panel = {255, 255, 255, 240};

/* The most stretches one frame looks at, per pixel column of the plot:
 * a view where more fall is too coarse for any of them to be wide. */
#define STRETCHES_PER_COLUMN 8

/* Writes phase k's cycles in stretch s ("412", "16777215+" when the
 * trace saturated it) to out[n] (returns nothing). */
static void phase_cycles(const struct tl_kstretch *s, int k, char *out, size_t n)
{
    snprintf(out, n, "%u%s", s->ph[k], s->saturated >> k & 1 ? "+" : "");
}

/* Writes the stretch's phases ("trap 101, switch 119, ...") as lines of
 * at most 4 phases into l[0..2] (each n bytes); returns the lines. */
static int phase_lines(const struct tl_kstretch *s, char (*l)[128], size_t n)
{
    int lines = 0, on_line = 0;
    for (int i = 0; i < KPHASE_COUNT && lines < 3; i++) {
        int k = tl_kphase_draw_order[i];
        if (!s->ph[k])
            continue;
        if (on_line == 0)
            snprintf(l[lines], n, "  ");
        char c[24];
        phase_cycles(s, k, c, sizeof c);
        size_t len = strlen(l[lines]);
        snprintf(l[lines] + len, n - len, "%s%s %s", on_line ? ", " : "", ui_phase_names[k], c);
        if (++on_line == 4) {
            on_line = 0;
            lines++;
        }
    }
    return lines + (on_line > 0);
}

/* Draws stretch s's phases in the bar [x, x + w) x [y, y + h), each
 * segment labelled with its cycles where they fit (returns nothing). */
static void draw_segments(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v,
                          const struct tl_kstretch *s, double x, double w, int y, int h)
{
    double len = (double)(s->to - s->from), at = 0;
    for (int i = 0; i < KPHASE_COUNT; i++) {
        int k = tl_kphase_draw_order[i];
        if (!s->ph[k] || len <= 0)
            continue;
        int x0 = ui_to_px(x + w * at / len);
        at += s->ph[k];
        int x1 = ui_to_px(x + w * at / len), sw = x1 - x0 > 1 ? x1 - x0 : 1;
        ui_fill(r, x0, y, sw, h, ui_phase_color[k]);
        char text[48], c[24];
        phase_cycles(s, k, c, sizeof c);
        snprintf(text, sizeof text, "%s %s", ui_phase_names[k], c);
        if (ui_text_width(f, text) + ui_px(v, 4) > sw)
            snprintf(text, sizeof text, "%s", c);
        if (ui_text_width(f, text) + ui_px(v, 4) > sw || h < f->h)
            continue;
        ui_text(r, f, x0 + (sw - ui_text_width(f, text)) / 2, y + (h - f->h) / 2,
                ui_phase_text_color(k), text);
    }
}

size_t ui_draw_kstretches(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v,
                          const size_t *row_of)
{
    const struct tl_model *m = v->m;
    double t1 = v->t0 + v->plot_w * v->cpp, min_w = ui_px(v, 16);
    if (!m->nkstretches || (double)m->kstretch_max / v->cpp < min_w)
        return 0; /* none is wide enough to see */
    size_t drawn = 0, budget = (size_t)v->plot_w * STRETCHES_PER_COLUMN;
    for (size_t i = tl_kstretch_after(m, ui_cycle(v->t0)); i < m->nkstretches && budget; i++) {
        const struct tl_kstretch *s = &m->kstretches[i];
        if (tl_kstretch_past(m, i, ui_cycle(ceil(t1))))
            break; /* every later one starts after the view */
        budget--;
        double x = v->plot_x + ((double)s->from - v->t0) / v->cpp,
               w = (double)(s->to - s->from) / v->cpp;
        int y = ui_row_y(v, s->lane, row_of);
        if ((double)s->from >= t1 || w < min_w || !s->phased || y == INT32_MIN || y >= v->h ||
            y + v->lane_h <= v->plot_y)
            continue;
        int top = y + ui_px(v, 3), h = v->lane_h - ui_px(v, 6);
        ui_fill(r, ui_to_px(x), top, ui_to_px(w) > 1 ? ui_to_px(w) : 1, h, ui_background);
        /* a caption above the segments where the row has room for both */
        if (h >= 3 * f->h) {
            char cap[128], full[160];
            tl_kstretch_caption(s, cap, sizeof cap);
            snprintf(full, sizeof full, "%s  %llu cycles", cap,
                     (unsigned long long)(s->to - s->from));
            const char *text = ui_text_width(f, full) <= w ? full : cap;
            double cx = x > v->plot_x ? x : v->plot_x;
            if (ui_text_width(f, text) <= x + w - cx)
                ui_text(r, f, ui_to_px(cx) + ui_px(v, 2), top, ui_ink, text);
            top += f->h + ui_px(v, 2);
            h -= f->h + ui_px(v, 2);
        }
        draw_segments(r, f, v, s, x, w, top, h);
        if (i == v->kselected) { /* outlined */
            SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
            SDL_Rect rc = {ui_to_px(x), y + ui_px(v, 1), ui_to_px(w), v->lane_h - ui_px(v, 2)};
            SDL_RenderDrawRect(r, &rc);
        }
        drawn++;
    }
    return drawn;
}

/* The kernel stretch in which `pid` sent message msg (NULL: none known). */
static const struct tl_kstretch *sender_stretch(const struct tl_model *m, const struct tl_msg *msg,
                                                uint32_t pid)
{
    for (size_t i = tl_kstretch_after(m, msg->sent ? msg->sent - 1 : 0); i < m->nkstretches; i++) {
        const struct tl_kstretch *s = &m->kstretches[i];
        if (s->from > msg->sent)
            break;
        if (s->phased && s->pid == pid)
            return s;
    }
    return NULL;
}

/* The size of a box of n lines. */
static void box_size(const struct ui_font *f, const struct ui_view *v, const char *const *lines,
                     bool swatch, int n, int *bw, int *bh)
{
    int w = 0;
    for (int i = 0; i < n; i++) {
        int tw = ui_text_width(f, lines[i]);
        if (tw > w)
            w = tw;
    }
    int pad = ui_px(v, 6);
    *bw = w + (swatch ? f->h + pad : 0) + 2 * pad;
    *bh = n * f->h + 2 * pad;
}

static void draw_box(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v, int x,
                     int y, const char *const *lines, const SDL_Color *swatch, int n)
{
    int sw = swatch ? f->h : 0, pad = ui_px(v, 6), bw, bh;
    box_size(f, v, lines, swatch != NULL, n, &bw, &bh);
    if (x < 0)
        x = v->w - bw + x;
    if (y < 0)
        y = v->h - bh + y;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    ui_fill(r, x, y, bw, bh, panel);
    SDL_SetRenderDrawColor(r, ui_faint.r, ui_faint.g, ui_faint.b, ui_faint.a);
    SDL_Rect rc = {x, y, bw, bh};
    SDL_RenderDrawRect(r, &rc);
    for (int i = 0; i < n; i++) {
        int ly = y + pad + i * f->h;
        if (swatch && swatch[i].a)
            ui_fill(r, x + pad, ly + f->h / 4, sw, f->h / 2, swatch[i]);
        ui_text(r, f, x + pad + (swatch ? sw + pad : 0), ly, ui_ink, lines[i]);
    }
}

/* The top of a details box bh pixels high: right below the last lane
 * where the plot has room for it, else at the plot's bottom. */
static int box_low(const struct ui_view *v, int bh)
{
    int m8 = ui_px(v, 8);
    long below = v->plot_y + (long)(v->nrows - v->scroll) * v->lane_h + m8;
    return below + bh + m8 <= v->plot_y + v->plot_h ? (int)below : v->plot_y + v->plot_h - bh - m8;
}

void ui_draw_details(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v)
{
    const struct tl_model *m = v->m;
    const struct tl_msg *msg = &m->msgs[v->selected];
    const struct tl_lane *a = &m->lanes[msg->from], *b = &m->lanes[msg->to];
    char l[12][128];
    const char *lines[12];
    int n = 0;
    snprintf(l[n++], sizeof l[0], "message %zu of %zu: %s%s", v->selected + 1, m->nmsgs,
             tl_kind_name(msg->kind), msg->reply ? " (reply)" : "");
    snprintf(l[n++], sizeof l[0], "from %s (pid %u) to %s (pid %u)", a->name, a->pid, b->name,
             b->pid);
    if (m->ncores > 1 && msg->to_core != UINT32_MAX)
        snprintf(l[n++], sizeof l[0], "%s core %u, %s core %u%s",
                 msg->kind == TL_IPI ? "from" : "sent on", msg->from_core,
                 msg->kind == TL_IPI ? "to" : "received on", msg->to_core,
                 msg->kind != TL_IPI && msg->from_core != msg->to_core ? " (crossed cores)" : "");
    if (msg->kind == TL_IPI)
        snprintf(l[n++], sizeof l[0], "software line %u of the interrupt controller", msg->opcode);
    else if (msg->kind == TL_NOTIFY)
        snprintf(l[n++], sizeof l[0], "bits 0x%x", msg->opcode);
    else if (msg->kind == TL_REGION)
        snprintf(l[n++], sizeof l[0], "region %u moved (zero-copy)", msg->port);
    else
        snprintf(l[n++], sizeof l[0], "header: port %u, opcode %u, %u bytes", msg->port,
                 msg->opcode, msg->len);
    if (msg->kind != TL_NOTIFY && msg->kind != TL_REGION && msg->kind != TL_IPI)
        snprintf(l[n++], sizeof l[0], "capabilities carried: %u%s", msg->ncaps,
                 msg->moved ? " (a region moves with it: zero-copy)" : "");
    snprintf(l[n++], sizeof l[0], "sent at cycle %llu, received at %llu",
             (unsigned long long)msg->sent, (unsigned long long)msg->received);
    /* the sender's kernel stretch: its cycles by phase (the report's) */
    const struct tl_kstretch *ks = sender_stretch(m, msg, a->pid);
    if (ks) {
        char cap[72];
        tl_kstretch_caption(ks, cap, sizeof cap);
        snprintf(l[n++], sizeof l[0], "sender's kernel entry: %llu cycles (%s)",
                 (unsigned long long)(ks->to - ks->from), cap);
        n += phase_lines(ks, l + n, sizeof l[0]);
    }
    snprintf(l[n++], sizeof l[0], "in flight: %llu cycles from send to receive",
             (unsigned long long)(msg->received - msg->sent));
    for (int i = 0; i < n; i++)
        lines[i] = l[i];
    /* in a corner of the plot clear of the message's arrow (top right first) */
    int bw, bh, m8 = ui_px(v, 8);
    box_size(f, v, lines, false, n, &bw, &bh);
    int ax0 = 0, ay0 = 0, ax1 = -1, ay1 = -1;
    for (size_t i = v->ndrawn; i-- > 0;)
        if (v->drawn[i].msg == v->selected) {
            const struct ui_drawn *d = &v->drawn[i];
            ax0 = (d->x0 < d->x1 ? d->x0 : d->x1) - m8;
            ax1 = (d->x0 < d->x1 ? d->x1 : d->x0) + m8;
            ay0 = (d->y0 < d->y1 ? d->y0 : d->y1) - m8;
            ay1 = (d->y0 < d->y1 ? d->y1 : d->y0) + m8;
            break;
        }
    /* below the last lane where the plot has room for it, else in a corner
     * of the plot, bottom first (the kernel lane, whose phases the box
     * lists, is at the top), clear of the arrow */
    int low = box_low(v, bh), top = v->plot_y + m8;
    const int cx[4] = {v->w - bw - m8, v->plot_x + m8, v->w - bw - m8, v->plot_x + m8};
    const int cy[4] = {low, low, top, top};
    /* the first place that covers the least of the arrow's box */
    int best = 0;
    long best_area = -1;
    for (int k = 0; k < 4; k++) {
        long ow = (long)(cx[k] + bw < ax1 ? cx[k] + bw : ax1) - (cx[k] > ax0 ? cx[k] : ax0);
        long oh = (long)(cy[k] + bh < ay1 ? cy[k] + bh : ay1) - (cy[k] > ay0 ? cy[k] : ay0);
        long area = ow > 0 && oh > 0 ? ow * oh : 0;
        if (best_area < 0 || area < best_area) {
            best = k;
            best_area = area;
        }
    }
    draw_box(r, f, v, cx[best], cy[best], lines, NULL, n);
}

size_t ui_pick_kstretch(const struct ui_view *v, int x, int y)
{
    const struct tl_model *m = v->m;
    size_t row = ui_view_row_at(v, y);
    if (x < v->plot_x || row == SIZE_MAX || m->lanes[v->rows[row]].pid)
        return SIZE_MAX; /* not on a kernel lane */
    size_t lane = v->rows[row];
    uint64_t at = ui_cycle(v->t0 + (x - v->plot_x) * v->cpp);
    for (size_t i = tl_kstretch_after(m, at); i < m->nkstretches; i++) {
        const struct tl_kstretch *s = &m->kstretches[i];
        if (at < UINT64_MAX && tl_kstretch_past(m, i, at + 1))
            break; /* every later one starts after `at` */
        if (s->lane == lane && s->from <= at && s->phased)
            return i;
    }
    return SIZE_MAX;
}

void ui_draw_kdetails(SDL_Renderer *r, const struct ui_font *f, const struct ui_view *v)
{
    const struct tl_kstretch *s = &v->m->kstretches[v->kselected];
    char l[KPHASE_COUNT + 3][128];
    const char *lines[KPHASE_COUNT + 3];
    SDL_Color swatch[KPHASE_COUNT + 3] = {{0}};
    int n = 0;
    uint64_t len = s->to - s->from;
    snprintf(l[n++], sizeof l[0], "%s: cycles %llu to %llu, %llu cycles", v->m->lanes[s->lane].name,
             (unsigned long long)s->from, (unsigned long long)s->to, (unsigned long long)len);
    tl_kstretch_caption(s, l[n++], sizeof l[0]);
    snprintf(l[n++], sizeof l[0], "by phase (totals, not their order in time):");
    for (int i = 0; i < KPHASE_COUNT; i++) {
        int k = tl_kphase_draw_order[i];
        if (!s->ph[k])
            continue;
        char c[24];
        phase_cycles(s, k, c, sizeof c);
        swatch[n] = ui_phase_color[k];
        snprintf(l[n++], sizeof l[0], "%-8s %10s  %5.1f%%", ui_phase_names[k], c,
                 len ? 100.0 * s->ph[k] / (double)len : 0.0);
    }
    for (int i = 0; i < n; i++)
        lines[i] = l[i];
    int bw, bh, m8 = ui_px(v, 8);
    box_size(f, v, lines, true, n, &bw, &bh);
    draw_box(r, f, v, v->w - bw - m8, box_low(v, bh), lines, swatch, n);
}
