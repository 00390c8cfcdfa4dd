/* ketama: the continuum libmemcached and twemproxy build, reproduced point for point.
 *
 * Facts (checked against ../shared/vectors, produced by libmemcached 1.1.4 and nutcracker 0.5.0):
 * - Identity of a server: its host when the port is 11211, else "host:port" (twemproxy: its
 *   optional name field when configured; ring.c puts whichever applies in node->id).
 * - Plain (libmemcached CONSISTENT_KETAMA): points "<id>-<i>" for i in 0..99, each hashed with
 *   the KEY hash (md5: first four digest bytes little-endian; or one-at-a-time, ...).
 * - Weighted (libmemcached KETAMA_WEIGHTED, twemproxy ketama): a server gets
 *   floor(float(w/W) * 160 / 4 * N + 1e-10) * 4 points (float arithmetic: 25 equal servers get
 *   156 points, not 160); each md5("<id>-<i>") gives 4 points, bytes 4x..4x+3 little-endian.
 * - Lookup: the first point whose value is >= the key hash, wrapping past the end to point 0.
 *   Equal point values keep insertion order (the libraries' qsort is glibc's stable merge sort),
 *   so ties go to the server listed first.
 * Invariants: values[] is sorted ascending, npoints >= 1 (every server has >= 4 points unless
 * its weight share rounds to zero, as in the libraries; ketama_init fails if no point at all).
 * Concurrency: read-only after ketama_init. Ownership: values/owners belong to the struct. */
#include "ketama.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <ringcache/status.h>

#include "md5.h"

#define KETAMA_PLAIN_POINTS    100u
#define KETAMA_WEIGHTED_POINTS 160u
#define KETAMA_ID_MAX          512 /* identity + "-" + index; longer identities are rejected */

uint32_t ketama_weighted_points(uint32_t weight, uint64_t total_weight, size_t nservers)
{
    float pct = (float)weight / (float)total_weight;
    float t = pct * (float)KETAMA_WEIGHTED_POINTS / 4.0f * (float)nservers;
    return (uint32_t)floorf((float)((double)t + 0.0000000001)) * 4u;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* "<id>-<i>" into buf; returns its length or -1 when it does not fit. */
static int point_name(char *buf, size_t cap, const struct ring_node *nd, uint32_t i)
{
    int n = snprintf(buf, cap, "%.*s-%u", (int)nd->id_len, nd->id, (unsigned)i);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* Appends a server's points as (value << 32 | seq) into keys[*np...], owners by seq. */
static int add_points(uint64_t *keys, uint32_t *np, const struct ring_node *nd, uint32_t npts,
                      enum ketama_flavor flavor, hash_fn khash)
{
    char buf[KETAMA_ID_MAX];
    uint32_t per = flavor == KETAMA_WEIGHTED ? 4u : 1u;
    for (uint32_t i = 0; i < npts / per; i++) {
        int len = point_name(buf, sizeof(buf), nd, i);
        if (len < 0)
            return RC_ERR_INVAL;
        if (flavor == KETAMA_PLAIN) {
            keys[*np] = (uint64_t)khash(buf, (size_t)len) << 32 | *np;
            (*np)++;
            continue;
        }
        uint8_t d[16];
        md5_digest(buf, (size_t)len, d);
        for (int x = 0; x < 4; x++) {
            const uint8_t *q = d + 4 * x;
            uint32_t v =
                (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
            keys[*np] = (uint64_t)v << 32 | *np;
            (*np)++;
        }
    }
    return RC_OK;
}

int ketama_init(struct ketama *k, enum ketama_flavor flavor, hash_fn khash,
                const struct ring_node *nodes, size_t n)
{
    *k = (struct ketama){.khash = khash};
    uint64_t total_weight = 0, total_points = 0;
    for (size_t s = 0; s < n; s++)
        total_weight += nodes[s].weight;
    uint32_t *npts = calloc(n ? n : 1, sizeof(*npts));
    if (!npts)
        return RC_ERR_NOMEM;
    for (size_t s = 0; s < n; s++) {
        npts[s] = flavor == KETAMA_PLAIN ? KETAMA_PLAIN_POINTS
                                         : ketama_weighted_points(nodes[s].weight, total_weight, n);
        total_points += npts[s];
    }
    if (total_points == 0 || total_points > UINT32_MAX) {
        free(npts);
        return RC_ERR_INVAL;
    }
    uint64_t *keys = malloc(total_points * sizeof(*keys));
    uint32_t *owner_by_seq = malloc(total_points * sizeof(*owner_by_seq));
    k->values = malloc(total_points * sizeof(*k->values));
    k->owners = malloc(total_points * sizeof(*k->owners));
    int rc = keys && owner_by_seq && k->values && k->owners ? RC_OK : RC_ERR_NOMEM;
    uint32_t np = 0;
    for (size_t s = 0; rc == RC_OK && s < n; s++) {
        uint32_t first = np;
        rc = add_points(keys, &np, &nodes[s], npts[s], flavor, khash);
        for (uint32_t i = first; i < np; i++)
            owner_by_seq[i] = (uint32_t)s;
    }
    if (rc == RC_OK) {
        qsort(keys, np, sizeof(*keys), cmp_u64);
        for (uint32_t i = 0; i < np; i++) {
            k->values[i] = (uint32_t)(keys[i] >> 32);
            k->owners[i] = owner_by_seq[(uint32_t)keys[i]];
        }
        k->npoints = np;
    }
    free(keys);
    free(owner_by_seq);
    free(npts);
    if (rc != RC_OK)
        ketama_deinit(k);
    return rc;
}

void ketama_deinit(struct ketama *k)
{
    free(k->values);
    free(k->owners);
    *k = (struct ketama){0};
}
