/* exec: the text-protocol executor (see exec.h).
 *
 * Design: one function per command family; each makes one call into store.h and composes
 * memcached's reply with conn.h's helpers. Retrievals compose "VALUE ..." headers in place in the
 * write buffer; values up to CONN_INLINE_MAX are copied after them (one contiguous reply, one
 * iovec, the reference released at once), larger ones go out by reference (an iovec into item
 * memory) and the connection releases each such store_ref after the write completes. A multi-get
 * that fills the reply queue returns EXEC_PAUSE with conn->resume_pos at the next key and is called
 * again after the flush, so thousands of keys never need more than CONN_REFS references or
 * CONN_WBUF_SOFT of text.
 *
 * Invariants: no allocation (headers are composed in wbuf); every store_ref obtained is
 * handed to conn_out_value or released here. Counters are the worker's own (stats.h).
 * Concurrency: runs on the connection's worker thread; the store does its own locking and gets
 * take no global lock. */
#include "exec.h"

#include <string.h>

#include "clock.h"
#include "conn.h"
#include "exec_binary.h"
#include "exec_meta.h"
#include "server.h"
#include "settings.h"
#include "stats.h"
#include "store.h"
#include "worker.h"

#define VALUE_HDR_MAX (16 + PROTO_KEY_MAX + 3 * 20)
#define GET_BATCH     16 /* keys of a multi-get prefetched together */

int exec_parse(struct conn *c, const char *base, size_t len, struct proto_req *req)
{
    enum settings_proto p = c->w->settings->proto;
    if (p == SETTINGS_PROTO_AUTO)
        p = c->proto; /* -B auto: the first request picks the connection's protocol */
    switch (p) {
    case SETTINGS_PROTO_ASCII:
        return proto_parse_text(base, len, req);
    case SETTINGS_PROTO_BINARY:
        return proto_parse_binary(base, len, req);
    default: {
        int rc = proto_parse(base, len, req);
        if (rc != PROTO_NEED_MORE)
            c->proto = req->kind == PROTO_BINARY ? SETTINGS_PROTO_BINARY : SETTINGS_PROTO_ASCII;
        return rc;
    }
    }
}

int exec_request(struct conn *c, const struct proto_req *req, const char *base)
{
    switch (req->kind) {
    case PROTO_TEXT:
        return exec_text(c, req, base);
    case PROTO_META:
        return exec_meta(c, req, base);
    default:
        return exec_binary(c, req, base);
    }
}

static void reply(struct conn *c, const struct proto_req *req, const char *line)
{
    if (!req->noreply)
        conn_out_line(c, line);
}

/* reply() for a literal: its length is known at compile time, one append. */
#define REPLY_LIT(c, req, lit)                                                                     \
    do {                                                                                           \
        if (!(req)->noreply)                                                                       \
            conn_out_bytes((c), lit "\r\n", sizeof(lit "\r\n") - 1);                               \
    } while (0)

/* "VALUE <key> <flags> <bytes>[ <cas>]\r\n<value>\r\n", composed in place in wbuf; a value
 * above CONN_INLINE_MAX goes out by reference between the header and its "\r\n". The connection
 * owns *ref from here on. */
static void out_value(struct conn *c, const struct store_ref *ref, const char *key, size_t klen,
                      bool with_cas)
{
    bool inline_value = ref->vlen <= CONN_INLINE_MAX;
    char *h = conn_out_reserve(c, VALUE_HDR_MAX + (inline_value ? ref->vlen + 2 : 0));
    if (h == NULL) {
        struct store_ref r = *ref;
        store_unref(c->w->store, &r);
        return;
    }
    size_t n = 6;
    memcpy(h, "VALUE ", 6);
    memcpy(h + n, key, klen);
    n += klen;
    h[n++] = ' ';
    n += conn_u64_digits(h + n, ref->flags);
    h[n++] = ' ';
    n += conn_u64_digits(h + n, ref->vlen);
    if (with_cas) {
        h[n++] = ' ';
        n += conn_u64_digits(h + n, ref->cas);
    }
    h[n++] = '\r';
    h[n++] = '\n';
    if (inline_value) {
        memcpy(h + n, ref->value, ref->vlen);
        n += ref->vlen;
        h[n++] = '\r';
        h[n++] = '\n';
        struct store_ref r = *ref;
        store_unref(c->w->store, &r);
        conn_out_commit(c, n);
        return;
    }
    if (conn_out_commit(c, n) == 0 && conn_out_value(c, ref) == 0)
        conn_out_bytes(c, "\r\n", 2);
}

/* One key (hashed to h, see store_hash) of a get/gets/gat/gats: fetch (then touch for gat),
 * count, and queue the reply. */
static void get_one(struct conn *c, const struct proto_req *req, const char *key, size_t klen,
                    uint64_t h)
{
    struct worker *w = c->w;
    bool touch = req->cmd == PROTO_CMD_GAT || req->cmd == PROTO_CMD_GATS;
    bool with_cas = req->cmd == PROTO_CMD_GETS || req->cmd == PROTO_CMD_GATS;
    static const struct store_get_opts opts = {0};
    struct store_ref ref;
    enum store_status st = store_get_hashed(w->store, w->tid, key, klen, h, &opts, &ref);
    /* gat: fetch, then touch, so a past exptime still answers the item it expires (as
     * memcached, and as the meta and binary executors) */
    if (st == STORE_OK && touch)
        store_touch(w->store, w->tid, key, klen, req->exptime);
    STATS_INC(w->st, cmd_get);
    if (touch)
        STATS_INC(w->st, cmd_touch);
    if (st == STORE_OK) {
        if (touch)
            STATS_INC(w->st, touch_hits);
        else
            STATS_INC(w->st, get_hits);
        out_value(c, &ref, key, klen, with_cas);
    } else if (touch) {
        STATS_INC(w->st, touch_misses);
    } else {
        STATS_INC(w->st, get_misses);
    }
}

/* Keys are taken GET_BATCH at a time: every key's index bucket is prefetched, then every key's
 * item, then the keys are looked up, so the two cache misses of each lookup overlap with the
 * other keys' instead of coming one after the other. */
static int exec_get(struct conn *c, const struct proto_req *req, const char *base)
{
    struct store *store = c->w->store;
    uint32_t pos = c->resume_pos;
    if (pos == 0 && req->key.len > 0 && req->keys.off == req->key.off &&
        req->keys.len == req->key.len) {
        const char *key = base + req->key.off; /* one key: nothing to walk */
        get_one(c, req, key, req->key.len, store_hash(key, req->key.len));
        conn_out_bytes(c, "END\r\n", 5);
        return EXEC_DONE;
    }
    struct proto_span keys[GET_BATCH];
    uint32_t at[GET_BATCH]; /* where each key starts: a pause resumes there */
    uint64_t h[GET_BATCH];  /* each key hashed once, for both prefetches and the lookup */
    for (;;) {
        unsigned n = 0;
        while (n < GET_BATCH && (at[n] = pos, proto_keys_next(base, req, &pos, &keys[n])))
            n++;
        for (unsigned i = 0; i < n; i++) {
            h[i] = store_hash(base + keys[i].off, keys[i].len);
            if (n > 1)
                store_prefetch(store, h[i], false);
        }
        for (unsigned i = 0; n > 1 && i < n; i++)
            store_prefetch(store, h[i], true);
        for (unsigned i = 0; i < n; i++) {
            if (at[i] != 0 && !conn_out_room(c, 1, VALUE_HDR_MAX + CONN_INLINE_MAX + 8)) {
                c->resume_pos = at[i];
                return EXEC_PAUSE;
            }
            get_one(c, req, base + keys[i].off, keys[i].len, h[i]);
        }
        if (n < GET_BATCH)
            break;
    }
    conn_out_bytes(c, "END\r\n", 5);
    return EXEC_DONE;
}

static const char *store_error_line(enum store_status st)
{
    switch (st) {
    case STORE_TOO_LARGE:
        return "SERVER_ERROR object too large for cache";
    case STORE_NO_MEMORY:
        return "SERVER_ERROR out of memory storing object";
    default:
        return "SERVER_ERROR unexpected store status";
    }
}

void exec_drop_stale(struct conn *c, const struct proto_req *req, const char *base)
{
    if (req->cmd != PROTO_CMD_SET)
        return;
    struct store_delete_args a = {.key = base + req->key.off, .klen = req->key.len};
    store_delete(c->w->store, c->w->tid, &a);
}

static int exec_store(struct conn *c, const struct proto_req *req, const char *base)
{
    struct worker *w = c->w;
    static const enum store_mode modes[] = {
        [PROTO_CMD_SET] = STORE_SET,         [PROTO_CMD_ADD] = STORE_ADD,
        [PROTO_CMD_REPLACE] = STORE_REPLACE, [PROTO_CMD_APPEND] = STORE_APPEND,
        [PROTO_CMD_PREPEND] = STORE_PREPEND, [PROTO_CMD_CAS] = STORE_CAS,
    };
    bool cas = req->cmd == PROTO_CMD_CAS;
    struct store_set_args a = {
        .mode = modes[req->cmd],
        .key = base + req->key.off,
        .klen = req->key.len,
        .value = base + req->value.off,
        .vlen = req->value.len,
        .flags = req->flags,
        .exptime = req->exptime,
        .compare_cas = cas ? req->cas : 0,
    };
    enum store_status st = store_set(w->store, w->tid, &a, NULL);
    STATS_INC(w->st, cmd_set);
    if (cas) {
        if (st == STORE_OK)
            STATS_INC(w->st, cas_hits);
        else if (st == STORE_EXISTS)
            STATS_INC(w->st, cas_badval);
        else if (st == STORE_NOT_FOUND)
            STATS_INC(w->st, cas_misses);
    }
    switch (st) {
    case STORE_OK:
        REPLY_LIT(c, req, "STORED");
        break;
    case STORE_NOT_STORED:
        REPLY_LIT(c, req, "NOT_STORED");
        break;
    case STORE_EXISTS:
        REPLY_LIT(c, req, "EXISTS");
        break;
    case STORE_NOT_FOUND:
        REPLY_LIT(c, req, "NOT_FOUND");
        break;
    default:
        if (st == STORE_TOO_LARGE)
            STATS_INC(w->st, store_too_large);
        if (st == STORE_NO_MEMORY)
            STATS_INC(w->st, store_no_memory);
        exec_drop_stale(c, req, base);
        reply(c, req, store_error_line(st));
        break;
    }
    return EXEC_DONE;
}

static int exec_arith(struct conn *c, const struct proto_req *req, const char *base)
{
    struct worker *w = c->w;
    bool incr = req->cmd == PROTO_CMD_INCR;
    struct store_arith_args a = {
        .key = base + req->key.off, .klen = req->key.len, .incr = incr, .delta = req->delta};
    uint64_t value = 0;
    enum store_status st = store_arith(w->store, w->tid, &a, &value, NULL);
    if (st == STORE_OK) {
        if (incr)
            STATS_INC(w->st, incr_hits);
        else
            STATS_INC(w->st, decr_hits);
        if (!req->noreply) {
            char d[24];
            size_t n = conn_u64_digits(d, value);
            d[n++] = '\r';
            d[n++] = '\n';
            conn_out_bytes(c, d, n);
        }
    } else if (st == STORE_NOT_FOUND) {
        if (incr)
            STATS_INC(w->st, incr_misses);
        else
            STATS_INC(w->st, decr_misses);
        REPLY_LIT(c, req, "NOT_FOUND");
    } else if (st == STORE_NON_NUMERIC) {
        reply(c, req, "CLIENT_ERROR cannot increment or decrement non-numeric value");
    } else if (st == STORE_NO_MEMORY) {
        reply(c, req, "SERVER_ERROR out of memory");
    } else {
        reply(c, req, store_error_line(st));
    }
    return EXEC_DONE;
}

static int exec_touch(struct conn *c, const struct proto_req *req, const char *base)
{
    struct worker *w = c->w;
    enum store_status st =
        store_touch(w->store, w->tid, base + req->key.off, req->key.len, req->exptime);
    STATS_INC(w->st, cmd_touch);
    if (st == STORE_OK) {
        STATS_INC(w->st, touch_hits);
        REPLY_LIT(c, req, "TOUCHED");
    } else {
        STATS_INC(w->st, touch_misses);
        REPLY_LIT(c, req, "NOT_FOUND");
    }
    return EXEC_DONE;
}

static int exec_delete(struct conn *c, const struct proto_req *req, const char *base)
{
    struct worker *w = c->w;
    struct store_delete_args a = {.key = base + req->key.off, .klen = req->key.len};
    enum store_status st = store_delete(w->store, w->tid, &a);
    if (st == STORE_OK) {
        STATS_INC(w->st, delete_hits);
        REPLY_LIT(c, req, "DELETED");
    } else {
        STATS_INC(w->st, delete_misses);
        REPLY_LIT(c, req, "NOT_FOUND");
    }
    return EXEC_DONE;
}

static int exec_flush(struct conn *c, const struct proto_req *req)
{
    struct worker *w = c->w;
    if (w->settings->no_flush) {
        conn_out_line(c, "CLIENT_ERROR flush_all not allowed");
        return EXEC_DONE;
    }
    STATS_INC(w->st, cmd_flush);
    int64_t delay = req->exptime;
    if (delay > CLOCK_RELATIVE_MAX) /* an absolute unix time, as exptimes */
        delay -= clock_to_unix(w->clock, clock_now(w->clock));
    store_flush(w->store, delay > 0 ? delay : 0);
    reply(c, req, "OK");
    return EXEC_DONE;
}

static void emit_stat(void *arg, const char *name, const char *value)
{
    struct conn *c = arg;
    conn_out_bytes(c, "STAT ", 5);
    conn_out_str(c, name);
    conn_out_bytes(c, " ", 1);
    conn_out_line(c, value);
}

static bool tok_is(const struct proto_req *req, const char *base, unsigned i, const char *s)
{
    size_t n = strlen(s);
    return i < req->ntok && req->tok[i].len == n && memcmp(base + req->tok[i].off, s, n) == 0;
}

static int exec_stats(struct conn *c, const struct proto_req *req, const char *base)
{
    struct stats *st = c->w->stats;
    if (req->ntok == 0) {
        stats_general(st, emit_stat, c);
    } else if (tok_is(req, base, 0, "reset") && req->ntok == 1) {
        stats_reset(st);
        conn_out_line(c, "RESET");
        return EXEC_DONE;
    } else if (tok_is(req, base, 0, "settings")) {
        stats_settings(st, emit_stat, c);
    } else if (tok_is(req, base, 0, "items")) {
        stats_items(st, emit_stat, c);
    } else if (tok_is(req, base, 0, "slabs")) {
        stats_slabs(st, emit_stat, c);
    } else if (tok_is(req, base, 0, "sizes")) {
        emit_stat(c, "sizes_status", "disabled");
    } else {
        conn_out_line(c, "ERROR");
        return EXEC_DONE;
    }
    conn_out_line(c, "END");
    return EXEC_DONE;
}

static int exec_admin(struct conn *c, const struct proto_req *req, const char *base)
{
    switch (req->cmd) {
    case PROTO_CMD_FLUSH_ALL:
        return exec_flush(c, req);
    case PROTO_CMD_VERSION:
        conn_out_line(c, "VERSION " RC_VERSION);
        return EXEC_DONE;
    case PROTO_CMD_VERBOSITY:
        atomic_store(&c->w->stats->verbosity, (int)req->flags);
        reply(c, req, "OK");
        return EXEC_DONE;
    case PROTO_CMD_STATS:
        return exec_stats(c, req, base);
    case PROTO_CMD_QUIT:
        return EXEC_CLOSE;
    case PROTO_CMD_SHUTDOWN:
        if (!c->w->settings->shutdown_enabled) {
            conn_out_line(c, "ERROR: shutdown not enabled");
            return EXEC_DONE;
        }
        server_stop(c->w->srv);
        return EXEC_CLOSE;
    default:
        conn_out_line(c, "ERROR");
        return EXEC_DONE;
    }
}

int exec_text(struct conn *c, const struct proto_req *req, const char *base)
{
    switch (req->cmd) {
    case PROTO_CMD_GET:
    case PROTO_CMD_GETS:
    case PROTO_CMD_GAT:
    case PROTO_CMD_GATS:
        return exec_get(c, req, base);
    case PROTO_CMD_SET:
    case PROTO_CMD_ADD:
    case PROTO_CMD_REPLACE:
    case PROTO_CMD_APPEND:
    case PROTO_CMD_PREPEND:
    case PROTO_CMD_CAS:
        return exec_store(c, req, base);
    case PROTO_CMD_INCR:
    case PROTO_CMD_DECR:
        return exec_arith(c, req, base);
    case PROTO_CMD_TOUCH:
        return exec_touch(c, req, base);
    case PROTO_CMD_DELETE:
        return exec_delete(c, req, base);
    default:
        return exec_admin(c, req, base);
    }
}
