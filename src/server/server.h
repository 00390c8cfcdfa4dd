/* server: ringcached's process-wide parts: settings, clock, store, stats, the listeners and
 * acceptor loop (on the thread calling server_run), and the worker threads. */
#ifndef RC_SERVER_SERVER_H
#define RC_SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct server;
struct settings;

/* Creates the store, binds every listener and starts the workers. With handle_signals, SIGINT
 * and SIGTERM (which the caller has blocked in every thread) stop server_run through a signalfd.
 * Returns 0 and *out, or a negative status with a message in err. */
int server_create(struct server **out, const struct settings *s, bool handle_signals, char *err,
                  size_t errlen);
/* Accepts connections until server_stop (or a signal). Returns 0 or a negative status. */
int server_run(struct server *srv);
/* Thread-safe and async-signal-safe enough for a worker: makes server_run return. */
void server_stop(struct server *srv);
/* Stops and joins the workers, closes listeners, removes the unix socket, frees everything.
 * Accepts NULL; *srv becomes NULL. */
void server_destroy(struct server **srv);
/* The bound TCP port of the first listener (useful with -p 0), or a negative status. */
int server_port(const struct server *srv);

/* For executors. */
struct stats;
struct stats *server_stats(struct server *srv);

#endif
