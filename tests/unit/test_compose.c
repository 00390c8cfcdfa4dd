/* test_compose: the writers. Each output is compared byte for byte with memcached's syntax, and
 * requests are read back by proto_parse and replies by proto_parse_rsp (round trips), so writer
 * and parsers agree. A full buffer leaves it unchanged. */
#include "buf.h"
#include "proto.h"
#include "ringcache/status.h"
#include "test.h"

static struct buf b;

static void reset(void)
{
    buf_reset(&b);
}

#define OUT_IS(s) CHECK_MEM_LEN(buf_rptr(&b), buf_rlen(&b), s)

static void test_requests(void)
{
    reset();
    CHECK_EQ(proto_put_store(&b, PROTO_CMD_SET, "k", 1, 5, -1, "abc", 3, 0, false), 0);
    OUT_IS("set k 5 -1 3\r\nabc\r\n");
    reset();
    CHECK_EQ(proto_put_store(&b, PROTO_CMD_CAS, "key", 3, 0, 0, "", 0, 18446744073709551615u, true),
             0);
    OUT_IS("cas key 0 0 0 18446744073709551615 noreply\r\n\r\n");
    struct proto_req r;
    CHECK_EQ(proto_parse(buf_rptr(&b), buf_rlen(&b), &r), PROTO_OK);
    CHECK_EQ(r.cmd, PROTO_CMD_CAS);
    CHECK(r.cas == UINT64_MAX && r.noreply && r.value.len == 0);
    reset();
    CHECK_EQ(proto_put_retrieval(&b, PROTO_CMD_GATS, 300), 0);
    CHECK_EQ(proto_put_key(&b, "a", 1), 0);
    CHECK_EQ(proto_put_key(&b, "bb", 2), 0);
    CHECK_EQ(proto_put_eol(&b), 0);
    OUT_IS("gats 300 a bb\r\n");
    CHECK_EQ(proto_parse(buf_rptr(&b), buf_rlen(&b), &r), PROTO_OK);
    CHECK_EQ(r.cmd, PROTO_CMD_GATS);
    CHECK_EQ(r.exptime, 300);
    reset();
    CHECK_EQ(proto_put_arith(&b, PROTO_CMD_DECR, "n", 1, 7, false), 0);
    CHECK_EQ(proto_put_touch(&b, "t", 1, 0, true), 0);
    CHECK_EQ(proto_put_delete(&b, "d", 1, false), 0);
    CHECK_EQ(proto_put_cmd(&b, PROTO_CMD_FLUSH_ALL, "10"), 0);
    CHECK_EQ(proto_put_cmd(&b, PROTO_CMD_VERSION, NULL), 0);
    OUT_IS("decr n 7\r\ntouch t 0 noreply\r\ndelete d\r\nflush_all 10\r\nversion\r\n");
    reset();
    CHECK_EQ(proto_put_meta(&b, PROTO_CMD_MS, "k", 1, 2, "T30 F5"), 0);
    CHECK_EQ(proto_put_meta(&b, PROTO_CMD_MG, "k", 1, -1, "v"), 0);
    CHECK_EQ(proto_put_meta(&b, PROTO_CMD_MN, NULL, 0, -1, NULL), 0);
    OUT_IS("ms k 2 T30 F5\r\nmg k v\r\nmn\r\n");
}

static void test_replies(void)
{
    struct proto_rsp r;
    reset();
    CHECK_EQ(proto_put_value_hdr(&b, "key", 3, 4294967295u, 2, 99, true), 0);
    OUT_IS("VALUE key 4294967295 2 99\r\n");
    CHECK_EQ(buf_append(&b, "hi\r\n", 4), 0);
    CHECK_EQ(proto_parse_rsp(buf_rptr(&b), buf_rlen(&b), &r), PROTO_OK);
    CHECK(r.type == PROTO_RSP_VALUE && r.flags == 4294967295u && r.cas == 99 && r.has_cas);
    reset();
    CHECK_EQ(proto_put_line(&b, "STORED"), 0);
    CHECK_EQ(proto_put_u64_line(&b, 18446744073709551615u), 0);
    CHECK_EQ(proto_put_stat(&b, "version", "1.6.18"), 0);
    CHECK_EQ(proto_put_stat_u64(&b, "curr_items", 0), 0);
    OUT_IS("STORED\r\n18446744073709551615\r\nSTAT version 1.6.18\r\nSTAT curr_items 0\r\n");
    reset();
    CHECK_EQ(proto_put_meta_code(&b, "VA", 2), 0);
    CHECK_EQ(proto_put_meta_flag_i64(&b, 't', -1), 0);
    CHECK_EQ(proto_put_meta_flag_u64(&b, 'c', 4), 0);
    CHECK_EQ(proto_put_meta_flag(&b, 'k', "m", 1), 0);
    CHECK_EQ(proto_put_meta_flag(&b, 'W', "", 0), 0);
    CHECK_EQ(proto_put_eol(&b), 0);
    OUT_IS("VA 2 t-1 c4 km W\r\n");
    CHECK_EQ(buf_append(&b, "hi\r\n", 4), 0);
    CHECK_EQ(proto_parse_rsp(buf_rptr(&b), buf_rlen(&b), &r), PROTO_OK);
    CHECK(r.type == PROTO_RSP_VA && proto_rsp_has_mflag(&r, 'W') && proto_rsp_has_mflag(&r, 't'));
    reset();
    CHECK_EQ(proto_put_meta_code(&b, "HD", -1), 0);
    CHECK_EQ(proto_put_eol(&b), 0);
    OUT_IS("HD\r\n");
}

static void test_binary_packets(void)
{
    reset();
    const char ex[4] = {0, 0, 0, 5};
    CHECK_EQ(proto_put_bin_rsp(&b, 0x00, 0, 0x01020304, 7, ex, 4, NULL, 0, 2), 0);
    CHECK_EQ(buf_append(&b, "hi", 2), 0);
    CHECK_EQ(buf_rlen(&b), 30);
    CHECK_MEM(buf_rptr(&b), "\x81\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x06\x01\x02\x03\x04", 16);
    struct proto_rsp r;
    CHECK_EQ(proto_parse_rsp(buf_rptr(&b), buf_rlen(&b), &r), PROTO_OK);
    CHECK(r.type == PROTO_RSP_BINARY && r.flags == 5 && r.cas == 7 && r.opaque == 0x01020304);
    CHECK_EQ(r.value.len, 2);
    reset();
    CHECK_EQ(proto_put_bin_req(&b, 0x0c, 9, 0, NULL, 0, "key", 3, 0), 0);
    CHECK_EQ(buf_rlen(&b), 27);
    CHECK_MEM(buf_rptr(&b), "\x80\x0c\x00\x03\x00\x00\x00\x00\x00\x00\x00\x03", 12);
}

static void test_full_buffer(void)
{
    struct buf small;
    CHECK_EQ(buf_init(&small, 16, 16), 0);
    CHECK_EQ(proto_put_line(&small, "0123456789abcd"), 0); /* 16 bytes: fits exactly */
    CHECK_EQ(proto_put_line(&small, "x"), RC_ERR_FULL);
    CHECK_EQ(buf_rlen(&small), 16);
    buf_reset(&small);
    CHECK_EQ(proto_put_store(&small, PROTO_CMD_SET, "k", 1, 0, 0, "0123456789", 10, 0, false),
             RC_ERR_FULL);
    CHECK_EQ(buf_rlen(&small), 0); /* the header was taken back */
    buf_deinit(&small);
}

int main(void)
{
    if (buf_init(&b, 64, 1 << 20) != 0)
        return 1;
    TEST_RUN(test_requests);
    TEST_RUN(test_replies);
    TEST_RUN(test_binary_packets);
    TEST_RUN(test_full_buffer);
    buf_deinit(&b);
    return TEST_DONE();
}
