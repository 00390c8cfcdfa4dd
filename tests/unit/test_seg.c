/* Unit tests for store/seg: item encoding round trips, alignment, sizes, free list, pins. */
#include "ringcache/status.h"
#include "seg.h"
#include "test.h"

static void test_item_roundtrip(void)
{
    static char buf[4096] __attribute__((aligned(8)));
    const char *key = "0123456789abcdef0123456789abcdef";
    char val[300];
    memset(val, 'v', sizeof(val));
    /* 32-byte key + 100-byte value: 3 header bytes, 1 padding byte */
    CHECK_EQ(seg_item_size(32, 100, 0, 0, false), 136);
    CHECK_EQ(seg_item_size(32, 100, 7, 0, false), 144);
    CHECK_EQ(seg_item_size(32, 100, 7, 9, true), 152);
    CHECK_EQ(seg_item_size(1, 0, 0, 0, false), 8);
    struct {
        size_t vlen;
        uint32_t flags, exp;
        bool has_cas;
    } cases[] = {{100, 0, 0, false}, {0, 5, 0, false}, {300, 0, 77, true}, {128, 1, 2, true}};
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(buf, 0xee, sizeof(buf));
        char *v = seg_item_write(buf, key, 32, cases[i].vlen, cases[i].flags, cases[i].exp,
                                 0x1122334455667788ull, cases[i].has_cas, SEG_IB_FETCHED);
        memcpy(v, val, cases[i].vlen);
        struct seg_item it;
        CHECK_EQ(seg_item_parse(buf, sizeof(buf), &it), 0);
        CHECK_EQ(it.klen, 32);
        CHECK_MEM(it.key, key, 32);
        CHECK_EQ(it.vlen, cases[i].vlen);
        CHECK(it.value == v);
        CHECK_EQ(it.flags, cases[i].flags);
        CHECK_EQ(it.exptime, cases[i].exp);
        CHECK_EQ(it.cas, cases[i].has_cas ? 0x1122334455667788ull : 0);
        CHECK(it.bits & SEG_IB_FETCHED);
        CHECK_EQ(it.size,
                 seg_item_size(32, cases[i].vlen, cases[i].flags, cases[i].exp, cases[i].has_cas));
        CHECK_EQ(it.size % 8, 0);
    }
    /* truncated input is rejected, not over-read */
    CHECK_EQ(seg_item_parse(buf, 20, &(struct seg_item){0}), RC_ERR_PROTOCOL);
}

static void test_state_bits(void)
{
    static char buf[64] __attribute__((aligned(8)));
    seg_item_write(buf, "k", 1, 0, 0, 0, 0, false, 0);
    CHECK_EQ(seg_item_bits(buf) & (SEG_IB_STALE | SEG_IB_TOKEN), 0);
    seg_item_set_bits(buf, SEG_IB_STALE | SEG_IB_TOKEN, 0);
    CHECK(seg_item_bits(buf) & SEG_IB_TOKEN);
    seg_item_set_bits(buf, 0, SEG_IB_TOKEN);
    CHECK_EQ(seg_item_bits(buf) & (SEG_IB_STALE | SEG_IB_TOKEN), SEG_IB_STALE);
    struct seg_item it;
    CHECK_EQ(seg_item_parse(buf, sizeof(buf), &it), 0);
    CHECK_EQ(it.klen, 1);
}

static void test_pool(void)
{
    struct seg_pool p;
    CHECK_EQ(seg_pool_init(&p, 4, 65536, 2), 0);
    CHECK_EQ(p.nfree, 4);
    uint32_t a = seg_alloc(&p, 10), b = seg_alloc(&p, 11);
    CHECK(a != SEG_NONE && b != SEG_NONE && a != b);
    CHECK_EQ(p.segs[a].state, SEG_OPEN);
    CHECK_EQ(p.segs[b].create_time, 11);
    seg_data(&p, a)[65535] = 1; /* whole segment writable */
    CHECK(seg_data(&p, b) - seg_data(&p, a) == (b > a ? 65536 : -65536));
    seg_alloc(&p, 0);
    seg_alloc(&p, 0);
    CHECK_EQ(seg_alloc(&p, 0), SEG_NONE);
    atomic_fetch_add(&p.pins[1 * p.nseg + a], 2);
    atomic_fetch_add(&p.pins[0 * p.nseg + a], 1);
    CHECK_EQ(seg_pins(&p, a), 3);
    CHECK_EQ(seg_pins(&p, b), 0);
    seg_free(&p, b);
    CHECK_EQ(seg_alloc(&p, 0), b);
    seg_pool_deinit(&p);
    CHECK_EQ(seg_pool_init(&p, 4, 1000, 1), RC_ERR_INVAL);
}

int main(void)
{
    TEST_RUN(test_item_roundtrip);
    TEST_RUN(test_state_bits);
    TEST_RUN(test_pool);
    return TEST_DONE();
}
