/* tutorial: the tutorial's distributed cache in C with libringcache.
 *
 * The system is a few cache nodes plus a client that picks a node per key (a consistent-hash
 * ring), talks to it, and moves on to the other nodes when one fails. set_data() stores a value
 * under a key on its node; get_data() reads it back and, on a miss, loads it from the slow
 * "database" and caches it for next time (the cache-aside pattern).
 *
 *   usage: tutorial [host:port,host:port,host:port]     (default $RINGCACHE_SERVERS, else
 *                                                         127.0.0.1:11211,:11212,:11213)
 * Prints where each key lives and whether each read was a hit. Exit 0 when all went well. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ringcache/client.h"

/* The slow source of truth the cache sits in front of. */
static void load_from_database(const char *key, char *out, size_t cap)
{
    snprintf(out, cap, "profile-of-%s", key);
}

/* Stores value under key on the node the ring picks; 0 or a status. Cached for 5 minutes. */
static int set_data(struct rc_client *c, const char *key, const char *value)
{
    return rc_set(c, key, strlen(key), value, strlen(value), 0, 300);
}

/* Reads key into out (cap bytes). On a miss, loads it from the database and caches it.
 * *hit says which happened. Returns 0 or a status. */
static int get_data(struct rc_client *c, const char *key, char *out, size_t cap, int *hit)
{
    struct rc_value v = {.data = out, .cap = cap - 1}; /* caller's buffer: no allocation */
    int rc = rc_get(c, key, strlen(key), &v);
    if (rc == RC_OK) {
        out[v.len] = '\0';
        *hit = 1;
        return RC_OK;
    }
    *hit = 0;
    if (rc != RC_ERR_NOT_FOUND && rc != RC_ERR_EJECTED && rc != RC_ERR_NO_SERVER)
        return rc; /* a real error: the caller decides (a cache failure is not fatal here) */
    load_from_database(key, out, cap);
    int src = set_data(c, key, out);
    return src == RC_ERR_EJECTED || src == RC_ERR_NO_SERVER ? RC_OK : src;
}

int main(int argc, char **argv)
{
    const char *servers = argc > 1 ? argv[1] : getenv("RINGCACHE_SERVERS");
    if (servers == NULL || *servers == '\0')
        servers = "127.0.0.1:11211,127.0.0.1:11212,127.0.0.1:11213";

    struct rc_client_options opt;
    rc_client_options_init(&opt); /* weighted md5 ketama, rehash on failure, safe rejoin */
    opt.io_timeout_ms = 500;
    struct rc_client *c = NULL;
    int rc = rc_client_create(&c, servers, &opt);
    if (rc != RC_OK) {
        fprintf(stderr, "tutorial: %s: %s\n", servers, rc_strerror(rc));
        return 1;
    }

    static const char *users[] = {"alice", "bob", "carol", "dave", "erin", "frank"};
    const size_t nusers = sizeof(users) / sizeof(users[0]);
    int failed = 0;
    rc = set_data(c, "greeting", "hello from ringcache");
    if (rc != RC_OK) {
        fprintf(stderr, "tutorial: set_data: %s\n", rc_strerror(rc));
        failed = 1;
    }
    for (int round = 0; round < 2; round++) { /* round 0 fills the cache, round 1 hits it */
        for (size_t i = 0; i < nusers; i++) {
            char value[128];
            int hit = 0;
            size_t node = 0;
            rc_server_for_key(c, users[i], strlen(users[i]), NULL, &node);
            rc = get_data(c, users[i], value, sizeof(value), &hit);
            if (rc != RC_OK) {
                fprintf(stderr, "tutorial: get_data(%s): %s\n", users[i], rc_strerror(rc));
                failed = 1;
                continue;
            }
            printf("%-6s on %-21s %s  %s\n", users[i], rc_server_name(c, node),
                   hit ? "hit " : "miss", value);
        }
    }
    char greeting[64];
    int hit = 0;
    if (get_data(c, "greeting", greeting, sizeof(greeting), &hit) == RC_OK && hit)
        printf("greeting: %s\n", greeting);
    rc_client_destroy(&c);
    return failed;
}
