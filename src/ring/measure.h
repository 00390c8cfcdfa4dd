/* measure: balance, movement and lookup-time figures of a mode (rc_ring_measure). */
#ifndef RC_RING_MEASURE_H
#define RC_RING_MEASURE_H

#include <stddef.h>
#include <stdint.h>

/* Synthetic keys "key:<i>" for i < n, laid out back to back in one buffer. */
struct measure_keys {
    char *bytes;
    uint32_t *off; /* key i is bytes[off[i] .. off[i + 1]) */
    size_t n;
};

int measure_keys_init(struct measure_keys *k, size_t n);
void measure_keys_deinit(struct measure_keys *k);
/* Monotonic nanoseconds. */
uint64_t measure_now_ns(void);

#endif
