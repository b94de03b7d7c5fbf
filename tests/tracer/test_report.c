/* tests/tracer/test_report.c: the report JSON has ARCHITECTURE.md's keys
 * with the run's values; kernel functions get their phase from
 * abi/kphases.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "abi/kphases.h"
#include "tracer/report.h"

static void the_json_carries_run_and_processes(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    struct trc_event e = {.cycle = 5, .type = TRC_EV_PROC_CREATE, .pid = 1, .arg = {2, 0x6f6f66}};
    trc_log_event(&log, &e);
    e = (struct trc_event){.cycle = 9,
                           .type = TRC_EV_PROC_FAULT,
                           .pid = 1,
                           .arg = {TRC_FAULT_WRITE, 0x40001000, 0x40100000}};
    trc_log_event(&log, &e);
    struct trc_run_info run = {.arch = "riscv64",
                               .cpu = "flat-1cpi",
                               .outcome = "ok",
                               .why = "",
                               .cycles = 1234,
                               .instructions = 1000};
    char *s = trc_report_json(&run, &log);
    assert_non_null(s);
    cJSON *r = cJSON_Parse(s);
    assert_non_null(r);
    assert_string_equal(cJSON_GetObjectItem(r, "arch")->valuestring, "riscv64");
    assert_string_equal(cJSON_GetObjectItem(r, "cpu")->valuestring, "flat-1cpi");
    assert_string_equal(cJSON_GetObjectItem(r, "outcome")->valuestring, "ok");
    assert_int_equal(cJSON_GetObjectItem(r, "cycles")->valuedouble, 1234);
    assert_int_equal(cJSON_GetObjectItem(r, "instructions")->valuedouble, 1000);
    char hash[17];
    trc_log_hash_hex(&log, hash);
    assert_string_equal(cJSON_GetObjectItem(r, "trace_hash")->valuestring, hash);
    assert_null(cJSON_GetObjectItem(r, "why")); /* only when there is a why */
    cJSON *procs = cJSON_GetObjectItem(r, "processes");
    assert_int_equal(cJSON_GetArraySize(procs), 1);
    cJSON *p = cJSON_GetArrayItem(procs, 0);
    assert_string_equal(cJSON_GetObjectItem(p, "name")->valuestring, "foo");
    assert_string_equal(cJSON_GetObjectItem(p, "state")->valuestring, "killed");
    cJSON *f = cJSON_GetObjectItem(p, "fault");
    assert_string_equal(cJSON_GetObjectItem(f, "cause")->valuestring, "write");
    assert_string_equal(cJSON_GetObjectItem(f, "pc")->valuestring, "0x40001000");
    assert_string_equal(cJSON_GetObjectItem(f, "addr")->valuestring, "0x40100000");
    assert_int_equal(cJSON_GetObjectItem(p, "messages_sent")->valuedouble, 0);
    assert_int_equal(cJSON_GetObjectItem(p, "messages_received")->valuedouble, 0);
    /* No IPC happened: the objects are there, all zeros. */
    cJSON *m = cJSON_GetObjectItem(r, "messages");
    assert_true(cJSON_IsObject(m));
    assert_int_equal(cJSON_GetArraySize(m), 9);
    for (cJSON *it = m->child; it; it = it->next)
        assert_true(cJSON_IsObject(it) || (cJSON_IsNumber(it) && it->valuedouble == 0));
    cJSON *why = cJSON_GetObjectItem(m, "slow_path_why");
    assert_int_equal(cJSON_GetArraySize(why), 9);
    for (cJSON *it = why->child; it; it = it->next)
        assert_true(cJSON_IsNumber(it) && it->valuedouble == 0);
    cJSON *c = cJSON_GetObjectItem(r, "cap_cache");
    assert_true(cJSON_IsObject(c));
    assert_int_equal(cJSON_GetArraySize(c), 3);
    for (cJSON *it = c->child; it; it = it->next)
        assert_true(cJSON_IsNumber(it) && it->valuedouble == 0);
    cJSON_Delete(r);
    free(s);
    trc_log_free(&log);
}

/* Logs one event. */
static void ev(struct trc_log *log, uint64_t cycle, uint32_t type, uint32_t pid, uint64_t a0,
               uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct trc_event e = {.cycle = cycle, .type = type, .pid = pid, .arg = {a0, a1, a2, a3}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* A server (pid 1) that ends blocked on port 3 and a client (pid 2) that
 * sent it three messages, one refused. */
static void play_ipc(struct trc_log *log)
{
    ev(log, 1, TRC_EV_PROC_CREATE, 1, 1, 0x7673 /* "sv" */, 0, 0);
    ev(log, 2, TRC_EV_PROC_CREATE, 2, 2, 0x6c63 /* "cl" */, 0, 0);
    ev(log, 10, TRC_EV_SCHED_SWITCH, 1, 0, TRC_SWITCH_START, 0, 0);
    ev(log, 11, TRC_EV_PORT_CREATE, 1, 3, 8, 0, 0);
    ev(log, 12, TRC_EV_IPC_BLOCK, 1, 3, 1, 0, 0);
    ev(log, 20, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_BLOCK, 0, 0);
    ev(log, 21, TRC_EV_CAP_LOOKUP, 2, 0x40, 0, 0, 0);
    ev(log, 22, TRC_EV_IPC_SEND, 2, 3, 1, TRC_IPC_DIRECT, 0);
    ev(log, 22, TRC_EV_IPC_WAKE, 1, 3, 0, 0, 0);
    ev(log, 22, TRC_EV_IPC_RECV, 1, 3, 1, TRC_IPC_DIRECT, 2ULL << 32);
    ev(log, 23, TRC_EV_CAP_LOOKUP, 2, 0x40, 1, 0, 0);
    ev(log, 24, TRC_EV_IPC_SEND, 2, 3, 2, TRC_IPC_QUEUED, 0);
    ev(log, 25, TRC_EV_CAP_LOOKUP, 2, 0x40, 1, 0, 0);
    ev(log, 26, TRC_EV_IPC_SEND, 2, 3, 1ULL << 40, TRC_IPC_REFUSED, (uint64_t)(int64_t)-25);
    ev(log, 27, TRC_EV_CAP_INVALIDATE, 0, 1, 0x40, 0, 0);
    /* a call that left the queue unreceived (its caller timed out) */
    ev(log, 28, TRC_EV_IPC_DROP, 2, 3, 5, TRC_DROP_CALLER_GAVE_UP, 0);
    ev(log, 30, TRC_EV_SCHED_SWITCH, 1, 2, TRC_SWITCH_YIELD, 0, 0);
    ev(log, 31, TRC_EV_IPC_RECV, 1, 3, 2, TRC_IPC_FROM_QUEUE, 2ULL << 32);
    ev(log, 32, TRC_EV_IPC_BLOCK, 1, 3, 1, 0, 0);
    ev(log, 40, TRC_EV_SCHED_SWITCH, 2, 1, TRC_SWITCH_BLOCK, 0, 0);
    ev(log, 45, TRC_EV_PROC_EXIT, 2, 0, 0, 0, 0);
}

/* Returns the number `key` of object `o` (failing the test when absent). */
static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static void the_json_carries_messages_and_cap_cache(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    play_ipc(&log);
    trc_log_finish(&log, 50);
    struct trc_run_info run = {
        .arch = "x86_64", .cpu = "c", .outcome = "deadlock", .why = "", .cycles = 50};
    char *s = trc_report_json(&run, &log);
    assert_non_null(s);
    cJSON *r = cJSON_Parse(s);
    assert_non_null(r);
    cJSON *m = cJSON_GetObjectItem(r, "messages");
    assert_int_equal(num(m, "sent"), 2);
    assert_int_equal(num(m, "received"), 2);
    assert_int_equal(num(m, "fast_path"), 0); /* no TRC_IPC_FAST send */
    assert_int_equal(num(m, "slow_path"), 2);
    assert_int_equal(num(m, "direct"), 1);
    assert_int_equal(num(m, "queued"), 1);
    assert_int_equal(num(m, "refused"), 1);
    assert_int_equal(num(m, "dropped"), 1);
    cJSON *c = cJSON_GetObjectItem(r, "cap_cache");
    assert_int_equal(num(c, "hits"), 2);
    assert_int_equal(num(c, "misses"), 1);
    assert_int_equal(num(c, "invalidations"), 1);
    cJSON *procs = cJSON_GetObjectItem(r, "processes");
    assert_int_equal(cJSON_GetArraySize(procs), 2);
    cJSON *sv = cJSON_GetArrayItem(procs, 0), *cl = cJSON_GetArrayItem(procs, 1);
    assert_string_equal(cJSON_GetObjectItem(sv, "name")->valuestring, "sv");
    assert_string_equal(cJSON_GetObjectItem(sv, "state")->valuestring, "blocked");
    assert_int_equal(num(sv, "messages_sent"), 0);
    assert_int_equal(num(sv, "messages_received"), 2);
    assert_int_equal(num(sv, "cycles"), (20 - 10) + (40 - 30));
    assert_string_equal(cJSON_GetObjectItem(cl, "state")->valuestring, "exited");
    assert_int_equal(num(cl, "messages_sent"), 2);
    assert_int_equal(num(cl, "messages_received"), 0);
    assert_int_equal(num(cl, "cycles"), (30 - 20) + (45 - 40));
    assert_int_equal(num(r, "events"), log.nev);
    cJSON_Delete(r);
    free(s);
    trc_log_free(&log);
}

/* Returns the text summary of `log` (caller frees), failing the test when
 * it cannot be captured. */
static char *summary(const struct trc_log *log)
{
    struct trc_run_info run = {.arch = "aarch64", .cpu = "c", .outcome = "ok", .why = ""};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    trc_report_print(f, &run, log);
    assert_int_equal(fclose(f), 0);
    assert_non_null(buf);
    return buf;
}

static void the_summary_shows_messages_when_ipc_happened(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    play_ipc(&log);
    trc_log_finish(&log, 50);
    char *s = summary(&log);
    assert_non_null(
        strstr(s, "messages: sent 2, received 2, fast path 0, slow path 2 (1 direct, 1 queued), "
                  "refused 1, dropped 1\n"));
    assert_non_null(strstr(s, "cap cache: hits 2, misses 1, invalidations 1\n"));
    assert_non_null(strstr(s, "syscalls     sent received  state\n"));
    /* pid 1: 0 sent, 2 received, blocked; pid 2: 2 sent, 0 received. */
    assert_non_null(strstr(s, "       0        2  blocked\n"));
    assert_non_null(strstr(s, "       2        0  exited (code 0)\n"));
    free(s);
    trc_log_free(&log);
    /* Processes but no IPC: no messages or cap-cache line, zero columns. */
    trc_log_init(&log);
    ev(&log, 1, TRC_EV_PROC_CREATE, 1, 1, 0x7673, 0, 0);
    ev(&log, 2, TRC_EV_SCHED_SWITCH, 1, 0, TRC_SWITCH_START, 0, 0);
    s = summary(&log);
    assert_null(strstr(s, "messages:"));
    assert_null(strstr(s, "cap cache:"));
    assert_non_null(strstr(s, "       0        0  running\n"));
    free(s);
    trc_log_free(&log);
}

/* Two cores: core 0 knows its lock wait and coherence, core 1 does not
 * (an image without klock_wait, a flat run): the "cores" array and the
 * summary's table carry what is known and nothing made up. */
static void the_cores_carry_lock_wait_and_coherence(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    const struct trc_core_info cores[2] = {
        {.cycles = 1000,
         .idle = 250,
         .split = true,
         .user = 150,
         .kernel = 600,
         .lock_known = true,
         .lock_wait_cycles = 420,
         .lock_waits = 7,
         .coherence = true,
         .transfers = 31,
         .invalidations_sent = 12},
        {.cycles = 900, .idle = 900},
    };
    struct trc_run_info run = {
        .arch = "aarch64", .cpu = "c", .outcome = "ok", .why = "", .cores = cores, .ncores = 2};
    char *s = trc_report_json(&run, &log);
    assert_non_null(s);
    cJSON *r = cJSON_Parse(s);
    assert_non_null(r);
    cJSON *arr = cJSON_GetObjectItem(r, "cores");
    assert_int_equal(cJSON_GetArraySize(arr), 2);
    cJSON *c0 = cJSON_GetArrayItem(arr, 0), *c1 = cJSON_GetArrayItem(arr, 1);
    assert_int_equal(num(c0, "lock_wait_cycles"), 420);
    assert_int_equal(num(c0, "lock_waits"), 7);
    cJSON *h = cJSON_GetObjectItem(c0, "coherence");
    assert_int_equal(num(h, "transfers"), 31);
    assert_int_equal(num(h, "invalidations_sent"), 12);
    assert_null(cJSON_GetObjectItem(c1, "lock_wait_cycles"));
    assert_null(cJSON_GetObjectItem(c1, "lock_waits"));
    assert_null(cJSON_GetObjectItem(c1, "coherence"));
    cJSON_Delete(r);
    free(s);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    trc_report_print(f, &run, &log);
    assert_int_equal(fclose(f), 0);
    assert_non_null(strstr(buf, "lock wait  waits  ipi>  ipi<  xfers   events\n"));
    assert_non_null(strstr(buf,
                           "   0            1000  25.0%        150        600        420      7"
                           "     0     0     31        0\n"));
    assert_non_null(strstr(buf,
                           "   1             900 100.0%          -          -          -      -"
                           "     0     0      -        0\n"));
    free(buf);
    trc_log_free(&log);
}

static void writing_to_a_bad_path_says_so(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    struct trc_run_info run = {.arch = "x86_64", .cpu = "c", .outcome = "ok", .why = ""};
    char err[300];
    assert_int_equal(trc_report_write("/nonexistent-dir/r.json", &run, &log, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/r.json"));
    trc_log_free(&log);
}

/* Phases come from abi/kphases.h by exact name and architecture; a name it
 * does not list is unassigned (-1), whatever it starts with. */
static void a_function_s_phase_is_its_row_in_the_table(void **state)
{
    (void)state;
    assert_int_equal(trc_kphase_of("x86_64", "memcpy"), KPHASE_COPY);
    assert_int_equal(trc_kphase_of("riscv64", "ipc_cap_lookup_cached"), KPHASE_LOOKUP);
    assert_int_equal(trc_kphase_of("aarch64", "kipc_call_run"), KPHASE_LOGIC);
    /* per architecture: x86_trap is x86_64's, rv_trap riscv64's */
    assert_int_equal(trc_kphase_of("x86_64", "x86_trap"), KPHASE_TRAP);
    assert_int_equal(trc_kphase_of("riscv64", "x86_trap"), -1);
    assert_int_equal(trc_kphase_of("riscv64", "rv_trap"), KPHASE_TRAP);
    assert_int_equal(trc_kphase_of(NULL, "rv_trap"), KPHASE_TRAP); /* any row */
    /* exact names, no prefixes */
    assert_int_equal(trc_kphase_of("x86_64", "memcpy_fast"), -1);
    assert_int_equal(trc_kphase_of("x86_64", "sched_something_new"), -1);
    assert_int_equal(trc_kphase_of("x86_64", "user"), -1);
    assert_int_equal(trc_kphase_of("x86_64", NULL), -1);
    assert_string_equal(trc_kphase_name(KPHASE_TRAP), "trap");
    assert_string_equal(trc_kphase_name(KPHASE_USER), "user");
    assert_string_equal(trc_kphase_name(-1), "unassigned");
    assert_string_equal(trc_kphase_name(KPHASE_COUNT), "unassigned");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_json_carries_run_and_processes),
        cmocka_unit_test(the_json_carries_messages_and_cap_cache),
        cmocka_unit_test(the_summary_shows_messages_when_ipc_happened),
        cmocka_unit_test(the_cores_carry_lock_wait_and_coherence),
        cmocka_unit_test(writing_to_a_bad_path_says_so),
        cmocka_unit_test(a_function_s_phase_is_its_row_in_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
