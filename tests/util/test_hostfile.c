/* tests/util/test_hostfile.c: safe inputs and atomic outputs
 * (util/hostfile.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/hostfile.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ipcemu-hf-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

/* Counts the directory's entries (temporary files left behind show here). */
static int entries(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void test_read_regular(void **state)
{
    (void)state;
    char p[128], why[200];
    path_in(p, sizeof p, "in.txt");
    assert_int_equal(hf_write_file(p, "hello", 5, why, sizeof why), 0);
    size_t n = 0;
    uint8_t *b = hf_read_input(p, 100, &n, why, sizeof why);
    assert_non_null(b);
    assert_int_equal(n, 5);
    assert_memory_equal(b, "hello", 6); /* NUL after the end */
    free(b);
    /* over the bound: refused, naming the file */
    assert_null(hf_read_input(p, 4, &n, why, sizeof why));
    assert_non_null(strstr(why, p));
    assert_non_null(strstr(why, "larger than 4 bytes"));
}

/* hf_write_text: the text and a newline; a NULL text is the failure to
 * build it, named, and leaves no file. */
static void test_write_text(void **state)
{
    (void)state;
    char p[128], why[200];
    path_in(p, sizeof p, "t.json");
    char *s = strdup("{\"a\":1}");
    assert_non_null(s);
    assert_int_equal(hf_write_text(p, s, "the report", why, sizeof why), 0);
    size_t n = 0;
    uint8_t *b = hf_read_input(p, 100, &n, why, sizeof why);
    assert_non_null(b);
    assert_int_equal(n, 8);
    assert_memory_equal(b, "{\"a\":1}\n", 8);
    free(b);
    path_in(p, sizeof p, "u.json");
    assert_int_equal(hf_write_text(p, NULL, "the report", why, sizeof why), -1);
    assert_string_equal(why, "out of memory building the report");
    assert_int_equal(access(p, F_OK), -1);
}

static void test_refuses_fifo_and_directory(void **state)
{
    (void)state;
    char p[128], why[200];
    path_in(p, sizeof p, "fifo");
    assert_int_equal(mkfifo(p, 0600), 0);
    size_t n;
    /* returns at once (no writer), refusing the FIFO by name */
    assert_null(hf_read_input(p, 100, &n, why, sizeof why));
    assert_non_null(strstr(why, "a FIFO"));
    assert_non_null(strstr(why, p));
    assert_null(hf_open_input(dir, why, sizeof why));
    assert_non_null(strstr(why, "a directory"));
    path_in(p, sizeof p, "missing");
    assert_null(hf_open_input(p, why, sizeof why));
    assert_non_null(strstr(why, "cannot open"));
}

static void test_output_is_atomic(void **state)
{
    (void)state;
    char p[128], why[200];
    path_in(p, sizeof p, "out.json");
    assert_int_equal(hf_write_file(p, "first", 5, why, sizeof why), 0);
    int before = entries();
    /* an abandoned output leaves the earlier file whole and no temporary */
    struct hf_out o;
    FILE *f = hf_out_open(&o, p, why, sizeof why);
    assert_non_null(f);
    fputs("half", f);
    assert_int_equal(entries(), before + 1);
    hf_out_abort(&o);
    assert_int_equal(entries(), before);
    size_t n;
    uint8_t *b = hf_read_input(p, 100, &n, why, sizeof why);
    assert_non_null(b);
    assert_string_equal((char *)b, "first");
    free(b);
    /* a committed one replaces it whole, with the usual mode */
    f = hf_out_open(&o, p, why, sizeof why);
    fputs("second", f);
    assert_int_equal(hf_out_commit(&o, why, sizeof why), 0);
    b = hf_read_input(p, 100, &n, why, sizeof why);
    assert_string_equal((char *)b, "second");
    free(b);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
    assert_int_equal(entries(), before);
}

static void test_full_disk_leaves_nothing(void **state)
{
    (void)state;
    char why[200];
    /* /dev/full: not a regular file, so written in place; the error shows */
    struct hf_out o;
    FILE *f = hf_out_open(&o, "/dev/full", why, sizeof why);
    if (!f)
        skip();
    for (int i = 0; i < 10000; i++)
        fputs("0123456789", f);
    assert_int_equal(hf_out_commit(&o, why, sizeof why), -1);
    assert_non_null(strstr(why, "/dev/full"));
    /* a directory that does not exist: refused up front */
    assert_int_equal(hf_write_file("/nonexistent-dir/x", "a", 1, why, sizeof why), -1);
    assert_non_null(strstr(why, "/nonexistent-dir/x"));
}

static void test_same_file(void **state)
{
    (void)state;
    char a[128], b[160], why[200];
    path_in(a, sizeof a, "same.json");
    assert_int_equal(hf_write_file(a, "{}", 2, why, sizeof why), 0);
    snprintf(b, sizeof b, "%s/./same.json", dir);
    assert_true(hf_same_file(a, b));
    path_in(b, sizeof b, "other.json");
    assert_false(hf_same_file(a, b)); /* does not exist */
    assert_int_equal(hf_write_file(b, "{}", 2, why, sizeof why), 0);
    assert_false(hf_same_file(a, b));
}

static void test_fnv_and_printable(void **state)
{
    (void)state;
    /* the published FNV-1a 64 test vectors */
    assert_int_equal(hf_fnv1a("", 0, HF_FNV_INIT), 0xcbf29ce484222325ull);
    assert_int_equal(hf_fnv1a("a", 1, HF_FNV_INIT), 0xaf63dc4c8601ec8cull);
    assert_int_equal(hf_fnv1a("foobar", 6, HF_FNV_INIT), 0x85944171f73967e8ull);
    char out[32];
    assert_string_equal(hf_printable("a\033[2Jb", 6, out, sizeof out), "a\\x1b[2Jb");
    assert_string_equal(hf_printable("abcdef", 6, out, 4), "abc");
    assert_string_equal(hf_printable("\n\n", 2, out, 6), "\\x0a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_regular),     cmocka_unit_test(test_refuses_fifo_and_directory),
        cmocka_unit_test(test_output_is_atomic), cmocka_unit_test(test_full_disk_leaves_nothing),
        cmocka_unit_test(test_same_file),        cmocka_unit_test(test_fnv_and_printable),
        cmocka_unit_test(test_write_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
