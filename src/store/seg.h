/* seg: the segment pool and the item format inside segments (internal to src/store).
 *
 * Memory is one mapping of nseg segments of seg_size bytes. Items are appended 8-byte aligned:
 *   [klen u8][bits u8][vlen varint 1-4][flags u32 if SEG_IB_FLAGS][exptime u32 if SEG_IB_EXP]
 *   [cas u64 if SEG_IB_CAS][key][value][pad to 8]
 * so a 32-byte key with a 100-byte value takes 136 bytes (3 bytes of header + 1 of padding).
 * The bits byte mixes immutable layout bits with mutable state bits; it is always accessed with
 * atomic builtins (seg_item_bits / seg_item_set_bits), the rest of an item never changes. */
#ifndef RC_SEG_H
#define RC_SEG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SEG_NONE         UINT32_MAX
#define SEG_ALIGN        8u
#define SEG_SIZE_MAX     (8u << 20) /* offsets are 20 bits of 8-byte units */
#define SEG_NEVER        UINT32_MAX /* exp_max of a segment holding an item that never expires */
#define SEG_ITEM_HDR_MAX (2 + 4 + 4 + 4 + 8)

/* item bits: layout (immutable) */
#define SEG_IB_FLAGS 0x01u
#define SEG_IB_EXP   0x02u
#define SEG_IB_CAS   0x04u
/* item bits: state (mutable, set under the item's bucket lock) */
#define SEG_IB_FETCHED 0x08u
#define SEG_IB_STALE   0x10u
#define SEG_IB_TOKEN   0x20u
/* item bits: no slot points to the item any more (set once, under its bucket lock, after the slot
 * changed); a reclaim walk skips such items without looking them up in the index */
#define SEG_IB_DEAD 0x40u

enum seg_state { SEG_FREE, SEG_OPEN, SEG_YOUNG, SEG_MAIN, SEG_INDEX, SEG_DRAIN };

/* Metadata of one segment, kept apart from its memory. Links, state and queue membership change
 * under the store lock; write_off and exp_max belong to the segment's single writer while open;
 * the live counters are atomics changed under bucket locks. */
struct seg {
    uint32_t next, prev;
    uint8_t state;
    uint8_t group;
    uint32_t create_time;
    uint32_t exp_max;
    uint32_t write_off;
    _Atomic uint64_t live; /* live items << 32 | their bytes: one RMW counts both */
    _Atomic uint32_t last_hit;
    uint64_t gen; /* bumped each time the segment is opened (gen & gen_mask never 0): the cas of
                   * an item without its own is its place, gen + segment + offset (space_cas) */
};

struct seg_pool {
    char *base;
    size_t seg_size;
    uint32_t nseg;
    unsigned npin; /* pin counter rows (one per worker) */
    struct seg *segs;
    _Atomic uint32_t *pins; /* [npin][nseg] */
    uint32_t free_head;
    uint32_t nfree;
    uint32_t fresh_from; /* segments [fresh_from, nseg) were never handed out (pages untouched) */
    uint64_t gen_mask;   /* the bits of seg.gen that a cas has room for (all; space narrows it) */
};

/* A parsed item (pointers into segment memory). */
struct seg_item {
    const char *key;
    const char *value;
    uint32_t klen;
    uint32_t vlen;
    uint32_t flags;
    uint32_t exptime;
    uint64_t cas;
    uint8_t bits;
    uint32_t size; /* aligned bytes the item occupies */
};

/* Reserves address space for nseg segments (pages are touched lazily). 0 or RC_ERR_*. */
int seg_pool_init(struct seg_pool *p, uint32_t nseg, size_t seg_size, unsigned npin);
void seg_pool_deinit(struct seg_pool *p);
/* Takes a free segment (store lock held); SEG_NONE if none. */
uint32_t seg_alloc(struct seg_pool *p, uint32_t now);
/* Resets segment id for a new round of writes at `now` (empty, open, a new generation). */
void seg_reopen(struct seg_pool *p, uint32_t id, uint32_t now);
/* Returns a segment to the free list (store lock held; no item of it indexed, no pin). */
void seg_free(struct seg_pool *p, uint32_t id);
/* Sum of the pins on a segment (seq_cst loads, the reclaimer side of the lock-free read). */
uint32_t seg_pins(const struct seg_pool *p, uint32_t id);

/* Free segments whose memory was written before. Fresh segments are taken in ascending order and
 * freed ones go to the head of the free list, so a touched segment is always reused first. */
static inline uint32_t seg_touched_free(const struct seg_pool *p)
{
    return p->nfree - (p->nseg - p->fresh_from);
}

#define SEG_LIVE_ONE (1ull << 32)
/* Live items and bytes of a segment (seq_cst, the reclaimer side of the lock-free read). */
static inline uint32_t seg_live_items(const struct seg *g)
{
    return (uint32_t)(atomic_load((_Atomic uint64_t *)&g->live) >> 32);
}
static inline uint32_t seg_live_bytes(const struct seg *g)
{
    return (uint32_t)atomic_load_explicit((_Atomic uint64_t *)&g->live, memory_order_relaxed);
}

static inline char *seg_data(const struct seg_pool *p, uint32_t id)
{
    return p->base + (size_t)id * p->seg_size;
}

/* Aligned size of an item with these fields. */
size_t seg_item_size(size_t klen, size_t vlen, uint32_t flags, uint32_t exptime, bool has_cas);
/* Writes an item header and key at dst and returns where the vlen value bytes go. The bits
 * argument carries state bits; layout bits are derived. */
char *seg_item_write(char *dst, const char *key, size_t klen, size_t vlen, uint32_t flags,
                     uint32_t exptime, uint64_t cas, bool has_cas, uint8_t state_bits);
/* Parses the item at p (avail bytes readable). 0 or RC_ERR_PROTOCOL if malformed. */
int seg_item_parse(const char *p, size_t avail, struct seg_item *it);

static inline uint8_t seg_item_bits(const char *item)
{
    return __atomic_load_n((const uint8_t *)item + 1, __ATOMIC_RELAXED);
}
static inline void seg_item_set_bits(char *item, uint8_t set, uint8_t clear)
{
    if (clear)
        __atomic_fetch_and((uint8_t *)item + 1, (uint8_t)~clear, __ATOMIC_RELAXED);
    if (set)
        __atomic_fetch_or((uint8_t *)item + 1, set, __ATOMIC_RELAXED);
}

/* Copies an item of size bytes to dst; the bits byte is read atomically (readers may set state
 * bits while the item is copied forward; a bit set after the copy is lost, which is benign). */
static inline void seg_item_copy(char *dst, const char *src, uint32_t size)
{
    dst[0] = src[0];
    __atomic_store_n((uint8_t *)dst + 1, seg_item_bits(src), __ATOMIC_RELAXED);
    memcpy(dst + 2, src + 2, size - 2);
}

#endif
