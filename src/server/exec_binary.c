/* exec_binary: the binary-protocol executor (see exec_binary.h).
 *
 * Design: the parser (src/proto/binary.c) maps each opcode onto a command of cmds.def with two
 * bits, quiet (req->noreply) and with-key (req->with_key), and keeps the opcode and opaque to
 * echo. This file makes one call into store.h per request and writes memcached's response
 * packet: a 24-byte header composed with proto_put_bin_rsp into a stack buffer, then the body
 * (a value goes out by reference from item memory, as in the text executor).
 *
 * Behaviour, checked against memcached 1.6.18 (/usr/bin/memcached, byte for byte):
 *   - quiet opcodes hide success only: GETQ/GETKQ/GATQ/GATKQ a miss, SETQ..PREPENDQ, DELETEQ,
 *     INCRQ/DECRQ, FLUSHQ a success; QUITQ closes without a word. Errors are always sent.
 *   - a GET/GAT miss is "Not found" (0x01) with that text; GETK/GATK answer 0x01 with the key
 *     and no text. Hits carry the 4-byte flags as extras and the cas.
 *   - ADD on an existing key: 0x02 "Data exists for key."; REPLACE on a missing key: 0x01;
 *     APPEND/PREPEND on a missing key: 0x05 "Not stored."; a cas mismatch 0x02, cas on a missing
 *     key 0x01; "Too large." 0x03 (body swallowed); non-numeric incr/decr 0x06.
 *   - INCR/DECR with exptime 0xffffffff do not create; otherwise a miss creates `initial`.
 *   - TOUCH answers the flags as extras without the value; STAT sends one packet per stat and an
 *     empty packet to end; unknown groups are 0x01; "reset" sends just the end packet.
 *   - flush_all disabled (-F): 0x20 "Auth failure.", even for FLUSHQ.
 *   - SASL: ringcached has no SASL; LIST_MECHS/AUTH/STEP answer 0x81 "Unknown command", which
 *     is exactly what memcached answers when SASL is not enabled (clients report auth as
 *     unsupported).
 *   - VERBOSITY sets the level without a reply (1.6.18 mis-answers it with "Unknown command"
 *     and loses the next request; we do not copy that).
 *
 * Invariants: no allocation; each store_ref is queued with conn_out_value or released here.
 * Concurrency: runs on the connection's worker thread; the store does its own locking.
 * Ownership: spans point into the connection's read buffer, valid for this call only. */
#include "exec_binary.h"

#include <string.h>

#include "buf.h"
#include "clock.h"
#include "conn.h"
#include "exec.h"
#include "settings.h"
#include "stats.h"
#include "store.h"
#include "worker.h"

/* protocol_binary.h's PROTOCOL_BINARY_RESPONSE_AUTH_ERROR (proto.h's constant says 0x08). */
#define BIN_AUTH_ERROR 0x20
#define BIN_OP_STAT    0x10
#define BIN_RSP_MAX    (PROTO_BIN_HDR_LEN + 8 + PROTO_KEY_MAX)
#define BIN_NO_VIVIFY  (-1) /* exptime 0xffffffff of incr/decr, as a signed 32-bit value */

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One response packet: header, extras and key (composed on the stack), then body bytes. */
static void send_rsp(struct conn *c, uint8_t opcode, uint32_t opaque, uint16_t status, uint64_t cas,
                     const void *extras, uint8_t nextras, const char *key, uint16_t nkey,
                     const void *body, uint32_t nbody)
{
    char mem[BIN_RSP_MAX];
    struct buf b = {.data = mem, .cap = sizeof(mem), .max = sizeof(mem)};
    if (proto_put_bin_rsp(&b, opcode, status, opaque, cas, extras, nextras, key, nkey, nbody) != 0)
        return;
    if (conn_out_bytes(c, mem, b.wpos) == 0 && nbody > 0)
        conn_out_bytes(c, body, nbody);
}

static void send_ok(struct conn *c, const struct proto_req *req, uint64_t cas)
{
    send_rsp(c, req->opcode, req->opaque, PROTO_BIN_OK, cas, NULL, 0, NULL, 0, NULL, 0);
}

static void send_status(struct conn *c, const struct proto_req *req, uint16_t status)
{
    const char *text = status == BIN_AUTH_ERROR ? "Auth failure." : proto_bin_status_text(status);
    send_rsp(c, req->opcode, req->opaque, status, 0, NULL, 0, NULL, 0, text,
             (uint32_t)strlen(text));
}

void exec_binary_error(struct conn *c, const struct proto_req *req)
{
    if (!req->noreply)
        send_status(c, req, req->bin_status);
}

void exec_binary_too_large(struct conn *c, const struct proto_req *req)
{
    send_status(c, req, PROTO_BIN_E2BIG);
}

/* A hit: flags as extras, the key for GETK/GATK, the value by reference. */
static void send_value(struct conn *c, const struct proto_req *req, const struct store_ref *ref,
                       const char *key)
{
    unsigned char flags[4];
    wr32(flags, ref->flags);
    char mem[BIN_RSP_MAX];
    struct buf b = {.data = mem, .cap = sizeof(mem), .max = sizeof(mem)};
    uint16_t nkey = req->with_key ? (uint16_t)req->key.len : 0;
    if (proto_put_bin_rsp(&b, req->opcode, PROTO_BIN_OK, req->opaque, ref->cas, flags, 4, key, nkey,
                          ref->vlen) != 0 ||
        conn_out_bytes(c, mem, b.wpos) != 0) {
        struct store_ref r = *ref;
        store_unref(c->w->store, &r);
        return;
    }
    conn_out_value(c, ref);
}

static void count_get(struct worker *w, bool touch, bool hit)
{
    STATS_INC(w->st, cmd_get);
    if (touch)
        STATS_INC(w->st, cmd_touch);
    if (touch && hit)
        STATS_INC(w->st, touch_hits);
    else if (touch)
        STATS_INC(w->st, touch_misses);
    else if (hit)
        STATS_INC(w->st, get_hits);
    else
        STATS_INC(w->st, get_misses);
}

/* GET, GETQ, GETK, GETKQ, GAT, GATQ, GATK, GATKQ. */
static int bin_get(struct conn *c, const struct proto_req *req, const char *base)
{
    struct worker *w = c->w;
    const char *key = base + req->key.off;
    bool touch = req->cmd == PROTO_CMD_GAT;
    struct store_ref ref;
    enum store_status st = store_get(w->store, w->tid, key, req->key.len, NULL, &ref);
    if (st == STORE_OK && touch) /* fetch, then touch: a negative exptime still answers */
        store_touch(w->store, w->tid, key, req->key.len, req->exptime);
    count_get(w, touch, st == STORE_OK);
    if (st == STORE_OK) {
        send_value(c, req, &ref, key);
    } else if (!req->noreply && req->with_key) {
        send_rsp(c, req->opcode, req->opaque, PROTO_BIN_KEY_ENOENT, 0, NULL, 0, key,
                 (uint16_t)req->key.len, NULL, 0);
    } else if (!req->noreply) {
        send_status(c, req, PROTO_BIN_KEY_ENOENT);
    }
    return EXEC_DONE;
}

/* TOUCH: the flags come back as extras, without the value. */
static int bin_touch(struct conn *c, const struct proto_req *req, const char *base)
{
    struct worker *w = c->w;
    struct store_get_opts o = {.no_bump = true};
    struct store_ref ref;
    enum store_status st = store_get(w->store, w->tid, base + req->key.off, req->key.len, &o, &ref);
    if (st == STORE_OK)
        store_touch(w->store, w->tid, base + req->key.off, req->key.len, req->exptime);
    STATS_INC(w->st, cmd_touch);
    if (st != STORE_OK) {
        STATS_INC(w->st, touch_misses);
        send_status(c, req, PROTO_BIN_KEY_ENOENT);
        return EXEC_DONE;
    }
    STATS_INC(w->st, touch_hits);
    unsigned char flags[4];
    wr32(flags, ref.flags);
    send_rsp(c, req->opcode, req->opaque, PROTO_BIN_OK, ref.cas, flags, 4, NULL, 0, NULL, 0);
    store_unref(w->store, &ref);
    return EXEC_DONE;
}

static uint16_t store_status_code(enum proto_cmd cmd, enum store_status st)
{
    switch (st) {
    case STORE_NOT_STORED:
        if (cmd == PROTO_CMD_ADD)
            return PROTO_BIN_KEY_EEXISTS;
        return cmd == PROTO_CMD_REPLACE ? PROTO_BIN_KEY_ENOENT : PROTO_BIN_NOT_STORED;
    case STORE_EXISTS:
        return PROTO_BIN_KEY_EEXISTS;
    case STORE_NOT_FOUND:
        return PROTO_BIN_KEY_ENOENT;
    case STORE_TOO_LARGE:
        return PROTO_BIN_E2BIG;
    case STORE_NO_MEMORY:
        return PROTO_BIN_ENOMEM;
    case STORE_NON_NUMERIC:
        return PROTO_BIN_DELTA_BADVAL;
    default:
        return PROTO_BIN_EINVAL;
    }
}

static void count_set(struct worker *w, const struct proto_req *req, enum store_status st)
{
    STATS_INC(w->st, cmd_set);
    if (st == STORE_TOO_LARGE)
        STATS_INC(w->st, store_too_large);
    if (st == STORE_NO_MEMORY)
        STATS_INC(w->st, store_no_memory);
    if (req->cas == 0)
        return;
    if (st == STORE_OK)
        STATS_INC(w->st, cas_hits);
    else if (st == STORE_EXISTS)
        STATS_INC(w->st, cas_badval);
    else if (st == STORE_NOT_FOUND)
        STATS_INC(w->st, cas_misses);
}

/* SET, ADD, REPLACE, APPEND, PREPEND and their quiet forms; a non-zero cas field compares. */
static int bin_store(struct conn *c, const struct proto_req *req, const char *base)
{
    struct worker *w = c->w;
    enum store_mode mode = STORE_SET;
    if (req->cmd == PROTO_CMD_ADD)
        mode = STORE_ADD;
    else if (req->cmd == PROTO_CMD_REPLACE)
        mode = STORE_REPLACE;
    else if (req->cmd == PROTO_CMD_APPEND)
        mode = STORE_APPEND;
    else if (req->cmd == PROTO_CMD_PREPEND)
        mode = STORE_PREPEND;
    struct store_set_args a = {
        .mode = mode,
        .key = base + req->key.off,
        .klen = req->key.len,
        .value = base + req->value.off,
        .vlen = req->value.len,
        .flags = req->flags,
        .exptime = req->exptime,
        .compare_cas = req->cas,
    };
    uint64_t cas = 0;
    enum store_status st = store_set(w->store, w->tid, &a, &cas);
    count_set(w, req, st);
    if (st == STORE_OK) {
        if (!req->noreply)
            send_ok(c, req, cas);
        return EXEC_DONE;
    }
    if (st == STORE_TOO_LARGE || st == STORE_NO_MEMORY)
        exec_drop_stale(c, req, base);
    send_status(c, req, store_status_code(req->cmd, st));
    return EXEC_DONE;
}

static int bin_delete(struct conn *c, const struct proto_req *req, const char *base)
{
    struct worker *w = c->w;
    struct store_delete_args a = {
        .key = base + req->key.off, .klen = req->key.len, .compare_cas = req->cas};
    enum store_status st = store_delete(w->store, w->tid, &a);
    if (st == STORE_OK) {
        STATS_INC(w->st, delete_hits);
        if (!req->noreply)
            send_ok(c, req, 0);
        return EXEC_DONE;
    }
    STATS_INC(w->st, delete_misses);
    send_status(c, req, store_status_code(req->cmd, st));
    return EXEC_DONE;
}

/* INCREMENT/DECREMENT: the new value as 8 bytes, big-endian. */
static int bin_arith(struct conn *c, const struct proto_req *req, const char *base)
{
    struct worker *w = c->w;
    bool incr = req->cmd == PROTO_CMD_INCR;
    struct store_arith_args a = {
        .key = base + req->key.off,
        .klen = req->key.len,
        .incr = incr,
        .delta = req->delta,
        .vivify = req->exptime != BIN_NO_VIVIFY,
        .initial = req->initial,
        .exptime = req->exptime,
        .compare_cas = req->cas,
    };
    uint64_t value = 0, cas = 0;
    enum store_status st = store_arith(w->store, w->tid, &a, &value, &cas);
    bool hit = st == STORE_OK;
    if (incr)
        stats_add(hit ? &w->st->incr_hits : &w->st->incr_misses, 1);
    else
        stats_add(hit ? &w->st->decr_hits : &w->st->decr_misses, 1);
    if (st != STORE_OK) {
        send_status(c, req, store_status_code(req->cmd, st));
        return EXEC_DONE;
    }
    if (!req->noreply) {
        unsigned char body[8];
        wr32(body, (uint32_t)(value >> 32));
        wr32(body + 4, (uint32_t)value);
        send_rsp(c, req->opcode, req->opaque, PROTO_BIN_OK, cas, NULL, 0, NULL, 0, body, 8);
    }
    return EXEC_DONE;
}

static int bin_flush(struct conn *c, const struct proto_req *req)
{
    struct worker *w = c->w;
    if (w->settings->no_flush) {
        send_status(c, req, BIN_AUTH_ERROR);
        return EXEC_DONE;
    }
    STATS_INC(w->st, cmd_flush);
    int64_t delay = req->exptime;
    if (delay > CLOCK_RELATIVE_MAX) /* an absolute unix time, as exptimes */
        delay -= clock_to_unix(w->clock, clock_now(w->clock));
    store_flush(w->store, delay > 0 ? delay : 0);
    if (!req->noreply)
        send_ok(c, req, 0);
    return EXEC_DONE;
}

struct stat_ctx {
    struct conn *c;
    const struct proto_req *req;
};

/* One STAT packet: key = name, body = value. */
static void emit_stat(void *arg, const char *name, const char *value)
{
    struct stat_ctx *s = arg;
    size_t nk = strlen(name), nv = strlen(value);
    if (nk > PROTO_KEY_MAX)
        nk = PROTO_KEY_MAX;
    send_rsp(s->c, BIN_OP_STAT, s->req->opaque, PROTO_BIN_OK, 0, NULL, 0, name, (uint16_t)nk, value,
             (uint32_t)nv);
}

static bool group_is(const struct proto_req *req, const char *base, const char *name)
{
    size_t n = strlen(name);
    return req->key.len == n && memcmp(base + req->key.off, name, n) == 0;
}

/* STAT [group]: general (no key), settings, items, slabs, sizes, reset; else "Not found". */
static int bin_stats(struct conn *c, const struct proto_req *req, const char *base)
{
    struct stats *st = c->w->stats;
    struct stat_ctx s = {c, req};
    if (req->key.len == 0)
        stats_general(st, emit_stat, &s);
    else if (group_is(req, base, "reset"))
        stats_reset(st);
    else if (group_is(req, base, "settings"))
        stats_settings(st, emit_stat, &s);
    else if (group_is(req, base, "items"))
        stats_items(st, emit_stat, &s);
    else if (group_is(req, base, "slabs"))
        stats_slabs(st, emit_stat, &s);
    else if (group_is(req, base, "sizes"))
        emit_stat(&s, "sizes_status", "disabled");
    else {
        send_status(c, req, PROTO_BIN_KEY_ENOENT);
        return EXEC_DONE;
    }
    send_rsp(c, BIN_OP_STAT, req->opaque, PROTO_BIN_OK, 0, NULL, 0, NULL, 0, NULL, 0);
    return EXEC_DONE;
}

static int bin_admin(struct conn *c, const struct proto_req *req, const char *base)
{
    switch (req->cmd) {
    case PROTO_CMD_FLUSH_ALL:
        return bin_flush(c, req);
    case PROTO_CMD_NOOP:
        send_ok(c, req, 0);
        return EXEC_DONE;
    case PROTO_CMD_VERSION:
        send_rsp(c, req->opcode, req->opaque, PROTO_BIN_OK, 0, NULL, 0, NULL, 0, RC_VERSION,
                 (uint32_t)strlen(RC_VERSION));
        return EXEC_DONE;
    case PROTO_CMD_STATS:
        return bin_stats(c, req, base);
    case PROTO_CMD_VERBOSITY:
        atomic_store(&c->w->stats->verbosity, (int)req->flags);
        return EXEC_DONE;
    case PROTO_CMD_QUIT:
        if (!req->noreply)
            send_ok(c, req, 0);
        return EXEC_CLOSE;
    default: /* SASL_LIST_MECHS, SASL_AUTH, SASL_STEP: no SASL here, as memcached without -S */
        send_status(c, req, PROTO_BIN_UNKNOWN_COMMAND);
        return EXEC_DONE;
    }
}

int exec_binary(struct conn *c, const struct proto_req *req, const char *base)
{
    switch (req->cmd) {
    case PROTO_CMD_GET:
    case PROTO_CMD_GAT:
        return bin_get(c, req, base);
    case PROTO_CMD_TOUCH:
        return bin_touch(c, req, base);
    case PROTO_CMD_SET:
    case PROTO_CMD_ADD:
    case PROTO_CMD_REPLACE:
    case PROTO_CMD_APPEND:
    case PROTO_CMD_PREPEND:
        return bin_store(c, req, base);
    case PROTO_CMD_DELETE:
        return bin_delete(c, req, base);
    case PROTO_CMD_INCR:
    case PROTO_CMD_DECR:
        return bin_arith(c, req, base);
    default:
        return bin_admin(c, req, base);
    }
}
