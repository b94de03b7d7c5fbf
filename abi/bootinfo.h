/* abi/bootinfo.h: the boot-info block the host writes at MM_BOOTINFO
 * before the kernel starts. Shared by host and guest: fixed-width fields
 * only, no pointers, little-endian on every architecture. */
#ifndef IPCEMU_ABI_BOOTINFO_H
#define IPCEMU_ABI_BOOTINFO_H

#include <stdint.h>

#define BOOTINFO_MAGIC 0x4942554d45435049ULL /* "IPCEMUBI" */
#define BOOTINFO_VERSION 2u

/* Built-in workloads `ipcemu boot --demo NAME` selects. */
enum bootinfo_demo {
    BOOT_DEMO_HELLO = 0,    /* interleaved printers + one process killed */
    BOOT_DEMO_SPIN = 1,     /* a process that loops forever */
    BOOT_DEMO_STORM = 2,    /* syscall storm + faulting processes */
    BOOT_DEMO_WILD = 3,     /* wild pointers and bad instructions */
    BOOT_DEMO_IPC = 4,      /* ports, capabilities, blocking, timeouts */
    BOOT_DEMO_SCENARIO = 5, /* `ipcemu run`: the compiled scenario at `scenario` */
    BOOT_DEMO_COUNT
};

struct bootinfo {
    uint64_t magic;     /* BOOTINFO_MAGIC */
    uint32_t version;   /* BOOTINFO_VERSION */
    uint32_t size;      /* sizeof(struct bootinfo) */
    uint64_t ram_base;  /* MM_RAM_BASE */
    uint64_t ram_size;  /* bytes of RAM */
    uint64_t uart_base; /* device bases, see memmap.h */
    uint64_t timer_base;
    uint64_t power_base;
    uint64_t trace_base;
    uint64_t quantum;         /* scheduler time slice, in cycles */
    uint64_t seed;            /* from the scenario or the command line */
    uint32_t ncores;          /* cores the machine runs */
    uint32_t demo;            /* enum bootinfo_demo */
    uint32_t cap_cache_lines; /* per-core capability cache, a power of two */
    uint32_t reserved32;
    uint64_t scenario;      /* BOOT_DEMO_SCENARIO: address of the struct scn_blob */
    uint64_t scenario_size; /* its bytes */
    uint64_t intc_base;     /* the interrupt controller (version 2) */
    uint64_t reserved[2];
};

_Static_assert(sizeof(struct bootinfo) == 136, "bootinfo is an ABI");

#endif
