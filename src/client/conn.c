/* conn: the client's connection to one server.
 *
 * Design: sockets are always non-blocking; every wait is a poll() bounded by a deadline taken from
 * the process's monotonic clock, so no call ever blocks longer than the timeout it was given.
 * connect() is started non-blocking (cconn_connect_start) and completed once the socket is
 * writable by reading SO_ERROR (cconn_connect_finish); the caller's poll loop does the waiting,
 * so a round connects to all its servers at once.
 * Writes use send(MSG_NOSIGNAL) so that a peer that went away yields EPIPE, never SIGPIPE.
 *
 * Invariants: fd == -1 exactly when closed; closing empties both buffers, so a reconnected
 * connection never sees half a reply from its previous life. rbuf grows up to the limit given at
 * init (the largest reply the client accepts) and is shrunk back after a large value.
 *
 * Ownership and concurrency: a struct cconn belongs to one server of one client; no locking (the
 * client is single-threaded by contract). Non-goals: TLS, multiple connections per server. */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "ringcache/status.h"

#define CCONN_RBUF_INITIAL 16384
#define CCONN_WBUF_MAX     ((size_t)1 << 30)
#define CCONN_READ_CHUNK   16384

int cconn_init(struct cconn *cn, size_t max_rbuf)
{
    memset(cn, 0, sizeof(*cn));
    cn->fd = -1;
    if (max_rbuf < CCONN_RBUF_INITIAL)
        max_rbuf = CCONN_RBUF_INITIAL;
    int rc = buf_init(&cn->rbuf, 0, max_rbuf);
    if (rc == RC_OK)
        rc = buf_init(&cn->wbuf, 0, CCONN_WBUF_MAX);
    return rc;
}

void cconn_deinit(struct cconn *cn)
{
    if (cn->fd >= 0)
        close(cn->fd);
    cn->fd = -1;
    buf_deinit(&cn->rbuf);
    buf_deinit(&cn->wbuf);
}

void cconn_close(struct cconn *cn)
{
    if (cn->fd >= 0)
        close(cn->fd);
    cn->fd = -1;
    cn->connecting = false;
    buf_reset(&cn->rbuf);
    buf_reset(&cn->wbuf);
    buf_shrink(&cn->rbuf, CCONN_RBUF_INITIAL);
}

int cconn_ms_left(int64_t deadline_ns)
{
    int64_t left = deadline_ns - clock_mono_ns();
    if (left <= 0)
        return 0;
    int64_t ms = (left + 999999) / 1000000;
    return ms > 1000000000 ? 1000000000 : (int)ms;
}

static int connect_status(int err)
{
    return err == ETIMEDOUT ? RC_ERR_TIMEOUT : RC_ERR_CONNECT;
}

int cconn_connect_start(struct cconn *cn, const struct sockaddr *sa, socklen_t salen, int nodelay)
{
    if (cn->fd >= 0)
        return cn->connecting ? RC_ERR_AGAIN : RC_OK;
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno == ENOMEM || errno == ENOBUFS ? RC_ERR_NOMEM : RC_ERR_CONNECT;
    if (nodelay && sa->sa_family != AF_UNIX) {
        int one = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    buf_reset(&cn->rbuf);
    cn->fd = fd;
    cn->connecting = false;
    if (connect(fd, sa, salen) == 0)
        return RC_OK;
    if (errno == EINPROGRESS || errno == EAGAIN || errno == EINTR) {
        cn->connecting = true;
        return RC_ERR_AGAIN;
    }
    int rc = connect_status(errno);
    cconn_close(cn);
    return rc;
}

int cconn_connect_finish(struct cconn *cn)
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(cn->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = ECONNREFUSED;
    if (err != 0) {
        cconn_close(cn);
        return connect_status(err);
    }
    cn->connecting = false;
    return RC_OK;
}

static int io_status(int err)
{
    if (err == EPIPE || err == ECONNRESET || err == ENOTCONN || err == ECONNABORTED)
        return RC_ERR_CLOSED;
    if (err == ETIMEDOUT)
        return RC_ERR_TIMEOUT;
    return RC_ERR_IO;
}

int cconn_write_some(struct cconn *cn)
{
    if (cn->fd < 0)
        return RC_ERR_CLOSED;
    while (buf_rlen(&cn->wbuf) > 0) {
        ssize_t n = send(cn->fd, buf_rptr(&cn->wbuf), buf_rlen(&cn->wbuf), MSG_NOSIGNAL);
        if (n > 0) {
            buf_consume(&cn->wbuf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return RC_ERR_AGAIN;
        return n == 0 ? RC_ERR_CLOSED : io_status(errno);
    }
    return RC_OK;
}

int cconn_read_some(struct cconn *cn)
{
    if (cn->fd < 0)
        return RC_ERR_CLOSED;
    size_t want = CCONN_READ_CHUNK;
    if (cn->rbuf.max - buf_rlen(&cn->rbuf) < want)
        want = cn->rbuf.max - buf_rlen(&cn->rbuf);
    if (want == 0)
        return RC_ERR_TOO_LARGE;
    int rc = buf_reserve(&cn->rbuf, want);
    if (rc != RC_OK)
        return rc == RC_ERR_FULL ? RC_ERR_TOO_LARGE : rc;
    for (;;) {
        ssize_t n = recv(cn->fd, buf_wptr(&cn->rbuf), buf_wlen(&cn->rbuf), 0);
        if (n > 0) {
            buf_commit(&cn->rbuf, (size_t)n);
            return RC_OK;
        }
        if (n == 0)
            return RC_ERR_CLOSED;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return RC_ERR_AGAIN;
        return io_status(errno);
    }
}
