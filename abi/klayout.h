/* abi/klayout.h: where the kernel keeps what the host's probes read
 * (machine/probes.c). The kernel fills one struct klayout with offsetof and
 * sizeof (guest-kernel/klayout.c) in the section .klayout, which kernel.ld
 * makes non-allocated: it is in kernel.elf but never loaded, so it moves no
 * address and costs no cycle. The host reads it from the ELF image
 * (elf_section). Shared by host and guest; fields are appended, with
 * KLAYOUT_VERSION bumped when a meaning changes. */
#ifndef IPCEMU_ABI_KLAYOUT_H
#define IPCEMU_ABI_KLAYOUT_H

#include <stdint.h>

#define KLAYOUT_MAGIC 0x4b4c4159u /* "KLAY" */
#define KLAYOUT_VERSION 1u

struct klayout {
    uint32_t magic, version, size; /* KLAYOUT_MAGIC, KLAYOUT_VERSION, sizeof */
    /* struct proc */
    uint16_t proc_size, proc_pid, proc_name, proc_name_max, proc_prio, proc_pt_root, proc_asid,
        proc_ports_owned, proc_deadline, proc_exit_code, proc_regs;
    /* struct arch_regs: the system-call number's word, argument 0's */
    uint16_t regs_nr, regs_arg0;
    /* struct bootinfo (abi/bootinfo.h, for completeness: the host has it) */
    uint16_t bootinfo_ncores;
    /* addresses of kernel globals */
    uint64_t current; /* struct proc *current */
};

#endif
