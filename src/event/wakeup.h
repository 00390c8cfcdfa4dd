/* wakeup: how other threads reach a loop. An eventfd registered in the loop plus a bounded
 * multi-producer queue of 64-bit items (an accepted fd, a command code, ...). Any thread may post;
 * the loop thread drains the queue and calls the handler once per item, in posting order. */
#ifndef RC_EV_WAKEUP_H
#define RC_EV_WAKEUP_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct wakeup;

/* Called on the loop thread for each posted item. */
typedef void (*wakeup_fn)(void *arg, uint64_t item);

/* Creates a wakeup on loop l (register from the loop's thread or before it runs) with room for
 * `capacity` queued items. Returns 0 and *out, or RC_ERR_NOMEM / RC_ERR_IO. */
int wakeup_create(struct wakeup **out, struct ev_loop *l, size_t capacity, wakeup_fn fn, void *arg);
/* Unregisters and frees (items still queued are dropped). Accepts NULL; *w becomes NULL. Call
 * from the loop thread or once the loop no longer runs. */
void wakeup_destroy(struct wakeup **w);
/* Thread-safe: queues item and wakes the loop. RC_ERR_FULL if the queue is full. */
int wakeup_post(struct wakeup *w, uint64_t item);

#endif
