/* Concurrent readers and writers on one store under eviction (runs under TSan in CI, label
 * "threaded"). Every value describes itself (key, version, fill byte, length), so a reader that
 * sees bytes from a reused segment, a torn write or another key's value fails the check. Readers
 * hold their references while other threads write and evict, as the server does while a reply is
 * being sent. Threads start together on a barrier; loops are bounded by operation counts. */
#include <pthread.h>
#include <stdlib.h>

#include "clock.h"
#include "store.h"
#include "test.h"

#define THREADS 4
#define KEYS    20000
#define OPS     150000

static struct rc_clock clk;
static struct store *st;
static pthread_barrier_t start;
static _Atomic long bad_values, bad_sets, hits;

static size_t make_value(char *buf, int k, unsigned ver, unsigned tid)
{
    int n = snprintf(buf, 64, "%d:%u:%u:", k, ver, tid);
    size_t len = (size_t)n + (size_t)((k * 7 + ver) % 400);
    char fill = (char)('a' + (ver + tid) % 26);
    memset(buf + n, fill, len - (size_t)n);
    return len;
}

static bool value_ok(const char *v, size_t vlen, int k)
{
    int kk;
    unsigned ver, tid;
    int n = 0;
    char head[64];
    size_t hl = vlen < 63 ? vlen : 63;
    memcpy(head, v, hl);
    head[hl] = 0;
    if (sscanf(head, "%d:%u:%u:%n", &kk, &ver, &tid, &n) != 3 || kk != k || n == 0)
        return false;
    if (vlen != (size_t)n + (size_t)((k * 7 + ver) % 400))
        return false;
    char fill = (char)('a' + (ver + tid) % 26);
    for (size_t i = (size_t)n; i < vlen; i++)
        if (v[i] != fill)
            return false;
    return true;
}

static void *worker(void *arg)
{
    unsigned tid = (unsigned)(uintptr_t)arg;
    uint64_t r = 0x9e3779b97f4a7c15ull * (tid + 1);
    char key[32], val[512];
    struct store_ref held[8];
    int nheld = 0;
    pthread_barrier_wait(&start);
    for (int op = 0; op < OPS; op++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        int k = (int)(r % KEYS);
        snprintf(key, sizeof(key), "key:%d", k);
        unsigned what = (unsigned)(r >> 40) % 10;
        if (what < 6) {
            struct store_ref ref;
            if (store_get(st, tid, key, strlen(key), NULL, &ref) == STORE_OK) {
                atomic_fetch_add(&hits, 1);
                if (!value_ok(ref.value, ref.vlen, k) && atomic_fetch_add(&bad_values, 1) < 3)
                    fprintf(stderr, "bad %s: %.*s (%u)\n", key,
                            (int)(ref.vlen < 80 ? ref.vlen : 80), ref.value, ref.vlen);
                if (nheld < 8 && what == 0) {
                    held[nheld++] = ref; /* keep it across later writes and evictions */
                } else {
                    store_unref(st, &ref);
                }
            }
        } else if (what < 9) {
            size_t len = make_value(val, k, (unsigned)(r >> 20) & 0xffff, tid);
            struct store_set_args a = {
                .mode = STORE_SET, .key = key, .klen = strlen(key), .value = val, .vlen = len};
            enum store_status ss = store_set(st, tid, &a, NULL);
            if (ss != STORE_OK) {
                atomic_fetch_add(&bad_sets, 1);
                if (atomic_load(&bad_sets) < 3)
                    fprintf(stderr, "set: %s\n", store_strstatus(ss));
            }
        } else {
            struct store_delete_args d = {.key = key, .klen = strlen(key)};
            store_delete(st, tid, &d);
        }
        if (nheld == 8) {
            for (int i = 0; i < nheld; i++) {
                char kb[32];
                snprintf(kb, sizeof(kb), "%.*s", (int)held[i].klen, held[i].key);
                int kk = atoi(kb + 4);
                if (!value_ok(held[i].value, held[i].vlen, kk))
                    atomic_fetch_add(&bad_values, 1);
                store_unref(st, &held[i]);
            }
            nheld = 0;
        }
    }
    for (int i = 0; i < nheld; i++)
        store_unref(st, &held[i]);
    return NULL;
}

static void test_readers_writers(void)
{
    clock_init(&clk);
    struct store_config c = {
        .mem_limit = 8 << 20, .item_size_max = 1 << 20, .nworkers = THREADS, .clock = &clk};
    CHECK_EQ(store_create(&st, &c), 0);
    pthread_barrier_init(&start, NULL, THREADS);
    pthread_t th[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, worker, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    CHECK_EQ(atomic_load(&bad_values), 0);
    CHECK_EQ(atomic_load(&bad_sets), 0);
    CHECK(atomic_load(&hits) > 1000);
    struct store_stats s;
    store_get_stats(st, &s);
    CHECK(s.evictions > 0);
    CHECK(s.bytes + s.index_bytes <= (8u << 20));
    /* every reference was released: a full flush and refill can reuse every segment */
    store_flush(st, 0);
    store_get_stats(st, &s);
    CHECK_EQ(s.curr_items, 0);
    CHECK_EQ(s.bytes, 0);
    store_destroy(&st);
}

/* Hot keys, one writer per key: the cas a reader gets with version v of a value must be at least
 * the cas the writer got for v and below the one it got for v + 1 (a read that mixed the value of
 * one version with the bucket version of a later store would break the second bound). Readers are
 * lock-free here, so this checks their version re-check. */
#define HOT_KEYS 8
#define HOT_VERS 60000
static _Atomic uint64_t hot_cas[HOT_KEYS][HOT_VERS + 2];
static _Atomic long hot_bad, hot_hits;

static void *hot_worker(void *arg)
{
    unsigned tid = (unsigned)(uintptr_t)arg;
    char key[16], val[64];
    uint64_t r = 0x2545f4914f6cdd1dull * (tid + 1);
    pthread_barrier_wait(&start);
    if (tid < 2) { /* writer of keys tid, tid + 2, ... */
        for (unsigned ver = 1; ver <= HOT_VERS; ver++) {
            for (unsigned k = tid; k < HOT_KEYS; k += 2) {
                snprintf(key, sizeof(key), "hot:%u", k);
                int n = snprintf(val, sizeof(val), "%u", ver);
                struct store_set_args a = {
                    .mode = STORE_SET, .key = key, .klen = strlen(key), .value = val, .vlen = n};
                uint64_t cas = 0;
                if (store_set(st, tid, &a, &cas) != STORE_OK || cas == 0)
                    atomic_fetch_add(&hot_bad, 1);
                atomic_store(&hot_cas[k][ver], cas);
            }
        }
        return NULL;
    }
    for (int op = 0; op < 4 * HOT_VERS; op++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        unsigned k = (unsigned)(r % HOT_KEYS);
        snprintf(key, sizeof(key), "hot:%u", k);
        struct store_ref ref;
        if (store_get(st, tid, key, strlen(key), NULL, &ref) != STORE_OK)
            continue;
        char vb[16] = {0};
        memcpy(vb, ref.value, ref.vlen < 15 ? ref.vlen : 15);
        unsigned ver = (unsigned)strtoul(vb, NULL, 10);
        uint64_t cas = ref.cas;
        store_unref(st, &ref);
        atomic_fetch_add(&hot_hits, 1);
        if (ver == 0 || ver > HOT_VERS) {
            atomic_fetch_add(&hot_bad, 1);
            continue;
        }
        uint64_t mine = atomic_load(&hot_cas[k][ver]), next = atomic_load(&hot_cas[k][ver + 1]);
        if ((mine && cas < mine) || (next && cas >= next))
            atomic_fetch_add(&hot_bad, 1);
    }
    return NULL;
}

static void test_hot_keys_cas_consistent(void)
{
    clock_init(&clk);
    struct store_config c = {
        .mem_limit = 64 << 20, .item_size_max = 1 << 20, .nworkers = THREADS, .clock = &clk};
    CHECK_EQ(store_create(&st, &c), 0);
    pthread_barrier_init(&start, NULL, THREADS);
    pthread_t th[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, hot_worker, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    CHECK_EQ(atomic_load(&hot_bad), 0);
    CHECK(atomic_load(&hot_hits) > 1000);
    store_destroy(&st);
}

int main(void)
{
    TEST_RUN(test_readers_writers);
    TEST_RUN(test_hot_keys_cas_consistent);
    return TEST_DONE();
}
