/* Unit tests for bench_conn: the exact request bytes for text and meta, and reply parsing and
 * verification fed whole and split at every byte: hits, misses, multi-gets, error replies,
 * corrupted values, and stream desynchronisation. */
#include <stdlib.h>
#include <string.h>

#include "bench_conn.h"
#include "ringcache/status.h"
#include "test.h"

static struct bench_conn_cfg cfg;
static struct bench_conn_stats st;
static struct bench_conn conn;
static struct buf out;

static void setup(enum bench_conn_proto proto, unsigned depth, unsigned mget)
{
    CHECK_EQ(bench_conn_cfg_init(&cfg, proto, "k:", 5, 12, depth, mget), 0);
    bench_conn_stats_init(&st);
    CHECK_EQ(bench_conn_init(&conn, &cfg, &st), 0);
    CHECK_EQ(buf_init(&out, 0, 1 << 20), 0);
}

static void teardown(void)
{
    bench_conn_deinit(&conn);
    bench_conn_cfg_deinit(&cfg);
    buf_deinit(&out);
}

static void send_op(enum bench_gen_op_type type, unsigned nkeys, const uint64_t *keys,
                    uint32_t vlen, int64_t now)
{
    struct bench_gen_op op = {.type = type, .nkeys = nkeys, .vlen = vlen};
    memcpy(op.key, keys, nkeys * sizeof(keys[0]));
    CHECK_EQ(bench_conn_send(&conn, &op, now, &out), 0);
}

/* The value stored under id with length len, as the pattern defines it. */
static const char *val(uint64_t id)
{
    return cfg.pattern + id % BENCH_CONN_CYCLE;
}

/* Feeds reply bytes in chunks of `step` (0: whole) as a socket would deliver them, keeping the
 * unconsumed tail; returns the total of completed requests or the first error. */
static int feed(const char *r, size_t n, size_t step, int64_t now)
{
    static char acc[16384];
    size_t have = 0, given = 0;
    int done = 0;
    while (given < n) {
        size_t chunk = step == 0 || n - given < step ? n - given : step;
        memcpy(acc + have, r + given, chunk);
        have += chunk;
        given += chunk;
        size_t used = 0;
        int rc = bench_conn_recv(&conn, acc, have, now, &used);
        if (rc < 0)
            return rc;
        done += rc;
        memmove(acc, acc + used, have - used);
        have -= used;
    }
    CHECK_EQ(have, 0);
    return done;
}

static void test_text_requests(void)
{
    setup(BENCH_CONN_TEXT, 4, 3);
    uint64_t k[3] = {42, 7, 1000};
    send_op(BENCH_GEN_SET, 1, k, 6, 0);
    send_op(BENCH_GEN_GET, 3, k, 0, 0);
    send_op(BENCH_GEN_GET, 1, k + 1, 0, 0);
    char want[256];
    snprintf(want, sizeof(want), "set k:42 42 0 6\r\n%.6s\r\nget k:42 k:7 k:1000\r\nget k:7\r\n",
             val(42));
    CHECK_MEM_LEN(buf_rptr(&out), buf_rlen(&out), want);
    CHECK_EQ(bench_conn_inflight(&conn), 3);
    send_op(BENCH_GEN_GET, 1, k, 0, 0);
    CHECK(!bench_conn_can_send(&conn));
    struct bench_gen_op op = {.type = BENCH_GEN_GET, .nkeys = 1};
    CHECK_EQ(bench_conn_send(&conn, &op, 0, &out), RC_ERR_FULL);
    teardown();
}

static void test_meta_requests(void)
{
    setup(BENCH_CONN_META, 4, 2);
    uint64_t k[2] = {5, 9};
    send_op(BENCH_GEN_SET, 1, k, 5, 0);
    send_op(BENCH_GEN_GET, 1, k, 0, 0);
    send_op(BENCH_GEN_GET, 2, k, 0, 0);
    char want[256];
    snprintf(want, sizeof(want),
             "ms k:5 5 F5 T0\r\n%.5s\r\nmg k:5 v f\r\nmg k:5 v f k q\r\nmg k:9 v f k q\r\nmn\r\n",
             val(5));
    CHECK_MEM_LEN(buf_rptr(&out), buf_rlen(&out), want);
    struct bench_gen_op op = {.type = BENCH_GEN_GET, .nkeys = 3};
    CHECK_EQ(bench_conn_send(&conn, &op, 0, &out), RC_ERR_INVAL);
    teardown();
}

/* Sends set(3), get(3, 8), get(8) and checks the text replies at every split. */
static void test_text_replies_split(void)
{
    uint64_t k[2] = {3, 8};
    char r[512];
    size_t n = 1;
    for (size_t step = 0; step <= n; step++) {
        setup(BENCH_CONN_TEXT, 8, 2);
        n = (size_t)snprintf(r, sizeof(r), "STORED\r\nVALUE k:3 3 7\r\n%.7s\r\nEND\r\nEND\r\n",
                             val(3));
        send_op(BENCH_GEN_SET, 1, k, 7, 100);
        send_op(BENCH_GEN_GET, 2, k, 0, 200);
        send_op(BENCH_GEN_GET, 1, k + 1, 0, 300);
        CHECK_EQ(feed(r, n, step, 1300), 3);
        CHECK_EQ(st.ops, 3);
        CHECK_EQ(st.sets, 1);
        CHECK_EQ(st.gets, 2);
        CHECK_EQ(st.keys, 3);
        CHECK_EQ(st.hits, 1);
        CHECK_EQ(st.corrupt, 0);
        CHECK_EQ(st.lat.min, 1000);
        CHECK_EQ(st.lat.max, 1200);
        CHECK_EQ(bench_conn_inflight(&conn), 0);
        teardown();
    }
}

static void test_meta_replies_split(void)
{
    uint64_t k[2] = {3, 8};
    char r[512];
    size_t n = 1;
    for (size_t step = 0; step <= n; step++) {
        setup(BENCH_CONN_META, 8, 2);
        n = (size_t)snprintf(r, sizeof(r),
                             "HD\r\nVA 5 f3\r\n%.5s\r\nEN\r\nVA 6 f8 kk:8\r\n%.6s\r\nMN\r\n",
                             val(3), val(8));
        send_op(BENCH_GEN_SET, 1, k, 5, 0);
        send_op(BENCH_GEN_GET, 1, k, 0, 0);
        send_op(BENCH_GEN_GET, 1, k + 1, 0, 0);
        send_op(BENCH_GEN_GET, 2, k, 0, 0);
        CHECK_EQ(feed(r, n, step, 10), 4);
        CHECK_EQ(st.hits, 2);
        CHECK_EQ(st.keys, 4);
        CHECK_EQ(st.corrupt, 0);
        CHECK_EQ(st.errors, 0);
        teardown();
    }
}

static void test_detects_corruption(void)
{
    uint64_t k[2] = {1, 2};
    char r[512];
    setup(BENCH_CONN_TEXT, 8, 2);
    /* Wrong bytes, wrong flags, another key's bytes, key out of order: each one corrupt. */
    char bad[8];
    memcpy(bad, val(1), 6);
    bad[3] ^= 1;
    send_op(BENCH_GEN_GET, 1, k, 0, 0);
    int n = snprintf(r, sizeof(r), "VALUE k:1 1 6\r\n%.6s\r\nEND\r\n", bad);
    CHECK_EQ(feed(r, (size_t)n, 0, 0), 1);
    send_op(BENCH_GEN_GET, 1, k, 0, 0);
    n = snprintf(r, sizeof(r), "VALUE k:1 2 6\r\n%.6s\r\nEND\r\n", val(1));
    CHECK_EQ(feed(r, (size_t)n, 0, 0), 1);
    send_op(BENCH_GEN_GET, 1, k, 0, 0); /* a shorter value than this run sets is fine */
    n = snprintf(r, sizeof(r), "VALUE k:1 1 4\r\n%.4s\r\nEND\r\n", val(1));
    CHECK_EQ(feed(r, (size_t)n, 0, 0), 1);
    CHECK_EQ(st.hits, 1);
    send_op(BENCH_GEN_GET, 1, k, 0, 0); /* the value of key 2 under key 1 */
    n = snprintf(r, sizeof(r), "VALUE k:1 1 6\r\n%.6s\r\nEND\r\n", val(2));
    CHECK_EQ(feed(r, (size_t)n, 0, 0), 1);
    send_op(BENCH_GEN_GET, 2, k, 0, 0);
    n = snprintf(r, sizeof(r), "VALUE k:2 2 6\r\n%.6s\r\nVALUE k:1 1 6\r\n%.6s\r\nEND\r\n", val(2),
                 val(1));
    CHECK_EQ(feed(r, (size_t)n, 0, 0), 1);
    CHECK_EQ(st.corrupt, 4);
    CHECK_EQ(st.hits, 2); /* the short one, and k:2 in the last one */
    CHECK(strstr(st.first_error, "wrong value bytes") != NULL);
    teardown();
}

static void test_error_replies_counted(void)
{
    uint64_t k[1] = {4};
    setup(BENCH_CONN_TEXT, 8, 1);
    send_op(BENCH_GEN_SET, 1, k, 5, 0);
    send_op(BENCH_GEN_SET, 1, k, 5, 0);
    send_op(BENCH_GEN_GET, 1, k, 0, 0);
    const char *r = "SERVER_ERROR out of memory storing object\r\nNOT_STORED\r\nERROR\r\n";
    CHECK_EQ(feed(r, strlen(r), 1, 0), 3);
    CHECK_EQ(st.errors, 3);
    CHECK_EQ(st.ops, 3);
    teardown();
}

static void test_desync_is_an_error(void)
{
    uint64_t k[1] = {4};
    setup(BENCH_CONN_TEXT, 8, 1);
    CHECK_EQ(feed("STORED\r\n", 8, 0, 0), RC_ERR_PROTOCOL); /* nothing in flight */
    CHECK(strstr(st.first_error, "nothing in flight") != NULL);
    send_op(BENCH_GEN_SET, 1, k, 5, 0); /* a value where a set's status belongs */
    CHECK_EQ(feed("VALUE k:4 4 5\r\n01234\r\n", 22, 0, 0), RC_ERR_PROTOCOL);
    CHECK(strstr(st.first_error, "nothing in flight") != NULL); /* the first error is kept */
    bench_conn_reset(&conn);
    send_op(BENCH_GEN_GET, 1, k, 0, 0); /* a status of another command */
    CHECK_EQ(feed("STORED\r\n", 8, 0, 0), RC_ERR_PROTOCOL);
    bench_conn_reset(&conn);
    send_op(BENCH_GEN_GET, 1, k, 0, 0); /* not a reply at all */
    CHECK_EQ(feed("BOGUS 1 2\r\n", 11, 0, 0), RC_ERR_PROTOCOL);
    bench_conn_reset(&conn);
    send_op(BENCH_GEN_GET, 1, k, 0, 0);
    static char junk[9000]; /* a line longer than any reply, without a newline */
    memset(junk, 'x', sizeof(junk));
    CHECK_EQ(feed(junk, sizeof(junk), 0, 0), RC_ERR_PROTOCOL);
    teardown();
}

static void test_cfg_rejects_bad(void)
{
    CHECK_EQ(bench_conn_cfg_init(&cfg, BENCH_CONN_TEXT, "a b", 1, 2, 1, 1), RC_ERR_INVAL);
    CHECK_EQ(bench_conn_cfg_init(&cfg, BENCH_CONN_TEXT, "k", 3, 2, 1, 1), RC_ERR_INVAL);
    CHECK_EQ(bench_conn_cfg_init(&cfg, BENCH_CONN_TEXT, "k", 1, 2, 0, 1), RC_ERR_INVAL);
    CHECK_EQ(bench_conn_cfg_init(&cfg, BENCH_CONN_TEXT, "k", 1, 2, 1, BENCH_GEN_MGET_MAX + 1),
             RC_ERR_INVAL);
}

int main(void)
{
    TEST_RUN(test_text_requests);
    TEST_RUN(test_meta_requests);
    TEST_RUN(test_text_replies_split);
    TEST_RUN(test_meta_replies_split);
    TEST_RUN(test_detects_corruption);
    TEST_RUN(test_error_replies_counted);
    TEST_RUN(test_desync_is_an_error);
    TEST_RUN(test_cfg_rejects_bad);
    return TEST_DONE();
}
