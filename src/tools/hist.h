/* hist: a log-linear latency histogram (HdrHistogram-like) of fixed size, for the load generator.
 *
 * Values are unsigned 64-bit (the load generator records nanoseconds). Values below
 * HIST_SUB_COUNT are counted exactly; above, each power of two is split into HIST_SUB_COUNT / 2
 * equal buckets, so a reported percentile is within 1/64 (~1.6 %) of the true value. The struct
 * is plain memory (about 30 KiB) that a caller embeds or allocates; no function allocates.
 * Not thread-safe: one histogram per thread, merged at the end with hist_merge(). */
#ifndef RC_HIST_H
#define RC_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS  7
#define HIST_SUB_COUNT (1u << HIST_SUB_BITS)
#define HIST_HALF      (HIST_SUB_COUNT / 2)
/* Exact buckets for [0, SUB_COUNT), then HALF buckets for each msb from SUB_BITS to 63. */
#define HIST_BUCKETS (HIST_SUB_COUNT + (64 - HIST_SUB_BITS) * HIST_HALF)

struct hist {
    uint64_t count;
    uint64_t sum; /* saturates rather than wraps */
    uint64_t min; /* UINT64_MAX while empty */
    uint64_t max;
    uint64_t bucket[HIST_BUCKETS];
};

/* Empties h (also the initialiser). */
void hist_init(struct hist *h);
/* Counts one value. */
void hist_record(struct hist *h, uint64_t v);
/* Counts n occurrences of v. */
void hist_record_n(struct hist *h, uint64_t v, uint64_t n);
/* Adds every count of src to dst. */
void hist_merge(struct hist *dst, const struct hist *src);

/* Bucket index of a value, and the lowest and highest value that share that bucket. */
unsigned hist_index(uint64_t v);
uint64_t hist_bucket_low(unsigned idx);
uint64_t hist_bucket_high(unsigned idx);

/* The value at percentile p (0..100): the highest value of the bucket holding the
 * ceil(p/100 * count)-th smallest value, clamped to [min, max] (so p=100 gives max exactly).
 * 0 for an empty histogram. */
uint64_t hist_percentile(const struct hist *h, double p);
/* Mean of the recorded values (0 when empty). */
double hist_mean(const struct hist *h);

#endif
