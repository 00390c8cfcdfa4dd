/* buf: growable read/write buffer (see buf.h for the layout and invariants).
 *
 * Invariants: rpos <= wpos <= cap <= max (cap may exceed max only if initial did, which buf_init
 * refuses). Growth doubles the capacity up to max, so appending n bytes costs O(n) amortised.
 * Compaction happens only when it frees enough room to avoid growing. Ownership: the buffer owns
 * `data`; nothing else frees it. No locking: a buffer has one owner. */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

#include "ringcache/status.h"

int buf_init(struct buf *b, size_t initial, size_t max)
{
    memset(b, 0, sizeof(*b));
    if (initial > max)
        return RC_ERR_INVAL;
    b->max = max;
    if (initial > 0) {
        b->data = malloc(initial);
        if (b->data == NULL)
            return RC_ERR_NOMEM;
        b->cap = initial;
    }
    return RC_OK;
}

void buf_deinit(struct buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void buf_compact(struct buf *b)
{
    if (b->rpos == 0)
        return;
    size_t n = b->wpos - b->rpos;
    if (n > 0)
        memmove(b->data, b->data + b->rpos, n);
    b->rpos = 0;
    b->wpos = n;
}

int buf_reserve(struct buf *b, size_t n)
{
    if (b->cap - b->wpos >= n)
        return RC_OK;
    size_t used = b->wpos - b->rpos;
    if (b->cap - used >= n) {
        buf_compact(b);
        return RC_OK;
    }
    if (n > b->max || used > b->max - n)
        return RC_ERR_FULL;
    size_t need = used + n;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > b->max / 2 ? b->max : cap * 2;
    buf_compact(b);
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return RC_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return RC_OK;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
    int rc = buf_reserve(b, n);
    if (rc != RC_OK)
        return rc;
    if (n > 0)
        memcpy(b->data + b->wpos, p, n);
    b->wpos += n;
    return RC_OK;
}

int buf_append_str(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

void buf_shrink(struct buf *b, size_t size)
{
    if (b->rpos != b->wpos || b->cap <= size)
        return;
    char *p = realloc(b->data, size);
    if (p == NULL && size > 0)
        return; /* keep the larger allocation; still valid */
    b->data = p;
    b->cap = size;
    b->rpos = b->wpos = 0;
}
