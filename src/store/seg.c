/* seg: fixed-size segments and the compact item format (see seg.h for the layout).
 *
 * Design: all segment memory is one anonymous mapping, so pages are only resident once written
 * and the address of a segment never changes. Metadata lives in a separate array (struct seg), so
 * the segment bytes are nothing but items. There are no per-item pointers: the index locates an
 * item by (segment, offset), and a segment is walked by parsing item sizes from its start.
 *
 * Invariants: every item starts 8-byte aligned; an item never crosses a segment; a segment's
 * bytes [0, write_off) are whole items. Pins: one counter row per worker so that readers on
 * different threads never share a cache line for the same segment; a segment may be reused only
 * when its items are unindexed and seg_pins() is 0.
 *
 * Concurrency: seg_alloc/seg_free run under the store lock. Item bytes are written once by the
 * segment's writer before the item is published in the index; only the bits byte changes later,
 * through atomic builtins. Ownership: the pool owns the mapping and the arrays. */
#include "seg.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ringcache/status.h"

int seg_pool_init(struct seg_pool *p, uint32_t nseg, size_t seg_size, unsigned npin)
{
    memset(p, 0, sizeof(*p));
    if (nseg == 0 || nseg >= (1u << 24) || seg_size > SEG_SIZE_MAX || seg_size % 4096 || !npin)
        return RC_ERR_INVAL;
    size_t total = (size_t)nseg * seg_size;
    void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (m == MAP_FAILED)
        return RC_ERR_NOMEM;
    p->base = m;
    p->seg_size = seg_size;
    p->nseg = nseg;
    p->npin = npin;
    p->gen_mask = ~0ull;
    p->segs = calloc(nseg, sizeof(*p->segs));
    p->pins = calloc((size_t)nseg * npin, sizeof(*p->pins));
    if (!p->segs || !p->pins) {
        seg_pool_deinit(p);
        return RC_ERR_NOMEM;
    }
    p->free_head = SEG_NONE;
    for (uint32_t i = nseg; i-- > 0;) {
        p->segs[i].state = SEG_FREE;
        p->segs[i].prev = SEG_NONE;
        p->segs[i].next = p->free_head;
        p->free_head = i;
    }
    p->nfree = nseg;
    return 0;
}

void seg_pool_deinit(struct seg_pool *p)
{
    if (p->base)
        munmap(p->base, (size_t)p->nseg * p->seg_size);
    free(p->segs);
    free(p->pins);
    memset(p, 0, sizeof(*p));
}

uint32_t seg_alloc(struct seg_pool *p, uint32_t now)
{
    uint32_t id = p->free_head;
    if (id == SEG_NONE)
        return SEG_NONE;
    struct seg *g = &p->segs[id];
    p->free_head = g->next;
    p->nfree--;
    if (id >= p->fresh_from)
        p->fresh_from = id + 1;
    g->next = g->prev = SEG_NONE;
    g->group = 0;
    seg_reopen(p, id, now);
    return id;
}

void seg_reopen(struct seg_pool *p, uint32_t id, uint32_t now)
{
    struct seg *g = &p->segs[id];
    g->state = SEG_OPEN;
    g->create_time = now;
    g->exp_max = 0;
    g->write_off = 0;
    atomic_store_explicit(&g->live, 0, memory_order_relaxed);
    atomic_store_explicit(&g->last_hit, now, memory_order_relaxed);
    do
        g->gen++;
    while ((g->gen & p->gen_mask) == 0);
}

void seg_free(struct seg_pool *p, uint32_t id)
{
    struct seg *g = &p->segs[id];
    g->state = SEG_FREE;
    g->prev = SEG_NONE;
    g->next = p->free_head;
    p->free_head = id;
    p->nfree++;
}

uint32_t seg_pins(const struct seg_pool *p, uint32_t id)
{
    uint32_t n = 0;
    for (unsigned w = 0; w < p->npin; w++)
        n += atomic_load(&p->pins[(size_t)w * p->nseg + id]); /* seq_cst: see space.c */
    return n;
}

static size_t varint_len(size_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

size_t seg_item_size(size_t klen, size_t vlen, uint32_t flags, uint32_t exptime, bool has_cas)
{
    size_t n = 2 + varint_len(vlen) + klen + vlen;
    n += flags ? 4 : 0;
    n += exptime ? 4 : 0;
    n += has_cas ? 8 : 0;
    return (n + SEG_ALIGN - 1) & ~(size_t)(SEG_ALIGN - 1);
}

char *seg_item_write(char *dst, const char *key, size_t klen, size_t vlen, uint32_t flags,
                     uint32_t exptime, uint64_t cas, bool has_cas, uint8_t state_bits)
{
    uint8_t bits = state_bits & (SEG_IB_FETCHED | SEG_IB_STALE | SEG_IB_TOKEN);
    bits |= flags ? SEG_IB_FLAGS : 0;
    bits |= exptime ? SEG_IB_EXP : 0;
    bits |= has_cas ? SEG_IB_CAS : 0;
    unsigned char *p = (unsigned char *)dst;
    p[0] = (unsigned char)klen;
    __atomic_store_n(p + 1, bits, __ATOMIC_RELAXED);
    p += 2;
    size_t v = vlen;
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    if (flags) {
        memcpy(p, &flags, 4);
        p += 4;
    }
    if (exptime) {
        memcpy(p, &exptime, 4);
        p += 4;
    }
    if (has_cas) {
        memcpy(p, &cas, 8);
        p += 8;
    }
    memcpy(p, key, klen);
    return (char *)p + klen;
}

int seg_item_parse(const char *src, size_t avail, struct seg_item *it)
{
    const unsigned char *p = (const unsigned char *)src, *end = p + avail;
    if (avail < 4)
        return RC_ERR_PROTOCOL;
    it->klen = p[0];
    it->bits = seg_item_bits(src);
    p += 2;
    uint32_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (p >= end || shift > 21)
            return RC_ERR_PROTOCOL;
        v |= (uint32_t)(*p & 0x7f) << shift;
        if (!(*p++ & 0x80))
            break;
    }
    it->vlen = v;
    it->flags = it->exptime = 0;
    it->cas = 0;
    size_t extra = ((it->bits & SEG_IB_FLAGS) ? 4 : 0) + ((it->bits & SEG_IB_EXP) ? 4 : 0) +
                   ((it->bits & SEG_IB_CAS) ? 8 : 0);
    if ((size_t)(end - p) < extra + it->klen + it->vlen || it->klen == 0)
        return RC_ERR_PROTOCOL;
    if (it->bits & SEG_IB_FLAGS) {
        memcpy(&it->flags, p, 4);
        p += 4;
    }
    if (it->bits & SEG_IB_EXP) {
        memcpy(&it->exptime, p, 4);
        p += 4;
    }
    if (it->bits & SEG_IB_CAS) {
        memcpy(&it->cas, p, 8);
        p += 8;
    }
    it->key = (const char *)p;
    it->value = (const char *)p + it->klen;
    size_t used = (size_t)((p + it->klen + it->vlen) - (const unsigned char *)src);
    it->size = (uint32_t)((used + SEG_ALIGN - 1) & ~(size_t)(SEG_ALIGN - 1));
    return 0;
}
