/* ketama: the consistent-hash continuum of libmemcached (plain and weighted) and twemproxy. */
#ifndef RC_RING_KETAMA_H
#define RC_RING_KETAMA_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "node.h"

enum ketama_flavor {
    /* libmemcached MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA: 100 points per server, each point
     * the key hash of "<id>-<i>", weights ignored. */
    KETAMA_PLAIN,
    /* libmemcached KETAMA_WEIGHTED and twemproxy: 160 points per server scaled by its weight share
     * (rounded down to a multiple of 4 in single-precision float, as both compute it), 4 points per
     * md5 digest of "<id>-<i>". */
    KETAMA_WEIGHTED,
};

struct ketama {
    uint32_t *values; /* sorted point values */
    uint32_t *owners; /* owners[i]: node index of point i */
    uint32_t npoints;
    hash_fn khash; /* the key hash */
};

/* Builds the continuum over nodes[0..n) (n >= 1). 0, RC_ERR_NOMEM, RC_ERR_INVAL. */
int ketama_init(struct ketama *k, enum ketama_flavor flavor, hash_fn khash,
                const struct ring_node *nodes, size_t n);
void ketama_deinit(struct ketama *k);
/* Points a server gets under KETAMA_WEIGHTED: libmemcached's/twemproxy's float formula. */
uint32_t ketama_weighted_points(uint32_t weight, uint64_t total_weight, size_t nservers);

/* Owner of the first point >= hash, wrapping to the first point. */
static inline uint32_t ketama_find(const struct ketama *k, uint32_t hash)
{
    const uint32_t *v = k->values;
    size_t lo = 0, len = k->npoints;
    while (len > 0) {
        size_t half = len / 2;
        if (v[lo + half] < hash) {
            lo += half + 1;
            len -= half + 1;
        } else {
            len = half;
        }
    }
    return k->owners[lo == k->npoints ? 0 : lo];
}

static inline uint32_t ketama_lookup(const struct ketama *k, const void *key, size_t len)
{
    return ketama_find(k, k->khash(key, len));
}

#endif
