/* loop: epoll event loop, one per thread (see loop.h).
 *
 * Design: level-triggered epoll by default, edge-triggered for fds added with EV_EDGE (client
 * connections: epoll then does not poll a socket again just because it was reported in the
 * previous batch, a good part of epoll_wait's cost at depth 1). Handlers live in an array
 * indexed by fd (grown on demand), so dispatch is one array access and epoll_event.data carries
 * only the fd. Timers are a tiny fixed array (a worker needs one or two: the idle sweep), scanned
 * each batch; epoll_wait's timeout is the time to the nearest timer. A loop with no timer armed
 * (a worker without -o idle_timeout) reads no clock at all: at depth 1 a batch is one or two
 * requests, and two clock reads per batch were 1.5 % of a worker's time. epoll_wait is issued
 * through sysio.h (no cancellation-point bookkeeping).
 *
 * Invariants: slots[fd].fn != NULL exactly when fd is registered with epoll; slots[fd].events is
 * the mask last given to epoll. An fd deleted while a batch is being dispatched has its slot
 * cleared, so later events of that batch for it are skipped.
 *
 * Concurrency: none. A loop belongs to the thread that runs it. Ownership: the loop owns its
 * epoll fd and tables, never the registered fds. */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"
#include "ringcache/status.h"
#include "sysio.h"

#define EV_BATCH 256

struct ev_slot {
    ev_handler_fn fn;
    void *arg;
    uint32_t events;
};

struct ev_timer {
    ev_timer_fn fn; /* NULL: unused */
    void *arg;
    int64_t due_ns;
    int64_t interval_ns;
    bool periodic;
};

struct ev_loop {
    int epfd;
    bool stop;
    struct ev_slot *slots;
    int nslots;
    int ntimers; /* timers[] entries in use */
    struct ev_timer timers[EV_TIMERS_MAX];
    struct epoll_event evs[EV_BATCH];
};

int ev_loop_create(struct ev_loop **out)
{
    *out = NULL;
    struct ev_loop *l = calloc(1, sizeof(*l));
    if (l == NULL)
        return RC_ERR_NOMEM;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0) {
        free(l);
        return RC_ERR_IO;
    }
    *out = l;
    return RC_OK;
}

void ev_loop_destroy(struct ev_loop **lp)
{
    if (lp == NULL || *lp == NULL)
        return;
    struct ev_loop *l = *lp;
    close(l->epfd);
    free(l->slots);
    free(l);
    *lp = NULL;
}

static uint32_t to_epoll(uint32_t events)
{
    uint32_t e = 0;
    if (events & EV_READ)
        e |= EPOLLIN | EPOLLRDHUP;
    if (events & EV_WRITE)
        e |= EPOLLOUT;
    if (events & EV_EDGE)
        e |= EPOLLET;
    return e;
}

static int grow_slots(struct ev_loop *l, int fd)
{
    if (fd < l->nslots)
        return RC_OK;
    int n = l->nslots ? l->nslots : 64;
    while (n <= fd)
        n *= 2;
    struct ev_slot *s = realloc(l->slots, (size_t)n * sizeof(*s));
    if (s == NULL)
        return RC_ERR_NOMEM;
    memset(s + l->nslots, 0, (size_t)(n - l->nslots) * sizeof(*s));
    l->slots = s;
    l->nslots = n;
    return RC_OK;
}

int ev_add(struct ev_loop *l, int fd, uint32_t events, ev_handler_fn fn, void *arg)
{
    if (fd < 0 || fn == NULL)
        return RC_ERR_INVAL;
    int rc = grow_slots(l, fd);
    if (rc != RC_OK)
        return rc;
    if (l->slots[fd].fn != NULL)
        return RC_ERR_INVAL;
    struct epoll_event ev = {.events = to_epoll(events), .data.fd = fd};
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        return RC_ERR_IO;
    l->slots[fd] = (struct ev_slot){.fn = fn, .arg = arg, .events = events};
    return RC_OK;
}

int ev_mod(struct ev_loop *l, int fd, uint32_t events)
{
    if (fd < 0 || fd >= l->nslots || l->slots[fd].fn == NULL)
        return RC_ERR_INVAL;
    events = (events & ~EV_EDGE) | (l->slots[fd].events & EV_EDGE); /* chosen once, at ev_add */
    if (l->slots[fd].events == events)
        return RC_OK;
    struct epoll_event ev = {.events = to_epoll(events), .data.fd = fd};
    if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) != 0)
        return RC_ERR_IO;
    l->slots[fd].events = events;
    return RC_OK;
}

int ev_del(struct ev_loop *l, int fd)
{
    if (fd < 0 || fd >= l->nslots || l->slots[fd].fn == NULL)
        return RC_ERR_INVAL;
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
    memset(&l->slots[fd], 0, sizeof(l->slots[fd]));
    return RC_OK;
}

int ev_timer_add(struct ev_loop *l, uint32_t interval_ms, bool periodic, ev_timer_fn fn, void *arg)
{
    if (fn == NULL)
        return RC_ERR_INVAL;
    for (int i = 0; i < EV_TIMERS_MAX; i++) {
        struct ev_timer *t = &l->timers[i];
        if (t->fn != NULL)
            continue;
        t->fn = fn;
        t->arg = arg;
        t->interval_ns = (int64_t)interval_ms * 1000000;
        t->due_ns = clock_mono_ns() + t->interval_ns;
        t->periodic = periodic;
        l->ntimers++;
        return i;
    }
    return RC_ERR_FULL;
}

void ev_timer_cancel(struct ev_loop *l, int id)
{
    if (id >= 0 && id < EV_TIMERS_MAX && l->timers[id].fn != NULL) {
        memset(&l->timers[id], 0, sizeof(l->timers[id]));
        l->ntimers--;
    }
}

/* Milliseconds until the nearest timer, capped by timeout_ms (-1 = no cap). */
static int next_timeout(const struct ev_loop *l, int timeout_ms, int64_t now)
{
    int best = timeout_ms;
    for (int i = 0; i < EV_TIMERS_MAX; i++) {
        const struct ev_timer *t = &l->timers[i];
        if (t->fn == NULL)
            continue;
        int64_t ms = (t->due_ns - now + 999999) / 1000000;
        if (ms < 0)
            ms = 0;
        if (best < 0 || ms < best)
            best = (int)ms;
    }
    return best;
}

static void run_timers(struct ev_loop *l)
{
    int64_t now = clock_mono_ns();
    for (int i = 0; i < EV_TIMERS_MAX; i++) {
        struct ev_timer *t = &l->timers[i];
        if (t->fn == NULL || t->due_ns > now)
            continue;
        ev_timer_fn fn = t->fn;
        void *arg = t->arg;
        if (t->periodic) {
            t->due_ns = now + t->interval_ns;
        } else {
            memset(t, 0, sizeof(*t));
            l->ntimers--;
        }
        fn(l, arg);
    }
}

static uint32_t from_epoll(uint32_t e)
{
    uint32_t m = 0;
    if (e & (EPOLLIN | EPOLLRDHUP))
        m |= EV_READ;
    if (e & EPOLLOUT)
        m |= EV_WRITE;
    if (e & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) /* the peer's half close too: an edge-triggered */
        m |= EV_ERROR | EV_READ; /* reader must then read to EOF, not stop at a short read */
    return m;
}

int ev_run_once(struct ev_loop *l, int timeout_ms)
{
    int wait = l->ntimers ? next_timeout(l, timeout_ms, clock_mono_ns()) : timeout_ms;
    int n = sysio_epoll_wait(l->epfd, l->evs, EV_BATCH, wait);
    if (n < 0) {
        if (errno != EINTR)
            return RC_ERR_IO;
        n = 0;
    }
    for (int i = 0; i < n; i++) {
        int fd = l->evs[i].data.fd;
        if (fd >= l->nslots || l->slots[fd].fn == NULL)
            continue; /* deleted earlier in this batch */
        struct ev_slot s = l->slots[fd];
        s.fn(l, fd, from_epoll(l->evs[i].events), s.arg);
    }
    if (l->ntimers)
        run_timers(l);
    return n;
}

int ev_run(struct ev_loop *l)
{
    l->stop = false;
    while (!l->stop) {
        int rc = ev_run_once(l, -1);
        if (rc < 0)
            return rc;
    }
    return RC_OK;
}

void ev_stop(struct ev_loop *l)
{
    l->stop = true;
}
