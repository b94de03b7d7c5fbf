/* guest-kernel/arch/riscv64/rv_csr.h: the RISC-V privileged-architecture
 * constants the kernel uses (priv. spec 1.11), for C and assembly. */
#ifndef IPCEMU_KERNEL_RISCV64_RV_CSR_H
#define IPCEMU_KERNEL_RISCV64_RV_CSR_H

/* mstatus / sstatus bits */
#define RV_SSTATUS_SIE 0x2
#define RV_SSTATUS_SPIE 0x20
#define RV_SSTATUS_SPP 0x100
#define RV_SSTATUS_SUM 0x40000
#define RV_MSTATUS_MPIE 0x80
#define RV_MSTATUS_MPP 0x1800
#define RV_MSTATUS_MPP_S 0x800

/* sie / sip: the supervisor external interrupt (the interrupt controller) */
#define RV_SIE_SEIE 0x200

/* PMP configuration: NAPOT region with read, write and execute. */
#define RV_PMP_NAPOT_RWX 0x1f

/* Exceptions delegated to S-mode: misaligned / access faults, illegal
 * instruction, breakpoint, ecall from U, and the three page faults. */
#define RV_MEDELEG_KERNEL 0xb1ff
/* Interrupts delegated to S-mode: software, timer, external (S level). */
#define RV_MIDELEG_S 0x222

/* satp */
#define RV_SATP_SV39 (8ULL << 60)
#define RV_SATP_ASID_SHIFT 44
#define RV_SATP_ASID_MASK 0xffffULL

/* scause */
#define RV_SCAUSE_INTERRUPT (1ULL << 63)
#define RV_IRQ_S_EXTERNAL 9
#define RV_EXC_INSN_MISALIGNED 0
#define RV_EXC_INSN_ACCESS 1
#define RV_EXC_ILLEGAL 2
#define RV_EXC_BREAKPOINT 3
#define RV_EXC_LOAD_MISALIGNED 4
#define RV_EXC_LOAD_ACCESS 5
#define RV_EXC_STORE_MISALIGNED 6
#define RV_EXC_STORE_ACCESS 7
#define RV_EXC_ECALL_U 8
#define RV_EXC_INSN_PAGE 12
#define RV_EXC_LOAD_PAGE 13
#define RV_EXC_STORE_PAGE 15

#ifndef __ASSEMBLER__
#include <stdint.h>

#define rv_csr_read(csr)                                                                           \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_));                                             \
        v_;                                                                                        \
    })
#define rv_csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"((uint64_t)(v)) : "memory")
#define rv_csr_set(csr, v) __asm__ volatile("csrs " #csr ", %0" ::"r"((uint64_t)(v)) : "memory")
#define rv_csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"r"((uint64_t)(v)) : "memory")
#endif

#endif
