/* tests/tracer/test_export.c: the Perfetto export (tracer/export.c): flows
 * pair each receive with the oldest pending send of its message, and a
 * trace of sends nobody receives costs linear time, not a search of every
 * pending send per receive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "abi/events.h"
#include "tracer/export.h"
#include "tracer/trace.h"

/* Logs an event with all four arguments. */
static void ev(struct trc_log *log, uint64_t cycle, uint32_t type, uint32_t pid, uint64_t a0,
               uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct trc_event e = {.cycle = cycle, .type = type, .pid = pid, .arg = {a0, a1, a2, a3}};
    assert_int_equal(trc_log_event(log, &e), TRC_OK);
}

/* Returns the flow events of phase `ph` ("s" or "f") in `json`, in order,
 * as (pid, ts) pairs into out[]; returns how many. */
static size_t flows(const char *json, const char *ph, double out[][2], size_t max)
{
    cJSON *root = cJSON_Parse(json);
    assert_non_null(root);
    const cJSON *e, *arr = cJSON_GetObjectItem(root, "traceEvents");
    size_t n = 0;
    cJSON_ArrayForEach(e, arr)
    {
        const cJSON *p = cJSON_GetObjectItem(e, "ph");
        if (cJSON_IsString(p) && strcmp(p->valuestring, ph) == 0 && n < max) {
            out[n][0] = cJSON_GetObjectItem(e, "pid")->valuedouble;
            out[n][1] = cJSON_GetObjectItem(e, "ts")->valuedouble;
            n++;
        }
    }
    cJSON_Delete(root);
    return n;
}

static void receives_pair_with_the_oldest_send_of_their_message(void **state)
{
    (void)state;
    struct trc_log log;
    trc_log_init(&log);
    ev(&log, 10, TRC_EV_PROC_CREATE, 1, 1, 0x61, 0, 0);
    ev(&log, 11, TRC_EV_PROC_CREATE, 2, 1, 0x62, 0, 0);
    ev(&log, 12, TRC_EV_PROC_CREATE, 3, 1, 0x63, 0, 0);
    /* pids 1 and 2 send the same message word, 1 first; pid 2 also
     * another word; pid 3 receives all three, the other word first */
    ev(&log, 100, TRC_EV_IPC_SEND, 1, 1, 7, TRC_IPC_QUEUED, 0);
    ev(&log, 200, TRC_EV_IPC_SEND, 2, 1, 7, TRC_IPC_QUEUED, 0);
    ev(&log, 300, TRC_EV_IPC_SEND, 2, 1, 9, TRC_IPC_QUEUED, 0);
    ev(&log, 400, TRC_EV_IPC_RECV, 3, 1, 9, TRC_IPC_FROM_QUEUE, (uint64_t)2 << 32);
    ev(&log, 500, TRC_EV_IPC_RECV, 3, 1, 7, TRC_IPC_FROM_QUEUE, (uint64_t)1 << 32);
    ev(&log, 600, TRC_EV_IPC_RECV, 3, 1, 7, TRC_IPC_FROM_QUEUE, (uint64_t)2 << 32);
    ev(&log, 700, TRC_EV_IPC_RECV, 3, 1, 7, TRC_IPC_FROM_QUEUE, 0); /* nothing left */
    trc_log_finish(&log, 800);
    char *json = trc_perfetto_json(&log, 800);
    assert_non_null(json);
    double s[8][2], f[8][2];
    assert_int_equal(flows(json, "s", s, 8), 3);
    assert_int_equal(flows(json, "f", f, 8), 3);
    /* the flows start at the sends that pair, in the receives' order:
     * word 9 (pid 2, 300), then word 7 from pid 1 (100), then pid 2 (200) */
    assert_int_equal((int)s[0][0], 2);
    assert_int_equal((int)s[1][0], 1);
    assert_int_equal((int)s[2][0], 2);
    assert_true(s[0][1] > s[2][1] && s[2][1] > s[1][1]);
    assert_true(f[0][1] < f[1][1] && f[1][1] < f[2][1]);
    free(json);
    trc_log_free(&log);
}

static void unreceived_sends_cost_linear_time(void **state)
{
    (void)state;
    /* 300,000 sends nobody receives, then 300,000 receives of other
     * words: 9e10 comparisons for a search per receive (minutes), a
     * fraction of a second for the index. The alarm fails a hang. */
    alarm(120);
    struct trc_log log;
    trc_log_init(&log);
    ev(&log, 1, TRC_EV_PROC_CREATE, 1, 1, 0x61, 0, 0);
    const uint64_t n = 300000;
    for (uint64_t i = 0; i < n; i++)
        ev(&log, 10 + i, TRC_EV_IPC_SEND, 1, 1, i, TRC_IPC_QUEUED, 0);
    for (uint64_t i = 0; i < n; i++)
        ev(&log, 10 + n + i, TRC_EV_IPC_RECV, 1, 1, n + i, TRC_IPC_FROM_QUEUE, 0);
    trc_log_finish(&log, 10 + 2 * n);
    char *json = trc_perfetto_json(&log, 10 + 2 * n);
    assert_non_null(json);
    assert_null(strstr(json, "\"ph\":\"s\""));
    free(json);
    trc_log_free(&log);
    alarm(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(receives_pair_with_the_oldest_send_of_their_message),
        cmocka_unit_test(unreceived_sends_cost_linear_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
