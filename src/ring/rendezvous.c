/* rendezvous: pymemcache 3.5 HashClient's default placement, reproduced.
 *
 * Facts (pymemcache/client/rendezvous.py, checked against ../shared/vectors): a node is named
 * "host:port"; its score for a key is murmur3_32("<node>-<key>", seed 0) (x86_32 variant); the
 * highest score wins, nodes visited in list order starting from a score of -1; on an equal
 * score the lexicographically larger node name wins (Python max() of the two strings).
 * pymemcache hashes Python str keys code point by code point (& 0xff); for ASCII keys (all its
 * default key check allows) that is the key's bytes, which is what we hash.
 *
 * Design: murmur3 consumes its input in 4-byte blocks, so the state after "<node>-" is computed
 * once per node at init (struct hash_mm3 carries pending tail bytes) and each lookup only feeds
 * the key: O(n * len) per lookup, no allocation, no copy of the key.
 * Consistent: removing a node moves only its keys; adding one moves only the keys it wins.
 * Concurrency: read-only after init. Ownership: prefix and names arrays are ours; the name
 * strings belong to the ring (ring.c), which outlives this struct. */
#include "rendezvous.h"

#include <stdlib.h>
#include <string.h>

#include <ringcache/status.h>

int rendezvous_init(struct rendezvous *r, const struct ring_node *nodes, size_t n)
{
    *r = (struct rendezvous){0};
    if (n == 0 || n > UINT32_MAX)
        return RC_ERR_INVAL;
    r->prefix = malloc(n * sizeof(*r->prefix));
    r->names = malloc(n * sizeof(*r->names));
    if (!r->prefix || !r->names) {
        rendezvous_deinit(r);
        return RC_ERR_NOMEM;
    }
    for (size_t s = 0; s < n; s++) {
        hash_mm3_init(&r->prefix[s], 0);
        hash_mm3_update(&r->prefix[s], nodes[s].name, nodes[s].name_len);
        hash_mm3_update(&r->prefix[s], "-", 1);
        r->names[s] = nodes[s].name;
    }
    r->n = (uint32_t)n;
    return RC_OK;
}

void rendezvous_deinit(struct rendezvous *r)
{
    free(r->prefix);
    free(r->names);
    *r = (struct rendezvous){0};
}

uint32_t rendezvous_lookup(const struct rendezvous *r, const void *key, size_t len)
{
    int64_t best = -1;
    uint32_t winner = 0;
    for (uint32_t s = 0; s < r->n; s++) {
        struct hash_mm3 m = r->prefix[s];
        hash_mm3_update(&m, key, len);
        int64_t score = hash_mm3_final(&m);
        if (score > best) {
            best = score;
            winner = s;
        } else if (score == best && strcmp(r->names[s], r->names[winner]) > 0) {
            winner = s;
        }
    }
    return winner;
}
