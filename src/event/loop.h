/* loop: one epoll event loop per thread, with handlers indexed by file descriptor and a few
 * millisecond timers. A loop is owned by the thread that runs it: every function except
 * ev_loop_create/destroy must be called from that thread (other threads reach a loop through a
 * struct wakeup, see wakeup.h). */
#ifndef RC_EV_LOOP_H
#define RC_EV_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define EV_READ  0x1u
#define EV_WRITE 0x2u
#define EV_ERROR 0x4u /* reported only: hang-up (also the peer's half close) or socket error */
/* Given to ev_add: edge-triggered (reported when new bytes or room arrive, not again while they
 * stay unread); ev_mod keeps it. The handler must then read until a short read or EAGAIN. */
#define EV_EDGE 0x8u

#define EV_TIMERS_MAX 8

struct ev_loop;

/* Called on the loop thread when fd is ready; events is a mask of EV_*. The handler may add,
 * modify or delete any fd, including its own, and may close fd after ev_del. */
typedef void (*ev_handler_fn)(struct ev_loop *l, int fd, uint32_t events, void *arg);
/* Called on the loop thread when a timer fires. */
typedef void (*ev_timer_fn)(struct ev_loop *l, void *arg);

/* Creates a loop. Returns 0 and *out, or RC_ERR_NOMEM / RC_ERR_IO. */
int ev_loop_create(struct ev_loop **out);
/* Frees the loop (it does not close registered fds). Accepts NULL; *l becomes NULL. */
void ev_loop_destroy(struct ev_loop **l);

/* Registers fd for the EV_READ/EV_WRITE mask in events (level-triggered unless EV_EDGE). */
int ev_add(struct ev_loop *l, int fd, uint32_t events, ev_handler_fn fn, void *arg);
/* Changes the mask of a registered fd (no system call when unchanged). Readiness that is present
 * now is reported again, also for an edge-triggered fd. */
int ev_mod(struct ev_loop *l, int fd, uint32_t events);
/* Unregisters fd; pending events for it in the current batch are dropped. */
int ev_del(struct ev_loop *l, int fd);

/* Adds a timer firing every interval_ms (periodic) or once after interval_ms. Returns an id
 * >= 0, or RC_ERR_FULL when EV_TIMERS_MAX are in use. */
int ev_timer_add(struct ev_loop *l, uint32_t interval_ms, bool periodic, ev_timer_fn fn, void *arg);
/* Cancels a timer by id (ignores unknown ids). */
void ev_timer_cancel(struct ev_loop *l, int id);

/* Waits at most timeout_ms (-1: until something happens) and dispatches one batch of events and
 * due timers. Returns the number of fd events handled or a negative status. */
int ev_run_once(struct ev_loop *l, int timeout_ms);
/* Runs batches until ev_stop is called from a handler. Returns 0 or a negative status. */
int ev_run(struct ev_loop *l);
/* Makes ev_run return after the current batch. Loop thread only. */
void ev_stop(struct ev_loop *l);

#endif
