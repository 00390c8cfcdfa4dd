/* worker: one thread running one event loop that owns its connections. New connections arrive
 * through the worker's wakeup queue (fds handed over by the acceptor); the worker's tid is its
 * index for store calls that append. */
#ifndef RC_SERVER_WORKER_H
#define RC_SERVER_WORKER_H

#include <pthread.h>
#include <stdbool.h>

#include "proto.h"
#include "stats.h"

struct conn;
struct server;
struct settings;
struct store;
struct ev_loop;
struct wakeup;
struct rc_clock;

struct worker {
    unsigned tid;
    struct server *srv;
    const struct settings *settings;
    struct store *store;
    struct stats *stats;     /* process-wide */
    struct stats_thread *st; /* this worker's counters */
    struct rc_clock *clock;
    struct ev_loop *loop;
    struct wakeup *wake;
    pthread_t thread;
    bool started;
    bool stop;
    struct proto_req req; /* parse scratch, reused by every request of this worker */
    struct conn *conns;   /* open connections */
    struct conn *ready;   /* connections with work left after their budget ran out */
    struct conn *pool;    /* closed connections kept for reuse (linked by next) */
    unsigned npool;
    size_t rbuf_max; /* read buffer limit per connection */
};

/* Prepares worker tid (loop, wakeup, idle timer). Returns 0 or a negative status. */
int worker_init(struct worker *w, unsigned tid, struct server *srv);
/* Closes every connection and frees everything; the thread must have been joined. */
void worker_deinit(struct worker *w);
/* Starts the thread. */
int worker_start(struct worker *w);
/* Thread-safe: hands an accepted fd over. RC_ERR_FULL if the queue is full (caller closes fd). */
int worker_handoff(struct worker *w, int fd);
/* Thread-safe: asks the worker to close its connections and return; then join it. */
void worker_stop(struct worker *w);
void worker_join(struct worker *w);
/* Loop thread: puts c on the ready list (it yielded with work left). */
void worker_ready(struct worker *w, struct conn *c);

#endif
