/* tests/fuzz/fuzz_scenario.c: libFuzzer target for the scenario loader
 * (machine/scenario_*.c): any bytes must load or give one line of error,
 * without a crash, a leak or undefined behaviour; a loaded one maps its
 * compiled operations back to places and checks its expectations against
 * an empty run. Built and run by
 * scripts/fuzz.sh (from scripts/test.sh, for a bounded time). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "machine/scenario.h"
#include "tracer/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scn s;
    char err[400];
    err[0] = '\0';
    if (scn_load_text("fuzz.json", (const char *)data, size, &s, err, sizeof err) == 0) {
        /* a scenario that loads compiled into a blob that fits its area */
        if (!s.blob || s.blob_size == 0 || s.blob->magic != SCN_MAGIC)
            abort();
        /* every compiled operation maps back to a place that names it */
        char place[200], why[300];
        for (size_t p = 0; p < s.nprocs && p < 4; p++)
            for (uint32_t slot = 0; slot < SCN_MAX_OPS + 1; slot++) {
                const char *op = scn_place_text(&s, p, slot, place, sizeof place);
                if (op && strncmp(place, "processes[", 10) != 0)
                    abort();
            }
        /* the expectations check against a run that did nothing, its
         * console the scenario's own text with each "\n" a new line (so a
         * description can hold runner lines: abi/scenario.h SCN_FAIL_LINE) */
        struct trc_log log;
        trc_log_init(&log);
        for (uint32_t i = 0; i < s.nprocs && i < 8; i++) {
            struct trc_event e = {.type = TRC_EV_PROC_CREATE, .pid = i + 1, .arg = {1, 0, 0, 0}};
            memcpy(&e.arg[1], s.proc_names[i], 16); /* 17 bytes each, NUL-padded */
            trc_log_event(&log, &e);
        }
        for (size_t i = 0; i < size && i < 4096; i++) {
            bool nl = data[i] == '\\' && i + 1 < size && data[i + 1] == 'n';
            trc_log_console(&log, nl ? '\n' : data[i]);
            i += nl;
        }
        struct scn_verdict v;
        if (scn_check(&s, &log, 1, "ok", &v, why, sizeof why) != 0 &&
            (!why[0] || strchr(why, '\n')))
            abort();
        scn_verdict_free(&v);
        trc_log_free(&log);
        scn_free(&s);
    } else if (!err[0] || strchr(err, '\n') || strncmp(err, "fuzz.json:", 10) != 0) {
        abort(); /* an error is one line naming the file */
    }
    return 0;
}
