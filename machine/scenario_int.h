/* machine/scenario_int.h: what the files of the scenario loader share
 * (machine/scenario.h is the interface):
 *   scenario_json.c     the JSON text: UTF-8 and what cJSON lets through,
 *                       parsing, the path being read and errors located
 *                       at its line and column
 *   scenario_fields.c   typed fields of the table (integers from the text,
 *                       strings, names, enums, rights), each refused where
 *                       it is wrong
 *   scenario_compile.c  the operations (abi/scenario_ops.h) and programs
 *                       compiled into struct scn_op
 *   scenario_load.c     the sections (machine, processes, objects,
 *                       capabilities, expect), the blob, scn_load_*
 *   scenario_check.c    places of compiled operations and the run-time
 *                       check of expectations against a trace
 *   scenario_expr.c     expect.that (comparisons of a run's figures, of
 *                       one run or between named runs) and expect.order
 *                       (which process did something first): read and
 *                       checked
 * Nothing here is for other modules. */
#ifndef IPCEMU_MACHINE_SCENARIO_INT_H
#define IPCEMU_MACHINE_SCENARIO_INT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/scenario.h"

#define SCN_PATH_DEPTH 48
#define SCN_CYCLES_MAX 1000000000000ULL /* 10^12: timeouts, sleeps, limits, expectations */

/* ---- the fields of the tables (abi/scenario_ops.h names them) ----------- */

#define F_HANDLE(nm, to)                                                                           \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_HANDLE, .required = true, .dst = SCN_TO_##to                 \
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
        .dst = SCN_TO_##to                                                                         \
    }
#define F_NEED(nm, lo, hi, to)                                                                     \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_UINT, .required = true, .min = lo, .max = hi,                \
        .dst = SCN_TO_##to                                                                         \
    }
#define F_POW2(nm, lo, hi, d, to)                                                                  \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_POW2, .has_def = true, .min = lo, .max = hi, .def = d,       \
        .dst = SCN_TO_##to                                                                         \
    }
#define F_BOOL(nm, to)                                                                             \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_BOOL, .dst = SCN_TO_##to                                     \
    }
#define F_NAME(req)                                                                                \
    {                                                                                              \
        .name = "name", .kind = SCN_FIELD_STRING, .required = req, .min = 1, .max = 31,            \
        .dst = SCN_TO_M                                                                            \
    }
#define F_BYTES(hi) F_UINT("bytes", 0, hi, 8, N)
#define F_OPCODE F_UINT("opcode", 0, 63, 1, M)
#define F_TIMEOUT F_UINT("timeout", 0, SCN_CYCLES_MAX, 0, V)
#define F_CAPS                                                                                     \
    {                                                                                              \
        .name = "caps", .kind = SCN_FIELD_CAPS, .max = SCN_MAX_MSG_CAPS, .dst = SCN_TO_X           \
    }
#define F_PORT F_HANDLE("port", A)
#define F_RIGHTS(to)                                                                               \
    {                                                                                              \
        .name = "rights", .kind = SCN_FIELD_RIGHTS, .required = true, .dst = SCN_TO_##to           \
    }
#define F_OPCODES(to)                                                                              \
    {                                                                                              \
        .name = "opcodes", .kind = SCN_FIELD_OPCODES, .dst = SCN_TO_##to                           \
    }
#define F_BODY                                                                                     \
    {                                                                                              \
        .name = "body", .kind = SCN_FIELD_BODY, .required = true                                   \
    }
#define F_NONE F_END /* no field: the list ends at once */
#define F_END                                                                                      \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/* ---- reading the text (scenario_json.c) --------------------------------- */

/* A component of the path being read. */
struct scn_comp {
    const char *key; /* NULL: an array index */
    int index;
    int nth; /* a key: which of the members so named (a repeated one: 1) */
};

/* The text being loaded, the path being read and the first error. */
struct scn_ctx {
    const char *file, *text;
    size_t len;
    char *err;
    size_t errn;
    struct scn_comp comps[SCN_PATH_DEPTH];
    int ncomps;
    bool failed;
    size_t nul_at; /* where the first \u0000 inside a string is, or SIZE_MAX */
};

cJSON *scn_json_parse(struct scn_ctx *c);
bool scn_json_refuse_nul(struct scn_ctx *c, const cJSON *root);
void scn_json_mark_numbers(const struct scn_ctx *c, cJSON *root);
size_t scn_locate(const struct scn_ctx *c, int n, bool at_key);
bool scn_fail(struct scn_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool scn_fail_key(struct scn_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void scn_push_key(struct scn_ctx *c, const char *key);
void scn_push_index(struct scn_ctx *c, int index);
void scn_pop(struct scn_ctx *c);
bool scn_not_repeated(struct scn_ctx *c, const cJSON *obj, const cJSON *it);

/* ---- typed fields (scenario_fields.c) ------------------------------------ */

const struct scn_field *scn_field_in(const struct scn_field *t, const char *name);
bool scn_check_fields(struct scn_ctx *c, const cJSON *obj, const struct scn_field *t,
                      const char *const *extra);
bool scn_read_uint(struct scn_ctx *c, const cJSON *v, uint64_t min, uint64_t max, uint64_t *out);
bool scn_get_field_uint(struct scn_ctx *c, const cJSON *obj, const struct scn_field *f,
                        uint64_t *out);
bool scn_get_u(struct scn_ctx *c, const cJSON *obj, const struct scn_field *t, const char *name,
               uint64_t *out);
bool scn_get_bool(struct scn_ctx *c, const cJSON *obj, const char *key, bool *out);
bool scn_get_string(struct scn_ctx *c, const cJSON *obj, const char *key, bool required,
                    size_t minlen, size_t maxlen, const char **out);
bool scn_get_s(struct scn_ctx *c, const cJSON *obj, const struct scn_field *t, const char *name,
               const char **out);
bool scn_get_enum(struct scn_ctx *c, const cJSON *obj, const struct scn_field *t, const char *name,
                  int *out);
bool scn_is_ident(const char *s);
bool scn_get_ident(struct scn_ctx *c, const cJSON *obj, const char *key, bool required,
                   const char **out);
bool scn_parse_rights(struct scn_ctx *c, const cJSON *arr, uint32_t *rights);

/* ---- what is being built (scenario_compile.c, scenario_load.c) ----------- */

/* A handle name of a process and its slot. */
struct scn_handle {
    char name[17];
    uint16_t slot;
};

/* A program being compiled, with its process's handles and strings. */
struct scn_proc_build {
    struct scn_handle handles[SCN_MAX_HANDLES];
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
struct scn_build_entry {
    char name[17];
    uint32_t first, count; /* its processes: first .. first + count - 1 */
    uint32_t priority;
    uint32_t cap_slots; /* "cap_slots" */
    uint32_t core;      /* "core" */
    bool spread;        /* "core" given: replica k runs on core + k */
    struct scn_proc_build pb;
    char **sources; /* "source" (owned until emit hands them to the scn_entry) */
    unsigned nsources;
};

/* An element of "objects" (one object per replica of its owner). */
struct scn_objdecl {
    char name[17];
};

/* Everything read so far, until the blob is laid out (owned: scenario_load.c
 * frees it). */
struct scn_build {
    struct scn *s;
    struct scn_build_entry *entries;
    size_t nentries;
    struct scn_proc *procs; /* s->nprocs of them */
    struct scn_objdecl *objdecls;
    size_t nobjdecls;
    struct scn_object *objects;
    uint32_t nobjects, nnotifs;
    struct scn_cap *caps;
    uint32_t ncaps;
};

uint16_t scn_handle_find(const struct scn_proc_build *p, const char *name);
uint32_t scn_cnode_pages(uint32_t slots);
bool scn_handle_define(struct scn_ctx *c, struct scn_proc_build *p, const char *name,
                       uint16_t *slot);
bool scn_compile_ops(struct scn_ctx *c, struct scn_build *b, struct scn_proc_build *p,
                     const cJSON *arr, int depth);
/* scenario_source.c: reads process `p`'s "program" or "source" (exactly
 * one; `f` the "source" field) into e: a program is compiled, a student's
 * C files are resolved against scenario file `path`'s directory and the
 * process's strings become its handles' names (abi/scenario.h, scn_proc).
 * Returns false with the error. */
bool scn_load_program_or_source(struct scn_ctx *c, struct scn_build *b, struct scn_build_entry *e,
                                const cJSON *p, const struct scn_field *f, const char *path);

/* ---- comparisons and orders (scenario_expr.c) ----------------------------- */

/* Reads expect.that (`arr`, with "that" pushed) into b->s->expect; false
 * with the error. The runs must be read before. */
bool scn_load_thats(struct scn_ctx *c, struct scn_build *b, const cJSON *arr);
/* Reads expect.order (`arr`, with "order" pushed); false with the error. */
bool scn_load_orders(struct scn_ctx *c, struct scn_build *b, const cJSON *arr);

/* A growing array of checks (scenario_check.c). */
struct scn_checks {
    struct trc_check *v;
    size_t n, cap;
    bool oom;
};
struct trc_log;
/* Appends an empty check; returns it, or NULL when out of memory. */
struct trc_check *scn_checks_add(struct scn_checks *cs);
/* Appends a check with its texts (printf-style `got`). */
void scn_checks_row(struct scn_checks *cs, bool held, const char *path, const char *expected,
                    const char *got_fmt, ...) __attribute__((format(printf, 5, 6)));
/* Counts the checks of cs that did not hold, after `failed` failures
 * counted before (failed operations); returns the total, with *first the
 * first check of cs that did not hold (NULL: none) and " (and N more)" in
 * more[mn] when the total is above 1 (else ""). */
size_t scn_checks_failures(const struct scn_checks *cs, size_t failed,
                           const struct trc_check **first, char *more, size_t mn);
/* Adds a row per comparison of expect.that that reads only the run
 * checked (with `events` false, only those that need no trace event). */
void scn_check_thats(const struct scn *s, const struct trc_log *log, bool events, uint64_t cycles,
                     struct scn_checks *cs);
/* Adds a row per order of expect.order. */
void scn_check_orders(const struct scn *s, const struct trc_log *log, struct scn_checks *cs);

#endif
