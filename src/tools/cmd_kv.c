/* cmd_kv: the key/value subcommands of the ringcache CLI (get set add replace delete incr decr
 * touch stats flush where), built only on the public client API (ringcache/client.h).
 *
 * Command line: ringcache [-s LIST] [--mode MODE] COMMAND ARGS [-t TTL] [-f FLAGS]
 *                [--timeout MS] [--protocol text|meta] [--failover rehash|fail]
 * -s and --mode may come before or after the command word, the others after it (the
 * dispatcher in ringcache.c only knows -s and --mode). Servers come from -s, else
 * $RINGCACHE_SERVERS, else 127.0.0.1:11211. A VALUE of "-" is read from standard input.
 * Exit status: 0 success or hit, 1 miss (or not stored), 2 error (message on stderr).
 * Ownership: everything is freed before returning; the client is destroyed on every path. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ringcache/client.h"
#include "tools.h"

#define KV_MAX_ARGS 256

struct kv_args {
    const char *servers;
    struct rc_client_options opt;
    int64_t ttl;
    uint32_t flags;
    const char *cmd;
    int npos; /* positional arguments after the command word */
    const char *pos[KV_MAX_ARGS];
};

static int kv_error(const char *what, int rc)
{
    fprintf(stderr, "ringcache: %s: %s\n", what, rc_strerror(rc));
    return 2;
}

static int parse_num(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "ringcache: bad number '%s'\n", s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct kv_args *a)
{
    memset(a, 0, sizeof(*a));
    rc_client_options_init(&a->opt);
    a->servers = getenv("RINGCACHE_SERVERS");
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int has_val = i + 1 < argc;
        int64_t v;
        if ((!strcmp(s, "-s") || !strcmp(s, "--servers")) && has_val) {
            a->servers = argv[++i];
        } else if (!strcmp(s, "--mode") && has_val) {
            a->opt.mode = argv[++i];
        } else if (!strcmp(s, "--timeout") && has_val) {
            if (parse_num(argv[++i], 1, 3600000, &v))
                return -1;
            a->opt.connect_timeout_ms = a->opt.io_timeout_ms = (int)v;
        } else if (!strcmp(s, "--protocol") && has_val) {
            const char *p = argv[++i];
            if (strcmp(p, "text") && strcmp(p, "meta"))
                return fprintf(stderr, "ringcache: --protocol text|meta\n"), -1;
            a->opt.protocol = strcmp(p, "meta") ? RC_PROTOCOL_TEXT : RC_PROTOCOL_META;
        } else if (!strcmp(s, "--failover") && has_val) {
            const char *p = argv[++i];
            if (strcmp(p, "rehash") && strcmp(p, "fail"))
                return fprintf(stderr, "ringcache: --failover rehash|fail\n"), -1;
            a->opt.failover = strcmp(p, "fail") ? RC_FAILOVER_REHASH : RC_FAILOVER_FAIL;
        } else if (!strcmp(s, "-t") && has_val) {
            if (parse_num(argv[++i], INT32_MIN, INT32_MAX, &a->ttl))
                return -1;
        } else if (!strcmp(s, "-f") && has_val) {
            if (parse_num(argv[++i], 0, UINT32_MAX, &v))
                return -1;
            a->flags = (uint32_t)v;
        } else if (a->cmd == NULL) {
            a->cmd = s;
        } else if (a->npos < KV_MAX_ARGS) {
            a->pos[a->npos++] = s;
        } else {
            fprintf(stderr, "ringcache: too many arguments\n");
            return -1;
        }
    }
    if (a->servers == NULL || *a->servers == '\0')
        a->servers = "127.0.0.1:11211";
    return a->cmd ? 0 : -1;
}

/* Reads all of stdin into a malloc'd buffer. */
static char *read_stdin(size_t *len)
{
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    while (p) {
        size_t r = fread(p + n, 1, cap - n, stdin);
        n += r;
        if (r == 0)
            break;
        if (n == cap) {
            char *q = realloc(p, cap * 2);
            if (q == NULL)
                free(p);
            p = q;
            cap *= 2;
        }
    }
    *len = n;
    return p;
}

static int kv_get(struct rc_client *c, struct kv_args *a)
{
    size_t n = (size_t)a->npos;
    size_t lens[KV_MAX_ARGS] = {0};
    struct rc_value vals[KV_MAX_ARGS];
    int st[KV_MAX_ARGS];
    memset(vals, 0, sizeof(vals));
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(a->pos[i]);
    int rc = rc_get_multi(c, n, a->pos, lens, vals, st, 0);
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        if (st[i] == RC_OK) {
            if (n > 1)
                printf("%s ", a->pos[i]);
            fwrite(vals[i].data, 1, vals[i].len, stdout);
            putchar('\n');
        } else if (st[i] == RC_ERR_NOT_FOUND) {
            if (ret == 0)
                ret = 1;
        } else {
            kv_error(a->pos[i], st[i]);
            ret = 2;
        }
        free(vals[i].data);
    }
    if (rc != RC_OK && ret != 2)
        ret = kv_error("get", rc);
    return ret;
}

static int kv_store(struct rc_client *c, struct kv_args *a)
{
    if (a->npos != 2) {
        fprintf(stderr, "usage: ringcache %s KEY VALUE [-t TTL] [-f FLAGS]\n", a->cmd);
        return 2;
    }
    const char *key = a->pos[0];
    size_t len = strlen(a->pos[1]);
    char *in = NULL;
    const char *val = a->pos[1];
    if (strcmp(val, "-") == 0) {
        in = read_stdin(&len);
        if (in == NULL)
            return kv_error("stdin", RC_ERR_NOMEM);
        val = in;
    }
    int rc;
    if (strcmp(a->cmd, "add") == 0)
        rc = rc_add(c, key, strlen(key), val, len, a->flags, a->ttl);
    else if (strcmp(a->cmd, "replace") == 0)
        rc = rc_replace(c, key, strlen(key), val, len, a->flags, a->ttl);
    else
        rc = rc_set(c, key, strlen(key), val, len, a->flags, a->ttl);
    free(in);
    if (rc == RC_ERR_NOT_STORED) {
        fprintf(stderr, "ringcache: %s: not stored\n", key);
        return 1;
    }
    return rc == RC_OK ? 0 : kv_error(key, rc);
}

static int kv_delete(struct rc_client *c, struct kv_args *a)
{
    int ret = a->npos > 0 ? 0 : 2;
    for (int i = 0; i < a->npos; i++) {
        int rc = rc_delete(c, a->pos[i], strlen(a->pos[i]));
        if (rc == RC_ERR_NOT_FOUND && ret == 0)
            ret = 1;
        else if (rc != RC_OK && rc != RC_ERR_NOT_FOUND)
            ret = kv_error(a->pos[i], rc);
    }
    return ret;
}

static int kv_arith(struct rc_client *c, struct kv_args *a)
{
    int64_t delta = 1;
    if (a->npos < 1 || a->npos > 2 ||
        (a->npos == 2 && parse_num(a->pos[1], 0, INT64_MAX, &delta))) {
        fprintf(stderr, "usage: ringcache %s KEY [DELTA]\n", a->cmd);
        return 2;
    }
    uint64_t v = 0;
    const char *key = a->pos[0];
    int rc = strcmp(a->cmd, "incr") == 0 ? rc_incr(c, key, strlen(key), (uint64_t)delta, &v)
                                         : rc_decr(c, key, strlen(key), (uint64_t)delta, &v);
    if (rc == RC_ERR_NOT_FOUND)
        return 1;
    if (rc != RC_OK)
        return kv_error(key, rc);
    printf("%" PRIu64 "\n", v);
    return 0;
}

static int kv_touch(struct rc_client *c, struct kv_args *a)
{
    int64_t ttl;
    if (a->npos != 2 || parse_num(a->pos[1], INT32_MIN, INT32_MAX, &ttl)) {
        fprintf(stderr, "usage: ringcache touch KEY TTL\n");
        return 2;
    }
    int rc = rc_touch(c, a->pos[0], strlen(a->pos[0]), ttl);
    if (rc == RC_ERR_NOT_FOUND)
        return 1;
    return rc == RC_OK ? 0 : kv_error(a->pos[0], rc);
}

static void print_stat(void *arg, const char *name, const char *value)
{
    printf("%s %s %s\n", (const char *)arg, name, value);
}

static int kv_stats(struct rc_client *c, struct kv_args *a)
{
    int ret = 0;
    for (size_t i = 0; i < rc_server_count(c); i++) {
        const char *name = rc_server_name(c, i);
        int rc = rc_stats(c, i, a->npos > 0 ? a->pos[0] : NULL, print_stat, (void *)name);
        if (rc != RC_OK)
            ret = kv_error(name, rc);
    }
    return ret;
}

static int kv_flush(struct rc_client *c, struct kv_args *a)
{
    int64_t delay = 0;
    if (a->npos > 1 || (a->npos == 1 && parse_num(a->pos[0], 0, INT32_MAX, &delay)))
        return 2;
    int rc = rc_flush_all(c, delay);
    return rc == RC_OK ? 0 : kv_error("flush", rc);
}

static int kv_where(struct rc_client *c, struct kv_args *a)
{
    int ret = a->npos > 0 ? 0 : 2;
    for (int i = 0; i < a->npos; i++) {
        size_t owner = 0, target = 0;
        int rc = rc_server_for_key(c, a->pos[i], strlen(a->pos[i]), &owner, &target);
        if (rc == RC_ERR_INVAL)
            return kv_error(a->pos[i], rc);
        printf("%s %s", a->pos[i], rc_server_name(c, owner));
        if (rc != RC_OK)
            printf(" (ejected, %s)", rc_strerror(rc));
        else if (target != owner)
            printf(" (ejected, now %s)", rc_server_name(c, target));
        putchar('\n');
    }
    return ret;
}

int cmd_kv(int argc, char **argv)
{
    struct kv_args a;
    if (parse_args(argc, argv, &a) != 0)
        return 2;
    static const struct {
        const char *name;
        int (*fn)(struct rc_client *, struct kv_args *);
    } cmds[] = {{"get", kv_get},       {"set", kv_store},     {"add", kv_store},
                {"replace", kv_store}, {"delete", kv_delete}, {"incr", kv_arith},
                {"decr", kv_arith},    {"touch", kv_touch},   {"stats", kv_stats},
                {"flush", kv_flush},   {"where", kv_where}};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(a.cmd, cmds[i].name) != 0)
            continue;
        if (strcmp(a.cmd, "get") == 0 && a.npos == 0) {
            fprintf(stderr, "usage: ringcache get KEY...\n");
            return 2;
        }
        struct rc_client *c = NULL;
        int rc = rc_client_create(&c, a.servers, &a.opt);
        if (rc != RC_OK) {
            fprintf(stderr, "ringcache: cannot use servers '%s' (mode %s): %s\n", a.servers,
                    a.opt.mode ? a.opt.mode : "default", rc_strerror(rc));
            return 2;
        }
        int ret = cmds[i].fn(c, &a);
        rc_client_destroy(&c);
        fflush(stdout);
        return ret;
    }
    fprintf(stderr, "ringcache: unknown command '%s'\n", a.cmd);
    return 2;
}
