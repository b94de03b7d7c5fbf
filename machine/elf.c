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

/* Returns true if [off, off + len) lies inside a buffer of n bytes. */
static bool in_file(uint64_t off, uint64_t len, size_t n)
{
    return off <= n && len <= n - off;
}

enum elf_err elf_load(const uint8_t *buf, size_t n, uint16_t machine, uint64_t lo, uint64_t hi,
                      elf_write_fn write, void *ctx, struct elf_info *info, char *detail, size_t dn)
{
    Elf64_Ehdr eh;
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
    if (n < sizeof eh)
        return fail(ELF_ERR_TRUNCATED, detail, dn, "file is %zu bytes, ELF header needs %zu", n,
                    sizeof eh);
    memcpy(&eh, buf, sizeof eh);
    if (eh.e_type != ET_EXEC)
        return fail(ELF_ERR_TYPE, detail, dn, "e_type is %u, need ET_EXEC (2)", eh.e_type);
    if (eh.e_machine != machine)
        return fail(ELF_ERR_MACHINE, detail, dn, "e_machine is %u, this machine needs %u",
                    eh.e_machine, machine);
    if (eh.e_phnum == 0)
        return fail(ELF_ERR_NOLOAD, detail, dn, "no program headers");
    if (eh.e_phentsize != sizeof(Elf64_Phdr))
        return fail(ELF_ERR_PHDR, detail, dn, "e_phentsize is %u, need %zu", eh.e_phentsize,
                    sizeof(Elf64_Phdr));
    if (!in_file(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), n))
        return fail(ELF_ERR_TRUNCATED, detail, dn,
                    "program headers at offset %llu (%u entries) run past the end (%zu bytes)",
                    (unsigned long long)eh.e_phoff, eh.e_phnum, n);

    struct elf_info in = {.entry = eh.e_entry, .lo = UINT64_MAX, .hi = 0};
    bool entry_ok = false;
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < eh.e_phnum; i++) {
            Elf64_Phdr ph;
            memcpy(&ph, buf + eh.e_phoff + (uint64_t)i * sizeof ph, sizeof ph);
            if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
                continue;
            if (pass == 0) {
                if (ph.p_filesz > ph.p_memsz)
                    return fail(ELF_ERR_PHDR, detail, dn,
                                "segment %u: p_filesz %llu > p_memsz %llu", i,
                                (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
                if (!in_file(ph.p_offset, ph.p_filesz, n))
                    return fail(ELF_ERR_TRUNCATED, detail, dn,
                                "segment %u: file bytes [%llu, +%llu) past the end (%zu bytes)", i,
                                (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz,
                                n);
                if (ph.p_paddr < lo || ph.p_paddr > hi || ph.p_memsz > hi - ph.p_paddr)
                    return fail(ELF_ERR_RANGE, detail, dn,
                                "segment %u: [0x%llx, +0x%llx) outside loadable memory "
                                "[0x%llx, 0x%llx)",
                                i, (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz,
                                (unsigned long long)lo, (unsigned long long)hi);
                if (ph.p_vaddr != ph.p_paddr)
                    return fail(ELF_ERR_RANGE, detail, dn,
                                "segment %u: virtual 0x%llx != physical 0x%llx (the machine "
                                "loads identity-mapped images)",
                                i, (unsigned long long)ph.p_vaddr, (unsigned long long)ph.p_paddr);
                if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_vaddr &&
                    eh.e_entry - ph.p_vaddr < ph.p_memsz)
                    entry_ok = true;
                in.segments++;
                if (ph.p_paddr < in.lo)
                    in.lo = ph.p_paddr;
                if (ph.p_paddr + ph.p_memsz > in.hi)
                    in.hi = ph.p_paddr + ph.p_memsz;
            } else if (write) {
                if (ph.p_filesz && write(ctx, ph.p_paddr, buf + ph.p_offset, ph.p_filesz) != 0)
                    return fail(ELF_ERR_WRITE, detail, dn, "segment %u: writing memory failed", i);
                if (ph.p_memsz > ph.p_filesz &&
                    write(ctx, ph.p_paddr + ph.p_filesz, NULL, ph.p_memsz - ph.p_filesz) != 0)
                    return fail(ELF_ERR_WRITE, detail, dn, "segment %u: zero-filling failed", i);
            }
        }
        if (pass == 0 && in.segments == 0)
            return fail(ELF_ERR_NOLOAD, detail, dn, "no PT_LOAD segment");
        if (pass == 0 && !entry_ok)
            return fail(ELF_ERR_ENTRY, detail, dn,
                        "entry 0x%llx is not inside an executable segment",
                        (unsigned long long)eh.e_entry);
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
    }
    return "unknown ELF error";
}

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
    if (n < sizeof(Elf64_Ehdr))
        return 0;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
    if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), n))
        return 0;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(buf + eh->e_shoff);
    for (unsigned s = 0; s < eh->e_shnum; s++) {
        if (sh[s].sh_type != SHT_SYMTAB || sh[s].sh_link >= eh->e_shnum ||
            sh[s].sh_entsize != sizeof(Elf64_Sym) || !in_file(sh[s].sh_offset, sh[s].sh_size, n))
            continue;
        const Elf64_Shdr *str = &sh[sh[s].sh_link];
        if (!in_file(str->sh_offset, str->sh_size, n) || str->sh_size == 0 ||
            buf[str->sh_offset + str->sh_size - 1] != '\0')
            continue;
        const Elf64_Sym *sym = (const Elf64_Sym *)(buf + sh[s].sh_offset);
        size_t count = sh[s].sh_size / sizeof *sym, k = 0;
        struct elf_sym *v = calloc(count ? count : 1, sizeof *v);
        if (!v)
            return 0;
        for (size_t i = 0; i < count; i++) {
            unsigned type = ELF64_ST_TYPE(sym[i].st_info);
            if ((type != STT_FUNC && type != STT_NOTYPE) || sym[i].st_name == 0 ||
                sym[i].st_name >= str->sh_size || sym[i].st_shndx == SHN_UNDEF)
                continue;
            const char *name = (const char *)buf + str->sh_offset + sym[i].st_name;
            if (name[0] == '\0' || name[0] == '$' || (name[0] == '.' && name[1] == 'L'))
                continue; /* mapping symbols and local labels */
            v[k++] = (struct elf_sym){sym[i].st_value, sym[i].st_size, name, type == STT_FUNC};
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
        if (syms[i].size == 0 || addr < syms[i].addr + syms[i].size)
            return &syms[i];
        return NULL;
    }
    return NULL;
}
