/* tests/engine/old_uc_version.c: a stand-in for an older engine, loaded
 * with LD_PRELOAD by tests/engine/test_version_gate.sh: its uc_version
 * answers what Unicorn 2.0.1's does (major, minor, patch, extra packed
 * as 2.0.1 packs them), so ipcemu's run-time check of the loaded engine
 * can be seen refusing it. Everything else is the real Unicorn. */
#include <stddef.h>

/* Returns 2.0.1's version word, and 2 and 0 through major and minor. */
unsigned int uc_version(unsigned int *major, unsigned int *minor);
unsigned int uc_version(unsigned int *major, unsigned int *minor)
{
    if (major != NULL && minor != NULL) {
        *major = 2;
        *minor = 0;
    }
    return (2u << 24) + (0u << 16) + (1u << 8) + 255u;
}
