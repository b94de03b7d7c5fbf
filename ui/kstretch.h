/* ui/kstretch.h: the kernel's stretches on each core, for the timeline's
 * kernel lanes at fine zoom: from the trap that entered the kernel (or
 * boot) to the first user instruction after it, with its cycles by phase
 * (the kernel.phases event the machine records at no guest cost, the
 * report's own attribution: abi/kphases.h), the system call it served,
 * the path its message took (and why it left the fast path) and its
 * capability-cache hits and misses. No SDL here. */
#ifndef IPCEMU_UI_KSTRETCH_H
#define IPCEMU_UI_KSTRETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/kphases.h"
#include "tracer/trace.h"

struct tl_model;

struct tl_kstretch {
    uint64_t from, to;         /* cycles: the trap (or boot) .. the user.enter */
    uint32_t lane;             /* the core's kernel lane */
    uint32_t pid;              /* the process whose system call it served (0: none,
                                  an interrupt's or an exception's) */
    uint32_t nr;               /* that system call's number */
    uint32_t ph[KPHASE_COUNT]; /* cycles by phase (enum kphase); IDLE: the rest */
    uint16_t saturated;        /* phases whose count saturated (bit per enum kphase) */
    uint8_t hits, misses;      /* capability lookups that hit / missed the cache */
    uint8_t path;              /* the first send's or reply's enum trc_ipc_path (0: none) */
    uint8_t slow;              /* why it left the fast path (enum trc_slow_reason; 0) */
    bool reply;                /* `path` is a reply's */
    bool irq;                  /* the timer's interrupt came in it */
    bool phased;               /* a kernel.phases event gave ph */
};

/* The order the timeline draws a stretch's phases in, left to right: the
 * report's phases, with the order they mostly run in (trap first, return
 * last). They are totals: a phase that ran in several pieces is drawn as
 * one segment. */
extern const uint8_t tl_kphase_draw_order[KPHASE_COUNT];

/* Follows event `e` on the core whose kernel lane is `lane`, whose open
 * stretch is *open (*is_open says whether one is): opens one at a trap,
 * fills it in, and at user.enter adds it to m->kstretches. Returns 0 or
 * -1 (out of memory). */
int tl_kstretch_track(struct tl_model *m, struct tl_kstretch *open, bool *is_open, size_t lane,
                      const struct trc_event *e);
/* The index of the first stretch (in m->kstretches, ordered by `to`)
 * that ends after cycle t. */
size_t tl_kstretch_after(const struct tl_model *m, uint64_t t);
/* Whether stretch i of m->kstretches (ordered by `to`), and so every
 * later one, starts at or after cycle t (a stretch is at most
 * m->kstretch_max long): where a walk over a range from
 * tl_kstretch_after stops. */
bool tl_kstretch_past(const struct tl_model *m, size_t i, uint64_t t);
/* Writes what stretch s did, for its caption: "call: fast, cap hit",
 * "call: slow (no_receiver), cap miss", "timer interrupt" (returns
 * nothing). */
void tl_kstretch_caption(const struct tl_kstretch *s, char *out, size_t n);

#endif
