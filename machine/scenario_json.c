/* machine/scenario_json.c: the scenario's JSON text. cJSON parses; this
 * file refuses what cJSON lets through but JSON does not (bytes that are
 * not UTF-8, NUL, control characters in strings, leading zeros, \u0000),
 * keeps the path being read, and writes an error as "FILE:LINE:COL:
 * JSONPATH: message", finding the path's line and column with a small
 * scanner over the text (cJSON keeps no positions). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "machine/scenario_int.h"

/* ---- locating a path in the text ---------------------------------------- */

/* Returns the offset of the first byte at or after i that is no white space. */
static size_t skip_ws(const char *t, size_t i, size_t n)
{
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    return i;
}

/* Returns the offset past the string starting at t[i] == '"'. */
static size_t skip_string(const char *t, size_t i, size_t n)
{
    for (i++; i < n && t[i] != '"'; i++)
        if (t[i] == '\\')
            i++;
    return i < n ? i + 1 : n;
}

/* Returns the offset past the value starting at t[i] (valid JSON: cJSON
 * parsed it). */
static size_t skip_value(const char *t, size_t i, size_t n)
{
    if (i >= n)
        return n;
    if (t[i] == '"')
        return skip_string(t, i, n);
    if (t[i] != '{' && t[i] != '[') {
        while (i < n && !strchr(",]} \t\r\n", t[i]))
            i++;
        return i;
    }
    size_t depth = 0;
    for (; i < n; i++) {
        if (t[i] == '"') {
            i = skip_string(t, i, n) - 1;
        } else if (t[i] == '{' || t[i] == '[') {
            depth++;
        } else if (t[i] == '}' || t[i] == ']') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return n;
}

/* Returns true and sets *v when t[i..i+4) are four hex digits. */
static bool hex4(const char *t, size_t i, size_t n, uint32_t *v)
{
    *v = 0;
    if (i + 4 > n)
        return false;
    for (size_t k = i; k < i + 4; k++) {
        char ch = t[k];
        unsigned d = ch >= '0' && ch <= '9'   ? (unsigned)(ch - '0')
                     : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
                     : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10)
                                              : 16u;
        if (d == 16)
            return false;
        *v = *v << 4 | d;
    }
    return true;
}

/* Writes code point cp as UTF-8 to out; returns its length (1..4). */
static size_t utf8_put(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Returns true when the JSON string t[i..end) (quotes included) says
 * `key` once its escapes are decoded: "pri\u006frity" is "priority". */
static bool string_equals(const char *t, size_t i, size_t end, const char *key)
{
    size_t k = 0, klen = strlen(key);
    for (size_t j = i + 1; j + 1 < end;) {
        unsigned char buf[4];
        size_t nb = 1;
        if (t[j] != '\\') {
            buf[0] = (unsigned char)t[j++];
        } else {
            char e = j + 1 < end ? t[j + 1] : '\0';
            j += 2;
            uint32_t cp, lo;
            switch (e) {
            case 'b':
                buf[0] = '\b';
                break;
            case 'f':
                buf[0] = '\f';
                break;
            case 'n':
                buf[0] = '\n';
                break;
            case 'r':
                buf[0] = '\r';
                break;
            case 't':
                buf[0] = '\t';
                break;
            case 'u':
                if (!hex4(t, j, end, &cp))
                    return false;
                j += 4;
                if (cp >= 0xd800 && cp < 0xdc00 && j + 6 <= end && t[j] == '\\' &&
                    t[j + 1] == 'u' && hex4(t, j + 2, end, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    j += 6;
                }
                nb = utf8_put(cp, buf);
                break;
            default:
                buf[0] = (unsigned char)e; /* \" \\ \/ */
                break;
            }
        }
        if (k + nb > klen || memcmp(key + k, buf, nb) != 0)
            return false;
        k += nb;
    }
    return k == klen;
}

/* Returns the offset of the value at the first `n` path components (of the
 * key of the last one when at_key), or of the deepest part found. Keys
 * are compared after their escapes are decoded. */
size_t scn_locate(const struct scn_ctx *c, int n, bool at_key)
{
    const char *t = c->text;
    size_t len = c->len, i = skip_ws(t, 0, len);
    if (n > SCN_PATH_DEPTH)
        n = SCN_PATH_DEPTH;
    for (int k = 0; k < n; k++) {
        const struct scn_comp *p = &c->comps[k];
        char open = p->key ? '{' : '[';
        if (i >= len || t[i] != open)
            return i;
        size_t start = i;
        i = skip_ws(t, i + 1, len);
        bool found = false;
        int seen = 0;
        for (int idx = 0; i < len && t[i] != (p->key ? '}' : ']'); idx++) {
            size_t key_at = i;
            if (p->key) {
                size_t kend = skip_string(t, i, len);
                bool match = string_equals(t, i, kend, p->key) && seen++ == p->nth;
                i = skip_ws(t, kend, len);
                i = skip_ws(t, i + 1, len); /* past ':' */
                if (match) {
                    found = true;
                    if (at_key && k == n - 1)
                        return key_at;
                    break;
                }
            } else if (idx == p->index) {
                found = true;
                break;
            }
            i = skip_ws(t, skip_value(t, i, len), len);
            if (i < len && t[i] == ',')
                i = skip_ws(t, i + 1, len);
        }
        if (!found)
            return start;
    }
    return i;
}

/* Sets *line and *col (from 1, in characters) of byte `off` of t. */
static void line_col(const char *t, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (t[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)t[i] & 0xc0) != 0x80) {
            (*col)++; /* count characters, not UTF-8 continuation bytes */
        }
    }
}

/* ---- errors ------------------------------------------------------------ */

/* Writes the current path ("processes[1].program[3].port") to out[n]. */
static void path_text(const struct scn_ctx *c, char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < c->ncomps && i < SCN_PATH_DEPTH && k < n; i++) {
        int w = c->comps[i].key ? snprintf(out + k, n - k, "%s%s", k ? "." : "", c->comps[i].key)
                                : snprintf(out + k, n - k, "[%d]", c->comps[i].index);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* Records the first error, at the current path: its line and column are
 * those of byte `off`, or (off SIZE_MAX) of the path's value (of its key
 * when at_key). Returns false. */
static bool failv(struct scn_ctx *c, size_t off, bool at_key, const char *fmt, va_list ap)
{
    if (c->failed)
        return false;
    c->failed = true;
    unsigned line, col;
    line_col(c->text, off != SIZE_MAX ? off : scn_locate(c, c->ncomps, at_key), &line, &col);
    char path[256], msg[200];
    path_text(c, path, sizeof path);
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (path[0])
        snprintf(c->err, c->errn, "%s:%u:%u: %s: %s", c->file, line, col, path, msg);
    else
        snprintf(c->err, c->errn, "%s:%u:%u: %s", c->file, line, col, msg);
    /* keys and names may hold any character: keep the message one line */
    for (char *q = c->err; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7f)
            *q = '?';
    return false;
}

/* Records an error at the current path's value; returns false. */
bool scn_fail(struct scn_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, SIZE_MAX, false, fmt, ap);
    va_end(ap);
    return false;
}

/* Records an error at the current path's key; returns false. */
bool scn_fail_key(struct scn_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, SIZE_MAX, true, fmt, ap);
    va_end(ap);
    return false;
}

/* Records an error at byte `off` of the text; returns false. */
static bool fail_at(struct scn_ctx *c, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, off, false, fmt, ap);
    va_end(ap);
    return false;
}

/* Enters member `key` of the current path. */
void scn_push_key(struct scn_ctx *c, const char *key)
{
    if (c->ncomps < SCN_PATH_DEPTH)
        c->comps[c->ncomps] = (struct scn_comp){key, 0, 0};
    c->ncomps++;
}

/* Enters element `index` of the current path. */
void scn_push_index(struct scn_ctx *c, int index)
{
    if (c->ncomps < SCN_PATH_DEPTH)
        c->comps[c->ncomps] = (struct scn_comp){NULL, index, 0};
    c->ncomps++;
}

/* Leaves the last component of the current path. */
void scn_pop(struct scn_ctx *c)
{
    c->ncomps--;
}

/* Fails at member `it` of `obj` when an earlier member has its name: the
 * path names the second one. Returns false then, else true. */
bool scn_not_repeated(struct scn_ctx *c, const cJSON *obj, const cJSON *it)
{
    int before = 0;
    for (const cJSON *o = obj->child; o != it; o = o->next)
        before += strcmp(o->string, it->string) == 0;
    if (!before)
        return true;
    scn_push_key(c, it->string);
    if (c->ncomps <= SCN_PATH_DEPTH)
        c->comps[c->ncomps - 1].nth = before;
    return scn_fail_key(c, "appears twice");
}

/* ---- what cJSON lets through, and parsing -------------------------------- */

/* Records a syntax error at byte `off`. */
static bool syntax_error(struct scn_ctx *c, size_t off, const char *what)
{
    unsigned line, col;
    line_col(c->text, off, &line, &col);
    snprintf(c->err, c->errn, "%s:%u:%u: %s", c->file, line, col, what);
    c->failed = true;
    return false;
}

/* The length of the well-formed UTF-8 sequence at t[i] (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *t, size_t i, size_t n)
{
    unsigned char b = t[i];
    if (b < 0x80)
        return 1;
    size_t len = b >= 0xc2 && b <= 0xdf   ? 2
                 : b >= 0xe0 && b <= 0xef ? 3
                 : b >= 0xf0 && b <= 0xf4 ? 4
                                          : 0;
    if (len == 0 || i + len > n)
        return 0;
    unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
    if (b == 0xe0)
        lo = 0xa0;
    else if (b == 0xed)
        hi = 0x9f;
    else if (b == 0xf0)
        lo = 0x90;
    else if (b == 0xf4)
        hi = 0x8f;
    if (t[i + 1] < lo || t[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if ((t[i + k] & 0xc0) != 0x80)
            return 0;
    return len;
}

/* What cJSON lets through but JSON (RFC 8259) does not: bytes that are not
 * UTF-8, NUL, control characters inside strings, numbers with a leading
 * zero. On failure records where. Notes the first \u0000 inside a string
 * in c->nul_at (refused once its path is known). */
static bool check_bytes(struct scn_ctx *c)
{
    const unsigned char *t = (const unsigned char *)c->text;
    bool in_string = false;
    for (size_t i = 0; i < c->len;) {
        if (t[i] == 0)
            return syntax_error(c, i, "a NUL byte");
        size_t n = utf8_len(t, i, c->len);
        if (n == 0)
            return syntax_error(c, i, "not UTF-8");
        if (in_string) {
            if (t[i] < 0x20)
                return syntax_error(c, i, "not valid JSON (a control character inside a string)");
            if (t[i] == '\\') {
                n = i + 1 < c->len && t[i + 1] < 0x80 ? 2 : 1;
                if (c->nul_at == SIZE_MAX && i + 6 <= c->len && memcmp(t + i + 1, "u0000", 5) == 0)
                    c->nul_at = i;
            } else if (t[i] == '"') {
                in_string = false;
            }
        } else if (t[i] == '"') {
            in_string = true;
        } else if ((t[i] == '-' || t[i] == '0') &&
                   (i == 0 || !strchr("0123456789.eE+-", t[i - 1]))) {
            size_t z = t[i] == '-' ? i + 1 : i;
            if (z + 1 < c->len && t[z] == '0' && t[z + 1] >= '0' && t[z + 1] <= '9')
                return syntax_error(c, z, "not valid JSON (a number with a leading zero)");
        }
        i += n;
    }
    return true;
}

/* Pushes the path of the value `v` (at text offset i) down to the string
 * that holds byte `target`; *at_key when that string is a member's key.
 * Walks the text and the parsed tree side by side (same order). */
static void path_to(struct scn_ctx *c, const cJSON *v, size_t i, size_t target, bool *at_key)
{
    const char *t = c->text;
    size_t n = c->len;
    i = skip_ws(t, i, n);
    if (i < n && t[i] == '{' && cJSON_IsObject(v)) {
        i = skip_ws(t, i + 1, n);
        for (const cJSON *it = v->child; it && i < n && t[i] == '"'; it = it->next) {
            size_t kend = skip_string(t, i, n);
            if (target >= i && target < kend) {
                scn_push_key(c, it->string);
                *at_key = true;
                return;
            }
            i = skip_ws(t, skip_ws(t, kend, n) + 1, n); /* past ':' */
            size_t vend = skip_value(t, i, n);
            if (target >= i && target < vend) {
                scn_push_key(c, it->string);
                path_to(c, it, i, target, at_key);
                return;
            }
            i = skip_ws(t, vend, n);
            if (i < n && t[i] == ',')
                i = skip_ws(t, i + 1, n);
        }
    } else if (i < n && t[i] == '[' && cJSON_IsArray(v)) {
        i = skip_ws(t, i + 1, n);
        int idx = 0;
        for (const cJSON *it = v->child; it && i < n; it = it->next, idx++) {
            size_t vend = skip_value(t, i, n);
            if (target >= i && target < vend) {
                scn_push_index(c, idx);
                path_to(c, it, i, target, at_key);
                return;
            }
            i = skip_ws(t, vend, n);
            if (i < n && t[i] == ',')
                i = skip_ws(t, i + 1, n);
        }
    }
}

/* Notes in each number of the parsed tree `v` (at text offset i) where
 * its text starts, in its valueint, which nothing else reads: the loader
 * reads integers from the text (exactly, and refusing fractions and
 * exponents), and this keeps that linear in the size of the file. Walks
 * the text and the tree side by side (same order). Returns the offset
 * past the value. */
static size_t mark_numbers(const struct scn_ctx *c, cJSON *v, size_t i)
{
    const char *t = c->text;
    size_t n = c->len;
    i = skip_ws(t, i, n);
    if (i < n && t[i] == '{' && cJSON_IsObject(v)) {
        i = skip_ws(t, i + 1, n);
        for (cJSON *it = v->child; it && i < n && t[i] == '"'; it = it->next) {
            i = skip_ws(t, skip_ws(t, skip_string(t, i, n), n) + 1, n); /* past ':' */
            i = skip_ws(t, mark_numbers(c, it, i), n);
            if (i < n && t[i] == ',')
                i = skip_ws(t, i + 1, n);
        }
        return i < n ? i + 1 : n; /* past '}' */
    }
    if (i < n && t[i] == '[' && cJSON_IsArray(v)) {
        i = skip_ws(t, i + 1, n);
        for (cJSON *it = v->child; it && i < n; it = it->next) {
            i = skip_ws(t, mark_numbers(c, it, i), n);
            if (i < n && t[i] == ',')
                i = skip_ws(t, i + 1, n);
        }
        return i < n ? i + 1 : n; /* past ']' */
    }
    if (cJSON_IsNumber(v))
        v->valueint = (int)i; /* the file is at most SCN_FILE_MAX bytes */
    return skip_value(t, i, n);
}

/* Checks the bytes of c->text, parses them and refuses anything after the
 * value. Returns the tree (the caller deletes it), or NULL with the error
 * in c->err. */
cJSON *scn_json_parse(struct scn_ctx *c)
{
    if (!check_bytes(c))
        return NULL;
    const char *text = c->text, *end = NULL;
    size_t len = c->len;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        unsigned line, col;
        size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
        line_col(text, off, &line, &col);
        snprintf(c->err, c->errn, "%s:%u:%u: not valid JSON%s", c->file, line, col,
                 off >= len ? " (it ends too early)" : "");
        return NULL;
    }
    /* What follows the value must be white space only. */
    size_t after = skip_ws(text, end ? (size_t)(end - text) : len, len);
    if (after < len) {
        unsigned line, col;
        line_col(text, after, &line, &col);
        snprintf(c->err, c->errn, "%s:%u:%u: not valid JSON (text after the scenario)", c->file,
                 line, col);
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* Refuses a string or key of `root` that holds \u0000 (cJSON would cut it
 * there), naming where. Returns true when there is none. */
bool scn_json_refuse_nul(struct scn_ctx *c, const cJSON *root)
{
    if (c->nul_at == SIZE_MAX)
        return true;
    bool at_key = false;
    path_to(c, root, 0, c->nul_at, &at_key);
    return fail_at(c, c->nul_at, "%s holds \\u0000 (a NUL character), which ipcemu refuses",
                   at_key ? "the key" : "the string");
}

/* Notes where each number of `root` starts in the text (mark_numbers). */
void scn_json_mark_numbers(const struct scn_ctx *c, cJSON *root)
{
    mark_numbers(c, root, 0);
}
