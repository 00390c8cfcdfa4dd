/* binary.c: memcached's binary protocol requests. A 24-byte header (magic 0x80, opcode, key
 * length, extras length, data type, vbucket, body length, opaque, cas) is followed by extras, key
 * and value. Each opcode maps onto a command of cmds.def plus two bits (quiet -> noreply, K ->
 * with_key), so the server executes one set of commands whatever the protocol.
 *
 * Checks, as memcached 1.6.18 does them (verified against it):
 *   - fewer than 24 bytes: wait; magic not 0x80: close without a reply
 *   - key + extras longer than the body: "Unknown command" (0x81), close
 *   - key over 250 bytes, or lengths that do not fit the opcode: "Invalid arguments" (0x04), close
 *   - an unknown opcode: "Unknown command", the body is swallowed, the connection stays
 * Value size limits (-I, "Too large.") are the server's: header fields are filled in as soon as
 * the header is there, with PROTO_NEED_MORE and total_len set, so it can refuse and swallow.
 *
 * Invariants: never reads past buf[len); spans only; no allocation; stateless. */
#include "proto_impl.h"

#define Q          0x1u /* quiet */
#define K          0x2u /* with key */
#define OP_UNKNOWN PROTO_CMD_COUNT

static const struct {
    unsigned char cmd; /* enum proto_cmd, OP_UNKNOWN for holes */
    unsigned char bits;
} opcodes[0x25] = {
    [0x00] = {PROTO_CMD_GET, 0},
    [0x01] = {PROTO_CMD_SET, 0},
    [0x02] = {PROTO_CMD_ADD, 0},
    [0x03] = {PROTO_CMD_REPLACE, 0},
    [0x04] = {PROTO_CMD_DELETE, 0},
    [0x05] = {PROTO_CMD_INCR, 0},
    [0x06] = {PROTO_CMD_DECR, 0},
    [0x07] = {PROTO_CMD_QUIT, 0},
    [0x08] = {PROTO_CMD_FLUSH_ALL, 0},
    [0x09] = {PROTO_CMD_GET, Q},
    [0x0a] = {PROTO_CMD_NOOP, 0},
    [0x0b] = {PROTO_CMD_VERSION, 0},
    [0x0c] = {PROTO_CMD_GET, K},
    [0x0d] = {PROTO_CMD_GET, Q | K},
    [0x0e] = {PROTO_CMD_APPEND, 0},
    [0x0f] = {PROTO_CMD_PREPEND, 0},
    [0x10] = {PROTO_CMD_STATS, 0},
    [0x11] = {PROTO_CMD_SET, Q},
    [0x12] = {PROTO_CMD_ADD, Q},
    [0x13] = {PROTO_CMD_REPLACE, Q},
    [0x14] = {PROTO_CMD_DELETE, Q},
    [0x15] = {PROTO_CMD_INCR, Q},
    [0x16] = {PROTO_CMD_DECR, Q},
    [0x17] = {PROTO_CMD_QUIT, Q},
    [0x18] = {PROTO_CMD_FLUSH_ALL, Q},
    [0x19] = {PROTO_CMD_APPEND, Q},
    [0x1a] = {PROTO_CMD_PREPEND, Q},
    [0x1b] = {PROTO_CMD_VERBOSITY, Q},
    [0x1c] = {PROTO_CMD_TOUCH, 0},
    [0x1d] = {PROTO_CMD_GAT, 0},
    [0x1e] = {PROTO_CMD_GAT, Q},
    [0x1f] = {OP_UNKNOWN, 0},
    [0x20] = {PROTO_CMD_SASL_LIST_MECHS, 0},
    [0x21] = {PROTO_CMD_SASL_AUTH, 0},
    [0x22] = {PROTO_CMD_SASL_STEP, 0},
    [0x23] = {PROTO_CMD_GAT, K},
    [0x24] = {PROTO_CMD_GAT, Q | K},
};

const char *proto_bin_status_text(uint16_t status)
{
    switch (status) {
    case PROTO_BIN_OK:
        return "";
    case PROTO_BIN_KEY_ENOENT:
        return "Not found";
    case PROTO_BIN_KEY_EEXISTS:
        return "Data exists for key.";
    case PROTO_BIN_E2BIG:
        return "Too large.";
    case PROTO_BIN_EINVAL:
        return "Invalid arguments";
    case PROTO_BIN_NOT_STORED:
        return "Not stored.";
    case PROTO_BIN_DELTA_BADVAL:
        return "Non-numeric server-side value for incr or decr";
    case PROTO_BIN_AUTH_ERROR:
        return "Auth failure.";
    case PROTO_BIN_UNKNOWN_COMMAND:
        return "Unknown command";
    case PROTO_BIN_ENOMEM:
        return "Out of memory";
    case PROTO_BIN_NOT_SUPPORTED:
        return "Not supported";
    default:
        return "UNHANDLED ERROR";
    }
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd64(const unsigned char *p)
{
    return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static int bin_fail(struct proto_req *req, uint16_t status, bool close, uint32_t total)
{
    req->bin_status = status;
    req->close = close;
    req->noreply = false; /* memcached answers binary errors even to quiet opcodes */
    return proto_fail(req, proto_bin_status_text(status), total);
}

/* The length rules memcached applies per command (dispatch_bin_command). */
static bool lengths_ok(enum proto_cmd cmd, uint32_t klen, uint32_t elen, uint32_t body)
{
    switch (cmd) {
    case PROTO_CMD_VERSION:
    case PROTO_CMD_NOOP:
    case PROTO_CMD_QUIT:
    case PROTO_CMD_SASL_LIST_MECHS:
        return klen == 0 && elen == 0 && body == 0;
    case PROTO_CMD_FLUSH_ALL:
        return klen == 0 && body == elen && (elen == 0 || elen == 4);
    case PROTO_CMD_SET:
    case PROTO_CMD_ADD:
    case PROTO_CMD_REPLACE:
        return elen == 8 && klen != 0 && body >= klen + 8;
    case PROTO_CMD_GET:
    case PROTO_CMD_DELETE:
        return elen == 0 && klen > 0 && body == klen;
    case PROTO_CMD_INCR:
    case PROTO_CMD_DECR:
        return klen > 0 && elen == 20 && body == klen + 20;
    case PROTO_CMD_APPEND:
    case PROTO_CMD_PREPEND:
    case PROTO_CMD_SASL_AUTH:
    case PROTO_CMD_SASL_STEP:
        return klen > 0 && elen == 0;
    case PROTO_CMD_STATS:
        return elen == 0;
    case PROTO_CMD_VERBOSITY:
        return elen == 4 && klen == 0 && body == 4;
    case PROTO_CMD_TOUCH:
    case PROTO_CMD_GAT:
        return elen == 4 && klen != 0;
    default:
        return false;
    }
}

/* Decodes the extras of a complete header into req's fields. */
static void read_extras(const unsigned char *x, uint32_t elen, struct proto_req *req)
{
    switch (req->cmd) {
    case PROTO_CMD_SET:
    case PROTO_CMD_ADD:
    case PROTO_CMD_REPLACE:
        req->flags = rd32(x);
        req->exptime = (int32_t)rd32(x + 4);
        break;
    case PROTO_CMD_INCR:
    case PROTO_CMD_DECR:
        req->delta = rd64(x);
        req->initial = rd64(x + 8);
        req->exptime = (int32_t)rd32(x + 16);
        break;
    case PROTO_CMD_FLUSH_ALL:
    case PROTO_CMD_TOUCH:
    case PROTO_CMD_GAT:
        if (elen == 4)
            req->exptime = (int32_t)rd32(x);
        break;
    case PROTO_CMD_VERBOSITY:
        req->flags = rd32(x);
        break;
    default:
        break;
    }
}

int proto_parse_binary(const char *buf, size_t len, struct proto_req *req)
{
    proto_req_reset(req);
    req->kind = PROTO_BINARY;
    const unsigned char *h = (const unsigned char *)buf;
    if (len < PROTO_BIN_HDR_LEN)
        return PROTO_NEED_MORE;
    req->opcode = h[1];
    req->opaque = rd32(h + 12);
    if (h[0] != PROTO_BIN_REQ) {
        int rc = bin_fail(req, PROTO_BIN_EINVAL, true, PROTO_BIN_HDR_LEN);
        req->noreply = true; /* memcached closes without a word */
        return rc;
    }
    uint32_t klen = (uint32_t)h[2] << 8 | h[3], elen = h[4], body = rd32(h + 8);
    if (klen + elen > body)
        return bin_fail(req, PROTO_BIN_UNKNOWN_COMMAND, true, PROTO_BIN_HDR_LEN);
    if (klen > PROTO_KEY_MAX)
        return bin_fail(req, PROTO_BIN_EINVAL, true, PROTO_BIN_HDR_LEN);
    if (body > UINT32_MAX - PROTO_BIN_HDR_LEN)
        return bin_fail(req, PROTO_BIN_EINVAL, true, PROTO_BIN_HDR_LEN);
    uint32_t total = PROTO_BIN_HDR_LEN + body;
    if (req->opcode >= sizeof(opcodes) / sizeof(opcodes[0]) ||
        (req->opcode != 0x00 && opcodes[req->opcode].cmd == PROTO_CMD_GET &&
         opcodes[req->opcode].bits == 0) ||
        opcodes[req->opcode].cmd == OP_UNKNOWN) {
        req->total_len = total; /* swallowed: wait for the whole body first */
        if (len < total)
            return PROTO_NEED_MORE;
        return bin_fail(req, PROTO_BIN_UNKNOWN_COMMAND, false, total);
    }
    req->cmd = (enum proto_cmd)opcodes[req->opcode].cmd;
    req->noreply = opcodes[req->opcode].bits & Q;
    req->with_key = opcodes[req->opcode].bits & K;
    if (!lengths_ok(req->cmd, klen, elen, body))
        return bin_fail(req, PROTO_BIN_EINVAL, true, PROTO_BIN_HDR_LEN);
    req->cas = rd64(h + 16);
    req->hdr_len = PROTO_BIN_HDR_LEN + elen + klen;
    req->total_len = total;
    req->key = (struct proto_span){PROTO_BIN_HDR_LEN + elen, klen};
    req->value = (struct proto_span){req->hdr_len, body - elen - klen};
    req->value_len = req->value.len;
    if (req->cmd == PROTO_CMD_GET || req->cmd == PROTO_CMD_GAT)
        req->keys = req->key;
    if (len < req->hdr_len)
        return PROTO_NEED_MORE;
    read_extras(h + PROTO_BIN_HDR_LEN, elen, req);
    return len < total ? PROTO_NEED_MORE : PROTO_OK;
}
