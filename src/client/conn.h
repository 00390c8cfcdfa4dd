/* conn (client side, prefix cconn_ because conn_ is the server's): one non-blocking connection
 * from the client to one server, with its request and reply buffers. See conn.c. */
#ifndef RC_CLIENT_CONN_H
#define RC_CLIENT_CONN_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>

#include "buf.h"

struct cconn {
    int fd;          /* -1 while closed */
    struct buf rbuf; /* bytes read from the server, not yet parsed */
    struct buf wbuf; /* request bytes not yet written */
};

/* Prepares a closed connection whose reply buffer may grow to max_rbuf bytes. */
int cconn_init(struct cconn *cn, size_t max_rbuf);
/* Closes and frees the buffers. Accepts a zeroed struct. */
void cconn_deinit(struct cconn *cn);

/* Opens a non-blocking socket to sa and waits up to timeout_ms for the connection. nodelay sets
 * TCP_NODELAY on TCP sockets. Returns 0, RC_ERR_CONNECT (refused, unreachable, ...),
 * RC_ERR_TIMEOUT or RC_ERR_NOMEM. A connection that is already open is left as is. */
int cconn_open(struct cconn *cn, const struct sockaddr *sa, socklen_t salen, int timeout_ms,
               int nodelay);
/* Closes the socket and empties both buffers (pending requests are dropped). */
void cconn_close(struct cconn *cn);

/* Writes as much of wbuf as the socket takes now. Returns 0 when wbuf is empty, RC_ERR_AGAIN when
 * bytes remain, RC_ERR_CLOSED / RC_ERR_IO on a broken connection. */
int cconn_write_some(struct cconn *cn);
/* Reads what is available into rbuf (growing it as needed). Returns 0 if bytes arrived,
 * RC_ERR_AGAIN if none were ready, RC_ERR_CLOSED on end of stream, RC_ERR_IO on an error,
 * RC_ERR_TOO_LARGE when rbuf cannot grow further. */
int cconn_read_some(struct cconn *cn);

/* Milliseconds left until deadline_ns (a clock_mono_ns value), at least 0. */
int cconn_ms_left(int64_t deadline_ns);
/* Writes all of wbuf, waiting with poll up to deadline_ns. 0, RC_ERR_TIMEOUT or an I/O error. */
int cconn_flush(struct cconn *cn, int64_t deadline_ns);

#endif
