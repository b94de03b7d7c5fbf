/* tools/setup.c: the set-up the tools share (see setup.h). */
#include "tools/setup.h"

#include <stdio.h>

enum tool_setup_err tool_setup_open(struct tool_setup *s, const char *tool, const char *cpu,
                                    struct machine_config *cfg, const uint8_t *img, size_t n)
{
    char why[600];
    const struct emu_arch *arch = emu_arch_get(cfg->arch);
    if (tm_profile_load(&s->prof, cpu ? cpu : arch->default_cpu, why, sizeof why) != 0) {
        fprintf(stderr, "%s: %s\n", tool, why);
        return TOOL_SETUP_PROFILE;
    }
    s->have_prof = true;
    cfg->profile = &s->prof;
    trc_log_init(&s->log);
    s->have_machine = true; /* machine_destroy undoes a failed init too */
    if (machine_init(&s->m, cfg, &s->log) != 0 || machine_boot_elf(&s->m, img, n) != 0) {
        fprintf(stderr, "%s: %s\n", tool, s->m.why);
        return TOOL_SETUP_BOOT;
    }
    return TOOL_SETUP_OK;
}

void tool_setup_close(struct tool_setup *s)
{
    if (s->have_machine) {
        machine_destroy(&s->m);
        trc_log_free(&s->log);
    }
    if (s->have_prof)
        tm_profile_free(&s->prof);
    s->have_machine = s->have_prof = false;
}
