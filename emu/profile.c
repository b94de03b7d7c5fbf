/* emu/profile.c: reading CPU profiles (profiles/<name>.json) and their
 * generated instruction tables (profiles/<name>.insns). See timing.h and
 * docs/timing-model.md for the format. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/timing.h"

#ifndef IPCEMU_PROFILE_DIR
#define IPCEMU_PROFILE_DIR "profiles"
#endif

#define PROFILE_MAX_BYTES (1u << 20)
#define TABLE_MAX_ROWS 100000u

const char *tm_profile_dir(void)
{
    const char *env = getenv("IPCEMU_PROFILE_PATH");
    return env && *env ? env : IPCEMU_PROFILE_DIR;
}

static int fail(char *why, size_t wn, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, wn, fmt, ap);
    va_end(ap);
    return -1;
}

/* Reads a whole file (at most `max` bytes) into a NUL-terminated buffer. */
static char *slurp(const char *path, size_t max, char *why, size_t wn)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(why, wn, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    int err = ferror(f);
    fclose(f);
    if (!buf || err || n > max) {
        fail(why, wn, "%s: %s", path, !buf ? "out of memory" : err ? "read error" : "too large");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* One numeric parameter: {"value": N, "source": "..."}. */
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
    P(issue_width, 1, 16),        P(rob_size, 0, 4096),        G(l1i, size, 1024, 1u << 24),
    G(l1i, ways, 1, 64),          G(l1i, line, 16, 256),       G(l1i, latency, 0, 100),
    G(l1d, size, 1024, 1u << 24), G(l1d, ways, 1, 64),         G(l1d, line, 16, 256),
    G(l1d, latency, 0, 100),      G(l2, size, 4096, 1u << 28), G(l2, ways, 1, 64),
    G(l2, line, 16, 256),         G(l2, latency, 1, 1000),     P(mem_latency, 1, 100000),
    P(tlb_entries, 1, 1u << 16),  P(tlb_ways, 1, 1u << 16),    P(tlb_walk, 0, 100000),
    P(bp_entries, 2, 1u << 24),   P(bp_history, 0, 24),        P(btb_entries, 1, 1u << 20),
    P(ras_depth, 1, 1024),        P(mispredict, 0, 1000),      P(trap_entry, 0, 100000),
    P(trap_return, 0, 100000),    P(as_switch, 0, 100000),     P(as_switch_asid, 0, 100000),
    P(mmio_latency, 0, 100000),
};

static bool pow2(uint32_t v)
{
    return v && (v & (v - 1)) == 0;
}

/* Checks the geometry of a cache: sets a power of two, lines a power of
 * two. */
static int check_geom(const struct tm_cache_geom *g, const char *name, const char *path, char *why,
                      size_t wn)
{
    if (!pow2(g->line) || g->size % (g->line * g->ways) != 0 ||
        !pow2(g->size / (g->line * g->ways)))
        return fail(why, wn,
                    "%s: parameters.%s_*: size / (ways * line) must be a power of two and line a "
                    "power of two",
                    path, name);
    return 0;
}

static int parse_params(struct tm_profile *p, const cJSON *obj, char *why, size_t wn)
{
    if (!cJSON_IsObject(obj))
        return fail(why, wn, "%s: \"parameters\" must be an object", p->path);
    for (const cJSON *it = obj->child; it; it = it->next) {
        size_t i = 0, n = sizeof params / sizeof params[0];
        bool out_of_order = strcmp(it->string, "out_of_order") == 0;
        bool asid = strcmp(it->string, "asid") == 0;
        while (i < n && strcmp(params[i].name, it->string) != 0)
            i++;
        if (i == n && !out_of_order && !asid)
            return fail(why, wn, "%s: parameters.%s: unknown parameter", p->path, it->string);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "value");
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "source");
        if (!cJSON_IsObject(it) || !v || !cJSON_IsString(s) || !*s->valuestring ||
            cJSON_GetArraySize(it) != 2)
            return fail(why, wn,
                        "%s: parameters.%s: must be {\"value\": ..., \"source\": \"...\"} with a "
                        "non-empty source",
                        p->path, it->string);
        if (out_of_order || asid) {
            if (!cJSON_IsBool(v))
                return fail(why, wn, "%s: parameters.%s.value: must be true or false", p->path,
                            it->string);
            *(out_of_order ? &p->out_of_order : &p->asid) = cJSON_IsTrue(v);
            continue;
        }
        double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
        if (d != (double)(uint32_t)d || d < params[i].min || d > params[i].max)
            return fail(why, wn, "%s: parameters.%s.value: must be an integer in [%u, %u]", p->path,
                        it->string, params[i].min, params[i].max);
        *(uint32_t *)((char *)p + params[i].offset) = (uint32_t)d;
    }
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        if (!cJSON_GetObjectItemCaseSensitive(obj, params[i].name))
            return fail(why, wn, "%s: parameters.%s: missing", p->path, params[i].name);
    if (!cJSON_GetObjectItemCaseSensitive(obj, "out_of_order") ||
        !cJSON_GetObjectItemCaseSensitive(obj, "asid"))
        return fail(why, wn, "%s: parameters.%s: missing", p->path,
                    cJSON_GetObjectItemCaseSensitive(obj, "asid") ? "out_of_order" : "asid");
    if (check_geom(&p->l1i, "l1i", p->path, why, wn) ||
        check_geom(&p->l1d, "l1d", p->path, why, wn) || check_geom(&p->l2, "l2", p->path, why, wn))
        return -1;
    if (!pow2(p->bp_entries) || !pow2(p->btb_entries) || !pow2(p->tlb_entries) ||
        !pow2(p->tlb_ways) || p->tlb_ways > p->tlb_entries)
        return fail(why, wn,
                    "%s: parameters: bp_entries, btb_entries, tlb_entries and tlb_ways must be "
                    "powers of two (tlb_ways <= tlb_entries)",
                    p->path);
    if (p->out_of_order && p->rob_size < p->issue_width)
        return fail(why, wn, "%s: parameters.rob_size: an out-of-order core needs one", p->path);
    return 0;
}

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tm_row *)a)->key, ((const struct tm_row *)b)->key);
}

/* Parses one table row
 * "key\tuops\tlatency\trthroughput\tself\tflags\tp0 p1 ...". */
static int parse_row(struct tm_profile *p, char *line, struct tm_row *r)
{
    char *f[7];
    for (int i = 0; i < 7; i++) {
        f[i] = line;
        char *tab = i < 6 ? strchr(line, '\t') : NULL;
        if (i < 6 && !tab)
            return -1;
        if (tab) {
            *tab = '\0';
            line = tab + 1;
        }
    }
    if (strlen(f[0]) == 0 || strlen(f[0]) >= sizeof r->key)
        return -1;
    strcpy(r->key, f[0]);
    char *end;
    long uops = strtol(f[1], &end, 10);
    if (*end || uops < 0 || uops > 1000)
        return -1;
    long lat = strtol(f[2], &end, 10);
    if (*end || lat < 0 || lat > 10000)
        return -1;
    double rt = strtod(f[3], &end);
    if (*end || !(rt >= 0 && rt <= 10000))
        return -1;
    r->cost.uops = (uint16_t)uops;
    r->cost.latency = (uint16_t)lat;
    r->cost.rthroughput = (float)rt;
    double self = strtod(f[4], &end);
    if (*end || !(self >= 0 && self <= 10000))
        return -1;
    r->cost.self = (float)self;
    r->cost.load = strchr(f[5], 'L') != NULL;
    r->cost.store = strchr(f[5], 'S') != NULL;
    char *s = f[6];
    for (unsigned i = 0; i < p->nports; i++) {
        double v = strtod(s, &end);
        if (end == s || !(v >= 0 && v <= 10000))
            return -1;
        r->cost.pressure[i] = (float)v;
        s = end;
    }
    while (*s == ' ' || *s == '\r')
        s++;
    return *s ? -1 : 0;
}

static int load_table(struct tm_profile *p, const char *path, char *why, size_t wn)
{
    char *text = slurp(path, 64u << 20, why, wn);
    if (!text)
        return -1;
    size_t cap = 0;
    unsigned lineno = 0;
    int rc = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "ports\t", 6) == 0) {
            p->nports = 0;
            for (char *t = strtok(line + 6, "\t\r"); t; t = strtok(NULL, "\t\r")) {
                if (p->nports == TM_MAX_PORTS || strlen(t) >= sizeof p->ports[0]) {
                    rc = fail(why, wn, "%s:%u: too many or too long port names", path, lineno);
                    goto out;
                }
                strcpy(p->ports[p->nports++], t);
            }
            continue;
        }
        if (p->nrows == cap) {
            if (cap >= TABLE_MAX_ROWS) {
                rc = fail(why, wn, "%s:%u: more than %u rows", path, lineno, TABLE_MAX_ROWS);
                goto out;
            }
            cap = cap ? cap * 2 : 256;
            struct tm_row *n = realloc(p->rows, cap * sizeof *n);
            if (!n) {
                rc = fail(why, wn, "%s: out of memory", path);
                goto out;
            }
            p->rows = n;
        }
        struct tm_row *r = &p->rows[p->nrows];
        memset(r, 0, sizeof *r);
        if (parse_row(p, line, r) != 0) {
            rc = fail(
                why, wn,
                "%s:%u: expected key<TAB>uops<TAB>latency<TAB>rthroughput<TAB>self<TAB>flags<TAB>"
                "%u port pressures",
                path, lineno, p->nports);
            goto out;
        }
        p->nrows++;
    }
    if (p->nrows == 0)
        rc = fail(why, wn, "%s: no instruction rows", path);
    qsort(p->rows, p->nrows, sizeof *p->rows, row_cmp);
    for (size_t i = 1; rc == 0 && i < p->nrows; i++)
        if (strcmp(p->rows[i - 1].key, p->rows[i].key) == 0)
            rc = fail(why, wn, "%s: key \"%s\" appears twice", path, p->rows[i].key);
out:
    free(text);
    return rc;
}

/* Resolves `name_or_path` to a file name. */
static void profile_path(const char *name_or_path, char *out, size_t n)
{
    size_t len = strlen(name_or_path);
    if (strchr(name_or_path, '/') || (len > 5 && strcmp(name_or_path + len - 5, ".json") == 0))
        snprintf(out, n, "%s", name_or_path);
    else
        snprintf(out, n, "%s/%s.json", tm_profile_dir(), name_or_path);
}

static const char *str_field(const cJSON *root, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int tm_profile_load(struct tm_profile *p, const char *name_or_path, char *why, size_t wn)
{
    memset(p, 0, sizeof *p);
    profile_path(name_or_path, p->path, sizeof p->path);
    char *text = slurp(p->path, PROFILE_MAX_BYTES, why, wn);
    if (!text) {
        if (!strchr(name_or_path, '/'))
            fail(why, wn, "unknown CPU profile \"%s\" (no %s)", name_or_path, p->path);
        return -1;
    }
    const char *err_at = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &err_at, 1);
    int rc = 0;
    if (!root) {
        unsigned line = 1, col = 1;
        for (const char *q = text; err_at && q < err_at; q++)
            line += *q == '\n', col = *q == '\n' ? 1 : col + 1;
        rc = fail(why, wn, "%s:%u:%u: not valid JSON", p->path, line, col);
        goto out;
    }
    static const char *const known[] = {
        "name", "arch", "description", "llvm_mcpu", "sources", "instruction_table", "parameters"};
    for (const cJSON *it = root->child; it; it = it->next) {
        size_t i = 0, n = sizeof known / sizeof known[0];
        while (i < n && strcmp(known[i], it->string) != 0)
            i++;
        if (i == n) {
            rc = fail(why, wn, "%s: %s: unknown field", p->path, it->string);
            goto out;
        }
    }
    const char *name = str_field(root, "name"), *arch = str_field(root, "arch");
    const char *mcpu = str_field(root, "llvm_mcpu"), *table = str_field(root, "instruction_table");
    const char *missing = !name    ? "name"
                          : !arch  ? "arch"
                          : !mcpu  ? "llvm_mcpu"
                          : !table ? "instruction_table"
                                   : NULL;
    if (missing) {
        rc = fail(why, wn, "%s: %s: missing or not a string", p->path, missing);
        goto out;
    }
    if (strlen(name) >= sizeof p->name || strlen(arch) >= sizeof p->arch ||
        strlen(mcpu) >= sizeof p->llvm_mcpu || !emu_arch_by_name(arch)) {
        rc =
            fail(why, wn, "%s: name, arch or llvm_mcpu: too long or unknown architecture", p->path);
        goto out;
    }
    strcpy(p->name, name);
    strcpy(p->arch, arch);
    strcpy(p->llvm_mcpu, mcpu);
    if ((rc = parse_params(p, cJSON_GetObjectItemCaseSensitive(root, "parameters"), why, wn)) != 0)
        goto out;
    if (strchr(table, '/') || strlen(table) > 200) {
        rc = fail(why, wn, "%s: instruction_table: a file name beside the profile", p->path);
        goto out;
    }
    char tpath[768];
    const char *slash = strrchr(p->path, '/');
    int dlen = slash ? (int)(slash - p->path) : 1;
    snprintf(tpath, sizeof tpath, "%.*s/%s", dlen, slash ? p->path : ".", table);
    if ((rc = load_table(p, tpath, why, wn)) != 0)
        goto out;
    /* An instruction the table does not know: one micro-op of latency one
     * that takes an issue slot (docs/timing-model.md). */
    p->fallback =
        (struct tm_cost){.uops = 1, .latency = 1, .rthroughput = 1.0f / p->issue_width, .self = 1};
out:
    cJSON_Delete(root);
    free(text);
    if (rc != 0)
        tm_profile_free(p);
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
