/* clock: process clock and memcached exptime conversion (see time.h).
 *
 * Design: the clock is a small struct owned by whoever creates it (the server's context, a test,
 * a benchmark) and passed by pointer to modules that need "now"; there is no global clock. The
 * start is placed 2 seconds in the past, as memcached does, so relative time 1 (CLOCK_EXPIRED) is
 * always in the past and items set "already expired" never hit. Thread-safe: readers only load
 * the atomic offset. */
#include "clock.h"

#include <stdbool.h>
#include <time.h>

static int64_t mono_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t clock_mono_ns(void)
{
    return mono_ns(CLOCK_MONOTONIC);
}

void clock_init(struct rc_clock *c)
{
    c->start_unix = (int64_t)time(NULL) - 2;
    c->start_mono_ns = mono_ns(CLOCK_MONOTONIC_COARSE) - 2000000000LL;
    atomic_init(&c->offset_sec, 0);
}

uint32_t clock_now(const struct rc_clock *c)
{
    int64_t ns = mono_ns(CLOCK_MONOTONIC_COARSE) - c->start_mono_ns;
    int64_t s = ns / 1000000000LL + atomic_load_explicit(&c->offset_sec, memory_order_relaxed);
    if (s < 2)
        s = 2;
    if (s > UINT32_MAX)
        s = UINT32_MAX;
    return (uint32_t)s;
}

int64_t clock_to_unix(const struct rc_clock *c, uint32_t rel)
{
    return c->start_unix + rel;
}

void clock_advance(struct rc_clock *c, int64_t sec)
{
    atomic_fetch_add_explicit(&c->offset_sec, sec, memory_order_relaxed);
}

uint32_t clock_exptime(const struct rc_clock *c, int64_t exptime)
{
    bool relative = exptime > 0 && exptime <= CLOCK_RELATIVE_MAX; /* only these need now */
    return clock_exptime_at(c, exptime, relative ? clock_now(c) : 0);
}

uint32_t clock_exptime_at(const struct rc_clock *c, int64_t exptime, uint32_t now)
{
    if (exptime == 0)
        return 0;
    if (exptime < 0)
        return CLOCK_EXPIRED;
    int64_t rel;
    if (exptime > CLOCK_RELATIVE_MAX) {
        if (exptime <= c->start_unix)
            return CLOCK_EXPIRED;
        rel = exptime - c->start_unix;
    } else {
        rel = (int64_t)now + exptime;
    }
    if (rel <= (int64_t)CLOCK_EXPIRED)
        return CLOCK_EXPIRED;
    if (rel > UINT32_MAX)
        rel = UINT32_MAX;
    return (uint32_t)rel;
}
