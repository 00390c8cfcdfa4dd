/* modula: placement by hash modulo the number of buckets.
 *
 * libmemcached MEMCACHED_DISTRIBUTION_MODULA: bucket = key_hash % servers, weights ignored
 * (key hash one-at-a-time by default, or CRC = (crc32 >> 16) & 0x7fff).
 * python-memcached Client: buckets = each server repeated `weight` times in list order;
 * bucket = cmemcache_hash(key) % len(buckets), cmemcache_hash = ((crc32 >> 16) & 0x7fff) or 1.
 * (python-memcached retries another bucket only when a server is down; the ring knows no
 * liveness, so that path does not apply.)
 * Not consistent: changing the server count moves about (N-1)/N of the keys.
 * Invariants: nbuckets >= 1. Concurrency: read-only after init. Ownership: buckets is ours. */
#include "modula.h"

#include <stdlib.h>

#include <ringcache/status.h>

int modula_init(struct modula *m, int weighted, hash_fn khash, const struct ring_node *nodes,
                size_t n)
{
    *m = (struct modula){.khash = khash};
    if (n == 0 || n > UINT32_MAX)
        return RC_ERR_INVAL;
    if (!weighted) {
        m->nbuckets = (uint32_t)n;
        return RC_OK;
    }
    uint64_t total = 0;
    for (size_t s = 0; s < n; s++)
        total += nodes[s].weight;
    if (total > (1u << 24)) /* python-memcached would build this list too; keep it sane */
        return RC_ERR_INVAL;
    m->buckets = malloc(total * sizeof(*m->buckets));
    if (!m->buckets)
        return RC_ERR_NOMEM;
    uint32_t b = 0;
    for (size_t s = 0; s < n; s++)
        for (uint32_t w = 0; w < nodes[s].weight; w++)
            m->buckets[b++] = (uint32_t)s;
    m->nbuckets = b;
    return RC_OK;
}

void modula_deinit(struct modula *m)
{
    free(m->buckets);
    *m = (struct modula){0};
}
