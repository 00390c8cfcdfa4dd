/* meta.c: placeholder until the meta parser lands (step 3); meta commands answer ERROR. */
#include "proto_impl.h"

int meta_parse(const char *buf, size_t len, const struct proto_line *line, uint32_t hdr_len,
               struct proto_req *req)
{
    return proto_fail(req, "ERROR", hdr_len);
}
