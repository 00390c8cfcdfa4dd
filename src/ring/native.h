/* native: ringcache's own consistent placement, "native/hrw-xxh3": a rendezvous (highest random
 * weight) decision precomputed for 2^NATIVE_BITS slots of the xxh3 key-hash space. */
#ifndef RC_RING_NATIVE_H
#define RC_RING_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#include "node.h"

#define NATIVE_BITS             18u
#define NATIVE_SLOTS            (1u << NATIVE_BITS)
#define NATIVE_MAX_NODES        65535u /* owners are 16-bit */
#define NATIVE_MAX_TOTAL_WEIGHT 65535u /* build cost is NATIVE_SLOTS * total weight */

struct native {
    uint16_t *owner; /* owner[slot]: node index */
};

int native_init(struct native *t, const struct ring_node *nodes, size_t n);
void native_deinit(struct native *t);

static inline uint32_t native_slot_owner(const struct native *t, uint64_t keyhash)
{
    return t->owner[keyhash >> (64 - NATIVE_BITS)];
}

#endif
