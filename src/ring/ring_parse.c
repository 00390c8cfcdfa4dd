/* ring_parse: turns what users write ("mc1:11211:2,mc2:11211" or an rc_ring_node array) into
 * the ring's node records.
 *
 * Grammar of one server: host | host:port | [ipv6] | [ipv6]:port, then optionally :weight in a
 * list, then optionally " id" (twemproxy's name field). A bare IPv6 address without brackets is
 * rejected (its colons are ambiguous). Ports are decimal 0..65535, weights decimal 0..1000000
 * (0 reads as 1, as libmemcached does). Names are kept spelled as given.
 * Ownership: ring_parse_nodes allocates the node array and one arena; ring_parse_spec allocates
 * the node array and a copy of the list; callers free them. No global state. */
#include "ring_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ringcache/status.h>

static int parse_u32(const char *s, size_t len, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (len == 0 || len > 10)
        return RC_ERR_INVAL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return RC_ERR_INVAL;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max)
        return RC_ERR_INVAL;
    *out = (uint32_t)v;
    return RC_OK;
}

/* Splits a server name into host and port (11211 when absent). */
static int split_name(const char *name, size_t len, struct ring_node *nd)
{
    const char *port = NULL;
    nd->port = RING_DEFAULT_PORT;
    if (len == 0 || strpbrk(name, " \t\r\n,"))
        return RC_ERR_INVAL;
    if (name[0] == '[') {
        const char *close = memchr(name, ']', len);
        if (!close || close == name + 1)
            return RC_ERR_INVAL;
        nd->host = name + 1;
        nd->host_len = (size_t)(close - name - 1);
        if (close + 1 < name + len) {
            if (close[1] != ':')
                return RC_ERR_INVAL;
            port = close + 2;
        }
    } else {
        const char *colon = memchr(name, ':', len);
        if (colon && memchr(colon + 1, ':', len - (size_t)(colon + 1 - name)))
            return RC_ERR_INVAL; /* bare IPv6 */
        nd->host = name;
        nd->host_len = colon ? (size_t)(colon - name) : len;
        if (colon)
            port = colon + 1;
        if (nd->host_len == 0)
            return RC_ERR_INVAL;
    }
    return port ? parse_u32(port, (size_t)(name + len - port), 65535, &nd->port) : RC_OK;
}

static char *arena_put(char **cursor, const char *s, size_t len)
{
    char *p = *cursor;
    memcpy(p, s, len);
    p[len] = '\0';
    *cursor = p + len + 1;
    return p;
}

/* Fills one node whose strings go to *cursor (enough room reserved by the caller). */
static int copy_node(const struct rc_ring_node *in, int use_id, struct ring_node *nd, char **cursor)
{
    struct ring_node tmp = {0};
    size_t len = strlen(in->name);
    int rc = split_name(in->name, len, &tmp);
    if (rc != RC_OK)
        return rc;
    nd->name = arena_put(cursor, in->name, len);
    nd->name_len = len;
    nd->host = nd->name + (tmp.host - in->name);
    nd->host_len = tmp.host_len;
    nd->port = tmp.port;
    nd->weight = in->weight ? in->weight : 1;
    if (use_id && in->id && in->id[0]) {
        nd->id_len = strlen(in->id);
        nd->id = arena_put(cursor, in->id, nd->id_len);
    } else if (nd->port == RING_DEFAULT_PORT) {
        nd->id = arena_put(cursor, nd->host, nd->host_len); /* host alone */
        nd->id_len = nd->host_len;
    } else { /* "host:port", IPv6 without brackets, as the libraries print it */
        char *p = *cursor;
        memcpy(p, nd->host, nd->host_len);
        int k = snprintf(p + nd->host_len, 7, ":%u", (unsigned)nd->port);
        nd->id = p;
        nd->id_len = nd->host_len + (size_t)k;
        *cursor = p + nd->id_len + 1;
    }
    return RC_OK;
}

int ring_parse_nodes(const struct rc_ring_node *nodes, size_t n, int use_id, struct ring_node **out,
                     char **arena)
{
    size_t room = 0;
    *out = NULL;
    *arena = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!nodes[i].name)
            return RC_ERR_INVAL;
        size_t len = strlen(nodes[i].name);
        room += 2 * len + 16 + (nodes[i].id ? strlen(nodes[i].id) + 1 : 0);
    }
    struct ring_node *nd = calloc(n, sizeof(*nd));
    char *buf = malloc(room);
    if (!nd || !buf) {
        free(nd);
        free(buf);
        return RC_ERR_NOMEM;
    }
    char *cursor = buf;
    for (size_t i = 0; i < n; i++) {
        int rc = copy_node(&nodes[i], use_id, &nd[i], &cursor);
        if (rc != RC_OK) {
            free(nd);
            free(buf);
            return rc;
        }
    }
    *out = nd;
    *arena = buf;
    return RC_OK;
}

/* Trims blanks at both ends of [*s, *e). */
static void trim(char **s, char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\n'))
        (*e)--;
}

/* One entry [s, e): optional " id", optional ":weight" after the port. */
static int parse_entry(char *s, char *e, struct rc_ring_node *nd)
{
    trim(&s, &e);
    *e = '\0';
    nd->weight = 1;
    nd->id = NULL;
    char *sp = strrchr(s, ' ');
    if (sp) {
        nd->id = sp + 1;
        for (*sp = '\0'; sp > s && (sp[-1] == ' ' || sp[-1] == '\t'); sp--)
            sp[-1] = '\0';
        e = sp;
    }
    if (s == e)
        return RC_ERR_INVAL;
    const char *after = s[0] == '[' ? strchr(s, ']') : s;
    if (!after)
        return RC_ERR_INVAL;
    char *c1 = strchr(after, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2) { /* host:port:weight */
        if (parse_u32(c2 + 1, strlen(c2 + 1), 1000000, &nd->weight) != RC_OK)
            return RC_ERR_INVAL;
        *c2 = '\0';
        if (nd->weight == 0)
            nd->weight = 1;
    }
    nd->name = s;
    return RC_OK;
}

int ring_parse_spec(const char *servers, struct rc_ring_node **nodes, size_t *n, char **buf)
{
    *nodes = NULL;
    *n = 0;
    *buf = NULL;
    if (!servers || !*servers)
        return RC_ERR_INVAL;
    size_t count = 1;
    for (const char *p = servers; *p; p++)
        count += *p == ',';
    char *copy = strdup(servers);
    struct rc_ring_node *nd = calloc(count, sizeof(*nd));
    if (!copy || !nd) {
        free(copy);
        free(nd);
        return RC_ERR_NOMEM;
    }
    char *s = copy;
    for (size_t i = 0; i < count; i++) {
        char *e = strchr(s, ',');
        if (!e)
            e = s + strlen(s);
        char *next = *e ? e + 1 : e;
        if (parse_entry(s, e, &nd[i]) != RC_OK) {
            free(copy);
            free(nd);
            return RC_ERR_INVAL;
        }
        s = next;
    }
    *nodes = nd;
    *n = count;
    *buf = copy;
    return RC_OK;
}
