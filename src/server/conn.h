/* conn: one client connection owned by one worker: bounded read and write buffers, the queue of
 * replies waiting to be written (header bytes in wbuf, values by reference into item memory),
 * and the state machine that reads, executes pipelined requests and writes their replies in one
 * writev per read. The output helpers are shared by every executor (text, meta, binary). */
#ifndef RC_SERVER_CONN_H
#define RC_SERVER_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "buf.h"
#include "ringcache/status.h"
#include "store.h"

#define CONN_REFS       128                 /* values (item references) queued per write */
#define CONN_OUTS       (2 * CONN_REFS + 8) /* iovecs queued per write; below IOV_MAX */
#define CONN_WBUF_SOFT  (64u * 1024)        /* past this much reply text, flush before going on */
#define CONN_WBUF_MAX   (16u * 1024 * 1024) /* hard limit of reply text per write */
#define CONN_READ_CHUNK (16u * 1024)
#define CONN_INLINE_MAX 2048u /* values up to this size are copied into wbuf, not referenced */

struct worker;

/* A piece of output: ptr != NULL is a value in item memory; otherwise bytes of wbuf at off. */
struct conn_out {
    const char *ptr;
    uint32_t off;
    uint32_t len;
};

struct conn {
    int fd;
    struct worker *w;
    struct buf rbuf;
    struct buf wbuf;
    int proto; /* enum settings_proto the first request picked under -B auto (zeroed on open) */
    struct conn_out outs[CONN_OUTS];
    unsigned nouts;   /* queued pieces */
    unsigned out_idx; /* first piece not fully written */
    size_t out_pos;   /* bytes of outs[out_idx] already written */
    struct store_ref refs[CONN_REFS];
    unsigned nrefs;
    uint64_t swallow;           /* bytes of a refused data block still to discard */
    uint32_t resume_pos;        /* a paused multi-get continues at this key position (0: fresh) */
    bool closing;               /* close once the queued output is written */
    bool in_ready;              /* on the worker's ready list */
    bool hup;                   /* the peer hung up or half closed: read to EOF, no edge follows */
    uint32_t interest;          /* EV_* mask registered with the loop */
    uint32_t last_active;       /* clock seconds of the last byte read or written (kept only
                                 * with -o idle_timeout) */
    struct conn *prev, *next;   /* worker's list of open connections */
    struct conn *rprev, *rnext; /* worker's ready list */
};

/* Takes a connection from the worker's pool for fd and registers it. Returns 0 or a negative
 * status (the caller closes fd then). */
int conn_open(struct worker *w, int fd);
/* Unregisters, closes the fd, releases every item reference and returns c to the pool. */
void conn_close(struct conn *c);
/* Frees a pooled (closed) connection's memory. */
void conn_free(struct conn *c);
/* Runs the state machine until it must wait for the socket (or yields to other connections). */
void conn_drive(struct conn *c);

/* Output helpers for executors. Each returns 0, or a negative status after which the connection
 * is marked closing. */
/* True if `refs` more values and about `bytes` more reply bytes fit before the next write. */
bool conn_out_room(const struct conn *c, unsigned refs, size_t bytes);
/* Room for n reply bytes written in place: returns where to write them (NULL: no memory, the
 * connection is closing); conn_out_commit(c, k) then queues the first k <= n of them. Nothing
 * else may be queued in between. */
char *conn_out_reserve(struct conn *c, size_t n);
static inline int conn_out_commit(struct conn *c, size_t n)
{
    if (n == 0)
        return RC_OK;
    uint32_t off = (uint32_t)c->wbuf.wpos;
    buf_commit(&c->wbuf, n);
    struct conn_out *last = c->nouts ? &c->outs[c->nouts - 1] : NULL;
    if (last && last->ptr == NULL && last->off + last->len == off) {
        last->len += (uint32_t)n;
        return RC_OK;
    }
    if (c->nouts == CONN_OUTS) {
        c->closing = true;
        return RC_ERR_FULL;
    }
    c->outs[c->nouts++] = (struct conn_out){NULL, off, (uint32_t)n};
    return RC_OK;
}
/* Appends n bytes (inline: a reply of constant size compiles to a few moves). */
static inline int conn_out_bytes(struct conn *c, const void *p, size_t n)
{
    if (n == 0)
        return RC_OK;
    if (buf_wlen(&c->wbuf) < n && conn_out_reserve(c, n) == NULL)
        return RC_ERR_FULL;
    memcpy(buf_wptr(&c->wbuf), p, n);
    return conn_out_commit(c, n);
}
int conn_out_str(struct conn *c, const char *s);
/* Appends s and "\r\n". */
int conn_out_line(struct conn *c, const char *s);
/* Appends the decimal digits of v. */
int conn_out_u64(struct conn *c, uint64_t v);
/* Queues the value of a pinned item; the connection owns *ref from now on. A value of at most
 * CONN_INLINE_MAX bytes is copied into wbuf and released at once (one contiguous reply, no
 * reference held across the write); a larger one is written from item memory and released once
 * written (the caller must have checked conn_out_room). */
int conn_out_value(struct conn *c, const struct store_ref *ref);
/* Writes the decimal digits of v at p (room for 20); returns the count. */
size_t conn_u64_digits(char *p, uint64_t v);

#endif
