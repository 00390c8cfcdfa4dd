/* wakeup: eventfd + bounded handoff queue into an event loop (see wakeup.h).
 *
 * Design: a ring of `cap` items protected by a mutex (posts are rare: one per accepted
 * connection or control message, so a lock is cheaper to reason about than a lock-free ring).
 * A post appends under the lock, then writes 1 to the eventfd; the loop's read handler resets the
 * eventfd first and then drains the ring, so an item posted during a drain is either drained now
 * or wakes the loop again: none is lost.
 *
 * Invariants: 0 <= count <= cap; items are head .. head+count-1 modulo cap.
 * Concurrency: `lock` guards head/count/items; the handler runs on the loop thread without it.
 * Ownership: the wakeup owns its eventfd and ring. */
#include "wakeup.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "loop.h"
#include "ringcache/status.h"

struct wakeup {
    struct ev_loop *loop;
    int efd;
    wakeup_fn fn;
    void *arg;
    pthread_mutex_t lock;
    size_t cap, head, count;
    uint64_t *items;
};

static bool pop(struct wakeup *w, uint64_t *item)
{
    bool got = false;
    pthread_mutex_lock(&w->lock);
    if (w->count > 0) {
        *item = w->items[w->head];
        w->head = (w->head + 1) % w->cap;
        w->count--;
        got = true;
    }
    pthread_mutex_unlock(&w->lock);
    return got;
}

static void on_event(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
    struct wakeup *w = arg;
    uint64_t v;
    if (read(fd, &v, sizeof(v)) < 0) {
        /* EAGAIN: a previous drain already consumed the count; still drain below. */
    }
    uint64_t item;
    size_t budget = w->cap; /* bounded: items posted meanwhile wake us again */
    while (budget-- > 0 && pop(w, &item))
        w->fn(w->arg, item);
}

int wakeup_create(struct wakeup **out, struct ev_loop *l, size_t capacity, wakeup_fn fn, void *arg)
{
    *out = NULL;
    if (capacity == 0 || fn == NULL)
        return RC_ERR_INVAL;
    struct wakeup *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return RC_ERR_NOMEM;
    w->items = calloc(capacity, sizeof(*w->items));
    w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->items == NULL || w->efd < 0) {
        int rc = w->items == NULL ? RC_ERR_NOMEM : RC_ERR_IO;
        if (w->efd >= 0)
            close(w->efd);
        free(w->items);
        free(w);
        return rc;
    }
    pthread_mutex_init(&w->lock, NULL);
    w->loop = l;
    w->cap = capacity;
    w->fn = fn;
    w->arg = arg;
    int rc = ev_add(l, w->efd, EV_READ, on_event, w);
    if (rc != RC_OK) {
        wakeup_destroy(&w);
        return rc;
    }
    *out = w;
    return RC_OK;
}

void wakeup_destroy(struct wakeup **wp)
{
    if (wp == NULL || *wp == NULL)
        return;
    struct wakeup *w = *wp;
    ev_del(w->loop, w->efd);
    close(w->efd);
    pthread_mutex_destroy(&w->lock);
    free(w->items);
    free(w);
    *wp = NULL;
}

int wakeup_post(struct wakeup *w, uint64_t item)
{
    pthread_mutex_lock(&w->lock);
    if (w->count == w->cap) {
        pthread_mutex_unlock(&w->lock);
        return RC_ERR_FULL;
    }
    w->items[(w->head + w->count) % w->cap] = item;
    w->count++;
    pthread_mutex_unlock(&w->lock);
    uint64_t one = 1;
    if (write(w->efd, &one, sizeof(one)) < 0) {
        /* EAGAIN only if the counter is saturated: the loop is already due to wake. */
    }
    return RC_OK;
}
