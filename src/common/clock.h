/* clock: the process clock and memcached's expiry-time rules.
 *
 * Times inside ringcache are "relative seconds": seconds since the clock was started, as
 * memcached's rel_time_t. A relative time fits in 32 bits and 0 means "never" when used as an
 * expiry. The clock reads CLOCK_MONOTONIC_COARSE (a few ns, no syscall) plus a test offset, so
 * tests can move time forward without sleeping. */
#ifndef RC_CLOCK_H
#define RC_CLOCK_H

#include <stdatomic.h>
#include <stdint.h>

/* memcached's boundary: exptimes above 30 days are absolute unix times. */
#define CLOCK_RELATIVE_MAX (60 * 60 * 24 * 30)
/* Relative expiry meaning "already expired" (distinct from 0 = never). */
#define CLOCK_EXPIRED 1u

struct rc_clock {
    int64_t start_unix;         /* unix time at start, minus 2 s, as memcached does */
    int64_t start_mono_ns;      /* monotonic ns at start */
    _Atomic int64_t offset_sec; /* added to every reading; tests advance time with it */
};

/* Starts the clock now. */
void clock_init(struct rc_clock *c);
/* Seconds since start; always >= 2 so that CLOCK_EXPIRED is in the past. */
uint32_t clock_now(const struct rc_clock *c);
/* Unix time for a relative time. */
int64_t clock_to_unix(const struct rc_clock *c, uint32_t rel);
/* Moves the clock forward by sec seconds (tests and the `debugtime`-style hooks only). */
void clock_advance(struct rc_clock *c, int64_t sec);

/* Converts a protocol exptime (as sent by a client) into a relative expiry:
 *   0                    -> 0 (never expires)
 *   negative             -> CLOCK_EXPIRED
 *   1 .. 30 days         -> now + exptime
 *   above 30 days        -> absolute unix time converted; in the past -> CLOCK_EXPIRED */
uint32_t clock_exptime(const struct rc_clock *c, int64_t exptime);
/* The same for a caller that has read the clock already (`now` from clock_now). */
uint32_t clock_exptime_at(const struct rc_clock *c, int64_t exptime, uint32_t now);

/* True if a relative expiry has passed at `now` (0 never passes). */
static inline int clock_expired(uint32_t exp, uint32_t now)
{
    return exp != 0 && exp <= now;
}

/* Monotonic nanoseconds (precise clock) for timeouts and measurements. */
int64_t clock_mono_ns(void);

#endif
