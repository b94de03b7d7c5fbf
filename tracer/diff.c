/* tracer/diff.c: comparing two runs' event logs (see diff.h). */
#include "tracer/diff.h"

#include <string.h>

#include "util/hostfile.h"

void trc_event_text(const struct trc_log *log, const struct trc_event *e, char *out, size_t n)
{
    const struct trc_proc *p = trc_log_proc(log, e->pid);
    char name[4 * TRC_NAME_MAX + 1] = "";
    if (p)
        hf_printable(p->name, strlen(p->name), name, sizeof name);
    snprintf(out, n, "cycle %llu: %s pid %u%s%s%s %llu %llu %llu %llu",
             (unsigned long long)e->cycle, trc_event_name(e->type), e->pid, name[0] ? " (" : "",
             name, name[0] ? ")" : "", (unsigned long long)e->arg[0], (unsigned long long)e->arg[1],
             (unsigned long long)e->arg[2], (unsigned long long)e->arg[3]);
}

size_t trc_diff_first(const struct trc_log *a, const struct trc_log *b)
{
    size_t n = a->nev < b->nev ? a->nev : b->nev;
    for (size_t i = 0; i < n; i++) {
        /* field by field: the padding of struct trc_event is no event's */
        const struct trc_event *x = &a->ev[i], *y = &b->ev[i];
        bool same =
            x->cycle == y->cycle && x->core == y->core && x->type == y->type && x->pid == y->pid;
        for (int k = 0; k < TRC_NARGS; k++)
            same = same && x->arg[k] == y->arg[k];
        if (!same)
            return i;
    }
    return a->nev == b->nev ? SIZE_MAX : n;
}

bool trc_diff_logs(const struct trc_log *a, uint64_t hash_a, const struct trc_log *b,
                   uint64_t hash_b, struct trc_diff *d)
{
    d->first = trc_diff_first(a, b);
    d->same_hash = hash_a == hash_b;
    d->paths_differ = 0;
    for (unsigned i = 0; i < TRC_PATH_COUNT; i++) {
        struct trc_path_stats x = {0}, y = {0};
        trc_path_stats(a, i, &x);
        trc_path_stats(b, i, &y);
        d->paths_differ += x.count != y.count;
    }
    return d->first == SIZE_MAX && d->same_hash;
}

void trc_diff_paths(FILE *out, const struct trc_log *a, const struct trc_log *b)
{
    fprintf(out, "   path                   count A  count B  median A  median B   change\n");
    for (unsigned i = 0; i < TRC_PATH_COUNT; i++) {
        struct trc_path_stats x = {0}, y = {0};
        bool hx = trc_path_stats(a, i, &x), hy = trc_path_stats(b, i, &y);
        if (!hx && !hy)
            continue;
        char change[24] = "";
        if (hx && hy && x.median)
            snprintf(change, sizeof change, "%+.1f%%",
                     100.0 * ((double)y.median - (double)x.median) / (double)x.median);
        fprintf(out, "   %-20s %9llu %8llu %9llu %9llu %8s\n", trc_path_name(i),
                (unsigned long long)x.count, (unsigned long long)y.count,
                (unsigned long long)x.median, (unsigned long long)y.median, change);
    }
}

void trc_diff_print(FILE *out, const struct trc_log *a, const struct trc_log *b,
                    const struct trc_diff *d)
{
    if (d->first == SIZE_MAX && d->same_hash) {
        fprintf(out, "identical\n");
    } else if (d->first == SIZE_MAX) {
        fprintf(out, "the same events; the console output differs\n");
    } else {
        char ta[200] = "(A ended)", tb[200] = "(B ended)";
        if (d->first < a->nev)
            trc_event_text(a, &a->ev[d->first], ta, sizeof ta);
        if (d->first < b->nev)
            trc_event_text(b, &b->ev[d->first], tb, sizeof tb);
        fprintf(out, "first difference at event %zu\n  A: %s\n  B: %s\n", d->first, ta, tb);
    }
    trc_diff_paths(out, a, b);
}
