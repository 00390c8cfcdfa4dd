/* test_server: ringcached in-process. Settings parsing and validation; then a real server on
 * 127.0.0.1:<ephemeral> with worker threads, driven over sockets: pipelining answered in order in
 * few writes, a multi-get larger than the reply queue (pause/resume), values copied inline and
 * sent by reference in one reply, a refused too-large value swallowed, the connection limit, idle
 * timeout, a vanishing client, a slow reader, stats and `shutdown`. Every socket read has a
 * deadline; the server thread is joined at the end. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"
#include "ringcache/status.h"
#include "server.h"
#include "settings.h"
#include "test.h"

#define DEADLINE_MS 5000

static int parse(struct settings *s, const char *line, char *err, size_t errlen)
{
    char copy[512], *argv[32];
    int argc = 0;
    snprintf(copy, sizeof(copy), "ringcached %s", line);
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 31;
         t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    argv[argc] = NULL;
    char warn[256];
    settings_init(s);
    return settings_parse(s, argc, argv, err, errlen, warn, sizeof(warn));
}

static void test_settings_defaults_and_flags(void)
{
    struct settings s;
    char err[256];
    CHECK_EQ(parse(&s, "", err, sizeof(err)), RC_OK);
    CHECK_EQ(s.port, 11211);
    CHECK_EQ(s.maxconns, 1024);
    CHECK_EQ(s.idle_poll_us, SETTINGS_IDLE_POLL_US_DEFAULT);
    CHECK_EQ(s.threads, 4);
    CHECK_EQ(s.item_size_max, 1 << 20);
    CHECK_EQ(s.maxbytes, 64 << 20);
    CHECK_EQ(s.nlisten, 1);
    CHECK_STR(s.listen[0], "127.0.0.1");
    CHECK_EQ(parse(&s,
                   "-p 0 -m 128 -c 10 -t 2 -I 2m -C -F -A -M -R 5 -b 64 -B ascii -vv -l "
                   "127.0.0.1,localhost -o idle_timeout=7,hashpower=20,idle_poll_us=0 -U 0",
                   err, sizeof(err)),
             RC_OK);
    CHECK_EQ(s.port, 0);
    CHECK_EQ(s.maxbytes, 128 << 20);
    CHECK_EQ(s.maxconns, 10);
    CHECK_EQ(s.threads, 2);
    CHECK_EQ(s.item_size_max, 2 << 20);
    CHECK(s.no_cas && s.no_flush && s.shutdown_enabled && s.no_evict);
    CHECK_EQ(s.reqs_per_event, 5);
    CHECK_EQ(s.backlog, 64);
    CHECK_EQ(s.proto, SETTINGS_PROTO_ASCII);
    CHECK_EQ(s.verbose, 2);
    CHECK_EQ(s.nlisten, 2);
    CHECK_EQ(s.idle_timeout, 7);
    CHECK_EQ(s.idle_poll_us, 0);
    CHECK_EQ(parse(&s, "-I 1024k --memory-limit=1g", err, sizeof(err)), RC_OK);
    CHECK_EQ(s.item_size_max, 1 << 20);
    CHECK_EQ(s.maxbytes, (size_t)1 << 30);
}

static void test_settings_invalid(void)
{
    static const char *bad[] = {"-c 0",
                                "-t 0",
                                "-I 512",
                                "-I 65m",
                                "-B foo",
                                "-U 11211",
                                "-p 70000",
                                "-m 0",
                                "-l no.such.host.invalid",
                                "-o idle_timeout=x",
                                "-o idle_poll_us=-1",
                                "-o idle_poll_us=1001",
                                "-t abc",
                                "-a 999",
                                "--nosuch",
                                "extra"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct settings s;
        char err[256] = "";
        int rc = parse(&s, bad[i], err, sizeof(err));
        if (rc != RC_ERR_INVAL)
            fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK_EQ(rc, RC_ERR_INVAL);
        CHECK(err[0] != '\0');
    }
    struct settings s;
    char err[256];
    CHECK_EQ(parse(&s, "-h", err, sizeof(err)), RC_OK);
    CHECK(s.help);
    CHECK_EQ(parse(&s, "-V", err, sizeof(err)), RC_OK);
    CHECK(s.version);
}

struct tsrv {
    struct server *srv;
    pthread_t th;
    int port;
    int rc;
};

static void *run_server(void *arg)
{
    struct tsrv *t = arg;
    t->rc = server_run(t->srv);
    return NULL;
}

static int start(struct tsrv *t, const char *args)
{
    struct settings s;
    char err[256], line[256];
    snprintf(line, sizeof(line), "-p 0 -t 2 -m 64 %s", args);
    if (parse(&s, line, err, sizeof(err)) != RC_OK ||
        server_create(&t->srv, &s, false, err, sizeof(err)) != RC_OK) {
        fprintf(stderr, "server start failed: %s\n", err);
        return -1;
    }
    t->port = server_port(t->srv);
    pthread_create(&t->th, NULL, run_server, t);
    return 0;
}

static void stop(struct tsrv *t)
{
    server_stop(t->srv);
    pthread_join(t->th, NULL);
    server_destroy(&t->srv);
    CHECK(t->srv == NULL);
}

static int cli(const struct tsrv *t)
{
    int fd = -1;
    CHECK_EQ(net_connect_tcp("127.0.0.1", t->port, &fd), RC_OK);
    return fd;
}

static void send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        c += w;
        n -= (size_t)w;
    }
}

static void send_str(int fd, const char *s)
{
    send_all(fd, s, strlen(s));
}

/* Reads until the data ends with `tail` (or EOF / deadline); returns the length, -1 on EOF
 * before any byte. */
static ssize_t recv_until(int fd, char *buf, size_t cap, const char *tail)
{
    size_t n = 0, tl = strlen(tail);
    int64_t deadline = clock_mono_ns() + (int64_t)DEADLINE_MS * 1000000;
    while (n < cap) {
        if (n >= tl && memcmp(buf + n - tl, tail, tl) == 0)
            break;
        int left = (int)((deadline - clock_mono_ns()) / 1000000);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) <= 0)
            break;
        ssize_t r = recv(fd, buf + n, cap - n, 0);
        if (r <= 0)
            return n == 0 ? -1 : (ssize_t)n;
        n += (size_t)r;
    }
    return (ssize_t)n;
}

static void expect(int fd, const char *send, const char *want)
{
    char buf[8192];
    if (send)
        send_str(fd, send);
    ssize_t n = recv_until(fd, buf, strlen(want), want);
    CHECK_MEM_LEN(buf, n < 0 ? 0 : (size_t)n, want);
}

static void test_server_basic_commands(void)
{
    struct tsrv t;
    if (start(&t, "") != 0) {
        CHECK(0);
        return;
    }
    int fd = cli(&t);
    expect(fd, "set a 5 0 3\r\nabc\r\n", "STORED\r\n");
    expect(fd, "get a nokey\r\n", "VALUE a 5 3\r\nabc\r\nEND\r\n");
    expect(fd, "add a 0 0 1\r\nx\r\n", "NOT_STORED\r\n");
    expect(fd, "append a 0 0 2\r\nde\r\n", "STORED\r\n");
    expect(fd, "get a\r\n", "VALUE a 5 5\r\nabcde\r\nEND\r\n");
    expect(fd, "set n 0 0 2\r\n10\r\nincr n 5\r\ndecr n 100\r\nincr a 1\r\n",
           "STORED\r\n15\r\n0\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
    expect(fd, "delete n\r\ndelete n\r\ntouch a 100\r\ntouch n 1\r\n",
           "DELETED\r\nNOT_FOUND\r\nTOUCHED\r\nNOT_FOUND\r\n");
    expect(fd, "set q 0 0 1 noreply\r\nq\r\nget q\r\n", "VALUE q 0 1\r\nq\r\nEND\r\n");
    expect(fd, "bogus\r\nversion\r\n", "ERROR\r\nVERSION " RC_VERSION "\r\n");
    expect(fd, "verbosity 1\r\nshutdown\r\n", "OK\r\nERROR: shutdown not enabled\r\n");
    expect(fd, "stats nosuch\r\nstats reset\r\n", "ERROR\r\nRESET\r\n");
    expect(fd, "flush_all\r\nget a\r\n", "OK\r\nEND\r\n");
    expect(fd, "quit\r\n", "");
    char b[16];
    CHECK_EQ(recv_until(fd, b, sizeof(b), "\n"), -1); /* closed by the server */
    close(fd);
    stop(&t);
}

static void test_server_gets_and_cas(void)
{
    struct tsrv t;
    if (start(&t, "") != 0) {
        CHECK(0);
        return;
    }
    int fd = cli(&t);
    char buf[512];
    send_str(fd, "set c 0 0 1\r\nx\r\ngets c\r\n");
    ssize_t n = recv_until(fd, buf, sizeof(buf) - 1, "END\r\n");
    CHECK(n > 0);
    buf[n > 0 ? n : 0] = '\0';
    unsigned long long cas = 0;
    CHECK_EQ(sscanf(buf, "STORED\r\nVALUE c 0 1 %llu", &cas), 1);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "cas c 0 0 1 %llu\r\ny\r\ncas c 0 0 1 %llu\r\nz\r\n", cas, cas);
    expect(fd, cmd, "STORED\r\nEXISTS\r\n");
    expect(fd, "cas nope 0 0 1 1\r\nz\r\n", "NOT_FOUND\r\n");
    close(fd);
    stop(&t);
}

static void test_server_pipeline_in_order(void)
{
    struct tsrv t;
    if (start(&t, "-R 3") != 0) { /* a small budget: yields must keep the order */
        CHECK(0);
        return;
    }
    int fd = cli(&t);
    enum { N = 1000 };
    static char req[N * 64], want[N * 64], got[N * 64];
    size_t rl = 0, wl = 0;
    for (int i = 0; i < N; i++) {
        rl += (size_t)sprintf(req + rl, "set p%d 0 0 %d\r\n%d\r\nget p%d\r\n", i,
                              snprintf(NULL, 0, "%d", i), i, i);
        wl += (size_t)sprintf(want + wl, "STORED\r\nVALUE p%d 0 %d\r\n%d\r\nEND\r\n", i,
                              snprintf(NULL, 0, "%d", i), i);
    }
    send_all(fd, req, rl);
    ssize_t n = recv_until(fd, got, wl, want + wl - 20);
    CHECK_EQ(n, (ssize_t)wl);
    CHECK(n == (ssize_t)wl && memcmp(got, want, wl) == 0);
    close(fd);
    stop(&t);
}

static void test_server_multiget_larger_than_queue(void)
{
    struct tsrv t;
    if (start(&t, "") != 0) {
        CHECK(0);
        return;
    }
    int fd = cli(&t);
    enum { N = 3000 };
    static char req[N * 16 + 16], got[N * 64];
    send_str(fd, "set mg 7 0 4\r\nmgmg\r\n");
    expect(fd, NULL, "STORED\r\n");
    size_t rl = (size_t)sprintf(req, "get");
    for (int i = 0; i < N; i++)
        rl += (size_t)sprintf(req + rl, i % 2 ? " mg" : " miss%d", i);
    rl += (size_t)sprintf(req + rl, "\r\n");
    send_all(fd, req, rl);
    const char *one = "VALUE mg 7 4\r\nmgmg\r\n";
    size_t want = (N / 2) * strlen(one) + 5;
    ssize_t n = recv_until(fd, got, sizeof(got), "END\r\n");
    CHECK_EQ(n, (ssize_t)want);
    size_t ok = 0;
    for (size_t off = 0; n > 0 && off + strlen(one) <= (size_t)n; off += strlen(one))
        ok += memcmp(got + off, one, strlen(one)) == 0;
    CHECK_EQ(ok, N / 2);
    expect(fd, "get mg\r\n", "VALUE mg 7 4\r\nmgmg\r\nEND\r\n"); /* still in sync */
    close(fd);
    stop(&t);
}

/* Values up to CONN_INLINE_MAX are copied into the reply, larger ones go out by reference: a
 * multi-get mixing both, long enough to pause on the reference and text limits, comes back
 * byte-exact and in order. */
static void test_server_values_inline_and_by_reference(void)
{
    struct tsrv t;
    if (start(&t, "") != 0) {
        CHECK(0);
        return;
    }
    int fd = cli(&t);
    static const size_t sizes[] = {0, 1, 2047, 2048, 2049, 9000};
    enum { NS = sizeof(sizes) / sizeof(sizes[0]), REPS = 150 };
    static char val[9000], one[NS * 9100], req[REPS * NS * 8 + 16], got[REPS * NS * 9100 + 8];
    size_t ol = 0;
    for (int k = 0; k < NS; k++) {
        for (size_t i = 0; i < sizes[k]; i++)
            val[i] = (char)('a' + (i * 7 + sizes[k]) % 26);
        char hdr[64];
        snprintf(hdr, sizeof(hdr), "set v%d %d 0 %zu\r\n", k, k + 1, sizes[k]);
        send_str(fd, hdr);
        send_all(fd, val, sizes[k]);
        expect(fd, "\r\n", "STORED\r\n");
        ol += (size_t)sprintf(one + ol, "VALUE v%d %d %zu\r\n", k, k + 1, sizes[k]);
        memcpy(one + ol, val, sizes[k]);
        ol += sizes[k];
        ol += (size_t)sprintf(one + ol, "\r\n");
    }
    size_t rl = (size_t)sprintf(req, "get");
    for (int r = 0; r < REPS; r++)
        for (int k = 0; k < NS; k++)
            rl += (size_t)sprintf(req + rl, " v%d", k);
    rl += (size_t)sprintf(req + rl, "\r\n");
    send_all(fd, req, rl);
    size_t want = REPS * ol + 5;
    ssize_t n = recv_until(fd, got, want, "END\r\n");
    CHECK_EQ(n, (ssize_t)want);
    int same = 0;
    for (int r = 0; n == (ssize_t)want && r < REPS; r++)
        same += memcmp(got + (size_t)r * ol, one, ol) == 0;
    CHECK_EQ(same, REPS);
    expect(fd, "get v1\r\n", "VALUE v1 2 1\r\nb\r\nEND\r\n"); /* still in sync */
    close(fd);
    stop(&t);
}

/* Regression: requests followed at once by the client's half close (shutdown SHUT_WR) are
 * answered and the connection is then closed; an edge-triggered socket whose last read was short
 * must still read on to the EOF. */
static void test_server_half_close_after_requests(void)
{
    struct tsrv t;
    if (start(&t, "") != 0) {
        CHECK(0);
        return;
    }
    for (int round = 0; round < 5; round++) {
        int fd = cli(&t);
        send_str(fd, "set hc 0 0 1\r\nx\r\nget hc\r\n");
        shutdown(fd, SHUT_WR);
        char buf[256];
        ssize_t n = recv_until(fd, buf, sizeof(buf), "\1"); /* to EOF (or the deadline) */
        CHECK_MEM_LEN(buf, n < 0 ? 0 : (size_t)n, "STORED\r\nVALUE hc 0 1\r\nx\r\nEND\r\n");
        CHECK_EQ(recv(fd, buf, 1, MSG_DONTWAIT), 0); /* the server closed its side */
        close(fd);
    }
    stop(&t);
}

static void test_server_too_large_is_swallowed(void)
{
    struct tsrv t;
    if (start(&t, "-I 4k") != 0) {
        CHECK(0);
        return;
    }
    int fd = cli(&t);
    expect(fd, "set big 0 0 1\r\nb\r\n", "STORED\r\n");
    static char block[100000];
    memset(block, 'z', sizeof(block));
    send_str(fd, "set big 0 0 100000\r\n");
    send_all(fd, block, 50000); /* in two parts: the refusal comes before the block ends */
    expect(fd, NULL, "SERVER_ERROR object too large for cache\r\n");
    send_all(fd, block, 50000);
    expect(fd, "\r\nget big\r\n", "END\r\n");       /* swallowed, and the old value is gone */
    send_str(fd, "set big 0 0 100000 noreply\r\n"); /* noreply silences the refusal */
    send_all(fd, block, sizeof(block));
    expect(fd, "\r\nversion\r\n", "VERSION " RC_VERSION "\r\n");
    close(fd);
    stop(&t);
}

static void test_server_connection_limit(void)
{
    struct tsrv t;
    if (start(&t, "-c 2") != 0) {
        CHECK(0);
        return;
    }
    int a = cli(&t), b = cli(&t);
    expect(a, "version\r\n", "VERSION " RC_VERSION "\r\n");
    expect(b, "version\r\n", "VERSION " RC_VERSION "\r\n");
    int c = cli(&t);
    expect(c, NULL, "ERROR Too many open connections\r\n");
    char buf[64];
    CHECK_EQ(recv_until(c, buf, sizeof(buf), "\n"), -1);
    close(c);
    close(b);
    /* b's slot frees once its worker sees the close: retry within the deadline */
    int64_t deadline = clock_mono_ns() + (int64_t)DEADLINE_MS * 1000000;
    bool ok = false;
    while (!ok && clock_mono_ns() < deadline) {
        int d = cli(&t);
        send_str(d, "version\r\n");
        ssize_t n = recv_until(d, buf, sizeof(buf), "\r\n");
        ok = n > 0 && memcmp(buf, "VERSION", 7) == 0;
        close(d);
    }
    CHECK(ok);
    send_str(a, "stats\r\n");
    static char st[8192];
    ssize_t n = recv_until(a, st, sizeof(st) - 1, "END\r\n");
    st[n > 0 ? n : 0] = '\0';
    CHECK(strstr(st, "STAT max_connections 2\r\n") != NULL);
    CHECK(strstr(st, "STAT rejected_connections ") != NULL &&
          strstr(st, "STAT rejected_connections 0\r\n") == NULL);
    close(a);
    stop(&t);
}

static void test_server_idle_timeout(void)
{
    struct tsrv t;
    if (start(&t, "-o idle_timeout=1") != 0) {
        CHECK(0);
        return;
    }
    int fd = cli(&t);
    expect(fd, "version\r\n", "VERSION " RC_VERSION "\r\n");
    int64_t t0 = clock_mono_ns();
    char buf[16];
    CHECK_EQ(recv_until(fd, buf, sizeof(buf), "\n"), -1); /* the server closes it */
    int64_t took_ms = (clock_mono_ns() - t0) / 1000000;
    CHECK(took_ms >= 500 && took_ms < DEADLINE_MS);
    close(fd);
    stop(&t);
}

static void test_server_vanishing_and_slow_clients(void)
{
    struct tsrv t;
    if (start(&t, "") != 0) {
        CHECK(0);
        return;
    }
    int good = cli(&t);
    /* a client that disappears in the middle of a value: nothing stored, others unaffected */
    int gone = cli(&t);
    send_str(gone, "set half 0 0 100\r\nonly part of it");
    close(gone);
    /* a client that asks for much and never reads: backpressure, not unbounded buffering */
    static char value[200000];
    memset(value, 'v', sizeof(value));
    char hdr[64];
    snprintf(hdr, sizeof(hdr), "set bigv 0 0 %zu\r\n", sizeof(value));
    send_str(good, hdr);
    send_all(good, value, sizeof(value));
    expect(good, "\r\n", "STORED\r\n");
    int slow = cli(&t);
    int one = 1;
    setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
    static char many[64 * 1000];
    size_t ml = 0;
    for (int i = 0; i < 1000; i++)
        ml += (size_t)sprintf(many + ml, "get bigv\r\n");
    send_all(slow, many, ml); /* the server cannot write 200 MB: it stops reading */
    expect(good, "get half\r\n", "END\r\n");
    expect(good, "set other 0 0 2\r\nok\r\nget other\r\n",
           "STORED\r\nVALUE other 0 2\r\nok\r\nEND\r\n");
    close(slow); /* with replies queued and item references held */
    expect(good, "delete bigv\r\n", "DELETED\r\n");
    close(good);
    stop(&t);
}

static void test_server_stats_fields(void)
{
    struct tsrv t;
    if (start(&t, "") != 0) {
        CHECK(0);
        return;
    }
    int fd = cli(&t);
    send_str(fd, "set s1 0 0 1\r\na\r\nget s1 s2\r\ngets s1\r\n");
    char buf[256];
    recv_until(fd, buf, sizeof(buf), "END\r\nVALUE s1 0 1 ");
    recv_until(fd, buf, sizeof(buf), "END\r\n");
    static char st[16384];
    send_str(fd, "stats\r\n");
    ssize_t n = recv_until(fd, st, sizeof(st) - 1, "END\r\n");
    st[n > 0 ? n : 0] = '\0';
    static const char *want[] = {"STAT cmd_get 3\r\n",
                                 "STAT get_hits 2\r\n",
                                 "STAT get_misses 1\r\n",
                                 "STAT cmd_set 1\r\n",
                                 "STAT curr_connections 1\r\n",
                                 "STAT threads 2\r\n",
                                 "STAT curr_items 1\r\n",
                                 "STAT total_connections 1\r\n",
                                 "STAT limit_maxbytes 67108864\r\n",
                                 "STAT version " RC_VERSION "\r\n"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        if (strstr(st, want[i]) == NULL)
            fprintf(stderr, "missing %s", want[i]);
        CHECK(strstr(st, want[i]) != NULL);
    }
    CHECK(strstr(st, "STAT pid ") && strstr(st, "STAT uptime ") && strstr(st, "STAT time "));
    expect(fd, "stats reset\r\n", "RESET\r\n");
    send_str(fd, "stats\r\n");
    n = recv_until(fd, st, sizeof(st) - 1, "END\r\n");
    st[n > 0 ? n : 0] = '\0';
    CHECK(strstr(st, "STAT cmd_get 0\r\n") != NULL);
    CHECK(strstr(st, "STAT curr_items 1\r\n") != NULL); /* reset keeps the data */
    send_str(fd, "stats settings\r\n");
    n = recv_until(fd, st, sizeof(st) - 1, "END\r\n");
    st[n > 0 ? n : 0] = '\0';
    CHECK(strstr(st, "STAT maxconns 1024\r\n") && strstr(st, "STAT item_size_max 1048576\r\n"));
    send_str(fd, "stats slabs\r\n");
    n = recv_until(fd, st, sizeof(st) - 1, "END\r\n");
    st[n > 0 ? n : 0] = '\0';
    CHECK(strstr(st, "STAT active_slabs 1\r\n") != NULL);
    send_str(fd, "stats items\r\n");
    n = recv_until(fd, st, sizeof(st) - 1, "END\r\n");
    st[n > 0 ? n : 0] = '\0';
    CHECK(strstr(st, "STAT items:1:number 1\r\n") != NULL);
    close(fd);
    stop(&t);
}

static void test_server_shutdown_command(void)
{
    struct tsrv t;
    if (start(&t, "-A") != 0) {
        CHECK(0);
        return;
    }
    int fd = cli(&t);
    send_str(fd, "shutdown\r\n");
    pthread_join(t.th, NULL); /* server_run returns because of the command */
    CHECK_EQ(t.rc, RC_OK);
    server_destroy(&t.srv);
    close(fd);
}

static void test_server_unix_socket(void)
{
    char path[64], args[128];
    snprintf(path, sizeof(path), "/tmp/rc-test-server-%d.sock", (int)getpid());
    snprintf(args, sizeof(args), "-s %s -a 770", path);
    struct tsrv t;
    if (start(&t, args) != 0) {
        CHECK(0);
        return;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, path);
    CHECK_EQ(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    expect(fd, "set u 0 0 1\r\nu\r\nget u\r\n", "STORED\r\nVALUE u 0 1\r\nu\r\nEND\r\n");
    close(fd);
    stop(&t);
    CHECK(access(path, F_OK) != 0); /* removed at stop */
}

int main(void)
{
    TEST_RUN(test_settings_defaults_and_flags);
    TEST_RUN(test_settings_invalid);
    TEST_RUN(test_server_basic_commands);
    TEST_RUN(test_server_gets_and_cas);
    TEST_RUN(test_server_pipeline_in_order);
    TEST_RUN(test_server_multiget_larger_than_queue);
    TEST_RUN(test_server_values_inline_and_by_reference);
    TEST_RUN(test_server_half_close_after_requests);
    TEST_RUN(test_server_too_large_is_swallowed);
    TEST_RUN(test_server_connection_limit);
    TEST_RUN(test_server_idle_timeout);
    TEST_RUN(test_server_vanishing_and_slow_clients);
    TEST_RUN(test_server_stats_fields);
    TEST_RUN(test_server_shutdown_command);
    TEST_RUN(test_server_unix_socket);
    return TEST_DONE();
}
