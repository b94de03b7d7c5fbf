/* tests/fuzz/fuzz_elf.c: libFuzzer target for the ELF reader
 * (machine/elf.c): any bytes, at an odd address, must load or be refused
 * with one line of detail, and give symbols that lie inside the file,
 * without a crash, a leak or undefined behaviour (misaligned reads
 * included). Built and run by scripts/fuzz.sh. */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "machine/elf.h"
#include "abi/memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LO MM_LOAD_MIN
#define HI (MM_RAM_BASE + MM_RAM_SIZE_DEFAULT)

/* The image being loaded, for the writer's checks. */
static const uint8_t *img;
static size_t img_size;

/* A guest-memory writer that checks what the loader asks: inside [LO, HI),
 * data (when given) inside the image. Returns 0. */
static int check_write(void *ctx, uint64_t addr, const void *src, size_t len)
{
    (void)ctx;
    if (addr < LO || addr > HI || len > HI - addr || len == 0)
        abort();
    const uint8_t *s = src;
    if (s && (s < img || len > img_size || s - img > (ptrdiff_t)(img_size - len)))
        abort();
    volatile uint8_t sink = 0;
    for (size_t i = 0; s && i < len; i += 4096)
        sink ^= s[i]; /* touch the bytes: ASan checks them */
    if (s)
        sink ^= s[len - 1];
    (void)sink;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* at an odd address: a field read through a cast pointer would be
     * misaligned */
    uint8_t *block = malloc(size + 1);
    if (!block)
        return 0;
    memcpy(block + 1, data, size);
    img = block + 1;
    img_size = size;
    /* the machine the file asks for, when it is one of ours */
    uint16_t machine = EM_RISCV;
    if (size >= 20) {
        uint16_t m = (uint16_t)(img[18] | img[19] << 8);
        if (m == EM_X86_64 || m == EM_AARCH64)
            machine = m;
    }
    char detail[200];
    struct elf_info info;
    enum elf_err e =
        elf_load(img, size, machine, LO, HI, check_write, NULL, &info, detail, sizeof detail);
    if (e == ELF_OK) {
        if (info.segments == 0 || info.lo < LO || info.hi > HI || info.lo >= info.hi ||
            info.entry < info.lo || info.entry >= info.hi)
            abort();
    } else if (!detail[0] || strchr(detail, '\n') ||
               strcmp(elf_strerror(e), "unknown ELF error") == 0) {
        abort();
    }
    struct elf_sym *syms;
    size_t n = elf_symbols(img, size, &syms);
    if ((n == 0) != (syms == NULL))
        abort();
    for (size_t i = 0; i < n; i++) {
        const uint8_t *name = (const uint8_t *)syms[i].name;
        if (name < img || name >= img + size || !memchr(name, 0, (size_t)(img + size - name)))
            abort(); /* a name inside the file, terminated inside it */
        if (i > 0 && syms[i - 1].addr > syms[i].addr)
            abort();
        const struct elf_sym *at = elf_symbol_at(syms, n, syms[i].addr);
        if (at && (at < syms || at >= syms + n))
            abort();
    }
    free(syms);
    free(block);
    return 0;
}
