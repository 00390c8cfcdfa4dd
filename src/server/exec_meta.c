/* exec_meta: the meta-protocol executor (see exec_meta.h).
 *
 * Design: one function per command (mg, ms, md, ma, me, mn). Each decodes the key (base64 with
 * the b flag), makes one call into store.h (ma with T or t makes a second one: touch / TTL read),
 * and composes memcached's reply: a code (HD VA EN NF NS EX MN ME), then the return flags in the
 * order the client gave them, then W/X/Z for mg, then the value. The reply line is written with
 * proto's meta writers into a stack buffer (struct meta.out, META_LINE_MAX bytes, never grown)
 * and queued with conn_out_bytes; an mg value goes out by reference (conn_out_value), like the
 * text executor's.
 *
 * Behaviour, checked against memcached 1.6.18 (/usr/bin/memcached):
 *   - mg T fetches first and touches after (a touch is not atomic with the read here), so
 *     "T-1" answers the value it expires; N vivifies with its own TTL, T then applies.
 *   - q hides EN (mg), HD (ms, md, ma); NS/EX/NF and errors are always sent. mg q on a hit still
 *     answers HD/VA. ma q on an item it vivified (N) still answers, as 1.6.18 does.
 *   - EN carries O and k; HD/NS/EX/NF of ms/md/ma carry O, k and c (ms: c0 when not stored).
 *   - k echoes the key as sent and, for a base64 key, a following " b".
 *   - W/X/Z come after the other flags in the order Z, X, W (win and lose exclude each other).
 *   - ms ignores N (1.6.18 answers NS to "ms <missing> MA N30"); md/ma ignore E (the store has no
 *     set-cas for them); md x (newer protocol.txt) stores an empty value keeping flags and TTL.
 *   - me answers "ME <key> exp= la= cas= fetch= cls=1 size=" (cls is always 1: no slab classes).
 *
 * Invariants: no allocation; every store_ref is queued with conn_out_value or released here.
 * Concurrency: runs on the connection's worker thread (tid = worker index); the store locks.
 * Ownership: spans point into the connection's read buffer, valid for this call only. */
#include "exec_meta.h"

#include <string.h>

#include "buf.h"
#include "clock.h"
#include "conn.h"
#include "exec.h"
#include "stats.h"
#include "store.h"
#include "worker.h"

#define META_LINE_MAX 1024 /* conn.c's process() guarantees this much room per request */
#define META_NFLAGS   58   /* bits of proto_req.mflags: 'A'..'z' */

/* One request's scratch, on the stack. */
struct meta {
    struct conn *c;
    struct worker *w;
    const struct proto_req *req;
    const char *base;
    const char *key; /* decoded (b) or as sent */
    size_t klen;
    unsigned nflags;
    char order[META_NFLAGS]; /* flag letters in request order */
    char kbuf[PROTO_KEY_MAX];
    struct buf out; /* the reply line, in line[] */
    char line[META_LINE_MAX];
};

static bool has(const struct meta *m, char f)
{
    return proto_has_mflag(m->req, f);
}

static struct proto_span tok(const struct meta *m, char f)
{
    return m->req->mtok[proto_mflag_bit(f)];
}

static bool tok_i64(const struct meta *m, char f, int64_t *v)
{
    struct proto_span t = tok(m, f);
    return proto_parse_i64(m->base + t.off, t.len, v);
}

/* Orders the given flags by their position in the request (token offsets grow left to right). */
static void order_flags(struct meta *m)
{
    uint64_t bits = m->req->mflags;
    m->nflags = 0;
    while (bits != 0) {
        unsigned bit = (unsigned)__builtin_ctzll(bits);
        bits &= bits - 1;
        if (bit >= META_NFLAGS)
            break;
        uint32_t off = m->req->mtok[bit].off;
        unsigned i = m->nflags++;
        while (i > 0 && m->req->mtok[proto_mflag_bit(m->order[i - 1])].off > off) {
            m->order[i] = m->order[i - 1];
            i--;
        }
        m->order[i] = (char)('A' + bit);
    }
}

/* Sets up m; false when a base64 key does not decode (the parser checks it first). */
static bool meta_init(struct meta *m, struct conn *c, const struct proto_req *req, const char *base)
{
    m->c = c;
    m->w = c->w;
    m->req = req;
    m->base = base;
    m->key = base + req->key.off;
    m->klen = req->key.len;
    m->out = (struct buf){.data = m->line, .cap = sizeof(m->line), .max = sizeof(m->line)};
    order_flags(m);
    if (!has(m, 'b'))
        return true;
    int n = proto_base64_decode(m->key, m->klen, m->kbuf, sizeof(m->kbuf));
    if (n <= 0)
        return false;
    m->key = m->kbuf;
    m->klen = (size_t)n;
    return true;
}

/* The flags every reply may echo: O (opaque) and k (key as sent, then " b" for base64). */
static void put_echo(struct meta *m, char f)
{
    const struct proto_req *req = m->req;
    if (f == 'O') {
        struct proto_span t = tok(m, 'O');
        proto_put_meta_flag(&m->out, 'O', m->base + t.off, t.len);
    } else if (f == 'k') {
        proto_put_meta_flag(&m->out, 'k', m->base + req->key.off, req->key.len);
        if (has(m, 'b'))
            proto_put_meta_flag(&m->out, 'b', "", 0);
    }
}

/* "<code>" then O/k (and c = cas when with_cas) in request order. */
static void put_status(struct meta *m, const char *code, bool with_cas, uint64_t cas)
{
    proto_put_meta_code(&m->out, code, -1);
    for (unsigned i = 0; i < m->nflags; i++) {
        if (m->order[i] == 'c' && with_cas)
            proto_put_meta_flag_u64(&m->out, 'c', cas);
        else
            put_echo(m, m->order[i]);
    }
}

/* Queues the composed line with "\r\n"; then the value of ref (by reference) when non-NULL. */
static int send_line(struct meta *m, const struct store_ref *ref)
{
    proto_put_eol(&m->out);
    if (conn_out_bytes(m->c, m->out.data, m->out.wpos) == 0 && ref != NULL &&
        conn_out_value(m->c, ref) == 0)
        conn_out_bytes(m->c, "\r\n", 2);
    return EXEC_DONE;
}

static int send_error(struct meta *m, const char *line)
{
    conn_out_line(m->c, line);
    return EXEC_DONE;
}

static int64_t ttl_of(const struct meta *m, uint32_t exptime)
{
    if (exptime == 0)
        return -1;
    int64_t left = (int64_t)exptime - (int64_t)clock_now(m->w->clock);
    return left > 0 ? left : 0;
}

/* The per-item flags of an mg hit, in request order, then Z, X, W. */
static void put_item_flags(struct meta *m, const struct store_ref *ref)
{
    uint32_t now = clock_now(m->w->clock);
    for (unsigned i = 0; i < m->nflags; i++) {
        char f = m->order[i];
        switch (f) {
        case 'c':
            proto_put_meta_flag_u64(&m->out, 'c', ref->cas);
            break;
        case 'f':
            proto_put_meta_flag_u64(&m->out, 'f', ref->flags);
            break;
        case 'h':
            proto_put_meta_flag_u64(&m->out, 'h', ref->fetched ? 1 : 0);
            break;
        case 'l':
            proto_put_meta_flag_u64(&m->out, 'l', now > ref->atime ? now - ref->atime : 0);
            break;
        case 's':
            proto_put_meta_flag_u64(&m->out, 's', ref->vlen);
            break;
        case 't':
            proto_put_meta_flag_i64(&m->out, 't', ttl_of(m, ref->exptime));
            break;
        default:
            put_echo(m, f);
            break;
        }
    }
    if (ref->lost)
        proto_put_meta_flag(&m->out, 'Z', "", 0);
    if (ref->stale)
        proto_put_meta_flag(&m->out, 'X', "", 0);
    if (ref->win)
        proto_put_meta_flag(&m->out, 'W', "", 0);
}

static void count_get(struct meta *m, bool hit)
{
    struct stats_thread *st = m->w->st;
    STATS_INC(st, cmd_get);
    if (hit)
        STATS_INC(st, get_hits);
    else
        STATS_INC(st, get_misses);
    if (has(m, 'T')) {
        STATS_INC(st, cmd_touch);
        if (hit)
            STATS_INC(st, touch_hits);
        else
            STATS_INC(st, touch_misses);
    }
}

/* mg: T touches, N vivifies a miss (the creator wins), R wins a recache below its TTL. */
static int meta_get(struct meta *m)
{
    const struct proto_req *req = m->req;
    struct store_get_opts o = {.no_bump = has(m, 'u')};
    int64_t n;
    if (has(m, 'N') && tok_i64(m, 'N', &n)) {
        o.vivify = true;
        o.exptime = n;
    }
    if (has(m, 'R') && tok_i64(m, 'R', &n) && n > 0) {
        o.recache = true;
        o.recache_below = (uint32_t)n;
    }
    struct store_ref ref;
    enum store_status st = store_get(m->w->store, m->w->tid, m->key, m->klen, &o, &ref);
    if (st == STORE_OK && has(m, 'T')) {
        /* memcached fetches, then touches: "T-1" still answers the value it expires */
        store_touch(m->w->store, m->w->tid, m->key, m->klen, req->exptime);
        ref.exptime = clock_exptime(m->w->clock, req->exptime);
    }
    count_get(m, st == STORE_OK);
    if (st == STORE_NO_MEMORY)
        return send_error(m, "SERVER_ERROR out of memory");
    if (st != STORE_OK) {
        if (req->noreply)
            return EXEC_DONE;
        put_status(m, "EN", false, 0);
        return send_line(m, NULL);
    }
    bool value = has(m, 'v');
    proto_put_meta_code(&m->out, value ? "VA" : "HD", value ? (int64_t)ref.vlen : -1);
    put_item_flags(m, &ref);
    if (!value) {
        store_unref(m->w->store, &ref);
        return send_line(m, NULL);
    }
    return send_line(m, &ref);
}

static enum store_mode ms_mode(const struct meta *m)
{
    if (!has(m, 'M'))
        return STORE_SET;
    switch (m->base[tok(m, 'M').off]) {
    case 'E':
    case 'e':
        return STORE_ADD;
    case 'A':
    case 'a':
        return STORE_APPEND;
    case 'P':
    case 'p':
        return STORE_PREPEND;
    case 'R':
    case 'r':
        return STORE_REPLACE;
    default:
        return STORE_SET;
    }
}

static void count_set(struct meta *m, enum store_status st)
{
    struct stats_thread *c = m->w->st;
    STATS_INC(c, cmd_set);
    if (st == STORE_TOO_LARGE)
        STATS_INC(c, store_too_large);
    if (st == STORE_NO_MEMORY)
        STATS_INC(c, store_no_memory);
    if (!has(m, 'C'))
        return;
    if (st == STORE_OK)
        STATS_INC(c, cas_hits);
    else if (st == STORE_EXISTS)
        STATS_INC(c, cas_badval);
    else if (st == STORE_NOT_FOUND)
        STATS_INC(c, cas_misses);
}

/* ms: M picks the mode, C compares, E sets the new cas, I stores a stale item under an older
 * cas, F/T give flags and TTL. */
static int meta_set(struct meta *m)
{
    const struct proto_req *req = m->req;
    struct store_set_args a = {
        .mode = ms_mode(m),
        .key = m->key,
        .klen = m->klen,
        .value = m->base + req->value.off,
        .vlen = req->value.len,
        .flags = req->flags,
        .exptime = req->exptime,
        .compare_cas = has(m, 'C') ? req->cas : 0,
        .invalidate = has(m, 'I'),
    };
    if (has(m, 'E')) {
        struct proto_span t = tok(m, 'E');
        proto_parse_u64(m->base + t.off, t.len, &a.set_cas);
    }
    uint64_t cas = 0;
    enum store_status st = store_set(m->w->store, m->w->tid, &a, &cas);
    count_set(m, st);
    switch (st) {
    case STORE_OK:
        if (req->noreply)
            return EXEC_DONE;
        put_status(m, "HD", true, cas);
        return send_line(m, NULL);
    case STORE_NOT_STORED:
        put_status(m, "NS", true, 0);
        return send_line(m, NULL);
    case STORE_EXISTS:
        put_status(m, "EX", true, 0);
        return send_line(m, NULL);
    case STORE_NOT_FOUND:
        put_status(m, "NF", true, 0);
        return send_line(m, NULL);
    default:
        if (a.mode == STORE_SET) { /* never leave the value the client meant to replace */
            struct store_delete_args d = {.key = m->key, .klen = m->klen};
            store_delete(m->w->store, m->w->tid, &d);
        }
        return send_error(m, st == STORE_TOO_LARGE ? "SERVER_ERROR object too large for cache"
                                                   : "SERVER_ERROR out of memory storing object");
    }
}

/* md x: replaces the value with an empty one, keeping flags and TTL (compare-and-swap on the
 * cas read, so a concurrent write wins). */
static enum store_status remove_value(struct meta *m, uint64_t compare)
{
    struct store *s = m->w->store;
    struct store_get_opts o = {.no_bump = true};
    struct store_ref ref;
    enum store_status st = store_get(s, m->w->tid, m->key, m->klen, &o, &ref);
    if (st != STORE_OK)
        return st;
    if (compare != 0 && compare != ref.cas) {
        store_unref(s, &ref);
        return STORE_EXISTS;
    }
    struct store_set_args a = {
        .mode = STORE_CAS,
        .key = m->key,
        .klen = m->klen,
        .value = "",
        .vlen = 0,
        .flags = ref.flags,
        .exptime = ref.exptime ? clock_to_unix(m->w->clock, ref.exptime) : 0,
        .compare_cas = ref.cas,
    };
    store_unref(s, &ref);
    return store_set(s, m->w->tid, &a, NULL);
}

/* md: C compares, I marks stale instead of removing (T then sets the TTL), x empties. */
static int meta_delete(struct meta *m)
{
    const struct proto_req *req = m->req;
    uint64_t compare = has(m, 'C') ? req->cas : 0;
    enum store_status st;
    if (has(m, 'x')) {
        st = remove_value(m, compare);
        if (st == STORE_OK && has(m, 'I')) {
            struct store_delete_args d = {.key = m->key,
                                          .klen = m->klen,
                                          .invalidate = true,
                                          .touch = has(m, 'T'),
                                          .exptime = req->exptime};
            st = store_delete(m->w->store, m->w->tid, &d);
        }
    } else {
        struct store_delete_args d = {.key = m->key,
                                      .klen = m->klen,
                                      .compare_cas = compare,
                                      .invalidate = has(m, 'I'),
                                      .touch = has(m, 'T'),
                                      .exptime = req->exptime};
        st = store_delete(m->w->store, m->w->tid, &d);
    }
    if (st == STORE_OK)
        STATS_INC(m->w->st, delete_hits);
    else
        STATS_INC(m->w->st, delete_misses);
    if (st == STORE_OK) {
        if (req->noreply)
            return EXEC_DONE;
        put_status(m, "HD", false, 0);
    } else {
        put_status(m, st == STORE_EXISTS ? "EX" : "NF", false, 0);
    }
    return send_line(m, NULL);
}

static void count_arith(struct meta *m, bool incr, bool hit)
{
    struct stats_thread *st = m->w->st;
    if (incr && hit)
        STATS_INC(st, incr_hits);
    else if (incr)
        STATS_INC(st, incr_misses);
    else if (hit)
        STATS_INC(st, decr_hits);
    else
        STATS_INC(st, decr_misses);
}

/* The remaining TTL of key for ma's t flag (-1: none or gone). */
static int64_t current_ttl(struct meta *m)
{
    struct store_get_opts o = {.no_bump = true};
    struct store_ref ref;
    if (store_get(m->w->store, m->w->tid, m->key, m->klen, &o, &ref) != STORE_OK)
        return -1;
    int64_t ttl = ttl_of(m, ref.exptime);
    store_unref(m->w->store, &ref);
    return ttl;
}

/* ma's answer once the store has changed the value: HD or "VA <n>" with t, c, O, k. */
static int arith_reply(struct meta *m, uint64_t value, uint64_t cas)
{
    char digits[24];
    size_t nd = conn_u64_digits(digits, value);
    bool with_value = has(m, 'v');
    proto_put_meta_code(&m->out, with_value ? "VA" : "HD", with_value ? (int64_t)nd : -1);
    for (unsigned i = 0; i < m->nflags; i++) {
        char f = m->order[i];
        if (f == 't')
            proto_put_meta_flag_i64(&m->out, 't', current_ttl(m));
        else if (f == 'c')
            proto_put_meta_flag_u64(&m->out, 'c', cas);
        else
            put_echo(m, f);
    }
    if (with_value) {
        proto_put_eol(&m->out);
        buf_append(&m->out, digits, nd);
    }
    return send_line(m, NULL);
}

/* ma: M picks incr (I, +) or decr (D, -), D the delta, N vivifies a miss with J (initial) and
 * N's TTL, C compares, T sets the TTL of the result. */
static int meta_arith(struct meta *m)
{
    const struct proto_req *req = m->req;
    char mode = has(m, 'M') ? m->base[tok(m, 'M').off] : 'I';
    bool incr = !(mode == 'D' || mode == 'd' || mode == '-');
    struct store_arith_args a = {.key = m->key,
                                 .klen = m->klen,
                                 .incr = incr,
                                 .delta = req->delta,
                                 .initial = req->initial,
                                 .compare_cas = has(m, 'C') ? req->cas : 0};
    uint64_t value = 0, cas = 0;
    struct store *s = m->w->store;
    enum store_status st = store_arith(s, m->w->tid, &a, &value, &cas);
    bool vivified = false;
    int64_t ttl;
    if (st == STORE_NOT_FOUND && has(m, 'N') && tok_i64(m, 'N', &ttl)) {
        a.vivify = true;
        a.exptime = ttl;
        st = store_arith(s, m->w->tid, &a, &value, &cas);
        vivified = st == STORE_OK;
    }
    count_arith(m, incr, st == STORE_OK && !vivified);
    if (st == STORE_OK && has(m, 'T'))
        store_touch(s, m->w->tid, m->key, m->klen, req->exptime);
    switch (st) {
    case STORE_OK:
        if (req->noreply && !vivified) /* 1.6.18 answers a vivifying ma even with q */
            return EXEC_DONE;
        return arith_reply(m, value, cas);
    case STORE_NOT_FOUND:
    case STORE_EXISTS:
    case STORE_NOT_STORED:
        put_status(m, st == STORE_EXISTS ? "EX" : st == STORE_NOT_FOUND ? "NF" : "NS", false, 0);
        return send_line(m, NULL);
    case STORE_NON_NUMERIC:
        return send_error(m, "CLIENT_ERROR cannot increment or decrement non-numeric value");
    default:
        return send_error(m, "SERVER_ERROR out of memory");
    }
}

/* me: "ME <key> exp=<ttl> la=<idle> cas=<cas> fetch=<yes|no> cls=1 size=<bytes>", or EN. */
static int meta_debug(struct meta *m)
{
    struct store_get_opts o = {.no_bump = true};
    struct store_ref ref;
    if (store_get(m->w->store, m->w->tid, m->key, m->klen, &o, &ref) != STORE_OK)
        return send_error(m, "EN");
    uint32_t now = clock_now(m->w->clock);
    struct buf *b = &m->out;
    buf_append(b, "ME ", 3);
    buf_append(b, m->base + m->req->key.off, m->req->key.len);
    char num[24];
    int64_t exp = ttl_of(m, ref.exptime);
    buf_append_str(b, " exp=");
    if (exp < 0) {
        buf_append_str(b, "-1");
    } else {
        buf_append(b, num, conn_u64_digits(num, (uint64_t)exp));
    }
    buf_append_str(b, " la=");
    buf_append(b, num, conn_u64_digits(num, now > ref.atime ? now - ref.atime : 0));
    buf_append_str(b, " cas=");
    buf_append(b, num, conn_u64_digits(num, ref.cas));
    buf_append_str(b, ref.fetched ? " fetch=yes cls=1 size=" : " fetch=no cls=1 size=");
    buf_append(b, num, conn_u64_digits(num, ref.klen + ref.vlen));
    store_unref(m->w->store, &ref);
    return send_line(m, NULL);
}

int exec_meta(struct conn *c, const struct proto_req *req, const char *base)
{
    if (req->cmd == PROTO_CMD_MN) {
        conn_out_bytes(c, "MN\r\n", 4);
        return EXEC_DONE;
    }
    struct meta m;
    if (!meta_init(&m, c, req, base)) {
        conn_out_line(c, "CLIENT_ERROR error decoding key");
        return EXEC_DONE;
    }
    switch (req->cmd) {
    case PROTO_CMD_MG:
        return meta_get(&m);
    case PROTO_CMD_MS:
        return meta_set(&m);
    case PROTO_CMD_MD:
        return meta_delete(&m);
    case PROTO_CMD_MA:
        return meta_arith(&m);
    case PROTO_CMD_ME:
        return meta_debug(&m);
    default:
        conn_out_line(c, "ERROR");
        return EXEC_DONE;
    }
}
