/* round: one request round of the client: the prepared requests of one or more servers are
 * written and their replies read, all servers at once, under one deadline.
 *
 * Design: the caller puts each server's request bytes in that server's wbuf and describes the
 * server's part with a struct xfer whose parse() consumes replies from rbuf. ops_round starts a
 * non-blocking connect to every server that needs one (all at once, each bounded by
 * connect_timeout) and writes what each connected socket takes at once; then a single poll()
 * loop serves every pending socket: a connecting one is completed when writable, writable ones
 * get more request bytes, readable ones are read and parsed as soon as bytes arrive. So a
 * multi-server round takes as long as its slowest server, not the sum. A server's I/O deadline
 * (io_timeout) starts when its connection is up. Request and reply overlap (a long pipelined
 * request is read back while it is still being written), which keeps both sides' socket buffers
 * from filling up.
 *
 * Outcomes: parse() returning RC_OK ends a server's part; RC_ERR_AGAIN asks for more bytes; any
 * other status is a broken stream. Transport failures (connect, timeout, closed, garbage) close
 * the connection and are recorded with failover_failure; a finished exchange with
 * failover_success. An answered error (SERVER_ERROR ...) is the op's result, not a failure.
 *
 * Wire: wire_reply() is the client's thin adapter over proto_parse_rsp (src/proto/rsp.c), the
 * project's one reply parser: it maps proto's reply types onto the client's and its spans onto
 * pointers. Requests are written with proto's writers (compose.c) by ops.c and multi.c.
 *
 * Invariants: a connection whose round did not finish cleanly is closed, so the next round never
 * reads a stale reply. Scratch arrays (pfds) are the client's, sized at create: no allocation.
 * Concurrency: none (one thread per client). */
#include "client_int.h"

#include <errno.h>
#include <poll.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "proto.h"

static void finish(struct rc_client *c, struct xfer *x, int status)
{
    x->done = true;
    x->status = status;
    if (status == RC_OK) {
        failover_success(c, x->srv);
        buf_shrink(&x->srv->conn.rbuf, 16384);
    } else {
        failover_failure(c, x->srv, status);
    }
}

/* Parses what rbuf holds; finishes x when parse says so. */
static void parse_some(struct rc_client *c, struct xfer *x)
{
    int rc = x->parse(c, x);
    if (rc == RC_ERR_AGAIN)
        return;
    finish(c, x, rc);
}

/* Handles poll events of one pending xfer. */
static void service(struct rc_client *c, struct xfer *x, short revents)
{
    struct cconn *cn = &x->srv->conn;
    if (revents & POLLOUT) {
        int rc = cconn_write_some(cn);
        if (rc != RC_OK && rc != RC_ERR_AGAIN) {
            finish(c, x, rc);
            return;
        }
    }
    if (revents & POLLNVAL) {
        finish(c, x, RC_ERR_IO);
        return;
    }
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        int rc = cconn_read_some(cn);
        if (rc == RC_OK)
            parse_some(c, x);
        else if (rc != RC_ERR_AGAIN)
            finish(c, x, rc);
    }
}

static int64_t after_ms(int64_t now, int ms)
{
    return now + (int64_t)ms * 1000000;
}

/* Connected: send what the socket takes now (most requests go out whole without a poll). */
static void start_io(struct rc_client *c, struct xfer *x, int64_t now)
{
    x->deadline = after_ms(now, c->opt.io_timeout_ms);
    int rc = cconn_write_some(&x->srv->conn);
    if (rc != RC_OK && rc != RC_ERR_AGAIN)
        finish(c, x, rc);
}

/* Starts every server: connects (all at once) or writes. */
static void start_all(struct rc_client *c, struct xfer *xs, size_t n)
{
    int64_t now = clock_mono_ns();
    for (size_t i = 0; i < n; i++) {
        struct xfer *x = &xs[i];
        if (x->done)
            continue;
        struct cserver *s = x->srv;
        int rc = cconn_connect_start(&s->conn, (struct sockaddr *)&s->addr, s->addrlen,
                                     c->opt.tcp_nodelay);
        if (rc == RC_ERR_AGAIN)
            x->deadline = after_ms(now, c->opt.connect_timeout_ms);
        else if (rc == RC_OK)
            start_io(c, x, now);
        else
            finish(c, x, rc);
    }
}

/* Fills pfds with the pending xfers; returns their count and the earliest deadline. */
static size_t poll_set(struct rc_client *c, struct xfer *xs, size_t n, int64_t *deadline)
{
    size_t np = 0;
    *deadline = INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        if (xs[i].done)
            continue;
        struct cconn *cn = &xs[i].srv->conn;
        short ev = cn->connecting ? POLLOUT : POLLIN;
        if (!cn->connecting && buf_rlen(&cn->wbuf) > 0)
            ev |= POLLOUT;
        c->pfds[np] = (struct pollfd){.fd = cn->fd, .events = ev};
        c->pfd_xfer[np++] = i;
        if (xs[i].deadline < *deadline)
            *deadline = xs[i].deadline;
    }
    return np;
}

static void expire(struct rc_client *c, struct xfer *xs, size_t n, int status)
{
    int64_t now = clock_mono_ns();
    for (size_t i = 0; i < n; i++)
        if (!xs[i].done && (status != RC_ERR_TIMEOUT || xs[i].deadline <= now))
            finish(c, &xs[i], status);
}

int ops_round(struct rc_client *c, struct xfer *xs, size_t n)
{
    start_all(c, xs, n);
    for (;;) {
        int64_t deadline;
        size_t np = poll_set(c, xs, n, &deadline);
        if (np == 0)
            break;
        int ready = poll(c->pfds, np, cconn_ms_left(deadline));
        if (ready < 0 && errno != EINTR) {
            expire(c, xs, n, RC_ERR_IO);
            break;
        }
        for (size_t k = 0; ready > 0 && k < np; k++) {
            struct xfer *x = &xs[c->pfd_xfer[k]];
            short rev = c->pfds[k].revents;
            if (rev == 0 || x->done)
                continue;
            if (!x->srv->conn.connecting) {
                service(c, x, rev);
                continue;
            }
            int rc = cconn_connect_finish(&x->srv->conn);
            if (rc == RC_OK)
                start_io(c, x, clock_mono_ns());
            else
                finish(c, x, rc);
        }
        expire(c, xs, n, RC_ERR_TIMEOUT);
    }
    for (size_t i = 0; i < n; i++)
        if (xs[i].status != RC_OK)
            return xs[i].status;
    return RC_OK;
}

void ops_prepare(struct cserver *s)
{
    if (buf_rlen(&s->conn.rbuf) > 0 || buf_rlen(&s->conn.wbuf) > 0)
        cconn_close(&s->conn);
}

static int parse_probe(struct rc_client *c, struct xfer *x)
{
    struct creply r;
    struct buf *rb = &x->srv->conn.rbuf;
    int rc = wire_reply(buf_rptr(rb), buf_rlen(rb), &r);
    if (rc != RC_OK)
        return rc;
    buf_consume(rb, r.total);
    bool flush = x->ctx != NULL;
    if ((flush && r.kind == CR_OK) || (!flush && r.kind == CR_VERSION))
        return RC_OK;
    return RC_ERR_PROTOCOL;
}

int ops_probe(struct rc_client *c, struct cserver *s, bool flush)
{
    ops_prepare(s);
    int rc = flush ? wire_flush_all(&s->conn.wbuf, 0)
                   : proto_put_cmd(&s->conn.wbuf, PROTO_CMD_VERSION, NULL);
    if (rc != RC_OK)
        return rc;
    struct xfer x = {.srv = s, .parse = parse_probe, .ctx = flush ? (void *)s : NULL};
    return ops_round(c, &x, 1);
}

int wire_flush_all(struct buf *b, int64_t delay)
{
    char arg[24];
    if (delay <= 0)
        return proto_put_cmd(b, PROTO_CMD_FLUSH_ALL, NULL);
    snprintf(arg, sizeof(arg), "%" PRId64, delay);
    return proto_put_cmd(b, PROTO_CMD_FLUSH_ALL, arg);
}

static const enum creply_kind kind_of[] = {
    [PROTO_RSP_VALUE] = CR_VALUE,
    [PROTO_RSP_END] = CR_END,
    [PROTO_RSP_STORED] = CR_STORED,
    [PROTO_RSP_NOT_STORED] = CR_NOT_STORED,
    [PROTO_RSP_EXISTS] = CR_EXISTS,
    [PROTO_RSP_NOT_FOUND] = CR_NOT_FOUND,
    [PROTO_RSP_DELETED] = CR_DELETED,
    [PROTO_RSP_TOUCHED] = CR_TOUCHED,
    [PROTO_RSP_OK] = CR_OK,
    [PROTO_RSP_NUMBER] = CR_NUMBER,
    [PROTO_RSP_ERROR] = CR_ERROR,
    [PROTO_RSP_CLIENT_ERROR] = CR_CLIENT_ERROR,
    [PROTO_RSP_SERVER_ERROR] = CR_SERVER_ERROR,
    [PROTO_RSP_STAT] = CR_STAT,
    [PROTO_RSP_VERSION] = CR_VERSION,
    [PROTO_RSP_HD] = CR_OK,
    [PROTO_RSP_VA] = CR_VALUE,
    [PROTO_RSP_EN] = CR_END,
    [PROTO_RSP_NF] = CR_NOT_FOUND,
    [PROTO_RSP_NS] = CR_NOT_STORED,
    [PROTO_RSP_EX] = CR_EXISTS,
    [PROTO_RSP_MN] = CR_END,
};

/* VA's return flags: k<key>, f<flags>, c<cas> (as the client's mg asked for them). */
static int meta_fields(const char *p, const struct proto_rsp *rsp, struct creply *r)
{
    if (proto_rsp_has_mflag(rsp, 'k')) {
        struct proto_span k = rsp->mtok[proto_mflag_bit('k')];
        r->key = p + k.off;
        r->key_len = k.len;
    }
    if (proto_rsp_has_mflag(rsp, 'f')) {
        struct proto_span f = rsp->mtok[proto_mflag_bit('f')];
        if (!proto_parse_u32(p + f.off, f.len, &r->flags))
            return RC_ERR_PROTOCOL;
    }
    if (proto_rsp_has_mflag(rsp, 'c')) {
        struct proto_span cs = rsp->mtok[proto_mflag_bit('c')];
        if (!proto_parse_u64(p + cs.off, cs.len, &r->cas))
            return RC_ERR_PROTOCOL;
    }
    return RC_OK;
}

int wire_reply(const char *p, size_t n, struct creply *r)
{
    struct proto_rsp rsp;
    memset(r, 0, sizeof(*r));
    int rc = proto_parse_rsp(p, n, &rsp);
    r->total = rsp.total_len;
    if (rc == PROTO_NEED_MORE)
        return RC_ERR_AGAIN;
    if (rc != PROTO_OK)
        return RC_ERR_PROTOCOL;
    /* Text and meta replies; anything else (binary, RESET, ME) is out of step for this client. */
    if ((size_t)rsp.type >= sizeof(kind_of) / sizeof(kind_of[0]) ||
        (kind_of[rsp.type] == CR_VALUE && rsp.type != PROTO_RSP_VALUE && rsp.type != PROTO_RSP_VA))
        return RC_ERR_PROTOCOL;
    r->kind = kind_of[rsp.type];
    r->key = p + rsp.key.off;
    r->key_len = rsp.key.len;
    if (rsp.type == PROTO_RSP_VALUE || rsp.type == PROTO_RSP_VA) {
        r->data = p + rsp.value.off;
        r->data_len = rsp.value.len;
    } else {
        r->data = p + rsp.msg.off;
        r->data_len = rsp.msg.len;
    }
    r->flags = rsp.flags;
    r->cas = rsp.has_cas ? rsp.cas : 0;
    if (rsp.type == PROTO_RSP_VA && meta_fields(p, &rsp, r) != RC_OK)
        return RC_ERR_PROTOCOL;
    r->number = rsp.number;
    return RC_OK;
}
