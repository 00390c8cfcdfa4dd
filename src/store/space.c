/* space: segments in use, the index's growth, reclaim and eviction (see space.h).
 *
 * Design: writers append to their own open segment (open[tid][group]) without a lock; only when
 * it is full do they come here, under the store lock, to seal it into the young queue and take a
 * fresh one. When no segment is free, reclaim runs in that writer's thread: first segments that
 * are empty or wholly expired (TTL groups), then, unless -M, one victim chosen by evict.c whose
 * live items are walked: each is found in the index by location (bucket lock held), then copied
 * forward into main_open[group] or evicted, as evict_item_fate() says.
 *
 * Compaction (before fresh memory): memory that was never written costs a page fault and the
 * zeroing of every page on first touch, and an append-only log under overwrites would otherwise
 * touch all of -m before reusing anything (memcached reuses a freed chunk at once). So while
 * untouched memory remains, fewer than COMPACT_KEEP touched segments are free, and live bytes are
 * under a third of the segments in use, the sparsest (under half live) of the next COMPACT_SCAN
 * sealed segments, in a window that rotates over the pool, is reclaimed keeping every
 * live item: young items move to young_open[group], main items to main_open[group], with their
 * frequency unchanged, so the policy sees the same items in the same queues (only their place in
 * the FIFO moves to the tail). Nothing is evicted by compaction, and it never runs once memory is
 * fully touched, where eviction takes over.
 *
 * The spare segment: copy-forward needs a destination while no segment is free, so a spare
 * (`reserve`) is kept and refilled by a freed victim whenever it is empty. Only items that were
 * hit are ever copied forward, so the spare is set aside (`reserve_on`) once the first hit has
 * been seen (`hits_seen`, set by readers), or when a reclaim wanted a destination and found none
 * (those items are evicted, once). A cache that is only filled, or runs with -M (which never
 * evicts, so never copies), therefore holds no idle segment.
 *
 * Invariants: a segment is reused only when none of its items is indexed and seg_pins() is 0; a
 * victim pinned while it was reclaimed is parked (SEG_DRAIN) and freed once unpinned. Memory:
 * primary index + ghost + nseg segments (items and overflow buckets) <= mem_limit, except for the
 * documented floor of nworkers + 4 segments at tiny -m.
 *
 * Concurrency with lock-free readers (store.c): a reader pins a segment, then re-reads the slot.
 * Here every slot that stops pointing into a segment is stored seq_cst, live counters are seq_cst
 * RMWs, and pins are read seq_cst after that, so either the reader sees the slot change or the
 * reclaimer sees the pin (Dekker's pattern). Ownership: struct space owns all of it; the clock is
 * the caller's. */
#include "space.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ringcache/status.h"

#define SEG_SIZE_DEFAULT    (1u << 20)
#define SEG_SIZE_MIN        (64u << 10)
#define SEG_MIN_COUNT       32
#define SEG_MIN_COUNT_LARGE 8
#define GHOST_MIN_BYTES     (16u << 10)
#define VICTIM_SCAN         64
#define COMPACT_SCAN        64 /* segments compaction looks at per call */
#define COMPACT_LIVE_DIV    3  /* compact while live bytes < 1/DIV of the segments in use */
#define COMPACT_KEEP        2  /* touched free segments compaction keeps ready */
#define COMPACT_ROUNDS      4  /* compactions at most per segment taken (bounds the latency) */
#define COMPACT_FREE_MIN    (2 * TTL_NGROUPS + 2) /* free segments compaction's copies may need */

int space_layout(const struct store_config *c, struct space_layout *out)
{
    /* at least SEG_MIN_COUNT + 2 per worker segments: halve the segment size for small -m */
    size_t want = SEG_MIN_COUNT + 2 * (size_t)c->nworkers;
    size_t ss = SEG_SIZE_DEFAULT;
    while (ss > SEG_SIZE_MIN && c->mem_limit / ss < want)
        ss >>= 1;
    /* -I above 1 MiB: segments as large as the largest item, as long as there are at least
     * SEG_MIN_COUNT_LARGE + 2 per worker of them (fewer, coarser segments rather than refusing
     * values up to -I, as memcached -m 64 -I 4m stores 3 MiB values) */
    size_t want_large = SEG_MIN_COUNT_LARGE + 2 * (size_t)c->nworkers;
    while (ss >= SEG_SIZE_DEFAULT && ss < c->item_size_max && ss < SEG_SIZE_MAX &&
           c->mem_limit / (ss << 1) >= want_large)
        ss <<= 1;
    /* primary index: 1/128 of memory; chains grow into overflow buckets carved from segments */
    size_t pow = 64;
    while (pow < c->mem_limit / 8192)
        pow <<= 1;
    size_t fixed = pow * INDEX_BUCKET_SIZE + GHOST_MIN_BYTES;
    size_t n = c->mem_limit > fixed ? (c->mem_limit - fixed) / ss : 0;
    size_t min = (size_t)c->nworkers + 4;
    if (n < min)
        n = min; /* tiny -m: a documented floor, as memcached's one page per class */
    if (n >= (1u << 24))
        return RC_ERR_INVAL;
    /* the ghost table takes the remainder */
    size_t used = pow * INDEX_BUCKET_SIZE + n * ss;
    size_t left = c->mem_limit > used ? c->mem_limit - used : GHOST_MIN_BYTES;
    size_t g = 4096;
    while (g * 2 * EVICT_GHOST_CELL <= left)
        g <<= 1;
    out->seg_size = ss;
    out->nseg = (uint32_t)n;
    out->nbuckets = pow;
    out->ghost_entries = g;
    out->young_quota = n / 10 ? (uint32_t)(n / 10) : 1;
    return 0;
}

int space_init(struct space *sp, const struct store_config *cfg, uint32_t now)
{
    (void)now;
    memset(sp, 0, sizeof(*sp));
    struct space_layout l;
    int rc = space_layout(cfg, &l);
    if (rc)
        return rc;
    sp->nworkers = cfg->nworkers;
    sp->no_evict = cfg->no_evict;
    sp->no_cas = cfg->no_cas;
    sp->reserve = sp->parked = SEG_NONE;
    for (unsigned g = 0; g < TTL_NGROUPS; g++)
        sp->main_open[g] = sp->young_open[g] = SEG_NONE;
    size_t nopen = (size_t)cfg->nworkers * TTL_NGROUPS;
    sp->open = malloc(nopen * sizeof(*sp->open));
    sp->ctr = aligned_alloc(64, ((size_t)cfg->nworkers + 1) * sizeof(*sp->ctr));
    if (!sp->open || !sp->ctr) {
        free(sp->open);
        free(sp->ctr);
        return RC_ERR_NOMEM;
    }
    memset(sp->ctr, 0, ((size_t)cfg->nworkers + 1) * sizeof(*sp->ctr));
    for (size_t i = 0; i < nopen; i++)
        sp->open[i] = SEG_NONE;
    if ((rc = seg_pool_init(&sp->pool, l.nseg, l.seg_size, cfg->nworkers)) != 0 ||
        (rc = index_init(&sp->ix, l.nbuckets, l.nseg)) != 0 ||
        (rc = evict_init(&sp->ev, l.young_quota, l.ghost_entries)) != 0) {
        index_deinit(&sp->ix);
        seg_pool_deinit(&sp->pool);
        free(sp->open);
        free(sp->ctr);
        return rc;
    }
    /* a place's cas: generation | segment | offset/8, each field as wide as this layout needs */
    while ((1ull << sp->cas_off_bits) < l.seg_size / 8)
        sp->cas_off_bits++;
    unsigned seg_bits = 1;
    while ((1ull << seg_bits) < l.nseg)
        seg_bits++;
    sp->cas_gen_shift = sp->cas_off_bits + seg_bits;
    sp->pool.gen_mask = (1ull << (64 - sp->cas_gen_shift)) - 1;
    pthread_mutex_init(&sp->lock, NULL);
    return 0;
}

void space_deinit(struct space *sp)
{
    evict_deinit(&sp->ev);
    index_deinit(&sp->ix);
    seg_pool_deinit(&sp->pool);
    free(sp->open);
    free(sp->ctr);
    pthread_mutex_destroy(&sp->lock);
    memset(sp, 0, sizeof(*sp));
}

/* ---- items in the index (bucket lock held) ---- */

bool space_match_slot(void *ctx, _Atomic uint64_t *slot, uint64_t v)
{
    struct space_match *m = ctx;
    (void)slot;
    if (m->seg != SEG_NONE)
        return index_slot_seg(v) == m->seg && index_slot_off(v) == m->off;
    if (index_slot_tag(v) != m->tag)
        return false;
    const char *p = space_item(m->sp, v);
    if ((unsigned char)p[0] != m->klen)
        return false;
    if (seg_item_parse(p, m->sp->pool.seg_size - index_slot_off(v), &m->it) != 0)
        return false;
    return memcmp(m->it.key, m->key, m->klen) == 0;
}

void space_account(struct space *sp, unsigned tid, uint64_t v, uint32_t size, int sign)
{
    struct seg *g = &sp->pool.segs[index_slot_seg(v)];
    if (sign > 0) {
        atomic_fetch_add(&g->live, SEG_LIVE_ONE | size);
    } else {
        /* a plain store (no locked RMW): other state bits are set under the bucket lock, held
         * here, except a lock-free reader's FETCHED, which may be lost on an item now dead */
        char *item = space_item(sp, v);
        __atomic_store_n((uint8_t *)item + 1, (uint8_t)(seg_item_bits(item) | SEG_IB_DEAD),
                         __ATOMIC_RELAXED);
        atomic_fetch_sub(&g->live, SEG_LIVE_ONE | size);
    }
    struct space_counters *c = space_ctr(sp, tid);
    space_ctr_add(sp, tid, &c->items, sign);
    space_ctr_add(sp, tid, &c->bytes, sign * (int64_t)size);
}

static inline void add(_Atomic uint64_t *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

void space_drop_locked(struct space *sp, unsigned tid, _Atomic uint64_t *slot, uint64_t v,
                       const struct seg_item *it, enum space_drop why)
{
    /* read before the count drops: once the segment's live count may reach 0, another thread may
     * reuse it (TSan caught this read landing in a reused segment's new items) */
    bool fetched = seg_item_bits(space_item(sp, v)) & SEG_IB_FETCHED;
    atomic_store(slot, 0);
    space_account(sp, tid, v, it->size, -1);
    struct space_counters *c = space_ctr(sp, tid);
    if (why == SPACE_DROP_EXPIRED) {
        add(&c->reclaimed, 1);
        if (!fetched)
            add(&c->expired_unfetched, 1);
    } else if (why == SPACE_DROP_EVICT) {
        add(&c->evictions, 1);
        if (!fetched)
            add(&c->evicted_unfetched, 1);
    }
}

_Atomic uint64_t *space_lookup_locked(struct space *sp, unsigned tid, uint64_t h, const char *key,
                                      size_t klen, uint32_t now, struct space_match *m)
{
    m->sp = sp;
    m->key = key;
    m->klen = klen;
    m->tag = index_tag(h);
    m->seg = SEG_NONE;
    _Atomic uint64_t *slot = index_find(&sp->ix, h, space_match_slot, m);
    if (!slot)
        return NULL;
    uint64_t v = atomic_load_explicit(slot, memory_order_relaxed);
    if (clock_expired(m->it.exptime, now)) {
        space_drop_locked(sp, tid, slot, v, &m->it, SPACE_DROP_EXPIRED);
        add(&space_ctr(sp, tid)->get_expired, 1);
        return NULL;
    }
    if (space_seg_flushed(sp, index_slot_seg(v), now)) {
        space_drop_locked(sp, tid, slot, v, &m->it, SPACE_DROP_DELETE);
        add(&space_ctr(sp, tid)->get_flushed, 1);
        return NULL;
    }
    return slot;
}

void space_apply_flush(struct space *sp, uint32_t now)
{
    uint32_t at = atomic_load_explicit(&sp->flush_at, memory_order_relaxed);
    if (!at || now < at)
        return;
    /* raise the limit before clearing the pending time, so no reader sees neither */
    uint32_t lim = atomic_load(&sp->flush_lim);
    while (lim < at && !atomic_compare_exchange_weak(&sp->flush_lim, &lim, at))
        ;
    atomic_compare_exchange_strong(&sp->flush_at, &at, 0);
}

/* ---- segments: open, seal, reclaim (store lock held) ---- */

static uint32_t live_items(const struct space *sp, uint32_t id)
{
    return seg_live_items(&sp->pool.segs[id]);
}

/* A reclaimed segment goes to the spare slot if copy-forward wants one, else to the free list. */
static void give_back(struct space *sp, uint32_t id)
{
    if (sp->reserve_on && sp->reserve == SEG_NONE) {
        sp->pool.segs[id].state = SEG_OPEN;
        sp->reserve = id;
    } else {
        seg_free(&sp->pool, id);
    }
}

static uint32_t take_reserve(struct space *sp, uint32_t now)
{
    uint32_t id = sp->reserve;
    sp->reserve = SEG_NONE;
    seg_reopen(&sp->pool, id, now);
    return id;
}

/* The open copy destination of queue q (main_open or young_open) for group g with room for `need`
 * bytes, sealing a full one into q; SEG_NONE if no segment is left. */
static uint32_t copy_dest(struct space *sp, enum evict_queue q, unsigned g, uint32_t need,
                          uint32_t now)
{
    uint32_t *open = q == EVICT_MAIN ? &sp->main_open[g] : &sp->young_open[g];
    uint32_t id = *open;
    if (id != SEG_NONE && sp->pool.segs[id].write_off + need <= sp->pool.seg_size &&
        !space_seg_flushed(sp, id, now))
        return id;
    if (id != SEG_NONE)
        evict_push(&sp->ev, &sp->pool, id, q);
    *open = SEG_NONE;
    uint32_t nid = seg_alloc(&sp->pool, now);
    if (nid == SEG_NONE && sp->reserve != SEG_NONE)
        nid = take_reserve(sp, now);
    if (nid == SEG_NONE) {
        sp->reserve_on = true;
        return SEG_NONE;
    }
    sp->pool.segs[nid].state = SEG_OPEN;
    sp->pool.segs[nid].group = (uint8_t)g;
    *open = nid;
    return nid;
}

/* What reclaiming a segment does with its live items. */
enum reclaim_mode {
    RECLAIM_EVICT,  /* memory is short: copy forward what the policy keeps, evict the rest */
    RECLAIM_COMPACT /* the log is sparse: keep every item, in its own queue, frequency unchanged */
};

/* The size of an item's moved copy: one whose cas is its place takes that cas along (8 bytes). */
static uint32_t moved_size(const struct space *sp, const struct seg_item *it)
{
    if (sp->no_cas || (it->bits & SEG_IB_CAS))
        return it->size;
    return (uint32_t)seg_item_size(it->klen, it->vlen, it->flags, it->exptime, true);
}

/* Moves an item to dst, which has room for moved_size (bucket lock held). Its cas stays. */
static void move_item_locked(struct space *sp, unsigned tid, _Atomic uint64_t *slot, uint64_t v,
                             const struct seg_item *it, uint32_t dst, unsigned freq)
{
    struct seg *dg = &sp->pool.segs[dst];
    char *p = seg_data(&sp->pool, dst) + dg->write_off;
    uint32_t size = moved_size(sp, it);
    if (size == it->size) {
        seg_item_copy(p, space_item(sp, v), it->size);
    } else {
        char *val = seg_item_write(p, it->key, it->klen, it->vlen, it->flags, it->exptime,
                                   space_cas(sp, v, it), true, it->bits & ~SEG_IB_DEAD);
        memcpy(val, it->value, it->vlen);
    }
    uint64_t nv = index_slot_make(index_slot_tag(v), dst, dg->write_off, freq);
    space_account(sp, tid, nv, size, +1);
    atomic_store(slot, nv);
    space_account(sp, tid, v, it->size, -1);
    ttl_note(dg, it->exptime);
    dg->write_off += size;
}

/* Copies a live item forward, or evicts it (bucket lock held). */
static void reclaim_item_locked(struct space *sp, unsigned tid, uint64_t h, _Atomic uint64_t *slot,
                                const struct seg_item *it, enum evict_queue q,
                                enum reclaim_mode mode, uint32_t now)
{
    uint64_t v = atomic_load_explicit(slot, memory_order_relaxed);
    if (clock_expired(it->exptime, now) || space_seg_flushed(sp, index_slot_seg(v), now)) {
        space_drop_locked(sp, tid, slot, v, it, SPACE_DROP_EXPIRED);
        return;
    }
    unsigned freq = index_slot_freq(v);
    unsigned g = ttl_group(it->exptime, now);
    if (mode == RECLAIM_COMPACT) {
        uint32_t dst = copy_dest(sp, q, g, moved_size(sp, it), now);
        if (dst != SEG_NONE) {
            move_item_locked(sp, tid, slot, v, it, dst, freq);
            add(&space_ctr(sp, tid)->compacted, it->size);
            return;
        }
        /* no segment at all (cannot happen with COMPACT_FREE_MIN free): the policy decides */
    }
    if (evict_item_fate(&sp->ev, q, &freq)) {
        uint32_t dst = copy_dest(sp, EVICT_MAIN, g, moved_size(sp, it), now);
        if (dst != SEG_NONE) {
            move_item_locked(sp, tid, slot, v, it, dst, freq);
            add(&space_ctr(sp, tid)->copied, it->size);
            return;
        }
    }
    if (q == EVICT_YOUNG)
        evict_ghost_add(&sp->ev, h);
    space_drop_locked(sp, tid, slot, v, it, SPACE_DROP_EVICT);
}

/* Unindexes every item of a queued segment, moving what the mode keeps. */
static void reclaim_segment(struct space *sp, unsigned tid, uint32_t id, enum evict_queue q,
                            enum reclaim_mode mode, uint32_t now)
{
    struct seg *g = &sp->pool.segs[id];
    evict_unlink(&sp->ev, &sp->pool, id);
    g->state = SEG_DRAIN;
    const char *base = seg_data(&sp->pool, id);
    struct seg_item it;
    for (uint32_t off = 0; off < g->write_off; off += it.size) {
        if (live_items(sp, id) == 0)
            break;
        if (seg_item_parse(base + off, g->write_off - off, &it) != 0)
            break;
        if (it.bits & SEG_IB_DEAD)
            continue;
        uint64_t h = index_hash(it.key, it.klen);
        struct space_match m = {.sp = sp, .seg = id, .off = off};
        index_lock(&sp->ix, h);
        _Atomic uint64_t *slot = index_find(&sp->ix, h, space_match_slot, &m);
        if (slot)
            reclaim_item_locked(sp, tid, h, slot, &it, q, mode, now);
        index_unlock(&sp->ix, h);
    }
}

/* Frees sealed segments that are empty or wholly expired, and drained ones. */
static bool reclaim_free(struct space *sp, unsigned tid, uint32_t now)
{
    bool freed = false;
    for (uint32_t id = 0; id < sp->pool.nseg; id++) {
        struct seg *g = &sp->pool.segs[id];
        if (g->state == SEG_YOUNG || g->state == SEG_MAIN) {
            if (live_items(sp, id) != 0 && !ttl_seg_expired(g, now) &&
                !space_seg_flushed(sp, id, now))
                continue;
            if (seg_pins(&sp->pool, id) != 0)
                continue;
            reclaim_segment(sp, tid, id, g->state == SEG_YOUNG ? EVICT_YOUNG : EVICT_MAIN,
                            RECLAIM_EVICT, now);
        }
        if (g->state == SEG_DRAIN && live_items(sp, id) == 0 && seg_pins(&sp->pool, id) == 0) {
            give_back(sp, id);
            freed = true;
        }
    }
    return freed;
}

/* True if live bytes are under 1/COMPACT_LIVE_DIV of the bytes of the item segments in use. */
static bool log_sparse(struct space *sp)
{
    uint64_t segs = (uint64_t)sp->pool.nseg - sp->pool.nfree - (sp->reserve != SEG_NONE) -
                    sp->ix.chunk_bytes_total / sp->pool.seg_size;
    int64_t live = 0;
    for (unsigned i = 0; i <= sp->nworkers; i++)
        live += atomic_load_explicit(&sp->ctr[i].bytes, memory_order_relaxed);
    return live < 0 || (uint64_t)live * COMPACT_LIVE_DIV < segs * sp->pool.seg_size;
}

/* Live bytes of a sealed segment as compaction counts them (a wholly dead one counts 0). */
static uint32_t live_weight(struct space *sp, uint32_t id, uint32_t now)
{
    if (ttl_seg_expired(&sp->pool.segs[id], now) || space_seg_flushed(sp, id, now))
        return 0;
    return seg_live_bytes(&sp->pool.segs[id]);
}

/* Called while few touched segments are free: if the log is sparse, frees the sparsest of the
 * segments in the window (under half live) by moving its items. True if a segment was freed. */
static bool compact(struct space *sp, unsigned tid, uint32_t now)
{
    uint32_t p = sp->parked;
    if (p != SEG_NONE) {
        if (sp->pool.segs[p].state != SEG_DRAIN) {
            sp->parked = SEG_NONE; /* reclaim_free got to it first */
        } else if (live_items(sp, p) == 0 && seg_pins(&sp->pool, p) == 0) {
            sp->parked = SEG_NONE;
            give_back(sp, p);
            return true;
        }
    }
    if (sp->pool.nfree < COMPACT_FREE_MIN || !log_sparse(sp))
        return false;
    /* a rotating window over all segments: the queues' heads may hold data that never dies
     * (a dense head would hide every sparse segment behind it from a head-first scan) */
    uint32_t best = SEG_NONE, best_live = (uint32_t)(sp->pool.seg_size / 2);
    uint32_t n = sp->pool.fresh_from, id = sp->compact_cursor;
    for (unsigned i = 0; i < COMPACT_SCAN && i < n; i++, id++) {
        if (id >= n)
            id = 0;
        uint8_t state = sp->pool.segs[id].state;
        if (state != SEG_YOUNG && state != SEG_MAIN)
            continue;
        uint32_t w = live_weight(sp, id, now);
        if (w < best_live && seg_pins(&sp->pool, id) == 0) {
            best = id;
            best_live = w;
        }
    }
    sp->compact_cursor = id;
    if (best == SEG_NONE)
        return false;
    reclaim_segment(sp, tid, best,
                    sp->pool.segs[best].state == SEG_YOUNG ? EVICT_YOUNG : EVICT_MAIN,
                    RECLAIM_COMPACT, now);
    add(&space_ctr(sp, tid)->compactions, 1);
    if (live_items(sp, best) != 0 || seg_pins(&sp->pool, best) != 0) {
        /* a reader still holds it: freed by the next compaction, or by reclaim_free */
        if (sp->parked == SEG_NONE)
            sp->parked = best;
        return false;
    }
    give_back(sp, best);
    return true;
}

/* A free segment for writing, reclaiming and evicting as needed; SEG_NONE if none can be had. */
static uint32_t get_segment(struct space *sp, unsigned tid, uint32_t now)
{
    /* -M never evicts, so it never copies forward: no spare */
    if (!sp->reserve_on && !sp->no_evict &&
        atomic_load_explicit(&sp->hits_seen, memory_order_relaxed))
        sp->reserve_on = true;
    if (sp->reserve_on && sp->reserve == SEG_NONE && sp->pool.nfree > 1)
        sp->reserve = seg_alloc(&sp->pool, now);
    /* keep COMPACT_KEEP touched segments free (the writer's and copy destinations') while
     * untouched memory remains, so that new memory is touched only when the data needs it */
    for (unsigned i = 0; i < COMPACT_ROUNDS && sp->pool.fresh_from < sp->pool.nseg &&
                         seg_touched_free(&sp->pool) < COMPACT_KEEP;
         i++)
        if (!compact(sp, tid, now))
            break;
    for (uint32_t round = 0; round < 2 * sp->pool.nseg + 8; round++) {
        uint32_t id = seg_alloc(&sp->pool, now);
        if (id != SEG_NONE)
            return id;
        if (reclaim_free(sp, tid, now))
            continue;
        if (sp->no_evict)
            return SEG_NONE;
        enum evict_queue q;
        uint32_t v = evict_victim(&sp->ev, &sp->pool, VICTIM_SCAN, &q);
        if (v == SEG_NONE)
            return SEG_NONE;
        reclaim_segment(sp, tid, v, q, RECLAIM_EVICT, now);
        if (live_items(sp, v) == 0 && seg_pins(&sp->pool, v) == 0)
            give_back(sp, v);
    }
    return SEG_NONE;
}

int space_open_segment(struct space *sp, unsigned tid, unsigned g, uint32_t now)
{
    pthread_mutex_lock(&sp->lock);
    uint32_t *slot = &sp->open[tid * TTL_NGROUPS + g];
    if (*slot != SEG_NONE)
        evict_push(&sp->ev, &sp->pool, *slot, EVICT_YOUNG);
    *slot = SEG_NONE;
    uint32_t id = get_segment(sp, tid, now);
    if (id != SEG_NONE) {
        sp->pool.segs[id].group = (uint8_t)g;
        *slot = id;
    }
    pthread_mutex_unlock(&sp->lock);
    return id == SEG_NONE ? RC_ERR_NOMEM : 0;
}

int space_grow_index(struct space *sp, unsigned tid, uint32_t now)
{
    int rc = 0;
    pthread_mutex_lock(&sp->lock);
    if (!index_has_spare(&sp->ix)) {
        uint32_t id = get_segment(sp, tid, now);
        if (id == SEG_NONE) {
            rc = RC_ERR_NOMEM;
        } else {
            sp->pool.segs[id].state = SEG_INDEX;
            rc = index_add_chunk(&sp->ix, seg_data(&sp->pool, id), sp->pool.seg_size);
            if (rc)
                seg_free(&sp->pool, id);
        }
    }
    pthread_mutex_unlock(&sp->lock);
    return rc;
}

/* ---- statistics ---- */

void space_stats(struct space *sp, struct store_stats *out)
{
    int64_t items = 0, bytes = 0;
    for (unsigned i = 0; i <= sp->nworkers; i++) {
        struct space_counters *c = &sp->ctr[i];
        items += atomic_load_explicit(&c->items, memory_order_relaxed);
        bytes += atomic_load_explicit(&c->bytes, memory_order_relaxed);
        out->total_items +=
            (uint64_t)(atomic_load_explicit(&c->total_items, memory_order_relaxed) -
                       atomic_load_explicit(&c->total_items_base, memory_order_relaxed));
        out->evictions += atomic_load_explicit(&c->evictions, memory_order_relaxed);
        out->expired_unfetched += atomic_load_explicit(&c->expired_unfetched, memory_order_relaxed);
        out->evicted_unfetched += atomic_load_explicit(&c->evicted_unfetched, memory_order_relaxed);
        out->reclaimed += atomic_load_explicit(&c->reclaimed, memory_order_relaxed);
        out->ghost_hits += atomic_load_explicit(&c->ghost_hits, memory_order_relaxed);
        out->bytes_copied_forward += atomic_load_explicit(&c->copied, memory_order_relaxed);
        out->bytes_compacted += atomic_load_explicit(&c->compacted, memory_order_relaxed);
        out->segments_compacted += atomic_load_explicit(&c->compactions, memory_order_relaxed);
        out->get_expired += atomic_load_explicit(&c->get_expired, memory_order_relaxed);
        out->get_flushed += atomic_load_explicit(&c->get_flushed, memory_order_relaxed);
    }
    out->curr_items = items > 0 ? (uint64_t)items : 0;
    out->bytes = bytes > 0 ? (uint64_t)bytes : 0;
    pthread_mutex_lock(&sp->lock);
    out->segments_total = sp->pool.nseg;
    out->segments_free = sp->pool.nfree + (sp->reserve != SEG_NONE);
    out->segments_used = sp->pool.nseg - out->segments_free;
    size_t chunks = sp->ix.chunk_bytes_total;
    pthread_mutex_unlock(&sp->lock);
    out->segment_size = sp->pool.seg_size;
    out->index_bytes = index_primary_bytes(&sp->ix) + evict_ghost_bytes(&sp->ev) + chunks;
    out->index_slots = ((uint64_t)(sp->ix.mask + 1) +
                        atomic_load_explicit(&sp->ix.ov_total, memory_order_relaxed)) *
                       INDEX_SLOTS;
}

void space_reset_stats(struct space *sp)
{
    for (unsigned i = 0; i <= sp->nworkers; i++) {
        struct space_counters *c = &sp->ctr[i];
        atomic_store(&c->total_items_base, atomic_load(&c->total_items));
        atomic_store(&c->evictions, 0);
        atomic_store(&c->expired_unfetched, 0);
        atomic_store(&c->evicted_unfetched, 0);
        atomic_store(&c->reclaimed, 0);
        atomic_store(&c->ghost_hits, 0);
        atomic_store(&c->copied, 0);
        atomic_store(&c->compacted, 0);
        atomic_store(&c->compactions, 0);
        atomic_store(&c->get_expired, 0);
        atomic_store(&c->get_flushed, 0);
    }
}
