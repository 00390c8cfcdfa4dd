/* seedring: the tutorial's ring (ConsistentHashing with `replicas` md5 points per server). */
#ifndef RC_RING_SEEDRING_H
#define RC_RING_SEEDRING_H

#include <stddef.h>
#include <stdint.h>

#include "node.h"

struct seedring {
    uint64_t *hi, *lo; /* sorted 128-bit point values, split in two halves */
    uint32_t *owners;
    uint32_t npoints;
};

int seedring_init(struct seedring *r, uint32_t replicas, const struct ring_node *nodes, size_t n);
void seedring_deinit(struct seedring *r);
uint32_t seedring_lookup(const struct seedring *r, const void *key, size_t len);

#endif
