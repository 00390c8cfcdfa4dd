/* buf: a contiguous, growable byte buffer with a read and a write position, bounded by a maximum
 * size. Used for connection read/write buffers in server, client and proxy.
 *
 *   data[0 .. rpos)      consumed, reclaimable by compaction
 *   data[rpos .. wpos)   readable bytes (buf_rptr/buf_rlen)
 *   data[wpos .. cap)    writable space (buf_wptr/buf_wlen)
 *
 * Pointers into the buffer stay valid until the next call that may grow or compact it
 * (buf_reserve, buf_append, buf_compact). Not thread-safe: one owner at a time. */
#ifndef RC_BUF_H
#define RC_BUF_H

#include <stddef.h>

struct buf {
    char *data;
    size_t cap;  /* allocated bytes */
    size_t rpos; /* first unread byte */
    size_t wpos; /* first free byte */
    size_t max;  /* growth limit for cap */
};

/* Initialises b with `initial` bytes allocated (may be 0) and a growth limit of `max`.
 * Returns 0 or RC_ERR_NOMEM / RC_ERR_INVAL (initial > max). */
int buf_init(struct buf *b, size_t initial, size_t max);
/* Frees the memory; b may be reused after another buf_init. Accepts a zeroed buf. */
void buf_deinit(struct buf *b);

/* Ensures at least n writable bytes at the tail, compacting first and growing (doubling) if
 * needed. Returns 0, RC_ERR_FULL when that would exceed max, or RC_ERR_NOMEM. */
int buf_reserve(struct buf *b, size_t n);
/* Appends n bytes (reserving as needed). Same returns as buf_reserve. */
int buf_append(struct buf *b, const void *p, size_t n);
/* Appends a NUL-free string. */
int buf_append_str(struct buf *b, const char *s);
/* Moves the readable bytes to the start of the allocation. */
void buf_compact(struct buf *b);
/* Shrinks the allocation back to `size` bytes if it is empty and larger (after a big value). */
void buf_shrink(struct buf *b, size_t size);

static inline char *buf_rptr(const struct buf *b)
{
    return b->data + b->rpos;
}
static inline size_t buf_rlen(const struct buf *b)
{
    return b->wpos - b->rpos;
}
static inline char *buf_wptr(const struct buf *b)
{
    return b->data + b->wpos;
}
static inline size_t buf_wlen(const struct buf *b)
{
    return b->cap - b->wpos;
}
/* Marks n bytes written at buf_wptr as readable. */
static inline void buf_commit(struct buf *b, size_t n)
{
    b->wpos += n;
}
/* Marks n readable bytes consumed; an emptied buffer rewinds to its start. */
static inline void buf_consume(struct buf *b, size_t n)
{
    b->rpos += n;
    if (b->rpos == b->wpos)
        b->rpos = b->wpos = 0;
}
static inline void buf_reset(struct buf *b)
{
    b->rpos = b->wpos = 0;
}

#endif
