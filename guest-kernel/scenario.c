/* guest-kernel/scenario.c: sets up a compiled scenario (machine/
 * abi/scenario.h, written by the host at boot-info's `scenario`): one
 * process per scenario process running the workload runner
 * (user/runner.c) on its own program, or a student's program from its
 * image (scn_proc.image_base), the objects created in their
 * owners' capability spaces and the capabilities granted at start. Each
 * process gets its program and handles at the top of its user stack. */
#include "kernel.h"
#include "abi/scenario.h"
#include "user/ulib.h"

/* The host's loader checks scenarios against copies of the kernel's
 * limits (abi/scenario.h); these are the ones visible here. */
_Static_assert(SCN_KERNEL_PROCS == NPROC, "abi/scenario.h: the process table");
_Static_assert(SCN_KERNEL_SLOTS == KIPC_SLOTS, "abi/scenario.h: capability slots per process");
_Static_assert(SCN_MAX_PROCS <= NPROC, "every scenario process needs a process slot");
_Static_assert(SCN_MAX_MSG_CAPS == IPC_MSG_CAPS, "a send carries what a message holds");

/* Prints why the scenario cannot start; returns -1. */
static int bad(const char *what)
{
    kprintf("[kernel] scenario: %s\n", what);
    return -1;
}

/* Copies process sp's program to the top of its stack; returns the image. */
static struct scn_image *place_image(struct proc *p, const struct scn_blob *b,
                                     const struct scn_proc *sp)
{
    size_t bytes = sizeof(struct scn_image) + sp->nops * sizeof(struct scn_op) + sp->nstr;
    size_t stack = p->stack_hi - p->stack_lo;
    /* leave the runner at least 4 KiB of stack below the image */
    if (bytes + 4096 > stack)
        return NULL;
    uintptr_t at = (p->stack_hi - bytes) & ~(uintptr_t)15;
    struct scn_image *img = (struct scn_image *)at;
    img->magic = SCN_IMAGE_MAGIC;
    img->nops = sp->nops;
    img->nstr = sp->nstr;
    img->reserved = 0;
    for (unsigned h = 0; h < SCN_MAX_HANDLES; h++)
        img->handles[h] = -1;
    memcpy(img + 1, (const char *)b + sp->op_offset, sp->nops * sizeof(struct scn_op));
    memcpy((char *)(img + 1) + sp->nops * sizeof(struct scn_op), (const char *)b + sp->str_offset,
           sp->nstr);
    proc_set_arg_sp(p, at, (at - 16) & ~(uintptr_t)15);
    return img;
}

/* Returns true if the table of n items of `item` bytes at `offset` lies
 * in a blob of `size` bytes, 8-byte aligned. */
static bool table_ok(uint64_t offset, uint64_t n, uint64_t item, uint64_t size)
{
    return offset % 8 == 0 && offset <= size && n * item <= size - offset;
}

static struct proc *procs[SCN_MAX_PROCS];
static struct scn_image *imgs[SCN_MAX_PROCS];

int scenario_start(uintptr_t addr, uint64_t size)
{
    const struct scn_blob *b = (const struct scn_blob *)addr;
    if (!addr || size < sizeof *b || b->magic != SCN_MAGIC || b->size != size || b->nprocs == 0 ||
        b->nprocs > SCN_MAX_PROCS || b->nobjects > SCN_MAX_OBJECTS || b->ncaps > SCN_MAX_CAPS ||
        !table_ok(b->proc_offset, b->nprocs, sizeof(struct scn_proc), size) ||
        !table_ok(b->object_offset, b->nobjects, sizeof(struct scn_object), size) ||
        !table_ok(b->cap_offset, b->ncaps, sizeof(struct scn_cap), size))
        return bad("no valid compiled scenario at boot-info's address");
    const struct scn_proc *sprocs = (const struct scn_proc *)(addr + b->proc_offset);
    const struct scn_object *objects = (const struct scn_object *)(addr + b->object_offset);
    const struct scn_cap *caps = (const struct scn_cap *)(addr + b->cap_offset);
    for (uint32_t i = 0; i < b->nprocs; i++) {
        const struct scn_proc *sp = &sprocs[i];
        if (sp->op_offset + (uint64_t)sp->nops * sizeof(struct scn_op) > size ||
            sp->str_offset + (uint64_t)sp->nstr > size || sp->priority >= NPRIO)
            return bad("a process's program lies outside the scenario");
        char name[PROC_NAME_MAX + 1];
        memcpy(name, sp->name, PROC_NAME_MAX);
        name[PROC_NAME_MAX] = '\0';
        uintptr_t entry = sp->image_base ? (uintptr_t)sp->image_entry : (uintptr_t)prog_scenario;
        if (sp->image_base && (entry < sp->image_base || entry >= sp->image_data))
            return bad("a student's program starts outside its code");
        procs[i] = proc_create(name, sp->priority, entry, 0);
        if (!procs[i])
            return bad("cannot create a process (out of slots or memory)");
        sched_set_core(procs[i], sp->core % kcpu_count);
        if (sp->image_base && proc_map_image(procs[i], (uintptr_t)sp->image_base,
                                             (uintptr_t)sp->image_data, (uintptr_t)sp->image_end))
            return bad("cannot map a student's program (outside the student area, or no memory)");
        if (kipc_cspace_size(procs[i], sp->cap_slots) != 0)
            return bad("cannot give a process its capability slots (out of CNodes or memory)");
        if (!(imgs[i] = place_image(procs[i], b, sp)))
            return bad("a process's program does not fit its stack");
    }
    for (uint32_t i = 0; i < b->nobjects; i++) {
        const struct scn_object *o = &objects[i];
        if (o->owner >= b->nprocs || o->owner_slot >= SCN_MAX_HANDLES)
            return bad("an object with a bad owner");
        long tok = o->type == SCN_OBJ_PORT ? kport_create(procs[o->owner], o->capacity)
                                           : knotif_create(procs[o->owner]);
        if (tok < 0)
            return bad("cannot create an object");
        imgs[o->owner]->handles[o->owner_slot] = tok;
    }
    for (uint32_t i = 0; i < b->ncaps; i++) {
        const struct scn_cap *g = &caps[i];
        if (g->from >= b->nprocs || g->to >= b->nprocs || g->from_slot >= SCN_MAX_HANDLES ||
            g->to_slot >= SCN_MAX_HANDLES || imgs[g->from]->handles[g->from_slot] < 0)
            return bad("a capability grant with bad processes or handles");
        long tok = kipc_grant(procs[g->from], (ipc_cap_t)imgs[g->from]->handles[g->from_slot],
                              procs[g->to], g->rights);
        if (tok < 0)
            return bad("cannot grant a capability");
        imgs[g->to]->handles[g->to_slot] = tok;
    }
    return 0;
}
