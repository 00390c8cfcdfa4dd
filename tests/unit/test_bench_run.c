/* Unit tests for bench_run against a real server: Debian's memcached started on 127.0.0.1 with
 * an ephemeral port (its port file is awaited with inotify, bounded), stopped by PID at the end.
 * Checks exact request counts, preload + verification (100 % hits, nothing corrupt), meta
 * multi-gets, alternating slices over two targets, cluster routing by an owner table, a value
 * corrupted behind the generator's back being caught, and a refused connection. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "bench_run.h"
#include "ringcache/status.h"
#include "test.h"

static pid_t mc_pid;
static int mc_port;
static char server[64];

/* Starts memcached -p -1 and reads the port it wrote to $MEMCACHED_PORT_FILENAME. */
static int start_memcached(void)
{
    char dir[] = "/tmp/rc-bench-test-XXXXXX", file[64], line[128];
    if (!mkdtemp(dir))
        return -1;
    snprintf(file, sizeof(file), "%s/ports", dir);
    int in = inotify_init1(IN_CLOEXEC);
    inotify_add_watch(in, dir, IN_MOVED_TO | IN_CLOSE_WRITE);
    mc_pid = fork();
    if (mc_pid == 0) {
        setenv("MEMCACHED_PORT_FILENAME", file, 1);
        if (geteuid() == 0)
            execl("/usr/bin/memcached", "memcached", "-u", "root", "-p", "-1", "-U", "0", "-l",
                  "127.0.0.1", "-t", "1", "-m", "64", (char *)NULL);
        else
            execl("/usr/bin/memcached", "memcached", "-p", "-1", "-U", "0", "-l", "127.0.0.1", "-t",
                  "1", "-m", "64", (char *)NULL);
        _exit(127);
    }
    for (int waited = 0; waited < 50 && mc_port == 0; waited++) {
        struct pollfd p = {.fd = in, .events = POLLIN};
        if (poll(&p, 1, 100) == 1) {
            char ev[4096];
            if (read(in, ev, sizeof(ev)) < 0)
                break;
        }
        FILE *f = fopen(file, "r");
        while (f && fgets(line, sizeof(line), f))
            sscanf(line, "TCP INET: %d", &mc_port);
        if (f)
            fclose(f);
    }
    close(in);
    unlink(file);
    rmdir(dir);
    snprintf(server, sizeof(server), "127.0.0.1:%d", mc_port);
    return mc_port ? 0 : -1;
}

static void stop_memcached(void)
{
    if (mc_pid > 0) {
        kill(mc_pid, SIGTERM);
        waitpid(mc_pid, NULL, 0);
    }
}

static struct bench_conn_cfg ccfg;
static struct bench_gen_cfg gcfg;
static struct bench_run_cfg rcfg;

static void defaults(enum bench_conn_proto proto, unsigned depth, unsigned mget)
{
    gcfg = (struct bench_gen_cfg){
        .nkeys = 200, .get_weight = 9, .set_weight = 1, .vmin = 10, .vmax = 300, .mget = mget};
    rcfg = (struct bench_run_cfg){.conns = 2, .requests = 2000, .seed = 3};
    bench_conn_cfg_deinit(&ccfg);
    CHECK_EQ(bench_conn_cfg_init(&ccfg, proto, "rcbt:", 10, 300, depth, mget), 0);
}

static void test_text_preload_exact_count(void)
{
    defaults(BENCH_CONN_TEXT, 4, 1);
    rcfg.preload = 1;
    struct bench_run *r = NULL;
    CHECK_EQ(bench_run_create(&r, &rcfg, &gcfg, &ccfg), 0);
    CHECK_EQ(bench_run_add_target(r, server, mc_pid), 0);
    CHECK_EQ(bench_run_execute(r), 0);
    const struct bench_run_target *t = bench_run_target(r, 0);
    CHECK_EQ(t->stats.ops, 2000);
    CHECK_EQ(t->stats.lat.count, 2000);
    CHECK_EQ(t->stats.gets + t->stats.sets, 2000);
    CHECK(t->stats.gets > 1700 && t->stats.gets < 1900);
    CHECK_EQ(t->stats.hits, t->stats.keys); /* everything was preloaded */
    CHECK_EQ(t->stats.corrupt, 0);
    CHECK_EQ(t->stats.errors, 0);
    CHECK(t->active_ns > 0);
    CHECK_EQ(t->slices, 1);
    bench_run_destroy(&r);
    CHECK(r == NULL);
}

static void test_meta_multiget(void)
{
    defaults(BENCH_CONN_META, 3, 8);
    rcfg.preload = 1;
    rcfg.requests = 500;
    gcfg.get_weight = 1;
    gcfg.set_weight = 0;
    struct bench_run *r = NULL;
    CHECK_EQ(bench_run_create(&r, &rcfg, &gcfg, &ccfg), 0);
    CHECK_EQ(bench_run_add_target(r, server, 0), 0);
    CHECK_EQ(bench_run_execute(r), 0);
    const struct bench_run_target *t = bench_run_target(r, 0);
    CHECK_EQ(t->stats.ops, 500);
    CHECK_EQ(t->stats.keys, 4000);
    CHECK_EQ(t->stats.hits, 4000);
    CHECK_EQ(t->stats.corrupt, 0);
    bench_run_destroy(&r);
}

static void test_alternating_slices(void)
{
    defaults(BENCH_CONN_TEXT, 2, 1);
    rcfg.requests = 0;
    rcfg.duration_ns = 300000000;
    rcfg.slice_ns = 50000000;
    struct bench_run *r = NULL;
    CHECK_EQ(bench_run_create(&r, &rcfg, &gcfg, &ccfg), 0);
    CHECK_EQ(bench_run_add_target(r, server, mc_pid), 0);
    CHECK_EQ(bench_run_add_target(r, server, mc_pid), 1);
    CHECK_EQ(bench_run_execute(r), 0);
    for (unsigned i = 0; i < 2; i++) {
        const struct bench_run_target *t = bench_run_target(r, i);
        CHECK_EQ(t->slices, 6);
        CHECK(t->stats.ops > 0);
        CHECK(t->active_ns >= 300000000 && t->active_ns < 3000000000LL);
        CHECK_EQ(t->stats.corrupt, 0);
    }
    bench_run_destroy(&r);
}

static void test_cluster_routing(void)
{
    defaults(BENCH_CONN_TEXT, 2, 4);
    static uint8_t owner[200];
    for (unsigned k = 0; k < 200; k++)
        owner[k] = k < 50 ? 0 : 1;
    rcfg.cluster = 1;
    rcfg.owner = owner;
    rcfg.preload = 1;
    rcfg.requests = 1000;
    struct bench_run *r = NULL;
    CHECK_EQ(bench_run_create(&r, &rcfg, &gcfg, &ccfg), 0);
    CHECK_EQ(bench_run_add_target(r, server, 0), 0);
    CHECK_EQ(bench_run_add_target(r, server, 0), 1);
    CHECK_EQ(bench_run_execute(r), 0);
    uint64_t ops = 0;
    for (unsigned i = 0; i < 2; i++) {
        const struct bench_run_target *t = bench_run_target(r, i);
        ops += t->stats.ops;
        CHECK(t->stats.ops > 0);
        CHECK_EQ(t->stats.hits, t->stats.keys);
        CHECK_EQ(t->slices, 1);
    }
    CHECK_EQ(ops, 1000); /* one budget for the whole cluster */
    bench_run_destroy(&r);
    /* A shard that owns no key is refused. */
    memset(owner, 0, sizeof(owner));
    CHECK_EQ(bench_run_create(&r, &rcfg, &gcfg, &ccfg), 0);
    bench_run_add_target(r, server, 0);
    bench_run_add_target(r, server, 0);
    CHECK_EQ(bench_run_execute(r), RC_ERR_INVAL);
    CHECK(strstr(bench_run_error(r), "owns none") != NULL);
    bench_run_destroy(&r);
}

/* Stores a wrong value under key rcbt:7 with a plain socket. */
static void corrupt_key7(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)mc_port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    CHECK_EQ(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    const char *req = "set rcbt:7 7 0 5\r\nWRONG\r\n";
    CHECK_EQ(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    char rsp[16] = {0};
    CHECK_EQ(read(fd, rsp, 8), 8);
    CHECK_MEM(rsp, "STORED\r\n", 8);
    close(fd);
}

static void test_catches_corruption(void)
{
    defaults(BENCH_CONN_TEXT, 1, 1);
    gcfg.nkeys = 10;
    gcfg.set_weight = 0;
    rcfg.requests = 300;
    corrupt_key7();
    struct bench_run *r = NULL;
    CHECK_EQ(bench_run_create(&r, &rcfg, &gcfg, &ccfg), 0);
    CHECK_EQ(bench_run_add_target(r, server, 0), 0);
    CHECK_EQ(bench_run_execute(r), 0);
    const struct bench_run_target *t = bench_run_target(r, 0);
    CHECK(t->stats.corrupt > 0);
    CHECK(strstr(t->stats.first_error, "rcbt:7") != NULL);
    bench_run_destroy(&r);
}

static void test_refused_and_bad_config(void)
{
    defaults(BENCH_CONN_TEXT, 1, 1);
    struct bench_run *r = NULL;
    CHECK_EQ(bench_run_create(&r, &rcfg, &gcfg, &ccfg), 0);
    CHECK_EQ(bench_run_add_target(r, "127.0.0.1:1", 0), 0);
    CHECK_EQ(bench_run_execute(r), RC_ERR_CONNECT);
    CHECK(strstr(bench_run_error(r), "connect") != NULL);
    bench_run_destroy(&r);
    rcfg.conns = 0;
    CHECK_EQ(bench_run_create(&r, &rcfg, &gcfg, &ccfg), RC_ERR_INVAL);
    rcfg.conns = 1;
    gcfg.mget = 2; /* wider than the connection config allows */
    CHECK_EQ(bench_run_create(&r, &rcfg, &gcfg, &ccfg), RC_ERR_INVAL);
    CHECK(bench_run_proc_ticks(getpid()) >= 0);
    CHECK_EQ(bench_run_proc_ticks(-5), -1);
}

int main(void)
{
    if (start_memcached() != 0) {
        fprintf(stderr, "cannot start /usr/bin/memcached\n");
        stop_memcached();
        return 1;
    }
    TEST_RUN(test_text_preload_exact_count);
    TEST_RUN(test_meta_multiget);
    TEST_RUN(test_alternating_slices);
    TEST_RUN(test_cluster_routing);
    TEST_RUN(test_catches_corruption);
    TEST_RUN(test_refused_and_bad_config);
    bench_conn_cfg_deinit(&ccfg);
    stop_memcached();
    return TEST_DONE();
}
