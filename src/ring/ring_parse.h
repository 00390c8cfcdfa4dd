/* ring_parse: server names and server lists into the ring's node array. */
#ifndef RC_RING_PARSE_H
#define RC_RING_PARSE_H

#include <stddef.h>

#include <ringcache/ring.h>

#include "node.h"

/* Validates nodes[0..n) and copies them into *out, with every string in one *arena: name,
 * host and port split from the name, weight 0 read as 1, id = the caller's id when use_id and
 * given, else host (port 11211) or host:port. 0, RC_ERR_INVAL, RC_ERR_NOMEM. */
int ring_parse_nodes(const struct rc_ring_node *nodes, size_t n, int use_id, struct ring_node **out,
                     char **arena);

/* Splits "host:port[:weight][ id],..." into *nodes (n of them) whose strings live in *buf.
 * The caller frees both. 0, RC_ERR_INVAL (empty entry, bad weight), RC_ERR_NOMEM. */
int ring_parse_spec(const char *servers, struct rc_ring_node **nodes, size_t *n, char **buf);

#endif
