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
 *                    still without "\n" past PROTO_LINE_MAX is closed without a word).
 *
 * A storage command whose header is bad (key > 250 bytes, bad flags/exptime/cas) but whose length
 * parses swallows its data block (PROTO_NEED_MORE with total_len until the block is here), so one
 * request gets one reply. This differs on purpose from memcached 1.6, which reads the block as the
 * next command and answers an extra ERROR that desyncs clients. A length that does not parse (or
 * is negative) cannot be swallowed: the block is read as a command, as memcached does. A block
 * whose last two bytes are not "\r\n" is consumed
 * whole and answered "CLIENT_ERROR bad data chunk". A value larger than the server allows (-I) is
 * the server's check: once the header is parsed (PROTO_NEED_MORE with total_len set, or PROTO_OK),
 * it may answer "SERVER_ERROR object too large for cache" and discard total_len bytes as they
 * arrive, without buffering them (memcached swallows such a block).
 *
 * Fields of struct proto_req: every parse zeroes every scalar field first; tok[] holds ntok
 * entries; mtok[i] is valid only where mflags bit i is set. Per command:
 *   storage (set add replace append prepend cas, ms, binary SET...): key, flags, exptime,
 *       value_len, value (complete only with PROTO_OK), cas (cas; ms C; binary cas field)
 *   get gets gat gats (and binary GET/GAT): keys (walk with proto_keys_next), key = first key,
 *       exptime (gat); binary: keys == key, with_key for the K opcodes
 *   incr decr (ma, binary): key, delta (ma: D, default 1), initial (binary, ma J), exptime
 *       (binary, ma N/T tokens)
 *   touch: key, exptime;  delete: key;  flush_all: exptime = delay;  verbosity: flags = level
 *   version stats shutdown quit: tok[] = the arguments (stats group; binary STAT: key)
 *   meta: key (still base64 when flag b is set: proto_base64_decode), mflags/mtok, noreply = q,
 *       exptime = T, flags = F, cas = C
 * Ownership: proto_req holds no pointers into the buffer, only offsets; err points to a static
 * string. Nothing is allocated; the functions are thread-safe (no state).
 */
#ifndef RC_PROTO_H
#define RC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum proto_kind { PROTO_TEXT, PROTO_META, PROTO_BINARY };

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
#define PROTO_LINE_MAX     2048 /* a longer non-get line still without "\n" is closed */
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

    /* Text and meta: the words after the command word, raw (stats args, verbosity level,
     * flush_all delay, meta key and flags); at most PROTO_MAX_TOKENS, only the first two for
     * multi-key lines (their keys are walked with proto_keys_next). */
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
    /* Binary PROTO_ERROR: the status to answer with (PROTO_BIN_*); err is its message text. */
    uint16_t bin_status;
};

/* Binary protocol (protocol_binary.h): magic bytes, status codes and opcodes. A binary request
 * maps onto the command of cmds.def: quiet opcodes (GETQ, SETQ, ...) set noreply, the K opcodes
 * (GETK, GATK, ...) set with_key; opcode keeps the original. SET/ADD/REPLACE with a non-zero cas
 * field are compare-and-swap (req->cas). */
#define PROTO_BIN_REQ             0x80
#define PROTO_BIN_RES             0x81
#define PROTO_BIN_HDR_LEN         24
#define PROTO_BIN_OK              0x00
#define PROTO_BIN_KEY_ENOENT      0x01
#define PROTO_BIN_KEY_EEXISTS     0x02
#define PROTO_BIN_E2BIG           0x03
#define PROTO_BIN_EINVAL          0x04
#define PROTO_BIN_NOT_STORED      0x05
#define PROTO_BIN_DELTA_BADVAL    0x06
#define PROTO_BIN_AUTH_ERROR      0x08
#define PROTO_BIN_UNKNOWN_COMMAND 0x81
#define PROTO_BIN_ENOMEM          0x82
#define PROTO_BIN_NOT_SUPPORTED   0x83

/* memcached's message text for a binary status ("Not found", "Too large.", ...); never NULL. */
const char *proto_bin_status_text(uint16_t status);

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

/* Base64 for meta keys (flag b). decode: the bytes written to dst (at most cap), or -1 when src is
 * not canonical base64 or does not fit. encode: writes 4 * ((n + 2) / 3) bytes, returns that. */
int proto_base64_decode(const char *src, size_t n, char *dst, size_t cap);
size_t proto_base64_encode(const void *src, size_t n, char *dst);

/* ---- replies (client and proxy side): rsp.c ----
 *
 * proto_parse_rsp() parses one reply element at the front of buf, like proto_parse: a VALUE line
 * with its data block, END, a STAT line, a status word, a number, a meta reply (with its VA data
 * block), or one binary response packet (magic 0x81). A multi-get is read element by element
 * (VALUE, VALUE, ..., END), so nothing is allocated and nothing is kept between calls.
 * Returns PROTO_OK (rsp->total_len bytes make the element), PROTO_NEED_MORE (total_len is the size
 * needed when the header is known, else 0) or PROTO_ERROR (not a reply: the stream is broken). */
enum proto_rsp_type {
    PROTO_RSP_VALUE,        /* VALUE key flags bytes [cas] + block: key, flags, value, cas */
    PROTO_RSP_END,          /* END */
    PROTO_RSP_STORED,       /* STORED */
    PROTO_RSP_NOT_STORED,   /* NOT_STORED */
    PROTO_RSP_EXISTS,       /* EXISTS */
    PROTO_RSP_NOT_FOUND,    /* NOT_FOUND */
    PROTO_RSP_DELETED,      /* DELETED */
    PROTO_RSP_TOUCHED,      /* TOUCHED */
    PROTO_RSP_OK,           /* OK */
    PROTO_RSP_RESET,        /* RESET (stats reset) */
    PROTO_RSP_NUMBER,       /* incr/decr result: number */
    PROTO_RSP_ERROR,        /* ERROR [text]: msg is the text after "ERROR" (may be empty) */
    PROTO_RSP_CLIENT_ERROR, /* CLIENT_ERROR msg */
    PROTO_RSP_SERVER_ERROR, /* SERVER_ERROR msg */
    PROTO_RSP_STAT,         /* STAT name value: key = name, msg = value (rest of the line) */
    PROTO_RSP_VERSION,      /* VERSION text: msg */
    PROTO_RSP_HD,           /* meta: HD flags */
    PROTO_RSP_VA,           /* meta: VA size flags + block: value */
    PROTO_RSP_EN,           /* meta: EN */
    PROTO_RSP_NF,           /* meta: NF flags */
    PROTO_RSP_NS,           /* meta: NS flags */
    PROTO_RSP_EX,           /* meta: EX flags */
    PROTO_RSP_MN,           /* meta: MN */
    PROTO_RSP_ME,           /* meta: ME key details: key, msg = the details */
    PROTO_RSP_BINARY,       /* binary packet: opcode, status, opaque, cas, key, value, extras */
};

struct proto_rsp {
    enum proto_rsp_type type;
    uint32_t hdr_len;        /* the line incl. its newline; binary: 24 + extras + key */
    uint32_t total_len;      /* hdr_len + data block (and its "\r\n" in text) */
    struct proto_span key;   /* VALUE key, STAT name, ME key, binary key */
    struct proto_span value; /* VALUE/VA/binary data, without "\r\n" */
    struct proto_span msg;   /* error text, STAT value, VERSION text, ME details */
    uint32_t flags;          /* VALUE flags; binary: client flags from the extras of a GET */
    uint64_t cas;            /* VALUE with cas (has_cas), binary cas */
    bool has_cas;
    uint64_t number; /* NUMBER; binary incr/decr body */
    /* meta flags returned (bit proto_mflag_bit(c)) and each flag's token, as in proto_req. */
    uint64_t mflags;
    struct proto_span mtok[58];
    /* binary */
    uint8_t opcode;
    uint16_t status;
    uint32_t opaque;
    struct proto_span extras;
};

int proto_parse_rsp(const char *buf, size_t len, struct proto_rsp *rsp);

static inline bool proto_rsp_has_mflag(const struct proto_rsp *r, char c)
{
    return (r->mflags >> proto_mflag_bit(c)) & 1u;
}

/* ---- writers: compose.c ----
 *
 * Each writer appends one whole element to a struct buf (src/common/buf.h) or nothing: it returns
 * 0, or the status of buf_reserve (RC_ERR_FULL, RC_ERR_NOMEM) with the buffer unchanged. Nothing
 * is allocated beyond the buffer's own growth. Keys and values are copied as given (the caller
 * checks keys); numbers are written in decimal. */
struct buf;

/* Requests (client, proxy). */
/* "<cmd> <key> <flags> <exptime> <bytes> [<cas>] [noreply]\r\n<value>\r\n" (cas only for CAS). */
int proto_put_store(struct buf *b, enum proto_cmd cmd, const char *key, size_t nkey, uint32_t flags,
                    int64_t exptime, const void *value, size_t vlen, uint64_t cas, bool noreply);
/* The same header line without the value (the caller sends value + "\r\n" itself). */
int proto_put_store_hdr(struct buf *b, enum proto_cmd cmd, const char *key, size_t nkey,
                        uint32_t flags, int64_t exptime, size_t vlen, uint64_t cas, bool noreply);
/* A retrieval line in pieces: "get"/"gets", or "gat <exptime>"/"gats <exptime>"; then " <key>"
 * per key; then "\r\n". */
int proto_put_retrieval(struct buf *b, enum proto_cmd cmd, int64_t exptime);
int proto_put_key(struct buf *b, const char *key, size_t nkey);
int proto_put_eol(struct buf *b);
/* "incr|decr <key> <delta> [noreply]\r\n" */
int proto_put_arith(struct buf *b, enum proto_cmd cmd, const char *key, size_t nkey, uint64_t delta,
                    bool noreply);
/* "touch <key> <exptime> [noreply]\r\n" */
int proto_put_touch(struct buf *b, const char *key, size_t nkey, int64_t exptime, bool noreply);
/* "delete <key> [noreply]\r\n" */
int proto_put_delete(struct buf *b, const char *key, size_t nkey, bool noreply);
/* "<cmd>[ <arg>]\r\n" for version, stats, flush_all, verbosity, quit...; arg may be NULL. */
int proto_put_cmd(struct buf *b, enum proto_cmd cmd, const char *arg);
/* Meta: "<mg|ms|md|ma|mn|me> <key>[ <datalen>][ <flags>]\r\n"; datalen < 0 leaves it out (only
 * ms has one); flags is the caller's flag words ("v t T30"), may be NULL; key NULL for mn. */
int proto_put_meta(struct buf *b, enum proto_cmd cmd, const char *key, size_t nkey, int64_t datalen,
                   const char *flags);

/* Replies (server, proxy). */
/* "VALUE <key> <flags> <bytes>[ <cas>]\r\n"; the caller sends the value and "\r\n". */
int proto_put_value_hdr(struct buf *b, const char *key, size_t nkey, uint32_t flags, size_t vlen,
                        uint64_t cas, bool with_cas);
/* "<line>\r\n": STORED, END, "CLIENT_ERROR bad data chunk", req->err... */
int proto_put_line(struct buf *b, const char *line);
/* "<v>\r\n" (incr/decr result). */
int proto_put_u64_line(struct buf *b, uint64_t v);
/* "STAT <name> <value>\r\n" */
int proto_put_stat(struct buf *b, const char *name, const char *value);
int proto_put_stat_u64(struct buf *b, const char *name, uint64_t v);
/* Meta reply in pieces: "<code>" (HD, VA, EN, NF, NS, EX, MN) and " <vlen>" when vlen >= 0 (VA);
 * then each return flag " <c><token>"; then proto_put_eol (and for VA the value and "\r\n"). */
int proto_put_meta_code(struct buf *b, const char *code, int64_t vlen);
int proto_put_meta_flag(struct buf *b, char flag, const char *tok, size_t n);
int proto_put_meta_flag_u64(struct buf *b, char flag, uint64_t v);
int proto_put_meta_flag_i64(struct buf *b, char flag, int64_t v);

/* Binary packets: the 24-byte header, then extras and key; the caller appends vlen value bytes.
 * Request magic 0x80 (client) or response magic 0x81 with a status (server). */
int proto_put_bin_req(struct buf *b, uint8_t opcode, uint32_t opaque, uint64_t cas,
                      const void *extras, uint8_t nextras, const char *key, uint16_t nkey,
                      uint32_t vlen);
int proto_put_bin_rsp(struct buf *b, uint8_t opcode, uint16_t status, uint32_t opaque, uint64_t cas,
                      const void *extras, uint8_t nextras, const char *key, uint16_t nkey,
                      uint32_t vlen);

#endif
