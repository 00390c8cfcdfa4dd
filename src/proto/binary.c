/* binary.c: placeholder until the binary parser lands (step 4). */
#include "proto_impl.h"

int proto_parse_binary(const char *buf, size_t len, struct proto_req *req)
{
    memset(req, 0, sizeof(*req));
    req->kind = PROTO_BINARY;
    req->close = true;
    return proto_fail(req, "SERVER_ERROR binary protocol not implemented", (uint32_t)len);
}
