/* machine/scenario.c: the scenario loader (see scenario.h). cJSON parses;
 * every check then names the JSON path of what it refuses, and a small
 * scanner over the text finds that path's line and column (cJSON keeps no
 * positions). */
#include "machine/scenario.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ipc/port.h"
#include "machine/memmap.h"
#include "tracer/trace.h"

#define SCN_FILE_MAX (4u << 20)
#define PATH_DEPTH 48

struct comp {
    const char *key; /* NULL: an array index */
    int index;
};

struct ctx {
    const char *file, *text;
    size_t len;
    char *err;
    size_t errn;
    struct comp comps[PATH_DEPTH];
    int ncomps;
    bool failed;
};

/* ---- locating a path in the text ---------------------------------------- */

static size_t skip_ws(const char *t, size_t i, size_t n)
{
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    return i;
}

/* Past the string starting at t[i] == '"'. */
static size_t skip_string(const char *t, size_t i, size_t n)
{
    for (i++; i < n && t[i] != '"'; i++)
        if (t[i] == '\\')
            i++;
    return i < n ? i + 1 : n;
}

/* Past the value starting at t[i] (valid JSON: cJSON parsed it). */
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

/* The offset of the value at the first `n` path components (of the key
 * of the last one when at_key), or of the deepest part found. */
static size_t locate(const struct ctx *c, int n, bool at_key)
{
    const char *t = c->text;
    size_t len = c->len, i = skip_ws(t, 0, len);
    for (int k = 0; k < n; k++) {
        const struct comp *p = &c->comps[k];
        char open = p->key ? '{' : '[';
        if (i >= len || t[i] != open)
            return i;
        size_t start = i;
        i = skip_ws(t, i + 1, len);
        bool found = false;
        for (int idx = 0; i < len && t[i] != (p->key ? '}' : ']'); idx++) {
            size_t key_at = i;
            if (p->key) {
                size_t kend = skip_string(t, i, len);
                size_t klen = strlen(p->key);
                bool match = kend - i - 2 == klen && memcmp(t + i + 1, p->key, klen) == 0;
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

static void path_text(const struct ctx *c, char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < c->ncomps && k < n; i++) {
        int w = c->comps[i].key ? snprintf(out + k, n - k, "%s%s", k ? "." : "", c->comps[i].key)
                                : snprintf(out + k, n - k, "[%d]", c->comps[i].index);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* Records the first error, at the current path (its key when at_key). */
static bool failv(struct ctx *c, bool at_key, const char *fmt, va_list ap)
{
    if (c->failed)
        return false;
    c->failed = true;
    unsigned line, col;
    line_col(c->text, locate(c, c->ncomps, at_key), &line, &col);
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

static bool fail(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, false, fmt, ap);
    va_end(ap);
    return false;
}

static bool fail_key(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, true, fmt, ap);
    va_end(ap);
    return false;
}

static void push_key(struct ctx *c, const char *key)
{
    if (c->ncomps < PATH_DEPTH)
        c->comps[c->ncomps] = (struct comp){key, 0};
    c->ncomps++;
}

static void push_index(struct ctx *c, int index)
{
    if (c->ncomps < PATH_DEPTH)
        c->comps[c->ncomps] = (struct comp){NULL, index};
    c->ncomps++;
}

static void pop(struct ctx *c)
{
    c->ncomps--;
}

/* ---- typed fields -------------------------------------------------------- */

/* Checks that `obj` (at the current path) is an object with only keys from
 * `allowed` (NULL-terminated), none twice, and every one of `required`. */
static bool check_object(struct ctx *c, const cJSON *obj, const char *const *allowed,
                         const char *const *required)
{
    if (!cJSON_IsObject(obj))
        return fail(c, "must be an object");
    for (const cJSON *it = obj->child; it; it = it->next) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], it->string) != 0)
            i++;
        push_key(c, it->string);
        if (!allowed[i])
            return fail_key(c, "unknown field \"%s\"", it->string);
        for (const cJSON *o = obj->child; o != it; o = o->next)
            if (strcmp(o->string, it->string) == 0)
                return fail_key(c, "appears twice");
        pop(c);
    }
    for (size_t i = 0; required && required[i]; i++)
        if (!cJSON_GetObjectItemCaseSensitive(obj, required[i])) {
            push_key(c, required[i]); /* located at the object that lacks it */
            return fail(c, "missing");
        }
    return true;
}

/* Finds member `key` of `obj` for the get_* readers: *v is it, with `key`
 * pushed on the path, or NULL when it is absent and not `required`.
 * Returns false (with the error) when a required one is missing. */
static bool member(struct ctx *c, const cJSON *obj, const char *key, bool required, const cJSON **v)
{
    *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!*v && !required)
        return true;
    push_key(c, key);
    return *v ? true : fail(c, "missing");
}

/* Reads the integer at `key` of `obj` into *out: absent leaves `def`
 * (or fails when `required`); it must be written as a plain integer in
 * [min, max]. */
static bool get_uint(struct ctx *c, const cJSON *obj, const char *key, uint64_t min, uint64_t max,
                     bool required, uint64_t def, uint64_t *out)
{
    const cJSON *v;
    *out = def;
    if (!member(c, obj, key, required, &v))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsNumber(v))
        return fail(c, "must be an integer");
    size_t at = locate(c, c->ncomps, false), end = at;
    while (end < c->len && strchr("+-0123456789.eE", c->text[end]))
        end++;
    char num[32];
    if (end - at >= sizeof num)
        return fail(c, "out of range [%llu, %llu]", (unsigned long long)min,
                    (unsigned long long)max);
    memcpy(num, c->text + at, end - at);
    num[end - at] = '\0';
    if (num[0] == '-')
        return fail(c, "must not be negative");
    if (strpbrk(num, ".eE"))
        return fail(c, "must be an integer (written without a fraction or exponent)");
    errno = 0;
    unsigned long long u = strtoull(num, NULL, 10);
    if (errno || u < min || u > max)
        return fail(c, "out of range [%llu, %llu]", (unsigned long long)min,
                    (unsigned long long)max);
    pop(c);
    *out = u;
    return true;
}

/* Reads the optional boolean at `key` of `obj` into *out (absent: false). */
static bool get_bool(struct ctx *c, const cJSON *obj, const char *key, bool *out)
{
    const cJSON *v;
    *out = false;
    if (!member(c, obj, key, false, &v))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsBool(v))
        return fail(c, "must be true or false");
    pop(c);
    *out = cJSON_IsTrue(v);
    return true;
}

static bool get_string(struct ctx *c, const cJSON *obj, const char *key, bool required,
                       size_t maxlen, const char **out)
{
    const cJSON *v;
    *out = NULL;
    if (!member(c, obj, key, required, &v))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsString(v))
        return fail(c, "must be a string");
    if (strlen(v->valuestring) > maxlen || (maxlen && !v->valuestring[0]))
        return fail(c, "must be 1 to %zu characters", maxlen);
    pop(c);
    *out = v->valuestring;
    return true;
}

static bool is_ident(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 16)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool alpha = ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        if (!alpha && !(i > 0 && ch >= '0' && ch <= '9'))
            return false;
    }
    return true;
}

static bool get_ident(struct ctx *c, const cJSON *obj, const char *key, bool required,
                      const char **out)
{
    if (!get_string(c, obj, key, required, 16, out))
        return false;
    if (*out && !is_ident(*out)) {
        push_key(c, key);
        return fail(c, "\"%s\" is not a name ([A-Za-z_][A-Za-z0-9_]*, at most 16)", *out);
    }
    return true;
}

/* ---- the compiler -------------------------------------------------------- */

struct handle {
    char name[17];
    uint16_t slot;
};

struct proc_build {
    struct handle handles[SCN_MAX_HANDLES];
    unsigned nhandles;
    struct scn_op ops[SCN_MAX_OPS];
    unsigned nops;
    char strings[SCN_MAX_STRINGS];
    unsigned nstr;
};

/* One element of "processes": a process, or `count` replicas of it that
 * share its program and handle names. */
struct entry {
    char name[17];
    uint32_t first, count; /* its processes: first .. first + count - 1 */
    uint32_t priority;
    struct proc_build pb;
};

/* An element of "objects" (one object per replica of its owner). */
struct objdecl {
    char name[17];
};

struct build {
    struct scn *s;
    struct entry *entries;
    size_t nentries;
    struct scn_proc *procs; /* s->nprocs of them */
    struct objdecl *objdecls;
    size_t nobjdecls;
    struct scn_object *objects;
    uint32_t nobjects;
    struct scn_cap *caps;
    uint32_t ncaps;
};

static void build_free(struct build *b)
{
    if (!b)
        return;
    free(b->entries);
    free(b->procs);
    free(b->objdecls);
    free(b->objects);
    free(b->caps);
    free(b);
}

/* The element of "processes" named `name`, or -1. */
static int entry_index(const struct build *b, const char *name)
{
    for (size_t i = 0; i < b->nentries; i++)
        if (strcmp(b->entries[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int object_index(const struct build *b, const char *name)
{
    for (size_t i = 0; i < b->nobjdecls; i++)
        if (strcmp(b->objdecls[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The slot of handle `name` in process p, or SCN_NO_SLOT. */
static uint16_t handle_find(const struct proc_build *p, const char *name)
{
    for (unsigned i = 0; i < p->nhandles; i++)
        if (strcmp(p->handles[i].name, name) == 0)
            return p->handles[i].slot;
    return SCN_NO_SLOT;
}

/* Binds `name` to a slot in p (its old one if it has one). */
static bool handle_define(struct ctx *c, struct proc_build *p, const char *name, uint16_t *slot)
{
    *slot = handle_find(p, name);
    if (*slot != SCN_NO_SLOT)
        return true;
    if (p->nhandles == SCN_MAX_HANDLES)
        return fail(c, "more than %d handles in one process", SCN_MAX_HANDLES);
    *slot = (uint16_t)p->nhandles;
    snprintf(p->handles[p->nhandles].name, sizeof p->handles[0].name, "%s", name);
    p->handles[p->nhandles].slot = *slot;
    p->nhandles++;
    return true;
}

static const struct {
    const char *name;
    int32_t value;
} error_names[] = {
    {"ok", 0},
    {"invalid_cap", IPC_ERR_INVALID_CAP},
    {"insufficient_rights", IPC_ERR_INSUFFICIENT_RIGHTS},
    {"port_full", IPC_ERR_PORT_FULL},
    {"would_block", IPC_ERR_WOULD_BLOCK},
    {"timeout", IPC_ERR_TIMEOUT},
    {"port_closed", IPC_ERR_PORT_CLOSED},
    {"msg_too_large", IPC_ERR_MSG_TOO_LARGE},
    {"bad_pointer", IPC_ERR_BAD_POINTER},
    {"filtered", IPC_ERR_FILTERED},
    {"rate_limited", IPC_ERR_RATE_LIMITED},
    {"no_memory", IPC_ERR_NO_MEMORY},
    {"no_slot", IPC_ERR_NO_SLOT},
    {"invalid_arg", IPC_ERR_INVALID_ARG},
    {"not_found", IPC_ERR_NOT_FOUND},
    {"exists", IPC_ERR_EXISTS},
};

/* The fields each operation takes (besides "op" and "expect"), and which
 * of them it needs. */
struct op_spec {
    const char *name;
    uint16_t code;
    const char *fields[8];
    const char *required[4];
};

static const struct op_spec op_specs[] = {
    {"port_create", SCN_OP_PORT_CREATE, {"as", "capacity"}, {"as"}},
    {"bind", SCN_OP_BIND, {"port", "name"}, {"port", "name"}},
    {"lookup", SCN_OP_LOOKUP, {"name", "as"}, {"name", "as"}},
    {"send", SCN_OP_SEND, {"port", "bytes", "opcode", "timeout", "caps", "move"}, {"port"}},
    {"try_send", SCN_OP_TRY_SEND, {"port", "bytes", "opcode", "caps", "move"}, {"port"}},
    {"recv", SCN_OP_RECV, {"port", "timeout", "as"}, {"port"}},
    {"try_recv", SCN_OP_TRY_RECV, {"port", "as"}, {"port"}},
    {"call", SCN_OP_CALL, {"port", "bytes", "opcode", "timeout"}, {"port"}},
    {"recv_call", SCN_OP_RECV_CALL, {"port", "as", "timeout"}, {"port", "as"}},
    {"reply", SCN_OP_REPLY, {"reply", "bytes"}, {"reply"}},
    {"reply_recv", SCN_OP_REPLY_RECV, {"reply", "port", "as"}, {"reply", "port", "as"}},
    {"notif_create", SCN_OP_NOTIF_CREATE, {"as"}, {"as"}},
    {"notify", SCN_OP_NOTIFY, {"notif", "bits"}, {"notif", "bits"}},
    {"wait", SCN_OP_WAIT, {"notif", "timeout"}, {"notif"}},
    {"poll", SCN_OP_POLL, {"notif"}, {"notif"}},
    {"peek", SCN_OP_PEEK, {"port"}, {"port"}},
    {"pull", SCN_OP_PULL, {"port"}, {"port"}},
    {"discard", SCN_OP_DISCARD, {"port"}, {"port"}},
    {"derive", SCN_OP_DERIVE, {"cap", "rights", "as"}, {"cap", "rights", "as"}},
    {"revoke", SCN_OP_REVOKE, {"cap"}, {"cap"}},
    {"delete", SCN_OP_DELETE, {"cap"}, {"cap"}},
    {"limit", SCN_OP_LIMIT, {"port", "opcodes", "max_bytes"}, {"port"}},
    {"rate", SCN_OP_RATE, {"port", "period", "burst"}, {"port", "period", "burst"}},
    {"px_socket", SCN_OP_PX_SOCKET, {"as"}, {"as"}},
    {"px_bind", SCN_OP_PX_BIND, {"socket", "name"}, {"socket", "name"}},
    {"px_connect", SCN_OP_PX_CONNECT, {"socket", "name"}, {"socket", "name"}},
    {"px_send", SCN_OP_PX_SEND, {"socket", "bytes"}, {"socket"}},
    {"px_recv", SCN_OP_PX_RECV, {"socket"}, {"socket"}},
    {"px_close", SCN_OP_PX_CLOSE, {"socket", "name"}, {"socket"}},
    {"chan_create", SCN_OP_CHAN_CREATE, {"as", "slots", "slot_size"}, {"as"}},
    {"chan_give", SCN_OP_CHAN_GIVE, {"chan", "port"}, {"chan", "port"}},
    {"chan_accept", SCN_OP_CHAN_ACCEPT, {"port", "as"}, {"port", "as"}},
    {"chan_send", SCN_OP_CHAN_SEND, {"chan", "count", "bytes"}, {"chan"}},
    {"chan_recv", SCN_OP_CHAN_RECV, {"chan"}, {"chan"}},
    {"topic_create", SCN_OP_TOPIC_CREATE, {"as"}, {"as"}},
    {"subscribe", SCN_OP_SUBSCRIBE, {"topic", "port"}, {"topic", "port"}},
    {"publish", SCN_OP_PUBLISH, {"topic", "bytes", "opcode"}, {"topic"}},
    {"region_create", SCN_OP_REGION_CREATE, {"as", "bytes"}, {"as", "bytes"}},
    {"map", SCN_OP_MAP, {"region"}, {"region"}},
    {"unmap", SCN_OP_UNMAP, {"region"}, {"region"}},
    {"region_copy", SCN_OP_REGION_COPY, {"region", "as"}, {"region", "as"}},
    {"touch", SCN_OP_TOUCH, {"region", "bytes", "write"}, {"region", "bytes"}},
    {"compute", SCN_OP_COMPUTE, {"cycles"}, {"cycles"}},
    {"sleep", SCN_OP_SLEEP, {"cycles"}, {"cycles"}},
    {"yield", SCN_OP_YIELD, {NULL}, {NULL}},
    {"exit", SCN_OP_EXIT, {"code"}, {NULL}},
    {"repeat", SCN_OP_REPEAT, {"count", "body"}, {"count", "body"}},
};

/* Resolves handle field `key` of `op` (which must exist when given). */
static bool use_handle(struct ctx *c, struct proc_build *p, const cJSON *op, const char *key,
                       uint16_t *slot)
{
    const char *name;
    *slot = SCN_NO_SLOT;
    if (!get_ident(c, op, key, false, &name))
        return false;
    if (!name)
        return true;
    *slot = handle_find(p, name);
    if (*slot == SCN_NO_SLOT) {
        push_key(c, key);
        return fail(c, "no handle \"%s\" here (an object it holds or an earlier \"as\")", name);
    }
    return true;
}

static bool parse_rights(struct ctx *c, const cJSON *arr, uint32_t *rights)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } names[] = {{"send", IPC_RIGHT_SEND},
                 {"receive", IPC_RIGHT_RECEIVE},
                 {"grant", IPC_RIGHT_GRANT},
                 {"manage", IPC_RIGHT_MANAGE}};
    *rights = 0;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
        return fail(c, "must be a non-empty array of \"send\", \"receive\", \"grant\", \"manage\"");
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        push_index(c, i);
        size_t k = 0, n = sizeof names / sizeof names[0];
        while (cJSON_IsString(it) && k < n && strcmp(names[k].name, it->valuestring) != 0)
            k++;
        if (!cJSON_IsString(it) || k == n)
            return fail(c, "not a right (\"send\", \"receive\", \"grant\", \"manage\")");
        *rights |= names[k].bit;
        pop(c);
    }
    return true;
}

static bool compile_ops(struct ctx *c, struct build *b, struct proc_build *p, const cJSON *arr,
                        int depth);

/* Compiles one operation (the current path is its index). */
static bool compile_op(struct ctx *c, struct build *b, struct proc_build *p, const cJSON *op,
                       int depth)
{
    if (!cJSON_IsObject(op))
        return fail(c, "must be an object");
    const char *name;
    if (!get_string(c, op, "op", true, 32, &name))
        return false;
    size_t k = 0, n = sizeof op_specs / sizeof op_specs[0];
    while (k < n && strcmp(op_specs[k].name, name) != 0)
        k++;
    if (k == n) {
        push_key(c, "op");
        return fail(c, "unknown operation \"%s\"", name);
    }
    const struct op_spec *sp = &op_specs[k];
    const char *allowed[12] = {"op", "expect"};
    size_t na = 2;
    for (size_t i = 0; i < 8 && sp->fields[i]; i++)
        allowed[na++] = sp->fields[i];
    allowed[na] = NULL;
    const char *required[5] = {NULL};
    for (size_t i = 0; i < 4 && sp->required[i]; i++)
        required[i] = sp->required[i];
    if (!check_object(c, op, allowed, required))
        return false;
    if (p->nops + (sp->code == SCN_OP_REPEAT ? 2 : 1) > SCN_MAX_OPS)
        return fail(c, "the program is too long (more than %d compiled operations)", SCN_MAX_OPS);
    struct scn_op o = {.code = sp->code,
                       .a = SCN_NO_SLOT,
                       .b = SCN_NO_SLOT,
                       .c = SCN_NO_SLOT,
                       .expect = SCN_EXPECT_ANY};
    const char *ex;
    if (!get_string(c, op, "expect", false, 32, &ex))
        return false;
    if (ex) {
        size_t e = 0, ne = sizeof error_names / sizeof error_names[0];
        while (e < ne && strcmp(error_names[e].name, ex) != 0)
            e++;
        if (e == ne) {
            push_key(c, "expect");
            return fail(c, "unknown result \"%s\" (\"ok\" or an error name, docs/scenarios.md)",
                        ex);
        }
        o.expect = error_names[e].value;
    }
    uint64_t u;
    bool call_like = sp->code == SCN_OP_CALL || sp->code == SCN_OP_REPLY;
    const char *hkeys[] = {"port", "reply", "notif", "cap", "region", "topic", "socket", "chan"};
    for (size_t i = 0; i < 8; i++) {
        uint16_t slot;
        if (!use_handle(c, p, op, hkeys[i], &slot))
            return false;
        if (slot == SCN_NO_SLOT)
            continue;
        /* reply_recv: a = the reply, b = the port; subscribe: a = the
         * topic, b = the port; chan_give: a = the channel, b = the port */
        if ((sp->code == SCN_OP_REPLY_RECV || sp->code == SCN_OP_SUBSCRIBE ||
             sp->code == SCN_OP_CHAN_GIVE) &&
            i == 0)
            o.b = slot;
        else
            o.a = slot;
    }
    bool region_bytes = sp->code == SCN_OP_REGION_CREATE || sp->code == SCN_OP_TOUCH;
    /* chan_send's bytes (per slot) are read below */
    if (sp->code != SCN_OP_CHAN_SEND) {
        if (!get_uint(c, op, "bytes", region_bytes ? 1 : 0,
                      region_bytes ? 1048576
                      : call_like  ? 48
                                   : IPC_MSG_MAX,
                      false, 8, &u))
            return false;
        o.n = (uint32_t)u;
    }
    if (!get_uint(c, op, "opcode", 0, 63, false, 1, &u))
        return false;
    o.m = (uint32_t)u;
    if (!get_uint(c, op, "timeout", 0, 1000000000000ULL, false, 0, &o.v))
        return false;
    switch (sp->code) {
    case SCN_OP_PORT_CREATE:
        if (!get_uint(c, op, "capacity", 1, 64, false, 8, &u))
            return false;
        o.n = (uint32_t)u;
        break;
    case SCN_OP_PX_CLOSE:
        if (!cJSON_GetObjectItemCaseSensitive(op, "name")) {
            o.m = UINT32_MAX;
            break;
        }
        __attribute__((fallthrough));
    case SCN_OP_BIND:
    case SCN_OP_LOOKUP:
    case SCN_OP_PX_BIND:
    case SCN_OP_PX_CONNECT: {
        const char *nm;
        if (!get_string(c, op, "name", true, 31, &nm))
            return false;
        size_t len = strlen(nm) + 1;
        if (p->nstr + len > SCN_MAX_STRINGS) {
            push_key(c, "name");
            return fail(c, "more than %d bytes of names in one process", SCN_MAX_STRINGS);
        }
        memcpy(p->strings + p->nstr, nm, len);
        o.m = p->nstr;
        p->nstr += (unsigned)len;
        break;
    }
    case SCN_OP_SEND:
    case SCN_OP_TRY_SEND: {
        bool move;
        if (!get_bool(c, op, "move", &move))
            return false;
        o.w = move ? 1 : 0; /* IPC_UMSG_MOVE */
        const cJSON *caps = cJSON_GetObjectItemCaseSensitive(op, "caps");
        if (caps) {
            push_key(c, "caps");
            if (!cJSON_IsArray(caps) || cJSON_GetArraySize(caps) > 1)
                return fail(c, "must be an array of at most one handle");
            if (caps->child) {
                push_index(c, 0);
                if (!cJSON_IsString(caps->child) ||
                    (o.b = handle_find(p, caps->child->valuestring)) == SCN_NO_SLOT)
                    return fail(c, "not a handle of this process");
                pop(c);
            }
            pop(c);
        }
        break;
    }
    case SCN_OP_NOTIFY:
        if (!get_uint(c, op, "bits", 1, UINT64_MAX, true, 0, &o.v))
            return false;
        break;
    case SCN_OP_CHAN_CREATE:
        if (!get_uint(c, op, "slots", 2, 256, false, 16, &u))
            return false;
        if (u & (u - 1)) {
            push_key(c, "slots");
            return fail(c, "must be a power of two");
        }
        o.n = (uint32_t)u;
        if (!get_uint(c, op, "slot_size", 8, 1024, false, 64, &o.w))
            return false;
        break;
    case SCN_OP_CHAN_SEND:
        if (!get_uint(c, op, "count", 1, 64, false, 1, &u))
            return false;
        o.n = (uint32_t)u;
        if (!get_uint(c, op, "bytes", 1, 252, false, 8, &o.w))
            return false;
        break;
    case SCN_OP_TOUCH: {
        bool write;
        if (!get_bool(c, op, "write", &write))
            return false;
        o.m = write;
        break;
    }
    case SCN_OP_DERIVE:
        push_key(c, "rights");
        if (!parse_rights(c, cJSON_GetObjectItemCaseSensitive(op, "rights"), &o.n))
            return false;
        pop(c);
        break;
    case SCN_OP_LIMIT: {
        const cJSON *codes = cJSON_GetObjectItemCaseSensitive(op, "opcodes");
        o.w = UINT64_MAX;
        if (codes) {
            push_key(c, "opcodes");
            if (!cJSON_IsArray(codes))
                return fail(c, "must be an array of opcodes 0..63");
            o.w = 0;
            int i = 0;
            for (const cJSON *it = codes->child; it; it = it->next, i++) {
                push_index(c, i);
                double d = cJSON_IsNumber(it) ? it->valuedouble : -1;
                if (d != (double)(int)d || d < 0 || d > 63)
                    return fail(c, "must be an opcode 0..63");
                o.w |= 1ULL << (int)d;
                pop(c);
            }
            pop(c);
        }
        if (!get_uint(c, op, "max_bytes", 0, IPC_MSG_MAX, false, IPC_MSG_MAX, &u))
            return false;
        o.n = (uint32_t)u;
        break;
    }
    case SCN_OP_RATE:
        if (!get_uint(c, op, "period", 1, 1000000000000ULL, true, 0, &o.v) ||
            !get_uint(c, op, "burst", 1, UINT32_MAX, true, 0, &o.w))
            return false;
        break;
    case SCN_OP_COMPUTE:
        if (!get_uint(c, op, "cycles", 1, 10000000000ULL, true, 0, &o.v))
            return false;
        break;
    case SCN_OP_SLEEP:
        if (!get_uint(c, op, "cycles", 1, 1000000000000ULL, true, 0, &o.v))
            return false;
        break;
    case SCN_OP_EXIT:
        if (!get_uint(c, op, "code", 0, 255, false, 0, &u))
            return false;
        o.n = (uint32_t)u;
        break;
    case SCN_OP_REPEAT: {
        if (!get_uint(c, op, "count", 1, 1000000000ULL, true, 0, &o.v))
            return false;
        if (depth >= SCN_MAX_DEPTH) {
            push_key(c, "body");
            return fail(c, "repeats nested more than %d deep", SCN_MAX_DEPTH);
        }
        unsigned at = p->nops++;
        push_key(c, "body");
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(op, "body");
        if (!cJSON_IsArray(body) || cJSON_GetArraySize(body) == 0)
            return fail(c, "must be a non-empty array of operations");
        if (!compile_ops(c, b, p, body, depth + 1))
            return false;
        pop(c);
        if (p->nops >= SCN_MAX_OPS)
            return fail(c, "the program is too long (more than %d compiled operations)",
                        SCN_MAX_OPS);
        o.m = p->nops;
        p->ops[at] = o;
        p->ops[p->nops++] = (struct scn_op){.code = SCN_OP_LOOP_END,
                                            .a = SCN_NO_SLOT,
                                            .b = SCN_NO_SLOT,
                                            .c = SCN_NO_SLOT,
                                            .m = at,
                                            .expect = SCN_EXPECT_ANY};
        return true;
    }
    default:
        break;
    }
    /* "as" last: an operation may use a name it redefines (reply_recv's
     * reply capability). */
    const char *as;
    if (!get_ident(c, op, "as", false, &as))
        return false;
    if (as) {
        push_key(c, "as");
        if (!handle_define(c, p, as, &o.c))
            return false;
        pop(c);
    }
    p->ops[p->nops++] = o;
    return true;
}

static bool compile_ops(struct ctx *c, struct build *b, struct proc_build *p, const cJSON *arr,
                        int depth)
{
    int i = 0;
    for (const cJSON *op = arr->child; op; op = op->next, i++) {
        push_index(c, i);
        if (!compile_op(c, b, p, op, depth))
            return false;
        pop(c);
    }
    return true;
}

/* ---- the top level ------------------------------------------------------- */

static bool load_machine(struct ctx *c, struct scn *s, const cJSON *root)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "machine");
    if (!m)
        return true;
    push_key(c, "machine");
    static const char *const allowed[] = {"arch",    "cpu",          "cap_cache",
                                          "quantum", "exact_caches", NULL};
    const char *arch, *cpu;
    uint64_t u;
    if (!check_object(c, m, allowed, NULL) || !get_string(c, m, "arch", false, 15, &arch) ||
        !get_string(c, m, "cpu", false, 63, &cpu))
        return false;
    if (arch && strcmp(arch, "x86_64") && strcmp(arch, "aarch64") && strcmp(arch, "riscv64")) {
        push_key(c, "arch");
        return fail(c, "unknown architecture \"%s\" (x86_64, aarch64, riscv64)", arch);
    }
    snprintf(s->arch, sizeof s->arch, "%s", arch ? arch : "");
    snprintf(s->cpu, sizeof s->cpu, "%s", cpu ? cpu : "");
    if (!get_uint(c, m, "cap_cache", 1, 65536, false, 0, &u))
        return false;
    if (u & (u - 1)) {
        push_key(c, "cap_cache");
        return fail(c, "must be a power of two");
    }
    s->cap_cache = (uint32_t)u;
    if (!get_uint(c, m, "quantum", 1000, 1000000000ULL, false, 0, &s->quantum))
        return false;
    if (!get_bool(c, m, "exact_caches", &s->exact_caches))
        return false;
    pop(c);
    return true;
}

/* Returns the number of decimal digits of n. */
static unsigned digits(uint32_t n)
{
    unsigned d = 1;
    while (n >= 10)
        n /= 10, d++;
    return d;
}

static bool load_processes(struct ctx *c, struct build *b, const cJSON *root)
{
    const cJSON *procs = cJSON_GetObjectItemCaseSensitive(root, "processes");
    push_key(c, "processes");
    if (!cJSON_IsArray(procs) || cJSON_GetArraySize(procs) == 0)
        return fail(c, "must be a non-empty array");
    if (cJSON_GetArraySize(procs) > SCN_MAX_PROCS)
        return fail(c, "more than %d processes", SCN_MAX_PROCS);
    size_t n = (size_t)cJSON_GetArraySize(procs);
    if (!(b->entries = calloc(n, sizeof *b->entries)))
        return fail(c, "out of memory");
    uint32_t total = 0;
    int i = 0;
    for (const cJSON *p = procs->child; p; p = p->next, i++) {
        push_index(c, i);
        static const char *const allowed[] = {"name", "priority", "count", "program", NULL};
        static const char *const required[] = {"name", "program", NULL};
        const char *name;
        uint64_t prio, count;
        if (!check_object(c, p, allowed, required) || !get_ident(c, p, "name", true, &name) ||
            !get_uint(c, p, "priority", 0, 7, false, 1, &prio) ||
            !get_uint(c, p, "count", 1, SCN_MAX_PROCS, false, 1, &count))
            return false;
        if (entry_index(b, name) >= 0) {
            push_key(c, "name");
            return fail(c, "a second process named \"%s\"", name);
        }
        if (count > 1 && strlen(name) + 1 + digits((uint32_t)count - 1) > 16) {
            push_key(c, "name");
            return fail(c, "too long for %llu replicas: \"%s.%llu\" would be over 16 characters",
                        (unsigned long long)count, name, (unsigned long long)count - 1);
        }
        if (total + count > SCN_MAX_PROCS) {
            push_key(c, "count");
            return fail(c, "more than %d processes in all", SCN_MAX_PROCS);
        }
        struct entry *e = &b->entries[b->nentries++];
        snprintf(e->name, sizeof e->name, "%s", name);
        e->first = total;
        e->count = (uint32_t)count;
        e->priority = (uint32_t)prio;
        total += (uint32_t)count;
        pop(c);
    }
    struct scn *s = b->s;
    s->proc_names = calloc(total, sizeof *s->proc_names);
    s->expect.procs = calloc(total, sizeof *s->expect.procs);
    b->procs = calloc(total, sizeof *b->procs);
    if (!s->proc_names || !s->expect.procs || !b->procs)
        return fail(c, "out of memory");
    for (size_t i = 0; i < b->nentries; i++) {
        const struct entry *e = &b->entries[i];
        for (uint32_t k = 0; k < e->count; k++) {
            char *pn = s->proc_names[e->first + k], full[32];
            if (e->count > 1)
                snprintf(full, sizeof full, "%s.%u", e->name, k);
            else
                snprintf(full, sizeof full, "%s", e->name);
            snprintf(pn, sizeof s->proc_names[0], "%.16s", full); /* fits: checked above */
            struct scn_proc *sp = &b->procs[e->first + k];
            memcpy(sp->name, pn, strlen(pn)); /* at most 16: NUL-padded, not terminated */
            sp->priority = e->priority;
        }
    }
    s->nprocs = total;
    pop(c);
    return true;
}

/* The optional top-level array `key` of at most `max` items: *out is it,
 * or NULL when absent (then nothing is pushed). On success the path has
 * `key` pushed. */
static bool get_array(struct ctx *c, const cJSON *root, const char *key, int max, const cJSON **out)
{
    *out = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!*out)
        return true;
    push_key(c, key);
    if (!cJSON_IsArray(*out))
        return fail(c, "must be an array");
    if (cJSON_GetArraySize(*out) > max)
        return fail(c, "more than %d %s", max, key);
    return true;
}

static bool load_objects(struct ctx *c, struct build *b, const cJSON *root)
{
    const cJSON *objs;
    if (!get_array(c, root, "objects", SCN_MAX_OBJECTS, &objs) || !objs)
        return !c->failed;
    size_t n = (size_t)cJSON_GetArraySize(objs);
    b->objdecls = calloc(n ? n : 1, sizeof *b->objdecls);
    b->objects = calloc(SCN_MAX_OBJECTS, sizeof *b->objects);
    if (!b->objdecls || !b->objects)
        return fail(c, "out of memory");
    int i = 0;
    for (const cJSON *o = objs->child; o; o = o->next, i++) {
        push_index(c, i);
        static const char *const allowed[] = {"name", "type", "owner", "capacity", NULL};
        static const char *const required[] = {"name", "type", "owner", NULL};
        const char *name, *type, *owner;
        uint64_t cap;
        if (!check_object(c, o, allowed, required) || !get_ident(c, o, "name", true, &name) ||
            !get_string(c, o, "type", true, 16, &type) || !get_ident(c, o, "owner", true, &owner))
            return false;
        bool port = strcmp(type, "port") == 0;
        if (!port && strcmp(type, "notification") != 0) {
            push_key(c, "type");
            return fail(c, "must be \"port\" or \"notification\"");
        }
        if (!get_uint(c, o, "capacity", 1, 64, false, 8, &cap))
            return false;
        if (!port && cJSON_GetObjectItemCaseSensitive(o, "capacity")) {
            push_key(c, "capacity");
            return fail(c, "only ports have a capacity");
        }
        if (object_index(b, name) >= 0 || entry_index(b, name) >= 0) {
            push_key(c, "name");
            return fail(c, "the name \"%s\" is taken", name);
        }
        int ow = entry_index(b, owner);
        if (ow < 0) {
            push_key(c, "owner");
            return fail(c, "no process named \"%s\"", owner);
        }
        const struct entry *e = &b->entries[ow];
        if (b->nobjects + e->count > SCN_MAX_OBJECTS) {
            push_key(c, "owner");
            return fail(c, "more than %d objects in all (one per replica of the owner)",
                        SCN_MAX_OBJECTS);
        }
        uint16_t slot;
        if (!handle_define(c, &b->entries[ow].pb, name, &slot))
            return false;
        for (uint32_t k = 0; k < e->count; k++)
            b->objects[b->nobjects++] =
                (struct scn_object){.type = port ? SCN_OBJ_PORT : SCN_OBJ_NOTIFICATION,
                                    .owner = (uint16_t)(e->first + k),
                                    .owner_slot = slot,
                                    .capacity = (uint32_t)cap};
        snprintf(b->objdecls[b->nobjdecls++].name, sizeof b->objdecls[0].name, "%s", name);
        pop(c);
    }
    pop(c);
    return true;
}

static bool load_caps(struct ctx *c, struct build *b, const cJSON *root)
{
    const cJSON *caps;
    if (!get_array(c, root, "capabilities", SCN_MAX_CAPS, &caps) || !caps)
        return !c->failed;
    if (!(b->caps = calloc(SCN_MAX_CAPS, sizeof *b->caps)))
        return fail(c, "out of memory");
    int i = 0;
    for (const cJSON *g = caps->child; g; g = g->next, i++) {
        push_index(c, i);
        static const char *const allowed[] = {"from", "object", "to", "rights",
                                              "as",   "shift",  NULL};
        static const char *const required[] = {"from", "object", "to", "rights", NULL};
        const char *from, *object, *to, *as;
        uint64_t shift;
        if (!check_object(c, g, allowed, required) || !get_ident(c, g, "from", true, &from) ||
            !get_ident(c, g, "object", true, &object) || !get_ident(c, g, "to", true, &to) ||
            !get_ident(c, g, "as", false, &as) ||
            !get_uint(c, g, "shift", 0, SCN_MAX_PROCS - 1, false, 0, &shift))
            return false;
        int f = entry_index(b, from), t = entry_index(b, to);
        if (f < 0 || t < 0) {
            push_key(c, f < 0 ? "from" : "to");
            return fail(c, "no process named \"%s\"", f < 0 ? from : to);
        }
        if (object_index(b, object) < 0) {
            push_key(c, "object");
            return fail(c, "no object named \"%s\"", object);
        }
        struct entry *ef = &b->entries[f], *et = &b->entries[t];
        uint16_t fs = handle_find(&ef->pb, object), ts;
        if (fs == SCN_NO_SLOT) {
            push_key(c, "from");
            return fail(c, "\"%s\" does not hold \"%s\" (yet)", from, object);
        }
        /* From one process to each replica of `to`, or from replica i of
         * `from` to replica (i + shift) mod count of `to`. */
        bool pairwise = ef->count > 1;
        if (pairwise && et->count != ef->count) {
            push_key(c, "to");
            return fail(c,
                        "\"%s\" has %u replicas and \"%s\" %u: replicas grant pairwise, so give "
                        "both the same count (or grant from a single process)",
                        from, ef->count, to, et->count);
        }
        if (cJSON_GetObjectItemCaseSensitive(g, "shift") && (!pairwise || shift >= et->count)) {
            push_key(c, "shift");
            return fail(c,
                        pairwise ? "must be below the number of replicas (%u)"
                                 : "only for grants between replicated processes (count > 1)",
                        et->count);
        }
        if (f == t && (!pairwise || shift == 0)) {
            push_key(c, "to");
            return fail(c, "a process cannot grant itself a capability%s",
                        pairwise ? " (give a non-zero \"shift\")" : "");
        }
        uint32_t rights;
        push_key(c, "rights");
        if (!parse_rights(c, cJSON_GetObjectItemCaseSensitive(g, "rights"), &rights))
            return false;
        pop(c);
        const char *hname = as ? as : object;
        if (f == t && strcmp(hname, object) == 0) {
            push_key(c, "to");
            return fail(c, "the copy would replace \"%s\"'s own handle \"%s\": name it with \"as\"",
                        from, object);
        }
        if (b->ncaps + et->count > SCN_MAX_CAPS) {
            push_key(c, "to");
            return fail(c, "more than %d capabilities in all (one per replica)", SCN_MAX_CAPS);
        }
        if (!handle_define(c, &et->pb, hname, &ts))
            return false;
        for (uint32_t k = 0; k < et->count; k++) {
            uint32_t src =
                pairwise ? ef->first + (k + et->count - (uint32_t)shift) % et->count : ef->first;
            b->caps[b->ncaps++] =
                (struct scn_cap){(uint16_t)src, fs, (uint16_t)(et->first + k), ts, rights, 0};
        }
        pop(c);
    }
    pop(c);
    return true;
}

static bool load_programs(struct ctx *c, struct build *b, const cJSON *root)
{
    const cJSON *procs = cJSON_GetObjectItemCaseSensitive(root, "processes");
    push_key(c, "processes");
    int i = 0;
    for (const cJSON *p = procs->child; p; p = p->next, i++) {
        push_index(c, i);
        push_key(c, "program");
        const cJSON *prog = cJSON_GetObjectItemCaseSensitive(p, "program");
        if (!cJSON_IsArray(prog))
            return fail(c, "must be an array of operations");
        if (!compile_ops(c, b, &b->entries[i].pb, prog, 0))
            return false;
        pop(c);
        pop(c);
    }
    pop(c);
    return true;
}

static bool load_expect(struct ctx *c, struct build *b, const cJSON *root)
{
    struct scn_expect *e = &b->s->expect;
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(root, "expect");
    if (!ex)
        return true;
    push_key(c, "expect");
    static const char *const allowed[] = {"outcome", "processes", "messages",
                                          "paths",   "cycles",    NULL};
    const char *outcome;
    if (!check_object(c, ex, allowed, NULL) || !get_string(c, ex, "outcome", false, 16, &outcome))
        return false;
    if (outcome && strcmp(outcome, "ok") != 0 && strcmp(outcome, "deadlock") != 0) {
        push_key(c, "outcome");
        return fail(c, "must be \"ok\" or \"deadlock\"");
    }
    e->deadlock = outcome && strcmp(outcome, "deadlock") == 0;
    const cJSON *procs = cJSON_GetObjectItemCaseSensitive(ex, "processes");
    if (procs) {
        push_key(c, "processes");
        if (!cJSON_IsObject(procs))
            return fail(c, "must be an object keyed by process name");
        for (const cJSON *it = procs->child; it; it = it->next) {
            /* A process, every replica of one, or one replica ("worker.3"). */
            uint32_t first = 0, count = 0;
            int ei = entry_index(b, it->string);
            if (ei >= 0) {
                first = b->entries[ei].first;
                count = b->entries[ei].count;
            } else {
                for (uint32_t k = 0; k < b->s->nprocs && !count; k++)
                    if (strcmp(b->s->proc_names[k], it->string) == 0)
                        first = k, count = 1;
            }
            push_key(c, it->string);
            if (!count)
                return fail_key(c, "no process named \"%s\"", it->string);
            static const char *const pallowed[] = {"state", "code", NULL};
            static const char *const prequired[] = {"state", NULL};
            const char *state;
            uint64_t code;
            if (!check_object(c, it, pallowed, prequired) ||
                !get_string(c, it, "state", true, 16, &state) ||
                !get_uint(c, it, "code", 0, 255, false, 0, &code))
                return false;
            bool killed = strcmp(state, "killed") == 0;
            if (!killed && strcmp(state, "exited") != 0) {
                push_key(c, "state");
                return fail(c, "must be \"exited\" or \"killed\"");
            }
            for (uint32_t k = first; k < first + count; k++) {
                e->procs[k].killed = killed;
                e->procs[k].code = (int)code;
            }
            pop(c);
        }
        pop(c);
    }
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(ex, "messages");
    if (msgs) {
        push_key(c, "messages");
        static const char *const mallowed[] = {"sent",      "received", "fast_path",
                                               "slow_path", "refused",  NULL};
        if (!check_object(c, msgs, mallowed, NULL))
            return false;
        for (int f = 0; f < SCN_MSG_COUNT; f++) {
            const char *key = scn_msg_field_name((enum scn_msg_field)f);
            e->has_msg[f] = cJSON_GetObjectItemCaseSensitive(msgs, key) != NULL;
            if (!get_uint(c, msgs, key, 0, 1000000000000ULL, false, 0, &e->msg[f]))
                return false;
        }
        pop(c);
    }
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(ex, "paths");
    if (paths) {
        push_key(c, "paths");
        if (!cJSON_IsObject(paths))
            return fail(c, "must be an object keyed by path name");
        for (const cJSON *it = paths->child; it; it = it->next) {
            push_key(c, it->string);
            unsigned id = 0;
            while (id < TRC_PATH_COUNT && strcmp(trc_path_name(id), it->string) != 0)
                id++;
            if (id == TRC_PATH_COUNT)
                return fail_key(c, "no path named \"%s\"", it->string);
            if (e->npaths == SCN_MAX_PATH_EXPECTS)
                return fail_key(c, "more than %d paths", SCN_MAX_PATH_EXPECTS);
            static const char *const pallowed[] = {"count", "min_count", "max_count", NULL};
            struct scn_expect_path *pe = &e->paths[e->npaths];
            if (!check_object(c, it, pallowed, NULL) ||
                !get_uint(c, it, "count", 0, UINT32_MAX, false, 0, &pe->count) ||
                !get_uint(c, it, "min_count", 0, UINT32_MAX, false, 0, &pe->min) ||
                !get_uint(c, it, "max_count", 0, UINT32_MAX, false, 0, &pe->max))
                return false;
            snprintf(pe->name, sizeof pe->name, "%s", it->string);
            pe->has_count = cJSON_GetObjectItemCaseSensitive(it, "count") != NULL;
            pe->has_min = cJSON_GetObjectItemCaseSensitive(it, "min_count") != NULL;
            pe->has_max = cJSON_GetObjectItemCaseSensitive(it, "max_count") != NULL;
            e->npaths++;
            pop(c);
        }
        pop(c);
    }
    const cJSON *cyc = cJSON_GetObjectItemCaseSensitive(ex, "cycles");
    if (cyc) {
        push_key(c, "cycles");
        static const char *const callowed[] = {"min", "max", NULL};
        if (!check_object(c, cyc, callowed, NULL) ||
            !get_uint(c, cyc, "min", 0, 1000000000000ULL, false, 0, &e->cycles_min) ||
            !get_uint(c, cyc, "max", 1, 1000000000000ULL, false, 0, &e->cycles_max))
            return false;
        e->has_cycles_min = cJSON_GetObjectItemCaseSensitive(cyc, "min") != NULL;
        e->has_cycles_max = cJSON_GetObjectItemCaseSensitive(cyc, "max") != NULL;
        pop(c);
    }
    pop(c);
    return true;
}

/* Lays the compiled scenario out as one blob (scenario_abi.h). */
static bool emit(struct ctx *c, struct build *b)
{
    struct scn_blob hdr = {.magic = SCN_MAGIC,
                           .nprocs = (uint32_t)b->s->nprocs,
                           .nobjects = b->nobjects,
                           .ncaps = b->ncaps};
    size_t size = sizeof hdr;
    hdr.proc_offset = (uint32_t)size;
    size += hdr.nprocs * sizeof(struct scn_proc);
    hdr.object_offset = (uint32_t)size;
    size += hdr.nobjects * sizeof(struct scn_object);
    hdr.cap_offset = (uint32_t)size;
    size += hdr.ncaps * sizeof(struct scn_cap);
    for (size_t i = 0; i < b->nentries; i++)
        size += b->entries[i].pb.nops * sizeof(struct scn_op) + ((b->entries[i].pb.nstr + 7) & ~7u);
    if (size > MM_SCENARIO_SIZE)
        return fail(c, "the compiled scenario is too large (%zu bytes, at most %llu)", size,
                    (unsigned long long)MM_SCENARIO_SIZE);
    char *blob = calloc(1, size);
    if (!blob)
        return fail(c, "out of memory");
    hdr.size = (uint32_t)size;
    memcpy(blob, &hdr, sizeof hdr);
    struct scn_proc *procs = (struct scn_proc *)(blob + hdr.proc_offset);
    memcpy(procs, b->procs, hdr.nprocs * sizeof *procs);
    if (hdr.nobjects)
        memcpy(blob + hdr.object_offset, b->objects, hdr.nobjects * sizeof(struct scn_object));
    if (hdr.ncaps)
        memcpy(blob + hdr.cap_offset, b->caps, hdr.ncaps * sizeof(struct scn_cap));
    size_t off = hdr.cap_offset + hdr.ncaps * sizeof(struct scn_cap);
    for (size_t i = 0; i < b->nentries; i++) {
        const struct entry *e = &b->entries[i];
        const struct proc_build *p = &e->pb;
        uint32_t op_offset = (uint32_t)off;
        memcpy(blob + off, p->ops, p->nops * sizeof(struct scn_op));
        off += p->nops * sizeof(struct scn_op);
        uint32_t str_offset = (uint32_t)off;
        memcpy(blob + off, p->strings, p->nstr);
        off += (p->nstr + 7) & ~7u;
        for (uint32_t k = e->first; k < e->first + e->count; k++) {
            procs[k].nops = p->nops;
            procs[k].op_offset = op_offset;
            procs[k].str_offset = str_offset;
            procs[k].nstr = p->nstr;
        }
    }
    b->s->blob = (struct scn_blob *)blob;
    b->s->blob_size = size;
    return true;
}

/* Records a syntax error at byte `off`. */
static bool syntax_error(struct ctx *c, size_t off, const char *what)
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
 * zero. On failure records where. */
static bool check_bytes(struct ctx *c)
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
            if (t[i] == '\\')
                n = i + 1 < c->len && t[i + 1] < 0x80 ? 2 : 1;
            else if (t[i] == '"')
                in_string = false;
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

int scn_load_text(const char *path, const char *text, size_t len, struct scn *s, char *err,
                  size_t errn)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    struct ctx c = {.file = path, .text = text, .len = len, .err = err, .errn = errn};
    if (!check_bytes(&c))
        return -1;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        unsigned line, col;
        size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
        line_col(text, off, &line, &col);
        snprintf(err, errn, "%s:%u:%u: not valid JSON%s", path, line, col,
                 off >= len ? " (it ends too early)" : "");
        return -1;
    }
    /* What follows the value must be white space only. */
    size_t after = skip_ws(text, end ? (size_t)(end - text) : len, len);
    struct build *b = calloc(1, sizeof *b);
    int rc = -1;
    if (after < len) {
        unsigned line, col;
        line_col(text, after, &line, &col);
        snprintf(err, errn, "%s:%u:%u: not valid JSON (text after the scenario)", path, line, col);
        goto out;
    }
    if (!b) {
        snprintf(err, errn, "%s: out of memory", path);
        goto out;
    }
    b->s = s;
    s->seed = 1;
    static const char *const allowed[] = {"name",    "description", "seed",         "limits",
                                          "machine", "objects",     "capabilities", "processes",
                                          "expect",  NULL};
    static const char *const required[] = {"name", "description", "processes", NULL};
    const char *name, *desc;
    if (!check_object(&c, root, allowed, required) ||
        !get_string(&c, root, "name", true, 63, &name) ||
        !get_string(&c, root, "description", true, 100000, &desc) ||
        !get_uint(&c, root, "seed", 0, INT64_MAX, false, 1, &s->seed))
        goto out;
    snprintf(s->name, sizeof s->name, "%s", name);
    const cJSON *limits = cJSON_GetObjectItemCaseSensitive(root, "limits");
    if (limits) {
        push_key(&c, "limits");
        static const char *const lallowed[] = {"max_cycles", NULL};
        if (!check_object(&c, limits, lallowed, NULL) ||
            !get_uint(&c, limits, "max_cycles", 1, 1000000000000ULL, false, 0, &s->max_cycles))
            goto out;
        pop(&c);
    }
    if (!load_machine(&c, s, root) || !load_processes(&c, b, root) || !load_objects(&c, b, root) ||
        !load_caps(&c, b, root) || !load_programs(&c, b, root) || !load_expect(&c, b, root) ||
        !emit(&c, b))
        goto out;
    if (!(s->source = malloc(len + 1))) {
        snprintf(err, errn, "%s: out of memory", path);
        goto out;
    }
    memcpy(s->source, text, len);
    s->source[len] = '\0';
    s->source_len = len;
    rc = 0;
out:
    if (rc != 0 && !c.failed && !err[0])
        snprintf(err, errn, "%s: invalid scenario", path);
    build_free(b);
    cJSON_Delete(root);
    if (rc != 0)
        scn_free(s);
    return rc;
}

int scn_load_file(const char *path, struct scn *s, char *err, size_t errn)
{
    memset(s, 0, sizeof *s);
    err[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errn, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *text = malloc(SCN_FILE_MAX + 1);
    size_t n = text ? fread(text, 1, SCN_FILE_MAX + 1, f) : 0;
    bool bad = ferror(f) != 0;
    fclose(f);
    if (!text || bad || n > SCN_FILE_MAX) {
        snprintf(err, errn, "%s: %s", path,
                 !text ? "out of memory"
                 : bad ? "read error"
                       : "larger than 4 MiB");
        free(text);
        return -1;
    }
    text[n] = '\0';
    int rc = scn_load_text(path, text, n, s, err, errn);
    free(text);
    return rc;
}

void scn_free(struct scn *s)
{
    free(s->source);
    s->source = NULL;
    free(s->blob);
    s->blob = NULL;
    s->blob_size = 0;
    free(s->proc_names);
    s->proc_names = NULL;
    free(s->expect.procs);
    s->expect.procs = NULL;
    s->nprocs = 0;
}

const char *scn_msg_field_name(enum scn_msg_field f)
{
    static const char *const names[SCN_MSG_COUNT] = {"sent", "received", "fast_path", "slow_path",
                                                     "refused"};
    return f < SCN_MSG_COUNT ? names[f] : "?";
}

int scn_check(const struct scn *s, const struct trc_log *log, uint64_t cycles, char *why, size_t n)
{
    const struct scn_expect *e = &s->expect;
    if (e->deadlock) {
        snprintf(why, n, "expectation failed: the run should end in a deadlock; it ended ok");
        return -1;
    }
    for (size_t i = 0; i < s->nprocs; i++) {
        const struct trc_proc *p = NULL;
        for (size_t k = 0; k < log->nprocs && !p; k++)
            if (strcmp(log->procs[k].name, s->proc_names[i]) == 0)
                p = &log->procs[k];
        bool killed = p && p->state == TRC_PROC_KILLED;
        bool exited = p && p->state == TRC_PROC_EXITED;
        if (!p || (e->procs[i].killed ? !killed : !exited) ||
            (exited && p->exit_code != e->procs[i].code)) {
            if (!e->procs[i].killed)
                snprintf(why, n, "expectation failed: process %s should exit with code %d; %s %lld",
                         s->proc_names[i], e->procs[i].code,
                         !p       ? "it never ran, code"
                         : exited ? "it exited with code"
                         : killed ? "it was killed, code"
                                  : "it is still running, code",
                         p ? (long long)p->exit_code : 0LL);
            else
                snprintf(why, n, "expectation failed: process %s should be killed; it %s",
                         s->proc_names[i],
                         !p       ? "never ran"
                         : exited ? "exited"
                                  : "is still running");
            return -1;
        }
    }
    const uint64_t got[SCN_MSG_COUNT] = {log->messages.sent, log->messages.received,
                                         log->messages.fast_path, log->messages.slow_path,
                                         log->messages.refused};
    for (int f = 0; f < SCN_MSG_COUNT; f++)
        if (e->has_msg[f] && got[f] != e->msg[f]) {
            snprintf(why, n, "expectation failed: messages.%s is %llu, expected %llu",
                     scn_msg_field_name((enum scn_msg_field)f), (unsigned long long)got[f],
                     (unsigned long long)e->msg[f]);
            return -1;
        }
    for (size_t i = 0; i < e->npaths; i++) {
        const struct scn_expect_path *pe = &e->paths[i];
        unsigned id = 0;
        while (id < TRC_PATH_COUNT && strcmp(trc_path_name(id), pe->name) != 0)
            id++;
        uint64_t count = id < TRC_PATH_COUNT ? log->paths[id].n : 0;
        if ((pe->has_count && count != pe->count) || (pe->has_min && count < pe->min) ||
            (pe->has_max && count > pe->max)) {
            snprintf(why, n, "expectation failed: path %s ran %llu times", pe->name,
                     (unsigned long long)count);
            return -1;
        }
    }
    if ((e->has_cycles_min && cycles < e->cycles_min) ||
        (e->has_cycles_max && cycles > e->cycles_max)) {
        snprintf(why, n, "expectation failed: the run took %llu cycles",
                 (unsigned long long)cycles);
        return -1;
    }
    return 0;
}
