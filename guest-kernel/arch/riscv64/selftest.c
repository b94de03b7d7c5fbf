/* guest-kernel/arch/riscv64/selftest.c: the RISC-V trap self-test kernel
 * (machine/selftest.c runs it before every boot). Linked with this
 * directory's entry.S, trap.S, arch.c, mmu.c and usys.S instead of the
 * neutral kernel, it drops to U-mode and proves that each kind of trap
 * enters stvec in S-mode with scause / sepc / stval / sstatus as the
 * hardware sets them, and that sret resumes user mode:
 *   1 syscall: ecall with a7 and a0..a2 intact, result back in a0;
 *   2 page fault: a 4-byte and a compressed load from a kernel-only page,
 *     a load and a store where no memory exists;
 *   3 undefined instruction: c.unimp and a supervisor CSR read in U-mode;
 *   4 timer interrupt: masked while the kernel runs and taken once user
 *     mode runs; then taken inside a user loop, which resumes intact.
 * One "selftest: <step> ok" line per step; the power device gets 0 when
 * all passed, else the failed step's number. */
#include "arch.h"
#include "kcpu.h"
#include "kfastpath.h"
#include "abi/devregs.h"
#include "rv_csr.h"

#define UTEXT __attribute__((section(".user.text"), noinline))
#define SYS_ST_PING 0x51   /* step 1: (11, 22, 33) -> 0x600d */
#define SYS_ST_REPORT 0x52 /* report what user mode saw: (a, b, c) */
#define ST_RESULT 0x600d
#define ST_FLAG 0x1a7e      /* what the timer handler puts in s1 */
#define ST_SPIN_LIMIT 20000 /* iterations before the user loop gives up */
#define ST_PAGES 16
#define ST_NOMEM_LOAD 0x18               /* no memory: near NULL */
#define ST_NOMEM_STORE 0x7f0000000000ULL /* no memory, not canonical in Sv39 */

long usys_call(long nr, long a0, long a1, long a2);
void usys_undefined_insn(void);
void usys_privileged_insn(void);
void kmain(const struct bootinfo *b);
static struct kcpu st_cpu; /* the one core's (kcpu.h) */
extern char usys_ecall[], st_ld[], st_cld[], st_ld_nomem[], st_sd_nomem[];
extern char st_spin_loop[], st_spin_end[];
extern char __kernel_end[], __user_start[], __user_end[], __kstack_bottom[], __kstack_top[];

static const struct bootinfo *bi;
static uint8_t pages[ST_PAGES][4096] __attribute__((aligned(4096)));
static unsigned npages;
static uint8_t ustack[4096] __attribute__((aligned(4096)));
static volatile uint64_t secret[4] = {0x5ec2e7, 0x5ec2e7, 0x5ec2e7, 0x5ec2e7};
static struct arch_regs start_regs; /* the user's, saved at entry (sscratch) */
static unsigned step;               /* the step under test, 1..4 */
static unsigned phase;              /* traps seen so far within the step */

/* Returns a zeroed page of the static pool (.bss, zero-filled by the
 * loader, each page handed out once), 0 when it is used up. */
uintptr_t kpage_alloc(void)
{
    if (npages == ST_PAGES)
        return 0;
    return (uintptr_t)pages[npages++];
}

/* Returns nothing: prints s on the UART. */
static void st_puts(const char *s)
{
    while (*s)
        *(volatile uint32_t *)(uintptr_t)(bi->uart_base + UART_DATA) = (uint8_t)*s++;
}

/* Returns nothing: prints v as 0x-prefixed hex. */
static void st_puthex(uint64_t v)
{
    char buf[19] = "0x";
    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    buf[18] = '\0';
    st_puts(buf);
}

/* Never returns: powers off with `code`. */
__attribute__((noreturn)) static void st_finish(uint32_t code)
{
    *(volatile uint32_t *)(uintptr_t)(bi->power_base + POWER_EXIT) = code;
    arch_halt();
}

/* Never returns: a broken invariant outside the steps. */
void panic(const char *why)
{
    st_puts("selftest: panic: ");
    st_puts(why);
    st_puts("\n");
    st_finish(99);
}

/* Never returns: the current step failed; `why` names the value `v`. */
__attribute__((noreturn)) static void st_fail(const char *why, uint64_t v)
{
    st_puts("selftest: step failed: ");
    st_puts(why);
    st_puts(" (");
    st_puthex(v);
    st_puts(")\n");
    st_finish(step);
}

/* Returns the timer's clock. */
static uint64_t st_now(void)
{
    volatile uint32_t *t = (volatile uint32_t *)(uintptr_t)bi->timer_base;
    uint32_t hi, lo;
    do {
        hi = t[TIMER_NOW_HI / 4];
        lo = t[TIMER_NOW_LO / 4];
    } while (hi != t[TIMER_NOW_HI / 4]);
    return (uint64_t)hi << 32 | lo;
}

/* Returns nothing: arms the timer `delta` cycles from now. */
static void st_arm_timer(uint64_t delta)
{
    volatile uint32_t *timer = (volatile uint32_t *)(uintptr_t)bi->timer_base;
    uint64_t when = st_now() + delta;
    timer[TIMER_CMP_LO / 4] = (uint32_t)when;
    timer[TIMER_CMP_HI / 4] = (uint32_t)(when >> 32);
}

/* ---- user mode (pages mapped PT_U; no globals, no kernel calls) ---- */

/* Step 1: a system call, then report its result. */
UTEXT static void user_syscall(long unused)
{
    (void)unused;
    long r = usys_call(SYS_ST_PING, 11, 22, 33);
    usys_call(SYS_ST_REPORT, r, 0, 0);
}

/* Step 2: loads from kernel-only memory at base + 8 (4-byte ld) and base
 * + 16 (compressed c.ld), a load from ST_NOMEM_LOAD and a store to
 * ST_NOMEM_STORE where no memory exists at all (the kernel skips each);
 * then report a1 and a0, which must be as they were. */
UTEXT static void user_fault(long base)
{
    register long a0 __asm__("a0") = 0x7777;
    register long a1 __asm__("a1") = base;
    register long a2 __asm__("a2") = ST_NOMEM_LOAD;
    register long a3 __asm__("a3") = (long)ST_NOMEM_STORE;
    __asm__ volatile(".option push\n\t.option norvc\n"
                     ".globl st_ld\nst_ld:\n\tld a0, 8(a1)\n"
                     "\t.option rvc\n"
                     ".globl st_cld\nst_cld:\n\tc.ld a0, 16(a1)\n"
                     "\t.option norvc\n"
                     ".globl st_ld_nomem\nst_ld_nomem:\n\tld a0, 0(a2)\n"
                     ".globl st_sd_nomem\nst_sd_nomem:\n\tsd a0, 0(a3)\n"
                     "\t.option pop"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3)
                     : "memory");
    usys_call(SYS_ST_REPORT, a1, a0, 0);
}

/* Step 3: an undefined and a privileged instruction (each skipped). */
UTEXT static void user_undef(long unused)
{
    (void)unused;
    usys_undefined_insn();
    usys_privileged_insn();
    usys_call(SYS_ST_REPORT, 3, 0, 0);
}

/* Step 4: spin until the timer handler sets s1 (or the limit runs out),
 * then report s1 and the iterations left. */
UTEXT static void user_spin(long limit)
{
    register long flag __asm__("s1") = 0;
    long n = limit;
    __asm__ volatile(".globl st_spin_loop\nst_spin_loop:\n"
                     "\taddi %0, %0, -1\n"
                     "\tbeqz %0, 1f\n"
                     "\tbeqz %1, st_spin_loop\n"
                     "1:\n.globl st_spin_end\nst_spin_end:"
                     : "+r"(n), "+r"(flag));
    usys_call(SYS_ST_REPORT, flag, n, 0);
}

/* ---- kernel side ---- */

/* Never returns: starts user function fn(arg) on the user stack. */
__attribute__((noreturn)) static void st_run_user(void (*fn)(long), long arg)
{
    phase = 0;
    arch_regs_init(&start_regs, (uintptr_t)fn, (uintptr_t)ustack + sizeof ustack, (uintptr_t)arg,
                   0);
    arch_enter_user(&start_regs);
}

/* Returns nothing: checks what every trap entry must look like: S-mode
 * (reading sstatus did not trap), previous mode U, SPIE = the user's SIE
 * (1), SIE = 0, sepc = the trap's PC, scause as decoded, the registers
 * saved where sscratch pointed (the ones entered with), the handler on the
 * kernel stack. */
static void st_check_entry(const struct arch_regs *f, const struct trap *t)
{
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    if (f != &start_regs || rv_csr_read(sscratch) != (uintptr_t)f)
        st_fail("registers not saved where sscratch points", (uintptr_t)f);
    if (sp < (uintptr_t)__kstack_bottom || sp >= (uintptr_t)__kstack_top)
        st_fail("trap handler not on the kernel stack", sp);
    uint64_t st = rv_csr_read(sstatus);
    if (st & RV_SSTATUS_SPP)
        st_fail("sstatus.SPP says the trap came from S-mode", st);
    if (!(st & RV_SSTATUS_SPIE) || (st & RV_SSTATUS_SIE))
        st_fail("sstatus.SPIE/SIE not set as on trap entry", st);
    if (rv_csr_read(scause) != t->cause)
        st_fail("scause changed", rv_csr_read(scause));
    uint64_t epc = rv_csr_read(sepc);
    if (epc != t->pc || (t->kind == TRAP_SYSCALL ? epc + 4 : epc) != f->pc)
        st_fail("sepc does not match the frame", epc);
}

/* Returns the length of the user instruction at pc (2 or 4 bytes). */
static uintptr_t st_insn_len(uintptr_t pc)
{
    return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

/* Never returns: step 1 (system call). */
__attribute__((noreturn)) static void st_syscall(struct arch_regs *f, const struct trap *t)
{
    if (t->kind != TRAP_SYSCALL || t->cause != RV_EXC_ECALL_U)
        st_fail("not an ecall from U-mode: scause", t->cause);
    if (t->pc != (uintptr_t)usys_ecall)
        st_fail("sepc is not the ecall", t->pc);
    if (phase++ == 0) {
        if (arch_syscall_nr(f) != SYS_ST_PING)
            st_fail("a7 (number) not preserved", arch_syscall_nr(f));
        for (unsigned i = 0; i < 3; i++)
            if (arch_syscall_arg(f, i) != 11 * (i + 1))
                st_fail("argument register not preserved", arch_syscall_arg(f, i));
        arch_syscall_set_ret(f, ST_RESULT);
        arch_enter_user(f);
    }
    if (arch_syscall_nr(f) != SYS_ST_REPORT || arch_syscall_arg(f, 0) != ST_RESULT)
        st_fail("user mode did not get the result in a0", arch_syscall_arg(f, 0));
    st_puts("selftest: syscall ok\n");
    step = 2;
    st_run_user(user_fault, (long)(uintptr_t)secret - 8);
}

/* Never returns: step 2 (four page faults, then the report). */
__attribute__((noreturn)) static void st_page_fault(struct arch_regs *f, const struct trap *t)
{
    uintptr_t base = (uintptr_t)secret - 8;
    const struct {
        uintptr_t pc, addr, len;
        uint64_t cause;
        enum trap_access access;
    } want[4] = {
        {(uintptr_t)st_ld, base + 8, 4, RV_EXC_LOAD_PAGE, TRAP_ACCESS_READ},
        {(uintptr_t)st_cld, base + 16, 2, RV_EXC_LOAD_PAGE, TRAP_ACCESS_READ},
        {(uintptr_t)st_ld_nomem, ST_NOMEM_LOAD, 4, RV_EXC_LOAD_PAGE, TRAP_ACCESS_READ},
        {(uintptr_t)st_sd_nomem, ST_NOMEM_STORE, 4, RV_EXC_STORE_PAGE, TRAP_ACCESS_WRITE},
    };
    if (phase < 4) {
        if (t->kind != TRAP_PAGE_FAULT || t->cause != want[phase].cause ||
            t->access != want[phase].access)
            st_fail("not the page fault due: scause", t->cause);
        if (t->pc != want[phase].pc)
            st_fail("sepc is not the faulting access", t->pc);
        if (t->addr != want[phase].addr || rv_csr_read(stval) != want[phase].addr)
            st_fail("stval is not the faulting address", t->addr);
        if (st_insn_len(t->pc) != want[phase].len)
            st_fail("the access has the wrong length", st_insn_len(t->pc));
        phase++;
        f->pc += st_insn_len(f->pc);
        arch_enter_user(f);
    }
    if (t->kind != TRAP_SYSCALL || arch_syscall_arg(f, 0) != base ||
        arch_syscall_arg(f, 1) != 0x7777)
        st_fail("registers changed across the faults", arch_syscall_arg(f, 1));
    st_puts("selftest: page fault ok\n");
    step = 3;
    st_run_user(user_undef, 0);
}

/* Never returns: step 3 (undefined and privileged instruction, then the
 * report). */
__attribute__((noreturn)) static void st_undef(struct arch_regs *f, const struct trap *t)
{
    const struct {
        uintptr_t pc;
        uint64_t cause;
        enum trap_kind kind;
    } want[2] = {
        {(uintptr_t)usys_undefined_insn, RV_EXC_ILLEGAL, TRAP_UNDEF},
        {(uintptr_t)usys_privileged_insn, RV_EXC_ILLEGAL, TRAP_UNDEF},
    };
    if (phase < 2) {
        if (t->kind != want[phase].kind || t->cause != want[phase].cause)
            st_fail("not an illegal-instruction trap: scause", t->cause);
        if (t->pc != want[phase].pc)
            st_fail("sepc is not the instruction", t->pc);
        if (rv_csr_read(stval) != 0)
            st_fail("stval is not 0", rv_csr_read(stval));
        phase++;
        f->pc += st_insn_len(f->pc);
        arch_enter_user(f);
    }
    if (t->kind != TRAP_SYSCALL || arch_syscall_arg(f, 0) != 3)
        st_fail("user mode did not resume after the instructions", t->cause);
    st_puts("selftest: undefined instruction ok\n");
    step = 4;
    /* The line goes up while the kernel runs (masked): nothing may come
     * before user mode. */
    volatile uint32_t *timer = (volatile uint32_t *)(uintptr_t)bi->timer_base;
    uint64_t until = st_now() + 240;
    st_arm_timer(40);
    while (st_now() < until)
        ;
    if (!(timer[TIMER_CTRL / 4] & TIMER_CTRL_PENDING))
        st_fail("the timer did not fire", timer[TIMER_CTRL / 4]);
    st_run_user(user_spin, ST_SPIN_LIMIT);
}

/* Never returns: step 4. First the interrupt that came while the kernel
 * ran masked, taken as soon as user mode runs (before the loop is done);
 * then one armed while the loop spins, taken inside it: the handler sets
 * s1, and the loop, resumed, exits and reports. */
__attribute__((noreturn)) static void st_timer(struct arch_regs *f, const struct trap *t)
{
    volatile uint32_t *timer = (volatile uint32_t *)(uintptr_t)bi->timer_base;
    volatile uint32_t *intc = (volatile uint32_t *)(uintptr_t)bi->intc_base;
    if (phase < 2) {
        uintptr_t lo = phase == 0 ? (uintptr_t)user_spin : (uintptr_t)st_spin_loop;
        if (t->kind != TRAP_IRQ || t->cause != (RV_SCAUSE_INTERRUPT | RV_IRQ_S_EXTERNAL))
            st_fail("not a supervisor external interrupt: scause", t->cause);
        uint32_t line = intc[INTC_TGT_CLAIM(0) / 4];
        if (line != INTC_LINE_TIMER)
            st_fail("the controller did not give the timer's line", line);
        if (t->pc < lo || t->pc >= (uintptr_t)st_spin_end)
            st_fail("sepc is not in the user loop", t->pc);
        if (rv_csr_read(stval) != 0)
            st_fail("stval is not 0", rv_csr_read(stval));
        if (!(timer[TIMER_CTRL / 4] & TIMER_CTRL_PENDING))
            st_fail("the timer line is not up", timer[TIMER_CTRL / 4]);
        timer[TIMER_CTRL / 4] = TIMER_CTRL_ACK;
        intc[INTC_TGT_COMPLETE(0) / 4] = line;
        if (phase++ == 0)
            st_arm_timer(300);
        else
            f->x[9] = ST_FLAG; /* s1: the loop's exit condition */
        arch_enter_user(f);
    }
    if (t->kind != TRAP_SYSCALL || arch_syscall_arg(f, 0) != ST_FLAG)
        st_fail("the loop did not see the handler's s1", arch_syscall_arg(f, 0));
    if (arch_syscall_arg(f, 1) == 0 || arch_syscall_arg(f, 1) >= ST_SPIN_LIMIT)
        st_fail("the loop did not resume where it was interrupted", arch_syscall_arg(f, 1));
    st_puts("selftest: timer interrupt ok\n");
    st_finish(0);
}

/* Never returns: every trap from user mode comes here. */
void trap_from_user(struct arch_regs *f, const struct trap *t)
{
    st_check_entry(f, t);
    switch (step) {
    case 1:
        st_syscall(f, t);
    case 2:
        st_page_fault(f, t);
    case 3:
        st_undef(f, t);
    case 4:
        st_timer(f, t);
    default:
        st_fail("trap in an unknown step", step);
    }
}

/* Never returns: maps the RAM up to the image's end kernel-only (2 MiB
 * blocks, which the user pages then split), the user code and stack
 * user-accessible, the devices, and starts step 1. */
void kmain(const struct bootinfo *b)
{
    bi = b;
    step = 1;
    arch_init(b);
    /* the core's own struct kcpu: where the trap entry finds its stack */
    st_cpu.stack_top = (uintptr_t)__kstack_top;
    arch_cpu_set_self(&st_cpu);
    uintptr_t mega = 2u << 20;
    uintptr_t kernel_len = ((uintptr_t)__kernel_end - b->ram_base + mega - 1) & ~(mega - 1);
    uintptr_t root = arch_pt_create();
    if (!root || arch_pt_map(root, b->ram_base, kernel_len, PT_R | PT_W | PT_X) ||
        arch_pt_map(root, b->uart_base, 4096, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, b->timer_base, 4096, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, b->power_base, 4096, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, b->intc_base, 4096, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, (uintptr_t)__user_start, (uintptr_t)(__user_end - __user_start),
                    PT_R | PT_X | PT_U) ||
        arch_pt_map(root, (uintptr_t)ustack, sizeof ustack, PT_R | PT_W | PT_U))
        panic("kmain: out of page-table pages");
    arch_pt_activate(root, 1);
    ((volatile uint32_t *)(uintptr_t)b->intc_base)[INTC_TGT_ENABLE(0) / 4] = 1u << INTC_LINE_TIMER;
    st_run_user(user_syscall, 0);
}

/* The fast path's entries, which the self-test does not link (kfastpath.h). */
KFP_SELFTEST_STUBS
