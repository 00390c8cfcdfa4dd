/* bench_conn: the load generator's protocol side of one connection, without the socket. It writes
 * requests (text or meta protocol) for bench_gen operations into an output buffer, remembers what
 * is in flight (up to the pipeline depth, in order), and parses and verifies the replies that
 * come back, recording each request's latency in a histogram.
 *
 * Values are verifiable: the value stored under key id K has client flags K (low 32 bits) and
 * bytes taken from a fixed pattern at offset K % BENCH_CONN_CYCLE, so every hit is checked for
 * key, flags and content (values of any length, as an earlier run with other sizes left them).
 * Multi-get hits must come back in request order (misses are absent); in meta mode a multi-get is a
 * run of quiet `mg ... k q` ending in `mn`.
 *
 * Ownership: bench_conn_init allocates the in-flight queue once (no allocation per request); the
 * config (and its pattern) must outlive the connection. Not thread-safe: one owner. */
#ifndef RC_BENCH_CONN_H
#define RC_BENCH_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "bench_gen.h"
#include "buf.h"
#include "hist.h"
#include "proto.h"

#define BENCH_CONN_CYCLE      61 /* pattern period: a key's value starts at pattern[id % 61] */
#define BENCH_CONN_PREFIX_MAX 64
#define BENCH_CONN_CHECK_MIN  4096 /* value bytes verified at least (whatever this run's sizes) */

enum bench_conn_proto { BENCH_CONN_TEXT, BENCH_CONN_META };

struct bench_conn_cfg {
    enum bench_conn_proto proto;
    char prefix[BENCH_CONN_PREFIX_MAX + 1]; /* key = prefix + decimal id */
    uint32_t vmin, vmax;                    /* sizes this run stores */
    unsigned depth;                         /* requests in flight per connection */
    unsigned mget;                          /* widest multi-get */
    char *pattern;                          /* pattern_len + CYCLE bytes, owned by the cfg */
    size_t pattern_len;                     /* max(vmax, BENCH_CONN_CHECK_MIN) */
};

/* Fills the value pattern for values up to vmax bytes (allocates); the other fields are the
 * caller's to set. Returns 0, RC_ERR_INVAL (prefix too long) or RC_ERR_NOMEM. */
int bench_conn_cfg_init(struct bench_conn_cfg *cfg, enum bench_conn_proto proto, const char *prefix,
                        uint32_t vmin, uint32_t vmax, unsigned depth, unsigned mget);
void bench_conn_cfg_deinit(struct bench_conn_cfg *cfg);

/* Counters of one target; several connections may share one (same thread). */
struct bench_conn_stats {
    struct hist lat;  /* request latency, ns */
    uint64_t ops;     /* completed requests */
    uint64_t gets;    /* completed get requests (a multi-get is one) */
    uint64_t sets;    /* completed set requests */
    uint64_t keys;    /* keys asked for by completed gets */
    uint64_t hits;    /* values returned and verified */
    uint64_t errors;  /* error replies (SERVER_ERROR, NOT_STORED, ...) */
    uint64_t corrupt; /* replies that failed verification */
    char first_error[160];
};

void bench_conn_stats_init(struct bench_conn_stats *s);
/* Adds src's counts and histogram to dst (keeps dst's first error if it has one). */
void bench_conn_stats_merge(struct bench_conn_stats *dst, const struct bench_conn_stats *src);

struct bench_conn_slot {
    int64_t t0;     /* when the request was written (ns) */
    uint8_t type;   /* enum bench_gen_op_type */
    uint16_t nkeys; /* keys asked for */
    uint16_t next;  /* multi-get: first key not yet matched by a reply */
    uint16_t found; /* hits so far */
    uint32_t vlen;  /* sets: value length */
};

struct bench_conn {
    const struct bench_conn_cfg *cfg;
    struct bench_conn_stats *stats;
    struct bench_conn_slot *slot; /* ring of cfg->depth entries */
    uint64_t *key;                /* cfg->depth * cfg->mget key ids, mget per slot */
    unsigned head, count;
    struct proto_rsp rsp; /* the reply element being looked at */
};

/* Allocates the in-flight queue for cfg->depth requests. Returns 0 or RC_ERR_NOMEM. */
int bench_conn_init(struct bench_conn *c, const struct bench_conn_cfg *cfg,
                    struct bench_conn_stats *stats);
void bench_conn_deinit(struct bench_conn *c);

/* Requests in flight, and whether another may be sent. */
static inline unsigned bench_conn_inflight(const struct bench_conn *c)
{
    return c->count;
}
static inline int bench_conn_can_send(const struct bench_conn *c)
{
    return c->count < c->cfg->depth;
}
/* Forgets everything in flight (after the connection was lost). */
void bench_conn_reset(struct bench_conn *c);

/* Appends the request for op to out and queues it with send time now. Returns 0, RC_ERR_FULL
 * (depth reached, or out cannot grow) or RC_ERR_INVAL (more keys than cfg->mget). */
int bench_conn_send(struct bench_conn *c, const struct bench_gen_op *op, int64_t now,
                    struct buf *out);

/* Parses the complete replies at the front of p[0..n), verifying each and recording completed
 * requests (latency now - t0) in the stats. *used is set to the bytes consumed; a partial reply
 * is left for the next call. Returns the number of requests completed (>= 0), or RC_ERR_PROTOCOL
 * when the stream cannot be understood (a reply with nothing in flight, an unknown line);
 * stats->first_error then says why. */
int bench_conn_recv(struct bench_conn *c, const char *p, size_t n, int64_t now, size_t *used);

#endif
