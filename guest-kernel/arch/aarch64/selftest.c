/* guest-kernel/arch/aarch64/selftest.c: the trap self-test kernel. Linked
 * with entry.S, trap.S, arch.c, mmu.c and usys.S only (not the neutral
 * kernel), it proves on the installed Unicorn that AArch64 trap entry and
 * return work: it drops to EL0 in its own page tables and checks, step by
 * step, (1) svc, (2) a load from a kernel-only page, (3) an undefined and a
 * privileged instruction, (4) a timer interrupt in a user loop. One console
 * line per passed step; power-off code 0, or the failed step's number. */
#include "arch.h"
#include "kcpu.h"
#include "kfastpath.h"
#include "abi/devregs.h"
#include "user/ulib.h"

#define USER __attribute__((section(".user.text"), noinline))

/* The self-test's own system calls. */
#define ST_SYS_CHECK 0x51  /* step 1: x0..x5 carry a pattern */
#define ST_SYS_REPORT 0x52 /* (step, ok): the user side's verdict */
#define ST_SYS_ARM 0x53    /* step 4: arm the timer */
#define ST_SYS_DONE 0x54   /* step 4: (loop count, flag) after the loop */
#define ST_RESULT 0x600dULL
#define ST_TIMER_DELAY 400

#define ST_POOL_PAGES 8

static struct kcpu st_cpu; /* the one core's (kcpu.h) */
extern char __user_start[], __user_end[], __kstack_bottom[], __kstack_top[];
/* Labels inside the user code below (inline assembly). */
extern char st_svc_ret[], st_pf_insn[], st_spin_loop[], st_spin_end[];

static uintptr_t st_uart, st_timer, st_power, st_intc;
static unsigned st_step = 1;
static uint64_t st_irq_count; /* loop count the interrupt saw */
static int st_irq_seen;
static volatile uint64_t st_secret = 0x5ec7e7;
static uint8_t st_ustack[4096] __attribute__((aligned(4096)));
static uint8_t st_pool[ST_POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned st_pool_used;
static struct arch_regs st_regs __attribute__((aligned(16))); /* the user's, saved at entry */

/* The compiler may call these for struct copies. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* Returns d after filling n bytes with c. */
void *memset(void *d, int c, size_t n)
{
    volatile unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

/* Returns d after copying n bytes from s. */
void *memcpy(void *d, const void *s, size_t n)
{
    volatile unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

/* Writes a 32-bit device register. */
static void st_mmio_write(uintptr_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

/* Returns a 32-bit device register. */
static uint32_t st_mmio_read(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

/* Prints a string on the UART. */
static void st_puts(const char *s)
{
    while (*s)
        st_mmio_write(st_uart + UART_DATA, (uint8_t)*s++);
}

/* Prints v as 0x-prefixed hex. */
static void st_puthex(uint64_t v)
{
    char buf[19];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    buf[18] = '\0';
    st_puts(buf);
}

/* Powers off with `code`. */
__attribute__((noreturn)) static void st_exit(uint32_t code)
{
    st_mmio_write(st_power + POWER_EXIT, code);
    arch_halt();
}

/* Reports the failed current step with the trap it got, powers off. */
__attribute__((noreturn)) static void st_fail(const char *why, const struct trap *t)
{
    st_puts("selftest: step ");
    char digit[2] = {(char)('0' + st_step), '\0'};
    st_puts(digit);
    st_puts(" failed: ");
    st_puts(why);
    if (t) {
        st_puts(" (kind ");
        st_puthex(t->kind);
        st_puts(", cause ");
        st_puthex(t->cause);
        st_puts(", pc ");
        st_puthex(t->pc);
        st_puts(", addr ");
        st_puthex(t->addr);
        st_puts(")");
    }
    st_puts("\n");
    st_exit(st_step);
}

/* Prints the pass line of the current step and moves on. */
static void st_pass(const char *name)
{
    st_puts("selftest: ");
    st_puts(name);
    st_puts(" ok\n");
    st_step++;
}

/* Prints why and powers off with 99; never returns. */
void panic(const char *why)
{
    st_puts("selftest: panic: ");
    st_puts(why);
    st_puts("\n");
    st_exit(99);
}

/* The pool is .bss, which the host's loader zero-fills, and each page is
 * handed out once: the pages are zero already. */
uintptr_t kpage_alloc(void)
{
    if (st_pool_used == ST_POOL_PAGES)
        return 0;
    return (uintptr_t)st_pool[st_pool_used++];
}

/* ---- user mode (EL0): only .user.text, the user stack and usys.S ---- */

/* Step 1, user side: returns 1 if after svc x0 holds the result and x1..x5,
 * x8 and sp are what they were. */
USER static long st_user_svc(void)
{
    register long x0 __asm__("x0") = 0x100;
    register long x1 __asm__("x1") = 0x101;
    register long x2 __asm__("x2") = 0x102;
    register long x3 __asm__("x3") = 0x103;
    register long x4 __asm__("x4") = 0x104;
    register long x5 __asm__("x5") = 0x105;
    register long x8 __asm__("x8") = ST_SYS_CHECK;
    long sp0, sp1;
    __asm__ volatile("mov %7, sp\n\t"
                     "svc #0\n\t"
                     ".globl st_svc_ret\n"
                     "st_svc_ret:\n\t"
                     "mov %8, sp"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x8),
                       "=&r"(sp0), "=&r"(sp1)
                     :
                     : "memory");
    return x0 == (long)ST_RESULT && x1 == 0x101 && x2 == 0x102 && x3 == 0x103 && x4 == 0x104 &&
           x5 == 0x105 && x8 == ST_SYS_CHECK && sp0 == sp1;
}

/* The user program: the four steps in a row. */
USER __attribute__((noreturn)) static void st_user_main(long secret_addr)
{
    usys_call(ST_SYS_REPORT, 1, st_user_svc(), 0);

    long v;
    __asm__ volatile(".globl st_pf_insn\n"
                     "st_pf_insn:\n\t"
                     "ldr %0, [%1]"
                     : "=r"(v)
                     : "r"(secret_addr)
                     : "memory");
    (void)v;

    usys_undefined_insn();
    usys_privileged_insn();

    usys_call(ST_SYS_ARM, 0, 0, 0);
    register long flag __asm__("x9") = 0;
    register long n __asm__("x10") = 0;
    __asm__ volatile(".globl st_spin_loop\n"
                     "st_spin_loop:\n\t"
                     "add %1, %1, #1\n\t"
                     "cbz %0, st_spin_loop\n"
                     ".globl st_spin_end\n"
                     "st_spin_end:"
                     : "+r"(flag), "+r"(n));
    usys_call(ST_SYS_DONE, n, flag, 0);
    for (;;)
        usys_call(ST_SYS_DONE, 0, 0, 0);
}

/* ---- kernel side ---- */

/* Handles a system call of the current step. Returns to user mode. */
__attribute__((noreturn)) static void st_syscall(struct arch_regs *frame, const struct trap *t)
{
    uintptr_t nr = arch_syscall_nr(frame);
    if (A64_ESR_EC(t->cause) != A64_EC_SVC64 || (t->cause & 0xffff) != 0)
        st_fail("svc: wrong ESR_EL1", t);
    if (frame->pc != t->pc + 4)
        st_fail("svc: saved pc is not past the svc", t);
    /* The frame in the registers entered with (SP_EL1 at their end), the
     * handler on the kernel stack, and SPSR_EL1 = EL0t with DAIF clear. */
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    if (frame != &st_regs || sp >= (uintptr_t)__kstack_top || sp < (uintptr_t)__kstack_bottom ||
        (frame->pstate & 0x3cf))
        st_fail("svc: wrong save area, kernel stack or SPSR_EL1 at entry", t);
    if (st_step == 1 && nr == ST_SYS_CHECK) {
        if (t->pc != (uintptr_t)st_svc_ret - 4)
            st_fail("svc: wrong pc", t);
        for (unsigned i = 0; i < 6; i++)
            if (arch_syscall_arg(frame, i) != 0x100 + i)
                st_fail("svc: argument registers changed", t);
        arch_syscall_set_ret(frame, ST_RESULT);
    } else if (st_step == 1 && nr == ST_SYS_REPORT) {
        if (arch_syscall_arg(frame, 0) != 1 || arch_syscall_arg(frame, 1) != 1)
            st_fail("svc: registers after return differ (result, args or sp)", t);
        st_pass("syscall");
    } else if (st_step == 4 && nr == ST_SYS_ARM) {
        uint64_t hi = st_mmio_read(st_timer + TIMER_NOW_HI);
        uint64_t now = (hi << 32) | st_mmio_read(st_timer + TIMER_NOW_LO);
        uint64_t cmp = now + ST_TIMER_DELAY;
        st_mmio_write(st_timer + TIMER_CMP_LO, (uint32_t)cmp);
        st_mmio_write(st_timer + TIMER_CMP_HI, (uint32_t)(cmp >> 32));
    } else if (st_step == 4 && st_irq_seen && nr == ST_SYS_DONE) {
        uint64_t n = arch_syscall_arg(frame, 0);
        if (arch_syscall_arg(frame, 1) != 1 || n < st_irq_count || n > st_irq_count + 1)
            st_fail("timer: the loop did not resume where it was interrupted", t);
        st_pass("timer interrupt");
        st_exit(0);
    } else {
        st_fail("unexpected system call", t);
    }
    arch_enter_user(frame);
}

/* Checks a trap against the current step; returns to user mode (skipping
 * a faulting instruction) or powers off. */
void trap_from_user(struct arch_regs *frame, const struct trap *t)
{
    if (t->kind == TRAP_SYSCALL)
        st_syscall(frame, t);
    if (st_step == 2) {
        if (t->kind != TRAP_PAGE_FAULT || t->access != TRAP_ACCESS_READ ||
            A64_ESR_EC(t->cause) != A64_EC_DABT_LOW)
            st_fail("load from a kernel page: not a read page fault", t);
        if (t->pc != (uintptr_t)st_pf_insn || frame->pc != t->pc)
            st_fail("page fault: wrong pc", t);
        if (t->addr != (uintptr_t)&st_secret)
            st_fail("page fault: wrong fault address", t);
        st_pass("page fault");
        frame->pc += 4; /* skip the load */
    } else if (st_step == 3 && t->pc == (uintptr_t)usys_undefined_insn) {
        if (t->kind != TRAP_UNDEF || A64_ESR_EC(t->cause) != A64_EC_UNKNOWN || frame->pc != t->pc)
            st_fail("udf: not an undefined-instruction trap", t);
        frame->pc += 4;
    } else if (st_step == 3) {
        if (t->kind != TRAP_UNDEF || t->pc != (uintptr_t)usys_privileged_insn || frame->pc != t->pc)
            st_fail("mrs sctlr_el1 at EL0: not an undefined-instruction trap", t);
        st_pass("undefined instruction");
        frame->pc += 4;
    } else if (st_step == 4 && !st_irq_seen) {
        if (t->kind != TRAP_IRQ)
            st_fail("timer: expected an interrupt", t);
        uint32_t line = st_mmio_read(st_intc + INTC_TGT_CLAIM(0));
        if (line != INTC_LINE_TIMER)
            st_fail("timer: the controller did not give the timer's line", t);
        if (!(st_mmio_read(st_timer + TIMER_CTRL) & TIMER_CTRL_PENDING))
            st_fail("timer: interrupt without a pending timer", t);
        if (frame->pc < (uintptr_t)st_spin_loop || frame->pc >= (uintptr_t)st_spin_end ||
            (frame->pstate & 0x3cf) != 0)
            st_fail("timer: not taken from the user loop at EL0 with DAIF clear", t);
        st_mmio_write(st_timer + TIMER_CTRL, TIMER_CTRL_ACK);
        st_mmio_write(st_intc + INTC_TGT_COMPLETE(0), line);
        st_irq_count = frame->x[10];
        frame->x[9] = 1; /* ends the loop */
        st_irq_seen = 1;
    } else {
        st_fail("unexpected trap", t);
    }
    arch_enter_user(frame);
}

/* The self-test's entry from entry.S. */
__attribute__((noreturn)) void kmain(const struct bootinfo *bi);
void kmain(const struct bootinfo *bi)
{
    if (bi->magic != BOOTINFO_MAGIC)
        arch_halt();
    st_uart = bi->uart_base;
    st_timer = bi->timer_base;
    st_power = bi->power_base;
    st_intc = bi->intc_base;
    arch_init(bi);
    /* the core's own struct kcpu: where the trap entry finds its stack */
    st_cpu.stack_top = (uintptr_t)__kstack_top;
    arch_cpu_set_self(&st_cpu);
    uintptr_t root = arch_pt_create();
    uintptr_t ustack = (uintptr_t)st_ustack;
    if (!root || arch_pt_map(root, bi->ram_base, bi->ram_size, PT_R | PT_W | PT_X) ||
        arch_pt_map(root, st_uart, 4096, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, st_timer, 4096, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, st_power, 4096, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, st_intc, 4096, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, (uintptr_t)__user_start, (uintptr_t)(__user_end - __user_start),
                    PT_R | PT_X | PT_U) ||
        arch_pt_map(root, ustack, sizeof st_ustack, PT_R | PT_W | PT_U))
        panic("kmain: out of page-table pages");
    arch_pt_activate(root, 1);
    st_mmio_write(st_intc + INTC_TGT_ENABLE(0), 1u << INTC_LINE_TIMER);
    st_puts("selftest: aarch64 trap self-test at EL0\n");
    arch_regs_init(&st_regs, (uintptr_t)st_user_main, ustack + sizeof st_ustack - 16,
                   (uintptr_t)&st_secret, 0);
    arch_enter_user(&st_regs);
}

/* The fast path's entries, which the self-test does not link (kfastpath.h). */
KFP_SELFTEST_STUBS
