/* settings: memcached-compatible command line for ringcached (see settings.h).
 *
 * Design: SETTINGS_OPTIONS is the one table of options (letter, long name, argument, help); the
 * getopt string, the long-option array and the -h text are generated from it, so the help can
 * never list an option the parser does not take. Every value is validated here and refused with
 * a message (memcached's wording where it has one) so main() can exit non-zero at once.
 *
 * Invariants after a successful parse: 1 <= threads <= 1024, maxconns >= 1,
 * 1024 <= item_size_max <= maxbytes, nlisten >= 1 (default 127.0.0.1) unless a unix socket is
 * used. No state outside struct settings; not thread-safe (parsed once at start-up). */
#include "settings.h"

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "ringcache/status.h"

/* X(letter, long name, argument name or "" for none, help) */
#define SETTINGS_OPTIONS(X)                                                                        \
    X('p', "port", "num", "TCP port to listen on (default: 11211)")                                \
    X('U', "udp-port", "num", "UDP port (default: 0, off); UDP is not supported, only 0 works")    \
    X('s', "unix-socket", "file", "UNIX socket to listen on (disables network support)")           \
    X('a', "unix-mask", "mask", "access mask for UNIX socket, in octal (default: 700)")            \
    X('A', "enable-shutdown", "", "enable ascii \"shutdown\" command")                             \
    X('l', "listen", "addr",                                                                       \
      "interface to listen on (default: 127.0.0.1); repeat or use a "                              \
      "comma list for several; addr:port sets the port")                                           \
    X('d', "daemon", "", "run as a daemon")                                                        \
    X('u', "user", "user", "assume identity of <username> (only when run as root)")                \
    X('m', "memory-limit", "num", "item memory in megabytes (default: 64; k/m/g suffixes)")        \
    X('M', "disable-evictions", "", "return error on memory exhausted instead of evicting")        \
    X('c', "conn-limit", "num", "max simultaneous connections (default: 1024)")                    \
    X('v', "verbose", "", "verbose (print errors/warnings); -vv also connection events")           \
    X('h', "help", "", "print this help and exit")                                                 \
    X('V', "version", "", "print version and exit")                                                \
    X('P', "pidfile", "file", "save PID in <file>")                                                \
    X('t', "threads", "num", "number of worker threads to use (default: 4)")                       \
    X('R', "max-reqs-per-event", "num",                                                            \
      "maximum number of requests per event, limits the "                                          \
      "requests processed per connection (default: 20)")                                           \
    X('C', "disable-cas", "", "disable use of CAS")                                                \
    X('b', "listen-backlog", "num", "set the backlog queue limit (default: 1024)")                 \
    X('B', "protocol", "name", "protocol - one of ascii, binary, or auto (default: auto)")         \
    X('I', "max-item-size", "num", "adjusts max item size (default: 1m, min: 1k, k/m suffixes)")   \
    X('F', "disable-flush-all", "", "disable flush_all command")                                   \
    X('o', "extended", "opts", "comma separated list of extended options:")

void settings_init(struct settings *s)
{
    memset(s, 0, sizeof(*s));
    s->port = 11211;
    s->unix_mask = 0700;
    s->maxbytes = 64u << 20;
    s->maxconns = 1024;
    s->threads = 4;
    s->item_size_max = 1u << 20;
    s->reqs_per_event = 20;
    s->idle_poll_us = SETTINGS_IDLE_POLL_US_DEFAULT;
    s->backlog = 1024;
    s->proto = SETTINGS_PROTO_AUTO;
}

const char *settings_proto_name(enum settings_proto p)
{
    switch (p) {
    case SETTINGS_PROTO_ASCII:
        return "ascii";
    case SETTINGS_PROTO_BINARY:
        return "binary";
    default:
        return "auto-negotiate";
    }
}

void settings_usage(FILE *out)
{
    fprintf(out, "ringcached %s, a memcached-compatible cache node\n", RC_VERSION);
#define USAGE_LINE(ch, name, arg, help)                                                            \
    {                                                                                              \
        char left[48];                                                                             \
        snprintf(left, sizeof(left), "-%c, --%s%s%s%s", ch, name, sizeof(arg) > 1 ? "=<" : "",     \
                 arg, sizeof(arg) > 1 ? ">" : "");                                                 \
        fprintf(out, "%-30s %s\n", left, help);                                                    \
    }
    SETTINGS_OPTIONS(USAGE_LINE)
#undef USAGE_LINE
    fprintf(out, "   - idle_timeout:        timeout for idle connections in seconds (default: 0, "
                 "no timeout)\n"
                 "   - idle_poll_us:        after work, poll for new work up to this many "
                 "microseconds before sleeping (adaptive; default: 50, 0: sleep at once)\n"
                 "   - maxconns_fast:       accepted; new connections past -c always get "
                 "\"ERROR Too many open connections\"\n"
                 "   other memcached options are ignored with a warning\n");
}

/* Parses a size with an optional k/m/g suffix; unit multiplies a bare number. */
static bool parse_size(const char *arg, size_t unit, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno != 0 || end == arg || arg[0] == '-')
        return false;
    size_t mul = unit;
    switch (*end) {
    case '\0':
        break;
    case 'k':
    case 'K':
        mul = 1024;
        end++;
        break;
    case 'm':
    case 'M':
        mul = 1024 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mul = 1024ull * 1024 * 1024;
        end++;
        break;
    default:
        return false;
    }
    if (*end != '\0' || (v != 0 && mul > SIZE_MAX / v))
        return false;
    *out = (size_t)(v * mul);
    return true;
}

static bool parse_int(const char *arg, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static void append(char *dst, size_t n, const char *msg)
{
    size_t used = strlen(dst);
    if (used < n)
        snprintf(dst + used, n - used, "%s\n", msg);
}

static int parse_extended(struct settings *s, char *arg, char *err, size_t errlen, char *warn,
                          size_t warnlen)
{
    char *save = NULL;
    for (char *opt = strtok_r(arg, ",", &save); opt != NULL; opt = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(opt, '=');
        const char *val = eq ? eq + 1 : NULL;
        if (eq)
            *eq = '\0';
        if (strcmp(opt, "idle_timeout") == 0) {
            if (val == NULL || !parse_int(val, 0, INT32_MAX, &s->idle_timeout)) {
                snprintf(err, errlen, "idle_timeout must be a number of seconds >= 0");
                return RC_ERR_INVAL;
            }
        } else if (strcmp(opt, "idle_poll_us") == 0) {
            if (val == NULL || !parse_int(val, 0, SETTINGS_IDLE_POLL_US_MAX, &s->idle_poll_us)) {
                snprintf(err, errlen, "idle_poll_us must be a number of microseconds from 0 to %d",
                         SETTINGS_IDLE_POLL_US_MAX);
                return RC_ERR_INVAL;
            }
        } else if (strcmp(opt, "maxconns_fast") != 0 && strcmp(opt, "no_maxconns_fast") != 0) {
            char msg[160];
            snprintf(msg, sizeof(msg), "warning: ignoring unsupported -o option \"%s\"", opt);
            append(warn, warnlen, msg);
        }
    }
    return RC_OK;
}

static int add_listen(struct settings *s, char *arg, char *err, size_t errlen)
{
    char *save = NULL;
    for (char *a = strtok_r(arg, ",", &save); a != NULL; a = strtok_r(NULL, ",", &save)) {
        if (s->nlisten == SETTINGS_LISTEN_MAX || strlen(a) >= SETTINGS_HOST_MAX) {
            snprintf(err, errlen, "too many or too long -l addresses");
            return RC_ERR_INVAL;
        }
        strcpy(s->listen[s->nlisten++], a);
    }
    return RC_OK;
}

#define BAD(...)                                                                                   \
    do {                                                                                           \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        return RC_ERR_INVAL;                                                                       \
    } while (0)

/* Options about where to listen: -p -U -s -a -l. */
static int apply_net(struct settings *s, int ch, char *arg, char *err, size_t errlen)
{
    switch (ch) {
    case 'p':
        if (!parse_int(arg, 0, 65535, &s->port))
            BAD("invalid port \"%s\"", arg);
        break;
    case 'U':
        if (!parse_int(arg, 0, 65535, &s->udp_port))
            BAD("invalid UDP port \"%s\"", arg);
        if (s->udp_port != 0)
            BAD("UDP is not supported by ringcached: use -U 0 (the default)");
        break;
    case 's':
        if (strlen(arg) >= sizeof(s->unix_path) || arg[0] == '\0')
            BAD("invalid unix socket path \"%s\"", arg);
        strcpy(s->unix_path, arg);
        break;
    case 'a': {
        char *end;
        long m = strtol(arg, &end, 8);
        if (*end != '\0' || end == arg || m < 0 || m > 0777)
            BAD("invalid unix socket mask \"%s\" (octal, e.g. 700)", arg);
        s->unix_mask = (int)m;
        break;
    }
    default:
        return add_listen(s, arg, err, errlen); /* 'l' */
    }
    return RC_OK;
}

/* Sizes and limits: -m -c -t -R -b -I -B. */
static int apply_limit(struct settings *s, int ch, char *arg, char *err, size_t errlen)
{
    size_t sz;
    switch (ch) {
    case 'm':
        if (!parse_size(arg, 1024 * 1024, &sz) || sz == 0)
            BAD("invalid memory limit \"%s\"", arg);
        s->maxbytes = sz;
        break;
    case 'c':
        if (!parse_int(arg, 1, 1 << 24, &s->maxconns))
            BAD("Maximum connections must be greater than 0");
        break;
    case 't':
        if (!parse_int(arg, 1, 1024, &s->threads))
            BAD("Number of threads must be greater than 0 (and at most 1024)");
        break;
    case 'R':
        if (!parse_int(arg, 1, INT32_MAX, &s->reqs_per_event))
            BAD("Number of requests per event must be greater than 0");
        break;
    case 'b':
        if (!parse_int(arg, 1, INT32_MAX, &s->backlog))
            BAD("invalid listen backlog \"%s\"", arg);
        break;
    case 'B':
        if (strcmp(arg, "auto") == 0)
            s->proto = SETTINGS_PROTO_AUTO;
        else if (strcmp(arg, "ascii") == 0)
            s->proto = SETTINGS_PROTO_ASCII;
        else if (strcmp(arg, "binary") == 0)
            s->proto = SETTINGS_PROTO_BINARY;
        else
            BAD("Invalid value for binding protocol: %s\n -- should be one of auto, binary, or "
                "ascii",
                arg);
        break;
    case 'I':
        if (!parse_size(arg, 1, &sz))
            BAD("invalid item size \"%s\"", arg);
        s->item_size_max = sz;
        break;
    }
    return RC_OK;
}

static int apply_option(struct settings *s, int ch, char *arg, char *err, size_t errlen, char *warn,
                        size_t warnlen)
{
    if (strchr("pUsal", ch) != NULL)
        return apply_net(s, ch, arg, err, errlen);
    if (strchr("mctRbIB", ch) != NULL)
        return apply_limit(s, ch, arg, err, errlen);
    switch (ch) {
    case 'A':
        s->shutdown_enabled = true;
        break;
    case 'd':
        s->daemonize = true;
        break;
    case 'u':
        if (strlen(arg) >= sizeof(s->user))
            BAD("user name too long");
        strcpy(s->user, arg);
        break;
    case 'M':
        s->no_evict = true;
        break;
    case 'v':
        s->verbose++;
        break;
    case 'h':
        s->help = true;
        break;
    case 'V':
        s->version = true;
        break;
    case 'P':
        if (strlen(arg) >= sizeof(s->pidfile))
            BAD("pid file path too long");
        strcpy(s->pidfile, arg);
        break;
    case 'C':
        s->no_cas = true;
        break;
    case 'F':
        s->no_flush = true;
        break;
    case 'o':
        return parse_extended(s, arg, err, errlen, warn, warnlen);
    default:
        BAD("unknown option; see -h");
    }
    return RC_OK;
}

/* Checks what single options cannot: sizes against each other, addresses resolvable. */
static int validate(struct settings *s, char *err, size_t errlen)
{
    if (s->item_size_max < 1024)
        BAD("Item max size cannot be less than 1024 bytes.");
    if (s->item_size_max > (size_t)1024 * 1024 * 1024)
        BAD("Cannot set item size limit higher than 1 gigabyte.");
    if (s->item_size_max > s->maxbytes)
        BAD("Cannot set item size limit higher than the memory limit (-m).");
    if (s->unix_path[0] != '\0')
        return RC_OK;
    if (s->nlisten == 0) {
        strcpy(s->listen[0], "127.0.0.1");
        s->nlisten = 1;
    }
    for (int i = 0; i < s->nlisten; i++) {
        char host[SETTINGS_HOST_MAX];
        int port = s->port;
        if (net_split_hostport(s->listen[i], host, sizeof(host), &port) != RC_OK)
            BAD("invalid listen address \"%s\"", s->listen[i]);
        struct addrinfo hints = {0}, *res = NULL;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE;
        if (getaddrinfo(host[0] ? host : NULL, "0", &hints, &res) != 0)
            BAD("cannot resolve listen address \"%s\"", s->listen[i]);
        freeaddrinfo(res);
    }
    return RC_OK;
}

int settings_parse(struct settings *s, int argc, char **argv, char *err, size_t errlen, char *warn,
                   size_t warnlen)
{
    static const struct option longopts[] = {
#define LONG_OPT(ch, name, arg, help)                                                              \
    {name, sizeof(arg) > 1 ? required_argument : no_argument, NULL, ch},
        SETTINGS_OPTIONS(LONG_OPT)
#undef LONG_OPT
            {NULL, 0, NULL, 0}};
    char shortopts[128];
    size_t n = 0;
#define SHORT_OPT(ch, name, arg, help)                                                             \
    shortopts[n++] = ch;                                                                           \
    if (sizeof(arg) > 1)                                                                           \
        shortopts[n++] = ':';
    SETTINGS_OPTIONS(SHORT_OPT)
#undef SHORT_OPT
    shortopts[n] = '\0';
    err[0] = '\0';
    if (warnlen > 0)
        warn[0] = '\0';
    optind = 0; /* glibc: 0 also resets getopt's internal state for a fresh parse */
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (ch == '?' || ch == ':')
            BAD("invalid option or missing argument near \"%s\"; see -h",
                argv[optind - 1 < argc ? optind - 1 : argc - 1]);
        int rc = apply_option(s, ch, optarg, err, errlen, warn, warnlen);
        if (rc != RC_OK)
            return rc;
    }
    if (optind < argc)
        BAD("unexpected argument \"%s\"", argv[optind]);
    if (s->help || s->version)
        return RC_OK;
    return validate(s, err, errlen);
}

void settings_stats(const struct settings *s,
                    void (*emit)(void *arg, const char *name, const char *value), void *arg)
{
    char v[64];
#define EMIT_NUM(name, val)                                                                        \
    snprintf(v, sizeof(v), "%llu", (unsigned long long)(val));                                     \
    emit(arg, name, v);
    EMIT_NUM("maxbytes", s->maxbytes);
    EMIT_NUM("maxconns", s->maxconns);
    EMIT_NUM("tcpport", s->unix_path[0] ? 0 : s->port);
    EMIT_NUM("udpport", s->udp_port);
    emit(arg, "inter", s->unix_path[0] ? "NULL" : s->listen[0]);
    EMIT_NUM("verbosity", s->verbose);
    emit(arg, "evictions", s->no_evict ? "off" : "on");
    emit(arg, "domain_socket", s->unix_path[0] ? s->unix_path : "NULL");
    snprintf(v, sizeof(v), "%o", s->unix_mask);
    emit(arg, "umask", v);
    emit(arg, "shutdown_command", s->shutdown_enabled ? "yes" : "no");
    EMIT_NUM("num_threads", s->threads);
    EMIT_NUM("reqs_per_event", s->reqs_per_event);
    emit(arg, "cas_enabled", s->no_cas ? "no" : "yes");
    EMIT_NUM("tcp_backlog", s->backlog);
    emit(arg, "binding_protocol", settings_proto_name(s->proto));
    EMIT_NUM("item_size_max", s->item_size_max);
    emit(arg, "maxconns_fast", "yes");
    emit(arg, "flush_enabled", s->no_flush ? "no" : "yes");
    EMIT_NUM("idle_timeout", s->idle_timeout);
    EMIT_NUM("idle_poll_us", s->idle_poll_us);
#undef EMIT_NUM
}
