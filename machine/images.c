/* machine/images.c: the guest ELF images embedded at build time
 * (cmake/Guest.cmake generates the .incbin assembly). */
#include "machine/machine.h"

#define IMAGE(arch, name)                                                                          \
    extern const uint8_t ipcemu_img_##arch##_##name##_start[];                                     \
    extern const uint8_t ipcemu_img_##arch##_##name##_end[];
#define PAIR(arch, name)                                                                           \
    {                                                                                              \
        ipcemu_img_##arch##_##name##_start, ipcemu_img_##arch##_##name##_end                       \
    }

/* The build may leave architectures out (cmake -DIPCEMU_ARCHES=...). */
#ifdef IPCEMU_HAVE_x86_64
IMAGE(x86_64, kernel)
IMAGE(x86_64, selftest)
#define X86_64_IMAGES                                                                              \
    {                                                                                              \
        PAIR(x86_64, kernel), PAIR(x86_64, selftest)                                               \
    }
#else
#define X86_64_IMAGES                                                                              \
    {                                                                                              \
        {0, 0},                                                                                    \
        {                                                                                          \
            0, 0                                                                                   \
        }                                                                                          \
    }
#endif
#ifdef IPCEMU_HAVE_aarch64
IMAGE(aarch64, kernel)
IMAGE(aarch64, selftest)
#define AARCH64_IMAGES                                                                             \
    {                                                                                              \
        PAIR(aarch64, kernel), PAIR(aarch64, selftest)                                             \
    }
#else
#define AARCH64_IMAGES                                                                             \
    {                                                                                              \
        {0, 0},                                                                                    \
        {                                                                                          \
            0, 0                                                                                   \
        }                                                                                          \
    }
#endif
#ifdef IPCEMU_HAVE_riscv64
IMAGE(riscv64, kernel)
IMAGE(riscv64, selftest)
#define RISCV64_IMAGES                                                                             \
    {                                                                                              \
        PAIR(riscv64, kernel), PAIR(riscv64, selftest)                                             \
    }
#else
#define RISCV64_IMAGES                                                                             \
    {                                                                                              \
        {0, 0},                                                                                    \
        {                                                                                          \
            0, 0                                                                                   \
        }                                                                                          \
    }
#endif

const uint8_t *machine_image(enum emu_arch_id arch, enum machine_image which, size_t *n)
{
    static const struct {
        const uint8_t *start, *end;
    } images[EMU_ARCH_COUNT][2] = {
        [EMU_ARCH_X86_64] = X86_64_IMAGES,
        [EMU_ARCH_AARCH64] = AARCH64_IMAGES,
        [EMU_ARCH_RISCV64] = RISCV64_IMAGES,
    };
    *n = 0;
    if ((unsigned)arch >= EMU_ARCH_COUNT || (unsigned)which > MACHINE_IMAGE_SELFTEST)
        return NULL;
    const uint8_t *s = images[arch][which].start, *e = images[arch][which].end;
    if (!s || e <= s)
        return NULL;
    *n = (size_t)(e - s);
    return s;
}
