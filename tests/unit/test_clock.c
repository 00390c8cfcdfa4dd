/* Unit tests for common/time: memcached's exptime rules, driven by the clock's test offset. */
#include <time.h>

#include "test.h"
#include "clock.h"

static void test_exptime_rules(void)
{
    struct rc_clock c;
    clock_init(&c);
    uint32_t now = clock_now(&c);
    CHECK(now >= 2);
    CHECK_EQ(clock_exptime(&c, 0), 0);
    CHECK_EQ(clock_exptime(&c, -1), CLOCK_EXPIRED);
    CHECK_EQ(clock_exptime(&c, 10), now + 10);
    CHECK_EQ(clock_exptime(&c, CLOCK_RELATIVE_MAX), now + CLOCK_RELATIVE_MAX);
    /* above 30 days: absolute unix time */
    int64_t unix_now = (int64_t)time(NULL);
    uint32_t rel = clock_exptime(&c, unix_now + 100);
    CHECK(rel >= now + 98 && rel <= now + 102);
    CHECK_EQ(clock_exptime(&c, CLOCK_RELATIVE_MAX + 1), CLOCK_EXPIRED); /* 1970: past */
    CHECK(clock_expired(CLOCK_EXPIRED, now));
    CHECK(!clock_expired(0, now));
}

/* clock_exptime_at applies the same rules to a reading the caller already has. */
static void test_exptime_at(void)
{
    struct rc_clock c;
    clock_init(&c);
    CHECK_EQ(clock_exptime_at(&c, 10, 1000), 1010);
    CHECK_EQ(clock_exptime_at(&c, 0, 1000), 0);
    CHECK_EQ(clock_exptime_at(&c, -1, 1000), CLOCK_EXPIRED);
    CHECK_EQ(clock_exptime_at(&c, CLOCK_RELATIVE_MAX, 7), 7 + CLOCK_RELATIVE_MAX);
    int64_t unix_at = c.start_unix + 5000; /* absolute: the reading does not matter */
    CHECK_EQ(clock_exptime_at(&c, unix_at, 3), 5000);
    CHECK_EQ(clock_exptime_at(&c, unix_at, 9999), 5000);
    CHECK_EQ(clock_exptime(&c, 10), clock_exptime_at(&c, 10, clock_now(&c)));
}

static void test_advance(void)
{
    struct rc_clock c;
    clock_init(&c);
    uint32_t exp = clock_exptime(&c, 5);
    CHECK(!clock_expired(exp, clock_now(&c)));
    clock_advance(&c, 5);
    CHECK(clock_expired(exp, clock_now(&c)));
    CHECK(clock_to_unix(&c, clock_now(&c)) >= (int64_t)time(NULL) + 4);
}

int main(void)
{
    TEST_RUN(test_exptime_rules);
    TEST_RUN(test_exptime_at);
    TEST_RUN(test_advance);
    return TEST_DONE();
}
