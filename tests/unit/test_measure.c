/* test_measure: rc_ring_measure's figures behave as they must: a consistent mode moves about the
 * ideal share and nothing between unchanged servers; modulo moves nearly everything; balance of
 * the native mode is tight; errors are reported. */
#include <stdlib.h>

#include <ringcache/ring.h>
#include <ringcache/status.h>

#include "measure.h"
#include "test.h"

static struct rc_ring_node nodes[10];
static char names[10][32];

static void test_native_figures(void)
{
    struct rc_ring_stats st;
    CHECK_EQ(rc_ring_measure("native/hrw-xxh3", nodes, 10, 200000, &st), RC_OK);
    CHECK_EQ(st.servers, 10);
    CHECK_EQ(st.keys, 200000);
    CHECK(st.cv < 0.02);
    CHECK(st.max_over_mean >= 1.0 && st.max_over_mean < 1.05);
    CHECK(st.move_remove_ideal > 0.0999 && st.move_remove_ideal < 0.1001);
    CHECK(st.move_add_ideal > 0.0908 && st.move_add_ideal < 0.0910);
    CHECK(st.move_add / st.move_add_ideal > 0.95 && st.move_add / st.move_add_ideal < 1.05);
    CHECK(st.move_remove / st.move_remove_ideal > 0.95 &&
          st.move_remove / st.move_remove_ideal < 1.05);
    CHECK(st.move_add_excess == 0 && st.move_remove_excess == 0);
    CHECK(st.lookup_ns > 0);
}

static void test_modula_moves_almost_everything(void)
{
    struct rc_ring_stats st;
    CHECK_EQ(rc_ring_measure("libmemcached/modula-oaat", nodes, 10, 50000, &st), RC_OK);
    CHECK(st.move_add > 0.85);
    CHECK(st.move_remove > 0.85);
    CHECK(st.move_add_excess > 0.7);
}

static void test_weighted_shares(void)
{
    struct rc_ring_node w[3] = {nodes[0], nodes[1], nodes[2]};
    w[2].weight = 2;
    struct rc_ring_stats st;
    CHECK_EQ(rc_ring_measure("native/hrw-xxh3", w, 3, 100000, &st), RC_OK);
    CHECK(st.cv < 0.03); /* weight-adjusted: a 2x server with 2x keys is balanced */
    CHECK(st.move_remove_ideal > 0.33 - 0.01 && st.move_remove_ideal < 0.34);
}

static void test_keys_and_errors(void)
{
    struct measure_keys k;
    CHECK_EQ(measure_keys_init(&k, 3), RC_OK);
    CHECK_MEM_LEN(k.bytes + k.off[2], k.off[3] - k.off[2], "key:2");
    measure_keys_deinit(&k);
    struct rc_ring_stats st;
    CHECK_EQ(rc_ring_measure("no/such-mode", nodes, 10, 10, &st), RC_ERR_INVAL);
    CHECK_EQ(rc_ring_measure("native/hrw-xxh3", nodes, 0, 10, &st), RC_ERR_INVAL);
    CHECK_EQ(rc_ring_measure("native/hrw-xxh3", nodes, 10, 0, &st), RC_ERR_INVAL);
}

int main(void)
{
    for (int i = 0; i < 10; i++) {
        snprintf(names[i], sizeof(names[i]), "10.1.0.%d:11211", i + 1);
        nodes[i] = (struct rc_ring_node){names[i], 1, NULL};
    }
    TEST_RUN(test_native_figures);
    TEST_RUN(test_modula_moves_almost_everything);
    TEST_RUN(test_weighted_shares);
    TEST_RUN(test_keys_and_errors);
    return TEST_DONE();
}
