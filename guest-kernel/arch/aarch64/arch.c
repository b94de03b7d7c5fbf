/* guest-kernel/arch/aarch64/arch.c: the AArch64 side of the kernel: system
 * registers, trap decoding, the system-call ABI, waiting and halting.
 *
 * The kernel runs at EL1h with DAIF masked; user code runs at EL0t with DAIF
 * clear. trap.S saves the user registers and calls arch_trap(), which turns
 * ESR_EL1 / FAR_EL1 into a struct trap for the neutral kernel. */
#include "arch.h"
#include "kcpu.h"

/* The translation regime (MAIR_EL1, TCR_EL1) mmu.c builds tables for. */
#include "arch_mmu.h"

/* The vector table, trap.S. */
extern char a64_vectors[];

/* Called by trap.S for an exception taken from EL0. */
__attribute__((noreturn)) void arch_trap(struct arch_regs *frame, unsigned long kind);
/* Called by trap.S when the kernel itself took an exception. */
__attribute__((noreturn)) void arch_kernel_exception(unsigned long vector_offset);

/* Returns "aarch64". */
const char *arch_name(void)
{
    return "aarch64";
}

/* Reads a system register. */
#define A64_MRS(reg)                                                                               \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                              \
        v_;                                                                                        \
    })
/* Writes a system register. */
#define A64_MSR(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)) : "memory")

/* Installs the vector table and the translation regime (the MMU itself
 * goes on at the first arch_pt_activate). Returns nothing. */
void arch_init(const struct bootinfo *bi)
{
    (void)bi;
    A64_MSR(vbar_el1, (uintptr_t)a64_vectors);
    A64_MSR(mair_el1, A64_MAIR);
    A64_MSR(tcr_el1, A64_TCR);
    /* No FP/SIMD: the kernel and user code are general-register only, so an
     * FP instruction traps (EC 0x07) instead of leaking state. */
    A64_MSR(cpacr_el1, 0);
    __asm__ volatile("isb" ::: "memory");
}

void arch_cpu_set_self(struct kcpu *cpu)
{
    cpu->self = cpu;
    A64_MSR(tpidr_el1, (uintptr_t)cpu);
}

/* Fills r for an EL0t entry at pc with sp, x0 = a0, x1 = a1, DAIF clear. */
void arch_regs_init(struct arch_regs *r, uintptr_t pc, uintptr_t sp, uintptr_t a0, uintptr_t a1)
{
    for (unsigned i = 0; i < 31; i++)
        r->x[i] = 0;
    r->x[0] = a0;
    r->x[1] = a1;
    r->sp = sp;
    r->pc = pc;
    r->pstate = 0; /* EL0t, DAIF clear: interrupts on */
}

/* Returns the system-call number (x8). */
uintptr_t arch_syscall_nr(const struct arch_regs *r)
{
    return r->x[8];
}

/* Returns argument i (x0..x5), 0 for i > 5. */
uintptr_t arch_syscall_arg(const struct arch_regs *r, unsigned i)
{
    return i < 6 ? r->x[i] : 0;
}

/* Sets the system call's result (x0). */
void arch_syscall_set_ret(struct arch_regs *r, uintptr_t value)
{
    r->x[0] = value;
}

/* Returns once an interrupt is pending (wfi with DAIF masked). */
void arch_wait(void)
{
    /* DAIF stays masked: wfi still wakes on a pending interrupt. */
    __asm__ volatile("dsb sy\n\twfi" ::: "memory");
}

/* Never returns: waits for interrupts forever, all masked. */
void arch_halt(void)
{
    for (;;) {
        __asm__ volatile("msr daifset, #0xf" ::: "memory");
        arch_wait();
    }
}

/* Returns the trap access kind of a data abort syndrome. */
static enum trap_access dabt_access(uint64_t esr)
{
    return (esr & A64_ESR_WNR) ? TRAP_ACCESS_WRITE : TRAP_ACCESS_READ;
}

/* Returns true if the abort's fault status code is a translation, access
 * flag or permission fault (levels 0..3): what a page table refuses. */
static int fsc_is_mmu(uint64_t esr)
{
    uint64_t fsc = A64_ESR_FSC(esr);
    return (fsc >= 0x04 && fsc <= 0x07) || (fsc >= 0x09 && fsc <= 0x0f);
}

/* Fills `t` from the syndrome of a synchronous exception from EL0. */
static void decode_sync(const struct arch_regs *frame, struct trap *t)
{
    uint64_t esr = A64_MRS(esr_el1);
    uint64_t far = A64_MRS(far_el1);
    t->cause = esr;
    t->pc = frame->pc;
    switch (A64_ESR_EC(esr)) {
    case A64_EC_SVC64:
        /* ELR_EL1 already points past the svc. */
        t->kind = TRAP_SYSCALL;
        t->pc = frame->pc - 4;
        break;
    case A64_EC_DABT_LOW:
        t->kind = fsc_is_mmu(esr) ? TRAP_PAGE_FAULT : TRAP_OTHER;
        t->access = dabt_access(esr);
        t->addr = far;
        break;
    case A64_EC_IABT_LOW:
        t->kind = fsc_is_mmu(esr) ? TRAP_PAGE_FAULT : TRAP_OTHER;
        t->access = TRAP_ACCESS_EXEC;
        t->addr = far;
        break;
    case A64_EC_UNKNOWN:
    case A64_EC_WFX:
    case A64_EC_FP:
    case A64_EC_ILLEGAL:
    case A64_EC_SYSREG:
        t->kind = TRAP_UNDEF;
        break;
    case A64_EC_PC_ALIGN:
        t->kind = TRAP_OTHER;
        t->addr = far;
        break;
    default:
        t->kind = TRAP_OTHER;
        break;
    }
}

/* Decodes the exception trap.S saved `frame` for (vector `kind`) and hands
 * it to trap_from_user(); never returns. */
void arch_trap(struct arch_regs *frame, unsigned long kind)
{
    struct trap t = {.kind = TRAP_OTHER, .pc = frame->pc};
    if (kind == A64_VEC_SYNC) {
        decode_sync(frame, &t);
    } else if (kind == A64_VEC_IRQ) {
        t.kind = TRAP_IRQ;
    } else {
        t.cause = 0x1000 | kind; /* FIQ / SError: no syndrome of our own */
    }
    trap_from_user(frame, &t);
}

/* Panics with the vector offset of an exception the kernel itself took;
 * never returns. */
void arch_kernel_exception(unsigned long vector_offset)
{
    static char why[] = "arch_kernel_exception: vector 0x000 taken in kernel mode";
    char *digits = why + sizeof "arch_kernel_exception: vector 0x" - 1;
    for (int i = 0; i < 3; i++)
        digits[i] = "0123456789abcdef"[(vector_offset >> (8 - 4 * i)) & 0xf];
    panic(why);
}
