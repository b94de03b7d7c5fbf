/* tests/integration/harness.c: see harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>

#include "harness.h"

const char *ipcemu;
char tmpdir[] = "/tmp/ipcemu-it-XXXXXX";

char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1);
    size_t n = 0;
    char chunk[65536];
    size_t k;
    while (buf && (k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf = realloc(buf, n + k + 1);
        if (buf) {
            memcpy(buf + n, chunk, k);
            n += k;
            buf[n] = '\0';
        }
    }
    fclose(f);
    assert_non_null(buf);
    if (len)
        *len = n;
    return buf;
}

/* Returns the whole file, NUL-terminated (empty if absent). */
static char *slurp(const char *path)
{
    char *buf = read_whole(path, NULL);
    return buf ? buf : calloc(1, 1);
}

/* Runs ipcemu with the arguments in `ap` (NULL-terminated), under a
 * SIGALRM after `seconds` (0: none) and a file-size limit of `file_bytes`
 * (0: none); with_report adds --report FILE and parses it. Fails the test
 * if ipcemu ends by a signal (a crash, or a hang past the alarm). */
static struct result vrun(unsigned seconds, long file_bytes, int with_report, va_list ap)
{
    const char *argv[32];
    int argc = 0;
    argv[argc++] = ipcemu;
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 28)
        argv[argc++] = a;
    char out[128], err[128], rep[128];
    snprintf(out, sizeof out, "%s/out", tmpdir);
    snprintf(err, sizeof err, "%s/err", tmpdir);
    snprintf(rep, sizeof rep, "%s/report.json", tmpdir);
    unlink(rep);
    if (with_report) {
        argv[argc++] = "--report";
        argv[argc++] = rep;
    }
    argv[argc] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr))
            _exit(127);
        if (file_bytes > 0) {
            struct rlimit lim;
            if (getrlimit(RLIMIT_FSIZE, &lim) != 0)
                _exit(127);
            lim.rlim_cur = (rlim_t)file_bytes;
            signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails, EFBIG */
            if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
                _exit(127);
        }
        if (seconds)
            alarm(seconds); /* survives execv: SIGALRM ends a hang */
        execv(ipcemu, (char *const *)argv);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st))
        fail_msg("ipcemu %s ... ended by signal %d (a crash, or a hang past %u s)", argv[1],
                 WIFSIGNALED(st) ? WTERMSIG(st) : 0, seconds);
    struct result r = {.status = WEXITSTATUS(st), .out = slurp(out), .err = slurp(err)};
    if (with_report) {
        char *j = slurp(rep);
        r.report = cJSON_Parse(j);
        free(j);
    }
    return r;
}

struct result run(int with_report, ...)
{
    va_list ap;
    va_start(ap, with_report);
    struct result r = vrun(0, 0, with_report, ap);
    va_end(ap);
    return r;
}

struct result run_limited(unsigned seconds, long file_bytes, int with_report, ...)
{
    va_list ap;
    va_start(ap, with_report);
    struct result r = vrun(seconds, file_bytes, with_report, ap);
    va_end(ap);
    return r;
}

void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
    cJSON_Delete(r->report);
}

const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* qsort order of names. */
static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t scenario_names(const char *dir, char **names, size_t max)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < max;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".json"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], name_cmp);
    assert_true(n > 0);
    return n;
}

int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

int teardown(void **state)
{
    (void)state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

const char *put_tmp(const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}
