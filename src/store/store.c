/* store: the storage facade (store.h): the write loop, reads, flush_all and the public calls.
 *
 * Design: a write locks the key's bucket, finds the current item (space_lookup_locked), lets
 * plan.c decide the new item, appends it to the worker's own open segment for its TTL group and
 * publishes it by replacing or filling one 8-byte slot, all in one lock hold. When the open
 * segment is full or the bucket chain has no empty slot, the lock is dropped, space.c makes room
 * under the store lock, and the write is planned again. A call reads the clock once and hashes
 * its key once, and hands both down (a retry after making room reads the clock again).
 *
 * Reads are lock-free (optimistic): read the bucket's version word (index_version; odd = a writer
 * holds it), walk the chain comparing tags, pin the candidate's segment (a per-worker counter),
 * re-read the slot (a changed slot: unpin, retry), compare the key in the now-stable item, then
 * re-read the version (changed: retry, the bucket changed meanwhile). A
 * hit writes nothing shared unless it changes something: the frequency bump is a CAS on the slot
 * only while below EVICT_FREQ_MAX, the fetched bit and the segment's last-hit time are set only
 * when not already so. After READ_TRIES failed attempts, and for expired items, stale items and
 * mg R (which must remove, or hand out one win token), the read takes the bucket lock instead.
 *
 * Safety of a pinned item: a segment is reused only after its items are unindexed and its pins
 * read 0; slot changes and pins are seq_cst on both sides (space.c), so a reader that pinned and
 * then still saw its slot holds memory that no reclaim will free until store_unref. Items are
 * never changed in place except for their state bits (atomics), so a pinned value never changes.
 *
 * CAS (unless -C) belongs to the item, so writing one key never changes another's (as in
 * memcached), at no bytes per item: a new version's cas is its place (space_cas: the segment's
 * generation, segment and offset; append-only, so a place is never written twice in one
 * generation). An item that moves takes its cas along in 8 bytes (touch here, copy-forward and
 * compaction in space.c); meta E gives its own.
 *
 * Locking: store lock (space.c) before bucket lock; nothing that takes the store lock runs with a
 * bucket lock held. Ownership: the store owns all memory, a worker owns its open segments, the
 * caller owns the clock and the references it holds. Non-goals: persistence, items larger than a
 * segment. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "plan.h"
#include "ringcache/status.h"
#include "space.h"

#define KEY_MAX        250
#define WRITE_ATTEMPTS 1000
#define READ_TRIES     8

struct store {
    struct store_config cfg;
    struct space sp;
    struct plan_env env;
};

/* The cas of the item at slot value v. */
static uint64_t item_cas(const struct store *s, uint64_t v, const struct seg_item *it)
{
    return s->cfg.no_cas ? 0 : space_cas(&s->sp, v, it);
}

static bool key_ok(size_t klen)
{
    return klen > 0 && klen <= KEY_MAX;
}

void store_prefetch(struct store *s, uint64_t h, bool item)
{
    const _Atomic uint64_t *b = s->sp.ix.buckets + (h & s->sp.ix.mask) * 8;
    if (!item) {
        __builtin_prefetch((const void *)b, 0, 3);
        return;
    }
    uint32_t tag = index_tag(h);
    for (int i = 1; i <= INDEX_SLOTS; i++) {
        uint64_t v = atomic_load_explicit(&b[i], memory_order_relaxed);
        if (v && index_slot_tag(v) == tag) { /* header and key, and the value's first bytes */
            const char *p = space_item(&s->sp, v);
            __builtin_prefetch(p, 0, 3);
            __builtin_prefetch(p + 64, 0, 3);
            return;
        }
    }
}

uint64_t store_hash(const char *key, size_t klen)
{
    return index_hash(key, klen);
}

/* ---- the write loop ---- */

/* A new key's frequency: a fingerprint in the ghost table lets it into main at once. */
static unsigned new_freq(struct store *s, uint64_t h, int *ghost)
{
    if (*ghost < 0)
        *ghost = evict_ghost_take(&s->sp.ev, h) ? 1 : 0;
    return *ghost ? s->sp.ev.ghost_freq : 0;
}

/* A plain set's item written ahead of the bucket lock: where (id SEG_NONE: nowhere), and how. */
struct staged {
    uint32_t id, off, size, now, g;
};

/* A plain set (no compare cas, no meta I) stores the value as given, so its item is written before
 * the bucket lock at write_off of the worker's own open segment (invisible until publish_locked
 * stores the slot). The bucket (prefetched by store_set) is read after 3/4 of the value is copied,
 * the old item is prefetched for the rest: both misses overlap with the copy (-2 % CPU/op). */
static void stage_set(struct store *s, unsigned tid, const struct store_set_args *a, uint64_t h,
                      uint32_t now, struct staged *st)
{
    struct space *sp = &s->sp;
    uint32_t exp = clock_exptime_at(s->cfg.clock, a->exptime, now);
    bool has_cas = a->set_cas != 0;
    uint32_t size = (uint32_t)seg_item_size(a->klen, a->vlen, a->flags, exp, has_cas);
    unsigned g = ttl_group(exp, now);
    uint32_t id = sp->open[tid * TTL_NGROUPS + g];
    if (id == SEG_NONE || sp->pool.segs[id].write_off + size > sp->pool.seg_size)
        return;
    uint32_t off = sp->pool.segs[id].write_off;
    char *p = seg_item_write(seg_data(&sp->pool, id) + off, a->key, a->klen, a->vlen, a->flags, exp,
                             a->set_cas, has_cas, 0);
    size_t first = (a->vlen * 3 / 4) & ~(size_t)63;
    memcpy(p, a->value, first);
    store_prefetch(s, h, true);
    memcpy(p + first, a->value + first, a->vlen - first);
    *st = (struct staged){.id = id, .off = off, .size = size, .now = now, .g = g};
}

/* Appends the planned item to the worker's open segment (unless staged there) and publishes it
 * (bucket lock held); *cas_out (if given) gets its cas. Returns 1 if the segment or the chain
 * lacks room (nothing changed). */
static int publish_locked(struct store *s, unsigned tid, struct plan *w, uint64_t h,
                          _Atomic uint64_t *slot, const struct seg_item *old, unsigned freq,
                          uint32_t now, const struct staged *st, int *need_index, uint64_t *cas_out)
{
    struct space *sp = &s->sp;
    /* the plan is the staged item (plan_set takes value, flags and cas as given unless it appends
     * or marks stale), made at the same clock reading (so of the same expiry, size and group) */
    bool pre = st->id != SEG_NONE && st->now == now && w->v1 == w->sa->value && w->l2 == 0 &&
               w->pad == 0 && w->bits == 0;
    uint32_t size = pre ? st->size : (uint32_t)plan_item_size(w);
    unsigned g = pre ? st->g : ttl_group(w->exp, now);
    uint32_t id = sp->open[tid * TTL_NGROUPS + g];
    _Atomic uint64_t *dst = slot ? slot : index_empty_slot_locked(&sp->ix, h);
    if (!dst && index_extend_locked(&sp->ix, h) == 0)
        dst = index_empty_slot_locked(&sp->ix, h);
    *need_index = dst == NULL;
    /* a segment opened before a delayed flush's second holds only invalid items: seal it */
    if (!dst || id == SEG_NONE || sp->pool.segs[id].write_off + size > sp->pool.seg_size ||
        space_seg_flushed(sp, id, now))
        return 1;
    struct seg *sg = &sp->pool.segs[id];
    char *p = seg_data(&sp->pool, id) + sg->write_off;
    if (!pre || st->id != id || st->off != sg->write_off) /* not staged, or not here */
        plan_write_value(seg_item_write(p, w->key, w->klen, plan_vlen(w), w->flags, w->exp, w->cas,
                                        w->has_cas, w->bits),
                         w);
    uint64_t nv = index_slot_make(index_tag(h), id, sg->write_off, freq);
    uint64_t ov = slot ? atomic_load_explicit(slot, memory_order_relaxed) : 0;
    if (cas_out)
        *cas_out = s->cfg.no_cas ? 0 : w->has_cas ? w->cas : space_place_cas(sp, nv);
    space_account(sp, tid, nv, size, +1);
    atomic_store(dst, nv); /* seq_cst: publishes the item, and orders before the old one's count */
    if (slot)
        space_account(sp, tid, ov, old->size, -1);
    ttl_note(sg, w->exp);
    sg->write_off += size;
    index_bump_locked(&sp->ix, h);
    space_ctr_add(sp, tid, &space_ctr(sp, tid)->total_items, 1);
    if (!slot && freq && w->kind == PLAN_SET)
        atomic_fetch_add_explicit(&space_ctr(sp, tid)->ghost_hits, 1, memory_order_relaxed);
    return 0;
}

/* -I failures and out-of-memory on a plain set remove the old value (memcached's rule). */
static void drop_key(struct store *s, unsigned tid, uint64_t h, struct plan *w, uint32_t now)
{
    struct space_match m;
    index_lock(&s->sp.ix, h);
    _Atomic uint64_t *slot = space_lookup_locked(&s->sp, tid, h, w->key, w->klen, now, &m);
    if (slot)
        space_drop_locked(&s->sp, tid, slot, atomic_load_explicit(slot, memory_order_relaxed),
                          &m.it, SPACE_DROP_DELETE);
    index_unlock(&s->sp.ix, h);
}

/* Plans and publishes w for the key hashed to h at the caller's clock reading (a retry rereads). */
static enum store_status write_op(struct store *s, unsigned tid, struct plan *w, uint64_t h,
                                  uint32_t now, uint64_t *cas_out)
{
    bool set_mode = w->kind == PLAN_SET && w->sa->mode == STORE_SET;
    /* the old item's cas matters to every plan but a set without a compare cas (plan_set) */
    bool want_cas = w->kind != PLAN_SET || w->sa->compare_cas != 0;
    int ghost = -1;
    if (cas_out)
        *cas_out = 0;
    struct staged pre = {.id = SEG_NONE};
    if (set_mode && !w->sa->compare_cas && !w->sa->invalidate)
        stage_set(s, tid, w->sa, h, now, &pre);
    for (unsigned attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        if (attempt > 0)
            now = clock_now(s->cfg.clock);
        struct space_match m;
        index_lock(&s->sp.ix, h);
        _Atomic uint64_t *slot = space_lookup_locked(&s->sp, tid, h, w->key, w->klen, now, &m);
        uint64_t sv = slot ? atomic_load_explicit(slot, memory_order_relaxed) : 0;
        const struct seg_item *old = slot ? &m.it : NULL;
        uint64_t ocas = slot && want_cas ? item_cas(s, sv, old) : 0;
        enum store_status st = plan_decide(w, &s->env, old, ocas, now);
        if (st != STORE_OK || w->remove_only) {
            if (slot && (w->remove_only || (st == STORE_TOO_LARGE && set_mode)))
                space_drop_locked(&s->sp, tid, slot, sv, old, SPACE_DROP_DELETE);
            index_unlock(&s->sp.ix, h);
            return st;
        }
        unsigned freq = slot ? index_slot_freq(sv) : new_freq(s, h, &ghost);
        int need_index = 0;
        if (publish_locked(s, tid, w, h, slot, old, freq, now, &pre, &need_index, cas_out) == 0) {
            index_unlock(&s->sp.ix, h);
            return STORE_OK;
        }
        index_unlock(&s->sp.ix, h);
        int rc = need_index ? space_grow_index(&s->sp, tid, now)
                            : space_open_segment(&s->sp, tid, ttl_group(w->exp, now), now);
        if (rc) {
            if (set_mode)
                drop_key(s, tid, h, w, now);
            return STORE_NO_MEMORY;
        }
    }
    return STORE_NO_MEMORY;
}

/* ---- flush ---- */

/* flush_all now: every item is unindexed at once and counted as reclaimed (memcached counts the
 * items its LRU maintainer removes after a flush so), so no later lookup can meet one. */
static bool flush_slot(void *ctx, _Atomic uint64_t *slot, uint64_t v)
{
    struct store *s = ctx;
    struct seg_item it;
    if (seg_item_parse(space_item(&s->sp, v), s->sp.pool.seg_size - index_slot_off(v), &it) == 0)
        space_drop_locked(&s->sp, s->cfg.nworkers, slot, v, &it, SPACE_DROP_EXPIRED);
    return false;
}

/* A delayed flush_all is lazy: once due, items written before it are invalid (space.h), a lookup
 * that meets one removes it (get_flushed) and reclaim frees their segments whole. Every call
 * applies one that came due first (space_apply_flush), so it stays applied when replaced. */
void store_flush(struct store *s, int64_t delay)
{
    space_apply_flush(&s->sp, clock_now(s->cfg.clock));
    if (delay > 0) {
        uint32_t at = clock_exptime(s->cfg.clock, delay);
        atomic_store(&s->sp.flush_at, at > CLOCK_EXPIRED ? at : 2);
        return;
    }
    atomic_store(&s->sp.flush_at, 0);
    index_walk(&s->sp.ix, flush_slot, s);
}

/* ---- reads ---- */

static inline _Atomic uint32_t *pin_of(struct store *s, unsigned tid, uint32_t seg)
{
    return &s->sp.pool.pins[(size_t)tid * s->sp.pool.nseg + seg];
}

static inline void unpin(_Atomic uint32_t *pin)
{
    atomic_fetch_sub_explicit(pin, 1, memory_order_release);
}

/* A read in progress: the key, then the pinned slot value and its parsed item. */
struct rd {
    struct store *s;
    unsigned tid;
    const char *key;
    size_t klen;
    uint32_t tag;
    bool retry;
    uint64_t v;
    _Atomic uint32_t *pin;
    struct seg_item it;
};

/* index_match_fn of the optimistic read: pin, re-check the slot, then compare the key. */
static bool rd_match(void *ctx, _Atomic uint64_t *slot, uint64_t v)
{
    struct rd *r = ctx;
    if (index_slot_tag(v) != r->tag)
        return false;
    _Atomic uint32_t *pin = pin_of(r->s, r->tid, index_slot_seg(v));
    atomic_fetch_add(pin, 1);
    uint64_t again = atomic_load(slot);
    if ((again ^ v) & ~index_slot_with_freq(0, 0xff)) {
        unpin(pin);
        r->retry = true;
        return true;
    }
    const char *p = space_item(&r->s->sp, v);
    if ((unsigned char)p[0] != r->klen ||
        seg_item_parse(p, r->s->sp.pool.seg_size - index_slot_off(v), &r->it) != 0 ||
        memcmp(r->it.key, r->key, r->klen) != 0) {
        unpin(pin);
        return false;
    }
    r->v = again;
    r->pin = pin;
    return true;
}

/* Fills *ref from a pinned item and applies the access (bump, fetched, win token). */
static void fill_ref(struct store *s, struct rd *r, _Atomic uint64_t *slot, uint64_t cas,
                     const struct store_get_opts *o, uint32_t now, struct store_ref *ref)
{
    struct seg *g = &s->sp.pool.segs[index_slot_seg(r->v)];
    char *p = space_item(&s->sp, r->v);
    uint8_t bits = seg_item_bits(p);
    ref->key = r->it.key;
    ref->value = r->it.value;
    ref->klen = r->it.klen;
    ref->vlen = r->it.vlen;
    ref->flags = r->it.flags;
    ref->cas = cas;
    ref->exptime = r->it.exptime;
    ref->fetched = bits & SEG_IB_FETCHED;
    ref->stale = bits & SEG_IB_STALE;
    uint32_t last = atomic_load_explicit(&g->last_hit, memory_order_relaxed);
    ref->atime = ref->fetched && last > g->create_time ? last : g->create_time;
    bool want_win =
        (o && o->recache && r->it.exptime && r->it.exptime < (uint64_t)now + o->recache_below) ||
        (bits & SEG_IB_STALE);
    ref->win = false;
    ref->lost = bits & SEG_IB_TOKEN;
    if (want_win && !(bits & SEG_IB_TOKEN)) /* the lock is held on this path: one winner */
        ref->win = !(__atomic_fetch_or(p + 1, SEG_IB_TOKEN, __ATOMIC_RELAXED) & SEG_IB_TOKEN);
    if (!o || !o->no_bump) {
        if (!atomic_load_explicit(&s->sp.hits_seen, memory_order_relaxed))
            atomic_store_explicit(&s->sp.hits_seen, true, memory_order_relaxed);
        index_slot_bump(slot, r->v, s->sp.ev.freq_max);
        if (!(bits & SEG_IB_FETCHED))
            seg_item_set_bits(p, SEG_IB_FETCHED, 0);
        if (last != now)
            atomic_store_explicit(&g->last_hit, now, memory_order_relaxed);
    }
    ref->pin = (void *)r->pin;
}

enum rd_result { RD_HIT, RD_MISS, RD_RETRY, RD_LOCKED };

static enum rd_result read_optimistic(struct store *s, struct rd *r, uint64_t h,
                                      const struct store_get_opts *o, uint32_t now,
                                      struct store_ref *ref)
{
    uint64_t v1 = index_version(&s->sp.ix, h);
    if (index_version_locked(v1))
        return RD_RETRY;
    r->retry = false;
    _Atomic uint64_t *slot = index_find(&s->sp.ix, h, rd_match, r);
    if (r->retry)
        return RD_RETRY;
    if (!slot)
        return RD_MISS;
    if (clock_expired(r->it.exptime, now) || (r->it.bits & SEG_IB_STALE) || (o && o->recache) ||
        space_seg_flushed(&s->sp, index_slot_seg(r->v), now)) {
        unpin(r->pin);
        return RD_LOCKED;
    }
    atomic_thread_fence(memory_order_acquire);
    if (index_version(&s->sp.ix, h) != v1) {
        unpin(r->pin);
        return RD_RETRY;
    }
    fill_ref(s, r, slot, item_cas(s, r->v, &r->it), o, now, ref);
    return RD_HIT;
}

static enum store_status read_locked(struct store *s, struct rd *r, uint64_t h,
                                     const struct store_get_opts *o, uint32_t now,
                                     struct store_ref *ref)
{
    struct space_match m;
    index_lock(&s->sp.ix, h);
    _Atomic uint64_t *slot = space_lookup_locked(&s->sp, r->tid, h, r->key, r->klen, now, &m);
    if (slot) {
        r->v = atomic_load_explicit(slot, memory_order_relaxed);
        r->it = m.it;
        r->pin = pin_of(s, r->tid, index_slot_seg(r->v));
        atomic_fetch_add(r->pin, 1);
        fill_ref(s, r, slot, item_cas(s, r->v, &m.it), o, now, ref);
    }
    index_unlock(&s->sp.ix, h);
    return slot ? STORE_OK : STORE_NOT_FOUND;
}

static enum store_status read_item(struct store *s, unsigned tid, uint64_t h, const char *key,
                                   size_t klen, const struct store_get_opts *o, uint32_t now,
                                   struct store_ref *ref)
{
    struct rd r = {.s = s, .tid = tid, .key = key, .klen = klen, .tag = index_tag(h)};
    for (int i = 0; i < READ_TRIES; i++) {
        enum rd_result res = read_optimistic(s, &r, h, o, now, ref);
        if (res == RD_HIT)
            return STORE_OK;
        if (res == RD_MISS)
            return STORE_NOT_FOUND;
        if (res == RD_LOCKED)
            break;
    }
    return read_locked(s, &r, h, o, now, ref);
}

enum store_status store_get(struct store *s, unsigned tid, const char *key, size_t klen,
                            const struct store_get_opts *opts, struct store_ref *ref)
{
    return store_get_hashed(s, tid, key, klen, index_hash(key, klen), opts, ref);
}

enum store_status store_get_hashed(struct store *s, unsigned tid, const char *key, size_t klen,
                                   uint64_t h, const struct store_get_opts *opts,
                                   struct store_ref *ref)
{
    ref->pin = NULL;
    if (!key_ok(klen) || tid >= s->cfg.nworkers)
        return STORE_INVALID;
    uint32_t now = clock_now(s->cfg.clock);
    space_apply_flush(&s->sp, now);
    if (opts && opts->touch) {
        struct plan w = {.kind = PLAN_TOUCH, .key = key, .klen = klen, .exptime = opts->exptime};
        enum store_status st = write_op(s, tid, &w, h, now, NULL);
        if (st != STORE_OK && st != STORE_NOT_FOUND)
            return st;
    }
    enum store_status st = read_item(s, tid, h, key, klen, opts, now, ref);
    if (st == STORE_OK || !opts || !opts->vivify)
        return st;
    struct plan w = {.kind = PLAN_VIVIFY, .key = key, .klen = klen, .exptime = opts->exptime};
    enum store_status vst = write_op(s, tid, &w, h, now, NULL);
    if (vst != STORE_OK && vst != STORE_NOT_STORED)
        return vst;
    st = read_item(s, tid, h, key, klen, opts, now, ref);
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
    unpin((_Atomic uint32_t *)ref->pin);
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
    uint64_t h = index_hash(a->key, a->klen);
    store_prefetch(s, h, false); /* see stage_set */
    uint32_t now = clock_now(s->cfg.clock);
    space_apply_flush(&s->sp, now);
    struct plan w = {.kind = PLAN_SET, .key = a->key, .klen = a->klen, .sa = a};
    return write_op(s, tid, &w, h, now, cas_out);
}

enum store_status store_delete(struct store *s, unsigned tid, const struct store_delete_args *a)
{
    if (!key_ok(a->klen) || tid >= s->cfg.nworkers)
        return STORE_INVALID;
    uint32_t now = clock_now(s->cfg.clock);
    space_apply_flush(&s->sp, now);
    uint64_t h = index_hash(a->key, a->klen);
    if (a->invalidate) {
        struct plan w = {.kind = PLAN_INVALIDATE,
                         .key = a->key,
                         .klen = a->klen,
                         .touch = a->touch,
                         .exptime = a->exptime,
                         .cmp_cas = a->compare_cas};
        return write_op(s, tid, &w, h, now, NULL);
    }
    struct space_match m;
    index_lock(&s->sp.ix, h);
    _Atomic uint64_t *slot = space_lookup_locked(&s->sp, tid, h, a->key, a->klen, now, &m);
    enum store_status st = STORE_NOT_FOUND;
    if (slot && a->compare_cas &&
        a->compare_cas != item_cas(s, atomic_load_explicit(slot, memory_order_relaxed), &m.it)) {
        st = STORE_EXISTS;
    } else if (slot) {
        space_drop_locked(&s->sp, tid, slot, atomic_load_explicit(slot, memory_order_relaxed),
                          &m.it, SPACE_DROP_DELETE);
        st = STORE_OK;
    }
    index_unlock(&s->sp.ix, h);
    return st;
}

enum store_status store_arith(struct store *s, unsigned tid, const struct store_arith_args *a,
                              uint64_t *value_out, uint64_t *cas_out)
{
    if (cas_out)
        *cas_out = 0;
    if (!key_ok(a->klen) || tid >= s->cfg.nworkers)
        return STORE_INVALID;
    uint32_t now = clock_now(s->cfg.clock);
    space_apply_flush(&s->sp, now);
    struct plan w = {.kind = PLAN_ARITH, .key = a->key, .klen = a->klen, .aa = a};
    enum store_status st = write_op(s, tid, &w, index_hash(a->key, a->klen), now, cas_out);
    if (st == STORE_OK && value_out)
        *value_out = w.result;
    return st;
}

enum store_status store_touch(struct store *s, unsigned tid, const char *key, size_t klen,
                              int64_t exptime)
{
    if (!key_ok(klen) || tid >= s->cfg.nworkers)
        return STORE_INVALID;
    uint32_t now = clock_now(s->cfg.clock);
    space_apply_flush(&s->sp, now);
    struct plan w = {.kind = PLAN_TOUCH, .key = key, .klen = klen, .exptime = exptime};
    return write_op(s, tid, &w, index_hash(key, klen), now, NULL);
}

/* ---- stats and lifecycle ---- */

void store_get_stats(struct store *s, struct store_stats *out)
{
    memset(out, 0, sizeof(*out));
    space_stats(&s->sp, out);
    out->limit_maxbytes = s->cfg.mem_limit;
}

void store_reset_stats(struct store *s)
{
    space_reset_stats(&s->sp);
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

int store_create(struct store **out, const struct store_config *cfg)
{
    *out = NULL;
    if (!cfg || !cfg->clock || cfg->nworkers == 0 || cfg->nworkers > 4096 || !cfg->mem_limit ||
        cfg->item_size_max < 64)
        return RC_ERR_INVAL;
    struct store *s = calloc(1, sizeof(*s));
    if (!s)
        return RC_ERR_NOMEM;
    s->cfg = *cfg;
    int rc = space_init(&s->sp, cfg, clock_now(cfg->clock));
    if (rc) {
        free(s);
        return rc;
    }
    size_t max = space_item_max(&s->sp);
    s->env = (struct plan_env){.clock = cfg->clock,
                               .size_max = cfg->item_size_max < max ? cfg->item_size_max : max,
                               .no_cas = cfg->no_cas};
    *out = s;
    return 0;
}

void store_destroy(struct store **sp)
{
    if (!sp || !*sp)
        return;
    space_deinit(&(*sp)->sp);
    free(*sp);
    *sp = NULL;
}
