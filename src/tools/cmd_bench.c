/* cmd_bench: `ringcache bench`, the load generator's command line. It parses the options, builds
 * the workload (bench_gen), the protocol side (bench_conn) and the engine (bench_run), prints a
 * progress line per second and, at the end, per server: ops/s, latency percentiles from the
 * histogram, hit ratio, errors and (with --pid) the server's CPU time per operation.
 *
 * Several servers are compared by default: each gets the same workload in alternating slices.
 * With --cluster they are the shards of one cache instead, and every key goes to the server that
 * libringcache's ring (rc_server_for_key, --mode) names, as a client of that fleet would.
 *
 * Exit status: 0 done and every reply verified, 1 some reply failed verification, 2 usage or run
 * error. The only global is the SIGINT flag (a signal handler needs one). Non-goals: an open-loop
 * (fixed arrival rate) mode; latencies are closed-loop and say so. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_conn.h"
#include "bench_gen.h"
#include "bench_run.h"
#include "ringcache/status.h"
#include "tools.h"
#ifdef RC_BENCH_CLUSTER
#include "ringcache/client.h"
#endif

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

struct opts {
    const char *servers;
    const char *pids;
    const char *mode;
    const char *prefix;
    int cluster, csv, quiet, preload;
    unsigned conns, depth;
    struct bench_gen_cfg gen;
    enum bench_conn_proto proto;
    double time_s, slice_ms, warmup_s;
    uint64_t requests, seed;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ringcache [-s host:port,...] bench [options]\n"
               "  -s, --servers LIST     servers (default $RINGCACHE_SERVERS or 127.0.0.1:11211);\n"
               "                         several are compared in alternating slices\n"
               "      --cluster          the servers are one sharded cache (libringcache's ring)\n"
               "      --mode MODE        ring mode for --cluster (default ketama)\n"
               "      --pid LIST         server PIDs, in server order, for CPU time per op\n"
               "  -c, --connections N    connections per server (default 4)\n"
               "  -d, --depth N          requests in flight per connection (default 1)\n"
               "  -r, --ratio G:S        get:set ratio (default 9:1)\n"
               "  -k, --keys N           key count (default 10000)\n"
               "  -z, --zipf ALPHA       Zipf key popularity (default uniform)\n"
               "  -v, --value N|MIN-MAX  value size in bytes, k suffix for KiB (default 100)\n"
               "  -m, --multiget N       keys per get (default 1)\n"
               "  -t, --time SEC         measured time per server (default 10)\n"
               "  -n, --requests N       requests per server instead of (or with) a time\n"
               "  -P, --protocol P       text or meta (default text)\n"
               "      --slice MS         alternation slice (default 500 with several servers)\n"
               "      --warmup SEC       unmeasured load first (default 0)\n"
               "      --preload          set every key once before measuring\n"
               "      --prefix STR       key prefix (default \"rcb:\")\n"
               "      --seed N           random seed (default 1)\n"
               "      --csv              machine-readable result lines\n"
               "  -q, --quiet            no progress lines\n"
               "Latencies are closed-loop (a request leaves when a reply frees its slot).\n");
}

enum { O_CLUSTER = 256, O_MODE, O_PID, O_SLICE, O_WARMUP, O_PRELOAD, O_PREFIX, O_SEED, O_CSV };

static const struct option longopts[] = {{"servers", required_argument, NULL, 's'},
                                         {"cluster", no_argument, NULL, O_CLUSTER},
                                         {"mode", required_argument, NULL, O_MODE},
                                         {"pid", required_argument, NULL, O_PID},
                                         {"connections", required_argument, NULL, 'c'},
                                         {"depth", required_argument, NULL, 'd'},
                                         {"ratio", required_argument, NULL, 'r'},
                                         {"keys", required_argument, NULL, 'k'},
                                         {"zipf", required_argument, NULL, 'z'},
                                         {"value", required_argument, NULL, 'v'},
                                         {"multiget", required_argument, NULL, 'm'},
                                         {"time", required_argument, NULL, 't'},
                                         {"requests", required_argument, NULL, 'n'},
                                         {"protocol", required_argument, NULL, 'P'},
                                         {"slice", required_argument, NULL, O_SLICE},
                                         {"warmup", required_argument, NULL, O_WARMUP},
                                         {"preload", no_argument, NULL, O_PRELOAD},
                                         {"prefix", required_argument, NULL, O_PREFIX},
                                         {"seed", required_argument, NULL, O_SEED},
                                         {"csv", no_argument, NULL, O_CSV},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};

static int num(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int parse_one(struct opts *o, int ch, const char *arg)
{
    double v = 0;
    switch (ch) {
    case 's':
        o->servers = arg;
        return 0;
    case O_CLUSTER:
        o->cluster = 1;
        return 0;
    case O_MODE:
        o->mode = arg;
        return 0;
    case O_PID:
        o->pids = arg;
        return 0;
    case 'c':
        if (num(arg, 1, 10000, &v))
            return -1;
        o->conns = (unsigned)v;
        return 0;
    case 'd':
        if (num(arg, 1, 65536, &v))
            return -1;
        o->depth = (unsigned)v;
        return 0;
    case 'r':
        return bench_gen_parse_ratio(arg, &o->gen.get_weight, &o->gen.set_weight);
    case 'k':
        if (num(arg, 1, 1e10, &v))
            return -1;
        o->gen.nkeys = (uint64_t)v;
        return 0;
    case 'z':
        if (num(arg, 0, 10, &v))
            return -1;
        o->gen.zipf = v;
        return 0;
    case 'v':
        return bench_gen_parse_range(arg, &o->gen.vmin, &o->gen.vmax);
    case 'm':
        if (num(arg, 1, BENCH_GEN_MGET_MAX, &v))
            return -1;
        o->gen.mget = (unsigned)v;
        return 0;
    case 't':
        return num(arg, 0, 1e6, &o->time_s);
    case 'n':
        if (num(arg, 0, 1e15, &v))
            return -1;
        o->requests = (uint64_t)v;
        return 0;
    case 'P':
        if (strcmp(arg, "text") == 0)
            o->proto = BENCH_CONN_TEXT;
        else if (strcmp(arg, "meta") == 0)
            o->proto = BENCH_CONN_META;
        else
            return -1;
        return 0;
    case O_SLICE:
        return num(arg, 1, 1e7, &o->slice_ms);
    case O_WARMUP:
        return num(arg, 0, 1e5, &o->warmup_s);
    case O_PRELOAD:
        o->preload = 1;
        return 0;
    case O_PREFIX:
        o->prefix = arg;
        return 0;
    case O_SEED:
        if (num(arg, 0, 1e18, &v))
            return -1;
        o->seed = (uint64_t)v;
        return 0;
    case O_CSV:
        o->csv = 1;
        return 0;
    case 'q':
        o->quiet = 1;
        return 0;
    default:
        return -1;
    }
}

/* Returns 0 (run), 1 (help shown) or -1 (usage error, reported). */
static int parse_opts(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    o->servers = getenv("RINGCACHE_SERVERS");
    o->prefix = "rcb:";
    o->conns = 4;
    o->depth = 1;
    o->gen = (struct bench_gen_cfg){
        .nkeys = 10000, .get_weight = 9, .set_weight = 1, .vmin = 100, .vmax = 100, .mget = 1};
    o->time_s = -1;
    o->seed = 1;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "s:c:d:r:k:z:v:m:t:n:P:qh", longopts, NULL)) != -1) {
        if (ch == 'h') {
            usage(stdout);
            return 1;
        }
        if (parse_one(o, ch, optarg) != 0) {
            if (ch != '?')
                fprintf(stderr, "ringcache bench: bad value for option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return -1;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "bench") != 0) {
            fprintf(stderr, "ringcache bench: unexpected argument '%s'\n", argv[i]);
            return -1;
        }
    }
    if (!o->servers || !*o->servers)
        o->servers = "127.0.0.1:11211";
    if (o->time_s < 0)
        o->time_s = o->requests ? 0 : 10;
    if (o->time_s == 0 && o->requests == 0) {
        fprintf(stderr, "ringcache bench: give a time (-t) or a request count (-n)\n");
        return -1;
    }
    return 0;
}

struct progress {
    const struct opts *o;
    uint64_t ops[BENCH_RUN_TARGETS_MAX];
    int64_t active[BENCH_RUN_TARGETS_MAX];
};

static void print_progress(void *arg, const struct bench_run *r, double elapsed)
{
    struct progress *p = arg;
    unsigned n = bench_run_ntargets(r);
    fprintf(stderr, "[%5.1fs]", elapsed);
    for (unsigned i = 0; i < n; i++) {
        const struct bench_run_target *t = bench_run_target(r, i);
        uint64_t dops = t->stats.ops - p->ops[i];
        int64_t dt = t->active_ns - p->active[i];
        if (dt <= 0) {
            fprintf(stderr, "%s %s idle", i ? " |" : "", t->name);
            continue;
        }
        double rate = (double)dops * 1e9 / (double)dt;
        fprintf(stderr, "%s %s %.0f ops/s p99 %.0fus err %llu", i ? " |" : "", t->name, rate,
                (double)hist_percentile(&t->stats.lat, 99) / 1e3,
                (unsigned long long)(t->stats.errors + t->stats.corrupt));
        p->ops[i] = t->stats.ops;
        p->active[i] = t->active_ns;
    }
    fputc('\n', stderr);
}

static void print_result(const struct opts *o, const char *name, const struct bench_run_target *t,
                         long ticks_per_s, int header)
{
    const struct bench_conn_stats *s = &t->stats;
    double secs = (double)t->active_ns / 1e9;
    double ops = secs > 0 ? (double)s->ops / secs : 0;
    double keys = secs > 0 ? (double)(s->keys + s->sets) / secs : 0;
    double hit = s->keys ? 100.0 * (double)s->hits / (double)s->keys : 0;
    double cpu =
        t->pid && s->ops ? (double)t->cpu_ticks * 1e9 / (double)ticks_per_s / (double)s->ops : NAN;
    double us[4] = {(double)hist_percentile(&s->lat, 50) / 1e3,
                    (double)hist_percentile(&s->lat, 99) / 1e3,
                    (double)hist_percentile(&s->lat, 99.9) / 1e3, (double)s->lat.max / 1e3};
    if (o->csv) {
        if (header)
            printf("server,ops_per_s,keys_per_s,p50_us,p99_us,p999_us,max_us,hit_pct,errors,"
                   "corrupt,cpu_ns_per_op,ops,seconds,slices\n");
        printf("%s,%.0f,%.0f,%.1f,%.1f,%.1f,%.1f,%.2f,%llu,%llu,%.0f,%llu,%.3f,%u\n", name, ops,
               keys, us[0], us[1], us[2], us[3], hit, (unsigned long long)s->errors,
               (unsigned long long)s->corrupt, cpu, (unsigned long long)s->ops, secs, t->slices);
        return;
    }
    if (header)
        printf("%-24s %10s %10s %8s %8s %8s %8s %6s %7s %10s\n", "server", "ops/s", "keys/s",
               "p50 us", "p99 us", "p99.9 us", "max us", "hit %", "errors", "cpu ns/op");
    char cpus[32] = "-";
    if (!isnan(cpu))
        snprintf(cpus, sizeof(cpus), "%.0f", cpu);
    printf("%-24s %10.0f %10.0f %8.1f %8.1f %8.1f %8.0f %6.1f %7llu %10s\n", name, ops, keys, us[0],
           us[1], us[2], us[3], hit, (unsigned long long)(s->errors + s->corrupt), cpus);
    if (s->first_error[0])
        printf("  first problem: %s\n", s->first_error);
}

/* Splits a comma-separated list into at most max NUL-terminated entries inside buf. */
static unsigned split_list(char *buf, char **item, unsigned max)
{
    unsigned n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && n < max;
         tok = strtok_r(NULL, ",", &save))
        item[n++] = tok;
    return n;
}

/* Cluster mode: the owner of every key id by libringcache's ring, and the server names. */
static int build_owner(const struct opts *o, uint8_t **owner, char names[][128], unsigned *n)
{
#ifdef RC_BENCH_CLUSTER
    struct rc_client_options copt;
    rc_client_options_init(&copt);
    copt.mode = o->mode;
    struct rc_client *c = NULL;
    int rc = rc_client_create(&c, o->servers, &copt);
    if (rc != 0) {
        fprintf(stderr, "ringcache bench: servers: %s\n", rc_strerror(rc));
        return rc;
    }
    *n = (unsigned)rc_server_count(c);
    *owner = malloc(o->gen.nkeys);
    if (*n > BENCH_RUN_TARGETS_MAX || !*owner) {
        fprintf(stderr, "ringcache bench: at most %d servers\n", BENCH_RUN_TARGETS_MAX);
        rc_client_destroy(&c);
        return RC_ERR_INVAL;
    }
    for (unsigned i = 0; i < *n; i++)
        snprintf(names[i], 128, "%s", rc_server_name(c, i));
    char key[BENCH_CONN_PREFIX_MAX + 24];
    for (uint64_t k = 0; k < o->gen.nkeys && rc == 0; k++) {
        int len = snprintf(key, sizeof(key), "%s%llu", o->prefix, (unsigned long long)k);
        size_t idx = 0;
        rc = rc_server_for_key(c, key, (size_t)len, &idx, NULL);
        (*owner)[k] = (uint8_t)idx;
    }
    rc_client_destroy(&c);
    return rc;
#else
    (void)o, (void)owner, (void)names, (void)n;
    fprintf(stderr, "ringcache bench: --cluster needs libringcache (not built)\n");
    return RC_ERR_UNSUPPORTED;
#endif
}

static int server_names(const struct opts *o, uint8_t **owner, char names[][128], unsigned *n)
{
    if (o->cluster)
        return build_owner(o, owner, names, n);
    char buf[2048], *item[BENCH_RUN_TARGETS_MAX];
    snprintf(buf, sizeof(buf), "%s", o->servers);
    *n = split_list(buf, item, BENCH_RUN_TARGETS_MAX);
    for (unsigned i = 0; i < *n; i++)
        snprintf(names[i], 128, strchr(item[i], ':') ? "%s" : "%s:11211", item[i]);
    return *n ? 0 : RC_ERR_INVAL;
}

static void print_results(const struct opts *o, const struct bench_run *r)
{
    long tps = sysconf(_SC_CLK_TCK);
    unsigned n = bench_run_ntargets(r);
    for (unsigned i = 0; i < n; i++)
        print_result(o, bench_run_target(r, i)->name, bench_run_target(r, i), tps, i == 0);
    if (o->cluster && n > 1) {
        static struct bench_run_target sum; /* large (histogram): not on the stack */
        memset(&sum, 0, sizeof(sum));
        bench_conn_stats_init(&sum.stats);
        for (unsigned i = 0; i < n; i++) {
            const struct bench_run_target *t = bench_run_target(r, i);
            bench_conn_stats_merge(&sum.stats, &t->stats);
            sum.active_ns = t->active_ns;
            sum.slices = t->slices;
        }
        print_result(o, "cluster", &sum, tps, 0);
    }
}

/* The generator's own CPU use (whole process, preload included), so a reader can tell whether
 * the client rather than the server was the limit. */
static void print_self_cpu(const struct bench_run *r)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return;
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    uint64_t ops = 0;
    int64_t active = 0;
    for (unsigned i = 0; i < bench_run_ntargets(r); i++) {
        ops += bench_run_target(r, i)->stats.ops;
        active += bench_run_target(r, i)->active_ns;
    }
    if (ops && active > 0)
        printf("load generator: %.0f ns CPU per request, %.0f %% of one core while measuring\n",
               cpu * 1e9 / (double)ops, 100.0 * cpu / ((double)active / 1e9));
}

static int run(const struct opts *o, const struct bench_conn_cfg *ccfg)
{
    static char names[BENCH_RUN_TARGETS_MAX][128];
    uint8_t *owner = NULL;
    unsigned n = 0;
    int rc = server_names(o, &owner, names, &n);
    if (rc != 0) {
        free(owner);
        return 2;
    }
    char pbuf[512], *pitem[BENCH_RUN_TARGETS_MAX];
    snprintf(pbuf, sizeof(pbuf), "%s", o->pids ? o->pids : "");
    unsigned npid = split_list(pbuf, pitem, BENCH_RUN_TARGETS_MAX);
    struct progress prog = {.o = o};
    struct bench_run_cfg cfg = {.conns = o->conns,
                                .duration_ns = (int64_t)(o->time_s * 1e9),
                                .requests = o->requests,
                                .slice_ns = (int64_t)(o->slice_ms * 1e6),
                                .warmup_ns = (int64_t)(o->warmup_s * 1e9),
                                .preload = o->preload,
                                .cluster = o->cluster,
                                .owner = owner,
                                .seed = o->seed,
                                .progress = o->quiet ? NULL : print_progress,
                                .progress_arg = &prog,
                                .stop = &interrupted};
    if (cfg.slice_ns == 0 && n > 1 && !o->cluster)
        cfg.slice_ns = 500000000;
    struct bench_run *r = NULL;
    rc = bench_run_create(&r, &cfg, &o->gen, ccfg);
    for (unsigned i = 0; rc == 0 && i < n; i++) {
        int t = bench_run_add_target(r, names[i], i < npid ? atoi(pitem[i]) : 0);
        rc = t < 0 ? t : 0;
    }
    if (rc != 0) {
        fprintf(stderr, "ringcache bench: %s\n", rc_strerror(rc));
        bench_run_destroy(&r);
        free(owner);
        return 2;
    }
    signal(SIGINT, on_sigint);
    rc = bench_run_execute(r);
    signal(SIGINT, SIG_DFL);
    if (rc != 0)
        fprintf(stderr, "ringcache bench: %s\n", bench_run_error(r));
    print_results(o, r);
    if (!o->csv)
        print_self_cpu(r);
    uint64_t corrupt = 0;
    for (unsigned i = 0; i < bench_run_ntargets(r); i++)
        corrupt += bench_run_target(r, i)->stats.corrupt;
    bench_run_destroy(&r);
    free(owner);
    return rc != 0 ? 2 : corrupt ? 1 : 0;
}

int cmd_bench(int argc, char **argv)
{
    struct opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    struct bench_conn_cfg ccfg;
    rc = bench_conn_cfg_init(&ccfg, o.proto, o.prefix, o.gen.vmin, o.gen.vmax, o.depth, o.gen.mget);
    if (rc != 0) {
        fprintf(stderr, "ringcache bench: bad key prefix or sizes: %s\n", rc_strerror(rc));
        return 2;
    }
    rc = run(&o, &ccfg);
    bench_conn_cfg_deinit(&ccfg);
    return rc;
}
