/* spin: when a loop should poll for new events instead of sleeping, and for how long.
 *
 * After a batch with work a worker polls (epoll_wait without waiting) for up to a window of time
 * before it sleeps: a depth-1 client's next request usually comes within microseconds, and a sleep
 * costs a wake-up that in a VM is tens of microseconds of CPU on both sides. The window adapts to
 * how long the sleeps turn out to be, as the kernel's haltpoll cpuidle governor does: a sleep that
 * ended within the limit means a longer window would have caught that event (grow); a longer
 * sleep means polling was wasted time (shrink, to nothing at light load, where every gap is long).
 *
 * Pure state: the caller passes the clock readings, so the policy is tested without time. The
 * caller reads the clock only around sleeps and on polls that found nothing. */
#ifndef RC_EV_SPIN_H
#define RC_EV_SPIN_H

#include <stdbool.h>
#include <stdint.h>

#define SPIN_GROW_START_NS 10000 /* the first window after a window of 0 (capped by the limit) */

struct spin {
    int64_t limit_ns;    /* the longest window; 0: never poll, sleep at once */
    int64_t window_ns;   /* the current window, 0..limit_ns */
    int64_t deadline_ns; /* end of the running window; 0: not started (no empty poll yet) */
    bool polling;        /* work was done and the window has not run out */
};

/* Starts with the whole window (a server starts out expecting load). */
void spin_init(struct spin *s, int64_t limit_ns);
/* The timeout for the next wait: 0 while polling, -1 (sleep until an event) otherwise. */
static inline int spin_timeout(const struct spin *s)
{
    return s->polling ? 0 : -1;
}
/* The last wait returned work: poll again, with a fresh window, before any sleep. */
void spin_work(struct spin *s);
/* A poll found nothing at time now_ns: starts the window, or ends polling once it ran out. */
void spin_empty(struct spin *s, int64_t now_ns);
/* A sleep lasted slept_ns: adapts the window. */
void spin_slept(struct spin *s, int64_t slept_ns);

#endif
