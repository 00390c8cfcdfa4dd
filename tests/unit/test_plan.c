/* Unit tests for store/plan: memcached's write rules decided without a store: every set mode
 * with and without an old item, cas and meta invalidation, append/prepend pieces, incr/decr with
 * the number rule and space padding, touch keeping the cas, vivify, expiry and the size limit. */
#include "clock.h"
#include "plan.h"
#include "test.h"

static struct rc_clock clk;
static char buf[256];

/* An old item "k" with value v, flags 7 and relative expiry exp, parsed from segment format. */
static struct seg_item old_item(const char *v, uint32_t exp, uint8_t state)
{
    size_t vl = strlen(v);
    char *p = seg_item_write(buf, "k", 1, vl, 7, exp, 0, false, state);
    memcpy(p, v, vl);
    struct seg_item it;
    CHECK_EQ(seg_item_parse(buf, sizeof(buf), &it), 0);
    return it;
}

static enum store_status set_plan(struct plan *w, enum store_mode mode, const char *v, uint64_t cmp,
                                  const struct seg_item *old, uint64_t ocas)
{
    static struct store_set_args a;
    a = (struct store_set_args){
        .mode = mode, .key = "k", .klen = 1, .value = v, .vlen = strlen(v), .compare_cas = cmp};
    *w = (struct plan){.kind = PLAN_SET, .key = "k", .klen = 1, .sa = &a};
    struct plan_env env = {.clock = &clk, .size_max = 1 << 20};
    return plan_decide(w, &env, old, ocas, clock_now(&clk));
}

static void test_set_modes(void)
{
    struct plan w;
    struct seg_item old = old_item("old", 0, 0);
    CHECK_EQ(set_plan(&w, STORE_SET, "new", 0, NULL, 0), STORE_OK);
    CHECK(!w.has_cas && !w.remove_only); /* the store gives a new version its cas */
    CHECK_EQ(plan_vlen(&w), 3);
    CHECK_EQ(set_plan(&w, STORE_ADD, "new", 0, NULL, 0), STORE_OK);
    CHECK_EQ(set_plan(&w, STORE_ADD, "new", 0, &old, 5), STORE_NOT_STORED);
    CHECK_EQ(set_plan(&w, STORE_REPLACE, "new", 0, NULL, 0), STORE_NOT_STORED);
    CHECK_EQ(set_plan(&w, STORE_APPEND, "new", 0, NULL, 0), STORE_NOT_STORED);
    CHECK_EQ(set_plan(&w, STORE_CAS, "new", 5, NULL, 0), STORE_NOT_FOUND);
    CHECK_EQ(set_plan(&w, STORE_CAS, "new", 4, &old, 5), STORE_EXISTS);
    CHECK_EQ(set_plan(&w, STORE_CAS, "new", 5, &old, 5), STORE_OK);
    /* a set with a compare cas behaves as cas */
    CHECK_EQ(set_plan(&w, STORE_SET, "new", 4, &old, 5), STORE_EXISTS);
    CHECK_EQ(set_plan(&w, STORE_APPEND, "++", 0, &old, 5), STORE_OK);
    char v[16] = {0};
    plan_write_value(v, &w);
    CHECK_STR(v, "old++");
    CHECK_EQ(w.flags, 7); /* append keeps the old flags */
    CHECK_EQ(set_plan(&w, STORE_PREPEND, "<", 0, &old, 5), STORE_OK);
    memset(v, 0, sizeof(v));
    plan_write_value(v, &w);
    CHECK_STR(v, "<old");
    CHECK_EQ(set_plan(&w, STORE_APPEND, "x", 9, &old, 5), STORE_EXISTS);
}

static void test_invalidate_and_size(void)
{
    struct plan w;
    struct seg_item old = old_item("old", 0, 0);
    static struct store_set_args a;
    a = (struct store_set_args){.mode = STORE_CAS,
                                .key = "k",
                                .klen = 1,
                                .value = "v",
                                .vlen = 1,
                                .compare_cas = 3,
                                .invalidate = true};
    w = (struct plan){.kind = PLAN_SET, .key = "k", .klen = 1, .sa = &a};
    struct plan_env env = {.clock = &clk, .size_max = 64};
    /* meta I: an older cas still stores, marked stale */
    CHECK_EQ(plan_decide(&w, &env, &old, 5, clock_now(&clk)), STORE_OK);
    CHECK(w.bits & SEG_IB_STALE);
    a.compare_cas = 6; /* newer than the item's: plain mismatch */
    CHECK_EQ(plan_decide(&w, &env, &old, 5, clock_now(&clk)), STORE_EXISTS);
    char big[100];
    memset(big, 'b', sizeof(big));
    a = (struct store_set_args){
        .mode = STORE_SET, .key = "k", .klen = 1, .value = big, .vlen = 100};
    CHECK_EQ(plan_decide(&w, &env, NULL, 0, clock_now(&clk)), STORE_TOO_LARGE);
    a.vlen = 40;
    CHECK_EQ(plan_decide(&w, &env, NULL, 0, clock_now(&clk)), STORE_OK);
    CHECK(plan_item_size(&w) <= 64 && plan_item_size(&w) % 8 == 0);
    a.exptime = -1; /* negative exptime: already expired, only removes */
    CHECK_EQ(plan_decide(&w, &env, &old, 5, clock_now(&clk)), STORE_OK);
    CHECK(w.remove_only);
    /* md I: stale copy; with a wrong cas, EXISTS */
    w = (struct plan){.kind = PLAN_INVALIDATE, .key = "k", .klen = 1, .cmp_cas = 4};
    CHECK_EQ(plan_decide(&w, &env, &old, 5, clock_now(&clk)), STORE_EXISTS);
    w.cmp_cas = 0;
    CHECK_EQ(plan_decide(&w, &env, &old, 5, clock_now(&clk)), STORE_OK);
    CHECK((w.bits & SEG_IB_STALE) && !w.has_cas);
    CHECK_EQ(plan_decide(&w, &env, NULL, 0, clock_now(&clk)), STORE_NOT_FOUND);
}

static void test_arith(void)
{
    struct plan_env env = {.clock = &clk, .size_max = 1 << 20};
    struct store_arith_args a = {.key = "k", .klen = 1, .incr = true, .delta = 5};
    struct plan w = {.kind = PLAN_ARITH, .key = "k", .klen = 1, .aa = &a};
    CHECK_EQ(plan_decide(&w, &env, NULL, 0, 2), STORE_NOT_FOUND);
    struct seg_item old = old_item("100", 0, 0);
    CHECK_EQ(plan_decide(&w, &env, &old, 1, 2), STORE_OK);
    CHECK_EQ(w.result, 105);
    CHECK_EQ(w.flags, 7);
    a.incr = false;
    a.delta = 95;
    CHECK_EQ(plan_decide(&w, &env, &old, 1, 2), STORE_OK);
    CHECK_EQ(w.result, 5);
    char v[8] = {0};
    plan_write_value(v, &w);
    CHECK_STR(v, "5  "); /* shorter result keeps the length, padded with spaces */
    a.delta = 1000;
    CHECK_EQ(plan_decide(&w, &env, &old, 1, 2), STORE_OK);
    CHECK_EQ(w.result, 0); /* decr stops at 0 */
    struct seg_item bad = old_item("12a", 0, 0);
    CHECK_EQ(plan_decide(&w, &env, &bad, 1, 2), STORE_NON_NUMERIC);
    a.compare_cas = 9;
    CHECK_EQ(plan_decide(&w, &env, &old, 1, 2), STORE_EXISTS);
    a = (struct store_arith_args){.key = "k", .klen = 1, .vivify = true, .initial = 42};
    CHECK_EQ(plan_decide(&w, &env, NULL, 0, 2), STORE_OK);
    CHECK_EQ(w.result, 42);
    uint64_t n;
    CHECK(plan_parse_number(" 18446744073709551615 ", 22, &n) && n == UINT64_MAX);
    CHECK(!plan_parse_number("18446744073709551616", 20, &n));
    CHECK(plan_parse_number("-0", 2, &n) && n == 0);
    CHECK(!plan_parse_number("-1", 2, &n));
    CHECK(!plan_parse_number("", 0, &n));
}

static void test_touch_and_vivify(void)
{
    struct plan_env env = {.clock = &clk, .size_max = 1 << 20};
    struct seg_item old = old_item("val", 0, SEG_IB_FETCHED);
    struct plan w = {.kind = PLAN_TOUCH, .key = "k", .klen = 1, .exptime = 100};
    CHECK_EQ(plan_decide(&w, &env, &old, 77, clock_now(&clk)), STORE_OK);
    CHECK(w.has_cas);    /* touch keeps the old cas */
    CHECK_EQ(w.cas, 77); /* touch keeps the cas */
    CHECK_EQ(w.exp, clock_now(&clk) + 100);
    CHECK(w.bits & SEG_IB_FETCHED);
    env.no_cas = true;
    CHECK_EQ(plan_decide(&w, &env, &old, 0, clock_now(&clk)), STORE_OK);
    CHECK(!w.has_cas);
    CHECK_EQ(plan_decide(&w, &env, NULL, 0, clock_now(&clk)), STORE_NOT_FOUND);
    w = (struct plan){.kind = PLAN_VIVIFY, .key = "k", .klen = 1, .exptime = 30};
    CHECK_EQ(plan_decide(&w, &env, NULL, 0, clock_now(&clk)), STORE_OK);
    CHECK(w.bits & SEG_IB_TOKEN);
    CHECK_EQ(plan_vlen(&w), 0);
    CHECK_EQ(plan_decide(&w, &env, &old, 0, clock_now(&clk)), STORE_NOT_STORED);
}

/* The size limit is exact: at every value length around it, with and without flags, expiry and
 * own cas, an item is refused exactly when its aligned size exceeds the limit. */
static void test_size_limit_exact(void)
{
    static char v[200];
    memset(v, 'v', sizeof(v));
    for (size_t max = 40; max <= 72; max += 8) {
        struct plan_env env = {.clock = &clk, .size_max = max};
        for (size_t vl = 0; vl < 80; vl++) {
            for (unsigned var = 0; var < 8; var++) {
                struct store_set_args a = {.mode = STORE_SET,
                                           .key = "key",
                                           .klen = 3,
                                           .value = v,
                                           .vlen = vl,
                                           .flags = var & 1 ? 5 : 0,
                                           .exptime = var & 2 ? 100 : 0,
                                           .set_cas = var & 4 ? 9 : 0};
                struct plan w = {.kind = PLAN_SET, .key = "key", .klen = 3, .sa = &a};
                enum store_status st = plan_decide(&w, &env, NULL, 0, clock_now(&clk));
                CHECK_EQ(st, plan_item_size(&w) > max ? STORE_TOO_LARGE : STORE_OK);
            }
        }
    }
}

/* Expiries are computed from the `now` the store passes (its one clock reading per write), not
 * from a second reading of the clock. */
static void test_expiry_from_given_now(void)
{
    struct plan_env env = {.clock = &clk, .size_max = 1 << 20};
    uint32_t now = clock_now(&clk) + 500;
    struct store_set_args a = {
        .mode = STORE_SET, .key = "k", .klen = 1, .value = "v", .vlen = 1, .exptime = 10};
    struct plan w = {.kind = PLAN_SET, .key = "k", .klen = 1, .sa = &a};
    CHECK_EQ(plan_decide(&w, &env, NULL, 0, now), STORE_OK);
    CHECK_EQ(w.exp, now + 10);
    struct seg_item old = old_item("val", 0, 0);
    w = (struct plan){.kind = PLAN_TOUCH, .key = "k", .klen = 1, .exptime = 20};
    CHECK_EQ(plan_decide(&w, &env, &old, 1, now), STORE_OK);
    CHECK_EQ(w.exp, now + 20);
    struct store_arith_args aa = {.key = "k", .klen = 1, .vivify = true, .exptime = 30};
    w = (struct plan){.kind = PLAN_ARITH, .key = "k", .klen = 1, .aa = &aa};
    CHECK_EQ(plan_decide(&w, &env, NULL, 0, now), STORE_OK);
    CHECK_EQ(w.exp, now + 30);
}

int main(void)
{
    clock_init(&clk);
    TEST_RUN(test_set_modes);
    TEST_RUN(test_invalidate_and_size);
    TEST_RUN(test_arith);
    TEST_RUN(test_touch_and_vivify);
    TEST_RUN(test_expiry_from_given_now);
    TEST_RUN(test_size_limit_exact);
    return TEST_DONE();
}
