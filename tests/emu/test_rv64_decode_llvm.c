/* tests/emu/test_rv64_decode_llvm.c: the RV64IMAC decoder against LLVM 14:
 * llvm-objdump on the guest images, llvm-mc --disassemble on every 16-bit
 * encoding and on many 32-bit ones, and llvm-mc/llvm-mca on the decoder's
 * own text (the hand-assembled encodings are in test_rv64_decode.c).
 *   test_emu_rv64_decode_llvm [GUEST_RISCV64_DIR LLVM_OBJDUMP LLVM_MC LLVM_MCA]
 * Without arguments (or with missing tools) the tests are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <elf.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "emu/arch/rv64_decode.h"

static const char *guest_dir, *llvm_objdump, *llvm_mc, *llvm_mca;

#define MC_FLAGS "--triple=riscv64 -mattr=+m,+a,+c"
#define MAX_REPORTED 20

/* ---- helpers -------------------------------------------------------------- */

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* Returns the x-register number of an ABI name, -1 if it is not one. */
static int reg_number(const char *name, size_t n)
{
    for (int i = 0; i < 32; i++)
        if (strlen(reg_names[i]) == n && strncmp(reg_names[i], name, n) == 0)
            return i;
    return -1;
}

/* Splits assembly operands into the registers and the decimal numbers they
 * mention, in order; CSR names, fence sets and "(" ")" are skipped. */
struct operands {
    int regs[4], nregs;
    long long nums[4];
    int nnums;
};

static void scan_operands(const char *ops, struct operands *o)
{
    memset(o, 0, sizeof *o);
    const char *p = ops;
    while (*p) {
        size_t n = strcspn(p, " ,()");
        if (n == 0) {
            p++;
            continue;
        }
        int r = reg_number(p, n);
        char *end;
        long long v = strtoll(p, &end, 10);
        if (r >= 0 && o->nregs < 4)
            o->regs[o->nregs++] = r;
        else if (end == p + n && o->nnums < 4)
            o->nums[o->nnums++] = v;
        p += n;
    }
}

/* ---- comparison with LLVM's printer ------------------------------------------ */

/* How a c.* instruction's LLVM operands map onto the expansion's registers. */
enum cpat {
    P_RI,
    P_LI,
    P_LUI,
    P_MV,
    P_RR,
    P_J,
    P_JR,
    P_JALR,
    P_BZ,
    P_LOAD,
    P_STORE,
    P_NOP,
    P_NONE
};

static const struct {
    const char *c, *base;
    enum cpat pat;
} cmap[] = {
    {"c.addi", "addi", P_RI},     {"c.addiw", "addiw", P_RI},     {"c.slli", "slli", P_RI},
    {"c.srli", "srli", P_RI},     {"c.srai", "srai", P_RI},       {"c.andi", "andi", P_RI},
    {"c.slli64", "slli", P_RI},   {"c.srli64", "srli", P_RI},     {"c.srai64", "srai", P_RI},
    {"c.addi16sp", "addi", P_RI}, {"c.addi4spn", "addi", P_LOAD}, {"c.li", "addi", P_LI},
    {"c.lui", "lui", P_LUI},      {"c.mv", "add", P_MV},          {"c.add", "add", P_RR},
    {"c.sub", "sub", P_RR},       {"c.xor", "xor", P_RR},         {"c.or", "or", P_RR},
    {"c.and", "and", P_RR},       {"c.subw", "subw", P_RR},       {"c.addw", "addw", P_RR},
    {"c.j", "jal", P_J},          {"c.jr", "jalr", P_JR},         {"c.jalr", "jalr", P_JALR},
    {"c.beqz", "beq", P_BZ},      {"c.bnez", "bne", P_BZ},        {"c.ld", "ld", P_LOAD},
    {"c.lw", "lw", P_LOAD},       {"c.ldsp", "ld", P_LOAD},       {"c.lwsp", "lw", P_LOAD},
    {"c.sd", "sd", P_STORE},      {"c.sw", "sw", P_STORE},        {"c.sdsp", "sd", P_STORE},
    {"c.swsp", "sw", P_STORE},    {"c.nop", "addi", P_NOP},       {"c.ebreak", "ebreak", P_NONE},
};

/* Expected registers of a compressed instruction from LLVM's operands. */
static bool expand_regs(enum cpat pat, const struct operands *o, int r[3])
{
    const int *g = o->regs;
    r[0] = r[1] = r[2] = -1;
    switch (pat) {
    case P_RI:
        r[0] = r[1] = g[0];
        return o->nregs == 1;
    case P_LI:
        r[0] = g[0], r[1] = 0;
        return o->nregs == 1;
    case P_LUI:
        r[0] = g[0];
        return o->nregs == 1;
    case P_MV:
        r[0] = g[0], r[1] = 0, r[2] = g[1];
        return o->nregs == 2;
    case P_RR:
        r[0] = r[1] = g[0], r[2] = g[1];
        return o->nregs == 2;
    case P_J:
        r[0] = 0;
        return o->nregs == 0;
    case P_JR:
    case P_JALR:
        r[0] = pat == P_JALR, r[1] = g[0];
        return o->nregs == 1;
    case P_BZ:
        r[1] = g[0], r[2] = 0;
        return o->nregs == 1;
    case P_LOAD:
        r[0] = g[0], r[1] = g[1];
        return o->nregs == 2;
    case P_STORE:
        r[2] = g[0], r[1] = g[1];
        return o->nregs == 2;
    case P_NOP:
        r[0] = r[1] = 0;
        return o->nregs == 0;
    case P_NONE:
        return o->nregs == 0;
    }
    return false;
}

/* Whether the expansion shows the compressed form's numbers, plus a 0
 * offset or shift that the compressed form leaves implicit (c.jr, c.slli64,
 * c.nop). LLVM 14 prints the imm20 of c.lui's rd-zero hint form as a
 * negative number, of the other forms as 20-bit unsigned: compare mod 2^20. */
static bool same_numbers(enum cpat pat, const struct operands *lo, const struct operands *mine)
{
    if (lo->nnums == 0)
        return mine->nnums == 0 || (mine->nnums == 1 && mine->nums[0] == 0);
    if (lo->nnums != mine->nnums)
        return false;
    for (int i = 0; i < lo->nnums; i++) {
        long long a = lo->nums[i], b = mine->nums[i];
        if (pat == P_LUI ? ((a ^ b) & 0xfffff) != 0 : a != b)
            return false;
    }
    return true;
}

/* Expected registers of a base instruction from LLVM's operand order. */
static void base_regs(const char *mnem, const struct operands *o, int r[3])
{
    static const char *const stores[] = {"sb", "sh", "sw", "sd"};
    static const char *const branches[] = {"beq", "bne", "blt", "bge", "bltu", "bgeu"};
    int order[3] = {0, 1, 2}; /* operand i holds field order[i]: rd, rs1, rs2 */
    for (size_t i = 0; i < 4; i++)
        if (strcmp(mnem, stores[i]) == 0)
            order[0] = 2, order[1] = 1;
    for (size_t i = 0; i < 6; i++)
        if (strcmp(mnem, branches[i]) == 0)
            order[0] = 1, order[1] = 2;
    if (strcmp(mnem, "sfence.vma") == 0)
        order[0] = 1, order[1] = 2;
    if (strncmp(mnem, "amo", 3) == 0 || strncmp(mnem, "sc.", 3) == 0)
        order[1] = 2, order[2] = 1;
    r[0] = r[1] = r[2] = -1;
    for (int i = 0; i < o->nregs && i < 3; i++)
        r[order[i]] = o->regs[i];
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Compares a decode with LLVM's "mnem ops" for the same bytes. Returns true
 * when they agree, up to the documented differences; writes why not. */
static bool agrees_with_llvm(const struct rv64_insn *in, unsigned llvm_len, const char *mnem,
                             const char *ops, char *why, size_t n)
{
    int want[3];
    struct operands lo, mine;
    /* Not valid instructions, whatever LLVM 14 prints: the all-zero parcel,
     * reserved c.lui with 0, uret (N extension) and dret (debug mode). */
    if (strcmp(mnem, "<unknown>") == 0 && in->kind == RV_OTHER)
        return true; /* F/D, which LLVM decodes only with +f/+d */
    if (strcmp(mnem, "<unknown>") == 0 || strcmp(mnem, "c.unimp") == 0 ||
        strcmp(mnem, "uret") == 0 || strcmp(mnem, "dret") == 0 ||
        (strcmp(mnem, "c.lui") == 0 && ends_with(ops, ", 0"))) {
        snprintf(why, n, "want illegal, got \"%s\"", in->text);
        return in->len == 0;
    }
    if (in->len != llvm_len) {
        snprintf(why, n, "len %u, want %u", in->len, llvm_len);
        return false;
    }
    /* LLVM names 0xc0001073 "unimp"; it is csrrw zero, cycle, zero. */
    if (strcmp(mnem, "unimp") == 0) {
        snprintf(why, n, "want csrrw zero, cycle, zero");
        return strcmp(in->text, "csrrw zero, cycle, zero") == 0;
    }
    scan_operands(ops, &lo);
    scan_operands(in->text + strlen(in->mnemonic), &mine);
    if (strncmp(mnem, "c.", 2) == 0) {
        size_t i = 0, count = sizeof cmap / sizeof cmap[0];
        while (i < count && strcmp(cmap[i].c, mnem) != 0)
            i++;
        snprintf(why, n, "unknown compressed mnemonic");
        if (i == count || !expand_regs(cmap[i].pat, &lo, want))
            return false;
        snprintf(why, n, "want %s with x%d x%d x%d", cmap[i].base, want[0], want[1], want[2]);
        if (strcmp(in->mnemonic, cmap[i].base) != 0)
            return false;
        if (!same_numbers(cmap[i].pat, &lo, &mine))
            return false;
    } else {
        char full[160];
        snprintf(full, sizeof full, "%s%s%s", mnem, ops[0] ? " " : "", ops);
        /* LLVM 14 prints an empty fence set as "unknown", which it cannot
         * assemble; the decoder prints those as data. */
        bool fence_unknown = strstr(ops, "unknown") && strncmp(in->text, ".4byte ", 7) == 0;
        snprintf(why, n, "want \"%s\"", full);
        if (!fence_unknown && strcmp(in->text, full) != 0)
            return false;
        if (strcmp(in->mnemonic, mnem) != 0)
            return false;
        base_regs(mnem, &lo, want);
    }
    snprintf(why, n, "registers x%d x%d x%d, want x%d x%d x%d", in->rd, in->rs1, in->rs2, want[0],
             want[1], want[2]);
    return in->rd == want[0] && in->rs1 == want[1] && in->rs2 == want[2];
}

/* ---- running LLVM --------------------------------------------------------------- */

static bool tool_ok(const char *path)
{
    return path && access(path, X_OK) == 0;
}

/* Skips the current test unless every given tool exists. */
#define NEED_TOOLS(...)                                                                            \
    do {                                                                                           \
        const char *tools_[] = {__VA_ARGS__};                                                      \
        for (size_t i_ = 0; i_ < sizeof tools_ / sizeof tools_[0]; i_++)                           \
            if (!tool_ok(tools_[i_]))                                                              \
                skip();                                                                            \
    } while (0)

/* Runs a shell command; returns its exit status, -1 when it did not exit. */
static int run(const char *cmd)
{
    int st = system(cmd);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Creates a temporary file; returns it open for writing, its name in path. */
static FILE *temp_file(char *path, size_t n)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, n, "%s/rv64_decode_XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    return f;
}

/* One line of llvm-mc --disassemble --show-encoding output:
 * "\tMNEM\tOPS   # encoding: [0x13,0x05,...]". Returns false for others. */
static bool parse_mc_line(char *line, char **mnem, char **ops, uint32_t *bits, unsigned *len)
{
    char *enc = strstr(line, "# encoding: [");
    if (line[0] != '\t' || !enc)
        return false;
    *bits = 0;
    *len = 0;
    for (char *p = enc + 13; *p && *p != ']' && *len < 4; (*len)++) {
        *bits |= (uint32_t)strtoul(p, &p, 16) << (8 * *len);
        if (*p == ',')
            p++;
    }
    for (char *e = enc; e > line && (e[-1] == ' ' || e[-1] == '\t'); e--)
        e[-1] = '\0';
    *mnem = line + 1;
    char *tab = strchr(*mnem, '\t');
    *ops = tab ? tab + 1 : *mnem + strlen(*mnem);
    if (tab)
        *tab = '\0';
    return true;
}

/* Feeds `count` encodings (one per line) to llvm-mc --disassemble and checks
 * the decoder on each; encodings LLVM rejects must be illegal or RV_OTHER
 * (LLVM runs without F/D). Returns the number of disagreements. */
static unsigned compare_with_llvm_mc(const uint32_t *words, const uint8_t *lens, size_t count)
{
    char in_path[256], cmd[1024];
    FILE *f = temp_file(in_path, sizeof in_path);
    for (size_t i = 0; i < count; i++) {
        for (unsigned b = 0; b < lens[i]; b++)
            fprintf(f, "0x%02x ", (unsigned)(words[i] >> (8 * b)) & 0xff);
        fputc('\n', f);
    }
    assert_int_equal(fclose(f), 0);
    snprintf(cmd, sizeof cmd,
             "'%s' --disassemble %s -M no-aliases --show-encoding '%s' 2>/dev/null", llvm_mc,
             MC_FLAGS, in_path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *line = NULL, *mnem = NULL, *ops = NULL, why[200];
    size_t cap = 0;
    unsigned bad = 0, llvm_len = 0;
    uint32_t llvm_bits = 0;
    bool have = false;
    size_t decoded = 0;
    for (size_t i = 0; i < count; i++) {
        while (!have && getline(&line, &cap, p) >= 0)
            have = parse_mc_line(line, &mnem, &ops, &llvm_bits, &llvm_len);
        struct rv64_insn in;
        uint8_t bytes[4];
        for (unsigned b = 0; b < 4; b++)
            bytes[b] = (uint8_t)(words[i] >> (8 * b));
        rv64_decode(bytes, lens[i], 0, &in);
        /* LLVM prints nothing for what it rejects: a line belongs to the
         * first word whose bytes it shows */
        bool mine = have && llvm_bits == words[i] && llvm_len == lens[i];
        bool ok;
        if (mine) {
            ok = agrees_with_llvm(&in, llvm_len, mnem, ops, why, sizeof why);
            have = false;
            decoded++;
        } else {
            ok = in.len == 0 || in.kind == RV_OTHER;
            snprintf(why, sizeof why, "LLVM rejects it, decoder \"%s\"", in.text);
        }
        if (!ok && bad++ < MAX_REPORTED)
            print_message("0x%0*x: llvm \"%s %s\": %s\n", lens[i] * 2, (unsigned)words[i],
                          mine ? mnem : "(invalid)", mine ? ops : "", why);
    }
    while (!have && getline(&line, &cap, p) >= 0)
        have = parse_mc_line(line, &mnem, &ops, &llvm_bits, &llvm_len);
    assert_false(have); /* every line LLVM printed was matched to a word */
    print_message("%zu of %zu encodings decoded by LLVM, %u disagreements\n", decoded, count, bad);
    free(line);
    pclose(p);
    unlink(in_path);
    return bad;
}

/* Every 16-bit encoding: compressed ones against LLVM's c.* form. */
static void every_16bit_encoding_matches_llvm_mc(void **state)
{
    (void)state;
    NEED_TOOLS(llvm_mc);
    uint32_t *words = calloc(0x10000, sizeof *words);
    uint8_t *lens = calloc(0x10000, 1);
    assert_true(words && lens);
    size_t count = 0;
    for (uint32_t h = 0; h < 0x10000; h++) {
        if ((h & 3) == 3)
            continue;
        words[count] = h;
        lens[count++] = 2;
    }
    unsigned bad = compare_with_llvm_mc(words, lens, count);
    free(words);
    free(lens);
    assert_int_equal(bad, 0);
}

/* xorshift64: a fixed sequence, so failures reproduce. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A 32-bit word near the valid encodings: a known major opcode, and a
 * funct7 that is often one the decoder knows. */
static uint32_t random_word(uint64_t *s)
{
    static const uint8_t opcodes[] = {0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27,
                                      0x2f, 0x33, 0x37, 0x3b, 0x43, 0x53, 0x63, 0x67,
                                      0x6f, 0x73, 0x0b, 0x2b, 0x57, 0x5b, 0x6b, 0x7b};
    static const uint8_t funct7s[] = {0x00, 0x20, 0x01, 0x09, 0x08, 0x18, 0x30};
    uint64_t r = next_random(s);
    uint32_t w = (uint32_t)(r >> 7) << 7 | opcodes[r % sizeof opcodes];
    switch ((r >> 40) % 4) {
    case 0:
        w = (w & 0x01ffffffu) | (uint32_t)funct7s[(r >> 44) % sizeof funct7s] << 25;
        break;
    case 1:
        w &= 0x83ffffffu; /* funct6/funct5 patterns with small values */
        break;
    }
    return w;
}

/* 32-bit encodings: every CSR number, every SYSTEM funct3-0 and MISC-MEM
 * immediate, and random words around the known opcodes; LLVM's text must
 * be the decoder's text. */
static void many_32bit_encodings_match_llvm_mc(void **state)
{
    (void)state;
    NEED_TOOLS(llvm_mc);
    enum { RANDOM = 300000, COUNT = 3 * 4096 + 4 * 32 + RANDOM };
    uint32_t *words = calloc(COUNT, sizeof *words);
    uint8_t *lens = calloc(COUNT, 1);
    assert_true(words && lens);
    size_t n = 0;
    for (uint32_t csr = 0; csr < 4096; csr++)
        words[n++] = csr << 20 | 11 << 15 | 2 << 12 | 10 << 7 | 0x73; /* csrrs a0, csr, a1 */
    for (uint32_t imm = 0; imm < 4096; imm++)
        words[n++] = imm << 20 | 0x73;
    for (uint32_t imm = 0; imm < 4096; imm++)
        words[n++] = imm << 20 | 0x0f;
    for (uint32_t r = 0; r < 32; r++) {
        words[n++] = 0x12000073 | r << 15 | (31 - r) << 20; /* sfence.vma */
        words[n++] = 0x100000ef | r << 7;                   /* jal */
        words[n++] = 0x0005a52f | r << 27;                  /* amo*.w funct5 r */
        words[n++] = 0x0205f53b | r << 25;                  /* OP-32 funct7 */
    }
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    while (n < COUNT)
        words[n++] = random_word(&seed);
    memset(lens, 4, COUNT);
    unsigned bad = compare_with_llvm_mc(words, lens, COUNT);
    free(words);
    free(lens);
    assert_int_equal(bad, 0);
}

/* ---- guest images --------------------------------------------------------------- */

struct section {
    uint64_t addr, size;
    const uint8_t *bytes;
};

struct image {
    uint8_t *data;
    struct section text[16];
    unsigned ntext;
};

/* Reads a RISC-V ELF64 file and finds its executable sections. */
static void load_image(const char *path, struct image *img)
{
    memset(img, 0, sizeof *img);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > (long)sizeof(Elf64_Ehdr));
    rewind(f);
    img->data = malloc((size_t)size);
    assert_non_null(img->data);
    assert_int_equal(fread(img->data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->data;
    assert_int_equal(memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
    assert_int_equal(eh->e_machine, EM_RISCV);
    assert_true(eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) <= (uint64_t)size);
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img->data + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum && img->ntext < 16; i++) {
        if (sh[i].sh_type != SHT_PROGBITS || !(sh[i].sh_flags & SHF_EXECINSTR))
            continue;
        assert_true(sh[i].sh_offset + sh[i].sh_size <= (uint64_t)size);
        img->text[img->ntext++] =
            (struct section){sh[i].sh_addr, sh[i].sh_size, img->data + sh[i].sh_offset};
    }
}

/* Returns the bytes at guest address addr and how many follow in the
 * section, NULL when addr is in no executable section. */
static const uint8_t *image_at(const struct image *img, uint64_t addr, size_t *avail)
{
    for (unsigned i = 0; i < img->ntext; i++) {
        const struct section *s = &img->text[i];
        if (addr >= s->addr && addr < s->addr + s->size) {
            *avail = (size_t)(s->addr + s->size - addr);
            return s->bytes + (addr - s->addr);
        }
    }
    return NULL;
}

/* One llvm-objdump instruction line, "ADDR:<spaces>\tMNEM\tOPS"; data dumps
 * ("ADDR: 00 11 ...") and labels are not. Copies the operands to ops,
 * where branch targets, printed as absolute "0x... <sym+off>", become
 * offsets from the instruction as llvm-mc prints them. */
static bool parse_objdump_line(char *line, uint64_t *addr, char **mnem, char *ops, size_t n)
{
    char *end;
    *addr = strtoull(line, &end, 16);
    if (end == line || *end != ':')
        return false;
    end++;
    while (*end == ' ')
        end++;
    if (*end != '\t')
        return false;
    *mnem = end + 1;
    line[strcspn(line, "\n")] = '\0';
    char *tab = strchr(*mnem, '\t');
    const char *src = tab ? tab + 1 : "";
    if (tab)
        *tab = '\0';
    snprintf(ops, n, "%.*s", (int)strcspn(src, "<"), src);
    for (size_t len = strlen(ops); len > 0 && ops[len - 1] == ' ';)
        ops[--len] = '\0';
    char *hex = strstr(ops, "0x");
    if (hex) {
        /* only branch and jump targets are printed in hex */
        long long off = (long long)(strtoull(hex, NULL, 16) - *addr);
        snprintf(hex, n - (size_t)(hex - ops), "%lld", off);
    }
    return true;
}

/* Calls visit() for every instruction llvm-objdump lists in every .elf of
 * the guest directory, with the decoder's result for the same bytes.
 * Returns the number of instructions. */
typedef void visit_fn(void *ctx, const struct rv64_insn *in, uint64_t addr, unsigned llvm_len,
                      const char *mnem, const char *ops);

static size_t for_each_guest_insn(visit_fn *visit, void *ctx)
{
    DIR *d = guest_dir ? opendir(guest_dir) : NULL;
    if (!d)
        skip(); /* riscv64 not among IPCEMU_ARCHES, or no arguments */
    size_t total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".elf") != 0)
            continue;
        char path[1024], cmd[2300];
        snprintf(path, sizeof path, "%s/%s", guest_dir, e->d_name);
        struct image img;
        load_image(path, &img);
        snprintf(cmd, sizeof cmd, "'%s' -d -M no-aliases --no-show-raw-insn '%s'", llvm_objdump,
                 path);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        char *line = NULL, *mnem, ops[160];
        size_t cap = 0;
        uint64_t addr;
        while (getline(&line, &cap, p) >= 0) {
            if (!parse_objdump_line(line, &addr, &mnem, ops, sizeof ops))
                continue;
            size_t avail = 0;
            const uint8_t *code = image_at(&img, addr, &avail);
            assert_non_null(code);
            struct rv64_insn in;
            rv64_decode(code, avail, addr, &in);
            /* LLVM, like the hardware, sizes by the low two bits */
            visit(ctx, &in, addr, (code[0] & 3) == 3 ? 4 : 2, mnem, ops);
            total++;
        }
        free(line);
        assert_int_equal(pclose(p), 0);
        free(img.data);
    }
    closedir(d);
    return total;
}

struct compare_ctx {
    unsigned bad;
};

static void compare_visit(void *ctx, const struct rv64_insn *in, uint64_t addr, unsigned llvm_len,
                          const char *mnem, const char *ops)
{
    struct compare_ctx *c = ctx;
    char why[200];
    if (!agrees_with_llvm(in, llvm_len, mnem, ops, why, sizeof why) && c->bad++ < MAX_REPORTED)
        print_message("0x%llx: llvm \"%s %s\", decoder \"%s\": %s\n", (unsigned long long)addr,
                      mnem, ops, in->text, why);
}

/* Every instruction of the riscv64 guest images, as llvm-objdump sees them. */
static void guest_images_match_llvm_objdump(void **state)
{
    (void)state;
    NEED_TOOLS(llvm_objdump);
    struct compare_ctx c = {0};
    size_t total = for_each_guest_insn(compare_visit, &c);
    print_message("%zu instructions compared\n", total);
    assert_true(total > 1000); /* the kernel alone has thousands */
    assert_int_equal(c.bad, 0);
}

struct text_files {
    FILE *mc, *mca;
};

/* llvm-mca 14's SiFive U74 model has no scheduling data for these ("found an
 * unsupported instruction"): they go to llvm-mc only. */
static bool mca_models(enum rv64_kind kind)
{
    return kind != RV_FENCE && kind != RV_SFENCE_VMA && kind != RV_EBREAK && kind != RV_XRET &&
           kind != RV_WFI;
}

static void write_visit(void *ctx, const struct rv64_insn *in, uint64_t addr, unsigned llvm_len,
                        const char *mnem, const char *ops)
{
    struct text_files *f = ctx;
    (void)addr, (void)llvm_len, (void)mnem, (void)ops;
    if (in->len)
        fprintf(f->mc, "%s\n", in->text);
    if (in->len && mca_models(in->kind))
        fprintf(f->mca, "%s\n", in->text);
}

/* The decoder's text of every guest instruction assembles with llvm-mc and,
 * where llvm-mca models the instruction, goes through its SiFive U74 model. */
static void guest_text_assembles_with_llvm_mc_and_mca(void **state)
{
    (void)state;
    NEED_TOOLS(llvm_objdump, llvm_mc, llvm_mca);
    char mc_path[256], mca_path[256], cmd[1024];
    struct text_files f = {temp_file(mc_path, sizeof mc_path),
                           temp_file(mca_path, sizeof mca_path)};
    size_t total = for_each_guest_insn(write_visit, &f);
    assert_int_equal(fclose(f.mc), 0);
    assert_int_equal(fclose(f.mca), 0);
    assert_true(total > 1000);
    snprintf(cmd, sizeof cmd, "'%s' %s -o /dev/null '%s'", llvm_mc, MC_FLAGS, mc_path);
    int mc = run(cmd);
    snprintf(cmd, sizeof cmd, "'%s' -mtriple=riscv64 -mcpu=sifive-u74 -o /dev/null '%s'", llvm_mca,
             mca_path);
    int mca = run(cmd);
    if (mc != 0 || mca != 0) {
        print_message("llvm-mc %d on %s, llvm-mca %d on %s (kept)\n", mc, mc_path, mca, mca_path);
    } else {
        unlink(mc_path);
        unlink(mca_path);
    }
    assert_int_equal(mc, 0);
    assert_int_equal(mca, 0);
}

int main(int argc, char **argv)
{
    if (argc != 1 && argc != 5) {
        fprintf(stderr, "usage: %s [GUEST_RISCV64_DIR LLVM_OBJDUMP LLVM_MC LLVM_MCA]\n", argv[0]);
        return 2;
    }
    if (argc == 5) {
        guest_dir = argv[1];
        llvm_objdump = argv[2];
        llvm_mc = argv[3];
        llvm_mca = argv[4];
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_16bit_encoding_matches_llvm_mc),
        cmocka_unit_test(many_32bit_encodings_match_llvm_mc),
        cmocka_unit_test(guest_images_match_llvm_objdump),
        cmocka_unit_test(guest_text_assembles_with_llvm_mc_and_mca),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
