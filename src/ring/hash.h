/* hash: the key hashes of every placement mode (public ones are rc_hash_* in ringcache/ring.h)
 * plus what the ring modules need beyond them: a resumable murmur3 so that pymemcache's
 * rendezvous hashes "node-" once per node instead of once per lookup. */
#ifndef RC_RING_HASH_H
#define RC_RING_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <ringcache/ring.h>

/* A 32-bit key hash as the ketama and modula modes use it. */
typedef uint32_t (*hash_fn)(const void *key, size_t len);

/* murmur3 x86_32 fed in pieces: state after any prefix can be saved (copied) and resumed. */
struct hash_mm3 {
    uint32_t h;    /* running hash over whole 4-byte blocks */
    uint32_t tail; /* pending bytes, little-endian, fewer than 4 */
    uint32_t ntail;
    uint32_t total; /* bytes fed (murmur3 mixes the length in modulo 2^32) */
};

void hash_mm3_init(struct hash_mm3 *m, uint32_t seed);
void hash_mm3_update(struct hash_mm3 *m, const void *data, size_t len);
uint32_t hash_mm3_final(const struct hash_mm3 *m); /* does not change m: a state can be reused */

/* A fast 64-bit mixer (SplitMix64's finaliser): a bijection with full avalanche. */
static inline uint64_t hash_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

#endif
