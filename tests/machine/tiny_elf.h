/* tests/machine/tiny_elf.h: a minimal ELF image for the machine's tests:
 * hand-assembled words in one PT_LOAD segment at `entry`, which is also
 * the image's entry point. */
#ifndef IPCEMU_TESTS_MACHINE_TINY_ELF_H
#define IPCEMU_TESTS_MACHINE_TINY_ELF_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TINY_ELF_MAX_WORDS 512

struct tiny_elf {
    Elf64_Ehdr eh;
    Elf64_Phdr ph;
    uint32_t code[TINY_ELF_MAX_WORDS];
};

/* Builds into *p an executable for `e_machine` whose segment holds the
 * `n` words of `code` (n at most TINY_ELF_MAX_WORDS) at `entry`. Returns
 * the image's size in bytes (sizeof *p), 0 when n is too large. */
static inline size_t tiny_elf(struct tiny_elf *p, uint16_t e_machine, uint64_t entry,
                              const uint32_t *code, size_t n)
{
    if (n > TINY_ELF_MAX_WORDS)
        return 0;
    memset(p, 0, sizeof *p);
    p->eh = (Elf64_Ehdr){
        .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT},
        .e_type = ET_EXEC,
        .e_machine = e_machine,
        .e_version = EV_CURRENT,
        .e_entry = entry,
        .e_phoff = offsetof(struct tiny_elf, ph),
        .e_ehsize = sizeof(Elf64_Ehdr),
        .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = 1};
    p->ph = (Elf64_Phdr){.p_type = PT_LOAD,
                         .p_flags = PF_R | PF_X,
                         .p_offset = offsetof(struct tiny_elf, code),
                         .p_vaddr = entry,
                         .p_paddr = entry,
                         .p_filesz = n * 4,
                         .p_memsz = n * 4};
    memcpy(p->code, code, n * 4);
    return sizeof *p;
}

#endif
