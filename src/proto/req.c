/* req.c: the front of the request parser. It tells binary from text by the first byte, finds the
 * command line (memcached accepts "\r\n" and a bare "\n"), bounds over-long lines, splits the line
 * into word spans, looks the command word up in cmds.def and hands over to text.c or meta.c
 * (binary input goes to binary.c). A storage or single-key get line written the canonical way is
 * first offered to text.c's one-pass fast path, which means the same and skips the tokenizer. It
 * also holds the command table accessors, memcached's number parsing rules and the multi-key
 * iterator.
 *
 * Invariants: proto_parse never reads past buf[len), never writes to buf, and never allocates; all
 * results are spans (offsets from buf) inside struct proto_req. The result depends only on the
 * bytes, never on how they were split into reads: a line whose "\n" lies beyond PROTO_LINE_MAX is
 * an error whether or not the "\n" has arrived (memcached closes such connections; deciding on the
 * length alone keeps whole and split input identical).
 * Concurrency: no state at all; any number of threads may parse at once.
 * Non-goals: executing commands, knowing the item size limit (-I is the server's to check). */
#include "proto_impl.h"

#include <stddef.h>

static const struct cmd_info {
    const char *name;
    uint32_t len;
    enum proto_kind kind;
    unsigned bits;
} cmd_table[PROTO_CMD_COUNT] = {
#define X(id, name, kind, bits) {name, sizeof(name) - 1, kind, bits},
#include "cmds.def"
#undef X
};

const char *proto_cmd_name(enum proto_cmd cmd)
{
    return (unsigned)cmd < PROTO_CMD_COUNT ? cmd_table[cmd].name : "";
}

enum proto_kind proto_cmd_kind(enum proto_cmd cmd)
{
    return (unsigned)cmd < PROTO_CMD_COUNT ? cmd_table[cmd].kind : PROTO_TEXT;
}

unsigned proto_cmd_bits(enum proto_cmd cmd)
{
    return (unsigned)cmd < PROTO_CMD_COUNT ? cmd_table[cmd].bits : 0;
}

enum proto_cmd proto_cmd_lookup(const char *p, size_t n)
{
    if (n < 2 || n > 9)
        return PROTO_CMD_COUNT;
    for (unsigned i = 0; i < PROTO_CMD_COUNT; i++) {
        const char *name = cmd_table[i].name;
        if (cmd_table[i].len == n && name[0] == p[0] && memcmp(name, p, n) == 0)
            return (enum proto_cmd)i;
    }
    return PROTO_CMD_COUNT;
}

/* ---- numbers, as memcached's safe_strto* (strtol family plus its own checks) ---- */

static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* strtoull-like scan of p[0, n): leading white space, a sign, at least one digit, then the end
 * or a white-space byte (memcached accepts anything after it). *over is set on overflow. */
static bool scan_number(const char *p, size_t n, bool *neg, uint64_t *mag, bool *over)
{
    size_t i = 0;
    while (i < n && is_space(p[i]))
        i++;
    *neg = false;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        *neg = p[i++] == '-';
    size_t digits = i;
    uint64_t v = 0;
    *over = false;
    size_t safe = n - i > 19 ? i + 19 : n; /* 19 digits never overflow 64 bits */
    for (; i < safe && p[i] >= '0' && p[i] <= '9'; i++)
        v = v * 10 + (unsigned)(p[i] - '0');
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            *over = true;
        v = v * 10 + d;
    }
    if (i == digits)
        return false;
    *mag = v;
    return i == n || is_space(p[i]);
}

bool proto_parse_u64(const char *p, size_t n, uint64_t *out)
{
    bool neg, over;
    uint64_t mag;
    if (!scan_number(p, n, &neg, &mag, &over) || over)
        return false;
    uint64_t v = neg ? (uint64_t)0 - mag : mag;
    if (neg && (int64_t)v < 0) /* safe_strtoull refuses a sign only when the result is huge */
        return false;
    *out = v;
    return true;
}

bool proto_parse_u32(const char *p, size_t n, uint32_t *out)
{
    uint64_t v;
    if (!proto_parse_u64(p, n, &v))
        return false;
    *out = (uint32_t)v; /* safe_strtoul stores an unsigned long into 32 bits */
    return true;
}

bool proto_parse_i64(const char *p, size_t n, int64_t *out)
{
    bool neg, over;
    uint64_t mag;
    if (!scan_number(p, n, &neg, &mag, &over) || over)
        return false;
    if (mag > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
        return false;
    *out = neg ? (int64_t)((uint64_t)0 - mag) : (int64_t)mag;
    return true;
}

bool proto_parse_i32(const char *p, size_t n, int32_t *out)
{
    int64_t v;
    if (!proto_parse_i64(p, n, &v))
        return false;
    *out = (int32_t)(uint32_t)(uint64_t)v; /* safe_strtol: a long stored into an int32_t */
    return true;
}

/* ---- line finder and tokenizer ---- */

void proto_tokenize(struct proto_line *line)
{
    const char *b = line->buf;
    uint32_t n = line->nwords, end = line->start + line->len;
    uint32_t i = n ? line->word[n - 1].off + line->word[n - 1].len : line->start; /* resume */
    uint32_t max =
        line->max_words <= PROTO_MC_MAX_WORDS + 1 ? line->max_words : PROTO_MC_MAX_WORDS + 1;
    while (i < end && n < max) {
        while (i < end && b[i] == ' ')
            i++;
        if (i == end)
            break;
        uint32_t s = i;
        const char *sp = memchr(b + i, ' ', end - i);
        i = sp ? (uint32_t)(sp - b) : end;
        line->word[n].off = s;
        line->word[n].len = i - s;
        n++;
    }
    line->nwords = n; /* PROTO_MC_MAX_WORDS + 1 means "more than memcached keeps" */
}

/* True if the line starts (after at most 100 spaces) with "get " or "gets ": the only lines that
 * memcached lets grow past PROTO_LINE_MAX. */
static bool is_get_line(const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len && i <= 100 && buf[i] == ' ')
        i++;
    if (i > 100)
        return false;
    if (len - i >= 4 && memcmp(buf + i, "get ", 4) == 0)
        return true;
    return len - i >= 5 && memcmp(buf + i, "gets ", 5) == 0;
}

/* memcached closes without a reply: err is for logs, noreply says "send nothing". total_len is
 * the limit plus one, the bytes that proved the line too long (the same however input is split). */
static int line_too_long(struct proto_req *req, size_t limit)
{
    req->noreply = true;
    req->close = true;
    return proto_fail(req, "CLIENT_ERROR line too long", (uint32_t)limit + 1);
}

void proto_req_reset(struct proto_req *req)
{
    memset(req, 0, offsetof(struct proto_req, tok));
    req->mflags = 0;
    req->opcode = 0;
    req->opaque = 0;
    req->with_key = false;
    req->bin_status = 0;
}

int proto_parse_text(const char *buf, size_t len, struct proto_req *req)
{
    proto_req_reset(req);
    req->kind = PROTO_TEXT;
    size_t scan = len < PROTO_GET_LINE_MAX + 1 ? len : PROTO_GET_LINE_MAX + 1;
    const char *nl = memchr(buf, '\n', scan);
    size_t el = nl ? (size_t)(nl - buf) : scan;
    if (!nl) {
        /* memcached's rule: only while no "\n" has arrived is a long line judged; a non-get
         * line past PROTO_LINE_MAX is closed, a get line may grow to PROTO_GET_LINE_MAX. A long
         * line whose "\n" is already here is parsed like any other (so the outcome depends on
         * how the bytes arrive, exactly as with memcached). */
        if (el > PROTO_LINE_MAX && !is_get_line(buf, el))
            return line_too_long(req, PROTO_LINE_MAX);
        if (el > PROTO_GET_LINE_MAX)
            return line_too_long(req, PROTO_GET_LINE_MAX);
        return PROTO_NEED_MORE;
    }

    struct proto_line line;
    line.buf = buf;
    line.start = 0;
    line.len = (uint32_t)el;
    if (el > 1 && buf[el - 1] == '\r')
        line.len--;
    uint32_t hdr_len = (uint32_t)el + 1;
    req->hdr_len = hdr_len;
    req->total_len = hdr_len;
    int rc = text_parse_fast(buf, len, line.len, hdr_len, req);
    if (rc != PROTO_FALLBACK)
        return rc;
    const char *nul = memchr(buf, '\0', line.len);
    if (nul)
        line.len = (uint32_t)(nul - buf);
    line.nwords = 0;
    /* get lines may hold thousands of keys: three words (command, gat's exptime, first key)
     * are all a multi-key command needs, the keys are walked later */
    line.max_words = 3;
    proto_tokenize(&line);
    if (line.nwords == 0)
        return proto_fail(req, "ERROR", hdr_len);
    enum proto_cmd cmd = proto_cmd_lookup(buf + line.word[0].off, line.word[0].len);
    if (cmd == PROTO_CMD_COUNT || cmd_table[cmd].kind == PROTO_BINARY)
        return proto_fail(req, "ERROR", hdr_len);
    if (line.nwords == 3 && !(cmd_table[cmd].bits & PROTO_F_MULTI)) {
        line.max_words = PROTO_MC_MAX_WORDS + 1;
        proto_tokenize(&line); /* goes on after the third word */
    }
    req->cmd = cmd;
    req->ntok = line.nwords - 1 < PROTO_MAX_TOKENS ? line.nwords - 1 : PROTO_MAX_TOKENS;
    memcpy(req->tok, line.word + 1, req->ntok * sizeof(req->tok[0]));
    if (cmd_table[cmd].kind == PROTO_META) {
        req->kind = PROTO_META;
        return meta_parse(buf, len, &line, hdr_len, req);
    }
    return text_parse(buf, len, &line, hdr_len, req);
}

int proto_parse(const char *buf, size_t len, struct proto_req *req)
{
    if (len > 0 && (unsigned char)buf[0] == 0x80)
        return proto_parse_binary(buf, len, req);
    return proto_parse_text(buf, len, req);
}

bool proto_keys_next(const char *buf, const struct proto_req *req, uint32_t *pos,
                     struct proto_span *key)
{
    const char *p = buf + req->keys.off;
    uint32_t i = *pos, n = req->keys.len;
    while (i < n && p[i] == ' ')
        i++;
    if (i >= n)
        return false;
    const char *sp = memchr(p + i, ' ', n - i);
    uint32_t e = sp ? (uint32_t)(sp - p) : n;
    key->off = req->keys.off + i;
    key->len = e - i;
    *pos = e;
    return true;
}
