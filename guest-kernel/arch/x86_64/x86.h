/* guest-kernel/arch/x86_64/x86.h: what the x86_64 files share (segment
 * selectors, control-register bits, the NX setting) and the small
 * privileged-instruction helpers. Only arch/x86_64/ includes it. */
#ifndef IPCEMU_KERNEL_X86_64_X86_H
#define IPCEMU_KERNEL_X86_64_X86_H

#include <stdbool.h>
#include <stdint.h>

/* GDT selectors (arch.c builds the GDT in this order). */
#define X86_SEL_KCODE 0x08
#define X86_SEL_KDATA 0x10
#define X86_SEL_UDATA 0x1b /* index 3, RPL 3 */
#define X86_SEL_UCODE 0x23 /* index 4, RPL 3 */
/* Core k's TSS (two GDT slots each from index 5). */
#define X86_SEL_TSS(k) (0x28 + 16 * (k))

#define X86_RFLAGS_IF 0x200u
#define X86_RFLAGS_RESERVED 0x2u

#define X86_CR0_WP (1ULL << 16)
#define X86_CR0_PG (1ULL << 31)
#define X86_CR4_PAE (1ULL << 5)
#define X86_CR4_PCIDE (1ULL << 17)
#define X86_CR4_PGE (1ULL << 7)
#define X86_CR3_NOFLUSH (1ULL << 63) /* with PCIDE: keep the PCID's TLB entries */
#define X86_PCID_MASK 0xfffULL
#define X86_MSR_EFER 0xc0000080u
#define X86_EFER_NXE (1ULL << 11)
#define X86_EFER_SCE (1ULL << 0)
#define X86_MSR_STAR 0xc0000081u  /* syscall/sysret selectors */
#define X86_MSR_LSTAR 0xc0000082u /* syscall's 64-bit entry */
#define X86_MSR_FMASK 0xc0000084u /* RFLAGS bits syscall clears */
#define X86_MSR_GS_BASE 0xc0000101u
#define X86_MSR_KERNEL_GS_BASE 0xc0000102u /* what swapgs exchanges GS base with */
/* STAR: syscall loads CS = 0x08, SS = 0x10; sysretq CS = 0x10 + 16 | 3
 * (0x23), SS = 0x10 + 8 | 3 (0x1b): the GDT's order. */
#define X86_STAR ((0x10ULL << 48) | (0x08ULL << 32))
/* FMASK: IF (the kernel runs with interrupts masked), TF, DF, AC. */
#define X86_FMASK 0x40700ULL
/* struct arch_regs.error of a frame `syscall` saved (trap.S): arch_enter_user
 * returns with sysretq. */
#define X86_ERROR_SYSRET ((uint64_t)-1)

/* Vectors. */
#define X86_VEC_UD 6
#define X86_VEC_GP 13
#define X86_VEC_PF 14
#define X86_VEC_INTC 32 /* the interrupt controller */
#define X86_VEC_SYSCALL 0x80

/* #PF error-code bits. */
#define X86_PF_P 0x1u
#define X86_PF_W 0x2u
#define X86_PF_U 0x4u
#define X86_PF_ID 0x10u

/* True once arch_init turned on EFER.NXE (mmu.c then marks pages NX). */
extern bool x86_nx_enabled;

/* arch.c: on this core, the MSRs arch_init sets: EFER.NXE where the CPU
 * has NX (and x86_nx_enabled), and those of `syscall` / `sysretq`.
 * Returns nothing. */
void x86_cpu_msrs(void);

static inline uint64_t x86_read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline void x86_write_cr0(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t x86_read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

/* Returns the PCID of address space `asid`: itself while it fits the 12
 * bits (pids are never reused, so neither is such a PCID), else 0, which
 * is the kernel's and is never loaded without a flush. */
static inline uint64_t x86_pcid_of(unsigned asid)
{
    return asid <= X86_PCID_MASK ? asid : 0;
}

static inline uint64_t x86_read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void x86_write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t x86_read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void x86_write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t x86_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void x86_wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* Returns the current CS selector (its low two bits are the CPL). */
static inline uint16_t x86_read_cs(void)
{
    uint16_t v;
    __asm__ volatile("mov %%cs, %0" : "=r"(v));
    return v;
}

static inline uint64_t x86_read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

#endif
