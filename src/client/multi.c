/* multi: the operations that talk to many servers in one round: get_multi, the pipelined
 * set_multi, and flush_all.
 *
 * Design: keys are routed one by one; each server that gets keys gets one struct xfer, and its
 * keys are linked in request order through c->chain (chain[i] = next key of the same server), so
 * the round needs no per-server arrays. Every server's whole request is written into its wbuf
 * before the round starts; the round then writes and reads all servers at once (round.c).
 * memcached answers a get with the hits in request order and no line for a miss, so a reply is
 * matched by walking the server's chain from its head: keys skipped are misses. In text a
 * server's keys go as get commands of at most CREQ_KEYS_PER_GET keys (short lines for any
 * server) and each command's END closes its keys; in meta each key is a quiet mg (misses send
 * nothing) and one final mn's MN closes them all (request.c).
 *
 * Invariants: for each xfer, head is the first key not yet resolved, left the unresolved keys
 * of the get command being answered, nkeys the unresolved keys overall. Keys of a server whose
 * round failed keep the server's status. Ownership: values as in client.h. Concurrency: none. */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>

#define CHAIN_END SIZE_MAX
#define PENDING   RC_ERR_AGAIN /* a key's status until its server answers */

struct multictx {
    const char *const *keys;
    const size_t *lens;
    const struct rc_kv *items;
    struct rc_value *values;
    int *st; /* per key/item; NULL allowed for set_multi */
    int first;
};

static int chain_reserve(struct rc_client *c, size_t n)
{
    if (n <= c->chain_cap)
        return RC_OK;
    size_t *p = realloc(c->chain, n * sizeof(*p));
    if (p == NULL)
        return RC_ERR_NOMEM;
    c->chain = p;
    c->chain_cap = n;
    return RC_OK;
}

static void set_status(struct multictx *m, size_t i, int st)
{
    if (m->st)
        m->st[i] = st;
    if (st != RC_OK && st != RC_ERR_NOT_FOUND && st != PENDING && m->first == RC_OK)
        m->first = st;
}

/* Resolves the head key of x with status st. */
static void resolve(struct rc_client *c, struct multictx *m, struct xfer *x, int st)
{
    set_status(m, x->head, st);
    x->head = c->chain[x->head];
    x->left--;
    x->nkeys--;
}

/* End of one get command: its unanswered keys get st; returns true when x is finished. */
static bool end_command(struct rc_client *c, struct multictx *m, struct xfer *x, int st)
{
    while (x->left > 0)
        resolve(c, m, x, st);
    x->left = creq_multi_batch(c, x->nkeys);
    return x->nkeys == 0;
}

static int parse_multi(struct rc_client *c, struct xfer *x)
{
    struct multictx *m = x->ctx;
    for (;;) {
        struct creply r;
        int rc = ops_next_reply(x, &r);
        if (rc != RC_OK)
            return rc;
        if (r.kind == CR_END || r.kind == CR_ERROR || r.kind == CR_CLIENT_ERROR ||
            r.kind == CR_SERVER_ERROR) {
            int st = r.kind == CR_END ? RC_ERR_NOT_FOUND : ops_reply_status(&r);
            if (end_command(c, m, x, st))
                return RC_OK;
            continue;
        }
        if (r.kind != CR_VALUE)
            return RC_ERR_PROTOCOL;
        while (x->left > 0 &&
               (r.key_len != m->lens[x->head] || memcmp(r.key, m->keys[x->head], r.key_len) != 0))
            resolve(c, m, x, RC_ERR_NOT_FOUND);
        if (x->left == 0)
            return RC_ERR_PROTOCOL;
        resolve(c, m, x, ops_deliver(&m->values[x->head], &r));
    }
}

/* Finds or starts the xfer of server s; i is the key/item joining it. */
static struct xfer *xfer_for(struct rc_client *c, struct cserver *s, size_t *nx, size_t i,
                             int (*parse)(struct rc_client *, struct xfer *), void *ctx)
{
    size_t idx = (size_t)(s - c->servers);
    struct xfer *x;
    if (c->xfer_of_server[idx] == SIZE_MAX) {
        c->xfer_of_server[idx] = *nx;
        x = &c->xfers[(*nx)++];
        *x = (struct xfer){.srv = s, .parse = parse, .ctx = ctx, .head = i};
        ops_prepare(s);
    } else {
        x = &c->xfers[c->xfer_of_server[idx]];
        c->chain[x->tail] = i;
    }
    x->tail = i;
    c->chain[i] = CHAIN_END;
    return x;
}

/* Routes item i; 0 and *s set, or its status (recorded). */
static int route_one(struct rc_client *c, struct multictx *m, size_t i, const char *key, size_t len,
                     struct cserver **s)
{
    int rc = ops_check_key(key, len);
    if (rc == RC_OK)
        rc = failover_route(c, key, len, s);
    set_status(m, i, rc == RC_OK ? PENDING : rc);
    return rc;
}

/* A writer failed (out of memory) before anything was sent: drop every request, and give the
 * keys still pending that status. */
static int abandon_multi(struct rc_client *c, struct multictx *m, size_t n, size_t nx, int rc)
{
    rc = rc == RC_ERR_FULL ? RC_ERR_TOO_LARGE : rc;
    for (size_t k = 0; k < nx; k++)
        buf_reset(&c->xfers[k].srv->conn.wbuf);
    for (size_t i = 0; m->st && i < n; i++)
        if (m->st[i] == PENDING)
            m->st[i] = rc;
    return rc;
}

static int begin_multi(struct rc_client *c, size_t n)
{
    int rc = chain_reserve(c, n);
    if (rc != RC_OK)
        return rc;
    failover_retry_due(c);
    for (size_t i = 0; i < c->nservers; i++)
        c->xfer_of_server[i] = SIZE_MAX;
    return RC_OK;
}

/* Runs the round and gives the keys of failed servers their server's status. */
static int finish_multi(struct rc_client *c, struct multictx *m, size_t nx)
{
    (void)ops_round(c, c->xfers, nx);
    for (size_t k = 0; k < nx; k++) {
        struct xfer *x = &c->xfers[k];
        for (size_t i = x->head; x->status != RC_OK && x->nkeys > 0 && i != CHAIN_END;
             i = c->chain[i])
            set_status(m, i, x->status);
    }
    return m->first;
}

int rc_get_multi(struct rc_client *c, size_t n, const char *const *keys, const size_t *key_lens,
                 struct rc_value *values, int *statuses, int with_cas)
{
    if (c == NULL ||
        (n > 0 && (keys == NULL || key_lens == NULL || values == NULL || statuses == NULL)))
        return RC_ERR_INVAL;
    int rc = begin_multi(c, n);
    if (rc != RC_OK)
        return rc;
    struct multictx m = {.keys = keys, .lens = key_lens, .values = values, .st = statuses};
    size_t nx = 0;
    for (size_t i = 0; i < n; i++) {
        struct cserver *s;
        if (route_one(c, &m, i, keys[i], key_lens[i], &s) != RC_OK)
            continue;
        struct xfer *x = xfer_for(c, s, &nx, i, parse_multi, &m);
        rc = creq_multi_key(c, &s->conn.wbuf, x->nkeys, keys[i], key_lens[i], with_cas != 0);
        if (rc != RC_OK)
            break;
        x->nkeys++;
    }
    for (size_t k = 0; k < nx && rc == RC_OK; k++) {
        rc = creq_multi_end(c, &c->xfers[k].srv->conn.wbuf);
        c->xfers[k].left = creq_multi_batch(c, c->xfers[k].nkeys);
    }
    if (rc != RC_OK)
        return abandon_multi(c, &m, n, nx, rc);
    return finish_multi(c, &m, nx);
}

static int parse_set_multi(struct rc_client *c, struct xfer *x)
{
    struct multictx *m = x->ctx;
    while (x->nkeys > 0) {
        struct creply r;
        int rc = ops_next_reply(x, &r);
        if (rc != RC_OK)
            return rc;
        int st = ops_reply_status(&r);
        if (st == RC_ERR_PROTOCOL)
            return st;
        x->left = 1;
        resolve(c, m, x, st);
    }
    return RC_OK;
}

int rc_set_multi(struct rc_client *c, size_t n, const struct rc_kv *items, int *statuses)
{
    if (c == NULL || (n > 0 && items == NULL))
        return RC_ERR_INVAL;
    int rc = begin_multi(c, n);
    if (rc != RC_OK)
        return rc;
    struct multictx m = {.items = items, .st = statuses};
    size_t nx = 0;
    for (size_t i = 0; i < n && rc == RC_OK; i++) {
        const struct rc_kv *it = &items[i];
        struct cserver *s;
        if (it->value == NULL && it->len > 0) {
            set_status(&m, i, RC_ERR_INVAL);
            continue;
        }
        if (route_one(c, &m, i, it->key, it->key_len, &s) != RC_OK)
            continue;
        struct xfer *x = xfer_for(c, s, &nx, i, parse_set_multi, &m);
        rc = creq_store(c, &s->conn.wbuf, PROTO_CMD_SET, it->key, it->key_len, it->flags,
                        it->exptime, it->value, it->len, 0);
        x->nkeys++;
    }
    if (rc != RC_OK)
        return abandon_multi(c, &m, n, nx, rc);
    return finish_multi(c, &m, nx);
}

static int parse_flush(struct rc_client *c, struct xfer *x)
{
    struct creply r;
    int rc = ops_next_reply(x, &r);
    if (rc != RC_OK)
        return rc;
    x->answer = ops_reply_status(&r);
    return x->answer == RC_ERR_PROTOCOL ? RC_ERR_PROTOCOL : RC_OK;
}

int rc_flush_all(struct rc_client *c, int64_t delay)
{
    if (c == NULL || delay < 0)
        return RC_ERR_INVAL;
    failover_retry_due(c);
    for (size_t i = 0; i < c->nservers; i++) {
        struct cserver *s = &c->servers[i];
        ops_prepare(s);
        c->xfers[i] = (struct xfer){.srv = s, .parse = parse_flush};
        int rc = wire_flush_all(&s->conn.wbuf, delay);
        if (rc != RC_OK) {
            for (size_t k = 0; k <= i; k++)
                buf_reset(&c->servers[k].conn.wbuf);
            return rc;
        }
    }
    int rc = ops_round(c, c->xfers, c->nservers);
    for (size_t i = 0; i < c->nservers && rc == RC_OK; i++)
        rc = c->xfers[i].answer;
    return rc;
}
