/* machine/scenario_compile.c: compiles the operations of a program into
 * struct scn_op (abi/scenario.h). The operations come from one table,
 * abi/scenario_ops.h: their names, codes and fields, where each field
 * goes in the compiled operation; a repeat becomes a SCN_OP_REPEAT, its
 * body and a SCN_OP_LOOP_END. Handles resolve to slots, names to offsets
 * in the process's strings; every compiled operation keeps its place in
 * the scenario. */
#include <stdio.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ipc/notify.h"
#include "ipc/port.h"
#include "machine/scenario_int.h"

_Static_assert(SCN_MAX_MSG_CAPS == IPC_MSG_CAPS, "a send carries what a message holds");

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

/* The operations of abi/scenario_ops.h, in its order: each one's name,
 * code and fields (besides "op" and "expect"). */
#define SCN_OP_SPEC_(tok, json, ...) {json, SCN_OP_##tok, {__VA_ARGS__, F_END}},
static const struct scn_op_spec op_specs[] = {SCN_OPS(SCN_OP_SPEC_)};
#undef SCN_OP_SPEC_

_Static_assert(sizeof op_specs / sizeof op_specs[0] == SCN_OP_LOOP_END - 1,
               "every opcode but SCN_OP_LOOP_END is an operation of the table");

const struct scn_op_spec *scn_op_specs(size_t *n)
{
    *n = sizeof op_specs / sizeof op_specs[0];
    return op_specs;
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

/* The slot of handle `name` in process p, or SCN_NO_SLOT. */
uint16_t scn_handle_find(const struct scn_proc_build *p, const char *name)
{
    for (unsigned i = 0; i < p->nhandles; i++)
        if (strcmp(p->handles[i].name, name) == 0)
            return p->handles[i].slot;
    return SCN_NO_SLOT;
}

/* Binds `name` to a slot in p (its old one if it has one). */
bool scn_handle_define(struct scn_ctx *c, struct scn_proc_build *p, const char *name,
                       uint16_t *slot)
{
    *slot = scn_handle_find(p, name);
    if (*slot != SCN_NO_SLOT)
        return true;
    if (p->nhandles == SCN_MAX_HANDLES)
        return scn_fail(c, "more than %d handles in one process", SCN_MAX_HANDLES);
    *slot = (uint16_t)p->nhandles;
    snprintf(p->handles[p->nhandles].name, sizeof p->handles[0].name, "%s", name);
    p->handles[p->nhandles].slot = *slot;
    p->nhandles++;
    return true;
}

/* Resolves handle field `key` of `op` (which must exist when given). */
static bool use_handle(struct scn_ctx *c, struct scn_proc_build *p, const cJSON *op,
                       const char *key, bool required, uint16_t *slot)
{
    const char *name;
    *slot = SCN_NO_SLOT;
    if (!scn_get_ident(c, op, key, required, &name))
        return false;
    if (!name)
        return true;
    *slot = scn_handle_find(p, name);
    if (*slot == SCN_NO_SLOT) {
        scn_push_key(c, key);
        return scn_fail(c, "no handle \"%s\" here (an object it holds or an earlier \"as\")", name);
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
static bool compile_field(struct scn_ctx *c, struct scn_proc_build *p, const cJSON *op,
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
        if (!scn_get_field_uint(c, op, f, &u))
            return false;
        break;
    case SCN_FIELD_BOOL: {
        bool b;
        if (!scn_get_bool(c, op, f->name, &b))
            return false;
        u = b;
        break;
    }
    case SCN_FIELD_STRING: { /* a registry name, kept in the process's strings */
        const char *nm;
        if (!scn_get_string(c, op, f->name, f->required, (size_t)f->min, (size_t)f->max, &nm))
            return false;
        u = UINT32_MAX;
        if (nm) {
            size_t len = strlen(nm) + 1;
            if (p->nstr + len > SCN_MAX_STRINGS) {
                scn_push_key(c, f->name);
                return scn_fail(c, "more than %d bytes of names in one process", SCN_MAX_STRINGS);
            }
            memcpy(p->strings + p->nstr, nm, len);
            u = p->nstr;
            p->nstr += (unsigned)len;
        }
        break;
    }
    case SCN_FIELD_RIGHTS: {
        uint32_t r;
        scn_push_key(c, f->name);
        if (!scn_parse_rights(c, v, &r))
            return false;
        scn_pop(c);
        u = r;
        break;
    }
    case SCN_FIELD_OPCODES:
        u = UINT64_MAX; /* no filter of opcodes */
        if (v) {
            scn_push_key(c, f->name);
            if (!cJSON_IsArray(v))
                return scn_fail(c, "must be an array of opcodes 0..63");
            u = 0;
            int i = 0;
            for (const cJSON *it = v->child; it; it = it->next, i++) {
                uint64_t code;
                scn_push_index(c, i);
                if (!cJSON_IsNumber(it))
                    return scn_fail(c, "must be an opcode 0..63");
                if (!scn_read_uint(c, it, 0, 63, &code))
                    return false;
                u |= 1ULL << code;
                scn_pop(c);
            }
            scn_pop(c);
        }
        break;
    case SCN_FIELD_CAPS:
        u = SCN_NO_SLOTS;
        o->b = 0;
        if (v) {
            scn_push_key(c, f->name);
            if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > (int)f->max)
                return scn_fail(c, "must be an array of at most %d handles", (int)f->max);
            int i = 0;
            for (const cJSON *it = v->child; it; it = it->next, i++) {
                scn_push_index(c, i);
                uint16_t slot;
                if (!cJSON_IsString(it) ||
                    (slot = scn_handle_find(p, it->valuestring)) == SCN_NO_SLOT)
                    return scn_fail(c, "not a handle of this process");
                u = (u & ~(0xffULL << (8 * i))) | (uint64_t)slot << (8 * i);
                scn_pop(c);
            }
            scn_pop(c);
            o->b = (uint16_t)i; /* how many: a slot may be 0xff */
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
 * every one, a byte each, and o->b how many. */
static bool compile_as(struct scn_ctx *c, struct scn_proc_build *p, const cJSON *op,
                       const struct scn_field *f, struct scn_op *o)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, f->name);
    if (f->kind == SCN_FIELD_AS_LIST && cJSON_IsArray(v)) {
        scn_push_key(c, f->name);
        int n = cJSON_GetArraySize(v);
        if (n < 1 || n > (int)f->max)
            return scn_fail(c, "must be a name or an array of 1 to %d names", (int)f->max);
        uint32_t x = SCN_NO_SLOTS;
        int i = 0;
        for (const cJSON *it = v->child; it; it = it->next, i++) {
            scn_push_index(c, i);
            if (!cJSON_IsString(it) || !scn_is_ident(it->valuestring))
                return scn_fail(c, "is not a name ([A-Za-z_][A-Za-z0-9_]*, at most 16)");
            for (const cJSON *o2 = v->child; o2 != it; o2 = o2->next)
                if (strcmp(o2->valuestring, it->valuestring) == 0)
                    return scn_fail(c, "appears twice");
            uint16_t slot;
            if (!scn_handle_define(c, p, it->valuestring, &slot))
                return false;
            x = (x & ~(0xffu << (8 * i))) | (uint32_t)slot << (8 * i);
            if (i == 0)
                o->c = slot;
            scn_pop(c);
        }
        o->x = x;
        o->b = (uint16_t)n; /* how many: a slot may be 0xff */
        scn_pop(c);
        return true;
    }
    const char *as;
    if (!scn_get_ident(c, op, f->name, f->required, &as))
        return false;
    if (as) {
        scn_push_key(c, f->name);
        if (!scn_handle_define(c, p, as, &o->c))
            return false;
        scn_pop(c);
    }
    return true;
}

/* Records where compiled operation `slot` comes from (the operation being
 * compiled at `depth`). */
static void place_here(struct scn_proc_build *p, unsigned slot, int depth, uint16_t code)
{
    struct scn_place *pl = &p->places[slot];
    pl->depth = (uint16_t)(depth + 1);
    pl->code = code;
    for (int d = 0; d <= depth; d++)
        pl->idx[d] = p->at[d];
}

/* The fields of a value expectation's object form (docs/scenarios.md). */
static const struct scn_field value_fields[] = {
    F_UINT("value", 0, INT64_MAX, 0, NONE), F_UINT("at_least", 0, INT64_MAX, 0, NONE),
    F_UINT("at_most", 0, INT64_MAX, INT64_MAX, NONE), F_END};

/* Compiles value expectation `ex` (an integer or an object: the current
 * path is the operation) into o->expect and a struct scn_value in the
 * process's strings; false with the error. */
static bool compile_value(struct scn_ctx *c, struct scn_proc_build *p, const cJSON *ex,
                          struct scn_op *o)
{
    struct scn_value v = {0, INT64_MAX};
    scn_push_key(c, "expect");
    if (cJSON_IsNumber(ex)) {
        if (!scn_read_uint(c, ex, 0, INT64_MAX, &v.lo))
            return false;
        v.hi = v.lo;
    } else if (cJSON_IsObject(ex)) {
        bool eq = cJSON_GetObjectItemCaseSensitive(ex, "value") != NULL;
        bool ge = cJSON_GetObjectItemCaseSensitive(ex, "at_least") != NULL;
        bool le = cJSON_GetObjectItemCaseSensitive(ex, "at_most") != NULL;
        if (!scn_check_fields(c, ex, value_fields, NULL))
            return false;
        if (eq == (ge || le))
            return scn_fail(c, "must have \"value\", or \"at_least\" and/or \"at_most\"");
        if (eq && !scn_get_u(c, ex, value_fields, "value", &v.lo))
            return false;
        if (eq)
            v.hi = v.lo;
        if (!eq && (!scn_get_u(c, ex, value_fields, "at_least", &v.lo) ||
                    !scn_get_u(c, ex, value_fields, "at_most", &v.hi)))
            return false;
        if (v.lo > v.hi)
            return scn_fail(c, "\"at_least\" is more than \"at_most\": nothing can hold");
    } else {
        return scn_fail(c, "must be \"ok\", an error name, a value (an integer) or an object "
                           "({\"value\"}, {\"at_least\", \"at_most\"}): docs/scenarios.md");
    }
    unsigned at = (p->nstr + 7u) & ~7u;
    if (at + sizeof v > SCN_MAX_STRINGS)
        return scn_fail(c, "more than %d bytes of names and values in one process",
                        SCN_MAX_STRINGS);
    memset(p->strings + p->nstr, 0, at - p->nstr);
    memcpy(p->strings + at, &v, sizeof v);
    p->nstr = at + (unsigned)sizeof v;
    o->expect = SCN_EXPECT_VALUE(at);
    scn_pop(c);
    return true;
}

/* Compiles one operation (the current path is its index). */
static bool compile_op(struct scn_ctx *c, struct scn_build *b, struct scn_proc_build *p,
                       const cJSON *op, int depth)
{
    if (!cJSON_IsObject(op))
        return scn_fail(c, "must be an object");
    const char *name;
    if (!scn_get_string(c, op, "op", true, 1, 32, &name))
        return false;
    size_t k = 0, n = sizeof op_specs / sizeof op_specs[0];
    while (k < n && strcmp(op_specs[k].name, name) != 0)
        k++;
    if (k == n) {
        scn_push_key(c, "op");
        return scn_fail(c, "unknown operation \"%s\"", name);
    }
    const struct scn_op_spec *sp = &op_specs[k];
    bool repeat = sp->code == SCN_OP_REPEAT;
    static const char *const with_expect[] = {"op", "expect", NULL}, *const only_op[] = {"op",
                                                                                         NULL};
    if (repeat && cJSON_GetObjectItemCaseSensitive(op, "expect")) {
        scn_push_key(c, "expect");
        return scn_fail_key(c, "a repeat has no result to expect (give its operations an expect)");
    }
    if (!scn_check_fields(c, op, sp->fields, repeat ? only_op : with_expect))
        return false;
    if (p->nops + (repeat ? 2 : 1) > SCN_MAX_OPS)
        return scn_fail(c, "the program is too long (more than %d compiled operations)",
                        SCN_MAX_OPS);
    struct scn_op o = {.code = sp->code,
                       .a = SCN_NO_SLOT,
                       .b = SCN_NO_SLOT,
                       .c = SCN_NO_SLOT,
                       .expect = SCN_EXPECT_ANY,
                       .x = SCN_NO_SLOTS};
    const char *ex = NULL;
    const cJSON *exj = cJSON_GetObjectItemCaseSensitive(op, "expect");
    if (exj && !cJSON_IsString(exj) && !compile_value(c, p, exj, &o))
        return false;
    if (exj && cJSON_IsString(exj) && !scn_get_string(c, op, "expect", false, 1, 32, &ex))
        return false;
    if (ex) {
        const char *known = NULL;
        for (size_t e = 0; e < sizeof error_names / sizeof error_names[0] && !known; e++)
            if (strcmp(error_names[e].name, ex) == 0) {
                known = error_names[e].name;
                o.expect = error_names[e].value;
            }
        if (!known) {
            scn_push_key(c, "expect");
            return scn_fail(c, "unknown result \"%s\" (\"ok\" or an error name, docs/scenarios.md)",
                            ex);
        }
    }
    for (const struct scn_field *f = sp->fields; f->name; f++)
        if (f->kind != SCN_FIELD_AS && f->kind != SCN_FIELD_AS_LIST && f->kind != SCN_FIELD_BODY &&
            !compile_field(c, p, op, f, &o))
            return false;
    if (repeat) {
        if (depth >= SCN_MAX_DEPTH) {
            scn_push_key(c, "body");
            return scn_fail(c, "repeats nested more than %d deep", SCN_MAX_DEPTH);
        }
        unsigned at = p->nops++;
        place_here(p, at, depth, SCN_OP_REPEAT);
        scn_push_key(c, "body");
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(op, "body");
        if (!cJSON_IsArray(body) || cJSON_GetArraySize(body) == 0)
            return scn_fail(c, "must be a non-empty array of operations");
        if (!scn_compile_ops(c, b, p, body, depth + 1))
            return false;
        scn_pop(c);
        if (p->nops >= SCN_MAX_OPS)
            return scn_fail(c, "the program is too long (more than %d compiled operations)",
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
bool scn_compile_ops(struct scn_ctx *c, struct scn_build *b, struct scn_proc_build *p,
                     const cJSON *arr, int depth)
{
    int i = 0;
    for (const cJSON *op = arr->child; op; op = op->next, i++) {
        scn_push_index(c, i);
        p->at[depth] = (uint32_t)i;
        if (!compile_op(c, b, p, op, depth))
            return false;
        scn_pop(c);
    }
    return true;
}
