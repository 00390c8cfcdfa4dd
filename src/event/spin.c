/* spin: the adaptive poll window of a worker loop (see spin.h).
 *
 * Design: a worker loop runs
 *     timeout = ready work ? 0 : spin_timeout()
 *     [clock before] wait(timeout) [clock after, if it slept: spin_slept]
 *     work found ? spin_work() : a poll found nothing ? spin_empty(now)
 * so the clock is read only when there is nothing to do. The window opens at the first empty poll
 * after work (not at the work itself: that would need a clock read per batch), so it measures
 * idle time only.
 *
 * Adaptation (after each sleep, slept_ns being its length including the wake-up latency):
 * slept_ns <= limit: an event came soon after we gave up, so the window doubles (from
 * the start value if it was 0: SPIN_GROW_START_NS or the limit if smaller), capped at the limit.
 * slept_ns > limit: the gap was longer than any window we allow, so polling was pure cost; the
 * window halves, and below the start value drops to 0, where a lightly loaded worker sleeps at once
 * after each batch. A window of 0 still learns: the next short sleep grows it again.
 *
 * Invariants: 0 <= window_ns <= limit_ns; polling implies window_ns > 0; deadline_ns != 0 only
 * while polling. Concurrency: none; a spin belongs to its loop's thread. */
#include "spin.h"

void spin_init(struct spin *s, int64_t limit_ns)
{
    if (limit_ns < 0)
        limit_ns = 0;
    *s = (struct spin){.limit_ns = limit_ns, .window_ns = limit_ns};
}

void spin_work(struct spin *s)
{
    s->polling = s->window_ns > 0;
    s->deadline_ns = 0;
}

void spin_empty(struct spin *s, int64_t now_ns)
{
    if (!s->polling)
        return;
    if (s->deadline_ns == 0) {
        s->deadline_ns = now_ns + s->window_ns;
        if (s->deadline_ns == 0) /* 0 means "not started" */
            s->deadline_ns = 1;
    } else if (now_ns >= s->deadline_ns) {
        s->polling = false;
        s->deadline_ns = 0;
    }
}

void spin_slept(struct spin *s, int64_t slept_ns)
{
    if (s->limit_ns == 0)
        return;
    int64_t start = SPIN_GROW_START_NS < s->limit_ns ? SPIN_GROW_START_NS : s->limit_ns;
    if (slept_ns <= s->limit_ns) {
        int64_t w = s->window_ns ? s->window_ns * 2 : start;
        s->window_ns = w < s->limit_ns ? w : s->limit_ns;
    } else {
        int64_t w = s->window_ns / 2;
        s->window_ns = w < start ? 0 : w;
    }
    s->polling = false;
    s->deadline_ns = 0;
}
