/* machine/elf.c: static ELF64 loader (see elf.h). */
#include "machine/elf.h"

#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Formats the detail sentence and returns `e`. */
static enum elf_err fail(enum elf_err e, char *detail, size_t dn, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static enum elf_err fail(enum elf_err e, char *detail, size_t dn, const char *fmt, ...)
{
    if (detail && dn) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, dn, fmt, ap);
        va_end(ap);
    }
    return e;
}

/* Returns true if [off, off + len) lies inside a buffer of n bytes
 * (without overflow, whatever off and len are). */
static bool in_file(uint64_t off, uint64_t len, size_t n)
{
    return off <= n && len <= n - off;
}

/* Little-endian readers of a field at any address: the image's bytes are
 * never read through a cast pointer (an odd offset would be a misaligned
 * access), and the file's byte order does not depend on the host's.
 * Returns the 16-bit little-endian value at p. */
static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

/* Returns the 32-bit little-endian value at p. */
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

/* Returns the 64-bit little-endian value at p. */
static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Field `f` of the ELF structure `T` that starts at byte pointer `p`. */
#define RD(bits, p, T, f) rd##bits((p) + offsetof(T, f))

/* The fields of the ELF header the loader uses. */
struct ehdr {
    uint16_t type, machine, phentsize, phnum, shentsize, shnum;
    uint64_t entry, phoff, shoff;
};

/* Reads the ELF header at buf (at least sizeof(Elf64_Ehdr) bytes). */
static void read_ehdr(const uint8_t *buf, struct ehdr *h)
{
    h->type = RD(16, buf, Elf64_Ehdr, e_type);
    h->machine = RD(16, buf, Elf64_Ehdr, e_machine);
    h->entry = RD(64, buf, Elf64_Ehdr, e_entry);
    h->phoff = RD(64, buf, Elf64_Ehdr, e_phoff);
    h->shoff = RD(64, buf, Elf64_Ehdr, e_shoff);
    h->phentsize = RD(16, buf, Elf64_Ehdr, e_phentsize);
    h->phnum = RD(16, buf, Elf64_Ehdr, e_phnum);
    h->shentsize = RD(16, buf, Elf64_Ehdr, e_shentsize);
    h->shnum = RD(16, buf, Elf64_Ehdr, e_shnum);
}

/* The fields of a program header the loader uses. */
struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* Reads program header `i` (inside the file: checked by the caller). */
static void read_phdr(const uint8_t *buf, const struct ehdr *h, unsigned i, struct phdr *ph)
{
    const uint8_t *p = buf + h->phoff + (uint64_t)i * sizeof(Elf64_Phdr);
    ph->type = RD(32, p, Elf64_Phdr, p_type);
    ph->flags = RD(32, p, Elf64_Phdr, p_flags);
    ph->offset = RD(64, p, Elf64_Phdr, p_offset);
    ph->vaddr = RD(64, p, Elf64_Phdr, p_vaddr);
    ph->paddr = RD(64, p, Elf64_Phdr, p_paddr);
    ph->filesz = RD(64, p, Elf64_Phdr, p_filesz);
    ph->memsz = RD(64, p, Elf64_Phdr, p_memsz);
}

/* The fields of a section header the symbol reader uses. */
struct shdr {
    uint32_t type, link;
    uint64_t offset, size, entsize;
};

/* Reads section header `i` (inside the file: checked by the caller). */
static void read_shdr(const uint8_t *buf, const struct ehdr *h, unsigned i, struct shdr *sh)
{
    const uint8_t *p = buf + h->shoff + (uint64_t)i * sizeof(Elf64_Shdr);
    sh->type = RD(32, p, Elf64_Shdr, sh_type);
    sh->link = RD(32, p, Elf64_Shdr, sh_link);
    sh->offset = RD(64, p, Elf64_Shdr, sh_offset);
    sh->size = RD(64, p, Elf64_Shdr, sh_size);
    sh->entsize = RD(64, p, Elf64_Shdr, sh_entsize);
}

/* Returns true when the section header table of `h` lies inside the file
 * and has entries of the right size (an image without one has no
 * sections: e_shnum 0). */
static bool sections_fit(const struct ehdr *h, size_t n)
{
    return h->shnum != 0 && h->shentsize == sizeof(Elf64_Shdr) &&
           in_file(h->shoff, (uint64_t)h->shnum * sizeof(Elf64_Shdr), n);
}

/* Checks symbol table section `sh` (number `s`): entries of the right
 * size, a whole number of them, and a linked string table inside the file
 * that ends in a NUL (so every name in it is terminated). Returns ELF_OK,
 * or an error with the detail (detail may be NULL to only check). */
static enum elf_err check_symtab(const uint8_t *buf, size_t n, const struct ehdr *h,
                                 const struct shdr *sh, unsigned s, char *detail, size_t dn)
{
    if (sh->entsize != sizeof(Elf64_Sym))
        return fail(ELF_ERR_SHDR, detail, dn,
                    "section %u: symbol table entries of %llu bytes, need %zu", s,
                    (unsigned long long)sh->entsize, sizeof(Elf64_Sym));
    if (sh->size % sizeof(Elf64_Sym) != 0)
        return fail(ELF_ERR_SHDR, detail, dn,
                    "section %u: symbol table of %llu bytes is not a whole number of %zu-byte "
                    "entries",
                    s, (unsigned long long)sh->size, sizeof(Elf64_Sym));
    if (!in_file(sh->offset, sh->size, n))
        return fail(ELF_ERR_TRUNCATED, detail, dn,
                    "section %u: file bytes [%llu, +%llu) past the end (%zu bytes)", s,
                    (unsigned long long)sh->offset, (unsigned long long)sh->size, n);
    if (sh->link >= h->shnum)
        return fail(ELF_ERR_SHDR, detail, dn,
                    "section %u: symbol table links string table %u of %u sections", s, sh->link,
                    h->shnum);
    struct shdr str;
    read_shdr(buf, h, sh->link, &str);
    if (str.type != SHT_STRTAB || !in_file(str.offset, str.size, n) || str.size == 0 ||
        buf[str.offset + str.size - 1] != '\0')
        return fail(ELF_ERR_SHDR, detail, dn,
                    "section %u: its string table (section %u) is not a string table inside the "
                    "file ending in a NUL",
                    s, sh->link);
    return ELF_OK;
}

/* Checks the section header table of an image, if it has one: the table,
 * the bytes of every section that has some in the file (all but
 * SHT_NOBITS) and every symbol table. Returns ELF_OK or an error with the
 * detail. */
static enum elf_err check_sections(const uint8_t *buf, size_t n, const struct ehdr *h, char *detail,
                                   size_t dn)
{
    if (h->shnum == 0)
        return ELF_OK; /* no sections (extended numbering is not read either) */
    if (h->shentsize != sizeof(Elf64_Shdr))
        return fail(ELF_ERR_SHDR, detail, dn, "e_shentsize is %u, need %zu", h->shentsize,
                    sizeof(Elf64_Shdr));
    if (!sections_fit(h, n))
        return fail(ELF_ERR_TRUNCATED, detail, dn,
                    "section headers at offset %llu (%u entries) run past the end (%zu bytes)",
                    (unsigned long long)h->shoff, h->shnum, n);
    for (unsigned s = 0; s < h->shnum; s++) {
        struct shdr sh;
        read_shdr(buf, h, s, &sh);
        if (sh.type != SHT_NOBITS && !in_file(sh.offset, sh.size, n))
            return fail(ELF_ERR_TRUNCATED, detail, dn,
                        "section %u: file bytes [%llu, +%llu) past the end (%zu bytes)", s,
                        (unsigned long long)sh.offset, (unsigned long long)sh.size, n);
        enum elf_err e;
        if (sh.type == SHT_SYMTAB && (e = check_symtab(buf, n, h, &sh, s, detail, dn)) != ELF_OK)
            return e;
    }
    return ELF_OK;
}

/* Returns true when buf[n] starts with the identification of a 64-bit
 * little-endian ELF file of version 1 and has room for its header. */
static bool is_elf64le(const uint8_t *buf, size_t n)
{
    return buf && n >= sizeof(Elf64_Ehdr) && memcmp(buf, ELFMAG, SELFMAG) == 0 &&
           buf[EI_CLASS] == ELFCLASS64 && buf[EI_DATA] == ELFDATA2LSB &&
           buf[EI_VERSION] == EV_CURRENT;
}

enum elf_err elf_load(const uint8_t *buf, size_t n, uint16_t machine, uint64_t lo, uint64_t hi,
                      elf_write_fn write, void *ctx, struct elf_info *info, char *detail, size_t dn)
{
    struct ehdr eh;
    if (detail && dn)
        detail[0] = '\0';
    if (!buf || n < EI_NIDENT)
        return fail(ELF_ERR_TRUNCATED, detail, dn, "file is %zu bytes, too short for ELF", n);
    if (memcmp(buf, ELFMAG, SELFMAG) != 0)
        return fail(ELF_ERR_MAGIC, detail, dn, "no ELF magic at offset 0");
    if (buf[EI_CLASS] != ELFCLASS64 || buf[EI_DATA] != ELFDATA2LSB || buf[EI_VERSION] != EV_CURRENT)
        return fail(ELF_ERR_CLASS, detail, dn,
                    "e_ident: class %u data %u version %u, need 64-bit little-endian v1",
                    buf[EI_CLASS], buf[EI_DATA], buf[EI_VERSION]);
    if (n < sizeof(Elf64_Ehdr))
        return fail(ELF_ERR_TRUNCATED, detail, dn, "file is %zu bytes, ELF header needs %zu", n,
                    sizeof(Elf64_Ehdr));
    read_ehdr(buf, &eh);
    if (eh.type != ET_EXEC)
        return fail(ELF_ERR_TYPE, detail, dn, "e_type is %u, need ET_EXEC (2)", eh.type);
    if (eh.machine != machine)
        return fail(ELF_ERR_MACHINE, detail, dn, "e_machine is %u, this machine needs %u",
                    eh.machine, machine);
    if (eh.phnum == 0)
        return fail(ELF_ERR_NOLOAD, detail, dn, "no program headers");
    if (eh.phentsize != sizeof(Elf64_Phdr))
        return fail(ELF_ERR_PHDR, detail, dn, "e_phentsize is %u, need %zu", eh.phentsize,
                    sizeof(Elf64_Phdr));
    if (!in_file(eh.phoff, (uint64_t)eh.phnum * sizeof(Elf64_Phdr), n))
        return fail(ELF_ERR_TRUNCATED, detail, dn,
                    "program headers at offset %llu (%u entries) run past the end (%zu bytes)",
                    (unsigned long long)eh.phoff, eh.phnum, n);

    struct elf_info in = {.entry = eh.entry, .lo = UINT64_MAX, .hi = 0};
    bool entry_ok = false;
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < eh.phnum; i++) {
            struct phdr ph;
            read_phdr(buf, &eh, i, &ph);
            if (ph.type != PT_LOAD || ph.memsz == 0)
                continue;
            if (pass == 0) {
                if (ph.filesz > ph.memsz)
                    return fail(ELF_ERR_PHDR, detail, dn,
                                "segment %u: p_filesz %llu > p_memsz %llu", i,
                                (unsigned long long)ph.filesz, (unsigned long long)ph.memsz);
                if (!in_file(ph.offset, ph.filesz, n))
                    return fail(ELF_ERR_TRUNCATED, detail, dn,
                                "segment %u: file bytes [%llu, +%llu) past the end (%zu bytes)", i,
                                (unsigned long long)ph.offset, (unsigned long long)ph.filesz, n);
                if (ph.paddr < lo || ph.paddr > hi || ph.memsz > hi - ph.paddr)
                    return fail(ELF_ERR_RANGE, detail, dn,
                                "segment %u: [0x%llx, +0x%llx) outside loadable memory "
                                "[0x%llx, 0x%llx)",
                                i, (unsigned long long)ph.paddr, (unsigned long long)ph.memsz,
                                (unsigned long long)lo, (unsigned long long)hi);
                if (ph.vaddr != ph.paddr)
                    return fail(ELF_ERR_RANGE, detail, dn,
                                "segment %u: virtual 0x%llx != physical 0x%llx (the machine "
                                "loads identity-mapped images)",
                                i, (unsigned long long)ph.vaddr, (unsigned long long)ph.paddr);
                if ((ph.flags & PF_X) && eh.entry >= ph.vaddr && eh.entry - ph.vaddr < ph.memsz)
                    entry_ok = true;
                in.segments++;
                if (ph.paddr < in.lo)
                    in.lo = ph.paddr;
                if (ph.paddr + ph.memsz > in.hi)
                    in.hi = ph.paddr + ph.memsz;
            } else if (write) {
                if (ph.filesz && write(ctx, ph.paddr, buf + ph.offset, ph.filesz) != 0)
                    return fail(ELF_ERR_WRITE, detail, dn, "segment %u: writing memory failed", i);
                if (ph.memsz > ph.filesz &&
                    write(ctx, ph.paddr + ph.filesz, NULL, ph.memsz - ph.filesz) != 0)
                    return fail(ELF_ERR_WRITE, detail, dn, "segment %u: zero-filling failed", i);
            }
        }
        if (pass == 0 && in.segments == 0)
            return fail(ELF_ERR_NOLOAD, detail, dn, "no PT_LOAD segment");
        if (pass == 0 && !entry_ok)
            return fail(ELF_ERR_ENTRY, detail, dn,
                        "entry 0x%llx is not inside an executable segment",
                        (unsigned long long)eh.entry);
        enum elf_err e;
        if (pass == 0 && (e = check_sections(buf, n, &eh, detail, dn)) != ELF_OK)
            return e;
    }
    if (info)
        *info = in;
    return ELF_OK;
}

const char *elf_strerror(enum elf_err e)
{
    switch (e) {
    case ELF_OK:
        return "ok";
    case ELF_ERR_TRUNCATED:
        return "truncated ELF file";
    case ELF_ERR_MAGIC:
        return "not an ELF file";
    case ELF_ERR_CLASS:
        return "not a 64-bit little-endian ELF file";
    case ELF_ERR_TYPE:
        return "not an executable ELF file";
    case ELF_ERR_MACHINE:
        return "ELF file for another architecture";
    case ELF_ERR_PHDR:
        return "malformed ELF program headers";
    case ELF_ERR_RANGE:
        return "ELF segment outside loadable memory";
    case ELF_ERR_NOLOAD:
        return "ELF file has nothing to load";
    case ELF_ERR_ENTRY:
        return "ELF entry point outside executable code";
    case ELF_ERR_WRITE:
        return "writing guest memory failed";
    case ELF_ERR_SHDR:
        return "malformed ELF section headers";
    }
    return "unknown ELF error";
}

/* Orders symbols by address, then name. Returns <0, 0 or >0. */
static int sym_cmp(const void *a, const void *b)
{
    const struct elf_sym *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return strcmp(x->name, y->name);
}

size_t elf_symbols(const uint8_t *buf, size_t n, struct elf_sym **out)
{
    *out = NULL;
    if (!is_elf64le(buf, n))
        return 0;
    struct ehdr eh;
    read_ehdr(buf, &eh);
    if (!sections_fit(&eh, n))
        return 0;
    for (unsigned s = 0; s < eh.shnum; s++) {
        struct shdr sh, str;
        read_shdr(buf, &eh, s, &sh);
        if (sh.type != SHT_SYMTAB || check_symtab(buf, n, &eh, &sh, s, NULL, 0) != ELF_OK)
            continue;
        read_shdr(buf, &eh, sh.link, &str);
        size_t count = (size_t)(sh.size / sizeof(Elf64_Sym)), k = 0;
        struct elf_sym *v = calloc(count ? count : 1, sizeof *v);
        if (!v)
            return 0;
        for (size_t i = 0; i < count; i++) {
            const uint8_t *sym = buf + sh.offset + i * sizeof(Elf64_Sym);
            unsigned type = ELF64_ST_TYPE(sym[offsetof(Elf64_Sym, st_info)]);
            uint32_t name_off = RD(32, sym, Elf64_Sym, st_name);
            if ((type != STT_FUNC && type != STT_NOTYPE) || name_off == 0 || name_off >= str.size ||
                RD(16, sym, Elf64_Sym, st_shndx) == SHN_UNDEF)
                continue;
            /* inside the string table, which ends in a NUL */
            const char *name = (const char *)buf + str.offset + name_off;
            if (name[0] == '\0' || name[0] == '$' || (name[0] == '.' && name[1] == 'L'))
                continue; /* mapping symbols and local labels */
            v[k++] = (struct elf_sym){RD(64, sym, Elf64_Sym, st_value),
                                      RD(64, sym, Elf64_Sym, st_size), name, type == STT_FUNC};
        }
        qsort(v, k, sizeof *v, sym_cmp);
        if (k == 0) {
            free(v);
            v = NULL;
        }
        *out = v;
        return k;
    }
    return 0;
}

bool elf_section(const uint8_t *buf, size_t n, const char *name, const uint8_t **data, size_t *size)
{
    if (!is_elf64le(buf, n))
        return false;
    struct ehdr eh;
    read_ehdr(buf, &eh);
    if (!sections_fit(&eh, n))
        return false;
    unsigned strndx = RD(16, buf, Elf64_Ehdr, e_shstrndx);
    if (strndx >= eh.shnum)
        return false;
    struct shdr str;
    read_shdr(buf, &eh, strndx, &str);
    if (str.type != SHT_STRTAB || !in_file(str.offset, str.size, n))
        return false;
    size_t len = strlen(name);
    for (unsigned s = 0; s < eh.shnum; s++) {
        const uint8_t *p = buf + eh.shoff + (uint64_t)s * sizeof(Elf64_Shdr);
        uint32_t name_off = RD(32, p, Elf64_Shdr, sh_name);
        struct shdr sh;
        read_shdr(buf, &eh, s, &sh);
        if (name_off >= str.size || str.size - name_off <= len ||
            memcmp(buf + str.offset + name_off, name, len + 1) != 0)
            continue;
        if (sh.type == SHT_NOBITS || !in_file(sh.offset, sh.size, n))
            return false;
        *data = buf + sh.offset;
        *size = (size_t)sh.size;
        return true;
    }
    return false;
}

const struct elf_sym *elf_symbol_at(const struct elf_sym *syms, size_t n, uint64_t addr)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* first symbol above addr */
        size_t mid = (lo + hi) / 2;
        if (syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i-- > 0;) {
        if (!syms[i].func)
            continue;
        if (syms[i].size == 0 || addr - syms[i].addr < syms[i].size) /* no wrap */
            return &syms[i];
        return NULL;
    }
    return NULL;
}
