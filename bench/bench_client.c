/* bench_client: libringcache against three local nodes: single-key set/get rate, and a 100-key
 * get_multi against the same 100 keys fetched one by one (the gain of grouping keys by server and
 * gathering replies in parallel). Runs against three memcached nodes and, when built, three
 * ringcached nodes, and prints the ratio. Each figure is the median of 5 short passes.
 *   usage: bench_client [ringcached-binary]    (default: next to this binary, or $RINGCACHED) */
#include <stdlib.h>

#include "ringcache/client.h"
#include "test_client_nodes.h"

#define PASSES 5
#define NKEYS  100

struct figures {
    double set_ops, get_ops, multi_keys, seq_keys;
};

static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

static char keybuf[NKEYS][16];
static const char *keys[NKEYS];
static size_t lens[NKEYS];

/* Runs fn-like loops for ~0.2 s and returns operations (or keys) per second. */
static double rate_single(struct rc_client *c, int get)
{
    int64_t t0 = clock_mono_ns(), end = t0 + 200000000;
    long n = 0;
    char buf[64];
    while (clock_mono_ns() < end) {
        for (int i = 0; i < NKEYS; i++, n++) {
            if (get) {
                struct rc_value v = {.data = buf, .cap = sizeof(buf)};
                rc_get(c, keys[i], lens[i], &v);
            } else {
                rc_set(c, keys[i], lens[i], "0123456789abcdef0123456789abcdef", 32, 0, 0);
            }
        }
    }
    return (double)n * 1e9 / (double)(clock_mono_ns() - t0);
}

static double rate_multi(struct rc_client *c)
{
    static struct rc_value vals[NKEYS];
    static char bufs[NKEYS][64];
    int st[NKEYS];
    int64_t t0 = clock_mono_ns(), end = t0 + 200000000;
    long n = 0;
    while (clock_mono_ns() < end) {
        for (int i = 0; i < NKEYS; i++)
            vals[i] = (struct rc_value){.data = bufs[i], .cap = sizeof(bufs[i])};
        rc_get_multi(c, NKEYS, keys, lens, vals, st, 0);
        n += NKEYS;
    }
    return (double)n * 1e9 / (double)(clock_mono_ns() - t0);
}

static int measure(const char *bin, struct figures *f)
{
    struct tnode nodes[3];
    char list[128];
    size_t off = 0;
    for (int i = 0; i < 3; i++) {
        if (tnode_start(&nodes[i], bin) != 0)
            return -1;
        off += (size_t)snprintf(list + off, sizeof(list) - off, "%s127.0.0.1:%d", i ? "," : "",
                                nodes[i].port);
    }
    struct rc_client *c = NULL;
    if (rc_client_create(&c, list, NULL) != RC_OK)
        return -1;
    double s[PASSES], g[PASSES], m[PASSES], q[PASSES];
    for (int p = 0; p < PASSES; p++) {
        s[p] = rate_single(c, 0);
        g[p] = rate_single(c, 1);
        m[p] = rate_multi(c);
        q[p] = g[p];
    }
    f->set_ops = median(s, PASSES);
    f->get_ops = median(g, PASSES);
    f->multi_keys = median(m, PASSES);
    f->seq_keys = median(q, PASSES);
    rc_client_destroy(&c);
    for (int i = 0; i < 3; i++)
        tnode_stop(&nodes[i]);
    return 0;
}

static void print(const char *name, const struct figures *f)
{
    printf("%-11s set %8.0f ops/s  get %8.0f ops/s  get_multi(100) %9.0f keys/s  "
           "(%.1fx one-by-one)\n",
           name, f->set_ops, f->get_ops, f->multi_keys, f->multi_keys / f->seq_keys);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < NKEYS; i++) {
        lens[i] = (size_t)snprintf(keybuf[i], sizeof(keybuf[i]), "bench:%d", i);
        keys[i] = keybuf[i];
    }
    const char *commit = getenv("RC_COMMIT");
    printf("bench_client: 3 local nodes, 32-byte values, median of %d passes, commit %s\n", PASSES,
           commit ? commit : "(set RC_COMMIT)");
    struct figures mc, rcd;
    if (measure("/usr/bin/memcached", &mc) != 0) {
        fprintf(stderr, "bench_client: cannot start memcached\n");
        return 1;
    }
    print("memcached", &mc);
    const char *bin = argc > 1 ? argv[1] : tnode_ringcached(argv[0]);
    if (bin == NULL) {
        bin = getenv("RINGCACHED");
    }
    if (bin && measure(bin, &rcd) == 0) {
        print("ringcached", &rcd);
        printf("ratio ringcached/memcached: set %.2f  get %.2f  get_multi %.2f\n",
               rcd.set_ops / mc.set_ops, rcd.get_ops / mc.get_ops, rcd.multi_keys / mc.multi_keys);
    }
    return 0;
}
