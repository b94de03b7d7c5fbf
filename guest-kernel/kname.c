/* guest-kernel/kname.c: the name registry: bind a service name to a port
 * (the binder needs MANAGE and GRANT on it); a lookup gets a send-only
 * capability to it; only the binder unbinds. */
#include "kipc_int.h"
#include "ksys.h"

#define KIPC_NAMES 32    /* names bound at once */
#define KNAME_MAX_LEN 32 /* bytes of a name */
_Static_assert(KNAME_MAX_LEN <= sizeof(((struct ksys_args *)0)->name), "ksys_args.name");

struct kname_entry {
    char name[KNAME_MAX_LEN];
    uint32_t len;
    uint32_t pid;    /* the binder, 0: free */
    uint16_t cspace; /* the binder's space */
    ipc_cap_t tok;   /* its port capability there */
};
static struct kname_entry names[KIPC_NAMES];

/* Returns the registry entry for name[len], or NULL. */
static struct kname_entry *kname_find(const char *name, uint32_t len)
{
    for (unsigned i = 0; i < KIPC_NAMES; i++) {
        struct kname_entry *e = &names[i];
        if (!e->pid || e->len != len)
            continue;
        uint32_t k = 0;
        while (k < len && e->name[k] == name[k])
            k++;
        if (k == len)
            return e;
    }
    return NULL;
}

/* Decodes the user name (arguments 0 and 1): 1..KNAME_MAX_LEN bytes the
 * caller may read, copied into a->name; a->a0 its length,
 * a->obj its entry (NULL: not bound), a->a2 argument 2. Returns 0 or
 * InvalidArg / BadPointer. */
static int kname_decode_name(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    uintptr_t u = arch_syscall_arg(r, 0), len = arch_syscall_arg(r, 1);
    if (len == 0 || len > KNAME_MAX_LEN)
        return IPC_ERR_INVALID_ARG;
    if (!proc_user_range_ok(p, u, len, false))
        return IPC_ERR_BAD_POINTER;
    memcpy(a->name, (const void *)u, len);
    a->a0 = len;
    a->obj = kname_find(a->name, (uint32_t)len);
    a->a2 = arch_syscall_arg(r, 2);
    return 0;
}

/* SYS_NAME_BIND: a name not bound yet, MANAGE and GRANT on the port, a
 * free entry. Returns 0 or InvalidArg / BadPointer / Exists / the lookup's
 * error / NoMemory. */
static int kname_bind_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = kname_decode_name(p, r, a);
    if (err)
        return err;
    if (a->obj)
        return IPC_ERR_EXISTS;
    if (!kport_lookup(p, a->a2, IPC_RIGHT_MANAGE | IPC_RIGHT_GRANT, &err))
        return err;
    for (unsigned i = 0; i < KIPC_NAMES; i++) {
        if (!names[i].pid) {
            a->obj = &names[i];
            return 0;
        }
    }
    return IPC_ERR_NO_MEMORY;
}

/* Binds the name to the port capability. Returns 0. */
static long kname_bind_invoke(struct proc *p, struct ksys_args *a)
{
    struct kname_entry *e = a->obj;
    *e = (struct kname_entry){
        .len = (uint32_t)a->a0, .pid = p->pid, .cspace = p->cspace.id, .tok = a->a2};
    memcpy(e->name, a->name, a->a0);
    return IPC_OK;
}
KSYS_RUN(kname_bind)

/* SYS_NAME_LOOKUP: a bound name. Returns 0 or InvalidArg / BadPointer /
 * NotFound. */
static int kname_lookup_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = kname_decode_name(p, r, a);
    if (err)
        return err;
    struct kname_entry *e = a->obj;
    if (!e || !proc_slot(e->cspace - 1))
        return IPC_ERR_NOT_FOUND;
    return 0;
}

/* Returns a send-only capability to the bound port in the caller's space,
 * or the grant's error (the binder's capability died: InvalidCap; the
 * caller's space is full: NoSlot). */
static long kname_lookup_invoke(struct proc *p, struct ksys_args *a)
{
    const struct kname_entry *e = a->obj;
    return kipc_grant(proc_slot(e->cspace - 1), e->tok, p, IPC_RIGHT_SEND);
}
KSYS_RUN(kname_lookup)

/* SYS_NAME_UNBIND: a name the caller bound. Returns 0 or InvalidArg /
 * BadPointer / NotFound. */
static int kname_unbind_decode(struct proc *p, const struct arch_regs *r, struct ksys_args *a)
{
    int err = kname_decode_name(p, r, a);
    if (err)
        return err;
    const struct kname_entry *e = a->obj;
    return e && e->pid == p->pid ? 0 : IPC_ERR_NOT_FOUND;
}

/* Frees the name. Returns 0. */
static long kname_unbind_invoke(struct proc *p, struct ksys_args *a)
{
    (void)p;
    ((struct kname_entry *)a->obj)->pid = 0;
    return IPC_OK;
}
KSYS_RUN(kname_unbind)

void kname_proc_exit(struct proc *p)
{
    for (unsigned i = 0; i < KIPC_NAMES; i++)
        if (names[i].pid == p->pid)
            names[i].pid = 0;
}
