/* proto_testutil.h: helpers shared by the proto unit tests (test_req, test_text, test_meta,
 * test_binary). A stream of requests is parsed the way a connection does (parse at the front,
 * consume total_len, re-parse when more bytes arrive) and every result is written as one line of
 * text, so that a test states the expected results plainly. check_stream() runs the input whole,
 * split into two reads at every byte, and delivered one byte at a time; every run must give the
 * expected lines. Each read is copied to a heap buffer of exactly its size, so ASan catches a
 * parser that looks past the bytes it was given. */
#ifndef RC_PROTO_TESTUTIL_H
#define RC_PROTO_TESTUTIL_H

#include "proto.h"
#include "test.h"

#include <stdlib.h>

struct sbuf {
    char s[1 << 16];
    size_t n;
};

static void sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
    va_end(ap);
    if (w > 0)
        b->n += (size_t)w < sizeof(b->s) - b->n ? (size_t)w : sizeof(b->s) - b->n - 1;
}

static void sb_span(struct sbuf *b, const char *name, const char *buf, struct proto_span s)
{
    sb_add(b, " %s=%.*s", name, (int)s.len, buf + s.off);
}

/* One line describing a parse result. */
static void describe(struct sbuf *b, const char *buf, int rc, const struct proto_req *r)
{
    if (rc == PROTO_ERROR) {
        sb_add(b, "E:%s n=%u", r->err, (unsigned)r->total_len);
    } else {
        if (r->kind == PROTO_BINARY)
            sb_add(b, "b%02x:%s", r->opcode, proto_cmd_name(r->cmd));
        else
            sb_add(b, "%s", proto_cmd_name(r->cmd));
        if (proto_cmd_bits(r->cmd) & PROTO_F_MULTI) {
            sb_span(b, "keys", buf, r->keys);
        } else if (r->key.len) {
            sb_span(b, "k", buf, r->key);
        }
        if (r->flags)
            sb_add(b, " f=%u", (unsigned)r->flags);
        if (r->exptime)
            sb_add(b, " e=%lld", (long long)r->exptime);
        if (r->cas)
            sb_add(b, " c=%llu", (unsigned long long)r->cas);
        if (r->delta)
            sb_add(b, " d=%llu", (unsigned long long)r->delta);
        if (r->initial)
            sb_add(b, " i=%llu", (unsigned long long)r->initial);
        if (proto_cmd_bits(r->cmd) & PROTO_F_VALUE)
            sb_span(b, "v", buf, r->value);
        for (int c = 'A'; c <= 'z'; c++)
            if (c <= 'Z' || c >= 'a')
                if ((r->mflags >> proto_mflag_bit((char)c)) & 1u)
                    sb_add(b, " %c%.*s", c, (int)r->mtok[proto_mflag_bit((char)c)].len,
                           buf + r->mtok[proto_mflag_bit((char)c)].off);
        if (r->opaque)
            sb_add(b, " o=%u", (unsigned)r->opaque);
        if (r->with_key)
            sb_add(b, " wk");
    }
    if (r->noreply)
        sb_add(b, " nr");
    if (r->close)
        sb_add(b, " close");
    sb_add(b, "\n");
}

/* Parses `in` as a connection would, delivering it in reads of `chunk` bytes after a first read
 * of `first` bytes. Stops at the end of input ("more" if bytes wait for more) or at a close. */
static void run_stream(const char *in, size_t n, size_t first, size_t chunk, struct sbuf *out)
{
    size_t have = first < n ? first : n, pos = 0;
    out->n = 0;
    out->s[0] = '\0';
    for (int guard = 0; guard < 1000000; guard++) {
        char *copy = malloc(have - pos + 1);
        memcpy(copy, in + pos, have - pos);
        struct proto_req r;
        int rc = proto_parse(copy, have - pos, &r);
        if (rc == PROTO_NEED_MORE) {
            free(copy);
            if (have == n) {
                if (have > pos)
                    sb_add(out, "more\n");
                return;
            }
            have = have + chunk < n ? have + chunk : n;
            continue;
        }
        describe(out, copy, rc, &r);
        free(copy);
        CHECK(r.total_len > 0);
        pos += r.total_len;
        if (r.close || pos > have)
            return;
        if (pos == n)
            return;
    }
}

/* Checks that `in` parses into the lines of `expect`, whole, split at every byte, and byte by
 * byte. */
__attribute__((unused)) static void check_stream_n(const char *in, size_t n, const char *expect,
                                                   int line)
{
    static struct sbuf got;
    run_stream(in, n, n, n, &got);
    if (strcmp(got.s, expect) != 0) {
        fprintf(stderr, "line %d: whole input:\n--- got\n%s--- want\n%s", line, got.s, expect);
        test_failed_checks++;
        return;
    }
    for (size_t k = 1; k < n; k++) {
        run_stream(in, n, k, n, &got);
        if (strcmp(got.s, expect) != 0) {
            fprintf(stderr, "line %d: split at %zu:\n--- got\n%s--- want\n%s", line, k, got.s,
                    expect);
            test_failed_checks++;
            return;
        }
    }
    if (n < 20000) {
        run_stream(in, n, 1, 1, &got);
        if (strcmp(got.s, expect) != 0) {
            fprintf(stderr, "line %d: byte by byte:\n--- got\n%s--- want\n%s", line, got.s, expect);
            test_failed_checks++;
        }
    }
}
#define check_stream(in, expect) check_stream_n((in), sizeof(in) - 1, (expect), __LINE__)

#endif
