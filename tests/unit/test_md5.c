/* test_md5: RFC 1321's test suite, a long input, and incremental feeding split at every byte. */
#include <stdlib.h>

#include "md5.h"
#include "test.h"

static void hex(const uint8_t d[16], char out[33])
{
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_rfc1321_suite(void)
{
    static const char *cases[][2] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "d174ab98d277d9f5a5611c2c9f419d9f"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t d[16];
        char h[33];
        md5_digest(cases[i][0], strlen(cases[i][0]), d);
        hex(d, h);
        CHECK_STR(h, cases[i][1]);
    }
}

static void test_eighty_digits(void)
{
    const char *s =
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890";
    uint8_t d[16];
    char h[33];
    md5_digest(s, strlen(s), d);
    hex(d, h);
    CHECK_STR(h, "57edf4a22be3c955ac49da2e2107b67a");
}

static void test_million_a(void)
{
    char *buf = malloc(1000000);
    CHECK(buf != NULL);
    if (!buf)
        return;
    memset(buf, 'a', 1000000);
    uint8_t d[16];
    char h[33];
    md5_digest(buf, 1000000, d);
    hex(d, h);
    CHECK_STR(h, "7707d6ae4e027c70eea2a935c2296f21");
    free(buf);
}

/* Every split of a 200-byte input (crossing block boundaries) gives the one-shot digest. */
static void test_split_at_every_byte(void)
{
    uint8_t in[200], whole[16], part[16];
    for (int i = 0; i < 200; i++)
        in[i] = (uint8_t)(i * 7 + 3);
    md5_digest(in, sizeof(in), whole);
    int bad = 0;
    for (size_t cut = 0; cut <= sizeof(in); cut++) {
        struct md5 m;
        md5_init(&m);
        md5_update(&m, in, cut);
        md5_update(&m, in + cut, sizeof(in) - cut);
        md5_final(&m, part);
        bad += memcmp(whole, part, 16) != 0;
    }
    CHECK_EQ(bad, 0);
}

/* The one-block fast path (up to 55 bytes) and the general path agree at every length. */
static void test_every_length_both_paths(void)
{
    uint8_t in[130], fast[16], slow[16];
    for (int i = 0; i < 130; i++)
        in[i] = (uint8_t)(0xa5 ^ (i * 13));
    int bad = 0;
    for (size_t len = 0; len <= sizeof(in); len++) {
        md5_digest(in, len, fast);
        struct md5 m;
        md5_init(&m);
        for (size_t i = 0; i < len; i++)
            md5_update(&m, in + i, 1);
        md5_final(&m, slow);
        bad += memcmp(fast, slow, 16) != 0;
    }
    CHECK_EQ(bad, 0);
}

int main(void)
{
    TEST_RUN(test_rfc1321_suite);
    TEST_RUN(test_eighty_digits);
    TEST_RUN(test_million_a);
    TEST_RUN(test_split_at_every_byte);
    TEST_RUN(test_every_length_both_paths);
    return TEST_DONE();
}
