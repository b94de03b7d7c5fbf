/* machine/scenario_fields.c: reading the typed fields of the scenario's
 * tables (machine/scenario.h struct scn_field): only the fields a table
 * names, none twice; integers read from the text itself (plain, in their
 * range, before they are converted); strings, names, enums and rights.
 * Each refusal names the path of what it refuses (scenario_json.c). */
#include <stdio.h>
#include <string.h>

#include "ipc/ipc.h"
#include "machine/scenario_int.h"

/* Returns field `name` of table `t`, or NULL. */
const struct scn_field *scn_field_in(const struct scn_field *t, const char *name)
{
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

/* Checks that `obj` (at the current path) is an object with only the
 * fields of table `t` (and the NULL-terminated `extra`, which may be
 * NULL), none twice, and every required one. */
bool scn_check_fields(struct scn_ctx *c, const cJSON *obj, const struct scn_field *t,
                      const char *const *extra)
{
    if (!cJSON_IsObject(obj))
        return scn_fail(c, "must be an object");
    for (const cJSON *it = obj->child; it; it = it->next) {
        bool known = scn_field_in(t, it->string) != NULL;
        for (size_t i = 0; !known && extra && extra[i]; i++)
            known = strcmp(extra[i], it->string) == 0;
        if (!known) {
            scn_push_key(c, it->string);
            return scn_fail_key(c, "unknown field \"%s\"", it->string);
        }
        if (!scn_not_repeated(c, obj, it))
            return false;
    }
    for (; t->name; t++)
        if (t->required && !cJSON_GetObjectItemCaseSensitive(obj, t->name)) {
            scn_push_key(c, t->name); /* located at the object that lacks it */
            return scn_fail(c, "missing");
        }
    return true;
}

/* Finds member `key` of `obj` for the get_* readers: *v is it, with `key`
 * pushed on the path, or NULL when it is absent and not `required`.
 * Returns false (with the error) when a required one is missing. */
static bool member(struct scn_ctx *c, const cJSON *obj, const char *key, bool required,
                   const cJSON **v)
{
    *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!*v && !required)
        return true;
    scn_push_key(c, key);
    return *v ? true : scn_fail(c, "missing");
}

/* Reads number `v` (at the current path) from the text, where
 * mark_numbers noted it: it must be written as a plain integer in
 * [min, max]. Nothing is converted before it is known to fit. */
bool scn_read_uint(struct scn_ctx *c, const cJSON *v, uint64_t min, uint64_t max, uint64_t *out)
{
    const char *t = c->text;
    size_t i = v->valueint >= 0 ? (size_t)v->valueint : SIZE_MAX, n = c->len;
    if (i >= n || !strchr("-0123456789", t[i]) || (i > 0 && !strchr(" \t\r\n:,[", t[i - 1])))
        i = scn_locate(c, c->ncomps, false); /* not marked: find it by its path */
    if (i >= n || (t[i] != '-' && (t[i] < '0' || t[i] > '9')))
        return scn_fail(c, "must be an integer");
    if (t[i] == '-')
        return scn_fail(c, "must not be negative");
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
        return scn_fail(c, "must be an integer (written without a fraction or exponent)");
    if (over || u < min || u > max)
        return scn_fail(c, "out of range [%llu, %llu]", (unsigned long long)min,
                        (unsigned long long)max);
    *out = u;
    return true;
}

/* Reads the integer at `key` of `obj` into *out: absent leaves `def`
 * (or fails when `required`); it must be a plain integer in [min, max]. */
static bool get_uint(struct scn_ctx *c, const cJSON *obj, const char *key, uint64_t min,
                     uint64_t max, bool required, uint64_t def, uint64_t *out)
{
    const cJSON *v;
    *out = def;
    if (!member(c, obj, key, required, &v))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsNumber(v))
        return scn_fail(c, "must be an integer");
    if (!scn_read_uint(c, v, min, max, out))
        return false;
    scn_pop(c);
    return true;
}

/* Reads integer field `f` (UINT or POW2) of `obj` into *out with its range
 * and default from the table (absent without a default: 0). */
bool scn_get_field_uint(struct scn_ctx *c, const cJSON *obj, const struct scn_field *f,
                        uint64_t *out)
{
    if (!get_uint(c, obj, f->name, f->min, f->max, f->required, f->has_def ? f->def : 0, out))
        return false;
    if (f->kind == SCN_FIELD_POW2 && cJSON_GetObjectItemCaseSensitive(obj, f->name) &&
        (*out & (*out - 1))) {
        scn_push_key(c, f->name);
        return scn_fail(c, "must be a power of two");
    }
    return true;
}

/* Reads field `name` of section table `t` from `obj`: see get_field_uint. */
bool scn_get_u(struct scn_ctx *c, const cJSON *obj, const struct scn_field *t, const char *name,
               uint64_t *out)
{
    const struct scn_field *f = scn_field_in(t, name);
    if (!f)
        return scn_fail(c, "(internal) no field \"%s\" in the table", name);
    return scn_get_field_uint(c, obj, f, out);
}

/* Reads the optional boolean at `key` of `obj` into *out (absent: false). */
bool scn_get_bool(struct scn_ctx *c, const cJSON *obj, const char *key, bool *out)
{
    const cJSON *v;
    *out = false;
    if (!member(c, obj, key, false, &v))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsBool(v))
        return scn_fail(c, "must be true or false");
    scn_pop(c);
    *out = cJSON_IsTrue(v);
    return true;
}

/* Reads the string at `key` of `obj` (NULL when absent and not required)
 * of minlen..maxlen bytes into *out. */
bool scn_get_string(struct scn_ctx *c, const cJSON *obj, const char *key, bool required,
                    size_t minlen, size_t maxlen, const char **out)
{
    const cJSON *v;
    *out = NULL;
    if (!member(c, obj, key, required, &v))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsString(v))
        return scn_fail(c, "must be a string");
    size_t len = strlen(v->valuestring);
    if (len > maxlen || len < minlen)
        return scn_fail(c, "must be %zu to %zu characters", minlen, maxlen);
    scn_pop(c);
    *out = v->valuestring;
    return true;
}

/* Reads STRING field `name` of section table `t` from `obj`. */
bool scn_get_s(struct scn_ctx *c, const cJSON *obj, const struct scn_field *t, const char *name,
               const char **out)
{
    const struct scn_field *f = scn_field_in(t, name);
    if (!f)
        return scn_fail(c, "(internal) no field \"%s\" in the table", name);
    return scn_get_string(c, obj, name, f->required, (size_t)f->min, (size_t)f->max, out);
}

/* Reads ENUM field `name` of table `t` from `obj`: *out is the index of its
 * value in the field's values, or -1 when absent. */
bool scn_get_enum(struct scn_ctx *c, const cJSON *obj, const struct scn_field *t, const char *name,
                  int *out)
{
    const struct scn_field *f = scn_field_in(t, name);
    const char *v;
    *out = -1;
    if (!f)
        return scn_fail(c, "(internal) no field \"%s\" in the table", name);
    if (!scn_get_string(c, obj, name, f->required, 0, SIZE_MAX, &v))
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
    scn_push_key(c, name);
    return scn_fail(c, "\"%s\" is not one of %s", v, list);
}

/* Returns whether s is a name: [A-Za-z_][A-Za-z0-9_]*, 1 to 16 characters. */
bool scn_is_ident(const char *s)
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
bool scn_get_ident(struct scn_ctx *c, const cJSON *obj, const char *key, bool required,
                   const char **out)
{
    if (!scn_get_string(c, obj, key, required, 1, 16, out))
        return false;
    if (*out && !scn_is_ident(*out)) {
        scn_push_key(c, key);
        return scn_fail(c, "\"%s\" is not a name ([A-Za-z_][A-Za-z0-9_]*, at most 16)", *out);
    }
    return true;
}

/* Reads the rights array `arr` (at the current path) into *rights. */
bool scn_parse_rights(struct scn_ctx *c, const cJSON *arr, uint32_t *rights)
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
        return scn_fail(
            c, "must be a non-empty array of \"send\", \"receive\", \"grant\", \"manage\"");
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        scn_push_index(c, i);
        size_t k = 0, n = sizeof names / sizeof names[0];
        while (cJSON_IsString(it) && k < n && strcmp(names[k].name, it->valuestring) != 0)
            k++;
        if (!cJSON_IsString(it) || k == n)
            return scn_fail(c, "not a right (\"send\", \"receive\", \"grant\", \"manage\")");
        if (*rights & names[k].bit)
            return scn_fail(c, "appears twice");
        *rights |= names[k].bit;
        scn_pop(c);
    }
    return true;
}
