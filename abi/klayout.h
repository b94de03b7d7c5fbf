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
#define KLAYOUT_VERSION 5u

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
    /* version 2: what the decoders of waits, notifications, ports,
     * regions, topics and capability lookups read */
    uint32_t proc_count, proc_cspace, proc_waiter, proc_reply_wait, proc_call_port, proc_call_seq,
        proc_maps, proc_maps_max;
    uint16_t kmap_size, kmap_base, kmap_len; /* struct kmap */
    uint16_t port_id, port_head;             /* struct ipc_port */
    uint16_t msgnode_next, msgnode_msg;      /* struct ipc_msgnode */
    uint16_t msg_opcode, msg_sender, msg_len, msg_ncaps, msg_flags, msg_reply; /* struct ipc_msg */
    uint16_t notif_id;        /* struct ipc_notif */
    uint16_t slot_obj;        /* struct ipc_slot */
    uint16_t page_size;       /* KPAGE_SIZE */
    uint16_t kobj_index_bits; /* an object word's index bits */
    uint32_t capsys_caches;   /* struct ipc_capsys: per-core caches */
    uint16_t capcache_hits, capcache_misses, capcache_invalidations; /* struct ipc_capcache */
    uint64_t capsys; /* struct ipc_capsys kipc_capsys */
    /* version 3: what the fast path's capability lookup reads */
    uint16_t capcache_lines, capcache_size;             /* struct ipc_capcache */
    uint16_t capline_size, capline_tok, capline_cspace; /* struct ipc_capcache_line */
    uint16_t cspace_id;                                 /* struct ipc_cspace */
    uint16_t regs_aux; /* struct arch_regs: IPC register ARCH_IPC_AUX's word */
    /* version 4: what the decoders of the IPC events read */
    uint16_t regs_info; /* struct arch_regs: IPC register ARCH_IPC_INFO's word */
    uint16_t regs_cap;  /* struct arch_regs: IPC register ARCH_IPC_CAP's word */
    uint32_t proc_kbuf; /* struct proc: the kernel's message buffer */
    /* version 5: the cores (guest-kernel/kcpu.h). `current` above is core
     * 0's (kcpus[0].current); core k's running process is the pointer at
     * kcpus + k * kcpu_size + kcpu_current. */
    uint64_t kcpus;                             /* struct kcpu kcpus[kcpu_max] */
    uint16_t kcpu_size, kcpu_current, kcpu_max; /* struct kcpu */
};

#endif
