/* conn: a client connection's state machine and reply queue (see conn.h).
 *
 * Flow (conn_drive): write what is queued; if the socket takes it all, release the item
 * references and execute the complete requests in rbuf (up to -R of them, then yield through the
 * worker's ready list); replies accumulate in the queue; when rbuf holds no complete request,
 * flush once (one send for many pipelined replies) and read again. A reply queue the socket
 * does not take stops reading (backpressure: EV_WRITE only), so a slow reader costs at most
 * CONN_WBUF_MAX of reply text and CONN_REFS pinned items, never unbounded memory.
 *
 * System calls (what depth 1 costs): the socket is edge-triggered, and a recv that returned less
 * than asked for ends the call (the socket was empty then; later bytes raise a new edge), so a
 * request costs one recv and one send, and epoll_wait is shared by the connections of a batch.
 * Small values are copied into wbuf (conn_out_value), so a typical reply is one contiguous send.
 * Every exit of conn_drive is one of: waiting for EV_WRITE, a short read or EAGAIN, the ready
 * list (budget used up), or close; none leaves unread bytes without a pending edge.
 *
 * Invariants: wbuf is never consumed, only reset once every queued piece is written, so wbuf
 * offsets in outs[] stay valid across growth; refs[0..nrefs) are exactly the items whose values
 * are queued; a connection with queued output never reads. A paused multi-get (queue full) keeps
 * its request unconsumed in rbuf with resume_pos set; rbuf is not touched until it resumes.
 *
 * Concurrency: a connection belongs to one worker thread. Ownership: the connection owns its
 * buffers, fd and the references in refs[]; closed connections go back to the worker's pool. */
#include "conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock.h"
#include "exec.h"
#include "exec_binary.h"
#include "loop.h"
#include "ringcache/status.h"
#include "settings.h"
#include "stats.h"
#include "sysio.h"
#include "worker.h"

#define CONN_POOL_MAX     64
#define CONN_RBUF_INITIAL 2048u
#define CONN_WBUF_INITIAL 2048u

enum { PROC_NEED_INPUT, PROC_OUT_FULL, PROC_BUDGET, PROC_CLOSE };

static void on_event(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
    struct conn *c = arg;
    if (events & EV_ERROR)
        c->hup = true; /* no edge will follow: read on to the EOF */
    conn_drive(c);
}

int conn_open(struct worker *w, int fd)
{
    struct conn *c = w->pool;
    if (c != NULL) {
        w->pool = c->next;
        w->npool--;
    } else {
        c = calloc(1, sizeof(*c));
        if (c == NULL)
            return RC_ERR_NOMEM;
        atomic_fetch_add(&w->stats->connection_structures, 1);
    }
    memset(c, 0, offsetof(struct conn, outs));
    c->nouts = c->out_idx = 0;
    c->out_pos = 0;
    c->nrefs = 0;
    c->swallow = 0;
    c->resume_pos = 0;
    c->closing = c->in_ready = c->hup = false;
    c->rprev = c->rnext = c->prev = NULL;
    c->fd = fd;
    c->w = w;
    c->last_active = clock_now(w->clock);
    if (buf_init(&c->rbuf, CONN_RBUF_INITIAL, w->rbuf_max) != RC_OK ||
        buf_init(&c->wbuf, CONN_WBUF_INITIAL, CONN_WBUF_MAX) != RC_OK ||
        ev_add(w->loop, fd, EV_READ | EV_EDGE, on_event, c) != RC_OK) {
        buf_deinit(&c->rbuf);
        buf_deinit(&c->wbuf);
        free(c);
        atomic_fetch_sub(&w->stats->connection_structures, 1);
        return RC_ERR_NOMEM;
    }
    c->interest = EV_READ;
    c->next = w->conns;
    if (w->conns)
        w->conns->prev = c;
    w->conns = c;
    return RC_OK;
}

static void release_output(struct conn *c)
{
    for (unsigned i = 0; i < c->nrefs; i++)
        store_unref(c->w->store, &c->refs[i]);
    c->nrefs = 0;
    c->nouts = c->out_idx = 0;
    c->out_pos = 0;
    buf_reset(&c->wbuf);
    if (c->wbuf.cap > CONN_WBUF_INITIAL * 8)
        buf_shrink(&c->wbuf, CONN_WBUF_INITIAL * 8);
}

static void unready(struct conn *c)
{
    if (!c->in_ready)
        return;
    if (c->rprev)
        c->rprev->rnext = c->rnext;
    else
        c->w->ready = c->rnext;
    if (c->rnext)
        c->rnext->rprev = c->rprev;
    c->rprev = c->rnext = NULL;
    c->in_ready = false;
}

void conn_close(struct conn *c)
{
    struct worker *w = c->w;
    if (w->stats != NULL && atomic_load(&w->stats->verbosity) > 1)
        fprintf(stderr, "<%d connection closed.\n", c->fd);
    ev_del(w->loop, c->fd);
    close(c->fd);
    release_output(c);
    unready(c);
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    atomic_fetch_sub(&w->stats->curr_connections, 1);
    buf_deinit(&c->rbuf);
    buf_deinit(&c->wbuf);
    if (w->npool < CONN_POOL_MAX) {
        c->next = w->pool;
        w->pool = c;
        w->npool++;
    } else {
        conn_free(c);
    }
}

void conn_free(struct conn *c)
{
    atomic_fetch_sub(&c->w->stats->connection_structures, 1);
    free(c);
}

bool conn_out_room(const struct conn *c, unsigned refs, size_t bytes)
{
    return c->nrefs + refs <= CONN_REFS && c->nouts + 2 * refs + 2 <= CONN_OUTS &&
           c->wbuf.wpos + bytes <= CONN_WBUF_SOFT;
}

char *conn_out_reserve(struct conn *c, size_t n)
{
    if (buf_reserve(&c->wbuf, n) != RC_OK) {
        c->closing = true;
        return NULL;
    }
    return buf_wptr(&c->wbuf);
}

int conn_out_str(struct conn *c, const char *s)
{
    return conn_out_bytes(c, s, strlen(s));
}

int conn_out_line(struct conn *c, const char *s)
{
    int rc = conn_out_bytes(c, s, strlen(s));
    return rc == RC_OK ? conn_out_bytes(c, "\r\n", 2) : rc;
}

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

size_t conn_u64_digits(char *p, uint64_t v)
{
    size_t n = 1; /* count first, then write from the end two digits at a time */
    for (uint64_t t = v; t >= 10; t /= 10)
        n++;
    char *e = p + n;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100) * 2;
        v /= 100;
        *--e = digit_pairs[d + 1];
        *--e = digit_pairs[d];
    }
    if (v >= 10) {
        *--e = digit_pairs[v * 2 + 1];
        *--e = digit_pairs[v * 2];
    } else {
        *--e = (char)('0' + v);
    }
    return n;
}

int conn_out_u64(struct conn *c, uint64_t v)
{
    char d[20];
    return conn_out_bytes(c, d, conn_u64_digits(d, v));
}

int conn_out_value(struct conn *c, const struct store_ref *ref)
{
    if (ref->vlen <= CONN_INLINE_MAX) { /* small: copied now, so the reply stays one piece */
        struct store_ref r = *ref;
        int rc = conn_out_bytes(c, r.value, r.vlen);
        store_unref(c->w->store, &r);
        return rc;
    }
    if (c->nrefs == CONN_REFS || c->nouts == CONN_OUTS) {
        struct store_ref r = *ref;
        store_unref(c->w->store, &r);
        c->closing = true;
        return RC_ERR_FULL;
    }
    c->refs[c->nrefs++] = *ref;
    if (ref->vlen > 0)
        c->outs[c->nouts++] = (struct conn_out){ref->value, 0, ref->vlen};
    return RC_OK;
}

/* Idle bookkeeping costs a clock read per read and write, so only with -o idle_timeout. */
static inline void touch_active(struct conn *c)
{
    if (c->w->settings->idle_timeout > 0)
        c->last_active = clock_now(c->w->clock);
}

static void set_interest(struct conn *c, uint32_t events)
{
    if (c->interest != events && ev_mod(c->w->loop, c->fd, events) == RC_OK)
        c->interest = events;
}

/* Writes queued output. Returns 0 (maybe partially written: check nouts), or RC_ERR_CLOSED. */
static int flush(struct conn *c)
{
    struct iovec iov[CONN_OUTS];
    while (c->out_idx < c->nouts) {
        ssize_t wr;
        if (c->out_idx + 1 == c->nouts) { /* the usual reply: one contiguous piece */
            const struct conn_out *o = &c->outs[c->out_idx];
            const char *base = o->ptr ? o->ptr : c->wbuf.data + o->off;
            wr = sysio_send(c->fd, base + c->out_pos, o->len - c->out_pos);
        } else {
            int n = 0;
            for (unsigned i = c->out_idx; i < c->nouts; i++, n++) {
                const struct conn_out *o = &c->outs[i];
                const char *base = o->ptr ? o->ptr : c->wbuf.data + o->off;
                size_t skip = i == c->out_idx ? c->out_pos : 0;
                iov[n].iov_base = (void *)(base + skip);
                iov[n].iov_len = o->len - skip;
            }
            struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n};
            wr = sysio_sendmsg(c->fd, &mh);
        }
        if (wr < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return RC_OK;
            return RC_ERR_CLOSED;
        }
        stats_add(&c->w->st->bytes_written, (uint64_t)wr);
        if (wr > 0)
            touch_active(c); /* a reader making progress is not idle */
        size_t left = (size_t)wr;
        while (left > 0 && c->out_idx < c->nouts) {
            size_t avail = c->outs[c->out_idx].len - c->out_pos;
            if (left < avail) {
                c->out_pos += left;
                left = 0;
            } else {
                left -= avail;
                c->out_idx++;
                c->out_pos = 0;
            }
        }
    }
    release_output(c);
    return RC_OK;
}

/* READ_DRAINED: data, and less than asked for, so the socket was most likely empty afterwards. */
enum { READ_DATA, READ_DRAINED, READ_AGAIN, READ_EOF };

/* One recv into rbuf, with room for a whole pending request when its size is known. */
static int read_some(struct conn *c, size_t need)
{
    size_t want = CONN_READ_CHUNK;
    size_t have = buf_rlen(&c->rbuf);
    if (need > have && need - have > want)
        want = need - have;
    if (buf_wlen(&c->rbuf) < want && buf_reserve(&c->rbuf, want) != RC_OK)
        return READ_EOF; /* cannot hold the request: give up on the connection */
    for (;;) {
        ssize_t n = sysio_recv(c->fd, buf_wptr(&c->rbuf), buf_wlen(&c->rbuf));
        if (n > 0) {
            bool drained = (size_t)n < buf_wlen(&c->rbuf);
            buf_commit(&c->rbuf, (size_t)n);
            stats_add(&c->w->st->bytes_read, (uint64_t)n);
            touch_active(c);
            return drained ? READ_DRAINED : READ_DATA;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return READ_AGAIN;
        return READ_EOF;
    }
}

static void swallow_input(struct conn *c)
{
    size_t n = buf_rlen(&c->rbuf);
    if (n > c->swallow)
        n = (size_t)c->swallow;
    buf_consume(&c->rbuf, n);
    c->swallow -= n;
}

/* A header whose value the server refuses outright: answer and discard the block unbuffered. */
static bool refuse_block(struct conn *c, const struct proto_req *req)
{
    if (!(proto_cmd_bits(req->cmd) & PROTO_F_VALUE))
        return false;
    stats_add(&c->w->st->store_too_large, 1);
    exec_drop_stale(c, req, buf_rptr(&c->rbuf));
    if (req->kind == PROTO_BINARY)
        exec_binary_too_large(c, req);
    else if (!req->noreply) /* memcached: noreply silences this refusal too */
        conn_out_line(c, "SERVER_ERROR object too large for cache");
    c->swallow = req->total_len;
    swallow_input(c);
    return true;
}

static inline bool refuse_too_large(struct conn *c, const struct proto_req *req)
{
    if (req->value_len <= c->w->settings->item_size_max && req->total_len <= c->rbuf.max)
        return false; /* the usual case, without a call */
    return refuse_block(c, req);
}

/* Executes complete requests from rbuf. *need gets the bytes the next request needs in all. */
static int process(struct conn *c, int *budget, size_t *need)
{
    struct proto_req *req = &c->w->req;
    *need = 0;
    while (*budget > 0) {
        if (c->swallow > 0)
            swallow_input(c);
        size_t avail = buf_rlen(&c->rbuf);
        if (avail == 0 || c->swallow > 0)
            return PROC_NEED_INPUT;
        if (!conn_out_room(c, 1, 1024))
            return PROC_OUT_FULL;
        const char *base = buf_rptr(&c->rbuf);
        int rc = exec_parse(c, base, avail, req);
        if (rc == PROTO_NEED_MORE) {
            if (req->total_len > 0 && refuse_too_large(c, req))
                continue;
            *need = req->total_len;
            return PROC_NEED_INPUT;
        }
        if (rc == PROTO_ERROR) {
            if (req->kind == PROTO_BINARY)
                exec_binary_error(c, req);
            else if (!req->noreply)
                conn_out_line(c, req->err);
            buf_consume(&c->rbuf, req->total_len);
            if (req->close)
                return PROC_CLOSE;
            continue;
        }
        if (refuse_too_large(c, req))
            continue;
        int er = exec_request(c, req, base);
        if (er == EXEC_PAUSE)
            return PROC_OUT_FULL;
        c->resume_pos = 0;
        buf_consume(&c->rbuf, req->total_len);
        (*budget)--;
        if (er == EXEC_CLOSE || req->close || c->closing)
            return PROC_CLOSE;
    }
    return PROC_BUDGET;
}

void conn_drive(struct conn *c)
{
    int budget = c->w->settings->reqs_per_event;
    size_t need = 0;
    bool drained = false; /* a read of this call returned less than asked for */
    for (;;) {
        if (c->nouts > 0) {
            if (flush(c) != RC_OK) {
                conn_close(c);
                return;
            }
            if (c->nouts > 0) { /* the socket is full: wait, read nothing meanwhile */
                set_interest(c, EV_WRITE);
                return;
            }
        }
        if (c->closing) {
            conn_close(c);
            return;
        }
        int pr = process(c, &budget, &need);
        if (pr == PROC_CLOSE) {
            c->closing = true;
            continue;
        }
        if (pr == PROC_OUT_FULL)
            continue;
        if (pr == PROC_BUDGET) {
            stats_add(&c->w->st->conn_yields, 1);
            set_interest(c, EV_READ);
            worker_ready(c->w, c);
            return;
        }
        if (c->nouts > 0)
            continue; /* flush this read's replies before reading more */
        if (buf_rlen(&c->rbuf) == 0 && c->rbuf.cap > CONN_READ_CHUNK * 4)
            buf_shrink(&c->rbuf, CONN_READ_CHUNK); /* give back what a big value needed */
        /* no recv that would only say EAGAIN: the short read emptied the socket, and bytes
         * that come later raise a new edge (a hang-up raises none: then read on to the EOF) */
        if (drained && !c->hup) {
            set_interest(c, EV_READ);
            return;
        }
        int rr = read_some(c, need);
        drained = rr == READ_DRAINED;
        if (rr == READ_EOF) {
            conn_close(c);
            return;
        }
        if (rr == READ_AGAIN) {
            set_interest(c, EV_READ);
            return;
        }
    }
}
