/* machine/scenario_source.c: a scenario process's "program" or its
 * "source", a student's C files (docs/scenarios.md, "Students' programs").
 * The files are only named here; machine/student.c compiles them for the
 * architecture the run takes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/scenario_int.h"

/* Resolves `src` against the directory of scenario file `path` (an
 * absolute `src` stays); returns a malloc'ed path or NULL. */
static char *resolve(const char *path, const char *src)
{
    const char *slash = strrchr(path, '/');
    int dir = src[0] == '/' || !slash ? 0 : (int)(slash - path + 1);
    size_t n = (size_t)dir + strlen(src) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s%s", dir, path, src);
    return out;
}

/* Reads "source" (`v`, at the current path): a path or 1..f->max of them,
 * each a string of 1..255 bytes ending in ".c". False with the error. */
static bool read_sources(struct scn_ctx *c, struct scn_build_entry *e, const cJSON *v,
                         const struct scn_field *f, const char *path)
{
    bool one = cJSON_IsString(v);
    int n = one ? 1 : cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
    if (n < (int)f->min || n > (int)f->max)
        return scn_fail(c, "must be a C file's path or an array of 1..%d of them", (int)f->max);
    if (!(e->sources = calloc((size_t)n, sizeof *e->sources)))
        return scn_fail(c, "out of memory");
    for (int i = 0; i < n; i++) {
        const cJSON *it = one ? v : cJSON_GetArrayItem(v, i);
        if (!one)
            scn_push_index(c, i);
        const char *s = cJSON_GetStringValue(it);
        size_t len = s ? strlen(s) : 0;
        if (len < 3 || len > 255 || strcmp(s + len - 2, ".c") != 0)
            return scn_fail(c, "must be the path of a C file (1..255 bytes, ending in .c)");
        if (!(e->sources[e->nsources++] = resolve(path, s)))
            return scn_fail(c, "out of memory");
        if (!one)
            scn_pop(c);
    }
    return true;
}

bool scn_load_program_or_source(struct scn_ctx *c, struct scn_build *b, struct scn_build_entry *e,
                                const cJSON *p, const struct scn_field *f, const char *path)
{
    const cJSON *prog = cJSON_GetObjectItemCaseSensitive(p, "program");
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(p, f->name);
    if (!prog && !src)
        return scn_fail(c, "needs a \"program\" or a \"source\"");
    if (prog && src) {
        scn_push_key(c, f->name);
        return scn_fail(c, "a process has a \"program\" or a \"source\", not both");
    }
    if (prog) {
        scn_push_key(c, "program");
        if (!cJSON_IsArray(prog))
            return scn_fail(c, "must be an array of operations");
        if (!scn_compile_ops(c, b, &e->pb, prog, 0))
            return false;
        scn_pop(c);
        return true;
    }
    scn_push_key(c, f->name);
    if (!read_sources(c, e, src, f, path))
        return false;
    /* its strings: the names of its handles, in slot order (ipcemu_cap) */
    struct scn_proc_build *pb = &e->pb;
    for (unsigned h = 0; h < pb->nhandles; h++) {
        size_t len = strlen(pb->handles[h].name) + 1;
        if (pb->handles[h].slot != h || pb->nstr + len > SCN_MAX_STRINGS)
            return scn_fail(c, "its handles' names take more than %d bytes", SCN_MAX_STRINGS);
        memcpy(pb->strings + pb->nstr, pb->handles[h].name, len);
        pb->nstr += (unsigned)len;
    }
    scn_pop(c);
    return true;
}
