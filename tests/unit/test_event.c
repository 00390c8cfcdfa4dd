/* test_event: the epoll loop (fd handlers, mod/del, edge-triggered fds, timers, stop), the wakeup
 * handoff from other threads, and net (listen on an ephemeral port, accept, connect, host:port
 * parsing, unix sockets). Threads synchronise on loop events only; every wait is bounded by a
 * deadline. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"
#include "net.h"
#include "ringcache/status.h"
#include "test.h"
#include "wakeup.h"

#define DEADLINE_NS (5LL * 1000000000LL)

struct pipe_ctx {
    int reads;
    int writes;
    char last;
};

static void on_pipe(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
    struct pipe_ctx *c = arg;
    if (events & EV_READ) {
        char ch;
        if (read(fd, &ch, 1) == 1) {
            c->last = ch;
            c->reads++;
        }
    }
    if (events & EV_WRITE)
        c->writes++;
}

static void test_loop_fd_handlers(void)
{
    struct ev_loop *l = NULL;
    CHECK_EQ(ev_loop_create(&l), RC_OK);
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct pipe_ctx c = {0};
    CHECK_EQ(ev_add(l, sv[0], EV_READ, on_pipe, &c), RC_OK);
    CHECK_EQ(ev_add(l, sv[0], EV_READ, on_pipe, &c), RC_ERR_INVAL); /* twice */
    CHECK_EQ(ev_run_once(l, 0), 0);                                 /* nothing ready */
    CHECK_EQ(write(sv[1], "x", 1), 1);
    CHECK_EQ(ev_run_once(l, 1000), 1);
    CHECK_EQ(c.reads, 1);
    CHECK_EQ(c.last, 'x');
    CHECK_EQ(ev_mod(l, sv[0], EV_READ | EV_WRITE), RC_OK);
    CHECK_EQ(ev_run_once(l, 1000), 1);
    CHECK_EQ(c.writes, 1);
    CHECK_EQ(ev_del(l, sv[0]), RC_OK);
    CHECK_EQ(ev_del(l, sv[0]), RC_ERR_INVAL);
    CHECK_EQ(write(sv[1], "y", 1), 1);
    CHECK_EQ(ev_run_once(l, 0), 0); /* deleted: no dispatch */
    CHECK_EQ(c.reads, 1);
    close(sv[0]);
    close(sv[1]);
    ev_loop_destroy(&l);
    CHECK(l == NULL);
    ev_loop_destroy(&l); /* NULL is fine */
}

static void on_count(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
    int *n = arg;
    (*n)++; /* reads nothing: the bytes stay unread */
}

/* EV_EDGE: unread bytes are reported once, new bytes again; ev_mod keeps the mode and reports
 * readiness present at that moment (what a connection relies on after a write wait). */
static void test_loop_edge_triggered(void)
{
    struct ev_loop *l = NULL;
    CHECK_EQ(ev_loop_create(&l), RC_OK);
    int sv[2], lt[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, lt), 0);
    int edge = 0, level = 0;
    CHECK_EQ(ev_add(l, sv[0], EV_READ | EV_EDGE, on_count, &edge), RC_OK);
    CHECK_EQ(ev_add(l, lt[0], EV_READ, on_count, &level), RC_OK);
    CHECK_EQ(write(sv[1], "a", 1), 1);
    CHECK_EQ(write(lt[1], "a", 1), 1);
    CHECK_EQ(ev_run_once(l, 1000), 2);
    CHECK_EQ(ev_run_once(l, 0), 1); /* only the level-triggered one again */
    CHECK_EQ(edge, 1);
    CHECK_EQ(level, 2);
    CHECK_EQ(write(sv[1], "b", 1), 1); /* new bytes: a new edge */
    CHECK_EQ(ev_run_once(l, 1000), 2);
    CHECK_EQ(edge, 2);
    CHECK_EQ(ev_mod(l, sv[0], EV_WRITE), RC_OK); /* writable now: reported once */
    CHECK_EQ(ev_del(l, lt[0]), RC_OK);
    CHECK_EQ(ev_run_once(l, 1000), 1);
    CHECK_EQ(ev_run_once(l, 0), 0);
    CHECK_EQ(ev_mod(l, sv[0], EV_READ), RC_OK); /* unread bytes present: reported again */
    CHECK_EQ(ev_run_once(l, 1000), 1);
    CHECK_EQ(ev_run_once(l, 0), 0); /* and still edge-triggered */
    CHECK_EQ(edge, 4);
    close(sv[0]);
    close(sv[1]);
    close(lt[0]);
    close(lt[1]);
    ev_loop_destroy(&l);
}

struct timer_ctx {
    int fired;
    int stop_after;
};

static void on_timer(struct ev_loop *l, void *arg)
{
    struct timer_ctx *t = arg;
    if (++t->fired == t->stop_after)
        ev_stop(l);
}

static void test_loop_timers(void)
{
    struct ev_loop *l = NULL;
    CHECK_EQ(ev_loop_create(&l), RC_OK);
    struct timer_ctx periodic = {.stop_after = 3}, once = {0};
    int id = ev_timer_add(l, 5, true, on_timer, &periodic);
    CHECK(id >= 0);
    CHECK(ev_timer_add(l, 1, false, on_timer, &once) >= 0);
    int64_t t0 = clock_mono_ns();
    CHECK_EQ(ev_run(l), RC_OK); /* returns once the periodic timer fired 3 times */
    int64_t took = clock_mono_ns() - t0;
    CHECK_EQ(periodic.fired, 3);
    CHECK_EQ(once.fired, 1);
    CHECK(took >= 14 * 1000000LL);
    CHECK(took < DEADLINE_NS);
    ev_timer_cancel(l, id);
    CHECK_EQ(ev_run_once(l, 20), 0);
    CHECK_EQ(periodic.fired, 3);
    int ids[EV_TIMERS_MAX];
    for (int i = 0; i < EV_TIMERS_MAX; i++) {
        ids[i] = ev_timer_add(l, 1000, true, on_timer, &once);
        CHECK(ids[i] >= 0);
    }
    CHECK_EQ(ev_timer_add(l, 1000, true, on_timer, &once), RC_ERR_FULL);
    /* cancelling twice, or an unknown id, must not lose count of the armed timers: a loop that
     * thinks none is armed skips them */
    for (int i = 0; i < EV_TIMERS_MAX; i++) {
        ev_timer_cancel(l, ids[i]);
        ev_timer_cancel(l, ids[i]);
    }
    ev_timer_cancel(l, -1);
    ev_timer_cancel(l, EV_TIMERS_MAX);
    CHECK_EQ(ev_run_once(l, 1), 0); /* nothing armed: just the 1 ms wait */
    struct timer_ctx later = {0};
    CHECK(ev_timer_add(l, 1, false, on_timer, &later) >= 0);
    for (int64_t end = clock_mono_ns() + DEADLINE_NS; later.fired == 0 && clock_mono_ns() < end;)
        CHECK(ev_run_once(l, 50) >= 0);
    CHECK_EQ(later.fired, 1);
    CHECK_EQ(once.fired, 1);
    ev_loop_destroy(&l);
}

#define POSTERS    4
#define PER_POSTER 500

struct wake_ctx {
    struct ev_loop *loop;
    uint64_t sum;
    int count;
    int order_ok;
    uint64_t last[POSTERS];
};

static void on_item(void *arg, uint64_t item)
{
    struct wake_ctx *c = arg;
    unsigned poster = (unsigned)(item >> 32);
    uint64_t seq = item & 0xffffffffu;
    if (poster < POSTERS) {
        if (seq != c->last[poster] + 1)
            c->order_ok = 0;
        c->last[poster] = seq;
    }
    c->sum += seq;
    if (++c->count == POSTERS * PER_POSTER)
        ev_stop(c->loop);
}

struct poster_arg {
    struct wakeup *w;
    unsigned id;
};

static void *poster(void *p)
{
    struct poster_arg *a = p;
    for (uint64_t i = 1; i <= PER_POSTER; i++) {
        uint64_t item = ((uint64_t)a->id << 32) | i;
        int64_t deadline = clock_mono_ns() + DEADLINE_NS;
        while (wakeup_post(a->w, item) == RC_ERR_FULL && clock_mono_ns() < deadline)
            sched_yield();
    }
    return NULL;
}

static void test_wakeup_many_threads(void)
{
    struct ev_loop *l = NULL;
    CHECK_EQ(ev_loop_create(&l), RC_OK);
    struct wake_ctx c = {.loop = l, .order_ok = 1};
    struct wakeup *w = NULL;
    CHECK_EQ(wakeup_create(&w, l, 64, on_item, &c), RC_OK);
    pthread_t th[POSTERS];
    struct poster_arg args[POSTERS];
    for (unsigned i = 0; i < POSTERS; i++) {
        args[i] = (struct poster_arg){w, i};
        pthread_create(&th[i], NULL, poster, &args[i]);
    }
    int64_t deadline = clock_mono_ns() + DEADLINE_NS;
    while (c.count < POSTERS * PER_POSTER && clock_mono_ns() < deadline)
        ev_run_once(l, 100);
    for (unsigned i = 0; i < POSTERS; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(c.count, POSTERS * PER_POSTER);
    CHECK_EQ(c.sum, (uint64_t)POSTERS * PER_POSTER * (PER_POSTER + 1) / 2);
    CHECK(c.order_ok); /* each poster's items arrive in its order */
    wakeup_destroy(&w);
    CHECK(w == NULL);
    ev_loop_destroy(&l);
}

static void test_wakeup_full(void)
{
    struct ev_loop *l = NULL;
    CHECK_EQ(ev_loop_create(&l), RC_OK);
    struct wake_ctx c = {.loop = l, .order_ok = 1};
    c.last[0] = 0;
    struct wakeup *w = NULL;
    CHECK_EQ(wakeup_create(&w, l, 2, on_item, &c), RC_OK);
    CHECK_EQ(wakeup_post(w, 1), RC_OK);
    CHECK_EQ(wakeup_post(w, 2), RC_OK);
    CHECK_EQ(wakeup_post(w, 3), RC_ERR_FULL);
    CHECK_EQ(ev_run_once(l, 1000), 1);
    CHECK_EQ(c.count, 2);
    CHECK_EQ(c.sum, 3);
    CHECK_EQ(wakeup_post(w, 3), RC_OK);
    CHECK_EQ(ev_run_once(l, 1000), 1);
    CHECK_EQ(c.count, 3);
    wakeup_destroy(&w);
    ev_loop_destroy(&l);
}

static void test_net_tcp(void)
{
    int lfds[4], n = 0;
    CHECK_EQ(net_listen_tcp("127.0.0.1", 0, 16, false, lfds, 4, &n), RC_OK);
    CHECK_EQ(n, 1);
    int port = net_local_port(lfds[0]);
    CHECK(port > 0);
    int cfd = -1, afd = -1;
    CHECK_EQ(net_accept(lfds[0], &afd), RC_ERR_AGAIN);
    CHECK_EQ(net_connect_tcp("127.0.0.1", port, &cfd), RC_OK);
    int64_t deadline = clock_mono_ns() + DEADLINE_NS;
    int rc;
    while ((rc = net_accept(lfds[0], &afd)) == RC_ERR_AGAIN && clock_mono_ns() < deadline)
        sched_yield();
    CHECK_EQ(rc, RC_OK);
    CHECK_EQ(net_set_nodelay(afd), RC_OK);
    CHECK_EQ(write(cfd, "ping", 4), 4);
    char b[8] = {0};
    ssize_t got = -1;
    while ((got = read(afd, b, sizeof(b))) < 0 && clock_mono_ns() < deadline)
        sched_yield(); /* afd is non-blocking */
    CHECK_EQ(got, 4);
    CHECK_MEM(b, "ping", 4);
    close(cfd);
    close(afd);
    close(lfds[0]);
    CHECK_EQ(net_listen_tcp("no-such-host.invalid", 0, 16, false, lfds, 4, &n), RC_ERR_RESOLVE);
    CHECK_EQ(net_connect_tcp("127.0.0.1", port, &cfd), RC_ERR_CONNECT); /* nothing listens */
}

static void test_net_split(void)
{
    char h[64];
    int port = 7;
    CHECK_EQ(net_split_hostport("10.0.0.1", h, sizeof(h), &port), RC_OK);
    CHECK_STR(h, "10.0.0.1");
    CHECK_EQ(port, 7);
    CHECK_EQ(net_split_hostport("localhost:11311", h, sizeof(h), &port), RC_OK);
    CHECK_STR(h, "localhost");
    CHECK_EQ(port, 11311);
    CHECK_EQ(net_split_hostport("[::1]:9", h, sizeof(h), &port), RC_OK);
    CHECK_STR(h, "::1");
    CHECK_EQ(port, 9);
    CHECK_EQ(net_split_hostport("::1", h, sizeof(h), &port), RC_OK);
    CHECK_STR(h, "::1");
    CHECK_EQ(net_split_hostport("host:99999", h, sizeof(h), &port), RC_ERR_INVAL);
    CHECK_EQ(net_split_hostport("host:", h, sizeof(h), &port), RC_ERR_INVAL);
    CHECK_EQ(net_split_hostport("[::1", h, sizeof(h), &port), RC_ERR_INVAL);
    CHECK_EQ(net_split_hostport("abcdefgh", h, 4, &port), RC_ERR_INVAL);
}

static void test_net_unix(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/rc-test-event-%d.sock", (int)getpid());
    int fd = -1;
    CHECK_EQ(net_listen_unix(path, 0700, 8, &fd), RC_OK);
    struct stat st;
    CHECK_EQ(stat(path, &st), 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0700);
    close(fd);
    CHECK_EQ(net_listen_unix(path, 0755, 8, &fd), RC_OK); /* replaces the stale socket */
    CHECK_EQ(stat(path, &st), 0);
    CHECK_EQ(st.st_mode & 0777, 0755);
    close(fd);
    unlink(path);
}

int main(void)
{
    TEST_RUN(test_loop_fd_handlers);
    TEST_RUN(test_loop_edge_triggered);
    TEST_RUN(test_loop_timers);
    TEST_RUN(test_wakeup_many_threads);
    TEST_RUN(test_wakeup_full);
    TEST_RUN(test_net_tcp);
    TEST_RUN(test_net_split);
    TEST_RUN(test_net_unix);
    return TEST_DONE();
}
