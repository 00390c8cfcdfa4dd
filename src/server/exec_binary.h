/* exec_binary: the binary-protocol executor. exec_request() calls it for every request of kind
 * PROTO_BINARY; conn.c calls exec_binary_error() for a binary request the parser refused and
 * exec_binary_too_large() for a value over -I (answered before the body is buffered). */
#ifndef RC_SERVER_EXEC_BINARY_H
#define RC_SERVER_EXEC_BINARY_H

#include "proto.h"

struct conn;

/* Executes one parsed binary request (spans are offsets from base) and queues its response
 * packets on c. Returns an enum exec_result (exec.h). */
int exec_binary(struct conn *c, const struct proto_req *req, const char *base);
/* Queues the error packet of a PROTO_ERROR binary parse (req->bin_status, req->err), unless the
 * parser asked for silence (req->noreply: a bad magic byte is closed without a word). */
void exec_binary_error(struct conn *c, const struct proto_req *req);
/* Queues memcached's "Too large." (E2BIG) answer to a storage request whose value exceeds -I. */
void exec_binary_too_large(struct conn *c, const struct proto_req *req);

#endif
