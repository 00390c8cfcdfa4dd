/* proto: the memcached protocols (text, meta, binary) as one library, shared by the server
 * (requests in, replies out), the client (requests out, replies in) and the proxy (both).
 * It never sees a socket or the store: it turns bytes into parsed structs and structs into bytes.
 *
 * Requests. proto_parse() looks at the bytes at the front of a read buffer and parses exactly one
 * request into a struct proto_req whose spans are offsets from the first byte passed in. Spans
 * stay valid as long as those bytes are not moved (a buffer may move when it grows). The caller
 * consumes req->total_len bytes once it has executed the request. Multi-key commands keep the
 * span of all keys; proto_keys_next() walks it, so a get of thousands of keys needs no array.
 *
 * Return values of proto_parse:
 *   PROTO_OK         a whole request (header and any data block) is present.
 *   PROTO_NEED_MORE  not all of it is present yet. If req->total_len is non-zero the header was
 *                    parsed and that many bytes are needed in all (grow the buffer to it).
 *   PROTO_ERROR      the request is bad. req->err is the exact reply line to send (without
 *                    "\r\n"), e.g. "ERROR" or "CLIENT_ERROR bad data chunk"; req->total_len bytes
 *                    are to be consumed (always <= len); req->close asks the caller to close the
 *                    connection after the reply; req->noreply set means send no reply at all (a
 *                    command with noreply silences its own CLIENT_ERRORs in memcached, and a line
 *                    over PROTO_LINE_MAX is closed without a word).
 *
 * Checked against memcached 1.6: a storage command whose HEADER is bad (key > 250 bytes, bad
 * numbers, negative length) does NOT swallow its data block; memcached reads the block as the next
 * command (and answers ERROR to it). A block whose last two bytes are not "\r\n" is consumed
 * whole and answered "CLIENT_ERROR bad data chunk". A value larger than the server allows (-I) is
 * the server's check: once the header is parsed (PROTO_NEED_MORE with total_len set, or PROTO_OK),
 * it may answer "SERVER_ERROR object too large for cache" and discard total_len bytes as they
 * arrive, without buffering them (memcached swallows such a block).
 *
 * Fields of struct proto_req are meaningful only as listed for each command; a successful parse
 * zeroes every scalar field first. tok[] holds ntok entries; mtok[i] only where mflags bit i is
 * set.
 */
#ifndef RC_PROTO_H
#define RC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

    enum proto_kind {
        PROTO_TEXT,
        PROTO_META,
        PROTO_BINARY
    };

#define PROTO_F_KEY     0x1u
#define PROTO_F_MULTI   0x2u
#define PROTO_F_VALUE   0x4u
#define PROTO_F_NOREPLY 0x8u

enum proto_cmd {
#define X(id, name, kind, bits) PROTO_CMD_##id,
#include "cmds.def"
#undef X
    PROTO_CMD_COUNT
};

/* Name, kind and PROTO_F_* bits of a command, from cmds.def. */
const char *proto_cmd_name(enum proto_cmd cmd);
enum proto_kind proto_cmd_kind(enum proto_cmd cmd);
unsigned proto_cmd_bits(enum proto_cmd cmd);

#define PROTO_OK        0
#define PROTO_NEED_MORE 1
#define PROTO_ERROR     (-1)

#define PROTO_KEY_MAX      250  /* longest key, as memcached */
#define PROTO_MAX_TOKENS   24   /* generic argument tokens kept for stats/verbosity/flush_all */
#define PROTO_LINE_MAX     2048 /* a non-get line longer than this without "\n" is an error */
#define PROTO_GET_LINE_MAX (4u << 20) /* get/gets lines may be this long (thousands of keys) */

struct proto_span {
    uint32_t off; /* from the first byte given to proto_parse */
    uint32_t len;
};

struct proto_req {
    enum proto_cmd cmd;
    enum proto_kind kind; /* how it arrived: a binary GET is kind PROTO_BINARY */
    uint32_t hdr_len;     /* command line incl. "\r\n"; binary: 24 + extras + key */
    uint32_t total_len;   /* hdr_len + data block (value and its "\r\n" in text) */
    bool noreply;         /* text noreply; meta q; binary quiet opcodes */
    bool close;           /* close the connection after replying (quit; some errors) */
    const char *err;      /* PROTO_ERROR only: reply line, static string */

    struct proto_span key;   /* the (first) key; for meta with b flag still base64 */
    struct proto_span keys;  /* MULTI commands: the span holding all keys */
    struct proto_span value; /* the data block, without its "\r\n" */
    uint32_t flags;          /* client flags */
    int64_t exptime;         /* as sent (text/binary exptime, gat's first argument) */
    uint64_t cas;            /* cas unique of cas / binary cas field */
    uint64_t delta;          /* incr/decr amount */
    uint64_t initial;        /* binary incr/decr initial value */
    uint32_t value_len;      /* declared data length */

    /* Generic argument tokens after the command word (stats args, verbosity level,
     * flush_all delay, meta flags as raw tokens). */
    uint32_t ntok;
    struct proto_span tok[PROTO_MAX_TOKENS];

    /* Meta: which flags were given (bit i for 'A'+i, i < 58 covers 'A'..'z') and each flag's
     * token (the characters after the flag letter), indexed by the same bit number. */
    uint64_t mflags;
    struct proto_span mtok[58];

    /* Binary: opcode and fields echoed back in the reply. */
    uint8_t opcode;
    uint32_t opaque;
    bool with_key; /* GETK-style: the reply carries the key */
};

static inline unsigned proto_mflag_bit(char c)
{
    return (unsigned)(c - 'A');
}
static inline bool proto_has_mflag(const struct proto_req *r, char c)
{
    return (r->mflags >> proto_mflag_bit(c)) & 1u;
}

/* Parses one request (text, meta or binary, told apart by the first byte: 0x80 is binary). */
int proto_parse(const char *buf, size_t len, struct proto_req *req);
/* The same, forcing one protocol family (a server started with -B ascii or -B binary). */
int proto_parse_text(const char *buf, size_t len, struct proto_req *req);
int proto_parse_binary(const char *buf, size_t len, struct proto_req *req);

/* Iterates the keys of a MULTI command: *pos starts at 0; returns false after the last key. */
bool proto_keys_next(const char *buf, const struct proto_req *req, uint32_t *pos,
                     struct proto_span *key);

/* Parses a decimal number as memcached's safe_strtoull/strtol do for this field; false on
 * anything else (sign where not allowed, trailing junk, overflow). */
bool proto_parse_u64(const char *p, size_t n, uint64_t *out);
bool proto_parse_u32(const char *p, size_t n, uint32_t *out);
bool proto_parse_i64(const char *p, size_t n, int64_t *out);
/* memcached's safe_strtol: a long, then stored into 32 bits (2147483648 becomes negative). */
bool proto_parse_i32(const char *p, size_t n, int32_t *out);

#endif
