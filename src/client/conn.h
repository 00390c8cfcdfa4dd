/* conn (client side, prefix cconn_ because conn_ is the server's): one non-blocking connection
 * from the client to one server, with its request and reply buffers. See conn.c. */
#ifndef RC_CLIENT_CONN_H
#define RC_CLIENT_CONN_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "buf.h"

struct cconn {
    int fd;          /* -1 while closed */
    bool connecting; /* connect() started, not yet confirmed */
    struct buf rbuf; /* bytes read from the server, not yet parsed */
    struct buf wbuf; /* request bytes not yet written */
};

/* Prepares a closed connection whose reply buffer may grow to max_rbuf bytes. */
int cconn_init(struct cconn *cn, size_t max_rbuf);
/* Closes and frees the buffers. Accepts a zeroed struct. */
void cconn_deinit(struct cconn *cn);

/* Starts connecting a non-blocking socket to sa (nodelay sets TCP_NODELAY on TCP sockets).
 * Returns 0 when connected at once (or already open), RC_ERR_AGAIN when the connection is under
 * way (wait for POLLOUT, then cconn_connect_finish), RC_ERR_CONNECT (refused, unreachable, ...)
 * or RC_ERR_NOMEM. */
int cconn_connect_start(struct cconn *cn, const struct sockaddr *sa, socklen_t salen, int nodelay);
/* Completes a connection under way once its socket is writable: 0, or RC_ERR_CONNECT /
 * RC_ERR_TIMEOUT (the connection is then closed). */
int cconn_connect_finish(struct cconn *cn);
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

#endif
