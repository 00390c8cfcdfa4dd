/* ringcache ring: which server owns a key, placed exactly as libmemcached, twemproxy,
 * python-memcached, pymemcache and the tutorial's ring place it, plus a native mode.
 *
 * A ring is built once from a list of {name, weight} and is immutable afterwards: lookups take no
 * lock, allocate nothing and may run from any number of threads at once. The ring knows nothing of
 * connections or liveness; a client that ejects a server builds a new ring without it.
 *
 * Reconfiguration: build the new ring beside the old one and swap the pointer, e.g.
 *
 *     _Atomic(struct rc_ring *) live;                          // shared with the readers
 *     // reader:  struct rc_ring *r = atomic_load_explicit(&live, memory_order_acquire);
 *     //          uint32_t i = rc_ring_lookup(r, key, len);   // r stays valid, see below
 *     // writer:  struct rc_ring *fresh; rc_ring_create_spec(&fresh, mode, servers);
 *     //          struct rc_ring *old = atomic_exchange_explicit(&live, fresh,
 *     //                                                         memory_order_acq_rel);
 *     //          ...wait until no reader can still hold `old` (each worker thread passes a
 *     //          quiescent point such as the end of its event-loop iteration, or an epoch
 *     //          counter), then rc_ring_destroy(&old).
 *
 * Node indexes returned by lookups refer to the ring they came from (its node list, in the order
 * given at creation); map them to connections through that same ring.
 *
 * Mode names are "<library>/<distribution>-<hash>", e.g. "libmemcached/ketama-weighted-md5";
 * rc_ring_mode_name() lists them. Aliases: "ketama" = libmemcached/ketama-weighted-md5 (which is
 * also twemproxy's md5 ketama when no server has a name field), "modula" =
 * libmemcached/modula-oaat, "native" = native/hrw-xxh3. Keys are byte strings; the compatible modes
 * reproduce their library exactly for any bytes (see docs/ring.md for the few documented
 * exceptions). */
#ifndef RINGCACHE_RING_H
#define RINGCACHE_RING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rc_ring; /* opaque, immutable once created */

/* One server. `name` is "host:port" (or "host", meaning port 11211), spelled as the caller wants
 * it reported; IPv6 hosts go in brackets ("[::1]:11211"). `weight` >= 1 (0 is read as 1).
 * `id` is twemproxy's optional per-server name field (what its ketama hashes); NULL derives it
 * the way twemproxy does (host when the port is 11211, else host:port). Other modes ignore id.
 * The ring copies every string; the caller's array may be freed after creation. */
struct rc_ring_node {
    const char *name;
    uint32_t weight;
    const char *id;
};

/* Number of modes and their names (index 0 .. rc_ring_mode_count()-1); NULL past the end. */
size_t rc_ring_mode_count(void);
const char *rc_ring_mode_name(size_t i);
/* 1 when adding or removing a server moves only about 1/N of the keys (ketama, rendezvous,
 * the tutorial ring, native), 0 for modulo placement, RC_ERR_INVAL for an unknown mode. */
int rc_ring_mode_consistent(const char *mode);
/* 1 when the mode gives servers shares proportional to their weights, 0 when it ignores
 * weights (libmemcached's plain ketama and modula, pymemcache, the tutorial), RC_ERR_INVAL. */
int rc_ring_mode_weighted(const char *mode);

/* Builds a ring of mode `mode` over nodes[0..n). 0 and *out set, or RC_ERR_INVAL (unknown mode,
 * n == 0, a malformed name, too many nodes for the mode), RC_ERR_NOMEM. */
int rc_ring_create(struct rc_ring **out, const char *mode, const struct rc_ring_node *nodes,
                   size_t n);
/* The same from a server list "host:port[:weight],host:port[:weight],..." (the form the CLI and
 * most client configurations use). Node names are the entries without their weight. An entry
 * may end with " NAME" (twemproxy's config syntax "host:port:weight name") to set its id. */
int rc_ring_create_spec(struct rc_ring **out, const char *mode, const char *servers);
/* Frees the ring and sets *r to NULL; accepts NULL and *r == NULL. */
void rc_ring_destroy(struct rc_ring **r);

/* Index (0 .. count-1) of the node that owns key[0..len). Never fails: a ring is never empty.
 * Lock-free and allocation-free; O(log n) for ketama-like modes, O(1) for modulo and native,
 * O(n) for pymemcache's rendezvous (that is how pymemcache places keys). */
uint32_t rc_ring_lookup(const struct rc_ring *r, const void *key, size_t len);
/* The owning node's name (as given, without weight); valid while the ring lives. */
const char *rc_ring_lookup_name(const struct rc_ring *r, const void *key, size_t len);

size_t rc_ring_count(const struct rc_ring *r);
const char *rc_ring_mode(const struct rc_ring *r);
/* Node i's name and weight; NULL / 0 when i is out of range. */
const char *rc_ring_node_name(const struct rc_ring *r, size_t i);
uint32_t rc_ring_node_weight(const struct rc_ring *r, size_t i);

/* Quality figures of a mode over a server list (used by `ringcache ring --stats` and
 * bench_ring). nkeys synthetic keys "key:<i>" are placed; lookup_ns is the median of 3 timed
 * passes. Movement: the fraction of keys whose owner changes when one server is removed
 * (averaged over up to 20 servers spread over the list, 5 past 100 servers) or one new server
 * of weight 1 is added (averaged over 20 new names, 5 past 100 servers), beside the ideal (the
 * weight share of the server that leaves or joins). 0, RC_ERR_INVAL, RC_ERR_NOMEM. Allocates; not
 * for hot paths. */
struct rc_ring_stats {
    size_t servers, keys;
    double max_over_mean; /* most loaded server's keys / mean keys per server, weight-adjusted */
    double cv;            /* coefficient of variation of keys per server, weight-adjusted */
    double move_add, move_add_ideal;
    double move_remove, move_remove_ideal; /* 0 when there is one server */
    /* keys that moved between two servers that both stayed: 0 for a consistent mode */
    double move_add_excess, move_remove_excess;
    double lookup_ns;
};
int rc_ring_measure(const char *mode, const struct rc_ring_node *nodes, size_t n, size_t nkeys,
                    struct rc_ring_stats *out);

/* Key hashes, as the placement libraries compute them. Where a library reads key bytes through
 * a (signed) char, bytes >= 0x80 are sign-extended exactly as it does (one-at-a-time and the
 * FNV family, as libmemcached 1.x and twemproxy do on x86). */
uint32_t rc_hash_md5(const void *key, size_t len); /* first 4 digest bytes, little-endian */
void rc_hash_md5_digest(const void *key, size_t len, uint8_t digest[16]);
uint32_t rc_hash_crc32(const void *key, size_t len);              /* the standard (zlib) CRC-32 */
uint32_t rc_hash_crc32_libmemcached(const void *key, size_t len); /* (crc >> 16) & 0x7fff */
uint32_t rc_hash_crc32_python(const void *key, size_t len);       /* as above, but 0 becomes 1 */
uint32_t rc_hash_fnv1_32(const void *key, size_t len);
uint32_t rc_hash_fnv1a_32(const void *key, size_t len);
uint32_t rc_hash_fnv1_64(const void *key, size_t len);  /* low 32 bits of 64-bit FNV-1 */
uint32_t rc_hash_fnv1a_64(const void *key, size_t len); /* low 32 bits of 64-bit FNV-1a */
uint32_t rc_hash_oaat(const void *key, size_t len);     /* Jenkins one-at-a-time */
uint32_t rc_hash_murmur3_32(const void *key, size_t len, uint32_t seed); /* x86_32 variant */
uint64_t rc_hash_xxh3_64(const void *key, size_t len);                   /* XXH3_64bits */

#ifdef __cplusplus
}
#endif
#endif
