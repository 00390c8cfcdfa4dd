/* store: the cache's storage engine behind one facade. The server (text, meta and binary
 * executors), benchmarks and tests reach storage only through this header; the store never sees
 * the protocol.
 *
 * Concurrency: every function is thread-safe. Calls that write take a `tid`, the caller's worker
 * index in [0, nworkers): each worker appends to its own open segment, so two threads must never
 * pass the same tid at the same time. Reads may pass any tid they own.
 *
 * References: a successful store_get() pins the item's memory and fills a struct store_ref whose
 * key/value pointers stay valid (and unchanged) until store_unref(); the caller may writev() the
 * value straight from there. A pinned segment is never reused, so hold references briefly (until
 * the reply is written) and release every one.
 *
 * Time: the store reads the clock given in its config; relative times are seconds from clock.h.
 * Exptimes passed in are protocol exptimes (as sent by clients) and converted with clock_exptime().
 */
#ifndef RC_STORE_H
#define RC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rc_clock;
struct store;

struct store_config {
    size_t mem_limit;       /* -m, bytes: everything allocated for items and the index */
    size_t item_size_max;   /* -I, bytes: largest item (key + value + header) */
    unsigned nworkers;      /* appending threads; tids are 0 .. nworkers-1 */
    bool no_evict;          /* -M: full memory gives STORE_NO_MEMORY instead of evicting */
    bool no_cas;            /* -C: cas values are always 0 */
    struct rc_clock *clock; /* required; owned by the caller, outlives the store */
};

enum store_status {
    STORE_OK = 0,      /* stored / hit / deleted / touched */
    STORE_NOT_STORED,  /* add on existing; replace/append/prepend on missing */
    STORE_EXISTS,      /* cas mismatch */
    STORE_NOT_FOUND,   /* miss; cas/delete/incr/touch on a missing item */
    STORE_TOO_LARGE,   /* item larger than item_size_max */
    STORE_NO_MEMORY,   /* -M and memory full, or nothing evictable */
    STORE_NON_NUMERIC, /* incr/decr on a value that is not a decimal number */
    STORE_INVALID,     /* bad argument (key length 0 or > 250) */
};

/* A pinned item, filled by store_get(). All fields describe the item as it was when read. */
struct store_ref {
    const char *key;
    const char *value;
    uint32_t klen;
    uint32_t vlen;
    uint32_t flags; /* client flags */
    uint64_t cas;
    uint32_t exptime; /* relative expiry, 0 = never (meta t flag) */
    uint32_t atime;   /* relative time of the previous access (meta l flag) */
    bool fetched;     /* it had been fetched before this access (meta h flag) */
    bool stale;       /* marked stale by an invalidation (meta X flag) */
    bool win;         /* this caller won the right to recache (meta W flag) */
    bool lost;        /* another caller already won (meta Z flag) */
    void *pin;        /* the store's; do not touch */
};

/* Options of a read; a zeroed struct is a plain get. */
struct store_get_opts {
    bool touch;             /* gat / mg T: set the expiry to `exptime` */
    int64_t exptime;        /* protocol exptime for touch / vivify */
    bool no_bump;           /* do not count as an access (no frequency bump, no fetched mark) */
    bool vivify;            /* mg N: on a miss create an empty item with `exptime` and win */
    bool recache;           /* mg R: win if the remaining TTL is below recache_below */
    uint32_t recache_below; /* seconds */
};

enum store_mode { STORE_SET, STORE_ADD, STORE_REPLACE, STORE_APPEND, STORE_PREPEND, STORE_CAS };

struct store_set_args {
    enum store_mode mode;
    const char *key;
    size_t klen;
    const char *value;
    size_t vlen;
    uint32_t flags;
    int64_t exptime;      /* protocol exptime */
    uint64_t compare_cas; /* STORE_CAS (any mode when non-zero): store only if equal */
    uint64_t set_cas;     /* meta E: use this cas instead of a new one (0 = new) */
    bool invalidate;      /* meta I: a cas older than the item's still stores, marked stale */
};

struct store_delete_args {
    const char *key;
    size_t klen;
    uint64_t compare_cas; /* non-zero: delete only if equal, else STORE_EXISTS */
    bool invalidate;      /* meta md I: mark stale instead of removing */
    bool touch;           /* with invalidate: also set the expiry (meta T) */
    int64_t exptime;
};

struct store_arith_args {
    const char *key;
    size_t klen;
    bool incr; /* false: decr (stops at 0); incr wraps at 2^64 */
    uint64_t delta;
    bool vivify; /* meta ma N / binary initial: create with `initial` on a miss */
    uint64_t initial;
    int64_t exptime;      /* for a vivified item */
    uint64_t compare_cas; /* non-zero: only if equal */
};

/* Creates a store. Returns 0 and *out, or RC_ERR_INVAL (bad config) / RC_ERR_NOMEM. */
int store_create(struct store **out, const struct store_config *cfg);
/* Frees everything; *s becomes NULL. Accepts NULL or *s == NULL. No reference may be held. */
void store_destroy(struct store **s);

/* Looks up key; on STORE_OK fills *ref (release with store_unref). Expired or flushed items are
 * misses. With opts->vivify a miss creates the item and returns STORE_OK with ref->win set. */
enum store_status store_get(struct store *s, unsigned tid, const char *key, size_t klen,
                            const struct store_get_opts *opts, struct store_ref *ref);
/* The store's hash of a key, for a caller that prefetches and then gets a key (a multi-get),
 * so the key is hashed once. */
uint64_t store_hash(const char *key, size_t klen);
/* store_get with h = store_hash(key, klen) given (with another h, the key is looked for in the
 * wrong place: a miss). */
enum store_status store_get_hashed(struct store *s, unsigned tid, const char *key, size_t klen,
                                   uint64_t h, const struct store_get_opts *opts,
                                   struct store_ref *ref);
/* A hint for batched reads (a multi-get's next keys), so their cache misses overlap: with
 * item false it starts loading the index bucket of the key hashed to h (store_hash); called again
 * with item true a little later (once that bucket has arrived) it reads the bucket and starts
 * loading the item a matching tag points to. Changes nothing, takes no lock, never waits; a stale
 * slot only wastes a prefetch. */
void store_prefetch(struct store *s, uint64_t h, bool item);
/* Releases a reference from store_get; ref->pin becomes NULL. */
void store_unref(struct store *s, struct store_ref *ref);

/* set/add/replace/append/prepend/cas. *cas_out (may be NULL) gets the stored item's cas. */
enum store_status store_set(struct store *s, unsigned tid, const struct store_set_args *a,
                            uint64_t *cas_out);
enum store_status store_delete(struct store *s, unsigned tid, const struct store_delete_args *a);
/* incr/decr. *value_out gets the new value, *cas_out (may be NULL) the new cas. */
enum store_status store_arith(struct store *s, unsigned tid, const struct store_arith_args *a,
                              uint64_t *value_out, uint64_t *cas_out);
enum store_status store_touch(struct store *s, unsigned tid, const char *key, size_t klen,
                              int64_t exptime);
/* flush_all. Delay 0: every item is removed now. Delay d > 0: items stored before second
 * now + d become invalid once it comes (memcached's rule); they are removed lazily, by the
 * lookups that meet them (stat get_flushed) or with their segments when memory is reclaimed,
 * so curr_items still counts them until then (as memcached's does until its crawler passes). */
void store_flush(struct store *s, int64_t delay);

/* Engine statistics. Names follow memcached's `stats` where the meaning is the same; the rest are
 * the engine's own. X(name, description) */
#define STORE_STATS(X)                                                                             \
    X(curr_items, "items currently stored")                                                        \
    X(total_items, "items stored since start")                                                     \
    X(bytes, "bytes used by stored items (key + value + header)")                                  \
    X(limit_maxbytes, "memory limit (-m) in bytes")                                                \
    X(evictions, "valid items removed to free memory")                                             \
    X(expired_unfetched, "items expired without ever being fetched")                               \
    X(evicted_unfetched, "items evicted without ever being fetched")                               \
    X(reclaimed, "items whose memory was reused after expiry")                                     \
    X(segments_total, "segments the memory limit allows")                                          \
    X(segments_used, "segments holding items")                                                     \
    X(segments_free, "segments ready for reuse")                                                   \
    X(segment_size, "bytes per segment")                                                           \
    X(ghost_hits, "new items admitted to main because their key was recently evicted")             \
    X(bytes_copied_forward, "bytes of live items copied forward when a segment was reclaimed")     \
    X(segments_compacted, "segments freed by compaction instead of touching new memory")           \
    X(bytes_compacted, "bytes of live items moved by compaction")                                  \
    X(index_bytes, "bytes used by the hash index")                                                 \
    X(index_slots, "slots in the hash index")                                                      \
    X(get_expired, "lookups (any command) that found an expired item, which they removed")         \
    X(get_flushed, "lookups that found an item a delayed flush_all had invalidated")

struct store_stats {
#define STORE_STATS_FIELD(name, desc) uint64_t name;
    STORE_STATS(STORE_STATS_FIELD)
#undef STORE_STATS_FIELD
};

/* Fills *out with a consistent-enough snapshot (counters are summed without stopping writers). */
void store_get_stats(struct store *s, struct store_stats *out);
/* Zeroes the resettable counters (total_items, evictions, ..., as memcached's `stats reset`). */
void store_reset_stats(struct store *s);

/* Human text for a status (for logs and tests). */
const char *store_strstatus(enum store_status st);

#endif
