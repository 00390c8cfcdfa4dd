/* stats: counters and `stats` text for ringcached (see stats.h).
 *
 * Design: workers own their struct stats_thread and bump it without locks; readers sum all of
 * them. `stats reset` snapshots the sums into `baseline` under `lock` instead of zeroing what
 * other threads write, so it never races with a worker. Connection counters are process-wide
 * atomics (the acceptor increments, workers decrement). Engine figures come from
 * store_get_stats() and keep the store's names (STORE_STATS).
 *
 * Shapes: memcached's slab classes do not exist here; `stats slabs` and `stats items` report the
 * segment store as one class (id 1) whose "pages" are segments, so tools that parse them still
 * find the fields they expect. */
#include "stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "settings.h"
#include "store.h"

void stats_init(struct stats *st, const struct settings *s, struct store *store,
                struct rc_clock *clock, struct stats_thread *threads, unsigned nthreads)
{
    memset(st, 0, sizeof(*st));
    st->settings = s;
    st->store = store;
    st->clock = clock;
    st->threads = threads;
    st->nthreads = nthreads;
    atomic_init(&st->verbosity, s->verbose);
    pthread_mutex_init(&st->lock, NULL);
}

void stats_deinit(struct stats *st)
{
    pthread_mutex_destroy(&st->lock);
}

static void sum_raw(struct stats *st, struct stats_sums *out)
{
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < st->nthreads; i++) {
#define SUM_ONE(name) out->name += atomic_load_explicit(&st->threads[i].name, memory_order_relaxed);
        STATS_THREAD(SUM_ONE)
#undef SUM_ONE
    }
}

void stats_sum(struct stats *st, struct stats_sums *out)
{
    sum_raw(st, out);
    pthread_mutex_lock(&st->lock);
#define SUB_ONE(name) out->name -= st->baseline.name;
    STATS_THREAD(SUB_ONE)
#undef SUB_ONE
    pthread_mutex_unlock(&st->lock);
}

void stats_reset(struct stats *st)
{
    struct stats_sums now;
    sum_raw(st, &now);
    pthread_mutex_lock(&st->lock);
    st->baseline = now;
    st->total_connections_base = atomic_load(&st->total_connections);
    st->rejected_connections_base = atomic_load(&st->rejected_connections);
    pthread_mutex_unlock(&st->lock);
    store_reset_stats(st->store);
}

static void emit_u64(stats_emit_fn emit, void *arg, const char *name, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof(b), "%" PRIu64, v);
    emit(arg, name, b);
}

static void emit_rusage(stats_emit_fn emit, void *arg)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    char b[48];
    snprintf(b, sizeof(b), "%ld.%06ld", (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
    emit(arg, "rusage_user", b);
    snprintf(b, sizeof(b), "%ld.%06ld", (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec);
    emit(arg, "rusage_system", b);
}

static void emit_connections(struct stats *st, stats_emit_fn emit, void *arg)
{
    pthread_mutex_lock(&st->lock);
    uint64_t tbase = st->total_connections_base, rbase = st->rejected_connections_base;
    pthread_mutex_unlock(&st->lock);
    emit_u64(emit, arg, "max_connections", (uint64_t)st->settings->maxconns);
    emit_u64(emit, arg, "curr_connections", atomic_load(&st->curr_connections));
    emit_u64(emit, arg, "total_connections", atomic_load(&st->total_connections) - tbase);
    emit_u64(emit, arg, "rejected_connections", atomic_load(&st->rejected_connections) - rbase);
    emit_u64(emit, arg, "connection_structures", atomic_load(&st->connection_structures));
}

void stats_general(struct stats *st, stats_emit_fn emit, void *arg)
{
    uint32_t now = clock_now(st->clock);
    emit_u64(emit, arg, "pid", (uint64_t)getpid());
    emit_u64(emit, arg, "uptime", now);
    emit_u64(emit, arg, "time", (uint64_t)clock_to_unix(st->clock, now));
    emit(arg, "version", RC_VERSION);
    emit_u64(emit, arg, "pointer_size", sizeof(void *) * 8);
    emit_rusage(emit, arg);
    emit_connections(st, emit, arg);
    struct stats_sums s;
    stats_sum(st, &s);
    struct store_stats ss;
    store_get_stats(st->store, &ss);
    /* the store's get_expired and get_flushed go right after get_misses, in memcached's order */
#define EMIT_THREAD(name)                                                                          \
    emit_u64(emit, arg, #name, s.name);                                                            \
    if (strcmp(#name, "get_misses") == 0) {                                                        \
        emit_u64(emit, arg, "get_expired", ss.get_expired);                                        \
        emit_u64(emit, arg, "get_flushed", ss.get_flushed);                                        \
    }
    STATS_THREAD(EMIT_THREAD)
#undef EMIT_THREAD
    emit_u64(emit, arg, "accepting_conns", 1);
    emit_u64(emit, arg, "threads", st->nthreads);
#define EMIT_STORE(name, desc)                                                                     \
    if (strcmp(#name, "get_expired") != 0 && strcmp(#name, "get_flushed") != 0)                    \
        emit_u64(emit, arg, #name, ss.name);
    STORE_STATS(EMIT_STORE)
#undef EMIT_STORE
}

static void emit_setting(void *arg, const char *name, const char *value)
{
    void **pair = arg;
    stats_emit_fn emit = (stats_emit_fn)pair[0];
    emit(pair[1], name, value);
}

void stats_settings(struct stats *st, stats_emit_fn emit, void *arg)
{
    /* settings_stats prints the start-up value; verbosity changes at run time. */
    void *pair[2] = {(void *)emit, arg};
    struct settings copy = *st->settings;
    copy.verbose = atomic_load(&st->verbosity);
    settings_stats(&copy, emit_setting, pair);
}

void stats_items(struct stats *st, stats_emit_fn emit, void *arg)
{
    struct store_stats ss;
    store_get_stats(st->store, &ss);
    if (ss.curr_items == 0)
        return; /* memcached lists only classes that hold items */
    emit_u64(emit, arg, "items:1:number", ss.curr_items);
    emit_u64(emit, arg, "items:1:evicted", ss.evictions);
    emit_u64(emit, arg, "items:1:evicted_unfetched", ss.evicted_unfetched);
    emit_u64(emit, arg, "items:1:expired_unfetched", ss.expired_unfetched);
    emit_u64(emit, arg, "items:1:reclaimed", ss.reclaimed);
    emit_u64(emit, arg, "items:1:outofmemory", 0);
}

void stats_slabs(struct stats *st, stats_emit_fn emit, void *arg)
{
    struct store_stats ss;
    store_get_stats(st->store, &ss);
    struct stats_sums s;
    stats_sum(st, &s);
    if (ss.segments_used > 0) {
        emit_u64(emit, arg, "1:chunk_size", ss.segment_size);
        emit_u64(emit, arg, "1:chunks_per_page", 1);
        emit_u64(emit, arg, "1:total_pages", ss.segments_used);
        emit_u64(emit, arg, "1:total_chunks", ss.segments_used);
        emit_u64(emit, arg, "1:used_chunks", ss.segments_used);
        emit_u64(emit, arg, "1:free_chunks", ss.segments_free);
        emit_u64(emit, arg, "1:free_chunks_end", 0);
        emit_u64(emit, arg, "1:get_hits", s.get_hits);
        emit_u64(emit, arg, "1:cmd_set", s.cmd_set);
        emit_u64(emit, arg, "1:delete_hits", s.delete_hits);
        emit_u64(emit, arg, "1:incr_hits", s.incr_hits);
        emit_u64(emit, arg, "1:decr_hits", s.decr_hits);
        emit_u64(emit, arg, "1:cas_hits", s.cas_hits);
        emit_u64(emit, arg, "1:cas_badval", s.cas_badval);
        emit_u64(emit, arg, "1:touch_hits", s.touch_hits);
    }
    emit_u64(emit, arg, "active_slabs", ss.segments_used > 0 ? 1 : 0);
    emit_u64(emit, arg, "total_malloced", ss.segments_used * ss.segment_size);
}
