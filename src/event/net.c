/* net: listen/accept/connect and socket options (see net.h).
 *
 * Design: thin wrappers over the socket API that turn errno into rc_status codes and always set
 * O_NONBLOCK|O_CLOEXEC on server-side fds. Listeners resolve with getaddrinfo(AI_PASSIVE), so
 * "localhost" may yield both ::1 and 127.0.0.1 and both are listened on; an IPv6 listener gets
 * IPV6_V6ONLY so it never collides with the IPv4 one on the same port.
 *
 * Concurrency and ownership: stateless; the caller owns and closes every fd returned. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ringcache/status.h"

int net_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return RC_ERR_IO;
    return RC_OK;
}

int net_set_nodelay(int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
        return RC_ERR_IO;
    return RC_OK;
}

int net_split_hostport(const char *spec, char *buf, unsigned n, int *port)
{
    const char *host = spec, *end, *colon = NULL;
    if (spec[0] == '[') {
        host = spec + 1;
        end = strchr(host, ']');
        if (end == NULL)
            return RC_ERR_INVAL;
        if (end[1] == ':')
            colon = end + 1;
        else if (end[1] != '\0')
            return RC_ERR_INVAL;
    } else {
        colon = strchr(spec, ':');
        if (colon != NULL && strchr(colon + 1, ':') != NULL)
            colon = NULL; /* a bare IPv6 address */
        end = colon ? colon : spec + strlen(spec);
    }
    if ((size_t)(end - host) >= n)
        return RC_ERR_INVAL;
    memcpy(buf, host, (size_t)(end - host));
    buf[end - host] = '\0';
    if (colon != NULL) {
        char *e;
        long p = strtol(colon + 1, &e, 10);
        if (*e != '\0' || e == colon + 1 || p < 0 || p > 65535)
            return RC_ERR_INVAL;
        *port = (int)p;
    }
    return RC_OK;
}

static int listen_one(const struct addrinfo *ai, int backlog, bool reuseport, int *out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return RC_ERR_IO;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (reuseport)
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return RC_ERR_IO;
    }
    *out = fd;
    return RC_OK;
}

static void set_port(struct sockaddr *sa, int port)
{
    if (sa->sa_family == AF_INET)
        ((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
    else if (sa->sa_family == AF_INET6)
        ((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
}

int net_listen_tcp(const char *host, int port, int backlog, bool reuseport, int *fds, int max,
                   int *n)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    *n = 0;
    if (getaddrinfo(host && *host ? host : NULL, portstr, &hints, &res) != 0)
        return RC_ERR_RESOLVE;
    int rc = RC_OK;
    for (struct addrinfo *ai = res; ai != NULL && rc == RC_OK; ai = ai->ai_next) {
        if (*n == max) {
            rc = RC_ERR_FULL;
            break;
        }
        /* with port 0, later addresses take the first one's port so a client can use any */
        if (*n > 0 && port == 0)
            set_port(ai->ai_addr, net_local_port(fds[0]));
        rc = listen_one(ai, backlog, reuseport, &fds[*n]);
        if (rc == RC_OK)
            (*n)++;
    }
    freeaddrinfo(res);
    if (rc != RC_OK) {
        int e = errno;
        for (int i = 0; i < *n; i++)
            close(fds[i]);
        *n = 0;
        errno = e;
    }
    return rc;
}

int net_listen_unix(const char *path, int mask, int backlog, int *out)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path))
        return RC_ERR_INVAL;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return RC_ERR_IO;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
    mode_t old = umask((mode_t)(~mask & 0777));
    int ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, backlog) == 0;
    umask(old);
    if (!ok) {
        int e = errno;
        close(fd);
        errno = e;
        return RC_ERR_IO;
    }
    *out = fd;
    return RC_OK;
}

int net_accept(int lfd, int *cfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
        *cfd = fd;
        return RC_OK;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
        return RC_ERR_AGAIN;
    if (errno == EMFILE || errno == ENFILE)
        return RC_ERR_FULL;
    return RC_ERR_IO;
}

int net_connect_tcp(const char *host, int port, int *out)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    if (getaddrinfo(host, portstr, &hints, &res) != 0)
        return RC_ERR_RESOLVE;
    int rc = RC_ERR_CONNECT;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            *out = fd;
            rc = RC_OK;
            break;
        }
        close(fd);
    }
    freeaddrinfo(res);
    return rc;
}

int net_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return RC_ERR_IO;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return RC_ERR_INVAL;
}
