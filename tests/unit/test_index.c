/* Unit tests for store/index: slot packing, chains growing into overflow buckets, cas counters,
 * locking and walking. */
#include <stdlib.h>

#include "index.h"
#include "ringcache/status.h"
#include "test.h"

static bool match_value(void *ctx, _Atomic uint64_t *slot, uint64_t v)
{
    (void)slot;
    return v == *(uint64_t *)ctx;
}

static bool count_slot(void *ctx, _Atomic uint64_t *slot, uint64_t v)
{
    (void)slot;
    (void)v;
    (*(int *)ctx)++;
    return false;
}

static void test_slot_fields(void)
{
    uint64_t s = index_slot_make(0xabc, 0x123456, 8 * 0xfffff, 3);
    CHECK_EQ(index_slot_tag(s), 0xabc);
    CHECK_EQ(index_slot_seg(s), 0x123456);
    CHECK_EQ(index_slot_off(s), 8 * 0xfffff);
    CHECK_EQ(index_slot_freq(s), 3);
    CHECK_EQ(index_slot_freq(index_slot_with_freq(s, 1)), 1);
    CHECK_EQ(index_slot_seg(index_slot_with_freq(s, 1)), 0x123456);
    CHECK(index_tag(0) != 0);
    CHECK(index_hash("abc", 3) != index_hash("abd", 3));
    CHECK(index_hash("abc", 3) == index_hash("abc", 3));
    CHECK(index_hash("", 0) != index_hash("a", 1));
}

static void test_chain_growth(void)
{
    struct index ix;
    CHECK_EQ(index_init(&ix, 16, 4), 0);
    uint64_t h = 5; /* every insert into one bucket */
    index_lock(&ix, h);
    int inserted = 0;
    for (; inserted < INDEX_SLOTS; inserted++) {
        _Atomic uint64_t *s = index_empty_slot_locked(&ix, h);
        CHECK(s != NULL);
        atomic_store(s, index_slot_make(1, 0, 8u * (uint32_t)inserted, 0));
    }
    CHECK(index_empty_slot_locked(&ix, h) == NULL);
    CHECK_EQ(index_extend_locked(&ix, h), RC_ERR_FULL); /* no overflow memory yet */
    index_unlock(&ix, h);
    void *chunk = aligned_alloc(64, 64 * 64);
    CHECK_EQ(index_add_chunk(&ix, chunk, 64 * 64), 0);
    CHECK(index_has_spare(&ix));
    index_lock(&ix, h);
    for (; inserted < 40; inserted++) {
        _Atomic uint64_t *s = index_empty_slot_locked(&ix, h);
        if (!s) {
            CHECK_EQ(index_extend_locked(&ix, h), 0);
            s = index_empty_slot_locked(&ix, h);
        }
        CHECK(s != NULL);
        atomic_store(s, index_slot_make(1, 0, 8u * (uint32_t)inserted, 0));
    }
    uint64_t want = index_slot_make(1, 0, 8u * 33, 0);
    _Atomic uint64_t *found = index_find(&ix, h, match_value, &want);
    CHECK(found != NULL && atomic_load(found) == want);
    uint64_t absent = index_slot_make(1, 0, 8u * 99, 0);
    CHECK(index_find(&ix, h, match_value, &absent) == NULL);
    /* the store counter: every bump changes the version a reader sees, the lock bit stays */
    uint64_t v1 = index_version(&ix, h);
    index_bump_locked(&ix, h);
    uint64_t v2 = index_version(&ix, h);
    CHECK(v1 != v2 && index_version_locked(v1) && index_version_locked(v2));
    index_unlock(&ix, h);
    CHECK(!index_version_locked(index_version(&ix, h)));
    CHECK(index_version(&ix, h) != (v1 & ~1ull)); /* unlocked, still moved */
    int n = 0;
    index_walk(&ix, count_slot, &n);
    CHECK_EQ(n, 40);
    index_deinit(&ix);
    free(chunk);
}

int main(void)
{
    TEST_RUN(test_slot_fields);
    TEST_RUN(test_chain_growth);
    return TEST_DONE();
}
