/* Unit tests for store/evict: FIFO queues, victim choice (young over quota first, pinned
 * segments skipped), item fates and the ghost table. */
#include "evict.h"
#include "test.h"

static void test_queues_and_victims(void)
{
    struct seg_pool p;
    struct evict e;
    CHECK_EQ(seg_pool_init(&p, 8, 65536, 1), 0);
    CHECK_EQ(evict_init(&e, 1, 1024), 0);
    uint32_t s[6];
    for (int i = 0; i < 6; i++)
        s[i] = seg_alloc(&p, 0);
    evict_push(&e, &p, s[0], EVICT_YOUNG);
    evict_push(&e, &p, s[1], EVICT_YOUNG);
    evict_push(&e, &p, s[2], EVICT_MAIN);
    evict_push(&e, &p, s[3], EVICT_MAIN);
    CHECK_EQ(p.segs[s[0]].state, SEG_YOUNG);
    CHECK_EQ(p.segs[s[2]].state, SEG_MAIN);
    enum evict_queue q;
    /* young holds 2 > quota 1: oldest young first */
    CHECK_EQ(evict_victim(&e, &p, 8, &q), s[0]);
    CHECK_EQ(q, EVICT_YOUNG);
    evict_unlink(&e, &p, s[0]);
    /* young at quota: oldest main */
    CHECK_EQ(evict_victim(&e, &p, 8, &q), s[2]);
    CHECK_EQ(q, EVICT_MAIN);
    /* a pinned segment is skipped */
    atomic_fetch_add(&p.pins[s[2]], 1);
    CHECK_EQ(evict_victim(&e, &p, 8, &q), s[3]);
    atomic_fetch_add(&p.pins[s[3]], 1);
    CHECK_EQ(evict_victim(&e, &p, 8, &q), s[1]); /* main all pinned: young */
    CHECK_EQ(q, EVICT_YOUNG);
    atomic_fetch_add(&p.pins[s[1]], 1);
    CHECK_EQ(evict_victim(&e, &p, 8, &q), SEG_NONE);
    /* unlink from the middle keeps order */
    evict_push(&e, &p, s[4], EVICT_MAIN);
    evict_unlink(&e, &p, s[3]);
    CHECK_EQ(e.head[EVICT_MAIN], s[2]);
    CHECK_EQ(p.segs[s[2]].next, s[4]);
    CHECK_EQ(e.count[EVICT_MAIN], 2);
    evict_deinit(&e);
    seg_pool_deinit(&p);
}

static void test_fates_and_ghost(void)
{
    struct evict e0;
    CHECK_EQ(evict_init(&e0, 1, 1024), 0);
    unsigned f = 0;
    CHECK(!evict_item_fate(&e0, EVICT_YOUNG, &f)); /* never hit while young: out */
    f = 2;
    CHECK(evict_item_fate(&e0, EVICT_YOUNG, &f)); /* hit: to main, counter reset */
    CHECK_EQ(f, 0);
    f = 0;
    CHECK(!evict_item_fate(&e0, EVICT_MAIN, &f));
    f = 3;
    CHECK(evict_item_fate(&e0, EVICT_MAIN, &f)); /* CLOCK-like second chance */
    CHECK_EQ(f, 2);
    /* stricter thresholds: one hit is not enough to be promoted or kept */
    e0.promote_freq = e0.keep_freq = 2;
    f = 1;
    CHECK(!evict_item_fate(&e0, EVICT_YOUNG, &f));
    CHECK(!evict_item_fate(&e0, EVICT_MAIN, &f));
    f = 2;
    CHECK(evict_item_fate(&e0, EVICT_MAIN, &f));
    CHECK_EQ(f, 1);
    evict_deinit(&e0);
    struct evict e;
    CHECK_EQ(evict_init(&e, 1, 1 << 12), 0);
    uint64_t h = 0x123456789abcdef0ull;
    CHECK(!evict_ghost_take(&e, h));
    evict_ghost_add(&e, h);
    CHECK(!evict_ghost_take(&e, h ^ (1ull << 50))); /* another fingerprint, same cell */
    CHECK(evict_ghost_take(&e, h));
    CHECK(!evict_ghost_take(&e, h)); /* taken once */
    CHECK(evict_ghost_bytes(&e) >= 4096 * EVICT_GHOST_CELL);
    evict_deinit(&e);
}

int main(void)
{
    TEST_RUN(test_queues_and_victims);
    TEST_RUN(test_fates_and_ghost);
    return TEST_DONE();
}
