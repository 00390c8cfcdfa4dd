/* test_native: native/hrw-xxh3's table: balance, weights, order independence, and minimal
 * movement (a removal changes only the removed server's slots; an addition only the slots the
 * new server takes). */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#include <ringcache/status.h>

#include "native.h"
#include "ring_parse.h"
#include "test.h"

struct built {
    struct ring_node *nd;
    char *arena;
    struct native t;
};

static int build(struct built *b, const struct rc_ring_node *in, size_t n)
{
    int rc = ring_parse_nodes(in, n, 0, &b->nd, &b->arena);
    return rc == RC_OK ? native_init(&b->t, b->nd, n) : rc;
}

static void unbuild(struct built *b)
{
    native_deinit(&b->t);
    free(b->nd);
    free(b->arena);
}

static struct rc_ring_node nodes10[10];
static char names10[10][32];

static void make10(void)
{
    for (int i = 0; i < 10; i++) {
        snprintf(names10[i], sizeof(names10[i]), "cache%02d.example.com:11211", i);
        nodes10[i] = (struct rc_ring_node){names10[i], 1, NULL};
    }
}

static void test_balance_at_ten(void)
{
    struct built b;
    CHECK_EQ(build(&b, nodes10, 10), RC_OK);
    double count[10] = {0}, mean = NATIVE_SLOTS / 10.0, var = 0;
    for (uint32_t s = 0; s < NATIVE_SLOTS; s++)
        count[b.t.owner[s]]++;
    for (int i = 0; i < 10; i++)
        var += (count[i] - mean) * (count[i] - mean) / 10;
    CHECK(sqrt(var) / mean < 0.015); /* expected about 0.006 */
    unbuild(&b);
}

static void test_weight_doubles_share(void)
{
    struct rc_ring_node in[4];
    memcpy(in, nodes10, sizeof(in));
    in[3].weight = 2;
    struct built b;
    CHECK_EQ(build(&b, in, 4), RC_OK);
    uint32_t count[4] = {0};
    for (uint32_t s = 0; s < NATIVE_SLOTS; s++)
        count[b.t.owner[s]]++;
    double ratio = (double)count[3] / ((count[0] + count[1] + count[2]) / 3.0);
    CHECK(ratio > 1.9 && ratio < 2.1);
    unbuild(&b);
}

static void test_order_does_not_matter(void)
{
    struct rc_ring_node rev[10];
    for (int i = 0; i < 10; i++)
        rev[i] = nodes10[9 - i];
    struct built a, b;
    CHECK_EQ(build(&a, nodes10, 10), RC_OK);
    CHECK_EQ(build(&b, rev, 10), RC_OK);
    int diff = 0;
    for (uint32_t s = 0; s < NATIVE_SLOTS; s++)
        diff += a.t.owner[s] != 9 - b.t.owner[s];
    CHECK_EQ(diff, 0);
    unbuild(&a);
    unbuild(&b);
}

static void test_minimal_movement(void)
{
    struct built all, without, with;
    CHECK_EQ(build(&all, nodes10, 9), RC_OK); /* servers 0..8 */
    struct rc_ring_node less[8];
    memcpy(less, nodes10, 4 * sizeof(less[0]));
    memcpy(less + 4, nodes10 + 5, 4 * sizeof(less[0])); /* without server 4 */
    CHECK_EQ(build(&without, less, 8), RC_OK);
    CHECK_EQ(build(&with, nodes10, 10), RC_OK); /* server 9 added */
    uint32_t wrong_remove = 0, wrong_add = 0, moved_add = 0;
    for (uint32_t s = 0; s < NATIVE_SLOTS; s++) {
        uint32_t before = all.t.owner[s];
        uint32_t after = without.t.owner[s] + (without.t.owner[s] >= 4);
        wrong_remove += before != 4 && after != before;
        uint32_t added = with.t.owner[s];
        moved_add += added != before;
        wrong_add += added != before && added != 9;
    }
    CHECK_EQ(wrong_remove, 0);
    CHECK_EQ(wrong_add, 0);
    CHECK(moved_add > NATIVE_SLOTS / 10 * 0.95 && moved_add < NATIVE_SLOTS / 10 * 1.05);
    unbuild(&all);
    unbuild(&without);
    unbuild(&with);
}

static void test_limits(void)
{
    struct native t;
    CHECK_EQ(native_init(&t, NULL, 0), RC_ERR_INVAL);
    CHECK_EQ(native_init(&t, NULL, NATIVE_MAX_NODES + 1), RC_ERR_INVAL);
    struct rc_ring_node heavy[2] = {{"a:1", 40000, NULL}, {"b:1", 40000, NULL}};
    struct built b;
    CHECK_EQ(build(&b, heavy, 2), RC_ERR_INVAL); /* total weight beyond the build budget */
    free(b.nd);
    free(b.arena);
}

int main(void)
{
    make10();
    TEST_RUN(test_balance_at_ten);
    TEST_RUN(test_weight_doubles_share);
    TEST_RUN(test_order_does_not_matter);
    TEST_RUN(test_minimal_movement);
    TEST_RUN(test_limits);
    return TEST_DONE();
}
