/* bench_gen: the load generator's workload source (contract in bench_gen.h).
 *
 * Random numbers: xoshiro256** seeded through splitmix64, so every seed (0 too) gives a non-zero
 * state. Uniform integers use the multiply-high reduction (bias below 2^-32 for any n we use).
 *
 * Zipf: rejection-inversion sampling (Hoermann and Derflinger, 1996). With h(x) = x^-s and H its
 * antiderivative, a uniform draw between H(n + 1/2) and H(3/2) - 1 is mapped back through H^-1 to
 * a real x, rounded to the rank k, and accepted when it falls under h(k); the acceptance rate is
 * high for every s, so a draw costs a few exp/log calls and no table, whatever n is. H and H^-1
 * are written with expm1/log1p so that s close to 1 (where the textbook formula divides by
 * 1 - s) stays accurate; s == 1 is the limit log/exp.
 *
 * Invariants: cfg was validated by bench_gen_init; key ids are < cfg.nkeys.
 * Concurrency: none, one generator per thread. Ownership: caller's memory, no allocation. */
#include "bench_gen.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ringcache/status.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void bench_gen_rng_seed(struct bench_gen_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t bench_gen_rng_next(struct bench_gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double bench_gen_rng_double(struct bench_gen_rng *r)
{
    return (double)(bench_gen_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t bench_gen_rng_below(struct bench_gen_rng *r, uint64_t n)
{
    unsigned __int128 m = (unsigned __int128)bench_gen_rng_next(r) * n;
    return (uint64_t)(m >> 64);
}

/* expm1(t)/t and log1p(t)/t, continuous at t = 0. */
static double expm1_over(double t)
{
    return fabs(t) > 1e-8 ? expm1(t) / t : 1.0 + t / 2.0;
}

static double log1p_over(double t)
{
    return fabs(t) > 1e-8 ? log1p(t) / t : 1.0 - t / 2.0;
}

static double zipf_h(double s, double x)
{
    return exp(-s * log(x));
}

static double zipf_hint(double s, double x)
{
    double lx = log(x);
    return expm1_over((1.0 - s) * lx) * lx;
}

static double zipf_hint_inv(double s, double y)
{
    double t = (1.0 - s) * y;
    if (t < -1.0)
        t = -1.0; /* rounding at the far end of the range */
    return exp(log1p_over(t) * y);
}

int bench_gen_zipf_init(struct bench_gen_zipf *z, uint64_t n, double alpha)
{
    if (n == 0 || !(alpha > 0.0) || alpha > 10.0)
        return RC_ERR_INVAL;
    z->n = n;
    z->s = alpha;
    z->h_x1 = zipf_hint(alpha, 1.5) - 1.0;
    z->h_n = zipf_hint(alpha, (double)n + 0.5);
    z->s_thresh = 2.0 - zipf_hint_inv(alpha, zipf_hint(alpha, 2.5) - zipf_h(alpha, 2.0));
    return 0;
}

uint64_t bench_gen_zipf_next(const struct bench_gen_zipf *z, struct bench_gen_rng *r)
{
    uint64_t k = 1;
    for (int tries = 0; tries < 1000; tries++) {
        double u = z->h_n + bench_gen_rng_double(r) * (z->h_x1 - z->h_n);
        double x = zipf_hint_inv(z->s, u);
        double kd = floor(x + 0.5);
        k = kd < 1.0 ? 1 : kd > (double)z->n ? z->n : (uint64_t)kd;
        double kr = (double)k;
        if (kr - x <= z->s_thresh || u >= zipf_hint(z->s, kr + 0.5) - zipf_h(z->s, kr))
            return k;
    }
    return k; /* not reached in practice: acceptance is well above 1/2 per try */
}

int bench_gen_init(struct bench_gen *g, const struct bench_gen_cfg *cfg, uint64_t seed)
{
    memset(g, 0, sizeof(*g));
    if (cfg->nkeys == 0 || cfg->get_weight + cfg->set_weight == 0 || cfg->vmin > cfg->vmax ||
        cfg->mget == 0 || cfg->mget > BENCH_GEN_MGET_MAX)
        return RC_ERR_INVAL;
    if (cfg->zipf != 0.0) {
        int rc = bench_gen_zipf_init(&g->zipf, cfg->nkeys, cfg->zipf);
        if (rc != 0)
            return rc;
    }
    g->cfg = *cfg;
    bench_gen_rng_seed(&g->rng, seed);
    return 0;
}

uint64_t bench_gen_key(struct bench_gen *g)
{
    if (g->cfg.zipf != 0.0)
        return bench_gen_zipf_next(&g->zipf, &g->rng) - 1;
    return bench_gen_rng_below(&g->rng, g->cfg.nkeys);
}

uint32_t bench_gen_vlen(struct bench_gen *g)
{
    uint32_t span = g->cfg.vmax - g->cfg.vmin;
    if (span == 0)
        return g->cfg.vmin;
    return g->cfg.vmin + (uint32_t)bench_gen_rng_below(&g->rng, (uint64_t)span + 1);
}

void bench_gen_next(struct bench_gen *g, struct bench_gen_op *op)
{
    unsigned total = g->cfg.get_weight + g->cfg.set_weight;
    if (bench_gen_rng_below(&g->rng, total) < g->cfg.get_weight) {
        op->type = BENCH_GEN_GET;
        op->nkeys = g->cfg.mget;
        op->vlen = 0;
        for (unsigned i = 0; i < op->nkeys; i++)
            op->key[i] = bench_gen_key(g);
    } else {
        op->type = BENCH_GEN_SET;
        op->nkeys = 1;
        op->key[0] = bench_gen_key(g);
        op->vlen = bench_gen_vlen(g);
    }
}

int bench_gen_fill(struct bench_gen *g, struct bench_gen_op *op)
{
    if (g->seq >= g->cfg.nkeys)
        return 0;
    op->type = BENCH_GEN_SET;
    op->nkeys = 1;
    op->key[0] = g->seq++;
    op->vlen = bench_gen_vlen(g);
    return 1;
}

int bench_gen_parse_ratio(const char *s, unsigned *get_weight, unsigned *set_weight)
{
    char *end;
    errno = 0;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != ':' || errno != 0 || a > 1000000)
        return RC_ERR_INVAL;
    const char *p = end + 1;
    unsigned long b = strtoul(p, &end, 10);
    if (end == p || *end != '\0' || errno != 0 || b > 1000000 || a + b == 0)
        return RC_ERR_INVAL;
    *get_weight = (unsigned)a;
    *set_weight = (unsigned)b;
    return 0;
}

/* One size: decimal digits and an optional k/K (KiB) or m/M (MiB) suffix. */
static int parse_size(const char *s, const char **endp, uint32_t *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return RC_ERR_INVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0)
        return RC_ERR_INVAL;
    if (*end == 'k' || *end == 'K') {
        v *= 1024;
        end++;
    } else if (*end == 'm' || *end == 'M') {
        v *= 1024 * 1024;
        end++;
    }
    if (v > 64ull * 1024 * 1024)
        return RC_ERR_INVAL;
    *out = (uint32_t)v;
    *endp = end;
    return 0;
}

int bench_gen_parse_range(const char *s, uint32_t *min, uint32_t *max)
{
    const char *end;
    uint32_t a, b;
    if (parse_size(s, &end, &a) != 0)
        return RC_ERR_INVAL;
    if (*end == '\0') {
        *min = *max = a;
        return 0;
    }
    if (*end != '-' || parse_size(end + 1, &end, &b) != 0 || *end != '\0' || b < a)
        return RC_ERR_INVAL;
    *min = a;
    *max = b;
    return 0;
}
