/* Unit tests for store: cas as memcached gives it. A store returns the item's cas, gets return it,
 * a cas compare and a delete with cas check it, touch keeps it, -C turns it off, and writing one
 * key never changes another's (the cas is the item's place, see store.c). */
#include <stdlib.h>

#include "store_testutil.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_cas(void)
{
    struct store *s = mk(16 << 20, false, false);
    uint64_t c1 = 0, c2 = 0;
    CHECK_EQ(put(s, STORE_SET, "k", "v1", 0, 0, 0, &c1), STORE_OK);
    CHECK(c1 != 0);
    struct store_ref r;
    char b[16];
    CHECK_EQ(fetch(s, "k", b, sizeof(b), &r), STORE_OK);
    CHECK_EQ(r.cas, c1);
    CHECK_EQ(put(s, STORE_CAS, "k", "v2", 0, 0, c1 + 1, NULL), STORE_EXISTS);
    CHECK_EQ(put(s, STORE_CAS, "k", "v2", 0, 0, c1, &c2), STORE_OK);
    CHECK(c2 != c1);
    CHECK_EQ(put(s, STORE_CAS, "k", "v3", 0, 0, c1, NULL), STORE_EXISTS);
    CHECK_EQ(put(s, STORE_CAS, "nope", "v", 0, 0, 5, NULL), STORE_NOT_FOUND);
    /* touch keeps the cas */
    CHECK_EQ(store_touch(s, 0, "k", 1, 100), STORE_OK);
    CHECK_EQ(fetch(s, "k", b, sizeof(b), &r), STORE_OK);
    CHECK_EQ(r.cas, c2);
    CHECK_STR(b, "v2");
    /* delete with cas */
    struct store_delete_args d = {.key = "k", .klen = 1, .compare_cas = c2 + 7};
    CHECK_EQ(store_delete(s, 0, &d), STORE_EXISTS);
    d.compare_cas = c2;
    CHECK_EQ(store_delete(s, 0, &d), STORE_OK);
    /* items keep their own cas, unique: 2,000 keys in 2,048 buckets share buckets, and writing one
     * changes no other's cas (with a cas taken from the bucket it did, unlike memcached) */
    static uint64_t cs[2000];
    char k[16];
    for (int i = 0; i < 2000; i++) {
        snprintf(k, sizeof(k), "c%d", i);
        CHECK_EQ(put(s, STORE_SET, k, "v", 0, 0, 0, &cs[i]), STORE_OK);
    }
    for (int i = 0; i < 2000; i++) {
        snprintf(k, sizeof(k), "c%d", i);
        CHECK(fetch(s, k, b, sizeof(b), &r) == STORE_OK && r.cas == cs[i]);
    }
    qsort(cs, 2000, sizeof(cs[0]), cmp_u64);
    for (int i = 1; i < 2000; i++)
        CHECK(cs[i] != cs[i - 1]);
    store_destroy(&s);
    s = mk(16 << 20, false, true); /* -C */
    CHECK_EQ(put(s, STORE_SET, "k", "v1", 0, 0, 0, &c1), STORE_OK);
    CHECK_EQ(c1, 0);
    CHECK_EQ(fetch(s, "k", b, sizeof(b), &r), STORE_OK);
    CHECK_EQ(r.cas, 0);
    store_destroy(&s);
}

int main(void)
{
    TEST_RUN(test_cas);
    return TEST_DONE();
}
