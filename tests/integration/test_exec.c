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

static const char *ipcemu, *arch, *guest;
static char tmpdir[] = "/tmp/ipcemu-exec-XXXXXX";

struct result {
    int status;
    char out[4096], err[4096];
    cJSON *report;
};

/* Runs `ipcemu exec --arch ARCH [extra] PROGRAM --report FILE`. */
static void run(struct result *r, const char *program, const char *extra1, const char *extra2)
{
    char out[160], err[160], rep[160];
    snprintf(out, sizeof out, "%s/out", tmpdir);
    snprintf(err, sizeof err, "%s/err", tmpdir);
    snprintf(rep, sizeof rep, "%s/report.json", tmpdir);
    unlink(rep);
    const char *argv[12] = {ipcemu, "exec", "--arch", arch, "--report", rep};
    int argc = 6;
    if (extra1)
        argv[argc++] = extra1;
    if (extra2)
        argv[argc++] = extra2;
    argv[argc++] = program;
    argv[argc] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr))
            _exit(127);
        execv(ipcemu, (char *const *)argv);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    memset(r, 0, sizeof *r);
    r->status = WEXITSTATUS(st);
    FILE *f;
    if ((f = fopen(out, "r"))) {
        size_t n = fread(r->out, 1, sizeof r->out - 1, f);
        r->out[n] = '\0';
        fclose(f);
    }
    if ((f = fopen(err, "r"))) {
        size_t n = fread(r->err, 1, sizeof r->err - 1, f);
        r->err[n] = '\0';
        fclose(f);
    }
    if ((f = fopen(rep, "r"))) {
        char buf[8192];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
        r->report = cJSON_Parse(buf);
    }
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
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
    struct result a, b;
    run(&a, prog("sum"), NULL, NULL);
    if (a.status != 0)
        fail_msg("exit %d: %s %s", a.status, a.out, a.err);
    assert_non_null(strstr(a.out, "sum 500500\n"));
    assert_string_equal(str(a.report, "outcome"), "ok");
    assert_string_equal(str(a.report, "arch"), arch);
    double insns = num(a.report, "instructions");
    assert_true(insns > 3000 && insns < 20000); /* a 1000-iteration loop */
    assert_true(num(cJSON_GetObjectItem(a.report, "breakdown"), "base") == num(a.report, "cycles"));
    run(&b, prog("sum"), "--quiet", NULL);
    assert_int_equal(b.status, 0);
    assert_string_equal(b.out, "");
    assert_true(num(b.report, "cycles") == num(a.report, "cycles"));
    assert_string_equal(str(b.report, "trace_hash"), str(a.report, "trace_hash"));
    cJSON_Delete(a.report);
    cJSON_Delete(b.report);
}

/* The breakpoint instruction ends it: nothing after it runs. */
static void the_breakpoint_ends_a_program(void **state)
{
    (void)state;
    struct result r;
    run(&r, prog("bkpt"), NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "before the breakpoint"));
    assert_null(strstr(r.out, "after the breakpoint"));
    assert_true(num(r.report, "instructions") < 200);
    cJSON_Delete(r.report);
}

/* An endless program stops at --max-cycles: outcome max_cycles, exit 1. */
static void an_endless_program_stops_at_max_cycles(void **state)
{
    (void)state;
    struct result r;
    run(&r, prog("spin"), "--max-cycles", "200000");
    assert_int_equal(r.status, 1);
    assert_string_equal(str(r.report, "outcome"), "max_cycles");
    assert_true(num(r.report, "cycles") >= 200000 && num(r.report, "cycles") < 200010);
    cJSON_Delete(r.report);
}

/* Bad programs: one message naming the file, exit 2. */
static void bad_programs_exit_2(void **state)
{
    (void)state;
    struct result r;
    run(&r, "/nonexistent/prog.elf", NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/nonexistent/prog.elf"));
    char text[200];
    snprintf(text, sizeof text, "%s/text.elf", tmpdir);
    FILE *f = fopen(text, "w");
    assert_non_null(f);
    fputs("not an ELF file at all\n", f);
    fclose(f);
    run(&r, text, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "not an ELF file"));
    assert_non_null(strstr(r.err, "text.elf"));
    /* A program built for another architecture. */
    const char *other = strcmp(arch, "x86_64") ? "x86_64" : "riscv64";
    char path[512];
    snprintf(path, sizeof path, "%s/%s/exec-sum.elf", guest, other);
    run(&r, path, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "another architecture"));
    run(&r, prog("sum"), "--max-cycles", "zero");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--max-cycles 'zero'"));
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
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
