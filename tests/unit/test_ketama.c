/* test_ketama: the continuum's construction rules (points per server, the float rounding of the
 * weighted formula, stable ties) and its lookup against a linear scan. */
#include <stdlib.h>

#include <ringcache/status.h>

#include "ketama.h"
#include "ring_parse.h"
#include "test.h"

static int make_nodes(const char *spec, int use_id, struct ring_node **nodes, char **arena,
                      size_t *n)
{
    struct rc_ring_node *in;
    char *buf;
    int rc = ring_parse_spec(spec, &in, n, &buf);
    if (rc == RC_OK)
        rc = ring_parse_nodes(in, *n, use_id, nodes, arena);
    free(in);
    free(buf);
    return rc;
}

static void test_weighted_points_formula(void)
{
    CHECK_EQ(ketama_weighted_points(1, 3, 3), 160);
    CHECK_EQ(ketama_weighted_points(1, 10, 10), 160);
    /* single-precision rounding, as libmemcached and twemproxy compute it (manifest: E25) */
    CHECK_EQ(ketama_weighted_points(1, 25, 25), 156);
    CHECK_EQ(ketama_weighted_points(1, 1001, 1001), 156);
    CHECK_EQ(ketama_weighted_points(1, 1000, 1000), 160);
    CHECK_EQ(ketama_weighted_points(1, 6, 3), 80);
    CHECK_EQ(ketama_weighted_points(2, 6, 3), 160);
    CHECK_EQ(ketama_weighted_points(3, 6, 3), 240);
}

static void test_point_counts(void)
{
    struct ring_node *nd;
    char *arena;
    size_t n;
    CHECK_EQ(make_nodes("a:11211,b:11211:2,c:11311:3", 0, &nd, &arena, &n), RC_OK);
    struct ketama k;
    CHECK_EQ(ketama_init(&k, KETAMA_PLAIN, rc_hash_md5, nd, n), RC_OK);
    CHECK_EQ(k.npoints, 300); /* 100 each, weights ignored */
    ketama_deinit(&k);
    CHECK_EQ(ketama_init(&k, KETAMA_WEIGHTED, rc_hash_md5, nd, n), RC_OK);
    CHECK_EQ(k.npoints, 80 + 160 + 240);
    for (uint32_t i = 1; i < k.npoints; i++)
        CHECK(k.values[i - 1] <= k.values[i]);
    ketama_deinit(&k);
    CHECK(k.values == NULL);
    free(nd);
    free(arena);
}

/* The binary search equals "first point >= hash, else point 0" by linear scan. */
static void test_lookup_matches_linear_scan(void)
{
    struct ring_node *nd;
    char *arena;
    size_t n;
    CHECK_EQ(make_nodes("m1:11211,m2:11211,m3:11212,m4:11213:2", 0, &nd, &arena, &n), RC_OK);
    struct ketama k;
    CHECK_EQ(ketama_init(&k, KETAMA_WEIGHTED, rc_hash_md5, nd, n), RC_OK);
    int bad = 0;
    uint32_t h = 12345;
    for (int i = 0; i < 20000; i++) {
        h = h * 1664525u + 1013904223u;
        uint32_t want = k.owners[0];
        for (uint32_t p = 0; p < k.npoints; p++)
            if (k.values[p] >= h) {
                want = k.owners[p];
                break;
            }
        bad += ketama_find(&k, h) != want;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(ketama_find(&k, 0), k.owners[0]);
    CHECK_EQ(ketama_find(&k, k.values[k.npoints - 1]), k.owners[k.npoints - 1]);
    if (k.values[k.npoints - 1] < UINT32_MAX)
        CHECK_EQ(ketama_find(&k, k.values[k.npoints - 1] + 1), k.owners[0]); /* wraps */
    ketama_deinit(&k);
    free(nd);
    free(arena);
}

/* Equal point values keep list order: a server listed twice never wins over its first copy. */
static void test_ties_go_to_the_first_listed(void)
{
    struct ring_node *nd;
    char *arena;
    size_t n;
    CHECK_EQ(make_nodes("same:11211,same:11211", 0, &nd, &arena, &n), RC_OK);
    struct ketama k;
    CHECK_EQ(ketama_init(&k, KETAMA_WEIGHTED, rc_hash_md5, nd, n), RC_OK);
    int second = 0;
    for (uint32_t i = 0; i < k.npoints; i++)
        second += ketama_find(&k, k.values[i]) == 1;
    CHECK_EQ(second, 0);
    ketama_deinit(&k);
    free(nd);
    free(arena);
}

/* twemproxy hashes the name field: a server named "mc01" owns what "mc01:11211" would own. */
static void test_identity_is_the_name_field(void)
{
    struct ring_node *a, *b;
    char *aa, *ab;
    size_t n;
    CHECK_EQ(make_nodes("10.0.0.1:22122 mc01,10.0.0.2:22122 mc02", 1, &a, &aa, &n), RC_OK);
    CHECK_EQ(make_nodes("mc01:11211,mc02", 1, &b, &ab, &n), RC_OK);
    struct ketama ka, kb;
    CHECK_EQ(ketama_init(&ka, KETAMA_WEIGHTED, rc_hash_md5, a, n), RC_OK);
    CHECK_EQ(ketama_init(&kb, KETAMA_WEIGHTED, rc_hash_md5, b, n), RC_OK);
    CHECK_EQ(ka.npoints, kb.npoints);
    int diff = 0;
    for (uint32_t i = 0; i < ka.npoints && ka.npoints == kb.npoints; i++)
        diff += ka.values[i] != kb.values[i] || ka.owners[i] != kb.owners[i];
    CHECK_EQ(diff, 0);
    ketama_deinit(&ka);
    ketama_deinit(&kb);
    free(a);
    free(aa);
    free(b);
    free(ab);
}

int main(void)
{
    TEST_RUN(test_weighted_points_formula);
    TEST_RUN(test_point_counts);
    TEST_RUN(test_lookup_matches_linear_scan);
    TEST_RUN(test_ties_go_to_the_first_listed);
    TEST_RUN(test_identity_is_the_name_field);
    return TEST_DONE();
}
