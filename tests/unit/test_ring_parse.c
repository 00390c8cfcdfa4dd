/* test_ring_parse: server lists and names: weights, default port, IPv6, twemproxy name fields,
 * and the ketama identity each server gets; malformed input is refused. */
#include <stdlib.h>

#include <ringcache/status.h>

#include "ring_parse.h"
#include "test.h"

static void test_spec_weights_and_ids(void)
{
    struct rc_ring_node *nd;
    char *buf;
    size_t n;
    CHECK_EQ(ring_parse_spec(" a:11211 ,b:11212:3,[::1]:11213:2,c:11211:1 name-c,d", &nd, &n, &buf),
             RC_OK);
    CHECK_EQ(n, 5);
    if (n != 5)
        return;
    CHECK_STR(nd[0].name, "a:11211");
    CHECK_EQ(nd[0].weight, 1);
    CHECK_STR(nd[1].name, "b:11212");
    CHECK_EQ(nd[1].weight, 3);
    CHECK_STR(nd[2].name, "[::1]:11213");
    CHECK_EQ(nd[2].weight, 2);
    CHECK_STR(nd[3].name, "c:11211");
    CHECK(nd[3].id && strcmp(nd[3].id, "name-c") == 0);
    CHECK_STR(nd[4].name, "d");

    struct ring_node *rn;
    char *arena;
    CHECK_EQ(ring_parse_nodes(nd, n, 1, &rn, &arena), RC_OK);
    CHECK_MEM_LEN(rn[0].id, rn[0].id_len, "a");       /* port 11211: host alone */
    CHECK_MEM_LEN(rn[1].id, rn[1].id_len, "b:11212"); /* else host:port */
    CHECK_MEM_LEN(rn[2].host, rn[2].host_len, "::1");
    CHECK_MEM_LEN(rn[2].id, rn[2].id_len, "::1:11213");
    CHECK_MEM_LEN(rn[3].id, rn[3].id_len, "name-c"); /* twemproxy name field */
    CHECK_EQ(rn[4].port, 11211);
    CHECK_MEM_LEN(rn[4].id, rn[4].id_len, "d");
    free(rn);
    free(arena);
    /* without use_id the name field is ignored */
    CHECK_EQ(ring_parse_nodes(nd, n, 0, &rn, &arena), RC_OK);
    CHECK_MEM_LEN(rn[3].id, rn[3].id_len, "c");
    free(rn);
    free(arena);
    free(nd);
    free(buf);
}

static void test_weight_zero_reads_as_one(void)
{
    struct rc_ring_node in[] = {{"x:1", 0, NULL}};
    struct ring_node *rn;
    char *arena;
    CHECK_EQ(ring_parse_nodes(in, 1, 0, &rn, &arena), RC_OK);
    CHECK_EQ(rn[0].weight, 1);
    CHECK_EQ(rn[0].port, 1);
    free(rn);
    free(arena);
}

static void test_rejects_malformed(void)
{
    static const char *bad_specs[] = {"",          ",",       "a:1,,b:2",   "a:1:x",
                                      "::1:11211", "a:1:2:3", "[::1:11211", "a:1:-1"};
    for (size_t i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
        struct rc_ring_node *nd = NULL;
        char *buf = NULL;
        size_t n = 0;
        int rc = ring_parse_spec(bad_specs[i], &nd, &n, &buf);
        if (rc == RC_OK) { /* some are only caught when the names are checked */
            struct ring_node *rn = NULL;
            char *arena = NULL;
            rc = ring_parse_nodes(nd, n, 0, &rn, &arena);
            free(rn);
            free(arena);
        }
        if (rc != RC_ERR_INVAL)
            fprintf(stderr, "accepted: '%s'\n", bad_specs[i]);
        CHECK_EQ(rc, RC_ERR_INVAL);
        free(nd);
        free(buf);
    }
    static const char *bad_names[] = {"", "a:99999", "a:b", "[]:1", "a b:1", ":11211"};
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        struct rc_ring_node in = {bad_names[i], 1, NULL};
        struct ring_node *rn = NULL;
        char *arena = NULL;
        int rc = ring_parse_nodes(&in, 1, 0, &rn, &arena);
        if (rc != RC_ERR_INVAL)
            fprintf(stderr, "accepted name: '%s'\n", bad_names[i]);
        CHECK_EQ(rc, RC_ERR_INVAL);
        free(rn);
        free(arena);
    }
}

int main(void)
{
    TEST_RUN(test_spec_weights_and_ids);
    TEST_RUN(test_weight_zero_reads_as_one);
    TEST_RUN(test_rejects_malformed);
    return TEST_DONE();
}
