/* store: the storage facade (store.h) over segments, the bucket index, S3-FIFO and TTL groups.
 *
 * Design: a write plans the new item under the key's bucket lock (plan_*), appends it to the
 * worker's own open segment for the item's TTL group and publishes it by replacing or filling one
 * 8-byte slot, all within the same lock hold; when the open segment is full or the bucket chain
 * has no empty slot the lock is dropped, space is made under the store lock and the write is
 * planned again. A read locks the bucket, finds the item and pins its segment before unlocking;
 * the caller then reads key and value straight from segment memory until store_unref().
 * Items are never changed in place except for the state bits of their header; every other
 * change (append, incr, touch) writes a new copy, so a pinned value never changes under a reader.
 *
 * Locking: `lock` (the store lock) guards the free list, queues, segment states, main_open and
 * reserve. Bucket locks guard slots and item state bits. Order: store lock before bucket lock;
 * nothing that takes the store lock runs with a bucket lock held. Segments are reclaimed under the
 * store lock (evict.c chooses, reclaim_segment() walks and copies forward) and reused only after
 * every item is unindexed and no pin remains (pinned victims are skipped, or parked as SEG_DRAIN).
 *
 * Ownership: the store owns all memory; a worker owns its open segments (open[tid][group]); the
 * caller owns the clock. Memory: primary index + ghost table + segments (items and overflow index
 * buckets) fit in mem_limit; per-segment metadata and pin counters are outside it (~48 bytes per
 * segment per worker, documented in docs/storage.md). Non-goals: persistence, large items split
 * across segments. */
#include "store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "evict.h"
#include "index.h"
#include "ringcache/status.h"
#include "seg.h"
#include "ttl.h"

#define SEG_SIZE_DEFAULT (1u << 20)
#define SEG_SIZE_MIN     (64u << 10)
#define SEG_MIN_COUNT    32
#define GHOST_MIN_BYTES  (16u << 10)
#define KEY_MAX          250
#define WRITE_ATTEMPTS   1000
#define VICTIM_SCAN      64

struct counters {
    _Atomic int64_t items, bytes;
    _Atomic uint64_t total_items, evictions, expired_unfetched, evicted_unfetched, reclaimed;
    _Atomic uint64_t ghost_hits, copied;
} __attribute__((aligned(64)));

struct store {
    struct store_config cfg;
    struct seg_pool pool;
    struct index ix;
    struct evict ev;
    pthread_mutex_t lock;
    uint32_t *open;                  /* [nworkers][TTL_NGROUPS] */
    uint32_t main_open[TTL_NGROUPS]; /* copy-forward destinations (store lock) */
    uint32_t reserve;                /* spare segment for copy-forward (store lock) */
    _Atomic uint32_t flush_at;       /* pending delayed flush, relative time; 0 = none */
    struct counters *ctr;            /* [nworkers + 1]; the last row is shared */
};

enum drop_why { DROP_DELETE, DROP_EXPIRED, DROP_EVICT };

/* A write being planned: inputs, then what plan() decided. */
enum wkind { W_SET, W_ARITH, W_TOUCH, W_VIVIFY, W_INVALIDATE };
struct wplan {
    enum wkind kind;
    const char *key;
    size_t klen;
    const struct store_set_args *sa;
    const struct store_arith_args *aa;
    int64_t exptime;  /* protocol exptime: touch, vivify, invalidate+touch */
    bool touch;       /* W_INVALIDATE: also set the expiry */
    uint64_t cmp_cas; /* W_INVALIDATE */
    /* decided */
    const char *v1, *v2;
    size_t l1, l2, pad;
    char num[24];
    uint32_t flags, exp;
    bool has_cas, bump_cas, remove_only, ghost_done;
    uint64_t cas;
    uint8_t bits;
    unsigned freq, ghost_freq;
    uint64_t result;
};

struct match {
    struct store *s;
    const char *key;
    size_t klen;
    uint32_t tag;
    uint32_t seg, off; /* match by location instead of key when seg != SEG_NONE */
    struct seg_item it;
};

static inline struct counters *ctr(struct store *s, unsigned tid)
{
    return &s->ctr[tid < s->cfg.nworkers ? tid : s->cfg.nworkers];
}

static inline void add(_Atomic uint64_t *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static inline void sadd(_Atomic int64_t *c, int64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static inline char *item_ptr(struct store *s, uint64_t v)
{
    return seg_data(&s->pool, index_slot_seg(v)) + index_slot_off(v);
}

static bool match_slot(void *ctx, _Atomic uint64_t *slot, uint64_t v)
{
    struct match *m = ctx;
    (void)slot;
    if (m->seg != SEG_NONE)
        return index_slot_seg(v) == m->seg && index_slot_off(v) == m->off;
    if (index_slot_tag(v) != m->tag)
        return false;
    const char *p = item_ptr(m->s, v);
    if ((unsigned char)p[0] != m->klen)
        return false;
    if (seg_item_parse(p, m->s->pool.seg_size - index_slot_off(v), &m->it) != 0)
        return false;
    return memcmp(m->it.key, m->key, m->klen) == 0;
}

static void account(struct store *s, unsigned tid, uint64_t v, uint32_t size, int sign)
{
    struct seg *g = &s->pool.segs[index_slot_seg(v)];
    if (sign > 0) {
        atomic_fetch_add_explicit(&g->live_items, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&g->live_bytes, size, memory_order_relaxed);
    } else {
        atomic_fetch_sub_explicit(&g->live_items, 1, memory_order_relaxed);
        atomic_fetch_sub_explicit(&g->live_bytes, size, memory_order_relaxed);
    }
    sadd(&ctr(s, tid)->items, sign);
    sadd(&ctr(s, tid)->bytes, sign * (int64_t)size);
}

/* Removes an indexed item (bucket lock held). */
static void drop_locked(struct store *s, unsigned tid, _Atomic uint64_t *slot, uint64_t v,
                        const struct seg_item *it, enum drop_why why)
{
    atomic_store_explicit(slot, 0, memory_order_relaxed);
    account(s, tid, v, it->size, -1);
    bool fetched = seg_item_bits(item_ptr(s, v)) & SEG_IB_FETCHED;
    struct counters *c = ctr(s, tid);
    if (why == DROP_EXPIRED) {
        add(&c->reclaimed, 1);
        if (!fetched)
            add(&c->expired_unfetched, 1);
    } else if (why == DROP_EVICT) {
        add(&c->evictions, 1);
        if (!fetched)
            add(&c->evicted_unfetched, 1);
    }
}

/* Finds a live item (bucket lock held); expired ones are removed on the way. */
static _Atomic uint64_t *lookup_locked(struct store *s, unsigned tid, uint64_t h, const char *key,
                                       size_t klen, uint32_t now, struct match *m)
{
    m->s = s;
    m->key = key;
    m->klen = klen;
    m->tag = index_tag(h);
    m->seg = SEG_NONE;
    _Atomic uint64_t *slot = index_find_locked(&s->ix, h, match_slot, m);
    if (!slot)
        return NULL;
    if (clock_expired(m->it.exptime, now)) {
        drop_locked(s, tid, slot, atomic_load_explicit(slot, memory_order_relaxed), &m->it,
                    DROP_EXPIRED);
        return NULL;
    }
    return slot;
}

static uint64_t item_cas(struct store *s, uint64_t h, const struct seg_item *it)
{
    if (s->cfg.no_cas)
        return 0;
    if (it->bits & SEG_IB_CAS)
        return it->cas;
    return index_cas_locked(&s->ix, h);
}

/* ---- segments: open, seal, reclaim (store lock held) ---- */

static void give_back_locked(struct store *s, uint32_t id)
{
    if (s->reserve == SEG_NONE) {
        s->pool.segs[id].state = SEG_OPEN;
        s->reserve = id;
    } else {
        seg_free(&s->pool, id);
    }
}

static uint32_t main_dest_locked(struct store *s, unsigned g, uint32_t need, uint32_t now)
{
    uint32_t id = s->main_open[g];
    if (id != SEG_NONE && s->pool.segs[id].write_off + need <= s->pool.seg_size)
        return id;
    if (id != SEG_NONE)
        evict_push(&s->ev, &s->pool, id, EVICT_MAIN);
    s->main_open[g] = SEG_NONE;
    uint32_t nid = seg_alloc(&s->pool, now);
    if (nid == SEG_NONE && s->reserve != SEG_NONE) {
        nid = s->reserve;
        s->reserve = SEG_NONE;
        struct seg *sg = &s->pool.segs[nid];
        sg->create_time = now;
        sg->exp_max = sg->write_off = 0;
        atomic_store_explicit(&sg->live_items, 0, memory_order_relaxed);
        atomic_store_explicit(&sg->live_bytes, 0, memory_order_relaxed);
    }
    if (nid == SEG_NONE)
        return SEG_NONE;
    s->pool.segs[nid].state = SEG_OPEN;
    s->pool.segs[nid].group = (uint8_t)g;
    s->main_open[g] = nid;
    return nid;
}

/* Copies a live item forward into main, or evicts it (bucket lock held). */
static void reclaim_item_locked(struct store *s, unsigned tid, uint64_t h, _Atomic uint64_t *slot,
                                const struct seg_item *it, enum evict_queue q, uint32_t now)
{
    uint64_t v = atomic_load_explicit(slot, memory_order_relaxed);
    if (clock_expired(it->exptime, now)) {
        drop_locked(s, tid, slot, v, it, DROP_EXPIRED);
        return;
    }
    unsigned freq = index_slot_freq(v);
    if (evict_item_fate(q, &freq)) {
        unsigned g = ttl_group(it->exptime, now);
        uint32_t dst = main_dest_locked(s, g, it->size, now);
        if (dst != SEG_NONE) {
            struct seg *dg = &s->pool.segs[dst];
            memcpy(seg_data(&s->pool, dst) + dg->write_off, item_ptr(s, v), it->size);
            uint64_t nv = index_slot_make(index_slot_tag(v), dst, dg->write_off, freq);
            account(s, tid, v, it->size, -1);
            atomic_store_explicit(slot, nv, memory_order_relaxed);
            account(s, tid, nv, it->size, +1);
            ttl_note(dg, it->exptime);
            dg->write_off += it->size;
            add(&ctr(s, tid)->copied, it->size);
            return;
        }
    }
    if (q == EVICT_YOUNG)
        evict_ghost_add(&s->ev, h);
    drop_locked(s, tid, slot, v, it, DROP_EVICT);
}

/* Unindexes every item of a queued segment, copying forward what the policy keeps. */
static void reclaim_segment_locked(struct store *s, unsigned tid, uint32_t id, enum evict_queue q,
                                   uint32_t now)
{
    struct seg *g = &s->pool.segs[id];
    evict_unlink(&s->ev, &s->pool, id);
    g->state = SEG_DRAIN;
    const char *base = seg_data(&s->pool, id);
    struct seg_item it;
    for (uint32_t off = 0; off < g->write_off; off += it.size) {
        if (atomic_load_explicit(&g->live_items, memory_order_relaxed) == 0)
            break;
        if (seg_item_parse(base + off, g->write_off - off, &it) != 0)
            break;
        uint64_t h = index_hash(it.key, it.klen);
        struct match m = {.s = s, .seg = id, .off = off};
        index_lock(&s->ix, h);
        _Atomic uint64_t *slot = index_find_locked(&s->ix, h, match_slot, &m);
        if (slot)
            reclaim_item_locked(s, tid, h, slot, &it, q, now);
        index_unlock(&s->ix, h);
    }
}

/* Frees sealed segments that are empty or wholly expired, and drained ones. */
static bool reclaim_free_locked(struct store *s, unsigned tid, uint32_t now)
{
    bool freed = false;
    for (uint32_t id = 0; id < s->pool.nseg; id++) {
        struct seg *g = &s->pool.segs[id];
        if (g->state == SEG_YOUNG || g->state == SEG_MAIN) {
            if (atomic_load_explicit(&g->live_items, memory_order_relaxed) != 0 &&
                !ttl_seg_expired(g, now))
                continue;
            if (seg_pins(&s->pool, id) != 0)
                continue;
            reclaim_segment_locked(s, tid, id, g->state == SEG_YOUNG ? EVICT_YOUNG : EVICT_MAIN,
                                   now);
        }
        if (g->state == SEG_DRAIN && seg_pins(&s->pool, id) == 0 &&
            atomic_load_explicit(&g->live_items, memory_order_relaxed) == 0) {
            give_back_locked(s, id);
            freed = true;
        }
    }
    return freed;
}

/* A free segment for writing, reclaiming and evicting as needed; SEG_NONE if none can be had. */
static uint32_t get_segment_locked(struct store *s, unsigned tid, uint32_t now)
{
    for (uint32_t round = 0; round < 2 * s->pool.nseg + 8; round++) {
        uint32_t id = seg_alloc(&s->pool, now);
        if (id != SEG_NONE)
            return id;
        if (reclaim_free_locked(s, tid, now))
            continue;
        if (s->cfg.no_evict)
            return SEG_NONE;
        enum evict_queue q;
        uint32_t v = evict_victim(&s->ev, &s->pool, VICTIM_SCAN, &q);
        if (v == SEG_NONE)
            return SEG_NONE;
        reclaim_segment_locked(s, tid, v, q, now);
        if (seg_pins(&s->pool, v) == 0 &&
            atomic_load_explicit(&s->pool.segs[v].live_items, memory_order_relaxed) == 0)
            give_back_locked(s, v);
    }
    return SEG_NONE;
}

/* Replaces the worker's open segment of group g with a fresh one. */
static int open_segment(struct store *s, unsigned tid, unsigned g)
{
    uint32_t now = clock_now(s->cfg.clock);
    pthread_mutex_lock(&s->lock);
    uint32_t *slot = &s->open[tid * TTL_NGROUPS + g];
    if (*slot != SEG_NONE)
        evict_push(&s->ev, &s->pool, *slot, EVICT_YOUNG);
    *slot = SEG_NONE;
    uint32_t id = get_segment_locked(s, tid, now);
    if (id != SEG_NONE) {
        s->pool.segs[id].group = (uint8_t)g;
        *slot = id;
    }
    pthread_mutex_unlock(&s->lock);
    return id == SEG_NONE ? RC_ERR_NOMEM : 0;
}

/* Gives the index one more segment of overflow buckets. */
static int grow_index(struct store *s, unsigned tid)
{
    int rc = 0;
    pthread_mutex_lock(&s->lock);
    if (!index_has_spare(&s->ix)) {
        uint32_t id = get_segment_locked(s, tid, clock_now(s->cfg.clock));
        if (id == SEG_NONE) {
            rc = RC_ERR_NOMEM;
        } else {
            s->pool.segs[id].state = SEG_INDEX;
            rc = index_add_chunk(&s->ix, seg_data(&s->pool, id), s->pool.seg_size);
            if (rc)
                seg_free(&s->pool, id);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- planning writes (bucket lock held; old is NULL on a miss) ---- */

static bool parse_number(const char *p, size_t n, uint64_t *out)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r')))
        i++;
    bool neg = false;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        neg = p[i++] == '-';
    size_t first = i;
    uint64_t v = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (i == first || (neg && v != 0))
        return false;
    if (i < n && !(p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r')))
        return false;
    *out = v;
    return true;
}

static void plan_freq(struct store *s, struct wplan *w, uint64_t h, const struct seg_item *old,
                      unsigned ofreq)
{
    if (old) {
        w->freq = ofreq;
        return;
    }
    if (!w->ghost_done) {
        w->ghost_done = true;
        w->ghost_freq = evict_ghost_take(&s->ev, h) ? 1 : 0;
    }
    w->freq = w->ghost_freq;
}

static enum store_status plan_set(struct store *s, struct wplan *w, const struct seg_item *old,
                                  uint64_t ocas)
{
    const struct store_set_args *a = w->sa;
    enum store_mode mode = a->mode;
    if (a->compare_cas && (mode == STORE_SET || mode == STORE_REPLACE))
        mode = STORE_CAS;
    w->v1 = a->value;
    w->l1 = a->vlen;
    w->flags = a->flags;
    w->exp = clock_exptime(s->cfg.clock, a->exptime);
    w->has_cas = a->set_cas != 0;
    w->cas = a->set_cas;
    if (!old) {
        if (mode == STORE_CAS)
            return STORE_NOT_FOUND;
        if (mode == STORE_REPLACE || mode == STORE_APPEND || mode == STORE_PREPEND)
            return STORE_NOT_STORED;
        return STORE_OK;
    }
    bool match = a->compare_cas == ocas;
    bool stale = a->invalidate && a->compare_cas && a->compare_cas < ocas;
    switch (mode) {
    case STORE_ADD:
        return STORE_NOT_STORED;
    case STORE_CAS:
        if (a->compare_cas && match)
            return STORE_OK;
        if (!stale)
            return STORE_EXISTS;
        w->exp = old->exptime;
        w->bits = SEG_IB_STALE | (old->bits & SEG_IB_TOKEN);
        return STORE_OK;
    case STORE_APPEND:
    case STORE_PREPEND:
        if (a->compare_cas && !match)
            return STORE_EXISTS;
        w->flags = old->flags;
        w->exp = old->exptime;
        w->v1 = mode == STORE_APPEND ? old->value : a->value;
        w->l1 = mode == STORE_APPEND ? old->vlen : a->vlen;
        w->v2 = mode == STORE_APPEND ? a->value : old->value;
        w->l2 = mode == STORE_APPEND ? a->vlen : old->vlen;
        return STORE_OK;
    default:
        return STORE_OK;
    }
}

static enum store_status plan_arith(struct store *s, struct wplan *w, const struct seg_item *old,
                                    uint64_t ocas)
{
    const struct store_arith_args *a = w->aa;
    uint64_t v;
    if (!old) {
        if (!a->vivify)
            return STORE_NOT_FOUND;
        v = a->initial;
        w->exp = clock_exptime(s->cfg.clock, a->exptime);
        w->flags = 0;
    } else {
        if (a->compare_cas && a->compare_cas != ocas)
            return STORE_EXISTS;
        if (!parse_number(old->value, old->vlen, &v))
            return STORE_NON_NUMERIC;
        if (a->incr)
            v += a->delta;
        else
            v = v < a->delta ? 0 : v - a->delta;
        w->exp = old->exptime;
        w->flags = old->flags;
    }
    int n = snprintf(w->num, sizeof(w->num), "%llu", (unsigned long long)v);
    w->v1 = w->num;
    w->l1 = (size_t)n;
    /* memcached rewrites a shorter result in place, padded with spaces */
    if (old && old->vlen > (size_t)n)
        w->pad = old->vlen - (size_t)n;
    w->result = v;
    return STORE_OK;
}

/* touch, and md with I: a copy of the item with a new expiry and/or state. */
static enum store_status plan_rewrite(struct store *s, struct wplan *w, const struct seg_item *old,
                                      uint64_t ocas)
{
    if (!old)
        return STORE_NOT_FOUND;
    w->v1 = old->value;
    w->l1 = old->vlen;
    w->flags = old->flags;
    w->exp = old->exptime;
    if (w->kind == W_TOUCH || w->touch)
        w->exp = clock_exptime(s->cfg.clock, w->exptime);
    if (w->kind == W_TOUCH) {
        /* the cas must not change: keep it in the item */
        w->bits = old->bits & (SEG_IB_FETCHED | SEG_IB_STALE | SEG_IB_TOKEN);
        w->has_cas = !s->cfg.no_cas;
        w->cas = ocas;
        w->bump_cas = false;
        return STORE_OK;
    }
    if (w->cmp_cas && w->cmp_cas != ocas)
        return STORE_EXISTS;
    w->bits = (old->bits & SEG_IB_FETCHED) | SEG_IB_STALE;
    return STORE_OK;
}

static enum store_status plan(struct store *s, struct wplan *w, uint64_t h,
                              const struct seg_item *old, uint64_t ocas, unsigned ofreq,
                              uint32_t now)
{
    w->v1 = w->v2 = NULL;
    w->l1 = w->l2 = w->pad = 0;
    w->flags = w->exp = 0;
    w->has_cas = w->remove_only = false;
    w->bump_cas = true;
    w->cas = 0;
    w->bits = 0;
    enum store_status st;
    switch (w->kind) {
    case W_SET:
        st = plan_set(s, w, old, ocas);
        break;
    case W_ARITH:
        st = plan_arith(s, w, old, ocas);
        break;
    case W_VIVIFY:
        st = old ? STORE_NOT_STORED : STORE_OK;
        w->exp = clock_exptime(s->cfg.clock, w->exptime);
        w->bits = SEG_IB_TOKEN;
        break;
    default:
        st = plan_rewrite(s, w, old, ocas);
        break;
    }
    if (st != STORE_OK)
        return st;
    plan_freq(s, w, h, old, ofreq);
    size_t vlen = w->l1 + w->l2 + w->pad;
    size_t size = seg_item_size(w->klen, vlen, w->flags, w->exp, w->has_cas);
    if (size > s->cfg.item_size_max || size > s->pool.seg_size)
        return STORE_TOO_LARGE;
    if (clock_expired(w->exp, now))
        w->remove_only = true;
    return STORE_OK;
}

/* ---- the write loop ---- */

static void write_value(char *dst, const struct wplan *w)
{
    if (w->l1)
        memcpy(dst, w->v1, w->l1);
    if (w->l2)
        memcpy(dst + w->l1, w->v2, w->l2);
    if (w->pad)
        memset(dst + w->l1 + w->l2, ' ', w->pad);
}

/* Appends the planned item to the worker's open segment and publishes it (bucket lock held).
 * Returns 1 if the segment or the chain lacks room (nothing changed), 0 when done. */
static int publish_locked(struct store *s, unsigned tid, struct wplan *w, uint64_t h,
                          _Atomic uint64_t *slot, const struct seg_item *old, uint32_t now,
                          int *need_index)
{
    size_t vlen = w->l1 + w->l2 + w->pad;
    uint32_t size = (uint32_t)seg_item_size(w->klen, vlen, w->flags, w->exp, w->has_cas);
    unsigned g = ttl_group(w->exp, now);
    uint32_t id = s->open[tid * TTL_NGROUPS + g];
    _Atomic uint64_t *dst = slot ? slot : index_empty_slot_locked(&s->ix, h);
    if (!dst && index_extend_locked(&s->ix, h) == 0)
        dst = index_empty_slot_locked(&s->ix, h);
    *need_index = dst == NULL;
    if (!dst || id == SEG_NONE || s->pool.segs[id].write_off + size > s->pool.seg_size)
        return 1;
    struct seg *sg = &s->pool.segs[id];
    char *p = seg_data(&s->pool, id) + sg->write_off;
    write_value(
        seg_item_write(p, w->key, w->klen, vlen, w->flags, w->exp, w->cas, w->has_cas, w->bits), w);
    uint64_t nv = index_slot_make(index_tag(h), id, sg->write_off, w->freq);
    if (slot)
        account(s, tid, atomic_load_explicit(slot, memory_order_relaxed), old->size, -1);
    atomic_store_explicit(dst, nv, memory_order_relaxed);
    account(s, tid, nv, size, +1);
    ttl_note(sg, w->exp);
    sg->write_off += size;
    if (w->bump_cas)
        index_cas_bump_locked(&s->ix, h);
    add(&ctr(s, tid)->total_items, 1);
    if (!slot && w->freq && w->kind == W_SET)
        add(&ctr(s, tid)->ghost_hits, 1);
    return 0;
}

static enum store_status write_op(struct store *s, unsigned tid, struct wplan *w, uint64_t *cas_out)
{
    uint64_t h = index_hash(w->key, w->klen);
    bool set_mode = w->kind == W_SET && w->sa->mode == STORE_SET;
    for (unsigned attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        uint32_t now = clock_now(s->cfg.clock);
        struct match m;
        index_lock(&s->ix, h);
        _Atomic uint64_t *slot = lookup_locked(s, tid, h, w->key, w->klen, now, &m);
        uint64_t sv = slot ? atomic_load_explicit(slot, memory_order_relaxed) : 0;
        const struct seg_item *old = slot ? &m.it : NULL;
        enum store_status st =
            plan(s, w, h, old, slot ? item_cas(s, h, old) : 0, index_slot_freq(sv), now);
        if (st != STORE_OK || w->remove_only) {
            if (slot && (w->remove_only || (st == STORE_TOO_LARGE && set_mode)))
                drop_locked(s, tid, slot, sv, old, DROP_DELETE);
            index_unlock(&s->ix, h);
            if (cas_out)
                *cas_out = 0;
            return st;
        }
        int need_index = 0;
        if (publish_locked(s, tid, w, h, slot, old, now, &need_index) == 0) {
            if (cas_out)
                *cas_out = s->cfg.no_cas ? 0 : w->has_cas ? w->cas : index_cas_locked(&s->ix, h);
            index_unlock(&s->ix, h);
            return STORE_OK;
        }
        index_unlock(&s->ix, h);
        unsigned g = ttl_group(w->exp, now);
        int rc = need_index ? grow_index(s, tid) : open_segment(s, tid, g);
        if (rc) {
            if (set_mode) {
                index_lock(&s->ix, h);
                slot = lookup_locked(s, tid, h, w->key, w->klen, now, &m);
                if (slot)
                    drop_locked(s, tid, slot, atomic_load_explicit(slot, memory_order_relaxed),
                                &m.it, DROP_DELETE);
                index_unlock(&s->ix, h);
            }
            return STORE_NO_MEMORY;
        }
    }
    return STORE_NO_MEMORY;
}

/* ---- flush ---- */

static bool flush_slot(void *ctx, _Atomic uint64_t *slot, uint64_t v)
{
    struct store *s = ctx;
    struct seg_item it;
    if (seg_item_parse(item_ptr(s, v), s->pool.seg_size - index_slot_off(v), &it) == 0)
        drop_locked(s, s->cfg.nworkers, slot, v, &it, DROP_DELETE);
    return false;
}

static void check_flush(struct store *s)
{
    uint32_t at = atomic_load_explicit(&s->flush_at, memory_order_relaxed);
    if (at && clock_now(s->cfg.clock) >= at && atomic_compare_exchange_strong(&s->flush_at, &at, 0))
        index_walk(&s->ix, flush_slot, s);
}

void store_flush(struct store *s, int64_t delay)
{
    if (delay > 0) {
        uint32_t at = clock_exptime(s->cfg.clock, delay);
        atomic_store(&s->flush_at, at > CLOCK_EXPIRED ? at : 2);
        return;
    }
    atomic_store(&s->flush_at, 0);
    index_walk(&s->ix, flush_slot, s);
}

static bool key_ok(size_t klen)
{
    return klen > 0 && klen <= KEY_MAX;
}

/* ---- reads ---- */

static void fill_ref(struct store *s, unsigned tid, uint64_t h, _Atomic uint64_t *slot,
                     const struct seg_item *it, const struct store_get_opts *o, uint32_t now,
                     struct store_ref *ref)
{
    uint64_t v = atomic_load_explicit(slot, memory_order_relaxed);
    uint32_t id = index_slot_seg(v);
    struct seg *g = &s->pool.segs[id];
    char *p = item_ptr(s, v);
    uint8_t bits = seg_item_bits(p);
    ref->key = it->key;
    ref->value = it->value;
    ref->klen = it->klen;
    ref->vlen = it->vlen;
    ref->flags = it->flags;
    ref->cas = item_cas(s, h, it);
    ref->exptime = it->exptime;
    ref->fetched = bits & SEG_IB_FETCHED;
    ref->stale = bits & SEG_IB_STALE;
    ref->lost = bits & SEG_IB_TOKEN;
    uint32_t last = atomic_load_explicit(&g->last_hit, memory_order_relaxed);
    ref->atime = ref->fetched ? last : g->create_time;
    bool win = false;
    if (o && o->recache && !(bits & SEG_IB_TOKEN) && it->exptime &&
        it->exptime < (uint64_t)now + o->recache_below)
        win = true;
    if ((bits & SEG_IB_STALE) && !(bits & SEG_IB_TOKEN))
        win = true;
    ref->win = win;
    uint8_t set = win ? SEG_IB_TOKEN : 0;
    if (!o || !o->no_bump) {
        set |= SEG_IB_FETCHED;
        unsigned f = index_slot_freq(v);
        if (f < INDEX_FREQ_MAX)
            atomic_store_explicit(slot, index_slot_with_freq(v, f + 1), memory_order_relaxed);
        if (last != now)
            atomic_store_explicit(&g->last_hit, now, memory_order_relaxed);
    }
    if (set & ~bits)
        seg_item_set_bits(p, set, 0);
    _Atomic uint32_t *pin = &s->pool.pins[(size_t)tid * s->pool.nseg + id];
    atomic_fetch_add_explicit(pin, 1, memory_order_relaxed);
    ref->pin = (void *)pin;
}

static enum store_status get_locked_fill(struct store *s, unsigned tid, uint64_t h, const char *key,
                                         size_t klen, const struct store_get_opts *o,
                                         struct store_ref *ref)
{
    uint32_t now = clock_now(s->cfg.clock);
    struct match m;
    index_lock(&s->ix, h);
    _Atomic uint64_t *slot = lookup_locked(s, tid, h, key, klen, now, &m);
    if (slot)
        fill_ref(s, tid, h, slot, &m.it, o, now, ref);
    index_unlock(&s->ix, h);
    return slot ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status store_get(struct store *s, unsigned tid, const char *key, size_t klen,
                            const struct store_get_opts *opts, struct store_ref *ref)
{
    ref->pin = NULL;
    if (!key_ok(klen) || tid >= s->cfg.nworkers)
        return STORE_INVALID;
    check_flush(s);
    uint64_t h = index_hash(key, klen);
    if (opts && opts->touch) {
        struct wplan w = {.kind = W_TOUCH, .key = key, .klen = klen, .exptime = opts->exptime};
        enum store_status st = write_op(s, tid, &w, NULL);
        if (st != STORE_OK && st != STORE_NOT_FOUND)
            return st;
    }
    enum store_status st = get_locked_fill(s, tid, h, key, klen, opts, ref);
    if (st == STORE_OK || !opts || !opts->vivify)
        return st;
    struct wplan w = {.kind = W_VIVIFY, .key = key, .klen = klen, .exptime = opts->exptime};
    enum store_status vst = write_op(s, tid, &w, NULL);
    if (vst != STORE_OK && vst != STORE_NOT_STORED)
        return vst;
    st = get_locked_fill(s, tid, h, key, klen, opts, ref);
    if (st == STORE_OK && vst == STORE_OK) {
        ref->win = true;
        ref->lost = false;
    }
    return st;
}

void store_unref(struct store *s, struct store_ref *ref)
{
    (void)s;
    if (!ref || !ref->pin)
        return;
    atomic_fetch_sub_explicit((_Atomic uint32_t *)ref->pin, 1, memory_order_release);
    ref->pin = NULL;
}

/* ---- writes ---- */

enum store_status store_set(struct store *s, unsigned tid, const struct store_set_args *a,
                            uint64_t *cas_out)
{
    if (cas_out)
        *cas_out = 0;
    if (!key_ok(a->klen) || tid >= s->cfg.nworkers || (a->vlen && !a->value))
        return STORE_INVALID;
    check_flush(s);
    struct wplan w = {.kind = W_SET, .key = a->key, .klen = a->klen, .sa = a};
    return write_op(s, tid, &w, cas_out);
}

enum store_status store_delete(struct store *s, unsigned tid, const struct store_delete_args *a)
{
    if (!key_ok(a->klen) || tid >= s->cfg.nworkers)
        return STORE_INVALID;
    check_flush(s);
    if (a->invalidate) {
        struct wplan w = {.kind = W_INVALIDATE,
                          .key = a->key,
                          .klen = a->klen,
                          .touch = a->touch,
                          .exptime = a->exptime,
                          .cmp_cas = a->compare_cas};
        return write_op(s, tid, &w, NULL);
    }
    uint64_t h = index_hash(a->key, a->klen);
    struct match m;
    index_lock(&s->ix, h);
    _Atomic uint64_t *slot = lookup_locked(s, tid, h, a->key, a->klen, clock_now(s->cfg.clock), &m);
    enum store_status st = STORE_NOT_FOUND;
    if (slot && a->compare_cas && a->compare_cas != item_cas(s, h, &m.it)) {
        st = STORE_EXISTS;
    } else if (slot) {
        drop_locked(s, tid, slot, atomic_load_explicit(slot, memory_order_relaxed), &m.it,
                    DROP_DELETE);
        st = STORE_OK;
    }
    index_unlock(&s->ix, h);
    return st;
}

enum store_status store_arith(struct store *s, unsigned tid, const struct store_arith_args *a,
                              uint64_t *value_out, uint64_t *cas_out)
{
    if (cas_out)
        *cas_out = 0;
    if (!key_ok(a->klen) || tid >= s->cfg.nworkers)
        return STORE_INVALID;
    check_flush(s);
    struct wplan w = {.kind = W_ARITH, .key = a->key, .klen = a->klen, .aa = a};
    enum store_status st = write_op(s, tid, &w, cas_out);
    if (st == STORE_OK && value_out)
        *value_out = w.result;
    return st;
}

enum store_status store_touch(struct store *s, unsigned tid, const char *key, size_t klen,
                              int64_t exptime)
{
    if (!key_ok(klen) || tid >= s->cfg.nworkers)
        return STORE_INVALID;
    check_flush(s);
    struct wplan w = {.kind = W_TOUCH, .key = key, .klen = klen, .exptime = exptime};
    return write_op(s, tid, &w, NULL);
}

/* ---- stats ---- */

void store_get_stats(struct store *s, struct store_stats *out)
{
    memset(out, 0, sizeof(*out));
    int64_t items = 0, bytes = 0;
    for (unsigned i = 0; i <= s->cfg.nworkers; i++) {
        struct counters *c = &s->ctr[i];
        items += atomic_load_explicit(&c->items, memory_order_relaxed);
        bytes += atomic_load_explicit(&c->bytes, memory_order_relaxed);
        out->total_items += atomic_load_explicit(&c->total_items, memory_order_relaxed);
        out->evictions += atomic_load_explicit(&c->evictions, memory_order_relaxed);
        out->expired_unfetched += atomic_load_explicit(&c->expired_unfetched, memory_order_relaxed);
        out->evicted_unfetched += atomic_load_explicit(&c->evicted_unfetched, memory_order_relaxed);
        out->reclaimed += atomic_load_explicit(&c->reclaimed, memory_order_relaxed);
        out->ghost_hits += atomic_load_explicit(&c->ghost_hits, memory_order_relaxed);
        out->bytes_copied_forward += atomic_load_explicit(&c->copied, memory_order_relaxed);
    }
    out->curr_items = items > 0 ? (uint64_t)items : 0;
    out->bytes = bytes > 0 ? (uint64_t)bytes : 0;
    out->limit_maxbytes = s->cfg.mem_limit;
    pthread_mutex_lock(&s->lock);
    out->segments_total = s->pool.nseg;
    out->segments_free = s->pool.nfree + (s->reserve != SEG_NONE);
    out->segments_used = s->pool.nseg - out->segments_free;
    size_t chunks = s->ix.chunk_bytes_total;
    pthread_mutex_unlock(&s->lock);
    out->segment_size = s->pool.seg_size;
    out->index_bytes = index_primary_bytes(&s->ix) + evict_ghost_bytes(&s->ev) + chunks;
    out->index_slots =
        ((uint64_t)(s->ix.mask + 1) + atomic_load_explicit(&s->ix.ov_total, memory_order_relaxed)) *
        INDEX_SLOTS;
}

void store_reset_stats(struct store *s)
{
    for (unsigned i = 0; i <= s->cfg.nworkers; i++) {
        struct counters *c = &s->ctr[i];
        atomic_store(&c->total_items, 0);
        atomic_store(&c->evictions, 0);
        atomic_store(&c->expired_unfetched, 0);
        atomic_store(&c->evicted_unfetched, 0);
        atomic_store(&c->reclaimed, 0);
        atomic_store(&c->ghost_hits, 0);
        atomic_store(&c->copied, 0);
    }
}

const char *store_strstatus(enum store_status st)
{
    switch (st) {
    case STORE_OK:
        return "ok";
    case STORE_NOT_STORED:
        return "not stored";
    case STORE_EXISTS:
        return "exists";
    case STORE_NOT_FOUND:
        return "not found";
    case STORE_TOO_LARGE:
        return "too large";
    case STORE_NO_MEMORY:
        return "out of memory";
    case STORE_NON_NUMERIC:
        return "non-numeric value";
    case STORE_INVALID:
        return "invalid argument";
    }
    return "unknown status";
}

/* ---- lifecycle ---- */

/* Splits mem_limit into the primary index, the ghost table and whole segments. */
/* Splits mem_limit into the primary index (1/128 of memory: chains grow into overflow buckets
 * taken from segments as items get small), whole segments, and a ghost table that takes the
 * remainder (at least 16 KiB). */
static int size_store(const struct store_config *c, size_t *seg_size, size_t *nbuckets,
                      uint32_t *nseg, size_t *ghost)
{
    /* at least SEG_MIN_COUNT + 2 per worker segments: halve the segment size for small -m */
    size_t want = SEG_MIN_COUNT + 2 * (size_t)c->nworkers;
    size_t ss = SEG_SIZE_DEFAULT;
    while (ss > SEG_SIZE_MIN && c->mem_limit / ss < want)
        ss >>= 1;
    /* -I above 1 MiB: bigger segments, if memory allows as many */
    while (ss < c->item_size_max && ss < SEG_SIZE_MAX && c->mem_limit / (ss << 1) >= want)
        ss <<= 1;
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
    size_t left = c->mem_limit > pow * INDEX_BUCKET_SIZE + n * ss
                      ? c->mem_limit - pow * INDEX_BUCKET_SIZE - n * ss
                      : GHOST_MIN_BYTES;
    size_t g = 4096;
    while (g * 2 * sizeof(uint32_t) <= left)
        g <<= 1;
    *seg_size = ss;
    *nbuckets = pow;
    *nseg = (uint32_t)n;
    *ghost = g;
    return 0;
}

int store_create(struct store **out, const struct store_config *cfg)
{
    *out = NULL;
    if (!cfg || !cfg->clock || cfg->nworkers == 0 || cfg->nworkers > 4096 || !cfg->mem_limit ||
        cfg->item_size_max < 64)
        return RC_ERR_INVAL;
    size_t ss, nb, ghost;
    uint32_t nseg;
    int rc = size_store(cfg, &ss, &nb, &nseg, &ghost);
    if (rc)
        return rc;
    struct store *s = calloc(1, sizeof(*s));
    if (!s)
        return RC_ERR_NOMEM;
    s->cfg = *cfg;
    s->reserve = SEG_NONE;
    for (unsigned g = 0; g < TTL_NGROUPS; g++)
        s->main_open[g] = SEG_NONE;
    pthread_mutex_init(&s->lock, NULL);
    s->open = malloc((size_t)cfg->nworkers * TTL_NGROUPS * sizeof(*s->open));
    s->ctr = aligned_alloc(64, ((size_t)cfg->nworkers + 1) * sizeof(*s->ctr));
    if (!s->open || !s->ctr) {
        store_destroy(&s);
        return RC_ERR_NOMEM;
    }
    memset(s->ctr, 0, ((size_t)cfg->nworkers + 1) * sizeof(*s->ctr));
    for (size_t i = 0; i < (size_t)cfg->nworkers * TTL_NGROUPS; i++)
        s->open[i] = SEG_NONE;
    if ((rc = seg_pool_init(&s->pool, nseg, ss, cfg->nworkers)) != 0 ||
        (rc = index_init(&s->ix, nb, nseg)) != 0 ||
        (rc = evict_init(&s->ev, nseg / 10 ? nseg / 10 : 1, ghost)) != 0) {
        store_destroy(&s);
        return rc;
    }
    pthread_mutex_lock(&s->lock);
    s->reserve = seg_alloc(&s->pool, clock_now(cfg->clock));
    pthread_mutex_unlock(&s->lock);
    *out = s;
    return 0;
}

void store_destroy(struct store **sp)
{
    if (!sp || !*sp)
        return;
    struct store *s = *sp;
    evict_deinit(&s->ev);
    index_deinit(&s->ix);
    seg_pool_deinit(&s->pool);
    free(s->open);
    free(s->ctr);
    pthread_mutex_destroy(&s->lock);
    free(s);
    *sp = NULL;
}
