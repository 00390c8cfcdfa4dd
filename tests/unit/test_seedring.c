/* test_seedring: the tutorial's ring against the tutorial's own algorithm (a linear scan of the
 * sorted 128-bit md5 points, wrapping to the first). */
#include <stdio.h>
#include <stdlib.h>

#include <ringcache/status.h>

#include "md5.h"
#include "ring_parse.h"
#include "seedring.h"
#include "test.h"

static uint32_t scan_winner(const struct seedring *r, const char *key)
{
    uint8_t d[16];
    md5_digest(key, strlen(key), d);
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) {
        hi = hi << 8 | d[i];
        lo = lo << 8 | d[8 + i];
    }
    for (uint32_t p = 0; p < r->npoints; p++)
        if (r->hi[p] > hi || (r->hi[p] == hi && r->lo[p] >= lo))
            return r->owners[p];
    return r->owners[0];
}

static void test_matches_linear_scan(void)
{
    struct rc_ring_node in[] = {{"127.0.0.1:11211", 1, NULL},
                                {"127.0.0.1:11212", 1, NULL},
                                {"127.0.0.1:11213", 1, NULL},
                                {"cache-a.dc2.example.net:21211", 1, NULL}};
    struct ring_node *nd;
    char *arena;
    CHECK_EQ(ring_parse_nodes(in, 4, 0, &nd, &arena), RC_OK);
    struct seedring r;
    CHECK_EQ(seedring_init(&r, 3, nd, 4), RC_OK);
    CHECK_EQ(r.npoints, 12);
    for (uint32_t p = 1; p < r.npoints; p++)
        CHECK(r.hi[p - 1] < r.hi[p] || (r.hi[p - 1] == r.hi[p] && r.lo[p - 1] < r.lo[p]));
    int bad = 0;
    char key[32];
    for (int i = 0; i < 5000; i++) {
        int len = snprintf(key, sizeof(key), "key%d", i);
        bad += seedring_lookup(&r, key, (size_t)len) != scan_winner(&r, key);
    }
    CHECK_EQ(bad, 0);
    seedring_deinit(&r);
    free(nd);
    free(arena);
}

/* The tutorial's point for "127.0.0.1:11211-0" is md5 read big-endian: check one by hand. */
static void test_point_is_big_endian_md5(void)
{
    struct rc_ring_node in[] = {{"x:1", 1, NULL}};
    struct ring_node *nd;
    char *arena;
    CHECK_EQ(ring_parse_nodes(in, 1, 0, &nd, &arena), RC_OK);
    struct seedring r;
    CHECK_EQ(seedring_init(&r, 1, nd, 1), RC_OK);
    uint8_t d[16];
    md5_digest("x:1-0", 5, d);
    uint64_t hi = 0;
    for (int i = 0; i < 8; i++)
        hi = hi << 8 | d[i];
    CHECK(r.npoints == 1 && r.hi[0] == hi);
    seedring_deinit(&r);
    free(nd);
    free(arena);
}

int main(void)
{
    TEST_RUN(test_matches_linear_scan);
    TEST_RUN(test_point_is_big_endian_md5);
    return TEST_DONE();
}
