/* compose.c: writers for the wire format, used by the client (requests) and by the server and
 * proxy (replies). Each writer computes the exact length of what it writes, reserves it once in
 * the caller's struct buf and writes in place: an element is appended whole or not at all, and no
 * memory is allocated besides the buffer's own (amortised) growth.
 * Invariants: output is byte-exact memcached syntax; numbers in decimal without padding.
 * Concurrency: none (the buffer has one owner). Non-goals: validating keys (callers do that). */
#include "proto_impl.h"

#include "buf.h"
#include "ringcache/status.h"

static size_t len_u64(uint64_t v)
{
    size_t n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static size_t len_i64(int64_t v)
{
    return v < 0 ? 1 + len_u64((uint64_t)0 - (uint64_t)v) : len_u64((uint64_t)v);
}

static char *put_mem(char *p, const void *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

static char *put_str(char *p, const char *s)
{
    return put_mem(p, s, strlen(s));
}

static char *put_u64(char *p, uint64_t v)
{
    size_t n = len_u64(v);
    for (size_t i = n; i > 0; i--) {
        p[i - 1] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

static char *put_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return put_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return put_u64(p, (uint64_t)v);
}

/* Reserves n bytes and hands out the write pointer; finish() commits what was written. */
static int start(struct buf *b, size_t n, char **p)
{
    int rc = buf_reserve(b, n);
    if (rc == 0)
        *p = buf_wptr(b);
    return rc;
}

static int finish(struct buf *b, const char *p)
{
    buf_commit(b, (size_t)(p - buf_wptr(b)));
    return 0;
}

int proto_put_store_hdr(struct buf *b, enum proto_cmd cmd, const char *key, size_t nkey,
                        uint32_t flags, int64_t exptime, size_t vlen, uint64_t cas, bool noreply)
{
    const char *name = proto_cmd_name(cmd);
    bool with_cas = cmd == PROTO_CMD_CAS;
    size_t need = strlen(name) + 1 + nkey + 1 + len_u64(flags) + 1 + len_i64(exptime) + 1 +
                  len_u64(vlen) + (with_cas ? 1 + len_u64(cas) : 0) + (noreply ? 8 : 0) + 2;
    char *p;
    int rc = start(b, need, &p);
    if (rc)
        return rc;
    p = put_str(p, name);
    *p++ = ' ';
    p = put_mem(p, key, nkey);
    *p++ = ' ';
    p = put_u64(p, flags);
    *p++ = ' ';
    p = put_i64(p, exptime);
    *p++ = ' ';
    p = put_u64(p, vlen);
    if (with_cas) {
        *p++ = ' ';
        p = put_u64(p, cas);
    }
    if (noreply)
        p = put_str(p, " noreply");
    p = put_mem(p, "\r\n", 2);
    return finish(b, p);
}

int proto_put_store(struct buf *b, enum proto_cmd cmd, const char *key, size_t nkey, uint32_t flags,
                    int64_t exptime, const void *value, size_t vlen, uint64_t cas, bool noreply)
{
    size_t before = b->wpos - b->rpos;
    int rc = proto_put_store_hdr(b, cmd, key, nkey, flags, exptime, vlen, cas, noreply);
    if (rc)
        return rc;
    rc = buf_reserve(b, vlen + 2);
    if (rc) {
        b->wpos = b->rpos + before; /* take the header back: all or nothing */
        return rc;
    }
    char *p = put_mem(buf_wptr(b), value, vlen);
    p = put_mem(p, "\r\n", 2);
    return finish(b, p);
}

int proto_put_retrieval(struct buf *b, enum proto_cmd cmd, int64_t exptime)
{
    const char *name = proto_cmd_name(cmd);
    bool touch = cmd == PROTO_CMD_GAT || cmd == PROTO_CMD_GATS;
    char *p;
    int rc = start(b, strlen(name) + (touch ? 1 + len_i64(exptime) : 0), &p);
    if (rc)
        return rc;
    p = put_str(p, name);
    if (touch) {
        *p++ = ' ';
        p = put_i64(p, exptime);
    }
    return finish(b, p);
}

int proto_put_key(struct buf *b, const char *key, size_t nkey)
{
    char *p;
    int rc = start(b, 1 + nkey, &p);
    if (rc)
        return rc;
    *p++ = ' ';
    return finish(b, put_mem(p, key, nkey));
}

int proto_put_eol(struct buf *b)
{
    return buf_append(b, "\r\n", 2);
}

/* "<name> <key>[ <num>][ noreply]\r\n" with num as unsigned or signed. */
static int put_key_cmd(struct buf *b, const char *name, const char *key, size_t nkey, bool has_num,
                       bool is_signed, uint64_t num, bool noreply)
{
    size_t nlen = !has_num ? 0 : is_signed ? len_i64((int64_t)num) : len_u64(num);
    char *p;
    int rc =
        start(b, strlen(name) + 1 + nkey + (has_num ? 1 + nlen : 0) + (noreply ? 8 : 0) + 2, &p);
    if (rc)
        return rc;
    p = put_str(p, name);
    *p++ = ' ';
    p = put_mem(p, key, nkey);
    if (has_num) {
        *p++ = ' ';
        p = is_signed ? put_i64(p, (int64_t)num) : put_u64(p, num);
    }
    if (noreply)
        p = put_str(p, " noreply");
    return finish(b, put_mem(p, "\r\n", 2));
}

int proto_put_arith(struct buf *b, enum proto_cmd cmd, const char *key, size_t nkey, uint64_t delta,
                    bool noreply)
{
    return put_key_cmd(b, proto_cmd_name(cmd), key, nkey, true, false, delta, noreply);
}

int proto_put_touch(struct buf *b, const char *key, size_t nkey, int64_t exptime, bool noreply)
{
    return put_key_cmd(b, "touch", key, nkey, true, true, (uint64_t)exptime, noreply);
}

int proto_put_delete(struct buf *b, const char *key, size_t nkey, bool noreply)
{
    return put_key_cmd(b, "delete", key, nkey, false, false, 0, noreply);
}

int proto_put_cmd(struct buf *b, enum proto_cmd cmd, const char *arg)
{
    const char *name = proto_cmd_name(cmd);
    char *p;
    int rc = start(b, strlen(name) + (arg ? 1 + strlen(arg) : 0) + 2, &p);
    if (rc)
        return rc;
    p = put_str(p, name);
    if (arg) {
        *p++ = ' ';
        p = put_str(p, arg);
    }
    return finish(b, put_mem(p, "\r\n", 2));
}

int proto_put_meta(struct buf *b, enum proto_cmd cmd, const char *key, size_t nkey, int64_t datalen,
                   const char *flags)
{
    const char *name = proto_cmd_name(cmd);
    size_t need = strlen(name) + (key ? 1 + nkey : 0) + (datalen >= 0 ? 1 + len_i64(datalen) : 0) +
                  (flags && *flags ? 1 + strlen(flags) : 0) + 2;
    char *p;
    int rc = start(b, need, &p);
    if (rc)
        return rc;
    p = put_str(p, name);
    if (key) {
        *p++ = ' ';
        p = put_mem(p, key, nkey);
    }
    if (datalen >= 0) {
        *p++ = ' ';
        p = put_i64(p, datalen);
    }
    if (flags && *flags) {
        *p++ = ' ';
        p = put_str(p, flags);
    }
    return finish(b, put_mem(p, "\r\n", 2));
}

int proto_put_value_hdr(struct buf *b, const char *key, size_t nkey, uint32_t flags, size_t vlen,
                        uint64_t cas, bool with_cas)
{
    char *p;
    int rc = start(b,
                   6 + nkey + 1 + len_u64(flags) + 1 + len_u64(vlen) +
                       (with_cas ? 1 + len_u64(cas) : 0) + 2,
                   &p);
    if (rc)
        return rc;
    p = put_mem(p, "VALUE ", 6);
    p = put_mem(p, key, nkey);
    *p++ = ' ';
    p = put_u64(p, flags);
    *p++ = ' ';
    p = put_u64(p, vlen);
    if (with_cas) {
        *p++ = ' ';
        p = put_u64(p, cas);
    }
    return finish(b, put_mem(p, "\r\n", 2));
}

int proto_put_line(struct buf *b, const char *line)
{
    char *p;
    int rc = start(b, strlen(line) + 2, &p);
    if (rc)
        return rc;
    return finish(b, put_mem(put_str(p, line), "\r\n", 2));
}

int proto_put_u64_line(struct buf *b, uint64_t v)
{
    char *p;
    int rc = start(b, len_u64(v) + 2, &p);
    if (rc)
        return rc;
    return finish(b, put_mem(put_u64(p, v), "\r\n", 2));
}

int proto_put_stat(struct buf *b, const char *name, const char *value)
{
    char *p;
    int rc = start(b, 5 + strlen(name) + 1 + strlen(value) + 2, &p);
    if (rc)
        return rc;
    p = put_str(put_mem(p, "STAT ", 5), name);
    *p++ = ' ';
    return finish(b, put_mem(put_str(p, value), "\r\n", 2));
}

int proto_put_stat_u64(struct buf *b, const char *name, uint64_t v)
{
    char *p;
    int rc = start(b, 5 + strlen(name) + 1 + len_u64(v) + 2, &p);
    if (rc)
        return rc;
    p = put_str(put_mem(p, "STAT ", 5), name);
    *p++ = ' ';
    return finish(b, put_mem(put_u64(p, v), "\r\n", 2));
}

int proto_put_meta_code(struct buf *b, const char *code, int64_t vlen)
{
    char *p;
    int rc = start(b, strlen(code) + (vlen >= 0 ? 1 + len_i64(vlen) : 0), &p);
    if (rc)
        return rc;
    p = put_str(p, code);
    if (vlen >= 0) {
        *p++ = ' ';
        p = put_i64(p, vlen);
    }
    return finish(b, p);
}

int proto_put_meta_flag(struct buf *b, char flag, const char *tok, size_t n)
{
    char *p;
    int rc = start(b, 2 + n, &p);
    if (rc)
        return rc;
    *p++ = ' ';
    *p++ = flag;
    return finish(b, put_mem(p, tok, n));
}

int proto_put_meta_flag_u64(struct buf *b, char flag, uint64_t v)
{
    char *p;
    int rc = start(b, 2 + len_u64(v), &p);
    if (rc)
        return rc;
    *p++ = ' ';
    *p++ = flag;
    return finish(b, put_u64(p, v));
}

int proto_put_meta_flag_i64(struct buf *b, char flag, int64_t v)
{
    char *p;
    int rc = start(b, 2 + len_i64(v), &p);
    if (rc)
        return rc;
    *p++ = ' ';
    *p++ = flag;
    return finish(b, put_i64(p, v));
}

static void wr16(char *p, uint16_t v)
{
    p[0] = (char)(v >> 8);
    p[1] = (char)v;
}

static void wr32(char *p, uint32_t v)
{
    wr16(p, (uint16_t)(v >> 16));
    wr16(p + 2, (uint16_t)v);
}

static int put_bin(struct buf *b, uint8_t magic, uint8_t opcode, uint16_t status, uint32_t opaque,
                   uint64_t cas, const void *extras, uint8_t nextras, const char *key,
                   uint16_t nkey, uint32_t vlen)
{
    if ((uint64_t)vlen + nextras + nkey > UINT32_MAX)
        return RC_ERR_INVAL;
    char *p;
    int rc = start(b, 24u + nextras + nkey, &p);
    if (rc)
        return rc;
    p[0] = (char)magic;
    p[1] = (char)opcode;
    wr16(p + 2, nkey);
    p[4] = (char)nextras;
    p[5] = 0; /* data type: raw bytes */
    wr16(p + 6, status);
    wr32(p + 8, vlen + nextras + nkey);
    wr32(p + 12, opaque);
    wr32(p + 16, (uint32_t)(cas >> 32));
    wr32(p + 20, (uint32_t)cas);
    p += 24;
    if (nextras)
        p = put_mem(p, extras, nextras);
    if (nkey)
        p = put_mem(p, key, nkey);
    return finish(b, p);
}

int proto_put_bin_req(struct buf *b, uint8_t opcode, uint32_t opaque, uint64_t cas,
                      const void *extras, uint8_t nextras, const char *key, uint16_t nkey,
                      uint32_t vlen)
{
    return put_bin(b, 0x80, opcode, 0, opaque, cas, extras, nextras, key, nkey, vlen);
}

int proto_put_bin_rsp(struct buf *b, uint8_t opcode, uint16_t status, uint32_t opaque, uint64_t cas,
                      const void *extras, uint8_t nextras, const char *key, uint16_t nkey,
                      uint32_t vlen)
{
    return put_bin(b, 0x81, opcode, status, opaque, cas, extras, nextras, key, nkey, vlen);
}
