/* test_modula: libmemcached's hash % servers and python-memcached's weighted bucket list. */
#include <stdio.h>
#include <stdlib.h>

#include <ringcache/status.h>

#include "modula.h"
#include "ring_parse.h"
#include "test.h"

static void test_libmemcached_modula(void)
{
    struct rc_ring_node in[] = {{"a:1", 1, NULL}, {"b:2", 5, NULL}, {"c:3", 1, NULL}};
    struct ring_node *nd;
    char *arena;
    CHECK_EQ(ring_parse_nodes(in, 3, 0, &nd, &arena), RC_OK);
    struct modula m;
    CHECK_EQ(modula_init(&m, 0, rc_hash_oaat, nd, 3), RC_OK);
    CHECK_EQ(m.nbuckets, 3); /* weights ignored */
    int bad = 0;
    char key[32];
    for (int i = 0; i < 1000; i++) {
        int len = snprintf(key, sizeof(key), "k%d", i);
        bad += modula_lookup(&m, key, (size_t)len) != rc_hash_oaat(key, (size_t)len) % 3;
    }
    CHECK_EQ(bad, 0);
    modula_deinit(&m);
    free(nd);
    free(arena);
}

static void test_python_buckets_replicate_by_weight(void)
{
    struct rc_ring_node in[] = {{"a:1", 1, NULL}, {"b:2", 2, NULL}, {"c:3", 3, NULL}};
    struct ring_node *nd;
    char *arena;
    CHECK_EQ(ring_parse_nodes(in, 3, 0, &nd, &arena), RC_OK);
    struct modula m;
    CHECK_EQ(modula_init(&m, 1, rc_hash_crc32_python, nd, 3), RC_OK);
    CHECK_EQ(m.nbuckets, 6);
    static const uint32_t want[6] = {0, 1, 1, 2, 2, 2};
    for (int i = 0; i < 6 && m.nbuckets == 6; i++)
        CHECK_EQ(m.buckets[i], want[i]);
    int bad = 0;
    char key[32];
    for (int i = 0; i < 1000; i++) {
        int len = snprintf(key, sizeof(key), "key-%d", i);
        uint32_t h = rc_hash_crc32_python(key, (size_t)len);
        bad += modula_lookup(&m, key, (size_t)len) != want[h % 6];
    }
    CHECK_EQ(bad, 0);
    modula_deinit(&m);
    free(nd);
    free(arena);
}

static void test_rejects_nothing_to_place(void)
{
    struct modula m;
    CHECK_EQ(modula_init(&m, 0, rc_hash_oaat, NULL, 0), RC_ERR_INVAL);
}

int main(void)
{
    TEST_RUN(test_libmemcached_modula);
    TEST_RUN(test_python_buckets_replicate_by_weight);
    TEST_RUN(test_rejects_nothing_to_place);
    return TEST_DONE();
}
