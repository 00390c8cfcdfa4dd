/* ringcache: the command-line tool. This file only dispatches to subcommands (tools.h); each
 * subcommand parses its own options. Global options that come before the subcommand
 * (-s LIST, --mode MODE) are handed to the key/value subcommands unchanged. */
#include <stdio.h>
#include <string.h>

#include "tools.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} subcommands[] = {
    {"ring", cmd_ring, "show which server owns each key, or ring statistics"},
    {"bench", cmd_bench, "load generator: throughput and latency against a server or cluster"},
    {"get", cmd_kv, "get KEY...: print values (exit 1 on a miss)"},
    {"set", cmd_kv, "set KEY VALUE [-t TTL] [-f FLAGS]"},
    {"add", cmd_kv, "add KEY VALUE [-t TTL] [-f FLAGS]"},
    {"replace", cmd_kv, "replace KEY VALUE [-t TTL] [-f FLAGS]"},
    {"delete", cmd_kv, "delete KEY..."},
    {"incr", cmd_kv, "incr KEY [DELTA]"},
    {"decr", cmd_kv, "decr KEY [DELTA]"},
    {"touch", cmd_kv, "touch KEY TTL"},
    {"stats", cmd_kv, "stats [GROUP]: per-server statistics"},
    {"flush", cmd_kv, "flush: flush_all on every server"},
    {"where", cmd_kv, "where KEY...: the server that owns each key"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ringcache [-s host:port[:weight],...] [--mode MODE] COMMAND [ARGS]\n"
               "servers default to $RINGCACHE_SERVERS\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        fprintf(f, "  %-8s %s\n", subcommands[i].name, subcommands[i].help);
}

int main(int argc, char **argv)
{
    /* Find the subcommand: the first argument that is not a global option or its value. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--servers") == 0 ||
            strcmp(argv[i], "--mode") == 0) {
            i++;
            continue;
        }
        for (size_t c = 0; c < sizeof(subcommands) / sizeof(subcommands[0]); c++) {
            if (strcmp(argv[i], subcommands[c].name) == 0)
                return subcommands[c].fn(argc, argv);
        }
        fprintf(stderr, "ringcache: unknown command '%s'\n", argv[i]);
        usage(stderr);
        return 2;
    }
    usage(stderr);
    return 2;
}
