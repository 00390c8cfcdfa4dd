/* test_rendezvous: pymemcache's highest-random-weight choice, computed the slow way (murmur3 of
 * the whole "node-key" string) and compared with the prefix-state fast path. */
#include <stdio.h>
#include <stdlib.h>

#include <ringcache/status.h>

#include "rendezvous.h"
#include "ring_parse.h"
#include "test.h"

static uint32_t slow_winner(const struct ring_node *nd, size_t n, const char *key)
{
    char buf[512];
    int64_t best = -1;
    uint32_t win = 0;
    for (size_t s = 0; s < n; s++) {
        int len = snprintf(buf, sizeof(buf), "%s-%s", nd[s].name, key);
        int64_t score = rc_hash_murmur3_32(buf, (size_t)len, 0);
        if (score > best || (score == best && strcmp(nd[s].name, nd[win].name) > 0)) {
            best = score;
            win = (uint32_t)s;
        }
    }
    return win;
}

static void test_matches_slow_path(void)
{
    /* name lengths 10..13 put "name-" at every alignment modulo 4 */
    struct rc_ring_node in[] = {{"h:11211", 1, NULL},     {"ho:11211", 1, NULL},
                                {"hos:11211", 1, NULL},   {"host:11211", 1, NULL},
                                {"hosts:11211", 1, NULL}, {"10.0.0.1:11311", 1, NULL}};
    size_t n = sizeof(in) / sizeof(in[0]);
    struct ring_node *nd;
    char *arena;
    CHECK_EQ(ring_parse_nodes(in, n, 0, &nd, &arena), RC_OK);
    struct rendezvous r;
    CHECK_EQ(rendezvous_init(&r, nd, n), RC_OK);
    int bad = 0, hits[6] = {0};
    char key[64];
    for (int i = 0; i < 6000; i++) {
        int len = snprintf(key, sizeof(key), "user:%d:%.*s", i, i % 9, "abcdefghi");
        uint32_t got = rendezvous_lookup(&r, key, (size_t)len);
        bad += got != slow_winner(nd, n, key);
        hits[got % 6]++;
    }
    CHECK_EQ(bad, 0);
    for (int s = 0; s < 6; s++)
        CHECK(hits[s] > 800 && hits[s] < 1200); /* about 1000 each */
    rendezvous_deinit(&r);
    free(nd);
    free(arena);
}

/* Removing a node moves only the keys it owned (indexes shift by one past it). */
static void test_removal_moves_only_its_keys(void)
{
    struct rc_ring_node in[] = {
        {"a:1", 1, NULL}, {"b:1", 1, NULL}, {"c:1", 1, NULL}, {"d:1", 1, NULL}};
    struct ring_node *all, *three;
    char *a1, *a2;
    CHECK_EQ(ring_parse_nodes(in, 4, 0, &all, &a1), RC_OK);
    struct rc_ring_node rest[] = {in[0], in[2], in[3]}; /* without b */
    CHECK_EQ(ring_parse_nodes(rest, 3, 0, &three, &a2), RC_OK);
    struct rendezvous r4, r3;
    CHECK_EQ(rendezvous_init(&r4, all, 4), RC_OK);
    CHECK_EQ(rendezvous_init(&r3, three, 3), RC_OK);
    static const uint32_t map[3] = {0, 2, 3};
    int wrong = 0;
    char key[32];
    for (int i = 0; i < 4000; i++) {
        int len = snprintf(key, sizeof(key), "k%d", i);
        uint32_t before = rendezvous_lookup(&r4, key, (size_t)len);
        uint32_t after = map[rendezvous_lookup(&r3, key, (size_t)len)];
        wrong += before != 1 && before != after;
    }
    CHECK_EQ(wrong, 0);
    rendezvous_deinit(&r4);
    rendezvous_deinit(&r3);
    free(all);
    free(three);
    free(a1);
    free(a2);
}

int main(void)
{
    TEST_RUN(test_matches_slow_path);
    TEST_RUN(test_removal_moves_only_its_keys);
    return TEST_DONE();
}
