/* tests/emu/test_probes.c: the engine's entry and return probes
 * (emu_core_set_probes) on a real program, tests/exec/probe.c, run bare on
 * the machine of one architecture: an entry probe sees a function's
 * arguments (x86's seventh and eighth on the stack), its return probe the
 * return value, a tail call returns both frames at once, every stamp is
 * the clock at the block's start, and probes change no cycle, instruction
 * or attribution. Usage: test_emu_probes ARCH GUEST_DIR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emu/timing.h"
#include "machine/elf.h"
#include "machine/machine.h"
#include "util/hostfile.h"

static const char *arch_name, *guest_dir;

enum { ID_F = 1, ID_TAIL = 2 };

#define MAX_HITS 64

/* What one run saw. */
struct seen {
    struct emu_probe_hit hit[MAX_HITS];
    size_t n;
    uint64_t f_addr, cb_cycle; /* the clock when block_cb last saw probe_f's first block */
    bool cb_checked;
};

static struct seen seen;

/* core->block_cb for the stamp check: notes the clock at probe_f. */
static bool note_block(struct emu_core *c, uint64_t addr, uint32_t size, void *arg)
{
    (void)size, (void)arg;
    if (addr == seen.f_addr)
        seen.cb_cycle = c->cycles;
    return false;
}

/* The probe callback: records the hit, and checks its stamp against
 * note_block's when that runs too. */
static void on_probe(struct emu_core *c, const struct emu_probe_hit *h, void *arg)
{
    (void)arg;
    assert_true(seen.n < MAX_HITS);
    seen.hit[seen.n++] = *h;
    if (c->block_cb && h->id == ID_F && h->kind == EMU_PROBE_ENTRY) {
        assert_int_equal(h->cycle, seen.cb_cycle);
        assert_int_equal(h->cycle, c->cycles);
        seen.cb_checked = true;
    }
}

/* The outcome of one run: clock, counts, charges and attribution. */
struct result {
    uint64_t cycles, instructions, charged[EMU_CHARGE_COUNT];
    uint64_t *attr;
    size_t nattr;
};

/* Returns the address of symbol `name` in image img[n] (fails the test
 * when it is missing). */
static uint64_t symbol(const uint8_t *img, size_t n, const char *name)
{
    struct elf_sym *syms;
    size_t ns = elf_symbols(img, n, &syms);
    uint64_t a = 0;
    for (size_t i = 0; i < ns; i++)
        if (!strcmp(syms[i].name, name))
            a = syms[i].addr;
    free(syms);
    assert_true(a != 0);
    return a;
}

/* Runs exec-probe.elf with the architecture's default profile; with probes
 * when `probes`, with note_block as the block callback when `cb`. */
static void run(bool probes, bool cb, struct result *r)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/exec-probe.elf", guest_dir, arch_name);
    size_t n;
    char rwhy[300];
    uint8_t *img = hf_read_input(path, 1u << 24, &n, rwhy, sizeof rwhy);
    assert_non_null(img);
    const struct emu_arch *a = emu_arch_by_name(arch_name);
    assert_non_null(a);
    static struct tm_profile prof;
    char why[300];
    if (tm_profile_load(&prof, a->default_cpu, why, sizeof why) != 0)
        fail_msg("%s", why);
    struct trc_log log;
    trc_log_init(&log);
    struct machine m;
    struct machine_config cfg = {
        .arch = a->id, .bare = true, .max_cycles = 10000000, .profile = &prof};
    assert_int_equal(machine_init(&m, &cfg, &log), 0);
    assert_int_equal(machine_boot_elf(&m, img, n), 0);
    memset(&seen, 0, sizeof seen);
    seen.f_addr = symbol(img, n, "probe_f");
    struct emu_probe tab[2] = {
        {.addr = seen.f_addr, .id = ID_F, .nargs = 8, .on_return = true},
        {.addr = symbol(img, n, "probe_tail"), .id = ID_TAIL, .nargs = 1, .on_return = true},
    };
    if (tab[0].addr > tab[1].addr) {
        struct emu_probe t = tab[0];
        tab[0] = tab[1];
        tab[1] = t;
    }
    if (probes)
        assert_int_equal(emu_core_set_probes(&m.core, tab, 2, on_probe, NULL), 0);
    if (cb)
        m.core.block_cb = note_block;
    assert_int_equal(machine_run(&m), MACHINE_OK);
    r->cycles = m.core.cycles;
    r->instructions = m.core.instructions;
    memcpy(r->charged, m.core.charged, sizeof r->charged);
    r->nattr = MACHINE_SLOTS(&m);
    r->attr = malloc(r->nattr * sizeof *r->attr);
    memcpy(r->attr, m.attr, r->nattr * sizeof *r->attr);
    assert_int_equal(m.core.probes.dropped, 0);
    machine_destroy(&m);
    trc_log_free(&log);
    tm_profile_free(&prof);
    free(img);
}

/* Asserts hit i is (id, kind) with entry arguments a[0..7] (NULL: not
 * checked) and, for a return, value ret. */
static void expect(size_t i, uint32_t id, int kind, const long *a, long ret)
{
    assert_true(i < seen.n);
    const struct emu_probe_hit *h = &seen.hit[i];
    assert_int_equal(h->id, id);
    assert_int_equal(h->kind, kind);
    for (unsigned k = 0; a && k < 8; k++)
        assert_int_equal((long)h->args[k], a[k]);
    if (kind == EMU_PROBE_RETURN)
        assert_int_equal((long)h->ret, ret);
}

static void probes_see_arguments_and_return_values(void **state)
{
    (void)state;
    struct result r;
    run(true, false, &r);
    free(r.attr);
    const long first[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const long tail[8] = {100, 1, 2, 3, 4, 5, 6, 7};
    assert_int_equal(seen.n, 12);
    expect(0, ID_F, EMU_PROBE_ENTRY, first, 0);
    expect(1, ID_F, EMU_PROBE_RETURN, first, 292);
    expect(2, ID_TAIL, EMU_PROBE_ENTRY, NULL, 0);
    assert_int_equal(seen.hit[2].args[0], 100);
    expect(3, ID_F, EMU_PROBE_ENTRY, tail, 0);
    /* a tail call (aarch64, riscv64) or a call (x86: two arguments on the
     * stack) returns probe_f first, then probe_tail */
    expect(4, ID_F, EMU_PROBE_RETURN, tail, 343);
    expect(5, ID_TAIL, EMU_PROBE_RETURN, NULL, 343);
    for (long i = 0; i < 3; i++) {
        const long loop[8] = {i, i, i, i, i, i, i, 10 * i};
        expect(6 + 2 * (size_t)i, ID_F, EMU_PROBE_ENTRY, loop, 0);
        expect(7 + 2 * (size_t)i, ID_F, EMU_PROBE_RETURN, loop, 121 * i);
    }
    /* stamps follow the clock; a return is stamped after its entry */
    for (size_t i = 1; i < seen.n; i++)
        assert_true(seen.hit[i].cycle >= seen.hit[i - 1].cycle);
    assert_true(seen.hit[1].cycle > seen.hit[0].cycle);
}

static void stamps_are_the_clock_at_the_first_block(void **state)
{
    (void)state;
    struct result r;
    run(true, true, &r);
    free(r.attr);
    assert_true(seen.cb_checked);
    assert_int_equal(seen.n, 12);
}

static void probes_change_no_cycle(void **state)
{
    (void)state;
    struct result off, on, cb;
    run(false, false, &off);
    run(true, false, &on);
    run(true, true, &cb);
    const struct result *rs[2] = {&on, &cb};
    for (unsigned k = 0; k < 2; k++) {
        assert_int_equal(rs[k]->cycles, off.cycles);
        assert_int_equal(rs[k]->instructions, off.instructions);
        assert_memory_equal(rs[k]->charged, off.charged, sizeof off.charged);
        assert_int_equal(rs[k]->nattr, off.nattr);
        assert_memory_equal(rs[k]->attr, off.attr, off.nattr * sizeof *off.attr);
    }
    free(off.attr);
    free(on.attr);
    free(cb.attr);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s ARCH GUEST_DIR\n", argv[0]);
        return 2;
    }
    arch_name = argv[1];
    guest_dir = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probes_see_arguments_and_return_values),
        cmocka_unit_test(stamps_are_the_clock_at_the_first_block),
        cmocka_unit_test(probes_change_no_cycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
