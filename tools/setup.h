/* tools/setup.h: the set-up the tools share (ipcemu-bench, ipcemu-mca):
 * a CPU profile loaded by name, an event log, and a machine that has
 * booted an image with both, as `ipcemu` runs it. */
#ifndef IPCEMU_TOOLS_SETUP_H
#define IPCEMU_TOOLS_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/timing.h"
#include "machine/machine.h"
#include "tracer/trace.h"

/* A booted machine and what it owns. Zero it, then tool_setup_open; free
 * with tool_setup_close whatever the open returned. */
struct tool_setup {
    struct tm_profile prof; /* the run's CPU profile */
    struct trc_log log;     /* the run's events */
    struct machine m;
    bool have_prof, have_machine; /* what tool_setup_close frees */
};

/* What tool_setup_open did. */
enum tool_setup_err {
    TOOL_SETUP_OK = 0,
    TOOL_SETUP_PROFILE, /* the profile could not be loaded */
    TOOL_SETUP_BOOT,    /* the machine could not be made or boot the image */
};

/* Loads CPU profile `cpu` (NULL: the default of cfg->arch) into s->prof,
 * points cfg at it, and boots image img[n] on s->m with cfg and s->log.
 * Returns TOOL_SETUP_OK, or an error after printing "TOOL: why" on stderr
 * (`tool`: the program's name). */
enum tool_setup_err tool_setup_open(struct tool_setup *s, const char *tool, const char *cpu,
                                    struct machine_config *cfg, const uint8_t *img, size_t n);

/* Frees the machine, the log and the profile (what was made of them;
 * returns nothing). */
void tool_setup_close(struct tool_setup *s);

#endif
