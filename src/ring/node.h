/* node: one server as the ring modules see it, parsed by ring.c from "host:port[:weight]".
 * All strings point into memory the ring owns; none is NUL-terminated except name. */
#ifndef RC_RING_NODE_H
#define RC_RING_NODE_H

#include <stddef.h>
#include <stdint.h>

struct ring_node {
    const char *name; /* "host:port" as the caller spelled it, weight stripped; NUL-terminated */
    size_t name_len;
    const char *host; /* host alone (IPv6 without brackets) */
    size_t host_len;
    uint32_t port;   /* 11211 when the name has none */
    uint32_t weight; /* >= 1 */
    const char *id;  /* ketama identity: twemproxy's name field, or host / host:port (below) */
    size_t id_len;
};

/* The memcached default port: libmemcached and twemproxy leave it out of the ketama identity. */
#define RING_DEFAULT_PORT 11211u

#endif
