/* guest-kernel/kprobes_check.c: check-only, never part of kernel.elf (like
 * kphases_check.c, linked into the same throw-away image): references
 * every EXTERN anchor abi/kprobes.h lists, so that renaming or removing
 * one fails the build. STATIC rows cannot be referenced from here:
 * tests/integration/test_probe_events.c finds those in the symbols. */
#include "abi/kprobes.h"

#define KPROBES_CHECK_EXTERN(sym)                                                                  \
    __asm__(".pushsection .kprobes_check,\"a\",%progbits\n\t.quad " #sym "\n\t.popsection");
#define KPROBES_CHECK_STATIC(sym)
#define KPROBES_CHECK_ROW(id, link, sym, nargs, ret) KPROBES_CHECK_##link(sym)

KPROBES(KPROBES_CHECK_ROW)

/* A translation unit must declare something. */
typedef int kprobes_check_unit;
