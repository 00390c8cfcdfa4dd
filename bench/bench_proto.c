/* bench_proto: nanoseconds per parsed request for a text get, a text set with a 100-byte value,
 * a 16-key multiget (including walking its keys), a meta mg and a binary GETK; and per composed
 * VALUE header. Each figure is the median of 7 runs of 2M parses; it measures, never asserts.
 * Usage: bench_proto [--short | iterations] (--short: 200k parses). RC_GIT_COMMIT in the
 * environment is printed beside the figures.
 */
#include "buf.h"
#include "proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static volatile uint32_t sink;

static double bench_parse(const char *in, size_t n, long iters)
{
    double t[RUNS];
    struct proto_req r;
    for (int run = 0; run < RUNS; run++) {
        double t0 = now_ns();
        for (long i = 0; i < iters; i++) {
            if (proto_parse(in, n, &r) != PROTO_OK)
                return -1;
            uint32_t pos = 0, acc = r.total_len;
            struct proto_span k;
            if (proto_cmd_bits(r.cmd) & PROTO_F_MULTI)
                while (proto_keys_next(in, &r, &pos, &k))
                    acc += k.len;
            sink += acc;
        }
        t[run] = (now_ns() - t0) / (double)iters;
    }
    qsort(t, RUNS, sizeof(t[0]), cmp_double);
    return t[RUNS / 2];
}

static double bench_compose(long iters)
{
    double t[RUNS];
    struct buf b;
    if (buf_init(&b, 4096, 4096) != 0)
        return -1;
    for (int run = 0; run < RUNS; run++) {
        double t0 = now_ns();
        for (long i = 0; i < iters; i++) {
            buf_reset(&b);
            proto_put_value_hdr(&b, "user:12345678", 13, (uint32_t)i, 100, (uint64_t)i, true);
            sink += (uint32_t)buf_rlen(&b);
        }
        t[run] = (now_ns() - t0) / (double)iters;
    }
    buf_deinit(&b);
    qsort(t, RUNS, sizeof(t[0]), cmp_double);
    return t[RUNS / 2];
}

int main(int argc, char **argv)
{
    long iters = 2000000;
    if (argc > 1)
        iters = strcmp(argv[1], "--short") == 0 ? 200000 : atol(argv[1]);
    if (iters <= 0)
        iters = 2000000;
    static char set[256], multi[512];
    int n = snprintf(set, sizeof(set), "set user:12345678 0 0 100\r\n");
    memset(set + n, 'v', 100);
    memcpy(set + n + 100, "\r\n", 2);
    size_t set_len = (size_t)n + 102;
    size_t m = (size_t)snprintf(multi, sizeof(multi), "get");
    for (int i = 0; i < 16; i++)
        m += (size_t)snprintf(multi + m, sizeof(multi) - m, " user:%08d", i);
    m += (size_t)snprintf(multi + m, sizeof(multi) - m, "\r\n");
    static const char bin_getk[] = "\x80\x0c\x00\x0d\x00\x00\x00\x00\x00\x00\x00\x0d"
                                   "\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"
                                   "user:12345678";
    const char *commit = getenv("RC_GIT_COMMIT");
    printf("bench_proto (%ld iterations, median of %d runs)%s%s\n", iters, RUNS,
           commit ? " commit " : "", commit ? commit : "");
    printf("  text get            %6.1f ns/request\n",
           bench_parse("get user:12345678\r\n", 19, iters));
    printf("  text set (100 B)    %6.1f ns/request\n", bench_parse(set, set_len, iters));
    printf("  text get, 16 keys   %6.1f ns/request\n", bench_parse(multi, m, iters));
    printf("  meta mg k v t f     %6.1f ns/request\n",
           bench_parse("mg user:12345678 k v t f\r\n", 26, iters));
    printf("  binary GETK         %6.1f ns/request\n",
           bench_parse(bin_getk, sizeof(bin_getk) - 1, iters));
    printf("  VALUE header write  %6.1f ns/reply\n", bench_compose(iters));
    return 0;
}
