/* guest-kernel/proc.c: processes and their address spaces. Every address
 * space maps the kernel's RAM and the devices kernel-only, the user code
 * pages user-readable and executable, and the process's own stack pages
 * user-writable (and a student's process its own image, proc_map_image);
 * nothing else is visible to user mode. */
#include "kernel.h"
#include "user/ulib.h"

struct proc proc_table[NPROC]; /* .bss: zero-filled by the host's loader */
static uint32_t next_pid = 1;
static unsigned slots_used; /* slots at or above it were never used */
static unsigned free_hint;  /* no slot below it is free */

struct proc *proc_slot(unsigned i)
{
    return i < NPROC ? &proc_table[i] : NULL;
}

unsigned proc_slots_used(void)
{
    return slots_used;
}

struct proc *proc_by_pid(uint32_t pid)
{
    /* Slots are not reused (an ended process keeps its slot), so pid n
     * is in slot n - 1 unless a creation failed half-way; look there
     * first. */
    struct proc *p =
        pid && pid <= slots_used && proc_table[pid - 1].pid == pid ? &proc_table[pid - 1] : NULL;
    for (unsigned i = 0; !p && pid && i < slots_used; i++)
        if (proc_table[i].pid == pid)
            p = &proc_table[i];
    if (p && (p->state == PROC_READY || p->state == PROC_RUNNING || p->state == PROC_BLOCKED))
        return p;
    return NULL;
}

unsigned proc_live_count(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < slots_used; i++)
        if (proc_table[i].state == PROC_READY || proc_table[i].state == PROC_RUNNING ||
            proc_table[i].state == PROC_BLOCKED)
            n++;
    return n;
}

/* Builds the address space of a process whose stack is [lo, hi); returns
 * its root or 0 when out of memory. */
static uintptr_t proc_address_space(uintptr_t lo, uintptr_t hi)
{
    uintptr_t root = arch_pt_create();
    if (!root)
        return 0;
    if (arch_pt_map(root, kcfg.ram_base, kcfg.ram_end - kcfg.ram_base, PT_R | PT_W | PT_X) ||
        arch_pt_map(root, kcfg.uart, KPAGE_SIZE, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, kcfg.timer, KPAGE_SIZE, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, kcfg.power, KPAGE_SIZE, PT_R | PT_W | PT_DEV) ||
        (KTRACE_ON && arch_pt_map(root, kcfg.trace, KPAGE_SIZE, PT_R | PT_W | PT_DEV)) ||
        arch_pt_map(root, kcfg.intc, KPAGE_SIZE, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, (uintptr_t)__user_start, (uintptr_t)(__user_end - __user_start),
                    PT_R | PT_X | PT_U) ||
        arch_pt_map(root, lo, hi - lo, PT_R | PT_W | PT_U))
        return 0;
    return root;
}

KPROBE_ANCHOR struct proc *proc_create(const char *name, unsigned prio, uintptr_t entry,
                                       uintptr_t arg)
{
    struct proc *p = NULL;
    for (unsigned i = free_hint; i < NPROC && !p; i++)
        if (proc_table[i].state == PROC_FREE)
            p = &proc_table[i];
    if (!p || prio >= NPRIO)
        return NULL;
    free_hint = (unsigned)(p - proc_table); /* stays if this creation fails */
    if ((unsigned)(p - proc_table) >= slots_used)
        slots_used = (unsigned)(p - proc_table) + 1;
    /* The stack pages must be contiguous: allocate them in a row. */
    uintptr_t lo = 0, prev = 0;
    for (unsigned i = 0; i < USTACK_PAGES; i++) {
        uintptr_t pg = kpage_alloc();
        if (!pg || (prev && pg != prev + KPAGE_SIZE))
            return NULL;
        if (!lo)
            lo = pg;
        prev = pg;
    }
    uintptr_t hi = lo + USTACK_PAGES * KPAGE_SIZE;
    uintptr_t root = proc_address_space(lo, hi);
    if (!root)
        return NULL;
    memset(p, 0, sizeof *p);
    p->pid = next_pid++;
    size_t n = strlen(name);
    memcpy(p->name, name, n > PROC_NAME_MAX ? PROC_NAME_MAX : n);
    p->prio = prio;
    p->base_prio = prio;
    p->pt_root = root;
    p->asid = p->pid;
    p->stack_lo = lo;
    p->stack_hi = hi;
    p->entry = entry;
    arch_regs_init(&p->regs, (uintptr_t)u_start, hi - 16, entry, arg);
    if (kipc_proc_init(p) != 0) {
        p->state = PROC_FREE;
        return NULL;
    }
    uint64_t name_words[2] = {0, 0};
    for (unsigned i = 0; i < PROC_NAME_MAX && p->name[i]; i++)
        name_words[i / 8] |= (uint64_t)(uint8_t)p->name[i] << (8 * (i % 8));
    ktrace(TRC_EV_PROC_CREATE, p->pid, prio, name_words[0], name_words[1], 0);
    free_hint++;
    sched_enqueue(p);
    return p;
}

int proc_map_image(struct proc *p, uintptr_t lo, uintptr_t data, uintptr_t hi)
{
    uintptr_t mask = KPAGE_SIZE - 1;
    if ((lo | data | hi) & mask || lo < (uintptr_t)__student_start || lo >= data || data > hi ||
        hi > (uintptr_t)__student_end)
        return -1;
    if (arch_pt_map(p->pt_root, lo, data - lo, PT_R | PT_X | PT_U) ||
        (hi > data && arch_pt_map(p->pt_root, data, hi - data, PT_R | PT_W | PT_U)))
        return -1;
    p->img_lo = lo;
    p->img_data = data;
    p->img_hi = hi;
    return 0;
}

void proc_set_arg(struct proc *p, uintptr_t arg)
{
    arch_regs_init(&p->regs, (uintptr_t)u_start, p->stack_hi - 16, p->entry, arg);
}

void proc_set_arg_sp(struct proc *p, uintptr_t arg, uintptr_t sp)
{
    arch_regs_init(&p->regs, (uintptr_t)u_start, sp, p->entry, arg);
}

KPROBE_ANCHOR void proc_exit(struct proc *p, int code)
{
    KPROBE_KEEP("r"(p), "r"(code));
    p->state = PROC_EXITED;
    p->exit_code = code;
    kipc_proc_exit(p);
    ktrace(TRC_EV_PROC_EXIT, p->pid, (uint64_t)(int64_t)code, 0, 0, 0);
}

/* Returns a name for a fault cause. */
static const char *fault_name(enum trc_fault cause)
{
    switch (cause) {
    case TRC_FAULT_READ:
        return "page fault (read)";
    case TRC_FAULT_WRITE:
        return "page fault (write)";
    case TRC_FAULT_EXEC:
        return "page fault (execute)";
    case TRC_FAULT_UNDEF:
        return "undefined instruction";
    default:
        return "fault";
    }
}

KPROBE_ANCHOR void proc_kill(struct proc *p, enum trc_fault cause, uintptr_t pc, uintptr_t addr)
{
    KPROBE_KEEP("r"(p), "r"(cause), "r"(pc), "r"(addr));
    p->state = PROC_KILLED;
    p->exit_code = -1;
    p->fault = cause;
    kipc_proc_exit(p);
    kprintf("[kernel] killed pid %u (%s): %s at pc %p, address %p\n", p->pid, p->name,
            fault_name(cause), (void *)pc, (void *)addr);
    ktrace(TRC_EV_PROC_FAULT, p->pid, cause, pc, addr, 0);
}

bool proc_user_range_ok(const struct proc *p, uintptr_t addr, size_t len, bool write)
{
    if (addr + len < addr)
        return false;
    if (addr >= p->stack_lo && addr + len <= p->stack_hi)
        return true;
    if (!write && addr >= (uintptr_t)__user_start && addr + len <= (uintptr_t)__user_end)
        return true;
    if (addr >= (write ? p->img_data : p->img_lo) && addr + len <= p->img_hi)
        return true;
    return kregion_user_range_ok(p, addr, len, write);
}
