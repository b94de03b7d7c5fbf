/* machine/elf.h: loading a static ELF64 executable into guest memory.
 * Everything in the file is checked before a byte is written: header,
 * machine, program headers, segment ranges (inside [lo, hi), no overflow),
 * an entry point inside an executable segment, and the section headers
 * (every offset, size and count inside the file, symbol tables whole).
 * Fields are read byte by byte, little-endian, at any offset: the image
 * need not be aligned and nothing in it is trusted. */
#ifndef IPCEMU_MACHINE_ELF_H
#define IPCEMU_MACHINE_ELF_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

enum elf_err {
    ELF_OK = 0,
    ELF_ERR_TRUNCATED, /* shorter than its headers say */
    ELF_ERR_MAGIC,     /* not an ELF file */
    ELF_ERR_CLASS,     /* not 64-bit little-endian, or wrong version */
    ELF_ERR_TYPE,      /* not ET_EXEC */
    ELF_ERR_MACHINE,   /* built for another architecture */
    ELF_ERR_PHDR,      /* program header table malformed */
    ELF_ERR_RANGE,     /* a segment outside the loadable range */
    ELF_ERR_NOLOAD,    /* no PT_LOAD segment */
    ELF_ERR_ENTRY,     /* entry point not in an executable segment */
    ELF_ERR_WRITE,     /* the memory writer failed */
    ELF_ERR_SHDR,      /* section header table or a symbol table malformed */
};

struct elf_info {
    uint64_t entry;
    uint64_t lo, hi;   /* lowest and highest (exclusive) loaded address */
    unsigned segments; /* PT_LOAD segments loaded */
};

/* Writes `len` bytes at guest address `addr`: from `data`, or zeros when
 * data is NULL. Returns 0 or -1. */
typedef int (*elf_write_fn)(void *ctx, uint64_t addr, const void *data, size_t len);

/* Checks the ELF image `buf` of `n` bytes for e_machine `machine` and
 * segments inside [lo, hi), then loads every PT_LOAD segment through
 * write(ctx, ...) (file bytes, then zero fill up to p_memsz). Returns ELF_OK
 * and fills *info, or an error with a sentence in detail[dn] naming the
 * offending header or segment. write may be NULL to only check. */
enum elf_err elf_load(const uint8_t *buf, size_t n, uint16_t machine, uint64_t lo, uint64_t hi,
                      elf_write_fn write, void *ctx, struct elf_info *info, char *detail,
                      size_t dn);

/* A symbol of an image: `name` points into the image's bytes. */
struct elf_sym {
    uint64_t addr, size;
    const char *name;
    bool func;
};

/* Reads the symbol table of a 64-bit little-endian ELF image (any bytes:
 * elf_load refuses what this skips): function and untyped symbols with
 * names, sorted by address, from the first well-formed SHT_SYMTAB. Returns
 * how many (the array is malloc'd, *out NULL when none or out of memory);
 * every offset is checked against n. */
size_t elf_symbols(const uint8_t *buf, size_t n, struct elf_sym **out);
/* Returns the symbol whose [addr, addr + size) holds `addr` (the last
 * function starting at or below it when sizes are 0), or NULL. */
const struct elf_sym *elf_symbol_at(const struct elf_sym *syms, size_t n, uint64_t addr);

/* Finds the section called `name` of a 64-bit little-endian ELF image
 * (any bytes: every offset is checked against n). Returns true with its
 * file bytes in *data and *size, false when there is none, it has no file
 * bytes (SHT_NOBITS) or the headers are malformed. */
bool elf_section(const uint8_t *buf, size_t n, const char *name, const uint8_t **data,
                 size_t *size);

/* Returns a short description of `e`. */
const char *elf_strerror(enum elf_err e);

#endif
