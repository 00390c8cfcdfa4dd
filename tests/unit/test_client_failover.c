/* test_client_failover: libringcache under failure, against three real nodes (memcached, and
 * ringcached when built): kill -9 of one node mid-run under both policies, re-admission after
 * retry_timeout with and without safe rejoin, a node that accepts but never replies, and a
 * multi-get whose latency is the slowest server's, not the sum. Every wait is bounded. */
#include <stdlib.h>

#include "ringcache/client.h"
#include "test.h"
#include "test_client_nodes.h"

#define NNODES        3
#define KEYS_PER_NODE 12
#define VICTIM        1

static struct tnode nodes[NNODES];
static char keys[NNODES][KEYS_PER_NODE][24];

static void list_of(char *out, size_t cap, const int *ports, int n)
{
    size_t off = 0;
    for (int i = 0; i < n; i++)
        off += (size_t)snprintf(out + off, cap - off, "%s127.0.0.1:%d", i ? "," : "", ports[i]);
}

static struct rc_client *client_for(const int *ports, enum rc_failover policy, int io_ms,
                                    int retry_ms)
{
    char list[256];
    list_of(list, sizeof(list), ports, NNODES);
    struct rc_client_options o;
    rc_client_options_init(&o);
    o.failover = policy;
    o.connect_timeout_ms = 500;
    o.io_timeout_ms = io_ms;
    o.failure_limit = 2;
    o.retry_timeout_ms = retry_ms;
    struct rc_client *c = NULL;
    CHECK_EQ(rc_client_create(&c, list, &o), RC_OK);
    return c;
}

/* Fills keys[n][*] with keys that the ring gives to node n. */
static void pick_keys(struct rc_client *c)
{
    int have[NNODES] = {0};
    char k[24];
    for (int i = 0; i < 100000; i++) {
        int len = snprintf(k, sizeof(k), "fo:%d", i);
        size_t owner = 0;
        rc_server_for_key(c, k, (size_t)len, &owner, NULL);
        if (have[owner] < KEYS_PER_NODE)
            memcpy(keys[owner][have[owner]++], k, (size_t)len + 1);
        if (have[0] + have[1] + have[2] == NNODES * KEYS_PER_NODE)
            return;
    }
    CHECK(!"found keys for every node");
}

static int set_str(struct rc_client *c, const char *key, const char *val)
{
    return rc_set(c, key, strlen(key), val, strlen(val), 0, 0);
}

/* Keys of the live nodes must never fail: set and read back every one. */
static void check_live_keys(struct rc_client *c, const char *tag)
{
    for (int n = 0; n < NNODES; n++) {
        if (n == VICTIM)
            continue;
        for (int i = 0; i < KEYS_PER_NODE; i++) {
            CHECK_EQ(set_str(c, keys[n][i], tag), RC_OK);
            char buf[32];
            struct rc_value v = {.data = buf, .cap = sizeof(buf)};
            CHECK_EQ(rc_get(c, keys[n][i], strlen(keys[n][i]), &v), RC_OK);
            CHECK_MEM_LEN(v.data, v.len, tag);
        }
    }
}

/* Writes `val` straight to the victim node, as data it kept while out of the ring. */
static void plant_on_victim(const char *key, const char *val)
{
    char one[64];
    snprintf(one, sizeof(one), "127.0.0.1:%d", nodes[VICTIM].port);
    struct rc_client *d = NULL;
    CHECK_EQ(rc_client_create(&d, one, NULL), RC_OK);
    CHECK_EQ(set_str(d, key, val), RC_OK);
    rc_client_destroy(&d);
}

/* Drives traffic until the victim is re-admitted (at most 5 s); returns ms waited. */
static int64_t wait_readmitted(struct rc_client *c)
{
    int64_t t0 = clock_mono_ns(), deadline = t0 + 5000000000LL;
    while (rc_server_ejected(c, VICTIM) && clock_mono_ns() < deadline) {
        check_live_keys(c, "poll");
        poll(NULL, 0, 10);
    }
    CHECK_EQ(rc_server_ejected(c, VICTIM), 0);
    return (clock_mono_ns() - t0) / 1000000;
}

/* Writes to a victim key until it stops failing; returns the number of failed attempts. */
static int fail_until_ok(struct rc_client *c, const char *key, int expect_after, int64_t *ms)
{
    int64_t t0 = clock_mono_ns();
    int failures = 0, rc;
    while ((rc = set_str(c, key, "moved")) != expect_after && failures < 10) {
        CHECK(rc == RC_ERR_CLOSED || rc == RC_ERR_CONNECT || rc == RC_ERR_IO);
        failures++;
    }
    *ms = (clock_mono_ns() - t0) / 1000000;
    return failures;
}

static void test_kill_rehash(void)
{
    int ports[NNODES] = {nodes[0].port, nodes[1].port, nodes[2].port};
    struct rc_client *c = client_for(ports, RC_FAILOVER_REHASH, 500, 300);
    if (c == NULL)
        return;
    pick_keys(c);
    check_live_keys(c, "before");
    const char *vk = keys[VICTIM][0];
    CHECK_EQ(set_str(c, vk, "old"), RC_OK);
    tnode_stop(&nodes[VICTIM]); /* kill -9 */
    check_live_keys(c, "during");
    int64_t ms;
    int failures = fail_until_ok(c, vk, RC_OK, &ms);
    CHECK(failures >= 1 && failures <= 2); /* failure_limit = 2 */
    CHECK(ms < 2 * (500 + 500));           /* within the configured timeouts */
    CHECK_EQ(rc_server_ejected(c, VICTIM), 1);
    int64_t ejected_at = clock_mono_ns();
    size_t owner = 9, target = 9;
    CHECK_EQ(rc_server_for_key(c, vk, strlen(vk), &owner, &target), RC_OK);
    CHECK_EQ(owner, VICTIM);
    CHECK(target != VICTIM && target < NNODES);
    for (int i = 0; i < KEYS_PER_NODE; i++) /* every victim key is served elsewhere now */
        CHECK_EQ(set_str(c, keys[VICTIM][i], "moved"), RC_OK);
    check_live_keys(c, "ejected");
    /* Restart; give the victim a stale copy, as if it had only been unreachable. */
    CHECK_EQ(tnode_restart(&nodes[VICTIM]), 0);
    plant_on_victim(vk, "stale");
    wait_readmitted(c);
    CHECK((clock_mono_ns() - ejected_at) / 1000000 >= 300 - 5); /* not before retry_timeout */
    struct rc_value v = {0};
    CHECK_EQ(rc_get(c, vk, strlen(vk), &v), RC_ERR_NOT_FOUND); /* safe rejoin flushed it */
    free(v.data);
    CHECK_EQ(set_str(c, vk, "back"), RC_OK);
    check_live_keys(c, "after");
    rc_client_destroy(&c);
}

static void test_kill_fail_policy(void)
{
    int ports[NNODES] = {nodes[0].port, nodes[1].port, nodes[2].port};
    struct rc_client *c = client_for(ports, RC_FAILOVER_FAIL, 500, 300);
    if (c == NULL)
        return;
    pick_keys(c);
    const char *vk = keys[VICTIM][1];
    tnode_stop(&nodes[VICTIM]);
    check_live_keys(c, "during");
    int64_t ms;
    int failures = fail_until_ok(c, vk, RC_ERR_EJECTED, &ms);
    CHECK(failures >= 1 && failures <= 2);
    CHECK(ms < 2 * (500 + 500));
    int64_t t0 = clock_mono_ns();
    for (int i = 0; i < KEYS_PER_NODE; i++) /* fails at once: no I/O while ejected */
        CHECK_EQ(set_str(c, keys[VICTIM][i], "x"), RC_ERR_EJECTED);
    CHECK((clock_mono_ns() - t0) / 1000000 < 100);
    size_t target = 0;
    CHECK_EQ(rc_server_for_key(c, vk, strlen(vk), NULL, &target), RC_ERR_EJECTED);
    check_live_keys(c, "ejected");
    CHECK_EQ(tnode_restart(&nodes[VICTIM]), 0);
    plant_on_victim(vk, "kept");
    wait_readmitted(c);
    /* Without safe rejoin (the fail policy's default) the node's data is kept: under this policy
     * no other node took its keys, so nothing newer exists elsewhere. */
    char buf[16];
    struct rc_value v = {.data = buf, .cap = sizeof(buf)};
    CHECK_EQ(rc_get(c, vk, strlen(vk), &v), RC_OK);
    CHECK_MEM_LEN(v.data, v.len, "kept");
    rc_client_destroy(&c);
}

/* One node accepts connections (kernel backlog) but never reads or replies. */
static void test_silent_node(void)
{
    int sport = 0;
    int sfd = tnode_silent(&sport);
    CHECK(sfd >= 0);
    int ports[NNODES] = {nodes[0].port, sport, nodes[2].port};
    struct rc_client *c = client_for(ports, RC_FAILOVER_REHASH, 300, 60000);
    if (c == NULL || sfd < 0)
        goto out;
    pick_keys(c);
    const char *vk = keys[VICTIM][0];
    for (int attempt = 0; attempt < 2; attempt++) {
        int64_t t0 = clock_mono_ns();
        CHECK_EQ(set_str(c, vk, "v"), RC_ERR_TIMEOUT);
        int64_t ms = (clock_mono_ns() - t0) / 1000000;
        CHECK(ms >= 290 && ms < 900); /* the I/O timeout holds */
    }
    CHECK_EQ(rc_server_ejected(c, VICTIM), 1);
    int64_t t0 = clock_mono_ns();
    CHECK_EQ(set_str(c, vk, "v"), RC_OK); /* rehashed, no waiting */
    CHECK((clock_mono_ns() - t0) / 1000000 < 100);
    check_live_keys(c, "silent");
out:
    rc_client_destroy(&c);
    if (sfd >= 0)
        close(sfd);
}

/* A node whose accept queue is full: the connect timeout holds and the node is ejected. */
static void test_connect_timeout(void)
{
    int fport = 0, fill[3] = {-1, -1, -1};
    int lfd = tnode_full(&fport, fill);
    CHECK(lfd >= 0);
    char list[256];
    int ports[NNODES] = {nodes[0].port, fport, nodes[2].port};
    list_of(list, sizeof(list), ports, NNODES);
    struct rc_client_options o;
    rc_client_options_init(&o);
    o.connect_timeout_ms = 200;
    o.io_timeout_ms = 2000;
    o.retry_timeout_ms = 60000;
    struct rc_client *c = NULL;
    CHECK_EQ(rc_client_create(&c, list, &o), RC_OK);
    if (c == NULL || lfd < 0)
        goto out;
    pick_keys(c);
    const char *vk = keys[VICTIM][2];
    for (int attempt = 0; attempt < 2; attempt++) {
        int64_t t0 = clock_mono_ns();
        CHECK_EQ(set_str(c, vk, "v"), RC_ERR_TIMEOUT);
        int64_t ms = (clock_mono_ns() - t0) / 1000000;
        CHECK(ms >= 190 && ms < 800); /* the connect timeout, not the I/O one */
    }
    CHECK_EQ(rc_server_ejected(c, VICTIM), 1);
    CHECK_EQ(set_str(c, vk, "v"), RC_OK);
    check_live_keys(c, "full");
out:
    rc_client_destroy(&c);
    for (int i = 0; i < 3; i++)
        if (fill[i] >= 0)
            close(fill[i]);
    if (lfd >= 0)
        close(lfd);
}

/* Two nodes whose connects hang: a multi-get connects to both at once (one connect timeout,
 * not two) and still returns the live node's hits. */
static void test_parallel_connects(void)
{
    int p1 = 0, p2 = 0, fill1[3] = {-1, -1, -1}, fill2[3] = {-1, -1, -1};
    int l1 = tnode_full(&p1, fill1), l2 = tnode_full(&p2, fill2);
    char list[256];
    int ports[NNODES] = {p1, nodes[2].port, p2};
    list_of(list, sizeof(list), ports, NNODES);
    struct rc_client_options o;
    rc_client_options_init(&o);
    o.connect_timeout_ms = 400;
    o.retry_timeout_ms = 60000;
    struct rc_client *c = NULL;
    CHECK_EQ(rc_client_create(&c, list, &o), RC_OK);
    if (c == NULL || l1 < 0 || l2 < 0)
        goto out;
    pick_keys(c);
    const char *ks[NNODES];
    size_t ls[NNODES];
    struct rc_value vs[NNODES];
    int st[NNODES];
    memset(vs, 0, sizeof(vs));
    for (int n = 0; n < NNODES; n++) {
        ks[n] = keys[n][3];
        ls[n] = strlen(ks[n]);
    }
    CHECK_EQ(set_str(c, ks[1], "up"), RC_OK);
    int64_t t0 = clock_mono_ns();
    CHECK_EQ(rc_get_multi(c, NNODES, ks, ls, vs, st, 0), RC_ERR_TIMEOUT);
    int64_t ms = (clock_mono_ns() - t0) / 1000000;
    CHECK(ms >= 390 && ms < 750); /* one connect timeout, not two (800) */
    CHECK_EQ(st[0], RC_ERR_TIMEOUT);
    CHECK_EQ(st[1], RC_OK);
    CHECK_EQ(st[2], RC_ERR_TIMEOUT);
    CHECK_MEM_LEN(vs[1].data, vs[1].len, "up");
    for (int n = 0; n < NNODES; n++)
        free(vs[n].data);
out:
    rc_client_destroy(&c);
    for (int i = 0; i < 3; i++) {
        if (fill1[i] >= 0)
            close(fill1[i]);
        if (fill2[i] >= 0)
            close(fill2[i]);
    }
    if (l1 >= 0)
        close(l1);
    if (l2 >= 0)
        close(l2);
}

/* Two silent nodes: a multi-get waits for them in parallel (about one timeout, not two) and
 * still returns the live node's hits. */
static void test_multiget_parallel(void)
{
    int p1 = 0, p2 = 0;
    int f1 = tnode_silent(&p1), f2 = tnode_silent(&p2);
    int ports[NNODES] = {p1, nodes[2].port, p2};
    struct rc_client *c = client_for(ports, RC_FAILOVER_REHASH, 600, 60000);
    if (c == NULL || f1 < 0 || f2 < 0)
        goto out;
    pick_keys(c);
    const char *ks[3 * 4];
    size_t ls[3 * 4];
    struct rc_value vs[3 * 4];
    int st[3 * 4];
    memset(vs, 0, sizeof(vs));
    for (int n = 0; n < NNODES; n++)
        for (int i = 0; i < 4; i++) {
            ks[n * 4 + i] = keys[n][i];
            ls[n * 4 + i] = strlen(keys[n][i]);
        }
    for (int i = 0; i < 4; i++)
        CHECK_EQ(set_str(c, keys[1][i], "live"), RC_OK);
    int64_t t0 = clock_mono_ns();
    CHECK_EQ(rc_get_multi(c, 12, ks, ls, vs, st, 0), RC_ERR_TIMEOUT);
    int64_t ms = (clock_mono_ns() - t0) / 1000000;
    CHECK(ms >= 590 && ms < 1100); /* one timeout: the silent servers in parallel (not 1200) */
    for (int n = 0; n < NNODES; n++)
        for (int i = 0; i < 4; i++) {
            int k = n * 4 + i;
            CHECK_EQ(st[k], n == 1 ? RC_OK : RC_ERR_TIMEOUT);
            if (n == 1)
                CHECK_MEM_LEN(vs[k].data, vs[k].len, "live");
            free(vs[k].data);
        }
out:
    rc_client_destroy(&c);
    if (f1 >= 0)
        close(f1);
    if (f2 >= 0)
        close(f2);
}

static void run_suite(const char *bin)
{
    printf("-- against %s\n", bin);
    for (int i = 0; i < NNODES; i++) {
        if (tnode_start(&nodes[i], bin) != 0) {
            CHECK(!"nodes started");
            goto out;
        }
    }
    TEST_RUN(test_kill_rehash);
    TEST_RUN(test_kill_fail_policy);
    TEST_RUN(test_silent_node);
    TEST_RUN(test_connect_timeout);
    TEST_RUN(test_parallel_connects);
    TEST_RUN(test_multiget_parallel);
out:
    for (int i = 0; i < NNODES; i++)
        tnode_stop(&nodes[i]);
}

int main(int argc, char **argv)
{
    (void)argc;
    signal(SIGPIPE, SIG_IGN);
    run_suite("/usr/bin/memcached");
    const char *rcd = tnode_ringcached(argv[0]);
    if (rcd)
        run_suite(rcd);
    else
        printf("-- ringcached not built: memcached only\n");
    return TEST_DONE();
}
