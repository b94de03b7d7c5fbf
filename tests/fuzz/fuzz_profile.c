/* tests/fuzz/fuzz_profile.c: libFuzzer target for the CPU-profile loader
 * (emu/profile.c). Any bytes are read twice: as a profile, the file
 * profiles/fuzz.json (so its instruction_table is looked up among the
 * shipped tables in profiles/, and a mutated shipped profile gets as far as
 * its real table), and as an instruction table. Each must load into a
 * profile every consumer can use, or give one printable line of error
 * naming the file, without a crash, a leak or undefined behaviour. Built
 * and run by scripts/fuzz.sh (from the repository's top directory). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu/timing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The loader's one link to the emulator is the check of "arch" against the
 * architectures; the target is built without Unicorn, so it stands in for
 * emu/core.c's (same names, dummy descriptions). */
const struct emu_arch *emu_arch_by_name(const char *name)
{
    static const struct emu_arch arches[3];
    static const char *const names[3] = {"x86_64", "aarch64", "riscv64"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0)
            return &arches[i];
    return NULL;
}

/* Aborts unless `err` is one non-empty line of printable ASCII that
 * starts with `prefix`. */
static void check_error(const char *err, const char *prefix)
{
    if (!err[0] || strncmp(err, prefix, strlen(prefix)) != 0)
        abort();
    for (const char *s = err; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            abort(); /* a newline, or bytes that could drive a terminal */
}

/* Aborts unless the rows are sorted, unique, and every cost is in range
 * (the timing model divides by none of them and sizes nothing by them). */
static void check_rows(const struct tm_profile *p)
{
    if (p->nrows == 0 || !p->rows || p->nports > TM_MAX_PORTS)
        abort();
    for (size_t i = 0; i < p->nrows; i++) {
        const struct tm_row *r = &p->rows[i];
        const struct tm_cost *c = &r->cost;
        if (!r->key[0] || memchr(r->key, 0, sizeof r->key) == NULL)
            abort();
        if (i > 0 && strcmp(p->rows[i - 1].key, r->key) >= 0)
            abort();
        if (c->uops > 10000 || c->latency > 10000 || !(c->rthroughput >= 0) ||
            !(c->rthroughput <= 10000) || !(c->self >= 0) || !(c->self <= 10000))
            abort();
        for (unsigned k = 0; k < TM_MAX_PORTS; k++)
            if (k < p->nports ? !(c->pressure[k] >= 0 && c->pressure[k] <= 10000)
                              : c->pressure[k] != 0)
                abort();
        bool exact;
        if (tm_lookup(p, r->key, &exact) != r || !exact)
            abort();
    }
}

/* Returns true when v is a power of two. */
static int pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

/* Aborts unless a loaded profile's numbers are what the timing model
 * needs: at least one issue slot, caches with a power of two of sets and of
 * line bytes, predictor tables of powers of two, a history that fits. */
static void check_profile(const struct tm_profile *p)
{
    const struct tm_cache_geom *g[3] = {&p->l1i, &p->l1d, &p->l2};
    if (p->issue_width < 1 || p->issue_width > 16 || (p->out_of_order && p->rob_size < 1))
        abort();
    for (int i = 0; i < 3; i++)
        if (!pow2(g[i]->line) || g[i]->ways < 1 || g[i]->size % (g[i]->line * g[i]->ways) ||
            !pow2(g[i]->size / (g[i]->line * g[i]->ways)) || g[i]->size > (1u << 26))
            abort();
    if (!pow2(p->tlb_entries) || !pow2(p->tlb_ways) || p->tlb_ways > p->tlb_entries ||
        !pow2(p->bp_entries) || !pow2(p->btb_entries) || p->bp_history > 24 || p->ras_depth < 1 ||
        !p->name[0] || !p->arch[0] || !p->llvm_mcpu[0])
        abort();
    if (!(p->fallback.rthroughput > 0) || !isfinite(p->fallback.rthroughput))
        abort();
    check_rows(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tm_profile p;
    char err[600];
    err[0] = '\0';
    if (tm_profile_load_text(&p, "profiles/fuzz.json", (const char *)data, size, err, sizeof err) ==
        0) {
        check_profile(&p);
        tm_profile_free(&p);
    } else {
        /* the profile or the table it names */
        check_error(err, "profiles/");
        if (p.rows || p.nrows)
            abort();
    }
    memset(&p, 0, sizeof p);
    err[0] = '\0';
    if (tm_table_load_text(&p, "fuzz.insns", (const char *)data, size, err, sizeof err) == 0) {
        check_rows(&p);
        tm_profile_free(&p);
    } else {
        check_error(err, "fuzz.insns:");
        if (p.rows || p.nrows)
            abort();
    }
    return 0;
}
