/* guest-kernel/arch/x86_64/selftest.c: the x86_64 trap self-test kernel.
 * Linked with this directory's entry.S, trap.S, arch.c, mmu.c and usys.S
 * (not with the neutral kernel). It proves on the installed Unicorn that
 * the host's trap emulation (machine/arch/x86_64.c) and the kernel's entry
 * and return agree with the hardware:
 *   1. `syscall` from ring 3 enters x86_syscall_entry (LSTAR) in ring 0,
 *      which saves a vector-0x80 frame where TSS.RSP0 points, RIP after
 *      the instruction, argument registers intact; sysretq resumes after
 *      it with the result in RAX;
 *   2. a load from a kernel-only page is #PF with error code P|U, CR2 = the
 *      address, RIP = the load (and a jump there faults as a fetch);
 *   3. ud2 is #UD and hlt is #GP(0), RIP = the instruction;
 *   4. the timer interrupt (vector 32) arrives in a user loop and iretq
 *      resumes the loop.
 * One console line per passed step, then power-off with 0; on a failure the
 * reason, then power-off with the step's number. */
#include "arch.h"
#include "kcpu.h"
#include "kfastpath.h"
#include "abi/devregs.h"
#include "x86.h"

#define USER __attribute__((section(".user.text"), noinline))

#define ST_NR_PROBE 0x51   /* step 1's system call */
#define ST_NR_REPORT 0x52  /* user code reports a value */
#define ST_RET 0x5eedULL   /* step 1's result */
#define ST_MAGIC 0x5a5a    /* step 4: the kernel stops the user loop with it */
#define ST_TIMER_DELAY 400 /* cycles until the timer fires in step 4 */
#define ST_POOL_PAGES 8
#define PAGE 4096
#define MIB2 0x200000ULL

long usys_call(long nr, long a0, long a1, long a2); /* usys.S, in libuser.a */
static struct kcpu st_cpu;                          /* the one core's (kcpu.h) */
extern char usys_call_trap[];                       /* the `syscall` in it */
extern char __user_start[], __user_end[], __kernel_end[];
extern char __kstack_bottom[], __kstack_top[];
/* Labels inside the user functions below. */
extern char st_load_insn[], st_ud_insn[], st_priv_insn[], st_spin_start[], st_spin_end[];

__attribute__((noreturn)) void kmain(const struct bootinfo *bi);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

static uintptr_t uart, timer, power, intc;
static uint8_t pool[ST_POOL_PAGES][PAGE] __attribute__((aligned(PAGE)));
static unsigned pool_used;
static uint8_t ustack[PAGE] __attribute__((aligned(PAGE)));
static volatile uint64_t secret[PAGE / 8] __attribute__((aligned(PAGE))); /* kernel-only */
static struct arch_regs regs __attribute__((aligned(16))); /* the user's, saved at entry */
static unsigned step; /* 1..4: the step in progress; 10 * step + n: its phase n */
static unsigned irqs;

/* ---- user mode ---- */

/* Step 1: a system call, then report its result. */
USER void st_user_syscall(long unused)
{
    (void)unused;
    long r = usys_call(ST_NR_PROBE, 0xa0, 0xa1, 0xa2);
    usys_call(ST_NR_REPORT, r, 0, 0);
    for (;;)
        ;
}

/* Step 2: a load from `addr` (a kernel-only page). */
USER void st_user_load(long addr)
{
    long v;
    __asm__ volatile(".globl st_load_insn\nst_load_insn:\n\tmovq (%1), %0"
                     : "=r"(v)
                     : "r"(addr)
                     : "memory");
    usys_call(ST_NR_REPORT, v, 0, 0);
    for (;;)
        ;
}

/* Step 3: an undefined instruction. */
USER void st_user_undef(long unused)
{
    (void)unused;
    __asm__ volatile(".globl st_ud_insn\nst_ud_insn:\n\tud2");
    for (;;)
        ;
}

/* Step 3: a privileged instruction. */
USER void st_user_priv(long unused)
{
    (void)unused;
    __asm__ volatile(".globl st_priv_insn\nst_priv_insn:\n\thlt");
    for (;;)
        ;
}

/* Step 4: spins until the kernel puts ST_MAGIC into RAX at an interrupt,
 * then reports how often it went round. */
USER void st_user_spin(long unused)
{
    long a, n;
    (void)unused;
    __asm__ volatile("xor %k0, %k0\n\t"
                     "xor %k1, %k1\n"
                     ".globl st_spin_start\nst_spin_start:\n\t"
                     "inc %1\n\t"
                     "cmp %2, %0\n\t"
                     "jne st_spin_start\n"
                     ".globl st_spin_end\nst_spin_end:"
                     : "=&a"(a), "=&r"(n)
                     : "i"(ST_MAGIC));
    usys_call(ST_NR_REPORT, n, a, 0);
    for (;;)
        ;
}

/* ---- kernel mode ---- */

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

static void put(const char *s)
{
    while (*s)
        *(volatile uint32_t *)(uart + UART_DATA) = (uint8_t)*s++;
}

static void put_hex(uint64_t v)
{
    char b[19] = "0x";
    for (int i = 0; i < 16; i++)
        b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    b[18] = 0;
    put(b);
}

/* Powers off with `code` and stops. */
__attribute__((noreturn)) static void power_off(uint32_t code)
{
    *(volatile uint32_t *)(power + POWER_EXIT) = code;
    arch_halt();
}

/* Reports the failed step with `why` (and a value) and powers off with the
 * step's number. */
__attribute__((noreturn)) static void fail(const char *why, uint64_t value)
{
    unsigned s = step >= 10 ? step / 10 : step;
    put("selftest: step ");
    char d[2] = {(char)('0' + s), 0};
    put(d);
    put(" failed: ");
    put(why);
    put(" (");
    put_hex(value);
    put(")\n");
    power_off(s ? s : 9);
}

void panic(const char *why)
{
    fail(why, 0);
}

uintptr_t kpage_alloc(void)
{
    if (pool_used == ST_POOL_PAGES)
        return 0;
    return (uintptr_t)pool[pool_used++]; /* .bss: already zero */
}

static uint64_t timer_now(void)
{
    uint32_t hi, lo;
    do {
        hi = *(volatile uint32_t *)(timer + TIMER_NOW_HI);
        lo = *(volatile uint32_t *)(timer + TIMER_NOW_LO);
    } while (hi != *(volatile uint32_t *)(timer + TIMER_NOW_HI));
    return ((uint64_t)hi << 32) | lo;
}

/* Starts fn(arg) in user mode on the user stack. */
__attribute__((noreturn)) static void start_user(void (*fn)(long), long arg)
{
    arch_regs_init(&regs, (uintptr_t)fn, (uintptr_t)(ustack + PAGE), (uintptr_t)arg, 0);
    arch_enter_user(&regs);
}

/* Checks that a trap entered as the hardware would: ring 0, interrupts
 * off, the frame in the registers arch_enter_user restored (TSS.RSP0 at
 * their end), the handler on the kernel stack, a ring-3 frame. */
static void check_entry(const struct arch_regs *f)
{
    if (x86_read_cs() != X86_SEL_KCODE)
        fail("trap handler not in ring 0 (CS)", x86_read_cs());
    if (x86_read_rflags() & X86_RFLAGS_IF)
        fail("interrupts enabled in the trap handler", x86_read_rflags());
    if (f != &regs)
        fail("frame not in the registers entered with (TSS.RSP0)", (uintptr_t)f);
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    if (sp < (uintptr_t)__kstack_bottom || sp >= (uintptr_t)__kstack_top)
        fail("trap handler not on the kernel stack", sp);
    if (f->cs != X86_SEL_UCODE || f->ss != X86_SEL_UDATA)
        fail("pushed CS/SS are not the user's", f->cs << 16 | f->ss);
    if (!(f->rflags & X86_RFLAGS_IF))
        fail("pushed RFLAGS without IF", f->rflags);
    if (f->rsp < (uintptr_t)ustack || f->rsp > (uintptr_t)ustack + PAGE)
        fail("pushed RSP is not on the user stack", f->rsp);
}

/* Fails unless the trap is kind `kind`, vector `vec`, at `pc`. */
static void expect(const struct arch_regs *f, const struct trap *t, enum trap_kind kind,
                   unsigned vec, uintptr_t pc)
{
    if (t->kind != kind)
        fail("wrong trap kind; cause", t->cause);
    if (f->vector != vec)
        fail("wrong vector", f->vector);
    if (t->pc != pc)
        fail("wrong trap PC", t->pc);
}

void trap_from_user(struct arch_regs *f, const struct trap *t)
{
    check_entry(f);
    switch (step) {
    case 1: /* the probe call */
        expect(f, t, TRAP_SYSCALL, X86_VEC_SYSCALL, (uintptr_t)usys_call_trap);
        if (f->rip != (uintptr_t)usys_call_trap + 2)
            fail("saved RIP is not after the syscall", f->rip);
        if (arch_syscall_nr(f) != ST_NR_PROBE || arch_syscall_arg(f, 0) != 0xa0 ||
            arch_syscall_arg(f, 1) != 0xa1 || arch_syscall_arg(f, 2) != 0xa2)
            fail("system-call number or arguments changed", arch_syscall_nr(f));
        arch_syscall_set_ret(f, ST_RET);
        step = 11;
        arch_enter_user(f);
    case 11: /* user mode reports what the call returned */
        expect(f, t, TRAP_SYSCALL, X86_VEC_SYSCALL, (uintptr_t)usys_call_trap);
        if (arch_syscall_nr(f) != ST_NR_REPORT || arch_syscall_arg(f, 0) != ST_RET)
            fail("the system call's result did not reach user mode", arch_syscall_arg(f, 0));
        put("selftest: syscall ok\n");
        step = 2;
        start_user(st_user_load, (long)(uintptr_t)secret);
    case 2: /* the load from the kernel-only page */
        expect(f, t, TRAP_PAGE_FAULT, X86_VEC_PF, (uintptr_t)st_load_insn);
        if (t->access != TRAP_ACCESS_READ || f->error != (X86_PF_P | X86_PF_U))
            fail("not a user read of a present page; error code", f->error);
        if (t->addr != (uintptr_t)secret || f->rip != (uintptr_t)st_load_insn)
            fail("wrong fault address (CR2) or RIP", t->addr);
        step = 21;
        start_user((void (*)(long))(uintptr_t)secret, 0);
    case 21: /* the jump into the kernel-only page */
        expect(f, t, TRAP_PAGE_FAULT, X86_VEC_PF, (uintptr_t)secret);
        if (t->addr != (uintptr_t)secret || t->access != TRAP_ACCESS_EXEC)
            fail("a fetch fault not reported as one; error code", f->error);
        put("selftest: page fault ok\n");
        step = 3;
        start_user(st_user_undef, 0);
    case 3: /* ud2 */
        expect(f, t, TRAP_UNDEF, X86_VEC_UD, (uintptr_t)st_ud_insn);
        step = 31;
        start_user(st_user_priv, 0);
    case 31: /* hlt in ring 3 */
        expect(f, t, TRAP_OTHER, X86_VEC_GP, (uintptr_t)st_priv_insn);
        if (f->error != 0)
            fail("#GP error code is not 0", f->error);
        put("selftest: undefined instruction ok\n");
        step = 4;
        {
            uint64_t when = timer_now() + ST_TIMER_DELAY;
            *(volatile uint32_t *)(timer + TIMER_CMP_LO) = (uint32_t)when;
            *(volatile uint32_t *)(timer + TIMER_CMP_HI) = (uint32_t)(when >> 32);
        }
        start_user(st_user_spin, 0);
    case 4: /* the interrupt in the loop, then the loop's report */
        if (t->kind == TRAP_IRQ) {
            if (f->vector != X86_VEC_INTC || irqs++ != 0)
                fail("unexpected interrupt vector", f->vector);
            uint32_t line = *(volatile uint32_t *)(intc + INTC_TGT_CLAIM(0));
            if (line != INTC_LINE_TIMER)
                fail("the controller did not give the timer's line", line);
            if (!(*(volatile uint32_t *)(timer + TIMER_CTRL) & TIMER_CTRL_PENDING))
                fail("interrupt without the timer pending", 0);
            if (f->rip < (uintptr_t)st_spin_start || f->rip >= (uintptr_t)st_spin_end)
                fail("interrupted RIP is not in the user loop", f->rip);
            *(volatile uint32_t *)(timer + TIMER_CTRL) = TIMER_CTRL_ACK;
            *(volatile uint32_t *)(intc + INTC_TGT_COMPLETE(0)) = line;
            f->rax = ST_MAGIC;
            arch_enter_user(f);
        }
        expect(f, t, TRAP_SYSCALL, X86_VEC_SYSCALL, (uintptr_t)usys_call_trap);
        if (irqs != 1 || arch_syscall_arg(f, 1) != ST_MAGIC || arch_syscall_arg(f, 0) == 0)
            fail("the loop did not resume after the interrupt; rounds", arch_syscall_arg(f, 0));
        put("selftest: timer interrupt ok\n");
        power_off(0);
    default:
        fail("trap in an unknown step", step);
    }
}

void kmain(const struct bootinfo *bi)
{
    if (bi->magic != BOOTINFO_MAGIC)
        arch_halt();
    uart = bi->uart_base;
    timer = bi->timer_base;
    power = bi->power_base;
    intc = bi->intc_base;
    step = 0;
    arch_init(bi);
    /* the core's own struct kcpu: where the trap entry finds its stack */
    st_cpu.stack_top = (uintptr_t)__kstack_top;
    arch_cpu_set_self(&st_cpu);
    /* The image kernel-only (2 MiB pages), the devices, the user code and
     * stack; nothing else. */
    uintptr_t ram_end = ((uintptr_t)__kernel_end + MIB2 - 1) & ~(uintptr_t)(MIB2 - 1);
    uintptr_t root = arch_pt_create();
    if (!root || arch_pt_map(root, bi->ram_base, ram_end - bi->ram_base, PT_R | PT_W | PT_X) ||
        arch_pt_map(root, uart, PAGE, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, timer, PAGE, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, power, PAGE, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, intc, PAGE, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(root, (uintptr_t)__user_start, (uintptr_t)(__user_end - __user_start),
                    PT_R | PT_X | PT_U) ||
        arch_pt_map(root, (uintptr_t)ustack, PAGE, PT_R | PT_W | PT_U))
        fail("out of page-table pages", pool_used);
    arch_pt_activate(root, 0);
    *(volatile uint32_t *)(intc + INTC_TGT_ENABLE(0)) = 1u << INTC_LINE_TIMER;
    secret[0] = 0x5ec7e7;
    step = 1;
    start_user(st_user_syscall, 0);
}

/* The fast path's entries, which the self-test does not link (kfastpath.h). */
KFP_SELFTEST_STUBS
