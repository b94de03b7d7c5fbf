/* ui/kstretch.c: the kernel's stretches (see kstretch.h). */
#include "ui/kstretch.h"

#include <stdio.h>
#include <string.h>

#include "abi/syscall_nr.h" /* system-call names are part of the kernel's ABI */
#include "ui/timeline.h"
#include "util/grow.h"

const uint8_t tl_kphase_draw_order[KPHASE_COUNT] = {
    KPHASE_TRAP,  KPHASE_LOCK,    KPHASE_DECODE, KPHASE_LOOKUP, KPHASE_COPY,
    KPHASE_LOGIC, KPHASE_HANDOFF, KPHASE_TIMER,  KPHASE_TRACE,  KPHASE_IDLE,
    KPHASE_USER,  KPHASE_SWITCH,  KPHASE_RETURN,
};

/* Adds one to a count that stops at 255 (returns nothing). */
static void count(uint8_t *n)
{
    if (*n < UINT8_MAX)
        (*n)++;
}

/* Closes stretch *s at cycle `to` and appends it to the model. Returns 0
 * or -1 (out of memory). */
static int close_stretch(struct tl_model *m, struct tl_kstretch *s, uint64_t to)
{
    s->to = to;
    uint64_t sum = 0, len = to - s->from;
    for (int k = 0; k < KPHASE_COUNT; k++)
        if (k != KPHASE_IDLE)
            sum += s->ph[k];
    if (s->phased)
        s->ph[KPHASE_IDLE] = (uint32_t)(len > sum && len - sum <= UINT32_MAX ? len - sum : 0);
    if (!util_grow((void **)&m->kstretches, &m->cap_kstretches, m->nkstretches + 1,
                   sizeof *m->kstretches))
        return -1;
    m->kstretches[m->nkstretches++] = *s;
    if (len > m->kstretch_max)
        m->kstretch_max = len;
    return 0;
}

int tl_kstretch_track(struct tl_model *m, struct tl_kstretch *open, bool *is_open, size_t lane,
                      const struct trc_event *e)
{
    struct tl_kstretch *s = open;
    bool mine = *is_open && s->pid && e->pid == s->pid;
    switch (e->type) {
    case TRC_EV_TRAP:
        if (!*is_open) {
            memset(s, 0, sizeof *s);
            s->from = e->cycle;
            s->lane = (uint32_t)lane;
            *is_open = true;
        }
        if (e->arg[0] == 1)
            s->irq = true;
        break;
    case TRC_EV_TIMER_IRQ:
    case TRC_EV_IRQ:
        if (*is_open)
            s->irq = true;
        break;
    case TRC_EV_SYSCALL:
        if (*is_open && !s->pid) {
            s->pid = e->pid;
            s->nr = (uint32_t)e->arg[0];
        }
        break;
    case TRC_EV_CAP_LOOKUP:
        if (mine && e->arg[1] == 1)
            count(&s->hits);
        else if (mine && e->arg[1] == 0)
            count(&s->misses);
        break;
    case TRC_EV_IPC_SEND:
    case TRC_EV_IPC_REPLY:
        if (mine && !s->path) {
            s->path = (uint8_t)e->arg[2];
            s->reply = e->type == TRC_EV_IPC_REPLY;
        }
        break;
    case TRC_EV_IPC_SLOW:
        if (mine && !s->slow)
            s->slow = (uint8_t)e->arg[1];
        break;
    case TRC_EV_KERNEL_PHASES: {
        uint64_t ph[TRC_KPHASES_STORED], sum = 0;
        unsigned sat = trc_kphases_unpack(e->arg, ph);
        for (int k = 0; k < TRC_KPHASES_STORED; k++)
            sum += ph[k];
        if (!*is_open) { /* boot's stretch: no trap opened it */
            memset(s, 0, sizeof *s);
            s->from = e->cycle > sum ? e->cycle - sum : 0;
            s->lane = (uint32_t)lane;
            *is_open = true;
        }
        for (int k = 0; k < TRC_KPHASES_STORED; k++)
            s->ph[k] = (uint32_t)ph[k];
        s->saturated = (uint16_t)sat;
        s->phased = true;
        break;
    }
    case TRC_EV_USER_ENTER:
        if (*is_open) {
            *is_open = false;
            return close_stretch(m, s, e->cycle);
        }
        break;
    default:
        break;
    }
    return 0;
}

size_t tl_kstretch_after(const struct tl_model *m, uint64_t t)
{
    size_t lo = 0, hi = m->nkstretches;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->kstretches[mid].to > t)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

bool tl_kstretch_past(const struct tl_model *m, size_t i, uint64_t t)
{
    uint64_t to = m->kstretches[i].to;
    return to >= m->kstretch_max && to - m->kstretch_max >= t;
}

void tl_kstretch_caption(const struct tl_kstretch *s, char *out, size_t n)
{
    if (!s->pid) {
        snprintf(out, n, "%s", s->irq ? "timer interrupt" : s->from == 0 ? "boot" : "kernel");
        return;
    }
    const char *name = sys_name(s->nr);
    char path[80] = "";
    const char *why = s->slow ? trc_slow_reason_name(s->slow) : NULL;
    if (s->path == TRC_IPC_FAST)
        snprintf(path, sizeof path, ": fast path");
    else if (s->path == TRC_IPC_REFUSED)
        snprintf(path, sizeof path, ": refused");
    else if (s->path)
        snprintf(path, sizeof path, ": slow path%s%s%s%s",
                 s->path == TRC_IPC_QUEUED ? ", queued" : "", why ? " (" : "", why ? why : "",
                 why ? ")" : "");
    snprintf(out, n, "%s%s%s%s%s", name ? name : "system call", path, s->hits ? ", cap hit" : "",
             s->misses ? ", cap miss" : "", s->irq ? ", timer irq" : "");
}
