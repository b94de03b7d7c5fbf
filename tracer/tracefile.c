/* tracer/tracefile.c: the binary trace file (see tracefile.h). */
#include "tracer/tracefile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hostfile.h"

#define MAGIC "IPCEMUTR"
#define VERSION 1u
#define FILE_MAX ((size_t)UINT32_MAX)
/* The fewest bytes an event takes: eight varints of one byte (cycle
 * delta, core, type, pid, four arguments). */
#define EVENT_MIN_BYTES 8u

/* ---- settings ------------------------------------------------------------ */

/* What each numeric setting accepts: [min, max], a power of two or not,
 * and the unit it is counted in ("" or " MiB"). */
static const struct {
    uint64_t min, max;
    bool pow2;
    const char *unit;
} setting_range[TRC_SET_COUNT] = {
    [TRC_SET_MAX_CYCLES] = {1, UINT64_MAX / 2, false, ""},
    [TRC_SET_SEED] = {0, UINT64_MAX, false, ""},
    [TRC_SET_QUANTUM] = {1000, 1000000000, false, ""},
    [TRC_SET_RAM_MIB] = {TRC_RAM_MIB_MIN, TRC_RAM_MIB_MAX, false, " of MiB"},
    [TRC_SET_CAP_CACHE] = {1, 65536, true, ""},
    [TRC_SET_EXACT_CACHES] = {0, 1, false, ""},
};

bool trc_parse_decimal(const char *s, uint64_t *v)
{
    if (!s || !*s || (s[0] == '0' && s[1]))
        return false;
    uint64_t x = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (x > (UINT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
    }
    *v = x;
    return true;
}

/* Writes what a value of setting `s` must be into why[wn] ("not a
 * decimal number in 1..10"); `lead0` adds that numbers have no leading
 * zero. */
static void setting_why(enum trc_setting s, bool lead0, char *why, size_t wn)
{
    if (s == TRC_SET_EXACT_CACHES)
        snprintf(why, wn, "not 0 or 1");
    else
        snprintf(why, wn, "not %s%s in %llu..%llu%s",
                 setting_range[s].pow2 ? "a power of two" : "a decimal number",
                 setting_range[s].unit, (unsigned long long)setting_range[s].min,
                 (unsigned long long)setting_range[s].max,
                 lead0 ? " (numbers are decimal, with no leading zero)" : "");
}

bool trc_setting_check(enum trc_setting s, uint64_t v, char *why, size_t wn)
{
    if ((unsigned)s >= TRC_SET_COUNT) {
        snprintf(why, wn, "not a setting");
        return false;
    }
    if (v < setting_range[s].min || v > setting_range[s].max ||
        (setting_range[s].pow2 && (v & (v - 1)) != 0)) {
        setting_why(s, false, why, wn);
        return false;
    }
    return true;
}

bool trc_setting_parse(enum trc_setting s, const char *text, uint64_t *v, char *why, size_t wn)
{
    uint64_t x;
    if ((unsigned)s >= TRC_SET_COUNT) {
        snprintf(why, wn, "not a setting");
        return false;
    }
    if (!trc_parse_decimal(text, &x)) {
        bool lead0 = text && text[0] == '0' && text[1] >= '0' && text[1] <= '9';
        setting_why(s, lead0, why, wn);
        return false;
    }
    if (!trc_setting_check(s, x, why, wn))
        return false;
    *v = x;
    return true;
}

/* ---- writing ------------------------------------------------------------- */

struct out {
    uint8_t *buf;
    size_t len, cap;
    bool oom;
};

/* Appends p[n] to the buffer (nothing when n is 0); sets o->oom when out
 * of memory. */
static void put(struct out *o, const void *p, size_t n)
{
    if (o->oom || n == 0)
        return;
    if (n > SIZE_MAX / 2 - o->len) {
        o->oom = true;
        return;
    }
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

/* Appends `v` as an unsigned LEB128 varint. */
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

/* Appends `v` as 8 little-endian bytes. */
static void put_u64(struct out *o, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put(o, b, 8);
}

/* Appends a length-prefixed byte string. */
static void put_blob(struct out *o, const void *p, size_t n)
{
    put_var(o, n);
    put(o, p, n);
}

/* Copies the text setting `s` into out[n] with every control byte (a
 * newline would end the line) as '?'. */
static void text_setting(const char *s, char *out, size_t n)
{
    snprintf(out, n, "%s", s);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
}

int trc_file_encode(const struct trc_file_meta *m, const struct trc_log *log, uint8_t **out,
                    size_t *len, char *err, size_t n)
{
    *out = NULL;
    *len = 0;
    struct out o = {0};
    put(&o, MAGIC, 8);
    uint8_t ver[4] = {VERSION, 0, 0, 0};
    put(&o, ver, 4);
    struct trc_file_meta t; /* the text settings, made safe for their lines */
    text_setting(m->kind, t.kind, sizeof t.kind);
    text_setting(m->arch, t.arch, sizeof t.arch);
    text_setting(m->cpu, t.cpu, sizeof t.cpu);
    text_setting(m->build, t.build, sizeof t.build);
    text_setting(m->scenario_path, t.scenario_path, sizeof t.scenario_path);
    char settings[1024];
    int sl = snprintf(settings, sizeof settings,
                      "kind=%s\narch=%s\ncpu=%s\nexact_caches=%d\nmax_cycles=%" PRIu64
                      "\nseed=%" PRIu64 "\nquantum=%" PRIu64 "\ncap_cache=%u\nram=%" PRIu64
                      "\ndemo=%u\nbuild=%s\nscenario_path=%s\n",
                      t.kind, t.arch, t.cpu, m->exact_caches ? 1 : 0, m->max_cycles, m->seed,
                      m->quantum, m->cap_cache, m->ram, m->demo, t.build, t.scenario_path);
    if (sl >= 0 && (size_t)sl < sizeof settings && m->cores > 1) /* one core: no line */
        sl += snprintf(settings + sl, sizeof settings - (size_t)sl,
                       "cores=%u\ncore_quantum=%" PRIu64 "\n", m->cores, m->core_quantum);
    if (sl < 0 || (size_t)sl >= sizeof settings) {
        snprintf(err, n, "the settings do not fit the trace");
        return -1;
    }
    put_blob(&o, settings, (size_t)sl);
    put_blob(&o, m->scenario, m->scenario ? m->scenario_len : 0);
    put_var(&o, log->nev);
    uint64_t prev = 0;
    for (size_t i = 0; i < log->nev; i++) {
        const struct trc_event *e = &log->ev[i];
        put_var(&o, e->cycle - prev); /* modulo 2^64 */
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
    put_u64(&o, o.oom ? 0 : hf_fnv1a(o.buf, o.len, HF_FNV_INIT));
    if (o.oom) {
        free(o.buf);
        snprintf(err, n, "out of memory");
        return -1;
    }
    *out = o.buf;
    *len = o.len;
    return 0;
}

int trc_file_write(const char *path, const struct trc_file_meta *m, const struct trc_log *log,
                   char *err, size_t n)
{
    uint8_t *buf;
    size_t len;
    char why[200];
    if (trc_file_encode(m, log, &buf, &len, why, sizeof why) != 0) {
        snprintf(err, n, "cannot write %s: %s", path, why);
        return -1;
    }
    int rc = hf_write_file(path, buf, len, err, n);
    free(buf);
    return rc;
}

/* ---- reading ------------------------------------------------------------- */

struct in {
    const uint8_t *p;
    size_t len, at;
    bool bad;
};

/* Reads an unsigned LEB128 varint of at most 64 bits; sets in->bad (and
 * returns 0) when it runs past the end or is longer. */
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

/* Reads 8 little-endian bytes; sets in->bad when they are not there. */
static uint64_t get_u64(struct in *in)
{
    if (in->at > in->len || in->len - in->at < 8) {
        in->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)in->p[in->at + (size_t)i] << (8 * i);
    in->at += 8;
    return v;
}

/* A length-prefixed byte string inside the input, or NULL (in->bad set)
 * when it does not fit. */
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

/* How much of a bad setting an error message shows. */
#define VALUE_SHOWN 60

/* The settings a trace must hold, each once. */
enum key {
    K_KIND,
    K_ARCH,
    K_CPU,
    K_EXACT_CACHES,
    K_MAX_CYCLES,
    K_SEED,
    K_QUANTUM,
    K_CAP_CACHE,
    K_RAM,
    K_DEMO,
    K_BUILD,
    K_SCENARIO_PATH,
    K_REQUIRED, /* the keys above are in every trace; those below are optional */
    K_CORES = K_REQUIRED,
    K_CORE_QUANTUM,
    K_COUNT
};
static const char *const key_names[K_COUNT] = {
    [K_KIND] = "kind",
    [K_ARCH] = "arch",
    [K_CPU] = "cpu",
    [K_EXACT_CACHES] = "exact_caches",
    [K_MAX_CYCLES] = "max_cycles",
    [K_SEED] = "seed",
    [K_QUANTUM] = "quantum",
    [K_CAP_CACHE] = "cap_cache",
    [K_RAM] = "ram",
    [K_DEMO] = "demo",
    [K_BUILD] = "build",
    [K_SCENARIO_PATH] = "scenario_path",
    [K_CORES] = "cores",
    [K_CORE_QUANTUM] = "core_quantum",
};

/* Stores text setting `v` (vl bytes) in out[n]. Returns false with
 * why[wn] when it is too long, holds a control character, or is empty and
 * `required`. */
static bool set_text(const char *v, size_t vl, char *out, size_t n, bool required, char *why,
                     size_t wn)
{
    if (vl >= n) {
        snprintf(why, wn, "longer than %zu bytes", n - 1);
        return false;
    }
    if (required && vl == 0) {
        snprintf(why, wn, "empty");
        return false;
    }
    for (size_t i = 0; i < vl; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
            /* ipcemu writes none (text_setting) */
            snprintf(why, wn, "holds a control character");
            return false;
        }
    memcpy(out, v, vl);
    out[vl] = '\0';
    return true;
}

/* Checks and stores setting `k` with value v (NUL-terminated) in *m.
 * Returns false with why[wn]. */
static bool set_value(struct trc_file_meta *m, enum key k, const char *v, char *why, size_t wn)
{
    uint64_t x;
    size_t vl = strlen(v);
    switch (k) {
    case K_KIND:
        if (strcmp(v, "run") != 0 && strcmp(v, "boot") != 0 && strcmp(v, "exec") != 0) {
            snprintf(why, wn, "not run, boot or exec");
            return false;
        }
        return set_text(v, vl, m->kind, sizeof m->kind, true, why, wn);
    case K_ARCH:
        return set_text(v, vl, m->arch, sizeof m->arch, true, why, wn);
    case K_CPU:
        return set_text(v, vl, m->cpu, sizeof m->cpu, true, why, wn);
    case K_BUILD:
        return set_text(v, vl, m->build, sizeof m->build, false, why, wn);
    case K_SCENARIO_PATH:
        return set_text(v, vl, m->scenario_path, sizeof m->scenario_path, false, why, wn);
    case K_EXACT_CACHES:
        if (!trc_setting_parse(TRC_SET_EXACT_CACHES, v, &x, why, wn))
            return false;
        m->exact_caches = x != 0;
        return true;
    case K_MAX_CYCLES:
        return trc_setting_parse(TRC_SET_MAX_CYCLES, v, &m->max_cycles, why, wn);
    case K_SEED:
        return trc_setting_parse(TRC_SET_SEED, v, &m->seed, why, wn);
    case K_QUANTUM:
        return trc_setting_parse(TRC_SET_QUANTUM, v, &m->quantum, why, wn);
    case K_CAP_CACHE:
        /* 0: no --cap-cache, the machine's default (traces written before
         * the number in effect was recorded) */
        if (!strcmp(v, "0")) {
            m->cap_cache = 0;
            return true;
        }
        if (!trc_setting_parse(TRC_SET_CAP_CACHE, v, &x, why, wn))
            return false;
        m->cap_cache = (uint32_t)x;
        return true;
    case K_RAM:
        /* bytes in the trace; the command line counts MiB */
        if (!trc_parse_decimal(v, &x) || x % (1u << 20) != 0) {
            snprintf(why, wn, "not a whole number of MiB, in bytes");
            return false;
        }
        if (!trc_setting_check(TRC_SET_RAM_MIB, x >> 20, why, wn))
            return false;
        m->ram = x;
        return true;
    case K_DEMO:
        if (!trc_parse_decimal(v, &x) || x > UINT32_MAX) {
            snprintf(why, wn, "not a decimal number in 0..%u", UINT32_MAX);
            return false;
        }
        m->demo = (uint32_t)x;
        return true;
    case K_CORES:
        if (!trc_parse_decimal(v, &x) || x < 1 || x > TRC_MAX_CORES) {
            snprintf(why, wn, "not a decimal number in 1..%u", TRC_MAX_CORES);
            return false;
        }
        m->cores = (uint32_t)x;
        return true;
    case K_CORE_QUANTUM:
        if (!trc_parse_decimal(v, &x) || x < TRC_CORE_QUANTUM_MIN || x > TRC_CORE_QUANTUM_MAX) {
            snprintf(why, wn, "not a decimal number in %u..%u", TRC_CORE_QUANTUM_MIN,
                     TRC_CORE_QUANTUM_MAX);
            return false;
        }
        m->core_quantum = x;
        return true;
    case K_COUNT:
        break;
    }
    snprintf(why, wn, "not a setting");
    return false;
}

/* Reads the settings text[len] into *m: every key once, each value as
 * the command line would take it. Returns 0, or -1 with one line naming
 * `name` and the setting in err[n]. */
static int read_settings(const char *name, const char *text, size_t len, struct trc_file_meta *m,
                         char *err, size_t n)
{
    bool seen[K_COUNT] = {false};
    char pname[200], pvalue[4 * VALUE_SHOWN + 1], why[200];
    hf_printable(name, strlen(name), pname, sizeof pname);
    if (memchr(text, '\0', len)) {
        snprintf(err, n, "%s: the settings hold a NUL byte", pname);
        return -1;
    }
    for (size_t i = 0, line = 1; i < len; line++) {
        const char *s = text + i;
        const char *nl = memchr(s, '\n', len - i);
        if (!nl) {
            snprintf(err, n, "%s: settings line %zu does not end", pname, line);
            return -1;
        }
        size_t ll = (size_t)(nl - s);
        i += ll + 1;
        const char *eq = memchr(s, '=', ll);
        if (!eq) {
            hf_printable(s, ll < VALUE_SHOWN ? ll : VALUE_SHOWN, pvalue, sizeof pvalue);
            snprintf(err, n, "%s: settings line %zu \"%s%s\" is not key=value", pname, line, pvalue,
                     ll > VALUE_SHOWN ? "..." : "");
            return -1;
        }
        size_t kl = (size_t)(eq - s);
        enum key k = K_COUNT;
        for (unsigned j = 0; j < K_COUNT; j++)
            if (strlen(key_names[j]) == kl && memcmp(key_names[j], s, kl) == 0)
                k = (enum key)j;
        if (k == K_COUNT) {
            hf_printable(s, kl < VALUE_SHOWN ? kl : VALUE_SHOWN, pvalue, sizeof pvalue);
            snprintf(err, n, "%s: unknown setting \"%s%s\"", pname, pvalue,
                     kl > VALUE_SHOWN ? "..." : "");
            return -1;
        }
        if (seen[k]) {
            snprintf(err, n, "%s: setting %s appears twice", pname, key_names[k]);
            return -1;
        }
        seen[k] = true;
        size_t vl = ll - kl - 1;
        char value[600];
        bool ok = vl < sizeof value;
        if (ok) {
            memcpy(value, eq + 1, vl);
            value[vl] = '\0';
            ok = set_value(m, k, value, why, sizeof why);
        } else {
            snprintf(why, sizeof why, "longer than %zu bytes", sizeof value - 1);
        }
        if (!ok) {
            /* at most VALUE_SHOWN bytes of the value, escaped */
            hf_printable(eq + 1, vl < VALUE_SHOWN ? vl : VALUE_SHOWN, pvalue, sizeof pvalue);
            snprintf(err, n, "%s: setting %s=%s%s: %s", pname, key_names[k], pvalue,
                     vl > VALUE_SHOWN ? "..." : "", why);
            return -1;
        }
    }
    for (unsigned j = 0; j < K_REQUIRED; j++)
        if (!seen[j]) {
            snprintf(err, n, "%s: setting %s is missing", pname, key_names[j]);
            return -1;
        }
    if (!seen[K_CORES])
        m->cores = 1; /* one core (a trace written before the key existed) */
    if ((m->cores > 1) != seen[K_CORE_QUANTUM]) {
        snprintf(err, n, "%s: setting %s", pname,
                 m->cores > 1 ? "core_quantum is missing" : "core_quantum without cores > 1");
        return -1;
    }
    return 0;
}

int trc_file_parse(const char *name, const uint8_t *buf, size_t len, struct trc_file_meta *m,
                   const struct trc_file_sink *sink, char *err, size_t n)
{
    memset(m, 0, sizeof *m);
    char pname[200];
    hf_printable(name, strlen(name), pname, sizeof pname);
    int rc = -1;
    struct in in = {buf, len, 0, false};
    if (len == 0) {
        snprintf(err, n, "%s: empty, not an ipcemu trace", pname);
        goto out;
    }
    if (len < 8 || memcmp(buf, MAGIC, 8) != 0) {
        snprintf(err, n, "%s: not an ipcemu trace (no IPCEMUTR header)", pname);
        goto out;
    }
    if (len < 12 + 8) {
        snprintf(err, n, "%s: truncated: %zu bytes, not even a header and a checksum", pname, len);
        goto out;
    }
    uint32_t version = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 |
                       (uint32_t)buf[11] << 24;
    if (version != VERSION) {
        snprintf(err, n, "%s: trace format version %u (bytes 8..11); this ipcemu reads version %u",
                 pname, version, VERSION);
        goto out;
    }
    in.at = 12;
    in.len = len - 8;
    uint64_t want = 0;
    for (int i = 0; i < 8; i++)
        want |= (uint64_t)buf[len - 8 + (size_t)i] << (8 * i);
    if (hf_fnv1a(buf, len - 8, HF_FNV_INIT) != want) {
        snprintf(err, n, "%s: the file's checksum does not match: truncated or altered", pname);
        goto out;
    }
    size_t sl = 0, scl = 0;
    const char *settings = (const char *)get_blob(&in, &sl);
    const uint8_t *scenario = in.bad ? NULL : get_blob(&in, &scl);
    if (in.bad) {
        snprintf(err, n, "%s: byte %zu: the settings do not fit the file", pname, in.at);
        goto out;
    }
    if (read_settings(name, settings, sl, m, err, n) != 0)
        goto out;
    bool with_input = strcmp(m->kind, "boot") != 0;
    if (with_input != (scl != 0)) {
        snprintf(err, n, "%s: setting kind=%s, but the trace %s", pname, m->kind,
                 !with_input               ? "holds a scenario or a program"
                 : !strcmp(m->kind, "run") ? "holds no scenario"
                                           : "holds no program");
        goto out;
    }
    if (scl) {
        if (!(m->scenario = malloc(scl + 1))) {
            snprintf(err, n, "%s: out of memory", pname);
            goto out;
        }
        memcpy(m->scenario, scenario, scl);
        m->scenario[scl] = '\0';
        m->scenario_len = scl;
    }
    uint64_t nev = get_var(&in), prev = 0;
    if (in.bad || nev > (in.len - in.at) / EVENT_MIN_BYTES) {
        snprintf(err, n, "%s: byte %zu: the event count does not fit the file", pname, in.at);
        goto out;
    }
    for (uint64_t i = 0; i < nev; i++) {
        struct trc_event e = {0};
        size_t at = in.at;
        uint64_t delta = get_var(&in), core = get_var(&in), type = get_var(&in), pid = get_var(&in);
        for (int k = 0; k < TRC_NARGS; k++)
            e.arg[k] = get_var(&in);
        if (in.bad) {
            snprintf(err, n, "%s: byte %zu: event %" PRIu64 " does not fit the file", pname, at, i);
            goto out;
        }
        if (core > UINT32_MAX || type > UINT32_MAX || pid > UINT32_MAX) {
            snprintf(err, n, "%s: byte %zu: event %" PRIu64 " has a %s out of range", pname, at, i,
                     core > UINT32_MAX   ? "core"
                     : type > UINT32_MAX ? "type"
                                         : "pid");
            goto out;
        }
        /* deltas are modulo 2^64, as written: the cores' events need not
         * come in cycle order */
        e.cycle = prev + delta;
        prev = e.cycle;
        e.core = (uint32_t)core;
        e.type = (uint32_t)type;
        e.pid = (uint32_t)pid;
        if (sink && sink->event && sink->event(sink->arg, &e) != 0) {
            snprintf(err, n, "%s: out of memory", pname);
            goto out;
        }
    }
    size_t cl = 0;
    const uint8_t *console = get_blob(&in, &cl);
    if (in.bad) {
        snprintf(err, n, "%s: byte %zu: the console output does not fit the file", pname, in.at);
        goto out;
    }
    if (cl && sink && sink->console && sink->console(sink->arg, console, cl) != 0) {
        snprintf(err, n, "%s: out of memory", pname);
        goto out;
    }
    m->hash = get_u64(&in);
    m->cycles = get_u64(&in);
    m->instructions = get_u64(&in);
    if (in.bad || in.at != in.len) {
        snprintf(err, n, "%s: byte %zu: the end of the trace does not fit the file", pname, in.at);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        trc_file_meta_free(m);
    return rc;
}

int trc_file_scan(const char *path, struct trc_file_meta *m, const struct trc_file_sink *sink,
                  char *err, size_t n)
{
    memset(m, 0, sizeof *m);
    char why[600];
    size_t len = 0;
    uint8_t *buf = hf_read_input(path, FILE_MAX, &len, why, sizeof why);
    if (!buf) {
        hf_printable(why, strlen(why), err, n);
        return -1;
    }
    int rc = trc_file_parse(path, buf, len, m, sink, err, n);
    free(buf);
    return rc;
}

/* A sink that logs each event; returns -1 when out of memory. */
static int log_event(void *arg, const struct trc_event *e)
{
    return trc_log_event(arg, e) == TRC_OK ? 0 : -1;
}

/* A sink that logs the console bytes; returns -1 when out of memory. */
static int log_console(void *arg, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (trc_log_console(arg, bytes[i]) != TRC_OK)
            return -1;
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

int trc_file_read_mem(const char *name, const uint8_t *buf, size_t len, struct trc_file_meta *m,
                      struct trc_log *log, char *err, size_t n)
{
    trc_log_init(log);
    struct trc_file_sink sink = {log_event, log_console, log};
    int rc = trc_file_parse(name, buf, len, m, &sink, err, n);
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
