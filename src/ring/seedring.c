/* seedring: the ring of the tutorial this project grew from, reproduced exactly.
 *
 * Facts (manifest notes, checked against ../shared/vectors): ConsistentHashing(replicas=R) puts
 * R points per server at int(md5("<host:port>-<i>").hexdigest(), 16) for i in 0..R-1, i.e. the
 * digest read as a big-endian 128-bit integer; a key goes to the first point >= int(md5(key)),
 * wrapping to the first point. Weights are ignored (the tutorial has none). The tutorial scans
 * its sorted list linearly; we binary-search the same list, which gives the same answer.
 * Design: 128-bit values kept as (hi, lo) uint64 pairs so that no compiler extension is needed.
 * Invariants: points sorted by (hi, lo), npoints = R * n >= 1. Equal points (a duplicated
 * server name) keep the later server, as the tutorial's dict assignment does.
 * Concurrency: read-only after init. Ownership: the three arrays are ours. */
#include "seedring.h"

#include <stdio.h>
#include <stdlib.h>

#include <ringcache/status.h>

#include "md5.h"

struct point {
    uint64_t hi, lo;
    uint32_t owner, seq;
};

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static int cmp_point(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return x->seq < y->seq ? 1 : -1; /* later first: it is the one the tutorial keeps */
}

static int fill_points(struct point *pts, uint32_t replicas, const struct ring_node *nodes,
                       size_t n)
{
    char buf[600];
    uint32_t k = 0;
    for (size_t s = 0; s < n; s++) {
        for (uint32_t i = 0; i < replicas; i++, k++) {
            int len = snprintf(buf, sizeof(buf), "%s-%u", nodes[s].name, (unsigned)i);
            if (len < 0 || (size_t)len >= sizeof(buf))
                return RC_ERR_INVAL;
            uint8_t d[16];
            md5_digest(buf, (size_t)len, d);
            pts[k] = (struct point){load_be64(d), load_be64(d + 8), (uint32_t)s, k};
        }
    }
    return RC_OK;
}

int seedring_init(struct seedring *r, uint32_t replicas, const struct ring_node *nodes, size_t n)
{
    *r = (struct seedring){0};
    uint64_t total = (uint64_t)replicas * n;
    if (total == 0 || total > UINT32_MAX)
        return RC_ERR_INVAL;
    struct point *pts = malloc(total * sizeof(*pts));
    r->hi = malloc(total * sizeof(*r->hi));
    r->lo = malloc(total * sizeof(*r->lo));
    r->owners = malloc(total * sizeof(*r->owners));
    int rc = pts && r->hi && r->lo && r->owners ? RC_OK : RC_ERR_NOMEM;
    if (rc == RC_OK)
        rc = fill_points(pts, replicas, nodes, n);
    if (rc == RC_OK) {
        qsort(pts, total, sizeof(*pts), cmp_point);
        uint32_t out = 0;
        for (uint32_t i = 0; i < total; i++) {
            if (out > 0 && r->hi[out - 1] == pts[i].hi && r->lo[out - 1] == pts[i].lo)
                continue; /* a duplicate point: the first (latest) stays */
            r->hi[out] = pts[i].hi;
            r->lo[out] = pts[i].lo;
            r->owners[out++] = pts[i].owner;
        }
        r->npoints = out;
    }
    free(pts);
    if (rc != RC_OK)
        seedring_deinit(r);
    return rc;
}

void seedring_deinit(struct seedring *r)
{
    free(r->hi);
    free(r->lo);
    free(r->owners);
    *r = (struct seedring){0};
}

uint32_t seedring_lookup(const struct seedring *r, const void *key, size_t len)
{
    uint8_t d[16];
    md5_digest(key, len, d);
    uint64_t hi = load_be64(d), lo = load_be64(d + 8);
    size_t first = 0, count = r->npoints;
    while (count > 0) { /* lower bound: first point >= (hi, lo) */
        size_t half = count / 2, mid = first + half;
        if (r->hi[mid] < hi || (r->hi[mid] == hi && r->lo[mid] < lo)) {
            first = mid + 1;
            count -= half + 1;
        } else {
            count = half;
        }
    }
    return r->owners[first == r->npoints ? 0 : first];
}
