/* exec: runs one parsed request against the store and queues its reply on the connection.
 * exec_request dispatches on req->kind: text commands are exec.c's; the meta (exec_meta.c) and
 * binary (exec_binary.c) executors plug into the same switch and reuse conn.h's output helpers
 * and the store calls the way exec.c does. */
#ifndef RC_SERVER_EXEC_H
#define RC_SERVER_EXEC_H

#include <stddef.h>

#include "proto.h"

struct conn;

enum exec_result {
    EXEC_DONE,  /* reply queued (or none for noreply); consume the request */
    EXEC_PAUSE, /* the reply queue is full mid-request: flush, then call again (same bytes) */
    EXEC_CLOSE, /* close the connection once the queued replies are written */
};

/* Parses one request at base (len bytes) with the protocol family the server allows (-B). */
int exec_parse(struct conn *c, const char *base, size_t len, struct proto_req *req);
/* Executes req, whose spans are offsets from base. Returns an enum exec_result. */
int exec_request(struct conn *c, const struct proto_req *req, const char *base);
/* A set that cannot be stored (too large, out of memory) removes the key's old value, as
 * memcached does, so a reader never sees data the client meant to replace. */
void exec_drop_stale(struct conn *c, const struct proto_req *req, const char *base);
/* Text protocol executor (exec.c). */
int exec_text(struct conn *c, const struct proto_req *req, const char *base);

#endif
