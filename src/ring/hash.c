/* hash: key hashes, each written from its published definition and checked against the
 * libraries whose placement we reproduce (tests/unit/test_hash.c holds values computed by
 * libmemcached 1.1.4 and pymemcache 3.5.2).
 *
 * Design notes:
 * - libmemcached and twemproxy read key bytes through `const char *`, which is signed on x86, so
 *   one-at-a-time and the FNV family add or xor sign-extended bytes. We do the same (byte_sx), so
 *   keys with bytes >= 0x80 land where those libraries put them.
 * - "fnv1_64"/"fnv1a_64" in those libraries return the low 32 bits of the 64-bit hash. For
 *   fnv1a_64 they compute in 32 bits with truncated constants; the low 32 bits of a product only
 *   depend on the low 32 bits of its factors, so both readings give the same value.
 * - CRC-32 is the reflected 0xEDB88320 polynomial; its table is a constant that macros build
 *   at compile time (no table initialised at run time, so no global mutable state).
 * - murmur3 is the x86_32 variant (pymemcache's murmur3_32), resumable: see hash.h.
 * - xxh3 comes from Debian's libxxhash (XXH3_64bits).
 * Concurrency: pure functions, no state. Ownership: nothing allocated. */
#include "hash.h"
#include "md5.h"

#include <xxhash.h>

static uint32_t byte_sx(uint8_t b)
{
    return (uint32_t)(int32_t)(int8_t)b;
}

uint32_t rc_hash_md5(const void *key, size_t len)
{
    uint8_t d[16];
    md5_digest(key, len, d);
    return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

void rc_hash_md5_digest(const void *key, size_t len, uint8_t digest[16])
{
    md5_digest(key, len, digest);
}

/* Entry i of the reflected CRC-32 table: eight shift/xor steps of the byte i. */
#define CRC_STEP(c) (((c) >> 1) ^ (((c)&1u) ? 0xedb88320u : 0u))
#define CRC_ENTRY(i)                                                                               \
    CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP((uint32_t)(i)))))))))
#define CRC_ROW(i)                                                                                 \
    CRC_ENTRY(i), CRC_ENTRY(i + 1), CRC_ENTRY(i + 2), CRC_ENTRY(i + 3), CRC_ENTRY(i + 4),          \
        CRC_ENTRY(i + 5), CRC_ENTRY(i + 6), CRC_ENTRY(i + 7)
#define CRC_ROWS(i) CRC_ROW(i), CRC_ROW(i + 8), CRC_ROW(i + 16), CRC_ROW(i + 24)

static const uint32_t crc_table[256] = {
    CRC_ROWS(0),   CRC_ROWS(32),  CRC_ROWS(64),  CRC_ROWS(96),
    CRC_ROWS(128), CRC_ROWS(160), CRC_ROWS(192), CRC_ROWS(224),
};

uint32_t rc_hash_crc32(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++)
        crc = (crc >> 8) ^ crc_table[(crc ^ p[i]) & 0xffu];
    return ~crc;
}

uint32_t rc_hash_crc32_libmemcached(const void *key, size_t len)
{
    return (rc_hash_crc32(key, len) >> 16) & 0x7fffu;
}

uint32_t rc_hash_crc32_python(const void *key, size_t len)
{
    uint32_t h = rc_hash_crc32_libmemcached(key, len);
    return h ? h : 1;
}

#define FNV32_BASIS 0x811c9dc5u
#define FNV32_PRIME 0x01000193u
#define FNV64_BASIS 0xcbf29ce484222325ull
#define FNV64_PRIME 0x00000100000001b3ull

uint32_t rc_hash_fnv1_32(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint32_t h = FNV32_BASIS;
    for (size_t i = 0; i < len; i++)
        h = (h * FNV32_PRIME) ^ byte_sx(p[i]);
    return h;
}

uint32_t rc_hash_fnv1a_32(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint32_t h = FNV32_BASIS;
    for (size_t i = 0; i < len; i++)
        h = (h ^ byte_sx(p[i])) * FNV32_PRIME;
    return h;
}

uint32_t rc_hash_fnv1_64(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint64_t h = FNV64_BASIS;
    for (size_t i = 0; i < len; i++)
        h = (h * FNV64_PRIME) ^ (uint64_t)(int64_t)(int8_t)p[i];
    return (uint32_t)h;
}

uint32_t rc_hash_fnv1a_64(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint64_t h = FNV64_BASIS;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint64_t)(int64_t)(int8_t)p[i]) * FNV64_PRIME;
    return (uint32_t)h;
}

uint32_t rc_hash_oaat(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint32_t h = 0;
    for (size_t i = 0; i < len; i++) {
        h += byte_sx(p[i]);
        h += h << 10;
        h ^= h >> 6;
    }
    h += h << 3;
    h ^= h >> 11;
    h += h << 15;
    return h;
}

static uint32_t rotl32(uint32_t x, unsigned s)
{
    return (x << s) | (x >> (32 - s));
}

static uint32_t mm3_scramble(uint32_t k)
{
    k *= 0xcc9e2d51u;
    k = rotl32(k, 15);
    return k * 0x1b873593u;
}

void hash_mm3_init(struct hash_mm3 *m, uint32_t seed)
{
    m->h = seed;
    m->tail = 0;
    m->ntail = 0;
    m->total = 0;
}

static void mm3_block(struct hash_mm3 *m, uint32_t k)
{
    m->h ^= mm3_scramble(k);
    m->h = rotl32(m->h, 13) * 5 + 0xe6546b64u;
}

void hash_mm3_update(struct hash_mm3 *m, const void *data, size_t len)
{
    const uint8_t *p = data;
    m->total += (uint32_t)len;
    while (len > 0 && m->ntail != 0) { /* finish a pending block first */
        m->tail |= (uint32_t)*p++ << (8 * m->ntail);
        len--;
        if (++m->ntail == 4) {
            mm3_block(m, m->tail);
            m->tail = 0;
            m->ntail = 0;
        }
    }
    for (; len >= 4; p += 4, len -= 4)
        mm3_block(m, (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                         (uint32_t)p[3] << 24);
    for (; len > 0; len--, p++)
        m->tail |= (uint32_t)*p << (8 * m->ntail++);
}

uint32_t hash_mm3_final(const struct hash_mm3 *m)
{
    uint32_t h = m->h;
    if (m->ntail > 0)
        h ^= mm3_scramble(m->tail);
    h ^= m->total;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

uint32_t rc_hash_murmur3_32(const void *key, size_t len, uint32_t seed)
{
    struct hash_mm3 m;
    hash_mm3_init(&m, seed);
    hash_mm3_update(&m, key, len);
    return hash_mm3_final(&m);
}

uint64_t rc_hash_xxh3_64(const void *key, size_t len)
{
    return XXH3_64bits(key, len);
}
