/* Unit tests for store, model-based: long random sequences of every operation compared with a
 * plain reference map (test_model), and random sets and gets under eviction, where every hit must
 * return the latest value written for its key (test_model_evicting). Split from test_store.c
 * (as test_store_threads.c is) to keep files small; time moves with the clock's test offset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_testutil.h"

/* ---- model: long random operation sequences against a plain reference map ---- */

#define MKEYS 64
struct mitem {
    bool live;
    char val[96];
    size_t vlen;
    uint32_t flags, exp;
};
struct model {
    struct mitem it[MKEYS];
    uint32_t flush_at;
};

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static struct mitem *mget(struct model *m, int k)
{
    uint32_t now = clock_now(&clk);
    if (m->flush_at && now >= m->flush_at) {
        for (int i = 0; i < MKEYS; i++)
            m->it[i].live = false;
        m->flush_at = 0;
    }
    struct mitem *x = &m->it[k];
    if (x->live && clock_expired(x->exp, now))
        x->live = false;
    return x->live ? x : NULL;
}

static bool mnum(const struct mitem *x, uint64_t *v)
{
    size_t i = 0;
    uint64_t n = 0;
    for (; i < x->vlen && x->val[i] >= '0' && x->val[i] <= '9'; i++) {
        if (n > (UINT64_MAX - 9) / 10)
            return false;
        n = n * 10 + (uint64_t)(x->val[i] - '0');
    }
    if (i < x->vlen && x->val[i] != ' ') /* digits, then the end or whitespace */
        return false;
    *v = n;
    return i > 0;
}

static void rand_value(char *v, size_t *n)
{
    if (rnd() % 3 == 0) {
        *n = (size_t)snprintf(v, 24, "%llu", (unsigned long long)(rnd() % 100000));
        return;
    }
    *n = rnd() % 40;
    for (size_t i = 0; i < *n; i++)
        v[i] = (char)('a' + rnd() % 26);
}

static int model_step_write(struct store *s, struct model *m, int k, const char *key)
{
    static const int64_t exps[] = {0, 0, 0, 5, 20, -1};
    struct store_set_args a = {.key = key, .klen = strlen(key)};
    char v[48];
    rand_value(v, &a.vlen);
    a.value = v;
    a.mode = (enum store_mode)(rnd() % 5); /* set add replace append prepend */
    a.flags = (uint32_t)(rnd() % 3);
    a.exptime = exps[rnd() % 6];
    struct mitem *x = mget(m, k);
    enum store_status want = STORE_OK;
    if ((a.mode == STORE_ADD && x) || (a.mode != STORE_SET && a.mode != STORE_ADD && !x))
        want = STORE_NOT_STORED;
    enum store_status got = store_set(s, (unsigned)(rnd() % 2), &a, NULL);
    CHECK_EQ(got, want);
    if (got != want || want != STORE_OK)
        return got != want;
    struct mitem *t = &m->it[k];
    if (a.mode == STORE_APPEND || a.mode == STORE_PREPEND) {
        char tmp[96 + 48];
        size_t n = x->vlen + a.vlen;
        if (a.mode == STORE_APPEND) {
            memcpy(tmp, x->val, x->vlen);
            memcpy(tmp + x->vlen, v, a.vlen);
        } else {
            memcpy(tmp, v, a.vlen);
            memcpy(tmp + a.vlen, x->val, x->vlen);
        }
        if (n > sizeof(t->val)) { /* keep the model small: reset the key */
            struct store_delete_args d = {.key = key, .klen = strlen(key)};
            store_delete(s, 0, &d);
            t->live = false;
            return 0;
        }
        memcpy(t->val, tmp, n);
        t->vlen = n;
        return 0;
    }
    t->exp = clock_exptime(&clk, a.exptime);
    t->live = !clock_expired(t->exp, clock_now(&clk));
    memcpy(t->val, v, a.vlen);
    t->vlen = a.vlen;
    t->flags = a.flags;
    return 0;
}

static int model_step_read(struct store *s, struct model *m, int k, const char *key)
{
    struct mitem *x = mget(m, k);
    struct store_ref r;
    enum store_status got = store_get(s, (unsigned)(rnd() % 2), key, strlen(key), NULL, &r);
    CHECK_EQ(got, x ? STORE_OK : STORE_NOT_FOUND);
    int bad = got != (x ? STORE_OK : STORE_NOT_FOUND);
    if (got == STORE_OK && x) {
        bad |= r.vlen != x->vlen || memcmp(r.value, x->val, x->vlen) != 0 || r.flags != x->flags;
        CHECK(!bad);
    }
    if (got == STORE_OK && x && rnd() % 2) { /* gets + cas right away: must store */
        struct store_set_args a = {.mode = STORE_CAS,
                                   .key = key,
                                   .klen = strlen(key),
                                   .value = "c",
                                   .vlen = 1,
                                   .compare_cas = r.cas + (rnd() % 2)};
        bool good = a.compare_cas == r.cas;
        store_unref(s, &r);
        enum store_status st = store_set(s, 0, &a, NULL);
        CHECK_EQ(st, good ? STORE_OK : STORE_EXISTS);
        bad |= st != (good ? STORE_OK : STORE_EXISTS);
        if (good) {
            x->val[0] = 'c';
            x->vlen = 1;
            x->flags = 0;
            x->exp = 0;
        }
        return bad;
    }
    if (got == STORE_OK)
        store_unref(s, &r);
    return bad;
}

static int model_step_other(struct store *s, struct model *m, int k, const char *key, int op)
{
    struct mitem *x = mget(m, k);
    int bad = 0;
    if (op == 0) {
        struct store_delete_args d = {.key = key, .klen = strlen(key)};
        enum store_status st = store_delete(s, 1, &d);
        bad = st != (x ? STORE_OK : STORE_NOT_FOUND);
        if (x)
            x->live = false;
    } else if (op == 1) {
        struct store_arith_args a = {
            .key = key, .klen = strlen(key), .incr = rnd() % 2, .delta = rnd() % 1000};
        uint64_t v = 0, mv = 0;
        enum store_status st = store_arith(s, 0, &a, &v, NULL);
        if (!x) {
            bad = st != STORE_NOT_FOUND;
        } else if (!mnum(x, &mv)) {
            bad = st != STORE_NON_NUMERIC;
        } else {
            mv = a.incr ? mv + a.delta : (mv < a.delta ? 0 : mv - a.delta);
            bad = st != STORE_OK || v != mv;
            char num[24];
            size_t n = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)mv);
            size_t len = n < x->vlen ? x->vlen : n;
            memset(x->val, ' ', len);
            memcpy(x->val, num, n);
            x->vlen = len;
        }
    } else if (op == 2) {
        int64_t e = (int64_t)(rnd() % 30);
        enum store_status st = store_touch(s, 1, key, strlen(key), e);
        bad = st != (x ? STORE_OK : STORE_NOT_FOUND);
        if (x)
            x->exp = clock_exptime(&clk, e);
    } else if (op == 3) {
        clock_advance(&clk, (int64_t)(rnd() % 4));
    } else if (op == 4 && rnd() % 20 == 0) {
        int64_t delay = rnd() % 2 ? 0 : (int64_t)(rnd() % 10);
        store_flush(s, delay);
        if (delay == 0) {
            for (int i = 0; i < MKEYS; i++)
                m->it[i].live = false;
            m->flush_at = 0;
        } else {
            m->flush_at = clock_exptime(&clk, delay);
        }
    }
    CHECK(!bad);
    return bad;
}

static void test_model(void)
{
    struct store *s = mk(64 << 20, false, false);
    static struct model m;
    memset(&m, 0, sizeof(m));
    int bad = 0;
    for (long step = 0; step < 300000 && bad < 5; step++) {
        int k = (int)(rnd() % MKEYS);
        char key[32];
        snprintf(key, sizeof(key), "model:%d", k);
        unsigned op = (unsigned)(rnd() % 10);
        if (op < 3)
            bad += model_step_write(s, &m, k, key);
        else if (op < 6)
            bad += model_step_read(s, &m, k, key);
        else
            bad += model_step_other(s, &m, k, key, (int)(op - 6 + (rnd() % 2)));
        if (bad)
            fprintf(stderr, "model diverged at step %ld (key %d, op %u)\n", step, k, op);
    }
    struct store_stats st;
    store_get_stats(s, &st);
    int live = 0;
    for (int k = 0; k < MKEYS; k++)
        live += mget(&m, k) != NULL;
    CHECK(st.curr_items >= (uint64_t)live); /* expired-but-unreclaimed items still count */
    store_destroy(&s);
}

/* Under eviction: every hit must return the latest value written for the key. */
static void test_model_evicting(void)
{
    struct store *s = mk(8 << 20, false, false);
    enum { N = 50000 };
    uint32_t *ver = calloc(N, sizeof(*ver));
    char key[32], val[300];
    long hits = 0;
    for (long step = 0; step < 600000; step++) {
        int k = (int)(rnd() % N);
        snprintf(key, sizeof(key), "ev:%d", k);
        struct store_ref r;
        if (rnd() % 3) {
            enum store_status st = store_get(s, 0, key, strlen(key), NULL, &r);
            if (st == STORE_OK) {
                hits++;
                int n = snprintf(val, sizeof(val), "%d/%u", k, ver[k]);
                CHECK(r.vlen >= (uint32_t)n && memcmp(r.value, val, (size_t)n) == 0);
                store_unref(s, &r);
            }
            continue;
        }
        ver[k]++;
        int n = snprintf(val, sizeof(val), "%d/%u", k, ver[k]);
        size_t vlen = (size_t)n + rnd() % 200;
        memset(val + n, '.', vlen - (size_t)n);
        struct store_set_args a = {
            .mode = STORE_SET, .key = key, .klen = strlen(key), .value = val, .vlen = vlen};
        CHECK_EQ(store_set(s, 1, &a, NULL), STORE_OK);
    }
    struct store_stats st;
    store_get_stats(s, &st);
    CHECK(st.evictions > 0);
    CHECK(hits > 10000);
    CHECK(st.bytes + st.index_bytes <= (8u << 20));
    free(ver);
    store_destroy(&s);
}

int main(void)
{
    TEST_RUN(test_model);
    TEST_RUN(test_model_evicting);
    return TEST_DONE();
}
