/* guest-kernel/arch/aarch64/arch_mmu.h: the translation regime the kernel
 * uses, shared by arch.c (which programs it) and mmu.c (which builds the
 * tables): stage 1 EL1&0, TTBR0 only, 39-bit VA (T0SZ = 25, walks start at
 * level 1), 4 KiB granule, 16-bit ASIDs. */
#ifndef IPCEMU_AARCH64_ARCH_MMU_H
#define IPCEMU_AARCH64_ARCH_MMU_H

/* MAIR_EL1: attribute 0 normal write-back, attribute 1 Device-nGnRnE. */
#define A64_MAIR_NORMAL 0
#define A64_MAIR_DEVICE 1
#define A64_MAIR 0x00ffULL

#define A64_VA_BITS 39
#define A64_TCR_T0SZ (64ULL - A64_VA_BITS)
#define A64_TCR                                                                                    \
    (A64_TCR_T0SZ           /* T0SZ: 39-bit VA */                                                  \
     | (1ULL << 8)          /* IRGN0: write-back */                                                \
     | (1ULL << 10)         /* ORGN0: write-back */                                                \
     | (3ULL << 12)         /* SH0: inner shareable */                                             \
     | (0ULL << 14)         /* TG0: 4 KiB */                                                       \
     | (A64_TCR_T0SZ << 16) /* T1SZ (unused) */                                                    \
     | (1ULL << 23)         /* EPD1: no TTBR1 walks */                                             \
     | (2ULL << 30)         /* TG1: 4 KiB */                                                       \
     | (2ULL << 32)         /* IPS: 40-bit PA */                                                   \
     | (1ULL << 36))        /* AS: 16-bit ASID */

/* SCTLR_EL1: MMU, caches, SP alignment checks at EL1 and EL0; wfi/wfe,
 * cache maintenance, CTR and DAIF access at EL0 trap (nTWI = nTWE = UCI =
 * UCT = UMA = 0); RES1 bits 29, 28, 23, 22, 20, 11. */
#define A64_SCTLR                                                                                  \
    ((1ULL << 0) | (1ULL << 2) | (1ULL << 3) | (1ULL << 4) | (1ULL << 12) | (1ULL << 11) |         \
     (1ULL << 20) | (1ULL << 22) | (1ULL << 23) | (1ULL << 28) | (1ULL << 29))
#define A64_SCTLR_M 1ULL

#endif
