/* guest-kernel/kphases_check.c: check-only, never part of kernel.elf.
 * cmake/Guest.cmake links it with the kernel's objects into a throw-away
 * image (build/guest/<arch>/obj/kernel-kphases.check): for every EXTERN
 * function abi/kphases.h lists for this architecture it puts a reference
 * (its address, in a section of its own), so a listed function that was
 * renamed or removed is an undefined symbol at that link and the build
 * fails. STATIC rows cannot be referenced from here: tests/tracer/
 * test_kphases.c checks those (and every row) in the kernel's symbols. */
#include "abi/kphases.h"

/* The reference to one function. */
#define KPHASES_CHECK_REF(name)                                                                    \
    __asm__(".pushsection .kphases_check,\"a\",%progbits\n\t.quad " #name "\n\t.popsection");

/* Whether a row's ARCH column covers the architecture compiled for. */
#if defined(__x86_64__)
#define KPHASES_CHECK_ON_X86_64(name) KPHASES_CHECK_REF(name)
#define KPHASES_CHECK_ON_AARCH64(name)
#define KPHASES_CHECK_ON_RISCV64(name)
#elif defined(__aarch64__)
#define KPHASES_CHECK_ON_X86_64(name)
#define KPHASES_CHECK_ON_AARCH64(name) KPHASES_CHECK_REF(name)
#define KPHASES_CHECK_ON_RISCV64(name)
#elif defined(__riscv) && __riscv_xlen == 64
#define KPHASES_CHECK_ON_X86_64(name)
#define KPHASES_CHECK_ON_AARCH64(name)
#define KPHASES_CHECK_ON_RISCV64(name) KPHASES_CHECK_REF(name)
#else
#error "kphases_check.c: an architecture abi/kphases.h does not name"
#endif
#define KPHASES_CHECK_ON_ALL(name) KPHASES_CHECK_REF(name)

#define KPHASES_CHECK_EXTERN(arch, name) KPHASES_CHECK_ON_##arch(name)
#define KPHASES_CHECK_STATIC(arch, name)
#define KPHASES_CHECK_ROW(phase, arch, link, name) KPHASES_CHECK_##link(arch, name)

KPHASE_FUNCS(KPHASES_CHECK_ROW)

/* A translation unit must declare something. */
typedef int kphases_check_unit;
