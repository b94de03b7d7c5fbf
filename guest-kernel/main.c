/* guest-kernel/main.c: the kernel's entry from the architecture's boot
 * code: read the boot-info block, set up memory and traps, start the demo's
 * processes, and schedule. */
#include "kcpu.h"
#include "kernel.h"

struct kconfig kcfg;
uintptr_t kernel_root;

/* Called by arch/<arch>/entry.S on the kernel stack, kernel mode,
 * interrupts masked, no address translation yet. */
__attribute__((noreturn)) void kmain(const struct bootinfo *bi);
void kmain(const struct bootinfo *bi)
{
    if (bi->magic != BOOTINFO_MAGIC || bi->version != BOOTINFO_VERSION) {
        /* Without the boot-info we do not know where the devices are:
         * stop in the place the host sees (the wait instruction). */
        arch_halt();
    }
    kcfg = (struct kconfig){
        .ram_base = bi->ram_base,
        .ram_end = bi->ram_base + bi->ram_size,
        .uart = bi->uart_base,
        .timer = bi->timer_base,
        .power = bi->power_base,
        .trace = bi->trace_base,
        .intc = bi->intc_base,
        .quantum = bi->quantum,
        .seed = bi->seed,
        .demo = bi->demo,
        .cap_cache_lines = bi->cap_cache_lines ? bi->cap_cache_lines : 64,
        .scenario = (uintptr_t)bi->scenario,
        .scenario_size = bi->scenario_size,
    };
    ktrace_init();
    arch_init(bi);
    kcpu_boot();
    kpage_init((uintptr_t)__kernel_end, kcfg.ram_end);
    kprintf("[kernel] ipcemu kernel on %s: %lu MiB RAM, quantum %lu cycles\n", arch_name(),
            (unsigned long)(bi->ram_size >> 20), (unsigned long)kcfg.quantum);
    ktrace(TRC_EV_BOOT, 0, 1, bi->ncores, 0, 0);

    kernel_root = arch_pt_create();
    if (!kernel_root ||
        arch_pt_map(kernel_root, kcfg.ram_base, kcfg.ram_end - kcfg.ram_base, PT_R | PT_W | PT_X) ||
        arch_pt_map(kernel_root, kcfg.uart, KPAGE_SIZE, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(kernel_root, kcfg.timer, KPAGE_SIZE, PT_R | PT_W | PT_DEV) ||
        arch_pt_map(kernel_root, kcfg.power, KPAGE_SIZE, PT_R | PT_W | PT_DEV) ||
        (KTRACE_ON && arch_pt_map(kernel_root, kcfg.trace, KPAGE_SIZE, PT_R | PT_W | PT_DEV)) ||
        arch_pt_map(kernel_root, kcfg.intc, KPAGE_SIZE, PT_R | PT_W | PT_DEV))
        panic("kmain: out of memory for the kernel page tables");
    arch_pt_activate(kernel_root, 0);
    irq_init();
    kcpu_start_all(bi);

    kipc_init(kcfg.cap_cache_lines);
    demo_start(kcfg.demo);
    sched_on_all_ended(demo_verdict);
    sched_next(TRC_SWITCH_START);
}
