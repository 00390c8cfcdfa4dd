/* wire: the client's bridge to the protocol library: request writers and the reply parser.
 *
 * Replies: wire_reply() is a thin adapter over proto_parse_rsp (src/proto/rsp.c): the one reply
 * parser of the project; it maps proto's reply types onto the client's and its spans onto
 * pointers. Stateless: it looks at the front of the buffer and returns one whole reply (with its
 * size) or asks for more bytes.
 *
 * Requests are written by proto's writers (compose.c) directly from ops.c and multi.c; only
 * flush_all's numeric argument needs formatting here. */
#include "client_int.h"

#include "proto.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int wire_flush_all(struct buf *b, int64_t delay)
{
    char arg[24];
    if (delay <= 0)
        return proto_put_cmd(b, PROTO_CMD_FLUSH_ALL, NULL);
    snprintf(arg, sizeof(arg), "%" PRId64, delay);
    return proto_put_cmd(b, PROTO_CMD_FLUSH_ALL, arg);
}

static const enum creply_kind kind_of[] = {
    [PROTO_RSP_VALUE] = CR_VALUE,
    [PROTO_RSP_END] = CR_END,
    [PROTO_RSP_STORED] = CR_STORED,
    [PROTO_RSP_NOT_STORED] = CR_NOT_STORED,
    [PROTO_RSP_EXISTS] = CR_EXISTS,
    [PROTO_RSP_NOT_FOUND] = CR_NOT_FOUND,
    [PROTO_RSP_DELETED] = CR_DELETED,
    [PROTO_RSP_TOUCHED] = CR_TOUCHED,
    [PROTO_RSP_OK] = CR_OK,
    [PROTO_RSP_NUMBER] = CR_NUMBER,
    [PROTO_RSP_ERROR] = CR_ERROR,
    [PROTO_RSP_CLIENT_ERROR] = CR_CLIENT_ERROR,
    [PROTO_RSP_SERVER_ERROR] = CR_SERVER_ERROR,
    [PROTO_RSP_STAT] = CR_STAT,
    [PROTO_RSP_VERSION] = CR_VERSION,
};

int wire_reply(const char *p, size_t n, struct creply *r)
{
    struct proto_rsp rsp;
    memset(r, 0, sizeof(*r));
    int rc = proto_parse_rsp(p, n, &rsp);
    r->total = rsp.total_len;
    if (rc == PROTO_NEED_MORE)
        return RC_ERR_AGAIN;
    if (rc != PROTO_OK)
        return RC_ERR_PROTOCOL;
    /* Text replies only: anything else (meta, binary, RESET) is out of step for this client. */
    if ((size_t)rsp.type >= sizeof(kind_of) / sizeof(kind_of[0]) ||
        (kind_of[rsp.type] == CR_VALUE && rsp.type != PROTO_RSP_VALUE))
        return RC_ERR_PROTOCOL;
    r->kind = kind_of[rsp.type];
    r->key = p + rsp.key.off;
    r->key_len = rsp.key.len;
    if (rsp.type == PROTO_RSP_VALUE) {
        r->data = p + rsp.value.off;
        r->data_len = rsp.value.len;
    } else {
        r->data = p + rsp.msg.off;
        r->data_len = rsp.msg.len;
    }
    r->flags = rsp.flags;
    r->cas = rsp.has_cas ? rsp.cas : 0;
    r->number = rsp.number;
    return RC_OK;
}
