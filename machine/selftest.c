/* machine/selftest.c: the start-up trap self-test. Each architecture's
 * selftest.elf (guest-kernel/arch/<arch>/selftest.c) drops to user mode and
 * checks, from inside the guest, that a system call, a page fault, an
 * undefined instruction and a timer interrupt enter its vector in kernel mode
 * with the architectural cause registers right, and that returning resumes
 * user mode. It prints "selftest: <step> ok" per step and powers off with 0,
 * or with the failed step's number after printing why. */
#include <string.h>

#include "machine/machine.h"

/* Guest cycles the self-test may take; it needs a few thousand. */
#define SELFTEST_MAX_CYCLES 2000000ULL

/* Copies the last non-empty console line into why[n]. */
static void last_line(const struct trc_log *log, char *why, size_t n)
{
    size_t end = log->console_len;
    while (end > 0 && (log->console[end - 1] == '\n' || log->console[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start > 0 && log->console[start - 1] != '\n')
        start--;
    size_t len = end - start < n - 1 ? end - start : n - 1;
    memcpy(why, log->console + start, len);
    why[len] = '\0';
}

/* Returns how many console lines read "selftest: <step> ok". */
static unsigned count_ok_lines(const struct trc_log *log)
{
    unsigned passed = 0;
    const char *p = log->console;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > 13 && strncmp(p, "selftest: ", 10) == 0 && strncmp(p + len - 3, " ok", 3) == 0)
            passed++;
        p = nl ? nl + 1 : NULL;
    }
    return passed;
}

int machine_selftest(enum emu_arch_id arch, char *why, size_t n)
{
    size_t len;
    const uint8_t *img = machine_image(arch, MACHINE_IMAGE_SELFTEST, &len);
    if (!img) {
        snprintf(why, n, "no self-test image was built for this architecture");
        return -1;
    }
    struct trc_log log;
    trc_log_init(&log);
    struct machine m;
    struct machine_config cfg = {.arch = arch, .max_cycles = SELFTEST_MAX_CYCLES};
    int rc = -1;
    if (machine_init(&m, &cfg, &log) != 0 || machine_boot_elf(&m, img, len) != 0) {
        snprintf(why, n, "%s", m.why);
        goto out;
    }
    enum machine_outcome o = machine_run(&m);
    char line[160] = "";
    last_line(&log, line, sizeof line);
    unsigned passed = count_ok_lines(&log);
    if (o == MACHINE_OK && passed >= 4) {
        rc = 0;
    } else if (o == MACHINE_EXPECT_FAILED) {
        snprintf(why, n, "step %u failed: %s", m.exit_code, line);
    } else if (o == MACHINE_OK) {
        snprintf(why, n, "only %u of 4 steps reported ok (last line: %s)", passed, line);
    } else {
        snprintf(why, n, "%s: %s (last line: %s)", machine_outcome_name(o), m.why, line);
    }
out:
    machine_destroy(&m);
    trc_log_free(&log);
    return rc;
}
