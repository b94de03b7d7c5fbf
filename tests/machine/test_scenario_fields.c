/* tests/machine/test_scenario_fields.c: the typed fields of the scenario's
 * tables (machine/scenario_fields.c, through its private interface
 * machine/scenario_int.h): integers are read from the text, plain and in
 * their range, up to 2^64-1 exactly; powers of two, enums, names and rights
 * are checked; only a table's fields are taken, none twice, every required
 * one; and each refusal names its path, line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ipc/ipc.h"
#include "machine/scenario_int.h"

/* A text being read: its context, tree and error buffer. */
struct reading {
    char text[512];
    char err[400];
    struct scn_ctx c;
    cJSON *root;
};

/* Parses `json` (single quotes for double ones) into *r, as the loader
 * does before it reads fields; fails the test when it is not JSON. */
static void start(struct reading *r, const char *json)
{
    memset(r, 0, sizeof *r);
    snprintf(r->text, sizeof r->text, "%s", json);
    for (char *q = r->text; *q; q++)
        if (*q == '\'')
            *q = '"';
    r->c = (struct scn_ctx){.file = "t.json",
                            .text = r->text,
                            .len = strlen(r->text),
                            .err = r->err,
                            .errn = sizeof r->err,
                            .nul_at = SIZE_MAX};
    r->root = scn_json_parse(&r->c);
    if (!r->root)
        fail_msg("not JSON: %s", r->err);
    scn_json_mark_numbers(&r->c, r->root);
}

static void finish(struct reading *r)
{
    cJSON_Delete(r->root);
}

/* Reads integer field `name` (range [lo, hi], kind `kind`) of the top
 * object of `json`: returns whether it was taken, the value in *out and
 * the error in r->err. */
static bool read_int(struct reading *r, const char *json, enum scn_field_kind kind, uint64_t lo,
                     uint64_t hi, uint64_t *out)
{
    const struct scn_field f = {.name = "n", .kind = kind, .min = lo, .max = hi};
    start(r, json);
    bool ok = scn_get_field_uint(&r->c, r->root, &f, out);
    finish(r);
    return ok;
}

/* Integers come from the text: exact to 2^64-1, no fraction, no
 * exponent, no sign, in range; the error names the path and position. */
static void integers_are_read_from_the_text(void **state)
{
    (void)state;
    struct reading r;
    uint64_t v;
    assert_true(read_int(&r, "{'n': 18446744073709551615}", SCN_FIELD_UINT, 0, UINT64_MAX, &v));
    assert_true(v == UINT64_MAX);
    assert_true(read_int(&r, "{'n': 9007199254740993}", SCN_FIELD_UINT, 0, UINT64_MAX, &v));
    assert_true(v == 9007199254740993ULL); /* not rounded through a double */
    assert_false(read_int(&r, "{'n': 18446744073709551616}", SCN_FIELD_UINT, 0, UINT64_MAX, &v));
    assert_string_equal(r.err, "t.json:1:7: n: out of range [0, 18446744073709551615]");
    assert_false(read_int(&r, "{'n': 1e3}", SCN_FIELD_UINT, 0, 5000, &v));
    assert_string_equal(
        r.err, "t.json:1:7: n: must be an integer (written without a fraction or exponent)");
    assert_false(read_int(&r, "{\n  'n': -1}", SCN_FIELD_UINT, 0, 5, &v));
    assert_string_equal(r.err, "t.json:2:8: n: must not be negative");
    assert_false(read_int(&r, "{'n': 11}", SCN_FIELD_UINT, 1, 10, &v));
    assert_string_equal(r.err, "t.json:1:7: n: out of range [1, 10]");
    assert_false(read_int(&r, "{'n': '3'}", SCN_FIELD_UINT, 0, 5, &v));
    assert_string_equal(r.err, "t.json:1:7: n: must be an integer");
    /* absent: the default, or 0 without one */
    assert_true(read_int(&r, "{}", SCN_FIELD_UINT, 0, 5, &v));
    assert_true(v == 0);
}

static void a_power_of_two_is_checked(void **state)
{
    (void)state;
    struct reading r;
    uint64_t v;
    assert_true(read_int(&r, "{'n': 64}", SCN_FIELD_POW2, 2, 256, &v));
    assert_true(v == 64);
    assert_false(read_int(&r, "{'n': 48}", SCN_FIELD_POW2, 2, 256, &v));
    assert_string_equal(r.err, "t.json:1:7: n: must be a power of two");
}

/* Only the table's fields, none twice, every required one; enums name
 * their values; names are identifiers; rights are known and not repeated. */
static void fields_enums_names_and_rights(void **state)
{
    (void)state;
    static const char *const colours[] = {"red", "green", NULL};
    static const struct scn_field t[] = {
        {.name = "colour", .kind = SCN_FIELD_ENUM, .required = true, .values = colours},
        {.name = "who", .kind = SCN_FIELD_IDENT},
        {.name = "rights", .kind = SCN_FIELD_RIGHTS},
        {.name = NULL}};
    struct reading r;
    int e;
    const char *who;
    start(&r, "{'colour': 'green', 'who': 'w_1', 'rights': ['send', 'grant']}");
    assert_true(scn_check_fields(&r.c, r.root, t, NULL));
    assert_true(scn_get_enum(&r.c, r.root, t, "colour", &e));
    assert_int_equal(e, 1);
    assert_true(scn_get_ident(&r.c, r.root, "who", false, &who));
    assert_string_equal(who, "w_1");
    uint32_t rights;
    assert_true(scn_parse_rights(&r.c, cJSON_GetObjectItem(r.root, "rights"), &rights));
    assert_int_equal(rights, IPC_RIGHT_SEND | IPC_RIGHT_GRANT);
    finish(&r);

    start(&r, "{'colour': 'blue'}");
    assert_false(scn_get_enum(&r.c, r.root, t, "colour", &e));
    assert_string_equal(r.err, "t.json:1:12: colour: \"blue\" is not one of \"red\", \"green\"");
    finish(&r);
    start(&r, "{'colour': 'red', 'size': 1}");
    assert_false(scn_check_fields(&r.c, r.root, t, NULL));
    assert_string_equal(r.err, "t.json:1:19: size: unknown field \"size\"");
    finish(&r);
    start(&r, "{'who': 'x'}");
    assert_false(scn_check_fields(&r.c, r.root, t, NULL));
    assert_string_equal(r.err, "t.json:1:1: colour: missing");
    finish(&r);
    start(&r, "{'colour': 'red', 'colour': 'red'}");
    assert_false(scn_check_fields(&r.c, r.root, t, NULL));
    assert_string_equal(r.err, "t.json:1:19: colour: appears twice");
    finish(&r);
    start(&r, "{'who': '9lives'}");
    assert_false(scn_get_ident(&r.c, r.root, "who", false, &who));
    assert_string_equal(
        r.err, "t.json:1:9: who: \"9lives\" is not a name ([A-Za-z_][A-Za-z0-9_]*, at most 16)");
    finish(&r);
    start(&r, "{'rights': ['send', 'send']}");
    scn_push_key(&r.c, "rights");
    assert_false(scn_parse_rights(&r.c, cJSON_GetObjectItem(r.root, "rights"), &rights));
    assert_string_equal(r.err, "t.json:1:21: rights[1]: appears twice");
    finish(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_are_read_from_the_text),
        cmocka_unit_test(a_power_of_two_is_checked),
        cmocka_unit_test(fields_enums_names_and_rights),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
