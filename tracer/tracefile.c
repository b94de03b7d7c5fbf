/* tracer/tracefile.c: the binary trace file (see tracefile.h). */
#include "tracer/tracefile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "IPCEMUTR"
#define VERSION 1u
#define FILE_MAX (1ull << 32)

/* ---- writing ------------------------------------------------------------- */

struct out {
    uint8_t *buf;
    size_t len, cap;
    bool oom;
};

static void put(struct out *o, const void *p, size_t n)
{
    if (o->oom)
        return;
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n)
            cap *= 2;
        uint8_t *b = realloc(o->buf, cap);
        if (!b) {
            o->oom = true;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static void put_var(struct out *o, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    put(o, b, n);
}

static void put_u64(struct out *o, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put(o, b, 8);
}

static void put_blob(struct out *o, const void *p, size_t n)
{
    put_var(o, n);
    put(o, p, n);
}

static uint64_t fnv(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

int trc_file_write(const char *path, const struct trc_file_meta *m, const struct trc_log *log,
                   char *err, size_t n)
{
    struct out o = {0};
    put(&o, MAGIC, 8);
    uint8_t ver[4] = {VERSION, 0, 0, 0};
    put(&o, ver, 4);
    char settings[1024];
    int sl = snprintf(settings, sizeof settings,
                      "kind=%s\narch=%s\ncpu=%s\nexact_caches=%d\nmax_cycles=%" PRIu64
                      "\nseed=%" PRIu64 "\nquantum=%" PRIu64 "\ncap_cache=%u\nram=%" PRIu64
                      "\ndemo=%u\nbuild=%s\nscenario_path=%s\n",
                      m->kind, m->arch, m->cpu, m->exact_caches ? 1 : 0, m->max_cycles, m->seed,
                      m->quantum, m->cap_cache, m->ram, m->demo, m->build, m->scenario_path);
    put_blob(&o, settings, (size_t)sl < sizeof settings ? (size_t)sl : sizeof settings - 1);
    put_blob(&o, m->scenario ? m->scenario : "", m->scenario ? m->scenario_len : 0);
    put_var(&o, log->nev);
    uint64_t prev = 0;
    for (size_t i = 0; i < log->nev; i++) {
        const struct trc_event *e = &log->ev[i];
        put_var(&o, e->cycle - prev);
        prev = e->cycle;
        put_var(&o, e->core);
        put_var(&o, e->type);
        put_var(&o, e->pid);
        for (int k = 0; k < TRC_NARGS; k++)
            put_var(&o, e->arg[k]);
    }
    put_blob(&o, log->console, log->console_len);
    put_u64(&o, m->hash);
    put_u64(&o, m->cycles);
    put_u64(&o, m->instructions);
    put_u64(&o, fnv(o.buf, o.len));
    int rc = -1;
    FILE *f = NULL;
    if (o.oom)
        snprintf(err, n, "out of memory writing the trace");
    else if (!(f = fopen(path, "wb")) || fwrite(o.buf, 1, o.len, f) != o.len)
        snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
    else
        rc = 0;
    if (f && fclose(f) != 0 && rc == 0) {
        snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(o.buf);
    return rc;
}

/* ---- reading ------------------------------------------------------------- */

struct in {
    const uint8_t *p;
    size_t len, at;
    bool bad;
};

static uint64_t get_var(struct in *in)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (in->at >= in->len) {
            in->bad = true;
            return 0;
        }
        uint8_t b = in->p[in->at++];
        if (shift == 63 && (b & 0x7e)) {
            in->bad = true; /* more than 64 bits */
            return 0;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    in->bad = true;
    return 0;
}

static uint64_t get_u64(struct in *in)
{
    if (in->len - in->at < 8 || in->at > in->len) {
        in->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)in->p[in->at + (size_t)i] << (8 * i);
    in->at += 8;
    return v;
}

/* A length-prefixed byte string inside the input, or NULL. */
static const uint8_t *get_blob(struct in *in, size_t *n)
{
    uint64_t len = get_var(in);
    if (in->bad || len > in->len - in->at) {
        in->bad = true;
        return NULL;
    }
    *n = (size_t)len;
    const uint8_t *p = in->p + in->at;
    in->at += (size_t)len;
    return p;
}

/* Copies setting `key` from the settings text into out[n]. */
static void setting(const char *text, size_t len, const char *key, char *out, size_t n)
{
    size_t kl = strlen(key);
    out[0] = '\0';
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        if (e - i > kl && memcmp(text + i, key, kl) == 0 && text[i + kl] == '=') {
            size_t vl = e - i - kl - 1;
            snprintf(out, n, "%.*s", (int)(vl < n ? vl : n - 1), text + i + kl + 1);
            return;
        }
        i = e + 1;
    }
}

static uint64_t setting_u64(const char *text, size_t len, const char *key)
{
    char v[32];
    setting(text, len, key, v, sizeof v);
    return strtoull(v, NULL, 10);
}

int trc_file_scan(const char *path, struct trc_file_meta *m, const struct trc_file_sink *sink,
                  char *err, size_t n)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, n, "%s: %s", path, strerror(errno));
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = size > 0 && (unsigned long long)size < FILE_MAX ? malloc((size_t)size) : NULL;
    size_t got = buf ? fread(buf, 1, (size_t)size, f) : 0;
    fclose(f);
    int rc = -1;
    struct in in = {buf, got, 0, false};
    if (!buf || got != (size_t)size) {
        snprintf(err, n, "%s: %s", path, size <= 0 ? "empty" : "cannot read it");
        goto out;
    }
    if (got < 12 + 8 || memcmp(buf, MAGIC, 8) != 0) {
        snprintf(err, n, "%s: not an ipcemu trace (no IPCEMUTR header)", path);
        goto out;
    }
    if (buf[8] != VERSION || buf[9] || buf[10] || buf[11]) {
        snprintf(err, n, "%s: trace format version %u; this ipcemu reads version %u", path, buf[8],
                 VERSION);
        goto out;
    }
    in.at = 12;
    in.len = got - 8;
    uint64_t want = 0;
    for (int i = 0; i < 8; i++)
        want |= (uint64_t)buf[got - 8 + (size_t)i] << (8 * i);
    if (fnv(buf, got - 8) != want) {
        snprintf(err, n, "%s: the file's checksum does not match: truncated or altered", path);
        goto out;
    }
    size_t sl = 0, scl = 0;
    const char *settings = (const char *)get_blob(&in, &sl);
    const uint8_t *scenario = get_blob(&in, &scl);
    if (in.bad) {
        snprintf(err, n, "%s: byte %zu: the settings do not fit the file", path, in.at);
        goto out;
    }
    setting(settings, sl, "kind", m->kind, sizeof m->kind);
    setting(settings, sl, "arch", m->arch, sizeof m->arch);
    setting(settings, sl, "cpu", m->cpu, sizeof m->cpu);
    setting(settings, sl, "build", m->build, sizeof m->build);
    setting(settings, sl, "scenario_path", m->scenario_path, sizeof m->scenario_path);
    m->exact_caches = setting_u64(settings, sl, "exact_caches") != 0;
    m->max_cycles = setting_u64(settings, sl, "max_cycles");
    m->seed = setting_u64(settings, sl, "seed");
    m->quantum = setting_u64(settings, sl, "quantum");
    m->ram = setting_u64(settings, sl, "ram");
    m->cap_cache = (uint32_t)setting_u64(settings, sl, "cap_cache");
    m->demo = (uint32_t)setting_u64(settings, sl, "demo");
    if (strcmp(m->kind, "run") != 0 && strcmp(m->kind, "boot") != 0) {
        snprintf(err, n, "%s: unknown kind of run \"%s\"", path, m->kind);
        goto out;
    }
    if (scl) {
        if (!(m->scenario = malloc(scl + 1))) {
            snprintf(err, n, "%s: out of memory", path);
            goto out;
        }
        memcpy(m->scenario, scenario, scl);
        m->scenario[scl] = '\0';
        m->scenario_len = scl;
    }
    uint64_t nev = get_var(&in), prev = 0;
    if (in.bad || nev > (in.len - in.at) / 8) {
        snprintf(err, n, "%s: byte %zu: the event count does not fit the file", path, in.at);
        goto out;
    }
    for (uint64_t i = 0; i < nev && !in.bad; i++) {
        struct trc_event e = {0};
        e.cycle = prev + get_var(&in);
        prev = e.cycle;
        e.core = (uint32_t)get_var(&in);
        e.type = (uint32_t)get_var(&in);
        e.pid = (uint32_t)get_var(&in);
        for (int k = 0; k < TRC_NARGS; k++)
            e.arg[k] = get_var(&in);
        if (!in.bad && sink->event && sink->event(sink->arg, &e) != 0) {
            snprintf(err, n, "%s: out of memory", path);
            goto out;
        }
    }
    size_t cl = 0;
    const uint8_t *console = get_blob(&in, &cl);
    if (console && cl && sink->console && sink->console(sink->arg, console, cl) != 0) {
        snprintf(err, n, "%s: out of memory", path);
        goto out;
    }
    m->hash = get_u64(&in);
    m->cycles = get_u64(&in);
    m->instructions = get_u64(&in);
    if (in.bad || in.at != in.len) {
        snprintf(err, n, "%s: byte %zu: the events do not fit the file", path, in.at);
        goto out;
    }
    rc = 0;
out:
    free(buf);
    if (rc != 0)
        trc_file_meta_free(m);
    return rc;
}

static int log_event(void *arg, const struct trc_event *e)
{
    return trc_log_event(arg, e) == TRC_OK ? 0 : -1;
}

static int log_console(void *arg, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++)
        trc_log_console(arg, bytes[i]);
    return 0;
}

int trc_file_read(const char *path, struct trc_file_meta *m, struct trc_log *log, char *err,
                  size_t n)
{
    trc_log_init(log);
    struct trc_file_sink sink = {log_event, log_console, log};
    int rc = trc_file_scan(path, m, &sink, err, n);
    if (rc != 0) {
        trc_log_free(log);
        trc_log_init(log);
    }
    return rc;
}

void trc_file_meta_free(struct trc_file_meta *m)
{
    free(m->scenario);
    m->scenario = NULL;
    m->scenario_len = 0;
}
