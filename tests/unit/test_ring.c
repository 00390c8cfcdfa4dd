/* test_ring: the public API: modes and aliases, creation errors, lookups in range for every
 * mode, names, and the documented reconfiguration pattern (readers on an atomically swapped
 * pointer while a writer builds new rings beside them; old rings freed once readers are done). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <ringcache/ring.h>
#include <ringcache/status.h>

#include "measure.h"
#include "test.h"

#define H10                                                                                        \
    "mc01.cache.example.com:11211,mc02.cache.example.com:11211,mc03.cache.example.com:11211:2,"    \
    "mc04.cache.example.com:11211,mc05.cache.example.com:11212,mc06.cache.example.com:11212,"      \
    "cache-a.dc2.example.net:21211,cache-b.dc2.example.net:21211:3,"                               \
    "cache-c.dc2.example.net:21212,memcache10.example.org:11311"

static void test_modes_listed_and_unique(void)
{
    size_t n = rc_ring_mode_count();
    CHECK(n >= 11);
    for (size_t i = 0; i < n; i++) {
        CHECK(rc_ring_mode_name(i) != NULL);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(rc_ring_mode_name(i), rc_ring_mode_name(j)) != 0);
        CHECK(rc_ring_mode_consistent(rc_ring_mode_name(i)) >= 0);
    }
    CHECK(rc_ring_mode_name(n) == NULL);
    CHECK_EQ(rc_ring_mode_consistent("libmemcached/modula-crc"), 0);
    CHECK_EQ(rc_ring_mode_consistent("native/hrw-xxh3"), 1);
    CHECK_EQ(rc_ring_mode_consistent("no/such-mode"), RC_ERR_INVAL);
    CHECK_EQ(rc_ring_mode_weighted("libmemcached/ketama-md5"), 0);
    CHECK_EQ(rc_ring_mode_weighted("twemproxy/ketama-md5"), 1);
}

static void test_every_mode_places_in_range(void)
{
    for (size_t m = 0; m < rc_ring_mode_count(); m++) {
        struct rc_ring *r = NULL;
        CHECK_EQ(rc_ring_create_spec(&r, rc_ring_mode_name(m), H10), RC_OK);
        if (!r)
            continue;
        CHECK_EQ(rc_ring_count(r), 10);
        CHECK_STR(rc_ring_mode(r), rc_ring_mode_name(m));
        uint32_t seen = 0, x = 1;
        char key[32];
        for (int i = 0; i < 2000; i++) {
            /* random-looking keys: FNV-1 modes cluster keys that differ only in the last byte */
            x = x * 1103515245u + 12345u;
            int len = snprintf(key, sizeof(key), "%08x:%d", x, i);
            uint32_t o = rc_ring_lookup(r, key, (size_t)len);
            CHECK(o < 10);
            seen |= 1u << (o % 32);
            CHECK(rc_ring_lookup_name(r, key, (size_t)len) == rc_ring_node_name(r, o));
        }
        CHECK_EQ(seen, 0x3ff); /* every server gets keys */
        rc_ring_destroy(&r);
        CHECK(r == NULL);
    }
}

static void test_names_weights_aliases(void)
{
    struct rc_ring *r = NULL;
    CHECK_EQ(rc_ring_create_spec(&r, "ketama", H10), RC_OK);
    CHECK_STR(rc_ring_mode(r), "libmemcached/ketama-weighted-md5");
    CHECK_STR(rc_ring_node_name(r, 2), "mc03.cache.example.com:11211");
    CHECK_EQ(rc_ring_node_weight(r, 2), 2);
    CHECK(rc_ring_node_name(r, 10) == NULL);
    CHECK_EQ(rc_ring_node_weight(r, 10), 0);
    rc_ring_destroy(&r);
    /* twemproxy's name field: the explicit form of what it derives itself */
    struct rc_ring *named = NULL, *plain = NULL;
    CHECK_EQ(rc_ring_create_spec(&named, "twemproxy/ketama-md5",
                                 "127.0.0.1:24101 10.0.1.1,127.0.0.1:24102 10.0.1.2"),
             RC_OK);
    CHECK_EQ(rc_ring_create_spec(&plain, "twemproxy/ketama-md5", "10.0.1.1:11211,10.0.1.2"), RC_OK);
    int diff = 0;
    char key[32];
    for (int i = 0; named && plain && i < 2000; i++) {
        int len = snprintf(key, sizeof(key), "k:%d", i);
        diff += rc_ring_lookup(named, key, (size_t)len) != rc_ring_lookup(plain, key, (size_t)len);
    }
    CHECK_EQ(diff, 0);
    rc_ring_destroy(&named);
    rc_ring_destroy(&plain);
}

static void test_creation_errors(void)
{
    struct rc_ring *r = (struct rc_ring *)&r;
    struct rc_ring_node one = {"a:1", 1, NULL};
    CHECK_EQ(rc_ring_create(&r, "no/such-mode", &one, 1), RC_ERR_INVAL);
    CHECK(r == NULL);
    CHECK_EQ(rc_ring_create(&r, "native/hrw-xxh3", &one, 0), RC_ERR_INVAL);
    CHECK_EQ(rc_ring_create(&r, "native/hrw-xxh3", NULL, 1), RC_ERR_INVAL);
    CHECK_EQ(rc_ring_create(NULL, "native/hrw-xxh3", &one, 1), RC_ERR_INVAL);
    CHECK_EQ(rc_ring_create_spec(&r, "native/hrw-xxh3", "a:1,,b:2"), RC_ERR_INVAL);
    CHECK_EQ(rc_ring_create_spec(&r, "native/hrw-xxh3", NULL), RC_ERR_INVAL);
    rc_ring_destroy(NULL);
    rc_ring_destroy(&r);
    CHECK(r == NULL);
}

/* One server: every key goes to it, in every mode. */
static void test_single_server(void)
{
    for (size_t m = 0; m < rc_ring_mode_count(); m++) {
        struct rc_ring *r = NULL;
        CHECK_EQ(rc_ring_create_spec(&r, rc_ring_mode_name(m), "only:11211"), RC_OK);
        int other = 0;
        for (int i = 0; r && i < 100; i++)
            other += rc_ring_lookup(r, &i, sizeof(i)) != 0;
        CHECK_EQ(other, 0);
        rc_ring_destroy(&r);
    }
}

/* Reconfiguration as ring.h documents it. */
struct swap_ctx {
    _Atomic(struct rc_ring *) live;
    atomic_int stop;
    atomic_long lookups; /* grows while readers run: the writer waits on it between swaps */
    atomic_long bad;
};

static void *reader(void *arg)
{
    struct swap_ctx *c = arg;
    char key[32];
    long bad = 0;
    for (int i = 0; !atomic_load_explicit(&c->stop, memory_order_acquire); i++) {
        struct rc_ring *r = atomic_load_explicit(&c->live, memory_order_acquire);
        int len = snprintf(key, sizeof(key), "k%d", i);
        const char *name = rc_ring_lookup_name(r, key, (size_t)len);
        bad += name == NULL || strncmp(name, "s", 1) != 0;
        if (i % 64 == 63)
            atomic_fetch_add_explicit(&c->lookups, 64, memory_order_relaxed);
    }
    atomic_fetch_add(&c->bad, bad);
    return NULL;
}

static void test_swap_under_readers(void)
{
    enum { SWAPS = 40, READERS = 2 };
    struct rc_ring *retired[SWAPS + 1];
    struct swap_ctx c;
    atomic_init(&c.stop, 0);
    atomic_init(&c.lookups, 0);
    atomic_init(&c.bad, 0);
    struct rc_ring *first = NULL;
    CHECK_EQ(rc_ring_create_spec(&first, "native/hrw-xxh3", "s1:1,s2:1"), RC_OK);
    atomic_init(&c.live, first);
    pthread_t th[READERS];
    for (int i = 0; i < READERS; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, reader, &c), 0);
    char spec[64];
    long waited_out = 0;
    for (int s = 0; s < SWAPS; s++) {
        /* let the readers make progress on the current ring (bounded: 2 s per swap) */
        long seen = atomic_load(&c.lookups);
        uint64_t deadline = measure_now_ns() + 2000000000ull;
        while (atomic_load(&c.lookups) < seen + 128 && measure_now_ns() < deadline)
            sched_yield();
        waited_out += atomic_load(&c.lookups) < seen + 128;
        snprintf(spec, sizeof(spec), "s1:1,s2:1,s%d:1", 3 + s % 3);
        struct rc_ring *fresh = NULL;
        CHECK_EQ(rc_ring_create_spec(&fresh, s % 2 ? "ketama" : "native/hrw-xxh3", spec), RC_OK);
        /* old rings are retired, freed only after every reader has stopped */
        retired[s] = atomic_exchange_explicit(&c.live, fresh, memory_order_acq_rel);
    }
    atomic_store_explicit(&c.stop, 1, memory_order_release);
    for (int i = 0; i < READERS; i++)
        pthread_join(th[i], NULL);
    retired[SWAPS] = atomic_load(&c.live);
    for (int s = 0; s <= SWAPS; s++)
        rc_ring_destroy(&retired[s]);
    CHECK_EQ(atomic_load(&c.bad), 0);
    CHECK_EQ(waited_out, 0);
    CHECK(atomic_load(&c.lookups) >= 128 * SWAPS);
}

int main(void)
{
    TEST_RUN(test_modes_listed_and_unique);
    TEST_RUN(test_every_mode_places_in_range);
    TEST_RUN(test_names_weights_aliases);
    TEST_RUN(test_creation_errors);
    TEST_RUN(test_single_server);
    TEST_RUN(test_swap_under_readers);
    return TEST_DONE();
}
