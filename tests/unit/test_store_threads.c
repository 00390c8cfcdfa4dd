/* Concurrent readers and writers on one store under eviction (runs under TSan in CI, label
 * "threaded"). Every value describes itself (key, version, fill byte, length), so a reader that
 * sees bytes from a reused segment, a torn write or another key's value fails the check. Readers
 * hold their references while other threads write and evict, as the server does while a reply is
 * being sent. Threads start together on a barrier; loops are bounded by operation counts. */
#include <pthread.h>
#include <sched.h>
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

/* Hot keys, one writer per key: the cas a reader gets with version v of a value must be the cas
 * the writer got for v (a read that mixed one version's value with another's place or segment
 * generation would break it). Readers are lock-free here, and compaction moves items meanwhile
 * (a moved item carries its cas). */
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
        uint64_t mine = atomic_load(&hot_cas[k][ver]); /* 0: not recorded yet */
        if (mine && cas != mine)
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

/* A delayed flush_all coming due under concurrent writers and lock-free readers. Writers (tids 0,
 * 1) first write their half of the OLD keys, then rewrite their own HOT keys; once both are done
 * with OLD keys, the main thread moves the clock onto the flush's second and only then raises
 * `phase`. A write made after its writer saw phase 1 was made at or after the deadline, so it
 * must survive the flush (its writer had to seal any segment opened before the deadline): once a
 * reader sees it published in fl_done, a read must hit that version or a later one. Every OLD key
 * was written before the deadline, so once a reader sees phase 1 it must miss every OLD key. */
#define FL_OLD    4000
#define FL_HOT    512
#define FL_WRITES 60000
#define FL_READS  120000
#define FL_BOUND  50000000L /* bounds every loop */

static _Atomic int fl_phase, fl_old_done, fl_writers_done;
static _Atomic uint32_t fl_done[FL_HOT]; /* version | phase << 31 of the last completed write */
static _Atomic long fl_lost, fl_stale_old, fl_checked;

static void fl_key(char *k, const char *pre, int i)
{
    snprintf(k, 32, "%s:%06d", pre, i);
}

static void *fl_writer(void *arg)
{
    unsigned tid = (unsigned)(uintptr_t)arg;
    char key[32], val[32];
    for (int i = (int)tid; i < FL_OLD; i += 2) {
        fl_key(key, "old", i);
        struct store_set_args a = {.key = key, .klen = strlen(key), .value = "old", .vlen = 3};
        if (store_set(st, tid, &a, NULL) != STORE_OK)
            atomic_fetch_add(&bad_sets, 1);
    }
    atomic_fetch_add(&fl_old_done, 1);
    uint32_t ver = 0;
    long after = 0;
    for (long n = 0; n < FL_BOUND && after < FL_WRITES; n++) {
        int k = (int)(tid + 2 * (n % (FL_HOT / 2)));
        uint32_t p = (uint32_t)atomic_load(&fl_phase);
        ver++;
        fl_key(key, "hot", k);
        int vl = snprintf(val, sizeof(val), "%u", ver);
        struct store_set_args a = {
            .key = key, .klen = strlen(key), .value = val, .vlen = (size_t)vl};
        if (store_set(st, tid, &a, NULL) != STORE_OK)
            atomic_fetch_add(&bad_sets, 1);
        atomic_store_explicit(&fl_done[k], ver | p << 31, memory_order_release);
        after += p;
    }
    atomic_fetch_add(&fl_writers_done, 1);
    return NULL;
}

static void fl_read_hot(unsigned tid, int k)
{
    uint32_t d = atomic_load_explicit(&fl_done[k], memory_order_acquire);
    if (!(d >> 31))
        return;
    char key[32], buf[16];
    fl_key(key, "hot", k);
    struct store_ref r;
    if (store_get(st, tid, key, strlen(key), NULL, &r) != STORE_OK) {
        atomic_fetch_add(&fl_lost, 1);
        return;
    }
    size_t l = r.vlen < sizeof(buf) - 1 ? r.vlen : sizeof(buf) - 1;
    memcpy(buf, r.value, l);
    buf[l] = 0;
    store_unref(st, &r);
    if (strtoul(buf, NULL, 10) < (d & 0x7fffffffu))
        atomic_fetch_add(&fl_lost, 1);
    atomic_fetch_add_explicit(&fl_checked, 1, memory_order_relaxed);
}

static void *fl_reader(void *arg)
{
    unsigned tid = (unsigned)(uintptr_t)arg;
    uint64_t r = 0x2545f4914f6cdd1dull * (tid + 1);
    long after = 0;
    char key[32];
    for (long n = 0; n < FL_BOUND && after < FL_READS; n++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        int p = atomic_load(&fl_phase);
        if (p && r % 8 == 0) {
            fl_key(key, "old", (int)(r >> 8) % FL_OLD);
            struct store_ref ref;
            if (store_get(st, tid, key, strlen(key), NULL, &ref) == STORE_OK) {
                store_unref(st, &ref);
                atomic_fetch_add(&fl_stale_old, 1);
            }
        } else {
            fl_read_hot(tid, (int)((r >> 8) % FL_HOT));
        }
        after += atomic_load(&fl_writers_done) == 2; /* then every HOT key has a phase-1 write */
    }
    return NULL;
}

static void test_delayed_flush_under_load(void)
{
    clock_init(&clk);
    struct store_config c = {
        .mem_limit = 64 << 20, .item_size_max = 1 << 20, .nworkers = THREADS, .clock = &clk};
    CHECK_EQ(store_create(&st, &c), 0);
    store_flush(st, 1);
    pthread_t th[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, i < 2 ? fl_writer : fl_reader, (void *)i);
    for (long n = 0; n < FL_BOUND && atomic_load(&fl_old_done) < 2; n++)
        sched_yield();
    CHECK_EQ(atomic_load(&fl_old_done), 2);
    clock_advance(&clk, 1);
    atomic_store(&fl_phase, 1);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(atomic_load(&bad_sets), 0);
    CHECK_EQ(atomic_load(&fl_lost), 0);
    CHECK_EQ(atomic_load(&fl_stale_old), 0);
    CHECK(atomic_load(&fl_checked) > 10000);
    struct store_stats s;
    store_get_stats(st, &s);
    CHECK(s.get_flushed > 0);
    CHECK_EQ(s.evictions, 0);
    store_destroy(&st);
}

int main(void)
{
    TEST_RUN(test_readers_writers);
    TEST_RUN(test_hot_keys_cas_consistent);
    TEST_RUN(test_delayed_flush_under_load);
    return TEST_DONE();
}
