/* machine/scenario.h: loading JSON scenarios (docs/scenarios.md). The
 * loader checks everything before a machine starts and compiles the
 * processes' programs into the blob of machine/scenario_abi.h, which the
 * kernel and the guest's workload runner execute. */
#ifndef IPCEMU_MACHINE_SCENARIO_H
#define IPCEMU_MACHINE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/scenario_abi.h"

#define SCN_MAX_PATH_EXPECTS 16

enum scn_msg_field {
    SCN_MSG_SENT,
    SCN_MSG_RECEIVED,
    SCN_MSG_FAST,
    SCN_MSG_SLOW,
    SCN_MSG_REFUSED,
    SCN_MSG_COUNT
};

struct scn_expect_path {
    char name[32];
    bool has_count, has_min, has_max;
    uint64_t count, min, max;
};

/* What must hold at the end of a run. */
struct scn_expect {
    bool deadlock; /* the run must end in a deadlock (outcome "deadlock", exit 1) */
    struct scn_expect_proc {
        bool killed; /* else exited */
        int code;    /* exited: its exit code */
    } * procs;       /* one per process (owned); default: exited with 0 */
    bool has_msg[SCN_MSG_COUNT];
    uint64_t msg[SCN_MSG_COUNT];
    struct scn_expect_path paths[SCN_MAX_PATH_EXPECTS];
    size_t npaths;
    bool has_cycles_min, has_cycles_max;
    uint64_t cycles_min, cycles_max;
};

struct scn {
    char path[512]; /* the file it came from */
    char name[64];
    uint64_t seed;
    uint64_t max_cycles;    /* 0: not given */
    char arch[16];          /* "" when not given */
    char cpu[64];           /* "" when not given */
    uint32_t cap_cache;     /* 0: not given */
    uint64_t quantum;       /* 0: not given */
    bool exact_caches;      /* machine.exact_caches: simulate every data access */
    size_t nprocs;          /* processes, each replica counted */
    char (*proc_names)[17]; /* owned: replica i of "w" (count > 1) is "w.i" */
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

struct trc_log;
/* Checks the expectations against a finished run (its log and clock).
 * Returns 0, or -1 with the first one that failed in why[n]. */
int scn_check(const struct scn *s, const struct trc_log *log, uint64_t cycles, char *why, size_t n);

/* Returns "sent", "received", "fast_path", "slow_path", "refused". */
const char *scn_msg_field_name(enum scn_msg_field f);

#endif
