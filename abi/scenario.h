/* abi/scenario.h: a compiled scenario, as the host writes it into
 * guest RAM (at MM_SCENARIO, boot-info's `scenario`) and the kernel and
 * the workload runner read it. Shared by host and guest: fixed-width
 * fields, offsets instead of pointers, little-endian. docs/scenarios.md
 * describes the JSON it is compiled from. */
#ifndef IPCEMU_ABI_SCENARIO_H
#define IPCEMU_ABI_SCENARIO_H

#include <stdint.h>

#include "abi/scenario_ops.h"

#define SCN_MAGIC 0x324e4353u       /* "SCN2" */
#define SCN_IMAGE_MAGIC 0x474d4953u /* "SIMG" */
#define SCN_MAX_PROCS 1000          /* processes, replicas counted */
#define SCN_MAX_OBJECTS 16384       /* objects created at start, replicas counted */
#define SCN_MAX_CAPS 16384          /* capabilities granted at start, replicas counted */
#define SCN_MAX_HANDLES 256         /* per process */
#define SCN_MAX_OPS 192             /* per process, compiled (a repeat takes two) */
#define SCN_MAX_STRINGS 1024        /* bytes of names per process */
#define SCN_MAX_DEPTH 8             /* repeat nesting */
#define SCN_MAX_SOCKETS 4           /* POSIX-shim sockets per process */
#define SCN_MAX_CHANS 2             /* channels per process */
#define SCN_NO_SLOT 0xffffu
#define SCN_EXPECT_ANY INT32_MIN /* the operation's result is not checked */
/* scn_op.expect for a value expectation: 1 + the byte offset (8-aligned)
 * of its struct scn_value in the process's strings. */
#define SCN_EXPECT_VALUE(off) ((int32_t)(off) + 1)
#define SCN_MAX_MSG_CAPS 4       /* capabilities a send carries (ipc/port.h IPC_MSG_CAPS) */
#define SCN_NO_SLOTS 0xffffffffu /* scn_op.x: no handle slot in any of its four bytes */

/* The kernel's tables (guest-kernel/kernel.h NPROC and KIPC_SLOTS,
 * kport.c KIPC_PORTS, knotif.c KIPC_NOTIFS, kname.c KIPC_NAMES, ktopic.c KIPC_TOPICS,
 * kregion.c KIPC_REGIONS and REGION_MAX_PAGES). The loader checks what a scenario creates at
 * start against them (what programs create later gets no_memory or
 * no_slot when a table is full); guest-kernel/scenario.c asserts the
 * ones it can see and tests/machine/test_scenario_load.c checks the others
 * against the kernel's sources. */
#define SCN_KERNEL_PROCS 1024
#define SCN_KERNEL_SLOTS 64 /* capabilities per process by default: its root CNode */
/* A process's "cap_slots" (scn_proc.cap_slots): up to 2^20 slots in CNodes
 * of 128 slots, one page each (guest-kernel/kipc.c KCNODE_SLOTS), from a
 * pool of SCN_KERNEL_CNODE_PAGES pages shared by every process. */
#define SCN_KERNEL_CAP_SLOTS_MAX 1048576
#define SCN_KERNEL_CNODE_SLOTS 128
#define SCN_KERNEL_CNODE_PAGES 4096
#define SCN_KERNEL_PORTS 16384
#define SCN_KERNEL_NOTIFS 1024
#define SCN_KERNEL_NAMES 32
#define SCN_KERNEL_TOPICS 16
#define SCN_KERNEL_REGIONS 1024
#define SCN_KERNEL_REGION_BYTES 65536 /* kregion.c: REGION_MAX_PAGES (16) pages of 4 KiB */

/* An operation whose result is not the one its "expect" names makes the
 * runner print one console line and exit with SCN_EXIT_EXPECT:
 *   "[runner] pid P: operation S returned R, expected E; iterations I1 I2 ...\n"
 * P is the process's pid, S the compiled operation's index in its
 * program, R and E results (0, or a negative ipc_err: the runner counts
 * any non-negative result as 0), and Ik the iteration (from 1) of each
 * repeat around the operation, outermost first ("iterations" and nothing
 * after it when there is none). An operation with a value expectation
 * (scn_op.expect > 0) prints its raw result as R (any 64-bit integer) and
 * scn_op.expect as E. The host (machine/scenario_check.c, scn_check) maps
 * S back to the operation's place in the scenario. */
#define SCN_FAIL_LINE "[runner] pid "
#define SCN_EXIT_EXPECT 100

/* The operations (abi/scenario_ops.h), numbered from 1; SCN_OP_LOOP_END,
 * which no scenario names, closes a repeat's body. scn_opcode_index_
 * only numbers them. */
#define SCN_OP_INDEX_(tok, ...) SCN_OPI_##tok,
#define SCN_OP_ENUM_(tok, ...) SCN_OP_##tok = SCN_OPI_##tok + 1,
enum scn_opcode_index_ { SCN_OPS(SCN_OP_INDEX_) SCN_OPI_LOOP_END };
/* clang-format off */
enum scn_opcode {
    SCN_OPS(SCN_OP_ENUM_)
    SCN_OP_LOOP_END = SCN_OPI_LOOP_END + 1 /* m = index of its SCN_OP_REPEAT */
};
/* clang-format on */
#undef SCN_OP_INDEX_
#undef SCN_OP_ENUM_
#define SCN_OP_COUNT (SCN_OP_LOOP_END + 1) /* opcodes are below it */

/* One operation (40 bytes). */
struct scn_op {
    uint16_t code;    /* enum scn_opcode */
    uint16_t a, b, c; /* handle slots, SCN_NO_SLOT when unused */
    uint32_t n, m;
    uint64_t v, w;
    int32_t expect; /* SCN_EXPECT_ANY, 0, a negative ipc_err, or SCN_EXPECT_VALUE */
    uint32_t x;     /* up to four handle slots, one a byte from the lowest (0xff past
                       the last: SCN_NO_SLOTS, none at all); b says how many when the
                       operation has a list; see abi/scenario_ops.h */
};

_Static_assert(sizeof(struct scn_op) == 40, "scn_op is an ABI");

/* A value expectation (docs/scenarios.md): it holds when the operation's
 * raw result r is not an error and lo <= r <= hi. It lives in the
 * process's strings, 8-aligned, at the offset scn_op.expect gives. */
struct scn_value {
    uint64_t lo, hi;
};
_Static_assert(sizeof(struct scn_value) == 16, "scn_value is an ABI");

/* A kernel object created at start in its owner's capability space. */
enum scn_object_type { SCN_OBJ_PORT = 1, SCN_OBJ_NOTIFICATION = 2 };

struct scn_object {
    uint16_t type;       /* enum scn_object_type */
    uint16_t owner;      /* process index */
    uint16_t owner_slot; /* the owner's handle slot for it */
    uint16_t reserved;
    uint32_t capacity; /* ports */
    uint32_t reserved2;
};

/* A capability granted at start: `from` gives `to` a copy of its handle
 * `from_slot` with `rights`, as `to`'s handle `to_slot`. Applied in order,
 * after the objects are created. */
struct scn_cap {
    uint16_t from, from_slot, to, to_slot;
    uint32_t rights; /* IPC_RIGHT_* */
    uint32_t reserved;
};

struct scn_proc {
    char name[16]; /* NUL-padded */
    uint32_t priority;
    uint32_t nops;
    uint32_t op_offset;  /* bytes from the blob's start to its ops */
    uint32_t str_offset; /* ... to its strings */
    uint32_t nstr;       /* bytes of strings */
    uint32_t cap_slots;  /* capability slots (0: SCN_KERNEL_SLOTS) */
    /* The core it runs on, modulo the cores the machine has (the kernel
     * wraps it; the host has checked that "core" itself is one of them):
     * "core", plus its replica number when the scenario gave "core". */
    uint32_t core;
    uint32_t reserved_core;
    /* A student's program (docs/scenarios.md, "Students' programs"): the
     * image the host loaded into a slot of the kernel's student area
     * (kernel.ld), [image_base, image_end), page-aligned: code and
     * read-only data below image_data, writable data from it. The process
     * starts at image_entry with the struct scn_image as its argument
     * (its strings: the names of its handles, a NUL after each, in slot
     * order). image_base 0: the process runs the workload runner. */
    uint64_t image_base, image_data, image_end, image_entry;
};
_Static_assert(sizeof(struct scn_proc) == 80, "scn_proc is an ABI");

/* The blob: this header, then struct scn_proc procs[nprocs], struct
 * scn_object objects[nobjects] and struct scn_cap caps[ncaps] at the
 * offsets given (8-byte aligned), then the programs' ops and strings
 * (replicas of one scenario process share theirs). */
struct scn_blob {
    uint32_t magic; /* SCN_MAGIC */
    uint32_t size;  /* bytes of the whole blob */
    uint32_t nprocs, nobjects, ncaps, reserved;
    uint32_t proc_offset, object_offset, cap_offset, reserved2;
};

/* What the kernel puts at the top of each scenario process's user stack
 * and hands to the runner as its argument: its handles (tokens; the
 * initial ones filled in, -1 for the rest), its ops, then its strings. */
struct scn_image {
    uint32_t magic; /* SCN_IMAGE_MAGIC */
    uint32_t nops;
    uint32_t nstr;
    uint32_t reserved;
    int64_t handles[SCN_MAX_HANDLES];
    /* struct scn_op ops[nops]; char strings[nstr]; */
};

#endif
