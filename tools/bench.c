/* tools/bench.c: the timing model's speed benchmark (ipcemu-bench).
 *
 *   ipcemu-bench [--arch A] [--cpu P] PROGRAM.elf
 *
 * Runs the same bare-metal program twice in one process: once as `ipcemu
 * exec` runs it, with the full timing model (block hook, static block
 * costs, caches, TLB and branch predictor fed by memory hooks), and once on
 * a bare Unicorn engine with no hooks at all. Prints guest instructions per
 * host second for both and their ratio (the target is >= 0.5). Host time
 * is read here only, never by the emulator.
 *
 *   ipcemu-bench [--arch A] [--cpu P] SCENARIO.json
 *
 * Runs a scenario on the kernel (tracing on, as always) and prints the IPC
 * messages it delivered per host second.
 *
 *   ipcemu-bench [--arch A] [--cpu P] --cores N [--exact-caches] PROGRAM.elf
 *
 * The host cost of several cores (issue 16: >= 0.8): runs PROGRAM (an
 * endless one touching only its stack, tests/exec/work.c) for
 * BENCH_CORES_CYCLES cycles on one core, then on N cores at once, each
 * core starting it at its entry on a stack of its own (1 MiB apart), and
 * prints guest instructions (all cores') per host second of both and their
 * ratio, measured in this one process. --exact-caches: no sampling of the
 * data side (every load and store through the caches and the coherence). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu/timing.h"
#include "machine/arch.h"
#include "machine/elf.h"
#include "machine/machine.h"
#include "abi/bootinfo.h"
#include "abi/memmap.h"
#include "machine/scenario.h"
#include "tools/setup.h"
#include "tracer/trace.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int raw_write(void *ctx, uint64_t addr, const void *data, size_t len)
{
    struct emu_core *rec = ctx;
    if (data)
        return emu_mem_write(rec, addr, data, len) ? 0 : -1;
    void *z = calloc(1, len ? len : 1);
    int rc = z && emu_mem_write(rec, addr, z, len) ? 0 : -1;
    free(z);
    return rc;
}

/* The empty block hook of run_raw's second mode: what Unicorn itself
 * costs per block with a UC_HOOK_BLOCK installed (the floor of any model
 * that charges blocks from such a hook). */
static void empty_block_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    (void)uc, (void)addr, (void)size;
    ++*(uint64_t *)user;
}

/* The program on an engine with no hooks (blocks NULL) or with an empty
 * UC_HOOK_BLOCK that counts the blocks in *blocks; returns seconds, or -1. */
static double run_raw(const struct machine_arch *ma, const uint8_t *img, size_t n, uint64_t *blocks)
{
    const struct emu_arch *a = ma->cpu;
    /* No emu_core runs here (no hooks): `rec` only records a failed
     * Unicorn call (EMU_UC, the checked wrappers) for the message. */
    struct emu_core rec = {.arch = a};
    uint64_t top = MM_RAM_BASE + MM_RAM_SIZE_DEFAULT, sp = top, ret = MM_EXIT_STUB;
    struct elf_info info;
    char detail[200];
    double t = -1;
    EMU_UC(&rec, uc_open(a->uc_arch, a->uc_mode, &rec.uc), out);
    if (a->uc_cpu_model >= 0)
        EMU_UC(&rec, uc_ctl_set_cpu_model(rec.uc, a->uc_cpu_model), out);
    EMU_UC(&rec, uc_mem_map(rec.uc, MM_RAM_BASE, MM_RAM_SIZE_DEFAULT, UC_PROT_ALL), out);
    if (elf_load(img, n, ma->elf_machine, MM_LOAD_MIN, top, raw_write, &rec, &info, detail,
                 sizeof detail) != ELF_OK ||
        !emu_mem_write(&rec, MM_EXIT_STUB, ma->breakpoint_insn, ma->breakpoint_len))
        goto out;
    if (ma->reg_return < 0) {
        sp -= 8;
        if (!emu_mem_write(&rec, sp, &ret, sizeof ret))
            goto out;
    } else if (!emu_reg_write(&rec, ma->reg_return, ret)) {
        goto out;
    }
    if (!emu_reg_write(&rec, a->reg_sp, sp))
        goto out;
    uc_hook hh;
    if (blocks)
        EMU_UC(&rec,
               uc_hook_add(rec.uc, &hh, UC_HOOK_BLOCK, (void *)empty_block_hook, blocks, 1, 0),
               out);
    double t0 = now();
    /* Not EMU_UC: the program ends on the breakpoint (UC_ERR_EXCEPTION). */
    uc_err e = uc_emu_start(rec.uc, info.entry, MM_EXIT_STUB, 0, 0);
    t = now() - t0;
    uint64_t pc;
    if (!emu_reg_get(&rec, a->reg_pc, &pc))
        t = -1;
    /* It ends at the stub (or on the breakpoint there). */
    if (t >= 0 &&
        ((e != UC_ERR_OK && e != UC_ERR_EXCEPTION) || pc < MM_EXIT_STUB || pc > MM_EXIT_STUB + 4)) {
        /* The bare engine maps RAM only: a program that touches a device
         * (the UART, the power device) stops here. */
        fprintf(stderr,
                "ipcemu-bench: the bare engine stopped at pc 0x%llx: %s (the benchmark runs "
                "programs that use no device: RAM only)\n",
                (unsigned long long)pc, uc_strerror(e));
        t = -1;
    }
out:
    if (rec.host_error != UC_ERR_OK)
        fprintf(stderr, "ipcemu-bench: %s\n", rec.host_error_why);
    if (rec.uc)
        (void)uc_close(rec.uc); /* nothing is left to report a failure to */
    return t;
}

/* Boots img[n] with CPU profile `cpu` (tools/setup.h). Returns 0, or the
 * exit status after printing why: 2 for a profile that cannot be loaded,
 * 1 for a machine that cannot boot. */
static int bench_open(struct tool_setup *su, const char *cpu, struct machine_config *cfg,
                      const uint8_t *img, size_t n)
{
    switch (tool_setup_open(su, "ipcemu-bench", cpu, cfg, img, n)) {
    case TOOL_SETUP_OK:
        return 0;
    case TOOL_SETUP_PROFILE:
        return 2;
    case TOOL_SETUP_BOOT:
        break;
    }
    return 1;
}

/* The scenario mode: messages delivered per host second. */
static int bench_scenario(const struct emu_arch *arch, const char *cpu, const char *path)
{
    struct scn scn;
    char err[600];
    if (scn_load_file(path, &scn, err, sizeof err) != 0) {
        fprintf(stderr, "ipcemu-bench: %s\n", err);
        return 2;
    }
    struct machine_config cfg = {.arch = arch->id,
                                 .max_cycles = scn.max_cycles ? scn.max_cycles : 2000000000ULL,
                                 .seed = scn.seed,
                                 .quantum = scn.quantum,
                                 .cap_cache_lines = scn.cap_cache,
                                 .exact_caches = scn.exact_caches,
                                 .demo = BOOT_DEMO_SCENARIO,
                                 .scenario = scn.blob,
                                 .scenario_size = scn.blob_size};
    size_t n;
    const uint8_t *img = machine_image(arch->id, MACHINE_IMAGE_KERNEL, &n);
    struct tool_setup su = {0};
    int rc = bench_open(&su, cpu, &cfg, img, n);
    if (rc != 0)
        goto out;
    rc = 1;
    struct machine *m = &su.m;
    const struct trc_log *log = &su.log;
    double t0 = now();
    enum machine_outcome o = machine_run(m);
    double t = now() - t0;
    if (o != MACHINE_OK) {
        fprintf(stderr, "ipcemu-bench: %s ended %s: %s\n", path, machine_outcome_name(o), m->why);
        goto out;
    }
    printf("%s (%s), %s: %llu messages delivered (%llu sent) in %llu cycles, %zu events\n"
           "  %.3f s: %.0f messages per host second with tracing on\n",
           arch->name, su.prof.name, path, (unsigned long long)log->messages.received,
           (unsigned long long)log->messages.sent, (unsigned long long)m->core.cycles, log->nev, t,
           (double)log->messages.received / t);
    rc = 0;
out:
    tool_setup_close(&su);
    scn_free(&scn);
    return rc;
}

/* Cycles each run of the --cores mode lasts (core 0's clock). */
#define BENCH_CORES_CYCLES 200000000ULL

/* Runs img[n] on `ncores` cores at once for BENCH_CORES_CYCLES cycles.
 * Returns 0 with the host seconds in *secs and all cores' guest
 * instructions in *insns, or the exit status after printing why. */
static int bench_cores_run(const struct emu_arch *arch, const char *cpu, const uint8_t *img,
                           size_t n, unsigned ncores, bool exact, double *secs, uint64_t *insns)
{
    struct machine_config cfg = {.arch = arch->id,
                                 .max_cycles = BENCH_CORES_CYCLES,
                                 .bare = true,
                                 .ncores = ncores,
                                 .exact_caches = exact};
    struct tool_setup su = {0};
    int rc = bench_open(&su, cpu, &cfg, img, n);
    if (rc != 0)
        goto out;
    rc = 1;
    struct machine *m = &su.m;
    uint64_t entry = emu_pc(&m->core), top = MM_RAM_BASE + m->cfg.ram_size;
    for (unsigned k = 1; k < ncores; k++)
        if (machine_bare_start_core(m, k, entry, top - (uint64_t)k * (1u << 20)) != 0) {
            fprintf(stderr, "ipcemu-bench: %s\n", m->why);
            goto out;
        }
    double t0 = now();
    enum machine_outcome o = machine_run(m);
    *secs = now() - t0;
    if (o != MACHINE_MAX_CYCLES) {
        fprintf(stderr, "ipcemu-bench: %u cores ended %s: %s\n", ncores, machine_outcome_name(o),
                m->why);
        goto out;
    }
    *insns = 0;
    for (unsigned k = 0; k < ncores; k++)
        *insns += machine_core(m, k)->instructions;
    rc = 0;
out:
    tool_setup_close(&su);
    return rc;
}

/* The --cores mode: one core against `ncores`, per guest instruction. */
static int bench_cores(const struct emu_arch *arch, const char *cpu, const char *path,
                       const uint8_t *img, size_t n, unsigned ncores, bool exact)
{
    double t1, tn;
    uint64_t i1, in;
    int rc = bench_cores_run(arch, cpu, img, n, 1, exact, &t1, &i1);
    if (rc == 0)
        rc = bench_cores_run(arch, cpu, img, n, ncores, exact, &tn, &in);
    if (rc != 0)
        return rc;
    double s1 = i1 / t1 / 1e6, sn = in / tn / 1e6;
    printf("%s, %s%s: %llu cycles a core\n"
           "  1 core:  %.3f s, %llu guest instructions, %.1f M per host second\n"
           "  %u cores: %.3f s, %llu guest instructions, %.1f M per host second\n"
           "  ratio %.2f (target >= 0.8)\n",
           arch->name, path, exact ? " (--exact-caches)" : "",
           (unsigned long long)BENCH_CORES_CYCLES, t1, (unsigned long long)i1, s1, ncores, tn,
           (unsigned long long)in, sn, sn / s1);
    return 0;
}

int main(int argc, char **argv)
{
    const char *arch_name = "x86_64", *cpu = NULL, *path = NULL;
    unsigned ncores = 0;
    bool exact = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--arch") && i + 1 < argc)
            arch_name = argv[++i];
        else if (!strcmp(argv[i], "--cores") && i + 1 < argc)
            ncores = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--exact-caches"))
            exact = true;
        else if (!strcmp(argv[i], "--cpu") && i + 1 < argc)
            cpu = argv[++i];
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            path = NULL, i = argc;
    }
    const struct emu_arch *arch = emu_arch_by_name(arch_name);
    if (!path || !arch || (ncores != 0 && (ncores < 2 || ncores > MACHINE_MAX_CORES))) {
        fprintf(stderr,
                "usage: ipcemu-bench [--arch A] [--cpu P] [--cores 2..%u] "
                "PROGRAM.elf|SCENARIO.json\n",
                MACHINE_MAX_CORES);
        return 2;
    }
    size_t plen = strlen(path);
    if (plen > 5 && !strcmp(path + plen - 5, ".json"))
        return bench_scenario(arch, cpu, path);
    FILE *f = fopen(path, "rb");
    static uint8_t img[16 << 20];
    size_t n = f ? fread(img, 1, sizeof img, f) : 0;
    if (f)
        fclose(f);
    if (n == 0) {
        fprintf(stderr, "ipcemu-bench: cannot read %s\n", path);
        return 2;
    }
    if (ncores)
        return bench_cores(arch, cpu, path, img, n, ncores, exact);
    struct machine_config cfg = {.arch = arch->id, .max_cycles = 1ULL << 40, .bare = true};
    struct tool_setup su = {0};
    int rc = bench_open(&su, cpu, &cfg, img, n);
    if (rc != 0)
        goto out;
    rc = 1;
    /* Both runs are timed from their first guest instruction to the end:
     * setting up an engine is not emulation speed. */
    double t0 = now();
    if (machine_run(&su.m) != MACHINE_OK) {
        fprintf(stderr, "ipcemu-bench: the program did not end ok: %s\n", su.m.why);
        goto out;
    }
    double timed = now() - t0;
    uint64_t insns = su.m.core.instructions;
    double raw = run_raw(machine_arch_get(arch->id), img, n, NULL);
    uint64_t blocks = 0;
    double hooked = raw > 0 ? run_raw(machine_arch_get(arch->id), img, n, &blocks) : -1;
    if (raw <= 0 || hooked <= 0) {
        fprintf(stderr, "ipcemu-bench: the bare run failed\n");
        goto out;
    }
    double mips_t = insns / timed / 1e6, mips_r = insns / raw / 1e6, mips_h = insns / hooked / 1e6;
    printf("%s (%s), %s: %llu guest instructions, %llu cycles\n"
           "  full timing model: %.3f s, %.1f M guest instructions per host second\n"
           "  no hooks:          %.3f s, %.1f M guest instructions per host second\n"
           "  empty block hook:  %.3f s, %.1f M guest instructions per host second (%llu blocks)\n"
           "  ratio %.2f (target >= 0.5 on mix.c, >= 0.35 on bench.c); empty block hook %.2f\n",
           arch->name, su.prof.name, path, (unsigned long long)insns,
           (unsigned long long)su.m.core.cycles, timed, mips_t, raw, mips_r, hooked, mips_h,
           (unsigned long long)blocks, mips_t / mips_r, mips_h / mips_r);
    rc = 0;
out:
    tool_setup_close(&su);
    return rc;
}
