/* modula: hash modulo a bucket list (libmemcached MODULA, python-memcached's weighted buckets). */
#ifndef RC_RING_MODULA_H
#define RC_RING_MODULA_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "node.h"

struct modula {
    uint32_t *buckets; /* buckets[i]: node index; NULL means bucket i is node i */
    uint32_t nbuckets;
    hash_fn khash;
};

/* weighted == 0: one bucket per node (libmemcached); else node s fills weight(s) consecutive
 * buckets, in list order (python-memcached). 0, RC_ERR_NOMEM, RC_ERR_INVAL. */
int modula_init(struct modula *m, int weighted, hash_fn khash, const struct ring_node *nodes,
                size_t n);
void modula_deinit(struct modula *m);

static inline uint32_t modula_lookup(const struct modula *m, const void *key, size_t len)
{
    uint32_t b = m->khash(key, len) % m->nbuckets;
    return m->buckets ? m->buckets[b] : b;
}

#endif
