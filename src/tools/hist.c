/* hist: log-linear histogram for latencies (see hist.h for the contract).
 *
 * Design. A value v < SUB_COUNT has its own bucket (index v). Otherwise let m be the index of
 * its highest set bit (m >= SUB_BITS) and shift = m - SUB_BITS + 1; then v >> shift lies in
 * [HALF, SUB_COUNT), and the bucket is SUB_COUNT + (m - SUB_BITS) * HALF + ((v >> shift) - HALF).
 * Each bucket therefore spans 2^shift values, which is at most 1/HALF of any value in it.
 *
 * Invariants: count == sum of bucket[]; min <= max when count > 0; sum saturates at UINT64_MAX.
 * Concurrency: none (one owner). Ownership: the caller owns the memory; nothing is allocated.
 * Non-goals: auto-resizing, coordinated-omission correction (the load generator is closed-loop
 * and says so in its output). */
#include "hist.h"

#include <string.h>

void hist_init(struct hist *h)
{
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

static unsigned msb64(uint64_t v)
{
    return 63u - (unsigned)__builtin_clzll(v);
}

unsigned hist_index(uint64_t v)
{
    if (v < HIST_SUB_COUNT)
        return (unsigned)v;
    unsigned m = msb64(v);
    unsigned shift = m - HIST_SUB_BITS + 1;
    return HIST_SUB_COUNT + (m - HIST_SUB_BITS) * HIST_HALF + (unsigned)((v >> shift) - HIST_HALF);
}

uint64_t hist_bucket_low(unsigned idx)
{
    if (idx < HIST_SUB_COUNT)
        return idx;
    unsigned rel = idx - HIST_SUB_COUNT;
    unsigned m = HIST_SUB_BITS + rel / HIST_HALF;
    unsigned shift = m - HIST_SUB_BITS + 1;
    return (uint64_t)(HIST_HALF + rel % HIST_HALF) << shift;
}

uint64_t hist_bucket_high(unsigned idx)
{
    if (idx < HIST_SUB_COUNT)
        return idx;
    unsigned rel = idx - HIST_SUB_COUNT;
    unsigned shift = rel / HIST_HALF + 1;
    return hist_bucket_low(idx) + ((uint64_t)1 << shift) - 1;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void hist_record_n(struct hist *h, uint64_t v, uint64_t n)
{
    if (n == 0)
        return;
    h->bucket[hist_index(v)] += n;
    h->count += n;
    uint64_t add = (v != 0 && n > UINT64_MAX / v) ? UINT64_MAX : v * n;
    h->sum = sat_add(h->sum, add);
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
}

void hist_record(struct hist *h, uint64_t v)
{
    hist_record_n(h, v, 1);
}

void hist_merge(struct hist *dst, const struct hist *src)
{
    if (src->count == 0)
        return;
    for (unsigned i = 0; i < HIST_BUCKETS; i++)
        dst->bucket[i] += src->bucket[i];
    dst->count += src->count;
    dst->sum = sat_add(dst->sum, src->sum);
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}

uint64_t hist_percentile(const struct hist *h, double p)
{
    if (h->count == 0)
        return 0;
    if (p <= 0)
        return h->min;
    if (p >= 100)
        return h->max;
    /* Rank of the wanted value, 1-based: ceil(p/100 * count), at least 1. */
    double want_d = p / 100.0 * (double)h->count;
    uint64_t want = (uint64_t)want_d;
    if (want_d - (double)want > 1e-9 * want_d) /* 99.9 % of 1000 is 999, not 999.0000001 */
        want++;
    if (want == 0)
        want = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->bucket[i];
        if (seen >= want) {
            uint64_t v = hist_bucket_high(i);
            if (v > h->max)
                v = h->max;
            if (v < h->min)
                v = h->min;
            return v;
        }
    }
    return h->max;
}

double hist_mean(const struct hist *h)
{
    return h->count ? (double)h->sum / (double)h->count : 0.0;
}
