/* machine/student.h: students' programs (docs/scenarios.md, "Students'
 * programs"). A scenario process with a "source" is C code written against
 * guest-kernel/student/ipcemu.h; before the machine starts, ipcemu compiles
 * it for the run's architecture with the guest's LLVM toolchain (clang-14,
 * ld.lld-14, found on PATH, else where cmake found them), links it with the
 * student SDK's libipcemu.a into a slot of the kernel's student area
 * (guest-kernel/kernel.ld), and writes where into the compiled scenario
 * (abi/scenario.h, scn_proc.image_*). The SDK is the build tree's
 * guest/<arch>/student/ (cmake/Guest.cmake), or $IPCEMU_SDK/<arch>/student/. */
#ifndef IPCEMU_MACHINE_STUDENT_H
#define IPCEMU_MACHINE_STUDENT_H

#include <stddef.h>
#include <stdint.h>

#include "emu/cpu.h"
#include "machine/machine.h"
#include "machine/scenario.h"

/* Bytes of the student area each student process's image may take. */
#define STUDENT_SLOT_BYTES 0x40000u

/* The images of one run's students' programs. */
struct student_build {
    struct machine_user_image *images; /* owned, one per student process */
    uint8_t **elf;                     /* owned: images[i].elf */
    size_t n;
    char toolchain[64]; /* "clang 14.0.6" ("" when nothing was compiled) */
};

enum student_result {
    STUDENT_OK = 0,
    STUDENT_BAD = -1,     /* no toolchain, no SDK, no room, a file that cannot be read */
    STUDENT_COMPILE = -2, /* the compiler or linker refused: its messages went to stderr */
};

/* Compiles and links every student process of `s` for `arch`, whose
 * kernel image is kernel[kn], into *b (empty when there is none) and
 * writes their places into s->blob. Returns STUDENT_OK, or an error with
 * one line in err[errn] ("processes[1].source: ..."). */
enum student_result student_build(struct scn *s, enum emu_arch_id arch, const uint8_t *kernel,
                                  size_t kn, struct student_build *b, char *err, size_t errn);
void student_build_free(struct student_build *b);

#endif
