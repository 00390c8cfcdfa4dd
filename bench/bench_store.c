/* bench_store: in-process throughput of the store and how many items fit in a memory limit.
 *
 *   bench_store [seconds-per-run (default 1)] [repeats (default 3)]
 *
 * 1. Capacity: fills a -m 64 store with 32-byte keys and 100-byte values, then with values
 *    uniform in 50..2000 bytes, and prints items held and overhead bytes per item
 *    (64 MiB / items - key - value).
 * 2. Throughput: a -m 256 store preloaded with 1M keys (32-byte keys, 100-byte values); get and
 *    set loops over Zipf(0.99)-distributed keys at 1 and 2 threads, and get-hot: gets of 64 hot
 *    keys only (every read lands on a few buckets, which is where bucket locks used to bounce);
 *    each run is repeated and the median is printed with the 2-thread/1-thread ratio. Measures,
 *    never asserts.
 *
 *   bench_store replay FILE COLD WARM MEASURE [MB (default 16)]
 *
 * replays a key stream written by `bench/storage_compare.py --dump DIR` against a store
 * configured as ringcached's default (-m MB, -t 4, -I 1m) exactly as the script drives the
 * server (batches of 50: the distinct keys are read, then the misses are set, 100-byte values),
 * and prints the cold hit ratio (first COLD requests) and the steady-state one (MEASURE requests
 * after WARM). Same keys, same hashes: it reproduces the protocol figures in a few seconds, which
 * is how policy changes are tried before the protocol run confirms them. */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "store.h"

#define NKEYS 1000000

static struct rc_clock clk;
static uint32_t *zipf_keys; /* precomputed key indices */
static size_t nzipf = 1 << 22;

static uint64_t xs(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void key_of(char *k, uint32_t i)
{
    snprintf(k, 33, "bench:key:%022u", i); /* exactly 32 bytes */
}

static struct store *mk(size_t mem, unsigned nworkers)
{
    struct store_config c = {
        .mem_limit = mem, .item_size_max = 1 << 20, .nworkers = nworkers, .clock = &clk};
    struct store *s = NULL;
    if (store_create(&s, &c) != 0) {
        fprintf(stderr, "store_create failed\n");
        exit(1);
    }
    return s;
}

static void capacity(const char *name, size_t vmin, size_t vmax)
{
    struct store *s = mk(64u << 20, 1);
    static char val[2048];
    memset(val, 'v', sizeof(val));
    char key[40];
    uint64_t seed = 42, stored_bytes = 0;
    struct store_stats st;
    for (uint32_t i = 0; i < 4000000; i++) {
        key_of(key, i);
        size_t vlen = vmin + (vmax > vmin ? xs(&seed) % (vmax - vmin + 1) : 0);
        struct store_set_args a = {
            .mode = STORE_SET, .key = key, .klen = 32, .value = val, .vlen = vlen};
        store_set(s, 0, &a, NULL);
        if (i % 1024 == 0) {
            store_get_stats(s, &st);
            if (st.evictions > 0)
                break;
        }
    }
    /* items held = items still retrievable; payload from their real sizes */
    store_get_stats(s, &st);
    uint64_t held = 0;
    seed = 42;
    for (uint32_t i = 0; i < 4000000; i++) {
        key_of(key, i);
        size_t vlen = vmin + (vmax > vmin ? xs(&seed) % (vmax - vmin + 1) : 0);
        struct store_ref r;
        struct store_get_opts o = {.no_bump = true};
        if (store_get(s, 0, key, 32, &o, &r) == STORE_OK) {
            held++;
            stored_bytes += 32 + vlen;
            store_unref(s, &r);
        }
        if (i > held + 2000000)
            break;
    }
    double over = held ? ((double)(64u << 20) - (double)stored_bytes) / (double)held : 0;
    printf("capacity %-16s items_held=%llu overhead_bytes_per_item=%.1f index_bytes=%llu\n", name,
           (unsigned long long)held, over, (unsigned long long)st.index_bytes);
    store_destroy(&s);
}

enum mode { M_GET, M_SET, M_GET_HOT };
static const char *const mode_name[] = {"get", "set", "get-hot"};

struct run {
    struct store *s;
    unsigned tid;
    enum mode write;
    double secs;
    uint64_t ops;
};

static void *runner(void *arg)
{
    struct run *r = arg;
    char key[40], val[100];
    memset(val, 'w', sizeof(val));
    uint64_t seed = 0x1234567ull * (r->tid + 1), ops = 0;
    int64_t end = clock_mono_ns() + (int64_t)(r->secs * 1e9);
    while (clock_mono_ns() < end) {
        for (int i = 0; i < 1024; i++) {
            uint64_t x = xs(&seed);
            key_of(key,
                   r->write == M_GET_HOT ? (uint32_t)(x & 63) * 15013 : zipf_keys[x & (nzipf - 1)]);
            if (r->write == M_SET) {
                struct store_set_args a = {
                    .mode = STORE_SET, .key = key, .klen = 32, .value = val, .vlen = 100};
                store_set(r->s, r->tid, &a, NULL);
            } else {
                struct store_ref ref;
                if (store_get(r->s, r->tid, key, 32, NULL, &ref) == STORE_OK)
                    store_unref(r->s, &ref);
            }
        }
        ops += 1024;
    }
    r->ops = ops;
    return NULL;
}

static double run_once(struct store *s, unsigned threads, enum mode write, double secs)
{
    pthread_t th[8];
    struct run rs[8];
    for (unsigned t = 0; t < threads; t++) {
        rs[t] = (struct run){.s = s, .tid = t, .write = write, .secs = secs};
        pthread_create(&th[t], NULL, runner, &rs[t]);
    }
    uint64_t total = 0;
    for (unsigned t = 0; t < threads; t++) {
        pthread_join(th[t], NULL);
        total += rs[t].ops;
    }
    return (double)total / secs / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void make_zipf(double alpha)
{
    double *cdf = malloc(NKEYS * sizeof(double)), sum = 0;
    for (uint32_t i = 0; i < NKEYS; i++)
        sum += 1.0 / pow(i + 1, alpha);
    double acc = 0;
    for (uint32_t i = 0; i < NKEYS; i++) {
        acc += 1.0 / pow(i + 1, alpha) / sum;
        cdf[i] = acc;
    }
    zipf_keys = malloc(nzipf * sizeof(*zipf_keys));
    uint64_t seed = 7;
    for (size_t j = 0; j < nzipf; j++) {
        double u = (double)(xs(&seed) >> 11) / 9007199254740992.0;
        size_t lo = 0, hi = NKEYS - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cdf[mid] < u)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* scatter ranks over the key space so hot keys do not share buckets */
        zipf_keys[j] = (uint32_t)((lo * 2654435761u) % NKEYS);
    }
    free(cdf);
}

/* One batch of the get-then-set-on-miss cache; returns the hits. */
static size_t replay_batch(struct store *s, const int32_t *ids, size_t n)
{
    char keys[50][40];
    bool hit[50], seen[50];
    size_t hits = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t id = ids[i];
        char pre[32];
        int l = snprintf(pre, sizeof(pre), "%s:%d", id < 0 ? "scan" : "w", id < 0 ? -id : id);
        memset(keys[i], 'x', 32);
        memcpy(keys[i], pre, (size_t)l);
        keys[i][32] = 0;
        seen[i] = false;
        for (size_t j = 0; j < i && !seen[i]; j++)
            seen[i] = memcmp(keys[i], keys[j], 32) == 0; /* the script reads each key once */
        struct store_ref r;
        hit[i] = !seen[i] && store_get(s, 0, keys[i], 32, NULL, &r) == STORE_OK;
        if (hit[i])
            store_unref(s, &r);
    }
    static const char val[100] = {0};
    for (size_t i = 0; i < n; i++) {
        bool first_of_key = !seen[i];
        bool got = hit[i];
        for (size_t j = 0; j < i && !got; j++)
            if (memcmp(keys[i], keys[j], 32) == 0)
                got = true; /* a repeat inside the batch counts as a hit */
        hits += got;
        if (first_of_key && !got) {
            struct store_set_args a = {
                .mode = STORE_SET, .key = keys[i], .klen = 32, .value = val, .vlen = 100};
            store_set(s, 0, &a, NULL);
        }
    }
    return hits;
}

static double replay_span(struct store *s, const int32_t *ids, size_t from, size_t to)
{
    size_t hits = 0;
    for (size_t i = from; i < to; i += 50)
        hits += replay_batch(s, ids + i, to - i < 50 ? to - i : 50);
    return to > from ? (double)hits / (double)(to - from) : 0.0;
}

static int replay(int argc, char **argv)
{
    if (argc < 6)
        return fprintf(stderr, "usage: bench_store replay FILE COLD WARM MEASURE [MB]\n"), 2;
    size_t cold = strtoul(argv[3], NULL, 10), warm = strtoul(argv[4], NULL, 10);
    size_t meas = strtoul(argv[5], NULL, 10), mb = argc > 6 ? strtoul(argv[6], NULL, 10) : 16;
    FILE *f = fopen(argv[2], "rb");
    int32_t *ids = malloc((warm + meas) * sizeof(*ids));
    if (!f || !ids || fread(ids, sizeof(*ids), warm + meas, f) != warm + meas || cold > warm)
        return fprintf(stderr, "cannot read %zu ids from %s\n", warm + meas, argv[2]), 2;
    fclose(f);
    clock_init(&clk);
    struct store_config c = {
        .mem_limit = mb << 20, .item_size_max = 1 << 20, .nworkers = 4, .clock = &clk};
    struct store *s = NULL;
    if (store_create(&s, &c) != 0)
        return fprintf(stderr, "store_create failed\n"), 2;
    double hc = replay_span(s, ids, 0, cold);
    replay_span(s, ids, cold, warm);
    struct store_stats a, b;
    store_get_stats(s, &a);
    double hs = replay_span(s, ids, warm, warm + meas);
    store_get_stats(s, &b);
    printf("%s cold=%.4f steady=%.4f items=%" PRIu64 " turnovers: warm-up %.1f, window %.1f\n",
           argv[2], hc, hs, b.curr_items, (double)a.evictions / (double)a.curr_items,
           (double)(b.evictions - a.evictions) / (double)b.curr_items);
    store_destroy(&s);
    free(ids);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "replay") == 0)
        return replay(argc, argv);
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    if (reps < 1 || reps > 15)
        reps = 3;
    clock_init(&clk);
    FILE *g = popen("git -C " SOURCE_DIR " rev-parse --short HEAD 2>/dev/null", "r");
    char commit[64] = "unknown";
    if (g) {
        if (fgets(commit, sizeof(commit), g))
            commit[strcspn(commit, "\n")] = 0;
        pclose(g);
    }
    printf("bench_store commit=%s seconds=%.2f repeats=%d\n", commit, secs, reps);
    capacity("fixed-100", 100, 100);
    capacity("mixed-50-2000", 50, 2000);
    if (secs <= 0)
        return 0;
    make_zipf(0.99);
    struct store *s = mk(256u << 20, 2);
    char key[40], val[100];
    memset(val, 'p', sizeof(val));
    for (uint32_t i = 0; i < NKEYS; i++) {
        key_of(key, i);
        struct store_set_args a = {
            .mode = STORE_SET, .key = key, .klen = 32, .value = val, .vlen = 100};
        store_set(s, 0, &a, NULL);
    }
    for (enum mode write = M_GET; write <= M_GET_HOT; write++) {
        double med[2];
        for (unsigned th = 1; th <= 2; th++) {
            double v[15];
            for (int r = 0; r < reps; r++)
                v[r] = run_once(s, th, write, secs);
            qsort(v, (size_t)reps, sizeof(double), cmp_d);
            med[th - 1] = v[reps / 2];
            printf("%s threads=%u median_mops=%.2f\n", mode_name[write], th, med[th - 1]);
        }
        printf("%s scaling_2_over_1=%.2f\n", mode_name[write], med[1] / med[0]);
    }
    store_destroy(&s);
    free(zipf_keys);
    return 0;
}
