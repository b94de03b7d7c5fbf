/* machine/scenario.h: loading JSON scenarios (docs/scenarios.md). The
 * loader checks everything before a machine starts and compiles the
 * processes' programs into the blob of abi/scenario.h, which the
 * kernel and the guest's workload runner execute. The operations come from
 * one table, abi/scenario_ops.h (scn_op_specs); scn_sections and
 * scn_error_names say which other fields, ranges and error names there
 * are: the loader reads scenarios with them, and
 * tests/machine/test_scenario_table.c checks docs/scenario.schema.json and
 * docs/scenarios.md against them. The loader's files: see
 * machine/scenario_int.h. */
#ifndef IPCEMU_MACHINE_SCENARIO_H
#define IPCEMU_MACHINE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/scenario.h"
#include "tracer/report.h"

/* The largest scenario file read. */
#define SCN_FILE_MAX (4u << 20)
#define SCN_MAX_PATH_EXPECTS 16
#define SCN_MAX_THATS 32  /* expect.that: comparisons */
#define SCN_MAX_ORDERS 16 /* expect.order: orders of events */
#define SCN_MAX_RUNS 8    /* "runs": named configurations */
#define SCN_TEXT_MAX 160  /* the longest comparison or order, in characters */

/* ---- the table ----------------------------------------------------------- */

enum scn_field_kind {
    SCN_FIELD_HANDLE,  /* a handle the operation uses (an identifier defined before) */
    SCN_FIELD_AS,      /* an identifier: a handle the operation (or grant) defines */
    SCN_FIELD_AS_LIST, /* an identifier, or an array of 1..SCN_MAX_MSG_CAPS of them */
    SCN_FIELD_IDENT,   /* an identifier naming a process or an object */
    SCN_FIELD_UINT,    /* an integer in [min, max] */
    SCN_FIELD_POW2,    /* a power of two in [min, max] */
    SCN_FIELD_BOOL,    /* true or false (default false) */
    SCN_FIELD_STRING,  /* a string of min..max characters */
    SCN_FIELD_ENUM,    /* one of `values` */
    SCN_FIELD_RIGHTS,  /* a non-empty array of "send", "receive", "grant", "manage" */
    SCN_FIELD_OPCODES, /* an array of opcodes 0..63 */
    SCN_FIELD_CAPS,    /* an array of at most SCN_MAX_MSG_CAPS handles */
    SCN_FIELD_BODY,    /* an array of operations (a program, a repeat's body) */
    SCN_FIELD_OBJECT,  /* an object described by its own section */
    SCN_FIELD_ARRAY,   /* an array of min..max objects of its own section */
    SCN_FIELD_MAP,     /* an object keyed by names, each value of its own section */
    SCN_FIELD_SOURCES, /* a C file's path, or an array of 1..max of them (scenario_source.c) */
};

/* Where an operation's field goes in its struct scn_op. */
enum scn_field_dst {
    SCN_TO_NONE,
    SCN_TO_A,
    SCN_TO_B,
    SCN_TO_C,
    SCN_TO_N,
    SCN_TO_M,
    SCN_TO_V,
    SCN_TO_W,
    SCN_TO_X
};

struct scn_field {
    const char *name; /* NULL after a table's last field */
    enum scn_field_kind kind;
    bool required;
    bool has_def;              /* UINT / POW2: `def` when absent (else "not given") */
    uint64_t min, max, def;    /* UINT, POW2, STRING (characters), ARRAY (items) */
    const char *const *values; /* ENUM: NULL-terminated */
    enum scn_field_dst dst;    /* operations: where it goes */
};

#define SCN_OP_MAX_FIELDS 6

/* An operation: its name, its compiled code and its fields (besides "op"
 * and "expect", which every operation but repeat takes). */
struct scn_op_spec {
    const char *name;
    uint16_t code; /* enum scn_opcode */
    struct scn_field fields[SCN_OP_MAX_FIELDS + 1];
};

/* A JSON object of a scenario other than an operation: `path` says where
 * ("" the top level, "limits", "objects[]", "expect.processes.*", ...),
 * `schema` its JSON pointer in docs/scenario.schema.json. */
struct scn_section {
    const char *path;
    const char *schema;
    const struct scn_field *fields; /* name NULL after the last */
};

/* "ok" or an error name an operation's "expect" takes, and its result. */
struct scn_error_name {
    const char *name;
    int32_t value; /* 0 or a negative ipc_err */
};

/* Each returns its table and its length in *n. */
const struct scn_op_spec *scn_op_specs(size_t *n);
const struct scn_section *scn_sections(size_t *n);
const struct scn_error_name *scn_error_names(size_t *n);
/* Returns the name of result `r` ("ok", "timeout", ...), or NULL when it
 * is no name of the table. */
const char *scn_error_name(int32_t r);

/* ---- a loaded scenario --------------------------------------------------- */

enum scn_msg_field {
    SCN_MSG_SENT,
    SCN_MSG_RECEIVED,
    SCN_MSG_FAST,
    SCN_MSG_SLOW,
    SCN_MSG_REFUSED,
    SCN_MSG_DROPPED,
    SCN_MSG_COUNT
};

struct scn_expect_path {
    char name[32];
    bool has_count, has_min, has_max;
    uint64_t count, min, max;
};

/* A key of expect.processes: a process (every replica of it) or one
 * replica, and what it must have become. */
struct scn_expect_key {
    char name[24];
    bool killed, blocked; /* else exited */
    int code;             /* exited: its exit code */
};

/* A quantity of a run that expect.that compares (machine/scenario_expr.c,
 * docs/scenarios.md "Comparisons"). */
enum scn_qty_kind {
    SCN_QTY_NUMBER, /* `factor` itself */
    SCN_QTY_PATH,   /* a statistic of a path: `id` the path, `stat` enum scn_stat */
    SCN_QTY_CACHE,  /* cap_cache.*: `id` 0 hits, 1 misses, 2 invalidations */
    SCN_QTY_MSG,    /* messages.*: `id` indexes scn_msg_counter_names */
    SCN_QTY_CYCLES, /* the run's cycles */
    SCN_QTY_PROC,   /* processes.NAME.*: `proc` the process, `id` indexes scn_proc_counter_names */
};

/* The statistics of a path ("count", "min", "median", "p99", "max", "mean"). */
enum scn_stat {
    SCN_STAT_COUNT,
    SCN_STAT_MIN,
    SCN_STAT_MEDIAN,
    SCN_STAT_P99,
    SCN_STAT_MAX,
    SCN_STAT_MEAN,
    SCN_STAT_N
};

struct scn_qty {
    enum scn_qty_kind kind;
    int run;       /* the index in `runs` of the run it is read from; -1: the run checked */
    unsigned id;   /* see enum scn_qty_kind */
    unsigned stat; /* SCN_QTY_PATH: enum scn_stat */
    uint32_t proc; /* SCN_QTY_PROC: the process (replicas counted) */
    double factor; /* "2 * X" multiplies X by 2 (1 when not written); the NUMBER itself */
};

/* The comparisons of expect.that, "<", "<=", ">", ">=", "==". */
enum scn_cmp { SCN_CMP_LT, SCN_CMP_LE, SCN_CMP_GT, SCN_CMP_GE, SCN_CMP_EQ };

/* An element of expect.that: "ipc.roundtrip.fast.median < ipc.roundtrip.slow.median". */
struct scn_that {
    char text[SCN_TEXT_MAX + 1]; /* as written */
    struct scn_qty q[2];         /* its left and right side */
    enum scn_cmp cmp;
    bool cross;  /* its sides name runs ("hot:..."): checked once every run is done */
    bool events; /* it reads the trace (not only numbers and cycles) */
};

/* What a process does first that expect.order compares: the verbs. */
enum scn_verb {
    SCN_VERB_RUNS,
    SCN_VERB_SENDS,
    SCN_VERB_RECEIVES,
    SCN_VERB_REPLIES,
    SCN_VERB_NOTIFIES,
    SCN_VERB_BLOCKS,
    SCN_VERB_EXITS,
    SCN_VERB_N
};

/* An element of expect.order: "server runs before spinner runs": the first
 * event of verb[0] by a process named who[0] (a process: any of its
 * replicas; or one replica) comes before the first of verb[1] by who[1]. */
struct scn_order {
    char text[SCN_TEXT_MAX + 1];
    char who[2][24];
    enum scn_verb verb[2];
};

/* A named configuration of "runs": settings over "machine" for one run of
 * the scenario ("" / 0 / false: as "machine" says). */
struct scn_run {
    char name[17];
    char arch[16];
    char cpu[64];
    uint32_t cap_cache;
    uint64_t quantum;
    bool exact_caches;
    uint32_t cores;        /* machine.cores, 0: not given */
    uint64_t core_quantum; /* machine.core_quantum, 0: not given */
};

/* What must hold at the end of a run. */
struct scn_expect {
    bool deadlock; /* the run must end in a deadlock */
    struct scn_expect_proc {
        bool killed;             /* else exited (or blocked) */
        bool blocked;            /* it must end blocked (in a deadlock) */
        int code;                /* exited: its exit code */
        int key;                 /* the key of `keys` that says so, -1: the default */
    } * procs;                   /* one per process (owned); default: exited with 0 */
    struct scn_expect_key *keys; /* owned, in the scenario's order */
    size_t nkeys;
    bool has_msg[SCN_MSG_COUNT];
    uint64_t msg[SCN_MSG_COUNT];
    struct scn_expect_path paths[SCN_MAX_PATH_EXPECTS];
    size_t npaths;
    bool has_cycles_min, has_cycles_max;
    uint64_t cycles_min, cycles_max;
    struct scn_that *thats; /* owned: expect.that, in order */
    size_t nthats;
    struct scn_order *orders; /* owned: expect.order, in order */
    size_t norders;
};

/* Where compiled operation `slot` of a program came from: the indices of
 * its place, processes[entry].program[idx[0]].body[idx[1]]... */
struct scn_place {
    uint16_t depth; /* indices in idx: 1 at the top of the program */
    uint16_t code;  /* enum scn_opcode (a SCN_OP_LOOP_END: its repeat's place) */
    uint32_t idx[SCN_MAX_DEPTH + 1];
};

/* An element of "processes": `count` processes from `first`, one program. */
struct scn_entry {
    char name[17];
    uint32_t first, count;
    uint32_t nops;
    struct scn_place *places; /* owned: one per compiled operation */
    const struct scn_op *ops; /* its compiled program, in the blob */
    /* A student's program instead ("source"): its C files, each path
     * relative to the scenario file's directory resolved against it
     * (owned); NULL when it runs a program. machine/student.h compiles them. */
    char **sources;
    unsigned nsources;
};

struct scn {
    char path[512]; /* the file it came from */
    char name[64];
    uint64_t seed;
    uint64_t max_cycles;               /* limits.max_cycles (default 2,000,000,000) */
    char arch[16];                     /* "" when not given */
    char cpu[64];                      /* "" when not given */
    uint32_t cap_cache;                /* 0: not given */
    uint64_t quantum;                  /* 0: not given */
    bool exact_caches;                 /* machine.exact_caches: simulate every data access */
    uint32_t cores;                    /* machine.cores (1..8), 0: not given */
    uint64_t core_quantum;             /* machine.core_quantum, 0: not given */
    struct scn_run runs[SCN_MAX_RUNS]; /* "runs", in order (none: one run as "machine" says) */
    size_t nruns;
    size_t nprocs;             /* processes, each replica counted */
    char (*proc_names)[17];    /* owned: replica i of "w" (count > 1) is "w.i" */
    struct scn_entry *entries; /* owned: the elements of "processes" */
    size_t nentries;
    struct scn_expect expect;
    char *source; /* owned: the JSON text it was loaded from (for traces) */
    size_t source_len;
    struct scn_blob *blob; /* owned: the compiled scenario */
    size_t blob_size;
};

/* Reads and checks a scenario file. Returns 0 and fills *s, or -1 with
 * one line "FILE:LINE:COL: JSONPATH: message" ("FILE:LINE:COL: message"
 * for JSON syntax errors) in err[errn]. */
int scn_load_file(const char *path, struct scn *s, char *err, size_t errn);
/* The same for text already in memory; `path` only names it. */
int scn_load_text(const char *path, const char *text, size_t len, struct scn *s, char *err,
                  size_t errn);
void scn_free(struct scn *s);

/* Writes the place in the scenario of compiled operation `slot` of
 * process `proc` ("processes[1].program[2].body[0]") to out[n]. Returns
 * the operation's name, or NULL (and writes "") when there is no such
 * process or slot. */
const char *scn_place_text(const struct scn *s, size_t proc, uint32_t slot, char *out, size_t n);

/* What scn_check found: every expectation of the scenario with what it
 * asked, what the run gave and whether it held, and every operation that
 * did not return the result its "expect" named. */
struct scn_verdict {
    struct trc_check *checks; /* owned, in the scenario's order */
    size_t nchecks;
    struct trc_check *failed_ops; /* owned, in the order the processes were created */
    size_t nfailed_ops;
};

struct trc_log;
/* Checks every expectation against a finished run (its log, clock and
 * the machine's outcome: "ok", "deadlock", "fault", "max_cycles" or
 * "expect_failed"), whatever that outcome, into *v (free it with
 * scn_verdict_free). Returns 0 when every one held and no operation
 * failed, or -1 with the first failure in why[n] (a failed operation
 * first: it explains the rest). */
int scn_check(const struct scn *s, const struct trc_log *log, uint64_t cycles, const char *outcome,
              struct scn_verdict *v, char *why, size_t n);
/* As scn_check, for a run whose trace has no kernel events (trace source
 * none, `--no-probes`): only the expectations that need none are checked
 * (the outcome, the cycles, the operations the runner reported failed);
 * those on processes, messages and paths are not, and are not in *v. */
int scn_check_no_events(const struct scn *s, const struct trc_log *log, uint64_t cycles,
                        const char *outcome, struct scn_verdict *v, char *why, size_t n);
void scn_verdict_free(struct scn_verdict *v);

/* The values of a scenario's cross-run comparisons (expect.that entries
 * that name runs), taken from each run as it ends. */
struct scn_snap {
    double v[SCN_MAX_THATS][2];
    bool have[SCN_MAX_THATS][2];  /* the side was read (its run ran) */
    bool undef[SCN_MAX_THATS][2]; /* ... and had no value (a path without spans) */
    bool ran[SCN_MAX_RUNS];       /* which runs ended */
};
/* Reads, into *snap, every side of a cross-run comparison that names run
 * `run` (an index in s->runs) from that finished run (its log and cycles).
 * Returns nothing. */
void scn_snap_take(const struct scn *s, size_t run, const struct trc_log *log, uint64_t cycles,
                   struct scn_snap *snap);
/* Checks the cross-run comparisons against *snap into *v (free it with
 * scn_verdict_free); one whose runs did not all run is not checked (and
 * not in *v). Returns 0 when every one checked held, or -1 with the first
 * failure in why[n]. */
int scn_check_runs(const struct scn *s, const struct scn_snap *snap, struct scn_verdict *v,
                   char *why, size_t n);
/* Returns the names of the statistics, messages counters and process
 * counters comparisons read (each NULL-terminated). */
const char *const *scn_stat_names(void);
const char *const *scn_msg_counter_names(void);
const char *const *scn_proc_counter_names(void);
const char *const *scn_verb_names(void);

/* Returns "sent", "received", "fast_path", "slow_path", "refused". */
const char *scn_msg_field_name(enum scn_msg_field f);

#endif
