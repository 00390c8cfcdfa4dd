/* test_meta: the meta commands. Expected errors were checked against memcached 1.6.18 (reply and
 * bytes consumed, e.g. whether an ms data block is swallowed); every input runs whole, split at
 * every byte and byte by byte (proto_testutil.h). */
#include "proto_testutil.h"

static void test_mg(void)
{
    check_stream("mg k\r\n", "mg k=k\n");
    check_stream("mg  k  v \r\n", "mg k=k v\n");
    check_stream("mg k s v t f c k h l u O123 q N30 R10 T60\r\n",
                 "mg k=k e=60 N30 O123 R10 T60 c f h k l q s t u v nr\n");
    check_stream("mg k P L\r\n", "mg k=k L P\n");
    check_stream("mg aGVsbG8= b k v\r\n", "mg k=aGVsbG8= b k v\n");
    check_stream("mg k s\0v\r\n", "mg k=k s\n");
    check_stream("mg\r\n", "E:ERROR n=4\n");
    check_stream("mg \r\n", "E:ERROR n=5\n");
    check_stream("mg k v Z\r\n", "E:CLIENT_ERROR invalid flag n=10\n");
    check_stream("mg k 1\r\n", "E:CLIENT_ERROR invalid flag n=8\n");
    check_stream("mg k \x01\r\n", "E:CLIENT_ERROR invalid flag n=8\n");
    check_stream("mg k v v\r\n", "E:CLIENT_ERROR duplicate flag n=10\n");
    check_stream("mg k O1 O2\r\n", "E:CLIENT_ERROR duplicate flag n=12\n");
    check_stream("mg k v Tx\r\n", "E:CLIENT_ERROR bad token in command line format n=11\n");
    check_stream("mg k Nabc\r\n", "E:CLIENT_ERROR bad token in command line format n=11\n");
    check_stream("mg k Rabc\r\n", "E:CLIENT_ERROR bad token in command line format n=11\n");
    check_stream("mg k O123456789012345678901234567890123\r\n",
                 "E:CLIENT_ERROR opaque token too long n=41\n");
    check_stream("mg k k b\r\n", "E:CLIENT_ERROR error decoding key n=10\n");
    check_stream("mg a!!! b k v\r\n", "E:CLIENT_ERROR error decoding key n=15\n");
    struct proto_req r;
    const char *in = "mg key v T30\r\n";
    CHECK_EQ(proto_parse(in, strlen(in), &r), PROTO_OK);
    CHECK_EQ(r.ntok, 3);
    CHECK_MEM_LEN(in + r.tok[2].off, r.tok[2].len, "T30");
    CHECK_MEM_LEN(in + r.mtok[proto_mflag_bit('T')].off, r.mtok[proto_mflag_bit('T')].len, "30");
    /* errors are answered even with q */
    check_stream("mg k q Tx\r\n", "E:CLIENT_ERROR bad token in command line format n=11\n");
}

static void test_mg_limits(void)
{
    /* 17 flags pass, 18 are "too long" (memcached: ntokens > 20) */
    check_stream("mg k v f t c s k h l u q O1 N1 R1 T1 P L F1\r\n",
                 "mg k=k f=1 e=1 F1 L N1 O1 P R1 T1 c f h k l q s t u v nr\n");
    check_stream("mg k v f t c s k h l u q O1 N1 R1 T1 P L F1 C1\r\n",
                 "E:CLIENT_ERROR options flags are too long n=48\n");
    char in[300];
    memcpy(in, "mg ", 3);
    memset(in + 3, 'k', 251);
    memcpy(in + 254, " v\r\n", 4);
    check_stream_n(in, 258, "E:CLIENT_ERROR bad command line format n=258\n", __LINE__);
}

static void test_ms(void)
{
    check_stream("ms k 2\r\nhi\r\n", "ms k=k v=hi\n");
    check_stream("ms k 2 T0 F7 q\r\nhi\r\nmn\r\n", "ms k=k f=7 v=hi F7 T0 q nr\nmn\n");
    check_stream("ms k 2 MA C5 I E9 b\r\nhi\r\n", "E:CLIENT_ERROR error decoding key n=25\n");
    check_stream("ms aGk= 2 MA C5 I E9 b\r\nhi\r\n", "ms k=aGk= c=5 v=hi C5 E9 I MA b\n");
    check_stream("ms k 2 F4294967296\r\nhi\r\n", "ms k=k v=hi F4294967296\n");
    /* a bad length does not swallow the block: memcached reads "hi" as a command */
    check_stream("ms k\r\n", "E:CLIENT_ERROR bad command line format n=6\n");
    check_stream("ms k abc\r\nhi\r\n",
                 "E:CLIENT_ERROR bad command line format n=10\nE:ERROR n=4\n");
    check_stream("ms k -1\r\nhi\r\n", "E:CLIENT_ERROR bad command line format n=9\nE:ERROR n=4\n");
    check_stream("ms k 2147483647\r\nmn\r\n", "E:CLIENT_ERROR bad command line format n=17\nmn\n");
    /* flag errors swallow the block */
    check_stream("ms k 2 Z\r\nhi\r\nmn\r\n", "E:CLIENT_ERROR invalid flag n=14\nmn\n");
    check_stream("ms k 2 S5\r\nhi\r\nmn\r\n", "E:CLIENT_ERROR invalid flag n=15\nmn\n");
    check_stream("ms k 2 Tabc\r\nhi\r\nmn\r\n",
                 "E:CLIENT_ERROR bad token in command line format n=17\nmn\n");
    check_stream("ms k 2 C-1\r\nhi\r\n", "E:CLIENT_ERROR bad token in command line format n=16\n");
    check_stream("ms k 2 MX\r\nhi\r\n", "E:CLIENT_ERROR invalid mode for ms M token n=15\n");
    check_stream("ms k 2 Ma\r\nhi\r\n", "E:CLIENT_ERROR invalid mode for ms M token n=15\n");
    check_stream("ms k 2 MEE\r\nhi\r\n", "E:CLIENT_ERROR incorrect length for M token n=16\n");
    check_stream("ms k 2 T1 T2\r\nhi\r\n", "E:CLIENT_ERROR duplicate flag n=18\n");
    check_stream("ms k 2 Fabc\r\nhi\r\n", "E:CLIENT_ERROR bad command line format n=17\n");
    check_stream("ms a!!! 2 b\r\nhi\r\n", "E:CLIENT_ERROR error decoding key n=17\n");
    /* bad data chunk, answered even with q; the "\n" left over is an empty command */
    check_stream("ms k 2 q\r\nhiX\r\nmn\r\n",
                 "E:CLIENT_ERROR bad data chunk n=14\nE:ERROR n=1\nmn\n");
    check_stream("ms k 5 T1\r\nab", "more\n");
}

static void test_md_ma_mn_me(void)
{
    check_stream("md k\r\n", "md k=k\n");
    check_stream("md k C1 q I T30 x\r\n", "md k=k e=30 c=1 C1 I T30 q x nr\n");
    check_stream("md\r\n", "E:ERROR n=4\n");
    check_stream("md k Cx\r\n", "E:CLIENT_ERROR invalid or duplicate flag n=9\n");
    check_stream("md k q q\r\n", "E:CLIENT_ERROR invalid or duplicate flag n=10\n");
    check_stream("ma k\r\n", "ma k=k d=1\n");
    check_stream("ma k N0 J5 D7 MD v t\r\n", "ma k=k d=7 i=5 D7 J5 MD N0 t v\n");
    check_stream("ma k M+ q\r\n", "ma k=k d=1 M+ q nr\n");
    check_stream("ma\r\n", "E:ERROR n=4\n");
    check_stream("ma k Dx\r\n", "E:CLIENT_ERROR invalid or duplicate flag n=9\n");
    check_stream("ma k Jx N0\r\n", "E:CLIENT_ERROR invalid or duplicate flag n=12\n");
    check_stream("ma k MX\r\n", "E:CLIENT_ERROR invalid mode for ma M token n=9\n");
    check_stream("ma k Mi\r\n", "E:CLIENT_ERROR invalid mode for ma M token n=9\n");
    check_stream("mn\r\nmn x\r\n", "mn\nmn\n");
    check_stream("me k\r\n", "me k=k\n");
    check_stream("me k v\r\n", "me k=k\n");
    check_stream("me aGVsbG8= b\r\n", "me k=aGVsbG8= b\n");
    check_stream("me k b\r\n", "E:CLIENT_ERROR bad command line format n=8\n");
    check_stream("me\r\n", "E:CLIENT_ERROR bad command line format n=4\n");
    check_stream("mx k\r\n", "E:ERROR n=6\n");
}

static void test_mixed_pipeline(void)
{
    check_stream("set a 0 0 1\r\n1\r\nmg a v q\r\nget a\r\nms b 1 T0\r\n2\r\nmn\r\n",
                 "set k=a v=1\nmg k=a q v nr\nget keys=a\nms k=b v=2 T0\nmn\n");
}

static void test_base64(void)
{
    char out[16];
    CHECK_EQ(proto_base64_decode("aGVsbG8=", 8, out, sizeof(out)), 5);
    CHECK_MEM(out, "hello", 5);
    CHECK_EQ(proto_base64_decode("aGk=", 4, out, sizeof(out)), 2);
    CHECK_EQ(proto_base64_decode("YWJj", 4, out, sizeof(out)), 3);
    CHECK_EQ(proto_base64_decode("YQ==", 4, out, sizeof(out)), 1);
    CHECK_EQ(proto_base64_decode("k", 1, out, sizeof(out)), -1);
    CHECK_EQ(proto_base64_decode("a=bc", 4, out, sizeof(out)), -1);
    CHECK_EQ(proto_base64_decode("YQ==YQ==", 8, out, sizeof(out)), -1);
    CHECK_EQ(proto_base64_decode("a!!!", 4, out, sizeof(out)), -1);
    CHECK_EQ(proto_base64_decode("aGVsbG8=", 8, out, 4), -1);
    char enc[16];
    CHECK_EQ(proto_base64_encode("hello", 5, enc), 8);
    CHECK_MEM(enc, "aGVsbG8=", 8);
    CHECK_EQ(proto_base64_encode("\x00\xff", 2, enc), 4);
    CHECK_EQ(proto_base64_decode(enc, 4, out, sizeof(out)), 2);
    CHECK_MEM(out, "\x00\xff", 2);
}

int main(void)
{
    TEST_RUN(test_mg);
    TEST_RUN(test_mg_limits);
    TEST_RUN(test_ms);
    TEST_RUN(test_md_ma_mn_me);
    TEST_RUN(test_mixed_pipeline);
    TEST_RUN(test_base64);
    return TEST_DONE();
}
