/* libringcache: the ringcache C client. It shards keys over many memcached-compatible nodes
 * (ringcached or stock memcached, mixed at will) with a consistent-hash ring, talks to each node
 * over one persistent connection, fans multi-gets out in parallel, and handles node failures with
 * a stated policy (docs/client.md).
 *
 * Thread model: a struct rc_client is NOT thread-safe. Use one client per thread (they are cheap:
 * one connection per server, opened lazily), or guard a shared one with your own lock.
 *
 * Status: every function returns 0 (RC_OK) or a negative rc_status (ringcache/status.h; text via
 * rc_strerror). Misses are RC_ERR_NOT_FOUND, add/replace refusals RC_ERR_NOT_STORED, a cas
 * mismatch RC_ERR_EXISTS. The library never exits, aborts or prints.
 *
 * Keys are byte strings (key, key_len) of 1..250 bytes without spaces or control characters; a
 * bad key gives RC_ERR_INVAL before any I/O. Exptimes follow memcached: 0 never, up to 30 days
 * relative seconds, above that an absolute unix time, negative already expired.
 *
 * Memory: the library keeps no pointer to anything the caller passes in after a call returns.
 * Returned values land in struct rc_value, see there for who owns the bytes. */
#ifndef RINGCACHE_CLIENT_H
#define RINGCACHE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "ringcache/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rc_client;

enum rc_failover {
    RC_FAILOVER_REHASH = 0, /* an ejected server's keys go to the next live server on the ring */
    RC_FAILOVER_FAIL = 1,   /* an ejected server's keys fail at once with RC_ERR_EJECTED */
};

enum rc_protocol {
    RC_PROTOCOL_TEXT = 0, /* memcached text protocol (every memcached and ringcached) */
    RC_PROTOCOL_META = 1, /* meta commands mg/ms/md/ma/mn (memcached >= 1.6, ringcached);
                             flush_all, stats and version stay text commands */
};

struct rc_client_options {
    const char *mode;          /* ring distribution mode name as the ring library spells it
                                  (e.g. "ketama", "modula", ...); NULL = "ketama", the weighted md5
                                  ketama of libmemcached and twemproxy */
    int connect_timeout_ms;    /* per connection attempt; default 1000 */
    int io_timeout_ms;         /* per request, from first byte written to last byte read;
                                  default 1000 */
    int failure_limit;         /* consecutive failures that eject a server; default 2 */
    int retry_timeout_ms;      /* an ejected server is tried again after this; default 2000 */
    enum rc_failover failover; /* default RC_FAILOVER_REHASH */
    int safe_rejoin;           /* flush a server (flush_all) before re-admitting it: 1 on, 0 off,
                                  -1 default (on with rehash, off with fail) */
    enum rc_protocol protocol; /* default RC_PROTOCOL_TEXT */
    int tcp_nodelay;           /* 1 (default) sets TCP_NODELAY on TCP connections */
    size_t max_value;          /* largest value accepted from a server; default 64 MiB */
};

/* Fills o with the defaults listed above. */
void rc_client_options_init(struct rc_client_options *o);

/* Creates a client for the servers in `servers`: entries separated by ',' ';' or newlines, each
 *   host[:port[:weight]] [name]     TCP (port defaults to 11211, weight to 1)
 *   [v6addr][:port[:weight]] [name] IPv6 literal
 *   /path/to.sock[:weight] [name]   unix socket
 * as twemproxy writes them ("127.0.0.1:11211:1 server1"); a name, when given, is the server's
 * identity on the ring (as twemproxy's ketama uses it). Addresses are resolved here; connections
 * open lazily. opt may be NULL for the defaults. On success *out owns a client to free with
 * rc_client_destroy. Returns RC_ERR_INVAL for a bad list or option, RC_ERR_RESOLVE, RC_ERR_NOMEM,
 * or the ring's status for an unknown mode. */
int rc_client_create(struct rc_client **out, const char *servers,
                     const struct rc_client_options *opt);
/* Closes every connection and frees the client; accepts NULL and *c == NULL; sets *c = NULL. */
void rc_client_destroy(struct rc_client **c);

/* A value returned by a get. On entry, either data == NULL: the library allocates len + 1 bytes
 * (NUL-terminated) that the caller frees with free(); or data points to the caller's buffer of cap
 * bytes: the value is copied there, and if it does not fit the call returns RC_ERR_FULL with len
 * set to the value's length (nothing copied, flags and cas set). */
struct rc_value {
    char *data;
    size_t cap;
    size_t len;
    uint32_t flags;
    uint64_t cas; /* filled by gets/gats (and get_multi when asked); else 0 */
};

/* Retrieval. RC_ERR_NOT_FOUND on a miss. gat also sets the expiry (gat/gats commands). */
int rc_get(struct rc_client *c, const char *key, size_t key_len, struct rc_value *v);
int rc_gets(struct rc_client *c, const char *key, size_t key_len, struct rc_value *v);
int rc_gat(struct rc_client *c, const char *key, size_t key_len, int64_t exptime,
           struct rc_value *v);

/* Multi-get of n keys: keys are grouped by server, every server's request is written before any
 * reply is read, and replies are gathered as they arrive, so the latency is the slowest server's.
 * values[i] follows the rc_value rules; statuses[i] is set per key: 0 hit, RC_ERR_NOT_FOUND miss,
 * or the error of that key's server. with_cas != 0 uses gets. Returns 0 when every involved
 * server answered (misses included), else the first server error seen (per-key statuses tell
 * which keys it concerns). On error the caller still frees any allocated values[i].data. */
int rc_get_multi(struct rc_client *c, size_t n, const char *const *keys, const size_t *key_lens,
                 struct rc_value *values, int *statuses, int with_cas);

/* Storage. add: RC_ERR_NOT_STORED if the key exists; replace/append/prepend: RC_ERR_NOT_STORED if
 * it does not; cas: RC_ERR_EXISTS if modified since the gets, RC_ERR_NOT_FOUND if gone.
 * RC_ERR_TOO_LARGE when the server refuses the size. */
int rc_set(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len,
           uint32_t flags, int64_t exptime);
int rc_add(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len,
           uint32_t flags, int64_t exptime);
int rc_replace(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len,
               uint32_t flags, int64_t exptime);
int rc_append(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len);
int rc_prepend(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len);
int rc_cas(struct rc_client *c, const char *key, size_t key_len, const void *value, size_t len,
           uint32_t flags, int64_t exptime, uint64_t cas);

/* One item of a pipelined multi-set. */
struct rc_kv {
    const char *key;
    size_t key_len;
    const void *value;
    size_t len;
    uint32_t flags;
    int64_t exptime;
};
/* Pipelined multi-set: every server's sets are written before replies are read. statuses[i] gets
 * each item's outcome (may be NULL). Returns 0 if every item was stored, else the first error. */
int rc_set_multi(struct rc_client *c, size_t n, const struct rc_kv *items, int *statuses);

/* Deletes a key; RC_ERR_NOT_FOUND if absent. */
int rc_delete(struct rc_client *c, const char *key, size_t key_len);
/* incr/decr by delta (decr stops at 0, incr wraps at 2^64 as memcached); *value (may be NULL)
 * gets the new value. RC_ERR_NOT_FOUND if absent, RC_ERR_NON_NUMERIC if the value is no number. */
int rc_incr(struct rc_client *c, const char *key, size_t key_len, uint64_t delta, uint64_t *value);
int rc_decr(struct rc_client *c, const char *key, size_t key_len, uint64_t delta, uint64_t *value);
/* Sets a new expiry; RC_ERR_NOT_FOUND if absent. */
int rc_touch(struct rc_client *c, const char *key, size_t key_len, int64_t exptime);

/* flush_all on every server (ejected ones included, they are tried). delay in seconds (0 now).
 * Returns 0 if all succeeded, else the first error. */
int rc_flush_all(struct rc_client *c, int64_t delay);

/* Servers, by index 0 .. rc_server_count() - 1 in the order of the list. */
size_t rc_server_count(const struct rc_client *c);
/* "host:port" or the unix path, as given; owned by the client, valid until destroy. */
const char *rc_server_name(const struct rc_client *c, size_t index);
/* 1 if the server is currently ejected, else 0. */
int rc_server_ejected(const struct rc_client *c, size_t index);
/* Index of the server a key maps to on the full ring (*owner) and of the one a request would go
 * to now (*target; differs when the owner is ejected and the policy is rehash). Either may be
 * NULL. No I/O. Returns RC_ERR_INVAL for a bad key, RC_ERR_EJECTED (policy fail) or
 * RC_ERR_NO_SERVER (rehash, every server ejected) when no server takes the key now; *owner is
 * still set then. */
int rc_server_for_key(struct rc_client *c, const char *key, size_t key_len, size_t *owner,
                      size_t *target);

/* Called once per "STAT name value" line; name and value are NUL-terminated and only valid
 * during the call. */
typedef void (*rc_stat_fn)(void *arg, const char *name, const char *value);
/* stats [group] of one server (group NULL for the general stats). */
int rc_stats(struct rc_client *c, size_t index, const char *group, rc_stat_fn fn, void *arg);
/* The server's version string into buf (NUL-terminated, truncated to cap - 1). */
int rc_version(struct rc_client *c, size_t index, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
