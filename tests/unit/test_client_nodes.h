/* test_client_nodes: starts and stops the cache nodes the client tests talk to. A node is a child
 * process (/usr/bin/memcached, or ringcached when RINGCACHED names it or it was built next to the
 * tests) listening on 127.0.0.1 on an ephemeral port: the port is picked by binding port 0, then
 * handed to the node; if the node cannot bind it (another process took it meanwhile) the start is
 * retried with another port. Readiness is a successful connect, polled for at most 5 s. Nodes are
 * stopped by PID (SIGKILL, then waitpid). Also a "silent" node: a listening socket never read. */
#ifndef TEST_CLIENT_NODES_H
#define TEST_CLIENT_NODES_H

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

struct tnode {
    pid_t pid;
    int port;
    const char *bin;
};

static inline int tnode_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static inline int tnode_can_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* Starts bin on `port`; 0 when it accepts connections, -1 if it exited or 5 s passed. */
static inline int tnode_spawn(struct tnode *n, int port)
{
    char p[16];
    snprintf(p, sizeof(p), "%d", port);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        if (strstr(n->bin, "memcached") && !strstr(n->bin, "ringcached"))
            execl(n->bin, n->bin, "-p", p, "-U", "0", "-l", "127.0.0.1", "-m", "128", "-t", "2",
                  "-u", "root", (char *)NULL);
        else
            execl(n->bin, n->bin, "-p", p, "-l", "127.0.0.1", "-m", "128", "-t", "2", (char *)NULL);
        _exit(127);
    }
    int64_t deadline = clock_mono_ns() + 5000000000LL;
    while (clock_mono_ns() < deadline) {
        if (tnode_can_connect(port)) {
            n->pid = pid;
            n->port = port;
            return 0;
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        poll(NULL, 0, 5);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static inline int tnode_start(struct tnode *n, const char *bin)
{
    n->bin = bin;
    n->pid = -1;
    for (int attempt = 0; attempt < 5; attempt++) {
        int port = tnode_free_port();
        if (port > 0 && tnode_spawn(n, port) == 0)
            return 0;
    }
    return -1;
}

/* Restarts a stopped node on its old port. */
static inline int tnode_restart(struct tnode *n)
{
    return tnode_spawn(n, n->port);
}

static inline void tnode_stop(struct tnode *n)
{
    if (n->pid > 0) {
        kill(n->pid, SIGKILL);
        waitpid(n->pid, NULL, 0);
    }
    n->pid = -1;
}

/* A node that accepts (the kernel completes handshakes into the backlog) but never replies. */
static inline int tnode_silent(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* A listener whose accept queue is full (backlog 0, filled by connections made here and never
 * accepted): the kernel drops further SYNs, so a connect to it times out. fill[3] receives the
 * filling sockets; close them and the listener (the return value) afterwards. */
static inline int tnode_full(int *port, int fill[3])
{
    int fd = tnode_silent(port);
    if (fd < 0 || listen(fd, 0) != 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)*port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    for (int i = 0; i < 3; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fill[i] >= 0)
            (void)connect(fill[i], (struct sockaddr *)&a, sizeof(a));
    }
    return fd;
}

/* The ringcached binary to test, or NULL: $RINGCACHED, else <builddir>/src/server/ringcached
 * found relative to the test binary (<builddir>/src/client/test_x). */
static inline const char *tnode_ringcached(const char *argv0)
{
    static char path[4096];
    const char *env = getenv("RINGCACHED");
    if (env && *env)
        return access(env, X_OK) == 0 ? env : NULL;
    const char *slash = strrchr(argv0, '/');
    if (slash == NULL)
        return NULL;
    snprintf(path, sizeof(path), "%.*s/../server/ringcached", (int)(slash - argv0), argv0);
    return access(path, X_OK) == 0 ? path : NULL;
}

#endif
