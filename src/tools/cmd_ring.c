/* cmd_ring: `ringcache ring`, where keys go on a ring, and how good a ring is.
 *
 *   ringcache ring --mode MODE --servers host:port[:weight],...            < keys
 *       prints "key,server" per input line (the server as given, without its weight)
 *   ringcache ring --mode MODE --servers ... --stats [--keys N]
 *       balance (max/mean, CV), movement on adding/removing a server beside the ideal,
 *       and lookup time per key (rc_ring_measure, N synthetic keys, default 100000)
 *   ringcache ring --list-modes
 *
 * Servers default to $RINGCACHE_SERVERS; -s is accepted for --servers (the global form).
 * Uses only the public ring API. Exit status: 0 ok, 2 usage or error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ringcache/ring.h>
#include <ringcache/status.h>

#include "tools.h"

struct ring_args {
    const char *mode, *servers;
    int stats, list;
    size_t keys;
};

static void ring_usage(FILE *f)
{
    fprintf(f, "usage: ringcache ring --mode MODE --servers host:port[:weight],... [--stats "
               "[--keys N]]\n"
               "       ringcache ring --list-modes\n"
               "reads keys from stdin, one per line, and prints key,server\n");
}

static int parse_args(int argc, char **argv, struct ring_args *a)
{
    *a = (struct ring_args){.servers = getenv("RINGCACHE_SERVERS"), .keys = 100000};
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(o, "ring") == 0) {
            continue;
        } else if (strcmp(o, "--mode") == 0 && has_value) {
            a->mode = argv[++i];
        } else if ((strcmp(o, "--servers") == 0 || strcmp(o, "-s") == 0) && has_value) {
            a->servers = argv[++i];
        } else if (strcmp(o, "--stats") == 0) {
            a->stats = 1;
        } else if (strcmp(o, "--keys") == 0 && has_value) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v == 0 || v > 100000000ull)
                return -1;
            a->keys = (size_t)v;
        } else if (strcmp(o, "--list-modes") == 0) {
            a->list = 1;
        } else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            ring_usage(stdout);
            exit(0);
        } else {
            fprintf(stderr, "ringcache ring: unknown or incomplete option '%s'\n", o);
            return -1;
        }
    }
    return 0;
}

static int place_stdin(const struct rc_ring *r)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        const char *server = rc_ring_lookup_name(r, line, (size_t)len);
        fwrite(line, 1, (size_t)len, stdout);
        putchar(',');
        fputs(server, stdout);
        putchar('\n');
    }
    free(line);
    return fflush(stdout) == 0 ? 0 : 2;
}

static double ratio(double got, double ideal)
{
    return ideal > 0 ? got / ideal : 0;
}

static int print_stats(const struct rc_ring *r, const char *mode, size_t nkeys)
{
    size_t n = rc_ring_count(r);
    struct rc_ring_node *nodes = calloc(n, sizeof(*nodes));
    if (!nodes)
        return 2;
    for (size_t i = 0; i < n; i++)
        nodes[i] = (struct rc_ring_node){rc_ring_node_name(r, i), rc_ring_node_weight(r, i), NULL};
    struct rc_ring_stats st;
    int rc = rc_ring_measure(mode, nodes, n, nkeys, &st);
    free(nodes);
    if (rc != RC_OK) {
        fprintf(stderr, "ringcache ring: %s\n", rc_strerror(rc));
        return 2;
    }
    printf("mode %s (%s)\n", rc_ring_mode(r),
           rc_ring_mode_consistent(mode) ? "consistent" : "not consistent");
    printf("servers %zu keys %zu\n", st.servers, st.keys);
    printf("balance max/mean %.4f cv %.4f\n", st.max_over_mean, st.cv);
    printf("move add %.4f ideal %.4f ratio %.3f excess %.4f\n", st.move_add, st.move_add_ideal,
           ratio(st.move_add, st.move_add_ideal), st.move_add_excess);
    printf("move remove %.4f ideal %.4f ratio %.3f excess %.4f\n", st.move_remove,
           st.move_remove_ideal, ratio(st.move_remove, st.move_remove_ideal),
           st.move_remove_excess);
    printf("lookup %.1f ns/key\n", st.lookup_ns);
    return 0;
}

int cmd_ring(int argc, char **argv)
{
    struct ring_args a;
    if (parse_args(argc, argv, &a) != 0) {
        ring_usage(stderr);
        return 2;
    }
    if (a.list) {
        for (size_t i = 0; i < rc_ring_mode_count(); i++)
            printf("%s\n", rc_ring_mode_name(i));
        return 0;
    }
    if (!a.mode || !a.servers) {
        fprintf(stderr, "ringcache ring: --mode and --servers are required "
                        "(--list-modes shows the modes)\n");
        return 2;
    }
    struct rc_ring *r = NULL;
    int rc = rc_ring_create_spec(&r, a.mode, a.servers);
    if (rc != RC_OK) {
        fprintf(stderr, "ringcache ring: cannot build mode '%s' over '%s': %s\n", a.mode, a.servers,
                rc_strerror(rc));
        return 2;
    }
    int status = a.stats ? print_stats(r, a.mode, a.keys) : place_stdin(r);
    rc_ring_destroy(&r);
    return status;
}
