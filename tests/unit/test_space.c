/* Unit tests for store/space: how -m is split (everything within the limit), opening segments
 * and reclaiming empty ones, eviction with copy-forward of hit items (and the spare segment that
 * only appears once copy-forward needs one), the ghost table, pinned segments never reused,
 * -M refusing to evict, and compaction (memory in use follows the data, items keep their queue
 * and frequency, dead items are marked). Items are written here the way store.c publishes them. */
#include "clock.h"
#include "ringcache/status.h"
#include "space.h"
#include "test.h"

static struct rc_clock clk;

static void mk(struct space *sp, size_t mem, unsigned workers, bool no_evict)
{
    struct store_config c = {.mem_limit = mem,
                             .item_size_max = 1 << 20,
                             .nworkers = workers,
                             .no_evict = no_evict,
                             .clock = &clk};
    CHECK_EQ(space_init(sp, &c, clock_now(&clk)), 0);
}

static void key_of(char *k, unsigned i)
{
    snprintf(k, 17, "key:%012u", i);
}

/* Appends key i (16 bytes) with a 100-byte value to tid 0's open segment and indexes it. */
static int put(struct space *sp, unsigned i)
{
    char k[17], v[100];
    key_of(k, i);
    memset(v, 'a' + (int)(i % 26), sizeof(v));
    uint64_t h = index_hash(k, 16);
    uint32_t size = (uint32_t)seg_item_size(16, 100, 0, 0, false);
    uint32_t now = clock_now(&clk);
    for (int tries = 0; tries < 3; tries++) {
        uint32_t id = sp->open[0];
        if (id == SEG_NONE || sp->pool.segs[id].write_off + size > sp->pool.seg_size) {
            if (space_open_segment(sp, 0, 0, now))
                return RC_ERR_NOMEM;
            continue;
        }
        index_lock(&sp->ix, h);
        _Atomic uint64_t *slot = index_empty_slot_locked(&sp->ix, h);
        if (!slot && index_extend_locked(&sp->ix, h) == 0)
            slot = index_empty_slot_locked(&sp->ix, h);
        if (!slot) {
            index_unlock(&sp->ix, h);
            if (space_grow_index(sp, 0, now))
                return RC_ERR_NOMEM;
            continue;
        }
        struct seg *g = &sp->pool.segs[id];
        char *p =
            seg_item_write(seg_data(&sp->pool, id) + g->write_off, k, 16, 100, 0, 0, 0, false, 0);
        memcpy(p, v, 100);
        uint64_t nv = index_slot_make(index_tag(h), id, g->write_off, 0);
        space_account(sp, 0, nv, size, +1);
        atomic_store(slot, nv);
        g->write_off += size;
        index_unlock(&sp->ix, h);
        return 0;
    }
    return RC_ERR_NOMEM;
}

/* Finds key i; bumps its frequency when hit is set. Returns the slot value or 0. */
static uint64_t find(struct space *sp, unsigned i, bool hit)
{
    char k[17];
    key_of(k, i);
    uint64_t h = index_hash(k, 16);
    struct space_match m;
    index_lock(&sp->ix, h);
    _Atomic uint64_t *slot = space_lookup_locked(sp, 0, h, k, 16, clock_now(&clk), &m);
    uint64_t v = slot ? atomic_load(slot) : 0;
    if (slot && hit)
        index_slot_bump(slot, v, sp->ev.freq_max);
    index_unlock(&sp->ix, h);
    return v;
}

/* Removes key i, as a delete or the old version of an overwrite does. True if it was there. */
static bool del(struct space *sp, unsigned i)
{
    char k[17];
    key_of(k, i);
    uint64_t h = index_hash(k, 16);
    struct space_match m;
    index_lock(&sp->ix, h);
    _Atomic uint64_t *slot = space_lookup_locked(sp, 0, h, k, 16, clock_now(&clk), &m);
    if (slot)
        space_drop_locked(sp, 0, slot, atomic_load(slot), &m.it, SPACE_DROP_DELETE);
    index_unlock(&sp->ix, h);
    return slot != NULL;
}

/* True if slot value v holds key i with the value put() wrote for it. */
static bool intact(struct space *sp, uint64_t v, unsigned i)
{
    char k[17];
    key_of(k, i);
    struct seg_item it;
    if (!v || seg_item_parse(space_item(sp, v), sp->pool.seg_size - index_slot_off(v), &it))
        return false;
    if (it.klen != 16 || memcmp(it.key, k, 16) || it.vlen != 100)
        return false;
    for (unsigned j = 0; j < 100; j++)
        if (it.value[j] != 'a' + (int)(i % 26))
            return false;
    return true;
}

/* The cas of the item at slot value v. */
static uint64_t cas_of(struct space *sp, uint64_t v)
{
    struct seg_item it;
    CHECK_EQ(seg_item_parse(space_item(sp, v), sp->pool.seg_size - index_slot_off(v), &it), 0);
    return space_cas(sp, v, &it);
}

static void test_layout(void)
{
    size_t mems[] = {1u << 20, 4u << 20, 16u << 20, 64u << 20, 1024u << 20};
    for (unsigned w = 1; w <= 4; w *= 4) {
        for (size_t i = 0; i < sizeof(mems) / sizeof(mems[0]); i++) {
            struct store_config c = {.mem_limit = mems[i], .item_size_max = 1 << 20, .nworkers = w};
            struct space_layout l;
            CHECK_EQ(space_layout(&c, &l), 0);
            size_t total =
                l.nbuckets * 64 + l.ghost_entries * EVICT_GHOST_CELL + (size_t)l.nseg * l.seg_size;
            if (l.nseg > w + 4)
                CHECK(total <= mems[i]);
            CHECK(l.nseg >= 32 + 2 * w || l.seg_size == (64u << 10));
            CHECK(l.young_quota >= 1 && l.young_quota <= l.nseg / 5 + 1);
        }
    }
    struct store_config big = {.mem_limit = 64u << 20, .item_size_max = 4 << 20, .nworkers = 4};
    struct space_layout l;
    CHECK_EQ(space_layout(&big, &l), 0);
    CHECK_EQ(l.seg_size, 4u << 20); /* -m 64 -I 4m: 4 MiB segments, so 3 MiB values fit */
    CHECK(l.nseg >= 15);
    big.item_size_max = 1 << 20;
    CHECK_EQ(space_layout(&big, &l), 0);
    CHECK_EQ(l.seg_size, 1u << 20); /* the default -I keeps 1 MiB segments at -m 64 */
    big.mem_limit = 16u << 20;
    big.item_size_max = 4 << 20;
    CHECK_EQ(space_layout(&big, &l), 0);
    CHECK_EQ(l.seg_size, 256u << 10); /* small -m: segments stay small, large items refused */
}

static void test_open_and_reclaim_empty(void)
{
    struct space sp;
    mk(&sp, 4u << 20, 1, false);
    uint32_t n = sp.pool.nseg;
    for (uint32_t i = 0; i < 3 * n; i++)
        CHECK_EQ(space_open_segment(&sp, 0, 0, clock_now(&clk)), 0);
    struct store_stats st = {0};
    space_stats(&sp, &st);
    CHECK_EQ(st.segments_total, n);
    CHECK_EQ(st.evictions, 0);
    CHECK(sp.reserve == SEG_NONE && !sp.reserve_on); /* nothing copied: no idle spare */
    space_deinit(&sp);
}

static void test_evict_copy_forward_and_ghost(void)
{
    struct space sp;
    mk(&sp, 4u << 20, 1, false);
    atomic_store(&sp.hits_seen, true); /* as a reader's first hit does */
    unsigned n = 0;
    struct store_stats st = {0};
    while (n < 1000000) { /* fill until the first eviction */
        CHECK_EQ(put(&sp, n++), 0);
        if (n % 64 == 0) {
            space_stats(&sp, &st);
            if (st.evictions)
                break;
            memset(&st, 0, sizeof(st));
        }
    }
    CHECK(st.evictions > 0);
    CHECK(sp.reserve_on && sp.reserve != SEG_NONE); /* set aside while segments were free */
    CHECK_EQ(find(&sp, 0, false), 0);               /* the oldest went first */
    /* hit half of the oldest young segment's first 100 items, then push it out */
    unsigned first = 0;
    while (!find(&sp, first, false))
        first++;
    uint64_t cas[100];
    for (unsigned i = first; i < first + 100; i += 2) {
        CHECK(find(&sp, i, true) != 0);
        cas[i - first] = cas_of(&sp, find(&sp, i, false));
    }
    unsigned stop = n + 100000;
    while (find(&sp, first + 1, false) && n < stop)
        CHECK_EQ(put(&sp, n++), 0);
    CHECK_EQ(find(&sp, first + 1, false), 0);
    for (unsigned i = first; i < first + 100; i += 2) { /* hit items were copied to main */
        uint64_t v = find(&sp, i, false);
        CHECK(intact(&sp, v, i));
        CHECK_EQ(cas_of(&sp, v), cas[i - first]); /* with their cas, now in the item */
    }
    CHECK(sp.ev.count[EVICT_MAIN] + (sp.main_open[0] != SEG_NONE) >= 1);
    memset(&st, 0, sizeof(st));
    space_stats(&sp, &st);
    CHECK(st.bytes_copied_forward >= 50 * 120);
    /* evicted unhit young keys left fingerprints (a few cells are overwritten by later ones) */
    unsigned ghosts = 0;
    for (unsigned i = first + 1; i < first + 100; i += 2) {
        char k[17];
        key_of(k, i);
        ghosts += evict_ghost_take(&sp.ev, index_hash(k, 16));
    }
    CHECK(ghosts >= 40);
    space_deinit(&sp);
}

static void test_pinned_not_reused(void)
{
    struct space sp;
    mk(&sp, 4u << 20, 1, false);
    CHECK_EQ(put(&sp, 0), 0);
    uint64_t v = find(&sp, 0, false);
    uint32_t seg = index_slot_seg(v);
    char *p = space_item(&sp, v);
    atomic_fetch_add(&sp.pool.pins[seg], 1);
    for (unsigned i = 1; i < 200000; i++)
        CHECK_EQ(put(&sp, i), 0);
    struct store_stats st = {0};
    space_stats(&sp, &st);
    CHECK(st.evictions > 100000);
    CHECK(find(&sp, 0, false) != 0); /* the pinned segment was skipped, not reclaimed */
    CHECK_EQ(sp.pool.segs[seg].state, SEG_YOUNG);
    CHECK_MEM(p + 3, "key:000000000000", 16);
    atomic_fetch_sub(&sp.pool.pins[seg], 1);
    for (unsigned i = 200000; i < 300000; i++)
        CHECK_EQ(put(&sp, i), 0);
    CHECK_EQ(find(&sp, 0, false), 0); /* unpinned: evicted in turn */
    space_deinit(&sp);
}

static void test_no_evict(void)
{
    struct space sp;
    mk(&sp, 4u << 20, 1, true);
    atomic_store(&sp.hits_seen, true); /* reads hit, yet -M keeps no spare: it never copies */
    int rc = 0;
    unsigned i = 0;
    for (; i < 1000000 && rc == 0; i++)
        rc = put(&sp, i);
    CHECK_EQ(rc, RC_ERR_NOMEM);
    CHECK(find(&sp, 0, false) != 0); /* nothing was evicted */
    struct store_stats st = {0};
    space_stats(&sp, &st);
    CHECK_EQ(st.evictions, 0);
    CHECK_EQ(st.curr_items, i - 1);
    CHECK(sp.reserve == SEG_NONE);
    space_deinit(&sp);
}

/* Overwriting a working set far below -m: dead space is compacted before new memory is touched,
 * so the segments ever used stay near three times the live data; nothing is evicted or lost. */
static void test_compaction_follows_data(bool no_evict)
{
    struct space sp;
    mk(&sp, 16u << 20, 1, no_evict);
    const unsigned keys = 2000; /* about 1 segment of live data */
    for (unsigned i = 0; i < keys; i++)
        CHECK_EQ(put(&sp, i), 0);
    uint32_t x = 1;
    for (unsigned n = 0; n < 100 * keys; n++) { /* random overwrites leave old segments sparse */
        unsigned i = (x = x * 1103515245u + 12345u) >> 16 & 0x7fff;
        i %= keys;
        CHECK(del(&sp, i));
        CHECK_EQ(put(&sp, i), 0);
    }
    struct store_stats st = {0};
    space_stats(&sp, &st);
    CHECK_EQ(st.evictions, 0);
    CHECK_EQ(st.curr_items, keys);
    CHECK(st.segments_compacted > 10);
    CHECK(st.bytes_compacted > 0);
    /* 200k items of about 1/2000 of a segment each: 100 segments written, -m holds about 60 */
    uint32_t live_segs = (uint32_t)(st.bytes / sp.pool.seg_size) + 1;
    CHECK(sp.pool.fresh_from <= 3 * live_segs + 6);
    CHECK(sp.pool.fresh_from < sp.pool.nseg / 2);
    for (unsigned i = 0; i < keys; i++)
        CHECK(intact(&sp, find(&sp, i, false), i));
    space_deinit(&sp);
}

static void test_compaction_evicts_nothing(void)
{
    test_compaction_follows_data(false);
}

static void test_compaction_under_no_evict(void)
{
    test_compaction_follows_data(true);
}

/* Compaction moves items within their own queue with their frequency: hit young items stay young
 * (promotion is eviction's decision) and keep their hits. */
static void test_compaction_keeps_queue_and_freq(void)
{
    struct space sp;
    mk(&sp, 16u << 20, 1, false);
    const unsigned keys = 2000;
    for (unsigned i = 0; i < keys; i++)
        CHECK_EQ(put(&sp, i), 0);
    uint32_t first_seg = index_slot_seg(find(&sp, 0, false));
    uint64_t cas[20];
    for (unsigned i = 0; i < 20; i++) {
        CHECK(find(&sp, i, true) != 0); /* keys 0..19 hit once, then never rewritten */
        cas[i] = cas_of(&sp, find(&sp, i, false));
    }
    uint32_t x = 1;
    for (unsigned n = 0; n < 40 * keys; n++) {
        unsigned i = 20 + ((x = x * 1103515245u + 12345u) >> 16 & 0x7fff) % (keys - 20);
        CHECK(del(&sp, i));
        CHECK_EQ(put(&sp, i), 0);
    }
    struct store_stats st = {0};
    space_stats(&sp, &st);
    CHECK(st.segments_compacted > 0);
    CHECK_EQ(st.evictions, 0);
    for (unsigned i = 0; i < 20; i++) {
        uint64_t v = find(&sp, i, false);
        CHECK(intact(&sp, v, i));
        CHECK(index_slot_seg(v) != first_seg); /* moved */
        CHECK(index_slot_freq(v) >= 1);        /* with its hit */
        CHECK_EQ(cas_of(&sp, v), cas[i]);      /* and its cas */
        uint8_t state = sp.pool.segs[index_slot_seg(v)].state;
        CHECK(state == SEG_YOUNG || index_slot_seg(v) == sp.young_open[0]);
    }
    CHECK_EQ(sp.ev.count[EVICT_MAIN], 0);
    CHECK_EQ(sp.main_open[0], SEG_NONE);
    space_deinit(&sp);
}

/* The old version of an item is marked dead once no slot points to it; the new one is not. */
static void test_dead_bit(void)
{
    struct space sp;
    mk(&sp, 4u << 20, 1, false);
    CHECK_EQ(put(&sp, 7), 0);
    uint64_t v1 = find(&sp, 7, false);
    CHECK_EQ(seg_item_bits(space_item(&sp, v1)) & SEG_IB_DEAD, 0);
    CHECK(del(&sp, 7));
    CHECK_EQ(put(&sp, 7), 0);
    uint64_t v2 = find(&sp, 7, false);
    CHECK(v2 != v1);
    CHECK(seg_item_bits(space_item(&sp, v1)) & SEG_IB_DEAD);
    CHECK_EQ(seg_item_bits(space_item(&sp, v2)) & SEG_IB_DEAD, 0);
    space_deinit(&sp);
}

int main(void)
{
    clock_init(&clk);
    TEST_RUN(test_layout);
    TEST_RUN(test_open_and_reclaim_empty);
    TEST_RUN(test_evict_copy_forward_and_ghost);
    TEST_RUN(test_pinned_not_reused);
    TEST_RUN(test_no_evict);
    TEST_RUN(test_compaction_evicts_nothing);
    TEST_RUN(test_compaction_under_no_evict);
    TEST_RUN(test_compaction_keeps_queue_and_freq);
    TEST_RUN(test_dead_bit);
    return TEST_DONE();
}
