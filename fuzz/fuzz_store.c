/* fuzz_store: libFuzzer over store operation sequences, checked against a plain model.
 *
 * Each input byte pair is one operation (op, key/arg) on 16 keys with short values; the model is
 * an array with memcached's rules (modes, expiry with a test clock, append/prepend, incr/decr
 * with padding, delete, touch, flush now and delayed: an item written before a delayed flush's
 * second is gone once it comes). Any difference in status or value aborts, so the fuzzer
 * reports it as a crash. The store is small (-m 1) so eviction can happen: a model hit may be a
 * store miss only in that case (the model then forgets the key), never the reverse. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "store.h"

#define NK 16
struct mk {
    int live;
    char v[64];
    size_t n;
    uint32_t exp;
    uint32_t wt; /* when the store wrote its current copy */
};

static struct rc_clock clk;
static struct mk m[NK];
static struct store *s;
static uint32_t fl_at, fl_lim; /* pending delayed flush, latest applied one */

static void fail(const char *what, int k)
{
    fprintf(stderr, "fuzz_store: %s (key %d)\n", what, k);
    abort();
}

static struct mk *live(int k)
{
    uint32_t now = clock_now(&clk);
    if (fl_at && now >= fl_at) {
        fl_lim = fl_at > fl_lim ? fl_at : fl_lim;
        fl_at = 0;
    }
    if (m[k].live && (clock_expired(m[k].exp, now) || m[k].wt < fl_lim))
        m[k].live = 0;
    return m[k].live ? &m[k] : NULL;
}

static void op_set(int k, const char *key, unsigned mode, unsigned arg)
{
    char v[16];
    size_t n = (size_t)snprintf(v, sizeof(v), arg & 1 ? "%u" : "v%u", arg % 1000);
    int64_t exp = (arg >> 4) % 4 == 3 ? 5 : 0;
    struct store_set_args a = {.mode = (enum store_mode)(mode % 5),
                               .key = key,
                               .klen = strlen(key),
                               .value = v,
                               .vlen = n,
                               .exptime = exp};
    struct mk *x = live(k);
    enum store_status st = store_set(s, 0, &a, NULL);
    enum store_status want = STORE_OK;
    if ((a.mode == STORE_ADD && x) || (a.mode >= STORE_REPLACE && !x))
        want = STORE_NOT_STORED;
    if (st != want) {
        if (x && st != STORE_OK) { /* evicted: the store acts as if absent */
            m[k].live = 0;
            return;
        }
        if (!(x && a.mode == STORE_ADD && st == STORE_OK))
            fail("set status", k);
        want = STORE_OK; /* add succeeded because the key was evicted */
        x = NULL;
    }
    if (st != STORE_OK)
        return;
    if (x && (a.mode == STORE_APPEND || a.mode == STORE_PREPEND)) {
        if (x->n + n > sizeof(x->v)) {
            struct store_delete_args d = {.key = key, .klen = strlen(key)};
            store_delete(s, 0, &d);
            m[k].live = 0;
            return;
        }
        if (a.mode == STORE_APPEND) {
            memcpy(x->v + x->n, v, n);
        } else {
            memmove(x->v + n, x->v, x->n);
            memcpy(x->v, v, n);
        }
        x->n += n;
        x->wt = clock_now(&clk);
        return;
    }
    m[k].live = 1;
    m[k].wt = clock_now(&clk);
    memcpy(m[k].v, v, n);
    m[k].n = n;
    m[k].exp = clock_exptime(&clk, exp);
}

static void op_get(int k, const char *key)
{
    struct mk *x = live(k);
    struct store_ref r;
    enum store_status st = store_get(s, 1, key, strlen(key), NULL, &r);
    if (st == STORE_OK) {
        if (!x)
            fail("hit on a missing key", k);
        if (r.vlen != x->n || memcmp(r.value, x->v, x->n) != 0)
            fail("wrong value", k);
        store_unref(s, &r);
    } else if (st != STORE_NOT_FOUND) {
        fail("get status", k);
    } else if (x) {
        m[k].live = 0; /* evicted */
    }
}

static void op_arith(int k, const char *key, unsigned arg)
{
    struct mk *x = live(k);
    struct store_arith_args a = {
        .key = key, .klen = strlen(key), .incr = arg & 1, .delta = arg >> 1};
    uint64_t v = 0;
    enum store_status st = store_arith(s, 0, &a, &v, NULL);
    if (!x) {
        if (st != STORE_NOT_FOUND)
            fail("arith on missing", k);
        return;
    }
    uint64_t cur = 0;
    size_t i = 0;
    int overflow = 0;
    for (; i < x->n && x->v[i] >= '0' && x->v[i] <= '9'; i++) {
        uint64_t d = (uint64_t)(x->v[i] - '0');
        overflow |= cur > (UINT64_MAX - d) / 10;
        cur = cur * 10 + d;
    }
    /* memcached (strtoull): digits, then the end or whitespace; what follows is ignored */
    int numeric = i > 0 && !overflow && (i == x->n || x->v[i] == ' ');
    if (st == STORE_NOT_FOUND) {
        m[k].live = 0;
        return;
    }
    if (!numeric) {
        if (st != STORE_NON_NUMERIC) {
            fprintf(stderr, "value \"%.*s\"\n", (int)x->n, x->v);
            fail("arith non-numeric", k);
        }
        return;
    }
    cur = a.incr ? cur + a.delta : (cur < a.delta ? 0 : cur - a.delta);
    if (st != STORE_OK || v != cur)
        fail("arith result", k);
    char num[24];
    size_t n = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)cur);
    size_t len = n < x->n ? x->n : n;
    memset(x->v, ' ', len);
    memcpy(x->v, num, n);
    x->n = len;
    x->wt = clock_now(&clk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clock_init(&clk);
    struct store_config c = {
        .mem_limit = 1 << 20, .item_size_max = 1 << 16, .nworkers = 2, .clock = &clk};
    if (store_create(&s, &c) != 0)
        abort();
    memset(m, 0, sizeof(m));
    fl_at = fl_lim = 0;
    for (size_t i = 0; i + 1 < size; i += 2) {
        unsigned op = data[i] % 8, arg = data[i + 1];
        int k = (int)(data[i] / 8) % NK;
        char key[16];
        snprintf(key, sizeof(key), "k%d", k);
        if (op <= 1) {
            op_set(k, key, data[i] / 128 ? arg / 64 : 0, arg);
        } else if (op <= 3) {
            op_get(k, key);
        } else if (op == 4) {
            struct store_delete_args d = {.key = key, .klen = strlen(key)};
            enum store_status st = store_delete(s, 0, &d);
            if (st != (live(k) ? STORE_OK : STORE_NOT_FOUND) && !(live(k) && st == STORE_NOT_FOUND))
                fail("delete", k);
            m[k].live = 0;
        } else if (op == 5) {
            op_arith(k, key, arg);
        } else if (op == 6) {
            clock_advance(&clk, arg % 4);
        } else if (arg == 0) {
            store_flush(s, 0);
            memset(m, 0, sizeof(m));
            fl_at = 0;
        } else if (arg <= 3) {
            store_flush(s, arg);
            live(k); /* applies a flush that came due before this one replaces it */
            fl_at = clock_exptime(&clk, arg);
        } else {
            enum store_status st = store_touch(s, 0, key, strlen(key), arg % 8);
            struct mk *x = live(k);
            if (x && st == STORE_OK) {
                x->exp = clock_exptime(&clk, arg % 8);
                x->wt = clock_now(&clk);
            } else if (x && st == STORE_NOT_FOUND)
                x->live = 0;
            else if (!x && st != STORE_NOT_FOUND)
                fail("touch", k);
        }
    }
    store_destroy(&s);
    return 0;
}
