/* ring: the public face of the ring module (ringcache/ring.h): the table of modes, parsing of
 * "host:port[:weight]" server lists, creation, and the lookup dispatch over the algorithms
 * (ketama.c, modula.c, rendezvous.c, seedring.c, native.c).
 *
 * Design: a mode is one row of MODE_TABLE (name, algorithm, key hash, properties); nothing else
 * in the code names a mode. A ring owns one string arena holding every node's name, host and
 * ketama identity, the node array, and exactly one algorithm struct (a union, chosen by kind).
 * Invariants: n >= 1; every node has weight >= 1; a lookup returns an index < n.
 * Concurrency: immutable after rc_ring_create*; lookups from any thread without locks. Swapping
 * a ring is the caller's pointer exchange (see ringcache/ring.h). Ownership: the ring owns all
 * its memory; rc_ring_destroy frees it. Non-goals: liveness, connections, retries. */
#include <ringcache/ring.h>
#include <ringcache/status.h>

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "hash.h"
#include "ketama.h"
#include "modula.h"
#include "native.h"
#include "rendezvous.h"
#include "ring_parse.h"
#include "seedring.h"

enum ring_kind {
    KIND_KETAMA,
    KIND_KETAMA_W,
    KIND_TWEMPROXY,
    KIND_MODULA,
    KIND_PYBUCKETS,
    KIND_RENDEZVOUS,
    KIND_SEED,
    KIND_NATIVE
};

/* X(name, kind, key hash, consistent, honours weights) */
#define MODE_TABLE(X)                                                                              \
    X("libmemcached/ketama-md5", KIND_KETAMA, rc_hash_md5, 1, 0)                                   \
    X("libmemcached/ketama-oaat", KIND_KETAMA, rc_hash_oaat, 1, 0)                                 \
    X("libmemcached/ketama-fnv1_32", KIND_KETAMA, rc_hash_fnv1_32, 1, 0)                           \
    X("libmemcached/ketama-fnv1a_32", KIND_KETAMA, rc_hash_fnv1a_32, 1, 0)                         \
    X("libmemcached/ketama-fnv1_64", KIND_KETAMA, rc_hash_fnv1_64, 1, 0)                           \
    X("libmemcached/ketama-fnv1a_64", KIND_KETAMA, rc_hash_fnv1a_64, 1, 0)                         \
    X("libmemcached/ketama-weighted-md5", KIND_KETAMA_W, rc_hash_md5, 1, 1)                        \
    X("libmemcached/modula-oaat", KIND_MODULA, rc_hash_oaat, 0, 0)                                 \
    X("libmemcached/modula-crc", KIND_MODULA, rc_hash_crc32_libmemcached, 0, 0)                    \
    X("libmemcached/modula-md5", KIND_MODULA, rc_hash_md5, 0, 0)                                   \
    X("libmemcached/modula-fnv1a_32", KIND_MODULA, rc_hash_fnv1a_32, 0, 0)                         \
    X("twemproxy/ketama-md5", KIND_TWEMPROXY, rc_hash_md5, 1, 1)                                   \
    X("twemproxy/ketama-fnv1a_64", KIND_TWEMPROXY, rc_hash_fnv1a_64, 1, 1)                         \
    X("twemproxy/ketama-fnv1_64", KIND_TWEMPROXY, rc_hash_fnv1_64, 1, 1)                           \
    X("twemproxy/ketama-fnv1a_32", KIND_TWEMPROXY, rc_hash_fnv1a_32, 1, 1)                         \
    X("twemproxy/ketama-fnv1_32", KIND_TWEMPROXY, rc_hash_fnv1_32, 1, 1)                           \
    X("twemproxy/ketama-one_at_a_time", KIND_TWEMPROXY, rc_hash_oaat, 1, 1)                        \
    X("python-memcached/crc32-modula", KIND_PYBUCKETS, rc_hash_crc32_python, 0, 1)                 \
    X("pymemcache/rendezvous-murmur3", KIND_RENDEZVOUS, NULL, 1, 0)                                \
    X("seed/md5-ring-r3", KIND_SEED, NULL, 1, 0)                                                   \
    X("native/hrw-xxh3", KIND_NATIVE, NULL, 1, 1)

struct mode {
    const char *name;
    enum ring_kind kind;
    hash_fn khash;
    int consistent, weighted;
};

static const struct mode modes[] = {
#define MODE_ROW(name, kind, hash, consistent, weighted) {name, kind, hash, consistent, weighted},
    MODE_TABLE(MODE_ROW)
#undef MODE_ROW
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

struct rc_ring {
    const struct mode *mode;
    size_t n;
    struct ring_node *nodes;
    char *arena; /* every string the nodes point to */
    union {
        struct ketama ketama;
        struct modula modula;
        struct rendezvous rendezvous;
        struct seedring seed;
        struct native native;
    } u;
};

/* Short names clients commonly use; rc_ring_mode() always reports the full name. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    {"ketama", "libmemcached/ketama-weighted-md5"},
    {"modula", "libmemcached/modula-oaat"},
    {"native", "native/hrw-xxh3"},
};

static const struct mode *find_mode(const char *name)
{
    for (size_t i = 0; name && i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(aliases[i].alias, name) == 0)
            name = aliases[i].name;
    for (size_t i = 0; name && i < NMODES; i++)
        if (strcmp(modes[i].name, name) == 0)
            return &modes[i];
    return NULL;
}

size_t rc_ring_mode_count(void)
{
    return NMODES;
}

const char *rc_ring_mode_name(size_t i)
{
    return i < NMODES ? modes[i].name : NULL;
}

int rc_ring_mode_consistent(const char *mode)
{
    const struct mode *m = find_mode(mode);
    return m ? m->consistent : RC_ERR_INVAL;
}

int rc_ring_mode_weighted(const char *mode)
{
    const struct mode *m = find_mode(mode);
    return m ? m->weighted : RC_ERR_INVAL;
}

static int build(struct rc_ring *r)
{
    const struct mode *m = r->mode;
    switch (m->kind) {
    case KIND_KETAMA:
        return ketama_init(&r->u.ketama, KETAMA_PLAIN, m->khash, r->nodes, r->n);
    case KIND_KETAMA_W:
    case KIND_TWEMPROXY:
        return ketama_init(&r->u.ketama, KETAMA_WEIGHTED, m->khash, r->nodes, r->n);
    case KIND_MODULA:
    case KIND_PYBUCKETS:
        return modula_init(&r->u.modula, m->kind == KIND_PYBUCKETS, m->khash, r->nodes, r->n);
    case KIND_RENDEZVOUS:
        return rendezvous_init(&r->u.rendezvous, r->nodes, r->n);
    case KIND_SEED:
        return seedring_init(&r->u.seed, 3, r->nodes, r->n);
    case KIND_NATIVE:
        return native_init(&r->u.native, r->nodes, r->n);
    }
    return RC_ERR_INVAL;
}

static void unbuild(struct rc_ring *r)
{
    switch (r->mode->kind) {
    case KIND_KETAMA:
    case KIND_KETAMA_W:
    case KIND_TWEMPROXY:
        ketama_deinit(&r->u.ketama);
        break;
    case KIND_MODULA:
    case KIND_PYBUCKETS:
        modula_deinit(&r->u.modula);
        break;
    case KIND_RENDEZVOUS:
        rendezvous_deinit(&r->u.rendezvous);
        break;
    case KIND_SEED:
        seedring_deinit(&r->u.seed);
        break;
    case KIND_NATIVE:
        native_deinit(&r->u.native);
        break;
    }
}

int rc_ring_create(struct rc_ring **out, const char *mode, const struct rc_ring_node *nodes,
                   size_t n)
{
    if (!out)
        return RC_ERR_INVAL;
    *out = NULL;
    const struct mode *m = find_mode(mode);
    if (!m || !nodes || n == 0 || n > UINT32_MAX)
        return RC_ERR_INVAL;
    struct rc_ring *r = calloc(1, sizeof(*r));
    if (!r)
        return RC_ERR_NOMEM;
    r->mode = m;
    r->n = n;
    /* Only twemproxy hashes an explicit name field; the other modes derive the identity. */
    int rc = ring_parse_nodes(nodes, n, m->kind == KIND_TWEMPROXY, &r->nodes, &r->arena);
    if (rc == RC_OK) {
        rc = build(r);
        if (rc != RC_OK) {
            free(r->nodes);
            free(r->arena);
            free(r);
            return rc;
        }
        *out = r;
        return RC_OK;
    }
    free(r);
    return rc;
}

int rc_ring_create_spec(struct rc_ring **out, const char *mode, const char *servers)
{
    if (!out)
        return RC_ERR_INVAL;
    *out = NULL;
    struct rc_ring_node *nodes = NULL;
    char *buf = NULL;
    size_t n = 0;
    int rc = ring_parse_spec(servers, &nodes, &n, &buf);
    if (rc == RC_OK)
        rc = rc_ring_create(out, mode, nodes, n);
    free(nodes);
    free(buf);
    return rc;
}

void rc_ring_destroy(struct rc_ring **rp)
{
    if (!rp || !*rp)
        return;
    struct rc_ring *r = *rp;
    unbuild(r);
    free(r->nodes);
    free(r->arena);
    free(r);
    *rp = NULL;
}

uint32_t rc_ring_lookup(const struct rc_ring *r, const void *key, size_t len)
{
    switch (r->mode->kind) {
    case KIND_KETAMA:
    case KIND_KETAMA_W:
    case KIND_TWEMPROXY:
        return r->n == 1 ? 0 : ketama_lookup(&r->u.ketama, key, len);
    case KIND_MODULA:
    case KIND_PYBUCKETS:
        return modula_lookup(&r->u.modula, key, len);
    case KIND_RENDEZVOUS:
        return rendezvous_lookup(&r->u.rendezvous, key, len);
    case KIND_SEED:
        return seedring_lookup(&r->u.seed, key, len);
    case KIND_NATIVE:
        return native_slot_owner(&r->u.native, XXH3_64bits(key, len));
    }
    return 0;
}

const char *rc_ring_lookup_name(const struct rc_ring *r, const void *key, size_t len)
{
    return r->nodes[rc_ring_lookup(r, key, len)].name;
}

size_t rc_ring_count(const struct rc_ring *r)
{
    return r ? r->n : 0;
}

const char *rc_ring_mode(const struct rc_ring *r)
{
    return r ? r->mode->name : NULL;
}

const char *rc_ring_node_name(const struct rc_ring *r, size_t i)
{
    return r && i < r->n ? r->nodes[i].name : NULL;
}

uint32_t rc_ring_node_weight(const struct rc_ring *r, size_t i)
{
    return r && i < r->n ? r->nodes[i].weight : 0;
}
