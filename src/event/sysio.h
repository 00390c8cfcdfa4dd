/* sysio: the hot-path socket and epoll calls, made straight to the kernel.
 *
 * libc's recv, send, sendmsg and epoll_wait are thread cancellation points: each call turns
 * asynchronous cancellation on and off around the system call (two locked instructions and some
 * 60 others), and no ringcache thread is ever cancelled. These wrappers issue the same system
 * calls with syscall(2): results and errno are those of the libc calls. Sanitizer builds keep the
 * libc calls, whose interceptors ASan and TSan rely on.
 *
 * Header-only on purpose: the wrappers must inline into the event loop and the connection code.
 * Used by event/loop.c and server/conn.c. */
#ifndef RC_SYSIO_H
#define RC_SYSIO_H

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SYSIO_LIBC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SYSIO_LIBC 1
#endif
#endif

static inline ssize_t sysio_recv(int fd, void *p, size_t n)
{
#ifdef SYSIO_LIBC
    return recv(fd, p, n, 0);
#else
    return syscall(SYS_recvfrom, fd, p, n, 0, NULL, NULL);
#endif
}

/* MSG_NOSIGNAL always: a peer that went away is an EPIPE, never a SIGPIPE. */
static inline ssize_t sysio_send(int fd, const void *p, size_t n)
{
#ifdef SYSIO_LIBC
    return send(fd, p, n, MSG_NOSIGNAL);
#else
    return syscall(SYS_sendto, fd, p, n, MSG_NOSIGNAL, NULL, 0);
#endif
}

static inline ssize_t sysio_sendmsg(int fd, const struct msghdr *mh)
{
#ifdef SYSIO_LIBC
    return sendmsg(fd, mh, MSG_NOSIGNAL);
#else
    return syscall(SYS_sendmsg, fd, mh, MSG_NOSIGNAL);
#endif
}

static inline int sysio_epoll_wait(int epfd, struct epoll_event *evs, int max, int timeout_ms)
{
#ifdef SYSIO_LIBC
    return epoll_wait(epfd, evs, max, timeout_ms);
#else
    return (int)syscall(SYS_epoll_wait, epfd, evs, max, timeout_ms);
#endif
}

#endif
