/* tests/tracer/test_export.c: the exports (tracer/export.c). Perfetto:
 * process names, running and blocked slices at the exact cycles (1 cycle
 * shown as 1 ns), slices still open at the end, exit and kill instants,
 * flows that pair each receive with the oldest pending send of its
 * message, and linear time for sends nobody receives. CSV: the header,
 * one exact line per event, names quoted by RFC 4180. Both: a failed
 * write leaves no file and says why. */
#include <setjmp.h>
#include <stdio.h>
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
#include "util/hostfile.h"

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

/* Logs the creation of `pid` named `name` (at most 16 bytes), as the
 * kernel packs it: a1 and a2 hold the bytes, little-endian. */
static void create(struct trc_log *log, uint64_t cycle, uint32_t pid, const char *name)
{
    uint8_t b[16] = {0};
    memcpy(b, name, strlen(name));
    uint64_t w[2] = {0, 0};
    for (int i = 0; i < 16; i++)
        w[i / 8] |= (uint64_t)b[i] << (8 * (i % 8));
    ev(log, cycle, TRC_EV_PROC_CREATE, pid, 1, w[0], w[1], 0);
}

/* Returns the first event of `json` with phase `ph`, name `name` and pid
 * `pid` after skipping `skip` such events, or NULL. */
static const cJSON *find(const cJSON *arr, const char *ph, const char *name, int pid, int skip)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        const cJSON *p = cJSON_GetObjectItem(e, "ph"), *n = cJSON_GetObjectItem(e, "name");
        if (cJSON_IsString(p) && cJSON_IsString(n) && strcmp(p->valuestring, ph) == 0 &&
            strcmp(n->valuestring, name) == 0 &&
            (int)cJSON_GetObjectItem(e, "pid")->valuedouble == pid && skip-- == 0)
            return e;
    }
    return NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* Two processes: client (pid 1) runs, blocks on port 5, is woken, runs
 * again and exits; server (pid 2) runs, waits on a notification, runs,
 * then blocks on port 9 until the end; pid 3 is killed. */
static void a_small_run(struct trc_log *log)
{
    trc_log_init(log);
    create(log, 10, 1, "client");
    create(log, 11, 2, "srv");
    create(log, 12, 3, "a,\"b");
    ev(log, 1000, TRC_EV_SCHED_SWITCH, 1, 0, 0, 0, 0);
    ev(log, 1500, TRC_EV_IPC_BLOCK, 1, 5, 1, 0, 0);
    ev(log, 1600, TRC_EV_SCHED_SWITCH, 2, 1, 0, 0, 0);
    ev(log, 2000, TRC_EV_IPC_BLOCK, 2, 0, 4, 0, 0);
    ev(log, 2100, TRC_EV_IPC_WAKE, 1, 5, 0, 0, 0);
    ev(log, 2200, TRC_EV_SCHED_SWITCH, 1, 2, 0, 0, 0);
    ev(log, 2300, TRC_EV_IPC_WAKE, 2, 0, 0, 0, 0);
    ev(log, 2500, TRC_EV_PROC_EXIT, 1, 7, 0, 0, 0);
    ev(log, 2600, TRC_EV_SCHED_SWITCH, 2, 1, 0, 0, 0);
    ev(log, 2700, TRC_EV_IPC_BLOCK, 2, 9, 1, 0, 0);
    ev(log, 2800, TRC_EV_SCHED_SWITCH, 3, 2, 0, 0, 0);
    ev(log, 2900, TRC_EV_PROC_FAULT, 3, 1, 0x1234, 0, 0);
    ev(log, 2950, TRC_EV_SCHED_SWITCH, 0, 3, 0, 0, 0);
    trc_log_finish(log, 5000);
}

static void slices_and_instants_are_at_their_cycles(void **state)
{
    (void)state;
    struct trc_log log;
    a_small_run(&log);
    char *json = trc_perfetto_json(&log, 5000);
    assert_non_null(json);
    cJSON *root = cJSON_Parse(json);
    assert_non_null(root);
    const cJSON *arr = cJSON_GetObjectItem(root, "traceEvents");
    assert_string_equal(cJSON_GetObjectItem(root, "displayTimeUnit")->valuestring, "ns");
    /* names: "name (pid N)", tracks "running" and "blocked" */
    const cJSON *m = find(arr, "M", "process_name", 2, 0);
    assert_non_null(m);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "args"), "name")->valuestring,
                        "srv (pid 2)");
    assert_non_null(find(arr, "M", "thread_name", 3, 1));
    /* client ran [1000, 1600) and [2200, 2500): the exit does not end a
     * slice, the next switch does (2600) */
    const cJSON *r = find(arr, "X", "running", 1, 0);
    assert_non_null(r);
    assert_true(num(r, "ts") == 1.0 && num(r, "dur") == 0.6);
    r = find(arr, "X", "running", 1, 1);
    assert_non_null(r);
    assert_true(num(r, "ts") == 2.2 && num(r, "dur") == 0.4);
    assert_null(find(arr, "X", "running", 1, 2));
    /* blocked slices name the port, or the notification */
    const cJSON *b = find(arr, "X", "blocked on port 5", 1, 0);
    assert_non_null(b);
    assert_true(num(b, "ts") == 1.5 && num(b, "dur") == 0.6);
    assert_int_equal((int)num(b, "tid"), 2);
    b = find(arr, "X", "blocked on a notification", 2, 0);
    assert_non_null(b);
    assert_true(num(b, "ts") == 2.0 && num(b, "dur") == 0.3);
    /* still blocked at the end: closed at the end cycle */
    b = find(arr, "X", "blocked (at the end)", 2, 0);
    assert_non_null(b);
    assert_true(num(b, "ts") == 2.7 && num(b, "dur") == 2.3);
    /* instants: the exit and the kill */
    const cJSON *i = find(arr, "i", "exit", 1, 0);
    assert_non_null(i);
    assert_true(num(i, "ts") == 2.5);
    i = find(arr, "i", "killed", 3, 0);
    assert_non_null(i);
    assert_true(num(i, "ts") == 2.9);
    assert_null(find(arr, "i", "exit", 3, 0));
    cJSON_Delete(root);
    free(json);
    trc_log_free(&log);
}

/* The test's directory (made by mkdtemp), and a path in it. */
static char dir[64];
static const char *in_dir(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static void csv_has_one_exact_line_per_event(void **state)
{
    (void)state;
    struct trc_log log;
    a_small_run(&log);
    snprintf(dir, sizeof dir, "/tmp/test_export.XXXXXX");
    assert_non_null(mkdtemp(dir));
    char err[300];
    assert_int_equal(trc_csv_write(in_dir("r.csv"), &log, err, sizeof err), 0);
    size_t n;
    char *text = (char *)hf_read_input(in_dir("r.csv"), 1 << 20, &n, err, sizeof err);
    assert_non_null(text);
    char *copy = malloc(n + 1);
    memcpy(copy, text, n);
    copy[n] = 0;
    /* the header, then the events in order; a name with a comma and a
     * quote is quoted and its quote doubled */
    assert_true(strncmp(copy, "cycle,core,event,pid,process,a0,a1,a2,a3\n", 41) == 0);
    size_t lines = 0;
    for (size_t k = 0; k < n; k++)
        lines += copy[k] == '\n';
    assert_int_equal(lines, 1 + log.nev);
    char want[200];
    snprintf(want, sizeof want, "\n2900,0,%s,3,\"a,\"\"b\",1,4660,0,0\n",
             trc_event_name(TRC_EV_PROC_FAULT));
    if (!strstr(copy, want))
        fail_msg("no line %s in:\n%s", want, copy);
    snprintf(want, sizeof want, "\n1500,0,%s,1,client,5,1,0,0\n", trc_event_name(TRC_EV_IPC_BLOCK));
    assert_non_null(strstr(copy, want));
    free(copy);
    free(text);
    /* a write that cannot happen leaves nothing and names the path */
    assert_int_equal(trc_csv_write(in_dir("no/such/dir/r.csv"), &log, err, sizeof err), -1);
    assert_non_null(strstr(err, "no/such/dir"));
    assert_int_equal(trc_perfetto_write(in_dir("no/such/dir/r.json"), &log, 5000, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "no/such/dir"));
    /* the Perfetto file is the JSON and a newline */
    assert_int_equal(trc_perfetto_write(in_dir("r.json"), &log, 5000, err, sizeof err), 0);
    char *json = trc_perfetto_json(&log, 5000);
    text = (char *)hf_read_input(in_dir("r.json"), 1 << 20, &n, err, sizeof err);
    assert_non_null(text);
    assert_int_equal(n, strlen(json) + 1);
    assert_memory_equal(text, json, n - 1);
    assert_int_equal(text[n - 1], '\n');
    free(text);
    free(json);
    remove(in_dir("r.csv"));
    remove(in_dir("r.json"));
    rmdir(dir);
    trc_log_free(&log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(receives_pair_with_the_oldest_send_of_their_message),
        cmocka_unit_test(unreceived_sends_cost_linear_time),
        cmocka_unit_test(slices_and_instants_are_at_their_cycles),
        cmocka_unit_test(csv_has_one_exact_line_per_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
