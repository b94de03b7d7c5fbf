/* tests/tracer/test_kphases.c: the phase table (abi/kphases.h) against one
 * architecture's kernel:
 *   - every function the table lists there is a sized function symbol of
 *     build/guest/<arch>/kernel.elf, with the linkage its row gives (EXTERN
 *     global, STATIC local): a renamed or removed one fails here by name;
 *   - every kernel function with 1% or more of an IPC path's kernel cycles
 *     in ping-pong, notify-pull, zero-copy-vs-copy (a region moved with a
 *     message) and pipeline is in the table (else its cycles would land in
 *     "logic" unnoticed);
 *   - the report's phases are those cycles grouped by the table.
 *   test_tracer_kphases ARCH GUEST_DIR SCENARIO_DIR */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "abi/bootinfo.h"
#include "abi/kphases.h"
#include "emu/timing.h"
#include "machine/machine.h"
#include "machine/scenario.h"
#include "tracer/report.h"
#include "util/hostfile.h"

static const char *arch, *guest_dir, *scenario_dir;

/* The table's rows, as the tests read them. */
struct row {
    enum kphase phase;
    unsigned arches;
    bool global;
    const char *name;
};
static const struct row rows[] = {
#define ROW_EXTERN true
#define ROW_STATIC false
#define ROW(ph, a, link, name) {KPHASE_##ph, KPHASE_ARCH_##a, ROW_##link, #name},
    KPHASE_FUNCS(ROW)
#undef ROW
};
#define NROWS (sizeof rows / sizeof rows[0])

/* Returns the KPHASE_ARCH_* bit of the architecture under test. */
static unsigned arch_bit(void)
{
    if (!strcmp(arch, "x86_64"))
        return KPHASE_ARCH_X86_64;
    if (!strcmp(arch, "aarch64"))
        return KPHASE_ARCH_AARCH64;
    assert_string_equal(arch, "riscv64");
    return KPHASE_ARCH_RISCV64;
}

/* The sized function symbols of an ELF64 image: name and binding. */
struct ksym {
    const char *name;
    unsigned char bind;
};

/* Reads the sized STT_FUNC symbols of the (trusted, but bounds-checked)
 * image img[n] into a malloc'd array; returns how many. */
static size_t func_symbols(const uint8_t *img, size_t n, struct ksym **out)
{
    *out = NULL;
    Elf64_Ehdr eh;
    assert_true(n >= sizeof eh);
    memcpy(&eh, img, sizeof eh);
    assert_memory_equal(eh.e_ident, ELFMAG, SELFMAG);
    assert_true(eh.e_shoff < n && eh.e_shnum <= (n - eh.e_shoff) / sizeof(Elf64_Shdr));
    size_t k = 0;
    for (unsigned s = 0; s < eh.e_shnum; s++) {
        Elf64_Shdr sh, strh;
        memcpy(&sh, img + eh.e_shoff + s * sizeof sh, sizeof sh);
        if (sh.sh_type != SHT_SYMTAB)
            continue;
        assert_true(sh.sh_link < eh.e_shnum);
        memcpy(&strh, img + eh.e_shoff + sh.sh_link * sizeof strh, sizeof strh);
        assert_true(sh.sh_offset <= n && sh.sh_size <= n - sh.sh_offset);
        assert_true(strh.sh_offset <= n && strh.sh_size <= n - strh.sh_offset);
        size_t nsym = sh.sh_size / sizeof(Elf64_Sym);
        *out = calloc(nsym ? nsym : 1, sizeof **out);
        assert_non_null(*out);
        for (size_t i = 0; i < nsym; i++) {
            Elf64_Sym sym;
            memcpy(&sym, img + sh.sh_offset + i * sizeof sym, sizeof sym);
            if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_size == 0 ||
                sym.st_name >= strh.sh_size ||
                !memchr(img + strh.sh_offset + sym.st_name, 0, strh.sh_size - sym.st_name))
                continue;
            (*out)[k++] = (struct ksym){(const char *)img + strh.sh_offset + sym.st_name,
                                        ELF64_ST_BIND(sym.st_info)};
        }
        break;
    }
    return k;
}

static void every_listed_function_is_in_the_kernel(void **state)
{
    (void)state;
    char path[4096], err[300];
    snprintf(path, sizeof path, "%s/%s/kernel.elf", guest_dir, arch);
    size_t n;
    uint8_t *img = hf_read_input(path, 64u << 20, &n, err, sizeof err);
    if (!img)
        fail_msg("%s", err);
    struct ksym *syms;
    size_t nsyms = func_symbols(img, n, &syms);
    assert_true(nsyms > 50);
    unsigned bit = arch_bit(), checked = 0, bad = 0;
    for (size_t r = 0; r < NROWS; r++) {
        if (!(rows[r].arches & bit))
            continue;
        checked++;
        bool global = false, local = false;
        for (size_t i = 0; i < nsyms; i++)
            if (!strcmp(syms[i].name, rows[r].name)) {
                global |= syms[i].bind == STB_GLOBAL;
                local |= syms[i].bind == STB_LOCAL;
            }
        if (!global && !local) {
            print_error("%s: abi/kphases.h lists %s (%s) but %s has no function of that name: "
                        "renamed or removed? update its row\n",
                        arch, rows[r].name, trc_kphase_name((int)rows[r].phase), path);
            bad++;
        } else if (rows[r].global ? !global : !local) {
            print_error("%s: abi/kphases.h marks %s %s, but in %s it is %s: change its row to %s\n",
                        arch, rows[r].name, rows[r].global ? "EXTERN" : "STATIC", path,
                        global ? "global" : "file-local", global ? "EXTERN" : "STATIC");
            bad++;
        }
    }
    free(syms);
    free(img);
    assert_true(checked > 50);
    if (bad)
        fail_msg("%u of %u rows of abi/kphases.h do not match %s's kernel", bad, checked, arch);
}

/* No function is listed twice for one architecture, and none is in USER
 * (every cycle outside the kernel). */
static void the_table_is_well_formed(void **state)
{
    (void)state;
    for (size_t r = 0; r < NROWS; r++) {
        assert_true(rows[r].phase < KPHASE_USER);
        assert_true(rows[r].arches != 0);
        for (size_t q = r + 1; q < NROWS; q++)
            if ((rows[r].arches & rows[q].arches) && !strcmp(rows[r].name, rows[q].name))
                fail_msg("abi/kphases.h lists %s twice", rows[r].name);
        /* the report finds each row where it applies */
        if (rows[r].arches & arch_bit())
            assert_int_equal(trc_kphase_of(arch, rows[r].name), rows[r].phase);
    }
}

/* One scenario's run with attribution, on the arch's default CPU. */
struct krun {
    struct scn scn;
    struct tm_profile prof;
    struct trc_log log;
    struct machine m;
};

/* Runs scenarios/<name>.json; returns with the run ended ok. */
static void krun_start(struct krun *k, const char *name)
{
    char path[4096], err[600];
    snprintf(path, sizeof path, "%s/%s.json", scenario_dir, name);
    if (scn_load_file(path, &k->scn, err, sizeof err) != 0)
        fail_msg("%s", err);
    const struct emu_arch *a = emu_arch_by_name(arch);
    assert_non_null(a);
    if (tm_profile_load(&k->prof, a->default_cpu, err, sizeof err) != 0)
        fail_msg("%s", err);
    struct machine_config cfg = {
        .arch = a->id,
        .demo = BOOT_DEMO_SCENARIO,
        .seed = k->scn.seed,
        .quantum = k->scn.quantum,
        .cap_cache_lines = k->scn.cap_cache,
        .exact_caches = k->scn.exact_caches,
        .scenario = k->scn.blob,
        .scenario_size = k->scn.blob_size,
        .max_cycles = k->scn.max_cycles ? k->scn.max_cycles : 2000000000ULL,
        .profile = &k->prof,
    };
    size_t n;
    const uint8_t *img = machine_image(cfg.arch, MACHINE_IMAGE_KERNEL, &n);
    assert_non_null(img);
    trc_log_init(&k->log);
    if (machine_init(&k->m, &cfg, &k->log) != 0 || machine_boot_elf(&k->m, img, n) != 0)
        fail_msg("%s %s: %s", arch, name, k->m.why);
    enum machine_outcome o = machine_run(&k->m);
    if (o != MACHINE_OK)
        fail_msg("%s %s: %s: %s", arch, name, machine_outcome_name(o), k->m.why);
    assert_non_null(k->m.attr);
    assert_int_equal(k->log.nattr, k->m.nfuncs + 2);
}

static void krun_end(struct krun *k)
{
    machine_destroy(&k->m);
    trc_log_free(&k->log);
    tm_profile_free(&k->prof);
    scn_free(&k->scn);
}

/* Returns how many kernel functions hold 1% or more of path p's kernel
 * cycles without a phase, printing each; adds the path's kernel cycles to
 * *kernel. */
static unsigned unassigned_hot(const struct krun *k, const char *scn, unsigned p, uint64_t *kernel)
{
    const uint64_t *v = k->log.path_attr[p];
    if (!v)
        return 0;
    uint64_t total = 0;
    for (size_t i = 0; i < k->m.nfuncs; i++)
        total += v[i];
    *kernel += total;
    unsigned bad = 0;
    for (size_t i = 0; i < k->m.nfuncs; i++)
        if (v[i] && v[i] * 100 >= total && trc_kphase_of(arch, k->m.attr_names[i]) < 0) {
            print_error("%s %s %s: kernel function %s spent %llu cycles (%.1f%% of the path's "
                        "kernel cycles) and is in no phase: add it to abi/kphases.h\n",
                        arch, scn, trc_path_name(p), k->m.attr_names[i], (unsigned long long)v[i],
                        100.0 * (double)v[i] / (double)total);
            bad++;
        }
    return bad;
}

static void hot_kernel_functions_have_a_phase(void **state)
{
    (void)state;
    static const char *const scns[] = {"ping-pong", "notify-pull", "zero-copy-vs-copy", "pipeline"};
    unsigned bad = 0;
    for (size_t s = 0; s < sizeof scns / sizeof scns[0]; s++) {
        struct krun k;
        krun_start(&k, scns[s]);
        uint64_t kernel = 0;
        for (unsigned p = 0; p < TRC_PATH_COUNT; p++)
            bad += unassigned_hot(&k, scns[s], p, &kernel);
        if (kernel == 0)
            fail_msg("%s %s: no IPC path spent kernel cycles", arch, scns[s]);
        krun_end(&k);
    }
    if (bad)
        fail_msg("%u hot kernel functions are in no phase", bad);
}

/* ping-pong's report: each path's phases are its kernel functions' cycles
 * grouped by the table (unlisted ones in logic), user code in user. */
static void the_report_groups_cycles_by_the_table(void **state)
{
    (void)state;
    struct krun k;
    krun_start(&k, "ping-pong");
    size_t nattr = k.m.nfuncs + 2;
    struct trc_run_info run = {.arch = arch,
                               .cpu = k.prof.name,
                               .outcome = "ok",
                               .why = "",
                               .attr_names = (const char *const *)k.m.attr_names,
                               .attr = k.m.attr,
                               .nattr = nattr,
                               .nkernel = k.m.nfuncs};
    char *text = trc_report_json(&run, &k.log);
    assert_non_null(text);
    cJSON *r = cJSON_Parse(text);
    free(text);
    cJSON *paths = cJSON_GetObjectItem(r, "paths");
    unsigned seen = 0;
    for (unsigned p = 0; p < TRC_PATH_COUNT; p++) {
        struct trc_path_stats st;
        if (!trc_path_stats(&k.log, p, &st) || !k.log.path_attr[p])
            continue;
        double want[KPHASE_COUNT] = {0};
        for (size_t i = 0; i < nattr; i++) {
            int ph = i < k.m.nfuncs ? trc_kphase_of(arch, k.m.attr_names[i]) : KPHASE_USER;
            want[ph < 0 ? KPHASE_LOGIC : ph] += (double)k.log.path_attr[p][i] / (double)st.count;
        }
        cJSON *ph = cJSON_GetObjectItem(cJSON_GetObjectItem(paths, trc_path_name(p)), "phases");
        assert_int_equal(cJSON_GetArraySize(ph), KPHASE_COUNT);
        int idx = 0;
        for (cJSON *it = ph ? ph->child : NULL; it; it = it->next, idx++) {
            assert_string_equal(it->string, trc_kphase_name(idx)); /* in the table's order */
            assert_float_equal(it->valuedouble, want[idx], 1e-6);
        }
        seen++;
    }
    assert_true(seen > 0);
    cJSON_Delete(r);
    krun_end(&k);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s ARCH GUEST_DIR SCENARIO_DIR\n", argv[0]);
        return 2;
    }
    arch = argv[1];
    guest_dir = argv[2];
    scenario_dir = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_table_is_well_formed),
        cmocka_unit_test(every_listed_function_is_in_the_kernel),
        cmocka_unit_test(hot_kernel_functions_have_a_phase),
        cmocka_unit_test(the_report_groups_cycles_by_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
