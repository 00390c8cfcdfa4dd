/* bench_conn: requests out and verified replies in for one load-generator connection (contract
 * in bench_conn.h).
 *
 * Design. Requests go out in order and memcached answers in order, so the in-flight queue is a
 * ring of slots (depth entries) and every reply belongs to the head slot. Replies are read with
 * the shared protocol library's reply parser (proto_parse_rsp, src/proto/rsp.c) one element at a
 * time (a status line, or a value header together with its data block); a partial element is left
 * for the next call, so the only state kept between calls is in the head slot (which multi-get
 * key comes next, hits so far).
 *
 * Verification: a hit must name (text: the key; meta: the k flag in multi-gets, the client flags
 * always) a key that was asked for and not yet answered, carry client flags == key id, and
 * exactly the pattern bytes for that key id (the first pattern_len bytes of longer values). Any
 * length is accepted: an earlier run with other sizes may have stored the value.
 *
 * Invariants: count <= depth; slot[head] is the oldest request; key ids of slot i live at
 * key[i * mget ...]. Concurrency: none. Ownership: slot/key arrays belong to the conn, the cfg
 * and the stats to the caller. Non-goals: binary protocol, noreply requests. */
#include "bench_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "ringcache/status.h"

static const char pattern_chars[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

int bench_conn_cfg_init(struct bench_conn_cfg *cfg, enum bench_conn_proto proto, const char *prefix,
                        uint32_t vmin, uint32_t vmax, unsigned depth, unsigned mget)
{
    memset(cfg, 0, sizeof(*cfg));
    size_t plen = strlen(prefix);
    if (plen > BENCH_CONN_PREFIX_MAX || strpbrk(prefix, " \r\n\t") || vmin > vmax || depth == 0 ||
        mget == 0 || mget > BENCH_GEN_MGET_MAX)
        return RC_ERR_INVAL;
    cfg->pattern_len = vmax > BENCH_CONN_CHECK_MIN ? vmax : BENCH_CONN_CHECK_MIN;
    cfg->pattern = malloc(cfg->pattern_len + BENCH_CONN_CYCLE);
    if (!cfg->pattern)
        return RC_ERR_NOMEM;
    for (size_t i = 0; i < cfg->pattern_len + BENCH_CONN_CYCLE; i++)
        cfg->pattern[i] = pattern_chars[i % BENCH_CONN_CYCLE];
    memcpy(cfg->prefix, prefix, plen + 1);
    cfg->proto = proto;
    cfg->vmin = vmin;
    cfg->vmax = vmax;
    cfg->depth = depth;
    cfg->mget = mget;
    return 0;
}

void bench_conn_cfg_deinit(struct bench_conn_cfg *cfg)
{
    free(cfg->pattern);
    cfg->pattern = NULL;
}

void bench_conn_stats_init(struct bench_conn_stats *s)
{
    memset(s, 0, sizeof(*s));
    hist_init(&s->lat);
}

void bench_conn_stats_merge(struct bench_conn_stats *dst, const struct bench_conn_stats *src)
{
    hist_merge(&dst->lat, &src->lat);
    dst->ops += src->ops;
    dst->gets += src->gets;
    dst->sets += src->sets;
    dst->keys += src->keys;
    dst->hits += src->hits;
    dst->errors += src->errors;
    dst->corrupt += src->corrupt;
    if (!dst->first_error[0])
        memcpy(dst->first_error, src->first_error, sizeof(dst->first_error));
}

int bench_conn_init(struct bench_conn *c, const struct bench_conn_cfg *cfg,
                    struct bench_conn_stats *stats)
{
    memset(c, 0, sizeof(*c));
    c->slot = calloc(cfg->depth, sizeof(*c->slot));
    c->key = calloc((size_t)cfg->depth * cfg->mget, sizeof(*c->key));
    if (!c->slot || !c->key) {
        bench_conn_deinit(c);
        return RC_ERR_NOMEM;
    }
    c->cfg = cfg;
    c->stats = stats;
    return 0;
}

void bench_conn_deinit(struct bench_conn *c)
{
    free(c->slot);
    free(c->key);
    c->slot = NULL;
    c->key = NULL;
    c->count = 0;
}

void bench_conn_reset(struct bench_conn *c)
{
    c->head = 0;
    c->count = 0;
}

/* Writes v in decimal at p; returns the length. */
static size_t put_u64(char *p, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

static size_t put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return n;
}

static size_t put_key(char *p, const struct bench_conn_cfg *cfg, uint64_t id)
{
    size_t n = put_str(p, cfg->prefix);
    return n + put_u64(p + n, id);
}

/* Request bytes for op, written at p (room was reserved by the caller); returns the length. */
static size_t compose(const struct bench_conn_cfg *cfg, const struct bench_gen_op *op, char *p)
{
    size_t n = 0;
    if (op->type == BENCH_GEN_SET) {
        uint64_t id = op->key[0];
        n += put_str(p, cfg->proto == BENCH_CONN_META ? "ms " : "set ");
        n += put_key(p + n, cfg, id);
        if (cfg->proto == BENCH_CONN_META) {
            p[n++] = ' ';
            n += put_u64(p + n, op->vlen);
            n += put_str(p + n, " F");
            n += put_u64(p + n, (uint32_t)id);
            n += put_str(p + n, " T0\r\n");
        } else {
            p[n++] = ' ';
            n += put_u64(p + n, (uint32_t)id);
            n += put_str(p + n, " 0 ");
            n += put_u64(p + n, op->vlen);
            n += put_str(p + n, "\r\n");
        }
        memcpy(p + n, cfg->pattern + id % BENCH_CONN_CYCLE, op->vlen);
        n += op->vlen;
        return n + put_str(p + n, "\r\n");
    }
    if (cfg->proto == BENCH_CONN_TEXT) {
        n += put_str(p, "get");
        for (unsigned i = 0; i < op->nkeys; i++) {
            p[n++] = ' ';
            n += put_key(p + n, cfg, op->key[i]);
        }
        return n + put_str(p + n, "\r\n");
    }
    if (op->nkeys == 1) {
        n += put_str(p, "mg ");
        n += put_key(p + n, cfg, op->key[0]);
        return n + put_str(p + n, " v f\r\n");
    }
    for (unsigned i = 0; i < op->nkeys; i++) {
        n += put_str(p + n, "mg ");
        n += put_key(p + n, cfg, op->key[i]);
        n += put_str(p + n, " v f k q\r\n");
    }
    return n + put_str(p + n, "mn\r\n");
}

int bench_conn_send(struct bench_conn *c, const struct bench_gen_op *op, int64_t now,
                    struct buf *out)
{
    const struct bench_conn_cfg *cfg = c->cfg;
    if (c->count >= cfg->depth)
        return RC_ERR_FULL;
    if (op->nkeys == 0 || op->nkeys > cfg->mget || (op->type == BENCH_GEN_SET && op->nkeys != 1))
        return RC_ERR_INVAL;
    /* Upper bound of the request size: per key "mg " + key + " v f k q\r\n". */
    size_t keymax = strlen(cfg->prefix) + 20;
    size_t need = op->nkeys * (keymax + 16) + 64 + (op->type == BENCH_GEN_SET ? op->vlen : 0);
    if (buf_reserve(out, need) != 0)
        return RC_ERR_FULL;
    buf_commit(out, compose(cfg, op, buf_wptr(out)));

    unsigned idx = (c->head + c->count) % cfg->depth;
    struct bench_conn_slot *s = &c->slot[idx];
    s->t0 = now;
    s->type = (uint8_t)op->type;
    s->nkeys = (uint16_t)op->nkeys;
    s->next = 0;
    s->found = 0;
    s->vlen = op->vlen;
    memcpy(&c->key[(size_t)idx * cfg->mget], op->key, op->nkeys * sizeof(op->key[0]));
    c->count++;
    return 0;
}

/* ---- replies ---- */

enum unit_result { UNIT_NEXT, UNIT_DONE };

static int fail(struct bench_conn *c, const char *what, const char *p, size_t n)
{
    if (!c->stats->first_error[0])
        snprintf(c->stats->first_error, sizeof(c->stats->first_error), "%s: \"%.*s\"", what,
                 (int)(n > 60 ? 60 : n), p);
    return RC_ERR_PROTOCOL;
}

static void corrupt(struct bench_conn *c, const char *what, uint64_t id)
{
    c->stats->corrupt++;
    if (!c->stats->first_error[0])
        snprintf(c->stats->first_error, sizeof(c->stats->first_error), "%s (key %s%llu)", what,
                 c->cfg->prefix, (unsigned long long)id);
}

static int parse_u64(const char *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 19)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    *out = v;
    return 0;
}

static int is_error(const struct proto_rsp *r)
{
    return r->type == PROTO_RSP_ERROR || r->type == PROTO_RSP_CLIENT_ERROR ||
           r->type == PROTO_RSP_SERVER_ERROR;
}

/* Checks one returned value of the head request. key is NULL when the reply carries no key
 * (single meta get): then it answers the request's only key. */
static void verify_hit(struct bench_conn *c, struct bench_conn_slot *s, const uint64_t *keys,
                       const char *key, size_t klen, uint64_t flags, const char *data, uint64_t len)
{
    const struct bench_conn_cfg *cfg = c->cfg;
    size_t plen = strlen(cfg->prefix);
    uint64_t id = keys[s->next < s->nkeys ? s->next : 0];
    if (key) {
        if (klen <= plen || memcmp(key, cfg->prefix, plen) != 0 ||
            parse_u64(key + plen, klen - plen, &id) != 0) {
            corrupt(c, "reply for a key not asked for", id);
            return;
        }
        unsigned i = s->next;
        while (i < s->nkeys && keys[i] != id)
            i++;
        if (i == s->nkeys) {
            corrupt(c, "reply for a key not asked for (or out of order)", id);
            return;
        }
        s->next = (uint16_t)(i + 1);
    } else if (s->next++ != 0) {
        corrupt(c, "two values for one key", id);
        return;
    }
    /* Any length is accepted (an earlier run may have stored other sizes); the bytes are checked
     * up to the pattern's length. */
    size_t check = len < cfg->pattern_len ? (size_t)len : cfg->pattern_len;
    if (flags != (uint32_t)id)
        corrupt(c, "wrong client flags", id);
    else if (memcmp(data, cfg->pattern + id % BENCH_CONN_CYCLE, check) != 0)
        corrupt(c, "wrong value bytes", id);
    else {
        c->stats->hits++;
        s->found++;
    }
}

/* One text reply element for the head request. */
static int text_element(struct bench_conn *c, struct bench_conn_slot *s, const uint64_t *keys,
                        const char *p, const struct proto_rsp *r)
{
    if (s->type == BENCH_GEN_SET) {
        if (r->type == PROTO_RSP_STORED)
            return UNIT_DONE;
        if (r->type == PROTO_RSP_NOT_STORED || r->type == PROTO_RSP_EXISTS ||
            r->type == PROTO_RSP_NOT_FOUND || is_error(r)) {
            c->stats->errors++;
            return UNIT_DONE;
        }
        return fail(c, "unexpected reply to set", p, r->hdr_len);
    }
    if (r->type == PROTO_RSP_END)
        return UNIT_DONE;
    if (r->type == PROTO_RSP_VALUE) {
        verify_hit(c, s, keys, p + r->key.off, r->key.len, r->flags, p + r->value.off,
                   r->value.len);
        return UNIT_NEXT;
    }
    if (is_error(r)) {
        c->stats->errors++;
        return UNIT_DONE;
    }
    return fail(c, "unexpected reply to get", p, r->hdr_len);
}

/* A meta VA element: the f and k return flags name the value. */
static int meta_value(struct bench_conn *c, struct bench_conn_slot *s, const uint64_t *keys,
                      const char *p, const struct proto_rsp *r)
{
    uint64_t flags = UINT64_MAX;
    const char *key = NULL;
    size_t klen = 0;
    if (proto_rsp_has_mflag(r, 'f')) {
        struct proto_span f = r->mtok[proto_mflag_bit('f')];
        if (parse_u64(p + f.off, f.len, &flags) != 0)
            return fail(c, "bad f flag", p, r->hdr_len);
    }
    if (proto_rsp_has_mflag(r, 'k')) {
        struct proto_span k = r->mtok[proto_mflag_bit('k')];
        key = p + k.off;
        klen = k.len;
    }
    if (s->nkeys > 1 && !key)
        return fail(c, "multi-get value without k flag", p, r->hdr_len);
    verify_hit(c, s, keys, key, klen, flags, p + r->value.off, r->value.len);
    return s->nkeys == 1 ? UNIT_DONE : UNIT_NEXT;
}

static int meta_element(struct bench_conn *c, struct bench_conn_slot *s, const uint64_t *keys,
                        const char *p, const struct proto_rsp *r)
{
    if (s->type == BENCH_GEN_SET) {
        if (r->type == PROTO_RSP_HD)
            return UNIT_DONE;
        if (r->type == PROTO_RSP_NS || r->type == PROTO_RSP_EX || r->type == PROTO_RSP_NF ||
            is_error(r)) {
            c->stats->errors++;
            return UNIT_DONE;
        }
        return fail(c, "unexpected reply to ms", p, r->hdr_len);
    }
    if (r->type == PROTO_RSP_VA)
        return meta_value(c, s, keys, p, r);
    if (r->type == PROTO_RSP_EN) {
        if (s->nkeys == 1)
            return UNIT_DONE;
        corrupt(c, "EN for a quiet mg", keys[0]);
        return UNIT_NEXT;
    }
    if (r->type == PROTO_RSP_MN && s->nkeys > 1)
        return UNIT_DONE;
    if (is_error(r)) {
        c->stats->errors++;
        return s->nkeys == 1 ? UNIT_DONE : UNIT_NEXT;
    }
    return fail(c, "unexpected reply to mg", p, r->hdr_len);
}

static void complete(struct bench_conn *c, int64_t now)
{
    struct bench_conn_slot *s = &c->slot[c->head];
    struct bench_conn_stats *st = c->stats;
    hist_record(&st->lat, now > s->t0 ? (uint64_t)(now - s->t0) : 0);
    st->ops++;
    if (s->type == BENCH_GEN_GET) {
        st->gets++;
        st->keys += s->nkeys;
    } else {
        st->sets++;
    }
    c->head = (c->head + 1) % c->cfg->depth;
    c->count--;
}

int bench_conn_recv(struct bench_conn *c, const char *p, size_t n, int64_t now, size_t *used)
{
    size_t off = 0;
    int done = 0;
    struct proto_rsp *r = &c->rsp;
    while (off < n) {
        const char *q = p + off;
        int rc = proto_parse_rsp(q, n - off, r);
        if (rc == PROTO_NEED_MORE)
            break;
        if (rc != PROTO_OK || c->count == 0) {
            *used = off;
            return fail(c, rc != PROTO_OK ? "not a reply" : "reply with nothing in flight", q,
                        rc == PROTO_OK ? r->hdr_len : n - off);
        }
        const uint64_t *keys = &c->key[(size_t)c->head * c->cfg->mget];
        struct bench_conn_slot *s = &c->slot[c->head];
        int u = c->cfg->proto == BENCH_CONN_TEXT ? text_element(c, s, keys, q, r)
                                                 : meta_element(c, s, keys, q, r);
        if (u < 0) {
            *used = off;
            return u;
        }
        off += r->total_len;
        if (u == UNIT_DONE) {
            complete(c, now);
            done++;
        }
    }
    *used = off;
    return done;
}
