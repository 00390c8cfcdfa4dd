/* Unit tests for common/buf: growth, compaction, limits, consume/rewind. */
#include "buf.h"
#include "ringcache/status.h"
#include "test.h"

static void test_append_and_consume(void)
{
    struct buf b;
    CHECK_EQ(buf_init(&b, 8, 1024), RC_OK);
    CHECK_EQ(buf_append(&b, "hello ", 6), RC_OK);
    CHECK_EQ(buf_append_str(&b, "world"), RC_OK);
    CHECK_MEM_LEN(buf_rptr(&b), buf_rlen(&b), "hello world");
    buf_consume(&b, 6);
    CHECK_MEM_LEN(buf_rptr(&b), buf_rlen(&b), "world");
    buf_consume(&b, 5);
    CHECK_EQ(b.rpos, 0);
    CHECK_EQ(b.wpos, 0);
    buf_deinit(&b);
}

static void test_limit(void)
{
    struct buf b;
    char big[200];
    memset(big, 'x', sizeof(big));
    CHECK_EQ(buf_init(&b, 0, 128), RC_OK);
    CHECK_EQ(buf_append(&b, big, 128), RC_OK);
    CHECK_EQ(buf_append(&b, big, 1), RC_ERR_FULL);
    buf_consume(&b, 100);
    CHECK_EQ(buf_append(&b, big, 100), RC_OK); /* compaction makes room */
    CHECK_EQ(buf_rlen(&b), 128);
    buf_deinit(&b);
    CHECK_EQ(buf_init(&b, 256, 128), RC_ERR_INVAL);
    buf_deinit(&b);
}

static void test_reserve_keeps_data(void)
{
    struct buf b;
    CHECK_EQ(buf_init(&b, 4, 1 << 20), RC_OK);
    for (int i = 0; i < 1000; i++) {
        char c = (char)('a' + i % 26);
        CHECK_EQ(buf_append(&b, &c, 1), RC_OK);
        if (i % 3 == 0)
            buf_consume(&b, 1);
    }
    CHECK_EQ(buf_rlen(&b), 1000 - 334);
    CHECK_EQ(buf_rptr(&b)[0], 'a' + 334 % 26);
    buf_consume(&b, buf_rlen(&b));
    buf_shrink(&b, 16);
    CHECK_EQ(b.cap, 16);
    buf_deinit(&b);
}

int main(void)
{
    TEST_RUN(test_append_and_consume);
    TEST_RUN(test_limit);
    TEST_RUN(test_reserve_keeps_data);
    return TEST_DONE();
}
