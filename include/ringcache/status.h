/* ringcache status codes: shared by every library of the project and by the public client API.
 * 0 is success; every error is negative. Functions return one of these and hand results back
 * through out-parameters. rc_strerror() never returns NULL and the string is static. */
#ifndef RINGCACHE_STATUS_H
#define RINGCACHE_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* X(NAME, value, "message") */
#define RC_STATUS_TABLE(X)                                                                         \
    X(RC_OK, 0, "success")                                                                         \
    X(RC_ERR_NOMEM, -1, "out of memory")                                                           \
    X(RC_ERR_INVAL, -2, "invalid argument")                                                        \
    X(RC_ERR_AGAIN, -3, "need more data")                                                          \
    X(RC_ERR_PROTOCOL, -4, "protocol error")                                                       \
    X(RC_ERR_FULL, -5, "buffer or table full")                                                     \
    X(RC_ERR_IO, -6, "input/output error")                                                         \
    X(RC_ERR_TIMEOUT, -7, "timed out")                                                             \
    X(RC_ERR_CONNECT, -8, "connection failed")                                                     \
    X(RC_ERR_CLOSED, -9, "connection closed")                                                      \
    X(RC_ERR_NOT_FOUND, -10, "not found")                                                          \
    X(RC_ERR_NOT_STORED, -11, "not stored")                                                        \
    X(RC_ERR_EXISTS, -12, "exists (cas mismatch)")                                                 \
    X(RC_ERR_TOO_LARGE, -13, "object too large")                                                   \
    X(RC_ERR_NO_SERVER, -14, "no server available")                                                \
    X(RC_ERR_SERVER, -15, "server error")                                                          \
    X(RC_ERR_CLIENT, -16, "client error reported by server")                                       \
    X(RC_ERR_NON_NUMERIC, -17, "value is not a number")                                            \
    X(RC_ERR_EJECTED, -18, "server ejected after failures")                                        \
    X(RC_ERR_RESOLVE, -19, "cannot resolve address")                                               \
    X(RC_ERR_UNSUPPORTED, -20, "not supported")

enum rc_status {
#define RC_STATUS_ENUM(name, value, msg) name = value,
    RC_STATUS_TABLE(RC_STATUS_ENUM)
#undef RC_STATUS_ENUM
};

/* Static, human-readable text for a status; unknown codes give "unknown status". */
const char *rc_strerror(int status);

#ifdef __cplusplus
}
#endif
#endif
