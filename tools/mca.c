/* tools/mca.c: llvm-mca support for the timing model
 * (docs/timing-model.md). Not part of ipcemu itself; built as
 * ipcemu-mca.
 *
 *   ipcemu-mca table --arch A --mcpu M ELF...
 *       Decodes every instruction of the ELF files' code with ipcemu's own
 *       decoders, runs llvm-mca on each distinct form alone, and prints the
 *       instruction table of a CPU profile (profiles/<name>.insns).
 *
 *   ipcemu-mca check --arch A [--cpu P] [--blocks N] [--demo NAME]
 *       Boots the kernel demo with the profile, takes the kernel's N (50)
 *       most executed basic blocks and prints, for each, ipcemu's static
 *       cost against llvm-mca's cycles per iteration for the same
 *       instructions and CPU, then the median and p90 of the error. Exit 0
 *       when the median is within 15% and p90 within 35%, 1 otherwise. */
#include <elf.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capstone/capstone.h>

#include "emu/timing.h"
#include "abi/bootinfo.h"
#include "machine/elf.h"
#include "machine/machine.h"
#include "abi/memmap.h"
#include "tools/setup.h"
#include "tracer/trace.h"

#define MAX_OUT (1u << 20)

struct mca_result {
    bool ok;
    char error[256];
    double cycles_per_iter;
    unsigned uops, latency;
    double rthroughput;
    bool load, store;
    unsigned nports;
    char ports[TM_MAX_PORTS][32];
    double pressure[TM_MAX_PORTS]; /* of the first instruction */
    int bad_line;                  /* 1-based line of the input llvm-mca rejected, 0 if none */
    char unsupported[128];         /* text of an instruction llvm-mca does not support */
    bool has_call;                 /* llvm-mca warned that it does not model calls */
};

static const char *llvm_triple(const struct emu_arch *a)
{
    return a->llvm_triple;
}

/* Runs llvm-mca on `lines` (n instruction texts); fills *r. */
static void run_mca(const struct emu_arch *arch, const char *mcpu, char **lines, size_t n,
                    struct mca_result *r)
{
    memset(r, 0, sizeof *r);
    char path[] = "/tmp/ipcemu-mca-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        snprintf(r->error, sizeof r->error, "cannot create a temporary file: %s", strerror(errno));
        return;
    }
    /* Line 1 is the syntax directive (or a comment), line 2 the label that
     * direct branches target; instruction i is on line i + 3. */
    fprintf(f, "%s\n.Lt:\n", arch->id == EMU_ARCH_X86_64 ? ".intel_syntax noprefix" : "");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", lines[i]);
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "%s -mtriple=%s -mcpu=%s -iterations=100 -instruction-info "
             "-resource-pressure -timeline=false -all-stats=false %s 2>&1",
             IPCEMU_LLVM_MCA, llvm_triple(arch), mcpu, path);
    FILE *p = popen(cmd, "r");
    char *out = malloc(MAX_OUT + 1);
    size_t len = 0;
    if (p && out)
        len = fread(out, 1, MAX_OUT, p);
    int status = p ? pclose(p) : -1;
    unlink(path);
    if (!out) {
        snprintf(r->error, sizeof r->error, "out of memory");
        return;
    }
    out[len] = '\0';
    r->has_call = strstr(out, "call instructions are not correctly modeled") != NULL;
    char *u = strstr(out, "note: instruction:");
    if (u) {
        u += strlen("note: instruction:");
        u += strspn(u, " \t");
        snprintf(r->unsupported, sizeof r->unsupported, "%.*s", (int)strcspn(u, "\n"), u);
    }
    char *e = strstr(out, ": error:");
    if (e) {
        /* path:LINE:COL: error: */
        char *q = e;
        while (q > out && q[-1] != '\n')
            q--;
        unsigned line = 0, col = 0;
        if (sscanf(q + strlen(path), ":%u:%u", &line, &col) == 2 && line >= 3)
            r->bad_line = (int)line - 2;
    }
    unsigned iters = 0;
    unsigned long total = 0;
    char *t = strstr(out, "Iterations:");
    char *c = strstr(out, "Total Cycles:");
    if (status != 0 || !t || !c || sscanf(t, "Iterations: %u", &iters) != 1 ||
        sscanf(c, "Total Cycles: %lu", &total) != 1 || iters == 0) {
        snprintf(r->error, sizeof r->error, "llvm-mca failed: %.200s", e ? e : out);
        free(out);
        return;
    }
    r->cycles_per_iter = (double)total / iters;
    /* Instruction info: the first row after the header. */
    char *h = strstr(out, "[1]    [2]    [3]    [4]    [5]    [6]    Instructions:");
    if (h) {
        char *row = strchr(h, '\n') + 1;
        char *col4 = strstr(h, "[4]"), *col5 = strstr(h, "[5]");
        size_t c4 = (size_t)(col4 - h), c5 = (size_t)(col5 - h);
        sscanf(row, "%u %u %lf", &r->uops, &r->latency, &r->rthroughput);
        size_t rl = strcspn(row, "\n");
        /* the flag sits under the digit of "[4]" / "[5]" */
        r->load = rl > c4 + 1 && row[c4 + 1] == '*';
        r->store = rl > c5 + 1 && row[c5 + 1] == '*';
    }
    char *res = strstr(out, "\nResources:\n");
    if (res) {
        char *line = res + strlen("\nResources:\n");
        while (*line == '[' && r->nports < TM_MAX_PORTS) {
            char *dash = strstr(line, "- ");
            size_t l = strcspn(line, "\n");
            if (dash && (size_t)(dash - line) < l) {
                int nl = (int)(l - (size_t)(dash + 2 - line));
                /* [1.0] and [1.1]: two units of one resource get a suffix */
                char idx[16] = "";
                sscanf(line, "[%15[0-9.]", idx);
                snprintf(r->ports[r->nports], sizeof r->ports[0], "%.*s%s%s", nl > 20 ? 20 : nl,
                         dash + 2, strchr(idx, '.') ? "." : "",
                         strchr(idx, '.') ? strchr(idx, '.') + 1 : "");
                r->nports++;
            }
            line += l + 1;
        }
    }
    char *pb = strstr(out, "Resource pressure by instruction:");
    if (pb) {
        char *row = strchr(pb, '\n');
        row = row ? strchr(row + 1, '\n') : NULL;
        if (row) {
            row++;
            for (unsigned k = 0; k < r->nports; k++) {
                while (*row == ' ')
                    row++;
                if (*row == '-') {
                    r->pressure[k] = 0;
                    row++;
                } else {
                    r->pressure[k] = strtod(row, &row);
                }
            }
        }
    }
    r->ok = true;
    free(out);
}

/* Opens a decoder for `arch` in a core that has no engine. */
static int decoder_core(struct emu_core *c, const struct emu_arch *arch)
{
    memset(c, 0, sizeof *c);
    c->arch = arch;
    return arch->decoder_open ? arch->decoder_open(c) : 0;
}

static void decoder_core_close(struct emu_core *c)
{
    if (c->arch->decoder_close && c->decoder)
        c->arch->decoder_close(c);
}

/* The text llvm-mca reads: direct branch targets become the label .Lt. */
static void mca_text(const struct emu_insn *in, char *out, size_t n)
{
    /* A64 pc-relative operands (adr, adrp, literal loads) are addresses
     * too: llvm-mc wants a label there. */
    static const char *const pcrel[] = {"adr x,i", "adrp x,i", "ldr w,i", "ldr x,i", "ldrsw x,i"};
    bool rel = false;
    for (size_t i = 0; i < sizeof pcrel / sizeof pcrel[0]; i++)
        rel |= strcmp(in->key, pcrel[i]) == 0;
    if (!rel && (in->target == 0 || in->flow == EMU_FLOW_NONE)) {
        snprintf(out, n, "%s", in->text);
        return;
    }
    const char *comma = strrchr(in->text, ',');
    const char *space = strchr(in->text, ' ');
    const char *cut = comma ? comma + 1 : space ? space + 1 : NULL;
    if (!cut) {
        snprintf(out, n, "%s", in->text);
        return;
    }
    snprintf(out, n, "%.*s%s.Lt", (int)(cut - in->text), in->text, comma ? " " : "");
}

/* ---- table ------------------------------------------------------------ */

struct form {
    char key[48];
    char text[256];
    bool rmw; /* the representative reads and writes one register */
};

/* Does `in` read and write the same register (flags aside)? Only then is
 * the form's cycles per iteration alone its loop-carried latency. */
static bool reads_and_writes(const struct emu_insn *in, unsigned flags_reg)
{
    for (unsigned i = 0; i < in->ndst; i++)
        for (unsigned j = 0; j < in->nsrc; j++)
            if (in->dst[i] == in->src[j] && in->dst[i] != flags_reg && !in->zero_idiom)
                return true;
    return false;
}

static int form_cmp(const void *a, const void *b)
{
    return strcmp(((const struct form *)a)->key, ((const struct form *)b)->key);
}

/* Adds the distinct instruction forms of the code sections of ELF `path`. */
static int collect_forms(struct emu_core *dc, const char *path, struct form **forms, size_t *n,
                         size_t *cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "ipcemu-mca: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *img = size > 0 ? malloc((size_t)size) : NULL;
    if (!img || fread(img, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(img);
        fprintf(stderr, "ipcemu-mca: %s: cannot read\n", path);
        return -1;
    }
    fclose(f);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
    if ((size_t)size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > (uint64_t)size) {
        fprintf(stderr, "ipcemu-mca: %s: not a 64-bit ELF file\n", path);
        free(img);
        return -1;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
    for (unsigned s = 0; s < eh->e_shnum; s++) {
        if (sh[s].sh_type != SHT_PROGBITS || !(sh[s].sh_flags & SHF_EXECINSTR) ||
            sh[s].sh_offset + sh[s].sh_size > (uint64_t)size)
            continue;
        const uint8_t *code = img + sh[s].sh_offset;
        for (uint64_t off = 0; off < sh[s].sh_size;) {
            struct emu_insn in;
            memset(&in, 0, sizeof in);
            unsigned len =
                dc->arch->decode(dc, sh[s].sh_addr + off, code + off, sh[s].sh_size - off, &in);
            if (len == 0) {
                off += dc->arch->id == EMU_ARCH_X86_64 ? 1 : 2;
                continue;
            }
            off += len;
            bool seen = false;
            for (size_t i = 0; i < *n && !seen; i++)
                seen = strcmp((*forms)[i].key, in.key) == 0;
            if (seen)
                continue;
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 256;
                *forms = realloc(*forms, *cap * sizeof **forms);
                if (!*forms)
                    abort();
            }
            snprintf((*forms)[*n].key, sizeof(*forms)[*n].key, "%s", in.key);
            mca_text(&in, (*forms)[*n].text, sizeof(*forms)[*n].text);
            (*forms)[*n].rmw =
                reads_and_writes(&in, dc->arch->id == EMU_ARCH_X86_64    ? X86_REG_EFLAGS
                                      : dc->arch->id == EMU_ARCH_AARCH64 ? ARM64_REG_NZCV
                                                                         : 0);
            (*n)++;
        }
    }
    free(img);
    return 0;
}

static int cmd_table(const struct emu_arch *arch, const char *mcpu, char **elfs, int nelf)
{
    struct emu_core dc;
    if (decoder_core(&dc, arch) != 0)
        return 2;
    struct form *forms = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < nelf; i++)
        if (collect_forms(&dc, elfs[i], &forms, &n, &cap) != 0)
            return 2;
    decoder_core_close(&dc);
    qsort(forms, n, sizeof *forms, form_cmp);
    printf("# ipcemu instruction table for %s -mcpu=%s, generated by tools/mca.c\n"
           "# (scripts/gen-cpu-tables.sh) from llvm-mca's scheduling model: each distinct\n"
           "# instruction form found in the guest images, run alone; do not edit.\n"
           "# key<TAB>uops<TAB>latency<TAB>rthroughput<TAB>self (cycles per iteration of the\n"
           "# form alone: its loop-carried latency through registers it reads and writes)<TAB>\n"
           "# flags (L load, S store)<TAB>pressure per port\n",
           arch->name, mcpu);
    bool header = false;
    for (size_t i = 0; i < n; i++) {
        struct mca_result r;
        char *line = forms[i].text;
        run_mca(arch, mcpu, &line, 1, &r);
        if (!r.ok) {
            printf("# not modelled by llvm-mca: %s (%s): %s\n", forms[i].key, forms[i].text,
                   r.unsupported[0] ? "unsupported instruction" : "rejected");
            continue;
        }
        if (!header) {
            printf("ports");
            for (unsigned k = 0; k < r.nports; k++)
                printf("\t%s", r.ports[k]);
            printf("\n");
            header = true;
        }
        printf("%s\t%u\t%u\t%.2f\t%.2f\t%s%s%s\t", forms[i].key, r.uops, r.latency, r.rthroughput,
               forms[i].rmw ? r.cycles_per_iter : (double)r.latency, r.load ? "L" : "",
               r.store ? "S" : "", r.load || r.store ? "" : "-");
        for (unsigned k = 0; k < r.nports; k++)
            printf("%s%.2f", k ? " " : "", r.pressure[k]);
        printf("\n");
    }
    free(forms);
    return 0;
}

/* ---- check ------------------------------------------------------------ */

struct hot {
    uint64_t addr;
    uint32_t size;
    uint64_t execs;
};

static int hot_cmp(const void *a, const void *b)
{
    const struct hot *x = a, *y = b;
    if (x->execs != y->execs)
        return x->execs > y->execs ? -1 : 1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, dbl_cmp);
    size_t i = (size_t)ceil(q * (double)n);
    return v[i ? i - 1 : 0];
}

/* Compares one block; returns its relative error, or NAN when llvm-mca
 * models none of it. */
static double check_block(struct machine *m, const struct tm_profile *p, const struct hot *h,
                          unsigned rank)
{
    struct emu_core *c = &m->core;
    uint8_t code[4096];
    uint32_t size = h->size < sizeof code ? h->size : sizeof code;
    if (!emu_mem_peek(c, h->addr, code, size))
        return NAN; /* not RAM (or a recorded failure) */
    struct emu_insn insns[1024];
    size_t n = 0;
    for (uint32_t off = 0; off < size && n < 1024;) {
        memset(&insns[n], 0, sizeof insns[n]);
        unsigned len = c->arch->decode(c, h->addr + off, code + off, size - off, &insns[n]);
        if (len == 0)
            break;
        off += len;
        n++;
    }
    char *lines[1024], texts[1024][256];
    unsigned dropped = 0;
    struct mca_result r;
    for (;;) {
        for (size_t i = 0; i < n; i++) {
            mca_text(&insns[i], texts[i], sizeof texts[i]);
            lines[i] = texts[i];
        }
        if (n == 0)
            return NAN;
        run_mca(c->arch, p->llvm_mcpu, lines, n, &r);
        /* Leave out what llvm-mca cannot model: rejected or unsupported
         * instructions, and calls (it assumes they take 100 cycles). */
        ssize_t drop = -1;
        if (r.bad_line > 0 && (size_t)r.bad_line <= n)
            drop = r.bad_line - 1;
        for (size_t i = 0; drop < 0 && i < n; i++)
            if ((r.unsupported[0] && strstr(texts[i], r.unsupported) == texts[i]) ||
                (r.has_call &&
                 (insns[i].flow == EMU_FLOW_CALL || insns[i].flow == EMU_FLOW_CALL_INDIRECT)))
                drop = (ssize_t)i;
        if (drop < 0)
            break;
        memmove(&insns[drop], &insns[drop + 1], (n - (size_t)drop - 1) * sizeof insns[0]);
        n--;
        dropped++;
    }
    if (!r.ok)
        return NAN;
    unsigned unknown = 0;
    double mine = (double)tm_block_cost(p, insns, n, &unknown) / EMU_FRAC;
    double err = (mine - r.cycles_per_iter) / r.cycles_per_iter;
    if (getenv("IPCEMU_MCA_VERBOSE"))
        for (size_t i = 0; i < n; i++)
            printf("        %-40s %s\n", texts[i], insns[i].key);
    printf("%4u  0x%08llx %9llu %4zu %5u %5u %9.2f %9.2f %+7.1f%%\n", rank,
           (unsigned long long)h->addr, (unsigned long long)h->execs, n, dropped, unknown, mine,
           r.cycles_per_iter, 100 * err);
    return err;
}

static int cmd_check(const struct emu_arch *arch, const char *cpu, unsigned want, uint32_t demo)
{
    struct machine_config cfg = {
        .arch = arch->id, .max_cycles = 2000000000ULL, .seed = 1, .demo = demo};
    size_t n;
    const uint8_t *img = machine_image(arch->id, MACHINE_IMAGE_KERNEL, &n);
    struct tool_setup su = {0};
    int rc = 2;
    if (tool_setup_open(&su, "ipcemu-mca", cpu, &cfg, img, n) != TOOL_SETUP_OK)
        goto out;
    struct machine *m = &su.m;
    const struct tm_profile *prof = &su.prof;
    machine_run(m);
    /* Kernel blocks: in the kernel image but not in its user pages
     * [__user_start, __user_end). */
    struct elf_sym *syms;
    size_t nsyms = elf_symbols(img, n, &syms);
    uint64_t user_lo = 0, user_hi = 0, kernel_end = MM_KERNEL_BASE;
    for (size_t i = 0; i < nsyms; i++) {
        if (!strcmp(syms[i].name, "__user_start"))
            user_lo = syms[i].addr;
        if (!strcmp(syms[i].name, "__user_end"))
            user_hi = syms[i].addr;
        if (syms[i].addr + syms[i].size > kernel_end)
            kernel_end = syms[i].addr + syms[i].size;
    }
    free(syms);
    const struct emu_block_cache *bc = &m->core.blocks;
    struct hot *hot = calloc(bc->used + 1, sizeof *hot);
    size_t nh = 0;
    for (size_t i = 0; hot && i < bc->used; i++) {
        const struct emu_block *b = &bc->blocks[i];
        if (b->size && b->execs && b->addr >= MM_KERNEL_BASE && b->addr < kernel_end &&
            !(b->addr >= user_lo && b->addr < user_hi))
            hot[nh++] = (struct hot){b->addr, b->size, b->execs};
    }
    qsort(hot, nh, sizeof *hot, hot_cmp);
    if (nh > want)
        nh = want;
    printf("ipcemu-mca check: %s, profile %s (llvm-mca -mcpu=%s), the kernel's %zu most executed "
           "blocks in the demo\n"
           "rank  address      execs insn  left unkn   ipcemu  llvm-mca   error\n",
           arch->name, prof->name, prof->llvm_mcpu, nh);
    double *errs = calloc(nh + 1, sizeof *errs);
    size_t ne = 0;
    for (size_t i = 0; errs && i < nh; i++) {
        double e = check_block(m, prof, &hot[i], (unsigned)i + 1);
        if (!isnan(e))
            errs[ne++] = fabs(e);
    }
    if (ne == 0) {
        fprintf(stderr, "ipcemu-mca: no block could be compared\n");
        rc = 1;
    } else {
        double med = percentile(errs, ne, 0.5), p90 = percentile(errs, ne, 0.9);
        printf("%s: %zu blocks compared, |error| median %.1f%%, p90 %.1f%% (limits 15%%, 35%%)\n",
               prof->name, ne, 100 * med, 100 * p90);
        rc = med <= 0.15 && p90 <= 0.35 ? 0 : 1;
    }
    free(errs);
    free(hot);
out:
    tool_setup_close(&su);
    return rc;
}

static int usage(void)
{
    fputs("usage: ipcemu-mca table --arch A --mcpu M ELF...\n"
          "       ipcemu-mca check --arch A [--cpu P] [--blocks N] [--demo hello|ipc]\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1], *mcpu = NULL, *cpu = NULL;
    const struct emu_arch *arch = NULL;
    unsigned blocks = 50;
    uint32_t demo = BOOT_DEMO_HELLO;
    int i = 2;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (!strcmp(argv[i], "--arch"))
            arch = emu_arch_by_name(argv[i + 1]);
        else if (!strcmp(argv[i], "--mcpu"))
            mcpu = argv[i + 1];
        else if (!strcmp(argv[i], "--cpu"))
            cpu = argv[i + 1];
        else if (!strcmp(argv[i], "--blocks"))
            blocks = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--demo"))
            demo = !strcmp(argv[i + 1], "ipc") ? BOOT_DEMO_IPC : BOOT_DEMO_HELLO;
        else
            return usage();
    }
    if (!arch || blocks == 0)
        return usage();
    if (!strcmp(cmd, "table") && mcpu && i < argc)
        return cmd_table(arch, mcpu, argv + i, argc - i);
    if (!strcmp(cmd, "check") && i == argc)
        return cmd_check(arch, cpu, blocks, demo);
    return usage();
}
