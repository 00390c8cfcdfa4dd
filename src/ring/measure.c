/* measure: what `ringcache ring --stats` and bench_ring report about a mode: balance of keys
 * over servers (max/mean and coefficient of variation, against each server's expected share),
 * the fraction of keys that move when one server leaves or joins beside the ideal, and the
 * lookup time per key.
 *
 * Method: nkeys synthetic keys "key:<i>". Expected share of server s: w_s / W for modes that
 * honour weights, 1/N for the others. Removal: for up to 20 servers spread over the list (every
 * server up to 20; 5 past 100 servers), build the ring without it and count keys whose owner (by
 * name) changes; ideal = the removed server's expected share. Addition: 20 (5 past 100 servers)
 * new servers "ringcache-new-<t>:11211" of weight 1 appended; ideal = the new server's expected
 * share. Means over the trials are reported, and separately the "excess": keys that moved
 * between two servers that both stayed, which a consistent placement never moves.
 * Lookup time: 3 timed passes over all keys, median.
 * Ownership: allocates scratch (keys, owner arrays, rings) and frees it before returning.
 * Concurrency: none; not for hot paths. */
#include "measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ringcache/ring.h>
#include <ringcache/status.h>

#define MEASURE_TRIALS      20 /* per direction, for up to MEASURE_MANY servers */
#define MEASURE_TRIALS_MANY 5  /* beyond: rendezvous lookups cost O(n) */
#define MEASURE_MANY        100
#define MEASURE_PASSES      3

uint64_t measure_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int measure_keys_init(struct measure_keys *k, size_t n)
{
    *k = (struct measure_keys){0};
    k->bytes = malloc(n * 24 + 1);
    k->off = malloc((n + 1) * sizeof(*k->off));
    if (!k->bytes || !k->off || n > UINT32_MAX / 24) {
        measure_keys_deinit(k);
        return RC_ERR_NOMEM;
    }
    uint32_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        k->off[i] = pos;
        pos += (uint32_t)snprintf(k->bytes + pos, 24, "key:%zu", i);
    }
    k->off[n] = pos;
    k->n = n;
    return RC_OK;
}

void measure_keys_deinit(struct measure_keys *k)
{
    free(k->bytes);
    free(k->off);
    *k = (struct measure_keys){0};
}

static void place_all(const struct rc_ring *r, const struct measure_keys *k, uint32_t *owner)
{
    for (size_t i = 0; i < k->n; i++)
        owner[i] = rc_ring_lookup(r, k->bytes + k->off[i], k->off[i + 1] - k->off[i]);
}

static double expected_share(const struct rc_ring_node *nodes, size_t n, size_t s, int weighted)
{
    if (!weighted)
        return 1.0 / (double)n;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += nodes[i].weight ? nodes[i].weight : 1;
    return (nodes[s].weight ? nodes[s].weight : 1) / total;
}

static void balance(const struct rc_ring_node *nodes, size_t n, int weighted, const uint32_t *owner,
                    size_t nkeys, struct rc_ring_stats *st, size_t *count)
{
    memset(count, 0, n * sizeof(*count));
    for (size_t i = 0; i < nkeys; i++)
        count[owner[i]]++;
    double sum = 0, sq = 0, max = 0;
    for (size_t s = 0; s < n; s++) {
        double rel = (double)count[s] / ((double)nkeys * expected_share(nodes, n, s, weighted));
        sum += rel;
        sq += rel * rel;
        max = rel > max ? rel : max;
    }
    double mean = sum / (double)n;
    double var = sq / (double)n - mean * mean;
    st->max_over_mean = max / mean;
    st->cv = var > 0 ? sqrt(var) / mean : 0;
}

static double time_lookups(const struct rc_ring *r, const struct measure_keys *k, uint32_t *owner)
{
    double ns[MEASURE_PASSES];
    for (int p = 0; p < MEASURE_PASSES; p++) {
        uint64_t t0 = measure_now_ns();
        place_all(r, k, owner);
        ns[p] = (double)(measure_now_ns() - t0) / (double)k->n;
    }
    for (int i = 1; i < MEASURE_PASSES; i++) /* insertion sort of three */
        for (int j = i; j > 0 && ns[j] < ns[j - 1]; j--) {
            double t = ns[j];
            ns[j] = ns[j - 1];
            ns[j - 1] = t;
        }
    return ns[MEASURE_PASSES / 2];
}

/* Fraction of keys whose owner changes from `before` (indexes into the original list) to the
 * ring over nodes[0..n), whose node i is original node map[i] (UINT32_MAX: the new node), and
 * the fraction that moved between two nodes other than `changed` (the one removed or added). */
static int moved_fraction(const char *mode, const struct rc_ring_node *nodes, size_t n,
                          const uint32_t *map, uint32_t changed, const struct measure_keys *k,
                          const uint32_t *before, double out[2])
{
    struct rc_ring *r;
    int rc = rc_ring_create(&r, mode, nodes, n);
    if (rc != RC_OK)
        return rc;
    size_t moved = 0, excess = 0;
    for (size_t i = 0; i < k->n; i++) {
        uint32_t o = map[rc_ring_lookup(r, k->bytes + k->off[i], k->off[i + 1] - k->off[i])];
        moved += o != before[i];
        excess += o != before[i] && o != changed && before[i] != changed;
    }
    rc_ring_destroy(&r);
    out[0] = (double)moved / (double)k->n;
    out[1] = (double)excess / (double)k->n;
    return RC_OK;
}

static int movement(const char *mode, const struct rc_ring_node *nodes, size_t n, int weighted,
                    const struct measure_keys *k, const uint32_t *before, struct rc_ring_stats *st)
{
    struct rc_ring_node *tmp = malloc((n + 1) * sizeof(*tmp));
    uint32_t *map = malloc((n + 1) * sizeof(*map));
    char name[64];
    int rc = tmp && map ? RC_OK : RC_ERR_NOMEM;
    int adds = n > MEASURE_MANY ? MEASURE_TRIALS_MANY : MEASURE_TRIALS;
    int trials = n < (size_t)adds ? (int)n : adds;
    for (int t = 0; rc == RC_OK && n > 1 && t < trials; t++) { /* remove one */
        size_t gone = (size_t)t * n / (size_t)trials, m = 0;
        for (size_t i = 0; i < n; i++)
            if (i != gone) {
                map[m] = (uint32_t)i;
                tmp[m++] = nodes[i];
            }
        double f[2] = {0, 0};
        rc = moved_fraction(mode, tmp, m, map, (uint32_t)gone, k, before, f);
        st->move_remove += f[0] / trials;
        st->move_remove_excess += f[1] / trials;
        st->move_remove_ideal += expected_share(nodes, n, gone, weighted) / trials;
    }
    for (int t = 0; rc == RC_OK && t < adds; t++) { /* add one */
        memcpy(tmp, nodes, n * sizeof(*tmp));
        for (size_t i = 0; i < n; i++)
            map[i] = (uint32_t)i;
        snprintf(name, sizeof(name), "ringcache-new-%d:11211", t);
        tmp[n] = (struct rc_ring_node){name, 1, NULL};
        map[n] = UINT32_MAX;
        double f[2] = {0, 0};
        rc = moved_fraction(mode, tmp, n + 1, map, UINT32_MAX, k, before, f);
        st->move_add += f[0] / adds;
        st->move_add_excess += f[1] / adds;
        st->move_add_ideal += expected_share(tmp, n + 1, n, weighted) / adds;
    }
    free(tmp);
    free(map);
    return rc;
}

int rc_ring_measure(const char *mode, const struct rc_ring_node *nodes, size_t n, size_t nkeys,
                    struct rc_ring_stats *out)
{
    if (!out || nkeys == 0 || n == 0)
        return RC_ERR_INVAL;
    *out = (struct rc_ring_stats){.servers = n, .keys = nkeys};
    int weighted = rc_ring_mode_weighted(mode);
    struct rc_ring *r = NULL;
    int rc = weighted < 0 ? RC_ERR_INVAL : rc_ring_create(&r, mode, nodes, n);
    if (rc != RC_OK)
        return rc;
    struct measure_keys k;
    uint32_t *owner = malloc(nkeys * sizeof(*owner));
    size_t *count = malloc(n * sizeof(*count));
    rc = measure_keys_init(&k, nkeys);
    if (rc == RC_OK && (!owner || !count))
        rc = RC_ERR_NOMEM;
    if (rc == RC_OK) {
        out->lookup_ns = time_lookups(r, &k, owner);
        balance(nodes, n, weighted, owner, nkeys, out, count);
        rc = movement(mode, nodes, n, weighted, &k, owner, out);
    }
    measure_keys_deinit(&k);
    free(owner);
    free(count);
    rc_ring_destroy(&r);
    return rc;
}
