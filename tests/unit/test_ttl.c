/* Unit tests for store/ttl: group boundaries and whole-segment expiry. */
#include "test.h"
#include "ttl.h"

static void test_groups(void)
{
    CHECK_EQ(ttl_group(0, 100), 0);
    CHECK_EQ(ttl_group(100 + 10, 100), 1);
    CHECK_EQ(ttl_group(100 + 63, 100), 1);
    CHECK_EQ(ttl_group(100 + 64, 100), 2);
    CHECK_EQ(ttl_group(100 + 255, 100), 2);
    CHECK_EQ(ttl_group(100 + 256, 100), 3);
    CHECK_EQ(ttl_group(UINT32_MAX, 100), TTL_NGROUPS - 1);
    CHECK_EQ(ttl_group(50, 100), 1); /* already past: shortest group */
}

static void test_segment_expiry(void)
{
    struct seg g = {0};
    CHECK(!ttl_seg_expired(&g, 1000)); /* empty: nothing noted */
    ttl_note(&g, 200);
    ttl_note(&g, 150);
    CHECK_EQ(g.exp_max, 200);
    CHECK(!ttl_seg_expired(&g, 199));
    CHECK(ttl_seg_expired(&g, 200));
    ttl_note(&g, 0); /* one item that never expires pins the segment */
    CHECK(!ttl_seg_expired(&g, 100000));
    ttl_note(&g, 300);
    CHECK_EQ(g.exp_max, SEG_NEVER);
}

int main(void)
{
    TEST_RUN(test_groups);
    TEST_RUN(test_segment_expiry);
    return TEST_DONE();
}
