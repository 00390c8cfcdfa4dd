/* ops: the single-key operations of the public API (get gets gat set add replace append prepend
 * cas delete incr decr touch) and the per-server ones (stats, version).
 *
 * Design: an op checks the key, lets due ejected servers be probed (failover_retry_due), routes
 * the key (failover_route: the policy decides between the live ring, RC_ERR_EJECTED and
 * RC_ERR_NO_SERVER), writes one request into the server's wbuf (proto's writers, compose.c) and
 * runs a one-server round (round.c) whose parse callback turns the reply into the op's status.
 * Transport failures come back as the round's status; answered errors as the op's status.
 *
 * Ownership: values follow struct rc_value's rules (client.h); nothing the caller passes is kept.
 * No allocation on the request path except a value the caller asked the library to allocate.
 * Concurrency: none (one thread per client). */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>

/* The state one op's reply parsing fills. */
struct opctx {
    const char *key;
    size_t key_len;
    struct rc_value *v; /* retrievals */
    uint64_t number;    /* incr/decr */
    rc_stat_fn stat_fn; /* stats */
    void *stat_arg;
    char *text; /* version */
    size_t text_cap;
    int st; /* the op's outcome as the server answered it */
    bool got;
};

int ops_check_key(const char *key, size_t key_len)
{
    if (key == NULL || key_len == 0 || key_len > 250)
        return RC_ERR_INVAL;
    for (size_t i = 0; i < key_len; i++) {
        unsigned char ch = (unsigned char)key[i];
        if (ch <= ' ' || ch == 0x7f)
            return RC_ERR_INVAL;
    }
    return RC_OK;
}

/* Status of an answered reply that is not the op's normal answer. */
int ops_reply_status(const struct creply *r)
{
    switch (r->kind) {
    case CR_STORED:
    case CR_DELETED:
    case CR_TOUCHED:
    case CR_OK:
        return RC_OK;
    case CR_NOT_STORED:
        return RC_ERR_NOT_STORED;
    case CR_EXISTS:
        return RC_ERR_EXISTS;
    case CR_NOT_FOUND:
        return RC_ERR_NOT_FOUND;
    case CR_ERROR:
        return RC_ERR_UNSUPPORTED;
    case CR_CLIENT_ERROR:
    case CR_SERVER_ERROR:
        if (memmem(r->data, r->data_len, "too large", 9))
            return RC_ERR_TOO_LARGE;
        if (memmem(r->data, r->data_len, "non-numeric", 11))
            return RC_ERR_NON_NUMERIC;
        if (memmem(r->data, r->data_len, "out of memory", 13))
            return RC_ERR_NOMEM;
        return r->kind == CR_CLIENT_ERROR ? RC_ERR_CLIENT : RC_ERR_SERVER;
    default:
        return RC_ERR_PROTOCOL;
    }
}

static bool is_error_reply(const struct creply *r)
{
    return r->kind == CR_ERROR || r->kind == CR_CLIENT_ERROR || r->kind == CR_SERVER_ERROR;
}

int ops_deliver(struct rc_value *v, const struct creply *r)
{
    v->flags = r->flags;
    v->cas = r->cas;
    v->len = r->data_len;
    if (v->data == NULL) {
        v->data = malloc(r->data_len + 1);
        if (v->data == NULL)
            return RC_ERR_NOMEM;
        v->cap = r->data_len + 1;
    } else if (r->data_len > v->cap) {
        return RC_ERR_FULL;
    }
    memcpy(v->data, r->data, r->data_len);
    if (r->data_len < v->cap)
        v->data[r->data_len] = '\0';
    return RC_OK;
}

/* Parses the next reply of x's server: RC_OK with *r filled (and consumed), or AGAIN/PROTOCOL. */
int ops_next_reply(struct xfer *x, struct creply *r)
{
    struct buf *rb = &x->srv->conn.rbuf;
    int rc = wire_reply(buf_rptr(rb), buf_rlen(rb), r);
    if (rc == RC_ERR_AGAIN && r->total > buf_rlen(rb)) {
        int grow = buf_reserve(rb, r->total - buf_rlen(rb));
        if (grow != RC_OK)
            return grow == RC_ERR_FULL ? RC_ERR_TOO_LARGE : grow;
    }
    if (rc == RC_OK)
        buf_consume(rb, r->total); /* r's pointers stay valid: consume never moves bytes */
    return rc;
}

static int parse_get(struct rc_client *c, struct xfer *x)
{
    struct opctx *o = x->ctx;
    for (;;) {
        struct creply r;
        int rc = ops_next_reply(x, &r);
        if (rc != RC_OK)
            return rc;
        if (r.kind == CR_END) {
            if (!o->got)
                o->st = RC_ERR_NOT_FOUND;
            return RC_OK;
        }
        if (is_error_reply(&r)) {
            o->st = ops_reply_status(&r);
            return RC_OK;
        }
        if (r.kind != CR_VALUE || o->got || r.key_len != o->key_len ||
            memcmp(r.key, o->key, r.key_len) != 0)
            return RC_ERR_PROTOCOL;
        o->got = true;
        o->st = ops_deliver(o->v, &r);
        if (c->opt.protocol == RC_PROTOCOL_META)
            return RC_OK; /* mg answers VA or EN, nothing after */
    }
}

/* One-line replies: storage, delete, touch, flush. */
static int parse_status(struct rc_client *c, struct xfer *x)
{
    struct opctx *o = x->ctx;
    struct creply r;
    int rc = ops_next_reply(x, &r);
    if (rc != RC_OK)
        return rc;
    o->st = ops_reply_status(&r);
    return o->st == RC_ERR_PROTOCOL ? RC_ERR_PROTOCOL : RC_OK;
}

/* touch: TOUCHED (text) or HD (meta) on success, NOT_FOUND (text) or EN (meta) on a miss. */
static int parse_touch(struct rc_client *c, struct xfer *x)
{
    struct opctx *o = x->ctx;
    struct creply r;
    int rc = ops_next_reply(x, &r);
    if (rc != RC_OK)
        return rc;
    o->st = r.kind == CR_END ? RC_ERR_NOT_FOUND : ops_reply_status(&r);
    return o->st == RC_ERR_PROTOCOL ? RC_ERR_PROTOCOL : RC_OK;
}

static int parse_arith(struct rc_client *c, struct xfer *x)
{
    struct opctx *o = x->ctx;
    struct creply r;
    int rc = ops_next_reply(x, &r);
    if (rc != RC_OK)
        return rc;
    if (r.kind == CR_NUMBER) {
        o->number = r.number;
        o->st = RC_OK;
        return RC_OK;
    }
    if (r.kind == CR_VALUE) { /* meta: ma ... v answers VA with the number */
        if (!proto_parse_u64(r.data, r.data_len, &o->number))
            return RC_ERR_PROTOCOL;
        o->st = RC_OK;
        return RC_OK;
    }
    o->st = ops_reply_status(&r);
    return o->st == RC_ERR_PROTOCOL || o->st == RC_OK ? RC_ERR_PROTOCOL : RC_OK;
}

/* Routes key and readies its server for a request. */
static int begin(struct rc_client *c, const char *key, size_t key_len, struct cserver **s)
{
    if (c == NULL)
        return RC_ERR_INVAL;
    int rc = ops_check_key(key, key_len);
    if (rc != RC_OK)
        return rc;
    failover_retry_due(c);
    rc = failover_route(c, key, key_len, s);
    if (rc == RC_OK)
        ops_prepare(*s);
    return rc;
}

/* Runs the request already written to s's wbuf (wrc: the writer's status). */
static int run(struct rc_client *c, struct cserver *s, int wrc,
               int (*parse)(struct rc_client *, struct xfer *), struct opctx *o)
{
    if (wrc != RC_OK) {
        buf_reset(&s->conn.wbuf);
        return wrc == RC_ERR_FULL ? RC_ERR_TOO_LARGE : wrc;
    }
    struct xfer *x = &c->xfers[0];
    *x = (struct xfer){.srv = s, .parse = parse, .ctx = o};
    int rc = ops_round(c, x, 1);
    return rc != RC_OK ? rc : o->st;
}

static int retrieve(struct rc_client *c, enum proto_cmd cmd, const char *key, size_t key_len,
                    int64_t exptime, struct rc_value *v)
{
    if (v == NULL)
        return RC_ERR_INVAL;
    struct cserver *s;
    int rc = begin(c, key, key_len, &s);
    if (rc != RC_OK)
        return rc;
    struct buf *b = &s->conn.wbuf;
    rc = creq_retrieve(c, b, cmd, key, key_len, exptime);
    struct opctx o = {.key = key, .key_len = key_len, .v = v};
    return run(c, s, rc, parse_get, &o);
}

int rc_get(struct rc_client *c, const char *key, size_t key_len, struct rc_value *v)
{
    return retrieve(c, PROTO_CMD_GET, key, key_len, 0, v);
}

int rc_gets(struct rc_client *c, const char *key, size_t key_len, struct rc_value *v)
{
    return retrieve(c, PROTO_CMD_GETS, key, key_len, 0, v);
}

int rc_gat(struct rc_client *c, const char *key, size_t key_len, int64_t exptime,
           struct rc_value *v)
{
    return retrieve(c, PROTO_CMD_GATS, key, key_len, exptime, v);
}

static int store(struct rc_client *c, enum proto_cmd cmd, const char *key, size_t key_len,
                 const void *value, size_t len, uint32_t flags, int64_t exptime, uint64_t cas)
{
    if (value == NULL && len > 0)
        return RC_ERR_INVAL;
    struct cserver *s;
    int rc = begin(c, key, key_len, &s);
    if (rc != RC_OK)
        return rc;
    rc = creq_store(c, &s->conn.wbuf, cmd, key, key_len, flags, exptime, value, len, cas);
    struct opctx o = {0};
    return run(c, s, rc, parse_status, &o);
}

int rc_set(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len,
           uint32_t flags, int64_t exptime)
{
    return store(c, PROTO_CMD_SET, key, key_len, value, len, flags, exptime, 0);
}

int rc_add(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len,
           uint32_t flags, int64_t exptime)
{
    return store(c, PROTO_CMD_ADD, key, key_len, value, len, flags, exptime, 0);
}

int rc_replace(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len,
               uint32_t flags, int64_t exptime)
{
    return store(c, PROTO_CMD_REPLACE, key, key_len, value, len, flags, exptime, 0);
}

int rc_append(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len)
{
    return store(c, PROTO_CMD_APPEND, key, key_len, value, len, 0, 0, 0);
}

int rc_prepend(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len)
{
    return store(c, PROTO_CMD_PREPEND, key, key_len, value, len, 0, 0, 0);
}

int rc_cas(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len,
           uint32_t flags, int64_t exptime, uint64_t cas)
{
    return store(c, PROTO_CMD_CAS, key, key_len, value, len, flags, exptime, cas);
}

int rc_delete(struct rc_client *c, const char *key, size_t key_len)
{
    struct cserver *s;
    int rc = begin(c, key, key_len, &s);
    if (rc != RC_OK)
        return rc;
    struct opctx o = {0};
    return run(c, s, creq_delete(c, &s->conn.wbuf, key, key_len), parse_status, &o);
}

static int arith(struct rc_client *c, enum proto_cmd cmd, const char *key, size_t key_len,
                 uint64_t delta, uint64_t *value)
{
    struct cserver *s;
    int rc = begin(c, key, key_len, &s);
    if (rc != RC_OK)
        return rc;
    struct opctx o = {0};
    rc = run(c, s, creq_arith(c, &s->conn.wbuf, cmd, key, key_len, delta), parse_arith, &o);
    if (rc == RC_OK && value)
        *value = o.number;
    return rc;
}

int rc_incr(struct rc_client *c, const char *key, size_t key_len, uint64_t delta, uint64_t *value)
{
    return arith(c, PROTO_CMD_INCR, key, key_len, delta, value);
}

int rc_decr(struct rc_client *c, const char *key, size_t key_len, uint64_t delta, uint64_t *value)
{
    return arith(c, PROTO_CMD_DECR, key, key_len, delta, value);
}

int rc_touch(struct rc_client *c, const char *key, size_t key_len, int64_t exptime)
{
    struct cserver *s;
    int rc = begin(c, key, key_len, &s);
    if (rc != RC_OK)
        return rc;
    struct opctx o = {0};
    return run(c, s, creq_touch(c, &s->conn.wbuf, key, key_len, exptime), parse_touch, &o);
}

static int parse_stats(struct rc_client *c, struct xfer *x)
{
    struct opctx *o = x->ctx;
    for (;;) {
        struct creply r;
        int rc = ops_next_reply(x, &r);
        if (rc != RC_OK)
            return rc;
        if (r.kind == CR_END)
            return RC_OK;
        if (is_error_reply(&r)) {
            o->st = ops_reply_status(&r);
            return RC_OK;
        }
        if (r.kind != CR_STAT || r.key_len >= 256 || r.data_len >= 4096)
            return RC_ERR_PROTOCOL;
        char name[256], value[4096];
        memcpy(name, r.key, r.key_len);
        name[r.key_len] = '\0';
        memcpy(value, r.data, r.data_len);
        value[r.data_len] = '\0';
        if (o->stat_fn)
            o->stat_fn(o->stat_arg, name, value);
    }
}

static int parse_version(struct rc_client *c, struct xfer *x)
{
    struct opctx *o = x->ctx;
    struct creply r;
    int rc = ops_next_reply(x, &r);
    if (rc != RC_OK)
        return rc;
    if (r.kind != CR_VERSION) {
        o->st = ops_reply_status(&r);
        return o->st == RC_ERR_PROTOCOL || o->st == RC_OK ? RC_ERR_PROTOCOL : RC_OK;
    }
    size_t n = r.data_len < o->text_cap - 1 ? r.data_len : o->text_cap - 1;
    memcpy(o->text, r.data, n);
    o->text[n] = '\0';
    return RC_OK;
}

/* Readies server `index` for a per-server request. */
static int begin_server(struct rc_client *c, size_t index, struct cserver **s)
{
    if (c == NULL || index >= c->nservers)
        return RC_ERR_INVAL;
    *s = &c->servers[index];
    ops_prepare(*s);
    return RC_OK;
}

int rc_stats(struct rc_client *c, size_t index, const char *group, rc_stat_fn fn, void *arg)
{
    struct cserver *s;
    int rc = begin_server(c, index, &s);
    if (rc != RC_OK)
        return rc;
    for (const char *g = group; g && *g; g++) /* words and spaces only: one request line */
        if ((unsigned char)*g < ' ' || *g == 0x7f || g - group > 200)
            return RC_ERR_INVAL;
    struct opctx o = {.stat_fn = fn, .stat_arg = arg};
    return run(c, s, proto_put_cmd(&s->conn.wbuf, PROTO_CMD_STATS, group), parse_stats, &o);
}

int rc_version(struct rc_client *c, size_t index, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0)
        return RC_ERR_INVAL;
    struct cserver *s;
    int rc = begin_server(c, index, &s);
    if (rc != RC_OK)
        return rc;
    struct opctx o = {.text = buf, .text_cap = cap};
    return run(c, s, proto_put_cmd(&s->conn.wbuf, PROTO_CMD_VERSION, NULL), parse_version, &o);
}
