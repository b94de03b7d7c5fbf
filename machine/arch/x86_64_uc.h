/* machine/arch/x86_64_uc.h: what the x86_64 board knows of Unicorn 2.1.1's
 * insides: CPUX86State mirrored as the start and the end of the CPU state
 * in a saved uc_context, QEMU's hidden flags, and the start-up check of
 * that mirror (x86_64_uc.c). With machine/arch/uc_ctx.h, the only places
 * an engine upgrade changes for x86_64. */
#ifndef IPCEMU_MACHINE_ARCH_X86_64_UC_H
#define IPCEMU_MACHINE_ARCH_X86_64_UC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/arch/uc_ctx.h"

struct machine;

/* The CPU state after the uc_context header: the start and the end of
 * CPUX86State, mirrored as structs. Verified at boot by
 * x86_uc_verify_layout (reset values, registers written through the API)
 * and at every trap by the board's hooks (fields QEMU has just set). */

/* SegmentCache (cpu.h), target_ulong = uint64_t on x86_64. */
struct x86q_seg {
    uint32_t selector;
    uint64_t base;
    uint32_t limit;
    uint32_t flags;
};

/* The start of CPUX86State, up to efer. */
struct x86q_head {
    uint64_t regs[16]; /* RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 */
    uint64_t eip;
    uint64_t eflags; /* in a hook: without the CC bits and DF (QEMU keeps those apart) */
    uint64_t cc_dst, cc_src, cc_src2;
    uint32_t cc_op;
    int32_t df;
    uint32_t hflags;
    uint32_t hflags2;
    struct x86q_seg segs[6]; /* ES CS SS DS FS GS */
    struct x86q_seg ldt, tr, gdt, idt;
    uint64_t cr[5];
    int32_t a20_mask;
    uint64_t bnd_regs[4][2];
    uint64_t bndcs_regs[2];
    uint64_t msr_bndcfgs;
    uint64_t efer;
};

/* The end of the saved part of CPUX86State: from error_code to retaddr
 * (uc_context_save copies offsetof(CPUX86State, retaddr) bytes). */
struct x86q_tail {
    int32_t error_code;
    int32_t exception_is_int;
    uint64_t exception_next_eip;
    uint64_t dr[8];
    void *cpu_breakpoint[4];
    int32_t old_exception;
    uint64_t vm_vmcb;
    uint64_t tsc_offset;
    uint64_t intercept;
    uint16_t intercept_cr_read, intercept_cr_write, intercept_dr_read, intercept_dr_write;
    uint32_t intercept_exceptions;
    uint64_t nested_cr3;
    uint32_t nested_pg_mode;
    uint8_t v_tpr;
    uintptr_t retaddr;
};

/* Bytes of struct x86q_tail inside the saved state (retaddr is not). */
#define X86_TAIL_LEN offsetof(struct x86q_tail, retaddr)

enum { X86_ES, X86_CS, X86_SS, X86_DS, X86_FS, X86_GS };
enum { X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP };

/* QEMU's hflags bits (cpu.h). */
#define HF_CPL_MASK 0x3u
#define HF_INHIBIT_IRQ_MASK (1u << 3)
#define HF_CS32_MASK (1u << 4)
#define HF_SS32_MASK (1u << 5)
#define HF_ADDSEG_MASK (1u << 6)
#define HF_PE_MASK (1u << 7)
#define HF_LMA_MASK (1u << 14)
#define HF_CS64_MASK (1u << 15)
#define HF_MPX_EN_MASK (1u << 25)

/* Descriptor bits, in the high dword of a segment descriptor. */
#define DESC_TYPE_SHIFT 8
#define DESC_CS_MASK (1u << 11)
#define DESC_C_MASK (1u << 10)
#define DESC_S_MASK (1u << 12)
#define DESC_DPL_SHIFT 13
#define DESC_P_MASK (1u << 15)
#define DESC_L_MASK (1u << 21)
#define DESC_B_MASK (1u << 22)
#define DESC_G_MASK (1u << 23)

/* RFLAGS bits. */
#define FL_TF 0x100u
#define FL_IF 0x200u
#define FL_NT 0x4000u
#define FL_RF 0x10000u
#define FL_VM 0x20000u

#define CR0_PE 0x1u
#define EFER_SCE 0x1u
#define EFER_LME 0x100u
#define EFER_LMA 0x400u
#define MSR_EFER 0xc0000080u

/* Port of QEMU's cpu_x86_load_seg_cache (cpu.h) onto the saved state:
 * loads segment `seg` and updates the hidden flags (CPL from SS.DPL, the
 * 64-bit code flags from CS). Returns nothing. */
void x86_uc_load_seg_cache(struct x86q_head *h, int seg, uint32_t selector, uint64_t base,
                           uint32_t limit, uint32_t flags);

/* Returns true when the state Unicorn saves on core c is the mirrored one:
 * its size holds head and tail (*tail_off = where the tail starts), the
 * reset values and registers written through the API read back from it
 * (ctx, allocated on c, is the scratch). Leaves the CPU state as it found
 * it. Returns false after machine_emu_failure or a recorded Unicorn
 * failure. */
bool x86_uc_verify_layout(struct machine *m, struct emu_core *c, uc_context *ctx, size_t *tail_off);

#endif
