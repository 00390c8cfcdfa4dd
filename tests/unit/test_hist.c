/* Unit tests for hist: bucket geometry, exactness for small values, percentile accuracy within the
 * documented 1/64 bound, merge, and the empty and extreme cases. */
#include <math.h>
#include <stdint.h>

#include "hist.h"
#include "test.h"

static struct hist h1, h2;

static void test_small_values_exact(void)
{
    hist_init(&h1);
    for (uint64_t v = 0; v < HIST_SUB_COUNT; v++)
        hist_record(&h1, v);
    CHECK_EQ(h1.count, HIST_SUB_COUNT);
    CHECK_EQ(hist_percentile(&h1, 50), HIST_SUB_COUNT / 2 - 1);
    CHECK_EQ(hist_percentile(&h1, 100), HIST_SUB_COUNT - 1);
    CHECK_EQ(hist_percentile(&h1, 0), 0);
    CHECK_EQ(h1.min, 0);
    CHECK_EQ(h1.max, HIST_SUB_COUNT - 1);
}

static void test_buckets_contiguous(void)
{
    /* Every bucket starts one past the previous one's end, and every value maps into the bucket
     * whose bounds contain it. */
    for (unsigned i = 1; i < HIST_BUCKETS; i++) {
        CHECK_EQ(hist_bucket_low(i), hist_bucket_high(i - 1) + 1);
        CHECK_EQ(hist_index(hist_bucket_low(i)), i);
        CHECK_EQ(hist_index(hist_bucket_high(i)), i);
    }
    CHECK_EQ(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
    CHECK_EQ(hist_bucket_high(HIST_BUCKETS - 1), UINT64_MAX);
    /* Width bound: a bucket spans at most 1/HALF of its lowest value. */
    for (unsigned i = HIST_SUB_COUNT; i < HIST_BUCKETS; i++) {
        uint64_t lo = hist_bucket_low(i), hi = hist_bucket_high(i);
        CHECK(hi - lo + 1 <= lo / HIST_HALF);
    }
}

static void check_close(uint64_t got, double want)
{
    double err = fabs((double)got - want) / want;
    if (err > 1.0 / 64) {
        fprintf(stderr, "percentile %llu, want %.0f (error %.4f)\n", (unsigned long long)got, want,
                err);
        CHECK(err <= 1.0 / 64);
    }
}

static void test_percentiles_uniform(void)
{
    hist_init(&h1);
    for (uint64_t v = 1; v <= 100000; v++)
        hist_record(&h1, v * 1000); /* 1 us .. 100 ms in ns */
    check_close(hist_percentile(&h1, 50), 50000e3);
    check_close(hist_percentile(&h1, 90), 90000e3);
    check_close(hist_percentile(&h1, 99), 99000e3);
    check_close(hist_percentile(&h1, 99.9), 99900e3);
    CHECK_EQ(hist_percentile(&h1, 100), 100000000);
    CHECK_EQ(h1.min, 1000);
    CHECK(fabs(hist_mean(&h1) - 50000.5e3) < 1.0);
    /* Monotone in p. */
    uint64_t prev = 0;
    for (double p = 0; p <= 100; p += 0.5) {
        uint64_t v = hist_percentile(&h1, p);
        CHECK(v >= prev);
        prev = v;
    }
}

static void test_tail_is_seen(void)
{
    /* 999 fast values and one slow one: p99.9 is fast, p99.95 and max see the slow one. */
    hist_init(&h1);
    hist_record_n(&h1, 20000, 999);
    hist_record(&h1, 5000000);
    check_close(hist_percentile(&h1, 99.9), 20000);
    CHECK_EQ(hist_percentile(&h1, 99.95), 5000000);
    CHECK_EQ(h1.count, 1000);
}

static void test_merge(void)
{
    hist_init(&h1);
    hist_init(&h2);
    for (uint64_t v = 1; v <= 500; v++)
        hist_record(&h1, v * 100);
    for (uint64_t v = 501; v <= 1000; v++)
        hist_record(&h2, v * 100);
    hist_merge(&h1, &h2);
    CHECK_EQ(h1.count, 1000);
    CHECK_EQ(h1.min, 100);
    CHECK_EQ(h1.max, 100000);
    check_close(hist_percentile(&h1, 50), 50000);
    check_close(hist_percentile(&h1, 75), 75000);
    /* Merging an empty histogram changes nothing. */
    hist_init(&h2);
    hist_merge(&h1, &h2);
    CHECK_EQ(h1.count, 1000);
    CHECK_EQ(h1.min, 100);
}

static void test_empty_and_saturation(void)
{
    hist_init(&h1);
    CHECK_EQ(hist_percentile(&h1, 99), 0);
    CHECK(hist_mean(&h1) == 0.0);
    hist_record_n(&h1, UINT64_MAX, 3);
    CHECK_EQ(h1.sum, UINT64_MAX);
    CHECK_EQ(hist_percentile(&h1, 50), UINT64_MAX);
    hist_record_n(&h1, 7, 0); /* zero occurrences: no effect */
    CHECK_EQ(h1.count, 3);
    CHECK_EQ(h1.min, UINT64_MAX);
}

int main(void)
{
    TEST_RUN(test_small_values_exact);
    TEST_RUN(test_buckets_contiguous);
    TEST_RUN(test_percentiles_uniform);
    TEST_RUN(test_tail_is_seen);
    TEST_RUN(test_merge);
    TEST_RUN(test_empty_and_saturation);
    return TEST_DONE();
}
