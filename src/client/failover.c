/* failover: which server takes a key, and what happens when servers fail.
 *
 * Design (semantics in docs/client.md):
 *  - Every transport failure (connect refused or timed out, I/O timeout, connection broken,
 *    unparsable reply) closes the server's connection and counts one failure; any success resets
 *    the count. failure_limit failures in a row eject the server until retry_timeout has passed.
 *  - Policy rehash: the ring over the live servers (c->live) routes the keys; rebuilding it without
 *    the ejected servers is what libmemcached's auto-eject and twemproxy's auto_eject_hosts do, and
 *    with ketama it moves only the ejected servers' keys (to the next live point on the ring).
 *    Policy fail: routing always uses the full ring and a key whose owner is ejected fails at once
 *    with RC_ERR_EJECTED (no I/O).
 *  - Re-admission: before routing, servers whose retry time has come are probed (connect, then
 *    flush_all with safe rejoin or version without); an answer re-admits the server, anything
 *    else pushes its retry time one retry_timeout further. The probe happens on the caller's
 *    request, so that request pays at most one connect + one round trip of the returning server.
 *
 * Invariants: nejected == number of servers with ejected set; c->live is NULL exactly when
 * nejected == 0 or the policy is fail; next_retry_ns is the minimum retry_at_ns of the ejected.
 * Ownership: the rings belong to the client. Concurrency: none (one thread per client). */
#include "client_int.h"

#include <stdint.h>
#include <stdlib.h>

#include "clock.h"
#include "ringcache/ring.h"

bool failover_is_transport_error(int status)
{
    switch (status) {
    case RC_ERR_IO:
    case RC_ERR_TIMEOUT:
    case RC_ERR_CONNECT:
    case RC_ERR_CLOSED:
    case RC_ERR_PROTOCOL:
    case RC_ERR_RESOLVE:
        return true;
    default:
        return false;
    }
}

static int64_t ms_to_ns(int ms)
{
    return (int64_t)ms * 1000000;
}

#define FAILOVER_DEFAULT_MODE "libmemcached/ketama-weighted-md5"

/* Builds a ring over the servers whose indexes are idx[0..n). */
static int ring_over(struct rc_client *c, const char *mode, const size_t *idx, size_t n,
                     struct rc_ring **out)
{
    struct rc_ring_node *nodes = calloc(n, sizeof(*nodes));
    if (nodes == NULL)
        return RC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct cserver *s = &c->servers[idx[i]];
        nodes[i] = (struct rc_ring_node){.name = s->name, .weight = s->weight, .id = s->alias};
    }
    int rc = rc_ring_create(out, mode, nodes, n);
    free(nodes);
    return rc;
}

/* Rebuilds the live ring after an ejection or a re-admission (rehash policy only). */
static int rebuild_live(struct rc_client *c)
{
    rc_ring_destroy(&c->live);
    if (c->nejected == 0 || c->opt.failover != RC_FAILOVER_REHASH)
        return RC_OK;
    size_t n = 0;
    for (size_t i = 0; i < c->nservers; i++)
        if (!c->servers[i].ejected)
            c->live_servers[n++] = i;
    if (n == 0)
        return RC_OK; /* nobody to route to: failover_route says RC_ERR_NO_SERVER */
    return ring_over(c, rc_ring_mode(c->ring), c->live_servers, n, &c->live);
}

int failover_build(struct rc_client *c)
{
    c->live_servers = calloc(c->nservers, sizeof(*c->live_servers));
    if (c->live_servers == NULL)
        return RC_ERR_NOMEM;
    for (size_t i = 0; i < c->nservers; i++)
        c->live_servers[i] = i;
    const char *mode = c->opt.mode ? c->opt.mode : FAILOVER_DEFAULT_MODE;
    return ring_over(c, mode, c->live_servers, c->nservers, &c->ring);
}

void failover_deinit(struct rc_client *c)
{
    rc_ring_destroy(&c->ring);
    rc_ring_destroy(&c->live);
    free(c->live_servers);
    c->live_servers = NULL;
}

size_t failover_owner(struct rc_client *c, const char *key, size_t key_len)
{
    return rc_ring_lookup(c->ring, key, key_len);
}

int failover_route(struct rc_client *c, const char *key, size_t key_len, struct cserver **out)
{
    struct cserver *s = &c->servers[rc_ring_lookup(c->ring, key, key_len)];
    *out = s;
    if (!s->ejected)
        return RC_OK;
    if (c->opt.failover == RC_FAILOVER_FAIL)
        return RC_ERR_EJECTED;
    if (c->live == NULL)
        return RC_ERR_NO_SERVER;
    *out = &c->servers[c->live_servers[rc_ring_lookup(c->live, key, key_len)]];
    return RC_OK;
}

static void update_next_retry(struct rc_client *c)
{
    c->next_retry_ns = INT64_MAX;
    for (size_t i = 0; i < c->nservers; i++)
        if (c->servers[i].ejected && c->servers[i].retry_at_ns < c->next_retry_ns)
            c->next_retry_ns = c->servers[i].retry_at_ns;
}

void failover_success(struct rc_client *c, struct cserver *s)
{
    s->failures = 0;
}

void failover_failure(struct rc_client *c, struct cserver *s, int status)
{
    cconn_close(&s->conn);
    if (!failover_is_transport_error(status))
        return;
    int64_t retry_at = clock_mono_ns() + ms_to_ns(c->opt.retry_timeout_ms);
    if (s->ejected) {
        s->retry_at_ns = retry_at;
        update_next_retry(c);
        return;
    }
    if (++s->failures < c->opt.failure_limit)
        return;
    s->ejected = true;
    s->retry_at_ns = retry_at;
    c->nejected++;
    update_next_retry(c);
    if (rebuild_live(c) != RC_OK)
        rc_ring_destroy(&c->live); /* out of memory: route as if nobody were live */
}

/* Probes one due server; re-admits it when it answers. */
static void try_readmit(struct rc_client *c, struct cserver *s)
{
    int rc = ops_probe(c, s, c->safe_rejoin);
    if (rc != RC_OK)
        return; /* ops_round recorded the failure: retry_at moved on */
    s->ejected = false;
    s->failures = 0;
    c->nejected--;
    update_next_retry(c);
    if (rebuild_live(c) != RC_OK)
        rc_ring_destroy(&c->live);
}

void failover_retry_due(struct rc_client *c)
{
    if (c->nejected == 0)
        return;
    int64_t now = clock_mono_ns();
    if (now < c->next_retry_ns)
        return;
    for (size_t i = 0; i < c->nservers; i++) {
        struct cserver *s = &c->servers[i];
        if (s->ejected && s->retry_at_ns <= now)
            try_readmit(c, s);
    }
}

int rc_server_for_key(struct rc_client *c, const char *key, size_t key_len, size_t *owner,
                      size_t *target)
{
    if (c == NULL || ops_check_key(key, key_len) != RC_OK)
        return RC_ERR_INVAL;
    if (owner)
        *owner = failover_owner(c, key, key_len);
    struct cserver *s;
    int rc = failover_route(c, key, key_len, &s);
    if (target)
        *target = (size_t)(s - c->servers);
    return rc;
}
