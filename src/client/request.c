/* request: the client's requests in the protocol the client was created with (text or meta),
 * written with proto's writers (src/proto/compose.c) into a server's wbuf.
 *
 * Design: each op of the client maps onto one text command or one meta command:
 *   get/gets/gat  get k | gets k | gats T k    mg k v f k [c] [T<exptime>]
 *   get_multi     get k1 k2 ... (<= 100/line)  mg k v f k q [c] per key, then mn
 *   set/add/...   set k F T len               ms k len F<flags> T<exptime> M<S|E|R|A|P> [C<cas>]
 *   delete        delete k                     md k
 *   incr/decr     incr k D                     ma k D<delta> M<I|D> v
 *   touch         touch k T                    mg k T<exptime>
 * flush_all, stats and version are text commands in both modes (meta has no equivalent).
 * The replies differ (VA/HD/NS/EX/NF/EN/MN instead of VALUE/STORED/...): round.c maps both onto
 * the same struct creply kinds, so ops.c and multi.c parse one shape.
 *
 * Invariants: a writer appends one whole request or reports an error (the caller then drops the
 * server's wbuf). No allocation besides the buffer's growth. No state. */
#include "client_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static bool is_meta(const struct rc_client *c)
{
    return c->opt.protocol == RC_PROTOCOL_META;
}

int creq_retrieve(const struct rc_client *c, struct buf *b, enum proto_cmd cmd, const char *key,
                  size_t key_len, int64_t exptime)
{
    if (is_meta(c)) {
        char flags[48];
        bool touch = cmd == PROTO_CMD_GAT || cmd == PROTO_CMD_GATS;
        bool cas = cmd == PROTO_CMD_GETS || cmd == PROTO_CMD_GATS;
        int n = snprintf(flags, sizeof(flags), "v f k%s", cas ? " c" : "");
        if (touch)
            snprintf(flags + n, sizeof(flags) - (size_t)n, " T%" PRId64, exptime);
        return proto_put_meta(b, PROTO_CMD_MG, key, key_len, -1, flags);
    }
    int rc = proto_put_retrieval(b, cmd, exptime);
    if (rc == RC_OK)
        rc = proto_put_key(b, key, key_len);
    return rc == RC_OK ? proto_put_eol(b) : rc;
}

int creq_multi_key(const struct rc_client *c, struct buf *b, size_t nth, const char *key,
                   size_t key_len, bool with_cas)
{
    if (is_meta(c))
        return proto_put_meta(b, PROTO_CMD_MG, key, key_len, -1,
                              with_cas ? "v f k q c" : "v f k q");
    int rc = RC_OK;
    if (nth % CREQ_KEYS_PER_GET == 0 && nth > 0)
        rc = proto_put_eol(b);
    if (nth % CREQ_KEYS_PER_GET == 0 && rc == RC_OK)
        rc = proto_put_retrieval(b, with_cas ? PROTO_CMD_GETS : PROTO_CMD_GET, 0);
    return rc == RC_OK ? proto_put_key(b, key, key_len) : rc;
}

int creq_multi_end(const struct rc_client *c, struct buf *b)
{
    if (is_meta(c))
        return proto_put_meta(b, PROTO_CMD_MN, NULL, 0, -1, NULL);
    return proto_put_eol(b);
}

size_t creq_multi_batch(const struct rc_client *c, size_t nkeys)
{
    if (is_meta(c) || nkeys < CREQ_KEYS_PER_GET)
        return nkeys; /* meta: one mn closes every key of the server */
    return CREQ_KEYS_PER_GET;
}

static char meta_mode(enum proto_cmd cmd)
{
    switch (cmd) {
    case PROTO_CMD_ADD:
        return 'E';
    case PROTO_CMD_REPLACE:
        return 'R';
    case PROTO_CMD_APPEND:
        return 'A';
    case PROTO_CMD_PREPEND:
        return 'P';
    default:
        return 'S';
    }
}

int creq_store(const struct rc_client *c, struct buf *b, enum proto_cmd cmd, const char *key,
               size_t key_len, uint32_t flags, int64_t exptime, const void *value, size_t len,
               uint64_t cas)
{
    if (!is_meta(c))
        return proto_put_store(b, cmd, key, key_len, flags, exptime, value, len, cas, false);
    char mf[96];
    int n = snprintf(mf, sizeof(mf), "M%c", meta_mode(cmd));
    if (cmd != PROTO_CMD_APPEND && cmd != PROTO_CMD_PREPEND)
        n += snprintf(mf + n, sizeof(mf) - (size_t)n, " F%" PRIu32 " T%" PRId64, flags, exptime);
    if (cmd == PROTO_CMD_CAS)
        snprintf(mf + n, sizeof(mf) - (size_t)n, " C%" PRIu64, cas);
    size_t before = buf_rlen(b);
    int rc = proto_put_meta(b, PROTO_CMD_MS, key, key_len, (int64_t)len, mf);
    if (rc == RC_OK)
        rc = buf_reserve(b, len + 2);
    if (rc != RC_OK) {
        b->wpos = b->rpos + before; /* all or nothing */
        return rc;
    }
    buf_append(b, value, len);
    return buf_append(b, "\r\n", 2);
}

int creq_delete(const struct rc_client *c, struct buf *b, const char *key, size_t key_len)
{
    if (is_meta(c))
        return proto_put_meta(b, PROTO_CMD_MD, key, key_len, -1, NULL);
    return proto_put_delete(b, key, key_len, false);
}

int creq_arith(const struct rc_client *c, struct buf *b, enum proto_cmd cmd, const char *key,
               size_t key_len, uint64_t delta)
{
    if (!is_meta(c))
        return proto_put_arith(b, cmd, key, key_len, delta, false);
    char mf[48];
    snprintf(mf, sizeof(mf), "D%" PRIu64 " M%c v", delta, cmd == PROTO_CMD_DECR ? 'D' : 'I');
    return proto_put_meta(b, PROTO_CMD_MA, key, key_len, -1, mf);
}

int creq_touch(const struct rc_client *c, struct buf *b, const char *key, size_t key_len,
               int64_t exptime)
{
    if (!is_meta(c))
        return proto_put_touch(b, key, key_len, exptime, false);
    char mf[32];
    snprintf(mf, sizeof(mf), "T%" PRId64, exptime);
    return proto_put_meta(b, PROTO_CMD_MG, key, key_len, -1, mf);
}
