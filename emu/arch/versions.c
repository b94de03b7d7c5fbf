/* emu/arch/versions.c: the versions of the two libraries the emulator
 * runs on (Unicorn executes, Capstone decodes), and the one Unicorn this
 * build supports. Here because Capstone may be included only in emu/arch
 * (scripts/check-layers.sh). */
#include <capstone/capstone.h>
#include <stdio.h>
#include <unicorn/unicorn.h>

#include "emu/cpu.h"

/* The one engine whose CPU-state layout the machine/arch/ *_uc.h files describe. */
#define SUPPORTED_MAJOR 2u
#define SUPPORTED_MINOR 1u
#define SUPPORTED_PATCH 1u

#if UC_API_MAJOR != SUPPORTED_MAJOR || UC_API_MINOR != SUPPORTED_MINOR ||                          \
    UC_API_PATCH != SUPPORTED_PATCH
#error                                                                                             \
    "ipcemu is built for Unicorn 2.1.1 (libunicorn-dev from Debian 13; scripts/deps.sh installs it)"
#endif
#if CS_API_MAJOR != 5
#error                                                                                             \
    "ipcemu is built for Capstone 5 (libcapstone-dev from Debian 13; scripts/deps.sh installs it)"
#endif

/* Returns the loaded Unicorn's version as major, minor and patch (its
 * run-time version: uc_version's packed word, 0xMMmmpp..). */
static void engine_version(unsigned *major, unsigned *minor, unsigned *patch)
{
    unsigned v = uc_version(NULL, NULL);
    *major = (v >> 24) & 0xffu;
    *minor = (v >> 16) & 0xffu;
    *patch = (v >> 8) & 0xffu;
}

void emu_engine_version_text(char *out, size_t n)
{
    unsigned major, minor, patch;
    engine_version(&major, &minor, &patch);
    snprintf(out, n, "%u.%u.%u", major, minor, patch);
}

void emu_decoder_version_text(char *out, size_t n)
{
    int major, minor;
    cs_version(&major, &minor);
    snprintf(out, n, "%d.%d", major, minor);
}

bool emu_engine_supported(char *why, size_t n)
{
    unsigned major, minor, patch;
    engine_version(&major, &minor, &patch);
    if (major == SUPPORTED_MAJOR && minor == SUPPORTED_MINOR && patch == SUPPORTED_PATCH)
        return true;
    snprintf(why, n,
             "the loaded Unicorn is %u.%u.%u; ipcemu needs Unicorn %u.%u.%u, the one whose CPU "
             "state it knows (scripts/deps.sh installs Debian 13's libunicorn2t64 2.1.1)",
             major, minor, patch, SUPPORTED_MAJOR, SUPPORTED_MINOR, SUPPORTED_PATCH);
    return false;
}
