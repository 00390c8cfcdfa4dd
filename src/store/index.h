/* index: the hash index of the store (internal to src/store).
 *
 * Buckets are one cache line of 8 words. Word 0 of a primary bucket is its header:
 *   bit 0 lock | bits 1-32 store counter | bits 33-63 next overflow bucket (0 = none)
 * and words 1-7 are item slots:
 *   bits 0-19 offset/8 | bits 20-43 segment | bits 44-55 tag (never 0) | bits 56-63 frequency
 * A zero slot is empty. Full chains continue in overflow buckets (same shape; their word 0 only
 * links), carved from memory handed in with index_add_chunk(), so the index grows in steps
 * without rehashing. Writers change slots with the primary bucket's lock held; readers may walk a
 * chain without it (index_find, index_version) and validate what they saw (see store.c). */
#ifndef RC_INDEX_H
#define RC_INDEX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INDEX_SLOTS       7
#define INDEX_BUCKET_SIZE 64

struct index {
    _Atomic uint64_t *buckets; /* nbuckets * 8 words */
    uint64_t mask;
    unsigned bits;
    pthread_mutex_t ov_lock;   /* overflow chunks and free list */
    _Atomic uint64_t **chunks; /* overflow chunks; id = chunk << 16 | bucket, ids from 1 */
    uint32_t nchunks, max_chunks;
    uint32_t ov_free;         /* free overflow bucket id, 0 = none */
    _Atomic uint64_t ov_used; /* overflow buckets linked into chains */
    _Atomic uint64_t ov_total;
    size_t chunk_bytes_total;
};

/* A slot's fields. */
static inline uint32_t index_slot_off(uint64_t s)
{
    return (uint32_t)(s & 0xfffff) * 8;
}
static inline uint32_t index_slot_seg(uint64_t s)
{
    return (uint32_t)((s >> 20) & 0xffffff);
}
static inline uint32_t index_slot_tag(uint64_t s)
{
    return (uint32_t)((s >> 44) & 0xfff);
}
static inline unsigned index_slot_freq(uint64_t s)
{
    return (unsigned)(s >> 56);
}
static inline uint64_t index_slot_make(uint32_t tag, uint32_t seg, uint32_t off, unsigned freq)
{
    return (uint64_t)(off / 8) | (uint64_t)seg << 20 | (uint64_t)tag << 44 | (uint64_t)freq << 56;
}
static inline uint64_t index_slot_with_freq(uint64_t s, unsigned freq)
{
    return (s & ~(0xffull << 56)) | (uint64_t)freq << 56;
}

/* 64-bit hash of a key; the bucket comes from the low bits, the tag from the high ones. */
uint64_t index_hash(const char *key, size_t klen);
static inline uint32_t index_tag(uint64_t h)
{
    uint32_t t = (uint32_t)(h >> 52);
    return t ? t : 1;
}

/* nbuckets is rounded up to a power of two. max_chunks bounds index_add_chunk calls. */
int index_init(struct index *ix, size_t nbuckets, uint32_t max_chunks);
void index_deinit(struct index *ix);
size_t index_primary_bytes(const struct index *ix);

void index_lock(struct index *ix, uint64_t h);
void index_unlock(struct index *ix, uint64_t h);

/* Visits the used slots of h's chain until fn returns true; returns that slot or NULL. Slots are
 * read with acquire loads, so it may run without the lock (a writer may change slots meanwhile;
 * the caller validates). */
typedef bool (*index_match_fn)(void *ctx, _Atomic uint64_t *slot, uint64_t value);
_Atomic uint64_t *index_find(struct index *ix, uint64_t h, index_match_fn fn, void *ctx);
/* The header word of h's bucket (acquire): odd while a writer holds the lock; every store into
 * the bucket bumps its store counter and a grown chain changes its link. (A delete or a move of an
 * item leaves it as it was: readers re-check the slot itself for those.) */
uint64_t index_version(struct index *ix, uint64_t h);
static inline bool index_version_locked(uint64_t version)
{
    return version & 1;
}
/* Bumps a slot's frequency (capped at max) if the slot still holds v; false if it changed. */
bool index_slot_bump(_Atomic uint64_t *slot, uint64_t v, unsigned max);
/* An empty slot in h's chain, or NULL when the chain is full (see index_extend_locked). */
_Atomic uint64_t *index_empty_slot_locked(struct index *ix, uint64_t h);
/* Links a free overflow bucket to h's chain. 0 or RC_ERR_FULL (add a chunk first). */
int index_extend_locked(struct index *ix, uint64_t h);
/* Hands a chunk of memory (a multiple of 64 bytes, 64-aligned) to the overflow pool. */
int index_add_chunk(struct index *ix, void *mem, size_t bytes);
/* True if the overflow pool has a free bucket. */
bool index_has_spare(struct index *ix);

/* Moves the store counter of h's bucket (its version, as index_version reads it). */
void index_bump_locked(struct index *ix, uint64_t h);

/* Calls fn on every used slot of every bucket with the bucket locked (fn may clear the slot). */
void index_walk(struct index *ix, index_match_fn fn, void *ctx);

#endif
