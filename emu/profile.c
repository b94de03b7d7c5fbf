/* emu/profile.c: reading CPU profiles (profiles/<name>.json) and their
 * generated instruction tables (profiles/<name>.insns). See timing.h and
 * docs/timing-model.md for the format.
 *
 * Both are inputs a user (or a trace, or a scenario) chooses, so neither is
 * trusted: every member's type is checked before it is read, every number
 * is range-checked as a double before it is converted, every table field is
 * parsed strictly, and every problem gives one line naming the file and the
 * JSON path ("$.parameters.l1d_ways.value") or the table's line. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "emu/timing.h"
#include "util/hostfile.h"

#ifndef IPCEMU_PROFILE_DIR
#define IPCEMU_PROFILE_DIR "profiles"
#endif

#define PROFILE_MAX_BYTES (1u << 20)
#define TABLE_MAX_BYTES (16u << 20)
#define TABLE_MAX_ROWS 100000u
#define TABLE_MAX_NUMBER 10000.0 /* uops, latencies, throughputs, pressures */
#define SOURCES_MAX 64           /* members of "sources" */
#define NAME_MAX_LEN 200         /* instruction_table */

const char *tm_profile_dir(void)
{
    const char *env = getenv("IPCEMU_PROFILE_PATH");
    return env && *env ? env : IPCEMU_PROFILE_DIR;
}

/* Formats the error into why[wn]. Returns -1. */
static int fail(char *why, size_t wn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t wn, const char *fmt, ...)
{
    if (why && wn) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, wn, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- the profile (JSON) ------------------------------------------------- */

/* One numeric parameter: {"value": N, "source": "..."} with N an integer
 * in [min, max]. The bounds keep every table the timing model sizes by a
 * parameter small, and every division and shift by one defined. */
struct param {
    const char *name;
    size_t offset; /* of a uint32_t in struct tm_profile */
    uint32_t min, max;
};

#define P(field, lo, hi)                                                                           \
    {                                                                                              \
#field, offsetof(struct tm_profile, field), lo, hi                                         \
    }
#define G(cache, field, lo, hi)                                                                    \
    {                                                                                              \
#cache "_" #field,                                                                         \
            offsetof(struct tm_profile, cache) + offsetof(struct tm_cache_geom, field), lo, hi     \
    }

static const struct param params[] = {
    P(issue_width, 1, 16),        P(rob_size, 0, 4096),        G(l1i, size, 1024, 1u << 22),
    G(l1i, ways, 1, 64),          G(l1i, line, 16, 256),       G(l1i, latency, 0, 100),
    G(l1d, size, 1024, 1u << 22), G(l1d, ways, 1, 64),         G(l1d, line, 16, 256),
    G(l1d, latency, 0, 100),      G(l2, size, 4096, 1u << 26), G(l2, ways, 1, 64),
    G(l2, line, 16, 256),         G(l2, latency, 1, 1000),     P(mem_latency, 1, 100000),
    P(tlb_entries, 1, 1u << 16),  P(tlb_ways, 1, 1024),        P(tlb_walk, 0, 100000),
    P(bp_entries, 2, 1u << 24),   P(bp_history, 0, 24),        P(btb_entries, 1, 1u << 20),
    P(ras_depth, 1, 1024),        P(mispredict, 0, 1000),      P(trap_entry, 0, 100000),
    P(trap_return, 0, 100000),    P(as_switch, 0, 100000),     P(as_switch_asid, 0, 100000),
    P(mmio_latency, 0, 100000),   P(core_transfer, 0, 100000), P(ipi_latency, 0, 100000),
};
#define NPARAMS (sizeof params / sizeof params[0])
/* The three true/false parameters come after the numeric ones. */
#define PARAM_OOO NPARAMS
#define PARAM_ASID (NPARAMS + 1)
#define PARAM_L2_SHARED (NPARAMS + 2)
#define NALL (NPARAMS + 3)

/* Returns the name of parameter `i` (numeric or true/false). */
static const char *param_name(size_t i)
{
    return i < NPARAMS       ? params[i].name
           : i == PARAM_OOO  ? "out_of_order"
           : i == PARAM_ASID ? "asid"
                             : "l2_shared";
}

/* What a load is reading and where its errors go. `file` is the file's
 * name made printable, for the messages. */
struct ld {
    struct tm_profile *p;
    const char *file;
    char *why;
    size_t wn;
};

/* Writes `key` printable (\xHH for other bytes) and cut to about 60
 * characters into out[n]. Returns out. */
static char *shown_key(const char *key, char *out, size_t n)
{
    char tmp[72];
    hf_printable(key, strlen(key), tmp, sizeof tmp);
    if (strlen(tmp) > 60)
        snprintf(out, n, "%.60s...", tmp);
    else
        snprintf(out, n, "%s", tmp);
    return out;
}

/* Formats "FILE: $PATH: message". Returns -1. */
static int bad(struct ld *l, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(struct ld *l, const char *path, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail(l->why, l->wn, "%s: $%s: %s", l->file, path, msg);
}

/* Returns true when every character of s is a letter, a digit, '.', '_',
 * '+' or '-' and its length is in [1, max]. */
static bool plain_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '+' || c == '-'))
            return false;
    }
    return true;
}

/* Returns true when `v` is a number that is an integer in [lo, hi], with
 * it in *out. The range is checked on the double, so nothing out of range
 * (negative, >= 2^32, NaN, infinite) is ever converted. */
static bool json_u32(const cJSON *v, uint32_t lo, uint32_t hi, uint32_t *out)
{
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    if (!(d >= (double)lo && d <= (double)hi) || d != floor(d))
        return false;
    *out = (uint32_t)d;
    return true;
}

/* Checks the object `{"value": ..., "source": "..."}` of parameter `i`
 * (at JSON path `at`) and stores its value. Returns 0 or -1. */
static int parse_param(struct ld *l, size_t i, const cJSON *it, const char *at)
{
    char sub[256];
    if (!cJSON_IsObject(it))
        return bad(l, at, "must be {\"value\": ..., \"source\": \"...\"}");
    const cJSON *v = NULL, *s = NULL;
    for (const cJSON *m = it->child; m; m = m->next) {
        bool is_value = strcmp(m->string, "value") == 0;
        char k[80];
        snprintf(sub, sizeof sub, "%s.%s", at, shown_key(m->string, k, sizeof k));
        if (!is_value && strcmp(m->string, "source") != 0)
            return bad(l, sub, "unknown field (a parameter has \"value\" and \"source\")");
        if (is_value ? v != NULL : s != NULL)
            return bad(l, sub, "appears twice");
        *(is_value ? &v : &s) = m;
    }
    if (!v || !s) {
        snprintf(sub, sizeof sub, "%s.%s", at, v ? "source" : "value");
        return bad(l, sub, "missing");
    }
    if (!cJSON_IsString(s) || !s->valuestring[0]) {
        snprintf(sub, sizeof sub, "%s.source", at);
        return bad(l, sub, "must be a non-empty string naming where the value comes from");
    }
    snprintf(sub, sizeof sub, "%s.value", at);
    if (i >= NPARAMS) {
        if (!cJSON_IsBool(v))
            return bad(l, sub, "must be true or false");
        *(i == PARAM_OOO    ? &l->p->out_of_order
          : i == PARAM_ASID ? &l->p->asid
                            : &l->p->l2_shared) = cJSON_IsTrue(v);
        return 0;
    }
    uint32_t u;
    if (!json_u32(v, params[i].min, params[i].max, &u))
        return bad(l, sub, "must be an integer from %u to %u", params[i].min, params[i].max);
    *(uint32_t *)((char *)l->p + params[i].offset) = u;
    return 0;
}

/* Returns true when v is a power of two. */
static bool pow2(uint32_t v)
{
    return v && (v & (v - 1)) == 0;
}

/* Checks the geometry of cache `name`: lines a power of two, and a power
 * of two of sets (size / (ways * line), at least one). Returns 0 or -1. */
static int check_geom(struct ld *l, const struct tm_cache_geom *g, const char *name)
{
    char at[64];
    if (!pow2(g->line)) {
        snprintf(at, sizeof at, ".parameters.%s_line.value", name);
        return bad(l, at, "must be a power of two");
    }
    uint32_t way_bytes = g->line * g->ways; /* at most 256 * 64 */
    if (g->size % way_bytes != 0 || !pow2(g->size / way_bytes)) {
        snprintf(at, sizeof at, ".parameters.%s_size.value", name);
        return bad(l, at, "%s_size / (%s_ways * %s_line) must be a power of two (the sets)", name,
                   name, name);
    }
    return 0;
}

/* Reads the "parameters" object. Returns 0 or -1. */
static int parse_params(struct ld *l, const cJSON *obj)
{
    struct tm_profile *p = l->p;
    if (!cJSON_IsObject(obj))
        return bad(l, ".parameters", "must be an object");
    bool seen[NALL] = {false};
    for (const cJSON *it = obj->child; it; it = it->next) {
        char at[120], k[80];
        snprintf(at, sizeof at, ".parameters.%s", shown_key(it->string, k, sizeof k));
        size_t i = 0;
        while (i < NALL && strcmp(param_name(i), it->string) != 0)
            i++;
        if (i == NALL)
            return bad(l, at, "unknown parameter");
        if (seen[i])
            return bad(l, at, "appears twice");
        seen[i] = true;
        if (parse_param(l, i, it, at) != 0)
            return -1;
    }
    for (size_t i = 0; i < NALL; i++)
        if (!seen[i]) {
            char at[64];
            snprintf(at, sizeof at, ".parameters.%s", param_name(i));
            return bad(l, at, "missing");
        }
    if (check_geom(l, &p->l1i, "l1i") || check_geom(l, &p->l1d, "l1d") ||
        check_geom(l, &p->l2, "l2"))
        return -1;
    static const struct {
        const char *name;
        size_t offset;
    } pow2s[] = {
        {"tlb_entries", offsetof(struct tm_profile, tlb_entries)},
        {"tlb_ways", offsetof(struct tm_profile, tlb_ways)},
        {"bp_entries", offsetof(struct tm_profile, bp_entries)},
        {"btb_entries", offsetof(struct tm_profile, btb_entries)},
    };
    for (size_t i = 0; i < sizeof pow2s / sizeof pow2s[0]; i++)
        if (!pow2(*(const uint32_t *)((const char *)p + pow2s[i].offset))) {
            char at[64];
            snprintf(at, sizeof at, ".parameters.%s.value", pow2s[i].name);
            return bad(l, at, "must be a power of two");
        }
    if (p->tlb_ways > p->tlb_entries)
        return bad(l, ".parameters.tlb_ways.value", "must not be above tlb_entries (%u)",
                   p->tlb_entries);
    if (p->out_of_order && p->rob_size < p->issue_width)
        return bad(l, ".parameters.rob_size.value",
                   "an out-of-order core needs at least issue_width (%u) entries", p->issue_width);
    return 0;
}

/* The top-level members of a profile. */
enum field { F_NAME, F_ARCH, F_DESC, F_MCPU, F_SOURCES, F_TABLE, F_PARAMS, F_COUNT };
static const char *const fields[F_COUNT] = {
    "name", "arch", "description", "llvm_mcpu", "sources", "instruction_table", "parameters"};

/* Checks "sources": an object of at most SOURCES_MAX non-empty strings
 * with distinct names. Returns 0 or -1. */
static int check_sources(struct ld *l, const cJSON *src)
{
    if (!cJSON_IsObject(src))
        return bad(l, ".sources", "must be an object of strings");
    int n = 0;
    for (const cJSON *it = src->child; it; it = it->next, n++) {
        char at[120], k[80];
        snprintf(at, sizeof at, ".sources.%s", shown_key(it->string, k, sizeof k));
        if (n == SOURCES_MAX)
            return bad(l, ".sources", "more than %d members", SOURCES_MAX);
        if (!cJSON_IsString(it) || !it->valuestring[0])
            return bad(l, at, "must be a non-empty string");
        for (const cJSON *o = src->child; o != it; o = o->next)
            if (strcmp(o->string, it->string) == 0)
                return bad(l, at, "appears twice");
    }
    return 0;
}

/* Returns the 1-based line and column of offset `off` of text[len]. */
static void line_col(const char *text, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n')
            ++*line, *col = 1;
        else
            ++*col;
    }
}

/* Checks what cJSON lets through but a string must not hold: a NUL byte
 * anywhere, a raw control character inside a string (not valid JSON), and
 * the escape \u0000 (it would cut a string short). Returns 0, or -1 with
 * "FILE:LINE:COL: why". */
static int check_bytes(struct ld *l, const char *t, size_t len)
{
    bool in_string = false;
    const char *why = NULL;
    size_t i = 0;
    for (; i < len && !why; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == 0)
            why = "a NUL byte";
        else if (!in_string)
            in_string = c == '"';
        else if (c == '"')
            in_string = false;
        else if (c < 0x20)
            why = "a control character inside a string (not valid JSON)";
        else if (c == '\\' && i + 1 < len) {
            if (t[i + 1] == 'u' && i + 5 < len && memcmp(t + i + 2, "0000", 4) == 0)
                why = "the escape \\u0000 (a NUL) inside a string";
            else
                i++; /* the escaped character */
        }
    }
    if (!why)
        return 0;
    unsigned line, col;
    line_col(t, i - 1, &line, &col);
    return fail(l->why, l->wn, "%s:%u:%u: %s", l->file, line, col, why);
}

static int load_table(struct ld *l, const char *tpath);

/* Reads the profile `text` (NUL-terminated, `len` bytes before the NUL)
 * into l->p. Returns 0 or -1. */
static int parse_profile(struct ld *l, const char *text, size_t len)
{
    struct tm_profile *p = l->p;
    if (check_bytes(l, text, len) != 0)
        return -1;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
    if (root) /* after the value: white space only */
        while (off < len &&
               (text[off] == ' ' || text[off] == '\t' || text[off] == '\r' || text[off] == '\n'))
            off++;
    if (!root || off < len) {
        unsigned line, col;
        line_col(text, off, &line, &col);
        fail(l->why, l->wn, "%s:%u:%u: not valid JSON%s", l->file, line, col,
             root         ? " (text after the profile)"
             : off >= len ? " (it ends too early)"
                          : "");
        cJSON_Delete(root);
        return -1;
    }
    int rc = -1;
    const cJSON *f[F_COUNT] = {NULL};
    if (!cJSON_IsObject(root)) {
        bad(l, "", "must be an object (a CPU profile), not %s",
            cJSON_IsArray(root)    ? "an array"
            : cJSON_IsString(root) ? "a string"
            : cJSON_IsNumber(root) ? "a number"
            : cJSON_IsBool(root)   ? "true or false"
                                   : "null");
        goto out;
    }
    for (const cJSON *it = root->child; it; it = it->next) {
        char at[100], k[80];
        snprintf(at, sizeof at, ".%s", shown_key(it->string, k, sizeof k));
        size_t i = 0;
        while (i < F_COUNT && strcmp(fields[i], it->string) != 0)
            i++;
        if (i == F_COUNT) {
            bad(l, at, "unknown field");
            goto out;
        }
        if (f[i]) {
            bad(l, at, "appears twice");
            goto out;
        }
        f[i] = it;
    }
    static const enum field required[] = {F_NAME, F_ARCH, F_MCPU, F_TABLE, F_PARAMS};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!f[required[i]]) {
            char at[40];
            snprintf(at, sizeof at, ".%s", fields[required[i]]);
            bad(l, at, "missing");
            goto out;
        }
    const cJSON *name = f[F_NAME], *arch = f[F_ARCH], *mcpu = f[F_MCPU], *table = f[F_TABLE];
    if (!cJSON_IsString(name) || !plain_name(name->valuestring, sizeof p->name - 1)) {
        bad(l, ".name", "must be a string of 1 to %zu letters, digits, '.', '_', '+' or '-'",
            sizeof p->name - 1);
        goto out;
    }
    if (!cJSON_IsString(arch) || !emu_arch_by_name(arch->valuestring)) {
        bad(l, ".arch", "must be \"x86_64\", \"aarch64\" or \"riscv64\"");
        goto out;
    }
    if (f[F_DESC] && !cJSON_IsString(f[F_DESC])) {
        bad(l, ".description", "must be a string");
        goto out;
    }
    if (!cJSON_IsString(mcpu) || !plain_name(mcpu->valuestring, sizeof p->llvm_mcpu - 1)) {
        bad(l, ".llvm_mcpu", "must be a string of 1 to %zu letters, digits, '.', '_', '+' or '-'",
            sizeof p->llvm_mcpu - 1);
        goto out;
    }
    if (f[F_SOURCES] && check_sources(l, f[F_SOURCES]) != 0)
        goto out;
    if (!cJSON_IsString(table) || !plain_name(table->valuestring, NAME_MAX_LEN) ||
        table->valuestring[0] == '.') {
        bad(l, ".instruction_table",
            "must be the name of a file beside the profile (1 to %d letters, digits, '.', '_', "
            "'+' or '-', not starting with '.')",
            NAME_MAX_LEN);
        goto out;
    }
    snprintf(p->name, sizeof p->name, "%s", name->valuestring);
    snprintf(p->arch, sizeof p->arch, "%s", arch->valuestring);
    snprintf(p->llvm_mcpu, sizeof p->llvm_mcpu, "%s", mcpu->valuestring);
    if (parse_params(l, f[F_PARAMS]) != 0)
        goto out;
    /* the table lives beside the profile: DIR/NAME (p->path < 512 bytes,
     * the name <= NAME_MAX_LEN) */
    char tpath[sizeof p->path + NAME_MAX_LEN + 8];
    const char *slash = strrchr(p->path, '/');
    if (slash)
        snprintf(tpath, sizeof tpath, "%.*s/%s", (int)(slash - p->path), p->path,
                 table->valuestring);
    else
        snprintf(tpath, sizeof tpath, "%s", table->valuestring);
    if (load_table(l, tpath) != 0)
        goto out;
    /* An instruction the table does not know: one micro-op of latency one
     * that takes an issue slot (docs/timing-model.md). */
    p->fallback =
        (struct tm_cost){.uops = 1, .latency = 1, .rthroughput = 1.0f / p->issue_width, .self = 1};
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

/* ---- the instruction table (tab-separated text) -------------------------- */

/* Returns true when s is a plain decimal "DIGITS[.DIGITS]" whose value is
 * at most TABLE_MAX_NUMBER, with it in *out (no sign, exponent, hex, NaN
 * or infinity). */
static bool table_number(const char *s, size_t n, bool integer, double *out)
{
    size_t i = 0, digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (digits == 0)
        return false;
    if (i < n && s[i] == '.' && !integer) {
        size_t k = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == k)
            return false;
    }
    if (i != n || n > 40)
        return false;
    char tmp[48];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double v = strtod(tmp, NULL);
    if (!(v >= 0 && v <= TABLE_MAX_NUMBER))
        return false;
    *out = v;
    return true;
}

/* One key and the line it came from, for finding duplicates. */
struct keyline {
    const char *key;
    unsigned line;
};

/* Orders keys, then lines. Returns <0, 0 or >0. */
static int keyline_cmp(const void *a, const void *b)
{
    const struct keyline *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Orders rows by key. Returns <0, 0 or >0. */
static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tm_row *)a)->key, ((const struct tm_row *)b)->key);
}

/* Parses the "ports" line (its text after "ports"). Returns 0, or -1
 * with the reason (no position) in msg[mn]. */
static int parse_ports(struct tm_profile *p, char *s, char *msg, size_t mn)
{
    p->nports = 0;
    while (*s) {
        if (*s != '\t') {
            snprintf(msg, mn, "ports: port names are separated by tabs");
            return -1;
        }
        char *name = ++s;
        while (*s && *s != '\t')
            s++;
        size_t n = (size_t)(s - name);
        if (n == 0 || n >= sizeof p->ports[0] || memchr(name, ' ', n)) {
            snprintf(msg, mn, "ports: a port name is 1 to %zu characters without spaces",
                     sizeof p->ports[0] - 1);
            return -1;
        }
        if (p->nports == TM_MAX_PORTS) {
            snprintf(msg, mn, "ports: more than %d ports", TM_MAX_PORTS);
            return -1;
        }
        memcpy(p->ports[p->nports], name, n);
        p->ports[p->nports++][n] = '\0';
    }
    return 0;
}

/* Parses one table row "key\tuops\tlatency\trthroughput\tself\tflags\t
 * p0 p1 ..." (the line, without its end, modified in place) into r.
 * Returns 0, or -1 with the reason (no position) in msg[mn]. */
static int parse_row(const struct tm_profile *p, char *line, struct tm_row *r, char *msg, size_t mn)
{
    static const char *const names[4] = {"uops", "latency", "rthroughput", "self"};
    char *f[7];
    unsigned nf = 0;
    for (char *s = line;; s++) {
        if (nf < 7)
            f[nf] = s;
        nf++;
        s = strchr(s, '\t');
        if (!s)
            break;
        *s = '\0';
    }
    if (nf != 7) {
        snprintf(msg, mn,
                 "%u tab-separated fields, expected 7 (key, uops, latency, rthroughput, self, "
                 "flags, port pressures)",
                 nf);
        return -1;
    }
    size_t klen = strlen(f[0]);
    if (klen == 0 || klen >= sizeof r->key) {
        snprintf(msg, mn, "key: must be 1 to %zu characters", sizeof r->key - 1);
        return -1;
    }
    memcpy(r->key, f[0], klen + 1);
    double v[4];
    for (int i = 0; i < 4; i++)
        if (!table_number(f[1 + i], strlen(f[1 + i]), i < 2, &v[i])) {
            snprintf(msg, mn, "%s: must be %s from 0 to %.0f", names[i],
                     i < 2 ? "an integer" : "a decimal number", TABLE_MAX_NUMBER);
            return -1;
        }
    r->cost.uops = (uint16_t)v[0];
    r->cost.latency = (uint16_t)v[1];
    r->cost.rthroughput = (float)v[2];
    r->cost.self = (float)v[3];
    const char *fl = f[5];
    if (strcmp(fl, "-") != 0 && strcmp(fl, "L") != 0 && strcmp(fl, "S") != 0 &&
        strcmp(fl, "LS") != 0) {
        snprintf(msg, mn, "flags: must be -, L, S or LS");
        return -1;
    }
    r->cost.load = strchr(fl, 'L') != NULL;
    r->cost.store = strchr(fl, 'S') != NULL;
    char *s = f[6];
    unsigned k = 0;
    for (;;) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        size_t n = strcspn(s, " ");
        double d;
        if (k == p->nports || !table_number(s, n, false, &d)) {
            k = p->nports + 1;
            break;
        }
        r->cost.pressure[k++] = (float)d;
        s += n;
    }
    if (k != p->nports) {
        snprintf(msg, mn,
                 "port pressures: must be %u decimal numbers from 0 to %.0f (one per port)",
                 p->nports, TABLE_MAX_NUMBER);
        return -1;
    }
    return 0;
}

int tm_table_load_text(struct tm_profile *p, const char *path, const char *text, size_t len,
                       char *why, size_t wn)
{
    char file[600];
    hf_printable(path, strlen(path), file, sizeof file);
    free(p->rows);
    p->rows = NULL;
    p->nrows = 0;
    p->nports = 0;
    if (len > TABLE_MAX_BYTES)
        return fail(why, wn, "%s: larger than %u bytes", file, TABLE_MAX_BYTES);
    char *buf = malloc(len + 1);
    struct keyline *kl = NULL;
    if (!buf)
        return fail(why, wn, "%s: out of memory", file);
    memcpy(buf, text, len);
    buf[len] = '\0';
    size_t cap = 0;
    unsigned lineno = 0;
    bool ports_seen = false;
    int rc = -1;
    char msg[200];
    for (char *line = buf, *next; line < buf + len; line = next) {
        char *nl = memchr(line, '\n', (size_t)(buf + len - line));
        next = nl ? nl + 1 : buf + len;
        size_t n = (size_t)((nl ? nl : buf + len) - line);
        lineno++;
        if (n > 0 && line[n - 1] == '\r')
            n--; /* CRLF */
        line[n] = '\0';
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)line[i];
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                fail(why, wn, "%s:%u: a control character (byte 0x%02x)", file, lineno, c);
                goto out;
            }
        }
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "ports\t", 6) == 0 || strcmp(line, "ports") == 0) {
            if (ports_seen || p->nrows > 0) {
                fail(why, wn, "%s:%u: ports: one ports line, before the first row", file, lineno);
                goto out;
            }
            ports_seen = true;
            if (parse_ports(p, line + 5, msg, sizeof msg) != 0) {
                fail(why, wn, "%s:%u: %s", file, lineno, msg);
                goto out;
            }
            continue;
        }
        if (p->nrows == cap) {
            if (cap >= TABLE_MAX_ROWS) {
                fail(why, wn, "%s:%u: more than %u rows", file, lineno, TABLE_MAX_ROWS);
                goto out;
            }
            cap = cap ? cap * 2 : 256;
            struct tm_row *nr = realloc(p->rows, cap * sizeof *nr);
            struct keyline *nk = realloc(kl, cap * sizeof *nk);
            if (nr)
                p->rows = nr;
            if (nk)
                kl = nk;
            if (!nr || !nk) {
                fail(why, wn, "%s: out of memory", file);
                goto out;
            }
        }
        struct tm_row *r = &p->rows[p->nrows];
        memset(r, 0, sizeof *r);
        if (parse_row(p, line, r, msg, sizeof msg) != 0) {
            fail(why, wn, "%s:%u: %s", file, lineno, msg);
            goto out;
        }
        kl[p->nrows].line = lineno; /* its key is set below, once rows stop moving */
        p->nrows++;
    }
    if (p->nrows == 0) {
        fail(why, wn, "%s: no instruction rows", file);
        goto out;
    }
    /* keys must be unique: sort them with their lines, then the rows */
    for (size_t i = 0; i < p->nrows; i++)
        kl[i].key = p->rows[i].key;
    qsort(kl, p->nrows, sizeof *kl, keyline_cmp);
    for (size_t i = 1; i < p->nrows; i++)
        if (strcmp(kl[i - 1].key, kl[i].key) == 0) {
            char k[80];
            fail(why, wn, "%s:%u: key \"%s\" appears twice (first on line %u)", file, kl[i].line,
                 shown_key(kl[i].key, k, sizeof k), kl[i - 1].line);
            goto out;
        }
    qsort(p->rows, p->nrows, sizeof *p->rows, row_cmp);
    rc = 0;
out:
    free(kl);
    free(buf);
    if (rc != 0) {
        free(p->rows);
        p->rows = NULL;
        p->nrows = 0;
    }
    return rc;
}

/* Reads the table file `tpath` named by the profile. Returns 0 or -1. */
static int load_table(struct ld *l, const char *tpath)
{
    char err[700];
    size_t len;
    uint8_t *text = hf_read_input(tpath, TABLE_MAX_BYTES, &len, err, sizeof err);
    if (!text) {
        char shown[700];
        hf_printable(err, strlen(err), shown, sizeof shown);
        return bad(l, ".instruction_table", "%s", shown);
    }
    int rc = tm_table_load_text(l->p, tpath, (const char *)text, len, l->why, l->wn);
    free(text);
    return rc;
}

/* ---- entry points -------------------------------------------------------- */

int tm_profile_load_text(struct tm_profile *p, const char *path, const char *text, size_t len,
                         char *why, size_t wn)
{
    memset(p, 0, sizeof *p);
    char file[600];
    hf_printable(path, strlen(path), file, sizeof file);
    struct ld l = {.p = p, .file = file, .why = why, .wn = wn};
    if (strlen(path) >= sizeof p->path)
        return fail(why, wn, "%s: the path is longer than %zu bytes", file, sizeof p->path - 1);
    memcpy(p->path, path, strlen(path) + 1);
    if (len > PROFILE_MAX_BYTES)
        return fail(why, wn, "%s: larger than %u bytes", file, PROFILE_MAX_BYTES);
    /* cJSON reads up to a NUL: give it a copy that has one */
    char *copy = malloc(len + 1);
    if (!copy)
        return fail(why, wn, "%s: out of memory", file);
    memcpy(copy, text, len);
    copy[len] = '\0';
    int rc = parse_profile(&l, copy, len);
    free(copy);
    if (rc != 0)
        tm_profile_free(p);
    return rc;
}

int tm_profile_load(struct tm_profile *p, const char *name_or_path, char *why, size_t wn)
{
    memset(p, 0, sizeof *p);
    char path[sizeof p->path], shown[600];
    size_t len = strlen(name_or_path);
    bool is_path =
        strchr(name_or_path, '/') || (len > 5 && strcmp(name_or_path + len - 5, ".json") == 0);
    int n;
    if (is_path) {
        n = snprintf(path, sizeof path, "%s", name_or_path);
    } else {
        hf_printable(name_or_path, len, shown, sizeof shown);
        if (!plain_name(name_or_path, sizeof p->name - 1))
            return fail(why, wn,
                        "unknown CPU profile \"%s\" (a name is 1 to %zu letters, digits, "
                        "'.', '_', '+' or '-'; or give a path to a .json file)",
                        shown, sizeof p->name - 1);
        n = snprintf(path, sizeof path, "%s/%s.json", tm_profile_dir(), name_or_path);
    }
    if (n < 0 || (size_t)n >= sizeof path) {
        hf_printable(name_or_path, len, shown, sizeof shown);
        return fail(why, wn, "%s: the path is longer than %zu bytes", shown, sizeof path - 1);
    }
    struct stat st;
    if (!is_path && stat(path, &st) != 0 && errno == ENOENT) {
        char file[600];
        hf_printable(path, strlen(path), file, sizeof file);
        return fail(why, wn, "unknown CPU profile \"%s\" (no %s)", shown, file);
    }
    char err[700];
    size_t tlen;
    uint8_t *text = hf_read_input(path, PROFILE_MAX_BYTES, &tlen, err, sizeof err);
    if (!text) {
        hf_printable(err, strlen(err), shown, sizeof shown);
        return fail(why, wn, "%s", shown);
    }
    int rc = tm_profile_load_text(p, path, (const char *)text, tlen, why, wn);
    free(text);
    return rc;
}

void tm_profile_free(struct tm_profile *p)
{
    free(p->rows);
    p->rows = NULL;
    p->nrows = 0;
}

/* Returns the index of the first row whose key is not below `key`'s first
 * `n` characters. */
static size_t lower_bound(const struct tm_profile *p, const char *key, size_t n)
{
    size_t lo = 0, hi = p->nrows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strncmp(p->rows[mid].key, key, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct tm_row *tm_lookup(const struct tm_profile *p, const char *key, bool *exact)
{
    size_t i = lower_bound(p, key, strlen(key) + 1);
    *exact = i < p->nrows && strcmp(p->rows[i].key, key) == 0;
    if (*exact)
        return &p->rows[i];
    /* Keys are "mnemonic kinds": the first row of the same mnemonic sorts
     * right at the mnemonic ("add" < "add r64,r64" < "add.w" < "addi"). */
    size_t m = strcspn(key, " ");
    i = lower_bound(p, key, m);
    if (i < p->nrows && strncmp(p->rows[i].key, key, m) == 0 &&
        (p->rows[i].key[m] == ' ' || p->rows[i].key[m] == '\0'))
        return &p->rows[i];
    return NULL;
}
