/* stats: the server's counters and the text of `stats`, `stats settings`, `stats items`,
 * `stats slabs` and `stats reset`, with memcached's field names.
 *
 * Per-worker counters (STATS_THREAD) are written only by their worker, with relaxed atomic
 * load+store (no locked instruction on the hot path), and summed by whoever runs `stats`.
 * `stats reset` never writes a worker's counters: it records the current sums as a baseline that
 * later reports subtract. */
#ifndef RC_SERVER_STATS_H
#define RC_SERVER_STATS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

struct settings;
struct store;
struct rc_clock;

/* X(name): per-worker counters, in memcached's order. */
#define STATS_THREAD(X)                                                                            \
    X(cmd_get)                                                                                     \
    X(cmd_set)                                                                                     \
    X(cmd_flush)                                                                                   \
    X(cmd_touch)                                                                                   \
    X(get_hits)                                                                                    \
    X(get_misses)                                                                                  \
    X(delete_misses)                                                                               \
    X(delete_hits)                                                                                 \
    X(incr_misses)                                                                                 \
    X(incr_hits)                                                                                   \
    X(decr_misses)                                                                                 \
    X(decr_hits)                                                                                   \
    X(cas_misses)                                                                                  \
    X(cas_hits)                                                                                    \
    X(cas_badval)                                                                                  \
    X(touch_hits)                                                                                  \
    X(touch_misses)                                                                                \
    X(store_too_large)                                                                             \
    X(store_no_memory)                                                                             \
    X(bytes_read)                                                                                  \
    X(bytes_written)                                                                               \
    X(conn_yields)

struct stats_thread {
#define STATS_FIELD(name) _Atomic uint64_t name;
    STATS_THREAD(STATS_FIELD)
#undef STATS_FIELD
};

struct stats_sums {
#define STATS_SUM_FIELD(name) uint64_t name;
    STATS_THREAD(STATS_SUM_FIELD)
#undef STATS_SUM_FIELD
};

/* Single-writer increment: only the owning worker calls it. */
static inline void stats_add(_Atomic uint64_t *c, uint64_t n)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}
#define STATS_INC(st, name) stats_add(&(st)->name, 1)

/* Process-wide state for stats; owned by the server, shared by all workers. */
struct stats {
    const struct settings *settings;
    struct store *store;
    struct rc_clock *clock;
    struct stats_thread *threads; /* array of nthreads, owned by the caller */
    unsigned nthreads;
    _Atomic uint64_t curr_connections;
    _Atomic uint64_t total_connections;
    _Atomic uint64_t rejected_connections;
    _Atomic uint64_t connection_structures;
    _Atomic int verbosity;
    pthread_mutex_t lock; /* guards baseline and the *_base values */
    struct stats_sums baseline;
    uint64_t total_connections_base, rejected_connections_base;
};

/* Receives one "STAT name value" line. */
typedef void (*stats_emit_fn)(void *arg, const char *name, const char *value);

void stats_init(struct stats *st, const struct settings *s, struct store *store,
                struct rc_clock *clock, struct stats_thread *threads, unsigned nthreads);
void stats_deinit(struct stats *st);
/* Sums the worker counters minus the reset baseline. */
void stats_sum(struct stats *st, struct stats_sums *out);
/* `stats` (general), `stats settings`, `stats items`, `stats slabs`. */
void stats_general(struct stats *st, stats_emit_fn emit, void *arg);
void stats_settings(struct stats *st, stats_emit_fn emit, void *arg);
void stats_items(struct stats *st, stats_emit_fn emit, void *arg);
void stats_slabs(struct stats *st, stats_emit_fn emit, void *arg);
/* `stats reset`: counters start again from zero (engine counters too). */
void stats_reset(struct stats *st);

#endif
