/* machine/arch.h: what each architecture supplies to the board.
 *
 * Unicorn 2.1.1 never delivers a synchronous exception into the guest's own
 * vector (../shared/notes/unicorn-2.0.1.md), so each architecture emulates
 * trap entry as its hardware would: a syscall, page fault or undefined
 * instruction taken in user mode enters the kernel's vector (x86 IDT gate,
 * AArch64 VBAR_EL1, RISC-V stvec) in kernel mode with the architectural
 * cause/return registers set; the kernel returns with its own iretq / eret /
 * sret, which Unicorn executes natively. A trap taken in kernel mode is a
 * kernel fault: the architecture reports it with machine_kernel_fault() and
 * the run ends with outcome "fault". One file per variant: machine/arch/. */
#ifndef IPCEMU_MACHINE_ARCH_H
#define IPCEMU_MACHINE_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/cpu.h"

struct machine;
struct machine_core_start;

struct machine_arch {
    const struct emu_arch *cpu;
    uint16_t elf_machine; /* the e_machine of its ELF images (EM_X86_64, ...) */
    /* Puts core `c` (engine open, memory mapped, ELF loaded) into the state
     * the kernel's entry expects: the privileged mode the kernel starts in,
     * PC = entry, SP = sp, first argument register = arg0; installs the trap
     * hooks. Returns 0, or -1 after machine_emu_failure() said why. */
    int (*boot)(struct machine *m, struct emu_core *c, uint64_t entry, uint64_t sp, uint64_t arg0);
    /* Called with the core stopped while the interrupt controller's output
     * is up (devices/intc.h; the kernel claims the line from it). Delivers
     * the interrupt into the kernel's vector (x86 vector 32, the AArch64
     * IRQ, the RISC-V supervisor external interrupt) if the core can take
     * it now (user mode with interrupts enabled) and returns true; returns
     * false (nothing changed) when it is masked. */
    bool (*interrupt)(struct machine *m, struct emu_core *c);
    /* Returns true if the core runs unprivileged (ring 3 / EL0 / U-mode). */
    bool (*user_mode)(struct emu_core *c);
    /* The breakpoint instruction, for the return trampoline of `ipcemu
     * exec` (a program that returns from its entry ends there). */
    const uint8_t *breakpoint_insn;
    unsigned breakpoint_len;
    /* Where the entry function's return address goes: a register (Unicorn
     * id), or -1 for the stack (x86: pushed like a call). */
    int reg_return;
    /* Starts secondary core `c` (engine open, memory mapped, held in
     * reset until now) as the architecture's boot protocol says, from the
     * request `r` (machine_request_start): PC, registers and mode as the
     * protocol specifies; installs the trap hooks. Returns 0, or -1 after
     * machine_emu_failure(). NULL: the architecture starts no secondaries. */
    int (*start)(struct machine *m, struct emu_core *c, const struct machine_core_start *r);
    /* Frees what a request's ctx holds (NULL: nothing to free). */
    void (*start_free)(void *ctx);
    /* Maps what the architecture adds on core `c`'s engine (the x86 local
     * APIC). May be NULL. Returns 0, or -1 after machine_emu_failure(). */
    int (*map_core)(struct machine *m, struct emu_core *c);
    /* Releases what boot() allocated per core (hooks, saved contexts).
     * May be NULL. */
    void (*shutdown)(struct machine *m, struct emu_core *c);
};

extern const struct machine_arch machine_arch_x86_64;
extern const struct machine_arch machine_arch_aarch64;
extern const struct machine_arch machine_arch_riscv64;

/* Returns the board support for `arch`. */
const struct machine_arch *machine_arch_get(enum emu_arch_id arch);

/* For the arch files: the kernel itself trapped (cause names the trap, pc
 * and addr where). Records the fault, stops the core; the run ends with
 * outcome "fault". */
void machine_kernel_fault(struct machine *m, struct emu_core *c, const char *cause, uint64_t pc,
                          uint64_t addr);
/* For the arch files: the kernel (or a bare-metal program) executed the
 * architecture's breakpoint instruction (int3, brk, ebreak) at `pc`. For
 * `ipcemu exec` that is how a program ends (outcome "ok"); for the kernel it
 * is a kernel fault. */
void machine_kernel_breakpoint(struct machine *m, struct emu_core *c, uint64_t pc);
/* For the arch files: the emulation cannot go on (a Unicorn call failed).
 * Records `why`, stops the core; the run ends with outcome "fault". */
void machine_emu_failure(struct machine *m, struct emu_core *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* For the arch files: core `c` just entered the kernel's vector (an
 * interrupt, or an exception / system call). Charges the trap-entry cost
 * and records a trap event in the trace (stamped with the clock), where
 * the tracer starts the spans of kernel paths. */
void machine_trap_entry(struct machine *m, struct emu_core *c, bool interrupt);
/* Cycles charged for a trap entry (hardware exception entry). */
#define MACHINE_TRAP_ENTRY_CYCLES 0

#endif
