/* test_spin: the adaptive poll window (src/event/spin.c), driven with made-up clock readings. */
#include "spin.h"
#include "test.h"

#define US 1000LL

/* Runs one idle period the way a worker does: work, then empty polls every step_ns until the
 * window runs out or `polls` were made. Returns how many empty polls were made before sleeping
 * (polls + 1 if it was still polling). */
static int idle_period(struct spin *s, int64_t *now, int64_t step_ns, int polls)
{
    spin_work(s);
    int n = 0;
    while (spin_timeout(s) == 0 && n <= polls) {
        spin_empty(s, *now);
        *now += step_ns;
        n++;
    }
    return n;
}

static void test_limit_zero_never_polls(void)
{
    struct spin s;
    spin_init(&s, 0);
    spin_work(&s);
    CHECK_EQ(spin_timeout(&s), -1);
    spin_slept(&s, 1 * US); /* a short sleep must not grow a window the limit forbids */
    spin_work(&s);
    CHECK_EQ(spin_timeout(&s), -1);
    CHECK_EQ(s.window_ns, 0);
}

static void test_window_runs_out(void)
{
    struct spin s;
    spin_init(&s, 50 * US);
    CHECK_EQ(s.window_ns, 50 * US);
    int64_t now = 1000 * US;
    /* polls every 1 us: the first starts the window, and the one at or past its end stops */
    int n = idle_period(&s, &now, 1 * US, 1000);
    CHECK_EQ(n, 51);
    CHECK_EQ(spin_timeout(&s), -1);
    /* work restarts polling with a fresh window */
    spin_work(&s);
    CHECK_EQ(spin_timeout(&s), 0);
    spin_empty(&s, now);
    spin_empty(&s, now + 49 * US);
    CHECK_EQ(spin_timeout(&s), 0);
    spin_work(&s); /* an event inside the window: the window starts over at the next empty poll */
    spin_empty(&s, now + 60 * US);
    spin_empty(&s, now + 100 * US);
    CHECK_EQ(spin_timeout(&s), 0);
    spin_empty(&s, now + 110 * US);
    CHECK_EQ(spin_timeout(&s), -1);
}

static void test_long_sleeps_shrink_to_zero(void)
{
    struct spin s;
    spin_init(&s, 50 * US);
    int64_t want[] = {25 * US, 12500, 0, 0};
    for (int i = 0; i < 4; i++) {
        spin_slept(&s, 80 * US); /* light load: every gap longer than the limit */
        CHECK_EQ(s.window_ns, want[i]);
    }
    spin_work(&s);
    CHECK_EQ(spin_timeout(&s), -1); /* a window of 0: sleep at once after work */
}

static void test_short_sleeps_grow_to_limit(void)
{
    struct spin s;
    spin_init(&s, 50 * US);
    for (int i = 0; i < 4; i++)
        spin_slept(&s, 80 * US);
    CHECK_EQ(s.window_ns, 0);
    int64_t want[] = {SPIN_GROW_START_NS, 2 * SPIN_GROW_START_NS, 4 * SPIN_GROW_START_NS, 50 * US,
                      50 * US};
    for (int i = 0; i < 5; i++) {
        spin_slept(&s, 30 * US); /* an event 30 us after we slept: a longer window would catch it */
        CHECK_EQ(s.window_ns, want[i]);
    }
    spin_slept(&s, 50 * US); /* the limit itself still counts as short */
    CHECK_EQ(s.window_ns, 50 * US);
}

static void test_small_limit(void)
{
    struct spin s; /* a limit below the grow start: the window is the limit or nothing */
    spin_init(&s, 4 * US);
    spin_slept(&s, 10 * US);
    CHECK_EQ(s.window_ns, 0);
    spin_slept(&s, 3 * US);
    CHECK_EQ(s.window_ns, 4 * US);
    spin_slept(&s, 1 * US);
    CHECK_EQ(s.window_ns, 4 * US);
    int64_t now = 1;
    CHECK_EQ(idle_period(&s, &now, 1 * US, 100), 5);
}

static void test_sleep_ends_polling(void)
{
    struct spin s;
    spin_init(&s, 50 * US);
    spin_work(&s);
    spin_empty(&s, 7);
    spin_slept(&s, 1 * US); /* whatever the state was, after a sleep the loop waits for work */
    CHECK_EQ(spin_timeout(&s), -1);
    spin_empty(&s, 100 * US);
    CHECK_EQ(spin_timeout(&s), -1);
    CHECK_EQ(s.deadline_ns, 0);
}

int main(void)
{
    TEST_RUN(test_limit_zero_never_polls);
    TEST_RUN(test_window_runs_out);
    TEST_RUN(test_long_sleeps_shrink_to_zero);
    TEST_RUN(test_short_sleeps_grow_to_limit);
    TEST_RUN(test_small_limit);
    TEST_RUN(test_sleep_ends_polling);
    return TEST_DONE();
}
