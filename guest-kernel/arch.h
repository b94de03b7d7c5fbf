/* guest-kernel/arch.h: the hooks every architecture implements in
 * guest-kernel/arch/<arch>/. Neutral kernel code calls only these; there is
 * no #ifdef ARCH outside arch/.
 *
 * The kernel has one kernel stack per core (seL4 style): a trap from user
 * mode saves the user registers straight into the struct arch_regs that
 * arch_enter_user() last restored (the running process's struct proc.regs),
 * switches to the top of the kernel stack and the architecture's C handler
 * decodes the cause and calls trap_from_user(); neutral code handles the
 * trap and leaves through arch_enter_user(). The kernel runs with interrupts masked; only user
 * mode takes interrupts. Memory is identity-mapped (VA == PA) in every
 * address space; page tables decide what user mode may touch. */
#ifndef IPCEMU_KERNEL_ARCH_H
#define IPCEMU_KERNEL_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "arch_regs.h" /* guest-kernel/arch/<arch>/arch_regs.h: struct arch_regs */
#include "abi/bootinfo.h"

/* A function the host probes (abi/kprobes.h): never inlined, so every call
 * of it runs its first block, and kept with the C calling convention, so
 * the probe reads its arguments where the ABI puts them. */
#define KPROBE_ANCHOR __attribute__((noinline, used))
/* The first statement of an anchor: keeps the arguments its probe reads
 * (each as "r"(name)) live in their registers, and the anchor's calls in
 * place. Without it an argument only the kernel's own tracing read would
 * be dead, and the compiler may pass anything for it at a call in the
 * same file (LLVM's dead-argument elimination), or drop the calls of an
 * anchor left with no effect. It emits no instruction. */
#define KPROBE_KEEP(...) __asm__ volatile("" ::__VA_ARGS__)

/* ---- provided by arch/<arch>/ ---- */

/* Returns the architecture's name ("x86_64", "aarch64", "riscv64"). */
const char *arch_name(void);

/* Installs the trap vector and whatever the CPU needs (GDT/TSS, system
 * registers, sstatus.SUM so the kernel can read user pages). Called once,
 * on the boot stack, before any page table exists. */
void arch_init(const struct bootinfo *bi);

/* Page-table flags for arch_pt_map. */
#define PT_R 0x1u
#define PT_W 0x2u
#define PT_X 0x4u
#define PT_U 0x8u    /* accessible from user mode */
#define PT_DEV 0x10u /* device memory (uncached, never executable) */

/* Returns a new, empty page-table root (physical == virtual address), or 0
 * when out of memory. Tables come from kpage_alloc(). */
uintptr_t arch_pt_create(void);
/* Identity-maps [va, va + len) (page-aligned) in `root` with `flags`,
 * replacing any mapping there. Uses 2 MiB blocks where va and len allow and
 * no PT_U is asked; a later 4 KiB mapping inside a block splits it (the
 * other pages keep the block's flags). Returns 0, or -1 when out of memory. */
int arch_pt_map(uintptr_t root, uintptr_t va, size_t len, unsigned flags);
/* Makes `root` the active address space (asid tags the TLB where the
 * architecture has tags; 0 is the kernel's). */
void arch_pt_activate(uintptr_t root, unsigned asid);
/* The scheduler's switch to `root` / `asid` (a process's address space,
 * asid its pid, never reused): the same, minus what only the first
 * activation or a page-table change needs (turning the MMU on, flushing
 * translations: arch_pt_map and arch_pt_activate do that where the
 * tables change). Returns nothing. */
void arch_pt_switch(uintptr_t root, unsigned asid);

/* `asid` of arch_tlb_flush: every address space. */
#define ARCH_TLB_ALL 0xffffffffu
/* Flushes this core's TLB of the translations of address space `asid`
 * (page-table root `root`), or of every address space with ARCH_TLB_ALL,
 * and leaves the active address space active. Local: another core's TLB
 * is its own (each engine of the machine is a core with its own TLB, so
 * AArch64's broadcast TLBI ...IS reaches only the core that runs it);
 * kcpu_tlb_shootdown (kcpu.h) reaches the others. Returns nothing. */
void arch_tlb_flush(uintptr_t root, unsigned asid);

/* Fills `r` so that arch_enter_user(r) starts user code at `pc` with stack
 * pointer `sp`, first two argument registers a0 and a1, interrupts on. */
void arch_regs_init(struct arch_regs *r, uintptr_t pc, uintptr_t sp, uintptr_t a0, uintptr_t a1);
/* System-call ABI: the number and argument i (0..5) of the call in `r`, and
 * where its result goes. */
uintptr_t arch_syscall_nr(const struct arch_regs *r);
uintptr_t arch_syscall_arg(const struct arch_regs *r, unsigned i);
void arch_syscall_set_ret(struct arch_regs *r, uintptr_t value);

/* The IPC message registers (what usys_ipc loads, ipc/uapi.h struct
 * ipc_regs): the capability, the info word (opcode | length << 32), eight
 * message registers of payload (64 bytes), an auxiliary capability (the
 * reply capability of a call) and the badge (the sender's pid). */
enum arch_ipc_reg {
    ARCH_IPC_CAP = 0,
    ARCH_IPC_INFO = 1,
    ARCH_IPC_MR0 = 2, /* .. ARCH_IPC_MR0 + 7 */
    ARCH_IPC_AUX = 10,
    ARCH_IPC_BADGE = 11,
    ARCH_IPC_NREGS = 12
};
/* Returns IPC register `which` of `r`, 0 when there is no such register.
 * Inline: a constant `which` is one load at a constant offset. */
static inline uintptr_t arch_ipc_reg(const struct arch_regs *r, unsigned which)
{
    return which < ARCH_IPC_NREGS ? ((const uint64_t *)r)[ARCH_IPC_WORD(which)] : 0;
}
/* Sets IPC register `which` of `r` (nothing when there is no such
 * register). Returns nothing. */
static inline void arch_set_ipc_reg(struct arch_regs *r, unsigned which, uintptr_t value)
{
    if (which < ARCH_IPC_NREGS)
        ((uint64_t *)r)[ARCH_IPC_WORD(which)] = value;
}

/* Sets the system-call result of `r`, as arch_syscall_set_ret does, inline
 * (one store at a constant offset, for the fast path). Returns nothing. */
static inline void arch_set_ret_inline(struct arch_regs *r, uintptr_t value)
{
    ((uint64_t *)r)[ARCH_RET_WORD] = value;
}

/* Restores `r` (16-byte aligned) and drops to user mode; the next trap from
 * user mode saves the registers into `r` again. Never returns. */
__attribute__((noreturn)) void arch_enter_user(const struct arch_regs *r);
/* Waits (hlt / wfi) with interrupts masked; returns once the machine has an
 * interrupt pending (or at once if one already is). */
void arch_wait(void);
/* Stops the core for good (used after the power-off write, and by panic). */
__attribute__((noreturn)) void arch_halt(void);

/* ---- provided by the neutral kernel, called from arch/<arch>/ ---- */

enum trap_kind {
    TRAP_SYSCALL,    /* the system-call instruction */
    TRAP_IRQ,        /* an interrupt from the interrupt controller (irq.c) */
    TRAP_PAGE_FAULT, /* access the page tables refuse (or unmapped) */
    TRAP_UNDEF,      /* undefined or privileged instruction */
    TRAP_OTHER,      /* anything else the architecture can raise */
};

enum trap_access { TRAP_ACCESS_READ = 1, TRAP_ACCESS_WRITE = 2, TRAP_ACCESS_EXEC = 3 };

struct trap {
    enum trap_kind kind;
    enum trap_access access; /* page faults only */
    uintptr_t pc;            /* faulting instruction (user PC) */
    uintptr_t addr;          /* faulting address (page faults) */
    uintptr_t cause;         /* raw architectural cause, for messages */
};

/* Handles a trap taken from user mode. `frame` holds the user registers as
 * saved at entry, with the return PC already past a system-call
 * instruction. Never returns: it leaves through arch_enter_user(). */
__attribute__((noreturn)) void trap_from_user(struct arch_regs *frame, const struct trap *t);

/* Allocates one zeroed 4 KiB page of kernel memory; 0 when none is left. */
uintptr_t kpage_alloc(void);

/* Stops the kernel with a message on the console. */
__attribute__((noreturn)) void panic(const char *why);

#endif
