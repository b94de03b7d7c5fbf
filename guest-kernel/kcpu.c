/* guest-kernel/kcpu.c: bringing the secondary cores online (kcpu.h). */
#include "kcpu.h"

#include "abi/devregs.h"
#include "kernel.h"

_Static_assert(KCPU_STACK_SIZE % KPAGE_SIZE == 0, "a stack is whole kpages");

struct kcpu kcpus[KCPU_MAX];
uint32_t kcpu_count = 1;
uint32_t kcpu_online = 1;
struct klock klock_big;
extern char __kstack_top[]; /* core 0's kernel stack (kernel.ld) */

/* How long core 0 waits for the cores it started: spins of its loop. */
#define KCPU_WAIT_SPINS 10000000u

void kcpu_boot(void)
{
    kcpus[0] = (struct kcpu){.stack_top = (uintptr_t)__kstack_top, .id = 0, .online = 1};
    arch_cpu_set_self(&kcpus[0]);
}

__attribute__((noinline)) void klock_wait(uint32_t t)
{
    /* the architecture's spin-wait hint each turn: the machine ends a
     * spinning core's slice there (docs/machine.md, "Spin-wait hints") */
    while (__atomic_load_n(&klock_big.owner, __ATOMIC_ACQUIRE) != t)
        arch_spin_hint();
}

__attribute__((noinline)) void klock_contended(uint32_t t)
{
    struct kcpu *c = kcpu_self();
    kcpu_serve_remote();
    __atomic_store_n(&c->tlb_parked, 1, __ATOMIC_SEQ_CST);
    klock_wait(t);
    __atomic_store_n(&c->tlb_parked, 0, __ATOMIC_RELAXED);
    kcpu_serve_remote();
}

void kcpu_tlb_shootdown(struct proc *p)
{
    struct kcpu *c = &kcpus[p->core], *self = kcpu_self();
    if (c == self) {
        if (p == self->current)
            arch_pt_activate(p->pt_root, p->asid);
        return;
    }
    if (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
        return; /* it never came up: nothing ran there, and nothing would answer */
    /* One request per core at a time: an earlier one it has not served
     * (it parked for the lock) widens to every address space. */
    uint32_t gen = c->tlb_req + 1;
    bool pending = __atomic_load_n(&c->tlb_done, __ATOMIC_ACQUIRE) != c->tlb_req;
    __atomic_store_n(&c->tlb_asid, pending ? ARCH_TLB_ALL : p->asid, __ATOMIC_RELAXED);
    __atomic_store_n(&c->tlb_root, p->pt_root, __ATOMIC_RELAXED);
    __atomic_store_n(&c->tlb_req, gen, __ATOMIC_SEQ_CST);
    kcpu_kick(c);
    /* It answers from user mode (the interrupt takes it into the kernel,
     * whose lock it does not get: klock_contended), from its idle wait
     * (woken) or already waiting for the lock (parked). */
    while (__atomic_load_n(&c->tlb_done, __ATOMIC_SEQ_CST) != gen &&
           !__atomic_load_n(&c->tlb_parked, __ATOMIC_SEQ_CST))
        arch_spin_hint(); /* the machine lets the other core catch up */
}

void kcpu_kick(struct kcpu *c)
{
    mmio_write32(kcfg.intc + INTC_IPI, INTC_IPI_VALUE(c->id, INTC_LINE_IPI));
}

void kcpu_start_all(const struct bootinfo *bi)
{
    if (bi->ncores <= 1)
        return;
    kcpu_count = bi->ncores < KCPU_MAX ? bi->ncores : KCPU_MAX;
    /* Core 0 holds the kernel lock from here until it first enters user
     * mode: the other cores wait for it before they schedule. */
    klock_acquire();
    uint32_t started = 0;
    for (uint32_t i = 1; i < kcpu_count; i++) {
        /* its kernel stack: pages of its own, as large as core 0's boot
         * stack (kernel.ld) */
        uintptr_t stack = kpage_alloc_run(KCPU_STACK_SIZE / KPAGE_SIZE);
        if (!stack)
            panic("kcpu_start_all: out of memory for a core's stack");
        kcpus[i] = (struct kcpu){.id = i, .stack_top = stack + KCPU_STACK_SIZE};
        if (arch_cpu_start(i, (uintptr_t)&kcpus[i]) == 0)
            started++;
    }
    for (uint32_t spins = 0; spins < KCPU_WAIT_SPINS; spins++)
        if (__atomic_load_n(&kcpu_online, __ATOMIC_ACQUIRE) == started + 1)
            break;
    /* each online core answers one inter-processor interrupt from its idle loop */
    uint32_t answered = 0;
    for (uint32_t i = 1; i < kcpu_count; i++) {
        if (!__atomic_load_n(&kcpus[i].online, __ATOMIC_ACQUIRE))
            continue;
        kcpu_kick(&kcpus[i]);
        for (uint32_t spins = 0; spins < KCPU_WAIT_SPINS; spins++)
            if (__atomic_load_n(&kcpus[i].wakeups, __ATOMIC_ACQUIRE) > 0) {
                answered++;
                break;
            }
    }
    kprintf("[kernel] smp: %u of %u cores online, %u answered an IPI\n",
            (unsigned)__atomic_load_n(&kcpu_online, __ATOMIC_ACQUIRE), (unsigned)kcpu_count,
            (unsigned)answered);
}

void kcpu_main(struct kcpu *cpu, uint64_t hwid)
{
    if (hwid != cpu->id)
        panic("kcpu_main: the core's hardware id is not the one it was started as");
    arch_cpu_init();
    arch_cpu_set_self(cpu);
    arch_pt_activate(kernel_root, 0);
    mmio_write32(kcfg.intc + INTC_TGT_ENABLE(cpu->id), 1u << INTC_LINE_IPI);
    __atomic_store_n(&cpu->online, 1, __ATOMIC_RELEASE);
    __atomic_fetch_add(&kcpu_online, 1, __ATOMIC_ACQ_REL);
    /* its first inter-processor interrupt, from core 0 (kcpu_start_all),
     * claimed here without the lock (core 0 holds it and waits for this)
     * as the idle loop claims: only the IPI line is enabled yet, and its
     * handler counts the wake-up */
    while (!__atomic_load_n(&cpu->wakeups, __ATOMIC_ACQUIRE)) {
        arch_wait();
        irq_idle();
    }
    /* then it schedules the processes whose core it is, under the lock */
    klock_acquire();
    irq_init();
    sched_next(TRC_SWITCH_START);
}
