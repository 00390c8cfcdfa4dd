/* index: cache-line buckets of 8-byte slots with per-bucket spin locks (see index.h).
 *
 * Design: a lookup hashes the key once, locks the primary bucket (one atomic exchange on the
 * header word, which shares the line with the first seven slots) and compares 12-bit tags; only
 * tag matches touch the item. Chains grow by linking overflow buckets from a pool fed by the
 * store (index_add_chunk), so the table never rehashes and readers never see a half-moved table.
 * The bucket header counts the stores into the bucket, so that a lock-free reader can tell that
 * its bucket changed while it read (items carry their own cas, see store.c).
 *
 * Invariants: a slot is non-zero iff used; a key appears at most once per chain (callers find
 * before inserting); overflow ids are never 0. Concurrency: a bucket's slots, its chain and its
 * overflow buckets are changed only with the primary bucket locked (except the frequency bump,
 * a CAS that fails harmlessly if the slot changed); readers may walk a chain unlocked with
 * acquire loads (links are published with release and never removed); the overflow pool has its own
 * mutex taken after (never before) a bucket lock. Overflow buckets stay linked once linked
 * (the index does not shrink; documented in docs/storage.md). */
#include "index.h"

#include <sched.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

#include "ringcache/status.h"

#define LOCK_BIT    1ull
#define CTR_SHIFT   1
#define CTR_MASK    0xffffffffull
#define NEXT_SHIFT  33
#define CHUNK_SHIFT 16

#define INDEX_HUGE_PAGE (2u << 20)

static inline uint64_t rd64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t mix(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 32;
    return x;
}

uint64_t index_hash(const char *key, size_t klen)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (klen * 0xff51afd7ed558ccdull);
    size_t i = 0;
    for (; i + 8 <= klen; i += 8)
        h = (h ^ mix(rd64(key + i))) * 0x9fb21c651e98df25ull;
    uint64_t tail = 0;
    for (size_t j = 0; i + j < klen; j++)
        tail |= (uint64_t)(unsigned char)key[i + j] << (8 * j);
    h = (h ^ mix(tail ^ 0x2545f4914f6cdd1dull)) * 0x9fb21c651e98df25ull;
    return mix(h);
}

int index_init(struct index *ix, size_t nbuckets, uint32_t max_chunks)
{
    memset(ix, 0, sizeof(*ix));
    unsigned bits = 4;
    while (((size_t)1 << bits) < nbuckets && bits < 31)
        bits++;
    size_t n = (size_t)1 << bits;
    /* a table of 2 MiB or more is 2 MiB aligned and asks for huge pages: a lookup then costs a
     * cache miss but rarely a TLB miss (THP is often in "madvise" mode) */
    size_t bytes = n * INDEX_BUCKET_SIZE;
    size_t align = bytes >= INDEX_HUGE_PAGE ? INDEX_HUGE_PAGE : INDEX_BUCKET_SIZE;
    ix->buckets = aligned_alloc(align, bytes);
    ix->chunks = calloc(max_chunks ? max_chunks : 1, sizeof(*ix->chunks));
    if (!ix->buckets || !ix->chunks) {
        free(ix->buckets);
        free(ix->chunks);
        return RC_ERR_NOMEM;
    }
    if (align == INDEX_HUGE_PAGE)
        madvise((void *)ix->buckets, bytes, MADV_HUGEPAGE);
    memset((void *)ix->buckets, 0, bytes);
    ix->bits = bits;
    ix->mask = n - 1;
    ix->max_chunks = max_chunks;
    pthread_mutex_init(&ix->ov_lock, NULL);
    return 0;
}

void index_deinit(struct index *ix)
{
    if (!ix->buckets)
        return;
    free(ix->buckets);
    free(ix->chunks);
    pthread_mutex_destroy(&ix->ov_lock);
    memset(ix, 0, sizeof(*ix));
}

size_t index_primary_bytes(const struct index *ix)
{
    return (size_t)(ix->mask + 1) * INDEX_BUCKET_SIZE;
}

static inline _Atomic uint64_t *bucket(struct index *ix, uint64_t h)
{
    return ix->buckets + (h & ix->mask) * 8;
}

static inline _Atomic uint64_t *ov_bucket(struct index *ix, uint64_t id)
{
    return ix->chunks[id >> CHUNK_SHIFT] + (id & ((1u << CHUNK_SHIFT) - 1)) * 8;
}

void index_lock(struct index *ix, uint64_t h)
{
    _Atomic uint64_t *hdr = bucket(ix, h);
    for (unsigned spins = 0;; spins++) {
        uint64_t v = atomic_load_explicit(hdr, memory_order_relaxed);
        if (!(v & LOCK_BIT) &&
            atomic_compare_exchange_weak_explicit(hdr, &v, v | LOCK_BIT, memory_order_acquire,
                                                  memory_order_relaxed))
            return;
        if (spins > 64)
            sched_yield();
    }
}

void index_unlock(struct index *ix, uint64_t h)
{
    atomic_fetch_and_explicit(bucket(ix, h), ~LOCK_BIT, memory_order_release);
}

static inline uint64_t next_of(_Atomic uint64_t *b)
{
    return atomic_load_explicit(b, memory_order_relaxed) >> NEXT_SHIFT;
}

static inline uint64_t next_acquire(_Atomic uint64_t *b)
{
    return atomic_load_explicit(b, memory_order_acquire) >> NEXT_SHIFT;
}

_Atomic uint64_t *index_find(struct index *ix, uint64_t h, index_match_fn fn, void *ctx)
{
    _Atomic uint64_t *b = bucket(ix, h);
    for (;;) {
        for (int i = 1; i <= INDEX_SLOTS; i++) {
            uint64_t v = atomic_load_explicit(&b[i], memory_order_acquire);
            if (v && fn(ctx, &b[i], v))
                return &b[i];
        }
        uint64_t next = next_acquire(b);
        if (!next)
            return NULL;
        b = ov_bucket(ix, next);
    }
}

uint64_t index_version(struct index *ix, uint64_t h)
{
    return atomic_load_explicit(bucket(ix, h), memory_order_acquire);
}

bool index_slot_bump(_Atomic uint64_t *slot, uint64_t v, unsigned max)
{
    unsigned f = index_slot_freq(v);
    if (f >= max)
        return true;
    return atomic_compare_exchange_strong_explicit(slot, &v, index_slot_with_freq(v, f + 1),
                                                   memory_order_relaxed, memory_order_relaxed);
}

_Atomic uint64_t *index_empty_slot_locked(struct index *ix, uint64_t h)
{
    _Atomic uint64_t *b = bucket(ix, h);
    for (;;) {
        for (int i = 1; i <= INDEX_SLOTS; i++)
            if (!atomic_load_explicit(&b[i], memory_order_relaxed))
                return &b[i];
        uint64_t next = next_of(b);
        if (!next)
            return NULL;
        b = ov_bucket(ix, next);
    }
}

int index_extend_locked(struct index *ix, uint64_t h)
{
    pthread_mutex_lock(&ix->ov_lock);
    uint64_t id = ix->ov_free;
    if (!id) {
        pthread_mutex_unlock(&ix->ov_lock);
        return RC_ERR_FULL;
    }
    _Atomic uint64_t *nb = ov_bucket(ix, id);
    ix->ov_free = (uint32_t)atomic_load_explicit(&nb[0], memory_order_relaxed);
    pthread_mutex_unlock(&ix->ov_lock);
    for (int i = 0; i < 8; i++)
        atomic_store_explicit(&nb[i], 0, memory_order_relaxed);
    _Atomic uint64_t *b = bucket(ix, h);
    while (next_of(b))
        b = ov_bucket(ix, next_of(b));
    uint64_t v = atomic_load_explicit(b, memory_order_relaxed);
    v = (v & ((1ull << NEXT_SHIFT) - 1)) | id << NEXT_SHIFT;
    atomic_store_explicit(b, v, memory_order_release); /* lock-free readers follow it */
    atomic_fetch_add_explicit(&ix->ov_used, 1, memory_order_relaxed);
    return 0;
}

int index_add_chunk(struct index *ix, void *mem, size_t bytes)
{
    size_t n = bytes / INDEX_BUCKET_SIZE;
    if (n > (1u << CHUNK_SHIFT))
        n = 1u << CHUNK_SHIFT;
    pthread_mutex_lock(&ix->ov_lock);
    if (ix->nchunks >= ix->max_chunks || n < 2) {
        pthread_mutex_unlock(&ix->ov_lock);
        return RC_ERR_FULL;
    }
    uint32_t c = ix->nchunks++;
    ix->chunks[c] = mem;
    ix->chunk_bytes_total += bytes;
    /* bucket 0 of chunk 0 would have id 0, which means "none": skip it */
    for (size_t i = n; i-- > (c == 0 ? 1 : 0);) {
        uint64_t id = (uint64_t)c << CHUNK_SHIFT | i;
        atomic_store_explicit(&ov_bucket(ix, id)[0], ix->ov_free, memory_order_relaxed);
        ix->ov_free = (uint32_t)id;
    }
    atomic_fetch_add_explicit(&ix->ov_total, n, memory_order_relaxed);
    pthread_mutex_unlock(&ix->ov_lock);
    return 0;
}

bool index_has_spare(struct index *ix)
{
    pthread_mutex_lock(&ix->ov_lock);
    bool r = ix->ov_free != 0;
    pthread_mutex_unlock(&ix->ov_lock);
    return r;
}

void index_bump_locked(struct index *ix, uint64_t h)
{
    _Atomic uint64_t *hdr = bucket(ix, h);
    uint64_t v = atomic_load_explicit(hdr, memory_order_relaxed);
    uint64_t ctr = ((v >> CTR_SHIFT) + 1) & CTR_MASK;
    v = (v & ~(CTR_MASK << CTR_SHIFT)) | ctr << CTR_SHIFT;
    atomic_store_explicit(hdr, v, memory_order_relaxed);
}

void index_walk(struct index *ix, index_match_fn fn, void *ctx)
{
    for (uint64_t bi = 0; bi <= ix->mask; bi++) {
        index_lock(ix, bi);
        _Atomic uint64_t *b = bucket(ix, bi);
        for (;;) {
            for (int i = 1; i <= INDEX_SLOTS; i++) {
                uint64_t v = atomic_load_explicit(&b[i], memory_order_relaxed);
                if (v)
                    fn(ctx, &b[i], v);
            }
            uint64_t next = next_of(b);
            if (!next)
                break;
            b = ov_bucket(ix, next);
        }
        index_unlock(ix, bi);
    }
}
