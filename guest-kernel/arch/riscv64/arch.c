/* guest-kernel/arch/riscv64/arch.c: the RISC-V (RV64, S-mode) side of the
 * kernel: trap decoding, user register state, the system-call ABI (a7 =
 * number, a0..a5 = arguments, a0 = result), waiting and halting. Uses only
 * arch.h, so the trap self-test links it without the neutral kernel. */
#include "arch.h"
#include "kcpu.h"
#include "rv_csr.h"

void rv_trap_entry(void);
__attribute__((noreturn)) void rv_trap(struct arch_regs *frame);

/* Returns "riscv64". */
const char *arch_name(void)
{
    return "riscv64";
}

/* Where rv_trap_entry saves the registers of a trap the kernel itself
 * takes before the first return to user mode (then rv_trap panics); after
 * it, sscratch points at the running process's registers. */
static struct arch_regs rv_boot_regs;

/* Returns nothing: installs the trap vector (sscratch = a save area for
 * it until arch_enter_user sets the process's), lets the kernel read user
 * pages (SUM) and enables the external interrupt, the interrupt
 * controller's (sie.SEIE; sstatus.SIE stays 0 in the kernel). */
void arch_init(const struct bootinfo *bi)
{
    (void)bi;
    rv_csr_write(stvec, (uintptr_t)rv_trap_entry);
    rv_csr_write(sscratch, (uintptr_t)&rv_boot_regs);
    rv_csr_clear(sstatus, RV_SSTATUS_SIE);
    rv_csr_set(sstatus, RV_SSTATUS_SUM);
    rv_csr_set(sie, RV_SIE_SEIE);
}

void arch_cpu_set_self(struct kcpu *cpu)
{
    cpu->self = cpu;
    __asm__ volatile("mv tp, %0" : : "r"(cpu) : "memory");
    /* a trap before the first arch_enter_user saves into rv_boot_regs and
     * takes the kernel's tp from its x[0] (trap.S) */
    ((struct arch_regs *)rv_csr_read(sscratch))->x[0] = (uintptr_t)cpu;
}

/* Returns nothing: r starts at pc with sp, a0, a1 and zero elsewhere. */
void arch_regs_init(struct arch_regs *r, uintptr_t pc, uintptr_t sp, uintptr_t a0, uintptr_t a1)
{
    for (unsigned i = 0; i < 32; i++)
        r->x[i] = 0;
    r->pc = pc;
    r->x[RV_REG_SP] = sp;
    r->x[RV_REG_A0] = a0;
    r->x[RV_REG_A0 + 1] = a1;
}

/* Returns the system-call number (a7). */
uintptr_t arch_syscall_nr(const struct arch_regs *r)
{
    return r->x[RV_REG_A7];
}

/* Returns argument i (a0..a5), 0 for i > 5. */
uintptr_t arch_syscall_arg(const struct arch_regs *r, unsigned i)
{
    return i < 6 ? r->x[RV_REG_A0 + i] : 0;
}

/* Returns nothing: the result goes to a0. */
void arch_syscall_set_ret(struct arch_regs *r, uintptr_t value)
{
    r->x[RV_REG_A0] = value;
}

/* Returns once an interrupt is pending: wfi ignores sstatus.SIE (which is
 * 0 in the kernel), so no handler runs; the caller polls the device. */
void arch_wait(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

/* Never returns: waits for good. */
void arch_halt(void)
{
    for (;;)
        __asm__ volatile("wfi" ::: "memory");
}

/* Returns the page-fault access kind of exception `code`, 0 if it is not
 * an access fault or page fault. */
static enum trap_access fault_access(uint64_t code)
{
    switch (code) {
    case RV_EXC_INSN_ACCESS:
    case RV_EXC_INSN_PAGE:
        return TRAP_ACCESS_EXEC;
    case RV_EXC_LOAD_ACCESS:
    case RV_EXC_LOAD_PAGE:
        return TRAP_ACCESS_READ;
    case RV_EXC_STORE_ACCESS:
    case RV_EXC_STORE_PAGE:
        return TRAP_ACCESS_WRITE;
    default:
        return 0;
    }
}

/* Never returns: called by rv_trap_entry with the saved user registers,
 * decodes scause / stval into a struct trap for trap_from_user(). For an
 * ecall the saved PC moves past it (the hardware leaves sepc on it). */
void rv_trap(struct arch_regs *frame)
{
    uint64_t cause = rv_csr_read(scause), tval = rv_csr_read(stval);
    if (rv_csr_read(sstatus) & RV_SSTATUS_SPP)
        panic("rv_trap: trap taken in S-mode");
    struct trap t = {.kind = TRAP_OTHER, .pc = frame->pc, .addr = 0, .cause = cause};
    if (cause & RV_SCAUSE_INTERRUPT) {
        if ((cause & ~RV_SCAUSE_INTERRUPT) == RV_IRQ_S_EXTERNAL)
            t.kind = TRAP_IRQ;
    } else if (cause == RV_EXC_ECALL_U) {
        t.kind = TRAP_SYSCALL;
        t.pc = frame->pc - 4; /* trap.S stepped past the ecall (no compressed form) */
    } else if (cause == RV_EXC_ILLEGAL) {
        t.kind = TRAP_UNDEF;
    } else if (fault_access(cause)) {
        t.kind = TRAP_PAGE_FAULT;
        t.access = fault_access(cause);
        t.addr = tval;
    } else if (cause == RV_EXC_INSN_MISALIGNED || cause == RV_EXC_LOAD_MISALIGNED ||
               cause == RV_EXC_STORE_MISALIGNED) {
        t.addr = tval;
    }
    trap_from_user(frame, &t);
}
