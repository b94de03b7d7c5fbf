/* tests/machine/test_elf.c: the ELF loader against crafted images (every
 * check, failure paths included; section and symbol tables at odd offsets,
 * truncated, past the end, with huge counts) and the real guest images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <elf.h>

#include "machine/elf.h"
#include "machine/machine.h"
#include "abi/memmap.h"

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
    make(&im);
    im.eh.e_phnum = 0xffff; /* a huge count */
    expect_error(&im, sizeof im, ELF_ERR_TRUNCATED, "(65535 entries) run past the end");
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

/* ---- section headers and symbols ---------------------------------------- */

/* Little-endian writers at any address (the images below put tables at odd
 * offsets on purpose). */
static void wr(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
#define WR(p, T, f, v) wr((p) + offsetof(T, f), (v), (int)sizeof(((T *)0)->f))

/* Where build() put things: offsets in the image, and its size. */
struct layout {
    size_t n, strtab, symtab, shdrs;
    unsigned nsyms;
};

#define SEC_TEXT 1
#define SEC_DATA 2
#define SEC_BSS 3
#define SEC_STRTAB 4
#define SEC_SYMTAB 5
#define NSECS 6

/* Writes into b a valid image: the two segments of make(), then a string
 * table, a symbol table `pad` bytes further (an odd pad misaligns it) and
 * the section headers `pad` bytes after that. Returns its layout. */
static struct layout build(uint8_t *b, unsigned pad)
{
    struct img im;
    struct layout L = {0};
    make(&im);
    memset(b, 0, 2048);
    memcpy(b, &im, sizeof im);
    static const char strs[] = "\0main\0helper\0$x\0.Lfoo\0data_obj\0undef\0top";
    L.strtab = sizeof im;
    memcpy(b + L.strtab, strs, sizeof strs);
    L.symtab = L.strtab + sizeof strs + pad;
    static const struct {
        unsigned name, type, shndx;
        uint64_t value, size;
    } syms[] = {
        {0, STT_NOTYPE, SHN_UNDEF, 0, 0},
        {1, STT_FUNC, SEC_TEXT, 0x40100004, 8},              /* main */
        {6, STT_FUNC, SEC_TEXT, 0x40100000, 4},              /* helper */
        {13, STT_NOTYPE, SEC_TEXT, 0x40100000, 0},           /* $x: a mapping symbol */
        {16, STT_NOTYPE, SEC_TEXT, 0x40100008, 0},           /* .Lfoo: a local label */
        {22, STT_OBJECT, SEC_DATA, 0x40200000, 8},           /* data_obj: not code */
        {31, STT_FUNC, SHN_UNDEF, 0, 0},                     /* undef: not defined */
        {37, STT_FUNC, SEC_TEXT, 0xfffffffffffffff0ull, 32}, /* top: wraps past 2^64 */
    };
    L.nsyms = sizeof syms / sizeof syms[0];
    for (unsigned i = 0; i < L.nsyms; i++) {
        uint8_t *p = b + L.symtab + i * sizeof(Elf64_Sym);
        WR(p, Elf64_Sym, st_name, syms[i].name);
        WR(p, Elf64_Sym, st_info, ELF64_ST_INFO(STB_GLOBAL, syms[i].type));
        WR(p, Elf64_Sym, st_shndx, syms[i].shndx);
        WR(p, Elf64_Sym, st_value, syms[i].value);
        WR(p, Elf64_Sym, st_size, syms[i].size);
    }
    L.shdrs = L.symtab + L.nsyms * sizeof(Elf64_Sym) + pad;
    static const struct {
        unsigned type, link;
        uint64_t entsize;
    } secs[NSECS] = {{SHT_NULL, 0, 0},   {SHT_PROGBITS, 0, 0}, {SHT_PROGBITS, 0, 0},
                     {SHT_NOBITS, 0, 0}, {SHT_STRTAB, 0, 0},   {SHT_SYMTAB, SEC_STRTAB, 24}};
    const uint64_t where[NSECS][2] = {
        {0, 0},          {offsetof(struct img, code), 16}, {offsetof(struct img, data), 8},
        {sizeof im, 56}, {L.strtab, sizeof strs},          {L.symtab, L.nsyms * sizeof(Elf64_Sym)}};
    for (unsigned i = 0; i < NSECS; i++) {
        uint8_t *p = b + L.shdrs + i * sizeof(Elf64_Shdr);
        WR(p, Elf64_Shdr, sh_type, secs[i].type);
        WR(p, Elf64_Shdr, sh_link, secs[i].link);
        WR(p, Elf64_Shdr, sh_offset, where[i][0]);
        WR(p, Elf64_Shdr, sh_size, where[i][1]);
        WR(p, Elf64_Shdr, sh_entsize, secs[i].entsize);
    }
    WR(b, Elf64_Ehdr, e_shoff, L.shdrs);
    WR(b, Elf64_Ehdr, e_shentsize, sizeof(Elf64_Shdr));
    WR(b, Elf64_Ehdr, e_shnum, NSECS);
    L.n = L.shdrs + NSECS * sizeof(Elf64_Shdr);
    return L;
}

/* Byte `off` of section header `i`. */
static uint8_t *shdr(uint8_t *b, const struct layout *L, unsigned i)
{
    return b + L->shdrs + i * sizeof(Elf64_Shdr);
}

/* Checks elf_load and elf_symbols on b[n] (copied to a heap block of
 * exactly n bytes at an odd address, so that ASan sees any read past the
 * end and UBSan any misaligned one). Returns elf_load's result with its
 * detail in detail[200]; *nsyms gets elf_symbols' count. With `syms`, the
 * symbols and the block their names point into are the caller's to free
 * (*block); without, both are freed. */
static enum elf_err check_image(const uint8_t *b, size_t n, char *detail, size_t *nsyms,
                                struct elf_sym **syms, uint8_t **block)
{
    uint8_t *copy = malloc(n + 1);
    assert_non_null(copy);
    memcpy(copy + 1, b, n);
    memset(mem, 0xee, sizeof mem);
    writes = 0;
    enum elf_err e = elf_load(copy + 1, n, EM_RISCV, LO, HI, write_mem, NULL, NULL, detail, 200);
    struct elf_sym *s;
    *nsyms = elf_symbols(copy + 1, n, &s);
    if (syms) {
        *syms = s;
        *block = copy;
    } else {
        free(s);
        free(copy);
    }
    return e;
}

/* The section header table and the symbol table at odd offsets of an odd
 * address: every field is read byte by byte (UBSan caught the misaligned
 * reads of a cast pointer), and the symbols come out right. */
static void symbols_are_read_at_any_alignment(void **state)
{
    (void)state;
    static uint8_t b[2048];
    for (unsigned pad = 0; pad < 4; pad++) {
        struct layout L = build(b, pad);
        char detail[200];
        size_t n;
        struct elf_sym *syms = NULL;
        uint8_t *block;
        assert_int_equal(check_image(b, L.n, detail, &n, &syms, &block), ELF_OK);
        assert_int_equal(n, 3); /* helper, main, top */
        assert_string_equal(syms[0].name, "helper");
        assert_true(syms[0].addr == 0x40100000 && syms[0].size == 4 && syms[0].func);
        assert_string_equal(syms[1].name, "main");
        assert_string_equal(syms[2].name, "top");
        assert_ptr_equal(elf_symbol_at(syms, n, 0x40100005), &syms[1]);
        assert_null(elf_symbol_at(syms, n, 0x4010000c)); /* past main's end */
        assert_null(elf_symbol_at(syms, n, 0x40000000)); /* below every symbol */
        free(syms);
        free(block);
    }
}

/* A function at the top of the address space: [addr, addr + size) wraps,
 * and an address inside it is still found. */
static void a_symbol_at_the_top_of_memory_is_found(void **state)
{
    (void)state;
    static uint8_t b[2048];
    struct layout L = build(b, 0);
    struct elf_sym *syms;
    size_t n = elf_symbols(b, L.n, &syms);
    assert_int_equal(n, 3);
    assert_ptr_equal(elf_symbol_at(syms, n, 0xfffffffffffffff8ull), &syms[2]);
    assert_ptr_equal(elf_symbol_at(syms, n, UINT64_MAX), &syms[2]);
    free(syms);
}

/* Each broken section table is refused with its error, before a byte is
 * written, and elf_symbols reads nothing from it. */
static void expect_sections_error(const uint8_t *b, size_t n, enum elf_err want,
                                  const char *in_detail)
{
    char detail[200];
    size_t nsyms;
    enum elf_err e = check_image(b, n, detail, &nsyms, NULL, NULL);
    if (e != want || !strstr(detail, in_detail))
        fail_msg("got %d (%s), want %d with \"%s\"", e, detail, want, in_detail);
    assert_int_equal(writes, 0);
    assert_string_not_equal(elf_strerror(want), "unknown ELF error");
    (void)nsyms; /* some breakages leave the symbol table itself readable */
}

static void rejects_every_bad_section_table(void **state)
{
    (void)state;
    static uint8_t b[2048];
    struct layout L = build(b, 1);
    expect_sections_error(b, L.n - 1, ELF_ERR_TRUNCATED, "section headers at offset");
    expect_sections_error(b, L.shdrs, ELF_ERR_TRUNCATED, "section headers at offset");
    L = build(b, 1);
    WR(b, Elf64_Ehdr, e_shentsize, 32);
    expect_sections_error(b, L.n, ELF_ERR_SHDR, "e_shentsize is 32, need 64");
    L = build(b, 1);
    WR(b, Elf64_Ehdr, e_shoff, UINT64_MAX - 8); /* offset + size must not wrap */
    expect_sections_error(b, L.n, ELF_ERR_TRUNCATED, "section headers at offset");
    L = build(b, 1);
    WR(b, Elf64_Ehdr, e_shnum, 0xffff); /* a huge count */
    expect_sections_error(b, L.n, ELF_ERR_TRUNCATED, "(65535 entries) run past the end");
    L = build(b, 1);
    WR(shdr(b, &L, SEC_TEXT), Elf64_Shdr, sh_offset, L.n - 8);
    expect_sections_error(b, L.n, ELF_ERR_TRUNCATED, "section 1: file bytes");
    L = build(b, 1);
    WR(shdr(b, &L, SEC_DATA), Elf64_Shdr, sh_size, UINT64_MAX); /* must not wrap */
    expect_sections_error(b, L.n, ELF_ERR_TRUNCATED, "section 2: file bytes");
    L = build(b, 1);
    WR(shdr(b, &L, SEC_STRTAB), Elf64_Shdr, sh_offset, UINT64_MAX);
    expect_sections_error(b, L.n, ELF_ERR_TRUNCATED, "section 4: file bytes");
    L = build(b, 1);
    WR(shdr(b, &L, SEC_SYMTAB), Elf64_Shdr, sh_size, 1ull << 40); /* a huge symbol count */
    expect_sections_error(b, L.n, ELF_ERR_TRUNCATED, "section 5: file bytes");
    L = build(b, 1);
    WR(shdr(b, &L, SEC_SYMTAB), Elf64_Shdr, sh_entsize, 16);
    expect_sections_error(b, L.n, ELF_ERR_SHDR,
                          "section 5: symbol table entries of 16 bytes, need 24");
    L = build(b, 1);
    WR(shdr(b, &L, SEC_SYMTAB), Elf64_Shdr, sh_size, 3 * 24 + 5);
    expect_sections_error(b, L.n, ELF_ERR_SHDR,
                          "section 5: symbol table of 77 bytes is not a whole");
    L = build(b, 1);
    WR(shdr(b, &L, SEC_SYMTAB), Elf64_Shdr, sh_link, NSECS);
    expect_sections_error(b, L.n, ELF_ERR_SHDR, "links string table 6 of 6 sections");
    L = build(b, 1);
    WR(shdr(b, &L, SEC_SYMTAB), Elf64_Shdr, sh_link, SEC_TEXT); /* not a string table */
    expect_sections_error(b, L.n, ELF_ERR_SHDR, "section 5: its string table (section 1)");
    L = build(b, 1);
    b[L.symtab - 2] = 'x'; /* the string table's last byte: no NUL at its end */
    expect_sections_error(b, L.n, ELF_ERR_SHDR, "section 5: its string table (section 4)");
    L = build(b, 1);
    WR(shdr(b, &L, SEC_BSS), Elf64_Shdr, sh_size, UINT64_MAX); /* NOBITS: no file bytes */
    char detail[200];
    size_t n;
    assert_int_equal(check_image(b, L.n, detail, &n, NULL, NULL), ELF_OK);
    assert_int_equal(n, 3);
    /* no section table at all is fine: no symbols */
    L = build(b, 1);
    WR(b, Elf64_Ehdr, e_shnum, 0);
    assert_int_equal(check_image(b, L.n, detail, &n, NULL, NULL), ELF_OK);
    assert_int_equal(n, 0);
}

/* Symbols whose names lie outside the string table are skipped, and
 * elf_symbols reads nothing from what is not a 64-bit little-endian ELF. */
static void elf_symbols_takes_any_bytes(void **state)
{
    (void)state;
    static uint8_t b[2048];
    struct layout L = build(b, 3);
    wr(b + L.symtab + 1 * sizeof(Elf64_Sym) + offsetof(Elf64_Sym, st_name), 0xffffffff, 4);
    char detail[200];
    size_t n;
    struct elf_sym *syms;
    uint8_t *block;
    assert_int_equal(check_image(b, L.n, detail, &n, &syms, &block), ELF_OK);
    assert_int_equal(n, 2); /* main's name is out of range */
    assert_string_equal(syms[0].name, "helper");
    free(syms);
    free(block);
    /* every prefix of the image: nothing read past its end */
    L = build(b, 3);
    for (size_t len = 0; len <= L.n; len++) {
        enum elf_err e = check_image(b, len, detail, &n, NULL, NULL);
        assert_true(len == L.n ? e == ELF_OK && n == 3 : e != ELF_OK && n == 0);
    }
    b[EI_CLASS] = ELFCLASS32;
    assert_int_equal(elf_symbols(b, L.n, &syms), 0);
    assert_null(syms);
    b[EI_CLASS] = ELFCLASS64;
    b[EI_DATA] = ELFDATA2MSB;
    assert_int_equal(elf_symbols(b, L.n, &syms), 0);
    assert_int_equal(elf_symbols(NULL, 0, &syms), 0);
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

/* The e_machine of an architecture lives with it (struct machine_arch);
 * machine_check_elf takes each built image on its own architecture only
 * and refuses an architecture it does not know, with a message. */
static void the_elf_machine_is_the_architectures(void **state)
{
    (void)state;
    static const uint16_t machines[EMU_ARCH_COUNT] = {EM_X86_64, EM_AARCH64, EM_RISCV};
    char why[300];
    for (int a = 0; a < EMU_ARCH_COUNT; a++) {
        const struct machine_arch *ma = machine_arch_get((enum emu_arch_id)a);
        if (!ma)
            continue; /* not built (cmake -DIPCEMU_ARCHES) */
        assert_int_equal(ma->elf_machine, machines[a]);
        size_t n;
        const uint8_t *img = machine_image((enum emu_arch_id)a, MACHINE_IMAGE_KERNEL, &n);
        assert_non_null(img);
        assert_int_equal(machine_check_elf((enum emu_arch_id)a, img, n, 0, why, sizeof why), 0);
        for (int other = 0; other < EMU_ARCH_COUNT; other++) {
            if (other == a || !machine_arch_get((enum emu_arch_id)other))
                continue;
            why[0] = '\0';
            assert_int_equal(machine_check_elf((enum emu_arch_id)other, img, n, 0, why, sizeof why),
                             -1);
            assert_non_null(strstr(why, elf_strerror(ELF_ERR_MACHINE)));
        }
        why[0] = '\0';
        assert_int_equal(machine_check_elf(EMU_ARCH_COUNT, img, n, 0, why, sizeof why), -1);
        assert_non_null(strstr(why, "no such architecture"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_segments_and_zero_fills),
        cmocka_unit_test(rejects_every_malformed_header),
        cmocka_unit_test(rejects_every_bad_segment),
        cmocka_unit_test(a_failing_writer_is_reported),
        cmocka_unit_test(symbols_are_read_at_any_alignment),
        cmocka_unit_test(a_symbol_at_the_top_of_memory_is_found),
        cmocka_unit_test(rejects_every_bad_section_table),
        cmocka_unit_test(elf_symbols_takes_any_bytes),
        cmocka_unit_test(the_built_guest_images_are_valid),
        cmocka_unit_test(the_elf_machine_is_the_architectures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
