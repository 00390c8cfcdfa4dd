/* test.h: the unit-test harness. A test file defines functions `static void test_x(void)` and a
 * main() that calls TEST_RUN(test_x) for each and returns TEST_DONE(). A failed check prints
 * file:line and the expression and marks the test failed; the test goes on so that one run shows
 * every failure. The closing line is "N passed, N failed" (one per test function), which CI reads.
 */
#ifndef RC_TEST_H
#define RC_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_failed_checks;
static int test_passed, test_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            test_failed_checks++;                                                                  \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        if (check_a_ != check_b_) {                                                                \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld != %lld)\n", __FILE__,         \
                    __LINE__, #a, #b, check_a_, check_b_);                                         \
            test_failed_checks++;                                                                  \
        }                                                                                          \
    } while (0)

#define CHECK_MEM(p, s, n)                                                                         \
    do {                                                                                           \
        if (memcmp((p), (s), (n)) != 0) {                                                          \
            fprintf(stderr, "%s:%d: CHECK_MEM failed: %s == \"%.*s\"\n", __FILE__, __LINE__, #p,   \
                    (int)(n), (const char *)(s));                                                  \
            test_failed_checks++;                                                                  \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b) CHECK_MEM_LEN((a), strlen(a), (b))
#define CHECK_MEM_LEN(p, n, s)                                                                     \
    do {                                                                                           \
        size_t check_n_ = (size_t)(n);                                                             \
        if (check_n_ != strlen(s) || memcmp((p), (s), check_n_) != 0) {                            \
            fprintf(stderr, "%s:%d: CHECK failed: \"%.*s\" == \"%s\"\n", __FILE__, __LINE__,       \
                    (int)check_n_, (const char *)(p), (s));                                        \
            test_failed_checks++;                                                                  \
        }                                                                                          \
    } while (0)

#define TEST_RUN(fn)                                                                               \
    do {                                                                                           \
        int before_ = test_failed_checks;                                                          \
        fn();                                                                                      \
        if (test_failed_checks == before_) {                                                       \
            test_passed++;                                                                         \
        } else {                                                                                   \
            test_failed++;                                                                         \
            fprintf(stderr, "FAIL %s\n", #fn);                                                     \
        }                                                                                          \
    } while (0)

#define TEST_DONE()                                                                                \
    (printf("%s: %d passed, %d failed\n", __FILE__, test_passed, test_failed), test_failed != 0)

#endif
