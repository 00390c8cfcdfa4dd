/* meta.c: memcached's meta commands (mg, ms, md, ma, mn, me). The words after the key (and after
 * the data length of ms) are flags: one letter and an optional token. Each flag given sets bit
 * proto_mflag_bit(letter) of req->mflags and its token span in req->mtok; the values the server
 * needs most are also decoded into the common fields:
 *   q -> noreply        T -> exptime         F -> flags           C -> cas (compare)
 *   D -> delta (ma: default 1)               J -> initial         ms data -> value/value_len
 * N (vivify TTL), R (recache TTL), E (new CAS), M (mode), O (opaque) stay as tokens, checked.
 *
 * Errors follow memcached 1.6.18, checked against it: no key -> ERROR (me: CLIENT_ERROR bad
 * command line format), key > 250 -> CLIENT_ERROR bad command line format, more than 17 flags ->
 * "options flags are too long", an unknown flag -> "invalid flag", a repeated one -> "duplicate
 * flag", a bad numeric token -> "bad token in command line format", O over 32 bytes -> "opaque
 * token too long", M not one char -> "incorrect length for M token", a mode not of the command ->
 * "invalid mode for ms|ma M token", b with a key that is not base64 -> "error decoding key"; md
 * and ma report any flag error as "invalid or duplicate flag". An error is always answered, q or
 * not. ms: a bad data length is "bad command line format" without swallowing; any later error
 * swallows the data block (PROTO_NEED_MORE until it is all there). Deviation: E and x (newer
 * protocol.txt) are accepted; 1.6.18 calls them invalid.
 *
 * Invariants: never reads past buf[len); spans only; stateless; no allocation. */
#include "proto_impl.h"

#include <limits.h>

#define BAD_FORMAT      "CLIENT_ERROR bad command line format"
#define BAD_TOKEN       "CLIENT_ERROR bad token in command line format"
#define MFLAG_MAX_WORDS 19 /* memcached: ntokens (words + 1) above 20 is refused */
#define OPAQUE_MAX      32

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
    const char *p = c ? strchr(b64_alphabet, c) : NULL;
    return p ? (int)(p - b64_alphabet) : -1;
}

int proto_base64_decode(const char *src, size_t n, char *dst, size_t cap)
{
    if (n == 0 || n % 4 != 0)
        return -1;
    size_t out = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4], pad = 0;
        for (int j = 0; j < 4; j++) {
            char c = src[i + (size_t)j];
            if (c == '=' && i + 4 == n && j >= 2) {
                v[j] = 0;
                pad++;
            } else if (pad || (v[j] = b64_value(c)) < 0) {
                return -1;
            }
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        size_t k = 3 - (size_t)pad;
        if (out + k > cap)
            return -1;
        for (size_t j = 0; j < k; j++)
            dst[out++] = (char)(w >> (16 - 8 * j));
    }
    return (int)out;
}

size_t proto_base64_encode(const void *src, size_t n, char *dst)
{
    const unsigned char *s = src;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t w = (uint32_t)s[i] << 16;
        if (i + 1 < n)
            w |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < n)
            w |= s[i + 2];
        dst[o++] = b64_alphabet[w >> 18 & 63];
        dst[o++] = b64_alphabet[w >> 12 & 63];
        dst[o++] = i + 1 < n ? b64_alphabet[w >> 6 & 63] : '=';
        dst[o++] = i + 2 < n ? b64_alphabet[w & 63] : '=';
    }
    return o;
}

static bool tok_i32(const char *b, struct proto_span t, int64_t *out)
{
    int32_t v;
    if (!proto_parse_i32(b + t.off, t.len, &v))
        return false;
    *out = v;
    return true;
}

/* Checks one flag's token and decodes it into req. Returns NULL, or the error of a bad token
 * (memcached notes it and goes on with the other flags). */
static const char *check_flag(const char *b, char c, struct proto_span t, struct proto_req *req)
{
    int64_t tmp;
    char key[PROTO_KEY_MAX];
    switch (c) {
    case 'T':
        return tok_i32(b, t, &req->exptime) ? NULL : BAD_TOKEN;
    case 'N':
    case 'R':
        return tok_i32(b, t, &tmp) ? NULL : BAD_TOKEN;
    case 'C':
        return proto_parse_u64(b + t.off, t.len, &req->cas) ? NULL : BAD_TOKEN;
    case 'E':
        return proto_parse_u64(b + t.off, t.len, &(uint64_t){0}) ? NULL : BAD_TOKEN;
    case 'F':
        return proto_parse_u32(b + t.off, t.len, &req->flags) ? NULL : BAD_FORMAT;
    case 'D':
        return proto_parse_u64(b + t.off, t.len, &req->delta)
                   ? NULL
                   : "CLIENT_ERROR invalid numeric delta value";
    case 'J':
        return proto_parse_u64(b + t.off, t.len, &req->initial)
                   ? NULL
                   : "CLIENT_ERROR invalid numeric initial value";
    case 'M':
        return t.len == 1 ? NULL : "CLIENT_ERROR incorrect length for M token";
    case 'O':
        return t.len <= OPAQUE_MAX ? NULL : "CLIENT_ERROR opaque token too long";
    case 'b':
        return proto_base64_decode(b + req->key.off, req->key.len, key, sizeof(key)) > 0
                   ? NULL
                   : "CLIENT_ERROR error decoding key";
    case 'q':
        req->noreply = true;
        return NULL;
    default:
        return NULL;
    }
}

/* The flag letters memcached knows (any meta command accepts any of them), plus E and x. */
static const bool known_flags[128] = {
    ['b'] = 1, ['c'] = 1, ['f'] = 1, ['h'] = 1, ['k'] = 1, ['l'] = 1, ['O'] = 1,
    ['P'] = 1, ['L'] = 1, ['q'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,
    ['N'] = 1, ['R'] = 1, ['T'] = 1, ['F'] = 1, ['C'] = 1, ['M'] = 1, ['J'] = 1,
    ['D'] = 1, ['I'] = 1, ['E'] = 1, ['x'] = 1,
};

static bool known_flag(char c)
{
    return (unsigned char)c < 128 && known_flags[(unsigned char)c];
}

/* Parses the flag words from `first` on. Returns NULL or the error reply. */
static const char *parse_flags(const struct proto_line *l, unsigned first, struct proto_req *req)
{
    const char *b = l->buf, *err = NULL;
    for (unsigned i = first; i < l->nwords; i++) {
        char c = b[l->word[i].off];
        if (!known_flag(c))
            return "CLIENT_ERROR invalid flag";
        unsigned bit = proto_mflag_bit(c);
        if (req->mflags >> bit & 1u)
            return "CLIENT_ERROR duplicate flag";
        req->mflags |= (uint64_t)1 << bit;
        req->mtok[bit] = (struct proto_span){l->word[i].off + 1, l->word[i].len - 1};
        const char *e = check_flag(b, c, req->mtok[bit], req);
        if (e)
            err = e;
    }
    if (err)
        return err;
    if (proto_has_mflag(req, 'M')) {
        char m = b[req->mtok[proto_mflag_bit('M')].off];
        if (req->cmd == PROTO_CMD_MS && !strchr("EAPRS", m))
            return "CLIENT_ERROR invalid mode for ms M token";
        if (req->cmd == PROTO_CMD_MA && !strchr("I+D-", m))
            return "CLIENT_ERROR invalid mode for ma M token";
    }
    return NULL;
}

static int meta_error(struct proto_req *req, const char *err, uint32_t total)
{
    req->noreply = false; /* meta errors are always answered */
    return proto_fail(req, err, total);
}

/* ms <key> <datalen> <flag>*: the data block follows the line. */
static int parse_ms(const char *buf, size_t len, const struct proto_line *l, uint32_t hdr,
                    struct proto_req *req)
{
    int64_t vlen;
    if (l->nwords < 3 || !tok_i32(buf, l->word[2], &vlen) || vlen < 0 || vlen > INT_MAX - 2)
        return meta_error(req, BAD_FORMAT, hdr);
    req->value_len = (uint32_t)vlen;
    req->value = (struct proto_span){hdr, (uint32_t)vlen};
    req->total_len = hdr + (uint32_t)vlen + 2;
    const char *err = parse_flags(l, 3, req);
    if (len < req->total_len)
        return PROTO_NEED_MORE; /* also when the error swallows the block */
    if (err)
        return meta_error(req, err, req->total_len);
    if (buf[req->total_len - 2] != '\r' || buf[req->total_len - 1] != '\n')
        return meta_error(req, "CLIENT_ERROR bad data chunk", req->total_len);
    return PROTO_OK;
}

int meta_parse(const char *buf, size_t len, const struct proto_line *l, uint32_t hdr,
               struct proto_req *req)
{
    enum proto_cmd cmd = req->cmd;
    if (cmd == PROTO_CMD_MN)
        return PROTO_OK; /* memcached ignores anything after mn */
    if (l->nwords < 2)
        return meta_error(req, cmd == PROTO_CMD_ME ? BAD_FORMAT : "ERROR", hdr);
    req->key = l->word[1];
    if (req->key.len > PROTO_KEY_MAX)
        return meta_error(req, BAD_FORMAT, hdr);
    if (l->nwords > MFLAG_MAX_WORDS)
        return meta_error(req, "CLIENT_ERROR options flags are too long", hdr);
    if (cmd == PROTO_CMD_MS)
        return parse_ms(buf, len, l, hdr, req);
    if (cmd == PROTO_CMD_ME) {
        /* me <key> [b]: other words are ignored; a bad base64 key is a format error */
        for (unsigned i = 2; i < l->nwords; i++)
            if (proto_span_is(buf, l->word[i], "b")) {
                char key[PROTO_KEY_MAX];
                if (proto_base64_decode(buf + req->key.off, req->key.len, key, sizeof(key)) <= 0)
                    return meta_error(req, BAD_FORMAT, hdr);
                req->mflags |= (uint64_t)1 << proto_mflag_bit('b');
                req->mtok[proto_mflag_bit('b')] = (struct proto_span){l->word[i].off + 1, 0};
            }
        return PROTO_OK;
    }
    if (cmd == PROTO_CMD_MA)
        req->delta = 1;
    const char *err = parse_flags(l, 2, req);
    if (err && (cmd == PROTO_CMD_MD || cmd == PROTO_CMD_MA) &&
        strncmp(err, "CLIENT_ERROR invalid mode", 25) != 0)
        err = "CLIENT_ERROR invalid or duplicate flag";
    if (err)
        return meta_error(req, err, hdr);
    return PROTO_OK;
}
