/* test_client: every operation of libringcache against three real nodes: /usr/bin/memcached, and
 * ringcached when it was built (or $RINGCACHED names it). Nodes are child processes on ephemeral
 * 127.0.0.1 ports, stopped by PID at the end (test_client_nodes.h). */
#include <fcntl.h>
#include <sys/un.h>
#include <stdlib.h>

#include "ringcache/client.h"
#include "test.h"
#include "test_client_nodes.h"

#define NNODES 3

static struct tnode nodes[NNODES];
static char servers[256];
static const char *node_bin;
static enum rc_protocol protocol = RC_PROTOCOL_TEXT;

static struct rc_client *make_client(const char *list)
{
    struct rc_client_options o;
    rc_client_options_init(&o);
    o.io_timeout_ms = 3000;
    o.protocol = protocol;
    struct rc_client *c = NULL;
    int rc = rc_client_create(&c, list, &o);
    CHECK_EQ(rc, RC_OK);
    return c;
}

/* A client of the single node at index i. */
static struct rc_client *node_client(int i)
{
    char one[64];
    snprintf(one, sizeof(one), "127.0.0.1:%d", nodes[i].port);
    return make_client(one);
}

static void test_server_list(void)
{
    struct rc_client *c = NULL;
    CHECK_EQ(rc_client_create(&c, "127.0.0.1:1:2 alpha, [::1]:2,/tmp/x.sock:3;localhost", NULL),
             RC_OK);
    CHECK_EQ(rc_server_count(c), 4);
    if (c) {
        CHECK_STR(rc_server_name(c, 0), "127.0.0.1:1");
        CHECK_STR(rc_server_name(c, 1), "[::1]:2");
        CHECK_STR(rc_server_name(c, 2), "/tmp/x.sock");
        CHECK_STR(rc_server_name(c, 3), "localhost:11211");
    }
    rc_client_destroy(&c);
    CHECK(c == NULL);
    rc_client_destroy(&c); /* NULL is accepted */
    CHECK_EQ(rc_client_create(&c, "", NULL), RC_ERR_INVAL);
    CHECK_EQ(rc_client_create(&c, "host:99999", NULL), RC_ERR_INVAL);
    CHECK_EQ(rc_client_create(&c, "host:1:0", NULL), RC_ERR_INVAL);
    CHECK_EQ(rc_client_create(&c, "[::1:5", NULL), RC_ERR_INVAL);
    CHECK_EQ(rc_client_create(&c, "no-such-host.invalid:11211", NULL), RC_ERR_RESOLVE);
    struct rc_client_options o;
    rc_client_options_init(&o);
    o.mode = "no-such-mode";
    CHECK(rc_client_create(&c, "127.0.0.1:1", &o) != RC_OK);
    CHECK(c == NULL);
}

/* twemproxy-style names are the servers' identity on the ring: renaming moves keys. */
static void test_names_place_keys(void)
{
    struct rc_client_options o;
    rc_client_options_init(&o);
    o.mode = "twemproxy/ketama-md5";
    struct rc_client *a = NULL, *b = NULL;
    CHECK_EQ(rc_client_create(&a, "127.0.0.1:1:1 alpha,127.0.0.1:2:1 beta", &o), RC_OK);
    CHECK_EQ(rc_client_create(&b, "127.0.0.1:1:1 beta,127.0.0.1:2:1 alpha", &o), RC_OK);
    int same = 0;
    for (int i = 0; a && b && i < 200; i++) {
        char k[16];
        int n = snprintf(k, sizeof(k), "name:%d", i);
        size_t oa = 0, ob = 0;
        CHECK_EQ(rc_server_for_key(a, k, (size_t)n, &oa, NULL), RC_OK);
        CHECK_EQ(rc_server_for_key(b, k, (size_t)n, &ob, NULL), RC_OK);
        same += oa == ob;
    }
    CHECK_EQ(same, 0); /* every key follows its name, not its address */
    rc_client_destroy(&a);
    rc_client_destroy(&b);
}

/* A node on a unix socket (memcached -s PATH). */
static void test_unix_socket(void)
{
    char path[64], list[80];
    snprintf(path, sizeof(path), "/tmp/rcclient-test-%d.sock", (int)getpid());
    snprintf(list, sizeof(list), "%s:1", path);
    unlink(path);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl("/usr/bin/memcached", "memcached", "-s", path, "-U", "0", "-u", "root", (char *)NULL);
        _exit(127);
    }
    CHECK(pid > 0);
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    memcpy(un.sun_path, path, strlen(path) + 1);
    int64_t deadline = clock_mono_ns() + 5000000000LL;
    int up = 0;
    while (!up && clock_mono_ns() < deadline) { /* until memcached listens */
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        up = fd >= 0 && connect(fd, (struct sockaddr *)&un, sizeof(un)) == 0;
        if (fd >= 0)
            close(fd);
        if (!up)
            poll(NULL, 0, 5);
    }
    CHECK(up);
    struct rc_client *c = make_client(list);
    CHECK_STR(rc_server_name(c, 0), path);
    CHECK_EQ(rc_set(c, "unix:k", 6, "via-unix", 8, 0, 0), RC_OK);
    char buf[16];
    struct rc_value v = {.data = buf, .cap = sizeof(buf)};
    CHECK_EQ(rc_get(c, "unix:k", 6, &v), RC_OK);
    CHECK_MEM_LEN(v.data, v.len, "via-unix");
    rc_client_destroy(&c);
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    unlink(path);
}

static void test_storage_ops(void)
{
    struct rc_client *c = make_client(servers);
    if (c == NULL)
        return;
    struct rc_value v = {0};
    CHECK_EQ(rc_get(c, "st:missing", 10, &v), RC_ERR_NOT_FOUND);
    CHECK_EQ(rc_set(c, "st:a", 4, "hello", 5, 42, 0), RC_OK);
    CHECK_EQ(rc_get(c, "st:a", 4, &v), RC_OK);
    CHECK_MEM_LEN(v.data, v.len, "hello");
    CHECK_EQ(v.flags, 42);
    free(v.data);
    v = (struct rc_value){0};
    CHECK_EQ(rc_add(c, "st:a", 4, "x", 1, 0, 0), RC_ERR_NOT_STORED);
    CHECK_EQ(rc_add(c, "st:b", 4, "new", 3, 0, 0), RC_OK);
    CHECK_EQ(rc_replace(c, "st:none", 7, "x", 1, 0, 0), RC_ERR_NOT_STORED);
    CHECK_EQ(rc_replace(c, "st:b", 4, "mid", 3, 7, 0), RC_OK);
    CHECK_EQ(rc_append(c, "st:b", 4, ">>", 2), RC_OK);
    CHECK_EQ(rc_prepend(c, "st:b", 4, "<<", 2), RC_OK);
    CHECK_EQ(rc_append(c, "st:none", 7, "x", 1), RC_ERR_NOT_STORED);
    char small[4], big[64];
    v = (struct rc_value){.data = big, .cap = sizeof(big)};
    CHECK_EQ(rc_get(c, "st:b", 4, &v), RC_OK);
    CHECK_MEM_LEN(v.data, v.len, "<<mid>>");
    CHECK_EQ(v.flags, 7);
    v = (struct rc_value){.data = small, .cap = sizeof(small)};
    CHECK_EQ(rc_get(c, "st:b", 4, &v), RC_ERR_FULL);
    CHECK_EQ(v.len, 7);
    CHECK_EQ(rc_delete(c, "st:b", 4), RC_OK);
    CHECK_EQ(rc_delete(c, "st:b", 4), RC_ERR_NOT_FOUND);
    CHECK_EQ(rc_get(c, "st:b", 4, &(struct rc_value){.data = big, .cap = 64}), RC_ERR_NOT_FOUND);
    CHECK_EQ(rc_set(c, "bad key", 7, "x", 1, 0, 0), RC_ERR_INVAL);
    CHECK_EQ(rc_set(c, "", 0, "x", 1, 0, 0), RC_ERR_INVAL);
    char longkey[251];
    memset(longkey, 'k', sizeof(longkey));
    CHECK_EQ(rc_set(c, longkey, 251, "x", 1, 0, 0), RC_ERR_INVAL);
    CHECK_EQ(rc_set(c, longkey, 250, "x", 1, 0, 0), RC_OK);
    CHECK_EQ(rc_set(c, "st:empty", 8, "", 0, 0, 0), RC_OK);
    v = (struct rc_value){0};
    CHECK_EQ(rc_get(c, "st:empty", 8, &v), RC_OK);
    CHECK_EQ(v.len, 0);
    free(v.data);
    rc_client_destroy(&c);
}

static void test_cas_gat_touch(void)
{
    struct rc_client *c = make_client(servers);
    if (c == NULL)
        return;
    struct rc_value v = {0};
    CHECK_EQ(rc_set(c, "cas:k", 5, "one", 3, 0, 0), RC_OK);
    CHECK_EQ(rc_gets(c, "cas:k", 5, &v), RC_OK);
    CHECK(v.cas != 0);
    uint64_t cas = v.cas;
    free(v.data);
    CHECK_EQ(rc_cas(c, "cas:k", 5, "two", 3, 0, 0, cas), RC_OK);
    CHECK_EQ(rc_cas(c, "cas:k", 5, "three", 5, 0, 0, cas), RC_ERR_EXISTS);
    CHECK_EQ(rc_cas(c, "cas:gone", 8, "x", 1, 0, 0, cas), RC_ERR_NOT_FOUND);
    v = (struct rc_value){0};
    CHECK_EQ(rc_get(c, "cas:k", 5, &v), RC_OK);
    CHECK_MEM_LEN(v.data, v.len, "two");
    free(v.data);
    /* touch/gat with an exptime in the past expire the item at once. */
    CHECK_EQ(rc_touch(c, "cas:k", 5, 1000), RC_OK);
    CHECK_EQ(rc_touch(c, "cas:none", 8, 10), RC_ERR_NOT_FOUND);
    v = (struct rc_value){0};
    CHECK_EQ(rc_gat(c, "cas:k", 5, 100, &v), RC_OK);
    CHECK_MEM_LEN(v.data, v.len, "two");
    CHECK(v.cas != 0);
    free(v.data);
    CHECK_EQ(rc_touch(c, "cas:k", 5, -1), RC_OK);
    v = (struct rc_value){0};
    CHECK_EQ(rc_get(c, "cas:k", 5, &v), RC_ERR_NOT_FOUND);
    CHECK_EQ(rc_gat(c, "cas:k", 5, 100, &v), RC_ERR_NOT_FOUND);
    rc_client_destroy(&c);
}

static void test_arith(void)
{
    struct rc_client *c = make_client(servers);
    if (c == NULL)
        return;
    uint64_t n = 0;
    CHECK_EQ(rc_incr(c, "ar:n", 4, 1, &n), RC_ERR_NOT_FOUND);
    CHECK_EQ(rc_set(c, "ar:n", 4, "10", 2, 0, 0), RC_OK);
    CHECK_EQ(rc_incr(c, "ar:n", 4, 5, &n), RC_OK);
    CHECK_EQ(n, 15);
    CHECK_EQ(rc_decr(c, "ar:n", 4, 100, &n), RC_OK);
    CHECK_EQ(n, 0);
    CHECK_EQ(rc_set(c, "ar:max", 6, "18446744073709551615", 20, 0, 0), RC_OK);
    CHECK_EQ(rc_incr(c, "ar:max", 6, 2, &n), RC_OK);
    CHECK_EQ(n, 1);
    CHECK_EQ(rc_set(c, "ar:s", 4, "abc", 3, 0, 0), RC_OK);
    CHECK_EQ(rc_incr(c, "ar:s", 4, 1, &n), RC_ERR_NON_NUMERIC);
    CHECK_EQ(rc_decr(c, "ar:none", 7, 1, NULL), RC_ERR_NOT_FOUND);
    rc_client_destroy(&c);
}

static void count_items(void *arg, const char *name, const char *value)
{
    if (strcmp(name, "curr_items") == 0)
        *(long *)arg = atol(value);
}

static void note_stat(void *arg, const char *name, const char *value)
{
    (*(int *)arg)++;
    (void)name;
    (void)value;
}

/* Keys land on every node, each on the node the ring names, and flush_all reaches every node. */
static void test_placement_and_flush(void)
{
    struct rc_client *c = make_client(servers);
    if (c == NULL)
        return;
    CHECK_EQ(rc_flush_all(c, 0), RC_OK);
    int per_node[NNODES] = {0};
    char key[32];
    for (int i = 0; i < 300; i++) {
        int n = snprintf(key, sizeof(key), "place:%d", i);
        size_t owner = 99, target = 98;
        CHECK_EQ(rc_server_for_key(c, key, (size_t)n, &owner, &target), RC_OK);
        CHECK_EQ(owner, target);
        if (owner < NNODES)
            per_node[owner]++;
        CHECK_EQ(rc_set(c, key, (size_t)n, key, (size_t)n, 0, 0), RC_OK);
    }
    for (int i = 0; i < NNODES; i++) {
        CHECK(per_node[i] > 30);
        /* curr_items also counts flushed items not yet reclaimed: only a lower bound. */
        long items = -1;
        CHECK_EQ(rc_stats(c, (size_t)i, NULL, count_items, &items), RC_OK);
        CHECK(items >= per_node[i]);
        char ver[64];
        CHECK_EQ(rc_version(c, (size_t)i, ver, sizeof(ver)), RC_OK);
        CHECK(strlen(ver) > 0);
    }
    /* The owner, and only the owner, holds each key: ask every node alone. */
    struct rc_client *one[NNODES];
    for (int i = 0; i < NNODES; i++)
        one[i] = node_client(i);
    for (int i = 0; i < 300; i++) {
        int n = snprintf(key, sizeof(key), "place:%d", i);
        size_t owner = 0;
        rc_server_for_key(c, key, (size_t)n, &owner, NULL);
        for (int k = 0; k < NNODES; k++) {
            char buf[32];
            struct rc_value v = {.data = buf, .cap = sizeof(buf)};
            CHECK_EQ(rc_get(one[k], key, (size_t)n, &v),
                     k == (int)owner ? RC_OK : RC_ERR_NOT_FOUND);
        }
    }
    for (int i = 0; i < NNODES; i++)
        rc_client_destroy(&one[i]);
    int nstats = 0;
    CHECK_EQ(rc_stats(c, 0, "settings", note_stat, &nstats), RC_OK);
    CHECK(nstats > 5);
    CHECK_EQ(rc_stats(c, NNODES, NULL, note_stat, &nstats), RC_ERR_INVAL);
    CHECK_EQ(rc_stats(c, 0, "items\r\nflush_all", note_stat, &nstats), RC_ERR_INVAL);
    CHECK_EQ(rc_flush_all(c, 0), RC_OK);
    /* memcached drops flushed items lazily (curr_items stays): every key must now miss. */
    for (int i = 0; i < 300; i++) {
        int n = snprintf(key, sizeof(key), "place:%d", i);
        CHECK_EQ(rc_get(c, key, (size_t)n, &(struct rc_value){0}), RC_ERR_NOT_FOUND);
    }
    rc_client_destroy(&c);
}

#define MULTI_N 700

static void test_get_multi(void)
{
    struct rc_client *c = make_client(servers);
    if (c == NULL)
        return;
    static char kbuf[MULTI_N][24];
    static const char *keys[MULTI_N];
    static size_t lens[MULTI_N];
    static struct rc_value vals[MULTI_N];
    static int st[MULTI_N];
    static struct rc_kv items[MULTI_N];
    static int sst[MULTI_N];
    size_t nitems = 0;
    for (int i = 0; i < MULTI_N; i++) {
        lens[i] = (size_t)snprintf(kbuf[i], sizeof(kbuf[i]), "multi:%d", i);
        keys[i] = kbuf[i];
        if (i % 3 != 0) /* every third key is a miss */
            items[nitems++] = (struct rc_kv){keys[i], lens[i], keys[i], lens[i], (uint32_t)i, 0};
    }
    CHECK_EQ(rc_set_multi(c, nitems, items, sst), RC_OK);
    for (size_t i = 0; i < nitems; i++)
        CHECK_EQ(sst[i], RC_OK);
    memset(vals, 0, sizeof(vals));
    CHECK_EQ(rc_get_multi(c, MULTI_N, keys, lens, vals, st, 1), RC_OK);
    int hits = 0;
    for (int i = 0; i < MULTI_N; i++) {
        if (i % 3 == 0) {
            CHECK_EQ(st[i], RC_ERR_NOT_FOUND);
            continue;
        }
        CHECK_EQ(st[i], RC_OK);
        if (st[i] == RC_OK) {
            hits++;
            CHECK_MEM_LEN(vals[i].data, vals[i].len, keys[i]);
            CHECK_EQ(vals[i].flags, i);
            CHECK(vals[i].cas != 0);
        }
        free(vals[i].data);
    }
    CHECK_EQ(hits, (int)nitems);
    /* Duplicates and a bad key in one call. */
    const char *dk[4] = {"multi:1", "multi:1", "bad key", "multi:3"};
    size_t dl[4] = {7, 7, 7, 7};
    struct rc_value dv[4];
    int ds[4];
    memset(dv, 0, sizeof(dv));
    CHECK_EQ(rc_get_multi(c, 4, dk, dl, dv, ds, 0), RC_ERR_INVAL);
    CHECK_EQ(ds[0], RC_OK);
    CHECK_EQ(ds[1], RC_OK);
    CHECK_EQ(ds[2], RC_ERR_INVAL);
    CHECK_EQ(ds[3], RC_ERR_NOT_FOUND);
    for (int i = 0; i < 4; i++)
        free(dv[i].data);
    CHECK_EQ(rc_get_multi(c, 0, NULL, NULL, NULL, NULL, 0), RC_OK);
    rc_client_destroy(&c);
}

static void test_large_values(void)
{
    struct rc_client *c = make_client(servers);
    if (c == NULL)
        return;
    size_t n = 1000 * 1000; /* under memcached's default 1 MiB item size */
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    for (int k = 0; k < 6; k++) {
        char key[16];
        int kl = snprintf(key, sizeof(key), "big:%d", k);
        big[0] = (char)('0' + k);
        CHECK_EQ(rc_set(c, key, (size_t)kl, big, n, 0, 0), RC_OK);
        struct rc_value v = {0};
        CHECK_EQ(rc_get(c, key, (size_t)kl, &v), RC_OK);
        CHECK_EQ(v.len, n);
        CHECK(v.data && memcmp(v.data, big, n) == 0);
        free(v.data);
    }
    char *huge = calloc(1, 3 << 20);
    CHECK_EQ(rc_set(c, "big:huge", 8, huge, 3 << 20, 0, 0), RC_ERR_TOO_LARGE);
    free(huge);
    /* The connection is still in step after the refusal. */
    struct rc_value v = {0};
    CHECK_EQ(rc_get(c, "big:0", 5, &v), RC_OK);
    CHECK_EQ(v.len, n);
    free(v.data);
    free(big);
    rc_client_destroy(&c);
}

static int start_nodes(const char *bin)
{
    node_bin = bin;
    size_t off = 0;
    for (int i = 0; i < NNODES; i++) {
        if (tnode_start(&nodes[i], bin) != 0) {
            fprintf(stderr, "cannot start %s\n", bin);
            return -1;
        }
        off += (size_t)snprintf(servers + off, sizeof(servers) - off, "%s127.0.0.1:%d",
                                i ? "," : "", nodes[i].port);
    }
    return 0;
}

static void stop_nodes(void)
{
    for (int i = 0; i < NNODES; i++)
        tnode_stop(&nodes[i]);
}

/* Whether the nodes answer meta commands (memcached 1.6 does; a node without them says ERROR). */
static int speaks_meta(void)
{
    struct rc_client *c = make_client(servers);
    struct rc_value v = {0};
    int rc = rc_get(c, "meta:probe", 10, &v);
    free(v.data);
    rc_client_destroy(&c);
    return rc != RC_ERR_UNSUPPORTED;
}

static void run_suite(const char *bin)
{
    printf("-- against %s\n", bin);
    if (start_nodes(bin) != 0) {
        stop_nodes();
        CHECK(!"nodes started");
        return;
    }
    for (int p = 0; p < 2; p++) {
        protocol = p == 0 ? RC_PROTOCOL_TEXT : RC_PROTOCOL_META;
        printf("   protocol %s\n", p == 0 ? "text" : "meta");
        if (p == 1 && !speaks_meta()) {
            printf("   (this node does not speak meta commands: meta suite skipped)\n");
            break;
        }
        TEST_RUN(test_storage_ops);
        TEST_RUN(test_cas_gat_touch);
        TEST_RUN(test_arith);
        TEST_RUN(test_placement_and_flush);
        TEST_RUN(test_get_multi);
        TEST_RUN(test_large_values);
    }
    protocol = RC_PROTOCOL_TEXT;
    stop_nodes();
}

int main(int argc, char **argv)
{
    (void)argc;
    signal(SIGPIPE, SIG_IGN);
    TEST_RUN(test_server_list);
    TEST_RUN(test_names_place_keys);
    TEST_RUN(test_unix_socket);
    run_suite("/usr/bin/memcached");
    const char *rcd = tnode_ringcached(argv[0]);
    if (rcd)
        run_suite(rcd);
    else
        printf("-- ringcached not built: memcached only\n");
    return TEST_DONE();
}
