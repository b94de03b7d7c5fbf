/* guest-kernel/arch/x86_64/arch.c: the x86_64 CPU set-up (GDT, TSS, IDT,
 * control registers), trap decoding and the small arch hooks.
 *
 * Segments: kernel code 0x08 / data 0x10 (DPL 0), user data 0x1b and code
 * 0x23 (DPL 3), the TSS at 0x28. The TSS only supplies RSP0, the end of
 * the running process's saved registers (struct proc.regs), where every
 * trap from user mode pushes its frame (trap.S). IDT: vectors
 * 0-31 (exceptions) and 32 (the timer) are DPL-0 interrupt gates (IF is
 * cleared on entry: the kernel runs with interrupts masked); vector 0x80
 * (`int $0x80`) is a DPL-3 interrupt gate. The system call is `syscall`
 * (EFER.SCE, STAR, LSTAR = x86_syscall_entry, FMASK clears IF), whose
 * frame trap.S builds in the same place with vector 0x80, and returns with
 * sysretq. */
#include <stddef.h>

#include "arch.h"
#include "kcpu.h"
#include "x86.h"

/* The 64-bit TSS (Intel SDM vol. 3A, 7.7). */
struct x86_tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct x86_tss) == 104, "64-bit TSS");
_Static_assert(offsetof(struct x86_tss, rsp) == 4, "trap.S X86_TSS_RSP0");
_Static_assert(sizeof(struct arch_regs) == 176, "trap.S X86_REGS_SIZE");
_Static_assert(offsetof(struct arch_regs, error) == 128 && offsetof(struct arch_regs, rip) == 136 &&
                   offsetof(struct arch_regs, rflags) == 152 &&
                   offsetof(struct arch_regs, rsp) == 160,
               "trap.S X86_REGS_ERROR, _RIP, _RFLAGS, _RSP");
_Static_assert(X86_SEL_UDATA == 0x1b && X86_SEL_UCODE == 0x23, "trap.S X86_SEL_UDATA_, _UCODE_");

/* A 64-bit IDT gate. */
struct x86_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr; /* P, DPL, type (0xe: interrupt gate) */
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

_Static_assert(sizeof(struct x86_gate) == 16, "64-bit IDT gate");

/* Operand of lgdt / lidt. */
struct x86_dtr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* null, kcode, kdata, udata, ucode, then each core's TSS (2 slots each:
 * core k's selector is X86_SEL_TSS(k)) */
#define X86_GDT_ENTRIES (5 + 2 * KCPU_MAX)
#define X86_IDT_ENTRIES 256
#define X86_NSTUBS 33        /* vectors 0..32 have stubs in trap.S */
#define X86_GATE_KERNEL 0x8e /* present, DPL 0, interrupt gate */
#define X86_GATE_USER 0xee   /* present, DPL 3, interrupt gate */

extern const uint64_t x86_stub_table[X86_NSTUBS]; /* trap.S */
extern char x86_stub_syscall[];                   /* trap.S */
extern char x86_syscall_entry[];                  /* trap.S, LSTAR */

static uint64_t gdt[X86_GDT_ENTRIES] __attribute__((aligned(16)));
/* Each core's TSS: arch_enter_user (trap.S) points its RSP0 at the end of
 * the registers it restores, reaching it through the core's struct kcpu
 * (arch[1], %gs:24). */
static struct x86_tss x86_tss[KCPU_MAX] __attribute__((aligned(16)));
static struct x86_gate idt[X86_IDT_ENTRIES] __attribute__((aligned(16)));
bool x86_nx_enabled;

/* Called by trap.S with the frame it built; never returns. */
__attribute__((noreturn)) void x86_trap(struct arch_regs *frame);

const char *arch_name(void)
{
    return "x86_64";
}

/* Fills IDT entry `vec` with a gate to `handler`, attributes `type_attr`. */
static void idt_set(unsigned vec, uintptr_t handler, uint8_t type_attr)
{
    idt[vec] = (struct x86_gate){
        .offset_lo = (uint16_t)handler,
        .selector = X86_SEL_KCODE,
        .ist = 0,
        .type_attr = type_attr,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_hi = (uint32_t)(handler >> 32),
    };
}

/* Returns true if CPUID says the CPU has the NX bit (leaf 0x80000001,
 * EDX bit 20). */
static bool cpu_has_nx(void)
{
    uint32_t a = 0x80000000u, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    if (a < 0x80000001u)
        return false;
    a = 0x80000001u;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    return (d >> 20) & 1;
}

void arch_init(const struct bootinfo *bi)
{
    (void)bi;
    /* GDT: flat 64-bit code and data segments for both rings, and every
     * core's TSS (each core loads its own: arch_cpu_set_self). */
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffULL; /* kernel code: P, DPL 0, L */
    gdt[2] = 0x00cf92000000ffffULL; /* kernel data: P, DPL 0, W */
    gdt[3] = 0x00cff2000000ffffULL; /* user data: P, DPL 3, W */
    gdt[4] = 0x00affa000000ffffULL; /* user code: P, DPL 3, L */
    for (unsigned k = 0; k < KCPU_MAX; k++) {
        uintptr_t t = (uintptr_t)&x86_tss[k];
        uint64_t limit = sizeof x86_tss[k] - 1;
        gdt[5 + 2 * k] = (limit & 0xffff) | ((t & 0xffffffULL) << 16) | (0x89ULL << 40) |
                         ((limit >> 16 & 0xf) << 48) | ((t >> 24 & 0xff) << 56);
        gdt[6 + 2 * k] = t >> 32;
        x86_tss[k].iomap_base = sizeof x86_tss[k]; /* no I/O permission bitmap */
    }
    struct x86_dtr gdtr = {sizeof gdt - 1, (uintptr_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %2, %%ss\n\t"
                     "mov %3, %%ds\n\t"
                     "mov %3, %%es\n\t"
                     "mov %3, %%fs\n\t"
                     "mov %3, %%gs"
                     :
                     : "m"(gdtr), "i"(X86_SEL_KCODE), "r"((uint16_t)X86_SEL_KDATA), "r"((uint16_t)0)
                     : "rax", "memory");

    /* IDT: every exception and the timer to its stub, int $0x80 from
     * user mode. */
    for (unsigned v = 0; v < X86_NSTUBS; v++)
        idt_set(v, x86_stub_table[v], X86_GATE_KERNEL);
    idt_set(X86_VEC_SYSCALL, (uintptr_t)x86_stub_syscall, X86_GATE_USER);
    struct x86_dtr idtr = {sizeof idt - 1, (uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");

    /* 4-level paging needs PAE (arch_pt_activate turns paging on). */
    x86_write_cr4(x86_read_cr4() | X86_CR4_PAE);
    x86_cpu_msrs();
}

void x86_cpu_msrs(void)
{
    /* NX where the CPU has it, so non-executable pages fault on fetch. */
    if (cpu_has_nx())
        x86_wrmsr(X86_MSR_EFER, x86_rdmsr(X86_MSR_EFER) | X86_EFER_NXE);
    x86_nx_enabled = (x86_rdmsr(X86_MSR_EFER) & X86_EFER_NXE) != 0;

    /* `syscall` / `sysretq` (trap.S x86_syscall_entry, arch_enter_user). */
    x86_wrmsr(X86_MSR_STAR, X86_STAR);
    x86_wrmsr(X86_MSR_LSTAR, (uintptr_t)x86_syscall_entry);
    x86_wrmsr(X86_MSR_FMASK, X86_FMASK);
    x86_wrmsr(X86_MSR_EFER, x86_rdmsr(X86_MSR_EFER) | X86_EFER_SCE);
}

void arch_cpu_set_self(struct kcpu *cpu)
{
    struct x86_tss *tss = &x86_tss[cpu->id];
    cpu->self = cpu;
    cpu->arch[1] = (uintptr_t)tss;
    tss->rsp[0] = cpu->stack_top; /* until arch_enter_user */
    __asm__ volatile("ltr %0" : : "r"((uint16_t)X86_SEL_TSS(cpu->id)) : "memory");
    /* the kernel's GS base; the user's (0 until it changes it) waits in
     * KERNEL_GS_BASE for the first swapgs (arch_enter_user) */
    x86_wrmsr(X86_MSR_GS_BASE, (uintptr_t)cpu);
    x86_wrmsr(X86_MSR_KERNEL_GS_BASE, 0);
}

/* Returns the access a page fault with error code `err` at `pc` made.
 * Without NX the CPU does not report instruction fetches (I/D bit): a fault
 * on the very address being executed is then taken as one. */
static enum trap_access pf_access(uint64_t err, uintptr_t pc, uintptr_t addr)
{
    if ((err & X86_PF_ID) || (!x86_nx_enabled && addr == pc))
        return TRAP_ACCESS_EXEC;
    return (err & X86_PF_W) ? TRAP_ACCESS_WRITE : TRAP_ACCESS_READ;
}

/* Decodes the trap in `frame` and hands it to the kernel. The raw cause is
 * the vector in bits 0-7 and the CPU's error code above. */
void x86_trap(struct arch_regs *frame)
{
    if ((frame->cs & 3) != 3)
        panic("x86_trap: trap taken in kernel mode");
    struct trap t = {
        .kind = TRAP_OTHER,
        .pc = frame->rip,
        .cause = frame->vector | (frame->error << 8),
    };
    switch (frame->vector) {
    case X86_VEC_SYSCALL:
        /* The saved RIP is after `syscall` or `int $0x80` (2 bytes each). */
        t.kind = TRAP_SYSCALL;
        t.pc = frame->rip - 2;
        break;
    case X86_VEC_INTC:
        t.kind = TRAP_IRQ;
        break;
    case X86_VEC_PF:
        t.kind = TRAP_PAGE_FAULT;
        t.addr = x86_read_cr2();
        t.access = pf_access(frame->error, t.pc, t.addr);
        break;
    case X86_VEC_UD:
        t.kind = TRAP_UNDEF;
        break;
    default:
        /* #GP (privileged instruction, non-canonical address), #DE... */
        break;
    }
    trap_from_user(frame, &t);
}

void arch_regs_init(struct arch_regs *r, uintptr_t pc, uintptr_t sp, uintptr_t a0, uintptr_t a1)
{
    *r = (struct arch_regs){0};
    r->rip = pc;
    /* As if `call` had pushed a return address: RSP + 8 is 16-byte aligned
     * at function entry (SysV ABI). */
    r->rsp = (sp & ~(uintptr_t)15) - 8;
    r->rdi = a0;
    r->rsi = a1;
    r->cs = X86_SEL_UCODE;
    r->ss = X86_SEL_UDATA;
    r->rflags = X86_RFLAGS_IF | X86_RFLAGS_RESERVED;
}

uintptr_t arch_syscall_nr(const struct arch_regs *r)
{
    return r->rax;
}

uintptr_t arch_syscall_arg(const struct arch_regs *r, unsigned i)
{
    switch (i) {
    case 0:
        return r->rdi;
    case 1:
        return r->rsi;
    case 2:
        return r->rdx;
    case 3:
        return r->r10;
    case 4:
        return r->r8;
    case 5:
        return r->r9;
    default:
        return 0;
    }
}

void arch_syscall_set_ret(struct arch_regs *r, uintptr_t value)
{
    r->rax = value;
}

void arch_wait(void)
{
    /* IF stays clear: the machine resumes after hlt once an interrupt is
     * pending, and the kernel polls the timer. */
    __asm__ volatile("hlt" : : : "memory");
}

void arch_halt(void)
{
    for (;;)
        __asm__ volatile("hlt" : : : "memory");
}
