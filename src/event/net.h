/* net: sockets for the loops: TCP and unix listeners, accept, connect (tests, tools) and socket
 * options. Every fd returned is non-blocking (except net_connect_tcp's, see there) and
 * close-on-exec. No state. */
#ifndef RC_EV_NET_H
#define RC_EV_NET_H

#include <stdbool.h>

/* Resolves host ("" or NULL: any address) and listens on every address it yields at port (0:
 * ephemeral), with SO_REUSEADDR and, when reuseport, SO_REUSEPORT. Stores up to max fds in
 * fds[] and their count in *n. Returns 0, RC_ERR_RESOLVE (unknown host), RC_ERR_IO (bind or
 * listen failed; errno is kept), RC_ERR_FULL (more than max addresses). */
int net_listen_tcp(const char *host, int port, int backlog, bool reuseport, int *fds, int max,
                   int *n);
/* Listens on a unix socket at path (an old socket file there is replaced), then chmods it to
 * mask (e.g. 0700). Returns 0 and *fd, or RC_ERR_INVAL (path too long) / RC_ERR_IO. */
int net_listen_unix(const char *path, int mask, int backlog, int *fd);
/* Accepts one connection as a non-blocking fd. RC_ERR_AGAIN when none is pending, RC_ERR_FULL
 * when out of file descriptors, RC_ERR_IO otherwise. */
int net_accept(int lfd, int *cfd);
/* Blocking TCP connect to host:port (tests and tools). Returns 0 and *fd or RC_ERR_RESOLVE /
 * RC_ERR_CONNECT. */
int net_connect_tcp(const char *host, int port, int *fd);
/* The local port a socket is bound to, or a negative status. */
int net_local_port(int fd);
int net_set_nonblock(int fd);
int net_set_nodelay(int fd);
/* Splits "host", "host:port", "[v6]" or "[v6]:port" into host (NUL-terminated, into buf of
 * size n) and *port (left unchanged when absent). Returns 0 or RC_ERR_INVAL. */
int net_split_hostport(const char *spec, char *buf, unsigned n, int *port);

#endif
