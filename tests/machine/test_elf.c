/* tests/machine/test_elf.c: the ELF loader against crafted images (every
 * check, failure paths included) and the real guest images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <elf.h>

#include "machine/elf.h"
#include "machine/machine.h"
#include "machine/memmap.h"

#define LO 0x40001000ULL
#define HI 0x48000000ULL

/* A two-segment image: code (R+X, 16 bytes) and data (RW, 8 file bytes,
 * 64 in memory). */
struct img {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[2];
    uint8_t code[16];
    uint8_t data[8];
};

static void make(struct img *im)
{
    memset(im, 0, sizeof *im);
    memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
    im->eh.e_ident[EI_CLASS] = ELFCLASS64;
    im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    im->eh.e_ident[EI_VERSION] = EV_CURRENT;
    im->eh.e_type = ET_EXEC;
    im->eh.e_machine = EM_RISCV;
    im->eh.e_version = EV_CURRENT;
    im->eh.e_entry = 0x40100004;
    im->eh.e_phoff = offsetof(struct img, ph);
    im->eh.e_ehsize = sizeof(Elf64_Ehdr);
    im->eh.e_phentsize = sizeof(Elf64_Phdr);
    im->eh.e_phnum = 2;
    im->ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
                             .p_flags = PF_R | PF_X,
                             .p_offset = offsetof(struct img, code),
                             .p_vaddr = 0x40100000,
                             .p_paddr = 0x40100000,
                             .p_filesz = 16,
                             .p_memsz = 16};
    im->ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
                             .p_flags = PF_R | PF_W,
                             .p_offset = offsetof(struct img, data),
                             .p_vaddr = 0x40200000,
                             .p_paddr = 0x40200000,
                             .p_filesz = 8,
                             .p_memsz = 64};
    for (int i = 0; i < 16; i++)
        im->code[i] = (uint8_t)(0xa0 + i);
    memset(im->data, 0x5a, sizeof im->data);
}

/* A fake guest memory: 3 MiB from 0x40000000, filled with 0xee. */
static uint8_t mem[3 << 20];
static int writes;

static int write_mem(void *ctx, uint64_t addr, const void *data, size_t len)
{
    (void)ctx;
    writes++;
    if (addr < 0x40000000ULL || addr - 0x40000000ULL + len > sizeof mem)
        return -1;
    if (data)
        memcpy(mem + (addr - 0x40000000ULL), data, len);
    else
        memset(mem + (addr - 0x40000000ULL), 0, len);
    return 0;
}

static enum elf_err load(const struct img *im, size_t n, struct elf_info *info, char *detail)
{
    memset(mem, 0xee, sizeof mem);
    writes = 0;
    return elf_load((const uint8_t *)im, n, EM_RISCV, LO, HI, write_mem, NULL, info, detail, 200);
}

static void loads_segments_and_zero_fills(void **state)
{
    (void)state;
    struct img im;
    struct elf_info info;
    char detail[200];
    make(&im);
    assert_int_equal(load(&im, sizeof im, &info, detail), ELF_OK);
    assert_true(info.entry == 0x40100004);
    assert_true(info.lo == 0x40100000 && info.hi == 0x40200040);
    assert_int_equal(info.segments, 2);
    assert_memory_equal(mem + 0x100000, im.code, 16);
    assert_int_equal(mem[0x100010], 0xee); /* nothing past the segment */
    assert_int_equal(mem[0x200000], 0x5a);
    assert_int_equal(mem[0x200008], 0); /* .bss zero-filled */
    assert_int_equal(mem[0x20003f], 0);
    assert_int_equal(mem[0x200040], 0xee);
}

/* Each broken image gives its own error, names the place, writes nothing. */
static void expect_error(struct img *im, size_t n, enum elf_err want, const char *in_detail)
{
    char detail[200];
    struct elf_info info;
    assert_int_equal(load(im, n, &info, detail), want);
    assert_int_equal(writes, 0);
    assert_non_null(strstr(detail, in_detail));
    assert_string_not_equal(elf_strerror(want), "unknown ELF error");
}

static void rejects_every_malformed_header(void **state)
{
    (void)state;
    struct img im;
    make(&im);
    expect_error(&im, 10, ELF_ERR_TRUNCATED, "too short");
    make(&im);
    im.eh.e_ident[1] = 'X';
    expect_error(&im, sizeof im, ELF_ERR_MAGIC, "magic");
    make(&im);
    im.eh.e_ident[EI_CLASS] = ELFCLASS32;
    expect_error(&im, sizeof im, ELF_ERR_CLASS, "class 1");
    make(&im);
    im.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    expect_error(&im, sizeof im, ELF_ERR_CLASS, "data 2");
    make(&im);
    expect_error(&im, 40, ELF_ERR_TRUNCATED, "ELF header needs");
    make(&im);
    im.eh.e_type = ET_DYN;
    expect_error(&im, sizeof im, ELF_ERR_TYPE, "e_type is 3");
    make(&im);
    im.eh.e_machine = EM_X86_64;
    expect_error(&im, sizeof im, ELF_ERR_MACHINE, "e_machine is 62");
    make(&im);
    im.eh.e_phnum = 0;
    expect_error(&im, sizeof im, ELF_ERR_NOLOAD, "no program headers");
    make(&im);
    im.eh.e_phentsize = 32;
    expect_error(&im, sizeof im, ELF_ERR_PHDR, "e_phentsize is 32");
    make(&im);
    im.eh.e_phoff = sizeof im - 10;
    expect_error(&im, sizeof im, ELF_ERR_TRUNCATED, "program headers at offset");
    make(&im);
    im.eh.e_phoff = UINT64_MAX - 8; /* offset arithmetic must not wrap */
    expect_error(&im, sizeof im, ELF_ERR_TRUNCATED, "program headers at offset");
}

static void rejects_every_bad_segment(void **state)
{
    (void)state;
    struct img im;
    make(&im);
    im.ph[1].p_filesz = 65;
    expect_error(&im, sizeof im, ELF_ERR_PHDR, "segment 1: p_filesz 65 > p_memsz 64");
    make(&im);
    im.ph[1].p_offset = sizeof im - 4;
    expect_error(&im, sizeof im, ELF_ERR_TRUNCATED, "segment 1: file bytes");
    make(&im);
    im.ph[0].p_paddr = im.ph[0].p_vaddr = 0x1000; /* below RAM */
    expect_error(&im, sizeof im, ELF_ERR_RANGE, "segment 0: [0x1000");
    make(&im);
    im.ph[1].p_memsz = HI; /* past the end of RAM */
    expect_error(&im, sizeof im, ELF_ERR_RANGE, "segment 1");
    make(&im);
    im.ph[1].p_paddr = im.ph[1].p_vaddr = UINT64_MAX - 8; /* would wrap */
    expect_error(&im, sizeof im, ELF_ERR_RANGE, "segment 1");
    make(&im);
    im.ph[1].p_vaddr = 0x80000000;
    expect_error(&im, sizeof im, ELF_ERR_RANGE, "virtual 0x80000000 != physical");
    make(&im);
    im.ph[0].p_type = PT_NOTE;
    im.ph[1].p_type = PT_NULL;
    expect_error(&im, sizeof im, ELF_ERR_NOLOAD, "no PT_LOAD");
    make(&im);
    im.eh.e_entry = 0x40200000; /* in the data segment */
    expect_error(&im, sizeof im, ELF_ERR_ENTRY, "entry 0x40200000");
    make(&im);
    im.eh.e_entry = 0x40100010; /* one past the code */
    expect_error(&im, sizeof im, ELF_ERR_ENTRY, "entry 0x40100010");
}

static void a_failing_writer_is_reported(void **state)
{
    (void)state;
    struct img im;
    char detail[200];
    make(&im);
    assert_int_equal(elf_load((const uint8_t *)&im, sizeof im, EM_RISCV, LO, 0x50000000ULL,
                              write_mem, NULL, NULL, detail, sizeof detail),
                     ELF_OK);
    im.ph[1].p_paddr = im.ph[1].p_vaddr = 0x4f000000; /* inside range, outside fake memory */
    assert_int_equal(elf_load((const uint8_t *)&im, sizeof im, EM_RISCV, LO, 0x50000000ULL,
                              write_mem, NULL, NULL, detail, sizeof detail),
                     ELF_ERR_WRITE);
    assert_non_null(strstr(detail, "segment 1"));
}

/* The kernel and self-test images built for every architecture pass the
 * loader's checks for the machine's memory map. */
static void the_built_guest_images_are_valid(void **state)
{
    (void)state;
    static const uint16_t machines[EMU_ARCH_COUNT] = {EM_X86_64, EM_AARCH64, EM_RISCV};
    for (int a = 0; a < EMU_ARCH_COUNT; a++) {
        if (!machine_arch_get((enum emu_arch_id)a))
            continue; /* not built (cmake -DIPCEMU_ARCHES) */
        for (int which = MACHINE_IMAGE_KERNEL; which <= MACHINE_IMAGE_SELFTEST; which++) {
            size_t n;
            const uint8_t *img = machine_image((enum emu_arch_id)a, which, &n);
            assert_non_null(img);
            struct elf_info info;
            char detail[200];
            assert_int_equal(elf_load(img, n, machines[a], MM_LOAD_MIN,
                                      MM_RAM_BASE + MM_RAM_SIZE_DEFAULT, NULL, NULL, &info, detail,
                                      sizeof detail),
                             ELF_OK);
            assert_true(info.lo >= MM_KERNEL_BASE);
            assert_true(info.entry >= info.lo && info.entry < info.hi);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_segments_and_zero_fills),
        cmocka_unit_test(rejects_every_malformed_header),
        cmocka_unit_test(rejects_every_bad_segment),
        cmocka_unit_test(a_failing_writer_is_reported),
        cmocka_unit_test(the_built_guest_images_are_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
