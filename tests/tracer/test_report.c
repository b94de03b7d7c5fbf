/* tests/tracer/test_report.c: the report JSON has ARCHITECTURE.md's keys
 * with the run's values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

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
    assert_non_null(cJSON_GetObjectItem(p, "messages_sent"));
    cJSON_Delete(r);
    free(s);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_json_carries_run_and_processes),
        cmocka_unit_test(writing_to_a_bad_path_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
