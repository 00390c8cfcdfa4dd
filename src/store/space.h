/* space: where items live and how memory comes back (internal to src/store).
 *
 * struct space ties the segment pool, the index and the S3-FIFO queues together under the store
 * lock: it sizes them from -m (space_layout), opens segments for writers, grows the index, and
 * reclaims (frees expired or empty segments, then evicts a victim, copying forward what the policy
 * keeps). It also owns the item accounting (per-segment live counters and per-worker counters)
 * and the locked lookup shared by every write. The store facade (store.c) plans and publishes
 * writes and serves reads on top of it.
 *
 * Compaction: before a never-touched segment is taken, a log that is mostly dead space (live
 * bytes under a third of the segments in use) gives back its sparsest segment (found in a window
 * that rotates over the pool) instead, moving its live items, unchanged and in their own queue, to
 * the log's tail. Memory in use then follows the data, as memcached's does, instead of growing to
 * -m under overwrites.
 *
 * Locking: `lock` guards the free list, the queues, segment states, main_open, young_open and
 * reserve;
 * functions named *_locked here need the key's bucket lock (not the store lock). Order: store
 * lock before bucket lock. */
#ifndef RC_SPACE_H
#define RC_SPACE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evict.h"
#include "index.h"
#include "seg.h"
#include "store.h"
#include "ttl.h"

/* Per-worker counters (one cache line each; the last row is shared by non-worker callers). */
struct space_counters {
    _Atomic int64_t items, bytes;
    _Atomic int64_t total_items, total_items_base; /* `stats reset` moves the base */
    _Atomic uint64_t evictions, expired_unfetched, evicted_unfetched, reclaimed;
    _Atomic uint64_t ghost_hits, copied;
    _Atomic uint64_t compacted, compactions;   /* bytes moved / segments freed by compaction */
    _Atomic uint64_t get_expired, get_flushed; /* lookups that found an expired/flushed item */
} __attribute__((aligned(64)));

/* How -m is split. */
struct space_layout {
    size_t seg_size;
    uint32_t nseg;
    size_t nbuckets;      /* primary index buckets (64 bytes each) */
    size_t ghost_entries; /* 4 bytes each */
    uint32_t young_quota; /* segments the young queue may hold */
};

struct space {
    struct seg_pool pool;
    struct index ix;
    struct evict ev;
    pthread_mutex_t lock;
    unsigned nworkers;
    bool no_evict, no_cas;
    unsigned cas_off_bits, cas_gen_shift; /* a place's cas layout, see space_cas */
    bool reserve_on;                      /* keep a spare copy-forward segment (store lock) */
    _Atomic bool hits_seen;               /* some read has hit: copy-forward may happen (relaxed) */
    uint32_t reserve;                     /* spare copy-forward destination (store lock) */
    uint32_t *open;                       /* [nworkers][TTL_NGROUPS], each row its worker's own */
    uint32_t main_open[TTL_NGROUPS];      /* copy-forward destinations (store lock) */
    uint32_t young_open[TTL_NGROUPS]; /* compaction's destinations for young items (store lock) */
    uint32_t compact_cursor;          /* where compaction's rotating window starts */
    uint32_t parked;                  /* a compacted segment still pinned when it was emptied */
    struct space_counters *ctr;       /* [nworkers + 1] */
    /* Delayed flush_all (lazy, as memcached): items written before second T are invalid once
     * now >= T. flush_at = a pending T (0 = none); flush_lim = the latest T applied. An item is
     * invalid when its segment was opened before space_flush_limit(): writers never append to
     * such a segment (they seal it and open a new one), so that rule is exact. */
    _Atomic uint32_t flush_at, flush_lim;
};

/* A key (or a location, when seg != SEG_NONE) to match against slots; it receives the item. */
struct space_match {
    struct space *sp;
    const char *key;
    size_t klen;
    uint32_t tag;
    uint32_t seg, off;
    struct seg_item it;
};

enum space_drop { SPACE_DROP_DELETE, SPACE_DROP_EXPIRED, SPACE_DROP_EVICT };

/* Splits cfg->mem_limit into segments, primary index and ghost table. 0 or RC_ERR_INVAL. */
int space_layout(const struct store_config *cfg, struct space_layout *out);
/* Sets up everything for cfg. 0, RC_ERR_INVAL or RC_ERR_NOMEM (then nothing to deinit). */
int space_init(struct space *sp, const struct store_config *cfg, uint32_t now);
void space_deinit(struct space *sp);

static inline struct space_counters *space_ctr(struct space *sp, unsigned tid)
{
    return &sp->ctr[tid < sp->nworkers ? tid : sp->nworkers];
}
/* Adds n to a counter of worker tid's row that `stats reset` never zeroes (items, bytes, and
 * total_items, for which it records a base to subtract: a worker's store could undo a zero). A
 * worker's row has one writer, so a relaxed load and store do (no locked instruction); the shared
 * last row takes an atomic add. */
static inline void space_ctr_add(const struct space *sp, unsigned tid, _Atomic int64_t *c,
                                 int64_t n)
{
    if (tid < sp->nworkers)
        atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                              memory_order_relaxed);
    else
        atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}
/* An item's cas: its own when it carries one (touched, moved, or given by meta E), else its place,
 * gen | segment | offset/8 of slot value v, unique while the segment's generation lasts (a new
 * version is always written to a new place). Never 0. The caller checks -C. */
static inline uint64_t space_place_cas(const struct space *sp, uint64_t v)
{
    uint64_t gen = sp->pool.segs[index_slot_seg(v)].gen & sp->pool.gen_mask;
    return gen << sp->cas_gen_shift | (uint64_t)index_slot_seg(v) << sp->cas_off_bits |
           index_slot_off(v) / 8;
}
static inline uint64_t space_cas(const struct space *sp, uint64_t v, const struct seg_item *it)
{
    return (it->bits & SEG_IB_CAS) ? it->cas : space_place_cas(sp, v);
}
/* The item a slot points to. */
static inline char *space_item(const struct space *sp, uint64_t v)
{
    return seg_data(&sp->pool, index_slot_seg(v)) + index_slot_off(v);
}
/* Largest item a segment takes. */
static inline size_t space_item_max(const struct space *sp)
{
    return sp->pool.seg_size;
}

/* Items in segments opened before this time are invalidated by a delayed flush_all (0 = none). */
static inline uint32_t space_flush_limit(struct space *sp, uint32_t now)
{
    uint32_t lim = atomic_load_explicit(&sp->flush_lim, memory_order_relaxed);
    uint32_t at = atomic_load_explicit(&sp->flush_at, memory_order_relaxed);
    return at && now >= at && at > lim ? at : lim;
}
/* True if the segment's items were invalidated by a delayed flush_all that has come due. */
static inline bool space_seg_flushed(struct space *sp, uint32_t id, uint32_t now)
{
    return sp->pool.segs[id].create_time < space_flush_limit(sp, now);
}
/* Applies a delayed flush that has come due (any thread; idempotent). */
void space_apply_flush(struct space *sp, uint32_t now);

/* index_match_fn for struct space_match. */
bool space_match_slot(void *ctx, _Atomic uint64_t *slot, uint64_t v);
/* Finds key's live item (bucket lock held). Expired items and items of a delayed flush are
 * removed on the way and counted as get_expired / get_flushed (memcached counts every lookup
 * that meets one, whatever the command). */
_Atomic uint64_t *space_lookup_locked(struct space *sp, unsigned tid, uint64_t h, const char *key,
                                      size_t klen, uint32_t now, struct space_match *m);
/* Counts an item in (+1) or out (-1) of its segment and the worker's totals. */
void space_account(struct space *sp, unsigned tid, uint64_t v, uint32_t size, int sign);
/* Unindexes an item (bucket lock held) and counts why. */
void space_drop_locked(struct space *sp, unsigned tid, _Atomic uint64_t *slot, uint64_t v,
                       const struct seg_item *it, enum space_drop why);

/* Replaces worker tid's open segment of TTL group g with a fresh one, reclaiming as needed.
 * 0 or RC_ERR_NOMEM. No bucket lock may be held. */
int space_open_segment(struct space *sp, unsigned tid, unsigned g, uint32_t now);
/* Gives the index one more segment of overflow buckets. 0 or RC_ERR_NOMEM / RC_ERR_FULL. */
int space_grow_index(struct space *sp, unsigned tid, uint32_t now);

/* Memory-side statistics (everything but the counters' sums, which store.c adds). */
void space_stats(struct space *sp, struct store_stats *out);
void space_reset_stats(struct space *sp);

#endif
