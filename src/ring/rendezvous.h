/* rendezvous: pymemcache's RendezvousHash (highest random weight) with murmur3_32, seed 0. */
#ifndef RC_RING_RENDEZVOUS_H
#define RC_RING_RENDEZVOUS_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "node.h"

struct rendezvous {
    struct hash_mm3 *prefix; /* prefix[s]: murmur3 state after "<name of s>-" */
    const char **names;      /* for ties: the larger name wins, as Python's max(str, str) */
    uint32_t n;
};

int rendezvous_init(struct rendezvous *r, const struct ring_node *nodes, size_t n);
void rendezvous_deinit(struct rendezvous *r);
uint32_t rendezvous_lookup(const struct rendezvous *r, const void *key, size_t len);

#endif
