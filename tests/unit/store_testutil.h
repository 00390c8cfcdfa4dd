/* store_testutil.h: what the store unit tests (test_store, test_store_model, test_store_cas)
 * share: one test clock, moved by the tests through its offset; mk(), a store of two workers with
 * the given memory limit, -M and -C; put() and fetch() of string values. */
#ifndef RC_STORE_TESTUTIL_H
#define RC_STORE_TESTUTIL_H

#include "clock.h"
#include "store.h"
#include "test.h"

#include <string.h>

static struct rc_clock clk;

static struct store *mk(size_t mem, bool no_evict, bool no_cas)
{
    clock_init(&clk);
    struct store_config c = {.mem_limit = mem,
                             .item_size_max = 1 << 20,
                             .nworkers = 2,
                             .no_evict = no_evict,
                             .no_cas = no_cas,
                             .clock = &clk};
    struct store *s = NULL;
    CHECK_EQ(store_create(&s, &c), 0);
    return s;
}

/* A text-protocol-like store on worker 0: mode m, key k, value v (strings). */
static inline enum store_status put(struct store *s, enum store_mode m, const char *k,
                                    const char *v, uint32_t flags, int64_t exp, uint64_t cmp,
                                    uint64_t *cas)
{
    struct store_set_args a = {.mode = m,
                               .key = k,
                               .klen = strlen(k),
                               .value = v,
                               .vlen = strlen(v),
                               .flags = flags,
                               .exptime = exp,
                               .compare_cas = cmp};
    return store_set(s, 0, &a, cas);
}

/* Gets k into buf (NUL-terminated); returns the status. */
static inline enum store_status fetch(struct store *s, const char *k, char *buf, size_t n,
                                      struct store_ref *out)
{
    struct store_ref r;
    if (out)
        memset(out, 0, sizeof(*out)); /* set on a miss too */
    enum store_status st = store_get(s, 1, k, strlen(k), NULL, &r);
    if (st == STORE_OK) {
        size_t l = r.vlen < n - 1 ? r.vlen : n - 1;
        memcpy(buf, r.value, l);
        buf[l] = 0;
        if (out)
            *out = r;
        store_unref(s, &r);
        CHECK(r.pin == NULL);
    }
    return st;
}

#endif
