/* Unit tests for store/space: how -m is split (everything within the limit), opening segments
 * and reclaiming empty ones, eviction with copy-forward of hit items (and the spare segment that
 * only appears once copy-forward needs one), the ghost table, pinned segments never reused, and
 * -M refusing to evict. Items are written here the way store.c publishes them. */
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
    memset(v, 'v', sizeof(v));
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
    for (unsigned i = first; i < first + 100; i += 2)
        CHECK(find(&sp, i, true) != 0);
    unsigned stop = n + 100000;
    while (find(&sp, first + 1, false) && n < stop)
        CHECK_EQ(put(&sp, n++), 0);
    CHECK_EQ(find(&sp, first + 1, false), 0);
    for (unsigned i = first; i < first + 100; i += 2)
        CHECK(find(&sp, i, false) != 0); /* hit items were copied to main */
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

int main(void)
{
    clock_init(&clk);
    TEST_RUN(test_layout);
    TEST_RUN(test_open_and_reclaim_empty);
    TEST_RUN(test_evict_copy_forward_and_ghost);
    TEST_RUN(test_pinned_not_reused);
    TEST_RUN(test_no_evict);
    return TEST_DONE();
}
