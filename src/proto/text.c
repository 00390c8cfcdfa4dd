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

/* The data block of a storage command whose header gave vlen (already checked to be sane): wait
 * for it whole, then answer a bad header or a bad chunk, consuming the block either way. */
static int storage_block(const char *buf, size_t len, uint32_t hdr, uint32_t vlen, bool bad,
                         struct proto_req *req)
{
    req->value_len = vlen;
    req->value.off = hdr;
    req->value.len = vlen;
    req->total_len = hdr + vlen + 2;
    if (len < req->total_len)
        return PROTO_NEED_MORE; /* the block is needed whole, to answer or to swallow it */
    if (bad)
        return proto_fail(req, BAD_FORMAT, req->total_len);
    if (buf[req->total_len - 2] != '\r' || buf[req->total_len - 1] != '\n')
        return proto_fail(req, "CLIENT_ERROR bad data chunk", req->total_len);
    return PROTO_OK;
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
    bool bad = req->key.len > PROTO_KEY_MAX || !word_u32(l, 2, &req->flags) ||
               !word_i32(l, 3, &req->exptime) || (cas && !word_u64(l, 5, &req->cas));
    return storage_block(buf, len, hdr, (uint32_t)vlen, bad, req);
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

/* ---- the fast path: the commonest lines in one pass ----
 *
 * A storage line or a single-key get/gets written the way clients write them (one space between
 * words, nothing before the command or after the last word, plain decimal numbers of at most 18
 * digits, no control bytes in the key) is parsed here in one pass over its bytes, without the
 * tokenizer, the command table or the strtol-like number rules. Every such line means exactly
 * what the general path makes of it (test_text checks the two against each other); any other
 * line returns PROTO_FALLBACK and goes the general way. The byte at b[end] is the line's "\r" or
 * "\n": neither a key byte nor a digit, it ends every scan without a bounds check. */

/* A key from b[i]: the first byte at or below ' ' ends it (b[end] at the latest). Eight bytes at
 * a time while they lie within b[0, len): the lowest byte flagged by the borrow trick is exact. */
static inline uint32_t fast_key(const char *b, uint32_t i, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, b + i, 8);
        uint64_t t = (x - 0x2121212121212121u) & ~x & 0x8080808080808080u; /* bytes < '!' */
        if (t)
            return i + (uint32_t)(__builtin_ctzll(t) >> 3);
    }
#else
    (void)len;
#endif
    while ((unsigned char)b[i] > ' ')
        i++;
    return i;
}

/* Digits from b[i] (at most 18, so no overflow and the same value for safe_strtoul, safe_strtol
 * and safe_strtoull): their end, or 0 when there are none or too many. Up to 7 digits followed
 * by a non-digit within b[0, len) are converted in one 8-byte word (the lowest non-digit byte
 * found is exact; the digits shifted to the top act as leading zeros), longer ones a byte at a
 * time. */
static inline uint32_t fast_number(const char *b, uint32_t i, size_t len, uint64_t *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (i + 8 <= len) {
        uint64_t d;
        memcpy(&d, b + i, 8);
        d -= 0x3030303030303030u;
        uint64_t nd = (d | (d + 0x7676767676767676u)) & 0x8080808080808080u; /* not 0-9 */
        if (nd) {
            unsigned n = (unsigned)__builtin_ctzll(nd) >> 3;
            if (n == 0)
                return 0;
            d <<= 64 - 8 * n;
            d = (d * 10 + (d >> 8)) & 0x00ff00ff00ff00ffu;   /* pairs */
            d = (d * 100 + (d >> 16)) & 0x0000ffff0000ffffu; /* fours */
            *out = (d * 10000 + (d >> 32)) & 0xffffffffu;    /* eight */
            return i + n;
        }
    }
#else
    (void)len;
#endif
    uint64_t v = 0;
    uint32_t p = i;
    unsigned d;
    while ((d = (unsigned)(unsigned char)b[p] - '0') < 10) {
        v = v * 10 + d;
        p++;
    }
    *out = v;
    return p == i || p - i > 18 ? 0 : p;
}

/* "<cmd> <key> <flags> <exptime> <bytes>[ <cas>][ noreply]"; i is the key's first byte. The
 * words go straight to req->tok (harmless on a fallback, which rewrites them). */
static int fast_storage(const char *b, size_t len, uint32_t i, uint32_t end, uint32_t hdr,
                        enum proto_cmd cmd, struct proto_req *req)
{
    struct proto_span *w = req->tok;
    uint64_t num[4];
    unsigned nnum = cmd == PROTO_CMD_CAS ? 4 : 3;
    uint32_t e = fast_key(b, i, len);
    if (e == i || b[e] != ' ') /* a space is never b[end]: e < end */
        return PROTO_FALLBACK;
    w[0] = (struct proto_span){i, e - i};
    for (unsigned k = 0; k < nnum; k++) {
        if (b[e] != ' ')
            return PROTO_FALLBACK;
        uint32_t s = e + 1;
        e = fast_number(b, s, len, &num[k]);
        if (e == 0)
            return PROTO_FALLBACK;
        w[k + 1] = (struct proto_span){s, e - s};
    }
    unsigned n = nnum + 1;
    if (e != end) {
        if (end - e != 8 || memcmp(b + e, " noreply", 8) != 0)
            return PROTO_FALLBACK;
        w[n++] = (struct proto_span){e + 1, 7};
    }
    req->cmd = cmd;
    req->ntok = n;
    req->noreply = n > nnum + 1;
    req->key = w[0];
    int64_t vlen = (int32_t)(uint32_t)num[2]; /* safe_strtol into an int, as word_i32 */
    if (vlen < 0 || vlen > INT_MAX - 2)
        return proto_fail(req, BAD_FORMAT, hdr);
    bool bad = w[0].len > PROTO_KEY_MAX;
    if (!bad) { /* the general path parses no number after a bad key */
        req->flags = (uint32_t)num[0];
        req->exptime = (int32_t)(uint32_t)num[1];
        if (nnum == 4)
            req->cas = num[3];
    }
    return storage_block(b, len, hdr, (uint32_t)vlen, bad, req);
}

/* "get <key>" / "gets <key>" with exactly one key (more keys go the general way). */
static int fast_get(const char *b, size_t len, uint32_t i, uint32_t end, enum proto_cmd cmd,
                    struct proto_req *req)
{
    uint32_t e = fast_key(b, i, len);
    if (e == i || e != end || e - i > PROTO_KEY_MAX)
        return PROTO_FALLBACK;
    req->cmd = cmd;
    req->key = req->keys = req->tok[0] = (struct proto_span){i, e - i};
    req->ntok = 1;
    return PROTO_OK;
}

int text_parse_fast(const char *b, size_t len, uint32_t end, uint32_t hdr, struct proto_req *req)
{
    if (end < 5)
        return PROTO_FALLBACK;
    switch (b[0]) {
    case 's':
        if (memcmp(b, "set ", 4) == 0)
            return fast_storage(b, len, 4, end, hdr, PROTO_CMD_SET, req);
        break;
    case 'g':
        if (memcmp(b, "get ", 4) == 0)
            return fast_get(b, len, 4, end, PROTO_CMD_GET, req);
        if (memcmp(b, "gets ", 5) == 0)
            return fast_get(b, len, 5, end, PROTO_CMD_GETS, req);
        break;
    case 'a':
        if (memcmp(b, "add ", 4) == 0)
            return fast_storage(b, len, 4, end, hdr, PROTO_CMD_ADD, req);
        if (end > 7 && memcmp(b, "append ", 7) == 0)
            return fast_storage(b, len, 7, end, hdr, PROTO_CMD_APPEND, req);
        break;
    case 'c':
        if (memcmp(b, "cas ", 4) == 0)
            return fast_storage(b, len, 4, end, hdr, PROTO_CMD_CAS, req);
        break;
    case 'r':
        if (end > 8 && memcmp(b, "replace ", 8) == 0)
            return fast_storage(b, len, 8, end, hdr, PROTO_CMD_REPLACE, req);
        break;
    case 'p':
        if (end > 8 && memcmp(b, "prepend ", 8) == 0)
            return fast_storage(b, len, 8, end, hdr, PROTO_CMD_PREPEND, req);
        break;
    default:
        break;
    }
    return PROTO_FALLBACK;
}
