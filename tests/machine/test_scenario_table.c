/* tests/machine/test_scenario_table.c: the one table of operations
 * (abi/scenario_ops.h) and the loader's tables (machine/scenario.h
 * scn_op_specs, scn_sections, scn_error_names) against what else says
 * them: the compiler knows every operation of the table by its name and
 * code, and docs/scenario.schema.json and docs/scenarios.md say what the
 * tables say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "machine/scenario.h"
#include "tests/machine/scenario_harness.h"
#include "tracer/trace.h"

/* Parses repository file `rel` (the caller deletes it); fails the test
 * when it cannot. */
static cJSON *load_json(const char *rel)
{
    char path[4096];
    size_t n;
    scn_test_repo_path(rel, path, sizeof path);
    char *text = scn_test_slurp(path, &n);
    if (!text)
        print_error("cannot read %s\n", path);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    return j;
}

/* The value at JSON pointer `ptr` ("/$defs/object") of root, or NULL. */
static const cJSON *pointer(const cJSON *root, const char *ptr)
{
    const cJSON *v = root;
    while (v && *ptr == '/') {
        char key[128];
        size_t k = 0;
        for (ptr++; *ptr && *ptr != '/' && k + 1 < sizeof key; ptr++)
            key[k++] = *ptr;
        key[k] = '\0';
        v = cJSON_GetObjectItemCaseSensitive(v, key);
    }
    return v;
}

/* v, or what its "$ref" (to "#/...") names, repeatedly. */
static const cJSON *deref(const cJSON *root, const cJSON *v)
{
    for (int i = 0; v && i < 8; i++) {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(v, "$ref");
        if (!cJSON_IsString(ref) || ref->valuestring[0] != '#')
            break;
        v = pointer(root, ref->valuestring + 1);
    }
    return v;
}

/* Returns v's "$ref", or "". */
static const char *ref_of(const cJSON *v)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(v, "$ref");
    return cJSON_IsString(ref) ? ref->valuestring : "";
}

/* Whether o[key] is the number `want`. */
static bool num_is(const cJSON *o, const char *key, uint64_t want)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble == (double)want;
}

/* Whether o[key] is the string `want`. */
static bool str_is(const cJSON *o, const char *key, const char *want)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && strcmp(v->valuestring, want) == 0;
}

/* Whether array `arr` holds exactly the strings of the NULL-terminated
 * `want` (any order, no repeats). */
static bool same_strings(const cJSON *arr, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, arr) found +=
            cJSON_IsString(it) && !strcmp(it->valuestring, want[i]);
        if (found != 1)
            return false;
    }
    return true;
}

static int schema_errors;

/* Reports a disagreement between the schema and the table. */
static void disagree(const char *where, const char *field, const char *what)
{
    print_error("docs/scenario.schema.json %s.%s: %s (the loader's table says otherwise)\n", where,
                field, what);
    schema_errors++;
}

/* Checks the schema of field f (property `prop` of the object at `where`). */
static void check_field(const cJSON *root, const char *where, const struct scn_field *f,
                        const cJSON *prop)
{
    const cJSON *d = deref(root, prop);
    switch (f->kind) {
    case SCN_FIELD_HANDLE:
        if (strcmp(ref_of(prop), "#/$defs/handle") != 0)
            disagree(where, f->name, "not a $ref to #/$defs/handle");
        break;
    case SCN_FIELD_AS:
    case SCN_FIELD_IDENT:
        if (strcmp(ref_of(prop), "#/$defs/identifier") != 0)
            disagree(where, f->name, "not a $ref to #/$defs/identifier");
        break;
    case SCN_FIELD_AS_LIST: {
        const cJSON *one = cJSON_GetObjectItemCaseSensitive(prop, "oneOf");
        const cJSON *a = cJSON_GetArrayItem(one, 0), *b = cJSON_GetArrayItem(one, 1);
        if (cJSON_GetArraySize(one) != 2 || strcmp(ref_of(a), "#/$defs/identifier") != 0 ||
            !str_is(b, "type", "array") || !num_is(b, "minItems", 1) ||
            !num_is(b, "maxItems", f->max) ||
            strcmp(ref_of(cJSON_GetObjectItemCaseSensitive(b, "items")), "#/$defs/identifier"))
            disagree(where, f->name, "not oneOf an identifier or an array of 1..max of them");
        break;
    }
    case SCN_FIELD_UINT:
    case SCN_FIELD_POW2:
        if (!str_is(d, "type", "integer"))
            disagree(where, f->name, "not an integer");
        if (f->kind == SCN_FIELD_UINT &&
            (!num_is(d, "minimum", f->min) || !num_is(d, "maximum", f->max)))
            disagree(where, f->name, "another minimum or maximum");
        if (f->kind == SCN_FIELD_POW2) {
            const cJSON *e = cJSON_GetObjectItemCaseSensitive(d, "enum");
            int n = 0;
            bool ok = cJSON_IsArray(e);
            for (uint64_t v = 1; ok && v <= f->max; v *= 2) {
                if (v < f->min)
                    continue;
                const cJSON *x = cJSON_GetArrayItem(e, n++);
                ok = x && x->valuedouble == (double)v;
            }
            if (!ok || cJSON_GetArraySize(e) != n)
                disagree(where, f->name, "not an enum of the powers of two in its range");
        }
        if (f->has_def != (cJSON_GetObjectItemCaseSensitive(d, "default") != NULL) ||
            (f->has_def && !num_is(d, "default", f->def)))
            disagree(where, f->name, "another default (or one where there is none)");
        break;
    case SCN_FIELD_BOOL:
        if (!str_is(d, "type", "boolean"))
            disagree(where, f->name, "not a boolean");
        break;
    case SCN_FIELD_STRING:
        if (!str_is(d, "type", "string") || !num_is(d, "maxLength", f->max) ||
            (f->min ? !num_is(d, "minLength", f->min)
                    : cJSON_GetObjectItemCaseSensitive(d, "minLength") != NULL))
            disagree(where, f->name, "another type or length");
        break;
    case SCN_FIELD_ENUM:
        if (!same_strings(cJSON_GetObjectItemCaseSensitive(d, "enum"), f->values))
            disagree(where, f->name, "another enum");
        break;
    case SCN_FIELD_RIGHTS:
        if (strcmp(ref_of(prop), "#/$defs/rights") != 0)
            disagree(where, f->name, "not a $ref to #/$defs/rights");
        break;
    case SCN_FIELD_OPCODES: {
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(d, "items");
        if (!str_is(d, "type", "array") || !str_is(items, "type", "integer") ||
            !num_is(items, "minimum", 0) || !num_is(items, "maximum", 63))
            disagree(where, f->name, "not an array of opcodes 0..63");
        break;
    }
    case SCN_FIELD_CAPS:
        if (!str_is(d, "type", "array") || !num_is(d, "maxItems", f->max) ||
            strcmp(ref_of(cJSON_GetObjectItemCaseSensitive(d, "items")), "#/$defs/handle") != 0)
            disagree(where, f->name, "not an array of at most max handles");
        break;
    case SCN_FIELD_BODY:
        if (strncmp(ref_of(prop), "#/$defs/program_", 16) != 0 &&
            !cJSON_GetObjectItemCaseSensitive(prop, "not")) /* refused past the last nesting */
            disagree(where, f->name, "not a $ref to a program");
        break;
    case SCN_FIELD_ARRAY:
        if (!str_is(d, "type", "array") ||
            (f->min ? !num_is(d, "minItems", f->min)
                    : cJSON_GetObjectItemCaseSensitive(d, "minItems") != NULL) ||
            !num_is(d, "maxItems", f->max))
            disagree(where, f->name, "another type or number of items");
        break;
    case SCN_FIELD_SOURCES:
        if (strcmp(ref_of(prop), "#/$defs/source") != 0)
            disagree(where, f->name, "not a $ref to #/$defs/source");
        break;
    case SCN_FIELD_OBJECT:
    case SCN_FIELD_MAP:
        if (!str_is(d, "type", "object"))
            disagree(where, f->name, "not an object");
        break;
    }
}

/* Checks that the object schema `obj` (at `where`) has exactly the table's
 * fields (plus `extra`, NULL-terminated), the table's required ones
 * (plus `extra_required`), no other properties, and each field's type. */
static void check_object_schema(const cJSON *root, const char *where, const cJSON *obj,
                                const struct scn_field *fields, const char *const *extra,
                                const char *const *extra_required)
{
    if (!obj) {
        disagree(where, "", "missing");
        return;
    }
    const char *names[16], *required[16];
    size_t n = 0, r = 0;
    for (size_t i = 0; extra && extra[i]; i++)
        names[n++] = extra[i];
    for (size_t i = 0; extra_required && extra_required[i]; i++)
        required[r++] = extra_required[i];
    for (const struct scn_field *f = fields; f->name; f++) {
        names[n++] = f->name;
        if (f->required)
            required[r++] = f->name;
    }
    names[n] = required[r] = NULL;
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(obj, "properties"), *it;
    cJSON_ArrayForEach(it, props)
    {
        size_t k = 0;
        while (names[k] && strcmp(names[k], it->string) != 0)
            k++;
        if (!names[k])
            disagree(where, it->string, "a property the loader refuses");
    }
    for (size_t k = 0; names[k]; k++)
        if (!cJSON_GetObjectItemCaseSensitive(props, names[k]))
            disagree(where, names[k], "a field the loader takes is missing");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(obj, "required");
    if (r ? !same_strings(req, required) : req != NULL)
        disagree(where, "required", "another list of required fields");
    const cJSON *ap = cJSON_GetObjectItemCaseSensitive(obj, "additionalProperties");
    if (!cJSON_IsFalse(ap))
        disagree(where, "additionalProperties", "not false (the loader refuses unknown fields)");
    for (const struct scn_field *f = fields; f->name; f++) {
        const cJSON *prop = cJSON_GetObjectItemCaseSensitive(props, f->name);
        if (prop)
            check_field(root, where, f, prop);
    }
}

/* docs/scenario.schema.json says what the table says: every operation with
 * its fields, ranges, defaults and required ones; the error names; the
 * other objects of a scenario. */
static void the_schema_agrees_with_the_table(void **state)
{
    (void)state;
    cJSON *root = load_json("docs/scenario.schema.json");
    schema_errors = 0;
    size_t nops, nsec, nerr;
    const struct scn_op_spec *ops = scn_op_specs(&nops);
    const struct scn_section *secs = scn_sections(&nsec);
    const struct scn_error_name *errs = scn_error_names(&nerr);
    static const char *const op_expect[] = {"op", "expect", NULL}, *const op_only[] = {"op", NULL};
    const char *names[64];
    size_t nnames = 0;
    for (size_t i = 0; i < nops; i++) {
        char def[64];
        if (ops[i].code == SCN_OP_REPEAT) {
            for (int d = 0; d <= SCN_MAX_DEPTH; d++) {
                snprintf(def, sizeof def, "/$defs/repeat_%d", d);
                const cJSON *o = pointer(root, def);
                check_object_schema(root, def, o, ops[i].fields, op_only, op_only);
                const cJSON *body = pointer(root, strcat(def, "/properties/body"));
                char want[64];
                snprintf(want, sizeof want, "#/$defs/program_%d", d + 1);
                if (d < SCN_MAX_DEPTH ? strcmp(ref_of(body), want) != 0
                                      : !cJSON_GetObjectItemCaseSensitive(body, "not"))
                    disagree(def, "body", "not the next nesting (nor refused past the last)");
            }
            continue;
        }
        snprintf(def, sizeof def, "/$defs/op_%s", ops[i].name);
        const cJSON *o = pointer(root, def);
        check_object_schema(root, def, o, ops[i].fields, op_expect, op_only);
        if (!str_is(pointer(o, "/properties/op"), "const", ops[i].name))
            disagree(def, "op", "not the operation's name as a const");
        if (strcmp(ref_of(pointer(o, "/properties/expect")), "#/$defs/op_expect") != 0)
            disagree(def, "expect", "not a $ref to #/$defs/op_expect");
        names[nnames++] = ops[i].name;
    }
    names[nnames] = NULL;
    /* the dispatcher: every operation but repeat, each to its definition */
    const cJSON *disp = pointer(root, "/$defs/op");
    if (!same_strings(pointer(disp, "/properties/op/enum"), names))
        disagree("/$defs/op", "op", "another list of operations");
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(disp, "allOf"), *it;
    size_t seen = 0;
    cJSON_ArrayForEach(it, all)
    {
        const cJSON *c = pointer(it, "/if/properties/op/const");
        char want[64];
        snprintf(want, sizeof want, "#/$defs/op_%s", cJSON_IsString(c) ? c->valuestring : "?");
        if (!cJSON_IsString(c) || strcmp(ref_of(pointer(it, "/then")), want) != 0)
            disagree("/$defs/op", "allOf", "an entry that does not send an op to its definition");
        seen++;
    }
    if (seen != nnames)
        disagree("/$defs/op", "allOf", "not one entry per operation");
    /* the error names */
    const char *en[32];
    for (size_t i = 0; i < nerr; i++)
        en[i] = errs[i].name;
    en[nerr] = NULL;
    if (!same_strings(pointer(root, "/$defs/op_result/enum"), en))
        disagree("/$defs/op_result", "enum", "another list of error names");
    /* the other objects */
    for (size_t i = 0; i < nsec; i++) {
        const cJSON *o = secs[i].schema[0] ? pointer(root, secs[i].schema) : root;
        check_object_schema(root, secs[i].schema[0] ? secs[i].schema : "(top)", deref(root, o),
                            secs[i].fields, NULL, NULL);
    }
    cJSON_Delete(root);
    if (schema_errors)
        print_error("%d disagreements between docs/scenario.schema.json and the table\n",
                    schema_errors);
    assert_int_equal(schema_errors, 0);
}

/* docs/scenario.schema.json's expect.paths names every path the tracer
 * measures (trc_path_name), and only those. */
static void the_schema_names_every_path(void **state)
{
    (void)state;
    cJSON *root = load_json("docs/scenario.schema.json");
    const char *names[TRC_PATH_COUNT + 1];
    for (unsigned i = 0; i < TRC_PATH_COUNT; i++)
        names[i] = trc_path_name(i);
    names[TRC_PATH_COUNT] = NULL;
    bool same =
        same_strings(pointer(root, "/$defs/expect/properties/paths/propertyNames/enum"), names);
    if (!same)
        print_error("docs/scenario.schema.json /$defs/expect/properties/paths: its enum is not "
                    "the tracer's paths (tracer/paths.c trc_path_name)\n");
    cJSON_Delete(root);
    assert_true(same);
}

/* How docs/scenarios.md writes a bound: 2^64-1, 10^12, 1 MiB, 256. */
static void fmt_num(uint64_t v, char *out, size_t n)
{
    uint64_t p = 1000000;
    int k = 6;
    while (p < v && p <= UINT64_MAX / 10)
        p *= 10, k++;
    if (v == UINT64_MAX)
        snprintf(out, n, "2^64-1");
    else if (v == INT64_MAX)
        snprintf(out, n, "2^63-1");
    else if (v == UINT32_MAX)
        snprintf(out, n, "2^32-1");
    else if (v == 1048576)
        snprintf(out, n, "1 MiB");
    else if (v == p)
        snprintf(out, n, "10^%d", k);
    else
        snprintf(out, n, "%llu", (unsigned long long)v);
}

/* The backticked words of `cell` (up to `end`), into words[] (at most 16,
 * each at most 31 characters); returns how many. */
static size_t backticked(const char *cell, const char *end, char words[][32], const char **at)
{
    size_t n = 0;
    for (const char *p = cell; p < end && n < 16;) {
        const char *a = memchr(p, '`', (size_t)(end - p));
        if (!a)
            break;
        const char *b = memchr(a + 1, '`', (size_t)(end - a - 1));
        if (!b)
            break;
        size_t len = (size_t)(b - a - 1) < 31 ? (size_t)(b - a - 1) : 31;
        memcpy(words[n], a + 1, len);
        words[n][len] = '\0';
        if (at)
            at[n] = b + 1;
        n++;
        p = b + 1;
    }
    return n;
}

/* docs/scenarios.md's table of operations lists every operation once with
 * exactly its fields, the integer fields with their ranges and defaults
 * written as the table has them; its error names are the table's. */
static void the_docs_agree_with_the_table(void **state)
{
    (void)state;
    char path[4096];
    size_t len;
    scn_test_repo_path("docs/scenarios.md", path, sizeof path);
    char *md = scn_test_slurp(path, &len);
    assert_non_null(md);
    size_t nops, nerr;
    const struct scn_op_spec *ops = scn_op_specs(&nops);
    const struct scn_error_name *errs = scn_error_names(&nerr);
    int errors = 0, *rows = calloc(nops, sizeof *rows);
    const char *table = strstr(md, "| op | fields | does |");
    assert_non_null(table);
    for (const char *line = strchr(table, '\n') + 1; strncmp(line, "|", 1) == 0;) {
        const char *eol = strchr(line, '\n');
        if (!eol)
            break;
        if (strncmp(line, "|---", 4) == 0) {
            line = eol + 1;
            continue;
        }
        /* | ops | fields | does |: no cell holds a '|' */
        const char *c1 = line + 1, *c2 = strchr(c1, '|'), *c3 = c2 ? strchr(c2 + 1, '|') : NULL;
        assert_true(c2 && c3 && c3 < eol);
        c2--; /* c2 + 3 is past "| " */
        char opw[16][32], fw[16][32];
        const char *after[16];
        size_t nop = backticked(c1, c2, opw, NULL), nf = backticked(c2 + 3, c3, fw, after);
        for (size_t k = 0; k < nop; k++) {
            size_t i = 0;
            while (i < nops && strcmp(ops[i].name, opw[k]) != 0)
                i++;
            if (i == nops) {
                print_error("docs/scenarios.md: operation `%s` is not in the table\n", opw[k]);
                errors++;
                continue;
            }
            rows[i]++;
            size_t nfields = 0;
            for (const struct scn_field *f = ops[i].fields; f->name; f++, nfields++) {
                size_t w = 0;
                while (w < nf && strcmp(fw[w], f->name) != 0)
                    w++;
                if (w == nf) {
                    print_error("docs/scenarios.md: `%s` lacks its field `%s`\n", ops[i].name,
                                f->name);
                    errors++;
                    continue;
                }
                const char *end = w + 1 < nf ? strchr(after[w], '`') : c3;
                char text[256], lo[32], hi[32], range[80], def[48];
                snprintf(text, sizeof text, "%.*s", (int)(end - after[w]), after[w]);
                if (f->kind == SCN_FIELD_UINT || f->kind == SCN_FIELD_POW2) {
                    fmt_num(f->min, lo, sizeof lo);
                    fmt_num(f->max, hi, sizeof hi);
                    snprintf(range, sizeof range, "%s..%s", lo, hi);
                    fmt_num(f->def, lo, sizeof lo);
                    snprintf(def, sizeof def, "default %s", lo);
                    if (!strstr(text, range) || (f->has_def && !strstr(text, def))) {
                        print_error("docs/scenarios.md: `%s`'s `%s` should say (%s%s%s): \"%s\"\n",
                                    ops[i].name, f->name, range, f->has_def ? ", " : "",
                                    f->has_def ? def : "", text);
                        errors++;
                    }
                }
                if (f->kind == SCN_FIELD_CAPS || f->kind == SCN_FIELD_AS_LIST) {
                    snprintf(range, sizeof range, "at most %llu", (unsigned long long)f->max);
                    if (!strstr(text, range)) {
                        print_error("docs/scenarios.md: `%s`'s `%s` should say \"%s\"\n",
                                    ops[i].name, f->name, range);
                        errors++;
                    }
                }
            }
            if (nf != nfields) {
                print_error("docs/scenarios.md: the row of `%s` names %zu fields, it has %zu\n",
                            ops[i].name, nf, nfields);
                errors++;
            }
        }
        line = eol + 1;
    }
    for (size_t i = 0; i < nops; i++)
        if (rows[i] != 1) {
            print_error("docs/scenarios.md: operation `%s` is in %d rows of the table\n",
                        ops[i].name, rows[i]);
            errors++;
        }
    /* Error names for `expect`: "a", "b", ... (up to the next blank line or "Without") */
    const char *en = strstr(md, "Error names for `expect`:");
    assert_non_null(en);
    const char *stop = strstr(en, "Without");
    assert_non_null(stop);
    size_t found = 0;
    for (const char *q = strchr(en, '"'); q && q < stop; q = strchr(q, '"')) {
        const char *e = strchr(q + 1, '"');
        assert_non_null(e);
        size_t i = 0;
        while (i < nerr && (strlen(errs[i].name) != (size_t)(e - q - 1) ||
                            strncmp(errs[i].name, q + 1, (size_t)(e - q - 1)) != 0))
            i++;
        if (i == nerr || i == 0) {
            print_error("docs/scenarios.md: error name %.*s is not in the table\n",
                        (int)(e - q + 1), q);
            errors++;
        }
        found++;
        q = e + 1;
    }
    if (found != nerr - 1) {
        print_error("docs/scenarios.md lists %zu error names, the table %zu\n", found, nerr - 1);
        errors++;
    }
    free(rows);
    free(md);
    assert_int_equal(errors, 0);
}

/* ---- the one table of operations ----------------------------------------- */

/* Every operation of abi/scenario_ops.h: its code, name and token. */
#define OP_ROW_(tok, json, ...) {SCN_OP_##tok, json, "SCN_OP_" #tok},
static const struct {
    int code;
    const char *name, *token;
} table_ops[] = {SCN_OPS(OP_ROW_)};
#undef OP_ROW_
#define NTABLE (sizeof table_ops / sizeof table_ops[0])

/* Writes an operation named `name` with every required field of `spec`
 * given a value it takes (handles: "h", a port the process holds) to
 * out[n]. */
static void minimal_op(const struct scn_op_spec *spec, char *out, size_t n)
{
    size_t k = (size_t)snprintf(out, n, "{\"op\": \"%s\"", spec->name);
    for (const struct scn_field *f = spec->fields; f->name && k < n; f++) {
        if (!f->required)
            continue;
        const char *v = "\"h\"";
        char num[32];
        if (f->kind == SCN_FIELD_UINT || f->kind == SCN_FIELD_POW2) {
            snprintf(num, sizeof num, "%llu", (unsigned long long)f->min);
            v = num;
        } else if (f->kind == SCN_FIELD_AS || f->kind == SCN_FIELD_AS_LIST) {
            v = "\"x\"";
        } else if (f->kind == SCN_FIELD_RIGHTS) {
            v = "[\"send\"]";
        } else if (f->kind == SCN_FIELD_BODY) {
            v = "[{\"op\": \"yield\"}]";
        }
        k += (size_t)snprintf(out + k, n - k, ", \"%s\": %s", f->name, v);
    }
    if (k < n)
        snprintf(out + k, n - k, "}");
}

/* The operations are numbered from 1 in the table's order, SCN_OP_LOOP_END
 * last; the compiler knows each by its name and compiles it to its code;
 * the runner has a case for each (guest-kernel/user/runner.c, where a
 * missing one is also a compile error: -Wswitch-enum); the schema's list
 * of operations and the docs name each. */
static void every_operation_of_the_table_is_known_everywhere(void **state)
{
    (void)state;
    size_t nspecs;
    const struct scn_op_spec *specs = scn_op_specs(&nspecs);
    assert_int_equal(nspecs, NTABLE);
    assert_int_equal(SCN_OP_LOOP_END, NTABLE + 1);
    assert_int_equal(SCN_OP_COUNT, NTABLE + 2);
    char path[4096], *runner, *md;
    size_t len;
    scn_test_repo_path("guest-kernel/user/runner.c", path, sizeof path);
    assert_non_null(runner = scn_test_slurp(path, &len));
    scn_test_repo_path("docs/scenarios.md", path, sizeof path);
    assert_non_null(md = scn_test_slurp(path, &len));
    cJSON *schema = load_json("docs/scenario.schema.json");
    const cJSON *names = pointer(schema, "/$defs/op/properties/op/enum");
    assert_non_null(strstr(runner, "#pragma GCC diagnostic error \"-Wswitch-enum\""));
    assert_non_null(strstr(runner, "case SCN_OP_LOOP_END:"));
    int errors = 0;
    for (size_t i = 0; i < NTABLE; i++) {
        const char *name = table_ops[i].name;
        if (table_ops[i].code != (int)i + 1) {
            print_error("%s is %d, not %zu\n", table_ops[i].token, table_ops[i].code, i + 1);
            errors++;
        }
        size_t k = 0;
        while (k < nspecs && strcmp(specs[k].name, name) != 0)
            k++;
        if (k == nspecs || specs[k].code != table_ops[i].code) {
            print_error("the compiler's table has no \"%s\" with code %d\n", name,
                        table_ops[i].code);
            errors++;
            continue;
        }
        /* it compiles, with its required fields, to its code */
        char op[512], text[1024], err[400];
        minimal_op(&specs[k], op, sizeof op);
        snprintf(text, sizeof text,
                 "{\"name\": \"t\", \"description\": \"d\", \"objects\": [{\"name\": \"h\", "
                 "\"type\": \"port\", \"owner\": \"p\"}], \"processes\": [{\"name\": \"p\", "
                 "\"program\": [%s]}]}",
                 op);
        struct scn s;
        if (scn_load_text("t.json", text, strlen(text), &s, err, sizeof err) != 0) {
            print_error("\"%s\" does not compile: %s\n", name, err);
            errors++;
        } else {
            if (s.entries[0].ops[0].code != table_ops[i].code) {
                print_error("\"%s\" compiles to code %u\n", name, s.entries[0].ops[0].code);
                errors++;
            }
            scn_free(&s);
        }
        char want[64];
        snprintf(want, sizeof want, "case %s:", table_ops[i].token);
        if (!strstr(runner, want)) {
            print_error("guest-kernel/user/runner.c has no \"%s\"\n", want);
            errors++;
        }
        snprintf(want, sizeof want, "| `%s` |", name);
        bool in_docs = strstr(md, want) != NULL;
        snprintf(want, sizeof want, "`%s` /", name);
        in_docs = in_docs || strstr(md, want);
        snprintf(want, sizeof want, "/ `%s` |", name);
        in_docs = in_docs || strstr(md, want);
        if (!in_docs) {
            print_error("docs/scenarios.md's table of operations has no `%s`\n", name);
            errors++;
        }
        bool listed = table_ops[i].code == SCN_OP_REPEAT; /* its own definitions, not listed */
        const cJSON *it;
        cJSON_ArrayForEach(it, names) listed =
            listed || (cJSON_IsString(it) && !strcmp(it->valuestring, name));
        if (!listed) {
            print_error("docs/scenario.schema.json's list of operations has no \"%s\"\n", name);
            errors++;
        }
    }
    cJSON_Delete(schema);
    free(md);
    free(runner);
    assert_int_equal(errors, 0);
}

/* call and reply carry the message registers: 64 bytes (IPC_INLINE_MAX),
 * and 65 is refused where it is written. */
static void a_call_carries_the_message_registers(void **state)
{
    (void)state;
    size_t nspecs;
    const struct scn_op_spec *specs = scn_op_specs(&nspecs);
    int found = 0;
    for (size_t k = 0; k < nspecs; k++)
        if (specs[k].code == SCN_OP_CALL || specs[k].code == SCN_OP_REPLY) {
            const struct scn_field *f = specs[k].fields;
            while (f->name && strcmp(f->name, "bytes") != 0)
                f++;
            assert_non_null(f->name);
            assert_int_equal(f->max, 64);
            found++;
        }
    assert_int_equal(found, 2);
    const char *text = "{\"name\": \"t\", \"description\": \"d\", \"objects\": [{\"name\": \"h\", "
                       "\"type\": \"port\", \"owner\": \"p\"}], \"processes\": [{\"name\": \"p\", "
                       "\"program\": [{\"op\": \"call\", \"port\": \"h\", \"bytes\": 65}]}]}";
    struct scn s;
    char err[400];
    assert_int_equal(scn_load_text("t.json", text, strlen(text), &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "processes[0].program[0].bytes: out of range [0, 64]"));
}

int main(int argc, char **argv)
{
    scn_test_args(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_schema_agrees_with_the_table),
        cmocka_unit_test(the_schema_names_every_path),
        cmocka_unit_test(the_docs_agree_with_the_table),
        cmocka_unit_test(every_operation_of_the_table_is_known_everywhere),
        cmocka_unit_test(a_call_carries_the_message_registers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
