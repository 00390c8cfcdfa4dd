/* client: life cycle of a struct rc_client, the server list and the accessors.
 *
 * Design: rc_client_create parses the list once (twemproxy's "host:port:weight name" lines, IPv6
 * literals in brackets, unix paths), resolves every address once (no DNS on the request path),
 * builds the ring (failover.c) and sizes every per-round scratch array to the number of servers,
 * so requests allocate nothing once buffers are warm. Connections open lazily on first use.
 *
 * Invariants: servers[] never changes after create; each server owns its name strings and its
 * connection. Ownership: the client owns everything it points to; rc_client_destroy frees it all.
 * Concurrency: none; one thread at a time per client (see client.h). */
#include "client_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "clock.h"

#define CLIENT_DEFAULT_PORT 11211
#define CLIENT_MAX_WEIGHT   1000000u

void rc_client_options_init(struct rc_client_options *o)
{
    memset(o, 0, sizeof(*o));
    o->mode = NULL;
    o->connect_timeout_ms = 1000;
    o->io_timeout_ms = 1000;
    o->failure_limit = 2;
    o->retry_timeout_ms = 2000;
    o->failover = RC_FAILOVER_REHASH;
    o->safe_rejoin = -1;
    o->protocol = RC_PROTOCOL_TEXT;
    o->tcp_nodelay = 1;
    o->max_value = (size_t)64 << 20;
}

static bool parse_uint(const char *p, size_t n, uint32_t max, uint32_t *out)
{
    if (n == 0 || n > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return false;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    if (v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

static int resolve(struct cserver *s)
{
    if (s->is_unix) {
        struct sockaddr_un *un = (struct sockaddr_un *)&s->addr;
        if (strlen(s->host) >= sizeof(un->sun_path))
            return RC_ERR_INVAL;
        un->sun_family = AF_UNIX;
        memcpy(un->sun_path, s->host, strlen(s->host) + 1);
        s->addrlen = (socklen_t)sizeof(*un);
        return RC_OK;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char port[8];
    snprintf(port, sizeof(port), "%u", (unsigned)s->port);
    if (getaddrinfo(s->host, port, &hints, &res) != 0 || res == NULL)
        return RC_ERR_RESOLVE;
    memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
    s->addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    return RC_OK;
}

/* Splits "addr[:port[:weight]]" (TCP) or "path[:weight]" (unix) at its colons. */
static int parse_addr(struct cserver *s, const char *p, size_t n)
{
    uint32_t port = CLIENT_DEFAULT_PORT, weight = 1;
    const char *host = p, *rest = NULL;
    size_t hlen = n;
    if (p[0] == '/') {
        s->is_unix = true;
        const char *colon = memrchr(p, ':', n);
        if (colon && parse_uint(colon + 1, (size_t)(p + n - colon - 1), CLIENT_MAX_WEIGHT, &weight))
            hlen = (size_t)(colon - p);
    } else {
        if (p[0] == '[') {
            const char *close = memchr(p, ']', n);
            if (close == NULL)
                return RC_ERR_INVAL;
            host = p + 1;
            hlen = (size_t)(close - host);
            rest = close + 1 < p + n ? close + 1 : NULL;
            if (rest && *rest != ':')
                return RC_ERR_INVAL;
        } else {
            rest = memchr(p, ':', n);
            hlen = rest ? (size_t)(rest - p) : n;
        }
        if (rest) {
            const char *ps = rest + 1, *end = p + n;
            const char *c2 = memchr(ps, ':', (size_t)(end - ps));
            if (!parse_uint(ps, (size_t)((c2 ? c2 : end) - ps), 65535, &port) || port == 0)
                return RC_ERR_INVAL;
            if (c2 && !parse_uint(c2 + 1, (size_t)(end - c2 - 1), CLIENT_MAX_WEIGHT, &weight))
                return RC_ERR_INVAL;
        }
    }
    if (hlen == 0 || weight == 0)
        return RC_ERR_INVAL;
    s->host = strndup(host, hlen);
    s->port = (uint16_t)port;
    s->weight = weight;
    size_t nlen = hlen + 16;
    s->name = malloc(nlen);
    if (s->host == NULL || s->name == NULL)
        return RC_ERR_NOMEM;
    if (s->is_unix)
        snprintf(s->name, nlen, "%s", s->host);
    else if (memchr(s->host, ':', hlen))
        snprintf(s->name, nlen, "[%s]:%u", s->host, (unsigned)port);
    else
        snprintf(s->name, nlen, "%s:%u", s->host, (unsigned)port);
    return RC_OK;
}

/* Parses one entry "addr [name]" (already trimmed, non-empty). */
static int parse_entry(struct cserver *s, const char *p, size_t n)
{
    size_t alen = 0;
    while (alen < n && !isspace((unsigned char)p[alen]))
        alen++;
    int rc = parse_addr(s, p, alen);
    if (rc != RC_OK)
        return rc;
    const char *name = p + alen, *end = p + n;
    while (name < end && isspace((unsigned char)*name))
        name++;
    if (name < end) {
        for (const char *q = name; q < end; q++)
            if (isspace((unsigned char)*q))
                return RC_ERR_INVAL;
        s->alias = strndup(name, (size_t)(end - name));
        if (s->alias == NULL)
            return RC_ERR_NOMEM;
    }
    return resolve(s);
}

static bool is_sep(char ch)
{
    return ch == ',' || ch == ';' || ch == '\n' || ch == '\r';
}

int cserver_parse_list(const char *list, struct cserver **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (list == NULL)
        return RC_ERR_INVAL;
    size_t cap = 1;
    for (const char *p = list; *p; p++)
        cap += is_sep(*p);
    struct cserver *s = calloc(cap, sizeof(*s));
    if (s == NULL)
        return RC_ERR_NOMEM;
    size_t count = 0;
    int rc = RC_OK;
    for (const char *p = list; rc == RC_OK && *p;) {
        const char *e = p;
        while (*e && !is_sep(*e))
            e++;
        const char *a = p, *b = e;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a)
            rc = parse_entry(&s[count++], a, (size_t)(b - a));
        p = *e ? e + 1 : e;
    }
    if (rc == RC_OK && count == 0)
        rc = RC_ERR_INVAL;
    if (rc != RC_OK) {
        cserver_free_list(s, count);
        return rc;
    }
    *out = s;
    *n = count;
    return RC_OK;
}

void cserver_free_list(struct cserver *s, size_t n)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        cconn_deinit(&s[i].conn);
        free(s[i].name);
        free(s[i].host);
        free(s[i].alias);
    }
    free(s);
}

static int check_options(const struct rc_client_options *o)
{
    if (o->connect_timeout_ms <= 0 || o->io_timeout_ms <= 0 || o->failure_limit <= 0 ||
        o->retry_timeout_ms < 0 || o->max_value < 1024)
        return RC_ERR_INVAL;
    if (o->failover != RC_FAILOVER_REHASH && o->failover != RC_FAILOVER_FAIL)
        return RC_ERR_INVAL;
    if (o->protocol != RC_PROTOCOL_TEXT && o->protocol != RC_PROTOCOL_META)
        return RC_ERR_INVAL;
    return RC_OK;
}

static int client_setup(struct rc_client *c, const char *servers)
{
    int rc = cserver_parse_list(servers, &c->servers, &c->nservers);
    if (rc != RC_OK)
        return rc;
    for (size_t i = 0; i < c->nservers; i++) {
        /* A reply holds at most one value plus its header lines. */
        rc = cconn_init(&c->servers[i].conn, c->opt.max_value + 4096);
        if (rc != RC_OK)
            return rc;
    }
    c->xfers = calloc(c->nservers, sizeof(*c->xfers));
    c->pfds = calloc(c->nservers, sizeof(*c->pfds));
    c->xfer_of_server = calloc(c->nservers, sizeof(*c->xfer_of_server));
    c->pfd_xfer = calloc(c->nservers, sizeof(*c->pfd_xfer));
    if (c->xfers == NULL || c->pfds == NULL || c->xfer_of_server == NULL || c->pfd_xfer == NULL)
        return RC_ERR_NOMEM;
    return failover_build(c);
}

int rc_client_create(struct rc_client **out, const char *servers,
                     const struct rc_client_options *opt)
{
    if (out == NULL)
        return RC_ERR_INVAL;
    *out = NULL;
    struct rc_client *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return RC_ERR_NOMEM;
    if (opt)
        c->opt = *opt;
    else
        rc_client_options_init(&c->opt);
    c->opt.mode = NULL; /* not kept: the caller's string may not outlive the call */
    int rc = check_options(&c->opt);
    if (rc == RC_OK) {
        c->safe_rejoin = opt && opt->safe_rejoin >= 0 ? opt->safe_rejoin != 0
                                                      : c->opt.failover == RC_FAILOVER_REHASH;
        c->opt.mode = opt ? opt->mode : NULL;
        rc = client_setup(c, servers);
        c->opt.mode = NULL;
    }
    if (rc != RC_OK) {
        rc_client_destroy(&c);
        return rc;
    }
    *out = c;
    return RC_OK;
}

void rc_client_destroy(struct rc_client **cp)
{
    if (cp == NULL || *cp == NULL)
        return;
    struct rc_client *c = *cp;
    failover_deinit(c);
    cserver_free_list(c->servers, c->nservers);
    free(c->xfers);
    free(c->pfds);
    free(c->xfer_of_server);
    free(c->pfd_xfer);
    free(c->chain);
    free(c);
    *cp = NULL;
}

size_t rc_server_count(const struct rc_client *c)
{
    return c ? c->nservers : 0;
}

const char *rc_server_name(const struct rc_client *c, size_t index)
{
    if (c == NULL || index >= c->nservers)
        return NULL;
    return c->servers[index].name;
}

int rc_server_ejected(const struct rc_client *c, size_t index)
{
    if (c == NULL || index >= c->nservers)
        return 0;
    return c->servers[index].ejected ? 1 : 0;
}
