/* guest-kernel/klayout.c: the kernel's layout record for the host's probes
 * (abi/klayout.h). It is data in a non-allocated section (kernel.ld):
 * never loaded, never executed, so it changes no address and no cycle. */
#include <stddef.h>

#include "abi/bootinfo.h"
#include "abi/klayout.h"
#include "ipc/cap.h"
#include "ipc/notify.h"
#include "ipc/port.h"
#include "kernel.h"
#include "kipc_int.h"

/* The words of struct arch_regs holding the system-call number
 * (arch_syscall_nr) and its argument 0 (arch_syscall_arg). */
#if defined(__x86_64__)
#define KLAYOUT_REGS_NR offsetof(struct arch_regs, rax)
#define KLAYOUT_REGS_ARG0 offsetof(struct arch_regs, rdi)
#elif defined(__aarch64__)
#define KLAYOUT_REGS_NR offsetof(struct arch_regs, x[8])
#define KLAYOUT_REGS_ARG0 offsetof(struct arch_regs, x[0])
#elif defined(__riscv)
#define KLAYOUT_REGS_NR offsetof(struct arch_regs, x[17])   /* a7 */
#define KLAYOUT_REGS_ARG0 offsetof(struct arch_regs, x[10]) /* a0 */
#else
#error "klayout.c: an architecture without a system-call number word"
#endif

__attribute__((used, section(".klayout"))) const struct klayout klayout = {
    .magic = KLAYOUT_MAGIC,
    .version = KLAYOUT_VERSION,
    .size = sizeof(struct klayout),
    .proc_size = sizeof(struct proc),
    .proc_pid = offsetof(struct proc, pid),
    .proc_name = offsetof(struct proc, name),
    .proc_name_max = PROC_NAME_MAX,
    .proc_prio = offsetof(struct proc, prio),
    .proc_pt_root = offsetof(struct proc, pt_root),
    .proc_asid = offsetof(struct proc, asid),
    .proc_ports_owned = offsetof(struct proc, ports_owned),
    .proc_deadline = offsetof(struct proc, deadline),
    .proc_exit_code = offsetof(struct proc, exit_code),
    .proc_regs = offsetof(struct proc, regs),
    .regs_nr = KLAYOUT_REGS_NR,
    .regs_arg0 = KLAYOUT_REGS_ARG0,
    .bootinfo_ncores = offsetof(struct bootinfo, ncores),
    .current = (uintptr_t)&kcpus[0].current,
    .proc_count = NPROC,
    .proc_cspace = offsetof(struct proc, cspace),
    .proc_waiter = offsetof(struct proc, waiter),
    .proc_reply_wait = offsetof(struct proc, reply_wait),
    .proc_call_port = offsetof(struct proc, call_port),
    .proc_call_seq = offsetof(struct proc, call_seq),
    .proc_maps = offsetof(struct proc, maps),
    .proc_maps_max = KIPC_MAPS,
    .kmap_size = sizeof(struct kmap),
    .kmap_base = offsetof(struct kmap, base),
    .kmap_len = offsetof(struct kmap, len),
    .port_id = offsetof(struct ipc_port, id),
    .port_head = offsetof(struct ipc_port, head),
    .msgnode_next = offsetof(struct ipc_msgnode, next),
    .msgnode_msg = offsetof(struct ipc_msgnode, msg),
    .msg_opcode = offsetof(struct ipc_msg, opcode),
    .msg_sender = offsetof(struct ipc_msg, sender),
    .msg_len = offsetof(struct ipc_msg, len),
    .msg_ncaps = offsetof(struct ipc_msg, ncaps),
    .msg_flags = offsetof(struct ipc_msg, flags),
    .msg_reply = offsetof(struct ipc_msg, reply),
    .notif_id = offsetof(struct ipc_notif, id),
    .slot_obj = offsetof(struct ipc_slot, obj),
    .page_size = KPAGE_SIZE,
    .kobj_index_bits = KOBJ_INDEX_BITS,
    .capsys_caches = offsetof(struct ipc_capsys, caches),
    .capcache_hits = offsetof(struct ipc_capcache, hits),
    .capcache_misses = offsetof(struct ipc_capcache, misses),
    .capcache_invalidations = offsetof(struct ipc_capcache, invalidations),
    .capsys = (uintptr_t)&kipc_capsys,
    .capcache_lines = offsetof(struct ipc_capcache, lines),
    .capcache_size = offsetof(struct ipc_capcache, size),
    .capline_size = sizeof(struct ipc_capcache_line),
    .capline_tok = offsetof(struct ipc_capcache_line, tok),
    .capline_cspace = offsetof(struct ipc_capcache_line, cspace),
    .cspace_id = offsetof(struct ipc_cspace, id),
    .regs_aux = ARCH_IPC_WORD(ARCH_IPC_AUX) * sizeof(uint64_t),
    .regs_info = ARCH_IPC_WORD(ARCH_IPC_INFO) * sizeof(uint64_t),
    .regs_cap = ARCH_IPC_WORD(ARCH_IPC_CAP) * sizeof(uint64_t),
    .proc_kbuf = offsetof(struct proc, kbuf),
    .kcpus = (uintptr_t)kcpus,
    .kcpu_size = sizeof(struct kcpu),
    .kcpu_current = offsetof(struct kcpu, current),
    .kcpu_max = KCPU_MAX,
};
