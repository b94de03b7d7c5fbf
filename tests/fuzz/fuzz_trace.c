/* tests/fuzz/fuzz_trace.c: libFuzzer target for the trace reader
 * (tracer/tracefile.c, and the event log of tracer/trace.c it feeds): any
 * bytes must read or give one line of error naming the file, without a
 * crash, a leak, undefined behaviour or an allocation beyond a small
 * multiple of the input's size. Each input is read twice: as it is (which
 * mostly tests the checksum) and with its last 8 bytes replaced by the
 * checksum of the rest, so that the fuzzer reaches the settings and the
 * events. A trace that reads is written again and must read back the
 * same. Built and run by scripts/fuzz.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/tracefile.h"
#include "util/hostfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless two reads of a trace agree. */
static void same_trace(const struct trc_file_meta *a, const struct trc_log *la,
                       const struct trc_file_meta *b, const struct trc_log *lb)
{
    if (strcmp(a->kind, b->kind) || strcmp(a->arch, b->arch) || strcmp(a->cpu, b->cpu) ||
        a->exact_caches != b->exact_caches || a->max_cycles != b->max_cycles ||
        a->seed != b->seed || a->quantum != b->quantum || a->ram != b->ram ||
        a->cap_cache != b->cap_cache || a->demo != b->demo || a->hash != b->hash ||
        a->cycles != b->cycles || a->instructions != b->instructions ||
        a->scenario_len != b->scenario_len ||
        (a->scenario_len && memcmp(a->scenario, b->scenario, a->scenario_len)) ||
        la->nev != lb->nev || la->console_len != lb->console_len ||
        (la->console_len && memcmp(la->console, lb->console, la->console_len)) ||
        la->hash != lb->hash)
        abort();
    for (size_t i = 0; i < la->nev; i++) {
        const struct trc_event *x = &la->ev[i], *y = &lb->ev[i];
        if (x->cycle != y->cycle || x->core != y->core || x->type != y->type || x->pid != y->pid ||
            memcmp(x->arg, y->arg, sizeof x->arg))
            abort();
    }
}

/* Reads buf[n]; checks what a good trace holds, or the error's form. */
static void read_one(const uint8_t *buf, size_t n)
{
    struct trc_file_meta m;
    struct trc_log log;
    char err[600];
    err[0] = '\0';
    if (trc_file_read_mem("fuzz.trace", buf, n, &m, &log, err, sizeof err) != 0) {
        if (!err[0] || strchr(err, '\n') || strncmp(err, "fuzz.trace: ", 12) != 0)
            abort(); /* an error is one line naming the file */
        for (const char *c = err; *c; c++)
            if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
                abort(); /* nothing from the input reaches a terminal raw */
        trc_file_meta_free(&m);
        trc_log_free(&log);
        return;
    }
    /* what the command line would take */
    char why[200];
    if ((strcmp(m.kind, "run") && strcmp(m.kind, "boot") && strcmp(m.kind, "exec")) ||
        !trc_setting_check(TRC_SET_MAX_CYCLES, m.max_cycles, why, sizeof why) ||
        !trc_setting_check(TRC_SET_QUANTUM, m.quantum, why, sizeof why) ||
        !trc_setting_check(TRC_SET_RAM_MIB, m.ram >> 20, why, sizeof why) || m.ram % (1u << 20) ||
        (m.cap_cache && !trc_setting_check(TRC_SET_CAP_CACHE, m.cap_cache, why, sizeof why)) ||
        !m.arch[0] || !m.cpu[0] || (strcmp(m.kind, "boot") != 0) != (m.scenario != NULL) ||
        log.nev > n / 8)
        abort();
    /* what replay and diff do with the log */
    char line[240];
    trc_wait_for(&log, line, sizeof line);
    struct trc_path_stats st;
    for (unsigned i = 0; i < TRC_PATH_COUNT; i++)
        trc_path_stats(&log, i, &st);
    for (size_t i = 0; i < log.nev; i++)
        trc_log_proc(&log, log.ev[i].pid);
    /* written again, it reads back the same */
    uint8_t *again;
    size_t len;
    if (trc_file_encode(&m, &log, &again, &len, err, sizeof err) == 0) {
        struct trc_file_meta m2;
        struct trc_log log2;
        if (trc_file_read_mem("again.trace", again, len, &m2, &log2, err, sizeof err) != 0)
            abort();
        same_trace(&m, &log, &m2, &log2);
        trc_file_meta_free(&m2);
        trc_log_free(&log2);
        free(again);
    }
    trc_file_meta_free(&m);
    trc_log_free(&log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_one(data, size);
    if (size >= 20) {
        uint8_t *fixed = malloc(size);
        if (!fixed)
            return 0;
        memcpy(fixed, data, size);
        uint64_t h = hf_fnv1a(fixed, size - 8, HF_FNV_INIT);
        for (int i = 0; i < 8; i++)
            fixed[size - 8 + (size_t)i] = (uint8_t)(h >> (8 * i));
        read_one(fixed, size);
        free(fixed);
    }
    return 0;
}
