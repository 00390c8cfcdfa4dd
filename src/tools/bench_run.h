/* bench_run: the load generator's engine. One thread, one epoll set, N connections per target,
 * each kept `depth` requests deep (closed loop: a new request goes out when a reply comes back).
 * Several targets (e.g. ringcached and memcached) are driven in alternating slices, so they share
 * the machine's conditions; only one target is loaded at a time, and a slice ends only once its
 * requests have all been answered. With a server PID, the server's CPU time (utime + stime from
 * /proc/PID/stat) is summed over the measured slices.
 *
 * In cluster mode the servers are the shards of one cache: every key has an owner (given by
 * the caller, e.g. libringcache's ring), each connection only asks for keys its server owns, and
 * the figures are summed over the shards.
 *
 * Ownership: bench_run_create copies the configurations; the caller keeps nothing alive except the
 * owner table (cluster mode) and the stop flag. Not thread-safe. */
#ifndef RC_BENCH_RUN_H
#define RC_BENCH_RUN_H

#include <signal.h>
#include <stdint.h>

#include "bench_conn.h"
#include "bench_gen.h"

#define BENCH_RUN_TARGETS_MAX 16

struct bench_run;

struct bench_run_target {
    char name[128];                /* "host:port" as given */
    int pid;                       /* server PID for CPU accounting, 0 = none */
    struct bench_conn_stats stats; /* measured slices only */
    int64_t active_ns;             /* time spent in measured slices (incl. draining) */
    uint64_t cpu_ticks;            /* server CPU ticks during measured slices */
    unsigned slices;               /* measured slices run */
};

/* Called about once a second during the measured phase; elapsed_s counts from its start. */
typedef void (*bench_run_progress_fn)(void *arg, const struct bench_run *r, double elapsed_s);

struct bench_run_cfg {
    unsigned conns;       /* connections per target (> 0) */
    int64_t duration_ns;  /* measured time per target (0: requests decides) */
    uint64_t requests;    /* requests per target (0: duration decides) */
    int64_t slice_ns;     /* alternation slice; 0 = one slice per target */
    int64_t warmup_ns;    /* unmeasured load per target before measuring */
    int preload;          /* set every key once before measuring */
    int cluster;          /* targets are shards of one cache (see owner) */
    const uint8_t *owner; /* cluster: owner[key id] = target index, nkeys entries */
    uint64_t seed;
    bench_run_progress_fn progress;
    void *progress_arg;
    volatile sig_atomic_t *stop; /* optional: set non-zero to end the run early */
};

/* Prepares a run (no I/O yet). Returns 0, RC_ERR_INVAL (inconsistent configuration) or
 * RC_ERR_NOMEM. */
int bench_run_create(struct bench_run **out, const struct bench_run_cfg *cfg,
                     const struct bench_gen_cfg *gen, const struct bench_conn_cfg *conn);
/* Frees everything and closes the sockets; accepts NULL and *r == NULL; sets *r = NULL. */
void bench_run_destroy(struct bench_run **r);

/* Adds a target "host:port" (pid 0: no CPU figure). Returns its index, RC_ERR_FULL or
 * RC_ERR_RESOLVE. */
int bench_run_add_target(struct bench_run *r, const char *hostport, int pid);

/* Connects, preloads, warms up and measures. Returns 0, or a negative status with
 * bench_run_error() saying what went wrong (connection lost, protocol desync, timeout). */
int bench_run_execute(struct bench_run *r);
const char *bench_run_error(const struct bench_run *r);

unsigned bench_run_ntargets(const struct bench_run *r);
const struct bench_run_target *bench_run_target(const struct bench_run *r, unsigned i);

/* CPU time of a process in clock ticks (utime + stime of every thread), or -1. */
int64_t bench_run_proc_ticks(int pid);

#endif
