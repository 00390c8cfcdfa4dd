/* ttl: TTL grouping and whole-segment expiry (see ttl.h).
 *
 * Design: Segcache's observation is that expiry is cheap when items that expire at about the same
 * time share a segment: then one comparison of the segment's latest expiry frees all of it. The
 * store keeps one open segment per (worker, group); ttl_group picks the group from the remaining
 * TTL in powers of 4, so within a group expiries differ by at most the group width plus the time
 * the segment stayed open. Items are still checked one by one on every read (exact expiry); the
 * grouping only decides when memory comes back. Stateless apart from struct seg fields;
 * thread-safety is the caller's (see seg.h). */
#include "ttl.h"

unsigned ttl_group(uint32_t exp, uint32_t now)
{
    if (exp == 0)
        return 0;
    uint32_t left = exp > now ? exp - now : 0;
    unsigned g = 1;
    uint32_t bound = 64;
    while (g < TTL_NGROUPS - 1 && left >= bound) {
        g++;
        bound = bound >= (UINT32_MAX >> 2) ? UINT32_MAX : bound << 2;
    }
    return g;
}

void ttl_note(struct seg *g, uint32_t exp)
{
    if (exp == 0)
        g->exp_max = SEG_NEVER;
    else if (g->exp_max != SEG_NEVER && exp > g->exp_max)
        g->exp_max = exp;
}

bool ttl_seg_expired(const struct seg *g, uint32_t now)
{
    return g->exp_max != SEG_NEVER && g->exp_max != 0 && g->exp_max <= now;
}
