/* machine/student.c: compiles and links students' programs (student.h). */
#define _GNU_SOURCE
#include "machine/student.h"

#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine/arch.h"
#include "machine/elf.h"

extern char **environ;

#ifndef IPCEMU_STUDENT_SDK
#define IPCEMU_STUDENT_SDK ""
#endif
#ifndef IPCEMU_STUDENT_CC
#define IPCEMU_STUDENT_CC ""
#endif
#ifndef IPCEMU_STUDENT_LD
#define IPCEMU_STUDENT_LD ""
#endif

#define STUDENT_MAX_ARGS 64

/* Writes one line into err[n]; returns `r`. */
static enum student_result fail(enum student_result r, char *err, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static enum student_result fail(enum student_result r, char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return r;
}

/* Finds program `name` on PATH, else at `fallback` (cmake's find); writes
 * its path to out[n]. Returns true when one is executable. */
static bool find_tool(const char *name, const char *fallback, char *out, size_t n)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len && (size_t)snprintf(out, n, "%.*s/%s", (int)len, path, name) < n &&
            access(out, X_OK) == 0)
            return true;
        path = end ? end + 1 : NULL;
    }
    snprintf(out, n, "%s", fallback);
    return fallback[0] && access(out, X_OK) == 0;
}

/* Runs argv (argv[0] a path) with stdin closed and its stdout and stderr
 * on ours, or, when out is not NULL, its stdout into out[n]. Returns its
 * exit status, or -1 when it could not run. */
static int run(char *const argv[], char *out, size_t n)
{
    int fds[2] = {-1, -1};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", 0, 0);
    if (out && pipe(fds) == 0) {
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        posix_spawn_file_actions_addclose(&fa, fds[0]);
    } else if (!out) {
        posix_spawn_file_actions_adddup2(&fa, 2, 1); /* its messages are for the user */
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (fds[1] >= 0)
        close(fds[1]);
    size_t got = 0;
    if (rc == 0 && fds[0] >= 0) {
        ssize_t k;
        while ((k = read(fds[0], out + got, n - 1 - got)) > 0 && got + (size_t)k < n - 1)
            got += (size_t)k;
        if (k > 0)
            got += (size_t)k;
    }
    if (out && n)
        out[got < n ? got : n - 1] = '\0';
    if (fds[0] >= 0)
        close(fds[0]);
    if (rc != 0)
        return -1;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* Reads file `path` into a malloc'ed buffer; returns it (its size in *n)
 * or NULL. */
static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    long len = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (len > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) &&
        fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *n = (size_t)(len > 0 ? len : 0);
    return buf;
}

/* Reads the SDK's `cflags` file (a flag a line) into args[*k...]; the
 * text stays in buf[n]. Returns false when it cannot. */
static bool read_cflags(const char *path, char *buf, size_t n, char **args, size_t *k)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t got = fread(buf, 1, n - 1, f);
    fclose(f);
    buf[got] = '\0';
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        if (*line && *k < STUDENT_MAX_ARGS - 8)
            args[(*k)++] = line;
    return *k > 0;
}

/* Returns the address of symbol `name` in image img[n], or 0. */
static uint64_t symbol(const uint8_t *img, size_t n, const char *name)
{
    struct elf_sym *syms;
    size_t k = elf_symbols(img, n, &syms);
    uint64_t a = 0;
    for (size_t i = 0; i < k && !a; i++)
        if (!strcmp(syms[i].name, name))
            a = syms[i].addr;
    free(syms);
    return a;
}

/* Everything one student_build needs while it compiles. */
struct student_ctx {
    char cc[1024], ld[1024], sdk[1024], tmp[1024];
    char cflags[4096];
    char *cargs[STUDENT_MAX_ARGS];
    size_t ncargs;
    bool made_tmp;
};

/* Finds the toolchain and the SDK for `arch` and makes the temporary
 * directory. Returns STUDENT_OK or STUDENT_BAD with the error. */
static enum student_result setup(struct student_ctx *x, const char *arch, struct student_build *b,
                                 char *err, size_t n)
{
    if (!find_tool("clang-14", IPCEMU_STUDENT_CC, x->cc, sizeof x->cc) ||
        !find_tool("ld.lld-14", IPCEMU_STUDENT_LD, x->ld, sizeof x->ld))
        return fail(STUDENT_BAD, err, n,
                    "students' programs are compiled with LLVM 14 (clang-14 and ld.lld-14), "
                    "which are not on PATH: run scripts/deps.sh");
    const char *sdk = getenv("IPCEMU_SDK");
    snprintf(x->sdk, sizeof x->sdk, "%s/%s/student", sdk && *sdk ? sdk : IPCEMU_STUDENT_SDK, arch);
    char path[1100];
    snprintf(path, sizeof path, "%s/cflags", x->sdk);
    x->ncargs = 1;
    x->cargs[0] = x->cc;
    if (!read_cflags(path, x->cflags, sizeof x->cflags, x->cargs, &x->ncargs))
        return fail(STUDENT_BAD, err, n,
                    "no student SDK for %s at %s (build ipcemu's `guest` target, or set "
                    "IPCEMU_SDK)",
                    arch, x->sdk);
    char *argv[] = {x->cc, "--version", NULL}, ver[512];
    const char *v = run(argv, ver, sizeof ver) == 0 ? strstr(ver, "version ") : NULL;
    snprintf(b->toolchain, sizeof b->toolchain, "clang %.*s", v ? (int)strcspn(v + 8, " \n") : 1,
             v ? v + 8 : "?");
    const char *t = getenv("TMPDIR");
    snprintf(x->tmp, sizeof x->tmp, "%s/ipcemu-student-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(x->tmp))
        return fail(STUDENT_BAD, err, n, "cannot make a temporary directory: %s", strerror(errno));
    x->made_tmp = true;
    return STUDENT_OK;
}

/* Compiles entry `e`'s files into objects tmp/e<i>-<k>.o (their paths in
 * objs[]). Returns STUDENT_OK or an error. */
static enum student_result compile_entry(struct student_ctx *x, const struct scn_entry *e,
                                         size_t ei, char objs[][1100], char *err, size_t n)
{
    for (unsigned k = 0; k < e->nsources; k++) {
        snprintf(objs[k], sizeof objs[k], "%s/e%zu-%u.o", x->tmp, ei, k);
        struct stat st;
        if (stat(e->sources[k], &st) != 0 || !S_ISREG(st.st_mode))
            return fail(STUDENT_BAD, err, n, "processes[%zu].source: %s: %s", ei, e->sources[k],
                        errno && stat(e->sources[k], &st) != 0 ? strerror(errno)
                                                               : "not a regular file");
        size_t a = x->ncargs;
        x->cargs[a++] = "-c";
        x->cargs[a++] = e->sources[k];
        x->cargs[a++] = "-o";
        x->cargs[a++] = objs[k];
        x->cargs[a] = NULL;
        int rc = run(x->cargs, NULL, 0);
        if (rc != 0)
            return fail(rc < 0 ? STUDENT_BAD : STUDENT_COMPILE, err, n,
                        "processes[%zu].source: %s: %s", ei, e->sources[k],
                        rc < 0 ? "cannot run clang-14" : "the compiler refused it");
    }
    return STUDENT_OK;
}

/* Links entry `e`'s objects for slot [lo, lo + STUDENT_SLOT_BYTES) into
 * b->images[b->n] and fills scn_proc *p. Returns STUDENT_OK or an error. */
static enum student_result link_one(struct student_ctx *x, const struct scn_entry *e, size_t ei,
                                    char objs[][1100], uint64_t lo, uint16_t machine,
                                    struct student_build *b, struct scn_proc *p, char *err,
                                    size_t n)
{
    char base[64], out[1100], script[1100], lib[1100];
    snprintf(base, sizeof base, "--defsym=IPCEMU_IMAGE_BASE=0x%llx", (unsigned long long)lo);
    snprintf(out, sizeof out, "%s/slot%zu.elf", x->tmp, b->n);
    snprintf(script, sizeof script, "%s/student.ld", x->sdk);
    snprintf(lib, sizeof lib, "%s/libipcemu.a", x->sdk);
    char *argv[STUDENT_MAX_ARGS];
    size_t a = 0;
    argv[a++] = x->ld;
    argv[a++] = "-T";
    argv[a++] = script;
    argv[a++] = base;
    argv[a++] = "--no-dynamic-linker";
    argv[a++] = "-static";
    argv[a++] = "--strip-debug";
    argv[a++] = "-zmax-page-size=4096";
    argv[a++] = "-o";
    argv[a++] = out;
    for (unsigned k = 0; k < e->nsources; k++)
        argv[a++] = objs[k];
    argv[a++] = lib;
    argv[a] = NULL;
    int rc = run(argv, NULL, 0);
    if (rc != 0)
        return fail(rc < 0 ? STUDENT_BAD : STUDENT_COMPILE, err, n, "processes[%zu].source: %s", ei,
                    rc < 0 ? "cannot run ld.lld-14" : "the linker refused it");
    size_t len;
    uint8_t *img = slurp(out, &len);
    unlink(out);
    if (!img)
        return fail(STUDENT_BAD, err, n, "processes[%zu].source: cannot read what ld.lld made", ei);
    uint64_t data = symbol(img, len, "__image_data"), end = symbol(img, len, "__image_end");
    struct elf_info info;
    char detail[200];
    enum student_result r = STUDENT_OK;
    if (end > lo + STUDENT_SLOT_BYTES || !data || data >= end)
        r = fail(STUDENT_BAD, err, n,
                 "processes[%zu].source: the program takes %llu KiB, more than the %u KiB "
                 "a student's process may have",
                 ei, (unsigned long long)(end - lo) >> 10, STUDENT_SLOT_BYTES >> 10);
    else if (elf_load(img, len, machine, lo, end, NULL, NULL, &info, detail, sizeof detail) !=
             ELF_OK)
        r = fail(STUDENT_BAD, err, n, "processes[%zu].source: the linked program: %s", ei, detail);
    if (r != STUDENT_OK) {
        free(img);
        return r;
    }
    b->elf[b->n] = img;
    b->images[b->n] = (struct machine_user_image){img, len, lo, end};
    b->n++;
    p->image_base = lo;
    p->image_data = data;
    p->image_end = end;
    p->image_entry = info.entry;
    return STUDENT_OK;
}

enum student_result student_build(struct scn *s, enum emu_arch_id arch, const uint8_t *kernel,
                                  size_t kn, struct student_build *b, char *err, size_t errn)
{
    memset(b, 0, sizeof *b);
    size_t want = 0;
    for (size_t i = 0; i < s->nentries; i++)
        want += s->entries[i].nsources ? s->entries[i].count : 0;
    if (!want)
        return STUDENT_OK;
    const char *aname = emu_arch_get(arch)->name;
    const struct machine_arch *ma = machine_arch_get(arch);
    if (!ma)
        return fail(STUDENT_BAD, err, errn, "no %s in this build", aname);
    uint64_t lo = symbol(kernel, kn, "__student_start"), hi = symbol(kernel, kn, "__student_end");
    if (!lo || hi <= lo)
        return fail(STUDENT_BAD, err, errn, "this kernel has no student area");
    if (want > (hi - lo) / STUDENT_SLOT_BYTES)
        return fail(STUDENT_BAD, err, errn,
                    "%zu student processes: the kernel's student area holds %llu", want,
                    (unsigned long long)((hi - lo) / STUDENT_SLOT_BYTES));
    b->images = calloc(want, sizeof *b->images);
    b->elf = calloc(want, sizeof *b->elf);
    struct student_ctx *x = calloc(1, sizeof *x);
    if (!b->images || !b->elf || !x) {
        free(x);
        return fail(STUDENT_BAD, err, errn, "out of memory");
    }
    enum student_result r = setup(x, aname, b, err, errn);
    struct scn_proc *procs = (struct scn_proc *)((char *)s->blob + s->blob->proc_offset);
    for (size_t i = 0; r == STUDENT_OK && i < s->nentries; i++) {
        const struct scn_entry *e = &s->entries[i];
        char objs[8][1100];
        if (!e->nsources || (r = compile_entry(x, e, i, objs, err, errn)) != STUDENT_OK)
            continue;
        for (uint32_t k = 0; r == STUDENT_OK && k < e->count; k++)
            r = link_one(x, e, i, objs, lo + b->n * STUDENT_SLOT_BYTES, ma->elf_machine, b,
                         &procs[e->first + k], err, errn);
        for (unsigned k = 0; k < e->nsources; k++)
            unlink(objs[k]);
    }
    if (x->made_tmp)
        rmdir(x->tmp);
    free(x);
    return r;
}

void student_build_free(struct student_build *b)
{
    for (size_t i = 0; b->elf && i < b->n; i++)
        free(b->elf[i]);
    free(b->elf);
    free(b->images);
    memset(b, 0, sizeof *b);
}
