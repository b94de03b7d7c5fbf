/* tests/fuzz/fuzz_scenario.c: libFuzzer target for the scenario loader
 * (machine/scenario.c): any bytes must load or give one line of error,
 * without a crash, a leak or undefined behaviour. Built and run by
 * scripts/fuzz.sh (from scripts/test.sh, for a bounded time). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "machine/scenario.h"

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
        scn_free(&s);
    } else if (!err[0] || strchr(err, '\n') || strncmp(err, "fuzz.json:", 10) != 0) {
        abort(); /* an error is one line naming the file */
    }
    return 0;
}
