/* worker: a thread, its event loop and the connections it owns (see worker.h).
 *
 * Design: the acceptor hands accepted fds over through the worker's wakeup queue (item = fd);
 * WORKER_STOP asks the loop to end. The loop runs epoll batches; after a batch with work it
 * polls without waiting for up to a window of time before it sleeps (a depth-1 client's next
 * request usually arrives within microseconds, and a sleep costs a wake-up). The window adapts
 * between 0 and -o idle_poll_us to the sleeps it sees (src/event/spin.h), so a lightly loaded
 * worker does not poll; the clock is read only when a poll found nothing or around a sleep.
 * Between empty polls the worker yields its CPU (sched_yield), so polling never holds a CPU that
 * another thread with work is waiting for (more workers than CPUs).
 * Connections that used up their -R budget with work left sit on the ready list and are driven
 * again after each batch (epoll is then polled without waiting), so one busy pipelining client
 * cannot starve the others. With -o idle_timeout, a 1 s timer closes connections that neither read
 * nor wrote anything for that long.
 *
 * Invariants: every open connection is on `conns`; `ready` holds a subset; `pool` only closed
 * ones. Concurrency: everything here runs on the worker thread except worker_handoff/worker_stop
 * (wakeup_post is thread-safe) and init/deinit (before start, after join). */
#include "worker.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "conn.h"
#include "loop.h"
#include "net.h"
#include "ringcache/status.h"
#include "server.h"
#include "settings.h"
#include "spin.h"
#include "wakeup.h"

#define WORKER_STOP  UINT64_MAX
#define WORKER_QUEUE 4096

static void on_wakeup(void *arg, uint64_t item)
{
    struct worker *w = arg;
    if (item == WORKER_STOP) {
        w->stop = true;
        return;
    }
    int fd = (int)item;
    net_set_nodelay(fd); /* fails harmlessly on unix sockets */
    if (conn_open(w, fd) != RC_OK) {
        close(fd);
        atomic_fetch_sub(&w->stats->curr_connections, 1);
        return;
    }
    if (atomic_load(&w->stats->verbosity) > 1)
        fprintf(stderr, "<%d new client connection\n", fd);
}

static void on_idle_timer(struct ev_loop *l, void *arg)
{
    struct worker *w = arg;
    uint32_t now = clock_now(w->clock);
    uint32_t limit = (uint32_t)w->settings->idle_timeout;
    struct conn *c = w->conns;
    while (c != NULL) {
        struct conn *next = c->next;
        /* idle: nothing read, and nothing written either if replies are queued (a reader that
         * stopped reading would otherwise pin its items forever) */
        if (now - c->last_active >= limit)
            conn_close(c);
        c = next;
    }
}

int worker_init(struct worker *w, unsigned tid, struct server *srv)
{
    w->tid = tid;
    w->srv = srv;
    size_t big = PROTO_GET_LINE_MAX + 16;
    size_t item = w->settings->item_size_max + PROTO_LINE_MAX + 2;
    w->rbuf_max = big > item ? big : item;
    int rc = ev_loop_create(&w->loop);
    if (rc != RC_OK)
        return rc;
    rc = wakeup_create(&w->wake, w->loop, WORKER_QUEUE, on_wakeup, w);
    if (rc != RC_OK)
        return rc;
    if (w->settings->idle_timeout > 0 && ev_timer_add(w->loop, 1000, true, on_idle_timer, w) < 0)
        return RC_ERR_FULL;
    return RC_OK;
}

void worker_deinit(struct worker *w)
{
    while (w->conns != NULL)
        conn_close(w->conns);
    while (w->pool != NULL) {
        struct conn *c = w->pool;
        w->pool = c->next;
        conn_free(c);
    }
    w->npool = 0;
    wakeup_destroy(&w->wake);
    ev_loop_destroy(&w->loop);
}

void worker_ready(struct worker *w, struct conn *c)
{
    if (c->in_ready)
        return;
    c->in_ready = true;
    c->rprev = NULL;
    c->rnext = w->ready;
    if (w->ready)
        w->ready->rprev = c;
    w->ready = c;
}

/* Drives every connection that was on the ready list when this round began. */
static void run_ready(struct worker *w)
{
    struct conn *list = w->ready;
    w->ready = NULL;
    for (struct conn *c = list; c != NULL; c = c->rnext)
        c->in_ready = false;
    while (list != NULL) {
        struct conn *c = list;
        list = c->rnext;
        if (list)
            list->rprev = NULL;
        c->rnext = c->rprev = NULL;
        conn_drive(c);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct spin spin;
    spin_init(&spin, (int64_t)w->settings->idle_poll_us * 1000);
    while (!w->stop) {
        int timeout = w->ready ? 0 : spin_timeout(&spin);
        bool timed = timeout < 0 && spin.limit_ns > 0; /* a sleep the window learns from */
        int64_t slept_from = timed ? clock_mono_ns() : 0;
        int n = ev_run_once(w->loop, timeout);
        if (n < 0)
            break;
        if (timed)
            spin_slept(&spin, clock_mono_ns() - slept_from);
        if (n > 0 || w->ready)
            spin_work(&spin);
        else {
            spin_empty(&spin, clock_mono_ns());
            if (spin_timeout(&spin) == 0)
                sched_yield(); /* polling must not keep a CPU from a thread with work */
        }
        if (w->ready)
            run_ready(w);
    }
    return NULL;
}

int worker_start(struct worker *w)
{
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
        return RC_ERR_NOMEM;
    w->started = true;
    return RC_OK;
}

int worker_handoff(struct worker *w, int fd)
{
    return wakeup_post(w->wake, (uint64_t)fd);
}

void worker_stop(struct worker *w)
{
    if (w->wake == NULL)
        return;
    while (wakeup_post(w->wake, WORKER_STOP) == RC_ERR_FULL)
        usleep(1000); /* the queue drains as the worker runs: bounded by the queue size */
}

void worker_join(struct worker *w)
{
    if (w->started)
        pthread_join(w->thread, NULL);
    w->started = false;
}
