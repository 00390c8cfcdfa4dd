/* test_binary: binary requests. Packets are built here byte by byte; the expected outcomes
 * (statuses, which errors close the connection, which swallow the body) were checked against
 * memcached 1.6.18. Every packet stream runs whole, split at every byte and byte by byte. */
#include "proto_testutil.h"

static char pk[1 << 12];

/* Appends one request packet to pk at *n. */
static void put(size_t *n, uint8_t magic, uint8_t op, const char *extras, size_t elen,
                const char *key, size_t klen, const char *val, size_t vlen, uint32_t opaque,
                uint64_t cas)
{
    unsigned char *h = (unsigned char *)pk + *n;
    uint32_t body = (uint32_t)(elen + klen + vlen);
    memset(h, 0, 24);
    h[0] = magic;
    h[1] = op;
    h[2] = (unsigned char)(klen >> 8);
    h[3] = (unsigned char)klen;
    h[4] = (unsigned char)elen;
    for (int i = 0; i < 4; i++) {
        h[8 + i] = (unsigned char)(body >> (24 - 8 * i));
        h[12 + i] = (unsigned char)(opaque >> (24 - 8 * i));
    }
    for (int i = 0; i < 8; i++)
        h[16 + i] = (unsigned char)(cas >> (56 - 8 * i));
    memcpy(h + 24, extras, elen);
    memcpy(h + 24 + elen, key, klen);
    memcpy(h + 24 + elen + klen, val, vlen);
    *n += 24 + body;
}

#define REQ(n, op, ex, el, key, val)                                                               \
    put(n, 0x80, op, ex, el, key, strlen(key), val, strlen(val), 0, 0)

static void test_storage_and_get(void)
{
    size_t n = 0;
    put(&n, 0x80, 0x01, "\0\0\0\5\0\0\0\x3c", 8, "k", 1, "hello", 5, 7, 0);
    put(&n, 0x80, 0x11, "\0\0\0\0\0\0\0\0", 8, "k", 1, "v", 1, 0, 99);
    REQ(&n, 0x00, "", 0, "k", "");
    REQ(&n, 0x09, "", 0, "k", "");
    REQ(&n, 0x0c, "", 0, "k", "");
    REQ(&n, 0x0d, "", 0, "k", "");
    REQ(&n, 0x0e, "", 0, "k", "tail");
    REQ(&n, 0x1a, "", 0, "k", "head");
    REQ(&n, 0x04, "", 0, "k", "");
    REQ(&n, 0x14, "", 0, "k", "");
    check_stream_n(pk, n,
                   "b01:set k=k f=5 e=60 v=hello o=7\n"
                   "b11:set k=k c=99 v=v nr\n"
                   "b00:get keys=k\n"
                   "b09:get keys=k nr\n"
                   "b0c:get keys=k wk\n"
                   "b0d:get keys=k wk nr\n"
                   "b0e:append k=k v=tail\n"
                   "b1a:prepend k=k v=head nr\n"
                   "b04:delete k=k\n"
                   "b14:delete k=k nr\n",
                   __LINE__);
}

static void test_arith_touch_misc(void)
{
    size_t n = 0;
    put(&n, 0x80, 0x05,
        "\0\0\0\0\0\0\0\x02"
        "\0\0\0\0\0\0\0\x0a"
        "\0\0\0\x05",
        20, "n", 1, "", 0, 0, 0);
    put(&n, 0x80, 0x16, "\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\xff\xff\xff\xff", 20, "n", 1, "", 0, 0,
        0);
    REQ(&n, 0x1c, "\0\0\0\x0a", 4, "t", "");
    REQ(&n, 0x1d, "\0\0\0\x0a", 4, "t", "");
    REQ(&n, 0x1e, "\0\0\0\x0a", 4, "t", "");
    REQ(&n, 0x23, "\0\0\0\x0a", 4, "t", "");
    REQ(&n, 0x24, "\0\0\0\x0a", 4, "t", "");
    REQ(&n, 0x08, "", 0, "", "");
    REQ(&n, 0x18, "\0\0\0\x09", 4, "", "");
    REQ(&n, 0x0a, "", 0, "", "");
    REQ(&n, 0x0b, "", 0, "", "");
    REQ(&n, 0x10, "", 0, "", "");
    REQ(&n, 0x10, "", 0, "settings", "");
    REQ(&n, 0x1b, "\0\0\0\x01", 4, "", "");
    REQ(&n, 0x20, "", 0, "", "");
    REQ(&n, 0x21, "", 0, "PLAIN", "\0u\0p");
    REQ(&n, 0x07, "", 0, "", "");
    check_stream_n(pk, n,
                   "b05:incr k=n e=5 d=2 i=10\n"
                   "b16:decr k=n e=-1 d=1 nr\n"
                   "b1c:touch k=t e=10\n"
                   "b1d:gat keys=t e=10\n"
                   "b1e:gat keys=t e=10 nr\n"
                   "b23:gat keys=t e=10 wk\n"
                   "b24:gat keys=t e=10 wk nr\n"
                   "b08:flush_all\n"
                   "b18:flush_all e=9 nr\n"
                   "b0a:\n"
                   "b0b:version\n"
                   "b10:stats\n"
                   "b10:stats k=settings\n"
                   "b1b:verbosity f=1 nr\n"
                   "b20:\n"
                   "b21: k=PLAIN v=\n"
                   "b07:quit\n",
                   __LINE__);
    n = 0;
    REQ(&n, 0x17, "", 0, "", "");
    check_stream_n(pk, n, "b17:quit nr\n", __LINE__);
}

static void test_errors(void)
{
    size_t n = 0;
    /* unknown opcode: "Unknown command", body swallowed, connection kept */
    REQ(&n, 0x30, "", 0, "", "abc");
    REQ(&n, 0x0a, "", 0, "", "");
    check_stream_n(pk, n, "E:Unknown command n=27\nb0a:\n", __LINE__);
    /* wrong lengths for the opcode: "Invalid arguments" and close */
    n = 0;
    REQ(&n, 0x00, "", 0, "", "");
    check_stream_n(pk, n, "E:Invalid arguments n=24 close\n", __LINE__);
    n = 0;
    REQ(&n, 0x01, "\0\0\0\0", 4, "k", "v");
    check_stream_n(pk, n, "E:Invalid arguments n=24 close\n", __LINE__);
    n = 0;
    REQ(&n, 0x08, "\0\0", 2, "", "");
    check_stream_n(pk, n, "E:Invalid arguments n=24 close\n", __LINE__);
    n = 0;
    REQ(&n, 0x0b, "", 0, "k", "");
    check_stream_n(pk, n, "E:Invalid arguments n=24 close\n", __LINE__);
    n = 0;
    REQ(&n, 0x05, "", 0, "n", "");
    check_stream_n(pk, n, "E:Invalid arguments n=24 close\n", __LINE__);
    n = 0;
    REQ(&n, 0x0e, "", 0, "", "x");
    check_stream_n(pk, n, "E:Invalid arguments n=24 close\n", __LINE__);
    /* quiet opcodes still get their error */
    n = 0;
    REQ(&n, 0x09, "", 0, "", "");
    check_stream_n(pk, n, "E:Invalid arguments n=24 close\n", __LINE__);
    /* key over 250 bytes */
    static char key[251];
    memset(key, 'k', sizeof(key));
    n = 0;
    put(&n, 0x80, 0x00, "", 0, key, 251, "", 0, 0, 0);
    check_stream_n(pk, n, "E:Invalid arguments n=24 close\n", __LINE__);
    /* key longer than the body: "Unknown command" and close */
    n = 0;
    REQ(&n, 0x00, "", 0, "k", "");
    pk[11] = 0; /* body length 0 */
    check_stream_n(pk, 24, "E:Unknown command n=24 close\n", __LINE__);
    /* bad magic (in binary mode): closed without a reply */
    struct proto_req r;
    n = 0;
    REQ(&n, 0x0a, "", 0, "", "");
    pk[0] = (char)0x81;
    CHECK_EQ(proto_parse_binary(pk, 23, &r), PROTO_NEED_MORE);
    CHECK_EQ(proto_parse_binary(pk, 24, &r), PROTO_ERROR);
    CHECK(r.close && r.noreply);
    CHECK_EQ(proto_parse_binary("version\r\n", 9, &r), PROTO_NEED_MORE);
}

static void test_header_first(void)
{
    /* the server sees a SET's size as soon as the header is in (to refuse "Too large.") */
    size_t n = 0;
    static char val[3000];
    memset(val, 'v', sizeof(val));
    put(&n, 0x80, 0x01, "\0\0\0\0\0\0\0\0", 8, "k", 1, val, sizeof(val), 0, 0);
    struct proto_req r;
    CHECK_EQ(proto_parse(pk, 24, &r), PROTO_NEED_MORE);
    CHECK_EQ(r.cmd, PROTO_CMD_SET);
    CHECK_EQ(r.value_len, 3000);
    CHECK_EQ(r.total_len, 24 + 9 + 3000);
    CHECK_EQ(proto_parse(pk, n, &r), PROTO_OK);
    CHECK_STR(proto_bin_status_text(PROTO_BIN_E2BIG), "Too large.");
    CHECK_STR(proto_bin_status_text(PROTO_BIN_KEY_ENOENT), "Not found");
    CHECK_STR(proto_bin_status_text(0x99), "UNHANDLED ERROR");
}

static void test_mixed_text_binary(void)
{
    size_t n = 0;
    REQ(&n, 0x0a, "", 0, "", "");
    memcpy(pk + n, "get a\r\n", 7);
    n += 7;
    REQ(&n, 0x0b, "", 0, "", "");
    check_stream_n(pk, n, "b0a:\nget keys=a\nb0b:version\n", __LINE__);
}

int main(void)
{
    TEST_RUN(test_storage_and_get);
    TEST_RUN(test_arith_touch_misc);
    TEST_RUN(test_errors);
    TEST_RUN(test_header_first);
    TEST_RUN(test_mixed_text_binary);
    return TEST_DONE();
}
