/* machine/scenario_load.c: loading a scenario. The sections of a
 * scenario other than its operations (the top level, limits, machine,
 * objects, capabilities, processes, expect) have their tables here; each
 * is read with them (scenario_fields.c), the programs are compiled
 * (scenario_compile.c), and everything is laid out as the blob of
 * abi/scenario.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/memmap.h"
#include "machine/scenario_int.h"
#include "tracer/trace.h"

_Static_assert(SCN_MAX_HANDLES <= 0x100, "a handle slot fits a byte of scn_op.x");
_Static_assert(SCN_MAX_PROCS <= SCN_KERNEL_PROCS, "every process has a process slot");
_Static_assert(SCN_MAX_OBJECTS <= SCN_KERNEL_PORTS, "every object at start can be a port");

/* ---- the sections -------------------------------------------------------- */

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
#define F_LIST(nm, hi)                                                                             \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_ARRAY, .min = 1, .max = hi                                   \
    }
#define F_COUNT(nm, lo)                                                                            \
    {                                                                                              \
        .name = nm, .kind = SCN_FIELD_UINT, .min = lo, .max = SCN_CYCLES_MAX                       \
    }

static const struct scn_field top_fields[] = {
    {.name = "name", .kind = SCN_FIELD_STRING, .required = true, .min = 1, .max = 63},
    {.name = "description", .kind = SCN_FIELD_STRING, .required = true, .min = 1, .max = 100000},
    F_UINT("seed", 0, INT64_MAX, 1, NONE),
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
    F_MAP("runs"),
    F_END};
static const struct scn_field limits_fields[] = {
    F_UINT("max_cycles", 1, SCN_CYCLES_MAX, 2000000000ULL, NONE), F_END};
static const struct scn_field machine_fields[] = {
    F_ENUM("arch", false, arch_values),
    {.name = "cpu", .kind = SCN_FIELD_STRING, .min = 1, .max = 63},
    {.name = "cap_cache", .kind = SCN_FIELD_POW2, .min = 1, .max = 65536},
    {.name = "quantum", .kind = SCN_FIELD_UINT, .min = 1000, .max = 1000000000ULL},
    F_BOOL("exact_caches", NONE),
    {.name = "cores", .kind = SCN_FIELD_UINT, .min = 1, .max = 8},
    {.name = "core_quantum", .kind = SCN_FIELD_UINT, .min = 100, .max = 100000000ULL},
    F_END};
static const struct scn_field object_fields[] = {
    F_IDENT("name", true), F_ENUM("type", true, object_types), F_IDENT("owner", true),
    F_UINT("capacity", 1, 64, 8, NONE), F_END};
static const struct scn_field cap_fields[] = {
    F_IDENT("from", true),
    F_IDENT("object", true),
    F_IDENT("to", true),
    {.name = "rights", .kind = SCN_FIELD_RIGHTS, .required = true},
    {.name = "as", .kind = SCN_FIELD_AS},
    F_UINT("shift", 0, SCN_MAX_PROCS - 1, 0, NONE),
    F_END};
static const struct scn_field process_fields[] = {
    F_IDENT("name", true),
    F_UINT("priority", 0, 7, 1, NONE),
    F_UINT("count", 1, SCN_MAX_PROCS, 1, NONE),
    F_UINT("core", 0, 7, 0, NONE),
    F_UINT("cap_slots", SCN_KERNEL_SLOTS, SCN_KERNEL_CAP_SLOTS_MAX, SCN_KERNEL_SLOTS, NONE),
    {.name = "program", .kind = SCN_FIELD_BODY},
    {.name = "source", .kind = SCN_FIELD_SOURCES, .min = 1, .max = 8},
    F_END};
static const struct scn_field expect_fields[] = {F_ENUM("outcome", false, outcome_values),
                                                 F_MAP("processes"),
                                                 F_OBJECT("messages"),
                                                 F_MAP("paths"),
                                                 F_OBJECT("cycles"),
                                                 F_LIST("that", SCN_MAX_THATS),
                                                 F_LIST("order", SCN_MAX_ORDERS),
                                                 F_END};
static const struct scn_field expect_proc_fields[] = {F_ENUM("state", true, state_values),
                                                      F_UINT("code", 0, 255, 0, NONE), F_END};
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
    {"runs.*", "/$defs/run", machine_fields},
    {"objects[]", "/$defs/object", object_fields},
    {"capabilities[]", "/$defs/capability", cap_fields},
    {"processes[]", "/$defs/process", process_fields},
    {"expect", "/$defs/expect", expect_fields},
    {"expect.processes.*", "/$defs/process_expect", expect_proc_fields},
    {"expect.messages", "/$defs/expect/properties/messages", messages_fields},
    {"expect.paths.*", "/$defs/expect/properties/paths/additionalProperties", path_fields},
    {"expect.cycles", "/$defs/expect/properties/cycles", cycles_fields},
};

const struct scn_section *scn_sections(size_t *n)
{
    *n = sizeof sections / sizeof sections[0];
    return sections;
}

static void build_free(struct scn_build *b)
{
    if (!b)
        return;
    for (size_t i = 0; b->entries && i < b->nentries; i++) {
        for (unsigned k = 0; k < b->entries[i].nsources; k++)
            free(b->entries[i].sources ? b->entries[i].sources[k] : NULL);
        free(b->entries[i].sources);
    }
    free(b->entries);
    free(b->procs);
    free(b->objdecls);
    free(b->objects);
    free(b->caps);
    free(b);
}

/* The element of "processes" named `name`, or -1. */
static int entry_index(const struct scn_build *b, const char *name)
{
    for (size_t i = 0; i < b->nentries; i++)
        if (strcmp(b->entries[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The element of "objects" named `name`, or -1. */
static int object_index(const struct scn_build *b, const char *name)
{
    for (size_t i = 0; i < b->nobjdecls; i++)
        if (strcmp(b->objdecls[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---- the top level ------------------------------------------------------- */

/* Reads the machine settings of object `m` (at the current path:
 * "machine" or a run of "runs") into *r; false with the error. */
static bool read_settings(struct scn_ctx *c, const cJSON *m, struct scn_run *r)
{
    const char *cpu;
    int arch;
    uint64_t u;
    if (!scn_check_fields(c, m, machine_fields, NULL) ||
        !scn_get_enum(c, m, machine_fields, "arch", &arch) ||
        !scn_get_s(c, m, machine_fields, "cpu", &cpu))
        return false;
    snprintf(r->arch, sizeof r->arch, "%s", arch >= 0 ? arch_values[arch] : "");
    snprintf(r->cpu, sizeof r->cpu, "%s", cpu ? cpu : "");
    if (!scn_get_u(c, m, machine_fields, "cap_cache", &u))
        return false;
    r->cap_cache = (uint32_t)u;
    if (!scn_get_u(c, m, machine_fields, "cores", &u))
        return false;
    r->cores = (uint32_t)u;
    return scn_get_u(c, m, machine_fields, "core_quantum", &r->core_quantum) &&
           scn_get_u(c, m, machine_fields, "quantum", &r->quantum) &&
           scn_get_bool(c, m, "exact_caches", &r->exact_caches);
}

/* Reads "machine" into s; false with the error when it is wrong. */
static bool load_machine(struct scn_ctx *c, struct scn *s, const cJSON *root)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "machine");
    if (!m)
        return true;
    scn_push_key(c, "machine");
    struct scn_run r = {0};
    if (!read_settings(c, m, &r))
        return false;
    snprintf(s->arch, sizeof s->arch, "%s", r.arch);
    snprintf(s->cpu, sizeof s->cpu, "%s", r.cpu);
    s->cap_cache = r.cap_cache;
    s->quantum = r.quantum;
    s->exact_caches = r.exact_caches;
    s->cores = r.cores;
    s->core_quantum = r.core_quantum;
    scn_pop(c);
    return true;
}

/* Reads "runs": named configurations, each a "machine" of its own; false
 * with the error. */
static bool load_runs(struct scn_ctx *c, struct scn *s, const cJSON *root)
{
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(root, "runs");
    if (!runs)
        return true;
    scn_push_key(c, "runs");
    if (!cJSON_IsObject(runs) || !runs->child)
        return scn_fail(c, "must be an object naming at least one run");
    for (const cJSON *it = runs->child; it; it = it->next) {
        if (!scn_not_repeated(c, runs, it))
            return false;
        scn_push_key(c, it->string);
        if (!scn_is_ident(it->string))
            return scn_fail_key(c, "a run's name is an identifier ([A-Za-z_][A-Za-z0-9_]{0,15})");
        if (s->nruns == SCN_MAX_RUNS)
            return scn_fail_key(c, "more than %d runs", SCN_MAX_RUNS);
        struct scn_run *r = &s->runs[s->nruns];
        if (!read_settings(c, it, r))
            return false;
        snprintf(r->name, sizeof r->name, "%s", it->string);
        s->nruns++;
        scn_pop(c);
    }
    scn_pop(c);
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
static bool get_array(struct scn_ctx *c, const cJSON *root, const char *key, const cJSON **out)
{
    const struct scn_field *f = scn_field_in(top_fields, key);
    *out = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!*out)
        return true;
    scn_push_key(c, key);
    if (!cJSON_IsArray(*out) || (f->min && cJSON_GetArraySize(*out) == 0))
        return scn_fail(c, f->min ? "must be a non-empty array" : "must be an array");
    if ((uint64_t)cJSON_GetArraySize(*out) > f->max)
        return scn_fail(c, "more than %llu %s", (unsigned long long)f->max, key);
    return true;
}

/* Reads "processes" (names, priorities, replicas; the programs come
 * later) and names every process; false with the error. */
/* Returns how many pages of the kernel's CNode pool a process with
 * `slots` capability slots takes (guest-kernel/kipc.c kipc_cspace_size):
 * none up to its root's SCN_KERNEL_SLOTS, else a page per leaf CNode of
 * SCN_KERNEL_CNODE_SLOTS and, past SCN_KERNEL_SLOTS leaves, a page per
 * interior CNode over them. */
uint32_t scn_cnode_pages(uint32_t slots)
{
    if (slots <= SCN_KERNEL_SLOTS)
        return 0;
    uint32_t leaves = (slots + SCN_KERNEL_CNODE_SLOTS - 1) / SCN_KERNEL_CNODE_SLOTS;
    uint32_t mids = leaves > SCN_KERNEL_SLOTS
                        ? (leaves + SCN_KERNEL_CNODE_SLOTS - 1) / SCN_KERNEL_CNODE_SLOTS
                        : 0;
    return leaves + mids;
}

static bool load_processes(struct scn_ctx *c, struct scn_build *b, const cJSON *root)
{
    const cJSON *procs;
    if (!get_array(c, root, "processes", &procs))
        return false;
    if (!procs) {
        scn_push_key(c, "processes");
        return scn_fail(c, "missing");
    }
    size_t n = (size_t)cJSON_GetArraySize(procs);
    if (!(b->entries = calloc(n, sizeof *b->entries)))
        return scn_fail(c, "out of memory");
    uint32_t total = 0;
    uint64_t cnode_pages = 0;
    int i = 0;
    for (const cJSON *p = procs->child; p; p = p->next, i++) {
        scn_push_index(c, i);
        const char *name;
        uint64_t prio, count, slots, core;
        if (!scn_check_fields(c, p, process_fields, NULL) ||
            !scn_get_ident(c, p, "name", true, &name) ||
            !scn_get_u(c, p, process_fields, "priority", &prio) ||
            !scn_get_u(c, p, process_fields, "count", &count) ||
            !scn_get_u(c, p, process_fields, "core", &core) ||
            !scn_get_u(c, p, process_fields, "cap_slots", &slots))
            return false;
        if (entry_index(b, name) >= 0) {
            scn_push_key(c, "name");
            return scn_fail(c, "a second process named \"%s\"", name);
        }
        if (count > 1 && strlen(name) + 1 + digits((uint32_t)count - 1) > 16) {
            scn_push_key(c, "name");
            return scn_fail(c,
                            "too long for %llu replicas: \"%s.%llu\" would be over 16 characters",
                            (unsigned long long)count, name, (unsigned long long)count - 1);
        }
        if (total + count > SCN_MAX_PROCS) {
            scn_push_key(c, "count");
            return scn_fail(c, "more than %d processes in all", SCN_MAX_PROCS);
        }
        if (cnode_pages + count * scn_cnode_pages((uint32_t)slots) > SCN_KERNEL_CNODE_PAGES) {
            scn_push_key(c, "cap_slots");
            return scn_fail(c,
                            "the kernel's CNodes are used up: %d pages of %d slots for every "
                            "process together, %llu already taken",
                            SCN_KERNEL_CNODE_PAGES, SCN_KERNEL_CNODE_SLOTS,
                            (unsigned long long)cnode_pages);
        }
        cnode_pages += count * scn_cnode_pages((uint32_t)slots);
        struct scn_build_entry *e = &b->entries[b->nentries++];
        snprintf(e->name, sizeof e->name, "%s", name);
        e->cap_slots = (uint32_t)slots;
        e->first = total;
        e->count = (uint32_t)count;
        e->priority = (uint32_t)prio;
        e->core = (uint32_t)core;
        e->spread = cJSON_GetObjectItemCaseSensitive(p, "core") != NULL;
        total += (uint32_t)count;
        scn_pop(c);
    }
    struct scn *s = b->s;
    s->proc_names = calloc(total, sizeof *s->proc_names);
    s->expect.procs = calloc(total, sizeof *s->expect.procs);
    b->procs = calloc(total, sizeof *b->procs);
    if (!s->proc_names || !s->expect.procs || !b->procs)
        return scn_fail(c, "out of memory");
    for (size_t i = 0; i < b->nentries; i++) {
        const struct scn_build_entry *e = &b->entries[i];
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
            sp->cap_slots = e->cap_slots;
            sp->core = e->core + (e->spread ? k : 0); /* round the cores from "core" */
            s->expect.procs[e->first + k].key = -1;
        }
    }
    s->nprocs = total;
    scn_pop(c);
    return true;
}

/* Reads "objects": one per replica of its owner, within the kernel's
 * tables; false with the error. */
static bool load_objects(struct scn_ctx *c, struct scn_build *b, const cJSON *root)
{
    const cJSON *objs;
    if (!get_array(c, root, "objects", &objs) || !objs)
        return !c->failed;
    size_t n = (size_t)cJSON_GetArraySize(objs);
    b->objdecls = calloc(n ? n : 1, sizeof *b->objdecls);
    b->objects = calloc(SCN_MAX_OBJECTS, sizeof *b->objects);
    if (!b->objdecls || !b->objects)
        return scn_fail(c, "out of memory");
    int i = 0;
    for (const cJSON *o = objs->child; o; o = o->next, i++) {
        scn_push_index(c, i);
        const char *name, *owner;
        int type;
        uint64_t cap;
        if (!scn_check_fields(c, o, object_fields, NULL) ||
            !scn_get_ident(c, o, "name", true, &name) ||
            !scn_get_enum(c, o, object_fields, "type", &type) ||
            !scn_get_ident(c, o, "owner", true, &owner) ||
            !scn_get_u(c, o, object_fields, "capacity", &cap))
            return false;
        bool port = type == 0;
        if (!port && cJSON_GetObjectItemCaseSensitive(o, "capacity")) {
            scn_push_key(c, "capacity");
            return scn_fail(c, "only ports have a capacity");
        }
        if (object_index(b, name) >= 0 || entry_index(b, name) >= 0) {
            scn_push_key(c, "name");
            return scn_fail(c, "the name \"%s\" is taken", name);
        }
        int ow = entry_index(b, owner);
        if (ow < 0) {
            scn_push_key(c, "owner");
            return scn_fail(c, "no process named \"%s\"", owner);
        }
        const struct scn_build_entry *e = &b->entries[ow];
        if (b->nobjects + e->count > SCN_MAX_OBJECTS) {
            scn_push_key(c, "owner");
            return scn_fail(c, "more than %d objects in all (one per replica of the owner)",
                            SCN_MAX_OBJECTS);
        }
        if (!port && b->nnotifs + e->count > SCN_KERNEL_NOTIFS) {
            scn_push_key(c, "owner");
            return scn_fail(c,
                            "more than %d notifications in all (one per replica of the owner): the "
                            "kernel holds %d",
                            SCN_KERNEL_NOTIFS, SCN_KERNEL_NOTIFS);
        }
        uint16_t slot;
        scn_push_key(c, "name");
        if (!scn_handle_define(c, &b->entries[ow].pb, name, &slot))
            return false;
        scn_pop(c);
        for (uint32_t k = 0; k < e->count; k++)
            b->objects[b->nobjects++] =
                (struct scn_object){.type = port ? SCN_OBJ_PORT : SCN_OBJ_NOTIFICATION,
                                    .owner = (uint16_t)(e->first + k),
                                    .owner_slot = slot,
                                    .capacity = (uint32_t)cap};
        if (!port)
            b->nnotifs += e->count;
        snprintf(b->objdecls[b->nobjdecls++].name, sizeof b->objdecls[0].name, "%s", name);
        scn_pop(c);
    }
    scn_pop(c);
    return true;
}

/* Reads "capabilities" (grants at start, pairwise between replicas);
 * false with the error. */
static bool load_caps(struct scn_ctx *c, struct scn_build *b, const cJSON *root)
{
    const cJSON *caps;
    if (!get_array(c, root, "capabilities", &caps) || !caps)
        return !c->failed;
    if (!(b->caps = calloc(SCN_MAX_CAPS, sizeof *b->caps)))
        return scn_fail(c, "out of memory");
    int i = 0;
    for (const cJSON *g = caps->child; g; g = g->next, i++) {
        scn_push_index(c, i);
        const char *from, *object, *to, *as;
        uint64_t shift;
        if (!scn_check_fields(c, g, cap_fields, NULL) ||
            !scn_get_ident(c, g, "from", true, &from) ||
            !scn_get_ident(c, g, "object", true, &object) ||
            !scn_get_ident(c, g, "to", true, &to) || !scn_get_ident(c, g, "as", false, &as) ||
            !scn_get_u(c, g, cap_fields, "shift", &shift))
            return false;
        int f = entry_index(b, from), t = entry_index(b, to);
        if (f < 0 || t < 0) {
            scn_push_key(c, f < 0 ? "from" : "to");
            return scn_fail(c, "no process named \"%s\"", f < 0 ? from : to);
        }
        if (object_index(b, object) < 0) {
            scn_push_key(c, "object");
            return scn_fail(c, "no object named \"%s\"", object);
        }
        struct scn_build_entry *ef = &b->entries[f], *et = &b->entries[t];
        uint16_t fs = scn_handle_find(&ef->pb, object), ts;
        if (fs == SCN_NO_SLOT) {
            scn_push_key(c, "from");
            return scn_fail(c, "\"%s\" does not hold \"%s\" (yet)", from, object);
        }
        /* From one process to each replica of `to`, or from replica i of
         * `from` to replica (i + shift) mod count of `to`. */
        bool pairwise = ef->count > 1;
        if (pairwise && et->count != ef->count) {
            scn_push_key(c, "to");
            return scn_fail(
                c,
                "\"%s\" has %u replicas and \"%s\" %u: replicas grant pairwise, so give "
                "both the same count (or grant from a single process)",
                from, ef->count, to, et->count);
        }
        if (cJSON_GetObjectItemCaseSensitive(g, "shift") && (!pairwise || shift >= et->count)) {
            scn_push_key(c, "shift");
            return scn_fail(c,
                            pairwise ? "must be below the number of replicas (%u)"
                                     : "only for grants between replicated processes (count > 1)",
                            et->count);
        }
        if (f == t && (!pairwise || shift == 0)) {
            scn_push_key(c, "to");
            return scn_fail(c, "a process cannot grant itself a capability%s",
                            pairwise ? " (give a non-zero \"shift\")" : "");
        }
        uint32_t rights;
        scn_push_key(c, "rights");
        if (!scn_parse_rights(c, cJSON_GetObjectItemCaseSensitive(g, "rights"), &rights))
            return false;
        scn_pop(c);
        const char *hname = as ? as : object;
        if (f == t && strcmp(hname, object) == 0) {
            scn_push_key(c, "to");
            return scn_fail(
                c, "the copy would replace \"%s\"'s own handle \"%s\": name it with \"as\"", from,
                object);
        }
        if (scn_handle_find(&et->pb, hname) != SCN_NO_SLOT) {
            scn_push_key(c, as ? "as" : "object");
            return scn_fail(c, "\"%s\" already has a handle \"%s\": name this one with \"as\"", to,
                            hname);
        }
        if (b->ncaps + et->count > SCN_MAX_CAPS) {
            scn_push_key(c, "to");
            return scn_fail(c, "more than %d capabilities in all (one per replica)", SCN_MAX_CAPS);
        }
        scn_push_key(c, as ? "as" : "to");
        if (!scn_handle_define(c, &et->pb, hname, &ts))
            return false;
        scn_pop(c);
        for (uint32_t k = 0; k < et->count; k++) {
            uint32_t src =
                pairwise ? ef->first + (k + et->count - (uint32_t)shift) % et->count : ef->first;
            b->caps[b->ncaps++] =
                (struct scn_cap){(uint16_t)src, fs, (uint16_t)(et->first + k), ts, rights, 0};
        }
        scn_pop(c);
    }
    scn_pop(c);
    return true;
}

/* Compiles every process's program; false with the error. */
static bool load_programs(struct scn_ctx *c, struct scn_build *b, const cJSON *root)
{
    const cJSON *procs = cJSON_GetObjectItemCaseSensitive(root, "processes");
    scn_push_key(c, "processes");
    int i = 0;
    for (const cJSON *p = procs->child; p; p = p->next, i++) {
        scn_push_index(c, i);
        const struct scn_build_entry *e = &b->entries[i];
        if (e->pb.nhandles > e->cap_slots) {
            scn_push_key(c, "cap_slots");
            return scn_fail(c, "%u capabilities at start do not fit %u slots", e->pb.nhandles,
                            e->cap_slots);
        }
        if (!scn_load_program_or_source(c, b, &b->entries[i], p,
                                        scn_field_in(process_fields, "source"), b->s->path))
            return false;
        scn_pop(c);
    }
    scn_pop(c);
    return true;
}

/* Reads expect.processes (`procs`, at the current path): each key a
 * process (every replica) or one replica, once each. A replica's own key
 * says what it must become whatever its process's key says. */
static bool load_expect_procs(struct scn_ctx *c, struct scn_build *b, const cJSON *procs)
{
    struct scn *s = b->s;
    struct scn_expect *e = &s->expect;
    if (!cJSON_IsObject(procs))
        return scn_fail(c, "must be an object keyed by process name");
    size_t n = (size_t)cJSON_GetArraySize(procs);
    if (!(e->keys = calloc(n ? n : 1, sizeof *e->keys)))
        return scn_fail(c, "out of memory");
    for (const cJSON *it = procs->child; it; it = it->next) {
        if (!scn_not_repeated(c, procs, it))
            return false;
        scn_push_key(c, it->string);
        bool known = entry_index(b, it->string) >= 0;
        for (size_t k = 0; k < s->nprocs && !known; k++)
            known = strcmp(s->proc_names[k], it->string) == 0;
        if (!known)
            return scn_fail_key(c, "no process named \"%s\"", it->string);
        int state;
        uint64_t code;
        if (!scn_check_fields(c, it, expect_proc_fields, NULL) ||
            !scn_get_enum(c, it, expect_proc_fields, "state", &state) ||
            !scn_get_u(c, it, expect_proc_fields, "code", &code))
            return false;
        scn_pop(c);
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
static bool load_expect(struct scn_ctx *c, struct scn_build *b, const cJSON *root)
{
    struct scn_expect *e = &b->s->expect;
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(root, "expect");
    if (!ex)
        return true;
    scn_push_key(c, "expect");
    int outcome;
    if (!scn_check_fields(c, ex, expect_fields, NULL) ||
        !scn_get_enum(c, ex, expect_fields, "outcome", &outcome))
        return false;
    e->deadlock = outcome == 1;
    const cJSON *procs = cJSON_GetObjectItemCaseSensitive(ex, "processes");
    if (procs) {
        scn_push_key(c, "processes");
        if (!load_expect_procs(c, b, procs))
            return false;
        scn_pop(c);
    }
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(ex, "messages");
    if (msgs) {
        scn_push_key(c, "messages");
        if (!scn_check_fields(c, msgs, messages_fields, NULL))
            return false;
        for (int f = 0; f < SCN_MSG_COUNT; f++) {
            const char *key = scn_msg_field_name((enum scn_msg_field)f);
            e->has_msg[f] = cJSON_GetObjectItemCaseSensitive(msgs, key) != NULL;
            if (!scn_get_u(c, msgs, messages_fields, key, &e->msg[f]))
                return false;
        }
        scn_pop(c);
    }
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(ex, "paths");
    if (paths) {
        scn_push_key(c, "paths");
        if (!cJSON_IsObject(paths))
            return scn_fail(c, "must be an object keyed by path name");
        for (const cJSON *it = paths->child; it; it = it->next) {
            if (!scn_not_repeated(c, paths, it))
                return false;
            scn_push_key(c, it->string);
            unsigned id = 0;
            while (id < TRC_PATH_COUNT && strcmp(trc_path_name(id), it->string) != 0)
                id++;
            if (id == TRC_PATH_COUNT)
                return scn_fail_key(c, "no path named \"%s\"", it->string);
            if (e->npaths == SCN_MAX_PATH_EXPECTS)
                return scn_fail_key(c, "more than %d paths", SCN_MAX_PATH_EXPECTS);
            struct scn_expect_path *pe = &e->paths[e->npaths];
            if (!scn_check_fields(c, it, path_fields, NULL) ||
                !scn_get_u(c, it, path_fields, "count", &pe->count) ||
                !scn_get_u(c, it, path_fields, "min_count", &pe->min) ||
                !scn_get_u(c, it, path_fields, "max_count", &pe->max))
                return false;
            snprintf(pe->name, sizeof pe->name, "%s", it->string);
            pe->has_count = cJSON_GetObjectItemCaseSensitive(it, "count") != NULL;
            pe->has_min = cJSON_GetObjectItemCaseSensitive(it, "min_count") != NULL;
            pe->has_max = cJSON_GetObjectItemCaseSensitive(it, "max_count") != NULL;
            e->npaths++;
            scn_pop(c);
        }
        scn_pop(c);
    }
    const char *const lists[] = {"that", "order"};
    for (int k = 0; k < 2; k++) {
        const cJSON *arr = cJSON_GetObjectItemCaseSensitive(ex, lists[k]);
        if (!arr)
            continue;
        scn_push_key(c, lists[k]);
        if (!(k ? scn_load_orders : scn_load_thats)(c, b, arr))
            return false;
        scn_pop(c);
    }
    const cJSON *cyc = cJSON_GetObjectItemCaseSensitive(ex, "cycles");
    if (cyc) {
        scn_push_key(c, "cycles");
        if (!scn_check_fields(c, cyc, cycles_fields, NULL) ||
            !scn_get_u(c, cyc, cycles_fields, "min", &e->cycles_min) ||
            !scn_get_u(c, cyc, cycles_fields, "max", &e->cycles_max))
            return false;
        e->has_cycles_min = cJSON_GetObjectItemCaseSensitive(cyc, "min") != NULL;
        e->has_cycles_max = cJSON_GetObjectItemCaseSensitive(cyc, "max") != NULL;
        scn_pop(c);
    }
    scn_pop(c);
    return true;
}

/* Lays the compiled scenario out as one blob (abi/scenario.h) and keeps
 * each program's places in s->entries. */
static bool emit(struct scn_ctx *c, struct scn_build *b)
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
        return scn_fail(c, "the compiled scenario is too large (%zu bytes, at most %llu)", size,
                        (unsigned long long)MM_SCENARIO_SIZE);
    char *blob = calloc(1, size);
    s->entries = calloc(b->nentries, sizeof *s->entries);
    if (!blob || !s->entries) {
        free(blob);
        return scn_fail(c, "out of memory");
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
        const struct scn_build_entry *e = &b->entries[i];
        const struct scn_proc_build *p = &e->pb;
        struct scn_entry *se = &s->entries[i];
        snprintf(se->name, sizeof se->name, "%s", e->name);
        se->sources = e->sources;
        se->nsources = e->nsources;
        b->entries[i].sources = NULL; /* the scn_entry owns them now */
        se->first = e->first;
        se->count = e->count;
        se->nops = p->nops;
        se->ops = (const struct scn_op *)(blob + off);
        if (!(se->places = malloc((p->nops ? p->nops : 1) * sizeof *se->places)))
            return scn_fail(c, "out of memory");
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

int scn_load_text(const char *path, const char *text, size_t len, struct scn *s, char *err,
                  size_t errn)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    if (len > SCN_FILE_MAX) {
        snprintf(err, errn, "%s: larger than 4 MiB", path);
        return -1;
    }
    struct scn_ctx c = {
        .file = path, .text = text, .len = len, .err = err, .errn = errn, .nul_at = SIZE_MAX};
    if (errn)
        err[0] = '\0';
    cJSON *root = scn_json_parse(&c);
    if (!root)
        return -1;
    struct scn_build *b = calloc(1, sizeof *b);
    int rc = -1;
    if (!b) {
        snprintf(err, errn, "%s: out of memory", path);
        goto out;
    }
    /* cJSON would cut a string at \u0000: refuse it, naming where */
    if (!scn_json_refuse_nul(&c, root))
        goto out;
    b->s = s;
    scn_json_mark_numbers(&c, root);
    const char *name, *desc;
    if (!scn_check_fields(&c, root, top_fields, NULL) ||
        !scn_get_s(&c, root, top_fields, "name", &name) ||
        !scn_get_s(&c, root, top_fields, "description", &desc) ||
        !scn_get_u(&c, root, top_fields, "seed", &s->seed))
        goto out;
    snprintf(s->name, sizeof s->name, "%s", name);
    const cJSON *limits = cJSON_GetObjectItemCaseSensitive(root, "limits");
    s->max_cycles = scn_field_in(limits_fields, "max_cycles")->def;
    if (limits) {
        scn_push_key(&c, "limits");
        if (!scn_check_fields(&c, limits, limits_fields, NULL) ||
            !scn_get_u(&c, limits, limits_fields, "max_cycles", &s->max_cycles))
            goto out;
        scn_pop(&c);
    }
    if (!load_machine(&c, s, root) || !load_runs(&c, s, root) || !load_processes(&c, b, root) ||
        !load_objects(&c, b, root) || !load_caps(&c, b, root) || !load_programs(&c, b, root) ||
        !load_expect(&c, b, root) || !emit(&c, b))
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
    free(s->expect.thats);
    s->expect.thats = NULL;
    s->expect.nthats = 0;
    free(s->expect.orders);
    s->expect.orders = NULL;
    s->expect.norders = 0;
    for (size_t i = 0; s->entries && i < s->nentries; i++) {
        free(s->entries[i].places);
        for (unsigned k = 0; k < s->entries[i].nsources; k++)
            free(s->entries[i].sources[k]);
        free(s->entries[i].sources);
    }
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
