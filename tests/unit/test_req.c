/* test_req: the front of the parser: the command table, memcached's number rules (safe_strtoul,
 * safe_strtol, safe_strtoull as 1.6 has them), the line finder and the multi-key iterator. */
#include "proto_testutil.h"

static void test_cmd_table(void)
{
    CHECK_STR(proto_cmd_name(PROTO_CMD_GET), "get");
    CHECK_STR(proto_cmd_name(PROTO_CMD_FLUSH_ALL), "flush_all");
    CHECK_EQ(proto_cmd_kind(PROTO_CMD_MG), PROTO_META);
    CHECK_EQ(proto_cmd_kind(PROTO_CMD_NOOP), PROTO_BINARY);
    CHECK(proto_cmd_bits(PROTO_CMD_GET) & PROTO_F_MULTI);
    CHECK(proto_cmd_bits(PROTO_CMD_SET) & PROTO_F_VALUE);
    CHECK_EQ(proto_cmd_bits(PROTO_CMD_COUNT), 0);
    CHECK_STR(proto_cmd_name(PROTO_CMD_COUNT), "");
}

#define U64_OK(s, v)                                                                               \
    do {                                                                                           \
        uint64_t x_ = 12345;                                                                       \
        CHECK(proto_parse_u64(s, strlen(s), &x_));                                                 \
        CHECK(x_ == (uint64_t)(v));                                                                \
    } while (0)
#define U64_BAD(s)                                                                                 \
    do {                                                                                           \
        uint64_t x_;                                                                               \
        CHECK(!proto_parse_u64(s, strlen(s), &x_));                                                \
    } while (0)

static void test_numbers(void)
{
    U64_OK("0", 0);
    U64_OK("18446744073709551615", UINT64_MAX);
    U64_OK("+7", 7);
    U64_OK("007", 7);
    U64_OK("-0", 0);
    U64_OK("5\t", 5);
    U64_OK("5\rjunk", 5); /* strtoull stops at white space and memcached accepts that */
    U64_OK(" \t9", 9);
    U64_BAD("18446744073709551616");
    U64_BAD("-1");
    U64_BAD("");
    U64_BAD("-");
    U64_BAD("1a");
    U64_BAD("0x10");
    U64_BAD(" ");
    uint32_t u;
    CHECK(proto_parse_u32("4294967296", 10, &u) && u == 0);
    CHECK(proto_parse_u32("4294967295", 10, &u) && u == 4294967295u);
    CHECK(!proto_parse_u32("-1", 2, &u));
    int32_t i;
    CHECK(proto_parse_i32("-5", 2, &i) && i == -5);
    CHECK(proto_parse_i32("2147483648", 10, &i) && i == INT32_MIN);
    CHECK(proto_parse_i32("4294967297", 10, &i) && i == 1);
    CHECK(!proto_parse_i32("9223372036854775808", 19, &i));
    CHECK(!proto_parse_i32("abc", 3, &i));
    int64_t l;
    CHECK(proto_parse_i64("-9223372036854775808", 20, &l) && l == INT64_MIN);
    CHECK(proto_parse_i64("9223372036854775807", 19, &l) && l == INT64_MAX);
    CHECK(!proto_parse_i64("9223372036854775808", 19, &l));
    CHECK(!proto_parse_i64("1.5", 3, &l));
}

static void test_line_finder(void)
{
    struct proto_req r;
    CHECK_EQ(proto_parse("", 0, &r), PROTO_NEED_MORE);
    CHECK_EQ(proto_parse("get k", 5, &r), PROTO_NEED_MORE);
    CHECK_EQ(proto_parse("get k\r", 6, &r), PROTO_NEED_MORE);
    CHECK_EQ(proto_parse("get k\n", 6, &r), PROTO_OK);
    CHECK_EQ(r.hdr_len, 6);
    CHECK_EQ(proto_parse("get k\r\nget", 10, &r), PROTO_OK);
    CHECK_EQ(r.total_len, 7);
    CHECK_EQ(r.kind, PROTO_TEXT);
    /* a line of exactly PROTO_LINE_MAX bytes still waits for its newline */
    static char in[PROTO_LINE_MAX + 2];
    memset(in, 'x', sizeof(in));
    CHECK_EQ(proto_parse(in, PROTO_LINE_MAX, &r), PROTO_NEED_MORE);
    CHECK_EQ(proto_parse(in, PROTO_LINE_MAX + 1, &r), PROTO_ERROR);
    CHECK(r.close && r.noreply);
    in[PROTO_LINE_MAX] = '\n';
    CHECK_EQ(proto_parse(in, PROTO_LINE_MAX + 1, &r), PROTO_ERROR);
    CHECK_STR(r.err, "ERROR");
    CHECK(!r.close);
}

static void test_keys_next(void)
{
    const char *in = "get  a bb   ccc  \r\n";
    struct proto_req r;
    CHECK_EQ(proto_parse(in, strlen(in), &r), PROTO_OK);
    uint32_t pos = 0;
    struct proto_span k;
    CHECK(proto_keys_next(in, &r, &pos, &k));
    CHECK_MEM_LEN(in + k.off, k.len, "a");
    CHECK(proto_keys_next(in, &r, &pos, &k));
    CHECK_MEM_LEN(in + k.off, k.len, "bb");
    CHECK(proto_keys_next(in, &r, &pos, &k));
    CHECK_MEM_LEN(in + k.off, k.len, "ccc");
    CHECK(!proto_keys_next(in, &r, &pos, &k));
    CHECK(!proto_keys_next(in, &r, &pos, &k));
    CHECK_MEM_LEN(in + r.key.off, r.key.len, "a");
}

/* Regression (found by fuzz_proto): a struct proto_req reused after a binary error kept its
 * bin_status in the next text parse, so results depended on what was parsed before. */
static void test_reused_req_is_reset(void)
{
    struct proto_req r;
    memset(&r, 0xa5, sizeof(r));
    static const char bad[24] = {(char)0x80, 0x00}; /* GET without a key: Invalid arguments */
    CHECK_EQ(proto_parse(bad, sizeof(bad), &r), PROTO_ERROR);
    CHECK(r.bin_status != 0);
    CHECK_EQ(proto_parse("get k\r\n", 7, &r), PROTO_OK);
    CHECK_EQ(r.bin_status, 0);
    CHECK_EQ(r.opcode, 0);
    CHECK(!r.with_key && !r.close && !r.noreply && r.mflags == 0);
    memset(&r, 0xa5, sizeof(r));
    CHECK_EQ(proto_parse("mn\r\n", 4, &r), PROTO_OK);
    CHECK(r.bin_status == 0 && r.mflags == 0 && r.opaque == 0 && r.cas == 0);
}

int main(void)
{
    TEST_RUN(test_reused_req_is_reset);
    TEST_RUN(test_cmd_table);
    TEST_RUN(test_numbers);
    TEST_RUN(test_line_finder);
    TEST_RUN(test_keys_next);
    return TEST_DONE();
}
