/* abi/memmap.h: the board's physical memory map, the same on every
 * architecture. Shared by the host (machine/) and the guest kernel, so it
 * includes nothing and uses only integer constants. See docs/machine.md. */
#ifndef IPCEMU_ABI_MEMMAP_H
#define IPCEMU_ABI_MEMMAP_H

#define MM_RAM_BASE 0x40000000ULL
#define MM_RAM_SIZE_DEFAULT 0x08000000ULL /* 128 MiB */
#define MM_RAM_SIZE_MIN 0x01000000ULL     /* 16 MiB */
#define MM_RAM_SIZE_MAX 0x40000000ULL     /* 1 GiB */

/* The host writes the boot-info block here and passes its address to the
 * kernel in the first argument register (rdi / x0 / a0). */
#define MM_BOOTINFO 0x40000000ULL
#define MM_BOOTINFO_SIZE 0x1000ULL

/* `ipcemu exec`: a program that returns from its entry function returns
 * here, to the architecture's breakpoint instruction (inside the boot-info
 * page, which bare-metal programs do not get). */
#define MM_EXIT_STUB 0x40000f00ULL

/* `ipcemu run`: the compiled scenario (abi/scenario.h), below the
 * kernel; boot-info's `scenario` points here. */
#define MM_SCENARIO 0x40010000ULL
#define MM_SCENARIO_SIZE 0x000f0000ULL

/* Guest ELF images are linked here or above; nothing below is loadable. */
#define MM_LOAD_MIN 0x40001000ULL
#define MM_KERNEL_BASE 0x40100000ULL

/* Devices: one 4 KiB page each, 32-bit registers. */
#define MM_DEV_BASE 0x10000000ULL
#define MM_DEV_SIZE 0x00005000ULL
#define MM_UART 0x10000000ULL
#define MM_TIMER 0x10001000ULL
#define MM_POWER 0x10002000ULL
#define MM_TRACE 0x10003000ULL
#define MM_INTC 0x10004000ULL
#define MM_DEV_PAGE 0x1000ULL

#endif
