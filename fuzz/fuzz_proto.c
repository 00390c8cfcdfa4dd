/* fuzz_proto: the request and reply parsers against themselves. The first two input bytes seed
 * the split points; the rest is a stream of requests (text, meta, binary mixed). The stream is
 * parsed as a connection would (parse at the front, consume total_len), once with all bytes
 * present and once arriving in pieces of random sizes; both runs must give the same sequence of
 * results (but for the long-line rule, see below). Each parse sees a heap copy of exactly the bytes
 * available, so ASan catches any read past them. Invariants checked on every result: total_len
 * covers at least one byte and never more than was given, and every span lies inside the request.
 * The same is done for replies. */
#include "proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RESULTS 256

struct summary {
    int rc;
    int cmd, kind;
    uint32_t hdr_len, total_len;
    struct proto_span key, keys, value;
    uint32_t flags, value_len;
    int64_t exptime;
    uint64_t cas, delta, initial, mflags;
    const char *err;
    int noreply, close, with_key;
    uint8_t opcode;
    uint16_t bin_status;
};

static void check_span(struct proto_span s, uint32_t total)
{
    if (s.len && (s.off > total || s.len > total - s.off))
        __builtin_trap();
}

static void summarize(struct summary *s, int rc, const struct proto_req *r)
{
    memset(s, 0, sizeof(*s));
    s->rc = rc;
    s->cmd = (int)r->cmd;
    s->kind = (int)r->kind;
    s->hdr_len = r->hdr_len;
    s->total_len = r->total_len;
    s->key = r->key;
    s->keys = r->keys;
    s->value = r->value;
    s->flags = r->flags;
    s->value_len = r->value_len;
    s->exptime = r->exptime;
    s->cas = r->cas;
    s->delta = r->delta;
    s->initial = r->initial;
    s->mflags = r->mflags;
    s->err = rc == PROTO_ERROR ? r->err : NULL;
    s->noreply = r->noreply;
    s->close = r->close;
    s->with_key = r->with_key;
    s->opcode = r->opcode;
    s->bin_status = r->bin_status;
}

/* Parses requests (rsp == 0) or replies (rsp == 1); returns the number of results. */
static size_t run(const uint8_t *in, size_t n, uint32_t seed, int rsp, struct summary *out)
{
    size_t have = seed ? 0 : n, pos = 0, count = 0;
    uint32_t rng = seed;
    while (count < MAX_RESULTS) {
        if (seed && have < n) {
            rng = rng * 1103515245u + 12345u;
            size_t step = 1 + (rng >> 16) % 64;
            have = have + step < n ? have + step : n;
        }
        size_t avail = have - pos;
        char *copy = malloc(avail ? avail : 1);
        memcpy(copy, in + pos, avail);
        int rc;
        uint32_t total;
        if (rsp) {
            struct proto_rsp r;
            rc = proto_parse_rsp(copy, avail, &r);
            total = r.total_len;
            memset(&out[count], 0, sizeof(out[count]));
            out[count].rc = rc;
            out[count].cmd = (int)r.type;
            out[count].total_len = rc == PROTO_NEED_MORE ? 0 : total;
            if (rc == PROTO_OK) {
                check_span(r.key, total);
                check_span(r.value, total);
                check_span(r.msg, total);
            }
        } else {
            struct proto_req r;
            rc = proto_parse(copy, avail, &r);
            total = r.total_len;
            if (rc != PROTO_NEED_MORE) {
                summarize(&out[count], rc, &r);
                check_span(r.key, total);
                check_span(r.value, total);
                check_span(r.keys, total);
                for (uint32_t i = 0; i < r.ntok; i++)
                    check_span(r.tok[i], total);
            }
        }
        free(copy);
        if (rc == PROTO_NEED_MORE) {
            if (have == n)
                break;
            continue;
        }
        if (rsp && rc == PROTO_ERROR) { /* a broken reply stream: nothing to consume */
            out[count].total_len = 0;
            count++;
            break;
        }
        if (total == 0 || total > avail)
            __builtin_trap();
        count++;
        pos += total;
        if (rc == PROTO_ERROR && (rsp || out[count - 1].close))
            break;
        if (pos == n)
            break;
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct summary whole[MAX_RESULTS], split[MAX_RESULTS];
    if (size < 2)
        return 0;
    uint32_t seed = ((uint32_t)data[0] << 8 | data[1]) + 1;
    data += 2;
    size -= 2;
    for (int rsp = 0; rsp < 2; rsp++) {
        size_t a = run(data, size, 0, rsp, whole);
        size_t b = run(data, size, seed, rsp, split);
        size_t i = 0;
        while (i < a && i < b && memcmp(&whole[i], &split[i], sizeof(whole[0])) == 0)
            i++;
        if (i == a && i == b)
            continue;
        /* memcached's one arrival-dependent rule: a non-get line longer than PROTO_LINE_MAX is
         * parsed when its "\n" came with it (or waits for its data block), closed when it
         * arrives in pieces */
        if (!rsp && i < b && split[i].close && (i == a || whole[i].hdr_len > PROTO_LINE_MAX + 1))
            continue;
        __builtin_trap();
    }
    return 0;
}
