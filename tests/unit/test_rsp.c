/* test_rsp: the reply parser, on reply bytes recorded from real memcached 1.6.18 (text and meta
 * in one pipeline) and on binary packets; every stream runs whole, split at every byte and byte by
 * byte, each read in a heap buffer of exactly its size. */
#include "proto.h"
#include "test.h"

#include <stdlib.h>

static const char *type_name(enum proto_rsp_type t)
{
    static const char *names[] = {"VALUE",     "END",     "STORED",       "NOT_STORED",   "EXISTS",
                                  "NOT_FOUND", "DELETED", "TOUCHED",      "OK",           "RESET",
                                  "NUMBER",    "ERROR",   "CLIENT_ERROR", "SERVER_ERROR", "STAT",
                                  "VERSION",   "HD",      "VA",           "EN",           "NF",
                                  "NS",        "EX",      "MN",           "ME",           "BINARY"};
    return names[t];
}

static size_t describe(char *o, size_t cap, const char *b, const struct proto_rsp *r)
{
    int n = snprintf(o, cap, "%s", type_name(r->type));
    if (r->key.len)
        n += snprintf(o + n, cap - (size_t)n, " k=%.*s", (int)r->key.len, b + r->key.off);
    if (r->type == PROTO_RSP_VALUE || r->type == PROTO_RSP_VA || r->type == PROTO_RSP_BINARY) {
        n += snprintf(o + n, cap - (size_t)n, " v=");
        for (uint32_t i = 0; i < r->value.len; i++) {
            unsigned char c = (unsigned char)b[r->value.off + i];
            n += snprintf(o + n, cap - (size_t)n, c >= 32 && c < 127 ? "%c" : "\\x%02x", c);
        }
    }
    if (r->msg.len)
        n += snprintf(o + n, cap - (size_t)n, " m=%.*s", (int)r->msg.len, b + r->msg.off);
    if (r->flags)
        n += snprintf(o + n, cap - (size_t)n, " f=%u", (unsigned)r->flags);
    if (r->has_cas)
        n += snprintf(o + n, cap - (size_t)n, " c=%llu", (unsigned long long)r->cas);
    if (r->type == PROTO_RSP_NUMBER || r->number)
        n += snprintf(o + n, cap - (size_t)n, " n=%llu", (unsigned long long)r->number);
    for (int c = 'A'; c <= 'z'; c++)
        if ((c <= 'Z' || c >= 'a') && proto_rsp_has_mflag(r, (char)c)) {
            struct proto_span t = r->mtok[proto_mflag_bit((char)c)];
            n += snprintf(o + n, cap - (size_t)n, " %c%.*s", c, (int)t.len, b + t.off);
        }
    if (r->type == PROTO_RSP_BINARY)
        n += snprintf(o + n, cap - (size_t)n, " op=%02x st=%u o=%u x=%u", r->opcode,
                      (unsigned)r->status, (unsigned)r->opaque, (unsigned)r->extras.len);
    n += snprintf(o + n, cap - (size_t)n, "\n");
    return (size_t)n;
}

static char got[1 << 16];

/* Parses in[0, n) delivered as a first read of `first` bytes then one read per `step` bytes. */
static void run(const char *in, size_t n, size_t first, size_t step)
{
    size_t have = first, pos = 0, o = 0;
    got[0] = '\0';
    for (int guard = 0; guard < 1000000 && pos < n; guard++) {
        char *copy = malloc(have - pos + 1);
        memcpy(copy, in + pos, have - pos);
        struct proto_rsp r;
        int rc = proto_parse_rsp(copy, have - pos, &r);
        if (rc == PROTO_OK) {
            o += describe(got + o, sizeof(got) - o, copy, &r);
            pos += r.total_len;
        } else if (rc == PROTO_NEED_MORE && have < n) {
            have = have + step < n ? have + step : n;
        } else {
            o += (size_t)snprintf(got + o, sizeof(got) - o, "%s\n",
                                  rc == PROTO_ERROR ? "PROTOCOL_ERROR" : "more");
            free(copy);
            return;
        }
        free(copy);
    }
}

static void check_rsp_n(const char *in, size_t n, const char *want, int line)
{
    run(in, n, n, n);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "line %d whole:\n--- got\n%s--- want\n%s", line, got, want);
        test_failed_checks++;
        return;
    }
    for (size_t k = 1; k < n; k++) {
        run(in, n, k, n);
        if (strcmp(got, want) != 0) {
            fprintf(stderr, "line %d split at %zu:\n--- got\n%s", line, k, got);
            test_failed_checks++;
            return;
        }
    }
    run(in, n, 1, 1);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "line %d byte by byte:\n--- got\n%s", line, got);
        test_failed_checks++;
    }
}
#define check_rsp(in, want) check_rsp_n((in), sizeof(in) - 1, (want), __LINE__)

static void test_memcached_transcript(void)
{
    /* recorded from memcached 1.6.18 for a mixed text + meta pipeline */
    check_rsp(
        "STORED\r\nVALUE a 5 3 1\r\nabc\r\nEND\r\n"
        "CLIENT_ERROR cannot increment or decrement non-numeric value\r\nSTORED\r\n15\r\n"
        "VERSION 1.6.18\r\nOK\r\nERROR: shutdown not enabled\r\nHD\r\n"
        "VA 2 f7 t-1 s2 c4 km O123\r\nhi\r\nEN\r\nMN\r\nNF\r\nEX\r\n"
        "ME m exp=-1 la=0 cas=4 fetch=yes cls=1 size=66\r\nVA 2\r\n18\r\nHD\r\nERROR\r\n"
        "STAT 1:chunk_size 96\r\nSTAT active_slabs 1\r\nEND\r\n",
        "STORED\nVALUE k=a v=abc f=5 c=1\nEND\n"
        "CLIENT_ERROR m=cannot increment or decrement non-numeric value\nSTORED\nNUMBER n=15\n"
        "VERSION m=1.6.18\nOK\nERROR m=shutdown not enabled\nHD\n"
        "VA v=hi O123 c4 f7 km s2 t-1\nEN\nMN\nNF\nEX\n"
        "ME k=m m=exp=-1 la=0 cas=4 fetch=yes cls=1 size=66\nVA v=18\nHD\nERROR\n"
        "STAT k=1:chunk_size m=96\nSTAT k=active_slabs m=1\nEND\n");
}

static void test_text_words(void)
{
    check_rsp("NOT_STORED\r\nEXISTS\r\nNOT_FOUND\r\nDELETED\r\nTOUCHED\r\nRESET\r\n"
              "SERVER_ERROR object too large for cache\r\nERROR Too many open connections\r\n"
              "VALUE k 0 0\r\n\r\nEND\n",
              "NOT_STORED\nEXISTS\nNOT_FOUND\nDELETED\nTOUCHED\nRESET\n"
              "SERVER_ERROR m=object too large for cache\nERROR m=Too many open connections\n"
              "VALUE k=k v=\nEND\n");
    check_rsp("NS\r\nHD O9 k\r\n", "NS\nHD O9 k\n");
}

static void test_broken_streams(void)
{
    check_rsp("STORED\r\nWHAT\r\n", "STORED\nPROTOCOL_ERROR\n");
    check_rsp("VALUE k 0 3\r\nabcd\r\n", "PROTOCOL_ERROR\n");
    check_rsp("VALUE k 0\r\n", "PROTOCOL_ERROR\n");
    check_rsp("VALUE k x 1\r\na\r\n", "PROTOCOL_ERROR\n");
    check_rsp("VA 2 9\r\nhi\r\n", "PROTOCOL_ERROR\n");
    check_rsp("VALUE k 0 5\r\nab", "more\n");
    static char line[9000];
    memset(line, 'S', sizeof(line));
    check_rsp_n(line, sizeof(line), "PROTOCOL_ERROR\n", __LINE__);
}

static void test_binary(void)
{
    /* GET hit: extras = flags 0xdeadbeef, value "hi", cas 7, opaque 0x01020304 */
    static const char get_hit[] = "\x81\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x06"
                                  "\x01\x02\x03\x04\x00\x00\x00\x00\x00\x00\x00\x07"
                                  "\xde\xad\xbe\xefhi";
    check_rsp_n(get_hit, sizeof(get_hit) - 1,
                "BINARY v=hi f=3735928559 c=7 op=00 st=0 o=16909060 x=4\n", __LINE__);
    /* INCREMENT result 10 */
    static const char incr[] = "\x81\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08"
                               "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
                               "\x00\x00\x00\x00\x00\x00\x00\x0a";
    check_rsp_n(incr, sizeof(incr) - 1,
                "BINARY v=\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x0a c=1 n=10 op=05 st=0 o=0 x=0\n",
                __LINE__);
    /* GETK miss: status 1 (key not found), key "ab", body "Not found" */
    static const char miss[] = "\x81\x0c\x00\x02\x00\x00\x00\x01\x00\x00\x00\x0b"
                               "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                               "abNot found";
    check_rsp_n(miss, sizeof(miss) - 1, "BINARY k=ab v=Not found c=0 op=0c st=1 o=0 x=0\n",
                __LINE__);
    /* extras + key longer than the body */
    static const char bad[] = "\x81\x00\x00\x05\x04\x00\x00\x00\x00\x00\x00\x06"
                              "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                              "abcdef";
    check_rsp_n(bad, sizeof(bad) - 1, "PROTOCOL_ERROR\n", __LINE__);
}

int main(void)
{
    TEST_RUN(test_memcached_transcript);
    TEST_RUN(test_text_words);
    TEST_RUN(test_broken_streams);
    TEST_RUN(test_binary);
    return TEST_DONE();
}
