/* tests/tracer/test_tracefile.c: the binary trace file: writing and reading
 * back, and a reader that trusts nothing (settings checked as the command
 * line checks them, bounded by the file, one line of error naming the
 * file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tracer/tracefile.h"
#include "util/hostfile.h"

static char dir[] = "/tmp/ipcemu-tracefile-XXXXXX";

/* Returns dir/name in a static buffer (one of four). */
static const char *in_dir(const char *name)
{
    static char path[4][256];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

/* A boot trace's settings, as ipcemu writes them. */
static struct trc_file_meta boot_meta(void)
{
    struct trc_file_meta m = {.max_cycles = 3000000,
                              .seed = 1,
                              .quantum = 20000,
                              .ram = 128u << 20,
                              .cap_cache = 64,
                              .demo = 1,
                              .hash = 0x1234,
                              .cycles = 3000000,
                              .instructions = 2000000};
    strcpy(m.kind, "boot");
    strcpy(m.arch, "x86_64");
    strcpy(m.cpu, "skylake");
    strcpy(m.build, "ipcemu test");
    return m;
}

/* Appends an unsigned LEB128 varint to b (at *n). */
static void var(uint8_t *b, size_t *n, uint64_t v)
{
    do {
        b[(*n)++] = (uint8_t)((v & 0x7f) | (v >> 7 ? 0x80 : 0));
        v >>= 7;
    } while (v);
}

/* Builds in b (returns its length) a checksum-valid trace with the given
 * settings text and input blob, `nev` as its event count followed by the
 * varints f[nf] (the events), and no console. */
static size_t craft_ev(uint8_t *b, const char *settings, const char *input, uint64_t nev,
                       const uint64_t *f, size_t nf)
{
    size_t n = 12;
    memcpy(b, "IPCEMUTR\1\0\0\0", 12);
    var(b, &n, strlen(settings));
    memcpy(b + n, settings, strlen(settings));
    n += strlen(settings);
    var(b, &n, strlen(input));
    memcpy(b + n, input, strlen(input));
    n += strlen(input);
    var(b, &n, nev);
    for (size_t i = 0; i < nf; i++)
        var(b, &n, f[i]);
    var(b, &n, 0); /* console */
    memset(b + n, 0, 24);
    n += 24;
    uint64_t h = hf_fnv1a(b, n, HF_FNV_INIT);
    for (int i = 0; i < 8; i++)
        b[n++] = (uint8_t)(h >> (8 * i));
    return n;
}

/* The same without events. */
static size_t craft(uint8_t *b, const char *settings, const char *input)
{
    return craft_ev(b, settings, input, 0, NULL, 0);
}

static const char good_settings[] = "kind=boot\narch=x86_64\ncpu=skylake\nexact_caches=0\n"
                                    "max_cycles=3000000\nseed=1\nquantum=20000\ncap_cache=64\n"
                                    "ram=134217728\ndemo=1\nbuild=b\nscenario_path=\n";

/* Returns good_settings with line `key=...` replaced by `line` (or
 * removed when line is ""), in a static buffer. */
static const char *with(const char *key, const char *line)
{
    static char out[2048];
    out[0] = '\0';
    const char *s = good_settings;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t kl = strlen(key);
        if (!strncmp(s, key, kl) && s[kl] == '=') {
            if (*line) {
                strcat(out, line);
                strcat(out, "\n");
            }
        } else {
            strncat(out, s, (size_t)(nl - s + 1));
        }
        s = nl + 1;
    }
    return out;
}

/* Reads buf[n] as trace "T.trace": returns the reader's status, the error
 * in err[300]. */
static int read_mem(const uint8_t *buf, size_t n, char *err)
{
    struct trc_file_meta m;
    struct trc_log log;
    err[0] = '\0';
    int rc = trc_file_read_mem("T.trace", buf, n, &m, &log, err, 300);
    trc_file_meta_free(&m);
    trc_log_free(&log);
    return rc;
}

static void a_trace_reads_back_what_was_written(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    struct trc_event e = {.cycle = 10, .core = 0, .type = TRC_EV_PROC_CREATE, .pid = 7};
    e.arg[1] = 0x6168706c61ULL; /* "alpha" */
    assert_int_equal(trc_log_event(&log, &e), TRC_OK);
    e = (struct trc_event){.cycle = 1u << 30, .type = TRC_EV_SYSCALL, .pid = 7, .arg = {3, ~0ull}};
    assert_int_equal(trc_log_event(&log, &e), TRC_OK);
    trc_log_console(&log, 'h');
    trc_log_console(&log, 'i');
    struct trc_file_meta m = boot_meta(), r;
    m.hash = log.hash;
    char err[300];
    assert_int_equal(trc_file_write(in_dir("a.trace"), &m, &log, err, sizeof err), 0);
    struct trc_log back;
    assert_int_equal(trc_file_read(in_dir("a.trace"), &r, &back, err, sizeof err), 0);
    assert_string_equal(r.kind, "boot");
    assert_string_equal(r.arch, "x86_64");
    assert_string_equal(r.cpu, "skylake");
    assert_true(r.max_cycles == 3000000 && r.seed == 1 && r.quantum == 20000);
    assert_true(r.ram == 128u << 20 && r.cap_cache == 64 && r.demo == 1);
    assert_true(r.hash == log.hash && r.cycles == 3000000 && r.instructions == 2000000);
    assert_null(r.scenario);
    assert_int_equal(back.nev, 2);
    assert_true(back.ev[1].cycle == 1u << 30 && back.ev[1].arg[1] == ~0ull);
    assert_int_equal(back.console_len, 2);
    assert_true(back.hash == log.hash);
    assert_string_equal(trc_log_proc(&back, 7)->name, "alpha");
    trc_file_meta_free(&r);
    trc_log_free(&back);
    trc_log_free(&log);
}

/* Encodes `log` with settings *m and reads it back into *r and *back;
 * the encoded bytes go to *keep (the caller frees them), or are freed
 * when keep is NULL. */
static void round_trip(const struct trc_file_meta *m, const struct trc_log *log,
                       struct trc_file_meta *r, struct trc_log *back, uint8_t **keep, size_t *n)
{
    uint8_t *buf;
    size_t len;
    char err[300];
    assert_int_equal(trc_file_encode(m, log, &buf, &len, err, sizeof err), 0);
    assert_int_equal(trc_file_read_mem("T.trace", buf, len, r, back, err, sizeof err), 0);
    if (n)
        *n = len;
    if (keep)
        *keep = buf;
    else
        free(buf);
}

/* Events need not come in cycle order (cores interleave by quanta): they
 * read back as written. */
static void events_out_of_cycle_order_read_back(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    static const uint64_t cycles[] = {500, 100, UINT64_MAX, 0, 7};
    for (uint32_t i = 0; i < 5; i++) {
        struct trc_event e = {.cycle = cycles[i], .core = i & 1, .type = TRC_EV_TIMER_IRQ};
        assert_int_equal(trc_log_event(&log, &e), TRC_OK);
    }
    struct trc_file_meta m = boot_meta(), r;
    struct trc_log back;
    round_trip(&m, &log, &r, &back, NULL, NULL);
    assert_int_equal(back.nev, 5);
    for (int i = 0; i < 5; i++)
        assert_true(back.ev[i].cycle == cycles[i] && back.ev[i].core == (uint32_t)(i & 1));
    trc_file_meta_free(&r);
    trc_log_free(&back);
    trc_log_free(&log);
}

/* A trace of several cores records their number and the core quantum
 * (replay runs as many); one of one core has neither line, so it is the
 * file it always was, and a trace without them reads as one core. */
static void the_core_count_travels_in_the_trace(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    struct trc_event e = {.cycle = 5, .core = 3, .type = TRC_EV_IPI, .arg = {3, 1, 24}};
    assert_int_equal(trc_log_event(&log, &e), TRC_OK);
    struct trc_file_meta m = boot_meta(), r;
    m.cores = 4;
    m.core_quantum = 5000;
    struct trc_log back;
    round_trip(&m, &log, &r, &back, NULL, NULL);
    assert_int_equal(r.cores, 4);
    assert_true(r.core_quantum == 5000);
    assert_true(back.nev == 1 && back.ev[0].core == 3 && back.ev[0].type == TRC_EV_IPI);
    assert_true(back.cores[3].ipi_sent == 1 && back.cores[1].ipi_received == 1);
    assert_int_equal(back.ncores, 4);
    trc_file_meta_free(&r);
    trc_log_free(&back);
    /* one core: no line */
    m.cores = 1;
    uint8_t *buf;
    size_t n;
    round_trip(&m, &log, &r, &back, &buf, &n);
    for (size_t i = 0; i + 6 <= n; i++)
        assert_true(memcmp(buf + i, "cores=", 6) != 0);
    assert_int_equal(r.cores, 1);
    free(buf);
    trc_file_meta_free(&r);
    trc_log_free(&back);
    trc_log_free(&log);
    /* settings read as the command line would take them */
    uint8_t t[4096];
    char s[2048], err[300];
    snprintf(s, sizeof s, "%scores=2\ncore_quantum=10000\n", good_settings);
    assert_int_equal(read_mem(t, craft(t, s, ""), err), 0);
    const char *bad[] = {"cores=2\n",
                         "core_quantum=10000\n",
                         "cores=9\ncore_quantum=10000\n",
                         "cores=0\ncore_quantum=10000\n",
                         "cores=2\ncore_quantum=99\n",
                         "cores=2\ncores=2\ncore_quantum=100\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(s, sizeof s, "%s%s", good_settings, bad[i]);
        assert_int_equal(read_mem(t, craft(t, s, ""), err), -1);
        assert_non_null(strstr(err, "core"));
    }
}

/* `exec --trace`: the program's image travels in the trace. */
static void an_exec_trace_holds_its_program(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log); /* a program that printed nothing: console NULL */
    assert_null(log.console);
    struct trc_file_meta m = boot_meta(), r;
    strcpy(m.kind, "exec");
    m.demo = 0;
    static char elf[] = "\177ELF\0\1\2binary";
    m.scenario = elf;
    m.scenario_len = sizeof elf;
    strcpy(m.scenario_path, "tests/exec/spin.elf");
    char err[300];
    assert_int_equal(trc_file_write(in_dir("e.trace"), &m, &log, err, sizeof err), 0);
    struct trc_log back;
    assert_int_equal(trc_file_read(in_dir("e.trace"), &r, &back, err, sizeof err), 0);
    assert_string_equal(r.kind, "exec");
    assert_int_equal(r.scenario_len, sizeof elf);
    assert_memory_equal(r.scenario, elf, sizeof elf);
    assert_string_equal(r.scenario_path, "tests/exec/spin.elf");
    assert_int_equal(back.nev, 0);
    assert_int_equal(back.console_len, 0);
    trc_file_meta_free(&r);
    trc_log_free(&back);
    trc_log_free(&log);
}

/* Numbers are decimal: no sign, space, 0x or leading zero (010 is not 8). */
static void numbers_are_decimal_only(void **state)
{
    (void)state;
    uint64_t v = 99;
    assert_true(trc_parse_decimal("0", &v) && v == 0);
    assert_true(trc_parse_decimal("10", &v) && v == 10);
    assert_true(trc_parse_decimal("18446744073709551615", &v) && v == UINT64_MAX);
    static const char *const bad[] = {"",
                                      "010",
                                      "00",
                                      "+1",
                                      "-1",
                                      " 1",
                                      "1 ",
                                      "0x10",
                                      "1e3",
                                      "18446744073709551616",
                                      "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (trc_parse_decimal(bad[i], &v))
            fail_msg("'%s' read as %llu", bad[i], (unsigned long long)v);
    assert_false(trc_parse_decimal(NULL, &v));
    char why[200];
    assert_false(trc_setting_parse(TRC_SET_MAX_CYCLES, "010", &v, why, sizeof why));
    assert_non_null(strstr(why, "leading zero"));
    assert_false(trc_setting_parse(TRC_SET_MAX_CYCLES, "0", &v, why, sizeof why));
    assert_true(trc_setting_parse(TRC_SET_MAX_CYCLES, "8", &v, why, sizeof why) && v == 8);
    assert_false(trc_setting_parse(TRC_SET_MAX_CYCLES, "18446744073709551615", &v, why, 200));
    assert_false(trc_setting_parse(TRC_SET_CAP_CACHE, "3", &v, why, sizeof why));
    assert_non_null(strstr(why, "power of two"));
    assert_true(trc_setting_parse(TRC_SET_CAP_CACHE, "65536", &v, why, sizeof why));
    assert_false(trc_setting_parse(TRC_SET_CAP_CACHE, "131072", &v, why, sizeof why));
    assert_false(trc_setting_parse(TRC_SET_QUANTUM, "999", &v, why, sizeof why));
    assert_true(trc_setting_parse(TRC_SET_QUANTUM, "1000", &v, why, sizeof why));
    assert_false(trc_setting_parse(TRC_SET_RAM_MIB, "15", &v, why, sizeof why));
    assert_true(trc_setting_parse(TRC_SET_RAM_MIB, "1024", &v, why, sizeof why));
    assert_false(trc_setting_parse(TRC_SET_EXACT_CACHES, "2", &v, why, sizeof why));
    assert_true(trc_setting_check(TRC_SET_SEED, UINT64_MAX, why, sizeof why));
}

/* Every setting is checked as the command line checks its option; the
 * error is one line naming the file and the setting. */
static void bad_settings_are_refused_by_name(void **state)
{
    (void)state;
    static const struct {
        const char *key, *line, *says;
    } cases[] = {
        {"max_cycles", "max_cycles=0", "setting max_cycles=0"},
        {"max_cycles", "max_cycles=18446744073709551615", "setting max_cycles="},
        {"max_cycles", "max_cycles=010", "leading zero"},
        {"max_cycles", "max_cycles=", "setting max_cycles="},
        {"ram", "ram=1", "setting ram=1"},
        {"ram", "ram=8388608", "setting ram=8388608"},       /* 8 MiB */
        {"ram", "ram=2147483648", "setting ram=2147483648"}, /* 2 GiB */
        {"ram", "ram=134217729", "setting ram=134217729"},
        {"cap_cache", "cap_cache=3", "setting cap_cache=3"},
        {"cap_cache", "cap_cache=4294967295", "setting cap_cache=4294967295"},
        {"quantum", "quantum=1", "setting quantum=1"},
        {"quantum", "quantum=0", "setting quantum=0"},
        {"seed", "seed=-1", "setting seed=-1"},
        {"seed", "seed=0x10", "setting seed=0x10"},
        {"exact_caches", "exact_caches=2", "setting exact_caches=2"},
        {"demo", "demo=4294967296", "setting demo=4294967296"},
        {"kind", "kind=launch", "setting kind=launch"},
        {"arch", "arch=", "setting arch="},
        {"cpu", "cpu=", "setting cpu="},
        {"seed", "", "setting seed is missing"},
        {"seed", "seed=1\nseed=1", "setting seed appears twice"},
        {"seed", "seed=1\ncolour=blue", "unknown setting \"colour\""},
        {"seed", "seed=1\nno equals sign", "is not key=value"},
        {"seed", "seed=1\nkey=\033[2J", "unknown setting \"key\""},
        {"cpu", "cpu=sky\033[2Jlake", "setting cpu=sky\\x1b[2Jlake: holds a control character"},
        {"scenario_path", "scenario_path=a\tb", "setting scenario_path=a\\x09b: holds a control"},
        {"kind", "kind=run", "setting kind=run, but the trace holds no scenario"},
        {"kind", "kind=exec", "setting kind=exec, but the trace holds no program"},
    };
    static uint8_t buf[4096];
    char err[300];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = craft(buf, with(cases[i].key, cases[i].line), "");
        if (read_mem(buf, n, err) == 0 || !strstr(err, cases[i].says) ||
            strncmp(err, "T.trace: ", 9) != 0 || strchr(err, '\n') || strchr(err, '\033'))
            fail_msg("case %zu (%s): '%s', want T.trace: ... %s", i, cases[i].line, err,
                     cases[i].says);
    }
    /* the good ones read */
    size_t n = craft(buf, good_settings, "");
    assert_int_equal(read_mem(buf, n, err), 0);
    n = craft(buf, with("cap_cache", "cap_cache=0"), ""); /* no --cap-cache: the default */
    assert_int_equal(read_mem(buf, n, err), 0);
    n = craft(buf, with("kind", "kind=boot"), "a scenario");
    assert_int_not_equal(read_mem(buf, n, err), 0);
    assert_non_null(strstr(err, "setting kind=boot, but the trace holds a scenario"));
    /* no raw control byte from a value reaches the message */
    n = craft(buf, with("quantum", "quantum=\033]0;pwned\007"), "");
    assert_int_not_equal(read_mem(buf, n, err), 0);
    assert_non_null(strstr(err, "quantum=\\x1b]0;pwned\\x07"));
    /* a NUL inside the settings */
    static const char nul[] = "kind=boot\0";
    memcpy(buf, "IPCEMUTR\1\0\0\0", 12);
    n = 12;
    var(buf, &n, sizeof nul - 1);
    memcpy(buf + n, nul, sizeof nul - 1);
    n += sizeof nul - 1;
    var(buf, &n, 0);
    var(buf, &n, 0);
    var(buf, &n, 0);
    memset(buf + n, 0, 24);
    n += 24;
    uint64_t h = hf_fnv1a(buf, n, HF_FNV_INIT);
    for (int i = 0; i < 8; i++)
        buf[n++] = (uint8_t)(h >> (8 * i));
    assert_int_not_equal(read_mem(buf, n, err), 0);
    assert_non_null(strstr(err, "NUL"));
}

/* The header: bytes 8..11 are the version, a u32; any other value than 1
 * (in any of its four bytes) is named as it is. */
static void the_version_is_all_four_header_bytes(void **state)
{
    (void)state;
    static uint8_t buf[4096];
    char err[300];
    size_t n = craft(buf, good_settings, "");
    buf[11] = 1;
    assert_int_not_equal(read_mem(buf, n, err), 0);
    assert_non_null(strstr(err, "T.trace: trace format version 16777217"));
    assert_null(strstr(err, "version 1;"));
    buf[11] = 0;
    buf[8] = 2;
    assert_int_not_equal(read_mem(buf, n, err), 0);
    assert_non_null(strstr(err, "version 2 (bytes 8..11); this ipcemu reads version 1"));
    memcpy(buf, "NOTTRACE", 8);
    assert_int_not_equal(read_mem(buf, n, err), 0);
    assert_non_null(strstr(err, "not an ipcemu trace"));
    assert_int_not_equal(read_mem(buf, 0, err), 0);
    assert_non_null(strstr(err, "T.trace: empty"));
}

/* Any cut or any flipped byte is an error, never a crash; so is an event
 * whose fields do not fit. */
static void damaged_traces_are_refused(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    for (uint32_t i = 0; i < 50; i++) {
        struct trc_event e = {.cycle = i * 100, .type = TRC_EV_PROC_CREATE, .pid = i + 1};
        assert_int_equal(trc_log_event(&log, &e), TRC_OK);
    }
    struct trc_file_meta m = boot_meta();
    char err[300];
    assert_int_equal(trc_file_write(in_dir("d.trace"), &m, &log, err, sizeof err), 0);
    trc_log_free(&log);
    size_t n;
    uint8_t *good = hf_read_input(in_dir("d.trace"), 1 << 20, &n, err, sizeof err);
    assert_non_null(good);
    if (read_mem(good, n, err) != 0)
        fail_msg("%s", err);
    for (size_t cut = 0; cut < n; cut++) {
        assert_int_not_equal(read_mem(good, cut, err), 0);
        assert_non_null(strstr(err, "T.trace: "));
    }
    uint8_t *bad = malloc(n);
    for (size_t i = 0; i < n; i++) {
        memcpy(bad, good, n);
        bad[i] ^= 0x40;
        assert_int_not_equal(read_mem(bad, n, err), 0);
    }
    free(bad);
    free(good);
    /* events whose fields do not fit their types, or more events than
     * the file could hold */
    static uint8_t buf[4096];
    static const uint64_t pid[] = {5, 0, TRC_EV_SYSCALL, (uint64_t)1 << 32, 0, 0, 0, 0};
    static const uint64_t core[] = {5, (uint64_t)1 << 32, TRC_EV_SYSCALL, 1, 0, 0, 0, 0};
    static const uint64_t clock[] = {UINT64_MAX, 0, TRC_EV_SYSCALL, 1, 0, 0, 0, 0,
                                     1,          0, TRC_EV_SYSCALL, 1, 0, 0, 0, 0};
    n = craft_ev(buf, good_settings, "", 1, pid, 8);
    assert_int_not_equal(read_mem(buf, n, err), 0);
    assert_non_null(strstr(err, "event 0 has a pid out of range"));
    n = craft_ev(buf, good_settings, "", 1, core, 8);
    assert_int_not_equal(read_mem(buf, n, err), 0);
    assert_non_null(strstr(err, "event 0 has a core out of range"));
    /* cycle deltas are modulo 2^64: the second event is at cycle 0 */
    n = craft_ev(buf, good_settings, "", 2, clock, 16);
    struct trc_file_meta mm;
    struct trc_log back;
    assert_int_equal(trc_file_read_mem("T.trace", buf, n, &mm, &back, err, sizeof err), 0);
    assert_true(back.nev == 2 && back.ev[0].cycle == UINT64_MAX && back.ev[1].cycle == 0);
    trc_file_meta_free(&mm);
    trc_log_free(&back);
    n = craft_ev(buf, good_settings, "", 1000000000, clock, 16);
    assert_int_not_equal(read_mem(buf, n, err), 0);
    assert_non_null(strstr(err, "the event count does not fit the file"));
    n = craft_ev(buf, good_settings, "", 1, clock, 16); /* 8 varints too many */
    assert_int_not_equal(read_mem(buf, n, err), 0);
}

/* A FIFO or a directory is refused at once, never waited on. */
static void only_regular_files_are_read(void **state)
{
    (void)state;
    struct trc_file_meta m;
    struct trc_log log;
    char err[300];
    const char *fifo = in_dir("fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_not_equal(trc_file_read(fifo, &m, &log, err, sizeof err), 0);
    assert_non_null(strstr(err, "FIFO"));
    assert_non_null(strstr(err, fifo));
    assert_int_not_equal(trc_file_read(dir, &m, &log, err, sizeof err), 0);
    assert_non_null(strstr(err, "directory"));
    assert_int_not_equal(trc_file_read(in_dir("absent"), &m, &log, err, sizeof err), 0);
    assert_non_null(strstr(err, "absent"));
    trc_file_meta_free(&m);
    trc_log_free(&log);
}

/* Returns the number of entries of `d` whose name starts with `prefix`. */
static int count_files(const char *d, const char *prefix)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '^%s'", d, prefix);
    FILE *p = popen(cmd, "r");
    int k = -1;
    if (p) {
        if (fscanf(p, "%d", &k) != 1)
            k = -1;
        pclose(p);
    }
    return k;
}

/* A failed write (a full disk: /dev/full, or a file size limit) leaves
 * the earlier file as it was and no temporary file beside it. */
static void a_failed_write_leaves_the_old_file(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    for (uint32_t i = 0; i < 2000; i++) {
        struct trc_event e = {.cycle = i, .type = TRC_EV_SYSCALL, .pid = 1, .arg = {i}};
        assert_int_equal(trc_log_event(&log, &e), TRC_OK);
    }
    struct trc_file_meta m = boot_meta();
    char err[300];
    assert_int_not_equal(trc_file_write("/dev/full", &m, &log, err, sizeof err), 0);
    assert_non_null(strstr(err, "/dev/full"));
    assert_int_not_equal(trc_file_write(in_dir("no/such/dir.trace"), &m, &log, err, sizeof err), 0);
    const char *old = in_dir("old.trace");
    assert_int_equal(hf_write_file(old, "old", 3, err, sizeof err), 0);
    /* files larger than 4 KiB cannot be written, as on a full disk */
    struct rlimit was, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
    lim = was;
    lim.rlim_cur = 4096;
    void (*xfsz)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int rc = trc_file_write(old, &m, &log, err, sizeof err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
    signal(SIGXFSZ, xfsz);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(err, old));
    size_t n;
    uint8_t *back = hf_read_input(old, 100, &n, err, sizeof err);
    assert_non_null(back);
    assert_int_equal(n, 3);
    assert_memory_equal(back, "old", 3);
    free(back);
    assert_int_equal(count_files(dir, "old.trace"), 1); /* no old.trace.tmp.* */
    trc_log_free(&log);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_trace_reads_back_what_was_written),
        cmocka_unit_test(an_exec_trace_holds_its_program),
        cmocka_unit_test(events_out_of_cycle_order_read_back),
        cmocka_unit_test(the_core_count_travels_in_the_trace),
        cmocka_unit_test(numbers_are_decimal_only),
        cmocka_unit_test(bad_settings_are_refused_by_name),
        cmocka_unit_test(the_version_is_all_four_header_bytes),
        cmocka_unit_test(damaged_traces_are_refused),
        cmocka_unit_test(only_regular_files_are_read),
        cmocka_unit_test(a_failed_write_leaves_the_old_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
