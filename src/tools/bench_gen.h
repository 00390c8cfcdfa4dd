/* bench_gen: what the load generator asks for next. A seeded random generator (xoshiro256**),
 * a Zipf sampler (rejection-inversion, O(1) per draw, no table), and the workload mix: get:set
 * ratio, key count and distribution, value size range, multi-get width.
 *
 * Everything is plain memory owned by the caller; nothing allocates; one generator per thread.
 * Keys are ids 0..nkeys-1; with Zipf, id 0 is the most popular. Sequences are reproducible for a
 * given seed. */
#ifndef RC_BENCH_GEN_H
#define RC_BENCH_GEN_H

#include <stdint.h>

#define BENCH_GEN_MGET_MAX 256 /* widest multi-get */

struct bench_gen_rng {
    uint64_t s[4];
};

/* Seeds the generator (any seed, 0 included, gives a valid state). */
void bench_gen_rng_seed(struct bench_gen_rng *r, uint64_t seed);
uint64_t bench_gen_rng_next(struct bench_gen_rng *r);
/* Uniform in [0, 1). */
double bench_gen_rng_double(struct bench_gen_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t bench_gen_rng_below(struct bench_gen_rng *r, uint64_t n);

struct bench_gen_zipf {
    uint64_t n;
    double s;        /* exponent (alpha) */
    double h_x1;     /* H(1.5) - 1 */
    double h_n;      /* H(n + 0.5) */
    double s_thresh; /* acceptance shortcut */
};

/* Prepares a Zipf draw over ranks 1..n with P(k) proportional to k^-alpha. Returns 0, or
 * RC_ERR_INVAL for n == 0 or alpha outside (0, 10]. */
int bench_gen_zipf_init(struct bench_gen_zipf *z, uint64_t n, double alpha);
/* A rank in 1..n. */
uint64_t bench_gen_zipf_next(const struct bench_gen_zipf *z, struct bench_gen_rng *r);

enum bench_gen_op_type { BENCH_GEN_GET, BENCH_GEN_SET };

struct bench_gen_cfg {
    uint64_t nkeys;      /* > 0 */
    double zipf;         /* 0: uniform; otherwise the Zipf exponent */
    unsigned get_weight; /* get:set ratio as weights; both 0 is invalid */
    unsigned set_weight;
    uint32_t vmin, vmax; /* value size range in bytes, vmin <= vmax */
    unsigned mget;       /* keys per get, 1..BENCH_GEN_MGET_MAX */
};

struct bench_gen_op {
    enum bench_gen_op_type type;
    unsigned nkeys; /* 1 for sets; cfg.mget for gets */
    uint32_t vlen;  /* sets: value length */
    uint64_t key[BENCH_GEN_MGET_MAX];
};

struct bench_gen {
    struct bench_gen_cfg cfg;
    struct bench_gen_rng rng;
    struct bench_gen_zipf zipf;
    uint64_t seq; /* next key of a sequential fill */
};

/* Checks cfg and prepares g. Returns 0 or RC_ERR_INVAL. */
int bench_gen_init(struct bench_gen *g, const struct bench_gen_cfg *cfg, uint64_t seed);
/* One key id drawn from the configured distribution. */
uint64_t bench_gen_key(struct bench_gen *g);
/* A value length drawn uniformly from [vmin, vmax]. */
uint32_t bench_gen_vlen(struct bench_gen *g);
/* The next operation of the mix. */
void bench_gen_next(struct bench_gen *g, struct bench_gen_op *op);
/* The next set of a sequential fill of every key (preload); returns 0 once all keys were given. */
int bench_gen_fill(struct bench_gen *g, struct bench_gen_op *op);

/* Parses "G:S" (e.g. "9:1", "90:10") into weights; returns 0 or RC_ERR_INVAL. */
int bench_gen_parse_ratio(const char *s, unsigned *get_weight, unsigned *set_weight);
/* Parses "N" or "MIN-MAX" (bytes, optional k/K suffix for KiB) into a range; 0 or RC_ERR_INVAL. */
int bench_gen_parse_range(const char *s, uint32_t *min, uint32_t *max);

#endif
