/* store_testutil.h: what the store unit tests (test_store, test_store_model) share: one test
 * clock, moved by the tests through its offset, and mk(), a store of two workers with the given
 * memory limit, -M and -C. */
#ifndef RC_STORE_TESTUTIL_H
#define RC_STORE_TESTUTIL_H

#include "clock.h"
#include "store.h"
#include "test.h"

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

#endif
