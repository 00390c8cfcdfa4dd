/* rsp.c: the reply parser for the client and the proxy. One call parses one reply element at the
 * front of a buffer: a text status line, a VALUE line with its data block, a STAT line, a number,
 * a meta reply (HD/VA/EN/NF/NS/EX/MN/ME with its return flags) or a binary response packet.
 *
 * Design: like the request parser it is stateless and re-parses from the front when more bytes
 * arrive; a multi-get is consumed element by element, so a reply of any size needs no memory
 * beyond the caller's read buffer. Every result is a span (offset from buf).
 * Invariants: never reads past buf[len); a line longer than PROTO_RSP_LINE_MAX without "\n" is
 * PROTO_ERROR (no server sends one). Concurrency: none needed. Non-goals: mapping replies onto
 * client status codes (the client's wire layer does that). */
#include "proto_impl.h"

#define PROTO_RSP_LINE_MAX 8192

static const struct {
    const char *word;
    enum proto_rsp_type type;
} simple_words[] = {
    {"END", PROTO_RSP_END},
    {"STORED", PROTO_RSP_STORED},
    {"NOT_STORED", PROTO_RSP_NOT_STORED},
    {"EXISTS", PROTO_RSP_EXISTS},
    {"NOT_FOUND", PROTO_RSP_NOT_FOUND},
    {"DELETED", PROTO_RSP_DELETED},
    {"TOUCHED", PROTO_RSP_TOUCHED},
    {"OK", PROTO_RSP_OK},
    {"RESET", PROTO_RSP_RESET},
    {"EN", PROTO_RSP_EN},
    {"MN", PROTO_RSP_MN},
};

static const struct {
    const char *word;
    enum proto_rsp_type type;
} meta_words[] = {
    {"HD", PROTO_RSP_HD}, {"NF", PROTO_RSP_NF}, {"NS", PROTO_RSP_NS},
    {"EX", PROTO_RSP_EX}, {"EN", PROTO_RSP_EN}, {"MN", PROTO_RSP_MN},
};

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd64(const unsigned char *p)
{
    return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static int parse_binary_rsp(const char *buf, size_t len, struct proto_rsp *r)
{
    r->type = PROTO_RSP_BINARY;
    if (len < 24)
        return PROTO_NEED_MORE;
    const unsigned char *h = (const unsigned char *)buf;
    uint32_t klen = (uint32_t)h[2] << 8 | h[3], elen = h[4], body = rd32(h + 8);
    if (klen + elen > body || body > UINT32_MAX - 24)
        return PROTO_ERROR;
    r->opcode = h[1];
    r->status = (uint16_t)(h[6] << 8 | h[7]);
    r->opaque = rd32(h + 12);
    r->cas = rd64(h + 16);
    r->has_cas = true;
    r->hdr_len = 24 + elen + klen;
    r->total_len = 24 + body;
    if (len < r->total_len)
        return PROTO_NEED_MORE;
    r->extras = (struct proto_span){24, elen};
    r->key = (struct proto_span){24 + elen, klen};
    r->value = (struct proto_span){r->hdr_len, body - elen - klen};
    if (elen == 4)
        r->flags = rd32(h + 24);
    if (r->status == 0 && r->value.len == 8 &&
        (r->opcode == 0x05 || r->opcode == 0x06 || r->opcode == 0x15 || r->opcode == 0x16))
        r->number = rd64(h + r->value.off);
    return PROTO_OK;
}

/* Meta return flags: each word after the code is a flag letter and its token. */
static int meta_flags(const struct proto_line *l, unsigned from, struct proto_rsp *r)
{
    for (unsigned i = from; i < l->nwords; i++) {
        char c = l->buf[l->word[i].off];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            return PROTO_ERROR;
        unsigned bit = proto_mflag_bit(c);
        r->mflags |= (uint64_t)1 << bit;
        r->mtok[bit] = (struct proto_span){l->word[i].off + 1, l->word[i].len - 1};
    }
    return PROTO_OK;
}

/* The text after the first word (and one separator), up to the end of the line. */
static struct proto_span rest_after(const struct proto_line *l, unsigned word)
{
    uint32_t end = l->start + l->len;
    if (word >= l->nwords)
        return (struct proto_span){end, 0};
    return (struct proto_span){l->word[word].off, end - l->word[word].off};
}

/* A data block of n bytes and "\r\n" follows the line (VALUE, VA). */
static int with_block(const char *buf, size_t len, uint32_t n, struct proto_rsp *r)
{
    if (n > UINT32_MAX - r->hdr_len - 2)
        return PROTO_ERROR;
    r->value = (struct proto_span){r->hdr_len, n};
    r->total_len = r->hdr_len + n + 2;
    if (len < r->total_len)
        return PROTO_NEED_MORE;
    if (buf[r->total_len - 2] != '\r' || buf[r->total_len - 1] != '\n')
        return PROTO_ERROR;
    return PROTO_OK;
}

static int parse_value(const char *buf, size_t len, const struct proto_line *l, struct proto_rsp *r)
{
    uint32_t n;
    const char *b = l->buf;
    r->type = PROTO_RSP_VALUE;
    if (l->nwords != 4 && l->nwords != 5)
        return PROTO_ERROR;
    r->key = l->word[1];
    if (!proto_parse_u32(b + l->word[2].off, l->word[2].len, &r->flags) ||
        !proto_parse_u32(b + l->word[3].off, l->word[3].len, &n))
        return PROTO_ERROR;
    if (l->nwords == 5) {
        if (!proto_parse_u64(b + l->word[4].off, l->word[4].len, &r->cas))
            return PROTO_ERROR;
        r->has_cas = true;
    }
    return with_block(buf, len, n, r);
}

static int parse_line(const char *buf, size_t len, const struct proto_line *l, struct proto_rsp *r)
{
    if (l->nwords == 0)
        return PROTO_ERROR;
    const char *b = l->buf;
    struct proto_span w0 = l->word[0];
    if (proto_span_is(b, w0, "VALUE"))
        return parse_value(buf, len, l, r);
    if (proto_span_is(b, w0, "VA")) {
        uint32_t n;
        r->type = PROTO_RSP_VA;
        if (l->nwords < 2 || !proto_parse_u32(b + l->word[1].off, l->word[1].len, &n) ||
            meta_flags(l, 2, r) != PROTO_OK)
            return PROTO_ERROR;
        return with_block(buf, len, n, r);
    }
    for (size_t i = 0; i < sizeof(meta_words) / sizeof(meta_words[0]); i++)
        if (proto_span_is(b, w0, meta_words[i].word)) {
            r->type = meta_words[i].type;
            return meta_flags(l, 1, r);
        }
    for (size_t i = 0; i < sizeof(simple_words) / sizeof(simple_words[0]); i++)
        if (proto_span_is(b, w0, simple_words[i].word) && l->nwords == 1) {
            r->type = simple_words[i].type;
            return PROTO_OK;
        }
    if (proto_span_is(b, w0, "STAT") && l->nwords >= 2) {
        r->type = PROTO_RSP_STAT;
        r->key = l->word[1];
        r->msg = rest_after(l, 2);
    } else if (proto_span_is(b, w0, "VERSION")) {
        r->type = PROTO_RSP_VERSION;
        r->msg = rest_after(l, 1);
    } else if (proto_span_is(b, w0, "CLIENT_ERROR")) {
        r->type = PROTO_RSP_CLIENT_ERROR;
        r->msg = rest_after(l, 1);
    } else if (proto_span_is(b, w0, "SERVER_ERROR")) {
        r->type = PROTO_RSP_SERVER_ERROR;
        r->msg = rest_after(l, 1);
    } else if (w0.len >= 5 && memcmp(b + w0.off, "ERROR", 5) == 0 &&
               (w0.len == 5 || b[w0.off + 5] == ':')) {
        r->type = PROTO_RSP_ERROR; /* "ERROR", "ERROR msg", "ERROR: msg" (shutdown) */
        r->msg = rest_after(l, 1);
    } else if (proto_span_is(b, w0, "ME") && l->nwords >= 2) {
        r->type = PROTO_RSP_ME;
        r->key = l->word[1];
        r->msg = rest_after(l, 2);
    } else if (l->nwords == 1 && b[w0.off] >= '0' && b[w0.off] <= '9' &&
               proto_parse_u64(b + w0.off, w0.len, &r->number)) {
        r->type = PROTO_RSP_NUMBER;
    } else {
        return PROTO_ERROR;
    }
    return PROTO_OK;
}

int proto_parse_rsp(const char *buf, size_t len, struct proto_rsp *r)
{
    memset(r, 0, offsetof(struct proto_rsp, mtok));
    r->opcode = 0;
    r->status = 0;
    r->opaque = 0;
    r->extras = (struct proto_span){0, 0};
    if (len > 0 && (unsigned char)buf[0] == 0x81)
        return parse_binary_rsp(buf, len, r);
    size_t scan = len < PROTO_RSP_LINE_MAX ? len : PROTO_RSP_LINE_MAX;
    const char *nl = memchr(buf, '\n', scan);
    if (!nl)
        return len >= PROTO_RSP_LINE_MAX ? PROTO_ERROR : PROTO_NEED_MORE;
    struct proto_line line;
    line.buf = buf;
    line.start = 0;
    line.len = (uint32_t)(nl - buf);
    if (line.len > 0 && buf[line.len - 1] == '\r')
        line.len--;
    line.max_words = PROTO_MC_MAX_WORDS + 1;
    line.nwords = 0;
    proto_tokenize(&line);
    r->hdr_len = (uint32_t)(nl - buf) + 1;
    r->total_len = r->hdr_len;
    return parse_line(buf, len, &line, r);
}
