/* evict: the S3-FIFO policy applied to segments (see evict.h).
 *
 * Design (S3-FIFO, SOSP'23, at Segcache's segment granularity): new items are appended to young
 * segments. When a young segment is reclaimed, its items that were hit while young are copied to
 * the main log and the others are evicted, leaving a 16-bit fingerprint in the ghost table; a key
 * that comes back while its fingerprint is there is written already marked as hit, so it reaches
 * main at the next young reclaim. Main segments are reclaimed oldest first; items with a non-zero
 * frequency are copied forward with the frequency decremented (CLOCK-like), so a hot item survives
 * at most EVICT_FREQ_MAX passes without a new hit and eviction always makes progress. One-hit
 * wonders and scans therefore never reach main.
 *
 * The ghost table is direct-mapped (a newer fingerprint overwrites an older one in its cell), which
 * keeps it a fixed, small array counted in the index's memory. Pinned segments are skipped when
 * choosing a victim, so references held by slow readers never block eviction.
 *
 * Concurrency: queues under the store lock; ghost cells are relaxed atomics. Ownership: the ghost
 * array belongs to struct evict; segments belong to the pool. */
#include "evict.h"

#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "ringcache/status.h"

int evict_init(struct evict *e, uint32_t young_quota, size_t ghost_entries)
{
    memset(e, 0, sizeof(*e));
    size_t n = 1024;
    while (n < ghost_entries)
        n <<= 1;
    e->ghost = calloc(n, sizeof(*e->ghost));
    if (!e->ghost)
        return RC_ERR_NOMEM;
    e->ghost_mask = n - 1;
    e->young_quota = young_quota ? young_quota : 1;
    e->freq_max = EVICT_FREQ_MAX;
    e->promote_freq = EVICT_PROMOTE_FREQ;
    e->keep_freq = EVICT_KEEP_FREQ;
    e->ghost_freq = EVICT_GHOST_FREQ;
    for (int q = 0; q < 2; q++)
        e->head[q] = e->tail[q] = SEG_NONE;
    return 0;
}

void evict_deinit(struct evict *e)
{
    free(e->ghost);
    memset(e, 0, sizeof(*e));
}

size_t evict_ghost_bytes(const struct evict *e)
{
    return (size_t)(e->ghost_mask + 1) * sizeof(*e->ghost);
}

void evict_push(struct evict *e, struct seg_pool *p, uint32_t id, enum evict_queue q)
{
    struct seg *g = &p->segs[id];
    g->state = q == EVICT_YOUNG ? SEG_YOUNG : SEG_MAIN;
    g->next = SEG_NONE;
    g->prev = e->tail[q];
    if (e->tail[q] != SEG_NONE)
        p->segs[e->tail[q]].next = id;
    else
        e->head[q] = id;
    e->tail[q] = id;
    e->count[q]++;
}

void evict_unlink(struct evict *e, struct seg_pool *p, uint32_t id)
{
    struct seg *g = &p->segs[id];
    enum evict_queue q = g->state == SEG_YOUNG ? EVICT_YOUNG : EVICT_MAIN;
    if (g->prev != SEG_NONE)
        p->segs[g->prev].next = g->next;
    else
        e->head[q] = g->next;
    if (g->next != SEG_NONE)
        p->segs[g->next].prev = g->prev;
    else
        e->tail[q] = g->prev;
    g->next = g->prev = SEG_NONE;
    e->count[q]--;
}

static uint32_t oldest_unpinned(struct evict *e, struct seg_pool *p, enum evict_queue q,
                                unsigned scan)
{
    uint32_t id = e->head[q];
    for (unsigned i = 0; id != SEG_NONE && i < scan; i++, id = p->segs[id].next)
        if (seg_pins(p, id) == 0)
            return id;
    return SEG_NONE;
}

uint32_t evict_victim(struct evict *e, struct seg_pool *p, unsigned scan, enum evict_queue *q)
{
    enum evict_queue first = EVICT_MAIN;
    if (e->count[EVICT_YOUNG] > e->young_quota || e->count[EVICT_MAIN] == 0)
        first = EVICT_YOUNG;
    uint32_t id = oldest_unpinned(e, p, first, scan);
    *q = first;
    if (id == SEG_NONE) {
        *q = first == EVICT_YOUNG ? EVICT_MAIN : EVICT_YOUNG;
        id = oldest_unpinned(e, p, *q, scan);
    }
    return id;
}

bool evict_item_fate(const struct evict *e, enum evict_queue q, unsigned *freq)
{
    unsigned need = q == EVICT_YOUNG ? e->promote_freq : e->keep_freq;
    if (*freq == 0 || *freq < need)
        return false;
    *freq = q == EVICT_YOUNG ? 0 : *freq - 1;
    return true;
}

/* 16 bits of the hash that the cell index (bits 24 and up, at most 2^20 cells) does not use */
static inline uint16_t fingerprint(uint64_t h)
{
    uint16_t f = (uint16_t)(h >> 44);
    return f ? f : 1;
}

void evict_ghost_add(struct evict *e, uint64_t h)
{
    uint64_t cell = (h >> 24) & e->ghost_mask;
    atomic_store_explicit(&e->ghost[cell], fingerprint(h), memory_order_relaxed);
}

bool evict_ghost_take(struct evict *e, uint64_t h)
{
    uint64_t cell = (h >> 24) & e->ghost_mask;
    uint16_t f = fingerprint(h);
    if (atomic_load_explicit(&e->ghost[cell], memory_order_relaxed) != f)
        return false;
    atomic_store_explicit(&e->ghost[cell], 0, memory_order_relaxed);
    return true;
}
