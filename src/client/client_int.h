/* client_int: the client's internal structures, shared by client.c (life cycle, server list,
 * accessors), failover.c (liveness and routing) and ops.c (requests and replies). Not installed.
 * Prefixes: cserver_ / failover_ / ops_ for internal functions, rc_ for the public API. */
#ifndef RC_CLIENT_INT_H
#define RC_CLIENT_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conn.h"
#include "proto.h"
#include "ringcache/client.h"

struct rc_ring;

struct cserver {
    char *name;  /* "host:port" or the unix path: for display and errors */
    char *host;  /* host as written (no brackets), or the unix path */
    char *alias; /* twemproxy-style name after the address, or NULL */
    uint16_t port;
    uint32_t weight;
    bool is_unix;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    struct cconn conn;

    /* failover state (failover.c) */
    int failures;        /* consecutive failures */
    bool ejected;        /* out of the live ring */
    int64_t retry_at_ns; /* when ejected: next re-admission attempt */
    size_t live_index;   /* position in the live ring while not ejected */
};

/* One server's part of a request round (ops.c). */
struct xfer {
    struct cserver *srv;
    int (*parse)(struct rc_client *c, struct xfer *x); /* RC_OK done, RC_ERR_AGAIN more, error */
    void *ctx;
    size_t head;      /* multi ops: next key/item index of this server awaiting its reply */
    size_t tail;      /* multi ops: last index appended to this server's chain */
    size_t nkeys;     /* multi ops: keys/items sent to this server */
    size_t left;      /* get_multi: keys of the current get command not yet answered */
    int status;       /* outcome of the exchange (transport errors only) */
    int64_t deadline; /* connect deadline while connecting, then the I/O deadline */
    int answer;       /* flush_all: the status the server answered */
    bool done;
};

struct rc_client {
    struct rc_client_options opt;
    bool safe_rejoin;
    size_t nservers;
    struct cserver *servers;

    struct rc_ring *ring; /* every server */
    struct rc_ring *live; /* non-ejected servers (rehash policy); NULL when all are live */
    size_t *live_servers; /* live ring position -> server index */
    size_t nejected;
    int64_t next_retry_ns; /* earliest retry_at_ns of the ejected servers */

    /* Scratch reused by every round (no per-request allocation once warm). */
    struct xfer *xfers;     /* nservers */
    struct pollfd *pfds;    /* nservers */
    size_t *xfer_of_server; /* nservers: index into xfers, or SIZE_MAX (multi ops) */
    size_t *pfd_xfer;       /* nservers: pfds[k] belongs to xfers[pfd_xfer[k]] (ops_round) */
    size_t *chain;          /* get_multi/set_multi: next key of the same server */
    size_t chain_cap;
};

/* Server list (client.c). Parses `list` into a malloc'd array; *n gets the count. */
int cserver_parse_list(const char *list, struct cserver **out, size_t *n);
void cserver_free_list(struct cserver *s, size_t n);

/* Routing and liveness (failover.c). */
int failover_build(struct rc_client *c); /* builds c->ring from the servers */
void failover_deinit(struct rc_client *c);
/* The server that should take `key` now (retries due servers first). */
int failover_route(struct rc_client *c, const char *key, size_t key_len, struct cserver **out);
/* The owner of key on the full ring. */
size_t failover_owner(struct rc_client *c, const char *key, size_t key_len);
/* Outcome bookkeeping after an exchange with s. failure closes s's connection. */
void failover_success(struct rc_client *c, struct cserver *s);
void failover_failure(struct rc_client *c, struct cserver *s, int status);
/* Tries re-admission of ejected servers whose retry time has come. */
void failover_retry_due(struct rc_client *c);
/* Whether a status means the server or the path to it failed (counts toward ejection). */
bool failover_is_transport_error(int status);

/* A reply from a server, as the protocol library parsed it (round.c adapts proto's rsp). */
enum creply_kind {
    CR_VALUE,
    CR_END,
    CR_STORED,
    CR_NOT_STORED,
    CR_EXISTS,
    CR_NOT_FOUND,
    CR_DELETED,
    CR_TOUCHED,
    CR_OK,
    CR_NUMBER,
    CR_STAT,
    CR_VERSION,
    CR_ERROR,
    CR_CLIENT_ERROR,
    CR_SERVER_ERROR
};
struct creply {
    enum creply_kind kind;
    size_t total;    /* bytes of the reply (header and data block) */
    const char *key; /* VALUE: key; STAT: name */
    size_t key_len;
    const char *data; /* VALUE: data block; STAT: value; VERSION/errors: the text */
    size_t data_len;
    uint32_t flags;  /* VALUE */
    uint64_t cas;    /* VALUE with cas */
    uint64_t number; /* CR_NUMBER */
};
/* Parses one reply at the front of p[0..n): RC_OK, RC_ERR_AGAIN (incomplete; r->total is the
 * size needed when known, else 0) or RC_ERR_PROTOCOL. */
int wire_reply(const char *p, size_t n, struct creply *r);
/* Requests in the client's protocol (request.c, over proto's writers). Each appends one whole
 * request to b or returns the writer's error. */
#define CREQ_KEYS_PER_GET 100 /* text get_multi: keys per get command */
int creq_retrieve(const struct rc_client *c, struct buf *b, enum proto_cmd cmd, const char *key,
                  size_t key_len, int64_t exptime);
/* get_multi: the nth (0-based) key of a server's request, then the request's end. */
int creq_multi_key(const struct rc_client *c, struct buf *b, size_t nth, const char *key,
                   size_t key_len, bool with_cas);
int creq_multi_end(const struct rc_client *c, struct buf *b);
/* Keys answered by the first (and each following) terminator of a multi request of nkeys. */
size_t creq_multi_batch(const struct rc_client *c, size_t nkeys);
int creq_store(const struct rc_client *c, struct buf *b, enum proto_cmd cmd, const char *key,
               size_t key_len, uint32_t flags, int64_t exptime, const void *value, size_t len,
               uint64_t cas);
int creq_delete(const struct rc_client *c, struct buf *b, const char *key, size_t key_len);
int creq_arith(const struct rc_client *c, struct buf *b, enum proto_cmd cmd, const char *key,
               size_t key_len, uint64_t delta);
int creq_touch(const struct rc_client *c, struct buf *b, const char *key, size_t key_len,
               int64_t exptime);
/* "flush_all[ delay]\r\n" */
int wire_flush_all(struct buf *b, int64_t delay);

/* Helpers shared by ops.c and multi.c. */
int ops_check_key(const char *key, size_t key_len);
int ops_reply_status(const struct creply *r);
int ops_deliver(struct rc_value *v, const struct creply *r);
int ops_next_reply(struct xfer *x, struct creply *r);

/* Rounds (round.c). Runs the prepared xfers (request bytes already in each server's wbuf) until
 * every one is done or the I/O timeout passes; records outcomes with failover_*. Returns 0 or the
 * first xfer's transport status. */
int ops_round(struct rc_client *c, struct xfer *xs, size_t n);
/* Readies s's connection for a new request: a connection with leftover bytes is closed. */
void ops_prepare(struct cserver *s);
/* Re-admission probe: flush_all (safe rejoin) or version on s; 0 when it answered well. */
int ops_probe(struct rc_client *c, struct cserver *s, bool flush);

#endif
