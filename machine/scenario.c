/* machine/scenario.c: the scenario loader (see scenario.h). cJSON parses;
 * every check then names the JSON path of what it refuses, and a small
 * scanner over the text finds that path's line and column (cJSON keeps no
 * positions). One table (op_specs, sections, error_names) drives what the
 * loader accepts; scn_check compares a finished run with the scenario's
 * expectations. */
#include "machine/scenario.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ipc/notify.h"
#include "ipc/port.h"
#include "abi/memmap.h"
#include "tracer/trace.h"

#define SCN_FILE_MAX (4u << 20)
#define PATH_DEPTH 48
#define CYCLES_MAX 1000000000000ULL /* 10^12: timeouts, sleeps, limits, expectations */

_Static_assert(TRC_CHECK_DEPTH >= SCN_MAX_DEPTH, "a failed operation's repeats fit a check");
_Static_assert(SCN_MAX_MSG_CAPS == IPC_MSG_CAPS, "a send carries what a message holds");
_Static_assert(SCN_MAX_HANDLES < 0xff, "a handle slot fits a byte of scn_op.x");
_Static_assert(SCN_MAX_HANDLES <= SCN_KERNEL_SLOTS, "every handle at start has a capability slot");
_Static_assert(SCN_MAX_PROCS <= SCN_KERNEL_PROCS, "every process has a process slot");
_Static_assert(SCN_MAX_OBJECTS <= SCN_KERNEL_PORTS, "every object at start can be a port");

struct comp {
    const char *key; /* NULL: an array index */
    int index;
    int nth; /* a key: which of the members so named (a repeated one: 1) */
};

struct ctx {
    const char *file, *text;
    size_t len;
    char *err;
    size_t errn;
    struct comp comps[PATH_DEPTH];
    int ncomps;
    bool failed;
    size_t nul_at; /* where the first \u0000 inside a string is, or SIZE_MAX */
};

/* ---- the table ------------------------------------------------------------ */

static const struct scn_error_name error_names[] = {
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

#define F_HANDLE(nm, to)                                                                           \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_HANDLE, .required = true, .dst = to                          \
    }
#define F_AS                                                                                       \
    {                                                                                              \
        .name = "as", .kind = SCN_FIELD_AS, .required = true, .dst = SCN_TO_C                      \
    }
#define F_AS_LIST                                                                                  \
    {                                                                                              \
        .name = "as", .kind = SCN_FIELD_AS_LIST, .max = SCN_MAX_MSG_CAPS, .dst = SCN_TO_C          \
    }
#define F_UINT(nm, lo, hi, d, to)                                                                  \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_UINT, .has_def = true, .min = lo, .max = hi, .def = d,       \
        .dst = to                                                                                  \
    }
#define F_NEED(nm, lo, hi, to)                                                                     \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_UINT, .required = true, .min = lo, .max = hi, .dst = to      \
    }
#define F_BOOL(nm, to)                                                                             \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_BOOL, .dst = to                                              \
    }
#define F_NAME(req)                                                                                \
    {                                                                                              \
        .name = "name", .kind = SCN_FIELD_STRING, .required = req, .min = 1, .max = 31,            \
        .dst = SCN_TO_M                                                                            \
    }
#define F_BYTES(hi) F_UINT("bytes", 0, hi, 8, SCN_TO_N)
#define F_OPCODE F_UINT("opcode", 0, 63, 1, SCN_TO_M)
#define F_TIMEOUT F_UINT("timeout", 0, CYCLES_MAX, 0, SCN_TO_V)
#define F_CAPS                                                                                     \
    {                                                                                              \
        .name = "caps", .kind = SCN_FIELD_CAPS, .max = SCN_MAX_MSG_CAPS, .dst = SCN_TO_X           \
    }
#define F_PORT F_HANDLE("port", SCN_TO_A)
#define F_END                                                                                      \
    {                                                                                              \
        .name = NULL                                                                               \
    }

static const struct scn_op_spec op_specs[] = {
    {"port_create", SCN_OP_PORT_CREATE, {F_AS, F_UINT("capacity", 1, 64, 8, SCN_TO_N), F_END}},
    {"bind", SCN_OP_BIND, {F_PORT, F_NAME(true), F_END}},
    {"lookup", SCN_OP_LOOKUP, {F_NAME(true), F_AS, F_END}},
    {"send",
     SCN_OP_SEND,
     {F_PORT, F_BYTES(IPC_MSG_MAX), F_OPCODE, F_TIMEOUT, F_CAPS, F_BOOL("move", SCN_TO_W), F_END}},
    {"try_send",
     SCN_OP_TRY_SEND,
     {F_PORT, F_BYTES(IPC_MSG_MAX), F_OPCODE, F_CAPS, F_BOOL("move", SCN_TO_W), F_END}},
    {"recv", SCN_OP_RECV, {F_PORT, F_TIMEOUT, F_AS_LIST, F_END}},
    {"try_recv", SCN_OP_TRY_RECV, {F_PORT, F_AS_LIST, F_END}},
    {"call", SCN_OP_CALL, {F_PORT, F_BYTES(IPC_INLINE_MAX), F_OPCODE, F_TIMEOUT, F_END}},
    {"recv_call", SCN_OP_RECV_CALL, {F_PORT, F_AS, F_TIMEOUT, F_END}},
    {"reply", SCN_OP_REPLY, {F_HANDLE("reply", SCN_TO_A), F_BYTES(IPC_INLINE_MAX), F_END}},
    {"reply_recv",
     SCN_OP_REPLY_RECV,
     {F_HANDLE("reply", SCN_TO_A), F_HANDLE("port", SCN_TO_B), F_AS, F_END}},
    {"notif_create", SCN_OP_NOTIF_CREATE, {F_AS, F_END}},
    {"notify",
     SCN_OP_NOTIFY,
     {F_HANDLE("notif", SCN_TO_A), F_NEED("bits", 1, IPC_NOTIFY_BITS, SCN_TO_V), F_END}},
    {"wait", SCN_OP_WAIT, {F_HANDLE("notif", SCN_TO_A), F_TIMEOUT, F_END}},
    {"poll", SCN_OP_POLL, {F_HANDLE("notif", SCN_TO_A), F_END}},
    {"peek", SCN_OP_PEEK, {F_PORT, F_END}},
    {"pull", SCN_OP_PULL, {F_PORT, F_END}},
    {"discard", SCN_OP_DISCARD, {F_PORT, F_END}},
    {"derive",
     SCN_OP_DERIVE,
     {F_HANDLE("cap", SCN_TO_A),
      {.name = "rights", .kind = SCN_FIELD_RIGHTS, .required = true, .dst = SCN_TO_N},
      F_AS,
      F_END}},
    {"revoke", SCN_OP_REVOKE, {F_HANDLE("cap", SCN_TO_A), F_END}},
    {"delete", SCN_OP_DELETE, {F_HANDLE("cap", SCN_TO_A), F_END}},
    {"limit",
     SCN_OP_LIMIT,
     {F_PORT,
      {.name = "opcodes", .kind = SCN_FIELD_OPCODES, .dst = SCN_TO_W},
      F_UINT("max_bytes", 0, IPC_MSG_MAX, IPC_MSG_MAX, SCN_TO_N),
      F_END}},
    {"rate",
     SCN_OP_RATE,
     {F_PORT, F_NEED("period", 1, CYCLES_MAX, SCN_TO_V), F_NEED("burst", 1, UINT32_MAX, SCN_TO_W),
      F_END}},
    {"px_socket", SCN_OP_PX_SOCKET, {F_AS, F_END}},
    {"px_bind", SCN_OP_PX_BIND, {F_HANDLE("socket", SCN_TO_A), F_NAME(true), F_END}},
    {"px_connect", SCN_OP_PX_CONNECT, {F_HANDLE("socket", SCN_TO_A), F_NAME(true), F_END}},
    {"px_send", SCN_OP_PX_SEND, {F_HANDLE("socket", SCN_TO_A), F_BYTES(IPC_MSG_MAX), F_END}},
    {"px_recv", SCN_OP_PX_RECV, {F_HANDLE("socket", SCN_TO_A), F_END}},
    {"px_close", SCN_OP_PX_CLOSE, {F_HANDLE("socket", SCN_TO_A), F_NAME(false), F_END}},
    {"chan_create",
     SCN_OP_CHAN_CREATE,
     {F_AS,
      {.name = "slots",
       .kind = SCN_FIELD_POW2,
       .has_def = true,
       .min = 2,
       .max = 256,
       .def = 16,
       .dst = SCN_TO_N},
      F_UINT("slot_size", 8, 1024, 64, SCN_TO_W),
      F_END}},
    {"chan_give",
     SCN_OP_CHAN_GIVE,
     {F_HANDLE("chan", SCN_TO_A), F_HANDLE("port", SCN_TO_B), F_END}},
    {"chan_accept", SCN_OP_CHAN_ACCEPT, {F_PORT, F_AS, F_END}},
    {"chan_send",
     SCN_OP_CHAN_SEND,
     {F_HANDLE("chan", SCN_TO_A), F_UINT("count", 1, 64, 1, SCN_TO_N),
      F_UINT("bytes", 1, 252, 8, SCN_TO_W), F_END}},
    {"chan_recv", SCN_OP_CHAN_RECV, {F_HANDLE("chan", SCN_TO_A), F_END}},
    {"topic_create", SCN_OP_TOPIC_CREATE, {F_AS, F_END}},
    {"subscribe",
     SCN_OP_SUBSCRIBE,
     {F_HANDLE("topic", SCN_TO_A), F_HANDLE("port", SCN_TO_B), F_END}},
    {"publish",
     SCN_OP_PUBLISH,
     {F_HANDLE("topic", SCN_TO_A), F_BYTES(IPC_MSG_MAX), F_OPCODE, F_END}},
    {"region_create",
     SCN_OP_REGION_CREATE,
     {F_AS, F_NEED("bytes", 1, SCN_KERNEL_REGION_BYTES, SCN_TO_N), F_END}},
    {"map", SCN_OP_MAP, {F_HANDLE("region", SCN_TO_A), F_END}},
    {"unmap", SCN_OP_UNMAP, {F_HANDLE("region", SCN_TO_A), F_END}},
    {"region_copy", SCN_OP_REGION_COPY, {F_HANDLE("region", SCN_TO_A), F_AS, F_END}},
    {"touch",
     SCN_OP_TOUCH,
     {F_HANDLE("region", SCN_TO_A), F_NEED("bytes", 1, SCN_KERNEL_REGION_BYTES, SCN_TO_N),
      F_BOOL("write", SCN_TO_M), F_END}},
    {"compute", SCN_OP_COMPUTE, {F_NEED("cycles", 1, 10000000000ULL, SCN_TO_V), F_END}},
    {"sleep", SCN_OP_SLEEP, {F_NEED("cycles", 1, CYCLES_MAX, SCN_TO_V), F_END}},
    {"yield", SCN_OP_YIELD, {F_END}},
    {"exit", SCN_OP_EXIT, {F_UINT("code", 0, 255, 0, SCN_TO_N), F_END}},
    {"repeat",
     SCN_OP_REPEAT,
     {F_NEED("count", 1, 1000000000ULL, SCN_TO_V),
      {.name = "body", .kind = SCN_FIELD_BODY, .required = true},
      F_END}},
};

static const char *const arch_values[] = {"x86_64", "aarch64", "riscv64", NULL};
static const char *const object_types[] = {"port", "notification", NULL};
static const char *const outcome_values[] = {"ok", "deadlock", NULL};
static const char *const state_values[] = {"exited", "killed", "blocked", NULL};

#define F_IDENT(nm, req)                                                                           \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_IDENT, .required = req                                       \
    }
#define F_ENUM(nm, req, v)                                                                         \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_ENUM, .required = req, .values = v                           \
    }
#define F_OBJECT(nm)                                                                               \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_OBJECT                                                       \
    }
#define F_MAP(nm)                                                                                  \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_MAP                                                          \
    }
#define F_COUNT(nm, lo)                                                                            \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_UINT, .min = lo, .max = CYCLES_MAX                           \
    }

static const struct scn_field top_fields[] = {
    {.name = "name", .kind = SCN_FIELD_STRING, .required = true, .min = 1, .max = 63},
    {.name = "description", .kind = SCN_FIELD_STRING, .required = true, .min = 1, .max = 100000},
    F_UINT("seed", 0, INT64_MAX, 1, SCN_TO_NONE),
    F_OBJECT("limits"),
    F_OBJECT("machine"),
    {.name = "objects", .kind = SCN_FIELD_ARRAY, .max = SCN_MAX_OBJECTS},
    {.name = "capabilities", .kind = SCN_FIELD_ARRAY, .max = SCN_MAX_CAPS},
    {.name = "processes",
     .kind = SCN_FIELD_ARRAY,
     .required = true,
     .min = 1,
     .max = SCN_MAX_PROCS},
    F_OBJECT("expect"),
    F_END};
static const struct scn_field limits_fields[] = {
    F_UINT("max_cycles", 1, CYCLES_MAX, 2000000000ULL, SCN_TO_NONE), F_END};
static const struct scn_field machine_fields[] = {
    F_ENUM("arch", false, arch_values),
    {.name = "cpu", .kind = SCN_FIELD_STRING, .min = 1, .max = 63},
    {.name = "cap_cache", .kind = SCN_FIELD_POW2, .min = 1, .max = 65536},
    {.name = "quantum", .kind = SCN_FIELD_UINT, .min = 1000, .max = 1000000000ULL},
    F_BOOL("exact_caches", SCN_TO_NONE),
    F_END};
static const struct scn_field object_fields[] = {
    F_IDENT("name", true), F_ENUM("type", true, object_types), F_IDENT("owner", true),
    F_UINT("capacity", 1, 64, 8, SCN_TO_NONE), F_END};
static const struct scn_field cap_fields[] = {
    F_IDENT("from", true),
    F_IDENT("object", true),
    F_IDENT("to", true),
    {.name = "rights", .kind = SCN_FIELD_RIGHTS, .required = true},
    {.name = "as", .kind = SCN_FIELD_AS},
    F_UINT("shift", 0, SCN_MAX_PROCS - 1, 0, SCN_TO_NONE),
    F_END};
static const struct scn_field process_fields[] = {
    F_IDENT("name", true),
    F_UINT("priority", 0, 7, 1, SCN_TO_NONE),
    F_UINT("count", 1, SCN_MAX_PROCS, 1, SCN_TO_NONE),
    {.name = "program", .kind = SCN_FIELD_BODY, .required = true},
    F_END};
static const struct scn_field expect_fields[] = {F_ENUM("outcome", false, outcome_values),
                                                 F_MAP("processes"),
                                                 F_OBJECT("messages"),
                                                 F_MAP("paths"),
                                                 F_OBJECT("cycles"),
                                                 F_END};
static const struct scn_field expect_proc_fields[] = {
    F_ENUM("state", true, state_values), F_UINT("code", 0, 255, 0, SCN_TO_NONE), F_END};
static const struct scn_field messages_fields[] = {F_COUNT("sent", 0),
                                                   F_COUNT("received", 0),
                                                   F_COUNT("fast_path", 0),
                                                   F_COUNT("slow_path", 0),
                                                   F_COUNT("refused", 0),
                                                   F_COUNT("dropped", 0),
                                                   F_END};
static const struct scn_field path_fields[] = {F_COUNT("count", 0), F_COUNT("min_count", 0),
                                               F_COUNT("max_count", 0), F_END};
static const struct scn_field cycles_fields[] = {F_COUNT("min", 0), F_COUNT("max", 1), F_END};

static const struct scn_section sections[] = {
    {"", "", top_fields},
    {"limits", "/properties/limits", limits_fields},
    {"machine", "/properties/machine", machine_fields},
    {"objects[]", "/$defs/object", object_fields},
    {"capabilities[]", "/$defs/capability", cap_fields},
    {"processes[]", "/$defs/process", process_fields},
    {"expect", "/$defs/expect", expect_fields},
    {"expect.processes.*", "/$defs/process_expect", expect_proc_fields},
    {"expect.messages", "/$defs/expect/properties/messages", messages_fields},
    {"expect.paths.*", "/$defs/expect/properties/paths/additionalProperties", path_fields},
    {"expect.cycles", "/$defs/expect/properties/cycles", cycles_fields},
};

const struct scn_op_spec *scn_op_specs(size_t *n)
{
    *n = sizeof op_specs / sizeof op_specs[0];
    return op_specs;
}

const struct scn_section *scn_sections(size_t *n)
{
    *n = sizeof sections / sizeof sections[0];
    return sections;
}

const struct scn_error_name *scn_error_names(size_t *n)
{
    *n = sizeof error_names / sizeof error_names[0];
    return error_names;
}

const char *scn_error_name(int32_t r)
{
    for (size_t i = 0; i < sizeof error_names / sizeof error_names[0]; i++)
        if (error_names[i].value == r)
            return error_names[i].name;
    return NULL;
}

/* Returns field `name` of table `t`, or NULL. */
static const struct scn_field *field_in(const struct scn_field *t, const char *name)
{
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

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
static size_t locate(const struct ctx *c, int n, bool at_key)
{
    const char *t = c->text;
    size_t len = c->len, i = skip_ws(t, 0, len);
    if (n > PATH_DEPTH)
        n = PATH_DEPTH;
    for (int k = 0; k < n; k++) {
        const struct comp *p = &c->comps[k];
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
static void path_text(const struct ctx *c, char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < c->ncomps && i < PATH_DEPTH && k < n; i++) {
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
static bool failv(struct ctx *c, size_t off, bool at_key, const char *fmt, va_list ap)
{
    if (c->failed)
        return false;
    c->failed = true;
    unsigned line, col;
    line_col(c->text, off != SIZE_MAX ? off : locate(c, c->ncomps, at_key), &line, &col);
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
static bool fail(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, SIZE_MAX, false, fmt, ap);
    va_end(ap);
    return false;
}

/* Records an error at the current path's key; returns false. */
static bool fail_key(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, SIZE_MAX, true, fmt, ap);
    va_end(ap);
    return false;
}

/* Records an error at byte `off` of the text; returns false. */
static bool fail_at(struct ctx *c, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(c, off, false, fmt, ap);
    va_end(ap);
    return false;
}

static void push_key(struct ctx *c, const char *key)
{
    if (c->ncomps < PATH_DEPTH)
        c->comps[c->ncomps] = (struct comp){key, 0, 0};
    c->ncomps++;
}

static void push_index(struct ctx *c, int index)
{
    if (c->ncomps < PATH_DEPTH)
        c->comps[c->ncomps] = (struct comp){NULL, index, 0};
    c->ncomps++;
}

static void pop(struct ctx *c)
{
    c->ncomps--;
}

/* Fails at member `it` of `obj` when an earlier member has its name: the
 * path names the second one. Returns false then, else true. */
static bool not_repeated(struct ctx *c, const cJSON *obj, const cJSON *it)
{
    int before = 0;
    for (const cJSON *o = obj->child; o != it; o = o->next)
        before += strcmp(o->string, it->string) == 0;
    if (!before)
        return true;
    push_key(c, it->string);
    if (c->ncomps <= PATH_DEPTH)
        c->comps[c->ncomps - 1].nth = before;
    return fail_key(c, "appears twice");
}

/* ---- typed fields -------------------------------------------------------- */

/* Checks that `obj` (at the current path) is an object with only the
 * fields of table `t` (and the NULL-terminated `extra`, which may be
 * NULL), none twice, and every required one. */
static bool check_fields(struct ctx *c, const cJSON *obj, const struct scn_field *t,
                         const char *const *extra)
{
    if (!cJSON_IsObject(obj))
        return fail(c, "must be an object");
    for (const cJSON *it = obj->child; it; it = it->next) {
        bool known = field_in(t, it->string) != NULL;
        for (size_t i = 0; !known && extra && extra[i]; i++)
            known = strcmp(extra[i], it->string) == 0;
        if (!known) {
            push_key(c, it->string);
            return fail_key(c, "unknown field \"%s\"", it->string);
        }
        if (!not_repeated(c, obj, it))
            return false;
    }
    for (; t->name; t++)
        if (t->required && !cJSON_GetObjectItemCaseSensitive(obj, t->name)) {
            push_key(c, t->name); /* located at the object that lacks it */
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

/* Reads number `v` (at the current path) from the text, where
 * mark_numbers noted it: it must be written as a plain integer in
 * [min, max]. Nothing is converted before it is known to fit. */
static bool read_uint(struct ctx *c, const cJSON *v, uint64_t min, uint64_t max, uint64_t *out)
{
    const char *t = c->text;
    size_t i = v->valueint >= 0 ? (size_t)v->valueint : SIZE_MAX, n = c->len;
    if (i >= n || !strchr("-0123456789", t[i]) || (i > 0 && !strchr(" \t\r\n:,[", t[i - 1])))
        i = locate(c, c->ncomps, false); /* not marked: find it by its path */
    if (i >= n || (t[i] != '-' && (t[i] < '0' || t[i] > '9')))
        return fail(c, "must be an integer");
    if (t[i] == '-')
        return fail(c, "must not be negative");
    uint64_t u = 0;
    bool over = false;
    for (; i < n && t[i] >= '0' && t[i] <= '9'; i++) {
        unsigned d = (unsigned)(t[i] - '0');
        if (u > (UINT64_MAX - d) / 10)
            over = true;
        else
            u = u * 10 + d;
    }
    if (i < n && (t[i] == '.' || t[i] == 'e' || t[i] == 'E'))
        return fail(c, "must be an integer (written without a fraction or exponent)");
    if (over || u < min || u > max)
        return fail(c, "out of range [%llu, %llu]", (unsigned long long)min,
                    (unsigned long long)max);
    *out = u;
    return true;
}

/* Reads the integer at `key` of `obj` into *out: absent leaves `def`
 * (or fails when `required`); it must be a plain integer in [min, max]. */
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
    if (!read_uint(c, v, min, max, out))
        return false;
    pop(c);
    return true;
}

/* Reads integer field `f` (UINT or POW2) of `obj` into *out with its range
 * and default from the table (absent without a default: 0). */
static bool get_field_uint(struct ctx *c, const cJSON *obj, const struct scn_field *f,
                           uint64_t *out)
{
    if (!get_uint(c, obj, f->name, f->min, f->max, f->required, f->has_def ? f->def : 0, out))
        return false;
    if (f->kind == SCN_FIELD_POW2 && cJSON_GetObjectItemCaseSensitive(obj, f->name) &&
        (*out & (*out - 1))) {
        push_key(c, f->name);
        return fail(c, "must be a power of two");
    }
    return true;
}

/* Reads field `name` of section table `t` from `obj`: see get_field_uint. */
static bool get_u(struct ctx *c, const cJSON *obj, const struct scn_field *t, const char *name,
                  uint64_t *out)
{
    const struct scn_field *f = field_in(t, name);
    if (!f)
        return fail(c, "(internal) no field \"%s\" in the table", name);
    return get_field_uint(c, obj, f, out);
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

/* Reads the string at `key` of `obj` (NULL when absent and not required)
 * of minlen..maxlen bytes into *out. */
static bool get_string(struct ctx *c, const cJSON *obj, const char *key, bool required,
                       size_t minlen, size_t maxlen, const char **out)
{
    const cJSON *v;
    *out = NULL;
    if (!member(c, obj, key, required, &v))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsString(v))
        return fail(c, "must be a string");
    size_t len = strlen(v->valuestring);
    if (len > maxlen || len < minlen)
        return fail(c, "must be %zu to %zu characters", minlen, maxlen);
    pop(c);
    *out = v->valuestring;
    return true;
}

/* Reads STRING field `name` of section table `t` from `obj`. */
static bool get_s(struct ctx *c, const cJSON *obj, const struct scn_field *t, const char *name,
                  const char **out)
{
    const struct scn_field *f = field_in(t, name);
    if (!f)
        return fail(c, "(internal) no field \"%s\" in the table", name);
    return get_string(c, obj, name, f->required, (size_t)f->min, (size_t)f->max, out);
}

/* Reads ENUM field `name` of table `t` from `obj`: *out is the index of its
 * value in the field's values, or -1 when absent. */
static bool get_enum(struct ctx *c, const cJSON *obj, const struct scn_field *t, const char *name,
                     int *out)
{
    const struct scn_field *f = field_in(t, name);
    const char *v;
    *out = -1;
    if (!f)
        return fail(c, "(internal) no field \"%s\" in the table", name);
    if (!get_string(c, obj, name, f->required, 0, SIZE_MAX, &v))
        return false;
    if (!v)
        return true;
    char list[160];
    size_t k = 0;
    list[0] = '\0';
    for (int i = 0; f->values[i]; i++) {
        if (strcmp(f->values[i], v) == 0) {
            *out = i;
            return true;
        }
        int w = snprintf(list + k, sizeof list - k, "%s\"%s\"", i ? ", " : "", f->values[i]);
        if (w > 0 && (size_t)w < sizeof list - k)
            k += (size_t)w;
    }
    push_key(c, name);
    return fail(c, "\"%s\" is not one of %s", v, list);
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

/* Reads the identifier at `key` of `obj` into *out (NULL when absent and
 * not required). */
static bool get_ident(struct ctx *c, const cJSON *obj, const char *key, bool required,
                      const char **out)
{
    if (!get_string(c, obj, key, required, 1, 16, out))
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
    struct scn_place places[SCN_MAX_OPS];
    unsigned nops;
    uint32_t at[SCN_MAX_DEPTH + 1]; /* the index of the operation being compiled, per depth */
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
    uint32_t nobjects, nnotifs;
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

/* The element of "objects" named `name`, or -1. */
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

/* Resolves handle field `key` of `op` (which must exist when given). */
static bool use_handle(struct ctx *c, struct proc_build *p, const cJSON *op, const char *key,
                       bool required, uint16_t *slot)
{
    const char *name;
    *slot = SCN_NO_SLOT;
    if (!get_ident(c, op, key, required, &name))
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

/* Reads the rights array `arr` (at the current path) into *rights. */
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
        if (*rights & names[k].bit)
            return fail(c, "appears twice");
        *rights |= names[k].bit;
        pop(c);
    }
    return true;
}

/* Stores value u where `dst` says in *o. */
static void put(struct scn_op *o, enum scn_field_dst dst, uint64_t u)
{
    switch (dst) {
    case SCN_TO_A:
        o->a = (uint16_t)u;
        break;
    case SCN_TO_B:
        o->b = (uint16_t)u;
        break;
    case SCN_TO_C:
        o->c = (uint16_t)u;
        break;
    case SCN_TO_N:
        o->n = (uint32_t)u;
        break;
    case SCN_TO_M:
        o->m = (uint32_t)u;
        break;
    case SCN_TO_V:
        o->v = u;
        break;
    case SCN_TO_W:
        o->w = u;
        break;
    case SCN_TO_X:
        o->x = (uint32_t)u;
        break;
    default:
        break;
    }
}

/* Reads field `f` of `op` (one that is neither "as" nor a body) into *o. */
static bool compile_field(struct ctx *c, struct proc_build *p, const cJSON *op,
                          const struct scn_field *f, struct scn_op *o)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, f->name);
    uint64_t u = 0;
    switch (f->kind) {
    case SCN_FIELD_HANDLE: {
        uint16_t slot;
        if (!use_handle(c, p, op, f->name, f->required, &slot))
            return false;
        u = slot;
        break;
    }
    case SCN_FIELD_UINT:
    case SCN_FIELD_POW2:
        if (!get_field_uint(c, op, f, &u))
            return false;
        break;
    case SCN_FIELD_BOOL: {
        bool b;
        if (!get_bool(c, op, f->name, &b))
            return false;
        u = b;
        break;
    }
    case SCN_FIELD_STRING: { /* a registry name, kept in the process's strings */
        const char *nm;
        if (!get_string(c, op, f->name, f->required, (size_t)f->min, (size_t)f->max, &nm))
            return false;
        u = UINT32_MAX;
        if (nm) {
            size_t len = strlen(nm) + 1;
            if (p->nstr + len > SCN_MAX_STRINGS) {
                push_key(c, f->name);
                return fail(c, "more than %d bytes of names in one process", SCN_MAX_STRINGS);
            }
            memcpy(p->strings + p->nstr, nm, len);
            u = p->nstr;
            p->nstr += (unsigned)len;
        }
        break;
    }
    case SCN_FIELD_RIGHTS: {
        uint32_t r;
        push_key(c, f->name);
        if (!parse_rights(c, v, &r))
            return false;
        pop(c);
        u = r;
        break;
    }
    case SCN_FIELD_OPCODES:
        u = UINT64_MAX; /* no filter of opcodes */
        if (v) {
            push_key(c, f->name);
            if (!cJSON_IsArray(v))
                return fail(c, "must be an array of opcodes 0..63");
            u = 0;
            int i = 0;
            for (const cJSON *it = v->child; it; it = it->next, i++) {
                uint64_t code;
                push_index(c, i);
                if (!cJSON_IsNumber(it))
                    return fail(c, "must be an opcode 0..63");
                if (!read_uint(c, it, 0, 63, &code))
                    return false;
                u |= 1ULL << code;
                pop(c);
            }
            pop(c);
        }
        break;
    case SCN_FIELD_CAPS:
        u = SCN_NO_SLOTS;
        if (v) {
            push_key(c, f->name);
            if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > (int)f->max)
                return fail(c, "must be an array of at most %d handles", (int)f->max);
            int i = 0;
            for (const cJSON *it = v->child; it; it = it->next, i++) {
                push_index(c, i);
                uint16_t slot;
                if (!cJSON_IsString(it) || (slot = handle_find(p, it->valuestring)) == SCN_NO_SLOT)
                    return fail(c, "not a handle of this process");
                u = (u & ~(0xffULL << (8 * i))) | (uint64_t)slot << (8 * i);
                pop(c);
            }
            pop(c);
        }
        break;
    default:
        return true;
    }
    put(o, f->dst, u);
    return true;
}

/* Reads the "as" of `op` (field `f`: one name, or for AS_LIST an array of
 * up to f->max) and defines its handles: o->c the first, o->x (AS_LIST)
 * every one, a byte each. */
static bool compile_as(struct ctx *c, struct proc_build *p, const cJSON *op,
                       const struct scn_field *f, struct scn_op *o)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, f->name);
    if (f->kind == SCN_FIELD_AS_LIST && cJSON_IsArray(v)) {
        push_key(c, f->name);
        int n = cJSON_GetArraySize(v);
        if (n < 1 || n > (int)f->max)
            return fail(c, "must be a name or an array of 1 to %d names", (int)f->max);
        uint32_t x = SCN_NO_SLOTS;
        int i = 0;
        for (const cJSON *it = v->child; it; it = it->next, i++) {
            push_index(c, i);
            if (!cJSON_IsString(it) || !is_ident(it->valuestring))
                return fail(c, "is not a name ([A-Za-z_][A-Za-z0-9_]*, at most 16)");
            for (const cJSON *o2 = v->child; o2 != it; o2 = o2->next)
                if (strcmp(o2->valuestring, it->valuestring) == 0)
                    return fail(c, "appears twice");
            uint16_t slot;
            if (!handle_define(c, p, it->valuestring, &slot))
                return false;
            x = (x & ~(0xffu << (8 * i))) | (uint32_t)slot << (8 * i);
            if (i == 0)
                o->c = slot;
            pop(c);
        }
        o->x = x;
        pop(c);
        return true;
    }
    const char *as;
    if (!get_ident(c, op, f->name, f->required, &as))
        return false;
    if (as) {
        push_key(c, f->name);
        if (!handle_define(c, p, as, &o->c))
            return false;
        pop(c);
    }
    return true;
}

static bool compile_ops(struct ctx *c, struct build *b, struct proc_build *p, const cJSON *arr,
                        int depth);

/* Records where compiled operation `slot` comes from (the operation being
 * compiled at `depth`). */
static void place_here(struct proc_build *p, unsigned slot, int depth, uint16_t code)
{
    struct scn_place *pl = &p->places[slot];
    pl->depth = (uint16_t)(depth + 1);
    pl->code = code;
    for (int d = 0; d <= depth; d++)
        pl->idx[d] = p->at[d];
}

/* Compiles one operation (the current path is its index). */
static bool compile_op(struct ctx *c, struct build *b, struct proc_build *p, const cJSON *op,
                       int depth)
{
    if (!cJSON_IsObject(op))
        return fail(c, "must be an object");
    const char *name;
    if (!get_string(c, op, "op", true, 1, 32, &name))
        return false;
    size_t k = 0, n = sizeof op_specs / sizeof op_specs[0];
    while (k < n && strcmp(op_specs[k].name, name) != 0)
        k++;
    if (k == n) {
        push_key(c, "op");
        return fail(c, "unknown operation \"%s\"", name);
    }
    const struct scn_op_spec *sp = &op_specs[k];
    bool repeat = sp->code == SCN_OP_REPEAT;
    static const char *const with_expect[] = {"op", "expect", NULL}, *const only_op[] = {"op",
                                                                                         NULL};
    if (repeat && cJSON_GetObjectItemCaseSensitive(op, "expect")) {
        push_key(c, "expect");
        return fail_key(c, "a repeat has no result to expect (give its operations an expect)");
    }
    if (!check_fields(c, op, sp->fields, repeat ? only_op : with_expect))
        return false;
    if (p->nops + (repeat ? 2 : 1) > SCN_MAX_OPS)
        return fail(c, "the program is too long (more than %d compiled operations)", SCN_MAX_OPS);
    struct scn_op o = {.code = sp->code,
                       .a = SCN_NO_SLOT,
                       .b = SCN_NO_SLOT,
                       .c = SCN_NO_SLOT,
                       .expect = SCN_EXPECT_ANY,
                       .x = SCN_NO_SLOTS};
    const char *ex;
    if (!get_string(c, op, "expect", false, 1, 32, &ex))
        return false;
    if (ex) {
        const char *known = NULL;
        for (size_t e = 0; e < sizeof error_names / sizeof error_names[0] && !known; e++)
            if (strcmp(error_names[e].name, ex) == 0) {
                known = error_names[e].name;
                o.expect = error_names[e].value;
            }
        if (!known) {
            push_key(c, "expect");
            return fail(c, "unknown result \"%s\" (\"ok\" or an error name, docs/scenarios.md)",
                        ex);
        }
    }
    for (const struct scn_field *f = sp->fields; f->name; f++)
        if (f->kind != SCN_FIELD_AS && f->kind != SCN_FIELD_AS_LIST && f->kind != SCN_FIELD_BODY &&
            !compile_field(c, p, op, f, &o))
            return false;
    if (repeat) {
        if (depth >= SCN_MAX_DEPTH) {
            push_key(c, "body");
            return fail(c, "repeats nested more than %d deep", SCN_MAX_DEPTH);
        }
        unsigned at = p->nops++;
        place_here(p, at, depth, SCN_OP_REPEAT);
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
        place_here(p, p->nops, depth, SCN_OP_LOOP_END);
        p->ops[p->nops++] = (struct scn_op){.code = SCN_OP_LOOP_END,
                                            .a = SCN_NO_SLOT,
                                            .b = SCN_NO_SLOT,
                                            .c = SCN_NO_SLOT,
                                            .m = at,
                                            .expect = SCN_EXPECT_ANY,
                                            .x = SCN_NO_SLOTS};
        return true;
    }
    /* "as" last: an operation may use a name it redefines (reply_recv's
     * reply capability). */
    for (const struct scn_field *f = sp->fields; f->name; f++)
        if ((f->kind == SCN_FIELD_AS || f->kind == SCN_FIELD_AS_LIST) &&
            !compile_as(c, p, op, f, &o))
            return false;
    place_here(p, p->nops, depth, sp->code);
    p->ops[p->nops++] = o;
    return true;
}

/* Compiles the operations of array `arr` (a program or a repeat's body, at
 * nesting `depth`). */
static bool compile_ops(struct ctx *c, struct build *b, struct proc_build *p, const cJSON *arr,
                        int depth)
{
    int i = 0;
    for (const cJSON *op = arr->child; op; op = op->next, i++) {
        push_index(c, i);
        p->at[depth] = (uint32_t)i;
        if (!compile_op(c, b, p, op, depth))
            return false;
        pop(c);
    }
    return true;
}

/* ---- the top level ------------------------------------------------------- */

/* Reads "machine" into s; false with the error when it is wrong. */
static bool load_machine(struct ctx *c, struct scn *s, const cJSON *root)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "machine");
    if (!m)
        return true;
    push_key(c, "machine");
    const char *cpu;
    int arch;
    uint64_t u;
    if (!check_fields(c, m, machine_fields, NULL) ||
        !get_enum(c, m, machine_fields, "arch", &arch) || !get_s(c, m, machine_fields, "cpu", &cpu))
        return false;
    snprintf(s->arch, sizeof s->arch, "%s", arch >= 0 ? arch_values[arch] : "");
    snprintf(s->cpu, sizeof s->cpu, "%s", cpu ? cpu : "");
    if (!get_u(c, m, machine_fields, "cap_cache", &u))
        return false;
    s->cap_cache = (uint32_t)u;
    if (!get_u(c, m, machine_fields, "quantum", &s->quantum) ||
        !get_bool(c, m, "exact_caches", &s->exact_caches))
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

/* The top-level array `key` (field of top_fields): *out is it, with `key`
 * pushed, or NULL when it is absent (then nothing is pushed). */
static bool get_array(struct ctx *c, const cJSON *root, const char *key, const cJSON **out)
{
    const struct scn_field *f = field_in(top_fields, key);
    *out = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!*out)
        return true;
    push_key(c, key);
    if (!cJSON_IsArray(*out) || (f->min && cJSON_GetArraySize(*out) == 0))
        return fail(c, f->min ? "must be a non-empty array" : "must be an array");
    if ((uint64_t)cJSON_GetArraySize(*out) > f->max)
        return fail(c, "more than %llu %s", (unsigned long long)f->max, key);
    return true;
}

/* Reads "processes" (names, priorities, replicas; the programs come
 * later) and names every process; false with the error. */
static bool load_processes(struct ctx *c, struct build *b, const cJSON *root)
{
    const cJSON *procs;
    if (!get_array(c, root, "processes", &procs))
        return false;
    if (!procs) {
        push_key(c, "processes");
        return fail(c, "missing");
    }
    size_t n = (size_t)cJSON_GetArraySize(procs);
    if (!(b->entries = calloc(n, sizeof *b->entries)))
        return fail(c, "out of memory");
    uint32_t total = 0;
    int i = 0;
    for (const cJSON *p = procs->child; p; p = p->next, i++) {
        push_index(c, i);
        const char *name;
        uint64_t prio, count;
        if (!check_fields(c, p, process_fields, NULL) || !get_ident(c, p, "name", true, &name) ||
            !get_u(c, p, process_fields, "priority", &prio) ||
            !get_u(c, p, process_fields, "count", &count))
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
            s->expect.procs[e->first + k].key = -1;
        }
    }
    s->nprocs = total;
    pop(c);
    return true;
}

/* Reads "objects": one per replica of its owner, within the kernel's
 * tables; false with the error. */
static bool load_objects(struct ctx *c, struct build *b, const cJSON *root)
{
    const cJSON *objs;
    if (!get_array(c, root, "objects", &objs) || !objs)
        return !c->failed;
    size_t n = (size_t)cJSON_GetArraySize(objs);
    b->objdecls = calloc(n ? n : 1, sizeof *b->objdecls);
    b->objects = calloc(SCN_MAX_OBJECTS, sizeof *b->objects);
    if (!b->objdecls || !b->objects)
        return fail(c, "out of memory");
    int i = 0;
    for (const cJSON *o = objs->child; o; o = o->next, i++) {
        push_index(c, i);
        const char *name, *owner;
        int type;
        uint64_t cap;
        if (!check_fields(c, o, object_fields, NULL) || !get_ident(c, o, "name", true, &name) ||
            !get_enum(c, o, object_fields, "type", &type) ||
            !get_ident(c, o, "owner", true, &owner) ||
            !get_u(c, o, object_fields, "capacity", &cap))
            return false;
        bool port = type == 0;
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
        if (!port && b->nnotifs + e->count > SCN_KERNEL_NOTIFS) {
            push_key(c, "owner");
            return fail(c,
                        "more than %d notifications in all (one per replica of the owner): the "
                        "kernel holds %d",
                        SCN_KERNEL_NOTIFS, SCN_KERNEL_NOTIFS);
        }
        uint16_t slot;
        push_key(c, "name");
        if (!handle_define(c, &b->entries[ow].pb, name, &slot))
            return false;
        pop(c);
        for (uint32_t k = 0; k < e->count; k++)
            b->objects[b->nobjects++] =
                (struct scn_object){.type = port ? SCN_OBJ_PORT : SCN_OBJ_NOTIFICATION,
                                    .owner = (uint16_t)(e->first + k),
                                    .owner_slot = slot,
                                    .capacity = (uint32_t)cap};
        if (!port)
            b->nnotifs += e->count;
        snprintf(b->objdecls[b->nobjdecls++].name, sizeof b->objdecls[0].name, "%s", name);
        pop(c);
    }
    pop(c);
    return true;
}

/* Reads "capabilities" (grants at start, pairwise between replicas);
 * false with the error. */
static bool load_caps(struct ctx *c, struct build *b, const cJSON *root)
{
    const cJSON *caps;
    if (!get_array(c, root, "capabilities", &caps) || !caps)
        return !c->failed;
    if (!(b->caps = calloc(SCN_MAX_CAPS, sizeof *b->caps)))
        return fail(c, "out of memory");
    int i = 0;
    for (const cJSON *g = caps->child; g; g = g->next, i++) {
        push_index(c, i);
        const char *from, *object, *to, *as;
        uint64_t shift;
        if (!check_fields(c, g, cap_fields, NULL) || !get_ident(c, g, "from", true, &from) ||
            !get_ident(c, g, "object", true, &object) || !get_ident(c, g, "to", true, &to) ||
            !get_ident(c, g, "as", false, &as) || !get_u(c, g, cap_fields, "shift", &shift))
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
        if (handle_find(&et->pb, hname) != SCN_NO_SLOT) {
            push_key(c, as ? "as" : "object");
            return fail(c, "\"%s\" already has a handle \"%s\": name this one with \"as\"", to,
                        hname);
        }
        if (b->ncaps + et->count > SCN_MAX_CAPS) {
            push_key(c, "to");
            return fail(c, "more than %d capabilities in all (one per replica)", SCN_MAX_CAPS);
        }
        push_key(c, as ? "as" : "to");
        if (!handle_define(c, &et->pb, hname, &ts))
            return false;
        pop(c);
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

/* Compiles every process's program; false with the error. */
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

/* Reads expect.processes (`procs`, at the current path): each key a
 * process (every replica) or one replica, once each. A replica's own key
 * says what it must become whatever its process's key says. */
static bool load_expect_procs(struct ctx *c, struct build *b, const cJSON *procs)
{
    struct scn *s = b->s;
    struct scn_expect *e = &s->expect;
    if (!cJSON_IsObject(procs))
        return fail(c, "must be an object keyed by process name");
    size_t n = (size_t)cJSON_GetArraySize(procs);
    if (!(e->keys = calloc(n ? n : 1, sizeof *e->keys)))
        return fail(c, "out of memory");
    for (const cJSON *it = procs->child; it; it = it->next) {
        if (!not_repeated(c, procs, it))
            return false;
        push_key(c, it->string);
        bool known = entry_index(b, it->string) >= 0;
        for (size_t k = 0; k < s->nprocs && !known; k++)
            known = strcmp(s->proc_names[k], it->string) == 0;
        if (!known)
            return fail_key(c, "no process named \"%s\"", it->string);
        int state;
        uint64_t code;
        if (!check_fields(c, it, expect_proc_fields, NULL) ||
            !get_enum(c, it, expect_proc_fields, "state", &state) ||
            !get_u(c, it, expect_proc_fields, "code", &code))
            return false;
        pop(c);
        struct scn_expect_key *ek = &e->keys[e->nkeys++];
        snprintf(ek->name, sizeof ek->name, "%s", it->string);
        ek->killed = state == 1;
        ek->blocked = state == 2;
        ek->code = (int)code;
    }
    /* processes first, then single replicas over them */
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < e->nkeys; k++) {
            int ei = entry_index(b, e->keys[k].name);
            if ((ei >= 0) != (pass == 0))
                continue;
            for (size_t i = 0; i < s->nprocs; i++) {
                bool mine = ei >= 0 ? i >= b->entries[ei].first &&
                                          i < b->entries[ei].first + b->entries[ei].count
                                    : strcmp(s->proc_names[i], e->keys[k].name) == 0;
                if (!mine)
                    continue;
                e->procs[i].killed = e->keys[k].killed;
                e->procs[i].blocked = e->keys[k].blocked;
                e->procs[i].code = e->keys[k].code;
                e->procs[i].key = (int)k;
            }
        }
    return true;
}

/* Reads "expect" into b->s->expect; false with the error. */
static bool load_expect(struct ctx *c, struct build *b, const cJSON *root)
{
    struct scn_expect *e = &b->s->expect;
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(root, "expect");
    if (!ex)
        return true;
    push_key(c, "expect");
    int outcome;
    if (!check_fields(c, ex, expect_fields, NULL) ||
        !get_enum(c, ex, expect_fields, "outcome", &outcome))
        return false;
    e->deadlock = outcome == 1;
    const cJSON *procs = cJSON_GetObjectItemCaseSensitive(ex, "processes");
    if (procs) {
        push_key(c, "processes");
        if (!load_expect_procs(c, b, procs))
            return false;
        pop(c);
    }
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(ex, "messages");
    if (msgs) {
        push_key(c, "messages");
        if (!check_fields(c, msgs, messages_fields, NULL))
            return false;
        for (int f = 0; f < SCN_MSG_COUNT; f++) {
            const char *key = scn_msg_field_name((enum scn_msg_field)f);
            e->has_msg[f] = cJSON_GetObjectItemCaseSensitive(msgs, key) != NULL;
            if (!get_u(c, msgs, messages_fields, key, &e->msg[f]))
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
            if (!not_repeated(c, paths, it))
                return false;
            push_key(c, it->string);
            unsigned id = 0;
            while (id < TRC_PATH_COUNT && strcmp(trc_path_name(id), it->string) != 0)
                id++;
            if (id == TRC_PATH_COUNT)
                return fail_key(c, "no path named \"%s\"", it->string);
            if (e->npaths == SCN_MAX_PATH_EXPECTS)
                return fail_key(c, "more than %d paths", SCN_MAX_PATH_EXPECTS);
            struct scn_expect_path *pe = &e->paths[e->npaths];
            if (!check_fields(c, it, path_fields, NULL) ||
                !get_u(c, it, path_fields, "count", &pe->count) ||
                !get_u(c, it, path_fields, "min_count", &pe->min) ||
                !get_u(c, it, path_fields, "max_count", &pe->max))
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
        if (!check_fields(c, cyc, cycles_fields, NULL) ||
            !get_u(c, cyc, cycles_fields, "min", &e->cycles_min) ||
            !get_u(c, cyc, cycles_fields, "max", &e->cycles_max))
            return false;
        e->has_cycles_min = cJSON_GetObjectItemCaseSensitive(cyc, "min") != NULL;
        e->has_cycles_max = cJSON_GetObjectItemCaseSensitive(cyc, "max") != NULL;
        pop(c);
    }
    pop(c);
    return true;
}

/* Lays the compiled scenario out as one blob (abi/scenario.h) and keeps
 * each program's places in s->entries. */
static bool emit(struct ctx *c, struct build *b)
{
    struct scn *s = b->s;
    struct scn_blob hdr = {.magic = SCN_MAGIC,
                           .nprocs = (uint32_t)s->nprocs,
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
    s->entries = calloc(b->nentries, sizeof *s->entries);
    if (!blob || !s->entries) {
        free(blob);
        return fail(c, "out of memory");
    }
    s->nentries = b->nentries;
    hdr.size = (uint32_t)size;
    memcpy(blob, &hdr, sizeof hdr);
    struct scn_proc *procs = (struct scn_proc *)(blob + hdr.proc_offset);
    memcpy(procs, b->procs, hdr.nprocs * sizeof *procs);
    if (hdr.nobjects)
        memcpy(blob + hdr.object_offset, b->objects, hdr.nobjects * sizeof(struct scn_object));
    if (hdr.ncaps)
        memcpy(blob + hdr.cap_offset, b->caps, hdr.ncaps * sizeof(struct scn_cap));
    size_t off = hdr.cap_offset + hdr.ncaps * sizeof(struct scn_cap);
    s->blob = (struct scn_blob *)blob;
    s->blob_size = size;
    for (size_t i = 0; i < b->nentries; i++) {
        const struct entry *e = &b->entries[i];
        const struct proc_build *p = &e->pb;
        struct scn_entry *se = &s->entries[i];
        snprintf(se->name, sizeof se->name, "%s", e->name);
        se->first = e->first;
        se->count = e->count;
        se->nops = p->nops;
        se->ops = (const struct scn_op *)(blob + off);
        if (!(se->places = malloc((p->nops ? p->nops : 1) * sizeof *se->places)))
            return fail(c, "out of memory");
        memcpy(se->places, p->places, p->nops * sizeof *se->places);
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
 * zero. On failure records where. Notes the first \u0000 inside a string
 * in c->nul_at (refused once its path is known). */
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
static void path_to(struct ctx *c, const cJSON *v, size_t i, size_t target, bool *at_key)
{
    const char *t = c->text;
    size_t n = c->len;
    i = skip_ws(t, i, n);
    if (i < n && t[i] == '{' && cJSON_IsObject(v)) {
        i = skip_ws(t, i + 1, n);
        for (const cJSON *it = v->child; it && i < n && t[i] == '"'; it = it->next) {
            size_t kend = skip_string(t, i, n);
            if (target >= i && target < kend) {
                push_key(c, it->string);
                *at_key = true;
                return;
            }
            i = skip_ws(t, skip_ws(t, kend, n) + 1, n); /* past ':' */
            size_t vend = skip_value(t, i, n);
            if (target >= i && target < vend) {
                push_key(c, it->string);
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
                push_index(c, idx);
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
static size_t mark_numbers(const struct ctx *c, cJSON *v, size_t i)
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

int scn_load_text(const char *path, const char *text, size_t len, struct scn *s, char *err,
                  size_t errn)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    if (len > SCN_FILE_MAX) {
        snprintf(err, errn, "%s: larger than 4 MiB", path);
        return -1;
    }
    struct ctx c = {
        .file = path, .text = text, .len = len, .err = err, .errn = errn, .nul_at = SIZE_MAX};
    if (errn)
        err[0] = '\0';
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
    if (c.nul_at != SIZE_MAX) {
        /* cJSON would cut the string there: refuse it, naming where */
        bool at_key = false;
        path_to(&c, root, 0, c.nul_at, &at_key);
        fail_at(&c, c.nul_at, "%s holds \\u0000 (a NUL character), which ipcemu refuses",
                at_key ? "the key" : "the string");
        goto out;
    }
    b->s = s;
    mark_numbers(&c, root, 0);
    const char *name, *desc;
    if (!check_fields(&c, root, top_fields, NULL) || !get_s(&c, root, top_fields, "name", &name) ||
        !get_s(&c, root, top_fields, "description", &desc) ||
        !get_u(&c, root, top_fields, "seed", &s->seed))
        goto out;
    snprintf(s->name, sizeof s->name, "%s", name);
    const cJSON *limits = cJSON_GetObjectItemCaseSensitive(root, "limits");
    s->max_cycles = field_in(limits_fields, "max_cycles")->def;
    if (limits) {
        push_key(&c, "limits");
        if (!check_fields(&c, limits, limits_fields, NULL) ||
            !get_u(&c, limits, limits_fields, "max_cycles", &s->max_cycles))
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
    if (rc != 0 && !c.failed && errn && !err[0])
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
    free(s->expect.keys);
    s->expect.keys = NULL;
    s->expect.nkeys = 0;
    for (size_t i = 0; s->entries && i < s->nentries; i++)
        free(s->entries[i].places);
    free(s->entries);
    s->entries = NULL;
    s->nentries = 0;
    s->nprocs = 0;
}

const char *scn_msg_field_name(enum scn_msg_field f)
{
    static const char *const names[SCN_MSG_COUNT] = {"sent",      "received", "fast_path",
                                                     "slow_path", "refused",  "dropped"};
    return f < SCN_MSG_COUNT ? names[f] : "?";
}

/* ---- places of compiled operations --------------------------------------- */

/* The element of "processes" process `proc` belongs to, or NULL. */
static const struct scn_entry *entry_of(const struct scn *s, size_t proc)
{
    for (size_t i = 0; i < s->nentries; i++)
        if (proc >= s->entries[i].first && proc < s->entries[i].first + s->entries[i].count)
            return &s->entries[i];
    return NULL;
}

/* Returns the name of operation code `code`, or NULL. */
static const char *op_name(uint16_t code)
{
    if (code == SCN_OP_LOOP_END)
        code = SCN_OP_REPEAT;
    for (size_t k = 0; k < sizeof op_specs / sizeof op_specs[0]; k++)
        if (op_specs[k].code == code)
            return op_specs[k].name;
    return NULL;
}

const char *scn_place_text(const struct scn *s, size_t proc, uint32_t slot, char *out, size_t n)
{
    const struct scn_entry *e = entry_of(s, proc);
    if (n)
        out[0] = '\0';
    if (!e || slot >= e->nops)
        return NULL;
    const struct scn_place *pl = &e->places[slot];
    int w = snprintf(out, n, "processes[%zu].program[%u]", (size_t)(e - s->entries), pl->idx[0]);
    size_t k = w > 0 ? (size_t)w : 0;
    for (unsigned d = 1; d < pl->depth && k < n; d++) {
        w = snprintf(out + k, n - k, ".body[%u]", pl->idx[d]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    return op_name(pl->code);
}

/* ---- checking a run ------------------------------------------------------ */

/* A growing array of checks. */
struct checks {
    struct trc_check *v;
    size_t n, cap;
    bool oom;
};

/* Appends an empty check; returns it, or NULL when out of memory. */
static struct trc_check *check_add(struct checks *cs)
{
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 16;
        struct trc_check *v = realloc(cs->v, cap * sizeof *v);
        if (!v) {
            cs->oom = true;
            return NULL;
        }
        cs->v = v;
        cs->cap = cap;
    }
    struct trc_check *c = &cs->v[cs->n++];
    memset(c, 0, sizeof *c);
    return c;
}

/* Appends a check with its texts (printf-style `got`). */
static void check_row(struct checks *cs, bool held, const char *path, const char *expected,
                      const char *got_fmt, ...)
{
    struct trc_check *c = check_add(cs);
    if (!c)
        return;
    c->held = held;
    snprintf(c->path, sizeof c->path, "%s", path);
    snprintf(c->expected, sizeof c->expected, "%s", expected);
    va_list ap;
    va_start(ap, got_fmt);
    vsnprintf(c->got, sizeof c->got, got_fmt, ap);
    va_end(ap);
}

/* Writes the name of result r ("ok", "timeout", or "error -5") to out[n]. */
static void result_text(int32_t r, char *out, size_t n)
{
    const char *name = scn_error_name(r);
    if (name)
        snprintf(out, n, "%s", name);
    else
        snprintf(out, n, "error %d", (int)r);
}

/* Parses the unsigned decimal at *p (moving past it) into *v; false when
 * there is none. */
static bool parse_dec(const char **p, const char *end, uint64_t *v)
{
    const char *q = *p;
    *v = 0;
    while (q < end && *q >= '0' && *q <= '9' && *v <= UINT64_MAX / 10)
        *v = *v * 10 + (uint64_t)(*q++ - '0');
    if (q == *p)
        return false;
    *p = q;
    return true;
}

/* Parses a signed decimal (see parse_dec). */
static bool parse_int(const char **p, const char *end, int64_t *v)
{
    bool neg = *p < end && **p == '-';
    uint64_t u;
    if (neg)
        (*p)++;
    if (!parse_dec(p, end, &u) || u > INT32_MAX)
        return false;
    *v = neg ? -(int64_t)u : (int64_t)u;
    return true;
}

/* Returns true when text [*p, end) starts with `lit` (moving past it). */
static bool eat(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

/* The index of the scenario process the log's process `pid` is, or
 * SIZE_MAX. */
static size_t proc_of_pid(const struct scn *s, const struct trc_log *log, uint32_t pid)
{
    const struct trc_proc *tp = trc_log_proc(log, pid);
    for (size_t i = 0; tp && i < s->nprocs; i++)
        if (strcmp(s->proc_names[i], tp->name) == 0)
            return i;
    return SIZE_MAX;
}

/* Reads one runner line (abi/scenario.h SCN_FAIL_LINE, without its
 * prefix: [p, end)) into a failed-operation check; false when it is not
 * one. */
static bool failed_op(const struct scn *s, const struct trc_log *log, const char *p,
                      const char *end, struct trc_check *fc, size_t *proc)
{
    uint64_t pid, slot, it;
    int64_t got, want;
    if (!parse_dec(&p, end, &pid) || !eat(&p, end, ": operation ") || !parse_dec(&p, end, &slot) ||
        !eat(&p, end, " returned ") || !parse_int(&p, end, &got) || !eat(&p, end, ", expected ") ||
        !parse_int(&p, end, &want) || !eat(&p, end, "; iterations"))
        return false;
    *proc = proc_of_pid(s, log, (uint32_t)pid);
    const struct scn_entry *e = *proc == SIZE_MAX ? NULL : entry_of(s, *proc);
    if (!e || slot >= e->nops)
        return false;
    memset(fc, 0, sizeof *fc);
    const char *name = scn_place_text(s, *proc, (uint32_t)slot, fc->path, sizeof fc->path);
    snprintf(fc->op, sizeof fc->op, "%s", name ? name : "?");
    snprintf(fc->process, sizeof fc->process, "%s", s->proc_names[*proc]);
    result_text((int32_t)want, fc->expected, sizeof fc->expected);
    result_text((int32_t)got, fc->got, sizeof fc->got);
    /* the repeats around it: each REPEAT up to it whose LOOP_END is after it */
    for (uint32_t k = 0; k < slot && fc->niterations < TRC_CHECK_DEPTH; k++)
        if (e->ops[k].code == SCN_OP_REPEAT && e->ops[k].m > slot)
            fc->of[fc->niterations++] = e->ops[k].v;
    for (unsigned d = 0; d < fc->niterations; d++) {
        if (!eat(&p, end, " ") || !parse_dec(&p, end, &it))
            break;
        fc->iteration[d] = it;
    }
    return true;
}

/* Describes how process i of the run ended ("exited with code 3", ...) in
 * out[n]; returns whether that is what the scenario expects of it. */
static bool proc_ended(const struct scn *s, const struct trc_proc *p, size_t i,
                       const struct checks *ops, char *out, size_t n)
{
    const struct scn_expect_proc *ep = &s->expect.procs[i];
    if (!p) {
        snprintf(out, n, "never ran");
        return false;
    }
    switch (p->state) {
    case TRC_PROC_EXITED: {
        int k = snprintf(out, n, "exited with code %lld", (long long)p->exit_code);
        for (size_t f = 0; f < ops->n && k >= 0 && (size_t)k < n; f++) {
            if (strcmp(ops->v[f].process, s->proc_names[i]) != 0)
                continue;
            /* the first failed operation; a long path is cut at the end */
            char tail[sizeof ops->v[f].path + 32];
            snprintf(tail, sizeof tail, " (its operation %s failed)", ops->v[f].path);
            size_t len = strlen(tail), room = n - (size_t)k - 1;
            memcpy(out + k, tail, len < room ? len : room);
            out[(size_t)k + (len < room ? len : room)] = '\0';
            break;
        }
        return !ep->killed && !ep->blocked && p->exit_code == ep->code;
    }
    case TRC_PROC_KILLED:
        snprintf(out, n, "was killed (%s fault)", trc_fault_name(p->fault));
        return ep->killed;
    case TRC_PROC_BLOCKED:
        snprintf(out, n, "blocked");
        return ep->blocked;
    default:
        snprintf(out, n, "still running");
        return false;
    }
}

/* Adds the rows of expect.processes: one per key, then one for the
 * processes no key names (unless the run is meant to deadlock). */
static void check_procs(const struct scn *s, const struct trc_log *log, const struct checks *ops,
                        struct checks *cs)
{
    const struct scn_expect *e = &s->expect;
    const struct trc_proc **found = calloc(s->nprocs ? s->nprocs : 1, sizeof *found);
    if (!found) {
        cs->oom = true;
        return;
    }
    /* the log's processes by name, once */
    for (size_t k = 0; k < log->nprocs; k++)
        for (size_t i = 0; i < s->nprocs; i++)
            if (!found[i] && strcmp(log->procs[k].name, s->proc_names[i]) == 0) {
                found[i] = &log->procs[k];
                break;
            }
    for (size_t r = 0; r <= e->nkeys; r++) {
        long key = r < e->nkeys ? (long)r : -1; /* the processes not named last */
        size_t covered = 0, bad = 0;
        char first[TRC_CHECK_TEXT] = "", first_bad[TRC_CHECK_TEXT] = "", text[TRC_CHECK_TEXT];
        for (size_t i = 0; i < s->nprocs; i++) {
            if (e->procs[i].key != key)
                continue;
            bool ok = proc_ended(s, found[i], i, ops, text, sizeof text);
            if (!covered++)
                snprintf(first, sizeof first, "%s", text);
            if (!ok && bad++ == 0)
                snprintf(first_bad, sizeof first_bad, "%.16s %.170s", s->proc_names[i], text);
        }
        if (!covered || (key < 0 && e->deadlock))
            continue;
        char path[64], expected[TRC_CHECK_TEXT];
        const struct scn_expect_key *k = key >= 0 ? &e->keys[key] : NULL;
        snprintf(path, sizeof path, "expect.processes%s%s", k ? "." : "", k ? k->name : "");
        if (!k)
            snprintf(expected, sizeof expected, "exited with code 0 (every process not named)");
        else if (k->killed || k->blocked)
            snprintf(expected, sizeof expected, "%s", k->killed ? "killed" : "blocked");
        else
            snprintf(expected, sizeof expected, "exited with code %d", k->code);
        if (!bad && covered > 1)
            check_row(cs, true, path, expected, "all %zu %s", covered, first);
        else if (!bad)
            check_row(cs, true, path, expected, "%s", first);
        else if (bad > 1)
            check_row(cs, false, path, expected, "%s, and %zu more did not", first_bad, bad - 1);
        else
            check_row(cs, false, path, expected, "%s", first_bad);
    }
    free(found);
}

int scn_check(const struct scn *s, const struct trc_log *log, uint64_t cycles, const char *outcome,
              struct scn_verdict *v, char *why, size_t n)
{
    const struct scn_expect *e = &s->expect;
    struct checks cs = {0}, ops = {0};
    memset(v, 0, sizeof *v);
    /* the operations the runner reported (abi/scenario.h SCN_FAIL_LINE) */
    const char *con = log->console, *cend = con ? con + log->console_len : NULL;
    size_t plen = strlen(SCN_FAIL_LINE);
    for (const char *line = con; con && line < cend;) {
        const char *nl = memchr(line, '\n', (size_t)(cend - line));
        const char *lend = nl ? nl : cend;
        struct trc_check fc;
        size_t proc;
        if ((size_t)(lend - line) > plen && memcmp(line, SCN_FAIL_LINE, plen) == 0 &&
            failed_op(s, log, line + plen, lend, &fc, &proc)) {
            struct trc_check *c = check_add(&ops);
            if (c)
                *c = fc;
        }
        line = nl ? nl + 1 : cend;
    }
    check_row(&cs, strcmp(outcome, e->deadlock ? "deadlock" : "ok") == 0, "expect.outcome",
              e->deadlock ? "deadlock" : "ok", "%s", outcome);
    check_procs(s, log, &ops, &cs);
    const uint64_t got[SCN_MSG_COUNT] = {log->messages.sent,      log->messages.received,
                                         log->messages.fast_path, log->messages.slow_path,
                                         log->messages.refused,   log->messages.dropped};
    for (int f = 0; f < SCN_MSG_COUNT; f++)
        if (e->has_msg[f]) {
            char path[64], expected[32];
            snprintf(path, sizeof path, "expect.messages.%s",
                     scn_msg_field_name((enum scn_msg_field)f));
            snprintf(expected, sizeof expected, "%llu", (unsigned long long)e->msg[f]);
            check_row(&cs, got[f] == e->msg[f], path, expected, "%llu", (unsigned long long)got[f]);
        }
    for (size_t i = 0; i < e->npaths; i++) {
        const struct scn_expect_path *pe = &e->paths[i];
        unsigned id = 0;
        while (id < TRC_PATH_COUNT && strcmp(trc_path_name(id), pe->name) != 0)
            id++;
        uint64_t count = id < TRC_PATH_COUNT ? log->paths[id].n : 0;
        char path[64], expected[96];
        int k = 0;
        snprintf(path, sizeof path, "expect.paths.%s", pe->name);
        expected[0] = '\0';
        if (pe->has_count)
            k += snprintf(expected + k, sizeof expected - (size_t)k, "count %llu",
                          (unsigned long long)pe->count);
        if (pe->has_min)
            k += snprintf(expected + k, sizeof expected - (size_t)k, "%smin_count %llu",
                          k ? ", " : "", (unsigned long long)pe->min);
        if (pe->has_max)
            snprintf(expected + k, sizeof expected - (size_t)k, "%smax_count %llu", k ? ", " : "",
                     (unsigned long long)pe->max);
        bool held = !((pe->has_count && count != pe->count) || (pe->has_min && count < pe->min) ||
                      (pe->has_max && count > pe->max));
        check_row(&cs, held, path, expected[0] ? expected : "any count", "%llu",
                  (unsigned long long)count);
    }
    if (e->has_cycles_min || e->has_cycles_max) {
        char expected[96];
        if (e->has_cycles_min && e->has_cycles_max)
            snprintf(expected, sizeof expected, "min %llu, max %llu",
                     (unsigned long long)e->cycles_min, (unsigned long long)e->cycles_max);
        else
            snprintf(expected, sizeof expected, "%s %llu", e->has_cycles_min ? "min" : "max",
                     (unsigned long long)(e->has_cycles_min ? e->cycles_min : e->cycles_max));
        bool held = !((e->has_cycles_min && cycles < e->cycles_min) ||
                      (e->has_cycles_max && cycles > e->cycles_max));
        check_row(&cs, held, "expect.cycles", expected, "%llu", (unsigned long long)cycles);
    }
    v->checks = cs.v;
    v->nchecks = cs.n;
    v->failed_ops = ops.v;
    v->nfailed_ops = ops.n;
    if (cs.oom || ops.oom) {
        snprintf(why, n, "out of memory checking the expectations");
        return -1;
    }
    size_t failed = ops.n;
    const struct trc_check *first = NULL;
    for (size_t i = 0; i < cs.n; i++)
        if (!cs.v[i].held && failed++ == 0)
            first = &cs.v[i];
    if (!failed)
        return 0;
    char more[48] = "";
    if (failed > 1)
        snprintf(more, sizeof more, " (and %zu more)", failed - 1);
    if (ops.n) {
        const struct trc_check *f = &ops.v[0];
        char iters[160] = "";
        size_t k = 0;
        for (unsigned d = 0; d < f->niterations && k < sizeof iters; d++) {
            int w =
                snprintf(iters + k, sizeof iters - k, "%s%llu of %llu", d ? ", " : ", iteration ",
                         (unsigned long long)f->iteration[d], (unsigned long long)f->of[d]);
            if (w < 0)
                break;
            k += (size_t)w;
        }
        snprintf(why, n, "operation failed: %s (%s) in %s%s: expected %s, returned %s%s", f->path,
                 f->op, f->process, iters, f->expected, f->got, more);
    } else {
        snprintf(why, n, "expectation failed: %s: expected %s, got %s%s", first->path,
                 first->expected, first->got, more);
    }
    return -1;
}

void scn_verdict_free(struct scn_verdict *v)
{
    free(v->checks);
    free(v->failed_ops);
    memset(v, 0, sizeof *v);
}
