/* tests/integration/test_exec.c: `ipcemu exec` on bare-metal programs.
 *   test_integration_exec IPCEMU ARCH GUEST_DIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"

static const char *arch, *guest;

/* Runs `ipcemu exec --arch ARCH PROGRAM [EXTRA1 [EXTRA2]] --report FILE`. */
static struct result run_exec(const char *program, const char *extra1, const char *extra2)
{
    return run(1, "exec", "--arch", arch, program, extra1, extra2, NULL);
}

static char *prog(const char *name)
{
    static char path[4][512];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 512, "%s/%s/exec-%s.elf", guest, arch, name);
    return p;
}

/* Returning from the entry function ends the program; its UART output is
 * the program's; the same run twice gives the same cycles. */
static void a_program_runs_to_its_return(void **state)
{
    (void)state;
    struct result b, a = run_exec(prog("sum"), NULL, NULL);
    if (a.status != 0)
        fail_msg("exit %d: %s %s", a.status, a.out, a.err);
    assert_non_null(strstr(a.out, "sum 500500\n"));
    assert_string_equal(jstr(a.report, "outcome"), "ok");
    assert_string_equal(jstr(a.report, "arch"), arch);
    double insns = jnum(a.report, "instructions");
    assert_true(insns > 3000 && insns < 20000); /* a 1000-iteration loop */
    /* Every cycle is charged to one cause. */
    double sum = 0;
    const cJSON *bd = cJSON_GetObjectItem(a.report, "breakdown");
    static const char *const causes[] = {"base", "cache", "tlb", "branch", "trap", "mmio", "idle"};
    for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++)
        sum += jnum(bd, causes[i]);
    assert_true(sum == jnum(a.report, "cycles"));
    assert_true(jnum(bd, "base") > 0);
    b = run_exec(prog("sum"), "--quiet", NULL);
    assert_int_equal(b.status, 0);
    assert_string_equal(b.out, "");
    assert_true(jnum(b.report, "cycles") == jnum(a.report, "cycles"));
    assert_string_equal(jstr(b.report, "trace_hash"), jstr(a.report, "trace_hash"));
    result_free(&a);
    result_free(&b);
}

/* The breakpoint instruction ends it: nothing after it runs. */
static void the_breakpoint_ends_a_program(void **state)
{
    (void)state;
    struct result r = run_exec(prog("bkpt"), NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "before the breakpoint"));
    assert_null(strstr(r.out, "after the breakpoint"));
    assert_true(jnum(r.report, "instructions") < 200);
    result_free(&r);
}

/* An endless program stops at --max-cycles: outcome max_cycles, exit 1. */
static void an_endless_program_stops_at_max_cycles(void **state)
{
    (void)state;
    struct result r = run_exec(prog("spin"), "--max-cycles", "200000");
    assert_int_equal(r.status, 1);
    assert_string_equal(jstr(r.report, "outcome"), "max_cycles");
    assert_true(jnum(r.report, "cycles") >= 200000 && jnum(r.report, "cycles") < 200010);
    result_free(&r);
}

/* Bad programs: one message naming the file, exit 2. */
static void bad_programs_exit_2(void **state)
{
    (void)state;
    struct result r = run_exec("/nonexistent/prog.elf", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/nonexistent/prog.elf"));
    char text[200];
    snprintf(text, sizeof text, "%s/text.elf", tmpdir);
    FILE *f = fopen(text, "w");
    assert_non_null(f);
    fputs("not an ELF file at all\n", f);
    fclose(f);
    result_free(&r);
    r = run_exec(text, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "not an ELF file"));
    assert_non_null(strstr(r.err, "text.elf"));
    /* A program built for another architecture. */
    const char *other = strcmp(arch, "x86_64") ? "x86_64" : "riscv64";
    char path[512];
    snprintf(path, sizeof path, "%s/%s/exec-sum.elf", guest, other);
    result_free(&r);
    r = run_exec(path, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "another architecture"));
    result_free(&r);
    r = run_exec(prog("sum"), "--max-cycles", "zero");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--max-cycles 'zero'"));
    result_free(&r);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s IPCEMU ARCH GUEST_DIR\n", argv[0]);
        return 2;
    }
    ipcemu = argv[1];
    arch = argv[2];
    guest = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_program_runs_to_its_return),
        cmocka_unit_test(the_breakpoint_ends_a_program),
        cmocka_unit_test(an_endless_program_stops_at_max_cycles),
        cmocka_unit_test(bad_programs_exit_2),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
