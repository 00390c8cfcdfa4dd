/* Unit tests for bench_gen: reproducible random streams, uniform and Zipf distributions checked
 * against their exact probabilities, the get:set mix, value sizes, the sequential fill, and the
 * option parsers. Sample counts are fixed and the seeds too, so a run is deterministic. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "bench_gen.h"
#include "ringcache/status.h"
#include "test.h"

static void test_rng_reproducible(void)
{
    struct bench_gen_rng a, b;
    bench_gen_rng_seed(&a, 42);
    bench_gen_rng_seed(&b, 42);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= bench_gen_rng_next(&a) == bench_gen_rng_next(&b);
    CHECK(same);
    bench_gen_rng_seed(&b, 43);
    CHECK(bench_gen_rng_next(&a) != bench_gen_rng_next(&b));
    bench_gen_rng_seed(&a, 0); /* seed 0 must not give the all-zero state */
    CHECK(bench_gen_rng_next(&a) != 0 || bench_gen_rng_next(&a) != 0);
}

static void test_below_uniform(void)
{
    struct bench_gen_rng r;
    bench_gen_rng_seed(&r, 7);
    unsigned count[10] = {0};
    int in_range = 1;
    for (int i = 0; i < 100000; i++) {
        uint64_t v = bench_gen_rng_below(&r, 10);
        in_range &= v < 10;
        if (v < 10)
            count[v]++;
    }
    CHECK(in_range);
    for (int i = 0; i < 10; i++)
        CHECK(count[i] > 9500 && count[i] < 10500);
    for (int i = 0; i < 1000; i++) {
        double d = bench_gen_rng_double(&r);
        CHECK(d >= 0.0 && d < 1.0);
    }
}

/* Draws `samples` ranks and returns the total variation distance to the exact Zipf law; also
 * checks that every rank is in 1..n. */
static double zipf_distance(uint64_t n, double alpha, int samples)
{
    struct bench_gen_zipf z;
    struct bench_gen_rng r;
    CHECK_EQ(bench_gen_zipf_init(&z, n, alpha), 0);
    bench_gen_rng_seed(&r, 1234);
    unsigned *count = calloc(n + 1, sizeof(*count));
    for (int i = 0; i < samples; i++) {
        uint64_t k = bench_gen_zipf_next(&z, &r);
        CHECK(k >= 1 && k <= n);
        if (k >= 1 && k <= n)
            count[k]++;
    }
    double norm = 0;
    for (uint64_t k = 1; k <= n; k++)
        norm += pow((double)k, -alpha);
    double tv = 0;
    for (uint64_t k = 1; k <= n; k++)
        tv += fabs((double)count[k] / samples - pow((double)k, -alpha) / norm);
    free(count);
    return tv / 2;
}

static void test_zipf_matches_law(void)
{
    const double alphas[] = {0.5, 0.9, 0.99, 1.0, 1.0 + 1e-12, 1.2, 2.0};
    for (size_t i = 0; i < sizeof(alphas) / sizeof(alphas[0]); i++) {
        double tv = zipf_distance(100, alphas[i], 400000);
        if (tv > 0.01)
            fprintf(stderr, "alpha %g: total variation %.4f\n", alphas[i], tv);
        CHECK(tv <= 0.01);
    }
    /* A large key space needs no table and still favours rank 1 by the right amount:
     * P(1)/P(2) = 2^alpha. */
    struct bench_gen_zipf z;
    struct bench_gen_rng r;
    CHECK_EQ(bench_gen_zipf_init(&z, 100000000, 1.0), 0);
    bench_gen_rng_seed(&r, 99);
    unsigned c1 = 0, c2 = 0;
    for (int i = 0; i < 500000; i++) {
        uint64_t k = bench_gen_zipf_next(&z, &r);
        c1 += k == 1;
        c2 += k == 2;
    }
    double ratio = (double)c1 / c2;
    CHECK(ratio > 1.9 && ratio < 2.1);
}

static void test_zipf_rejects_bad(void)
{
    struct bench_gen_zipf z;
    CHECK_EQ(bench_gen_zipf_init(&z, 0, 1.0), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_zipf_init(&z, 10, 0.0), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_zipf_init(&z, 10, -1.0), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_zipf_init(&z, 10, NAN), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_zipf_init(&z, 1, 1.0), 0);
}

static struct bench_gen g;
static struct bench_gen_op op;

static void test_mix_and_sizes(void)
{
    struct bench_gen_cfg cfg = {
        .nkeys = 1000, .get_weight = 9, .set_weight = 1, .vmin = 10, .vmax = 20, .mget = 4};
    CHECK_EQ(bench_gen_init(&g, &cfg, 5), 0);
    unsigned gets = 0, sets = 0, vmin = 1000, vmax = 0;
    int ok = 1;
    for (int i = 0; i < 100000; i++) {
        bench_gen_next(&g, &op);
        if (op.type == BENCH_GEN_GET) {
            gets++;
            ok &= op.nkeys == 4;
        } else {
            sets++;
            ok &= op.nkeys == 1 && op.vlen >= 10 && op.vlen <= 20;
            vmin = op.vlen < vmin ? op.vlen : vmin;
            vmax = op.vlen > vmax ? op.vlen : vmax;
        }
        for (unsigned k = 0; k < op.nkeys; k++)
            ok &= op.key[k] < 1000;
    }
    CHECK(ok);
    CHECK(gets > 89000 && gets < 91000);
    CHECK_EQ(gets + sets, 100000);
    CHECK_EQ(vmin, 10);
    CHECK_EQ(vmax, 20);
}

static void test_fill_every_key_once(void)
{
    struct bench_gen_cfg cfg = {
        .nkeys = 50, .zipf = 1.1, .get_weight = 1, .vmin = 5, .vmax = 5, .mget = 1};
    CHECK_EQ(bench_gen_init(&g, &cfg, 1), 0);
    uint64_t n = 0;
    while (bench_gen_fill(&g, &op)) {
        CHECK_EQ(op.type, BENCH_GEN_SET);
        CHECK_EQ(op.key[0], n);
        CHECK_EQ(op.vlen, 5);
        n++;
        if (n > 100)
            break;
    }
    CHECK_EQ(n, 50);
    cfg.mget = 0;
    CHECK_EQ(bench_gen_init(&g, &cfg, 1), RC_ERR_INVAL);
    cfg.mget = 1;
    cfg.vmin = 6;
    CHECK_EQ(bench_gen_init(&g, &cfg, 1), RC_ERR_INVAL);
}

static void test_parsers(void)
{
    unsigned a, b;
    uint32_t lo, hi;
    CHECK_EQ(bench_gen_parse_ratio("9:1", &a, &b), 0);
    CHECK(a == 9 && b == 1);
    CHECK_EQ(bench_gen_parse_ratio("0:1", &a, &b), 0);
    CHECK(a == 0 && b == 1);
    CHECK_EQ(bench_gen_parse_ratio("0:0", &a, &b), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_parse_ratio("9", &a, &b), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_parse_ratio("9:1x", &a, &b), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_parse_ratio(":1", &a, &b), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_parse_range("100", &lo, &hi), 0);
    CHECK(lo == 100 && hi == 100);
    CHECK_EQ(bench_gen_parse_range("1k", &lo, &hi), 0);
    CHECK(lo == 1024 && hi == 1024);
    CHECK_EQ(bench_gen_parse_range("10-4K", &lo, &hi), 0);
    CHECK(lo == 10 && hi == 4096);
    CHECK_EQ(bench_gen_parse_range("20-10", &lo, &hi), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_parse_range("-5", &lo, &hi), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_parse_range("5-", &lo, &hi), RC_ERR_INVAL);
    CHECK_EQ(bench_gen_parse_range("100m", &lo, &hi), RC_ERR_INVAL);
}

int main(void)
{
    TEST_RUN(test_rng_reproducible);
    TEST_RUN(test_below_uniform);
    TEST_RUN(test_zipf_matches_law);
    TEST_RUN(test_zipf_rejects_bad);
    TEST_RUN(test_mix_and_sizes);
    TEST_RUN(test_fill_every_key_once);
    TEST_RUN(test_parsers);
    return TEST_DONE();
}
