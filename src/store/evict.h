/* evict: S3-FIFO at segment granularity (internal to src/store).
 *
 * Two FIFO queues of sealed segments, young (new items, ~10% of segments) and main, plus a ghost
 * table of fingerprints of keys evicted from young. The store asks for a victim, then walks its
 * items and asks evict_item_fate() what to do with each live one. All queue functions run under
 * the store lock; the ghost table is lock-free (relaxed atomics). */
#ifndef RC_EVICT_H
#define RC_EVICT_H

#include <stdbool.h>
#include <stdint.h>

#include "seg.h"

enum evict_queue { EVICT_YOUNG = 0, EVICT_MAIN = 1 };

/* Policy constants (tuned with bench/storage_compare.py, see docs/storage.md). */
#define EVICT_FREQ_MAX     3 /* frequency saturates here (2 bits' worth) */
#define EVICT_PROMOTE_FREQ 1
#define EVICT_KEEP_FREQ    1
#define EVICT_GHOST_FREQ   1
#define EVICT_GHOST_CELL   2 /* bytes per ghost entry (a 16-bit fingerprint) */

struct evict {
    uint32_t head[2], tail[2], count[2]; /* head = oldest */
    uint32_t young_quota;
    unsigned freq_max;       /* slot frequencies saturate here (EVICT_FREQ_MAX) */
    unsigned promote_freq;   /* young -> main needs freq >= this (EVICT_PROMOTE_FREQ) */
    unsigned keep_freq;      /* main copies forward freq >= this, with freq - 1 (EVICT_KEEP_FREQ) */
    unsigned ghost_freq;     /* freq of a key that comes back while in the ghost table */
    _Atomic uint16_t *ghost; /* EVICT_GHOST_CELL bytes per entry */
    uint64_t ghost_mask;
};

/* ghost_entries is rounded up to a power of two; young_quota = segments young may hold. */
int evict_init(struct evict *e, uint32_t young_quota, size_t ghost_entries);
void evict_deinit(struct evict *e);
size_t evict_ghost_bytes(const struct evict *e);

/* Appends a sealed segment to a queue (sets its state). */
void evict_push(struct evict *e, struct seg_pool *p, uint32_t id, enum evict_queue q);
/* Removes a queued segment from its queue (state unchanged). */
void evict_unlink(struct evict *e, struct seg_pool *p, uint32_t id);
/* The segment to reclaim next: the oldest unpinned young segment when young is over its quota
 * (or main is empty), else the oldest unpinned main segment. Looks at no more than `scan`
 * segments per queue; SEG_NONE if none. *q gets the queue. */
uint32_t evict_victim(struct evict *e, struct seg_pool *p, unsigned scan, enum evict_queue *q);

/* Fate of a live item of a reclaimed segment: true = copy forward with *freq updated, false =
 * evict. Young: items hit at least promote_freq times move to main with freq 0. Main: items with
 * freq >= keep_freq stay with freq - 1. */
bool evict_item_fate(const struct evict *e, enum evict_queue q, unsigned *freq);

/* Remembers the key hash of an item evicted from young. */
void evict_ghost_add(struct evict *e, uint64_t h);
/* True (and forgets it) if the key was recently evicted from young. */
bool evict_ghost_take(struct evict *e, uint64_t h);

#endif
