/* test_text: the classic text commands. Every expected error below was checked against real
 * memcached 1.6.18 (the reply it sends and how many bytes it consumes); every input runs whole,
 * split at every byte and byte by byte (proto_testutil.h). */
#include "proto_impl.h"
#include "proto_testutil.h"

static void test_storage_ok(void)
{
    check_stream("set k 0 0 3\r\nabc\r\n", "set k=k v=abc\n");
    check_stream("add k 5 100 1 noreply\r\na\r\n", "add k=k f=5 e=100 v=a nr\n");
    check_stream("replace k 1 2 0\r\n\r\n", "replace k=k f=1 e=2 v=\n");
    check_stream("append k 0 0 2\r\n\r\n\r\n", "append k=k v=\r\n\n");
    check_stream("prepend k 0 0 1\na\r\n", "prepend k=k v=a\n");
    check_stream("cas k 1 2 3 99\r\nabc\r\n", "cas k=k f=1 e=2 c=99 v=abc\n");
    check_stream("cas k 1 2 3 99 noreply\r\nabc\r\n", "cas k=k f=1 e=2 c=99 v=abc nr\n");
    /* memcached ignores a sixth word that is not noreply, extra spaces, a tab after a number */
    check_stream("set k 0 0 1 junk\r\na\r\n", "set k=k v=a\n");
    check_stream("  set  k  0  0  1 \r\na\r\n", "set k=k v=a\n");
    check_stream("set k 1\t 0 1\r\na\r\n", "set k=k f=1 v=a\n");
    check_stream("set k 0 0 1\r\r\na\r\n", "set k=k v=a\n");
    check_stream("set k 0 0 01\r\na\r\nset k 0 0 +1\r\nb\r\n", "set k=k v=a\nset k=k v=b\n");
}

static void test_storage_numbers(void)
{
    /* flags: 32 bits stored from an unsigned long; a minus sign only matters when negative */
    check_stream("set k 4294967295 0 1\r\na\r\n", "set k=k f=4294967295 v=a\n");
    check_stream("set k 4294967296 0 1\r\na\r\n", "set k=k v=a\n");
    /* a bad header whose length parses swallows its block: one request, one reply */
    check_stream("set k -1 0 1\r\na\r\n", "E:CLIENT_ERROR bad command line format n=17\n");
    check_stream("set k abc 0 1\r\na\r\n", "E:CLIENT_ERROR bad command line format n=18\n");
    check_stream("set k abc 0 3\r\na", "more\n");
    check_stream("set k 0 0 0x1\r\na\r\n",
                 "E:CLIENT_ERROR bad command line format n=15\nE:ERROR n=3\n");
    /* exptime and length: a long stored into 32 bits, as memcached does */
    check_stream("set k 0 -5 1\r\na\r\n", "set k=k e=-5 v=a\n");
    check_stream("set k 0 2147483648 1\r\na\r\n", "set k=k e=-2147483648 v=a\n");
    check_stream("set k 0 0 4294967297\r\na\r\n", "set k=k v=a\n");
    check_stream("set k 0 0 -1\r\nabc\r\n",
                 "E:CLIENT_ERROR bad command line format n=14\nE:ERROR n=5\n");
    check_stream("set k 0 0 2147483646\r\n", "E:CLIENT_ERROR bad command line format n=22\n");
    check_stream("cas k 0 0 1 -1\r\na\r\n", "E:CLIENT_ERROR bad command line format n=19\n");
    check_stream("cas k 0 0 1 abc\r\na\r\n", "E:CLIENT_ERROR bad command line format n=20\n");
}

static void test_storage_errors(void)
{
    check_stream("set k 0 0\r\n", "E:ERROR n=11\n");
    check_stream("set k 0 0 3 noreply extra\r\n", "E:ERROR n=27\n");
    check_stream("cas k 0 0 1\r\na\r\n", "E:ERROR n=13\nE:ERROR n=3\n");
    check_stream("set k\t0 0 1\r\na\r\n", "E:ERROR n=13\nE:ERROR n=3\n");
    /* a bad data chunk consumes the declared block; the rest is the next command */
    check_stream("set k 0 0 3\r\nabcde\r\n", "E:CLIENT_ERROR bad data chunk n=18\nE:ERROR n=2\n");
    check_stream("set k 0 0 3\nabc\nget k\n", "E:CLIENT_ERROR bad data chunk n=17\nE:ERROR n=5\n");
    check_stream("set k 0 0 1\r\na\r\r\n", "E:CLIENT_ERROR bad data chunk n=16\nE:ERROR n=1\n");
    /* noreply silences CLIENT_ERROR replies of the command (the server checks req->noreply) */
    check_stream("set k 0 0 1 noreply\r\nab\r\n",
                 "E:CLIENT_ERROR bad data chunk n=24 nr\nE:ERROR n=1\n");
    check_stream("set k 0 0 -1 noreply\r\n", "E:CLIENT_ERROR bad command line format n=22 nr\n");
    /* a block not yet complete waits */
    check_stream("set k 0 0 10\r\nabc", "more\n");
}

static void test_key_length(void)
{
    char in[600], want[300];
    memset(in, 0, sizeof(in));
    memcpy(in, "set ", 4);
    memset(in + 4, 'k', 250);
    memcpy(in + 254, " 0 0 1\r\na\r\n", 11);
    snprintf(want, sizeof(want), "set k=%.*s v=a\n", 250, in + 4);
    check_stream_n(in, 265, want, __LINE__);
    memcpy(in, "set ", 4);
    memset(in + 4, 'k', 251);
    memcpy(in + 255, " 0 0 1\r\na\r\n", 11);
    check_stream_n(in, 266, "E:CLIENT_ERROR bad command line format n=266\n", __LINE__);
    /* any over-long key of a get fails the whole get before anything is answered */
    memcpy(in, "get a ", 6);
    memset(in + 6, 'k', 251);
    memcpy(in + 257, " a\r\n", 4);
    check_stream_n(in, 261, "E:CLIENT_ERROR bad command line format n=261\n", __LINE__);
    memcpy(in, "incr ", 5);
    memset(in + 5, 'k', 251);
    memcpy(in + 256, " 1\r\n", 4);
    check_stream_n(in, 260, "E:CLIENT_ERROR bad command line format n=260\n", __LINE__);
    memcpy(in, "delete ", 7);
    memset(in + 7, 'k', 251);
    memcpy(in + 258, "\r\n", 2);
    check_stream_n(in, 260, "E:CLIENT_ERROR bad command line format n=260\n", __LINE__);
}

static void test_retrieval(void)
{
    check_stream("get k\r\n", "get keys=k\n");
    check_stream("get a b  c \r\n", "get keys=a b  c\n");
    check_stream("gets a\n", "gets keys=a\n");
    check_stream("gat 10 a b\r\n", "gat keys=a b e=10\n");
    check_stream("gats -1 k l\r\n", "gats keys=k l e=-1\n");
    check_stream("gat 10\r\n", "gat keys= e=10\n"); /* memcached answers END */
    check_stream("gat abc k\r\n", "E:CLIENT_ERROR invalid exptime argument n=11\n");
    check_stream("get\r\n", "E:ERROR n=5\n");
    check_stream("get \r\n", "E:ERROR n=6\n");
    check_stream("gets\r\n", "E:ERROR n=6\n");
    check_stream("get k\r\r\n", "get keys=k\r\n");      /* only the last \r goes */
    check_stream("get a b\0c a\r\n", "get keys=a b\n"); /* a NUL ends the line */
}

static void test_multiget_keys(void)
{
    static char in[5 * 3000 + 16];
    size_t n = 0;
    n += (size_t)sprintf(in, "get");
    for (int i = 0; i < 3000; i++)
        n += (size_t)sprintf(in + n, " k%03d", i % 1000);
    n += (size_t)sprintf(in + n, "\r\n");
    struct proto_req r;
    CHECK_EQ(proto_parse(in, n, &r), PROTO_OK);
    CHECK_EQ(r.total_len, n);
    uint32_t pos = 0, count = 0;
    struct proto_span k;
    while (proto_keys_next(in, &r, &pos, &k)) {
        char want[8];
        snprintf(want, sizeof(want), "k%03u", count % 1000);
        CHECK_MEM_LEN(in + k.off, k.len, want);
        count++;
    }
    CHECK_EQ(count, 3000);
    CHECK_EQ(proto_parse(in, n - 1, &r), PROTO_NEED_MORE); /* long, but a get: keeps waiting */
}

static void test_arith_touch_delete(void)
{
    check_stream("incr k 5\r\n", "incr k=k d=5\n");
    check_stream("decr k 18446744073709551615 noreply\r\n", "decr k=k d=18446744073709551615 nr\n");
    check_stream("incr k 1 2\r\n", "incr k=k d=1\n");
    check_stream("incr k\r\n", "E:ERROR n=8\n");
    check_stream("incr k 1 noreply x\r\n", "E:ERROR n=20\n");
    check_stream("incr k abc\r\n", "E:CLIENT_ERROR invalid numeric delta argument n=12\n");
    check_stream("incr k -1\r\n", "E:CLIENT_ERROR invalid numeric delta argument n=11\n");
    check_stream("decr k 18446744073709551616\r\n",
                 "E:CLIENT_ERROR invalid numeric delta argument n=29\n");
    check_stream("incr k abc noreply\r\n",
                 "E:CLIENT_ERROR invalid numeric delta argument n=20 nr\n");
    check_stream("touch k 10\r\n", "touch k=k e=10\n");
    check_stream("touch k 10 x\r\n", "touch k=k e=10\n");
    check_stream("touch k\r\n", "E:ERROR n=9\n");
    check_stream("touch k abc\r\n", "E:CLIENT_ERROR invalid exptime argument n=13\n");
    check_stream("delete k\r\n", "delete k=k\n");
    check_stream("delete k 0\r\n", "delete k=k\n");
    check_stream("delete k noreply\r\n", "delete k=k nr\n");
    check_stream("delete k 0 noreply\r\n", "delete k=k nr\n");
    check_stream("delete k 1\r\n", "E:CLIENT_ERROR bad command line format.  Usage: delete "
                                   "<key> [noreply] n=12\n");
    check_stream("delete k x\r\n", "E:CLIENT_ERROR bad command line format.  Usage: delete "
                                   "<key> [noreply] n=12\n");
    check_stream("delete\r\n", "E:ERROR n=8\n");
    check_stream("delete k 0 noreply x\r\n", "E:ERROR n=22\n");
}

static void test_admin(void)
{
    check_stream("flush_all\r\n", "flush_all\n");
    check_stream("flush_all 10\r\n", "flush_all e=10\n");
    check_stream("flush_all -1\r\n", "flush_all e=-1\n");
    check_stream("flush_all 1 2\r\n", "flush_all e=1\n");
    check_stream("flush_all noreply\r\n", "flush_all nr\n");
    check_stream("flush_all 0 noreply\r\n", "flush_all nr\n");
    check_stream("flush_all abc\r\n", "E:CLIENT_ERROR invalid exptime argument n=15\n");
    check_stream("flush_all 1 2 3\r\n", "E:ERROR n=17\n");
    check_stream("version\r\nversion x\r\n", "version\nversion\n");
    check_stream("verbosity 1\r\n", "verbosity f=1\n");
    check_stream("verbosity 1 noreply\r\n", "verbosity f=1 nr\n");
    check_stream("verbosity\r\n", "E:ERROR n=11\n");
    check_stream("verbosity x\r\n", "E:CLIENT_ERROR bad command line format n=13\n");
    check_stream("verbosity 1 2 3\r\n", "E:ERROR n=17\n");
    check_stream("quit\r\nversion\r\n", "quit close\n");
    check_stream("stats\r\nstats slabs\r\nshutdown\r\n", "stats\nstats\nshutdown\n");
    struct proto_req r;
    const char *st = "stats items x\r\n";
    CHECK_EQ(proto_parse(st, 15, &r), PROTO_OK);
    CHECK_EQ(r.ntok, 2);
    CHECK_MEM_LEN(&st[r.tok[1].off], r.tok[1].len, "x");
}

static void test_unknown_and_long_lines(void)
{
    check_stream("\r\n", "E:ERROR n=2\n");
    check_stream("\n", "E:ERROR n=1\n");
    check_stream("x\r\n", "E:ERROR n=3\n");
    check_stream("GET k\r\n", "E:ERROR n=7\n");
    check_stream("bogus a b c\r\nget k\r\n", "E:ERROR n=13\nget keys=k\n");
    /* more than PROTO_LINE_MAX bytes without "\n" on a non-get line: closed without a reply */
    static char in[3001];
    memset(in, 'a', 3000);
    check_stream_n(in, 3000, "E:CLIENT_ERROR line too long n=2049 nr close\n", __LINE__);
    memcpy(in, "get ", 4);
    check_stream_n(in, 3000, "more\n", __LINE__);
    /* a long line whose "\n" is already in the buffer is parsed as memcached does (one word
     * too few for set: ERROR); arriving in pieces it would be closed at 2049 bytes instead */
    in[2999] = '\n';
    memcpy(in, "set ", 4);
    struct proto_req r;
    CHECK_EQ(proto_parse(in, 3000, &r), PROTO_ERROR);
    CHECK_STR(r.err, "ERROR");
    CHECK_EQ(r.total_len, 3000);
    CHECK(!r.close);
    CHECK_EQ(proto_parse(in, 2049, &r), PROTO_ERROR);
    CHECK(r.close);
}

static void test_pipeline(void)
{
    check_stream("set a 0 0 1\r\n1\r\nget a b\r\nincr a 2\r\ndelete b noreply\r\nversion\r\n",
                 "set k=a v=1\nget keys=a b\nincr k=a d=2\ndelete k=b nr\nversion\n");
}

/* ---- the fast path (text_parse_fast) against the general path ---- */

static bool span_shifted(struct proto_span fast, struct proto_span gen)
{
    if (fast.off == 0 && fast.len == 0)
        return gen.off == 0 && gen.len == 0;
    return fast.off + 1 == gen.off && fast.len == gen.len;
}

/* in parsed as given and with one leading space (which only the general path accepts) must
 * mean the same, every span one byte further. Returns whether the fast path took the line. */
static bool same_as_general(const char *in, size_t n)
{
    static char alt[1024];
    alt[0] = ' ';
    memcpy(alt + 1, in, n);
    char *heap = malloc(n); /* exactly n bytes: ASan sees a read past them */
    memcpy(heap, in, n);
    struct proto_req a, g;
    memset(&a, 0x5a, sizeof(a));
    memset(&g, 0xa5, sizeof(g));
    int ra = proto_parse(heap, n, &a), rg = proto_parse(alt, n + 1, &g);
    bool ok = ra == rg && a.cmd == g.cmd && a.kind == g.kind && a.noreply == g.noreply &&
              a.close == g.close && a.flags == g.flags && a.exptime == g.exptime &&
              a.cas == g.cas && a.delta == g.delta && a.value_len == g.value_len &&
              (ra != PROTO_ERROR || strcmp(a.err, g.err) == 0) && span_shifted(a.key, g.key) &&
              span_shifted(a.keys, g.keys) && span_shifted(a.value, g.value);
    if (ra != PROTO_NEED_MORE || a.total_len)
        ok = ok && a.hdr_len + 1 == g.hdr_len && a.total_len + 1 == g.total_len;
    if (ra == PROTO_OK) {
        ok = ok && a.ntok == g.ntok;
        for (uint32_t i = 0; ok && i < a.ntok; i++)
            ok = span_shifted(a.tok[i], g.tok[i]);
    }
    if (!ok) {
        fprintf(stderr, "fast and general paths differ on: %.*s\n", (int)n, in);
        test_failed_checks++;
    }
    const char *nl = memchr(in, '\n', n);
    if (!nl) {
        free(heap);
        return false;
    }
    uint32_t end = (uint32_t)(nl - in);
    if (end > 1 && in[end - 1] == '\r')
        end--;
    struct proto_req f;
    memset(&f, 0, sizeof(f));
    bool fast = text_parse_fast(heap, n, end, (uint32_t)(nl - in) + 1, &f) != PROTO_FALLBACK;
    free(heap);
    return fast;
}

static unsigned rnd(uint32_t *s, unsigned n)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) % n;
}

/* Every length of number the fast path takes (1 to 18 digits), converted in one word or a byte at
 * a time (when fewer than 8 bytes follow it in the buffer), reads as strtoull reads it. */
static void test_fast_numbers(void)
{
    static const char digits[] = "9876543210987654321";
    for (unsigned n = 1; n <= 19; n++) {
        for (int tail = 0; tail < 2; tail++) {
            char in[64];
            int len = snprintf(in, sizeof(in), "cas k 0 0 1 %.*s\r\n%s", (int)n, digits + 19 - n,
                               tail ? "a\r\n" : "");
            char *heap = malloc((size_t)len);
            memcpy(heap, in, (size_t)len);
            struct proto_req r;
            int rc = proto_parse(heap, (size_t)len, &r);
            CHECK_EQ(rc, tail ? PROTO_OK : PROTO_NEED_MORE);
            char num[24];
            snprintf(num, sizeof(num), "%.*s", (int)n, digits + 19 - n);
            CHECK(r.cas == strtoull(num, NULL, 10));
            CHECK_EQ(r.tok[4].len, n);
            free(heap);
        }
    }
}

#define SAME_AS_GENERAL(lit) same_as_general((lit), sizeof(lit) - 1)

static void test_fast_path_matches_general(void)
{
    /* each list starts with the values a well-formed line uses */
    static const char *cmds[] = {"set", "add",  "replace", "append", "prepend", "cas",
                                 "get", "gets", "gat",     "incr",   "sets",    "ca"};
    static const char *nums[] = {"0",          "12345",      "1024",       "007",
                                 "42",         "123456",     "1234567",    "12345678",
                                 "123456789",  "0000000",    "4294967295", "4294967296",
                                 "2147483647", "2147483648", "2147483646", "999999999999999999"};
    static const char *bad_nums[] = {"-1",
                                     "+1",
                                     "9999999999999999999",
                                     "18446744073709551616",
                                     "abc",
                                     "1a",
                                     "",
                                     "1\t",
                                     "0x1",
                                     "12:",
                                     "7/",
                                     "3\x80"};
    static const char *tails[] = {"",           " noreply", " junk",    " ",
                                  " noreply x", "noreply",  " noreplyy"};
    static const char *ends[] = {"\r\n", "\n", "\n\r\n", "\r\r\n"};
    static const char *keys[] = {"k", "rcb:12345", "a\tb", "x\001", "k z", "\xc3\xa9"};
    static const char *blocks[] = {"abcde\r\n", "ab", "abcde\n\n", ""};
    uint32_t rng = 12345, fast = 0, total = 0;
    static char in[800];
    for (int iter = 0; iter < 40000; iter++) {
        bool odd = rnd(&rng, 4) == 0; /* one line in four is anything, the rest well-formed */
        unsigned c = odd ? rnd(&rng, 12) : rnd(&rng, 8);
        size_t n = (size_t)snprintf(in, sizeof(in), "%s ", cmds[c]);
        unsigned kl = rnd(&rng, 8);
        if (kl < 2) { /* 250 or 251 bytes */
            memset(in + n, 'k', 250 + kl);
            n += 250 + kl;
        } else {
            n += (size_t)snprintf(in + n, sizeof(in) - n, "%s", keys[odd ? rnd(&rng, 6) : kl & 1]);
            if (odd && kl == 7)
                in[n - 1] = '\0'; /* a NUL ends the line for the general path */
        }
        unsigned words = odd ? rnd(&rng, 6) : c < 5 ? 3 : c == 5 ? 4 : 0;
        for (unsigned w = 0; w < words; w++) {
            const char *sep = odd && rnd(&rng, 4) == 0 ? "  " : " ";
            const char *num = odd && rnd(&rng, 2) ? bad_nums[rnd(&rng, 12)] : nums[rnd(&rng, 16)];
            n += (size_t)snprintf(in + n, sizeof(in) - n, "%s%s", sep, num);
        }
        const char *tail = tails[rnd(&rng, odd ? 7 : 2)];
        n += (size_t)snprintf(in + n, sizeof(in) - n, "%s%s", tail, ends[rnd(&rng, odd ? 4 : 3)]);
        n += (size_t)snprintf(in + n, sizeof(in) - n, "%s", blocks[rnd(&rng, 4)]);
        fast += same_as_general(in, n);
        total++;
    }
    /* both paths must see plenty: the fast one only takes well-formed lines */
    CHECK(fast > total / 2);
    CHECK(fast < total * 9 / 10);
    CHECK(SAME_AS_GENERAL("set rcb:1 12345 0 5\r\nabcde\r\n"));
    CHECK(SAME_AS_GENERAL("cas k 1 2 5 99 noreply\r\nabcde\r\n"));
    CHECK(SAME_AS_GENERAL("get rcb:1\r\n"));
    CHECK(SAME_AS_GENERAL("gets k\n"));
    CHECK(SAME_AS_GENERAL("set k 0 0 999999999999999999\r\n")); /* fast, and refused */
    CHECK(!SAME_AS_GENERAL("set k 0 0 9999999999999999999\r\nabcde\r\n"));
    CHECK(!SAME_AS_GENERAL("get a b\r\n"));
    CHECK(!SAME_AS_GENERAL("set k 0 0 5 \r\nabcde\r\n"));
    /* the bytes next to the digits ('/' and ':') are not digits, in a word or a byte at a time */
    CHECK(!SAME_AS_GENERAL("set k 0 0 1:\r\nabcde\r\n"));
    CHECK(!SAME_AS_GENERAL("set k 0 0 1/\r\nabcde\r\n"));
    CHECK(!SAME_AS_GENERAL("set k 0 0 1:\r\n"));
}

int main(void)
{
    TEST_RUN(test_storage_ok);
    TEST_RUN(test_storage_numbers);
    TEST_RUN(test_storage_errors);
    TEST_RUN(test_key_length);
    TEST_RUN(test_retrieval);
    TEST_RUN(test_multiget_keys);
    TEST_RUN(test_arith_touch_delete);
    TEST_RUN(test_admin);
    TEST_RUN(test_unknown_and_long_lines);
    TEST_RUN(test_pipeline);
    TEST_RUN(test_fast_path_matches_general);
    TEST_RUN(test_fast_numbers);
    return TEST_DONE();
}
