/* guest-kernel/arch/x86_64/smp.c: secondary cores on x86_64 would start
 * by INIT/SIPI through the local APIC into a real-mode trampoline; that
 * is not built yet (docs/machine.md, "Several cores"): the kernel starts
 * no secondary core here and they stay in reset. */
#include "arch.h"
#include "kcpu.h"

int arch_cpu_start(unsigned id, uintptr_t arg)
{
    (void)id, (void)arg;
    return -1;
}

void arch_cpu_init(void)
{
}
