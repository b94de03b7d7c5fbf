/* tests/tracer/test_kphases.c: the phase table (abi/kphases.h) against one
 * architecture's kernel:
 *   - every function the table lists there is a sized function symbol of
 *     build/guest/<arch>/kernel.elf, with the linkage its row gives (EXTERN
 *     global, STATIC local): a renamed or removed one fails here by name;
 *   - every byte of the kernel's code (its executable sections outside the
 *     user pages) is inside a sized function symbol, but for alignment
 *     padding: code without one (an asm routine missing .type/.size) would
 *     have its cycles attributed to "user";
 *   - every kernel function with 1% or more of a one-way IPC path's
 *     kernel cycles in ping-pong, notify-pull, zero-copy-vs-copy (a region
 *     moved with a message) and pipeline is in the table (else its cycles
 *     would land in "logic" unnoticed);
 *   - in those runs every block of kernel code that ran was charged to a
 *     kernel function, and no one-way path (a trap to the next user
 *     instruction) spends a cycle in "user";
 *   - the report's phases are those cycles grouped by the table, and add
 *     up to each path's cycles_mean.
 *   test_tracer_kphases ARCH GUEST_DIR SCENARIO_DIR */
#include <elf.h>
#include <math.h>
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

/* A named symbol of an ELF64 image: name, binding, type and the bytes
 * [addr, addr + size) it holds. */
struct ksym {
    const char *name;
    unsigned char bind, type;
    uint64_t addr, size;
};

/* Returns whether s is a sized function symbol (what the emulator
 * attributes cycles to). */
static bool is_func(const struct ksym *s)
{
    return s->type == STT_FUNC && s->size > 0;
}

/* Reads the ELF header of the (trusted, but bounds-checked) image img[n]
 * into *eh. */
static void elf_header(const uint8_t *img, size_t n, Elf64_Ehdr *eh)
{
    assert_true(n >= sizeof *eh);
    memcpy(eh, img, sizeof *eh);
    assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
    assert_true(eh->e_shoff < n && eh->e_shnum <= (n - eh->e_shoff) / sizeof(Elf64_Shdr));
}

/* Reads section header `i` of img (its ELF header eh). */
static Elf64_Shdr elf_section(const uint8_t *img, const Elf64_Ehdr *eh, unsigned i)
{
    Elf64_Shdr sh;
    assert_true(i < eh->e_shnum);
    memcpy(&sh, img + eh->e_shoff + (size_t)i * sizeof sh, sizeof sh);
    return sh;
}

/* qsort order of symbols: by address. */
static int ksym_cmp(const void *a, const void *b)
{
    const struct ksym *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Reads the named, defined symbols of the (trusted, but bounds-checked)
 * image img[n] into a malloc'd array sorted by address; returns how many. */
static size_t elf_syms(const uint8_t *img, size_t n, struct ksym **out)
{
    *out = NULL;
    Elf64_Ehdr eh;
    elf_header(img, n, &eh);
    size_t k = 0;
    for (unsigned s = 0; s < eh.e_shnum; s++) {
        Elf64_Shdr sh = elf_section(img, &eh, s);
        if (sh.sh_type != SHT_SYMTAB)
            continue;
        Elf64_Shdr strh = elf_section(img, &eh, sh.sh_link);
        assert_true(sh.sh_offset <= n && sh.sh_size <= n - sh.sh_offset);
        assert_true(strh.sh_offset <= n && strh.sh_size <= n - strh.sh_offset);
        size_t nsym = sh.sh_size / sizeof(Elf64_Sym);
        *out = calloc(nsym ? nsym : 1, sizeof **out);
        assert_non_null(*out);
        for (size_t i = 0; i < nsym; i++) {
            Elf64_Sym sym;
            memcpy(&sym, img + sh.sh_offset + i * sizeof sym, sizeof sym);
            if (sym.st_name == 0 || sym.st_shndx == SHN_UNDEF || sym.st_name >= strh.sh_size ||
                !memchr(img + strh.sh_offset + sym.st_name, 0, strh.sh_size - sym.st_name))
                continue;
            (*out)[k++] = (struct ksym){(const char *)img + strh.sh_offset + sym.st_name,
                                        ELF64_ST_BIND(sym.st_info), ELF64_ST_TYPE(sym.st_info),
                                        sym.st_value, sym.st_size};
        }
        break;
    }
    if (k)
        qsort(*out, k, sizeof **out, ksym_cmp);
    return k;
}

/* Returns the address of symbol `name` in syms[n], failing without it. */
static uint64_t sym_addr(const struct ksym *syms, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(syms[i].name, name))
            return syms[i].addr;
    fail_msg("%s: kernel.elf has no symbol %s", arch, name);
    return 0;
}

/* Reads build/guest/<arch>/kernel.elf (malloc'd, size *n) into *img and
 * its symbols into *syms; returns how many symbols. */
static size_t kernel_elf(uint8_t **img, size_t *n, struct ksym **syms)
{
    char path[4096], err[300];
    snprintf(path, sizeof path, "%s/%s/kernel.elf", guest_dir, arch);
    *img = hf_read_input(path, 64u << 20, n, err, sizeof err);
    if (!*img)
        fail_msg("%s", err);
    return elf_syms(*img, *n, syms);
}

static void every_listed_function_is_in_the_kernel(void **state)
{
    (void)state;
    uint8_t *img;
    size_t n;
    struct ksym *syms;
    size_t nsyms = kernel_elf(&img, &n, &syms), nfuncs = 0;
    unsigned bit = arch_bit(), checked = 0, bad = 0;
    for (size_t i = 0; i < nsyms; i++)
        nfuncs += is_func(&syms[i]);
    assert_true(nfuncs > 50);
    for (size_t r = 0; r < NROWS; r++) {
        if (!(rows[r].arches & bit))
            continue;
        checked++;
        bool global = false, local = false;
        for (size_t i = 0; i < nsyms; i++)
            if (is_func(&syms[i]) && !strcmp(syms[i].name, rows[r].name)) {
                global |= syms[i].bind == STB_GLOBAL;
                local |= syms[i].bind == STB_LOCAL;
            }
        if (!global && !local) {
            print_error("%s: abi/kphases.h lists %s (%s) but %s/%s/kernel.elf has no sized "
                        "function of that name: renamed or removed? update its row\n",
                        arch, rows[r].name, trc_kphase_name((int)rows[r].phase), guest_dir, arch);
            bad++;
        } else if (rows[r].global ? !global : !local) {
            print_error("%s: abi/kphases.h marks %s %s, but in kernel.elf it is %s: change its "
                        "row to %s\n",
                        arch, rows[r].name, rows[r].global ? "EXTERN" : "STATIC",
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

/* The longest run of bytes between two functions that can be alignment
 * padding (no kernel function is aligned to more than 16 bytes). */
#define KPAD_MAX 16u

/* Returns whether the gap [lo, hi) between two functions is alignment
 * padding: shorter than KPAD_MAX and ending at a multiple of the smallest
 * power of two above its length (where an aligned function starts). */
static bool is_padding(uint64_t lo, uint64_t hi)
{
    uint64_t len = hi - lo, align = 1;
    while (align <= len)
        align <<= 1;
    return len < KPAD_MAX && hi % align == 0;
}

/* Returns how many gaps of [lo, hi) that no sized function of syms[n]
 * covers are more than alignment padding, printing each with the symbol
 * (a label without .type/.size) it starts at. */
static unsigned uncovered(const struct ksym *syms, size_t n, uint64_t lo, uint64_t hi)
{
    unsigned bad = 0;
    uint64_t pos = lo;
    for (size_t i = 0; i <= n && pos < hi; i++) {
        uint64_t next = i < n ? syms[i].addr : hi;
        if (i < n && (!is_func(&syms[i]) || syms[i].addr + syms[i].size <= pos))
            continue;
        if (next > hi)
            next = hi;
        if (next > pos && !is_padding(pos, next)) {
            const char *at = "no symbol";
            for (size_t j = 0; j < n; j++) /* a label, rather than a linker mark (__...) */
                if (syms[j].addr == pos && syms[j].name[0] != '$' && syms[j].name[0] != '.' &&
                    (!strcmp(at, "no symbol") || !strncmp(at, "__", 2)))
                    at = syms[j].name;
            print_error("%s: kernel code [0x%llx, 0x%llx) (%llu bytes, at %s) is in no sized "
                        "function: its cycles would count as \"user\"; give it .type and "
                        ".size\n",
                        arch, (unsigned long long)pos, (unsigned long long)next,
                        (unsigned long long)(next - pos), at);
            bad++;
        }
        if (i < n && syms[i].addr + syms[i].size > pos)
            pos = syms[i].addr + syms[i].size;
    }
    return bad;
}

/* Every byte of the kernel's executable sections, outside the user pages
 * [__user_start, __user_end), is in a sized function symbol or is
 * alignment padding. */
static void kernel_code_is_all_in_functions(void **state)
{
    (void)state;
    uint8_t *img;
    size_t n;
    struct ksym *syms;
    size_t nsyms = kernel_elf(&img, &n, &syms);
    uint64_t ulo = sym_addr(syms, nsyms, "__user_start"), uhi = sym_addr(syms, nsyms, "__user_end");
    assert_true(ulo < uhi);
    Elf64_Ehdr eh;
    elf_header(img, n, &eh);
    unsigned bad = 0, sections = 0;
    for (unsigned s = 0; s < eh.e_shnum; s++) {
        Elf64_Shdr sh = elf_section(img, &eh, s);
        if (sh.sh_type != SHT_PROGBITS ||
            (sh.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) != (SHF_ALLOC | SHF_EXECINSTR))
            continue;
        sections++;
        uint64_t lo = sh.sh_addr, hi = sh.sh_addr + sh.sh_size;
        if (lo < ulo) /* the part below the user pages */
            bad += uncovered(syms, nsyms, lo, hi < ulo ? hi : ulo);
        if (hi > uhi) /* the part above them */
            bad += uncovered(syms, nsyms, lo > uhi ? lo : uhi, hi);
    }
    free(syms);
    free(img);
    assert_true(sections > 0);
    if (bad)
        fail_msg("%u stretches of %s's kernel code are in no sized function", bad, arch);
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

/* The scenarios whose IPC paths the run tests look at. */
static const char *const path_scns[] = {"ping-pong", "notify-pull", "zero-copy-vs-copy",
                                        "pipeline"};
#define NPATH_SCNS (sizeof path_scns / sizeof path_scns[0])

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
    assert_int_equal(k->log.nattr, MACHINE_SLOTS(&k->m));
}

/* Returns what the report needs of run k: its attribution slots. */
static struct trc_run_info krun_info(const struct krun *k)
{
    return (struct trc_run_info){.arch = arch,
                                 .cpu = k->prof.name,
                                 .outcome = "ok",
                                 .why = "",
                                 .attr_names = (const char *const *)k->m.attr_names,
                                 .attr = k->m.attr,
                                 .nattr = MACHINE_SLOTS(&k->m),
                                 .nkernel = k->m.nfuncs};
}

static void krun_end(struct krun *k)
{
    machine_destroy(&k->m);
    trc_log_free(&k->log);
    tm_profile_free(&k->prof);
    scn_free(&k->scn);
}

/* Returns whether path p's spans are one kernel stretch: from a trap to
 * the first user instruction after it (tracer/paths.c). The others (round
 * trips, a send that waited for room) run until the process itself runs
 * again, other processes' user code included. */
static bool path_stays_in_kernel(unsigned p)
{
    return p != TRC_PATH_ROUNDTRIP_FAST && p != TRC_PATH_ROUNDTRIP_SLOW &&
           p != TRC_PATH_SEND_BLOCKED;
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
    unsigned bad = 0;
    for (size_t s = 0; s < NPATH_SCNS; s++) {
        struct krun k;
        krun_start(&k, path_scns[s]);
        uint64_t kernel = 0;
        for (unsigned p = 0; p < TRC_PATH_COUNT; p++)
            if (path_stays_in_kernel(p)) /* a resume span holds what others did */
                bad += unassigned_hot(&k, path_scns[s], p, &kernel);
        if (kernel == 0)
            fail_msg("%s %s: no IPC path spent kernel cycles", arch, path_scns[s]);
        krun_end(&k);
    }
    if (bad)
        fail_msg("%u hot kernel functions are in no phase", bad);
}

/* Returns whether addr is kernel code of image img[n]: in an executable
 * section, outside the user pages [ulo, uhi). */
static bool kernel_code_at(const uint8_t *img, size_t n, uint64_t addr, uint64_t ulo, uint64_t uhi)
{
    if (addr >= ulo && addr < uhi)
        return false;
    Elf64_Ehdr eh;
    elf_header(img, n, &eh);
    for (unsigned s = 0; s < eh.e_shnum; s++) {
        Elf64_Shdr sh = elf_section(img, &eh, s);
        if ((sh.sh_flags & SHF_EXECINSTR) && addr >= sh.sh_addr && addr - sh.sh_addr < sh.sh_size)
            return true;
    }
    return false;
}

/* No kernel cycle is attributed to user code: every block of kernel code
 * that ran is attributed to a kernel function, and the paths whose spans
 * are one kernel stretch (trap to the next user instruction) spend no
 * cycle in user code (idle they may: nothing else was ready). */
static void kernel_cycles_never_count_as_user(void **state)
{
    (void)state;
    unsigned bad = 0, seen = 0;
    for (size_t s = 0; s < NPATH_SCNS; s++) {
        struct krun k;
        krun_start(&k, path_scns[s]);
        size_t n;
        const uint8_t *img = machine_image(k.m.core.arch->id, MACHINE_IMAGE_KERNEL, &n);
        const struct emu_block_cache *bc = &k.m.core.blocks;
        size_t kblocks = 0;
        for (size_t i = 0; i < bc->used; i++) {
            const struct emu_block *b = &bc->blocks[i];
            if (!b->execs || !kernel_code_at(img, n, b->addr, k.m.core.user_lo, k.m.core.user_hi))
                continue;
            kblocks++;
            if (b->func < 0) {
                print_error("%s %s: the kernel block at 0x%llx ran %llu times in no kernel "
                            "function: its cycles counted as user\n",
                            arch, path_scns[s], (unsigned long long)b->addr,
                            (unsigned long long)b->execs);
                bad++;
            }
        }
        assert_true(kblocks > 100);
        for (unsigned p = 0; p < TRC_PATH_COUNT; p++) {
            const uint64_t *v = k.log.path_attr[p];
            if (!v || k.log.paths[p].n == 0 || !path_stays_in_kernel(p))
                continue;
            seen++;
            uint64_t user = v[MACHINE_SLOT_USER(&k.m)];
            if (user) {
                print_error("%s %s %s: %llu cycles in user code over %zu spans that never "
                            "leave the kernel\n",
                            arch, path_scns[s], trc_path_name(p), (unsigned long long)user,
                            k.log.paths[p].n);
                bad++;
            }
        }
        krun_end(&k);
    }
    assert_true(seen >= NPATH_SCNS);
    if (bad)
        fail_msg("%u times kernel cycles counted as user code", bad);
}

/* ping-pong's report: each path's phases are its kernel functions' cycles
 * grouped by the table (unlisted ones in logic), user code in user. */
static void the_report_groups_cycles_by_the_table(void **state)
{
    (void)state;
    struct krun k;
    krun_start(&k, "ping-pong");
    size_t nattr = MACHINE_SLOTS(&k.m);
    struct trc_run_info run = krun_info(&k);
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
            int ph = i < k.m.nfuncs                        ? trc_kphase_of(arch, k.m.attr_names[i])
                     : i == MACHINE_SLOT_USER(&k.m)        ? KPHASE_USER
                     : i == MACHINE_SLOT_IDLE(&k.m)        ? KPHASE_IDLE
                     : i == MACHINE_SLOT_TRAP_ENTRY(&k.m)  ? KPHASE_TRAP
                     : i == MACHINE_SLOT_TRAP_RETURN(&k.m) ? KPHASE_RETURN
                                                           : -1;
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

/* In each path scenario's report every path's phases add up to its
 * cycles_mean (the spans' cycles, split among the slots they went to):
 * the trap entry and return, the address-space switch and idle included.
 * A fast call and a fast reply switch address spaces and return to user
 * code; a one-way path spends nothing in user code; a round trip holds
 * the other side's user code. */
static void phases_add_up_to_the_mean_span(void **state)
{
    (void)state;
    for (size_t s = 0; s < NPATH_SCNS; s++) {
        struct krun k;
        krun_start(&k, path_scns[s]);
        struct trc_run_info run = krun_info(&k);
        char *text = trc_report_json(&run, &k.log);
        assert_non_null(text);
        cJSON *r = cJSON_Parse(text);
        free(text);
        const cJSON *path;
        unsigned n = 0;
        cJSON_ArrayForEach(path, cJSON_GetObjectItem(r, "paths"))
        {
            const cJSON *ph = cJSON_GetObjectItem(path, "phases"), *it;
            double mean = cJSON_GetObjectItem(path, "cycles_mean")->valuedouble, sum = 0;
            cJSON_ArrayForEach(it, ph) sum += it->valuedouble;
            if (fabs(sum - mean) > 1e-9 * mean)
                fail_msg("%s %s %s: phases add up to %.6f, cycles_mean %.6f", arch, path_scns[s],
                         path->string, sum, mean);
            double user = cJSON_GetObjectItem(ph, "user")->valuedouble;
            bool fast =
                !strcmp(path->string, "ipc.call.fast") || !strcmp(path->string, "ipc.reply.fast");
            if (fast && !(cJSON_GetObjectItem(ph, "switch")->valuedouble > 0 &&
                          cJSON_GetObjectItem(ph, "return")->valuedouble > 0 &&
                          cJSON_GetObjectItem(ph, "trap")->valuedouble > 0))
                fail_msg("%s %s %s: no trap, switch or return phase", arch, path_scns[s],
                         path->string);
            bool resume = !strncmp(path->string, "ipc.roundtrip.", 14) ||
                          !strcmp(path->string, "ipc.send.blocked");
            if (resume ? strncmp(path->string, "ipc.roundtrip.", 14) == 0 && !(user > 0)
                       : user != 0)
                fail_msg("%s %s %s: %.1f cycles of user code per span", arch, path_scns[s],
                         path->string, user);
            n++;
        }
        assert_true(n >= 2);
        cJSON_Delete(r);
        krun_end(&k);
    }
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
        cmocka_unit_test(kernel_code_is_all_in_functions),
        cmocka_unit_test(hot_kernel_functions_have_a_phase),
        cmocka_unit_test(kernel_cycles_never_count_as_user),
        cmocka_unit_test(the_report_groups_cycles_by_the_table),
        cmocka_unit_test(phases_add_up_to_the_mean_span),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
