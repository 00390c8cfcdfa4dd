/* text.c: memcached's classic text commands (storage, retrieval, incr/decr, touch, delete and the
 * administrative ones), parsed from a tokenized line into struct proto_req with the exact error
 * replies memcached 1.6 gives, checked against the real server:
 *   - a wrong number of words                  -> "ERROR" (reported even with noreply)
 *   - a key longer than 250 bytes, bad numbers -> "CLIENT_ERROR bad command line format"
 *   - incr/decr delta, touch/gat/flush exptime -> their own CLIENT_ERROR wording
 *   - a data block not ending in "\r\n"        -> "CLIENT_ERROR bad data chunk" (block consumed)
 * noreply is "the last word is noreply" for the commands that accept it, decided before any other
 * check, so it also silences their CLIENT_ERROR replies, as in memcached. A storage header that is
 * bad but whose length parses still swallows its data block, so one request gets one reply
 * (memcached 1.6 reads that block as the next command and answers an extra ERROR, which desyncs
 * clients; this is a deliberate, documented difference). A length that does not parse cannot be
 * swallowed and gives memcached's reply. A value the server refuses as too large is swallowed by
 * the server, which decides that from value_len while the block is still arriving.
 *
 * Invariants: never reads past buf[len); spans only; no allocation; stateless. */
#include "proto_impl.h"

#include <limits.h>

#define BAD_FORMAT  "CLIENT_ERROR bad command line format"
#define BAD_DELTA   "CLIENT_ERROR invalid numeric delta argument"
#define BAD_EXPTIME "CLIENT_ERROR invalid exptime argument"
#define BAD_DELETE  "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]"

static bool word_u32(const struct proto_line *l, unsigned i, uint32_t *v)
{
    return proto_parse_u32(l->buf + l->word[i].off, l->word[i].len, v);
}

static bool word_i32(const struct proto_line *l, unsigned i, int64_t *v)
{
    int32_t x;
    if (!proto_parse_i32(l->buf + l->word[i].off, l->word[i].len, &x))
        return false;
    *v = x;
    return true;
}

static bool word_u64(const struct proto_line *l, unsigned i, uint64_t *v)
{
    return proto_parse_u64(l->buf + l->word[i].off, l->word[i].len, v);
}

static bool last_is_noreply(const struct proto_line *l)
{
    return proto_span_is(l->buf, l->word[l->nwords - 1], "noreply");
}

static int parse_storage(const char *buf, size_t len, const struct proto_line *l, uint32_t hdr,
                         struct proto_req *req)
{
    bool cas = req->cmd == PROTO_CMD_CAS;
    uint32_t want = cas ? 6 : 5;
    if (l->nwords != want && l->nwords != want + 1)
        return proto_fail(req, "ERROR", hdr);
    req->noreply = last_is_noreply(l);
    req->key = l->word[1];
    int64_t vlen;
    if (!word_i32(l, 4, &vlen) || vlen < 0 || vlen > INT_MAX - 2)
        return proto_fail(req, BAD_FORMAT, hdr); /* block length unknown: cannot swallow */
    req->value_len = (uint32_t)vlen;
    req->value.off = hdr;
    req->value.len = (uint32_t)vlen;
    req->total_len = hdr + (uint32_t)vlen + 2;
    bool bad = req->key.len > PROTO_KEY_MAX || !word_u32(l, 2, &req->flags) ||
               !word_i32(l, 3, &req->exptime) || (cas && !word_u64(l, 5, &req->cas));
    if (len < req->total_len)
        return PROTO_NEED_MORE; /* the block is needed whole, to answer or to swallow it */
    if (bad)
        return proto_fail(req, BAD_FORMAT, req->total_len);
    if (buf[req->total_len - 2] != '\r' || buf[req->total_len - 1] != '\n')
        return proto_fail(req, "CLIENT_ERROR bad data chunk", req->total_len);
    return PROTO_OK;
}

/* get/gets/gat/gats: every key is checked before anything is answered, as memcached does. */
static int parse_retrieval(const struct proto_line *l, uint32_t hdr, struct proto_req *req)
{
    if (l->nwords < 2)
        return proto_fail(req, "ERROR", hdr);
    unsigned first = 1;
    if (req->cmd == PROTO_CMD_GAT || req->cmd == PROTO_CMD_GATS) {
        if (!word_i32(l, 1, &req->exptime))
            return proto_fail(req, BAD_EXPTIME, hdr);
        first = 2;
    }
    uint32_t end = l->start + l->len;
    while (end > l->start && l->buf[end - 1] == ' ')
        end--;
    req->keys.off = first < l->nwords ? l->word[first].off : end;
    req->keys.len = end - req->keys.off;
    if (first < l->nwords)
        req->key = l->word[first];
    uint32_t pos = 0;
    struct proto_span k;
    while (proto_keys_next(l->buf, req, &pos, &k))
        if (k.len > PROTO_KEY_MAX)
            return proto_fail(req, BAD_FORMAT, hdr);
    return PROTO_OK;
}

/* incr/decr and touch: "<cmd> <key> <number> [noreply]"; the number is the caller's to parse. */
static int parse_key_number(const struct proto_line *l, uint32_t hdr, struct proto_req *req)
{
    if (l->nwords != 3 && l->nwords != 4)
        return proto_fail(req, "ERROR", hdr);
    req->noreply = last_is_noreply(l);
    req->key = l->word[1];
    if (req->key.len > PROTO_KEY_MAX)
        return proto_fail(req, BAD_FORMAT, hdr);
    return PROTO_OK;
}

static int parse_arith(const struct proto_line *l, uint32_t hdr, struct proto_req *req)
{
    int rc = parse_key_number(l, hdr, req);
    if (rc == PROTO_OK && !word_u64(l, 2, &req->delta))
        return proto_fail(req, BAD_DELTA, hdr);
    return rc;
}

static int parse_touch(const struct proto_line *l, uint32_t hdr, struct proto_req *req)
{
    int rc = parse_key_number(l, hdr, req);
    if (rc == PROTO_OK && !word_i32(l, 2, &req->exptime))
        return proto_fail(req, BAD_EXPTIME, hdr);
    return rc;
}

static int parse_delete(const struct proto_line *l, uint32_t hdr, struct proto_req *req)
{
    if (l->nwords < 2 || l->nwords > 4)
        return proto_fail(req, "ERROR", hdr);
    if (l->nwords > 2) {
        bool hold_zero = proto_span_is(l->buf, l->word[2], "0");
        req->noreply = last_is_noreply(l);
        bool ok = (l->nwords == 3 && (hold_zero || req->noreply)) ||
                  (l->nwords == 4 && hold_zero && req->noreply);
        if (!ok)
            return proto_fail(req, BAD_DELETE, hdr);
    }
    req->key = l->word[1];
    if (req->key.len > PROTO_KEY_MAX)
        return proto_fail(req, BAD_FORMAT, hdr);
    return PROTO_OK;
}

/* flush_all [delay] [noreply]: the delay lands in req->exptime. */
static int parse_flush(const struct proto_line *l, uint32_t hdr, struct proto_req *req)
{
    if (l->nwords > 3)
        return proto_fail(req, "ERROR", hdr);
    req->noreply = l->nwords > 1 && last_is_noreply(l);
    if (l->nwords != (req->noreply ? 2u : 1u) && !word_i32(l, 1, &req->exptime))
        return proto_fail(req, BAD_EXPTIME, hdr);
    return PROTO_OK;
}

/* verbosity <level> [noreply]: the level lands in req->flags. */
static int parse_verbosity(const struct proto_line *l, uint32_t hdr, struct proto_req *req)
{
    if (l->nwords != 2 && l->nwords != 3)
        return proto_fail(req, "ERROR", hdr);
    req->noreply = last_is_noreply(l);
    if (!word_u32(l, 1, &req->flags))
        return proto_fail(req, BAD_FORMAT, hdr);
    return PROTO_OK;
}

int text_parse(const char *buf, size_t len, const struct proto_line *l, uint32_t hdr,
               struct proto_req *req)
{
    switch (req->cmd) {
    case PROTO_CMD_SET:
    case PROTO_CMD_ADD:
    case PROTO_CMD_REPLACE:
    case PROTO_CMD_APPEND:
    case PROTO_CMD_PREPEND:
    case PROTO_CMD_CAS:
        return parse_storage(buf, len, l, hdr, req);
    case PROTO_CMD_GET:
    case PROTO_CMD_GETS:
    case PROTO_CMD_GAT:
    case PROTO_CMD_GATS:
        return parse_retrieval(l, hdr, req);
    case PROTO_CMD_INCR:
    case PROTO_CMD_DECR:
        return parse_arith(l, hdr, req);
    case PROTO_CMD_TOUCH:
        return parse_touch(l, hdr, req);
    case PROTO_CMD_DELETE:
        return parse_delete(l, hdr, req);
    case PROTO_CMD_FLUSH_ALL:
        return parse_flush(l, hdr, req);
    case PROTO_CMD_VERBOSITY:
        return parse_verbosity(l, hdr, req);
    case PROTO_CMD_QUIT:
        req->close = true;
        return PROTO_OK;
    default: /* version, stats, shutdown: arguments are the server's to judge (req->tok) */
        return PROTO_OK;
    }
}
