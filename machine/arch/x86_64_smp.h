/* machine/arch/x86_64_smp.h: the x86_64 board's several-core parts
 * (x86_64_smp.c). */
#ifndef IPCEMU_MACHINE_ARCH_X86_64_SMP_H
#define IPCEMU_MACHINE_ARCH_X86_64_SMP_H

#include "emu/cpu.h"

struct machine;

/* The machine_arch map_core hook: with several cores, maps the real-mode
 * start page and core c's local APIC on its engine (nothing with one).
 * Returns 0, or -1 after machine_emu_failure or a recorded Unicorn
 * failure. */
int x86_smp_map_core(struct machine *m, struct emu_core *c);

#endif
