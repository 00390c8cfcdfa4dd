/* exec_meta: the meta-protocol executor (mg, ms, md, ma, mn, me). exec_request() calls it for
 * every request of kind PROTO_META; it answers as memcached 1.6.18 does (see exec_meta.c). */
#ifndef RC_SERVER_EXEC_META_H
#define RC_SERVER_EXEC_META_H

#include "proto.h"

struct conn;

/* Executes one parsed meta request (spans are offsets from base) and queues its reply on c.
 * Returns an enum exec_result (exec.h). */
int exec_meta(struct conn *c, const struct proto_req *req, const char *base);

#endif
