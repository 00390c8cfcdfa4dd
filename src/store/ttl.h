/* ttl: TTL groups of segments (internal to src/store).
 *
 * Items are appended to a segment of their TTL group, so a segment's items expire together and
 * the whole segment is freed once its latest expiry (exp_max) has passed: no crawler walks items.
 * Group 0 holds items that never expire; groups 1..TTL_NGROUPS-1 cover remaining TTLs in powers
 * of 4 from 64 s. */
#ifndef RC_TTL_H
#define RC_TTL_H

#include <stdbool.h>
#include <stdint.h>

#include "seg.h"

#define TTL_NGROUPS 9

/* Group of an item with relative expiry exp (0 = never) written at `now`. */
unsigned ttl_group(uint32_t exp, uint32_t now);
/* Records an item's expiry in its segment's exp_max (segment's writer only). */
void ttl_note(struct seg *g, uint32_t exp);
/* True if every item of the segment has expired at `now`. */
bool ttl_seg_expired(const struct seg *g, uint32_t now);

#endif
