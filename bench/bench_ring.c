/* bench_ring: lookup time, balance and movement of the ring modes at 10 and 1,000 servers,
 * beside the real libmemcached at 10 servers (loaded with dlopen when libmemcached.so.11 is
 * installed; it asserts on more than 100 ketama servers).
 * Measures and prints; never asserts. Figures go to docs/ring.md.
 *
 *   bench_ring [--keys N] [--reps R] [--short]
 *
 * Lookup time: R timed passes over N synthetic keys "key:<i>" per (mode, size), median.
 * Balance and movement come from rc_ring_measure (skipped for O(n) rendezvous at 1,000 servers,
 * where one figure would take minutes). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ringcache/ring.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct keys {
    char *bytes;
    size_t *off, n;
};

static int keys_make(struct keys *k, size_t n)
{
    k->bytes = malloc(n * 24);
    k->off = malloc((n + 1) * sizeof(*k->off));
    k->n = n;
    if (!k->bytes || !k->off)
        return -1;
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        k->off[i] = pos;
        pos += (size_t)snprintf(k->bytes + pos, 24, "key:%zu", i);
    }
    k->off[n] = pos;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median over reps of the mean ns per call of fn(ctx, key, len) over all keys. */
static double time_median(uint32_t (*fn)(const void *, const void *, size_t), const void *ctx,
                          const struct keys *k, int reps)
{
    double ns[64];
    volatile uint32_t sink = 0;
    reps = reps > 64 ? 64 : reps;
    for (int r = 0; r < reps; r++) {
        uint64_t t0 = now_ns();
        for (size_t i = 0; i < k->n; i++)
            sink += fn(ctx, k->bytes + k->off[i], k->off[i + 1] - k->off[i]);
        ns[r] = (double)(now_ns() - t0) / (double)k->n;
    }
    (void)sink;
    qsort(ns, (size_t)reps, sizeof(ns[0]), cmp_double);
    return ns[reps / 2];
}

static uint32_t ring_fn(const void *ctx, const void *key, size_t len)
{
    return rc_ring_lookup(ctx, key, len);
}

/* The real libmemcached: CONSISTENT_KETAMA with MD5 keys ("libmemcached/ketama-md5"). */
struct libmc {
    void *dl, *mc;
    const void *(*by_key)(void *, const char *, size_t, int *);
};

static uint32_t libmc_fn(const void *ctx, const void *key, size_t len)
{
    const struct libmc *l = ctx;
    int rc;
    return (uint32_t)(uintptr_t)l->by_key(l->mc, key, len, &rc);
}

static int libmc_open(struct libmc *l, size_t nservers)
{
    l->dl = dlopen("libmemcached.so.11", RTLD_NOW);
    if (!l->dl)
        return -1;
    void *(*create)(void *) = (void *(*)(void *))dlsym(l->dl, "memcached_create");
    int (*dist)(void *, int) =
        (int (*)(void *, int))dlsym(l->dl, "memcached_behavior_set_distribution");
    int (*khash)(void *, int) =
        (int (*)(void *, int))dlsym(l->dl, "memcached_behavior_set_key_hash");
    int (*add)(void *, const char *, unsigned) =
        (int (*)(void *, const char *, unsigned))dlsym(l->dl, "memcached_server_add");
    l->by_key = (const void *(*)(void *, const char *, size_t, int *))dlsym(
        l->dl, "memcached_server_by_key");
    if (!create || !dist || !khash || !add || !l->by_key)
        return -1;
    l->mc = create(NULL);
    dist(l->mc, 2);  /* MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA */
    khash(l->mc, 1); /* MEMCACHED_HASH_MD5 */
    char host[32];
    for (size_t i = 0; i < nservers; i++) {
        snprintf(host, sizeof(host), "10.%zu.%zu.%zu", i / 65536, i / 256 % 256, i % 256 + 1);
        add(l->mc, host, 11211);
    }
    return 0;
}

static char *server_list(size_t n)
{
    char *s = malloc(n * 32 + 1), *p = s;
    for (size_t i = 0; s && i < n; i++)
        p += sprintf(p, "%s10.%zu.%zu.%zu:11211", i ? "," : "", i / 65536, i / 256 % 256,
                     i % 256 + 1);
    return s;
}

static void bench_mode(const char *mode, size_t n, const char *list, const struct keys *k, int reps,
                       size_t stat_keys)
{
    struct rc_ring *r = NULL;
    uint64_t t0 = now_ns();
    if (rc_ring_create_spec(&r, mode, list) != 0) {
        printf("%-34s %5zu  (cannot build)\n", mode, n);
        return;
    }
    double build_ms = (double)(now_ns() - t0) / 1e6;
    double ns = time_median(ring_fn, r, k, reps);
    printf("%-34s %5zu %9.1f %9.1f", mode, n, ns, build_ms);
    int slow = strncmp(mode, "pymemcache/", 11) == 0 && n > 100;
    struct rc_ring_stats st;
    if (!slow) {
        struct rc_ring_node *nodes = calloc(n, sizeof(*nodes));
        for (size_t i = 0; nodes && i < n; i++)
            nodes[i] = (struct rc_ring_node){rc_ring_node_name(r, i), 1, NULL};
        if (nodes && rc_ring_measure(mode, nodes, n, stat_keys, &st) == 0)
            printf(" %7.4f %8.3f %8.3f %8.3f", st.cv, st.max_over_mean,
                   st.move_add / st.move_add_ideal, st.move_remove / st.move_remove_ideal);
        free(nodes);
    }
    printf("\n");
    rc_ring_destroy(&r);
}

static void print_commit(void)
{
    char line[64] = "unknown";
    FILE *p = popen("git -C " RC_SOURCE_DIR " rev-parse --short HEAD 2>/dev/null", "r");
    if (p) {
        if (!fgets(line, sizeof(line), p))
            strcpy(line, "unknown");
        pclose(p);
    }
    line[strcspn(line, "\n")] = '\0';
    printf("bench_ring commit %s\n", line);
}

int main(int argc, char **argv)
{
    size_t nkeys = 200000, stat_keys = 200000;
    int reps = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc)
            nkeys = stat_keys = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--short") == 0)
            nkeys = stat_keys = 20000, reps = 3;
    }
    if (nkeys == 0 || reps < 1)
        return 2;
    static const char *modes[] = {"native/hrw-xxh3",
                                  "libmemcached/ketama-md5",
                                  "libmemcached/ketama-weighted-md5",
                                  "twemproxy/ketama-fnv1a_64",
                                  "seed/md5-ring-r3",
                                  "pymemcache/rendezvous-murmur3",
                                  "python-memcached/crc32-modula"};
    static const size_t sizes[] = {10, 1000};
    struct keys k;
    if (keys_make(&k, nkeys) != 0)
        return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    print_commit();
    printf("keys %zu, lookup = median of %d passes; move = moved / ideal share\n", nkeys, reps);
    printf("%-34s %5s %9s %9s %7s %8s %8s %8s\n", "mode", "nodes", "ns/key", "build_ms", "cv",
           "max/mean", "move+", "move-");
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        char *list = server_list(sizes[s]);
        for (size_t m = 0; list && m < sizeof(modes) / sizeof(modes[0]); m++)
            bench_mode(modes[m], sizes[s], list, &k, reps, stat_keys);
        struct libmc l = {0};
        /* libmemcached 1.1 asserts servers * 100 <= its continuum size (10,000 points): at
         * most 100 servers in ketama mode, so it is only measured at 10. */
        if (sizes[s] > 100)
            printf("real libmemcached: refuses more than 100 ketama servers\n");
        else if (libmc_open(&l, sizes[s]) == 0)
            printf("%-34s %5zu %9.1f\n", "real libmemcached 1.x ketama-md5", sizes[s],
                   time_median(libmc_fn, &l, &k, reps));
        else
            printf("real libmemcached: not available\n");
        free(list);
    }
    return 0;
}
