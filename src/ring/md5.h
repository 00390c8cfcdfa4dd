/* md5: MD5 message digest (RFC 1321), the hash behind libmemcached's and twemproxy's ketama
 * and the tutorial's ring. Incremental (init/update/final) and one-shot. No allocation. */
#ifndef RC_RING_MD5_H
#define RC_RING_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5 {
    uint32_t state[4];
    uint64_t total;    /* bytes fed so far */
    uint8_t block[64]; /* pending bytes of a partial block */
};

void md5_init(struct md5 *m);
void md5_update(struct md5 *m, const void *data, size_t len);
/* Writes the 16-byte digest; the context must be re-initialised before reuse. */
void md5_final(struct md5 *m, uint8_t digest[16]);
/* One-shot digest of data[0..len). */
void md5_digest(const void *data, size_t len, uint8_t digest[16]);

#endif
