/* proto_impl.h: private helpers shared by the files of the proto module (req.c, text.c, meta.c,
 * binary.c). Not installed, not included outside src/proto. */
#ifndef RC_PROTO_IMPL_H
#define RC_PROTO_IMPL_H

#include "proto.h"

#include <string.h>

/* memcached's tokenizer keeps at most 23 words and counts a terminal token: ntokens <= 24. */
#define PROTO_MC_MAX_WORDS 23

/* One text/meta command line, already cut at "\n" (and a "\r" before it) and at a NUL byte. */
struct proto_line {
    const char *buf;    /* first byte given to proto_parse: spans are offsets from here */
    uint32_t start;     /* offset of the line's first byte (always 0 today) */
    uint32_t len;       /* usable bytes of the line */
    uint32_t max_words; /* tokenize stops after this many (at most PROTO_MC_MAX_WORDS + 1) */
    uint32_t nwords;    /* words found, the command word included, at most max_words */
    struct proto_span word[PROTO_MC_MAX_WORDS + 1]; /* first words (command word at 0) */
};

static inline bool proto_span_is(const char *buf, struct proto_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(buf + s.off, lit, n) == 0;
}

/* Sets req to a PROTO_ERROR result with reply `err` consuming `total` bytes. */
static inline int proto_fail(struct proto_req *req, const char *err, uint32_t total)
{
    req->err = err;
    req->total_len = total;
    return PROTO_ERROR;
}

/* Zeroes every scalar field of req (not the tok/mtok arrays). */
void proto_req_reset(struct proto_req *req);

/* Splits line->buf[start, start+len) into words at ' ' bytes (memcached splits on spaces only),
 * up to max_words. Set nwords to 0 first; a second call with a larger max_words goes on from the
 * last word found. */
void proto_tokenize(struct proto_line *line);

/* Per-family parsers: buf/len as given to proto_parse; line is the tokenized first line and
 * hdr_len the bytes of that line including its terminator. */
int text_parse(const char *buf, size_t len, const struct proto_line *line, uint32_t hdr_len,
               struct proto_req *req);
int meta_parse(const char *buf, size_t len, const struct proto_line *line, uint32_t hdr_len,
               struct proto_req *req);

/* text.c's fast path for the commonest lines (storage commands, single-key get/gets) written the
 * canonical way. b/len as given to proto_parse, end the usable bytes of the first line (b[end]
 * must be its "\r" or "\n"), hdr that line's length with its terminator. Returns a proto_parse
 * result, or PROTO_FALLBACK (no scalar field of req changed; tok[] may be) when the line must
 * take the general path. */
#define PROTO_FALLBACK 2
int text_parse_fast(const char *b, size_t len, uint32_t end, uint32_t hdr, struct proto_req *req);

/* Looks a command word up in cmds.def: PROTO_CMD_COUNT when unknown (binary-only names never
 * match). */
enum proto_cmd proto_cmd_lookup(const char *p, size_t n);

#endif
