/* Unit tests for store: every facade function against memcached's rules, the memory limit,
 * eviction and -M, prefetch and the staged set (the model-based tests are in test_store_model.c,
 * cas in test_store_cas.c).
 * Time moves with the clock's test offset, never with sleeps. */
#include <stdlib.h>

#include "store_testutil.h"

static void test_set_get_modes(void)
{
    struct store *s = mk(64 << 20, false, false);
    char b[64];
    CHECK_EQ(fetch(s, "a", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(put(s, STORE_SET, "a", "hello", 5, 0, 0, NULL), STORE_OK);
    struct store_ref r;
    CHECK_EQ(fetch(s, "a", b, sizeof(b), &r), STORE_OK);
    CHECK_STR(b, "hello");
    CHECK_EQ(r.flags, 5);
    CHECK_EQ(put(s, STORE_ADD, "a", "x", 0, 0, 0, NULL), STORE_NOT_STORED);
    CHECK_EQ(put(s, STORE_ADD, "b", "x", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_REPLACE, "c", "x", 0, 0, 0, NULL), STORE_NOT_STORED);
    CHECK_EQ(put(s, STORE_REPLACE, "b", "yy", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_APPEND, "a", " world", 9, 0, 0, NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_PREPEND, "a", ">", 9, 0, 0, NULL), STORE_OK);
    CHECK_EQ(fetch(s, "a", b, sizeof(b), &r), STORE_OK);
    CHECK_STR(b, ">hello world");
    CHECK_EQ(r.flags, 5); /* append keeps flags */
    CHECK_EQ(put(s, STORE_APPEND, "zz", "x", 0, 0, 0, NULL), STORE_NOT_STORED);
    CHECK_EQ(put(s, STORE_SET, "e", "", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(fetch(s, "e", b, sizeof(b), &r), STORE_OK);
    CHECK_EQ(r.vlen, 0);
    struct store_delete_args d = {.key = "a", .klen = 1};
    CHECK_EQ(store_delete(s, 0, &d), STORE_OK);
    CHECK_EQ(store_delete(s, 0, &d), STORE_NOT_FOUND);
    CHECK_EQ(fetch(s, "a", b, sizeof(b), NULL), STORE_NOT_FOUND);
    struct store_stats st;
    store_get_stats(s, &st);
    CHECK_EQ(st.curr_items, 2);
    CHECK_EQ(st.limit_maxbytes, 64 << 20);
    CHECK(st.index_bytes > 0 && st.index_bytes < (4 << 20));
    store_destroy(&s);
    CHECK(s == NULL);
    store_destroy(&s);
}

static void test_invalid_and_too_large(void)
{
    struct store *s = mk(64 << 20, false, false);
    CHECK_EQ(put(s, STORE_SET, "", "x", 0, 0, 0, NULL), STORE_INVALID);
    char key[252];
    memset(key, 'k', 251);
    key[251] = 0;
    CHECK_EQ(put(s, STORE_SET, key, "x", 0, 0, 0, NULL), STORE_INVALID);
    key[250] = 0;
    CHECK_EQ(put(s, STORE_SET, key, "x", 0, 0, 0, NULL), STORE_OK);
    char *big = malloc((1 << 20) + 1);
    memset(big, 'v', 1 << 20);
    big[1 << 20] = 0;
    CHECK_EQ(put(s, STORE_SET, "big", "small", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_SET, "big", big, 0, 0, 0, NULL), STORE_TOO_LARGE);
    char b[8];
    CHECK_EQ(fetch(s, "big", b, sizeof(b), NULL), STORE_NOT_FOUND); /* set clears the old one */
    big[(1 << 20) - 400] = 0;
    CHECK_EQ(put(s, STORE_SET, "big", big, 0, 0, 0, NULL), STORE_OK);
    free(big);
    store_destroy(&s);
}

/* Regression: -m 64 -I 4m refused a 3 MiB value (segments stayed at 1 MiB). */
static void test_item_size_max_above_segment(void)
{
    clock_init(&clk);
    struct store_config c = {
        .mem_limit = 64 << 20, .item_size_max = 4 << 20, .nworkers = 4, .clock = &clk};
    struct store *s = NULL;
    CHECK_EQ(store_create(&s, &c), 0);
    size_t n = 3u << 20;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 23);
    struct store_set_args a = {.mode = STORE_SET, .key = "big", .klen = 3, .value = big, .vlen = n};
    CHECK_EQ(store_set(s, 0, &a, NULL), STORE_OK);
    struct store_ref r;
    CHECK_EQ(store_get(s, 1, "big", 3, NULL, &r), STORE_OK);
    CHECK_EQ(r.vlen, n);
    CHECK(memcmp(r.value, big, n) == 0);
    store_unref(s, &r);
    a.vlen = (4u << 20) + 1; /* above -I */
    char *bigger = malloc(a.vlen);
    memset(bigger, 'x', a.vlen);
    a.value = bigger;
    CHECK_EQ(store_set(s, 0, &a, NULL), STORE_TOO_LARGE);
    free(bigger);
    free(big);
    store_destroy(&s);
}

static enum store_status arith(struct store *s, const char *k, bool incr, uint64_t d, uint64_t *v)
{
    struct store_arith_args a = {.key = k, .klen = strlen(k), .incr = incr, .delta = d};
    return store_arith(s, 0, &a, v, NULL);
}

static void test_arith(void)
{
    struct store *s = mk(16 << 20, false, false);
    uint64_t v = 0;
    char b[32];
    CHECK_EQ(arith(s, "n", true, 1, &v), STORE_NOT_FOUND);
    CHECK_EQ(put(s, STORE_SET, "n", "100", 3, 0, 0, NULL), STORE_OK);
    CHECK_EQ(arith(s, "n", false, 1, &v), STORE_OK);
    CHECK_EQ(v, 99);
    CHECK_EQ(fetch(s, "n", b, sizeof(b), NULL), STORE_OK);
    CHECK_STR(b, "99 "); /* memcached keeps the length, padding with spaces */
    CHECK_EQ(arith(s, "n", false, 1000, &v), STORE_OK);
    CHECK_EQ(v, 0);
    CHECK_EQ(put(s, STORE_SET, "n", "18446744073709551615", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(arith(s, "n", true, 2, &v), STORE_OK);
    CHECK_EQ(v, 1); /* wraps at 2^64 */
    CHECK_EQ(put(s, STORE_SET, "n", "9", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(arith(s, "n", true, 1, &v), STORE_OK);
    struct store_ref r;
    CHECK_EQ(fetch(s, "n", b, sizeof(b), &r), STORE_OK);
    CHECK_STR(b, "10");
    CHECK_EQ(put(s, STORE_SET, "x", "abc", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(arith(s, "x", true, 1, &v), STORE_NON_NUMERIC);
    CHECK_EQ(put(s, STORE_SET, "x", "", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(arith(s, "x", true, 1, &v), STORE_NON_NUMERIC);
    CHECK_EQ(put(s, STORE_SET, "x", "-5", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(arith(s, "x", true, 1, &v), STORE_NON_NUMERIC);
    CHECK_EQ(put(s, STORE_SET, "x", "18446744073709551616", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(arith(s, "x", true, 1, &v), STORE_NON_NUMERIC);
    struct store_arith_args a = {
        .key = "viv", .klen = 3, .incr = true, .delta = 5, .vivify = true, .initial = 42};
    CHECK_EQ(store_arith(s, 0, &a, &v, NULL), STORE_OK);
    CHECK_EQ(v, 42);
    CHECK_EQ(store_arith(s, 0, &a, &v, NULL), STORE_OK);
    CHECK_EQ(v, 47);
    store_destroy(&s);
}

static void test_expiry_and_touch(void)
{
    struct store *s = mk(16 << 20, false, false);
    char b[16];
    CHECK_EQ(put(s, STORE_SET, "t", "v", 0, 10, 0, NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_SET, "forever", "v", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_SET, "neg", "v", 0, -1, 0, NULL), STORE_OK);
    CHECK_EQ(fetch(s, "neg", b, sizeof(b), NULL), STORE_NOT_FOUND);
    struct store_ref r;
    CHECK_EQ(fetch(s, "t", b, sizeof(b), &r), STORE_OK);
    CHECK_EQ(r.exptime, clock_now(&clk) + 10);
    clock_advance(&clk, 9);
    CHECK_EQ(fetch(s, "t", b, sizeof(b), NULL), STORE_OK);
    CHECK_EQ(store_touch(s, 0, "t", 1, 20), STORE_OK);
    clock_advance(&clk, 5);
    CHECK_EQ(fetch(s, "t", b, sizeof(b), NULL), STORE_OK);
    clock_advance(&clk, 16);
    CHECK_EQ(fetch(s, "t", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(store_touch(s, 0, "t", 1, 20), STORE_NOT_FOUND);
    CHECK_EQ(fetch(s, "forever", b, sizeof(b), NULL), STORE_OK);
    /* gat */
    struct store_get_opts o = {.touch = true, .exptime = 3};
    CHECK_EQ(store_get(s, 0, "forever", 7, &o, &r), STORE_OK);
    CHECK_EQ(r.exptime, clock_now(&clk) + 3);
    store_unref(s, &r);
    clock_advance(&clk, 3);
    CHECK_EQ(fetch(s, "forever", b, sizeof(b), NULL), STORE_NOT_FOUND);
    struct store_stats st;
    store_get_stats(s, &st);
    CHECK(st.reclaimed >= 2);
    store_destroy(&s);
}

static void test_flush(void)
{
    struct store *s = mk(16 << 20, false, false);
    char b[16];
    CHECK_EQ(put(s, STORE_SET, "a", "1", 0, 0, 0, NULL), STORE_OK);
    store_flush(s, 0);
    CHECK_EQ(fetch(s, "a", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(put(s, STORE_SET, "a", "2", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(fetch(s, "a", b, sizeof(b), NULL), STORE_OK);
    store_flush(s, 10);
    clock_advance(&clk, 5);
    CHECK_EQ(put(s, STORE_SET, "b", "3", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(fetch(s, "a", b, sizeof(b), NULL), STORE_OK);
    clock_advance(&clk, 5);
    CHECK_EQ(fetch(s, "a", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(fetch(s, "b", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(put(s, STORE_SET, "c", "4", 0, 0, 0, NULL), STORE_OK);
    clock_advance(&clk, 100);
    CHECK_EQ(fetch(s, "c", b, sizeof(b), NULL), STORE_OK);
    struct store_stats st;
    store_get_stats(s, &st);
    CHECK_EQ(st.curr_items, 1);
    store_destroy(&s);
}

static struct store_stats stats_of(struct store *s)
{
    struct store_stats st;
    store_get_stats(s, &st);
    return st;
}

/* memcached counts get_expired for every lookup that meets an expired item, whatever the command,
 * once per item (the lookup removes it). */
static void test_get_expired_counts_every_lookup(void)
{
    struct store *s = mk(16 << 20, false, false);
    char b[16];
    const char *keys[] = {"g", "s", "t", "a", "d"};
    for (int i = 0; i < 5; i++)
        CHECK_EQ(put(s, STORE_SET, keys[i], "v", 0, 2, 0, NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_SET, "live", "v", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(fetch(s, "g", b, sizeof(b), NULL), STORE_OK);
    CHECK_EQ(stats_of(s).get_expired, 0);
    clock_advance(&clk, 2);
    CHECK_EQ(fetch(s, "g", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(stats_of(s).get_expired, 1);
    CHECK_EQ(fetch(s, "g", b, sizeof(b), NULL), STORE_NOT_FOUND); /* gone: a plain miss */
    CHECK_EQ(stats_of(s).get_expired, 1);
    CHECK_EQ(put(s, STORE_SET, "s", "w", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(store_touch(s, 0, "t", 1, 10), STORE_NOT_FOUND);
    CHECK_EQ(put(s, STORE_APPEND, "a", "w", 0, 0, 0, NULL), STORE_NOT_STORED);
    struct store_get_opts gat = {.touch = true, .exptime = 10};
    struct store_ref r;
    CHECK_EQ(store_get(s, 0, "d", 1, &gat, &r), STORE_NOT_FOUND);
    CHECK_EQ(fetch(s, "live", b, sizeof(b), NULL), STORE_OK);
    struct store_stats st = stats_of(s);
    CHECK_EQ(st.get_expired, 5);
    CHECK_EQ(st.get_flushed, 0);
    CHECK_EQ(st.curr_items, 2); /* live and the new s */
    CHECK(st.total_items >= 2);
    store_reset_stats(s); /* total_items: a base is recorded, which a worker's store can't undo */
    CHECK_EQ(stats_of(s).get_expired, 0);
    CHECK_EQ(stats_of(s).total_items, 0);
    CHECK_EQ(put(s, STORE_SET, "s", "x", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(stats_of(s).total_items, 1);
    store_destroy(&s);
}

/* A delayed flush is lazy (memcached's rule): items written before its second are misses once it
 * comes, each lookup that meets one counts get_flushed once, items written in that second or later
 * live, and flush_all now removes everything at once (reclaimed, as memcached counts them). */
static void test_flush_counts_get_flushed(void)
{
    struct store *s = mk(16 << 20, false, false);
    char b[16];
    CHECK_EQ(put(s, STORE_SET, "a", "1", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_SET, "b", "1", 0, 0, 0, NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_SET, "c", "1", 0, 0, 0, NULL), STORE_OK);
    store_flush(s, 5);
    clock_advance(&clk, 4);
    CHECK_EQ(fetch(s, "a", b, sizeof(b), NULL), STORE_OK);
    CHECK_EQ(put(s, STORE_SET, "late", "1", 0, 0, 0, NULL), STORE_OK); /* still before: flushed */
    clock_advance(&clk, 1);
    CHECK_EQ(stats_of(s).curr_items, 4); /* lazy: nothing removed yet */
    CHECK_EQ(fetch(s, "a", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(fetch(s, "late", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(stats_of(s).get_flushed, 2);
    CHECK_EQ(fetch(s, "a", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(stats_of(s).get_flushed, 2);
    CHECK_EQ(put(s, STORE_ADD, "b", "2", 0, 0, 0, NULL), STORE_OK); /* meets the flushed b */
    CHECK_EQ(put(s, STORE_SET, "new", "2", 0, 0, 0, NULL), STORE_OK);
    clock_advance(&clk, 1);
    CHECK_EQ(fetch(s, "b", b, sizeof(b), NULL), STORE_OK);
    CHECK_STR(b, "2");
    CHECK_EQ(fetch(s, "new", b, sizeof(b), NULL), STORE_OK);
    struct store_stats st = stats_of(s);
    CHECK_EQ(st.get_flushed, 3);
    CHECK_EQ(st.get_expired, 0);
    /* b and new: the flushed c nobody asked for went with its segment when "new" needed one
     * (a wholly flushed segment is reclaimed before fresh memory is touched) */
    CHECK_EQ(st.curr_items, 2);
    CHECK(st.reclaimed >= 1);
    uint64_t reclaimed = st.reclaimed;
    store_flush(s, 0);
    st = stats_of(s);
    CHECK_EQ(st.curr_items, 0);
    CHECK_EQ(st.reclaimed, reclaimed + 2);
    CHECK_EQ(fetch(s, "c", b, sizeof(b), NULL), STORE_NOT_FOUND);
    CHECK_EQ(stats_of(s).get_flushed, 3); /* flush_all now leaves nothing to meet */
    /* a delayed flush that came due stays in force when a later flush_all replaces it */
    CHECK_EQ(put(s, STORE_SET, "d", "1", 0, 0, 0, NULL), STORE_OK);
    store_flush(s, 1);
    clock_advance(&clk, 1);
    store_flush(s, 5);
    CHECK_EQ(fetch(s, "d", b, sizeof(b), NULL), STORE_NOT_FOUND);
    store_destroy(&s);
}

static void fill(struct store *s, int n, size_t vlen, int *stored)
{
    char key[32], *val = malloc(vlen + 1);
    memset(val, 'x', vlen);
    val[vlen] = 0;
    *stored = 0;
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "key:%08d", i);
        if (put(s, STORE_SET, key, val, 0, 0, 0, NULL) == STORE_OK)
            (*stored)++;
    }
    free(val);
}

static void test_memory_limit_evicts(void)
{
    struct store *s = mk(16 << 20, false, false);
    int stored;
    fill(s, 400000, 100, &stored);
    CHECK_EQ(stored, 400000);
    struct store_stats st;
    store_get_stats(s, &st);
    CHECK(st.evictions > 0);
    CHECK(st.curr_items > 60000);
    CHECK(st.curr_items < 400000);
    CHECK(st.bytes + st.index_bytes <= (16u << 20));
    CHECK(st.segments_total * st.segment_size <= (16u << 20));
    char b[8];
    CHECK_EQ(fetch(s, "key:00399999", b, sizeof(b), NULL), STORE_OK);
    store_destroy(&s);
}

/* After a delayed flush, memory held by flushed items is reclaimed (counted as reclaimed, never as
 * evictions) before any item written after the flush is lost. */
static void test_delayed_flush_frees_segments(void)
{
    struct store *s = mk(16 << 20, false, false);
    char key[32], val[101];
    memset(val, 'x', 100);
    val[100] = 0;
    for (int i = 0; i < 80000; i++) {
        snprintf(key, sizeof(key), "old:%08d", i);
        CHECK_EQ(put(s, STORE_SET, key, val, 0, 0, 0, NULL), STORE_OK);
    }
    CHECK_EQ(stats_of(s).evictions, 0);
    store_flush(s, 1);
    clock_advance(&clk, 1);
    for (int i = 0; i < 80000; i++) {
        snprintf(key, sizeof(key), "new:%08d", i);
        CHECK_EQ(put(s, STORE_SET, key, val, 0, 0, 0, NULL), STORE_OK);
    }
    struct store_stats st = stats_of(s);
    CHECK_EQ(st.evictions, 0); /* 160k items do not fit: the flushed ones made room */
    CHECK(st.reclaimed > 20000);
    CHECK(st.curr_items >= 80000 && st.curr_items < 160000);
    int held = 0;
    for (int i = 0; i < 80000; i += 7) {
        snprintf(key, sizeof(key), "new:%08d", i);
        char b[8];
        held += fetch(s, key, b, sizeof(b), NULL) == STORE_OK;
        snprintf(key, sizeof(key), "old:%08d", i);
        CHECK_EQ(fetch(s, key, b, sizeof(b), NULL), STORE_NOT_FOUND);
    }
    CHECK_EQ(held, (80000 + 6) / 7);
    store_destroy(&s);
}

static void test_no_evict(void)
{
    struct store *s = mk(16 << 20, true, false);
    int stored;
    fill(s, 400000, 100, &stored);
    CHECK(stored > 60000 && stored < 400000);
    CHECK_EQ(put(s, STORE_SET, "one more", "v", 0, 0, 0, NULL), STORE_NO_MEMORY);
    struct store_stats st;
    store_get_stats(s, &st);
    CHECK_EQ(st.evictions, 0);
    char b[8];
    CHECK_EQ(fetch(s, "key:00000000", b, sizeof(b), NULL), STORE_OK);
    store_destroy(&s);
}

static void test_meta_flags(void)
{
    struct store *s = mk(16 << 20, false, false);
    struct store_ref r;
    struct store_get_opts viv = {.vivify = true, .exptime = 30};
    CHECK_EQ(store_get(s, 0, "v", 1, &viv, &r), STORE_OK);
    CHECK(r.win && !r.lost && r.vlen == 0);
    store_unref(s, &r);
    CHECK_EQ(store_get(s, 0, "v", 1, &viv, &r), STORE_OK);
    CHECK(!r.win && r.lost && r.fetched);
    store_unref(s, &r);
    /* recache: win when the remaining TTL is below the threshold, once */
    CHECK_EQ(put(s, STORE_SET, "r", "x", 0, 10, 0, NULL), STORE_OK);
    struct store_get_opts rc = {.recache = true, .recache_below = 5};
    CHECK_EQ(store_get(s, 0, "r", 1, &rc, &r), STORE_OK);
    CHECK(!r.win && !r.lost && !r.fetched);
    store_unref(s, &r);
    clock_advance(&clk, 6);
    CHECK_EQ(store_get(s, 0, "r", 1, &rc, &r), STORE_OK);
    CHECK(r.win && !r.lost);
    store_unref(s, &r);
    CHECK_EQ(store_get(s, 0, "r", 1, &rc, &r), STORE_OK);
    CHECK(!r.win && r.lost);
    store_unref(s, &r);
    /* invalidate: stale, first reader wins, later ones lose */
    uint64_t c = 0;
    CHECK_EQ(put(s, STORE_SET, "i", "x", 0, 0, 0, &c), STORE_OK);
    struct store_delete_args d = {.key = "i", .klen = 1, .invalidate = true};
    CHECK_EQ(store_delete(s, 0, &d), STORE_OK);
    struct store_get_opts nb = {.no_bump = true};
    CHECK_EQ(store_get(s, 0, "i", 1, &nb, &r), STORE_OK);
    CHECK(r.stale && r.win && !r.lost && !r.fetched);
    uint64_t stale_cas = r.cas;
    CHECK(stale_cas != c);
    store_unref(s, &r);
    CHECK_EQ(store_get(s, 0, "i", 1, &nb, &r), STORE_OK);
    CHECK(r.stale && !r.win && r.lost && !r.fetched);
    store_unref(s, &r);
    /* a set with an older cas and I stores, still stale */
    struct store_set_args a = {.mode = STORE_SET,
                               .key = "i",
                               .klen = 1,
                               .value = "y",
                               .vlen = 1,
                               .compare_cas = c,
                               .invalidate = true};
    CHECK_EQ(store_set(s, 0, &a, NULL), STORE_OK);
    CHECK_EQ(store_get(s, 0, "i", 1, NULL, &r), STORE_OK);
    CHECK(r.stale && r.lost && r.vlen == 1 && r.value[0] == 'y');
    store_unref(s, &r);
    /* meta E: explicit cas */
    struct store_set_args e = {
        .mode = STORE_SET, .key = "e", .klen = 1, .value = "z", .vlen = 1, .set_cas = 12345};
    uint64_t ec = 0;
    CHECK_EQ(store_set(s, 0, &e, &ec), STORE_OK);
    CHECK_EQ(ec, 12345);
    CHECK_EQ(store_get(s, 0, "e", 1, NULL, &r), STORE_OK);
    CHECK_EQ(r.cas, 12345);
    store_unref(s, &r);
    store_destroy(&s);
}

/* store_prefetch is only a hint: on present, missing, deleted and invalid keys, in both stages, it
 * changes no value, flag, cas or statistic. */
static void test_prefetch_changes_nothing(void)
{
    struct store *s = mk(64 << 20, false, false);
    char k[32], buf[64];
    uint64_t cas[200];
    for (int i = 0; i < 200; i++) {
        snprintf(k, sizeof(k), "pf%d", i);
        snprintf(buf, sizeof(buf), "value-%d", i);
        CHECK_EQ(put(s, STORE_SET, k, buf, (uint32_t)i, 0, 0, &cas[i]), STORE_OK);
    }
    struct store_delete_args d = {.key = "pf7", .klen = 3};
    CHECK_EQ(store_delete(s, 0, &d), STORE_OK);
    struct store_stats before, after;
    store_get_stats(s, &before);
    for (int stage = 0; stage < 2; stage++) {
        for (int i = 0; i < 400; i++) {
            snprintf(k, sizeof(k), "pf%d", i);
            store_prefetch(s, store_hash(k, strlen(k)), stage == 1);
        }
        store_prefetch(s, store_hash("", 0), stage == 1);
        store_prefetch(s, 0, stage == 1); /* any value is only a hint */
    }
    store_get_stats(s, &after);
    CHECK_EQ(after.curr_items, before.curr_items);
    CHECK_EQ(after.total_items, before.total_items);
    for (int i = 0; i < 200; i++) {
        snprintf(k, sizeof(k), "pf%d", i);
        struct store_ref r;
        enum store_status st = fetch(s, k, buf, sizeof(buf), &r);
        if (i == 7) {
            CHECK_EQ(st, STORE_NOT_FOUND);
            continue;
        }
        char want[64];
        snprintf(want, sizeof(want), "value-%d", i);
        CHECK_EQ(st, STORE_OK);
        CHECK_STR(buf, want);
        CHECK_EQ(r.flags, (uint32_t)i);
        CHECK_EQ(r.cas, cas[i]);
    }
    CHECK_EQ(fetch(s, "pf300", buf, sizeof(buf), NULL), STORE_NOT_FOUND);
    struct store_ref r; /* a multi-get's path: hash once, get with the hash */
    CHECK_EQ(store_get_hashed(s, 0, "pf9", 3, store_hash("pf9", 3), NULL, &r), STORE_OK);
    CHECK(r.vlen == 7 && !memcmp(r.value, "value-9", 7) && r.cas == cas[9]);
    store_unref(s, &r);
    store_destroy(&s);
}

/* A plain set's item is written before the bucket lock (store.c stage_set): sets that cross a
 * segment's end, refused ones and ones with their own cas (meta E) read back exactly, unfetched. */
static void test_set_written_ahead(void)
{
    struct store *s = mk(64 << 20, false, false);
    static char v[2u << 20], buf[3001];
    char k[32];
    struct store_set_args big = {
        .mode = STORE_SET, .key = "b", .klen = 1, .value = v, .vlen = sizeof(v)};
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 3000; i++) { /* ~4.5 MB: many sets cross a segment's end */
            size_t n = 1000 + (size_t)(i * 7919) % 2000;
            snprintf(k, sizeof(k), "w%d", i);
            memset(v, 'a' + i % 26, n);
            v[n] = 0;
            struct store_ref r;
            if (pass == 1) {
                CHECK_EQ(fetch(s, k, buf, sizeof(buf), &r), STORE_OK);
                CHECK(strcmp(buf, v) == 0 && r.flags == (uint32_t)i && !r.fetched && !r.stale);
            } else {
                CHECK_EQ(put(s, STORE_SET, k, v, (uint32_t)i, i % 3 ? 0 : 1000, 0, NULL), STORE_OK);
                if (i % 97 == 0) /* refused: its staged bytes stay unpublished */
                    CHECK_EQ(store_set(s, 0, &big, NULL), STORE_TOO_LARGE);
            }
        }
    }
    struct store_set_args e = {
        .mode = STORE_SET, .key = "e", .klen = 1, .value = "xyz", .vlen = 3, .set_cas = 4242};
    uint64_t c = 0;
    struct store_ref r;
    CHECK(store_set(s, 0, &e, &c) == STORE_OK && c == 4242);
    CHECK(fetch(s, "e", buf, sizeof(buf), &r) == STORE_OK && r.cas == 4242 && !strcmp(buf, "xyz"));
    store_destroy(&s);
}

int main(void)
{
    TEST_RUN(test_set_get_modes);
    TEST_RUN(test_invalid_and_too_large);
    TEST_RUN(test_item_size_max_above_segment);
    TEST_RUN(test_arith);
    TEST_RUN(test_expiry_and_touch);
    TEST_RUN(test_flush);
    TEST_RUN(test_get_expired_counts_every_lookup);
    TEST_RUN(test_flush_counts_get_flushed);
    TEST_RUN(test_delayed_flush_frees_segments);
    TEST_RUN(test_memory_limit_evicts);
    TEST_RUN(test_no_evict);
    TEST_RUN(test_meta_flags);
    TEST_RUN(test_prefetch_changes_nothing);
    TEST_RUN(test_set_written_ahead);
    return TEST_DONE();
}
