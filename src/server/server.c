/* server: process-wide state and the acceptor (see server.h).
 *
 * Design: the thread calling server_run owns an event loop with the listeners, a wakeup for
 * server_stop and, when asked, a signalfd for SIGINT/SIGTERM. Each accepted connection is checked
 * against -c (past it the client gets "ERROR Too many open connections" and is closed, as
 * memcached's maxconns_fast does), counted, and handed round-robin to a worker, which owns it
 * from then on and decrements curr_connections when it closes.
 *
 * Invariants: curr_connections counts accepted, not yet closed connections (in a handoff queue or
 * owned by a worker). Concurrency: workers touch the server only through server_stop (a wakeup
 * post) and the atomics of struct stats. Ownership: the server owns the store, stats, workers
 * and listener fds; destroy stops and joins the workers before freeing what they use. */
#include "server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"
#include "net.h"
#include "ringcache/status.h"
#include "settings.h"
#include "stats.h"
#include "store.h"
#include "wakeup.h"
#include "worker.h"

#define SERVER_LISTEN_MAX (SETTINGS_LISTEN_MAX * 4)

struct server {
    struct settings settings;
    struct rc_clock clock;
    struct store *store;
    struct stats stats;
    struct stats_thread *thread_stats;
    struct worker *workers;
    unsigned nworkers;
    unsigned next_worker;
    struct ev_loop *loop;
    struct wakeup *stop_wake;
    int sigfd;
    int lfds[SERVER_LISTEN_MAX];
    int nlfds;
};

static const char reject_msg[] = "ERROR Too many open connections\r\n";

static void set_accepting(struct server *srv, bool on)
{
    for (int i = 0; i < srv->nlfds; i++)
        ev_mod(srv->loop, srv->lfds[i], on ? EV_READ : 0);
}

static void on_resume_accept(struct ev_loop *l, void *arg)
{
    set_accepting(arg, true);
}

static void on_accept(struct ev_loop *l, int lfd, uint32_t events, void *arg)
{
    struct server *srv = arg;
    for (int i = 0; i < 64; i++) { /* bounded: let other listeners and signals in */
        int fd;
        int rc = net_accept(lfd, &fd);
        if (rc == RC_ERR_FULL) { /* out of fds: pause accepting rather than spin on EMFILE */
            if (ev_timer_add(l, 100, false, on_resume_accept, srv) >= 0)
                set_accepting(srv, false);
            return;
        }
        if (rc != RC_OK)
            return; /* EAGAIN: the next readiness event retries */
        uint64_t cur = atomic_fetch_add(&srv->stats.curr_connections, 1);
        if (cur >= (uint64_t)srv->settings.maxconns) {
            atomic_fetch_sub(&srv->stats.curr_connections, 1);
            atomic_fetch_add(&srv->stats.rejected_connections, 1);
            ssize_t wr = send(fd, reject_msg, sizeof(reject_msg) - 1, MSG_NOSIGNAL);
            (void)wr;
            close(fd);
            continue;
        }
        atomic_fetch_add(&srv->stats.total_connections, 1);
        struct worker *w = &srv->workers[srv->next_worker++ % srv->nworkers];
        if (worker_handoff(w, fd) != RC_OK) {
            atomic_fetch_sub(&srv->stats.curr_connections, 1);
            close(fd);
        }
    }
}

static void on_stop(void *arg, uint64_t item)
{
    struct server *srv = arg;
    ev_stop(srv->loop);
}

static void on_signal(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
    struct signalfd_siginfo si;
    if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
        ev_stop(l);
}

static int open_listeners(struct server *srv, char *err, size_t errlen)
{
    const struct settings *s = &srv->settings;
    if (s->unix_path[0] != '\0') {
        int rc = net_listen_unix(s->unix_path, s->unix_mask, s->backlog, &srv->lfds[0]);
        if (rc != RC_OK) {
            snprintf(err, errlen, "failed to listen on unix socket %s: %s", s->unix_path,
                     strerror(errno));
            return rc;
        }
        srv->nlfds = 1;
        return RC_OK;
    }
    for (int i = 0; i < s->nlisten; i++) {
        char host[SETTINGS_HOST_MAX];
        int port = s->port, n = 0;
        net_split_hostport(s->listen[i], host, sizeof(host), &port);
        int rc = net_listen_tcp(host, port, s->backlog, false, srv->lfds + srv->nlfds,
                                SERVER_LISTEN_MAX - srv->nlfds, &n);
        if (rc != RC_OK) {
            snprintf(err, errlen, "failed to listen on %s port %d: %s", host, port,
                     rc == RC_ERR_RESOLVE ? "cannot resolve" : strerror(errno));
            return rc;
        }
        srv->nlfds += n;
    }
    return RC_OK;
}

static int start_workers(struct server *srv)
{
    unsigned n = (unsigned)srv->settings.threads;
    srv->workers = calloc(n, sizeof(*srv->workers));
    srv->thread_stats = calloc(n, sizeof(*srv->thread_stats));
    if (srv->workers == NULL || srv->thread_stats == NULL)
        return RC_ERR_NOMEM;
    stats_init(&srv->stats, &srv->settings, srv->store, &srv->clock, srv->thread_stats, n);
    srv->nworkers = n;
    for (unsigned i = 0; i < n; i++) {
        struct worker *w = &srv->workers[i];
        w->settings = &srv->settings;
        w->store = srv->store;
        w->stats = &srv->stats;
        w->st = &srv->thread_stats[i];
        w->clock = &srv->clock;
        int rc = worker_init(w, i, srv);
        if (rc != RC_OK)
            return rc;
    }
    for (unsigned i = 0; i < n; i++) {
        int rc = worker_start(&srv->workers[i]);
        if (rc != RC_OK)
            return rc;
    }
    return RC_OK;
}

static int setup_loop(struct server *srv, bool handle_signals)
{
    int rc = ev_loop_create(&srv->loop);
    if (rc == RC_OK)
        rc = wakeup_create(&srv->stop_wake, srv->loop, 16, on_stop, srv);
    for (int i = 0; rc == RC_OK && i < srv->nlfds; i++)
        rc = ev_add(srv->loop, srv->lfds[i], EV_READ, on_accept, srv);
    if (rc == RC_OK && handle_signals) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        srv->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
        if (srv->sigfd < 0)
            return RC_ERR_IO;
        rc = ev_add(srv->loop, srv->sigfd, EV_READ, on_signal, srv);
    }
    return rc;
}

int server_create(struct server **out, const struct settings *s, bool handle_signals, char *err,
                  size_t errlen)
{
    *out = NULL;
    err[0] = '\0';
    struct server *srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        return RC_ERR_NOMEM;
    srv->settings = *s;
    srv->sigfd = -1;
    clock_init(&srv->clock);
    struct store_config cfg = {
        .mem_limit = s->maxbytes,
        .item_size_max = s->item_size_max,
        .nworkers = (unsigned)s->threads,
        .no_evict = s->no_evict,
        .no_cas = s->no_cas,
        .clock = &srv->clock,
    };
    int rc = store_create(&srv->store, &cfg);
    if (rc != RC_OK)
        snprintf(err, errlen, "cannot create the store: %s", rc_strerror(rc));
    if (rc == RC_OK)
        rc = open_listeners(srv, err, errlen);
    if (rc == RC_OK)
        rc = setup_loop(srv, handle_signals);
    if (rc == RC_OK) {
        rc = start_workers(srv);
        if (rc != RC_OK)
            snprintf(err, errlen, "cannot start worker threads: %s", rc_strerror(rc));
    }
    if (rc != RC_OK) {
        if (err[0] == '\0')
            snprintf(err, errlen, "start-up failed: %s", rc_strerror(rc));
        server_destroy(&srv);
        return rc;
    }
    *out = srv;
    return RC_OK;
}

int server_run(struct server *srv)
{
    return ev_run(srv->loop);
}

void server_stop(struct server *srv)
{
    wakeup_post(srv->stop_wake, 1);
}

void server_destroy(struct server **sp)
{
    if (sp == NULL || *sp == NULL)
        return;
    struct server *srv = *sp;
    for (unsigned i = 0; srv->workers && i < (unsigned)srv->settings.threads; i++)
        worker_stop(&srv->workers[i]);
    for (unsigned i = 0; srv->workers && i < (unsigned)srv->settings.threads; i++) {
        worker_join(&srv->workers[i]);
        worker_deinit(&srv->workers[i]);
    }
    for (int i = 0; i < srv->nlfds; i++) {
        if (srv->loop)
            ev_del(srv->loop, srv->lfds[i]);
        close(srv->lfds[i]);
    }
    if (srv->settings.unix_path[0] != '\0' && srv->nlfds > 0)
        unlink(srv->settings.unix_path);
    if (srv->sigfd >= 0)
        close(srv->sigfd);
    wakeup_destroy(&srv->stop_wake);
    ev_loop_destroy(&srv->loop);
    if (srv->nworkers > 0)
        stats_deinit(&srv->stats);
    free(srv->workers);
    free(srv->thread_stats);
    store_destroy(&srv->store);
    free(srv);
    *sp = NULL;
}

int server_port(const struct server *srv)
{
    return srv->nlfds > 0 ? net_local_port(srv->lfds[0]) : RC_ERR_INVAL;
}

struct stats *server_stats(struct server *srv)
{
    return &srv->stats;
}
