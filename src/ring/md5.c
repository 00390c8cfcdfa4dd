/* md5: MD5 (RFC 1321) written from the specification.
 *
 * Design: the classic four rounds of sixteen steps over 64-byte blocks, little-endian words.
 * Round constants are floor(|sin(i + 1)| * 2^32), tabulated. The context buffers at most one
 * partial block; md5_update() compresses whole blocks straight from the caller's memory.
 * md5_digest() builds the single padded block of inputs up to 55 bytes (most keys) directly.
 * Invariants: m->total counts every byte fed; (m->total % 64) bytes are pending in m->block.
 * Concurrency: a context belongs to one thread; the functions keep no other state.
 * Ownership: nothing is allocated. Non-goals: MD5 is used for placement only, never security. */
#include "md5.h"

#include <string.h>

static const uint32_t md5_k[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu, 0xf57c0fafu, 0x4787c62au, 0xa8304613u,
    0xfd469501u, 0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu, 0x6b901122u, 0xfd987193u,
    0xa679438eu, 0x49b40821u, 0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau, 0xd62f105du,
    0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u, 0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au, 0xfffa3942u, 0x8771f681u, 0x6d9d6122u,
    0xfde5380cu, 0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u, 0x289b7ec6u, 0xeaa127fau,
    0xd4ef3085u, 0x04881d05u, 0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u, 0xf4292244u,
    0x432aff97u, 0xab9423a7u, 0xfc93a039u, 0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u, 0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu,
    0xeb86d391u,
};

/* Left-rotation amounts: four per round, repeated over the round's sixteen steps. */
static const uint8_t md5_r[4][4] = {
    {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

static uint32_t rotl32(uint32_t x, unsigned s)
{
    return (x << s) | (x >> (32 - s));
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One step: the round function's value f joins a, the constant and the message word. */
#define MD5_STEP(f, i, g, s)                                                                       \
    do {                                                                                           \
        uint32_t f_ = (f), t_ = d;                                                                 \
        d = c;                                                                                     \
        c = b;                                                                                     \
        b = b + rotl32(a + f_ + md5_k[i] + w[g], (s));                                             \
        a = t_;                                                                                    \
    } while (0)

static void compress(uint32_t st[4], const uint8_t *blk)
{
    uint32_t w[16];
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++)
        w[i] = load_le32(blk + 4 * i);
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    /* Unrolled so that every index, shift and message word is a constant. */
#pragma GCC unroll 16
    for (unsigned i = 0; i < 16; i++)
        MD5_STEP((b & c) | (~b & d), i, i, md5_r[0][i % 4]);
#pragma GCC unroll 16
    for (unsigned i = 16; i < 32; i++)
        MD5_STEP((b & d) | (c & ~d), i, (5 * i + 1) % 16, md5_r[1][i % 4]);
#pragma GCC unroll 16
    for (unsigned i = 32; i < 48; i++)
        MD5_STEP(b ^ c ^ d, i, (3 * i + 5) % 16, md5_r[2][i % 4]);
#pragma GCC unroll 16
    for (unsigned i = 48; i < 64; i++)
        MD5_STEP(c ^ (b | ~d), i, (7 * i) % 16, md5_r[3][i % 4]);
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
}

static void store_digest(const uint32_t st[4], uint8_t digest[16]);

void md5_init(struct md5 *m)
{
    m->state[0] = 0x67452301u;
    m->state[1] = 0xefcdab89u;
    m->state[2] = 0x98badcfeu;
    m->state[3] = 0x10325476u;
    m->total = 0;
}

void md5_update(struct md5 *m, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t have = (size_t)(m->total % 64);
    m->total += len;
    if (have > 0) {
        size_t take = 64 - have < len ? 64 - have : len;
        memcpy(m->block + have, p, take);
        p += take;
        len -= take;
        if (have + take < 64)
            return;
        compress(m->state, m->block);
    }
    for (; len >= 64; p += 64, len -= 64)
        compress(m->state, p);
    if (len > 0)
        memcpy(m->block, p, len);
}

void md5_final(struct md5 *m, uint8_t digest[16])
{
    uint64_t bits = m->total * 8;
    static const uint8_t pad[64] = {0x80};
    size_t have = (size_t)(m->total % 64);
    size_t padlen = have < 56 ? 56 - have : 120 - have;
    uint8_t lenbytes[8];
    for (int i = 0; i < 8; i++)
        lenbytes[i] = (uint8_t)(bits >> (8 * i));
    md5_update(m, pad, padlen);
    md5_update(m, lenbytes, 8);
    store_digest(m->state, digest);
}

static void store_digest(const uint32_t st[4], uint8_t digest[16])
{
    for (int i = 0; i < 4; i++) {
        digest[4 * i] = (uint8_t)st[i];
        digest[4 * i + 1] = (uint8_t)(st[i] >> 8);
        digest[4 * i + 2] = (uint8_t)(st[i] >> 16);
        digest[4 * i + 3] = (uint8_t)(st[i] >> 24);
    }
}

void md5_digest(const void *data, size_t len, uint8_t digest[16])
{
    struct md5 m;
    md5_init(&m);
    if (len <= 55) { /* the common key: one padded block, built in place */
        memset(m.block, 0, sizeof(m.block));
        memcpy(m.block, data, len);
        m.block[len] = 0x80;
        uint64_t bits = (uint64_t)len * 8;
        for (int i = 0; i < 8; i++)
            m.block[56 + i] = (uint8_t)(bits >> (8 * i));
        compress(m.state, m.block);
        store_digest(m.state, digest);
        return;
    }
    md5_update(&m, data, len);
    md5_final(&m, digest);
}
